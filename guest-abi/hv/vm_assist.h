/* hv/vm_assist.h - vm_assist: switch on or off optional hypervisor behaviours for the calling
 * domain. */
#ifndef HV_VM_ASSIST_H
#define HV_VM_ASSIST_H

/*
 * vm_assist(cmd, type), hypercall HV_HYPERCALL_vm_assist. Caller: any domain, for itself; the
 * setting is per domain. Returns 0. Errors: -HV_EINVAL for a type not valid for the domain
 * (for 64-bit PV: 0-5 and 32), -HV_ENOSYS for an unknown cmd. The enabled set also appears as a
 * bitmap in vcpu_guest_context.vm_assist.
 */
#define HV_VMASST_CMD_enable 0
#define HV_VMASST_CMD_disable 1

/* 32-bit only: segments with 4 GiB limit; accepted and ignored for 64-bit PV. */
#define HV_VMASST_TYPE_4gb_segments 0
/* 32-bit only: notify the guest when a 4gb_segments fixup happened; ignored for 64-bit PV. */
#define HV_VMASST_TYPE_4gb_segments_notify 1
/*
 * The guest may write L1 page-table entries with ordinary stores; the hypervisor catches the
 * write fault, validates the new entry and emulates the store (Linux relies on this).
 */
#define HV_VMASST_TYPE_writable_pagetables 2
/* 32-bit PAE: L3 above 4 GiB; accepted as a no-op for 64-bit PV (Linux enables it). */
#define HV_VMASST_TYPE_pae_extended_cr3 3
/* IOPL as on hardware: PHYSDEVOP_set_iopl's value applies to guest-kernel and user mode alike
 * and appears in RFLAGS of bounce frames. */
#define HV_VMASST_TYPE_architectural_iopl 4
/* Set HV_RUNSTATE_UPDATE (bit 63 of state_entry_time) while updating a runstate area. */
#define HV_VMASST_TYPE_runstate_update_flag 5
/* M2P entries for frames the guest does not own read as invalid. */
#define HV_VMASST_TYPE_m2p_strict 32

#endif /* HV_VM_ASSIST_H */
