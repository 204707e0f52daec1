build/hyp/boot/test_fault.o: hyp/boot/test_fault.c hyp/lib/visibility.h \
 hyp/boot/test_fault.h hyp/lib/lib.h
hyp/lib/visibility.h:
hyp/boot/test_fault.h:
hyp/lib/lib.h:
