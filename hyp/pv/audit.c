/* audit.c - the frame audit: recount every reference the page tables, pins and vCPUs hold and
 * compare with the frame table (the rules of mm/ptype.h), and check the frame accounting. */
#include "hv/hypercall.h"
#include "pv/pv_private.h"

#define MAX_REPORTS 10

/* One audit: expected counts per frame (general and type) and the problems found. */
struct audit {
    uint32_t *gen;
    uint32_t *typ;
    uint64_t nr_frames;
    unsigned long problems;
};

/* Report (the first MAX_REPORTS of) a problem: fmt takes up to three unsigned longs. */
static void problem3(struct audit *a, const char *fmt, uint64_t x, uint64_t y, uint64_t z)
{
    if (a->problems++ < MAX_REPORTS)
        printk(fmt, (unsigned long)x, (unsigned long)y, (unsigned long)z);
}

static void problem(struct audit *a, const char *fmt, uint64_t x, uint64_t y)
{
    problem3(a, fmt, x, y, 0);
}

/* How many of a table's entries hold references now (see the states in ptype.h). */
static unsigned int live_entries(uint64_t t)
{
    uint64_t type = t & PGT_TYPE_MASK;

    if (type < PGT_L1 || type > PGT_L4)
        return 0;
    if (t & PGT_PARTIAL)
        return (unsigned int)((t & PGT_IDX_MASK) >> PGT_IDX_SHIFT);
    if ((t & PGT_DEVAL) || ((t & PGT_VALIDATED) && (t & PGT_COUNT_MASK)))
        return PT_ENTRIES;
    return 0;
}

/* Count the references one present entry of table mfn holds and check where it points. */
static void count_entry(struct audit *a, struct domain *d, mfn_t mfn, uint64_t type, uint64_t e)
{
    mfn_t target = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    const struct page_info *pg = mm_frame(target);
    uint64_t want = type == PGT_L1 ? PGT_WRITABLE : pt_child_type(type);

    if (pt_check_entry(&d->pt, type, e))
        problem(a, "audit: table %#lx holds a refused entry %#lx\n", mfn, e);
    if (!pg || pg->owner != d->id) {
        problem(a, "audit: table %#lx maps frame %#lx, not its domain's\n", mfn, target);
        return;
    }
    a->gen[target]++;
    if (type == PGT_L1 && !(e & PTE_W))
        return;
    a->typ[target]++;
    if ((pg->type_info & PGT_TYPE_MASK) != want)
        problem(a, "audit: table %#lx refers to frame %#lx of the wrong type\n", mfn, target);
    else if (type != PGT_L1 && !(pg->type_info & PGT_VALIDATED))
        problem(a, "audit: table %#lx refers to table %#lx, not validated\n", mfn, target);
}

/* The states a frame's type word may be in. */
static void check_state(struct audit *a, mfn_t mfn, uint64_t t)
{
    uint64_t count = t & PGT_COUNT_MASK;

    if ((t & PGT_PARTIAL) && count != 1)
        problem(a, "audit: frame %#lx partial with type count %lu\n", mfn, count);
    if ((t & PGT_DEVAL) && (count || !(t & PGT_ON_LIST)))
        problem(a, "audit: frame %#lx awaiting devalidation in a bad state %#lx\n", mfn, t);
    if ((t & PGT_VALIDATED) && !count)
        problem(a, "audit: frame %#lx validated with no type reference (%#lx)\n", mfn, t);
    if ((t & PGT_PINNED) && !count)
        problem(a, "audit: frame %#lx pinned with no type reference (%#lx)\n", mfn, t);
}

/* Every reference d's frames, pins and vCPU hold; returns how many frames d owns. */
static uint64_t count_domain(struct audit *a, struct domain *d)
{
    uint64_t owned = 0;

    for (mfn_t mfn = 0; mfn < a->nr_frames; mfn++) {
        const struct page_info *pg = mm_frame(mfn);
        uint64_t t = pg->type_info, type = t & PGT_TYPE_MASK;
        const uint64_t *table;
        unsigned int n;

        if (pg->owner != d->id)
            continue;
        owned += !(pg->count_info & PGC_XEN_HEAP);
        check_state(a, mfn, t);
        a->gen[mfn] += !!(t & PGT_PINNED);
        a->typ[mfn] += !!(t & PGT_PINNED) + !!(t & PGT_PARTIAL);
        n = live_entries(t);
        table = n ? pt_map_table(mfn) : NULL;
        for (unsigned int i = 0; i < n; i++)
            if ((table[i] & PTE_P) && !(type == PGT_L4 && i >= PT_L4_HYP_FIRST &&
                                         i <= PT_L4_HYP_LAST))
                count_entry(a, d, mfn, type, table[i]);
    }
    return owned;
}

/* References the vCPU holds: its roots (L4), GDT and LDT frames (descriptor pages). */
static void count_vcpu(struct audit *a, struct vcpu *v)
{
    paddr_t roots[2] = {v->kernel_root, v->user_root};

    for (unsigned int i = 0; i < 2; i++) {
        mfn_t mfn = roots[i] >> PAGE_SHIFT;

        if (!roots[i] || mfn >= a->nr_frames)
            continue;
        a->gen[mfn]++;
        a->typ[mfn]++;
        if ((mm_frame(mfn)->type_info & PGT_TYPE_MASK) != PGT_L4)
            problem(a, "audit: vCPU root %#lx is not an L4 (%#lx)\n", mfn,
                    mm_frame(mfn)->type_info);
    }
    for (unsigned int i = 0; i < pv_gdt_frames(v); i++) {
        a->gen[v->gdt_frames[i]]++;
        a->typ[v->gdt_frames[i]]++;
    }
    if (v->vcpu_info_mfn && v->vcpu_info_mfn < a->nr_frames) {
        a->gen[v->vcpu_info_mfn]++;
        a->typ[v->vcpu_info_mfn]++;
    }
    for (unsigned int i = 0; i < pv_ldt_frames(v); i++) {
        a->gen[v->ldt_frames[i]]++;
        a->typ[v->ldt_frames[i]]++;
    }
}

/* Compare the recount with the frame table for d's frames. */
static void compare_domain(struct audit *a, struct domain *d)
{
    for (mfn_t mfn = 0; mfn < a->nr_frames; mfn++) {
        const struct page_info *pg = mm_frame(mfn);

        if (pg->owner != d->id)
            continue;
        if ((pg->count_info & PGC_COUNT_MASK) != a->gen[mfn])
            problem3(a, "audit: frame %#lx general count %lu, references found %lu\n", mfn,
                     pg->count_info & PGC_COUNT_MASK, a->gen[mfn]);
        if ((pg->type_info & PGT_COUNT_MASK) != a->typ[mfn])
            problem3(a, "audit: frame %#lx type count %lu, references found %lu\n", mfn,
                     pg->type_info & PGT_COUNT_MASK, a->typ[mfn]);
    }
}

static void audit_domain(struct audit *a, struct domain *d, uint64_t *owned_total)
{
    uint64_t owned;

    spin_lock(&d->mm_lock);
    memset(a->gen, 0, a->nr_frames * sizeof(uint32_t));
    memset(a->typ, 0, a->nr_frames * sizeof(uint32_t));
    owned = count_domain(a, d);
    for (unsigned int i = 0; i < d->nr_vcpus; i++)
        count_vcpu(a, d->vcpu[i]);
    compare_domain(a, d);
    if (owned != d->nr_pages)
        problem3(a, "audit: d%lu owns %lu frames by the frame table, %lu by its count\n", d->id,
                 owned, d->nr_pages);
    *owned_total += owned + 1; /* + shared_info */
    spin_unlock(&d->mm_lock);
}

/* Frames of no domain: no M2P entry; and every frame is free, the hypervisor's, kept or a
 * domain's. */
static void audit_global(struct audit *a, uint64_t owned_total)
{
    struct mm_stats st;

    for (mfn_t mfn = 0; mfn < a->nr_frames; mfn++)
        if (mm_frame(mfn)->owner >= DOMID_FIRST_RESERVED && mm_get_m2p(mfn) != M2P_INVALID)
            problem(a, "audit: frame %#lx belongs to no domain but has M2P entry %#lx\n", mfn,
                    mm_get_m2p(mfn));
    mm_stats(&st);
    if (st.free + st.hyp + st.firmware + owned_total != st.total)
        problem(a, "audit: %lu frames in total, %lu free + hypervisor + kept + owned\n",
                st.total, st.free + st.hyp + st.firmware + owned_total);
}

/* Audit one domain (only), or every domain and the global frame counts (only NULL). */
static unsigned long audit_run(struct domain *only)
{
    struct audit a = {.nr_frames = mm_max_mfn()};
    unsigned int order = 0;
    uint64_t owned_total = 0;

    while ((PAGE_SIZE << order) < a.nr_frames * sizeof(uint32_t))
        order++;
    a.gen = mm_alloc_pages(order);
    a.typ = mm_alloc_pages(order);
    if (!a.gen || !a.typ) {
        printk(KERN_ERR "audit: no memory for the counts\n");
        a.problems = 1;
        goto out;
    }
    for (unsigned int id = 0; id < DOM_MAX_DOMAINS; id++) {
        struct domain *d = only ? (id ? NULL : only) : dom_get((uint16_t)id);

        if (!d)
            continue;
        audit_domain(&a, d, &owned_total);
        if (!only)
            dom_put(d);
    }
    mm_free_pages(a.typ, order); /* before the global count: these are the audit's own */
    mm_free_pages(a.gen, order);
    a.typ = a.gen = NULL;
    if (!only)
        audit_global(&a, owned_total);
out:
    mm_free_pages(a.typ, order);
    mm_free_pages(a.gen, order);
    return a.problems;
}

unsigned long pv_audit(void)
{
    return audit_run(NULL);
}

unsigned long pv_audit_domain(struct domain *d)
{
    return audit_run(d);
}

/* hearth_op(cmd): Hearth's debug hypercall (hv/hypercall.h), for the privileged domain. */
long pv_hc_hearth_op(struct hc_call *c)
{
    if (!c->v->domain->privileged)
        return -HV_EPERM;
    if (c->arg[0] != HV_HEARTHOP_audit)
        return -HV_EINVAL;
    return (long)pv_audit();
}
