/* descriptors.c - a PV guest's GDT and LDT (set_gdt, MMUEXT_SET_LDT, update_descriptor). The
 * CPU never uses the guest's frames: each descriptor is checked and copied, GDT entries into the
 * guest part (entries 0-7167) of this CPU's GDT, LDT entries into the vCPU's shadow LDT; so no
 * unchecked descriptor can reach the hardware, whatever the guest later writes to its own
 * frames. The frames themselves hold the descriptor-page type meanwhile (never writable), and
 * update_descriptor keeps the copies in step. */
#include "arch/percpu.h"
#include "pv/pv_private.h"

#define GDT_GUEST_ENTRIES GDT_FIRST_RESERVED_ENTRY /* 7168 */
#define DESC_PER_FRAME 512
#define DESC_P (1ull << 47)
#define DESC_S (1ull << 44)
#define DESC_DPL_SHIFT 45
#define LDT_MAX_FRAMES (LDT_MAX_ENTRIES / DESC_PER_FRAME)

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

/* Put the checked descriptors into this CPU's GDT, zeroing what an earlier vCPU left of the
 * guest part. */
static void load_gdt(struct vcpu *v, const uint64_t *entries)
{
    struct percpu *pc = this_cpu();

    memcpy(pc->gdt, entries, v->gdt_entries * sizeof(uint64_t));
    if (pc->gdt_guest_loaded > v->gdt_entries)
        memset(pc->gdt + v->gdt_entries, 0,
               (pc->gdt_guest_loaded - v->gdt_entries) * sizeof(uint64_t));
    pc->gdt_guest_loaded = v->gdt_entries;
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

void pv_load_gdt(struct vcpu *v)
{
    struct percpu *pc = this_cpu();

    /* The frames hold the descriptor-page type: only update_descriptor, which checks, changes
     * them, so every entry passes again. */
    if (!copy_checked(v->gdt_frames, v->gdt_entries, pc->gdt))
        panic("pv_load_gdt: d%u v%u has a refused descriptor in a typed frame", v->domain->id,
              v->id);
    if (pc->gdt_guest_loaded > v->gdt_entries)
        memset(pc->gdt + v->gdt_entries, 0,
               (pc->gdt_guest_loaded - v->gdt_entries) * sizeof(uint64_t));
    pc->gdt_guest_loaded = v->gdt_entries;
}

unsigned int pv_gdt_frames(const struct vcpu *v)
{
    return DIV_ROUND_UP(v->gdt_entries, DESC_PER_FRAME);
}

/* Descriptor-page type references on nr GDT or LDT frames (all or none): such a frame can never
 * be mapped writable, so it changes only through update_descriptor. Caller holds the mm_lock. */
static int get_desc_frames(struct pv_mm *m, const uint64_t *frames, unsigned int nr)
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

static void put_desc_frames(struct pv_mm *m, const uint64_t *frames, unsigned int nr)
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
long pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries, bool load)
{
    unsigned int nr = DIV_ROUND_UP(entries, DESC_PER_FRAME);
    struct pv_mm m;
    uint64_t *buf;
    long rc;

    if (entries > GDT_GUEST_ENTRIES)
        return -HV_EINVAL;
    buf = xmalloc(GDT_GUEST_ENTRIES * sizeof(uint64_t));
    if (!buf)
        return -HV_ENOMEM;
    pv_mm_begin(&m, v, v->domain);
    if ((rc = get_desc_frames(&m, frames, nr)) != 0)
        goto out;
    if (!copy_checked(frames, entries, buf)) { /* read once typed: no one can write them now */
        put_desc_frames(&m, frames, nr);
        rc = -HV_EINVAL;
        goto out;
    }
    put_desc_frames(&m, v->gdt_frames, pv_gdt_frames(v));
    memcpy(v->gdt_frames, frames, nr * sizeof(uint64_t));
    v->gdt_entries = entries;
    if (load)
        load_gdt(v, buf);
out:
    pv_mm_end(&m);
    xfree(buf);
    return rc;
}

long pv_hc_set_gdt(struct hc_call *c)
{
    uint64_t frames[14];
    unsigned int nr = DIV_ROUND_UP((unsigned int)c->arg[1], DESC_PER_FRAME);

    if (c->arg[1] > GDT_GUEST_ENTRIES)
        return -HV_EINVAL;
    if (copy_from_guest(frames, c->arg[0], nr * sizeof(uint64_t)))
        return -HV_EFAULT;
    return pv_set_gdt(c->v, frames, (unsigned int)c->arg[1], true);
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
    for (unsigned int i = 0; i < pv_ldt_frames(v); i++) {
        unsigned int idx = i * DESC_PER_FRAME + (unsigned int)((maddr & (PAGE_SIZE - 1)) / 8);

        if (v->ldt_frames[i] == mfn && idx < v->ldt_ents)
            v->ldt_shadow[idx] = desc;
    }
    return 0;
}

/* --- LDT ----------------------------------------------------------------------------------- */

unsigned int pv_ldt_frames(const struct vcpu *v)
{
    return DIV_ROUND_UP(v->ldt_ents, DESC_PER_FRAME);
}

/* Point this CPU's LDT at v's shadow (HYP_LDT, a 16-byte system descriptor in the reserved part
 * of the GDT), or at none. On SET_LDT, and on every switch to v. */
void pv_load_ldt(const struct vcpu *v)
{
    uint64_t *gdt = this_cpu()->gdt, base = (uint64_t)v->ldt_shadow;
    uint64_t limit = (uint64_t)v->ldt_ents * 8 - 1;

    if (!v->ldt_ents) {
        __asm__ volatile("lldt %w0" ::"r"(0));
        return;
    }
    gdt[HYP_LDT / 8] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x82ull << 40) |
                       ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
    gdt[HYP_LDT / 8 + 1] = base >> 32;
    __asm__ volatile("lldt %w0" ::"r"(HYP_LDT) : "memory");
}

/* The frames behind the nr pages at guest-kernel address base, each mapped present in v's
 * kernel tables now; -HV_EINVAL if one is not. */
static int ldt_frames_at(struct vcpu *v, uint64_t base, unsigned int nr, uint64_t *frames)
{
    for (unsigned int i = 0; i < nr; i++) {
        unsigned int idx;
        mfn_t l1 = pv_find_l1(v->domain, v->kernel_root, base + (uint64_t)i * PAGE_SIZE, &idx);
        uint64_t e = l1 ? pt_map_table(l1)[idx] : 0;

        if (!(e & PTE_P))
            return -HV_EINVAL;
        frames[i] = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;
    }
    return 0;
}

/*
 * The guest's LDT (MMUEXT_SET_LDT; the caller checked base and ents as Xen does): ents
 * descriptors at guest-kernel address base, read now through the current kernel tables. Every
 * page must be mapped, be the domain's and take the descriptor-page type (so it must not be
 * mapped writable anywhere), and every descriptor must pass the check; then the descriptors are
 * copied to the vCPU's shadow LDT, which the CPU uses, and the frames stay typed until the next
 * SET_LDT. Xen maps the LDT lazily instead: where Hearth refuses SET_LDT with -HV_EINVAL, Xen
 * accepts it and the guest faults on its first use of the LDT. ents == 0: no LDT. On failure
 * the LDT in use stays.
 */
long pv_set_ldt(struct pv_mm *m, uint64_t base, unsigned int ents)
{
    struct vcpu *v = m->v;
    unsigned int nr = DIV_ROUND_UP(ents, DESC_PER_FRAME);
    uint64_t frames[LDT_MAX_FRAMES], *buf = NULL;
    long rc;

    if (ents && ((!v->ldt_shadow && !(v->ldt_shadow = xmalloc(LDT_MAX_ENTRIES * 8))) ||
                 !(buf = xmalloc(ents * sizeof(uint64_t)))))
        return -HV_ENOMEM;
    if ((rc = ldt_frames_at(v, base, nr, frames)) != 0 ||
        (rc = get_desc_frames(m, frames, nr)) != 0)
        goto out;
    if (!copy_checked(frames, ents, buf)) { /* read once typed: no one can write them now */
        put_desc_frames(m, frames, nr);
        rc = -HV_EINVAL;
        goto out;
    }
    put_desc_frames(m, v->ldt_frames, pv_ldt_frames(v));
    memcpy(v->ldt_frames, frames, nr * sizeof(uint64_t));
    if (ents)
        memcpy(v->ldt_shadow, buf, ents * sizeof(uint64_t));
    v->ldt_ents = ents;
    pv_load_ldt(v);
out:
    xfree(buf);
    return rc;
}

/* Before v goes away: the CPU stops using its shadow LDT, which is freed. Its frames' types go
 * with the domain's frames. */
void pv_release_ldt(struct vcpu *v)
{
    __asm__ volatile("lldt %w0" ::"r"(0));
    xfree(v->ldt_shadow);
    v->ldt_shadow = NULL;
    v->ldt_ents = 0;
}
