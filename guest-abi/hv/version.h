/* hv/version.h - xen_version: the hypervisor's version, build strings, page size and feature
 * bits. */
#ifndef HV_VERSION_H
#define HV_VERSION_H

#include "abi.h"
#include "features.h"

/*
 * xen_version(cmd, arg), hypercall HV_HYPERCALL_xen_version. Returns 0 unless stated;
 * -HV_EFAULT if arg cannot be written, -HV_ENOSYS for an unknown cmd. version, extraversion,
 * compile_info, capabilities, changeset, platform_parameters, get_features, pagesize and
 * guest_handle are open to every domain; commandline, build_id and the *2 ops are for the
 * control domain (others get "<denied>" text or -HV_EPERM, as in Xen).
 * Linux also calls xen_version(HV_VER_version, NULL) just to have pending events delivered on
 * the way back: it must stay cheap and side-effect free.
 */

/* arg NULL. Returns (major << 16) | minor, e.g. 0x00040011 for 4.17. */
#define HV_VER_version 0
#define HV_VER_MAJOR(v) ((v) >> 16)
#define HV_VER_MINOR(v) ((v) & 0xffff)

/* arg: char[HV_VER_EXTRAVERSION_LEN], NUL-terminated (e.g. ".0"). */
#define HV_VER_extraversion 1
#define HV_VER_EXTRAVERSION_LEN 16

/* arg: struct hv_compile_info. */
#define HV_VER_compile_info 2

/* arg: char[HV_VER_CAPABILITIES_LEN]: space-separated guest types, "xen-3.0-x86_64 ..." */
#define HV_VER_capabilities 3
#define HV_VER_CAPABILITIES_LEN 1024

/* arg: char[HV_VER_CHANGESET_LEN]: source revision of the build. */
#define HV_VER_changeset 4
#define HV_VER_CHANGESET_LEN 64

/* arg: struct hv_platform_parameters: virt_start = HV_VIRT_START for 64-bit PV. */
#define HV_VER_platform_parameters 5

/* arg: struct hv_feature_info. Errors: -HV_EINVAL for submap_idx >= HV_FEAT_NR_SUBMAPS. */
#define HV_VER_get_features 6

/* arg NULL. Returns the page size, 4096. */
#define HV_VER_pagesize 7

/* arg: uint8_t[HV_VER_GUEST_HANDLE_LEN]: the domain's handle (UUID) set by the toolstack. */
#define HV_VER_guest_handle 8
#define HV_VER_GUEST_HANDLE_LEN 16

/* arg: char[HV_VER_COMMANDLINE_LEN]: the hypervisor's command line. Control domain. */
#define HV_VER_commandline 9
#define HV_VER_COMMANDLINE_LEN 1024

/*
 * arg: struct hv_varbuf (or NULL to ask for the size). Returns the number of bytes written
 * (or needed). build_id returns binary data; the *2 ops are the untruncated forms of
 * extraversion, capabilities, changeset and commandline, without a NUL (newer than Xen 4.17).
 * Errors: -HV_ENOBUFS if len is too small, -HV_ENODATA if there is no build id, -HV_EPERM.
 */
#define HV_VER_build_id 10
#define HV_VER_extraversion2 11
#define HV_VER_capabilities2 12
#define HV_VER_changeset2 13
#define HV_VER_commandline2 14

#ifndef __ASSEMBLY__

struct hv_compile_info {
    /* OUT, each NUL-terminated */
    char compiler[64];
    char compile_by[16];
    char compile_domain[32];
    char compile_date[32];
};
HV_CHECK_SIZE(hv_compile_info, 144);
HV_CHECK_OFFSET(hv_compile_info, compile_by, 64);
HV_CHECK_OFFSET(hv_compile_info, compile_domain, 80);
HV_CHECK_OFFSET(hv_compile_info, compile_date, 112);

struct hv_platform_parameters {
    /* OUT */
    uint64_t virt_start; /* start of the hypervisor's hole */
};
HV_CHECK_SIZE(hv_platform_parameters, 8);

struct hv_feature_info {
    /* IN */
    uint32_t submap_idx; /* which 32-bit group of HV_FEAT_* bits */
    /* OUT */
    uint32_t submap;     /* bit n set = feature 32 * submap_idx + n present */
};
HV_CHECK_SIZE(hv_feature_info, 8);
HV_CHECK_OFFSET(hv_feature_info, submap, 4);

/*
 * Header of a variable-length buffer (Xen's xen_varbuf / xen_build_id): len bytes of data follow
 * it directly in guest memory. (Declared without a flexible array so that it is valid C++.)
 */
struct hv_varbuf {
    /* IN */
    uint32_t len; /* bytes available after this header */
    /* OUT: the data follows */
};
HV_CHECK_SIZE(hv_varbuf, 4);

#endif /* !__ASSEMBLY__ */

#endif /* HV_VERSION_H */
