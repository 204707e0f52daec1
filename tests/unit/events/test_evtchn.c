/* test_evtchn.c - unit tests of event channels (hyp/events/evtchn.c over evtchn_2l.c): every op
 * through evt_hc_event_channel_op on fake domains, hostile inputs, delivery, teardown. */
#define _GNU_SOURCE
#include <check.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h> /* not pthread.h: its <sched.h> declares another sched_yield */
#include <ucontext.h>

#include "domain/domain.h"
#include "events/events.h"
#include "hv/errno.h"
#include "hv/event_channel.h"
#include "hv/xen.h"
#include "hypercall/hypercall.h"
#include "sched/sched.h"
#include "support.h"

/* ---------------------------------------------------------------------------------------------
 * The harness: fake domains with their shared_info in host memory, and stand-ins for what
 * evtchn.c calls outside hyp/events. */

#define NR_DOMS 6
#define MAXV 2          /* vCPUs of the fake domains, at most */
#define PORTS 127       /* max_port of the fixture's domains (two 64-bit words) */
enum { D_P, D_A, D_B, D_C, D_E, D_F }; /* ids: P privileged, E small, F full-size */

static struct domain *doms[NR_DOMS]; /* index = id */
static int refs[NR_DOMS];            /* dom_get references not yet put */
static bool gone[NR_DOMS];           /* dying: dom_get fails */
static unsigned int kicks[NR_DOMS][MAXV];
static unsigned int port_pendings[NR_DOMS][PORTS + 1]; /* sched_port_pending calls */
static bool fail_alloc;
static bool concurrent; /* test_concurrent's threads run */

/* Guest memory: host pointers, except one unreadable address and one read-only buffer. */
#define BAD_VA 0xdead000000000000ull
static union arg {
    struct hv_evtchn_alloc_unbound alloc_unbound;
    struct hv_evtchn_bind_interdomain bind_interdomain;
    struct hv_evtchn_bind_virq bind_virq;
    struct hv_evtchn_bind_pirq bind_pirq;
    struct hv_evtchn_bind_ipi bind_ipi;
    struct hv_evtchn_close close;
    struct hv_evtchn_send send;
    struct hv_evtchn_status status;
    struct hv_evtchn_bind_vcpu bind_vcpu;
    struct hv_evtchn_unmask unmask;
    struct hv_evtchn_reset reset;
    struct hv_evtchn_init_control init_control;
    struct hv_evtchn_expand_array expand_array;
    struct hv_evtchn_set_priority set_priority;
    uint8_t raw[32];
} ro_arg; /* readable, not writable */

/* Preemption: hc_should_preempt says yes every preempt_every units (0: never). */
static uint64_t preempt_every;
#define CONT_RC 4242 /* what the fake hc_continue returns */
static struct {
    unsigned int count;
    uint64_t a[5];
} cont;

struct domain *dom_get(uint16_t id)
{
    if (id >= NR_DOMS || !doms[id] || gone[id])
        return NULL;
    __atomic_fetch_add(&refs[id], 1, __ATOMIC_RELAXED);
    return doms[id];
}

void dom_put(struct domain *d)
{
    ck_assert_int_gt(__atomic_fetch_sub(&refs[d->id], 1, __ATOMIC_RELAXED), 0);
}

void *xzalloc(size_t size)
{
    return fail_alloc ? NULL : calloc(1, size);
}

void xfree(void *p)
{
    free(p);
}

void sched_vcpu_kick(struct vcpu *v)
{
    ck_assert_ptr_eq(v->domain->vcpu[v->id], v);
    __atomic_fetch_add(&kicks[v->domain->id][v->id], 1, __ATOMIC_RELAXED);
}

void sched_port_pending(struct domain *d, uint32_t port)
{
    const struct hv_shared_info *s = d->shared_info;

    ck_assert_ptr_eq(doms[d->id], d);
    ck_assert_uint_lt(port, 4096);
    /* After the bit is set: a poller that checks the bit after registering misses nothing.
     * (Unless a concurrent "guest" thread cleared it already.) */
    if (!concurrent)
        ck_assert(s->evtchn_pending[port / 64] & (1ull << (port % 64)));
    if (port <= PORTS)
        __atomic_fetch_add(&port_pendings[d->id][port], 1, __ATOMIC_RELAXED);
}

int copy_from_guest(void *dst, uint64_t src_va, size_t len)
{
    if (src_va == BAD_VA || src_va == 0)
        return -HV_EFAULT;
    memcpy(dst, (const void *)(uintptr_t)src_va, len);
    return 0;
}

int copy_to_guest(uint64_t dst_va, const void *src, size_t len)
{
    if (dst_va == BAD_VA || dst_va == 0 || dst_va == (uintptr_t)&ro_arg)
        return -HV_EFAULT;
    memcpy((void *)(uintptr_t)dst_va, src, len);
    return 0;
}

bool hc_should_preempt(const struct hc_call *c __unused, uint64_t units_done)
{
    return preempt_every && units_done && units_done % preempt_every == 0;
}

long hc_continue(struct hc_call *c __unused, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4)
{
    cont.count++;
    cont.a[0] = a0, cont.a[1] = a1, cont.a[2] = a2, cont.a[3] = a3, cont.a[4] = a4;
    return CONT_RC;
}

/*
 * spin_lock_irqsave executes cli, which faults in user mode: step over it (popf in user mode
 * ignores IF, so irq_restore needs nothing). Any other SIGSEGV is a real one.
 */
static void on_segv(int sig, siginfo_t *si __unused, void *ucv)
{
    ucontext_t *uc = ucv;
    const uint8_t *ip = (const uint8_t *)uc->uc_mcontext.gregs[REG_RIP];

    if (*ip == 0xfa) { /* cli */
        uc->uc_mcontext.gregs[REG_RIP]++;
        return;
    }
    signal(sig, SIG_DFL);
}

static void install_cli_handler(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_segv;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGSEGV, &sa, NULL);
}

static struct domain *mkdom(uint16_t id, bool privileged, unsigned int nr_vcpus, uint32_t max_port)
{
    struct domain *d = calloc(1, sizeof(*d));
    struct hv_shared_info *sh = aligned_alloc(4096, 4096);

    ck_assert_ptr_nonnull(d);
    ck_assert_ptr_nonnull(sh);
    memset(sh, 0, 4096);
    d->id = id;
    d->privileged = privileged;
    d->shared_info = sh;
    d->nr_vcpus = nr_vcpus;
    for (unsigned int i = 0; i < nr_vcpus; i++) {
        d->vcpu[i] = calloc(1, sizeof(struct vcpu));
        ck_assert_ptr_nonnull(d->vcpu[i]);
        d->vcpu[i]->domain = d;
        d->vcpu[i]->id = i;
        /* vCPU 1 leaves it unset: the slot in shared_info is the default. */
        d->vcpu[i]->vcpu_info = i == 1 ? NULL : &sh->vcpu_info[i];
    }
    ck_assert_int_eq(evt_domain_init(d, max_port), 0);
    doms[id] = d;
    return d;
}

static void rmdom(struct domain *d)
{
    evt_domain_destroy(d);
    evt_domain_free(d);
    ck_assert_ptr_null(d->evt);
    doms[d->id] = NULL;
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        free(d->vcpu[i]);
    free(d->shared_info);
    free(d);
}

/* After every operation: no event lock left held (the lock is struct evt_domain's first
 * member), every dom_get put back. Not while several threads run operations. */

static void check_quiescent(void)
{
    if (concurrent)
        return;
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        ck_assert_int_eq(refs[i], 0);
        if (doms[i] && doms[i]->evt)
            ck_assert_msg(!spin_is_locked((struct spinlock *)doms[i]->evt),
                          "d%u's event lock left held", i);
    }
}

/* ---- the hypercall and one wrapper per op ------------------------------------------------- */

static long hc(uint16_t caller, unsigned int vcpu, uint64_t cmd, uint64_t va)
{
    struct hc_call c;
    long rc;

    memset(&c, 0, sizeof(c));
    c.v = doms[caller]->vcpu[vcpu];
    c.nr = HV_HYPERCALL_event_channel_op;
    c.arg[0] = cmd;
    c.arg[1] = va;
    rc = evt_hc_event_channel_op(&c);
    check_quiescent();
    return rc;
}

static long op(uint16_t caller, uint64_t cmd, void *arg)
{
    return hc(caller, 0, cmd, (uintptr_t)arg);
}

/* Each returns the new port, or the error. */
static long alloc_unbound(uint16_t caller, uint16_t dom, uint16_t remote)
{
    struct hv_evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote, .port = 0xbad };
    long rc = op(caller, HV_EVTCHNOP_alloc_unbound, &a);

    ck_assert_uint_eq(a.dom, dom); /* IN fields come back as they were */
    ck_assert_uint_eq(a.remote_dom, remote);
    if (rc)
        ck_assert_uint_eq(a.port, 0xbad); /* OUT written only on success */
    return rc ? rc : (long)a.port;
}

static long bind_interdomain(uint16_t caller, uint16_t rdom, uint32_t rport)
{
    struct hv_evtchn_bind_interdomain a = { .remote_dom = rdom, .remote_port = rport,
                                            .local_port = 0xbad };
    long rc = op(caller, HV_EVTCHNOP_bind_interdomain, &a);

    if (rc)
        ck_assert_uint_eq(a.local_port, 0xbad);
    return rc ? rc : (long)a.local_port;
}

static long bind_virq(uint16_t caller, uint32_t virq, uint32_t vcpu)
{
    struct hv_evtchn_bind_virq a = { .virq = virq, .vcpu = vcpu, .port = 0xbad };
    long rc = op(caller, HV_EVTCHNOP_bind_virq, &a);

    return rc ? rc : (long)a.port;
}

static long bind_ipi(uint16_t caller, uint32_t vcpu)
{
    struct hv_evtchn_bind_ipi a = { .vcpu = vcpu, .port = 0xbad };
    long rc = op(caller, HV_EVTCHNOP_bind_ipi, &a);

    return rc ? rc : (long)a.port;
}

static long evclose(uint16_t caller, uint32_t port)
{
    struct hv_evtchn_close a = { .port = port };

    return op(caller, HV_EVTCHNOP_close, &a);
}

static long send(uint16_t caller, uint32_t port)
{
    struct hv_evtchn_send a = { .port = port };

    return op(caller, HV_EVTCHNOP_send, &a);
}

static long status(uint16_t caller, uint16_t dom, uint32_t port, struct hv_evtchn_status *st)
{
    memset(st, 0xa5, sizeof(*st));
    st->dom = dom;
    st->port = port;
    return op(caller, HV_EVTCHNOP_status, st);
}

static long bind_vcpu(uint16_t caller, uint32_t port, uint32_t vcpu)
{
    struct hv_evtchn_bind_vcpu a = { .port = port, .vcpu = vcpu };

    return op(caller, HV_EVTCHNOP_bind_vcpu, &a);
}

static long unmask(uint16_t caller, uint32_t port)
{
    struct hv_evtchn_unmask a = { .port = port };

    return op(caller, HV_EVTCHNOP_unmask, &a);
}

static long reset(uint16_t caller, uint16_t dom)
{
    struct hv_evtchn_reset a = { .dom = dom };

    return op(caller, HV_EVTCHNOP_reset, &a);
}

/* ---- guest-visible bits ------------------------------------------------------------------- */

static struct hv_shared_info *sh(uint16_t id)
{
    return doms[id]->shared_info;
}

static bool pending(uint16_t id, uint32_t port)
{
    return sh(id)->evtchn_pending[port / 64] & (1ull << (port % 64));
}

static void mask(uint16_t id, uint32_t port)
{
    sh(id)->evtchn_mask[port / 64] |= 1ull << (port % 64);
}

static bool masked(uint16_t id, uint32_t port)
{
    return sh(id)->evtchn_mask[port / 64] & (1ull << (port % 64));
}

static uint64_t sel(uint16_t id, unsigned int vcpu)
{
    return sh(id)->vcpu_info[vcpu].evtchn_pending_sel;
}

static uint8_t upcall(uint16_t id, unsigned int vcpu)
{
    return sh(id)->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What the guest does in its upcall handler: take everything, clear the bits. */
static void guest_ack(uint16_t id)
{
    memset(sh(id)->evtchn_pending, 0, sizeof(sh(id)->evtchn_pending));
    for (unsigned int v = 0; v < MAXV; v++) {
        sh(id)->vcpu_info[v].evtchn_pending_sel = 0;
        sh(id)->vcpu_info[v].evtchn_upcall_pending = 0;
    }
}

static void ack_all(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i])
            guest_ack((uint16_t)i);
    memset(kicks, 0, sizeof(kicks));
    memset(port_pendings, 0, sizeof(port_pendings));
}

static unsigned int total_kicks(void)
{
    unsigned int n = 0;

    for (unsigned int i = 0; i < NR_DOMS; i++)
        for (unsigned int v = 0; v < MAXV; v++)
            n += kicks[i][v];
    return n;
}

static void expect_status(uint16_t caller, uint16_t dom, uint32_t port, uint32_t want_status,
                          uint32_t want_vcpu, uint16_t want_dom, uint32_t want_val)
{
    struct hv_evtchn_status st;

    ck_assert_int_eq(status(caller, dom, port, &st), 0);
    ck_assert_msg(st.status == want_status, "d%u port %u: status %u, want %u", dom, port,
                  st.status, want_status);
    ck_assert_uint_eq(st.vcpu, want_vcpu);
    if (want_status == HV_EVTCHNSTAT_unbound) {
        ck_assert_uint_eq(st.u.unbound.dom, want_dom);
    } else if (want_status == HV_EVTCHNSTAT_interdomain) {
        ck_assert_uint_eq(st.u.interdomain.dom, want_dom);
        ck_assert_uint_eq(st.u.interdomain.port, want_val);
    } else if (want_status == HV_EVTCHNSTAT_virq) {
        ck_assert_uint_eq(st.u.virq, want_val);
    }
}

/* Everything observable: every shared_info page, every port's status, the kicks. */
struct snap {
    uint8_t page[NR_DOMS][4096];
    struct hv_evtchn_status st[NR_DOMS][PORTS + 1];
    unsigned int kicks[NR_DOMS][MAXV];
    unsigned int port_pendings[NR_DOMS][PORTS + 1];
};

static void snapshot(struct snap *s)
{
    memset(s, 0, sizeof(*s));
    for (uint16_t i = 0; i < NR_DOMS; i++) {
        if (!doms[i] || !doms[i]->evt || gone[i])
            continue;
        memcpy(s->page[i], doms[i]->shared_info, 4096);
        for (uint32_t p = 0; p <= PORTS; p++)
            status(D_P, i, p, &s->st[i][p]); /* -EINVAL above a small domain's limit */
    }
    memcpy(s->kicks, kicks, sizeof(kicks));
    memcpy(s->port_pendings, port_pendings, sizeof(port_pendings));
}

static void expect_unchanged(const struct snap *before, const char *what)
{
    static struct snap after;

    snapshot(&after);
    for (unsigned int i = 0; i < NR_DOMS; i++) {
        ck_assert_msg(!memcmp(before->page[i], after.page[i], 4096),
                      "%s: d%u's shared_info changed", what, i);
        ck_assert_msg(!memcmp(before->st[i], after.st[i], sizeof(after.st[i])),
                      "%s: d%u's ports changed", what, i);
    }
    ck_assert_msg(!memcmp(before->kicks, after.kicks, sizeof(after.kicks)), "%s: a vCPU was kicked",
                  what);
    ck_assert_msg(!memcmp(before->port_pendings, after.port_pendings, sizeof(port_pendings)),
                  "%s: a port was reported pending", what);
}

/* ---------------------------------------------------------------------------------------------
 * The fixture: P (id 0, privileged, 1 vCPU), A and B (2 vCPUs), C (1 vCPU), all with ports
 * 0..127, and these bindings:
 *   A1 <-> B1 interdomain      A2 unbound for B     A3 VIRQ_TIMER on vCPU 0   A4 IPI on vCPU 1
 *   A5 unbound for C           A6 VIRQ_DOM_EXC      B2 unbound for C          B3 VIRQ_TIMER vCPU 1
 * with every bit and kick cleared afterwards. */

static void setup(void)
{
    support_reset();
    memset(refs, 0, sizeof(refs));
    memset(gone, 0, sizeof(gone));
    memset(&cont, 0, sizeof(cont));
    fail_alloc = false;
    preempt_every = 0;
    mkdom(D_P, true, 1, PORTS);
    mkdom(D_A, false, 2, PORTS);
    mkdom(D_B, false, 2, PORTS);
    mkdom(D_C, false, 1, PORTS);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_B), 1);
    ck_assert_int_eq(bind_interdomain(D_B, D_A, 1), 1);
    ck_assert_int_eq(alloc_unbound(D_A, D_A, D_B), 2);
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_TIMER, 0), 3);
    ck_assert_int_eq(bind_ipi(D_A, 1), 4);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_C), 5);
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_DOM_EXC, 0), 6);
    ck_assert_int_eq(alloc_unbound(D_B, HV_DOMID_SELF, D_C), 2);
    ck_assert_int_eq(bind_virq(D_B, HV_VIRQ_TIMER, 1), 3);
    ack_all();
}

static void teardown(void)
{
    for (unsigned int i = 0; i < NR_DOMS; i++)
        if (doms[i])
            rmdom(doms[i]);
}

/* ---------------------------------------------------------------------------------------------
 * Hostile inputs: each gets its error and changes nothing anywhere. */

enum where { AT_ARG, AT_BAD, AT_NULL, AT_RO };

struct hostile_case {
    const char *what;
    uint16_t caller;
    uint64_t cmd;
    enum where where;
    union arg arg;
    long rc;
};

#define BIG 0xffffffffu
/* A row for op c: caller, where the argument is, the error, then the argument's fields. */
#define H(w, who, c, wh, rc_, ...) { w, who, HV_EVTCHNOP_##c, wh, { .c = { __VA_ARGS__ } }, rc_ }

static const struct hostile_case hostile[] = {
    /* Commands. */
    { "cmd 14", D_A, 14, AT_ARG, { .raw = { 0 } }, -HV_ENOSYS },
    { "cmd 15", D_A, 15, AT_ARG, { .raw = { 0 } }, -HV_ENOSYS },
    { "cmd 0xffffffff", D_A, 0xffffffffull, AT_ARG, { .raw = { 0 } }, -HV_ENOSYS },
    { "cmd send | 1 << 32", D_A, (1ull << 32) | HV_EVTCHNOP_send, AT_ARG, { .send = { 1 } },
      -HV_ENOSYS },
    { "cmd -1", D_A, ~0ull, AT_ARG, { .raw = { 0 } }, -HV_ENOSYS },
    /* Unreadable arguments, for every op. */
    H("alloc_unbound bad va", D_A, alloc_unbound, AT_BAD, -HV_EFAULT, 0),
    H("bind_interdomain bad va", D_A, bind_interdomain, AT_BAD, -HV_EFAULT, 0),
    H("bind_virq bad va", D_A, bind_virq, AT_BAD, -HV_EFAULT, 0),
    H("bind_pirq bad va", D_A, bind_pirq, AT_BAD, -HV_EFAULT, 0),
    H("bind_ipi bad va", D_A, bind_ipi, AT_BAD, -HV_EFAULT, 0),
    H("close bad va", D_A, close, AT_BAD, -HV_EFAULT, 1),
    H("send bad va", D_A, send, AT_BAD, -HV_EFAULT, 1),
    H("status bad va", D_A, status, AT_BAD, -HV_EFAULT, 0),
    H("bind_vcpu bad va", D_A, bind_vcpu, AT_BAD, -HV_EFAULT, 0),
    H("unmask bad va", D_A, unmask, AT_BAD, -HV_EFAULT, 0),
    H("reset bad va", D_A, reset, AT_BAD, -HV_EFAULT, 0),
    H("init_control bad va", D_A, init_control, AT_BAD, -HV_EFAULT, 0),
    H("expand_array bad va", D_A, expand_array, AT_BAD, -HV_EFAULT, 0),
    H("set_priority bad va", D_A, set_priority, AT_BAD, -HV_EFAULT, 0),
    H("close NULL", D_A, close, AT_NULL, -HV_EFAULT, 1),
    H("reset NULL", D_A, reset, AT_NULL, -HV_EFAULT, 0),
    /* Valid requests in a read-only argument: refused before anything changes. */
    H("alloc_unbound read-only", D_A, alloc_unbound, AT_RO, -HV_EFAULT, HV_DOMID_SELF, D_B, 0),
    H("bind_interdomain read-only", D_C, bind_interdomain, AT_RO, -HV_EFAULT, D_B, 0, 2, 0),
    H("bind_virq read-only", D_A, bind_virq, AT_RO, -HV_EFAULT, HV_VIRQ_DEBUG, 0, 0),
    H("bind_ipi read-only", D_A, bind_ipi, AT_RO, -HV_EFAULT, 0, 0),
    H("status read-only", D_A, status, AT_RO, -HV_EFAULT, HV_DOMID_SELF, 0, 1, 0, 0, { { 0 } }),
    /* alloc_unbound */
    H("alloc_unbound in another domain", D_A, alloc_unbound, AT_ARG, -HV_EPERM, D_B, D_A, 0),
    H("alloc_unbound in P", D_A, alloc_unbound, AT_ARG, -HV_EPERM, D_P, D_A, 0),
    H("alloc_unbound in no domain", D_A, alloc_unbound, AT_ARG, -HV_ESRCH, 9, D_A, 0),
    H("alloc_unbound in DOMID_IO", D_A, alloc_unbound, AT_ARG, -HV_ESRCH, HV_DOMID_IO, D_A, 0),
    H("alloc_unbound in domid 0xffff", D_P, alloc_unbound, AT_ARG, -HV_ESRCH, 0xffff, D_A, 0),
    /* bind_interdomain */
    H("bind_interdomain no domain", D_A, bind_interdomain, AT_ARG, -HV_ESRCH, 9, 0, 1, 0),
    H("bind_interdomain DOMID_XEN", D_A, bind_interdomain, AT_ARG, -HV_ESRCH,
      HV_DOMID_XEN, 0, 1, 0),
    H("bind_interdomain port 0", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 0, 0),
    H("bind_interdomain port > max", D_A, bind_interdomain, AT_ARG, -HV_EINVAL,
      D_B, 0, PORTS + 1, 0),
    H("bind_interdomain port 4096", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 4096, 0),
    H("bind_interdomain port ~0", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, BIG, 0),
    H("bind_interdomain free port", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 5, 0),
    H("bind_interdomain port waits for C", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 2, 0),
    H("bind_interdomain connected port", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 1, 0),
    H("bind_interdomain VIRQ port", D_A, bind_interdomain, AT_ARG, -HV_EINVAL, D_B, 0, 3, 0),
    H("bind_interdomain self, waits for B", D_A, bind_interdomain, AT_ARG, -HV_EINVAL,
      HV_DOMID_SELF, 0, 2, 0),
    H("bind_interdomain C to A2 (waits for B)", D_C, bind_interdomain, AT_ARG, -HV_EINVAL,
      D_A, 0, 2, 0),
    H("bind_interdomain C to A1 (connected)", D_C, bind_interdomain, AT_ARG, -HV_EINVAL,
      D_A, 0, 1, 0),
    /* bind_virq */
    H("bind_virq 24", D_A, bind_virq, AT_ARG, -HV_EINVAL, HV_NR_VIRQS, 0, 0),
    H("bind_virq ~0", D_A, bind_virq, AT_ARG, -HV_EINVAL, BIG, 0, 0),
    H("bind_virq global on vCPU 1", D_A, bind_virq, AT_ARG, -HV_EINVAL, HV_VIRQ_CONSOLE, 1, 0),
    H("bind_virq global on vCPU ~0", D_A, bind_virq, AT_ARG, -HV_EINVAL, HV_VIRQ_CONSOLE, BIG, 0),
    H("bind_virq arch VIRQ on vCPU 1", D_A, bind_virq, AT_ARG, -HV_EINVAL, HV_VIRQ_ARCH_0, 1, 0),
    H("bind_virq timer on vCPU 2", D_A, bind_virq, AT_ARG, -HV_ENOENT, HV_VIRQ_TIMER, 2, 0),
    H("bind_virq timer on vCPU ~0", D_A, bind_virq, AT_ARG, -HV_ENOENT, HV_VIRQ_TIMER, BIG, 0),
    H("bind_virq timer on C's vCPU 1", D_C, bind_virq, AT_ARG, -HV_ENOENT, HV_VIRQ_TIMER, 1, 0),
    H("bind_virq timer twice", D_A, bind_virq, AT_ARG, -HV_EEXIST, HV_VIRQ_TIMER, 0, 0),
    H("bind_virq global twice", D_A, bind_virq, AT_ARG, -HV_EEXIST, HV_VIRQ_DOM_EXC, 0, 0),
    /* bind_ipi, bind_pirq */
    H("bind_ipi vCPU 2", D_A, bind_ipi, AT_ARG, -HV_ENOENT, 2, 0),
    H("bind_ipi vCPU ~0", D_A, bind_ipi, AT_ARG, -HV_ENOENT, BIG, 0),
    H("bind_ipi C's vCPU 1", D_C, bind_ipi, AT_ARG, -HV_ENOENT, 1, 0),
    H("bind_pirq 0", D_P, bind_pirq, AT_ARG, -HV_EOPNOTSUPP, 0, 0, 0),
    H("bind_pirq ~0 shared", D_A, bind_pirq, AT_ARG, -HV_EOPNOTSUPP,
      BIG, HV_BIND_PIRQ__WILL_SHARE, 0),
    /* close */
    H("close port 0", D_A, close, AT_ARG, -HV_EINVAL, 0),
    H("close free port", D_A, close, AT_ARG, -HV_EINVAL, 7),
    H("close port > max", D_A, close, AT_ARG, -HV_EINVAL, PORTS + 1),
    H("close port 4096", D_A, close, AT_ARG, -HV_EINVAL, 4096),
    H("close port ~0", D_A, close, AT_ARG, -HV_EINVAL, BIG),
    H("close C's unused port 1", D_C, close, AT_ARG, -HV_EINVAL, 1),
    /* send */
    H("send port 0", D_A, send, AT_ARG, -HV_EINVAL, 0),
    H("send free port", D_A, send, AT_ARG, -HV_EINVAL, 7),
    H("send port > max", D_A, send, AT_ARG, -HV_EINVAL, PORTS + 1),
    H("send port ~0", D_A, send, AT_ARG, -HV_EINVAL, BIG),
    H("send VIRQ port", D_A, send, AT_ARG, -HV_EINVAL, 3),
    H("send global VIRQ port", D_A, send, AT_ARG, -HV_EINVAL, 6),
    H("send on B's port number from C", D_C, send, AT_ARG, -HV_EINVAL, 1),
    /* status */
    H("status of B from A", D_A, status, AT_ARG, -HV_EPERM, D_B, 0, 1, 0, 0, { { 0 } }),
    H("status of P from C", D_C, status, AT_ARG, -HV_EPERM, D_P, 0, 0, 0, 0, { { 0 } }),
    H("status of no domain", D_A, status, AT_ARG, -HV_ESRCH, 9, 0, 1, 0, 0, { { 0 } }),
    H("status of DOMID_IO", D_P, status, AT_ARG, -HV_ESRCH, HV_DOMID_IO, 0, 1, 0, 0, { { 0 } }),
    H("status port > max", D_A, status, AT_ARG, -HV_EINVAL,
      HV_DOMID_SELF, 0, PORTS + 1, 0, 0, { { 0 } }),
    H("status port ~0", D_P, status, AT_ARG, -HV_EINVAL, D_A, 0, BIG, 0, 0, { { 0 } }),
    /* bind_vcpu */
    H("bind_vcpu vCPU 2", D_A, bind_vcpu, AT_ARG, -HV_ENOENT, 1, 2),
    H("bind_vcpu vCPU ~0", D_A, bind_vcpu, AT_ARG, -HV_ENOENT, 1, BIG),
    H("bind_vcpu port 0", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, 0, 1),
    H("bind_vcpu free port", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, 7, 1),
    H("bind_vcpu per-vCPU VIRQ", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, 3, 1),
    H("bind_vcpu IPI", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, 4, 0),
    H("bind_vcpu port > max", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, PORTS + 1, 1),
    H("bind_vcpu port ~0", D_A, bind_vcpu, AT_ARG, -HV_EINVAL, BIG, 1),
    /* unmask */
    H("unmask port > max", D_A, unmask, AT_ARG, -HV_EINVAL, PORTS + 1),
    H("unmask port 4096", D_A, unmask, AT_ARG, -HV_EINVAL, 4096),
    H("unmask port ~0", D_A, unmask, AT_ARG, -HV_EINVAL, BIG),
    /* reset */
    H("reset B from A", D_A, reset, AT_ARG, -HV_EPERM, D_B),
    H("reset P from A", D_A, reset, AT_ARG, -HV_EPERM, D_P),
    H("reset no domain", D_A, reset, AT_ARG, -HV_ESRCH, 9),
    H("reset DOMID_XEN", D_P, reset, AT_ARG, -HV_ESRCH, HV_DOMID_XEN),
    /* FIFO */
    H("init_control", D_A, init_control, AT_ARG, -HV_ENOSYS, 0x1000, 0, 0, 0, { 0 }),
    H("expand_array", D_A, expand_array, AT_ARG, -HV_ENOSYS, 0x1000),
    H("set_priority", D_A, set_priority, AT_ARG, -HV_ENOSYS, 1, 7),
};

START_TEST(test_hostile)
{
    const struct hostile_case *h = &hostile[_i];
    static struct snap before;
    union arg a = h->arg;
    uint64_t va;
    long rc;

    mask(D_A, 4); /* some guest state that must survive too */
    snapshot(&before);
    if (h->where == AT_RO) {
        ro_arg = h->arg;
        va = (uintptr_t)&ro_arg;
    } else {
        va = h->where == AT_BAD ? BAD_VA : h->where == AT_NULL ? 0 : (uintptr_t)&a;
    }
    rc = hc(h->caller, 0, h->cmd, va);
    ck_assert_msg(rc == h->rc, "%s: %ld, want %ld", h->what, rc, h->rc);
    ck_assert_msg(!memcmp(&a, &h->arg, sizeof(a)), "%s: the argument was written", h->what);
    expect_unchanged(&before, h->what);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Ports: allocation, exhaustion, status. */

START_TEST(test_status_of_each_kind)
{
    expect_status(D_A, HV_DOMID_SELF, 0, HV_EVTCHNSTAT_closed, 0, 0, 0); /* reserved */
    expect_status(D_A, D_A, 1, HV_EVTCHNSTAT_interdomain, 0, D_B, 1);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_interdomain, 0, D_A, 1);
    expect_status(D_A, HV_DOMID_SELF, 2, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
    expect_status(D_A, HV_DOMID_SELF, 3, HV_EVTCHNSTAT_virq, 0, 0, HV_VIRQ_TIMER);
    expect_status(D_A, HV_DOMID_SELF, 4, HV_EVTCHNSTAT_ipi, 1, 0, 0);
    expect_status(D_A, HV_DOMID_SELF, 5, HV_EVTCHNSTAT_unbound, 0, D_C, 0);
    expect_status(D_A, HV_DOMID_SELF, 6, HV_EVTCHNSTAT_virq, 0, 0, HV_VIRQ_DOM_EXC);
    expect_status(D_A, HV_DOMID_SELF, 7, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_A, HV_DOMID_SELF, PORTS, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_B, HV_DOMID_SELF, 3, HV_EVTCHNSTAT_virq, 1, 0, HV_VIRQ_TIMER);
    /* The privileged domain sees anyone's. */
    expect_status(D_P, D_A, 1, HV_EVTCHNSTAT_interdomain, 0, D_B, 1);
    expect_status(D_P, D_B, 2, HV_EVTCHNSTAT_unbound, 0, D_C, 0);
}
END_TEST

/* Lowest free port first; the privileged domain allocates in others; DOMID_SELF as remote. */
START_TEST(test_alloc_unbound)
{
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, HV_DOMID_SELF), 7);
    expect_status(D_A, HV_DOMID_SELF, 7, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
    ck_assert_int_eq(alloc_unbound(D_P, D_A, D_B), 8);
    expect_status(D_A, HV_DOMID_SELF, 8, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
    ck_assert_int_eq(alloc_unbound(D_P, D_A, HV_DOMID_SELF), 9); /* waits for the caller, P */
    expect_status(D_A, HV_DOMID_SELF, 9, HV_EVTCHNSTAT_unbound, 0, D_P, 0);
    /* Any remote id is accepted, as on Xen: the domain may come later. */
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, 40), 10);
    ck_assert_int_eq(evclose(D_A, 8), 0);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_B), 8);
    /* P's port in A: B binds to it and A's end is an ordinary interdomain port. */
    ck_assert_int_eq(bind_interdomain(D_B, D_A, 8), 4);
    expect_status(D_A, HV_DOMID_SELF, 8, HV_EVTCHNSTAT_interdomain, 0, D_B, 4);
    ck_assert_uint_eq(total_kicks(), 1); /* B's own new port, made pending */
    ck_assert_int_eq(send(D_B, 4), 0);
    ck_assert(pending(D_A, 8));
}
END_TEST

/* max_port 8: ports 1..8, then -ENOSPC for every kind of bind, changing nothing; a closed port is
 * reused, lowest first. */
START_TEST(test_exhaustion)
{
    static struct snap before;

    mkdom(D_E, false, 1, 8);
    for (long p = 1; p <= 8; p++)
        ck_assert_int_eq(alloc_unbound(D_E, HV_DOMID_SELF, D_A), p);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_E), 7);
    snapshot(&before);
    ck_assert_int_eq(alloc_unbound(D_E, HV_DOMID_SELF, D_A), -HV_ENOSPC);
    ck_assert_int_eq(bind_ipi(D_E, 0), -HV_ENOSPC);
    ck_assert_int_eq(bind_virq(D_E, HV_VIRQ_TIMER, 0), -HV_ENOSPC);
    ck_assert_int_eq(bind_interdomain(D_E, D_A, 7), -HV_ENOSPC);
    ck_assert_int_eq(alloc_unbound(D_P, D_E, D_B), -HV_ENOSPC);
    expect_unchanged(&before, "full domain");
    expect_status(D_A, HV_DOMID_SELF, 7, HV_EVTCHNSTAT_unbound, 0, D_E, 0);
    /* Close some: reused lowest first, and the domain works again. */
    ck_assert_int_eq(evclose(D_E, 5), 0);
    ck_assert_int_eq(evclose(D_E, 2), 0);
    ck_assert_int_eq(bind_interdomain(D_E, D_A, 7), 2);
    ck_assert_int_eq(bind_ipi(D_E, 0), 5);
    ck_assert_int_eq(bind_ipi(D_E, 0), -HV_ENOSPC);
    ack_all();
    ck_assert_int_eq(send(D_E, 2), 0);
    ck_assert(pending(D_A, 7));
    ck_assert_int_eq(send(D_E, 5), 0);
    ck_assert(pending(D_E, 5));
    ck_assert_uint_eq(kicks[D_E][0], 1);
    ck_assert_uint_eq(kicks[D_A][0], 1);
}
END_TEST

/* The largest domain: 4095 ports, all usable, the last one in word 63 bit 63. */
START_TEST(test_exhaustion_full_size)
{
    mkdom(D_F, false, 1, EVT_MAX_PORT);
    for (long p = 1; p <= EVT_MAX_PORT; p++)
        ck_assert_int_eq(alloc_unbound(D_F, HV_DOMID_SELF, D_A), p);
    ck_assert_int_eq(alloc_unbound(D_F, HV_DOMID_SELF, D_A), -HV_ENOSPC);
    ck_assert_int_eq(evclose(D_F, 4095), 0);
    ck_assert_int_eq(bind_ipi(D_F, 0), 4095);
    ck_assert_int_eq(send(D_F, 4095), 0);
    ck_assert_uint_eq(sh(D_F)->evtchn_pending[63], 1ull << 63);
    ck_assert_uint_eq(sel(D_F, 0), 1ull << 63);
    ck_assert_uint_eq(upcall(D_F, 0), 1);
    ck_assert_uint_eq(kicks[D_F][0], 1);
    ck_assert_int_eq(evt_port_pending(doms[D_F], 4095), 1);
    ck_assert_int_eq(evt_port_pending(doms[D_F], 4096), -HV_EINVAL);
}
END_TEST

START_TEST(test_domain_init_errors)
{
    struct domain d;

    memset(&d, 0, sizeof(d));
    ck_assert_int_eq(evt_domain_init(&d, 0), -HV_EINVAL);
    ck_assert_int_eq(evt_domain_init(&d, EVT_MAX_PORT + 1), -HV_EINVAL);
    ck_assert_int_eq(evt_domain_init(&d, 0xffffffffu), -HV_EINVAL);
    fail_alloc = true;
    ck_assert_int_eq(evt_domain_init(&d, 63), -HV_ENOMEM);
    ck_assert_ptr_null(d.evt);
    fail_alloc = false;
    /* Without event channels: the hypercall is not there, the helpers do nothing. */
    evt_domain_destroy(&d);
    evt_domain_free(&d);
    ck_assert_int_eq(evt_port_pending(&d, 1), -HV_EINVAL);
}
END_TEST

START_TEST(test_no_event_channels)
{
    struct hv_evtchn_send a = { 1 };

    rmdom(doms[D_C]);
    mkdom(D_C, false, 1, PORTS);
    evt_domain_destroy(doms[D_C]);
    evt_domain_free(doms[D_C]);
    ck_assert_int_eq(op(D_C, HV_EVTCHNOP_send, &a), -HV_ENOSYS);
    /* Nor can anyone reach it. */
    ck_assert_int_eq(bind_interdomain(D_A, D_C, 1), -HV_EINVAL);
    ck_assert_int_eq(alloc_unbound(D_P, D_C, D_A), -HV_ESRCH);
    evt_send_virq(doms[D_C]->vcpu[0], HV_VIRQ_TIMER);
    evt_send_global_virq(doms[D_C], HV_VIRQ_CONSOLE);
    ck_assert_uint_eq(total_kicks(), 0);
}
END_TEST

START_TEST(test_free_before_destroy_panics)
{
    mkdom(D_E, false, 1, 8);
    ck_assert(SUPPORT_PANICS(evt_domain_free(doms[D_E])));
    ck_assert_ptr_nonnull(strstr(support_panic_msg, "evt_domain_free"));
    ck_assert_ptr_nonnull(doms[D_E]->evt); /* still there: teardown destroys, then frees */
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Delivery. */

/* A1 <-> B1: each side's send sets the other's bits and kicks the other's vCPU 0, only. */
START_TEST(test_interdomain_send)
{
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert(pending(D_A, 1));
    ck_assert_uint_eq(sel(D_A, 0), 1);
    ck_assert_uint_eq(upcall(D_A, 0), 1);
    ck_assert_uint_eq(kicks[D_A][0], 1);
    ck_assert_uint_eq(total_kicks(), 1);
    ck_assert(!pending(D_B, 1));
    ck_assert_uint_eq(sel(D_A, 1), 0);
    /* Again while still pending: nothing new, no kick. */
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert_uint_eq(total_kicks(), 1);
    /* The other way. */
    ck_assert_int_eq(send(D_A, 1), 0);
    ck_assert(pending(D_B, 1));
    ck_assert_uint_eq(sel(D_B, 0), 1);
    ck_assert_uint_eq(upcall(D_B, 0), 1);
    ck_assert_uint_eq(kicks[D_B][0], 1);
    ck_assert_uint_eq(total_kicks(), 2);
    ck_assert_int_eq(evt_port_pending(doms[D_B], 1), 1);
    ck_assert_int_eq(evt_port_pending(doms[D_B], 2), 0);
}
END_TEST

/* Xen kicks only when evtchn_upcall_pending goes 0 -> 1: while the guest has not taken the last
 * upcall, new events set their bits but kick nobody. */
START_TEST(test_no_kick_while_upcall_pending)
{
    sh(D_A)->vcpu_info[0].evtchn_upcall_pending = 1;
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert(pending(D_A, 1));
    ck_assert_uint_eq(sel(D_A, 0), 1);
    ck_assert_uint_eq(total_kicks(), 0);
}
END_TEST

/* Binding makes the new local port pending at once (the peer may have sent before). */
START_TEST(test_bind_makes_pending)
{
    ck_assert_int_eq(send(D_B, 2), 0); /* unbound: dropped */
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert_int_eq(bind_interdomain(D_C, D_B, 2), 1);
    ck_assert(pending(D_C, 1));
    ck_assert_uint_eq(upcall(D_C, 0), 1);
    ck_assert_uint_eq(kicks[D_C][0], 1);
    ck_assert(!pending(D_B, 2));
    expect_status(D_B, HV_DOMID_SELF, 2, HV_EVTCHNSTAT_interdomain, 0, D_C, 1);
    expect_status(D_C, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_interdomain, 0, D_B, 2);
}
END_TEST

/* The selector bit is port / 64: an IPI on port 65 sets selector bit 1 and word 1 bit 1. */
START_TEST(test_selector_word)
{
    long p;

    while ((p = bind_ipi(D_A, 0)) < 65)
        ck_assert_int_gt(p, 0);
    ck_assert_int_eq(p, 65);
    ack_all();
    ck_assert_int_eq(send(D_A, 65), 0);
    ck_assert_uint_eq(sh(D_A)->evtchn_pending[0], 0);
    ck_assert_uint_eq(sh(D_A)->evtchn_pending[1], 1ull << 1);
    ck_assert_uint_eq(sel(D_A, 0), 1ull << 1);
    ck_assert_uint_eq(kicks[D_A][0], 1);
}
END_TEST

/* A masked port gets its pending bit but no upcall; unmask delivers it, once. */
START_TEST(test_mask_and_unmask)
{
    mask(D_A, 1);
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert(pending(D_A, 1));
    ck_assert_uint_eq(sel(D_A, 0), 0);
    ck_assert_uint_eq(upcall(D_A, 0), 0);
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert_int_eq(unmask(D_A, 1), 0);
    ck_assert(!masked(D_A, 1));
    ck_assert_uint_eq(sel(D_A, 0), 1);
    ck_assert_uint_eq(upcall(D_A, 0), 1);
    ck_assert_uint_eq(kicks[D_A][0], 1);
    /* Unmasking an unmasked port does nothing more. */
    ck_assert_int_eq(unmask(D_A, 1), 0);
    ck_assert_uint_eq(kicks[D_A][0], 1);
    /* Unmask of a masked port that is not pending: only the mask bit goes. */
    mask(D_A, 2);
    ck_assert_int_eq(unmask(D_A, 2), 0);
    ck_assert(!masked(D_A, 2));
    ck_assert_uint_eq(total_kicks(), 1);
    /* Any port in range may be unmasked, in use or not (port 0 too), as on Xen. */
    mask(D_A, 100);
    mask(D_A, 0);
    ck_assert_int_eq(unmask(D_A, 100), 0);
    ck_assert_int_eq(unmask(D_A, 0), 0);
    ck_assert(!masked(D_A, 100) && !masked(D_A, 0));
    /* The unmask notifies the port's vCPU: the IPI on vCPU 1 (vcpu_info from the slot). */
    mask(D_A, 4);
    ck_assert_int_eq(send(D_A, 4), 0);
    ck_assert_uint_eq(kicks[D_A][1], 0);
    ck_assert_int_eq(unmask(D_A, 4), 0);
    ck_assert_uint_eq(kicks[D_A][1], 1);
    ck_assert_uint_eq(sel(D_A, 1), 1);
}
END_TEST

/* An IPI notifies the vCPU it was bound to. */
START_TEST(test_ipi)
{
    ck_assert_int_eq(send(D_A, 4), 0);
    ck_assert(pending(D_A, 4));
    ck_assert_uint_eq(sel(D_A, 1), 1);
    ck_assert_uint_eq(upcall(D_A, 1), 1);
    ck_assert_uint_eq(sel(D_A, 0), 0);
    ck_assert_uint_eq(kicks[D_A][1], 1);
    ck_assert_uint_eq(total_kicks(), 1);
}
END_TEST

/* Send through a closed port or a port number that is only another domain's: -EINVAL, quiet. */
START_TEST(test_send_closed_and_foreign)
{
    static struct snap before;

    ck_assert_int_eq(evclose(D_A, 4), 0);
    ck_assert_int_eq(bind_ipi(D_B, 0), 4); /* B has a port 4 now, A has not */
    ack_all();
    snapshot(&before);
    ck_assert_int_eq(send(D_A, 4), -HV_EINVAL);
    ck_assert_int_eq(send(D_A, 7), -HV_EINVAL);
    ck_assert_int_eq(send(D_C, 2), -HV_EINVAL);
    expect_unchanged(&before, "send on closed/foreign port");
    /* An unbound port: accepted, dropped. */
    ck_assert_int_eq(send(D_A, 2), 0);
    expect_unchanged(&before, "send on unbound port");
}
END_TEST

/* bind_vcpu moves an interdomain port's notifications; per-vCPU VIRQs and IPIs stay. */
START_TEST(test_bind_vcpu)
{
    ck_assert_int_eq(bind_vcpu(D_B, 1, 1), 0);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_interdomain, 1, D_A, 1);
    ck_assert_int_eq(send(D_A, 1), 0);
    ck_assert(pending(D_B, 1));
    ck_assert_uint_eq(sel(D_B, 1), 1);
    ck_assert_uint_eq(upcall(D_B, 1), 1);
    ck_assert_uint_eq(sel(D_B, 0), 0);
    ck_assert_uint_eq(upcall(D_B, 0), 0);
    ck_assert_uint_eq(kicks[D_B][1], 1);
    ck_assert_uint_eq(kicks[D_B][0], 0);
    /* An unbound port keeps its vCPU when it is bound. */
    ck_assert_int_eq(bind_vcpu(D_A, 2, 1), 0);
    ck_assert_int_eq(bind_interdomain(D_B, D_A, 2), 4);
    expect_status(D_A, HV_DOMID_SELF, 2, HV_EVTCHNSTAT_interdomain, 1, D_B, 4);
    ack_all();
    ck_assert_int_eq(send(D_B, 4), 0);
    ck_assert_uint_eq(kicks[D_A][1], 1);
    ck_assert_uint_eq(kicks[D_A][0], 0);
    /* A closed port is back on vCPU 0 when reused. */
    ck_assert_int_eq(evclose(D_A, 2), 0);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_B), 2);
    expect_status(D_A, HV_DOMID_SELF, 2, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
}
END_TEST

/* Loopback: both ends in one domain. */
START_TEST(test_loopback)
{
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, HV_DOMID_SELF), 7);
    ck_assert_int_eq(bind_interdomain(D_A, HV_DOMID_SELF, 7), 8);
    expect_status(D_A, HV_DOMID_SELF, 7, HV_EVTCHNSTAT_interdomain, 0, D_A, 8);
    expect_status(D_A, HV_DOMID_SELF, 8, HV_EVTCHNSTAT_interdomain, 0, D_A, 7);
    ack_all();
    ck_assert_int_eq(send(D_A, 7), 0);
    ck_assert(pending(D_A, 8));
    ck_assert(!pending(D_A, 7));
    ck_assert_int_eq(send(D_A, 8), 0);
    ck_assert(pending(D_A, 7));
    ck_assert_int_eq(evclose(D_A, 7), 0);
    expect_status(D_A, HV_DOMID_SELF, 8, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
    ck_assert(!pending(D_A, 7));
    ck_assert_int_eq(bind_interdomain(D_A, D_A, 8), 7);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * VIRQs. */

START_TEST(test_virq_per_vcpu)
{
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert(pending(D_A, 3));
    ck_assert_uint_eq(sel(D_A, 0), 1);
    ck_assert_uint_eq(kicks[D_A][0], 1);
    /* Not bound on vCPU 1: nothing. */
    evt_send_virq(doms[D_A]->vcpu[1], HV_VIRQ_TIMER);
    ck_assert_uint_eq(total_kicks(), 1);
    ck_assert_uint_eq(sel(D_A, 1), 0);
    /* B bound it on vCPU 1 only. */
    evt_send_virq(doms[D_B]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert_uint_eq(total_kicks(), 1);
    evt_send_virq(doms[D_B]->vcpu[1], HV_VIRQ_TIMER);
    ck_assert(pending(D_B, 3));
    ck_assert_uint_eq(kicks[D_B][1], 1);
    /* Once per vCPU: a second vCPU may bind its own. */
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_TIMER, 1), 7);
    evt_send_virq(doms[D_A]->vcpu[1], HV_VIRQ_TIMER);
    ck_assert(pending(D_A, 7));
    ck_assert_uint_eq(kicks[D_A][1], 1);
    /* Closed: nothing more, and it may be bound again. */
    ck_assert_int_eq(evclose(D_A, 3), 0);
    ack_all();
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert(!pending(D_A, 3));
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_TIMER, 0), 3);
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert_uint_eq(kicks[D_A][0], 1);
}
END_TEST

START_TEST(test_virq_global)
{
    evt_send_global_virq(doms[D_A], HV_VIRQ_DOM_EXC);
    ck_assert(pending(D_A, 6));
    ck_assert_uint_eq(kicks[D_A][0], 1);
    /* Moved to vCPU 1 with bind_vcpu. */
    ck_assert_int_eq(bind_vcpu(D_A, 6, 1), 0);
    expect_status(D_A, HV_DOMID_SELF, 6, HV_EVTCHNSTAT_virq, 1, 0, HV_VIRQ_DOM_EXC);
    ack_all();
    evt_send_global_virq(doms[D_A], HV_VIRQ_DOM_EXC);
    ck_assert_uint_eq(kicks[D_A][1], 1);
    ck_assert_uint_eq(sel(D_A, 1), 1);
    ck_assert_uint_eq(kicks[D_A][0], 0);
    /* Still bound once, on vCPU 0's table: binding it again fails, closing frees it. */
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_DOM_EXC, 0), -HV_EEXIST);
    ck_assert_int_eq(evclose(D_A, 6), 0);
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_DOM_EXC, 0), 6);
    /* Not bound: nothing. */
    ack_all();
    evt_send_global_virq(doms[D_B], HV_VIRQ_DOM_EXC);
    evt_send_global_virq(doms[D_A], HV_VIRQ_CONSOLE);
    ck_assert_uint_eq(total_kicks(), 0);
    /* Arch VIRQs are global on x86. */
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_ARCH_0, 0), 7);
    evt_send_global_virq(doms[D_A], HV_VIRQ_ARCH_0);
    ck_assert(pending(D_A, 7));
}
END_TEST

/* The kernel-side senders assert their VIRQ kind: a wrong one is a hypervisor bug. */
START_TEST(test_virq_wrong_kind_panics)
{
    ck_assert(SUPPORT_PANICS(evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_DOM_EXC)));
    ck_assert(SUPPORT_PANICS(evt_send_virq(doms[D_A]->vcpu[0], HV_NR_VIRQS)));
    ck_assert(SUPPORT_PANICS(evt_send_global_virq(doms[D_A], HV_VIRQ_TIMER)));
    ck_assert(SUPPORT_PANICS(evt_send_global_virq(doms[D_A], HV_NR_VIRQS)));
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * SCHEDOP_poll support: evt_port_pending, and sched_port_pending for every newly pending port. */

START_TEST(test_poll)
{
    ck_assert_int_eq(evt_port_pending(doms[D_A], 1), 0);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 0), 0);
    ck_assert_int_eq(evt_port_pending(doms[D_A], PORTS), 0);
    ck_assert_int_eq(evt_port_pending(doms[D_A], PORTS + 1), -HV_EINVAL);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 4096), -HV_EINVAL);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 0xffffffffu), -HV_EINVAL);
    /* A masked port (Linux polls masked ports for its PV spinlocks): no upcall, no kick, but
     * the scheduler hears of it, in the right domain. */
    mask(D_A, 1);
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 1), 1);
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert_uint_eq(port_pendings[D_A][1], 1);
    ck_assert_uint_eq(port_pendings[D_B][1], 0);
    /* Already pending: nothing new to report. */
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert_uint_eq(port_pendings[D_A][1], 1);
    /* Unmasked ports, IPIs and VIRQs are reported too; unmask is not a new event. */
    ck_assert_int_eq(send(D_A, 4), 0);
    ck_assert_uint_eq(port_pendings[D_A][4], 1);
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert_uint_eq(port_pendings[D_A][3], 1);
    evt_send_global_virq(doms[D_A], HV_VIRQ_DOM_EXC);
    ck_assert_uint_eq(port_pendings[D_A][6], 1);
    ck_assert_int_eq(unmask(D_A, 1), 0);
    ck_assert_uint_eq(port_pendings[D_A][1], 1);
    /* The guest took them: the next send is new again. */
    guest_ack(D_A);
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert_uint_eq(port_pendings[D_A][1], 2);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 1), 1);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Closing, reset, destruction. */

START_TEST(test_close_interdomain)
{
    ck_assert_int_eq(send(D_B, 1), 0);
    ck_assert(pending(D_A, 1));
    ck_assert_int_eq(evclose(D_A, 1), 0);
    ck_assert(!pending(D_A, 1)); /* no stale event for the next user */
    expect_status(D_A, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
    ack_all();
    ck_assert_int_eq(send(D_B, 1), 0); /* unbound: dropped */
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert_int_eq(evclose(D_A, 1), -HV_EINVAL);
    /* B's port waits for A: A binds again (to its lowest free port, 1). */
    ck_assert_int_eq(bind_interdomain(D_A, D_B, 1), 1);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_interdomain, 0, D_A, 1);
    /* Closing from the other side. */
    ck_assert_int_eq(evclose(D_B, 1), 0);
    expect_status(D_A, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
    /* Other kinds. */
    ck_assert_int_eq(evclose(D_A, 2), 0);
    ck_assert_int_eq(evclose(D_A, 4), 0);
    ck_assert_int_eq(evclose(D_A, 6), 0);
    for (uint32_t p = 2; p <= 6; p += 2)
        expect_status(D_A, HV_DOMID_SELF, p, HV_EVTCHNSTAT_closed, 0, 0, 0);
}
END_TEST

START_TEST(test_reset_self)
{
    ck_assert_int_eq(reset(D_A, HV_DOMID_SELF), 0);
    for (uint32_t p = 0; p <= PORTS; p++)
        expect_status(D_A, HV_DOMID_SELF, p, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    ck_assert_uint_eq(total_kicks(), 0);
    /* Usable at once. */
    ck_assert_int_eq(bind_virq(D_A, HV_VIRQ_TIMER, 0), 1);
    ck_assert_int_eq(bind_interdomain(D_A, D_B, 1), 2);
    ck_assert_int_eq(reset(D_A, D_A), 0); /* own id: as DOMID_SELF */
    expect_status(D_A, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_closed, 0, 0, 0);
}
END_TEST

START_TEST(test_reset_by_privileged)
{
    ck_assert_int_eq(reset(D_P, D_B), 0);
    for (uint32_t p = 1; p <= 3; p++)
        expect_status(D_P, D_B, p, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_A, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
    expect_status(D_A, HV_DOMID_SELF, 3, HV_EVTCHNSTAT_virq, 0, 0, HV_VIRQ_TIMER);
}
END_TEST

/* Preempted every 2 closed ports: the call restarts itself (same cmd and argument) until done. */
START_TEST(test_reset_preempted)
{
    struct hv_evtchn_reset a = { HV_DOMID_SELF };
    unsigned int calls = 0;
    long rc;

    preempt_every = 2;
    do {
        rc = op(D_A, HV_EVTCHNOP_reset, &a);
        calls++;
        if (rc == CONT_RC) {
            ck_assert_uint_eq(cont.a[0], HV_EVTCHNOP_reset);
            ck_assert_uint_eq(cont.a[1], (uintptr_t)&a);
        }
        ck_assert_uint_le(calls, 10);
    } while (rc == CONT_RC);
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(cont.count, 3); /* 6 ports, 2 per call; the 4th call finds none */
    for (uint32_t p = 1; p <= 6; p++)
        expect_status(D_A, HV_DOMID_SELF, p, HV_EVTCHNSTAT_closed, 0, 0, 0);
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
}
END_TEST

/* A dies: B's end becomes unbound waiting for A, B keeps working with others, nothing reaches A. */
START_TEST(test_destroy_one_side)
{
    static struct snap before;

    ck_assert_int_eq(send(D_B, 1), 0);
    gone[D_A] = true; /* dom_destroy: off the table first */
    evt_domain_destroy(doms[D_A]);
    check_quiescent();
    expect_status(D_B, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_A, 0);
    expect_status(D_B, HV_DOMID_SELF, 3, HV_EVTCHNSTAT_virq, 1, 0, HV_VIRQ_TIMER);
    ack_all();
    snapshot(&before);
    memcpy(before.page[D_A], doms[D_A]->shared_info, 4096);
    ck_assert_int_eq(send(D_B, 1), 0);
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    evt_send_global_virq(doms[D_A], HV_VIRQ_DOM_EXC);
    ck_assert(!memcmp(before.page[D_A], doms[D_A]->shared_info, 4096));
    ck_assert_uint_eq(total_kicks(), 0);
    ck_assert_int_eq(bind_interdomain(D_B, D_A, 2), -HV_ESRCH);
    ck_assert_int_eq(alloc_unbound(D_P, D_A, D_B), -HV_ESRCH);
    ck_assert_int_eq(evt_port_pending(doms[D_A], 1), 0);
    /* B with C. */
    ck_assert_int_eq(bind_interdomain(D_C, D_B, 2), 1);
    ck_assert_int_eq(send(D_C, 1), 0);
    ck_assert(pending(D_B, 2));
    ck_assert_int_eq(alloc_unbound(D_B, HV_DOMID_SELF, D_C), 4);
    ck_assert_int_eq(bind_interdomain(D_C, D_B, 4), 2);
    /* Twice is harmless; then freed (teardown does it again: no-op). */
    evt_domain_destroy(doms[D_A]);
    evt_domain_free(doms[D_A]);
    ck_assert_ptr_null(doms[D_A]->evt);
}
END_TEST

/* A dying domain can neither gain ports nor be bound to, even through an old reference. */
START_TEST(test_dying_refuses_new_ports)
{
    evt_domain_destroy(doms[D_B]); /* still in the table: a caller that got it earlier */
    ck_assert_int_eq(alloc_unbound(D_P, D_B, D_A), -HV_EINVAL);
    ck_assert_int_eq(bind_interdomain(D_A, D_B, 1), -HV_EINVAL);
    expect_status(D_A, HV_DOMID_SELF, 1, HV_EVTCHNSTAT_unbound, 0, D_B, 0);
}
END_TEST

/* Ops that only read their argument work with a read-only one. */
START_TEST(test_read_only_arg_for_in_only_ops)
{
    ro_arg.send.port = 1;
    ck_assert_int_eq(hc(D_B, 0, HV_EVTCHNOP_send, (uintptr_t)&ro_arg), 0);
    ck_assert(pending(D_A, 1));
    ro_arg.bind_vcpu = (struct hv_evtchn_bind_vcpu){ 1, 1 };
    ck_assert_int_eq(hc(D_A, 1, HV_EVTCHNOP_bind_vcpu, (uintptr_t)&ro_arg), 0);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Concurrency: two threads (vCPUs of A and B) at a time make, use and undo links between A and
 * B, close and reset ports and raise VIRQs, with the real spinlocks. A lock-order mistake hangs
 * (the test times out), a lifetime mistake is a use-after-free (ASan); afterwards every link
 * has two matching ends. Two threads, not more: a ticket lock whose holder the host preempts
 * stalls every waiter for a time slice, and build machines may have two CPUs. */

#define STRESS_ROUNDS 1500
#define STRESS_PORTS 16 /* the ports the threads fight over */

static uint32_t stress_offer;  /* the latest port of A waiting for B */
static unsigned int stress_bad; /* results no operation may return */
static unsigned int stress_links, stress_delivered;

static void stress_expect(long rc, long ok1, long ok2)
{
    if (rc != 0 && rc != ok1 && rc != ok2)
        __atomic_fetch_add(&stress_bad, 1, __ATOMIC_RELAXED);
}

/* A offers a port to B, closes one of its ports (maybe a link: A has the lower id, so it locks
 * in order at once), now and then resets itself. */
static void stress_a_step(unsigned int i)
{
    struct hv_evtchn_alloc_unbound au = { HV_DOMID_SELF, D_B, 0 };
    long rc = op(D_A, HV_EVTCHNOP_alloc_unbound, &au);

    stress_expect(rc, -HV_ENOSPC, 0);
    if (rc == 0)
        __atomic_store_n(&stress_offer, au.port, __ATOMIC_RELEASE);
    stress_expect(evclose(D_A, 1 + (i * 5) % STRESS_PORTS), -HV_EINVAL, 0);
    if (i % 997 == 996)
        stress_expect(reset(D_A, HV_DOMID_SELF), 0, 0);
}

/* B binds to A's latest offer, sends, moves and closes its end (B has the higher id: its close
 * drops its lock and takes both in order). */
static void stress_b_step(unsigned int i)
{
    long p = bind_interdomain(D_B, D_A, __atomic_load_n(&stress_offer, __ATOMIC_ACQUIRE));

    stress_expect(p > 0 ? 0 : p, -HV_EINVAL, -HV_ENOSPC);
    stress_expect(evclose(D_B, 1 + (i * 3) % STRESS_PORTS), -HV_EINVAL, 0); /* keep ports low */
    if (p <= 0)
        return;
    __atomic_fetch_add(&stress_links, 1, __ATOMIC_RELAXED);
    stress_expect(send(D_B, (uint32_t)p), -HV_EINVAL, 0);
    stress_expect(bind_vcpu(D_B, (uint32_t)p, i & 1), -HV_EINVAL, 0);
    if (i & 2)
        stress_expect(evclose(D_B, (uint32_t)p), -HV_EINVAL, 0);
}

/* Traffic: both sides send through ports 1..16 (links, closed ports, VIRQs), a "timer
 * interrupt" raises A's VIRQ_TIMER, the guests take their events now and then. */
static void stress_traffic_step(unsigned int i)
{
    struct hv_evtchn_send a = { 1 + i % STRESS_PORTS };
    long rc = hc(i & 1 ? D_A : D_B, 1, HV_EVTCHNOP_send, (uintptr_t)&a);

    stress_expect(rc, -HV_EINVAL, 0);
    if (rc == 0)
        __atomic_fetch_add(&stress_delivered, 1, __ATOMIC_RELAXED);
    evt_send_virq(doms[D_A]->vcpu[0], HV_VIRQ_TIMER);
    if (i % 32 == 0) {
        long p = bind_virq(D_A, HV_VIRQ_TIMER, 0);

        stress_expect(p > 0 ? 0 : p, -HV_EEXIST, -HV_ENOSPC);
        guest_ack(i & 32 ? D_A : D_B);
    }
}

static int stress_a(void *arg __unused)
{
    for (unsigned int i = 0; i < STRESS_ROUNDS; i++)
        stress_a_step(i);
    return 0;
}

static int stress_b(void *arg __unused)
{
    for (unsigned int i = 0; i < STRESS_ROUNDS; i++)
        stress_b_step(i);
    return 0;
}

/* Links made and undone by one thread while the other sends through them. */
static int stress_churn(void *arg __unused)
{
    for (unsigned int i = 0; i < STRESS_ROUNDS; i++) {
        stress_a_step(i);
        stress_b_step(i);
    }
    return 0;
}

static int stress_traffic(void *arg __unused)
{
    for (unsigned int i = 0; i < 2 * STRESS_ROUNDS; i++)
        stress_traffic_step(i);
    return 0;
}

static void stress_pair(thrd_start_t f, thrd_start_t g)
{
    thrd_t t[2];

    concurrent = true;
    ck_assert_int_eq(thrd_create(&t[0], f, NULL), thrd_success);
    ck_assert_int_eq(thrd_create(&t[1], g, NULL), thrd_success);
    ck_assert_int_eq(thrd_join(t[0], NULL), thrd_success);
    ck_assert_int_eq(thrd_join(t[1], NULL), thrd_success);
    concurrent = false;
    check_quiescent();
    ck_assert_uint_eq(stress_bad, 0);
}

/* Every interdomain port of d has a peer that points back to it. */
static void expect_links_consistent(uint16_t d)
{
    for (uint32_t p = 1; p <= PORTS; p++) {
        struct hv_evtchn_status st, peer;

        ck_assert_int_eq(status(D_P, d, p, &st), 0);
        if (st.status != HV_EVTCHNSTAT_interdomain)
            continue;
        ck_assert_int_eq(status(D_P, st.u.interdomain.dom, st.u.interdomain.port, &peer), 0);
        ck_assert_uint_eq(peer.status, HV_EVTCHNSTAT_interdomain);
        ck_assert_uint_eq(peer.u.interdomain.dom, d);
        ck_assert_uint_eq(peer.u.interdomain.port, p);
    }
}

START_TEST(test_concurrent)
{
    long p;

    stress_pair(stress_a, stress_b);
    expect_links_consistent(D_A);
    expect_links_consistent(D_B);
    stress_pair(stress_churn, stress_traffic);
    expect_links_consistent(D_A);
    expect_links_consistent(D_B);
    /* The races happened: links were made, events went through. */
    ck_assert_uint_gt(stress_links, STRESS_ROUNDS / 4);
    ck_assert_uint_gt(stress_delivered, STRESS_ROUNDS / 4);
    /* Both still work: a fresh link carries an event. */
    ck_assert_int_eq(reset(D_A, HV_DOMID_SELF), 0);
    expect_links_consistent(D_B);
    ck_assert_int_eq(alloc_unbound(D_A, HV_DOMID_SELF, D_B), 1);
    p = bind_interdomain(D_B, D_A, 1);
    ck_assert_int_gt(p, 0);
    guest_ack(D_A);
    ck_assert_int_eq(send(D_B, (uint32_t)p), 0);
    ck_assert(pending(D_A, 1));
}
END_TEST

static Suite *evtchn_suite(void)
{
    Suite *s = suite_create("evtchn");
    TCase *tc = tcase_create("evtchn");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 20); /* a lock left held would spin: fail rather than hang */
    tcase_add_loop_test(tc, test_hostile, 0, (int)ARRAY_SIZE(hostile));
    tcase_add_test(tc, test_status_of_each_kind);
    tcase_add_test(tc, test_alloc_unbound);
    tcase_add_test(tc, test_exhaustion);
    tcase_add_test(tc, test_exhaustion_full_size);
    tcase_add_test(tc, test_domain_init_errors);
    tcase_add_test(tc, test_no_event_channels);
    tcase_add_test(tc, test_free_before_destroy_panics);
    tcase_add_test(tc, test_interdomain_send);
    tcase_add_test(tc, test_no_kick_while_upcall_pending);
    tcase_add_test(tc, test_bind_makes_pending);
    tcase_add_test(tc, test_selector_word);
    tcase_add_test(tc, test_mask_and_unmask);
    tcase_add_test(tc, test_ipi);
    tcase_add_test(tc, test_send_closed_and_foreign);
    tcase_add_test(tc, test_bind_vcpu);
    tcase_add_test(tc, test_loopback);
    tcase_add_test(tc, test_virq_per_vcpu);
    tcase_add_test(tc, test_virq_global);
    tcase_add_test(tc, test_virq_wrong_kind_panics);
    tcase_add_test(tc, test_poll);
    tcase_add_test(tc, test_close_interdomain);
    tcase_add_test(tc, test_reset_self);
    tcase_add_test(tc, test_reset_by_privileged);
    tcase_add_test(tc, test_reset_preempted);
    tcase_add_test(tc, test_destroy_one_side);
    tcase_add_test(tc, test_dying_refuses_new_ports);
    tcase_add_test(tc, test_read_only_arg_for_in_only_ops);
    suite_add_tcase(s, tc);
    /* Usually well under a second; a loaded host that preempts lock holders can make it slow. */
    tc = tcase_create("concurrent");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_concurrent);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(evtchn_suite());
    int failed;

    install_cli_handler(); /* inherited by Check's forked test processes */
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
