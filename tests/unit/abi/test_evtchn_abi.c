/* test_evtchn_abi.c - guest-abi/hv/event_channel.h against Xen's public event_channel.h: every
 * struct's size, every field's offset and size, every constant. */
/* The newest interface, as test_abi.c: without it xen-compat.h maps event_channel_op to the
 * legacy hypercall number of pre-3.2 guests. */
#define __XEN_TOOLS__ 1

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* Xen's header, as a Xen guest would see it. */
#include <xen/event_channel.h>
#include <xen/xen.h>

/* Ours. */
#include "hv/event_channel.h"
#include "hv/hypercall.h"
#include "hv/shared_info.h"
#include "hv/xen.h"

/* ---------------------------------------------------------------------------------------------
 * Layouts: one row per struct size and per field (offset and size), ours beside Xen's. */

struct layout_case {
    const char *what;
    size_t ours_off, xen_off;
    size_t ours_size, xen_size;
};

#define MSIZE(type, m) sizeof(((type *)0)->m)
/* A whole struct. */
#define SZ(ours, xen) { "sizeof " #ours, 0, 0, sizeof(struct ours), sizeof(struct xen) }
/* A field (or nested field) with the same name in both. */
#define F(ours, xen, m)                                                                   \
    { #ours "." #m, offsetof(struct ours, m), offsetof(struct xen, m),                   \
      MSIZE(struct ours, m), MSIZE(struct xen, m) }

static const struct layout_case layouts[] = {
    { "sizeof hv_evtchn_port_t", 0, 0, sizeof(hv_evtchn_port_t), sizeof(evtchn_port_t) },
    SZ(hv_evtchn_alloc_unbound, evtchn_alloc_unbound),
    F(hv_evtchn_alloc_unbound, evtchn_alloc_unbound, dom),
    F(hv_evtchn_alloc_unbound, evtchn_alloc_unbound, remote_dom),
    F(hv_evtchn_alloc_unbound, evtchn_alloc_unbound, port),
    SZ(hv_evtchn_bind_interdomain, evtchn_bind_interdomain),
    F(hv_evtchn_bind_interdomain, evtchn_bind_interdomain, remote_dom),
    F(hv_evtchn_bind_interdomain, evtchn_bind_interdomain, remote_port),
    F(hv_evtchn_bind_interdomain, evtchn_bind_interdomain, local_port),
    SZ(hv_evtchn_bind_virq, evtchn_bind_virq),
    F(hv_evtchn_bind_virq, evtchn_bind_virq, virq),
    F(hv_evtchn_bind_virq, evtchn_bind_virq, vcpu),
    F(hv_evtchn_bind_virq, evtchn_bind_virq, port),
    SZ(hv_evtchn_bind_pirq, evtchn_bind_pirq),
    F(hv_evtchn_bind_pirq, evtchn_bind_pirq, pirq),
    F(hv_evtchn_bind_pirq, evtchn_bind_pirq, flags),
    F(hv_evtchn_bind_pirq, evtchn_bind_pirq, port),
    SZ(hv_evtchn_bind_ipi, evtchn_bind_ipi),
    F(hv_evtchn_bind_ipi, evtchn_bind_ipi, vcpu),
    F(hv_evtchn_bind_ipi, evtchn_bind_ipi, port),
    SZ(hv_evtchn_close, evtchn_close),
    F(hv_evtchn_close, evtchn_close, port),
    SZ(hv_evtchn_send, evtchn_send),
    F(hv_evtchn_send, evtchn_send, port),
    SZ(hv_evtchn_status, evtchn_status),
    F(hv_evtchn_status, evtchn_status, dom),
    F(hv_evtchn_status, evtchn_status, port),
    F(hv_evtchn_status, evtchn_status, status),
    F(hv_evtchn_status, evtchn_status, vcpu),
    F(hv_evtchn_status, evtchn_status, u),
    F(hv_evtchn_status, evtchn_status, u.unbound),
    F(hv_evtchn_status, evtchn_status, u.unbound.dom),
    F(hv_evtchn_status, evtchn_status, u.interdomain),
    F(hv_evtchn_status, evtchn_status, u.interdomain.dom),
    F(hv_evtchn_status, evtchn_status, u.interdomain.port),
    F(hv_evtchn_status, evtchn_status, u.pirq),
    F(hv_evtchn_status, evtchn_status, u.virq),
    SZ(hv_evtchn_bind_vcpu, evtchn_bind_vcpu),
    F(hv_evtchn_bind_vcpu, evtchn_bind_vcpu, port),
    F(hv_evtchn_bind_vcpu, evtchn_bind_vcpu, vcpu),
    SZ(hv_evtchn_unmask, evtchn_unmask),
    F(hv_evtchn_unmask, evtchn_unmask, port),
    SZ(hv_evtchn_reset, evtchn_reset),
    F(hv_evtchn_reset, evtchn_reset, dom),
    SZ(hv_evtchn_init_control, evtchn_init_control),
    F(hv_evtchn_init_control, evtchn_init_control, control_gfn),
    F(hv_evtchn_init_control, evtchn_init_control, offset),
    F(hv_evtchn_init_control, evtchn_init_control, vcpu),
    F(hv_evtchn_init_control, evtchn_init_control, link_bits),
    F(hv_evtchn_init_control, evtchn_init_control, _pad),
    SZ(hv_evtchn_expand_array, evtchn_expand_array),
    F(hv_evtchn_expand_array, evtchn_expand_array, array_gfn),
    SZ(hv_evtchn_set_priority, evtchn_set_priority),
    F(hv_evtchn_set_priority, evtchn_set_priority, port),
    F(hv_evtchn_set_priority, evtchn_set_priority, priority),
    SZ(hv_evtchn_op, evtchn_op),
    F(hv_evtchn_op, evtchn_op, cmd),
    F(hv_evtchn_op, evtchn_op, u),
    F(hv_evtchn_op, evtchn_op, u.alloc_unbound),
    F(hv_evtchn_op, evtchn_op, u.bind_interdomain),
    F(hv_evtchn_op, evtchn_op, u.bind_virq),
    F(hv_evtchn_op, evtchn_op, u.bind_pirq),
    F(hv_evtchn_op, evtchn_op, u.bind_ipi),
    F(hv_evtchn_op, evtchn_op, u.close),
    F(hv_evtchn_op, evtchn_op, u.send),
    F(hv_evtchn_op, evtchn_op, u.status),
    F(hv_evtchn_op, evtchn_op, u.bind_vcpu),
    F(hv_evtchn_op, evtchn_op, u.unmask),
};

START_TEST(test_layout)
{
    const struct layout_case *c = &layouts[_i];

    ck_assert_msg(c->ours_off == c->xen_off, "%s: offset %zu, Xen %zu", c->what, c->ours_off,
                  c->xen_off);
    ck_assert_msg(c->ours_size == c->xen_size, "%s: size %zu, Xen %zu", c->what, c->ours_size,
                  c->xen_size);
}
END_TEST

/* ---------------------------------------------------------------------------------------------
 * Constants: ours beside Xen's. */

struct const_case {
    const char *what;
    uint64_t ours, xen;
};

#define C(ours, xen) { #ours, (uint64_t)(ours), (uint64_t)(xen) }

static const struct const_case constants[] = {
    C(HV_EVTCHNOP_bind_interdomain, EVTCHNOP_bind_interdomain),
    C(HV_EVTCHNOP_bind_virq, EVTCHNOP_bind_virq),
    C(HV_EVTCHNOP_bind_pirq, EVTCHNOP_bind_pirq),
    C(HV_EVTCHNOP_close, EVTCHNOP_close),
    C(HV_EVTCHNOP_send, EVTCHNOP_send),
    C(HV_EVTCHNOP_status, EVTCHNOP_status),
    C(HV_EVTCHNOP_alloc_unbound, EVTCHNOP_alloc_unbound),
    C(HV_EVTCHNOP_bind_ipi, EVTCHNOP_bind_ipi),
    C(HV_EVTCHNOP_bind_vcpu, EVTCHNOP_bind_vcpu),
    C(HV_EVTCHNOP_unmask, EVTCHNOP_unmask),
    C(HV_EVTCHNOP_reset, EVTCHNOP_reset),
    C(HV_EVTCHNOP_init_control, EVTCHNOP_init_control),
    C(HV_EVTCHNOP_expand_array, EVTCHNOP_expand_array),
    C(HV_EVTCHNOP_set_priority, EVTCHNOP_set_priority),
    C(HV_EVTCHNSTAT_closed, EVTCHNSTAT_closed),
    C(HV_EVTCHNSTAT_unbound, EVTCHNSTAT_unbound),
    C(HV_EVTCHNSTAT_interdomain, EVTCHNSTAT_interdomain),
    C(HV_EVTCHNSTAT_pirq, EVTCHNSTAT_pirq),
    C(HV_EVTCHNSTAT_virq, EVTCHNSTAT_virq),
    C(HV_EVTCHNSTAT_ipi, EVTCHNSTAT_ipi),
    C(HV_BIND_PIRQ__WILL_SHARE, BIND_PIRQ__WILL_SHARE),
    C(HV_EVTCHN_2L_NR_CHANNELS, EVTCHN_2L_NR_CHANNELS),
    C(HV_HYPERCALL_event_channel_op, __HYPERVISOR_event_channel_op),
    C(HV_HYPERCALL_event_channel_op_compat, __HYPERVISOR_event_channel_op_compat),
    /* The VIRQs event channels bind to (hv/xen.h). */
    C(HV_VIRQ_TIMER, VIRQ_TIMER),
    C(HV_VIRQ_DEBUG, VIRQ_DEBUG),
    C(HV_VIRQ_CONSOLE, VIRQ_CONSOLE),
    C(HV_VIRQ_DOM_EXC, VIRQ_DOM_EXC),
    C(HV_VIRQ_TBUF, VIRQ_TBUF),
    C(HV_VIRQ_DEBUGGER, VIRQ_DEBUGGER),
    C(HV_VIRQ_XENOPROF, VIRQ_XENOPROF),
    C(HV_VIRQ_CON_RING, VIRQ_CON_RING),
    C(HV_VIRQ_PCPU_STATE, VIRQ_PCPU_STATE),
    C(HV_VIRQ_MEM_EVENT, VIRQ_MEM_EVENT),
    C(HV_VIRQ_ARGO, VIRQ_ARGO),
    C(HV_VIRQ_ENOMEM, VIRQ_ENOMEM),
    C(HV_VIRQ_XENPMU, VIRQ_XENPMU),
    C(HV_VIRQ_ARCH_0, VIRQ_ARCH_0),
    C(HV_VIRQ_ARCH_7, VIRQ_ARCH_7),
    C(HV_NR_VIRQS, NR_VIRQS),
};

START_TEST(test_constant)
{
    const struct const_case *c = &constants[_i];

    ck_assert_msg(c->ours == c->xen, "%s = %#llx, Xen %#llx", c->what,
                  (unsigned long long)c->ours, (unsigned long long)c->xen);
}
END_TEST

static Suite *evtchn_abi_suite(void)
{
    Suite *s = suite_create("evtchn_abi");
    TCase *tc = tcase_create("evtchn_abi");

    tcase_add_loop_test(tc, test_layout, 0, (int)(sizeof(layouts) / sizeof(layouts[0])));
    tcase_add_loop_test(tc, test_constant, 0, (int)(sizeof(constants) / sizeof(constants[0])));
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(evtchn_abi_suite());
    int failed;

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
