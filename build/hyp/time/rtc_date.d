build/hyp/time/rtc_date.o: hyp/time/rtc_date.c hyp/lib/visibility.h \
 hyp/time/rtc_date.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/time/rtc_date.h:
hyp/lib/lib.h:
