/*
 * privileged: what a PV kernel's privileged instructions do (it runs in ring 3): Xen emulates
 * mov to/from cr3, rdmsr/wrmsr of the segment-base MSRs and a few others, and port I/O once
 * PHYSDEVOP_set_iopl allows it; unknown MSRs, lgdt, lidt, invlpg and port I/O without
 * permission raise #GP(0) at the instruction.
 */
#include "xtf.h"

const char test_title[] = "privileged: cr3, MSRs, port I/O, lgdt, invlpg from the PV kernel";

#define MSR_UNKNOWN 0x12345u
#define POST_PORT   0x80   /* the POST-code port: harmless to read and write */
#define PIC1_DATA   0x21   /* owned by the hypervisor */

/* Print and check the last probe: vector -1 = no exception expected. */
static void expect(const char *what, int vector)
{
    const struct xtf_exinfo *e = &xtf_exinfo;

    printk("%-44s %s", what, e->raised ? xtf_vector_name(e->vector) : "no exception");
    if (e->raised)
        printk(" ec %#lx rip %s", (unsigned long)e->error_code,
               e->rip == xtf_probe_start ? "= insn" : "elsewhere");
    printk("\n");
    if (vector < 0 && e->raised)
        xtf_failure("%s: %s ec %#lx, expected no exception", what, xtf_vector_name(e->vector),
                    (unsigned long)e->error_code);
    else if (vector >= 0 && (!e->raised || e->vector != vector || e->error_code != 0 ||
                             e->rip != xtf_probe_start))
        xtf_failure("%s: %s, expected %s(0) at the instruction", what,
                    e->raised ? xtf_vector_name(e->vector) : "no exception",
                    xtf_vector_name((unsigned int)vector));
}

static int rdmsr_probe(uint32_t msr, uint64_t *val)
{
    uint32_t lo = 0, hi = 0;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "rdmsr" XTF_PROBE_END
                         : "+a"(lo), "+d"(hi) : "c"(msr) : XTF_PROBE_CLOBBERS);
    *val = ((uint64_t)hi << 32) | lo;
    return xtf_exinfo.raised ? xtf_exinfo.vector : -1;
}

static void wrmsr_probe(uint32_t msr, uint64_t val)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "wrmsr" XTF_PROBE_END
                         : : "c"(msr), "a"((uint32_t)val), "d"((uint32_t)(val >> 32))
                         : XTF_PROBE_CLOBBERS);
}

static void test_cr3(void)
{
    uint64_t cr3 = 0, l4_mfn = xtf_virt_to_mfn((const void *)xtf_start_info->pt_base);
    uint64_t data_mfn = xtf_virt_to_mfn((const void *)&xtf_exinfo);

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "mov %%cr3, %0" XTF_PROBE_END
                         : "+r"(cr3) : : XTF_PROBE_CLOBBERS);
    expect("mov %cr3, reg", -1);
    printk("  cr3 %#lx, L4 mfn %#lx\n", (unsigned long)cr3, (unsigned long)l4_mfn);
    if (cr3 != l4_mfn << 12)
        xtf_failure("mov from cr3 gave %#lx, expected the L4 mfn << 12 = %#lx",
                    (unsigned long)cr3, (unsigned long)(l4_mfn << 12));

    /* Writing the same root back: emulated as NEW_BASEPTR of the current L4. */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "mov %0, %%cr3" XTF_PROBE_END
                         : : "r"(l4_mfn << 12) : XTF_PROBE_CLOBBERS);
    expect("mov reg, %cr3 (current L4)", -1);

    /* A writable data page cannot become a root table: #GP. */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "mov %0, %%cr3" XTF_PROBE_END
                         : : "r"(data_mfn << 12) : XTF_PROBE_CLOBBERS);
    expect("mov reg, %cr3 (a data page)", X86_EXC_GP);
}

static void test_msrs(void)
{
    uint64_t v;
    long rc;

    rdmsr_probe(MSR_UNKNOWN, &v);
    expect("rdmsr 0x12345", X86_EXC_GP);
    wrmsr_probe(MSR_UNKNOWN, 0);
    expect("wrmsr 0x12345", X86_EXC_GP);

    /* GS_BASE (the kernel's, active), SHADOW_GS_BASE (the user's) and FS_BASE read back. */
    rc = hc_set_segment_base(SEGBASE_GS_KERNEL, 0xffffffff80123000ull);
    rdmsr_probe(MSR_GS_BASE, &v);
    expect("rdmsr GS_BASE", -1);
    printk("  GS_BASE %#lx after set_segment_base(GS_KERNEL) = %ld\n", (unsigned long)v, rc);
    if (rc || v != 0xffffffff80123000ull)
        xtf_failure("rdmsr GS_BASE %#lx after set_segment_base(GS_KERNEL, 0xffffffff80123000) "
                    "= %ld", (unsigned long)v, rc);
    rc = hc_set_segment_base(SEGBASE_GS_USER, 0x7000);
    rdmsr_probe(MSR_SHADOW_GS_BASE, &v);
    expect("rdmsr SHADOW_GS_BASE", -1);
    if (rc || v != 0x7000)
        xtf_failure("rdmsr SHADOW_GS_BASE %#lx after set_segment_base(GS_USER, 0x7000) = %ld",
                    (unsigned long)v, rc);
    rc = hc_set_segment_base(SEGBASE_FS, 0x5000);
    rdmsr_probe(MSR_FS_BASE, &v);
    expect("rdmsr FS_BASE", -1);
    if (rc || v != 0x5000)
        xtf_failure("rdmsr FS_BASE %#lx after set_segment_base(FS, 0x5000) = %ld",
                    (unsigned long)v, rc);

    /* wrmsr GS_BASE is emulated too (Linux's startup_xen does it first thing). */
    wrmsr_probe(MSR_GS_BASE, 0x4000);
    expect("wrmsr GS_BASE", -1);
    rdmsr_probe(MSR_GS_BASE, &v);
    if (v != 0x4000)
        xtf_failure("rdmsr GS_BASE %#lx after wrmsr 0x4000", (unsigned long)v);
    wrmsr_probe(MSR_GS_BASE, 0x8000000000000000ull);
    expect("wrmsr GS_BASE non-canonical", X86_EXC_GP);
    hc_set_segment_base(SEGBASE_GS_KERNEL, 0);
    hc_set_segment_base(SEGBASE_GS_USER, 0);
    hc_set_segment_base(SEGBASE_FS, 0);

    rdmsr_probe(MSR_PAT, &v);
    expect("rdmsr PAT", -1);
    printk("  PAT %#lx\n", (unsigned long)v);
    if (v != 0x0000050100070406ull)
        xtf_failure("rdmsr PAT %#lx, Xen's PV PAT is 0x0000050100070406", (unsigned long)v);
    rdmsr_probe(MSR_EFER, &v);
    expect("rdmsr EFER", -1);
    printk("  EFER %#lx (informational)\n", (unsigned long)v);
}

static int in_probe(uint16_t port, uint8_t *val)
{
    uint8_t v = 0;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "inb %w1, %b0" XTF_PROBE_END
                         : "+a"(v) : "d"(port) : XTF_PROBE_CLOBBERS);
    *val = v;
    return xtf_exinfo.raised ? xtf_exinfo.vector : -1;
}

static void out_probe(uint16_t port, uint8_t val)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "outb %b0, %w1" XTF_PROBE_END
                         : : "a"(val), "d"(port) : XTF_PROBE_CLOBBERS);
}

static void test_ports(void)
{
    struct physdev_set_iopl iopl = { .iopl = 1 };
    uint8_t v;
    long rc;

    uint64_t rflags;

    __asm__ __volatile__("pushfq; popq %0" : "=r"(rflags));
    printk("rflags %#lx: real IOPL %lu (informational; Xen runs PV guests at IOPL 0)\n",
           (unsigned long)rflags, (unsigned long)((rflags >> 12) & 3));
    in_probe(POST_PORT, &v);
    expect("inb 0x80 (iopl 0)", X86_EXC_GP);
    out_probe(POST_PORT, 0x42);
    expect("outb 0x80 (iopl 0)", X86_EXC_GP);
    in_probe(PIC1_DATA, &v);
    expect("inb 0x21 (iopl 0, Xen's PIC)", X86_EXC_GP);

    rc = hc_physdev_op(PHYSDEVOP_set_iopl, &iopl);
    printk("physdev_op(set_iopl, 1): %ld\n", rc);
    if (rc) {
        xtf_failure("physdev_op(set_iopl, 1) returned %ld", rc);
        return;
    }
    /* dom0 with virtual IOPL 1: emulated, real port access where Xen allows it. */
    in_probe(POST_PORT, &v);
    expect("inb 0x80 (iopl 1)", -1);
    printk("  inb 0x80 = %#x (informational)\n", v);
    out_probe(POST_PORT, 0x42);
    expect("outb 0x80 (iopl 1)", -1);
    /* A port Xen keeps for itself: reads as all-ones, no #GP. */
    in_probe(PIC1_DATA, &v);
    expect("inb 0x21 (iopl 1, Xen's PIC)", -1);
    printk("  inb 0x21 = %#x\n", v);
    if (v != 0xff)
        xtf_failure("inb 0x21 (Xen's PIC) with iopl 1 read %#x, Xen reads 0xff", v);

    iopl.iopl = 0;
    rc = hc_physdev_op(PHYSDEVOP_set_iopl, &iopl);
    in_probe(POST_PORT, &v);
    expect("inb 0x80 (iopl back to 0)", X86_EXC_GP);
}

static void test_descriptor_tables(void)
{
    struct __attribute__((packed)) { uint16_t limit; uint64_t base; } dt = { 0, 0 };

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lgdt %0" XTF_PROBE_END
                         : : "m"(dt) : XTF_PROBE_CLOBBERS);
    expect("lgdt", X86_EXC_GP);
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lidt %0" XTF_PROBE_END
                         : : "m"(dt) : XTF_PROBE_CLOBBERS);
    expect("lidt", X86_EXC_GP);
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "invlpg (%0)" XTF_PROBE_END
                         : : "r"(&dt) : XTF_PROBE_CLOBBERS);
    expect("invlpg", X86_EXC_GP);
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "wbinvd" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    printk("%-44s %s (informational)\n", "wbinvd",
           xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "no exception");
}

void test_main(void)
{
    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    test_cr3();
    test_msrs();
    test_ports();
    test_descriptor_tables();
    xtf_success();
}
