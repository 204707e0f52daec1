/* spinlock.h - ticket spinlocks: FIFO fair, one 32-bit word. The _irqsave forms also disable
 * interrupts on this CPU, for locks that interrupt handlers take. */
#ifndef HYP_LIB_SPINLOCK_H
#define HYP_LIB_SPINLOCK_H

#include "arch/arch.h"

struct spinlock {
    volatile uint16_t owner; /* ticket now served */
    volatile uint16_t next;  /* next ticket to hand out */
};
#define SPINLOCK_INIT {0, 0}

static inline void spin_lock(struct spinlock *l)
{
    uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

    /* Flush requests are served while waiting: the holder may be waiting for this CPU's flush. */
    while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != ticket) {
        cpu_relax();
        smp_poll_flush();
    }
}

static inline void spin_unlock(struct spinlock *l)
{
    __atomic_store_n(&l->owner, (uint16_t)(l->owner + 1), __ATOMIC_RELEASE);
}

static inline bool spin_is_locked(const struct spinlock *l)
{
    return l->owner != l->next;
}

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
    uint64_t flags = irq_save();

    spin_lock(l);
    return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
    spin_unlock(l);
    irq_restore(flags);
}

#endif /* HYP_LIB_SPINLOCK_H */
