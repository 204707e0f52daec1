# xheap.mk - unit test of the xmalloc core.
UNIT_TESTS += xheap
xheap_SRCS := tests/unit/mm/test_xheap.c hyp/mm/xheap.c
