/*
 * user_privileged: what the hypervisor emulates for a PV kernel (rdmsr/wrmsr of the segment-base
 * MSRs, mov to/from cr0/cr3/cr4) is privileged: from guest-user mode it must stay a #GP(0) for
 * the guest kernel, as on Xen. Otherwise a guest application sets the kernel's GS base or
 * switches to the kernel's page tables.
 */
#include "xtf.h"

const char test_title[] = "user_privileged: no privileged-instruction emulation for guest user";

#define GS_TAMPERED 0x123456789000ull

/*
 * up_enter(rip, rsp) saves the callee-saved registers and its stack pointer and iret's to
 * guest-user mode at rip. Each user task executes one privileged instruction, then `syscall`.
 * up_gp_entry (#GP) and up_syscall_entry (syscall callback) record which ran and return from
 * up_enter() with the frame's address.
 */
__asm__(".pushsection .text\n"
        ".globl up_enter\n"
        "up_enter:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, up_kernel_rsp(%rip)\n\t"
        "pushq $" HC_STR(FLAT_USER_SS64) "\n\t"
        "pushq %rsi\n\t"
        "pushq $0x2\n\t"
        "pushq $" HC_STR(FLAT_USER_CS64) "\n\t"
        "pushq %rdi\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".globl up_syscall_entry\n"
        "up_syscall_entry:\n\t"
        "movq $1, up_kind(%rip)\n\t"
        "jmp up_back\n"
        ".globl up_gp_entry\n"
        "up_gp_entry:\n\t"
        "movq $13, up_kind(%rip)\n"
        "up_back:\n\t"
        "movq %rsp, up_frame(%rip)\n\t"
        "movq up_kernel_rsp(%rip), %rsp\n\t"
        "movq up_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        ".globl up_task_wrmsr\n"
        "up_task_wrmsr:\n\t"
        "movl $" HC_STR(MSR_GS_BASE) ", %ecx\n\t"
        "movabsq $" HC_STR(GS_TAMPERED) ", %rax\n\t"
        "movq %rax, %rdx\n\t"
        "shrq $32, %rdx\n\t"
        "wrmsr\n\t"
        "syscall\n"
        ".globl up_task_rdcr3\n"
        "up_task_rdcr3:\n\t"
        "movq %cr3, %rax\n\t"
        "syscall\n"
        ".globl up_task_wrcr3\n"
        "up_task_wrcr3:\n\t"
        "movq up_l4_maddr(%rip), %rax\n\t"
        "movq %rax, %cr3\n\t"
        "syscall\n"
        ".popsection\n");

extern const char up_syscall_entry[], up_gp_entry[];
extern const char up_task_wrmsr[], up_task_rdcr3[], up_task_wrcr3[];
uint64_t *up_enter(uint64_t rip, uint64_t rsp);
uint64_t up_kernel_rsp, up_kind, up_l4_maddr;
uint64_t *up_frame;

static char user_stack[4096] __attribute__((aligned(4096)));
static char kernel_stack[4096] __attribute__((aligned(4096)));

static void run(const char *what, const char *task)
{
    const uint64_t *f = up_enter((uint64_t)task, (uint64_t)user_stack + sizeof(user_stack));

    printk("%-40s %s", what, up_kind == 13 ? "#GP" : up_kind == 1 ? "emulated" : "?");
    if (up_kind == 13)
        printk(" ec %#lx rip %s\n", (unsigned long)f[2], f[3] == (uint64_t)task ? "= insn" : "?");
    else
        printk("\n");
    if (up_kind != 13 || f[2] != 0)
        xtf_failure("%s from guest-user mode: %s, expected #GP(0)", what,
                    up_kind == 1 ? "emulated" : "no #GP");
}

void test_main(void)
{
    const struct trap_info gp[] = {
        { X86_EXC_GP, 0, FLAT_KERNEL_CS64, 0, (uint64_t)up_gp_entry },
        { 0, 0, 0, 0, 0 },
    };
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = 0, .address = (uint64_t)up_syscall_entry,
    };
    uint64_t l4_mfn = xtf_virt_to_mfn((const void *)xtf_start_info->pt_base);
    struct mmuext_op op = { .cmd = MMUEXT_NEW_USER_BASEPTR, .arg1 = l4_mfn };
    uint32_t lo, hi;
    long rc;

    up_l4_maddr = l4_mfn << 12;
    rc = hc_set_trap_table(gp);
    if (!rc)
        rc = hc_callback_op(CALLBACKOP_register, &cb);
    if (!rc)
        rc = hc_stack_switch(FLAT_KERNEL_SS64, (uint64_t)kernel_stack + sizeof(kernel_stack));
    if (!rc)
        rc = hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
    if (!rc)
        rc = hc_set_segment_base(SEGBASE_GS_KERNEL, 0);
    if (rc) {
        xtf_error("setting up (traps, syscall callback, stack_switch, user root) returned %ld", rc);
        return;
    }
    run("wrmsr GS_BASE", up_task_wrmsr);
    run("mov %cr3, %rax", up_task_rdcr3);
    run("mov %rax, %cr3", up_task_wrcr3);
    rc = xtf_set_trap_table();
    if (rc)
        xtf_panic("cannot reinstall the trap table: %ld", rc);
    /* The kernel's GS base (emulated rdmsr, from guest-kernel mode) must be untouched. */
    __asm__ __volatile__("rdmsr" : "=a"(lo), "=d"(hi) : "c"(MSR_GS_BASE));
    printk("kernel GS base afterwards: %#lx\n", ((unsigned long)hi << 32) | lo);
    if ((((uint64_t)hi << 32) | lo) != 0)
        xtf_failure("guest user changed the kernel's GS base to %#lx",
                    ((unsigned long)hi << 32) | lo);
    xtf_success();
}
