build/unit/obj/tests/unit/boot/test_pvh.o: tests/unit/boot/test_pvh.c \
 hyp/boot/pvh.h hyp/boot/bootinfo.h hyp/lib/lib.h \
 tests/unit/support/support.h
hyp/boot/pvh.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
