build/unit/obj/hyp/boot/bootinfo.o: hyp/boot/bootinfo.c \
 hyp/boot/bootinfo.h hyp/lib/lib.h
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
