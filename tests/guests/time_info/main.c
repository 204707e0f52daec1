/*
 * time_info: the time a PV guest reads without a hypercall.
 * - vCPU 0's vcpu_time_info is valid at the first instruction: even version, a TSC scale
 *   (mul != 0) that gives a TSC rate between 100 MHz and 20 GHz.
 * - System time computed from it (Xen's formula) never goes back over 200,000 reads and
 *   advances with the TSC.
 * - It is republished while the guest runs (within 3 s, as Xen's 1 s calibration does), and a
 *   new publication agrees with the old one's extrapolation within 1 ms: no jumps.
 * - The wall clock in shared_info (wc_sec_hi:wc_sec + wc_nsec at system time 0) plus system
 *   time is a date between 2024 and 2100, published under an even wc_version.
 */
#include "xtf.h"

const char test_title[] = "time_info: vcpu_time_info and wall clock in shared_info";

/* vcpu_time_info (xen.h): 32 bytes at offset 32 of vcpu_info. */
struct time_info {
    uint32_t version;
    uint32_t pad0;
    uint64_t tsc_timestamp;
    uint64_t system_time;
    uint32_t tsc_to_system_mul;
    int8_t tsc_shift;
    uint8_t flags;
    uint8_t pad1[2];
};
_Static_assert(sizeof(struct time_info) == 32, "vcpu_time_info size");

/* Wall clock in shared_info (xen.h): wc_version at 3072, wc_sec, wc_nsec, wc_sec_hi. */
#define WC_OFFSET 3072
struct wall_clock {
    uint32_t version;
    uint32_t sec;
    uint32_t nsec;
    uint32_t sec_hi;
};

#define NS_PER_S 1000000000ull
#define READS 200000
#define Y2024 1704067200ull     /* 2024-01-01T00:00:00Z */
#define Y2100 4102444800ull     /* 2100-01-01T00:00:00Z */

static const volatile struct time_info *ti;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

/* A consistent copy of the published fields (the odd/even protocol). */
static struct time_info snapshot(void)
{
    struct time_info t;
    uint32_t v;

    do {
        while ((v = ti->version) & 1)
            ;
        __asm__ volatile("" ::: "memory");
        t.version = v;
        t.tsc_timestamp = ti->tsc_timestamp;
        t.system_time = ti->system_time;
        t.tsc_to_system_mul = ti->tsc_to_system_mul;
        t.tsc_shift = ti->tsc_shift;
        t.flags = ti->flags;
        __asm__ volatile("" ::: "memory");
    } while (ti->version != v);
    return t;
}

/* Xen's formula: system time at tsc from the publication t. */
static uint64_t system_time_at(const struct time_info *t, uint64_t tsc)
{
    uint64_t delta = tsc - t->tsc_timestamp;

    if (t->tsc_shift < 0)
        delta >>= -t->tsc_shift;
    else
        delta <<= t->tsc_shift;
    return t->system_time + (uint64_t)(((unsigned __int128)delta * t->tsc_to_system_mul) >> 32);
}

static uint64_t now(void)
{
    struct time_info t = snapshot();

    return system_time_at(&t, rdtsc());
}

static uint64_t tsc_khz(const struct time_info *t)
{
    uint64_t khz = (1000000ull << 32) / t->tsc_to_system_mul;

    return t->tsc_shift < 0 ? khz << -t->tsc_shift : khz >> t->tsc_shift;
}

/* The publication at the first instruction; false if it has no scale (nothing else to test). */
static bool check_first(void)
{
    struct time_info t = snapshot();

    printk("vcpu_time_info: version %u, tsc %#lx, system time %lu ns, mul %#x shift %d, "
           "flags %#x\n", t.version, (unsigned long)t.tsc_timestamp,
           (unsigned long)t.system_time, t.tsc_to_system_mul, t.tsc_shift, t.flags);
    if (!t.tsc_to_system_mul) {
        xtf_failure("vcpu_time_info has no TSC scale (mul 0)");
        return false;
    }
    printk("TSC rate: %lu kHz\n", (unsigned long)tsc_khz(&t));
    if (tsc_khz(&t) < 100000 || tsc_khz(&t) > 20000000)
        xtf_failure("TSC rate %lu kHz is not between 100 MHz and 20 GHz",
                    (unsigned long)tsc_khz(&t));
    return true;
}

static void check_monotonic(void)
{
    uint64_t prev = now(), first = prev, tsc0 = rdtsc(), t;

    for (unsigned int i = 0; i < READS; i++) {
        t = now();
        if (t < prev) {
            xtf_failure("system time went back: %lu after %lu (read %u)", (unsigned long)t,
                        (unsigned long)prev, i);
            return;
        }
        prev = t;
    }
    printk("%u reads: %lu ns, %lu TSC ticks\n", READS, (unsigned long)(prev - first),
           (unsigned long)(rdtsc() - tsc0));
    if (prev == first)
        xtf_failure("system time did not advance over %u reads", READS);
}

/* Wait (spinning, up to 3 s of system time) for a new publication; compare it with the old. */
static void check_refresh(void)
{
    struct time_info old = snapshot(), cur = old;
    uint64_t start = now(), drift;

    while (cur.version == old.version && now() - start < 3 * NS_PER_S)
        cur = snapshot();
    if (cur.version == old.version) {
        xtf_failure("vcpu_time_info was not republished within 3 s (version %u)", old.version);
        return;
    }
    drift = system_time_at(&old, cur.tsc_timestamp) > cur.system_time
                ? system_time_at(&old, cur.tsc_timestamp) - cur.system_time
                : cur.system_time - system_time_at(&old, cur.tsc_timestamp);
    printk("republished after %lu ms: version %u -> %u, drift %lu ns\n",
           (unsigned long)((now() - start) / 1000000), old.version, cur.version,
           (unsigned long)drift);
    if (drift > 1000000)
        xtf_failure("the new publication is %lu ns off the old one's extrapolation",
                    (unsigned long)drift);
}

static void check_wallclock(const volatile void *shared_info)
{
    const volatile struct wall_clock *wc =
        (const volatile struct wall_clock *)((const volatile uint8_t *)shared_info + WC_OFFSET);
    uint64_t sec, nsec, wall;
    uint32_t v;

    do {
        while ((v = wc->version) & 1)
            ;
        sec = ((uint64_t)wc->sec_hi << 32) | wc->sec;
        nsec = wc->nsec;
    } while (wc->version != v);
    wall = sec + (nsec + now()) / NS_PER_S;
    printk("wall clock: base %lu.%09lu (version %u), now %lu s since the epoch\n",
           (unsigned long)sec, (unsigned long)nsec, v, (unsigned long)wall);
    if (nsec >= NS_PER_S)
        xtf_failure("wc_nsec %lu is not below 10^9", (unsigned long)nsec);
    if (wall < Y2024 || wall >= Y2100)
        xtf_failure("wall clock %lu s is not between 2024 and 2100", (unsigned long)wall);
}

void test_main(void)
{
    long rc;
    struct shared_info_head *si = xtf_map_shared_info(&rc);

    if (!si)
        xtf_panic("mapping shared_info: %ld", rc);
    ti = (const volatile struct time_info *)si->vcpu_info[0].time;
    if (!check_first())
        return;
    check_monotonic();
    check_refresh();
    check_wallclock(si);
    xtf_success();
}
