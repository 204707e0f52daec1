/* evtchn.c - event channels: each domain's port table, bindings (interdomain, VIRQ, IPI), delivery
 * through the ABI variant (2-level) and the event_channel_op hypercall. */
#include "domain/domain.h"
#include "events/events.h"
#include "events/evtchn_2l.h"
#include "hv/errno.h"
#include "hv/event_channel.h"
#include "hv/xen.h"
#include "hypercall/hypercall.h"
#include "sched/sched.h"

BUILD_BUG_ON(EVT_MAX_PORT != HV_EVTCHN_2L_NR_CHANNELS - 1);
BUILD_BUG_ON(DOM_MAX_VCPUS > 255); /* evt_port.vcpu */

/* Port states (Xen's ECS_*; no PIRQ: Hearth has no passthrough). EVT_FREE must be 0. */
enum evt_state { EVT_FREE, EVT_RESERVED, EVT_UNBOUND, EVT_INTERDOMAIN, EVT_VIRQ, EVT_IPI };

/* One port, in hypervisor memory: the truth about the port, whatever shared_info says. */
struct evt_port {
    uint8_t state; /* EVT_* */
    /* The vCPU it notifies; 0 when free. Accessed atomically: send reads the peer's without
     * the peer's lock. */
    uint8_t vcpu;
    union {
        uint16_t unbound_dom; /* UNBOUND: the domain that may bind to it */
        struct {
            struct domain *dom; /* alive while the link exists (destroy unlinks first) */
            uint32_t port;
        } remote;      /* INTERDOMAIN: the other end */
        uint32_t virq; /* VIRQ */
    } u;
};

/*
 * A domain's event channels. Lock legend: [e] lock (irqsave: VIRQs are raised from interrupt
 * handlers); [e+l] lock and evt_link_lock to change, either to read (an interdomain link joins
 * two domains: it is made and undone holding the link lock and both domains' locks); [i] set by
 * evt_domain_init, constant after.
 */
struct evt_domain {
    struct spinlock lock;          /* first member: host tests check it is free after each op */
    const struct evt_abi_ops *ops; /* [i] */
    uint32_t max_port;             /* [i] ports 0 .. max_port exist */
    bool dead;                     /* [e] evt_domain_destroy began: no new ports, no delivery */
    /* [e] the port bound to each VIRQ of each vCPU (global VIRQs: on vCPU 0); 0 none. */
    uint16_t virq_port[DOM_MAX_VCPUS][HV_NR_VIRQS];
    struct evt_port port[]; /* [e], INTERDOMAIN links [e+l]; 0 .. max_port */
};
BUILD_BUG_ON(offsetof(struct evt_domain, lock) != 0);

/* Serialises making and undoing interdomain links, so that the other end of a link stays
 * alive while both locks are taken in domain-id order. Taken before any event lock, never from
 * interrupt handlers. */
static struct spinlock evt_link_lock = SPINLOCK_INIT;

/* ---- locks and ports ---------------------------------------------------------------------- */

/* Take the event locks of a and b (b may be a), lower domain id first; returns the irq flags. */
static uint64_t lock2(struct domain *a, struct domain *b)
{
    uint64_t flags = irq_save();
    struct domain *first = a->id <= b->id ? a : b, *second = first == a ? b : a;

    spin_lock(&first->evt->lock);
    if (second != first)
        spin_lock(&second->evt->lock);
    return flags;
}

static void unlock2(struct domain *a, struct domain *b, uint64_t flags)
{
    if (b != a)
        spin_unlock(&b->evt->lock);
    spin_unlock(&a->evt->lock);
    irq_restore(flags);
}

/* Xen's virq_is_global: all but the per-vCPU four (on x86 the arch VIRQs are global too). */
static bool is_virq_global(uint32_t virq)
{
    return virq != HV_VIRQ_TIMER && virq != HV_VIRQ_DEBUG && virq != HV_VIRQ_XENOPROF &&
           virq != HV_VIRQ_XENPMU;
}

/* Port p of e, or NULL if p is above the domain's limit. */
static struct evt_port *port_of(struct evt_domain *e, uint32_t p)
{
    return p <= e->max_port ? &e->port[p] : NULL;
}

/* The lowest free port >= 1 (as Xen's get_free_port), -HV_ENOSPC if none, -HV_EINVAL if the
 * domain is dying. Caller holds [e]. */
static int port_alloc(struct evt_domain *e)
{
    if (e->dead)
        return -HV_EINVAL;
    for (uint32_t p = 1; p <= e->max_port; p++)
        if (e->port[p].state == EVT_FREE)
            return (int)p;
    return -HV_ENOSPC;
}

/* Back to free: no stale pending bit for the next user, notification back to vCPU 0. Caller
 * holds [e]. */
static void port_free(struct domain *d, uint32_t p)
{
    struct evt_port *pt = &d->evt->port[p];

    d->evt->ops->clear_pending(d, p);
    pt->state = EVT_FREE;
    __atomic_store_n(&pt->vcpu, 0, __ATOMIC_RELAXED);
    memset(&pt->u, 0, sizeof(pt->u));
}

/* Make port p of d pending for vCPU vcpu_id and notify whoever must know: the vCPU if its upcall
 * became pending, the scheduler for vCPUs polling p (even a masked p: Linux polls masked ports
 * for its PV spinlocks, as Xen's evtchn_check_pollers). Caller holds a lock that keeps the port
 * bound: d's [e], or the peer's for an interdomain port. */
static void port_set_pending(struct domain *d, unsigned int vcpu_id, uint32_t p)
{
    struct vcpu *v = dom_vcpu(d, vcpu_id);
    unsigned int r;

    ASSERT(v); /* checked when the port was bound; nr_vcpus never changes */
    r = d->evt->ops->set_pending(d, v, p);
    if (r & EVT_KICK)
        sched_vcpu_kick(v);
    if (r & EVT_NEWLY_PENDING)
        sched_port_pending(d, p);
}

/* ---- closing ------------------------------------------------------------------------------ */

/* Close port p of d: 0, or -HV_EINVAL if it is reserved or free. Caller holds evt_link_lock,
 * d's [e] and, for an interdomain port, the peer's [e]. */
static long port_close_locked(struct domain *d, uint32_t p)
{
    struct evt_domain *e = d->evt;
    struct evt_port *pt = &e->port[p], *peer;

    switch (pt->state) {
    case EVT_FREE:
    case EVT_RESERVED:
        return -HV_EINVAL;
    case EVT_VIRQ:
        e->virq_port[is_virq_global(pt->u.virq) ? 0 : pt->vcpu][pt->u.virq] = 0;
        break;
    case EVT_INTERDOMAIN:
        peer = &pt->u.remote.dom->evt->port[pt->u.remote.port];
        ASSERT(peer->state == EVT_INTERDOMAIN && peer->u.remote.dom == d);
        peer->state = EVT_UNBOUND;
        peer->u.unbound_dom = d->id; /* waits for us again, as on Xen */
        break;
    default: /* EVT_UNBOUND, EVT_IPI: nothing else refers to them */
        break;
    }
    port_free(d, p);
    return 0;
}

/* Close port p of d: 0, or -HV_EINVAL if p is above the limit, reserved or free. Takes the
 * link lock and the event locks. */
static long port_close(struct domain *d, uint32_t p)
{
    struct evt_domain *e = d->evt;
    struct domain *peer;
    uint64_t flags;
    long rc;

    if (p > e->max_port)
        return -HV_EINVAL;
    spin_lock(&evt_link_lock);
    flags = spin_lock_irqsave(&e->lock);
    if (e->port[p].state != EVT_INTERDOMAIN) {
        rc = port_close_locked(d, p);
        spin_unlock_irqrestore(&e->lock, flags);
        goto out;
    }
    /* Relock in id order; the link cannot change meanwhile: we hold the link lock. */
    peer = e->port[p].u.remote.dom;
    spin_unlock_irqrestore(&e->lock, flags);
    flags = lock2(d, peer);
    rc = port_close_locked(d, p);
    unlock2(d, peer, flags);
out:
    spin_unlock(&evt_link_lock);
    return rc;
}

/* ---- life cycle and kernel-side delivery -------------------------------------------------- */

int evt_domain_init(struct domain *d, uint32_t max_port)
{
    struct evt_domain *e;

    if (max_port == 0 || max_port > EVT_MAX_PORT)
        return -HV_EINVAL;
    ASSERT(!d->evt);
    e = xzalloc(sizeof(*e) + (max_port + 1) * sizeof(e->port[0]));
    if (!e)
        return -HV_ENOMEM;
    e->ops = &evt_2l_ops;
    e->max_port = max_port;
    e->port[0].state = EVT_RESERVED;
    __atomic_store_n(&d->evt, e, __ATOMIC_RELEASE); /* others may look at d already */
    return 0;
}

void evt_domain_destroy(struct domain *d)
{
    struct evt_domain *e = d->evt;
    uint64_t flags;

    if (!e)
        return;
    flags = spin_lock_irqsave(&e->lock);
    e->dead = true;
    spin_unlock_irqrestore(&e->lock, flags);
    for (uint32_t p = 1; p <= e->max_port; p++)
        port_close(d, p); /* -HV_EINVAL for the free ones */
}

void evt_domain_free(struct domain *d)
{
    if (!d->evt)
        return;
    if (!d->evt->dead)
        panic("evt_domain_free: d%u still has event channels", d->id);
    xfree(d->evt);
    d->evt = NULL;
}

void evt_send_virq(struct vcpu *v, unsigned int virq)
{
    struct domain *d = v->domain;
    struct evt_domain *e = d->evt;
    uint64_t flags;
    uint32_t p;

    ASSERT(virq < HV_NR_VIRQS && !is_virq_global(virq));
    if (!e)
        return;
    flags = spin_lock_irqsave(&e->lock);
    p = e->virq_port[v->id][virq];
    if (p && !e->dead)
        port_set_pending(d, v->id, p);
    spin_unlock_irqrestore(&e->lock, flags);
}

void evt_send_global_virq(struct domain *d, unsigned int virq)
{
    struct evt_domain *e = d->evt;
    uint64_t flags;
    uint32_t p;

    ASSERT(virq < HV_NR_VIRQS && is_virq_global(virq));
    if (!e)
        return;
    flags = spin_lock_irqsave(&e->lock);
    p = e->virq_port[0][virq];
    if (p && !e->dead)
        port_set_pending(d, e->port[p].vcpu, p);
    spin_unlock_irqrestore(&e->lock, flags);
}

int evt_port_pending(struct domain *d, uint32_t port)
{
    if (!d->evt || port > d->evt->max_port)
        return -HV_EINVAL;
    return d->evt->ops->is_pending(d, port) ? 1 : 0;
}

/* ---- the hypercall ------------------------------------------------------------------------ */

/* The argument of any op, copied in once. */
union evt_arg {
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
};

/*
 * The domain an op names by id (HV_DOMID_SELF or the caller's own: the caller's domain, no
 * reference; another: a dom_get reference, for the privileged caller only). 0, -HV_ESRCH (no
 * such domain, or it has no event channels), -HV_EPERM. Release with target_put.
 */
static long target_get(struct domain *self, hv_domid_t id, struct domain **out)
{
    struct domain *d;

    if (id == HV_DOMID_SELF || id == self->id) {
        *out = self;
        return 0;
    }
    d = dom_get(id);
    if (!d || !d->evt) {
        if (d)
            dom_put(d);
        return -HV_ESRCH;
    }
    if (!self->privileged) {
        dom_put(d);
        return -HV_EPERM;
    }
    *out = d;
    return 0;
}

static void target_put(struct domain *self, struct domain *d)
{
    if (d != self)
        dom_put(d);
}

static long op_alloc_unbound(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_alloc_unbound *x = &a->alloc_unbound;
    struct domain *self = c->v->domain, *d;
    uint64_t flags;
    long rc = target_get(self, x->dom, &d);
    int p;

    if (rc)
        return rc;
    flags = spin_lock_irqsave(&d->evt->lock);
    p = port_alloc(d->evt);
    if (p > 0) {
        d->evt->port[p].state = EVT_UNBOUND;
        /* Any id, as on Xen: the remote domain need not exist yet. */
        d->evt->port[p].u.unbound_dom = x->remote_dom == HV_DOMID_SELF ? self->id : x->remote_dom;
        x->port = (uint32_t)p;
    }
    spin_unlock_irqrestore(&d->evt->lock, flags);
    target_put(self, d);
    return p > 0 ? 0 : p;
}

/* bind_interdomain's checks: a free local port (returned) and <rd, rport> unbound, waiting for
 * ld. Caller holds both event locks. */
static int interdomain_check(struct domain *ld, struct domain *rd, uint32_t rport)
{
    struct evt_port *rp = port_of(rd->evt, rport);
    int lport;

    if (rd->evt->dead)
        return -HV_EINVAL;
    lport = port_alloc(ld->evt);
    if (lport < 0)
        return lport;
    if (!rp || rp->state != EVT_UNBOUND || rp->u.unbound_dom != ld->id)
        return -HV_EINVAL;
    return lport;
}

/* Join <ld, lport> and <rd, rport>. Caller holds the link lock and both event locks. */
static void interdomain_link(struct domain *ld, uint32_t lport, struct domain *rd, uint32_t rport)
{
    struct evt_port *lp = &ld->evt->port[lport], *rp = &rd->evt->port[rport];

    lp->state = EVT_INTERDOMAIN;
    lp->u.remote.dom = rd;
    lp->u.remote.port = rport;
    rp->state = EVT_INTERDOMAIN; /* rp keeps the vCPU it notifies */
    rp->u.remote.dom = ld;
    rp->u.remote.port = lport;
    /* The peer may have sent while its port was unbound (dropped): make up for it, as Xen. */
    port_set_pending(ld, lp->vcpu, lport);
}

static long op_bind_interdomain(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_bind_interdomain *x = &a->bind_interdomain;
    struct domain *ld = c->v->domain, *rd;
    uint64_t flags;
    int lport;

    if (x->remote_dom == HV_DOMID_SELF || x->remote_dom == ld->id)
        rd = ld;
    else if (!(rd = dom_get(x->remote_dom)))
        return -HV_ESRCH;
    if (!rd->evt) {
        target_put(ld, rd);
        return -HV_EINVAL; /* no valid port there */
    }
    spin_lock(&evt_link_lock);
    flags = lock2(ld, rd);
    lport = interdomain_check(ld, rd, x->remote_port);
    if (lport > 0) {
        interdomain_link(ld, (uint32_t)lport, rd, x->remote_port);
        x->local_port = (uint32_t)lport;
    }
    unlock2(ld, rd, flags);
    spin_unlock(&evt_link_lock);
    target_put(ld, rd);
    return lport > 0 ? 0 : lport;
}

static long op_bind_virq(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_bind_virq *x = &a->bind_virq;
    struct domain *d = c->v->domain;
    struct evt_domain *e = d->evt;
    uint64_t flags;
    int p;

    if (x->virq >= HV_NR_VIRQS || (is_virq_global(x->virq) && x->vcpu != 0))
        return -HV_EINVAL; /* global VIRQs are bound on vCPU 0 (bind_vcpu moves them) */
    if (!dom_vcpu(d, x->vcpu))
        return -HV_ENOENT;
    flags = spin_lock_irqsave(&e->lock);
    p = e->virq_port[x->vcpu][x->virq] ? -HV_EEXIST : port_alloc(e);
    if (p > 0) {
        e->port[p].state = EVT_VIRQ;
        e->port[p].vcpu = (uint8_t)x->vcpu;
        e->port[p].u.virq = x->virq;
        e->virq_port[x->vcpu][x->virq] = (uint16_t)p;
        x->port = (uint32_t)p;
    }
    spin_unlock_irqrestore(&e->lock, flags);
    return p > 0 ? 0 : p;
}

static long op_bind_ipi(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_bind_ipi *x = &a->bind_ipi;
    struct domain *d = c->v->domain;
    struct evt_domain *e = d->evt;
    uint64_t flags;
    int p;

    if (!dom_vcpu(d, x->vcpu))
        return -HV_ENOENT;
    flags = spin_lock_irqsave(&e->lock);
    p = port_alloc(e);
    if (p > 0) {
        e->port[p].state = EVT_IPI;
        e->port[p].vcpu = (uint8_t)x->vcpu;
        x->port = (uint32_t)p;
    }
    spin_unlock_irqrestore(&e->lock, flags);
    return p > 0 ? 0 : p;
}

/* No device passthrough yet, so no physical IRQs to bind: Xen's answer when built without PIRQ
 * support (CONFIG_HAS_PIRQ off in common/event_channel.c). */
static long op_bind_pirq(struct hc_call *c __unused, union evt_arg *a __unused)
{
    return -HV_EOPNOTSUPP;
}

static long op_close(struct hc_call *c, union evt_arg *a)
{
    return port_close(c->v->domain, a->close.port);
}

/* Send through port p of d. Caller holds d's [e]: that keeps an interdomain link (and so the
 * peer) in place, as undoing it needs both domains' locks. */
static long send_locked(struct domain *d, uint32_t p)
{
    struct evt_port *pt = port_of(d->evt, p);
    struct domain *rd;
    uint32_t rp;

    if (!pt)
        return -HV_EINVAL;
    switch (pt->state) {
    case EVT_INTERDOMAIN:
        rd = pt->u.remote.dom;
        rp = pt->u.remote.port;
        port_set_pending(rd, __atomic_load_n(&rd->evt->port[rp].vcpu, __ATOMIC_RELAXED), rp);
        return 0;
    case EVT_IPI:
        port_set_pending(d, pt->vcpu, p);
        return 0;
    case EVT_UNBOUND:
        return 0; /* nobody listens yet: dropped, as on Xen */
    default:
        return -HV_EINVAL; /* free, reserved, VIRQ */
    }
}

static long op_send(struct hc_call *c, union evt_arg *a)
{
    struct evt_domain *e = c->v->domain->evt;
    uint64_t flags = spin_lock_irqsave(&e->lock);
    long rc = send_locked(c->v->domain, a->send.port);

    spin_unlock_irqrestore(&e->lock, flags);
    return rc;
}

/* Fill x's OUT fields from port pt (Xen's evtchn_status). Caller holds [e]. */
static void status_fill(struct hv_evtchn_status *x, const struct evt_port *pt)
{
    static const uint32_t stat[] = {
        [EVT_FREE] = HV_EVTCHNSTAT_closed,     [EVT_RESERVED] = HV_EVTCHNSTAT_closed,
        [EVT_UNBOUND] = HV_EVTCHNSTAT_unbound, [EVT_INTERDOMAIN] = HV_EVTCHNSTAT_interdomain,
        [EVT_VIRQ] = HV_EVTCHNSTAT_virq,       [EVT_IPI] = HV_EVTCHNSTAT_ipi,
    };

    x->status = stat[pt->state];
    x->vcpu = pt->vcpu;
    memset(&x->u, 0, sizeof(x->u));
    if (pt->state == EVT_UNBOUND) {
        x->u.unbound.dom = pt->u.unbound_dom;
    } else if (pt->state == EVT_INTERDOMAIN) {
        x->u.interdomain.dom = pt->u.remote.dom->id;
        x->u.interdomain.port = pt->u.remote.port;
    } else if (pt->state == EVT_VIRQ) {
        x->u.virq = pt->u.virq;
    }
}

static long op_status(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_status *x = &a->status;
    struct domain *self = c->v->domain, *d;
    struct evt_port *pt;
    uint64_t flags;
    long rc = target_get(self, x->dom, &d);

    if (rc)
        return rc;
    flags = spin_lock_irqsave(&d->evt->lock);
    pt = port_of(d->evt, x->port);
    if (pt)
        status_fill(x, pt);
    spin_unlock_irqrestore(&d->evt->lock, flags);
    target_put(self, d);
    return pt ? 0 : -HV_EINVAL;
}

static long op_bind_vcpu(struct hc_call *c, union evt_arg *a)
{
    struct hv_evtchn_bind_vcpu *x = &a->bind_vcpu;
    struct domain *d = c->v->domain;
    struct evt_port *pt;
    uint64_t flags;
    long rc = -HV_EINVAL;

    if (!dom_vcpu(d, x->vcpu))
        return -HV_ENOENT;
    flags = spin_lock_irqsave(&d->evt->lock);
    pt = port_of(d->evt, x->port);
    /* Per-vCPU VIRQs and IPIs stay where they were bound (Xen's evtchn_bind_vcpu). */
    if (pt && (pt->state == EVT_UNBOUND || pt->state == EVT_INTERDOMAIN ||
               (pt->state == EVT_VIRQ && is_virq_global(pt->u.virq)))) {
        __atomic_store_n(&pt->vcpu, (uint8_t)x->vcpu, __ATOMIC_RELAXED);
        rc = 0;
    }
    spin_unlock_irqrestore(&d->evt->lock, flags);
    return rc;
}

static long op_unmask(struct hc_call *c, union evt_arg *a)
{
    struct domain *d = c->v->domain;
    struct evt_port *pt;
    uint64_t flags = spin_lock_irqsave(&d->evt->lock);
    struct vcpu *v;

    /* Any port in range, in use or not, as on Xen: it only touches the guest's own bits. */
    pt = port_of(d->evt, a->unmask.port);
    if (pt) {
        v = dom_vcpu(d, pt->vcpu);
        if (d->evt->ops->unmask(d, v, a->unmask.port) & EVT_KICK)
            sched_vcpu_kick(v);
    }
    spin_unlock_irqrestore(&d->evt->lock, flags);
    return pt ? 0 : -HV_EINVAL;
}

/*
 * Close every port of the target. Preemptible: after each HC_PREEMPT_BATCH ports actually closed
 * the call restarts itself from the beginning; the ports already closed are free and cost only
 * a look, so every restart makes progress.
 */
static long op_reset(struct hc_call *c, union evt_arg *a)
{
    struct domain *self = c->v->domain, *d;
    uint64_t closed = 0;
    long rc = target_get(self, a->reset.dom, &d);

    if (rc)
        return rc;
    for (uint32_t p = 1; p <= d->evt->max_port; p++) {
        if (port_close(d, p) == 0)
            closed++;
        if (hc_should_preempt(c, closed)) {
            rc = hc_continue(c, HV_EVTCHNOP_reset, c->arg[1], 0, 0, 0);
            break;
        }
    }
    target_put(self, d);
    return rc;
}

/* FIFO ABI: not implemented; guests (Linux) fall back to the 2-level ABI on any error. */
static long op_fifo(struct hc_call *c __unused, union evt_arg *a __unused)
{
    return -HV_ENOSYS;
}

/* One row per op: its handler, its argument's size, whether it has OUT fields (copied back on
 * success; the argument must then be writable before anything changes). */
struct evt_op {
    long (*fn)(struct hc_call *c, union evt_arg *a);
    uint32_t size;
    bool out;
};

#define EVT_OP(name, handler, has_out)                                                             \
    [HV_EVTCHNOP_##name] = {handler, sizeof(struct hv_evtchn_##name), has_out}

static const struct evt_op evt_ops[] = {
    EVT_OP(bind_interdomain, op_bind_interdomain, true),
    EVT_OP(bind_virq, op_bind_virq, true),
    EVT_OP(bind_pirq, op_bind_pirq, true),
    EVT_OP(close, op_close, false),
    EVT_OP(send, op_send, false),
    EVT_OP(status, op_status, true),
    EVT_OP(alloc_unbound, op_alloc_unbound, true),
    EVT_OP(bind_ipi, op_bind_ipi, true),
    EVT_OP(bind_vcpu, op_bind_vcpu, false),
    EVT_OP(unmask, op_unmask, false),
    EVT_OP(reset, op_reset, false),
    EVT_OP(init_control, op_fifo, true),
    EVT_OP(expand_array, op_fifo, false),
    EVT_OP(set_priority, op_fifo, false),
};

long evt_hc_event_channel_op(struct hc_call *c)
{
    uint64_t cmd = c->arg[0], va = c->arg[1];
    const struct evt_op *op;
    union evt_arg a;
    long rc;

    if (cmd >= ARRAY_SIZE(evt_ops) || !c->v->domain->evt)
        return -HV_ENOSYS;
    op = &evt_ops[cmd];
    if (copy_from_guest(&a, va, op->size))
        return -HV_EFAULT;
    /* Write the argument back unchanged first: a read-only one fails before any change
     * (Xen would change state and then return -EFAULT). */
    if (op->out && copy_to_guest(va, &a, op->size))
        return -HV_EFAULT;
    rc = op->fn(c, &a);
    if (rc == 0 && op->out && copy_to_guest(va, &a, op->size))
        rc = -HV_EFAULT; /* the guest unmapped it meanwhile: as Xen, the change stays */
    return rc;
}
