build/hyp/arch/acpi.o: hyp/arch/acpi.c hyp/lib/visibility.h \
 hyp/arch/acpi_tables.h hyp/lib/lib.h hyp/arch/arch.h hyp/arch/layout.h \
 hyp/mm/mm.h hyp/boot/bootinfo.h hyp/mm/page_info.h
hyp/lib/visibility.h:
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/mm/mm.h:
hyp/boot/bootinfo.h:
hyp/mm/page_info.h:
