/*
 * console_read: dom0 reads the serial console with CONSOLEIO_read after the input is switched
 * to it (Ctrl-A three times, as on Xen). The integration runner types the switch and "ping";
 * the kernel echoes what it read and succeeds once it has the whole word. A read into the
 * hypervisor's range must fail with -EFAULT first (with nothing to read, a NULL buffer is never
 * touched, on Xen as on Hearth).
 */
#include "xtf.h"

const char test_title[] = "console_read: serial input to dom0 after Ctrl-A x3";

#define WANT "ping"

void test_main(void)
{
    char buf[64], got[16];
    unsigned int have = 0;
    long rc;

    rc = hc_console_io(CONSOLEIO_read, sizeof(buf), (const void *)0xffff830000000000ul);
    if (rc != -XEN_EFAULT)
        xtf_failure("console_io(read, hypervisor range) returned %ld, expected %d", rc, -XEN_EFAULT);
    printk("console_read: waiting for input\n");
    while (have < sizeof(WANT) - 1) {
        rc = hc_console_io(CONSOLEIO_read, sizeof(buf), buf);
        if (rc < 0) {
            xtf_failure("console_io(read) returned %ld", rc);
            return;
        }
        for (long i = 0; i < rc && have < sizeof(WANT) - 1; i++)
            if (buf[i] == WANT[have] || (have = 0, buf[i] == WANT[0]))
                got[have++] = buf[i];
        if (rc == 0)
            (void)hc_sched_op(SCHEDOP_yield, NULL);
    }
    got[have] = '\0';
    printk("console_read: got \"%s\"\n", got);
    xtf_success();
}
