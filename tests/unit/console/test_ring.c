/* test_ring.c - the console ring: wraparound, oversized writes, readers that fell behind. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "console/ring.h"
#include "support.h"

#define SIZE 16

static char buf[SIZE];
static struct console_ring r;

static void setup(void)
{
    support_reset();
    memset(buf, '?', sizeof(buf));
    ring_init(&r, buf, SIZE);
}

/* Read everything from *pos into a NUL-terminated string. */
static size_t read_all(uint64_t *pos, char *out, size_t max)
{
    size_t n = ring_read(&r, pos, out, max - 1);

    out[n] = '\0';
    return n;
}

START_TEST(test_empty)
{
    uint64_t pos = 0;
    char out[8];

    ck_assert_uint_eq(ring_oldest(&r), 0);
    ck_assert_uint_eq(ring_read(&r, &pos, out, sizeof(out)), 0);
    ck_assert_uint_eq(pos, 0);
    ring_write(&r, "", 0);
    ck_assert_uint_eq(r.prod, 0);
}
END_TEST

START_TEST(test_simple)
{
    uint64_t pos = 0;
    char out[32];

    ring_write(&r, "hello ", 6);
    ring_write(&r, "world", 5);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), 11);
    ck_assert_str_eq(out, "hello world");
    ck_assert_uint_eq(pos, 11);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), 0);
}
END_TEST

START_TEST(test_exact_size)
{
    uint64_t pos = 0;
    char out[32];

    ring_write(&r, "0123456789abcdef", SIZE);
    ck_assert_uint_eq(ring_oldest(&r), 0);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), SIZE);
    ck_assert_str_eq(out, "0123456789abcdef");
    ring_write(&r, "X", 1);
    ck_assert_uint_eq(ring_oldest(&r), 1);
    pos = 0;
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), SIZE);
    ck_assert_str_eq(out, "123456789abcdefX");
    ck_assert_uint_eq(pos, SIZE + 1);
}
END_TEST

START_TEST(test_wraparound)
{
    uint64_t pos = 0;
    char out[32];

    ring_write(&r, "abcdefghijkl", 12);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), 12);
    ring_write(&r, "mnopqrst", 8); /* wraps: 4 bytes at the end, 4 at the start */
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), 8);
    ck_assert_str_eq(out, "mnopqrst");
    ck_assert_uint_eq(ring_oldest(&r), 4);
    ck_assert(memcmp(buf, "qrstefghijklmnop", SIZE) == 0);
}
END_TEST

START_TEST(test_oversized_write)
{
    uint64_t pos = 0;
    char out[32];

    ring_write(&r, "ab", 2);
    ring_write(&r, "0123456789ABCDEFGHIJ", 20); /* keeps only the last 16 */
    ck_assert_uint_eq(r.prod, 22);
    ck_assert_uint_eq(ring_oldest(&r), 6);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), SIZE);
    ck_assert_str_eq(out, "456789ABCDEFGHIJ");
    ck_assert_uint_eq(pos, 22);
}
END_TEST

START_TEST(test_reader_fell_behind)
{
    uint64_t pos = 3;
    char out[32];

    for (int i = 0; i < 10; i++)
        ring_write(&r, "0123456789", 10); /* 100 bytes: positions 84..99 are kept */
    ck_assert_uint_eq(ring_oldest(&r), 84);
    ck_assert_uint_eq(read_all(&pos, out, sizeof(out)), SIZE);
    ck_assert_str_eq(out, "4567890123456789");
    ck_assert_uint_eq(pos, 100);
}
END_TEST

START_TEST(test_small_reads)
{
    uint64_t pos = 0;
    char out[32];
    char all[64] = "";

    ring_write(&r, "abcdefghijklmnopqrstuvwxyz", 26);
    while (read_all(&pos, out, 4) > 0) /* 3 bytes at a time across the wrap point */
        strcat(all, out);
    ck_assert_str_eq(all, "klmnopqrstuvwxyz");
    ck_assert_uint_eq(pos, 26);
    ck_assert_uint_eq(ring_read(&r, &pos, out, 0), 0);
}
END_TEST

START_TEST(test_pos_from_the_future)
{
    uint64_t pos = 1000;
    char out[8];

    ring_write(&r, "abc", 3);
    ck_assert_uint_eq(ring_read(&r, &pos, out, sizeof(out)), 0);
    ck_assert_uint_eq(pos, 3);
}
END_TEST

/* Random write sizes against a linear copy of everything ever written. */
START_TEST(test_random_vs_linear)
{
    static char linear[1 << 16];
    char big[64];
    struct console_ring rr;
    uint64_t pos = 0, total = 0, seed = 12345;

    ring_init(&rr, big, sizeof(big));
    while (total + 200 < sizeof(linear)) {
        char chunk[200], out[200];
        size_t n, want, got;

        seed = seed * 6364136223846793005ull + 1;
        n = (seed >> 33) % 150;
        for (size_t i = 0; i < n; i++)
            chunk[i] = (char)('a' + (total + i) % 26);
        memcpy(linear + total, chunk, n);
        ring_write(&rr, chunk, n);
        total += n;
        want = (seed >> 20) % 100;
        got = ring_read(&rr, &pos, out, want);
        if (pos - got < (total > 64 ? total - 64 : 0))
            ck_abort_msg("read from before the oldest byte");
        ck_assert(memcmp(out, linear + pos - got, got) == 0);
        ck_assert_uint_le(got, want);
    }
}
END_TEST

START_TEST(test_init_asserts)
{
    struct console_ring bad;
    char b[24];

    ck_assert(SUPPORT_PANICS(ring_init(&bad, b, 24)));
    ck_assert(SUPPORT_PANICS(ring_init(&bad, b, 0)));
    ck_assert(!SUPPORT_PANICS(ring_init(&bad, b, 1)));
}
END_TEST

static Suite *ring_suite(void)
{
    Suite *s = suite_create("console_ring");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_simple);
    tcase_add_test(tc, test_exact_size);
    tcase_add_test(tc, test_wraparound);
    tcase_add_test(tc, test_oversized_write);
    tcase_add_test(tc, test_reader_fell_behind);
    tcase_add_test(tc, test_small_reads);
    tcase_add_test(tc, test_pos_from_the_future);
    tcase_add_test(tc, test_random_vs_linear);
    tcase_add_test(tc, test_init_asserts);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(ring_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
