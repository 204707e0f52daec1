/* hc_sched.c - sched_op (yield, block, shutdown, poll), set_timer_op and vm_assist. */
#include "domain/domain.h"
#include "hv/sched.h"
#include "hv/shared_info.h"
#include "hv/vm_assist.h"
#include "events/events.h"
#include "hypercall/hypercall.h"
#include "sched/sched.h"

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
    sched_domain_shutdown(c->v->domain, s.reason); /* the vCPU does not run again */
    return 0;
}

/* Poll: the port list is copied once and every port checked before the vCPU waits. */
static long sched_poll_op(struct hc_call *c)
{
    struct hv_sched_poll p;
    uint32_t ports[HV_SCHED_POLL_MAX_PORTS];

    if (copy_from_guest(&p, c->arg[1], sizeof(p)))
        return -HV_EFAULT;
    if (p.nr_ports > HV_SCHED_POLL_MAX_PORTS)
        return -HV_EINVAL;
    if (copy_from_guest(ports, p.ports, p.nr_ports * sizeof(uint32_t)))
        return -HV_EFAULT;
    for (unsigned int i = 0; i < p.nr_ports; i++)
        if (evt_port_pending(c->v->domain, ports[i]) < 0)
            return -HV_EINVAL;
    sched_poll(c->v, ports, p.nr_ports, p.timeout);
    return 0;
}

/* sched_op(cmd, arg): yield, block, shutdown, poll; the rest (remote_shutdown, watchdog,
 * pin_override) -HV_ENOSYS: they come with the toolstack. */
long hc_sched_op(struct hc_call *c)
{
    switch (c->arg[0]) {
    case HV_SCHEDOP_yield:
        sched_yield(c->v);
        return 0;
    case HV_SCHEDOP_block:
        sched_block(c->v);
        return 0;
    case HV_SCHEDOP_shutdown:
        return sched_shutdown(c);
    case HV_SCHEDOP_poll:
        return sched_poll_op(c);
    default:
        return -HV_ENOSYS;
    }
}

/* set_timer_op(timeout): VIRQ_TIMER at system time timeout (ns), at once if it has passed; 0
 * cancels. Always 0. */
long hc_set_timer_op(struct hc_call *c)
{
    sched_set_singleshot(c->v, c->arg[0]);
    return 0;
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
