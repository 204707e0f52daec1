build/unit/obj/hyp/arch/acpi_tables.o: hyp/arch/acpi_tables.c \
 hyp/arch/acpi_tables.h hyp/lib/lib.h
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
