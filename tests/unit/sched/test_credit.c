/* test_credit.c - the scheduling policy (hyp/sched/credit.c): queue rules directly, and fair
 * shares, caps, latency and affinity in a small event-driven simulator playing the glue's part. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sched/credit.h"
#include "support.h"

#define MS 1000000ULL
#define SEC 1000000000ULL
#define SIM_MAX_UNITS 8
#define SIM_MAX_DOMS 4
#define NEVER UINT64_MAX

/* ---- the simulator: what sched.c will do, with IPIs that arrive at once ---- */

struct sim_unit {
    struct cs_unit u;
    bool io; /* blocks for block_ns after each run_ns of running; else a CPU hog */
    uint64_t run_ns, block_ns;
    uint64_t burst_left; /* io: running left before it blocks */
    uint64_t wake_at;    /* io, blocked: when it wakes */
    uint64_t woke_at;    /* last wake, while waiting to run */
    bool waiting;
    uint64_t runtime;     /* ns on a CPU, by the simulator's clock */
    uint64_t max_latency; /* longest wake-to-run */
};

struct sim {
    struct cs_sched s;
    struct cs_dom dom[SIM_MAX_DOMS];
    struct sim_unit unit[SIM_MAX_UNITS];
    unsigned int nr_cpus, nr_units;
    uint64_t now;
    uint64_t slice_end[CS_MAX_CPUS];
    struct sim_unit *curr[CS_MAX_CPUS];
    unsigned long picks;
};

static struct sim sim;

static void sim_init(unsigned int nr_cpus)
{
    memset(&sim, 0, sizeof(sim));
    cs_init(&sim.s);
    sim.nr_cpus = nr_cpus;
    for (unsigned int i = 0; i < nr_cpus; i++) {
        cs_cpu_online(&sim.s, i);
        sim.slice_end[i] = NEVER;
    }
}

static struct sim_unit *sim_add(unsigned int dom, uint64_t affinity, uint64_t run_ns,
                                uint64_t block_ns)
{
    struct sim_unit *su = &sim.unit[sim.nr_units++];

    ck_assert_uint_le(sim.nr_units, SIM_MAX_UNITS);
    cs_unit_init(&sim.s, &su->u, &sim.dom[dom], su, affinity);
    su->io = run_ns != 0;
    su->run_ns = run_ns;
    su->block_ns = block_ns;
    su->burst_left = run_ns;
    su->wake_at = NEVER;
    return su;
}

static struct sim_unit *sim_hog(unsigned int dom)
{
    return sim_add(dom, ~0ULL, 0, 0);
}

static uint64_t effective_affinity(const struct cs_unit *u)
{
    uint64_t a = u->affinity & sim.s.online;

    return a ? a : sim.s.online;
}

static void sim_pick(unsigned int cpu);

/* Kick every CPU the module asked for in s.resched. */
static void sim_kick_resched(void)
{
    while (sim.s.resched) {
        unsigned int cpu = (unsigned int)__builtin_ctzll(sim.s.resched);

        sim.s.resched &= ~(1ULL << cpu);
        sim_pick(cpu);
    }
}

/* Checks made on every pick: affinity, one CPU per unit, a sane slice. */
static void sim_check_pick(unsigned int cpu, const struct cs_unit *u, uint64_t slice)
{
    ck_assert_uint_gt(slice, 0);
    if (!u) {
        ck_assert_ptr_null(sim.s.cpu[cpu].curr);
        return;
    }
    ck_assert_msg(effective_affinity(u) & (1ULL << cpu), "unit %p picked on cpu %u, affinity %llx",
                  (void *)u, cpu, (unsigned long long)u->affinity);
    ck_assert_int_eq(u->state, CS_RUNNING);
    ck_assert_uint_eq(u->cpu, cpu);
    ck_assert_uint_le(slice, CS_SLICE_NS);
    ck_assert_int_le(u->credit, CS_CREDIT_INIT);
    for (unsigned int i = 0; i < sim.nr_cpus; i++)
        ck_assert(i == cpu || sim.curr[i] != u->owner);
}

static void sim_pick(unsigned int cpu)
{
    uint64_t slice = 0;
    struct cs_unit *u = cs_pick(&sim.s, cpu, sim.now, &slice);
    struct sim_unit *su = u ? u->owner : NULL;

    sim.picks++;
    sim_check_pick(cpu, u, slice);
    sim.curr[cpu] = su;
    sim.slice_end[cpu] = slice == NEVER ? NEVER : sim.now + slice;
    if (su && su->waiting) {
        su->waiting = false;
        if (sim.now - su->woke_at > su->max_latency)
            su->max_latency = sim.now - su->woke_at;
    }
    sim_kick_resched();
}

static void sim_wake(struct sim_unit *su)
{
    bool was_blocked = su->u.state == CS_BLOCKED;
    int cpu = cs_wake(&sim.s, &su->u, sim.now);

    su->wake_at = NEVER;
    su->woke_at = sim.now;
    su->waiting = was_blocked; /* wake-up latency: of wakes from blocked, not the first start */
    if (cpu >= 0)
        sim_pick((unsigned int)cpu);
}

/* su blocks (or goes offline); if it was running, its CPU reschedules at once, as in sched.c. */
static void sim_sleep(struct sim_unit *su, bool offline)
{
    bool was_running = su->u.state == CS_RUNNING;

    cs_sleep(&sim.s, &su->u, offline, sim.now);
    su->waiting = false;
    if (was_running)
        sim_pick(su->u.cpu);
}

/* The next thing that happens: a slice ends, an I/O unit's burst ends, a blocked one wakes. */
static uint64_t sim_next_event(void)
{
    uint64_t t = NEVER;

    for (unsigned int i = 0; i < sim.nr_cpus; i++) {
        t = MIN(t, sim.slice_end[i]);
        if (sim.curr[i] && sim.curr[i]->io)
            t = MIN(t, sim.now + sim.curr[i]->burst_left);
    }
    for (unsigned int i = 0; i < sim.nr_units; i++)
        t = MIN(t, sim.unit[i].wake_at);
    return t;
}

static void sim_advance(uint64_t t)
{
    for (unsigned int i = 0; i < sim.nr_cpus; i++) {
        if (!sim.curr[i])
            continue;
        sim.curr[i]->runtime += t - sim.now;
        if (sim.curr[i]->io)
            sim.curr[i]->burst_left -= t - sim.now;
    }
    sim.now = t;
}

static void sim_events(void)
{
    for (unsigned int i = 0; i < sim.nr_cpus; i++) {
        struct sim_unit *su = sim.curr[i];

        if (su && su->io && su->burst_left == 0) {
            su->burst_left = su->run_ns;
            su->wake_at = sim.now + su->block_ns;
            sim_sleep(su, false);
        }
    }
    for (unsigned int i = 0; i < sim.nr_units; i++)
        if (sim.unit[i].wake_at <= sim.now)
            sim_wake(&sim.unit[i]);
    for (unsigned int i = 0; i < sim.nr_cpus; i++) {
        if (sim.slice_end[i] > sim.now)
            continue;
        /* At the end of its slice a running unit must be told to make way (maybe for itself). */
        if (sim.curr[i])
            ck_assert(cs_tick(&sim.s, i, sim.now));
        sim_pick(i);
    }
}

static void sim_run_until(uint64_t end)
{
    while (sim.now < end) {
        uint64_t t = MIN(sim_next_event(), end);

        sim_advance(t);
        sim_events();
    }
}

/* Wake every unit at now (in order), then run until end. */
static void sim_start_and_run(uint64_t end)
{
    for (unsigned int i = 0; i < sim.nr_units; i++)
        sim_wake(&sim.unit[i]);
    sim_run_until(end);
}

static double share(const struct sim_unit *su, uint64_t ns)
{
    return (double)su->runtime / (double)ns;
}

/* |got - want| <= tol * want */
static void ck_share(const char *what, double got, double want, double tol)
{
    double err = got > want ? got - want : want - got;

    ck_assert_msg(err <= tol * want, "%s: share %.4f, expected %.4f within %.0f%%", what, got, want,
                  tol * 100);
}

/* ---- direct tests: one CPU or two, driven by hand ---- */

static struct cs_sched s;
static struct cs_dom d[4];
static struct cs_unit u[8];

static void setup(void)
{
    support_reset();
    cs_init(&s);
    cs_cpu_online(&s, 0);
    cs_cpu_online(&s, 1);
    for (int i = 0; i < 4; i++)
        cs_dom_init(&d[i], 0, 0);
    for (int i = 0; i < 8; i++)
        cs_unit_init(&s, &u[i], &d[i % 4], &u[i], 1ULL << 0);
}

static struct cs_unit *pick(unsigned int cpu, uint64_t now)
{
    uint64_t slice;

    return cs_pick(&s, cpu, now, &slice);
}

/* Queue x (offline, so never boosted) on cpu 0, behind a running unit. */
static void queue_with_credit(struct cs_unit *x, int64_t credit, bool boost)
{
    x->credit = credit;
    if (boost)
        x->state = CS_BLOCKED;
    ck_assert_int_eq(cs_wake(&s, x, 0), boost ? 0 : -1);
    ck_assert_int_eq(x->boosted, boost);
}

START_TEST(test_queue_order)
{
    const struct cs_unit *want[] = {&u[3], &u[6], &u[4], &u[2], &u[5], &u[1]};
    const struct cs_unit *q = NULL;
    unsigned int i = 0;

    /* u[0] runs; a boosted unit preempts it, but the CPU has not rescheduled yet. */
    ck_assert_int_eq(cs_wake(&s, &u[0], 0), 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    queue_with_credit(&u[1], -5 * MS, false);
    queue_with_credit(&u[2], 3 * MS, false);
    queue_with_credit(&u[3], 1 * MS, true);
    queue_with_credit(&u[4], 7 * MS, false);
    queue_with_credit(&u[5], 3 * MS, false); /* equal to u[2]: behind it */
    queue_with_credit(&u[6], 9 * MS, true);  /* boosted: FIFO, behind u[3] despite more credit */
    for (q = s.cpu[0].head; q; q = q->next, i++) {
        ck_assert_uint_lt(i, ARRAY_SIZE(want));
        ck_assert_ptr_eq(q, want[i]);
        ck_assert(q->next == NULL || q->next->prev == q);
    }
    ck_assert_uint_eq(i, ARRAY_SIZE(want));
    ck_assert_uint_eq(s.cpu[0].nr_queued, ARRAY_SIZE(want));
    ck_assert_ptr_eq(s.cpu[0].tail, &u[1]);
    /* The pick takes the first boosted unit; u[0] is requeued by its credit (10 ms: first of
     * the unboosted). */
    ck_assert_ptr_eq(pick(0, 0), &u[3]);
    ck_assert_ptr_eq(s.cpu[0].head, &u[6]);
    ck_assert_ptr_eq(s.cpu[0].head->next, &u[0]);
}
END_TEST

START_TEST(test_wake_running_or_queued_is_noop)
{
    ck_assert_int_eq(cs_wake(&s, &u[0], 0), 0);
    ck_assert_int_eq(cs_wake(&s, &u[1], 0), 0); /* CPU0 still has no curr: it should pick */
    ck_assert_uint_eq(d[0].nr_active, 1);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    ck_assert_int_eq(cs_wake(&s, &u[0], 5 * MS), -1);
    ck_assert_int_eq(cs_wake(&s, &u[1], 5 * MS), -1);
    ck_assert_int_eq(u[0].state, CS_RUNNING);
    ck_assert_int_eq(u[1].state, CS_QUEUED);
    ck_assert_uint_eq(d[0].nr_active, 1);
    ck_assert_uint_eq(d[1].nr_active, 1);
    ck_assert_uint_eq(s.cpu[0].nr_queued, 1);
    ck_assert_uint_eq(u[0].run_start, 0);
    ck_assert_int_eq(u[0].credit, CS_CREDIT_INIT);
}
END_TEST

START_TEST(test_yield)
{
    for (int i = 0; i < 3; i++)
        cs_wake(&s, &u[i], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    u[1].credit = 2 * MS;
    u[2].credit = 1 * MS;
    /* u[0] has the most credit, yet after yielding it goes behind both of its peers. */
    cs_yield(&s, &u[0]);
    ck_assert_ptr_eq(pick(0, 1000), &u[1]);
    ck_assert_ptr_eq(s.cpu[0].head, &u[2]);
    ck_assert_ptr_eq(s.cpu[0].tail, &u[0]);
    ck_assert(!u[0].yielded);
    /* Alone, a yielding unit runs on. */
    cs_sleep(&s, &u[1], false, 2000);
    cs_sleep(&s, &u[2], false, 2000);
    ck_assert_ptr_eq(pick(0, 2000), &u[0]);
    cs_yield(&s, &u[0]);
    ck_assert_ptr_eq(pick(0, 3000), &u[0]);
    /* Yield of a unit that does not run: nothing. */
    cs_yield(&s, &u[1]);
    ck_assert(!u[1].yielded);
}
END_TEST

START_TEST(test_credit_reset_clamps)
{
    uint64_t slice;

    cs_dom_init(&d[3], 256, 10); /* 1 ms per 10 ms */
    for (int i = 0; i < 4; i++)
        cs_wake(&s, &u[i], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    u[1].credit = -2 * MS;
    u[2].credit = -15 * MS;
    u[3].credit = 5 * MS;
    d[3].budget = 0; /* u[3] parked: queued, not picked, but part of the reset */
    /* u[0] runs 11 ms: credit -1 ms, the best eligible one is u[0] with -1ms: reset. */
    ck_assert_ptr_eq(cs_pick(&s, 0, 11 * MS, &slice), &u[0]);
    ck_assert_int_eq(u[0].credit, 9 * MS);
    ck_assert_int_eq(u[1].credit, 8 * MS);
    ck_assert_int_eq(u[2].credit, -5 * MS);
    ck_assert_int_eq(u[3].credit, CS_CREDIT_INIT); /* 15 ms clamped: no hoarding */
    ck_assert_uint_eq(s.cpu[0].resets, 1);
    /* The slice: until u[0] falls to u[1]'s credit (1 ms at weight 256)... */
    ck_assert_uint_eq(slice, 1 * MS);
    /* ...and a best unit far in debt gets as many resets as it needs to be positive. */
    u[0].credit = -25 * MS;
    u[1].credit = -31 * MS;
    u[2].credit = -40 * MS;
    ck_assert_ptr_eq(cs_pick(&s, 0, 11 * MS, &slice), &u[0]);
    ck_assert_int_eq(u[0].credit, 5 * MS);
    ck_assert_int_eq(u[1].credit, -1 * MS);
    ck_assert_int_eq(u[2].credit, -10 * MS);
    ck_assert_uint_eq(s.cpu[0].resets, 4);
}
END_TEST

START_TEST(test_blocked_catches_up_resets)
{
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[1], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    cs_sleep(&s, &u[1], false, 0);
    u[1].credit = -3 * MS;
    /* u[0] burns its credit; the reset happens while u[1] is blocked... */
    ck_assert_ptr_eq(pick(0, 10 * MS), &u[0]);
    ck_assert_uint_eq(s.cpu[0].resets, 1);
    ck_assert_int_eq(u[1].credit, -3 * MS);
    /* ...and u[1] takes part in it when it wakes: boosted, as its credit is positive again. */
    ck_assert_int_eq(cs_wake(&s, &u[1], 11 * MS), 0);
    ck_assert_int_eq(u[1].credit, 7 * MS);
    ck_assert(u[1].boosted);
}
END_TEST

START_TEST(test_credit_burn_no_overflow)
{
    const uint64_t hours5 = 5ULL * 3600 * SEC;

    cs_dom_init(&d[1], 1, 0); /* the lightest weight burns fastest */
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[5], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    ck_assert(cs_tick(&s, 0, 1 * MS)); /* equal credits: a 1 ms slice */
    ck_assert(cs_tick(&s, 0, hours5));
    ck_assert_int_eq(u[0].credit, CS_CREDIT_INIT - (int64_t)hours5);
    /* weight 1: 256x the burn, still exact */
    ck_assert_ptr_eq(pick(0, hours5), &u[5]);
    ck_assert(cs_tick(&s, 0, hours5 + hours5));
    ck_assert_int_eq(u[5].credit, CS_CREDIT_INIT - (int64_t)hours5 * CS_WEIGHT_REF);
    /* weight 1 for 200 years saturates instead of wrapping */
    ck_assert(cs_tick(&s, 0, UINT64_MAX / 2));
    ck_assert_int_lt(u[5].credit, -(INT64_MAX / 8));
    ck_assert_ptr_nonnull(pick(0, UINT64_MAX / 2));
}
END_TEST

START_TEST(test_boost_preempts_and_ends)
{
    uint64_t slice;

    cs_wake(&s, &u[0], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    u[1].state = CS_BLOCKED;
    ck_assert_int_eq(cs_wake(&s, &u[1], 2 * MS), 0); /* boosted: preempts unboosted u[0] */
    ck_assert_ptr_eq(cs_pick(&s, 0, 2 * MS, &slice), &u[1]);
    ck_assert_uint_le(slice, CS_BOOST_NS);
    /* A boosted unit waking behind a boosted one does not preempt it. */
    u[2].state = CS_BLOCKED;
    ck_assert_int_eq(cs_wake(&s, &u[2], 2 * MS), -1);
    ck_assert(u[2].boosted);
    ck_assert(!cs_tick(&s, 0, 2 * MS + CS_BOOST_NS / 2));
    ck_assert(u[1].boosted);
    /* After 1 ms of running the boost is over; the waiting boosted u[2] is better now. */
    ck_assert(cs_tick(&s, 0, 2 * MS + CS_BOOST_NS));
    ck_assert(!u[1].boosted);
    ck_assert_ptr_eq(pick(0, 2 * MS + CS_BOOST_NS), &u[2]);
    /* Picked again while boosted, it stays boosted (and in front of richer u[0])... */
    u[2].credit = 1 * MS;
    ck_assert_ptr_eq(pick(0, 3 * MS + 1000), &u[2]);
    ck_assert(u[2].boosted);
    ck_assert_int_gt(u[0].credit, u[2].credit);
    /* ...but descheduled for another boosted unit, its boost ends: requeued by its credit. */
    u[3].state = CS_BLOCKED;
    ck_assert_int_eq(cs_wake(&s, &u[3], 3 * MS + 2000), -1);
    ck_assert_ptr_eq(pick(0, 3 * MS + 3000), &u[3]);
    ck_assert(!u[2].boosted);
    ck_assert_ptr_eq(s.cpu[0].head, &u[1]); /* 9 ms of credit left, u[0] 8 ms, u[2] < 1 ms */
    ck_assert_ptr_eq(s.cpu[0].head->next, &u[0]);
    ck_assert_ptr_eq(s.cpu[0].tail, &u[2]);
    /* A unit woken without credit is not boosted and does not preempt. */
    u[4].state = CS_BLOCKED;
    u[4].credit = 0;
    ck_assert_int_eq(cs_wake(&s, &u[4], 4 * MS), -1);
    ck_assert(!u[4].boosted);
}
END_TEST

START_TEST(test_sleep_running_then_pick)
{
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[1], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    cs_sleep(&s, &u[0], false, 3 * MS);
    ck_assert_int_eq(u[0].state, CS_BLOCKED);
    ck_assert_ptr_eq(s.cpu[0].curr, &u[0]);
    ck_assert_int_eq(u[0].credit, CS_CREDIT_INIT - 3 * MS); /* charged up to the sleep */
    ck_assert_uint_eq(d[0].nr_active, 0);
    /* Woken again before the CPU rescheduled: it just runs on. */
    ck_assert_int_eq(cs_wake(&s, &u[0], 4 * MS), 0);
    ck_assert_int_eq(u[0].state, CS_RUNNING);
    ck_assert_uint_eq(d[0].nr_active, 1);
    cs_sleep(&s, &u[0], false, 5 * MS);
    ck_assert_int_eq(u[0].credit, CS_CREDIT_INIT - 4 * MS); /* 4..5 ms only */
    ck_assert_ptr_eq(pick(0, 6 * MS), &u[1]);
    ck_assert_int_eq(u[0].state, CS_BLOCKED);
    ck_assert_ptr_null(u[0].next);
    ck_assert_uint_eq(s.cpu[0].nr_queued, 0);
    ck_assert_int_eq(u[0].credit, CS_CREDIT_INIT - 4 * MS); /* no charge for 5..6 ms */
}
END_TEST

START_TEST(test_offline_never_picked)
{
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[1], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    cs_sleep(&s, &u[1], true, 1 * MS); /* queued -> offline */
    ck_assert_int_eq(u[1].state, CS_OFFLINE);
    ck_assert_uint_eq(s.cpu[0].nr_queued, 0);
    cs_sleep(&s, &u[0], true, 2 * MS); /* running -> offline */
    ck_assert_ptr_null(pick(0, 2 * MS));
    ck_assert_ptr_null(pick(1, 2 * MS));
    ck_assert(!cs_tick(&s, 0, 3 * MS));
    ck_assert_uint_eq(d[0].nr_active + d[1].nr_active, 0);
    /* blocked -> offline, and a destroyed unit leaves no trace */
    cs_wake(&s, &u[2], 3 * MS);
    cs_sleep(&s, &u[2], false, 3 * MS);
    cs_sleep(&s, &u[2], true, 3 * MS);
    ck_assert_int_eq(u[2].state, CS_OFFLINE);
    cs_unit_destroy(&s, &u[2]);
    cs_wake(&s, &u[3], 3 * MS);
    cs_unit_destroy(&s, &u[3]); /* queued: dequeued */
    ck_assert_uint_eq(s.cpu[0].nr_queued, 0);
    ck_assert_uint_eq(d[3].nr_active, 0);
    ck_assert_ptr_null(pick(0, 4 * MS));
    /* Destroying a running unit is a bug. */
    cs_wake(&s, &u[4], 5 * MS);
    ck_assert_ptr_eq(pick(0, 5 * MS), &u[4]);
    ck_assert(SUPPORT_PANICS(cs_unit_destroy(&s, &u[4])));
}
END_TEST

START_TEST(test_idle_cpu_steals)
{
    struct cs_sched *ps = &s;

    /* Two hogs queued on CPU0 while CPU1 is still offline. */
    cs_init(ps);
    cs_cpu_online(ps, 0);
    cs_unit_init(ps, &u[0], &d[0], NULL, ~0ULL);
    cs_unit_init(ps, &u[1], &d[1], NULL, ~0ULL);
    cs_wake(ps, &u[0], 0);
    cs_wake(ps, &u[1], 0);
    ck_assert_uint_eq(ps->cpu[0].nr_queued, 2);
    cs_cpu_online(ps, 1);
    ck_assert(cs_tick(ps, 1, 0)); /* idle with stealable work */
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    ck_assert_ptr_eq(pick(1, 0), &u[1]);
    ck_assert_uint_eq(u[1].cpu, 1);
    ck_assert_uint_eq(ps->cpu[0].nr_queued + ps->cpu[1].nr_queued, 0);
}
END_TEST

START_TEST(test_steal_margin_and_affinity)
{
    cs_unit_init(&s, &u[0], &d[0], NULL, 1ULL << 0);
    cs_unit_init(&s, &u[1], &d[1], NULL, 1ULL << 0);
    cs_unit_init(&s, &u[2], &d[2], NULL, 1ULL << 1);
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[1], 0);
    cs_wake(&s, &u[2], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    ck_assert_ptr_eq(pick(1, 0), &u[2]);
    u[1].affinity = 3;
    /* u[1] waits on CPU0 with just under 1 ms more credit than u[2]: not worth a migration
     * (all picks at now = 0: nobody is charged). */
    u[1].credit = 5 * MS - 1;
    u[2].credit = 4 * MS;
    ck_assert_ptr_eq(pick(1, 0), &u[2]);
    /* 1 ms more: stolen. */
    u[1].credit = 5 * MS;
    u[2].credit = 4 * MS;
    ck_assert_ptr_eq(pick(1, 0), &u[1]);
    ck_assert_int_eq(u[2].state, CS_QUEUED);
    /* CPU0 may not take u[2] (affinity): it idles although CPU1's queue holds a unit. */
    cs_sleep(&s, &u[0], false, 0);
    ck_assert_ptr_null(pick(0, 0));
    ck_assert_uint_eq(u[2].cpu, 1);
    /* A boosted local unit is not passed over for a richer remote one. */
    cs_unit_init(&s, &u[3], &d[3], NULL, 1ULL << 0);
    u[3].state = CS_BLOCKED;
    u[3].credit = 1;
    ck_assert_int_eq(cs_wake(&s, &u[3], 0), 0);
    u[2].affinity = 3;
    u[2].credit = CS_CREDIT_INIT;
    ck_assert_ptr_eq(pick(0, 0), &u[3]);
}
END_TEST

START_TEST(test_wake_placement)
{
    struct cs_sched *ps = &s;

    cs_init(ps);
    for (unsigned int i = 0; i < 4; i++)
        cs_cpu_online(ps, i);
    for (int i = 0; i < 8; i++)
        cs_unit_init(ps, &u[i], &d[i % 4], NULL, 0xc); /* CPUs 2, 3 */
    ck_assert_uint_eq(u[0].cpu, 2);
    /* last CPU idle and allowed: preferred to a lower idle one */
    u[6].cpu = 3;
    ck_assert_int_eq(cs_wake(ps, &u[6], 0), 3);
    cs_sleep(ps, &u[6], false, 0);
    ck_assert_int_eq(cs_wake(ps, &u[0], 0), 2);
    /* CPU2 has work now: the lowest idle allowed CPU */
    ck_assert_int_eq(cs_wake(ps, &u[1], 0), 3);
    ck_assert_ptr_eq(pick(2, 0), &u[0]);
    ck_assert_ptr_eq(pick(3, 0), &u[1]);
    /* none idle: the last CPU (u[2]'s is 2) */
    ck_assert_int_eq(cs_wake(ps, &u[2], 0), -1);
    ck_assert_uint_eq(u[2].cpu, 2);
    /* last CPU not allowed (affinity changed while blocked): the least loaded allowed CPU */
    u[3].cpu = 0;
    ck_assert_int_eq(cs_wake(ps, &u[3], 0), -1);
    ck_assert_uint_eq(u[3].cpu, 3);
    /* offline CPUs in the mask are ignored; no online CPU allowed means any online CPU */
    cs_unit_init(ps, &u[4], &d[0], NULL, 1ULL << 40);
    ck_assert_uint_eq(u[4].cpu, 0);
    ck_assert_int_eq(cs_wake(ps, &u[4], 0), 0);
    cs_unit_init(ps, &u[5], &d[1], NULL, (1ULL << 40) | (1ULL << 1));
    ck_assert_int_eq(cs_wake(ps, &u[5], 0), 1);
}
END_TEST

START_TEST(test_set_affinity)
{
    cs_unit_init(&s, &u[0], &d[0], NULL, 1);
    cs_unit_init(&s, &u[1], &d[1], NULL, 1);
    cs_wake(&s, &u[0], 0);
    cs_wake(&s, &u[1], 0);
    ck_assert_ptr_eq(pick(0, 0), &u[0]);
    /* queued where it may no longer run: moved now, to the idle CPU1, which should pick */
    ck_assert_int_eq(cs_set_affinity(&s, &u[1], 2), 1);
    ck_assert_uint_eq(u[1].cpu, 1);
    ck_assert_ptr_eq(pick(1, 0), &u[1]);
    /* still allowed: nothing */
    ck_assert_int_eq(cs_set_affinity(&s, &u[1], 3), -1);
    /* running where it may no longer run: its CPU should reschedule; the pick moves it */
    ck_assert_int_eq(cs_set_affinity(&s, &u[0], 2), 0);
    ck_assert(cs_tick(&s, 0, 1000));
    ck_assert_ptr_null(pick(0, 1000));
    ck_assert_uint_eq(u[0].cpu, 1);
    ck_assert_int_eq(u[0].state, CS_QUEUED);
    ck_assert_uint_eq(s.resched, 0); /* CPU1 runs u[1], which u[0] does not preempt */
    /* moved to an idle CPU: that one is flagged in s->resched */
    cs_sleep(&s, &u[1], false, 2000);
    ck_assert_ptr_eq(pick(1, 2000), &u[0]);
    ck_assert_int_eq(cs_set_affinity(&s, &u[0], 1), 1);
    ck_assert_ptr_null(pick(1, 3000));
    ck_assert_uint_eq(s.resched, 1ULL << 0);
    ck_assert_ptr_eq(pick(0, 3000), &u[0]);
    /* blocked: takes effect at the next wake */
    cs_sleep(&s, &u[0], false, 4000);
    ck_assert_ptr_null(pick(0, 4000));
    ck_assert_int_eq(cs_set_affinity(&s, &u[0], 2), -1);
    ck_assert_int_eq(cs_wake(&s, &u[0], 5000), 1);
}
END_TEST

START_TEST(test_cap_parks_and_idle_slice)
{
    uint64_t slice;

    cs_dom_init(&d[0], 256, 50);
    cs_wake(&s, &u[0], 1 * MS);
    ck_assert_ptr_eq(cs_pick(&s, 0, 1 * MS, &slice), &u[0]);
    ck_assert_uint_eq(slice, 5 * MS); /* the budget */
    ck_assert(!cs_tick(&s, 0, 3 * MS));
    ck_assert(cs_tick(&s, 0, 6 * MS)); /* budget used up */
    ck_assert_ptr_null(cs_pick(&s, 0, 6 * MS, &slice));
    ck_assert_uint_eq(slice, 4 * MS); /* until the refill at 10 ms */
    ck_assert_ptr_null(cs_pick(&s, 1, 6 * MS, &slice));
    ck_assert_uint_eq(slice, UINT64_MAX); /* CPU1 may not run u[0] */
    ck_assert(!cs_tick(&s, 0, 9 * MS));
    ck_assert(cs_tick(&s, 0, 10 * MS));
    ck_assert_ptr_eq(cs_pick(&s, 0, 10 * MS, &slice), &u[0]);
    ck_assert_uint_eq(slice, 5 * MS);
    /* An overrun is debt: 1 ms over leaves 4 ms for the next period. */
    ck_assert(cs_tick(&s, 0, 16 * MS));
    ck_assert_ptr_null(cs_pick(&s, 0, 16 * MS, &slice));
    ck_assert_ptr_eq(cs_pick(&s, 0, 20 * MS, &slice), &u[0]);
    ck_assert_uint_eq(slice, 4 * MS);
    /* uncapped: no idle wake-ups */
    cs_sleep(&s, &u[0], false, 21 * MS);
    ck_assert_ptr_null(cs_pick(&s, 0, 21 * MS, &slice));
    ck_assert_uint_eq(slice, UINT64_MAX);
}
END_TEST

/* ---- simulations ---- */

START_TEST(test_sim_weights_one_cpu)
{
    struct sim_unit *a, *b;

    sim_init(1);
    cs_dom_init(&sim.dom[0], 256, 0);
    cs_dom_init(&sim.dom[1], 512, 0);
    a = sim_hog(0);
    b = sim_hog(1);
    sim_start_and_run(10 * SEC);
    ck_share("weight 256", share(a, 10 * SEC), 1.0 / 3, 0.02);
    ck_share("weight 512", share(b, 10 * SEC), 2.0 / 3, 0.02);
    ck_share("ratio 512:256", (double)b->runtime / (double)a->runtime, 2.0, 0.02);
}
END_TEST

START_TEST(test_sim_weights_two_cpus)
{
    struct sim_unit *a, *b, *c;

    sim_init(2);
    cs_dom_init(&sim.dom[0], 256, 0);
    cs_dom_init(&sim.dom[1], 256, 0);
    cs_dom_init(&sim.dom[2], 512, 0);
    a = sim_hog(0);
    b = sim_hog(1);
    c = sim_hog(2);
    sim_start_and_run(10 * SEC);
    ck_share("256 #1", share(a, 10 * SEC), 0.5, 0.05);
    ck_share("256 #2", share(b, 10 * SEC), 0.5, 0.05);
    ck_share("512", share(c, 10 * SEC), 1.0, 0.05);
}
END_TEST

/* Per-domain weights: a domain's CPU is in proportion to its weight, not to its vCPU count. */
START_TEST(test_sim_per_domain_weight)
{
    struct sim_unit *a1, *a2, *b;

    sim_init(1);
    cs_dom_init(&sim.dom[0], 256, 0);
    cs_dom_init(&sim.dom[1], 256, 0);
    a1 = sim_hog(0);
    a2 = sim_hog(0);
    b = sim_hog(1);
    sim_start_and_run(10 * SEC);
    ck_share("2 vCPUs, weight 256", share(a1, 10 * SEC) + share(a2, 10 * SEC), 0.5, 0.02);
    ck_share("1 vCPU, weight 256", share(b, 10 * SEC), 0.5, 0.02);
    ck_share("vCPU 1 of 2", share(a1, 10 * SEC), 0.25, 0.03);

    /* Weight 512 with 2 vCPUs against 256 with 1: 2:1 per domain (each vCPU as much as b). */
    sim_init(1);
    cs_dom_init(&sim.dom[0], 512, 0);
    cs_dom_init(&sim.dom[1], 256, 0);
    a1 = sim_hog(0);
    a2 = sim_hog(0);
    b = sim_hog(1);
    sim_start_and_run(10 * SEC);
    ck_share("2 vCPUs, weight 512", share(a1, 10 * SEC) + share(a2, 10 * SEC), 2.0 / 3, 0.02);
    ck_share("1 vCPU, weight 256", share(b, 10 * SEC), 1.0 / 3, 0.02);
}
END_TEST

START_TEST(test_sim_cap)
{
    struct sim_unit *c, *h;

    /* alone on its CPU */
    sim_init(1);
    cs_dom_init(&sim.dom[0], 256, 50);
    c = sim_hog(0);
    sim_start_and_run(10 * SEC);
    ck_share("cap 50 alone", share(c, 10 * SEC), 0.5, 0.02);

    /* next to a hog, with a weight that would give it 80% uncapped */
    sim_init(1);
    cs_dom_init(&sim.dom[0], 1024, 50);
    cs_dom_init(&sim.dom[1], 256, 0);
    c = sim_hog(0);
    h = sim_hog(1);
    sim_start_and_run(10 * SEC);
    ck_share("cap 50 next to a hog", share(c, 10 * SEC), 0.5, 0.02);
    ck_share("the hog", share(h, 10 * SEC), 0.5, 0.02);

    /* cap 30 at equal weight, two hogs on two CPUs beside it: still 30% */
    sim_init(2);
    cs_dom_init(&sim.dom[0], 256, 30);
    cs_dom_init(&sim.dom[1], 256, 0);
    cs_dom_init(&sim.dom[2], 256, 0);
    c = sim_hog(0);
    sim_hog(1);
    sim_hog(2);
    sim_start_and_run(10 * SEC);
    ck_share("cap 30 among hogs on 2 CPUs", share(c, 10 * SEC), 0.3, 0.02);
    ck_share("hogs", share(&sim.unit[1], 10 * SEC) + share(&sim.unit[2], 10 * SEC), 1.7, 0.02);
}
END_TEST

/* A blocked or offline unit is never on a CPU and burns no credit; woken, it runs again. */
START_TEST(test_sim_blocked_accrues_nothing)
{
    struct sim_unit *a, *b, *x;
    uint64_t rt;
    int64_t credit;

    sim_init(2);
    cs_dom_init(&sim.dom[0], 256, 0);
    cs_dom_init(&sim.dom[1], 256, 0);
    cs_dom_init(&sim.dom[2], 256, 0);
    a = sim_hog(0);
    b = sim_hog(1);
    x = sim_hog(2);
    sim_start_and_run(1 * SEC);
    for (int offline = 0; offline < 2; offline++) {
        sim_sleep(x, offline);
        rt = x->runtime;
        credit = x->u.credit;
        sim_run_until(sim.now + 1 * SEC);
        ck_assert_uint_eq(x->runtime, rt);
        ck_assert_int_eq(x->u.credit, credit);
        ck_assert_uint_eq(sim.dom[2].nr_active, 0);
        sim_wake(x);
        sim_run_until(sim.now + 1 * SEC);
        ck_assert_uint_gt(x->runtime, rt + 500 * MS);
    }
    ck_assert_uint_gt(a->runtime + b->runtime, 4 * SEC);
}
END_TEST

/*
 * Wake-to-run latency of an I/O-bound unit beside 2 hogs. The simulator's IPIs arrive at once, so
 * this is the latency the policy adds: measured 0 ns (every wake from blocked preempts at once).
 * Without the boost it is 5.3 ms, without the blocked units' reset catch-up 20.3 ms.
 */
START_TEST(test_sim_io_latency)
{
    struct sim_unit *io, *h1, *h2;
    static char report[128];

    sim_init(1);
    for (int i = 0; i < 3; i++)
        cs_dom_init(&sim.dom[i], 256, 0);
    h1 = sim_hog(0);
    io = sim_add(1, ~0ULL, 300000, 4700000); /* 0.3 ms of work every 5 ms */
    h2 = sim_hog(2);
    sim_start_and_run(10 * SEC);
    snprintf(report, sizeof(report), "io max wake-to-run latency %llu ns, runtime %llu ns in 10 s",
             (unsigned long long)io->max_latency, (unsigned long long)io->runtime);
    ck_assert_msg(io->max_latency < 1 * MS, "%s", report);
    ck_share("io unit gets all it asks for", share(io, 10 * SEC), 0.06, 0.01);
    ck_share("hogs share the rest", share(h1, 10 * SEC), 0.47, 0.02);
    ck_share("hogs share the rest", share(h2, 10 * SEC), 0.47, 0.02);
    printf("credit: %s\n", report);
}
END_TEST

/* Mixed affinities and I/O units on 4 CPUs (sim_check_pick asserts affinity on every pick). */
START_TEST(test_sim_affinity_never_violated)
{
    static const uint64_t aff[SIM_MAX_UNITS] = {0x1, 0x3, 0x6, 0xc, 0x8, 0xf, 1ULL << 50, 0x5};

    sim_init(4);
    for (int i = 0; i < SIM_MAX_DOMS; i++)
        cs_dom_init(&sim.dom[i], (uint16_t)(128 * (i + 1)), i == 3 ? 40 : 0);
    for (int i = 0; i < SIM_MAX_UNITS; i++)
        sim_add((unsigned int)i % SIM_MAX_DOMS, aff[i], i % 2 ? 700000 : 0,
                i % 2 ? 1300000 * (unsigned)i : 0);
    sim_start_and_run(2 * SEC);
    /* Change affinities under way; running and queued units move. */
    for (int i = 0; i < SIM_MAX_UNITS; i++) {
        int cpu = cs_set_affinity(&sim.s, &sim.unit[i].u, aff[(i + 3) % SIM_MAX_UNITS]);

        if (cpu >= 0)
            sim_pick((unsigned int)cpu);
    }
    sim_run_until(4 * SEC);
    for (int i = 0; i < SIM_MAX_UNITS; i++)
        ck_assert_uint_gt(sim.unit[i].runtime, 50 * MS);
    ck_assert_uint_gt(sim.picks, 1000);
}
END_TEST

/* ---- cs_pick's cost (not a test): `valgrind --tool=callgrind` on CK_RUN_CASE=bench ---- */

START_TEST(bench_pick_8_queued)
{
    uint64_t slice;

    for (int i = 0; i < 8; i++) {
        cs_unit_init(&s, &u[i], &d[i % 4], NULL, 1);
        u[i].credit = CS_CREDIT_INIT - i * 100000;
        cs_wake(&s, &u[i], 0);
    }
    for (uint64_t t = 1; t <= 100000; t++)
        cs_pick(&s, 0, t * 1000, &slice);
    ck_assert_uint_eq(s.cpu[0].nr_queued, 7);
}
END_TEST

static Suite *credit_suite(void)
{
    Suite *su = suite_create("credit");
    TCase *tc = tcase_create("rules");
    TCase *sims = tcase_create("sim");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_queue_order);
    tcase_add_test(tc, test_wake_running_or_queued_is_noop);
    tcase_add_test(tc, test_yield);
    tcase_add_test(tc, test_credit_reset_clamps);
    tcase_add_test(tc, test_blocked_catches_up_resets);
    tcase_add_test(tc, test_credit_burn_no_overflow);
    tcase_add_test(tc, test_boost_preempts_and_ends);
    tcase_add_test(tc, test_sleep_running_then_pick);
    tcase_add_test(tc, test_offline_never_picked);
    tcase_add_test(tc, test_idle_cpu_steals);
    tcase_add_test(tc, test_steal_margin_and_affinity);
    tcase_add_test(tc, test_wake_placement);
    tcase_add_test(tc, test_set_affinity);
    tcase_add_test(tc, test_cap_parks_and_idle_slice);
    suite_add_tcase(su, tc);
    tcase_add_checked_fixture(sims, support_reset, NULL);
    tcase_add_test(sims, test_sim_weights_one_cpu);
    tcase_add_test(sims, test_sim_weights_two_cpus);
    tcase_add_test(sims, test_sim_per_domain_weight);
    tcase_add_test(sims, test_sim_cap);
    tcase_add_test(sims, test_sim_blocked_accrues_nothing);
    tcase_add_test(sims, test_sim_io_latency);
    tcase_add_test(sims, test_sim_affinity_never_violated);
    suite_add_tcase(su, sims);
    /* Only when asked for by name (CK_RUN_CASE=bench): a cost measurement, not a check. */
    if (getenv("CK_RUN_CASE") && strcmp(getenv("CK_RUN_CASE"), "bench") == 0) {
        TCase *bench = tcase_create("bench");

        tcase_add_checked_fixture(bench, setup, NULL);
        tcase_add_test(bench, bench_pick_8_queued);
        suite_add_tcase(su, bench);
    }
    return su;
}

int main(void)
{
    SRunner *sr = srunner_create(credit_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
