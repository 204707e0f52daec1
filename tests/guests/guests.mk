# PV test kernels (tests/guests/): build/guests/<name>.elf for each test directory listed below.
# Included by the top Makefile, which supplies B, WARN, Q and say; each kernel is appended to
# GUEST_KERNELS. Run one on real Xen with tests/guests/run-on-xen.sh build/guests/<name>.elf.

GUEST_TESTS := hello xen_version traps cpuid hostile_console hypercall_args user_mode fpu failsafe \
        console_read crash continuation update_descriptor_pt iret_compat user_privileged \
        compat_syscall \
        privileged mm_pin mm_update \
        mm_ptwr mm_memory_op mm_m2p mm_ldt_pageops mm_user_as time_info
# Page-type rules (memory management), tests/guests/lib/mm.h.
GUEST_TESTS += mm_refuse mm_linear mm_batch mm_rollback mm_unpin_inuse mm_stale evt_upcall
# Kernels that only make sense next to other domains: booted by the scenarios below, never alone
# as dom0 (each directory has a SCENARIO_ONLY file, which tells the integration runner).
GUEST_MULTI_TESTS := evt_pingpong evt_hostile sched_hog sched_io timer_virq
GUEST_TESTS += $(GUEST_MULTI_TESTS)
GUEST_LIB_SRCS := tests/guests/lib/head.S tests/guests/lib/setup.c tests/guests/lib/printf.c \
        tests/guests/lib/string.c tests/guests/lib/traps.c tests/guests/lib/mm.c \
        tests/guests/lib/mm2.c tests/guests/lib/events.c

# Freestanding, ring-3 PV kernel code: no red zone (Xen bounces exceptions onto the current
# stack), no SSE, linked at 0xffffffff80000000 (-mcmodel=kernel: the top 2 GiB), not PIC.
GUEST_CFLAGS := $(WARN) -O2 -g -ffreestanding -fno-stack-protector -fno-pic -fno-pie \
        -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -fno-asynchronous-unwind-tables \
        -fcf-protection=none -fno-omit-frame-pointer -nostdinc \
        -isystem $(shell gcc -print-file-name=include) -Itests/guests/lib -MMD -MP
GUEST_ASFLAGS := -D__ASSEMBLY__ -g -Itests/guests/lib -MMD -MP
GUEST_LDFLAGS := -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack
# A test may bring its own link script (tests/guests/<name>/link.ld), e.g. to be linked low.
guest_ld = $(or $(wildcard tests/guests/$(1)/link.ld),tests/guests/lib/link.ld)

GUEST_LIB_OBJS := $(patsubst tests/guests/%.c,$(B)/guests/%.o,$(filter %.c,$(GUEST_LIB_SRCS))) \
        $(patsubst tests/guests/%.S,$(B)/guests/%.o,$(filter %.S,$(GUEST_LIB_SRCS)))

$(B)/guests/%.o: tests/guests/%.c
	@mkdir -p $(@D)
	$(call say,CC      $<)
	$(Q)gcc $(GUEST_CFLAGS) -c $< -o $@

$(B)/guests/%.o: tests/guests/%.S
	@mkdir -p $(@D)
	$(call say,AS      $<)
	$(Q)gcc $(GUEST_ASFLAGS) -c $< -o $@

define guest_rule
$(B)/guests/$(1).elf: $(B)/guests/$(1)/main.o $(GUEST_LIB_OBJS) $(call guest_ld,$(1))
	$$(call say,LD      $$@)
	$(Q)gcc $(GUEST_LDFLAGS) -Wl,-T,$(call guest_ld,$(1)) -o $$@ $(B)/guests/$(1)/main.o $(GUEST_LIB_OBJS)
endef
$(foreach t,$(GUEST_TESTS),$(eval $(call guest_rule,$(t))))

GUEST_KERNELS += $(addprefix $(B)/guests/,$(addsuffix .elf,$(GUEST_TESTS)))
# For `make test-on-xen`: all but the ones that need the integration runner (typed input, a
# crash report instead of a result line).
GUEST_XEN_KERNELS := $(addprefix $(B)/guests/,$(addsuffix .elf,$(filter-out console_read crash \
        $(GUEST_MULTI_TESTS),$(GUEST_TESTS))))

# Multi-domain scenarios: tests/guests/scenarios/<name>.dts, a boot-domains device tree (format in
# hyp/boot/domtree.h) that embeds its kernels with /incbin/("<kernel>.elf"), compiled with
# build/guests as the include path into build/guests/<name>.dtb: one -initrd for the whole
# scenario. tests/integration/run.py boots each one and names what it expects.
GUEST_SCENARIOS := evt_pingpong evt_pingpong_smp evt_hostile many_domains crash_isolation timer_virq \
        sched_weights sched_cap sched_io
GUEST_SCENARIO_DTBS := $(addprefix $(B)/guests/,$(addsuffix .dtb,$(GUEST_SCENARIOS)))

# Every kernel is a prerequisite: a tree may /incbin/ any of them.
$(B)/guests/%.dtb: tests/guests/scenarios/%.dts $(addprefix $(B)/guests/,$(addsuffix .elf,$(GUEST_TESTS)))
	$(call say,DTC     $@)
	$(Q)dtc -q -I dts -O dtb -i $(B)/guests -o $@ $<

GUEST_KERNELS += $(GUEST_SCENARIO_DTBS)

.PHONY: guests
guests: $(addprefix $(B)/guests/,$(addsuffix .elf,$(GUEST_TESTS))) $(GUEST_SCENARIO_DTBS)
