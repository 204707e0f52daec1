build/hyp/mm/xmalloc.o: hyp/mm/xmalloc.c hyp/lib/visibility.h \
 hyp/arch/arch.h hyp/arch/layout.h hyp/lib/lib.h hyp/lib/spinlock.h \
 hyp/mm/mm.h hyp/boot/bootinfo.h hyp/mm/page_info.h hyp/mm/xheap.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/lib/spinlock.h:
hyp/mm/mm.h:
hyp/boot/bootinfo.h:
hyp/mm/page_info.h:
hyp/mm/xheap.h:
