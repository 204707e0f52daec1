build/unit/obj/hyp/boot/multiboot2.o: hyp/boot/multiboot2.c \
 hyp/boot/multiboot2.h hyp/boot/bootinfo.h hyp/lib/lib.h
hyp/boot/multiboot2.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
