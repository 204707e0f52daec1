/* apic.c - the local APIC: xAPIC through MMIO, or x2APIC through MSRs when the CPU has it;
 * EOI, one-shot and periodic timer, IPIs, INIT-SIPI-SIPI. */
#include "arch/arch.h"
#include "mm/mm.h"

#define APIC_ID 0x20
#define APIC_TPR 0x80
#define APIC_EOI 0xb0
#define APIC_SVR 0xf0
#define APIC_ESR 0x280
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_LVT_LINT0 0x350
#define APIC_LVT_LINT1 0x360
#define APIC_LVT_ERROR 0x370
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3e0

#define APIC_BASE_EXTD (1ull << 10)
#define APIC_BASE_EN (1ull << 11)
#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_PERIODIC (1u << 17)
#define ICR_PENDING (1u << 12)
#define ICR_NMI 0x00000400
#define ICR_INIT 0x00000500
#define ICR_STARTUP 0x00000600
#define ICR_LEVEL_ASSERT 0x00004000
#define ICR_LEVEL_TRIGGER 0x00008000
#define TIMER_DIV_1 0xb
#define X2APIC_MSR(reg) (0x800 + ((reg) >> 4))

static volatile uint32_t *xapic_mmio;
static bool x2apic;
static uint64_t timer_hz;

static uint32_t apic_read(uint32_t reg)
{
    if (x2apic)
        return (uint32_t)rdmsr(X2APIC_MSR(reg));
    return xapic_mmio[reg / 4];
}

static void apic_write(uint32_t reg, uint32_t v)
{
    if (x2apic)
        wrmsr(X2APIC_MSR(reg), v);
    else
        xapic_mmio[reg / 4] = v;
}

/* Enable this CPU's APIC in the chosen mode and put its local vectors in a known state. */
static void apic_setup_local(void)
{
    uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;

    if (x2apic)
        base |= APIC_BASE_EXTD;
    wrmsr(MSR_APIC_BASE, base);
    apic_write(APIC_TPR, 0);
    apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    apic_write(APIC_LVT_LINT0, LVT_MASKED);
    apic_write(APIC_LVT_LINT1, LVT_MASKED);
    apic_write(APIC_LVT_ERROR, LVT_MASKED);
    apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
    apic_write(APIC_SVR, SVR_ENABLE | VEC_SPURIOUS);
    apic_write(APIC_ESR, 0);
    apic_eoi();
}

void apic_init_bsp(paddr_t lapic_addr)
{
    x2apic = boot_cpu_features.x2apic;
    if (!x2apic) {
        xapic_mmio = ioremap(lapic_addr ? lapic_addr : 0xfee00000, 0x1000);
        if (!xapic_mmio)
            panic("apic: cannot map the local APIC");
    }
    apic_setup_local();
}

void apic_init_ap(void)
{
    apic_setup_local();
}

bool apic_x2apic_mode(void)
{
    return x2apic;
}

uint32_t apic_id(void)
{
    uint32_t id = apic_read(APIC_ID);

    return x2apic ? id : id >> 24;
}

void apic_eoi(void)
{
    apic_write(APIC_EOI, 0);
}

void apic_timer_oneshot(uint32_t ticks)
{
    apic_write(APIC_LVT_TIMER, VEC_TIMER);
    apic_write(APIC_TIMER_INIT, ticks);
}

void apic_timer_periodic(uint32_t ticks)
{
    apic_write(APIC_LVT_TIMER, VEC_TIMER | LVT_PERIODIC);
    apic_write(APIC_TIMER_INIT, ticks);
}

uint64_t apic_timer_hz(void)
{
    return timer_hz;
}

/* Read the timer's current count and the TSC together at both ends of a 50 ms window, so a
 * stall between starting the timer and starting the window (TCG translating code, a busy host)
 * cannot skew the rate. */
void apic_calibrate_timer(void)
{
    uint64_t window = tsc_khz() * 50, t0, t1;
    uint32_t c0, c1;

    apic_write(APIC_LVT_TIMER, LVT_MASKED | VEC_TIMER);
    apic_write(APIC_TIMER_DIV, TIMER_DIV_1);
    apic_write(APIC_TIMER_INIT, 0xffffffff);
    c0 = apic_read(APIC_TIMER_CUR);
    t0 = rdtsc();
    do {
        t1 = rdtsc();
    } while (t1 - t0 < window);
    c1 = apic_read(APIC_TIMER_CUR);
    t1 = rdtsc();
    apic_write(APIC_TIMER_INIT, 0);
    timer_hz = (uint64_t)(c0 - c1) * tsc_khz() * 1000 / (t1 - t0);
}

static void icr_send(uint32_t dest, uint32_t lo)
{
    if (x2apic) {
        /* x2APIC MSR writes are not serializing: make earlier stores (a mailbox) visible first. */
        __asm__ volatile("mfence; lfence" ::: "memory");
        wrmsr(X2APIC_MSR(APIC_ICR_LO), ((uint64_t)dest << 32) | lo);
        return;
    }
    for (int i = 0; i < 1000000 && (apic_read(APIC_ICR_LO) & ICR_PENDING); i++)
        cpu_relax();
    apic_write(APIC_ICR_HI, dest << 24);
    apic_write(APIC_ICR_LO, lo);
}

void apic_send_ipi(uint32_t dest, unsigned int vector)
{
    icr_send(dest, vector);
}

void apic_send_nmi(uint32_t dest)
{
    icr_send(dest, ICR_NMI);
}

/* The MP start-up sequence of the Intel SDM (INIT, 10 ms, SIPI, 200 us, SIPI). */
void apic_start_ap(uint32_t dest, paddr_t page)
{
    icr_send(dest, ICR_INIT | ICR_LEVEL_ASSERT | ICR_LEVEL_TRIGGER);
    udelay(10000);
    icr_send(dest, ICR_STARTUP | (uint32_t)(page >> 12));
    udelay(200);
    icr_send(dest, ICR_STARTUP | (uint32_t)(page >> 12));
}
