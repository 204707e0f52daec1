/* test_domtree.c - domtree_parse() on trees that dtc compiles from the .dts files of
 * tests/unit/boot/domtree/, and on blobs corrupted here. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "boot/domtree.h"
#include "support.h"

#ifndef DOMTREE_DTB_DIR
#error "DOMTREE_DTB_DIR: the directory of the compiled fixtures (see domtree.mk)"
#endif

/* The boot modules every test passes: module 2 is the tree itself. */
#define TREE_INDEX 2u
#define TREE_PA 0x2000000ull
#define NR_MODS 4u

/* What tests/unit/boot/domtree/{kernel,ramdisk}.img hold. */
#define KERNEL_IMG "HEARTH-EMBEDDED-KERNEL-IMAGE\n"
#define RAMDISK_IMG "HEARTH-EMBEDDED-RAMDISK\n"

/* FDT header fields (big endian), at these offsets. */
#define HDR_MAGIC 0
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_VERSION 20
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36
#define HDR_LEN 40

static struct boot_module mods[NR_MODS] = {
    { 0x1000000, 0x1100000, "kernel-module console=com1" },
    { 0x1100000, 0x1200000, "ramdisk-module" },
    { TREE_PA, TREE_PA + 0x1000, "domains.dtb" },
    { 0x3000000, 0x3100000, "ping.elf" },
};

static struct boot_domain out[DOMTREE_MAX_DOMAINS + 1];

/* A blob in a heap block of exactly its size, so that ASan sees any read past it. */
struct blob {
    uint8_t *data;
    size_t len;
};

static struct blob load(const char *name)
{
    char path[512];
    struct blob b;
    FILE *f;
    long n;

    snprintf(path, sizeof(path), "%s/%s.dtb", DOMTREE_DTB_DIR, name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    n = ftell(f);
    ck_assert_int_gt(n, HDR_LEN);
    rewind(f);
    b.len = (size_t)n;
    b.data = malloc(b.len); /* malloc's blocks are 16-aligned: libfdt wants 8 */
    ck_assert_ptr_nonnull(b.data);
    ck_assert_uint_eq(fread(b.data, 1, b.len, f), b.len);
    fclose(f);
    return b;
}

static uint32_t get_be32(const struct blob *b, size_t off)
{
    const uint8_t *p = b->data + off;

    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(struct blob *b, size_t off, uint32_t v)
{
    uint8_t *p = b->data + off;

    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static unsigned int parse_max(const struct blob *b, size_t len, unsigned int max_out)
{
    support_reset();
    memset(out, 0xa5, sizeof(out));
    return domtree_parse(b->data, len, TREE_PA, mods, NR_MODS, TREE_INDEX, out, max_out);
}

static unsigned int parse(const struct blob *b)
{
    return parse_max(b, b->len, DOMTREE_MAX_DOMAINS);
}

static unsigned int log_lines(void)
{
    unsigned int n = 0;
    const char *p;

    for (p = support_log; *p != '\0'; p++)
        n += *p == '\n';
    return n;
}

/* The physical range must hold exactly these bytes, inside the tree's module. */
static void check_embedded(const struct blob *b, const struct boot_module *m, const char *bytes)
{
    size_t n = strlen(bytes);
    uint64_t off = m->start - TREE_PA;

    ck_assert_uint_ge(m->start, TREE_PA + HDR_LEN);
    ck_assert_uint_eq(m->end - m->start, n);
    ck_assert_uint_le(off + n, b->len);
    ck_assert_mem_eq(b->data + off, bytes, n);
    ck_assert_str_eq(m->string, "");
}

START_TEST(test_good_defaults)
{
    struct blob b = load("good");
    const struct boot_domain *d;

    ck_assert_uint_eq(parse(&b), 3);
    ck_assert_str_eq(support_log, "");
    ck_assert_str_eq(out[0].name, "defaults"); /* tree order */
    d = &out[0];
    ck_assert_uint_eq(d->domid, 0); /* the lowest id every-property (5) leaves */
    ck_assert(!d->privileged);
    ck_assert_uint_eq(d->kernel.start, mods[0].start);
    ck_assert_uint_eq(d->kernel.end, mods[0].end);
    ck_assert_str_eq(d->kernel.string, mods[0].string);
    ck_assert(!d->has_ramdisk);
    ck_assert_uint_eq(d->ramdisk.start, d->ramdisk.end);
    ck_assert_uint_eq(d->mem_bytes, 65536ull * 1024);
    ck_assert_uint_eq(d->nr_vcpus, 1);
    ck_assert_str_eq(d->cmdline, mods[0].string); /* the kernel module's string */
    ck_assert_uint_eq(d->weight, 256);
    ck_assert_uint_eq(d->cap, 0);
    ck_assert_uint_eq(d->max_evtchn_port, 1023);
    ck_assert_uint_eq(d->cpu_affinity, ~0ull);
    free(b.data);
}
END_TEST

START_TEST(test_good_every_property)
{
    struct blob b = load("good");
    const struct boot_domain *d;

    ck_assert_uint_eq(parse(&b), 3);
    d = &out[1];
    ck_assert_str_eq(d->name, "every-property");
    ck_assert_uint_eq(d->domid, 5);
    ck_assert(d->privileged);
    ck_assert_uint_eq(d->kernel.start, mods[3].start);
    ck_assert_uint_eq(d->kernel.end, mods[3].end);
    ck_assert(d->has_ramdisk);
    ck_assert_uint_eq(d->ramdisk.start, mods[1].start);
    ck_assert_uint_eq(d->ramdisk.end, mods[1].end);
    ck_assert_str_eq(d->ramdisk.string, mods[1].string);
    ck_assert_uint_eq(d->mem_bytes, 1ull << 42); /* <0x1 0x0> KiB: two cells, high first */
    ck_assert_uint_eq(d->nr_vcpus, 32);
    ck_assert_str_eq(d->cmdline, "console=hvc0 loglvl=all");
    ck_assert_uint_eq(d->weight, 65535);
    ck_assert_uint_eq(d->cap, 6400);
    ck_assert_uint_eq(d->max_evtchn_port, 4095);
    ck_assert_uint_eq(d->cpu_affinity, 0x8000000000000001ull);
    free(b.data);
}
END_TEST

START_TEST(test_good_embedded)
{
    struct blob b = load("good");
    const struct boot_domain *d;
    paddr_t kernel_start;

    ck_assert_uint_eq(parse(&b), 3);
    d = &out[2];
    ck_assert_str_eq(d->name, "embedded");
    ck_assert_uint_eq(d->domid, 1);
    check_embedded(&b, &d->kernel, KERNEL_IMG);
    ck_assert(d->has_ramdisk);
    check_embedded(&b, &d->ramdisk, RAMDISK_IMG);
    ck_assert_uint_eq(d->mem_bytes, 16384ull * 1024); /* /bits/ 64: the two-cell form */
    ck_assert_str_eq(d->cmdline, "");                  /* no module string to inherit */
    ck_assert_uint_eq(d->cpu_affinity, 3);

    /* The range follows the blob's physical address. */
    kernel_start = d->kernel.start;
    support_reset();
    ck_assert_uint_eq(domtree_parse(b.data, b.len, TREE_PA + 0x5000, mods, NR_MODS, TREE_INDEX,
                                    out, DOMTREE_MAX_DOMAINS), 3);
    ck_assert_uint_eq(out[2].kernel.start, kernel_start + 0x5000);
    free(b.data);
}
END_TEST

START_TEST(test_domids)
{
    static const struct { const char *name; uint16_t domid; } want[] = {
        { "a", 1 }, { "b", 0 }, { "c", 3 }, { "d", 2 }, { "e", 4 },
    };
    struct blob b = load("domids");
    unsigned int i;

    ck_assert_uint_eq(parse(&b), ARRAY_SIZE(want));
    for (i = 0; i < ARRAY_SIZE(want); i++) {
        ck_assert_str_eq(out[i].name, want[i].name);
        ck_assert_uint_eq(out[i].domid, want[i].domid);
    }
    free(b.data);
}
END_TEST

START_TEST(test_domid_duplicate)
{
    struct blob b = load("domid-duplicate");

    ck_assert_uint_eq(parse(&b), 2);
    ck_assert_str_eq(out[0].name, "first");
    ck_assert_uint_eq(out[0].domid, 3);
    ck_assert_str_eq(out[1].name, "good");
    ck_assert_uint_eq(out[1].domid, 0);
    ck_assert(support_log_has("domtree: /domains/second: property 'domid': 3 is already the "
                              "domid of /domains/first"));
    ck_assert(support_log_has("domtree: /domains/second: refused, 1 problem\n"));
    ck_assert_uint_eq(log_lines(), 2);
    free(b.data);
}
END_TEST

/* Fixtures with one bad node ("bad") before a valid one ("good"). */
static const struct {
    const char *fixture;
    const char *message;
} bad_node_cases[] = {
    { "missing-memory", "property 'memory': missing" },
    { "memory-zero", "property 'memory': 0x0 is out of range 0x1..0x3fffffffffffff" },
    { "memory-size", "property 'memory': 12 bytes, expected 4 or 8 (one or two cells)" },
    { "cpus-size", "property 'cpus': 8 bytes, expected 4 (one cell)" },
    { "weight-size", "property 'weight': 2 bytes, expected 4 (one cell)" },
    { "cpus-zero", "property 'cpus': 0 is out of range 1..32" },
    { "cpus-33", "property 'cpus': 33 is out of range 1..32" },
    { "kernel-range", "property 'kernel': module 7 does not exist (4 modules)" },
    { "kernel-is-tree", "property 'kernel': module 2 is the device tree itself" },
    { "kernel-both", "property 'kernel-image': 'kernel' is given too" },
    { "kernel-neither", "property 'kernel': missing (or 'kernel-image')" },
    { "kernel-empty", "property 'kernel-image': empty" },
    { "ramdisk-is-kernel", "property 'ramdisk': module 0 is the kernel" },
    { "ramdisk-is-tree", "property 'ramdisk': module 2 is the device tree itself" },
    { "ramdisk-both", "property 'ramdisk-image': 'ramdisk' is given too" },
    { "bootargs-unterminated", "property 'bootargs': not one NUL-terminated string (4 bytes)" },
    { "bootargs-list", "property 'bootargs': not one NUL-terminated string (4 bytes)" },
    { "bootargs-empty", "property 'bootargs': not one NUL-terminated string (0 bytes)" },
    { "weight-zero", "property 'weight': 0 is out of range 1..65535" },
    { "weight-big", "property 'weight': 65536 is out of range 1..65535" },
    { "cap-big", "property 'cap': 6401 is out of range 0..6400" },
    { "evtchn-zero", "property 'max-evtchn-port': 0 is out of range 1..4095" },
    { "evtchn-big", "property 'max-evtchn-port': 4096 is out of range 1..4095" },
    { "affinity-zero", "property 'cpu-affinity': 0x0 is out of range 0x1..0xffffffffffffffff" },
    { "affinity-size", "property 'cpu-affinity': 12 bytes, expected 4 or 8" },
    { "domid-64", "property 'domid': 64 is above the last domain id, 63" },
    { "domid-reserved", "property 'domid': 0x7ff0 is a reserved domain id" },
    { "privileged-value", "property 'privileged': takes no value (4 bytes found)" },
    { "compatible-missing", "property 'compatible': missing" },
    { "compatible-wrong", "property 'compatible': does not list \"hearth,domain\"" },
};

START_TEST(test_bad_node)
{
    struct blob b = load(bad_node_cases[_i].fixture);
    char want[256];

    ck_assert_uint_eq(parse(&b), 1);
    ck_assert_str_eq(out[0].name, "good");
    ck_assert_uint_eq(out[0].domid, 0); /* a refused node reserves no id */
    snprintf(want, sizeof(want), "<0>domtree: /domains/bad: %s", bad_node_cases[_i].message);
    ck_assert_msg(support_log_has(want), "%s: wanted \"%s\" in:\n%s", bad_node_cases[_i].fixture,
                  want, support_log);
    ck_assert(support_log_has("<0>domtree: /domains/bad: refused, 1 problem\n"));
    ck_assert_msg(log_lines() == 2, "%s: one problem and one refusal expected:\n%s",
                  bad_node_cases[_i].fixture, support_log);
    free(b.data);
}
END_TEST

START_TEST(test_many_problems)
{
    struct blob b = load("many-problems");

    ck_assert_uint_eq(parse(&b), 1);
    ck_assert(support_log_has("/domains/bad: property 'kernel': module 9 does not exist"));
    ck_assert(support_log_has("/domains/bad: property 'cpus': 0 is out of range"));
    ck_assert(support_log_has("/domains/bad: property 'memory': missing"));
    ck_assert(support_log_has("/domains/bad: refused, 3 problems\n"));
    ck_assert_uint_eq(log_lines(), 4);
    free(b.data);
}
END_TEST

START_TEST(test_unknown_property)
{
    struct blob b = load("unknown-property");

    ck_assert_uint_eq(parse(&b), 1);
    ck_assert(support_log_has("<1>domtree: /domains/good: property 'cpu_affinity': unknown, "
                              "ignored\n"));
    ck_assert(support_log_has("<1>domtree: /domains/good: property 'self': unknown, ignored\n"));
    ck_assert_uint_eq(log_lines(), 2); /* not the phandle dtc added for the label */
    ck_assert_uint_eq(out[0].cpu_affinity, ~0ull);
    free(b.data);
}
END_TEST

/* Whole trees refused with one message. */
static const struct {
    const char *fixture;
    const char *message;
} bad_tree_cases[] = {
    { "no-domains", "<0>domtree: no /domains node (FDT_ERR_NOTFOUND)\n" },
    { "root-compatible", "<0>domtree: /: property 'compatible': does not list "
                         "\"hearth,boot-domains\"" },
};

START_TEST(test_bad_tree)
{
    struct blob b = load(bad_tree_cases[_i].fixture);

    ck_assert_uint_eq(parse(&b), 0);
    ck_assert_msg(support_log_has(bad_tree_cases[_i].message), "%s", support_log);
    ck_assert_uint_eq(log_lines(), 1);
    free(b.data);
}
END_TEST

START_TEST(test_max_out)
{
    struct blob b = load("good");

    ck_assert_uint_eq(parse_max(&b, b.len, 2), 2);
    ck_assert(support_log_has("<0>domtree: /domains/embedded: refused: more than 2 domains\n"));
    ck_assert_uint_eq(log_lines(), 1);
    ck_assert_uint_eq(out[0].domid, 0);
    ck_assert_uint_eq(out[1].domid, 5);
    ck_assert_uint_eq(out[2].domid, 0xa5a5); /* untouched */
    free(b.data);
}
END_TEST

/* Blobs corrupted in one header field or cut short: one message, no domain. */
enum corruption { C_MAGIC, C_VERSION, C_TOTALSIZE_BIG, C_STRINGS_OFF, C_STRUCT_SIZE, C_STRUCT_TAG,
                  C_NAMEOFF, C_SHORT, C_HEADER_ONLY, C_MISALIGNED };
static const struct {
    enum corruption how;
    const char *message;
} corrupt_cases[] = {
    { C_MAGIC, "malformed device tree: FDT_ERR_BADMAGIC" },
    { C_VERSION, "malformed device tree: FDT_ERR_BADVERSION" },
    { C_TOTALSIZE_BIG, "malformed device tree: its size is" },
    { C_STRINGS_OFF, "malformed device tree: FDT_ERR_TRUNCATED" },
    { C_STRUCT_SIZE, "malformed device tree: FDT_ERR_BADSTRUCTURE" },
    { C_STRUCT_TAG, "malformed device tree: FDT_ERR_BADSTRUCTURE" },
    { C_NAMEOFF, "malformed device tree: FDT_ERR_BADOFFSET" },
    { C_SHORT, "malformed device tree: its size is" },
    { C_HEADER_ONLY, "malformed device tree: 39 bytes, shorter than a header" },
    { C_MISALIGNED, "malformed device tree: FDT_ERR_ALIGNMENT" },
};

/* Offset of the first FDT_PROP tag in the structure block (the root's first property). */
static size_t first_prop_tag(const struct blob *b)
{
    size_t off = get_be32(b, HDR_OFF_STRUCT);

    ck_assert_uint_eq(get_be32(b, off), 1);   /* FDT_BEGIN_NODE, name "" (4 bytes) */
    ck_assert_uint_eq(get_be32(b, off + 8), 3); /* FDT_PROP */
    return off + 8;
}

START_TEST(test_corrupt)
{
    struct blob b = load("good");
    struct blob moved;
    size_t len = b.len;
    uint8_t *base = NULL;

    switch (corrupt_cases[_i].how) {
    case C_MAGIC: b.data[HDR_MAGIC] ^= 1; break;
    case C_VERSION: put_be32(&b, HDR_VERSION, 1); break;
    case C_TOTALSIZE_BIG: put_be32(&b, HDR_TOTALSIZE, (uint32_t)b.len + 4); break;
    case C_STRINGS_OFF: put_be32(&b, HDR_OFF_STRINGS, (uint32_t)b.len); break;
    case C_STRUCT_SIZE: put_be32(&b, HDR_SIZE_STRUCT, 16); break;
    case C_STRUCT_TAG: put_be32(&b, first_prop_tag(&b), 0x77); break;
    case C_NAMEOFF: put_be32(&b, first_prop_tag(&b) + 8, 0x10000); break;
    case C_SHORT: len = b.len - 1; break;
    case C_HEADER_ONLY: len = HDR_LEN - 1; break;
    case C_MISALIGNED:
        base = malloc(b.len + 4);
        ck_assert_ptr_nonnull(base);
        memcpy(base + 4, b.data, b.len);
        moved.data = base + 4;
        moved.len = b.len;
        ck_assert_uint_eq(parse(&moved), 0);
        break;
    }
    if (base == NULL)
        ck_assert_uint_eq(parse_max(&b, len, DOMTREE_MAX_DOMAINS), 0);
    ck_assert_msg(support_log_has(corrupt_cases[_i].message), "wanted \"%s\" in:\n%s",
                  corrupt_cases[_i].message, support_log);
    ck_assert_uint_eq(log_lines(), 1);
    free(base);
    free(b.data);
}
END_TEST

/* Every totalsize the header could claim for a blob cut to that length: never a read past it. */
START_TEST(test_truncated_sweep)
{
    struct blob good = load("good");
    size_t len;

    for (len = HDR_LEN; len < good.len; len++) {
        struct blob b = { malloc(len), len };

        ck_assert_ptr_nonnull(b.data);
        memcpy(b.data, good.data, len);
        put_be32(&b, HDR_TOTALSIZE, (uint32_t)len);
        ck_assert_uint_eq(parse(&b), 0);
        ck_assert_msg(support_log_has("malformed device tree"), "len %zu: %s", len, support_log);
        ck_assert_uint_eq(log_lines(), 1);
        free(b.data);
    }
    free(good.data);
}
END_TEST

/* Every byte of the structure and strings blocks flipped in turn: whatever the parser makes of
 * it, it reads nothing outside the blob (ASan) and fills at most the three nodes there are. */
START_TEST(test_byte_flips)
{
    struct blob b = load("good");
    size_t off, start = get_be32(&b, HDR_OFF_STRUCT);
    unsigned int n, refused = 0;

    for (off = start; off < b.len; off++) {
        b.data[off] ^= 0xff;
        n = parse(&b);
        ck_assert_uint_le(n, 3);
        refused += n < 3;
        b.data[off] ^= 0xff;
    }
    ck_assert_uint_gt(refused, (b.len - start) / 2);
    ck_assert_uint_eq(parse(&b), 3);
    free(b.data);
}
END_TEST

START_TEST(test_is_fdt)
{
    struct blob b = load("good");
    static const uint8_t little_endian[HDR_LEN] = { 0xed, 0xfe, 0x0d, 0xd0 };

    ck_assert(domtree_is_fdt(b.data, b.len));
    ck_assert(domtree_is_fdt(b.data, HDR_LEN));
    ck_assert(!domtree_is_fdt(b.data, HDR_LEN - 1));
    ck_assert(!domtree_is_fdt(little_endian, sizeof(little_endian)));
    ck_assert(!domtree_is_fdt(mods, sizeof(mods)));
    free(b.data);
}
END_TEST

static Suite *domtree_suite(void)
{
    Suite *s = suite_create("domtree");
    TCase *tc = tcase_create("parse");

    tcase_add_test(tc, test_good_defaults);
    tcase_add_test(tc, test_good_every_property);
    tcase_add_test(tc, test_good_embedded);
    tcase_add_test(tc, test_domids);
    tcase_add_test(tc, test_domid_duplicate);
    tcase_add_loop_test(tc, test_bad_node, 0, ARRAY_SIZE(bad_node_cases));
    tcase_add_test(tc, test_many_problems);
    tcase_add_test(tc, test_unknown_property);
    tcase_add_loop_test(tc, test_bad_tree, 0, ARRAY_SIZE(bad_tree_cases));
    tcase_add_test(tc, test_max_out);
    tcase_add_loop_test(tc, test_corrupt, 0, ARRAY_SIZE(corrupt_cases));
    tcase_add_test(tc, test_truncated_sweep);
    tcase_add_test(tc, test_byte_flips);
    tcase_add_test(tc, test_is_fdt);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(domtree_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
