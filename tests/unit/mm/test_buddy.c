/* test_buddy.c - unit tests of the buddy allocator (hyp/mm/buddy.c) over a fake frame table. */
#include <check.h>
#include <stdlib.h>

#include "mm/buddy.h"
#include "support.h"

#define NR_FRAMES (1u << 18) /* 1 GiB worth of frames */

static struct page_info *frames;
static struct buddy pool;

/* A frame table of n frames that nobody owns yet, and an empty pool over it. */
static void setup_n(uint64_t n)
{
    uint64_t i;

    frames = calloc(n, sizeof(*frames));
    ck_assert_ptr_nonnull(frames);
    for (i = 0; i < n; i++)
        frames[i].owner = PG_OWNER_NONE;
    buddy_init(&pool, frames, n);
    support_reset();
}

static void setup(void)
{
    setup_n(NR_FRAMES);
}

static void teardown(void)
{
    free(frames);
    frames = NULL;
}

/* Number of blocks on list order. */
static unsigned int list_len(unsigned int order)
{
    uint32_t pfn;
    unsigned int n = 0;

    for (pfn = pool.free_head[order]; pfn != PG_LIST_NONE; pfn = frames[pfn].next)
        n++;
    return n;
}

/* ---- buddy_init ---- */

START_TEST(test_init_empty)
{
    unsigned int o;

    ck_assert_uint_eq(buddy_free_frames(&pool), 0);
    ck_assert_int_eq(buddy_check(&pool), 0);
    for (o = 0; o <= BUDDY_MAX_ORDER; o++)
        ck_assert_int_eq(buddy_alloc(&pool, o), -1);
}
END_TEST

START_TEST(test_init_too_many_frames)
{
    struct buddy b;

    ck_assert(SUPPORT_PANICS(buddy_init(&b, frames, 1ull << 32)));
    ck_assert(!SUPPORT_PANICS(buddy_init(&b, frames, 0xffffffffull)));
}
END_TEST

/* ---- buddy_add_range: block shapes ---- */

#define MAXADD 3

static const struct {
    struct {
        uint64_t start, end;
    } add[MAXADD];
    uint64_t nr_free;
    unsigned int blocks[BUDDY_MAX_ORDER + 1]; /* blocks per order */
} add_cases[] = {
    {{{0, NR_FRAMES}}, NR_FRAMES, {[18] = 1}},
    {{{1, NR_FRAMES}}, NR_FRAMES - 1, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0}},
    {{{3, 17}}, 14, {[0] = 2, [2] = 1, [3] = 1}},
    {{{5, 5}}, 0, {0}},                                  /* empty */
    {{{6, 5}}, 0, {0}},                                  /* inverted */
    {{{0, 4}, {4, 8}}, 8, {[3] = 1}},                    /* coalesces with the block below */
    {{{4, 8}, {0, 4}}, 8, {[3] = 1}},                    /* and above */
    {{{0, 3}, {4, 8}, {3, 4}}, 8, {[3] = 1}},            /* one frame joins everything */
    {{{1, 2}, {2, 3}}, 2, {[0] = 2}},                    /* 1 and 2 are not buddies */
    {{{NR_FRAMES - 1, NR_FRAMES}}, 1, {[0] = 1}},        /* the last frame */
    {{{0, NR_FRAMES / 2}, {NR_FRAMES / 2, NR_FRAMES}}, NR_FRAMES, {[18] = 1}},
};

START_TEST(test_add_shapes)
{
    unsigned int k, o;

    for (k = 0; k < MAXADD && add_cases[_i].add[k].end; k++)
        buddy_add_range(&pool, add_cases[_i].add[k].start, add_cases[_i].add[k].end);
    ck_assert_int_eq(buddy_check(&pool), 0);
    ck_assert_uint_eq(buddy_free_frames(&pool), add_cases[_i].nr_free);
    for (o = 0; o <= BUDDY_MAX_ORDER; o++)
        ck_assert_msg(list_len(o) == add_cases[_i].blocks[o], "order %u: %u", o, list_len(o));
}
END_TEST

START_TEST(test_add_odd_size)
{
    teardown();
    setup_n(1000);
    buddy_add_range(&pool, 0, 1000); /* 512 + 256 + 128 + 64 + 32 + 8 */
    ck_assert_int_eq(buddy_check(&pool), 0);
    ck_assert_uint_eq(list_len(9), 1);
    ck_assert_uint_eq(list_len(3), 1);
    ck_assert_int_eq(buddy_alloc(&pool, 10), -1);
    ck_assert_int_eq(buddy_alloc(&pool, 9), 0);
    ck_assert_int_eq(buddy_alloc(&pool, 3), 992);
}
END_TEST

static const struct {
    uint64_t pre_start, pre_end; /* added first */
    uint64_t start, end;         /* must panic */
} add_panic_cases[] = {
    {0, 0, 0, NR_FRAMES + 1},          /* past the table */
    {0, 0, NR_FRAMES, NR_FRAMES + 1},
    {0, 0, 5, ~0ull},
    {0, 8, 4, 5},                      /* given twice */
    {0, 8, 7, 9},
    {10, 11, 0, 16},
};

START_TEST(test_add_panics)
{
    buddy_add_range(&pool, add_panic_cases[_i].pre_start, add_panic_cases[_i].pre_end);
    ck_assert(SUPPORT_PANICS(
        buddy_add_range(&pool, add_panic_cases[_i].start, add_panic_cases[_i].end)));
    ck_assert(support_panic_msg[0] != '\0');
}
END_TEST

/* ---- buddy_alloc ---- */

START_TEST(test_alloc_split_low_half)
{
    uint64_t i;

    buddy_add_range(&pool, 0, NR_FRAMES);
    frames[0].count_info = 0; /* already 0; alloc must also leave it so */
    ck_assert_int_eq(buddy_alloc(&pool, 0), 0);
    ck_assert_int_eq(buddy_alloc(&pool, 0), 1);
    ck_assert_int_eq(buddy_alloc(&pool, 1), 2);
    ck_assert_int_eq(buddy_alloc(&pool, 3), 8);
    ck_assert_int_eq(buddy_alloc(&pool, 2), 4);
    ck_assert_int_eq(buddy_alloc(&pool, 4), 16);
    ck_assert_int_eq(buddy_alloc(&pool, BUDDY_MAX_ORDER), -1);
    ck_assert_int_eq(buddy_alloc(&pool, BUDDY_MAX_ORDER + 1), -1);
    ck_assert_int_eq(buddy_alloc(&pool, ~0u), -1);
    ck_assert_uint_eq(buddy_free_frames(&pool), NR_FRAMES - 32);
    for (i = 0; i < 32; i++) {
        ck_assert_uint_eq(frames[i].owner, PG_OWNER_HYP);
        ck_assert_uint_eq(frames[i].order, 0);
        ck_assert_uint_eq(frames[i].count_info, 0);
        ck_assert_uint_eq(frames[i].type_info, 0);
        ck_assert_uint_eq(frames[i].next, PG_LIST_NONE);
        ck_assert_uint_eq(frames[i].prev, PG_LIST_NONE);
    }
    ck_assert_int_eq(buddy_check(&pool), 0);
}
END_TEST

START_TEST(test_alloc_smallest_fit)
{
    buddy_add_range(&pool, 64, 128); /* order 6 */
    buddy_add_range(&pool, 3, 4);    /* order 0 */
    buddy_add_range(&pool, 8, 16);   /* order 3 */
    ck_assert_int_eq(buddy_alloc(&pool, 0), 3);
    ck_assert_int_eq(buddy_alloc(&pool, 0), 8);
    ck_assert_int_eq(buddy_alloc(&pool, 4), 64);
    ck_assert_int_eq(buddy_alloc(&pool, 3), 80);
    ck_assert_int_eq(buddy_check(&pool), 0);
}
END_TEST

START_TEST(test_alloc_exhaust)
{
    uint64_t i;

    buddy_add_range(&pool, 0, 4096);
    for (i = 0; i < 4096; i++)
        ck_assert_int_eq(buddy_alloc(&pool, 0), (int64_t)i);
    ck_assert_int_eq(buddy_alloc(&pool, 0), -1);
    ck_assert_uint_eq(buddy_free_frames(&pool), 0);
    for (i = 0; i < 4096; i += 2)
        buddy_free(&pool, i, 0);
    ck_assert_int_eq(buddy_alloc(&pool, 1), -1); /* 2048 frames free, no two adjacent */
    for (i = 1; i < 4096; i += 2)
        buddy_free(&pool, i, 0);
    ck_assert_uint_eq(list_len(12), 1);
    ck_assert_int_eq(buddy_check(&pool), 0);
}
END_TEST

/* ---- buddy_free: hostile calls ---- */

enum { BAD_DOUBLE, BAD_PARTIAL_DOUBLE, BAD_MISALIGNED, BAD_OUT_OF_RANGE, BAD_STRADDLE_END,
       BAD_ORDER, BAD_NEVER_ADDED, BAD_REFERENCED, BAD_TYPE_REFERENCED, BAD_INNER_FREE };

static const struct {
    int what;
    const char *msg; /* in the panic message */
} free_panic_cases[] = {
    {BAD_DOUBLE, "double free"},        {BAD_PARTIAL_DOUBLE, "double free"},
    {BAD_MISALIGNED, "bad block"},      {BAD_OUT_OF_RANGE, "bad block"},
    {BAD_STRADDLE_END, "bad block"},    {BAD_ORDER, "bad block"},
    {BAD_NEVER_ADDED, "never allocated"}, {BAD_REFERENCED, "still referenced"},
    {BAD_TYPE_REFERENCED, "still referenced"}, {BAD_INNER_FREE, "double free"},
};

/* Set up the case and make the bad call; returns whether it panicked. */
static int free_bad(int what)
{
    int64_t a = buddy_alloc(&pool, 2), c;

    ck_assert_int_ge(a, 0);
    switch (what) {
    case BAD_DOUBLE:
        buddy_free(&pool, (uint64_t)a, 2);
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)a, 2));
    case BAD_PARTIAL_DOUBLE:
        c = buddy_alloc(&pool, 0);
        buddy_free(&pool, (uint64_t)c, 0);
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)c & ~1ull, 1));
    case BAD_MISALIGNED:
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)a + 1, 1));
    case BAD_OUT_OF_RANGE:
        return SUPPORT_PANICS(buddy_free(&pool, NR_FRAMES, 0));
    case BAD_STRADDLE_END: /* aligned, but the table ends inside the block */
        pool.nr_pages = NR_FRAMES - 8;
        c = SUPPORT_PANICS(buddy_free(&pool, NR_FRAMES - 16, 4));
        pool.nr_pages = NR_FRAMES;
        return (int)c;
    case BAD_ORDER:
        return SUPPORT_PANICS(buddy_free(&pool, 0, BUDDY_MAX_ORDER + 1));
    case BAD_NEVER_ADDED:
        return SUPPORT_PANICS(buddy_free(&pool, NR_FRAMES - 1, 0));
    case BAD_REFERENCED:
        frames[a + 3].count_info = 1;
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)a, 2));
    case BAD_TYPE_REFERENCED:
        frames[a].type_info = PGT_L1 | 1;
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)a, 2));
    default: /* BAD_INNER_FREE: a frame inside a larger allocated block was freed on its own */
        buddy_free(&pool, (uint64_t)a + 2, 0);
        return SUPPORT_PANICS(buddy_free(&pool, (uint64_t)a, 2));
    }
}

START_TEST(test_free_panics)
{
    uint64_t before;

    buddy_add_range(&pool, 0, NR_FRAMES - 64); /* the top 64 frames are not RAM */
    ck_assert(free_bad(free_panic_cases[_i].what));
    ck_assert_msg(strstr(support_panic_msg, free_panic_cases[_i].msg) != NULL, "%s",
                  support_panic_msg);
    ck_assert(strstr(support_panic_msg, "buddy_free") != NULL);
    /* The refused call changed nothing. */
    before = buddy_free_frames(&pool);
    ck_assert_int_eq(buddy_check(&pool), 0);
    ck_assert_uint_eq(buddy_free_frames(&pool), before);
}
END_TEST

/* ---- buddy_check finds corruption ---- */

enum { CK_PREV, CK_MISALIGNED, CK_ORDER, CK_INNER_NOT_FREE, CK_OVERLAP, CK_COUNT, CK_CYCLE,
       CK_RANGE, CK_COUNTS };

static const struct {
    int what;
    const char *msg;
} check_cases[] = {
    {CK_PREV, "bad prev link"},
    {CK_MISALIGNED, "misaligned"},
    {CK_ORDER, "another order"},
    {CK_INNER_NOT_FREE, "not free"},
    {CK_OVERLAP, "overlap"},
    {CK_COUNT, "nr_free"},
    {CK_CYCLE, "bad prev link"},
    {CK_RANGE, "out of range"},
    {CK_COUNTS, "counts"},
};

START_TEST(test_check_finds)
{
    buddy_add_range(&pool, 0, 64);   /* one order-6 block */
    buddy_add_range(&pool, 96, 100); /* one order-2 block */
    buddy_add_range(&pool, 104, 108);
    ck_assert_int_eq(buddy_check(&pool), 0);
    switch (check_cases[_i].what) {
    case CK_PREV:
        frames[pool.free_head[2]].prev = 5;
        break;
    case CK_MISALIGNED:
        pool.free_head[1] = 97; /* an inner frame of block 96, and odd */
        break;
    case CK_ORDER:
        frames[0].order = 5;
        break;
    case CK_INNER_NOT_FREE:
        frames[17].owner = PG_OWNER_HYP;
        break;
    case CK_OVERLAP:
        pool.free_head[0] = 17; /* frame 17 is inside the order-6 block */
        pool.nr_free += 1;
        break;
    case CK_COUNT:
        pool.nr_free--;
        break;
    case CK_CYCLE:
        frames[frames[pool.free_head[2]].next].next = pool.free_head[2];
        break;
    case CK_RANGE:
        pool.free_head[4] = NR_FRAMES + 5;
        break;
    default:
        frames[33].count_info = 1;
        break;
    }
    ck_assert_int_eq(buddy_check(&pool), -1);
    ck_assert_msg(support_log_has(check_cases[_i].msg), "%s", support_log);
}
END_TEST

/* ---- random sequences against a shadow bitmap ---- */

struct live {
    uint64_t pfn;
    unsigned int order;
};

/* Random alloc/free with a fixed seed; every frame given out is checked against the shadow. */
static void random_run(unsigned int seed, unsigned int steps, unsigned int max_order)
{
    struct live *live = calloc(steps, sizeof(*live));
    uint8_t *shadow = calloc(pool.nr_pages, 1);
    uint64_t initial = buddy_free_frames(&pool), in_use = 0, i;
    unsigned int n = 0, step, order, k;
    int64_t a;

    srandom(seed);
    for (step = 0; step < steps; step++) {
        if (n > 0 && random() % 2 == 0) {
            k = (unsigned int)random() % n;
            for (i = 0; i < (1ull << live[k].order); i++)
                shadow[live[k].pfn + i] = 0;
            buddy_free(&pool, live[k].pfn, live[k].order);
            in_use -= 1ull << live[k].order;
            live[k] = live[--n];
        } else {
            order = (unsigned int)random() % (max_order + 1);
            a = buddy_alloc(&pool, order);
            if (a < 0)
                continue;
            if ((uint64_t)a % (1ull << order) != 0 || (uint64_t)a + (1ull << order) > pool.nr_pages)
                ck_abort_msg("step %u: bad block %lld order %u", step, (long long)a, order);
            for (i = 0; i < (1ull << order); i++) {
                if (shadow[a + i] || frames[a + i].owner != PG_OWNER_HYP)
                    ck_abort_msg("step %u: frame %llu given twice", step,
                                 (unsigned long long)(a + i));
                shadow[a + i] = 1;
            }
            live[n].pfn = (uint64_t)a;
            live[n++].order = order;
            in_use += 1ull << order;
        }
        if (buddy_free_frames(&pool) + in_use != initial)
            ck_abort_msg("step %u: frame count drifted", step);
        if (step % 512 == 0 && buddy_check(&pool) != 0)
            ck_abort_msg("step %u: %s", step, support_log);
    }
    while (n > 0) {
        n--;
        buddy_free(&pool, live[n].pfn, live[n].order);
    }
    ck_assert_int_eq(buddy_check(&pool), 0);
    ck_assert_uint_eq(buddy_free_frames(&pool), initial);
    free(shadow);
    free(live);
}

START_TEST(test_random_full)
{
    buddy_add_range(&pool, 0, NR_FRAMES);
    random_run(42, 20000, 10);
    /* Everything coalesced back into the one 1 GiB block. */
    ck_assert_uint_eq(list_len(BUDDY_MAX_ORDER), 1);
    ck_assert_int_eq(buddy_alloc(&pool, BUDDY_MAX_ORDER), 0);
}
END_TEST

START_TEST(test_random_holes)
{
    unsigned int o, before[BUDDY_MAX_ORDER + 1];

    /* RAM with holes, as firmware leaves it: frame 0, a hole at 640K-1M, odd ends. */
    buddy_add_range(&pool, 1, 160);
    buddy_add_range(&pool, 256, 100003);
    buddy_add_range(&pool, 100100, NR_FRAMES - 7);
    for (o = 0; o <= BUDDY_MAX_ORDER; o++)
        before[o] = list_len(o);
    random_run(7, 20000, BUDDY_MAX_ORDER);
    for (o = 0; o <= BUDDY_MAX_ORDER; o++)
        ck_assert_uint_eq(list_len(o), before[o]);
}
END_TEST

START_TEST(test_random_exhausting)
{
    teardown();
    setup_n(300); /* small: allocations fail often, lists empty and refill */
    buddy_add_range(&pool, 3, 300);
    random_run(99, 50000, 5);
}
END_TEST

static Suite *buddy_suite(void)
{
    Suite *s = suite_create("buddy");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_init_empty);
    tcase_add_test(tc, test_init_too_many_frames);
    tcase_add_loop_test(tc, test_add_shapes, 0, ARRAY_SIZE(add_cases));
    tcase_add_test(tc, test_add_odd_size);
    tcase_add_loop_test(tc, test_add_panics, 0, ARRAY_SIZE(add_panic_cases));
    tcase_add_test(tc, test_alloc_split_low_half);
    tcase_add_test(tc, test_alloc_smallest_fit);
    tcase_add_test(tc, test_alloc_exhaust);
    tcase_add_loop_test(tc, test_free_panics, 0, ARRAY_SIZE(free_panic_cases));
    tcase_add_loop_test(tc, test_check_finds, 0, ARRAY_SIZE(check_cases));
    tcase_add_test(tc, test_random_full);
    tcase_add_test(tc, test_random_holes);
    tcase_add_test(tc, test_random_exhausting);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(buddy_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
