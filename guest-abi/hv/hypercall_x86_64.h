/* hv/hypercall_x86_64.h - guest-side hypercall helpers for 64-bit PV kernels:
 * hv_hypercall0..5(op, args...). */
#ifndef HV_HYPERCALL_X86_64_H
#define HV_HYPERCALL_X86_64_H

#include "abi.h"
#include "hypercall.h"

/*
 * Two ways to enter the hypervisor, chosen when the including file is compiled:
 *
 *   HV_USE_HYPERCALL_PAGE defined: call the stub at hv_hypercall_page + op * 32. The guest
 *     provides `hv_hypercall_page`, a page-aligned 4 KiB array in its image, and names it in its
 *     HV_ELFNOTE_HYPERCALL_PAGE note so that the builder fills it (hv/hypercall.h shows the
 *     stubs). This is what Xen-era kernels and Mini-OS do.
 *   not defined (the default): execute `syscall` directly with the number in eax, as Linux does
 *     since it dropped the hypercall page. No note and no page needed.
 *
 * Both obey the same contract (hv/hypercall.h): arguments in rdi, rsi, rdx, r10, r8; result in
 * rax; rcx, r11 and all five argument registers are treated as clobbered whatever the number of
 * arguments, because Xen's debug builds poison the argument registers a hypercall does not use
 * before the call and the ones it uses after it. Each helper is a compiler barrier for memory
 * (arguments often point at buffers the hypervisor reads or fills).
 *
 * Only valid in guest-kernel mode: from guest-user mode `syscall` is the guest's own system call.
 * The page variant moves rsp below the 128-byte red zone around its `call`, so it is safe in code
 * built with or without -mno-red-zone.
 *
 * Returns: 0 or a non-negative result, or -HV_E* (hv/errno.h).
 */

#if !defined(__x86_64__)
#error "hv/hypercall_x86_64.h is for x86-64 guests only"
#endif

#ifndef __ASSEMBLY__

/* A pointer or integer as a hypercall argument. */
#define HV_ARG(x) ((uint64_t)(uintptr_t)(x))

#ifdef HV_USE_HYPERCALL_PAGE
#ifdef __cplusplus
extern "C" {
#endif
/* The guest's hypercall page (page aligned, HV_HYPERCALL_PAGE_SIZE bytes). */
extern char hv_hypercall_page[];
#ifdef __cplusplus
}
#endif
#endif

/* The general form; the fewer-argument helpers pass zeros. */
static inline int64_t hv_hypercall5(unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3,
                                    uint64_t a4, uint64_t a5)
{
    uint64_t rdi = a1, rsi = a2, rdx = a3;
#ifdef HV_USE_HYPERCALL_PAGE
    const char *entry = hv_hypercall_page + (uint64_t)op * HV_HYPERCALL_STUB_SIZE;
    int64_t ret;

    __asm__ __volatile__("mov %[a4], %%r10\n\t"
                         "mov %[a5], %%r8\n\t"
                         "lea -128(%%rsp), %%rsp\n\t" /* the stub pushes: skip the red zone */
                         "call *%[entry]\n\t"
                         "lea 128(%%rsp), %%rsp"
                         : "=a"(ret), "+D"(rdi), "+S"(rsi), "+d"(rdx)
                         : [entry] "r"(entry), [a4] "r"(a4), [a5] "r"(a5)
                         : "rcx", "r8", "r10", "r11", "memory", "cc");
    return ret;
#else
    uint64_t rax = op;

    __asm__ __volatile__("mov %[a4], %%r10\n\t"
                         "mov %[a5], %%r8\n\t"
                         "syscall"
                         : "+a"(rax), "+D"(rdi), "+S"(rsi), "+d"(rdx)
                         : [a4] "r"(a4), [a5] "r"(a5)
                         : "rcx", "r8", "r10", "r11", "memory", "cc");
    return (int64_t)rax;
#endif
}

static inline int64_t hv_hypercall4(unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3,
                                    uint64_t a4)
{
    return hv_hypercall5(op, a1, a2, a3, a4, 0);
}

static inline int64_t hv_hypercall3(unsigned int op, uint64_t a1, uint64_t a2, uint64_t a3)
{
    return hv_hypercall5(op, a1, a2, a3, 0, 0);
}

static inline int64_t hv_hypercall2(unsigned int op, uint64_t a1, uint64_t a2)
{
    return hv_hypercall5(op, a1, a2, 0, 0, 0);
}

static inline int64_t hv_hypercall1(unsigned int op, uint64_t a1)
{
    return hv_hypercall5(op, a1, 0, 0, 0, 0);
}

static inline int64_t hv_hypercall0(unsigned int op)
{
    return hv_hypercall5(op, 0, 0, 0, 0, 0);
}

#endif /* !__ASSEMBLY__ */

#endif /* HV_HYPERCALL_X86_64_H */
