/* libfdt_env.h - what libfdt expects of its environment (types, byte order, string functions),
 * provided freestanding by hyp/lib in place of the hosted header that comes with libfdt. */
#ifndef LIBFDT_ENV_H
#define LIBFDT_ENV_H

/*
 * libfdt's own libfdt_env.h includes <stdlib.h>, <string.h> and <limits.h>, which a -nostdinc
 * build does not have; hyp/boot/libfdt.mk leaves it out of the extracted sources so that this one
 * is found instead (through -Ihyp/boot). The host unit tests use this header too: there lib/lib.h
 * only declares the C library's own functions again.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/lib.h"

#ifndef INT_MAX
#define INT_MAX __INT_MAX__
#endif

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "libfdt_env.h swaps bytes: it assumes a little-endian CPU"
#endif

/* Values as stored in the tree: big endian. */
typedef uint16_t fdt16_t;
typedef uint32_t fdt32_t;
typedef uint64_t fdt64_t;

static inline uint16_t fdt16_to_cpu(fdt16_t x)
{
    return __builtin_bswap16(x);
}

static inline fdt16_t cpu_to_fdt16(uint16_t x)
{
    return __builtin_bswap16(x);
}

static inline uint32_t fdt32_to_cpu(fdt32_t x)
{
    return __builtin_bswap32(x);
}

static inline fdt32_t cpu_to_fdt32(uint32_t x)
{
    return __builtin_bswap32(x);
}

static inline uint64_t fdt64_to_cpu(fdt64_t x)
{
    return __builtin_bswap64(x);
}

static inline fdt64_t cpu_to_fdt64(uint64_t x)
{
    return __builtin_bswap64(x);
}

#endif /* LIBFDT_ENV_H */
