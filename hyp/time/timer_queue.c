/* timer_queue.c - the per-CPU soft-timer queue: a binary min-heap keyed by (deadline, seq). */
#include "time/timer_queue.h"

/* True if a must fire before b: earlier deadline, or the same deadline and queued earlier. */
static bool tq_before(const struct soft_timer *a, const struct soft_timer *b)
{
    if (a->deadline != b->deadline)
        return a->deadline < b->deadline;
    return a->seq < b->seq;
}

static void tq_place(struct timer_queue *q, uint32_t i, struct soft_timer *t)
{
    q->heap[i] = t;
    t->heap_index = i;
}

/* Move the timer at slot i towards the root until its parent fires no later than it. */
static void tq_sift_up(struct timer_queue *q, uint32_t i)
{
    struct soft_timer *t = q->heap[i];

    while (i > 0) {
        uint32_t parent = (i - 1) / 2;

        if (!tq_before(t, q->heap[parent]))
            break;
        tq_place(q, i, q->heap[parent]);
        i = parent;
    }
    tq_place(q, i, t);
}

/* Move the timer at slot i towards the leaves until no child fires before it. */
static void tq_sift_down(struct timer_queue *q, uint32_t i)
{
    struct soft_timer *t = q->heap[i];

    for (;;) {
        uint32_t child = 2 * i + 1; /* no overflow: cap < UINT32_MAX / 2 (tq_init) */

        if (child >= q->nr)
            break;
        if (child + 1 < q->nr && tq_before(q->heap[child + 1], q->heap[child]))
            child++;
        if (!tq_before(q->heap[child], t))
            break;
        tq_place(q, i, q->heap[child]);
        i = child;
    }
    tq_place(q, i, t);
}

/* Restore the heap order around slot i after the timer there changed or was replaced. */
static void tq_fix(struct timer_queue *q, uint32_t i)
{
    if (i > 0 && tq_before(q->heap[i], q->heap[(i - 1) / 2]))
        tq_sift_up(q, i);
    else
        tq_sift_down(q, i);
}

/* Check that t really sits on q: a timer on another CPU's queue is a caller bug. */
static void tq_assert_owned(const struct timer_queue *q, const struct soft_timer *t)
{
    ASSERT(t->heap_index < q->nr && q->heap[t->heap_index] == t);
}

void tq_init(struct timer_queue *q, struct soft_timer **storage, uint32_t cap)
{
    ASSERT(cap < TQ_NOT_QUEUED / 2);
    ASSERT(storage != NULL || cap == 0);
    q->heap = storage;
    q->nr = 0;
    q->cap = cap;
    q->next_seq = 0;
}

void soft_timer_init(struct soft_timer *t, void (*fn)(struct soft_timer *, void *), void *data)
{
    t->deadline = 0;
    t->fn = fn;
    t->data = data;
    t->heap_index = TQ_NOT_QUEUED;
    t->cpu = 0;
    t->seq = 0;
}

int tq_add(struct timer_queue *q, struct soft_timer *t, uint64_t deadline)
{
    int rc = 0;

    if (soft_timer_is_queued(t)) {
        tq_assert_owned(q, t);
        t->deadline = deadline;
        t->seq = q->next_seq++;
        tq_fix(q, t->heap_index);
        goto out;
    }
    if (q->nr == q->cap) {
        rc = -1;
        goto out;
    }
    t->deadline = deadline;
    t->seq = q->next_seq++;
    tq_place(q, q->nr++, t);
    tq_sift_up(q, t->heap_index);
out:
    return rc;
}

bool tq_remove(struct timer_queue *q, struct soft_timer *t)
{
    uint32_t i = t->heap_index;

    if (i == TQ_NOT_QUEUED)
        goto out;
    tq_assert_owned(q, t);
    t->heap_index = TQ_NOT_QUEUED;
    q->nr--;
    if (i != q->nr) {
        tq_place(q, i, q->heap[q->nr]);
        tq_fix(q, i);
    }
    q->heap[q->nr] = NULL;
out:
    return i != TQ_NOT_QUEUED;
}

uint64_t tq_next_deadline(const struct timer_queue *q)
{
    return q->nr ? q->heap[0]->deadline : UINT64_MAX;
}

struct soft_timer *tq_pop_expired(struct timer_queue *q, uint64_t now)
{
    struct soft_timer *t = NULL;

    if (q->nr && q->heap[0]->deadline <= now) {
        t = q->heap[0];
        tq_remove(q, t);
    }
    return t;
}

bool soft_timer_is_queued(const struct soft_timer *t)
{
    return t->heap_index != TQ_NOT_QUEUED;
}
