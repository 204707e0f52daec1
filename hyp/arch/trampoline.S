/* trampoline.S - application processors start here in real mode (copied below 1 MiB by smp.c),
 * go through 32-bit protected mode into long mode on the idle page tables, and jump to the C
 * entry with their stack. Fields marked "patched" are written by smp.c into the copy. */

        .section .rodata.trampoline, "a"
        .balign 16
        .globl trampoline_start, trampoline_end
        .globl tr_32, tr_64, tr_gdt, tr_gdt_base, tr_jump32, tr_jump64, tr_cr3, tr_efer, tr_stack, tr_entry, tr_cpu
        .code16
trampoline_start:
        cli
        cld
        mov     %cs, %ax
        mov     %ax, %ds
        movzwl  %ax, %ebx
        shl     $4, %ebx                          /* ebx = linear base of the trampoline */
        lgdtl   (tr_gdt_ptr - trampoline_start)
        mov     %cr0, %eax
        or      $1, %eax                          /* PE */
        mov     %eax, %cr0
        ljmpl   *(tr_jump32 - trampoline_start)

        .code32
tr_32:
        mov     $0x10, %ax
        mov     %ax, %ds
        mov     %ax, %es
        mov     %ax, %ss
        mov     %cr4, %eax
        or      $0x20, %eax                       /* PAE */
        mov     %eax, %cr4
        mov     (tr_cr3 - trampoline_start)(%ebx), %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        rdmsr
        or      (tr_efer - trampoline_start)(%ebx), %eax
        wrmsr
        mov     %cr0, %eax
        or      $0x80010023, %eax                 /* PG | WP | NE | MP | PE */
        mov     %eax, %cr0
        ljmpl   *(tr_jump64 - trampoline_start)(%ebx)

        .code64
tr_64:
        mov     tr_stack(%rip), %rsp          /* RIP-relative: right in the copy too */
        mov     tr_entry(%rip), %rax
        mov     tr_cpu(%rip), %edi
        xor     %ebp, %ebp
        pushq   $0                                /* null return address: the ABI's entry alignment */
        jmp     *%rax

        .balign 8
tr_gdt:
        .quad 0
        /* Accessed bits preset: the CPU would otherwise write them, and the 0x18 load happens
         * with paging on, where the identity map of this page is read-only (#PF, triple fault). */
        .quad 0x00cf9b000000ffff                  /* 0x08: 32-bit code */
        .quad 0x00cf93000000ffff                  /* 0x10: data */
        .quad 0x00af9b000000ffff                  /* 0x18: 64-bit code */
tr_gdt_end:
tr_gdt_ptr:
        .word tr_gdt_end - tr_gdt - 1
tr_gdt_base:
        .long 0                                   /* patched: base + (tr_gdt - start) */
        .balign 4
tr_jump32:
        .long 0                                   /* patched: base + (tr_32 - start) */
        .word 0x08
        .balign 4
tr_jump64:
        .long 0                                   /* patched: base + (tr_64 - start) */
        .word 0x18
        .balign 8
tr_cr3:   .quad 0                                 /* patched: idle root (below 4 GiB) */
tr_efer:  .quad 0                                 /* patched: EFER bits to set (LME, NXE) */
tr_stack: .quad 0                                 /* patched: top of the AP's stack */
tr_entry: .quad 0                                 /* patched: C entry, void fn(unsigned cpu) */
tr_cpu:   .quad 0                                 /* patched: logical CPU number */
trampoline_end:

        .section .note.GNU-stack, "", @progbits
