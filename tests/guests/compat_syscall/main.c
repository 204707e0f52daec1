/*
 * compat_syscall: `syscall` from compatibility mode. A PV kernel may far-return to any 32-bit
 * code segment with DPL 3 (FLAT_RING3_CS32 is one) and run there; on AMD CPUs (and QEMU) SYSCALL
 * then enters ring 0 at MSR_CSTAR, still on the guest's stack, so CSTAR must lead to an entry
 * that switches stacks like the 64-bit one. Hearth has no 32-bit syscall ABI: the guest gets
 * #UD at the syscall instruction (what Intel CPUs raise themselves). This kernel is linked at
 * 4 MiB (its own link.ld) because compatibility mode only reaches the low 4 GiB.
 */
#include "xtf.h"

const char test_title[] = "compat_syscall: syscall in compatibility mode gives the guest #UD";

#define FLAT_RING3_CS32 0xe023

/*
 * cs_trigger() saves the callee-saved registers and its stack pointer, far-jumps to
 * cs_compat (32-bit code in FLAT_RING3_CS32) and runs `syscall` there. cs_ud_entry (#UD) and
 * cs_other_entry (any other vector of the trap table) return from cs_trigger() with the frame.
 */
__asm__(".pushsection .text\n"
        ".globl cs_trigger\n"
        "cs_trigger:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, cs_kernel_rsp(%rip)\n\t"
        "ljmpl *cs_farptr(%rip)\n"  /* not lretq: QEMU pops its frame with supervisor accesses */
        ".code32\n"
        ".globl cs_compat\n"
        "cs_compat:\n\t"
        "movl $" HC_STR(XEN_HC_xen_version) ", %eax\n\t"
        ".globl cs_compat_syscall\n"
        "cs_compat_syscall:\n\t"
        "syscall\n\t"
        "ud2\n"
        ".code64\n"
        ".globl cs_ud_entry\n"
        "cs_ud_entry:\n\t"
        "movq $6, cs_kind(%rip)\n\t"
        "jmp cs_back\n"
        ".globl cs_other_entry\n"
        "cs_other_entry:\n\t"
        "movq $99, cs_kind(%rip)\n"
        "cs_back:\n\t"
        "movq %rsp, cs_frame(%rip)\n\t"
        "movq cs_kernel_rsp(%rip), %rsp\n\t"
        "movq cs_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        ".pushsection .data\n"
        "cs_farptr: .long cs_compat; .word " HC_STR(FLAT_RING3_CS32) "\n"
        ".popsection\n"
        ".popsection\n");

extern const char cs_compat_syscall[], cs_ud_entry[], cs_other_entry[];
uint64_t *cs_trigger(void);
uint64_t cs_kernel_rsp, cs_kind;
uint64_t *cs_frame;

void test_main(void)
{
    struct trap_info traps[21];
    const uint64_t *f;
    uint64_t rip, cs;
    long rc;

    for (unsigned int v = 0; v < 20; v++)
        traps[v] = (struct trap_info){ v, 0, FLAT_KERNEL_CS64, 0,
                                       (uint64_t)(v == X86_EXC_UD ? cs_ud_entry : cs_other_entry) };
    traps[20] = (struct trap_info){ 0, 0, 0, 0, 0 };
    rc = hc_set_trap_table(traps);
    if (rc) {
        xtf_error("set_trap_table returned %ld", rc);
        return;
    }
    printk("far jump to %#x, then syscall at %p\n", FLAT_RING3_CS32, (const void *)cs_compat_syscall);
    f = cs_trigger();
    rip = f[2]; /* the frame is on this stack, below us: copy it before calling anything */
    cs = f[3];
    rc = xtf_set_trap_table();
    if (rc)
        xtf_panic("cannot reinstall the trap table: %ld", rc);
    /* #UD frame: [rcx][r11][rip][cs][rflags][rsp][ss]. */
    printk("vector %lu: rip %#lx cs %#lx\n", (unsigned long)cs_kind, (unsigned long)rip,
           (unsigned long)cs);
    if (cs_kind != 6 || rip != (uint64_t)cs_compat_syscall)
        xtf_failure("compat-mode syscall: vector %lu at %#lx, expected #UD at %p",
                    (unsigned long)cs_kind, (unsigned long)rip, (const void *)cs_compat_syscall);
    else
        xtf_success();
}
