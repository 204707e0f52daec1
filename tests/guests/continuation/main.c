/*
 * continuation: hypercalls that carry more work than the hypervisor does in one go are resumed
 * transparently (Xen's continuations: rip back to the syscall, new arguments). Long batches
 * must complete exactly once each: a 1000-entry multicall of xen_version, a 3000-operation
 * mmuext_op (TLB flushes) with its done count, a multicall whose entry is itself long, and a
 * console write of 40 KiB.
 */
#include "xtf.h"

const char test_title[] = "continuation: long multicall, mmuext_op and console_io batches";

#define NR_CALLS 1000
#define NR_OPS 3000

static struct multicall_entry calls[NR_CALLS];
static struct mmuext_op ops[NR_OPS];
static char text[40 * 1024];

static void long_multicall(void)
{
    long rc;

    for (unsigned int i = 0; i < NR_CALLS; i++)
        calls[i] = (struct multicall_entry){.op = XEN_HC_xen_version, .result = 0xdead,
                                            .args = {XENVER_version, 0}};
    rc = hc_multicall(calls, NR_CALLS);
    if (rc)
        xtf_failure("multicall of %u entries returned %ld", NR_CALLS, rc);
    for (unsigned int i = 0; i < NR_CALLS; i++)
        if (calls[i].result != 0x40011) {
            xtf_failure("multicall entry %u result %#lx, expected 0x40011", i,
                        (unsigned long)calls[i].result);
            return;
        }
}

static void long_mmuext(void)
{
    unsigned int done = 0;
    long rc;

    for (unsigned int i = 0; i < NR_OPS; i++)
        ops[i] = (struct mmuext_op){.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    rc = hc_mmuext_op(ops, NR_OPS, &done, DOMID_SELF);
    if (rc || done != NR_OPS)
        xtf_failure("mmuext_op of %u flushes: rc %ld, done %u", NR_OPS, rc, done);
}

static void long_entry_in_multicall(void)
{
    struct multicall_entry mc[2] = {
        {.op = XEN_HC_mmuext_op, .result = 0xdead,
         .args = {(unsigned long)ops, NR_OPS, 0, DOMID_SELF}},
        {.op = XEN_HC_xen_version, .result = 0xdead, .args = {XENVER_version, 0}},
    };
    long rc = hc_multicall(mc, 2);

    if (rc || mc[0].result != 0 || mc[1].result != 0x40011)
        xtf_failure("multicall{mmuext_op x%u, xen_version}: rc %ld, results %#lx %#lx", NR_OPS,
                    rc, (unsigned long)mc[0].result, (unsigned long)mc[1].result);
}

static void long_console_write(void)
{
    long rc;

    for (unsigned int i = 0; i < sizeof(text); i++)
        text[i] = (i % 64 == 63) ? '\n' : '.';
    rc = hc_console_io(CONSOLEIO_write, sizeof(text), text);
    if (rc)
        xtf_failure("console_io(write, %zu bytes) returned %ld", sizeof(text), rc);
}

void test_main(void)
{
    long_multicall();
    long_mmuext();
    long_entry_in_multicall();
    long_console_write();
    xtf_success();
}
