/* power.c - power-off and reboot (ACPI, then the legacy ways), and QEMU's isa-debug-exit for
 * tests. */
#include "arch/acpi_tables.h"
#include "arch/arch.h"
#include "console/console.h"

#define QEMU_DEBUG_EXIT_PORT 0xf4
#define SLP_EN (1u << 13)

static bool qemu_exit_on;
static bool noreboot_on;

void power_set_qemu_exit(bool on) { qemu_exit_on = on; }
void power_set_noreboot(bool on) { noreboot_on = on; }
bool power_qemu_exit(void) { return qemu_exit_on; }
bool power_noreboot(void) { return noreboot_on; }

/* QEMU exits with status (code << 1) | 1; nothing happens where there is no such device. */
void qemu_debug_exit(uint8_t code)
{
    outl(QEMU_DEBUG_EXIT_PORT, code);
}

static __noreturn void halt_forever(void)
{
    for (;;)
        __asm__ volatile("cli; hlt");
}

void machine_power_off(void)
{
    const struct acpi_info *ai = acpi_get_info();

    printk(KERN_ERR "Powering off\n");
    smp_stop_others();
    irq_disable();
    if (qemu_exit_on)
        qemu_debug_exit(QEMU_EXIT_SUCCESS);
    if (ai && ai->have_s5 && ai->pm1a_cnt) {
        outw(ai->pm1a_cnt, (uint16_t)(((ai->s5_typ_a & 7) << 10) | SLP_EN));
        if (ai->pm1b_cnt)
            outw(ai->pm1b_cnt, (uint16_t)(((ai->s5_typ_b & 7) << 10) | SLP_EN));
    }
    udelay(2000000); /* the machine may take a moment to act on SLP_EN (QEMU does) */
    printk(KERN_ERR "Power-off failed: it is now safe to turn the machine off\n");
    halt_forever();
}

static void reboot_acpi(void)
{
    const struct acpi_info *ai = acpi_get_info();

    if (ai && ai->have_reset && ai->reset_space == 1) /* system I/O space */
        outb((uint16_t)ai->reset_addr, ai->reset_value);
}

void machine_reboot(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) no_idt = {0, 0};

    printk(KERN_ERR "Rebooting\n");
    smp_stop_others();
    irq_disable();
    reboot_acpi();
    outb(0xcf9, 0x02); /* PCI reset control: hard reset */
    outb(0xcf9, 0x06);
    for (int i = 0; i < 100000 && (inb(0x64) & 2); i++)
        cpu_relax();
    outb(0x64, 0xfe); /* keyboard controller: pulse the reset line */
    __asm__ volatile("lidt %0; int3" ::"m"(no_idt)); /* last resort: triple fault */
    halt_forever();
}

/* After a fatal error: report failure to QEMU in tests; else reboot after 5 s unless noreboot
 * (as Xen does), so a crashed machine in the field comes back. */
void machine_halt_fatal(void)
{
    irq_disable();
    if (qemu_exit_on)
        qemu_debug_exit(QEMU_EXIT_FAILURE);
    if (!noreboot_on && tsc_khz()) {
        printk(KERN_ERR "Rebooting in 5 seconds (noreboot on the command line keeps it halted)\n");
        udelay(5000000);
        machine_reboot();
    }
    halt_forever();
}
