build/hyp/boot/cmdline.o: hyp/boot/cmdline.c hyp/lib/visibility.h \
 hyp/boot/cmdline.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/boot/cmdline.h:
hyp/lib/lib.h:
