build/hyp/syms0.o: build/hyp/syms0.S
