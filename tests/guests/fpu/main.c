/*
 * fpu: the guest's SSE and x87 state survives exceptions and hypercalls, and fpu_taskswitch(1)
 * makes the next FPU/SSE instruction raise #NM at vector 7 once (the hypervisor clears the
 * virtual CR0.TS as it delivers the #NM).
 */
#include "xtf.h"

const char test_title[] = "fpu: SSE/x87 state across traps and hypercalls, #NM after fpu_taskswitch";

#define UNMAPPED_VA 0xffffffffc0001230ul
#define X86_CR0_TS  (1ul << 3)
#define TEST_MXCSR  0x3f80u  /* default 0x1f80 with rounding "down" (RC = 01) */

static uint8_t pattern[16][16] __attribute__((aligned(16)));
static uint8_t fx_ref[512] __attribute__((aligned(16)));
static uint8_t fx_now[512] __attribute__((aligned(16)));
static uint32_t mxcsr = TEST_MXCSR;

/*
 * Load xmm0-15 with the patterns, MXCSR with TEST_MXCSR and three x87 registers (pi, 1,
 * log2(e)). The compiler never touches these registers (-mgeneral-regs-only), so they keep
 * their values across the C code that follows until the state is saved with fxsave.
 */
static void load_fpu_state(void)
{
    for (unsigned int r = 0; r < 16; r++)
        for (unsigned int b = 0; b < 16; b++)
            pattern[r][b] = (uint8_t)(0x11 * r + 7 * b + 0x5a);
    __asm__ __volatile__(
        "fninit; fldpi; fld1; fldl2e\n\t"
        "ldmxcsr %[mx]\n\t"
        "movdqa 0x00(%[p]), %%xmm0\n\t"  "movdqa 0x10(%[p]), %%xmm1\n\t"
        "movdqa 0x20(%[p]), %%xmm2\n\t"  "movdqa 0x30(%[p]), %%xmm3\n\t"
        "movdqa 0x40(%[p]), %%xmm4\n\t"  "movdqa 0x50(%[p]), %%xmm5\n\t"
        "movdqa 0x60(%[p]), %%xmm6\n\t"  "movdqa 0x70(%[p]), %%xmm7\n\t"
        "movdqa 0x80(%[p]), %%xmm8\n\t"  "movdqa 0x90(%[p]), %%xmm9\n\t"
        "movdqa 0xa0(%[p]), %%xmm10\n\t" "movdqa 0xb0(%[p]), %%xmm11\n\t"
        "movdqa 0xc0(%[p]), %%xmm12\n\t" "movdqa 0xd0(%[p]), %%xmm13\n\t"
        "movdqa 0xe0(%[p]), %%xmm14\n\t" "movdqa 0xf0(%[p]), %%xmm15\n\t"
        : : [p] "r"(pattern), [mx] "m"(mxcsr) : "memory");
}

static void fxsave(uint8_t *area)
{
    __asm__ __volatile__("fxsave %0" : "=m"(*(uint8_t (*)[512])area));
}

/*
 * Compare fx_now with fx_ref: FCW, FSW, FTW (bytes 0-4), MXCSR (24-27), ST0-7 (32-159) and
 * XMM0-15 (160-415). FOP, FIP and FDP (6-23) describe the last x87 instruction and are left out.
 */
static bool fpu_state_same(const char *when)
{
    static const struct { unsigned int off, len; const char *name; } parts[] = {
        { 0, 5, "FCW/FSW/FTW" }, { 24, 4, "MXCSR" }, { 32, 128, "ST0-7" },
        { 160, 256, "XMM0-15" },
    };
    bool same = true;

    for (size_t i = 0; i < ARRAY_SIZE(parts); i++)
        for (unsigned int b = parts[i].off; b < parts[i].off + parts[i].len; b++)
            if (fx_now[b] != fx_ref[b]) {
                xtf_failure("%s: %s changed (byte %u: %#x, was %#x)", when, parts[i].name, b,
                            fx_now[b], fx_ref[b]);
                same = false;
                break;
            }
    return same;
}

static uint64_t read_cr0(void)
{
    uint64_t cr0;

    __asm__ __volatile__("mov %%cr0, %0" : "=r"(cr0));
    return cr0;
}

/* Take the exceptions a kernel sees every day; each must leave the FPU state alone. */
static void take_traps(void)
{
    uint64_t v = 0;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "ud2" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    if (xtf_exinfo.vector != X86_EXC_UD)
        xtf_error("ud2 raised %s", xtf_vector_name(xtf_exinfo.vector));
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "int3" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    if (xtf_exinfo.vector != X86_EXC_BP)
        xtf_error("int3 raised %s", xtf_vector_name(xtf_exinfo.vector));
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movq (%1), %0" XTF_PROBE_END
                         : "+r"(v) : "r"(UNMAPPED_VA) : XTF_PROBE_CLOBBERS);
    if (xtf_exinfo.vector != X86_EXC_PF)
        xtf_error("unmapped read raised %s", xtf_vector_name(xtf_exinfo.vector));
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "hlt" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    if (xtf_exinfo.vector != X86_EXC_GP)
        xtf_error("hlt raised %s", xtf_vector_name(xtf_exinfo.vector));
}

static void do_hypercalls(void)
{
    struct multicall_entry mc[2] = {
        { .op = XEN_HC_xen_version, .args = { XENVER_version } },
        { .op = XEN_HC_sched_op, .args = { SCHEDOP_yield } },
    };

    if (hc_xen_version(XENVER_version, NULL) <= 0)
        xtf_error("xen_version failed");
    if (hc_sched_op(SCHEDOP_yield, NULL) != 0)
        xtf_error("sched_op(yield) failed");
    if (hc_multicall(mc, 2) != 0)
        xtf_error("multicall failed");
    printk("hypercalls done (console_io is one)\n");
}

static void test_state_kept(void)
{
    load_fpu_state();
    fxsave(fx_ref);
    take_traps();
    fxsave(fx_now);
    fpu_state_same("after #UD, #BP, #PF, #GP");

    do_hypercalls();
    fxsave(fx_now);
    fpu_state_same("after hypercalls");
}

/* Probe one FPU instruction that changes no state; returns the vector, or -1 for none. */
static int probe_sse(void)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movdqa %%xmm5, %%xmm5" XTF_PROBE_END
                         : : : XTF_PROBE_CLOBBERS);
    return xtf_exinfo.raised ? xtf_exinfo.vector : -1;
}

static int probe_x87(void)
{
    uint16_t cw;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "fnstcw %0" XTF_PROBE_END
                         : "=m"(cw) : : XTF_PROBE_CLOBBERS);
    return xtf_exinfo.raised ? xtf_exinfo.vector : -1;
}

static void test_nm(void)
{
    long rc;
    int v;

    load_fpu_state();
    fxsave(fx_ref);

    rc = hc_fpu_taskswitch(1);
    printk("fpu_taskswitch(1): %ld; cr0 %#lx\n", rc, (unsigned long)read_cr0());
    if (rc)
        xtf_failure("fpu_taskswitch(1) returned %ld", rc);
    if (!(read_cr0() & X86_CR0_TS))
        xtf_failure("cr0.TS clear after fpu_taskswitch(1): %#lx", (unsigned long)read_cr0());

    /* TS survives other traps and hypercalls until the first FPU instruction. */
    take_traps();
    do_hypercalls();
    v = probe_sse();
    printk("SSE with TS set: %s rip %#lx (probe at %#lx); cr0 now %#lx\n",
           v < 0 ? "no exception" : xtf_vector_name((unsigned int)v),
           (unsigned long)xtf_exinfo.rip, (unsigned long)xtf_probe_start,
           (unsigned long)read_cr0());
    if (v != X86_EXC_NM || xtf_exinfo.rip != xtf_probe_start)
        xtf_failure("SSE with TS set: vector %d rip %#lx, expected #NM at %#lx", v,
                    (unsigned long)xtf_exinfo.rip, (unsigned long)xtf_probe_start);
    /* Xen clears the virtual TS when it delivers #NM: the handler need not. */
    if (read_cr0() & X86_CR0_TS)
        xtf_failure("cr0.TS still set after #NM delivery");
    v = probe_sse();
    if (v >= 0)
        xtf_failure("SSE after the #NM raised %s", xtf_vector_name((unsigned int)v));
    fxsave(fx_now);
    fpu_state_same("after #NM (SSE)");

    /* x87 too. */
    hc_fpu_taskswitch(1);
    v = probe_x87();
    printk("x87 fnstcw with TS set: %s\n", v < 0 ? "no exception" : xtf_vector_name((unsigned int)v));
    if (v != X86_EXC_NM)
        xtf_failure("x87 with TS set: vector %d, expected #NM", v);
    v = probe_x87();
    if (v >= 0)
        xtf_failure("x87 after the #NM raised %s", xtf_vector_name((unsigned int)v));

    /* fpu_taskswitch(0) clears TS: no #NM. */
    hc_fpu_taskswitch(1);
    rc = hc_fpu_taskswitch(0);
    if (rc)
        xtf_failure("fpu_taskswitch(0) returned %ld", rc);
    v = probe_sse();
    if (v >= 0)
        xtf_failure("SSE after fpu_taskswitch(1), (0) raised %s", xtf_vector_name((unsigned int)v));
    fxsave(fx_now);
    fpu_state_same("after fpu_taskswitch(1), (0)");
}

/* Is SSE usable (CR4.OSFXSR set by the hypervisor)? Without it, SSE instructions raise #UD. */
static bool sse_usable(void)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "ldmxcsr %0" XTF_PROBE_END
                         : : "m"(mxcsr) : XTF_PROBE_CLOBBERS);
    if (!xtf_exinfo.raised)
        return true;
    xtf_failure("ldmxcsr raised %s: SSE is not enabled for the guest (CR4.OSFXSR)",
                xtf_vector_name(xtf_exinfo.vector));
    return false;
}

/* Without SSE, at least check #NM for x87 after fpu_taskswitch(1). */
static void test_nm_x87_only(void)
{
    long rc = hc_fpu_taskswitch(1);
    int v = probe_x87();

    printk("fpu_taskswitch(1): %ld; x87 fnstcw: %s\n", rc,
           v < 0 ? "no exception" : xtf_vector_name((unsigned int)v));
    if (rc || v != X86_EXC_NM)
        xtf_failure("x87 with TS set: fpu_taskswitch %ld, vector %d, expected #NM", rc, v);
    v = probe_x87();
    if (v >= 0)
        xtf_failure("x87 after the #NM raised %s", xtf_vector_name((unsigned int)v));
}

void test_main(void)
{
    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    if (!sse_usable()) {
        test_nm_x87_only();
        return;
    }
    test_state_kept();
    test_nm();
    xtf_success();
}
