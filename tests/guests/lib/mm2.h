/*
 * More memory helpers for the PV test kernels, on top of mm.h: a hypervisor frame to aim hostile
 * requests at, a fresh L1 table hooked into the live tables, CR3, the P2M and result checks.
 */
#ifndef TESTS_GUESTS_MM2_H
#define TESTS_GUESTS_MM2_H

#include "mm.h"

/* The L4 slot of the hypervisor's image (0xffff82d040000000) on Xen and Hearth alike. */
#define MM2_L4_HYP_IMAGE 261

/*
 * MFN of a frame that belongs to the hypervisor, not to us: the L3 table behind slot 261 of
 * the boot L4 (else the first present hypervisor slot after the M2P's). xtf_panic() if none.
 */
uint64_t mm2_hyp_mfn(void);

/* A fresh L1 table, pinned and hooked into the boot L2 so that it maps [va, va + 2 MiB). */
struct mm2_l1 {
    uint64_t mfn;               /* the L1 frame */
    uint64_t va;                /* first VA it maps, 2 MiB aligned, past the initial mapping */
    uint64_t l2e_maddr;         /* the boot L2 entry that points at it */
    volatile uint64_t *view;    /* the L1 frame mapped read-only at a scratch slot */
};

/*
 * Take a free frame, pin it as an L1 and hook it into the first empty boot L2 entry past the
 * initial mapping; map it read-only for reading (and, with the writable-pagetables assist,
 * writing) its entries. xtf_panic() if any step fails: the test cannot go on.
 */
void mm2_l1_hook(struct mm2_l1 *l1);

/*
 * Undo mm2_l1_hook(): clear the L2 entry, unmap the view, unpin the table (which drops whatever
 * its entries still map) and give the frame back. Returns the first failing rc, or 0.
 */
long mm2_l1_unhook(struct mm2_l1 *l1);

/* The emulated `mov %cr3, reg`: the machine address of the current kernel L4. */
uint64_t mm2_read_cr3(void);

/* Store mfn in our P2M (start_info.mfn_list, writable memory of the initial region). */
void mm2_set_p2m(uint64_t pfn, uint64_t mfn);

/* XENMEM_current_reservation of DOMID_SELF: pages the domain holds, or -errno. */
long mm2_current_reservation(void);

/* xtf_failure() unless got == want; either way print `what: got`. Returns got == want. */
bool mm2_expect_rc(const char *what, long got, long want);

/*
 * Judge the last exception probe: a #PF whose error code has every bit of ec_set and none of
 * ec_clear. xtf_failure() (naming `what`) otherwise. Returns whether it matched.
 */
bool mm2_expect_pf(const char *what, uint64_t ec_set, uint64_t ec_clear);

/* xtf_failure() (naming `what`) if the last probe raised anything. Returns !raised. */
bool mm2_expect_no_fault(const char *what);

#endif /* TESTS_GUESTS_MM2_H */
