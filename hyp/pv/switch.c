/* switch.c - moving a CPU between PV vCPUs: what of a vCPU lives in the CPU (registers, data
 * selectors and segment bases, FPU/SSE state, page tables, GDT and LDT) is saved and loaded
 * here; on the way back to a guest, pending event upcalls are delivered. */
#include "arch/percpu.h"
#include "pv/pv_private.h"

#define CR0_TS 8ull

static uint16_t read_ds(void)
{
    uint16_t s;
    __asm__ volatile("mov %%ds, %0" : "=r"(s));
    return s;
}

static uint16_t read_es(void)
{
    uint16_t s;
    __asm__ volatile("mov %%es, %0" : "=r"(s));
    return s;
}

static uint16_t read_fs(void)
{
    uint16_t s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    return s;
}

static uint16_t read_gs(void)
{
    uint16_t s;
    __asm__ volatile("mov %%gs, %0" : "=r"(s));
    return s;
}

struct cpu_regs *pv_guest_frame(void)
{
    return (struct cpu_regs *)(this_cpu()->stack_top - sizeof(struct cpu_regs));
}

void pv_switch_out(struct vcpu *v, const struct cpu_regs *frame)
{
    v->regs = *frame;
    v->sel_ds = read_ds();
    v->sel_es = read_es();
    v->sel_fs = read_fs();
    v->sel_gs = read_gs();
    v->fs_base = rdmsr(MSR_FS_BASE);
    if (v->in_kernel)
        v->gs_base_kernel = rdmsr(MSR_GS_BASE);
    else
        v->gs_base_user = rdmsr(MSR_GS_BASE);
    __asm__ volatile("clts; fxsave64 %0" : "=m"(v->fpu_area)::"memory");
    v->fpu_used = true;
}

/*
 * Load v's data selectors; the ones that fault are replaced by NUL. Returns true if all loaded.
 * A selector's load also loads its base (FS and GS): the saved bases are written afterwards.
 */
static bool load_selectors(const struct vcpu *v)
{
    bool ok = true;

    if (load_ds_selector(v->sel_ds)) {
        ok = false;
        (void)load_ds_selector(0);
    }
    if (load_es_selector(v->sel_es)) {
        ok = false;
        (void)load_es_selector(0);
    }
    if (load_fs_selector(v->sel_fs)) {
        ok = false;
        (void)load_fs_selector(0);
    }
    if (load_gs_selector(v->sel_gs)) {
        ok = false;
        (void)load_gs_selector(0);
    }
    return ok;
}

void pv_switch_in(struct vcpu *v, struct cpu_regs *frame)
{
    uint16_t sel[4] = {v->sel_ds, v->sel_es, v->sel_fs, v->sel_gs};
    bool segs_ok;

    this_cpu()->current_vcpu = v;
    __atomic_fetch_or(&v->domain->dirty_cpus, 1ull << cpu_id(), __ATOMIC_SEQ_CST);
    write_cr3(v->in_kernel ? v->kernel_root : v->user_root);
    pv_load_gdt(v);
    pv_load_ldt(v);
    segs_ok = load_selectors(v);
    wrmsr(MSR_FS_BASE, v->fs_base);
    wrmsr(MSR_GS_BASE, v->in_kernel ? v->gs_base_kernel : v->gs_base_user);
    __asm__ volatile("clts" ::: "memory");
    if (v->fpu_used)
        __asm__ volatile("fxrstor64 %0" ::"m"(v->fpu_area) : "memory");
    else
        __asm__ volatile("fninit");
    if (v->fpu_ts)
        write_cr0(read_cr0() | CR0_TS);
    *frame = v->regs;
    pv_time_publish(v);
    if (!segs_ok) {
        /* As Xen's load_segments(): the guest learns which selectors did not load. */
        v->sel_ds = v->sel_es = v->sel_fs = v->sel_gs = 0;
        pv_bounce_failsafe(v, frame, sel);
    }
}

void pv_switch_to_idle(void)
{
    this_cpu()->current_vcpu = NULL;
    write_cr3(mm_idle_root());
}

__hot void pv_deliver_events(struct vcpu *v, struct cpu_regs *frame)
{
    struct hv_vcpu_info *vi = vcpu_info(v);

    if (__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE) &&
        !__atomic_load_n(&vi->evtchn_upcall_mask, __ATOMIC_ACQUIRE) && v->event_callback)
        pv_bounce(v, frame, PV_BOUNCE_EVENT, false, 0);
}

void pv_copy_runstate(struct vcpu *v, const struct hv_vcpu_runstate_info *rs)
{
    if (!v->runstate_guest)
        return;
    if (!v->in_kernel)
        write_cr3(v->kernel_root); /* the area is a guest-kernel address */
    (void)copy_to_guest(v->runstate_guest, rs, sizeof(*rs)); /* faults ignored, as on Xen */
    if (!v->in_kernel)
        write_cr3(v->user_root);
}
