/*
 * Memory management for PV test kernels: the initial region, P2M/M2P, free frames, scratch
 * mappings and page-table hypercall wrappers (API and model in mm.h).
 */
#include "mm.h"

#define MM_MAX_FREED 256        /* frames given back and not yet handed out again */
#define M2P_ENTRIES ((MACH2PHYS_VIRT_END - MACH2PHYS_VIRT_START) / 8)

static bool mm_ready;               /* mm_init() has run */
static bool mm_starting;            /* mm_init() is running: lookups see the tables only */
static uint64_t nr_pages;
static const uint64_t *p2m;         /* start_info.mfn_list */
static uint64_t stack_end;          /* VA past the one-page boot stack */
static uint64_t initial_end;        /* VA past the initial mapping */
static uint64_t next_free_pfn;      /* first PFN never handed out */
static uint64_t freed[MM_MAX_FREED];
static unsigned int nr_freed;
static bool slot_used[MM_NR_SLOTS];
static bool m2p_faults;             /* the M2P read faulted once: do not try again */

/* --- Layout ------------------------------------------------------------------------------- */

/* Lookups bounded by the region known so far (up to the boot stack while starting). */
static uint64_t known_pfns(void)
{
    mm_init();
    return ((mm_ready ? initial_end : stack_end) - XTF_GUEST_VIRT_BASE) >> PAGE_SHIFT;
}

uint64_t mm_nr_pages(void)
{
    mm_init();
    return nr_pages;
}

uint64_t mm_initial_end(void)
{
    mm_init();
    return initial_end;
}

uint64_t mm_initial_pfns(void)
{
    mm_init();
    return known_pfns();
}

const uint64_t *mm_boot_l4(void)
{
    return (const uint64_t *)xtf_start_info->pt_base;
}

uint64_t mm_boot_l4_mfn(void)
{
    return mm_va_to_mfn(mm_boot_l4());
}

/* --- Frame numbers ------------------------------------------------------------------------ */

uint64_t mm_pfn_to_mfn(uint64_t pfn)
{
    const uint64_t *map = (const uint64_t *)xtf_start_info->mfn_list;

    return pfn < xtf_start_info->nr_pages ? map[pfn] : MM_INVALID;
}

uint64_t mm_m2p(uint64_t mfn)
{
    const uint64_t *m2p = (const uint64_t *)MACH2PHYS_VIRT_START;
    uint64_t v;

    if (mfn >= M2P_ENTRIES || m2p_faults)
        return MM_INVALID;
    if (!mm_probe_read(&m2p[mfn], &v)) {
        printk("mm: reading the M2P at %p faults (%s ec %#lx): using the P2M only\n",
               (const void *)&m2p[mfn], xtf_vector_name(xtf_exinfo.vector),
               (unsigned long)xtf_exinfo.error_code);
        m2p_faults = true;
        return MM_INVALID;
    }
    return v;
}

/* Linear search of the P2M, the boot tables' PFNs first (the common question while walking). */
static uint64_t p2m_search(uint64_t mfn)
{
    const struct start_info *si = xtf_start_info;
    uint64_t pt_pfn = (si->pt_base - XTF_GUEST_VIRT_BASE) >> PAGE_SHIFT;

    for (uint64_t pfn = pt_pfn; pfn < pt_pfn + si->nr_pt_frames; pfn++)
        if (mm_pfn_to_mfn(pfn) == mfn)
            return pfn;
    for (uint64_t pfn = 0; pfn < si->nr_pages; pfn++)
        if (mm_pfn_to_mfn(pfn) == mfn)
            return pfn;
    return MM_INVALID;
}

uint64_t mm_mfn_to_pfn(uint64_t mfn)
{
    uint64_t pfn = mm_m2p(mfn);

    if (pfn != MM_INVALID && mm_pfn_to_mfn(pfn) == mfn)
        return pfn;
    return p2m_search(mfn);
}

void *mm_pfn_to_va(uint64_t pfn)
{
    if (pfn >= known_pfns())
        return NULL;
    return (void *)(XTF_GUEST_VIRT_BASE + (pfn << PAGE_SHIFT));
}

void *mm_mfn_to_va(uint64_t mfn)
{
    uint64_t pfn = mm_mfn_to_pfn(mfn);

    return pfn == MM_INVALID ? NULL : mm_pfn_to_va(pfn);
}

uint64_t mm_va_to_pfn(const void *va)
{
    return ((uint64_t)va - XTF_GUEST_VIRT_BASE) >> PAGE_SHIFT;
}

uint64_t mm_va_to_mfn(const void *va)
{
    return mm_pfn_to_mfn(mm_va_to_pfn(va));
}

/* --- Boot page tables --------------------------------------------------------------------- */

/* The boot table of level `level` (1-3) on the way to va, read-only; NULL if none. */
static const uint64_t *boot_table(uint64_t va, unsigned int level)
{
    const uint64_t *t = mm_boot_l4();

    for (unsigned int l = 4; l > level && t; l--) {
        uint64_t e = t[mm_table_index(va, l)];

        if (!(e & PTE_P) || (e & PTE_PS))
            return NULL;
        t = mm_mfn_to_va(mm_pte_mfn(e));
    }
    return t;
}

uint64_t mm_boot_entry_maddr(uint64_t va, unsigned int level)
{
    const uint64_t *t;

    if (level < 1 || level > 4)
        return 0;
    t = boot_table(va, level);
    return t ? mm_entry_maddr(mm_va_to_mfn(t), mm_table_index(va, level)) : 0;
}

uint64_t mm_l1e_maddr(uint64_t va)
{
    return mm_boot_entry_maddr(va, 1);
}

uint64_t mm_read_entry(uint64_t maddr)
{
    return mm_peek(maddr >> PAGE_SHIFT, (unsigned int)(maddr & (PAGE_SIZE - 1)) / 8);
}

/*
 * The end of the initial mapping: the first page after the boot stack whose L1 entry is absent
 * (the builder maps the padding up to a 4 MiB boundary, at least 512 KiB past the stack).
 */
static uint64_t find_initial_end(void)
{
    uint64_t limit = XTF_GUEST_VIRT_BASE + (nr_pages << PAGE_SHIFT);
    const uint64_t *l1 = NULL;
    uint64_t va;

    for (va = stack_end; va < limit; va += PAGE_SIZE) {
        if (!l1 || mm_table_index(va, 1) == 0)
            l1 = boot_table(va, 1);
        if (!l1 || !(l1[mm_table_index(va, 1)] & PTE_P))
            break;
    }
    return va;
}

/* Unmap every scratch slot, so that a free slot is always an unmapped one. */
static void init_slots(void)
{
    if (initial_end < stack_end + MM_NR_SLOTS * PAGE_SIZE)
        xtf_panic("mm: initial mapping ends at %#lx, too close to the stack end %#lx for %u "
                  "scratch pages", (unsigned long)initial_end, (unsigned long)stack_end,
                  MM_NR_SLOTS);
    for (unsigned int s = 0; s < MM_NR_SLOTS; s++) {
        long rc = mm_slot_set(s, 0);

        if (rc)
            xtf_panic("mm: unmapping scratch page %p: update_va_mapping returned %ld",
                      mm_slot_va(s), rc);
    }
}

void mm_init(void)
{
    const struct start_info *si = xtf_start_info;

    if (mm_ready || mm_starting)
        return;
    mm_starting = true;
    nr_pages = si->nr_pages;
    p2m = (const uint64_t *)si->mfn_list;
    stack_end = si->pt_base + (si->nr_pt_frames + 1) * PAGE_SIZE;
    initial_end = find_initial_end();
    next_free_pfn = (initial_end - XTF_GUEST_VIRT_BASE) >> PAGE_SHIFT;
    mm_ready = true;
    mm_starting = false;
    init_slots();
    printk("mm: %lu pages, P2M at %p, boot L4 %#lx (mfn %#lx), %lu table frames, initial "
           "mapping ends at %#lx; free PFNs %#lx-%#lx\n", (unsigned long)nr_pages,
           (const void *)p2m, (unsigned long)si->pt_base, (unsigned long)mm_boot_l4_mfn(),
           (unsigned long)si->nr_pt_frames, (unsigned long)initial_end,
           (unsigned long)next_free_pfn, (unsigned long)nr_pages - 1);
}

/* --- Scratch mappings --------------------------------------------------------------------- */

static void check_slot(unsigned int slot)
{
    if (slot >= MM_NR_SLOTS)
        xtf_panic("mm: scratch slot %u out of range", slot);
}

void *mm_slot_va(unsigned int slot)
{
    mm_init();
    check_slot(slot);
    return (void *)(initial_end - (MM_NR_SLOTS - slot) * PAGE_SIZE);
}

long mm_slot_set(unsigned int slot, uint64_t pte)
{
    return hc_update_va_mapping((uint64_t)mm_slot_va(slot), pte, UVMF_INVLPG);
}

uint64_t mm_slot_l1e_maddr(unsigned int slot)
{
    return mm_l1e_maddr((uint64_t)mm_slot_va(slot));
}

unsigned int mm_slot_alloc(void)
{
    mm_init();
    for (unsigned int s = 0; s < MM_NR_SLOTS; s++) {
        if (!slot_used[s]) {
            slot_used[s] = true;
            return s;
        }
    }
    xtf_panic("mm: all %u scratch slots are in use", MM_NR_SLOTS);
}

long mm_slot_free(unsigned int slot)
{
    long rc = mm_slot_set(slot, 0);

    slot_used[slot] = false;
    return rc;
}

void *mm_map(uint64_t mfn, bool writable, long *rc)
{
    unsigned int slot = mm_slot_alloc();
    long r = mm_slot_set(slot, mm_pte(mfn, writable ? PTE_FLAGS_RW : PTE_FLAGS_RO));

    if (rc)
        *rc = r;
    if (r) {
        slot_used[slot] = false;    /* a refused update left the entry as it was: unmapped */
        return NULL;
    }
    return mm_slot_va(slot);
}

long mm_unmap(const void *va)
{
    uint64_t first = (uint64_t)mm_slot_va(0);
    uint64_t off = ((uint64_t)va & ~(PAGE_SIZE - 1)) - first;

    if ((uint64_t)va < first || off >= MM_NR_SLOTS * PAGE_SIZE)
        xtf_panic("mm: mm_unmap(%p): not a scratch page", va);
    return mm_slot_free((unsigned int)(off >> PAGE_SHIFT));
}

long mm_poke(uint64_t mfn, unsigned int idx, uint64_t val)
{
    long rc;
    uint64_t *t = mm_map(mfn, true, &rc);

    if (!t)
        return rc;
    t[idx & 511] = val;
    return mm_unmap(t);
}

uint64_t mm_peek(uint64_t mfn, unsigned int idx)
{
    const volatile uint64_t *t = mm_mfn_to_va(mfn);
    uint64_t v;
    long rc;

    if (t)
        return t[idx & 511];
    t = mm_map(mfn, false, &rc);
    if (!t)
        xtf_panic("mm: cannot map mfn %#lx read-only: %ld", (unsigned long)mfn, rc);
    v = t[idx & 511];
    mm_unmap((const void *)t);
    return v;
}

/* --- Free frames -------------------------------------------------------------------------- */

#define MM_MAX_SKIPS 16          /* unusable frames in a row before giving up */

/*
 * Zero a frame through a writable scratch mapping. False if the hypervisor refuses the
 * mapping: a frame given back while still in use, after a test found a reference leak.
 */
static bool zero_frame(uint64_t pfn)
{
    long rc;
    void *p = mm_map(mm_pfn_to_mfn(pfn), true, &rc);

    if (!p) {
        printk("mm: skipping PFN %#lx (mfn %#lx): writable mapping refused (%ld)\n",
               (unsigned long)pfn, (unsigned long)mm_pfn_to_mfn(pfn), rc);
        return false;
    }
    memset(p, 0, PAGE_SIZE);
    rc = mm_unmap(p);
    if (rc)
        xtf_panic("mm: unmapping a zeroed frame: %ld", rc);
    return true;
}

uint64_t mm_alloc_pfn(void)
{
    mm_init();
    for (unsigned int skips = 0; skips < MM_MAX_SKIPS; skips++) {
        uint64_t pfn;

        if (nr_freed)
            pfn = freed[--nr_freed];
        else if (next_free_pfn < nr_pages)
            pfn = next_free_pfn++;
        else
            xtf_panic("mm: out of free frames (%lu pages)", (unsigned long)nr_pages);
        if (zero_frame(pfn))
            return pfn;
    }
    xtf_panic("mm: %u free frames in a row cannot be mapped writable", MM_MAX_SKIPS);
}

uint64_t mm_alloc_mfn(void)
{
    return mm_pfn_to_mfn(mm_alloc_pfn());
}

void mm_free_pfn(uint64_t pfn)
{
    mm_init();
    if (pfn < known_pfns() || pfn >= next_free_pfn)
        xtf_panic("mm: freeing PFN %#lx, which mm_alloc_pfn() never handed out",
                  (unsigned long)pfn);
    if (nr_freed == MM_MAX_FREED)
        return;                     /* forgotten: plenty of frames left anyway */
    freed[nr_freed++] = pfn;
}

void mm_free_mfn(uint64_t mfn)
{
    uint64_t pfn = mm_mfn_to_pfn(mfn);

    if (pfn == MM_INVALID)
        xtf_panic("mm: freeing mfn %#lx, which is not ours", (unsigned long)mfn);
    mm_free_pfn(pfn);
}

/* --- Hypercall wrappers ------------------------------------------------------------------- */

long mm_update_batch(const struct mmu_update *reqs, unsigned int n, unsigned int *done)
{
    return hc_mmu_update(reqs, n, done, DOMID_SELF);
}

long mm_update(uint64_t ptr, uint64_t val)
{
    struct mmu_update req = { .ptr = ptr, .val = val };

    return mm_update_batch(&req, 1, NULL);
}

long mm_set_entry(uint64_t maddr, uint64_t val)
{
    return mm_update(maddr | MMU_NORMAL_PT_UPDATE, val);
}

long mm_ext(unsigned int cmd, uint64_t arg1, uint64_t arg2)
{
    struct mmuext_op op = { .cmd = cmd, .arg1 = arg1, .arg2 = arg2 };

    return hc_mmuext_op(&op, 1, NULL, DOMID_SELF);
}

long mm_pin(unsigned int level, uint64_t mfn)
{
    if (level < 1 || level > 4)
        xtf_panic("mm_pin: level %u", level);
    return mm_ext(MMUEXT_PIN_L1_TABLE + level - 1, mfn, 0);
}

long mm_unpin(uint64_t mfn)
{
    return mm_ext(MMUEXT_UNPIN_TABLE, mfn, 0);
}

long mm_new_baseptr(uint64_t mfn)
{
    return mm_ext(MMUEXT_NEW_BASEPTR, mfn, 0);
}

long mm_new_user_baseptr(uint64_t mfn)
{
    return mm_ext(MMUEXT_NEW_USER_BASEPTR, mfn, 0);
}

long mm_tlb_flush_local(void)
{
    return mm_ext(MMUEXT_TLB_FLUSH_LOCAL, 0, 0);
}

long mm_tlb_flush_all(void)
{
    return mm_ext(MMUEXT_TLB_FLUSH_ALL, 0, 0);
}

long mm_invlpg_local(uint64_t va)
{
    return mm_ext(MMUEXT_INVLPG_LOCAL, va, 0);
}

long mm_invlpg_all(uint64_t va)
{
    return mm_ext(MMUEXT_INVLPG_ALL, va, 0);
}

long mm_memory_op(unsigned int cmd, void *arg)
{
    return hc_memory_op(cmd, arg);
}

/* --- Probes ------------------------------------------------------------------------------- */

bool mm_probe_read(const void *va, uint64_t *val)
{
    uint64_t v = 0;

    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movq (%1), %0" XTF_PROBE_END
                         : "+r"(v) : "r"(va) : XTF_PROBE_CLOBBERS);
    *val = v;
    return !xtf_exinfo.raised;
}

bool mm_probe_write(void *va, uint64_t val)
{
    xtf_exinfo_clear();
    __asm__ __volatile__(XTF_PROBE_BEGIN "movq %1, (%0)" XTF_PROBE_END
                         : : "r"(va), "r"(val) : XTF_PROBE_CLOBBERS);
    return !xtf_exinfo.raised;
}

bool mm_check_rc(const char *what, long rc, long want)
{
    printk("%s: %ld\n", what, rc);
    if (rc != want)
        xtf_failure("%s: returned %ld, expected %ld", what, rc, want);
    return rc == want;
}

uint64_t mm_boot_l4_slot_mfn(unsigned int slot)
{
    uint64_t e = mm_boot_l4()[slot & 511];

    return (e & PTE_P) ? mm_pte_mfn(e) : 0;
}

/* --- Hearth ------------------------------------------------------------------------------- */

bool xtf_on_hearth(void)
{
    static int on_hearth = -1;
    char extra[XEN_EXTRAVERSION_LEN + 1];

    if (on_hearth < 0) {
        memset(extra, 0, sizeof(extra));
        on_hearth = hc_xen_version(XENVER_extraversion, extra) == 0 &&
                     strstr(extra, "hearth") != NULL;
    }
    return on_hearth;
}

long hearth_audit(void)
{
    /* A bare syscall: the number need not have a stub filled in the hypercall page. */
    return hypercall_raw(XEN_HC_arch_7, HEARTHOP_audit, 0, 0);
}

void mm_audit(const char *what)
{
    static bool noted;
    long rc = hearth_audit();

    if (rc == 0)
        return;
    if (rc == -XEN_ENOSYS && !xtf_on_hearth()) {
        if (!noted)
            printk("audit after %s: -ENOSYS (not Hearth): not checked\n", what);
        noted = true;
        return;
    }
    if (rc > 0)
        xtf_failure("hypervisor frame audit after %s: %ld problem(s)", what, rc);
    else
        xtf_failure("hypervisor frame audit after %s: error %ld", what, rc);
}
