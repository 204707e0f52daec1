build/hyp/syms.o: build/hyp/syms.S
