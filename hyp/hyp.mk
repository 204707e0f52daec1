# hyp.mk - the hypervisor's sources, listed per subsystem (the dependency graph of hyp/).

HYP_ARCH := hyp/arch/boot.S hyp/arch/entry.S hyp/arch/trampoline.S hyp/arch/cpu.c \
            hyp/arch/traps.c hyp/arch/irq.c hyp/arch/pic.c hyp/arch/apic.c hyp/arch/ioapic.c \
            hyp/arch/tsc.c hyp/arch/acpi.c hyp/arch/acpi_tables.c hyp/arch/smp.c hyp/arch/power.c \
            hyp/arch/uaccess.S
HYP_BOOT := hyp/boot/setup.c hyp/boot/multiboot2.c hyp/boot/pvh.c hyp/boot/bootinfo.c \
            hyp/boot/cmdline.c hyp/boot/test_fault.c hyp/boot/domtree.c
HYP_CONSOLE := hyp/console/console.c hyp/console/serial.c hyp/console/ring.c hyp/console/keys.c
HYP_LIB := hyp/lib/string.c hyp/lib/vsnprintf.c hyp/lib/symbols.c
HYP_MM := hyp/mm/mm.c hyp/mm/paging.c hyp/mm/bootmem.c hyp/mm/buddy.c hyp/mm/xheap.c \
          hyp/mm/xmalloc.c hyp/mm/ptype.c
HYP_TIME := hyp/time/time.c hyp/time/scale.c hyp/time/timer_queue.c hyp/time/rtc_date.c
HYP_DOMAIN := hyp/domain/domain.c hyp/domain/elf.c
HYP_HYPERCALL := hyp/hypercall/hypercall.c hyp/hypercall/guest_access.c \
                 hyp/hypercall/hc_console.c hyp/hypercall/hc_version.c hyp/hypercall/hc_sched.c hyp/hypercall/hc_vcpu.c
HYP_PV := hyp/pv/pv.c hyp/pv/traps.c hyp/pv/hypercalls.c hyp/pv/emulate.c hyp/pv/build.c \
          hyp/pv/mm.c hyp/pv/mmuext.c hyp/pv/memory.c hyp/pv/audit.c hyp/pv/ptwr.c \
          hyp/pv/descriptors.c hyp/pv/physdev.c hyp/pv/ptwr_insn.c hyp/pv/time.c \
          hyp/pv/switch.c hyp/pv/vcpu.c

# Event channels (hyp/events/), the scheduler (hyp/sched/), the boot-time domain tree (libfdt is
# unpacked into build/ from Debian's linux-source-6.1, see hyp/boot/libfdt.mk).
HYP_EVENTS := hyp/events/evtchn.c hyp/events/evtchn_2l.c
HYP_SCHED := hyp/sched/credit.c hyp/sched/sched.c

HYP_SRCS := $(HYP_ARCH) $(HYP_BOOT) $(HYP_CONSOLE) $(HYP_LIB) $(HYP_MM) $(HYP_TIME) \
            $(HYP_DOMAIN) $(HYP_HYPERCALL) $(HYP_PV) $(HYP_EVENTS) $(HYP_SCHED)
