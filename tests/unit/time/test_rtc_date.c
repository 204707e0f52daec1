/* test_rtc_date.c - RTC register decoding (BCD, binary, 12/24-hour), range checks, Unix time. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"
#include "time/rtc_date.h"

#define BCD24 RTC_B_24H
#define BIN24 (RTC_B_24H | RTC_B_BINARY)
#define BCD12 0
#define BIN12 RTC_B_BINARY

/* One decode case: registers sec, min, hour, day, month, year, century, and the expectation. */
struct decode_case {
    const char *what;
    uint8_t regs[RTC_NR_REGS];
    uint8_t status_b;
    int rc;
    const char *text;  /* rtc_format of the result when rc == 0 */
    int64_t unix_time; /* rtc_to_unix of the result when rc == 0 */
};

static const struct decode_case decode_cases[] = {
    { "epoch, binary, century 19", { 0, 0, 0, 1, 1, 70, 19 }, BIN24, 0, "1970-01-01 00:00:00", 0 },
    { "BCD brief example", { 0x03, 0x02, 0x18, 0x21, 0x11, 0x26, 0 }, BCD24, 0,
      "2026-11-21 18:02:03", 1795284123 },
    { "binary same", { 3, 2, 18, 21, 11, 26, 0 }, BIN24, 0, "2026-11-21 18:02:03", 1795284123 },
    { "BCD century reg", { 0x03, 0x02, 0x18, 0x21, 0x11, 0x26, 0x20 }, BCD24, 0,
      "2026-11-21 18:02:03", 1795284123 },
    { "leap day 2000", { 0, 0, 0x12, 0x29, 0x02, 0x00, 0x20 }, BCD24, 0, "2000-02-29 12:00:00",
      951825600 },
    { "2000-03-01", { 0, 0, 0, 1, 3, 0, 0 }, BIN24, 0, "2000-03-01 00:00:00", 951868800 },
    { "2100-02-28", { 0x59, 0x59, 0x23, 0x28, 0x02, 0x00, 0x21 }, BCD24, 0,
      "2100-02-28 23:59:59", 4107542399 },
    { "2100-03-01", { 0, 0, 0, 0x01, 0x03, 0x00, 0x21 }, BCD24, 0, "2100-03-01 00:00:00",
      4107542400 },
    { "2024-02-29", { 0, 0, 0, 29, 2, 24, 0 }, BIN24, 0, "2024-02-29 00:00:00", 1709164800 },
    { "2038 rollover", { 7, 14, 3, 19, 1, 38, 20 }, BIN24, 0, "2038-01-19 03:14:07", 2147483647 },
    { "1999-12-31 end", { 0x59, 0x59, 0x23, 0x31, 0x12, 0x99, 0x19 }, BCD24, 0,
      "1999-12-31 23:59:59", 946684799 },
    { "before epoch", { 0, 0, 0, 31, 12, 69, 19 }, BIN24, 0, "1969-12-31 00:00:00", -86400 },
    /* 12-hour mode */
    { "12 AM is midnight", { 0, 0, 0x12, 1, 1, 0x26, 0 }, BCD12, 0, "2026-01-01 00:00:00",
      1767225600 },
    { "12 PM is noon", { 0, 0, 0x92, 1, 1, 0x26, 0 }, BCD12, 0, "2026-01-01 12:00:00",
      1767268800 },
    { "1 AM", { 0, 0, 0x01, 1, 1, 0x26, 0 }, BCD12, 0, "2026-01-01 01:00:00", 1767229200 },
    { "11 PM BCD", { 0, 0, 0x91, 1, 1, 0x26, 0 }, BCD12, 0, "2026-01-01 23:00:00", 1767308400 },
    { "11 PM binary", { 0, 0, 0x80 | 11, 1, 1, 26, 0 }, BIN12, 0, "2026-01-01 23:00:00",
      1767308400 },
    { "12 PM binary", { 0, 0, 0x80 | 12, 1, 1, 26, 0 }, BIN12, 0, "2026-01-01 12:00:00",
      1767268800 },
    /* hostile values */
    { "month 0", { 0, 0, 0, 1, 0, 26, 0 }, BIN24, -1, NULL, 0 },
    { "month 13", { 0, 0, 0, 1, 13, 26, 0 }, BIN24, -1, NULL, 0 },
    { "day 0", { 0, 0, 0, 0, 1, 26, 0 }, BIN24, -1, NULL, 0 },
    { "day 32", { 0, 0, 0, 32, 1, 26, 0 }, BIN24, -1, NULL, 0 },
    { "Feb 30", { 0, 0, 0, 30, 2, 24, 0 }, BIN24, -1, NULL, 0 },
    { "Feb 29 non-leap", { 0, 0, 0, 29, 2, 26, 0 }, BIN24, -1, NULL, 0 },
    { "Feb 29 2100", { 0, 0, 0, 0x29, 0x02, 0x00, 0x21 }, BCD24, -1, NULL, 0 },
    { "Apr 31", { 0, 0, 0, 31, 4, 26, 0 }, BIN24, -1, NULL, 0 },
    { "hour 24", { 0, 0, 24, 1, 1, 26, 0 }, BIN24, -1, NULL, 0 },
    { "hour 0x24 BCD", { 0, 0, 0x24, 1, 1, 0x26, 0 }, BCD24, -1, NULL, 0 },
    { "minute 60", { 0, 60, 0, 1, 1, 26, 0 }, BIN24, -1, NULL, 0 },
    { "second 60", { 60, 0, 0, 1, 1, 26, 0 }, BIN24, -1, NULL, 0 },
    { "year 100", { 0, 0, 0, 1, 1, 100, 0 }, BIN24, -1, NULL, 0 },
    { "century 100", { 0, 0, 0, 1, 1, 0, 100 }, BIN24, -1, NULL, 0 },
    { "bad BCD second", { 0x1a, 0, 0, 1, 1, 0x26, 0 }, BCD24, -1, NULL, 0 },
    { "bad BCD day", { 0, 0, 0, 0x0f, 1, 0x26, 0 }, BCD24, -1, NULL, 0 },
    { "bad BCD month", { 0, 0, 0, 1, 0xa1, 0x26, 0 }, BCD24, -1, NULL, 0 },
    { "bad BCD year", { 0, 0, 0, 1, 1, 0xff, 0 }, BCD24, -1, NULL, 0 },
    { "bad BCD century", { 0, 0, 0, 1, 1, 0x26, 0x2a }, BCD24, -1, NULL, 0 },
    { "12h hour 0", { 0, 0, 0x00, 1, 1, 0x26, 0 }, BCD12, -1, NULL, 0 },
    { "12h hour 0 PM", { 0, 0, 0x80, 1, 1, 0x26, 0 }, BCD12, -1, NULL, 0 },
    { "12h hour 13", { 0, 0, 0x13, 1, 1, 0x26, 0 }, BCD12, -1, NULL, 0 },
    { "24h PM bit", { 0, 0, 0x81, 1, 1, 0x26, 0 }, BCD24, -1, NULL, 0 },
    { "all 0xff", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }, BIN24, -1, NULL, 0 },
};

START_TEST(test_decode_table)
{
    const struct decode_case *c = &decode_cases[_i];
    struct rtc_time t;
    char buf[32];
    int rc = rtc_decode(c->regs, c->status_b, &t);

    ck_assert_msg(rc == c->rc, "%s: rc %d, expected %d", c->what, rc, c->rc);
    if (rc == 0) {
        rtc_format(&t, buf, sizeof(buf));
        ck_assert_msg(strcmp(buf, c->text) == 0, "%s: got %s", c->what, buf);
        ck_assert_msg(rtc_to_unix(&t) == c->unix_time, "%s: unix %lld, expected %lld", c->what,
                      (long long)rtc_to_unix(&t), (long long)c->unix_time);
    }
}
END_TEST

START_TEST(test_bcd_to_bin)
{
    ck_assert_uint_eq(rtc_bcd_to_bin(0x00), 0);
    ck_assert_uint_eq(rtc_bcd_to_bin(0x09), 9);
    ck_assert_uint_eq(rtc_bcd_to_bin(0x10), 10);
    ck_assert_uint_eq(rtc_bcd_to_bin(0x59), 59);
    ck_assert_uint_eq(rtc_bcd_to_bin(0x99), 99);
}
END_TEST

/* Every day from 1970 to 2200 is exactly one day after the one before it. */
START_TEST(test_unix_days_contiguous)
{
    struct rtc_time t = { 1970, 1, 1, 0, 0, 0 };
    int64_t expect = 0;
    unsigned leap_days = 0;

    for (t.year = 1970; t.year < 2200; t.year++) {
        for (t.month = 1; t.month <= 12; t.month++) {
            static const unsigned mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
            bool leap = (t.year % 4 == 0 && t.year % 100 != 0) || t.year % 400 == 0;
            unsigned n = mdays[t.month - 1] + (t.month == 2 && leap);

            leap_days += t.month == 2 && leap;
            for (t.day = 1; t.day <= n; t.day++, expect += 86400)
                ck_assert_int_eq(rtc_to_unix(&t), expect);
        }
    }
    /* 1972..2196 leap years: 57 in 4-year steps, minus 2100 (2000 counts). */
    ck_assert_uint_eq(leap_days, 56);
}
END_TEST

START_TEST(test_format_truncates)
{
    struct rtc_time t = { 2026, 11, 21, 18, 2, 3 };
    char buf[8];

    memset(buf, 'x', sizeof(buf));
    rtc_format(&t, buf, sizeof(buf));
    ck_assert_str_eq(buf, "2026-11");
    rtc_format(&t, buf, 0); /* must not write */
    ck_assert_str_eq(buf, "2026-11");
}
END_TEST

START_TEST(test_to_unix_asserts_bad_month)
{
    struct rtc_time t = { 2026, 13, 1, 0, 0, 0 };

    ck_assert(SUPPORT_PANICS(rtc_to_unix(&t)));
    t.month = 0;
    ck_assert(SUPPORT_PANICS(rtc_to_unix(&t)));
}
END_TEST

static Suite *rtc_date_suite(void)
{
    Suite *s = suite_create("rtc_date");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_decode_table, 0, (int)ARRAY_SIZE(decode_cases));
    tcase_add_test(tc, test_bcd_to_bin);
    tcase_add_test(tc, test_unix_days_contiguous);
    tcase_add_test(tc, test_format_truncates);
    tcase_add_test(tc, test_to_unix_asserts_bad_month);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(rtc_date_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
