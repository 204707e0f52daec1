/*
 * mm_m2p: the read-only machine-to-physical table at 0xffff800000000000 — readable by the guest
 * kernel, the inverse of our P2M for every PFN, not writable (#PF with the write bit, also with
 * the writable-pagetables assist on), INVALID (~0) or unmapped for frames that are not ours,
 * and changed only through MMU_MACHPHYS_UPDATE of our own frames.
 */
#include "mm2.h"

const char test_title[] = "mm_m2p: the read-only M2P table and MMU_MACHPHYS_UPDATE";

#define M2P ((volatile uint64_t *)MACH2PHYS_VIRT_START)
#define M2P_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) / 8)
#define MAX_REPORTS 5
#define OTHER_PFN 0x3ffffull    /* any PFN value: the M2P holds whatever the guest says */

/* m2p[mfn] must equal p2m^-1 for every PFN we have. */
static void test_inverse(void)
{
    uint64_t bad = 0, faults = 0, v;

    for (uint64_t pfn = 0; pfn < mm_nr_pages(); pfn++) {
        uint64_t mfn = mm_pfn_to_mfn(pfn);

        if (!mm_probe_read((const void *)&M2P[mfn], &v)) {
            if (faults++ < MAX_REPORTS)
                printk("reading M2P[%#lx] (pfn %#lx): %s ec %#lx\n", (unsigned long)mfn,
                       (unsigned long)pfn, xtf_vector_name(xtf_exinfo.vector),
                       (unsigned long)xtf_exinfo.error_code);
        } else if (v != pfn && bad++ < MAX_REPORTS) {
            printk("M2P[%#lx] = %#lx, but P2M[%#lx] = %#lx\n", (unsigned long)mfn,
                   (unsigned long)v, (unsigned long)pfn, (unsigned long)mfn);
        }
    }
    printk("M2P checked for %lu PFNs: %lu wrong, %lu faults\n", (unsigned long)mm_nr_pages(),
           (unsigned long)bad, (unsigned long)faults);
    if (bad || faults)
        xtf_failure("M2P disagrees with the P2M for %lu PFNs and faults for %lu",
                    (unsigned long)bad, (unsigned long)faults);
}

/* A write to the M2P is a protection fault, and the entry stays as it was. */
static void write_probe(const char *what, uint64_t mfn)
{
    uint64_t before = M2P[mfn];

    if (mm_probe_write((void *)&M2P[mfn], before ^ 1))
        xtf_failure("%s: writing M2P[%#lx] did not fault", what, (unsigned long)mfn);
    else
        mm2_expect_pf(what, X86_PFEC_PRESENT | X86_PFEC_WRITE, 0);
    if (M2P[mfn] != before)
        xtf_failure("%s: M2P[%#lx] changed from %#lx to %#lx", what, (unsigned long)mfn,
                    (unsigned long)before, (unsigned long)M2P[mfn]);
}

static void test_read_only(void)
{
    uint64_t mfn = mm_va_to_mfn(test_title);
    long rc;

    write_probe("write to the M2P", mfn);
    /* With the assist on, the write fault must not be taken for a page-table write. */
    rc = hc_vm_assist(VMASST_CMD_enable, VMASST_TYPE_writable_pagetables);
    mm2_expect_rc("vm_assist(enable, writable_pagetables)", rc, 0);
    write_probe("write to the M2P with the assist", mfn);
    hc_vm_assist(VMASST_CMD_disable, VMASST_TYPE_writable_pagetables);
    mm_audit("writes to the M2P");
}

/* M2P[mfn] for a frame that is not ordinary RAM of ours: ~0, or a fault (an unmapped part). */
static void foreign_entry(const char *what, uint64_t mfn)
{
    uint64_t v;
    bool ok = mm_probe_read((const void *)&M2P[mfn], &v);

    if (ok)
        printk("%s: M2P[%#lx] = %#lx\n", what, (unsigned long)mfn, (unsigned long)v);
    else
        printk("%s: M2P[%#lx] faults (%s ec %#lx)\n", what, (unsigned long)mfn,
               xtf_vector_name(xtf_exinfo.vector), (unsigned long)xtf_exinfo.error_code);
    if (ok && v != MM_INVALID)
        xtf_failure("%s: M2P[%#lx] = %#lx, expected ~0 (or a fault)", what, (unsigned long)mfn,
                    (unsigned long)v);
}

static void test_foreign_frames(void)
{
    const uint64_t *l4 = mm_boot_l4();
    long max_ram = mm_memory_op(XENMEM_maximum_ram_page, NULL);
    char what[64];

    /*
     * Xen 4.17: slots 256 (M2P), 257, 260-262 hold hypervisor L3 frames, whose M2P entries
     * read ~0; slot 258 is the linear page table, i.e. our own L4: skipped.
     */
    for (unsigned int s = MM_L4_HYP_FIRST; s <= MM_L4_HYP_LAST; s++) {
        if (!(l4[s] & PTE_P))
            continue;
        if (mm_mfn_to_pfn(mm_pte_mfn(l4[s])) != MM_INVALID) {
            printk("L4 slot %u maps our frame %#lx (a linear page table)\n", s,
                   (unsigned long)mm_pte_mfn(l4[s]));
            continue;
        }
        snprintf(what, sizeof(what), "hypervisor frame of L4 slot %u", s);
        foreign_entry(what, mm_pte_mfn(l4[s]));
    }
    /* Lent to us by the hypervisor, but not RAM of ours: Xen sets INVALID when sharing it. */
    foreign_entry("shared_info frame", xtf_start_info->shared_info >> PAGE_SHIFT);
    if (max_ram > 0)
        foreign_entry("maximum_ram_page", (uint64_t)max_ram);
    foreign_entry("last M2P entry", M2P_ENTRIES - 1);   /* Xen 4.17: #PF, ec 0 */
}

/* MMU_MACHPHYS_UPDATE: ptr = frame's machine address | 1, val = the PFN to record. */
static long machphys_update(uint64_t mfn, uint64_t pfn)
{
    return mm_update((mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE, pfn);
}

static void test_machphys_update(void)
{
    uint64_t pfn = mm_alloc_pfn(), mfn = mm_pfn_to_mfn(pfn), hyp = mm2_hyp_mfn();
    uint64_t hyp_before, hyp_after;
    long rc;

    mm2_expect_rc("MMU_MACHPHYS_UPDATE of our frame", machphys_update(mfn, OTHER_PFN), 0);
    if (M2P[mfn] != OTHER_PFN)
        xtf_failure("after MMU_MACHPHYS_UPDATE M2P[%#lx] = %#lx, expected %#llx",
                    (unsigned long)mfn, (unsigned long)M2P[mfn], OTHER_PFN);
    mm2_expect_rc("MMU_MACHPHYS_UPDATE back", machphys_update(mfn, pfn), 0);
    if (M2P[mfn] != pfn)
        xtf_failure("M2P[%#lx] = %#lx after restoring, expected %#lx", (unsigned long)mfn,
                    (unsigned long)M2P[mfn], (unsigned long)pfn);

    /* Not ours: refused, nothing written (Xen 4.17: -EINVAL for both). */
    /* (A fault reads as MM_INVALID here.) */
    if (!mm_probe_read((const void *)&M2P[hyp], &hyp_before))
        hyp_before = MM_INVALID;
    rc = machphys_update(hyp, OTHER_PFN);
    if (!mm_probe_read((const void *)&M2P[hyp], &hyp_after))
        hyp_after = MM_INVALID;
    printk("MMU_MACHPHYS_UPDATE of a hypervisor frame: %ld\n", rc);
    if (rc >= 0 || hyp_after != hyp_before)
        xtf_failure("MMU_MACHPHYS_UPDATE of hypervisor frame %#lx: %ld, M2P now %#lx (was "
                    "%#lx)", (unsigned long)hyp, rc, (unsigned long)hyp_after,
                    (unsigned long)hyp_before);
    rc = machphys_update(1ull << 36, OTHER_PFN);
    printk("MMU_MACHPHYS_UPDATE of an mfn beyond RAM: %ld\n", rc);
    if (rc >= 0)
        xtf_failure("MMU_MACHPHYS_UPDATE of an mfn beyond RAM: %ld", rc);
    mm_free_pfn(pfn);
    mm_audit("MMU_MACHPHYS_UPDATE");
}

void test_main(void)
{
    uint64_t v;

    if (!mm_probe_read((const void *)M2P, &v)) {
        xtf_failure("reading the M2P at %#llx: %s ec %#lx", MACH2PHYS_VIRT_START,
                    xtf_vector_name(xtf_exinfo.vector), (unsigned long)xtf_exinfo.error_code);
        return;
    }
    test_inverse();
    test_read_only();
    test_foreign_frames();
    test_machphys_update();
    mm_audit("the end");
    xtf_success();
}
