/* hv/features.h - the feature bits XENVER_get_features reports (Xen's XENFEAT_*). */
#ifndef HV_FEATURES_H
#define HV_FEATURES_H

/*
 * Bit numbers in submap 0 (hv/version.h, HV_VER_get_features). What a 64-bit PV domU must see:
 * mmu_pt_update_preserve_ad (5) and gnttab_map_avail_bits (7) (Linux refuses to boot without
 * them); never writable_page_tables (0), auto_translated_physmap (2) or hvm_callback_vector (8),
 * which would send a PV guest down HVM paths. Xen reports 5, 6, 7, 13, 17, 18, 19, 20 to a PV
 * domU, plus 4 once VMASST_TYPE_pae_extended_cr3 is on.
 */
#define HV_FEAT_writable_page_tables 0       /* guest writes its page tables directly */
#define HV_FEAT_writable_descriptor_tables 1 /* guest writes its GDT/LDT directly */
#define HV_FEAT_auto_translated_physmap 2    /* hypervisor translates PFN->MFN (HVM/PVH) */
#define HV_FEAT_supervisor_mode_kernel 3     /* guest kernel runs in ring 0 */
#define HV_FEAT_pae_pgdir_above_4gb 4        /* 32-bit PAE: L3 may live above 4 GiB */
#define HV_FEAT_mmu_pt_update_preserve_ad 5  /* MMU_PT_UPDATE_PRESERVE_AD is available */
#define HV_FEAT_highmem_assist 6             /* MMUEXT_{CLEAR,COPY}_PAGE are available */
#define HV_FEAT_gnttab_map_avail_bits 7      /* grant mappings keep the PTE's AVL bits */
#define HV_FEAT_hvm_callback_vector 8        /* HVM: events through an IDT vector */
#define HV_FEAT_hvm_safe_pvclock 9           /* HVM: pvclock safe across migration */
#define HV_FEAT_hvm_pirqs 10                 /* HVM: PIRQs as event channels */
#define HV_FEAT_dom0 11                      /* the guest may run as the initial domain */
#define HV_FEAT_grant_map_identity 12        /* deprecated (only a comment in Xen's header) */
#define HV_FEAT_memory_op_vnode_supported 13 /* memory_op takes a virtual NUMA node flag */
#define HV_FEAT_ARM_SMCCC_supported 14       /* ARM: SMCCC v1.1 calls */
#define HV_FEAT_linux_rsdp_unrestricted 15   /* PVH dom0: RSDP may be anywhere */
#define HV_FEAT_not_direct_mapped 16         /* guest memory is not 1:1 */
#define HV_FEAT_direct_mapped 17             /* guest memory is 1:1 (PV and 1:1 domains) */
#define HV_FEAT_runstate_phys_area 18        /* VCPUOP_register_runstate_phys_area works */
#define HV_FEAT_vcpu_time_phys_area 19       /* VCPUOP_register_vcpu_time_phys_area works */
#define HV_FEAT_dm_msix_all_writes 20        /* device models see every MSI-X control write */

#define HV_FEAT_NR_SUBMAPS 1

#endif /* HV_FEATURES_H */
