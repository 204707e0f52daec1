/*
 * user_mode: the kernel enters a guest-user task with HYPERVISOR_iret (CS RPL 3); the task's
 * `syscall` is bounced to the registered syscall callback and its `int $0x80` to trap-table
 * vector 0x80, both on the stack given by stack_switch, with the user state in the frame.
 */
#include "xtf.h"

const char test_title[] = "user_mode: iret to guest user, syscall callback and int $0x80";

/*
 * The round trip, in assembly:
 *   um_enter(rip, rsp) saves the callee-saved registers and its stack pointer, then iret's to
 *   user mode at rip with rsp (RFLAGS.IF clear, so events stay masked in user mode too).
 *   um_syscall_entry / um_int80_entry are entered by the hypervisor in kernel mode on the
 *   stack_switch stack; they record rsp (the frame), rax and rdi, restore the kernel stack and
 *   registers and return from um_enter() with the frame's address.
 * The user tasks set rax and rdi to markers and trap; nothing after the trap may run.
 */
__asm__(".pushsection .text\n"
        ".globl um_enter\n"
        "um_enter:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, um_kernel_rsp(%rip)\n\t"
        "pushq $" HC_STR(FLAT_USER_SS64) "\n\t"   /* ss */
        "pushq %rsi\n\t"                        /* rsp */
        "pushq $0x2\n\t"                        /* rflags: IF clear */
        "pushq $" HC_STR(FLAT_USER_CS64) "\n\t"   /* cs, RPL 3 = to guest user mode */
        "pushq %rdi\n\t"                        /* rip */
        "pushq $0\n\t"                          /* flags */
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".globl um_syscall_entry\n"
        "um_syscall_entry:\n\t"
        "movq $1, um_entry_kind(%rip)\n\t"
        "jmp um_back\n"
        ".globl um_int80_entry\n"
        "um_int80_entry:\n\t"
        "movq $2, um_entry_kind(%rip)\n"
        "um_back:\n\t"
        "movq %rsp, um_frame(%rip)\n\t"
        "movq %rax, um_rax(%rip)\n\t"
        "movq %rdi, um_rdi(%rip)\n\t"
        "movq um_kernel_rsp(%rip), %rsp\n\t"
        "movq um_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        /* User tasks. */
        ".globl um_user_syscall\n"
        "um_user_syscall:\n\t"
        "movq $0x5ca11, %rax\n\t"
        "movq $0x1234, %rdi\n\t"
        "syscall\n"
        ".globl um_user_syscall_end\n"
        "um_user_syscall_end:\n\t"
        "ud2\n"
        ".globl um_user_int80\n"
        "um_user_int80:\n\t"
        "movq $0x80, %rax\n\t"
        "movq $0x5678, %rdi\n\t"
        "int $0x80\n"
        ".globl um_user_int80_end\n"
        "um_user_int80_end:\n\t"
        "ud2\n"
        ".popsection\n");

extern const char um_syscall_entry[], um_int80_entry[];
extern const char um_user_syscall[], um_user_syscall_end[], um_user_int80[],
    um_user_int80_end[];
uint64_t *um_enter(uint64_t rip, uint64_t rsp);
uint64_t um_kernel_rsp, um_entry_kind, um_rax, um_rdi;
uint64_t *um_frame;

static char user_stack[4096] __attribute__((aligned(4096)));
static char kernel_stack[4096] __attribute__((aligned(4096)));

#define USER_RSP ((uint64_t)user_stack + sizeof(user_stack) - 64)
#define KERNEL_TOP ((uint64_t)kernel_stack + sizeof(kernel_stack))

/* Check one field of the frame; name says which. */
static void expect_eq(const char *what, uint64_t got, uint64_t want)
{
    if (got != want)
        xtf_failure("%s: %#lx, expected %#lx", what, (unsigned long)got, (unsigned long)want);
}

/*
 * Check a frame [rcx][r11][rip][cs][rflags][rsp][ss] built on the stack_switch stack for a trap
 * from user mode at `rip`.
 */
static void check_frame(const char *name, const uint64_t *f, uint64_t rip, uint64_t kind,
                        uint64_t rax, uint64_t rdi)
{
    char what[64];

    printk("%s: frame at %#lx: rcx %#lx r11 %#lx rip %#lx cs %#lx rflags %#lx rsp %#lx "
           "ss %#lx; rax %#lx rdi %#lx\n", name, (unsigned long)f, (unsigned long)f[0],
           (unsigned long)f[1], (unsigned long)f[2], (unsigned long)f[3], (unsigned long)f[4],
           (unsigned long)f[5], (unsigned long)f[6], (unsigned long)um_rax,
           (unsigned long)um_rdi);
    snprintf(what, sizeof(what), "%s: entry", name);
    expect_eq(what, um_entry_kind, kind);
    /* The bounce frame sits just below the 16-byte aligned kernel_sp: 7 quadwords. */
    snprintf(what, sizeof(what), "%s: frame address", name);
    expect_eq(what, (uint64_t)f, KERNEL_TOP - 7 * 8);
    snprintf(what, sizeof(what), "%s: rip", name);
    expect_eq(what, f[2], rip);
    snprintf(what, sizeof(what), "%s: cs", name);
    expect_eq(what, f[3] & 0xffff, FLAT_USER_CS64);  /* RPL 3: user mode was interrupted */
    /* User mode ran with IF clear, so events were masked: saved mask 1 in CS bits 32-39. */
    snprintf(what, sizeof(what), "%s: saved upcall mask", name);
    expect_eq(what, (f[3] >> 32) & 0xff, 1);
    snprintf(what, sizeof(what), "%s: rflags.IF", name);
    expect_eq(what, f[4] & X86_EFLAGS_IF, 0);
    snprintf(what, sizeof(what), "%s: rsp", name);
    expect_eq(what, f[5], USER_RSP);
    snprintf(what, sizeof(what), "%s: ss", name);
    expect_eq(what, f[6] & 0xffff, FLAT_USER_SS64);
    snprintf(what, sizeof(what), "%s: rax", name);
    expect_eq(what, um_rax, rax);
    snprintf(what, sizeof(what), "%s: rdi", name);
    expect_eq(what, um_rdi, rdi);
}

/* Give guest-user mode a root table: the kernel's own L4 (every PV page is user-accessible). */
static long set_user_baseptr(void)
{
    struct mmuext_op op = {
        .cmd = MMUEXT_NEW_USER_BASEPTR,
        .arg1 = xtf_virt_to_mfn((const void *)xtf_start_info->pt_base),
    };
    unsigned int done = 0;
    long rc = hc_mmuext_op(&op, 1, &done, DOMID_SELF);

    printk("mmuext_op(NEW_USER_BASEPTR, mfn %#lx): %ld, done %u\n", (unsigned long)op.arg1,
           rc, done);
    return rc;
}

static void test_syscall(void)
{
    const uint64_t *f = um_enter((uint64_t)um_user_syscall, USER_RSP);

    check_frame("syscall", f, (uint64_t)um_user_syscall_end, 1, 0x5ca11, 0x1234);
    /* SYSCALL put the return rip in rcx and rflags in r11; Xen hands both over in the frame. */
    expect_eq("syscall: frame rcx (= return rip)", f[0], (uint64_t)um_user_syscall_end);
    expect_eq("syscall: frame r11 (= user rflags) bit 1", f[1] & 2, 2);
}

static void test_int80(void)
{
    const struct trap_info int80[] = {
        { 0x80, TI_DPL3, FLAT_KERNEL_CS64, 0, (uint64_t)um_int80_entry },
        { 0, 0, 0, 0, 0 },
    };
    long rc = hc_set_trap_table(int80);
    const uint64_t *f;

    if (rc) {
        xtf_failure("set_trap_table(0x80, DPL 3) returned %ld", rc);
        return;
    }
    f = um_enter((uint64_t)um_user_int80, USER_RSP);
    check_frame("int $0x80", f, (uint64_t)um_user_int80_end, 2, 0x80, 0x5678);
}

void test_main(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = 0, .address = (uint64_t)um_syscall_entry,
    };
    long rc;

    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    rc = hc_callback_op(CALLBACKOP_register, &cb);
    if (rc) {
        xtf_failure("callback_op(register, syscall) returned %ld", rc);
        return;
    }
    rc = hc_stack_switch(FLAT_KERNEL_SS64, KERNEL_TOP);
    if (rc) {
        xtf_failure("stack_switch returned %ld", rc);
        return;
    }
    rc = set_user_baseptr();
    if (rc) {
        xtf_failure("mmuext_op(NEW_USER_BASEPTR) returned %ld", rc);
        return;
    }
    test_syscall();
    test_int80();
    /* Back in kernel mode: hypercalls work again. */
    rc = hc_xen_version(XENVER_version, NULL);
    if (rc <= 0)
        xtf_failure("xen_version after returning from user mode: %ld", rc);
    xtf_success();
}
