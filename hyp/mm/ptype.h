/* ptype.h - typed page frames: reference counts, page-table types and the validation of guest
 * page-table entries, the heart of PV memory safety (shared/reference/xen-pv-abi.md section 5). */
#ifndef HYP_MM_PTYPE_H
#define HYP_MM_PTYPE_H

#include "mm/page_info.h"

/*
 * The rules, enforced here for every frame a PV domain owns:
 * - A frame holds one type at a time (none, L1-L4 page table, segment descriptor, writable) and
 *   changes type only when its type count is 0. Taking a page-table type at count 0 validates
 *   every present entry, which takes references on what the entries point to (recursively:
 *   an L4 entry takes an L3 type reference on its target, and so on). Dropping the last type
 *   reference devalidates: the entries' references are released (deferred, see below).
 * - An L1 entry takes a general reference on the frame it maps, and a writable-type reference
 *   too when it is writable: so no frame can be writable and a page table (or descriptor page)
 *   at once, anywhere. Entries map only frames the domain owns.
 * - Refused: reserved and cache-attribute bits (PWT/PCD/PAT in L1 unless the domain has I/O
 *   privilege; PWT/PCD/PS/G in L2-L4, so no superpages), bit 62 in L1 (Xen's grant marker),
 *   and linear (recursive) page tables: an Ln entry must point to an L(n-1) table, and a frame
 *   has one type, so a table can never be its own ancestor. L4 slots 256-271 are the
 *   hypervisor's: filled from the hypervisor's tables on validation, never guest-writable.
 * - Validation is preemptible. A frame whose validation ran out of budget stays PARTIAL: its
 *   first `idx` entries hold references and it carries one type reference that belongs to no
 *   one (count 1). The next pt_get_type() on it, from any path, resumes and on success hands that
 *   reference to its caller; so no reference is taken twice or lost across a continuation.
 * - Devalidation is deferred: a page table whose type count drops to 0 is marked DEVAL and put
 *   on its domain's deferred list; pt_run_deferred() releases the entries' references under a
 *   budget. A DEVAL frame that is needed again is finished on the spot (one frame, bounded).
 *
 * type_info: bits 63-60 type, 59 PINNED, 58 VALIDATED, 57 PARTIAL, 56 DEVAL, 55 ON_LIST,
 * 54-46 idx (PARTIAL: entries [0, idx) are validated), 45-0 type count. VALIDATED is set
 * exactly on complete page tables in use (type count > 0): the last put clears it.
 * count_info: general reference count in bits 0-45, PGC_* flags above.
 * Locking: every call for a domain's frames is made with that domain's mm_lock held.
 */
#define PGT_PARTIAL (1ull << 57)
#define PGT_DEVAL (1ull << 56)
#define PGT_ON_LIST (1ull << 55)
#define PGT_IDX_SHIFT 46
#define PGT_IDX_MASK (511ull << PGT_IDX_SHIFT)

#define PGC_XEN_HEAP (1ull << 63) /* hypervisor page given to a domain to map (shared_info) */

#define PT_ENTRIES 512
#define PT_L4_HYP_FIRST 256 /* L4 slots 256-271 belong to the hypervisor in every guest */
#define PT_L4_HYP_LAST 271

/* Internal: out of budget, call again (a continuation); never returned to a guest. */
#define PT_ERESTART 0x10000

/* What the type system needs to know of a domain. [m] = the domain's mm_lock. */
struct pt_dom {
    uint16_t id;        /* owner id in page_info */
    bool io_caps;       /* may use cache attributes (PWT/PCD/PAT) in L1 entries */
    uint32_t deferred;  /* [m] head of the deferred-devalidation list: mfn + 1; 0 = empty */
    uint64_t flushes;   /* [m] TLB flushes asked for on type changes (statistics) */
};

/* Work allowed before a preemption point: entries validated or released. Reset per hypercall;
 * 4096 entries (8 page tables) is well under 100 us of work on any CPU we run on. */
#define PT_WORK_BUDGET 4096
struct pt_work {
    uint32_t left;
};

/* Frame-table and memory access, provided by the hypervisor (mm.c) or a test harness. */
struct page_info *mm_frame(mfn_t mfn);
uint64_t *pt_map_table(mfn_t mfn);          /* the frame's 512 entries, writable */
void pt_fill_hyp_l4_slots(uint64_t *l4);    /* copy the hypervisor's L4 slots 256-271 in */
/* Flush every CPU's TLB that may hold a translation of the domain's (its dirty CPUs): called
 * before a frame that was writable or a page table changes type. */
void pt_flush_tlbs(struct pt_dom *pd);

/* PGT type of a table one level down from type (PGT_L4 -> PGT_L3, ...). */
uint64_t pt_child_type(uint64_t type);

/*
 * Check an entry's bits for a table of the given type (PGT_L1 .. PGT_L4), without looking at
 * what it points to. Returns 0 or -HV_EINVAL. Not-present entries always pass.
 */
int pt_check_entry(const struct pt_dom *pd, uint64_t type, uint64_t e);

/* General reference on a frame pd owns: 0, or -HV_EINVAL (not pd's, or not RAM). */
int pt_get_page(struct pt_dom *pd, mfn_t mfn);
void pt_put_page(mfn_t mfn);

/*
 * Type reference of the given type (PGT_L1..PGT_L4, PGT_SEG_DESC, PGT_WRITABLE) on a frame pd
 * owns; the caller already holds a general reference. A page-table type taken at count 0
 * validates the frame first (flushing TLBs if it changes type). Returns 0; -HV_EINVAL (another
 * type in use, or an entry refused: nothing changed); PT_ERESTART (out of budget: the partial
 * state is kept in the frame; call again to go on).
 */
int pt_get_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w);
/* Drop a type reference; the last one of a page table queues its devalidation. */
void pt_put_type(struct pt_dom *pd, mfn_t mfn);

/* Is mfn pd's page table of `type`, validated and in use (so entries can be replaced)? */
bool pt_is_validated(const struct pt_dom *pd, mfn_t mfn, uint64_t type);

/* Both references, taken or dropped together (roots, pins, parent entries). */
int pt_get_page_and_type(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w);
void pt_put_page_and_type(struct pt_dom *pd, mfn_t mfn);

/*
 * Replace entry idx of table mfn (whose type is `type`, held validated by the caller's context)
 * with e: the new entry's references are taken first, then it is written, then the old one's
 * are released. preserve_ad ORs the current Accessed/Dirty bits into e. L4 slots 256-271 are
 * refused. Returns 0, -HV_EINVAL, or PT_ERESTART (nothing changed).
 */
int pt_mod_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx, uint64_t e,
                 bool preserve_ad, struct pt_work *w);

/* As pt_mod_entry (without preserve_ad), but only if the entry still holds expect: else
 * nothing changes and PT_ECHANGED is returned (the CPU set A or D meanwhile: read again). For
 * emulated locked read-modify-writes of entries. */
#define PT_ECHANGED 0x10001
int pt_cmpxchg_entry(struct pt_dom *pd, mfn_t mfn, uint64_t type, unsigned int idx,
                     uint64_t expect, uint64_t e, struct pt_work *w);

/* Pin: a type reference (validating) marked PINNED; -HV_EINVAL if already pinned or refused.
 * Unpin: drop it; -HV_EINVAL if not pinned. */
int pt_pin(struct pt_dom *pd, mfn_t mfn, uint64_t type, struct pt_work *w);
int pt_unpin(struct pt_dom *pd, mfn_t mfn);

/* Release the entries of deferred page tables until the list is empty (0) or the budget is
 * spent (PT_ERESTART). */
int pt_run_deferred(struct pt_dom *pd, struct pt_work *w);

/* Finish a pending devalidation of one frame now (no-op if none): before the frame is freed or
 * changes hands. Bounded: one frame's entries. */
void pt_settle(struct pt_dom *pd, mfn_t mfn);

#endif /* HYP_MM_PTYPE_H */
