/* traps.c - delivering exceptions, system calls and events to a PV guest kernel: the bounce
 * frame Xen builds on the guest kernel's stack. */
#include "hv/callback.h"
#include "pv/pv_private.h"


/* Where the guest's handler for vector runs, and whether it masks events. 0 if none. */
static uint64_t bounce_target(struct vcpu *v, unsigned int vector, bool *mask_events)
{
    switch (vector) {
    case PV_BOUNCE_SYSCALL:
        *mask_events = v->syscall_flags & HV_CALLBACKF_mask_events;
        return v->syscall_callback;
    case PV_BOUNCE_EVENT:
        *mask_events = true; /* the event callback always starts with events masked */
        return v->event_callback;
    case PV_BOUNCE_FAILSAFE:
        *mask_events = v->failsafe_flags & HV_CALLBACKF_mask_events;
        return v->failsafe_callback;
    default:
        *mask_events = v->traps[vector].flags & HV_TI_IF;
        return v->traps[vector].address;
    }
}

/*
 * The frame, lowest address first: rcx, r11, [extra words: an error code, or the failsafe
 * callback's ds, es, fs, gs], rip, cs (saved upcall mask in bits 32-39), rflags (IF = events
 * were unmasked), rsp, ss. A handler pops rcx and r11 and then sees a native exception frame.
 * From guest-user mode the frame goes on the kernel stack given by stack_switch; from
 * guest-kernel mode on the current stack, with cs's RPL cleared.
 */
static void bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector,
                   const uint64_t *extra, unsigned int nr_extra)
{
    struct hv_vcpu_info *vi = vcpu_info(v);
    bool mask_events, from_user = !v->in_kernel;
    uint64_t target = bounce_target(v, vector, &mask_events);
    uint64_t frame[12], n = 0, sp;
    uint8_t saved_mask = vi->evtchn_upcall_mask;

    if (!target)
        pv_crash(v, regs, vector == PV_BOUNCE_SYSCALL    ? "system call without a callback"
                          : vector == PV_BOUNCE_FAILSAFE ? "segments unloadable, no failsafe callback"
                                                         : "exception without a handler");
    frame[n++] = regs->rcx;
    frame[n++] = regs->r11;
    for (unsigned int i = 0; i < nr_extra; i++)
        frame[n++] = extra[i];
    frame[n++] = regs->rip;
    frame[n++] = (from_user ? regs->cs : regs->cs & ~3ull) | ((uint64_t)saved_mask << 32);
    frame[n++] = (regs->rflags & ~RFLAGS_IF) | (saved_mask ? 0 : RFLAGS_IF);
    frame[n++] = regs->rsp;
    frame[n++] = regs->ss;
    if (from_user)
        pv_toggle_mode(v);
    sp = ((from_user ? v->kernel_sp : regs->rsp) & ~15ull) - n * 8;
    if (copy_to_guest(sp, frame, n * 8))
        pv_crash(v, regs, "cannot write the exception frame on the guest kernel stack");
    if (mask_events)
        vi->evtchn_upcall_mask = 1;
    regs->rip = target;
    regs->cs = FLAT_RING3_CS64;
    regs->ss = FLAT_RING3_DS;
    regs->rsp = sp;
    regs->rflags &= ~(RFLAGS_TF | RFLAGS_VM | RFLAGS_RF | RFLAGS_NT | RFLAGS_AC | RFLAGS_DF);
    regs->rflags |= RFLAGS_IF;
}

void pv_bounce(struct vcpu *v, struct cpu_regs *regs, unsigned int vector, bool has_error,
               uint64_t error_code)
{
    bounce(v, regs, vector, &error_code, has_error ? 1 : 0);
}

void pv_bounce_failsafe(struct vcpu *v, struct cpu_regs *regs, const uint16_t sel[4])
{
    uint64_t extra[4] = {sel[0], sel[1], sel[2], sel[3]};

    bounce(v, regs, PV_BOUNCE_FAILSAFE, extra, 4);
}

/*
 * The vector comes from the instruction (CD ib), not from the #GP error code: QEMU 7.2's TCG
 * reports (n << 4) | 2 instead of (n << 3) | 2 (shared/TOOLCHAIN.md section 7). The guest's
 * trap_info DPL says who may raise it: guest-kernel mode counts as privilege level 1.
 */
bool pv_software_interrupt(struct vcpu *v, struct cpu_regs *regs)
{
    unsigned int level = v->in_kernel ? 1 : 3;
    uint8_t insn[2];

    if ((regs->error_code & 7) != 2 || copy_from_guest(insn, regs->rip, sizeof(insn)) ||
        insn[0] != 0xcd)
        return false;
    if (!v->traps[insn[1]].address || (v->traps[insn[1]].flags & HV_TI_DPL_MASK) < level)
        return false;
    regs->rip += 2; /* a software interrupt returns after the instruction */
    pv_bounce(v, regs, insn[1], false, 0);
    return true;
}
