/*
 * mm_stale: no stale translation survives an unmap that asks for a flush. A page is mapped,
 * touched (so the TLB holds it), then unmapped with update_va_mapping (UVMF_INVLPG,
 * UVMF_TLB_FLUSH, UVMF_INVLPG|UVMF_ALL) or with mmu_update followed by MMUEXT_INVLPG_LOCAL,
 * MMUEXT_INVLPG_ALL, MMUEXT_TLB_FLUSH_LOCAL or MMUEXT_TLB_FLUSH_ALL: a read and a write through
 * the old VA then raise #PF at that address. Also: a writable mapping removed by mmu_update
 * without any flush must not outlive the frame's promotion to a page table (pin), which is
 * the hypervisor's own flush on the type change.
 */
#include "mm.h"

const char test_title[] = "mm_stale: unmapped pages fault after the requested flush";

static volatile struct vcpu_info *vcpu0;

enum how { UVM_INVLPG, UVM_FLUSH, UVM_INVLPG_ALL, MMU_INVLPG, MMU_INVLPG_ALL, MMU_FLUSH,
           MMU_FLUSH_ALL };

static const char *const how_names[] = {
    [UVM_INVLPG] = "update_va_mapping(0, UVMF_INVLPG)",
    [UVM_FLUSH] = "update_va_mapping(0, UVMF_TLB_FLUSH)",
    [UVM_INVLPG_ALL] = "update_va_mapping(0, UVMF_INVLPG | UVMF_ALL)",
    [MMU_INVLPG] = "mmu_update + MMUEXT_INVLPG_LOCAL",
    [MMU_INVLPG_ALL] = "mmu_update + MMUEXT_INVLPG_ALL",
    [MMU_FLUSH] = "mmu_update + MMUEXT_TLB_FLUSH_LOCAL",
    [MMU_FLUSH_ALL] = "mmu_update + MMUEXT_TLB_FLUSH_ALL",
};

/* Remove the slot's mapping the way `how` says; returns the first failing rc, or 0. */
static long unmap(unsigned int slot, enum how how)
{
    uint64_t va = (uint64_t)mm_slot_va(slot);
    long rc;

    switch (how) {
    case UVM_INVLPG:
        return hc_update_va_mapping(va, 0, UVMF_INVLPG);
    case UVM_FLUSH:
        return hc_update_va_mapping(va, 0, UVMF_TLB_FLUSH);
    case UVM_INVLPG_ALL:
        return hc_update_va_mapping(va, 0, UVMF_INVLPG | UVMF_ALL);
    default:
        break;
    }
    rc = mm_set_entry(mm_slot_l1e_maddr(slot), 0);
    if (rc)
        return rc;
    switch (how) {
    case MMU_INVLPG:
        return mm_invlpg_local(va);
    case MMU_INVLPG_ALL:
        return mm_invlpg_all(va);
    case MMU_FLUSH:
        return mm_tlb_flush_local();
    default:
        return mm_tlb_flush_all();
    }
}

/* The last probe must have raised #PF at va with error code ec, CR2 = va. */
static void expect_pf(const char *what, uint64_t va, uint64_t ec)
{
    const struct xtf_exinfo *e = &xtf_exinfo;

    if (!e->raised) {
        xtf_failure("%s: no fault through the stale VA %#lx", what, (unsigned long)va);
        return;
    }
    printk("  %s: %s ec %#lx cr2 %#lx\n", what, xtf_vector_name(e->vector),
           (unsigned long)e->error_code, (unsigned long)vcpu0->arch_cr2);
    if (e->vector != X86_EXC_PF || e->error_code != ec || e->rip != xtf_probe_start)
        xtf_failure("%s: %s ec %#lx at rip %#lx, expected #PF ec %#lx at %#lx", what,
                    xtf_vector_name(e->vector), (unsigned long)e->error_code,
                    (unsigned long)e->rip, (unsigned long)ec, (unsigned long)xtf_probe_start);
    if (vcpu0->arch_cr2 != va)
        xtf_failure("%s: cr2 %#lx, expected %#lx", what, (unsigned long)vcpu0->arch_cr2,
                    (unsigned long)va);
}

static void test_unmap(enum how how)
{
    unsigned int slot = mm_slot_alloc();
    volatile uint64_t *va = mm_slot_va(slot);
    uint64_t f = mm_alloc_mfn(), v;
    char what[128];

    if (mm_slot_set(slot, mm_pte(f, PTE_FLAGS_RW)))
        xtf_panic("cannot map a fresh frame");
    va[0] = 0x5eed;                         /* fill the TLB, writable and dirty */
    if (va[0] != 0x5eed)
        xtf_failure("%s: the mapping does not hold what was written", how_names[how]);
    snprintf(what, sizeof(what), "unmap by %s", how_names[how]);
    mm_check_rc(what, unmap(slot, how), 0);

    vcpu0->arch_cr2 = 0;
    snprintf(what, sizeof(what), "read after %s", how_names[how]);
    mm_probe_read((const void *)va, &v);
    expect_pf(what, (uint64_t)va, 0);
    vcpu0->arch_cr2 = 0;
    snprintf(what, sizeof(what), "write after %s", how_names[how]);
    mm_probe_write((void *)va, 0);
    expect_pf(what, (uint64_t)va, X86_PFEC_WRITE);
    if (mm_peek(f, 0) != 0x5eed)
        xtf_failure("%s: the frame changed to %#lx", what, (unsigned long)mm_peek(f, 0));
    mm_audit(what);
    mm_slot_free(slot);
    mm_free_mfn(f);
}

/*
 * A writable mapping removed by mmu_update with no flush may linger in the TLB; that is the
 * guest's business while the frame is data. Pinning the frame as an L1 must flush it: a write
 * through the old VA afterwards faults instead of reaching a page table.
 */
static void test_type_change(void)
{
    unsigned int slot = mm_slot_alloc();
    volatile uint64_t *va = mm_slot_va(slot);
    uint64_t f = mm_alloc_mfn();

    if (mm_slot_set(slot, mm_pte(f, PTE_FLAGS_RW)))
        xtf_panic("cannot map a fresh frame");
    va[0] = 0;                              /* writable, dirty TLB entry */
    mm_check_rc("unmap by mmu_update, no flush", mm_set_entry(mm_slot_l1e_maddr(slot), 0), 0);
    /* Not checked: shows whether the TLB kept the entry, i.e. whether the pin must flush. */
    printk("  before the pin, a write through the old VA %s\n",
           mm_probe_write((void *)va, 0) ? "still works (stale TLB entry)" : "faults");
    if (!mm_check_rc("pin the frame as L1", mm_pin(1, f), 0))
        goto out;
    vcpu0->arch_cr2 = 0;
    mm_probe_write((void *)va, 0);          /* 0 is a harmless (not-present) L1 entry */
    expect_pf("write through the old VA after the pin", (uint64_t)va, X86_PFEC_WRITE);
    mm_check_rc("unpin", mm_unpin(f), 0);
    mm_audit("stale writable mapping and pin");
out:
    mm_slot_free(slot);
    mm_free_mfn(f);
}

void test_main(void)
{
    long rc;
    struct shared_info_head *sh = xtf_map_shared_info(&rc);

    if (!sh) {
        xtf_error("cannot map shared_info: %ld", rc);
        return;
    }
    vcpu0 = &sh->vcpu_info[0];
    for (unsigned int how = 0; how < ARRAY_SIZE(how_names); how++)
        test_unmap((enum how)how);
    test_type_change();
    mm_audit("the end");
    xtf_success();
}
