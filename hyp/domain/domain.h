/* domain.h - domains and their vCPUs: ids, memory (frames owned and counted), the privileged
 * flag of dom0, creation and destruction that returns every frame. */
#ifndef HYP_DOMAIN_DOMAIN_H
#define HYP_DOMAIN_DOMAIN_H

#include "arch/arch.h"
#include "lib/spinlock.h"
#include "mm/mm.h"
#include "time/timer_queue.h"
#include "hv/vcpu.h"

#define DOM_MAX_DOMAINS 64     /* domain ids 0 .. DOM_MAX_DOMAINS-1 */
#define DOM_MAX_VCPUS 32       /* vCPUs per domain: the vcpu_info slots in shared_info */

struct evt_domain;
struct cs_unit;
struct cs_dom;
#define DOMID_FIRST_RESERVED 0x7ff0

/* A guest's entry for one vector in its virtual IDT (set_trap_table). */
struct guest_trap {
    uint64_t address; /* 0: no handler */
    uint8_t flags;    /* bits 0-1 DPL for int $n, bit 2 mask events on delivery */
};

/*
 * A virtual CPU. Lock legend: [s] the scheduler's lock (hyp/sched); everything else is the
 * vCPU's own, touched only by the CPU running it (or while it runs nowhere: before its first
 * run, while it is offline and descheduled).
 */
struct vcpu {
    struct domain *domain;
    unsigned int id;
    struct cpu_regs regs;      /* guest registers while the vCPU does not run on a CPU */
    bool in_kernel;            /* guest-kernel (true) or guest-user mode */
    paddr_t kernel_root;       /* machine address of the L4 used in guest-kernel mode */
    paddr_t user_root;         /* ... in guest-user mode (0: none yet) */
    uint64_t kernel_sp;        /* stack for bounces from guest-user mode (stack_switch) */
    uint64_t kernel_ss;
    uint64_t fs_base;
    uint64_t gs_base_kernel;   /* GS base in guest-kernel mode (the active one there) */
    uint64_t gs_base_user;     /* GS base in guest-user mode */
    struct guest_trap traps[256];
    uint64_t event_callback;
    uint64_t failsafe_callback;
    uint64_t syscall_callback;
    uint16_t failsafe_flags, syscall_flags; /* CALLBACKF_* */
    bool fpu_ts;               /* virtual CR0.TS (fpu_taskswitch) */
    uint8_t iopl;              /* virtual I/O privilege level (physdev set_iopl), 0-3 */
    bool fpu_used;             /* fpu_area holds state to restore */
    uint8_t fpu_area[512] __attribute__((aligned(16))); /* fxsave image */
    void *vcpu_info;           /* this vCPU's struct vcpu_info: in shared_info, or in a guest
                                * frame after VCPUOP_register_vcpu_info */
    mfn_t vcpu_info_mfn;       /* that guest frame (a writable type reference), 0: none */
    uint64_t gdt_frames[14];   /* set_gdt: the guest's GDT frames (MFNs) */
    unsigned int gdt_entries;  /* entries of the guest's GDT (0: none) */
    uint64_t ldt_frames[16];   /* MMUEXT_SET_LDT: the guest's LDT frames (MFNs) */
    unsigned int ldt_ents;     /* entries of the guest's LDT (0: none) */
    uint64_t *ldt_shadow;      /* the checked copy the CPU uses (8192 entries; NULL until used) */
    struct soft_timer time_refresh; /* republishes its vcpu_time_info (pv/time.c) */
    uint16_t sel_ds, sel_es, sel_fs, sel_gs; /* data selectors while it does not run */
    uint64_t affinity;         /* hard affinity: the physical CPUs it may run on */
    /* hyp/sched */
    struct cs_unit *unit;      /* [s] the policy's view of it */
    bool initialised;          /* [s] has a register state (built, or VCPUOP_initialise) */
    bool init_claimed;         /* set once by the one VCPUOP_initialise that may proceed */
    bool up;                   /* [s] VCPUOP_up (vCPU 0: from the start) and not down */
    bool blocked;              /* [s] waits for an event (block) or a port (poll) */
    bool polling;              /* [s] ... for one of poll_ports (SCHEDOP_poll) */
    unsigned int nr_poll_ports;
    uint32_t poll_ports[128];  /* [s] */
    struct soft_timer poll_timer, singleshot_timer, periodic_timer;
    uint64_t periodic_period;  /* ns, 0: no periodic timer */
    struct hv_vcpu_runstate_info runstate; /* [s] */
    uint64_t runstate_guest;   /* guest VA of its copy (0: none) */
};

/*
 * A domain. Lock legend: [d] d->lock, [m] d->mm_lock. Frames the domain owns are linked through
 * page_info next/prev (frame numbers) from page_head; each has owner == id. Lock order: mm_lock
 * (lower domain id first when two are needed), then lock.
 */
struct domain {
    uint16_t id;
    bool privileged;           /* dom0: console input, I/O ports, control operations */
    struct spinlock lock;
    struct spinlock mm_lock;   /* page types and page tables of the domain's frames */
    struct pt_dom pt;          /* [m] the type system's view of the domain (mm/ptype.h) */
    volatile uint64_t dirty_cpus; /* CPUs that loaded its page tables since their last flush */
    uint32_t page_head;        /* [d] first owned frame, PG_LIST_NONE if none */
    uint64_t nr_pages;         /* [d] frames owned */
    uint64_t max_pages;        /* [d] limit on nr_pages */
    void *shared_info;         /* hypervisor-owned page the guest may map */
    uint64_t vm_assist;        /* [d] enabled VMASST_TYPE_* bits */
    bool shutdown;             /* [d] SCHEDOP_shutdown was called */
    unsigned int shutdown_reason;
    unsigned int nr_vcpus;     /* vcpu[0 .. nr_vcpus-1] exist; fixed at creation */
    struct vcpu *vcpu[DOM_MAX_VCPUS];
    struct evt_domain *evt;    /* event channels (hyp/events), NULL until evt_domain_init */
    struct cs_dom *sched;      /* the scheduler's view (weight, cap) */
    bool destroying;           /* [s] its vCPUs are offline; one CPU tears it down */
    uint32_t refcnt;           /* [t] dom_get references, +1 while in the domain table */
    bool dying;                /* [t] off the table: dom_get fails, the last dom_put frees */
};

/* Create domain id (< DOM_MAX_DOMAINS, not in use) with nr_vcpus vCPUs (1 .. DOM_MAX_VCPUS) and
 * no memory; NULL if the id is taken or out of range, nr_vcpus is, or memory is short. */
struct domain *dom_create(uint16_t id, bool privileged, uint64_t max_pages, unsigned int nr_vcpus);
/* The domain with this id, or NULL. The caller must already hold a reference that keeps it
 * alive (its own domain, or one from dom_get). */
struct domain *dom_lookup(uint16_t id);
/* A counted reference to domain id, or NULL if there is none or it is being destroyed. Any
 * context (irqsave lock). Every successful dom_get is paired with a dom_put. */
struct domain *dom_get(uint16_t id);
void dom_put(struct domain *d);
/* vCPU id of d, or NULL if out of range. */
static inline struct vcpu *dom_vcpu(const struct domain *d, unsigned int id)
{
    return id < d->nr_vcpus ? d->vcpu[id] : NULL;
}
/*
 * Give d nr frames (scrubbed) under its max_pages: each is owned by d and linked into its list.
 * fn(ctx, i, mfn) is told frame i's machine frame number. All or nothing: returns 0, or
 * -HV_ENOMEM (nothing changed).
 */
int dom_alloc_frames(struct domain *d, uint64_t nr, void (*fn)(void *ctx, uint64_t i, mfn_t mfn),
                     void *ctx);
/* 2^order contiguous scrubbed frames for d under its max_pages (the first in *first); 0 or
 * -HV_ENOMEM. */
int dom_alloc_extent(struct domain *d, unsigned int order, mfn_t *first);
/* Tear d down: off the domain table, every frame goes back to the allocator, the shared_info page
 * too; d itself is freed by the last dom_put (the table's reference is dropped here). */
void dom_destroy(struct domain *d);
/* Take one frame (no references left: the caller checked) from d back to the allocator;
 * its M2P entry becomes invalid. Caller holds [m]. */
void dom_free_frame(struct domain *d, mfn_t mfn);
/* Flush the TLB of every CPU in d's dirty set (this one directly, others by IPI). */
void dom_flush_tlbs(struct domain *d);
/* Lock the page-table state of one domain, or of two in the documented order (b may be a). */
void dom_mm_lock2(struct domain *a, struct domain *b);
void dom_mm_unlock2(struct domain *a, struct domain *b);
/* True if d owns frame mfn. */
bool dom_owns(const struct domain *d, mfn_t mfn);

#endif /* HYP_DOMAIN_DOMAIN_H */
