/* mm.c - PV page-table updates, first cut: update_va_mapping on the guest's own L1 tables, with
 * the entry checks that keep the hypervisor safe. Reference counting of mappings, pinning,
 * mmu_update and mmuext_op come with the memory issue (they return -HV_ENOSYS until then). */
#include "pv/pv_private.h"

#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_TLB_FLUSH 1
#define UVMF_INVLPG 2
#define UVMF_ALL 4
/* L1 bits a guest may set: P RW US PWT PCD A D PAT G, the three available bits, NX, address. */
#define L1_ALLOWED (0x0000000000000fffull | PTE_ADDR_MASK | PTE_NX)

/* The L1 entry that maps va in the tables rooted at root, if every level above is present, not
 * a superpage, and the L1 frame is one of d's page tables. NULL otherwise. */
static uint64_t *find_l1e(struct domain *d, paddr_t root, uint64_t va)
{
    uint64_t *table = maddr_to_virt(root);

    for (unsigned int level = 4; level > 1; level--) {
        uint64_t e = table[(va >> (12 + 9 * (level - 1))) & 511];

        if (!(e & PTE_P) || (e & PTE_PS) || !dom_owns(d, (e & PTE_ADDR_MASK) >> PAGE_SHIFT))
            return NULL;
        table = maddr_to_virt(e & PTE_ADDR_MASK);
    }
    if ((mm_frame(virt_to_maddr(table) >> PAGE_SHIFT)->type_info & PGT_TYPE_MASK) != PGT_L1)
        return NULL;
    return &table[(va >> 12) & 511];
}

/* A new L1 entry may map only the domain's own frames (or its shared_info page), never a page
 * table or descriptor frame writably, and no reserved bits. */
static bool l1e_ok(struct domain *d, uint64_t pte)
{
    mfn_t mfn = (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
    const struct page_info *pg;

    if (!(pte & PTE_P))
        return true;
    if (pte & ~L1_ALLOWED)
        return false;
    if ((mfn << PAGE_SHIFT) == virt_to_maddr(d->shared_info))
        return true;
    if (!dom_owns(d, mfn))
        return false;
    pg = mm_frame(mfn);
    return !(pte & PTE_W) || (pg->type_info & PGT_TYPE_MASK) == PGT_NONE ||
           (pg->type_info & PGT_TYPE_MASK) == PGT_WRITABLE;
}

/*
 * update_va_mapping(va, pte, flags): replace the L1 entry mapping va in the current address
 * space. Returns 0; -HV_EINVAL for a hypervisor or non-canonical va, a va whose tables are not
 * the guest's own L1 tables, a refused entry, or bad flags. The TLB entry for va is always
 * flushed, whatever the flags ask (one vCPU per domain for now: local is all).
 */
long pv_hc_update_va_mapping(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t va = c->arg[0], pte = c->arg[1], flags = c->arg[2];
    uint64_t *l1e;

    if (!guest_range_ok(va, 1) || (flags & ~(uint64_t)(UVMF_FLUSHTYPE_MASK | UVMF_ALL)) ||
        (flags & UVMF_FLUSHTYPE_MASK) == UVMF_FLUSHTYPE_MASK)
        return -HV_EINVAL;
    l1e = find_l1e(v->domain, v->in_kernel ? v->kernel_root : v->user_root, va);
    if (!l1e || !l1e_ok(v->domain, pte))
        return -HV_EINVAL;
    *l1e = (pte & PTE_P) ? pte | PTE_U : pte; /* the guest kernel runs in ring 3 */
    if ((flags & UVMF_FLUSHTYPE_MASK) == UVMF_TLB_FLUSH)
        write_cr3(read_cr3());
    else
        invlpg((void *)va);
    return 0;
}
