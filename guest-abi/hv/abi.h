/* hv/abi.h - what every guest-abi header shares: fixed-width types, compile-time layout checks,
 * constant suffixes that also work in assembly. */
#ifndef HV_ABI_H
#define HV_ABI_H

/*
 * Every header under hv/ describes Xen's x86-64 PV guest ABI under Hearth's names: the numbers
 * and layouts are Xen's (xen/include/public/), the spelling is ours. A Xen name maps to ours by
 * dropping a leading "__", "XEN_" or "XEN" and adding "HV_" (XEN_ELFNOTE_ENTRY -> HV_ELFNOTE_ENTRY,
 * XENVER_version -> HV_VER_version, XENFEAT_dom0 -> HV_FEAT_dom0, SCHEDOP_block ->
 * HV_SCHEDOP_block); hypercall numbers are HV_HYPERCALL_<name>; struct xen_foo / struct foo ->
 * struct hv_foo. Field names are Xen's, so ported code reads the same.
 *
 * Headers are usable from assembly (define __ASSEMBLY__): then only the numbers are visible.
 */

#ifdef __ASSEMBLY__

#define HV_U32(x) x
#define HV_U64(x) x

#else /* !__ASSEMBLY__ */

#include <stddef.h>
#include <stdint.h>

/* Unsigned constants of a known width (a plain hex literal's type depends on its value). */
#define HV_U32(x) x##U
#define HV_U64(x) x##ULL

/*
 * A compile-time check that works in C99 (as a GNU extension, silent under -pedantic), C11 and
 * C++11. Use at file scope, followed by a semicolon.
 */
#if defined(__cplusplus)
#define HV_STATIC_ASSERT(cond, msg) static_assert(cond, msg)
#elif defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define HV_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)
#else
#define HV_STATIC_ASSERT(cond, msg) __extension__ _Static_assert(cond, msg)
#endif

/* Checks a struct's size and a member's offset against Xen's x86-64 layout. */
#define HV_CHECK_SIZE(type, size) \
    HV_STATIC_ASSERT(sizeof(struct type) == (size), "sizeof(struct " #type ") != " #size)
#define HV_CHECK_OFFSET(type, member, off)                \
    HV_STATIC_ASSERT(offsetof(struct type, member) == (off), \
                     "offsetof(struct " #type ", " #member ") != " #off)

/*
 * A guest address as it crosses the ABI: a guest virtual address in the caller's current
 * (kernel) address space, 64 bits wide. Xen's XEN_GUEST_HANDLE(T) has this size and alignment
 * on x86-64; the hypervisor reads and writes through it only with copy_from/to_guest.
 */
typedef uint64_t hv_guest_addr_t;

/* A domain id (Xen's domid_t). */
typedef uint16_t hv_domid_t;

/* A frame number: machine (MFN) for PV guests, as in Xen's xen_pfn_t on x86-64. */
typedef uint64_t hv_pfn_t;

#endif /* !__ASSEMBLY__ */

#endif /* HV_ABI_H */
