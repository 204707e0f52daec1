build/hyp/arch/trampoline.o: hyp/arch/trampoline.S
