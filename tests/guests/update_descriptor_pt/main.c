/*
 * update_descriptor_pt: HYPERVISOR_update_descriptor may write only into a frame that can hold
 * descriptors (Xen: one it can give the seg_desc or writable type), never into a page table.
 * A "descriptor" with the present bit (47) clear passes the descriptor check unchanged, and as a
 * page-table entry bit 47 is just an address bit: written into an L1 table it would map any
 * machine frame, here the hypervisor's own L3 table behind L4 slot 261, writable. Xen returns
 * -EINVAL. Nothing is ever written through such a mapping.
 */
#include "xtf.h"

const char test_title[] = "update_descriptor_pt: no descriptor write into a page-table frame";

#define XEN_HC_update_descriptor 10
#define XEN_EINVAL 22
#define PTE_ADDR 0x000ffffffffff000ull
#define PTE_P 1ull
#define HYP_IMAGE_SLOT 261      /* L4 slot of the hypervisor image in every PV guest */

static uint64_t target_page[512] __attribute__((aligned(4096)));

/* The VA of a frame of the initial mapping (the page tables are mapped there, read-only). */
static const uint64_t *mfn_to_va(uint64_t mfn)
{
    const uint64_t *p2m = (const uint64_t *)xtf_start_info->mfn_list;

    for (uint64_t pfn = 0; pfn < xtf_start_info->nr_pages; pfn++)
        if (p2m[pfn] == mfn)
            return (const uint64_t *)(XTF_GUEST_VIRT_BASE + pfn * 4096);
    return NULL;
}

/* Machine address of the L1 entry that maps va in the bootstrap tables; 0 if not found. */
static uint64_t l1e_maddr(uint64_t va)
{
    const uint64_t *t = (const uint64_t *)xtf_start_info->pt_base;

    for (int level = 4; level > 1; level--) {
        uint64_t e = t[(va >> (12 + 9 * (level - 1))) & 511];

        if (!(e & PTE_P) || !(t = mfn_to_va((e & PTE_ADDR) >> 12)))
            return 0;
    }
    return (xtf_virt_to_mfn(t) << 12) + ((va >> 12) & 511) * 8;
}

void test_main(void)
{
    const uint64_t *l4 = (const uint64_t *)xtf_start_info->pt_base;
    uint64_t va = (uint64_t)target_page, ma = l1e_maddr(va);
    uint64_t hyp_l3 = l4[HYP_IMAGE_SLOT] & PTE_ADDR;
    uint64_t old_pte, evil = hyp_l3 | 0x67; /* P RW US A D, bit 47 clear: "not present" */
    const volatile uint64_t *page = target_page;
    struct mmuext_op flush = { .cmd = MMUEXT_TLB_FLUSH_LOCAL };
    long rc;

    if (!ma || !hyp_l3) {
        xtf_error("cannot find the L1 entry of %#lx or L4[%d]", (unsigned long)va,
                  HYP_IMAGE_SLOT);
        return;
    }
    old_pte = ((const uint64_t *)mfn_to_va(ma >> 12))[(ma & 0xfff) / 8];
    printk("L1 entry of %#lx at maddr %#lx = %#lx; hypervisor L3 (L4[%d]) at %#lx\n",
           (unsigned long)va, (unsigned long)ma, (unsigned long)old_pte, HYP_IMAGE_SLOT,
           (unsigned long)hyp_l3);

    rc = hypercall2(XEN_HC_update_descriptor, ma, evil);
    printk("update_descriptor(L1 entry, %#lx): %ld\n", (unsigned long)evil, rc);
    if (rc == -XEN_EINVAL) {
        xtf_success();
        return;
    }
    hc_mmuext_op(&flush, 1, NULL, DOMID_SELF);
    /* Entry 321 of that L3 maps the hypervisor image at 0xffff82d040000000. */
    printk("the page at %#lx (all zero before) now has entry 321 = %#lx\n", (unsigned long)va,
           (unsigned long)page[(0xffff82d040000000ull >> 30) & 511]);
    xtf_failure("update_descriptor wrote %#lx into an L1 page table (rc %ld): the guest maps "
                "the hypervisor's L3 frame %#lx writable", (unsigned long)evil, rc,
                (unsigned long)hyp_l3);
    /* Put the old entry back through the checked path. */
    rc = hc_update_va_mapping(va, old_pte, UVMF_INVLPG);
    if (rc)
        xtf_error("restoring the L1 entry failed: %ld", rc);
}
