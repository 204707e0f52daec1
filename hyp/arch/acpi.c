/* acpi.c - the hypervisor's view of ACPI: the tables parsed once at boot, kept in acpi_info. */
#include "arch/acpi_tables.h"
#include "arch/arch.h"
#include "mm/mm.h"

static struct acpi_info info;
static bool info_valid; /* the tables were parsed (the MADT may still be unusable) */
static bool madt_ok;

/* Before mm_init the boot page tables map the first 4 GiB at the direct map. */
static const void *acpi_boot_map(void *ctx __unused, paddr_t pa, size_t len)
{
    if (pa + len < pa || pa + len > GiB(4))
        return NULL;
    return maddr_to_virt(pa);
}

bool acpi_init(paddr_t rsdp_hint)
{
    paddr_t rsdp = acpi_find_rsdp(acpi_boot_map, NULL, rsdp_hint);

    if (!rsdp) {
        printk(KERN_WARNING "acpi: no RSDP found: one CPU, legacy interrupt defaults\n");
        return false;
    }
    /* Keep what the FADT gave (power-off, reset) even when the MADT is unusable. */
    madt_ok = acpi_parse(rsdp, acpi_boot_map, NULL, &info) == 0;
    info_valid = true;
    if (!madt_ok)
        printk(KERN_WARNING "acpi: no usable MADT: one CPU, legacy interrupt defaults\n");
    else
        printk(KERN_DEBUG "acpi: RSDP at 0x%lx, %u CPUs, %u IOAPICs, %u overrides\n",
               (unsigned long)rsdp, info.nr_cpus, info.nr_ioapics, info.nr_overrides);
    return madt_ok;
}

const struct acpi_info *acpi_get_info(void)
{
    return info_valid ? &info : NULL;
}
