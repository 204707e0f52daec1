/*
 * evt_hostile: event_channel_op with wrong ports, foreign domains and too many ports (scenario
 * evt_hostile). Two roles, from the bootargs:
 *   role=owner victim=<id> attacker=<id>: allocates a port for domain `victim` (which does not
 *     exist: Xen allows it) and then one for `attacker`; waits for an event from the attacker,
 *     then checks the victim's port is still unbound and waiting for the victim.
 *   role=attacker owner=<id> (in a domain with max-evtchn-port = <31>): the hostile calls below
 *     (each must give Xen's error and change nothing), port exhaustion (31 ports, then
 *     -ENOSPC; after a close the freed port is allocated again), then binds to the owner's port
 *     for it (retrying until the owner has allocated it: that port comes after the victim's),
 *     checks that every other port of the owner (the victim's among them) refuses the bind,
 *     and sends the owner an event: the domain still works.
 */
#include "events.h"

const char test_title[] = "evt_hostile: event channel errors, foreign ports, port exhaustion";

#define LIMIT 31                /* the attacker's max-evtchn-port */
/*
 * A port far above the limit: Xen refuses ports beyond its allocated buckets (64 ports at
 * first) but answers status and unmask of a port between max-evtchn-port and there (closed, 0);
 * Hearth refuses everything above the limit. Port 1000 is refused by both.
 */
#define FAR_PORT 1000
#define WAIT_NS (20 * NS_PER_S)

struct hostile_case {
    const char *what;
    long (*op)(void);
    long want;
};

static unsigned int owner, victim, attacker;

/* ---- the attacker's hostile calls -------------------------------------------------------- */

static long send_free(void) { return ev_send(5); }
static long send_above_limit(void) { return ev_send(LIMIT + 1); }
static long send_far_above_limit(void) { return ev_send(FAR_PORT); }
static long send_beyond_2l(void) { return ev_send(EVTCHN_2L_NR_PORTS); }
static long close_port0(void) { return ev_close(0); }
static long close_free(void) { return ev_close(7); }
static long unmask_far_above_limit(void) { return ev_unmask(FAR_PORT); }
static long status_far_above_limit(void)
{
    struct evtchn_status st;

    return ev_status(DOMID_SELF, FAR_PORT, &st);
}
static long virq_out_of_range(void)
{
    evtchn_port_t p;

    return ev_bind_virq(NR_VIRQS, 0, &p);
}
static long virq_no_vcpu(void)
{
    evtchn_port_t p;

    return ev_bind_virq(VIRQ_TIMER, 1, &p);
}
static long ipi_no_vcpu(void)
{
    evtchn_port_t p;

    return ev_bind_ipi(1, &p);
}
static long bind_no_domain(void)
{
    evtchn_port_t p;

    return ev_bind_interdomain(42, 1, &p);
}
static long foreign_alloc(void)
{
    evtchn_port_t p;

    return ev_alloc_unbound((uint16_t)owner, (uint16_t)attacker, &p);
}
static long foreign_status(void)
{
    struct evtchn_status st;

    return ev_status((uint16_t)owner, 1, &st);
}
static long foreign_reset(void) { return ev_reset((uint16_t)owner); }
static long fifo_init_control(void)
{
    uint8_t arg[24] = { 0 };

    return hc_event_channel_op(EVTCHNOP_init_control, arg);
}

static const struct hostile_case cases[] = {
    { "send on a free port (5)", send_free, -XEN_EINVAL },
    { "send above max-evtchn-port (32)", send_above_limit, -XEN_EINVAL },
    { "send on port 1000", send_far_above_limit, -XEN_EINVAL },
    { "send on port 4096", send_beyond_2l, -XEN_EINVAL },
    { "close port 0", close_port0, -XEN_EINVAL },
    { "close a free port (7)", close_free, -XEN_EINVAL },
    { "unmask port 1000", unmask_far_above_limit, -XEN_EINVAL },
    { "status of port 1000", status_far_above_limit, -XEN_EINVAL },
    { "bind_virq(NR_VIRQS)", virq_out_of_range, -XEN_EINVAL },
    { "bind_virq(VIRQ_TIMER, vCPU 1 of 1)", virq_no_vcpu, -XEN_ENOENT },
    { "bind_ipi(vCPU 1 of 1)", ipi_no_vcpu, -XEN_ENOENT },
    { "bind_interdomain(d42, 1): no such domain", bind_no_domain, -XEN_ESRCH },
    { "alloc_unbound in the owner's domain", foreign_alloc, -XEN_EPERM },
    { "status of the owner's port 1", foreign_status, -XEN_EPERM },
    { "reset of the owner's ports", foreign_reset, -XEN_EPERM },
    { "init_control (FIFO ABI)", fifo_init_control, -XEN_ENOSYS },
};

/* Nothing may be left allocated by the hostile calls: ports 1..LIMIT all closed. */
static void check_all_closed(const char *after)
{
    for (evtchn_port_t p = 1; p <= LIMIT; p++) {
        struct evtchn_status st;
        long rc = ev_status(DOMID_SELF, p, &st);

        if (rc || st.status != EVTCHNSTAT_closed) {
            xtf_failure("after %s: port %u has status %u (rc %ld), wanted closed", after, p,
                        st.status, rc);
            return;
        }
    }
}

static void check_table(void)
{
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        long rc = cases[i].op();

        if (rc != cases[i].want)
            xtf_failure("%s returned %ld, wanted %ld", cases[i].what, rc, cases[i].want);
    }
    check_all_closed("the hostile calls");
}

/* A closed port refuses send and a second close; an unbound one drops sends (0), as Xen. */
static void check_closed_and_unbound(void)
{
    evtchn_port_t p;
    long rc = ev_alloc_unbound(DOMID_SELF, (uint16_t)owner, &p);

    if (rc) {
        xtf_failure("alloc_unbound(self, d%u) returned %ld", owner, rc);
        return;
    }
    if ((rc = ev_send(p)) != 0)
        xtf_failure("send on an unbound port returned %ld, wanted 0 (dropped)", rc);
    if (ev_is_pending(p))
        xtf_failure("send on an unbound port made it pending");
    if ((rc = ev_close(p)) != 0)
        xtf_failure("close of unbound port %u returned %ld", p, rc);
    if ((rc = ev_send(p)) != -XEN_EINVAL)
        xtf_failure("send on closed port %u returned %ld, wanted -EINVAL", p, rc);
    if ((rc = ev_close(p)) != -XEN_EINVAL)
        xtf_failure("second close of port %u returned %ld, wanted -EINVAL", p, rc);
}

/* VIRQ_TIMER binds once per vCPU; its port refuses send. */
static void check_virq_port(void)
{
    evtchn_port_t p, q;
    long rc = ev_bind_virq(VIRQ_TIMER, 0, &p);

    if (rc) {
        xtf_failure("bind_virq(VIRQ_TIMER, 0) returned %ld", rc);
        return;
    }
    if ((rc = ev_bind_virq(VIRQ_TIMER, 0, &q)) != -XEN_EEXIST)
        xtf_failure("second bind_virq(VIRQ_TIMER, 0) returned %ld, wanted -EEXIST", rc);
    if ((rc = ev_send(p)) != -XEN_EINVAL)
        xtf_failure("send on the VIRQ port returned %ld, wanted -EINVAL", rc);
    ev_close(p);
    check_all_closed("the VIRQ checks");
}

/* Ports 1..LIMIT, lowest first, then -ENOSPC; a closed one is handed out again. */
static void check_exhaustion(void)
{
    evtchn_port_t p;
    unsigned int count = 0;
    long rc;

    while ((rc = ev_alloc_unbound(DOMID_SELF, DOMID_SELF, &p)) == 0) {
        count++;
        if (p != count) {
            xtf_failure("allocation %u got port %u, wanted %u (lowest free)", count, p, count);
            return;
        }
        if (count > LIMIT)
            break;
    }
    printk("attacker: %u ports allocated, then %ld\n", count, rc);
    if (count != LIMIT || rc != -XEN_ENOSPC) {
        xtf_failure("max-evtchn-port 31: %u ports, then %ld (wanted 31, then -ENOSPC %d)", count,
                    rc, -XEN_ENOSPC);
        return;
    }
    if ((rc = ev_close(17)) != 0)
        xtf_failure("close(17) with every port in use returned %ld", rc);
    if ((rc = ev_alloc_unbound(DOMID_SELF, DOMID_SELF, &p)) != 0 || p != 17)
        xtf_failure("alloc_unbound after close(17): rc %ld, port %u (wanted 17)", rc, p);
    if ((rc = ev_alloc_unbound(DOMID_SELF, DOMID_SELF, &p)) != -XEN_ENOSPC)
        xtf_failure("alloc_unbound with every port in use again returned %ld", rc);
    for (evtchn_port_t q = 1; q <= LIMIT; q++)
        if ((rc = ev_close(q)) != 0)
            xtf_failure("close(%u) after the exhaustion returned %ld", q, rc);
    check_all_closed("the exhaustion");
}

/* Bind to the owner's port for us: it is allocated after the victim's, so once it exists the
 * victim's does too. Returns the owner's port, or 0. */
static evtchn_port_t bind_owner(evtchn_port_t *local)
{
    uint64_t end = ev_now() + WAIT_NS;

    while (ev_now() < end) {
        for (evtchn_port_t p = 1; p <= 8; p++)
            if (ev_bind_interdomain((uint16_t)owner, p, local) == 0)
                return p;
        ev_yield();
    }
    xtf_failure("no port of d%u to bind within 20 s", owner);
    return 0;
}

static void attack(void)
{
    evtchn_port_t local, mine, other;
    long rc;

    check_table();
    check_closed_and_unbound();
    check_virq_port();
    check_exhaustion();
    if (!(mine = bind_owner(&local)))
        return;
    printk("attacker: bound port %u to d%u port %u\n", local, owner, mine);
    for (evtchn_port_t p = 1; p <= 8; p++)
        if ((rc = ev_bind_interdomain((uint16_t)owner, p, &other)) != -XEN_EINVAL)
            xtf_failure("bind_interdomain(d%u, %u) returned %ld (port %u), wanted -EINVAL%s",
                        owner, p, rc, rc ? 0 : other,
                        p == mine ? ": already bound to us" : ": not for us");
    if ((rc = ev_send(local)) != 0)
        xtf_failure("send to the owner returned %ld", rc);
}

/* ---- the owner ----------------------------------------------------------------------------- */

static void own(void)
{
    struct evtchn_status st;
    evtchn_port_t pv, pa;
    long rc;

    if ((rc = ev_alloc_unbound(DOMID_SELF, (uint16_t)victim, &pv)) != 0) {
        xtf_failure("alloc_unbound(self, d%u: not built) returned %ld, wanted 0", victim, rc);
        return;
    }
    if ((rc = ev_alloc_unbound(DOMID_SELF, (uint16_t)attacker, &pa)) != 0) {
        xtf_failure("alloc_unbound(self, d%u) returned %ld", attacker, rc);
        return;
    }
    ev_mask(pa);
    printk("owner: port %u for d%u, port %u for d%u\n", pv, victim, pa, attacker);
    if (!ev_wait(pa, ev_now() + 2 * WAIT_NS))
        xtf_failure("no event from d%u within 40 s", attacker);
    rc = ev_status(DOMID_SELF, pv, &st);
    if (rc || st.status != EVTCHNSTAT_unbound || st.u.unbound_dom != victim)
        xtf_failure("port %u for d%u: rc %ld, status %u, for d%u (wanted unbound for d%u)", pv,
                    victim, rc, st.status, st.u.unbound_dom, victim);
}

void test_main(void)
{
    char role[12];

    ev_cmdline_str("role", role, sizeof(role));
    owner = (unsigned int)ev_cmdline_num("owner", 0);
    victim = (unsigned int)ev_cmdline_num("victim", 0);
    attacker = (unsigned int)ev_cmdline_num("attacker", 0);
    if (!strcmp(role, "owner") && victim && attacker)
        own();
    else if (!strcmp(role, "attacker") && owner) {
        attacker = (unsigned int)ev_cmdline_num("self", 0);
        attack();
    } else {
        xtf_error("bootargs \"%s\": role=owner victim= attacker= or role=attacker owner= self=",
                  (const char *)xtf_start_info->cmd_line);
        return;
    }
    xtf_success();
}
