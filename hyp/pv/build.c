/* build.c - the PV domain builder for boot-time domains (dom0 and the device tree's): Xen's start-of-day layout, so
 * that kernels built for Xen boot unchanged (shared/reference/xen-pv-abi.md section 1). */
#include "domain/elf.h"
#include "hv/elfnote.h"
#include "hv/start_info.h"
#include "pv/pv_private.h"

#define PTE_TABLE (PTE_P | PTE_W | PTE_U | PTE_A | PTE_D) /* 0x67, as Xen's builder */
#define PTE_LEAF (PTE_P | PTE_W | PTE_U | PTE_A)          /* 0x27: user, since guests run in ring 3 */
#define EXTRA_AFTER_STACK (512 * 1024 / PAGE_SIZE)
#define ALIGN_4M (MiB(4) / PAGE_SIZE)

/* One build in progress: the image's facts and where everything goes, in guest PFNs (PFN 0 is at
 * virt_base). */
struct build {
    struct domain *d;
    struct pv_kernel_info ki;
    uint64_t nr_pages;
    mfn_t *p2m;               /* PFN -> MFN, nr_pages entries */
    uint64_t kernel_end_pfn;  /* first PFN after the kernel */
    uint64_t initrd_pfn, initrd_pages;
    uint64_t p2m_pfn, p2m_pages;
    uint64_t si_pfn, store_pfn, console_pfn;
    uint64_t pt_pfn, nr_pt;   /* bootstrap page tables: L4, L3s, L2s, L1s */
    uint64_t stack_pfn;
    uint64_t end_pfn;         /* first PFN after the mapped region */
};

static void *pfn_va(const struct build *b, uint64_t pfn)
{
    return maddr_to_virt(b->p2m[pfn] << PAGE_SHIFT);
}

static uint64_t pfn_to_gva(const struct build *b, uint64_t pfn)
{
    return b->ki.virt_base + pfn * PAGE_SIZE;
}

/* Distinct entries needed at one level to cover [start, end): shift 39, 30 or 21. */
static uint64_t tables_for(uint64_t start, uint64_t end, unsigned int shift)
{
    return ((end - 1) >> shift) - (start >> shift) + 1;
}

/* The page tables cover the region they sit in: iterate until their count stops changing. */
static void layout_page_tables(struct build *b)
{
    uint64_t nr = 1, vstart = b->ki.virt_base;

    for (;;) {
        uint64_t end_pfn = ALIGN_UP(b->pt_pfn + nr + 1 + EXTRA_AFTER_STACK, ALIGN_4M);
        uint64_t vend = vstart + end_pfn * PAGE_SIZE;
        uint64_t need = 1 + tables_for(vstart, vend, 39) + tables_for(vstart, vend, 30) +
                        tables_for(vstart, vend, 21);

        if (need <= nr) {
            b->nr_pt = nr;
            b->stack_pfn = b->pt_pfn + nr;
            b->end_pfn = end_pfn;
            return;
        }
        nr = need;
    }
}

/* Xen's order: kernel, initrd (if mapped), p2m list, start_info, xenstore, console, page
 * tables, boot stack, padding to 4 MiB with >= 512 KiB after the stack. */
static int layout(struct build *b, uint64_t initrd_len)
{
    uint64_t next = DIV_ROUND_UP(b->ki.virt_kend - b->ki.virt_base, PAGE_SIZE);

    b->kernel_end_pfn = next;
    b->initrd_pages = DIV_ROUND_UP(initrd_len, PAGE_SIZE);
    if (!b->ki.unmapped_initrd) {
        b->initrd_pfn = next;
        next += b->initrd_pages;
    }
    b->p2m_pfn = next;
    b->p2m_pages = DIV_ROUND_UP(b->nr_pages * sizeof(uint64_t), PAGE_SIZE);
    next += b->p2m_pages;
    b->si_pfn = next++;
    b->store_pfn = next++;
    b->console_pfn = next++;
    b->pt_pfn = next;
    layout_page_tables(b);
    if (b->ki.unmapped_initrd)
        b->initrd_pfn = b->end_pfn;
    if (b->end_pfn + (b->ki.unmapped_initrd ? b->initrd_pages : 0) > b->nr_pages) {
        printk(KERN_ERR "d%u: %lu pages of memory cannot hold the initial layout (%lu pages)\n",
               b->d->id, (unsigned long)b->nr_pages, (unsigned long)b->end_pfn);
        return -HV_ENOMEM;
    }
    return 0;
}

/* elf_load_segments() writers: guest pseudo-physical address -> frames, page by page. */
static int guest_write(void *ctx, uint64_t gpaddr, const void *src, size_t len)
{
    const struct build *b = ctx;

    while (len) {
        uint64_t pfn = gpaddr >> PAGE_SHIFT, off = gpaddr & (PAGE_SIZE - 1);
        size_t n = MIN(len, PAGE_SIZE - off);

        if (pfn >= b->nr_pages)
            return -HV_ENOMEM;
        if (src) {
            memcpy((char *)pfn_va(b, pfn) + off, src, n);
            src = (const char *)src + n;
        } else {
            memset((char *)pfn_va(b, pfn) + off, 0, n);
        }
        gpaddr += n;
        len -= n;
    }
    return 0;
}

static int guest_zero(void *ctx, uint64_t gpaddr, size_t len)
{
    return guest_write(ctx, gpaddr, NULL, len);
}

static void record_p2m(void *ctx, uint64_t i, mfn_t mfn)
{
    ((struct build *)ctx)->p2m[i] = mfn;
}

static bool is_pt_pfn(const struct build *b, uint64_t pfn)
{
    return pfn >= b->pt_pfn && pfn < b->pt_pfn + b->nr_pt;
}

/* Map [virt_base, end) with 4 KiB pages; tables come from the page-table area in order L4,
 * L3s, L2s, L1s. Page-table frames are mapped read-only; the hypervisor's L4 slots are filled
 * when the L4 is validated. */
static void build_page_tables(struct build *b)
{
    uint64_t vstart = b->ki.virt_base, vend = vstart + b->end_pfn * PAGE_SIZE;
    uint64_t nr3 = tables_for(vstart, vend, 39), nr2 = tables_for(vstart, vend, 30);
    uint64_t l3_first = b->pt_pfn + 1, l2_first = l3_first + nr3, l1_first = l2_first + nr2;
    uint64_t *l4 = pfn_va(b, b->pt_pfn);

    for (uint64_t pfn = 0; pfn < b->end_pfn; pfn++) {
        uint64_t va = vstart + pfn * PAGE_SIZE;
        uint64_t i3 = (va >> 39) - (vstart >> 39), i2 = (va >> 30) - (vstart >> 30);
        uint64_t i1 = (va >> 21) - (vstart >> 21);
        uint64_t *l3 = pfn_va(b, l3_first + i3), *l2 = pfn_va(b, l2_first + i2);
        uint64_t *l1 = pfn_va(b, l1_first + i1);

        if (!l4[(va >> 39) & 511]) {
            l4[(va >> 39) & 511] = (b->p2m[l3_first + i3] << PAGE_SHIFT) | PTE_TABLE;
        }
        if (!l3[(va >> 30) & 511]) {
            l3[(va >> 30) & 511] = (b->p2m[l2_first + i2] << PAGE_SHIFT) | PTE_TABLE;
        }
        if (!l2[(va >> 21) & 511]) {
            l2[(va >> 21) & 511] = (b->p2m[l1_first + i1] << PAGE_SHIFT) | PTE_TABLE;
        }
        l1[(va >> 12) & 511] =
            (b->p2m[pfn] << PAGE_SHIFT) | (is_pt_pfn(b, pfn) ? PTE_LEAF & ~PTE_W : PTE_LEAF);
    }
}

/* The hypercall page: 128 stubs of 32 bytes (mov $nr,%eax; syscall, with rcx and r11 saved),
 * the iret stub without the return, the rest int3. */
static void fill_hypercall_page(struct build *b)
{
    static const uint8_t stub[] = {0x51, 0x41, 0x53, 0xb8, 0, 0, 0, 0, 0x0f, 0x05,
                                   0x41, 0x5b, 0x59, 0xc3};
    static const uint8_t iret_stub[] = {0x51, 0x41, 0x53, 0x50, 0xb8, 23, 0, 0, 0, 0x0f, 0x05};
    uint64_t pfn = (b->ki.hypercall_page - b->ki.virt_base) >> PAGE_SHIFT;
    uint8_t *page = pfn_va(b, pfn);

    memset(page, 0xcc, PAGE_SIZE);
    for (uint32_t nr = 0; nr < PAGE_SIZE / 32; nr++) {
        uint8_t *p = page + nr * 32;

        if (nr == HV_HYPERCALL_iret) {
            memcpy(p, iret_stub, sizeof(iret_stub));
            continue;
        }
        memcpy(p, stub, sizeof(stub));
        memcpy(p + 4, &nr, sizeof(nr));
    }
}

static void fill_start_info(struct build *b, const char *cmdline, uint64_t initrd_len)
{
    struct hv_start_info *si = pfn_va(b, b->si_pfn);

    memcpy(si->magic, HV_START_INFO_MAGIC, sizeof(HV_START_INFO_MAGIC));
    si->nr_pages = b->nr_pages;
    si->shared_info = virt_to_maddr(b->d->shared_info);
    si->flags = b->d->privileged ? HV_SIF_PRIVILEGED | HV_SIF_INITDOMAIN : 0;
    si->store_mfn = b->p2m[b->store_pfn];
    si->pt_base = pfn_to_gva(b, b->pt_pfn);
    si->nr_pt_frames = b->nr_pt;
    si->mfn_list = pfn_to_gva(b, b->p2m_pfn);
    if (initrd_len) {
        si->mod_start = b->ki.unmapped_initrd ? b->initrd_pfn : pfn_to_gva(b, b->initrd_pfn);
        si->mod_len = initrd_len;
        if (b->ki.unmapped_initrd)
            si->flags |= HV_SIF_MOD_START_PFN;
    }
    for (size_t i = 0; i + 1 < sizeof(si->cmd_line) && cmdline[i]; i++)
        si->cmd_line[i] = (int8_t)cmdline[i];
}

static void init_shared_info(struct domain *d)
{
    struct hv_shared_info *sh = d->shared_info;

    for (unsigned int i = 0; i < HV_LEGACY_MAX_VCPUS; i++)
        sh->vcpu_info[i].evtchn_upcall_mask = 1;
    for (unsigned int i = 0; i < d->nr_vcpus; i++) {
        d->vcpu[i]->vcpu_info = &sh->vcpu_info[i];
        pv_time_start(d->vcpu[i]); /* valid before the guest's first instruction */
    }
}

/* Registers at entry (xg_dom_x86.c vcpu_x86_64): rip = entry, rsp = top of the boot stack,
 * rsi = start_info, IF set (events are masked in vcpu_info instead). */
static void init_vcpu(struct build *b)
{
    struct vcpu *v = b->d->vcpu[0];

    memset(&v->regs, 0, sizeof(v->regs));
    v->regs.rip = b->ki.entry;
    v->regs.rsp = pfn_to_gva(b, b->stack_pfn + 1);
    v->regs.rsi = pfn_to_gva(b, b->si_pfn);
    v->regs.rflags = 0x202;
    v->regs.cs = FLAT_RING3_CS64;
    v->regs.ss = FLAT_RING3_DS;
    v->in_kernel = true;
    v->kernel_root = b->p2m[b->pt_pfn] << PAGE_SHIFT;
    v->kernel_sp = v->regs.rsp;
    v->kernel_ss = FLAT_RING3_DS;
    v->initialised = v->init_claimed = true;
}

/* Type the tables as Xen's builder does (pin the L4: a full validation that also types every
 * mapped frame), give the vCPU its root reference, and fill the M2P. */
static int type_page_tables(struct build *b)
{
    struct pt_work w = {UINT32_MAX}; /* boot time: no one to preempt for */
    mfn_t l4 = b->p2m[b->pt_pfn];
    int rc;

    spin_lock(&b->d->mm_lock);
    rc = pt_pin(&b->d->pt, l4, PGT_L4, &w);
    if (rc == 0)
        rc = pt_get_page_and_type(&b->d->pt, l4, PGT_L4, &w);
    spin_unlock(&b->d->mm_lock);
    if (rc) {
        printk(KERN_ERR "d%u: initial page tables refused (%d)\n", b->d->id, rc);
        return rc;
    }
    for (uint64_t pfn = 0; pfn < b->nr_pages; pfn++)
        mm_set_m2p(b->p2m[pfn], pfn);
    return 0;
}

static void copy_initrd(struct build *b, const struct boot_module *initrd)
{
    const char *src = maddr_to_virt(initrd->start);
    uint64_t len = initrd->end - initrd->start;

    for (uint64_t i = 0; i < b->initrd_pages; i++)
        memcpy(pfn_va(b, b->initrd_pfn + i), src + i * PAGE_SIZE,
               MIN(PAGE_SIZE, len - i * PAGE_SIZE));
}

/* Check the Xen notes as libelf does: a generic loader or a Linux guest, interface xen-3.0. */
static int check_notes(uint16_t id, const struct pv_kernel_info *ki)
{
    if (strncmp(ki->xen_version, "xen-3.0", 7)) {
        printk(KERN_ERR "d%u: kernel asks for interface '%s', not xen-3.0\n", id, ki->xen_version);
        return -HV_EINVAL;
    }
    if (strncmp(ki->loader, "generic", 7) && strncmp(ki->guest_os, "linux", 5)) {
        printk(KERN_ERR "d%u: kernel has neither LOADER=generic nor GUEST_OS=linux\n", id);
        return -HV_EINVAL;
    }
    return 0;
}

static int build(struct build *b, const struct boot_module *kernel,
                 const struct boot_module *initrd, const char *cmdline)
{
    const void *image = maddr_to_virt(kernel->start);
    size_t size = kernel->end - kernel->start;
    uint64_t initrd_len = initrd ? initrd->end - initrd->start : 0;
    int rc;

    if ((rc = elf_parse_pv_kernel(image, size, &b->ki)) < 0 || (rc = check_notes(b->d->id, &b->ki)) < 0 ||
        (rc = layout(b, initrd_len)) < 0)
        return rc;
    if ((rc = dom_alloc_frames(b->d, b->nr_pages, record_p2m, b)) < 0) {
        printk(KERN_ERR "d%u: not enough free memory for %lu pages\n", b->d->id,
               (unsigned long)b->nr_pages);
        return rc;
    }
    if ((rc = elf_load_segments(image, size, &b->ki, guest_write, guest_zero, b)) < 0)
        return rc;
    if (initrd)
        copy_initrd(b, initrd);
    for (uint64_t i = 0; i < b->nr_pages; i++)
        ((uint64_t *)pfn_va(b, b->p2m_pfn + i / 512))[i % 512] = b->p2m[i];
    build_page_tables(b);
    if (b->ki.has_hypercall_page)
        fill_hypercall_page(b);
    init_shared_info(b->d);
    fill_start_info(b, cmdline, initrd_len);
    init_vcpu(b);
    return type_page_tables(b);
}

struct domain *pv_build_domain(const struct pv_domain_config *cfg)
{
    struct build b;
    int rc = -HV_ENOMEM;

    memset(&b, 0, sizeof(b));
    b.nr_pages = cfg->mem_bytes / PAGE_SIZE;
    b.p2m = xmalloc(b.nr_pages * sizeof(mfn_t));
    b.d = dom_create(cfg->domid, cfg->privileged, b.nr_pages, cfg->nr_vcpus);
    if (!b.d)
        printk(KERN_ERR "d%u: cannot create the domain (id in use, bad vCPU count, or no memory)\n",
               cfg->domid);
    if (b.p2m && b.d)
        rc = build(&b, cfg->kernel, cfg->initrd, cfg->cmdline);
    xfree(b.p2m);
    if (rc < 0) {
        printk(KERN_ERR "d%u: build failed (error %d)\n", cfg->domid, rc);
        if (b.d)
            dom_destroy(b.d);
        return NULL;
    }
    printk("d%u: %lu MiB, %u vCPU%s, kernel [0x%lx-0x%lx) entry 0x%lx, %lu page-table frames%s\n",
           cfg->domid, (unsigned long)(cfg->mem_bytes >> 20), cfg->nr_vcpus,
           cfg->nr_vcpus == 1 ? "" : "s", (unsigned long)b.ki.virt_kstart,
           (unsigned long)b.ki.virt_kend, (unsigned long)b.ki.entry, (unsigned long)b.nr_pt,
           b.ki.has_hypercall_page ? ", hypercall page" : "");
    return b.d;
}
