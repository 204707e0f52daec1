build/hyp/console/console.o: hyp/console/console.c hyp/lib/visibility.h \
 hyp/arch/arch.h hyp/arch/layout.h hyp/lib/lib.h hyp/console/console.h \
 hyp/console/ring.h hyp/console/serial.h hyp/lib/spinlock.h
hyp/lib/visibility.h:
hyp/arch/arch.h:
hyp/arch/layout.h:
hyp/lib/lib.h:
hyp/console/console.h:
hyp/console/ring.h:
hyp/console/serial.h:
hyp/lib/spinlock.h:
