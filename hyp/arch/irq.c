/* irq.c - interrupt vectors: ISA IRQs through the IOAPIC, local vectors (timer, IPIs). */
#include "arch/arch.h"
#include "arch/ioapic.h"

#define NR_ISA_IRQS 16

struct isa_handler {
    irq_handler_fn fn;
    void *data;
};

/* Written at boot before the IRQ is unmasked; read in interrupt context. */
static struct isa_handler isa_handlers[NR_ISA_IRQS];
static void (*local_handlers[256])(struct cpu_regs *regs);

void irq_register_isa(unsigned int irq, irq_handler_fn fn, void *data)
{
    ASSERT(irq < NR_ISA_IRQS);
    isa_handlers[irq] = (struct isa_handler){fn, data};
    /* An IOAPIC entry holds an 8-bit destination; larger x2APIC ids need interrupt remapping. */
    if (apic_id() > 0xff)
        printk(KERN_WARNING "irq: APIC id %u does not fit an IOAPIC entry: ISA IRQ %u unrouted\n",
               apic_id(), irq);
    else if (!ioapic_route_isa(irq, VEC_ISA_BASE + irq, apic_id()))
        printk(KERN_WARNING "irq: no IOAPIC pin for ISA IRQ %u\n", irq);
}

void irq_set_local_handler(unsigned int vec, void (*fn)(struct cpu_regs *regs))
{
    ASSERT(vec < 256);
    local_handlers[vec] = fn;
}

void irq_dispatch(struct cpu_regs *regs)
{
    unsigned int vec = (unsigned int)regs->vector;

    if (vec == VEC_SPURIOUS)
        return; /* no EOI for the spurious vector */
    if (vec >= VEC_ISA_BASE && vec < VEC_ISA_BASE + NR_ISA_IRQS) {
        const struct isa_handler *h = &isa_handlers[vec - VEC_ISA_BASE];

        if (h->fn)
            h->fn(vec - VEC_ISA_BASE, h->data);
    } else if (local_handlers[vec]) {
        local_handlers[vec](regs);
    }
    apic_eoi();
}
