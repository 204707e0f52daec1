build/unit/obj/tests/unit/time/test_rtc_date.o: \
 tests/unit/time/test_rtc_date.c tests/unit/support/support.h \
 hyp/time/rtc_date.h hyp/lib/lib.h
tests/unit/support/support.h:
hyp/time/rtc_date.h:
hyp/lib/lib.h:
