/* buddy.h - the binary buddy allocator of machine frames, kept in the frame table itself. */
#ifndef HYP_MM_BUDDY_H
#define HYP_MM_BUDDY_H

#include "lib/lib.h"
#include "mm/page_info.h"

#define BUDDY_MAX_ORDER 18 /* 2^18 frames: 1 GiB blocks */

/*
 * A pool of frames 0 .. nr_pages-1 described by pages[]. Frame numbers are stored in 32 bits
 * (page_info next/prev, free_head), and PG_LIST_NONE is not a frame, so nr_pages <= 0xffffffff:
 * 16 TiB of machine memory.
 *
 * A free block of order o starting at frame h (h a multiple of 2^o) is on list free_head[o],
 * linked through pages[].next/prev. Its head has owner PG_OWNER_FREE and order o; its other
 * frames have owner PG_OWNER_FREE, order 0 and next = prev = PG_LIST_NONE. Every free frame has
 * count_info = type_info = 0.
 *
 * Recognising a free buddy in O(1): the buddy of block (h, o) is (h ^ 2^o, o). Its first frame b
 * is a multiple of 2^o, so if b is free at all it is the head of a free block of order <= o (a
 * larger free block holding b would hold h too, and h is not free). So "pages[b] has owner
 * PG_OWNER_FREE and order o" is exact.
 *
 * Pure data: no locks, no globals. The hypervisor wraps every call in its heap lock.
 */
struct buddy {
    struct page_info *pages;
    uint64_t nr_pages;
    uint32_t free_head[BUDDY_MAX_ORDER + 1]; /* first block of each order, or PG_LIST_NONE */
    uint64_t nr_free;                        /* frames on all lists */
};

/*
 * Start an empty pool over pages[0 .. nr_pages). Does not touch pages: the caller has set every
 * entry's owner (PG_OWNER_NONE or PG_OWNER_HYP). Panics if nr_pages > 0xffffffff.
 */
void buddy_init(struct buddy *b, struct page_info *pages, uint64_t nr_pages);

/*
 * Give frames [pfn_start, pfn_end) to the pool as the largest naturally aligned blocks, merged
 * with free neighbours. An empty or inverted range is ignored. Panics if the range passes
 * nr_pages or a frame in it is already free.
 */
void buddy_add_range(struct buddy *b, uint64_t pfn_start, uint64_t pfn_end);

/*
 * Allocate 2^order contiguous frames, aligned to 2^order: the smallest free block that fits,
 * split, low half kept. Returns the first frame number, or -1 if order > BUDDY_MAX_ORDER or
 * nothing fits. Every frame comes back with owner PG_OWNER_HYP, order 0, count_info and
 * type_info 0, next = prev = PG_LIST_NONE. Cost: O(BUDDY_MAX_ORDER + 2^order).
 */
int64_t buddy_alloc(struct buddy *b, unsigned int order);

/*
 * Return 2^order frames from pfn, merging with free buddies. The caller may have changed owner
 * (a domain id, PG_OWNER_HYP) but must have dropped every reference. Panics (a hypervisor bug)
 * if order > BUDDY_MAX_ORDER, pfn is not a multiple of 2^order, the block passes nr_pages, or a
 * frame in it is not allocated (owner PG_OWNER_FREE: a double free; PG_OWNER_NONE: not RAM) or
 * still has a general or type reference count. Cost: O(BUDDY_MAX_ORDER + 2^order).
 */
void buddy_free(struct buddy *b, uint64_t pfn, unsigned int order);

/* Frames in the pool. */
uint64_t buddy_free_frames(const struct buddy *b);

/*
 * Check the invariants of struct buddy: list heads and links, each block's order, alignment and
 * bounds, every frame of a block free and in no other block, and the total equal to nr_free.
 * Returns 0 if consistent, else -1 after printing the first problem. Cost: O(nr_free).
 */
int buddy_check(const struct buddy *b);

#endif /* HYP_MM_BUDDY_H */
