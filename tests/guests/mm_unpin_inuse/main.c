/*
 * mm_unpin_inuse: unpinning a table that is still referenced (hooked into the live tables, or
 * the boot L4, which is CR3) succeeds, but the frame keeps its type (a writable mapping is
 * still refused, and it keeps working as a table) until the last reference goes.
 */
#include "mm.h"

const char test_title[] = "mm_unpin_inuse: unpinned tables in use keep their type";

#define FREE_L3_IDX 509         /* below the kernel's L3 entry 510: VA 0xffffffff40000000 */
#define FREE_L2_IDX 8           /* 16 MiB above the image: past the initial mapping */
#define HOOK_L1_VA (XTF_GUEST_VIRT_BASE + FREE_L2_IDX * (2ull << 20))
#define HOOK_L2_VA (0xffffff8000000000ull + FREE_L3_IDX * (1ull << 30))
#define MARKER 0x1e55ed0000000000ull  /* bit 0 clear: a not-present entry if validated */

/* Writable mapping of mfn: return update_va_mapping's rc, undoing a success. */
static long try_map_rw(uint64_t mfn)
{
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (p)
        mm_unmap(p);
    return rc;
}

/* Read `want` at va through the hooked tables (after a TLB flush). */
static void expect_read(const char *what, uint64_t va, uint64_t want)
{
    uint64_t v;

    mm_tlb_flush_local();
    if (!mm_probe_read((const void *)va, &v))
        xtf_failure("%s: reading %#lx raised %s", what, (unsigned long)va,
                    xtf_vector_name(xtf_exinfo.vector));
    else if (v != want)
        xtf_failure("%s: read %#lx at %#lx, expected %#lx", what, (unsigned long)v,
                    (unsigned long)va, (unsigned long)want);
}

/*
 * A fresh L1 (level 1) or L2 + L1 (level 2) mapping a marked data frame at `va`, pinned, then
 * hooked into the boot table entry at hook_maddr. Unpin it: still typed, still translating.
 * Pin and unpin once more, then unhook: only now it is plain RAM.
 */
static void test_hooked(unsigned int level, uint64_t hook_maddr, uint64_t va)
{
    uint64_t data = mm_alloc_mfn(), l1 = mm_alloc_mfn(), top = l1;
    char what[96];

    if (mm_read_entry(hook_maddr) & PTE_P) {
        xtf_error("boot L%u entry at %#lx is in use", level + 1, (unsigned long)hook_maddr);
        return;
    }
    if (mm_poke(data, 0, MARKER) || mm_poke(l1, mm_table_index(va, 1),
                                            mm_pte(data, PTE_FLAGS_RW)))
        xtf_panic("cannot fill fresh frames");
    if (level == 2) {
        top = mm_alloc_mfn();
        if (mm_poke(top, mm_table_index(va, 2), mm_pte(l1, PTE_FLAGS_TABLE)))
            xtf_panic("cannot fill a fresh frame");
    }
    snprintf(what, sizeof(what), "pin the fresh L%u", level);
    if (!mm_check_rc(what, mm_pin(level, top), 0))
        return;
    snprintf(what, sizeof(what), "hook it into the boot L%u", level + 1);
    if (!mm_check_rc(what, mm_set_entry(hook_maddr, mm_pte(top, PTE_FLAGS_TABLE)), 0))
        goto unpin;
    expect_read("read through the hooked table", va, MARKER);

    snprintf(what, sizeof(what), "unpin the hooked L%u", level);
    mm_check_rc(what, mm_unpin(top), 0);
    snprintf(what, sizeof(what), "map the unpinned but hooked L%u writable", level);
    mm_check_rc(what, try_map_rw(top), -XEN_EBUSY);
    expect_read("read through it after the unpin", va, MARKER);
    mm_check_rc("unpin it again", mm_unpin(top), -XEN_EINVAL);
    mm_check_rc("pin it again while hooked", mm_pin(level, top), 0);
    mm_check_rc("and unpin", mm_unpin(top), 0);
    mm_audit("unpinning a hooked table");

    mm_check_rc("unhook it", mm_set_entry(hook_maddr, 0), 0);
    mm_tlb_flush_local();
    snprintf(what, sizeof(what), "map the unhooked L%u writable", level);
    mm_check_rc(what, try_map_rw(top), 0);
    if (level == 2)
        mm_check_rc("map its L1 writable", try_map_rw(l1), 0);
    mm_check_rc("pin the data frame (no writable mapping left)", mm_pin(1, data), 0);
    mm_check_rc("unpin the data frame", mm_unpin(data), 0);
    mm_audit("unhooking the table");
    goto out;
unpin:
    mm_unpin(top);
out:
    mm_free_mfn(data);
    mm_free_mfn(l1);
    if (top != l1)
        mm_free_mfn(top);
}

/*
 * The boot L4 (pinned by the domain builder, and CR3): unpinning it leaves it typed. Switch CR3
 * to a fresh L4 sharing the kernel's L3: now the boot L4 has no reference left and maps
 * writable. Re-pin it, switch back, and release the fresh L4.
 */
static void test_boot_l4(void)
{
    uint64_t boot = mm_boot_l4_mfn(), fresh = mm_alloc_mfn();

    mm_check_rc("unpin the boot L4 (CR3)", mm_unpin(boot), 0);
    mm_check_rc("map the boot L4 writable while it is CR3", try_map_rw(boot), -XEN_EBUSY);
    mm_check_rc("unpin the boot L4 again", mm_unpin(boot), -XEN_EINVAL);
    mm_audit("unpinning the boot L4");

    if (mm_poke(fresh, 511, mm_boot_l4()[511]))
        xtf_panic("cannot fill a fresh frame");
    if (!mm_check_rc("pin a fresh L4 with the kernel's L3", mm_pin(4, fresh), 0))
        goto repin;
    if (!mm_check_rc("new_baseptr(fresh L4)", mm_new_baseptr(fresh), 0))
        goto unpin_fresh;
    /* Still running: the image, stack and boot tables all sit under slot 511. */
    mm_check_rc("map the old boot L4 writable: no reference left", try_map_rw(boot), 0);
    mm_check_rc("pin it again", mm_pin(4, boot), 0);
    mm_check_rc("new_baseptr(boot L4)", mm_new_baseptr(boot), 0);
unpin_fresh:
    mm_check_rc("unpin the fresh L4", mm_unpin(fresh), 0);
    mm_check_rc("map the fresh L4 writable", try_map_rw(fresh), 0);
    mm_audit("switching CR3 away from and back to the boot L4");
    mm_free_mfn(fresh);
    return;
repin:
    mm_check_rc("pin the boot L4 again", mm_pin(4, boot), 0);
}

void test_main(void)
{
    test_hooked(1, mm_boot_entry_maddr(HOOK_L1_VA, 2), HOOK_L1_VA);
    test_hooked(2, mm_entry_maddr(mm_boot_l4_slot_mfn(511), FREE_L3_IDX), HOOK_L2_VA);
    test_boot_l4();
    mm_audit("the end");
    xtf_success();
}
