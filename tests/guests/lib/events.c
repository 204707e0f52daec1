/*
 * Event channels, vCPU operations, timers, system time and secondary vCPUs for test kernels.
 */
#include "events.h"

/* ---- event_channel_op ---------------------------------------------------------------------- */

long ev_alloc_unbound(uint16_t dom, uint16_t remote_dom, evtchn_port_t *port)
{
    struct evtchn_alloc_unbound a = { .dom = dom, .remote_dom = remote_dom };
    long rc = hc_event_channel_op(EVTCHNOP_alloc_unbound, &a);

    if (rc == 0)
        *port = a.port;
    return rc;
}

long ev_bind_interdomain(uint16_t remote_dom, evtchn_port_t remote_port, evtchn_port_t *local)
{
    struct evtchn_bind_interdomain b = { .remote_dom = remote_dom, .remote_port = remote_port };
    long rc = hc_event_channel_op(EVTCHNOP_bind_interdomain, &b);

    if (rc == 0)
        *local = b.local_port;
    return rc;
}

long ev_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_virq b = { .virq = virq, .vcpu = vcpu };
    long rc = hc_event_channel_op(EVTCHNOP_bind_virq, &b);

    if (rc == 0)
        *port = b.port;
    return rc;
}

long ev_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
    struct evtchn_bind_ipi b = { .vcpu = vcpu };
    long rc = hc_event_channel_op(EVTCHNOP_bind_ipi, &b);

    if (rc == 0)
        *port = b.port;
    return rc;
}

long ev_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
    struct evtchn_bind_vcpu b = { .port = port, .vcpu = vcpu };

    return hc_event_channel_op(EVTCHNOP_bind_vcpu, &b);
}

long ev_close(evtchn_port_t port)
{
    struct evtchn_port_arg a = { .port = port };

    return hc_event_channel_op(EVTCHNOP_close, &a);
}

long ev_send(evtchn_port_t port)
{
    struct evtchn_port_arg a = { .port = port };

    return hc_event_channel_op(EVTCHNOP_send, &a);
}

long ev_unmask(evtchn_port_t port)
{
    struct evtchn_port_arg a = { .port = port };

    return hc_event_channel_op(EVTCHNOP_unmask, &a);
}

long ev_reset(uint16_t dom)
{
    uint16_t d = dom;

    return hc_event_channel_op(EVTCHNOP_reset, &d);
}

long ev_status(uint16_t dom, evtchn_port_t port, struct evtchn_status *out)
{
    memset(out, 0, sizeof(*out));
    out->dom = dom;
    out->port = port;
    return hc_event_channel_op(EVTCHNOP_status, out);
}

/* ---- sched_op, vcpu_op --------------------------------------------------------------------- */

long ev_yield(void)
{
    return hc_sched_op(SCHEDOP_yield, NULL);
}

long ev_block(void)
{
    return hc_sched_op(SCHEDOP_block, NULL);
}

long ev_poll(const evtchn_port_t *ports, unsigned int nr, uint64_t timeout)
{
    struct sched_poll p = { .ports = (uint64_t)ports, .nr_ports = nr, .timeout = timeout };

    return hc_sched_op(SCHEDOP_poll, &p);
}

long ev_vcpu_runstate(unsigned int vcpu, struct vcpu_runstate_info *out)
{
    return hc_vcpu_op(VCPUOP_get_runstate_info, vcpu, out);
}

long ev_set_periodic(unsigned int vcpu, uint64_t period_ns)
{
    struct vcpu_set_periodic_timer p = { .period_ns = period_ns };

    return hc_vcpu_op(VCPUOP_set_periodic_timer, vcpu, &p);
}

long ev_stop_periodic(unsigned int vcpu)
{
    return hc_vcpu_op(VCPUOP_stop_periodic_timer, vcpu, NULL);
}

long ev_set_singleshot(unsigned int vcpu, uint64_t deadline, uint32_t flags)
{
    struct vcpu_set_singleshot_timer s = { .timeout_abs_ns = deadline, .flags = flags };

    return hc_vcpu_op(VCPUOP_set_singleshot_timer, vcpu, &s);
}

/* ---- shared_info --------------------------------------------------------------------------- */

volatile uint8_t *ev_shared_info(void)
{
    long rc;
    struct shared_info_head *si = xtf_map_shared_info(&rc);

    if (!si)
        xtf_panic("mapping shared_info: %ld", rc);
    return (volatile uint8_t *)si;
}

static volatile uint64_t *port_word(unsigned int offset, evtchn_port_t port)
{
    return (volatile uint64_t *)(ev_shared_info() + offset) + (port % EVTCHN_2L_NR_PORTS) / 64;
}

bool ev_is_pending(evtchn_port_t port)
{
    return (*port_word(SHARED_INFO_EVTCHN_PENDING, port) >> (port % 64)) & 1;
}

bool ev_test_and_clear_pending(evtchn_port_t port)
{
    uint64_t bit = 1ull << (port % 64);

    return __atomic_fetch_and(port_word(SHARED_INFO_EVTCHN_PENDING, port), ~bit,
                              __ATOMIC_SEQ_CST) & bit;
}

void ev_mask(evtchn_port_t port)
{
    __atomic_fetch_or(port_word(SHARED_INFO_EVTCHN_MASK, port), 1ull << (port % 64),
                      __ATOMIC_SEQ_CST);
}

void ev_clear_mask(evtchn_port_t port)
{
    __atomic_fetch_and(port_word(SHARED_INFO_EVTCHN_MASK, port), ~(1ull << (port % 64)),
                       __ATOMIC_SEQ_CST);
}

bool ev_is_masked(evtchn_port_t port)
{
    return (*port_word(SHARED_INFO_EVTCHN_MASK, port) >> (port % 64)) & 1;
}

void ev_set_upcall_mask(unsigned int vcpu, uint8_t mask)
{
    struct shared_info_head *si = (struct shared_info_head *)ev_shared_info();

    __atomic_store_n(&si->vcpu_info[vcpu % 32].evtchn_upcall_mask, mask, __ATOMIC_SEQ_CST);
}

enum ev_wait_result ev_wait_port(evtchn_port_t port, uint64_t deadline)
{
    if (ev_test_and_clear_pending(port))
        return EV_WAIT_EVENT;
    for (;;) {
        ev_poll(&port, 1, deadline);    /* returns at once if the port is pending */
        if (ev_now() >= deadline)       /* read first: an event after it is late, not lost */
            return ev_test_and_clear_pending(port) ? EV_WAIT_LATE : EV_WAIT_TIMEOUT;
        if (ev_test_and_clear_pending(port))
            return EV_WAIT_EVENT;
    }
}

bool ev_wait(evtchn_port_t port, uint64_t deadline)
{
    return ev_wait_port(port, deadline) != EV_WAIT_TIMEOUT;
}

/* ---- system time --------------------------------------------------------------------------- */

static inline uint64_t rdtsc_ordered(void)
{
    uint32_t lo, hi;

    __asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
    return ((uint64_t)hi << 32) | lo;
}

uint64_t ev_system_time(unsigned int vcpu)
{
    struct shared_info_head *si = (struct shared_info_head *)ev_shared_info();
    const volatile struct vcpu_time_info *ti =
        (const volatile struct vcpu_time_info *)si->vcpu_info[vcpu % 32].time;
    uint64_t base, tsc_ts, delta;
    uint32_t v, mul;
    int8_t shift;

    do {
        while ((v = ti->version) & 1)
            ;
        __asm__ volatile("" ::: "memory");
        tsc_ts = ti->tsc_timestamp;
        base = ti->system_time;
        mul = ti->tsc_to_system_mul;
        shift = ti->tsc_shift;
        delta = rdtsc_ordered() - tsc_ts;
        __asm__ volatile("" ::: "memory");
    } while (ti->version != v);
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return base + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

void ev_spin_until(unsigned int vcpu, uint64_t t)
{
    while (ev_system_time(vcpu) < t)
        __asm__ volatile("pause");
}

/* ---- secondary vCPUs ----------------------------------------------------------------------- */

static struct vcpu_guest_context vcpu_ctx; /* 5 KiB: one bring-up at a time */

long ev_vcpu_start(unsigned int vcpu, void (*fn)(unsigned int vcpu, void *arg), void *arg,
                   void *stack, size_t stack_size, const char **what)
{
    struct vcpu_guest_context *c = &vcpu_ctx;
    uint64_t top = ((uint64_t)stack + stack_size) & ~15ull;
    long rc;

    memset(c, 0, sizeof(*c));
    c->flags = VGCF_in_kernel;
    c->user_regs.rip = (uint64_t)fn;
    c->user_regs.rsp = top - 8;          /* as after a call: rsp + 8 is 16-byte aligned */
    c->user_regs.rdi = vcpu;
    c->user_regs.rsi = (uint64_t)arg;
    c->user_regs.cs = FLAT_KERNEL_CS64;
    c->user_regs.ss = FLAT_KERNEL_SS64;
    c->user_regs.rflags = 0x202;         /* IF; events stay masked in vcpu_info */
    for (const struct trap_info *t = xtf_trap_table; t->address; t++)
        c->trap_ctxt[t->vector] = *t;
    c->kernel_ss = FLAT_KERNEL_SS64;
    c->kernel_sp = top;
    c->ctrlreg[3] = xtf_virt_to_mfn((const void *)xtf_start_info->pt_base) << 12;

    ev_set_upcall_mask(vcpu, 1);
    *what = "initialise";
    rc = hc_vcpu_op(VCPUOP_initialise, vcpu, c);
    if (rc == 0) {
        *what = "up";
        rc = hc_vcpu_op(VCPUOP_up, vcpu, NULL);
    }
    return rc;
}

void ev_vcpu_down_self(unsigned int vcpu)
{
    for (;;)
        hc_vcpu_op(VCPUOP_down, vcpu, NULL);
}

/* ---- misc ---------------------------------------------------------------------------------- */

/* The value after "key=" in the command line (a word at its start or after a space), or NULL. */
static const char *cmdline_value(const char *key)
{
    const char *cl = (const char *)xtf_start_info->cmd_line;
    size_t klen = strlen(key), len = strnlen(cl, sizeof(xtf_start_info->cmd_line));

    for (size_t i = 0; i + klen < len; i++)
        if ((i == 0 || cl[i - 1] == ' ') && !strncmp(cl + i, key, klen) && cl[i + klen] == '=')
            return cl + i + klen + 1;
    return NULL;
}

uint64_t ev_cmdline_num(const char *key, uint64_t def)
{
    const char *p = cmdline_value(key);
    uint64_t v = 0;

    if (!p || *p < '0' || *p > '9')
        return def;
    while (*p >= '0' && *p <= '9')
        v = v * 10 + (uint64_t)(*p++ - '0');
    return v;
}

void ev_cmdline_str(const char *key, char *buf, size_t size)
{
    const char *p = cmdline_value(key);
    size_t n = 0;

    while (p && p[n] && p[n] != ' ' && n + 1 < size) {
        buf[n] = p[n];
        n++;
    }
    if (size)
        buf[n] = '\0';
}

uint64_t ev_median(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];

            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return n ? v[n / 2] : 0;
}
