/* xmalloc.c - the hypervisor's small-object allocator: xheap's size classes over frames from the
 * buddy allocator, under one lock. */
#include "arch/arch.h"
#include "lib/spinlock.h"
#include "mm/mm.h"
#include "mm/xheap.h"

/* Lock legend: [x] xheap_lock (irqsave): heap and heap_ready. */
static struct spinlock xheap_lock = SPINLOCK_INIT;
static struct xheap heap;   /* [x] */
static bool heap_ready;     /* [x] */

static void *xheap_page_alloc(void *ctx __unused, unsigned int order)
{
    return mm_alloc_pages(order);
}

static void xheap_page_free(void *ctx __unused, void *page, unsigned int order)
{
    mm_free_pages(page, order);
}

static void heap_init_once(void)
{
    static const struct xheap_ops ops = {xheap_page_alloc, xheap_page_free, NULL};

    if (!heap_ready) {
        xheap_init(&heap, &ops);
        heap_ready = true;
    }
}

void *xmalloc_aligned(size_t size, size_t align)
{
    uint64_t flags = spin_lock_irqsave(&xheap_lock);
    void *p;

    heap_init_once();
    p = xheap_alloc(&heap, size, align);
    spin_unlock_irqrestore(&xheap_lock, flags);
    return p;
}

void *xmalloc(size_t size)
{
    return xmalloc_aligned(size, 16);
}

void *xzalloc(size_t size)
{
    void *p = xmalloc(size);

    if (p)
        memset(p, 0, size);
    return p;
}

void xmalloc_trim(void)
{
    uint64_t flags = spin_lock_irqsave(&xheap_lock);

    if (heap_ready)
        xheap_trim(&heap);
    spin_unlock_irqrestore(&xheap_lock, flags);
}

void xfree(void *p)
{
    uint64_t flags;

    if (!p)
        return;
    flags = spin_lock_irqsave(&xheap_lock);
    xheap_free(&heap, p);
    spin_unlock_irqrestore(&xheap_lock, flags);
}
