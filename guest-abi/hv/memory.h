/* hv/memory.h - memory_op sub-op numbers (the structures come with the memory work). */
#ifndef HV_MEMORY_H
#define HV_MEMORY_H

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

#endif /* HV_MEMORY_H */
