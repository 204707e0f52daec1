build/hyp/time/time.o: hyp/time/time.c hyp/lib/visibility.h \
 hyp/arch/arch.h hyp/arch/layout.h hyp/lib/lib.h hyp/console/console.h \
 hyp/lib/spinlock.h hyp/time/rtc_date.h hyp/time/scale.h hyp/time/time.h \
 hyp/time/timer_queue.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/console/console.h:
hyp/lib/spinlock.h:
hyp/time/rtc_date.h:
hyp/time/scale.h:
hyp/time/time.h:
hyp/time/timer_queue.h:
