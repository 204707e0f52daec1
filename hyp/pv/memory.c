/* memory.c - memory_op: a PV domain's reservation (the balloon driver's verbs), its memory map
 * and the M2P's place. */
#include "hv/memory.h"
#include "hv/xen.h"
#include "pv/pv_private.h"

#define MAX_EXTENT_ORDER 9 /* 2 MiB, as Xen's default for guests */

/* Can every frame of the extent at mfn leave d? Owned, not the hypervisor's, no references left
 * (devalidations it was waiting for are finished first). */
static bool extent_releasable(struct domain *d, mfn_t mfn, unsigned int order)
{
    for (uint64_t i = 0; i < (1ull << order); i++) {
        struct page_info *pg = mm_frame(mfn + i);

        if (!pg || pg->owner != d->id || (pg->count_info & PGC_XEN_HEAP))
            return false;
        pt_settle(&d->pt, mfn + i);
        if ((pg->count_info & PGC_COUNT_MASK) || (pg->type_info & PGT_COUNT_MASK))
            return false;
    }
    return true;
}

/* Give back one extent: 0, or -HV_EINVAL if it cannot go (nothing freed then). */
static int decrease_one(struct pv_mm *m, mfn_t mfn, unsigned int order)
{
    if (!extent_releasable(m->d, mfn, order))
        return -HV_EINVAL;
    dom_flush_tlbs(m->d); /* no CPU may keep a translation of a frame that leaves */
    for (uint64_t i = 0; i < (1ull << order); i++)
        dom_free_frame(m->d, mfn + i);
    return 0;
}

/* Take one new extent: increase writes its MFN back; populate reads the PFN first and sets the
 * M2P. 0, or a negative code that ends the batch. */
static int increase_one(struct pv_mm *m, unsigned int cmd, uint64_t slot, unsigned int order)
{
    uint64_t pfn = 0;
    mfn_t mfn;

    if (cmd == HV_MEM_populate_physmap && copy_from_guest(&pfn, slot, sizeof(pfn)))
        return -HV_EFAULT;
    if (dom_alloc_extent(m->d, order, &mfn) < 0)
        return -HV_ENOMEM;
    if (copy_to_guest(slot, &mfn, sizeof(mfn))) {
        for (uint64_t i = 0; i < (1ull << order); i++)
            dom_free_frame(m->d, mfn + i);
        return -HV_EFAULT;
    }
    for (uint64_t i = 0; cmd == HV_MEM_populate_physmap && i < (1ull << order); i++)
        mm_set_m2p(mfn + i, pfn + i);
    return 0;
}

/*
 * The reservation sub-ops: extents from `start` (the continuation point in cmd's upper bits) on,
 * returning the number done. A bad extent ends the batch with the count so far, as on Xen;
 * preempted every HC_PREEMPT_BATCH extents.
 */
static long reservation(struct hc_call *c, unsigned int cmd, uint64_t start)
{
    struct hv_memory_reservation r;
    struct domain *d;
    struct pv_mm m;
    uint64_t i = start;
    long rc;

    if (copy_from_guest(&r, c->arg[1], sizeof(r)))
        return -HV_EFAULT;
    if ((rc = pv_mm_target(c->v, r.domid, &d)) < 0)
        return rc;
    if (r.extent_order > MAX_EXTENT_ORDER || start >= r.nr_extents ||
        r.nr_extents > (~0ull >> HV_MEMOP_EXTENT_SHIFT) ||
        !guest_range_ok(r.extent_start, r.nr_extents * sizeof(uint64_t)))
        return (long)start; /* as Xen: the whole list must be addressable, or nothing is done */
    pv_mm_begin(&m, c->v, d);
    rc = pt_run_deferred(&d->pt, &m.w);
    for (; rc == 0 && i < r.nr_extents; i++) {
        uint64_t slot = r.extent_start + i * sizeof(uint64_t);
        uint64_t mfn;

        if (i > start && hc_should_preempt(c, i - start)) {
            rc = PT_ERESTART;
            break;
        }
        if (cmd != HV_MEM_decrease_reservation)
            rc = increase_one(&m, cmd, slot, r.extent_order);
        else if (copy_from_guest(&mfn, slot, sizeof(mfn)))
            rc = -HV_EFAULT;
        else
            rc = decrease_one(&m, mfn, r.extent_order);
        if (rc)
            break; /* extent i was not done */
    }
    pv_mm_end(&m);
    if (rc == PT_ERESTART)
        return hc_continue(c, cmd | (i << HV_MEMOP_EXTENT_SHIFT), c->arg[1], 0, 0, 0);
    return (long)i;
}

/* current_reservation and maximum_reservation of the domain *arg names. */
static long reservation_query(struct hc_call *c, unsigned int cmd)
{
    hv_domid_t domid;
    struct domain *d;
    long rc;

    if (copy_from_guest(&domid, c->arg[1], sizeof(domid)))
        return -HV_EFAULT;
    if ((rc = pv_mm_target(c->v, domid, &d)) < 0)
        return rc;
    return (long)(cmd == HV_MEM_current_reservation ? d->nr_pages : d->max_pages);
}

/* memory_map: the caller's pseudo-physical map, one RAM range [0, nr_pages). */
static long memory_map(struct hc_call *c)
{
    struct hv_e820_entry e = {0, c->v->domain->max_pages * PAGE_SIZE, HV_E820_RAM};
    struct hv_memory_map map;

    if (copy_from_guest(&map, c->arg[1], sizeof(map)))
        return -HV_EFAULT;
    if (map.nr_entries < 1)
        return -HV_EINVAL;
    map.nr_entries = 1;
    if (copy_to_guest(map.buffer, &e, sizeof(e)) || copy_to_guest(c->arg[1], &map, sizeof(map)))
        return -HV_EFAULT;
    return 0;
}

/* machphys_mapping: Xen's fixed answer for 64-bit PV guests (entries past the last frame of RAM
 * are not mapped; guests read the table with fault-tolerant accesses). */
static long machphys_mapping(struct hc_call *c)
{
    struct hv_machphys_mapping mp = {HV_MACH2PHYS_VIRT_START, HV_MACH2PHYS_VIRT_END,
                                     HV_MACH2PHYS_NR_ENTRIES - 1};

    return copy_to_guest(c->arg[1], &mp, sizeof(mp)) ? -HV_EFAULT : 0;
}

/*
 * memory_op(cmd, arg). Implemented: the reservation sub-ops, current/maximum_reservation,
 * maximum_ram_page, memory_map, machphys_mapping; others return -HV_ENOSYS.
 */
long pv_hc_memory_op(struct hc_call *c)
{
    unsigned int cmd = (unsigned int)(c->arg[0] & HV_MEMOP_CMD_MASK);
    uint64_t start = c->arg[0] >> HV_MEMOP_EXTENT_SHIFT;

    switch (cmd) {
    case HV_MEM_increase_reservation:
    case HV_MEM_decrease_reservation:
    case HV_MEM_populate_physmap:
        return reservation(c, cmd, start);
    }
    if (start)
        return -HV_ENOSYS; /* only the reservation sub-ops have continuations */
    switch (cmd) {
    case HV_MEM_maximum_ram_page:
        return (long)mm_max_mfn();
    case HV_MEM_current_reservation:
    case HV_MEM_maximum_reservation:
        return reservation_query(c, cmd);
    case HV_MEM_memory_map:
        return memory_map(c);
    case HV_MEM_machphys_mapping:
        return machphys_mapping(c);
    default:
        return -HV_ENOSYS;
    }
}
