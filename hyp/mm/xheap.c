/* xheap.c - the core of xmalloc/xfree: size-class slabs in single pages, page blocks beyond. */
#include "mm/xheap.h"

/*
 * Finding the header from the pointer alone: a slab object never starts on a page boundary (the
 * header takes the first 64 bytes), nor does a large object with align < 4096 (it starts 16 to
 * 2048 bytes into its first page). Only a large object with align 4096 does, and it starts one
 * page into its block. So the header is at the start of p's page, or of the page before it when p
 * is page aligned.
 */
#define XHEAP_SLAB_MAGIC 0x51ab0b1eu
#define XHEAP_LARGE_MAGIC 0x1a26eb10u
#define XHEAP_SLAB_HDR 64u    /* bytes reserved at the start of a slab page */
#define XHEAP_MAP_WORDS 4     /* (4096 - 64) / 16 = 252 objects at most, in 256 bits */

/* At the start of every slab page. */
struct xheap_slab {
    uint32_t magic;                     /* XHEAP_SLAB_MAGIC */
    uint16_t cls;                       /* class index: objects of 16 << cls bytes */
    uint16_t nr_free;                   /* free objects */
    struct xheap_slab *next, *prev;     /* on h->partial[cls] while 0 < nr_free < capacity */
    uint64_t free_map[XHEAP_MAP_WORDS]; /* bit i set: object i is free */
};
BUILD_BUG_ON(sizeof(struct xheap_slab) > XHEAP_SLAB_HDR);

/* At the start of every large block. */
struct xheap_large {
    uint32_t magic;  /* XHEAP_LARGE_MAGIC */
    uint32_t order;  /* the block is 2^order pages */
    uint64_t offset; /* object - header: max(align, XHEAP_MIN_CLASS) */
};
BUILD_BUG_ON(sizeof(struct xheap_large) > XHEAP_MIN_CLASS);
BUILD_BUG_ON((XHEAP_MIN_CLASS << (XHEAP_NR_CLASSES - 1)) != XHEAP_MAX_CLASS);

static size_t xheap_class_size(unsigned int cls)
{
    return (size_t)XHEAP_MIN_CLASS << cls;
}

/* Offset of object 0: past the header, and aligned to the object size. */
static size_t xheap_first(unsigned int cls)
{
    return MAX(xheap_class_size(cls), (size_t)XHEAP_SLAB_HDR);
}

static unsigned int xheap_capacity(unsigned int cls)
{
    return (unsigned int)((XHEAP_PAGE_SIZE - xheap_first(cls)) / xheap_class_size(cls));
}

/* The smallest class holding max(size, align); XHEAP_NR_CLASSES or more means "large". */
static unsigned int xheap_class_for(size_t size, size_t align)
{
    size_t need = MAX(size, align);
    unsigned int cls = 0;

    while (cls < XHEAP_NR_CLASSES && xheap_class_size(cls) < need)
        cls++;
    return cls;
}

static void xheap_list_add(struct xheap_slab **head, struct xheap_slab *s)
{
    s->prev = NULL;
    s->next = *head;
    if (*head)
        (*head)->prev = s;
    *head = s;
}

static void xheap_list_del(struct xheap_slab **head, struct xheap_slab *s)
{
    if (s->prev)
        s->prev->next = s->next;
    else
        *head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    s->next = s->prev = NULL;
}

/*
 * Start an empty heap.
 * Context: any; no locking (the caller owns h).
 */
void xheap_init(struct xheap *h, const struct xheap_ops *ops)
{
    memset(h, 0, sizeof(*h));
    h->ops = *ops;
}

/* A slab page for class cls with every object free: the cached one or a new page. */
static struct xheap_slab *xheap_slab_new(struct xheap *h, unsigned int cls)
{
    struct xheap_slab *s = h->empty[cls];
    unsigned int n = xheap_capacity(cls), w;

    if (s) {
        h->empty[cls] = NULL;
        goto out;
    }
    s = h->ops.page_alloc(h->ops.ctx, 0);
    if (!s)
        goto out;
    s->magic = XHEAP_SLAB_MAGIC;
    s->cls = (uint16_t)cls;
    s->nr_free = (uint16_t)n;
    s->next = s->prev = NULL;
    for (w = 0; w < XHEAP_MAP_WORDS; w++, n -= MIN(n, 64u))
        s->free_map[w] = n >= 64 ? ~0ull : (1ull << n) - 1;
out:
    return s;
}

/* Take a free object from a slab page of class cls, or NULL if no page can be had. */
static void *xheap_slab_alloc(struct xheap *h, unsigned int cls)
{
    struct xheap_slab *s = h->partial[cls];
    unsigned int w = 0, bit;
    void *obj = NULL;

    if (!s) {
        s = xheap_slab_new(h, cls);
        if (!s)
            goto out;
        xheap_list_add(&h->partial[cls], s);
    }
    while (s->free_map[w] == 0)
        w++;
    bit = (unsigned int)__builtin_ctzll(s->free_map[w]);
    s->free_map[w] &= ~(1ull << bit);
    if (--s->nr_free == 0)
        xheap_list_del(&h->partial[cls], s);
    h->bytes_in_use += xheap_class_size(cls);
    obj = (char *)s + xheap_first(cls) + (w * 64 + bit) * xheap_class_size(cls);
out:
    return obj;
}

/* Order of the smallest page block holding off + size bytes. */
static unsigned int xheap_large_order(size_t total)
{
    unsigned int order = 0;

    while (((size_t)XHEAP_PAGE_SIZE << order) < total)
        order++;
    return order;
}

/* A large allocation: 2^k pages, header first, object at max(align, 16). NULL if no pages. */
static void *xheap_large_alloc(struct xheap *h, size_t size, size_t align)
{
    size_t off = MAX(align, (size_t)XHEAP_MIN_CLASS);
    unsigned int order = xheap_large_order(off + size);
    struct xheap_large *l = h->ops.page_alloc(h->ops.ctx, order);
    void *obj = NULL;

    if (l) {
        l->magic = XHEAP_LARGE_MAGIC;
        l->order = order;
        l->offset = off;
        h->bytes_in_use += ((size_t)XHEAP_PAGE_SIZE << order) - off;
        obj = (char *)l + off;
    }
    return obj;
}

/*
 * Allocate; see xheap.h. Returns the object or NULL.
 * Context: caller holds the heap lock.
 */
void *xheap_alloc(struct xheap *h, size_t size, size_t align)
{
    unsigned int cls;
    void *obj = NULL;

    if (size == 0 || size > XHEAP_MAX_SIZE || align == 0 || (align & (align - 1)) != 0 ||
        align > XHEAP_PAGE_SIZE)
        goto out;
    cls = xheap_class_for(size, align);
    if (cls < XHEAP_NR_CLASSES)
        obj = xheap_slab_alloc(h, cls);
    else
        obj = xheap_large_alloc(h, size, align);
out:
    return obj;
}

/* The header p's address says it has (see the top of this file). Its magic is not checked. */
static void *xheap_header(const void *p)
{
    uintptr_t a = (uintptr_t)p;

    if ((a & (XHEAP_PAGE_SIZE - 1)) == 0)
        a -= XHEAP_PAGE_SIZE;
    return (void *)(a & ~(uintptr_t)(XHEAP_PAGE_SIZE - 1));
}

/* Index of the live object p in slab s; panics (naming who) if p is not one. */
static unsigned int xheap_slab_index(const struct xheap_slab *s, const void *p, const char *who)
{
    size_t off = (size_t)((const char *)p - (const char *)s);
    unsigned int cls = s->cls, i;

    if (cls >= XHEAP_NR_CLASSES || off < xheap_first(cls) ||
        ((off - xheap_first(cls)) & (xheap_class_size(cls) - 1)) != 0 ||
        (off - xheap_first(cls)) / xheap_class_size(cls) >= xheap_capacity(cls))
        panic("%s: %p is not an object of slab %p", who, p, (const void *)s);
    i = (unsigned int)((off - xheap_first(cls)) / xheap_class_size(cls));
    if (s->free_map[i / 64] & (1ull << (i % 64)))
        panic("%s: %p is not allocated (double free?)", who, p);
    return i;
}

/* Check that p is the object of large block l; panics (naming who) if not. */
static void xheap_large_check(const struct xheap_large *l, const void *p, const char *who)
{
    if ((const char *)p != (const char *)l + l->offset || l->order >= 64)
        panic("%s: %p is not the object of block %p", who, p, (const void *)l);
}

/* Give a slab page that has just become empty back, or cache it if the class has none cached. */
static void xheap_slab_release(struct xheap *h, struct xheap_slab *s)
{
    if (!h->empty[s->cls]) {
        h->empty[s->cls] = s;
    } else {
        s->magic = 0;
        h->ops.page_free(h->ops.ctx, s, 0);
    }
}

/* Free object i of slab s. */
static void xheap_slab_free(struct xheap *h, struct xheap_slab *s, unsigned int i)
{
    unsigned int cls = s->cls;
    bool was_full = s->nr_free == 0;

    s->free_map[i / 64] |= 1ull << (i % 64);
    s->nr_free++;
    h->bytes_in_use -= xheap_class_size(cls);
    if (s->nr_free == xheap_capacity(cls)) {
        if (!was_full)
            xheap_list_del(&h->partial[cls], s);
        xheap_slab_release(h, s);
    } else if (was_full) {
        xheap_list_add(&h->partial[cls], s);
    }
}

/*
 * Free p; see xheap.h. Panics on a pointer the heap did not give or already took back.
 * Context: caller holds the heap lock.
 */
void xheap_free(struct xheap *h, void *p)
{
    void *hdr;
    struct xheap_large *l;

    if (!p)
        goto out;
    hdr = xheap_header(p);
    if (*(uint32_t *)hdr == XHEAP_SLAB_MAGIC) {
        xheap_slab_free(h, hdr, xheap_slab_index(hdr, p, __func__));
    } else if (*(uint32_t *)hdr == XHEAP_LARGE_MAGIC) {
        l = hdr;
        xheap_large_check(l, p, __func__);
        h->bytes_in_use -= ((size_t)XHEAP_PAGE_SIZE << l->order) - l->offset;
        l->magic = 0;
        h->ops.page_free(h->ops.ctx, l, l->order);
    } else {
        panic("xheap_free: bad pointer %p (magic %#x)", p, *(uint32_t *)hdr);
    }
out:
    return;
}

/*
 * Return the cached empty slab pages; see xheap.h.
 * Context: caller holds the heap lock.
 */
void xheap_trim(struct xheap *h)
{
    unsigned int cls;

    for (cls = 0; cls < XHEAP_NR_CLASSES; cls++) {
        if (!h->empty[cls])
            continue;
        h->empty[cls]->magic = 0;
        h->ops.page_free(h->ops.ctx, h->empty[cls], 0);
        h->empty[cls] = NULL;
    }
}

/*
 * Usable size of the live allocation p; see xheap.h. Panics like xheap_free.
 * Context: caller holds the heap lock (or owns p and nobody frees it meanwhile).
 */
size_t xheap_size(const void *p)
{
    const void *hdr = xheap_header(p);
    const struct xheap_slab *s = hdr;
    const struct xheap_large *l = hdr;
    size_t size;

    if (s->magic == XHEAP_SLAB_MAGIC) {
        xheap_slab_index(s, p, __func__);
        size = xheap_class_size(s->cls);
    } else if (l->magic == XHEAP_LARGE_MAGIC) {
        xheap_large_check(l, p, __func__);
        size = ((size_t)XHEAP_PAGE_SIZE << l->order) - l->offset;
    } else {
        panic("xheap_size: bad pointer %p (magic %#x)", p, l->magic);
    }
    return size;
}
