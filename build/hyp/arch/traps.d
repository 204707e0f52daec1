build/hyp/arch/traps.o: hyp/arch/traps.c hyp/lib/visibility.h \
 hyp/arch/arch.h hyp/arch/layout.h hyp/lib/lib.h hyp/arch/percpu.h \
 hyp/console/console.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/arch/percpu.h:
hyp/console/console.h:
