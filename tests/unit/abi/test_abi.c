/* test_abi.c - guest-abi/ against Xen's real public headers (libxen-dev): every struct's size,
 * every field's offset and size, every constant; and the hypercall helpers' register use. */
/* As the toolstack sees them: the newest interface, and the sub-ops only tools may use. */
#define __XEN_TOOLS__ 1

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Xen's headers, as a Xen guest would see them. */
#include <xen/callback.h>
#include <xen/elfnote.h>
#include <xen/features.h>
#include <xen/memory.h>
#include <xen/physdev.h>
#include <xen/sched.h>
#include <xen/version.h>
#include <xen/xen.h>

/* Ours. */
#include "hv/callback.h"
#include "hv/console_io.h"
#include "hv/elfnote.h"
#include "hv/errno.h"
#include "hv/features.h"
#include "hv/hypercall.h"
#include "hv/memory.h"
#include "hv/mmu.h"
#include "hv/physdev.h"
#include "hv/sched.h"
#include "hv/version.h"
#include "hv/vm_assist.h"
#include "hv/xen.h"

#include "hc.h"
#include "support.h"

/* ---------------------------------------------------------------------------------------------
 * Layouts: one row per struct size and per field (offset and size), ours beside Xen's. */

struct layout_case {
    const char *what;
    size_t ours_off, xen_off;
    size_t ours_size, xen_size;
};

#define MSIZE(type, m) sizeof(((type *)0)->m)
/* A whole struct. */
#define SZ(ours, xen) { "sizeof " #ours, 0, 0, sizeof(struct ours), sizeof(struct xen) }
/* A field with the same name in both. */
#define F(ours, xen, m)                                                                   \
    { #ours "." #m, offsetof(struct ours, m), offsetof(struct xen, m),                   \
      MSIZE(struct ours, m), MSIZE(struct xen, m) }
/* A field named differently. */
#define F2(ours, mo, xen, mx)                                                             \
    { #ours "." #mo, offsetof(struct ours, mo), offsetof(struct xen, mx),                \
      MSIZE(struct ours, mo), MSIZE(struct xen, mx) }

static const struct layout_case layouts[] = {
    /* arch-x86_64.h */
    SZ(hv_trap_info, trap_info),
    F(hv_trap_info, trap_info, vector),
    F(hv_trap_info, trap_info, flags),
    F(hv_trap_info, trap_info, cs),
    F(hv_trap_info, trap_info, address),
    SZ(hv_iret_context, iret_context),
    F(hv_iret_context, iret_context, rax),
    F(hv_iret_context, iret_context, r11),
    F(hv_iret_context, iret_context, rcx),
    F(hv_iret_context, iret_context, flags),
    F(hv_iret_context, iret_context, rip),
    F(hv_iret_context, iret_context, cs),
    F(hv_iret_context, iret_context, rflags),
    F(hv_iret_context, iret_context, rsp),
    F(hv_iret_context, iret_context, ss),
    SZ(hv_cpu_user_regs, cpu_user_regs),
    F(hv_cpu_user_regs, cpu_user_regs, r15),
    F(hv_cpu_user_regs, cpu_user_regs, r14),
    F(hv_cpu_user_regs, cpu_user_regs, r13),
    F(hv_cpu_user_regs, cpu_user_regs, r12),
    F(hv_cpu_user_regs, cpu_user_regs, rbp),
    F(hv_cpu_user_regs, cpu_user_regs, rbx),
    F(hv_cpu_user_regs, cpu_user_regs, r11),
    F(hv_cpu_user_regs, cpu_user_regs, r10),
    F(hv_cpu_user_regs, cpu_user_regs, r9),
    F(hv_cpu_user_regs, cpu_user_regs, r8),
    F(hv_cpu_user_regs, cpu_user_regs, rax),
    F(hv_cpu_user_regs, cpu_user_regs, rcx),
    F(hv_cpu_user_regs, cpu_user_regs, rdx),
    F(hv_cpu_user_regs, cpu_user_regs, rsi),
    F(hv_cpu_user_regs, cpu_user_regs, rdi),
    F(hv_cpu_user_regs, cpu_user_regs, error_code),
    F(hv_cpu_user_regs, cpu_user_regs, entry_vector),
    F(hv_cpu_user_regs, cpu_user_regs, rip),
    F(hv_cpu_user_regs, cpu_user_regs, cs),
    F(hv_cpu_user_regs, cpu_user_regs, _pad0),
    F(hv_cpu_user_regs, cpu_user_regs, saved_upcall_mask),
    F(hv_cpu_user_regs, cpu_user_regs, _pad1),
    F(hv_cpu_user_regs, cpu_user_regs, rflags),
    F(hv_cpu_user_regs, cpu_user_regs, rsp),
    F(hv_cpu_user_regs, cpu_user_regs, ss),
    F(hv_cpu_user_regs, cpu_user_regs, es),
    F(hv_cpu_user_regs, cpu_user_regs, ds),
    F(hv_cpu_user_regs, cpu_user_regs, fs),
    F(hv_cpu_user_regs, cpu_user_regs, gs),
    F(hv_cpu_user_regs, cpu_user_regs, _pad6),
    SZ(hv_vcpu_guest_context, vcpu_guest_context),
    F(hv_vcpu_guest_context, vcpu_guest_context, fpu_ctxt),
    F(hv_vcpu_guest_context, vcpu_guest_context, flags),
    F(hv_vcpu_guest_context, vcpu_guest_context, user_regs),
    F(hv_vcpu_guest_context, vcpu_guest_context, trap_ctxt),
    F(hv_vcpu_guest_context, vcpu_guest_context, ldt_base),
    F(hv_vcpu_guest_context, vcpu_guest_context, ldt_ents),
    F(hv_vcpu_guest_context, vcpu_guest_context, gdt_frames),
    F(hv_vcpu_guest_context, vcpu_guest_context, gdt_ents),
    F(hv_vcpu_guest_context, vcpu_guest_context, kernel_ss),
    F(hv_vcpu_guest_context, vcpu_guest_context, kernel_sp),
    F(hv_vcpu_guest_context, vcpu_guest_context, ctrlreg),
    F(hv_vcpu_guest_context, vcpu_guest_context, debugreg),
    F(hv_vcpu_guest_context, vcpu_guest_context, event_callback_eip),
    F(hv_vcpu_guest_context, vcpu_guest_context, failsafe_callback_eip),
    F(hv_vcpu_guest_context, vcpu_guest_context, syscall_callback_eip),
    F(hv_vcpu_guest_context, vcpu_guest_context, vm_assist),
    F(hv_vcpu_guest_context, vcpu_guest_context, fs_base),
    F(hv_vcpu_guest_context, vcpu_guest_context, gs_base_kernel),
    F(hv_vcpu_guest_context, vcpu_guest_context, gs_base_user),
    SZ(hv_arch_vcpu_info, arch_vcpu_info),
    F(hv_arch_vcpu_info, arch_vcpu_info, cr2),
    F(hv_arch_vcpu_info, arch_vcpu_info, pad),
    SZ(hv_arch_shared_info, arch_shared_info),
    F(hv_arch_shared_info, arch_shared_info, max_pfn),
    F(hv_arch_shared_info, arch_shared_info, pfn_to_mfn_frame_list_list),
    F(hv_arch_shared_info, arch_shared_info, nmi_reason),
    F(hv_arch_shared_info, arch_shared_info, p2m_cr3),
    F(hv_arch_shared_info, arch_shared_info, p2m_vaddr),
    F(hv_arch_shared_info, arch_shared_info, p2m_generation),
    /* shared_info.h */
    SZ(hv_vcpu_time_info, vcpu_time_info),
    F(hv_vcpu_time_info, vcpu_time_info, version),
    F(hv_vcpu_time_info, vcpu_time_info, pad0),
    F(hv_vcpu_time_info, vcpu_time_info, tsc_timestamp),
    F(hv_vcpu_time_info, vcpu_time_info, system_time),
    F(hv_vcpu_time_info, vcpu_time_info, tsc_to_system_mul),
    F(hv_vcpu_time_info, vcpu_time_info, tsc_shift),
    F(hv_vcpu_time_info, vcpu_time_info, flags),
    F(hv_vcpu_time_info, vcpu_time_info, pad1),
    SZ(hv_vcpu_info, vcpu_info),
    F(hv_vcpu_info, vcpu_info, evtchn_upcall_pending),
    F(hv_vcpu_info, vcpu_info, evtchn_upcall_mask),
    F(hv_vcpu_info, vcpu_info, evtchn_pending_sel),
    F(hv_vcpu_info, vcpu_info, arch),
    F(hv_vcpu_info, vcpu_info, arch.cr2),
    F(hv_vcpu_info, vcpu_info, time),
    F(hv_vcpu_info, vcpu_info, time.system_time),
    SZ(hv_shared_info, shared_info),
    F(hv_shared_info, shared_info, vcpu_info),
    F(hv_shared_info, shared_info, vcpu_info[31]),
    F(hv_shared_info, shared_info, evtchn_pending),
    F(hv_shared_info, shared_info, evtchn_mask),
    F(hv_shared_info, shared_info, wc_version),
    F(hv_shared_info, shared_info, wc_sec),
    F(hv_shared_info, shared_info, wc_nsec),
    F(hv_shared_info, shared_info, wc_sec_hi),
    F(hv_shared_info, shared_info, arch),
    F(hv_shared_info, shared_info, arch.p2m_generation),
    /* start_info.h */
    SZ(hv_start_info, start_info),
    F(hv_start_info, start_info, magic),
    F(hv_start_info, start_info, nr_pages),
    F(hv_start_info, start_info, shared_info),
    F(hv_start_info, start_info, flags),
    F(hv_start_info, start_info, store_mfn),
    F(hv_start_info, start_info, store_evtchn),
    F(hv_start_info, start_info, console),
    F(hv_start_info, start_info, console.domU.mfn),
    F(hv_start_info, start_info, console.domU.evtchn),
    F(hv_start_info, start_info, console.dom0.info_off),
    F(hv_start_info, start_info, console.dom0.info_size),
    F(hv_start_info, start_info, pt_base),
    F(hv_start_info, start_info, nr_pt_frames),
    F(hv_start_info, start_info, mfn_list),
    F(hv_start_info, start_info, mod_start),
    F(hv_start_info, start_info, mod_len),
    F(hv_start_info, start_info, cmd_line),
    F(hv_start_info, start_info, first_p2m_pfn),
    F(hv_start_info, start_info, nr_p2m_frames),
    SZ(hv_multiboot_mod_list, xen_multiboot_mod_list),
    F(hv_multiboot_mod_list, xen_multiboot_mod_list, mod_start),
    F(hv_multiboot_mod_list, xen_multiboot_mod_list, mod_end),
    F(hv_multiboot_mod_list, xen_multiboot_mod_list, cmdline),
    F(hv_multiboot_mod_list, xen_multiboot_mod_list, pad),
    /* sched.h */
    SZ(hv_sched_shutdown, sched_shutdown),
    F(hv_sched_shutdown, sched_shutdown, reason),
    SZ(hv_sched_poll, sched_poll),
    F(hv_sched_poll, sched_poll, ports),
    F(hv_sched_poll, sched_poll, nr_ports),
    F(hv_sched_poll, sched_poll, timeout),
    SZ(hv_sched_remote_shutdown, sched_remote_shutdown),
    F(hv_sched_remote_shutdown, sched_remote_shutdown, domain_id),
    F(hv_sched_remote_shutdown, sched_remote_shutdown, reason),
    SZ(hv_sched_watchdog, sched_watchdog),
    F(hv_sched_watchdog, sched_watchdog, id),
    F(hv_sched_watchdog, sched_watchdog, timeout),
    SZ(hv_sched_pin_override, sched_pin_override),
    F(hv_sched_pin_override, sched_pin_override, pcpu),
    /* version.h */
    SZ(hv_compile_info, xen_compile_info),
    F(hv_compile_info, xen_compile_info, compiler),
    F(hv_compile_info, xen_compile_info, compile_by),
    F(hv_compile_info, xen_compile_info, compile_domain),
    F(hv_compile_info, xen_compile_info, compile_date),
    SZ(hv_platform_parameters, xen_platform_parameters),
    F(hv_platform_parameters, xen_platform_parameters, virt_start),
    SZ(hv_feature_info, xen_feature_info),
    F(hv_feature_info, xen_feature_info, submap_idx),
    F(hv_feature_info, xen_feature_info, submap),
    SZ(hv_varbuf, xen_build_id),
    F(hv_varbuf, xen_build_id, len),
    /* callback.h */
    SZ(hv_callback_register, callback_register),
    F(hv_callback_register, callback_register, type),
    F(hv_callback_register, callback_register, flags),
    F(hv_callback_register, callback_register, address),
    SZ(hv_callback_unregister, callback_unregister),
    F(hv_callback_unregister, callback_unregister, type),
    F(hv_callback_unregister, callback_unregister, _unused),
    /* physdev.h */
    SZ(hv_physdev_set_iopl, physdev_set_iopl),
    F(hv_physdev_set_iopl, physdev_set_iopl, iopl),
    SZ(hv_physdev_set_iobitmap, physdev_set_iobitmap),
    F(hv_physdev_set_iobitmap, physdev_set_iobitmap, bitmap),
    F(hv_physdev_set_iobitmap, physdev_set_iobitmap, nr_ports),
    SZ(hv_physdev_pirq_eoi_gmfn, physdev_pirq_eoi_gmfn),
    F(hv_physdev_pirq_eoi_gmfn, physdev_pirq_eoi_gmfn, gmfn),
    /* mmu.h */
    SZ(hv_mmu_update, mmu_update),
    F(hv_mmu_update, mmu_update, ptr),
    F(hv_mmu_update, mmu_update, val),
    SZ(hv_mmuext_op, mmuext_op),
    F(hv_mmuext_op, mmuext_op, cmd),
    F(hv_mmuext_op, mmuext_op, arg1),
    F(hv_mmuext_op, mmuext_op, arg1.mfn),
    F(hv_mmuext_op, mmuext_op, arg1.linear_addr),
    F(hv_mmuext_op, mmuext_op, arg2),
    F(hv_mmuext_op, mmuext_op, arg2.nr_ents),
    F(hv_mmuext_op, mmuext_op, arg2.vcpumask),
    F(hv_mmuext_op, mmuext_op, arg2.src_mfn),
};

START_TEST(test_layout)
{
    const struct layout_case *c = &layouts[_i];

    ck_assert_msg(c->ours_off == c->xen_off, "%s: offset %zu, Xen %zu", c->what, c->ours_off,
                  c->xen_off);
    ck_assert_msg(c->ours_size == c->xen_size, "%s: size %zu, Xen %zu", c->what, c->ours_size,
                  c->xen_size);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Constants: ours beside Xen's. */

struct const_case {
    const char *what;
    uint64_t ours, xen;
};

#define C(ours, xen) { #ours, (uint64_t)(ours), (uint64_t)(xen) }

static const struct const_case constants[] = {
    /* hypercall.h */
    C(HV_HYPERCALL_set_trap_table, __HYPERVISOR_set_trap_table),
    C(HV_HYPERCALL_mmu_update, __HYPERVISOR_mmu_update),
    C(HV_HYPERCALL_set_gdt, __HYPERVISOR_set_gdt),
    C(HV_HYPERCALL_stack_switch, __HYPERVISOR_stack_switch),
    C(HV_HYPERCALL_set_callbacks, __HYPERVISOR_set_callbacks),
    C(HV_HYPERCALL_fpu_taskswitch, __HYPERVISOR_fpu_taskswitch),
    C(HV_HYPERCALL_sched_op_compat, __HYPERVISOR_sched_op_compat),
    C(HV_HYPERCALL_platform_op, __HYPERVISOR_platform_op),
    C(HV_HYPERCALL_set_debugreg, __HYPERVISOR_set_debugreg),
    C(HV_HYPERCALL_get_debugreg, __HYPERVISOR_get_debugreg),
    C(HV_HYPERCALL_update_descriptor, __HYPERVISOR_update_descriptor),
    C(HV_HYPERCALL_memory_op, __HYPERVISOR_memory_op),
    C(HV_HYPERCALL_multicall, __HYPERVISOR_multicall),
    C(HV_HYPERCALL_update_va_mapping, __HYPERVISOR_update_va_mapping),
    C(HV_HYPERCALL_set_timer_op, __HYPERVISOR_set_timer_op),
    C(HV_HYPERCALL_event_channel_op_compat, __HYPERVISOR_event_channel_op_compat),
    C(HV_HYPERCALL_xen_version, __HYPERVISOR_xen_version),
    C(HV_HYPERCALL_console_io, __HYPERVISOR_console_io),
    C(HV_HYPERCALL_physdev_op_compat, __HYPERVISOR_physdev_op_compat),
    C(HV_HYPERCALL_grant_table_op, __HYPERVISOR_grant_table_op),
    C(HV_HYPERCALL_vm_assist, __HYPERVISOR_vm_assist),
    C(HV_HYPERCALL_update_va_mapping_otherdomain, __HYPERVISOR_update_va_mapping_otherdomain),
    C(HV_HYPERCALL_iret, __HYPERVISOR_iret),
    C(HV_HYPERCALL_vcpu_op, __HYPERVISOR_vcpu_op),
    C(HV_HYPERCALL_set_segment_base, __HYPERVISOR_set_segment_base),
    C(HV_HYPERCALL_mmuext_op, __HYPERVISOR_mmuext_op),
    C(HV_HYPERCALL_xsm_op, __HYPERVISOR_xsm_op),
    C(HV_HYPERCALL_nmi_op, __HYPERVISOR_nmi_op),
    C(HV_HYPERCALL_sched_op, __HYPERVISOR_sched_op),
    C(HV_HYPERCALL_callback_op, __HYPERVISOR_callback_op),
    C(HV_HYPERCALL_xenoprof_op, __HYPERVISOR_xenoprof_op),
    C(HV_HYPERCALL_event_channel_op, __HYPERVISOR_event_channel_op),
    C(HV_HYPERCALL_physdev_op, __HYPERVISOR_physdev_op),
    C(HV_HYPERCALL_hvm_op, __HYPERVISOR_hvm_op),
    C(HV_HYPERCALL_sysctl, __HYPERVISOR_sysctl),
    C(HV_HYPERCALL_domctl, __HYPERVISOR_domctl),
    C(HV_HYPERCALL_kexec_op, __HYPERVISOR_kexec_op),
    C(HV_HYPERCALL_tmem_op, __HYPERVISOR_tmem_op),
    C(HV_HYPERCALL_argo_op, __HYPERVISOR_argo_op),
    C(HV_HYPERCALL_xenpmu_op, __HYPERVISOR_xenpmu_op),
    C(HV_HYPERCALL_dm_op, __HYPERVISOR_dm_op),
    C(HV_HYPERCALL_hypfs_op, __HYPERVISOR_hypfs_op),
    C(HV_HYPERCALL_arch_0, __HYPERVISOR_arch_0),
    C(HV_HYPERCALL_arch_1, __HYPERVISOR_arch_1),
    C(HV_HYPERCALL_arch_2, __HYPERVISOR_arch_2),
    C(HV_HYPERCALL_arch_3, __HYPERVISOR_arch_3),
    C(HV_HYPERCALL_arch_4, __HYPERVISOR_arch_4),
    C(HV_HYPERCALL_arch_5, __HYPERVISOR_arch_5),
    C(HV_HYPERCALL_arch_6, __HYPERVISOR_arch_6),
    C(HV_HYPERCALL_arch_7, __HYPERVISOR_arch_7),
    /* xen.h */
    C(HV_DOMID_FIRST_RESERVED, DOMID_FIRST_RESERVED),
    C(HV_DOMID_SELF, DOMID_SELF),
    C(HV_DOMID_IO, DOMID_IO),
    C(HV_DOMID_XEN, DOMID_XEN),
    C(HV_DOMID_COW, DOMID_COW),
    C(HV_DOMID_INVALID, DOMID_INVALID),
    C(HV_DOMID_IDLE, DOMID_IDLE),
    C(HV_DOMID_MASK, DOMID_MASK),
    C(sizeof(hv_domid_t), sizeof(domid_t)),
    C(sizeof(hv_pfn_t), sizeof(xen_pfn_t)),
    C(sizeof(hv_guest_addr_t), sizeof(XEN_GUEST_HANDLE(void))),
    C(HV_VIRQ_TIMER, VIRQ_TIMER),
    C(HV_VIRQ_DEBUG, VIRQ_DEBUG),
    C(HV_VIRQ_CONSOLE, VIRQ_CONSOLE),
    C(HV_VIRQ_DOM_EXC, VIRQ_DOM_EXC),
    C(HV_VIRQ_TBUF, VIRQ_TBUF),
    C(HV_VIRQ_DEBUGGER, VIRQ_DEBUGGER),
    C(HV_VIRQ_XENOPROF, VIRQ_XENOPROF),
    C(HV_VIRQ_CON_RING, VIRQ_CON_RING),
    C(HV_VIRQ_PCPU_STATE, VIRQ_PCPU_STATE),
    C(HV_VIRQ_MEM_EVENT, VIRQ_MEM_EVENT),
    C(HV_VIRQ_ARGO, VIRQ_ARGO),
    C(HV_VIRQ_ENOMEM, VIRQ_ENOMEM),
    C(HV_VIRQ_XENPMU, VIRQ_XENPMU),
    C(HV_VIRQ_ARCH_0, VIRQ_ARCH_0),
    C(HV_VIRQ_ARCH_1, VIRQ_ARCH_1),
    C(HV_VIRQ_ARCH_2, VIRQ_ARCH_2),
    C(HV_VIRQ_ARCH_3, VIRQ_ARCH_3),
    C(HV_VIRQ_ARCH_4, VIRQ_ARCH_4),
    C(HV_VIRQ_ARCH_5, VIRQ_ARCH_5),
    C(HV_VIRQ_ARCH_6, VIRQ_ARCH_6),
    C(HV_VIRQ_ARCH_7, VIRQ_ARCH_7),
    C(HV_NR_VIRQS, NR_VIRQS),
    /* shared_info.h, start_info.h */
    C(HV_PVCLOCK_TSC_STABLE_BIT, XEN_PVCLOCK_TSC_STABLE_BIT),
    C(HV_PVCLOCK_GUEST_STOPPED, XEN_PVCLOCK_GUEST_STOPPED),
    C(HV_EVTCHN_2L_NR_CHANNELS, sizeof(xen_ulong_t) * sizeof(xen_ulong_t) * 64),
    C(HV_SIF_PRIVILEGED, SIF_PRIVILEGED),
    C(HV_SIF_INITDOMAIN, SIF_INITDOMAIN),
    C(HV_SIF_MULTIBOOT_MOD, SIF_MULTIBOOT_MOD),
    C(HV_SIF_MOD_START_PFN, SIF_MOD_START_PFN),
    C(HV_SIF_VIRT_P2M_4TOOLS, SIF_VIRT_P2M_4TOOLS),
    C(HV_SIF_PM_MASK, SIF_PM_MASK),
    C(HV_MAX_GUEST_CMDLINE, MAX_GUEST_CMDLINE),
    /* arch-x86_64.h */
    C(HV_FLAT_RING3_CS32, FLAT_RING3_CS32),
    C(HV_FLAT_RING3_CS64, FLAT_RING3_CS64),
    C(HV_FLAT_RING3_DS32, FLAT_RING3_DS32),
    C(HV_FLAT_RING3_DS64, FLAT_RING3_DS64),
    C(HV_FLAT_RING3_SS32, FLAT_RING3_SS32),
    C(HV_FLAT_RING3_SS64, FLAT_RING3_SS64),
    C(HV_FLAT_KERNEL_DS64, FLAT_KERNEL_DS64),
    C(HV_FLAT_KERNEL_DS32, FLAT_KERNEL_DS32),
    C(HV_FLAT_KERNEL_DS, FLAT_KERNEL_DS),
    C(HV_FLAT_KERNEL_CS64, FLAT_KERNEL_CS64),
    C(HV_FLAT_KERNEL_CS32, FLAT_KERNEL_CS32),
    C(HV_FLAT_KERNEL_CS, FLAT_KERNEL_CS),
    C(HV_FLAT_KERNEL_SS64, FLAT_KERNEL_SS64),
    C(HV_FLAT_KERNEL_SS32, FLAT_KERNEL_SS32),
    C(HV_FLAT_KERNEL_SS, FLAT_KERNEL_SS),
    C(HV_FLAT_USER_DS64, FLAT_USER_DS64),
    C(HV_FLAT_USER_DS32, FLAT_USER_DS32),
    C(HV_FLAT_USER_DS, FLAT_USER_DS),
    C(HV_FLAT_USER_CS64, FLAT_USER_CS64),
    C(HV_FLAT_USER_CS32, FLAT_USER_CS32),
    C(HV_FLAT_USER_CS, FLAT_USER_CS),
    C(HV_FLAT_USER_SS64, FLAT_USER_SS64),
    C(HV_FLAT_USER_SS32, FLAT_USER_SS32),
    C(HV_FLAT_USER_SS, FLAT_USER_SS),
    C(HV_FIRST_RESERVED_GDT_PAGE, FIRST_RESERVED_GDT_PAGE),
    C(HV_FIRST_RESERVED_GDT_BYTE, FIRST_RESERVED_GDT_BYTE),
    C(HV_FIRST_RESERVED_GDT_ENTRY, FIRST_RESERVED_GDT_ENTRY),
    C(HV_VIRT_START, HYPERVISOR_VIRT_START),
    C(HV_VIRT_END, HYPERVISOR_VIRT_END),
    C(HV_MACH2PHYS_VIRT_START, MACH2PHYS_VIRT_START),
    C(HV_MACH2PHYS_VIRT_END, MACH2PHYS_VIRT_END),
    C(HV_MACH2PHYS_NR_ENTRIES, MACH2PHYS_NR_ENTRIES),
    C(HV_LEGACY_MAX_VCPUS, XEN_LEGACY_MAX_VCPUS),
    C(hv_pfn_to_cr3(0x12345), xen_pfn_to_cr3(0x12345)),
    C(hv_cr3_to_pfn(0x12345000), xen_cr3_to_pfn(0x12345000)),
    C(HV_SEGBASE_FS, SEGBASE_FS),
    C(HV_SEGBASE_GS_USER, SEGBASE_GS_USER),
    C(HV_SEGBASE_GS_KERNEL, SEGBASE_GS_KERNEL),
    C(HV_SEGBASE_GS_USER_SEL, SEGBASE_GS_USER_SEL),
    C(HV_VGCF_i387_valid, VGCF_i387_valid),
    C(HV_VGCF_in_kernel, VGCF_in_kernel),
    C(HV_VGCF_failsafe_disables_events, VGCF_failsafe_disables_events),
    C(HV_VGCF_syscall_disables_events, VGCF_syscall_disables_events),
    C(HV_VGCF_online, VGCF_online),
    C(HV_VGCF_in_syscall, VGCF_in_syscall),
    C(HV_VGCF_I387_VALID, VGCF_I387_VALID),
    C(HV_VGCF_IN_KERNEL, VGCF_IN_KERNEL),
    C(HV_VGCF_IN_SYSCALL, VGCF_IN_SYSCALL),
    C(HV_NR_TRAP_CTXT, sizeof(((struct vcpu_guest_context *)0)->trap_ctxt) /
                           sizeof(struct trap_info)),
    C(HV_EMULATE_PREFIX_LEN, 5),
    /* sched.h */
    C(HV_SCHEDOP_yield, SCHEDOP_yield),
    C(HV_SCHEDOP_block, SCHEDOP_block),
    C(HV_SCHEDOP_shutdown, SCHEDOP_shutdown),
    C(HV_SCHEDOP_poll, SCHEDOP_poll),
    C(HV_SCHEDOP_remote_shutdown, SCHEDOP_remote_shutdown),
    C(HV_SCHEDOP_shutdown_code, SCHEDOP_shutdown_code),
    C(HV_SCHEDOP_watchdog, SCHEDOP_watchdog),
    C(HV_SCHEDOP_pin_override, SCHEDOP_pin_override),
    C(HV_SHUTDOWN_poweroff, SHUTDOWN_poweroff),
    C(HV_SHUTDOWN_reboot, SHUTDOWN_reboot),
    C(HV_SHUTDOWN_suspend, SHUTDOWN_suspend),
    C(HV_SHUTDOWN_crash, SHUTDOWN_crash),
    C(HV_SHUTDOWN_watchdog, SHUTDOWN_watchdog),
    C(HV_SHUTDOWN_soft_reset, SHUTDOWN_soft_reset),
    C(HV_SHUTDOWN_MAX, SHUTDOWN_MAX),
    /* version.h, features.h */
    C(HV_VER_version, XENVER_version),
    C(HV_VER_extraversion, XENVER_extraversion),
    C(HV_VER_compile_info, XENVER_compile_info),
    C(HV_VER_capabilities, XENVER_capabilities),
    C(HV_VER_changeset, XENVER_changeset),
    C(HV_VER_platform_parameters, XENVER_platform_parameters),
    C(HV_VER_get_features, XENVER_get_features),
    C(HV_VER_pagesize, XENVER_pagesize),
    C(HV_VER_guest_handle, XENVER_guest_handle),
    C(HV_VER_commandline, XENVER_commandline),
    C(HV_VER_build_id, XENVER_build_id),
    C(HV_VER_EXTRAVERSION_LEN, XEN_EXTRAVERSION_LEN),
    C(HV_VER_CAPABILITIES_LEN, XEN_CAPABILITIES_INFO_LEN),
    C(HV_VER_CHANGESET_LEN, XEN_CHANGESET_INFO_LEN),
    C(HV_VER_COMMANDLINE_LEN, sizeof(xen_commandline_t)),
    C(HV_VER_GUEST_HANDLE_LEN, sizeof(xen_domain_handle_t)),
    C(HV_FEAT_writable_page_tables, XENFEAT_writable_page_tables),
    C(HV_FEAT_writable_descriptor_tables, XENFEAT_writable_descriptor_tables),
    C(HV_FEAT_auto_translated_physmap, XENFEAT_auto_translated_physmap),
    C(HV_FEAT_supervisor_mode_kernel, XENFEAT_supervisor_mode_kernel),
    C(HV_FEAT_pae_pgdir_above_4gb, XENFEAT_pae_pgdir_above_4gb),
    C(HV_FEAT_mmu_pt_update_preserve_ad, XENFEAT_mmu_pt_update_preserve_ad),
    C(HV_FEAT_highmem_assist, XENFEAT_highmem_assist),
    C(HV_FEAT_gnttab_map_avail_bits, XENFEAT_gnttab_map_avail_bits),
    C(HV_FEAT_hvm_callback_vector, XENFEAT_hvm_callback_vector),
    C(HV_FEAT_hvm_safe_pvclock, XENFEAT_hvm_safe_pvclock),
    C(HV_FEAT_hvm_pirqs, XENFEAT_hvm_pirqs),
    C(HV_FEAT_dom0, XENFEAT_dom0),
    C(HV_FEAT_memory_op_vnode_supported, XENFEAT_memory_op_vnode_supported),
    C(HV_FEAT_ARM_SMCCC_supported, XENFEAT_ARM_SMCCC_supported),
    C(HV_FEAT_linux_rsdp_unrestricted, XENFEAT_linux_rsdp_unrestricted),
    C(HV_FEAT_not_direct_mapped, XENFEAT_not_direct_mapped),
    C(HV_FEAT_direct_mapped, XENFEAT_direct_mapped),
    C(HV_FEAT_NR_SUBMAPS, XENFEAT_NR_SUBMAPS),
    /* elfnote.h */
    C(HV_ELFNOTE_INFO, XEN_ELFNOTE_INFO),
    C(HV_ELFNOTE_ENTRY, XEN_ELFNOTE_ENTRY),
    C(HV_ELFNOTE_HYPERCALL_PAGE, XEN_ELFNOTE_HYPERCALL_PAGE),
    C(HV_ELFNOTE_VIRT_BASE, XEN_ELFNOTE_VIRT_BASE),
    C(HV_ELFNOTE_PADDR_OFFSET, XEN_ELFNOTE_PADDR_OFFSET),
    C(HV_ELFNOTE_XEN_VERSION, XEN_ELFNOTE_XEN_VERSION),
    C(HV_ELFNOTE_GUEST_OS, XEN_ELFNOTE_GUEST_OS),
    C(HV_ELFNOTE_GUEST_VERSION, XEN_ELFNOTE_GUEST_VERSION),
    C(HV_ELFNOTE_LOADER, XEN_ELFNOTE_LOADER),
    C(HV_ELFNOTE_PAE_MODE, XEN_ELFNOTE_PAE_MODE),
    C(HV_ELFNOTE_FEATURES, XEN_ELFNOTE_FEATURES),
    C(HV_ELFNOTE_BSD_SYMTAB, XEN_ELFNOTE_BSD_SYMTAB),
    C(HV_ELFNOTE_HV_START_LOW, XEN_ELFNOTE_HV_START_LOW),
    C(HV_ELFNOTE_L1_MFN_VALID, XEN_ELFNOTE_L1_MFN_VALID),
    C(HV_ELFNOTE_SUSPEND_CANCEL, XEN_ELFNOTE_SUSPEND_CANCEL),
    C(HV_ELFNOTE_INIT_P2M, XEN_ELFNOTE_INIT_P2M),
    C(HV_ELFNOTE_MOD_START_PFN, XEN_ELFNOTE_MOD_START_PFN),
    C(HV_ELFNOTE_SUPPORTED_FEATURES, XEN_ELFNOTE_SUPPORTED_FEATURES),
    C(HV_ELFNOTE_PHYS32_ENTRY, XEN_ELFNOTE_PHYS32_ENTRY),
    C(HV_ELFNOTE_CRASH_INFO, XEN_ELFNOTE_CRASH_INFO),
    C(HV_ELFNOTE_CRASH_REGS, XEN_ELFNOTE_CRASH_REGS),
    C(HV_ELFNOTE_DUMPCORE_NONE, XEN_ELFNOTE_DUMPCORE_NONE),
    C(HV_ELFNOTE_DUMPCORE_HEADER, XEN_ELFNOTE_DUMPCORE_HEADER),
    C(HV_ELFNOTE_DUMPCORE_XEN_VERSION, XEN_ELFNOTE_DUMPCORE_XEN_VERSION),
    C(HV_ELFNOTE_DUMPCORE_FORMAT_VERSION, XEN_ELFNOTE_DUMPCORE_FORMAT_VERSION),
    /* callback.h */
    C(HV_CALLBACKTYPE_event, CALLBACKTYPE_event),
    C(HV_CALLBACKTYPE_failsafe, CALLBACKTYPE_failsafe),
    C(HV_CALLBACKTYPE_syscall, CALLBACKTYPE_syscall),
    C(HV_CALLBACKTYPE_sysenter_deprecated, CALLBACKTYPE_sysenter_deprecated),
    C(HV_CALLBACKTYPE_nmi, CALLBACKTYPE_nmi),
    C(HV_CALLBACKTYPE_sysenter, CALLBACKTYPE_sysenter),
    C(HV_CALLBACKTYPE_syscall32, CALLBACKTYPE_syscall32),
    C(HV_CALLBACKF_mask_events, CALLBACKF_mask_events),
    C(HV_CALLBACKOP_register, CALLBACKOP_register),
    C(HV_CALLBACKOP_unregister, CALLBACKOP_unregister),
    /* console_io.h, vm_assist.h */
    C(HV_CONSOLEIO_write, CONSOLEIO_write),
    C(HV_CONSOLEIO_read, CONSOLEIO_read),
    C(HV_VMASST_CMD_enable, VMASST_CMD_enable),
    C(HV_VMASST_CMD_disable, VMASST_CMD_disable),
    C(HV_VMASST_TYPE_4gb_segments, VMASST_TYPE_4gb_segments),
    C(HV_VMASST_TYPE_4gb_segments_notify, VMASST_TYPE_4gb_segments_notify),
    C(HV_VMASST_TYPE_writable_pagetables, VMASST_TYPE_writable_pagetables),
    C(HV_VMASST_TYPE_pae_extended_cr3, VMASST_TYPE_pae_extended_cr3),
    C(HV_VMASST_TYPE_architectural_iopl, VMASST_TYPE_architectural_iopl),
    C(HV_VMASST_TYPE_runstate_update_flag, VMASST_TYPE_runstate_update_flag),
    C(HV_VMASST_TYPE_m2p_strict, VMASST_TYPE_m2p_strict),
    /* physdev.h */
    C(HV_PHYSDEVOP_set_iopl, PHYSDEVOP_set_iopl),
    C(HV_PHYSDEVOP_set_iobitmap, PHYSDEVOP_set_iobitmap),
    C(HV_PHYSDEVOP_pirq_eoi_gmfn_v1, PHYSDEVOP_pirq_eoi_gmfn_v1),
    C(HV_PHYSDEVOP_pirq_eoi_gmfn_v2, PHYSDEVOP_pirq_eoi_gmfn_v2),
    /* memory.h */
    C(HV_MEM_increase_reservation, XENMEM_increase_reservation),
    C(HV_MEM_decrease_reservation, XENMEM_decrease_reservation),
    C(HV_MEM_maximum_ram_page, XENMEM_maximum_ram_page),
    C(HV_MEM_current_reservation, XENMEM_current_reservation),
    C(HV_MEM_maximum_reservation, XENMEM_maximum_reservation),
    C(HV_MEM_machphys_mfn_list, XENMEM_machphys_mfn_list),
    C(HV_MEM_populate_physmap, XENMEM_populate_physmap),
    C(HV_MEM_add_to_physmap, XENMEM_add_to_physmap),
    C(HV_MEM_memory_map, XENMEM_memory_map),
    C(HV_MEM_machine_memory_map, XENMEM_machine_memory_map),
    C(HV_MEM_exchange, XENMEM_exchange),
    C(HV_MEM_machphys_mapping, XENMEM_machphys_mapping),
    C(HV_MEM_set_memory_map, XENMEM_set_memory_map),
    C(HV_MEM_maximum_gpfn, XENMEM_maximum_gpfn),
    C(HV_MEM_remove_from_physmap, XENMEM_remove_from_physmap),
    C(HV_MEM_set_pod_target, XENMEM_set_pod_target),
    C(HV_MEM_get_pod_target, XENMEM_get_pod_target),
    C(HV_MEM_get_sharing_freed_pages, XENMEM_get_sharing_freed_pages),
    C(HV_MEM_get_sharing_shared_pages, XENMEM_get_sharing_shared_pages),
    C(HV_MEM_paging_op, XENMEM_paging_op),
    C(HV_MEM_access_op, XENMEM_access_op),
    C(HV_MEM_sharing_op, XENMEM_sharing_op),
    C(HV_MEM_add_to_physmap_batch, XENMEM_add_to_physmap_batch),
    C(HV_MEM_claim_pages, XENMEM_claim_pages),
    C(HV_MEM_machphys_compat_mfn_list, XENMEM_machphys_compat_mfn_list),
    C(HV_MEM_get_vnumainfo, XENMEM_get_vnumainfo),
    C(HV_MEM_reserved_device_memory_map, XENMEM_reserved_device_memory_map),
    C(HV_MEM_acquire_resource, XENMEM_acquire_resource),
    /* mmu.h */
    C(HV_MMU_NORMAL_PT_UPDATE, MMU_NORMAL_PT_UPDATE),
    C(HV_MMU_MACHPHYS_UPDATE, MMU_MACHPHYS_UPDATE),
    C(HV_MMU_PT_UPDATE_PRESERVE_AD, MMU_PT_UPDATE_PRESERVE_AD),
    C(HV_MMU_PT_UPDATE_NO_TRANSLATE, MMU_PT_UPDATE_NO_TRANSLATE),
    C(HV_MMUEXT_PIN_L1_TABLE, MMUEXT_PIN_L1_TABLE),
    C(HV_MMUEXT_PIN_L2_TABLE, MMUEXT_PIN_L2_TABLE),
    C(HV_MMUEXT_PIN_L3_TABLE, MMUEXT_PIN_L3_TABLE),
    C(HV_MMUEXT_PIN_L4_TABLE, MMUEXT_PIN_L4_TABLE),
    C(HV_MMUEXT_UNPIN_TABLE, MMUEXT_UNPIN_TABLE),
    C(HV_MMUEXT_NEW_BASEPTR, MMUEXT_NEW_BASEPTR),
    C(HV_MMUEXT_TLB_FLUSH_LOCAL, MMUEXT_TLB_FLUSH_LOCAL),
    C(HV_MMUEXT_INVLPG_LOCAL, MMUEXT_INVLPG_LOCAL),
    C(HV_MMUEXT_TLB_FLUSH_MULTI, MMUEXT_TLB_FLUSH_MULTI),
    C(HV_MMUEXT_INVLPG_MULTI, MMUEXT_INVLPG_MULTI),
    C(HV_MMUEXT_TLB_FLUSH_ALL, MMUEXT_TLB_FLUSH_ALL),
    C(HV_MMUEXT_INVLPG_ALL, MMUEXT_INVLPG_ALL),
    C(HV_MMUEXT_FLUSH_CACHE, MMUEXT_FLUSH_CACHE),
    C(HV_MMUEXT_SET_LDT, MMUEXT_SET_LDT),
    C(HV_MMUEXT_NEW_USER_BASEPTR, MMUEXT_NEW_USER_BASEPTR),
    C(HV_MMUEXT_CLEAR_PAGE, MMUEXT_CLEAR_PAGE),
    C(HV_MMUEXT_COPY_PAGE, MMUEXT_COPY_PAGE),
    C(HV_MMUEXT_FLUSH_CACHE_GLOBAL, MMUEXT_FLUSH_CACHE_GLOBAL),
    C(HV_MMUEXT_MARK_SUPER, MMUEXT_MARK_SUPER),
    C(HV_MMUEXT_UNMARK_SUPER, MMUEXT_UNMARK_SUPER),
    C(HV_UVMF_NONE, UVMF_NONE),
    C(HV_UVMF_TLB_FLUSH, UVMF_TLB_FLUSH),
    C(HV_UVMF_INVLPG, UVMF_INVLPG),
    C(HV_UVMF_FLUSHTYPE_MASK, UVMF_FLUSHTYPE_MASK),
    C(HV_UVMF_MULTI, UVMF_MULTI),
    C(HV_UVMF_LOCAL, UVMF_LOCAL),
    C(HV_UVMF_ALL, UVMF_ALL),
    /* Errno: every value Xen lists (its own list, expanded through its X-macro). */
#define XEN_ERRNO(name, value) C(HV_##name, value),
#include <xen/errno.h>
    /*
     * Newer than the installed 4.17 headers: compared with Xen master when the installed headers
     * have them, else with the master values (xen-project/xen: elfnote.h, features.h, version.h,
     * xen.h).
     */
#ifdef XEN_ELFNOTE_PHYS32_RELOC
    C(HV_ELFNOTE_PHYS32_RELOC, XEN_ELFNOTE_PHYS32_RELOC),
    C(HV_ELFNOTE_MAX, XEN_ELFNOTE_MAX),
#else
    C(HV_ELFNOTE_PHYS32_RELOC, 19),
    C(HV_ELFNOTE_MAX, XEN_ELFNOTE_MAX + 1),
#endif
#ifdef XENFEAT_runstate_phys_area
    C(HV_FEAT_runstate_phys_area, XENFEAT_runstate_phys_area),
    C(HV_FEAT_vcpu_time_phys_area, XENFEAT_vcpu_time_phys_area),
#else
    C(HV_FEAT_runstate_phys_area, 18),
    C(HV_FEAT_vcpu_time_phys_area, 19),
#endif
#ifdef XENFEAT_dm_msix_all_writes
    C(HV_FEAT_dm_msix_all_writes, XENFEAT_dm_msix_all_writes),
#else
    C(HV_FEAT_dm_msix_all_writes, 20),
#endif
#ifdef XENVER_extraversion2
    C(HV_VER_extraversion2, XENVER_extraversion2),
    C(HV_VER_capabilities2, XENVER_capabilities2),
    C(HV_VER_changeset2, XENVER_changeset2),
    C(HV_VER_commandline2, XENVER_commandline2),
#else
    C(HV_VER_extraversion2, 11),
    C(HV_VER_capabilities2, 12),
    C(HV_VER_changeset2, 13),
    C(HV_VER_commandline2, 14),
#endif
#ifdef DOMID_ANY
    C(HV_DOMID_ANY, DOMID_ANY),
#else
    C(HV_DOMID_ANY, 0x7ff5),
#endif
    /* Facts with no constant in Xen's public headers (hypercall page: xen/arch/x86/pv/
     * hypercall.c; internal errnos: public/errno.h under __XEN__; magic: the domain builder). */
    C(HV_HYPERCALL_STUB_SIZE, 32),
    C(HV_HYPERCALL_PAGE_ENTRIES, 128),
    C(HV_HYPERCALL_STUB_OFFSET(HV_HYPERCALL_iret), 0x2e0),
    C(HV_FEAT_grant_map_identity, 12), /* commented out (deprecated) in features.h */
    C(HV_EINTR, 4),
    C(HV_ERESTART, 85),
    C(HV_FIRST_RESERVED_GDT_ENTRY + 4, HV_FLAT_RING3_CS32 >> 3),
    C(HV_FIRST_RESERVED_GDT_ENTRY + 5, HV_FLAT_RING3_DS32 >> 3),
    C(HV_FIRST_RESERVED_GDT_ENTRY + 6, HV_FLAT_RING3_CS64 >> 3),
};

START_TEST(test_constant)
{
    const struct const_case *c = &constants[_i];

    ck_assert_msg(c->ours == c->xen, "%s = %#llx, Xen %#llx", c->what,
                  (unsigned long long)c->ours, (unsigned long long)c->xen);
}
END_TEST

/* Strings: the emulation prefix, the start_info magic, the names in the FEATURES note. */
START_TEST(test_strings)
{
    static const char ours_prefix[] = HV_EMULATE_PREFIX;
    static const char xen_prefix[] = XEN_EMULATE_PREFIX;

    /* Same bytes, modulo the spaces after commas. */
    ck_assert_str_eq(ours_prefix, ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; ");
    ck_assert_str_eq(xen_prefix, ".byte 0x0f,0x0b,0x78,0x65,0x6e ; ");
    ck_assert_str_eq(HV_CPUID, ".byte 0x0f, 0x0b, 0x78, 0x65, 0x6e; cpuid");
    ck_assert_uint_eq(sizeof(HV_START_INFO_MAGIC), 15);
    ck_assert_uint_lt(sizeof(HV_START_INFO_MAGIC), MSIZE(struct start_info, magic));
    ck_assert_str_eq(HV_START_INFO_MAGIC, "xen-3.0-x86_64");
    ck_assert_str_eq(HV_ELFNOTE_NAME, "Xen");
    ck_assert_str_eq(HV_ELFNOTE_XEN_VERSION_STR, "xen-3.0");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_writable_page_tables, "writable_page_tables");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_writable_descriptor_tables, "writable_descriptor_tables");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_auto_translated_physmap, "auto_translated_physmap");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_supervisor_mode_kernel, "supervisor_mode_kernel");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_pae_pgdir_above_4gb, "pae_pgdir_above_4gb");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_hvm_callback_vector, "hvm_callback_vector");
    ck_assert_str_eq(HV_ELFNOTE_FEATNAME_dom0, "dom0");
}
END_TEST

/* The emulation prefix assembles to the bytes the hypervisor matches. */
START_TEST(test_emulate_prefix_bytes)
{
    extern const unsigned char abi_prefix_start[], abi_prefix_end[];
    static const unsigned char want[] = { 0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2 };

    ck_assert_uint_eq((size_t)(abi_prefix_end - abi_prefix_start), sizeof(want));
    ck_assert_mem_eq(abi_prefix_start, want, sizeof(want));
}
END_TEST

__asm__(".pushsection .rodata.abi_prefix, \"a\"\n"
        ".globl abi_prefix_start, abi_prefix_end\n"
        "abi_prefix_start: " HV_CPUID "\n"
        "abi_prefix_end:\n"
        ".popsection\n");

/* ---------------------------------------------------------------------------------------------
 * Hypercall helpers. */

static const uint64_t args[5] = {
    0x1111111111111111ull, 0x2222222222222222ull, 0x3333333333333333ull,
    0x4444444444444444ull, 0x5555555555555555ull,
};

/* Through the page: stub op sees the first nargs arguments, zeros after them, and returns
 * op + bias; the caller's values survive the poisoned registers. */
START_TEST(test_page_helpers)
{
    static const unsigned int ops[] = { 0, 1, 17, 23, 29, 55, 127 };
    unsigned int nargs = (unsigned int)_i;

    for (unsigned int k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
        uint64_t before = args[4] ^ ops[k];
        int64_t r;

        memset(hc_seen, 0xa5, sizeof(hc_seen));
        r = hc_page_call(nargs, ops[k], args);
        ck_assert_int_eq(r, (int64_t)ops[k] + HC_FAKE_RESULT_BIAS);
        ck_assert_uint_eq(hc_seen[5], ops[k]);
        for (unsigned int a = 0; a < 5; a++)
            ck_assert_uint_eq(hc_seen[a], a < nargs ? args[a] : 0);
        ck_assert_uint_eq(before, args[4] ^ ops[k]);
    }
}
END_TEST

/*
 * Bare syscall: on this host it reaches Linux, whose system-call registers are Xen's hypercall
 * registers, so real calls check that each argument lands where the kernel reads it.
 */
START_TEST(test_syscall_helpers)
{
    uint64_t a[5] = { 0 };
    char buf[8] = { 0 };
    int fds[2];
    FILE *f;

    ck_assert_int_eq(hc_syscall_call(0, SYS_getpid, a), getpid());

    /* rdi, rsi, rdx: write to a pipe. */
    ck_assert_int_eq(pipe(fds), 0);
    a[0] = (uint64_t)fds[1];
    a[1] = (uint64_t)(uintptr_t)"hearth";
    a[2] = 6;
    ck_assert_int_eq(hc_syscall_call(3, SYS_write, a), 6);
    ck_assert_int_eq(read(fds[0], buf, sizeof(buf)), 6);
    ck_assert_mem_eq(buf, "hearth", 6);
    close(fds[0]);
    close(fds[1]);

    /* r10: pread at an offset. */
    f = tmpfile();
    ck_assert_ptr_nonnull(f);
    ck_assert_int_ge(fputs("0123456789", f), 0);
    fflush(f);
    a[0] = (uint64_t)fileno(f);
    a[1] = (uint64_t)(uintptr_t)buf;
    a[2] = 3;
    a[3] = 6;
    ck_assert_int_eq(hc_syscall_call(4, SYS_pread64, a), 3);
    ck_assert_mem_eq(buf, "678", 3);
    fclose(f);

    /* r10 and r8: prctl(PR_GET_NO_NEW_PRIVS) wants arguments 3..5 zero, -EINVAL otherwise. */
    a[0] = PR_GET_NO_NEW_PRIVS;
    a[1] = a[2] = a[3] = a[4] = 0;
    ck_assert_int_ge(hc_syscall_call(5, SYS_prctl, a), 0);
    a[4] = 1;
    ck_assert_int_eq(hc_syscall_call(5, SYS_prctl, a), -EINVAL);
    a[4] = 0;
    a[3] = 1;
    ck_assert_int_eq(hc_syscall_call(5, SYS_prctl, a), -EINVAL);

    /* Errors come back negative, like -HV_E*. */
    a[0] = (uint64_t)-1;
    ck_assert_int_eq(hc_syscall_call(1, SYS_close, a), -EBADF);
}
END_TEST

static Suite *abi_suite(void)
{
    Suite *s = suite_create("abi");
    TCase *tc = tcase_create("abi");

    tcase_add_loop_test(tc, test_layout, 0, (int)(sizeof(layouts) / sizeof(layouts[0])));
    tcase_add_loop_test(tc, test_constant, 0, (int)(sizeof(constants) / sizeof(constants[0])));
    tcase_add_test(tc, test_strings);
    tcase_add_test(tc, test_emulate_prefix_bytes);
    tcase_add_loop_test(tc, test_page_helpers, 0, 6);
    tcase_add_test(tc, test_syscall_helpers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(abi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
