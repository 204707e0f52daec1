/* ioapic.h - IOAPIC routing (private to hyp/arch). */
#ifndef HYP_ARCH_IOAPIC_H
#define HYP_ARCH_IOAPIC_H

#include "lib/lib.h"

/* Route ISA irq (after ACPI overrides) to vector on the CPU with APIC id dest, unmasked; false
 * if no IOAPIC serves its GSI. */
bool ioapic_route_isa(unsigned int irq, unsigned int vector, uint32_t dest);

#endif
