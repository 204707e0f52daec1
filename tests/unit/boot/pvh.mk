# pvh.mk - unit test of the PVH start_info parser.
UNIT_TESTS += pvh
pvh_SRCS := tests/unit/boot/test_pvh.c hyp/boot/pvh.c hyp/boot/bootinfo.c
