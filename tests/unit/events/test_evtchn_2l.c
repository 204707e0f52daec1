/* test_evtchn_2l.c - unit tests of the 2-level event channel logic (hyp/events/evtchn_2l.c):
 * which bits of shared_info and vcpu_info each operation changes, and what it asks the caller. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "domain/domain.h"
#include "events/evtchn_2l.h"
#include "support.h"

static struct hv_shared_info *sh;   /* the page under test */
static struct hv_shared_info *want; /* what it must look like afterwards */
static struct hv_vcpu_info *vi;     /* vCPU 0's vcpu_info in sh */

static void setup(void)
{
    sh = aligned_alloc(4096, 4096);
    want = aligned_alloc(4096, 4096);
    ck_assert_ptr_nonnull(sh);
    ck_assert_ptr_nonnull(want);
    memset(sh, 0, 4096);
    vi = &sh->vcpu_info[0];
    support_reset();
}

static void teardown(void)
{
    free(sh);
    free(want);
}

static void set_bit64(uint64_t *w, uint32_t bit)
{
    w[bit / 64] |= 1ull << (bit % 64);
}

static void clear_bit64(uint64_t *w, uint32_t bit)
{
    w[bit / 64] &= ~(1ull << (bit % 64));
}

/* Ports at word edges: first usable, last of word 0, first and second of word 1, the last. */
static const uint32_t ports[] = { 1, 63, 64, 65, 127, 2048, 4032, 4095 };
#define NR_PORTS ARRAY_SIZE(ports)

/* ---- set_pending -------------------------------------------------------------------------- */

/* The state before, and what set_pending must do (bits of the port's own word and selector). */
struct pending_case {
    const char *what;
    bool pending, masked, sel, upcall; /* before */
    unsigned int flags;                /* returned */
    bool want_sel, want_upcall;        /* after (pending is always set after) */
};

static const struct pending_case pending_cases[] = {
    { "clear", false, false, false, false, EVT_NEWLY_PENDING | EVT_KICK, true, true },
    { "already pending", true, false, false, false, 0, false, false },
    { "masked", false, true, false, false, EVT_NEWLY_PENDING, false, false },
    { "masked, already pending", true, true, false, false, 0, false, false },
    { "selector already set", false, false, true, false, EVT_NEWLY_PENDING, true, false },
    { "upcall already pending", false, false, false, true, EVT_NEWLY_PENDING, true, true },
    { "selector and upcall set", false, false, true, true, EVT_NEWLY_PENDING, true, true },
};

START_TEST(test_set_pending)
{
    const struct pending_case *c = &pending_cases[_i / NR_PORTS];
    uint32_t port = ports[_i % NR_PORTS];
    unsigned int flags;

    if (c->pending)
        set_bit64(sh->evtchn_pending, port);
    if (c->masked)
        set_bit64(sh->evtchn_mask, port);
    if (c->sel)
        vi->evtchn_pending_sel = 1ull << (port / 64);
    vi->evtchn_upcall_pending = c->upcall;
    memcpy(want, sh, 4096);
    set_bit64(want->evtchn_pending, port);
    if (c->want_sel)
        want->vcpu_info[0].evtchn_pending_sel = 1ull << (port / 64);
    want->vcpu_info[0].evtchn_upcall_pending = c->want_upcall;

    flags = evt_2l_set_pending(sh, vi, port);
    ck_assert_msg(flags == c->flags, "%s, port %u: flags %u, want %u", c->what, port, flags,
                  c->flags);
    ck_assert_msg(memcmp(sh, want, 4096) == 0, "%s, port %u: wrong bits", c->what, port);
    ck_assert(evt_2l_is_pending(sh, port));
}
END_TEST

/* The selector bit is port / 64, and only that one: all 64 words in turn. */
START_TEST(test_selector_index)
{
    for (uint32_t w = 0; w < 64; w++) {
        uint32_t port = w * 64 + (w * 7) % 64;

        if (port == 0)
            port = 1;
        memset(sh, 0, 4096);
        ck_assert_uint_eq(evt_2l_set_pending(sh, vi, port), EVT_NEWLY_PENDING | EVT_KICK);
        ck_assert_uint_eq(vi->evtchn_pending_sel, 1ull << w);
        ck_assert_uint_eq(sh->evtchn_pending[w], 1ull << (port % 64));
        for (uint32_t o = 0; o < 64; o++)
            if (o != w)
                ck_assert_uint_eq(sh->evtchn_pending[o], 0);
    }
}
END_TEST

/* ---- unmask ------------------------------------------------------------------------------- */

struct unmask_case {
    const char *what;
    bool pending, masked, sel, upcall;
    unsigned int flags;
    bool want_sel, want_upcall; /* after (mask is always clear after) */
};

static const struct unmask_case unmask_cases[] = {
    { "masked and pending", true, true, false, false, EVT_KICK, true, true },
    { "masked, not pending", false, true, false, false, 0, false, false },
    /* Xen acts only on a set mask bit (test_and_clear): nothing to re-raise otherwise. */
    { "not masked, pending", true, false, false, false, 0, false, false },
    { "not masked, not pending", false, false, false, false, 0, false, false },
    { "masked, pending, selector set", true, true, true, false, 0, true, false },
    { "masked, pending, upcall pending", true, true, false, true, 0, true, true },
};

START_TEST(test_unmask)
{
    const struct unmask_case *c = &unmask_cases[_i / NR_PORTS];
    uint32_t port = ports[_i % NR_PORTS];
    unsigned int flags;

    if (c->pending)
        set_bit64(sh->evtchn_pending, port);
    if (c->masked)
        set_bit64(sh->evtchn_mask, port);
    if (c->sel)
        vi->evtchn_pending_sel = 1ull << (port / 64);
    vi->evtchn_upcall_pending = c->upcall;
    memcpy(want, sh, 4096);
    clear_bit64(want->evtchn_mask, port);
    if (c->want_sel)
        want->vcpu_info[0].evtchn_pending_sel = 1ull << (port / 64);
    want->vcpu_info[0].evtchn_upcall_pending = c->want_upcall;

    flags = evt_2l_unmask(sh, vi, port);
    ck_assert_msg(flags == c->flags, "%s, port %u: flags %u, want %u", c->what, port, flags,
                  c->flags);
    ck_assert_msg(memcmp(sh, want, 4096) == 0, "%s, port %u: wrong bits", c->what, port);
    ck_assert(!evt_2l_is_masked(sh, port));
}
END_TEST

/* Mask, send (pending, no upcall), unmask (the upcall comes now): the guest's usual sequence. */
START_TEST(test_mask_then_unmask)
{
    set_bit64(sh->evtchn_mask, 70);
    ck_assert(evt_2l_is_masked(sh, 70));
    ck_assert_uint_eq(evt_2l_set_pending(sh, vi, 70), EVT_NEWLY_PENDING);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
    ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
    ck_assert_uint_eq(evt_2l_unmask(sh, vi, 70), EVT_KICK);
    ck_assert_uint_eq(vi->evtchn_pending_sel, 1ull << 1);
    ck_assert_uint_eq(vi->evtchn_upcall_pending, 1);
}
END_TEST

/* ---- the rest ----------------------------------------------------------------------------- */

START_TEST(test_clear_pending)
{
    for (size_t i = 0; i < NR_PORTS; i++) {
        memset(sh, 0xff, 4096);
        memcpy(want, sh, 4096);
        clear_bit64(want->evtchn_pending, ports[i]);
        evt_2l_clear_pending(sh, ports[i]);
        ck_assert(!evt_2l_is_pending(sh, ports[i]));
        ck_assert_msg(memcmp(sh, want, 4096) == 0, "port %u: other bits changed", ports[i]);
        evt_2l_clear_pending(sh, ports[i]); /* clearing twice is harmless */
        ck_assert(!evt_2l_is_pending(sh, ports[i]));
    }
}
END_TEST

START_TEST(test_predicates)
{
    for (size_t i = 0; i < NR_PORTS; i++) {
        memset(sh, 0, 4096);
        ck_assert(!evt_2l_is_pending(sh, ports[i]));
        ck_assert(!evt_2l_is_masked(sh, ports[i]));
        set_bit64(sh->evtchn_pending, ports[i]);
        ck_assert(evt_2l_is_pending(sh, ports[i]));
        ck_assert(!evt_2l_is_masked(sh, ports[i]));
        set_bit64(sh->evtchn_mask, ports[i]);
        ck_assert(evt_2l_is_masked(sh, ports[i]));
        /* Neighbours are other ports. */
        ck_assert(!evt_2l_is_pending(sh, ports[i] - 1));
        if (ports[i] < 4095)
            ck_assert(!evt_2l_is_pending(sh, ports[i] + 1));
    }
}
END_TEST

/* A port past the bitmaps is a hypervisor bug: each entry point asserts. */
START_TEST(test_port_out_of_range_panics)
{
    ck_assert(SUPPORT_PANICS(evt_2l_set_pending(sh, vi, 4096)));
    ck_assert(SUPPORT_PANICS(evt_2l_unmask(sh, vi, 4096)));
    ck_assert(SUPPORT_PANICS(evt_2l_clear_pending(sh, 0xffffffffu)));
    ck_assert(SUPPORT_PANICS(evt_2l_is_pending(sh, 4096)));
    ck_assert(SUPPORT_PANICS(evt_2l_is_masked(sh, 4096)));
}
END_TEST

/* The ops table on a domain: a vCPU's registered vcpu_info if it has one, else its slot in
 * shared_info. */
START_TEST(test_ops_vcpu_info)
{
    static struct domain d;
    static struct vcpu v3, v5;
    struct hv_vcpu_info *elsewhere = calloc(1, sizeof(*elsewhere));

    d.shared_info = sh;
    v3.domain = &d;
    v3.id = 3;
    v5.domain = &d;
    v5.id = 5;
    v5.vcpu_info = elsewhere;
    ck_assert_uint_eq(evt_2l_ops.set_pending(&d, &v3, 200), EVT_NEWLY_PENDING | EVT_KICK);
    ck_assert_uint_eq(sh->vcpu_info[3].evtchn_pending_sel, 1ull << 3);
    ck_assert_uint_eq(sh->vcpu_info[3].evtchn_upcall_pending, 1);
    ck_assert(evt_2l_ops.is_pending(&d, 200));
    ck_assert_uint_eq(evt_2l_ops.set_pending(&d, &v5, 300), EVT_NEWLY_PENDING | EVT_KICK);
    ck_assert_uint_eq(elsewhere->evtchn_pending_sel, 1ull << 4);
    ck_assert_uint_eq(sh->vcpu_info[5].evtchn_pending_sel, 0);
    evt_2l_ops.clear_pending(&d, 300);
    ck_assert(!evt_2l_ops.is_pending(&d, 300));
    set_bit64(sh->evtchn_mask, 301);
    ck_assert_uint_eq(evt_2l_ops.set_pending(&d, &v5, 301), EVT_NEWLY_PENDING);
    elsewhere->evtchn_upcall_pending = 0; /* the guest took the first upcall */
    elsewhere->evtchn_pending_sel = 0;
    ck_assert_uint_eq(evt_2l_ops.unmask(&d, &v5, 301), EVT_KICK);
    free(elsewhere);
}
END_TEST

static Suite *evtchn_2l_suite(void)
{
    Suite *s = suite_create("evtchn_2l");
    TCase *tc = tcase_create("2l");

    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_loop_test(tc, test_set_pending, 0, (int)(ARRAY_SIZE(pending_cases) * NR_PORTS));
    tcase_add_test(tc, test_selector_index);
    tcase_add_loop_test(tc, test_unmask, 0, (int)(ARRAY_SIZE(unmask_cases) * NR_PORTS));
    tcase_add_test(tc, test_mask_then_unmask);
    tcase_add_test(tc, test_clear_pending);
    tcase_add_test(tc, test_predicates);
    tcase_add_test(tc, test_port_out_of_range_panics);
    tcase_add_test(tc, test_ops_vcpu_info);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(evtchn_2l_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
