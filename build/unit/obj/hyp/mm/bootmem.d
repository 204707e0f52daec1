build/unit/obj/hyp/mm/bootmem.o: hyp/mm/bootmem.c hyp/mm/bootmem.h \
 hyp/lib/lib.h hyp/mm/page_info.h
hyp/mm/bootmem.h:
hyp/lib/lib.h:
hyp/mm/page_info.h:
