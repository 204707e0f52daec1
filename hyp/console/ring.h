/* ring.h - the in-memory console ring that keeps the most recent hypervisor log bytes. */
#ifndef HYP_CONSOLE_RING_H
#define HYP_CONSOLE_RING_H

#include "lib/lib.h"

/*
 * A byte ring addressed by absolute position: byte p (0 = the first byte ever written) lives in
 * buf[p & (size - 1)] until it is overwritten by byte p + size. The ring takes no lock; the
 * console serialises writers and readers with its own lock.
 */
struct console_ring {
    char *buf;
    uint32_t size; /* power of two */
    uint64_t prod; /* bytes ever written; the next byte goes to position prod */
};

/* Make r an empty ring over caller-owned buf of size bytes (a non-zero power of two: ASSERT). */
void ring_init(struct console_ring *r, char *buf, uint32_t size);

/* Append the n bytes at s; the oldest bytes are overwritten when the ring is full. */
void ring_write(struct console_ring *r, const char *s, size_t n);

/*
 * Copy up to max bytes, starting at absolute position *pos, into out, and advance *pos past them.
 * A *pos older than ring_oldest() is first moved forward to it (the reader lost what was
 * overwritten); a *pos beyond what was written is moved back to the end.
 * Returns the number of bytes copied (0 when the reader is up to date). out is not NUL-terminated.
 */
size_t ring_read(const struct console_ring *r, uint64_t *pos, char *out, size_t max);

/* The absolute position of the oldest byte still kept (0 until the ring first wraps). */
uint64_t ring_oldest(const struct console_ring *r);

#endif /* HYP_CONSOLE_RING_H */
