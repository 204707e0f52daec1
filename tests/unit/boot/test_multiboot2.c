/* test_multiboot2.c - mb2_parse() and the shared boot_info checks, on good and hostile MBIs. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/multiboot2.h"
#include "support.h"

#define MBI_PADDR 0x10000ull
#define MBI_MAX 8192
#define AVAIL_ALL SIZE_MAX
#define MOD0_START 0x200000u
#define MOD0_END 0x201234u
#define MOD1_START 0x202000u
#define MOD1_END 0x280000u

/* A Multiboot2 information structure being built. */
struct mbi {
    uint8_t b[MBI_MAX];
    size_t len;
};

/* QEMU's e820 for 512 MiB (SeaBIOS), as GRUB passes it on. */
static const struct boot_mem_range qemu_mem[] = {
    { 0x0, 0x9fc00, MEM_USABLE },
    { 0x9fc00, 0x400, MEM_RESERVED },
    { 0xf0000, 0x10000, MEM_RESERVED },
    { 0x100000, 0x1fee0000, MEM_USABLE },
    { 0x1ffe0000, 0x20000, MEM_RESERVED },
    { 0xfffc0000, 0x40000, MEM_RESERVED },
};
#define QEMU_USABLE (0x9fc00ull + 0x1fee0000ull)
#define QEMU_CMDLINE "/boot/hyp.elf console=com1 loglvl=all"
#define QEMU_LOADER "GRUB 2.06-13+deb12u1"

static void put32(struct mbi *m, size_t off, uint32_t v)
{
    memcpy(m->b + off, &v, sizeof(v));
}

static void put64(struct mbi *m, size_t off, uint64_t v)
{
    memcpy(m->b + off, &v, sizeof(v));
}

static void mbi_begin(struct mbi *m)
{
    memset(m, 0, sizeof(*m));
    m->len = 8;
}

/* Sets total_size to what was built (no end tag added). */
static void mbi_finish(struct mbi *m)
{
    put32(m, 0, (uint32_t)m->len);
}

/* Appends a tag whose size field is size, with plen payload bytes, padded to 8. Returns its offset. */
static size_t mbi_raw(struct mbi *m, uint32_t type, uint32_t size, const void *payload, size_t plen)
{
    size_t off = m->len;

    ck_assert_uint_le(off + 8 + plen, MBI_MAX);
    put32(m, off, type);
    put32(m, off + 4, size);
    if (plen)
        memcpy(m->b + off + 8, payload, plen);
    m->len = ALIGN_UP(off + 8 + plen, 8);
    return off;
}

static size_t mbi_tag(struct mbi *m, uint32_t type, const void *payload, size_t plen)
{
    return mbi_raw(m, type, (uint32_t)(8 + plen), payload, plen);
}

static void mbi_end(struct mbi *m)
{
    mbi_tag(m, 0, NULL, 0);
    mbi_finish(m);
}

static size_t mbi_string(struct mbi *m, uint32_t type, const char *s)
{
    return mbi_tag(m, type, s, strlen(s) + 1);
}

static void mbi_module(struct mbi *m, uint32_t start, uint32_t end, const char *s)
{
    uint8_t p[8 + 300];

    memcpy(p, &start, 4);
    memcpy(p + 4, &end, 4);
    strcpy((char *)p + 8, s);
    mbi_tag(m, 3, p, 8 + strlen(s) + 1);
}

static void mbi_meminfo(struct mbi *m, uint32_t lower_kib, uint32_t upper_kib)
{
    uint32_t p[2] = { lower_kib, upper_kib };

    mbi_tag(m, 4, p, sizeof(p));
}

/* A memory map tag: n entries of entry_size bytes, then extra stray bytes. */
static size_t mbi_mmap_ex(struct mbi *m, const struct boot_mem_range *r, size_t n,
                          uint32_t entry_size, size_t extra)
{
    size_t off = m->len, i, e;
    size_t size = 16 + n * entry_size + extra;

    ck_assert_uint_le(off + size + 8, MBI_MAX);
    put32(m, off, 6);
    put32(m, off + 4, (uint32_t)size);
    put32(m, off + 8, entry_size);
    put32(m, off + 12, 0);
    for (i = 0; i < n; i++) {
        e = off + 16 + i * entry_size;
        put64(m, e, r[i].base);
        put64(m, e + 8, r[i].len);
        put32(m, e + 16, r[i].type);
    }
    m->len = ALIGN_UP(off + size, 8);
    return off;
}

static size_t mbi_mmap(struct mbi *m, const struct boot_mem_range *r, size_t n)
{
    return mbi_mmap_ex(m, r, n, 24, 0);
}

/* An RSDP copy tag (14: 20 bytes, 15: 36 bytes) whose bytes all equal fill after the signature. */
static void mbi_rsdp(struct mbi *m, uint32_t type, size_t len, uint8_t fill)
{
    uint8_t p[36];

    memset(p, fill, sizeof(p));
    memcpy(p, "RSD PTR ", 8);
    mbi_tag(m, type, p, len);
}

/* The good structure, as GRUB builds it under QEMU, with tags we do not read mixed in. */
static void build_good(struct mbi *m)
{
    static const uint8_t fb[24] = { 0 };
    uint32_t load_base = 0x100000;

    mbi_begin(m);
    mbi_string(m, 1, QEMU_CMDLINE);
    mbi_string(m, 2, QEMU_LOADER);
    mbi_tag(m, 21, &load_base, sizeof(load_base));
    mbi_module(m, MOD0_START, MOD0_END, "/boot/dom0.elf console=hvc0");
    mbi_module(m, MOD1_START, MOD1_END, "/boot/initrd.img");
    mbi_meminfo(m, 639, 523136);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_tag(m, 8, fb, sizeof(fb));
    mbi_rsdp(m, 14, 20, 0x11);
    mbi_rsdp(m, 15, 36, 0x22);
    mbi_end(m);
}

/* ---- the hostile cases: each builds one structure that is wrong in one way ---- */

static void build_total_small(struct mbi *m)
{
    mbi_begin(m);
    mbi_end(m);
    put32(m, 0, 12);
}

static void build_total_exceeds(struct mbi *m)
{
    build_good(m);
    put32(m, 0, (uint32_t)m->len + 64);
}

/* Memory map first (ends at offset 168), then a command line: lets a cut keep the map. */
static void build_mmap_first(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_string(m, 1, "console=com1");
    mbi_end(m);
}

static void build_tag_size_small(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_raw(m, 1, 4, "abcdefgh", 8);
    mbi_end(m);
}

static void build_tag_past_end(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_raw(m, 1, 200, "abcdefg", 8);
    mbi_finish(m);
}

static void build_header_past_end(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    m->len += 4;
    mbi_finish(m);
}

/* A 13-byte tag ends the structure: its padding, and so the next tag, lie past the end. */
static void build_misaligned_next(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_string(m, 1, "abcd");
    m->len -= 3;
    mbi_finish(m);
}

static void build_missing_end(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_string(m, 1, "abcd");
    mbi_finish(m);
}

static void build_end_size_bad(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_raw(m, 0, 16, "12345678", 8);
    mbi_finish(m);
}

static void build_entry_size_small(struct mbi *m)
{
    mbi_begin(m);
    mbi_meminfo(m, 639, 523136);
    mbi_mmap_ex(m, qemu_mem, ARRAY_SIZE(qemu_mem), 20, 0);
    mbi_end(m);
}

static void build_entry_size_odd(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap_ex(m, qemu_mem, ARRAY_SIZE(qemu_mem), 28, 0);
    mbi_end(m);
}

static void build_mmap_trailing(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap_ex(m, qemu_mem, ARRAY_SIZE(qemu_mem), 24, 8);
    mbi_end(m);
}

static void build_too_many_ranges(struct mbi *m)
{
    struct boot_mem_range r[BOOT_MAX_MEMMAP + 2];
    size_t i;

    for (i = 0; i < ARRAY_SIZE(r); i++)
        r[i] = (struct boot_mem_range){ MiB(1) * (i + 1), KiB(4), MEM_USABLE };
    mbi_begin(m);
    mbi_mmap(m, r, ARRAY_SIZE(r));
    mbi_end(m);
}

static void build_too_many_modules(struct mbi *m)
{
    uint32_t i;

    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    for (i = 0; i < BOOT_MAX_MODULES + 1; i++)
        mbi_module(m, MOD0_START + i * 0x1000, MOD0_START + i * 0x1000 + 0x800, "m");
    mbi_end(m);
}

static void build_module_empty(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_module(m, MOD0_START, MOD0_START, "empty");
    mbi_module(m, MOD1_START, MOD1_END, "good");
    mbi_end(m);
}

static void build_module_inverted(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_module(m, MOD0_START, MOD0_END, "good");
    mbi_module(m, MOD1_END, MOD1_START, "inverted");
    mbi_end(m);
}

static void build_modules_overlap(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_module(m, 0x200000, 0x300000, "first");
    mbi_module(m, 0x400000, 0x500000, "apart");
    mbi_module(m, 0x2ff000, 0x380000, "second");
    mbi_end(m);
}

static void build_module_over_mbi(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_module(m, MBI_PADDR - 0x100, MBI_PADDR + 0x10, "over");
    mbi_end(m);
}

static void build_zero_len_ranges(struct mbi *m)
{
    struct boot_mem_range r[ARRAY_SIZE(qemu_mem) + 2];

    memcpy(r, qemu_mem, sizeof(qemu_mem));
    r[6] = (struct boot_mem_range){ GiB(8), 0, MEM_USABLE };
    r[7] = (struct boot_mem_range){ 0, 0, MEM_RESERVED };
    mbi_begin(m);
    mbi_mmap(m, r, ARRAY_SIZE(r));
    mbi_end(m);
}

static void build_range_wraps(struct mbi *m)
{
    struct boot_mem_range r[ARRAY_SIZE(qemu_mem) + 1];

    memcpy(r, qemu_mem, sizeof(qemu_mem));
    r[6] = (struct boot_mem_range){ 0xffffffff00000000ull, 0x200000000ull, MEM_RESERVED };
    mbi_begin(m);
    mbi_mmap(m, r, ARRAY_SIZE(r));
    mbi_end(m);
}

static void build_no_usable(struct mbi *m)
{
    static const struct boot_mem_range r[] = {
        { 0x0, 0x9fc00, MEM_RESERVED },
        { 0x100000, 0x1000000, MEM_ACPI },
    };

    mbi_begin(m);
    mbi_mmap(m, r, ARRAY_SIZE(r));
    mbi_end(m);
}

static void build_no_memory_tags(struct mbi *m)
{
    mbi_begin(m);
    mbi_string(m, 1, "console=com1");
    mbi_end(m);
}

static void build_cmdline_no_nul(struct mbi *m)
{
    mbi_begin(m);
    mbi_raw(m, 1, 12, "abcd", 4);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_end(m);
}

static void build_cmdline_long(struct mbi *m)
{
    char s[2001];

    memset(s, 'x', 2000);
    s[2000] = '\0';
    mbi_begin(m);
    mbi_string(m, 1, s);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_end(m);
}

static void build_module_tag_small(struct mbi *m)
{
    mbi_begin(m);
    mbi_raw(m, 3, 12, "\0\0\x20\0", 4);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_end(m);
}

static void build_rsdp_new_small(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_rsdp(m, 15, 20, 0x22);
    mbi_end(m);
}

static void build_meminfo_only(struct mbi *m)
{
    mbi_begin(m);
    mbi_meminfo(m, 639, 523136);
    mbi_end(m);
}

static void build_meminfo_after_mmap(struct mbi *m)
{
    mbi_begin(m);
    mbi_mmap(m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_meminfo(m, 639, 1);
    mbi_end(m);
}

/* One case: a structure, how much of it is readable, and what mb2_parse() must make of it. */
struct mb2_case {
    const char *name;
    void (*build)(struct mbi *m);
    size_t avail;         /* AVAIL_ALL: the whole buffer */
    paddr_t paddr;        /* 0: MBI_PADDR */
    int rc;
    const char *msg;      /* must be in the log; NULL: no "mb2:" message at all */
    const char *msg2;     /* must also be in the log, if set */
    unsigned int nr_errors;
    unsigned int nr_mem;
    unsigned int nr_mods;
};

static const struct mb2_case cases[] = {
    { "good", build_good, AVAIL_ALL, 0, 0, NULL, NULL, 0, 6, 2 },
    { "total_size < 16", build_total_small, AVAIL_ALL, 0, -1,
      "mb2: total_size 12 is less than 16", "mb2: no usable memory in the memory map", 1, 0, 0 },
    { "header not readable", build_good, 4, 0, -1,
      "mb2: only 4 bytes readable, the 8-byte header does not fit",
      "mb2: no usable memory in the memory map", 1, 0, 0 },
    { "total_size > avail, end tag readable", build_total_exceeds, AVAIL_ALL, 0, 0,
      "readable bytes; parsing only those", NULL, 1, 6, 2 },
    { "total_size > avail, cut after the mmap", build_mmap_first, 168, 0, 0,
      "mb2: total_size 200 exceeds the 168 readable bytes; parsing only those",
      "mb2: missing end tag (the tags end at offset 168)", 2, 6, 0 },
    { "tag size < 8", build_tag_size_small, AVAIL_ALL, 0, 0,
      "mb2: tag at offset 168 (type 1): size 4 is less than 8", NULL, 1, 6, 0 },
    { "tag runs past the end", build_tag_past_end, AVAIL_ALL, 0, 0,
      "mb2: tag at offset 168 (type 1): size 200 runs past the end at offset 184", NULL, 1, 6, 0 },
    { "tag header runs past the end", build_header_past_end, AVAIL_ALL, 0, 0,
      "mb2: tag at offset 168: header runs past the end at offset 172", NULL, 1, 6, 0 },
    { "misaligned next tag", build_misaligned_next, AVAIL_ALL, 0, 0,
      "mb2: tag at offset 168 (type 1): next tag would be misaligned, its padding runs past the "
      "end at offset 181", NULL, 1, 6, 0 },
    { "missing end tag", build_missing_end, AVAIL_ALL, 0, 0,
      "mb2: missing end tag (the tags end at offset 184)", NULL, 1, 6, 0 },
    { "end tag size != 8", build_end_size_bad, AVAIL_ALL, 0, 0,
      "mb2: end tag at offset 168: size 16, expected 8", NULL, 1, 6, 0 },
    { "mmap entry_size < 24 (meminfo used instead)", build_entry_size_small, AVAIL_ALL, 0, 0,
      "mb2: memory map tag at offset 24: entry_size 20 is less than 24 or not a multiple of 8; "
      "skipped", NULL, 1, 2, 0 },
    { "mmap entry_size not a multiple of 8", build_entry_size_odd, AVAIL_ALL, 0, -1,
      "mb2: memory map tag at offset 8: entry_size 28 is less than 24 or not a multiple of 8",
      "mb2: no usable memory in the memory map", 1, 0, 0 },
    { "mmap with a partial entry", build_mmap_trailing, AVAIL_ALL, 0, 0,
      "mb2: memory map tag at offset 8: 8 bytes after the last whole entry ignored", NULL, 1, 6,
      0 },
    { "more ranges than fit", build_too_many_ranges, AVAIL_ALL, 0, 0,
      "mb2: memory map tag at offset 8: 2 ranges dropped, only 128 fit", NULL, 1, 128, 0 },
    { "more modules than fit", build_too_many_modules, AVAIL_ALL, 0, 0,
      "more than 16 modules; dropped", NULL, 1, 6, 16 },
    { "module end == start", build_module_empty, AVAIL_ALL, 0, 0,
      "mb2: module 0: end 0x200000 is not above start 0x200000; dropped", NULL, 1, 6, 1 },
    { "module end < start", build_module_inverted, AVAIL_ALL, 0, 0,
      "mb2: module 1: end 0x202000 is not above start 0x280000; dropped", NULL, 1, 6, 1 },
    { "modules overlap", build_modules_overlap, AVAIL_ALL, 0, 0,
      "mb2: modules 0 and 2 overlap ([0x200000, 0x300000) and [0x2ff000, 0x380000)); module 2 "
      "dropped", NULL, 1, 6, 2 },
    { "module overlaps the MBI", build_module_over_mbi, AVAIL_ALL, 0, 0,
      "mb2: module 0 [0xff00, 0x10010) overlaps the boot information structure [0x10000, ",
      NULL, 1, 6, 0 },
    { "zero-length ranges dropped silently", build_zero_len_ranges, AVAIL_ALL, 0, 0, NULL, NULL,
      0, 6, 0 },
    { "range passes 2^64", build_range_wraps, AVAIL_ALL, 0, 0,
      "mb2: memory map tag at offset 8: entry 6 (base 0xffffffff00000000, length 0x200000000) "
      "passes 2^64; clamped", NULL, 1, 7, 0 },
    { "no usable memory", build_no_usable, AVAIL_ALL, 0, -1,
      "mb2: no usable memory in the memory map", NULL, 0, 2, 0 },
    { "no memory tags at all", build_no_memory_tags, AVAIL_ALL, 0, -1,
      "mb2: no usable memory in the memory map", NULL, 0, 0, 0 },
    { "string without NUL", build_cmdline_no_nul, AVAIL_ALL, 0, 0,
      "mb2: command line tag at offset 8: string is not NUL-terminated within the tag's 12 bytes",
      NULL, 1, 6, 0 },
    { "string longer than its field", build_cmdline_long, AVAIL_ALL, 0, 0,
      "mb2: command line tag at offset 8: string of 2000 bytes truncated to 1023", NULL, 1, 6, 0 },
    { "module tag too small", build_module_tag_small, AVAIL_ALL, 0, 0,
      "mb2: module tag at offset 8: size 12, need at least 16; skipped", NULL, 1, 6, 0 },
    { "new RSDP tag too small", build_rsdp_new_small, AVAIL_ALL, 0, 0,
      "mb2: ACPI new RSDP tag at offset 168: size 28, need at least 44; skipped", NULL, 1, 6, 0 },
    { "basic meminfo without mmap", build_meminfo_only, AVAIL_ALL, 0, 0, NULL, NULL, 0, 2, 0 },
    { "basic meminfo ignored after mmap", build_meminfo_after_mmap, AVAIL_ALL, 0, 0, NULL, NULL,
      0, 6, 0 },
    { "MBI not 8-byte aligned", build_good, AVAIL_ALL, MBI_PADDR + 4, 0,
      "mb2: structure at 0x10004 is not 8-byte aligned", NULL, 1, 6, 2 },
};

static struct boot_info bi;

/* Parses m from a heap copy of exactly avail bytes, so ASan sees any read past them. */
static int parse_copy(const struct mbi *m, size_t avail, paddr_t paddr)
{
    uint8_t *copy = malloc(avail ? avail : 1);
    int rc;

    ck_assert_ptr_nonnull(copy);
    memcpy(copy, m->b, avail);
    support_reset();
    rc = mb2_parse(copy, avail, paddr, &bi);
    free(copy);
    return rc;
}

START_TEST(test_case_table)
{
    const struct mb2_case *c = &cases[_i];
    struct mbi m;
    size_t avail;
    int rc;

    c->build(&m);
    avail = c->avail == AVAIL_ALL ? m.len : c->avail;
    rc = parse_copy(&m, avail, c->paddr ? c->paddr : MBI_PADDR);
    ck_assert_msg(rc == c->rc, "%s: rc %d, expected %d; log:\n%s", c->name, rc, c->rc,
                  support_log);
    if (c->msg)
        ck_assert_msg(support_log_has(c->msg), "%s: no '%s' in log:\n%s", c->name, c->msg,
                      support_log);
    else
        ck_assert_msg(!support_log_has("mb2:"), "%s: unexpected log:\n%s", c->name, support_log);
    if (c->msg2)
        ck_assert_msg(support_log_has(c->msg2), "%s: no '%s' in log:\n%s", c->name, c->msg2,
                      support_log);
    ck_assert_msg(bi.nr_errors == c->nr_errors, "%s: %u errors, expected %u; log:\n%s", c->name,
                  bi.nr_errors, c->nr_errors, support_log);
    ck_assert_msg(bi.nr_mem == c->nr_mem, "%s: nr_mem %u, expected %u", c->name, bi.nr_mem,
                  c->nr_mem);
    ck_assert_msg(bi.nr_mods == c->nr_mods, "%s: nr_mods %u, expected %u", c->name, bi.nr_mods,
                  c->nr_mods);
}
END_TEST

/* Every case, cut to every length: never a read past the cut, always a sane result. */
START_TEST(test_case_truncated)
{
    const struct mb2_case *c = &cases[_i];
    struct mbi m;
    size_t avail, n;
    int rc;

    c->build(&m);
    n = c->avail == AVAIL_ALL ? m.len : MIN(c->avail, m.len);
    for (avail = 0; avail <= n; avail++) {
        rc = parse_copy(&m, avail, MBI_PADDR);
        ck_assert_msg(rc == 0 || rc == -1, "%s/%zu: rc %d", c->name, avail, rc);
        ck_assert_uint_le(bi.nr_mem, BOOT_MAX_MEMMAP);
        ck_assert_uint_le(bi.nr_mods, BOOT_MAX_MODULES);
        ck_assert_uint_lt(strnlen(bi.cmdline, sizeof(bi.cmdline)), sizeof(bi.cmdline));
        ck_assert_uint_lt(strnlen(bi.loader, sizeof(bi.loader)), sizeof(bi.loader));
        if (avail < m.len)
            ck_assert_msg(bi.nr_errors > 0, "%s/%zu: cut not reported", c->name, avail);
        ck_assert_uint_le(bi.info_end - bi.info_start, avail);
    }
}
END_TEST

START_TEST(test_good_fields)
{
    struct mbi m;
    unsigned int i;

    build_good(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_str_eq(bi.cmdline, QEMU_CMDLINE);
    ck_assert_str_eq(bi.loader, QEMU_LOADER);
    ck_assert_uint_eq(bi.nr_mods, 2);
    ck_assert_uint_eq(bi.mods[0].start, MOD0_START);
    ck_assert_uint_eq(bi.mods[0].end, MOD0_END);
    ck_assert_str_eq(bi.mods[0].string, "/boot/dom0.elf console=hvc0");
    ck_assert_uint_eq(bi.mods[1].start, MOD1_START);
    ck_assert_uint_eq(bi.mods[1].end, MOD1_END);
    ck_assert_str_eq(bi.mods[1].string, "/boot/initrd.img");
    ck_assert_uint_eq(bi.nr_mem, ARRAY_SIZE(qemu_mem));
    for (i = 0; i < ARRAY_SIZE(qemu_mem); i++) {
        ck_assert_uint_eq(bi.mem[i].base, qemu_mem[i].base);
        ck_assert_uint_eq(bi.mem[i].len, qemu_mem[i].len);
        ck_assert_uint_eq(bi.mem[i].type, qemu_mem[i].type);
    }
    ck_assert_uint_eq(bootinfo_usable_bytes(&bi), QEMU_USABLE);
    ck_assert_uint_eq(bi.rsdp_copy_len, 36);
    ck_assert_mem_eq(bi.rsdp_copy, "RSD PTR \x22\x22", 10);
    ck_assert_uint_eq(bi.rsdp, MBI_PADDR + m.len - 8 - 48 + 8); /* new RSDP tag, then end tag */
    ck_assert_uint_eq(bi.info_start, MBI_PADDR);
    ck_assert_uint_eq(bi.info_end, MBI_PADDR + m.len);
    ck_assert_uint_eq(bi.nr_errors, 0);
}
END_TEST

START_TEST(test_rsdp_choice)
{
    struct mbi m;

    /* The new RSDP wins even when the old one comes after it. */
    mbi_begin(&m);
    mbi_mmap(&m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_rsdp(&m, 15, 36, 0x22);
    mbi_rsdp(&m, 14, 20, 0x11);
    mbi_end(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(bi.rsdp_copy_len, 36);
    ck_assert_uint_eq(bi.rsdp_copy[8], 0x22);
    ck_assert_uint_eq(bi.rsdp, MBI_PADDR + 168 + 8);

    /* Only the old one. */
    mbi_begin(&m);
    mbi_mmap(&m, qemu_mem, ARRAY_SIZE(qemu_mem));
    mbi_rsdp(&m, 14, 20, 0x11);
    mbi_end(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(bi.rsdp_copy_len, 20);
    ck_assert_uint_eq(bi.rsdp_copy[19], 0x11);
    ck_assert_uint_eq(bi.rsdp_copy[20], 0);
}
END_TEST

START_TEST(test_meminfo_ranges)
{
    struct mbi m;

    build_meminfo_only(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(bi.mem[0].base, 0);
    ck_assert_uint_eq(bi.mem[0].len, 639 * 1024);
    ck_assert_uint_eq(bi.mem[1].base, MiB(1));
    ck_assert_uint_eq(bi.mem[1].len, 523136ull * 1024);
    ck_assert_uint_eq(bi.mem[1].type, MEM_USABLE);
}
END_TEST

START_TEST(test_range_clamped)
{
    struct mbi m;

    build_range_wraps(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(bi.mem[6].base, 0xffffffff00000000ull);
    ck_assert_uint_eq(bi.mem[6].len, 0xffffffffull);
}
END_TEST

START_TEST(test_overlap_keeps_first)
{
    struct mbi m;

    build_modules_overlap(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(bi.nr_mods, 2);
    ck_assert_str_eq(bi.mods[0].string, "first");
    ck_assert_str_eq(bi.mods[1].string, "apart");
}
END_TEST

START_TEST(test_string_without_nul_kept)
{
    struct mbi m;

    build_cmdline_no_nul(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_str_eq(bi.cmdline, "abcd");
    build_cmdline_long(&m);
    ck_assert_int_eq(parse_copy(&m, m.len, MBI_PADDR), 0);
    ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
}
END_TEST

START_TEST(test_magic)
{
    ck_assert(mb2_magic_ok(0x36d76289));
    ck_assert(!mb2_magic_ok(0x2badb002)); /* Multiboot 1 */
    ck_assert(!mb2_magic_ok(0));
}
END_TEST

/* ---- bootinfo_usable_bytes() and bootinfo_check_modules() directly ---- */

static void add_mem(uint64_t base, uint64_t len, uint32_t type)
{
    bi.mem[bi.nr_mem++] = (struct boot_mem_range){ base, len, type };
}

START_TEST(test_usable_overlaps_once)
{
    memset(&bi, 0, sizeof(bi));
    add_mem(1000, 10, MEM_USABLE);
    add_mem(50, 100, MEM_USABLE);   /* [50, 150) overlaps [0, 100) */
    add_mem(0, 100, MEM_USABLE);
    add_mem(150, 50, MEM_USABLE);   /* adjacent: [0, 200) in all */
    add_mem(300, 100, MEM_RESERVED);
    add_mem(1000, 10, MEM_USABLE);  /* listed twice */
    add_mem(1002, 2, MEM_USABLE);   /* inside */
    add_mem(5000, 0, MEM_USABLE);
    add_mem(UINT64_MAX - 10, 100, MEM_USABLE); /* unclamped: counts up to 2^64 - 1 */
    ck_assert_uint_eq(bootinfo_usable_bytes(&bi), 200 + 10 + 10);
}
END_TEST

START_TEST(test_usable_whole_space)
{
    memset(&bi, 0, sizeof(bi));
    add_mem(0, UINT64_MAX, MEM_USABLE);
    add_mem(0, UINT64_MAX, MEM_USABLE);
    ck_assert_uint_eq(bootinfo_usable_bytes(&bi), UINT64_MAX);
    memset(&bi, 0, sizeof(bi));
    ck_assert_uint_eq(bootinfo_usable_bytes(&bi), 0);
}
END_TEST

START_TEST(test_check_modules_packs)
{
    memset(&bi, 0, sizeof(bi));
    bi.info_start = 0x9000;
    bi.info_end = 0x9100;
    bi.mods[0] = (struct boot_module){ 0x1000, 0x2000, "a" };
    bi.mods[1] = (struct boot_module){ 0x9080, 0xa000, "over info" };
    bi.mods[2] = (struct boot_module){ 0x1fff, 0x3000, "over a" };
    bi.mods[3] = (struct boot_module){ 0x3000, 0x4000, "b" };
    bi.mods[4] = (struct boot_module){ 0x5000, 0x5000, "empty" };
    bi.mods[5] = (struct boot_module){ 0x3800, 0x3900, "inside b" };
    bi.nr_mods = 6;
    support_reset();
    bootinfo_check_modules(&bi, "test");
    ck_assert_uint_eq(bi.nr_mods, 2);
    ck_assert_str_eq(bi.mods[0].string, "a");
    ck_assert_str_eq(bi.mods[1].string, "b");
    ck_assert_uint_eq(bi.nr_errors, 4);
    ck_assert(support_log_has("test: module 1 [0x9080, 0xa000) overlaps the boot information"));
    ck_assert(support_log_has("test: modules 0 and 2 overlap"));
    ck_assert(support_log_has("test: module 4: end 0x5000 is not above start 0x5000"));
    ck_assert(support_log_has("test: modules 3 and 5 overlap"));
}
END_TEST

/* Touching is not overlapping: [a, b) and [b, c) both stay, as does a module right after info. */
START_TEST(test_check_modules_adjacent)
{
    memset(&bi, 0, sizeof(bi));
    bi.info_start = 0x1000;
    bi.info_end = 0x2000;
    bi.mods[0] = (struct boot_module){ 0x2000, 0x3000, "a" };
    bi.mods[1] = (struct boot_module){ 0x3000, 0x4000, "b" };
    bi.mods[2] = (struct boot_module){ 0x0, 0x1000, "c" };
    bi.nr_mods = 3;
    support_reset();
    bootinfo_check_modules(&bi, "test");
    ck_assert_uint_eq(bi.nr_mods, 3);
    ck_assert_uint_eq(bi.nr_errors, 0);
    ck_assert_str_eq(support_log, "");
}
END_TEST

static Suite *multiboot2_suite(void)
{
    Suite *s = suite_create("multiboot2");
    TCase *tc = tcase_create("parse");
    TCase *tb = tcase_create("bootinfo");

    tcase_add_loop_test(tc, test_case_table, 0, ARRAY_SIZE(cases));
    tcase_add_loop_test(tc, test_case_truncated, 0, ARRAY_SIZE(cases));
    tcase_add_test(tc, test_good_fields);
    tcase_add_test(tc, test_rsdp_choice);
    tcase_add_test(tc, test_meminfo_ranges);
    tcase_add_test(tc, test_range_clamped);
    tcase_add_test(tc, test_overlap_keeps_first);
    tcase_add_test(tc, test_string_without_nul_kept);
    tcase_add_test(tc, test_magic);
    suite_add_tcase(s, tc);
    tcase_add_test(tb, test_usable_overlaps_once);
    tcase_add_test(tb, test_usable_whole_space);
    tcase_add_test(tb, test_check_modules_packs);
    tcase_add_test(tb, test_check_modules_adjacent);
    suite_add_tcase(s, tb);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(multiboot2_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
