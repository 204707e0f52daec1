/* credit.c - the scheduling policy: credit, caps, boost, run queues, placement and stealing. */
#include "sched/credit.h"

/*
 * Credit floor and the largest single charge: far from INT64_MIN, so that credit - burn and
 * credit - CS_MIGRATE_MARGIN never overflow, yet ~73 years of running at the reference weight.
 */
#define CS_CREDIT_SPAN (INT64_MAX / 4)
#define CS_CREDIT_MIN (-CS_CREDIT_SPAN)

static uint64_t cs_bit(unsigned int cpu)
{
    return 1ULL << cpu;
}

/* ---- domains: weight and cap budget ---- */

/* The ns a capped domain may run per period. */
static int64_t cs_dom_full_budget(const struct cs_dom *d)
{
    return (int64_t)((uint64_t)d->cap * CS_CAP_PERIOD_NS / 100);
}

/*
 * Bring d's budget to now's period: a new period gives a full budget, minus any debt left from
 * the period before (a slice overran the budget), so that the cap holds on average.
 */
static void cs_dom_refill(struct cs_dom *d, uint64_t now)
{
    uint64_t period = now / CS_CAP_PERIOD_NS;

    if (d->cap == 0 || period <= d->budget_period)
        return;
    d->budget = MIN(d->budget, 0) + cs_dom_full_budget(d);
    d->budget_period = period;
}

/* True if d is capped and has used up its budget for now's period (its units are parked). */
static bool cs_dom_is_parked(struct cs_dom *d, uint64_t now)
{
    if (d->cap == 0)
        return false;
    cs_dom_refill(d, now);
    return d->budget <= 0;
}

/*
 * Charge the run [start, now) to d's budget ns for ns. A run that crosses into a new period
 * charges each side to its own period; periods wholly inside the run (the caller did not tick for
 * a whole period) are not charged beyond the debt carried by cs_dom_refill.
 */
static void cs_dom_charge_budget(struct cs_dom *d, uint64_t start, uint64_t now)
{
    uint64_t boundary;

    if (d->cap == 0 || now <= start)
        return;
    cs_dom_refill(d, start);
    boundary = (start / CS_CAP_PERIOD_NS + 1) * CS_CAP_PERIOD_NS;
    if (now > boundary) {
        d->budget -= (int64_t)(boundary - start);
        cs_dom_refill(d, now);
        start = now - now % CS_CAP_PERIOD_NS;
    }
    d->budget -= (int64_t)(now - start);
}

/*
 * Credit burnt by running ns: ns * CS_WEIGHT_REF * nr_active / weight. The weight is the
 * domain's, divided among its active units: credit1's per-domain semantics, so a domain gets CPU
 * in proportion to its weight however many vCPUs it runs (one CPU-bound vCPU of a weight-512
 * domain gets twice the CPU of one of a weight-256 domain; two of a weight-512 domain get as much
 * together as that one). Split into quotient and remainder so nothing overflows 64 bits
 * (mul <= 2^40, remainder * mul < 2^56); saturates at CS_CREDIT_SPAN.
 */
static int64_t cs_burn(const struct cs_dom *d, uint64_t ns)
{
    uint64_t mul = (uint64_t)CS_WEIGHT_REF * MAX(d->nr_active, 1u);
    uint64_t q = ns / d->weight, r = ns % d->weight;

    if (q > (uint64_t)CS_CREDIT_SPAN / mul)
        return CS_CREDIT_SPAN;
    return (int64_t)MIN(q * mul + r * mul / d->weight, (uint64_t)CS_CREDIT_SPAN);
}

/* The inverse of cs_burn: how long u may run to burn credit, at most CS_SLICE_NS. */
static uint64_t cs_credit_to_ns(const struct cs_unit *u, int64_t credit)
{
    uint64_t mul = (uint64_t)CS_WEIGHT_REF * MAX(u->dom->nr_active, 1u);
    uint64_t q, r;

    if (credit <= 0)
        return 0;
    q = (uint64_t)credit / mul;
    r = (uint64_t)credit % mul;
    if (q >= CS_SLICE_NS)
        return CS_SLICE_NS;
    return MIN(q * u->dom->weight + r * u->dom->weight / mul, CS_SLICE_NS);
}

/* Add m * CS_CREDIT_INIT to u's credit, then clamp it to CS_CREDIT_INIT (no hoarding). */
static void cs_credit_add(struct cs_unit *u, uint64_t m)
{
    uint64_t room = (uint64_t)(CS_CREDIT_INIT - u->credit);

    if (m > room / CS_CREDIT_INIT)
        u->credit = CS_CREDIT_INIT;
    else
        u->credit += (int64_t)(m * CS_CREDIT_INIT);
}

/* ---- units ---- */

/* The CPUs u may run on: its affinity's online CPUs, or every online CPU if there are none. */
static uint64_t cs_allowed(const struct cs_sched *s, const struct cs_unit *u)
{
    uint64_t a = u->affinity & s->online;

    return a ? a : s->online;
}

static bool cs_may_run_on(const struct cs_sched *s, const struct cs_unit *u, unsigned int cpu)
{
    return (cs_allowed(s, u) & cs_bit(cpu)) != 0;
}

/* True if u may be picked on cpu at now: allowed there, domain not out of cap budget. */
static bool cs_is_eligible(const struct cs_sched *s, struct cs_unit *u, unsigned int cpu,
                           uint64_t now)
{
    return cs_may_run_on(s, u, cpu) && !cs_dom_is_parked(u->dom, now);
}

/*
 * Charge the running u for [run_start, now): credit, cap budget, boost expiry. The boost ends
 * once u has run CS_BOOST_NS since its dispatch.
 */
static void cs_charge(struct cs_unit *u, uint64_t now)
{
    uint64_t ns = now > u->run_start ? now - u->run_start : 0;
    int64_t credit = u->credit - cs_burn(u->dom, ns);

    u->credit = MAX(credit, CS_CREDIT_MIN);
    cs_dom_charge_budget(u->dom, u->run_start, now);
    u->run_start = MAX(u->run_start, now);
    if (u->boosted && now - u->dispatched >= CS_BOOST_NS)
        u->boosted = false;
}

/*
 * Credit resets of u's CPU that happened while u was blocked or offline: applied at once on
 * wake. Blocked units take part in their CPU's resets as in credit2, where a reset walks every
 * unit of the run queue, sleeping or not; lazily here, since blocked units sit on no list.
 */
static void cs_credit_catch_up(const struct cs_sched *s, struct cs_unit *u)
{
    uint64_t missed = s->cpu[u->cpu].resets - u->resets_seen;

    if (missed)
        cs_credit_add(u, missed);
    u->resets_seen = s->cpu[u->cpu].resets;
}

/* ---- run queues ---- */

/* True if a, being inserted, goes before the queued b: boosted first, then more credit. */
static bool cs_goes_before(const struct cs_unit *a, const struct cs_unit *b)
{
    if (a->boosted != b->boosted)
        return a->boosted;
    return !a->boosted && a->credit > b->credit;
}

/* True if a belongs to a class after b's (unboosted after boosted). */
static bool cs_class_after(const struct cs_unit *a, const struct cs_unit *b)
{
    return !a->boosted && b->boosted;
}

static void cs_link_before(struct cs_cpu *c, struct cs_unit *u, struct cs_unit *at)
{
    u->next = at;
    u->prev = at ? at->prev : c->tail;
    if (u->prev)
        u->prev->next = u;
    else
        c->head = u;
    if (at)
        at->prev = u;
    else
        c->tail = u;
}

/*
 * Queue u on cpu in order (FIFO among equals); behind_class: behind every unit of its class
 * whatever their credit (yield). u's credit is up to date with cpu's resets from now on.
 */
static void cs_enqueue(struct cs_sched *s, unsigned int cpu, struct cs_unit *u, bool behind_class)
{
    struct cs_cpu *c = &s->cpu[cpu];
    struct cs_unit *at = c->head;

    while (at && (behind_class ? !cs_class_after(at, u) : !cs_goes_before(u, at)))
        at = at->next;
    cs_link_before(c, u, at);
    c->nr_queued++;
    u->cpu = cpu;
    u->state = CS_QUEUED;
    u->resets_seen = c->resets;
}

static void cs_dequeue(struct cs_sched *s, struct cs_unit *u)
{
    struct cs_cpu *c = &s->cpu[u->cpu];

    if (u->prev)
        u->prev->next = u->next;
    else
        c->head = u->next;
    if (u->next)
        u->next->prev = u->prev;
    else
        c->tail = u->prev;
    u->next = u->prev = NULL;
    c->nr_queued--;
}

/* The first unit in the queue of cpu `from` that may be picked on cpu `to` at now, or NULL. */
static struct cs_unit *cs_first_eligible(struct cs_sched *s, unsigned int from, unsigned int to,
                                         uint64_t now)
{
    struct cs_unit *u;

    for (u = s->cpu[from].head; u; u = u->next)
        if (cs_is_eligible(s, u, to, now))
            return u;
    return NULL;
}

/* True if a comes before b in queue order (b may be NULL: anything beats nothing). */
static bool cs_is_better(const struct cs_unit *a, const struct cs_unit *b)
{
    if (!b)
        return true;
    if (a->boosted != b->boosted)
        return a->boosted;
    return a->credit > b->credit;
}

/*
 * The load u puts on its CPU: its share of its domain's weight (scaled by 2^16 so that shares of
 * a domain split among up to 2^16 units stay distinct).
 */
static uint64_t cs_unit_load(const struct cs_unit *u)
{
    return ((uint64_t)u->dom->weight << 16) / MAX(u->dom->nr_active, 1u);
}

/* The weighted load of cpu: the loads of its running unit and of every unit queued there. */
static uint64_t cs_cpu_load(const struct cs_sched *s, unsigned int cpu)
{
    const struct cs_cpu *c = &s->cpu[cpu];
    uint64_t load = 0;

    if (c->curr && c->curr->state == CS_RUNNING)
        load += cs_unit_load(c->curr);
    for (const struct cs_unit *u = c->head; u; u = u->next)
        load += cs_unit_load(u);
    return load;
}

/*
 * The first unit in the queue of cpu `from` that cpu `to`, of load to_load, may pick at now and
 * may take without making the loads of the two CPUs further apart (to_load + the unit's load <=
 * from's load; an idle CPU may take any), or NULL.
 */
static struct cs_unit *cs_first_stealable(struct cs_sched *s, unsigned int from, unsigned int to,
                                          uint64_t to_load, uint64_t now)
{
    uint64_t from_load = cs_cpu_load(s, from);

    for (struct cs_unit *u = s->cpu[from].head; u; u = u->next)
        if (to_load + cs_unit_load(u) <= from_load && cs_is_eligible(s, u, to, now))
            return u;
    return NULL;
}

/*
 * The best unit queued on another online CPU that cpu may steal at now, or NULL.
 *
 * Credit alone cannot decide which units move: every CPU resets its own units' credit, at its own
 * pace, so credits on two CPUs are comparable only roughly (stealing by credit alone gives
 * domains of weight 256/256/512 on 2 CPUs 0.60/0.60/0.80 CPU instead of 0.5/0.5/1.0, as units
 * keep trading places). A unit therefore moves only if that does not unbalance the CPUs' weighted
 * loads; among such moves, credit picks the unit and whether the move is worth it.
 */
static struct cs_unit *cs_best_remote(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    uint64_t load = UINT64_MAX; /* computed when first needed */
    struct cs_unit *best = NULL;

    for (uint64_t m = s->online & ~cs_bit(cpu); m; m &= m - 1) {
        unsigned int i = (unsigned int)__builtin_ctzll(m);
        struct cs_unit *u;

        if (!s->cpu[i].head)
            continue;
        if (load == UINT64_MAX)
            load = cs_cpu_load(s, cpu);
        u = cs_first_stealable(s, i, cpu, load, now);
        if (u && cs_is_better(u, best))
            best = u;
    }
    return best;
}

/* True if a unit that cpu `to` could run is queued on cpu `from` but parked at now. */
static bool cs_queue_has_parked(struct cs_sched *s, unsigned int from, unsigned int to,
                                uint64_t now)
{
    for (struct cs_unit *u = s->cpu[from].head; u; u = u->next)
        if (cs_dom_is_parked(u->dom, now) && cs_may_run_on(s, u, to))
            return true;
    return false;
}

/* True if a parked unit is queued on cpu or, if also_remote, could be stolen by cpu. */
static bool cs_has_parked(struct cs_sched *s, unsigned int cpu, bool also_remote, uint64_t now)
{
    if (cs_queue_has_parked(s, cpu, cpu, now))
        return true;
    for (uint64_t m = also_remote ? s->online & ~cs_bit(cpu) : 0; m; m &= m - 1)
        if (cs_queue_has_parked(s, (unsigned int)__builtin_ctzll(m), cpu, now))
            return true;
    return false;
}

/* ns from now to the next cap period, when parked units get budget again. */
static uint64_t cs_ns_to_refill(uint64_t now)
{
    return CS_CAP_PERIOD_NS - now % CS_CAP_PERIOD_NS;
}

/* ---- placement ---- */

/* True if cpu runs nothing (or only a unit that has just blocked) and has nothing to pick. */
static bool cs_cpu_is_idle(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    struct cs_unit *curr = s->cpu[cpu].curr;

    if (curr && curr->state == CS_RUNNING)
        return false;
    return cs_first_eligible(s, cpu, cpu, now) == NULL;
}

/* The allowed CPU with the fewest queued units (the lowest on ties). */
static unsigned int cs_least_loaded(const struct cs_sched *s, uint64_t allowed)
{
    unsigned int best = CS_MAX_CPUS;

    for (unsigned int i = 0; i < CS_MAX_CPUS; i++)
        if ((allowed & cs_bit(i)) &&
            (best == CS_MAX_CPUS || s->cpu[i].nr_queued < s->cpu[best].nr_queued))
            best = i;
    return best;
}

/*
 * Where u goes when it becomes runnable: its last CPU if idle and allowed (warm cache), else the
 * lowest idle allowed CPU, else its last CPU if allowed, else the least loaded allowed CPU.
 */
static unsigned int cs_place(struct cs_sched *s, const struct cs_unit *u, uint64_t now)
{
    uint64_t allowed = cs_allowed(s, u);

    ASSERT(allowed != 0);
    if ((allowed & cs_bit(u->cpu)) && cs_cpu_is_idle(s, u->cpu, now))
        return u->cpu;
    for (unsigned int i = 0; i < CS_MAX_CPUS; i++)
        if ((allowed & cs_bit(i)) && cs_cpu_is_idle(s, i, now))
            return i;
    if (allowed & cs_bit(u->cpu))
        return u->cpu;
    return cs_least_loaded(s, allowed);
}

/* True if u, just queued on its CPU, should make that CPU reschedule now. */
static bool cs_wants_resched(const struct cs_sched *s, const struct cs_unit *u)
{
    const struct cs_unit *curr = s->cpu[u->cpu].curr;

    if (!curr || curr->state != CS_RUNNING)
        return true;
    return u->boosted && !curr->boosted;
}

/* Queue u where cs_place says; returns that CPU if it should reschedule now, else -1. */
static int cs_place_and_queue(struct cs_sched *s, struct cs_unit *u, uint64_t now)
{
    unsigned int cpu = cs_place(s, u, now);

    cs_enqueue(s, cpu, u, false);
    return cs_wants_resched(s, u) ? (int)cpu : -1;
}

/* ---- interface ---- */

void cs_init(struct cs_sched *s)
{
    memset(s, 0, sizeof(*s));
}

void cs_cpu_online(struct cs_sched *s, unsigned int cpu)
{
    ASSERT(cpu < CS_MAX_CPUS);
    s->cpu[cpu].online = true;
    s->online |= cs_bit(cpu);
}

void cs_dom_init(struct cs_dom *d, uint16_t weight, uint16_t cap)
{
    memset(d, 0, sizeof(*d));
    d->weight = weight ? weight : CS_WEIGHT_DEFAULT;
    d->cap = cap;
    d->budget = cs_dom_full_budget(d);
}

void cs_unit_init(struct cs_sched *s, struct cs_unit *u, struct cs_dom *d, void *owner,
                  uint64_t affinity)
{
    uint64_t allowed;

    memset(u, 0, sizeof(*u));
    u->dom = d;
    u->owner = owner;
    u->state = CS_OFFLINE;
    u->affinity = affinity;
    u->credit = CS_CREDIT_INIT;
    allowed = cs_allowed(s, u);
    u->cpu = allowed ? (unsigned int)__builtin_ctzll(allowed) : 0;
    u->resets_seen = s->cpu[u->cpu].resets;
}

/* A blocked unit still current on its CPU (no cs_pick since cs_sleep) runs on there. */
static int cs_wake_curr(struct cs_unit *u, uint64_t now)
{
    u->dom->nr_active++;
    u->state = CS_RUNNING;
    u->boosted = u->credit > 0;
    u->run_start = now;
    u->dispatched = now;
    return (int)u->cpu;
}

int cs_wake(struct cs_sched *s, struct cs_unit *u, uint64_t now)
{
    bool was_blocked = u->state == CS_BLOCKED;

    if (u->state == CS_QUEUED || u->state == CS_RUNNING)
        return -1;
    cs_credit_catch_up(s, u);
    if (s->cpu[u->cpu].curr == u)
        return cs_wake_curr(u, now);
    u->dom->nr_active++;
    u->boosted = was_blocked && u->credit > 0;
    u->yielded = false;
    return cs_place_and_queue(s, u, now);
}

void cs_sleep(struct cs_sched *s, struct cs_unit *u, bool to_offline, uint64_t now)
{
    enum cs_state to = to_offline ? CS_OFFLINE : CS_BLOCKED;

    if (u->state == CS_OFFLINE || u->state == CS_BLOCKED) {
        if (to_offline)
            u->state = CS_OFFLINE;
        return;
    }
    if (u->state == CS_QUEUED)
        cs_dequeue(s, u);
    else
        cs_charge(u, now); /* while it still counts in nr_active */
    ASSERT(u->dom->nr_active > 0);
    u->dom->nr_active--;
    u->state = to;
    u->boosted = false;
    u->yielded = false;
}

void cs_yield(struct cs_sched *s, struct cs_unit *u)
{
    (void)s;
    if (u->state == CS_RUNNING)
        u->yielded = true;
}

/*
 * Take cpu's curr off it at now: charge it; requeue it if still runnable (behind its class if it
 * yielded; onto an allowed CPU, per placement, if its affinity no longer allows this one).
 * Returns it, or NULL if there was none.
 */
static struct cs_unit *cs_put_prev(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    struct cs_unit *prev = s->cpu[cpu].curr;

    s->cpu[cpu].curr = NULL;
    if (!prev || prev->state != CS_RUNNING)
        return prev;
    cs_charge(prev, now);
    if (cs_may_run_on(s, prev, cpu)) {
        cs_enqueue(s, cpu, prev, prev->yielded);
    } else {
        prev->boosted = false;
        if (cs_place_and_queue(s, prev, now) >= 0)
            s->resched |= cs_bit(prev->cpu);
    }
    prev->yielded = false;
    return prev;
}

/*
 * Move u from its queue to cpu's (a steal). Its credit moves with it: every CPU burns and resets
 * credit by the same rules, so credits on different CPUs measure the same thing (how far a unit
 * is behind its share) closely enough to compare, up to CS_MIGRATE_MARGIN.
 */
static void cs_migrate(struct cs_sched *s, struct cs_unit *u, unsigned int cpu)
{
    cs_dequeue(s, u);
    cs_enqueue(s, cpu, u, false);
}

/*
 * The unit cpu should run next, left in cpu's queue: its best eligible unit, unless that is
 * missing, or unboosted with credit <= the best stealable unit's minus CS_MIGRATE_MARGIN: then
 * that unit, stolen.
 */
static struct cs_unit *cs_choose(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    struct cs_unit *local = cs_first_eligible(s, cpu, cpu, now);
    struct cs_unit *remote;

    if (local && local->boosted)
        return local;
    remote = cs_best_remote(s, cpu, now);
    if (remote && (!local || local->credit <= remote->credit - CS_MIGRATE_MARGIN)) {
        cs_migrate(s, remote, cpu);
        return remote;
    }
    return local;
}

/*
 * Credit reset of cpu, when the unit it would pick has credit best <= 0: every unit queued there
 * (the one that was running is requeued by now) gets enough CS_CREDIT_INITs for that unit to be
 * positive again (one, unless it ran far past its slice), clamped to CS_CREDIT_INIT. Blocked units
 * of cpu get theirs when they wake (cs_credit_catch_up). The clamp keeps a unit from hoarding
 * credit while others use up theirs, and keeps the queue's order.
 */
static void cs_credit_reset(struct cs_sched *s, unsigned int cpu, int64_t best)
{
    struct cs_cpu *c = &s->cpu[cpu];
    uint64_t m = 1 + (uint64_t)(-best) / CS_CREDIT_INIT;

    c->resets += m;
    for (struct cs_unit *u = c->head; u; u = u->next) {
        cs_credit_add(u, m);
        u->resets_seen = c->resets;
    }
}

/* prev, just descheduled from cpu (next runs instead), loses its boost: requeue it unboosted. */
static void cs_end_boost(struct cs_sched *s, struct cs_unit *prev)
{
    prev->boosted = false;
    if (prev->state == CS_QUEUED) {
        unsigned int cpu = prev->cpu;

        cs_dequeue(s, prev);
        cs_enqueue(s, cpu, prev, false);
    }
}

/*
 * How long next (just dequeued to run on cpu) may run: until its credit falls to that of the best
 * unit still waiting on cpu, within [CS_MIN_SLICE_NS, CS_SLICE_NS]; boosted, at most
 * CS_BOOST_NS; capped, at most its domain's budget; and no later than the next cap refill if a
 * parked unit waits on cpu.
 */
static uint64_t cs_slice(struct cs_sched *s, unsigned int cpu, struct cs_unit *next, uint64_t now)
{
    struct cs_unit *wait = cs_first_eligible(s, cpu, cpu, now);
    uint64_t slice = CS_SLICE_NS;

    if (wait) {
        slice = cs_credit_to_ns(next, next->credit - wait->credit);
        slice = MAX(slice, CS_MIN_SLICE_NS);
    }
    if (next->boosted) {
        uint64_t boosted_for = MIN(now - next->dispatched, CS_BOOST_NS - 1);

        slice = MIN(slice, CS_BOOST_NS - boosted_for);
    }
    if (next->dom->cap)
        slice = MIN(slice, (uint64_t)next->dom->budget);
    if (cs_has_parked(s, cpu, false, now))
        slice = MIN(slice, cs_ns_to_refill(now));
    return slice;
}

/* The slice of an idle cpu: until the next cap refill if that may give it work, else forever. */
static uint64_t cs_idle_slice(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    return cs_has_parked(s, cpu, true, now) ? cs_ns_to_refill(now) : UINT64_MAX;
}

struct cs_unit *cs_pick(struct cs_sched *s, unsigned int cpu, uint64_t now, uint64_t *slice_ns)
{
    struct cs_cpu *c = &s->cpu[cpu];
    struct cs_unit *prev, *next;

    ASSERT(cpu < CS_MAX_CPUS && c->online);
    prev = cs_put_prev(s, cpu, now);
    next = cs_choose(s, cpu, now);
    if (next && next->credit <= 0)
        cs_credit_reset(s, cpu, next->credit);
    if (prev && prev != next && prev->boosted)
        cs_end_boost(s, prev);
    if (!next) {
        *slice_ns = cs_idle_slice(s, cpu, now);
        c->slice_end = UINT64_MAX;
        return NULL;
    }
    cs_dequeue(s, next);
    next->state = CS_RUNNING;
    next->run_start = now;
    if (next != prev)
        next->dispatched = now;
    c->curr = next;
    *slice_ns = cs_slice(s, cpu, next, now);
    c->slice_end = now + *slice_ns;
    return next;
}

/* True if idle cpu has a unit it could pick at now, queued locally or stealable. */
static bool cs_has_work(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    return cs_first_eligible(s, cpu, cpu, now) || cs_best_remote(s, cpu, now);
}

bool cs_tick(struct cs_sched *s, unsigned int cpu, uint64_t now)
{
    struct cs_unit *curr = s->cpu[cpu].curr;
    struct cs_unit *wait;

    if (!curr)
        return cs_has_work(s, cpu, now);
    if (curr->state != CS_RUNNING)
        return true;
    cs_charge(curr, now);
    if (now >= s->cpu[cpu].slice_end || cs_dom_is_parked(curr->dom, now) ||
        !cs_may_run_on(s, curr, cpu))
        return true;
    wait = cs_first_eligible(s, cpu, cpu, now);
    return wait && cs_goes_before(wait, curr);
}

void cs_unit_destroy(struct cs_sched *s, struct cs_unit *u)
{
    ASSERT(u->state != CS_RUNNING && s->cpu[u->cpu].curr != u);
    if (u->state == CS_QUEUED) {
        cs_dequeue(s, u);
        u->dom->nr_active--;
    }
    u->state = CS_OFFLINE;
    u->dom = NULL;
}

int cs_set_affinity(struct cs_sched *s, struct cs_unit *u, uint64_t affinity)
{
    u->affinity = affinity;
    if (cs_may_run_on(s, u, u->cpu))
        return -1;
    if (u->state == CS_RUNNING)
        return (int)u->cpu;
    if (u->state != CS_QUEUED)
        return -1;
    cs_dequeue(s, u);
    /*
     * No `now` here: placement judges caps by the budgets as last refilled (time 0 refills
     * nothing), so a CPU whose queue holds only units of a domain out of budget in the period
     * that just ended may look busy. The unit still lands on an allowed CPU; stealing evens out.
     */
    return cs_place_and_queue(s, u, 0);
}
