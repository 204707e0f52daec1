/*
 * Helpers shared by benchmark kernels: TSC reads, medians, TSC-to-nanosecond conversion through
 * the hypervisor's vcpu_time_info, and the one output format that run-bench.sh extracts:
 *     bench <name> median=<value> <unit> n=<samples>
 */
#ifndef TESTS_BENCH_BENCH_H
#define TESTS_BENCH_BENCH_H

#include "xtf.h"

static inline uint64_t bench_rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* Sort v[0..n) in place (insertion sort: n is a few hundred at most) and return the median. */
static inline uint64_t bench_median(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];

            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    return v[n / 2];
}

/* vcpu_time_info (xen.h): 32 bytes at offset 32 of vcpu_info. */
struct bench_vcpu_time {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;     /* ns = ((tsc << shift) * mul) >> 32 */
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct bench_vcpu_time) == 32, "vcpu_time_info size");

/* The TSC scale: filled by bench_tsc_init(); mul 0 = unknown. */
struct bench_tsc_scale {
    uint32_t mul;
    int8_t shift;
};

/*
 * Read vCPU 0's TSC scale from shared_info (mapping it with xtf_map_shared_info()). Leaves
 * mul 0, and says so, when the hypervisor publishes none.
 */
static inline void bench_tsc_init(struct bench_tsc_scale *s)
{
    long rc;
    struct shared_info_head *si = xtf_map_shared_info(&rc);
    const volatile struct bench_vcpu_time *t;

    s->mul = 0;
    s->shift = 0;
    if (!si) {
        printk("bench: mapping shared_info failed (%ld): no TSC scale, no rates\n", rc);
        return;
    }
    t = (const volatile struct bench_vcpu_time *)si->vcpu_info[0].time;
    s->mul = t->tsc_to_system_mul;
    s->shift = t->tsc_shift;
    if (!s->mul)
        printk("bench: vcpu_time_info has no TSC scale: no rates\n");
    else
        printk("bench: TSC scale mul %#x shift %d (about %lu kHz)\n", s->mul, s->shift,
               (unsigned long)((((1000000ull << 32) / s->mul) >> (s->shift > 0 ? s->shift : 0))
                               << (s->shift < 0 ? -s->shift : 0)));
}

/* TSC ticks to nanoseconds (Xen's formula), 0 when the scale is unknown. */
static inline uint64_t bench_tsc_to_ns(const struct bench_tsc_scale *s, uint64_t tsc)
{
    if (s->shift >= 0)
        tsc <<= s->shift;
    else
        tsc >>= -s->shift;
    return (uint64_t)(((unsigned __int128)tsc * s->mul) >> 32);
}

static inline void bench_print(const char *name, uint64_t value, const char *unit,
                               unsigned int n)
{
    printk("bench %s median=%lu %s n=%u\n", name, (unsigned long)value, unit, n);
}

/* A ratio given in hundredths, printed with two decimals. */
static inline void bench_print_ratio(const char *name, uint64_t hundredths, unsigned int n)
{
    printk("bench %s median=%lu.%02lu x n=%u\n", name, (unsigned long)(hundredths / 100),
           (unsigned long)(hundredths % 100), n);
}

#endif /* TESTS_BENCH_BENCH_H */
