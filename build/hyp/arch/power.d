build/hyp/arch/power.o: hyp/arch/power.c hyp/lib/visibility.h \
 hyp/arch/acpi_tables.h hyp/lib/lib.h hyp/arch/arch.h hyp/arch/layout.h \
 hyp/console/console.h
hyp/lib/visibility.h:
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/console/console.h:
