/*
 * cpuid: Xen's leaves through the forced-emulation prefix (ud2; "xen"; cpuid), as Linux PV uses.
 */
#include "xtf.h"

const char test_title[] = "cpuid: Xen leaves 0x40000000+ via the forced-emulation prefix";

struct cpuid_res {
    uint32_t a, b, c, d;
};

static struct cpuid_res pv_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_res r;

    __asm__ __volatile__(XEN_EMULATE_PREFIX_ASM "cpuid"
                         : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                         : "a"(leaf), "c"(subleaf));
    return r;
}

static struct cpuid_res native_cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_res r;

    __asm__ __volatile__("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d)
                         : "a"(leaf), "c"(subleaf));
    return r;
}

static void sig_string(const struct cpuid_res *r, char out[13])
{
    memcpy(out, &r->b, 4);
    memcpy(out + 4, &r->c, 4);
    memcpy(out + 8, &r->d, 4);
    out[12] = '\0';
}

void test_main(void)
{
    struct cpuid_res base = pv_cpuid(XEN_CPUID_FIRST_LEAF, 0), ver, native;
    char sig[13];
    long xv;

    sig_string(&base, sig);
    printk("emulated cpuid 0x40000000: eax %#x \"%s\"\n", base.a, sig);
    if (base.b != XEN_CPUID_SIGNATURE_EBX || base.c != XEN_CPUID_SIGNATURE_ECX ||
        base.d != XEN_CPUID_SIGNATURE_EDX)
        xtf_failure("leaf 0x40000000 signature is \"%s\", expected \"XenVMMXenVMM\"", sig);
    /* Linux needs base + 2 (hypercall page MSR leaf) at least. */
    if (base.a < XEN_CPUID_FIRST_LEAF + 2)
        xtf_failure("leaf 0x40000000 eax %#x: max leaf below 0x40000002", base.a);

    ver = pv_cpuid(XEN_CPUID_FIRST_LEAF + 1, 0);
    xv = hc_xen_version(XENVER_version, NULL);
    printk("emulated cpuid 0x40000001: eax %#x; XENVER_version %#lx\n", ver.a, xv);
    if (ver.a != (uint32_t)xv)
        xtf_failure("leaf 0x40000001 eax %#x differs from XENVER_version %#lx", ver.a, xv);

    native = native_cpuid(XEN_CPUID_FIRST_LEAF, 0);
    sig_string(&native, sig);
    printk("native cpuid 0x40000000 (informational): eax %#x \"%s\"\n", native.a, sig);
    xtf_success();
}
