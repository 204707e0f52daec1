/* serial.h - the 16550 UART driver (private to hyp/console). */
#ifndef HYP_CONSOLE_SERIAL_H
#define HYP_CONSOLE_SERIAL_H

#include "lib/lib.h"

#define COM1_PORT 0x3f8
#define COM1_IRQ 4

void serial_init(uint16_t port);
void serial_putc(uint16_t port, char c);
/* Enable the receive-data interrupt. */
void serial_enable_rx_irq(uint16_t port);
/* One received byte, or -1 when the receive buffer is empty. */
int serial_getc(uint16_t port);

#endif
