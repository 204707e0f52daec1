/* acpi_tables.c - find the RSDP and parse the MADT, FADT and DSDT \_S5 through a caller's mapper. */
#include "arch/acpi_tables.h"

#define ACPI_HDR_LEN 36              /* signature, length, revision, checksum, OEM ids */
#define ACPI_MAX_TABLE_LEN MiB(16)   /* longer is corrupt firmware: refuse to map it */
#define RSDP_V1_LEN 20               /* bytes covered by the first checksum */
#define RSDP_V2_LEN 36
#define RSDP_MAX_LEN 1024            /* bound on the extended length field */
#define BDA_EBDA_SEG 0x40e           /* BIOS data area word: EBDA segment */
#define BIOS_ROM_START 0xe0000
#define BIOS_ROM_END 0x100000

/* Byte offsets, from the ACPI specification. */
#define MADT_LAPIC_ADDR 36
#define MADT_ENTRIES 44
#define FADT_DSDT 40
#define FADT_PM1A_CNT 64
#define FADT_PM1B_CNT 68
#define FADT_FLAGS 112
#define FADT_RESET_REG 116 /* GAS: space_id, bit_width, bit_offset, access_size, u64 address */
#define FADT_RESET_VALUE 128
#define FADT_X_DSDT 140
#define FADT_X_PM1A_CNT 172
#define FADT_X_PM1B_CNT 184
#define FADT_RESET_REG_SUP (1u << 10)
#define GAS_LEN 12

#define AML_NAME_OP 0x08
#define AML_ROOT_CHAR '\\'
#define AML_PACKAGE_OP 0x12
#define AML_BYTE_PREFIX 0x0a
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01

struct acpi_mem {
    const void *(*map)(void *ctx, paddr_t pa, size_t len);
    void *ctx;
};

/* The MADT and FADT picked from the root table (first valid one of each). */
struct acpi_found {
    const uint8_t *madt, *fadt;
    uint32_t madt_len, fadt_len;
};

/* MADT walk state: the output and how many entries did not fit in it. */
struct madt_state {
    struct acpi_info *out;
    unsigned dropped_cpus, dropped_ioapics, dropped_overrides;
};

/* A bounded reader over AML bytes [pos, end). */
struct aml_cursor {
    const uint8_t *t;
    uint64_t pos, end;
};

/* Field readers bounded by the table length: a field the table is too short to hold reads 0. */
static uint32_t acpi_field32(const uint8_t *t, uint32_t len, uint32_t off)
{
    return (uint64_t)off + 4 <= len ? load_u32(t + off) : 0;
}

static uint64_t acpi_field64(const uint8_t *t, uint32_t len, uint32_t off)
{
    return (uint64_t)off + 8 <= len ? load_u64(t + off) : 0;
}

static uint8_t acpi_sum(const uint8_t *p, size_t n)
{
    uint8_t s = 0;

    while (n--)
        s = (uint8_t)(s + *p++);
    return s;
}

static bool acpi_sig_is(const uint8_t *t, const char *sig)
{
    return memcmp(t, sig, 4) == 0;
}

/* Copy a table signature into name[5] for messages, with unprintable bytes shown as '?'. */
static void acpi_sig_name(const uint8_t *t, char name[5])
{
    for (int i = 0; i < 4; i++)
        name[i] = (t[i] >= 0x20 && t[i] < 0x7f) ? (char)t[i] : '?';
    name[4] = '\0';
}

static unsigned long long acpi_ull(paddr_t pa)
{
    return (unsigned long long)pa;
}

/* ---- RSDP -------------------------------------------------------------------------------- */

/* The RSDP at pa if it is a valid one (see acpi_find_rsdp), else NULL. */
static const uint8_t *acpi_rsdp_check(const struct acpi_mem *m, paddr_t pa)
{
    const uint8_t *p = m->map(m->ctx, pa, RSDP_V1_LEN);
    uint32_t len;

    if (!p || memcmp(p, "RSD PTR ", 8) != 0 || acpi_sum(p, RSDP_V1_LEN) != 0) {
        p = NULL;
        goto out;
    }
    if (p[15] < 2) /* ACPI 1.0: 20 bytes, no XSDT */
        goto out;
    len = load_u32(p + 20);
    p = (len >= RSDP_V2_LEN && len <= RSDP_MAX_LEN) ? m->map(m->ctx, pa, len) : NULL;
    if (p && acpi_sum(p, len) != 0)
        p = NULL;
out:
    return p;
}

/* The first valid RSDP starting on a 16-byte boundary in [start, end), or 0. */
static paddr_t acpi_rsdp_scan(const struct acpi_mem *m, paddr_t start, paddr_t end)
{
    paddr_t pa;

    for (pa = ALIGN_UP(start, 16); pa < end; pa += 16)
        if (acpi_rsdp_check(m, pa))
            break;
    return pa < end ? pa : 0;
}

/* The EBDA's physical base from the BIOS data area, or 0 if the pointer is unusable. */
static paddr_t acpi_ebda_base(const struct acpi_mem *m)
{
    const uint8_t *p = m->map(m->ctx, BDA_EBDA_SEG, 2);
    paddr_t base = p ? (paddr_t)load_u16(p) << 4 : 0;

    /* Below 0x400 is the real-mode IVT and BDA; from 0xA0000 up is video memory and ROM. */
    return (base >= 0x400 && base < 0xa0000) ? base : 0;
}

paddr_t acpi_find_rsdp(const void *(*map)(void *, paddr_t, size_t), void *ctx, paddr_t hint)
{
    struct acpi_mem m = { map, ctx };
    paddr_t ebda, pa = 0;

    if (hint && acpi_rsdp_check(&m, hint)) {
        pa = hint;
        goto out;
    }
    ebda = acpi_ebda_base(&m);
    if (ebda)
        pa = acpi_rsdp_scan(&m, ebda, ebda + KiB(1));
    if (!pa)
        pa = acpi_rsdp_scan(&m, BIOS_ROM_START, BIOS_ROM_END);
out:
    return pa;
}

/* ---- Tables ------------------------------------------------------------------------------ */

/*
 * Map the whole table at pa and check it: readable, length within [header, ACPI_MAX_TABLE_LEN],
 * checksum, and signature want (if not NULL). Returns the table and its length in *len, or NULL
 * after a warning naming the table.
 */
static const uint8_t *acpi_load(const struct acpi_mem *m, paddr_t pa, const char *want,
                                uint32_t *len)
{
    const uint8_t *t = pa ? m->map(m->ctx, pa, ACPI_HDR_LEN) : NULL;
    char name[5];

    if (!t) {
        printk(KERN_WARNING "acpi: %s table at %#llx unreadable\n", want ? want : "listed",
               acpi_ull(pa));
        goto out;
    }
    acpi_sig_name(t, name);
    *len = load_u32(t + 4);
    if (*len < ACPI_HDR_LEN || *len > ACPI_MAX_TABLE_LEN) {
        printk(KERN_WARNING "acpi: %s at %#llx: bad length %u, skipped\n", name, acpi_ull(pa),
               *len);
        t = NULL;
    } else if (!(t = m->map(m->ctx, pa, *len))) {
        printk(KERN_WARNING "acpi: %s at %#llx: %u bytes unreadable, skipped\n", name,
               acpi_ull(pa), *len);
    } else if (acpi_sum(t, *len) != 0) {
        printk(KERN_WARNING "acpi: %s at %#llx: bad checksum, skipped\n", name, acpi_ull(pa));
        t = NULL;
    } else if (want && !acpi_sig_is(t, want)) {
        printk(KERN_WARNING "acpi: %s at %#llx: expected %s, skipped\n", name, acpi_ull(pa),
               want);
        t = NULL;
    }
out:
    return t;
}

/* The root table: the XSDT if the RSDP (revision >= 2) has a valid one, else the RSDT. */
static const uint8_t *acpi_root(const struct acpi_mem *m, const uint8_t *rsdp, uint32_t *len,
                                unsigned *entry_size)
{
    const uint8_t *t = NULL;
    uint64_t xsdt = rsdp[15] >= 2 ? load_u64(rsdp + 24) : 0;

    if (xsdt) {
        t = acpi_load(m, xsdt, "XSDT", len);
        *entry_size = 8;
    }
    if (!t) {
        t = acpi_load(m, load_u32(rsdp + 16), "RSDT", len);
        *entry_size = 4;
    }
    return t;
}

/* Check every table the root lists; remember the first valid MADT and FADT. */
static void acpi_walk_root(const struct acpi_mem *m, const uint8_t *root, uint32_t root_len,
                           unsigned entry_size, struct acpi_found *f)
{
    uint32_t nr = (root_len - ACPI_HDR_LEN) / entry_size;

    for (uint32_t i = 0; i < nr; i++) {
        const uint8_t *e = root + ACPI_HDR_LEN + (size_t)i * entry_size;
        paddr_t pa = entry_size == 8 ? load_u64(e) : load_u32(e);
        uint32_t len;
        const uint8_t *t = acpi_load(m, pa, NULL, &len);

        if (t && acpi_sig_is(t, "APIC") && !f->madt) {
            f->madt = t;
            f->madt_len = len;
        } else if (t && acpi_sig_is(t, "FACP") && !f->fadt) {
            f->fadt = t;
            f->fadt_len = len;
        }
    }
}

/* ---- MADT -------------------------------------------------------------------------------- */

/* Record one CPU unless it can never run (neither enabled nor online-capable) or there is no room. */
static void madt_add_cpu(struct madt_state *st, uint32_t apic_id, uint32_t acpi_id,
                         uint32_t flags)
{
    struct acpi_info *out = st->out;

    if (!(flags & 3)) /* bit 0 enabled, bit 1 online-capable */
        goto out;
    if (out->nr_cpus == ACPI_MAX_CPUS) {
        st->dropped_cpus++;
        goto out;
    }
    out->cpus[out->nr_cpus].apic_id = apic_id;
    out->cpus[out->nr_cpus].acpi_id = acpi_id;
    out->cpus[out->nr_cpus].enabled = flags & 1;
    out->nr_cpus++;
out:
    return;
}

/* Type 0, processor local APIC: acpi_id at 2, apic_id at 3, flags at 4. */
static void madt_lapic(struct madt_state *st, const uint8_t *e)
{
    madt_add_cpu(st, e[3], e[2], load_u32(e + 4));
}

/* Type 9, processor local x2APIC: x2apic_id at 4, flags at 8, uid at 12. */
static void madt_x2apic(struct madt_state *st, const uint8_t *e)
{
    madt_add_cpu(st, load_u32(e + 4), load_u32(e + 12), load_u32(e + 8));
}

/* Type 1, IO APIC: id at 2, address at 4, GSI base at 8. */
static void madt_ioapic(struct madt_state *st, const uint8_t *e)
{
    struct acpi_info *out = st->out;

    if (out->nr_ioapics == ACPI_MAX_IOAPICS) {
        st->dropped_ioapics++;
    } else {
        out->ioapics[out->nr_ioapics].id = e[2];
        out->ioapics[out->nr_ioapics].addr = load_u32(e + 4);
        out->ioapics[out->nr_ioapics].gsi_base = load_u32(e + 8);
        out->nr_ioapics++;
    }
}

/* Type 2, interrupt source override: bus at 2, source at 3, GSI at 4, flags at 8. */
static void madt_override(struct madt_state *st, const uint8_t *e)
{
    struct acpi_info *out = st->out;

    if (out->nr_overrides == ACPI_MAX_OVERRIDES) {
        st->dropped_overrides++;
    } else {
        out->overrides[out->nr_overrides].source = e[3];
        out->overrides[out->nr_overrides].gsi = load_u32(e + 4);
        out->overrides[out->nr_overrides].flags = load_u16(e + 8);
        out->nr_overrides++;
    }
}

/* Type 5, local APIC address override: 64-bit address at 4. */
static void madt_lapic_override(struct madt_state *st, const uint8_t *e)
{
    st->out->lapic_addr = load_u64(e + 4);
}

/* The MADT entry types used, with the shortest entry that holds their fields. Type 4 (LAPIC
 * NMI) and all others are skipped. */
static const struct madt_handler {
    uint8_t type, min_len;
    void (*fn)(struct madt_state *st, const uint8_t *e);
} madt_handlers[] = {
    { 0, 8, madt_lapic },  { 1, 12, madt_ioapic },        { 2, 10, madt_override },
    { 5, 12, madt_lapic_override }, { 9, 16, madt_x2apic },
};

/* Hand one well-framed entry (len bytes) to its handler if it is long enough for it. */
static void madt_entry(struct madt_state *st, const uint8_t *e, uint8_t len)
{
    for (size_t i = 0; i < ARRAY_SIZE(madt_handlers); i++) {
        const struct madt_handler *h = &madt_handlers[i];

        if (h->type != e[0])
            continue;
        if (len < h->min_len)
            printk(KERN_WARNING "acpi: APIC entry type %u too short (%u bytes), skipped\n",
                   e[0], len);
        else
            h->fn(st, e);
        break;
    }
}

static void madt_report_dropped(const struct madt_state *st)
{
    if (st->dropped_cpus)
        printk(KERN_WARNING "acpi: APIC: %u CPUs beyond the first %u ignored\n",
               st->dropped_cpus, ACPI_MAX_CPUS);
    if (st->dropped_ioapics)
        printk(KERN_WARNING "acpi: APIC: %u IO APICs beyond the first %u ignored\n",
               st->dropped_ioapics, ACPI_MAX_IOAPICS);
    if (st->dropped_overrides)
        printk(KERN_WARNING "acpi: APIC: %u interrupt overrides beyond the first %u ignored\n",
               st->dropped_overrides, ACPI_MAX_OVERRIDES);
}

/* Parse a checked MADT into st->out. Returns 0, or -1 if it is too short or lists no CPU. */
static int madt_parse(const uint8_t *t, uint32_t len, struct madt_state *st)
{
    uint32_t off;
    int rc = -1;

    if (len < MADT_ENTRIES) {
        printk(KERN_WARNING "acpi: APIC: length %u too short\n", len);
        goto out;
    }
    st->out->lapic_addr = load_u32(t + MADT_LAPIC_ADDR);
    for (off = MADT_ENTRIES; len - off >= 2; off += t[off + 1]) {
        /* A zero length would never advance; a long one would run past the table. */
        if (t[off + 1] < 2 || t[off + 1] > len - off) {
            printk(KERN_WARNING "acpi: APIC entry at offset %u: bad length %u, rest skipped\n",
                   off, t[off + 1]);
            break;
        }
        madt_entry(st, t + off, t[off + 1]);
    }
    madt_report_dropped(st);
    if (st->out->nr_cpus == 0) {
        printk(KERN_WARNING "acpi: APIC lists no usable CPU\n");
        goto out;
    }
    rc = 0;
out:
    return rc;
}

/* ---- FADT and DSDT ----------------------------------------------------------------------- */

/* A PM1 control port: the X_ GAS at gas_off if it is a non-zero I/O port, else the 32-bit
 * field at legacy_off; 0 if neither names a 16-bit port. */
static uint16_t fadt_pm1_port(const uint8_t *t, uint32_t len, uint32_t gas_off,
                              uint32_t legacy_off)
{
    uint64_t port = 0;

    if ((uint64_t)gas_off + GAS_LEN <= len && t[gas_off] == ACPI_SPACE_IO)
        port = load_u64(t + gas_off + 4);
    if (!port)
        port = acpi_field32(t, len, legacy_off);
    return port <= UINT16_MAX ? (uint16_t)port : 0;
}

/* The reset register, if the FADT says it is supported and is long enough to hold it. */
static void fadt_reset(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
    if ((acpi_field32(t, len, FADT_FLAGS) & FADT_RESET_REG_SUP) && len > FADT_RESET_VALUE) {
        out->reset_space = t[FADT_RESET_REG];
        out->reset_addr = load_u64(t + FADT_RESET_REG + 4);
        out->reset_value = t[FADT_RESET_VALUE];
        out->have_reset = out->reset_addr != 0;
    }
}

/* Read one SLP_TYP value: BytePrefix + byte, ZeroOp or OneOp. False if anything else or cut. */
static bool aml_small_int(struct aml_cursor *c, uint8_t *val)
{
    bool ok = false;
    uint8_t op;

    if (c->pos >= c->end)
        goto out;
    op = c->t[c->pos++];
    if (op == AML_ZERO_OP || op == AML_ONE_OP) {
        *val = op;
        ok = true;
    } else if (op == AML_BYTE_PREFIX && c->pos < c->end) {
        *val = c->t[c->pos++];
        ok = true;
    }
out:
    return ok;
}

/* Narrow c->end to the end of the package whose PkgLength starts at c->pos; false if cut. */
static bool aml_pkg_length(struct aml_cursor *c)
{
    uint64_t start = c->pos, follow, len;
    bool ok = false;

    if (c->pos >= c->end)
        goto out;
    /* Bits 7:6 of the lead byte: how many bytes follow. Alone, bits 5:0 are the length; with
     * followers, bits 3:0 are its low nibble and each follower adds 8 higher bits. */
    follow = c->t[c->pos] >> 6;
    if (c->end - c->pos < 1 + follow)
        goto out;
    len = follow ? c->t[c->pos] & 0x0f : c->t[c->pos] & 0x3f;
    for (uint64_t i = 1; i <= follow; i++)
        len |= (uint64_t)c->t[c->pos + i] << (4 + 8 * (i - 1));
    c->pos += 1 + follow;
    c->end = MIN(c->end, start + len); /* PkgLength counts itself */
    ok = true;
out:
    return ok;
}

/* Parse "_S5_" at offset i of the DSDT as Name(_S5, Package(){a, b, ...}). */
static bool aml_s5_at(const uint8_t *t, uint32_t len, uint32_t i, uint8_t *a, uint8_t *b)
{
    struct aml_cursor c = { t, (uint64_t)i + 4, len };
    bool named = (i >= 1 && t[i - 1] == AML_NAME_OP) ||
                 (i >= 2 && t[i - 1] == AML_ROOT_CHAR && t[i - 2] == AML_NAME_OP);

    return named && c.pos < c.end && t[c.pos++] == AML_PACKAGE_OP && aml_pkg_length(&c) &&
           c.pos < c.end && t[c.pos++] >= 2 /* NumElements */ && aml_small_int(&c, a) &&
           aml_small_int(&c, b);
}

/* Find \_S5's SLP_TYPa/b in a checked DSDT. */
static void dsdt_find_s5(const uint8_t *t, uint32_t len, struct acpi_info *out)
{
    for (uint32_t i = ACPI_HDR_LEN; len - i >= 4; i++) {
        if (memcmp(t + i, "_S5_", 4) == 0 &&
            aml_s5_at(t, len, i, &out->s5_typ_a, &out->s5_typ_b)) {
            out->have_s5 = true;
            break;
        }
    }
}

/* Take the PM1 ports and the reset register from a checked FADT, and \_S5 from its DSDT. */
static void fadt_parse(const struct acpi_mem *m, const uint8_t *t, uint32_t len,
                       struct acpi_info *out)
{
    uint64_t dsdt = acpi_field64(t, len, FADT_X_DSDT);
    const uint8_t *d;
    uint32_t dlen;

    out->pm1a_cnt = fadt_pm1_port(t, len, FADT_X_PM1A_CNT, FADT_PM1A_CNT);
    out->pm1b_cnt = fadt_pm1_port(t, len, FADT_X_PM1B_CNT, FADT_PM1B_CNT);
    fadt_reset(t, len, out);
    if (!dsdt)
        dsdt = acpi_field32(t, len, FADT_DSDT);
    d = acpi_load(m, dsdt, "DSDT", &dlen);
    if (d)
        dsdt_find_s5(d, dlen, out);
}

int acpi_parse(paddr_t rsdp, const void *(*map)(void *, paddr_t, size_t), void *ctx,
               struct acpi_info *out)
{
    struct acpi_mem m = { map, ctx };
    struct acpi_found f = { 0 };
    struct madt_state st = { .out = out };
    const uint8_t *r, *root;
    uint32_t root_len;
    unsigned entry_size;
    int rc = -1;

    memset(out, 0, sizeof(*out));
    r = acpi_rsdp_check(&m, rsdp);
    if (!r) {
        printk(KERN_WARNING "acpi: no valid RSDP at %#llx\n", acpi_ull(rsdp));
        goto out;
    }
    root = acpi_root(&m, r, &root_len, &entry_size);
    if (!root)
        goto out;
    acpi_walk_root(&m, root, root_len, entry_size, &f);
    if (f.fadt)
        fadt_parse(&m, f.fadt, f.fadt_len, out);
    if (!f.madt) {
        printk(KERN_WARNING "acpi: no valid APIC table (MADT)\n");
        goto out;
    }
    rc = madt_parse(f.madt, f.madt_len, &st);
out:
    return rc;
}
