/* hv/callback.h - callback_op and set_callbacks: where the hypervisor enters the guest kernel for
 * events, failed segment reloads, user syscalls and NMIs. */
#ifndef HV_CALLBACK_H
#define HV_CALLBACK_H

#include "abi.h"

/*
 * Callback types. Each is a guest-kernel VA entered with a bounce frame (rcx and r11 on top of
 * an iret frame) on the guest kernel stack:
 *   event     event-channel upcall (evtchn_upcall_pending && !evtchn_upcall_mask); always
 *             entered with events masked.
 *   failsafe  reloading the guest's DS/ES/FS/GS failed; frame also holds ds, es, fs, gs.
 *   syscall   `syscall` executed in guest-user mode (64-bit code); no callback = #UD to the guest.
 *   syscall32 `syscall` from 32-bit user code (CS = HV_FLAT_USER_CS32).
 *   sysenter  `sysenter` from 32-bit user code.
 *   nmi       NMI delivered to the guest (vCPU 0 of the control domain in practice).
 */
#define HV_CALLBACKTYPE_event 0
#define HV_CALLBACKTYPE_failsafe 1
#define HV_CALLBACKTYPE_syscall 2
#define HV_CALLBACKTYPE_sysenter_deprecated 3
#define HV_CALLBACKTYPE_nmi 4
#define HV_CALLBACKTYPE_sysenter 5
#define HV_CALLBACKTYPE_syscall32 7

/* callback_register.flags: mask events on entry (failsafe, syscall, syscall32, sysenter). */
#define HV_CALLBACKF_mask_events (1U << 0)

/*
 * callback_op(cmd, arg), hypercall HV_HYPERCALL_callback_op. Caller: guest kernel, for the
 * calling vCPU. Errors: -HV_EFAULT (unreadable arg), -HV_ENOSYS (unknown cmd or type).
 *
 * HV_CALLBACKOP_register (struct hv_callback_register): set the entry point of one type.
 *   Errors: -HV_EINVAL for a non-canonical address.
 * HV_CALLBACKOP_unregister (struct hv_callback_unregister): remove it. Only nmi can be
 *   removed; the other types give -HV_EINVAL.
 */
#define HV_CALLBACKOP_register 0
#define HV_CALLBACKOP_unregister 1

/*
 * set_callbacks(event, failsafe, syscall), hypercall HV_HYPERCALL_set_callbacks: the older
 * form, three VAs at once (a syscall address of 0 means none). Same effect as registering the
 * three types with flags 0 (the event callback masks events regardless). Caller: guest kernel,
 * for the calling vCPU. Always returns 0: as in Xen, a non-canonical address is skipped and
 * the previous entry point for that type stays.
 */

#ifndef __ASSEMBLY__

struct hv_callback_register {
    /* IN */
    uint16_t type;  /* HV_CALLBACKTYPE_* */
    uint16_t flags; /* HV_CALLBACKF_* */
    uint32_t _pad0;
    uint64_t address; /* guest-kernel VA */
};
HV_CHECK_SIZE(hv_callback_register, 16);
HV_CHECK_OFFSET(hv_callback_register, flags, 2);
HV_CHECK_OFFSET(hv_callback_register, address, 8);

struct hv_callback_unregister {
    /* IN */
    uint16_t type;
    uint16_t _unused;
};
HV_CHECK_SIZE(hv_callback_unregister, 4);
HV_CHECK_OFFSET(hv_callback_unregister, _unused, 2);

#endif /* !__ASSEMBLY__ */

#endif /* HV_CALLBACK_H */
