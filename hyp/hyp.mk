# hyp.mk - the hypervisor's sources, listed per subsystem (the dependency graph of hyp/).
HYP_SRCS :=
