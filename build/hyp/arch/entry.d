build/hyp/arch/entry.o: hyp/arch/entry.S hyp/arch/layout.h
hyp/arch/layout.h:
