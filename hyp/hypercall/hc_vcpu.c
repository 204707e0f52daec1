/* hc_vcpu.c - vcpu_op: a domain's own vCPUs brought up and down, their run-state accounting,
 * their timers and where their vcpu_info lives. */
#include "domain/domain.h"
#include "hv/vcpu.h"
#include "hypercall/hypercall.h"
#include "pv/pv.h"
#include "sched/sched.h"
#include "time/time.h"

#define PERIOD_MIN MILLISECS(1)   /* Xen's floor for a periodic timer */
#define PERIOD_MAX (1ull << 62)

static long vcpu_initialise(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_guest_context *ctx = xmalloc(sizeof(*ctx)); /* 5 KiB: not on the stack */
    long rc = -HV_ENOMEM;

    if (ctx) {
        rc = copy_from_guest(ctx, arg, sizeof(*ctx)) ? -HV_EFAULT : pv_vcpu_initialise(v, ctx);
        xfree(ctx);
    }
    return rc;
}

static long get_runstate(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_runstate_info rs;

    sched_runstate(v, &rs);
    return copy_to_guest(arg, &rs, sizeof(rs)) ? -HV_EFAULT : 0;
}

static long register_runstate(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_register_runstate_memory_area a;
    struct hv_vcpu_runstate_info rs;

    if (copy_from_guest(&a, arg, sizeof(a)))
        return -HV_EFAULT;
    if (a.addr && !guest_range_ok(a.addr, sizeof(rs)))
        return -HV_EINVAL;
    v->runstate_guest = a.addr;
    if (a.addr && v == pv_current()) {
        sched_runstate(v, &rs);
        pv_copy_runstate(v, &rs);
    }
    return 0;
}

static long set_periodic(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_set_periodic_timer p;

    if (copy_from_guest(&p, arg, sizeof(p)))
        return -HV_EFAULT;
    if (p.period_ns < PERIOD_MIN || p.period_ns > PERIOD_MAX)
        return -HV_EINVAL;
    sched_set_periodic(v, p.period_ns);
    return 0;
}

static long set_singleshot(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_set_singleshot_timer s;

    if (copy_from_guest(&s, arg, sizeof(s)))
        return -HV_EFAULT;
    if ((s.flags & HV_VCPU_SSHOTTMR_future) && s.timeout_abs_ns < time_now())
        return -HV_ETIME;
    sched_set_singleshot(v, s.timeout_abs_ns ? s.timeout_abs_ns : 1);
    return 0;
}

/* rsvd is not checked: Xen 4.17 ignores it, and guests written for Xen may leave junk there. */
static long register_vcpu_info(struct vcpu *v, uint64_t arg)
{
    struct hv_vcpu_register_vcpu_info r;

    if (copy_from_guest(&r, arg, sizeof(r)))
        return -HV_EFAULT;
    return pv_register_vcpu_info(v, r.mfn, r.offset);
}

/*
 * vcpu_op(cmd, vcpuid, arg) for a vCPU of the caller's domain. -HV_ENOENT for a vcpuid it does
 * not have; each cmd's errors in hv/vcpu.h. Timers may be set on another vCPU of the domain, as
 * on Xen. send_nmi, get_physid and register_vcpu_time_memory_area: -HV_ENOSYS.
 */
long hc_vcpu_op(struct hc_call *c)
{
    struct vcpu *v = dom_vcpu(c->v->domain, (unsigned int)MIN(c->arg[1], 0xffffffffull));
    uint64_t arg = c->arg[2];

    if (!v)
        return -HV_ENOENT;
    switch (c->arg[0]) {
    case HV_VCPUOP_initialise:
        return vcpu_initialise(v, arg);
    case HV_VCPUOP_up:
        return sched_vcpu_up(v);
    case HV_VCPUOP_down:
        sched_vcpu_down(v);
        return 0;
    case HV_VCPUOP_is_up:
        return sched_vcpu_is_up(v);
    case HV_VCPUOP_get_runstate_info:
        return get_runstate(v, arg);
    case HV_VCPUOP_register_runstate_memory_area:
        return register_runstate(v, arg);
    case HV_VCPUOP_set_periodic_timer:
        return set_periodic(v, arg);
    case HV_VCPUOP_stop_periodic_timer:
        sched_set_periodic(v, 0);
        return 0;
    case HV_VCPUOP_set_singleshot_timer:
        return set_singleshot(v, arg);
    case HV_VCPUOP_stop_singleshot_timer:
        sched_set_singleshot(v, 0);
        return 0;
    case HV_VCPUOP_register_vcpu_info:
        return register_vcpu_info(v, arg);
    default:
        return -HV_ENOSYS;
    }
}
