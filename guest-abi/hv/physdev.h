/* hv/physdev.h - the physdev_op sub-ops a PV domU uses: I/O privilege level, I/O bitmap, PIRQ
 * EOI page. (The PCI and interrupt-routing sub-ops for dom0 come with the dom0 work.) */
#ifndef HV_PHYSDEV_H
#define HV_PHYSDEV_H

#include "abi.h"

/*
 * physdev_op(cmd, arg), hypercall HV_HYPERCALL_physdev_op. Returns 0; -HV_EFAULT for an
 * unreadable arg, -HV_ENOSYS for an unknown or unimplemented cmd.
 */

/*
 * Set the vCPU's virtual I/O privilege level (struct hv_physdev_set_iopl): with iopl >= 1 the
 * guest kernel may execute port I/O, which the hypervisor then emulates (or passes through to a
 * domain with I/O rights). Caller: guest kernel, for the calling vCPU. Errors: -HV_EINVAL for
 * iopl > 3.
 */
#define HV_PHYSDEVOP_set_iopl 6

/*
 * Set the vCPU's I/O permission bitmap (struct hv_physdev_set_iobitmap): a guest VA of a TSS-style
 * bitmap (bit set = port denied) covering nr_ports ports. Caller: guest kernel, for the calling
 * vCPU. Errors: -HV_EINVAL for nr_ports > 65536.
 */
#define HV_PHYSDEVOP_set_iobitmap 7

/*
 * Register a guest frame the hypervisor uses as a bitmap of PIRQs needing EOI (struct
 * hv_physdev_pirq_eoi_gmfn). v2 also unmasks the event channel on EOI. Linux tries v2 and
 * copes with failure. Errors: -HV_EINVAL (bad frame), -HV_EBUSY (already registered).
 */
#define HV_PHYSDEVOP_pirq_eoi_gmfn_v1 17
#define HV_PHYSDEVOP_pirq_eoi_gmfn_v2 28

#ifndef __ASSEMBLY__

struct hv_physdev_set_iopl {
    /* IN */
    uint32_t iopl; /* 0..3 */
};
HV_CHECK_SIZE(hv_physdev_set_iopl, 4);

struct hv_physdev_set_iobitmap {
    /* IN */
    hv_guest_addr_t bitmap; /* VA of the bitmap */
    uint32_t nr_ports;
    uint32_t _pad0;
};
HV_CHECK_SIZE(hv_physdev_set_iobitmap, 16);
HV_CHECK_OFFSET(hv_physdev_set_iobitmap, nr_ports, 8);

struct hv_physdev_pirq_eoi_gmfn {
    /* IN */
    hv_pfn_t gmfn; /* MFN of the bitmap page (PV) */
};
HV_CHECK_SIZE(hv_physdev_pirq_eoi_gmfn, 8);

#endif /* !__ASSEMBLY__ */

#endif /* HV_PHYSDEV_H */
