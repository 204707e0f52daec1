/* buddy.c - the binary buddy allocator: free blocks on per-order lists linked through pages[]. */
#include "mm/buddy.h"

#define BUDDY_MAX_PAGES 0xffffffffull /* frame numbers fit in 32 bits, PG_LIST_NONE excluded */

/* Put the block headed by pfn on the list of its order. */
static void buddy_push(struct buddy *b, uint64_t pfn, unsigned int order)
{
    struct page_info *pg = &b->pages[pfn];
    uint32_t head = b->free_head[order];

    pg->owner = PG_OWNER_FREE;
    pg->order = order;
    pg->prev = PG_LIST_NONE;
    pg->next = head;
    if (head != PG_LIST_NONE)
        b->pages[head].prev = (uint32_t)pfn;
    b->free_head[order] = (uint32_t)pfn;
}

/* Take the block headed by pfn off its list; its head keeps owner and order. */
static void buddy_unlink(struct buddy *b, uint64_t pfn)
{
    struct page_info *pg = &b->pages[pfn];

    if (pg->prev != PG_LIST_NONE)
        b->pages[pg->prev].next = pg->next;
    else
        b->free_head[pg->order] = pg->next;
    if (pg->next != PG_LIST_NONE)
        b->pages[pg->next].prev = pg->prev;
    pg->next = PG_LIST_NONE;
    pg->prev = PG_LIST_NONE;
}

/* True if pfn heads a free block of exactly this order (see struct buddy for why that is exact). */
static bool buddy_is_free_head(const struct buddy *b, uint64_t pfn, unsigned int order)
{
    return pfn < b->nr_pages && b->pages[pfn].owner == PG_OWNER_FREE &&
           b->pages[pfn].order == order;
}

/* Set n frames from pfn to the state of a frame given out or inside a free block. */
static void buddy_set_frames(struct buddy *b, uint64_t pfn, uint64_t n, uint32_t owner)
{
    uint64_t i;

    for (i = pfn; i < pfn + n; i++) {
        b->pages[i].next = PG_LIST_NONE;
        b->pages[i].prev = PG_LIST_NONE;
        b->pages[i].owner = owner;
        b->pages[i].order = 0;
        b->pages[i].count_info = 0;
        b->pages[i].type_info = 0;
    }
}

/* File the free block (pfn, order), whose frames are already marked free, merging with buddies. */
static void buddy_insert(struct buddy *b, uint64_t pfn, unsigned int order)
{
    uint64_t mate;

    while (order < BUDDY_MAX_ORDER) {
        mate = pfn ^ (1ull << order);
        if (!buddy_is_free_head(b, mate, order))
            break;
        buddy_unlink(b, mate);
        b->pages[MAX(pfn, mate)].order = 0; /* the upper head becomes an inner frame */
        pfn = MIN(pfn, mate);
        order++;
    }
    buddy_push(b, pfn, order);
}

/*
 * Start an empty pool; see buddy.h. Panics if the frame numbers would not fit in 32 bits.
 * Context: boot, before any other call on b.
 */
void buddy_init(struct buddy *b, struct page_info *pages, uint64_t nr_pages)
{
    unsigned int i;

    ASSERT(nr_pages <= BUDDY_MAX_PAGES);
    b->pages = pages;
    b->nr_pages = nr_pages;
    for (i = 0; i <= BUDDY_MAX_ORDER; i++)
        b->free_head[i] = PG_LIST_NONE;
    b->nr_free = 0;
}

/* The largest order of a naturally aligned block at pfn that ends at or before end. */
static unsigned int buddy_fit_order(uint64_t pfn, uint64_t end)
{
    unsigned int order = pfn ? (unsigned int)__builtin_ctzll(pfn) : BUDDY_MAX_ORDER;

    order = MIN(order, BUDDY_MAX_ORDER);
    while ((1ull << order) > end - pfn)
        order--;
    return order;
}

/*
 * Give [pfn_start, pfn_end) to the pool; see buddy.h. Panics on a range past nr_pages or a frame
 * that is already free (a hypervisor bug: memory given twice).
 * Context: caller holds the heap lock (or is the only CPU at boot).
 */
void buddy_add_range(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end)
{
    uint64_t pfn, i, n;
    unsigned int order;

    if (pfn_start >= pfn_end)
        goto out;
    if (pfn_end > b->nr_pages)
        panic("buddy_add_range: [%#llx, %#llx) past %#llx frames", (unsigned long long)pfn_start,
              (unsigned long long)pfn_end, (unsigned long long)b->nr_pages);
    for (pfn = pfn_start; pfn < pfn_end; pfn += n) {
        order = buddy_fit_order(pfn, pfn_end);
        n = 1ull << order;
        for (i = pfn; i < pfn + n; i++)
            if (b->pages[i].owner == PG_OWNER_FREE)
                panic("buddy_add_range: frame %#llx already free", (unsigned long long)i);
        buddy_set_frames(b, pfn, n, PG_OWNER_FREE);
        b->nr_free += n;
        buddy_insert(b, pfn, order);
    }
out:
    return;
}

/*
 * Allocate 2^order frames; see buddy.h. Returns the first frame, or -1.
 * Context: caller holds the heap lock.
 */
int64_t buddy_alloc(struct buddy *b, unsigned int order)
{
    unsigned int o = order;
    uint64_t pfn;
    int64_t ret = -1;

    if (order > BUDDY_MAX_ORDER)
        goto out;
    while (o <= BUDDY_MAX_ORDER && b->free_head[o] == PG_LIST_NONE)
        o++;
    if (o > BUDDY_MAX_ORDER)
        goto out;
    pfn = b->free_head[o];
    buddy_unlink(b, pfn);
    while (o > order) {
        o--;
        buddy_push(b, pfn + (1ull << o), o);
    }
    buddy_set_frames(b, pfn, 1ull << order, PG_OWNER_HYP);
    b->nr_free -= 1ull << order;
    ret = (int64_t)pfn;
out:
    return ret;
}

/* Panic unless every frame of (pfn, order) is in range, aligned, allocated and unreferenced. */
static void buddy_check_free(const struct buddy *b, uint64_t pfn, unsigned int order)
{
    const struct page_info *pg;
    uint64_t i;

    if (order > BUDDY_MAX_ORDER || (pfn & ((1ull << order) - 1)) != 0 || pfn >= b->nr_pages ||
        b->nr_pages - pfn < (1ull << order))
        panic("buddy_free: bad block %#llx order %u (of %#llx frames)", (unsigned long long)pfn,
              order, (unsigned long long)b->nr_pages);
    for (i = pfn; i < pfn + (1ull << order); i++) {
        pg = &b->pages[i];
        if (pg->owner == PG_OWNER_FREE)
            panic("buddy_free: double free of frame %#llx", (unsigned long long)i);
        if (pg->owner == PG_OWNER_NONE)
            panic("buddy_free: frame %#llx was never allocated", (unsigned long long)i);
        if ((pg->count_info & PGC_COUNT_MASK) != 0 || (pg->type_info & PGT_COUNT_MASK) != 0)
            panic("buddy_free: frame %#llx still referenced", (unsigned long long)i);
    }
}

/*
 * Return 2^order frames from pfn; see buddy.h. Panics on a bad block (hypervisor bug).
 * Context: caller holds the heap lock.
 */
void buddy_free(struct buddy *b, uint64_t pfn, unsigned int order)
{
    buddy_check_free(b, pfn, order);
    buddy_set_frames(b, pfn, 1ull << order, PG_OWNER_FREE);
    b->nr_free += 1ull << order;
    buddy_insert(b, pfn, order);
}

/*
 * Frames in the pool.
 * Context: caller holds the heap lock for an exact figure; unlocked reads are a hint.
 */
uint64_t buddy_free_frames(const struct buddy *b)
{
    return b->nr_free;
}

/* True if frame pfn heads a block that is on a list (O(1): its list neighbour points back). */
static bool buddy_is_listed(const struct buddy *b, uint64_t pfn)
{
    const struct page_info *pg = &b->pages[pfn];

    if (pg->owner != PG_OWNER_FREE || pg->order > BUDDY_MAX_ORDER)
        return false;
    if (pg->prev != PG_LIST_NONE)
        return pg->prev < b->nr_pages && b->pages[pg->prev].next == pfn;
    return b->free_head[pg->order] == pfn;
}

/* What is wrong with the listed block (pfn, order), or NULL. pfn < nr_pages. */
static const char *buddy_check_block(const struct buddy *b, uint64_t pfn, unsigned int order,
                                     uint32_t prev)
{
    const struct page_info *pg = &b->pages[pfn];
    uint64_t i;

    if (pg->prev != prev)
        return "bad prev link";
    if ((pfn & ((1ull << order) - 1)) != 0)
        return "misaligned block";
    if (b->nr_pages - pfn < (1ull << order))
        return "block past the end of the frame table";
    if (pg->owner != PG_OWNER_FREE || pg->order != order)
        return "head not free or of another order";
    for (i = pfn; i < pfn + (1ull << order); i++) {
        if (b->pages[i].owner != PG_OWNER_FREE)
            return "frame in the block not free";
        if (b->pages[i].count_info != 0 || b->pages[i].type_info != 0)
            return "free frame with counts";
        if (i != pfn && buddy_is_listed(b, i))
            return "blocks overlap";
    }
    return NULL;
}

/* Walk list order; add its frames to *count. budget bounds the walk (a cycle). 0 or -1. */
static int buddy_check_list(const struct buddy *b, unsigned int order, uint64_t *count,
                            uint64_t *budget)
{
    uint32_t pfn, prev = PG_LIST_NONE;
    const char *what = NULL;

    for (pfn = b->free_head[order]; pfn != PG_LIST_NONE; pfn = b->pages[pfn].next) {
        if (*budget == 0)
            what = "list too long (cycle)";
        else if (pfn >= b->nr_pages)
            what = "frame out of range";
        else
            what = buddy_check_block(b, pfn, order, prev);
        if (what)
            break;
        (*budget)--;
        *count += 1ull << order;
        prev = pfn;
    }
    if (what)
        printk(KERN_ERR "buddy_check: order %u frame %#x: %s\n", order, pfn, what);
    return what ? -1 : 0;
}

/*
 * Check the pool's invariants; see buddy.h. Returns 0 or -1 (printing the problem).
 * Context: caller holds the heap lock.
 */
int buddy_check(const struct buddy *b)
{
    uint64_t count = 0, budget = b->nr_pages;
    unsigned int o;
    int ret = 0;

    for (o = 0; o <= BUDDY_MAX_ORDER && ret == 0; o++)
        ret = buddy_check_list(b, o, &count, &budget);
    if (ret == 0 && count != b->nr_free) {
        printk(KERN_ERR "buddy_check: lists hold %#llx frames, nr_free says %#llx\n",
               (unsigned long long)count, (unsigned long long)b->nr_free);
        ret = -1;
    }
    return ret;
}
