/*
 * traps: exceptions raised by the ring-3 guest kernel reach its trap table with the right
 * vector, error code, rip and (for #PF) CR2 in vcpu_info.arch.cr2, and the kernel resumes.
 */
#include "xtf.h"

const char test_title[] = "traps: #DE #DB #BP #UD #GP #PF delivery through the trap table";

/* Above the 4 MiB-aligned initial mapping and in an L3 slot Xen never filled. */
#define UNMAPPED_VA 0xffffffffc0001230ul

/* Check the last probe raised `vector` with `ec` at `rip`; name says which probe. */
static void expect(const char *name, unsigned int vector, uint64_t ec, uint64_t rip)
{
    const struct xtf_exinfo *e = &xtf_exinfo;

    if (!e->raised) {
        xtf_failure("%s: no exception, expected %s", name, xtf_vector_name(vector));
        return;
    }
    printk("%s: %s ec %#lx rip %#lx cs %#lx rflags %#lx\n", name, xtf_vector_name(e->vector),
           (unsigned long)e->error_code, (unsigned long)e->rip, (unsigned long)e->cs,
           (unsigned long)e->rflags);
    if (e->vector != vector || e->error_code != ec || e->rip != rip)
        xtf_failure("%s: got %s ec %#lx rip %#lx, expected %s ec %#lx rip %#lx", name,
                    xtf_vector_name(e->vector), (unsigned long)e->error_code,
                    (unsigned long)e->rip, xtf_vector_name(vector), (unsigned long)ec,
                    (unsigned long)rip);
    /*
     * Xen clears the RPL of the saved CS to say "interrupted guest-kernel mode", keeps the
     * saved evtchn_upcall_mask in CS bits 32-39, and sets the saved IF to its inverse.
     */
    if ((e->cs & 0xffff) != (FLAT_KERNEL_CS64 & ~3u))
        xtf_failure("%s: saved cs %#lx, expected selector %#x", name, (unsigned long)e->cs,
                    FLAT_KERNEL_CS64 & ~3u);
    if (!!(e->rflags & X86_EFLAGS_IF) == !!((e->cs >> 32) & 0xff))
        xtf_failure("%s: saved rflags %#lx and upcall mask %#lx disagree", name,
                    (unsigned long)e->rflags, (unsigned long)((e->cs >> 32) & 0xff));
}

static void test_de_ud_bp(void)
{
    uint64_t rbx = 0x1111, rcx = 0, rdx = 0, rax = 1;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "divq %%rcx" XTF_PROBE_END
                         : "+a"(rax), "+d"(rdx), "+c"(rcx) : : XTF_PROBE_CLOBBERS);
    expect("div by zero", X86_EXC_DE, 0, xtf_probe_start);

    /* #UD, and every register the handler saved comes back, rcx and rbx included. */
    rcx = 0x2222;
    rdx = 0x3333;
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "ud2" XTF_PROBE_END
                         : "+b"(rbx), "+c"(rcx), "+d"(rdx) : : XTF_PROBE_CLOBBERS);
    expect("ud2", X86_EXC_UD, 0, xtf_probe_start);
    if (rbx != 0x1111 || rcx != 0x2222 || rdx != 0x3333)
        xtf_failure("ud2: registers not preserved: rbx %#lx rcx %#lx rdx %#lx",
                    (unsigned long)rbx, (unsigned long)rcx, (unsigned long)rdx);

    /* int3 is a trap: rip is after it, which is where the probe's fix-up sits. */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "int3" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    expect("int3", X86_EXC_BP, 0, xtf_exinfo.fixup);
}

static void test_db(void)
{
    /* Single step: TF set by popf traps after the instruction that follows (the nop). */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "pushfq; orq $0x100, (%%rsp); popfq; nop"
                         XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    expect("single step", X86_EXC_DB, 0, xtf_exinfo.fixup);
}

static void test_gp(void)
{
    /* Privileged in ring 3, and not among what Xen emulates for a PV kernel. */
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "hlt" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    expect("hlt", X86_EXC_GP, 0, xtf_probe_start);

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "cli" XTF_PROBE_END : : : XTF_PROBE_CLOBBERS);
    expect("cli", X86_EXC_GP, 0, xtf_probe_start);
}

/* A #PF probe: access `va` (write if `write`), expect `ec` and CR2 = va. */
static void pf_probe(const char *name, volatile struct vcpu_info *vi, uint64_t va, bool write,
                     uint64_t ec)
{
    uint64_t v = 0;

    vi->arch_cr2 = 0;
    xtf_exinfo_clear();
    if (write)
        __asm__ __volatile__(XTF_PROBE_BEGIN "movq %1, (%0)" XTF_PROBE_END
                             : : "r"(va), "r"(v) : XTF_PROBE_CLOBBERS);
    else
        __asm__ __volatile__(XTF_PROBE_BEGIN "movq (%1), %0" XTF_PROBE_END
                             : "+r"(v) : "r"(va) : XTF_PROBE_CLOBBERS);
    expect(name, X86_EXC_PF, ec, xtf_probe_start);
    printk("%s: vcpu_info.arch.cr2 %#lx\n", name, (unsigned long)vi->arch_cr2);
    if (vi->arch_cr2 != va)
        xtf_failure("%s: vcpu_info.arch.cr2 %#lx, expected %#lx", name,
                    (unsigned long)vi->arch_cr2, (unsigned long)va);
}

static void test_pf(void)
{
    long rc;
    struct shared_info_head *sh = xtf_map_shared_info(&rc);

    if (!sh) {
        xtf_error("cannot map shared_info: update_va_mapping returned %ld", rc);
        return;
    }
    /* U/S is 0 in the error code: Xen reports guest-kernel faults as supervisor ones. */
    pf_probe("read unmapped", &sh->vcpu_info[0], UNMAPPED_VA, false, 0);
    pf_probe("write unmapped", &sh->vcpu_info[0], UNMAPPED_VA, true, X86_PFEC_WRITE);
    /* Page-table pages are mapped read-only: writing slot 0 of the L4 is a protection fault. */
    pf_probe("write own L4", &sh->vcpu_info[0], xtf_start_info->pt_base, true,
             X86_PFEC_PRESENT | X86_PFEC_WRITE);
}

void test_main(void)
{
    if (xtf_trap_table_rc) {
        xtf_failure("set_trap_table returned %ld", xtf_trap_table_rc);
        return;
    }
    test_de_ud_bp();
    test_db();
    test_gp();
    test_pf();
    xtf_success();
}
