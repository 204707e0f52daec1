build/hyp/arch/smp.o: hyp/arch/smp.c hyp/lib/visibility.h \
 hyp/arch/acpi_tables.h hyp/lib/lib.h hyp/arch/arch.h hyp/arch/layout.h \
 hyp/arch/percpu.h hyp/lib/spinlock.h hyp/mm/mm.h hyp/boot/bootinfo.h \
 hyp/mm/page_info.h
hyp/lib/visibility.h:
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/arch/percpu.h:
hyp/lib/spinlock.h:
hyp/mm/mm.h:
hyp/boot/bootinfo.h:
hyp/mm/page_info.h:
