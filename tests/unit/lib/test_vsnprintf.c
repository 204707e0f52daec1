/* test_vsnprintf.c - hyp/lib/vsnprintf.c against expected strings and, where they agree, libc. */
#include <check.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/lib.h"
#include "support.h"

/*
 * The unit build renames vsnprintf to hyp_vsnprintf with -D, so the plain name here is the code
 * under test. libc's own vsnprintf is still reachable by its assembler name, which no macro
 * touches: rows marked .libc are also checked against it.
 */
int libc_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) __asm__("vsnprintf");

/* How a row passes its arguments. */
enum arg_kind {
    A_NONE, A_INT, A_UINT, A_LONG, A_ULONG, A_LLONG, A_ULLONG, A_SIZE, A_PTRDIFF, A_INTMAX,
    A_UINTMAX, A_STR, A_PTR, A_STAR_INT, A_STAR_STR, A_STAR2_INT, A_MIX,
};

struct fmt_case {
    const char *fmt;
    enum arg_kind kind;
    long long i;        /* signed argument */
    unsigned long long u; /* unsigned or pointer argument */
    const char *s;      /* string argument */
    int w, p;           /* '*' arguments */
    const char *expected;
    bool libc;          /* host libc prints the same */
};

#define ROW(f, k, e, ...) { .fmt = (f), .kind = (k), .expected = (e), .libc = true, __VA_ARGS__ }
#define ROWX(f, k, e, ...) { .fmt = (f), .kind = (k), .expected = (e), .libc = false, __VA_ARGS__ }
#define NONE(f, e) ROW(f, A_NONE, e, .i = 0)
#define INT(f, v, e) ROW(f, A_INT, e, .i = (v))
#define UINT(f, v, e) ROW(f, A_UINT, e, .u = (v))
#define STR(f, v, e) ROW(f, A_STR, e, .s = (v))

static const struct fmt_case cases[] = {
    /* plain text and %% */
    NONE("", ""), NONE("hello", "hello"), NONE("%%", "%"), NONE("a%%b%%", "a%b%"),
    /* %d %i and every flag */
    INT("%d", 0, "0"), INT("%d", 42, "42"), INT("%d", -42, "-42"), INT("%i", -7, "-7"),
    INT("%d", INT_MAX, "2147483647"), INT("%d", INT_MIN, "-2147483648"),
    INT("%5d", 42, "   42"), INT("%-5d|", 42, "42   |"), INT("%05d", 42, "00042"),
    INT("%05d", -42, "-0042"), INT("%+d", 42, "+42"), INT("%+d", -42, "-42"),
    INT("% d", 42, " 42"), INT("% d", -42, "-42"), INT("%+ d", 42, "+42"), INT("% +d", 42, "+42"),
    INT("% 05d", 42, " 0042"), INT("%+05d", 42, "+0042"), INT("%-05d|", 42, "42   |"),
    INT("%0-5d|", 42, "42   |"), INT("%.3d", 7, "007"), INT("%.3d", -7, "-007"),
    INT("%.0d", 0, ""), INT("%5.0d|", 0, "     |"), INT("%+.0d", 0, "+"), INT("% .0d", 0, " "),
    INT("%08.3d", 7, "     007"), INT("%-8.3d|", -7, "-007    |"), INT("%1d", 12345, "12345"),
    INT("%3d", -1, " -1"), INT("%.10d", INT_MIN, "-2147483648"),
    INT("%.11d", INT_MIN, "-02147483648"),
    /* length modifiers, signed */
    INT("%hhd", 255, "-1"), INT("%hhd", 127, "127"), INT("%hhd", 128, "-128"),
    INT("%hd", 65535, "-1"), INT("%hd", 32768, "-32768"),
    ROW("%ld", A_LONG, "-9223372036854775808", .i = LLONG_MIN),
    ROW("%ld", A_LONG, "9223372036854775807", .i = LLONG_MAX),
    ROW("%lld", A_LLONG, "-9223372036854775808", .i = LLONG_MIN),
    ROW("%" PRId64, A_LONG, "-9223372036854775808", .i = INT64_MIN),
    ROW("%+lld", A_LLONG, "+9223372036854775807", .i = LLONG_MAX),
    ROW("%025lld", A_LLONG, "-000009223372036854775808", .i = LLONG_MIN),
    ROW("%jd", A_INTMAX, "-9223372036854775808", .i = INTMAX_MIN),
    ROW("%zd", A_SIZE, "-1", .u = SIZE_MAX), ROW("%td", A_PTRDIFF, "-5", .i = -5),
    ROW("%ti", A_PTRDIFF, "9223372036854775807", .i = PTRDIFF_MAX),
    /* unsigned */
    UINT("%u", 0, "0"), UINT("%u", UINT_MAX, "4294967295"), UINT("%+u", 5, "5"),
    UINT("% u", 5, "5"), UINT("%05u", 5, "00005"), UINT("%hhu", 261, "5"),
    UINT("%hu", 65543, "7"), ROW("%lu", A_ULONG, "18446744073709551615", .u = ULONG_MAX),
    ROW("%llu", A_ULLONG, "18446744073709551615", .u = ULLONG_MAX),
    ROW("%zu", A_SIZE, "18446744073709551615", .u = SIZE_MAX),
    ROW("%ju", A_UINTMAX, "18446744073709551615", .u = UINTMAX_MAX),
    ROW("%tu", A_PTRDIFF, "18446744073709551615", .i = -1),
    /* hex and octal */
    UINT("%x", 0xdeadbeef, "deadbeef"), UINT("%X", 0xdeadbeef, "DEADBEEF"), UINT("%x", 0, "0"),
    UINT("%#x", 0x1f, "0x1f"), UINT("%#X", 0x1f, "0X1F"), UINT("%#x", 0, "0"),
    UINT("%#08x", 0x1f, "0x00001f"), UINT("%#8x", 0x1f, "    0x1f"),
    UINT("%-#8x|", 0x1f, "0x1f    |"), UINT("%#.4x", 0x1f, "0x001f"), UINT("%.0x", 0, ""),
    UINT("%#.0x", 0, ""), UINT("%08x", 0xabc, "00000abc"), UINT("%hhx", 0x1ff, "ff"),
    UINT("%hx", 0x12345, "2345"), ROW("%lx", A_ULONG, "ffffffffffffffff", .u = ULONG_MAX),
    ROW("%llX", A_ULLONG, "FFFFFFFFFFFFFFFF", .u = ULLONG_MAX),
    ROW("%tx", A_PTRDIFF, "ffffffffffffffff", .i = -1), ROW("%zx", A_SIZE, "10", .u = 16),
    UINT("%o", 8, "10"), UINT("%o", 0, "0"), UINT("%#o", 8, "010"), UINT("%#o", 0, "0"),
    UINT("%#.0o", 0, "0"), UINT("%.0o", 0, ""), UINT("%#5o", 8, "  010"),
    UINT("%#.3o", 8, "010"), UINT("%#.2o", 8, "010"), UINT("%#05o", 8, "00010"),
    ROW("%lo", A_ULONG, "1777777777777777777777", .u = ULONG_MAX),
    ROW("%#lo", A_ULONG, "01777777777777777777777", .u = ULONG_MAX),
    /* %c */
    INT("%c", 'A', "A"), INT("%3c", 'A', "  A"), INT("%-3c|", 'A', "A  |"), INT("%c", 0x141, "A"),
    /* %s */
    STR("%s", "abc", "abc"), STR("%5s", "abc", "  abc"), STR("%-5s|", "abc", "abc  |"),
    STR("%.2s", "abc", "ab"), STR("%5.1s", "abc", "    a"), STR("%.0s", "abc", ""),
    STR("%s", "", ""), STR("%2s", "abcd", "abcd"), STR("%.10s", "abc", "abc"),
    STR("[%s]", "a%db", "[a%db]"),
    ROWX("%s", A_STR, "(null)", .s = NULL), ROWX("%8s", A_STR, "  (null)", .s = NULL),
    ROWX("%.3s", A_STR, "(nu", .s = NULL),
    /* '*' */
    ROW("%*d", A_STAR_INT, "   42", .w = 5, .i = 42),
    ROW("%*d|", A_STAR_INT, "42   |", .w = -5, .i = 42),
    ROW("%-*d|", A_STAR_INT, "1  |", .w = 3, .i = 1), ROW("%*d", A_STAR_INT, "7", .w = 0, .i = 7),
    ROW("%*d|", A_STAR_INT, "7  |", .w = -3, .i = 7),
    ROW("%.*d", A_STAR_INT, "007", .w = 3, .i = 7), ROW("%.*d", A_STAR_INT, "7", .w = -1, .i = 7),
    ROW("%05.*d", A_STAR_INT, "00007", .w = -1, .i = 7),
    ROW("%*.*d", A_STAR2_INT, "   007", .w = 6, .p = 3, .i = 7),
    ROW("%-*.*d|", A_STAR2_INT, "-007  |", .w = 6, .p = 3, .i = -7),
    ROW("%.*s", A_STAR_STR, "ab", .w = 2, .s = "abc"),
    ROW("%*s|", A_STAR_STR, "ab  |", .w = -4, .s = "ab"),
    ROW("%.*s", A_STAR_STR, "abc", .w = -2, .s = "abc"),
    /* %p and %pS (formats of our own) */
    ROWX("%p", A_PTR, "0x0000000000001234", .u = 0x1234),
    ROWX("%p", A_PTR, "0x0000000000000000", .u = 0),
    ROWX("%p", A_PTR, "0xffff82d040000000", .u = 0xffff82d040000000ull),
    ROWX("%20p|", A_PTR, "  0x0000000000001234|", .u = 0x1234),
    ROWX("%-20p|", A_PTR, "0x0000000000001234  |", .u = 0x1234),
    ROWX("%px", A_PTR, "0x0000000000001234x", .u = 0x1234),
    ROWX("%pS", A_PTR, "fake_function+0x10", .u = 0x1010),
    ROWX("%pS", A_PTR, "fake_function+0x0", .u = 0x1000),
    ROWX("%pS", A_PTR, "fake_function+0xfff", .u = 0x1fff),
    ROWX("%pS", A_PTR, "0x0000000000003000", .u = 0x3000),
    ROWX("%pS", A_PTR, "0x0000000000000fff", .u = 0xfff),
    ROWX("%pSx", A_PTR, "fake_function+0x10x", .u = 0x1010),
    ROWX("%22pS|", A_PTR, "    fake_function+0x10|", .u = 0x1010),
    ROWX("%-22pS|", A_PTR, "fake_function+0x10    |", .u = 0x1010),
    ROWX("<%pS>", A_PTR, "<0x0000000000000000>", .u = 0),
    /* unknown or cut-off conversions are printed as they are and take no argument */
    ROWX("%q", A_NONE, "%q"), ROWX("%5q", A_NONE, "%5q"), ROWX("%lq", A_NONE, "%lq"),
    ROWX("%hhq", A_NONE, "%hhq"), ROWX("%-08.3lq", A_NONE, "%-08.3lq"), ROWX("%", A_NONE, "%"),
    ROWX("abc%", A_NONE, "abc%"), ROWX("%-", A_NONE, "%-"), ROWX("%5", A_NONE, "%5"),
    ROWX("%.", A_NONE, "%."), ROWX("%ll", A_NONE, "%ll"), ROWX("%n", A_NONE, "%n"),
    ROWX("%f", A_NONE, "%f"), ROWX("%Lf", A_NONE, "%Lf"), ROWX("%5%", A_NONE, "%"),
    ROWX("%q%d", A_INT, "%q5", .i = 5), ROWX("%d%q", A_INT, "5%q", .i = 5),
    /* several conversions */
    ROW("%d-%s-%c-%x", A_MIX, "1-two-3-ff"),
};

/* Run row c through f (the code under test or libc) into buf/size. */
static int render_with(int (*f)(char *, size_t, const char *, va_list), char *buf, size_t size,
                       const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = f(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static int hyp_v(char *buf, size_t size, const char *fmt, va_list ap)
{
    return vsnprintf(buf, size, fmt, ap);
}

static int render(const struct fmt_case *c, bool use_libc, char *buf, size_t size)
{
    int (*f)(char *, size_t, const char *, va_list) = use_libc ? libc_vsnprintf : hyp_v;

    switch (c->kind) {
    case A_NONE: return render_with(f, buf, size, c->fmt);
    case A_INT: return render_with(f, buf, size, c->fmt, (int)c->i);
    case A_UINT: return render_with(f, buf, size, c->fmt, (unsigned int)c->u);
    case A_LONG: return render_with(f, buf, size, c->fmt, (long)c->i);
    case A_ULONG: return render_with(f, buf, size, c->fmt, (unsigned long)c->u);
    case A_LLONG: return render_with(f, buf, size, c->fmt, (long long)c->i);
    case A_ULLONG: return render_with(f, buf, size, c->fmt, (unsigned long long)c->u);
    case A_SIZE: return render_with(f, buf, size, c->fmt, (size_t)c->u);
    case A_PTRDIFF: return render_with(f, buf, size, c->fmt, (ptrdiff_t)c->i);
    case A_INTMAX: return render_with(f, buf, size, c->fmt, (intmax_t)c->i);
    case A_UINTMAX: return render_with(f, buf, size, c->fmt, (uintmax_t)c->u);
    case A_STR: return render_with(f, buf, size, c->fmt, c->s);
    case A_PTR: return render_with(f, buf, size, c->fmt, (void *)(uintptr_t)c->u);
    case A_STAR_INT: return render_with(f, buf, size, c->fmt, c->w, (int)c->i);
    case A_STAR_STR: return render_with(f, buf, size, c->fmt, c->w, c->s);
    case A_STAR2_INT: return render_with(f, buf, size, c->fmt, c->w, c->p, (int)c->i);
    case A_MIX: return render_with(f, buf, size, c->fmt, 1, "two", '3', 0xffu);
    }
    return -2;
}

/* Each row, with plenty of room: the expected string and its length. */
START_TEST(test_row_full)
{
    const struct fmt_case *c = &cases[_i];
    char buf[128];
    int n;

    memset(buf, 'Z', sizeof(buf));
    n = render(c, false, buf, sizeof(buf));
    ck_assert_msg(strcmp(buf, c->expected) == 0, "row %d fmt \"%s\": got \"%s\", want \"%s\"", _i,
                  c->fmt, buf, c->expected);
    ck_assert_msg(n == (int)strlen(c->expected), "row %d fmt \"%s\": returned %d, want %zu", _i,
                  c->fmt, n, strlen(c->expected));
}
END_TEST

/* Rows libc formats the same way: libc agrees with the expected string. */
START_TEST(test_row_libc)
{
    const struct fmt_case *c = &cases[_i];
    char buf[128];
    int n;

    if (!c->libc)
        return;
    n = render(c, true, buf, sizeof(buf));
    ck_assert_msg(strcmp(buf, c->expected) == 0, "row %d fmt \"%s\": libc \"%s\", table \"%s\"", _i,
                  c->fmt, buf, c->expected);
    ck_assert_int_eq(n, (int)strlen(c->expected));
}
END_TEST

/* Each row at every buffer size from 0 to one past the full length: a NUL-terminated prefix,
 * the full length returned, and not a byte written past size. */
START_TEST(test_row_truncated)
{
    const struct fmt_case *c = &cases[_i];
    size_t len = strlen(c->expected), size, j;
    char buf[160];
    int n;

    for (size = 0; size <= len + 1; size++) {
        memset(buf, 'Z', sizeof(buf));
        n = render(c, false, buf + 16, size);
        ck_assert_msg(n == (int)len, "row %d size %zu: returned %d", _i, size, n);
        for (j = 0; j < 16; j++)
            ck_assert_msg(buf[j] == 'Z', "row %d size %zu: wrote before buf", _i, size);
        for (j = 16 + size; j < sizeof(buf); j++)
            ck_assert_msg(buf[j] == 'Z', "row %d size %zu: wrote at offset %zu", _i, size, j - 16);
        if (size > 0) {
            size_t kept = len < size ? len : size - 1;
            ck_assert_msg(memcmp(buf + 16, c->expected, kept) == 0 && buf[16 + kept] == '\0',
                          "row %d size %zu: wrong prefix", _i, size);
        }
    }
    ck_assert_int_eq(render(c, false, NULL, 0), (int)len);
}
END_TEST

/* Calls without the __printf attribute, so that deliberately odd formats compile. */
static int fmt(char *buf, size_t size, const char *f, ...)
{
    va_list ap;
    int n;

    va_start(ap, f);
    n = vsnprintf(buf, size, f, ap);
    va_end(ap);
    return n;
}

START_TEST(test_size_zero_null_buf)
{
    ck_assert_int_eq(snprintf(NULL, 0, "%s-%d", "abc", 12345), 9);
    ck_assert_int_eq(fmt(NULL, 0, ""), 0);
    ck_assert_int_eq(fmt(NULL, 10, "abc"), 3); /* NULL buf with a size is treated as size 0 */
}
END_TEST

START_TEST(test_size_zero_leaves_buf)
{
    char buf[4] = "xyz";

    ck_assert_int_eq(snprintf(buf, 0, "hello"), 5);
    ck_assert_str_eq(buf, "xyz");
}
END_TEST

START_TEST(test_size_one)
{
    char buf[4] = "xyz";

    ck_assert_int_eq(snprintf(buf, 1, "hello %d", 7), 7);
    ck_assert_int_eq(buf[0], '\0');
    ck_assert_int_eq(buf[1], 'y');
}
END_TEST

/* %.Ns must not read past N bytes: ASan catches a read beyond this unterminated array. */
START_TEST(test_precision_unterminated)
{
    char *a = malloc(3);
    char buf[8];

    memcpy(a, "abc", 3);
    ck_assert_int_eq(snprintf(buf, sizeof(buf), "%.3s", a), 3);
    ck_assert_str_eq(buf, "abc");
    ck_assert_int_eq(snprintf(buf, sizeof(buf), "%.*s", 2, a), 2);
    ck_assert_str_eq(buf, "ab");
    free(a);
}
END_TEST

/* Widths near INT_MAX: the exact length while it fits in int, -1 beyond, and the buffer still
 * holds a NUL-terminated prefix. Cheap, because padding past the buffer is only counted. */
START_TEST(test_huge_width)
{
    char buf[16];

    ck_assert_int_eq(fmt(buf, sizeof(buf), "%2147483647d", 1), INT_MAX);
    ck_assert_str_eq(buf, "               ");
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%-2147483647d", 1), INT_MAX);
    ck_assert_str_eq(buf, "1              ");
    ck_assert_int_eq(fmt(buf, sizeof(buf), "x%2147483647d", 1), -1);
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%2147483648d", 1), -1);
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%99999999999999999999999d", 1), -1);
    ck_assert_str_eq(buf, "               ");
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%.2147483647d", 1), INT_MAX);
    ck_assert_str_eq(buf, "000000000000000");
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%.99999999999999999999s", "ab"), 2);
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%*d", INT_MIN, 1), -1);
    ck_assert_str_eq(buf, "1              ");
    ck_assert_int_eq(fmt(buf, sizeof(buf), "%.*d", INT_MIN, 1), 1);
    ck_assert_str_eq(buf, "1");
}
END_TEST

/* An output longer than the buffer, built of many conversions. */
START_TEST(test_long_output)
{
    char buf[8];
    char big[512];
    int i, n = 0;

    for (i = 0; i < 100; i++)
        n += snprintf(big + n, sizeof(big) - (size_t)n, "%d,", i);
    ck_assert_int_eq(n, 290);
    ck_assert_int_eq(strlen(big), 290);
    ck_assert_int_eq(snprintf(buf, sizeof(buf), "%s%s", big, big), 580);
    ck_assert_str_eq(buf, "0,1,2,3");
}
END_TEST

/* snprintf and printk route through the same code. */
START_TEST(test_printk_uses_it)
{
    support_reset();
    printk(KERN_INFO "x=%d %pS\n", -3, (void *)0x1010);
    ck_assert_str_eq(support_log, "<2>x=-3 fake_function+0x10\n");
}
END_TEST

static Suite *vsnprintf_suite(void)
{
    Suite *s = suite_create("vsnprintf");
    TCase *rows = tcase_create("rows");
    TCase *edges = tcase_create("edges");

    tcase_add_loop_test(rows, test_row_full, 0, (int)ARRAY_SIZE(cases));
    tcase_add_loop_test(rows, test_row_libc, 0, (int)ARRAY_SIZE(cases));
    tcase_add_loop_test(rows, test_row_truncated, 0, (int)ARRAY_SIZE(cases));
    tcase_add_test(edges, test_size_zero_null_buf);
    tcase_add_test(edges, test_size_zero_leaves_buf);
    tcase_add_test(edges, test_size_one);
    tcase_add_test(edges, test_precision_unterminated);
    tcase_add_test(edges, test_huge_width);
    tcase_add_test(edges, test_long_output);
    tcase_add_test(edges, test_printk_uses_it);
    suite_add_tcase(s, rows);
    suite_add_tcase(s, edges);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(vsnprintf_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
