/* hc.h - the hypercall-helper probes shared by test_abi.c, hc_page.c and hc_syscall.c. */
#ifndef TESTS_UNIT_ABI_HC_H
#define TESTS_UNIT_ABI_HC_H

#include <stdint.h>

/* What the fake hypercall page's stubs saw: rdi, rsi, rdx, r10, r8, eax (the stub's number). */
extern uint64_t hc_seen[6];
/* The fake stubs return their number plus this. */
#define HC_FAKE_RESULT_BIAS 0x1000

/* hv_hypercallN through the fake page (HV_USE_HYPERCALL_PAGE); nargs 0..5. */
int64_t hc_page_call(unsigned int nargs, unsigned int op, const uint64_t args[5]);
/* hv_hypercallN as a bare syscall: on the host this is a Linux system call, whose register
 * convention (rax, rdi, rsi, rdx, r10, r8; rcx/r11 destroyed) is the one Xen uses. */
int64_t hc_syscall_call(unsigned int nargs, unsigned int op, const uint64_t args[5]);

#endif
