build/hyp/boot/pvh.o: hyp/boot/pvh.c hyp/lib/visibility.h hyp/boot/pvh.h \
 hyp/boot/bootinfo.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/boot/pvh.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
