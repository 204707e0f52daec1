/* hv/vcpu.h - vcpu_op: bring a domain's vCPUs up and down, their run-state accounting, their
 * timers and where their vcpu_info lives. */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include "abi.h"

/*
 * vcpu_op(cmd, vcpuid, arg), hypercall HV_HYPERCALL_vcpu_op. vcpuid names a vCPU of the calling
 * domain. Returns 0 unless stated. Errors common to every cmd: -HV_ENOENT for a vcpuid the
 * domain does not have, -HV_EFAULT for an unreadable or unwritable arg, -HV_ENOSYS for an
 * unknown cmd.
 */

/*
 * Give an offline vCPU its first register state (struct hv_vcpu_guest_context, arch-x86_64.h):
 * entry point, stack, kernel page tables (ctrlreg[3]), callbacks, GDT, trap table. Once only.
 * Errors: -HV_EEXIST if the vCPU was already initialised, -HV_EINVAL for a context the
 * hypervisor refuses (bad page-table root, selectors, GDT).
 */
#define HV_VCPUOP_initialise 0

/* Make an initialised vCPU runnable. arg: NULL. Errors: -HV_EINVAL if not initialised. */
#define HV_VCPUOP_up 1

/* Take a vCPU offline (it stops at once; up resumes it where it was). arg: NULL. */
#define HV_VCPUOP_down 2

/* Returns 1 if the vCPU is up, 0 if it is down. arg: NULL. */
#define HV_VCPUOP_is_up 3

/* Copy the vCPU's run-state accounting (struct hv_vcpu_runstate_info) to arg. */
#define HV_VCPUOP_get_runstate_info 4

/* Run states. time[] holds the ns the vCPU spent in each since it was created. */
#define HV_RUNSTATE_running 0  /* on a physical CPU */
#define HV_RUNSTATE_runnable 1 /* ready, waiting for a CPU */
#define HV_RUNSTATE_blocked 2  /* waiting for an event (block, poll) */
#define HV_RUNSTATE_offline 3  /* down, or not yet up */

/* Bit 63 of state_entry_time while the hypervisor updates the guest's copy
 * (VMASST_TYPE_runstate_update_flag). */
#define HV_RUNSTATE_UPDATE (1ULL << 63)

#ifndef __ASSEMBLY__
struct hv_vcpu_runstate_info {
    /* OUT */
    int32_t state;             /* HV_RUNSTATE_* */
    uint32_t pad0;
    uint64_t state_entry_time; /* system time (ns) of the last state change */
    uint64_t time[4];          /* ns spent in each state, indexed by HV_RUNSTATE_* */
};
HV_CHECK_SIZE(hv_vcpu_runstate_info, 48);
HV_CHECK_OFFSET(hv_vcpu_runstate_info, state_entry_time, 8);
HV_CHECK_OFFSET(hv_vcpu_runstate_info, time, 16);
#endif

/*
 * Keep a copy of the vCPU's run-state info at guest virtual address addr.v (in the address
 * space the vCPU runs in), updated at every state change; addr.v = 0 stops it. The address is
 * only stored here: faults while updating are ignored, as on Xen.
 */
#define HV_VCPUOP_register_runstate_memory_area 5
#ifndef __ASSEMBLY__
struct hv_vcpu_register_runstate_memory_area {
    uint64_t addr; /* IN: guest VA of a struct hv_vcpu_runstate_info */
};
HV_CHECK_SIZE(hv_vcpu_register_runstate_memory_area, 8);
#endif

/*
 * Raise VIRQ_TIMER every period_ns, from now. Errors: -HV_EINVAL for a period below 1 ms
 * (Xen's minimum) or above 2^62 ns.
 */
#define HV_VCPUOP_set_periodic_timer 6
#define HV_VCPUOP_stop_periodic_timer 7 /* arg: NULL */
#ifndef __ASSEMBLY__
struct hv_vcpu_set_periodic_timer {
    uint64_t period_ns; /* IN */
};
HV_CHECK_SIZE(hv_vcpu_set_periodic_timer, 8);
#endif

/*
 * Raise VIRQ_TIMER once at system time timeout_abs_ns (at once if it has passed). Errors:
 * -HV_ETIME if HV_VCPU_SSHOTTMR_future is set and the time has passed.
 */
#define HV_VCPUOP_set_singleshot_timer 8
#define HV_VCPUOP_stop_singleshot_timer 9 /* arg: NULL */
#define HV_VCPU_SSHOTTMR_future (1u << 0)
#ifndef __ASSEMBLY__
struct hv_vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns; /* IN: system time */
    uint32_t flags;          /* IN: HV_VCPU_SSHOTTMR_* */
    uint32_t pad0;
};
HV_CHECK_SIZE(hv_vcpu_set_singleshot_timer, 16);
#endif

/*
 * Move the vCPU's vcpu_info out of shared_info to offset bytes into the guest frame mfn (the
 * domain's, writable: it takes a writable type reference for the domain's life). Once per vCPU.
 * Errors: -HV_ENXIO (the struct would cross the page end), -HV_EINVAL (not the domain's
 * frame or not writable, already registered, another vCPU that is up). rsvd is ignored, as on
 * Xen.
 */
#define HV_VCPUOP_register_vcpu_info 10
#ifndef __ASSEMBLY__
struct hv_vcpu_register_vcpu_info {
    uint64_t mfn;    /* IN */
    uint32_t offset; /* IN */
    uint32_t rsvd;   /* IN: unused */
};
HV_CHECK_SIZE(hv_vcpu_register_vcpu_info, 16);
#endif

/* Not implemented by Hearth (-HV_ENOSYS): send_nmi 11, get_physid 12,
 * register_vcpu_time_memory_area 13. */
#define HV_VCPUOP_send_nmi 11
#define HV_VCPUOP_get_physid 12
#define HV_VCPUOP_register_vcpu_time_memory_area 13

#endif /* HV_VCPU_H */
