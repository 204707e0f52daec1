/* stubs.c - printk, panic and symbol_lookup for host unit tests: output is captured, not shown. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arch/arch.h"
#include "lib/lib.h"
#include "support.h"

char support_log[65536];
static size_t support_log_len;
int support_panicked;
int support_panic_armed;
jmp_buf support_panic_jmp;
char support_panic_msg[1024];

void support_reset(void)
{
    support_log_len = 0;
    support_log[0] = '\0';
    support_panicked = 0;
    support_panic_msg[0] = '\0';
}

int support_log_has(const char *needle)
{
    return strstr(support_log, needle) != NULL;
}

void printk(const char *fmt, ...)
{
    va_list ap;
    size_t room = sizeof(support_log) - support_log_len;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(support_log + support_log_len, room, fmt, ap);
    va_end(ap);
    if (n > 0)
        support_log_len += ((size_t)n < room) ? (size_t)n : room - 1;
}

void panic(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(support_panic_msg, sizeof(support_panic_msg), fmt, ap);
    va_end(ap);
    support_panicked = 1;
    if (support_panic_armed)
        longjmp(support_panic_jmp, 1);
    fprintf(stderr, "unexpected panic: %s\n", support_panic_msg);
    abort();
}

const char *symbol_lookup(uint64_t addr, uint64_t *off)
{
    if (addr >= 0x1000 && addr < 0x2000) {
        *off = addr - 0x1000;
        return "fake_function";
    }
    return NULL;
}

/* spin_lock serves TLB flush requests while it waits; the host has none. */
void smp_poll_flush(void)
{
}
