build/unit/obj/tests/unit/boot/test_cmdline.o: \
 tests/unit/boot/test_cmdline.c hyp/boot/cmdline.h hyp/lib/lib.h \
 tests/unit/support/support.h
hyp/boot/cmdline.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
