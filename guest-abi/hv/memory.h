/* hv/memory.h - memory_op: reservations (the balloon driver's verbs), memory maps, the M2P. */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

#include "hv/abi.h"

/*
 * memory_op(cmd, arg), hypercall HV_HYPERCALL_memory_op. Bits 0-5 of cmd are the sub-op below;
 * for the reservation sub-ops the bits above hold the extent to start at, which is how a
 * preempted call continues (Xen keeps these two constants in its internal hypercall.h; guests
 * pass 0 there). Sub-ops Hearth does not implement return -HV_ENOSYS. Number 8 (formerly
 * translate_gpfn_list) is unassigned.
 */
#define HV_MEMOP_CMD_MASK 0x3f
#define HV_MEMOP_EXTENT_SHIFT 6

#define HV_MEM_increase_reservation 0
#define HV_MEM_decrease_reservation 1
#define HV_MEM_maximum_ram_page 2
#define HV_MEM_current_reservation 3
#define HV_MEM_maximum_reservation 4
#define HV_MEM_machphys_mfn_list 5
#define HV_MEM_populate_physmap 6
#define HV_MEM_add_to_physmap 7
#define HV_MEM_memory_map 9
#define HV_MEM_machine_memory_map 10
#define HV_MEM_exchange 11
#define HV_MEM_machphys_mapping 12
#define HV_MEM_set_memory_map 13
#define HV_MEM_maximum_gpfn 14
#define HV_MEM_remove_from_physmap 15
#define HV_MEM_set_pod_target 16
#define HV_MEM_get_pod_target 17
#define HV_MEM_get_sharing_freed_pages 18
#define HV_MEM_get_sharing_shared_pages 19
#define HV_MEM_paging_op 20
#define HV_MEM_access_op 21
#define HV_MEM_sharing_op 22
#define HV_MEM_add_to_physmap_batch 23
#define HV_MEM_claim_pages 24
#define HV_MEM_machphys_compat_mfn_list 25
#define HV_MEM_get_vnumainfo 26
#define HV_MEM_reserved_device_memory_map 27
#define HV_MEM_acquire_resource 28

/* Where the read-only machine-to-phys table sits in every 64-bit PV guest. */
#define HV_MACH2PHYS_VIRT_START HV_U64(0xffff800000000000)
#define HV_MACH2PHYS_VIRT_END HV_U64(0xffff804000000000)
#define HV_MACH2PHYS_NR_ENTRIES ((HV_MACH2PHYS_VIRT_END - HV_MACH2PHYS_VIRT_START) >> 3)
#define HV_INVALID_M2P_ENTRY (~HV_U64(0)) /* a frame that is not a domain's RAM */

#define HV_E820_RAM 1

#ifndef __ASSEMBLY__

/*
 * increase_reservation, decrease_reservation, populate_physmap. Returns the number of extents
 * done (a partial count when memory, the domain's maximum or a bad entry stops it) or -HV_E*.
 *   increase: OUT extent_start[i] = first MFN of a new extent (the M2P is not set).
 *   decrease: IN extent_start[i] = first MFN of an extent to give back. Hearth stops at a frame
 *             still referenced (mapped, a page table, pinned) instead of freeing it later.
 *   populate: IN extent_start[i] = PFN; OUT its first MFN; the M2P maps each frame to its PFN.
 * domid: HV_DOMID_SELF (another domain: the privileged domain only).
 */
struct hv_memory_reservation {
    /* IN */
    hv_guest_addr_t extent_start; /* array of nr_extents hv_pfn_t, IN and/or OUT */
    uint64_t nr_extents;
    uint32_t extent_order;        /* 2^order frames per extent */
    uint32_t mem_flags;           /* XENMEMF_*: address bits, NUMA node; ignored by Hearth */
    hv_domid_t domid;
    uint16_t _pad0[3];
};
HV_CHECK_SIZE(hv_memory_reservation, 32);
HV_CHECK_OFFSET(hv_memory_reservation, extent_order, 16);
HV_CHECK_OFFSET(hv_memory_reservation, domid, 24);

/* One entry of a memory map: the BIOS e820 layout, 20 bytes, packed. */
struct hv_e820_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type; /* HV_E820_RAM, ... */
} __attribute__((packed));
HV_CHECK_SIZE(hv_e820_entry, 20);

/* memory_map (the caller's pseudo-physical map) and machine_memory_map (privileged: the host's).
 * IN nr_entries = room in buffer; OUT nr_entries = entries written. */
struct hv_memory_map {
    uint32_t nr_entries;    /* IN/OUT */
    uint32_t _pad0;
    hv_guest_addr_t buffer; /* IN: array of struct hv_e820_entry */
};
HV_CHECK_SIZE(hv_memory_map, 16);
HV_CHECK_OFFSET(hv_memory_map, buffer, 8);

/* machphys_mapping: where the M2P is and the highest MFN it can describe. */
struct hv_machphys_mapping {
    /* OUT */
    uint64_t v_start;
    uint64_t v_end;
    uint64_t max_mfn;
};
HV_CHECK_SIZE(hv_machphys_mapping, 24);

#endif /* !__ASSEMBLY__ */

#endif /* HV_MEMORY_H */
