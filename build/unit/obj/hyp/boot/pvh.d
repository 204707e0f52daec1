build/unit/obj/hyp/boot/pvh.o: hyp/boot/pvh.c hyp/boot/pvh.h \
 hyp/boot/bootinfo.h hyp/lib/lib.h
hyp/boot/pvh.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
