/*
 * mm_ptwr: with VMASST_TYPE_writable_pagetables the guest kernel may write its L1 page tables
 * directly, through their read-only mappings, with the instructions Linux uses (mov, xchg,
 * lock cmpxchg, lock and/or/btr); each write is validated like mmu_update and takes effect.
 * Bad entries, misaligned writes and writes to an L2 table are not applied and give #PF.
 */
#include "mm2.h"

const char test_title[] = "mm_ptwr: writable page tables (direct L1 writes emulated)";

#define MAGIC_A 0xaaaa0000aaaa0001ull
#define MAGIC_B 0xbbbb0000bbbb0002ull
#define MAGIC_W 0x1111222233334444ull
/* The bits of an entry that say what is mapped and how; the hypervisor may adjust the rest. */
#define PTE_CMP (PTE_ADDR_MASK | PTE_P | PTE_RW)

static struct mm2_l1 l1;
static uint64_t mfn_a, mfn_b;

/* --- The instructions, each inside an exception probe ------------------------------------- */

static void w_movq(volatile uint64_t *p, uint64_t v)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movq %1, (%0)" XTF_PROBE_END
                         : : "r"(p), "r"(v) : XTF_PROBE_CLOBBERS);
}

static void w_movq_zero(volatile uint64_t *p)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movq $0, (%0)" XTF_PROBE_END
                         : : "r"(p) : XTF_PROBE_CLOBBERS);
}

static void w_movl(volatile void *p, uint32_t v)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movl %1, (%0)" XTF_PROBE_END
                         : : "r"(p), "r"(v) : XTF_PROBE_CLOBBERS);
}

/* xchg: returns the old entry. */
static uint64_t w_xchg(volatile uint64_t *p, uint64_t v)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "xchgq %0, (%1)" XTF_PROBE_END
                         : "+r"(v) : "r"(p) : XTF_PROBE_CLOBBERS);
    return v;
}

/* lock cmpxchg: *expected gets rax afterwards; returns ZF. */
static bool w_cmpxchg(volatile uint64_t *p, uint64_t *expected, uint64_t v)
{
    uint64_t rax = *expected;
    uint8_t zf = 0xff;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lock cmpxchgq %3, (%2)\n\tsetz %1" XTF_PROBE_END
                         : "+a"(rax), "+q"(zf) : "r"(p), "r"(v) : XTF_PROBE_CLOBBERS);
    *expected = rax;
    return zf == 1;
}

/* lock andb $~2 on the low byte: Linux's ptep_set_wrprotect. */
static void w_wrprotect(volatile uint64_t *p)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lock andb $0xfd, (%0)" XTF_PROBE_END
                         : : "r"(p) : XTF_PROBE_CLOBBERS);
}

/* lock btrq $5: test and clear Accessed; returns CF. */
static bool w_test_clear_young(volatile uint64_t *p)
{
    uint8_t cf = 0xff;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lock btrq $5, (%1)\n\tsetc %0" XTF_PROBE_END
                         : "+q"(cf) : "r"(p) : XTF_PROBE_CLOBBERS);
    return cf == 1;
}

static void w_lock_or(volatile uint64_t *p, uint64_t bits)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "lock orq %1, (%0)" XTF_PROBE_END
                         : : "r"(p), "r"(bits) : XTF_PROBE_CLOBBERS);
}

/* --- Checks ------------------------------------------------------------------------------- */

/* Entry 0 of the L1 must now hold `want` in the PTE_CMP bits. */
static bool check_entry(const char *what, uint64_t want)
{
    uint64_t e = l1.view[0];

    if ((e & PTE_CMP) != (want & PTE_CMP)) {
        xtf_failure("%s: entry is %#lx, expected %#lx (bits %#llx)", what, (unsigned long)e,
                    (unsigned long)want, PTE_CMP);
        return false;
    }
    return true;
}

/* After an INVLPG, the test VA reads `magic`, or faults when magic is 0. */
static void check_va(const char *what, uint64_t magic)
{
    uint64_t v;
    bool ok;

    mm_invlpg_local(l1.va);
    ok = mm_probe_read((const void *)l1.va, &v);
    if (magic == 0) {
        if (ok)
            xtf_failure("%s: %#lx still readable (%#lx) after the entry was cleared", what,
                        (unsigned long)l1.va, (unsigned long)v);
        else
            mm2_expect_pf(what, 0, X86_PFEC_PRESENT);
    } else if (!ok) {
        xtf_failure("%s: reading %#lx gave %s ec %#lx", what, (unsigned long)l1.va,
                    xtf_vector_name(xtf_exinfo.vector), (unsigned long)xtf_exinfo.error_code);
    } else if (v != magic) {
        xtf_failure("%s: %#lx reads %#lx, expected %#lx", what, (unsigned long)l1.va,
                    (unsigned long)v, (unsigned long)magic);
    }
}

/* The write was emulated: no fault, the entry and the mapping changed. */
static void applied(const char *what, uint64_t want, uint64_t magic)
{
    if (mm2_expect_no_fault(what) && check_entry(what, want))
        check_va(what, magic);
    printk("%s: entry now %#lx\n", what, (unsigned long)l1.view[0]);
}

/* The write was refused: #PF (present, write) and the entry is still `old`. */
static void refused(const char *what, uint64_t old)
{
    mm2_expect_pf(what, X86_PFEC_PRESENT | X86_PFEC_WRITE, 0);
    if (l1.view[0] != old)
        xtf_failure("%s: entry changed from %#lx to %#lx", what, (unsigned long)old,
                    (unsigned long)l1.view[0]);
}

/* --- The test ----------------------------------------------------------------------------- */

static void test_plain_writes(uint64_t pte_a, uint64_t pte_b)
{
    volatile uint64_t *p = &l1.view[0];

    w_movq(p, pte_a);
    applied("movq reg (map A)", pte_a, MAGIC_A);
    w_movq(p, pte_b);
    applied("movq reg (map B)", pte_b, MAGIC_B);
    /* Both frames lie below 16 TiB, so the low half holds the whole address. */
    if ((pte_a >> 32) == (pte_b >> 32)) {
        w_movl(p, (uint32_t)pte_a);
        applied("movl low half (map A)", pte_a, MAGIC_A);
    } else {
        xtf_error("frames %#lx and %#lx differ above bit 31: no movl case",
                  (unsigned long)mfn_a, (unsigned long)mfn_b);
    }
    w_movq_zero(p);
    applied("movq $0 (unmap)", 0, 0);
}

static void test_atomics(uint64_t pte_a, uint64_t pte_b)
{
    volatile uint64_t *p = &l1.view[0];
    uint64_t old, cur;
    bool zf;

    old = w_xchg(p, pte_b);
    applied("xchg (map B)", pte_b, MAGIC_B);
    if (old != 0)
        xtf_failure("xchg returned %#lx, expected the empty entry 0", (unsigned long)old);

    cur = old = *p;
    zf = w_cmpxchg(p, &cur, pte_a);
    applied("lock cmpxchg success (map A)", pte_a, MAGIC_A);
    if (!zf || cur != old)
        xtf_failure("lock cmpxchg success: ZF %d rax %#lx, expected ZF 1 rax %#lx", zf,
                    (unsigned long)cur, (unsigned long)old);

    old = *p;
    cur = old ^ (1ull << 9);    /* differs in a software bit only */
    zf = w_cmpxchg(p, &cur, pte_b);
    applied("lock cmpxchg failure (still A)", pte_a, MAGIC_A);
    if (zf || cur != old)
        xtf_failure("lock cmpxchg failure: ZF %d rax %#lx, expected ZF 0 rax %#lx (current)",
                    zf, (unsigned long)cur, (unsigned long)old);
}

static void test_bit_ops(uint64_t pte_a)
{
    volatile uint64_t *p = &l1.view[0];
    volatile uint64_t *va = (volatile uint64_t *)l1.va;
    bool cf;

    w_wrprotect(p);
    applied("lock andb $~2 (write-protect)", pte_a & ~PTE_RW, MAGIC_A);
    if (!mm_probe_write((void *)va, MAGIC_W))
        mm2_expect_pf("write through the write-protected entry", X86_PFEC_PRESENT |
                      X86_PFEC_WRITE, 0);
    else
        xtf_failure("write through the write-protected entry did not fault");

    w_lock_or(p, PTE_RW);
    applied("lock orq $2 (writable again)", pte_a, MAGIC_A);
    if (!mm_probe_write((void *)va, MAGIC_W))
        xtf_failure("write after lock orq $2: %s ec %#lx", xtf_vector_name(xtf_exinfo.vector),
                    (unsigned long)xtf_exinfo.error_code);
    else if (mm_peek(mfn_a, 0) != MAGIC_W)
        xtf_failure("write after lock orq $2 did not reach frame A (%#lx)",
                    (unsigned long)mm_peek(mfn_a, 0));
    mm_poke(mfn_a, 0, MAGIC_A);

    if (!(*p & PTE_A))
        xtf_error("entry %#lx has no Accessed bit before lock btrq", (unsigned long)*p);
    cf = w_test_clear_young(p);
    mm2_expect_no_fault("lock btrq $5");
    if (!cf || (*p & PTE_A) || !check_entry("lock btrq $5", pte_a))
        xtf_failure("lock btrq $5: CF %d entry %#lx, expected CF 1 and A clear", cf,
                    (unsigned long)*p);
    /* Nothing touched the page in between: Accessed stays clear. */
    cf = w_test_clear_young(p);
    mm2_expect_no_fault("lock btrq $5 again");
    if (cf || (*p & PTE_A))
        xtf_failure("lock btrq $5 again: CF %d entry %#lx, expected CF 0 and A clear", cf,
                    (unsigned long)*p);
    /* A read through a fresh TLB entry makes the CPU set Accessed in the emulated entry. */
    check_va("read after lock btrq", MAGIC_A);
    cf = w_test_clear_young(p);
    mm2_expect_no_fault("lock btrq $5 after a read");
    if (!cf)
        xtf_failure("lock btrq $5 after a read: CF 0, expected 1 (the CPU set Accessed)");
    printk("lock btrq $5: entry now %#lx\n", (unsigned long)*p);
}

/*
 * Entries that must not be written: each gives #PF and leaves entry 0 as it was (Xen 4.17:
 * the emulation fails, so the original fault, error code P|W, reaches the guest).
 */
static void test_bad_entries(void)
{
    volatile uint64_t *p = &l1.view[0];
    uint64_t old = *p, hyp = mm2_hyp_mfn(), expected = old;
    const struct { const char *what; uint64_t pte; } bad[] = {
        { "movq: hypervisor frame read-only", mm_pte(hyp, PTE_FLAGS_RO) },
        { "movq: hypervisor frame writable", mm_pte(hyp, PTE_FLAGS_RW) },
        { "movq: this L1 writable", mm_pte(l1.mfn, PTE_FLAGS_RW) },
        { "movq: the boot L4 writable", mm_pte(mm_boot_l4_mfn(), PTE_FLAGS_RW) },
        { "movq: frame beyond RAM", mm_pte(1ull << 36, PTE_FLAGS_RO) },
    };

    for (unsigned int i = 0; i < ARRAY_SIZE(bad); i++) {
        w_movq(p, bad[i].pte);
        refused(bad[i].what, old);
    }
    w_cmpxchg(p, &expected, mm_pte(l1.mfn, PTE_FLAGS_RW));
    refused("lock cmpxchg: this L1 writable", old);
    /* Only naturally aligned writes inside one entry are emulated. */
    w_movq((volatile uint64_t *)((uintptr_t)p + 4), 0);
    refused("movq straddling entries 0 and 1", old);
    mm_audit("bad L1 writes");
}

/* L2 tables are never written directly, even with the assist: write the same value back. */
static void test_l2_write(void)
{
    volatile uint64_t *l2e = mm_mfn_to_va(l1.l2e_maddr >> PAGE_SHIFT);
    uint64_t old;

    if (!l2e) {
        xtf_error("the boot L2 frame %#lx is not in the initial mapping",
                  (unsigned long)(l1.l2e_maddr >> PAGE_SHIFT));
        return;
    }
    l2e += (l1.l2e_maddr & (PAGE_SIZE - 1)) / 8;
    old = *l2e;
    w_movq(l2e, old);
    mm2_expect_pf("movq to the boot L2", X86_PFEC_PRESENT | X86_PFEC_WRITE, 0);
    if (*l2e != old)
        xtf_failure("the L2 entry changed from %#lx to %#lx", (unsigned long)old,
                    (unsigned long)*l2e);
    mm_audit("L2 write");
}

/*
 * Without the assist a write to an L1 is an ordinary protection fault. Xen 4.17 does not do
 * that for dom0: its #PF path tries read-only MMIO emulation for the hardware domain, which
 * falls through to the page-table emulation whatever the assist says; so on Xen the result is
 * only reported.
 */
static void test_without_assist(uint64_t pte_b)
{
    volatile uint64_t *p = &l1.view[0];
    uint64_t old = *p;
    long rc = hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);

    mm2_expect_rc("vm_assist(disable, writable_pagetables)", rc, 0);
    w_movq(p, pte_b);
    if (xtf_on_hearth()) {
        refused("movq without the assist", old);
    } else {
        printk("movq without the assist: %s (%s ec %#lx); entry %#lx -> %#lx\n",
               xtf_exinfo.raised ? "fault" : "emulated anyway (Xen dom0)",
               xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "-",
               (unsigned long)xtf_exinfo.error_code, (unsigned long)old,
               (unsigned long)*p);
    }
    mm_audit("write without the assist");
}

void test_main(void)
{
    uint64_t pte_a, pte_b;
    long rc;

    mfn_a = mm_alloc_mfn();
    mfn_b = mm_alloc_mfn();
    mm_poke(mfn_a, 0, MAGIC_A);
    mm_poke(mfn_b, 0, MAGIC_B);
    pte_a = mm_pte(mfn_a, PTE_FLAGS_RW);
    pte_b = mm_pte(mfn_b, PTE_FLAGS_RW);
    mm2_l1_hook(&l1);

    rc = hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    if (!mm2_expect_rc("vm_assist(enable, writable_pagetables)", rc, 0))
        return;
    test_plain_writes(pte_a, pte_b);
    test_atomics(pte_a, pte_b);
    test_bit_ops(pte_a);
    test_bad_entries();
    test_l2_write();
    test_without_assist(pte_b);

    rc = mm2_l1_unhook(&l1);
    if (rc)
        xtf_failure("taking the test L1 down: %ld", rc);
    mm_audit("the end");
    xtf_success();
}
