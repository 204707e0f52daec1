/*
 * crash: an exception with no handler in the guest's trap table. Xen and Hearth both crash the
 * domain; for dom0 the hypervisor prints the guest's registers and stops the machine (with
 * qemu_exit: QEMU status 35). The integration runner checks the report; the kernel never gets
 * to print a result.
 */
#include "xtf.h"

const char test_title[] = "crash: an unhandled exception crashes dom0 with a register dump";

void test_main(void)
{
    long rc = hc_set_trap_table(NULL); /* no handlers at all */

    if (rc)
        xtf_error("set_trap_table(NULL) returned %ld", rc);
    printk("crash: executing ud2 with no trap table\n");
    __asm__ volatile("mov $0x1234abcd, %%r12; ud2" ::: "r12");
    xtf_failure("ud2 returned");
}
