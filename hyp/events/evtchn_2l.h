/* evtchn_2l.h - private to hyp/events: the interface of an event channel ABI variant (an ops
 * table) and the 2-level variant's bit logic on shared_info and vcpu_info. */
#ifndef HYP_EVENTS_EVTCHN_2L_H
#define HYP_EVENTS_EVTCHN_2L_H

#include "hv/shared_info.h"
#include "lib/lib.h"

struct domain;
struct vcpu;

/* What a change of a port's guest-visible state asks of the caller (bit flags). */
#define EVT_NEWLY_PENDING 1u /* the port became pending: wake vCPUs polling for it */
#define EVT_KICK 2u          /* the vCPU's upcall became pending: sched_vcpu_kick it */

/*
 * An ABI variant (2-level today; FIFO would be a second table). The caller has checked the port
 * against the domain's limit and holds a lock that keeps the port's binding stable; v is the
 * vCPU the port notifies. The functions touch only guest-shared memory, with atomic operations
 * (the guest changes the same words at the same time), and never trust what they read there.
 */
struct evt_abi_ops {
    /* Make port pending and notify v unless masked; EVT_* flags. */
    unsigned int (*set_pending)(struct domain *d, struct vcpu *v, uint32_t port);
    /* Forget a pending event (the port is being freed). */
    void (*clear_pending)(struct domain *d, uint32_t port);
    /* Unmask port; if it was masked and is pending, notify v. EVT_* flags (never
     * EVT_NEWLY_PENDING). */
    unsigned int (*unmask)(struct domain *d, struct vcpu *v, uint32_t port);
    bool (*is_pending)(struct domain *d, uint32_t port);
};

extern const struct evt_abi_ops evt_2l_ops;

/*
 * The 2-level logic itself, on a shared_info page and one vcpu_info (port < 4096: bit port % 64
 * of word port / 64 in evtchn_pending and evtchn_mask; bit port / 64 in evtchn_pending_sel).
 * No locks; safe against a guest changing the words concurrently.
 */

/*
 * Xen's evtchn_2l_set_pending: set the pending bit; if it was clear, return EVT_NEWLY_PENDING
 * and, if the port is not masked, set the selector bit; if that was clear, set
 * evtchn_upcall_pending; if that was clear, add EVT_KICK. 0 if the port was already pending.
 */
unsigned int evt_2l_set_pending(struct hv_shared_info *s, struct hv_vcpu_info *vi, uint32_t port);

/* Clear the pending bit. */
void evt_2l_clear_pending(struct hv_shared_info *s, uint32_t port);

/*
 * Xen's evtchn_2l_unmask: clear the mask bit; if it was set and the port is pending, raise the
 * selector bit and upcall as evt_2l_set_pending does (EVT_KICK if the upcall was not pending).
 */
unsigned int evt_2l_unmask(struct hv_shared_info *s, struct hv_vcpu_info *vi, uint32_t port);

bool evt_2l_is_pending(const struct hv_shared_info *s, uint32_t port);
bool evt_2l_is_masked(const struct hv_shared_info *s, uint32_t port);

#endif /* HYP_EVENTS_EVTCHN_2L_H */
