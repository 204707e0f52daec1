/*
 * mm_ldt_pageops: mmuext_op's SET_LDT (a data descriptor in our LDT reached through %fs; the
 * LDT frame cannot be mapped writable while in use; update_descriptor reaches the LDT the CPU
 * uses; a second LDT page; an unmapped LDT page; a refused descriptor),
 * CLEAR_PAGE and COPY_PAGE (only into writable frames of ours, only from frames of ours), and
 * NEW_BASEPTR to a second, pinned L4 and back while running, never to a frame that is not a
 * valid L4 of ours.
 */
#include "mm2.h"

const char test_title[] = "mm_ldt_pageops: SET_LDT, CLEAR_PAGE, COPY_PAGE, NEW_BASEPTR";

#define LDT_SEL    ((1u << 3) | 4u | 3u)    /* LDT entry 1, TI = 1, RPL 3 */
#define LDT_BASE   0x12345000u              /* a 32-bit segment base, so the base is visible */
#define MAX_LDT_ENTS 8192
#define MAGIC      0x0123456789abcdefull
#define PATTERN    0xc3c3c3c3c3c3c3c3ull
#define LDT_BASE2  0x12346000u              /* ... after update_descriptor */
#define LDT_SEL2   ((513u << 3) | 4u | 3u)  /* LDT entry 513: in the LDT's second page */
#define XEN_HC_update_descriptor 10
#define HYP_VA     0xffff800000000000ull
#define NONCANON_VA 0x0000800000000000ull

static volatile uint64_t ldt_target = MAGIC;

/* A present, accessed, read/write ring-3 data segment, 4 GiB limit. */
static uint64_t data_descriptor(uint32_t base)
{
    return 0xffffull | ((uint64_t)(base & 0xffffff) << 16) | (0xf3ull << 40) |
           (0xfull << 48) | (0xcull << 52) | ((uint64_t)(base >> 24) << 56);
}

static long set_ldt(uint64_t va, uint64_t nr_ents)
{
    return mm_ext(MMUEXT_SET_LDT, va, nr_ents);
}

/* Load sel (a segment of base `base`) into %fs and read ldt_target through it; false
 * (xtf_exinfo says why) on a fault. */
static bool fs_read_base(uint16_t sel, uint32_t base, uint64_t *val)
{
    uint64_t off = (uint64_t)&ldt_target - base, v = 0;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "mov %w1, %%fs\n\tmovq %%fs:(%2), %0" XTF_PROBE_END
                         : "+r"(v) : "r"((uint64_t)sel), "r"(off) : XTF_PROBE_CLOBBERS);
    *val = v;
    return !xtf_exinfo.raised;
}

static bool fs_read(uint16_t sel, uint64_t *val)
{
    return fs_read_base(sel, LDT_BASE, val);
}

static uint16_t fs_selector(void)
{
    uint16_t sel;

    __asm__ __volatile__("mov %%fs, %0" : "=r"(sel));
    return sel;
}

static void fs_clear(void)
{
    __asm__ __volatile__("mov %w0, %%fs" : : "r"(0u));
}

/* The LDT selector works: %fs holds it and reads ldt_target through base LDT_BASE. */
static void expect_ldt_works(const char *what)
{
    uint64_t v;

    if (!fs_read(LDT_SEL, &v))
        xtf_failure("%s: loading %#x into %%fs and reading: %s ec %#lx", what, LDT_SEL,
                    xtf_vector_name(xtf_exinfo.vector), (unsigned long)xtf_exinfo.error_code);
    else if (v != MAGIC || fs_selector() != LDT_SEL)
        xtf_failure("%s: %%fs %#x read %#lx, expected %#x and %#llx", what, fs_selector(),
                    (unsigned long)v, LDT_SEL, MAGIC);
    fs_clear();
}

static void test_set_ldt(void)
{
    uint64_t mfn = mm_alloc_mfn(), v;
    volatile uint64_t *ldt;
    long rc;

    mm_poke(mfn, 1, data_descriptor(LDT_BASE));
    ldt = mm_map(mfn, false, &rc);
    if (!ldt)
        xtf_panic("mapping the LDT frame read-only: %ld", rc);
    mm2_expect_rc("SET_LDT(2 entries)", set_ldt((uint64_t)ldt, 2), 0);
    expect_ldt_works("LDT selector");

    /* Xen 4.17: -EINVAL for each, and the LDT in use stays. */
    mm2_expect_rc("SET_LDT, misaligned", set_ldt((uint64_t)ldt + 8, 2), -XEN_EINVAL);
    mm2_expect_rc("SET_LDT, hypervisor address", set_ldt(HYP_VA, 2), -XEN_EINVAL);
    mm2_expect_rc("SET_LDT, non-canonical", set_ldt(NONCANON_VA, 2), -XEN_EINVAL);
    mm2_expect_rc("SET_LDT, 8193 entries", set_ldt((uint64_t)ldt, MAX_LDT_ENTS + 1),
                  -XEN_EINVAL);
    expect_ldt_works("LDT selector after refused SET_LDTs");

    /* No LDT: the selector is #GP(selector index | TI). */
    mm2_expect_rc("SET_LDT(0, 0)", set_ldt(0, 0), 0);
    if (fs_read(LDT_SEL, &v))
        xtf_failure("LDT selector loaded with no LDT (read %#lx)", (unsigned long)v);
    else if (xtf_exinfo.vector != X86_EXC_GP || xtf_exinfo.error_code != (LDT_SEL & ~3u))
        xtf_failure("LDT selector with no LDT: %s ec %#lx, expected #GP ec %#x",
                    xtf_vector_name(xtf_exinfo.vector), (unsigned long)xtf_exinfo.error_code,
                    LDT_SEL & ~3u);
    fs_clear();
    mm_unmap((const void *)ldt);
    mm_free_mfn(mfn);
    mm_audit("SET_LDT");
}

/*
 * An LDT page that is also mapped writable must never be used as one (we could write call
 * gates into it): SET_LDT is lazy, so loading the selector faults. Xen 4.17: #PF with CR2 at
 * the LDT's address.
 */
static void test_writable_ldt(void)
{
    uint64_t mfn = mm_alloc_mfn(), v;
    volatile uint64_t *ldt;
    long rc;

    ldt = mm_map(mfn, true, &rc);
    if (!ldt)
        xtf_panic("mapping the LDT frame writable: %ld", rc);
    ldt[1] = data_descriptor(LDT_BASE);
    rc = set_ldt((uint64_t)ldt, 2);
    printk("SET_LDT on a writable mapping: %ld\n", rc);
    if (rc == 0) {
        if (fs_read(LDT_SEL, &v))
            xtf_failure("a writably mapped LDT page was used: %%fs read %#lx",
                        (unsigned long)v);
        else
            printk("loading the selector: %s ec %#lx\n", xtf_vector_name(xtf_exinfo.vector),
                   (unsigned long)xtf_exinfo.error_code);
        fs_clear();
    }
    ldt[2] = 0;     /* still an ordinary writable page */
    mm2_expect_rc("SET_LDT(0, 0)", set_ldt(0, 0), 0);
    mm_unmap((const void *)ldt);
    mm_free_mfn(mfn);
    mm_audit("writable LDT page");
}

/*
 * While a frame is part of the LDT it is a descriptor page: mapping it writable is refused
 * (-EBUSY, as for any frame that cannot be writable), and update_descriptor is the way to
 * change it, which the CPU sees at once. A two-page LDT reaches its second page. Once the LDT
 * is gone, the frame can be mapped writable again.
 */
static void test_ldt_in_use(void)
{
    uint64_t mfn[2] = {mm_alloc_mfn(), mm_alloc_mfn()}, v;
    volatile uint64_t *ldt;
    void *w;
    long rc;

    mm_poke(mfn[0], 1, data_descriptor(LDT_BASE));
    mm_poke(mfn[1], 1, data_descriptor(LDT_BASE2));
    ldt = mm_map(mfn[0], false, &rc);
    if (!ldt || mm_map(mfn[1], false, &rc) != (const volatile void *)(ldt + 512))
        xtf_panic("mapping two LDT frames read-only, contiguous: %ld", rc);
    mm2_expect_rc("SET_LDT(514 entries, 2 pages)", set_ldt((uint64_t)ldt, 514), 0);
    expect_ldt_works("entry 1 of a 2-page LDT");
    if (!fs_read_base(LDT_SEL2, LDT_BASE2, &v) || v != MAGIC)
        xtf_failure("entry 513 (second LDT page): %s, read %#lx",
                    xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "no fault",
                    (unsigned long)v);
    fs_clear();

    w = mm_map(mfn[0], true, &rc);
    if (w) {
        xtf_failure("an LDT frame in use was mapped writable");
        mm_unmap(w);
    } else if (rc != -XEN_EBUSY) {
        xtf_failure("mapping an LDT frame writable: %ld, expected %d", rc, -XEN_EBUSY);
    }

    /* Entry 1 -> base LDT_BASE2: the old base no longer reads ldt_target, the new one does. */
    mm2_expect_rc("update_descriptor(LDT entry 1)",
                  hypercall2(XEN_HC_update_descriptor, (mfn[0] << 12) + 8,
                             data_descriptor(LDT_BASE2)), 0);
    if (!fs_read_base(LDT_SEL, LDT_BASE2, &v) || v != MAGIC)
        xtf_failure("LDT entry 1 after update_descriptor: %s, read %#lx",
                    xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "no fault",
                    (unsigned long)v);
    fs_clear();

    mm2_expect_rc("SET_LDT(0, 0)", set_ldt(0, 0), 0);
    w = mm_map(mfn[0], true, &rc);
    if (!w)
        xtf_failure("mapping the former LDT frame writable: %ld", rc);
    else
        mm_unmap(w);
    mm_unmap((const void *)(ldt + 512));
    mm_unmap((const void *)ldt);
    mm_free_mfn(mfn[0]);
    mm_free_mfn(mfn[1]);
    mm_audit("LDT in use");
}

/*
 * An LDT page that is not mapped: Xen maps the LDT lazily, so SET_LDT succeeds and the first
 * use faults (#PF at the LDT's address on 4.17); Hearth reads the LDT at SET_LDT and refuses
 * it (-EINVAL). Either way the selector never loads.
 */
static void test_unmapped_ldt(void)
{
    uint64_t mfn = mm_alloc_mfn(), v;
    volatile uint64_t *ldt;
    long rc;

    ldt = mm_map(mfn, false, &rc);
    if (!ldt)
        xtf_panic("mapping the LDT frame read-only: %ld", rc);
    mm_unmap((const void *)ldt);     /* its address is now unmapped */
    rc = set_ldt((uint64_t)ldt, 2);
    printk("SET_LDT on an unmapped address: %ld\n", rc);
    if (rc == 0) {
        if (fs_read(LDT_SEL, &v))
            xtf_failure("an unmapped LDT page was used: %%fs read %#lx", (unsigned long)v);
        fs_clear();
    } else if (rc != -XEN_EINVAL) {
        xtf_failure("SET_LDT on an unmapped address: %ld, expected 0 or %d", rc, -XEN_EINVAL);
    }
    mm2_expect_rc("SET_LDT(0, 0)", set_ldt(0, 0), 0);
    mm_free_mfn(mfn);
    mm_audit("unmapped LDT page");
}

/*
 * An LDT page holding a descriptor the hypervisor must refuse (a present 64-bit TSS: system
 * descriptors never reach a PV guest's LDT). Xen checks the page when it first maps it, so
 * SET_LDT succeeds and using any entry of that page faults; Hearth checks at SET_LDT
 * (-EINVAL). Either way the good data descriptor beside it never loads.
 */
static void test_refused_descriptor_ldt(void)
{
    uint64_t mfn = mm_alloc_mfn(), v;
    volatile uint64_t *ldt;
    long rc;

    mm_poke(mfn, 1, data_descriptor(LDT_BASE));
    mm_poke(mfn, 2, (0x89ull << 40) | 0x67);   /* present, DPL 0, 64-bit TSS, limit 0x67 */
    ldt = mm_map(mfn, false, &rc);
    if (!ldt)
        xtf_panic("mapping the LDT frame read-only: %ld", rc);
    rc = set_ldt((uint64_t)ldt, 4);
    printk("SET_LDT with a TSS descriptor in it: %ld\n", rc);
    if (rc == 0) {
        if (fs_read(LDT_SEL, &v))
            xtf_failure("an LDT page holding a TSS descriptor was used: %%fs read %#lx",
                        (unsigned long)v);
        fs_clear();
    } else if (rc != -XEN_EINVAL) {
        xtf_failure("SET_LDT with a TSS descriptor: %ld, expected 0 or %d", rc, -XEN_EINVAL);
    }
    mm2_expect_rc("SET_LDT(0, 0)", set_ldt(0, 0), 0);
    mm_unmap((const void *)ldt);
    mm_free_mfn(mfn);
    mm_audit("refused LDT descriptor");
}

/* --- CLEAR_PAGE, COPY_PAGE ------------------------------------------------------------------ */

static void fill(uint64_t mfn, uint64_t seed)
{
    long rc;
    uint64_t *p = mm_map(mfn, true, &rc);

    if (!p)
        xtf_panic("mapping frame %#lx writable: %ld", (unsigned long)mfn, rc);
    for (unsigned int i = 0; i < 512; i++)
        p[i] = seed + i;
    mm_unmap(p);
}

/* Entry i of the frame must be seed + i (seed 0 with step 0: all zero). */
static bool check(const char *what, uint64_t mfn, uint64_t seed, uint64_t step)
{
    for (unsigned int i = 0; i < 512; i++) {
        uint64_t v = mm_peek(mfn, i);

        if (v != seed + step * i) {
            xtf_failure("%s: word %u of frame %#lx is %#lx, expected %#lx", what, i,
                        (unsigned long)mfn, (unsigned long)v,
                        (unsigned long)(seed + step * i));
            return false;
        }
    }
    return true;
}

static void test_clear_copy(void)
{
    uint64_t a = mm_alloc_mfn(), b = mm_alloc_mfn();

    fill(a, PATTERN);
    mm2_expect_rc("CLEAR_PAGE", mm_ext(MMUEXT_CLEAR_PAGE, a, 0), 0);
    check("after CLEAR_PAGE", a, 0, 0);

    fill(a, PATTERN);
    mm2_expect_rc("COPY_PAGE", mm_ext(MMUEXT_COPY_PAGE, b, a), 0);
    check("after COPY_PAGE", b, PATTERN, 1);
    check("COPY_PAGE source", a, PATTERN, 1);
    mm_free_mfn(a);
    mm_free_mfn(b);
}

/*
 * Page tables and hypervisor frames: refused, nothing written or read. The L1 holds one
 * read-only entry, so that clearing it or copying garbage over it would show. Xen 4.17:
 * -EINVAL for each.
 */
static void test_clear_copy_refused(void)
{
    uint64_t l1 = mm_alloc_mfn(), src = mm_alloc_mfn(), dst = mm_alloc_mfn();
    uint64_t hyp = mm2_hyp_mfn(), entry = mm_pte(src, PTE_FLAGS_RO), l4_0 = mm_boot_l4()[0];
    uint64_t l4_511 = mm_boot_l4()[511];

    fill(src, PATTERN);
    mm2_expect_rc("pin an L1", mm_pin(1, l1), 0);
    mm2_expect_rc("map a frame read-only in it", mm_set_entry(mm_entry_maddr(l1, 0), entry), 0);
    entry = mm_peek(l1, 0);     /* as the hypervisor stored it */

    mm2_expect_rc("COPY_PAGE into a pinned L1", mm_ext(MMUEXT_COPY_PAGE, l1, src), -XEN_EINVAL);
    mm2_expect_rc("CLEAR_PAGE of a pinned L1", mm_ext(MMUEXT_CLEAR_PAGE, l1, 0), -XEN_EINVAL);
    if (mm_peek(l1, 0) != entry || mm_peek(l1, 1) != 0)
        xtf_failure("the L1 changed: entries %#lx %#lx, expected %#lx 0",
                    (unsigned long)mm_peek(l1, 0), (unsigned long)mm_peek(l1, 1),
                    (unsigned long)entry);
    mm2_expect_rc("COPY_PAGE into the boot L4", mm_ext(MMUEXT_COPY_PAGE, mm_boot_l4_mfn(), src),
                  -XEN_EINVAL);
    if (mm_boot_l4()[0] != l4_0 || mm_boot_l4()[511] != l4_511)
        xtf_failure("the boot L4 changed");

    mm2_expect_rc("COPY_PAGE from a hypervisor frame", mm_ext(MMUEXT_COPY_PAGE, dst, hyp),
                  -XEN_EINVAL);
    check("destination of the refused copy", dst, 0, 0);
    mm2_expect_rc("COPY_PAGE into a hypervisor frame", mm_ext(MMUEXT_COPY_PAGE, hyp, src),
                  -XEN_EINVAL);
    mm2_expect_rc("CLEAR_PAGE of a hypervisor frame", mm_ext(MMUEXT_CLEAR_PAGE, hyp, 0),
                  -XEN_EINVAL);
    mm2_expect_rc("CLEAR_PAGE of an mfn beyond RAM", mm_ext(MMUEXT_CLEAR_PAGE, 1ull << 36, 0),
                  -XEN_EINVAL);

    mm2_expect_rc("unpin the L1", mm_unpin(l1), 0);
    mm_free_mfn(l1);
    mm_free_mfn(src);
    mm_free_mfn(dst);
    mm_audit("refused CLEAR_PAGE / COPY_PAGE");
}

/* --- NEW_BASEPTR ---------------------------------------------------------------------------- */

/* A copy of the boot L4's guest slots in a free frame; the hypervisor slots left empty. */
static uint64_t copy_boot_l4(void)
{
    uint64_t mfn = mm_alloc_mfn();
    long rc;
    uint64_t *p = mm_map(mfn, true, &rc);

    if (!p)
        xtf_panic("mapping a new L4 writable: %ld", rc);
    for (unsigned int s = 0; s < 512; s++)
        if (s < MM_L4_HYP_FIRST || s > MM_L4_HYP_LAST)
            p[s] = mm_boot_l4()[s];
    mm_unmap(p);
    return mfn;
}

/* Work done on the second L4: the code, stack and data all still there. */
static uint64_t __attribute__((noinline)) run_something(uint64_t x)
{
    printk("running on L4 %#lx\n", (unsigned long)(mm2_read_cr3() >> PAGE_SHIFT));
    return x * 3 + ldt_target;
}

static void test_new_baseptr(void)
{
    uint64_t boot = mm_boot_l4_mfn(), l4 = copy_boot_l4();

    mm2_expect_rc("pin the copy as L4", mm_pin(4, l4), 0);
    if (!mm2_expect_rc("NEW_BASEPTR(copy)", mm_new_baseptr(l4), 0))
        goto out;
    if (mm2_read_cr3() != l4 << PAGE_SHIFT)
        xtf_failure("cr3 %#lx after NEW_BASEPTR, expected %#lx",
                    (unsigned long)mm2_read_cr3(), (unsigned long)(l4 << PAGE_SHIFT));
    if (run_something(5) != 15 + MAGIC)
        xtf_failure("a call on the second L4 computed the wrong value");
    mm2_expect_rc("NEW_BASEPTR(boot L4)", mm_new_baseptr(boot), 0);
out:
    if (mm2_read_cr3() != boot << PAGE_SHIFT)
        xtf_panic("cr3 %#lx, not the boot L4 %#lx", (unsigned long)mm2_read_cr3(),
                  (unsigned long)boot);
    mm2_expect_rc("unpin the copy", mm_unpin(l4), 0);
    mm_free_mfn(l4);
    mm_audit("NEW_BASEPTR");
}

/* NEW_BASEPTR(mfn) must fail and leave cr3 at the boot L4. Xen 4.17: -EINVAL throughout. */
static void expect_baseptr_refused(const char *what, uint64_t mfn)
{
    uint64_t boot = mm_boot_l4_mfn();
    long rc = mm_new_baseptr(mfn);

    printk("NEW_BASEPTR(%s): %ld\n", what, rc);
    if (rc == 0) {
        xtf_failure("NEW_BASEPTR(%s, mfn %#lx) was taken", what, (unsigned long)mfn);
        mm_new_baseptr(boot);
    } else if (rc != -XEN_EINVAL) {
        xtf_failure("NEW_BASEPTR(%s): %ld, expected -EINVAL", what, rc);
    }
    if (mm2_read_cr3() != boot << PAGE_SHIFT)
        xtf_panic("cr3 %#lx after a refused NEW_BASEPTR", (unsigned long)mm2_read_cr3());
}

/*
 * Frames that are no valid L4 of ours. Each keeps the boot L4's guest slots, so that a wrongly
 * taken NEW_BASEPTR still runs and is reported rather than crashing the kernel.
 */
static void test_new_baseptr_refused(void)
{
    uint64_t l4 = copy_boot_l4(), bad = copy_boot_l4(), l1 = mm_alloc_mfn();
    volatile uint64_t *w;
    long rc;

    w = mm_map(l4, true, &rc);
    if (!w)
        xtf_panic("mapping the copy writable: %ld", rc);
    expect_baseptr_refused("L4 copy mapped writable", l4);
    mm_unmap((const void *)w);

    /* Slot 1 points at the hypervisor's L3: this table can never be validated. */
    mm_poke(bad, 1, mm_pte(mm2_hyp_mfn(), PTE_FLAGS_TABLE));
    expect_baseptr_refused("L4 copy with a hypervisor L3 in slot 1", bad);

    mm2_expect_rc("pin an L1", mm_pin(1, l1), 0);
    expect_baseptr_refused("a pinned L1", l1);
    mm2_expect_rc("unpin the L1", mm_unpin(l1), 0);

    expect_baseptr_refused("a hypervisor frame", mm2_hyp_mfn());
    expect_baseptr_refused("an mfn beyond RAM", 1ull << 36);
    expect_baseptr_refused("the shared_info frame", xtf_start_info->shared_info >> PAGE_SHIFT);
    mm_free_mfn(l4);
    mm_free_mfn(bad);
    mm_free_mfn(l1);
    mm_audit("refused NEW_BASEPTR");
}

void test_main(void)
{
    test_set_ldt();
    test_writable_ldt();
    test_ldt_in_use();
    test_unmapped_ldt();
    test_refused_descriptor_ldt();
    test_clear_copy();
    test_clear_copy_refused();
    test_new_baseptr();
    test_new_baseptr_refused();
    mm_audit("the end");
    xtf_success();
}
