/* hv/sched.h - sched_op: yield, block, shut down, poll; the shutdown reasons. */
#ifndef HV_SCHED_H
#define HV_SCHED_H

#include "abi.h"

/*
 * sched_op(cmd, arg), hypercall HV_HYPERCALL_sched_op. Returns 0 unless stated; -HV_ENOSYS for
 * an unknown cmd, -HV_EFAULT if arg cannot be read.
 */

/* Give up the CPU to another runnable vCPU, if any. arg: NULL. Caller: any vCPU. */
#define HV_SCHEDOP_yield 0

/*
 * Clear this vCPU's evtchn_upcall_mask, then sleep until an event is pending for it (return at
 * once if one already is). arg: NULL. Caller: any vCPU, for itself.
 */
#define HV_SCHEDOP_block 1

/*
 * Stop the calling domain for a reason (struct hv_sched_shutdown). Does not return, except for
 * HV_SHUTDOWN_suspend: it returns 1 when the suspend was cancelled (or was only a checkpoint)
 * and 0 when the domain is resumed as a new domain. Caller: any vCPU of the domain.
 * Errors: -HV_EINVAL for an unknown reason.
 */
#define HV_SCHEDOP_shutdown 2

/*
 * Block until one of the listed event channels is pending or the timeout passes
 * (struct hv_sched_poll). Caller: any vCPU. Errors: -HV_EINVAL for more than
 * HV_SCHED_POLL_MAX_PORTS ports or an invalid port, -HV_EFAULT for an unreadable list.
 */
#define HV_SCHEDOP_poll 3

/*
 * Shut down another domain (struct hv_sched_remote_shutdown). Caller: control domain only.
 * Errors: -HV_EPERM (not privileged), -HV_ESRCH (no such domain), -HV_EINVAL (bad reason).
 */
#define HV_SCHEDOP_remote_shutdown 4

/*
 * Record the reason a later shutdown will report, without shutting down (struct
 * hv_sched_shutdown); used before a crash dump. Caller: any vCPU of the domain.
 */
#define HV_SCHEDOP_shutdown_code 5

/*
 * Arm, re-arm or remove a domain watchdog (struct hv_sched_watchdog). id 0 creates one and
 * returns its id; timeout 0 removes watchdog id. If a watchdog expires the domain is shut down
 * with HV_SHUTDOWN_watchdog. Errors: -HV_ENOSPC (all watchdogs in use), -HV_EINVAL (bad id).
 */
#define HV_SCHEDOP_watchdog 6

/*
 * Temporarily pin the calling vCPU to a physical CPU, or undo it with pcpu < 0 (struct
 * hv_sched_pin_override). Caller: hardware domain only. Errors: -HV_EPERM, -HV_EINVAL.
 */
#define HV_SCHEDOP_pin_override 7

/* Shutdown reasons, as passed to the toolstack. */
#define HV_SHUTDOWN_poweroff 0   /* exited normally: clean up and destroy */
#define HV_SHUTDOWN_reboot 1     /* clean up, destroy, start again */
#define HV_SHUTDOWN_suspend 2    /* save state for a later resume, then destroy */
#define HV_SHUTDOWN_crash 3      /* the guest crashed */
#define HV_SHUTDOWN_watchdog 4   /* a watchdog expired */
#define HV_SHUTDOWN_soft_reset 5 /* reset the domain but keep its memory (kexec) */
#define HV_SHUTDOWN_MAX 5

/* Ports SCHEDOP_poll accepts at most (Xen's limit). */
#define HV_SCHED_POLL_MAX_PORTS 128

#ifndef __ASSEMBLY__

struct hv_sched_shutdown {
    /* IN */
    uint32_t reason; /* HV_SHUTDOWN_* */
};
HV_CHECK_SIZE(hv_sched_shutdown, 4);

struct hv_sched_poll {
    /* IN */
    hv_guest_addr_t ports; /* VA of uint32_t ports[nr_ports] */
    uint32_t nr_ports;
    uint32_t _pad0;
    uint64_t timeout;      /* absolute system time in ns; 0 = none */
};
HV_CHECK_SIZE(hv_sched_poll, 24);
HV_CHECK_OFFSET(hv_sched_poll, nr_ports, 8);
HV_CHECK_OFFSET(hv_sched_poll, timeout, 16);

struct hv_sched_remote_shutdown {
    /* IN */
    hv_domid_t domain_id;
    uint16_t _pad0;
    uint32_t reason; /* HV_SHUTDOWN_* */
};
HV_CHECK_SIZE(hv_sched_remote_shutdown, 8);
HV_CHECK_OFFSET(hv_sched_remote_shutdown, reason, 4);

struct hv_sched_watchdog {
    /* IN */
    uint32_t id;      /* 0 = create */
    uint32_t timeout; /* seconds; 0 = remove */
};
HV_CHECK_SIZE(hv_sched_watchdog, 8);
HV_CHECK_OFFSET(hv_sched_watchdog, timeout, 4);

struct hv_sched_pin_override {
    /* IN */
    int32_t pcpu; /* < 0 = remove the override */
};
HV_CHECK_SIZE(hv_sched_pin_override, 4);

#endif /* !__ASSEMBLY__ */

#endif /* HV_SCHED_H */
