build/unit/obj/hyp/lib/vsnprintf.o: hyp/lib/vsnprintf.c hyp/lib/lib.h
hyp/lib/lib.h:
