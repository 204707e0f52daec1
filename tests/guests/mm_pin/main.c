/*
 * mm_pin: MMUEXT_PIN_L1..L4_TABLE on fresh tables built from free frames succeeds level by
 * level; double pins, unpins of unpinned frames, pins of writably mapped frames, of tables with
 * a bad entry and of hypervisor frames are refused; after the unpins the frames are plain RAM
 * again (mappable writable).
 */
#include "mm.h"

const char test_title[] = "mm_pin: pinning and unpinning L1-L4 tables";

#define HYP_SLOT 261            /* L4 slot of the hypervisor image, in every guest L4 */

/* The fresh hierarchy: L4[0] -> L3[0] -> L2[0] -> L1 -> {data[0] RW, data[1] RO}. */
struct tables {
    uint64_t l[5];              /* l[1..4]: MFNs of the L1..L4 frames */
    uint64_t data[2];
};

/* Store one entry into an unmapped, untyped frame; a refusal is a broken assumption. */
static void poke(uint64_t mfn, unsigned int idx, uint64_t val)
{
    long rc = mm_poke(mfn, idx, val);

    if (rc)
        xtf_panic("writing entry %u of fresh frame %#lx: %ld", idx, (unsigned long)mfn, rc);
}

static void build(struct tables *t)
{
    for (unsigned int i = 1; i <= 4; i++)
        t->l[i] = mm_alloc_mfn();
    t->data[0] = mm_alloc_mfn();
    t->data[1] = mm_alloc_mfn();
    poke(t->l[1], 0, mm_pte(t->data[0], PTE_FLAGS_RW));
    poke(t->l[1], 1, mm_pte(t->data[1], PTE_FLAGS_RO));
    for (unsigned int i = 2; i <= 4; i++)
        poke(t->l[i], 0, mm_pte(t->l[i - 1], PTE_FLAGS_TABLE));
    printk("tables: L1 %#lx L2 %#lx L3 %#lx L4 %#lx, data %#lx %#lx\n", (unsigned long)t->l[1],
           (unsigned long)t->l[2], (unsigned long)t->l[3], (unsigned long)t->l[4],
           (unsigned long)t->data[0], (unsigned long)t->data[1]);
}

/* Try to map mfn writable; return the rc and undo a success. */
static long try_map_rw(uint64_t mfn)
{
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (p)
        mm_unmap(p);
    return rc;
}

static void test_pin_levels(const struct tables *t)
{
    char what[64];
    long rc;
    /* A read-only mapping of a table does not stand in the way of pinning it. */
    const void *l2_ro = mm_map(t->l[2], false, &rc);

    mm_check_rc("map the L2 read-only before pinning", rc, 0);
    for (unsigned int i = 1; i <= 4; i++) {
        snprintf(what, sizeof(what), "pin L%u %#lx", i, (unsigned long)t->l[i]);
        mm_check_rc(what, mm_pin(i, t->l[i]), 0);
    }
    if (l2_ro)
        mm_unmap(l2_ro);
    /* The pinned tables are typed: writable mappings are refused (Xen 4.17: -EBUSY). */
    for (unsigned int i = 1; i <= 4; i++) {
        snprintf(what, sizeof(what), "map pinned L%u writable", i);
        mm_check_rc(what, try_map_rw(t->l[i]), -XEN_EBUSY);
    }
    /* Read-only mappings are fine, and show what was validated. */
    {
        const uint64_t *p = mm_map(t->l[1], false, &rc);

        if (mm_check_rc("map pinned L1 read-only", rc, 0)) {
            printk("L1[0] = %#lx, L1[1] = %#lx\n", (unsigned long)p[0], (unsigned long)p[1]);
            if (mm_pte_mfn(p[0]) != t->data[0] || mm_pte_mfn(p[1]) != t->data[1])
                xtf_failure("pinned L1 entries changed frames: %#lx %#lx", (unsigned long)p[0],
                            (unsigned long)p[1]);
            mm_unmap(p);
        }
    }
    /* The writable entry took a writable type: data[0] cannot become a page table. */
    mm_check_rc("pin L1 of a frame the pinned L1 maps writable", mm_pin(1, t->data[0]),
                -XEN_EINVAL);
    mm_audit("pinning L1-L4");
}

static void test_double_and_unpinned(const struct tables *t)
{
    uint64_t spare = mm_alloc_mfn();

    mm_check_rc("pin L1 twice", mm_pin(1, t->l[1]), -XEN_EINVAL);
    mm_check_rc("pin L4 twice", mm_pin(4, t->l[4]), -XEN_EINVAL);
    /* Pinned as L1 already: pinning it as another level is a type clash. */
    mm_check_rc("pin the L1 as L2", mm_pin(2, t->l[1]), -XEN_EINVAL);
    mm_check_rc("unpin a fresh frame", mm_unpin(spare), -XEN_EINVAL);
    mm_check_rc("unpin a data frame", mm_unpin(t->data[1]), -XEN_EINVAL);
    mm_audit("double pins and unpins of unpinned frames");
    mm_free_mfn(spare);
}

static void test_pin_writable(void)
{
    uint64_t mfn = mm_alloc_mfn();
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (!p) {
        xtf_error("cannot map a fresh frame writable: %ld", rc);
        return;
    }
    for (unsigned int level = 1; level <= 4; level++) {
        char what[64];

        snprintf(what, sizeof(what), "pin L%u of a writably mapped frame", level);
        mm_check_rc(what, mm_pin(level, mfn), -XEN_EINVAL);
    }
    mm_unmap(p);
    /* Once the writable mapping is gone the (all-zero) frame is a fine table. */
    mm_check_rc("pin L1 after the writable mapping went", mm_pin(1, mfn), 0);
    mm_check_rc("unpin it", mm_unpin(mfn), 0);
    mm_audit("pins of a writable frame");
    mm_free_mfn(mfn);
}

static void test_bad_entries(void)
{
    uint64_t hyp = mm_boot_l4_slot_mfn(HYP_SLOT);
    uint64_t l1 = mm_alloc_mfn(), l2 = mm_alloc_mfn(), data = mm_alloc_mfn();

    /* An L1 entry mapping a hypervisor frame (its L3 behind slot 261): not ours (-EBUSY). */
    poke(l1, 7, mm_pte(hyp, PTE_FLAGS_RO));
    mm_check_rc("pin L1 mapping a hypervisor frame", mm_pin(1, l1), -XEN_EBUSY);
    /* An L2 entry with PS: no superpages for PV (-EINVAL). */
    poke(l2, 3, mm_pte(data, PTE_FLAGS_TABLE | PTE_PS));
    mm_check_rc("pin L2 with a superpage entry", mm_pin(2, l2), -XEN_EINVAL);
    /* The refused pins left nothing typed: the frames can be mapped writable. */
    mm_check_rc("map the refused L1 writable", try_map_rw(l1), 0);
    mm_check_rc("map the refused L2 writable", try_map_rw(l2), 0);
    mm_check_rc("map the superpage target writable", try_map_rw(data), 0);
    mm_audit("pins of tables with bad entries");
    poke(l1, 7, 0);
    poke(l2, 3, 0);
    mm_free_mfn(l1);
    mm_free_mfn(l2);
    mm_free_mfn(data);
}

static void test_hypervisor_frames(void)
{
    uint64_t hyp = mm_boot_l4_slot_mfn(HYP_SLOT);

    printk("boot L4[%d] = %#lx\n", HYP_SLOT, (unsigned long)mm_boot_l4()[HYP_SLOT]);
    if (!hyp) {
        xtf_error("boot L4 slot %d is empty", HYP_SLOT);
        return;
    }
    /* Not our frame: get_page_from_gfn fails (-EINVAL), whatever the level. */
    mm_check_rc("pin hypervisor frame as L3", mm_pin(3, hyp), -XEN_EINVAL);
    mm_check_rc("pin hypervisor frame as L1", mm_pin(1, hyp), -XEN_EINVAL);
    mm_check_rc("unpin hypervisor frame", mm_unpin(hyp), -XEN_EINVAL);
    mm_audit("pins of a hypervisor frame");
}

static void test_unpin_all(struct tables *t)
{
    char what[64];

    /* Top down: each unpin drops the last type reference, which releases the level below. */
    for (unsigned int i = 4; i >= 1; i--) {
        snprintf(what, sizeof(what), "unpin L%u", i);
        mm_check_rc(what, mm_unpin(t->l[i]), 0);
    }
    mm_check_rc("unpin L1 again", mm_unpin(t->l[1]), -XEN_EINVAL);
    for (unsigned int i = 1; i <= 4; i++) {
        snprintf(what, sizeof(what), "map unpinned L%u writable", i);
        mm_check_rc(what, try_map_rw(t->l[i]), 0);
    }
    /* No table maps data[0] any more: it can now be a page table. */
    mm_check_rc("pin the former data frame as L1", mm_pin(1, t->data[0]), 0);
    mm_check_rc("unpin it", mm_unpin(t->data[0]), 0);
    mm_audit("unpinning everything");
    for (unsigned int i = 1; i <= 4; i++)
        mm_free_mfn(t->l[i]);
    mm_free_mfn(t->data[0]);
    mm_free_mfn(t->data[1]);
}

void test_main(void)
{
    struct tables t;

    build(&t);
    test_pin_levels(&t);
    test_double_and_unpinned(&t);
    test_pin_writable();
    test_bad_entries();
    test_hypervisor_frames();
    test_unpin_all(&t);
    mm_audit("the end");
    xtf_success();
}
