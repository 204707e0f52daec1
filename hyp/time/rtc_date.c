/* rtc_date.c - decode and check CMOS RTC register values, convert dates to Unix time. */
#include "time/rtc_date.h"

static bool rtc_is_leap(unsigned year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

/* Days in month (1-12) of year. */
static unsigned rtc_days_in_month(unsigned year, unsigned month)
{
    static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

    return days[month - 1] + (month == 2 && rtc_is_leap(year));
}

uint8_t rtc_bcd_to_bin(uint8_t v)
{
    return (uint8_t)((v >> 4) * 10 + (v & 0x0f));
}

/* Decode one register value; false if it is not valid packed BCD in BCD mode. */
static bool rtc_field(uint8_t raw, bool binary, unsigned *out)
{
    *out = binary ? raw : rtc_bcd_to_bin(raw);
    return binary || ((raw & 0x0f) <= 9 && (raw >> 4) <= 9);
}

/* Decode the hour register into 0-23; false if invalid for the mode. */
static bool rtc_hour(uint8_t raw, uint8_t status_b, unsigned *out)
{
    bool pm = false, ok;

    if (!(status_b & RTC_B_24H)) {
        pm = raw & RTC_HOUR_PM;
        raw &= (uint8_t)~RTC_HOUR_PM;
    }
    ok = rtc_field(raw, status_b & RTC_B_BINARY, out);
    if (status_b & RTC_B_24H) {
        ok = ok && *out <= 23;
    } else {
        ok = ok && *out >= 1 && *out <= 12;
        *out = (*out % 12) + (pm ? 12 : 0); /* 12 AM is midnight, 12 PM is noon */
    }
    return ok;
}

/* Decode year and century into a full year; false if either is not a valid two-digit value. */
static bool rtc_year(const uint8_t regs[RTC_NR_REGS], bool binary, unsigned *out)
{
    unsigned yy, cc = 20;
    bool ok = rtc_field(regs[RTC_REG_YEAR], binary, &yy) && yy <= 99;

    if (regs[RTC_REG_CENTURY] != 0)
        ok = ok && rtc_field(regs[RTC_REG_CENTURY], binary, &cc) && cc <= 99;
    *out = cc * 100 + yy;
    return ok;
}

int rtc_decode(const uint8_t regs[RTC_NR_REGS], uint8_t status_b, struct rtc_time *out)
{
    bool binary = status_b & RTC_B_BINARY;
    int rc = -1;

    if (!rtc_field(regs[RTC_REG_SEC], binary, &out->second) || out->second > 59)
        goto out;
    if (!rtc_field(regs[RTC_REG_MIN], binary, &out->minute) || out->minute > 59)
        goto out;
    if (!rtc_hour(regs[RTC_REG_HOUR], status_b, &out->hour))
        goto out;
    if (!rtc_year(regs, binary, &out->year))
        goto out;
    if (!rtc_field(regs[RTC_REG_MONTH], binary, &out->month) || out->month < 1 ||
        out->month > 12)
        goto out;
    if (!rtc_field(regs[RTC_REG_DAY], binary, &out->day) || out->day < 1 ||
        out->day > rtc_days_in_month(out->year, out->month))
        goto out;
    rc = 0;
out:
    return rc;
}

/*
 * Days from 1970-01-01 to y-m-d (proleptic Gregorian). Counts from a year that starts in March,
 * so the leap day is the last day of the counting year and months have a fixed offset.
 */
static int64_t rtc_days_from_civil(int64_t y, unsigned m, unsigned d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;                                     /* 0-399 */
    doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;   /* 0-365 */
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;             /* 0-146096 */
    return era * 146097 + doe - 719468;                      /* 719468: 0000-03-01 to 1970 */
}

int64_t rtc_to_unix(const struct rtc_time *t)
{
    ASSERT(t->month >= 1 && t->month <= 12);
    ASSERT(t->day >= 1 && t->day <= 31);
    return rtc_days_from_civil(t->year, t->month, t->day) * 86400 +
           (int64_t)t->hour * 3600 + (int64_t)t->minute * 60 + t->second;
}

void rtc_format(const struct rtc_time *t, char *buf, size_t len)
{
    snprintf(buf, len, "%04u-%02u-%02u %02u:%02u:%02u", t->year, t->month, t->day, t->hour,
             t->minute, t->second);
}
