/* mm.c - PV page-table updates, first cut: update_va_mapping on the guest's own L1 tables, with
 * the entry checks that keep the hypervisor safe. Reference counting of mappings, pinning,
 * mmu_update and mmuext_op come with the memory issue (they return -HV_ENOSYS until then). */
#include "hv/mmu.h"
#include "hv/xen.h"
#include "pv/pv_private.h"

#define UVMF_FLUSHTYPE_MASK HV_UVMF_FLUSHTYPE_MASK
#define UVMF_TLB_FLUSH HV_UVMF_TLB_FLUSH
#define UVMF_ALL HV_UVMF_ALL
#define MMU_UPDATE_PREEMPTED (1u << 31) /* in count: a continuation; *done holds the progress */
/* L1 bits a guest may set: P RW US PWT PCD A D PAT, the three available bits, NX, address. Not
 * G: a global entry would survive the CR3 reloads that flush a guest's TLB. */
#define L1_ALLOWED ((0x0000000000000fffull & ~PTE_G) | PTE_ADDR_MASK | PTE_NX)

static void flush_tlb_local(void)
{
    write_cr3(read_cr3());
}

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
        flush_tlb_local();
    else
        invlpg((void *)va);
    return 0;
}

/* NEW_USER_BASEPTR: the root used in guest-user mode; 0 removes it. The frame must be one of the
 * domain's L4 tables. */
static long new_user_baseptr(struct vcpu *v, mfn_t mfn)
{
    const struct page_info *pg = mm_frame(mfn);

    if (mfn && (!dom_owns(v->domain, mfn) || (pg->type_info & PGT_TYPE_MASK) != PGT_L4))
        return -HV_EINVAL;
    v->user_root = mfn << PAGE_SHIFT;
    return 0;
}

static long mmuext_one(struct vcpu *v, const struct hv_mmuext_op *op)
{
    switch (op->cmd) {
    case HV_MMUEXT_NEW_USER_BASEPTR:
        return new_user_baseptr(v, op->arg1.mfn);
    case HV_MMUEXT_TLB_FLUSH_LOCAL:
    case HV_MMUEXT_TLB_FLUSH_MULTI:
    case HV_MMUEXT_TLB_FLUSH_ALL:
        flush_tlb_local(); /* one vCPU per domain for now: local is every vCPU */
        return 0;
    case HV_MMUEXT_INVLPG_LOCAL:
    case HV_MMUEXT_INVLPG_MULTI:
    case HV_MMUEXT_INVLPG_ALL:
        if (!guest_range_ok(op->arg1.linear_addr, 1))
            return -HV_EINVAL;
        invlpg((void *)op->arg1.linear_addr);
        return 0;
    default:
        return -HV_ENOSYS; /* pins, base pointers, LDT, page ops: the memory issue */
    }
}

/*
 * mmuext_op(ops, count, *done, foreigndom): operations in order, stopping at the first error,
 * whose code is returned; *done (if not NULL) gets how many succeeded. Implemented so far: the
 * user base pointer and TLB flushes; other commands return -HV_ENOSYS. foreigndom must be
 * DOMID_SELF (-HV_ESRCH otherwise). Long batches continue (as Xen: count gets
 * MMU_UPDATE_PREEMPTED and *done carries the progress across the continuation).
 */
long pv_hc_mmuext_op(struct hc_call *c)
{
    uint64_t ops = c->arg[0], count = (uint32_t)c->arg[1], pdone = c->arg[2];
    struct hv_mmuext_op op;
    uint32_t done = 0, prior = 0, i = 0;
    long rc = 0;

    if ((uint16_t)c->arg[3] != HV_DOMID_SELF)
        return -HV_ESRCH;
    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&prior, pdone, sizeof(prior)))
            return -HV_EFAULT;
    }
    for (; i < count; i++) {
        if (hc_should_preempt(c, i)) {
            done = prior + i;
            if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
                return -HV_EFAULT;
            return hc_continue(c, ops + i * sizeof(op), (count - i) | MMU_UPDATE_PREEMPTED,
                               pdone, c->arg[3], 0);
        }
        if (copy_from_guest(&op, ops + i * sizeof(op), sizeof(op))) {
            rc = -HV_EFAULT;
            break;
        }
        if ((rc = mmuext_one(c->v, &op)) < 0)
            break;
    }
    done = prior + i;
    if (pdone && copy_to_guest(pdone, &done, sizeof(done)))
        return -HV_EFAULT;
    return rc;
}
