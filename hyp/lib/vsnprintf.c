/* vsnprintf.c - bounded printf-style formatting for the hypervisor (C99 semantics, no floats). */
#include "lib/lib.h"

/* Flags of one conversion specification. */
#define F_LEFT 0x01  /* '-' */
#define F_ZERO 0x02  /* '0' */
#define F_PLUS 0x04  /* '+' */
#define F_SPACE 0x08 /* ' ' */
#define F_ALT 0x10   /* '#' */

/* A width or precision above this makes the result longer than INT_MAX: vsnprintf returns -1. */
#define FIELD_MAX ((size_t)0x80000000u)

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

/* The output so far: len counts every character produced, stored or not. */
struct out {
    char *buf;
    size_t size; /* bytes of buf usable, including the final NUL */
    size_t len;
};

/* One parsed conversion specification. */
struct spec {
    unsigned int flags;
    size_t width;
    size_t prec;   /* meaningful only when has_prec */
    bool has_prec;
    enum length length;
};

static void put_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* n copies of c; only the ones that fit are stored, so a huge n costs nothing. */
static void put_repeat(struct out *o, char c, size_t n)
{
    size_t i;
    size_t room = (o->len + 1 < o->size) ? o->size - 1 - o->len : 0;

    for (i = 0; i < n && i < room; i++)
        o->buf[o->len + i] = c;
    o->len += n;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        put_char(o, s[i]);
}

/* Length of s, reading at most max bytes (so "%.3s" may point at an unterminated array). */
static size_t bounded_len(const char *s, size_t max)
{
    size_t n = 0;

    while (n < max && s[n] != '\0')
        n++;
    return n;
}

/* s[0..n) padded with spaces to the field width. */
static void put_field(struct out *o, const struct spec *sp, const char *s, size_t n)
{
    size_t pad = sp->width > n ? sp->width - n : 0;

    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_mem(o, s, n);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

/* Digits of v in base, least significant first, into d (24 bytes: 22 octal digits suffice). */
static size_t to_digits(uint64_t v, unsigned int base, bool upper, char d[24])
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    size_t n = 0;

    do {
        d[n++] = set[v % base];
        v /= base;
    } while (v != 0);
    return n;
}

/*
 * One integer conversion: sign or "0x" prefix, zeros for the precision (or for the width with
 * '0'), digits, spaces for the width. sign is '-', '+', ' ' or 0.
 */
static void put_number(struct out *o, const struct spec *sp, uint64_t mag, char sign,
                       unsigned int base, bool upper)
{
    char d[24];
    char prefix[3];
    size_t np = 0, nd = 0, zeros, body, pad, i;

    if (!(sp->has_prec && sp->prec == 0 && mag == 0))
        nd = to_digits(mag, base, upper, d);
    zeros = (sp->has_prec && sp->prec > nd) ? sp->prec - nd : 0;
    if (base == 8 && (sp->flags & F_ALT) && zeros == 0 && (nd == 0 || d[nd - 1] != '0'))
        zeros = 1; /* '#' makes the first octal digit a zero */
    if (sign)
        prefix[np++] = sign;
    if (base == 16 && (sp->flags & F_ALT) && mag != 0) {
        prefix[np++] = '0';
        prefix[np++] = upper ? 'X' : 'x';
    }
    body = np + zeros + nd;
    if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && !sp->has_prec && sp->width > body) {
        zeros += sp->width - body;
        body = sp->width;
    }
    pad = sp->width > body ? sp->width - body : 0;
    if (!(sp->flags & F_LEFT))
        put_repeat(o, ' ', pad);
    put_mem(o, prefix, np);
    put_repeat(o, '0', zeros);
    for (i = nd; i > 0; i--)
        put_char(o, d[i - 1]);
    if (sp->flags & F_LEFT)
        put_repeat(o, ' ', pad);
}

static int64_t get_signed(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (signed char)va_arg(*ap, int);
    case LEN_H: return (short)va_arg(*ap, int);
    case LEN_L: return va_arg(*ap, long);
    case LEN_LL: return va_arg(*ap, long long);
    case LEN_Z: return (int64_t)va_arg(*ap, size_t); /* the signed type of size_t's width */
    case LEN_T: return va_arg(*ap, ptrdiff_t);
    case LEN_J: return va_arg(*ap, intmax_t);
    case LEN_NONE: break;
    }
    return va_arg(*ap, int);
}

static uint64_t get_unsigned(va_list *ap, enum length len)
{
    switch (len) {
    case LEN_HH: return (unsigned char)va_arg(*ap, unsigned int);
    case LEN_H: return (unsigned short)va_arg(*ap, unsigned int);
    case LEN_L: return va_arg(*ap, unsigned long);
    case LEN_LL: return va_arg(*ap, unsigned long long);
    case LEN_Z: return va_arg(*ap, size_t);
    case LEN_T: return (uint64_t)va_arg(*ap, ptrdiff_t);
    case LEN_J: return va_arg(*ap, uintmax_t);
    case LEN_NONE: break;
    }
    return va_arg(*ap, unsigned int);
}

static void put_signed(struct out *o, const struct spec *sp, va_list *ap)
{
    int64_t v = get_signed(ap, sp->length);
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char sign = 0;

    if (v < 0)
        sign = '-';
    else if (sp->flags & F_PLUS)
        sign = '+';
    else if (sp->flags & F_SPACE)
        sign = ' ';
    put_number(o, sp, mag, sign, 10, false);
}

static void put_string(struct out *o, const struct spec *sp, const char *s)
{
    if (s == NULL)
        s = "(null)";
    put_field(o, sp, s, bounded_len(s, sp->has_prec ? sp->prec : (size_t)-1));
}

/* "0x" and 16 hex digits, as one field. */
static void put_pointer(struct out *o, const struct spec *sp, uint64_t v)
{
    char s[18];
    size_t i;

    s[0] = '0';
    s[1] = 'x';
    for (i = 0; i < 16; i++)
        s[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 0xf];
    put_field(o, sp, s, sizeof(s));
}

/* %pS: "name+0xoff" as one field, or the bare pointer when the address has no symbol. */
static void put_symbol(struct out *o, const struct spec *sp, uint64_t v)
{
    uint64_t off = 0;
    const char *name = symbol_lookup(v, &off);
    char d[24];
    size_t nn, nd, total, pad, i;

    if (name == NULL) {
        put_pointer(o, sp, v);
    } else {
        nn = bounded_len(name, (size_t)-1);
        nd = to_digits(off, 16, false, d);
        total = nn + 3 + nd;
        pad = sp->width > total ? sp->width - total : 0;
        if (!(sp->flags & F_LEFT))
            put_repeat(o, ' ', pad);
        put_mem(o, name, nn);
        put_mem(o, "+0x", 3);
        for (i = nd; i > 0; i--)
            put_char(o, d[i - 1]);
        if (sp->flags & F_LEFT)
            put_repeat(o, ' ', pad);
    }
}

/* Decimal digits at *pf, clamped to FIELD_MAX; *pf moves past them. */
static size_t parse_number(const char **pf)
{
    const char *f = *pf;
    size_t v = 0;

    while (*f >= '0' && *f <= '9') {
        v = v * 10 + (size_t)(*f - '0');
        if (v > FIELD_MAX)
            v = FIELD_MAX;
        f++;
    }
    *pf = f;
    return v;
}

/* The F_* bit of flag character c, or 0 if c is not a flag. */
static unsigned int flag_bit(char c)
{
    switch (c) {
    case '-': return F_LEFT;
    case '0': return F_ZERO;
    case '+': return F_PLUS;
    case ' ': return F_SPACE;
    case '#': return F_ALT;
    default: return 0;
    }
}

static void parse_flags(const char **pf, struct spec *sp)
{
    while (flag_bit(**pf) != 0) {
        sp->flags |= flag_bit(**pf);
        (*pf)++;
    }
}

/* Width: digits, or '*' taking an int argument (negative means '-' and its magnitude). */
static void parse_width(const char **pf, struct spec *sp, va_list *ap)
{
    int w;

    if (**pf == '*') {
        (*pf)++;
        w = va_arg(*ap, int);
        if (w < 0)
            sp->flags |= F_LEFT;
        sp->width = w < 0 ? (size_t)0 - (size_t)(long)w : (size_t)w;
    } else {
        sp->width = parse_number(pf);
    }
}

/* Precision: '.' then digits (none means 0), or ".*" taking an int (negative means none). */
static void parse_precision(const char **pf, struct spec *sp, va_list *ap)
{
    int p;

    if (**pf != '.')
        return;
    (*pf)++;
    if (**pf == '*') {
        (*pf)++;
        p = va_arg(*ap, int);
        sp->has_prec = p >= 0;
        sp->prec = p >= 0 ? (size_t)p : 0;
    } else {
        sp->has_prec = true;
        sp->prec = parse_number(pf);
    }
}

static void parse_length(const char **pf, struct spec *sp)
{
    const char *f = *pf;

    switch (*f) {
    case 'h': sp->length = (f[1] == 'h') ? LEN_HH : LEN_H; break;
    case 'l': sp->length = (f[1] == 'l') ? LEN_LL : LEN_L; break;
    case 'z': sp->length = LEN_Z; break;
    case 't': sp->length = LEN_T; break;
    case 'j': sp->length = LEN_J; break;
    default: return;
    }
    *pf = f + ((sp->length == LEN_HH || sp->length == LEN_LL) ? 2 : 1);
}

/*
 * Carry out conversion c (already parsed into sp). *pf points just after c; %pS moves it past
 * the 'S'. Returns false for an unknown conversion, which consumed no argument.
 */
static bool convert(struct out *o, const struct spec *sp, char c, const char **pf, va_list *ap)
{
    switch (c) {
    case 'd':
    case 'i': put_signed(o, sp, ap); break;
    case 'u': put_number(o, sp, get_unsigned(ap, sp->length), 0, 10, false); break;
    case 'x': put_number(o, sp, get_unsigned(ap, sp->length), 0, 16, false); break;
    case 'X': put_number(o, sp, get_unsigned(ap, sp->length), 0, 16, true); break;
    case 'o': put_number(o, sp, get_unsigned(ap, sp->length), 0, 8, false); break;
    case 'c': {
        char ch = (char)(unsigned char)va_arg(*ap, int);
        put_field(o, sp, &ch, 1);
        break;
    }
    case 's': put_string(o, sp, va_arg(*ap, const char *)); break;
    case 'p': {
        uint64_t v = (uint64_t)(uintptr_t)va_arg(*ap, void *);
        if (**pf == 'S') {
            (*pf)++;
            put_symbol(o, sp, v);
        } else {
            put_pointer(o, sp, v);
        }
        break;
    }
    case '%': put_char(o, '%'); break;
    default: return false;
    }
    return true;
}

/* One specification starting at the '%' at *pf; *pf moves past it. */
static void format_one(struct out *o, const char **pf, va_list *ap)
{
    const char *start = *pf;
    const char *f = start + 1;
    struct spec sp = { 0, 0, 0, false, LEN_NONE };
    char c;

    parse_flags(&f, &sp);
    parse_width(&f, &sp, ap);
    parse_precision(&f, &sp, ap);
    parse_length(&f, &sp);
    c = *f;
    if (c != '\0')
        f++; /* a spec cut off by the end of fmt is printed as is, like an unknown one */
    if (c == '\0' || !convert(o, &sp, c, &f, ap))
        put_mem(o, start, (size_t)(f - start));
    *pf = f;
}

/*
 * Format fmt with the arguments in ap into buf, as C99 vsnprintf (see lib.h for the formats).
 * buf: where to write; may be NULL when size is 0 (a NULL buf is treated as size 0 anyway).
 * size: bytes available at buf, including the terminating NUL; at most size - 1 characters are
 *   stored and, when size > 0, the result is always NUL-terminated.
 * Returns the number of characters the complete output has (not counting the NUL), whatever
 * size was; -1 if that number exceeds INT_MAX (buf still holds the truncated output).
 * Context: any; uses no locks and no global state (%pS calls symbol_lookup()).
 */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = { buf, buf ? size : 0, 0 };
    va_list aq;
    const char *f = fmt;

    va_copy(aq, ap);
    while (*f != '\0') {
        if (*f == '%')
            format_one(&o, &f, &aq);
        else
            put_char(&o, *f++);
    }
    va_end(aq);
    if (o.size > 0)
        o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
    return o.len > 0x7fffffffu ? -1 : (int)o.len;
}

/*
 * Format into buf as vsnprintf() does, with the arguments given directly.
 * Returns what vsnprintf() returns. Context: any.
 */
int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
