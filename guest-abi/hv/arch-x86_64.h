/* hv/arch-x86_64.h - the x86-64 part of the PV ABI: selectors, the hypervisor's address-space
 * hole, register and vCPU context layouts, trap table, iret frame, segment bases. */
#ifndef HV_ARCH_X86_64_H
#define HV_ARCH_X86_64_H

#include "abi.h"

/*
 * Flat segments in the hypervisor-reserved part of every GDT. A 64-bit PV kernel and its user
 * space both run in ring 3 on these; the guest kernel is always entered on HV_FLAT_KERNEL_CS /
 * HV_FLAT_KERNEL_SS, whatever selector a trap_info or callback names. Descriptors: 0xe023 32-bit
 * code, 0xe02b data, 0xe033 64-bit code, all DPL 3 (GDT entries 7172..7174).
 */
#define HV_FLAT_RING3_CS32 0xe023
#define HV_FLAT_RING3_CS64 0xe033
#define HV_FLAT_RING3_DS32 0xe02b
#define HV_FLAT_RING3_DS64 0x0000 /* the NULL selector */
#define HV_FLAT_RING3_SS32 0xe02b
#define HV_FLAT_RING3_SS64 0xe02b

#define HV_FLAT_KERNEL_DS64 HV_FLAT_RING3_DS64
#define HV_FLAT_KERNEL_DS32 HV_FLAT_RING3_DS32
#define HV_FLAT_KERNEL_DS HV_FLAT_KERNEL_DS64
#define HV_FLAT_KERNEL_CS64 HV_FLAT_RING3_CS64
#define HV_FLAT_KERNEL_CS32 HV_FLAT_RING3_CS32
#define HV_FLAT_KERNEL_CS HV_FLAT_KERNEL_CS64
#define HV_FLAT_KERNEL_SS64 HV_FLAT_RING3_SS64
#define HV_FLAT_KERNEL_SS32 HV_FLAT_RING3_SS32
#define HV_FLAT_KERNEL_SS HV_FLAT_KERNEL_SS64

#define HV_FLAT_USER_DS64 HV_FLAT_RING3_DS64
#define HV_FLAT_USER_DS32 HV_FLAT_RING3_DS32
#define HV_FLAT_USER_DS HV_FLAT_USER_DS64
#define HV_FLAT_USER_CS64 HV_FLAT_RING3_CS64
#define HV_FLAT_USER_CS32 HV_FLAT_RING3_CS32
#define HV_FLAT_USER_CS HV_FLAT_USER_CS64
#define HV_FLAT_USER_SS64 HV_FLAT_RING3_SS64
#define HV_FLAT_USER_SS32 HV_FLAT_RING3_SS32
#define HV_FLAT_USER_SS HV_FLAT_USER_SS64

/*
 * The guest's GDT may use entries 0 .. HV_FIRST_RESERVED_GDT_ENTRY - 1 (set_gdt takes at most
 * 14 frames); from page 14 on, the hypervisor owns the GDT.
 */
#define HV_FIRST_RESERVED_GDT_PAGE 14
#define HV_FIRST_RESERVED_GDT_BYTE (HV_FIRST_RESERVED_GDT_PAGE * 4096)  /* 0xe000 */
#define HV_FIRST_RESERVED_GDT_ENTRY (HV_FIRST_RESERVED_GDT_BYTE / 8)    /* 7168 */

/*
 * The hypervisor's hole: L4 slots 256..271 of every guest page table. Guests may not map
 * anything there. Its first 256 GiB hold the read-only machine-to-phys table (one 64-bit PFN per
 * machine frame, ~0 for frames that are not the guest's RAM), readable by the guest kernel.
 */
#define HV_VIRT_START HV_U64(0xffff800000000000)
#define HV_VIRT_END HV_U64(0xffff880000000000)
#define HV_MACH2PHYS_VIRT_START HV_U64(0xffff800000000000)
#define HV_MACH2PHYS_VIRT_END HV_U64(0xffff804000000000)
#define HV_MACH2PHYS_NR_ENTRIES ((HV_MACH2PHYS_VIRT_END - HV_MACH2PHYS_VIRT_START) >> 3) /* 2^35 */

/* vcpu_info slots in shared_info; more vCPUs need VCPUOP_register_vcpu_info. */
#define HV_LEGACY_MAX_VCPUS 32

/* CR3 values in the ABI (vcpu_guest_context.ctrlreg[1/3], p2m_cr3) hold a frame << 12. */
#define hv_pfn_to_cr3(pfn) ((uint64_t)(pfn) << 12)
#define hv_cr3_to_pfn(cr3) ((uint64_t)(cr3) >> 12)

/*
 * The forced-emulation prefix: `ud2a; .ascii "xen"` before an instruction asks the hypervisor to
 * emulate it. Its use is `cpuid`: a PV kernel reads the hypervisor's CPUID view (including the
 * leaves at 0x40000000) with HV_CPUID. Bytes 0f 0b 78 65 6e, then 0f a2 for cpuid.
 */
#define HV_EMULATE_PREFIX_LEN 5
#ifdef __ASSEMBLY__
#define HV_EMULATE_PREFIX .byte 0x0f, 0x0b, 0x78, 0x65, 0x6e;
#define HV_CPUID HV_EMULATE_PREFIX cpuid
#else
#define HV_EMULATE_PREFIX ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; "
#define HV_CPUID HV_EMULATE_PREFIX "cpuid"
#endif

/*
 * set_segment_base(which, base): write a segment base the guest kernel cannot write itself.
 *   HV_SEGBASE_FS          FS base.
 *   HV_SEGBASE_GS_USER     the user GS base (the inactive one while the kernel runs).
 *   HV_SEGBASE_GS_KERNEL   the kernel GS base (the active one).
 *   HV_SEGBASE_GS_USER_SEL load base[15:0] as the user %gs selector (NULL if loading it
 *                          faults; that is not an error) and update the user GS base from it.
 * Caller: guest kernel. Errors: -HV_EINVAL for an unknown which or a non-canonical base.
 */
#define HV_SEGBASE_FS 0
#define HV_SEGBASE_GS_USER 1
#define HV_SEGBASE_GS_KERNEL 2
#define HV_SEGBASE_GS_USER_SEL 3

/* vcpu_guest_context.flags (and, for VGCF_in_syscall, iret_context.flags). */
#define HV_VGCF_i387_valid (1 << 0)            /* fpu_ctxt holds a valid FXSAVE image */
#define HV_VGCF_in_kernel (1 << 2)             /* vCPU is in guest-kernel mode */
#define HV_VGCF_failsafe_disables_events (1 << 3)
#define HV_VGCF_syscall_disables_events (1 << 4)
#define HV_VGCF_online (1 << 5)
#define HV_VGCF_in_syscall (1 << 8)            /* return with SYSRET semantics, see iret */
#define HV_VGCF_I387_VALID HV_VGCF_i387_valid
#define HV_VGCF_IN_KERNEL HV_VGCF_in_kernel
#define HV_VGCF_IN_SYSCALL HV_VGCF_in_syscall

/* trap_info.flags: bits 0-1 the DPL that may raise the vector with `int $n` (kernel counts as
 * 1), bit 2 "interrupt gate": mask events (evtchn_upcall_mask = 1) on delivery. */
#define HV_TI_DPL_MASK 0x3
#define HV_TI_IF 0x4

/* Number of trap_info entries in a vcpu_guest_context (one per vector). */
#define HV_NR_TRAP_CTXT 256

#ifndef __ASSEMBLY__

/*
 * set_trap_table(struct hv_trap_info *table): install the guest's virtual IDT.
 * IN: an array terminated by an entry with address == 0; NULL clears the whole table. Each entry
 * replaces the handler for its vector; cs is ignored for 64-bit guests.
 * Caller: guest kernel, for the calling vCPU. Errors: -HV_EFAULT (unreadable table),
 * -HV_EINVAL (non-canonical address). Entries before a failing one stay installed.
 */
struct hv_trap_info {
    /* IN */
    uint8_t vector;
    uint8_t flags;   /* HV_TI_* */
    uint16_t cs;     /* ignored for 64-bit PV */
    uint32_t _pad0;
    uint64_t address; /* handler VA; 0 ends the table */
};
HV_CHECK_SIZE(hv_trap_info, 16);
HV_CHECK_OFFSET(hv_trap_info, flags, 1);
HV_CHECK_OFFSET(hv_trap_info, cs, 2);
HV_CHECK_OFFSET(hv_trap_info, address, 8);

/*
 * iret: return from a guest exception, event or syscall frame (the guest kernel cannot execute
 * a privileged iretq to a different mode). The guest pushes this frame (lowest address first)
 * and jumps to the iret stub, or executes `mov $HV_HYPERCALL_iret, %eax; syscall` with rsp
 * pointing at rax. Caller: guest kernel. Effects: if (cs & 3) == 3 the vCPU returns to guest-user
 * mode (its user page tables and GS base); cs and ss get RPL 3, rflags gets IF set and IOPL
 * cleared, and evtchn_upcall_mask becomes !(rflags & IF). With HV_VGCF_in_syscall in flags the
 * return follows SYSRET rules (rcx and r11 are not restored); otherwise r11 and rcx are.
 * The hypercall returns the saved rax. An unreadable frame crashes the domain (there is no
 * context left to return an error to).
 */
struct hv_iret_context {
    /* IN, at rsp when the hypercall is made */
    uint64_t rax;
    uint64_t r11;
    uint64_t rcx;
    uint64_t flags; /* HV_VGCF_in_syscall or 0 */
    uint64_t rip;
    uint64_t cs;
    uint64_t rflags;
    uint64_t rsp;
    uint64_t ss;
};
HV_CHECK_SIZE(hv_iret_context, 72);
HV_CHECK_OFFSET(hv_iret_context, r11, 8);
HV_CHECK_OFFSET(hv_iret_context, rcx, 16);
HV_CHECK_OFFSET(hv_iret_context, flags, 24);
HV_CHECK_OFFSET(hv_iret_context, rip, 32);
HV_CHECK_OFFSET(hv_iret_context, cs, 40);
HV_CHECK_OFFSET(hv_iret_context, rflags, 48);
HV_CHECK_OFFSET(hv_iret_context, rsp, 56);
HV_CHECK_OFFSET(hv_iret_context, ss, 64);

/*
 * The guest's general registers as they appear in vcpu_guest_context (and in Xen's own
 * exception frames). error_code and entry_vector are the hypervisor's; saved_upcall_mask holds
 * evtchn_upcall_mask at the time of an interruption.
 */
struct hv_cpu_user_regs {
    uint64_t r15;
    uint64_t r14;
    uint64_t r13;
    uint64_t r12;
    uint64_t rbp;
    uint64_t rbx;
    uint64_t r11;
    uint64_t r10;
    uint64_t r9;
    uint64_t r8;
    uint64_t rax;
    uint64_t rcx;
    uint64_t rdx;
    uint64_t rsi;
    uint64_t rdi;
    uint32_t error_code;   /* private to the hypervisor */
    uint32_t entry_vector; /* private to the hypervisor */
    uint64_t rip;
    uint16_t cs;
    uint16_t _pad0;
    uint8_t saved_upcall_mask;
    uint8_t _pad1[3];
    uint64_t rflags; /* IF == !saved_upcall_mask */
    uint64_t rsp;
    uint16_t ss;
    uint16_t _pad2[3];
    uint16_t es;
    uint16_t _pad3[3];
    uint16_t ds;
    uint16_t _pad4[3];
    uint16_t fs;
    uint16_t _pad5[3];
    uint16_t gs;
    uint16_t _pad6[3];
};
HV_CHECK_SIZE(hv_cpu_user_regs, 200);
HV_CHECK_OFFSET(hv_cpu_user_regs, rbp, 32);
HV_CHECK_OFFSET(hv_cpu_user_regs, rax, 80);
HV_CHECK_OFFSET(hv_cpu_user_regs, rdi, 112);
HV_CHECK_OFFSET(hv_cpu_user_regs, error_code, 120);
HV_CHECK_OFFSET(hv_cpu_user_regs, entry_vector, 124);
HV_CHECK_OFFSET(hv_cpu_user_regs, rip, 128);
HV_CHECK_OFFSET(hv_cpu_user_regs, cs, 136);
HV_CHECK_OFFSET(hv_cpu_user_regs, saved_upcall_mask, 140);
HV_CHECK_OFFSET(hv_cpu_user_regs, rflags, 144);
HV_CHECK_OFFSET(hv_cpu_user_regs, rsp, 152);
HV_CHECK_OFFSET(hv_cpu_user_regs, ss, 160);
HV_CHECK_OFFSET(hv_cpu_user_regs, es, 168);
HV_CHECK_OFFSET(hv_cpu_user_regs, ds, 176);
HV_CHECK_OFFSET(hv_cpu_user_regs, fs, 184);
HV_CHECK_OFFSET(hv_cpu_user_regs, gs, 192);

/*
 * A vCPU's complete PV state: the argument of VCPUOP_initialise (bring up a secondary vCPU) and
 * of the toolstack's get/set-context. Addresses are guest virtual; gdt_frames are machine frame
 * numbers; ctrlreg[3] is the kernel root table and ctrlreg[1] the user root table, both as
 * hv_pfn_to_cr3(mfn).
 */
struct hv_vcpu_guest_context {
    uint8_t fpu_ctxt[512]; /* FXSAVE image, 16-byte aligned in Xen's copy */
    uint64_t flags;        /* HV_VGCF_* */
    struct hv_cpu_user_regs user_regs;
    struct hv_trap_info trap_ctxt[HV_NR_TRAP_CTXT];
    uint64_t ldt_base;      /* linear address */
    uint64_t ldt_ents;
    uint64_t gdt_frames[16];
    uint64_t gdt_ents;
    uint64_t kernel_ss;     /* stack for bounces from guest-user mode (stack_switch) */
    uint64_t kernel_sp;
    uint64_t ctrlreg[8];
    uint64_t debugreg[8];
    uint64_t event_callback_eip;
    uint64_t failsafe_callback_eip;
    uint64_t syscall_callback_eip;
    uint64_t vm_assist;     /* bitmap of enabled HV_VMASST_TYPE_* */
    uint64_t fs_base;
    uint64_t gs_base_kernel;
    uint64_t gs_base_user;
};
HV_CHECK_SIZE(hv_vcpu_guest_context, 5168);
HV_CHECK_OFFSET(hv_vcpu_guest_context, flags, 512);
HV_CHECK_OFFSET(hv_vcpu_guest_context, user_regs, 520);
HV_CHECK_OFFSET(hv_vcpu_guest_context, trap_ctxt, 720);
HV_CHECK_OFFSET(hv_vcpu_guest_context, ldt_base, 4816);
HV_CHECK_OFFSET(hv_vcpu_guest_context, ldt_ents, 4824);
HV_CHECK_OFFSET(hv_vcpu_guest_context, gdt_frames, 4832);
HV_CHECK_OFFSET(hv_vcpu_guest_context, gdt_ents, 4960);
HV_CHECK_OFFSET(hv_vcpu_guest_context, kernel_ss, 4968);
HV_CHECK_OFFSET(hv_vcpu_guest_context, kernel_sp, 4976);
HV_CHECK_OFFSET(hv_vcpu_guest_context, ctrlreg, 4984);
HV_CHECK_OFFSET(hv_vcpu_guest_context, debugreg, 5048);
HV_CHECK_OFFSET(hv_vcpu_guest_context, event_callback_eip, 5112);
HV_CHECK_OFFSET(hv_vcpu_guest_context, failsafe_callback_eip, 5120);
HV_CHECK_OFFSET(hv_vcpu_guest_context, syscall_callback_eip, 5128);
HV_CHECK_OFFSET(hv_vcpu_guest_context, vm_assist, 5136);
HV_CHECK_OFFSET(hv_vcpu_guest_context, fs_base, 5144);
HV_CHECK_OFFSET(hv_vcpu_guest_context, gs_base_kernel, 5152);
HV_CHECK_OFFSET(hv_vcpu_guest_context, gs_base_user, 5160);

/* The x86-64 part of vcpu_info (hv/shared_info.h). */
struct hv_arch_vcpu_info {
    /* OUT */
    uint64_t cr2; /* faulting address, written before a #PF is delivered */
    uint64_t pad; /* keeps vcpu_info at 64 bytes */
};
HV_CHECK_SIZE(hv_arch_vcpu_info, 16);
HV_CHECK_OFFSET(hv_arch_vcpu_info, pad, 8);

/*
 * The x86-64 part of shared_info. The guest writes the p2m fields so that dom0's tools (save,
 * restore, dump) can find its phys-to-machine list; the hypervisor only passes them on.
 */
struct hv_arch_shared_info {
    /* IN (from the guest) */
    uint64_t max_pfn;                    /* entries in the p2m list */
    uint64_t pfn_to_mfn_frame_list_list; /* MFN of the 3-level p2m tree's top; ~0 = use vaddr */
    /* OUT */
    uint64_t nmi_reason;
    /* IN (from the guest); valid when p2m_cr3 != 0 */
    uint64_t p2m_cr3;        /* root of the address space p2m_vaddr is valid in */
    uint64_t p2m_vaddr;      /* VA of the linear p2m list */
    uint64_t p2m_generation; /* odd while the guest changes the p2m mapping */
};
HV_CHECK_SIZE(hv_arch_shared_info, 48);
HV_CHECK_OFFSET(hv_arch_shared_info, pfn_to_mfn_frame_list_list, 8);
HV_CHECK_OFFSET(hv_arch_shared_info, nmi_reason, 16);
HV_CHECK_OFFSET(hv_arch_shared_info, p2m_cr3, 24);
HV_CHECK_OFFSET(hv_arch_shared_info, p2m_vaddr, 32);
HV_CHECK_OFFSET(hv_arch_shared_info, p2m_generation, 40);

#endif /* !__ASSEMBLY__ */

#endif /* HV_ARCH_X86_64_H */
