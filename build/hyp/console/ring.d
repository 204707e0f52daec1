build/hyp/console/ring.o: hyp/console/ring.c hyp/lib/visibility.h \
 hyp/console/ring.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/console/ring.h:
hyp/lib/lib.h:
