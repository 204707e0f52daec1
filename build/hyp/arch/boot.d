build/hyp/arch/boot.o: hyp/arch/boot.S hyp/arch/layout.h
hyp/arch/layout.h:
