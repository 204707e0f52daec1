/* cmdline.h - table-driven parser of the hypervisor command line, in Xen's syntax. */
#ifndef HYP_BOOT_CMDLINE_H
#define HYP_BOOT_CMDLINE_H

#include "lib/lib.h"

/*
 * Syntax: white-space separated tokens `name`, `name=value` or `no-name`. Double quotes group
 * characters anywhere in a token (`name="a b"`) and are removed. '-' and '_' in names are the
 * same character. A name is at most CMDLINE_NAME_MAX - 1 characters, a value at most
 * CMDLINE_VALUE_MAX - 1 (longer ones are reported, not applied).
 */
#define CMDLINE_NAME_MAX 64
#define CMDLINE_VALUE_MAX 256

/* What an option's var points to, and which values it takes. */
enum param_type {
    PARAM_BOOL,   /* bool: `name`, `no-name`, `name=<b>` with <b> one of 1/0 yes/no on/off
                   * true/false enable/disable; `no-name=<b>` sets !<b>; `name=` sets true */
    PARAM_UINT,   /* unsigned int: decimal or 0x hex, at most 0xffffffff */
    PARAM_SIZE,   /* uint64_t: bytes, as parse_size() */
    PARAM_STRING, /* char[len]: the value, NUL-terminated; `name=` sets "" */
    PARAM_CUSTOM, /* whatever parse() takes; parse() gets the value, never an empty one */
};

struct param {
    const char *name;
    enum param_type type;
    void *var;
    size_t len;                               /* PARAM_STRING: bytes at var, NUL included */
    int (*parse)(const char *val, void *var); /* PARAM_CUSTOM: 0, or -1 leaving var alone */
};

/* dom0_mem=: sizes in bytes, 0 where not given. */
struct dom0_mem {
    uint64_t amount;
    uint64_t min;
    uint64_t max;
};


/*
 * Apply cmdline to the options in table, left to right; a later token overrides an earlier one.
 * Each problem is printed as a KERN_WARNING line and the token is skipped; parsing always goes
 * on to the end. Messages: "cmdline: unknown option 'NAME'", "cmdline: bad value 'VALUE' for
 * option 'NAME'", "cmdline: option 'NAME' needs a value", "cmdline: value for option 'NAME' too
 * long", "cmdline: unterminated quote".
 * cmdline: NUL-terminated (NULL is taken as empty); table: n entries.
 * Returns the number of problems (0 if all tokens applied). Context: boot, single CPU.
 */
unsigned int cmdline_parse(const char *cmdline, const struct param *table, size_t n);

/*
 * A size: decimal or 0x hex digits, then optionally one of K M G T (either case) for KiB, MiB,
 * GiB, TiB; nothing else. Returns 0 with *out set, or -1 (*out unchanged) on an empty string,
 * junk, or a value above 2^64 - 1.
 */
int parse_size(const char *s, uint64_t *out);

/*
 * loglvl=<lvl>[/<lvl>]: the console threshold into *(unsigned int *)var. <lvl> is none, error,
 * warning, info, debug, all, or a digit 0-3 (a LOG_* value); none gives LOGLVL_NONE, all is
 * debug. The part after '/' (Xen's guest level) must be a valid <lvl> too, but is ignored.
 * Returns 0, or -1 leaving var alone. PARAM_CUSTOM parser.
 */
int parse_loglvl(const char *val, void *var);

/*
 * dom0_mem=: a comma-separated list of <size>, min:<size> and max:<size> (parse_size() sizes)
 * into *(struct dom0_mem *)var; a repeated item overrides the earlier one. Returns 0, or -1
 * leaving var alone on an empty item, junk, a bad size, or min > max when both are non-zero.
 * PARAM_CUSTOM parser.
 */
int parse_dom0_mem(const char *val, void *var);

#endif /* HYP_BOOT_CMDLINE_H */
