/*
 * hypercall_args: valid and hostile arguments to the hypercalls a PV kernel makes early
 * (set_trap_table, set_callbacks, callback_op, stack_switch, set_segment_base, vm_assist,
 * sched_op, multicall, xen_version, unknown numbers) return exactly what Xen 4.17 returns.
 */
#include "xtf.h"

const char test_title[] = "hypercall_args: hostile and valid hypercall arguments";

/* Pointers the guest does not own. */
#define UNMAPPED_VA  0xffffffffc0001000ull  /* above the initial mapping, never filled */
#define XEN_VA       0xffff830000000000ull  /* Xen's direct map */
#define NONCANON_VA  0x8000000000000000ull

extern const char xtf_trap_6[];
extern const char cb_never[];

/* A callback entry that must never run: ud2 there is an unexpected #UD, i.e. a panic. */
__asm__(".pushsection .text\n"
        "cb_never: ud2\n"
        ".popsection\n");

/* Compare one result with Xen's; print every result so that runs can be compared line by line. */
static void check(const char *what, long rc, long want)
{
    printk("%-58s %ld\n", what, rc);
    if (rc != want)
        xtf_failure("%s returned %ld, Xen returns %ld", what, rc, want);
}

static void test_set_trap_table(void)
{
    const struct trap_info ud_only[] = {
        { X86_EXC_UD, 0, FLAT_KERNEL_CS64, 0, (uint64_t)xtf_trap_6 },
        { 0, 0, 0, 0, 0 },
    };
    const struct trap_info noncanon[] = {
        { X86_EXC_UD, 0, FLAT_KERNEL_CS64, 0, NONCANON_VA },
        { 0, 0, 0, 0, 0 },
    };

    check("set_trap_table(#UD entry)", hc_set_trap_table(ud_only), 0);
    check("set_trap_table(non-canonical handler)", hc_set_trap_table(noncanon), -XEN_EINVAL);
    check("set_trap_table(unmapped table)",
          hc_set_trap_table((const struct trap_info *)UNMAPPED_VA), -XEN_EFAULT);
    check("set_trap_table(hypervisor-range table)",
          hc_set_trap_table((const struct trap_info *)XEN_VA), -XEN_EFAULT);
    check("set_trap_table(non-canonical table)",
          hc_set_trap_table((const struct trap_info *)NONCANON_VA), -XEN_EFAULT);
    check("set_trap_table(NULL) clears", hc_set_trap_table(NULL), 0);
    check("set_trap_table(library table) again", xtf_set_trap_table(), 0);

    /* The reinstalled table works. */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "ud2" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    if (!xtf_exinfo.raised || xtf_exinfo.vector != X86_EXC_UD)
        xtf_failure("ud2 after reinstalling the trap table: no #UD");
}

static void test_callbacks(void)
{
    uint64_t cb = (uint64_t)cb_never;
    struct callback_register reg = { .type = 0, .flags = 0, .address = cb };
    struct { uint16_t type, pad; } unreg = { CALLBACKTYPE_event, 0 };

    check("set_callbacks(valid x3)", hc_set_callbacks(cb, cb, cb), 0);
    /*
     * Xen 4.17's do_set_callbacks() ignores register_guest_callback()'s result: it always
     * returns 0, and the non-canonical address is not installed (the old one stays).
     */
    check("set_callbacks(event non-canonical)", hc_set_callbacks(NONCANON_VA, cb, cb), 0);
    check("set_callbacks(failsafe non-canonical)", hc_set_callbacks(cb, NONCANON_VA, cb), 0);
    check("set_callbacks(syscall non-canonical)", hc_set_callbacks(cb, cb, NONCANON_VA), 0);

    reg.type = CALLBACKTYPE_event;
    check("callback_op(register, event)", hc_callback_op(CALLBACKOP_register, &reg), 0);
    reg.type = CALLBACKTYPE_failsafe;
    reg.flags = CALLBACKF_mask_events;
    check("callback_op(register, failsafe, mask_events)",
          hc_callback_op(CALLBACKOP_register, &reg), 0);
    reg.type = CALLBACKTYPE_syscall;
    check("callback_op(register, syscall, mask_events)",
          hc_callback_op(CALLBACKOP_register, &reg), 0);
    reg.flags = 0;
    check("callback_op(register, syscall)", hc_callback_op(CALLBACKOP_register, &reg), 0);
    reg.type = 99;
    check("callback_op(register, type 99)", hc_callback_op(CALLBACKOP_register, &reg),
          -XEN_ENOSYS);
    reg.type = CALLBACKTYPE_syscall;
    reg.address = NONCANON_VA;
    check("callback_op(register, syscall, non-canonical)",
          hc_callback_op(CALLBACKOP_register, &reg), -XEN_EINVAL);
    check("callback_op(register, unmapped arg)",
          hc_callback_op(CALLBACKOP_register, (void *)UNMAPPED_VA), -XEN_EFAULT);
    check("callback_op(register, hypervisor-range arg)",
          hc_callback_op(CALLBACKOP_register, (void *)XEN_VA), -XEN_EFAULT);
    check("callback_op(cmd 7)", hc_callback_op(7, &reg), -XEN_ENOSYS);
    check("callback_op(unregister, event)", hc_callback_op(CALLBACKOP_unregister, &unreg),
          -XEN_EINVAL);
    unreg.type = 99;
    check("callback_op(unregister, type 99)", hc_callback_op(CALLBACKOP_unregister, &unreg),
          -XEN_ENOSYS);
}

static char kstack[4096] __attribute__((aligned(16)));

static void test_stack_switch_segbase(void)
{
    uint64_t top = (uint64_t)kstack + sizeof(kstack);

    check("stack_switch(FLAT_KERNEL_SS, valid)", hc_stack_switch(FLAT_KERNEL_SS64, top), 0);
    /* Xen does not check the stack pointer; a bad one crashes the guest at the next bounce. */
    check("stack_switch(FLAT_KERNEL_SS, non-canonical)",
          hc_stack_switch(FLAT_KERNEL_SS64, NONCANON_VA), 0);
    check("stack_switch(FLAT_KERNEL_SS, valid) again", hc_stack_switch(FLAT_KERNEL_SS64, top), 0);

    check("set_segment_base(FS, 0x1000)", hc_set_segment_base(SEGBASE_FS, 0x1000), 0);
    check("set_segment_base(FS, 0)", hc_set_segment_base(SEGBASE_FS, 0), 0);
    check("set_segment_base(GS_USER, 0x2000)", hc_set_segment_base(SEGBASE_GS_USER, 0x2000), 0);
    check("set_segment_base(GS_USER, 0)", hc_set_segment_base(SEGBASE_GS_USER, 0), 0);
    check("set_segment_base(GS_KERNEL, 0x3000)",
          hc_set_segment_base(SEGBASE_GS_KERNEL, 0x3000), 0);
    check("set_segment_base(GS_KERNEL, 0)", hc_set_segment_base(SEGBASE_GS_KERNEL, 0), 0);
    check("set_segment_base(GS_USER_SEL, 0)", hc_set_segment_base(SEGBASE_GS_USER_SEL, 0), 0);
    /* A selector past the GDT: Xen loads NUL instead and still returns 0 (Linux BUG()s). */
    check("set_segment_base(GS_USER_SEL, 0x1238)",
          hc_set_segment_base(SEGBASE_GS_USER_SEL, 0x1238), 0);
    check("set_segment_base(FS, non-canonical)", hc_set_segment_base(SEGBASE_FS, NONCANON_VA),
          -XEN_EINVAL);
    check("set_segment_base(GS_USER, non-canonical)",
          hc_set_segment_base(SEGBASE_GS_USER, NONCANON_VA), -XEN_EINVAL);
    check("set_segment_base(GS_KERNEL, non-canonical)",
          hc_set_segment_base(SEGBASE_GS_KERNEL, NONCANON_VA), -XEN_EINVAL);
    check("set_segment_base(which 4)", hc_set_segment_base(4, 0), -XEN_EINVAL);
    check("set_segment_base(which 99)", hc_set_segment_base(99, 0), -XEN_EINVAL);
}

static void test_vm_assist(void)
{
    check("vm_assist(disable, writable_pagetables)",
          hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables), 0);
    check("vm_assist(enable, writable_pagetables)",
          hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables), 0);
    check("vm_assist(cmd 7, writable_pagetables)",
          hc_vm_assist(7, VMASST_TYPE_writable_pagetables), -XEN_ENOSYS);
    check("vm_assist(enable, type 31)", hc_vm_assist(VMASST_CMD_enable, 31), -XEN_EINVAL);
    check("vm_assist(enable, type 64)", hc_vm_assist(VMASST_CMD_enable, 64), -XEN_EINVAL);
    check("vm_assist(cmd 7, type 31)", hc_vm_assist(7, 31), -XEN_EINVAL);
}

static void test_sched_op(void)
{
    check("sched_op(cmd 99)", hc_sched_op(99, NULL), -XEN_ENOSYS);
    check("sched_op(shutdown, NULL)", hc_sched_op(SCHEDOP_shutdown, NULL), -XEN_EFAULT);
    check("sched_op(shutdown, unmapped)", hc_sched_op(SCHEDOP_shutdown, (void *)UNMAPPED_VA),
          -XEN_EFAULT);
    check("sched_op(shutdown, hypervisor-range)",
          hc_sched_op(SCHEDOP_shutdown, (void *)XEN_VA), -XEN_EFAULT);
    check("sched_op(yield)", hc_sched_op(SCHEDOP_yield, NULL), 0);
}

static const char mc_line1[] = "multicall: entry 0 (console_io)\n";
static const char mc_line2[] = "multicall: entry 1 (console_io)\n";

static void mc_entry(struct multicall_entry *e, uint64_t op, uint64_t a0, uint64_t a1,
                     uint64_t a2)
{
    memset(e, 0, sizeof(*e));
    e->op = op;
    e->result = 0xdeadbeefull;
    e->args[0] = a0;
    e->args[1] = a1;
    e->args[2] = a2;
}

static void test_multicall(void)
{
    struct multicall_entry mc[3], inner[1];
    long version = hc_xen_version(XENVER_version, NULL);
    long rc;

    mc_entry(&mc[0], XEN_HC_console_io, CONSOLEIO_write, sizeof(mc_line1) - 1,
             (uint64_t)mc_line1);
    mc_entry(&mc[1], XEN_HC_console_io, CONSOLEIO_write, sizeof(mc_line2) - 1,
             (uint64_t)mc_line2);
    mc_entry(&mc[2], XEN_HC_xen_version, XENVER_version, 0, 0);
    rc = hc_multicall(mc, 3);
    check("multicall(console_io, console_io, xen_version)", rc, 0);
    check("  entry 0 result", (long)mc[0].result, 0);
    check("  entry 1 result", (long)mc[1].result, 0);
    check("  entry 2 result (= xen_version(version))", (long)mc[2].result, version);

    check("multicall(nr 0)", hc_multicall(mc, 0), 0);
    check("multicall(unmapped entries, 1)", hc_multicall((void *)UNMAPPED_VA, 1), -XEN_EFAULT);
    check("multicall(hypervisor-range entries, 1)", hc_multicall((void *)XEN_VA, 1),
          -XEN_EFAULT);

    /* An unknown op fails in its slot only. */
    mc_entry(&mc[0], 60, 0, 0, 0);
    mc_entry(&mc[1], XEN_HC_xen_version, XENVER_version, 0, 0);
    check("multicall(op 60, xen_version)", hc_multicall(mc, 2), 0);
    check("  entry 0 result (op 60)", (long)mc[0].result, -XEN_ENOSYS);
    check("  entry 1 result", (long)mc[1].result, version);

    /* A multicall inside a multicall: Xen refuses the inner one ("reentry is disallowed"). */
    mc_entry(&inner[0], XEN_HC_xen_version, XENVER_version, 0, 0);
    mc_entry(&mc[0], XEN_HC_multicall, (uint64_t)inner, 1, 0);
    mc_entry(&mc[1], XEN_HC_xen_version, XENVER_version, 0, 0);
    check("multicall(multicall(xen_version), xen_version)", hc_multicall(mc, 2), 0);
    check("  entry 0 result (nested multicall)", (long)mc[0].result, -XEN_EINVAL);
    check("  inner entry result (never run)", (long)inner[0].result, 0xdeadbeefl);
    check("  entry 1 result", (long)mc[1].result, version);
}

static void test_unknown_numbers(void)
{
    check("hypercall 60 (page stub)", hypercall2(60, 0, 0), -XEN_ENOSYS);
    check("hypercall 60 (bare syscall)", hypercall_raw(60, 0, 0, 0), -XEN_ENOSYS);
    check("hypercall 127 (page stub)", hypercall2(127, 0, 0), -XEN_ENOSYS);
    check("hypercall 128 (bare syscall)", hypercall_raw(128, 0, 0, 0), -XEN_ENOSYS);
    check("hypercall 1000 (bare syscall)", hypercall_raw(1000, 0, 0, 0), -XEN_ENOSYS);
    check("hypercall 2^32+17 (bare syscall)", hypercall_raw((1ull << 32) | 17, 0, 0, 0),
          -XEN_ENOSYS);
}

static void test_xen_version_pointers(void)
{
    static const struct { unsigned int cmd; const char *name; } ops[] = {
        { XENVER_extraversion, "extraversion" },
        { XENVER_compile_info, "compile_info" },
        { XENVER_capabilities, "capabilities" },
        { XENVER_changeset, "changeset" },
        { XENVER_platform_parameters, "platform_parameters" },
        { XENVER_get_features, "get_features" },
        { XENVER_guest_handle, "guest_handle" },
        { XENVER_commandline, "commandline" },
        { XENVER_build_id, "build_id" },
    };
    static const struct { uint64_t va; const char *name; } bad[] = {
        { UNMAPPED_VA, "unmapped" },
        { XEN_VA, "hypervisor-range" },
        { NONCANON_VA, "non-canonical" },
    };
    char what[80];

    for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
        for (size_t j = 0; j < ARRAY_SIZE(bad); j++) {
            snprintf(what, sizeof(what), "xen_version(%s, %s)", ops[i].name, bad[j].name);
            check(what, hc_xen_version(ops[i].cmd, (void *)bad[j].va), -XEN_EFAULT);
        }
}

void test_main(void)
{
    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    test_set_trap_table();
    test_callbacks();
    test_stack_switch_segbase();
    test_vm_assist();
    test_sched_op();
    test_multicall();
    test_unknown_numbers();
    test_xen_version_pointers();
    xtf_success();
}
