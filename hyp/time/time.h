/* time.h - system time (ns since boot, from the TSC), wall-clock (from the CMOS RTC at boot) and
 * per-CPU soft timers driven by the local APIC timer in one-shot mode. */
#ifndef HYP_TIME_TIME_H
#define HYP_TIME_TIME_H

#include "lib/lib.h"
#include "time/timer_queue.h"

#define NSEC_PER_SEC 1000000000ull
#define MILLISECS(ms) ((uint64_t)(ms) * 1000000ull)

/* Boot CPU: calibrate the TSC and the APIC timer, read the RTC, start soft timers. */
void time_init(void);
/* Each AP: its own soft-timer queue and APIC timer. */
void time_init_cpu(void);
bool time_ready(void);
/* Nanoseconds since time_init(); monotonic on every CPU (the TSCs run in step under QEMU and on
 * invariant-TSC hardware; per-CPU offsets come with the scheduler issue). */
uint64_t time_now(void);
/* Wall-clock seconds since the Unix epoch, as the RTC said at boot plus time_now(). */
int64_t time_wallclock(void);
/* The wall-clock time at system time 0 (the RTC reading at boot). */
int64_t time_wallclock_base(void);
/* One reading of this CPU's clock: the TSC, the system time it stands for, and the scale that
 * turns later TSC deltas into nanoseconds (what a guest's vcpu_time_info publishes). */
struct time_scale;
void time_sample(uint64_t *tsc, uint64_t *now, struct time_scale *scale);

/*
 * Soft timers. timer_set queues t on this CPU to call t->fn(t, t->data) at system time deadline
 * (in interrupt context, interrupts off); re-arming a queued timer moves it, from whichever CPU
 * held it. -1 if this CPU's queue is full. timer_stop removes it, from any CPU; its callback may
 * still be running elsewhere. timer_kill also waits for that callback to end: after it the
 * timer's memory may be freed (never call it from the callback, or holding a lock the callback
 * takes). A callback may re-arm itself.
 */
int timer_set(struct soft_timer *t, uint64_t deadline);
void timer_stop(struct soft_timer *t);
void timer_kill(struct soft_timer *t);

#endif /* HYP_TIME_TIME_H */
