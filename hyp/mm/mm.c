/* mm.c - memory bring-up: boot allocator, final page tables, frame table, buddy allocator. */
#include "arch/arch.h"
#include "lib/spinlock.h"
#include "mm/bootmem.h"
#include "mm/buddy.h"
#include "mm/mm.h"
#include "mm/paging.h"

#define LOW_MEMORY_END MiB(1)

extern char _stext[], _etext[], _srodata[], _erodata[], _sdata[], _ebss[], _end[];

/* Lock legend: [h] heap_lock (irqsave). Everything else here is written once, at boot. */
static struct bootmem bootmem;
static paddr_t idle_root;
static paddr_t trampoline_pa;
static struct page_info *frame_table;
static uint64_t max_pfn;
static uint64_t *m2p; /* machine-to-phys table (direct-map view, writable); M2P_INVALID: none */
static struct spinlock heap_lock = SPINLOCK_INIT;
static struct buddy buddy; /* [h] */
static uint64_t ioremap_next = IOREMAP_VIRT_START; /* [h] */
static bool buddy_ready;

/* Usable RAM ranges, page-rounded inward, for accounting. */
static struct bootmem usable;

paddr_t virt_to_maddr(const void *va)
{
    uint64_t v = (uint64_t)va;

    if (v >= DIRECTMAP_VIRT_START && v < DIRECTMAP_VIRT_START + DIRECTMAP_SIZE)
        return v - DIRECTMAP_VIRT_START;
    ASSERT(v >= HYP_VIRT_START && v < (uint64_t)_end);
    return v - HYP_VIRT_START;
}

/* Page-table frames before the switch must lie in the first 4 GiB, which the boot tables map. */
static paddr_t boot_pt_alloc(void)
{
    return bootmem_alloc(&bootmem, PAGE_SIZE, PAGE_SIZE, GiB(4));
}

static paddr_t heap_pt_alloc(void)
{
    void *va = mm_alloc_pages(0);

    return va ? virt_to_maddr(va) : 0;
}

static void bootmem_setup(const struct boot_info *bi)
{
    bootmem_init(&bootmem);
    bootmem_init(&usable);
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];

        if (r->type == MEM_USABLE && r->base + r->len > r->base) {
            bootmem_add(&bootmem, r->base, r->base + r->len);
            bootmem_add(&usable, r->base, r->base + r->len);
        }
    }
    /* Kept out: the first MiB (BIOS data, EBDA, trampoline), the image, the loader's data and
     * every module (dom0's kernel and ramdisk, later). */
    bootmem_reserve(&bootmem, 0, LOW_MEMORY_END);
    bootmem_reserve(&bootmem, HYP_LOAD_PADDR, (paddr_t)_end - HYP_VIRT_START);
    bootmem_reserve(&bootmem, bi->info_start, bi->info_end);
    for (unsigned int i = 0; i < bi->nr_mods; i++)
        bootmem_reserve(&bootmem, bi->mods[i].start, bi->mods[i].end);
}

/* The AP trampoline needs one page below 1 MiB that the memory map calls usable. */
static void trampoline_setup(void)
{
    for (unsigned int i = 0; i < usable.nr && !trampoline_pa; i++) {
        paddr_t top = MIN(usable.r[i].end, LOW_MEMORY_END);

        if (top >= usable.r[i].start + PAGE_SIZE && top - PAGE_SIZE >= 0x1000)
            trampoline_pa = top - PAGE_SIZE;
    }
    if (!trampoline_pa)
        panic("mm: no usable page below 1 MiB for the AP trampoline");
}

/* The image, section by section: text read-only and executable, rodata and the symbol table
 * read-only, data and bss writable; only text is executable. Sections are page aligned. */
static void map_section(paddr_t root, const char *start, const char *end, uint64_t flags)
{
    uint64_t len = ALIGN_UP((uint64_t)(end - start), PAGE_SIZE);

    paging_map(root, (uint64_t)start, virt_to_maddr(start), len, flags, false);
}

static void map_image(paddr_t root)
{
    uint64_t g = boot_cpu_features.pge ? PTE_G : 0;

    map_section(root, _stext, _etext, g);
    map_section(root, _srodata, _erodata, PTE_NX | g);
    map_section(root, _sdata, _ebss, PTE_W | PTE_NX | g);
    map_section(root, _ebss, _end, PTE_NX | g);
}

/* Direct map: the first MiB, then every usable, ACPI and NVS range (merged, page-rounded). */
static void map_direct(paddr_t root, const struct boot_info *bi)
{
    struct bootmem dm;

    bootmem_init(&dm);
    bootmem_add(&dm, 0, LOW_MEMORY_END);
    for (unsigned int i = 0; i < bi->nr_mem; i++) {
        const struct boot_mem_range *r = &bi->mem[i];
        paddr_t s = ALIGN_DOWN(r->base, PAGE_SIZE), e = ALIGN_UP(r->base + r->len, PAGE_SIZE);

        if ((r->type == MEM_USABLE || r->type == MEM_ACPI || r->type == MEM_NVS) && e > s &&
            e <= DIRECTMAP_SIZE)
            bootmem_add(&dm, s, e);
    }
    for (unsigned int i = 0; i < dm.nr; i++)
        paging_map(root, DIRECTMAP_VIRT_START + dm.r[i].start, dm.r[i].start,
                   dm.r[i].end - dm.r[i].start, PTE_W | PTE_NX, true);
}

static void build_idle_tables(const struct boot_info *bi)
{
    paging_set_allocator(boot_pt_alloc);
    idle_root = paging_new_root();
    map_image(idle_root);
    map_direct(idle_root, bi);
    /* The trampoline runs at its physical address while the AP turns paging on. */
    paging_map(idle_root, trampoline_pa, trampoline_pa, PAGE_SIZE, 0, false);
    write_cr3(idle_root);
}

/* The M2P: one entry per frame, mapped read-only (and user, NX) at M2P_VIRT_START in the idle
 * tables, whose slots 256-271 every guest L4 shares. 2 MiB aligned so large pages map it. */
static void m2p_setup(void)
{
    uint64_t bytes = ALIGN_UP(max_pfn * sizeof(uint64_t), MiB(2));
    paddr_t pa = bootmem_alloc(&bootmem, bytes, MiB(2), max_pfn << PAGE_SHIFT);

    if (!pa || bytes > M2P_VIRT_END - M2P_VIRT_START)
        panic("mm: no room for the machine-to-phys table (%lu bytes)", (unsigned long)bytes);
    m2p = maddr_to_virt(pa);
    memset(m2p, 0xff, bytes);
    paging_map(idle_root, M2P_VIRT_START, pa, bytes, PTE_U | PTE_NX, true);
}

void mm_set_m2p(mfn_t mfn, uint64_t pfn)
{
    if (mfn < max_pfn)
        __atomic_store_n(&m2p[mfn], pfn, __ATOMIC_RELAXED);
}

uint64_t mm_get_m2p(mfn_t mfn)
{
    return mfn < max_pfn ? m2p[mfn] : M2P_INVALID;
}

uint64_t mm_max_mfn(void)
{
    return max_pfn;
}

uint64_t *pt_map_table(mfn_t mfn)
{
    return maddr_to_virt(mfn << PAGE_SHIFT);
}

void pt_fill_hyp_l4_slots(uint64_t *l4)
{
    const uint64_t *idle = maddr_to_virt(idle_root);

    for (unsigned int i = PT_L4_HYP_FIRST; i <= PT_L4_HYP_LAST; i++)
        l4[i] = idle[i];
}

static void frame_table_setup(void)
{
    uint64_t bytes;
    paddr_t ft;

    max_pfn = usable.nr ? usable.r[usable.nr - 1].end >> PAGE_SHIFT : 0;
    if (max_pfn > UINT32_MAX)
        max_pfn = UINT32_MAX; /* buddy links are 32-bit: 16 TiB */
    bytes = ALIGN_UP(max_pfn * sizeof(struct page_info), PAGE_SIZE);
    ft = bootmem_alloc(&bootmem, bytes, PAGE_SIZE, max_pfn << PAGE_SHIFT);
    if (!ft)
        panic("mm: no room for the frame table (%lu bytes)", (unsigned long)bytes);
    frame_table = maddr_to_virt(ft);
    for (uint64_t pfn = 0; pfn < max_pfn; pfn++)
        frame_table[pfn] = (struct page_info){PG_LIST_NONE, PG_LIST_NONE, PG_OWNER_NONE, 0, 0, 0};
    /* Usable frames start as the hypervisor's; the allocator gets what bootmem still has. */
    for (unsigned int i = 0; i < usable.nr; i++)
        for (uint64_t pfn = usable.r[i].start >> PAGE_SHIFT;
             pfn < usable.r[i].end >> PAGE_SHIFT && pfn < max_pfn; pfn++)
            frame_table[pfn].owner = PG_OWNER_HYP;
}

/* Frames kept out of the allocator for the firmware and the loader: owner NONE. */
static void mark_kept(paddr_t start, paddr_t end)
{
    for (uint64_t pfn = start >> PAGE_SHIFT; pfn < ALIGN_UP(end, PAGE_SIZE) >> PAGE_SHIFT &&
                                             pfn < max_pfn; pfn++)
        if (frame_table[pfn].owner == PG_OWNER_HYP)
            frame_table[pfn].owner = PG_OWNER_NONE;
}

static void buddy_setup(const struct boot_info *bi)
{
    buddy_init(&buddy, frame_table, max_pfn);
    mark_kept(0, LOW_MEMORY_END);
    mark_kept(bi->info_start, bi->info_end);
    for (unsigned int i = 0; i < bootmem.nr; i++)
        buddy_add_range(&buddy, bootmem.r[i].start >> PAGE_SHIFT,
                        MIN(bootmem.r[i].end >> PAGE_SHIFT, max_pfn));
    bootmem.nr = 0; /* everything now belongs to the buddy allocator */
    buddy_ready = true;
    paging_set_allocator(heap_pt_alloc);
}

void mm_init(const struct boot_info *bi, unsigned int nr_cpus)
{
    bootmem_setup(bi);
    if (!bootmem_total(&bootmem))
        panic("mm: no usable memory outside the image, the modules and the first MiB");
    trampoline_setup();
    build_idle_tables(bi);
    frame_table_setup();
    m2p_setup();
    for (unsigned int cpu = 0; cpu < nr_cpus; cpu++)
        if (!mm_map_cpu_stacks(cpu))
            panic("mm: cannot map the stacks of CPU %u", cpu);
    buddy_setup(bi);
}

paddr_t mm_idle_root(void)
{
    return idle_root;
}

paddr_t mm_trampoline_page(void)
{
    return trampoline_pa;
}

static paddr_t stack_frame_alloc(void)
{
    if (!buddy_ready)
        return bootmem_alloc(&bootmem, PAGE_SIZE, PAGE_SIZE, ~0ull);
    return heap_pt_alloc();
}

static bool map_stack_pages(uint64_t base, unsigned int first, unsigned int n)
{
    for (unsigned int i = first; i < first + n; i++) {
        paddr_t pa = stack_frame_alloc();

        if (!pa)
            return false;
        paging_map(idle_root, base + i * PAGE_SIZE, pa, PAGE_SIZE, PTE_W | PTE_NX, false);
    }
    return true;
}

uint64_t mm_map_cpu_stacks(unsigned int cpu)
{
    uint64_t base = STACKS_VIRT_START + (uint64_t)cpu * STACK_STRIDE;

    if (cpu >= MAX_CPUS)
        return 0;
    if (!map_stack_pages(base, STACK_NMI_PAGE, STACK_IST_PAGES) ||
        !map_stack_pages(base, STACK_DF_PAGE, STACK_IST_PAGES) ||
        !map_stack_pages(base, STACK_MC_PAGE, STACK_IST_PAGES) ||
        !map_stack_pages(base, STACK_MAIN_PAGE, STACK_MAIN_PAGES))
        return 0;
    return base;
}

static void *ioremap_flags(paddr_t pa, size_t len, uint64_t flags)
{
    paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
    uint64_t size, flags_irq, va = 0;

    if (!len || pa + len < pa)
        return NULL;
    size = ALIGN_UP(pa + len, PAGE_SIZE) - start;
    flags_irq = spin_lock_irqsave(&heap_lock);
    if (size <= IOREMAP_VIRT_START + IOREMAP_SIZE - ioremap_next) {
        va = ioremap_next;
        ioremap_next += size;
    }
    spin_unlock_irqrestore(&heap_lock, flags_irq);
    if (!va)
        return NULL;
    paging_map(idle_root, va, start, size, flags | PTE_W | PTE_NX, false);
    return (void *)(va + (pa - start));
}

void *ioremap(paddr_t pa, size_t len)
{
    return ioremap_flags(pa, len, PTE_PCD | PTE_PWT);
}

void *ioremap_cached(paddr_t pa, size_t len)
{
    return ioremap_flags(pa, len, 0);
}

void *mm_alloc_pages(unsigned int order)
{
    uint64_t flags = spin_lock_irqsave(&heap_lock);
    int64_t pfn = buddy_alloc(&buddy, order);

    spin_unlock_irqrestore(&heap_lock, flags);
    return pfn < 0 ? NULL : maddr_to_virt((paddr_t)pfn << PAGE_SHIFT);
}

void mm_free_pages(void *va, unsigned int order)
{
    uint64_t flags;

    if (!va)
        return;
    flags = spin_lock_irqsave(&heap_lock);
    buddy_free(&buddy, virt_to_maddr(va) >> PAGE_SHIFT, order);
    spin_unlock_irqrestore(&heap_lock, flags);
}

struct page_info *mm_frame(mfn_t mfn)
{
    return mfn < max_pfn ? &frame_table[mfn] : NULL;
}

uint64_t mm_free_frames(void)
{
    struct mm_stats st;

    mm_stats(&st);
    return st.free;
}

void mm_stats(struct mm_stats *st)
{
    uint64_t flags = spin_lock_irqsave(&heap_lock);

    memset(st, 0, sizeof(*st));
    for (unsigned int i = 0; i < usable.nr; i++) {
        for (uint64_t pfn = usable.r[i].start >> PAGE_SHIFT;
             pfn < usable.r[i].end >> PAGE_SHIFT && pfn < max_pfn; pfn++) {
            uint32_t owner = frame_table[pfn].owner;

            st->total++;
            st->free += owner == PG_OWNER_FREE;
            st->hyp += owner == PG_OWNER_HYP;
            st->firmware += owner == PG_OWNER_NONE;
        }
    }
    spin_unlock_irqrestore(&heap_lock, flags);
}
