/* events.h - event channels (Xen's 2-level ABI): each domain's ports, their bindings to other
 * domains, VIRQs and IPIs, delivery through shared_info, and the event_channel_op hypercall. */
#ifndef HYP_EVENTS_EVENTS_H
#define HYP_EVENTS_EVENTS_H

#include "lib/lib.h"

struct domain;
struct vcpu;
struct hc_call;

/*
 * Lock order (all of hyp/events): the interdomain link lock (private, plain), then the event
 * locks of at most two domains, lower domain id first (irqsave), then the scheduler's lock
 * (sched_vcpu_kick, sched_port_pending). An event lock is never held while taking dom_get's
 * table lock.
 */

/* The highest port a domain can have: the 64-bit 2-level ABI has 64 x 64 ports. */
#define EVT_MAX_PORT 4095u

/*
 * Set up d's event channels with ports 0 .. max_port (port 0 is reserved, never allocated).
 * Call once, before any vCPU of d runs (right after dom_create; until it returns, other
 * domains see d without event channels).
 * Returns 0; -HV_EINVAL if max_port is 0 or above EVT_MAX_PORT; -HV_ENOMEM.
 * Context: process, no locks held.
 */
int evt_domain_init(struct domain *d, uint32_t max_port);

/*
 * d is dying: refuse new ports and deliveries, then close every port (interdomain peers see
 * their port become unbound, waiting for d, as on Xen). Call before d's shared_info page is
 * freed (dom_destroy) and after no vCPU of d runs; idempotent; a no-op without
 * evt_domain_init. The memory stays until evt_domain_free, because holders of a dom_get
 * reference may still look at it. Context: not an interrupt handler; no event lock held
 * (interrupts may be off).
 */
void evt_domain_destroy(struct domain *d);

/*
 * Free d's event state once nothing can reach d any more (its last dom_put). Requires
 * evt_domain_destroy before (panics otherwise); a no-op without evt_domain_init.
 */
void evt_domain_free(struct domain *d);

/*
 * Raise the per-vCPU VIRQ virq (HV_VIRQ_TIMER, _DEBUG, _XENOPROF, _XENPMU) for vCPU v, if the
 * guest bound it on v; otherwise nothing happens. virq must be a per-vCPU VIRQ (panics
 * otherwise). Context: any, including interrupt handlers (takes d's event lock irqsave).
 */
void evt_send_virq(struct vcpu *v, unsigned int virq);

/*
 * Raise the global VIRQ virq (HV_VIRQ_DOM_EXC, HV_VIRQ_CONSOLE, ...) of d at the vCPU its port
 * notifies, if d bound it. virq must be global (panics otherwise). Context: as evt_send_virq.
 */
void evt_send_global_virq(struct domain *d, unsigned int virq);

/*
 * For SCHEDOP_poll: whether port of d is pending. Returns 1 if pending, 0 if not, -HV_EINVAL
 * if port is above d's limit (or d has no event channels). Every port that becomes pending,
 * masked or not, is reported to sched_port_pending(d, port) after its bit is set, so a poller
 * that registered before checking here misses nothing. Context: any; lock-free.
 */
int evt_port_pending(struct domain *d, uint32_t port);

/*
 * The hypercall event_channel_op(cmd, arg): c->arg[0] is HV_EVTCHNOP_*, c->arg[1] the guest
 * address of its struct (guest-abi/hv/event_channel.h gives each op's errors). Returns 0,
 * -HV_E*, or a continuation (EVTCHNOP_reset is preemptible). -HV_ENOSYS also when the caller's
 * domain has no event channels. Context: hypercall, no locks held.
 */
long evt_hc_event_channel_op(struct hc_call *c);

#endif /* HYP_EVENTS_EVENTS_H */
