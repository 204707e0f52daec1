/* hc_syscall.c - hv_hypercallN built for a bare `syscall` (no hypercall page). */
#include "hv/hypercall_x86_64.h"

#include "hc.h"

int64_t hc_syscall_call(unsigned int nargs, unsigned int op, const uint64_t a[5])
{
    switch (nargs) {
    case 0:
        return hv_hypercall0(op);
    case 1:
        return hv_hypercall1(op, a[0]);
    case 2:
        return hv_hypercall2(op, a[0], a[1]);
    case 3:
        return hv_hypercall3(op, a[0], a[1], a[2]);
    case 4:
        return hv_hypercall4(op, a[0], a[1], a[2], a[3]);
    default:
        return hv_hypercall5(op, a[0], a[1], a[2], a[3], a[4]);
    }
}
