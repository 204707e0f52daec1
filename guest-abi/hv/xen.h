/* hv/xen.h - the core of the PV ABI: domain ids and virtual IRQ numbers; includes the layouts a
 * PV kernel needs at boot (start_info, shared_info, x86-64 context). */
#ifndef HV_XEN_H
#define HV_XEN_H

#include "abi.h"
#include "arch-x86_64.h"
#include "hypercall.h"
#include "shared_info.h"
#include "start_info.h"

/*
 * Domain ids. Real domains are 0 .. HV_DOMID_FIRST_RESERVED - 1; the values from
 * HV_DOMID_FIRST_RESERVED up have special meanings where an op accepts them.
 */
#define HV_DOMID_FIRST_RESERVED HV_U32(0x7ff0)
#define HV_DOMID_SELF HV_U32(0x7ff0)    /* the caller */
#define HV_DOMID_IO HV_U32(0x7ff1)      /* owner of I/O memory (MMIO frames) */
#define HV_DOMID_XEN HV_U32(0x7ff2)     /* owner of hypervisor frames */
#define HV_DOMID_COW HV_U32(0x7ff3)     /* owner of shared copy-on-write frames */
#define HV_DOMID_INVALID HV_U32(0x7ff4) /* owner of frames with no owner */
#define HV_DOMID_ANY HV_U32(0x7ff5)     /* "pick one" (newer than Xen 4.17) */
#define HV_DOMID_IDLE HV_U32(0x7fff)    /* the idle domain */
#define HV_DOMID_MASK HV_U32(0x7fff)

/*
 * Virtual IRQs, bound to event channels with EVTCHNOP_bind_virq. Per-vCPU ones (TIMER, DEBUG,
 * XENOPROF, XENPMU) are bound once per vCPU; the others are global and, except ARGO, for the
 * control domain.
 */
#define HV_VIRQ_TIMER 0      /* per vCPU: timer expired or system time updated */
#define HV_VIRQ_DEBUG 1      /* per vCPU: dump debug state */
#define HV_VIRQ_CONSOLE 2    /* dom0: input on the hypervisor's console */
#define HV_VIRQ_DOM_EXC 3    /* dom0: a domain changed state (e.g. shut down) */
#define HV_VIRQ_TBUF 4       /* dom0: trace records available */
#define HV_VIRQ_DEBUGGER 6   /* dom0: a domain paused for a debugger */
#define HV_VIRQ_XENOPROF 7   /* per vCPU: profiling sample */
#define HV_VIRQ_CON_RING 8   /* dom0: new output in the hypervisor's console ring */
#define HV_VIRQ_PCPU_STATE 9 /* dom0: a physical CPU changed state */
#define HV_VIRQ_MEM_EVENT 10 /* dom0: memory event */
#define HV_VIRQ_ARGO 11      /* Argo message notification */
#define HV_VIRQ_ENOMEM 12    /* dom0: the hypervisor is low on memory */
#define HV_VIRQ_XENPMU 13    /* per vCPU: performance counter interrupt */
#define HV_VIRQ_ARCH_0 16
#define HV_VIRQ_ARCH_1 17
#define HV_VIRQ_ARCH_2 18
#define HV_VIRQ_ARCH_3 19
#define HV_VIRQ_ARCH_4 20
#define HV_VIRQ_ARCH_5 21
#define HV_VIRQ_ARCH_6 22
#define HV_VIRQ_ARCH_7 23
#define HV_NR_VIRQS 24

#endif /* HV_XEN_H */
