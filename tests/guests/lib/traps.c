/*
 * The C half of exception handling: record a probed exception and resume at its fix-up, or panic.
 */
#include "xtf.h"

/* Saved by xtf_trap_common (lib/head.S), lowest address first. */
struct xtf_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8, rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss;  /* the frame Xen built, rcx/r11 already popped */
};
_Static_assert(sizeof(struct xtf_regs) == 22 * 8, "xtf_regs matches head.S");

struct xtf_exinfo xtf_exinfo;
uint64_t xtf_probe_start;
uint64_t xtf_probe_fixup;

void xtf_exinfo_clear(void)
{
    memset(&xtf_exinfo, 0, sizeof(xtf_exinfo));
}

const char *xtf_vector_name(unsigned int vector)
{
    static const char *const names[32] = {
        "#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM", "#DF", "#CSO", "#TS",
        "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC", "#MC", "#XM", "#VE", "#CP",
    };

    return vector < 32 && names[vector] ? names[vector] : "#??";
}

/* Called by xtf_trap_common with the saved state, which it restores on return. */
void xtf_trap_handler(struct xtf_regs *regs);
void xtf_trap_handler(struct xtf_regs *regs)
{
    if (!xtf_probe_fixup)
        xtf_panic("unexpected %s (vector %lu) error code %#lx at rip %#lx rsp %#lx",
                  xtf_vector_name((unsigned int)regs->vector), (unsigned long)regs->vector,
                  (unsigned long)regs->error_code, (unsigned long)regs->rip,
                  (unsigned long)regs->rsp);

    xtf_exinfo.raised = true;
    xtf_exinfo.vector = (uint8_t)regs->vector;
    xtf_exinfo.error_code = regs->error_code;
    xtf_exinfo.rip = regs->rip;
    xtf_exinfo.rflags = regs->rflags;
    xtf_exinfo.cs = regs->cs;

    xtf_exinfo.fixup = xtf_probe_fixup;
    regs->rip = xtf_probe_fixup;
    regs->rflags &= ~(uint64_t)X86_EFLAGS_TF;  /* end a single-step probe */
    xtf_probe_fixup = 0;
}
