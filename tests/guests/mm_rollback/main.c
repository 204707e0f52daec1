/*
 * mm_rollback: a validation that fails halfway is undone exactly. An L2 whose entries 0-9 point
 * to valid fresh L1s (each mapping its own data frame writable) and entry 10 to an L1 with one
 * bad entry cannot be pinned; afterwards every L1 can be mapped writable and every data frame
 * can be pinned (all type references taken on the way were released), and once the bad entry
 * is fixed the L2 pins. The same with the bad entry in the L2 itself, and one level deeper
 * (an L3 whose last L2 holds the bad L1).
 */
#include "mm.h"

const char test_title[] = "mm_rollback: a failed validation releases everything it took";

#define HYP_SLOT 261            /* L4 slot of the hypervisor image, in every guest L4 */
#define NR_L1 11                /* L2 entries 0-10; the last L1 is the bad one */
#define NR_L2 4                 /* L3 entries 0-3, two L1s each */
#define MAX_FRAMES (2 * NR_L1 + 1)

/* Every frame of one tree, by role, for the checks after the pin. */
struct tree {
    uint64_t top;               /* the L2 or L3 that gets pinned */
    unsigned int top_level;
    uint64_t tables[MAX_FRAMES];    /* L1s and L2s below the top */
    unsigned int nr_tables;
    uint64_t data[MAX_FRAMES];      /* frames the L1s map writable */
    unsigned int nr_data;
};

static void poke(uint64_t mfn, unsigned int idx, uint64_t val)
{
    if (mm_poke(mfn, idx, val))
        xtf_panic("cannot write entry %u of frame %#lx", idx, (unsigned long)mfn);
}

/* A fresh L1 mapping a fresh data frame writable at entry 0. */
static uint64_t new_l1(struct tree *t)
{
    uint64_t l1 = mm_alloc_mfn(), data = mm_alloc_mfn();

    poke(l1, 0, mm_pte(data, PTE_FLAGS_RW));
    t->tables[t->nr_tables++] = l1;
    t->data[t->nr_data++] = data;
    return l1;
}

/* An L2 with NR_L1 L1s at entries 0..NR_L1-1. */
static void build_l2(struct tree *t)
{
    t->top = mm_alloc_mfn();
    t->top_level = 2;
    for (unsigned int i = 0; i < NR_L1; i++)
        poke(t->top, i, mm_pte(new_l1(t), PTE_FLAGS_TABLE));
}

/* An L3 with NR_L2 L2s, each with two L1s. */
static void build_l3(struct tree *t)
{
    t->top = mm_alloc_mfn();
    t->top_level = 3;
    for (unsigned int i = 0; i < NR_L2; i++) {
        uint64_t l2 = mm_alloc_mfn();

        poke(l2, 0, mm_pte(new_l1(t), PTE_FLAGS_TABLE));
        poke(l2, 1, mm_pte(new_l1(t), PTE_FLAGS_TABLE));
        t->tables[t->nr_tables++] = l2;
        poke(t->top, i, mm_pte(l2, PTE_FLAGS_TABLE));
    }
}

/*
 * Nothing of the tree holds a type: each table frame maps writable, each data frame pins as
 * an L1 (so no writable reference from a half-validated L1 is left either).
 */
static void expect_released(const char *when, const struct tree *t)
{
    unsigned int bad = 0;

    for (unsigned int i = 0; i < t->nr_tables; i++) {
        long rc;
        void *p = mm_map(t->tables[i], true, &rc);

        if (p)
            mm_unmap(p);
        else if (bad++ < 4)
            printk("  %s: table frame %u (%#lx) still typed: writable map %ld\n", when, i,
                   (unsigned long)t->tables[i], rc);
    }
    for (unsigned int i = 0; i < t->nr_data; i++) {
        long rc = mm_pin(1, t->data[i]);

        if (rc == 0)
            rc = mm_unpin(t->data[i]);
        else if (bad++ < 8)
            printk("  %s: data frame %u (%#lx) still mapped writable: pin %ld\n", when, i,
                   (unsigned long)t->data[i], rc);
    }
    printk("%s: %u of %u frames still hold references\n", when, bad, t->nr_tables + t->nr_data);
    if (bad)
        xtf_failure("%s: %u frames kept a type reference", when, bad);
    mm_audit(when);
}

/* While the top is pinned every table is typed and every data frame writably referenced. */
static void expect_held(const char *when, const struct tree *t)
{
    unsigned int free_ones = 0;

    for (unsigned int i = 0; i < t->nr_tables; i++) {
        long rc;
        void *p = mm_map(t->tables[i], true, &rc);

        if (p) {
            mm_unmap(p);
            free_ones++;
        }
    }
    for (unsigned int i = 0; i < t->nr_data; i++)
        if (mm_pin(1, t->data[i]) == 0 && mm_unpin(t->data[i]) == 0)
            free_ones++;
    if (free_ones)
        xtf_failure("%s: %u frames are not referenced by the pinned table", when, free_ones);
}

static void free_tree(struct tree *t)
{
    mm_free_mfn(t->top);
    for (unsigned int i = 0; i < t->nr_tables; i++)
        mm_free_mfn(t->tables[i]);
    for (unsigned int i = 0; i < t->nr_data; i++)
        mm_free_mfn(t->data[i]);
}

/*
 * Pin the top (expect the error `want`), check the rollback, write fix_val over the bad entry
 * (entry fix_idx of frame fix_mfn), pin again, check, unpin, check.
 */
static void run(const char *name, struct tree *t, long want, uint64_t fix_mfn,
                unsigned int fix_idx, uint64_t fix_val)
{
    char what[128];
    long rc = mm_pin(t->top_level, t->top);

    snprintf(what, sizeof(what), "%s: pin L%u", name, t->top_level);
    mm_check_rc(what, rc, want);
    if (rc == 0) {
        mm_unpin(t->top);
        return;
    }
    snprintf(what, sizeof(what), "%s: after the failed pin", name);
    expect_released(what, t);
    /* The top itself was left untyped too: it maps writable. */
    snprintf(what, sizeof(what), "%s: fix the bad entry", name);
    mm_check_rc(what, mm_poke(fix_mfn, fix_idx, fix_val), 0);

    snprintf(what, sizeof(what), "%s: pin L%u after the fix", name, t->top_level);
    if (!mm_check_rc(what, mm_pin(t->top_level, t->top), 0))
        return;
    snprintf(what, sizeof(what), "%s: while pinned", name);
    expect_held(what, t);
    snprintf(what, sizeof(what), "%s: unpin", name);
    mm_check_rc(what, mm_unpin(t->top), 0);
    snprintf(what, sizeof(what), "%s: after the unpin", name);
    expect_released(what, t);
}

void test_main(void)
{
    uint64_t hyp = mm_boot_l4_slot_mfn(HYP_SLOT);
    struct tree t;

    /* L2[10] -> an L1 whose entry 1 maps a hypervisor frame (Xen 4.17: -EBUSY). */
    memset(&t, 0, sizeof(t));
    build_l2(&t);
    poke(t.tables[NR_L1 - 1], 1, mm_pte(hyp, PTE_FLAGS_RO));
    run("L2, bad entry in its 11th L1", &t, -XEN_EBUSY, t.tables[NR_L1 - 1], 1, 0);
    free_tree(&t);

    /* L2[10] itself bad: a superpage (PS) entry (-EINVAL) after ten good ones. */
    memset(&t, 0, sizeof(t));
    build_l2(&t);
    poke(t.top, NR_L1 - 1, mm_pte(t.tables[NR_L1 - 1], PTE_FLAGS_TABLE | PTE_PS));
    run("L2, PS in entry 10", &t, -XEN_EINVAL, t.top, NR_L1 - 1,
        mm_pte(t.tables[NR_L1 - 1], PTE_FLAGS_TABLE));
    free_tree(&t);

    /* One level deeper: L3[3] -> L2 -> second L1 maps a hypervisor frame. */
    memset(&t, 0, sizeof(t));
    build_l3(&t);
    poke(t.tables[t.nr_tables - 2], 5, mm_pte(hyp, PTE_FLAGS_RO));
    run("L3, bad entry in the last L1", &t, -XEN_EBUSY, t.tables[t.nr_tables - 2], 5, 0);
    free_tree(&t);

    mm_audit("the end");
    xtf_success();
}
