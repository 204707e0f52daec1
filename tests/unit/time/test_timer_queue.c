/* test_timer_queue.c - the soft-timer heap against a sorted shadow model, ties, limits, callbacks. */
#include <check.h>
#include <stdlib.h>

#include "support.h"
#include "time/timer_queue.h"

#define NR_TIMERS 64

static struct soft_timer timers[NR_TIMERS];
static struct soft_timer *storage[NR_TIMERS];
static struct timer_queue q;

static void noop(struct soft_timer *t, void *data)
{
    (void)t;
    (void)data;
}

static void setup(void)
{
    support_reset();
    tq_init(&q, storage, NR_TIMERS);
    for (int i = 0; i < NR_TIMERS; i++)
        soft_timer_init(&timers[i], noop, &timers[i]);
}

/* Every slot points back at itself and no child fires before its parent. */
static void check_heap(const struct timer_queue *tq)
{
    for (uint32_t i = 0; i < tq->nr; i++) {
        const struct soft_timer *t = tq->heap[i];

        ck_assert_uint_eq(t->heap_index, i);
        if (i > 0) {
            const struct soft_timer *p = tq->heap[(i - 1) / 2];

            ck_assert(p->deadline < t->deadline ||
                      (p->deadline == t->deadline && p->seq < t->seq));
        }
    }
}

START_TEST(test_empty)
{
    ck_assert_uint_eq(tq_next_deadline(&q), UINT64_MAX);
    ck_assert_ptr_null(tq_pop_expired(&q, UINT64_MAX));
    ck_assert(!soft_timer_is_queued(&timers[0]));
    ck_assert(!tq_remove(&q, &timers[0]));
}
END_TEST

START_TEST(test_pop_respects_now)
{
    ck_assert_int_eq(tq_add(&q, &timers[0], 30), 0);
    ck_assert_int_eq(tq_add(&q, &timers[1], 10), 0);
    ck_assert_int_eq(tq_add(&q, &timers[2], 20), 0);
    ck_assert_uint_eq(tq_next_deadline(&q), 10);
    ck_assert_ptr_null(tq_pop_expired(&q, 9));
    ck_assert_ptr_eq(tq_pop_expired(&q, 15), &timers[1]);
    ck_assert(!soft_timer_is_queued(&timers[1]));
    ck_assert_ptr_null(tq_pop_expired(&q, 15));
    ck_assert_ptr_eq(tq_pop_expired(&q, 20), &timers[2]); /* deadline == now has expired */
    ck_assert_uint_eq(tq_next_deadline(&q), 30);
    ck_assert_ptr_eq(tq_pop_expired(&q, UINT64_MAX), &timers[0]);
    ck_assert_uint_eq(q.nr, 0);
}
END_TEST

START_TEST(test_fifo_ties)
{
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(tq_add(&q, &timers[i], 100), 0);
    /* Re-arming at the same deadline counts as a new insertion: timer 0 goes last. */
    ck_assert_int_eq(tq_add(&q, &timers[0], 100), 0);
    check_heap(&q);
    for (int i = 1; i < 10; i++)
        ck_assert_ptr_eq(tq_pop_expired(&q, 100), &timers[i]);
    ck_assert_ptr_eq(tq_pop_expired(&q, 100), &timers[0]);
    ck_assert_ptr_null(tq_pop_expired(&q, 100));
}
END_TEST

START_TEST(test_extreme_deadlines)
{
    ck_assert_int_eq(tq_add(&q, &timers[0], UINT64_MAX), 0);
    ck_assert_int_eq(tq_add(&q, &timers[1], 0), 0);
    ck_assert_ptr_eq(tq_pop_expired(&q, 0), &timers[1]);
    ck_assert_ptr_null(tq_pop_expired(&q, UINT64_MAX - 1));
    ck_assert_ptr_eq(tq_pop_expired(&q, UINT64_MAX), &timers[0]);
}
END_TEST

START_TEST(test_full_queue)
{
    struct soft_timer *small[3];
    struct timer_queue sq;

    tq_init(&sq, small, 3);
    for (int i = 0; i < 3; i++)
        ck_assert_int_eq(tq_add(&sq, &timers[i], 10 + i), 0);
    ck_assert_int_eq(tq_add(&sq, &timers[3], 1), -1);
    ck_assert(!soft_timer_is_queued(&timers[3]));
    ck_assert_uint_eq(tq_next_deadline(&sq), 10);
    /* Re-arming a queued timer needs no room. */
    ck_assert_int_eq(tq_add(&sq, &timers[2], 5), 0);
    ck_assert_uint_eq(tq_next_deadline(&sq), 5);
    ck_assert(tq_remove(&sq, &timers[0]));
    ck_assert_int_eq(tq_add(&sq, &timers[3], 1), 0);
    ck_assert_ptr_eq(tq_pop_expired(&sq, 100), &timers[3]);
    ck_assert_ptr_eq(tq_pop_expired(&sq, 100), &timers[2]);
    ck_assert_ptr_eq(tq_pop_expired(&sq, 100), &timers[1]);
}
END_TEST

START_TEST(test_zero_capacity)
{
    struct timer_queue zq;

    tq_init(&zq, NULL, 0);
    ck_assert_int_eq(tq_add(&zq, &timers[0], 1), -1);
    ck_assert_uint_eq(tq_next_deadline(&zq), UINT64_MAX);
}
END_TEST

START_TEST(test_remove)
{
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(tq_add(&q, &timers[i], 80 - 10 * i), 0);
    ck_assert(tq_remove(&q, &timers[7])); /* the root */
    ck_assert(!tq_remove(&q, &timers[7]));
    ck_assert(tq_remove(&q, &timers[0])); /* a leaf */
    ck_assert(!tq_remove(&q, &timers[20])); /* never queued */
    check_heap(&q);
    ck_assert_uint_eq(q.nr, 6);
    for (int i = 6; i >= 1; i--)
        ck_assert_ptr_eq(tq_pop_expired(&q, UINT64_MAX), &timers[i]);
}
END_TEST

START_TEST(test_foreign_timer_asserts)
{
    struct soft_timer *other_storage[4];
    struct timer_queue other;

    tq_init(&other, other_storage, 4);
    ck_assert_int_eq(tq_add(&other, &timers[0], 5), 0);
    ck_assert_int_eq(tq_add(&q, &timers[1], 5), 0);
    ck_assert(SUPPORT_PANICS(tq_remove(&q, &timers[0])));
    ck_assert(SUPPORT_PANICS(tq_add(&q, &timers[0], 1)));
}
END_TEST

/* ---- callbacks that re-add ---------------------------------------------------------------- */

struct periodic {
    struct timer_queue *q;
    uint64_t period;
    unsigned fired, limit;
    struct soft_timer *also; /* armed once by the first firing */
};

static void periodic_fn(struct soft_timer *t, void *data)
{
    struct periodic *p = data;

    p->fired++;
    if (p->fired < p->limit)
        ck_assert_int_eq(tq_add(p->q, t, t->deadline + p->period), 0);
    if (p->fired == 1 && p->also)
        ck_assert_int_eq(tq_add(p->q, p->also, t->deadline), 0);
}

static unsigned also_fired;
static void also_fn(struct soft_timer *t, void *data)
{
    (void)t;
    (void)data;
    also_fired++;
}

/* The softirq loop: pop, then call with no queue state held. */
static void run_until(struct timer_queue *tq, uint64_t now)
{
    struct soft_timer *t;

    while ((t = tq_pop_expired(tq, now)) != NULL)
        t->fn(t, t->data);
}

START_TEST(test_callback_readds)
{
    struct periodic p = { &q, 10, 0, 5, &timers[1] };

    also_fired = 0;
    soft_timer_init(&timers[0], periodic_fn, &p);
    soft_timer_init(&timers[1], also_fn, NULL);
    ck_assert_int_eq(tq_add(&q, &timers[0], 10), 0);
    run_until(&q, 35); /* fires at 10, 20, 30; the 10 firing arms timers[1] at 10 */
    ck_assert_uint_eq(p.fired, 3);
    ck_assert_uint_eq(also_fired, 1);
    ck_assert_uint_eq(tq_next_deadline(&q), 40);
    run_until(&q, 1000);
    ck_assert_uint_eq(p.fired, 5);
    ck_assert(!soft_timer_is_queued(&timers[0]));
    ck_assert_uint_eq(q.nr, 0);
}
END_TEST

/* ---- random operations against a shadow model ---------------------------------------------- */

struct shadow {
    bool queued;
    uint64_t deadline, order;
};

static uint64_t rng_state;
static uint64_t rng(void)
{
    rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
    return rng_state >> 33;
}

/* The shadow's next timer: smallest (deadline, order), or -1. */
static int shadow_min(const struct shadow *s, int n)
{
    int best = -1;

    for (int i = 0; i < n; i++)
        if (s[i].queued && (best < 0 || s[i].deadline < s[best].deadline ||
                            (s[i].deadline == s[best].deadline && s[i].order < s[best].order)))
            best = i;
    return best;
}

static void random_step(struct timer_queue *tq, struct shadow *s, int n, uint64_t *order,
                        uint32_t cap)
{
    int i = (int)(rng() % n), op = (int)(rng() % 10), nr = 0, m;
    uint64_t d = rng() % 64; /* small range: many ties */

    for (int k = 0; k < n; k++)
        nr += s[k].queued;
    if (op < 5) {
        int rc = tq_add(tq, &timers[i], d);

        if (!s[i].queued && (uint32_t)nr == cap) {
            ck_assert_int_eq(rc, -1);
        } else {
            ck_assert_int_eq(rc, 0);
            s[i] = (struct shadow){ true, d, (*order)++ };
        }
    } else if (op < 8) {
        ck_assert(tq_remove(tq, &timers[i]) == s[i].queued);
        s[i].queued = false;
    } else {
        struct soft_timer *t = tq_pop_expired(tq, d);

        m = shadow_min(s, n);
        if (m >= 0 && s[m].deadline <= d) {
            ck_assert_ptr_eq(t, &timers[m]);
            s[m].queued = false;
        } else {
            ck_assert_ptr_null(t);
        }
    }
    m = shadow_min(s, n);
    ck_assert_uint_eq(tq_next_deadline(tq), m < 0 ? UINT64_MAX : s[m].deadline);
    for (int k = 0; k < n; k++)
        ck_assert(soft_timer_is_queued(&timers[k]) == s[k].queued);
    check_heap(tq);
}

START_TEST(test_random_vs_shadow)
{
    struct shadow s[NR_TIMERS] = { { 0 } };
    uint64_t order = 0;
    const uint32_t cap = 40; /* below NR_TIMERS so the full case is hit */
    struct soft_timer *st[40];
    struct timer_queue rq;
    int m;

    rng_state = 0x4865617274680000ull + (uint64_t)_i;
    tq_init(&rq, st, cap);
    for (int step = 0; step < 4000; step++)
        random_step(&rq, s, NR_TIMERS, &order, cap);
    /* Drain: exactly the shadow's order. */
    while ((m = shadow_min(s, NR_TIMERS)) >= 0) {
        ck_assert_ptr_eq(tq_pop_expired(&rq, UINT64_MAX), &timers[m]);
        s[m].queued = false;
    }
    ck_assert_ptr_null(tq_pop_expired(&rq, UINT64_MAX));
}
END_TEST

static Suite *timer_queue_suite(void)
{
    Suite *s = suite_create("timer_queue");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_pop_respects_now);
    tcase_add_test(tc, test_fifo_ties);
    tcase_add_test(tc, test_extreme_deadlines);
    tcase_add_test(tc, test_full_queue);
    tcase_add_test(tc, test_zero_capacity);
    tcase_add_test(tc, test_remove);
    tcase_add_test(tc, test_foreign_timer_asserts);
    tcase_add_test(tc, test_callback_readds);
    tcase_add_loop_test(tc, test_random_vs_shadow, 0, 8);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(timer_queue_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
