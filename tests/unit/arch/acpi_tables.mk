# acpi_tables.mk - unit test of the ACPI table parser (hyp/arch/acpi_tables.c) over fake memory.
UNIT_TESTS += acpi_tables
acpi_tables_SRCS := tests/unit/arch/test_acpi_tables.c hyp/arch/acpi_tables.c
