/*
 * A small vsnprintf (flags - 0 #, width, precision, h hh l ll z; d i u x X o p s c %) and
 * printk over HYPERVISOR_console_io. No floating point, no libc.
 */
#include "xtf.h"

struct out {
    char *buf;
    size_t size;
    size_t len;                 /* would-be length, may exceed size */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, char c, int n)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    bool left, zero, alt;
    int width, prec;            /* prec < 0: none */
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int n;

    if (!s)
        s = "(null)";
    n = (int)strnlen(s, sp->prec >= 0 ? (size_t)sp->prec : (size_t)-1);
    if (!sp->left)
        pad(o, ' ', sp->width - n);
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, ' ', sp->width - n);
}

static void put_num(struct out *o, uint64_t v, bool neg, unsigned int base, bool upper,
                    const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    const char *prefix = neg ? "-" : "";
    int n = 0, plen, zeros;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    if (sp->alt && base == 16)
        prefix = upper ? "0X" : "0x";
    else if (sp->alt && base == 8 && tmp[n - 1] != '0')
        prefix = "0";
    plen = (int)strlen(prefix);
    zeros = sp->prec > n ? sp->prec - n : 0;
    if (sp->zero && !sp->left && sp->prec < 0 && sp->width > plen + n)
        zeros = sp->width - plen - n;
    if (!sp->left)
        pad(o, ' ', sp->width - plen - zeros - n);
    while (*prefix)
        put(o, *prefix++);
    pad(o, '0', zeros);
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, ' ', sp->width - plen - zeros - n);
}

static int parse_int(const char **fmt, va_list *ap)
{
    int v = 0;

    if (**fmt == '*') {
        (*fmt)++;
        return va_arg(*ap, int);
    }
    while (**fmt >= '0' && **fmt <= '9')
        v = v * 10 + (*(*fmt)++ - '0');
    return v;
}

/* Read the argument of an integer conversion with length modifier `len` (h=1, hh=2, l=3, ll/z=4). */
static uint64_t get_int(va_list *ap, int len, bool is_signed, bool *neg)
{
    int64_t s;
    uint64_t u;

    *neg = false;
    if (!is_signed) {
        u = len >= 3 ? va_arg(*ap, uint64_t) : va_arg(*ap, unsigned int);
        return len == 1 ? (uint16_t)u : len == 2 ? (uint8_t)u : u;
    }
    s = len >= 3 ? va_arg(*ap, int64_t) : va_arg(*ap, int);
    s = len == 1 ? (int16_t)s : len == 2 ? (int8_t)s : s;
    if (s < 0) {
        *neg = true;
        return 0 - (uint64_t)s;
    }
    return (uint64_t)s;
}

/* Format one conversion starting after '%'; returns the position after it. */
static const char *convert(struct out *o, const char *fmt, va_list *ap)
{
    struct spec sp = { .prec = -1 };
    int len = 0;
    bool neg;
    uint64_t v;

    for (;; fmt++) {
        if (*fmt == '-')
            sp.left = true;
        else if (*fmt == '0')
            sp.zero = true;
        else if (*fmt == '#')
            sp.alt = true;
        else
            break;
    }
    sp.width = parse_int(&fmt, ap);
    if (sp.width < 0) {
        sp.left = true;
        sp.width = -sp.width;
    }
    if (*fmt == '.') {
        fmt++;
        sp.prec = parse_int(&fmt, ap);
    }
    for (;; fmt++) {
        if (*fmt == 'h')
            len = len == 1 ? 2 : 1;
        else if (*fmt == 'l' || *fmt == 'z')
            len = len ? 4 : 3;
        else
            break;
    }
    switch (*fmt) {
    case 'd':
    case 'i':
        v = get_int(ap, len, true, &neg);
        put_num(o, v, neg, 10, false, &sp);
        break;
    case 'u':
    case 'x':
    case 'X':
    case 'o':
        v = get_int(ap, len, false, &neg);
        put_num(o, v, false, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X', &sp);
        break;
    case 'p':
        sp.alt = true;
        put_num(o, (uintptr_t)va_arg(*ap, void *), false, 16, false, &sp);
        break;
    case 's':
        put_str(o, va_arg(*ap, const char *), &sp);
        break;
    case 'c':
        put(o, (char)va_arg(*ap, int));
        break;
    case '%':
        put(o, '%');
        break;
    case '\0':
        return fmt;
    default:
        put(o, '%');
        put(o, *fmt);
        break;
    }
    return fmt + 1;
}

/*
 * Format into buf (always NUL-terminated when size > 0). Returns the length the whole output
 * would have had, like C99's vsnprintf.
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, size, 0 };
    va_list aq;

    va_copy(aq, ap);
    while (*fmt) {
        if (*fmt != '%')
            put(&o, *fmt++);
        else
            fmt = convert(&o, fmt + 1, &aq);
    }
    va_end(aq);
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

void vprintk(const char *fmt, va_list ap)
{
    char buf[512];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);

    if (n > (int)sizeof(buf) - 1)
        n = sizeof(buf) - 1;
    hc_console_io(CONSOLEIO_write, (unsigned long)n, buf);
}

void printk(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vprintk(fmt, ap);
    va_end(ap);
}
