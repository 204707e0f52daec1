/* cpu.c - CPU feature detection and the per-CPU descriptor tables: GDT, TSS with IST stacks, IDT. */
#include "arch/arch.h"
#include "arch/percpu.h"

struct cpu_features boot_cpu_features;
struct percpu percpu_blocks[MAX_CPUS];

/* The IDT is shared by all CPUs: 256 gates pointing into entry.S's 16-byte stubs. */
static uint64_t idt[256 * 2] __attribute__((aligned(16)));
extern const char entry_stubs[];
void cpu_load_segments(uint16_t cs, uint16_t ds);

#define IST_NMI 1
#define IST_DF 2
#define IST_MC 3

BUILD_BUG_ON(offsetof(struct percpu, scratch_rsp) != PERCPU_SCRATCH_RSP);
BUILD_BUG_ON(offsetof(struct percpu, stack_top) != PERCPU_STACK_TOP);

/* The boot CPU's GDT, usable before mm exists; the other CPUs' come from the frame allocator. */
static uint64_t bsp_gdt[GDT_PAGES * 512] __attribute__((aligned(4096)));

/* Every CPU's stacks (main and IST) lie in its window of the stack area; anything else is the
 * boot CPU before it left its boot stack. */
struct percpu *this_cpu(void)
{
    uint64_t rsp = (uint64_t)__builtin_frame_address(0);
    uint64_t off = rsp - STACKS_VIRT_START;

    if (off < (uint64_t)MAX_CPUS * STACK_STRIDE)
        return &percpu_blocks[off / STACK_STRIDE];
    return &percpu_blocks[0];
}

unsigned int cpu_id(void)
{
    return this_cpu()->id;
}

static void copy_regs_string(char *dst, const struct cpuid_regs *r, bool abcd)
{
    const uint32_t w[4] = {r->a, r->b, r->c, r->d};
    const uint32_t v[3] = {r->b, r->d, r->c};

    if (abcd)
        memcpy(dst, w, 16);
    else
        memcpy(dst, v, 12);
}

/* Read CPUID once on the boot CPU; every CPU of a machine is assumed to have the same features. */
void cpu_detect_features(void)
{
    struct cpu_features *f = &boot_cpu_features;
    struct cpuid_regs r = cpuid(0, 0);
    uint32_t max_basic = r.a, max_ext;

    copy_regs_string(f->vendor, &r, false);
    r = cpuid(1, 0);
    f->x2apic = r.c & (1u << 21);
    f->tsc_deadline = r.c & (1u << 24);
    f->hypervisor = r.c & (1u << 31);
    f->pge = r.d & (1u << 13);
    if (max_basic >= 7) {
        r = cpuid(7, 0);
        f->smep = r.b & (1u << 7);
        f->smap = r.b & (1u << 20);
    }
    max_ext = cpuid(0x80000000, 0).a;
    if (max_ext >= 0x80000001) {
        r = cpuid(0x80000001, 0);
        f->nx = r.d & (1u << 20);
        f->pdpe1gb = r.d & (1u << 26);
    }
    if (max_ext >= 0x80000004) {
        for (uint32_t i = 0; i < 3; i++) {
            r = cpuid(0x80000002 + i, 0);
            copy_regs_string(f->brand + 16 * i, &r, true);
        }
    }
    if (max_ext >= 0x80000007)
        f->invariant_tsc = cpuid(0x80000007, 0).d & (1u << 8);
}

static void set_gate(unsigned int vec, unsigned int ist, unsigned int dpl)
{
    uint64_t addr = (uint64_t)(entry_stubs + 16 * vec);

    /* present, 64-bit interrupt gate (interrupts off on entry) */
    idt[2 * vec] = (addr & 0xffff) | ((uint64_t)HYP_CS << 16) | ((uint64_t)ist << 32) |
                   ((0x8eull | (uint64_t)dpl << 5) << 40) | ((addr >> 16 & 0xffff) << 48);
    idt[2 * vec + 1] = addr >> 32;
}

/* Fill the shared IDT once, on the boot CPU. NMI, #DF and #MC run on their own IST stacks so a
 * broken main stack (overflow into the guard page) still gets a report. #BP and #OF have DPL 3
 * (as on Xen) so that a guest's int3 and into arrive as themselves; any other int $n from ring 3
 * is a #GP. */
void idt_init(void)
{
    for (unsigned int v = 0; v < 256; v++)
        set_gate(v, 0, 0);
    set_gate(2, IST_NMI, 0);
    set_gate(3, 0, 3);
    set_gate(4, 0, 3);
    set_gate(8, IST_DF, 0);
    set_gate(18, IST_MC, 0);
}

/* The reserved entries, as Xen's boot_gdt: accessed bits preset so the CPU never writes. */
static void gdt_fill(struct percpu *pc)
{
    uint64_t tss = (uint64_t)&pc->tss;
    uint64_t limit = sizeof(pc->tss) - 1;
    uint64_t *g = pc->gdt;

    g[HYP_CS / 8] = 0x00af9b000000ffffull;          /* ring 0, 64-bit code */
    g[HYP_DS / 8] = 0x00cf93000000ffffull;          /* ring 0, data */
    g[FLAT_RING3_CS32 / 8] = 0x00cffb000000ffffull; /* ring 3, 32-bit code */
    g[FLAT_RING3_DS / 8] = 0x00cff3000000ffffull;   /* ring 3, data */
    g[FLAT_RING3_CS64 / 8] = 0x00affb000000ffffull; /* ring 3, 64-bit code */
    g[HYP_TSS / 8] = (limit & 0xffff) | ((tss & 0xffffff) << 16) | (0x89ull << 40) |
                     ((limit >> 16 & 0xf) << 48) | ((tss >> 24 & 0xff) << 56);
    g[HYP_TSS / 8 + 1] = tss >> 32;
}

/* SYSCALL lands in syscall_entry (entry.S) on HYP_CS; SYSRET would return to FLAT_RING3_CS64 /
 * FLAT_RING3_DS (STAR's user base is FLAT_RING3_CS32). SFMASK clears AC, NT, DF, IF, TF, RF.
 * CSTAR must be set too: a guest can reach compatibility mode, and an unset CSTAR (0) would run
 * ring 0 at address 0 on the guest's stack. */
static void syscall_init(void)
{
    extern const char syscall_entry[], cstar_entry[];

    wrmsr(MSR_STAR, ((uint64_t)FLAT_RING3_CS32 << 48) | ((uint64_t)HYP_CS << 32));
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    wrmsr(MSR_CSTAR, (uint64_t)cstar_entry);
    wrmsr(MSR_SFMASK, 0x47700);
    wrmsr(MSR_SYSENTER_CS, 0); /* SYSENTER raises #GP, by design rather than by reset value */
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

uint64_t *cpu_bsp_gdt(void)
{
    return bsp_gdt;
}

static void tss_fill(struct percpu *pc)
{
    uint64_t base = pc->stack_base;

    memset(&pc->tss, 0, sizeof(pc->tss));
    pc->tss.rsp[0] = base + (STACK_MAIN_PAGE + STACK_MAIN_PAGES) * 4096ull;
    pc->tss.ist[IST_NMI - 1] = base + (STACK_NMI_PAGE + STACK_IST_PAGES) * 4096ull;
    pc->tss.ist[IST_DF - 1] = base + (STACK_DF_PAGE + STACK_IST_PAGES) * 4096ull;
    pc->tss.ist[IST_MC - 1] = base + (STACK_MC_PAGE + STACK_IST_PAGES) * 4096ull;
    pc->tss.iomap_base = sizeof(pc->tss); /* no I/O bitmap: ring 3 gets no ports */
}

void cpu_init_tables(struct percpu *pc)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) gdtr = {GDT_PAGES * 4096 - 1, (uint64_t)pc->gdt},
                              idtr = {sizeof(idt) - 1, (uint64_t)idt};
    uint64_t cr4 = read_cr4();

    pc->self = pc;
    pc->stack_top = pc->stack_base + (STACK_MAIN_PAGE + STACK_MAIN_PAGES) * 4096ull;
    gdt_fill(pc);
    tss_fill(pc);
    __asm__ volatile("lgdt %0" ::"m"(gdtr));
    cpu_load_segments(HYP_CS, HYP_DS);
    wrmsr(MSR_GS_BASE, 0);
    wrmsr(MSR_KERNEL_GS_BASE, (uint64_t)pc);
    syscall_init();
    __asm__ volatile("ltr %w0" ::"r"(HYP_TSS));
    __asm__ volatile("lidt %0" ::"m"(idtr));

    if (boot_cpu_features.nx)
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
    if (boot_cpu_features.smep)
        cr4 |= CR4_SMEP;
    if (boot_cpu_features.smap)
        cr4 |= CR4_SMAP;
    if (boot_cpu_features.pge)
        cr4 |= CR4_PGE;
    cr4 |= CR4_OSFXSR | CR4_OSXMMEXCPT; /* guests use SSE; the hypervisor itself never does */
    write_cr4(cr4);
    wrmsr(MSR_PAT, PAT_XEN);
}
