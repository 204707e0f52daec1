build/hyp/lib/vsnprintf.o: hyp/lib/vsnprintf.c hyp/lib/visibility.h \
 hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/lib/lib.h:
