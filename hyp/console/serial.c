/* serial.c - 16550 UART: polled transmit, interrupt-driven receive. */
#include "arch/arch.h"
#include "console/serial.h"

#define UART_THR 0 /* transmit holding (write) / receive buffer (read) */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_DLL 0
#define UART_DLM 1
#define LSR_DR 0x01
#define LSR_THRE 0x20
#define BAUD_DIVISOR 1 /* 115200 */

void serial_init(uint16_t port)
{
    outb(port + UART_IER, 0x00);
    outb(port + UART_LCR, 0x80); /* DLAB */
    outb(port + UART_DLL, BAUD_DIVISOR);
    outb(port + UART_DLM, 0);
    outb(port + UART_LCR, 0x03); /* 8N1 */
    outb(port + UART_FCR, 0xc7); /* FIFOs on, cleared, 14-byte threshold */
    outb(port + UART_MCR, 0x0b); /* DTR, RTS, OUT2 (interrupt line enable) */
}

void serial_putc(uint16_t port, char c)
{
    /* Bounded wait: a missing UART must not hang the hypervisor. */
    for (unsigned int i = 0; i < 1000000 && !(inb(port + UART_LSR) & LSR_THRE); i++)
        cpu_relax();
    outb(port + UART_THR, (uint8_t)c);
}

void serial_enable_rx_irq(uint16_t port)
{
    outb(port + UART_IER, 0x01);
}

int serial_getc(uint16_t port)
{
    if (!(inb(port + UART_LSR) & LSR_DR))
        return -1;
    return inb(port + UART_THR);
}
