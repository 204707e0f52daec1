build/unit/obj/hyp/console/ring.o: hyp/console/ring.c hyp/console/ring.h \
 hyp/lib/lib.h
hyp/console/ring.h:
hyp/lib/lib.h:
