/* uaccess.S - copies to and from guest memory that survive bad guest pointers: a fault inside
 * the copy resumes at the fixup, which returns how many bytes were not copied. */

        .section .text, "ax"
        .code64

/* size_t raw_copy_guest(void *dst, const void *src, size_t n): bytes NOT copied (0 = all). */
        .globl raw_copy_guest
raw_copy_guest:
        mov     %rdx, %rcx
        shr     $3, %rcx
7:      rep movsq                       /* qwords first: one iteration per 8 bytes */
        mov     %rdx, %rcx
        and     $7, %rcx
1:      rep movsb
2:      mov     %rcx, %rax
        ret
8:      lea     (,%rcx,8), %rax         /* faulted in the qwords: those left, and the tail */
        and     $7, %rdx
        add     %rdx, %rax
        ret

/* size_t raw_clear_guest(void *dst, size_t n): bytes NOT zeroed. */
        .globl raw_clear_guest
raw_clear_guest:
        mov     %rsi, %rcx
        xor     %eax, %eax
3:      rep stosb
4:      mov     %rcx, %rax
        ret

/* int load_gs_selector(uint16_t sel): 0, or -1 if loading sel into %gs faulted. */
        .globl load_gs_selector
load_gs_selector:
        xor     %eax, %eax
5:      mov     %di, %gs
        ret
6:      mov     $-1, %eax
        ret

/* int load_{ds,es,fs}_selector(uint16_t sel): the same for %ds, %es and %fs. */
        .globl load_ds_selector
load_ds_selector:
        xor     %eax, %eax
10:     mov     %di, %ds
        ret
        .globl load_es_selector
load_es_selector:
        xor     %eax, %eax
11:     mov     %di, %es
        ret
        .globl load_fs_selector
load_fs_selector:
        xor     %eax, %eax
12:     mov     %di, %fs
        ret
13:     mov     $-1, %eax
        ret

        .section .ex_table, "a"
        .balign 8
        .quad 10b, 13b
        .quad 11b, 13b
        .quad 12b, 13b
        .quad 1b, 2b
        .quad 7b, 8b
        .quad 3b, 4b
        .quad 5b, 6b

        .section .note.GNU-stack, "", @progbits
