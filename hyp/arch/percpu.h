/* percpu.h - the per-CPU block of hyp/arch, reached through GS_BASE (its first word points to
 * itself). Other subsystems keep their per-CPU state in arrays indexed by cpu_id(). */
#ifndef HYP_ARCH_PERCPU_H
#define HYP_ARCH_PERCPU_H

#include "arch/arch.h"

#define GDT_ENTRIES 8

struct percpu {
    struct percpu *self;   /* must stay first: this_cpu() reads %gs:0 */
    unsigned int id;       /* logical CPU number, 0 = boot CPU */
    uint32_t apic_id;
    uint64_t stack_base;   /* start of this CPU's window in the stack area */
    volatile bool online;
    struct tss64 tss __attribute__((aligned(16)));
    uint64_t gdt[GDT_ENTRIES] __attribute__((aligned(16)));
};

/* Every CPU's block; entries for CPUs that are not present stay zeroed. */
extern struct percpu percpu_blocks[MAX_CPUS];

#endif /* HYP_ARCH_PERCPU_H */
