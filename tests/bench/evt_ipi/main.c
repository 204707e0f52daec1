/*
 * evt_ipi: the round trip of an IPI event channel between two vCPUs of one domain (dom0 with two
 * vCPUs: Hearth's dom0_max_vcpus=2, Xen's default on a 2-CPU machine). vCPU 0 sends on its
 * port to vCPU 1, which waits with SCHEDOP_poll and answers on vCPU 0's port; both ports are
 * masked, so no upcall runs. Prints "bench evt_ipi_rtt median=<ns> ns n=<batches>" (each sample
 * is the mean of a batch of round trips, from the guest's system time), then the same in cycles.
 */
#include "../bench.h"
#include "events.h"

const char test_title[] = "bench evt_ipi: IPI event round trip between two vCPUs of dom0";

#define BATCHES 31
#define PER_BATCH 200

static uint8_t stack1[16384] __attribute__((aligned(16)));
static evtchn_port_t port_to0, port_to1;
static volatile bool stop;

/* vCPU 1: answer every event until told to stop. */
static void responder(unsigned int vcpu, void *arg __attribute__((unused)))
{
    while (!stop) {
        if (!ev_wait(port_to1, 0))
            continue;
        ev_send(port_to0);
    }
    ev_vcpu_down_self(vcpu);
}

static bool round_trip(void)
{
    long rc = ev_send(port_to1);

    if (rc) {
        xtf_failure("send to vCPU 1: %ld", rc);
        return false;
    }
    if (!ev_wait(port_to0, ev_now() + 1000000000ull)) {
        xtf_failure("vCPU 1 did not answer within 1 s");
        return false;
    }
    return true;
}

void test_main(void)
{
    static uint64_t ns[BATCHES], cycles[BATCHES];
    const char *what = "";
    long rc;

    if ((rc = ev_bind_ipi(0, &port_to0)) || (rc = ev_bind_ipi(1, &port_to1))) {
        xtf_error("bind_ipi: %ld (dom0 needs two vCPUs: dom0_max_vcpus=2)", rc);
        return;
    }
    ev_mask(port_to0);
    ev_mask(port_to1);
    if ((rc = ev_vcpu_start(1, responder, NULL, stack1, sizeof(stack1), &what))) {
        xtf_error("starting vCPU 1: %s returned %ld", what, rc);
        return;
    }
    for (unsigned int i = 0; i < 100; i++) /* warm-up */
        if (!round_trip())
            return;
    for (unsigned int b = 0; b < BATCHES; b++) {
        uint64_t t0 = ev_now(), c0 = bench_rdtsc();

        for (unsigned int i = 0; i < PER_BATCH; i++)
            if (!round_trip())
                return;
        cycles[b] = (bench_rdtsc() - c0) / PER_BATCH;
        ns[b] = (ev_now() - t0) / PER_BATCH;
    }
    stop = true;
    ev_send(port_to1);
    printk("bench evt_ipi_rtt median=%lu ns n=%u\n", (unsigned long)bench_median(ns, BATCHES),
           BATCHES);
    printk("bench evt_ipi_rtt_cycles median=%lu cycles n=%u\n",
           (unsigned long)bench_median(cycles, BATCHES), BATCHES);
    xtf_success();
}
