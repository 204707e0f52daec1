/* rtc_date.h - pure helpers that turn CMOS RTC register values into a checked date and Unix time. */
#ifndef HYP_TIME_RTC_DATE_H
#define HYP_TIME_RTC_DATE_H

#include "lib/lib.h"

/* Status register B bits that change how the time registers are encoded. */
#define RTC_B_24H (1u << 1)    /* hours run 0-23; clear: 1-12 with bit 7 meaning PM */
#define RTC_B_BINARY (1u << 2) /* values are binary; clear: packed BCD */
#define RTC_HOUR_PM 0x80u      /* in 12-hour mode, set in the hour register after noon */

/* Indices into the raw register array given to rtc_decode (the order the RTC lists them). */
enum rtc_reg {
    RTC_REG_SEC,
    RTC_REG_MIN,
    RTC_REG_HOUR,
    RTC_REG_DAY,     /* day of the month, 1-31 */
    RTC_REG_MONTH,   /* 1-12 */
    RTC_REG_YEAR,    /* 0-99 */
    RTC_REG_CENTURY, /* 0 if the platform has no century register (FADT century index 0) */
    RTC_NR_REGS
};

/* A calendar date and time of day (UTC as far as the hypervisor is concerned). */
struct rtc_time {
    unsigned year, month, day, hour, minute, second;
};

/* The binary value of a packed-BCD byte (no digit check: 0x1a gives 20). */
uint8_t rtc_bcd_to_bin(uint8_t v);

/*
 * Decode raw RTC registers into *out.
 * regs: the values read from the RTC, indexed by enum rtc_reg; regs[RTC_REG_CENTURY] is 0 if the
 *       platform has none, and then a year below 100 means 2000 + year.
 * status_b: RTC status register B (RTC_B_BINARY, RTC_B_24H).
 * Returns 0, or -1 (and *out is unspecified) if a value is not valid BCD in BCD mode or is out of
 * range: second/minute > 59, hour > 23 (or not 1-12 in 12-hour mode), month not 1-12, day not
 * 1 to the length of that month (leap years counted), year register > 99.
 */
int rtc_decode(const uint8_t regs[RTC_NR_REGS], uint8_t status_b, struct rtc_time *out);

/*
 * Seconds since 1970-01-01 00:00:00 UTC of *t, which must be a valid date (as rtc_decode gives;
 * month and day out of range ASSERT). Negative before 1970. Gregorian leap years: every 4th, not
 * every 100th, but every 400th (2000 is a leap year, 2100 is not).
 */
int64_t rtc_to_unix(const struct rtc_time *t);

/* Write *t as "YYYY-MM-DD hh:mm:ss" into buf (len bytes, always NUL-terminated if len > 0). */
void rtc_format(const struct rtc_time *t, char *buf, size_t len);

#endif /* HYP_TIME_RTC_DATE_H */
