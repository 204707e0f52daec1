/* mm.c - PV page-table hypercalls: mmu_update, update_va_mapping(_otherdomain) and the base
 * pointers, all through the frame type system (mm/ptype.h) under the domain's mm_lock. */
#include "hv/mmu.h"
#include "hv/xen.h"
#include "pv/pv_private.h"

#define MMU_UPDATE_PREEMPTED (1u << 31) /* in count: a continuation; *done holds the progress */

void pv_mm_begin(struct pv_mm *m, struct vcpu *v, struct domain *d)
{
    m->v = v;
    m->d = d;
    m->w.left = PT_WORK_BUDGET;
    spin_lock(&d->mm_lock);
}

void pv_mm_end(struct pv_mm *m)
{
    spin_unlock(&m->d->mm_lock);
}

int pv_mm_foreign(struct vcpu *v, uint32_t domid, struct domain **out)
{
    if (domid == v->domain->id)
        return -HV_ESRCH; /* as Xen: a domain cannot name itself as the foreign one */
    return pv_mm_target(v, domid, out);
}

int pv_mm_target(struct vcpu *v, uint32_t domid, struct domain **out)
{
    struct domain *d;

    if (domid == HV_DOMID_SELF || domid == v->domain->id) {
        *out = v->domain;
        return 0;
    }
    if (!v->domain->privileged)
        return -HV_EPERM;
    d = domid < HV_DOMID_FIRST_RESERVED ? dom_lookup((uint16_t)domid) : NULL;
    if (!d)
        return -HV_ESRCH;
    *out = d;
    return -HV_EOPNOTSUPP; /* foreign page tables come with the toolstack (domain building) */
}

void pv_flush_local(void)
{
    write_cr3(read_cr3());
}

/* The validated L1 that maps va in the tables rooted at root (walked through validated tables
 * only), with the index of va's entry; 0 if some level is missing or not a page table. */
mfn_t pv_find_l1(const struct domain *d, paddr_t root, uint64_t va, unsigned int *idx)
{
    mfn_t mfn = root >> PAGE_SHIFT;

    for (uint64_t type = PGT_L4; type > PGT_L1; type = pt_child_type(type)) {
        unsigned int level = (unsigned int)(type >> PGT_TYPE_SHIFT);
        uint64_t e = pt_map_table(mfn)[(va >> (12 + 9 * (level - 1))) & 511];

        if (!pt_is_validated(&d->pt, mfn, type) || !(e & PTE_P))
            return 0;
        mfn = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    if (!pt_is_validated(&d->pt, mfn, PGT_L1))
        return 0;
    *idx = (unsigned int)(va >> 12) & 511;
    return mfn;
}

int pv_plain_write(struct pv_mm *m, mfn_t mfn, unsigned int offset, uint64_t val)
{
    int rc = pt_get_page_and_type(&m->d->pt, mfn, PGT_WRITABLE, &m->w);

    if (rc)
        return rc;
    __atomic_store_n(&pt_map_table(mfn)[offset / 8], val, __ATOMIC_RELAXED);
    pt_put_page_and_type(&m->d->pt, mfn);
    return 0;
}

/* One mmu_update request (already copied in). The command is in the low 3 bits of ptr, as
 * Xen decodes it (entries are 8-byte aligned). */
static int mmu_update_one(struct pv_mm *m, const struct hv_mmu_update *req)
{
    uint64_t cmd = req->ptr & 7, addr = req->ptr & ~7ull;
    mfn_t mfn = addr >> PAGE_SHIFT;
    const struct page_info *pg = mm_frame(mfn);
    uint64_t type;

    if (cmd > HV_MMU_PT_UPDATE_NO_TRANSLATE)
        return -HV_ENOSYS;
    if (!pg || pg->owner != m->d->id)
        return -HV_EINVAL;
    if (cmd == HV_MMU_MACHPHYS_UPDATE) {
        if (pg->count_info & PGC_XEN_HEAP)
            return -HV_EINVAL;
        mm_set_m2p(mfn, req->val);
        return 0;
    }
    /* NORMAL, PRESERVE_AD, and NO_TRANSLATE (the same as NORMAL for a PV guest). A validated
     * frame is a page table in use (ptype.h); pt_mod_entry checks it again. */
    type = pg->type_info & PGT_TYPE_MASK;
    if (pg->type_info & PGT_VALIDATED)
        return pt_mod_entry(&m->d->pt, mfn, type, (addr & (PAGE_SIZE - 1)) / 8, req->val,
                            cmd == HV_MMU_PT_UPDATE_PRESERVE_AD, &m->w);
    return pv_plain_write(m, mfn, addr & (PAGE_SIZE - 1), req->val);
}

/* Store the progress of a batch in *done (if the guest gave one). */
static int put_done(uint64_t pdone, uint32_t done)
{
    return pdone && copy_to_guest(pdone, &done, sizeof(done)) ? -HV_EFAULT : 0;
}

/*
 * mmu_update(reqs, count, *done, foreigndom): requests in order, stopping at the first error,
 * whose code is returned; *done (if not NULL) gets how many succeeded. foreigndom: DOMID_SELF
 * (bits 15-0; bits 31-16 = page-table owner + 1, 0 for the same). Requests are copied in once,
 * MMU_CHUNK at a time (so a request that rewrites the memory of the next few in its chunk does
 * not change them: they were read already). Preempted every HC_PREEMPT_BATCH requests or when
 * a validation runs out of budget: count gets MMU_UPDATE_PREEMPTED and *done carries the
 * progress, as Xen does.
 */
#define MMU_CHUNK 16

/* Copy request i (and the rest of its chunk, unless *single) into req[i % MMU_CHUNK]. A chunk
 * with an unreadable request is read one request at a time from then on (*single), so that
 * the requests before the bad one are done and counted. 0 or -HV_EFAULT. */
static int fetch_requests(struct hv_mmu_update *req, uint64_t reqs, uint32_t i, uint32_t count,
                          bool *single)
{
    uint64_t va = reqs + (uint64_t)i * sizeof(*req);
    unsigned int k = i % MMU_CHUNK;

    if (!*single && !copy_from_guest(req, va, MIN(count - i, MMU_CHUNK) * sizeof(*req)))
        return 0;
    *single = true;
    return copy_from_guest(&req[k], va, sizeof(*req));
}

__hot long pv_hc_mmu_update(struct hc_call *c)
{
    uint64_t reqs = c->arg[0], pdone = c->arg[2];
    uint32_t count = (uint32_t)c->arg[1], prior = 0, i = 0;
    struct hv_mmu_update req[MMU_CHUNK];
    bool single = false;
    struct domain *d;
    struct pv_mm m;
    long rc;

    /* Data owner in bits 15-0, page-table owner + 1 in bits 31-16 (0: the caller). */
    if ((rc = pv_mm_foreign(c->v, (uint32_t)c->arg[3] & 0xffff, &d)) < 0 ||
        ((uint32_t)c->arg[3] >> 16 &&
         (rc = pv_mm_target(c->v, ((uint32_t)c->arg[3] >> 16) - 1, &d)) < 0))
        return rc;
    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&prior, pdone, sizeof(prior)))
            return -HV_EFAULT;
    }
    pv_mm_begin(&m, c->v, d);
    rc = pt_run_deferred(&d->pt, &m.w);
    for (; rc == 0 && i < count; i++) {
        unsigned int k = i % MMU_CHUNK;

        if (hc_should_preempt(c, i) || m.w.left == 0) {
            rc = PT_ERESTART;
            break;
        }
        if ((k == 0 || single) && fetch_requests(req, reqs, i, count, &single) < 0) {
            rc = -HV_EFAULT;
            break;
        }
        if ((rc = mmu_update_one(&m, &req[k])) != 0)
            break;
    }
    pv_mm_end(&m);
    if (put_done(pdone, prior + i))
        return -HV_EFAULT;
    if (rc == PT_ERESTART)
        return hc_continue(c, reqs + (uint64_t)i * sizeof(req[0]),
                           (count - i) | MMU_UPDATE_PREEMPTED, pdone, c->arg[3], 0);
    return rc;
}

/* Flush the vCPUs set in the bitmap at guest address mask_va (one vCPU per domain so far: bit
 * 0 is this one): the whole TLB or the page va. -HV_EFAULT for an unreadable bitmap. */
int pv_flush_vcpumask(struct vcpu *v, uint64_t mask_va, uint64_t va, bool all_tlb)
{
    uint64_t mask;

    if (copy_from_guest(&mask, mask_va, sizeof(mask)))
        return -HV_EFAULT;
    if (!(mask & (1ull << v->id)))
        return 0;
    if (all_tlb)
        pv_flush_local();
    else
        invlpg((void *)va);
    return 0;
}

/* The flush update_va_mapping's flags ask for: scope 0 local, HV_UVMF_ALL every vCPU, else the
 * guest address of a vCPU bitmap. */
static int flush_scope(struct vcpu *v, uint64_t scope, uint64_t va, bool all_tlb)
{
    if (scope == HV_UVMF_ALL) {
        dom_flush_tlbs(v->domain);
        return 0;
    }
    if (scope)
        return pv_flush_vcpumask(v, scope, va, all_tlb);
    if (all_tlb)
        pv_flush_local();
    else
        invlpg((void *)va);
    return 0;
}

/*
 * update_va_mapping(va, pte, flags) and _otherdomain(va, pte, flags, domid): replace the L1
 * entry that maps va in the current address space (the L1 must be a validated page table);
 * then flush as flags ask (nothing on failure). -HV_EINVAL for a bad va (non-canonical or the
 * hypervisor's), flags or entry; -HV_EFAULT for an unreadable vCPU bitmap.
 */
static long update_va_mapping(struct hc_call *c, uint64_t va, uint64_t pte, uint64_t flags,
                              uint32_t domid)
{
    struct vcpu *v = c->v;
    uint64_t flush = flags & HV_UVMF_FLUSHTYPE_MASK, scope = flags & ~HV_UVMF_FLUSHTYPE_MASK;
    unsigned int idx = 0;
    struct domain *d;
    struct pv_mm m;
    mfn_t l1;
    long rc;

    if (!guest_range_ok(va, 1) || flush == HV_UVMF_FLUSHTYPE_MASK)
        return -HV_EINVAL;
    if ((rc = pv_mm_foreign(v, domid, &d)) < 0)
        return rc;
    pv_mm_begin(&m, v, d);
    rc = pt_run_deferred(&d->pt, &m.w);
    if (rc == 0) {
        l1 = pv_find_l1(d, v->in_kernel ? v->kernel_root : v->user_root, va, &idx);
        rc = l1 ? pt_mod_entry(&d->pt, l1, PGT_L1, idx, pte, false, &m.w) : -HV_EINVAL;
    }
    pv_mm_end(&m);
    if (rc == PT_ERESTART)
        return hc_continue(c, c->arg[0], c->arg[1], c->arg[2], c->arg[3], c->arg[4]);
    if (rc == 0 && flush != HV_UVMF_NONE)
        rc = flush_scope(v, scope, va, flush == HV_UVMF_TLB_FLUSH);
    return rc;
}

long pv_hc_update_va_mapping(struct hc_call *c)
{
    return update_va_mapping(c, c->arg[0], c->arg[1], c->arg[2], HV_DOMID_SELF);
}

long pv_hc_update_va_mapping_otherdomain(struct hc_call *c)
{
    return update_va_mapping(c, c->arg[0], c->arg[1], c->arg[2], (uint32_t)c->arg[3]);
}

int pv_set_root(struct pv_mm *m, mfn_t mfn, bool user)
{
    struct vcpu *v = m->v;
    paddr_t *root = user ? &v->user_root : &v->kernel_root, old = *root;
    int rc = 0;

    if (mfn || !user)
        rc = pt_get_page_and_type(&m->d->pt, mfn, PGT_L4, &m->w);
    if (rc)
        return rc;
    *root = mfn << PAGE_SHIFT;
    if (old)
        pt_put_page_and_type(&m->d->pt, old >> PAGE_SHIFT);
    if (v == pv_current() && user == !v->in_kernel && *root)
        write_cr3(*root);
    return 0;
}
