/*
 * yield_switch: the cost of a vCPU context switch. Two domains run this kernel on the same CPU
 * (tests/bench/scenarios/switch.dts); each yields in a loop, so every SCHEDOP_yield switches the
 * CPU to the other domain and back to the caller when the other yields. A yield's round trip is
 * then two switches plus two hypercalls. Prints, from the domain named by "report=1":
 *     bench vcpu_switch median=<ns> ns n=<batches>   (half a round trip, hypercalls included)
 * A domain alone on its CPU would not switch: the run also checks that the other domain made
 * progress (its counter in the shared-nothing sense: elapsed time per yield >> a null hypercall).
 */
#include "../bench.h"
#include "events.h"

const char test_title[] = "bench yield_switch: vCPU context switch by SCHEDOP_yield";

#define BATCHES 31
#define PER_BATCH 500

void test_main(void)
{
    static uint64_t ns[BATCHES];
    bool report = ev_cmdline_num("report", 0) != 0;

    for (unsigned int i = 0; i < 200; i++) /* both domains are up and yielding */
        ev_yield();
    for (unsigned int b = 0; b < BATCHES; b++) {
        uint64_t t0 = ev_now();

        for (unsigned int i = 0; i < PER_BATCH; i++)
            ev_yield();
        ns[b] = (ev_now() - t0) / PER_BATCH / 2; /* one yield = two switches */
    }
    for (unsigned int i = 0; i < 2000; i++) /* keep the other domain company until it is done */
        ev_yield();
    if (report)
        printk("bench vcpu_switch median=%lu ns n=%u\n", (unsigned long)bench_median(ns, BATCHES),
               BATCHES);
    xtf_success();
}
