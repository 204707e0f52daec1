/* domain.c - domain life cycle and the frames a domain owns. */
#include "domain/domain.h"
#include "hv/errno.h"

/* Lock legend: [t] table_lock (irqsave). */
static struct spinlock table_lock = SPINLOCK_INIT;
static struct domain *domains[DOM_MAX_DOMAINS]; /* [t] */

struct domain *dom_create(uint16_t id, bool privileged, uint64_t max_pages)
{
    struct domain *d = NULL;
    uint64_t flags;

    if (id >= DOM_MAX_DOMAINS)
        return NULL;
    d = xzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->shared_info = mm_alloc_pages(0);
    if (!d->shared_info) {
        xfree(d);
        return NULL;
    }
    memset(d->shared_info, 0, PAGE_SIZE);
    d->id = id;
    d->privileged = privileged;
    d->max_pages = max_pages;
    d->page_head = PG_LIST_NONE;
    d->vcpu0.domain = d;
    flags = spin_lock_irqsave(&table_lock);
    if (domains[id]) {
        spin_unlock_irqrestore(&table_lock, flags);
        mm_free_pages(d->shared_info, 0);
        xfree(d);
        return NULL;
    }
    domains[id] = d;
    spin_unlock_irqrestore(&table_lock, flags);
    return d;
}

struct domain *dom_lookup(uint16_t id)
{
    return id < DOM_MAX_DOMAINS ? domains[id] : NULL;
}

/* Link a frame into d's list and make d its owner. Caller holds [d]. */
static void frame_give(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    pg->owner = d->id;
    pg->prev = PG_LIST_NONE;
    pg->next = d->page_head;
    if (d->page_head != PG_LIST_NONE)
        mm_frame(d->page_head)->prev = (uint32_t)mfn;
    d->page_head = (uint32_t)mfn;
    d->nr_pages++;
}

/* Return the frames at the head of d's list to the allocator, up to (not including) frame
 * `stop` (PG_LIST_NONE: all of them). Caller holds [d] or d is unreachable. */
static void frames_release(struct domain *d, uint32_t stop)
{
    while (d->page_head != stop) {
        mfn_t mfn = d->page_head;
        struct page_info *pg = mm_frame(mfn);

        d->page_head = pg->next;
        pg->next = pg->prev = PG_LIST_NONE;
        pg->count_info = 0;
        pg->type_info = 0;
        pg->owner = PG_OWNER_HYP;
        mm_free_pages(maddr_to_virt(mfn << PAGE_SHIFT), 0);
        d->nr_pages--;
    }
    if (stop != PG_LIST_NONE)
        mm_frame(stop)->prev = PG_LIST_NONE;
}

int dom_alloc_frames(struct domain *d, uint64_t nr, void (*fn)(void *ctx, uint64_t i, mfn_t mfn),
                     void *ctx)
{
    uint64_t flags = spin_lock_irqsave(&d->lock);
    uint32_t old_head = d->page_head;
    uint64_t done = 0;
    int rc = 0;

    if (nr > d->max_pages - MIN(d->nr_pages, d->max_pages)) {
        rc = -HV_ENOMEM;
        goto out;
    }
    for (; done < nr; done++) {
        void *va = mm_alloc_pages(0);

        if (!va) {
            rc = -HV_ENOMEM;
            break;
        }
        memset(va, 0, PAGE_SIZE); /* scrubbed: no data of the hypervisor or another guest */
        frame_give(d, virt_to_maddr(va) >> PAGE_SHIFT);
        if (fn)
            fn(ctx, done, virt_to_maddr(va) >> PAGE_SHIFT);
    }
    if (rc)
        frames_release(d, old_head); /* all or nothing: new frames sit before old_head */
out:
    spin_unlock_irqrestore(&d->lock, flags);
    return rc;
}

bool dom_owns(const struct domain *d, mfn_t mfn)
{
    const struct page_info *pg = mm_frame(mfn);

    return pg && pg->owner == d->id;
}

void dom_destroy(struct domain *d)
{
    uint64_t flags = spin_lock_irqsave(&table_lock);

    if (domains[d->id] == d)
        domains[d->id] = NULL;
    spin_unlock_irqrestore(&table_lock, flags);
    frames_release(d, PG_LIST_NONE);
    mm_free_pages(d->shared_info, 0);
    xfree(d);
}
