/* tsc.c - TSC frequency from the PIT, and delays built on it. */
#include "arch/arch.h"

#define PIT_HZ 1193182
#define PIT_CH2 0x42
#define PIT_CMD 0x43
#define PIT_GATE 0x61
#define CALIBRATE_MS 50

static uint64_t khz;

/* Count TSC ticks while PIT channel 2 counts down CALIBRATE_MS in one-shot mode. */
static uint64_t tsc_ticks_over_pit_window(void)
{
    uint32_t count = PIT_HZ * CALIBRATE_MS / 1000;
    uint64_t start, end;

    outb(PIT_GATE, (inb(PIT_GATE) & ~0x02) | 0x01); /* gate on, speaker off */
    outb(PIT_CMD, 0xb0);                            /* ch 2, lo/hi, mode 0, binary */
    outb(PIT_CH2, count & 0xff);
    outb(PIT_CH2, count >> 8);
    start = rdtsc();
    /* OUT2 goes high at terminal count. Bounded: a platform without a working PIT channel 2
     * must not hang the boot (about 10 s even at 100 GHz). */
    for (uint64_t spins = 0; !(inb(PIT_GATE) & 0x20); spins++)
        if (spins > 100000000ull)
            return 0;
    end = rdtsc();
    return end - start;
}

uint64_t tsc_calibrate(void)
{
    uint64_t best = ~0ull;

    /* Shortest of three: a run stretched by the host (TCG, a busy machine) only lengthens it. */
    for (int i = 0; i < 3; i++) {
        uint64_t t = tsc_ticks_over_pit_window();

        if (t && t < best)
            best = t;
    }
    if (best == ~0ull)
        panic("tsc: PIT channel 2 never counted down: cannot calibrate the TSC");
    khz = best / CALIBRATE_MS;
    return khz;
}

uint64_t tsc_khz(void)
{
    return khz;
}

void udelay(uint64_t us)
{
    uint64_t start = rdtsc(), ticks = khz ? us * khz / 1000 : us * 3000;

    while (rdtsc() - start < ticks)
        cpu_relax();
}
