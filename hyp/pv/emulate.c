/* emulate.c - what 64-bit PV kernels still execute in ring 3 and Hearth answers for them: CPUID
 * behind the forced-emulation prefix (with Xen's leaves), the segment-base MSRs, reads of CR0
 * and CR4, and port I/O for domains with I/O privilege. Everything else stays a #GP for the
 * guest. */
#include "hv/version.h"
#include "pv/pv_private.h"

#define XEN_CPUID_BASE 0x40000000
#define XEN_CPUID_LAST (XEN_CPUID_BASE + 5)
#define INSN_MAX 16

static const uint8_t forced_cpuid[] = {0x0f, 0x0b, 0x78, 0x65, 0x6e, 0x0f, 0xa2};

/* CPUID as a PV guest sees it: Xen's leaves at 0x40000000, the host's elsewhere minus what a
 * PV guest cannot use (VMX, SVM, MONITOR, x2APIC) and plus the hypervisor bit. */
static void guest_cpuid(uint32_t leaf, uint32_t sub, struct cpuid_regs *r)
{
    if (leaf >= XEN_CPUID_BASE && leaf <= XEN_CPUID_BASE + 0xffff) {
        memset(r, 0, sizeof(*r));
        switch (leaf) {
        case XEN_CPUID_BASE:
            *r = (struct cpuid_regs){XEN_CPUID_LAST, 0x566e6558, 0x65584d4d, 0x4d4d566e};
            break; /* "XenVMMXenVMM" */
        case XEN_CPUID_BASE + 1:
            r->a = (4u << 16) | 17u; /* the Xen interface level Hearth follows: 4.17 */
            break;
        case XEN_CPUID_BASE + 2:
            *r = (struct cpuid_regs){1, 0x40000000, 0, 0}; /* one hypercall page, its MSR */
            break;
        default:
            break; /* time, HVM and other leaves: zero (EBX[7:0] of leaf 5 <= 44 keeps grant v1) */
        }
        return;
    }
    *r = cpuid(leaf, sub);
    if (leaf == 1) {
        r->c &= ~((1u << 3) | (1u << 5) | (1u << 21)); /* MONITOR, VMX, x2APIC */
        r->c |= 1u << 31;                              /* hypervisor */
    } else if (leaf == 0x80000001) {
        r->c &= ~(1u << 2); /* SVM */
    }
}

bool pv_emulate_forced_cpuid(struct vcpu *v __unused, struct cpu_regs *regs)
{
    uint8_t insn[sizeof(forced_cpuid)];
    struct cpuid_regs r;

    if (copy_from_guest(insn, regs->rip, sizeof(insn)) || memcmp(insn, forced_cpuid, sizeof(insn)))
        return false;
    guest_cpuid((uint32_t)regs->rax, (uint32_t)regs->rcx, &r);
    regs->rax = r.a;
    regs->rbx = r.b;
    regs->rcx = r.c;
    regs->rdx = r.d;
    regs->rip += sizeof(forced_cpuid);
    return true;
}

/* rdmsr/wrmsr: the three segment-base MSRs map onto the vCPU's bases; EFER reads show what a
 * PV guest may rely on. Others fault (#GP) as on Xen for unknown MSRs. */
static bool emulate_msr(struct vcpu *v, struct cpu_regs *regs, bool write)
{
    uint32_t msr = (uint32_t)regs->rcx;
    uint64_t val = (regs->rdx << 32) | (uint32_t)regs->rax;
    uint64_t *base = msr == MSR_FS_BASE          ? &v->fs_base
                     : msr == MSR_GS_BASE        ? &v->gs_base_kernel
                     : msr == MSR_KERNEL_GS_BASE ? &v->gs_base_user
                                                 : NULL;

    if (base) {
        if (write) {
            if ((uint64_t)((int64_t)(val << 16) >> 16) != val)
                return false;
            *base = val;
            wrmsr(MSR_FS_BASE, v->fs_base);
            wrmsr(MSR_GS_BASE, v->in_kernel ? v->gs_base_kernel : v->gs_base_user);
            return true;
        }
        val = *base;
    } else if (msr == MSR_EFER && !write) {
        val = rdmsr(MSR_EFER) & (EFER_SCE | EFER_LME | EFER_NXE | (1u << 10)); /* LMA */
    } else if (msr == MSR_PAT && !write) {
        val = rdmsr(MSR_PAT);
    } else {
        return false;
    }
    regs->rax = (uint32_t)val;
    regs->rdx = val >> 32;
    return true;
}

static const size_t gpr_offset[16] = {
        offsetof(struct cpu_regs, rax), offsetof(struct cpu_regs, rcx),
        offsetof(struct cpu_regs, rdx), offsetof(struct cpu_regs, rbx),
        offsetof(struct cpu_regs, rsp), offsetof(struct cpu_regs, rbp),
        offsetof(struct cpu_regs, rsi), offsetof(struct cpu_regs, rdi),
        offsetof(struct cpu_regs, r8),  offsetof(struct cpu_regs, r9),
        offsetof(struct cpu_regs, r10), offsetof(struct cpu_regs, r11),
        offsetof(struct cpu_regs, r12), offsetof(struct cpu_regs, r13),
        offsetof(struct cpu_regs, r14), offsetof(struct cpu_regs, r15),
};

static uint64_t *gpr(struct cpu_regs *regs, unsigned int reg)
{
    return (uint64_t *)((char *)regs + gpr_offset[reg]);
}

/* mov %crN, %reg (0f 20 /r, mod = 3): CR0 with the guest's virtual TS, CR3 the current root,
 * CR4 as the hardware has it. Register numbers follow REX.B. */
static bool emulate_mov_from_cr(struct vcpu *v, struct cpu_regs *regs, uint8_t rex, uint8_t modrm)
{
    unsigned int cr = (modrm >> 3) & 7, reg = (modrm & 7) | ((rex & 1) << 3);
    uint64_t val;

    if ((modrm >> 6) != 3 || (rex & 4))
        return false;
    if (cr == 0)
        val = (read_cr0() & ~8ull) | (v->fpu_ts ? 8 : 0);
    else if (cr == 3)
        val = v->in_kernel ? v->kernel_root : v->user_root;
    else if (cr == 4)
        val = read_cr4();
    else
        return false;
    *gpr(regs, reg) = val;
    return true;
}

/* mov %reg, %cr3 (0f 22 /r): a new root for the current mode, as MMUEXT_NEW_BASEPTR (an L4
 * of the domain, validated if need be); anything else stays a #GP. A validation that runs out
 * of budget leaves rip at the instruction, which faults again and goes on. */
static bool emulate_mov_to_cr3(struct vcpu *v, struct cpu_regs *regs, uint8_t rex, uint8_t modrm,
                               unsigned int len)
{
    unsigned int reg = (modrm & 7) | ((rex & 1) << 3);
    uint64_t mfn = (*gpr(regs, reg) & PTE_ADDR_MASK) >> PAGE_SHIFT;
    struct pv_mm m;
    int rc;

    if ((modrm >> 6) != 3 || ((modrm >> 3) & 7) != 3 || (rex & 4))
        return false;
    pv_mm_begin(&m, v, v->domain);
    rc = pt_run_deferred(&v->domain->pt, &m.w);
    if (rc == 0)
        rc = pv_set_root(&m, mfn, !v->in_kernel);
    pv_mm_end(&m);
    if (rc == 0)
        regs->rip += len;
    return rc == 0 || rc == PT_ERESTART;
}

/* Ports the hypervisor keeps for itself even from dom0: PIC, PIT, speaker gate, CMOS,
 * debug exit, COM1. */
static bool port_is_hypervisors(uint16_t port, unsigned int size)
{
    for (unsigned int p = port; p < port + size; p++)
        if (p == 0x20 || p == 0x21 || p == 0xa0 || p == 0xa1 || (p >= 0x40 && p <= 0x43) ||
            p == 0x61 || p == 0x70 || p == 0x71 || (p >= 0xf4 && p <= 0xf7) ||
            (p >= 0x3f8 && p <= 0x3ff))
            return true;
    return false;
}

/* in/out with an imm8 or dx port (e4-e7, ec-ef, optional 0x66 prefix), for a privileged domain
 * whose virtual IOPL allows it (set_iopl; guest-kernel mode counts as level 1), as on Xen. The
 * hypervisor's own ports read as all ones and ignore writes. Returns the instruction length, or
 * 0 if not emulated. */
static unsigned int emulate_port_io(struct vcpu *v, struct cpu_regs *regs, const uint8_t *insn)
{
    bool opsize = insn[0] == 0x66;
    uint8_t op = insn[opsize];
    unsigned int len = opsize + 1, size;
    uint16_t port;

    if (!v->domain->privileged || (op & 0xf4) != 0xe4 || v->iopl < (v->in_kernel ? 1 : 3))
        return 0;
    size = (op & 1) ? (opsize ? 2 : 4) : 1;
    if (op & 0x08) {
        port = (uint16_t)regs->rdx;
    } else {
        port = insn[len];
        len++;
    }
    if (port_is_hypervisors(port, size)) {
        if (!(op & 2))
            regs->rax |= size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
        return len;
    }
    if (op & 2) { /* out */
        if (size == 1)
            outb(port, (uint8_t)regs->rax);
        else if (size == 2)
            outw(port, (uint16_t)regs->rax);
        else
            outl(port, (uint32_t)regs->rax);
    } else {
        uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
        uint64_t in = size == 1 ? inb(port) : size == 2 ? inw(port) : 0;

        if (size == 4)
            __asm__ volatile("inl %w1, %k0" : "=a"(in) : "Nd"(port));
        regs->rax = size == 4 ? (uint32_t)in : (regs->rax & ~mask) | (in & mask);
    }
    return len;
}

bool pv_emulate_privileged(struct vcpu *v, struct cpu_regs *regs)
{
    uint8_t insn[INSN_MAX];
    unsigned int len;
    uint8_t rex = 0;

    if (regs->error_code != 0 || copy_from_guest(insn, regs->rip, 4))
        return false;
    if (!v->in_kernel) /* guest user: only port I/O, under its own IOPL check (as Xen) */
        goto port_io;
    if (insn[0] == 0x0f && (insn[1] == 0x30 || insn[1] == 0x32)) {
        if (!emulate_msr(v, regs, insn[1] == 0x30))
            return false;
        regs->rip += 2;
        return true;
    }
    if ((insn[0] & 0xf0) == 0x40)
        rex = insn[0];
    if (insn[rex ? 1 : 0] == 0x0f && insn[rex ? 2 : 1] == 0x20) {
        if (!emulate_mov_from_cr(v, regs, rex, insn[rex ? 3 : 2]))
            return false;
        regs->rip += rex ? 4 : 3;
        return true;
    }
    if (insn[rex ? 1 : 0] == 0x0f && insn[rex ? 2 : 1] == 0x22) {
        return emulate_mov_to_cr3(v, regs, rex, insn[rex ? 3 : 2], rex ? 4 : 3);
    }
    if (insn[0] == 0x0f && insn[1] == 0x09 && v->domain->privileged) {
        __asm__ volatile("wbinvd" ::: "memory"); /* dom0 may flush caches, as on Xen */
        regs->rip += 2;
        return true;
    }
port_io:
    len = emulate_port_io(v, regs, insn);
    regs->rip += len;
    return len != 0;
}
