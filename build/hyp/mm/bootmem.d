build/hyp/mm/bootmem.o: hyp/mm/bootmem.c hyp/lib/visibility.h \
 hyp/mm/bootmem.h hyp/lib/lib.h hyp/mm/page_info.h
hyp/lib/visibility.h:
hyp/mm/bootmem.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
