/* support.h - host-side stand-ins for the hypervisor services that unit-tested code calls. */
#ifndef TESTS_UNIT_SUPPORT_H
#define TESTS_UNIT_SUPPORT_H

#include <setjmp.h>
#include <stddef.h>

/* Everything printk() printed since the last support_reset(), NUL-terminated. */
extern char support_log[65536];
/* Set by panic(); panic() then longjmps to support_panic_jmp if support_panic_armed. */
extern int support_panicked;
extern int support_panic_armed;
extern jmp_buf support_panic_jmp;
extern char support_panic_msg[1024];

void support_reset(void);
/* True if the captured console output contains needle. */
int support_log_has(const char *needle);

/*
 * Run stmt; true if it called panic(). Use as:
 *   ck_assert(SUPPORT_PANICS(xfree(p)));
 */
#define SUPPORT_PANICS(stmt)                                  \
    ({                                                        \
        support_panicked = 0;                                 \
        support_panic_armed = 1;                              \
        if (setjmp(support_panic_jmp) == 0) {                 \
            stmt;                                             \
        }                                                     \
        support_panic_armed = 0;                              \
        support_panicked;                                     \
    })

#endif
