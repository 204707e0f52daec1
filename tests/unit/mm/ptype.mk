# ptype.mk - unit test of the page-type system (hyp/mm/ptype.c) over the fake machine of
# fake_mem.c, which the libFuzzer harness tests/fuzz/fuzz_ptype.c shares.
UNIT_TESTS += ptype
ptype_SRCS := tests/unit/mm/test_ptype.c tests/unit/mm/fake_mem.c hyp/mm/ptype.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(ptype_SRCS)): UNIT_CFLAGS += -Iguest-abi

# Instruction counts of one L1 validation (512 entries) and devalidation, per entry shape, under
# callgrind: `make bench-ptype-host` (valgrind; not part of `make bench`). -O2 as the hypervisor.
BENCH_PTYPE_SRCS := tests/bench/host/bench_ptype.c tests/unit/mm/fake_mem.c hyp/mm/ptype.c \
        tests/unit/support/stubs.c hyp/lib/vsnprintf.c
$(B)/bench/host/bench_ptype: $(BENCH_PTYPE_SRCS) tests/unit/mm/fake_mem.h hyp/mm/ptype.h
	@mkdir -p $(@D)
	$(call say,HOSTCC  $@)
	$(Q)gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror -DHOST_TEST -Dvsnprintf=hyp_vsnprintf \
	        -Dsnprintf=hyp_snprintf -Ihyp -Iguest-abi -Itests/unit/support -Itests/unit/mm \
	        -o $@ $(BENCH_PTYPE_SRCS)

.PHONY: bench-ptype-host
bench-ptype-host: $(B)/bench/host/bench_ptype
	@tests/tools/deps.sh valgrind
	@for s in rw-fresh rw-writable ro empty; do \
	    for f in bench_validate bench_devalidate; do \
	        valgrind --tool=callgrind --toggle-collect=$$f --callgrind-out-file=/dev/null \
	            $< $$s 2>&1 | sed -n "s/.*Collected : \([0-9]*\)/$$s $$f Ir \1/p"; \
	    done; \
	done
