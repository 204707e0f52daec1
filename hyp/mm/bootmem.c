/* bootmem.c - the boot allocator: keeps free physical ranges in a small sorted table. */
#include "mm/bootmem.h"
#include "mm/page_info.h"

/* The highest exclusive end a range may have: [2^64 - PAGE_SIZE, 2^64) cannot be expressed. */
#define BOOTMEM_TOP (~0ull & PAGE_MASK)

/* Shrink [start, end) inward to whole pages, without page 0. False if nothing is left. */
static bool bootmem_shrink(paddr_t start, paddr_t end, paddr_t *s, paddr_t *e)
{
    if (end <= start || start > BOOTMEM_TOP)
        return false;
    *s = MAX(ALIGN_UP(start, PAGE_SIZE), PAGE_SIZE);
    *e = ALIGN_DOWN(end, PAGE_SIZE);
    return *s < *e;
}

/* Widen [start, end) outward to whole pages, clamped to BOOTMEM_TOP. False if it was empty. */
static bool bootmem_widen(paddr_t start, paddr_t end, paddr_t *s, paddr_t *e)
{
    if (end <= start)
        return false;
    *s = ALIGN_DOWN(start, PAGE_SIZE);
    *e = end > BOOTMEM_TOP ? BOOTMEM_TOP : ALIGN_UP(end, PAGE_SIZE);
    return *s < *e;
}

/* Remove n ranges starting at slot i. */
static void bootmem_remove(struct bootmem *bm, unsigned int i, unsigned int n)
{
    memmove(&bm->r[i], &bm->r[i + n], (bm->nr - i - n) * sizeof(bm->r[0]));
    bm->nr -= n;
}

/* Insert [s, e) at slot i; the caller has checked that a slot is free. */
static void bootmem_insert(struct bootmem *bm, unsigned int i, paddr_t s, paddr_t e)
{
    ASSERT(bm->nr < BOOTMEM_MAX_RANGES);
    memmove(&bm->r[i + 1], &bm->r[i], (bm->nr - i) * sizeof(bm->r[0]));
    bm->r[i].start = s;
    bm->r[i].end = e;
    bm->nr++;
}

/*
 * Empty the table.
 * Context: any; no locking (the caller owns bm).
 */
void bootmem_init(struct bootmem *bm)
{
    bm->nr = 0;
}

/*
 * Add usable RAM; see bootmem.h. Ranges from the first one that ends at or after s up to the
 * last one that starts at or before e overlap or touch [s, e), and all become one.
 * Returns 0, or -1 with a warning if a new slot was needed and the table is full.
 */
int bootmem_add(struct bootmem *bm, paddr_t start, paddr_t end)
{
    paddr_t s, e;
    unsigned int i = 0, j;
    int ret = 0;

    if (!bootmem_shrink(start, end, &s, &e))
        goto out;
    while (i < bm->nr && bm->r[i].end < s)
        i++;
    for (j = i; j < bm->nr && bm->r[j].start <= e; j++) {
        s = MIN(s, bm->r[j].start);
        e = MAX(e, bm->r[j].end);
    }
    if (j > i) {
        bm->r[i].start = s;
        bm->r[i].end = e;
        bootmem_remove(bm, i + 1, j - i - 1);
    } else if (bm->nr < BOOTMEM_MAX_RANGES) {
        bootmem_insert(bm, i, s, e);
    } else {
        printk(KERN_WARNING "bootmem: table full, dropping RAM [%#llx, %#llx)\n",
               (unsigned long long)s, (unsigned long long)e);
        ret = -1;
    }
out:
    return ret;
}

/*
 * Cut [s, e) out of slot i. If both ends survive and the table is full, the smaller piece is
 * dropped: losing memory is safe, handing out reserved memory is not.
 */
static void bootmem_cut(struct bootmem *bm, unsigned int i, paddr_t s, paddr_t e)
{
    paddr_t rs = bm->r[i].start, re = bm->r[i].end;
    bool lo = rs < s, hi = e < re;

    if (re <= s || e <= rs)
        goto out;
    if (lo && hi && bm->nr == BOOTMEM_MAX_RANGES) {
        printk(KERN_WARNING "bootmem: table full, dropping RAM [%#llx, %#llx)\n",
               (unsigned long long)(s - rs < re - e ? rs : e),
               (unsigned long long)(s - rs < re - e ? s : re));
        lo = s - rs >= re - e;
        hi = !lo;
    }
    if (lo && hi)
        bootmem_insert(bm, i + 1, e, re);
    if (lo)
        bm->r[i].end = s;
    else if (hi)
        bm->r[i].start = e;
    else
        bootmem_remove(bm, i, 1);
out:
    return;
}

/*
 * Take [start, end) out of the pool; see bootmem.h. Walks downwards so that a split or a removal
 * at slot i moves only slots already visited.
 * Context: any; no locking (the caller owns bm).
 */
void bootmem_reserve(struct bootmem *bm, paddr_t start, paddr_t end)
{
    paddr_t s, e;
    unsigned int i;

    if (!bootmem_widen(start, end, &s, &e))
        goto out;
    for (i = bm->nr; i-- > 0;)
        bootmem_cut(bm, i, s, e);
out:
    return;
}

/*
 * Allocate from the top; see bootmem.h. Returns the address, or 0 on failure. 0 is never a valid
 * result because bootmem_add never lets page 0 into the table.
 * Context: any; no locking (the caller owns bm).
 */
paddr_t bootmem_alloc(struct bootmem *bm, uint64_t size, uint64_t align, paddr_t limit)
{
    paddr_t top_limit = limit > BOOTMEM_TOP ? BOOTMEM_TOP : ALIGN_DOWN(limit, PAGE_SIZE);
    paddr_t top, a, ret = 0;
    unsigned int i;

    if (size == 0 || size > BOOTMEM_TOP || (align & (align - 1)) != 0)
        goto out;
    size = ALIGN_UP(size, PAGE_SIZE);
    align = MAX(align, PAGE_SIZE);
    for (i = bm->nr; i-- > 0;) {
        top = MIN(bm->r[i].end, top_limit);
        if (top <= bm->r[i].start || top - bm->r[i].start < size)
            continue;
        a = ALIGN_DOWN(top - size, align);
        if (a < bm->r[i].start)
            continue;
        bootmem_reserve(bm, a, a + size);
        ret = a;
        break;
    }
out:
    return ret;
}

/*
 * Bytes left in the pool.
 * Context: any; no locking (the caller owns bm).
 */
uint64_t bootmem_total(const struct bootmem *bm)
{
    uint64_t total = 0;
    unsigned int i;

    for (i = 0; i < bm->nr; i++)
        total += bm->r[i].end - bm->r[i].start;
    return total;
}
