/*
 * xen_version: the sub-ops every PV kernel asks for, and an unknown sub-op's error.
 */
#include "xtf.h"

const char test_title[] = "xen_version: version, extraversion, capabilities, features, pagesize";

/* Xen 4.17 defines sub-ops 0-10; this one does not exist. */
#define XENVER_INVALID 0x7f

static void check_version(void)
{
    long v = hc_xen_version(XENVER_version, NULL);
    char extra[XEN_EXTRAVERSION_LEN + 1] = { 0 };
    long rc = hc_xen_version(XENVER_extraversion, extra);

    printk("XENVER_version: %#lx (%ld.%ld)\n", v, v >> 16, v & 0xffff);
    if (v < 0 || (v >> 16) < 3)
        xtf_failure("XENVER_version returned %#lx, expected major >= 3", v);
    if (rc != 0)
        xtf_failure("XENVER_extraversion returned %ld", rc);
    else
        printk("XENVER_extraversion: \"%s\"\n", extra);
}

static void check_capabilities(void)
{
    static char caps[XEN_CAPABILITIES_LEN + 1];
    long rc = hc_xen_version(XENVER_capabilities, caps);

    if (rc != 0) {
        xtf_failure("XENVER_capabilities returned %ld", rc);
        return;
    }
    printk("XENVER_capabilities: \"%s\"\n", caps);
    if (!strstr(caps, "xen-3.0-x86_64"))
        xtf_failure("capabilities \"%s\" lack \"xen-3.0-x86_64\"", caps);
}

static void check_features(void)
{
    struct xen_feature_info fi = { .submap_idx = 0, .submap = 0xdeadbeef };
    long rc = hc_xen_version(XENVER_get_features, &fi);

    if (rc != 0) {
        xtf_failure("XENVER_get_features(0) returned %ld", rc);
        return;
    }
    printk("XENVER_get_features(0): %#x\n", fi.submap);
    /* Linux PV panics without 5 and 7; 2 (auto-translated) is never given to a PV guest. */
    if (!(fi.submap & (1u << XENFEAT_mmu_pt_update_preserve_ad)))
        xtf_failure("feature mmu_pt_update_preserve_ad (5) missing from %#x", fi.submap);
    if (!(fi.submap & (1u << XENFEAT_gnttab_map_avail_bits)))
        xtf_failure("feature gnttab_map_avail_bits (7) missing from %#x", fi.submap);
    if (fi.submap & (1u << XENFEAT_auto_translated_physmap))
        xtf_failure("feature auto_translated_physmap (2) reported to a PV guest: %#x", fi.submap);

    /* Xen has one submap (XENFEAT_NR_SUBMAPS 1): index 1 is refused, the output untouched. */
    fi = (struct xen_feature_info){ .submap_idx = 1, .submap = 0xdeadbeef };
    rc = hc_xen_version(XENVER_get_features, &fi);
    printk("XENVER_get_features(1): %ld\n", rc);
    if (rc != -XEN_EINVAL || fi.submap != 0xdeadbeef)
        xtf_failure("XENVER_get_features(1) returned %ld, submap %#x; expected -EINVAL (%d), "
                    "submap untouched", rc, fi.submap, -XEN_EINVAL);
}

static void check_pagesize_and_invalid(void)
{
    long rc = hc_xen_version(XENVER_pagesize, NULL);

    printk("XENVER_pagesize: %ld\n", rc);
    if (rc != 4096)
        xtf_failure("XENVER_pagesize returned %ld, expected 4096", rc);

    rc = hc_xen_version(XENVER_INVALID, NULL);
    printk("XENVER %#x (undefined): %ld\n", XENVER_INVALID, rc);
    if (rc != -XEN_ENOSYS)
        xtf_failure("undefined sub-op %#x returned %ld, expected -ENOSYS (%d)", XENVER_INVALID,
                    rc, -XEN_ENOSYS);
}

void test_main(void)
{
    check_version();
    check_capabilities();
    check_features();
    check_pagesize_and_invalid();
    xtf_success();
}
