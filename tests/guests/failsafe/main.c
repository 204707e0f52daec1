/*
 * failsafe: when the hypervisor cannot reload the guest's data segment selectors on the way back
 * to the guest (Xen: load_segments() after a full context switch), it enters the registered
 * failsafe callback with [rcx][r11][ds][es][fs][gs][rip][cs][rflags][rsp][ss] instead of
 * killing the domain.
 *
 * Trigger: %fs holds an LDT selector, then the LDT is removed (MMUEXT_SET_LDT 0 entries); the
 * stale %fs keeps working until the hypervisor reloads it, which Xen 4.17 only does after a
 * real context switch (not when the vCPU just blocks and resumes on the same pCPU with its
 * state still loaded). The test blocks repeatedly (SCHEDOP_poll with a short timeout) hoping
 * to resume on another pCPU; if no reload ever happens it reports SKIP.
 *
 * Also checked: HYPERVISOR_iret to kernel mode with a NUL SS is not a failsafe case in Xen
 * 4.17: Xen's iretq faults and Xen injects #GP(0) at the iret target instead.
 */
#include "xtf.h"

const char test_title[] = "failsafe: stale LDT selector in %fs enters the failsafe callback";

#define LDT_SEL   0x7                    /* LDT entry 0, RPL 3 */
#define FLAT_DATA 0x00cff3000000ffffull  /* base 0, limit 4G, DPL 3, read/write, accessed */
#define POLL_ROUNDS 300
#define BAD_SS 0x0                       /* RPL forced to 3 by the hypervisor: NUL */

/*
 * Part A. gp_trigger(rsp) saves the callee-saved registers and its stack pointer, then calls
 * HYPERVISOR_iret to kernel mode (CS RPL 0) at fs_iret_target with rsp and BAD_SS.
 * fs_iret_target (iret worked), fs_gp_entry (#GP, vector 13 while armed) and
 * fs_failsafe_a (failsafe callback) record which ran and the frame, and return from
 * gp_trigger() with the frame address.
 *
 * Part B. fs_failsafe_b is the failsafe callback proper: it copies the 11-quadword frame to
 * fs_saved, counts the entry, and resumes the interrupted code like Linux does (drop
 * ds/es/fs/gs, HYPERVISOR_iret with the rest; rax, the hypercall's result, is kept).
 */
__asm__(".pushsection .text\n"
        ".globl gp_trigger\n"
        "gp_trigger:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, fs_kernel_rsp(%rip)\n\t"
        "pushq $" HC_STR(BAD_SS) "\n\t"          /* ss */
        "pushq %rdi\n\t"                        /* rsp */
        "pushq $0x2\n\t"                        /* rflags: IF clear */
        "pushq $" HC_STR(FLAT_KERNEL_CS64) " & ~3\n\t"  /* cs, RPL 0: stay in kernel mode */
        "leaq fs_iret_target(%rip), %rax\n\t"
        "pushq %rax\n\t"                        /* rip */
        "pushq $0\n\t"                          /* flags */
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".globl fs_iret_target\n"
        "fs_iret_target:\n\t"
        "movq $1, fs_kind(%rip)\n\t"
        "jmp fs_back\n"
        ".globl fs_failsafe_a\n"
        "fs_failsafe_a:\n\t"
        "movq $2, fs_kind(%rip)\n\t"
        "jmp fs_back\n"
        ".globl fs_gp_entry\n"
        "fs_gp_entry:\n\t"
        "movq $3, fs_kind(%rip)\n"
        "fs_back:\n\t"
        "movq %rsp, fs_frame(%rip)\n\t"
        "movq fs_kernel_rsp(%rip), %rsp\n\t"
        "movq fs_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        ".globl fs_failsafe_b\n"
        "fs_failsafe_b:\n\t"
        "movq %rsp, fs_frame(%rip)\n\t"
        "pushq %rax; pushq %rcx; pushq %rsi; pushq %rdi\n\t"
        "leaq 32(%rsp), %rsi\n\t"
        "leaq fs_saved(%rip), %rdi\n\t"
        "movl $11, %ecx\n\t"
        "cld; rep movsq\n\t"
        "incq fs_count(%rip)\n\t"
        "popq %rdi; popq %rsi; popq %rcx; popq %rax\n\t"
        "movq (%rsp), %rcx\n\t"
        "movq 8(%rsp), %r11\n\t"
        "addq $0x30, %rsp\n\t"                  /* now at rip, cs, rflags, rsp, ss */
        "pushq $0\n\t"
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".popsection\n");

extern const char fs_iret_target[], fs_gp_entry[], fs_failsafe_a[], fs_failsafe_b[];
uint64_t *gp_trigger(uint64_t rsp);
uint64_t fs_kernel_rsp, fs_kind, fs_count;
uint64_t *fs_frame;
uint64_t fs_saved[11];

static char gp_stack[4096] __attribute__((aligned(16)));
static uint64_t ldt_page[512] __attribute__((aligned(4096)));

static long register_failsafe(const void *entry)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_failsafe, .flags = 0, .address = (uint64_t)entry,
    };

    return hc_callback_op(CALLBACKOP_register, &cb);
}

/* Part A: iret with a NUL SS. Xen 4.17 injects #GP(0) at the iret target. */
static void test_iret_bad_ss(void)
{
    const struct trap_info gp[] = {
        { X86_EXC_GP, 0, FLAT_KERNEL_CS64, 0, (uint64_t)fs_gp_entry },
        { 0, 0, 0, 0, 0 },
    };
    uint64_t rsp = (uint64_t)gp_stack + sizeof(gp_stack);
    const uint64_t *f;
    long rc;

    rc = register_failsafe(fs_failsafe_a);
    if (!rc)
        rc = hc_set_trap_table(gp);
    if (rc) {
        xtf_error("callback_op/set_trap_table returned %ld", rc);
        return;
    }
    f = gp_trigger(rsp);
    rc = xtf_set_trap_table();
    if (rc)
        xtf_panic("cannot reinstall the trap table: %ld", rc);

    static const char *const kinds[] = { "?", "iret returned normally", "failsafe callback",
                                         "#GP" };
    printk("iret with SS %#x: %s; frame at %#lx: %#lx %#lx %#lx %#lx %#lx %#lx %#lx %#lx\n",
           BAD_SS, kinds[fs_kind < 4 ? fs_kind : 0], (unsigned long)f, (unsigned long)f[0],
           (unsigned long)f[1], (unsigned long)f[2], (unsigned long)f[3], (unsigned long)f[4],
           (unsigned long)f[5], (unsigned long)f[6], (unsigned long)f[7]);
    /* #GP frame: [rcx][r11][error code][rip][cs][rflags][rsp][ss]. */
    if (fs_kind != 3)
        xtf_failure("iret with a NUL SS: %s, Xen injects #GP", kinds[fs_kind < 4 ? fs_kind : 0]);
    else if (f[2] != 0 || f[3] != (uint64_t)fs_iret_target || f[6] != rsp)
        xtf_failure("iret with a NUL SS: #GP ec %#lx rip %#lx rsp %#lx, expected ec 0 at "
                    "the iret target %#lx with its rsp %#lx", (unsigned long)f[2],
                    (unsigned long)f[3], (unsigned long)f[6], (unsigned long)fs_iret_target,
                    (unsigned long)rsp);
}

static uint16_t read_fs(void)
{
    uint16_t sel;

    __asm__ __volatile__("movw %%fs, %0" : "=r"(sel));
    return sel;
}

static long set_ldt(uint64_t va, unsigned int ents)
{
    struct mmuext_op op = { .cmd = MMUEXT_SET_LDT, .arg1 = va, .arg2 = ents };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

/* Part B: the stale LDT selector. Returns false (and reports) if the setup failed. */
static bool load_stale_fs(void)
{
    uint64_t mfn = xtf_virt_to_mfn(ldt_page);
    long rc;

    ldt_page[0] = FLAT_DATA;
    /* LDT pages must not be writable: map it P | A | D, read-only. */
    rc = hc_update_va_mapping((uint64_t)ldt_page, (mfn << 12) | 0x61, UVMF_INVLPG);
    if (rc) {
        xtf_error("update_va_mapping(LDT page read-only) returned %ld", rc);
        return false;
    }
    rc = set_ldt((uint64_t)ldt_page, 1);
    if (rc) {
        xtf_error("mmuext_op(SET_LDT, 1 entry) returned %ld", rc);
        return false;
    }
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movw %w0, %%fs" XTF_PROBE_END
                         : : "r"(LDT_SEL) : XTF_PROBE_CLOBBERS);
    if (xtf_exinfo.raised || read_fs() != LDT_SEL) {
        xtf_error("mov %#x to %%fs: %s, fs %#x", LDT_SEL,
                  xtf_exinfo.raised ? xtf_vector_name(xtf_exinfo.vector) : "ok", read_fs());
        return false;
    }
    rc = set_ldt(0, 0);
    if (rc) {
        xtf_error("mmuext_op(SET_LDT, none) returned %ld", rc);
        return false;
    }
    printk("%%fs = %#x with the LDT gone\n", read_fs());
    return true;
}

static void test_stale_ldt_selector(void)
{
    long rc;
    struct shared_info_head *sh = xtf_map_shared_info(&rc);
    unsigned int i;

    if (!sh) {
        xtf_error("cannot map shared_info: %ld", rc);
        return;
    }
    rc = register_failsafe(fs_failsafe_b);
    if (rc) {
        xtf_error("callback_op(register, failsafe) returned %ld", rc);
        return;
    }
    if (!load_stale_fs())
        return;

    for (i = 0; i < POLL_ROUNDS && !fs_count; i++) {
        volatile struct vcpu_info *vi = &sh->vcpu_info[0];
        uint64_t now = *(volatile uint64_t *)&vi->time[16];  /* vcpu_time_info.system_time */
        struct sched_poll poll = { .ports = 0, .nr_ports = 0, .timeout = now + 200000 };

        rc = hc_sched_op(SCHEDOP_poll, &poll);
        if (rc) {
            xtf_error("sched_op(poll, no ports, timeout) returned %ld", rc);
            return;
        }
    }
    printk("after %u polls: failsafe entered %lu times, fs %#x\n", i, (unsigned long)fs_count,
           read_fs());
    if (!fs_count) {
        xtf_skip("%%fs was never reloaded in %u block/wake rounds (no full context switch), "
                 "so the failsafe callback could not be triggered", i);
        return;
    }
    printk("failsafe frame at %#lx: rcx %#lx r11 %#lx ds %#lx es %#lx fs %#lx gs %#lx rip %#lx "
           "cs %#lx rflags %#lx rsp %#lx ss %#lx\n", (unsigned long)fs_frame,
           (unsigned long)fs_saved[0], (unsigned long)fs_saved[1], (unsigned long)fs_saved[2],
           (unsigned long)fs_saved[3], (unsigned long)fs_saved[4], (unsigned long)fs_saved[5],
           (unsigned long)fs_saved[6], (unsigned long)fs_saved[7], (unsigned long)fs_saved[8],
           (unsigned long)fs_saved[9], (unsigned long)fs_saved[10]);
    if ((fs_saved[4] & 0xffff) != LDT_SEL)
        xtf_failure("failsafe frame fs %#lx, expected the stale %#x", (unsigned long)fs_saved[4],
                    LDT_SEL);
    if ((fs_saved[7] & 0xffff) != (FLAT_KERNEL_CS64 & ~3u))
        xtf_failure("failsafe frame cs %#lx, expected %#x", (unsigned long)fs_saved[7],
                    FLAT_KERNEL_CS64 & ~3u);
    if (read_fs() != 0)
        xtf_failure("%%fs after the failsafe callback %#x, expected NUL", read_fs());
}

void test_main(void)
{
    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    test_iret_bad_ss();
    test_stale_ldt_selector();
    xtf_success();
}
