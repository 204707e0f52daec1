/* multiboot2.c - a defensive reader of the Multiboot2 information structure (spec version 2.0). */
#include "boot/multiboot2.h"

#define MB2_HEADER_SIZE 8     /* u32 total_size, u32 reserved */
#define MB2_MIN_TOTAL 16      /* the header and an end tag */
#define MB2_TAG_ALIGN 8
#define MB2_MMAP_ENTRY_MIN 24 /* u64 base_addr, u64 length, u32 type, u32 reserved */
#define MB2_RSDP_V1_LEN 20
#define MB2_RSDP_V2_LEN 36

enum mb2_tag_type {
    MB2_TAG_END = 0,
    MB2_TAG_CMDLINE = 1,
    MB2_TAG_LOADER = 2,
    MB2_TAG_MODULE = 3,
    MB2_TAG_MEMINFO = 4,
    MB2_TAG_MMAP = 6,
    MB2_TAG_ACPI_OLD = 14,
    MB2_TAG_ACPI_NEW = 15,
};

/* The walk's state: what may be read, and what was seen so far. */
struct mb2_walk {
    const uint8_t *mbi;
    size_t len; /* bytes that may be read at mbi: MIN(avail, total_size) */
    paddr_t paddr;
    struct boot_info *bi;
    bool have_mmap;
    bool have_meminfo;
    size_t meminfo_off;
    uint32_t mem_lower_kib; /* basic meminfo: RAM from 0 */
    uint32_t mem_upper_kib; /* basic meminfo: RAM from 1 MiB */
    bool have_new_rsdp;
};

/* How to read one known tag type. min_size includes the 8-byte tag header. */
struct mb2_tag_kind {
    uint32_t type;
    uint32_t min_size;
    const char *name;
    void (*parse)(struct mb2_walk *w, size_t off, uint32_t size);
};

bool mb2_magic_ok(uint32_t eax)
{
    return eax == MB2_BOOTLOADER_MAGIC;
}

/* Copies the string at str_off..size of the tag at off into dst, reporting what is wrong. */
static void mb2_copy_string(struct mb2_walk *w, const char *name, size_t off, size_t str_off,
                            uint32_t size, char *dst, size_t dst_size)
{
    const uint8_t *src = w->mbi + off + str_off;
    size_t max = size - str_off;
    const uint8_t *nul = memchr(src, 0, max);
    size_t n = nul ? (size_t)(nul - src) : max;

    if (!nul) {
        printk(KERN_WARNING "mb2: %s tag at offset %zu: string is not NUL-terminated within "
               "the tag's %u bytes\n", name, off, size);
        w->bi->nr_errors++;
    }
    if (n >= dst_size) {
        printk(KERN_WARNING "mb2: %s tag at offset %zu: string of %zu bytes truncated to %zu\n",
               name, off, n, dst_size - 1);
        w->bi->nr_errors++;
        n = dst_size - 1;
    }
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void mb2_tag_cmdline(struct mb2_walk *w, size_t off, uint32_t size)
{
    mb2_copy_string(w, "command line", off, 8, size, w->bi->cmdline, sizeof(w->bi->cmdline));
}

static void mb2_tag_loader(struct mb2_walk *w, size_t off, uint32_t size)
{
    mb2_copy_string(w, "boot loader name", off, 8, size, w->bi->loader, sizeof(w->bi->loader));
}

/* Module tag: u32 mod_start, u32 mod_end (one past the last byte), string. */
static void mb2_tag_module(struct mb2_walk *w, size_t off, uint32_t size)
{
    const uint8_t *tag = w->mbi + off;
    struct boot_module *m;

    if (w->bi->nr_mods == BOOT_MAX_MODULES) {
        printk(KERN_WARNING "mb2: module tag at offset %zu: more than %d modules; dropped\n", off,
               BOOT_MAX_MODULES);
        w->bi->nr_errors++;
        return;
    }
    m = &w->bi->mods[w->bi->nr_mods++];
    m->start = load_u32(tag + 8);
    m->end = load_u32(tag + 12);
    mb2_copy_string(w, "module", off, 16, size, m->string, sizeof(m->string));
}

static void mb2_tag_meminfo(struct mb2_walk *w, size_t off, uint32_t size __unused)
{
    w->have_meminfo = true;
    w->meminfo_off = off;
    w->mem_lower_kib = load_u32(w->mbi + off + 8);
    w->mem_upper_kib = load_u32(w->mbi + off + 12);
}

/*
 * Adds one memory range: zero-length ones are dropped silently, ones passing 2^64 are clamped to
 * end at 2^64 - 1 (so base + len never overflows later). Returns false if there was no room.
 */
static bool mb2_add_range(struct mb2_walk *w, size_t off, unsigned int idx, uint64_t base,
                          uint64_t len, uint32_t type)
{
    struct boot_info *bi = w->bi;
    bool ok = true;

    if (len > UINT64_MAX - base) {
        printk(KERN_WARNING "mb2: memory map tag at offset %zu: entry %u (base 0x%llx, length "
               "0x%llx) passes 2^64; clamped\n", off, idx, (unsigned long long)base,
               (unsigned long long)len);
        bi->nr_errors++;
        len = UINT64_MAX - base;
    }
    if (len == 0)
        goto out;
    if (bi->nr_mem == BOOT_MAX_MEMMAP) {
        ok = false;
        goto out;
    }
    bi->mem[bi->nr_mem].base = base;
    bi->mem[bi->nr_mem].len = len;
    bi->mem[bi->nr_mem].type = type;
    bi->nr_mem++;
out:
    return ok;
}

/* Memory map tag: u32 entry_size, u32 entry_version, then entries of entry_size bytes. */
static void mb2_tag_mmap(struct mb2_walk *w, size_t off, uint32_t size)
{
    const uint8_t *tag = w->mbi + off;
    uint32_t entry_size = load_u32(tag + 8);
    unsigned int i, n, dropped = 0;

    if (entry_size < MB2_MMAP_ENTRY_MIN || entry_size % 8 != 0) {
        printk(KERN_WARNING "mb2: memory map tag at offset %zu: entry_size %u is less than %d or "
               "not a multiple of 8; skipped\n", off, entry_size, MB2_MMAP_ENTRY_MIN);
        w->bi->nr_errors++;
        return;
    }
    /* entry_version (tag + 12) is 0 today; later versions only append fields, so it is ignored. */
    n = (size - 16) / entry_size;
    if ((size - 16) % entry_size != 0) {
        printk(KERN_WARNING "mb2: memory map tag at offset %zu: %u bytes after the last whole "
               "entry ignored\n", off, (size - 16) % entry_size);
        w->bi->nr_errors++;
    }
    w->have_mmap = true;
    for (i = 0; i < n; i++) {
        const uint8_t *e = tag + 16 + (size_t)i * entry_size;

        if (!mb2_add_range(w, off, i, load_u64(e), load_u64(e + 8), load_u32(e + 16)))
            dropped++;
    }
    if (dropped) {
        printk(KERN_WARNING "mb2: memory map tag at offset %zu: %u ranges dropped, only %d fit\n",
               off, dropped, BOOT_MAX_MEMMAP);
        w->bi->nr_errors++;
    }
}

static void mb2_copy_rsdp(struct mb2_walk *w, size_t off, unsigned int len)
{
    memcpy(w->bi->rsdp_copy, w->mbi + off + 8, len);
    w->bi->rsdp_copy_len = len;
    w->bi->rsdp = w->paddr + off + 8;
}

static void mb2_tag_acpi_old(struct mb2_walk *w, size_t off, uint32_t size __unused)
{
    if (!w->have_new_rsdp)
        mb2_copy_rsdp(w, off, MB2_RSDP_V1_LEN);
}

static void mb2_tag_acpi_new(struct mb2_walk *w, size_t off, uint32_t size __unused)
{
    BUILD_BUG_ON(sizeof(w->bi->rsdp_copy) < MB2_RSDP_V2_LEN);
    w->have_new_rsdp = true;
    mb2_copy_rsdp(w, off, MB2_RSDP_V2_LEN);
}

static const struct mb2_tag_kind mb2_tag_kinds[] = {
    { MB2_TAG_CMDLINE, 8, "command line", mb2_tag_cmdline },
    { MB2_TAG_LOADER, 8, "boot loader name", mb2_tag_loader },
    { MB2_TAG_MODULE, 16, "module", mb2_tag_module },
    { MB2_TAG_MEMINFO, 16, "basic meminfo", mb2_tag_meminfo },
    { MB2_TAG_MMAP, 16, "memory map", mb2_tag_mmap },
    { MB2_TAG_ACPI_OLD, 8 + MB2_RSDP_V1_LEN, "ACPI old RSDP", mb2_tag_acpi_old },
    { MB2_TAG_ACPI_NEW, 8 + MB2_RSDP_V2_LEN, "ACPI new RSDP", mb2_tag_acpi_new },
};

/* Hands one whole, in-bounds tag to its reader; unknown types are skipped. */
static void mb2_tag(struct mb2_walk *w, size_t off, uint32_t type, uint32_t size)
{
    const struct mb2_tag_kind *k;

    for (k = mb2_tag_kinds; k < mb2_tag_kinds + ARRAY_SIZE(mb2_tag_kinds); k++) {
        if (k->type != type)
            continue;
        if (size < k->min_size) {
            printk(KERN_WARNING "mb2: %s tag at offset %zu: size %u, need at least %u; skipped\n",
                   k->name, off, size, k->min_size);
            w->bi->nr_errors++;
            return;
        }
        k->parse(w, off, size);
        return;
    }
}

/*
 * Checks the tag header at off. Returns the offset of the next tag, or 0 to stop the walk (at the
 * end tag, or at a header that cannot be trusted: its message is printed here).
 */
static size_t mb2_next_tag(struct mb2_walk *w, size_t off)
{
    uint32_t type, size;
    size_t next = 0;

    if (w->len - off < 8) {
        printk(KERN_WARNING "mb2: tag at offset %zu: header runs past the end at offset %zu\n",
               off, w->len);
        goto err;
    }
    type = load_u32(w->mbi + off);
    size = load_u32(w->mbi + off + 4);
    if (size < 8) {
        printk(KERN_WARNING "mb2: tag at offset %zu (type %u): size %u is less than 8\n", off,
               type, size);
        goto err;
    }
    if (size > w->len - off) {
        printk(KERN_WARNING "mb2: tag at offset %zu (type %u): size %u runs past the end at "
               "offset %zu\n", off, type, size, w->len);
        goto err;
    }
    if (type == MB2_TAG_END) {
        if (size != 8) {
            printk(KERN_WARNING "mb2: end tag at offset %zu: size %u, expected 8\n", off, size);
            w->bi->nr_errors++;
        }
        goto out;
    }
    mb2_tag(w, off, type, size);
    next = ALIGN_UP(off + size, (size_t)MB2_TAG_ALIGN);
    if (next > w->len) {
        printk(KERN_WARNING "mb2: tag at offset %zu (type %u): next tag would be misaligned, "
               "its padding runs past the end at offset %zu\n", off, type, w->len);
        next = 0;
        goto err;
    }
    goto out;
err:
    w->bi->nr_errors++;
out:
    return next;
}

/*
 * Checks the fixed header and sets w->len to how much to walk. Returns false if there are no
 * tags to walk.
 */
static bool mb2_header(struct mb2_walk *w, size_t avail)
{
    struct boot_info *bi = w->bi;
    uint32_t total;

    if (avail < MB2_HEADER_SIZE) {
        printk(KERN_WARNING "mb2: only %zu bytes readable, the %d-byte header does not fit\n",
               avail, MB2_HEADER_SIZE);
        bi->nr_errors++;
        return false;
    }
    total = load_u32(w->mbi);
    w->len = MIN((size_t)total, avail);
    bi->info_start = w->paddr;
    bi->info_end = w->paddr + MIN((uint64_t)w->len, UINT64_MAX - w->paddr);
    if (!IS_ALIGNED(w->paddr, MB2_TAG_ALIGN)) {
        printk(KERN_WARNING "mb2: structure at 0x%llx is not 8-byte aligned\n",
               (unsigned long long)w->paddr);
        bi->nr_errors++;
    }
    if (total < MB2_MIN_TOTAL) {
        printk(KERN_WARNING "mb2: total_size %u is less than %d\n", total, MB2_MIN_TOTAL);
        bi->nr_errors++;
        return false;
    }
    if (total > avail) {
        printk(KERN_WARNING "mb2: total_size %u exceeds the %zu readable bytes; parsing only "
               "those\n", total, avail);
        bi->nr_errors++;
    }
    return true;
}

/* Without a memory map, the basic meminfo tag gives RAM below 640 KiB and from 1 MiB. */
static void mb2_meminfo_fallback(struct mb2_walk *w)
{
    if (w->have_mmap || !w->have_meminfo)
        return;
    mb2_add_range(w, w->meminfo_off, 0, 0, (uint64_t)w->mem_lower_kib * KiB(1), MEM_USABLE);
    mb2_add_range(w, w->meminfo_off, 1, MiB(1), (uint64_t)w->mem_upper_kib * KiB(1), MEM_USABLE);
}

/* Walks the tags after the header, until the end tag or a tag that cannot be trusted. */
static void mb2_walk_tags(struct mb2_walk *w)
{
    size_t off = MB2_HEADER_SIZE;

    while (off != 0 && off < w->len)
        off = mb2_next_tag(w, off);
    if (off == w->len) {
        printk(KERN_WARNING "mb2: missing end tag (the tags end at offset %zu)\n", off);
        w->bi->nr_errors++;
    }
}

int mb2_parse(const void *mbi, size_t avail, paddr_t mbi_paddr, struct boot_info *bi)
{
    struct mb2_walk w = { .mbi = mbi, .paddr = mbi_paddr, .bi = bi };
    int rc = 0;

    memset(bi, 0, sizeof(*bi));
    if (mb2_header(&w, avail))
        mb2_walk_tags(&w);
    mb2_meminfo_fallback(&w);
    bootinfo_check_modules(bi, "mb2");
    if (bootinfo_usable_bytes(bi) == 0) {
        printk(KERN_WARNING "mb2: no usable memory in the memory map\n");
        rc = -1;
    }
    return rc;
}
