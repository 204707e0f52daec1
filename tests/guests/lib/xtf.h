/*
 * The test-kernel API: what a test's test_main() may use (report, print, probe exceptions).
 *
 * A test kernel is one C file defining `const char test_title[]` and `void test_main(void)`.
 * The library boots it (lib/head.S, lib/setup.c), runs test_main(), then prints exactly one
 * line `Test result: SUCCESS`, `Test result: FAILURE: <why>`, `Test result: ERROR: <why>` or
 * `Test result: SKIP: <why>` and powers the domain off. Reports combine like XTF's: the worst
 * wins, in the order SUCCESS < SKIP < ERROR < FAILURE, and the first message of the winning
 * kind is the one printed. test_main() may keep going after a failure to report more.
 */
#ifndef TESTS_GUESTS_XTF_H
#define TESTS_GUESTS_XTF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "abi-local.h"
#include "hypercall.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#define NORETURN __attribute__((noreturn))

/* Provided by each test. */
extern const char test_title[];
void test_main(void);

/* Reporting. Each may be called more than once; see the combining rule above. */
void xtf_success(void);
void xtf_failure(const char *fmt, ...) PRINTF_LIKE(1, 2);
void xtf_error(const char *fmt, ...) PRINTF_LIKE(1, 2);
void xtf_skip(const char *fmt, ...) PRINTF_LIKE(1, 2);

/* Print a result line and end the domain with SHUTDOWN_crash; for broken invariants. */
void xtf_panic(const char *fmt, ...) PRINTF_LIKE(1, 2) NORETURN;

/* Console output through HYPERVISOR_console_io(CONSOLEIO_write); lines are cut at 512 bytes. */
void printk(const char *fmt, ...) PRINTF_LIKE(1, 2);
void vprintk(const char *fmt, va_list ap);

/* Freestanding string helpers (lib/string.c); GCC may also emit calls to the mem* ones. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) PRINTF_LIKE(3, 4);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *haystack, const char *needle);
void *memset(void *d, int c, size_t n);
void *memcpy(void *d, const void *s, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* Boot state. */
extern const struct start_info *xtf_start_info;  /* rsi at entry */
extern long xtf_trap_table_rc;                   /* HYPERVISOR_set_trap_table's result */

/* (Re)install the library's trap table (vectors 0-19 to lib/head.S); returns the hypercall's rc. */
long xtf_set_trap_table(void);
/* That table (vectors 0-19), ending with an all-zero entry; e.g. for a new vCPU's context. */
extern const struct trap_info xtf_trap_table[];

/*
 * Map the shared_info page (start_info.shared_info is a machine address) at a page of the
 * image with HYPERVISOR_update_va_mapping, once. Returns the mapping, or NULL with *rc set.
 */
struct shared_info_head *xtf_map_shared_info(long *rc);

/*
 * Machine frame of a page of the image or of the initial mapping (start_info.mfn_list is the
 * P2M: pfn = (va - GUEST_VIRT_BASE) >> 12, since PADDR_OFFSET is 0).
 */
uint64_t xtf_virt_to_mfn(const void *va);
#define XTF_GUEST_VIRT_BASE 0xffffffff80000000ull

/*
 * Exception probes. XTF_PROBE_BEGIN arms a fix-up at the end of the probed instructions and
 * records their start; if any exception arrives while armed, the trap handler fills
 * xtf_exinfo and resumes at the fix-up. An exception while not armed is a panic. Use as
 *     xtf_exinfo_clear();
 *     __asm__ __volatile__(XTF_PROBE_BEGIN "ud2" XTF_PROBE_END ::: XTF_PROBE_CLOBBERS);
 * (the asm must have operand lists, even empty ones, so that %% and %= are expanded).
 */
struct xtf_exinfo {
    bool raised;
    uint8_t vector;
    uint64_t error_code;        /* 0 for vectors without one */
    uint64_t rip;               /* as saved in the exception frame */
    uint64_t fixup;             /* where the probe resumed: rip of a trap at the probe's end */
    uint64_t rflags;
    uint64_t cs;                /* full saved slot: selector, saved upcall mask in bits 32-39 */
};
extern struct xtf_exinfo xtf_exinfo;
extern uint64_t xtf_probe_start;  /* address of the first probed instruction */
extern uint64_t xtf_probe_fixup;  /* where a probed exception resumes; 0 = not armed */

#define XTF_PROBE_BEGIN                                                                    \
    "leaq .Lxtf_probe_fix%=(%%rip), %%r11\n\t"                                             \
    "movq %%r11, xtf_probe_fixup(%%rip)\n\t"                                               \
    "leaq .Lxtf_probe_start%=(%%rip), %%r11\n\t"                                           \
    "movq %%r11, xtf_probe_start(%%rip)\n"                                                 \
    ".Lxtf_probe_start%=:\n\t"
#define XTF_PROBE_END                                                                      \
    "\n.Lxtf_probe_fix%=:\n\t"                                                             \
    "movq $0, xtf_probe_fixup(%%rip)\n\t"
#define XTF_PROBE_CLOBBERS "r11", "memory", "cc"

void xtf_exinfo_clear(void);

/* Exception vector names, for messages: "#DE", "#GP", ... */
const char *xtf_vector_name(unsigned int vector);

#define X86_EXC_DE  0
#define X86_EXC_DB  1
#define X86_EXC_BP  3
#define X86_EXC_OF  4
#define X86_EXC_BR  5
#define X86_EXC_UD  6
#define X86_EXC_NM  7
#define X86_EXC_TS 10
#define X86_EXC_NP 11
#define X86_EXC_SS 12
#define X86_EXC_GP 13
#define X86_EXC_PF 14
#define X86_EXC_MF 16
#define X86_EXC_AC 17
#define X86_EXC_MC 18
#define X86_EXC_XM 19

#define X86_PFEC_PRESENT (1u << 0)
#define X86_PFEC_WRITE   (1u << 1)
#define X86_PFEC_USER    (1u << 2)
#define X86_EFLAGS_TF    (1u << 8)
#define X86_EFLAGS_IF    (1u << 9)

#endif /* TESTS_GUESTS_XTF_H */
