build/hyp/arch/irq.o: hyp/arch/irq.c hyp/lib/visibility.h hyp/arch/arch.h \
 hyp/arch/layout.h hyp/lib/lib.h hyp/arch/ioapic.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/arch/ioapic.h:
