/* timer_queue.h - the per-CPU soft-timer queue: a binary min-heap of timers ordered by deadline. */
#ifndef HYP_TIME_TIMER_QUEUE_H
#define HYP_TIME_TIMER_QUEUE_H

#include "lib/lib.h"

#define TQ_NOT_QUEUED UINT32_MAX

/*
 * One soft timer. The owner sets fn and data once (soft_timer_init); the queue owns deadline,
 * heap_index and seq while the timer is queued. A timer sits on at most one queue at a time.
 */
struct soft_timer {
    uint64_t deadline; /* ns of system time */
    void (*fn)(struct soft_timer *t, void *data);
    void *data;
    uint32_t heap_index; /* slot in the queue's heap, TQ_NOT_QUEUED when idle */
    uint64_t seq;        /* insertion order: equal deadlines fire first-in, first-out */
    uint32_t cpu;        /* hyp/time: the CPU whose queue holds it (or last held it) */
};

/*
 * A queue of up to cap timers. The queue itself takes no lock: the hypervisor keeps one queue per
 * CPU and calls these functions with that CPU's timer lock held (or interrupts off).
 */
struct timer_queue {
    struct soft_timer **heap; /* heap[0] is the earliest (deadline, seq) */
    uint32_t nr, cap;
    uint64_t next_seq;
};

/*
 * Make q an empty queue over caller-owned storage of cap slots.
 * cap must be below TQ_NOT_QUEUED (ASSERT).
 */
void tq_init(struct timer_queue *q, struct soft_timer **storage, uint32_t cap);

/* Prepare t (not queued) to call fn(t, data) when it fires. */
void soft_timer_init(struct soft_timer *t, void (*fn)(struct soft_timer *, void *), void *data);

/*
 * Queue t to fire at deadline. If t is already on q it is re-armed in place (O(log n)) and counts
 * as newly added for the FIFO order of equal deadlines.
 * Returns 0, or -1 if t is not queued and q is full (t is left untouched).
 */
int tq_add(struct timer_queue *q, struct soft_timer *t, uint64_t deadline);

/* Take t off q. Returns true if it was queued, false if it was not (nothing changes). */
bool tq_remove(struct timer_queue *q, struct soft_timer *t);

/* The earliest deadline on q, or UINT64_MAX when q is empty. */
uint64_t tq_next_deadline(const struct timer_queue *q);

/*
 * Remove and return the earliest timer whose deadline is <= now, or NULL if none has expired.
 * The caller runs t->fn(t, t->data) after releasing the queue's lock; the callback may re-add t
 * or other timers.
 */
struct soft_timer *tq_pop_expired(struct timer_queue *q, uint64_t now);

/* True if t is on some queue. */
bool soft_timer_is_queued(const struct soft_timer *t);

#endif /* HYP_TIME_TIMER_QUEUE_H */
