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

#define hypercall1(nr, a1) hypercall2(nr, a1, 0)

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

#endif /* TESTS_GUESTS_HYPERCALL_H */
