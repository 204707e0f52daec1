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
/* pv_bounce's vectors above the 256 of the trap table: the registered callbacks. */
#define PV_BOUNCE_SYSCALL 0x100  /* syscall callback (a guest-user syscall) */
#define PV_BOUNCE_EVENT 0x101    /* event callback (an upcall) */
#define PV_BOUNCE_FAILSAFE 0x102 /* failsafe callback: use pv_bounce_failsafe */
/* Deliver vector (with error code if has_error) to the guest's handler, from the ring-3 frame
 * in regs. Crashes the domain if there is no handler or the guest stack cannot take the frame. */
void pv_bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
               uint64_t error_code);
/* Enter the failsafe callback: the data selectors sel[] = ds, es, fs, gs would not load. */
void pv_bounce_failsafe(struct vcpu *v, struct cpu_regs *regs, const uint16_t sel[4]);
/* Emulation of a faulting instruction: true if it was handled (regs advanced past it). */
bool pv_emulate_forced_cpuid(struct vcpu *v, struct cpu_regs *regs);
bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs);
/* int $n from the guest (a #GP, since the hypervisor's gates have DPL 0): bounce to the guest's
 * vector n if its trap table allows it from the current mode; true if delivered. */
bool pv_software_interrupt(struct vcpu *v, struct cpu_regs *regs);
/* Descriptor checks (descriptors.c): false refuses *desc; code/data segments get DPL 3. */
bool pv_descriptor_check(uint64_t *desc);

/* One page-table hypercall in progress on domain d (the page tables' owner), holding d's
 * mm_lock from pv_mm_begin() to pv_mm_end(), with the work budget of its validations. */
struct pv_mm {
    struct vcpu *v;
    struct domain *d;
    struct pt_work w;
};
void pv_mm_begin(struct pv_mm *m, struct vcpu *v, struct domain *d);
void pv_mm_end(struct pv_mm *m);
/* The domain a domid argument names: the caller's own for DOMID_SELF or its id; -HV_EPERM
 * for another domain unless privileged, -HV_ESRCH if there is none. pv_mm_foreign() is the
 * same for the foreigndom of mmu_update/mmuext_op, where the caller's own id is -HV_ESRCH. */
int pv_mm_target(struct vcpu *v, uint32_t domid, struct domain **out);
int pv_mm_foreign(struct vcpu *v, uint32_t domid, struct domain **out);
/* The validated L1 mapping va under root, and va's index in it; 0 if there is none. */
mfn_t pv_find_l1(const struct domain *d, paddr_t root, uint64_t va, unsigned int *idx);
/* Write 8 bytes at offset of a frame of m->d that is not a page table in use (it takes the
 * writable type meanwhile). 0, -HV_EINVAL, PT_ERESTART. */
int pv_plain_write(struct pv_mm *m, mfn_t mfn, unsigned int offset, uint64_t val);
/* New kernel (or user) root table for m->v: an L4 type reference moves to it; user mfn 0 clears
 * the user root. Loads CR3 if the vCPU is in that mode. 0, -HV_EINVAL or PT_ERESTART. */
int pv_set_root(struct pv_mm *m, mfn_t mfn, bool user);
/* TLB flushes: this CPU; the vCPUs in a bitmap at a guest address (whole TLB or the one page
 * va; -HV_EFAULT for an unreadable bitmap, as Xen). */
void pv_flush_local(void);
int pv_flush_vcpumask(struct vcpu *v, uint64_t mask_va, uint64_t va, bool all_tlb);
/* Frames of v's GDT (set_gdt), each holding a descriptor-page type reference. */
unsigned int pv_gdt_frames(const struct vcpu *v);
/* The guest's LDT (MMUEXT_SET_LDT): base (page aligned, checked) and entries, 0 = none. */
#define LDT_MAX_ENTRIES 8192
long pv_set_ldt(struct pv_mm *m, uint64_t base, unsigned int ents);
unsigned int pv_ldt_frames(const struct vcpu *v);
void pv_load_ldt(const struct vcpu *v);
/* set_gdt for v: descriptor-page references on the frames, every entry checked; load: into this
 * CPU's GDT now (v runs here). 0, -HV_EINVAL (too many entries, a refused descriptor, frames
 * that cannot be descriptor pages), -HV_ENOMEM. On failure the old GDT stays. */
long pv_set_gdt(struct vcpu *v, const uint64_t *frames, unsigned int entries, bool load);
/* Load v's GDT (set_gdt) into this CPU's GDT; on every switch to v. */
void pv_load_gdt(struct vcpu *v);
void pv_release_ldt(struct vcpu *v);
/* Writable page tables assist: emulate a guest kernel's write to one of its L1 tables that
 * faulted (error code W and P). True if done (rip advanced); false: bounce the #PF. */
bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2);

/* Time (time.c): start publishing v's vcpu_time_info (and, for vCPU 0, the domain's wall
 * clock) before it first runs, refreshed periodically on this CPU; stop before v goes away.
 * pv_time_publish refreshes it now (on every schedule-in). */
void pv_time_start(struct vcpu *v);
void pv_time_stop(struct vcpu *v);
void pv_time_publish(struct vcpu *v);

#endif
