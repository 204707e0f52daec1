/*
 * Memory management for PV test kernels: P2M/M2P, a free-frame allocator, scratch mappings,
 * the boot page tables, and thin wrappers around mmu_update, mmuext_op and memory_op.
 *
 * The model (Xen's start-of-day layout, shared/reference/xen-pv-abi.md 1.3): PFN n is at VA
 * XTF_GUEST_VIRT_BASE + n * 4096 for every PFN of the initial region [kernel .. boot page
 * tables .. boot stack .. padding), which is mapped by the boot tables rooted at
 * start_info.pt_base; the page-table frames are mapped read-only there. The PFNs from the end of
 * that region up to start_info.nr_pages are free RAM, unmapped: mm_alloc_*() hands them out.
 * Scratch mappings live in the last MM_NR_SLOTS pages of the padding, whose L1 entries sit in
 * the boot L1 tables, so update_va_mapping can point them at any frame.
 *
 * Everything here initialises itself on first use (mm_init()). Functions that cannot go on
 * (no free frame, no free slot, a frame of ours that cannot be mapped) end the test with
 * xtf_panic(): those are broken test assumptions, never the behaviour under test. Functions
 * that return a hypercall's result leave judging it to the test.
 */
#ifndef TESTS_GUESTS_MM_H
#define TESTS_GUESTS_MM_H

#include "xtf.h"

#define PAGE_SHIFT 12
#define PAGE_SIZE  4096ull

/* x86-64 page-table entry bits. */
#define PTE_P     (1ull << 0)
#define PTE_RW    (1ull << 1)
#define PTE_US    (1ull << 2)
#define PTE_PWT   (1ull << 3)
#define PTE_PCD   (1ull << 4)
#define PTE_A     (1ull << 5)
#define PTE_D     (1ull << 6)
#define PTE_PS    (1ull << 7)   /* L2/L3: superpage */
#define PTE_PAT   (1ull << 7)   /* L1: PAT index bit 2 */
#define PTE_G     (1ull << 8)
#define PTE_AVAIL (7ull << 9)   /* bits 9-11, free for the guest */
#define PTE_NX    (1ull << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ull

/* Usual entries: a read-only leaf, a writable leaf, and a table (L2-L4 entry). */
#define PTE_FLAGS_RO    (PTE_P | PTE_US | PTE_A)
#define PTE_FLAGS_RW    (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)
#define PTE_FLAGS_TABLE (PTE_P | PTE_RW | PTE_US | PTE_A | PTE_D)

#define MM_INVALID     (~0ull)   /* "no frame": failed lookups, M2P holes */
#define MM_NR_SLOTS    16        /* scratch virtual pages */
#define MM_L4_HYP_FIRST 256      /* L4 slots 256-271 belong to the hypervisor */
#define MM_L4_HYP_LAST  271

static inline uint64_t mm_pte(uint64_t mfn, uint64_t flags)
{
    return (mfn << PAGE_SHIFT) | flags;
}

static inline uint64_t mm_pte_mfn(uint64_t pte)
{
    return (pte & PTE_ADDR_MASK) >> PAGE_SHIFT;
}

/* Index of va in its level-`level` table (1 = L1 ... 4 = L4). */
static inline unsigned int mm_table_index(uint64_t va, unsigned int level)
{
    return (unsigned int)((va >> (PAGE_SHIFT + 9 * (level - 1))) & 511);
}

/* Machine address of entry idx of the table in frame mfn (what mmu_update's ptr wants). */
static inline uint64_t mm_entry_maddr(uint64_t mfn, unsigned int idx)
{
    return (mfn << PAGE_SHIFT) + (uint64_t)idx * 8;
}

/* Find the initial region and the free frames; idempotent, called by everything below. */
void mm_init(void);

/* --- Layout ------------------------------------------------------------------------------- */

uint64_t mm_nr_pages(void);                 /* start_info.nr_pages */
uint64_t mm_initial_end(void);              /* VA just past the initial mapping */
uint64_t mm_initial_pfns(void);             /* PFNs in the initial region (= first free PFN) */
const uint64_t *mm_boot_l4(void);           /* start_info.pt_base, mapped read-only */
uint64_t mm_boot_l4_mfn(void);              /* the boot L4 frame (the initial CR3) */

/* --- Frame numbers ------------------------------------------------------------------------ */

/* P2M: the MFN of pfn, or MM_INVALID beyond nr_pages. */
uint64_t mm_pfn_to_mfn(uint64_t pfn);

/*
 * M2P: machine_to_phys_mapping[mfn] read at MACH2PHYS_VIRT_START, through an exception probe:
 * MM_INVALID if the read faults (an unmapped part of the table, or a hypervisor without one).
 */
uint64_t mm_m2p(uint64_t mfn);

/* PFN of one of our frames: the M2P if it agrees with the P2M, else a P2M scan; MM_INVALID. */
uint64_t mm_mfn_to_pfn(uint64_t mfn);

/* VA in the initial region of pfn/mfn, or NULL when the frame lies outside it. */
void *mm_pfn_to_va(uint64_t pfn);
void *mm_mfn_to_va(uint64_t mfn);

/* PFN / MFN of a VA of the initial region (the image, the boot tables, the padding). */
uint64_t mm_va_to_pfn(const void *va);
uint64_t mm_va_to_mfn(const void *va);

/* --- Free frames -------------------------------------------------------------------------- */

/*
 * A free frame above the initial mapping, zeroed and left unmapped. Frames are never handed out
 * twice unless given back with mm_free_*(). A frame that cannot be mapped writable (given back
 * while still referenced) is skipped with a message. Out of frames: xtf_panic().
 */
uint64_t mm_alloc_pfn(void);
uint64_t mm_alloc_mfn(void);

/*
 * Give a frame from mm_alloc_*() back. The caller guarantees that nothing maps or references it
 * and that it is unpinned: the next mm_alloc_*() maps it writable to zero it, and panics if the
 * hypervisor refuses.
 */
void mm_free_pfn(uint64_t pfn);
void mm_free_mfn(uint64_t mfn);

/* --- Scratch mappings --------------------------------------------------------------------- */

/* Reserve one of the MM_NR_SLOTS scratch pages (xtf_panic() if none is free); unmapped. */
unsigned int mm_slot_alloc(void);
/* Unmap the slot (update_va_mapping to 0, UVMF_INVLPG) and release it; returns that rc. */
long mm_slot_free(unsigned int slot);
/* The slot's VA. */
void *mm_slot_va(unsigned int slot);
/* update_va_mapping(slot VA, pte, UVMF_INVLPG): any entry the test wants; returns the rc. */
long mm_slot_set(unsigned int slot, uint64_t pte);
/* Machine address of the boot L1 entry that maps the slot (for mmu_update). */
uint64_t mm_slot_l1e_maddr(unsigned int slot);

/*
 * Map mfn at a free slot, read-only or writable (PTE_FLAGS_RO / PTE_FLAGS_RW). Returns the VA,
 * or NULL with *rc (if rc is not NULL) set to update_va_mapping's error; the slot is then
 * released again.
 */
void *mm_map(uint64_t mfn, bool writable, long *rc);
/* Undo mm_map(): unmap with UVMF_INVLPG and release the slot; returns the hypercall's rc. */
long mm_unmap(const void *va);

/* Map mfn writable, store val at entry idx, unmap; returns the first failing rc, or 0. */
long mm_poke(uint64_t mfn, unsigned int idx, uint64_t val);
/* Entry idx of frame mfn, read through the initial region or a read-only scratch mapping. */
uint64_t mm_peek(uint64_t mfn, unsigned int idx);

/* --- Boot page tables --------------------------------------------------------------------- */

/*
 * Machine address of the level-`level` entry (1-4) that maps va in the boot tables, found by
 * walking from pt_base through the read-only views of the boot table frames. 0 when a table on
 * the way is missing, a superpage, or outside the initial region.
 */
uint64_t mm_boot_entry_maddr(uint64_t va, unsigned int level);
/* The same for the L1 entry: mm_boot_entry_maddr(va, 1). */
uint64_t mm_l1e_maddr(uint64_t va);
/* Read the entry at a machine address (any frame of ours). */
uint64_t mm_read_entry(uint64_t maddr);

/* --- Hypercall wrappers (DOMID_SELF throughout) -------------------------------------------- */

/* mmu_update of n requests; done may be NULL. */
long mm_update_batch(const struct mmu_update *reqs, unsigned int n, unsigned int *done);
/* One request: ptr = machine address | MMU_* command. */
long mm_update(uint64_t ptr, uint64_t val);
/* MMU_NORMAL_PT_UPDATE of the entry at maddr. */
long mm_set_entry(uint64_t maddr, uint64_t val);

/* One mmuext_op. */
long mm_ext(unsigned int cmd, uint64_t arg1, uint64_t arg2);
/* MMUEXT_PIN_L<level>_TABLE, level 1-4. */
long mm_pin(unsigned int level, uint64_t mfn);
long mm_unpin(uint64_t mfn);
long mm_new_baseptr(uint64_t mfn);
long mm_new_user_baseptr(uint64_t mfn);
long mm_tlb_flush_local(void);
long mm_tlb_flush_all(void);
long mm_invlpg_local(uint64_t va);
long mm_invlpg_all(uint64_t va);

long mm_memory_op(unsigned int cmd, void *arg);

/* --- Probes ------------------------------------------------------------------------------- */

/*
 * Read / write 8 bytes at va inside an exception probe. Return true if no exception happened;
 * otherwise false, with xtf_exinfo describing it.
 */
bool mm_probe_read(const void *va, uint64_t *val);
bool mm_probe_write(void *va, uint64_t val);

/*
 * Print "what: rc" and report a failure unless rc == want. Returns rc == want. For checks whose
 * expected value is Xen 4.17's: the test states it once, here.
 */
bool mm_check_rc(const char *what, long rc, long want);

/* The MFN that slot `slot` of the boot L4 points at (0 if not present): e.g. a hypervisor L3. */
uint64_t mm_boot_l4_slot_mfn(unsigned int slot);

/* --- Hearth ------------------------------------------------------------------------------- */

/* True when XENVER_extraversion contains "hearth" (asked once). */
bool xtf_on_hearth(void);

#define HEARTHOP_audit 1
/*
 * Hearth's debug hypercall 55 (Xen's __HYPERVISOR_arch_7, unused on x86) with HEARTHOP_audit:
 * 0 when the hypervisor's frame audit is clean, > 0 the number of problems, -ENOSYS on Xen.
 */
long hearth_audit(void);

/*
 * Run the audit after `what` and judge it: on Hearth anything but 0 is a failure; elsewhere
 * -ENOSYS is expected and noted once, anything else a failure.
 */
void mm_audit(const char *what);

#endif /* TESTS_GUESTS_MM_H */
