/* hv/hypercall.h - hypercall numbers, the x86-64 calling convention and the hypercall page. */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include "abi.h"

/*
 * Calling convention (64-bit PV guest, guest-kernel mode only):
 *   rax = hypercall number; arguments 1..5 in rdi, rsi, rdx, r10, r8; then `syscall`.
 *   Result in rax: 0 or a non-negative value on success, -HV_E* (hv/errno.h) on failure.
 *   SYSCALL/SYSRET destroy rcx and r11. The argument registers may also be clobbered (Xen's
 *   debug builds poison the ones a hypercall does not use as output); every other register and
 *   the guest stack are preserved.
 *   A `syscall` from guest-user mode is not a hypercall: it goes to the guest kernel's syscall
 *   callback (hv/callback.h).
 *   An unknown or unimplemented number returns -HV_ENOSYS.
 *   Pointers passed in arguments are guest virtual addresses in the current kernel address
 *   space; one the hypervisor cannot read or write yields -HV_EFAULT.
 *
 * The instruction that traps to the hypervisor (Xen's old TRAP_INSTR) is `syscall`.
 */
#define HV_TRAP_INSTR_BYTE0 0x0f /* syscall = 0f 05 */
#define HV_TRAP_INSTR_BYTE1 0x05
#define HV_TRAP_INSTR_LEN 2

/*
 * The hypercall page: one 4 KiB page in the guest's image (its address is the
 * HV_ELFNOTE_HYPERCALL_PAGE note), filled by the domain builder when, and only when, the kernel
 * carries that note. 128 stubs of 32 bytes; hypercall n is entered with
 * `call hypercall_page + n * 32`. Unused bytes are 0xcc (int3).
 *
 * Stub n (n != HV_HYPERCALL_iret), 13 bytes:
 *   51              push %rcx
 *   41 53           push %r11
 *   b8 nn nn nn nn  mov  $n, %eax
 *   0f 05           syscall
 *   41 5b           pop  %r11
 *   59              pop  %rcx
 *   c3              ret
 * Through the page, rcx and r11 therefore survive; with a bare `syscall` they do not.
 *
 * Stub HV_HYPERCALL_iret (23), 11 bytes, entered with `jmp`, never returns:
 *   51 41 53 50 b8 17 00 00 00 0f 05   push %rcx; push %r11; push %rax; mov $23, %eax; syscall
 * The guest first pushes the rest of struct hv_iret_context (hv/arch-x86_64.h).
 */
#define HV_HYPERCALL_PAGE_SIZE 4096
#define HV_HYPERCALL_STUB_SIZE 32
#define HV_HYPERCALL_PAGE_ENTRIES (HV_HYPERCALL_PAGE_SIZE / HV_HYPERCALL_STUB_SIZE) /* 128 */
#define HV_HYPERCALL_STUB_OFFSET(n) ((n) * HV_HYPERCALL_STUB_SIZE)
#define HV_HYPERCALL_PAGE_FILL 0xcc
#define HV_HYPERCALL_STUB_LEN 13      /* bytes used by an ordinary stub */
#define HV_HYPERCALL_IRET_STUB_LEN 11 /* bytes used by the iret stub */

/*
 * Hypercall numbers (Xen's __HYPERVISOR_*). Every number Xen defines is listed so that later
 * work finds it; what Hearth does not implement returns -HV_ENOSYS. Number 11 and 43..47 are
 * unassigned. Argument lists are for 64-bit PV guests; "priv" = control domain only.
 */
#define HV_HYPERCALL_set_trap_table 0          /* (struct hv_trap_info *table) */
#define HV_HYPERCALL_mmu_update 1              /* (reqs, count, *done, foreigndom) */
#define HV_HYPERCALL_set_gdt 2                 /* (uint64_t *frames, entries) */
#define HV_HYPERCALL_stack_switch 3            /* (ss, rsp) */
#define HV_HYPERCALL_set_callbacks 4           /* (event, failsafe, syscall) */
#define HV_HYPERCALL_fpu_taskswitch 5          /* (set) */
#define HV_HYPERCALL_sched_op_compat 6         /* legacy form of sched_op */
#define HV_HYPERCALL_platform_op 7             /* priv */
#define HV_HYPERCALL_set_debugreg 8            /* (reg, value) */
#define HV_HYPERCALL_get_debugreg 9            /* (reg) */
#define HV_HYPERCALL_update_descriptor 10      /* (machine address, descriptor) */
#define HV_HYPERCALL_memory_op 12              /* (cmd, arg), hv/memory.h */
#define HV_HYPERCALL_multicall 13              /* (entries, count) */
#define HV_HYPERCALL_update_va_mapping 14      /* (va, pte, flags) */
#define HV_HYPERCALL_set_timer_op 15           /* (absolute system time, ns) */
#define HV_HYPERCALL_event_channel_op_compat 16 /* legacy form of event_channel_op */
#define HV_HYPERCALL_xen_version 17            /* (cmd, arg), hv/version.h */
#define HV_HYPERCALL_console_io 18             /* (cmd, count, buf), hv/console_io.h */
#define HV_HYPERCALL_physdev_op_compat 19      /* legacy form of physdev_op */
#define HV_HYPERCALL_grant_table_op 20         /* (cmd, ops, count) */
#define HV_HYPERCALL_vm_assist 21              /* (cmd, type), hv/vm_assist.h */
#define HV_HYPERCALL_update_va_mapping_otherdomain 22 /* (va, pte, flags, domid) */
#define HV_HYPERCALL_iret 23                   /* frame on the stack, hv/arch-x86_64.h */
#define HV_HYPERCALL_vcpu_op 24                /* (cmd, vcpuid, arg) */
#define HV_HYPERCALL_set_segment_base 25       /* (which, base), hv/arch-x86_64.h */
#define HV_HYPERCALL_mmuext_op 26              /* (ops, count, *done, foreigndom) */
#define HV_HYPERCALL_xsm_op 27                 /* security module (Xen: FLASK) */
#define HV_HYPERCALL_nmi_op 28
#define HV_HYPERCALL_sched_op 29               /* (cmd, arg), hv/sched.h */
#define HV_HYPERCALL_callback_op 30            /* (cmd, arg), hv/callback.h */
#define HV_HYPERCALL_xenoprof_op 31
#define HV_HYPERCALL_event_channel_op 32       /* (cmd, arg) */
#define HV_HYPERCALL_physdev_op 33             /* (cmd, arg), hv/physdev.h */
#define HV_HYPERCALL_hvm_op 34
#define HV_HYPERCALL_sysctl 35                 /* priv */
#define HV_HYPERCALL_domctl 36                 /* priv */
#define HV_HYPERCALL_kexec_op 37
#define HV_HYPERCALL_tmem_op 38                /* removed in Xen; always -ENOSYS */
#define HV_HYPERCALL_argo_op 39
#define HV_HYPERCALL_xenpmu_op 40
#define HV_HYPERCALL_dm_op 41
#define HV_HYPERCALL_hypfs_op 42

/* Architecture-specific numbers; on x86, arch_0 is the machine-check op (Xen's do_mca). */
#define HV_HYPERCALL_arch_0 48
#define HV_HYPERCALL_arch_1 49
#define HV_HYPERCALL_arch_2 50
#define HV_HYPERCALL_arch_3 51
#define HV_HYPERCALL_arch_4 52
#define HV_HYPERCALL_arch_5 53
#define HV_HYPERCALL_arch_6 54
#define HV_HYPERCALL_arch_7 55

/*
 * Hearth's own debug hypercall, on a number x86 Xen leaves unused (arch_7: Xen returns
 * -HV_ENOSYS, so a guest can tell the two apart). hearth_op(cmd, ...), dom0 only (-HV_EPERM):
 *   HV_HEARTHOP_audit: check every frame's type and reference counts against the page tables
 *   that hold them, and the frame accounting; returns the number of problems (0 = clean),
 *   each also printed on the hypervisor's console.
 */
#define HV_HYPERCALL_hearth_op HV_HYPERCALL_arch_7
#define HV_HEARTHOP_audit 1

/* One past the highest number a hypervisor's dispatch table needs (Xen: NR_hypercalls). */
#define HV_HYPERCALL_NR 64

#endif /* HV_HYPERCALL_H */
