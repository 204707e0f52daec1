# bootmem.mk - unit test of the boot allocator.
UNIT_TESTS += bootmem
bootmem_SRCS := tests/unit/mm/test_bootmem.c hyp/mm/bootmem.c
