/* traps.c - exception dispatch and the fatal-error report: vector, error code, registers, the
 * faulting address, and a backtrace with symbol names. */
#include "arch/arch.h"
#include "arch/percpu.h"
#include "arch/percpu_offsets.h"
#include "console/console.h"
#include "pv/pv.h"

static const char *const exception_names[32] = {
    [0] = "#DE divide error",       [1] = "#DB debug",
    [2] = "NMI",                    [3] = "#BP breakpoint",
    [4] = "#OF overflow",           [5] = "#BR bound range",
    [6] = "#UD invalid opcode",     [7] = "#NM device not available",
    [8] = "#DF double fault",       [10] = "#TS invalid TSS",
    [11] = "#NP segment not present", [12] = "#SS stack fault",
    [13] = "#GP general protection", [14] = "#PF page fault",
    [16] = "#MF x87 error",         [17] = "#AC alignment check",
    [18] = "#MC machine check",     [19] = "#XM SIMD error",
    [20] = "#VE virtualization",    [21] = "#CP control protection",
};

/* Set while this CPU prints a fatal report: a fault inside the report must not recurse. */
static volatile bool in_fatal[MAX_CPUS];

extern char bsp_boot_stack_top[];

/* True if [addr, addr + 16) lies inside a stack this CPU may be using and that is mapped. */
static bool stack_range_ok(uint64_t addr)
{
    struct percpu *pc = this_cpu();
    uint64_t base = pc->stack_base;
    uint64_t page;

    if (addr & 7)
        return false;
    if (addr >= (uint64_t)bsp_boot_stack_top - 16384 && addr + 16 <= (uint64_t)bsp_boot_stack_top)
        return true;
    if (addr < base || addr + 16 > base + STACK_STRIDE || (addr & 0xfff) > 0xff0)
        return false;
    page = (addr - base) >> 12;
    return (page >= STACK_MAIN_PAGE && page < STACK_MAIN_PAGE + STACK_MAIN_PAGES) ||
           (page >= STACK_NMI_PAGE && page < STACK_NMI_PAGE + STACK_IST_PAGES) ||
           (page >= STACK_DF_PAGE && page < STACK_DF_PAGE + STACK_IST_PAGES) ||
           (page >= STACK_MC_PAGE && page < STACK_MC_PAGE + STACK_IST_PAGES);
}

/* Print rip, then walk the frame-pointer chain from rbp while it stays on a mapped stack. */
void print_backtrace(uint64_t rbp, uint64_t rip)
{
    printk(KERN_ERR "Backtrace:\n");
    printk(KERN_ERR "  %p %pS\n", (void *)rip, (void *)rip);
    for (unsigned int depth = 0; depth < 32 && rbp && stack_range_ok(rbp); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t ret = frame[1];

        if (!ret)
            break;
        printk(KERN_ERR "  %p %pS\n", (void *)ret, (void *)ret);
        if (frame[0] <= rbp)
            break; /* frames must move up the stack */
        rbp = frame[0];
    }
}

static void describe_error_code(const struct cpu_regs *regs, char *buf, size_t len)
{
    uint64_t e = regs->error_code;

    if (regs->vector == 14)
        snprintf(buf, len, " [%s, %s, %s%s%s]", (e & 2) ? "write" : "read",
                 (e & 1) ? "present" : "not-present", (e & 4) ? "user" : "supervisor",
                 (e & 16) ? ", instruction fetch" : "", (e & 8) ? ", reserved bit" : "");
    else
        buf[0] = '\0';
}

static void print_registers(const struct cpu_regs *r)
{
    printk(KERN_ERR "RIP: %p %pS\n", (void *)r->rip, (void *)r->rip);
    printk(KERN_ERR "CR2: 0x%016lx CR3: 0x%016lx CR0: 0x%016lx CR4: 0x%016lx\n", read_cr2(),
           read_cr3(), read_cr0(), read_cr4());
    printk(KERN_ERR "CS: %04lx SS: %04lx RFLAGS: %016lx RSP: %016lx\n", r->cs, r->ss, r->rflags,
           r->rsp);
    printk(KERN_ERR "RAX: %016lx RBX: %016lx RCX: %016lx RDX: %016lx\n", r->rax, r->rbx, r->rcx,
           r->rdx);
    printk(KERN_ERR "RSI: %016lx RDI: %016lx RBP: %016lx R8:  %016lx\n", r->rsi, r->rdi, r->rbp,
           r->r8);
    printk(KERN_ERR "R9:  %016lx R10: %016lx R11: %016lx R12: %016lx\n", r->r9, r->r10, r->r11,
           r->r12);
    printk(KERN_ERR "R13: %016lx R14: %016lx R15: %016lx\n", r->r13, r->r14, r->r15);
}

/* Report a fatal exception taken in the hypervisor and stop the machine. */
void fatal_report(const char *what, const struct cpu_regs *regs)
{
    unsigned int cpu = cpu_id();
    char code[80];

    if (in_fatal[cpu]) {
        console_force_unlock();
        printk(KERN_ERR "*** FATAL: %s while reporting a fatal error\n", what);
        machine_halt_fatal();
    }
    in_fatal[cpu] = true;
    smp_stop_others();
    console_force_unlock();
    describe_error_code(regs, code, sizeof(code));
    printk(KERN_ERR "*** FATAL: %s (vector %lu) on CPU %u, error code 0x%lx%s\n", what,
           regs->vector, cpu, regs->error_code, code);
    print_registers(regs);
    print_backtrace(regs->rbp, regs->rip);
    printk(KERN_ERR "*** System halted\n");
    machine_halt_fatal();
}

struct ex_entry {
    uint64_t fault_rip;
    uint64_t fixup_rip;
};
extern const struct ex_entry __start_ex_table[], __stop_ex_table[];

/* A fault at a registered instruction (a guest-memory copy) resumes at its fixup. */
static bool fixup_exception(struct cpu_regs *regs)
{
    for (const struct ex_entry *e = __start_ex_table; e < __stop_ex_table; e++) {
        if (e->fault_rip == regs->rip) {
            regs->rip = e->fixup_rip;
            return true;
        }
    }
    return false;
}

void guest_access_begin(void)
{
    if (boot_cpu_features.smap)
        __asm__ volatile("stac" ::: "memory", "cc");
}

void guest_access_end(void)
{
    if (boot_cpu_features.smap)
        __asm__ volatile("clac" ::: "memory", "cc");
}

/* Entry from entry.S for every vector. A SYSCALL and an exception in ring 3 belong to the guest
 * (pv/); an exception in the hypervisor is fatal unless it hit a guest-memory copy; everything
 * from 32 up is an interrupt. */
void trap_dispatch(struct cpu_regs *regs)
{
    const char *name;

    /* Exceptions and interrupts from ring 3 keep the guest's RFLAGS.AC (only SYSCALL masks it),
     * which would switch SMAP off for the whole entry. */
    guest_access_end();
    if (regs->vector == VEC_SYSCALL) {
        pv_syscall(regs);
        pv_exit_to_guest(regs);
        return;
    }
    if (regs->vector == 2 && smp_stopping())
        smp_stop_self(); /* another CPU is reporting a fatal error or powering off */
    /* NMI, #DF and #MC are the machine's, whoever ran; other exceptions in ring 3 the guest's. */
    if (regs->vector < 32 && (regs->cs & 3) == 3 && regs->vector != 2 && regs->vector != 8 &&
        regs->vector != 18) {
        pv_exception(regs);
        pv_exit_to_guest(regs);
        return;
    }
    if ((regs->vector == 14 || regs->vector == 13 || regs->vector == 11) && fixup_exception(regs))
        return;
    if (regs->vector >= 32) {
        irq_dispatch(regs);
        if ((regs->cs & 3) == 3)
            pv_exit_to_guest(regs);
        return;
    }
    name = exception_names[regs->vector];
    fatal_report(name ? name : "reserved exception", regs);
}

/* A broken hypervisor invariant: report with a backtrace and stop the machine. */
void panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    irq_disable();
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    smp_stop_others();
    console_force_unlock();
    printk(KERN_ERR "*** PANIC: %s\n", msg);
    print_backtrace((uint64_t)__builtin_frame_address(0), (uint64_t)panic);
    printk(KERN_ERR "*** System halted\n");
    machine_halt_fatal();
}
