/* time.c - system time from the TSC, wall-clock from the CMOS RTC, per-CPU soft timers on the
 * local APIC timer, and the timer accuracy check (debug key 't'). */
#include "arch/arch.h"
#include "console/console.h"
#include "lib/spinlock.h"
#include "time/rtc_date.h"
#include "time/scale.h"
#include "time/time.h"

#define TIMERS_PER_CPU 256
#define CMOS_INDEX 0x70
#define CMOS_DATA 0x71

/* Per-CPU queues. Lock legend: [q] queue_locks[cpu] (irqsave). */
static struct spinlock queue_locks[MAX_CPUS];
static struct timer_queue queues[MAX_CPUS];                   /* [q] */
static struct soft_timer *queue_store[MAX_CPUS][TIMERS_PER_CPU]; /* [q] */
static struct soft_timer *volatile running[MAX_CPUS]; /* the callback each CPU runs now */

/* Written once by time_init on the boot CPU. */
static struct time_scale tsc_scale;
static uint64_t tsc_at_boot;
static int64_t wallclock_at_boot;
static bool ready;

uint64_t time_now(void)
{
    return time_scale_delta(&tsc_scale, rdtsc() - tsc_at_boot);
}

bool time_ready(void)
{
    return ready;
}

int64_t time_wallclock(void)
{
    return wallclock_at_boot + (int64_t)(time_now() / NSEC_PER_SEC);
}

int64_t time_wallclock_base(void)
{
    return wallclock_at_boot;
}

void time_sample(uint64_t *tsc, uint64_t *now, struct time_scale *scale)
{
    *tsc = rdtsc();
    *now = time_scale_delta(&tsc_scale, *tsc - tsc_at_boot);
    *scale = tsc_scale;
}

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static void rtc_read_raw(uint8_t regs[RTC_NR_REGS])
{
    static const uint8_t index[RTC_NR_REGS] = {0x00, 0x02, 0x04, 0x07, 0x08, 0x09, 0x32};

    for (unsigned int i = 0; i < 1000000 && (cmos_read(0x0a) & 0x80); i++)
        cpu_relax(); /* update in progress */
    for (unsigned int i = 0; i < RTC_NR_REGS; i++)
        regs[i] = cmos_read(index[i]);
}

/* Read until two reads agree, so an update between registers cannot tear the time. */
static void wallclock_init(void)
{
    uint8_t a[RTC_NR_REGS], b[RTC_NR_REGS];
    struct rtc_time t;
    char text[32];
    int tries = 0;

    do {
        rtc_read_raw(a);
        rtc_read_raw(b);
    } while (memcmp(a, b, sizeof(a)) && ++tries < 5);
    if (rtc_decode(b, cmos_read(0x0b), &t) < 0) {
        printk(KERN_WARNING "time: the RTC holds an invalid date; wall-clock starts at 1970\n");
        return;
    }
    wallclock_at_boot = rtc_to_unix(&t);
    rtc_format(&t, text, sizeof(text));
    printk("Wall clock: %s UTC\n", text);
}

/* Program this CPU's APIC timer for its earliest deadline. Caller holds [q]. */
static void program_next(unsigned int cpu)
{
    uint64_t next = tq_next_deadline(&queues[cpu]), now = time_now(), ticks;

    if (next == UINT64_MAX) {
        apic_timer_oneshot(0);
        return;
    }
    /* At most a second ahead: the product cannot overflow and a 32-bit count at 1 GHz reaches
     * only 4 s; a later deadline is met by re-programming when this one fires. */
    ticks = next > now ? MIN(next - now, NSEC_PER_SEC) * apic_timer_hz() / NSEC_PER_SEC : 1;
    apic_timer_oneshot((uint32_t)MIN(MAX(ticks, 1ull), 0xffffffffull));
}

/* VEC_TIMER: run every expired timer with the lock dropped, then re-program. */
static void timer_irq(struct cpu_regs *regs __unused)
{
    unsigned int cpu = cpu_id();
    struct soft_timer *t;

    spin_lock(&queue_locks[cpu]);
    while ((t = tq_pop_expired(&queues[cpu], time_now())) != NULL) {
        running[cpu] = t;
        spin_unlock(&queue_locks[cpu]);
        t->fn(t, t->data);
        spin_lock(&queue_locks[cpu]);
        running[cpu] = NULL;
    }
    program_next(cpu);
    spin_unlock(&queue_locks[cpu]);
}

/*
 * Take t off whichever queue holds it. t->cpu only changes with the lock of the queue it names
 * held (timer_set holds both queues' locks to move a timer), so it is stable under that lock.
 * Only this CPU's APIC timer is re-programmed: another CPU whose earliest timer went away just
 * takes one interrupt that finds nothing to run.
 */
static void timer_dequeue(struct soft_timer *t)
{
    for (;;) {
        unsigned int cpu = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        uint64_t flags = spin_lock_irqsave(&queue_locks[cpu]);
        bool here = t->cpu == cpu;

        if (here && tq_remove(&queues[cpu], t) && cpu == cpu_id())
            program_next(cpu);
        spin_unlock_irqrestore(&queue_locks[cpu], flags);
        if (here)
            return;
    }
}

/* Lock the queues of CPUs a and b (lower first; once if they are the same). */
static void lock_two(unsigned int a, unsigned int b)
{
    spin_lock(&queue_locks[MIN(a, b)]);
    if (a != b)
        spin_lock(&queue_locks[MAX(a, b)]);
}

static void unlock_two(unsigned int a, unsigned int b)
{
    if (a != b)
        spin_unlock(&queue_locks[MAX(a, b)]);
    spin_unlock(&queue_locks[MIN(a, b)]);
}

int timer_set(struct soft_timer *t, uint64_t deadline)
{
    unsigned int cpu = cpu_id();
    uint64_t flags = irq_save();
    unsigned int old;
    int rc;

    for (;;) {
        old = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
        lock_two(old, cpu);
        if (t->cpu == old)
            break;
        unlock_two(old, cpu);
    }
    if (old != cpu)
        (void)tq_remove(&queues[old], t); /* it moves to this CPU's queue */
    rc = tq_add(&queues[cpu], t, deadline);
    if (rc == 0) {
        __atomic_store_n(&t->cpu, cpu, __ATOMIC_RELEASE);
        program_next(cpu);
    }
    unlock_two(old, cpu);
    irq_restore(flags);
    return rc;
}

void timer_stop(struct soft_timer *t)
{
    timer_dequeue(t);
}

void timer_kill(struct soft_timer *t)
{
    timer_dequeue(t);
    for (unsigned int cpu = 0; cpu < MAX_CPUS; cpu++)
        while (running[cpu] == t && cpu != cpu_id())
            cpu_relax();
}

void time_init_cpu(void)
{
    unsigned int cpu = cpu_id();

    tq_init(&queues[cpu], queue_store[cpu], TIMERS_PER_CPU);
}

static void key_time_check(void);

void time_init(void)
{
    uint64_t khz = tsc_calibrate();

    tsc_at_boot = rdtsc();
    time_scale_set(&tsc_scale, khz * 1000);
    apic_calibrate_timer();
    irq_set_local_handler(VEC_TIMER, timer_irq);
    time_init_cpu();
    ready = true;
    printk("TSC: %lu.%03lu MHz (calibrated against the PIT), APIC timer %lu.%03lu MHz\n",
           (unsigned long)(khz / 1000), (unsigned long)(khz % 1000),
           (unsigned long)(apic_timer_hz() / 1000000), (unsigned long)(apic_timer_hz() / 1000 % 1000));
    wallclock_init();
    keys_register('t', "check timer interrupts against the TSC for one second", key_time_check);
}

/* ---- the timer check ------------------------------------------------------------------- */

#define CHECK_HZ 100
#define CHECK_TICKS 100
#define SOFT_CHECK_TIMERS 100

static volatile unsigned int check_ticks;
static volatile uint64_t check_tsc_first, check_tsc_last;

static void check_irq(struct cpu_regs *regs __unused)
{
    unsigned int n = ++check_ticks;

    if (n == 1)
        check_tsc_first = rdtsc();
    else if (n == CHECK_TICKS + 1)
        check_tsc_last = rdtsc();
}

/* Count periodic APIC timer interrupts at CHECK_HZ and time CHECK_TICKS periods by the TSC. */
static void periodic_check(void)
{
    uint64_t expected = NSEC_PER_SEC / CHECK_HZ * CHECK_TICKS, measured, err_milli, deadline;
    uint64_t flags = irq_save();

    check_ticks = 0;
    irq_set_local_handler(VEC_TIMER, check_irq);
    apic_timer_periodic((uint32_t)(apic_timer_hz() / CHECK_HZ));
    irq_restore(flags);
    deadline = time_now() + 3 * NSEC_PER_SEC;
    irq_disable();
    while (check_ticks <= CHECK_TICKS && time_now() < deadline) {
        safe_halt();
        irq_disable();
    }
    irq_enable();
    flags = irq_save();
    apic_timer_oneshot(0);
    irq_set_local_handler(VEC_TIMER, timer_irq);
    program_next(cpu_id());
    irq_restore(flags);
    if (check_ticks <= CHECK_TICKS) {
        printk("Timer check: %u ticks in 3 s, expected %u: FAIL\n", check_ticks, CHECK_TICKS + 1);
        return;
    }
    measured = (check_tsc_last - check_tsc_first) * 1000000ull / tsc_khz();
    err_milli = (measured > expected ? measured - expected : expected - measured) * 100000ull /
                expected; /* thousandths of a percent */
    printk("Timer check: %u ticks, expected %lu ns, measured %lu ns by TSC, error %lu.%03lu%%: %s\n",
           CHECK_TICKS, (unsigned long)expected, (unsigned long)measured,
           (unsigned long)(err_milli / 1000), (unsigned long)(err_milli % 1000),
           err_milli <= 1000 ? "PASS" : "FAIL");
}

struct soft_check {
    struct soft_timer timer;
    uint64_t start;
    unsigned int fired;
    uint64_t lateness[SOFT_CHECK_TIMERS];
};

static void soft_check_fn(struct soft_timer *t, void *data)
{
    struct soft_check *sc = data;
    uint64_t due = sc->start + MILLISECS(10) * (sc->fired + 1);

    sc->lateness[sc->fired++] = time_now() - due;
    if (sc->fired < SOFT_CHECK_TIMERS)
        timer_set(t, due + MILLISECS(10));
}

static void sort_u64(uint64_t *v, unsigned int n)
{
    for (unsigned int i = 1; i < n; i++)
        for (unsigned int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t x = v[j];

            v[j] = v[j - 1];
            v[j - 1] = x;
        }
}

/* Arm a one-shot soft timer every 10 ms and record how late each one ran. */
static void soft_timer_check(void)
{
    static struct soft_check sc;
    uint64_t deadline;

    memset(&sc, 0, sizeof(sc));
    soft_timer_init(&sc.timer, soft_check_fn, &sc);
    sc.start = time_now();
    timer_set(&sc.timer, sc.start + MILLISECS(10));
    deadline = sc.start + 3 * NSEC_PER_SEC;
    /* Check with interrupts off, halt with sti;hlt: the last timer cannot slip in between. */
    irq_disable();
    while (sc.fired < SOFT_CHECK_TIMERS && time_now() < deadline) {
        safe_halt();
        irq_disable();
    }
    irq_enable();
    timer_stop(&sc.timer);
    sort_u64(sc.lateness, sc.fired);
    printk("Soft timers: %u fired, lateness median %lu ns, max %lu ns\n", sc.fired,
           (unsigned long)(sc.fired ? sc.lateness[sc.fired / 2] : 0),
           (unsigned long)(sc.fired ? sc.lateness[sc.fired - 1] : 0));
}

static void key_time_check(void)
{
    periodic_check();
    soft_timer_check();
}
