/* smp.c - start the other processors (INIT-SIPI-SIPI through a real-mode trampoline), run
 * functions on other CPUs, stop them. */
#include "arch/acpi_tables.h"
#include "arch/arch.h"
#include "arch/percpu.h"
#include "lib/spinlock.h"
#include "mm/mm.h"

#define AP_START_TIMEOUT_US 1000000
#define CALL_TIMEOUT_US 1000000

extern const char trampoline_start[], trampoline_end[], tr_32[], tr_64[], tr_gdt[];
extern char tr_gdt_base[], tr_jump32[], tr_jump64[], tr_cr3[], tr_efer[], tr_stack[], tr_entry[],
    tr_cpu[];

/* One mailbox per target CPU. Lock legend: [m] the mailbox's lock, held by the caller from
 * posting the call until the target has taken it (and finished it, when waiting). */
struct call_mailbox {
    struct spinlock lock;
    void (*volatile fn)(void *); /* [m] */
    void *volatile arg;          /* [m] */
    volatile bool done;          /* [m] */
};

static struct call_mailbox mailboxes[MAX_CPUS];
static unsigned int nr_present = 1;
static volatile unsigned int nr_online = 1;
static void (*ap_main_fn)(void);

unsigned int smp_nr_present(void)
{
    const struct acpi_info *ai = acpi_get_info();
    unsigned int n = 0;

    for (unsigned int i = 0; ai && i < ai->nr_cpus; i++)
        n += ai->cpus[i].enabled;
    nr_present = n ? MIN(n, (unsigned int)MAX_CPUS) : 1;
    return nr_present;
}

unsigned int smp_nr_online(void)
{
    return nr_online;
}

static void call_function_irq(struct cpu_regs *regs __unused)
{
    struct call_mailbox *mb = &mailboxes[cpu_id()];
    void (*fn)(void *) = __atomic_load_n(&mb->fn, __ATOMIC_ACQUIRE);

    if (fn) {
        /* Read arg and reset done before giving the mailbox back: once fn is NULL the caller may
         * return (no wait) and the next caller may overwrite arg, and a stale done from an
         * earlier call must not end this call's wait. */
        void *arg = mb->arg;

        mb->done = false;
        __atomic_store_n(&mb->fn, NULL, __ATOMIC_RELEASE);
        fn(arg);
        __atomic_store_n(&mb->done, true, __ATOMIC_RELEASE);
    }
}

/* VEC_STOP, and NMIs while stopping: this CPU halts for good. */
void smp_stop_self(void)
{
    this_cpu()->online = false;
    for (;;)
        __asm__ volatile("cli; hlt");
}

static void stop_irq(struct cpu_regs *regs __unused)
{
    smp_stop_self();
}

/* CPUs asked to flush their TLB; each clears its own bit once it has. */
static volatile uint64_t flush_pending;

void smp_poll_flush(void)
{
    uint64_t bit = 1ull << cpu_id();

    if (__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE) & bit) {
        write_cr3(read_cr3());
        __atomic_fetch_and(&flush_pending, ~bit, __ATOMIC_RELEASE);
    }
}

static void flush_irq(struct cpu_regs *regs __unused)
{
    smp_poll_flush();
}

void smp_flush_tlb_mask(uint64_t mask)
{
    unsigned int self = cpu_id();
    uint64_t waited = 0, others = 0;

    if (mask & (1ull << self))
        write_cr3(read_cr3());
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
        if (cpu != self && (mask & (1ull << cpu)) && percpu_blocks[cpu].online)
            others |= 1ull << cpu;
    if (!others)
        return;
    __atomic_fetch_or(&flush_pending, others, __ATOMIC_SEQ_CST);
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
        if (others & (1ull << cpu))
            apic_send_ipi(percpu_blocks[cpu].apic_id, VEC_FLUSH_TLB);
    while (__atomic_load_n(&flush_pending, __ATOMIC_ACQUIRE) & others) {
        smp_poll_flush();
        cpu_relax();
        if (++waited == 1000000000ull)
            panic("smp_flush_tlb_mask: CPUs 0x%lx do not answer", others);
    }
}

static void resched_irq(struct cpu_regs *regs __unused)
{
}

void smp_send_resched(unsigned int cpu)
{
    if (cpu != cpu_id() && cpu < MAX_CPUS && percpu_blocks[cpu].online)
        apic_send_ipi(percpu_blocks[cpu].apic_id, VEC_RESCHED);
}

/* The boot CPU's logical number is 0, whatever its APIC id. */
void smp_prepare_bsp(void)
{
    percpu_blocks[0].apic_id = apic_id();
    percpu_blocks[0].online = true;
    irq_set_local_handler(VEC_CALL_FUNCTION, call_function_irq);
    irq_set_local_handler(VEC_STOP, stop_irq);
    irq_set_local_handler(VEC_FLUSH_TLB, flush_irq);
    irq_set_local_handler(VEC_RESCHED, resched_irq);
}

static void ap_entry(unsigned int cpu)
{
    struct percpu *pc = &percpu_blocks[cpu];

    cpu_init_tables(pc);
    apic_init_ap();
    ap_main_fn(); /* marks the CPU online and never returns */
}

/* Mark this AP online; called by the AP's main function once its subsystems are ready. */
void smp_ap_online(void)
{
    this_cpu()->online = true;
    __atomic_fetch_add(&nr_online, 1, __ATOMIC_SEQ_CST);
}

static void trampoline_install(void)
{
    paddr_t base = mm_trampoline_page();
    char *t = maddr_to_virt(base);
    uint64_t efer = EFER_LME | (boot_cpu_features.nx ? EFER_NXE : 0);

#define TR_FIELD(sym) (t + ((sym) - trampoline_start))
    ASSERT(trampoline_end - trampoline_start <= (long)PAGE_SIZE);
    memcpy(t, trampoline_start, trampoline_end - trampoline_start);
    *(uint32_t *)TR_FIELD(tr_gdt_base) = (uint32_t)(base + (tr_gdt - trampoline_start));
    *(uint32_t *)TR_FIELD(tr_jump32) = (uint32_t)(base + (tr_32 - trampoline_start));
    *(uint32_t *)TR_FIELD(tr_jump64) = (uint32_t)(base + (tr_64 - trampoline_start));
    *(uint64_t *)TR_FIELD(tr_cr3) = mm_idle_root();
    *(uint64_t *)TR_FIELD(tr_efer) = efer;
    *(uint64_t *)TR_FIELD(tr_entry) = (uint64_t)ap_entry;
}

static bool start_one(unsigned int cpu, uint32_t apic)
{
    char *t = maddr_to_virt(mm_trampoline_page());
    struct percpu *pc = &percpu_blocks[cpu];
    uint64_t waited = 0;

    pc->id = cpu;
    pc->apic_id = apic;
    pc->gdt = mm_alloc_pages(4); /* GDT_PAGES = 16 pages */
    if (!pc->gdt)
        return false;
    memset(pc->gdt, 0, GDT_PAGES * PAGE_SIZE);
    pc->stack_base = STACKS_VIRT_START + (uint64_t)cpu * STACK_STRIDE;
    *(uint64_t *)TR_FIELD(tr_stack) = pc->stack_base + (STACK_MAIN_PAGE + STACK_MAIN_PAGES) *
                                                           PAGE_SIZE;
    *(uint64_t *)TR_FIELD(tr_cpu) = cpu;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    apic_start_ap(apic, mm_trampoline_page());
    while (!pc->online && waited < AP_START_TIMEOUT_US) {
        udelay(100);
        waited += 100;
    }
    return pc->online;
}

unsigned int smp_boot(void (*ap_main)(void))
{
    const struct acpi_info *ai = acpi_get_info();
    uint32_t bsp = percpu_blocks[0].apic_id;
    unsigned int cpu = 1;

    ap_main_fn = ap_main;
    trampoline_install();
    for (unsigned int i = 0; ai && i < ai->nr_cpus && cpu < nr_present; i++) {
        uint32_t apic = ai->cpus[i].apic_id;

        if (!ai->cpus[i].enabled || apic == bsp)
            continue;
        if (!start_one(cpu, apic)) {
            /* A late AP would read the trampoline fields meant for the next one: stop here. */
            printk(KERN_WARNING "CPU %u: APIC id %u did not start; no further CPUs started\n",
                   cpu, apic);
            break;
        }
        printk(KERN_DEBUG "CPU %u: APIC id %u online\n", cpu, apic);
        cpu++;
    }
    return nr_online;
}
#undef TR_FIELD

int smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg, bool wait)
{
    struct call_mailbox *mb;
    uint64_t waited = 0;
    int rc = 0;

    if (cpu >= MAX_CPUS || !percpu_blocks[cpu].online)
        return -1;
    if (cpu == cpu_id()) {
        fn(arg);
        return 0;
    }
    ASSERT(irqs_enabled()); /* two CPUs calling each other with interrupts off would deadlock */
    mb = &mailboxes[cpu];
    spin_lock(&mb->lock);
    mb->done = false;
    mb->arg = arg;
    __atomic_store_n(&mb->fn, fn, __ATOMIC_RELEASE);
    apic_send_ipi(percpu_blocks[cpu].apic_id, VEC_CALL_FUNCTION);
    /* Hold the mailbox until the target has taken the call (and finished it, if wait). */
    while ((__atomic_load_n(&mb->fn, __ATOMIC_ACQUIRE) ||
            (wait && !__atomic_load_n(&mb->done, __ATOMIC_ACQUIRE))) &&
           waited < CALL_TIMEOUT_US) {
        udelay(10);
        waited += 10;
    }
    if (mb->fn || (wait && !mb->done)) {
        mb->fn = NULL;
        rc = -1;
    }
    spin_unlock(&mb->lock);
    return rc;
}

static volatile bool stopping;

bool smp_stopping(void)
{
    return stopping;
}

void smp_stop_others(void)
{
    unsigned int self = cpu_id();

    stopping = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
        if (cpu != self && percpu_blocks[cpu].online)
            apic_send_nmi(percpu_blocks[cpu].apic_id);
    for (unsigned int i = 0; i < 1000; i++) {
        bool any = false;

        for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
            any |= cpu != self && percpu_blocks[cpu].online;
        if (!any)
            break;
        udelay(10);
    }
}
