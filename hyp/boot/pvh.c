/* pvh.c - a defensive reader of the PVH start_info (Xen public/arch-x86/hvm/start_info.h). */
#include "boot/pvh.h"

#define PVH_START_INFO_V0_SIZE 40 /* version 0 ends after rsdp_paddr */

/* The layouts are Xen's x86 ABI: little-endian, naturally aligned, no hidden padding. */
struct pvh_start_info {
    uint32_t magic;
    uint32_t version;
    uint32_t flags;
    uint32_t nr_modules;
    uint64_t modlist_paddr;
    uint64_t cmdline_paddr;
    uint64_t rsdp_paddr;
    /* version >= 1 */
    uint64_t memmap_paddr;
    uint32_t memmap_entries;
    uint32_t reserved;
};
_Static_assert(sizeof(struct pvh_start_info) == 56, "hvm_start_info v1 size");
_Static_assert(offsetof(struct pvh_start_info, memmap_paddr) == PVH_START_INFO_V0_SIZE,
               "hvm_start_info v0 size");

struct pvh_modlist_entry {
    uint64_t paddr;
    uint64_t size;
    uint64_t cmdline_paddr;
    uint64_t reserved;
};
_Static_assert(sizeof(struct pvh_modlist_entry) == 32, "hvm_modlist_entry size");

struct pvh_memmap_entry {
    uint64_t addr;
    uint64_t size;
    uint32_t type;
    uint32_t reserved;
};
_Static_assert(sizeof(struct pvh_memmap_entry) == 24, "hvm_memmap_table_entry size");

/* How to reach physical memory, and where results go. */
struct pvh_reader {
    pvh_map_fn map;
    void *ctx;
    struct boot_info *bi;
};

/* Copies element idx of the array of elem_size-byte elements at pa into dst; false if unreadable. */
static bool pvh_read(const struct pvh_reader *r, paddr_t pa, size_t idx, size_t elem_size,
                     void *dst)
{
    const void *p;

    /* The range [pa + idx * elem_size, + elem_size) must not pass 2^64 - 1; idx is small. */
    if ((uint64_t)(idx + 1) * elem_size - 1 > UINT64_MAX - pa)
        return false;
    p = r->map(r->ctx, pa + idx * elem_size, elem_size);
    if (!p)
        return false;
    memcpy(dst, p, elem_size);
    return true;
}

/*
 * Copies the string at pa into dst (size bytes with the NUL). Reads one byte at a time, so that a
 * string ending just before unreadable memory is read whatever granularity map has; that is at
 * most BOOT_CMDLINE_MAX calls per string, once, at boot.
 */
static void pvh_read_string(const struct pvh_reader *r, paddr_t pa, const char *what, char *dst,
                            size_t size)
{
    size_t i;
    uint8_t c;

    for (i = 0; i < size; i++) {
        if (!pvh_read(r, pa, i, 1, &c)) {
            printk(KERN_WARNING "pvh: %s at 0x%llx is not readable at byte %zu\n", what,
                   (unsigned long long)pa, i);
            r->bi->nr_errors++;
            break;
        }
        if (c == 0)
            break;
        if (i == size - 1) {
            printk(KERN_WARNING "pvh: %s at 0x%llx is not terminated within %zu bytes; "
                   "truncated\n", what, (unsigned long long)pa, size);
            r->bi->nr_errors++;
            break;
        }
        dst[i] = (char)c;
    }
    dst[i] = '\0'; /* every exit above leaves i < size */
}

/* Reads and checks start_info into si. Returns false if nothing can be trusted. */
static bool pvh_read_start_info(const struct pvh_reader *r, paddr_t pa, struct pvh_start_info *si)
{
    struct boot_info *bi = r->bi;
    size_t size = PVH_START_INFO_V0_SIZE;

    memset(si, 0, sizeof(*si));
    if (!pvh_read(r, pa, 0, PVH_START_INFO_V0_SIZE, si)) {
        printk(KERN_WARNING "pvh: start_info at 0x%llx is not readable\n", (unsigned long long)pa);
        goto err;
    }
    if (si->magic != PVH_START_MAGIC) {
        printk(KERN_WARNING "pvh: bad magic 0x%x in start_info at 0x%llx (expected 0x%x)\n",
               si->magic, (unsigned long long)pa, PVH_START_MAGIC);
        goto err;
    }
    if (si->version >= 1) {
        if (pvh_read(r, pa, 0, sizeof(*si), si)) {
            size = sizeof(*si);
        } else {
            printk(KERN_WARNING "pvh: start_info version %u at 0x%llx: bytes %d to %zu are not "
                   "readable\n", si->version, (unsigned long long)pa, PVH_START_INFO_V0_SIZE,
                   sizeof(*si));
            bi->nr_errors++;
        }
    }
    bi->info_start = pa;
    bi->info_end = pa + size; /* readable, so it did not pass 2^64 - 1 */
    return true;
err:
    bi->nr_errors++;
    return false;
}

/* Reads module idx of the list at list into bi->mods[], unless it is unreadable or wraps. */
static void pvh_read_module(const struct pvh_reader *r, paddr_t list, unsigned int idx)
{
    struct boot_info *bi = r->bi;
    struct pvh_modlist_entry e;
    struct boot_module *m;
    char what[32];

    if (!pvh_read(r, list, idx, sizeof(e), &e)) {
        printk(KERN_WARNING "pvh: module %u: list entry at 0x%llx is not readable\n", idx,
               (unsigned long long)(list + (uint64_t)idx * sizeof(e)));
        goto err;
    }
    if (e.size > UINT64_MAX - e.paddr) {
        printk(KERN_WARNING "pvh: module %u (paddr 0x%llx, size 0x%llx) passes 2^64; dropped\n",
               idx, (unsigned long long)e.paddr, (unsigned long long)e.size);
        goto err;
    }
    m = &bi->mods[bi->nr_mods++];
    m->start = e.paddr;
    m->end = e.paddr + e.size;
    if (e.cmdline_paddr != 0) {
        snprintf(what, sizeof(what), "module %u command line", idx);
        pvh_read_string(r, e.cmdline_paddr, what, m->string, sizeof(m->string));
    }
    return;
err:
    bi->nr_errors++;
}

static void pvh_read_modules(const struct pvh_reader *r, const struct pvh_start_info *si)
{
    unsigned int i, n = si->nr_modules;

    if (n != 0 && si->modlist_paddr == 0) {
        printk(KERN_WARNING "pvh: %u modules but no module list\n", n);
        r->bi->nr_errors++;
        n = 0;
    }
    if (n > BOOT_MAX_MODULES) {
        printk(KERN_WARNING "pvh: %u modules, only %d fit; the rest dropped\n", n,
               BOOT_MAX_MODULES);
        r->bi->nr_errors++;
        n = BOOT_MAX_MODULES;
    }
    for (i = 0; i < n; i++)
        pvh_read_module(r, si->modlist_paddr, i);
}

/* Adds one range: zero-length ones dropped silently, ones passing 2^64 clamped to 2^64 - 1. */
static void pvh_add_range(struct boot_info *bi, unsigned int idx, const struct pvh_memmap_entry *e)
{
    uint64_t len = e->size;

    if (len > UINT64_MAX - e->addr) {
        printk(KERN_WARNING "pvh: memory map entry %u (addr 0x%llx, size 0x%llx) passes 2^64; "
               "clamped\n", idx, (unsigned long long)e->addr, (unsigned long long)e->size);
        bi->nr_errors++;
        len = UINT64_MAX - e->addr;
    }
    if (len == 0)
        return;
    ASSERT(bi->nr_mem < BOOT_MAX_MEMMAP);
    bi->mem[bi->nr_mem].base = e->addr;
    bi->mem[bi->nr_mem].len = len;
    bi->mem[bi->nr_mem].type = e->type;
    bi->nr_mem++;
}

/* Reads the memory map into bi->mem[]. Returns false if there is none. */
static bool pvh_read_memmap(const struct pvh_reader *r, const struct pvh_start_info *si)
{
    struct boot_info *bi = r->bi;
    struct pvh_memmap_entry e;
    unsigned int i;

    if (si->version < 1 || si->memmap_entries == 0 || si->memmap_paddr == 0) {
        printk(KERN_WARNING "pvh: no memory map (start_info version %u, %u entries at 0x%llx)\n",
               si->version, si->memmap_entries, (unsigned long long)si->memmap_paddr);
        bi->nr_errors++;
        return false;
    }
    for (i = 0; i < si->memmap_entries; i++) {
        if (bi->nr_mem == BOOT_MAX_MEMMAP) {
            printk(KERN_WARNING "pvh: memory map has %u entries; the last %u dropped, only %d "
                   "ranges fit\n", si->memmap_entries, si->memmap_entries - i, BOOT_MAX_MEMMAP);
            bi->nr_errors++;
            break;
        }
        if (!pvh_read(r, si->memmap_paddr, i, sizeof(e), &e)) {
            printk(KERN_WARNING "pvh: memory map entry %u at 0x%llx is not readable\n", i,
                   (unsigned long long)(si->memmap_paddr + (uint64_t)i * sizeof(e)));
            bi->nr_errors++;
            break;
        }
        pvh_add_range(bi, i, &e);
    }
    return true;
}

int pvh_parse(paddr_t start_info_paddr, pvh_map_fn map, void *ctx, struct boot_info *bi)
{
    struct pvh_reader r = { .map = map, .ctx = ctx, .bi = bi };
    struct pvh_start_info si;
    int rc = -1;

    memset(bi, 0, sizeof(*bi));
    if (!pvh_read_start_info(&r, start_info_paddr, &si))
        goto out;
    if (si.cmdline_paddr != 0)
        pvh_read_string(&r, si.cmdline_paddr, "command line", bi->cmdline, sizeof(bi->cmdline));
    bi->rsdp = si.rsdp_paddr;
    pvh_read_modules(&r, &si);
    bootinfo_check_modules(bi, "pvh");
    if (!pvh_read_memmap(&r, &si))
        goto out;
    if (bootinfo_usable_bytes(bi) == 0) {
        printk(KERN_WARNING "pvh: no usable memory in the memory map\n");
        goto out;
    }
    rc = 0;
out:
    return rc;
}
