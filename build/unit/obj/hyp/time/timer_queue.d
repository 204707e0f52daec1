build/unit/obj/hyp/time/timer_queue.o: hyp/time/timer_queue.c \
 hyp/time/timer_queue.h hyp/lib/lib.h
hyp/time/timer_queue.h:
hyp/lib/lib.h:
