/*
 * The few Xen x86-64 PV ABI numbers and layouts the test kernels use, until guest-abi/ lands.
 *
 * Every value was checked against Xen's public headers (xen-project/xen, xen/include/public/):
 * xen.h (hypercall numbers, CONSOLEIO_*, UVMF_*, start_info, vcpu_info), sched.h (SCHEDOP_*,
 * SHUTDOWN_*), version.h (XENVER_*), features.h (XENFEAT_*), elfnote.h (XEN_ELFNOTE_*),
 * errno.h (XEN_E*), memory.h (XENMEM_*, memory_op structs), arch-x86/xen.h (trap_info,
 * FLAT_KERNEL_*), arch-x86/xen-x86_64.h (arch_vcpu_info, iret_context, MACH2PHYS_*),
 * arch-x86/cpuid.h (Xen CPUID leaves). Also checked against libxen-dev 4.17's /usr/include/xen:
 * mmu_update, mmuext_op and the MMU_* / MMUEXT_* / DOMID_* numbers. This is the one header
 * to switch to guest-abi/ later; the assembly files include it too, so keep the C parts inside
 * the !__ASSEMBLY__ block.
 */
#ifndef TESTS_GUESTS_ABI_LOCAL_H
#define TESTS_GUESTS_ABI_LOCAL_H

/* Hypercall numbers (xen.h). Call through the hypercall page at hypercall_page + nr * 32. */
#define XEN_HC_set_trap_table     0
#define XEN_HC_mmu_update         1
#define XEN_HC_stack_switch       3
#define XEN_HC_set_callbacks      4
#define XEN_HC_fpu_taskswitch     5
#define XEN_HC_memory_op          12
#define XEN_HC_multicall          13
#define XEN_HC_update_va_mapping  14
#define XEN_HC_xen_version        17
#define XEN_HC_console_io         18
#define XEN_HC_vm_assist          21
#define XEN_HC_iret               23
#define XEN_HC_set_segment_base   25
#define XEN_HC_mmuext_op          26
#define XEN_HC_sched_op           29
#define XEN_HC_callback_op        30
#define XEN_HC_physdev_op         33
#define XEN_HC_arch_7             55  /* unused by x86 Xen (-ENOSYS); Hearth's debug op */
#define XEN_HYPERCALL_STUB_SIZE   32

/* ELF note types (elfnote.h); notes are named "Xen". */
#define XEN_ELFNOTE_ENTRY          1
#define XEN_ELFNOTE_HYPERCALL_PAGE 2
#define XEN_ELFNOTE_VIRT_BASE      3
#define XEN_ELFNOTE_PADDR_OFFSET   4
#define XEN_ELFNOTE_XEN_VERSION    5
#define XEN_ELFNOTE_GUEST_OS       6
#define XEN_ELFNOTE_GUEST_VERSION  7
#define XEN_ELFNOTE_LOADER         8
#define XEN_ELFNOTE_PAE_MODE       9
#define XEN_ELFNOTE_FEATURES      10

/* console_io commands (xen.h). */
#define CONSOLEIO_write 0
#define CONSOLEIO_read  1

/* sched_op commands and shutdown reasons (sched.h). */
#define SCHEDOP_yield     0
#define SCHEDOP_block     1
#define SCHEDOP_shutdown  2
#define SCHEDOP_poll      3
#define SHUTDOWN_poweroff 0
#define SHUTDOWN_reboot   1
#define SHUTDOWN_crash    3

/* xen_version sub-ops (version.h). The highest defined in Xen 4.17 is 10 (build_id). */
#define XENVER_version      0
#define XENVER_extraversion 1
#define XENVER_compile_info 2
#define XENVER_capabilities 3
#define XENVER_changeset    4
#define XENVER_platform_parameters 5
#define XENVER_get_features 6
#define XENVER_pagesize     7
#define XENVER_guest_handle 8
#define XENVER_commandline  9
#define XENVER_build_id     10
#define XEN_EXTRAVERSION_LEN  16
#define XEN_CAPABILITIES_LEN  1024

/* XENVER_get_features submap 0 bits (features.h). */
#define XENFEAT_writable_page_tables       0
#define XENFEAT_auto_translated_physmap    2
#define XENFEAT_supervisor_mode_kernel     3
#define XENFEAT_mmu_pt_update_preserve_ad  5
#define XENFEAT_highmem_assist             6
#define XENFEAT_gnttab_map_avail_bits      7
#define XENFEAT_hvm_callback_vector        8
#define XENFEAT_dom0                      11

/* update_va_mapping flags (xen.h): flush type in bits 0-1, scope in bit 2 (0 = local/multi,
 * a vCPU bitmap pointer may be ORed in for multi). */
#define UVMF_NONE           0
#define UVMF_TLB_FLUSH      1
#define UVMF_INVLPG         2
#define UVMF_FLUSHTYPE_MASK 3
#define UVMF_LOCAL          0
#define UVMF_MULTI          0
#define UVMF_ALL            4

/* mmu_update commands (xen.h): ptr[1:0]; ptr[63:2] is the machine address of the entry. */
#define MMU_NORMAL_PT_UPDATE       0
#define MMU_MACHPHYS_UPDATE        1
#define MMU_PT_UPDATE_PRESERVE_AD  2
#define MMU_PT_UPDATE_NO_TRANSLATE 3

/* Flat segments of a 64-bit PV guest (arch-x86/xen-x86_64.h): kernel and user share them. */
#define FLAT_KERNEL_CS64 0xe033
#define FLAT_KERNEL_SS64 0xe02b
#define FLAT_USER_CS64   0xe033
#define FLAT_USER_SS64   0xe02b

/* iret_context.flags (arch-x86/xen-x86_64.h): return with SYSRET semantics. */
#define VGCF_in_syscall  (1u << 8)

/* set_segment_base `which` (arch-x86/xen-x86_64.h). */
#define SEGBASE_FS          0
#define SEGBASE_GS_USER     1
#define SEGBASE_GS_KERNEL   2
#define SEGBASE_GS_USER_SEL 3

/* callback_op (callback.h). */
#define CALLBACKOP_register   0
#define CALLBACKOP_unregister 1
#define CALLBACKTYPE_event    0
#define CALLBACKTYPE_failsafe 1
#define CALLBACKTYPE_syscall  2
#define CALLBACKTYPE_nmi      4
#define CALLBACKF_mask_events (1u << 0)

/* vm_assist (xen.h). */
#define VMASST_CMD_enable  0
#define VMASST_CMD_disable 1
#define VMASST_TYPE_writable_pagetables 2

/* mmuext_op commands (xen.h). 14 is unassigned. */
#define MMUEXT_PIN_L1_TABLE       0
#define MMUEXT_PIN_L2_TABLE       1
#define MMUEXT_PIN_L3_TABLE       2
#define MMUEXT_PIN_L4_TABLE       3
#define MMUEXT_UNPIN_TABLE        4
#define MMUEXT_NEW_BASEPTR        5
#define MMUEXT_TLB_FLUSH_LOCAL    6
#define MMUEXT_INVLPG_LOCAL       7
#define MMUEXT_TLB_FLUSH_MULTI    8
#define MMUEXT_INVLPG_MULTI       9
#define MMUEXT_TLB_FLUSH_ALL      10
#define MMUEXT_INVLPG_ALL         11
#define MMUEXT_FLUSH_CACHE        12
#define MMUEXT_SET_LDT            13
#define MMUEXT_NEW_USER_BASEPTR   15
#define MMUEXT_CLEAR_PAGE         16
#define MMUEXT_COPY_PAGE          17
#define MMUEXT_FLUSH_CACHE_GLOBAL 18
#define MMUEXT_MARK_SUPER         19
#define MMUEXT_UNMARK_SUPER       20

/* Reserved domain ids (xen.h); ids >= DOMID_FIRST_RESERVED name no ordinary domain. */
#define DOMID_FIRST_RESERVED 0x7ff0
#define DOMID_SELF    0x7ff0
#define DOMID_IO      0x7ff1
#define DOMID_XEN     0x7ff2
#define DOMID_COW     0x7ff3
#define DOMID_INVALID 0x7ff4
#define DOMID_IDLE    0x7fff

/* memory_op commands (memory.h): cmd bits 0-5; bits 6+ carry a continuation's start extent. */
#define XENMEM_increase_reservation 0
#define XENMEM_decrease_reservation 1
#define XENMEM_maximum_ram_page     2
#define XENMEM_current_reservation  3
#define XENMEM_maximum_reservation  4
#define XENMEM_machphys_mfn_list    5
#define XENMEM_populate_physmap     6
#define XENMEM_memory_map           9
#define XENMEM_machine_memory_map   10
#define XENMEM_exchange             11
#define XENMEM_machphys_mapping     12
#define XENMEM_maximum_gpfn         14

/* The read-only M2P table every 64-bit PV guest sees (arch-x86/xen-x86_64.h). */
#define MACH2PHYS_VIRT_START  0xffff800000000000ull
#define MACH2PHYS_VIRT_END    0xffff804000000000ull

/* physdev_op commands (physdev.h). */
#define PHYSDEVOP_set_iopl 6

/* MSRs that Xen emulates for PV kernels. */
#define MSR_EFER           0xc0000080u
#define MSR_FS_BASE        0xc0000100u
#define MSR_GS_BASE        0xc0000101u
#define MSR_SHADOW_GS_BASE 0xc0000102u
#define MSR_PAT            0x00000277u

/* trap_info.flags: bits 0-1 = DPL for `int n`, bit 2 = interrupt gate (arch-x86/xen.h). */
#define TI_DPL3          3
#define TI_INTERRUPT_GATE 4

/* Guest-visible errno values (errno.h), returned negated. */
#define XEN_EPERM   1
#define XEN_ENOENT  2
#define XEN_ESRCH   3
#define XEN_EAGAIN 11
#define XEN_ENOMEM 12
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EBUSY  16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSYS 38
#define XEN_ENODATA 61

/* start_info.flags (xen.h). */
#define SIF_PRIVILEGED  (1u << 0)
#define SIF_INITDOMAIN  (1u << 1)

/* Xen CPUID leaves (arch-x86/cpuid.h): "XenVMMXenVMM" in ebx, ecx, edx of the base leaf. */
#define XEN_CPUID_FIRST_LEAF      0x40000000u
#define XEN_CPUID_SIGNATURE_EBX   0x566e6558u /* "XenV" */
#define XEN_CPUID_SIGNATURE_ECX   0x65584d4du /* "MMXe" */
#define XEN_CPUID_SIGNATURE_EDX   0x4d4d566eu /* "nVMM" */
/* ud2; .ascii "xen" : Xen emulates the instruction that follows (arch-x86/xen.h). */
#define XEN_EMULATE_PREFIX_ASM    ".byte 0x0f,0x0b,0x78,0x65,0x6e; "

#ifndef __ASSEMBLY__
#include <stddef.h>
#include <stdint.h>

/* start_info (xen.h), x86-64 layout: 1168 bytes. */
struct start_info {
    char magic[32];             /* "xen-<version>-<platform>" */
    uint64_t nr_pages;
    uint64_t shared_info;       /* MACHINE address of shared_info */
    uint32_t flags;             /* SIF_* */
    uint32_t pad0;
    uint64_t store_mfn;
    uint32_t store_evtchn;
    uint32_t pad1;
    union {
        struct { uint64_t mfn; uint32_t evtchn; uint32_t pad; } domU;
        struct { uint32_t info_off; uint32_t info_size; } dom0;
    } console;
    uint64_t pt_base;           /* VA of the bootstrap L4 */
    uint64_t nr_pt_frames;
    uint64_t mfn_list;
    uint64_t mod_start;
    uint64_t mod_len;
    int8_t cmd_line[1024];
    uint64_t first_p2m_pfn;
    uint64_t nr_p2m_frames;
};
_Static_assert(offsetof(struct start_info, nr_pages) == 32, "start_info.nr_pages");
_Static_assert(offsetof(struct start_info, flags) == 48, "start_info.flags");
_Static_assert(offsetof(struct start_info, console) == 72, "start_info.console");
_Static_assert(offsetof(struct start_info, pt_base) == 88, "start_info.pt_base");
_Static_assert(offsetof(struct start_info, cmd_line) == 128, "start_info.cmd_line");
_Static_assert(sizeof(struct start_info) == 1168, "start_info size");

/* vcpu_info (xen.h + arch-x86/xen-x86_64.h): 64 bytes; Xen writes CR2 to arch.cr2 on #PF. */
struct vcpu_info {
    uint8_t evtchn_upcall_pending;
    uint8_t evtchn_upcall_mask;
    uint8_t pad0[6];
    uint64_t evtchn_pending_sel;
    uint64_t arch_cr2;
    uint64_t arch_pad;
    uint8_t time[32];           /* vcpu_time_info, unused here */
};
_Static_assert(offsetof(struct vcpu_info, arch_cr2) == 16, "vcpu_info.arch.cr2");
_Static_assert(sizeof(struct vcpu_info) == 64, "vcpu_info size");

/* The head of shared_info: XEN_LEGACY_MAX_VCPUS (32) vcpu_info slots come first. */
struct shared_info_head {
    struct vcpu_info vcpu_info[32];
};

/* trap_info (arch-x86/xen.h): one per vector, the array ends with an all-zero entry. */
struct trap_info {
    uint8_t vector;
    uint8_t flags;              /* TI_* */
    uint16_t cs;                /* ignored for 64-bit PV kernels */
    uint32_t pad;
    uint64_t address;
};
_Static_assert(sizeof(struct trap_info) == 16, "trap_info size");

/* XENVER_get_features argument (version.h). */
struct xen_feature_info {
    uint32_t submap_idx;        /* IN */
    uint32_t submap;            /* OUT */
};

/* SCHEDOP_shutdown argument (sched.h). */
struct sched_shutdown {
    uint32_t reason;            /* SHUTDOWN_* */
};

/* SCHEDOP_poll argument (sched.h): 24 bytes. */
struct sched_poll {
    uint64_t ports;             /* guest VA of uint32_t ports[nr_ports] */
    uint32_t nr_ports;
    uint32_t pad;
    uint64_t timeout;           /* absolute system time (ns), 0 = none */
};
_Static_assert(sizeof(struct sched_poll) == 24, "sched_poll size");

/* CALLBACKOP_register argument (callback.h): 16 bytes. */
struct callback_register {
    uint16_t type;              /* CALLBACKTYPE_* */
    uint16_t flags;             /* CALLBACKF_* */
    uint32_t pad;
    uint64_t address;
};
_Static_assert(sizeof(struct callback_register) == 16, "callback_register size");

/* One multicall entry (xen.h): 64 bytes; Xen stores each call's return value in result. */
struct multicall_entry {
    uint64_t op;
    uint64_t result;
    uint64_t args[6];
};
_Static_assert(sizeof(struct multicall_entry) == 64, "multicall_entry size");

/* One mmuext_op (xen.h): 24 bytes. */
struct mmuext_op {
    uint32_t cmd;               /* MMUEXT_* */
    uint32_t pad;
    uint64_t arg1;              /* mfn or linear_addr */
    uint64_t arg2;              /* nr_ents, vcpumask or src_mfn */
};
_Static_assert(sizeof(struct mmuext_op) == 24, "mmuext_op size");

/* One mmu_update request (xen.h): 16 bytes. */
struct mmu_update {
    uint64_t ptr;               /* machine address of the entry | MMU_* command */
    uint64_t val;               /* new entry (machine frame number), or the PFN for M2P */
};
_Static_assert(sizeof(struct mmu_update) == 16, "mmu_update size");

/* XENMEM_{increase,decrease}_reservation / populate_physmap argument (memory.h): 32 bytes. */
struct xen_memory_reservation {
    uint64_t extent_start;      /* guest VA of xen_pfn_t[nr_extents]: IN GPFNs / OUT MFNs */
    uint64_t nr_extents;
    uint32_t extent_order;      /* each extent is 2^order pages */
    uint32_t mem_flags;         /* XENMEMF_* */
    uint16_t domid;             /* DOMID_SELF for unprivileged callers */
    uint16_t pad[3];
};
_Static_assert(offsetof(struct xen_memory_reservation, extent_order) == 16, "reservation");
_Static_assert(offsetof(struct xen_memory_reservation, domid) == 24, "reservation.domid");
_Static_assert(sizeof(struct xen_memory_reservation) == 32, "xen_memory_reservation size");

/* XENMEM_exchange argument (memory.h): 72 bytes; nr_exchanged must be 0 on entry. */
struct xen_memory_exchange {
    struct xen_memory_reservation in;
    struct xen_memory_reservation out;
    uint64_t nr_exchanged;      /* OUT */
};
_Static_assert(sizeof(struct xen_memory_exchange) == 72, "xen_memory_exchange size");

/* XENMEM_machphys_mapping result (memory.h): 24 bytes. */
struct xen_machphys_mapping {
    uint64_t v_start, v_end;    /* where the M2P is mapped */
    uint64_t max_mfn;           /* highest MFN it can translate */
};
_Static_assert(sizeof(struct xen_machphys_mapping) == 24, "xen_machphys_mapping size");

/* XENMEM_memory_map / machine_memory_map argument (memory.h): 16 bytes; e820 entries. */
struct xen_memory_map {
    uint32_t nr_entries;        /* IN capacity, OUT count */
    uint32_t pad;
    uint64_t buffer;            /* guest VA of 20-byte packed e820 entries */
};
_Static_assert(sizeof(struct xen_memory_map) == 16, "xen_memory_map size");

/* PHYSDEVOP_set_iopl argument (physdev.h). */
struct physdev_set_iopl {
    uint32_t iopl;              /* 0-3 */
};
#endif /* !__ASSEMBLY__ */

#endif /* TESTS_GUESTS_ABI_LOCAL_H */
