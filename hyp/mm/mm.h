/* mm.h - the hypervisor's memory: boot allocator, page tables (direct map, image, stacks, I/O
 * remapping), the frame table, the frame (buddy) allocator and xmalloc. */
#ifndef HYP_MM_MM_H
#define HYP_MM_MM_H

#include "arch/layout.h"
#include "boot/bootinfo.h"
#include "lib/lib.h"
#include "mm/page_info.h"
#include "mm/ptype.h"

/* Page-table entry bits. */
#define PTE_P (1ull << 0)
#define PTE_W (1ull << 1)
#define PTE_U (1ull << 2)
#define PTE_PWT (1ull << 3)
#define PTE_PCD (1ull << 4)
#define PTE_A (1ull << 5)
#define PTE_D (1ull << 6)
#define PTE_PS (1ull << 7)
#define PTE_G (1ull << 8)
#define PTE_NX (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Direct map: every RAM frame at DIRECTMAP_VIRT_START + its address. */
static inline void *maddr_to_virt(paddr_t pa)
{
    return (void *)(pa + DIRECTMAP_VIRT_START);
}
/* The machine address of a direct-map or image address. */
paddr_t virt_to_maddr(const void *va);

/*
 * Build the hypervisor's memory from the boot information: boot allocator (everything usable
 * except the image, the loader's structure, the modules and the first MiB), the final page
 * tables (switched to before return), the frame table and the buddy allocator, then xmalloc.
 * nr_cpus bounds the stacks mapped. Panics when there is no memory to run in.
 */
void mm_init(const struct boot_info *bi, unsigned int nr_cpus);

/* The page-table root every CPU runs on when no guest is loaded (below 4 GiB: the AP trampoline
 * loads it in 32-bit mode). */
paddr_t mm_idle_root(void);
/* The low page (below 1 MiB) set aside for the AP start-up trampoline, identity mapped. */
paddr_t mm_trampoline_page(void);
/* Map cpu's stack window (see layout.h) and return its base address; 0 on failure. */
uint64_t mm_map_cpu_stacks(unsigned int cpu);

/* Map [pa, pa + len) uncached (device registers) or write-back (firmware tables) in the I/O
 * remapping area; NULL when the area is exhausted or the range wraps. Mappings are permanent. */
void *ioremap(paddr_t pa, size_t len);
void *ioremap_cached(paddr_t pa, size_t len);

/* 2^order contiguous frames for the hypervisor, in the direct map; NULL when out of memory. */
void *mm_alloc_pages(unsigned int order);
void mm_free_pages(void *va, unsigned int order);

/* The frame table entry of a machine frame, or NULL beyond the last frame. */
struct page_info *mm_frame(mfn_t mfn);

/* The machine-to-phys table guests read at M2P_VIRT_START: pfn of each frame in its owner's
 * pseudo-physical space, M2P_INVALID for frames that are not a domain's RAM. */
#define M2P_INVALID (~0ull)
void mm_set_m2p(mfn_t mfn, uint64_t pfn);
uint64_t mm_get_m2p(mfn_t mfn);
/* One past the highest frame number of RAM (the frame table's size). */
uint64_t mm_max_mfn(void);

struct mm_stats {
    uint64_t total;    /* frames of RAM (usable in the memory map) */
    uint64_t free;     /* in the buddy allocator */
    uint64_t hyp;      /* owned by the hypervisor (the boot modules too: kept for dom0) */
    uint64_t firmware; /* usable in the map but kept out (first MiB, the loader's data) */
};
void mm_stats(struct mm_stats *st);
/* Free frames now. */
uint64_t mm_free_frames(void);

/* xmalloc.c: small-object allocator over mm_alloc_pages. NULL on failure; xfree(NULL) is a
 * no-op; xzalloc zeroes. Any CPU, any context except NMI. */
void *xmalloc(size_t size);
void *xmalloc_aligned(size_t size, size_t align);
void *xzalloc(size_t size);
void xfree(void *p);
/* Give the cached empty slab pages back to the frame allocator (for exact accounting). */
void xmalloc_trim(void);

#endif /* HYP_MM_MM_H */
