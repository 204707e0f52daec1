build/hyp/arch/acpi_tables.o: hyp/arch/acpi_tables.c hyp/lib/visibility.h \
 hyp/arch/acpi_tables.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
