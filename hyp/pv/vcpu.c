/* vcpu.c - VCPUOP_initialise for PV vCPUs (a secondary vCPU's first register state, page
 * tables, callbacks, trap table and GDT, checked as the matching hypercalls check them) and
 * VCPUOP_register_vcpu_info (a vCPU's vcpu_info moved into a guest frame). */
#include "hv/callback.h"
#include "pv/pv_private.h"
#include "sched/sched.h"

static bool is_canonical(uint64_t va)
{
    return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* Everything that needs no reference: addresses canonical, LDT unused, kernel mode. */
static long check_context(const struct hv_vcpu_guest_context *c)
{
    if (!(c->flags & HV_VGCF_in_kernel) || c->ldt_ents || c->gdt_ents > 16 * 512)
        return -HV_EINVAL; /* a vCPU starts in its kernel; LDTs come with MMUEXT_SET_LDT */
    if (!is_canonical(c->user_regs.rip) || !is_canonical(c->user_regs.rsp) ||
        !is_canonical(c->kernel_sp) || !is_canonical(c->event_callback_eip) ||
        !is_canonical(c->failsafe_callback_eip) || !is_canonical(c->syscall_callback_eip) ||
        !is_canonical(c->fs_base) || !is_canonical(c->gs_base_kernel) ||
        !is_canonical(c->gs_base_user) || !c->ctrlreg[3])
        return -HV_EINVAL;
    for (unsigned int i = 0; i < HV_NR_TRAP_CTXT; i++)
        if (!is_canonical(c->trap_ctxt[i].address))
            return -HV_EINVAL;
    return 0;
}

/* Registers as the guest gave them, in ring 3 with the flat selectors, IF on (events are
 * masked in vcpu_info instead), IOPL clear. */
static void set_registers(struct vcpu *v, const struct hv_cpu_user_regs *r)
{
    struct cpu_regs *g = &v->regs;

    memset(g, 0, sizeof(*g));
    g->r15 = r->r15, g->r14 = r->r14, g->r13 = r->r13, g->r12 = r->r12;
    g->rbp = r->rbp, g->rbx = r->rbx, g->r11 = r->r11, g->r10 = r->r10;
    g->r9 = r->r9, g->r8 = r->r8, g->rax = r->rax, g->rcx = r->rcx;
    g->rdx = r->rdx, g->rsi = r->rsi, g->rdi = r->rdi;
    g->rip = r->rip;
    g->rsp = r->rsp;
    g->cs = FLAT_RING3_CS64;
    g->ss = FLAT_RING3_DS;
    g->rflags = (r->rflags & ~(RFLAGS_IOPL | RFLAGS_VM)) | RFLAGS_IF | 2;
    v->sel_ds = r->ds;
    v->sel_es = r->es;
    v->sel_fs = r->fs;
    v->sel_gs = r->gs;
}

static void set_callbacks_and_traps(struct vcpu *v, const struct hv_vcpu_guest_context *c)
{
    for (unsigned int i = 0; i < HV_NR_TRAP_CTXT; i++)
        v->traps[i] = (struct guest_trap){c->trap_ctxt[i].address, c->trap_ctxt[i].flags};
    v->event_callback = c->event_callback_eip;
    v->failsafe_callback = c->failsafe_callback_eip;
    v->syscall_callback = c->syscall_callback_eip;
    v->failsafe_flags = (c->flags & HV_VGCF_failsafe_disables_events) ? HV_CALLBACKF_mask_events : 0;
    v->syscall_flags = (c->flags & HV_VGCF_syscall_disables_events) ? HV_CALLBACKF_mask_events : 0;
    v->kernel_ss = c->kernel_ss | 3;
    v->kernel_sp = c->kernel_sp;
    v->fs_base = c->fs_base;
    v->gs_base_kernel = c->gs_base_kernel;
    v->gs_base_user = c->gs_base_user;
    v->fpu_used = false; /* a fresh FPU state (fninit), as Linux expects */
}

/* Page-table roots (references taken first: on failure nothing changes), then the GDT. */
static long set_tables(struct vcpu *v, const struct hv_vcpu_guest_context *c)
{
    struct pv_mm m;
    long rc;

    pv_mm_begin(&m, v, v->domain);
    rc = pv_set_root(&m, c->ctrlreg[3] >> PAGE_SHIFT, false);
    if (rc == 0 && c->ctrlreg[1])
        rc = pv_set_root(&m, c->ctrlreg[1] >> PAGE_SHIFT, true);
    pv_mm_end(&m);
    if (rc == 0)
        rc = pv_set_gdt(v, c->gdt_frames, (unsigned int)c->gdt_ents, false);
    return rc;
}

long pv_vcpu_initialise(struct vcpu *v, const struct hv_vcpu_guest_context *c)
{
    long rc = check_context(c);

    if (rc)
        return rc;
    if (__atomic_exchange_n(&v->init_claimed, true, __ATOMIC_ACQ_REL))
        return -HV_EEXIST; /* initialised, or another CPU is initialising it */
    if ((rc = set_tables(v, c)) != 0) {
        __atomic_store_n(&v->init_claimed, false, __ATOMIC_RELEASE);
        return rc;
    }
    v->in_kernel = true;
    set_registers(v, &c->user_regs);
    set_callbacks_and_traps(v, c);
    __atomic_store_n(&v->initialised, true, __ATOMIC_RELEASE);
    return 0;
}

long pv_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint32_t offset)
{
    struct hv_vcpu_info *vi;
    struct pv_mm m;
    long rc;

    if (offset > PAGE_SIZE - sizeof(*vi))
        return -HV_ENXIO; /* as Xen's map_vcpu_info */
    if (v->vcpu_info_mfn || !dom_owns(v->domain, mfn))
        return -HV_EINVAL;
    if (v != pv_current() && sched_vcpu_is_up(v))
        return -HV_EINVAL; /* another vCPU's vcpu_info moves only while it is down */
    pv_mm_begin(&m, v, v->domain);
    rc = pt_get_page_and_type(&v->domain->pt, mfn, PGT_WRITABLE, &m.w);
    pv_mm_end(&m);
    if (rc)
        return -HV_EINVAL;
    vi = (struct hv_vcpu_info *)((char *)maddr_to_virt(mfn << PAGE_SHIFT) + offset);
    memcpy(vi, v->vcpu_info, sizeof(*vi));
    /* As Xen: everything counts as pending once, so the guest rescans its ports. */
    vi->evtchn_upcall_pending = 1;
    vi->evtchn_pending_sel = ~0ull;
    __atomic_store_n(&v->vcpu_info, (void *)vi, __ATOMIC_RELEASE);
    v->vcpu_info_mfn = mfn;
    pv_time_publish(v);
    return 0;
}

void pv_release_vcpu_info(struct vcpu *v)
{
    if (!v->vcpu_info_mfn)
        return;
    spin_lock(&v->domain->mm_lock);
    pt_put_page_and_type(&v->domain->pt, v->vcpu_info_mfn);
    spin_unlock(&v->domain->mm_lock);
    v->vcpu_info_mfn = 0;
}
