/*
 * sched_hog: a CPU-bound domain for the scheduler scenarios (sched_weights, sched_io,
 * crash_isolation). It spins on system time for `seconds=` (bootargs, default 3) and then
 * prints, from its own run-state accounting (VCPUOP_get_runstate_info on vCPU 0, the running
 * stint in progress included), how long it ran over that window:
 *     hog: running=<ns> elapsed=<ns> share=<permille>
 * The integration runner compares the figures of several hogs (weights, cap). The kernel checks
 * what holds on its own: the window lasted `seconds`, running time grew by no more than the
 * window, the run-state sums account for every nanosecond of it (running + runnable + blocked
 * + offline, within 1 ms), and the share is at least `min_share=` permille (default 1).
 */
#include "events.h"

const char test_title[] = "sched_hog: spin on system time, report running time";

/* Time in each state up to now: the stint in progress counts for the current state. */
static void runstate_now(struct vcpu_runstate_info *rs, uint64_t *now)
{
    long rc = ev_vcpu_runstate(0, rs);

    *now = ev_now();
    if (rc)
        xtf_panic("get_runstate_info(0) returned %ld", rc);
    if (rs->state < 0 || rs->state > RUNSTATE_offline)
        xtf_panic("runstate: state %d", rs->state);
    if (*now > rs->state_entry_time)
        rs->time[rs->state] += *now - rs->state_entry_time;
}

static uint64_t sum4(const struct vcpu_runstate_info *rs)
{
    return rs->time[0] + rs->time[1] + rs->time[2] + rs->time[3];
}

static uint64_t diff(uint64_t a, uint64_t b)
{
    return a > b ? a - b : b - a;
}

void test_main(void)
{
    uint64_t seconds = ev_cmdline_num("seconds", 3), min_share = ev_cmdline_num("min_share", 1);
    struct vcpu_runstate_info rs0, rs1;
    uint64_t t0, t1, running, elapsed, accounted;

    runstate_now(&rs0, &t0);
    if (rs0.state != RUNSTATE_running)
        xtf_failure("runstate of the running vCPU 0: state %d, not running", rs0.state);
    ev_spin_until(0, t0 + seconds * NS_PER_S);
    runstate_now(&rs1, &t1);
    running = rs1.time[RUNSTATE_running] - rs0.time[RUNSTATE_running];
    elapsed = t1 - t0;
    accounted = sum4(&rs1) - sum4(&rs0);
    printk("hog: running=%lu elapsed=%lu share=%lu runnable=%lu blocked=%lu offline=%lu\n",
           (unsigned long)running, (unsigned long)elapsed,
           (unsigned long)(running * 1000 / elapsed),
           (unsigned long)(rs1.time[RUNSTATE_runnable] - rs0.time[RUNSTATE_runnable]),
           (unsigned long)(rs1.time[RUNSTATE_blocked] - rs0.time[RUNSTATE_blocked]),
           (unsigned long)(rs1.time[RUNSTATE_offline] - rs0.time[RUNSTATE_offline]));
    if (elapsed < seconds * NS_PER_S)
        xtf_failure("spun %lu ns, less than %lu s", (unsigned long)elapsed,
                    (unsigned long)seconds);
    if (running > elapsed + NS_PER_MS)
        xtf_failure("running time grew by %lu ns in %lu ns", (unsigned long)running,
                    (unsigned long)elapsed);
    if (diff(accounted, elapsed) > NS_PER_MS)
        xtf_failure("the run-state times grew by %lu ns in %lu ns of system time",
                    (unsigned long)accounted, (unsigned long)elapsed);
    if (running * 1000 < min_share * elapsed)
        xtf_failure("ran %lu ns of %lu ns: below %lu permille", (unsigned long)running,
                    (unsigned long)elapsed, (unsigned long)min_share);
    xtf_success();
}
