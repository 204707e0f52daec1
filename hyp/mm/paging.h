/* paging.h - building 4-level page tables (private to hyp/mm). */
#ifndef HYP_MM_PAGING_H
#define HYP_MM_PAGING_H

#include "mm/mm.h"

/* Where new page-table frames come from: the boot allocator first, the buddy allocator later.
 * Returns 0 when out of memory. */
void paging_set_allocator(paddr_t (*alloc)(void));
/* A new, empty root table. */
paddr_t paging_new_root(void);
/* Map [va, va + len) to [pa, pa + len) with leaf flags; large pages where alignment allows and
 * large is true. Existing mappings in the range are replaced. Panics when out of memory (boot
 * time only). */
void paging_map(paddr_t root, uint64_t va, paddr_t pa, uint64_t len, uint64_t flags, bool large);
/* Remove the 4 KiB mapping of va (which must not be inside a large page); flushes this CPU's TLB
 * entry. */
void paging_unmap(paddr_t root, uint64_t va);

#endif
