/* test_pvh.c - pvh_parse() on good and hostile start_info structures in fake physical memory. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot/pvh.h"
#include "support.h"

/* Fake physical memory: MEM_SIZE bytes at MEM_BASE; everything else is unreadable. */
#define MEM_BASE 0x100000ull
#define MEM_SIZE 0x10000u
#define MEM_TOP (MEM_BASE + MEM_SIZE)
#define UNMAPPED 0x900000ull

/* Where the good image puts things (all in the first 0x300 bytes, for the shrinking sweep). */
#define SI_PA MEM_BASE
#define CMDLINE_PA (MEM_BASE + 0x40)
#define MODLIST_PA (MEM_BASE + 0x100)
#define MODSTR0_PA (MEM_BASE + 0x180)
#define MODSTR1_PA (MEM_BASE + 0x1c0)
#define MEMMAP_PA (MEM_BASE + 0x200)
/* Room for the big cases. */
#define BIG_MODLIST_PA (MEM_BASE + 0x1000)
#define BIG_MEMMAP_PA (MEM_BASE + 0x2000)
#define LONG_STR_PA (MEM_BASE + 0x4000)

#define MOD0_START 0x200000ull
#define MOD1_START 0x202000ull
#define QEMU_CMDLINE "console=com1 loglvl=all"

/* Xen's layouts, written out here independently of pvh.c. */
struct t_start_info {
    uint32_t magic, version, flags, nr_modules;
    uint64_t modlist_paddr, cmdline_paddr, rsdp_paddr, memmap_paddr;
    uint32_t memmap_entries, reserved;
};
struct t_mod {
    uint64_t paddr, size, cmdline_paddr, reserved;
};
struct t_mm {
    uint64_t addr, size;
    uint32_t type, reserved;
};
_Static_assert(sizeof(struct t_start_info) == 56, "start_info");
_Static_assert(sizeof(struct t_mod) == 32, "modlist entry");
_Static_assert(sizeof(struct t_mm) == 24, "memmap entry");

/* An image being built: the start_info and its arrays, written into mem by img_write(). */
struct img {
    uint8_t mem[MEM_SIZE];
    paddr_t si_pa;
    struct t_start_info si;
    struct t_mod mods[24];
    unsigned int nr_mods;
    struct t_mm mm[200];
    unsigned int nr_mm;
};

static const struct t_mm qemu_mm[] = {
    { 0x0, 0x9fc00, 1, 0 },
    { 0x9fc00, 0x400, 2, 0 },
    { 0xf0000, 0x10000, 2, 0 },
    { 0x100000, 0x1fee0000, 1, 0 },
    { 0x1ffe0000, 0x20000, 2, 0 },
    { 0xfffc0000, 0x40000, 2, 0 },
};
#define QEMU_USABLE (0x9fc00ull + 0x1fee0000ull)

static void put(struct img *im, paddr_t pa, const void *p, size_t n)
{
    ck_assert(pa >= MEM_BASE && pa + n <= MEM_TOP);
    memcpy(im->mem + (pa - MEM_BASE), p, n);
}

static void put_str(struct img *im, paddr_t pa, const char *s)
{
    put(im, pa, s, strlen(s) + 1);
}

/* Writes n copies of c (no NUL) at pa. */
static void put_run(struct img *im, paddr_t pa, char c, size_t n)
{
    ck_assert(pa >= MEM_BASE && pa + n <= MEM_TOP);
    memset(im->mem + (pa - MEM_BASE), c, n);
}

static void add_mod(struct img *im, uint64_t paddr, uint64_t size, uint64_t cmdline)
{
    im->mods[im->nr_mods++] = (struct t_mod){ paddr, size, cmdline, 0 };
    im->si.nr_modules = im->nr_mods;
}

static void add_mm(struct img *im, uint64_t addr, uint64_t size, uint32_t type)
{
    im->mm[im->nr_mm++] = (struct t_mm){ addr, size, type, 0 };
    im->si.memmap_entries = im->nr_mm;
}

/* The good image, as QEMU's PVH option ROM builds it for -kernel with two -initrd modules. */
static void build_good(struct img *im)
{
    unsigned int i;

    memset(im, 0, sizeof(*im));
    im->si_pa = SI_PA;
    im->si.magic = 0x336ec578;
    im->si.version = 1;
    im->si.modlist_paddr = MODLIST_PA;
    im->si.cmdline_paddr = CMDLINE_PA;
    im->si.rsdp_paddr = 0xf5a40;
    im->si.memmap_paddr = MEMMAP_PA;
    put_str(im, CMDLINE_PA, QEMU_CMDLINE);
    put_str(im, MODSTR0_PA, "dom0.elf console=hvc0");
    put_str(im, MODSTR1_PA, "initrd.img");
    add_mod(im, MOD0_START, 0x1234, MODSTR0_PA);
    add_mod(im, MOD1_START, 0x7e000, MODSTR1_PA);
    for (i = 0; i < ARRAY_SIZE(qemu_mm); i++)
        add_mm(im, qemu_mm[i].addr, qemu_mm[i].size, qemu_mm[i].type);
}

/* Writes the start_info, module list and memory map where the start_info points. */
static void img_write(struct img *im)
{
    if (im->si_pa >= MEM_BASE && im->si_pa + sizeof(im->si) <= MEM_TOP)
        put(im, im->si_pa, &im->si, sizeof(im->si));
    else if (im->si_pa >= MEM_BASE && im->si_pa + 40 <= MEM_TOP)
        put(im, im->si_pa, &im->si, 40);
    if (im->nr_mods && im->si.modlist_paddr >= MEM_BASE && im->si.modlist_paddr < MEM_TOP)
        put(im, im->si.modlist_paddr, im->mods, im->nr_mods * sizeof(im->mods[0]));
    if (im->nr_mm && im->si.memmap_paddr >= MEM_BASE && im->si.memmap_paddr < MEM_TOP)
        put(im, im->si.memmap_paddr, im->mm,
            MIN(im->nr_mm * sizeof(im->mm[0]), MEM_TOP - im->si.memmap_paddr));
}

/* ---- the hostile cases: each changes the good image in one way ---- */

static void build_si_unreadable(struct img *im)
{
    build_good(im);
    im->si_pa = UNMAPPED;
}

static void build_bad_magic(struct img *im)
{
    build_good(im);
    im->si.magic = 0x12345678;
}

static void build_version0(struct img *im)
{
    build_good(im);
    im->si.version = 0;
}

static void build_no_entries(struct img *im)
{
    build_good(im);
    im->si.memmap_entries = 0;
}

/* Version 1, but only the version 0 part is readable. */
static void build_si_short(struct img *im)
{
    build_good(im);
    im->si_pa = MEM_TOP - 40;
}

static void build_too_many_modules(struct img *im)
{
    unsigned int i;

    build_good(im);
    im->nr_mods = 0;
    im->si.modlist_paddr = BIG_MODLIST_PA;
    for (i = 0; i < 20; i++)
        add_mod(im, MOD0_START + i * 0x1000, 0x800, 0);
}

static void build_modlist_zero(struct img *im)
{
    build_good(im);
    im->si.modlist_paddr = 0;
}

static void build_modlist_unreadable(struct img *im)
{
    build_good(im);
    im->si.modlist_paddr = UNMAPPED;
}

static void build_module_wraps(struct img *im)
{
    build_good(im);
    im->mods[1].paddr = 0xfffffffffffff000ull;
    im->mods[1].size = 0x1000;
}

static void build_module_empty(struct img *im)
{
    build_good(im);
    im->mods[0].size = 0;
}

static void build_modules_overlap(struct img *im)
{
    build_good(im);
    im->mods[1].paddr = MOD0_START + 0x1000;
}

static void build_module_over_si(struct img *im)
{
    build_good(im);
    im->mods[0].paddr = SI_PA + 0x30;
}

static void build_cmdline_unreadable(struct img *im)
{
    build_good(im);
    im->si.cmdline_paddr = UNMAPPED;
}

static void build_cmdline_long(struct img *im)
{
    build_good(im);
    put_run(im, LONG_STR_PA, 'x', 2000);
    im->si.cmdline_paddr = LONG_STR_PA;
}

/* 1023 characters and the NUL fill the field exactly: no error. */
static void build_cmdline_exact(struct img *im)
{
    build_good(im);
    put_run(im, LONG_STR_PA, 'x', BOOT_CMDLINE_MAX - 1);
    im->si.cmdline_paddr = LONG_STR_PA;
}

static void build_cmdline_runs_off(struct img *im)
{
    build_good(im);
    put_run(im, MEM_TOP - 5, 'x', 5);
    im->si.cmdline_paddr = MEM_TOP - 5;
}

static void build_modstr_long(struct img *im)
{
    build_good(im);
    put_run(im, LONG_STR_PA, 'm', 300);
    im->mods[1].cmdline_paddr = LONG_STR_PA;
}

static void build_modstr_unreadable(struct img *im)
{
    build_good(im);
    im->mods[0].cmdline_paddr = UNMAPPED;
}

static void build_memmap_unreadable(struct img *im)
{
    build_good(im);
    im->si.memmap_paddr = UNMAPPED;
}

/* Ten entries announced, the map sits at the top of memory and only six are readable. */
static void build_memmap_cut(struct img *im)
{
    unsigned int i;

    build_good(im);
    for (i = 0; i < 4; i++)
        add_mm(im, GiB(4) + i * GiB(1), GiB(1), 1);
    im->si.memmap_paddr = MEM_TOP - 6 * sizeof(struct t_mm);
}

static void build_memmap_too_many(struct img *im)
{
    unsigned int i;

    build_good(im);
    im->nr_mm = 0;
    im->si.memmap_paddr = BIG_MEMMAP_PA;
    for (i = 0; i < 200; i++)
        add_mm(im, GiB(1) + i * MiB(2), MiB(1), 1);
}

static void build_memmap_wraps(struct img *im)
{
    build_good(im);
    add_mm(im, 0xffffffff00000000ull, 0x200000000ull, 2);
}

static void build_memmap_zero_len(struct img *im)
{
    build_good(im);
    add_mm(im, GiB(8), 0, 1);
    add_mm(im, 0, 0, 2);
}

static void build_no_usable(struct img *im)
{
    build_good(im);
    im->mm[0].type = 2;
    im->mm[3].type = 3;
}

/* One case: an image and what pvh_parse() must make of it. */
struct pvh_case {
    const char *name;
    void (*build)(struct img *im);
    int rc;
    const char *msg;  /* must be in the log; NULL: no "pvh:" message at all */
    const char *msg2; /* must also be in the log, if set */
    unsigned int nr_errors;
    unsigned int nr_mem;
    unsigned int nr_mods;
};

static const struct pvh_case cases[] = {
    { "good", build_good, 0, NULL, NULL, 0, 6, 2 },
    { "start_info unreadable", build_si_unreadable, -1,
      "pvh: start_info at 0x900000 is not readable", NULL, 1, 0, 0 },
    { "bad magic", build_bad_magic, -1,
      "pvh: bad magic 0x12345678 in start_info at 0x100000 (expected 0x336ec578)", NULL, 1, 0,
      0 },
    { "version 0", build_version0, -1, "pvh: no memory map (start_info version 0", NULL, 1, 0,
      2 },
    { "version 1, no entries", build_no_entries, -1,
      "pvh: no memory map (start_info version 1, 0 entries", NULL, 1, 0, 2 },
    { "version 1 fields unreadable", build_si_short, -1,
      "pvh: start_info version 1 at 0x10ffd8: bytes 40 to 56 are not readable",
      "pvh: no memory map", 2, 0, 2 },
    { "more modules than fit", build_too_many_modules, 0,
      "pvh: 20 modules, only 16 fit; the rest dropped", NULL, 1, 6, 16 },
    { "modules but no list", build_modlist_zero, 0, "pvh: 2 modules but no module list", NULL, 1,
      6, 0 },
    { "module list unreadable", build_modlist_unreadable, 0,
      "pvh: module 0: list entry at 0x900000 is not readable",
      "pvh: module 1: list entry at 0x900020 is not readable", 2, 6, 0 },
    { "module passes 2^64", build_module_wraps, 0,
      "pvh: module 1 (paddr 0xfffffffffffff000, size 0x1000) passes 2^64; dropped", NULL, 1, 6,
      1 },
    { "module of size 0", build_module_empty, 0,
      "pvh: module 0: end 0x200000 is not above start 0x200000; dropped", NULL, 1, 6, 1 },
    { "modules overlap", build_modules_overlap, 0,
      "pvh: modules 0 and 1 overlap ([0x200000, 0x201234) and [0x201000, 0x27f000)); module 1 "
      "dropped", NULL, 1, 6, 1 },
    { "module overlaps start_info", build_module_over_si, 0,
      "pvh: module 0 [0x100030, 0x101264) overlaps the boot information structure [0x100000, "
      "0x100038)", NULL, 1, 6, 1 },
    { "command line unreadable", build_cmdline_unreadable, 0,
      "pvh: command line at 0x900000 is not readable at byte 0", NULL, 1, 6, 2 },
    { "command line too long", build_cmdline_long, 0,
      "pvh: command line at 0x104000 is not terminated within 1024 bytes; truncated", NULL, 1, 6,
      2 },
    { "command line fills the field", build_cmdline_exact, 0, NULL, NULL, 0, 6, 2 },
    { "command line runs into unreadable memory", build_cmdline_runs_off, 0,
      "pvh: command line at 0x10fffb is not readable at byte 5", NULL, 1, 6, 2 },
    { "module string too long", build_modstr_long, 0,
      "pvh: module 1 command line at 0x104000 is not terminated within 256 bytes; truncated",
      NULL, 1, 6, 2 },
    { "module string unreadable", build_modstr_unreadable, 0,
      "pvh: module 0 command line at 0x900000 is not readable at byte 0", NULL, 1, 6, 2 },
    { "memory map unreadable", build_memmap_unreadable, -1,
      "pvh: memory map entry 0 at 0x900000 is not readable",
      "pvh: no usable memory in the memory map", 1, 0, 2 },
    { "memory map partly unreadable", build_memmap_cut, 0,
      "pvh: memory map entry 6 at 0x110000 is not readable", NULL, 1, 6, 2 },
    { "more ranges than fit", build_memmap_too_many, 0,
      "pvh: memory map has 200 entries; the last 72 dropped, only 128 ranges fit", NULL, 1, 128,
      2 },
    { "range passes 2^64", build_memmap_wraps, 0,
      "pvh: memory map entry 6 (addr 0xffffffff00000000, size 0x200000000) passes 2^64; clamped",
      NULL, 1, 7, 2 },
    { "zero-length ranges dropped silently", build_memmap_zero_len, 0, NULL, NULL, 0, 6, 2 },
    { "no usable memory", build_no_usable, -1, "pvh: no usable memory in the memory map", NULL,
      0, 6, 2 },
};

/* The fake memory the parser sees: a heap copy of the first `size` bytes of an image. */
struct fake_mem {
    uint8_t *buf;
    size_t size;
};

static const void *fake_map(void *ctx, paddr_t pa, size_t len)
{
    struct fake_mem *f = ctx;

    if (pa < MEM_BASE || len > f->size || pa - MEM_BASE > f->size - len)
        return NULL;
    return f->buf + (pa - MEM_BASE);
}

static struct boot_info bi;

/* Parses im with only its first `size` bytes readable, from a heap copy of exactly that size. */
static int parse_img(const struct img *im, size_t size)
{
    struct fake_mem f = { malloc(size ? size : 1), size };
    int rc;

    ck_assert_ptr_nonnull(f.buf);
    memcpy(f.buf, im->mem, size);
    support_reset();
    rc = pvh_parse(im->si_pa, fake_map, &f, &bi);
    free(f.buf);
    return rc;
}

START_TEST(test_case_table)
{
    const struct pvh_case *c = &cases[_i];
    static struct img im;
    int rc;

    c->build(&im);
    img_write(&im);
    rc = parse_img(&im, MEM_SIZE);
    ck_assert_msg(rc == c->rc, "%s: rc %d, expected %d; log:\n%s", c->name, rc, c->rc,
                  support_log);
    if (c->msg)
        ck_assert_msg(support_log_has(c->msg), "%s: no '%s' in log:\n%s", c->name, c->msg,
                      support_log);
    else
        ck_assert_msg(!support_log_has("pvh:"), "%s: unexpected log:\n%s", c->name, support_log);
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

START_TEST(test_good_fields)
{
    static struct img im;
    unsigned int i;

    build_good(&im);
    img_write(&im);
    ck_assert_int_eq(parse_img(&im, MEM_SIZE), 0);
    ck_assert_str_eq(bi.cmdline, QEMU_CMDLINE);
    ck_assert_str_eq(bi.loader, "");
    ck_assert_uint_eq(bi.nr_mods, 2);
    ck_assert_uint_eq(bi.mods[0].start, MOD0_START);
    ck_assert_uint_eq(bi.mods[0].end, MOD0_START + 0x1234);
    ck_assert_str_eq(bi.mods[0].string, "dom0.elf console=hvc0");
    ck_assert_uint_eq(bi.mods[1].start, MOD1_START);
    ck_assert_uint_eq(bi.mods[1].end, MOD1_START + 0x7e000);
    ck_assert_str_eq(bi.mods[1].string, "initrd.img");
    ck_assert_uint_eq(bi.nr_mem, ARRAY_SIZE(qemu_mm));
    for (i = 0; i < ARRAY_SIZE(qemu_mm); i++) {
        ck_assert_uint_eq(bi.mem[i].base, qemu_mm[i].addr);
        ck_assert_uint_eq(bi.mem[i].len, qemu_mm[i].size);
        ck_assert_uint_eq(bi.mem[i].type, qemu_mm[i].type);
    }
    ck_assert_uint_eq(bootinfo_usable_bytes(&bi), QEMU_USABLE);
    ck_assert_uint_eq(bi.rsdp, 0xf5a40);
    ck_assert_uint_eq(bi.rsdp_copy_len, 0);
    ck_assert_uint_eq(bi.info_start, SI_PA);
    ck_assert_uint_eq(bi.info_end, SI_PA + 56);
    ck_assert_uint_eq(bi.nr_errors, 0);
}
END_TEST

START_TEST(test_truncated_strings)
{
    static struct img im;

    build_cmdline_long(&im);
    img_write(&im);
    parse_img(&im, MEM_SIZE);
    ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    build_cmdline_exact(&im);
    img_write(&im);
    parse_img(&im, MEM_SIZE);
    ck_assert_uint_eq(strlen(bi.cmdline), BOOT_CMDLINE_MAX - 1);
    build_cmdline_runs_off(&im);
    img_write(&im);
    parse_img(&im, MEM_SIZE);
    ck_assert_str_eq(bi.cmdline, "xxxxx");
    build_modstr_long(&im);
    img_write(&im);
    parse_img(&im, MEM_SIZE);
    ck_assert_uint_eq(strlen(bi.mods[1].string), BOOT_MODSTR_MAX - 1);
}
END_TEST

START_TEST(test_clamp_and_version0)
{
    static struct img im;

    build_memmap_wraps(&im);
    img_write(&im);
    ck_assert_int_eq(parse_img(&im, MEM_SIZE), 0);
    ck_assert_uint_eq(bi.mem[6].len, 0xffffffffull);
    build_version0(&im);
    img_write(&im);
    ck_assert_int_eq(parse_img(&im, MEM_SIZE), -1);
    ck_assert_uint_eq(bi.info_end, SI_PA + 40);
    ck_assert_str_eq(bi.cmdline, QEMU_CMDLINE);
}
END_TEST

/* The good image with only its first `size` bytes readable, for every size: no stray reads. */
START_TEST(test_shrinking_memory)
{
    static struct img im;
    size_t size;
    int rc;

    build_good(&im);
    img_write(&im);
    for (size = 0; size <= 0x300; size++) {
        rc = parse_img(&im, size);
        ck_assert(rc == 0 || rc == -1);
        ck_assert_uint_le(bi.nr_mods, 2);
        ck_assert_uint_le(bi.nr_mem, 6);
        if (size < MEMMAP_PA + sizeof(qemu_mm) - MEM_BASE)
            ck_assert_msg(bi.nr_errors > 0, "size %zu: not reported", size);
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_eq(bi.nr_errors, 0);
}
END_TEST

static Suite *pvh_suite(void)
{
    Suite *s = suite_create("pvh");
    TCase *tc = tcase_create("parse");

    tcase_add_loop_test(tc, test_case_table, 0, ARRAY_SIZE(cases));
    tcase_add_test(tc, test_good_fields);
    tcase_add_test(tc, test_truncated_strings);
    tcase_add_test(tc, test_clamp_and_version0);
    tcase_add_test(tc, test_shrinking_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(pvh_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
