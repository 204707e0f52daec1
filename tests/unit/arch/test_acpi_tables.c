/* test_acpi_tables.c - the ACPI parser over tables built in fake physical memory, good and hostile. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "arch/acpi_tables.h"
#include "support.h"

#define MEM_SIZE MiB(2)
#define RSDP_PA 0xf5a00 /* where SeaBIOS puts it */
#define RSDT_PA 0x1f0000
#define MADT_PA 0x1f1000
#define FACP_PA 0x1f3000
#define DSDT_PA 0x1f4000
#define XSDT_PA 0x1f5000
#define MADT2_PA 0x1f6000
#define SPARE_PA 0x1f8000

static uint8_t mem[MEM_SIZE];
static paddr_t hole_start, hole_end; /* [start, end) reads as unmapped */
static unsigned nr_maps;

/* The mapper: fake memory, NULL outside it or overlapping the hole. */
static const void *fake_map(void *ctx, paddr_t pa, size_t len)
{
    ck_assert_ptr_eq(ctx, mem);
    nr_maps++;
    if (pa > MEM_SIZE || len > MEM_SIZE - pa)
        return NULL;
    if (pa < hole_end && pa + len > hole_start)
        return NULL;
    return mem + pa;
}

/* ---- table building -------------------------------------------------------------------------- */

struct tbl {
    uint8_t b[8192];
    uint32_t len;
};

static void tbl_init(struct tbl *t, const char *sig, uint8_t rev)
{
    memset(t, 0, sizeof(*t));
    memcpy(t->b, sig, 4);
    t->b[8] = rev;
    memcpy(t->b + 10, "HEARTH", 6);
    t->len = 36;
}

static void tbl_set(struct tbl *t, uint32_t off, uint64_t v, unsigned size)
{
    memcpy(t->b + off, &v, size);
    if (off + size > t->len)
        t->len = off + size;
}

static void tbl_put(struct tbl *t, const void *p, size_t n)
{
    memcpy(t->b + t->len, p, n);
    t->len += (uint32_t)n;
}

static uint8_t sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s += *p++;
    return s;
}

/* Write the table at pa with its length and checksum filled in. */
static void tbl_install(struct tbl *t, paddr_t pa)
{
    memcpy(t->b + 4, &t->len, 4);
    t->b[9] = 0;
    t->b[9] = (uint8_t)-sum(t->b, t->len);
    memcpy(mem + pa, t->b, t->len);
}

/* Patch a field of an installed table and fix its checksum (or not). */
static void mem_patch(paddr_t table, uint32_t off, uint64_t v, unsigned size, bool fix)
{
    uint32_t len;

    memcpy(mem + table + off, &v, size);
    if (fix) {
        memcpy(&len, mem + table + 4, 4);
        mem[table + 9] = 0;
        mem[table + 9] = (uint8_t)-sum(mem + table, len);
    }
}

static void put_rsdp(paddr_t pa, uint8_t rev, uint32_t rsdt, uint64_t xsdt)
{
    uint8_t *p = mem + pa;
    uint32_t len = 36;

    memset(p, 0, 36);
    memcpy(p, "RSD PTR ", 8);
    memcpy(p + 9, "BOCHS ", 6);
    p[15] = rev;
    memcpy(p + 16, &rsdt, 4);
    if (rev >= 2) {
        memcpy(p + 20, &len, 4);
        memcpy(p + 24, &xsdt, 8);
    }
    p[8] = (uint8_t)-sum(p, 20);
    if (rev >= 2)
        p[32] = (uint8_t)-sum(p, 36);
}

static void madt_lapic(struct tbl *t, uint8_t acpi_id, uint8_t apic_id, uint32_t flags)
{
    uint8_t e[8] = { 0, 8, acpi_id, apic_id };

    memcpy(e + 4, &flags, 4);
    tbl_put(t, e, sizeof(e));
}

static void madt_x2apic(struct tbl *t, uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
    uint8_t e[16] = { 9, 16 };

    memcpy(e + 4, &x2apic_id, 4);
    memcpy(e + 8, &flags, 4);
    memcpy(e + 12, &uid, 4);
    tbl_put(t, e, sizeof(e));
}

static void madt_ioapic(struct tbl *t, uint8_t id, uint32_t addr, uint32_t gsi_base)
{
    uint8_t e[12] = { 1, 12, id, 0 };

    memcpy(e + 4, &addr, 4);
    memcpy(e + 8, &gsi_base, 4);
    tbl_put(t, e, sizeof(e));
}

static void madt_iso(struct tbl *t, uint8_t source, uint32_t gsi, uint16_t flags)
{
    uint8_t e[10] = { 2, 10, 0, source };

    memcpy(e + 4, &gsi, 4);
    memcpy(e + 8, &flags, 2);
    tbl_put(t, e, sizeof(e));
}

static void madt_begin(struct tbl *t)
{
    tbl_init(t, "APIC", 3);
    tbl_set(t, 36, 0xfee00000, 4);
    tbl_set(t, 40, 1, 4); /* PCAT_COMPAT */
}

/* QEMU's MADT: 2 CPUs, 1 IO APIC, IRQ0 -> GSI2, LAPIC NMI. */
static void build_madt(paddr_t pa)
{
    static const uint8_t nmi[6] = { 4, 6, 0xff, 0, 0, 1 };
    struct tbl t;

    madt_begin(&t);
    madt_lapic(&t, 0, 0, 1);
    madt_lapic(&t, 1, 1, 1);
    madt_ioapic(&t, 0, 0xfec00000, 0);
    madt_iso(&t, 0, 2, 0);
    madt_iso(&t, 9, 9, 0xd);
    tbl_put(&t, nmi, sizeof(nmi));
    tbl_install(&t, pa);
}

/* QEMU's AML for \_S5: Name (_S5, Package (0x04) { 0x05, Zero, Zero, Zero }), with value 7/0
 * (not QEMU's 0) in the second slot so the two are told apart. */
static const uint8_t s5_qemu[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                   0x0a, 0x05, 0x0a, 0x07, 0x00, 0x00 };

static void build_dsdt(paddr_t pa, const uint8_t *aml, size_t n)
{
    /* A decoy first: _S5_ used as a name string, not after NameOp (e.g. a method call). */
    static const uint8_t decoy[] = { 0x14, 0x08, 'F', 'O', 'O', '_', 0x00, '_', 'S', '5', '_',
                                     0x12, 0x04, 0x02, 0x0a, 0x09, 0x0a, 0x09 };
    struct tbl t;

    tbl_init(&t, "DSDT", 1);
    tbl_put(&t, decoy, sizeof(decoy));
    tbl_put(&t, aml, n);
    tbl_install(&t, pa);
}

/* A 244-byte (revision 4) FADT like QEMU's. */
static void build_facp(paddr_t pa, uint32_t len)
{
    struct tbl t;

    tbl_init(&t, "FACP", 4);
    t.len = len;
    tbl_set(&t, 40, DSDT_PA, 4);
    tbl_set(&t, 64, 0x604, 4); /* PM1a_CNT_BLK */
    tbl_set(&t, 89, 2, 1);     /* PM1_CNT_LEN */
    if (len >= 129) {
        tbl_set(&t, 112, 1u << 10, 4); /* RESET_REG_SUP */
        tbl_set(&t, 116, 1, 1);        /* I/O space */
        tbl_set(&t, 117, 8, 1);
        tbl_set(&t, 120, 0xcf9, 8);
        tbl_set(&t, 128, 0x0f, 1);
    }
    t.len = len;
    tbl_install(&t, pa);
}

static void build_root(paddr_t pa, const char *sig, const uint64_t *entries, unsigned n)
{
    unsigned esize = sig[0] == 'X' ? 8 : 4;
    struct tbl t;

    tbl_init(&t, sig, 1);
    for (unsigned i = 0; i < n; i++)
        tbl_put(&t, &entries[i], esize);
    tbl_install(&t, pa);
}

/* QEMU-like: RSDP v0 -> RSDT -> {FACP -> DSDT with _S5, MADT}. */
static void build_qemu(void)
{
    static const uint64_t entries[] = { FACP_PA, MADT_PA };

    memset(mem, 0, sizeof(mem));
    build_dsdt(DSDT_PA, s5_qemu, sizeof(s5_qemu));
    build_facp(FACP_PA, 244);
    build_madt(MADT_PA);
    build_root(RSDT_PA, "RSDT", entries, 2);
    put_rsdp(RSDP_PA, 0, RSDT_PA, 0);
}

static struct acpi_info info;

static void setup(void)
{
    support_reset();
    hole_start = hole_end = 0;
    nr_maps = 0;
    build_qemu();
}

static int parse(paddr_t rsdp)
{
    return acpi_parse(rsdp, fake_map, mem, &info);
}

/* ---- the good case ----------------------------------------------------------------------------- */

START_TEST(test_qemu_layout)
{
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.lapic_addr, 0xfee00000);
    ck_assert_uint_eq(info.nr_cpus, 2);
    ck_assert_uint_eq(info.cpus[1].apic_id, 1);
    ck_assert_uint_eq(info.cpus[1].acpi_id, 1);
    ck_assert(info.cpus[0].enabled && info.cpus[1].enabled);
    ck_assert_uint_eq(info.nr_ioapics, 1);
    ck_assert_uint_eq(info.ioapics[0].addr, 0xfec00000);
    ck_assert_uint_eq(info.ioapics[0].gsi_base, 0);
    ck_assert_uint_eq(info.nr_overrides, 2);
    ck_assert_uint_eq(info.overrides[0].source, 0);
    ck_assert_uint_eq(info.overrides[0].gsi, 2);
    ck_assert_uint_eq(info.overrides[1].source, 9);
    ck_assert_uint_eq(info.overrides[1].flags, 0xd);
    ck_assert_uint_eq(info.pm1a_cnt, 0x604);
    ck_assert_uint_eq(info.pm1b_cnt, 0);
    ck_assert(info.have_s5);
    ck_assert_uint_eq(info.s5_typ_a, 5);
    ck_assert_uint_eq(info.s5_typ_b, 7);
    ck_assert(info.have_reset);
    ck_assert_uint_eq(info.reset_space, ACPI_SPACE_IO);
    ck_assert_uint_eq(info.reset_addr, 0xcf9);
    ck_assert_uint_eq(info.reset_value, 0x0f);
    ck_assert_str_eq(support_log, "");
}
END_TEST

/* ---- RSDP search ------------------------------------------------------------------------------- */

START_TEST(test_find_rsdp)
{
    /* The loader's hint wins when valid; a bad hint falls back to the scan. */
    put_rsdp(0x9000, 0, RSDT_PA, 0);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0x9000), 0x9000);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0x9010), RSDP_PA);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), RSDP_PA);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, MEM_SIZE + 0x1000), RSDP_PA);

    /* EBDA comes before the BIOS area. */
    mem[0x40e] = 0x00;
    mem[0x40f] = 0x9f; /* segment 0x9f00 -> 0x9f000 */
    put_rsdp(0x9f000 + 0x3f0, 2, RSDT_PA, XSDT_PA);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0x9f3f0);
    /* Only the EBDA's first KiB is searched. */
    memset(mem + 0x9f3f0, 0, 36);
    put_rsdp(0x9f400, 0, RSDT_PA, 0);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), RSDP_PA);
}
END_TEST

START_TEST(test_find_rsdp_rejects)
{
    /* Bad first checksum, then not 16-byte aligned; the last one in the area is found. */
    memset(mem + RSDP_PA, 0, 36);
    put_rsdp(0xe0000, 0, RSDT_PA, 0);
    mem[0xe0000 + 8]++;
    put_rsdp(0xe0108, 0, RSDT_PA, 0);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0);
    put_rsdp(0xffff0, 2, RSDT_PA, XSDT_PA);
    mem[0xffff0 + 32]++; /* extended checksum broken: v2 RSDP invalid */
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0);
    mem[0xffff0 + 32]--;
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0xffff0);
    /* The BIOS area unreadable: nothing found, no crash. */
    hole_start = 0xe0000;
    hole_end = 0x100000;
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0);
    /* EBDA pointer itself unreadable. */
    hole_start = 0;
    hole_end = 0x1000;
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, 0), 0xffff0);
}
END_TEST

START_TEST(test_rsdp_v2_length)
{
    uint32_t len = 20; /* shorter than a v2 RSDP */

    put_rsdp(RSDP_PA, 2, RSDT_PA, 0);
    memcpy(mem + RSDP_PA + 20, &len, 4);
    mem[RSDP_PA + 8] = 0;
    mem[RSDP_PA + 8] = (uint8_t)-sum(mem + RSDP_PA, 20);
    ck_assert_uint_eq(acpi_find_rsdp(fake_map, mem, RSDP_PA), 0);
    ck_assert_int_eq(parse(RSDP_PA), -1);
    ck_assert(support_log_has("acpi: no valid RSDP"));
}
END_TEST

/* ---- root tables ------------------------------------------------------------------------------- */

/* A second MADT, reached only through an XSDT: 4 CPUs, x2APIC entries, LAPIC override. */
static void build_xsdt_world(void)
{
    static const uint64_t entries[] = { MADT2_PA, FACP_PA };
    uint8_t lapic_override[12] = { 5, 12 };
    uint64_t addr = 0xfee10000;
    struct tbl t;

    madt_begin(&t);
    madt_lapic(&t, 0, 0, 1);
    madt_lapic(&t, 1, 1, 1);
    madt_x2apic(&t, 0x100, 1, 2);
    madt_x2apic(&t, 0x101, 2, 3); /* online-capable only */
    madt_x2apic(&t, 0x102, 0, 4); /* neither: not a CPU */
    memcpy(lapic_override + 4, &addr, 8);
    tbl_put(&t, lapic_override, sizeof(lapic_override));
    tbl_install(&t, MADT2_PA);
    build_root(XSDT_PA, "XSDT", entries, 2);
    put_rsdp(RSDP_PA, 2, RSDT_PA, XSDT_PA);
}

START_TEST(test_xsdt_preferred)
{
    build_xsdt_world();
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 4);
    ck_assert_uint_eq(info.cpus[2].apic_id, 0x100);
    ck_assert_uint_eq(info.cpus[2].acpi_id, 2);
    ck_assert(info.cpus[2].enabled);
    ck_assert_uint_eq(info.cpus[3].apic_id, 0x101);
    ck_assert(!info.cpus[3].enabled);
    ck_assert_uint_eq(info.lapic_addr, 0xfee10000);
    ck_assert(info.have_s5);
}
END_TEST

START_TEST(test_bad_xsdt_falls_back)
{
    build_xsdt_world();
    mem_patch(XSDT_PA, 36, 0x1234, 4, false);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 2); /* the RSDT's MADT */
    ck_assert(support_log_has("acpi: XSDT at 0x1f5000: bad checksum"));
}
END_TEST

START_TEST(test_xsdt_wrong_signature)
{
    build_xsdt_world();
    mem_patch(XSDT_PA, 0, 0x54445352, 4, true); /* "RSDT" */
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 2);
    ck_assert(support_log_has("expected XSDT"));
}
END_TEST

START_TEST(test_rsdt_entry_hostile)
{
    /* Entries pointing at 0, beyond memory, and into the middle of nowhere come before the
     * real ones; all are skipped. */
    static const uint64_t entries[] = { 0, MEM_SIZE - 8, 0xffffffff, SPARE_PA, FACP_PA, MADT_PA };

    build_root(RSDT_PA, "RSDT", entries, ARRAY_SIZE(entries));
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 2);
    ck_assert(support_log_has("table at 0 unreadable"));
    ck_assert(support_log_has("table at 0x1ffff8 unreadable"));
    ck_assert(support_log_has("table at 0xffffffff unreadable"));
    ck_assert(support_log_has("????")); /* all-zero memory at SPARE_PA: length 0 */
}
END_TEST

START_TEST(test_rsdt_odd_length)
{
    /* A root whose length leaves a partial entry: the partial entry is ignored. */
    struct tbl t;
    uint32_t e[2] = { FACP_PA, MADT_PA };

    tbl_init(&t, "RSDT", 1);
    tbl_put(&t, e, sizeof(e));
    tbl_put(&t, "\x01\x02", 2);
    tbl_install(&t, RSDT_PA);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 2);
}
END_TEST

/* ---- hostile tables, as a table ---------------------------------------------------------------- */

struct hostile_case {
    const char *what;
    paddr_t table;   /* which installed table to corrupt */
    uint32_t off;    /* byte offset of the field */
    uint64_t value;
    unsigned size;
    bool fix_checksum;
    int rc;          /* acpi_parse result */
    const char *log; /* expected in the log, or NULL for no warning */
    unsigned nr_cpus;
    bool have_s5, have_reset;
};

static const struct hostile_case hostile_cases[] = {
    { "MADT bad checksum", MADT_PA, 40, 7, 4, false, -1, "acpi: APIC at 0x1f1000: bad checksum",
      0, true, true },
    { "FACP bad checksum", FACP_PA, 64, 0x608, 4, false, 0, "acpi: FACP at 0x1f3000: bad checksum",
      2, false, false },
    { "DSDT bad checksum", DSDT_PA, 40, 0xff, 1, false, 0, "acpi: DSDT at 0x1f4000: bad checksum",
      2, false, true },
    { "RSDT bad checksum", RSDT_PA, 36, MADT_PA, 4, false, -1, "acpi: RSDT", 0, false, false },
    { "MADT length < header", MADT_PA, 4, 20, 4, true, -1, "APIC at 0x1f1000: bad length 20", 0,
      true, true },
    { "MADT length 0", MADT_PA, 4, 0, 4, true, -1, "bad length 0", 0, true, true },
    { "MADT length past memory", MADT_PA, 4, 0x20000, 4, false, -1, "bytes unreadable", 0, true,
      true },
    { "MADT length huge", MADT_PA, 4, 0xffffffff, 4, false, -1, "bad length 4294967295", 0, true,
      true },
    { "MADT header only", MADT_PA, 4, 40, 4, true, -1, "APIC: length 40 too short", 0, true,
      true },
    { "MADT entry length 0", MADT_PA, 44 + 8 + 1, 0, 1, true, 0,
      "APIC entry at offset 52: bad length 0", 1, true, true },
    { "MADT entry length 1", MADT_PA, 44 + 1, 1, 1, true, -1, "bad length 1", 0, true, true },
    { "MADT entry past table", MADT_PA, 44 + 16 + 1, 200, 1, true, 0,
      "APIC entry at offset 60: bad length 200", 2, true, true },
    /* Too short for a LAPIC; the next "entry" is the rest of it, with length 0. */
    { "LAPIC entry too short", MADT_PA, 44 + 1, 2, 1, true, -1,
      "APIC entry type 0 too short (2 bytes)", 0, true, true },
    { "CPU 0 disabled", MADT_PA, 44 + 4, 0, 4, true, 0, NULL, 1, true, true },
    { "FACP wrong DSDT signature", DSDT_PA, 0, 0x54445353, 4, true, 0, "expected DSDT", 2, false,
      true },
    { "DSDT pointer unreadable", FACP_PA, 40, 0x7fff0000, 4, true, 0,
      "DSDT table at 0x7fff0000 unreadable", 2, false, true },
    { "DSDT pointer 0", FACP_PA, 40, 0, 4, true, 0, "DSDT table at 0 unreadable", 2, false, true },
    { "reset not supported", FACP_PA, 112, 0, 4, true, 0, NULL, 2, true, false },
    { "reset address 0", FACP_PA, 120, 0, 8, true, 0, NULL, 2, true, false },
};

START_TEST(test_hostile_table)
{
    const struct hostile_case *c = &hostile_cases[_i];
    int rc;

    mem_patch(c->table, c->off, c->value, c->size, c->fix_checksum);
    rc = parse(RSDP_PA);
    ck_assert_msg(rc == c->rc, "%s: rc %d", c->what, rc);
    if (c->log)
        ck_assert_msg(support_log_has(c->log), "%s: log was: %s", c->what, support_log);
    else
        ck_assert_msg(support_log[0] == '\0', "%s: log was: %s", c->what, support_log);
    if (rc == 0)
        ck_assert_msg(info.nr_cpus == c->nr_cpus, "%s: %u cpus", c->what, info.nr_cpus);
    /* The FADT and DSDT are parsed whether or not the MADT is usable. */
    ck_assert_msg(info.have_s5 == c->have_s5, "%s: have_s5 %d", c->what, info.have_s5);
    ck_assert_msg(info.have_reset == c->have_reset, "%s: have_reset %d", c->what,
                  info.have_reset);
}
END_TEST

START_TEST(test_madt_missing)
{
    static const uint64_t entries[] = { FACP_PA };

    build_root(RSDT_PA, "RSDT", entries, 1);
    ck_assert_int_eq(parse(RSDP_PA), -1);
    ck_assert(support_log_has("no valid APIC table"));
    ck_assert_uint_eq(info.pm1a_cnt, 0x604); /* the rest is still filled in */
}
END_TEST

START_TEST(test_madt_ends_in_partial_header)
{
    /* One stray byte after the last entry: too short to be an entry header; ignored. */
    struct tbl t;

    madt_begin(&t);
    madt_lapic(&t, 0, 0, 1);
    tbl_put(&t, "\x00", 1);
    tbl_install(&t, MADT_PA);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 1);
}
END_TEST

START_TEST(test_madt_short_entry_skipped)
{
    static const uint8_t short_lapic[4] = { 0, 4, 7, 7 };
    static const uint8_t short_ioapic[8] = { 1, 8, 1, 0, 0, 0, 0xc0, 0xfe };
    static const uint8_t unknown[3] = { 0x7f, 3, 0xff };
    struct tbl t;

    madt_begin(&t);
    tbl_put(&t, short_lapic, sizeof(short_lapic));
    tbl_put(&t, short_ioapic, sizeof(short_ioapic));
    tbl_put(&t, unknown, sizeof(unknown));
    madt_lapic(&t, 2, 5, 1);
    tbl_install(&t, MADT_PA);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 1);
    ck_assert_uint_eq(info.cpus[0].apic_id, 5);
    ck_assert_uint_eq(info.nr_ioapics, 0);
    ck_assert(support_log_has("APIC entry type 0 too short (4 bytes), skipped"));
    ck_assert(support_log_has("APIC entry type 1 too short (8 bytes), skipped"));
}
END_TEST

START_TEST(test_too_many_entries)
{
    struct tbl t;

    madt_begin(&t);
    for (unsigned i = 0; i < 300; i++)
        madt_x2apic(&t, i, 1, i);
    for (unsigned i = 0; i < 10; i++)
        madt_ioapic(&t, (uint8_t)i, 0xfec00000 + 0x1000 * i, 24 * i);
    for (unsigned i = 0; i < 20; i++)
        madt_iso(&t, (uint8_t)i, i, 0);
    ck_assert_uint_le(t.len, sizeof(t.b));
    tbl_install(&t, MADT_PA);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, ACPI_MAX_CPUS);
    ck_assert_uint_eq(info.cpus[255].apic_id, 255);
    ck_assert_uint_eq(info.nr_ioapics, ACPI_MAX_IOAPICS);
    ck_assert_uint_eq(info.ioapics[7].gsi_base, 24 * 7);
    ck_assert_uint_eq(info.nr_overrides, ACPI_MAX_OVERRIDES);
    ck_assert(support_log_has("44 CPUs beyond the first 256 ignored"));
    ck_assert(support_log_has("2 IO APICs beyond the first 8 ignored"));
    ck_assert(support_log_has("4 interrupt overrides beyond the first 16 ignored"));
}
END_TEST

START_TEST(test_madt_at_end_of_memory)
{
    static const uint64_t entries[] = { MEM_SIZE - 64 };
    struct tbl t;

    madt_begin(&t);
    madt_lapic(&t, 0, 0, 1);
    madt_lapic(&t, 1, 3, 1);
    ck_assert_uint_eq(t.len, 60);
    tbl_put(&t, "\x04\x04\x00\x00", 4); /* a 4-byte type-4 entry: skipped, ends exactly */
    tbl_install(&t, MEM_SIZE - 64);
    build_root(RSDT_PA, "RSDT", entries, 1);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.nr_cpus, 2);
    ck_assert_uint_eq(info.cpus[1].apic_id, 3);
}
END_TEST

/* ---- FADT variants ------------------------------------------------------------------------------ */

START_TEST(test_fadt_v1_short)
{
    /* ACPI 1.0 FADT (116 bytes): no reset register, no X_ fields. */
    build_facp(FACP_PA, 116);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.pm1a_cnt, 0x604);
    ck_assert(!info.have_reset);
    ck_assert(info.have_s5);
}
END_TEST

START_TEST(test_fadt_tiny)
{
    /* A FADT that ends right after the header: every field reads as absent. */
    build_facp(FACP_PA, 36);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.pm1a_cnt, 0);
    ck_assert(!info.have_s5);
    ck_assert(support_log_has("DSDT table at 0 unreadable"));
}
END_TEST

START_TEST(test_fadt_x_fields)
{
    struct tbl t;

    tbl_init(&t, "FACP", 5);
    t.len = 268;
    tbl_set(&t, 40, 0xdead0000, 4); /* stale 32-bit DSDT: X_DSDT wins */
    tbl_set(&t, 140, DSDT_PA, 8);
    tbl_set(&t, 64, 0x604, 4);
    tbl_set(&t, 172, ACPI_SPACE_IO, 1); /* X_PM1a_CNT_BLK */
    tbl_set(&t, 176, 0xb004, 8);
    tbl_set(&t, 68, 0x1000, 4);
    tbl_set(&t, 184, ACPI_SPACE_MEMORY, 1); /* X_PM1b in memory: fall back to the I/O field */
    tbl_set(&t, 188, 0xfed00000, 8);
    t.len = 268;
    tbl_install(&t, FACP_PA);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_uint_eq(info.pm1a_cnt, 0xb004);
    ck_assert_uint_eq(info.pm1b_cnt, 0x1000);
    ck_assert(info.have_s5);
}
END_TEST

/* ---- _S5 encodings, as a table -------------------------------------------------------------------- */

struct s5_case {
    const char *what;
    uint8_t aml[24];
    uint8_t n;
    bool found;
    uint8_t a, b;
};

static const struct s5_case s5_cases[] = {
    { "byte prefix", { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0a, 5, 0x0a, 7, 0, 0 }, 14,
      true, 5, 7 },
    { "root prefix", { 0x08, '\\', '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 3, 0x0a, 4 }, 13,
      true, 3, 4 },
    { "zero and one ops", { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x00, 0x01 }, 10, true,
      0, 1 },
    { "two-byte pkglength", { 0x08, '_', 'S', '5', '_', 0x12, 0x47, 0x00, 0x02, 0x0a, 6, 0x01 },
      12, true, 6, 1 },
    { "four-byte pkglength", { 0x08, '_', 'S', '5', '_', 0x12, 0xc8, 0, 0, 0, 0x02, 0x01, 0x00 },
      13, true, 1, 0 },
    { "not after NameOp", { 0x10, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01, 0x01 }, 10, false, 0, 0 },
    { "not a package", { 0x08, '_', 'S', '5', '_', 0x0a, 0x05 }, 7, false, 0, 0 },
    { "word prefix", { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0b, 5, 0, 0x01 }, 12, false, 0, 0 },
    { "one element", { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x01, 0x0a, 5, 0x0a, 5 }, 12, false, 0, 0 },
    { "package too short", { 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x0a, 5, 0x0a, 5 }, 12,
      false, 0, 0 },
    { "cut after PackageOp", { 0x08, '_', 'S', '5', '_', 0x12 }, 6, false, 0, 0 },
    { "cut in pkglength", { 0x08, '_', 'S', '5', '_', 0x12, 0xc0, 0x00 }, 8, false, 0, 0 },
    { "cut in byte prefix", { 0x08, '_', 'S', '5', '_', 0x12, 0x06, 0x02, 0x0a, 5, 0x0a }, 11,
      false, 0, 0 },
    { "cut in name", { 0x08, '_', 'S', '5' }, 4, false, 0, 0 },
    { "second definition wins after a bad first",
      { 0x08, '_', 'S', '5', '_', 0x0a, 0x05, 0x08, '_', 'S', '5', '_', 0x12, 0x04, 0x02, 0x01,
        0x00 },
      17, true, 1, 0 },
};

START_TEST(test_s5_encoding)
{
    const struct s5_case *c = &s5_cases[_i];

    build_dsdt(DSDT_PA, c->aml, c->n);
    ck_assert_int_eq(parse(RSDP_PA), 0);
    ck_assert_msg(info.have_s5 == c->found, "%s: have_s5 %d", c->what, info.have_s5);
    if (c->found) {
        ck_assert_msg(info.s5_typ_a == c->a && info.s5_typ_b == c->b, "%s: %u %u", c->what,
                      info.s5_typ_a, info.s5_typ_b);
    }
}
END_TEST

START_TEST(test_unreadable_rsdp)
{
    ck_assert_int_eq(parse(MEM_SIZE), -1);
    ck_assert_int_eq(parse(UINT64_MAX - 4), -1);
    hole_start = RSDT_PA;
    hole_end = RSDT_PA + 1;
    ck_assert_int_eq(parse(RSDP_PA), -1);
    ck_assert(support_log_has("RSDT table at 0x1f0000 unreadable"));
}
END_TEST

static Suite *acpi_suite(void)
{
    Suite *s = suite_create("acpi_tables");
    TCase *tc = tcase_create("core");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_qemu_layout);
    tcase_add_test(tc, test_find_rsdp);
    tcase_add_test(tc, test_find_rsdp_rejects);
    tcase_add_test(tc, test_rsdp_v2_length);
    tcase_add_test(tc, test_xsdt_preferred);
    tcase_add_test(tc, test_bad_xsdt_falls_back);
    tcase_add_test(tc, test_xsdt_wrong_signature);
    tcase_add_test(tc, test_rsdt_entry_hostile);
    tcase_add_test(tc, test_rsdt_odd_length);
    tcase_add_loop_test(tc, test_hostile_table, 0, (int)ARRAY_SIZE(hostile_cases));
    tcase_add_test(tc, test_madt_missing);
    tcase_add_test(tc, test_madt_ends_in_partial_header);
    tcase_add_test(tc, test_madt_short_entry_skipped);
    tcase_add_test(tc, test_too_many_entries);
    tcase_add_test(tc, test_madt_at_end_of_memory);
    tcase_add_test(tc, test_fadt_v1_short);
    tcase_add_test(tc, test_fadt_tiny);
    tcase_add_test(tc, test_fadt_x_fields);
    tcase_add_loop_test(tc, test_s5_encoding, 0, (int)ARRAY_SIZE(s5_cases));
    tcase_add_test(tc, test_unreadable_rsdp);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(acpi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
