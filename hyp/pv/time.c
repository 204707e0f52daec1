/* time.c - what a PV guest reads of time without a hypercall: each vCPU's vcpu_time_info (its
 * CPU's TSC scale and a (TSC, system time) pair) and the wall clock in shared_info. Published
 * before the guest's first instruction and refreshed every PV_TIME_REFRESH on the vCPU's CPU,
 * as Xen's once-a-second calibration does; the scheduler refreshes on every schedule-in too. */
#include "pv/pv_private.h"
#include "time/scale.h"
#include "time/time.h"

#define PV_TIME_REFRESH MILLISECS(1000)

/* Xen's odd/even protocol: odd while the fields change; the guest retries on odd or change. */
void pv_time_publish(struct vcpu *v)
{
    struct hv_vcpu_time_info *t = &((struct hv_vcpu_info *)v->vcpu_info)->time;
    struct time_scale scale;
    uint64_t tsc, now;

    time_sample(&tsc, &now, &scale);
    t->version++;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->tsc_timestamp = tsc;
    t->system_time = now;
    t->tsc_to_system_mul = scale.mul_frac;
    t->tsc_shift = scale.shift;
    /* One clock for every CPU: the TSCs run in step (time.h), so time never goes back across
     * vCPU moves. */
    t->flags = HV_PVCLOCK_TSC_STABLE_BIT;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    t->version++;
}

static void refresh(struct soft_timer *timer, void *data)
{
    pv_time_publish(data);
    timer_set(timer, timer->deadline + PV_TIME_REFRESH);
}

void pv_time_start(struct vcpu *v)
{
    struct hv_shared_info *sh = v->domain->shared_info;
    uint64_t wc = (uint64_t)time_wallclock_base();

    if (v->id == 0) {
        sh->wc_version++;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        sh->wc_sec = (uint32_t)wc;
        sh->wc_sec_hi = (uint32_t)(wc >> 32);
        sh->wc_nsec = 0;
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        sh->wc_version++;
    }
    pv_time_publish(v);
    soft_timer_init(&v->time_refresh, refresh, v);
    if (timer_set(&v->time_refresh, time_now() + PV_TIME_REFRESH) < 0)
        printk(KERN_WARNING "d%u v%u: no timer left on this CPU: vcpu_time_info not refreshed\n",
               v->domain->id, v->id);
}

void pv_time_stop(struct vcpu *v)
{
    timer_kill(&v->time_refresh);
}
