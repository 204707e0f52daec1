/* test_xheap.c - unit tests of the xmalloc core (hyp/mm/xheap.c) over a counting page source. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>

#include "mm/xheap.h"
#include "support.h"

#define PAGE 4096u

/* ---- the page source: aligned_alloc, counted, optionally failing or quarantining ---- */

struct block {
    void *p;
    unsigned int order;
    bool live;
};

static struct {
    struct block *blocks;
    size_t nr, cap;
    long pages_in_use;
    long fail_after;        /* page_alloc calls that succeed before they fail; -1: never fail */
    unsigned int max_order; /* larger requests fail, like the buddy allocator's */
    bool quarantine;        /* keep freed blocks (poisoned) so that a double free reads them */
} src;

static struct xheap heap;

static struct block *src_find(void *p)
{
    size_t i;

    for (i = src.nr; i-- > 0;)
        if (src.blocks[i].p == p && src.blocks[i].live)
            return &src.blocks[i];
    return NULL;
}

static void *src_alloc(void *ctx, unsigned int order)
{
    void *p;

    ck_assert_ptr_eq(ctx, &src);
    if (order > src.max_order || src.fail_after == 0)
        return NULL;
    if (src.fail_after > 0)
        src.fail_after--;
    p = aligned_alloc(PAGE, (size_t)PAGE << order);
    ck_assert_ptr_nonnull(p);
    memset(p, 0xa5, (size_t)PAGE << order); /* not zeroed, and no stale magic either */
    if (src.nr == src.cap) {
        src.cap = src.cap ? 2 * src.cap : 256;
        src.blocks = realloc(src.blocks, src.cap * sizeof(*src.blocks));
        ck_assert_ptr_nonnull(src.blocks);
    }
    src.blocks[src.nr++] = (struct block){p, order, true};
    src.pages_in_use += 1l << order;
    return p;
}

static void src_free(void *ctx, void *page, unsigned int order)
{
    struct block *b = src_find(page);

    ck_assert_ptr_eq(ctx, &src);
    ck_assert_msg(b != NULL, "page_free of %p, which the source did not give", page);
    ck_assert_uint_eq(b->order, order);
    b->live = false;
    src.pages_in_use -= 1l << order;
    if (src.quarantine) {
        memset(page, 0xdb, (size_t)PAGE << order);
        return;
    }
    free(page);
    b->p = NULL;
    *b = src.blocks[--src.nr]; /* order of blocks does not matter */
}

static const struct xheap_ops src_ops = {src_alloc, src_free, &src};

static void setup(void)
{
    memset(&src, 0, sizeof(src));
    src.fail_after = -1;
    src.max_order = 18;
    xheap_init(&heap, &src_ops);
    support_reset();
}

static void teardown(void)
{
    size_t i;

    for (i = 0; i < src.nr; i++)
        free(src.blocks[i].p);
    free(src.blocks);
    memset(&src, 0, sizeof(src));
}

/* Fill the usable size of p with a pattern derived from tag; check it later with check_fill. */
static void fill(void *p, unsigned int tag)
{
    size_t i, n = xheap_size(p);

    for (i = 0; i < n; i++)
        ((uint8_t *)p)[i] = (uint8_t)(tag * 31 + i % 251);
}

static void check_fill(const void *p, size_t n, unsigned int tag)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (((const uint8_t *)p)[i] != (uint8_t)(tag * 31 + i % 251))
            ck_abort_msg("allocation %u overwritten at byte %zu", tag, i);
}

/* Every page back at the source once the cache is trimmed. */
static void check_all_returned(void)
{
    ck_assert_uint_eq(heap.bytes_in_use, 0);
    xheap_trim(&heap);
    ck_assert_int_eq(src.pages_in_use, 0);
}

/* ---- argument checks ---- */

static const struct {
    size_t size, align;
} bad_args[] = {
    {0, 16},
    {1, 0},
    {1, 3},
    {1, 24},
    {64, 8192},
    {64, (size_t)1 << 63},
    {(1ull << 30) + 1, 16},
    {SIZE_MAX, 16},
    {SIZE_MAX - 4095, 4096},
    {SIZE_MAX, 0},
};

START_TEST(test_bad_args)
{
    ck_assert_ptr_null(xheap_alloc(&heap, bad_args[_i].size, bad_args[_i].align));
    ck_assert_int_eq(src.pages_in_use, 0);
    ck_assert_uint_eq(heap.bytes_in_use, 0);
}
END_TEST

START_TEST(test_free_null)
{
    xheap_free(&heap, NULL);
    ck_assert_int_eq(src.pages_in_use, 0);
}
END_TEST

/* ---- every class and alignment, no overlap ---- */

static const size_t sizes[] = {1,    15,   16,   17,   31,   32,   48,   63,    64,    65,
                               100,  127,  128,  129,  255,  256,  500,  512,   1000,  1024,
                               1025, 2000, 2047, 2048, 2049, 3000, 4000, 4080,  4081,  4096,
                               4097, 5000, 8192, 8193, 12288, 65536, 100000, 1u << 20};

#define PER 3 /* allocations of each size and alignment */

START_TEST(test_classes_and_alignments)
{
    enum { N = ARRAY_SIZE(sizes) * 13 * PER };
    static void *ptr[N];
    static size_t len[N];
    size_t s, a, align, used = 0;
    unsigned int n = 0, k, i;

    for (s = 0; s < ARRAY_SIZE(sizes); s++) {
        for (a = 0, align = 1; align <= PAGE; a++, align <<= 1) {
            for (k = 0; k < PER; k++, n++) {
                ptr[n] = xheap_alloc(&heap, sizes[s], align);
                ck_assert_msg(ptr[n] != NULL, "size %zu align %zu", sizes[s], align);
                ck_assert_uint_eq((uintptr_t)ptr[n] % MAX(align, (size_t)16), 0);
                len[n] = xheap_size(ptr[n]);
                ck_assert_uint_ge(len[n], sizes[s]);
                used += len[n];
                fill(ptr[n], n);
            }
        }
    }
    ck_assert_uint_eq(heap.bytes_in_use, used);
    for (i = 0; i < n; i++) {
        check_fill(ptr[i], len[i], i);
        ck_assert_uint_eq(xheap_size(ptr[i]), len[i]); /* headers survived the filling */
    }
    for (i = 0; i < n; i += 2) /* free in two passes to mix partial and full slabs */
        xheap_free(&heap, ptr[i]);
    for (i = 1; i < n; i += 2)
        check_fill(ptr[i], len[i], i);
    for (i = 1; i < n; i += 2)
        xheap_free(&heap, ptr[i]);
    check_all_returned();
}
END_TEST

/* Several full slab pages of every class, filled as they are handed out, freed in random order. */
START_TEST(test_full_slabs)
{
    enum { MAXN = 3 * (4096 - 64) / 16 };
    static void *ptr[MAXN];
    static unsigned int order[MAXN];
    size_t size = (size_t)16 << _i;
    unsigned int cap = (unsigned int)((4096 - MAX(size, (size_t)64)) / size), n = 3 * cap, i, k, t;

    for (i = 0; i < n; i++) {
        ptr[i] = xheap_alloc(&heap, size, 16);
        ck_assert_ptr_nonnull(ptr[i]);
        ck_assert_uint_eq(xheap_size(ptr[i]), size);
        fill(ptr[i], i);
        order[i] = i;
    }
    ck_assert_int_eq(src.pages_in_use, 3); /* the capacity is what the header leaves */
    ck_assert_ptr_null(heap.partial[_i]);  /* all full */
    srandom(_i);
    for (i = n; i > 1; i--) {
        k = (unsigned int)random() % i;
        t = order[k], order[k] = order[i - 1], order[i - 1] = t;
    }
    for (i = 0; i < n; i++) {
        check_fill(ptr[order[i]], size, order[i]);
        xheap_free(&heap, ptr[order[i]]);
    }
    check_all_returned();
}
END_TEST

/* Usable size by request: the class that holds max(size, align), else pages minus the offset. */
static const struct {
    size_t size, align, usable;
} size_cases[] = {
    {1, 1, 16},        {16, 16, 16},        {17, 1, 32},          {33, 64, 64},
    {1, 128, 128},     {1000, 1, 1024},     {2048, 2048, 2048},   {2049, 16, 4096 - 16},
    {1, 4096, 4096},   {4080, 16, 4080},    {4081, 16, 8192 - 16}, {4096, 4096, 4096},
    {4097, 4096, 12288}, {3000, 2048, 8192 - 2048}, {6144, 2048, 8192 - 2048},
    {6145, 2048, 16384 - 2048},
};

START_TEST(test_usable_size)
{
    void *p = xheap_alloc(&heap, size_cases[_i].size, size_cases[_i].align);

    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(xheap_size(p), size_cases[_i].usable);
    ck_assert_uint_eq(heap.bytes_in_use, size_cases[_i].usable);
    xheap_free(&heap, p);
    check_all_returned();
}
END_TEST

START_TEST(test_page_aligned_large)
{
    uint8_t *p = xheap_alloc(&heap, PAGE, PAGE);
    struct block *b;

    ck_assert_uint_eq((uintptr_t)p % PAGE, 0);
    b = src_find(p - PAGE); /* the header page is just before the object */
    ck_assert_ptr_nonnull(b);
    ck_assert_uint_eq(b->order, 1);
    xheap_free(&heap, p);
    ck_assert_int_eq(src.pages_in_use, 0);
}
END_TEST

/* ---- slab pages come and go ---- */

START_TEST(test_slab_page_returned)
{
    enum { CAP64 = (4096 - 64) / 64 };
    void *p[CAP64 + 1];
    unsigned int i;

    for (i = 0; i <= CAP64; i++)
        p[i] = xheap_alloc(&heap, 64, 64);
    ck_assert_int_eq(src.pages_in_use, 2);
    xheap_free(&heap, p[CAP64]); /* the second page is empty: cached */
    ck_assert_int_eq(src.pages_in_use, 2);
    p[CAP64] = xheap_alloc(&heap, 64, 64); /* from the cached page, no new page */
    ck_assert_int_eq(src.pages_in_use, 2);
    for (i = 0; i <= CAP64; i++)
        xheap_free(&heap, p[i]);
    ck_assert_int_eq(src.pages_in_use, 1); /* one page freed, one cached */
    check_all_returned();
}
END_TEST

START_TEST(test_one_cached_page_per_class)
{
    void *p[XHEAP_NR_CLASSES][2];
    unsigned int c, k;

    for (c = 0; c < XHEAP_NR_CLASSES; c++)
        for (k = 0; k < 2; k++)
            p[c][k] = xheap_alloc(&heap, 2048, (size_t)16 << c); /* 2048: one object a page */
    ck_assert_int_eq(src.pages_in_use, 2 * XHEAP_NR_CLASSES);
    for (c = 0; c < XHEAP_NR_CLASSES; c++)
        for (k = 0; k < 2; k++)
            xheap_free(&heap, p[c][k]);
    ck_assert_int_eq(src.pages_in_use, 1); /* all class 2048: one cached */
    for (c = 0; c < XHEAP_NR_CLASSES; c++)
        p[c][0] = xheap_alloc(&heap, 16 << c, 16);
    for (c = 0; c < XHEAP_NR_CLASSES; c++)
        xheap_free(&heap, p[c][0]);
    ck_assert_int_eq(src.pages_in_use, XHEAP_NR_CLASSES); /* one cached per class */
    check_all_returned();
}
END_TEST

/* ---- the page source runs dry ---- */

START_TEST(test_page_source_fails)
{
    void *p, *q;

    src.fail_after = 0;
    ck_assert_ptr_null(xheap_alloc(&heap, 16, 16));
    ck_assert_ptr_null(xheap_alloc(&heap, 10000, 16));
    ck_assert_uint_eq(heap.bytes_in_use, 0);
    src.fail_after = 1;
    p = xheap_alloc(&heap, 2048, 16);
    ck_assert_ptr_nonnull(p);
    ck_assert_ptr_null(xheap_alloc(&heap, 2048, 16)); /* its page is full, no second page */
    src.fail_after = -1;
    q = xheap_alloc(&heap, 2048, 16);
    ck_assert_ptr_nonnull(q);
    xheap_free(&heap, p);
    xheap_free(&heap, q);
    src.max_order = 18;
    ck_assert_ptr_null(xheap_alloc(&heap, 1u << 30, 16)); /* needs order 19 */
    check_all_returned();
}
END_TEST

/* ---- hostile frees ---- */

enum { H_DOUBLE_SLAB, H_DOUBLE_LAST_IN_PAGE, H_DOUBLE_LARGE, H_DOUBLE_PAGE_ALIGNED, H_INTERIOR_SLAB,
       H_INTERIOR_LARGE, H_SLAB_HEADER, H_FOREIGN, H_FOREIGN_ALIGNED, H_SIZE_FREED,
       H_SIZE_FOREIGN, H_PAST_LAST_OBJECT };

static const struct {
    int what;
    const char *msg;
} hostile[] = {
    {H_DOUBLE_SLAB, "double free"},
    {H_DOUBLE_LAST_IN_PAGE, "double free"}, /* the page went to the cache */
    {H_DOUBLE_LARGE, "bad pointer"},        /* the block went back to the source */
    {H_DOUBLE_PAGE_ALIGNED, "bad pointer"},
    {H_INTERIOR_SLAB, "not an object"},
    {H_INTERIOR_LARGE, "not the object"},
    {H_SLAB_HEADER, "not an object"},
    {H_FOREIGN, "bad pointer"},
    {H_FOREIGN_ALIGNED, "bad pointer"},
    {H_SIZE_FREED, "not allocated"},
    {H_SIZE_FOREIGN, "bad pointer"},
    {H_PAST_LAST_OBJECT, "not an object"},
};

/* Make the hostile call; returns whether it panicked. */
static int hostile_call(int what)
{
    uint8_t *p = xheap_alloc(&heap, 64, 16), *q = xheap_alloc(&heap, 10000, 16);
    uint8_t *r = xheap_alloc(&heap, 100, PAGE), *f = src_alloc(&src, 1);
    uint8_t *t = xheap_alloc(&heap, 2048, 16);

    memset(f, 0, 2 * PAGE); /* a page the heap never saw */
    switch (what) {
    case H_DOUBLE_SLAB:
        xheap_alloc(&heap, 64, 16); /* keep the page from going away */
        xheap_free(&heap, p);
        return SUPPORT_PANICS(xheap_free(&heap, p));
    case H_DOUBLE_LAST_IN_PAGE:
        xheap_free(&heap, p);
        return SUPPORT_PANICS(xheap_free(&heap, p));
    case H_DOUBLE_LARGE:
        xheap_free(&heap, q);
        return SUPPORT_PANICS(xheap_free(&heap, q));
    case H_DOUBLE_PAGE_ALIGNED:
        xheap_free(&heap, r);
        return SUPPORT_PANICS(xheap_free(&heap, r));
    case H_INTERIOR_SLAB:
        return SUPPORT_PANICS(xheap_free(&heap, p + 16));
    case H_INTERIOR_LARGE:
        return SUPPORT_PANICS(xheap_free(&heap, q + 16));
    case H_SLAB_HEADER:
        return SUPPORT_PANICS(xheap_free(&heap, p - 8));
    case H_FOREIGN:
        return SUPPORT_PANICS(xheap_free(&heap, f + 64));
    case H_FOREIGN_ALIGNED:
        return SUPPORT_PANICS(xheap_free(&heap, f + PAGE));
    case H_SIZE_FREED:
        xheap_alloc(&heap, 64, 16);
        xheap_free(&heap, p);
        return SUPPORT_PANICS(xheap_size(p));
    case H_SIZE_FOREIGN:
        return SUPPORT_PANICS(xheap_size(f + 32));
    default: /* H_PAST_LAST_OBJECT: a class-2048 page holds one object, at 2048 */
        t = (uint8_t *)((uintptr_t)t & ~(uintptr_t)(PAGE - 1)) + PAGE;
        return SUPPORT_PANICS(xheap_free(&heap, t));
    }
}

START_TEST(test_hostile_free)
{
    src.quarantine = true; /* freed pages stay readable, and poisoned */
    ck_assert(hostile_call(hostile[_i].what));
    ck_assert_msg(strstr(support_panic_msg, hostile[_i].msg) != NULL, "%s", support_panic_msg);
}
END_TEST

/* ---- random sequences ---- */

struct live {
    void *p;
    size_t len;
    unsigned int tag;
};

START_TEST(test_random)
{
    enum { STEPS = 30000, MAXLIVE = 2000 };
    static struct live live[MAXLIVE];
    unsigned int n = 0, step, k;
    size_t size, align;
    uint64_t used = 0;

    srandom(2024);
    for (step = 0; step < STEPS; step++) {
        if (n == MAXLIVE || (n > 0 && random() % 2 == 0)) {
            k = (unsigned int)random() % n;
            check_fill(live[k].p, live[k].len, live[k].tag);
            used -= live[k].len;
            xheap_free(&heap, live[k].p);
            live[k] = live[--n];
        } else {
            size = random() % 8 ? 1 + (size_t)random() % 2100 : 1 + (size_t)random() % 40000;
            align = (size_t)1 << (random() % 13);
            live[n].p = xheap_alloc(&heap, size, align);
            ck_assert_ptr_nonnull(live[n].p);
            if ((uintptr_t)live[n].p % align != 0)
                ck_abort_msg("step %u: misaligned", step);
            live[n].len = xheap_size(live[n].p);
            live[n].tag = step;
            used += live[n].len;
            fill(live[n].p, step);
            n++;
        }
        if (heap.bytes_in_use != used)
            ck_abort_msg("step %u: bytes_in_use drifted", step);
    }
    while (n > 0) {
        n--;
        check_fill(live[n].p, live[n].len, live[n].tag);
        xheap_free(&heap, live[n].p);
    }
    check_all_returned();
}
END_TEST

static Suite *xheap_suite(void)
{
    Suite *s = suite_create("xheap");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_bad_args, 0, ARRAY_SIZE(bad_args));
    tcase_add_test(tc, test_free_null);
    tcase_add_test(tc, test_classes_and_alignments);
    tcase_add_loop_test(tc, test_full_slabs, 0, XHEAP_NR_CLASSES);
    tcase_add_loop_test(tc, test_usable_size, 0, ARRAY_SIZE(size_cases));
    tcase_add_test(tc, test_page_aligned_large);
    tcase_add_test(tc, test_slab_page_returned);
    tcase_add_test(tc, test_one_cached_page_per_class);
    tcase_add_test(tc, test_page_source_fails);
    tcase_add_loop_test(tc, test_hostile_free, 0, ARRAY_SIZE(hostile));
    tcase_add_test(tc, test_random);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(xheap_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
