# rtc_date.mk - unit test of the CMOS RTC decoding and date helpers (hyp/time/rtc_date.c).
UNIT_TESTS += rtc_date
rtc_date_SRCS := tests/unit/time/test_rtc_date.c hyp/time/rtc_date.c
