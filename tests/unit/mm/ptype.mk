# ptype.mk - unit test of the page-type system (hyp/mm/ptype.c) over the fake machine of
# fake_mem.c, which the libFuzzer harness tests/fuzz/fuzz_ptype.c shares.
UNIT_TESTS += ptype
ptype_SRCS := tests/unit/mm/test_ptype.c tests/unit/mm/fake_mem.c hyp/mm/ptype.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(ptype_SRCS)): UNIT_CFLAGS += -Iguest-abi
