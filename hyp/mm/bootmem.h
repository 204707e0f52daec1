/* bootmem.h - the boot allocator: a sorted table of free physical ranges, used before the buddy. */
#ifndef HYP_MM_BOOTMEM_H
#define HYP_MM_BOOTMEM_H

#include "lib/lib.h"

#define BOOTMEM_MAX_RANGES 128

/*
 * The free physical memory known at boot. Invariants: r[0 .. nr) sorted by start, disjoint and
 * not touching (neighbours are merged), page aligned, each [start, end) non-empty, no range
 * contains page 0 (so 0 can mean "no memory"), and no end exceeds 2^64 - PAGE_SIZE (an exclusive
 * end cannot say 2^64, so the top page of the address space is never used).
 *
 * Pure data: no locks, no globals. Boot runs it on one CPU; a caller on several CPUs locks it.
 * Reservations are not remembered: add all RAM first, then reserve, then allocate.
 */
struct bootmem {
    struct {
        paddr_t start, end;
    } r[BOOTMEM_MAX_RANGES];
    unsigned int nr;
};

/* Empty the table. Page 0 is never accepted afterwards (see struct bootmem). */
void bootmem_init(struct bootmem *bm);

/*
 * Add usable RAM [start, end). The range is shrunk inward to page bounds and page 0 is cut off;
 * what is then empty (zero-length, inverted, sub-page) is ignored. Overlapping or touching
 * ranges are merged.
 * Returns 0 (also when ignored), or -1 if the table has no free slot: the range is dropped and a
 * warning printed.
 */
int bootmem_add(struct bootmem *bm, paddr_t start, paddr_t end);

/*
 * Take [start, end) out of the pool, widened outward to page bounds; zero-length and inverted
 * ranges are ignored. Splitting a range needs a slot: if the table is full, the smaller of the
 * two pieces is dropped too (memory is lost, never handed out twice) and a warning printed.
 */
void bootmem_reserve(struct bootmem *bm, paddr_t start, paddr_t end);

/*
 * Allocate size bytes (rounded up to pages) aligned to align (a power of two; below PAGE_SIZE
 * means PAGE_SIZE) from the highest place whose end is <= limit (pass ~0ull for no limit).
 * Returns the physical address, or 0 if nothing fits or size is 0 or align is not a power of two.
 * The memory is not zeroed.
 */
paddr_t bootmem_alloc(struct bootmem *bm, uint64_t size, uint64_t align, paddr_t limit);

/* Bytes still free in the pool. */
uint64_t bootmem_total(const struct bootmem *bm);

#endif /* HYP_MM_BOOTMEM_H */
