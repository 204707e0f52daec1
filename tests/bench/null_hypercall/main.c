/*
 * null_hypercall: the cost of the cheapest round trip into the hypervisor and back,
 * xen_version(XENVER_version, NULL), measured with the TSC from the guest kernel (ring 3), both
 * through the hypercall page and with a bare syscall. Prints one line per figure:
 * "bench <name> median=<cycles> cycles n=<samples>" (each sample is the mean of a batch).
 */
#include "xtf.h"

const char test_title[] = "bench null_hypercall: xen_version(0) round trip";

#define BATCHES 101
#define PER_BATCH 200

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

static long bare_xen_version(void)
{
    long rax = XEN_HC_xen_version;

    __asm__ volatile("syscall" : "+a"(rax) : "D"(0ul), "S"(0ul) : "rcx", "r11", "memory");
    return rax;
}

static void sort(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];

            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

static void measure(const char *name, bool bare)
{
    static uint64_t samples[BATCHES];

    for (unsigned int b = 0; b < BATCHES; b++) {
        uint64_t t0 = rdtsc();

        for (unsigned int i = 0; i < PER_BATCH; i++)
            (void)(bare ? bare_xen_version() : hc_xen_version(XENVER_version, NULL));
        samples[b] = (rdtsc() - t0) / PER_BATCH;
    }
    sort(samples, BATCHES);
    printk("bench %s median=%lu cycles n=%u\n", name, (unsigned long)samples[BATCHES / 2],
           BATCHES);
}

void test_main(void)
{
    measure("hypercall_null_page", false);
    measure("hypercall_null_syscall", true);
    xtf_success();
}
