/* acpi_tables.h - find and parse the ACPI tables the hypervisor needs (MADT, FADT, _S5 in DSDT). */
#ifndef HYP_ARCH_ACPI_TABLES_H
#define HYP_ARCH_ACPI_TABLES_H

#include "lib/lib.h"

#define ACPI_MAX_CPUS 256
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16

/* Generic Address Structure space ids (for reset_space). */
#define ACPI_SPACE_MEMORY 0
#define ACPI_SPACE_IO 1
#define ACPI_SPACE_PCI_CONFIG 2

/* What acpi_parse found. Fields of tables that are absent or bad stay zero / false. */
struct acpi_info {
    paddr_t lapic_addr; /* MADT local APIC address (type 5 override wins) */
    unsigned nr_cpus;   /* entries used in cpus[]; CPUs beyond ACPI_MAX_CPUS are dropped */
    struct {
        uint32_t apic_id, acpi_id; /* for x2APIC entries acpi_id is the 32-bit UID */
        bool enabled;              /* false: online-capable only (hot-pluggable) */
    } cpus[ACPI_MAX_CPUS];
    unsigned nr_ioapics;
    struct {
        uint8_t id;
        paddr_t addr;
        uint32_t gsi_base;
    } ioapics[ACPI_MAX_IOAPICS];
    unsigned nr_overrides; /* interrupt source overrides (ISA IRQ source -> GSI) */
    struct {
        uint8_t source;
        uint32_t gsi;
        uint16_t flags; /* MPS INTI flags: polarity bits 1:0, trigger mode bits 3:2 */
    } overrides[ACPI_MAX_OVERRIDES];
    uint16_t pm1a_cnt, pm1b_cnt; /* FADT PM1 control I/O ports, 0 if none */
    bool have_s5;                /* DSDT defines \_S5 with SLP_TYPa/b: */
    uint8_t s5_typ_a, s5_typ_b;
    bool have_reset; /* FADT RESET_REG supported: write reset_value to reset_addr in reset_space */
    uint8_t reset_space;
    uint64_t reset_addr;
    uint8_t reset_value;
};

/*
 * Mapper contract (both functions): map(ctx, pa, len) returns a pointer through which the len
 * bytes at physical address pa can be read, or NULL if they cannot. Every pointer it returns must
 * stay valid until the acpi_* call that asked for it returns. Nothing else touches memory.
 */

/*
 * Find the RSDP: hint (the loader's, 0 if none) if a valid RSDP is there, else the first valid one
 * on a 16-byte boundary in the first KiB of the EBDA (segment at 0x40e), else in 0xE0000-0xFFFFF.
 * Valid means signature "RSD PTR ", checksum over 20 bytes and, for revision >= 2, the extended
 * checksum over its length. Returns the RSDP's address, or 0 if none was found.
 * Context: boot, single CPU.
 */
paddr_t acpi_find_rsdp(const void *(*map)(void *, paddr_t, size_t), void *ctx, paddr_t hint);

/*
 * Parse the tables reachable from the RSDP at rsdp into *out (cleared first): the XSDT if the RSDP
 * has one and it is valid, else the RSDT; from it the MADT (CPUs, IO APICs, overrides) and the
 * FADT (PM1 control ports, reset register) and through the FADT the DSDT's \_S5 package.
 * Every table's length and checksum are checked; bad ones are skipped with a KERN_WARNING naming
 * them, as are malformed MADT entries and entries that do not fit in *out.
 * Returns 0, or -1 if the RSDP is invalid or there is no usable MADT (none valid, or no CPU in it).
 * Context: boot, single CPU.
 */
int acpi_parse(paddr_t rsdp, const void *(*map)(void *, paddr_t, size_t), void *ctx,
               struct acpi_info *out);

#endif /* HYP_ARCH_ACPI_TABLES_H */
