# multiboot2.mk - unit test of the Multiboot2 parser and the shared boot_info checks.
UNIT_TESTS += multiboot2
multiboot2_SRCS := tests/unit/boot/test_multiboot2.c hyp/boot/multiboot2.c hyp/boot/bootinfo.c
