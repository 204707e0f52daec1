/* hc_console.c - console_io: guest writes to the hypervisor console (tagged "(dN)"), dom0 reads
 * the serial input when the console is switched to it. */
#include "console/console.h"
#include "domain/domain.h"
#include "hv/console_io.h"
#include "hypercall/hypercall.h"

#define CHUNK 128

/* CONSOLEIO_write(count, buf): copied in chunks; -HV_EFAULT at the first unreadable byte (what
 * came before is printed), else 0. Any domain may write (Linux's early console needs it). */
static long console_write(struct hc_call *c, uint64_t count, uint64_t buf)
{
    char chunk[CHUNK];

    if (!guest_range_ok(buf, count))
        return -HV_EFAULT;
    for (uint64_t chunks = 0; count; chunks++) {
        size_t n = MIN(count, (uint64_t)CHUNK);

        if (hc_should_preempt(c, chunks))
            return hc_continue(c, HV_CONSOLEIO_write, count, buf, 0, 0);
        if (copy_from_guest(chunk, buf, n))
            return -HV_EFAULT;
        console_guest_write(c->v->domain->id, chunk, n);
        buf += n;
        count -= n;
    }
    return 0;
}

/* CONSOLEIO_read(count, buf): dom0 only (-HV_EPERM otherwise); up to count bytes of input that
 * arrived while the console was switched to dom0; returns the number of bytes. */
static long console_read(struct hc_call *c, uint64_t count, uint64_t buf)
{
    char chunk[CHUNK];
    size_t n = 0;
    int ch;

    if (!c->v->domain->privileged)
        return -HV_EPERM;
    if (!guest_range_ok(buf, count))
        return -HV_EFAULT;
    count = MIN(count, (uint64_t)CHUNK);
    while (n < count && (ch = console_guest_getc()) >= 0)
        chunk[n++] = (char)ch;
    if (n && copy_to_guest(buf, chunk, n))
        return -HV_EFAULT;
    return (long)n;
}

long hc_console_io(struct hc_call *c)
{
    uint64_t cmd = c->arg[0], count = (uint32_t)c->arg[1], buf = c->arg[2]; /* count: 32 bits, as Xen */

    switch (cmd) {
    case HV_CONSOLEIO_write:
        return console_write(c, count, buf);
    case HV_CONSOLEIO_read:
        return console_read(c, count, buf);
    default:
        return -HV_ENOSYS;
    }
}
