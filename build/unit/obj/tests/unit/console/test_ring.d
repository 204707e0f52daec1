build/unit/obj/tests/unit/console/test_ring.o: \
 tests/unit/console/test_ring.c hyp/console/ring.h hyp/lib/lib.h \
 tests/unit/support/support.h
hyp/console/ring.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
