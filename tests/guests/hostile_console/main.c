/*
 * hostile_console: console_io(CONSOLEIO_write) with pointers the guest does not own, or a count
 * that runs into a hole, must fail with an error (-EFAULT on Xen) and leave the kernel running.
 */
#include "xtf.h"

const char test_title[] = "hostile_console: console_io write with bad buffers";

/* Two pages; the second is unmapped at run time, so the first ends at a hole. */
static char edge[2 * 4096] __attribute__((aligned(4096)));

struct bad_write {
    const char *what;
    uint64_t buf;
    uint64_t count;
};

static const struct bad_write cases[] = {
    { "NULL", 0, 16 },
    { "page 0 + 0x800", 0x800, 16 },
    { "non-canonical 0x8000000000000000", 0x8000000000000000ull, 16 },
    { "non-canonical 0x0000800000000000", 0x0000800000000000ull, 16 },
    { "read-only M2P 0xffff800000000000", 0xffff800000000000ull, 16 },
    { "hypervisor text 0xffff82d040200000", 0xffff82d040200000ull, 16 },
    { "hypervisor direct map 0xffff830000000000", 0xffff830000000000ull, 16 },
    { "last hypervisor byte 0xffff87ffffffffff", 0xffff87ffffffffffull, 1 },
    { "unmapped 0xffffffffc0000000", 0xffffffffc0000000ull, 16 },
};

static void try_write(const char *what, uint64_t buf, uint64_t count)
{
    long rc = hc_console_io(CONSOLEIO_write, count, (const void *)buf);

    printk("console_io(write, %#lx, %s): %ld\n", (unsigned long)count, what, rc);
    if (rc != -XEN_EFAULT)
        xtf_failure("console_io(write, %#lx, %s) returned %ld, expected -EFAULT (%d)",
                    (unsigned long)count, what, rc, -XEN_EFAULT);
}

void test_main(void)
{
    uint64_t hole = (uint64_t)edge + 4096;
    long rc;

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
        try_write(cases[i].what, cases[i].buf, cases[i].count);

    rc = hc_update_va_mapping(hole, 0, UVMF_INVLPG);
    if (rc != 0) {
        xtf_error("cannot unmap the page at %#lx: update_va_mapping returned %ld",
                  (unsigned long)hole, rc);
        return;
    }
    memset(edge, 'x', 4096);
    /* Valid start, runs into the hole within Xen's first 127-byte chunk: nothing is printed. */
    try_write("64 bytes before a hole", hole - 64, 0xffffffff);
    try_write("straddling a hole", hole - 8, 16);

    /* Informational: Xen's count is an unsigned int, so the upper 32 bits vanish. */
    rc = hc_console_io(CONSOLEIO_write, (1ull << 32) | 6, "wide!\n");
    printk("console_io(write, 0x100000006, \"wide!\\n\") (informational): %ld\n", rc);

    /* Still alive, and the console still works. */
    rc = hc_console_io(CONSOLEIO_write, 14, "still running\n");
    if (rc != 0)
        xtf_failure("console_io(write) of a good buffer returned %ld after the bad ones", rc);
    xtf_success();
}
