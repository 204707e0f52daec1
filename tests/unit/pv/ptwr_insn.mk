# ptwr_insn.mk - unit test of the writable-page-table instruction decoder and executor.
UNIT_TESTS += ptwr_insn
ptwr_insn_SRCS := tests/unit/pv/test_ptwr_insn.c hyp/pv/ptwr_insn.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(ptwr_insn_SRCS)): UNIT_CFLAGS += -Iguest-abi
