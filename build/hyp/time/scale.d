build/hyp/time/scale.o: hyp/time/scale.c hyp/lib/visibility.h \
 hyp/time/scale.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/time/scale.h:
hyp/lib/lib.h:
