/* hypercall.h - the hypercall layer: one handler per hypercall from a table, fault-safe guest
 * memory access, multicall. */
#ifndef HYP_HYPERCALL_HYPERCALL_H
#define HYP_HYPERCALL_HYPERCALL_H

#include "arch/arch.h"
#include "hv/errno.h"
#include "hv/hypercall.h"

struct vcpu;

/* What a handler gets: the calling vCPU, its saved registers (iret rewrites them) and the five
 * arguments (rdi, rsi, rdx, r10, r8), already copied out of the registers. */
struct hc_call {
    struct vcpu *v;
    struct cpu_regs *regs;
    uint64_t nr;          /* the hypercall number */
    uint64_t arg[5];
    /* An entry of a multicall: a continuation rewrites these arguments and sets *preempted;
     * the multicall then continues itself from this entry. NULL outside a multicall. */
    uint64_t *mc_args;
    bool *mc_preempted;
};

/*
 * Continuations: a handler that has done HC_PREEMPT_BATCH units of guest-controlled work and has
 * more asks hc_should_preempt(); if true it returns hc_continue() with arguments describing the
 * rest. The guest's rip is moved back to its syscall, which then runs again with those
 * arguments: the CPU takes pending interrupts in between and the guest cannot hold it.
 * HC_PREEMPT_BATCH bounds the work between checks (256 units of at most a few microseconds).
 */
#define HC_PREEMPT_BATCH 256
bool hc_should_preempt(const struct hc_call *c, uint64_t units_done);
long hc_continue(struct hc_call *c, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4);

/* A handler returns >= 0 on success or -HV_E*; the value goes to the guest's rax. */
typedef long (*hc_handler)(struct hc_call *c);

/* Run hypercall nr for v (from pv_syscall, or an entry of a multicall): -HV_ENOSYS for numbers
 * Hearth does not implement. */
long hc_dispatch(struct vcpu *v, struct cpu_regs *regs, uint64_t nr, const uint64_t arg[5]);

/*
 * Guest memory, by guest virtual address in the current (guest-kernel) address space. A range
 * is acceptable if it does not wrap, is canonical and avoids the hypervisor's L4 slots 256-271;
 * faults while copying (unmapped, read-only) are caught. Each returns 0 or -HV_EFAULT (on
 * failure the destination may be partly written).
 */
bool guest_range_ok(uint64_t va, uint64_t len);
int copy_from_guest(void *dst, uint64_t src_va, size_t len);
int copy_to_guest(uint64_t dst_va, const void *src, size_t len);

/* Handlers in hyp/hypercall/. */
long hc_console_io(struct hc_call *c);
long hc_xen_version(struct hc_call *c);
long hc_sched_op(struct hc_call *c);
long hc_vm_assist(struct hc_call *c);
long hc_set_timer_op(struct hc_call *c);
long hc_vcpu_op(struct hc_call *c);
long hc_multicall(struct hc_call *c);

#endif /* HYP_HYPERCALL_HYPERCALL_H */
