/*
 * timer_virq: a domain's timers, run-state accounting and a second vCPU (scenario timer_virq:
 * one domain, 2 vCPUs). With VIRQ_TIMER bound on vCPU 0 (port masked, waited for with
 * SCHEDOP_poll):
 * - set_timer_op at now + 1..20 ms, three times over: every VIRQ arrives, never before its
 *   deadline; `bench timer_lateness median=<ns> ns n=<k> max=<ns> ns` (wake - deadline).
 * - VCPUOP_set_singleshot_timer: VCPU_SSHOTTMR_future with a deadline in the past is -ETIME
 *   and raises nothing; in the future it fires at its deadline; without the flag, a deadline in
 *   the past fires at once. set_timer_op(0) cancels a pending deadline.
 * - VCPUOP_set_periodic_timer of 5 ms gives 100 events (90-101) in 500 ms, and none after
 *   stop_periodic_timer; a period below 1 ms is -EINVAL.
 * - get_runstate_info: the state times plus the stint in progress grow exactly as system time
 *   (within 1 %) over 50 ms that hold 20 ms of polling without ports, which shows as blocked
 *   time (at least 19 ms, at most the poll's duration); vCPU 1 is offline and its offline time
 *   grows until it comes up.
 * - vCPU 1 brought up (VCPUOP_initialise on the boot page tables, VCPUOP_up): both vCPUs read
 *   system time from their own vcpu_time_info for 200 ms and publish it; each reading is at
 *   least the other vCPU's latest published one (time is monotonic across vCPUs). Then vCPU 1
 *   takes itself down (VCPUOP_down) and is_up says 0. A second initialise is -EEXIST.
 */
#include "events.h"

const char test_title[] = "timer_virq: VIRQ_TIMER, singleshot and periodic timers, runstate, vCPU 1";

#define NR_PASSES 3
#define NR_DEADLINES 20
#define WAIT_NS NS_PER_S           /* a timer 1 s late counts as never */
#define PERIOD_NS (5 * NS_PER_MS)
#define NR_PERIODS 100
#define CROSS_NS (200 * NS_PER_MS) /* how long both vCPUs compare their clocks */

static evtchn_port_t tport;

/*
 * Wait for the VIRQ: system time at the wake, or 0 if none came within WAIT_NS or the poll
 * ended only at its timeout with the VIRQ pending (a lost wake-up, reported here).
 */
static uint64_t wait_virq(void)
{
    switch (ev_wait_port(tport, ev_now() + WAIT_NS)) {
    case EV_WAIT_EVENT:
        return ev_now();
    case EV_WAIT_LATE:
        xtf_failure("VIRQ_TIMER pending when the 1 s poll timed out: lost wake-up");
        return 0;
    default:
        return 0;
    }
}

/* Nothing raised within ns: true. */
static bool quiet_for(uint64_t ns)
{
    ev_poll(&tport, 1, ev_now() + ns);
    return !ev_test_and_clear_pending(tport);
}

static void check_set_timer_op(void)
{
    static uint64_t late[NR_PASSES * NR_DEADLINES];
    unsigned int n = 0;

    for (unsigned int pass = 0; pass < NR_PASSES; pass++)
        for (unsigned int ms = 1; ms <= NR_DEADLINES; ms++) {
            uint64_t deadline = ev_now() + ms * NS_PER_MS, wake;
            long rc = hc_set_timer_op(deadline);

            if (rc) {
                xtf_failure("set_timer_op(now + %u ms) returned %ld", ms, rc);
                return;
            }
            if (!(wake = wait_virq())) {
                xtf_failure("set_timer_op(now + %u ms): no VIRQ_TIMER within 1 s", ms);
                return;
            }
            if (wake < deadline) {
                xtf_failure("set_timer_op(now + %u ms): VIRQ_TIMER %lu ns before the deadline",
                            ms, (unsigned long)(deadline - wake));
                return;
            }
            late[n++] = wake - deadline;
        }
    {
        uint64_t median = ev_median(late, n);

        printk("bench timer_lateness median=%lu ns n=%u max=%lu ns\n", (unsigned long)median, n,
               (unsigned long)late[n - 1]);
    }
}

static void check_cancel(void)
{
    hc_set_timer_op(ev_now() + 10 * NS_PER_MS);
    hc_set_timer_op(0);
    if (!quiet_for(30 * NS_PER_MS))
        xtf_failure("set_timer_op(0) did not cancel a deadline 10 ms ahead");
}

static void check_singleshot(void)
{
    uint64_t now = ev_now(), deadline, wake;
    long rc = ev_set_singleshot(0, now - NS_PER_MS, VCPU_SSHOTTMR_future);

    if (rc != -XEN_ETIME)
        xtf_failure("set_singleshot_timer(now - 1 ms, future) returned %ld, wanted -ETIME (%d)",
                    rc, -XEN_ETIME);
    if (!quiet_for(20 * NS_PER_MS))
        xtf_failure("set_singleshot_timer(past, future) -ETIME still raised VIRQ_TIMER");

    deadline = ev_now() + 5 * NS_PER_MS;
    rc = ev_set_singleshot(0, deadline, VCPU_SSHOTTMR_future);
    if (rc)
        xtf_failure("set_singleshot_timer(now + 5 ms, future) returned %ld", rc);
    else if (!(wake = wait_virq()))
        xtf_failure("set_singleshot_timer(now + 5 ms): no VIRQ_TIMER within 1 s");
    else if (wake < deadline)
        xtf_failure("set_singleshot_timer(now + 5 ms): VIRQ_TIMER %lu ns early",
                    (unsigned long)(deadline - wake));

    rc = ev_set_singleshot(0, ev_now() - NS_PER_MS, 0);
    if (rc)
        xtf_failure("set_singleshot_timer(now - 1 ms, no flag) returned %ld, wanted 0", rc);
    else if (!wait_virq())
        xtf_failure("set_singleshot_timer(now - 1 ms, no flag): no VIRQ_TIMER within 1 s");
}

static void check_periodic(void)
{
    uint64_t start, end, last = 0;
    unsigned int count = 0;
    long rc = ev_set_periodic(0, NS_PER_MS - 1);

    if (rc != -XEN_EINVAL)
        xtf_failure("set_periodic_timer(999,999 ns) returned %ld, wanted -EINVAL", rc);
    start = ev_now();
    end = start + NR_PERIODS * PERIOD_NS;
    if ((rc = ev_set_periodic(0, PERIOD_NS)) != 0) {
        xtf_failure("set_periodic_timer(5 ms) returned %ld", rc);
        return;
    }
    while (ev_now() < end + PERIOD_NS / 2) {   /* the 100th event is due at end */
        ev_poll(&tport, 1, end + PERIOD_NS / 2);
        if (ev_test_and_clear_pending(tport)) {
            count++;
            last = ev_now();
        }
    }
    rc = ev_stop_periodic(0);
    printk("periodic 5 ms: %u events in %lu ms, the last %lu us after the 100th period\n", count,
           (unsigned long)((last - start) / NS_PER_MS),
           (unsigned long)(last > end ? (last - end) / 1000 : 0));
    if (rc)
        xtf_failure("stop_periodic_timer returned %ld", rc);
    if (count < NR_PERIODS * 9 / 10 || count > NR_PERIODS + 1)
        xtf_failure("periodic 5 ms timer: %u events in %u periods", count, NR_PERIODS);
    ev_test_and_clear_pending(tport); /* one may have come between the last poll and the stop */
    if (!quiet_for(20 * NS_PER_MS))
        xtf_failure("VIRQ_TIMER after stop_periodic_timer");
}

/* The state times up to now: the stint in progress counts for the current state. */
static uint64_t runstate_total(unsigned int vcpu, struct vcpu_runstate_info *rs, uint64_t *now)
{
    long rc = ev_vcpu_runstate(vcpu, rs);

    *now = ev_now();
    if (rc) {
        xtf_failure("get_runstate_info(%u) returned %ld", vcpu, rc);
        return 0;
    }
    if (*now > rs->state_entry_time && rs->state >= 0 && rs->state <= RUNSTATE_offline)
        rs->time[rs->state] += *now - rs->state_entry_time;
    return rs->time[0] + rs->time[1] + rs->time[2] + rs->time[3];
}

static void check_runstate(void)
{
    struct vcpu_runstate_info a, b, v1a, v1b;
    uint64_t ta, tb, t1a, t1b, sa = runstate_total(0, &a, &ta), sb, s1a, s1b, grew, blocked;
    uint64_t poll_start, poll_ns;

    s1a = runstate_total(1, &v1a, &t1a);
    if (a.state != RUNSTATE_running)
        xtf_failure("runstate of vCPU 0 (calling): state %d, not running", a.state);
    if (sa > ta)
        xtf_failure("runstate of vCPU 0: %lu ns accounted at system time %lu",
                    (unsigned long)sa, (unsigned long)ta);
    poll_start = ev_now();
    ev_poll(NULL, 0, poll_start + 20 * NS_PER_MS);        /* 20 ms blocked */
    poll_ns = ev_now() - poll_start;
    ev_spin_until(0, ta + 50 * NS_PER_MS);
    sb = runstate_total(0, &b, &tb);
    s1b = runstate_total(1, &v1b, &t1b);
    grew = sb - sa;
    blocked = b.time[RUNSTATE_blocked] - a.time[RUNSTATE_blocked];
    printk("runstate v0 over %lu us: +%lu us accounted, running +%lu us, blocked +%lu us, "
           "runnable +%lu us\n", (unsigned long)((tb - ta) / 1000), (unsigned long)(grew / 1000),
           (unsigned long)((b.time[RUNSTATE_running] - a.time[RUNSTATE_running]) / 1000),
           (unsigned long)(blocked / 1000),
           (unsigned long)((b.time[RUNSTATE_runnable] - a.time[RUNSTATE_runnable]) / 1000));
    if (grew * 100 < (tb - ta) * 99 || grew * 100 > (tb - ta) * 101)
        xtf_failure("runstate of vCPU 0: the state times grew by %lu ns in %lu ns",
                    (unsigned long)grew, (unsigned long)(tb - ta));
    if (blocked < 19 * NS_PER_MS || blocked > poll_ns + NS_PER_MS)
        xtf_failure("runstate of vCPU 0: blocked time grew by %lu ns over a 20 ms poll that "
                    "took %lu ns", (unsigned long)blocked, (unsigned long)poll_ns);
    if (v1b.state != RUNSTATE_offline)
        xtf_failure("runstate of vCPU 1 (never up): state %d, not offline", v1b.state);
    if (s1b - s1a < (t1b - t1a) * 99 / 100 ||
        v1b.time[RUNSTATE_offline] - v1a.time[RUNSTATE_offline] < (t1b - t1a) * 99 / 100)
        xtf_failure("runstate of vCPU 1: offline time grew by %lu ns in %lu ns",
                    (unsigned long)(v1b.time[RUNSTATE_offline] - v1a.time[RUNSTATE_offline]),
                    (unsigned long)(t1b - t1a));
}

/* ---- vCPU 1 ---------------------------------------------------------------------------------- */

static volatile uint64_t published[2];  /* each vCPU's latest system-time reading */
static volatile uint64_t backwards[2];  /* readings below the other vCPU's published one */
static volatile uint64_t reads[2];
static volatile uint64_t worst[2];      /* the largest such difference, ns */
static volatile bool v1_started, v1_done;
static uint64_t cross_end;
static uint8_t v1_stack[16384] __attribute__((aligned(16)));

/* Read time on vcpu, compare with the other vCPU's latest, publish, until cross_end. */
static void cross_check(unsigned int vcpu)
{
    uint64_t t;

    do {
        uint64_t other = published[!vcpu];

        __asm__ volatile("" ::: "memory");
        t = ev_system_time(vcpu);
        if (t < other) {
            backwards[vcpu]++;
            if (other - t > worst[vcpu])
                worst[vcpu] = other - t;
        }
        published[vcpu] = t;
        reads[vcpu]++;
    } while (t < cross_end);
}

static void vcpu1_main(unsigned int vcpu, void *arg)
{
    (void)arg;
    v1_started = true;
    cross_check(vcpu);
    v1_done = true;
    ev_vcpu_down_self(vcpu);
}

static void check_vcpu1(void)
{
    const char *what;
    uint64_t wait_end;
    long rc;

    cross_end = ev_now() + 5 * NS_PER_S;   /* pushed back once vCPU 1 runs */
    rc = ev_vcpu_start(1, vcpu1_main, NULL, v1_stack, sizeof(v1_stack), &what);
    if (rc) {
        xtf_failure("vCPU 1: VCPUOP_%s returned %ld", what, rc);
        return;
    }
    wait_end = ev_now() + NS_PER_S;
    while (!v1_started && ev_now() < wait_end)
        ;
    if (!v1_started) {
        xtf_failure("vCPU 1: up, but did not run within 1 s (is_up %ld)",
                    hc_vcpu_op(VCPUOP_is_up, 1, NULL));
        return;
    }
    cross_end = ev_now() + CROSS_NS;
    cross_check(0);
    wait_end = ev_now() + NS_PER_S;
    while (!v1_done && ev_now() < wait_end)
        ;
    printk("vCPU 0: %lu reads, %lu behind vCPU 1 (worst %lu ns); vCPU 1: %lu reads, %lu behind "
           "vCPU 0 (worst %lu ns)\n", (unsigned long)reads[0], (unsigned long)backwards[0],
           (unsigned long)worst[0], (unsigned long)reads[1], (unsigned long)backwards[1],
           (unsigned long)worst[1]);
    if (!v1_done)
        xtf_failure("vCPU 1 did not finish its 200 ms of reads within 1 s");
    if (backwards[0] || backwards[1])
        xtf_failure("system time went back across vCPUs: %lu + %lu readings (worst %lu ns)",
                    (unsigned long)backwards[0], (unsigned long)backwards[1],
                    (unsigned long)(worst[0] > worst[1] ? worst[0] : worst[1]));
    if (reads[1] < 100)
        xtf_failure("vCPU 1 made only %lu readings in 200 ms", (unsigned long)reads[1]);
    wait_end = ev_now() + NS_PER_S;
    while ((rc = hc_vcpu_op(VCPUOP_is_up, 1, NULL)) == 1 && ev_now() < wait_end)
        ev_yield();
    if (rc != 0)
        xtf_failure("vCPU 1 still up 1 s after its VCPUOP_down (is_up %ld)", rc);
    rc = ev_vcpu_start(1, vcpu1_main, NULL, v1_stack, sizeof(v1_stack), &what);
    if (rc != -XEN_EEXIST)
        xtf_failure("vCPU 1: a second VCPUOP_initialise returned %ld (%s), wanted -EEXIST", rc,
                    what);
}

void test_main(void)
{
    long rc;

    ev_stop_periodic(0);                 /* Xen starts PV vCPUs with a 10 ms periodic timer */
    if ((rc = ev_bind_virq(VIRQ_TIMER, 0, &tport)) != 0) {
        xtf_failure("bind_virq(VIRQ_TIMER, vCPU 0) returned %ld", rc);
        return;
    }
    ev_mask(tport);
    ev_test_and_clear_pending(tport);
    printk("VIRQ_TIMER of vCPU 0 on port %u\n", tport);
    check_runstate();
    check_set_timer_op();
    check_cancel();
    check_singleshot();
    check_periodic();
    check_vcpu1();
    xtf_success();
}
