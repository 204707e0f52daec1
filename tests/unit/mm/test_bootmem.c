/* test_bootmem.c - unit tests of the boot allocator (hyp/mm/bootmem.c): tables and a model. */
#include <check.h>
#include <stdlib.h>

#include "mm/bootmem.h"
#include "mm/page_info.h"
#include "support.h"

#define TOP 0xfffffffffffff000ull /* highest exclusive end a range can have */
#define MAXR 4

struct range {
    paddr_t start, end;
};

/* Check the invariants of struct bootmem (plain tests: a Check assertion per step is slow). */
static void check_invariants(const struct bootmem *bm)
{
    unsigned int i;

    ck_assert_uint_le(bm->nr, BOOTMEM_MAX_RANGES);
    for (i = 0; i < bm->nr; i++) {
        if (bm->r[i].start >= bm->r[i].end || bm->r[i].start < PAGE_SIZE || bm->r[i].end > TOP ||
            !IS_ALIGNED(bm->r[i].start, PAGE_SIZE) || !IS_ALIGNED(bm->r[i].end, PAGE_SIZE) ||
            (i > 0 && bm->r[i - 1].end >= bm->r[i].start))
            ck_abort_msg("range %u [%#llx, %#llx) breaks an invariant", i,
                         (unsigned long long)bm->r[i].start, (unsigned long long)bm->r[i].end);
    }
}

/* The table is exactly want[0 .. n). */
static void check_ranges(const struct bootmem *bm, const struct range *want, unsigned int n)
{
    unsigned int i;

    check_invariants(bm);
    ck_assert_uint_eq(bm->nr, n);
    for (i = 0; i < n; i++) {
        ck_assert_uint_eq(bm->r[i].start, want[i].start);
        ck_assert_uint_eq(bm->r[i].end, want[i].end);
    }
}

/* ---- bootmem_add: one range, hostile bounds ---- */

static const struct {
    paddr_t start, end;
    unsigned int n;
    struct range want;
} add_cases[] = {
    {0x1000, 0x5000, 1, {0x1000, 0x5000}},
    {0x1001, 0x5fff, 1, {0x2000, 0x5000}},              /* shrunk inward */
    {0, 0x3000, 1, {0x1000, 0x3000}},                   /* page 0 cut off */
    {0, 0x1fff, 0, {0, 0}},                             /* only page 0 and a partial page */
    {0x5000, 0x5000, 0, {0, 0}},                        /* zero length */
    {0x6000, 0x5000, 0, {0, 0}},                        /* inverted */
    {0x1800, 0x1fff, 0, {0, 0}},                        /* inside one page */
    {0x1fff, 0x2001, 0, {0, 0}},                        /* straddles a boundary, no whole page */
    {0xfffffffffffff000ull, 0, 0, {0, 0}},              /* end wrapped to 0: inverted */
    {0xffffffff00000000ull, ~0ull, 1, {0xffffffff00000000ull, TOP}}, /* touches 2^64 */
    {~0ull - 10, ~0ull, 0, {0, 0}},                     /* inside the top page */
    {TOP, ~0ull, 0, {0, 0}},                            /* exactly the top page */
    {0, ~0ull, 1, {0x1000, TOP}},                       /* everything */
};

START_TEST(test_add_one)
{
    struct bootmem bm;

    bootmem_init(&bm);
    ck_assert_int_eq(bootmem_add(&bm, add_cases[_i].start, add_cases[_i].end), 0);
    check_ranges(&bm, &add_cases[_i].want, add_cases[_i].n);
    ck_assert_uint_eq(bootmem_total(&bm), add_cases[_i].want.end - add_cases[_i].want.start);
}
END_TEST

/* ---- bootmem_add: merging ---- */

static const struct {
    struct range add[MAXR];
    unsigned int n;
    struct range want[MAXR];
} merge_cases[] = {
    {{{0x1000, 0x2000}, {0x2000, 0x3000}}, 1, {{0x1000, 0x3000}}},                /* touching */
    {{{0x2000, 0x3000}, {0x1000, 0x2000}}, 1, {{0x1000, 0x3000}}},                /* below */
    {{{0x1000, 0x4000}, {0x2000, 0x3000}}, 1, {{0x1000, 0x4000}}},                /* inside */
    {{{0x2000, 0x3000}, {0x1000, 0x5000}}, 1, {{0x1000, 0x5000}}},                /* around */
    {{{0x1000, 0x3000}, {0x2000, 0x6000}}, 1, {{0x1000, 0x6000}}},                /* overlap */
    {{{0x5000, 0x6000}, {0x1000, 0x2000}}, 2, {{0x1000, 0x2000}, {0x5000, 0x6000}}}, /* sorted */
    {{{0x1000, 0x2000}, {0x3000, 0x4000}, {0x5000, 0x6000}, {0x1800, 0x5800}},
     1,
     {{0x1000, 0x6000}}}, /* bridges three */
    {{{0x1000, 0x2000}, {0x3000, 0x4000}, {0x5000, 0x6000}, {0x2000, 0x3000}},
     2,
     {{0x1000, 0x4000}, {0x5000, 0x6000}}}, /* fills one gap exactly */
    {{{0x1000, 0x2000}, {0x3000, 0x4000}, {0x2fff, 0x3001}},
     2,
     {{0x1000, 0x2000}, {0x3000, 0x4000}}}, /* no whole page: nothing to merge */
};

START_TEST(test_add_merge)
{
    struct bootmem bm;
    const struct range *add = merge_cases[_i].add;
    unsigned int k;

    bootmem_init(&bm);
    for (k = 0; k < MAXR && add[k].end; k++)
        ck_assert_int_eq(bootmem_add(&bm, add[k].start, add[k].end), 0);
    check_ranges(&bm, merge_cases[_i].want, merge_cases[_i].n);
}
END_TEST

/* Fill the table with 128 one-page ranges at pages 2, 4, 6, ... */
static void fill_table(struct bootmem *bm)
{
    unsigned int i;

    bootmem_init(bm);
    for (i = 0; i < BOOTMEM_MAX_RANGES; i++)
        ck_assert_int_eq(bootmem_add(bm, (2 + 2 * i) * PAGE_SIZE, (3 + 2 * i) * PAGE_SIZE), 0);
    ck_assert_uint_eq(bm->nr, BOOTMEM_MAX_RANGES);
}

START_TEST(test_add_full)
{
    struct bootmem bm;

    fill_table(&bm);
    support_reset();
    ck_assert_int_eq(bootmem_add(&bm, MiB(16), MiB(17)), -1);
    ck_assert(support_log_has("table full"));
    ck_assert_uint_eq(bootmem_total(&bm), BOOTMEM_MAX_RANGES * PAGE_SIZE);
    /* Still room for what merges: touching, bridging, or ignored. */
    ck_assert_int_eq(bootmem_add(&bm, 3 * PAGE_SIZE, 4 * PAGE_SIZE), 0);
    ck_assert_uint_eq(bm.nr, BOOTMEM_MAX_RANGES - 1);
    ck_assert_int_eq(bootmem_add(&bm, MiB(16), MiB(16)), 0);
    ck_assert_int_eq(bootmem_add(&bm, MiB(16), MiB(17)), 0);
    check_invariants(&bm);
}
END_TEST

/* ---- bootmem_reserve ---- */

static const struct {
    paddr_t start, end;
    unsigned int n;
    struct range want[2];
} reserve_cases[] = {
    {0x3000, 0x4000, 2, {{0x1000, 0x3000}, {0x4000, 0x10000}}}, /* split */
    {0x3001, 0x3002, 2, {{0x1000, 0x3000}, {0x4000, 0x10000}}}, /* widened */
    {0x2fff, 0x4001, 2, {{0x1000, 0x2000}, {0x5000, 0x10000}}}, /* widened both ways */
    {0, 0x2000, 1, {{0x2000, 0x10000}}},                        /* the bottom */
    {0xf000, ~0ull, 1, {{0x1000, 0xf000}}},                     /* to 2^64 */
    {0x5000, 0x5000, 1, {{0x1000, 0x10000}}},                   /* zero length */
    {0x6000, 0x5000, 1, {{0x1000, 0x10000}}},                   /* inverted */
    {0xfffffffffffff000ull, 0, 1, {{0x1000, 0x10000}}},         /* end wrapped */
    {0, ~0ull, 0, {{0, 0}}},                                    /* everything */
    {0x20000, 0x30000, 1, {{0x1000, 0x10000}}},                 /* elsewhere */
    {0x1000, 0x10000, 0, {{0, 0}}},                             /* exactly */
    {0xffff, 0x10000, 1, {{0x1000, 0xf000}}},                   /* last byte */
};

START_TEST(test_reserve)
{
    struct bootmem bm;

    bootmem_init(&bm);
    bootmem_add(&bm, 0x1000, 0x10000);
    bootmem_reserve(&bm, reserve_cases[_i].start, reserve_cases[_i].end);
    check_ranges(&bm, reserve_cases[_i].want, reserve_cases[_i].n);
}
END_TEST

START_TEST(test_reserve_many)
{
    struct bootmem bm;
    const struct range want[] = {{0x1000, 0x2000}, {0x9000, 0xa000}};

    bootmem_init(&bm);
    bootmem_add(&bm, 0x1000, 0x3000);
    bootmem_add(&bm, 0x4000, 0x5000);
    bootmem_add(&bm, 0x6000, 0xa000);
    bootmem_reserve(&bm, 0x2000, 0x9000);
    check_ranges(&bm, want, 2);
}
END_TEST

START_TEST(test_reserve_top)
{
    struct bootmem bm;
    const struct range want[] = {{0xffffffff00000000ull, TOP - PAGE_SIZE}};

    bootmem_init(&bm);
    bootmem_add(&bm, 0xffffffff00000000ull, ~0ull);
    bootmem_reserve(&bm, ~0ull - 5, ~0ull); /* the unusable top page: no change */
    ck_assert_uint_eq(bm.r[0].end, TOP);
    bootmem_reserve(&bm, TOP - 1, ~0ull);
    check_ranges(&bm, want, 1);
}
END_TEST

START_TEST(test_reserve_full)
{
    struct bootmem bm;
    unsigned int i;

    bootmem_init(&bm);
    for (i = 0; i < BOOTMEM_MAX_RANGES; i++)
        bootmem_add(&bm, MiB(1 + 2 * i), MiB(2 + 2 * i));
    support_reset();
    /* Split range 0 into 1 page below and 254 pages above: the lower piece must go. */
    bootmem_reserve(&bm, MiB(1) + PAGE_SIZE, MiB(1) + 2 * PAGE_SIZE);
    ck_assert(support_log_has("table full"));
    check_invariants(&bm);
    ck_assert_uint_eq(bm.nr, BOOTMEM_MAX_RANGES);
    ck_assert_uint_eq(bm.r[0].start, MiB(1) + 2 * PAGE_SIZE);
    ck_assert_uint_eq(bootmem_total(&bm), BOOTMEM_MAX_RANGES * MiB(1) - 2 * PAGE_SIZE);
    /* And the upper piece when it is the smaller one. */
    bootmem_reserve(&bm, MiB(4) - 2 * PAGE_SIZE, MiB(4) - PAGE_SIZE);
    ck_assert_uint_eq(bm.r[1].end, MiB(4) - 2 * PAGE_SIZE);
    check_invariants(&bm);
}
END_TEST

/* ---- bootmem_alloc ---- */

static const struct {
    uint64_t size, align;
    paddr_t limit, want;
} alloc_cases[] = {
    {0x1000, 0, ~0ull, 0xff000},
    {1, 1, ~0ull, 0xff000},                  /* rounded up to a page */
    {0x1001, 0x1000, ~0ull, 0xfe000},
    {0x2000, 0x10000, ~0ull, 0xf0000},       /* aligned */
    {0x1000, 0, 0x80000, 0x7f000},           /* limited */
    {0x1000, 0, 0x80fff, 0x7f000},           /* limit rounded down */
    {0x1000, 0, 0x2000, 0x1000},             /* the lowest page */
    {0x1000, 0, 0x1fff, 0},                  /* nothing below the limit */
    {0x1000, 0, 0, 0},
    {0, 0x1000, ~0ull, 0},                   /* size 0 */
    {0x1000, 3, ~0ull, 0},                   /* align not a power of two */
    {0x1000, 0x3000, ~0ull, 0},
    {0xff000, 0, ~0ull, 0x1000},             /* all of it */
    {0x100000, 0, ~0ull, 0},                 /* too big */
    {~0ull, 0, ~0ull, 0},                    /* size would wrap when rounded */
    {~0ull - 0x1000, 0, ~0ull, 0},
    {0x1000, 1ull << 63, ~0ull, 0},          /* no place that aligned */
    {0x1000, 0x100000, ~0ull, 0},            /* only 0 would do, and 0 is never used */
};

START_TEST(test_alloc)
{
    struct bootmem bm;
    paddr_t a;
    uint64_t before;
    unsigned int i;

    bootmem_init(&bm);
    bootmem_add(&bm, 0, 0x100000);
    before = bootmem_total(&bm);
    a = bootmem_alloc(&bm, alloc_cases[_i].size, alloc_cases[_i].align, alloc_cases[_i].limit);
    ck_assert_uint_eq(a, alloc_cases[_i].want);
    check_invariants(&bm);
    if (a == 0) {
        ck_assert_uint_eq(bootmem_total(&bm), before);
        return;
    }
    ck_assert_uint_eq(bootmem_total(&bm), before - ALIGN_UP(alloc_cases[_i].size, PAGE_SIZE));
    for (i = 0; i < bm.nr; i++)
        ck_assert(bm.r[i].end <= a || bm.r[i].start >= a + alloc_cases[_i].size);
}
END_TEST

START_TEST(test_alloc_never_zero)
{
    struct bootmem bm;

    bootmem_init(&bm);
    bootmem_add(&bm, 0, 0x2000);
    ck_assert_uint_eq(bootmem_alloc(&bm, 0x1000, 0, ~0ull), 0x1000);
    ck_assert_uint_eq(bootmem_alloc(&bm, 0x1000, 0, ~0ull), 0);
    ck_assert_uint_eq(bootmem_total(&bm), 0);
}
END_TEST

START_TEST(test_alloc_top)
{
    struct bootmem bm;

    bootmem_init(&bm);
    bootmem_add(&bm, TOP - 0x10000, ~0ull);
    ck_assert_uint_eq(bootmem_alloc(&bm, 0x1000, 0, ~0ull), TOP - 0x1000);
    ck_assert_uint_eq(bootmem_alloc(&bm, 0x1000, 0, ~0ull), TOP - 0x2000);
    ck_assert_uint_eq(bootmem_alloc(&bm, 0x1000, 0x10000, ~0ull), TOP - 0xf000); /* splits */
    ck_assert_uint_eq(bootmem_total(&bm), 0xd000);
    check_invariants(&bm);
}
END_TEST

START_TEST(test_alloc_highest_range)
{
    struct bootmem bm;

    bootmem_init(&bm);
    bootmem_add(&bm, MiB(1), MiB(2));
    bootmem_add(&bm, MiB(4), MiB(5));
    ck_assert_uint_eq(bootmem_alloc(&bm, MiB(1), 0, MiB(3)), MiB(1));
    ck_assert_uint_eq(bootmem_alloc(&bm, PAGE_SIZE, 0, MiB(3)), 0);
    ck_assert_uint_eq(bootmem_alloc(&bm, MiB(2), 0, ~0ull), 0); /* no range is that big */
    ck_assert_uint_eq(bootmem_alloc(&bm, PAGE_SIZE, MiB(2), ~0ull), MiB(4));
    check_invariants(&bm);
}
END_TEST

/* ---- random operations against a page bitmap model ---- */

#define MODEL_PAGES 256

static bool model[MODEL_PAGES];

static void model_add(paddr_t s, paddr_t e)
{
    uint64_t p;

    for (p = 1; p < MODEL_PAGES; p++)
        if (s <= p * PAGE_SIZE && (p + 1) * PAGE_SIZE <= e && s < e)
            model[p] = true;
}

static void model_reserve(paddr_t s, paddr_t e)
{
    uint64_t p;

    for (p = 0; p < MODEL_PAGES; p++)
        if (s < e && s < (p + 1) * PAGE_SIZE && p * PAGE_SIZE < e)
            model[p] = false;
}

/* The highest page-run of n pages aligned to align pages that ends at or below limit_page. */
static paddr_t model_alloc(uint64_t n, uint64_t align, uint64_t limit_page)
{
    uint64_t p, k;

    for (p = MIN(limit_page, (uint64_t)MODEL_PAGES); p-- > 0;) {
        if (p % align != 0 || p + n > MIN(limit_page, (uint64_t)MODEL_PAGES))
            continue;
        for (k = 0; k < n && model[p + k]; k++)
            ;
        if (k == n) {
            model_reserve(p * PAGE_SIZE, (p + n) * PAGE_SIZE);
            return p * PAGE_SIZE;
        }
    }
    return 0;
}

static void model_compare(const struct bootmem *bm)
{
    bool table[MODEL_PAGES] = {false};
    uint64_t p, total = 0;
    unsigned int i;

    check_invariants(bm);
    for (i = 0; i < bm->nr; i++) {
        if (bm->r[i].end > MODEL_PAGES * PAGE_SIZE)
            ck_abort_msg("range %u outside the model", i);
        for (p = bm->r[i].start / PAGE_SIZE; p < bm->r[i].end / PAGE_SIZE; p++)
            table[p] = true;
    }
    for (p = 0; p < MODEL_PAGES; p++) {
        if (table[p] != model[p])
            ck_abort_msg("page %llu: table %d model %d", (unsigned long long)p, table[p], model[p]);
        total += model[p] ? PAGE_SIZE : 0;
    }
    if (bootmem_total(bm) != total)
        ck_abort_msg("total %#llx, model %#llx", (unsigned long long)bootmem_total(bm),
                     (unsigned long long)total);
}

START_TEST(test_random_model)
{
    struct bootmem bm;
    paddr_t s, e, a;
    uint64_t n, align, limit;
    unsigned int step, hits = 0;

    srandom(1234);
    memset(model, 0, sizeof(model));
    bootmem_init(&bm);
    for (step = 0; step < 20000; step++) {
        s = (paddr_t)random() % (MODEL_PAGES * PAGE_SIZE);
        e = s + (paddr_t)random() % (16 * PAGE_SIZE);
        e = MIN(e, MODEL_PAGES * PAGE_SIZE);
        if (random() % 8 == 0)
            e = s - (paddr_t)random() % 100; /* inverted or empty */
        switch (random() % 3) {
        case 0:
            ck_assert_int_eq(bootmem_add(&bm, s, e), 0);
            model_add(s, e);
            break;
        case 1:
            bootmem_reserve(&bm, s, e);
            model_reserve(s, e);
            break;
        default:
            n = 1 + (uint64_t)random() % 8;
            align = 1ull << (random() % 4);
            limit = (uint64_t)random() % (MODEL_PAGES + 8);
            a = bootmem_alloc(&bm, n * PAGE_SIZE - (uint64_t)random() % PAGE_SIZE,
                              align * PAGE_SIZE, limit * PAGE_SIZE);
            if (a != model_alloc(n, align, limit))
                ck_abort_msg("step %u: alloc gave %#llx", step, (unsigned long long)a);
            hits += a != 0;
            break;
        }
        model_compare(&bm);
    }
    ck_assert_uint_gt(hits, 1000); /* the allocations did not all fail */
}
END_TEST

static Suite *bootmem_suite(void)
{
    Suite *s = suite_create("bootmem");
    TCase *tc = tcase_create("core");

    tcase_add_loop_test(tc, test_add_one, 0, ARRAY_SIZE(add_cases));
    tcase_add_loop_test(tc, test_add_merge, 0, ARRAY_SIZE(merge_cases));
    tcase_add_test(tc, test_add_full);
    tcase_add_loop_test(tc, test_reserve, 0, ARRAY_SIZE(reserve_cases));
    tcase_add_test(tc, test_reserve_many);
    tcase_add_test(tc, test_reserve_top);
    tcase_add_test(tc, test_reserve_full);
    tcase_add_loop_test(tc, test_alloc, 0, ARRAY_SIZE(alloc_cases));
    tcase_add_test(tc, test_alloc_never_zero);
    tcase_add_test(tc, test_alloc_top);
    tcase_add_test(tc, test_alloc_highest_range);
    tcase_add_test(tc, test_random_model);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(bootmem_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
