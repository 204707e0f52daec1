/* cmdline.c - parse the hypervisor command line against a table of options (Xen's syntax). */
#include "boot/cmdline.h"

#define UINT_MAX_VALUE 0xffffffffu

/* One token, split at its first '=' into name and value, quotes removed. */
struct token {
    char name[CMDLINE_NAME_MAX];
    char value[CMDLINE_VALUE_MAX];
    size_t name_len;
    size_t value_len;
    bool has_value;  /* an '=' was seen (the value may still be empty) */
    bool name_long;  /* characters beyond name[] were dropped */
    bool value_long; /* characters beyond value[] were dropped */
    bool open_quote; /* the token ended inside double quotes */
};

static bool is_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Append c to buf (NUL-terminated, max bytes), or set *dropped when it does not fit. */
static void append(char *buf, size_t *len, size_t max, char c, bool *dropped)
{
    if (*len + 1 < max) {
        buf[(*len)++] = c;
        buf[*len] = '\0';
    } else {
        *dropped = true;
    }
}

/* Read the token starting at *pp (not white space, not NUL); *pp moves just past its end. */
static void read_token(const char **pp, struct token *t)
{
    const char *p = *pp;
    bool quoted = false;

    *t = (struct token){ .name_len = 0 };
    for (; *p != '\0' && (quoted || !is_space(*p)); p++) {
        if (*p == '"')
            quoted = !quoted;
        else if (*p == '=' && !t->has_value)
            t->has_value = true;
        else if (t->has_value)
            append(t->value, &t->value_len, sizeof(t->value), *p, &t->value_long);
        else
            append(t->name, &t->name_len, sizeof(t->name), *p, &t->name_long);
    }
    t->open_quote = quoted;
    *pp = p;
}

/* Option names compare with '-' and '_' as the same character. */
static bool name_eq(const char *a, const char *b)
{
    while (*a != '\0' && (*a == *b || ((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))) {
        a++;
        b++;
    }
    return *a == '\0' && *b == '\0';
}

static const struct param *find_exact(const struct param *table, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (name_eq(table[i].name, name))
            return &table[i];
    return NULL;
}

/* The option name refers to: itself, or a boolean behind a "no-" prefix (*invert set). */
static const struct param *find_param(const struct param *table, size_t n, const char *name,
                                      bool *invert)
{
    const struct param *p = find_exact(table, n, name);
    const struct param *q;

    *invert = false;
    if (p == NULL && name[0] == 'n' && name[1] == 'o' && (name[2] == '-' || name[2] == '_')) {
        q = find_exact(table, n, name + 3);
        if (q != NULL && q->type == PARAM_BOOL) {
            p = q;
            *invert = true;
        }
    }
    return p;
}

/* Xen's boolean words. Returns 0 with *out set, or -1. */
static int parse_bool(const char *s, bool *out)
{
    static const struct {
        const char *word;
        bool value;
    } words[] = {
        { "1", true },     { "0", false },  { "yes", true },    { "no", false },
        { "on", true },    { "off", false }, { "true", true },  { "false", false },
        { "enable", true }, { "disable", false },
    };
    size_t i;
    int rc = -1;

    for (i = 0; i < ARRAY_SIZE(words) && rc != 0; i++) {
        if (strcmp(words[i].word, s) == 0) {
            *out = words[i].value;
            rc = 0;
        }
    }
    return rc;
}

static unsigned int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return (unsigned int)(c - '0');
    if (c >= 'a' && c <= 'f')
        return (unsigned int)(c - 'a') + 10;
    if (c >= 'A' && c <= 'F')
        return (unsigned int)(c - 'A') + 10;
    return 16;
}

/*
 * Decimal, or hex after "0x", in [s, end) into *v. Returns the first character not used, or
 * NULL when there is no digit or the value overflows.
 */
static const char *parse_digits(const char *s, const char *end, uint64_t *v)
{
    unsigned int base = 10, d;
    const char *digits;
    bool overflow = false;

    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        s += 2;
    }
    digits = s;
    *v = 0;
    for (; s < end && (d = digit_value(*s)) < base; s++) {
        if (*v > (UINT64_MAX - d) / base)
            overflow = true;
        *v = *v * base + d;
    }
    return (s == digits || overflow) ? NULL : s;
}

/* parse_size() on [s, end), which need not be NUL-terminated. */
static int parse_size_range(const char *s, const char *end, uint64_t *out)
{
    uint64_t v;
    unsigned int shift = 0;
    const char *p = parse_digits(s, end, &v);
    int rc = -1;

    if (p == NULL)
        goto out;
    if (p < end) {
        switch (*p | 0x20) { /* lower case */
        case 'k': shift = 10; break;
        case 'm': shift = 20; break;
        case 'g': shift = 30; break;
        case 't': shift = 40; break;
        default: goto out;
        }
        p++;
    }
    if (p != end || v > (UINT64_MAX >> shift))
        goto out;
    *out = v << shift;
    rc = 0;
out:
    return rc;
}

/* See cmdline.h. */
int parse_size(const char *s, uint64_t *out)
{
    return parse_size_range(s, s + strlen(s), out);
}

/* One loglvl level word or digit in [s, end). Returns 0 with *lvl set, or -1. */
static int parse_level(const char *s, const char *end, unsigned int *lvl)
{
    static const struct {
        const char *word;
        unsigned int level;
    } levels[] = {
        { "none", LOGLVL_NONE }, { "error", LOG_ERR },   { "warning", LOG_WARNING },
        { "info", LOG_INFO },    { "debug", LOG_DEBUG }, { "all", LOG_DEBUG },
    };
    size_t i, len = (size_t)(end - s);
    int rc = -1;

    if (len == 1 && *s >= '0' && *s <= '3') {
        *lvl = (unsigned int)(*s - '0');
        rc = 0;
    }
    for (i = 0; i < ARRAY_SIZE(levels) && rc != 0; i++) {
        if (strlen(levels[i].word) == len && memcmp(levels[i].word, s, len) == 0) {
            *lvl = levels[i].level;
            rc = 0;
        }
    }
    return rc;
}

/* See cmdline.h. */
int parse_loglvl(const char *val, void *var)
{
    const char *end = val + strlen(val);
    const char *slash = memchr(val, '/', (size_t)(end - val));
    unsigned int lvl, guest;
    int rc = -1;

    if (slash == NULL)
        slash = end;
    if (parse_level(val, slash, &lvl) != 0)
        goto out;
    if (slash != end && parse_level(slash + 1, end, &guest) != 0)
        goto out;
    *(unsigned int *)var = lvl;
    rc = 0;
out:
    return rc;
}

/* One dom0_mem item in [s, end) into *m. Returns 0 or -1. */
static int parse_dom0_item(const char *s, const char *end, struct dom0_mem *m)
{
    uint64_t *dst = &m->amount;

    if (end - s >= 4 && memcmp(s, "min:", 4) == 0) {
        dst = &m->min;
        s += 4;
    } else if (end - s >= 4 && memcmp(s, "max:", 4) == 0) {
        dst = &m->max;
        s += 4;
    }
    return parse_size_range(s, end, dst);
}

/* See cmdline.h. */
int parse_dom0_mem(const char *val, void *var)
{
    struct dom0_mem m = { 0, 0, 0 };
    const char *s = val, *end = val + strlen(val), *comma;
    int rc = 0;

    while (rc == 0 && s <= end) {
        comma = memchr(s, ',', (size_t)(end - s));
        if (comma == NULL)
            comma = end;
        rc = parse_dom0_item(s, comma, &m);
        s = comma + 1;
    }
    if (rc == 0 && m.min != 0 && m.max != 0 && m.min > m.max)
        rc = -1;
    if (rc == 0)
        *(struct dom0_mem *)var = m;
    return rc;
}

/* Store a PARAM_UINT value. Returns 0, or -1 on junk or a value above UINT_MAX. */
static int set_uint(const char *s, size_t len, unsigned int *var)
{
    uint64_t v;
    const char *p = parse_digits(s, s + len, &v);
    int rc = -1;

    if (p == s + len && v <= UINT_MAX_VALUE) {
        *var = (unsigned int)v;
        rc = 0;
    }
    return rc;
}

/* `name`, `name=` or `name=<b>`, inverted behind "no-". Returns 0 or -1 (bad value). */
static int set_bool(const struct token *t, bool invert, bool *var)
{
    bool v = true;
    int rc = 0;

    if (t->value_len != 0)
        rc = parse_bool(t->value, &v);
    if (rc == 0)
        *var = (v != invert);
    return rc;
}

static unsigned int bad_value(const struct token *t)
{
    printk(KERN_WARNING "cmdline: bad value '%s' for option '%s'\n", t->value, t->name);
    return 1;
}

/* Apply a token whose name and value fit and whose option p exists. Returns the problems. */
static unsigned int set_param(const struct param *p, const struct token *t, bool invert)
{
    unsigned int problems = 0;
    uint64_t size;

    if (p->type == PARAM_BOOL) {
        if (set_bool(t, invert, p->var) != 0)
            problems = bad_value(t);
    } else if (t->value_len == 0 && !(p->type == PARAM_STRING && t->has_value)) {
        printk(KERN_WARNING "cmdline: option '%s' needs a value\n", t->name);
        problems = 1;
    } else if (p->type == PARAM_UINT) {
        if (set_uint(t->value, t->value_len, p->var) != 0)
            problems = bad_value(t);
    } else if (p->type == PARAM_SIZE) {
        if (parse_size(t->value, &size) != 0)
            problems = bad_value(t);
        else
            *(uint64_t *)p->var = size;
    } else if (p->type == PARAM_STRING) {
        if (t->value_len >= p->len) {
            printk(KERN_WARNING "cmdline: value for option '%s' too long\n", t->name);
            problems = 1;
        } else {
            memcpy(p->var, t->value, t->value_len + 1);
        }
    } else if (p->parse(t->value, p->var) != 0) {
        problems = bad_value(t);
    }
    return problems;
}

/* Check and apply one token. Returns the number of problems (0 or 1). */
static unsigned int apply_token(const struct token *t, const struct param *table, size_t n)
{
    const struct param *p = NULL;
    bool invert = false;
    unsigned int problems = 1;

    if (!t->name_long)
        p = find_param(table, n, t->name, &invert);
    if (t->open_quote)
        printk(KERN_WARNING "cmdline: unterminated quote\n");
    else if (t->name_len == 0 && !t->has_value)
        problems = 0; /* nothing but quotes: `""` */
    else if (p == NULL)
        printk(KERN_WARNING "cmdline: unknown option '%s'\n", t->name);
    else if (t->value_long)
        printk(KERN_WARNING "cmdline: value for option '%s' too long\n", t->name);
    else
        problems = set_param(p, t, invert);
    return problems;
}

/* See cmdline.h. */
unsigned int cmdline_parse(const char *cmdline, const struct param *table, size_t n)
{
    const char *p = cmdline ? cmdline : "";
    struct token t;
    unsigned int problems = 0;

    for (;;) {
        while (is_space(*p))
            p++;
        if (*p == '\0')
            break;
        read_token(&p, &t);
        problems += apply_token(&t, table, n);
    }
    return problems;
}
