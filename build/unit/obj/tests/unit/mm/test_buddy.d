build/unit/obj/tests/unit/mm/test_buddy.o: tests/unit/mm/test_buddy.c \
 hyp/mm/buddy.h hyp/lib/lib.h hyp/mm/page_info.h \
 tests/unit/support/support.h
hyp/mm/buddy.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
tests/unit/support/support.h:
