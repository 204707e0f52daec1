/* pv.c - running a PV vCPU: entering ring 3, the SYSCALL path (hypercalls), exceptions from the
 * guest, mode switches, and the end of a domain. */
#include "arch/percpu.h"
#include "console/console.h"
#include "hv/sched.h"
#include "pv/pv_private.h"
#include "sched/sched.h"

struct vcpu *pv_current(void)
{
    return this_cpu()->current_vcpu;
}

static void load_gs_base(struct vcpu *v)
{
    wrmsr(MSR_GS_BASE, v->in_kernel ? v->gs_base_kernel : v->gs_base_user);
}

void pv_toggle_mode(struct vcpu *v)
{
    v->in_kernel = !v->in_kernel;
    write_cr3(v->in_kernel ? v->kernel_root : v->user_root);
    load_gs_base(v);
}

__hot void pv_exit_to_guest(struct cpu_regs *frame)
{
    if (this_cpu()->resched)
        sched_switch(frame); /* may load another vCPU into frame, or go idle for good */
    pv_deliver_events(pv_current(), frame);
}

void pv_syscall(struct cpu_regs *regs)
{
    struct vcpu *v = pv_current();
    uint64_t arg[5] = {regs->rdi, regs->rsi, regs->rdx, regs->r10, regs->r8};

    ASSERT(v != NULL);
    if (!v->in_kernel) {
        /* A guest application's system call goes to the guest kernel (rip/rcx/r11 as SYSCALL
         * left them); without a syscall callback it is an invalid opcode, rip at the syscall. */
        if (!v->syscall_callback) {
            regs->rip -= 2;
            pv_bounce(v, regs, 6, false, 0);
            return;
        }
        pv_bounce(v, regs, PV_BOUNCE_SYSCALL, false, 0);
        return;
    }
    regs->rax = (uint64_t)hc_dispatch(v, regs, regs->rax, arg);
}

/* Vectors whose exceptions carry an error code. */
static bool has_error_code(unsigned int vector)
{
    return vector == 8 || (vector >= 10 && vector <= 14) || vector == 17 || vector == 21;
}

void pv_exception(struct cpu_regs *regs)
{
    struct vcpu *v = pv_current();
    unsigned int vector = (unsigned int)regs->vector;

    ASSERT(v != NULL);
    if (vector == 6 && pv_emulate_forced_cpuid(v, regs))
        return;
    if (vector == 13 && pv_emulate_privileged(v, regs))
        return;
    if (vector == 13 && pv_software_interrupt(v, regs))
        return;
    if (vector == 7 && v->fpu_ts) {
        /* Lazy FPU switch of the guest: clear its virtual TS and let its #NM handler run. */
        v->fpu_ts = false;
        __asm__ volatile("clts");
    }
    if (vector == 14 && (regs->error_code & 3) == 3 && pv_ptwr_fault(v, regs, read_cr2()))
        return;
    if (vector == 14) {
        vcpu_info(v)->arch.cr2 = read_cr2();
        if (v->in_kernel)
            regs->error_code &= ~4ull; /* U/S tells the guest which of its modes faulted */
    }
    pv_bounce(v, regs, vector, has_error_code(vector), regs->error_code);
}

static void print_guest_regs(const struct vcpu *v, const struct cpu_regs *r)
{
    printk(KERN_ERR "d%u v%u %s mode: RIP %04lx:%016lx RFLAGS %016lx RSP %04lx:%016lx\n",
           v->domain->id, v->id, v->in_kernel ? "kernel" : "user", r->cs, r->rip, r->rflags,
           r->ss, r->rsp);
    printk(KERN_ERR "RAX %016lx RBX %016lx RCX %016lx RDX %016lx\n", r->rax, r->rbx, r->rcx,
           r->rdx);
    printk(KERN_ERR "RSI %016lx RDI %016lx RBP %016lx R8  %016lx\n", r->rsi, r->rdi, r->rbp,
           r->r8);
    printk(KERN_ERR "R9  %016lx R10 %016lx R11 %016lx R12 %016lx\n", r->r9, r->r10, r->r11,
           r->r12);
    printk(KERN_ERR "R13 %016lx R14 %016lx R15 %016lx CR3 %016lx\n", r->r13, r->r14, r->r15,
           read_cr3());
}

void pv_crash(struct vcpu *v, struct cpu_regs *regs, const char *why)
{
    struct domain *d = v->domain;

    printk(KERN_ERR "d%u crashed: %s\n", d->id, why);
    sched_domain_shutdown(d, HV_SHUTDOWN_crash);
    if (regs)
        print_guest_regs(v, regs);
    if (d->id == 0)
        machine_halt_fatal(); /* as Xen: dom0's crash ends the machine (after the report) */
    sched_leave();
}

/* Frames free before the first domain was built: once every domain is gone, exactly these must
 * be free again. */
static uint64_t free_before_domains;
/* Domains built and not yet completely torn down (two CPUs may tear two down at once). */
static unsigned int live_domains;

void pv_domain_started(void)
{
    __atomic_fetch_add(&live_domains, 1, __ATOMIC_SEQ_CST);
}

void pv_note_free_frames(void)
{
    xmalloc_trim();
    free_before_domains = mm_free_frames();
}

void pv_domain_destroy(struct domain *d)
{
    uint16_t id = d->id;
    bool last, dom0_ends = id == 0 && d->shutdown_reason != HV_SHUTDOWN_crash;
    unsigned int reason = d->shutdown_reason;
    uint64_t owned = d->nr_pages, free_now;
    unsigned long problems = pv_audit_domain(d);

    printk("d%u audit: %s (%lu problems)\n", id, problems ? "FAILED" : "clean", problems);
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        pv_time_stop(d->vcpu[i]); /* waits for a refresh running elsewhere */
        pv_release_ldt(d->vcpu[i]);
        pv_release_vcpu_info(d->vcpu[i]);
    }
    dom_destroy(d);
    xmalloc_trim();
    last = __atomic_sub_fetch(&live_domains, 1, __ATOMIC_SEQ_CST) == 0;
    if (last)
        xmalloc_trim(); /* what the others freed meanwhile */
    free_now = mm_free_frames();
    if (!last)
        printk("d%u destroyed: %lu frames owned, %lu frames free\n", id, (unsigned long)owned,
               (unsigned long)free_now);
    else
        printk("d%u destroyed: %lu frames free, %lu before the first domain was built: %s\n", id,
               (unsigned long)free_now, (unsigned long)free_before_domains,
               free_now == free_before_domains ? "all returned" : "FRAMES LOST");
    if (dom0_ends && reason == HV_SHUTDOWN_reboot)
        machine_reboot();
    if (dom0_ends || last) {
        printk("%s: powering off\n", last ? "no domain left" : "dom0 shut down");
        machine_power_off();
    }
}
