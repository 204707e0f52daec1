build/hyp/arch/pic.o: hyp/arch/pic.c hyp/lib/visibility.h hyp/arch/arch.h \
 hyp/arch/layout.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
