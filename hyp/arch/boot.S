/* boot.S - 32-bit entry from Multiboot2 (GRUB) or PVH (QEMU -kernel), into 64-bit long mode,
 * then a jump to the higher-half image and start_hyp(). */
#include "arch/layout.h"

#define MB2_MAGIC 0xe85250d6
#define MB2_ARCH_I386 0
#define BOOT_LOADER_MB2 1
#define BOOT_LOADER_PVH 2
#define BOOT_CS 0x08 /* the boot GDT's selectors, until cpu_init_tables() */
#define BOOT_DS 0x10

/* ---- Multiboot2 header: must sit in the first 32 KiB, 8-byte aligned -------------------------- */
        .section .multiboot2, "a"
        .balign 8
mb2_header:
        .long MB2_MAGIC
        .long MB2_ARCH_I386
        .long mb2_header_end - mb2_header
        .long -(MB2_MAGIC + MB2_ARCH_I386 + (mb2_header_end - mb2_header))
        /* end tag */
        .word 0, 0
        .long 8
mb2_header_end:

/* ---- PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY = 18), for qemu -kernel ------------------------ */
        .section .note.Xen, "a", @note
        .balign 4
        .long 4, 4, 18
        .asciz "Xen"
        .balign 4
        .long pvh_start

/* ---- 32-bit entry points --------------------------------------------------------------------- */
        .section .boot.text, "ax"
        .code32
        .globl _start
_start:                                 /* Multiboot2: eax = magic, ebx = MBI */
        cli
        cld
        mov     $BOOT_LOADER_MB2, %edi
        mov     %eax, %esi              /* magic, checked in C */
        jmp     common_start

        .globl pvh_start
pvh_start:                              /* PVH: ebx = hvm_start_info, paging off */
        cli
        cld
        mov     $BOOT_LOADER_PVH, %edi
        mov     $0x336ec578, %esi
        jmp     common_start

common_start:
        mov     $boot_stack32_top, %esp
        mov     %edi, boot_loader_type
        mov     %esi, boot_loader_magic
        mov     %ebx, boot_loader_info

        /* Long mode is required: CPUID 0x80000001 EDX bit 29. */
        mov     $0x80000000, %eax
        cpuid
        cmp     $0x80000001, %eax
        jb      no_long_mode
        mov     $0x80000001, %eax
        cpuid
        bt      $29, %edx
        jnc     no_long_mode
        mov     %edx, %ebp              /* keep: bit 20 = NX */

        /* CR4.PAE, then the boot page tables, then EFER.LME (+NXE), then paging. */
        mov     %cr4, %eax
        or      $0x20, %eax
        mov     %eax, %cr4
        mov     $boot_l4, %eax
        mov     %eax, %cr3
        mov     $0xc0000080, %ecx
        rdmsr
        or      $0x100, %eax            /* LME */
        bt      $20, %ebp
        jnc     1f
        or      $0x800, %eax            /* NXE */
1:      wrmsr
        mov     %cr0, %eax
        or      $0x80010023, %eax       /* PG | WP | NE | MP | PE */
        mov     %eax, %cr0

        lgdt    boot_gdt_ptr
        ljmp    $BOOT_CS, $long_mode_entry

no_long_mode:
        mov     $msg_no_lm, %esi
1:      lodsb
        test    %al, %al
        jz      2f
        mov     %al, %bl
3:      mov     $0x3fd, %dx             /* COM1 line status: wait for THR empty */
        in      %dx, %al
        test    $0x20, %al
        jz      3b
        mov     $0x3f8, %dx
        mov     %bl, %al
        out     %al, %dx
        jmp     1b
2:      hlt
        jmp     2b

        .code64
long_mode_entry:
        mov     $BOOT_DS, %eax
        mov     %eax, %ds
        mov     %eax, %es
        mov     %eax, %ss
        xor     %eax, %eax
        mov     %eax, %fs
        mov     %eax, %gs
        movabs  $bsp_boot_stack_top, %rsp
        xor     %ebp, %ebp              /* backtraces stop here */
        mov     boot_loader_type, %edi
        mov     boot_loader_magic, %esi
        mov     boot_loader_info, %edx
        movabs  $start_hyp, %rax
        call    *%rax
        ud2

/* ---- boot data: identity-mapped, used before the final page tables exist --------------------- */
        .section .boot.data, "aw"
        .balign 8
msg_no_lm:
        .asciz "Hearth: this CPU has no 64-bit long mode; halted.\r\n"

        .balign 8
boot_gdt:
        .quad 0
        .quad 0x00af9a000000ffff        /* 0x08: 64-bit code */
        .quad 0x00cf92000000ffff        /* 0x10: data */
boot_gdt_end:
boot_gdt_ptr:
        .word boot_gdt_end - boot_gdt - 1
        .long boot_gdt

        .globl boot_loader_type, boot_loader_magic, boot_loader_info
boot_loader_type:  .long 0
boot_loader_magic: .long 0
boot_loader_info:  .long 0

/*
 * Boot page tables. L4 slot 0 and slot 262 (the direct map) both reach the same L3, which maps
 * the first 4 GiB with 2 MiB pages; slot 261 maps HYP_VIRT_START + [0, 1 GiB) to [0, 1 GiB).
 * They only live until mm builds the final tables.
 */
        .balign 4096
        .globl boot_l4
boot_l4:
        .quad boot_l3_low + 3
        .fill 260, 8, 0
        .quad boot_l3_hyp + 3           /* slot 261 */
        .quad boot_l3_low + 3           /* slot 262: direct map */
        .fill 249, 8, 0
boot_l3_low:
        .quad boot_l2_low + 0x0000 + 3
        .quad boot_l2_low + 0x1000 + 3
        .quad boot_l2_low + 0x2000 + 3
        .quad boot_l2_low + 0x3000 + 3
        .fill 508, 8, 0
boot_l3_hyp:
        .fill 321, 8, 0
        .quad boot_l2_low + 3           /* index 321 = HYP_VIRT_START's L3 slot */
        .fill 190, 8, 0
boot_l2_low:
        .set i, 0
        .rept 2048
        .quad (i << 21) | 0x83          /* present, writable, 2 MiB */
        .set i, i + 1
        .endr

        .balign 16
        .fill 1024, 1, 0
boot_stack32_top:

/* ---- the BSP's first 64-bit stack, in the image; replaced by its guarded stack in mm ---------- */
        .section .bss.boot_stack, "aw", @nobits
        .balign 4096
        .globl bsp_boot_stack_top
        .skip 16384
bsp_boot_stack_top:

        .section .note.GNU-stack, "", @progbits
