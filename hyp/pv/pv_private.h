/* pv_private.h - shared between the files of hyp/pv (not for other subsystems). */
#ifndef HYP_PV_PV_PRIVATE_H
#define HYP_PV_PV_PRIVATE_H

#include "domain/domain.h"
#include "hv/arch-x86_64.h"
#include "hv/shared_info.h"
#include "pv/pv.h"

#define RFLAGS_TF (1ull << 8)
#define RFLAGS_IF (1ull << 9)
#define RFLAGS_DF (1ull << 10)
#define RFLAGS_IOPL (3ull << 12)
#define RFLAGS_NT (1ull << 14)
#define RFLAGS_RF (1ull << 16)
#define RFLAGS_VM (1ull << 17)
#define RFLAGS_AC (1ull << 18)

static inline struct hv_vcpu_info *vcpu_info(struct vcpu *v)
{
    return (struct hv_vcpu_info *)v->vcpu_info;
}

/* Switch v between guest-kernel and guest-user mode: page-table root and GS base. */
void pv_toggle_mode(struct vcpu *v);
/* Deliver vector (with error code if has_error) to the guest's handler, from the ring-3 frame
 * in regs. Crashes the domain if there is no handler or the guest stack cannot take the frame. */
void pv_bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
               uint64_t error_code);
/* Emulation of a faulting instruction: true if it was handled (regs advanced past it). */
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
/* int $n from the guest (a #GP, since the hypervisor's gates have DPL 0): bounce to the guest's
 * vector n if its trap table allows it from the current mode; true if delivered. */
bool pv_software_interrupt(struct vcpu *v, struct cpu_regs *regs);
/* Descriptor checks (descriptors.c): false refuses *desc; code/data segments get DPL 3. */
bool pv_descriptor_check(uint64_t *desc);

/* Domain finished (SCHEDOP_shutdown): what happens to the machine or the domain. */
void pv_domain_shutdown(struct vcpu *v, struct cpu_regs *regs) __noreturn;

#endif
