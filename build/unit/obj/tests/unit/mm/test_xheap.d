build/unit/obj/tests/unit/mm/test_xheap.o: tests/unit/mm/test_xheap.c \
 hyp/mm/xheap.h hyp/lib/lib.h tests/unit/support/support.h
hyp/mm/xheap.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
