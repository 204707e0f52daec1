build/hyp/mm/xheap.o: hyp/mm/xheap.c hyp/lib/visibility.h hyp/mm/xheap.h \
 hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/mm/xheap.h:
hyp/lib/lib.h:
