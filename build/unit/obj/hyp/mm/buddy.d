build/unit/obj/hyp/mm/buddy.o: hyp/mm/buddy.c hyp/mm/buddy.h \
 hyp/lib/lib.h hyp/mm/page_info.h
hyp/mm/buddy.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
