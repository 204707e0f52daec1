# timer_queue.mk - unit test of the soft-timer heap (hyp/time/timer_queue.c).
UNIT_TESTS += timer_queue
timer_queue_SRCS := tests/unit/time/test_timer_queue.c hyp/time/timer_queue.c
