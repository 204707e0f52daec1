build/unit/obj/hyp/time/rtc_date.o: hyp/time/rtc_date.c \
 hyp/time/rtc_date.h hyp/lib/lib.h
hyp/time/rtc_date.h:
hyp/lib/lib.h:
