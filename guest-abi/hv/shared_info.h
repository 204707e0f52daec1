/* hv/shared_info.h - the page the hypervisor shares with each domain: per-vCPU event and time
 * state, event-channel bitmaps, wall-clock time. */
#ifndef HV_SHARED_INFO_H
#define HV_SHARED_INFO_H

#include "abi.h"
#include "arch-x86_64.h"

/* vcpu_time_info.flags */
#define HV_PVCLOCK_TSC_STABLE_BIT (1 << 0) /* TSC is synchronised across vCPUs */
#define HV_PVCLOCK_GUEST_STOPPED (1 << 1)  /* the host stopped (paused) the guest */

/* Event channels the 2-level bitmaps cover: 64 words of 64 bits. */
#define HV_EVTCHN_2L_NR_CHANNELS (64 * 64)

#ifndef __ASSEMBLY__

/*
 * System time for one vCPU, written by the hypervisor (OUT), read by the guest:
 *   now_ns = system_time + ((((tsc - tsc_timestamp) << tsc_shift) * tsc_to_system_mul) >> 32)
 * (a negative tsc_shift shifts right; the product is 64 x 32 -> 96 bits), and
 *   TSC Hz = ((10^9 << 32) / tsc_to_system_mul) >> tsc_shift.
 * The hypervisor makes version odd, writes the fields, then makes it even; a reader retries
 * while version is odd or changed under it.
 */
struct hv_vcpu_time_info {
    /* OUT */
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;     /* TSC at the last update */
    uint64_t system_time;       /* ns since hypervisor boot at tsc_timestamp */
    uint32_t tsc_to_system_mul; /* never 0 */
    int8_t tsc_shift;
    uint8_t flags;              /* HV_PVCLOCK_* */
    uint8_t pad1[2];
};
HV_CHECK_SIZE(hv_vcpu_time_info, 32);
HV_CHECK_OFFSET(hv_vcpu_time_info, tsc_timestamp, 8);
HV_CHECK_OFFSET(hv_vcpu_time_info, system_time, 16);
HV_CHECK_OFFSET(hv_vcpu_time_info, tsc_to_system_mul, 24);
HV_CHECK_OFFSET(hv_vcpu_time_info, tsc_shift, 28);
HV_CHECK_OFFSET(hv_vcpu_time_info, flags, 29);
HV_CHECK_OFFSET(hv_vcpu_time_info, pad1, 30);

/*
 * Per-vCPU event state. The hypervisor sets evtchn_upcall_pending and bits of
 * evtchn_pending_sel (bit w: word w of evtchn_pending may have bits set) and delivers an upcall
 * to the event callback when pending is set and evtchn_upcall_mask is 0. The guest clears
 * pending before scanning. The mask is the guest's "interrupts off" flag: it is set on upcall
 * delivery and on interrupt-gate traps, cleared by SCHEDOP_block, restored by iret. It is read
 * only on the vCPU's own CPU, so the guest may update it without locked instructions.
 */
struct hv_vcpu_info {
    uint8_t evtchn_upcall_pending; /* OUT; the guest clears it */
    uint8_t evtchn_upcall_mask;    /* IN */
    uint8_t _pad0[6];
    uint64_t evtchn_pending_sel;   /* OUT; the guest clears bits */
    struct hv_arch_vcpu_info arch;
    struct hv_vcpu_time_info time;
};
HV_CHECK_SIZE(hv_vcpu_info, 64);
HV_CHECK_OFFSET(hv_vcpu_info, evtchn_upcall_mask, 1);
HV_CHECK_OFFSET(hv_vcpu_info, evtchn_pending_sel, 8);
HV_CHECK_OFFSET(hv_vcpu_info, arch, 16);
HV_CHECK_OFFSET(hv_vcpu_info, time, 32);

/*
 * The shared-info page. It belongs to the hypervisor; start_info.shared_info gives its machine
 * address and the guest maps it read-write. Initially all zero except evtchn_upcall_mask = 1 in
 * every vcpu_info, and valid time fields.
 *
 * evtchn_pending/evtchn_mask: bit p is port p. The hypervisor sets pending bits (locked); the
 * guest clears them. Mask bits are the guest's; an event on a masked port sets pending but
 * raises no upcall. Wall-clock: wc_sec_hi:wc_sec + wc_nsec is the time of day at system time 0,
 * published under wc_version with the same odd/even rule as vcpu_time_info.version.
 */
struct hv_shared_info {
    struct hv_vcpu_info vcpu_info[HV_LEGACY_MAX_VCPUS];
    uint64_t evtchn_pending[64];
    uint64_t evtchn_mask[64];
    /* OUT */
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    struct hv_arch_shared_info arch;
};
HV_CHECK_SIZE(hv_shared_info, 3136);
HV_CHECK_OFFSET(hv_shared_info, evtchn_pending, 2048);
HV_CHECK_OFFSET(hv_shared_info, evtchn_mask, 2560);
HV_CHECK_OFFSET(hv_shared_info, wc_version, 3072);
HV_CHECK_OFFSET(hv_shared_info, wc_sec, 3076);
HV_CHECK_OFFSET(hv_shared_info, wc_nsec, 3080);
HV_CHECK_OFFSET(hv_shared_info, wc_sec_hi, 3084);
HV_CHECK_OFFSET(hv_shared_info, arch, 3088);
HV_STATIC_ASSERT(sizeof(struct hv_shared_info) <= 4096, "shared_info must fit in one page");

#endif /* !__ASSEMBLY__ */

#endif /* HV_SHARED_INFO_H */
