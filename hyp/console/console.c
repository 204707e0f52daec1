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

#define STREAM_HV (-1) /* the hypervisor's own lines; guests' streams are their domain ids */
#define CTRL_A 0x01
#define SWITCH_PRESSES 3

/* Lock legend: [c] console_lock (irqsave), [i] input_lock (irqsave). Never both at once. */
static struct spinlock console_lock = SPINLOCK_INIT;
static unsigned int loglvl = LOG_INFO;      /* [c] */
static bool at_line_start = true;           /* [c] */
static int cur_stream = STREAM_HV;          /* [c] whose line is open */
static char ring_buf[CONSOLE_RING_SIZE];    /* [c] */
static struct console_ring ring;            /* [c] */
static bool ring_ready;                     /* [c] */

/* Serial input goes to the debug keys, or to dom0 (CONSOLEIO_read) after Ctrl-A three times. */
struct input_queue {
    uint8_t buf[INPUT_QUEUE_SIZE];
    uint32_t prod, cons; /* free-running */
};
static struct spinlock input_lock = SPINLOCK_INIT;
static struct input_queue keys_q, dom0_q;     /* [i] */
static bool input_to_dom0;                    /* [i] */
static unsigned int ctrl_a_run;               /* [i] consecutive Ctrl-A bytes */

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

static void emit_raw(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        serial_putc(COM1_PORT, s[i]);
    if (ring_ready)
        ring_write(&ring, s, n);
}

/* Start a line of `stream`: close another stream's open line first, then the prefix ("(HV) "
 * or "(dN) "). Caller holds [c]. */
static void line_start(int stream)
{
    char prefix[16];
    int n;

    if (!at_line_start && cur_stream != stream) {
        emit_raw("\r\n", 2);
        at_line_start = true;
    }
    cur_stream = stream;
    if (!at_line_start)
        return;
    n = stream == STREAM_HV ? snprintf(prefix, sizeof(prefix), LINE_PREFIX)
                            : snprintf(prefix, sizeof(prefix), "(d%d) ", stream);
    emit_raw(prefix, (size_t)n);
    at_line_start = false;
}

/* Write one chunk of `stream` to the serial port and the ring, with line prefixes. Caller
 * holds [c]. */
static void emit(int stream, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        line_start(stream);
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
        emit(STREAM_HV, msg, strlen(msg));
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

void console_guest_write(uint16_t domid, const char *s, size_t n)
{
    uint64_t flags = spin_lock_irqsave(&console_lock);

    emit(domid, s, n);
    spin_unlock_irqrestore(&console_lock, flags);
}

static void queue_put(struct input_queue *q, uint8_t c)
{
    if (q->prod - q->cons < INPUT_QUEUE_SIZE) /* full: the byte is lost */
        q->buf[q->prod++ % INPUT_QUEUE_SIZE] = c;
}

static int queue_get(struct input_queue *q)
{
    return q->cons != q->prod ? q->buf[q->cons++ % INPUT_QUEUE_SIZE] : -1;
}

/* One received byte. Ctrl-A three times in a row switches the input between the hypervisor's
 * debug keys and dom0, as on Xen. Returns true if the input was just switched. Caller holds [i]. */
static bool input_byte(uint8_t c)
{
    if (c == CTRL_A && ++ctrl_a_run == SWITCH_PRESSES) {
        ctrl_a_run = 0;
        input_to_dom0 = !input_to_dom0;
        return true;
    }
    if (c != CTRL_A)
        ctrl_a_run = 0;
    queue_put(input_to_dom0 ? &dom0_q : &keys_q, c);
    return false;
}

/* COM1 receive interrupt: drain the UART into the input queues. */
static void console_rx_irq(unsigned int irq __unused, void *data __unused)
{
    bool switched = false, to_dom0;
    int c;

    spin_lock(&input_lock);
    while ((c = serial_getc(COM1_PORT)) >= 0)
        switched |= input_byte((uint8_t)c);
    to_dom0 = input_to_dom0;
    spin_unlock(&input_lock);
    if (switched)
        printk("*** Serial input to %s (type 'CTRL-a' three times to switch input)\n",
               to_dom0 ? "DOM0" : "Hearth");
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
    int c = queue_get(&keys_q);

    spin_unlock_irqrestore(&input_lock, flags);
    return c;
}

int console_guest_getc(void)
{
    uint64_t flags = spin_lock_irqsave(&input_lock);
    int c = queue_get(&dom0_q);

    spin_unlock_irqrestore(&input_lock, flags);
    return c;
}

bool console_input_pending(void)
{
    return keys_q.cons != keys_q.prod;
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
