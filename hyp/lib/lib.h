/* lib.h - the hypervisor's freestanding C library: types, string functions, formatting, checks. */
#ifndef HYP_LIB_LIB_H
#define HYP_LIB_LIB_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t paddr_t; /* a machine (physical) address */

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define DIV_ROUND_UP(x, d) (((x) + (d) - 1) / (d))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

#define __unused __attribute__((unused))
/* On a hot path: placed with the other hot code (.text.hot, first in the image; see hyp.ld). */
#define __hot __attribute__((hot, section(".text.hot")))
#define __noreturn __attribute__((noreturn))
#define __printf(f, a) __attribute__((format(printf, f, a)))
#define likely(x) __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

/* string.c: the usual semantics of the C standard functions of the same name. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
void *memchr(const void *s, int c, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strchr(const char *s, int c);
char *strrchr(const char *s, int c);
unsigned long strtoul(const char *s, char **end, int base);
unsigned long long strtoull(const char *s, char **end, int base);

/* Unaligned loads from byte buffers that firmware and loaders hand us (x86 is little-endian). */
static inline uint16_t load_u16(const void *p)
{
    uint16_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint32_t load_u32(const void *p)
{
    uint32_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

static inline uint64_t load_u64(const void *p)
{
    uint64_t v;

    memcpy(&v, p, sizeof(v));
    return v;
}

/* vsnprintf.c: C99 semantics (returns the length the full output would have, always
 * NUL-terminates when size > 0). Formats: %d %i %u %x %X %o %c %s %p %% with flags '-', '0',
 * '+', ' ', '#', width and precision (also '*'), length modifiers hh h l ll z t j.
 * Extensions: %pS prints a code address as symbol+offset; a NULL %s prints "(null)". */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Log levels, lowest number most severe (as Xen's XENLOG_*). printk() takes an optional level
 * prefix at the start of the format: KERN_ERR "text". Without one, the level is LOG_INFO. */
enum log_level { LOG_ERR = 0, LOG_WARNING = 1, LOG_INFO = 2, LOG_DEBUG = 3 };
/* loglvl=none: print nothing at all (every LOG_* level is below it, so the console must test for
 * it before comparing levels). */
#define LOGLVL_NONE 0xffffffffu
#define KERN_ERR "<0>"
#define KERN_WARNING "<1>"
#define KERN_INFO "<2>"
#define KERN_DEBUG "<3>"

/* console/console.c (hyp) or a test stub (host tests). */
void printk(const char *fmt, ...) __printf(1, 2);
void panic(const char *fmt, ...) __printf(1, 2) __noreturn;

/* symbols.c: the name of the function containing addr, or NULL; *off gets addr - start. */
const char *symbol_lookup(uint64_t addr, uint64_t *off);

#define ASSERT(cond)                                                                      \
    do {                                                                                  \
        if (unlikely(!(cond)))                                                            \
            panic("%s:%d: %s: assertion '%s' failed", __FILE__, __LINE__, __func__, #cond); \
    } while (0)

#define BUILD_BUG_ON(cond) _Static_assert(!(cond), #cond)

#endif /* HYP_LIB_LIB_H */
