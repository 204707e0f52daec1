build/unit/obj/tests/unit/mm/test_bootmem.o: tests/unit/mm/test_bootmem.c \
 hyp/mm/bootmem.h hyp/lib/lib.h hyp/mm/page_info.h \
 tests/unit/support/support.h
hyp/mm/bootmem.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
tests/unit/support/support.h:
