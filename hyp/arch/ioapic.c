/* ioapic.c - IOAPICs from the MADT: ISA IRQs routed (after source overrides) to the boot CPU. */
#include "arch/acpi_tables.h"
#include "arch/arch.h"
#include "arch/ioapic.h"
#include "mm/mm.h"

#define IOREGSEL 0x00
#define IOWIN 0x10
#define REG_VER 0x01
#define REG_REDTBL(n) (0x10 + 2 * (n))
#define RTE_MASKED (1u << 16)
#define RTE_LEVEL (1u << 15)
#define RTE_ACTIVE_LOW (1u << 13)

#define DEFAULT_IOAPIC_ADDR 0xfec00000

struct ioapic {
    volatile uint32_t *mmio;
    uint32_t gsi_base;
    uint32_t nr_pins;
};

static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned int nr_ioapics;

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
    io->mmio[IOREGSEL / 4] = reg;
    return io->mmio[IOWIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
    io->mmio[IOREGSEL / 4] = reg;
    io->mmio[IOWIN / 4] = v;
}

static void ioapic_add(paddr_t addr, uint32_t gsi_base)
{
    struct ioapic *io = &ioapics[nr_ioapics];

    io->mmio = ioremap(addr, 0x20);
    if (!io->mmio)
        return;
    io->gsi_base = gsi_base;
    io->nr_pins = ((ioapic_read(io, REG_VER) >> 16) & 0xff) + 1;
    for (uint32_t pin = 0; pin < io->nr_pins; pin++)
        ioapic_write(io, REG_REDTBL(pin), RTE_MASKED);
    nr_ioapics++;
}

void ioapic_init(void)
{
    const struct acpi_info *ai = acpi_get_info();

    if (!ai || !ai->nr_ioapics) {
        ioapic_add(DEFAULT_IOAPIC_ADDR, 0);
        return;
    }
    for (unsigned int i = 0; i < ai->nr_ioapics && i < ACPI_MAX_IOAPICS; i++)
        ioapic_add(ai->ioapics[i].addr, ai->ioapics[i].gsi_base);
}

/* ISA IRQs are edge-triggered, active-high unless an override says otherwise. */
static uint32_t isa_to_gsi(unsigned int irq, uint32_t *flags)
{
    const struct acpi_info *ai = acpi_get_info();

    *flags = 0;
    for (unsigned int i = 0; ai && i < ai->nr_overrides; i++) {
        if (ai->overrides[i].source == irq) {
            uint16_t f = ai->overrides[i].flags;

            if ((f & 3) == 3)
                *flags |= RTE_ACTIVE_LOW;
            if (((f >> 2) & 3) == 3)
                *flags |= RTE_LEVEL;
            return ai->overrides[i].gsi;
        }
    }
    return irq;
}

/* Route ISA irq to vector on the CPU with apic id dest; false if no IOAPIC has its GSI. */
bool ioapic_route_isa(unsigned int irq, unsigned int vector, uint32_t dest)
{
    uint32_t flags, gsi = isa_to_gsi(irq, &flags);

    for (unsigned int i = 0; i < nr_ioapics; i++) {
        const struct ioapic *io = &ioapics[i];

        if (gsi >= io->gsi_base && gsi - io->gsi_base < io->nr_pins) {
            uint32_t pin = gsi - io->gsi_base;

            ioapic_write(io, REG_REDTBL(pin) + 1, dest << 24);
            ioapic_write(io, REG_REDTBL(pin), vector | flags); /* fixed, physical, unmasked */
            return true;
        }
    }
    return false;
}
