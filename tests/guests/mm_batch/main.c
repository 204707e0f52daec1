/*
 * mm_batch: type and reference counting inside one batch (multicall, mmu_update, mmuext_op).
 * [make X read-only; pin X as L1] succeeds; [map X writable; pin X] fails at the pin; then
 * [unmap the writable mapping; pin X] works: no writable reference was leaked or taken twice.
 * The same with mmu_update inside the multicall, with several writable entries for X in one
 * mmu_update batch on a pinned L1, and with pin/unpin sequences in one mmuext_op batch.
 */
#include "mm.h"

const char test_title[] = "mm_batch: reference counting within multicall and mmu_update batches";

static struct mmuext_op pin_op;     /* MMUEXT_PIN_L1_TABLE of the frame under test */

static void set_uvm(struct multicall_entry *mc, uint64_t va, uint64_t pte)
{
    *mc = (struct multicall_entry){ .op = XEN_HC_update_va_mapping,
                                    .args = { va, pte, UVMF_INVLPG } };
}

static void set_mmu(struct multicall_entry *mc, const struct mmu_update *req)
{
    *mc = (struct multicall_entry){ .op = XEN_HC_mmu_update,
                                    .args = { (uint64_t)req, 1, 0, DOMID_SELF } };
}

static void set_pin(struct multicall_entry *mc, uint64_t mfn)
{
    pin_op = (struct mmuext_op){ .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = mfn };
    *mc = (struct multicall_entry){ .op = XEN_HC_mmuext_op,
                                    .args = { (uint64_t)&pin_op, 1, 0, DOMID_SELF } };
}

/* Run a two-entry multicall and check both results. */
static void run2(const char *name, struct multicall_entry mc[2], long want0, long want1)
{
    char what[128];
    long rc;

    mc[0].result = mc[1].result = 0xbad;
    rc = hc_multicall(mc, 2);
    snprintf(what, sizeof(what), "multicall [%s]", name);
    mm_check_rc(what, rc, 0);
    snprintf(what, sizeof(what), "  [%s] entry 0", name);
    mm_check_rc(what, (long)mc[0].result, want0);
    snprintf(what, sizeof(what), "  [%s] entry 1", name);
    mm_check_rc(what, (long)mc[1].result, want1);
    mm_audit(name);
}

/* The frame is neither typed nor mapped: it pins and unpins, then maps writable. */
static void expect_plain(const char *when, uint64_t mfn)
{
    char what[128];
    long rc;
    void *p;

    snprintf(what, sizeof(what), "%s: pin L1", when);
    if (mm_check_rc(what, mm_pin(1, mfn), 0)) {
        snprintf(what, sizeof(what), "%s: unpin", when);
        mm_check_rc(what, mm_unpin(mfn), 0);
    }
    p = mm_map(mfn, true, &rc);
    snprintf(what, sizeof(what), "%s: map writable", when);
    mm_check_rc(what, rc, 0);
    if (p)
        mm_unmap(p);
}

static void test_multicall_uvm(void)
{
    unsigned int slot = mm_slot_alloc();
    uint64_t va = (uint64_t)mm_slot_va(slot), x = mm_alloc_mfn();
    struct multicall_entry mc[2];

    mm_check_rc("map X writable", mm_slot_set(slot, mm_pte(x, PTE_FLAGS_RW)), 0);
    set_uvm(&mc[0], va, mm_pte(x, PTE_FLAGS_RO));
    set_pin(&mc[1], x);
    run2("make X read-only; pin X", mc, 0, 0);
    mm_check_rc("unpin X", mm_unpin(x), 0);

    set_uvm(&mc[0], va, mm_pte(x, PTE_FLAGS_RW));
    set_pin(&mc[1], x);
    run2("map X writable; pin X", mc, 0, -XEN_EINVAL);

    set_uvm(&mc[0], va, 0);
    set_pin(&mc[1], x);
    run2("unmap X; pin X", mc, 0, 0);
    mm_check_rc("unpin X", mm_unpin(x), 0);
    expect_plain("after the update_va_mapping multicalls", x);
    mm_slot_free(slot);
    mm_free_mfn(x);
}

static void test_multicall_mmu(void)
{
    unsigned int slot = mm_slot_alloc();
    uint64_t l1e = mm_slot_l1e_maddr(slot), x = mm_alloc_mfn();
    struct mmu_update req;
    struct multicall_entry mc[2];

    req = (struct mmu_update){ l1e | MMU_NORMAL_PT_UPDATE, mm_pte(x, PTE_FLAGS_RW) };
    set_mmu(&mc[0], &req);
    set_pin(&mc[1], x);
    run2("mmu_update: map X writable; pin X", mc, 0, -XEN_EINVAL);

    req = (struct mmu_update){ l1e | MMU_NORMAL_PT_UPDATE, mm_pte(x, PTE_FLAGS_RO) };
    set_mmu(&mc[0], &req);
    set_pin(&mc[1], x);
    run2("mmu_update: make X read-only; pin X", mc, 0, 0);
    mm_check_rc("unpin X", mm_unpin(x), 0);

    req = (struct mmu_update){ l1e | MMU_NORMAL_PT_UPDATE, 0 };
    set_mmu(&mc[0], &req);
    set_pin(&mc[1], x);
    run2("mmu_update: unmap X; pin X", mc, 0, 0);
    mm_check_rc("unpin X", mm_unpin(x), 0);
    mm_invlpg_local((uint64_t)mm_slot_va(slot));
    expect_plain("after the mmu_update multicalls", x);
    mm_slot_free(slot);
    mm_free_mfn(x);
}

/* Writable entries for X added and removed in one mmu_update batch on a pinned L1. */
static void test_mmu_update_batch(void)
{
    uint64_t t = mm_alloc_mfn(), x = mm_alloc_mfn();
    const uint64_t e0 = mm_entry_maddr(t, 0), e1 = mm_entry_maddr(t, 1);
    const uint64_t e2 = mm_entry_maddr(t, 2);
    struct mmu_update reqs[] = {
        { e0, mm_pte(x, PTE_FLAGS_RW) },
        { e1, mm_pte(x, PTE_FLAGS_RW) },
        { e2, mm_pte(x, PTE_FLAGS_RO) },
        { e0, 0 },
        { e1, mm_pte(x, PTE_FLAGS_RW) },    /* same value again: no second reference */
        { e0, mm_pte(x, PTE_FLAGS_RW) },
        { e0, mm_pte(x, PTE_FLAGS_RO) },    /* writable -> read-only in place */
    };
    unsigned int done = 0;
    long rc;

    if (!mm_check_rc("pin L1 T", mm_pin(1, t), 0))
        return;
    rc = mm_update_batch(reqs, ARRAY_SIZE(reqs), &done);
    mm_check_rc("mmu_update batch of 7 on T", rc, 0);
    if (done != ARRAY_SIZE(reqs))
        xtf_failure("mmu_update batch: done %u, expected %u", done,
                    (unsigned int)ARRAY_SIZE(reqs));
    /* One writable entry left (T[1]): X cannot become a page table. */
    mm_check_rc("pin X with one writable entry left", mm_pin(1, x), -XEN_EINVAL);
    mm_check_rc("clear T[1]", mm_set_entry(e1, 0), 0);
    mm_check_rc("pin X with read-only entries only", mm_pin(1, x), 0);
    /* And while X is a page table, T may not map it writable. */
    rc = mm_set_entry(mm_entry_maddr(t, 3), mm_pte(x, PTE_FLAGS_RW));
    mm_check_rc("T[3] := X writable while X is pinned", rc, -XEN_EBUSY);
    mm_check_rc("unpin X", mm_unpin(x), 0);
    mm_audit("mmu_update batch on a pinned L1");
    mm_check_rc("clear T[0]", mm_set_entry(e0, 0), 0);
    mm_check_rc("clear T[2]", mm_set_entry(e2, 0), 0);
    mm_check_rc("unpin T", mm_unpin(t), 0);
    expect_plain("X after the batch", x);
    expect_plain("T after the batch", t);
    mm_free_mfn(t);
    mm_free_mfn(x);
}

static void test_mmuext_batch(void)
{
    uint64_t x = mm_alloc_mfn();
    struct mmuext_op ops[4] = {
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = x }, { .cmd = MMUEXT_UNPIN_TABLE, .arg1 = x },
        { .cmd = MMUEXT_PIN_L1_TABLE, .arg1 = x }, { .cmd = MMUEXT_UNPIN_TABLE, .arg1 = x },
    };
    unsigned int done = 0;

    mm_check_rc("mmuext_op [pin, unpin, pin, unpin]", hc_mmuext_op(ops, 4, &done, DOMID_SELF),
                0);
    if (done != 4)
        xtf_failure("[pin, unpin, pin, unpin]: done %u, expected 4", done);
    expect_plain("after [pin, unpin, pin, unpin]", x);

    ops[1] = ops[0];                        /* [pin, pin]: the second is a double pin */
    done = 0;
    mm_check_rc("mmuext_op [pin, pin]", hc_mmuext_op(ops, 2, &done, DOMID_SELF), -XEN_EINVAL);
    if (done != 1)
        xtf_failure("[pin, pin]: done %u, expected 1", done);
    /* Exactly one pin holds: one unpin works, the second finds it unpinned. */
    mm_check_rc("unpin after [pin, pin]", mm_unpin(x), 0);
    mm_check_rc("unpin again", mm_unpin(x), -XEN_EINVAL);
    mm_audit("mmuext_op batches");
    expect_plain("after [pin, pin]", x);
    mm_free_mfn(x);
}

void test_main(void)
{
    test_multicall_uvm();
    test_multicall_mmu();
    test_mmu_update_batch();
    test_mmuext_batch();
    mm_audit("the end");
    xtf_success();
}
