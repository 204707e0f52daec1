# bench.mk - benchmark guests (tests/bench/<name>/main.c, built on the PV test-kernel library of
# tests/guests/lib) and `make bench` / `make bench-on-xen`.

BENCH_KERNELS_NAMES := null_hypercall mm_ops evt_ipi
BENCH_KERNELS := $(addprefix $(B)/bench/,$(addsuffix .elf,$(BENCH_KERNELS_NAMES)))
# Kernels only booted through a scenario (several domains from one device tree), and the
# scenarios: tests/bench/scenarios/*.dts here, and the guest-test scenarios that print figures
# (event-channel round trips on one CPU and across CPUs, timer lateness, wake-up latency).
BENCH_SCENARIO_KERNELS := $(B)/bench/yield_switch.elf
BENCH_SCENARIOS := $(B)/bench/switch.dtb $(B)/guests/evt_pingpong.dtb \
        $(B)/guests/evt_pingpong_smp.dtb $(B)/guests/timer_virq.dtb $(B)/guests/sched_io.dtb

$(B)/bench/%.dtb: tests/bench/scenarios/%.dts $(BENCH_SCENARIO_KERNELS)
	$(call say,DTC     $@)
	$(Q)dtc -q -I dts -O dtb -i $(B)/bench -o $@ $<

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
$(foreach t,$(BENCH_KERNELS_NAMES) yield_switch,$(eval $(call bench_rule,$(t))))

.PHONY: bench bench-on-xen
bench: deps
	$(MAKE) hyp $(BENCH_KERNELS) $(BENCH_SCENARIOS)
	@tests/bench/run-bench.sh hearth $(B) $(BENCH_KERNELS) $(BENCH_SCENARIOS)

bench-on-xen: deps
	@tests/tools/deps.sh $(XEN_DEPS)
	$(MAKE) $(BENCH_KERNELS)
	@tests/bench/run-bench.sh xen $(B) $(BENCH_KERNELS)
