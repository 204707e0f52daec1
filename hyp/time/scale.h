/* scale.h - TSC ticks to nanoseconds with a 32.32 fixed-point factor and a shift, the form Xen
 * publishes to guests in vcpu_time_info (tsc_to_system_mul, tsc_shift). */
#ifndef HYP_TIME_SCALE_H
#define HYP_TIME_SCALE_H

#include "lib/lib.h"

struct time_scale {
    uint32_t mul_frac; /* ns per (shifted) tick, as a fraction of 2^32 */
    int8_t shift;      /* applied to the tick count before multiplying */
};

/* The scale for a clock of ticks_per_sec (> 0) ticks per second. */
void time_scale_set(struct time_scale *ts, uint64_t ticks_per_sec);
/* delta ticks in nanoseconds: ((delta << shift) * mul_frac) >> 32. */
uint64_t time_scale_delta(const struct time_scale *ts, uint64_t delta);

#endif
