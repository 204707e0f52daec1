/* ptwr.c - the writable page tables assist (VMASST_TYPE_writable_pagetables): a guest kernel's
 * direct write to one of its L1 tables faults on the read-only mapping; the hypervisor decodes
 * the instruction (ptwr_insn.c), validates the resulting entry like mmu_update, stores it and
 * steps over the instruction. Writes to L2-L4 tables are never emulated. */
#include "hv/vm_assist.h"
#include "pv/ptwr_insn.h"
#include "pv/pv_private.h"

/* Fetch up to PTWR_INSN_MAX instruction bytes at rip, fewer if the code ends at an unmapped
 * page; returns how many. */
static size_t fetch(uint64_t rip, uint8_t *bytes)
{
    size_t n = PTWR_INSN_MAX;

    while (n && copy_from_guest(bytes, rip, n))
        n = MIN(n - 1, PAGE_SIZE - (rip & (PAGE_SIZE - 1)));
    return n;
}

/* The L1 page table the read-only mapping of va points to: the frame written. 0 if va's
 * mapping is not a read-only one of a validated L1 of d. */
static mfn_t target_table(struct vcpu *v, uint64_t va)
{
    unsigned int idx;
    mfn_t l1 = pv_find_l1(v->domain, v->in_kernel ? v->kernel_root : v->user_root, va, &idx);
    uint64_t e = l1 ? pt_map_table(l1)[idx] : 0;
    mfn_t table = (e & PTE_ADDR_MASK) >> PAGE_SHIFT;

    if (!(e & PTE_P) || (e & PTE_W) || !pt_is_validated(&v->domain->pt, table, PGT_L1))
        return 0;
    return table;
}

/* Emulate in on the entry at cr2 of table, atomically: computed on the entry read, stored only
 * if the entry still holds it (the CPU may set A/D meanwhile: then again). 0 or a ptype error. */
static int emulate(struct pv_mm *m, struct cpu_regs *regs, const struct ptwr_insn *in,
                   mfn_t table, uint64_t cr2)
{
    unsigned int slot = (unsigned int)(cr2 & (PAGE_SIZE - 1)) / 8, shift = (cr2 & 7) * 8;
    uint64_t mask = in->size == 8 ? ~0ull : ((1ull << (in->size * 8)) - 1) << shift;
    struct ptwr_result res;
    int rc;

    do {
        uint64_t old = __atomic_load_n(&pt_map_table(table)[slot], __ATOMIC_RELAXED), new;

        if (ptwr_execute(in, old >> shift, regs, &res) < 0)
            return -HV_EINVAL;
        new = (old & ~mask) | ((res.newval << shift) & mask);
        rc = new == old ? 0 : pt_cmpxchg_entry(&m->d->pt, table, PGT_L1, slot, old, new, &m->w);
    } while (rc == PT_ECHANGED);
    if (rc == 0)
        ptwr_commit(in, &res, regs);
    return rc;
}

bool pv_ptwr_fault(struct vcpu *v, struct cpu_regs *regs, uint64_t cr2)
{
    uint8_t bytes[PTWR_INSN_MAX];
    struct ptwr_insn in = {0};
    struct pv_mm m;
    mfn_t table;
    int rc;

    if (!v->in_kernel || !(v->domain->vm_assist & (1ull << HV_VMASST_TYPE_writable_pagetables)) ||
        !guest_range_ok(cr2, 1))
        return false;
    if (ptwr_decode(bytes, fetch(regs->rip, bytes), &in) < 0 ||
        (cr2 & (in.size - 1)) || (cr2 & 7) + in.size > 8)
        return false; /* not an aligned store within one entry: the guest gets its #PF */
    pv_mm_begin(&m, v, v->domain);
    rc = pt_run_deferred(&v->domain->pt, &m.w);
    if (rc == 0)
        rc = (table = target_table(v, cr2)) ? emulate(&m, regs, &in, table, cr2) : -HV_EINVAL;
    pv_mm_end(&m);
    return rc == 0 || rc == PT_ERESTART; /* out of budget: the write faults again and goes on */
}
