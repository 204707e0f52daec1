/*
 * hello: the smallest test kernel. It prints through console_io and powers off (sched_op).
 */
#include "xtf.h"

const char test_title[] = "hello: console output and shutdown";

void test_main(void)
{
    static const char msg[] = "Hello from a PV guest\n";
    long rc = hc_console_io(CONSOLEIO_write, sizeof(msg) - 1, msg);

    if (rc != 0)
        xtf_failure("console_io(write, %zu bytes) returned %ld, expected 0", sizeof(msg) - 1, rc);
    if (strncmp(xtf_start_info->magic, "xen-3.0-x86_64", 14) != 0)
        xtf_failure("start_info.magic is \"%.32s\", expected \"xen-3.0-x86_64\"",
                    xtf_start_info->magic);
    printk("printk: %s %d %u %#x %05d [%-4s] [%4s] %c %% %lx\n", "ok", -42, 42u, 0xbeefu, 7,
           "ab", "cd", 'z', 0xffffffff80000000ul);
    xtf_success();
}
