/* hc_sched.c - sched_op (yield, block, shutdown) and vm_assist. */
#include "domain/domain.h"
#include "hv/sched.h"
#include "hv/shared_info.h"
#include "hv/vm_assist.h"
#include "hypercall/hypercall.h"

/* vm_assist types a 64-bit PV guest may turn on (Xen's VM_ASSIST_VALID for PV). */
#define VMASST_VALID                                                                    \
    ((1ull << HV_VMASST_TYPE_4gb_segments) | (1ull << HV_VMASST_TYPE_4gb_segments_notify) | \
     (1ull << HV_VMASST_TYPE_writable_pagetables) | (1ull << HV_VMASST_TYPE_pae_extended_cr3) | \
     (1ull << HV_VMASST_TYPE_architectural_iopl) |                                      \
     (1ull << HV_VMASST_TYPE_runstate_update_flag) | (1ull << HV_VMASST_TYPE_m2p_strict))

static long sched_shutdown(struct hc_call *c)
{
    struct hv_sched_shutdown s;

    if (copy_from_guest(&s, c->arg[1], sizeof(s)))
        return -HV_EFAULT;
    if (s.reason > HV_SHUTDOWN_MAX)
        return -HV_EINVAL;
    c->v->domain->shutdown = true; /* acted on when the hypercall returns */
    c->v->domain->shutdown_reason = s.reason;
    return 0;
}

/* Block: unmask events, then wait for one unless one is pending. Without event channels (the
 * events issue) the wait ends at the next interrupt: a legal spurious wake-up. */
static long sched_block(struct hc_call *c)
{
    struct hv_vcpu_info *vi = c->v->vcpu_info;

    vi->evtchn_upcall_mask = 0;
    if (!vi->evtchn_upcall_pending)
        safe_halt();
    irq_disable();
    return 0;
}

/* sched_op(cmd, arg): yield and block return 0; shutdown -HV_EFAULT/-HV_EINVAL for a bad
 * argument; poll and the rest come with the scheduler issue: -HV_ENOSYS. */
long hc_sched_op(struct hc_call *c)
{
    switch (c->arg[0]) {
    case HV_SCHEDOP_yield:
        return 0;
    case HV_SCHEDOP_block:
        return sched_block(c);
    case HV_SCHEDOP_shutdown:
        return sched_shutdown(c);
    default:
        return -HV_ENOSYS;
    }
}

/* vm_assist(cmd, type): -HV_EINVAL for a type a 64-bit PV guest cannot use, then -HV_ENOSYS
 * for an unknown cmd. */
long hc_vm_assist(struct hc_call *c)
{
    uint64_t cmd = c->arg[0], type = c->arg[1];
    struct domain *d = c->v->domain;

    if (type >= 64 || !(VMASST_VALID & (1ull << type)))
        return -HV_EINVAL; /* checked before cmd, as on Xen */
    if (cmd != HV_VMASST_CMD_enable && cmd != HV_VMASST_CMD_disable)
        return -HV_ENOSYS;
    if (cmd == HV_VMASST_CMD_enable)
        d->vm_assist |= 1ull << type;
    else
        d->vm_assist &= ~(1ull << type);
    return 0;
}
