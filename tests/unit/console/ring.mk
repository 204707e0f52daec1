# ring.mk - unit test of the console log ring (hyp/console/ring.c).
UNIT_TESTS += ring
ring_SRCS := tests/unit/console/test_ring.c hyp/console/ring.c
