/*
 * evt_upcall: event delivery by upcall into the guest's event callback (2-level ABI).
 * - An IPI event to itself on an unmasked port enters the event callback before the guest's
 *   next instruction, with events masked inside it; the selector and upcall-pending flag are
 *   set as the 2-level ABI says; HYPERVISOR_iret unmasks again.
 * - A masked port (evtchn_mask) or a masked vCPU (evtchn_upcall_mask) delivers nothing; unmask
 *   (EVTCHNOP_unmask) re-raises what is pending.
 * - SCHEDOP_block sleeps until VIRQ_TIMER (set_timer_op) wakes it through an upcall.
 * - VCPUOP_register_vcpu_info moves vcpu_info into a page of the guest: hostile arguments are
 *   refused (-ENXIO: struct crossing the page end; -EINVAL: a frame not the guest's, a second
 *   registration), and upcalls then use the new vcpu_info. rsvd is ignored, as on Xen.
 */
#include "events.h"
#include "xtf.h"

const char test_title[] = "evt_upcall: upcalls into the event callback, block, register_vcpu_info";

#define VCPUOP_register_vcpu_info 10
struct vcpu_register_vcpu_info {
    uint64_t mfn;
    uint32_t offset;
    uint32_t rsvd;
};
_Static_assert(sizeof(struct vcpu_register_vcpu_info) == 16, "register_vcpu_info size");

/* The event callback: rcx and r11 on top of an iret frame; back through HYPERVISOR_iret. */
__asm__(".pushsection .text\n"
        ".globl evt_entry\n"
        "evt_entry:\n\t"
        "popq %rcx\n\t"
        "popq %r11\n\t"
        "pushq %rax; pushq %rbx; pushq %rcx; pushq %rdx; pushq %rsi; pushq %rdi; pushq %rbp\n\t"
        "pushq %r8; pushq %r9; pushq %r10; pushq %r11; pushq %r12; pushq %r13; pushq %r14\n\t"
        "pushq %r15\n\t"
        "movq %rsp, %rbx\n\t"
        "andq $-16, %rsp\n\t"
        "cld\n\t"
        "call evt_upcall\n\t"
        "movq %rbx, %rsp\n\t"
        "popq %r15; popq %r14; popq %r13; popq %r12; popq %r11; popq %r10; popq %r9\n\t"
        "popq %r8; popq %rbp; popq %rdi; popq %rsi; popq %rdx; popq %rcx; popq %rbx\n\t"
        "popq %rax\n\t"
        "pushq $0\n\t"
        "jmp hypercall_page + " HC_STR(XEN_HC_iret) " * " HC_STR(XEN_HYPERCALL_STUB_SIZE) "\n"
        ".popsection\n");
void evt_entry(void);
void evt_upcall(void);

static volatile struct vcpu_info *vi;   /* vCPU 0's, wherever it lives now */
static volatile unsigned long upcalls, hits[64];
static volatile uint8_t mask_seen;      /* evtchn_upcall_mask inside the callback */
static uint8_t vi_page[4096] __attribute__((aligned(4096)));

/* The 2-level scan: upcall flag, selector word, pending & ~mask; count and clear each port. */
void evt_upcall(void)
{
    volatile uint64_t *pending = (volatile uint64_t *)(ev_shared_info() + 2048);
    volatile uint64_t *mask = (volatile uint64_t *)(ev_shared_info() + 2560);
    uint64_t sel;

    upcalls++;
    mask_seen = vi->evtchn_upcall_mask;
    vi->evtchn_upcall_pending = 0;
    sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
    for (unsigned int w = 0; w < 64; w++) {
        uint64_t bits;

        if (!(sel & (1ull << w)))
            continue;
        bits = pending[w] & ~mask[w];
        for (unsigned int b = 0; b < 64; b++)
            if (bits & (1ull << b)) {
                __atomic_fetch_and(&pending[w], ~(1ull << b), __ATOMIC_SEQ_CST);
                if (w == 0)
                    hits[b]++;
            }
    }
}

static bool expect(bool ok, const char *what)
{
    if (!ok)
        xtf_failure("%s", what);
    return ok;
}

/* Send on port with events in the given state; true if exactly `want` upcalls followed. */
static bool send_counts(evtchn_port_t port, unsigned long want, const char *what)
{
    unsigned long before = upcalls;
    long rc = ev_send(port);

    if (rc) {
        xtf_failure("%s: send returned %ld", what, rc);
        return false;
    }
    if (upcalls - before != want) {
        xtf_failure("%s: %lu upcalls, expected %lu", what, upcalls - before, want);
        return false;
    }
    return true;
}

static bool test_ipi(evtchn_port_t port)
{
    if (!send_counts(port, 1, "IPI to self, unmasked"))
        return false;
    if (!expect(hits[port] == 1 && mask_seen == 1 && vi->evtchn_upcall_mask == 0,
                "callback ran with events masked, once, and iret unmasked them"))
        return false;
    ev_mask(port);
    if (!send_counts(port, 0, "masked port") || !expect(ev_is_pending(port), "masked: pending"))
        return false;
    ev_unmask(port); /* EVTCHNOP_unmask re-raises the pending event */
    if (!expect(upcalls == 2 && hits[port] == 2, "unmask re-raised the pending event"))
        return false;
    vi->evtchn_upcall_mask = 1;
    if (!send_counts(port, 0, "vCPU masked"))
        return false;
    vi->evtchn_upcall_mask = 0;
    ev_yield(); /* any hypercall: the way back delivers what became deliverable */
    return expect(upcalls == 3 && hits[port] == 3, "pending upcall delivered after unmasking");
}

static bool test_block(void)
{
    evtchn_port_t timer;
    unsigned long before;
    uint64_t deadline;
    long rc = ev_bind_virq(VIRQ_TIMER, 0, &timer);

    if (rc) {
        xtf_failure("bind_virq(TIMER): %ld", rc);
        return false;
    }
    ev_clear_mask(timer);
    before = hits[timer];
    deadline = ev_now() + 5000000;
    hc_set_timer_op(deadline);
    vi->evtchn_upcall_mask = 1; /* block unmasks, as Xen's SCHEDOP_block does */
    rc = ev_block();
    if (!expect(rc == 0 && hits[timer] == before + 1, "block woken by VIRQ_TIMER's upcall"))
        return false;
    return expect(ev_now() >= deadline, "not woken before the deadline");
}

static bool test_register(evtchn_port_t port)
{
    struct vcpu_register_vcpu_info r = {xtf_virt_to_mfn(vi_page), 4096 - 32, 0};
    long rc = hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);

    if (rc != -6) { /* ENXIO, as Xen's map_vcpu_info */
        xtf_failure("register_vcpu_info crossing the page end: %ld, expected -ENXIO", rc);
        return false;
    }
    r.offset = 128;
    r.mfn = 0;
    if (!expect(hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == -XEN_EINVAL,
                "register_vcpu_info of a frame not the guest's: -EINVAL"))
        return false;
    r.mfn = xtf_virt_to_mfn(vi_page);
    vi->evtchn_upcall_mask = 1; /* the moved copy starts masked; the rescan is then ours */
    rc = hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
    if (rc) {
        xtf_failure("register_vcpu_info: %ld", rc);
        return false;
    }
    vi = (volatile struct vcpu_info *)(vi_page + 128);
    if (!expect(vi->evtchn_upcall_pending == 1 && vi->evtchn_pending_sel == ~0ull &&
                    vi->evtchn_upcall_mask == 1,
                "the new vcpu_info: everything pending once, mask carried over"))
        return false;
    vi->evtchn_upcall_mask = 0;
    ev_yield(); /* the forced rescan */
    if (!expect(hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == -XEN_EINVAL,
                "a second register_vcpu_info: -EINVAL"))
        return false;
    return send_counts(port, 1, "IPI through the registered vcpu_info") &&
           expect(mask_seen == 1, "masked inside the callback (new vcpu_info)");
}

void test_main(void)
{
    struct shared_info_head *sh;
    evtchn_port_t port;
    long rc;

    sh = (struct shared_info_head *)ev_shared_info();
    vi = &sh->vcpu_info[0];
    vi->evtchn_upcall_mask = 1;
    rc = hc_set_callbacks((unsigned long)evt_entry, 0, 0);
    if (rc) {
        xtf_error("set_callbacks: %ld", rc);
        return;
    }
    if ((rc = ev_bind_ipi(0, &port))) {
        xtf_error("bind_ipi: %ld", rc);
        return;
    }
    ev_clear_mask(port);
    vi->evtchn_upcall_mask = 0;
    if (!test_ipi(port) || !test_block() || !test_register(port))
        return;
    printk("%lu upcalls\n", upcalls);
    xtf_success();
}
