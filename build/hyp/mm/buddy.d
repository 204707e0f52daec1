build/hyp/mm/buddy.o: hyp/mm/buddy.c hyp/lib/visibility.h hyp/mm/buddy.h \
 hyp/lib/lib.h hyp/mm/page_info.h
hyp/lib/visibility.h:
hyp/mm/buddy.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
