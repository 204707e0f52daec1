/* hypercalls.c - the PV CPU hypercalls: trap table, callbacks, kernel stack, segment bases, lazy
 * FPU switch, and iret. Each copies its argument in once, checks it, then acts. */
#include "arch/percpu.h"
#include "hv/callback.h"
#include "pv/pv_private.h"

#define MAX_TRAP_ENTRIES 256 /* a table longer than every vector is malformed */

static bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/*
 * set_trap_table(table): entries until one with address 0; NULL clears every vector. Entries
 * before a bad one stay installed (as on Xen). -HV_EFAULT, -HV_EINVAL (non-canonical handler,
 * more than 256 entries without a terminator).
 */
long pv_hc_set_trap_table(struct hc_call *c)
{
    uint64_t table = c->arg[0];
    struct hv_trap_info ti;

    if (!table) {
        memset(c->v->traps, 0, sizeof(c->v->traps));
        return 0;
    }
    for (unsigned int i = 0; i < MAX_TRAP_ENTRIES; i++) {
        if (copy_from_guest(&ti, table + i * sizeof(ti), sizeof(ti)))
            return -HV_EFAULT;
        if (!ti.address)
            return 0;
        if (!is_canonical(ti.address))
            return -HV_EINVAL;
        c->v->traps[ti.vector] = (struct guest_trap){ti.address, ti.flags};
    }
    return -HV_EINVAL;
}

/* stack_switch(ss, rsp): the stack for bounces from guest-user mode; always 0, as on Xen (an
 * unusable rsp makes the next bounce crash the domain, never the hypervisor: bounce frames are
 * written with copy_to_guest). ss gets RPL 3. */
long pv_hc_stack_switch(struct hc_call *c)
{
    c->v->kernel_ss = c->arg[0] | 3;
    c->v->kernel_sp = c->arg[1];
    return 0;
}

/* set_callbacks(event, failsafe, syscall): the 64-bit three-address form. Always 0, as on Xen;
 * a non-canonical address is not taken (that callback keeps its old address). */
long pv_hc_set_callbacks(struct hc_call *c)
{
    uint64_t *slots[3] = {&c->v->event_callback, &c->v->failsafe_callback,
                          &c->v->syscall_callback};

    for (unsigned int i = 0; i < 3; i++)
        if (is_canonical(c->arg[i]))
            *slots[i] = c->arg[i];
    return 0;
}

static long callback_register(struct vcpu *v, const struct hv_callback_register *r)
{
    if (!is_canonical(r->address) || (r->flags & ~HV_CALLBACKF_mask_events))
        return -HV_EINVAL;
    switch (r->type) {
    case HV_CALLBACKTYPE_event:
        v->event_callback = r->address;
        return 0;
    case HV_CALLBACKTYPE_failsafe:
        v->failsafe_callback = r->address;
        v->failsafe_flags = r->flags;
        return 0;
    case HV_CALLBACKTYPE_syscall:
        v->syscall_callback = r->address;
        v->syscall_flags = r->flags;
        return 0;
    default:
        return -HV_ENOSYS; /* syscall32/sysenter (32-bit user space), nmi: not supported */
    }
}

/* callback_op(REGISTER | UNREGISTER, arg). -HV_EFAULT, -HV_EINVAL, -HV_ENOSYS (other ops and
 * types Hearth does not deliver); unregistering the event or failsafe callback is refused as on
 * Xen (-HV_EINVAL). */
long pv_hc_callback_op(struct hc_call *c)
{
    struct hv_callback_register r;
    struct hv_callback_unregister u;

    switch (c->arg[0]) {
    case HV_CALLBACKOP_register:
        if (copy_from_guest(&r, c->arg[1], sizeof(r)))
            return -HV_EFAULT;
        return callback_register(c->v, &r);
    case HV_CALLBACKOP_unregister:
        if (copy_from_guest(&u, c->arg[1], sizeof(u)))
            return -HV_EFAULT;
        if (u.type != HV_CALLBACKTYPE_syscall)
            return u.type <= HV_CALLBACKTYPE_syscall32 ? -HV_EINVAL : -HV_ENOSYS;
        c->v->syscall_callback = 0;
        return 0;
    default:
        return -HV_ENOSYS;
    }
}

/* fpu_taskswitch(set): the guest's virtual CR0.TS. With it set, the guest's next FPU or SSE
 * instruction raises #NM, delivered to its vector 7 (which clears it). */
long pv_hc_fpu_taskswitch(struct hc_call *c)
{
    c->v->fpu_ts = c->arg[0] != 0;
    if (c->v->fpu_ts)
        __asm__ volatile("mov %%cr0, %%rax; or $8, %%rax; mov %%rax, %%cr0" ::: "rax", "memory");
    else
        __asm__ volatile("clts" ::: "memory");
    return 0;
}

/* SEGBASE_GS_USER_SEL: load the user's %gs selector (NUL if the selector cannot be loaded, as
 * Xen does); a non-NUL selector also resets the user GS base to its descriptor's (0). The
 * active GS base (the guest kernel's) is restored afterwards. Always 0. */
static long load_user_gs_selector(struct vcpu *v, uint16_t sel)
{
    if (load_gs_selector(sel | 3) != 0)
        (void)load_gs_selector(0);
    if (sel & ~3)
        v->gs_base_user = 0;
    wrmsr(MSR_GS_BASE, v->in_kernel ? v->gs_base_kernel : v->gs_base_user);
    return 0;
}

/* set_segment_base(which, base). -HV_EINVAL for a non-canonical base or unknown which. */
long pv_hc_set_segment_base(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t base = c->arg[1];

    if (!is_canonical(base))
        return -HV_EINVAL;
    switch (c->arg[0]) {
    case HV_SEGBASE_FS:
        v->fs_base = base;
        wrmsr(MSR_FS_BASE, base);
        return 0;
    case HV_SEGBASE_GS_USER:
        v->gs_base_user = base;
        return 0;
    case HV_SEGBASE_GS_KERNEL:
        v->gs_base_kernel = base;
        wrmsr(MSR_GS_BASE, base);
        return 0;
    case HV_SEGBASE_GS_USER_SEL:
        return load_user_gs_selector(v, (uint16_t)base);
    default:
        return -HV_EINVAL;
    }
}

/* A selector the guest may return to with RPL 3: the flat ring-3 ones, or a present segment of
 * its own GDT with DPL 3 of the right kind (code for cs, writable data for ss). LDT selectors
 * are refused (no LDT support yet). */
static bool return_selector_ok(uint64_t sel, bool code)
{
    const uint64_t *gdt = this_cpu()->gdt;
    uint64_t index = (sel & 0xffff) >> 3, d;

    if (sel & 4 || index == 0)
        return false;
    if (code && (sel | 3) == FLAT_RING3_CS64)
        return true;
    if (!code && (sel | 3) == FLAT_RING3_DS)
        return true;
    if (index >= GDT_FIRST_RESERVED_ENTRY)
        return false;
    d = gdt[index];
    if (!(d & (1ull << 47)) || ((d >> 45) & 3) != 3 || !(d & (1ull << 44)))
        return false;
    return code ? (d & (1ull << 43)) != 0 : !(d & (1ull << 43)) && (d & (1ull << 41));
}

/* The rip iretq can enter cs at (cs passed return_selector_ok): any canonical one in 64-bit mode,
 * one within the limit in compatibility mode; L and D together are reserved. iretq checks these
 * itself, but its #GP would be taken in ring 0. */
static bool return_rip_ok(uint64_t cs, uint64_t rip)
{
    uint64_t d, limit;

    if ((cs | 3) == FLAT_RING3_CS64)
        return true;
    d = this_cpu()->gdt[(cs & 0xffff) >> 3];
    if (d & (1ull << 53))
        return !(d & (1ull << 54));
    limit = (d & 0xffff) | ((d >> 32) & 0xf0000);
    if (d & (1ull << 55))
        limit = (limit << 12) | 0xfff;
    return rip <= limit;
}

/*
 * iret: the frame (struct hv_iret_context) is at the guest's rsp. To guest-user mode when the
 * saved cs has RPL 3 (a user page-table root must exist); rflags keep IF set and IOPL clear;
 * the event mask follows the saved IF. Returns the saved rax. A cs or ss the guest could not be
 * entered with raises #GP(0) at the target instead, as Xen 4.17 does when its iretq faults. An
 * unreadable frame or a missing user root crashes the domain: there is no sane context left.
 */
long pv_hc_iret(struct hc_call *c)
{
    struct cpu_regs *regs = c->regs;
    struct vcpu *v = c->v;
    struct hv_iret_context ctx;

    if (copy_from_guest(&ctx, regs->rsp, sizeof(ctx)))
        pv_crash(v, regs, "iret: unreadable frame");
    if (!is_canonical(ctx.rip) || !is_canonical(ctx.rsp))
        pv_crash(v, regs, "iret: non-canonical rip or rsp");
    if ((ctx.cs & 3) == 3) {
        if (!v->user_root)
            pv_crash(v, regs, "iret to user mode without user page tables");
        pv_toggle_mode(v);
    }
    regs->rip = ctx.rip;
    regs->cs = (ctx.cs & 0xffff) | 3; /* bits above 15 may hold a saved event mask */
    regs->rflags = (ctx.rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF | 2;
    regs->rsp = ctx.rsp;
    regs->ss = (ctx.ss & 0xffff) | 3;
    if (!(ctx.flags & HV_VGCF_in_syscall)) {
        regs->r11 = ctx.r11;
        regs->rcx = ctx.rcx;
    }
    vcpu_info(v)->evtchn_upcall_mask = !(ctx.rflags & RFLAGS_IF);
    regs->rax = ctx.rax;
    if (!return_selector_ok(regs->cs, true) || !return_rip_ok(regs->cs, regs->rip) ||
        !return_selector_ok(regs->ss, false))
        pv_bounce(v, regs, 13, true, 0);
    return (long)regs->rax;
}
