/* descriptors.c - a PV guest's GDT (set_gdt, update_descriptor). The CPU never uses the guest's
 * frames: each descriptor is checked and copied into the guest part (entries 0-7167) of this
 * CPU's GDT, so no unchecked descriptor can reach the hardware, whatever the guest later writes
 * to its own frames. */
#include "arch/percpu.h"
#include "pv/pv_private.h"

#define GDT_GUEST_ENTRIES GDT_FIRST_RESERVED_ENTRY /* 7168 */
#define DESC_PER_FRAME 512
#define DESC_P (1ull << 47)
#define DESC_S (1ull << 44)
#define DESC_DPL_SHIFT 45

/*
 * Xen's check for 64-bit PV guests: a non-present descriptor is kept as is; a code or data
 * segment gets DPL 3 (the guest kernel runs in ring 3); every present system descriptor (TSS,
 * LDT, gates) is refused. Returns false to refuse; *desc may be rewritten.
 */
bool pv_descriptor_check(uint64_t *desc)
{
    if (!(*desc & DESC_P))
        return true;
    if (!(*desc & DESC_S))
        return false;
    *desc |= 3ull << DESC_DPL_SHIFT;
    return true;
}

/* Put the checked descriptors into this CPU's GDT, zeroing the rest of the guest part. */
static void load_gdt(struct vcpu *v, const uint64_t *entries)
{
    uint64_t *gdt = this_cpu()->gdt;

    memcpy(gdt, entries, v->gdt_entries * sizeof(uint64_t));
    memset(gdt + v->gdt_entries, 0, (GDT_GUEST_ENTRIES - v->gdt_entries) * sizeof(uint64_t));
}

/* Read the descriptors once into buf, checking each; false at the first refused one. */
static bool copy_checked(const uint64_t *frames, unsigned int entries, uint64_t *buf)
{
    for (unsigned int i = 0; i < entries; i++) {
        const uint64_t *frame = maddr_to_virt(frames[i / DESC_PER_FRAME] << PAGE_SHIFT);
        uint64_t d = __atomic_load_n(&frame[i % DESC_PER_FRAME], __ATOMIC_RELAXED);

        if (!pv_descriptor_check(&d))
            return false;
        buf[i] = d;
    }
    return true;
}

unsigned int pv_gdt_frames(const struct vcpu *v)
{
    return DIV_ROUND_UP(v->gdt_entries, DESC_PER_FRAME);
}

/* Descriptor-page type references on nr GDT frames (all or none): a GDT frame can never be
 * mapped writable, so it changes only through update_descriptor. Caller holds the mm_lock. */
static int get_gdt_frames(struct pv_mm *m, const uint64_t *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        if (pt_get_page_and_type(&m->d->pt, frames[i], PGT_SEG_DESC, &m->w) != 0) {
            while (i-- > 0)
                pt_put_page_and_type(&m->d->pt, frames[i]);
            return -HV_EINVAL;
        }
    }
    return 0;
}

static void put_gdt_frames(struct pv_mm *m, const uint64_t *frames, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++)
        pt_put_page_and_type(&m->d->pt, frames[i]);
}

/*
 * set_gdt(frame_list, entries): the guest's GDT is entries descriptors in the listed frames
 * (ceil(entries / 512) MFNs, each the domain's own and not mapped writable anywhere: they take
 * the descriptor-page type). Returns 0; -HV_EINVAL for more than 7168 entries, a frame that is
 * not the domain's or is in use as another type, or a refused descriptor; -HV_EFAULT for an
 * unreadable list; -HV_ENOMEM. On failure the old GDT stays.
 */
long pv_hc_set_gdt(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t list = c->arg[0], frames[14];
    unsigned int entries = (unsigned int)c->arg[1], nr = DIV_ROUND_UP(entries, DESC_PER_FRAME);
    struct pv_mm m;
    uint64_t *buf;
    long rc;

    if (c->arg[1] > GDT_GUEST_ENTRIES)
        return -HV_EINVAL;
    if (copy_from_guest(frames, list, nr * sizeof(uint64_t)))
        return -HV_EFAULT;
    buf = xmalloc(GDT_GUEST_ENTRIES * sizeof(uint64_t));
    if (!buf)
        return -HV_ENOMEM;
    pv_mm_begin(&m, v, v->domain);
    if ((rc = get_gdt_frames(&m, frames, nr)) != 0)
        goto out;
    if (!copy_checked(frames, entries, buf)) { /* read once typed: no one can write them now */
        put_gdt_frames(&m, frames, nr);
        rc = -HV_EINVAL;
        goto out;
    }
    put_gdt_frames(&m, v->gdt_frames, pv_gdt_frames(v));
    memcpy(v->gdt_frames, frames, nr * sizeof(uint64_t));
    v->gdt_entries = entries;
    load_gdt(v, buf);
out:
    pv_mm_end(&m);
    xfree(buf);
    return rc;
}

/* Is mfn one of d's frames in use as a descriptor page? */
static bool is_descriptor_page(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg = mm_frame(mfn);

    return pg && pg->owner == d->id && (pg->type_info & PGT_TYPE_MASK) == PGT_SEG_DESC &&
           (pg->type_info & PGT_COUNT_MASK);
}

/*
 * update_descriptor(maddr, desc): write one checked descriptor at machine address maddr (8-byte
 * aligned, in a frame of the domain that is a descriptor page or is written as a plain page:
 * never a page table); if that slot is part of the current GDT, the CPU's copy changes too.
 * -HV_EINVAL otherwise.
 */
long pv_hc_update_descriptor(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t maddr = c->arg[0], desc = c->arg[1], mfn = maddr >> PAGE_SHIFT;
    struct pv_mm m;
    int rc;

    if ((maddr & 7) || !dom_owns(v->domain, mfn) || !pv_descriptor_check(&desc))
        return -HV_EINVAL;
    pv_mm_begin(&m, v, v->domain);
    if (is_descriptor_page(v->domain, mfn)) {
        __atomic_store_n((uint64_t *)maddr_to_virt(maddr), desc, __ATOMIC_RELAXED);
        rc = 0;
    } else {
        rc = pv_plain_write(&m, mfn, maddr & (PAGE_SIZE - 1), desc);
    }
    pv_mm_end(&m);
    if (rc)
        return -HV_EINVAL;
    for (unsigned int i = 0; i < pv_gdt_frames(v); i++) {
        unsigned int idx = i * DESC_PER_FRAME + (unsigned int)((maddr & (PAGE_SIZE - 1)) / 8);

        if (v->gdt_frames[i] == mfn && idx < v->gdt_entries)
            this_cpu()->gdt[idx] = desc;
    }
    return 0;
}

/*
 * The guest's LDT (MMUEXT_SET_LDT). Hearth supports the empty LDT every PV Linux and Mini-OS
 * sets; an LDT with entries is not implemented yet (-HV_ENOSYS).
 */
long pv_set_ldt(struct vcpu *v, uint64_t base, unsigned int ents)
{
    (void)v;
    (void)base;
    return ents ? -HV_ENOSYS : 0;
}
