build/hyp/console/keys.o: hyp/console/keys.c hyp/lib/visibility.h \
 hyp/console/console.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/console/console.h:
hyp/lib/lib.h:
