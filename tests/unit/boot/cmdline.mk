# cmdline.mk - host unit test of the command line parser, hyp/boot/cmdline.c.
UNIT_TESTS += cmdline
cmdline_SRCS := tests/unit/boot/test_cmdline.c hyp/boot/cmdline.c
