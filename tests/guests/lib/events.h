/*
 * Event channels, vCPU operations, timers and system time for PV test kernels (lib/events.c).
 *
 * Numbers and layouts are Xen's (xen/include/public/: xen.h for VIRQ_*, the hypercall numbers
 * and shared_info; event_channel.h; vcpu.h; sched.h; arch-x86/xen.h and xen-x86_64.h for
 * vcpu_guest_context and cpu_user_regs; errno.h), checked against libxen-dev 4.17's
 * /usr/include/xen. Like lib/abi-local.h, this header is to be replaced by guest-abi/ later.
 *
 * The kernels of the library have no event callback: ports are used masked, with SCHEDOP_poll
 * and the pending bits in shared_info, never with upcalls.
 */
#ifndef TESTS_GUESTS_EVENTS_H
#define TESTS_GUESTS_EVENTS_H

#include "xtf.h"

/* Hypercall numbers (xen.h). */
#define XEN_HC_set_timer_op       15
#define XEN_HC_vcpu_op            24
#define XEN_HC_event_channel_op   32

/* errno.h values that lib/abi-local.h does not have. */
#define XEN_ENOSPC 28
#define XEN_ETIME  62

/* VIRQs (xen.h). VIRQ_TIMER is per vCPU. */
#define VIRQ_TIMER 0
#define NR_VIRQS   24

/* event_channel_op commands (event_channel.h). */
#define EVTCHNOP_bind_interdomain 0
#define EVTCHNOP_bind_virq        1
#define EVTCHNOP_close            3
#define EVTCHNOP_send             4
#define EVTCHNOP_status           5
#define EVTCHNOP_alloc_unbound    6
#define EVTCHNOP_bind_ipi         7
#define EVTCHNOP_bind_vcpu        8
#define EVTCHNOP_unmask           9
#define EVTCHNOP_reset           10
#define EVTCHNOP_init_control    11

/* evtchn_status.status */
#define EVTCHNSTAT_closed      0
#define EVTCHNSTAT_unbound     1
#define EVTCHNSTAT_interdomain 2
#define EVTCHNSTAT_pirq        3
#define EVTCHNSTAT_virq        4
#define EVTCHNSTAT_ipi         5

/* vcpu_op commands (vcpu.h). */
#define VCPUOP_initialise                  0
#define VCPUOP_up                          1
#define VCPUOP_down                        2
#define VCPUOP_is_up                       3
#define VCPUOP_get_runstate_info           4
#define VCPUOP_register_runstate_memory_area 5
#define VCPUOP_set_periodic_timer          6
#define VCPUOP_stop_periodic_timer         7
#define VCPUOP_set_singleshot_timer        8
#define VCPUOP_stop_singleshot_timer       9
#define VCPU_SSHOTTMR_future (1u << 0)

/* Run states (vcpu.h): indices of vcpu_runstate_info.time[]. */
#define RUNSTATE_running  0
#define RUNSTATE_runnable 1
#define RUNSTATE_blocked  2
#define RUNSTATE_offline  3

/* vcpu_guest_context.flags (arch-x86/xen.h). */
#define VGCF_in_kernel (1u << 2)

#define SCHED_POLL_MAX_PORTS 128   /* Xen's limit on sched_poll.nr_ports */
#define NS_PER_MS 1000000ull
#define NS_PER_S  1000000000ull

typedef uint32_t evtchn_port_t;

struct evtchn_alloc_unbound {
    uint16_t dom, remote_dom;   /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_alloc_unbound) == 8, "evtchn_alloc_unbound size");

struct evtchn_bind_interdomain {
    uint16_t remote_dom;        /* IN */
    uint16_t pad;
    evtchn_port_t remote_port;  /* IN */
    evtchn_port_t local_port;   /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_interdomain) == 12, "evtchn_bind_interdomain size");

struct evtchn_bind_virq {
    uint32_t virq, vcpu;        /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_virq) == 12, "evtchn_bind_virq size");

struct evtchn_bind_ipi {
    uint32_t vcpu;              /* IN */
    evtchn_port_t port;         /* OUT */
};
_Static_assert(sizeof(struct evtchn_bind_ipi) == 8, "evtchn_bind_ipi size");

struct evtchn_port_arg {        /* evtchn_close, evtchn_send, evtchn_unmask */
    evtchn_port_t port;
};
_Static_assert(sizeof(struct evtchn_port_arg) == 4, "evtchn_close/send/unmask size");

struct evtchn_bind_vcpu {
    evtchn_port_t port;
    uint32_t vcpu;
};
_Static_assert(sizeof(struct evtchn_bind_vcpu) == 8, "evtchn_bind_vcpu size");

struct evtchn_status {
    uint16_t dom;               /* IN */
    uint16_t pad;
    evtchn_port_t port;         /* IN */
    uint32_t status;            /* OUT: EVTCHNSTAT_* */
    uint32_t vcpu;              /* OUT */
    union {
        uint16_t unbound_dom;
        struct { uint16_t dom, pad; evtchn_port_t port; } interdomain;
        uint32_t pirq;
        uint32_t virq;
    } u;
};
_Static_assert(sizeof(struct evtchn_status) == 24, "evtchn_status size");
_Static_assert(offsetof(struct evtchn_status, u) == 16, "evtchn_status.u");

/* vcpu_runstate_info (vcpu.h): 48 bytes. */
struct vcpu_runstate_info {
    int32_t state;
    uint32_t pad;
    uint64_t state_entry_time;  /* system time of the last state change */
    uint64_t time[4];           /* ns in each RUNSTATE_* up to state_entry_time */
};
_Static_assert(sizeof(struct vcpu_runstate_info) == 48, "vcpu_runstate_info size");

struct vcpu_set_periodic_timer {
    uint64_t period_ns;
};

struct vcpu_set_singleshot_timer {
    uint64_t timeout_abs_ns;
    uint32_t flags;             /* VCPU_SSHOTTMR_* */
    uint32_t pad;
};
_Static_assert(sizeof(struct vcpu_set_singleshot_timer) == 16, "vcpu_set_singleshot_timer");

/* cpu_user_regs (arch-x86/xen-x86_64.h): 200 bytes. */
struct cpu_user_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi;
    uint32_t error_code, entry_vector;
    uint64_t rip;
    uint16_t cs, pad0;
    uint8_t saved_upcall_mask, pad1[3];
    uint64_t rflags, rsp;
    uint16_t ss, pad2[3], es, pad3[3], ds, pad4[3], fs, pad5[3], gs, pad6[3];
};
_Static_assert(sizeof(struct cpu_user_regs) == 200, "cpu_user_regs size");
_Static_assert(offsetof(struct cpu_user_regs, rip) == 128, "cpu_user_regs.rip");
_Static_assert(offsetof(struct cpu_user_regs, rsp) == 152, "cpu_user_regs.rsp");

/* vcpu_guest_context (arch-x86/xen.h), x86-64: 5168 bytes, VCPUOP_initialise's argument. */
struct vcpu_guest_context {
    uint8_t fpu_ctxt[512];
    uint64_t flags;             /* VGCF_* */
    struct cpu_user_regs user_regs;
    struct trap_info trap_ctxt[256];
    uint64_t ldt_base, ldt_ents;
    uint64_t gdt_frames[16], gdt_ents;
    uint64_t kernel_ss, kernel_sp;
    uint64_t ctrlreg[8];        /* ctrlreg[3] = kernel L4 MFN << 12 */
    uint64_t debugreg[8];
    uint64_t event_callback_eip, failsafe_callback_eip, syscall_callback_eip;
    uint64_t vm_assist;
    uint64_t fs_base, gs_base_kernel, gs_base_user;
};
_Static_assert(offsetof(struct vcpu_guest_context, user_regs) == 520, "vgc.user_regs");
_Static_assert(offsetof(struct vcpu_guest_context, trap_ctxt) == 720, "vgc.trap_ctxt");
_Static_assert(offsetof(struct vcpu_guest_context, ctrlreg) == 4984, "vgc.ctrlreg");
_Static_assert(offsetof(struct vcpu_guest_context, event_callback_eip) == 5112, "vgc.callbacks");
_Static_assert(sizeof(struct vcpu_guest_context) == 5168, "vcpu_guest_context size");

/* shared_info (xen.h): after the 32 vcpu_info slots (2048 bytes), one bit per port. */
#define SHARED_INFO_EVTCHN_PENDING 2048
#define SHARED_INFO_EVTCHN_MASK    2560
#define EVTCHN_2L_NR_PORTS 4096

/* ---- hypercall wrappers: each returns the hypercall's result (0 or -XEN_E*) ---------------- */

static inline long hc_event_channel_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_event_channel_op, cmd, arg);
}

static inline long hc_vcpu_op(unsigned int cmd, unsigned int vcpu, void *arg)
{
    return hypercall3(XEN_HC_vcpu_op, cmd, vcpu, arg);
}

static inline long hc_set_timer_op(uint64_t deadline_ns)
{
    return hypercall1(XEN_HC_set_timer_op, deadline_ns);
}

/* Allocate a port in dom (DOMID_SELF) for remote_dom to bind; *port on success. */
long ev_alloc_unbound(uint16_t dom, uint16_t remote_dom, evtchn_port_t *port);
/* Bind a new local port to <remote_dom, remote_port>; *local on success. */
long ev_bind_interdomain(uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *local);
long ev_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
long ev_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
long ev_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
long ev_close(evtchn_port_t port);
long ev_send(evtchn_port_t port);
long ev_unmask(evtchn_port_t port);
long ev_reset(uint16_t dom);
long ev_status(uint16_t dom, evtchn_port_t port, struct evtchn_status *out);

long ev_yield(void);
/*
 * SCHEDOP_block: waits for an upcall and unmasks event delivery (Xen's
 * local_event_delivery_enable), so only for kernels that registered an event callback.
 */
long ev_block(void);
/* SCHEDOP_poll on ports[nr] until one is pending or system time reaches timeout (0: none). */
long ev_poll(const evtchn_port_t *ports, unsigned int nr, uint64_t timeout);

long ev_vcpu_runstate(unsigned int vcpu, struct vcpu_runstate_info *out);
long ev_set_periodic(unsigned int vcpu, uint64_t period_ns);
long ev_stop_periodic(unsigned int vcpu);
long ev_set_singleshot(unsigned int vcpu, uint64_t deadline, uint32_t flags);

/* ---- shared_info --------------------------------------------------------------------------- */

/* shared_info, mapped on first use (xtf_map_shared_info); panics if it cannot be mapped. */
volatile uint8_t *ev_shared_info(void);

bool ev_is_pending(evtchn_port_t port);
/* Clear the pending bit; true if it was set. */
bool ev_test_and_clear_pending(evtchn_port_t port);
void ev_mask(evtchn_port_t port);
/* Clear the mask bit in shared_info only (no hypercall, so no re-delivery). */
void ev_clear_mask(evtchn_port_t port);
bool ev_is_masked(evtchn_port_t port);
/* vcpu_info[vcpu].evtchn_upcall_mask */
void ev_set_upcall_mask(unsigned int vcpu, uint8_t mask);

/*
 * Wait (SCHEDOP_poll with timeout deadline, system time read on vCPU 0) until port is pending,
 * then clear it. Returns EV_WAIT_EVENT; EV_WAIT_LATE if the port was found pending only once
 * the deadline had passed (the poll ended at its timeout, not at the event: a lost wake-up,
 * unless the event came in the last instant); EV_WAIT_TIMEOUT if it never became pending.
 */
enum ev_wait_result { EV_WAIT_EVENT, EV_WAIT_LATE, EV_WAIT_TIMEOUT };
enum ev_wait_result ev_wait_port(evtchn_port_t port, uint64_t deadline);
/* ev_wait_port: true for an event, early or late. */
bool ev_wait(evtchn_port_t port, uint64_t deadline);

/* ---- system time --------------------------------------------------------------------------- */

/* vcpu_time_info (xen.h): 32 bytes at offset 32 of each vcpu_info. */
struct vcpu_time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct vcpu_time_info) == 32, "vcpu_time_info size");

/* System time (ns) by Xen's formula from vCPU vcpu's vcpu_time_info; run it on that vCPU. */
uint64_t ev_system_time(unsigned int vcpu);
static inline uint64_t ev_now(void)
{
    return ev_system_time(0);
}

/* Spin (no hypercall) until system time reaches t, read on vcpu. */
void ev_spin_until(unsigned int vcpu, uint64_t t);

/* ---- secondary vCPUs ----------------------------------------------------------------------- */

/*
 * Bring vCPU vcpu up (VCPUOP_initialise, then VCPUOP_up) running fn(vcpu, arg) on the given
 * stack (stack_size bytes at stack, 16-byte aligned), in kernel mode on the boot page tables
 * (start_info.pt_base), with the library's trap table, no callbacks, events masked. fn must
 * never return (end with ev_vcpu_down_self or a loop). Returns 0, or the first failing
 * hypercall's result; *what names it ("initialise" or "up").
 */
long ev_vcpu_start(unsigned int vcpu, void (*fn)(unsigned int vcpu, void *arg), void *arg,
                   void *stack, size_t stack_size, const char **what);
/* VCPUOP_down on the calling vCPU; never returns (loops if the hypercall fails). */
NORETURN void ev_vcpu_down_self(unsigned int vcpu);

/* ---- misc ---------------------------------------------------------------------------------- */

/*
 * The value of "key=<n>" in start_info.cmd_line (the domain's bootargs), or def if absent;
 * ev_cmdline_str copies "key=<word>" into buf (size bytes), "" if absent.
 */
uint64_t ev_cmdline_num(const char *key, uint64_t def);
void ev_cmdline_str(const char *key, char *buf, size_t size);

/* Sort v[n] ascending (insertion sort: n is small) and return the median. */
uint64_t ev_median(uint64_t *v, unsigned int n);

#endif /* TESTS_GUESTS_EVENTS_H */
