/* pic.c - the legacy 8259 PICs: remapped away from the exception vectors, then fully masked. */
#include "arch/arch.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1

/* Remap both PICs to vectors 0xe0-0xef (unused) so a spurious 8259 interrupt cannot look like an
 * exception, then mask every line: interrupts come through the IOAPIC. */
void pic_disable(void)
{
    outb(PIC1_CMD, 0x11); /* ICW1: init, ICW4 needed */
    outb(PIC2_CMD, 0x11);
    outb(PIC1_DATA, 0xe0); /* ICW2: vector base */
    outb(PIC2_DATA, 0xe8);
    outb(PIC1_DATA, 0x04); /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, 0x02);
    outb(PIC1_DATA, 0x01); /* ICW4: 8086 mode */
    outb(PIC2_DATA, 0x01);
    outb(PIC1_DATA, 0xff);
    outb(PIC2_DATA, 0xff);
}
