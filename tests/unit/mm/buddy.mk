# buddy.mk - unit test of the buddy allocator.
UNIT_TESTS += buddy
buddy_SRCS := tests/unit/mm/test_buddy.c hyp/mm/buddy.c
