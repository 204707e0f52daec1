/* hv/mmu.h - page-table hypercalls: mmu_update, mmuext_op, update_va_mapping (Xen's x86-64 PV
 * memory interface, xen.h). */
#ifndef HV_MMU_H
#define HV_MMU_H

#include "hv/abi.h"

/* mmu_update: the command is in the low 2 bits of ptr. */
#define HV_MMU_NORMAL_PT_UPDATE 0      /* *ptr = val, after validation */
#define HV_MMU_MACHPHYS_UPDATE 1       /* m2p[ptr >> 12] = val */
#define HV_MMU_PT_UPDATE_PRESERVE_AD 2 /* as NORMAL, keeping the entry's A and D bits */
#define HV_MMU_PT_UPDATE_NO_TRANSLATE 3

/* mmuext_op commands. */
#define HV_MMUEXT_PIN_L1_TABLE 0
#define HV_MMUEXT_PIN_L2_TABLE 1
#define HV_MMUEXT_PIN_L3_TABLE 2
#define HV_MMUEXT_PIN_L4_TABLE 3
#define HV_MMUEXT_UNPIN_TABLE 4
#define HV_MMUEXT_NEW_BASEPTR 5
#define HV_MMUEXT_TLB_FLUSH_LOCAL 6
#define HV_MMUEXT_INVLPG_LOCAL 7
#define HV_MMUEXT_TLB_FLUSH_MULTI 8
#define HV_MMUEXT_INVLPG_MULTI 9
#define HV_MMUEXT_TLB_FLUSH_ALL 10
#define HV_MMUEXT_INVLPG_ALL 11
#define HV_MMUEXT_FLUSH_CACHE 12
#define HV_MMUEXT_SET_LDT 13
#define HV_MMUEXT_NEW_USER_BASEPTR 15
#define HV_MMUEXT_CLEAR_PAGE 16
#define HV_MMUEXT_COPY_PAGE 17
#define HV_MMUEXT_FLUSH_CACHE_GLOBAL 18
#define HV_MMUEXT_MARK_SUPER 19
#define HV_MMUEXT_UNMARK_SUPER 20

/* update_va_mapping flags: the flush type in bits 0-1, the scope in the bits above. */
#define HV_UVMF_NONE 0
#define HV_UVMF_TLB_FLUSH 1
#define HV_UVMF_INVLPG 2
#define HV_UVMF_FLUSHTYPE_MASK 3
#define HV_UVMF_MULTI 0 /* with a VA of a vCPU bitmap in the bits above */
#define HV_UVMF_LOCAL 0
#define HV_UVMF_ALL 4

#ifndef __ASSEMBLY__

/* mmu_update(reqs, count, *done, foreigndom): one request. */
struct hv_mmu_update {
    /* IN */
    uint64_t ptr; /* machine address of the entry, command in bits 0-1 */
    uint64_t val; /* the new entry (an MFN inside) */
};
HV_CHECK_SIZE(hv_mmu_update, 16);

/* mmuext_op(ops, count, *done, foreigndom): one operation. */
struct hv_mmuext_op {
    /* IN */
    uint32_t cmd; /* HV_MMUEXT_* */
    uint32_t _pad0;
    union {
        hv_pfn_t mfn;          /* PIN_*, UNPIN, NEW_*BASEPTR, CLEAR_PAGE, COPY_PAGE (dest) */
        uint64_t linear_addr;  /* INVLPG_*, SET_LDT */
    } arg1;
    union {
        uint32_t nr_ents;          /* SET_LDT */
        hv_guest_addr_t vcpumask;  /* TLB_FLUSH_MULTI, INVLPG_MULTI: VA of a vCPU bitmap */
        hv_pfn_t src_mfn;          /* COPY_PAGE */
    } arg2;
};
HV_CHECK_SIZE(hv_mmuext_op, 24);
HV_CHECK_OFFSET(hv_mmuext_op, arg1, 8);
HV_CHECK_OFFSET(hv_mmuext_op, arg2, 16);

#endif /* !__ASSEMBLY__ */

#endif /* HV_MMU_H */
