/*
 * Hypercall wrappers: each calls its 32-byte stub in the hypercall page that Xen fills in.
 *
 * x86-64 PV ABI: rax = number (set by the stub), arguments in rdi, rsi, rdx, r10, r8, result in
 * rax. The stub saves rcx and r11 around `syscall`; both are listed as clobbered anyway so that
 * nothing here depends on the stub's exact contents.
 */
#ifndef TESTS_GUESTS_HYPERCALL_H
#define TESTS_GUESTS_HYPERCALL_H

#include "abi-local.h"

extern char hypercall_page[4096];

#define HC_STR_(x) #x
#define HC_STR(x) HC_STR_(x)
#define HC_CALL(nr) "call hypercall_page + " HC_STR(nr) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE)

#define hypercall2(nr, a1, a2) __extension__ ({                                            \
    long ret_;                                                                             \
    unsigned long a1_ = (unsigned long)(a1), a2_ = (unsigned long)(a2);                    \
    __asm__ __volatile__(HC_CALL(nr)                                                       \
                         : "=a"(ret_), "+D"(a1_), "+S"(a2_)                                \
                         : : "rcx", "r11", "memory");                                      \
    ret_; })

#define hypercall3(nr, a1, a2, a3) __extension__ ({                                        \
    long ret_;                                                                             \
    unsigned long a1_ = (unsigned long)(a1), a2_ = (unsigned long)(a2);                    \
    unsigned long a3_ = (unsigned long)(a3);                                               \
    __asm__ __volatile__(HC_CALL(nr)                                                       \
                         : "=a"(ret_), "+D"(a1_), "+S"(a2_), "+d"(a3_)                     \
                         : : "rcx", "r11", "memory");                                      \
    ret_; })

#define hypercall4(nr, a1, a2, a3, a4) __extension__ ({                                   \
    long ret_;                                                                             \
    unsigned long a1_ = (unsigned long)(a1), a2_ = (unsigned long)(a2);                    \
    unsigned long a3_ = (unsigned long)(a3);                                               \
    register unsigned long a4_ __asm__("r10") = (unsigned long)(a4);                       \
    __asm__ __volatile__(HC_CALL(nr)                                                       \
                         : "=a"(ret_), "+D"(a1_), "+S"(a2_), "+d"(a3_), "+r"(a4_)          \
                         : : "rcx", "r11", "r8", "memory");                                \
    ret_; })

#define hypercall1(nr, a1) hypercall2(nr, a1, 0)

/*
 * A hypercall by number without the hypercall page (any rax, even past the page's 128 stubs):
 * the bare `syscall` a PV kernel may also use. Arguments in rdi, rsi, rdx, r10, r8.
 */
static inline long hypercall_raw(unsigned long nr, unsigned long a1, unsigned long a2,
                                 unsigned long a3)
{
    register unsigned long r10 __asm__("r10") = 0;
    register unsigned long r8 __asm__("r8") = 0;

    __asm__ __volatile__("syscall"
                         : "+a"(nr), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10), "+r"(r8)
                         : : "rcx", "r11", "r9", "memory");
    return (long)nr;
}

static inline long hc_set_trap_table(const struct trap_info *table)
{
    return hypercall1(XEN_HC_set_trap_table, table);
}

static inline long hc_console_io(unsigned int cmd, unsigned long count, const void *buf)
{
    return hypercall3(XEN_HC_console_io, cmd, count, buf);
}

static inline long hc_xen_version(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_xen_version, cmd, arg);
}

static inline long hc_sched_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_sched_op, cmd, arg);
}

static inline long hc_update_va_mapping(unsigned long va, uint64_t pte, unsigned long flags)
{
    return hypercall3(XEN_HC_update_va_mapping, va, pte, flags);
}

static inline long hc_stack_switch(unsigned long ss, unsigned long rsp)
{
    return hypercall2(XEN_HC_stack_switch, ss, rsp);
}

static inline long hc_set_callbacks(unsigned long event, unsigned long failsafe,
                                    unsigned long syscall)
{
    return hypercall3(XEN_HC_set_callbacks, event, failsafe, syscall);
}

static inline long hc_fpu_taskswitch(int set)
{
    return hypercall1(XEN_HC_fpu_taskswitch, set);
}

static inline long hc_multicall(void *entries, unsigned long nr)
{
    return hypercall2(XEN_HC_multicall, entries, nr);
}

static inline long hc_vm_assist(unsigned int cmd, unsigned int type)
{
    return hypercall2(XEN_HC_vm_assist, cmd, type);
}

static inline long hc_set_segment_base(unsigned int which, unsigned long base)
{
    return hypercall2(XEN_HC_set_segment_base, which, base);
}

static inline long hc_mmuext_op(struct mmuext_op *ops, unsigned int count, unsigned int *done,
                                unsigned int foreigndom)
{
    return hypercall4(XEN_HC_mmuext_op, ops, count, done, foreigndom);
}

/* mmu_update(reqs, count, *done, foreigndom): done may be NULL. */
static inline long hc_mmu_update(const struct mmu_update *reqs, unsigned int count,
                                 unsigned int *done, unsigned int foreigndom)
{
    return hypercall4(XEN_HC_mmu_update, reqs, count, done, foreigndom);
}

/* memory_op(cmd, arg): arg is the command's structure (or a domid_t pointer). */
static inline long hc_memory_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_memory_op, cmd, arg);
}

static inline long hc_callback_op(unsigned int cmd, const void *arg)
{
    return hypercall2(XEN_HC_callback_op, cmd, arg);
}

static inline long hc_physdev_op(unsigned int cmd, void *arg)
{
    return hypercall2(XEN_HC_physdev_op, cmd, arg);
}

#endif /* TESTS_GUESTS_HYPERCALL_H */
