/* page_info.h - the frame table entry: one struct page_info per machine frame. */
#ifndef HYP_MM_PAGE_INFO_H
#define HYP_MM_PAGE_INFO_H

#include "lib/lib.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE (1ull << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

typedef uint64_t mfn_t; /* machine frame number: paddr >> PAGE_SHIFT */

/* Owners that are not domains. Domain ids (0 .. 0x7fef) are owners too, from the PV issue on. */
#define PG_OWNER_NONE 0xffffffffu /* not RAM, or kept by firmware: never allocated */
#define PG_OWNER_FREE 0xfffffffeu /* in the buddy allocator */
#define PG_OWNER_HYP 0xfffffffdu  /* the hypervisor's: image, frame table, page tables, heap */

#define PG_LIST_NONE 0xffffffffu /* end of a page list (next/prev) */

/*
 * count_info: general reference count in bits 0-45, flags above.
 * type_info: the frame's type in bits 60-63, flags, type count in bits 0-45 (mm/ptype.h has the
 * rules). A frame holds one type at a time and changes type only at type count 0; the buddy
 * allocator needs both counts to be 0 for a free frame.
 */
#define PGC_COUNT_MASK ((1ull << 46) - 1)
#define PGT_COUNT_MASK ((1ull << 46) - 1)
#define PGT_TYPE_SHIFT 60
#define PGT_NONE (0ull << PGT_TYPE_SHIFT)
#define PGT_L1 (1ull << PGT_TYPE_SHIFT)
#define PGT_L2 (2ull << PGT_TYPE_SHIFT)
#define PGT_L3 (3ull << PGT_TYPE_SHIFT)
#define PGT_L4 (4ull << PGT_TYPE_SHIFT)
#define PGT_SEG_DESC (5ull << PGT_TYPE_SHIFT)
#define PGT_WRITABLE (6ull << PGT_TYPE_SHIFT)
#define PGT_TYPE_MASK (15ull << PGT_TYPE_SHIFT)
#define PGT_PINNED (1ull << 59)
#define PGT_VALIDATED (1ull << 58)

/* 32 bytes. Lists link frames by frame number so that an entry stays small. */
struct page_info {
    uint32_t next;       /* next frame in the owner's list (buddy free list, domain list) */
    uint32_t prev;       /* previous frame in that list */
    uint32_t owner;      /* PG_OWNER_* or a domain id */
    uint32_t order;      /* free: order of the block this frame heads; owned by a domain: next
                          * on its deferred-devalidation list (mfn + 1, 0 = end) */
    uint64_t count_info; /* general reference count and PGC_* flags */
    uint64_t type_info;  /* PGT_* type, flags and type count */
};
BUILD_BUG_ON(sizeof(struct page_info) != 32);

#endif /* HYP_MM_PAGE_INFO_H */
