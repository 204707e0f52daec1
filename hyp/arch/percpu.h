/* percpu.h - the per-CPU block of hyp/arch, one per CPU in percpu_blocks[]; this_cpu() finds it
 * from the stack pointer. */
#ifndef HYP_ARCH_PERCPU_H
#define HYP_ARCH_PERCPU_H

#include "arch/arch.h"
#include "arch/percpu_offsets.h"

/*
 * this_cpu() finds the block from the stack pointer (every CPU's stacks live in its window of
 * the stack area), so the hypervisor never depends on GS: the guest owns GS_BASE. The syscall
 * entry reaches scratch_rsp and stack_top through KERNEL_GS_BASE, which always points here.
 */
struct percpu {
    struct percpu *self;   /* offset 0 */
    uint64_t scratch_rsp;  /* offset 8: the guest's rsp during the syscall entry */
    uint64_t stack_top;    /* offset 16: top of this CPU's main stack */
    unsigned int id;       /* logical CPU number, 0 = boot CPU */
    uint32_t apic_id;
    uint64_t stack_base;   /* start of this CPU's window in the stack area */
    volatile bool online;
    uint64_t *gdt;         /* GDT_PAGES pages, zero but for the reserved entries */
    void *current_vcpu;    /* the vCPU this CPU runs (struct vcpu, owned by hyp/pv), or NULL */
    volatile bool resched;  /* the scheduler wants to run on the way out (hyp/sched) */
    unsigned int gdt_guest_loaded; /* guest GDT entries that may be non-zero (hyp/pv) */
    struct tss64 tss __attribute__((aligned(16)));
};


/* Every CPU's block; entries for CPUs that are not present stay zeroed. */
extern struct percpu percpu_blocks[MAX_CPUS];

#endif /* HYP_ARCH_PERCPU_H */
