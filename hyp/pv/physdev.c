/* physdev.c - physdev_op for PV guests: the virtual I/O privilege level. PIRQs and the I/O
 * bitmap come with dom0's drivers. */
#include "hv/physdev.h"
#include "pv/pv_private.h"

/*
 * physdev_op(cmd, arg). set_iopl: the vCPU's virtual IOPL (0-3; port I/O is emulated for a
 * privileged domain at IOPL >= 1 in guest-kernel mode). Returns 0; -HV_EFAULT, -HV_EINVAL for
 * iopl > 3; -HV_ENOSYS for every other cmd (not implemented yet).
 */
long pv_hc_physdev_op(struct hc_call *c)
{
    struct hv_physdev_set_iopl s;

    if (c->arg[0] != HV_PHYSDEVOP_set_iopl)
        return -HV_ENOSYS;
    if (copy_from_guest(&s, c->arg[1], sizeof(s)))
        return -HV_EFAULT;
    if (s.iopl > 3)
        return -HV_EINVAL;
    c->v->iopl = (uint8_t)s.iopl;
    return 0;
}
