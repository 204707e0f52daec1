/* mmuext.c - mmuext_op: pins, base pointers, TLB and cache flushes, the LDT and page copies. */
#include "hv/mmu.h"
#include "hv/xen.h"
#include "pv/pv_private.h"

#define MMU_UPDATE_PREEMPTED (1u << 31)

static long pin(struct pv_mm *m, const struct hv_mmuext_op *op)
{
    return pt_pin(&m->d->pt, op->arg1.mfn, PGT_L1 + ((uint64_t)op->cmd << PGT_TYPE_SHIFT),
                  &m->w);
}

static long flush(struct pv_mm *m, const struct hv_mmuext_op *op)
{
    switch (op->cmd) {
    case HV_MMUEXT_TLB_FLUSH_LOCAL:
        pv_flush_local();
        return 0;
    case HV_MMUEXT_TLB_FLUSH_ALL:
        dom_flush_tlbs(m->d);
        return 0;
    case HV_MMUEXT_TLB_FLUSH_MULTI:
        return pv_flush_vcpumask(m->v, op->arg2.vcpumask, 0, true);
    }
    if (!guest_range_ok(op->arg1.linear_addr, 1))
        return -HV_EINVAL;
    switch (op->cmd) {
    case HV_MMUEXT_INVLPG_LOCAL:
        invlpg((void *)op->arg1.linear_addr);
        return 0;
    case HV_MMUEXT_INVLPG_ALL:
        dom_flush_tlbs(m->d); /* every vCPU: their whole TLBs, a superset of one page */
        return 0;
    default: /* HV_MMUEXT_INVLPG_MULTI */
        return pv_flush_vcpumask(m->v, op->arg2.vcpumask, op->arg1.linear_addr, false);
    }
}

/* wbinvd for a domain that may drive devices (Xen: cache_flush_permitted). */
static long flush_cache(struct pv_mm *m)
{
    if (!m->d->privileged)
        return -HV_EACCES;
    __asm__ volatile("wbinvd" ::: "memory");
    return 0;
}

/* CLEAR_PAGE and COPY_PAGE: the destination is written as a plain page (it takes the writable
 * type while the hypervisor writes, so a page table or descriptor page is refused). */
static long page_op(struct pv_mm *m, const struct hv_mmuext_op *op)
{
    struct pt_dom *pd = &m->d->pt;
    mfn_t dst = op->arg1.mfn, src = op->arg2.src_mfn;
    long rc;

    if ((rc = pt_get_page_and_type(pd, dst, PGT_WRITABLE, &m->w)) != 0)
        return rc;
    if (op->cmd == HV_MMUEXT_CLEAR_PAGE) {
        memset(pt_map_table(dst), 0, PAGE_SIZE);
    } else if ((rc = pt_get_page(pd, src)) == 0) {
        memcpy(pt_map_table(dst), pt_map_table(src), PAGE_SIZE);
        pt_put_page(src);
    }
    pt_put_page_and_type(pd, dst);
    return rc;
}

/* SET_LDT(linear_addr, nr_ents): the base must be page aligned and the guest's (ignored for an
 * empty LDT, as Xen does). */
static long set_ldt(struct pv_mm *m, const struct hv_mmuext_op *op)
{
    uint64_t ents = op->arg2.nr_ents, base = ents ? op->arg1.linear_addr : 0;

    if ((base & (PAGE_SIZE - 1)) || ents > LDT_MAX_ENTRIES ||
        (ents && !guest_range_ok(base, ents * 8)))
        return -HV_EINVAL;
    return pv_set_ldt(m, base, (unsigned int)ents);
}

static long mmuext_one(struct pv_mm *m, const struct hv_mmuext_op *op)
{
    switch (op->cmd) {
    case HV_MMUEXT_PIN_L1_TABLE:
    case HV_MMUEXT_PIN_L2_TABLE:
    case HV_MMUEXT_PIN_L3_TABLE:
    case HV_MMUEXT_PIN_L4_TABLE:
        return pin(m, op);
    case HV_MMUEXT_UNPIN_TABLE:
        return pt_unpin(&m->d->pt, op->arg1.mfn);
    case HV_MMUEXT_NEW_BASEPTR:
        return pv_set_root(m, op->arg1.mfn, false);
    case HV_MMUEXT_NEW_USER_BASEPTR:
        return pv_set_root(m, op->arg1.mfn, true);
    case HV_MMUEXT_TLB_FLUSH_LOCAL:
    case HV_MMUEXT_TLB_FLUSH_MULTI:
    case HV_MMUEXT_TLB_FLUSH_ALL:
    case HV_MMUEXT_INVLPG_LOCAL:
    case HV_MMUEXT_INVLPG_MULTI:
    case HV_MMUEXT_INVLPG_ALL:
        return flush(m, op);
    case HV_MMUEXT_FLUSH_CACHE:
    case HV_MMUEXT_FLUSH_CACHE_GLOBAL:
        return flush_cache(m);
    case HV_MMUEXT_SET_LDT:
        return set_ldt(m, op);
    case HV_MMUEXT_CLEAR_PAGE:
    case HV_MMUEXT_COPY_PAGE:
        return page_op(m, op);
    default:
        return -HV_ENOSYS; /* MARK_SUPER/UNMARK_SUPER: superpages are not supported, as Xen 4.17 */
    }
}

/*
 * mmuext_op(ops, count, *done, foreigndom): operations in order, stopping at the first error,
 * whose code is returned; *done (if not NULL) gets how many succeeded. foreigndom: DOMID_SELF.
 * Preempted every HC_PREEMPT_BATCH ops or when a validation runs out of budget (count gets
 * MMU_UPDATE_PREEMPTED and *done carries the progress, as Xen does).
 */
long pv_hc_mmuext_op(struct hc_call *c)
{
    uint64_t ops = c->arg[0], pdone = c->arg[2];
    uint32_t count = (uint32_t)c->arg[1], prior = 0, i = 0;
    struct hv_mmuext_op op;
    struct domain *d;
    struct pv_mm m;
    long rc;

    if ((rc = pv_mm_foreign(c->v, (uint16_t)c->arg[3], &d)) < 0)
        return rc;
    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && copy_from_guest(&prior, pdone, sizeof(prior)))
            return -HV_EFAULT;
    }
    pv_mm_begin(&m, c->v, d);
    rc = pt_run_deferred(&d->pt, &m.w);
    for (; rc == 0 && i < count; i++) {
        if (hc_should_preempt(c, i) || m.w.left == 0) {
            rc = PT_ERESTART;
            break;
        }
        if (copy_from_guest(&op, ops + (uint64_t)i * sizeof(op), sizeof(op))) {
            rc = -HV_EFAULT;
            break;
        }
        if ((rc = mmuext_one(&m, &op)) != 0)
            break;
    }
    pv_mm_end(&m);
    if (pdone && copy_to_guest(pdone, &(uint32_t){prior + i}, sizeof(uint32_t)))
        return -HV_EFAULT;
    if (rc == PT_ERESTART)
        return hc_continue(c, ops + (uint64_t)i * sizeof(op), (count - i) | MMU_UPDATE_PREEMPTED,
                           pdone, c->arg[3], 0);
    return rc;
}
