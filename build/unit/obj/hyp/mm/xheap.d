build/unit/obj/hyp/mm/xheap.o: hyp/mm/xheap.c hyp/mm/xheap.h \
 hyp/lib/lib.h
hyp/mm/xheap.h:
hyp/lib/lib.h:
