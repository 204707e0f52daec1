/*
 * mm_linear: "linear" page tables, i.e. an L4/L3/L2 entry pointing at a table of its own level
 * (itself or another one). Hearth refuses them all (-EINVAL). Xen 4.17 (CONFIG_PV_LINEAR_PT=y,
 * pv-linear-pt on by default) accepts read-only ones and refuses writable ones (-EINVAL); the
 * test prints what Xen does and passes on both.
 */
#include "mm.h"

const char test_title[] = "mm_linear: linear (same-level) page-table entries";

#define FREE_L4_SLOT 2          /* unused by the builder */
#define FREE_L3_IDX 509         /* below the kernel's L3 entry 510 */
#define FREE_L2_IDX 8           /* 16 MiB above the image: past the initial mapping */
#define SELF_L4_VA(s) (((uint64_t)(s) << 39) | ((uint64_t)(s) << 30) | \
                       ((uint64_t)(s) << 21) | ((uint64_t)(s) << 12))

/* What a read-only linear entry gets: 0 on Xen (allowed), -EINVAL on Hearth. */
static long ro_want(void)
{
    return xtf_on_hearth() ? -XEN_EINVAL : 0;
}

/*
 * Write `val` (a same-level entry) at maddr: read-only must give ro_want(), writable -EINVAL.
 * Whatever was accepted is removed again; the entry must end up as it was.
 */
static bool try_linear(const char *name, uint64_t maddr, uint64_t target)
{
    uint64_t before = mm_read_entry(maddr);
    char what[96];
    long rc;

    snprintf(what, sizeof(what), "%s, writable", name);
    mm_check_rc(what, mm_set_entry(maddr, mm_pte(target, PTE_FLAGS_TABLE)), -XEN_EINVAL);
    if (mm_read_entry(maddr) != before)
        xtf_failure("%s: the entry changed to %#lx", what, (unsigned long)mm_read_entry(maddr));
    snprintf(what, sizeof(what), "%s, read-only", name);
    rc = mm_set_entry(maddr, mm_pte(target, PTE_FLAGS_RO));
    mm_check_rc(what, rc, ro_want());
    if (rc == 0)
        printk("  %s: accepted, entry %#lx\n", what, (unsigned long)mm_read_entry(maddr));
    mm_audit(what);
    return rc == 0;
}

/* Remove an accepted linear entry and check that the entry is as before. */
static void undo(const char *name, uint64_t maddr)
{
    char what[96];

    snprintf(what, sizeof(what), "remove %s", name);
    mm_check_rc(what, mm_set_entry(maddr, 0), 0);
    mm_tlb_flush_local();
    mm_audit(what);
}

static void test_l4_self(void)
{
    uint64_t l4 = mm_boot_l4_mfn(), maddr = mm_entry_maddr(l4, FREE_L4_SLOT);
    const uint64_t *self = (const uint64_t *)SELF_L4_VA(FREE_L4_SLOT);
    uint64_t v;

    if (!try_linear("boot L4 slot 2 -> the boot L4 itself", maddr, l4))
        return;
    /* Through the self-map, the L4 shows itself: entry 511 as the boot view has it. */
    mm_tlb_flush_local();
    if (mm_probe_read(&self[511], &v))
        printk("  read through the self-map at %p: L4[511] = %#lx (boot view %#lx)\n",
               (const void *)self, (unsigned long)v, (unsigned long)mm_boot_l4()[511]);
    else
        printk("  reading through the self-map at %p raised %s\n", (const void *)self,
               xtf_vector_name(xtf_exinfo.vector));
    undo("the L4 self-map", maddr);
}

static void test_l4_other(void)
{
    uint64_t other = mm_alloc_mfn(), maddr = mm_entry_maddr(mm_boot_l4_mfn(), FREE_L4_SLOT);

    if (!mm_check_rc("pin a fresh L4", mm_pin(4, other), 0))
        return;
    if (try_linear("boot L4 slot 2 -> another pinned L4", maddr, other))
        undo("the L4 -> L4 entry", maddr);
    mm_check_rc("unpin the other L4", mm_unpin(other), 0);
    mm_free_mfn(other);
}

/* A fresh L4 whose slot 2 points at itself, read-only, pinned (validation sees the loop). */
static void test_pin_self_l4(void)
{
    uint64_t l4 = mm_alloc_mfn();
    long rc;

    if (mm_poke(l4, FREE_L4_SLOT, mm_pte(l4, PTE_FLAGS_RO)))
        xtf_panic("cannot write into a fresh frame");
    rc = mm_pin(4, l4);
    mm_check_rc("pin a fresh L4 mapping itself read-only", rc, ro_want());
    mm_audit("pinning a self-mapping L4");
    if (rc == 0)
        mm_check_rc("unpin it", mm_unpin(l4), 0);
    if (mm_poke(l4, FREE_L4_SLOT, 0))
        xtf_failure("the self-mapping L4 kept a type after its unpin");
    mm_free_mfn(l4);
}

static void test_l3(void)
{
    uint64_t l3 = mm_boot_l4_slot_mfn(511), other = mm_alloc_mfn();
    uint64_t maddr = mm_entry_maddr(l3, FREE_L3_IDX);

    if (try_linear("kernel L3 entry 509 -> the kernel L3 itself", maddr, l3))
        undo("the L3 self-map", maddr);
    if (!mm_check_rc("pin a fresh L3", mm_pin(3, other), 0))
        return;
    if (try_linear("kernel L3 entry 509 -> another pinned L3", maddr, other))
        undo("the L3 -> L3 entry", maddr);
    mm_check_rc("unpin the other L3", mm_unpin(other), 0);
    mm_free_mfn(other);
}

static void test_l2(void)
{
    uint64_t maddr = mm_boot_entry_maddr(XTF_GUEST_VIRT_BASE + FREE_L2_IDX * (2ull << 20), 2);
    uint64_t l2 = maddr >> PAGE_SHIFT, other = mm_alloc_mfn();

    if (try_linear("kernel L2 entry 8 -> the kernel L2 itself", maddr, l2))
        undo("the L2 self-map", maddr);
    if (!mm_check_rc("pin a fresh L2", mm_pin(2, other), 0))
        return;
    if (try_linear("kernel L2 entry 8 -> another pinned L2", maddr, other))
        undo("the L2 -> L2 entry", maddr);
    mm_check_rc("unpin the other L2", mm_unpin(other), 0);
    mm_free_mfn(other);
}

void test_main(void)
{
    printk("running on %s: read-only linear entries should give %ld\n",
           xtf_on_hearth() ? "Hearth" : "Xen", ro_want());
    test_l4_self();
    test_l4_other();
    test_pin_self_l4();
    test_l3();
    test_l2();
    mm_audit("the end");
    xtf_success();
}
