build/hyp/lib/symbols.o: hyp/lib/symbols.c hyp/lib/visibility.h \
 hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/lib/lib.h:
