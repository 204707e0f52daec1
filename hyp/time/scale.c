/* scale.c - TSC-to-nanosecond scaling in Xen's (mul_frac, shift) form. */
#include "time/scale.h"

#define NS_PER_SEC 1000000000ull

/* Bring the rate into (1e9, 2e9] by shifting, so that mul_frac = 1e9 / rate fits in 32 bits. */
void time_scale_set(struct time_scale *ts, uint64_t ticks_per_sec)
{
    uint64_t tps = ticks_per_sec;
    int shift = 0;

    ASSERT(tps > 0);
    while (tps > 2 * NS_PER_SEC) {
        tps >>= 1;
        shift--;
    }
    while (tps <= NS_PER_SEC) {
        tps <<= 1;
        shift++;
    }
    ts->mul_frac = (uint32_t)((NS_PER_SEC << 32) / tps);
    ts->shift = (int8_t)shift;
}

uint64_t time_scale_delta(const struct time_scale *ts, uint64_t delta)
{
    if (ts->shift < 0)
        delta >>= -ts->shift;
    else
        delta <<= ts->shift;
    return (uint64_t)(((unsigned __int128)delta * ts->mul_frac) >> 32);
}
