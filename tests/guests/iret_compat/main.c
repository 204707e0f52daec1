/*
 * iret_compat: HYPERVISOR_iret to a 32-bit (compatibility-mode) code segment of the guest's own
 * GDT. The hypervisor's iretq checks rip against the segment limit and raises #GP in ring 0 when
 * it is beyond it, so the hypercall must refuse such a frame itself: #GP(0) at the iret target,
 * as for any selector the guest cannot return to (what Xen 4.17 gives when its iretq faults).
 * A rip inside the limit is a legal return to compatibility mode: nothing is mapped below 4 GiB,
 * so the first fetch there is a #PF delivered to the guest (from guest-user mode, so that the
 * frame goes on the stack_switch stack: a compatibility-mode rsp is no kernel stack).
 */
#include "xtf.h"

const char test_title[] = "iret_compat: iret to a 32-bit code segment beyond its limit";

#define XEN_HC_set_gdt 2
#define CODE32_DESC 0x00cffa000000ffffull /* base 0, limit 4 GiB, DPL 3, 32-bit code, readable */
#define CODE32_SEL  0x0b                  /* GDT entry 1, RPL 3: to guest-user mode */
#define LOW_RIP     0x1000ull             /* inside the limit, not mapped */

/*
 * ic_trigger(rip, rsp) saves the callee-saved registers and its stack pointer, then calls
 * HYPERVISOR_iret to CODE32_SEL:rip with rsp. ic_gp_entry and ic_pf_entry (vectors 13 and 14)
 * record which ran and return from ic_trigger() with the frame address.
 */
__asm__(".pushsection .text\n"
        ".globl ic_trigger\n"
        "ic_trigger:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, ic_kernel_rsp(%rip)\n\t"
        "pushq $" HC_STR(FLAT_KERNEL_SS64) "\n\t" /* ss */
        "pushq %rsi\n\t"                        /* rsp */
        "pushq $0x2\n\t"                        /* rflags: IF clear */
        "pushq $" HC_STR(CODE32_SEL) "\n\t"     /* cs */
        "pushq %rdi\n\t"                        /* rip */
        "pushq $0\n\t"                          /* flags */
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".globl ic_gp_entry\n"
        "ic_gp_entry:\n\t"
        "movq $13, ic_kind(%rip)\n\t"
        "jmp ic_back\n"
        ".globl ic_pf_entry\n"
        "ic_pf_entry:\n\t"
        "movq $14, ic_kind(%rip)\n"
        "ic_back:\n\t"
        "movq %rsp, ic_frame(%rip)\n\t"
        "movq ic_kernel_rsp(%rip), %rsp\n\t"
        "movq ic_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        ".popsection\n");

extern const char ic_gp_entry[], ic_pf_entry[];
uint64_t *ic_trigger(uint64_t rip, uint64_t rsp);
uint64_t ic_kernel_rsp, ic_kind;
uint64_t *ic_frame;

static char ic_stack[4096] __attribute__((aligned(16)));
static char kernel_stack[4096] __attribute__((aligned(4096)));
static uint64_t gdt_page[512] __attribute__((aligned(4096)));

/* One iret to CODE32_SEL:rip; the frame is [rcx][r11][error code][rip][cs][rflags][rsp][ss]. */
static void try_iret(const char *what, uint64_t rip, uint64_t want_kind)
{
    uint64_t rsp = (uint64_t)ic_stack + sizeof(ic_stack);
    const uint64_t *f;

    ic_kind = 0;
    f = ic_trigger(rip, rsp);
    printk("%s: vector %lu, error code %#lx, rip %#lx, cs %#lx\n", what,
           (unsigned long)ic_kind, (unsigned long)f[2], (unsigned long)f[3],
           (unsigned long)f[4]);
    if (ic_kind != want_kind || f[2] != (want_kind == 13 ? 0 : 0x14 | X86_PFEC_USER) || f[3] != rip)
        xtf_failure("%s: vector %lu ec %#lx at %#lx, expected vector %lu at %#lx", what,
                    (unsigned long)ic_kind, (unsigned long)f[2], (unsigned long)f[3],
                    (unsigned long)want_kind, (unsigned long)rip);
}

void test_main(void)
{
    const struct trap_info traps[] = {
        { X86_EXC_GP, 0, FLAT_KERNEL_CS64, 0, (uint64_t)ic_gp_entry },
        { X86_EXC_PF, 0, FLAT_KERNEL_CS64, 0, (uint64_t)ic_pf_entry },
        { 0, 0, 0, 0, 0 },
    };
    uint64_t mfn = xtf_virt_to_mfn(gdt_page), frames[1] = { mfn };
    /* Guest-user mode runs on the kernel's own L4 (every PV page is user-accessible). */
    struct mmuext_op user_root = {
        .cmd = MMUEXT_NEW_USER_BASEPTR,
        .arg1 = xtf_virt_to_mfn((const void *)xtf_start_info->pt_base),
    };
    long rc;

    gdt_page[1] = CODE32_DESC;
    /* Xen wants GDT frames read-only (they take the seg_desc type). */
    rc = hc_update_va_mapping((unsigned long)gdt_page, (mfn << 12) | 0x25, UVMF_INVLPG);
    if (!rc)
        rc = hypercall2(XEN_HC_set_gdt, frames, 512);
    if (!rc)
        rc = hc_set_trap_table(traps);
    if (!rc)
        rc = hc_stack_switch(FLAT_KERNEL_SS64, (uint64_t)kernel_stack + sizeof(kernel_stack));
    if (!rc)
        rc = hc_mmuext_op(&user_root, 1, NULL, DOMID_SELF);
    if (rc) {
        xtf_error("setting up (GDT, traps, stack_switch, user root) returned %ld", rc);
        return;
    }
    try_iret("iret to 32-bit cs, rip inside the limit", LOW_RIP, 14);
    try_iret("iret to 32-bit cs, rip beyond the limit", (uint64_t)ic_gp_entry, 13);
    rc = xtf_set_trap_table();
    if (rc)
        xtf_panic("cannot reinstall the trap table: %ld", rc);
    xtf_success();
}
