build/hyp/lib/string.o: hyp/lib/string.c hyp/lib/visibility.h \
 hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/lib/lib.h:
