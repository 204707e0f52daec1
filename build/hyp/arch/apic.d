build/hyp/arch/apic.o: hyp/arch/apic.c hyp/lib/visibility.h \
 hyp/arch/arch.h hyp/arch/layout.h hyp/lib/lib.h hyp/mm/mm.h \
 hyp/boot/bootinfo.h hyp/mm/page_info.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/mm/mm.h:
hyp/boot/bootinfo.h:
hyp/mm/page_info.h:
