/* ring.c - the in-memory console ring: a power-of-two byte ring addressed by absolute position. */
#include "console/ring.h"

void ring_init(struct console_ring *r, char *buf, uint32_t size)
{
    ASSERT(size != 0 && (size & (size - 1)) == 0);
    r->buf = buf;
    r->size = size;
    r->prod = 0;
}

/* Copy n (<= size) bytes from s into the ring at absolute position pos, wrapping once at most. */
static void ring_put(struct console_ring *r, uint64_t pos, const char *s, size_t n)
{
    size_t off = (size_t)(pos & (r->size - 1));
    size_t first = MIN(n, r->size - off);

    memcpy(r->buf + off, s, first);
    memcpy(r->buf, s + first, n - first);
}

void ring_write(struct console_ring *r, const char *s, size_t n)
{
    /* Only the last size bytes can survive: skip the rest without copying them. */
    if (n > r->size) {
        r->prod += n - r->size;
        s += n - r->size;
        n = r->size;
    }
    ring_put(r, r->prod, s, n);
    r->prod += n;
}

uint64_t ring_oldest(const struct console_ring *r)
{
    return r->prod > r->size ? r->prod - r->size : 0;
}

size_t ring_read(const struct console_ring *r, uint64_t *pos, char *out, size_t max)
{
    uint64_t oldest = ring_oldest(r);
    size_t n, off, first;

    if (*pos < oldest)
        *pos = oldest;
    if (*pos > r->prod)
        *pos = r->prod;
    n = (size_t)MIN((uint64_t)max, r->prod - *pos);
    off = (size_t)(*pos & (r->size - 1));
    first = MIN(n, r->size - off);
    memcpy(out, r->buf + off, first);
    memcpy(out + first, r->buf, n - first);
    *pos += n;
    return n;
}
