build/hyp/boot/setup.o: hyp/boot/setup.c hyp/lib/visibility.h \
 hyp/arch/acpi_tables.h hyp/lib/lib.h hyp/arch/arch.h hyp/arch/layout.h \
 hyp/arch/percpu.h hyp/boot/bootinfo.h hyp/boot/cmdline.h \
 hyp/boot/multiboot2.h hyp/boot/pvh.h hyp/boot/test_fault.h \
 hyp/console/console.h hyp/mm/mm.h hyp/mm/page_info.h hyp/time/time.h \
 hyp/time/timer_queue.h
hyp/lib/visibility.h:
hyp/arch/acpi_tables.h:
hyp/lib/lib.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/arch/percpu.h:
hyp/boot/bootinfo.h:
hyp/boot/cmdline.h:
hyp/boot/multiboot2.h:
hyp/boot/pvh.h:
hyp/boot/test_fault.h:
hyp/console/console.h:
hyp/mm/mm.h:
hyp/mm/page_info.h:
hyp/time/time.h:
hyp/time/timer_queue.h:
