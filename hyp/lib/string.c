/* string.c - the C standard string and memory functions the hypervisor uses, as byte loops. */
#include "lib/lib.h"

/*
 * GCC may turn a byte loop that looks like memcpy/memset/memmove into a call to that very
 * function, which here would recurse forever. So the hypervisor build copies and fills with
 * `rep movsb`/`rep stosb` (fast on CPUs with ERMSB, and never rewritten by the compiler), the
 * backward memmove loop has an empty asm in its body, and the plain C loops are only the
 * HOST_TEST fallback. The other loops (strlen and friends) were checked in the disassembly of
 * the hypervisor build not to call themselves.
 */

#define ULONG_MAX_VALUE (~0UL)
#define ULLONG_MAX_VALUE (~0ULL)

/*
 * Copy n bytes from src to dst; the ranges must not overlap. Returns dst. Context: any.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
#ifndef HOST_TEST
    void *d = dst;

    __asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(n) : : "memory");
#else
    unsigned char *d = dst;
    const unsigned char *s = src;

    while (n-- > 0)
        *d++ = *s++;
#endif
    return dst;
}

/*
 * Copy n bytes from src to dst; the ranges may overlap. Returns dst. Context: any.
 */
void *memmove(void *dst, const void *src, size_t n)
{
    unsigned char *d = dst;
    const unsigned char *s = src;
    uintptr_t da = (uintptr_t)dst, sa = (uintptr_t)src;

    if (da <= sa || da - sa >= n) {
        memcpy(dst, src, n); /* a forward copy never overwrites a byte before reading it */
    } else {
        /*
         * dst overlaps the end of src: copy backwards. The empty asm keeps GCC from turning the
         * loop into a call to memmove; `std; rep movsb` would work too but leaves a window in
         * which an interrupt handler runs with the direction flag set.
         */
        while (n-- > 0) {
            d[n] = s[n];
            __asm__ volatile("" ::: "memory");
        }
    }
    return dst;
}

/*
 * Fill n bytes at dst with (unsigned char)c. Returns dst. Context: any.
 */
void *memset(void *dst, int c, size_t n)
{
#ifndef HOST_TEST
    void *d = dst;

    __asm__ volatile("rep stosb" : "+D"(d), "+c"(n) : "a"(c) : "memory");
#else
    unsigned char *d = dst;

    while (n-- > 0)
        *d++ = (unsigned char)c;
#endif
    return dst;
}

/*
 * Compare n bytes as unsigned chars. Returns <0, 0 or >0 as a sorts before, equal to or after b.
 * Context: any.
 */
int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    size_t i = 0;

    while (i < n && x[i] == y[i])
        i++;
    return i < n ? (int)x[i] - (int)y[i] : 0;
}

/*
 * The first of the n bytes at s equal to (unsigned char)c, or NULL. Context: any.
 */
void *memchr(const void *s, int c, size_t n)
{
    const unsigned char *p = s;
    size_t i = 0;

    while (i < n && p[i] != (unsigned char)c)
        i++;
    return i < n ? (void *)(p + i) : NULL;
}

/*
 * The number of bytes before the NUL that ends s. Context: any.
 */
size_t strlen(const char *s)
{
    size_t n = 0;

    while (s[n] != '\0')
        n++;
    return n;
}

/*
 * strlen(s), but reading at most max bytes: returns max if none of them is NUL. Context: any.
 */
size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/*
 * Compare two strings as unsigned chars. Returns <0, 0 or >0. Context: any.
 */
int strcmp(const char *a, const char *b)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;

    while (*x != '\0' && *x == *y) {
        x++;
        y++;
    }
    return (int)*x - (int)*y;
}

/*
 * Compare at most n bytes of two strings, stopping at a NUL. Returns <0, 0 or >0. Context: any.
 */
int strncmp(const char *a, const char *b, size_t n)
{
    const unsigned char *x = (const unsigned char *)a, *y = (const unsigned char *)b;
    size_t i = 0;

    while (i < n && x[i] != '\0' && x[i] == y[i])
        i++;
    return i < n ? (int)x[i] - (int)y[i] : 0;
}

/*
 * The first (char)c in s, or NULL; c == '\0' finds the terminating NUL. Context: any.
 */
char *strchr(const char *s, int c)
{
    while (*s != (char)c && *s != '\0')
        s++;
    return *s == (char)c ? (char *)s : NULL;
}

/*
 * The last (char)c in s, or NULL; c == '\0' finds the terminating NUL. Context: any.
 */
char *strrchr(const char *s, int c)
{
    const char *last = NULL;

    do {
        if (*s == (char)c)
            last = s;
    } while (*s++ != '\0');
    return (char *)last;
}

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* The value of digit c (0-9, a-z, A-Z), or 36 for anything else. */
static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'z')
        return (unsigned int)(c - 'a') + 10;
    if (c >= 'A' && c <= 'Z')
        return (unsigned int)(c - 'A') + 10;
    return 36;
}

/* Skip a "0x"/"0X" prefix (base 16 or 0) and settle base 0 to 8, 10 or 16; *ps moves past it. */
static int detect_base(const char **ps, int base)
{
    const char *s = *ps;
    bool hex_prefix = s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && digit_value(s[2]) < 16;

    if ((base == 0 || base == 16) && hex_prefix) {
        *ps = s + 2;
        base = 16;
    } else if (base == 0) {
        base = (s[0] == '0') ? 8 : 10;
    }
    return base;
}

/*
 * Convert the initial part of s to an unsigned long long, as C's strtoull: leading white space,
 * an optional sign ('-' negates the result modulo 2^64), a "0x" prefix for base 16, and base 0
 * picks 16 ("0x"), 8 (leading "0") or 10. base: 0 or 2..36.
 * end: if not NULL, gets the first character not used (s itself when no digit was found).
 * Returns the value; on overflow ULLONG_MAX (no errno here: callers compare with it); 0 when no
 * digits were found or base is invalid. Context: any.
 */
unsigned long long strtoull(const char *s, char **end, int base)
{
    const char *p = s;
    const char *digits;
    unsigned long long v = 0;
    bool neg = false, overflow = false;
    unsigned int d;

    while (is_space(*p))
        p++;
    if (*p == '+' || *p == '-')
        neg = (*p++ == '-');
    if (base < 0 || base == 1 || base > 36) {
        p = s;
        goto out;
    }
    base = detect_base(&p, base);
    digits = p;
    for (; (d = digit_value(*p)) < (unsigned int)base; p++) {
        if (v > (ULLONG_MAX_VALUE - d) / (unsigned int)base)
            overflow = true;
        v = v * (unsigned int)base + d;
    }
    if (p == digits)
        p = s;
    else if (overflow)
        v = ULLONG_MAX_VALUE;
    else if (neg)
        v = 0 - v;
out:
    if (end != NULL)
        *end = (char *)p;
    return p == s ? 0 : v;
}

/*
 * strtoull() for unsigned long (the same width on x86-64); overflow gives ULONG_MAX.
 * Parameters and return as strtoull(). Context: any.
 */
unsigned long strtoul(const char *s, char **end, int base)
{
    unsigned long long v = strtoull(s, end, base);

    return v > ULONG_MAX_VALUE ? ULONG_MAX_VALUE : (unsigned long)v;
}
