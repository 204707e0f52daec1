build/hyp/time/timer_queue.o: hyp/time/timer_queue.c hyp/lib/visibility.h \
 hyp/time/timer_queue.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/time/timer_queue.h:
hyp/lib/lib.h:
