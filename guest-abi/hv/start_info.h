/* hv/start_info.h - what a PV kernel finds at entry: the start_info page (rsi points at it). */
#ifndef HV_START_INFO_H
#define HV_START_INFO_H

#include "abi.h"

/* start_info.flags */
#define HV_SIF_PRIVILEGED (1 << 0)     /* the domain may use privileged operations */
#define HV_SIF_INITDOMAIN (1 << 1)     /* the initial control domain (dom0) */
#define HV_SIF_MULTIBOOT_MOD (1 << 2)  /* mod_start points at a struct hv_multiboot_mod_list */
#define HV_SIF_MOD_START_PFN (1 << 3)  /* mod_start is a PFN, not a VA */
#define HV_SIF_VIRT_P2M_4TOOLS (1 << 4) /* tools understand a virtually mapped p2m list */
#define HV_SIF_PM_MASK (0xff << 8)      /* reserved for power-management options */

#define HV_MAX_GUEST_CMDLINE 1024

/* start_info.magic for a 64-bit PV guest ("xen-<version>-<platform>"), NUL-terminated. */
#define HV_START_INFO_MAGIC "xen-3.0-x86_64"

#ifndef __ASSEMBLY__

/*
 * Built by the domain builder in a page of the guest's initial mapping; the guest's rsi holds
 * its VA at entry. All OUT (for the guest to read). "MFN" = machine frame number; "VA" = guest
 * virtual address in the initial mapping. The first group is also refilled on resume.
 */
struct hv_start_info {
    /* OUT: filled on boot and on resume */
    char magic[32];       /* HV_START_INFO_MAGIC */
    uint64_t nr_pages;    /* pages the domain has */
    uint64_t shared_info; /* machine address of the shared_info page */
    uint32_t flags;       /* HV_SIF_* */
    uint32_t _pad0;
    hv_pfn_t store_mfn;   /* xenstore ring page */
    uint32_t store_evtchn; /* its event channel; 0 = none */
    uint32_t _pad1;
    union {
        struct {
            hv_pfn_t mfn;    /* console ring page */
            uint32_t evtchn; /* its event channel; 0 = none */
            uint32_t _pad;
        } domU;
        struct {            /* initial domain only: video console description */
            uint32_t info_off;  /* offset of a dom0 console_info in this page */
            uint32_t info_size; /* its size */
        } dom0;
    } console;
    /* OUT: filled on boot only */
    uint64_t pt_base;      /* VA of the bootstrap L4 (the initial CR3) */
    uint64_t nr_pt_frames; /* frames of bootstrap page tables */
    uint64_t mfn_list;     /* VA of the p2m list: one MFN per PFN, nr_pages entries */
    uint64_t mod_start;    /* initrd VA, or first PFN with HV_SIF_MOD_START_PFN; 0 = none */
    uint64_t mod_len;      /* initrd size in bytes */
    int8_t cmd_line[HV_MAX_GUEST_CMDLINE]; /* NUL-terminated */
    uint64_t first_p2m_pfn; /* first PFN of the p2m list and its page tables (INIT_P2M note) */
    uint64_t nr_p2m_frames; /* number of those PFNs */
};
HV_CHECK_SIZE(hv_start_info, 1168);
HV_CHECK_OFFSET(hv_start_info, nr_pages, 32);
HV_CHECK_OFFSET(hv_start_info, shared_info, 40);
HV_CHECK_OFFSET(hv_start_info, flags, 48);
HV_CHECK_OFFSET(hv_start_info, store_mfn, 56);
HV_CHECK_OFFSET(hv_start_info, store_evtchn, 64);
HV_CHECK_OFFSET(hv_start_info, console, 72);
HV_CHECK_OFFSET(hv_start_info, console.domU.evtchn, 80);
HV_CHECK_OFFSET(hv_start_info, console.dom0.info_size, 76);
HV_CHECK_OFFSET(hv_start_info, pt_base, 88);
HV_CHECK_OFFSET(hv_start_info, nr_pt_frames, 96);
HV_CHECK_OFFSET(hv_start_info, mfn_list, 104);
HV_CHECK_OFFSET(hv_start_info, mod_start, 112);
HV_CHECK_OFFSET(hv_start_info, mod_len, 120);
HV_CHECK_OFFSET(hv_start_info, cmd_line, 128);
HV_CHECK_OFFSET(hv_start_info, first_p2m_pfn, 1152);
HV_CHECK_OFFSET(hv_start_info, nr_p2m_frames, 1160);

/*
 * With HV_SIF_MULTIBOOT_MOD (initial domain only), mod_start points at an array of these, one per
 * boot module; addresses are physical (pseudo-physical for the guest).
 */
struct hv_multiboot_mod_list {
    uint32_t mod_start; /* first byte */
    uint32_t mod_end;   /* last byte, inclusive */
    uint32_t cmdline;   /* NUL-terminated command line */
    uint32_t pad;       /* zero */
};
HV_CHECK_SIZE(hv_multiboot_mod_list, 16);
HV_CHECK_OFFSET(hv_multiboot_mod_list, cmdline, 8);

#endif /* !__ASSEMBLY__ */

#endif /* HV_START_INFO_H */
