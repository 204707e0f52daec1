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

/*
 * set_gdt(frame_list, entries): the guest's GDT is entries descriptors in the listed frames
 * (ceil(entries / 512) MFNs, each the domain's own). Returns 0; -HV_EINVAL for more than 7168
 * entries, a frame that is not the domain's, or a refused descriptor; -HV_EFAULT for an
 * unreadable list; -HV_ENOMEM. On failure the old GDT stays.
 */
long pv_hc_set_gdt(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t list = c->arg[0], frames[14];
    unsigned int entries = (unsigned int)c->arg[1], nr = DIV_ROUND_UP(entries, DESC_PER_FRAME);
    uint64_t *buf;
    long rc = 0;

    if (c->arg[1] > GDT_GUEST_ENTRIES)
        return -HV_EINVAL;
    if (copy_from_guest(frames, list, nr * sizeof(uint64_t)))
        return -HV_EFAULT;
    for (unsigned int i = 0; i < nr; i++)
        if (!dom_owns(v->domain, frames[i]))
            return -HV_EINVAL;
    buf = xmalloc(GDT_GUEST_ENTRIES * sizeof(uint64_t));
    if (!buf)
        return -HV_ENOMEM;
    if (!copy_checked(frames, entries, buf)) {
        rc = -HV_EINVAL;
        goto out;
    }
    memcpy(v->gdt_frames, frames, nr * sizeof(uint64_t));
    v->gdt_entries = entries;
    load_gdt(v, buf);
out:
    xfree(buf);
    return rc;
}

/* A frame update_descriptor may write: the domain's, and not a page table (a "descriptor" with
 * P clear passes the check as is, and would be any page-table entry the guest likes). */
static bool is_descriptor_frame(const struct domain *d, mfn_t mfn)
{
    uint64_t type;

    if (!dom_owns(d, mfn))
        return false;
    type = mm_frame(mfn)->type_info & PGT_TYPE_MASK;
    return type == PGT_NONE || type == PGT_WRITABLE || type == PGT_SEG_DESC;
}

/*
 * update_descriptor(maddr, desc): write one checked descriptor at machine address maddr (8-byte
 * aligned, in a frame of the domain that is not a page table); if that slot is part of the
 * current GDT, the CPU's copy changes too. -HV_EINVAL otherwise.
 */
long pv_hc_update_descriptor(struct hc_call *c)
{
    struct vcpu *v = c->v;
    uint64_t maddr = c->arg[0], desc = c->arg[1], mfn = maddr >> PAGE_SHIFT;

    if ((maddr & 7) || !is_descriptor_frame(v->domain, mfn) || !pv_descriptor_check(&desc))
        return -HV_EINVAL;
    *(uint64_t *)maddr_to_virt(maddr) = desc;
    for (unsigned int i = 0; i < DIV_ROUND_UP(v->gdt_entries, DESC_PER_FRAME); i++) {
        unsigned int idx = i * DESC_PER_FRAME + (unsigned int)((maddr & (PAGE_SIZE - 1)) / 8);

        if (v->gdt_frames[i] == mfn && idx < v->gdt_entries)
            this_cpu()->gdt[idx] = desc;
    }
    return 0;
}
