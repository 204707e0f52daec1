build/unit/obj/hyp/boot/cmdline.o: hyp/boot/cmdline.c hyp/boot/cmdline.h \
 hyp/lib/lib.h
hyp/boot/cmdline.h:
hyp/lib/lib.h:
