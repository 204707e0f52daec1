/* console.h - the hypervisor console: printk to COM1 with log levels, the console ring that keeps
 * the log, serial input and the debug keys. */
#ifndef HYP_CONSOLE_CONSOLE_H
#define HYP_CONSOLE_CONSOLE_H

#include "lib/lib.h"

/* printk() (declared in lib/lib.h) formats into a 1 KiB buffer on the stack, then writes under
 * the console lock with interrupts off: callable from any CPU and any context but NMI. Lines
 * get the "(HV) " prefix; what reaches the serial port also goes to the console ring. */

/* Bring up COM1 (115200 8N1, FIFOs) for polled output; safe before anything else exists. */
void console_init_early(void);
/* Route COM1's receive interrupt through the IOAPIC: call once interrupts can be delivered. */
void console_init_irq(void);
/* Messages of level <= lvl reach the serial port; LOGLVL_NONE prints nothing. */
void console_set_loglvl(unsigned int lvl);
/* After a fatal error on this CPU: take the console lock over, whoever holds it. */
void console_force_unlock(void);

/* The console ring: everything printed, oldest bytes overwritten. */
uint64_t console_ring_bytes(void);
size_t console_ring_read(uint64_t *pos, char *out, size_t max);

/* A guest's console output (console_io): its lines are prefixed "(dN) " and kept in the ring. */
void console_guest_write(uint16_t domid, const char *s, size_t n);
/* Serial input for dom0 (typed after Ctrl-A three times), or -1. */
int console_guest_getc(void);

/* Serial input for the debug keys: one byte from the queue filled by the receive interrupt, or
 * -1. */
int console_getc(void);
/* True if console_getc() has a byte for us; call with interrupts off to decide to halt. */
bool console_input_pending(void);
/* Raw text to the serial port only, not the ring (for dumping the ring itself). */
void console_write_serial(const char *s, size_t n);

/* Debug keys (keys.c). keys_register: run fn when key is typed; fn runs on the boot CPU with
 * interrupts enabled, outside interrupt context. keys_poll: process the queued input. */
void keys_init(void);
void keys_register(char key, const char *desc, void (*fn)(void));
void keys_poll(void);

#endif /* HYP_CONSOLE_CONSOLE_H */
