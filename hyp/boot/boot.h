/* boot.h - what hyp/boot offers the rest of the hypervisor: the boot command line. */
#ifndef HYP_BOOT_BOOT_H
#define HYP_BOOT_BOOT_H

/* The hypervisor's command line as the loader gave it (NUL-terminated, never NULL). */
const char *boot_cmdline(void);

#endif
