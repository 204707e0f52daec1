/* hv/event_channel.h - event_channel_op: ports between domains, VIRQs and IPIs; the 2-level ABI. */
#ifndef HV_EVENT_CHANNEL_H
#define HV_EVENT_CHANNEL_H

#include "abi.h"

/*
 * event_channel_op(cmd, arg), hypercall HV_HYPERCALL_event_channel_op: arg is the VA of the
 * cmd's struct, read once; the OUT fields are written back only on success. Every cmd returns 0
 * or -HV_E*: -HV_EFAULT if arg cannot be read (or written back), -HV_ENOSYS for an unknown cmd.
 * A port is a bit index into shared_info's evtchn_pending/evtchn_mask (2-level ABI: ports
 * 0 .. HV_EVTCHN_2L_NR_CHANNELS - 1, each domain has a limit below that). Port 0 is never
 * allocated. "Invalid port" below means a port above the domain's limit.
 */

/*
 * Connect a new local port to <remote_dom, remote_port>, which must be unbound and waiting for
 * the caller (struct hv_evtchn_bind_interdomain). Both ends become interdomain; the new local
 * port is made pending at once (the peer may have sent before the bind). Caller: any domain;
 * remote_dom HV_DOMID_SELF makes a loopback channel.
 * Errors: -HV_ESRCH (no remote domain), -HV_EINVAL (remote port invalid, not unbound or waiting
 * for another domain), -HV_ENOSPC (no free local port).
 */
#define HV_EVTCHNOP_bind_interdomain 0

/*
 * Bind a new port to a VIRQ on a vCPU (struct hv_evtchn_bind_virq). Per-vCPU VIRQs
 * (HV_VIRQ_TIMER, _DEBUG, _XENOPROF, _XENPMU) on any vCPU, once per vCPU; global VIRQs only on
 * vCPU 0 (EVTCHNOP_bind_vcpu may move them later), once per domain.
 * Errors: -HV_EINVAL (virq >= HV_NR_VIRQS, or a global virq with vcpu != 0), -HV_ENOENT (no
 * such vCPU), -HV_EEXIST (virq already bound on that vCPU), -HV_ENOSPC.
 */
#define HV_EVTCHNOP_bind_virq 1

/*
 * Bind a new port to a physical IRQ (struct hv_evtchn_bind_pirq). Caller: a domain with access
 * to the IRQ. Hearth has no device passthrough: always -HV_EOPNOTSUPP.
 */
#define HV_EVTCHNOP_bind_pirq 2

/*
 * Close a local port (struct hv_evtchn_close); its pending bit is cleared. The remote end of an
 * interdomain channel becomes unbound, waiting for the closing domain again.
 * Errors: -HV_EINVAL (invalid port, port 0, port not in use).
 */
#define HV_EVTCHNOP_close 3

/*
 * Send an event through a local port (struct hv_evtchn_send): interdomain -> the remote port
 * becomes pending; IPI -> the port itself; unbound -> dropped (returns 0).
 * Errors: -HV_EINVAL (invalid port, port not in use, or bound to a VIRQ or PIRQ).
 */
#define HV_EVTCHNOP_send 4

/*
 * The state of <dom, port> (struct hv_evtchn_status). Caller: any domain for HV_DOMID_SELF or
 * itself; the privileged domain for any domain.
 * Errors: -HV_ESRCH (no such domain), -HV_EPERM (another domain, caller not privileged),
 * -HV_EINVAL (invalid port).
 */
#define HV_EVTCHNOP_status 5

/*
 * Allocate a port in <dom>, unbound and waiting for <remote_dom> to bind to it (struct
 * hv_evtchn_alloc_unbound). dom: HV_DOMID_SELF or the caller's id; any domain if the caller is
 * privileged. remote_dom HV_DOMID_SELF means the caller; it need not exist yet.
 * Errors: -HV_ESRCH (no domain dom), -HV_EPERM (dom is another domain, caller not privileged),
 * -HV_ENOSPC (no free port).
 */
#define HV_EVTCHNOP_alloc_unbound 6

/*
 * Bind a new port for IPIs to a vCPU of the caller (struct hv_evtchn_bind_ipi); sending through
 * it notifies that vCPU. The binding cannot be moved. Errors: -HV_ENOENT (no such vCPU),
 * -HV_ENOSPC.
 */
#define HV_EVTCHNOP_bind_ipi 7

/*
 * Notify another vCPU for a port (struct hv_evtchn_bind_vcpu): unbound, interdomain and global
 * VIRQ ports only. Errors: -HV_ENOENT (no such vCPU), -HV_EINVAL (invalid port, port not in use,
 * per-vCPU VIRQ or IPI port).
 */
#define HV_EVTCHNOP_bind_vcpu 8

/*
 * Clear a port's mask bit and, if it is pending, notify its vCPU (struct hv_evtchn_unmask).
 * Any port up to the domain's limit, in use or not. Errors: -HV_EINVAL (invalid port).
 */
#define HV_EVTCHNOP_unmask 9

/*
 * Close every port of <dom> (struct hv_evtchn_reset). dom: HV_DOMID_SELF or the caller's id;
 * any domain if the caller is privileged. Preemptible (the call restarts itself).
 * Errors: -HV_ESRCH (no such domain), -HV_EPERM (another domain, caller not privileged).
 */
#define HV_EVTCHNOP_reset 10

/*
 * The FIFO ABI (struct hv_evtchn_init_control, hv_evtchn_expand_array, hv_evtchn_set_priority).
 * Hearth implements the 2-level ABI only: -HV_ENOSYS, upon which guests (Linux) use 2-level.
 */
#define HV_EVTCHNOP_init_control 11
#define HV_EVTCHNOP_expand_array 12
#define HV_EVTCHNOP_set_priority 13

/* hv_evtchn_status.status */
#define HV_EVTCHNSTAT_closed 0      /* not in use */
#define HV_EVTCHNSTAT_unbound 1     /* waiting for an interdomain connection */
#define HV_EVTCHNSTAT_interdomain 2 /* connected to a remote domain */
#define HV_EVTCHNSTAT_pirq 3        /* bound to a physical IRQ */
#define HV_EVTCHNSTAT_virq 4        /* bound to a virtual IRQ */
#define HV_EVTCHNSTAT_ipi 5         /* bound to a virtual IPI */

/* hv_evtchn_bind_pirq.flags */
#define HV_BIND_PIRQ__WILL_SHARE 1

#ifndef __ASSEMBLY__

/* A port number (Xen's evtchn_port_t). */
typedef uint32_t hv_evtchn_port_t;

struct hv_evtchn_alloc_unbound {
    /* IN */
    hv_domid_t dom;        /* where the port is allocated */
    hv_domid_t remote_dom; /* who may bind to it */
    /* OUT */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_alloc_unbound, 8);
HV_CHECK_OFFSET(hv_evtchn_alloc_unbound, remote_dom, 2);
HV_CHECK_OFFSET(hv_evtchn_alloc_unbound, port, 4);

struct hv_evtchn_bind_interdomain {
    /* IN */
    hv_domid_t remote_dom;
    uint16_t _pad0;
    hv_evtchn_port_t remote_port;
    /* OUT */
    hv_evtchn_port_t local_port;
};
HV_CHECK_SIZE(hv_evtchn_bind_interdomain, 12);
HV_CHECK_OFFSET(hv_evtchn_bind_interdomain, remote_port, 4);
HV_CHECK_OFFSET(hv_evtchn_bind_interdomain, local_port, 8);

struct hv_evtchn_bind_virq {
    /* IN */
    uint32_t virq; /* HV_VIRQ_* */
    uint32_t vcpu;
    /* OUT */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_bind_virq, 12);
HV_CHECK_OFFSET(hv_evtchn_bind_virq, vcpu, 4);
HV_CHECK_OFFSET(hv_evtchn_bind_virq, port, 8);

struct hv_evtchn_bind_pirq {
    /* IN */
    uint32_t pirq;
    uint32_t flags; /* HV_BIND_PIRQ__* */
    /* OUT */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_bind_pirq, 12);
HV_CHECK_OFFSET(hv_evtchn_bind_pirq, flags, 4);
HV_CHECK_OFFSET(hv_evtchn_bind_pirq, port, 8);

struct hv_evtchn_bind_ipi {
    /* IN */
    uint32_t vcpu;
    /* OUT */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_bind_ipi, 8);
HV_CHECK_OFFSET(hv_evtchn_bind_ipi, port, 4);

struct hv_evtchn_close {
    /* IN */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_close, 4);

struct hv_evtchn_send {
    /* IN */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_send, 4);

struct hv_evtchn_status {
    /* IN */
    hv_domid_t dom; /* HV_DOMID_SELF or a domain id */
    uint16_t _pad0;
    hv_evtchn_port_t port;
    /* OUT */
    uint32_t status; /* HV_EVTCHNSTAT_* */
    uint32_t vcpu;   /* the vCPU the port notifies */
    union {
        struct {
            hv_domid_t dom; /* who may bind */
        } unbound;          /* HV_EVTCHNSTAT_unbound */
        struct {
            hv_domid_t dom;
            uint16_t _pad0;
            hv_evtchn_port_t port;
        } interdomain; /* HV_EVTCHNSTAT_interdomain: the remote end */
        uint32_t pirq; /* HV_EVTCHNSTAT_pirq */
        uint32_t virq; /* HV_EVTCHNSTAT_virq */
    } u;
};
HV_CHECK_SIZE(hv_evtchn_status, 24);
HV_CHECK_OFFSET(hv_evtchn_status, port, 4);
HV_CHECK_OFFSET(hv_evtchn_status, status, 8);
HV_CHECK_OFFSET(hv_evtchn_status, vcpu, 12);
HV_CHECK_OFFSET(hv_evtchn_status, u, 16);
HV_CHECK_OFFSET(hv_evtchn_status, u.interdomain.port, 20);

struct hv_evtchn_bind_vcpu {
    /* IN */
    hv_evtchn_port_t port;
    uint32_t vcpu;
};
HV_CHECK_SIZE(hv_evtchn_bind_vcpu, 8);
HV_CHECK_OFFSET(hv_evtchn_bind_vcpu, vcpu, 4);

struct hv_evtchn_unmask {
    /* IN */
    hv_evtchn_port_t port;
};
HV_CHECK_SIZE(hv_evtchn_unmask, 4);

struct hv_evtchn_reset {
    /* IN */
    hv_domid_t dom; /* HV_DOMID_SELF or a domain id */
};
HV_CHECK_SIZE(hv_evtchn_reset, 2);

/* FIFO ABI (not implemented by Hearth; the layouts are Xen's). */
struct hv_evtchn_init_control {
    /* IN */
    uint64_t control_gfn;
    uint32_t offset;
    uint32_t vcpu;
    /* OUT */
    uint8_t link_bits;
    uint8_t _pad[7];
};
HV_CHECK_SIZE(hv_evtchn_init_control, 24);
HV_CHECK_OFFSET(hv_evtchn_init_control, offset, 8);
HV_CHECK_OFFSET(hv_evtchn_init_control, vcpu, 12);
HV_CHECK_OFFSET(hv_evtchn_init_control, link_bits, 16);

struct hv_evtchn_expand_array {
    /* IN */
    uint64_t array_gfn;
};
HV_CHECK_SIZE(hv_evtchn_expand_array, 8);

struct hv_evtchn_set_priority {
    /* IN */
    hv_evtchn_port_t port;
    uint32_t priority;
};
HV_CHECK_SIZE(hv_evtchn_set_priority, 8);
HV_CHECK_OFFSET(hv_evtchn_set_priority, priority, 4);

/*
 * The argument of the legacy event_channel_op_compat(op) hypercall
 * (HV_HYPERCALL_event_channel_op_compat): the cmd and its struct in one. Not implemented by
 * Hearth (-HV_ENOSYS); kernels since Xen 3.2 use event_channel_op.
 */
struct hv_evtchn_op {
    uint32_t cmd; /* HV_EVTCHNOP_* */
    union {
        struct hv_evtchn_alloc_unbound alloc_unbound;
        struct hv_evtchn_bind_interdomain bind_interdomain;
        struct hv_evtchn_bind_virq bind_virq;
        struct hv_evtchn_bind_pirq bind_pirq;
        struct hv_evtchn_bind_ipi bind_ipi;
        struct hv_evtchn_close close;
        struct hv_evtchn_send send;
        struct hv_evtchn_status status;
        struct hv_evtchn_bind_vcpu bind_vcpu;
        struct hv_evtchn_unmask unmask;
    } u;
};
HV_CHECK_SIZE(hv_evtchn_op, 28);
HV_CHECK_OFFSET(hv_evtchn_op, u, 4);

#endif /* !__ASSEMBLY__ */

#endif /* HV_EVENT_CHANNEL_H */
