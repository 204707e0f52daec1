/* sched.c - the scheduler's mechanism: each CPU's idle loop, switching a CPU between vCPUs on
 * the way back to the guest, blocking, waking, polling, the vCPU timers and run-state
 * accounting. Which vCPU runs next, and for how long, is the policy's (credit.c).
 *
 * Model: the hypervisor never sleeps inside a hypercall. A vCPU that blocks leaves its result
 * in its saved frame and the CPU switches away on its way out; there are no per-vCPU hypervisor
 * stacks. Every switch happens in sched_switch() or the idle loop, interrupts off. */
#include "arch/percpu.h"
#include "console/console.h"
#include "domain/domain.h"
#include "events/events.h"
#include "hv/sched.h"
#include "hv/xen.h"
#include "pv/pv.h"
#include "sched/credit.h"
#include "sched/sched.h"
#include "time/time.h"

/*
 * Lock legend: [s] lock (irqsave). It is the innermost lock: event delivery and timer callbacks
 * take it with their own locks held, so nothing here calls out to events or domains with it
 * held. The soft-timer queue locks nest inside it (timer_set / timer_stop).
 */
static struct spinlock lock = SPINLOCK_INIT;
static struct cs_sched cs;                        /* [s] */
static struct soft_timer slice_timers[MAX_CPUS]; /* each CPU's own */

/* ---- run states ------------------------------------------------------------------------------ */

/* [s] */
static void runstate_set(struct vcpu *v, int state, uint64_t now)
{
    struct hv_vcpu_runstate_info *rs = &v->runstate;

    if (now > rs->state_entry_time)
        rs->time[rs->state] += now - rs->state_entry_time;
    rs->state_entry_time = now;
    rs->state = state;
}

/* What v becomes when it stops running. [s] */
static int leaving_state(const struct vcpu *v)
{
    if (!v->up || v->domain->shutdown)
        return HV_RUNSTATE_offline;
    return v->blocked ? HV_RUNSTATE_blocked : HV_RUNSTATE_runnable;
}

/* ---- kicking CPUs ------------------------------------------------------------------------------ */

static void resched_cpu(unsigned int cpu)
{
    percpu_blocks[cpu].resched = true;
    smp_send_resched(cpu);
}

/* The CPUs the policy asked to reschedule. [s] */
static void kick_requested(void)
{
    for (unsigned int cpu = 0; cs.resched; cpu++)
        if (cs.resched & (1ull << cpu)) {
            cs.resched &= ~(1ull << cpu);
            resched_cpu(cpu);
        }
}

/* v becomes runnable (unless it may not run: down, or its domain is shutting down). [s] */
static void wake_locked(struct vcpu *v, uint64_t now)
{
    int cpu;

    v->blocked = false;
    if (v->polling) {
        v->polling = false;
        timer_stop(&v->poll_timer);
    }
    if (!v->up || v->domain->shutdown)
        return;
    if (v->unit->state == CS_BLOCKED || v->unit->state == CS_OFFLINE) {
        bool was_current = cs.cpu[v->unit->cpu].curr == v->unit;

        cpu = cs_wake(&cs, v->unit, now);
        if (!was_current)
            runstate_set(v, HV_RUNSTATE_runnable, now);
        if (cpu >= 0)
            resched_cpu((unsigned int)cpu);
    }
    kick_requested();
}

/* ---- switching ------------------------------------------------------------------------------- */

/* True if no CPU runs a vCPU of d. [s] */
static bool runs_nowhere(const struct domain *d)
{
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++) {
        const struct cs_unit *u = cs.cpu[cpu].curr;

        if (u && ((struct vcpu *)u->owner)->domain == d)
            return false;
    }
    return true;
}

/*
 * Choose what this CPU runs next and, if that is not prev, save prev (under the lock, so no
 * other CPU can load prev before its state is saved). *reap: a shut-down domain that no CPU
 * runs any more, for the caller to destroy. Returns the next vCPU, NULL for idle.
 */
static struct vcpu *pick_next(struct vcpu *prev, struct cpu_regs *frame, struct domain **reap)
{
    unsigned int cpu = cpu_id();
    uint64_t now = time_now(), slice;
    uint64_t flags = spin_lock_irqsave(&lock);
    struct cs_unit *u;
    struct vcpu *next;

    this_cpu()->resched = false;
    u = cs_pick(&cs, cpu, now, &slice);
    next = u ? u->owner : NULL;
    *reap = NULL;
    if (next != prev && prev) {
        runstate_set(prev, leaving_state(prev), now);
        pv_switch_out(prev, frame);
        if (prev->domain->shutdown && !prev->domain->destroying && runs_nowhere(prev->domain)) {
            prev->domain->destroying = true;
            *reap = prev->domain;
        }
    }
    if (next != prev && next)
        runstate_set(next, HV_RUNSTATE_running, now);
    kick_requested();
    spin_unlock_irqrestore(&lock, flags);
    if (slice == UINT64_MAX)
        timer_stop(&slice_timers[cpu]);
    else
        timer_set(&slice_timers[cpu], now + slice);
    return next;
}

static void switch_in(struct vcpu *next, struct cpu_regs *frame)
{
    pv_switch_in(next, frame);
    pv_copy_runstate(next, &next->runstate);
}

static __noreturn void idle_loop(void *unused);

/* Leave the current stack for this CPU's idle loop (no vCPU loaded). */
static __noreturn void enter_idle(void)
{
    pv_switch_to_idle();
    switch_stack_and_call((uint64_t)pv_guest_frame(), idle_loop, NULL);
}

/* d is shut down and no CPU runs it: take it out of the scheduler and tear it down. */
static void reap_domain(struct domain *d)
{
    pv_switch_to_idle(); /* the domain's page tables must not stay loaded */
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];

        timer_kill(&v->poll_timer);
        timer_kill(&v->singleshot_timer);
        timer_kill(&v->periodic_timer);
    }
    sched_dom_abort(d);
    evt_domain_destroy(d);
    pv_domain_destroy(d); /* frees d; may power the machine off */
}

void sched_switch(struct cpu_regs *frame)
{
    struct vcpu *prev = pv_current(), *next;
    struct domain *reap;

    next = pick_next(prev, frame, &reap);
    if (next == prev)
        return;
    if (reap)
        reap_domain(reap);
    if (!next)
        enter_idle();
    switch_in(next, frame);
}

void sched_leave(void)
{
    irq_disable();
    this_cpu()->resched = true;
    sched_switch(pv_guest_frame());
    pv_deliver_events(pv_current(), pv_guest_frame());
    return_to_guest(pv_guest_frame());
}

static __noreturn void idle_loop(void *unused __unused)
{
    struct cpu_regs *frame = pv_guest_frame();

    for (;;) {
        irq_disable();
        if (this_cpu()->resched) {
            struct domain *reap;
            struct vcpu *next = pick_next(NULL, frame, &reap);

            if (next) {
                switch_in(next, frame);
                pv_deliver_events(next, frame);
                return_to_guest(frame);
            }
        }
        if (cpu_id() == 0 && console_input_pending()) {
            irq_enable();
            keys_poll();
            continue;
        }
        safe_halt(); /* an interrupt (timer, IPI, input) ends the halt */
    }
}

/* A slice ended (interrupt context, this CPU): reschedule if the policy says so. */
static void slice_end(struct soft_timer *t, void *data __unused)
{
    unsigned int cpu = cpu_id();
    uint64_t now = time_now(), flags = spin_lock_irqsave(&lock);
    bool again = cs_tick(&cs, cpu, now) || !cs.cpu[cpu].curr; /* idle: a parked unit's refill */
    uint64_t end = cs.cpu[cpu].slice_end;

    spin_unlock_irqrestore(&lock, flags);
    if (again)
        this_cpu()->resched = true;
    else
        timer_set(t, end > now ? end : now + CS_MIN_SLICE_NS);
}

/* ---- start of day ------------------------------------------------------------------------------ */

void sched_init(void)
{
    cs_init(&cs);
    cs_cpu_online(&cs, cpu_id()); /* domains built before it starts queue here */
}

void sched_start_cpu(void)
{
    unsigned int cpu = cpu_id();
    uint64_t flags = spin_lock_irqsave(&lock);

    if (!cs.cpu[cpu].online)
        cs_cpu_online(&cs, cpu);
    spin_unlock_irqrestore(&lock, flags);
    soft_timer_init(&slice_timers[cpu], slice_end, NULL);
    this_cpu()->resched = true;
    irq_disable();
    pv_switch_to_idle();
    switch_stack_and_call((uint64_t)pv_guest_frame(), idle_loop, NULL);
}

/* ---- domains and vCPUs ------------------------------------------------------------------------- */

static void poll_timeout(struct soft_timer *t __unused, void *data)
{
    struct vcpu *v = data;
    uint64_t flags = spin_lock_irqsave(&lock);

    if (v->polling)
        wake_locked(v, time_now());
    spin_unlock_irqrestore(&lock, flags);
}

static void singleshot_fire(struct soft_timer *t __unused, void *data)
{
    evt_send_virq(data, HV_VIRQ_TIMER);
}

static void periodic_fire(struct soft_timer *t, void *data)
{
    struct vcpu *v = data;

    evt_send_virq(v, HV_VIRQ_TIMER);
    if (v->periodic_period)
        timer_set(t, t->deadline + v->periodic_period);
}

int sched_dom_init(struct domain *d, uint16_t weight, uint16_t cap, uint64_t affinity)
{
    d->sched = xzalloc(sizeof(*d->sched));
    if (!d->sched)
        return -HV_ENOMEM;
    cs_dom_init(d->sched, weight, cap);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        uint64_t flags;

        v->unit = xzalloc(sizeof(*v->unit));
        if (!v->unit)
            return -HV_ENOMEM; /* the caller destroys d: sched_dom_abort */
        v->affinity = affinity;
        soft_timer_init(&v->poll_timer, poll_timeout, v);
        soft_timer_init(&v->singleshot_timer, singleshot_fire, v);
        soft_timer_init(&v->periodic_timer, periodic_fire, v);
        v->runstate.state = HV_RUNSTATE_offline;
        v->runstate.state_entry_time = time_now();
        flags = spin_lock_irqsave(&lock);
        cs_unit_init(&cs, v->unit, d->sched, v, affinity);
        spin_unlock_irqrestore(&lock, flags);
    }
    return 0;
}

void sched_dom_abort(struct domain *d)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        if (d->vcpu[i]->unit) {
            uint64_t flags = spin_lock_irqsave(&lock);

            cs_unit_destroy(&cs, d->vcpu[i]->unit);
            spin_unlock_irqrestore(&lock, flags);
        }
        xfree(d->vcpu[i]->unit);
        d->vcpu[i]->unit = NULL;
    }
    xfree(d->sched);
    d->sched = NULL;
}

int sched_vcpu_up(struct vcpu *v)
{
    uint64_t flags = spin_lock_irqsave(&lock);
    int rc = 0;

    if (!v->initialised)
        rc = -HV_EINVAL;
    else if (!v->up) {
        v->up = true;
        wake_locked(v, time_now());
    }
    spin_unlock_irqrestore(&lock, flags);
    return rc;
}

void sched_vcpu_down(struct vcpu *v)
{
    uint64_t now = time_now(), flags = spin_lock_irqsave(&lock);

    if (v->up) {
        bool queued = v->unit->state == CS_QUEUED;

        v->up = false;
        cs_sleep(&cs, v->unit, true, now);
        if (queued)
            runstate_set(v, HV_RUNSTATE_offline, now);
        else if (cs.cpu[v->unit->cpu].curr == v->unit)
            resched_cpu(v->unit->cpu);
    }
    spin_unlock_irqrestore(&lock, flags);
}

bool sched_vcpu_is_up(const struct vcpu *v)
{
    return __atomic_load_n(&v->up, __ATOMIC_ACQUIRE);
}

void sched_domain_shutdown(struct domain *d, unsigned int reason)
{
    uint64_t now = time_now(), flags = spin_lock_irqsave(&lock);
    bool first = !d->shutdown;

    if (first) {
        d->shutdown = true;
        d->shutdown_reason = reason;
        for (unsigned int i = 0; i < d->nr_vcpus; i++) {
            struct cs_unit *u = d->vcpu[i]->unit;

            if (u->state == CS_QUEUED)
                runstate_set(d->vcpu[i], HV_RUNSTATE_offline, now);
            if (u->state != CS_OFFLINE)
                cs_sleep(&cs, u, true, now);
            if (cs.cpu[u->cpu].curr == u)
                resched_cpu(u->cpu);
        }
    }
    spin_unlock_irqrestore(&lock, flags);
    if (first)
        printk("d%u shut down: %s\n", d->id,
               reason == HV_SHUTDOWN_poweroff ? "poweroff"
               : reason == HV_SHUTDOWN_reboot ? "reboot"
               : reason == HV_SHUTDOWN_crash  ? "crash"
                                              : "other reason");
}

/* ---- blocking, waking, polling --------------------------------------------------------------- */

void sched_vcpu_kick(struct vcpu *v)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    if (v->blocked)
        wake_locked(v, time_now());
    else if (v->unit && v->unit->state == CS_RUNNING && v->unit->cpu != cpu_id())
        smp_send_resched(v->unit->cpu); /* out of the guest: the way back delivers the upcall */
    spin_unlock_irqrestore(&lock, flags);
}

void sched_port_pending(struct domain *d, uint32_t port)
{
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        struct vcpu *v = d->vcpu[i];
        uint64_t flags;

        if (!__atomic_load_n(&v->polling, __ATOMIC_ACQUIRE))
            continue;
        flags = spin_lock_irqsave(&lock);
        for (unsigned int j = 0; v->polling && j < v->nr_poll_ports; j++)
            if (v->poll_ports[j] == port)
                wake_locked(v, time_now());
        spin_unlock_irqrestore(&lock, flags);
    }
}

/* The current vCPU v stops unless it was woken since it said it would block. */
static void sleep_if_blocked(struct vcpu *v)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    if (v->blocked) {
        cs_sleep(&cs, v->unit, false, time_now());
        this_cpu()->resched = true;
    }
    spin_unlock_irqrestore(&lock, flags);
}

/* Undo a block or poll that found what it waits for already there. */
static void cancel_block(struct vcpu *v)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    v->blocked = v->polling = false;
    spin_unlock_irqrestore(&lock, flags);
    timer_stop(&v->poll_timer);
}

void sched_block(struct vcpu *v)
{
    struct hv_vcpu_info *vi = v->vcpu_info;
    uint64_t flags;

    __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    flags = spin_lock_irqsave(&lock);
    v->blocked = true;
    spin_unlock_irqrestore(&lock, flags);
    /* A kick after this point sees blocked and wakes v; one before it left upcall_pending. */
    if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST))
        cancel_block(v);
    else
        sleep_if_blocked(v);
}

void sched_poll(struct vcpu *v, const uint32_t *ports, unsigned int nr, uint64_t timeout)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    memcpy(v->poll_ports, ports, nr * sizeof(*ports));
    v->nr_poll_ports = nr;
    v->polling = v->blocked = true;
    spin_unlock_irqrestore(&lock, flags);
    /*
     * A port that becomes pending after this point wakes v: its sender sets the pending bit (a
     * locked instruction) and then reads polling (sched_port_pending). The fence keeps this
     * CPU's polling store ahead of its pending-bit loads (x86 may reorder a load before an
     * earlier store): without it both sides could miss each other.
     */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int i = 0; i < nr; i++)
        if (evt_port_pending(v->domain, ports[i]) == 1) {
            cancel_block(v);
            return;
        }
    /* A timeout already past still blocks, as on Xen: the timer fires at once and wakes v. */
    if (timeout)
        timer_set(&v->poll_timer, timeout);
    sleep_if_blocked(v);
}

void sched_yield(struct vcpu *v)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    cs_yield(&cs, v->unit);
    this_cpu()->resched = true;
    spin_unlock_irqrestore(&lock, flags);
}

/* ---- timers ---------------------------------------------------------------------------------- */

void sched_set_singleshot(struct vcpu *v, uint64_t deadline)
{
    if (!deadline)
        timer_stop(&v->singleshot_timer);
    else if (timer_set(&v->singleshot_timer, deadline) < 0)
        printk(KERN_WARNING "d%u v%u: no timer left on CPU %u\n", v->domain->id, v->id,
               cpu_id());
}

void sched_set_periodic(struct vcpu *v, uint64_t period)
{
    v->periodic_period = period;
    if (!period)
        timer_stop(&v->periodic_timer);
    else if (timer_set(&v->periodic_timer, time_now() + period) < 0)
        printk(KERN_WARNING "d%u v%u: no timer left on CPU %u\n", v->domain->id, v->id,
               cpu_id());
}

void sched_runstate(struct vcpu *v, struct hv_vcpu_runstate_info *out)
{
    uint64_t flags = spin_lock_irqsave(&lock);

    *out = v->runstate;
    spin_unlock_irqrestore(&lock, flags);
}
