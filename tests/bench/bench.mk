# bench.mk - benchmark guests (tests/bench/<name>/main.c, built on the PV test-kernel library of
# tests/guests/lib) and `make bench` / `make bench-on-xen`.

BENCH_KERNELS_NAMES := null_hypercall mm_ops evt_ipi
BENCH_KERNELS := $(addprefix $(B)/bench/,$(addsuffix .elf,$(BENCH_KERNELS_NAMES)))

$(B)/bench/%.o: tests/bench/%.c
	@mkdir -p $(@D)
	$(call say,CC      $<)
	$(Q)gcc $(GUEST_CFLAGS) -c $< -o $@

define bench_rule
$(B)/bench/$(1).elf: $(B)/bench/$(1)/main.o $(GUEST_LIB_OBJS) tests/guests/lib/link.ld
	$$(call say,LD      $$@)
	$(Q)gcc $(GUEST_LDFLAGS) -Wl,-T,tests/guests/lib/link.ld -o $$@ $(B)/bench/$(1)/main.o \
		$(GUEST_LIB_OBJS)
endef
$(foreach t,$(BENCH_KERNELS_NAMES),$(eval $(call bench_rule,$(t))))

.PHONY: bench bench-on-xen
bench: deps
	$(MAKE) hyp $(BENCH_KERNELS)
	@tests/bench/run-bench.sh hearth $(B) $(BENCH_KERNELS)

bench-on-xen: deps
	@tests/tools/deps.sh $(XEN_DEPS)
	$(MAKE) $(BENCH_KERNELS)
	@tests/bench/run-bench.sh xen $(B) $(BENCH_KERNELS)
