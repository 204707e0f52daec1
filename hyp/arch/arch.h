/* arch.h - x86-64 hardware access for the rest of the hypervisor: registers, ports, MSRs, CPUID,
 * interrupts, the APIC, per-CPU data, SMP and power. Only hyp/arch/ touches the hardware. */
#ifndef HYP_ARCH_ARCH_H
#define HYP_ARCH_ARCH_H

#include "arch/layout.h"
#include "lib/lib.h"

/* ---- instructions ------------------------------------------------------------------------ */
static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outw(uint16_t port, uint16_t v) { __asm__ volatile("outw %0, %1" ::"a"(v), "Nd"(port)); }
static inline void outl(uint16_t port, uint32_t v) { __asm__ volatile("outl %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}
static inline uint16_t inw(uint16_t port)
{
    uint16_t v;
    __asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
    __asm__ volatile("wrmsr" ::"c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

struct cpuid_regs {
    uint32_t a, b, c, d;
};
static inline struct cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf)
{
    struct cpuid_regs r;
    __asm__ volatile("cpuid" : "=a"(r.a), "=b"(r.b), "=c"(r.c), "=d"(r.d) : "a"(leaf), "c"(subleaf));
    return r;
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline uint64_t read_cr0(void) { uint64_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr2(void) { uint64_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr3(void) { uint64_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint64_t read_cr4(void) { uint64_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint64_t v) { __asm__ volatile("mov %0, %%cr0" ::"r"(v) : "memory"); }
static inline void write_cr3(uint64_t v) { __asm__ volatile("mov %0, %%cr3" ::"r"(v) : "memory"); }
static inline void write_cr4(uint64_t v) { __asm__ volatile("mov %0, %%cr4" ::"r"(v) : "memory"); }
static inline void invlpg(const void *va) { __asm__ volatile("invlpg (%0)" ::"r"(va) : "memory"); }

static inline void cpu_relax(void) { __asm__ volatile("pause" ::: "memory"); }
static inline void irq_enable(void) { __asm__ volatile("sti" ::: "memory"); }
static inline void irq_disable(void) { __asm__ volatile("cli" ::: "memory"); }
static inline uint64_t irq_save(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0; cli" : "=r"(flags)::"memory");
    return flags;
}
static inline void irq_restore(uint64_t flags)
{
    __asm__ volatile("pushq %0; popfq" ::"r"(flags) : "memory", "cc");
}
static inline bool irqs_enabled(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags & 0x200;
}
/* Wait for an interrupt with interrupts enabled; sti's one-instruction shadow closes the race
 * between a check made with interrupts off and the hlt. */
static inline void safe_halt(void) { __asm__ volatile("sti; hlt" ::: "memory"); }

/* ---- MSRs and control-register bits ------------------------------------------------------- */
#define MSR_EFER 0xc0000080
#define EFER_SCE (1u << 0)
#define EFER_LME (1u << 8)
#define EFER_NXE (1u << 11)
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
#define MSR_APIC_BASE 0x1b
#define MSR_PAT 0x277
#define MSR_SYSENTER_CS 0x174
/* Xen's PAT, which PV guests (Linux) expect: WB, WT, UC-, UC, WC, WP, UC, UC. The hypervisor's
 * own PCD|PWT mappings stay uncached (entry 3). */
#define PAT_XEN 0x0000050100070406ull
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SFMASK 0xc0000084
#define CR4_PAE (1u << 5)
#define CR4_PGE (1u << 7)
#define CR4_OSFXSR (1u << 9)
#define CR4_OSXMMEXCPT (1u << 10)
#define CR4_SMEP (1u << 20)
#define CR4_SMAP (1u << 21)

/* ---- saved registers of an exception or interrupt (entry.S builds it) ---------------------- */
struct cpu_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector, error_code;
    uint64_t rip, cs, rflags, rsp, ss; /* the hardware frame */
};

/* ---- per-CPU data (found from the stack pointer; see percpu.h) ---------------------------- */
struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct percpu;
/* This CPU's block and logical number (0 = boot CPU). Valid from the first instruction of
 * start_hyp() on the boot CPU and from cpu_init_tables() on the others. */
struct percpu *this_cpu(void);
unsigned int cpu_id(void);

/* ---- cpu.c ------------------------------------------------------------------------------- */
struct cpu_features {
    bool nx, smep, smap, pdpe1gb, x2apic, tsc_deadline, invariant_tsc, hypervisor, pge;
    char vendor[13];
    char brand[49];
};
/* Filled once by cpu_detect_features() on the boot CPU; all CPUs are assumed alike. */
extern struct cpu_features boot_cpu_features;
void cpu_detect_features(void);
/* Load this CPU's GDT (pc->gdt, GDT_PAGES zeroed pages), TSS (with IST stacks in the CPU's
 * stack window), the shared IDT and the SYSCALL MSRs; turn on NX, SMEP and SMAP where the CPU
 * has them. GS_BASE is left to guests; KERNEL_GS_BASE points to pc. */
void cpu_init_tables(struct percpu *pc);
/* The boot CPU's static GDT (GDT_PAGES pages); other CPUs allocate theirs. */
uint64_t *cpu_bsp_gdt(void);
/* Fill the IDT shared by all CPUs (NMI, #DF and #MC on IST stacks); boot CPU, once. */
void idt_init(void);

/* ---- uaccess.S: guest memory access with fault fixups (callers check the range first) ------- */
/* Copy n bytes; returns how many were NOT copied because of a fault (0 = all done). */
size_t raw_copy_guest(void *dst, const void *src, size_t n);
size_t raw_clear_guest(void *dst, size_t n);
/* Load sel into %gs (which also loads GS_BASE from the descriptor); 0, or -1 if it faulted. */
int load_gs_selector(uint16_t sel);
int load_ds_selector(uint16_t sel);
int load_es_selector(uint16_t sel);
int load_fs_selector(uint16_t sel);
/* SMAP: allow (stac) and forbid again (clac) ring-0 access to user pages; no-ops without SMAP. */
void guest_access_begin(void);
void guest_access_end(void);

/* Load regs (which must sit at the top of this CPU's main stack) and return to the guest with
 * iretq. */
void return_to_guest(struct cpu_regs *regs) __noreturn;
/* Continue on the stack at rsp (16-byte aligned) with fn(arg); the old stack is abandoned. */
void switch_stack_and_call(uint64_t rsp, void (*fn)(void *), void *arg) __noreturn;

/* ---- traps.c ----------------------------------------------------------------------------- */
/* Called by entry.S for every vector with interrupts off: vectors >= 32 go to irq_dispatch(),
 * an exception in ring 3 goes to the guest (pv/), one in the hypervisor is fatal unless it hit a
 * guest-memory copy with a fixup. */
void trap_dispatch(struct cpu_regs *regs);
/* Stop the other CPUs, print what, the registers and a backtrace, then machine_halt_fatal(). */
void fatal_report(const char *what, const struct cpu_regs *regs) __noreturn;
/* Print rip and then the frame-pointer chain from rbp, only while it stays on a mapped stack. */
void print_backtrace(uint64_t rbp, uint64_t rip);
/* Stop this CPU for good after a fatal error: tell QEMU (qemu_exit) or reboot, else halt. */
void machine_halt_fatal(void) __noreturn;

/* ---- power.c ------------------------------------------------------------------------------ */
/* Stop the other CPUs, then power off: QEMU's debug-exit first with qemu_exit, then ACPI S5;
 * halts with a message if the machine is still on after 2 s. Any CPU, interrupts enabled. */
void machine_power_off(void) __noreturn;
/* Stop the other CPUs, then reset: ACPI reset register, port 0xcf9, the keyboard controller, and
 * at last a triple fault. */
void machine_reboot(void) __noreturn;
/* Command-line switches qemu_exit and noreboot (set once at boot). */
void power_set_qemu_exit(bool on);
void power_set_noreboot(bool on);
bool power_qemu_exit(void);
bool power_noreboot(void);
#define QEMU_EXIT_SUCCESS 0x10 /* QEMU exit status 33 */
#define QEMU_EXIT_FAILURE 0x11 /* QEMU exit status 35 */
void qemu_debug_exit(uint8_t code);

/* ---- interrupts (irq.c) -------------------------------------------------------------------- */
#define VEC_ISA_BASE 0x20      /* ISA IRQ n arrives on vector 0x20 + n (IOAPIC) */
#define VEC_TIMER 0xf0         /* local APIC timer */
#define VEC_CALL_FUNCTION 0xf1 /* IPI: run a function */
#define VEC_STOP 0xf2          /* IPI: halt for good */
#define VEC_FLUSH_TLB 0xf3     /* IPI: flush this CPU's TLB (smp_flush_tlb_mask) */
#define VEC_RESCHED 0xf4       /* IPI: nothing to do but leave; the way out checks the scheduler */
#define VEC_SPURIOUS 0xff

typedef void (*irq_handler_fn)(unsigned int irq, void *data);
/* Route ISA IRQ irq (after ACPI source overrides) through the IOAPIC to the boot CPU and call
 * fn(irq, data) in interrupt context for each one. */
void irq_register_isa(unsigned int irq, irq_handler_fn fn, void *data);
/* Handler for a local vector (timer, IPIs); runs in interrupt context with interrupts off. */
void irq_set_local_handler(unsigned int vec, void (*fn)(struct cpu_regs *regs));
void irq_dispatch(struct cpu_regs *regs);

/* ---- local APIC (apic.c) -------------------------------------------------------------------- */
/* Boot CPU: choose x2APIC (when CPUID has it) or xAPIC at lapic_addr (0: the default
 * 0xfee00000), map it, enable it with every local vector masked. Panics if it cannot be mapped. */
void apic_init_bsp(paddr_t lapic_addr);
/* Each AP, after cpu_init_tables(): the same mode and set-up as the boot CPU. */
void apic_init_ap(void);
/* This CPU's APIC id (32-bit in x2APIC mode, 8-bit in xAPIC mode). */
uint32_t apic_id(void);
bool apic_x2apic_mode(void);
/* End of interrupt for the vector in service (irq_dispatch() does it for every handler). */
void apic_eoi(void);
/* One-shot timer: interrupt on VEC_TIMER after `ticks` APIC timer ticks (0 stops it). */
void apic_timer_oneshot(uint32_t ticks);
/* Periodic timer every `ticks` ticks (the timer check only). */
void apic_timer_periodic(uint32_t ticks);
/* Timer ticks per second, measured against the TSC by apic_calibrate_timer(). */
uint64_t apic_timer_hz(void);
/* Measure the timer against the TSC over 50 ms (after tsc_calibrate(); boot CPU). */
void apic_calibrate_timer(void);
/* A fixed interrupt on vector to the CPU with apic_id; waits (bounded) for the ICR to be free. */
void apic_send_ipi(uint32_t apic_id, unsigned int vector);
/* An NMI to apic_id: reaches a CPU even with interrupts off (used to stop CPUs). */
void apic_send_nmi(uint32_t apic_id);
/* INIT-SIPI-SIPI to start the processor with apic_id at the real-mode page `page`. */
void apic_start_ap(uint32_t apic_id, paddr_t page);

/* ---- TSC (tsc.c) --------------------------------------------------------------------------- */
/* Measure the TSC frequency against the PIT (channel 2, 50 ms); returns kHz. QEMU TCG has no
 * invariant-TSC bit, so the rate is always measured, never read from CPUID. */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);
/* Busy-wait at least us microseconds (after tsc_calibrate; a rough PIT-less spin before). */
void udelay(uint64_t us);

/* ---- ACPI (acpi.c) -------------------------------------------------------------------------- */
struct acpi_info;
/* Find and parse the ACPI tables (RSDP hint from the loader, 0 if none); false when there is no
 * usable MADT (the machine then runs on one CPU with defaults). Call before mm_init: it reads
 * the tables through the boot page tables' map of the first 4 GiB. */
bool acpi_init(paddr_t rsdp_hint);
const struct acpi_info *acpi_get_info(void);

/* ---- interrupt controllers (pic.c, ioapic.c) -------------------------------------------- */
/* Remap the 8259s away from the exception vectors and mask them all; boot CPU, once. */
void pic_disable(void);
/* Map the IOAPICs of the MADT (or the default one at 0xfec00000) with every pin masked; pins
 * are unmasked by irq_register_isa(). Boot CPU, once, after mm_init(). */
void ioapic_init(void);

/* ---- SMP (smp.c) -------------------------------------------------------------------------- */
/* CPUs the firmware lists (1 when ACPI has no MADT), capped at MAX_CPUS. */
unsigned int smp_nr_present(void);
unsigned int smp_nr_online(void);
/* The boot CPU is CPU 0: record its APIC id, install the IPI handlers. After apic_init_bsp(). */
void smp_prepare_bsp(void);
/* Start every other present CPU, one at a time (each gets 1 s; a CPU that does not answer stops
 * the sequence); each runs ap_main() on its own stack, which must call smp_ap_online() and
 * never return. Returns how many CPUs are online in all. Boot CPU, interrupts enabled. */
unsigned int smp_boot(void (*ap_main)(void));
/* Called by an AP's main function once its subsystems are ready: counts it online. */
void smp_ap_online(void);
/* Run fn(arg) on cpu (in interrupt context there) and, if wait, until it returns. Call with
 * interrupts enabled. Returns 0, or -1 if cpu is not online or did not answer within 1 s. */
int smp_call_function(unsigned int cpu, void (*fn)(void *), void *arg, bool wait);
/* Halt every other CPU (fatal errors, power-off), by NMI so that a CPU spinning with interrupts
 * off stops too; waits up to 10 ms for them. */
void smp_stop_others(void);
/*
 * Flush the TLB of every online CPU in mask (this one directly) and return once all have done
 * so. Any context, interrupts on or off: a CPU waiting here, or spinning on a lock, flushes for
 * the others (smp_poll_flush), so two CPUs flushing each other with interrupts off cannot
 * deadlock.
 */
void smp_flush_tlb_mask(uint64_t mask);
/* Do a flush another CPU asked of this one, if any (spin loops call it). */
void smp_poll_flush(void);
/* Make cpu leave guest mode or its halt at once (VEC_RESCHED); no-op for this CPU. */
void smp_send_resched(unsigned int cpu);
/* From the NMI handler: true if this NMI is smp_stop_others() asking this CPU to stop. */
bool smp_stopping(void);
void smp_stop_self(void) __noreturn;

#endif /* HYP_ARCH_ARCH_H */
