build/unit/obj/tests/unit/time/test_timer_queue.o: \
 tests/unit/time/test_timer_queue.c tests/unit/support/support.h \
 hyp/time/timer_queue.h hyp/lib/lib.h
tests/unit/support/support.h:
hyp/time/timer_queue.h:
hyp/lib/lib.h:
