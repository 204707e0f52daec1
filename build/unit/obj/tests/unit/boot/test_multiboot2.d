build/unit/obj/tests/unit/boot/test_multiboot2.o: \
 tests/unit/boot/test_multiboot2.c hyp/boot/multiboot2.h \
 hyp/boot/bootinfo.h hyp/lib/lib.h tests/unit/support/support.h
hyp/boot/multiboot2.h:
hyp/boot/bootinfo.h:
hyp/lib/lib.h:
tests/unit/support/support.h:
