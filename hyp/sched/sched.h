/* sched.h - the vCPU scheduler: which vCPU runs on which CPU, blocking and waking, time slices
 * (credit-style weighted fair share with caps, per-CPU run queues, hard affinity). */
#ifndef HYP_SCHED_SCHED_H
#define HYP_SCHED_SCHED_H

#include "lib/lib.h"

struct vcpu;

/*
 * v has something to deliver (an event channel became pending for it): wake it if it is blocked
 * or polling, and make a CPU that runs it re-enter it so that it sees the upcall. Any context,
 * any lock may be held (takes only the scheduler's own irqsave lock, innermost).
 */
void sched_vcpu_kick(struct vcpu *v);

#endif /* HYP_SCHED_SCHED_H */
