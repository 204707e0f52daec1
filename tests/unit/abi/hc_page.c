/* hc_page.c - hv_hypercallN built for a hypercall page, against a fake page whose stubs record
 * the argument registers and then poison every register the ABI lets them destroy. */
#define HV_USE_HYPERCALL_PAGE
#include "hv/hypercall_x86_64.h"

#include "hc.h"

/*
 * The fake page: 128 stubs of 32 bytes, stub n = `mov $n, %eax; jmp record`. record saves rdi,
 * rsi, rdx, r10, r8 and eax in hc_seen, returns n + HC_FAKE_RESULT_BIAS, and leaves junk in rcx,
 * r11 and the five argument registers, as a debug build of Xen may.
 */
__asm__(".pushsection .text.hc_fake_page, \"ax\", @progbits\n"
        ".balign 4096\n"
        ".globl hv_hypercall_page\n"
        "hv_hypercall_page:\n"
        ".set hc_n, 0\n"
        ".rept 128\n"
        "  .balign 32, 0xcc\n"
        "  mov $hc_n, %eax\n"
        "  jmp hc_record\n"
        "  .set hc_n, hc_n + 1\n"
        ".endr\n"
        ".balign 32, 0xcc\n"
        "hc_record:\n"
        "  mov %rdi, hc_seen+0(%rip)\n"
        "  mov %rsi, hc_seen+8(%rip)\n"
        "  mov %rdx, hc_seen+16(%rip)\n"
        "  mov %r10, hc_seen+24(%rip)\n"
        "  mov %r8, hc_seen+32(%rip)\n"
        "  mov %rax, hc_seen+40(%rip)\n"
        "  add $0x1000, %rax\n"
        "  movabs $0xdeadbeefdeadf00d, %rcx\n"
        "  mov %rcx, %r11\n"
        "  mov %rcx, %rdi\n"
        "  mov %rcx, %rsi\n"
        "  mov %rcx, %rdx\n"
        "  mov %rcx, %r10\n"
        "  mov %rcx, %r8\n"
        "  ret\n"
        ".popsection\n"
        ".pushsection .bss.hc_seen, \"aw\", @nobits\n"
        ".balign 8\n"
        ".globl hc_seen\n"
        "hc_seen: .skip 48\n"
        ".popsection\n");

_Static_assert(HC_FAKE_RESULT_BIAS == 0x1000, "keep the stub's add in step");

int64_t hc_page_call(unsigned int nargs, unsigned int op, const uint64_t a[5])
{
    switch (nargs) {
    case 0:
        return hv_hypercall0(op);
    case 1:
        return hv_hypercall1(op, a[0]);
    case 2:
        return hv_hypercall2(op, a[0], a[1]);
    case 3:
        return hv_hypercall3(op, a[0], a[1], a[2]);
    case 4:
        return hv_hypercall4(op, a[0], a[1], a[2], a[3]);
    default:
        return hv_hypercall5(op, a[0], a[1], a[2], a[3], a[4]);
    }
}
