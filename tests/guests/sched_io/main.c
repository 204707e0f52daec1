/*
 * sched_io: a domain that mostly waits, for the scheduler scenarios (bootargs mode=):
 *   mode=sleep seconds=<s> (default 3): one SCHEDOP_poll without ports and a timeout s seconds
 *     ahead. It must not wake before the timeout, and it must have run for less than 1 % of the
 *     time (its run-state accounting); prints `sleeper: running=<ns> elapsed=<ns> blocked=<ns>`.
 *   mode=io rounds=<n> (default 500): n polls without ports, each with a timeout 1 ms ahead, as
 *     an I/O-bound task next to CPU hogs; none may wake early; prints
 *     `bench <bench=> median=<ns> ns max=<ns> ns n=<n>` of the wake-up lateness (wake time -
 *     timeout), and `io: ... running=<ns> elapsed=<ns>`.
 */
#include "events.h"

const char test_title[] = "sched_io: block in SCHEDOP_poll, report CPU use and wake-up lateness";

#define MAX_ROUNDS 2000

static uint64_t running_now(uint64_t *now)
{
    struct vcpu_runstate_info rs;
    long rc = ev_vcpu_runstate(0, &rs);

    *now = ev_now();
    if (rc)
        xtf_panic("get_runstate_info(0) returned %ld", rc);
    if (rs.state == RUNSTATE_running && *now > rs.state_entry_time)
        rs.time[RUNSTATE_running] += *now - rs.state_entry_time;
    return rs.time[RUNSTATE_running];
}

static void sleeper(void)
{
    uint64_t seconds = ev_cmdline_num("seconds", 3), t0, t1, r0, r1, deadline;
    struct vcpu_runstate_info rs0, rs1;
    long rc;

    r0 = running_now(&t0);
    ev_vcpu_runstate(0, &rs0);
    deadline = t0 + seconds * NS_PER_S;
    rc = ev_poll(NULL, 0, deadline);
    r1 = running_now(&t1);
    ev_vcpu_runstate(0, &rs1);
    printk("sleeper: running=%lu elapsed=%lu blocked=%lu\n", (unsigned long)(r1 - r0),
           (unsigned long)(t1 - t0),
           (unsigned long)(rs1.time[RUNSTATE_blocked] - rs0.time[RUNSTATE_blocked]));
    if (rc)
        xtf_failure("poll(no ports, %lu s) returned %ld", (unsigned long)seconds, rc);
    if (t1 < deadline)
        xtf_failure("poll(no ports) returned %lu ns before its timeout",
                    (unsigned long)(deadline - t1));
    if ((r1 - r0) * 100 >= t1 - t0)
        xtf_failure("ran %lu ns of %lu ns while blocked: 1 %% or more",
                    (unsigned long)(r1 - r0), (unsigned long)(t1 - t0));
}

static void io(void)
{
    static uint64_t late[MAX_ROUNDS];
    uint64_t rounds = ev_cmdline_num("rounds", 500), t0, t1, r0, r1, median;
    char bench[64];

    if (rounds == 0 || rounds > MAX_ROUNDS) {
        xtf_error("rounds=%lu: not 1..%u", (unsigned long)rounds, MAX_ROUNDS);
        return;
    }
    r0 = running_now(&t0);
    for (unsigned int i = 0; i < rounds; i++) {
        uint64_t deadline = ev_now() + NS_PER_MS, wake;
        long rc = ev_poll(NULL, 0, deadline);

        wake = ev_now();
        if (rc) {
            xtf_failure("poll(no ports, 1 ms) returned %ld", rc);
            return;
        }
        if (wake < deadline) {
            xtf_failure("poll %u returned %lu ns before its timeout", i,
                        (unsigned long)(deadline - wake));
            return;
        }
        late[i] = wake - deadline;
    }
    r1 = running_now(&t1);
    median = ev_median(late, (unsigned int)rounds); /* sorts late[] */
    ev_cmdline_str("bench", bench, sizeof(bench));
    printk("io: %lu polls of 1 ms in %lu ms, running=%lu elapsed=%lu\n", (unsigned long)rounds,
           (unsigned long)((t1 - t0) / NS_PER_MS), (unsigned long)(r1 - r0),
           (unsigned long)(t1 - t0));
    printk("bench %s median=%lu ns max=%lu ns n=%lu\n", bench[0] ? bench : "wake_latency",
           (unsigned long)median, (unsigned long)late[rounds - 1], (unsigned long)rounds);
}

void test_main(void)
{
    char mode[8];

    ev_cmdline_str("mode", mode, sizeof(mode));
    if (!strcmp(mode, "sleep"))
        sleeper();
    else if (!strcmp(mode, "io"))
        io();
    else {
        xtf_error("bootargs \"%s\": mode must be sleep or io",
                  (const char *)xtf_start_info->cmd_line);
        return;
    }
    xtf_success();
}
