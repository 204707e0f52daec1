/*
 * More memory helpers for the PV test kernels (API in mm2.h): hypervisor frames, a hooked L1,
 * CR3, the P2M and result checks.
 */
#include "mm2.h"

#define L2_SPAN (1ull << 21)    /* what one L2 entry maps */
#define MAX_L2_TRIES 16         /* empty L2 entries looked at past the initial mapping */

uint64_t mm2_hyp_mfn(void)
{
    const uint64_t *l4 = mm_boot_l4();

    if (l4[MM2_L4_HYP_IMAGE] & PTE_P)
        return mm_pte_mfn(l4[MM2_L4_HYP_IMAGE]);
    for (unsigned int s = MM_L4_HYP_FIRST + 1; s <= MM_L4_HYP_LAST; s++)
        if (l4[s] & PTE_P)
            return mm_pte_mfn(l4[s]);
    xtf_panic("mm2: no hypervisor slot of the boot L4 is present");
}

/* The first 2 MiB-aligned VA past the initial mapping whose boot L2 entry is empty. */
static uint64_t free_l2_slot(uint64_t *l2e_maddr)
{
    uint64_t va = (mm_initial_end() + L2_SPAN - 1) & ~(L2_SPAN - 1);

    for (unsigned int i = 0; i < MAX_L2_TRIES; i++, va += L2_SPAN) {
        uint64_t maddr = mm_boot_entry_maddr(va, 2);

        if (maddr && !(mm_read_entry(maddr) & PTE_P)) {
            *l2e_maddr = maddr;
            return va;
        }
    }
    xtf_panic("mm2: no empty boot L2 entry in the %u after %#lx", MAX_L2_TRIES,
              (unsigned long)mm_initial_end());
}

void mm2_l1_hook(struct mm2_l1 *l1)
{
    long rc;

    l1->va = free_l2_slot(&l1->l2e_maddr);
    l1->mfn = mm_alloc_mfn();
    rc = mm_pin(1, l1->mfn);
    if (rc)
        xtf_panic("mm2: pinning a zeroed frame %#lx as L1: %ld", (unsigned long)l1->mfn, rc);
    rc = mm_set_entry(l1->l2e_maddr, mm_pte(l1->mfn, PTE_FLAGS_TABLE));
    if (rc)
        xtf_panic("mm2: hooking L1 %#lx into the L2 entry at %#lx: %ld", (unsigned long)l1->mfn,
                  (unsigned long)l1->l2e_maddr, rc);
    l1->view = mm_map(l1->mfn, false, &rc);
    if (!l1->view)
        xtf_panic("mm2: mapping L1 %#lx read-only: %ld", (unsigned long)l1->mfn, rc);
    printk("mm2: L1 mfn %#lx maps %#lx (L2 entry at %#lx), seen at %p\n",
           (unsigned long)l1->mfn, (unsigned long)l1->va, (unsigned long)l1->l2e_maddr,
           (const void *)l1->view);
}

/* Keep the first error of a sequence. */
static void first_error(long *rc, long r)
{
    if (!*rc)
        *rc = r;
}

long mm2_l1_unhook(struct mm2_l1 *l1)
{
    long rc = 0;

    first_error(&rc, mm_set_entry(l1->l2e_maddr, 0));
    first_error(&rc, mm_unmap((const void *)l1->view));
    first_error(&rc, mm_unpin(l1->mfn));
    first_error(&rc, mm_tlb_flush_local());
    if (!rc)
        mm_free_mfn(l1->mfn);   /* only when nothing can still hold it as a table */
    return rc;
}

uint64_t mm2_read_cr3(void)
{
    uint64_t cr3;

    __asm__ __volatile__("mov %%cr3, %0" : "=r"(cr3));
    return cr3;
}

void mm2_set_p2m(uint64_t pfn, uint64_t mfn)
{
    uint64_t *p2m = (uint64_t *)xtf_start_info->mfn_list;

    if (pfn >= mm_nr_pages())
        xtf_panic("mm2: P2M index %#lx beyond nr_pages", (unsigned long)pfn);
    p2m[pfn] = mfn;
}

long mm2_current_reservation(void)
{
    uint16_t domid = DOMID_SELF;

    return mm_memory_op(XENMEM_current_reservation, &domid);
}

bool mm2_expect_rc(const char *what, long got, long want)
{
    printk("%s: %ld\n", what, got);
    if (got != want)
        xtf_failure("%s: returned %ld, expected %ld", what, got, want);
    return got == want;
}

bool mm2_expect_pf(const char *what, uint64_t ec_set, uint64_t ec_clear)
{
    const struct xtf_exinfo *e = &xtf_exinfo;
    bool ok = e->raised && e->vector == X86_EXC_PF && (e->error_code & ec_set) == ec_set &&
              !(e->error_code & ec_clear);

    if (!e->raised)
        printk("%s: no exception\n", what);
    else
        printk("%s: %s ec %#lx rip %#lx\n", what, xtf_vector_name(e->vector),
               (unsigned long)e->error_code, (unsigned long)e->rip);
    if (!ok && !e->raised)
        xtf_failure("%s: no exception, expected #PF", what);
    else if (!ok)
        xtf_failure("%s: %s ec %#lx, expected #PF with ec bits %#lx set and %#lx clear", what,
                    xtf_vector_name(e->vector), (unsigned long)e->error_code,
                    (unsigned long)ec_set, (unsigned long)ec_clear);
    return ok;
}

bool mm2_expect_no_fault(const char *what)
{
    const struct xtf_exinfo *e = &xtf_exinfo;

    if (e->raised)
        xtf_failure("%s: unexpected %s ec %#lx at rip %#lx", what, xtf_vector_name(e->vector),
                    (unsigned long)e->error_code, (unsigned long)e->rip);
    return !e->raised;
}
