build/unit/obj/tests/unit/arch/test_acpi_tables.o: \
 tests/unit/arch/test_acpi_tables.c hyp/arch/acpi_tables.h hyp/lib/lib.h \
 tests/unit/support/support.h
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
