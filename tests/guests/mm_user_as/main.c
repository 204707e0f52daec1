/*
 * mm_user_as: 1,000 rounds of building a user address space from free frames (L4 -> L3 -> L2 ->
 * L1 -> user code page + user stack page), entering it with MMUEXT_NEW_USER_BASEPTR and iret,
 * coming back by `syscall`, and tearing it down; no frame may be lost (every frame used maps
 * writable again, XENMEM_current_reservation does not move) and Hearth's frame audit stays 0.
 *
 * The user L4 holds only the user pages: `syscall` from guest user mode switches to the kernel's
 * root table before the callback runs, so the kernel needs no mapping in the user tables.
 * Even rounds fill every table before pinning the L4 (one recursive validation); odd rounds pin
 * an empty L4 and hook the L3 in with mmu_update (validation through mod_l4_entry). Frames go
 * back to the allocator after each round and come out again in another role next round (the
 * free list is a stack), so a frame that was the user stack becomes a page table, and so on.
 */
#include "mm.h"

const char test_title[] = "mm_user_as: 1,000 user address spaces built, entered, torn down";

#define ROUNDS 1000
#define AUDIT_EVERY 100                 /* rounds between two hypervisor audits */
#define MAX_USED 64                     /* distinct frames remembered for the final check */

/* User layout: L4[0] -> L3[0] -> L2[2] -> L1[0] = code (read-only), L1[1] = stack. */
#define USER_CODE_VA  0x400000ull
#define USER_STACK_VA 0x401000ull
#define USER_RSP      (USER_STACK_VA + PAGE_SIZE - 16)
#define SYSCALL_MARK  0x5ca11ull

/*
 * uas_enter(rip, rsp, arg) saves the callee-saved registers and its stack pointer, then iret's
 * to guest user mode at rip with rsp, rdi = arg and RFLAGS.IF clear (events stay masked).
 * uas_syscall_entry is the syscall callback: entered in kernel mode on the stack_switch stack,
 * it records the bounce frame's address, rax and rsi, and returns from uas_enter() with the
 * frame's address.
 * The user code (copied to the code page, position independent) stores rdi at its stack top,
 * reads it back into rsi and makes a `syscall`; nothing after that may run.
 */
__asm__(".pushsection .text\n"
        ".globl uas_enter\n"
        "uas_enter:\n\t"
        "pushq %rbp; pushq %rbx; pushq %r12; pushq %r13; pushq %r14; pushq %r15\n\t"
        "movq %rsp, uas_kernel_rsp(%rip)\n\t"
        "pushq $" HC_STR(FLAT_USER_SS64) "\n\t"   /* ss */
        "pushq %rsi\n\t"                        /* rsp */
        "pushq $0x2\n\t"                        /* rflags: IF clear */
        "pushq $" HC_STR(FLAT_USER_CS64) "\n\t"   /* cs, RPL 3 = to guest user mode */
        "pushq %rdi\n\t"                        /* rip */
        "pushq $0\n\t"                          /* flags */
        "movq %rdx, %rdi\n\t"                   /* the user's argument */
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".globl uas_syscall_entry\n"
        "uas_syscall_entry:\n\t"
        "movq %rsp, uas_frame(%rip)\n\t"
        "movq %rax, uas_rax(%rip)\n\t"
        "movq %rsi, uas_rsi(%rip)\n\t"
        "movq uas_kernel_rsp(%rip), %rsp\n\t"
        "movq uas_frame(%rip), %rax\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %rbx; popq %rbp\n\t"
        "ret\n"
        ".globl uas_user_code\n"
        "uas_user_code:\n\t"
        "movq %rdi, (%rsp)\n\t"
        "movq (%rsp), %rsi\n\t"
        "movq $" HC_STR(SYSCALL_MARK) ", %rax\n\t"
        "syscall\n"
        ".globl uas_user_code_ret\n"
        "uas_user_code_ret:\n\t"
        "ud2\n"
        ".globl uas_user_code_end\n"
        "uas_user_code_end:\n"
        ".popsection\n");

extern const char uas_syscall_entry[], uas_user_code[], uas_user_code_ret[],
    uas_user_code_end[];
const uint64_t *uas_enter(uint64_t rip, uint64_t rsp, uint64_t arg);
uint64_t uas_kernel_rsp, uas_rax, uas_rsi;
const uint64_t *uas_frame;

static char kernel_stack[4096] __attribute__((aligned(4096)));

/* One address space: the four table frames and the two user pages. */
struct user_as {
    uint64_t l[5];                      /* l[1..4]: MFNs of the L1..L4 frames */
    uint64_t code, stack;
};

static uint64_t used[MAX_USED];         /* every distinct frame any round used */
static unsigned int nr_used;

static void remember(uint64_t mfn)
{
    for (unsigned int i = 0; i < nr_used; i++)
        if (used[i] == mfn)
            return;
    if (nr_used == MAX_USED)
        xtf_panic("more than %u distinct frames used: the allocator does not reuse them",
                  MAX_USED);
    used[nr_used++] = mfn;
}

/* Report rc != 0 of step `what` in round r as a failure; returns rc == 0. */
static bool ok(unsigned int r, const char *what, long rc)
{
    if (rc)
        xtf_failure("round %u: %s: %ld", r, what, rc);
    return rc == 0;
}

/* Write entry idx of a fresh (unmapped, untyped) frame through a scratch mapping. */
static bool poke(unsigned int r, uint64_t mfn, unsigned int idx, uint64_t val)
{
    return ok(r, "writing an entry of a fresh table", mm_poke(mfn, idx, val));
}

/* Copy the user code to the start of the code frame. */
static bool load_code(unsigned int r, uint64_t mfn)
{
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (!ok(r, "mapping the code frame writable", rc))
        return false;
    memcpy(p, uas_user_code, (size_t)(uas_user_code_end - uas_user_code));
    return ok(r, "unmapping the code frame", mm_unmap(p));
}

/* Allocate and fill the frames; pin the L4 (see the top comment for the two orders). */
static bool build(unsigned int r, struct user_as *as)
{
    uint64_t l4e;

    for (unsigned int i = 1; i <= 4; i++)
        as->l[i] = mm_alloc_mfn();
    as->code = mm_alloc_mfn();
    as->stack = mm_alloc_mfn();
    l4e = mm_pte(as->l[3], PTE_FLAGS_TABLE);
    if (!load_code(r, as->code) ||
        !poke(r, as->l[1], mm_table_index(USER_CODE_VA, 1), mm_pte(as->code, PTE_FLAGS_RO)) ||
        !poke(r, as->l[1], mm_table_index(USER_STACK_VA, 1), mm_pte(as->stack, PTE_FLAGS_RW)) ||
        !poke(r, as->l[2], mm_table_index(USER_CODE_VA, 2), mm_pte(as->l[1], PTE_FLAGS_TABLE)) ||
        !poke(r, as->l[3], mm_table_index(USER_CODE_VA, 3), mm_pte(as->l[2], PTE_FLAGS_TABLE)))
        return false;
    if (r % 2 == 0)
        return poke(r, as->l[4], mm_table_index(USER_CODE_VA, 4), l4e) &&
               ok(r, "pin the filled L4", mm_pin(4, as->l[4]));
    return ok(r, "pin the empty L4", mm_pin(4, as->l[4])) &&
           ok(r, "mmu_update of L4[0] -> L3",
              mm_set_entry(mm_entry_maddr(as->l[4], mm_table_index(USER_CODE_VA, 4)), l4e));
}

/* Enter user mode in the new address space and check what came back through the syscall. */
static bool run_user(unsigned int r, const struct user_as *as)
{
    uint64_t value = 0xa5a50000ull + r;
    uint64_t ret_rip = USER_CODE_VA + (uint64_t)(uas_user_code_ret - uas_user_code);
    const uint64_t *f;
    uint64_t stored;

    if (!ok(r, "NEW_USER_BASEPTR(L4)", mm_new_user_baseptr(as->l[4])))
        return false;
    f = uas_enter(USER_CODE_VA, USER_RSP, value);
    stored = mm_peek(as->stack, (unsigned int)((USER_RSP - USER_STACK_VA) / 8));
    if (uas_rax != SYSCALL_MARK || uas_rsi != value || f[2] != ret_rip ||
        (f[3] & 0xffff) != FLAT_USER_CS64 || f[5] != USER_RSP || stored != value) {
        xtf_failure("round %u: user run: rax %#lx rsi %#lx rip %#lx cs %#lx rsp %#lx, stack "
                    "frame holds %#lx; expected rax %#lx, value %#lx, rip %#lx, rsp %#lx", r,
                    (unsigned long)uas_rax, (unsigned long)uas_rsi, (unsigned long)f[2],
                    (unsigned long)f[3], (unsigned long)f[5], (unsigned long)stored,
                    (unsigned long)SYSCALL_MARK, (unsigned long)value, (unsigned long)ret_rip,
                    (unsigned long)USER_RSP);
        return false;
    }
    return true;
}

/* Map mfn writable and unmap it again: the frame is plain RAM (no type left). */
static long map_writable(uint64_t mfn)
{
    long rc;
    void *p = mm_map(mfn, true, &rc);

    if (p)
        rc = mm_unmap(p);
    return rc;
}

/*
 * Drop the user root and the pin, then check that every frame maps writable and give it back.
 * Frames that cannot be mapped writable are reported and not reused.
 */
static bool tear_down(unsigned int r, const struct user_as *as)
{
    const uint64_t frames[] = { as->l[1], as->l[2], as->l[3], as->l[4], as->code, as->stack };
    bool good = ok(r, "NEW_USER_BASEPTR(0)", mm_new_user_baseptr(0)) &&
                ok(r, "unpin the L4", mm_unpin(as->l[4]));

    for (unsigned int i = 0; i < ARRAY_SIZE(frames); i++) {
        long rc = map_writable(frames[i]);

        remember(frames[i]);
        if (rc) {
            xtf_failure("round %u: frame %#lx (role %u) does not map writable after the "
                        "teardown: %ld", r, (unsigned long)frames[i], i, rc);
            good = false;
        } else if (good) {
            mm_free_mfn(frames[i]);
        }
    }
    return good;
}

static long current_reservation(void)
{
    uint16_t domid = DOMID_SELF;

    return mm_memory_op(XENMEM_current_reservation, &domid);
}

/* Callback and kernel stack for the user task's syscall. */
static bool setup_kernel_entry(void)
{
    struct callback_register cb = {
        .type = CALLBACKTYPE_syscall, .flags = 0, .address = (uint64_t)uas_syscall_entry,
    };

    return mm_check_rc("callback_op(register, syscall)", hc_callback_op(CALLBACKOP_register, &cb),
                       0) &&
           mm_check_rc("stack_switch",
                       hc_stack_switch(FLAT_KERNEL_SS64,
                                       (uint64_t)kernel_stack + sizeof(kernel_stack)), 0);
}

/* Run the rounds; returns how many completed. */
static unsigned int run_rounds(void)
{
    unsigned int r;

    for (r = 0; r < ROUNDS; r++) {
        struct user_as as;
        bool good = build(r, &as) && run_user(r, &as);

        if (!tear_down(r, &as) || !good)
            break;
        if ((r + 1) % AUDIT_EVERY == 0) {
            char what[48];

            snprintf(what, sizeof(what), "%u rounds", r + 1);
            mm_audit(what);
        }
    }
    return r;
}

/* The end state: every frame maps writable, the reservation did not move, the audit is clean. */
static void check_end(long reservation)
{
    long now = current_reservation();

    for (unsigned int i = 0; i < nr_used; i++) {
        long rc = map_writable(used[i]);

        if (rc)
            xtf_failure("frame %#lx does not map writable at the end: %ld",
                        (unsigned long)used[i], rc);
    }
    printk("%u distinct frames used, all checked; current_reservation %ld -> %ld\n", nr_used,
           reservation, now);
    if (now != reservation)
        xtf_failure("XENMEM_current_reservation moved from %ld to %ld", reservation, now);
    mm_audit("the last round");
}

void test_main(void)
{
    long reservation;
    unsigned int done;

    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    if (!setup_kernel_entry())
        return;
    reservation = current_reservation();
    if (reservation <= 0) {
        xtf_failure("XENMEM_current_reservation returned %ld", reservation);
        return;
    }
    mm_audit("start");
    done = run_rounds();
    printk("%u of %u rounds completed\n", done, ROUNDS);
    check_end(reservation);
    xtf_success();
}
