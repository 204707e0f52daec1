# scale.mk - unit test of TSC-to-ns scaling.
UNIT_TESTS += scale
scale_SRCS := tests/unit/time/test_scale.c hyp/time/scale.c
