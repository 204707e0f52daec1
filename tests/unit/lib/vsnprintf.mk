# vsnprintf.mk - host unit test of hyp/lib/vsnprintf.c (which unit.mk links into every test anyway).
UNIT_TESTS += vsnprintf
vsnprintf_SRCS := tests/unit/lib/test_vsnprintf.c hyp/lib/vsnprintf.c
