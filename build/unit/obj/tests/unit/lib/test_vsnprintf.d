build/unit/obj/tests/unit/lib/test_vsnprintf.o: \
 tests/unit/lib/test_vsnprintf.c hyp/lib/lib.h \
 tests/unit/support/support.h
hyp/lib/lib.h:
tests/unit/support/support.h:
