/* sched.h - the vCPU scheduler: which vCPU runs on which CPU, blocking and waking, polling, the
 * vCPU timers and run-state accounting (credit-style weighted fair share with caps, per-CPU run
 * queues with load balancing, hard affinity, a boost on wake-up). */
#ifndef HYP_SCHED_SCHED_H
#define HYP_SCHED_SCHED_H

#include "arch/arch.h"
#include "hv/vcpu.h"

struct domain;
struct vcpu;

/* Boot CPU, before any domain: an empty scheduler. */
void sched_init(void);
/* Each CPU once it is ready to run guests (boot CPU last): joins the scheduler and runs vCPUs
 * or halts in its idle loop from now on. */
void sched_start_cpu(void) __noreturn;

/*
 * Give d (freshly built, not running) to the scheduler: domain weight (0: default 256) and cap
 * (% of one CPU, 0: none), each vCPU's hard affinity (CPU bit mask). Its vCPUs start offline;
 * sched_vcpu_up starts one. 0, or -HV_ENOMEM (the caller then calls sched_dom_abort).
 */
int sched_dom_init(struct domain *d, uint16_t weight, uint16_t cap, uint64_t affinity);
/* Take a domain that runs nowhere out of the scheduler (failed build, teardown). */
void sched_dom_abort(struct domain *d);

/* VCPUOP_up: an initialised, down vCPU becomes runnable. 0, or -HV_EINVAL if not initialised. */
int sched_vcpu_up(struct vcpu *v);
/* VCPUOP_down: v stops (now if it runs elsewhere: that CPU is kicked). */
void sched_vcpu_down(struct vcpu *v);
bool sched_vcpu_is_up(const struct vcpu *v);

/*
 * d stops for good (SCHEDOP_shutdown, a crash): its vCPUs go offline; once no CPU runs any of
 * them, the CPU that ran the last one tears d down (pv_domain_destroy). Prints the reason once.
 */
void sched_domain_shutdown(struct domain *d, unsigned int reason);
/* From a handler whose vCPU may not go back to the guest (its domain just crashed): this CPU
 * goes on with another vCPU, or idles. */
void sched_leave(void) __noreturn;

/* The way back to ring 3 (pv_exit_to_guest) when this CPU's resched flag is set: may load
 * another vCPU into frame, or leave for the idle loop and not return. Interrupts off. */
void sched_switch(struct cpu_regs *frame);

/*
 * v has something to deliver (an event became pending for it): wake it if it is blocked or
 * polling, and make a CPU that runs it re-enter it so that it sees the upcall. Any context,
 * any lock may be held (the scheduler's lock is the innermost).
 */
void sched_vcpu_kick(struct vcpu *v);
/* Port port of d became pending (masked or not): wake the vCPUs of d that poll it. Any context. */
void sched_port_pending(struct domain *d, uint32_t port);

/*
 * The current vCPU v blocks (SCHEDOP_block: upcalls unmasked first; returns at once if one is
 * pending) or polls nr ports (already checked: valid, nr <= 128) until one is pending or system
 * time timeout (0: none). The CPU switches away on its way out; v's hypercall returns 0 when it
 * runs again.
 */
void sched_block(struct vcpu *v);
void sched_poll(struct vcpu *v, const uint32_t *ports, unsigned int nr, uint64_t timeout);
/* The current vCPU gives way to runnable vCPUs of its class on its CPU. */
void sched_yield(struct vcpu *v);

/* VIRQ_TIMER for v at system time deadline (0: cancel), or every period ns (0: stop). */
void sched_set_singleshot(struct vcpu *v, uint64_t deadline);
void sched_set_periodic(struct vcpu *v, uint64_t period);
/* v's run-state accounting now. */
void sched_runstate(struct vcpu *v, struct hv_vcpu_runstate_info *out);

#endif /* HYP_SCHED_SCHED_H */
