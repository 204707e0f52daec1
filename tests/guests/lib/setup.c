/*
 * Boot, reporting and shutdown of a PV test kernel: xtf_main() runs the test and ends the domain.
 */
#include "xtf.h"

enum xtf_status { XTF_RUNNING, XTF_SUCCESS, XTF_SKIP, XTF_ERROR, XTF_FAILURE };

static const char *const status_names[] = {
    [XTF_RUNNING] = "RUNNING", [XTF_SUCCESS] = "SUCCESS", [XTF_SKIP] = "SKIP",
    [XTF_ERROR] = "ERROR", [XTF_FAILURE] = "FAILURE",
};

const struct start_info *xtf_start_info;
long xtf_trap_table_rc;

static enum xtf_status status = XTF_RUNNING;
static char status_reason[256];
static unsigned int nr_reports[XTF_FAILURE + 1];

/* Exceptions the trap table routes to lib/head.S; everything else stays with Xen. */
extern const char xtf_trap_0[], xtf_trap_1[], xtf_trap_3[], xtf_trap_4[], xtf_trap_5[],
    xtf_trap_6[], xtf_trap_7[], xtf_trap_10[], xtf_trap_11[], xtf_trap_12[], xtf_trap_13[],
    xtf_trap_14[], xtf_trap_16[], xtf_trap_17[], xtf_trap_18[], xtf_trap_19[];

#define TRAP(v, dpl, stub) { v, dpl, FLAT_KERNEL_CS64, 0, (uint64_t)(stub) }
const struct trap_info xtf_trap_table[] = {
    TRAP(X86_EXC_DE, 0, xtf_trap_0),
    TRAP(X86_EXC_DB, 0, xtf_trap_1),
    TRAP(X86_EXC_BP, TI_DPL3, xtf_trap_3),   /* int3 is allowed from any ring */
    TRAP(X86_EXC_OF, TI_DPL3, xtf_trap_4),
    TRAP(X86_EXC_BR, 0, xtf_trap_5),
    TRAP(X86_EXC_UD, 0, xtf_trap_6),
    TRAP(X86_EXC_NM, 0, xtf_trap_7),
    TRAP(X86_EXC_TS, 0, xtf_trap_10),
    TRAP(X86_EXC_NP, 0, xtf_trap_11),
    TRAP(X86_EXC_SS, 0, xtf_trap_12),
    TRAP(X86_EXC_GP, 0, xtf_trap_13),
    TRAP(X86_EXC_PF, 0, xtf_trap_14),
    TRAP(X86_EXC_MF, 0, xtf_trap_16),
    TRAP(X86_EXC_AC, 0, xtf_trap_17),
    TRAP(X86_EXC_MC, 0, xtf_trap_18),
    TRAP(X86_EXC_XM, 0, xtf_trap_19),
    { 0, 0, 0, 0, 0 },                       /* terminator: address 0 */
};

long xtf_set_trap_table(void)
{
    return hc_set_trap_table(xtf_trap_table);
}

/* Shut the domain down; Xen does not return from a successful SCHEDOP_shutdown. */
static NORETURN void xtf_shutdown(unsigned int reason)
{
    struct sched_shutdown arg = { .reason = reason };

    for (;;)
        hc_sched_op(SCHEDOP_shutdown, &arg);
}

static void set_status(enum xtf_status s, const char *msg)
{
    if (s != XTF_SUCCESS)
        printk("%s: %s\n", status_names[s], msg);
    nr_reports[s]++;
    if (s > status) {
        status = s;
        snprintf(status_reason, sizeof(status_reason), "%s", msg);
    }
}

void xtf_success(void)
{
    set_status(XTF_SUCCESS, "");
}

#define REPORT_FN(name, s)                                                                 \
    void name(const char *fmt, ...)                                                        \
    {                                                                                      \
        char msg[sizeof(status_reason)];                                                   \
        va_list ap;                                                                        \
        va_start(ap, fmt);                                                                 \
        vsnprintf(msg, sizeof(msg), fmt, ap);                                              \
        va_end(ap);                                                                        \
        set_status(s, msg);                                                                \
    }
REPORT_FN(xtf_failure, XTF_FAILURE)
REPORT_FN(xtf_error, XTF_ERROR)
REPORT_FN(xtf_skip, XTF_SKIP)

void xtf_panic(const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    printk("Test result: ERROR: panic: %s\n", msg);
    xtf_shutdown(SHUTDOWN_crash);
}

/* Print the single result line. */
static void report_result(void)
{
    if (status == XTF_RUNNING) {
        printk("Test result: ERROR: test_main() returned without reporting a result\n");
        return;
    }
    if (status == XTF_SUCCESS) {
        printk("Test result: SUCCESS\n");
        return;
    }
    if (nr_reports[status] > 1)
        printk("Test result: %s: %s (and %u more)\n", status_names[status], status_reason,
               nr_reports[status] - 1);
    else
        printk("Test result: %s: %s\n", status_names[status], status_reason);
}

static char shared_info_page[4096] __attribute__((aligned(4096)));
static struct shared_info_head *shared_info;

struct shared_info_head *xtf_map_shared_info(long *rc)
{
    /* P | RW | A | D: Xen adds the user bit itself for 64-bit PV. */
    uint64_t pte = (xtf_start_info->shared_info & ~0xfffull) | 0x63;

    *rc = 0;
    if (!shared_info) {
        *rc = hc_update_va_mapping((unsigned long)shared_info_page, pte, UVMF_INVLPG);
        if (*rc == 0)
            shared_info = (struct shared_info_head *)shared_info_page;
    }
    return shared_info;
}

uint64_t xtf_virt_to_mfn(const void *va)
{
    const uint64_t *p2m = (const uint64_t *)xtf_start_info->mfn_list;

    return p2m[((uint64_t)va - XTF_GUEST_VIRT_BASE) >> 12];
}

/* Called from _start on our own stack; never returns. */
void NORETURN xtf_main(void);
void xtf_main(void)
{
    const struct start_info *si = xtf_start_info;

    printk("--- Hearth PV test kernel: %s ---\n", test_title);
    printk("start_info %p: magic \"%.32s\" nr_pages %lu flags %#x pt_base %#lx\n",
           (const void *)si, si->magic, (unsigned long)si->nr_pages, si->flags,
           (unsigned long)si->pt_base);

    xtf_trap_table_rc = xtf_set_trap_table();
    if (xtf_trap_table_rc)
        printk("warning: set_trap_table returned %ld; exceptions will kill the domain\n",
               xtf_trap_table_rc);

    test_main();

    report_result();
    xtf_shutdown(SHUTDOWN_poweroff);
}
