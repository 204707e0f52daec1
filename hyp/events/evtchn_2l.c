/* evtchn_2l.c - the 2-level event channel ABI: pending and mask bitmaps in shared_info, the
 * selector word and upcall flag in vcpu_info, all changed with locked bit operations. */
#include "events/evtchn_2l.h"
#include "domain/domain.h"

#define WORD_BITS 64u

BUILD_BUG_ON(HV_EVTCHN_2L_NR_CHANNELS != WORD_BITS * WORD_BITS);
BUILD_BUG_ON(DOM_MAX_VCPUS > HV_LEGACY_MAX_VCPUS); /* every vCPU has a slot in shared_info */

/* Locked bit operations (lock bts/btr, as Xen's guest_test_and_set_bit): each is also a full
 * barrier, which gives the strict order the 2-level protocol needs. */
static bool bit_test_and_set(uint64_t *w, unsigned int bit)
{
    uint64_t m = 1ull << bit;

    return __atomic_fetch_or(w, m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test_and_clear(uint64_t *w, unsigned int bit)
{
    uint64_t m = 1ull << bit;

    return __atomic_fetch_and(w, ~m, __ATOMIC_SEQ_CST) & m;
}

static bool bit_test(const uint64_t *w, unsigned int bit)
{
    return __atomic_load_n(w, __ATOMIC_SEQ_CST) & (1ull << bit);
}

/* Tell the vCPU that word port / 64 has news: selector bit, then the upcall flag (Xen's
 * vcpu_mark_events_pending: only a 0 -> 1 change of the flag needs a kick). */
static unsigned int raise_upcall(struct hv_vcpu_info *vi, uint32_t port)
{
    if (bit_test_and_set(&vi->evtchn_pending_sel, port / WORD_BITS))
        return 0;
    if (__atomic_fetch_or(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST) & 1)
        return 0;
    return EVT_KICK;
}

unsigned int evt_2l_set_pending(struct hv_shared_info *s, struct hv_vcpu_info *vi, uint32_t port)
{
    unsigned int w = port / WORD_BITS, b = port % WORD_BITS;

    ASSERT(port < HV_EVTCHN_2L_NR_CHANNELS);
    if (bit_test_and_set(&s->evtchn_pending[w], b))
        return 0;
    if (bit_test(&s->evtchn_mask[w], b))
        return EVT_NEWLY_PENDING;
    return EVT_NEWLY_PENDING | raise_upcall(vi, port);
}

void evt_2l_clear_pending(struct hv_shared_info *s, uint32_t port)
{
    ASSERT(port < HV_EVTCHN_2L_NR_CHANNELS);
    bit_test_and_clear(&s->evtchn_pending[port / WORD_BITS], port % WORD_BITS);
}

unsigned int evt_2l_unmask(struct hv_shared_info *s, struct hv_vcpu_info *vi, uint32_t port)
{
    unsigned int w = port / WORD_BITS, b = port % WORD_BITS;

    ASSERT(port < HV_EVTCHN_2L_NR_CHANNELS);
    if (!bit_test_and_clear(&s->evtchn_mask[w], b) || !bit_test(&s->evtchn_pending[w], b))
        return 0;
    return raise_upcall(vi, port);
}

bool evt_2l_is_pending(const struct hv_shared_info *s, uint32_t port)
{
    ASSERT(port < HV_EVTCHN_2L_NR_CHANNELS);
    return bit_test(&s->evtchn_pending[port / WORD_BITS], port % WORD_BITS);
}

bool evt_2l_is_masked(const struct hv_shared_info *s, uint32_t port)
{
    ASSERT(port < HV_EVTCHN_2L_NR_CHANNELS);
    return bit_test(&s->evtchn_mask[port / WORD_BITS], port % WORD_BITS);
}

/* ---- the ops table: the same logic on a domain's pages ------------------------------------ */

static struct hv_shared_info *shared_info_of(struct domain *d)
{
    return d->shared_info;
}

/* v's vcpu_info: where the guest registered it, else its slot in shared_info (Xen's default). */
static struct hv_vcpu_info *vcpu_info_of(struct domain *d, struct vcpu *v)
{
    if (v->vcpu_info)
        return v->vcpu_info;
    return &shared_info_of(d)->vcpu_info[v->id];
}

static unsigned int ops_set_pending(struct domain *d, struct vcpu *v, uint32_t port)
{
    return evt_2l_set_pending(shared_info_of(d), vcpu_info_of(d, v), port);
}

static void ops_clear_pending(struct domain *d, uint32_t port)
{
    evt_2l_clear_pending(shared_info_of(d), port);
}

static unsigned int ops_unmask(struct domain *d, struct vcpu *v, uint32_t port)
{
    return evt_2l_unmask(shared_info_of(d), vcpu_info_of(d, v), port);
}

static bool ops_is_pending(struct domain *d, uint32_t port)
{
    return evt_2l_is_pending(shared_info_of(d), port);
}

const struct evt_abi_ops evt_2l_ops = {
    .set_pending = ops_set_pending,
    .clear_pending = ops_clear_pending,
    .unmask = ops_unmask,
    .is_pending = ops_is_pending,
};
