/*
 * mm_refuse: hostile page-table entries are refused with Xen 4.17's error and change nothing:
 * writable mappings of page-table frames (directly, and as an alias through a second live L1),
 * mappings of hypervisor frames, writes to the hypervisor's L4 slots 256-271, superpage (PS)
 * and PWT/PCD/G bits in L2-L4 entries, update_va_mapping of non-canonical and hypervisor
 * addresses, and an L1 entry with bit 62 set.
 */
#include "mm.h"

const char test_title[] = "mm_refuse: hostile page-table entries are refused";

#define HYP_SLOT 261            /* L4 slot of the hypervisor image, in every guest L4 */
#define M2P_SLOT 256            /* L4 slot of the read-only M2P */
#define FREE_L4_SLOT 1          /* unused by the builder (no INIT_P2M note) */
#define FREE_L3_IDX 509         /* below the kernel's L3 entry 510 */
#define FREE_L2_IDX 8           /* 16 MiB above the image: past the initial mapping */
#define ALIAS_VA (XTF_GUEST_VIRT_BASE + FREE_L2_IDX * (2ull << 20))
#define ALIAS_MARKER 0x600cull  /* bit 0 clear: a not-present L1 entry */

/*
 * Expect `rc` from an update of the entry at maddr, and the entry unchanged. An update that
 * went through is undone (the old value written back), so that the test can go on.
 */
static void refused(const char *what, uint64_t maddr, long rc, long want, uint64_t before)
{
    uint64_t after = mm_read_entry(maddr);

    mm_check_rc(what, rc, want);
    if (after != before) {
        xtf_failure("%s: the entry changed from %#lx to %#lx", what, (unsigned long)before,
                    (unsigned long)after);
        printk("  undoing it: %ld\n", mm_set_entry(maddr, before));
        mm_tlb_flush_local();
    }
    mm_audit(what);
}

/* A refused request must not leave frame mfn typed: it can still be mapped writable. */
static bool still_plain(const char *what, uint64_t mfn)
{
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (p)
        mm_unmap(p);
    else
        xtf_failure("%s: frame %#lx kept a type (writable mapping refused: %ld)", what,
                    (unsigned long)mfn, rc);
    return p != NULL;
}

/* update_va_mapping of a slot and mmu_update of its L1 entry, both with pte. */
static void refuse_l1e(const char *name, uint64_t pte, long want)
{
    unsigned int slot = mm_slot_alloc();
    uint64_t maddr = mm_slot_l1e_maddr(slot), before = mm_read_entry(maddr);
    char what[96];

    snprintf(what, sizeof(what), "update_va_mapping: %s", name);
    refused(what, maddr, mm_slot_set(slot, pte), want, before);
    snprintf(what, sizeof(what), "mmu_update: %s", name);
    refused(what, maddr, mm_set_entry(maddr, pte), want, before);
    mm_slot_free(slot);
}

static void test_writable_pt(void)
{
    uint64_t l1 = mm_alloc_mfn();

    if (!mm_check_rc("pin a fresh L1", mm_pin(1, l1), 0))
        return;
    /* get_page_type(PGT_writable_page) fails in get_page_from_l1e: -EBUSY. */
    refuse_l1e("writable mapping of a pinned L1", mm_pte(l1, PTE_FLAGS_RW), -XEN_EBUSY);
    refuse_l1e("writable mapping of the boot L4", mm_pte(mm_boot_l4_mfn(), PTE_FLAGS_RW),
               -XEN_EBUSY);
    refuse_l1e("writable mapping of a boot L1",
               mm_pte(mm_slot_l1e_maddr(0) >> PAGE_SHIFT, PTE_FLAGS_RW), -XEN_EBUSY);
    mm_check_rc("unpin it", mm_unpin(l1), 0);
    mm_free_mfn(l1);
}

/*
 * A second L1 (hooked into the live tables at ALIAS_VA) may map a page-table frame read-only,
 * never writable: neither by mmu_update nor by update_va_mapping.
 */
static void test_writable_alias(void)
{
    uint64_t l2e = mm_boot_entry_maddr(ALIAS_VA, 2), alias = mm_alloc_mfn();
    uint64_t target = mm_alloc_mfn(), before;
    volatile uint64_t *va = (volatile uint64_t *)(ALIAS_VA + PAGE_SIZE);
    char what[96];
    uint64_t v;
    long rc;

    if (!l2e || (mm_read_entry(l2e) & PTE_P)) {
        xtf_error("boot L2 entry for %#lx missing or in use", (unsigned long)ALIAS_VA);
        return;
    }
    /* The marker is a not-present entry, which validation leaves as it is. */
    if (mm_poke(target, 0, ALIAS_MARKER))
        xtf_panic("cannot write into a fresh frame");
    if (!mm_check_rc("pin the target as L1", mm_pin(1, target), 0))
        return;
    rc = mm_set_entry(l2e, mm_pte(alias, PTE_FLAGS_TABLE));
    if (!mm_check_rc("hook a fresh L1 into the boot L2", rc, 0))
        goto out;
    before = mm_read_entry(mm_entry_maddr(alias, 1));
    snprintf(what, sizeof(what), "mmu_update: writable alias of a pinned L1 in a live L1");
    refused(what, mm_entry_maddr(alias, 1),
            mm_set_entry(mm_entry_maddr(alias, 1), mm_pte(target, PTE_FLAGS_RW)), -XEN_EBUSY,
            before);
    snprintf(what, sizeof(what), "update_va_mapping: the same alias");
    refused(what, mm_entry_maddr(alias, 1),
            hc_update_va_mapping((uint64_t)va, mm_pte(target, PTE_FLAGS_RW), UVMF_INVLPG),
            -XEN_EBUSY, before);
    /* Read-only is allowed, and reads the table. */
    mm_check_rc("read-only alias of the pinned L1",
                mm_set_entry(mm_entry_maddr(alias, 1), mm_pte(target, PTE_FLAGS_RO)), 0);
    mm_invlpg_local((uint64_t)va);
    if (!mm_probe_read((const void *)va, &v) || v != ALIAS_MARKER)
        xtf_failure("reading the pinned L1 through the alias: %s, value %#lx",
                    xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "no fault",
                    (unsigned long)v);
    mm_set_entry(mm_entry_maddr(alias, 1), 0);
    mm_check_rc("unhook the second L1", mm_set_entry(l2e, 0), 0);
    mm_tlb_flush_local();
out:
    mm_check_rc("unpin the target", mm_unpin(target), 0);
    if (still_plain("alias L1 after unhooking", alias))
        mm_free_mfn(alias);
    mm_audit("writable aliases");
    mm_free_mfn(target);
}

static void test_hypervisor_frames(void)
{
    uint64_t hyp = mm_boot_l4_slot_mfn(HYP_SLOT), m2p = mm_boot_l4_slot_mfn(M2P_SLOT);

    printk("hypervisor frames: L4[%d] -> %#lx, L4[%d] -> %#lx\n", HYP_SLOT,
           (unsigned long)hyp, M2P_SLOT, (unsigned long)m2p);
    /* Not ours, not shared: get_page_from_l1e's "could not pin" (-EBUSY). */
    refuse_l1e("map the hypervisor's L3 read-only", mm_pte(hyp, PTE_FLAGS_RO), -XEN_EBUSY);
    refuse_l1e("map the hypervisor's L3 writable", mm_pte(hyp, PTE_FLAGS_RW), -XEN_EBUSY);
    if (m2p)
        refuse_l1e("map the M2P's L3 read-only", mm_pte(m2p, PTE_FLAGS_RO), -XEN_EBUSY);
}

/* Slots 256-271 of an L4: -EINVAL ("L4 update in Xen-private area"), whatever the value. */
static void test_hypervisor_l4_slots(void)
{
    uint64_t l4 = mm_boot_l4_mfn();
    uint64_t l3 = mm_alloc_mfn();
    char what[96];

    for (unsigned int slot = MM_L4_HYP_FIRST; slot <= MM_L4_HYP_LAST; slot++) {
        uint64_t maddr = mm_entry_maddr(l4, slot), before = mm_read_entry(maddr);
        long rc;

        snprintf(what, sizeof(what), "boot L4[%u] := 0", slot);
        refused(what, maddr, mm_set_entry(maddr, 0), -XEN_EINVAL, before);
        rc = mm_set_entry(maddr, before);
        snprintf(what, sizeof(what), "boot L4[%u] := its own value", slot);
        refused(what, maddr, rc, -XEN_EINVAL, before);
        snprintf(what, sizeof(what), "boot L4[%u] := a fresh L3", slot);
        refused(what, maddr, mm_set_entry(maddr, mm_pte(l3, PTE_FLAGS_TABLE)), -XEN_EINVAL,
                before);
    }
    if (still_plain("L3 offered for a hypervisor slot", l3))
        mm_free_mfn(l3);
}

/* One hostile flag in an L2/L3/L4 entry of the boot tables that points at a fresh table. */
static void bad_table_flag(unsigned int level, uint64_t maddr, const char *flag, uint64_t bits)
{
    uint64_t child = mm_alloc_mfn(), before = mm_read_entry(maddr);
    char what[96];

    snprintf(what, sizeof(what), "L%u entry with %s", level, flag);
    refused(what, maddr, mm_set_entry(maddr, mm_pte(child, PTE_FLAGS_TABLE | bits)),
            -XEN_EINVAL, before);
    if (still_plain(what, child))
        mm_free_mfn(child);
}

static void test_table_flags(void)
{
    uint64_t l2e = mm_boot_entry_maddr(ALIAS_VA, 2);
    uint64_t l3e = mm_entry_maddr(mm_boot_l4_slot_mfn(511), FREE_L3_IDX);
    uint64_t l4e = mm_entry_maddr(mm_boot_l4_mfn(), FREE_L4_SLOT);
    const uint64_t maddr[5] = { 0, 0, l2e, l3e, l4e };
    static const struct { const char *name; uint64_t bits; } flags[] = {
        { "PWT", PTE_PWT }, { "PCD", PTE_PCD }, { "G", PTE_G },
    };

    for (unsigned int level = 2; level <= 4; level++) {
        if (mm_read_entry(maddr[level]) & PTE_P) {
            xtf_error("boot L%u entry at %#lx is in use", level, (unsigned long)maddr[level]);
            return;
        }
    }
    /* No superpages for PV guests: PS in an L2 or L3 entry. */
    bad_table_flag(2, l2e, "PS (2 MiB page)", PTE_PS);
    bad_table_flag(3, l3e, "PS (1 GiB page)", PTE_PS);
    for (unsigned int level = 2; level <= 4; level++)
        for (unsigned int i = 0; i < ARRAY_SIZE(flags); i++)
            bad_table_flag(level, maddr[level], flags[i].name, flags[i].bits);
}

static void test_bad_va(void)
{
    static const struct { const char *name; uint64_t va; } cases[] = {
        { "non-canonical", 0x0000800000000000ull },
        { "non-canonical (high)", 0xfff0000000000000ull },
        { "hypervisor image", 0xffff82d040000000ull },
        { "hypervisor M2P", MACH2PHYS_VIRT_START },
        { "unmapped guest va (no L1)", 0x0000100000000000ull },
    };
    uint64_t f = mm_alloc_mfn();

    /* map_guest_l1e() finds no guest L1 entry: -EINVAL, and no flush is done. */
    for (unsigned int i = 0; i < ARRAY_SIZE(cases); i++) {
        char what[96];

        snprintf(what, sizeof(what), "update_va_mapping at %s %#lx", cases[i].name,
                 (unsigned long)cases[i].va);
        mm_check_rc(what, hc_update_va_mapping(cases[i].va, mm_pte(f, PTE_FLAGS_RW),
                                               UVMF_INVLPG), -XEN_EINVAL);
    }
    mm_audit("update_va_mapping at bad addresses");
    if (still_plain("target of refused update_va_mappings", f))
        mm_free_mfn(f);
}

/*
 * Bit 62 is Xen's internal _PAGE_GNTTAB in debug builds, which refuse it in guest L1 entries
 * (-EINVAL); release builds (Debian's 4.17) take it as one of the available bits 52-62 and keep
 * it (rc 0). Hearth refuses it.
 */
static void test_bit62(void)
{
    uint64_t f = mm_alloc_mfn();
    unsigned int slot = mm_slot_alloc();
    long rc = mm_slot_set(slot, mm_pte(f, PTE_FLAGS_RW) | (1ull << 62));

    printk("update_va_mapping of an L1 entry with bit 62: %ld (entry now %#lx)\n", rc,
           (unsigned long)mm_read_entry(mm_slot_l1e_maddr(slot)));
    mm_check_rc("L1 entry with bit 62", rc, xtf_on_hearth() ? -XEN_EINVAL : 0);
    mm_audit("L1 entry with bit 62");
    mm_slot_free(slot);
    mm_free_mfn(f);
}

void test_main(void)
{
    test_writable_pt();
    test_writable_alias();
    test_hypervisor_frames();
    test_hypervisor_l4_slots();
    test_table_flags();
    test_bad_va();
    test_bit62();
    mm_audit("the end");
    xtf_success();
}
