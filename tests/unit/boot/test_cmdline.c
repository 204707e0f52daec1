/* test_cmdline.c - hyp/boot/cmdline.c: every option type and message, hostile input as tables. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "boot/cmdline.h"
#include "support.h"

/* The options of the test table; reset to these defaults before each case. */
static bool opt_flag;          /* default false */
static bool opt_long_flag;     /* default true */
static unsigned int opt_count; /* default 7 */
static uint64_t opt_mem;       /* default 123 */
static char opt_name[8];       /* default "init" */
static unsigned int opt_loglvl; /* default LOG_INFO */
static struct dom0_mem opt_dom0; /* default all 0 */
static unsigned int opt_no_spin; /* default 0; its name starts with "no-" */

static const struct param table[] = {
    { "flag", PARAM_BOOL, &opt_flag, 0, NULL },
    { "long_flag", PARAM_BOOL, &opt_long_flag, 0, NULL },
    { "count", PARAM_UINT, &opt_count, 0, NULL },
    { "mem", PARAM_SIZE, &opt_mem, 0, NULL },
    { "name", PARAM_STRING, opt_name, sizeof(opt_name), NULL },
    { "loglvl", PARAM_CUSTOM, &opt_loglvl, 0, parse_loglvl },
    { "dom0_mem", PARAM_CUSTOM, &opt_dom0, 0, parse_dom0_mem },
    { "no-spin", PARAM_UINT, &opt_no_spin, 0, NULL },
};

static void reset_options(void)
{
    opt_flag = false;
    opt_long_flag = true;
    opt_count = 7;
    opt_mem = 123;
    strcpy(opt_name, "init");
    opt_loglvl = LOG_INFO;
    memset(&opt_dom0, 0, sizeof(opt_dom0));
    opt_no_spin = 0;
    support_reset();
}

/* The one option a row changes (F_NONE: none). */
enum field { F_NONE, F_FLAG, F_LONG_FLAG, F_COUNT, F_MEM, F_NAME, F_LOGLVL, F_DOM0, F_NO_SPIN };

struct cl_case {
    const char *cmdline;
    unsigned int problems;
    const char *message; /* the first problem's message, without "<1>" and "\n" */
    enum field field;
    uint64_t value;   /* its new value (F_DOM0: the amount) */
    const char *str;  /* F_NAME: its new value */
};

#define OK(c, f, v) { (c), 0, NULL, (f), (v), NULL }
#define OKS(c, s) { (c), 0, NULL, F_NAME, 0, (s) }
#define BAD(c, msg) { (c), 1, (msg), F_NONE, 0, NULL }

static const struct cl_case cases[] = {
    /* nothing at all */
    OK("", F_NONE, 0), OK("   ", F_NONE, 0), OK(" \t\n\r\v\f ", F_NONE, 0), OK("\"\"", F_NONE, 0),
    OK("\"\" \"\"", F_NONE, 0),
    /* booleans */
    OK("flag", F_FLAG, 1), OK("  flag  ", F_FLAG, 1), OK("\tflag\n", F_FLAG, 1),
    OK("flag=1", F_FLAG, 1), OK("flag=yes", F_FLAG, 1), OK("flag=on", F_FLAG, 1),
    OK("flag=true", F_FLAG, 1), OK("flag=enable", F_FLAG, 1), OK("flag=", F_FLAG, 1),
    OK("long_flag=0", F_LONG_FLAG, 0), OK("long_flag=no", F_LONG_FLAG, 0),
    OK("long_flag=off", F_LONG_FLAG, 0), OK("long_flag=false", F_LONG_FLAG, 0),
    OK("long_flag=disable", F_LONG_FLAG, 0), OK("long-flag=0", F_LONG_FLAG, 0),
    OK("no-long-flag", F_LONG_FLAG, 0), OK("no_long_flag", F_LONG_FLAG, 0),
    OK("no-long_flag", F_LONG_FLAG, 0), OK("no-long-flag=0", F_LONG_FLAG, 1),
    OK("no-flag=no", F_FLAG, 1), OK("flag no-flag flag", F_FLAG, 1),
    OK("\"flag\"", F_FLAG, 1), OK("fl\"ag\"", F_FLAG, 1), OK("flag\"\"", F_FLAG, 1),
    OK("flag=\"on\"", F_FLAG, 1),
    BAD("flag=maybe", "cmdline: bad value 'maybe' for option 'flag'"),
    BAD("flag=YES", "cmdline: bad value 'YES' for option 'flag'"),
    OK("flag=1 ", F_FLAG, 1),
    BAD("flag=2", "cmdline: bad value '2' for option 'flag'"),
    BAD("flag=on_", "cmdline: bad value 'on_' for option 'flag'"),
    BAD("no-flag=maybe", "cmdline: bad value 'maybe' for option 'no-flag'"),
    BAD("no-count", "cmdline: unknown option 'no-count'"),
    BAD("no-", "cmdline: unknown option 'no-'"), BAD("no", "cmdline: unknown option 'no'"),
    BAD("no-no-flag", "cmdline: unknown option 'no-no-flag'"),
    /* a name starting with "no-" is matched as it is first */
    OK("no-spin=3", F_NO_SPIN, 3), OK("no_spin=3", F_NO_SPIN, 3),
    BAD("spin", "cmdline: unknown option 'spin'"),
    /* unsigned integers */
    OK("count=5", F_COUNT, 5), OK("count=0", F_COUNT, 0), OK("count=0x10", F_COUNT, 16),
    OK("count=0XfF", F_COUNT, 255), OK("count=010", F_COUNT, 10),
    OK("count=4294967295", F_COUNT, 4294967295u), OK("count=\"42\"", F_COUNT, 42),
    OK("count=1 count=2", F_COUNT, 2),
    BAD("count", "cmdline: option 'count' needs a value"),
    BAD("count=", "cmdline: option 'count' needs a value"),
    BAD("count=\"\"", "cmdline: option 'count' needs a value"),
    BAD("count=4294967296", "cmdline: bad value '4294967296' for option 'count'"),
    BAD("count=99999999999999999999999",
        "cmdline: bad value '99999999999999999999999' for option 'count'"),
    BAD("count=-1", "cmdline: bad value '-1' for option 'count'"),
    BAD("count=+1", "cmdline: bad value '+1' for option 'count'"),
    BAD("count=12abc", "cmdline: bad value '12abc' for option 'count'"),
    BAD("count=0x", "cmdline: bad value '0x' for option 'count'"),
    BAD("count=x1", "cmdline: bad value 'x1' for option 'count'"),
    BAD("count=1=2", "cmdline: bad value '1=2' for option 'count'"),
    BAD("count=\" 1\"", "cmdline: bad value ' 1' for option 'count'"),
    { "count= 5", 2, "cmdline: option 'count' needs a value", F_NONE, 0, NULL },
    /* sizes */
    OK("mem=0", F_MEM, 0), OK("mem=4096", F_MEM, 4096), OK("mem=4096K", F_MEM, 4ull << 20),
    OK("mem=512M", F_MEM, 512ull << 20), OK("mem=512m", F_MEM, 512ull << 20),
    OK("mem=2G", F_MEM, 2ull << 30), OK("mem=2g", F_MEM, 2ull << 30),
    OK("mem=1T", F_MEM, 1ull << 40),
    OK("mem=1k", F_MEM, 1024), OK("mem=0x1000", F_MEM, 4096), OK("mem=0x10M", F_MEM, 16ull << 20),
    OK("mem=16777215T", F_MEM, 16777215ull << 40),
    OK("mem=18446744073709551615", F_MEM, UINT64_MAX),
    BAD("mem=16777216T", "cmdline: bad value '16777216T' for option 'mem'"),
    BAD("mem=18446744073709551616", "cmdline: bad value '18446744073709551616' for option 'mem'"),
    BAD("mem=99999999999999999999G",
        "cmdline: bad value '99999999999999999999G' for option 'mem'"),
    BAD("mem=1KB", "cmdline: bad value '1KB' for option 'mem'"),
    BAD("mem=K", "cmdline: bad value 'K' for option 'mem'"),
    BAD("mem=-1", "cmdline: bad value '-1' for option 'mem'"),
    BAD("mem=1.5G", "cmdline: bad value '1.5G' for option 'mem'"),
    BAD("mem=1X", "cmdline: bad value '1X' for option 'mem'"),
    BAD("mem=", "cmdline: option 'mem' needs a value"),
    { "mem=1 K", 1, "cmdline: unknown option 'K'", F_MEM, 1, NULL },
    /* strings */
    OKS("name=abc", "abc"), OKS("name=\"a b\"", "a b"), OKS("\"name=x y\"", "x y"),
    OKS("name=", ""), OKS("name=\"\"", ""), OKS("name=1234567", "1234567"),
    OKS("name=a=b", "a=b"), OKS("name=\"a\"\"b\"", "ab"), OKS("name=\"\t\"", "\t"),
    OKS("name=x name=yz", "yz"),
    BAD("name=12345678", "cmdline: value for option 'name' too long"),
    BAD("name", "cmdline: option 'name' needs a value"),
    BAD("no-name", "cmdline: unknown option 'no-name'"),
    /* quotes */
    BAD("name=\"abc", "cmdline: unterminated quote"), BAD("\"", "cmdline: unterminated quote"),
    BAD("\"flag", "cmdline: unterminated quote"), BAD("flag=\"on", "cmdline: unterminated quote"),
    { "flag \"", 1, "cmdline: unterminated quote", F_FLAG, 1, NULL },
    { "name=\"a b\" \"c", 1, "cmdline: unterminated quote", F_NAME, 0, "a b" },
    /* custom options */
    OK("loglvl=debug", F_LOGLVL, LOG_DEBUG), OK("loglvl=none", F_LOGLVL, LOGLVL_NONE),
    OK("loglvl=error/all", F_LOGLVL, LOG_ERR), OK("loglvl=1", F_LOGLVL, LOG_WARNING),
    BAD("loglvl=bogus", "cmdline: bad value 'bogus' for option 'loglvl'"),
    BAD("loglvl", "cmdline: option 'loglvl' needs a value"),
    BAD("loglvl=", "cmdline: option 'loglvl' needs a value"),
    BAD("no-loglvl", "cmdline: unknown option 'no-loglvl'"),
    OK("dom0_mem=512M", F_DOM0, 512ull << 20), OK("dom0-mem=1G", F_DOM0, 1ull << 30),
    OK("dom0_mem=min:1G,2G,max:4G", F_DOM0, 2ull << 30),
    BAD("dom0_mem=min:2G,max:1G", "cmdline: bad value 'min:2G,max:1G' for option 'dom0_mem'"),
    BAD("dom0_mem=1G,", "cmdline: bad value '1G,' for option 'dom0_mem'"),
    /* unknown options and junk */
    BAD("bogus", "cmdline: unknown option 'bogus'"),
    BAD("bogus=1", "cmdline: unknown option 'bogus'"),
    BAD("=5", "cmdline: unknown option ''"), BAD("=", "cmdline: unknown option ''"),
    BAD("FLAG", "cmdline: unknown option 'FLAG'"), BAD("flags", "cmdline: unknown option 'flags'"),
    BAD("fla", "cmdline: unknown option 'fla'"), BAD("-flag", "cmdline: unknown option '-flag'"),
    BAD("flag-", "cmdline: unknown option 'flag-'"), BAD("%s%n", "cmdline: unknown option '%s%n'"),
    BAD("\x01\xff", "cmdline: unknown option '\x01\xff'"),
    { "a b c", 3, "cmdline: unknown option 'a'", F_NONE, 0, NULL },
};

/* Check the option field names to have value/str, and every other option its default. */
static void check_options(const struct cl_case *c, int row)
{
    ck_assert_msg(opt_flag == (c->field == F_FLAG ? c->value != 0 : false), "row %d: flag", row);
    ck_assert_msg(opt_long_flag == (c->field == F_LONG_FLAG ? c->value != 0 : true),
                  "row %d: long_flag", row);
    ck_assert_msg(opt_count == (c->field == F_COUNT ? c->value : 7), "row %d: count %u", row,
                  opt_count);
    ck_assert_msg(opt_mem == (c->field == F_MEM ? c->value : 123), "row %d: mem %llu", row,
                  (unsigned long long)opt_mem);
    ck_assert_msg(strcmp(opt_name, c->field == F_NAME ? c->str : "init") == 0, "row %d: name '%s'",
                  row, opt_name);
    ck_assert_msg(opt_loglvl == (c->field == F_LOGLVL ? c->value : LOG_INFO), "row %d: loglvl",
                  row);
    ck_assert_msg(opt_dom0.amount == (c->field == F_DOM0 ? c->value : 0), "row %d: dom0_mem", row);
    ck_assert_msg(opt_no_spin == (c->field == F_NO_SPIN ? c->value : 0), "row %d: no-spin", row);
}

static unsigned int count_lines(const char *s)
{
    unsigned int n = 0;

    for (; *s != '\0'; s++)
        n += (*s == '\n');
    return n;
}

/* The problem count, one warning line per problem, the first message exactly, the options. */
START_TEST(test_row)
{
    const struct cl_case *c = &cases[_i];
    char *copy = strdup(c->cmdline); /* exact-size heap copy: ASan sees any read past the NUL */
    char line[512];
    unsigned int problems;

    reset_options();
    problems = cmdline_parse(copy, table, ARRAY_SIZE(table));
    ck_assert_msg(problems == c->problems, "row %d \"%s\": %u problems, want %u; log: %s", _i,
                  c->cmdline, problems, c->problems, support_log);
    ck_assert_msg(count_lines(support_log) == c->problems, "row %d: log: %s", _i, support_log);
    if (c->message != NULL) {
        strcpy(line, "<1>");
        strcat(line, c->message);
        strcat(line, "\n");
        ck_assert_msg(strncmp(support_log, line, strlen(line)) == 0,
                      "row %d: log \"%s\", want \"%s\"", _i, support_log, line);
    }
    check_options(c, _i);
    free(copy);
}
END_TEST

START_TEST(test_null_cmdline)
{
    reset_options();
    ck_assert_uint_eq(cmdline_parse(NULL, table, ARRAY_SIZE(table)), 0);
    ck_assert_uint_eq(cmdline_parse("flag", NULL, 0), 1);
    ck_assert(support_log_has("<1>cmdline: unknown option 'flag'\n"));
}
END_TEST

/* A problem never stops parsing: everything around the bad tokens still applies. */
START_TEST(test_errors_do_not_stop)
{
    reset_options();
    ck_assert_uint_eq(cmdline_parse("bogus flag count=x count=3 mem=1Q mem=2M name=toolongvalue "
                                    "no-long-flag loglvl=all/ dom0_mem=max:1G \"x",
                                    table, ARRAY_SIZE(table)),
                      6);
    ck_assert(opt_flag);
    ck_assert(!opt_long_flag);
    ck_assert_uint_eq(opt_count, 3);
    ck_assert_uint_eq(opt_mem, 2ull << 20);
    ck_assert_str_eq(opt_name, "init");
    ck_assert_uint_eq(opt_loglvl, LOG_INFO);
    ck_assert_uint_eq(opt_dom0.max, 1ull << 30);
    ck_assert(support_log_has("<1>cmdline: unknown option 'bogus'\n"));
    ck_assert(support_log_has("<1>cmdline: bad value 'x' for option 'count'\n"));
    ck_assert(support_log_has("<1>cmdline: bad value '1Q' for option 'mem'\n"));
    ck_assert(support_log_has("<1>cmdline: value for option 'name' too long\n"));
    ck_assert(support_log_has("<1>cmdline: bad value 'all/' for option 'loglvl'\n"));
    ck_assert(support_log_has("<1>cmdline: unterminated quote\n"));
}
END_TEST

/* Heap copy of n bytes of c, NUL-terminated, after prefix. */
static char *make_long(const char *prefix, char c, size_t n)
{
    size_t lp = strlen(prefix);
    char *s = malloc(lp + n + 1);

    memcpy(s, prefix, lp);
    memset(s + lp, c, n);
    s[lp + n] = '\0';
    return s;
}

START_TEST(test_overlong_name)
{
    char *s = make_long("", 'a', 4096);
    char want[128];

    reset_options();
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 1);
    strcpy(want, "<1>cmdline: unknown option '");
    memset(want + strlen(want), 'a', CMDLINE_NAME_MAX - 1);
    strcpy(want + 28 + CMDLINE_NAME_MAX - 1, "'\n");
    ck_assert_str_eq(support_log, want);
    free(s);
}
END_TEST

/* A long name that starts like a real one must not match it after truncation. */
START_TEST(test_overlong_name_prefix)
{
    char *s = make_long("flag", '_', CMDLINE_NAME_MAX);

    reset_options();
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 1);
    ck_assert(!opt_flag);
    free(s);
    s = make_long("count=1 ", '-', 4096);
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 1);
    ck_assert_uint_eq(opt_count, 1);
    free(s);
}
END_TEST

START_TEST(test_overlong_value)
{
    char *s = make_long("name=", 'v', 4096);

    reset_options();
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 1);
    ck_assert_str_eq(support_log, "<1>cmdline: value for option 'name' too long\n");
    ck_assert_str_eq(opt_name, "init");
    free(s);
    /* the value buffer's limit applies to every type, before the option sees the value */
    s = make_long("count=", '1', CMDLINE_VALUE_MAX);
    support_reset();
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 1);
    ck_assert_str_eq(support_log, "<1>cmdline: value for option 'count' too long\n");
    free(s);
    s = make_long("count=", '0', CMDLINE_VALUE_MAX - 2); /* fits: leading zeros are fine */
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 0);
    ck_assert_uint_eq(opt_count, 0);
    free(s);
}
END_TEST

/* 4 KiB of valid tokens, then one more that must still apply. */
START_TEST(test_4k_cmdline)
{
    const char *tok = "flag count=9 no-long-flag mem=1K ";
    size_t lt = strlen(tok), n = 4096 / lt, i;
    char *s = malloc(n * lt + sizeof("name=last"));

    for (i = 0; i < n; i++)
        memcpy(s + i * lt, tok, lt);
    strcpy(s + n * lt, "name=last");
    reset_options();
    ck_assert_uint_eq(cmdline_parse(s, table, ARRAY_SIZE(table)), 0);
    ck_assert(opt_flag && !opt_long_flag);
    ck_assert_uint_eq(opt_count, 9);
    ck_assert_uint_eq(opt_mem, 1024);
    ck_assert_str_eq(opt_name, "last");
    free(s);
}
END_TEST

/* 4 KiB of pseudo-random bytes, many times: no crash, no read past the NUL (ASan). */
START_TEST(test_random_junk)
{
    static const char alphabet[] = "ab=\"- _no,\t01x:KMG";
    uint32_t seed = 12345;
    char *s = malloc(4097);
    int round;
    size_t i;

    for (round = 0; round < 200; round++) {
        for (i = 0; i < 4096; i++) {
            seed = seed * 1103515245u + 12345u;
            s[i] = (round & 1) ? (char)((seed >> 16) % 255 + 1)
                               : alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
        }
        s[4096] = '\0';
        reset_options();
        (void)cmdline_parse(s, table, ARRAY_SIZE(table));
    }
    free(s);
}
END_TEST

struct size_case {
    const char *in;
    int rc;
    uint64_t out;
};

static const struct size_case size_cases[] = {
    { "0", 0, 0 }, { "123", 0, 123 }, { "08", 0, 8 }, { "1k", 0, 1024 }, { "1K", 0, 1024 },
    { "4096K", 0, 4ull << 20 }, { "1m", 0, 1ull << 20 }, { "512M", 0, 512ull << 20 },
    { "1g", 0, 1ull << 30 }, { "2G", 0, 2ull << 30 }, { "1t", 0, 1ull << 40 },
    { "3T", 0, 3ull << 40 },
    { "0x10", 0, 16 }, { "0X10", 0, 16 }, { "0x10k", 0, 16384 },
    { "0xfffffffffffffffF", 0, UINT64_MAX },
    { "18446744073709551615", 0, UINT64_MAX }, { "17179869183G", 0, 17179869183ull << 30 },
    { "0G", 0, 0 },
    { "", -1, 0 }, { "K", -1, 0 }, { "0x", -1, 0 }, { "0xK", -1, 0 }, { "x10", -1, 0 },
    { "1KK", -1, 0 }, { "1KB", -1, 0 }, { "1B", -1, 0 }, { "1P", -1, 0 }, { "-1", -1, 0 },
    { "+1", -1, 0 }, { " 1", -1, 0 }, { "1 ", -1, 0 }, { "1.5G", -1, 0 }, { "1,5", -1, 0 },
    { "18446744073709551616", -1, 0 }, { "0x10000000000000000", -1, 0 },
    { "17179869184G", -1, 0 }, { "16777216T", -1, 0 }, { "18014398509481984K", -1, 0 },
    { "99999999999999999999G", -1, 0 }, { "99999999999999999999999999999999999999", -1, 0 },
};

START_TEST(test_parse_size)
{
    const struct size_case *c = &size_cases[_i];
    uint64_t v = 0xdeadbeef;
    int rc = parse_size(c->in, &v);

    ck_assert_msg(rc == c->rc, "\"%s\": rc %d", c->in, rc);
    ck_assert_msg(v == (c->rc == 0 ? c->out : 0xdeadbeef), "\"%s\": %llu", c->in,
                  (unsigned long long)v);
}
END_TEST

struct loglvl_case {
    const char *in;
    int rc;
    unsigned int out;
};

static const struct loglvl_case loglvl_cases[] = {
    { "none", 0, LOGLVL_NONE }, { "error", 0, LOG_ERR }, { "warning", 0, LOG_WARNING },
    { "info", 0, LOG_INFO }, { "debug", 0, LOG_DEBUG }, { "all", 0, LOG_DEBUG },
    { "0", 0, LOG_ERR }, { "1", 0, LOG_WARNING }, { "2", 0, LOG_INFO }, { "3", 0, LOG_DEBUG },
    { "info/all", 0, LOG_INFO }, { "all/none", 0, LOG_DEBUG }, { "none/3", 0, LOGLVL_NONE },
    { "", -1, 0 }, { "4", -1, 0 }, { "03", -1, 0 }, { "-1", -1, 0 }, { "INFO", -1, 0 },
    { "inf", -1, 0 }, { "infox", -1, 0 }, { "info/", -1, 0 }, { "/info", -1, 0 }, { "/", -1, 0 },
    { "info/bogus", -1, 0 }, { "info/info/info", -1, 0 }, { "info ", -1, 0 }, { "warn", -1, 0 },
    { "info\\all", -1, 0 },
};

START_TEST(test_parse_loglvl)
{
    const struct loglvl_case *c = &loglvl_cases[_i];
    unsigned int v = 0xabcd;
    int rc = parse_loglvl(c->in, &v);

    ck_assert_msg(rc == c->rc, "\"%s\": rc %d", c->in, rc);
    ck_assert_msg(v == (c->rc == 0 ? c->out : 0xabcd), "\"%s\": %u", c->in, v);
}
END_TEST

struct dom0_case {
    const char *in;
    int rc;
    struct dom0_mem out;
};

#define G(x) ((uint64_t)(x) << 30)
#define M(x) ((uint64_t)(x) << 20)

static const struct dom0_case dom0_cases[] = {
    { "512M", 0, { M(512), 0, 0 } }, { "min:1G", 0, { 0, G(1), 0 } },
    { "max:2G", 0, { 0, 0, G(2) } },
    { "1G,min:512M,max:2G", 0, { G(1), M(512), G(2) } },
    { "max:2G,1G", 0, { G(1), 0, G(2) } }, { "min:1G,max:1G", 0, { 0, G(1), G(1) } },
    { "1G,2G", 0, { G(2), 0, 0 } }, { "min:2G,max:0", 0, { 0, G(2), 0 } },
    { "min:0x1000,max:4096K", 0, { 0, 0x1000, M(4) } }, { "8G,max:4G", 0, { G(8), 0, G(4) } },
    { "", -1, { 0 } }, { ",", -1, { 0 } }, { "1G,", -1, { 0 } }, { ",1G", -1, { 0 } },
    { "1G,,2G", -1, { 0 } }, { "min:", -1, { 0 } }, { "max:", -1, { 0 } }, { "min", -1, { 0 } },
    { "mid:1G", -1, { 0 } }, { "min:junk", -1, { 0 } }, { "MIN:1G", -1, { 0 } },
    { "min:2G,max:1G", -1, { 0 } }, { "max:1G,min:2G", -1, { 0 } },
    { "min:1G,min:3G,max:2G", -1, { 0 } }, { "99999999999999999999G", -1, { 0 } },
    { "min:1G max:2G", -1, { 0 } }, { "min:max:1G", -1, { 0 } }, { "1G;max:2G", -1, { 0 } },
    { "-1G", -1, { 0 } }, { "50%", -1, { 0 } },
};

START_TEST(test_parse_dom0_mem)
{
    const struct dom0_case *c = &dom0_cases[_i];
    const struct dom0_mem sentinel = { 1, 2, 3 };
    struct dom0_mem v = sentinel;
    const struct dom0_mem *want = c->rc == 0 ? &c->out : &sentinel;
    int rc = parse_dom0_mem(c->in, &v);

    ck_assert_msg(rc == c->rc, "\"%s\": rc %d", c->in, rc);
    ck_assert_msg(v.amount == want->amount && v.min == want->min && v.max == want->max,
                  "\"%s\": %llu min %llu max %llu", c->in, (unsigned long long)v.amount,
                  (unsigned long long)v.min, (unsigned long long)v.max);
}
END_TEST

static Suite *cmdline_suite(void)
{
    Suite *s = suite_create("cmdline");
    TCase *rows = tcase_create("cmdline rows");
    TCase *hostile = tcase_create("hostile");
    TCase *parsers = tcase_create("parsers");

    tcase_add_loop_test(rows, test_row, 0, (int)ARRAY_SIZE(cases));
    tcase_add_test(hostile, test_null_cmdline);
    tcase_add_test(hostile, test_errors_do_not_stop);
    tcase_add_test(hostile, test_overlong_name);
    tcase_add_test(hostile, test_overlong_name_prefix);
    tcase_add_test(hostile, test_overlong_value);
    tcase_add_test(hostile, test_4k_cmdline);
    tcase_add_test(hostile, test_random_junk);
    tcase_add_loop_test(parsers, test_parse_size, 0, (int)ARRAY_SIZE(size_cases));
    tcase_add_loop_test(parsers, test_parse_loglvl, 0, (int)ARRAY_SIZE(loglvl_cases));
    tcase_add_loop_test(parsers, test_parse_dom0_mem, 0, (int)ARRAY_SIZE(dom0_cases));
    suite_add_tcase(s, rows);
    suite_add_tcase(s, hostile);
    suite_add_tcase(s, parsers);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(cmdline_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? 0 : 1;
}
