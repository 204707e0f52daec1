/* pv.h - 64-bit paravirtualized guests: the domain builder, entering and leaving ring 3,
 * hypercall entry, exception bounces to the guest's handlers, emulation of what PV kernels still
 * execute, and the PV-specific hypercalls. */
#ifndef HYP_PV_PV_H
#define HYP_PV_PV_H

#include "arch/arch.h"
#include "boot/bootinfo.h"
#include "hypercall/hypercall.h"
#include "hv/arch-x86_64.h"
#include "hv/vcpu.h"

struct domain;
struct vcpu;

/* From trap_dispatch(): a SYSCALL from a guest (a hypercall from guest-kernel mode, bounced to
 * the syscall callback from guest-user mode), and an exception taken in ring 3. */
void pv_syscall(struct cpu_regs *regs);
void pv_exception(struct cpu_regs *regs);

/* The vCPU running on this CPU, or NULL when none does. */
struct vcpu *pv_current(void);

/* What a boot-time domain is built from. */
struct pv_domain_config {
    uint16_t domid;
    bool privileged;                  /* control domain: SIF_PRIVILEGED | SIF_INITDOMAIN */
    const struct boot_module *kernel; /* ELF image with Xen notes */
    const struct boot_module *initrd; /* NULL if none */
    uint64_t mem_bytes;
    unsigned int nr_vcpus;            /* vCPU 0 is ready to run; the guest starts the others */
    const char *cmdline;
};

/*
 * Build a PV domain in Xen's start-of-day layout from cfg. Returns the domain (not yet known to
 * the scheduler or event channels), or NULL after printing why (id taken, bad image, not
 * enough memory); nothing is left allocated then.
 */
struct domain *pv_build_domain(const struct pv_domain_config *cfg);

/* Record the free frame count before dom0 is built (destroying it later checks it against). */
void pv_note_free_frames(void);

/*
 * Switching a CPU between vCPUs (hyp/sched calls these; interrupts off). The guest frame is the
 * struct cpu_regs at the top of this CPU's stack that every entry from ring 3 fills and every
 * return to ring 3 loads. pv_switch_out saves what of v lives in the CPU (registers from frame,
 * selectors, segment bases, FPU state). pv_switch_in loads v into the CPU and the frame, and
 * republishes its time; a data selector that no longer loads enters the failsafe callback.
 * pv_switch_to_idle leaves no vCPU loaded (the idle page tables).
 */
struct cpu_regs *pv_guest_frame(void);
void pv_switch_out(struct vcpu *v, const struct cpu_regs *frame);
void pv_switch_in(struct vcpu *v, struct cpu_regs *frame);
void pv_switch_to_idle(void);
/* Enter v's event callback from frame if an upcall is pending and not masked. */
void pv_deliver_events(struct vcpu *v, struct cpu_regs *frame);
/* Update v's registered run-state area (v loaded on this CPU); faults are ignored. */
void pv_copy_runstate(struct vcpu *v, const struct hv_vcpu_runstate_info *rs);
/* Every return to ring 3 ends here (trap_dispatch): scheduling work, then event upcalls. */
void pv_exit_to_guest(struct cpu_regs *frame);
/* A domain was handed to the scheduler: pv_domain_destroy counts it out again. */
void pv_domain_started(void);
/* A domain whose vCPUs all run nowhere: audit, tear down, account for its frames; the last
 * one checks that every frame came back and powers the machine off. */
void pv_domain_destroy(struct domain *d);

/* The guest did something it cannot survive (an exception without a handler, a bad bounce
 * stack, a bad iret frame): print why and its registers, then end the domain (dom0's crash
 * stops the machine, as on Xen); the CPU goes on with another vCPU. */
void pv_crash(struct vcpu *v, struct cpu_regs *regs, const char *why) __noreturn;

/*
 * VCPUOP_initialise for PV: v's first register state from c (guest-kernel mode; its page-table
 * roots take L4 references, its GDT descriptor-page references). 0; -HV_EEXIST if v already
 * has one; -HV_EINVAL for a non-canonical address, user mode, an LDT, a root or GDT refused.
 */
long pv_vcpu_initialise(struct vcpu *v, const struct hv_vcpu_guest_context *c);

/*
 * VCPUOP_register_vcpu_info: v's vcpu_info moves to offset bytes into frame mfn of its domain,
 * which takes a writable type reference until the domain ends (pv_release_vcpu_info). The
 * contents move along; all events count as pending once (the guest rescans). 0; -HV_ENXIO if
 * the struct would cross the page end; -HV_EINVAL if v already moved its vcpu_info, the frame
 * is not the domain's or cannot be writable, or v is another vCPU that is up.
 */
long pv_register_vcpu_info(struct vcpu *v, uint64_t mfn, uint32_t offset);
void pv_release_vcpu_info(struct vcpu *v);

/* PV hypercalls (hyp/pv/hypercalls.c), in the hypercall table. */
long pv_hc_set_trap_table(struct hc_call *c);
long pv_hc_stack_switch(struct hc_call *c);
long pv_hc_set_callbacks(struct hc_call *c);
long pv_hc_callback_op(struct hc_call *c);
long pv_hc_fpu_taskswitch(struct hc_call *c);
long pv_hc_iret(struct hc_call *c);
long pv_hc_set_segment_base(struct hc_call *c);
long pv_hc_update_va_mapping(struct hc_call *c);
long pv_hc_update_va_mapping_otherdomain(struct hc_call *c);
long pv_hc_mmu_update(struct hc_call *c);
long pv_hc_memory_op(struct hc_call *c);
long pv_hc_hearth_op(struct hc_call *c);
/* Check every frame's references and types against the page tables that hold them, and the
 * frame accounting (mm/ptype.h rules); print each problem. Returns the number of problems. */
unsigned long pv_audit(void);
/* The same for d alone (its frames, types and references; no global counts). */
unsigned long pv_audit_domain(struct domain *d);
long pv_hc_mmuext_op(struct hc_call *c);
long pv_hc_physdev_op(struct hc_call *c);
long pv_hc_set_gdt(struct hc_call *c);
long pv_hc_update_descriptor(struct hc_call *c);

#endif /* HYP_PV_PV_H */
