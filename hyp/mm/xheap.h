/* xheap.h - the core of xmalloc/xfree: small objects in slab pages, large ones in page blocks. */
#ifndef HYP_MM_XHEAP_H
#define HYP_MM_XHEAP_H

#include "lib/lib.h"

#define XHEAP_PAGE_SIZE 4096u
#define XHEAP_MIN_CLASS 16u   /* smallest object and minimum alignment of every allocation */
#define XHEAP_MAX_CLASS 2048u /* largest slab object; bigger requests take whole pages */
#define XHEAP_NR_CLASSES 8    /* 16, 32, 64, 128, 256, 512, 1024, 2048 */
#define XHEAP_MAX_SIZE (1ull << 30)

/*
 * Where pages come from: page_alloc returns 2^order contiguous, 4 KiB-aligned, mapped pages or
 * NULL; page_free takes them back. Called with whatever lock the caller holds around xheap_*.
 */
struct xheap_ops {
    void *(*page_alloc)(void *ctx, unsigned int order);
    void (*page_free)(void *ctx, void *page, unsigned int order);
    void *ctx;
};

struct xheap_slab; /* private to xheap.c: the header at the start of a slab page */

/*
 * One heap. Per class: a list of slab pages with both free and used objects (full pages are on
 * no list), and at most one cached empty page. The cache spares a page_alloc/page_free round trip
 * (a heap-lock and buddy walk in the hypervisor) when one object is allocated and freed over and
 * over; one page per class bounds what it holds back to 32 KiB.
 *
 * Pure data: no locks, no globals. The hypervisor wraps every call in its heap lock.
 */
struct xheap {
    struct xheap_ops ops;
    struct xheap_slab *partial[XHEAP_NR_CLASSES];
    struct xheap_slab *empty[XHEAP_NR_CLASSES];
    uint64_t bytes_in_use; /* sum of xheap_size() over live allocations */
};

/* Start an empty heap that takes pages from ops (copied). */
void xheap_init(struct xheap *h, const struct xheap_ops *ops);

/*
 * Allocate size bytes aligned to align (a power of two <= 4096); every result is at least
 * XHEAP_MIN_CLASS aligned. Requests that fit a class of at least max(size, align) <= 2048 come from
 * a slab; larger ones take 2^k pages (a size near XHEAP_MAX_SIZE needs order 19, which the page
 * source may refuse). The memory is not zeroed.
 * Returns the object, or NULL if size is 0 or > XHEAP_MAX_SIZE, align is not a power of two or is
 * > 4096, or the page source has no memory.
 */
void *xheap_alloc(struct xheap *h, size_t size, size_t align);

/*
 * Free p, a result of xheap_alloc on h. NULL is a no-op. Panics (a hypervisor bug) if p is not the
 * start of a live allocation: no header with the right magic where p says it is, an address
 * inside an object, or an object already free. A slab page that becomes empty goes back to the
 * page source unless the class has no cached empty page yet.
 */
void xheap_free(struct xheap *h, void *p);

/*
 * Give every cached empty slab page back to the page source (when memory is short, or before
 * checking that a heap with no live allocations holds no pages).
 */
void xheap_trim(struct xheap *h);

/* Usable size of the live allocation p (>= the size asked for). Panics like xheap_free. */
size_t xheap_size(const void *p);

#endif /* HYP_MM_XHEAP_H */
