build/hyp/boot/bootinfo.o: hyp/boot/bootinfo.c hyp/lib/visibility.h \
 hyp/boot/bootinfo.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
