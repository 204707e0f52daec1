/* entry.S - exception and interrupt entry: one 16-byte stub per vector pushes (error code,
 * vector), the common path saves the registers as struct cpu_regs and calls trap_dispatch(). */
#include "arch/layout.h"
#include "arch/percpu_offsets.h"

/* After SYSCALL: onto this CPU's stack (found through KERNEL_GS_BASE, swapped in only for these
 * instructions) and push ss, the guest's rsp and rflags (r11) of the frame. */
.macro SYSCALL_SWITCH_STACK
        swapgs
        mov     %rsp, %gs:PERCPU_SCRATCH_RSP
        mov     %gs:PERCPU_STACK_TOP, %rsp
        pushq   $FLAT_RING3_DS                  /* ss */
        pushq   %gs:PERCPU_SCRATCH_RSP          /* rsp */
        swapgs
        pushq   %r11                            /* rflags */
.endm

/* Restore the general registers of a struct cpu_regs (rsp at its start). */
.macro POP_GPRS
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %r11
        popq    %r10
        popq    %r9
        popq    %r8
        popq    %rbp
        popq    %rdi
        popq    %rsi
        popq    %rdx
        popq    %rcx
        popq    %rbx
        popq    %rax
.endm

        .section .text.entry, "ax"
        .code64

/* Vectors whose exceptions push an error code themselves. */
#define HAS_ERRCODE(v) ((v) == 8 || ((v) >= 10 && (v) <= 14) || (v) == 17 || (v) == 21 || \
                        (v) == 29 || (v) == 30)

        .balign 16
        .globl entry_stubs
entry_stubs:
        .set v, 0
        .rept 256
        .balign 16
        .if !HAS_ERRCODE(v)
        pushq   $0
        .endif
        pushq   $v
        jmp     entry_common
        .set v, v + 1
        .endr

entry_common:
        pushq   %rax
        pushq   %rbx
        pushq   %rcx
        pushq   %rdx
        pushq   %rsi
        pushq   %rdi
        pushq   %rbp
        pushq   %r8
        pushq   %r9
        pushq   %r10
        pushq   %r11
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        cld
        mov     %rsp, %rdi
        /* Frame for backtraces: the interrupted rip and rbp look like a call frame. */
        pushq   17*8(%rsp)              /* rip */
        pushq   %rbp
        mov     %rsp, %rbp
        call    trap_dispatch
        add     $16, %rsp
        /*
         * Fast return from a hypercall: when SYSRET would give exactly the frame's state (rip
         * = rcx, rflags = r11, the flat ring-3 selectors) use it instead of iretq. rip must be
         * canonical: SYSRET to a non-canonical rcx faults in ring 0 on the guest's stack.
         */
        cmpq    $VEC_SYSCALL, 15*8(%rsp)
        jne     entry_exit
        mov     17*8(%rsp), %rax                /* rip */
        cmp     12*8(%rsp), %rax                /* == rcx */
        jne     entry_exit
        mov     %rax, %rdx
        shl     $16, %rdx
        sar     $16, %rdx
        cmp     %rax, %rdx                      /* canonical */
        jne     entry_exit
        mov     19*8(%rsp), %rax
        cmp     4*8(%rsp), %rax                 /* rflags == r11 */
        jne     entry_exit
        cmpq    $FLAT_RING3_CS64, 18*8(%rsp)
        jne     entry_exit
        cmpq    $FLAT_RING3_DS, 21*8(%rsp)
        jne     entry_exit
        POP_GPRS
        mov     5*8(%rsp), %rsp                 /* the guest's rsp (vector, error, rip, cs, rflags below it) */
        sysretq

        .globl entry_exit
entry_exit:                             /* rsp points at a struct cpu_regs */
        POP_GPRS
        add     $16, %rsp               /* vector, error code */
        iretq

/*
 * SYSCALL from a guest (always ring 3): rcx = guest rip, r11 = guest rflags, interrupts off
 * (SFMASK), rsp still the guest's. KERNEL_GS_BASE points to this CPU's percpu block: swap it in
 * just long enough to find the stack, so GS_BASE stays the guest's everywhere else. The frame
 * is a struct cpu_regs with vector VEC_SYSCALL, and it returns through entry_common's iretq.
 */
        .globl syscall_entry
syscall_entry:
        SYSCALL_SWITCH_STACK
        pushq   $FLAT_RING3_CS64                /* cs */
        pushq   %rcx                            /* rip */
        pushq   $0                              /* error code */
        pushq   $VEC_SYSCALL
        jmp     entry_common

/*
 * SYSCALL from compatibility mode (a guest may far-jump to any DPL-3 32-bit code segment) lands
 * here through CSTAR on AMD CPUs and QEMU; Intel raises #UD itself. Hearth has no 32-bit syscall
 * ABI, so the guest gets that #UD at the syscall instruction, on the same stack switch as above.
 * The frame says FLAT_RING3_CS32: the guest's own 32-bit selector is not recorded by SYSCALL.
 */
        .globl cstar_entry
cstar_entry:
        SYSCALL_SWITCH_STACK
        pushq   $FLAT_RING3_CS32                /* cs */
        subl    $2, %ecx                        /* eip of the syscall instruction */
        pushq   %rcx                            /* rip */
        pushq   $0                              /* error code */
        pushq   $6                              /* #UD */
        jmp     entry_common

/* void cpu_load_segments(uint16_t cs, uint16_t ds): reload every segment register after lgdt. */
        .globl cpu_load_segments
cpu_load_segments:
        mov     %esi, %ds
        mov     %esi, %es
        mov     %esi, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        pushq   %rdi
        leaq    1f(%rip), %rax
        pushq   %rax
        lretq
1:      ret

/* void return_to_guest(struct cpu_regs *regs): regs sits at the top of this CPU's stack; load
 * it and iretq. Never returns. */
        .globl return_to_guest
return_to_guest:
        mov     %rdi, %rsp
        jmp     entry_exit

/* void switch_stack_and_call(uint64_t rsp, void (*fn)(void *), void *arg): never returns. */
        .globl switch_stack_and_call
switch_stack_and_call:
        mov     %rdi, %rsp
        xor     %ebp, %ebp
        mov     %rdx, %rdi
        call    *%rsi
        ud2

        .section .note.GNU-stack, "", @progbits
