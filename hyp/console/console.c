/* console.c - printk with log levels to COM1 and the console ring; serial input queue. */
#include "arch/arch.h"
#include "console/console.h"
#include "console/ring.h"
#include "console/serial.h"
#include "lib/spinlock.h"

#define LINE_PREFIX "(HV) "
#define PRINTK_MAX 1024
#define CONSOLE_RING_SIZE (1u << 16)
#define INPUT_QUEUE_SIZE 256u

/* Lock legend: [c] console_lock (irqsave), [i] input_lock (irqsave). Order: c before i. */
static struct spinlock console_lock = SPINLOCK_INIT;
static unsigned int loglvl = LOG_INFO;      /* [c] */
static bool at_line_start = true;           /* [c] */
static char ring_buf[CONSOLE_RING_SIZE];    /* [c] */
static struct console_ring ring;            /* [c] */
static bool ring_ready;                     /* [c] */

static struct spinlock input_lock = SPINLOCK_INIT;
static uint8_t input_queue[INPUT_QUEUE_SIZE]; /* [i] */
static uint32_t input_prod, input_cons;       /* [i] free-running */

void console_init_early(void)
{
    serial_init(COM1_PORT);
    ring_init(&ring, ring_buf, CONSOLE_RING_SIZE);
    ring_ready = true;
}

void console_set_loglvl(unsigned int lvl)
{
    loglvl = lvl;
}

void console_force_unlock(void)
{
    console_lock.owner = console_lock.next;
}

/* Write one chunk to the serial port and the ring, adding the line prefix. Caller holds [c]. */
static void emit(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (at_line_start) {
            for (const char *p = LINE_PREFIX; *p; p++)
                serial_putc(COM1_PORT, *p);
            if (ring_ready)
                ring_write(&ring, LINE_PREFIX, sizeof(LINE_PREFIX) - 1);
            at_line_start = false;
        }
        if (s[i] == '\n') {
            serial_putc(COM1_PORT, '\r');
            at_line_start = true;
        }
        serial_putc(COM1_PORT, s[i]);
        if (ring_ready)
            ring_write(&ring, &s[i], 1); /* in step with the prefixes */
    }
}

/* "<n>" at the start of a message gives its level; the default is LOG_INFO. */
static unsigned int take_level(const char **msg)
{
    const char *m = *msg;

    if (m[0] == '<' && m[1] >= '0' && m[1] <= '3' && m[2] == '>') {
        *msg = m + 3;
        return (unsigned int)(m[1] - '0');
    }
    return LOG_INFO;
}

void printk(const char *fmt, ...)
{
    char buf[PRINTK_MAX];
    const char *msg = buf;
    unsigned int lvl;
    uint64_t flags;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    lvl = take_level(&msg);
    flags = spin_lock_irqsave(&console_lock);
    if (loglvl != LOGLVL_NONE && lvl <= loglvl)
        emit(msg, strlen(msg));
    spin_unlock_irqrestore(&console_lock, flags);
}

uint64_t console_ring_bytes(void)
{
    return ring.prod;
}

size_t console_ring_read(uint64_t *pos, char *out, size_t max)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);
    size_t n = ring_read(&ring, pos, out, max);

    spin_unlock_irqrestore(&console_lock, flags);
    return n;
}

/* COM1 receive interrupt: drain the UART into the input queue (bytes beyond its room are lost). */
static void console_rx_irq(unsigned int irq __unused, void *data __unused)
{
    int c;

    spin_lock(&input_lock);
    while ((c = serial_getc(COM1_PORT)) >= 0) {
        if (input_prod - input_cons < INPUT_QUEUE_SIZE)
            input_queue[input_prod++ % INPUT_QUEUE_SIZE] = (uint8_t)c;
    }
    spin_unlock(&input_lock);
}

void console_init_irq(void)
{
    uint64_t flags;

    irq_register_isa(COM1_IRQ, console_rx_irq, NULL);
    serial_enable_rx_irq(COM1_PORT);
    /* Anything typed before now. Interrupts off: the handler takes [i] without irqsave. */
    flags = irq_save();
    console_rx_irq(COM1_IRQ, NULL);
    irq_restore(flags);
}

int console_getc(void)
{
    uint64_t flags = spin_lock_irqsave(&input_lock);
    int c = -1;

    if (input_cons != input_prod)
        c = input_queue[input_cons++ % INPUT_QUEUE_SIZE];
    spin_unlock_irqrestore(&input_lock, flags);
    return c;
}

bool console_input_pending(void)
{
    return input_cons != input_prod;
}

/* Write raw text to the serial port only (not the ring): for dumping the ring itself. */
void console_write_serial(const char *s, size_t n)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);

    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            serial_putc(COM1_PORT, '\r');
        serial_putc(COM1_PORT, s[i]);
    }
    spin_unlock_irqrestore(&console_lock, flags);
}
