build/hyp/arch/cpu.o: hyp/arch/cpu.c hyp/lib/visibility.h hyp/arch/arch.h \
 hyp/arch/layout.h hyp/lib/lib.h hyp/arch/percpu.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/arch/percpu.h:
