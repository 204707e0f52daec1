/*
 * mm_update: HYPERVISOR_mmu_update on live entries of the boot L1 tables. MMU_NORMAL_PT_UPDATE
 * maps and remaps a VA, MMU_PT_UPDATE_PRESERVE_AD keeps the accessed/dirty bits the MMU set,
 * MMU_MACHPHYS_UPDATE rewrites our M2P entries (and no one else's); a batch stops at its first
 * bad request with the requests before it applied, *done counting them, and the rest untouched;
 * bad commands, foreign page-table frames and bad foreigndom values are refused.
 */
#include "mm.h"

const char test_title[] = "mm_update: mmu_update normal, preserve-A/D, machphys and batches";

#define HYP_SLOT 261            /* L4 slot of the hypervisor image, in every guest L4 */
#define PATTERN 0x5a5a00d1ce000000ull

static uint64_t hyp_mfn(void)
{
    return mm_boot_l4_slot_mfn(HYP_SLOT);
}

/* Fill a frame's first word with a marker through a temporary mapping. */
static void mark(uint64_t mfn, uint64_t val)
{
    if (mm_poke(mfn, 0, val))
        xtf_panic("cannot write a marker into fresh frame %#lx", (unsigned long)mfn);
}

/* Read the first word at va, failing (not panicking) if that faults. */
static bool read_va(const char *what, const void *va, uint64_t want)
{
    uint64_t v;

    if (!mm_probe_read(va, &v)) {
        xtf_failure("%s: reading %p raised %s", what, va, xtf_vector_name(xtf_exinfo.vector));
        return false;
    }
    if (v != want)
        xtf_failure("%s: read %#lx at %p, expected %#lx", what, (unsigned long)v, va,
                    (unsigned long)want);
    return v == want;
}

static void test_normal(void)
{
    unsigned int slot = mm_slot_alloc();
    volatile uint64_t *va = mm_slot_va(slot);
    uint64_t l1e = mm_slot_l1e_maddr(slot), a = mm_alloc_mfn(), b = mm_alloc_mfn();
    long rc;

    mark(a, PATTERN | 0xa);
    mark(b, PATTERN | 0xb);
    printk("slot %u at %p, L1 entry at maddr %#lx\n", slot, (void *)va, (unsigned long)l1e);
    rc = mm_set_entry(l1e, mm_pte(a, PTE_FLAGS_RW));
    if (!mm_check_rc("mmu_update: map frame A at the slot", rc, 0))
        goto out;
    read_va("read A through the slot", (const void *)va, PATTERN | 0xa);
    if (mm_pte_mfn(mm_read_entry(l1e)) != a)
        xtf_failure("the L1 entry reads %#lx, expected frame %#lx",
                    (unsigned long)mm_read_entry(l1e), (unsigned long)a);
    /* Write through the new mapping and see it in the frame. */
    va[1] = 0x1234;
    if (mm_peek(a, 1) != 0x1234)
        xtf_failure("a write through the slot did not reach frame A");

    /* Remap to B: the entry changes at once; the TLB needs an invlpg. */
    rc = mm_set_entry(l1e, mm_pte(b, PTE_FLAGS_RW));
    mm_check_rc("mmu_update: remap the slot to frame B", rc, 0);
    mm_check_rc("invlpg_local", mm_invlpg_local((uint64_t)va), 0);
    read_va("read B through the slot", (const void *)va, PATTERN | 0xb);

    /* MMU_PT_UPDATE_NO_TRANSLATE (3) is a normal update for a PV guest. */
    rc = mm_update(l1e | MMU_PT_UPDATE_NO_TRANSLATE, mm_pte(a, PTE_FLAGS_RW));
    mm_check_rc("mmu_update NO_TRANSLATE: back to A", rc, 0);
    mm_invlpg_local((uint64_t)va);
    read_va("read A again", (const void *)va, PATTERN | 0xa);

out:
    mm_check_rc("mmu_update: unmap the slot", mm_set_entry(l1e, 0), 0);
    mm_invlpg_local((uint64_t)va);
    mm_audit("normal updates");
    mm_slot_free(slot);
    mm_free_mfn(a);
    mm_free_mfn(b);
}

/* A plain data frame (no page-table type) is written as memory: Xen's "writable page" case. */
static void test_data_frame(void)
{
    uint64_t f = mm_alloc_mfn();

    long rc = mm_set_entry(mm_entry_maddr(f, 5), 0x77);

    mm_check_rc("mmu_update into an untyped data frame", rc, 0);
    if (mm_peek(f, 5) != 0x77)
        xtf_failure("the data frame reads %#lx at entry 5, expected 0x77",
                    (unsigned long)mm_peek(f, 5));
    mm_free_mfn(f);
}

static void test_preserve_ad(void)
{
    unsigned int slot = mm_slot_alloc();
    volatile uint64_t *va = mm_slot_va(slot);
    uint64_t l1e = mm_slot_l1e_maddr(slot), f = mm_alloc_mfn(), e;
    const uint64_t bare = mm_pte(f, PTE_P | PTE_RW | PTE_US);  /* no A, no D */

    if (!mm_check_rc("map a frame without A/D", mm_set_entry(l1e, bare), 0))
        goto out;
    e = mm_read_entry(l1e);
    printk("entry after mapping: %#lx\n", (unsigned long)e);
    va[0] = 1;                                  /* the MMU sets A and D */
    e = mm_read_entry(l1e);
    printk("entry after a write through it: %#lx\n", (unsigned long)e);
    if ((e & (PTE_A | PTE_D)) != (PTE_A | PTE_D)) {
        xtf_error("the MMU did not set A/D (entry %#lx): cannot test PRESERVE_AD",
                  (unsigned long)e);
    } else {
        long rc = mm_update(l1e | MMU_PT_UPDATE_PRESERVE_AD, bare);

        mm_check_rc("PRESERVE_AD with A/D clear in val", rc, 0);
        e = mm_read_entry(l1e);
        printk("entry after PRESERVE_AD: %#lx\n", (unsigned long)e);
        if ((e & (PTE_A | PTE_D)) != (PTE_A | PTE_D) || mm_pte_mfn(e) != f)
            xtf_failure("PRESERVE_AD lost A/D or the frame: entry %#lx", (unsigned long)e);
        /* A normal update stores val as given: A and D go. */
        mm_check_rc("NORMAL with A/D clear in val", mm_set_entry(l1e, bare), 0);
        e = mm_read_entry(l1e);
        printk("entry after NORMAL: %#lx\n", (unsigned long)e);
        if (e & (PTE_A | PTE_D))
            xtf_failure("a normal update kept A/D: entry %#lx", (unsigned long)e);
    }
out:
    mm_set_entry(l1e, 0);
    mm_invlpg_local((uint64_t)va);
    mm_audit("PRESERVE_AD updates");
    mm_slot_free(slot);
    mm_free_mfn(f);
}

static void test_machphys(void)
{
    uint64_t pfn = mm_alloc_pfn(), mfn = mm_pfn_to_mfn(pfn), hyp = hyp_mfn();
    uint64_t before = mm_m2p(mfn), hyp_before = mm_m2p(hyp);
    long rc;

    printk("M2P[%#lx] = %#lx (pfn %#lx); M2P[hypervisor %#lx] = %#lx\n", (unsigned long)mfn,
           (unsigned long)before, (unsigned long)pfn, (unsigned long)hyp,
           (unsigned long)hyp_before);
    if (before != pfn)
        xtf_failure("M2P[%#lx] reads %#lx, expected pfn %#lx", (unsigned long)mfn,
                    (unsigned long)before, (unsigned long)pfn);
    rc = mm_update((mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x12345);
    mm_check_rc("MACHPHYS_UPDATE of our frame", rc, 0);
    if (mm_m2p(mfn) != 0x12345)
        xtf_failure("M2P[%#lx] reads %#lx after the update, expected 0x12345",
                    (unsigned long)mfn, (unsigned long)mm_m2p(mfn));
    rc = mm_update((mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn);
    mm_check_rc("MACHPHYS_UPDATE back", rc, 0);
    if (mm_m2p(mfn) != pfn)
        xtf_failure("M2P[%#lx] reads %#lx after restoring, expected %#lx", (unsigned long)mfn,
                    (unsigned long)mm_m2p(mfn), (unsigned long)pfn);
    /* Not our frame: get_page_from_mfn fails (Xen 4.17: -EINVAL), the entry stays. */
    rc = mm_update((hyp << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, 0x4242);
    mm_check_rc("MACHPHYS_UPDATE of a hypervisor frame", rc, -XEN_EINVAL);
    if (mm_m2p(hyp) != hyp_before)
        xtf_failure("M2P[hypervisor %#lx] changed to %#lx", (unsigned long)hyp,
                    (unsigned long)mm_m2p(hyp));
    mm_audit("machphys updates");
    mm_free_pfn(pfn);
}

/* A batch of three; the second is bad (rc `want`); the first must stick, the third not run. */
static void batch_case(const char *name, uint64_t bad_ptr, uint64_t bad_val, long want)
{
    unsigned int s1 = mm_slot_alloc(), s3 = mm_slot_alloc();
    uint64_t f1 = mm_alloc_mfn(), f3 = mm_alloc_mfn();
    struct mmu_update req[3] = {
        { mm_slot_l1e_maddr(s1) | MMU_NORMAL_PT_UPDATE, mm_pte(f1, PTE_FLAGS_RW) },
        { bad_ptr, bad_val },
        { mm_slot_l1e_maddr(s3) | MMU_NORMAL_PT_UPDATE, mm_pte(f3, PTE_FLAGS_RW) },
    };
    unsigned int done = 0xdead;
    char what[96];
    long rc;

    rc = mm_update_batch(req, 3, &done);
    snprintf(what, sizeof(what), "batch [good, %s, good]", name);
    mm_check_rc(what, rc, want);
    printk("  done = %u\n", done);
    if (done != 1)
        xtf_failure("%s: *done = %u, expected 1", what, done);
    if (mm_pte_mfn(mm_read_entry(req[0].ptr)) != f1)
        xtf_failure("%s: the first update is not in place (entry %#lx)", what,
                    (unsigned long)mm_read_entry(req[0].ptr));
    if (mm_read_entry(req[2].ptr) & PTE_P)
        xtf_failure("%s: the third update was applied (entry %#lx)", what,
                    (unsigned long)mm_read_entry(req[2].ptr));
    mm_audit(what);
    mm_slot_free(s1);
    mm_slot_free(s3);
    mm_free_mfn(f1);
    mm_free_mfn(f3);
}

static void test_batches(void)
{
    unsigned int s2 = mm_slot_alloc();
    uint64_t l1e2 = mm_slot_l1e_maddr(s2), hyp = hyp_mfn();

    /* Mapping a hypervisor frame: not ours (Xen 4.17: -EBUSY, get_page_from_l1e). */
    batch_case("map a hypervisor frame", l1e2 | MMU_NORMAL_PT_UPDATE,
               mm_pte(hyp, PTE_FLAGS_RO), -XEN_EBUSY);
    /* ptr inside a frame that is not ours (the hypervisor's L3): -EINVAL. */
    batch_case("ptr in a hypervisor frame", (hyp << PAGE_SHIFT) | MMU_NORMAL_PT_UPDATE, 0,
               -XEN_EINVAL);
    /* Command 4-7 (Xen takes ptr & 7 as the command): -ENOSYS. */
    batch_case("command 4", l1e2 | 4, 0, -XEN_ENOSYS);
    if (mm_read_entry(l1e2) & PTE_P)
        xtf_failure("the refused requests mapped slot %u: entry %#lx", s2,
                    (unsigned long)mm_read_entry(l1e2));
    mm_slot_free(s2);
}

/* One valid request (unmapping a free slot) with a given foreigndom. */
static void foreigndom_case(const char *name, unsigned int fd, long want)
{
    unsigned int slot = mm_slot_alloc();
    struct mmu_update req = { mm_slot_l1e_maddr(slot) | MMU_NORMAL_PT_UPDATE, 0 };
    char what[96];

    snprintf(what, sizeof(what), "mmu_update foreigndom %#x (%s)", fd, name);
    mm_check_rc(what, hc_mmu_update(&req, 1, NULL, fd), want);
    mm_slot_free(slot);
}

static void test_foreigndom(void)
{
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };

    foreigndom_case("DOMID_SELF", DOMID_SELF, 0);
    /* Page-table owner field = our own id + 1 (dom0): allowed. */
    foreigndom_case("PFD = dom0", (1u << 16) | DOMID_SELF, 0);
    /* Our own id named explicitly as foreign domain: get_pg_owner refuses it. */
    foreigndom_case("own id 0", 0, -XEN_ESRCH);
    foreigndom_case("no such domain 5", 5, -XEN_ESRCH);
    foreigndom_case("DOMID_INVALID", DOMID_INVALID, -XEN_ESRCH);
    foreigndom_case("PFD = no such domain 5", (6u << 16) | DOMID_SELF, -XEN_ESRCH);
    mm_check_rc("mmuext_op TLB_FLUSH_LOCAL, foreigndom 5", hc_mmuext_op(&flush, 1, NULL, 5),
                -XEN_ESRCH);
    mm_audit("bad foreigndom values");
}

void test_main(void)
{
    test_normal();
    test_data_frame();
    test_preserve_ad();
    test_machphys();
    test_batches();
    test_foreigndom();
    mm_audit("the end");
    xtf_success();
}
