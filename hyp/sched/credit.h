/* credit.h - the scheduling policy (credit2-like weighted fair share with caps, boost on wake,
 * per-CPU run queues, hard affinity) as pure functions over a struct cs_sched: no locks, no
 * hardware, no allocation, private to hyp/sched/. */
#ifndef HYP_SCHED_CREDIT_H
#define HYP_SCHED_CREDIT_H

#include "lib/lib.h"

/*
 * The policy, in short (details at each function in credit.c):
 *  - Fair share: a running unit burns credit at CS_WEIGHT_REF * nr_active / weight per ns, the
 *    weight being its domain's, shared among the domain's active units (credit1's per-domain
 *    semantics). Each CPU runs its best queued unit: boosted ones first (FIFO), then the most
 *    credit (FIFO among equals). When that unit has no credit left, the CPU resets: its units
 *    get CS_CREDIT_INIT more, clamped to CS_CREDIT_INIT.
 *  - Blocked units keep their credit and take part in their last CPU's resets as in credit2 (whose
 *    reset walks sleeping units too), lazily: on wake they get the resets they missed, clamped.
 *    So an I/O-bound unit, which uses little, wakes with credit and is boosted.
 *  - Boost: woken from blocked with credit > 0; preempts an unboosted unit; ends when the unit is
 *    descheduled or has run CS_BOOST_NS.
 *  - Caps: a capped domain may run cap% of each aligned CS_CAP_PERIOD_NS (overruns are debt on
 *    the next period); out of budget, its units stay queued but are skipped ("parked").
 *  - Stealing: a CPU takes a unit queued elsewhere if its own best is missing, or unboosted with
 *    CS_MIGRATE_MARGIN less credit, and the move does not unbalance the two CPUs' weighted loads
 *    (sum of weight / nr_active of their runnable units): per-CPU resets make credits on two CPUs
 *    comparable only roughly, and credit alone lets units trade places endlessly.
 *
 * Locking: none inside. The caller (sched.c) holds its one scheduler lock around every call, so
 * every field of every struct below is guarded by that lock. Time `now` is monotonic system time
 * in ns, passed in by the caller; nothing here reads a clock.
 *
 * Credit is counted in ns of CPU time at the reference weight: a unit of a domain of weight
 * CS_WEIGHT_REF with one active unit burns one credit per ns it runs.
 */
#define CS_MAX_CPUS 64
#define CS_WEIGHT_REF 256
#define CS_WEIGHT_DEFAULT 256
#define CS_CREDIT_INIT 10000000LL /* 10 ms worth of credit at weight CS_WEIGHT_REF */
/*
 * Slices: at most 10 ms, so that a context switch (a few us with the TLB and cache refill that
 * follow it) costs well under 1% of a CPU-bound unit's time; at least 1 ms, the resolution of
 * fairness between units whose credits are close (shorter slices would switch back and forth for
 * credit differences that are only noise) and the worst-case extra latency a non-boosted unit
 * adds. Both to be revisited once the lead has measured the real switch cost.
 */
#define CS_SLICE_NS 10000000ULL
#define CS_MIN_SLICE_NS 1000000ULL
/* A boosted unit stays boosted for at most this much running after its dispatch. */
#define CS_BOOST_NS 1000000ULL
/* Caps are enforced per aligned period of this length: budget = cap% of it. */
#define CS_CAP_PERIOD_NS 10000000ULL
/*
 * A CPU steals a queued unit from another CPU only if that unit has at least this much more credit
 * than its own best (1 ms of running at the reference weight): smaller differences are not worth
 * a migration's cold caches, and the margin keeps two CPUs from passing a unit back and forth.
 */
#define CS_MIGRATE_MARGIN 1000000LL

enum cs_state { CS_OFFLINE, CS_BLOCKED, CS_QUEUED, CS_RUNNING };

/* A domain: the weight and cap shared by its units. */
struct cs_dom {
    uint16_t weight;        /* 1..65535; the domain's, shared among its active units */
    uint16_t cap;           /* % of one CPU per CS_CAP_PERIOD_NS (may exceed 100), 0 = no cap */
    unsigned int nr_active; /* units QUEUED or RUNNING */
    int64_t budget;         /* capped: ns left in period budget_period; < 0 is debt */
    uint64_t budget_period; /* index (now / CS_CAP_PERIOD_NS) of the period budget is for */
};

/* A schedulable unit (one vCPU). Initialise with cs_unit_init; the rest is the module's. */
struct cs_unit {
    struct cs_dom *dom;
    void *owner; /* the vCPU, for the caller */
    enum cs_state state;
    unsigned int cpu;  /* queued/running on; blocked: last CPU */
    uint64_t affinity; /* hard affinity, bit n = CPU n */
    int64_t credit;    /* <= CS_CREDIT_INIT */
    bool boosted, yielded;
    uint64_t run_start;          /* running: last charge time */
    uint64_t dispatched;         /* running: when it last started running (boost expiry) */
    uint64_t resets_seen;        /* value of cpu[cpu].resets its credit includes */
    struct cs_unit *next, *prev; /* queue links */
};

/* One CPU and its run queue. */
struct cs_cpu {
    bool online;
    struct cs_unit *curr;        /* NULL: idle; may be BLOCKED/OFFLINE until the next cs_pick */
    struct cs_unit *head, *tail; /* boosted first (FIFO), then credit highest first (FIFO) */
    unsigned int nr_queued;
    uint64_t slice_end; /* when curr's slice ends (cs_tick) */
    uint64_t resets;    /* credit resets so far, in units of CS_CREDIT_INIT added */
};

struct cs_sched {
    struct cs_cpu cpu[CS_MAX_CPUS];
    uint64_t online; /* bit n: cpu[n].online */
    /*
     * CPUs that should call cs_pick soon for a reason no return value reported: cs_pick moved
     * a unit off a CPU its new affinity forbids onto one that is idle or that it preempts. The
     * caller kicks them and clears the bits.
     */
    uint64_t resched;
};

/* An empty scheduler with no CPU online. */
void cs_init(struct cs_sched *s);

/* CPU cpu (< CS_MAX_CPUS) comes online, idle, queue empty; the caller then cs_picks on it. */
void cs_cpu_online(struct cs_sched *s, unsigned int cpu);

/* A domain of weight (0 -> CS_WEIGHT_DEFAULT) and cap (% of one CPU, 0 = none), no active unit. */
void cs_dom_init(struct cs_dom *d, uint16_t weight, uint16_t cap);

/*
 * Make u a CS_OFFLINE unit of d with CS_CREDIT_INIT credit, the given hard affinity (CPU bits;
 * offline CPUs' bits are ignored; if none of the online CPUs is allowed, every online CPU is) and
 * owner. Its "last CPU" is the lowest allowed online CPU (0 if none is online yet).
 */
void cs_unit_init(struct cs_sched *s, struct cs_unit *u, struct cs_dom *d, void *owner,
                  uint64_t affinity);

/*
 * Make an offline or blocked unit runnable and queue it: on its last CPU if idle and allowed,
 * else the lowest idle allowed CPU, else its last CPU if allowed, else the allowed CPU with the
 * fewest queued units. A unit woken from CS_BLOCKED with credit > 0 is boosted. A unit still
 * current on its CPU (cs_sleep'd, no cs_pick since) just becomes CS_RUNNING there again.
 * Returns the CPU that should reschedule now (it is idle, or the unit is boosted and preempts
 * an unboosted current unit), or -1. A queued or running unit: nothing, -1.
 */
int cs_wake(struct cs_sched *s, struct cs_unit *u, uint64_t now);

/*
 * u blocks (to_offline: goes offline, for a vCPU taken down or a dying domain). From CS_QUEUED
 * it is dequeued; from CS_RUNNING it is charged up to now and stays its CPU's curr until the next
 * cs_pick there, which will not requeue it. From CS_BLOCKED, to_offline makes it CS_OFFLINE.
 */
void cs_sleep(struct cs_sched *s, struct cs_unit *u, bool to_offline, uint64_t now);

/* The running unit u goes behind all units of its class at the next cs_pick on its CPU (it still
 * runs if it is alone). A unit not running: nothing. */
void cs_yield(struct cs_sched *s, struct cs_unit *u);

/*
 * Reschedule CPU cpu (online) at now: charge curr for its run since run_start, requeue it if it
 * is still runnable, choose the next unit (possibly curr again, possibly stolen from another
 * CPU), mark it CS_RUNNING with run_start = now. Returns it, or NULL for idle. *slice_ns gets how
 * long it may run before the caller should call cs_tick or cs_pick again; for idle, the ns until
 * the next cap refill if a capped-out unit is queued on, or could be stolen by, this CPU, else
 * UINT64_MAX. May set bits in s->resched.
 */
struct cs_unit *cs_pick(struct cs_sched *s, unsigned int cpu, uint64_t now, uint64_t *slice_ns);

/*
 * Charge CPU cpu's current unit up to now. Returns true if cpu should cs_pick: its slice is over,
 * its domain's cap budget is used up, a better unit waits in its queue, or, idle, there is work
 * it could run.
 */
bool cs_tick(struct cs_sched *s, unsigned int cpu, uint64_t now);

/* Forget u for good: it must be CS_OFFLINE or CS_BLOCKED (or CS_QUEUED: dequeued first) and not
 * any CPU's curr (ASSERT). */
void cs_unit_destroy(struct cs_sched *s, struct cs_unit *u);

/*
 * Set u's hard affinity. A queued unit that may no longer run on its CPU moves now, per the wake
 * placement rules: returns its new CPU if that should reschedule (idle, or preempted by a boosted
 * u), else -1. A running unit that may no longer run where it is: returns that CPU, whose next
 * cs_pick moves it. Otherwise (including blocked units: next wake) -1.
 */
int cs_set_affinity(struct cs_sched *s, struct cs_unit *u, uint64_t affinity);

#endif /* HYP_SCHED_CREDIT_H */
