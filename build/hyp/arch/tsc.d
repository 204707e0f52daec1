build/hyp/arch/tsc.o: hyp/arch/tsc.c hyp/lib/visibility.h hyp/arch/arch.h \
 hyp/arch/layout.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
