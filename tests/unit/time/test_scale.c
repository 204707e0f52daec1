/* test_scale.c - TSC-to-nanosecond scaling: accuracy across clock rates, no overflow over long
 * deltas, monotonic. */
#include <check.h>
#include <stdlib.h>

#include "support.h"
#include "time/scale.h"

static const uint64_t rates[] = {
    1000000ull,    /* 1 MHz: shift goes far positive */
    999999999ull,  /* just below 1 GHz */
    1000000000ull, /* exactly 1 GHz (the APIC timer under QEMU) */
    1000000001ull,
    2596096000ull, /* this machine's TSC */
    3999999999ull,
    10000000000ull, /* 10 GHz: shift negative */
    (1ull << 40),   /* absurdly fast */
};

/* One second of ticks must scale to one second within 2 ppm (the 32-bit fraction's precision
 * after shifting into (1e9, 2e9]). */
START_TEST(test_one_second)
{
    struct time_scale ts;
    uint64_t rate = rates[_i], ns;

    time_scale_set(&ts, rate);
    ns = time_scale_delta(&ts, rate);
    ck_assert_msg(ns > 999998000ull && ns < 1000002000ull, "rate %lu: 1 s scaled to %lu ns",
                  (unsigned long)rate, (unsigned long)ns);
    ck_assert_int_ge(ts.shift, -32);
    ck_assert_int_le(ts.shift, 32);
}
END_TEST

/* A day of ticks at 3 GHz (2.6e14) must not overflow: 128-bit product. */
START_TEST(test_one_day)
{
    struct time_scale ts;
    uint64_t rate = 3000000000ull, day = 86400ull * rate, ns;

    time_scale_set(&ts, rate);
    ns = time_scale_delta(&ts, day);
    ck_assert_msg(ns / 1000000000ull >= 86399 && ns / 1000000000ull <= 86401, "%lu",
                  (unsigned long)ns);
}
END_TEST

START_TEST(test_monotonic)
{
    struct time_scale ts;
    uint64_t prev = 0;

    time_scale_set(&ts, 2596096000ull);
    srandom(7);
    for (uint64_t d = 0; d < 5000000; d += 1 + (uint64_t)(random() % 977)) {
        uint64_t ns = time_scale_delta(&ts, d);

        if (ns < prev)
            ck_abort_msg("not monotonic at %lu", (unsigned long)d);
        prev = ns;
    }
}
END_TEST

START_TEST(test_zero_rate_panics)
{
    struct time_scale ts;

    ck_assert(SUPPORT_PANICS(time_scale_set(&ts, 0)));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("scale");
    TCase *tc = tcase_create("core");
    SRunner *sr;
    int failed;

    tcase_add_loop_test(tc, test_one_second, 0, sizeof(rates) / sizeof(rates[0]));
    tcase_add_test(tc, test_one_day);
    tcase_add_test(tc, test_monotonic);
    tcase_add_test(tc, test_zero_rate_panics);
    suite_add_tcase(s, tc);
    sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
