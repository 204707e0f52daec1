/* domain.c - domain life cycle and the frames a domain owns. */
#include "domain/domain.h"
#include "events/events.h"
#include "hv/errno.h"

/* Lock legend: [t] table_lock (irqsave). */
static struct spinlock table_lock = SPINLOCK_INIT;
static struct domain *domains[DOM_MAX_DOMAINS]; /* [t] */

static void release_shared_info(struct domain *d)
{
    struct page_info *pg = mm_frame(virt_to_maddr(d->shared_info) >> PAGE_SHIFT);

    pg->owner = PG_OWNER_HYP;
    pg->count_info = 0;
    pg->type_info = 0;
    mm_free_pages(d->shared_info, 0);
}

static void free_vcpus(struct domain *d)
{
    for (unsigned int i = 0; i < DOM_MAX_VCPUS; i++) {
        xfree(d->vcpu[i]);
        d->vcpu[i] = NULL;
    }
}

/* d's vCPUs, zeroed, each knowing its domain and id; false if memory is short (none left). */
static bool alloc_vcpus(struct domain *d, unsigned int nr)
{
    for (unsigned int i = 0; i < nr; i++) {
        d->vcpu[i] = xzalloc(sizeof(struct vcpu));
        if (!d->vcpu[i]) {
            free_vcpus(d);
            return false;
        }
        d->vcpu[i]->domain = d;
        d->vcpu[i]->id = i;
    }
    d->nr_vcpus = nr;
    return true;
}

struct domain *dom_create(uint16_t id, bool privileged, uint64_t max_pages, unsigned int nr_vcpus)
{
    struct domain *d = NULL;
    uint64_t flags;

    if (id >= DOM_MAX_DOMAINS || nr_vcpus == 0 || nr_vcpus > DOM_MAX_VCPUS)
        return NULL;
    d = xzalloc(sizeof(*d));
    if (!d)
        return NULL;
    d->shared_info = mm_alloc_pages(0);
    if (!d->shared_info || !alloc_vcpus(d, nr_vcpus)) {
        if (d->shared_info)
            mm_free_pages(d->shared_info, 0);
        xfree(d);
        return NULL;
    }
    memset(d->shared_info, 0, PAGE_SIZE);
    d->id = id;
    d->pt.id = id;
    d->pt.io_caps = privileged;
    /* The guest may map its shared_info page: it is the domain's, marked as the hypervisor's. */
    mm_frame(virt_to_maddr(d->shared_info) >> PAGE_SHIFT)->owner = id;
    mm_frame(virt_to_maddr(d->shared_info) >> PAGE_SHIFT)->count_info = PGC_XEN_HEAP;
    d->privileged = privileged;
    d->max_pages = max_pages;
    d->page_head = PG_LIST_NONE;
    d->refcnt = 1; /* the table's */
    flags = spin_lock_irqsave(&table_lock);
    if (domains[id]) {
        spin_unlock_irqrestore(&table_lock, flags);
        release_shared_info(d);
        free_vcpus(d);
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

struct domain *dom_get(uint16_t id)
{
    struct domain *d = NULL;
    uint64_t flags;

    if (id >= DOM_MAX_DOMAINS)
        return NULL;
    flags = spin_lock_irqsave(&table_lock);
    if (domains[id] && !domains[id]->dying) {
        d = domains[id];
        d->refcnt++;
    }
    spin_unlock_irqrestore(&table_lock, flags);
    return d;
}

void dom_put(struct domain *d)
{
    uint64_t flags = spin_lock_irqsave(&table_lock);
    bool last = --d->refcnt == 0;

    spin_unlock_irqrestore(&table_lock, flags);
    if (last) {
        evt_domain_free(d); /* no one can reach its ports any more */
        free_vcpus(d);
        xfree(d);
    }
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

/* A frame leaving its domain: no references, no list, no M2P entry; back to the allocator. */
static void frame_reset(mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);

    pg->next = pg->prev = PG_LIST_NONE;
    pg->count_info = 0;
    pg->type_info = 0;
    pg->order = 0;
    pg->owner = PG_OWNER_HYP;
    mm_set_m2p(mfn, M2P_INVALID);
    mm_free_pages(maddr_to_virt(mfn << PAGE_SHIFT), 0);
}

/* Return the frames at the head of d's list to the allocator, up to (not including) frame
 * `stop` (PG_LIST_NONE: all of them). Caller holds [d] or d is unreachable. */
static void frames_release(struct domain *d, uint32_t stop)
{
    while (d->page_head != stop) {
        mfn_t mfn = d->page_head;
        struct page_info *pg = mm_frame(mfn);

        d->page_head = pg->next;
        frame_reset(mfn);
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

int dom_alloc_extent(struct domain *d, unsigned int order, mfn_t *first)
{
    uint64_t flags = spin_lock_irqsave(&d->lock);
    uint64_t n = 1ull << order;
    void *va = NULL;
    int rc = -HV_ENOMEM;

    if (n <= d->max_pages - MIN(d->nr_pages, d->max_pages) && (va = mm_alloc_pages(order))) {
        memset(va, 0, n * PAGE_SIZE); /* scrubbed: nothing of the frames' previous life */
        *first = virt_to_maddr(va) >> PAGE_SHIFT;
        for (uint64_t i = 0; i < n; i++)
            frame_give(d, *first + i);
        rc = 0;
    }
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
    d->dying = true;
    spin_unlock_irqrestore(&table_lock, flags);
    dom_flush_tlbs(d); /* no CPU may keep a translation of a frame that goes back */
    frames_release(d, PG_LIST_NONE);
    release_shared_info(d);
    d->shared_info = NULL;
    dom_put(d); /* the table's reference */
}

void dom_free_frame(struct domain *d, mfn_t mfn)
{
    struct page_info *pg = mm_frame(mfn);
    uint64_t flags = spin_lock_irqsave(&d->lock);

    if (pg->prev != PG_LIST_NONE)
        mm_frame(pg->prev)->next = pg->next;
    else
        d->page_head = pg->next;
    if (pg->next != PG_LIST_NONE)
        mm_frame(pg->next)->prev = pg->prev;
    d->nr_pages--;
    spin_unlock_irqrestore(&d->lock, flags);
    frame_reset(mfn);
}

void dom_flush_tlbs(struct domain *d)
{
    __atomic_thread_fence(__ATOMIC_SEQ_CST); /* the page-table changes before reading the set */
    smp_flush_tlb_mask(__atomic_load_n(&d->dirty_cpus, __ATOMIC_ACQUIRE));
}

/* The type system's hook (mm/ptype.h). */
void pt_flush_tlbs(struct pt_dom *pd)
{
    dom_flush_tlbs((struct domain *)((char *)pd - offsetof(struct domain, pt)));
}

void dom_mm_lock2(struct domain *a, struct domain *b)
{
    if (b == a || a->id < b->id) {
        spin_lock(&a->mm_lock);
        if (b != a)
            spin_lock(&b->mm_lock);
    } else {
        spin_lock(&b->mm_lock);
        spin_lock(&a->mm_lock);
    }
}

void dom_mm_unlock2(struct domain *a, struct domain *b)
{
    if (b != a)
        spin_unlock(&b->mm_lock);
    spin_unlock(&a->mm_lock);
}
