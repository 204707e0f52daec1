/* hypercall.c - the hypercall table and multicall. Handlers live with their subsystem; this file
 * only routes. */
#include "domain/domain.h"
#include "events/events.h"
#include "hypercall/hypercall.h"
#include "pv/pv.h"

#define HC_TABLE_SIZE 64

/* Numbers without an entry return -HV_ENOSYS (never a silent success). */
static const hc_handler hc_table[HC_TABLE_SIZE] = {
    [HV_HYPERCALL_set_trap_table] = pv_hc_set_trap_table,
    [HV_HYPERCALL_stack_switch] = pv_hc_stack_switch,
    [HV_HYPERCALL_set_callbacks] = pv_hc_set_callbacks,
    [HV_HYPERCALL_fpu_taskswitch] = pv_hc_fpu_taskswitch,
    [HV_HYPERCALL_set_gdt] = pv_hc_set_gdt,
    [HV_HYPERCALL_update_descriptor] = pv_hc_update_descriptor,
    [HV_HYPERCALL_mmuext_op] = pv_hc_mmuext_op,
    [HV_HYPERCALL_mmu_update] = pv_hc_mmu_update,
    [HV_HYPERCALL_update_va_mapping_otherdomain] = pv_hc_update_va_mapping_otherdomain,
    [HV_HYPERCALL_memory_op] = pv_hc_memory_op,
    [HV_HYPERCALL_hearth_op] = pv_hc_hearth_op,
    [HV_HYPERCALL_multicall] = hc_multicall,
    [HV_HYPERCALL_update_va_mapping] = pv_hc_update_va_mapping,
    [HV_HYPERCALL_xen_version] = hc_xen_version,
    [HV_HYPERCALL_console_io] = hc_console_io,
    [HV_HYPERCALL_vm_assist] = hc_vm_assist,
    [HV_HYPERCALL_iret] = pv_hc_iret,
    [HV_HYPERCALL_set_segment_base] = pv_hc_set_segment_base,
    [HV_HYPERCALL_sched_op] = hc_sched_op,
    [HV_HYPERCALL_set_timer_op] = hc_set_timer_op,
    [HV_HYPERCALL_vcpu_op] = hc_vcpu_op,
    [HV_HYPERCALL_event_channel_op] = evt_hc_event_channel_op,
    [HV_HYPERCALL_callback_op] = pv_hc_callback_op,
    [HV_HYPERCALL_physdev_op] = pv_hc_physdev_op,
};

static long dispatch(struct vcpu *v, struct cpu_regs *regs, uint64_t nr, uint64_t arg[5],
                     bool *mc_preempted)
{
    struct hc_call c = {v, regs, nr, {arg[0], arg[1], arg[2], arg[3], arg[4]},
                        mc_preempted ? arg : NULL, mc_preempted};

    if (nr >= HC_TABLE_SIZE || !hc_table[nr])
        return -HV_ENOSYS;
    return hc_table[nr](&c);
}

long hc_dispatch(struct vcpu *v, struct cpu_regs *regs, uint64_t nr, const uint64_t arg[5])
{
    uint64_t a[5] = {arg[0], arg[1], arg[2], arg[3], arg[4]};

    return dispatch(v, regs, nr, a, NULL);
}

bool hc_should_preempt(const struct hc_call *c __unused, uint64_t units_done)
{
    return units_done && units_done % HC_PREEMPT_BATCH == 0;
}

/* Re-execute the guest's syscall (2 bytes) with the new arguments; rax must hold the hypercall
 * number again, so that is what this returns (pv_syscall stores the return value in rax). */
long hc_continue(struct hc_call *c, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                 uint64_t a4)
{
    struct cpu_regs *r = c->regs;

    if (c->mc_args) {
        uint64_t a[5] = {a0, a1, a2, a3, a4};

        memcpy(c->mc_args, a, sizeof(a));
        *c->mc_preempted = true;
        return 0;
    }
    r->rip -= 2;
    r->rdi = a0;
    r->rsi = a1;
    r->rdx = a2;
    r->r10 = a3;
    r->r8 = a4;
    return (long)c->nr;
}

/* The multicall entry layout (64 bytes): op, result, args[6]. */
struct mc_entry {
    uint64_t op;
    uint64_t result;
    uint64_t args[6];
};
BUILD_BUG_ON(sizeof(struct mc_entry) != 64);

/*
 * multicall(entries, nr): run each entry in order, writing its return value into its result.
 * A nested multicall and an iret (which replaces the very registers this call returns into) are
 * refused per entry with -HV_EINVAL. Returns 0, or -HV_EFAULT if an entry cannot be read or its
 * result written. Preemptible between entries (every HC_PREEMPT_BATCH) and inside one: a
 * preempted entry's new arguments are written back to it and the multicall continues from it.
 */
long hc_multicall(struct hc_call *c)
{
    uint64_t base = c->arg[0], nr = (uint32_t)c->arg[1];
    struct mc_entry e;

    for (uint64_t i = 0; i < nr; i++) {
        uint64_t va = base + i * sizeof(e);
        bool preempted = false;

        if (hc_should_preempt(c, i))
            return hc_continue(c, va, nr - i, 0, 0, 0);
        if (copy_from_guest(&e, va, sizeof(e)))
            return -HV_EFAULT;
        if (e.op == HV_HYPERCALL_multicall || e.op == HV_HYPERCALL_iret)
            e.result = (uint64_t)-HV_EINVAL;
        else
            e.result = (uint64_t)dispatch(c->v, c->regs, e.op, e.args, &preempted);
        if (preempted) {
            if (copy_to_guest(va + offsetof(struct mc_entry, args), e.args, 5 * sizeof(uint64_t)))
                return -HV_EFAULT;
            return hc_continue(c, va, nr - i, 0, 0, 0);
        }
        if (copy_to_guest(va + offsetof(struct mc_entry, result), &e.result, sizeof(e.result)))
            return -HV_EFAULT;
    }
    return 0;
}
