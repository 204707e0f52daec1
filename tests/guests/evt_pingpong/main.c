/*
 * evt_pingpong: one interdomain event channel, bounced between two domains (scenarios
 * evt_pingpong and evt_pingpong_smp). The role comes from the domain's bootargs:
 *   role=pong peer=<ping's domid>  allocates an unbound port for the peer (alloc_unbound) and
 *                                  answers every event with one event;
 *   role=ping peer=<pong's domid>  binds to that port (bind_interdomain, retried with yields
 *                                  until pong has allocated it: pong allocates one port, so
 *                                  ports 1..8 are tried), then sends and waits, rounds times.
 * Both keep their port masked and wait with SCHEDOP_poll (which returns for a masked pending
 * port), clearing the pending bit after each wake. A poll that ends at its 2 s timeout with the
 * port pending is a lost wake-up, a failure. No event may be lost or spare: each side
 * receives exactly `rounds` events, checked against the count, and nothing is pending at the
 * end. ping times batches of 1000 round trips with system time and prints
 * `bench <bench=> median=<ns> ns n=<rounds> mean=<ns> ns max_batch=<ns> ns`: the median of the
 * batch averages, the overall mean and the slowest batch's average.
 */
#include "events.h"

const char test_title[] = "evt_pingpong: interdomain event channel round trips";

#define BATCH 1000
#define MAX_BATCHES 1000
#define WAIT_NS (2 * NS_PER_S)         /* a round trip takes microseconds: 2 s means lost */

static uint64_t rounds;
static unsigned int peer;

/*
 * Wait up to ns for event nth on port; false after reporting a failure: nothing came, or the
 * poll ended only at its timeout although the event was there (a lost wake-up).
 */
static bool wait_event(const char *who, evtchn_port_t port, uint64_t ns, uint64_t nth)
{
    switch (ev_wait_port(port, ev_now() + ns)) {
    case EV_WAIT_EVENT:
        return true;
    case EV_WAIT_LATE:
        xtf_failure("%s: event %lu on port %u was pending when the poll timed out after %lu ms: "
                    "lost wake-up", who, (unsigned long)nth, port,
                    (unsigned long)(ns / NS_PER_MS));
        return false;
    default:
        xtf_failure("%s: no event %lu on port %u within %lu ms", who, (unsigned long)nth, port,
                    (unsigned long)(ns / NS_PER_MS));
        return false;
    }
}

/* While ping is bound: our port is interdomain, connected to ping's domain. */
static void check_status(evtchn_port_t port)
{
    struct evtchn_status st;
    long rc = ev_status(DOMID_SELF, port, &st);

    if (rc || st.status != EVTCHNSTAT_interdomain || st.u.interdomain.dom != peer)
        xtf_failure("pong: status of port %u: rc %ld, status %u, remote d%u (wanted "
                    "interdomain to d%u)", port, rc, st.status, st.u.interdomain.dom, peer);
}

static void pong(void)
{
    evtchn_port_t port;
    uint64_t received = 0, sent = 0;
    long rc = ev_alloc_unbound(DOMID_SELF, (uint16_t)peer, &port);

    if (rc) {
        xtf_failure("alloc_unbound(self, remote d%u) returned %ld", peer, rc);
        return;
    }
    ev_mask(port);
    printk("pong: port %u allocated for d%u\n", port, peer);
    while (received < rounds) {
        /* The first event waits for ping to be built and to bind: 10 s. */
        if (!wait_event("pong", port, received ? WAIT_NS : 10 * NS_PER_S, received + 1))
            return;
        received++;
        if (received == 1)
            check_status(port);  /* ping is bound, and waits for this answer */
        if ((rc = ev_send(port)) != 0) {
            xtf_failure("pong: send %lu on port %u returned %ld", (unsigned long)sent + 1, port,
                        rc);
            return;
        }
        sent++;
    }
    printk("pong: %lu events received, %lu sent\n", (unsigned long)received,
           (unsigned long)sent);
    if (ev_is_pending(port))
        xtf_failure("pong: port %u pending after the last round: a spare event", port);
}

/* Bind to pong's port, which may not exist yet: retry for up to 10 s. */
static bool ping_bind(evtchn_port_t *local)
{
    uint64_t end = ev_now() + 10 * NS_PER_S;
    unsigned int tries = 0;
    long rc = 0;

    while (ev_now() < end) {
        for (evtchn_port_t p = 1; p <= 8; p++) {
            tries++;
            rc = ev_bind_interdomain((uint16_t)peer, p, local);
            if (rc == 0) {
                printk("ping: port %u bound to d%u port %u after %u tries\n", *local, peer, p,
                       tries);
                return true;
            }
            if (rc != -XEN_EINVAL && rc != -XEN_ESRCH) {
                xtf_failure("ping: bind_interdomain(d%u, %u) returned %ld", peer, p, rc);
                return false;
            }
        }
        ev_yield();
    }
    xtf_failure("ping: no port of d%u to bind within 10 s (%u tries, last rc %ld)", peer, tries,
                rc);
    return false;
}

static void ping(void)
{
    static uint64_t batch_ns[MAX_BATCHES];
    char bench[64];
    evtchn_port_t port;
    uint64_t received = 0, sent = 0, nr_batches = rounds / BATCH, start, mean, median;
    long rc;

    if (!ping_bind(&port))
        return;
    ev_mask(port);
    /* bind_interdomain makes the new local port pending (Xen does, for events sent before). */
    if (!ev_test_and_clear_pending(port))
        printk("ping: note: port %u was not pending after the bind\n", port);
    start = ev_now();
    for (uint64_t b = 0; b < nr_batches; b++) {
        uint64_t t0 = ev_now();

        for (unsigned int i = 0; i < BATCH; i++) {
            if ((rc = ev_send(port)) != 0) {
                xtf_failure("ping: send %lu on port %u returned %ld", (unsigned long)sent + 1,
                            port, rc);
                return;
            }
            sent++;
            if (!wait_event("ping", port, WAIT_NS, sent))
                return;
            received++;
        }
        batch_ns[b] = (ev_now() - t0) / BATCH;
    }
    printk("ping: %lu events sent, %lu received\n", (unsigned long)sent,
           (unsigned long)received);
    if (ev_is_pending(port))
        xtf_failure("ping: port %u pending after the last round: a spare event", port);
    ev_cmdline_str("bench", bench, sizeof(bench));
    mean = (ev_now() - start) / sent;
    median = ev_median(batch_ns, (unsigned int)nr_batches); /* sorts batch_ns */
    printk("bench %s median=%lu ns n=%lu mean=%lu ns max_batch=%lu ns\n",
           bench[0] ? bench : "evtchn_rtt", (unsigned long)median, (unsigned long)sent,
           (unsigned long)mean, (unsigned long)batch_ns[nr_batches - 1]);
}

void test_main(void)
{
    char role[8];

    ev_cmdline_str("role", role, sizeof(role));
    peer = (unsigned int)ev_cmdline_num("peer", 0);
    rounds = ev_cmdline_num("rounds", 100000);
    if (rounds < BATCH || rounds > (uint64_t)BATCH * MAX_BATCHES || rounds % BATCH) {
        xtf_error("rounds=%lu: not a multiple of %u up to %u", (unsigned long)rounds, BATCH,
                  BATCH * MAX_BATCHES);
        return;
    }
    if (!peer || peer >= DOMID_FIRST_RESERVED) {
        xtf_error("bootargs \"%s\": no peer=<domid>", (const char *)xtf_start_info->cmd_line);
        return;
    }
    if (!strcmp(role, "pong"))
        pong();
    else if (!strcmp(role, "ping"))
        ping();
    else {
        xtf_error("bootargs \"%s\": role must be ping or pong",
                  (const char *)xtf_start_info->cmd_line);
        return;
    }
    xtf_success();
}
