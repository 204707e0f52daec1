build/hyp/mm/mm.o: hyp/mm/mm.c hyp/lib/visibility.h hyp/arch/arch.h \
 hyp/arch/layout.h hyp/lib/lib.h hyp/lib/spinlock.h hyp/mm/bootmem.h \
 hyp/mm/buddy.h hyp/mm/page_info.h hyp/mm/mm.h hyp/boot/bootinfo.h \
 hyp/mm/paging.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/lib/spinlock.h:
hyp/mm/bootmem.h:
hyp/mm/buddy.h:
hyp/mm/page_info.h:
hyp/mm/mm.h:
hyp/boot/bootinfo.h:
hyp/mm/paging.h:
