build/unit/obj/tests/unit/support/stubs.o: tests/unit/support/stubs.c \
 hyp/lib/lib.h tests/unit/support/support.h
hyp/lib/lib.h:
tests/unit/support/support.h:
