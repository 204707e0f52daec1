/* pv.c - running a PV vCPU: entering ring 3, the SYSCALL path (hypercalls), exceptions from the
 * guest, mode switches, and the end of a domain. */
#include "arch/percpu.h"
#include "console/console.h"
#include "hv/sched.h"
#include "pv/pv_private.h"

struct vcpu *pv_current(void)
{
    return this_cpu()->current_vcpu;
}

/* The frame of the guest's registers: where every entry from ring 3 saves them. */
static struct cpu_regs *guest_frame(void)
{
    return (struct cpu_regs *)(this_cpu()->stack_top - sizeof(struct cpu_regs));
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

void pv_run(struct vcpu *v)
{
    struct cpu_regs *frame = guest_frame();

    this_cpu()->current_vcpu = v;
    __atomic_fetch_or(&v->domain->dirty_cpus, 1ull << cpu_id(), __ATOMIC_SEQ_CST);
    write_cr3(v->in_kernel ? v->kernel_root : v->user_root);
    wrmsr(MSR_FS_BASE, v->fs_base);
    load_gs_base(v);
    __asm__ volatile("fninit");
    *frame = v->regs;
    return_to_guest(frame);
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
        pv_bounce(v, regs, 0x100, false, 0);
        return;
    }
    regs->rax = (uint64_t)hc_dispatch(v, regs, regs->rax, arg);
    if (v->domain->shutdown)
        pv_domain_shutdown(v, regs);
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
    printk(KERN_ERR "d%u crashed: %s\n", v->domain->id, why);
    v->domain->shutdown = true;
    v->domain->shutdown_reason = HV_SHUTDOWN_crash;
    pv_domain_shutdown(v, regs);
}

/* Frames free before dom0 was built: destroying it must give exactly these back. */
static uint64_t free_before_dom0;

void pv_note_free_frames(void)
{
    struct mm_stats st;

    xmalloc_trim();
    mm_stats(&st);
    free_before_dom0 = st.free;
}

/* Tear the domain down on the idle page tables and check that every frame came back. */
static void destroy_and_account(struct vcpu *v)
{
    struct domain *d = v->domain;
    uint16_t id = d->id;
    struct mm_stats st;

    unsigned long problems = pv_audit();

    printk("d%u audit: %s (%lu problems)\n", id, problems ? "FAILED" : "clean", problems);
    pv_time_stop(v);
    pv_release_ldt(v);
    this_cpu()->current_vcpu = NULL;
    write_cr3(mm_idle_root());
    dom_destroy(d);
    xmalloc_trim();
    mm_stats(&st);
    printk("d%u destroyed: %lu frames free, %lu before it was built: %s\n", id,
           (unsigned long)st.free, (unsigned long)free_before_dom0,
           st.free == free_before_dom0 ? "all returned" : "FRAMES LOST");
}

/*
 * dom0 ends the machine's life with its own, as on Xen: poweroff powers off, reboot reboots,
 * a crash stops the machine after the report (reboot after 5 s unless noreboot). Other domains
 * come with the toolstack.
 */
void pv_domain_shutdown(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned int reason = v->domain->shutdown_reason;

    printk("d%u shut down: %s\n", v->domain->id,
           reason == HV_SHUTDOWN_poweroff ? "poweroff"
           : reason == HV_SHUTDOWN_reboot ? "reboot"
           : reason == HV_SHUTDOWN_crash  ? "crash"
                                          : "other reason");
    if (reason == HV_SHUTDOWN_crash) {
        if (regs)
            print_guest_regs(v, regs);
        machine_halt_fatal();
    }
    destroy_and_account(v);
    if (reason == HV_SHUTDOWN_reboot)
        machine_reboot();
    machine_power_off();
}
