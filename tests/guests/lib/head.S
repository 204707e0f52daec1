/*
 * Entry point, Xen ELF notes, hypercall page and exception entry stubs of a 64-bit PV test kernel.
 *
 * Entry state (Xen's PV domain builders, dom0 and libxc alike): ring 3 in guest-kernel mode,
 * CS 0xe033, rip = the ENTRY note, rsi = VA of start_info, rsp = top of a one-page boot stack
 * inside the initial mapping, events masked (vcpu_info.evtchn_upcall_mask = 1), no trap table.
 */
#include "abi-local.h"

/* One "Xen" note: namesz 4, the descriptor given by the remaining arguments. */
.macro XEN_NOTE type:req, desc:vararg
    .pushsection .note.Xen, "a", @note
    .p2align 2
    .long 4                 /* namesz: "Xen\0" */
    .long 2f - 1f           /* descsz */
    .long \type
    .asciz "Xen"
    .p2align 2
1:  \desc
2:  .p2align 2
    .popsection
.endm

/*
 * What Xen 4.17 needs to boot us as a 64-bit PV kernel (libelf-dominfo.c elf_xen_note_check):
 * LOADER "generic" (or GUEST_OS "linux") and XEN_VERSION "xen-3.0". VIRT_BASE and
 * PADDR_OFFSET 0 are Linux's scheme: segments are placed at VIRT_BASE + p_paddr - PADDR_OFFSET,
 * and PFN 0 is VIRT_BASE. FEATURES is what Linux and XTF declare; "!writable_page_tables"
 * (required) is accepted by Xen for PV because it is a vm_assist there. GUEST_VERSION is
 * informational. No PAE_MODE note (Linux and XTF have one): it means nothing to a 64-bit
 * kernel, but Xen's dom0 builder then appends "p" to start_info.magic ("xen-3.0-x86_64p").
 */
XEN_NOTE XEN_ELFNOTE_GUEST_OS,      .asciz "Hearth-test"
XEN_NOTE XEN_ELFNOTE_GUEST_VERSION, .asciz "0"
XEN_NOTE XEN_ELFNOTE_XEN_VERSION,   .asciz "xen-3.0"
XEN_NOTE XEN_ELFNOTE_LOADER,        .asciz "generic"
XEN_NOTE XEN_ELFNOTE_VIRT_BASE,     .quad GUEST_VIRT_BASE  /* from link.ld */
XEN_NOTE XEN_ELFNOTE_PADDR_OFFSET,  .quad 0
XEN_NOTE XEN_ELFNOTE_ENTRY,         .quad _start
XEN_NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
XEN_NOTE XEN_ELFNOTE_FEATURES,      .asciz "!writable_page_tables|pae_pgdir_above_4gb"

    .section .text.head, "ax", @progbits
    .code64
    .globl _start
_start:
    movq %rsi, xtf_start_info(%rip)
    leaq xtf_stack_top(%rip), %rsp     /* our own 16 KiB stack; Xen's is one page */
    xorl %ebp, %ebp
    call xtf_main
    ud2                                /* xtf_main() never returns */

/* Filled by Xen (128 stubs of 32 bytes) before the first instruction runs. */
    .section .text.hypercall_page, "ax", @progbits
    .p2align 12
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

/*
 * Exception entry. Xen bounces an exception onto the current stack (16-byte aligned) as
 * [rcx][r11][error code, for vectors that have one][rip][cs][rflags][rsp][ss], low to high,
 * with cs bits 0-1 cleared when the guest kernel was interrupted. Popping rcx and r11 leaves a
 * native frame; each stub then pushes a zero error code when the CPU has none, and the vector.
 */
.macro TRAP_STUB vec:req, has_ec:req
    .globl xtf_trap_\vec
xtf_trap_\vec:
    popq %rcx
    popq %r11
    .if \has_ec == 0
    pushq $0
    .endif
    pushq $\vec
    jmp xtf_trap_common
.endm

    .text
TRAP_STUB 0, 0
TRAP_STUB 1, 0
TRAP_STUB 3, 0
TRAP_STUB 4, 0
TRAP_STUB 5, 0
TRAP_STUB 6, 0
TRAP_STUB 7, 0
TRAP_STUB 10, 1
TRAP_STUB 11, 1
TRAP_STUB 12, 1
TRAP_STUB 13, 1
TRAP_STUB 14, 1
TRAP_STUB 16, 0
TRAP_STUB 17, 1
TRAP_STUB 18, 0
TRAP_STUB 19, 0

/*
 * Save every GPR (struct xtf_regs in traps.c), call xtf_trap_handler(regs) on a 16-byte
 * aligned stack, restore, drop vector and error code, and return with HYPERVISOR_iret:
 * its stub expects [flags][rip][cs][rflags][rsp][ss] and pushes rcx, r11, rax itself.
 * flags = 0 (not VGCF_in_syscall): Xen restores rcx and r11 too. cs is handed back as Xen
 * gave it (RPL 0 = stay in guest-kernel mode).
 */
xtf_trap_common:
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    movq %rsp, %rdi
    movq %rsp, %rbx
    andq $-16, %rsp
    cld
    call xtf_trap_handler
    movq %rbx, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
    addq $16, %rsp                     /* vector, error code */
    pushq $0                           /* iret flags */
    jmp hypercall_page + XEN_HC_iret * XEN_HYPERCALL_STUB_SIZE

    .bss
    .p2align 12
xtf_stack:
    .skip 16384
    .globl xtf_stack_top
xtf_stack_top:

    .section .note.GNU-stack, "", @progbits
