/* hc_version.c - xen_version: version, strings, features, page size, as Xen 4.17 answers a PV
 * guest (the interface level Hearth implements). */
#include "domain/domain.h"
#include "hv/features.h"
#include "hv/version.h"
#include "hv/vm_assist.h"
#include "boot/boot.h"
#include "hypercall/hypercall.h"

#define IFACE_MAJOR 4
#define IFACE_MINOR 17
#define HV_VIRT_START_ADDR 0xffff800000000000ull

/* Copy a NUL-padded string of exactly len bytes (Xen's fixed-size string sub-ops). */
static long put_string(uint64_t buf, const char *s, size_t len)
{
    char tmp[HV_VER_CAPABILITIES_LEN];

    memset(tmp, 0, len);
    memcpy(tmp, s, MIN(strlen(s), len - 1));
    return copy_to_guest(buf, tmp, len) ? -HV_EFAULT : 0;
}

/* Submap 0 for a PV guest: the bits Linux requires (5, 7) and what Hearth does implement;
 * never auto_translated_physmap or hvm_callback_vector for PV. */
static uint32_t feature_submap0(const struct domain *d)
{
    uint32_t m = (1u << HV_FEAT_mmu_pt_update_preserve_ad) | (1u << HV_FEAT_highmem_assist) |
                 (1u << HV_FEAT_gnttab_map_avail_bits) | (1u << HV_FEAT_direct_mapped);

    if (d->vm_assist & (1ull << HV_VMASST_TYPE_pae_extended_cr3))
        m |= 1u << HV_FEAT_pae_pgdir_above_4gb;
    if (d->privileged)
        m |= 1u << HV_FEAT_dom0;
    return m;
}

static long get_features(struct hc_call *c, uint64_t arg)
{
    struct hv_feature_info fi;

    if (copy_from_guest(&fi, arg, sizeof(fi)))
        return -HV_EFAULT;
    if (fi.submap_idx >= HV_FEAT_NR_SUBMAPS)
        return -HV_EINVAL;
    fi.submap = feature_submap0(c->v->domain);
    return copy_to_guest(arg, &fi, sizeof(fi)) ? -HV_EFAULT : 0;
}

/* XENVER_build_id (struct hv_varbuf + data): Hearth's image carries no build id: -HV_ENODATA
 * once the header is readable. */
static long build_id(uint64_t arg)
{
    struct hv_varbuf vb;

    if (copy_from_guest(&vb, arg, sizeof(vb)))
        return -HV_EFAULT;
    return -HV_ENODATA;
}

static long compile_info(uint64_t arg)
{
    struct hv_compile_info ci;

    memset(&ci, 0, sizeof(ci));
    memcpy(ci.compiler, "gcc " __VERSION__, MIN(sizeof("gcc " __VERSION__), sizeof(ci.compiler) - 1));
    memcpy(ci.compile_by, "hearth", 6);
    memcpy(ci.compile_domain, "hearth", 6);
    memcpy(ci.compile_date, __DATE__ " " __TIME__, sizeof(__DATE__ " " __TIME__) - 1);
    return copy_to_guest(arg, &ci, sizeof(ci)) ? -HV_EFAULT : 0;
}

/*
 * xen_version(cmd, arg). Returns the version for HV_VER_version and the page size for
 * HV_VER_pagesize, else 0 after filling *arg; -HV_EFAULT, -HV_EINVAL (get_features submap),
 * -HV_EPERM (commandline for a domain other than dom0), -HV_ENODATA (build_id: none),
 * -HV_ENOSYS (other sub-ops).
 */
long hc_xen_version(struct hc_call *c)
{
    uint64_t arg = c->arg[1];
    struct hv_platform_parameters pp = {HV_VIRT_START_ADDR};

    switch (c->arg[0]) {
    case HV_VER_version:
        return (IFACE_MAJOR << 16) | IFACE_MINOR;
    case HV_VER_extraversion:
        return put_string(arg, ".0-hearth", HV_VER_EXTRAVERSION_LEN);
    case HV_VER_compile_info:
        return compile_info(arg);
    case HV_VER_capabilities:
        return put_string(arg, "xen-3.0-x86_64 ", HV_VER_CAPABILITIES_LEN);
    case HV_VER_changeset:
        return put_string(arg, "hearth", HV_VER_CHANGESET_LEN);
    case HV_VER_platform_parameters:
        return copy_to_guest(arg, &pp, sizeof(pp)) ? -HV_EFAULT : 0;
    case HV_VER_get_features:
        return get_features(c, arg);
    case HV_VER_pagesize:
        return 4096;
    case HV_VER_guest_handle:
        return put_string(arg, "", HV_VER_GUEST_HANDLE_LEN);
    case HV_VER_commandline:
        if (!c->v->domain->privileged)
            return -HV_EPERM;
        return put_string(arg, boot_cmdline(), HV_VER_COMMANDLINE_LEN);
    case HV_VER_build_id:
        return build_id(arg);
    default:
        return -HV_ENOSYS;
    }
}
