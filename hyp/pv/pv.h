/* pv.h - 64-bit paravirtualized guests: the domain builder, entering and leaving ring 3,
 * hypercall entry, exception bounces to the guest's handlers, emulation of what PV kernels still
 * execute, and the PV-specific hypercalls. */
#ifndef HYP_PV_PV_H
#define HYP_PV_PV_H

#include "arch/arch.h"
#include "boot/bootinfo.h"
#include "hypercall/hypercall.h"

struct domain;
struct vcpu;

/* From trap_dispatch(): a SYSCALL from a guest (a hypercall from guest-kernel mode, bounced to
 * the syscall callback from guest-user mode), and an exception taken in ring 3. */
void pv_syscall(struct cpu_regs *regs);
void pv_exception(struct cpu_regs *regs);

/* The vCPU running on this CPU, or NULL when none does. */
struct vcpu *pv_current(void);

/*
 * Build dom0 from the kernel module (ELF with Xen notes), the optional initrd module, mem_bytes
 * of memory, and the kernel module's string as its command line. Returns the domain, or NULL
 * after printing why (bad image, not enough memory); nothing is left allocated then.
 */
struct domain *pv_build_dom0(const struct boot_module *kernel, const struct boot_module *initrd,
                             uint64_t mem_bytes);

/* Record the free frame count before dom0 is built (destroying it later checks it against). */
void pv_note_free_frames(void);

/* Start running v on this CPU (its initial registers); does not return. */
void pv_run(struct vcpu *v) __noreturn;

/* The guest did something it cannot survive (an exception without a handler, a bad bounce
 * stack, a bad iret frame): print why and its registers, then end the domain. */
void pv_crash(struct vcpu *v, struct cpu_regs *regs, const char *why) __noreturn;

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
long pv_hc_mmuext_op(struct hc_call *c);
long pv_hc_physdev_op(struct hc_call *c);
long pv_hc_set_gdt(struct hc_call *c);
long pv_hc_update_descriptor(struct hc_call *c);

#endif /* HYP_PV_PV_H */
