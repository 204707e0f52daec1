/* hv/errno.h - the error numbers a hypercall returns, negated (-HV_EINVAL); Xen's values. */
#ifndef HV_ERRNO_H
#define HV_ERRNO_H

/*
 * These are Xen's XEN_E* values (public/errno.h), which are the Linux x86 errno values. A
 * hypercall returns 0 or a non-negative result on success and -HV_E* on failure; inside the
 * hypervisor, functions use the same convention. The list is Xen's, complete; what a given op
 * returns is documented with the op.
 */
#define HV_EPERM 1           /* caller lacks the privilege */
#define HV_ENOENT 2          /* no such object (vCPU, port, ...) */
#define HV_ESRCH 3           /* no such domain */
#define HV_EIO 5
#define HV_ENXIO 6
#define HV_E2BIG 7
#define HV_ENOEXEC 8
#define HV_EBADF 9
#define HV_ECHILD 10
#define HV_EAGAIN 11         /* try again */
#define HV_EWOULDBLOCK 11    /* alias of HV_EAGAIN */
#define HV_ENOMEM 12
#define HV_EACCES 13
#define HV_EFAULT 14         /* a guest address could not be read or written */
#define HV_EBUSY 16
#define HV_EEXIST 17
#define HV_EXDEV 18
#define HV_ENODEV 19
#define HV_ENOTDIR 20
#define HV_EISDIR 21
#define HV_EINVAL 22         /* a bad argument */
#define HV_ENFILE 23
#define HV_EMFILE 24
#define HV_ENOSPC 28
#define HV_EROFS 30
#define HV_EMLINK 31
#define HV_EDOM 33
#define HV_ERANGE 34
#define HV_EDEADLK 35
#define HV_EDEADLOCK 35      /* alias of HV_EDEADLK */
#define HV_ENAMETOOLONG 36
#define HV_ENOLCK 37
#define HV_ENOSYS 38         /* unknown or unimplemented hypercall or sub-op */
#define HV_ENOTEMPTY 39
#define HV_ENODATA 61
#define HV_ETIME 62
#define HV_EBADMSG 74
#define HV_EOVERFLOW 75
#define HV_EILSEQ 84
#define HV_ENOTSOCK 88
#define HV_EMSGSIZE 90
#define HV_EOPNOTSUPP 95
#define HV_EADDRINUSE 98
#define HV_EADDRNOTAVAIL 99
#define HV_ENOBUFS 105
#define HV_EISCONN 106
#define HV_ENOTCONN 107
#define HV_ETIMEDOUT 110
#define HV_ECONNREFUSED 111

/*
 * Hypervisor-internal: never returned to a guest. HV_ERESTART asks the hypercall layer to
 * create a continuation (re-run the call later with updated arguments); HV_EINTR is Xen's
 * internal "interrupted". Xen defines both only for its own build.
 */
#define HV_EINTR 4
#define HV_ERESTART 85

#endif /* HV_ERRNO_H */
