/* fake_mem.h - a fake machine for host tests of mm/ptype.c: frames in host memory, a frame
 * table, the hooks ptype.c calls, and an independent recount of every reference (the checker). */
#ifndef TESTS_UNIT_MM_FAKE_MEM_H
#define TESTS_UNIT_MM_FAKE_MEM_H

#include "mm/ptype.h"

/*
 * Frame layout, fixed so that tests and fuzz inputs name the same frames on every run:
 *   0 .. 3         the hypervisor's (PG_OWNER_HYP)
 *   4 .. 7         domain 2's (FM_OTHER)
 *   8              domain 1's PGC_XEN_HEAP page (like shared_info)
 *   9 .. n-1       domain 1's (FM_DOM), handed out in order by fm_alloc()
 *   n and above    not in the frame table: mm_frame() returns NULL
 */
#define FM_DOM 1
#define FM_OTHER 2
#define FM_HYP_FIRST 0
#define FM_OTHER_FIRST 4
#define FM_XEN_HEAP 8
#define FM_DOM_FIRST 9
#define FM_MIN_FRAMES 16
#define FM_MAX_FRAMES 4096
#define FM_MAX_HELD 1024

/* Entry bits, as the hardware defines them (written again here, not taken from ptype.c). */
#define FM_P (1ull << 0)
#define FM_W (1ull << 1)
#define FM_U (1ull << 2)
#define FM_PWT (1ull << 3)
#define FM_PCD (1ull << 4)
#define FM_A (1ull << 5)
#define FM_D (1ull << 6)
#define FM_PS (1ull << 7) /* PAT in an L1 entry */
#define FM_G (1ull << 8)
#define FM_GNTTAB (1ull << 62)
#define FM_NX (1ull << 63)
#define FM_ADDR 0x000ffffffffff000ull

/* A reference the harness itself holds (a vCPU root, a GDT frame, a mapping being used):
 * a general reference, plus a type reference unless type is PGT_NONE. */
struct fm_held {
    uint16_t dom;
    mfn_t mfn;
    uint64_t type;
};

struct fake_mem {
    uint64_t nframes;
    struct page_info *pages;
    uint64_t (*mem)[PT_ENTRIES];
    struct pt_dom dom[2]; /* [0] = domain FM_DOM, [1] = domain FM_OTHER */
    uint64_t next_free;   /* fm_alloc()'s next frame */
    uint64_t flush_calls; /* pt_flush_tlbs() calls */
    uint64_t map_calls;   /* pt_map_table() calls */
    struct fm_held held[FM_MAX_HELD];
    unsigned int nheld;
    char why[512]; /* the first problem fm_check() found */
};

extern struct fake_mem fm;

/* Build the machine (n frames, FM_MIN_FRAMES..FM_MAX_FRAMES; frames zeroed) and tear it down. */
void fm_init(uint64_t n, bool io_caps);
void fm_fini(void);

/* Domain 1's and domain 2's pt_dom. */
struct pt_dom *fm_dom(void);
struct pt_dom *fm_other(void);

/* The value the hypervisor keeps in L4 slot i (PT_L4_HYP_FIRST..PT_L4_HYP_LAST): recognizable,
 * and pointing at hypervisor frames, so a reference taken through it would show. */
uint64_t fm_hyp_l4e(unsigned int i);

/* The next unused frame of domain 1 (zeroed); panics when there is none left. */
mfn_t fm_alloc(void);
/* A frame's 512 entries (raw access for tests: no checks, no references). */
uint64_t *fm_table(mfn_t mfn);
static inline uint64_t fm_pte(mfn_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

/* General and type counts of a frame. */
uint64_t fm_gen(mfn_t mfn);
uint64_t fm_typ(mfn_t mfn);
uint64_t fm_type(mfn_t mfn); /* PGT_* type */

/*
 * Harness-held references: fm_get() calls pt_get_page_and_type (or pt_get_page for PGT_NONE)
 * and records the reference on success; fm_put() drops the held reference number i.
 * fm_hold()/fm_unhold() only record/forget (for references taken or dropped by other means).
 */
int fm_get(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w);
void fm_put(unsigned int i);
void fm_hold(struct pt_dom *pd, mfn_t mfn, uint64_t type);
void fm_unhold(unsigned int i);

/*
 * The reference checker: recount, from scratch, every reference the live page-table entries,
 * the pins, the partial validations and the harness hold, and compare with the frame table;
 * check each frame's state flags, the deferred lists, entry bits and targets, and the
 * hypervisor's L4 slots. Returns the number of problems (0: all consistent); fm.why describes
 * the first one.
 */
unsigned long fm_check(void);

/* Entries of a table that hold references, by its type word (the rules of ptype.h). */
unsigned int fm_live_entries(uint64_t type_info);

/* Snapshot of the whole machine (frame table and memory) for exact comparisons. */
struct fm_snap {
    uint64_t nframes;
    struct page_info *pages;
    uint64_t (*mem)[PT_ENTRIES];
};
void fm_snap_take(struct fm_snap *s);
/* 0 if equal, else 1 + the first differing frame number (fm.why says what differs). */
uint64_t fm_snap_diff(const struct fm_snap *s);
void fm_snap_free(struct fm_snap *s);

#endif /* TESTS_UNIT_MM_FAKE_MEM_H */
