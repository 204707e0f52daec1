/* guest_access.c - copy_from_guest / copy_to_guest: range checks, SMAP window, fault fixups. */
#include "hypercall/hypercall.h"

#define GUEST_LOW_END 0x0000800000000000ull  /* end of the lower canonical half */
#define GUEST_HIGH_START 0xffff880000000000ull /* above the hypervisor's L4 slots 256-271 */

bool guest_range_ok(uint64_t va, uint64_t len)
{
    uint64_t end = va + len;

    if (end < va)
        return false;
    return end <= GUEST_LOW_END || va >= GUEST_HIGH_START;
}

int copy_from_guest(void *dst, uint64_t src_va, size_t len)
{
    size_t left;

    if (!guest_range_ok(src_va, len))
        return -HV_EFAULT;
    guest_access_begin();
    left = raw_copy_guest(dst, (const void *)src_va, len);
    guest_access_end();
    return left ? -HV_EFAULT : 0;
}

int copy_to_guest(uint64_t dst_va, const void *src, size_t len)
{
    size_t left;

    if (!guest_range_ok(dst_va, len))
        return -HV_EFAULT;
    guest_access_begin();
    left = raw_copy_guest((void *)dst_va, src, len);
    guest_access_end();
    return left ? -HV_EFAULT : 0;
}
