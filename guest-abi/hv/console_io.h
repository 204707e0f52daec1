/* hv/console_io.h - console_io: a guest writes to (or dom0 reads from) the hypervisor's own
 * console. */
#ifndef HV_CONSOLE_IO_H
#define HV_CONSOLE_IO_H

/*
 * console_io(cmd, count, buf), hypercall HV_HYPERCALL_console_io. buf is a guest VA.
 *
 * HV_CONSOLEIO_write: print count bytes from buf on the hypervisor console (serial), prefixed
 *   per domain. Returns 0. Caller: any domain in Hearth (Xen release builds allow it only to the
 *   control domain, -EPERM otherwise); Linux uses it for its earliest messages and panics.
 *   Errors: -HV_EFAULT (unreadable buf).
 * HV_CONSOLEIO_read: copy up to count bytes of pending console input into buf. Returns the
 *   number of bytes copied (0 if none). Caller: control domain. Errors: -HV_EPERM, -HV_EFAULT.
 * Other cmd values: -HV_ENOSYS.
 */
#define HV_CONSOLEIO_write 0
#define HV_CONSOLEIO_read 1

#endif /* HV_CONSOLE_IO_H */
