/* setup.c - start_hyp(): the boot sequence of shared/ARCHITECTURE.md section 2, the banner, the
 * debug keys of the boot CPU and its idle loop. */
#include "arch/acpi_tables.h"
#include "arch/arch.h"
#include "arch/percpu.h"
#include "boot/boot.h"
#include "boot/bootinfo.h"
#include "boot/cmdline.h"
#include "boot/domtree.h"
#include "boot/multiboot2.h"
#include "boot/pvh.h"
#include "boot/test_fault.h"
#include "console/console.h"
#include "domain/domain.h"
#include "events/events.h"
#include "mm/mm.h"
#include "pv/pv.h"
#include "sched/sched.h"
#include "time/time.h"

#define HEARTH_VERSION "0.1.0"
#define BOOT_LOADER_MB2 1
#define BOOT_LOADER_PVH 2
#define MBI_MAX_BYTES MiB(1)

void start_hyp(uint32_t loader, uint32_t magic, uint32_t info_pa);

static struct boot_info boot_info;
static uint64_t tsc_at_entry;

/* The boot CPU's stack window until mm has mapped its guarded one (no guard pages here). */
static uint8_t bsp_early_window[STACK_STRIDE] __attribute__((aligned(4096)));

/* ---- command line ------------------------------------------------------------------------- */
static struct {
    char console[32];
    unsigned int loglvl;
    struct dom0_mem dom0_mem;
    unsigned int dom0_max_vcpus;
    bool noreboot;
    bool qemu_exit;
    char test_fault[16];
} opt = {.console = "com1", .loglvl = LOG_INFO};

static const struct param params[] = {
    {"console", PARAM_STRING, opt.console, sizeof(opt.console), NULL},
    {"loglvl", PARAM_CUSTOM, &opt.loglvl, 0, parse_loglvl},
    {"dom0_mem", PARAM_CUSTOM, &opt.dom0_mem, 0, parse_dom0_mem},
    {"dom0_max_vcpus", PARAM_UINT, &opt.dom0_max_vcpus, 0, NULL},
    {"noreboot", PARAM_BOOL, &opt.noreboot, 0, NULL},
    {"qemu_exit", PARAM_BOOL, &opt.qemu_exit, 0, NULL},
    {"test_fault", PARAM_STRING, opt.test_fault, sizeof(opt.test_fault), NULL},
};

static void apply_options(void)
{
    cmdline_parse(boot_info.cmdline, params, ARRAY_SIZE(params));
    console_set_loglvl(opt.loglvl);
    power_set_noreboot(opt.noreboot);
    power_set_qemu_exit(opt.qemu_exit);
    if (strcmp(opt.console, "com1"))
        printk(KERN_WARNING "cmdline: console '%s' is not supported; using com1\n", opt.console);
}

/* ---- boot information --------------------------------------------------------------------- */

const char *boot_cmdline(void)
{
    return boot_info.cmdline;
}

/* Before mm_init the boot page tables map the first 4 GiB at the direct map. */
static const void *boot_map(void *ctx __unused, paddr_t pa, size_t len)
{
    if (pa + len < pa || pa + len > GiB(4))
        return NULL;
    return maddr_to_virt(pa);
}

static void read_boot_info(uint32_t loader, uint32_t magic, uint32_t info_pa)
{
    int rc = -1;

    if (loader == BOOT_LOADER_MB2 && mb2_magic_ok(magic))
        rc = mb2_parse(maddr_to_virt(info_pa), MIN(MBI_MAX_BYTES, GiB(4) - info_pa), info_pa,
                       &boot_info);
    else if (loader == BOOT_LOADER_PVH) {
        rc = pvh_parse(info_pa, boot_map, NULL, &boot_info);
        if (!boot_info.loader[0])
            memcpy(boot_info.loader, "QEMU PVH", sizeof("QEMU PVH"));
    }
    else
        printk(KERN_ERR "boot: unknown loader (type %u, magic 0x%x)\n", loader, magic);
    if (rc < 0)
        panic("boot: no usable memory map from the boot loader");
}

static void print_boot_info(void)
{
    const struct boot_info *bi = &boot_info;

    printk("Hearth " HEARTH_VERSION " (gcc " __VERSION__ ") built " __DATE__ " " __TIME__ "\n");
    printk("Command line: %s\n", bi->cmdline);
    printk("Loader: %s\n", bi->loader[0] ? bi->loader : "unknown");
    printk("CPU: %s%s%s%s%s\n", boot_cpu_features.brand, boot_cpu_features.nx ? " nx" : "",
           boot_cpu_features.smep ? " smep" : "", boot_cpu_features.smap ? " smap" : "",
           boot_cpu_features.x2apic ? " x2apic" : "");
    for (unsigned int i = 0; i < bi->nr_mem; i++)
        printk(KERN_DEBUG "  [0x%016lx-0x%016lx) type %u\n", (unsigned long)bi->mem[i].base,
               (unsigned long)(bi->mem[i].base + bi->mem[i].len), bi->mem[i].type);
    for (unsigned int i = 0; i < bi->nr_mods; i++)
        printk("Module %u: [0x%016lx-0x%016lx) '%s'\n", i, (unsigned long)bi->mods[i].start,
               (unsigned long)bi->mods[i].end, bi->mods[i].string);
}

/* ---- debug keys -------------------------------------------------------------------------- */
static void key_memory(void)
{
    struct mm_stats st;

    mm_stats(&st);
    printk("Frames: total %lu, free %lu, hypervisor %lu, firmware %lu\n", (unsigned long)st.total,
           (unsigned long)st.free, (unsigned long)st.hyp, (unsigned long)st.firmware);
}

static void ipi_answer(void *arg)
{
    __atomic_fetch_add((volatile unsigned int *)arg, 1, __ATOMIC_SEQ_CST);
}

static void key_ipi_check(void)
{
    volatile unsigned int answered = 0;

    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
        if (percpu_blocks[cpu].online)
            smp_call_function(cpu, ipi_answer, (void *)&answered, true);
    printk("IPI check: %u/%u CPUs answered\n", answered, smp_nr_online());
}

static void key_audit(void)
{
    unsigned long problems = pv_audit();

    printk("audit: %s (%lu problems)\n", problems ? "FAILED" : "clean", problems);
}

static void register_keys(void)
{
    keys_init();
    keys_register('a', "audit: every frame's types and references", key_audit);
    keys_register('m', "memory: frame counts", key_memory);
    keys_register('c', "CPUs: run a function on every CPU by IPI", key_ipi_check);
    keys_register('o', "power off", machine_power_off);
    keys_register('R', "reboot", machine_reboot);
}

/* ---- the rest of the boot, on the boot CPU's guarded stack ----------------------------------- */
static void ap_main(void)
{
    time_init_cpu();
    smp_ap_online();
    sched_start_cpu();
}

static void print_summary(void)
{
    const struct acpi_info *ai = acpi_get_info();
    uint64_t usable = bootinfo_usable_bytes(&boot_info);
    struct mm_stats st;

    mm_stats(&st);
    printk("Memory: %lu KiB usable (%lu frames), %lu KiB free, %lu KiB used by the hypervisor\n",
           (unsigned long)(usable >> 10), (unsigned long)st.total, (unsigned long)(st.free * 4),
           (unsigned long)(st.hyp * 4));
    printk("CPUs: %u online%s\n", smp_nr_online(), ai && ai->nr_cpus ? "" : " (no ACPI MADT)");
    printk("Boot: %lu ms from hypervisor entry\n",
           (unsigned long)((rdtsc() - tsc_at_entry) / tsc_khz()));
}

#define DOM0_MEM_DEFAULT MiB(512)

/* dom0's memory: dom0_mem= if given, else 512 MiB or three quarters of what is free. */
static uint64_t dom0_memory(void)
{
    struct mm_stats st;
    uint64_t avail;

    mm_stats(&st);
    avail = st.free * PAGE_SIZE / 4 * 3;
    if (opt.dom0_mem.amount)
        return ALIGN_DOWN(opt.dom0_mem.amount, PAGE_SIZE);
    return ALIGN_DOWN(MIN(DOM0_MEM_DEFAULT, avail), PAGE_SIZE);
}

/* Hand a built domain to event channels and the scheduler and start its vCPU 0; on failure
 * the domain is destroyed. */
static void start_domain(struct domain *d, const struct boot_domain *bd)
{
    if (evt_domain_init(d, bd->max_evtchn_port) < 0 ||
        sched_dom_init(d, bd->weight, bd->cap, bd->cpu_affinity) < 0) {
        printk(KERN_ERR "d%u (%s): no memory for its event channels or scheduling\n", d->id,
               bd->name);
        sched_dom_abort(d);
        evt_domain_destroy(d);
        dom_destroy(d);
        return;
    }
    pv_domain_started();
    sched_vcpu_up(d->vcpu[0]);
}

static void build_one(const struct boot_domain *bd)
{
    struct pv_domain_config cfg = {
        .domid = bd->domid,
        .privileged = bd->privileged,
        .kernel = &bd->kernel,
        .initrd = bd->has_ramdisk ? &bd->ramdisk : NULL,
        .mem_bytes = bd->mem_bytes,
        .nr_vcpus = bd->nr_vcpus,
        .cmdline = bd->cmdline,
    };
    struct domain *d;

    d = pv_build_domain(&cfg);
    if (d)
        start_domain(d, bd);
    else
        printk(KERN_ERR "d%u (%s): not built\n", bd->domid, bd->name);
}

/* The boot-time domains of the device tree in module tree (several may fail; the rest boot). */
static void start_tree_domains(unsigned int tree)
{
    static struct boot_domain doms[DOMTREE_MAX_DOMAINS]; /* boot CPU, once */
    const struct boot_module *m = &boot_info.mods[tree];
    unsigned int n = domtree_parse(maddr_to_virt(m->start), m->end - m->start, m->start,
                                   boot_info.mods, boot_info.nr_mods, tree, doms,
                                   DOMTREE_MAX_DOMAINS);

    printk("Device tree in module %u: %u domain%s\n", tree, n, n == 1 ? "" : "s");
    for (unsigned int i = 0; i < n; i++) {
        printk("Building d%u (%s) from the device tree\n", doms[i].domid, doms[i].name);
        build_one(&doms[i]);
    }
}

/* dom0 comes from the first module when it is an ELF image (the second module, if any, is its
 * initrd); a device tree among the modules describes every boot-time domain instead. Without
 * either Hearth stays in its idle loop with the debug keys. */
static void start_domains(void)
{
    static struct boot_domain dom0; /* boot CPU, once */
    const struct boot_module *kernel = &boot_info.mods[0];

    if (!boot_info.nr_mods)
        return;
    pv_note_free_frames();
    for (unsigned int i = 0; i < boot_info.nr_mods; i++) {
        const struct boot_module *m = &boot_info.mods[i];

        if (domtree_is_fdt(maddr_to_virt(m->start), m->end - m->start)) {
            start_tree_domains(i);
            return;
        }
    }
    if (kernel->end - kernel->start < 4 || memcmp(maddr_to_virt(kernel->start), "\177ELF", 4)) {
        printk("dom0: module 0 is not an ELF image: no dom0\n");
        return;
    }
    memcpy(dom0.name, "dom0", 5);
    dom0.privileged = true;
    dom0.kernel = *kernel;
    dom0.has_ramdisk = boot_info.nr_mods > 1;
    if (dom0.has_ramdisk)
        dom0.ramdisk = boot_info.mods[1];
    dom0.mem_bytes = dom0_memory();
    dom0.nr_vcpus = MIN(MAX(opt.dom0_max_vcpus, 1u), (unsigned int)DOM_MAX_VCPUS);
    memcpy(dom0.cmdline, kernel->string, strnlen(kernel->string, sizeof(dom0.cmdline) - 1));
    dom0.max_evtchn_port = 1023;
    dom0.cpu_affinity = ~0ull;
    build_one(&dom0);
}

static __noreturn void start_hyp_late(void *arg __unused)
{
    const struct acpi_info *ai = acpi_get_info();

    pic_disable();
    apic_init_bsp(ai ? ai->lapic_addr : 0);
    smp_prepare_bsp();
    ioapic_init();
    time_init();
    register_keys();
    irq_enable();
    console_init_irq();
    sched_init();
    smp_boot(ap_main);
    print_summary();
    if (opt.test_fault[0] && !test_fault_run(opt.test_fault))
        printk(KERN_WARNING "cmdline: bad value '%s' for option 'test_fault' (kinds: %s)\n",
               opt.test_fault, TEST_FAULT_KINDS);
    printk(KERN_ERR "Hearth ready. Debug keys: press 'h' for help.\n");
    start_domains();
    sched_start_cpu();
}

/* Entry from boot.S on the boot CPU, in long mode on the boot page tables, interrupts off. */
void start_hyp(uint32_t loader, uint32_t magic, uint32_t info_pa)
{
    struct percpu *bsp = &percpu_blocks[0];

    tsc_at_entry = rdtsc();
    bsp->self = bsp;
    bsp->gdt = cpu_bsp_gdt();
    console_init_early();
    cpu_detect_features();
    bsp->stack_base = (uint64_t)bsp_early_window;
    idt_init();
    cpu_init_tables(bsp);
    read_boot_info(loader, magic, info_pa);
    apply_options();
    print_boot_info();
    acpi_init(boot_info.rsdp);
    mm_init(&boot_info, smp_nr_present());
    bsp->stack_base = STACKS_VIRT_START; /* CPU 0's window, mapped by mm_init */
    cpu_init_tables(bsp);
    switch_stack_and_call(bsp->stack_base + (STACK_MAIN_PAGE + STACK_MAIN_PAGES) * PAGE_SIZE,
                          start_hyp_late, NULL);
}
