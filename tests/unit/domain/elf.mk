# elf.mk - unit test of the PV kernel ELF parser and segment loader.
UNIT_TESTS += elf
elf_SRCS := tests/unit/domain/test_elf.c hyp/domain/elf.c
