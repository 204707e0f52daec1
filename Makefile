# Hearth top-level Makefile. `make` builds everything into build/; see README.md for the targets.

.DEFAULT_GOAL := all
SHELL := /bin/bash
B := build
# `make V=1` shows every command; by default one short line per step.
ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @echo "  $(1)"
endif

# ---------------------------------------------------------------------------------------------
# Debian packages the build and the tests need. `make deps` installs what is missing.
DEPS := gcc make binutils python3 qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
        check pkg-config python3-pexpect bochs bochs-x bochsbios vgabios libxen-dev g++ \
        linux-source-6.1 device-tree-compiler
# ---------------------------------------------------------------------------------------------

WARN := -std=c11 -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wstrict-prototypes \
        -Wimplicit-fallthrough

# Hypervisor: freestanding, no SSE, no red zone (interrupts use the stack), frame pointers for
# backtraces. -fpie with a fixed link address lets the image live at 0xffff82d040000000, inside
# the hypervisor's L4 slots, which -mcmodel=kernel (top 2 GiB) cannot reach. Link-time
# optimization (one partition, so both links of the image lay out code identically) inlines the
# small cross-subsystem calls of hot paths, such as mm_frame() in every page-table update.
HYP_CFLAGS := $(WARN) -O2 -g -flto -flto-partition=one -ffreestanding -fno-builtin-printf \
        -fno-stack-protector -fpie -fno-plt -mno-red-zone -mgeneral-regs-only \
        -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fcf-protection=none \
        -fno-jump-tables -nostdinc -isystem $(shell gcc -print-file-name=include) -Ihyp \
        -Iguest-abi -include hyp/lib/visibility.h -MMD -MP
HYP_ASFLAGS := -D__ASSEMBLY__ -g -Ihyp -MMD -MP
HYP_LDFLAGS := $(HYP_CFLAGS) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
        -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,-T,hyp/arch/hyp.ld

include hyp/hyp.mk
include hyp/boot/libfdt.mk

HYP_OBJS := $(patsubst %.c,$(B)/%.o,$(filter %.c,$(HYP_SRCS))) \
            $(patsubst %.S,$(B)/%.o,$(filter %.S,$(HYP_SRCS))) $(LIBFDT_OBJS)

$(B)/hyp/%.o: hyp/%.c
	@mkdir -p $(@D)
	$(call say,CC      $<)
	$(Q)gcc $(HYP_CFLAGS) -c $< -o $@

$(B)/hyp/%.o: hyp/%.S
	@mkdir -p $(@D)
	$(call say,AS      $<)
	$(Q)gcc $(HYP_ASFLAGS) -c $< -o $@

# Two links: the first with an empty symbol table, whose `nm` output becomes the table of the
# second. The table sits after everything else in the image, so no other address moves.
$(B)/hyp/syms0.o: hyp/tools/mksyms.py
	@mkdir -p $(@D)
	$(Q)python3 hyp/tools/mksyms.py < /dev/null > $(B)/hyp/syms0.S
	$(Q)gcc $(HYP_ASFLAGS) -c $(B)/hyp/syms0.S -o $@

$(B)/hyp/hyp-stage1.elf: $(HYP_OBJS) $(B)/hyp/syms0.o hyp/arch/hyp.ld
	$(call say,LD      $@)
	$(Q)gcc $(HYP_LDFLAGS) -o $@ $(HYP_OBJS) $(B)/hyp/syms0.o

$(B)/hyp/syms.o: $(B)/hyp/hyp-stage1.elf hyp/tools/mksyms.py
	$(call say,SYMS    $@)
	$(Q)nm -n $< | python3 hyp/tools/mksyms.py > $(B)/hyp/syms.S
	$(Q)gcc $(HYP_ASFLAGS) -c $(B)/hyp/syms.S -o $@

$(B)/hyp/hyp.elf: $(B)/hyp/syms.o
	$(call say,LD      $@)
	$(Q)gcc $(HYP_LDFLAGS) -o $@ $(HYP_OBJS) $(B)/hyp/syms.o
	$(Q)python3 hyp/tools/checkimage.py $(B)/hyp/hyp-stage1.elf $@

# ---------------------------------------------------------------------------------------------
# Boot ISO: GRUB (BIOS) with multiboot2 for hyp and one module2 per module.
ISO_MODULES := hyp/boot/hello.mod
$(B)/hearth.iso: $(B)/hyp/hyp.elf hyp/boot/grub.cfg $(ISO_MODULES)
	$(call say,ISO     $@)
	$(Q)rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub
	$(Q)cp $(B)/hyp/hyp.elf $(B)/iso/boot/hyp.elf
	$(Q)cp $(ISO_MODULES) $(B)/iso/boot/
	$(Q)cp hyp/boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(Q)grub-mkrescue -o $@ $(B)/iso 2> $(B)/grub-mkrescue.log || { cat $(B)/grub-mkrescue.log; exit 1; }

# ---------------------------------------------------------------------------------------------
# Host unit tests (Check, ASan + UBSan).
UNIT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wimplicit-fallthrough -Wmissing-prototypes \
        -Wstrict-prototypes -O1 -g \
        -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer \
        -DHOST_TEST -Dvsnprintf=hyp_vsnprintf -Dsnprintf=hyp_snprintf \
        -Ihyp -Itests/unit/support -MMD -MP
UNIT_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)
UNIT_COMMON := tests/unit/support/stubs.c hyp/lib/vsnprintf.c

UNIT_TESTS :=
include tests/unit/unit.mk

# ---------------------------------------------------------------------------------------------
# guest-abi/ checks (check-abi) and the PV test kernels (tests/guests/), each in its own fragment.
ABI_TARGETS :=
GUEST_KERNELS :=
-include guest-abi/abi.mk
-include tests/guests/guests.mk
include tests/bench/bench.mk
include tests/fuzz/fuzz.mk

# Fuzzing with libFuzzer (clang): `make fuzz` runs every harness for FUZZ_SECONDS each.
FUZZ_DEPS := clang libclang-rt-14-dev
.PHONY: fuzz
fuzz:
	@tests/tools/deps.sh $(FUZZ_DEPS)
	$(MAKE) fuzz-elf

define unit_rule
$(B)/unit/$(1): $(patsubst %.c,$(B)/unit/obj/%.o,$(sort $($(1)_SRCS) $(UNIT_COMMON)))
	$(call say,LINK    $$@)
	$(Q)gcc $(UNIT_CFLAGS) -o $$@ $$^ $(UNIT_LIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

$(B)/unit/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call say,HOSTCC  $<)
	$(Q)gcc $(UNIT_CFLAGS) -c $< -o $@

UNIT_BINS := $(addprefix $(B)/unit/,$(UNIT_TESTS))

# ---------------------------------------------------------------------------------------------
.PHONY: all hyp iso deps run debug test test-unit test-integration clean
all: hyp iso $(UNIT_BINS) $(GUEST_KERNELS)
hyp: $(B)/hyp/hyp.elf
iso: $(B)/hearth.iso

deps:
	@tests/tools/deps.sh $(DEPS)

QEMU := qemu-system-x86_64 -accel tcg -cpu max -m 512M -smp 2 -no-reboot \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04

# QEMU exits with 33 when Hearth powers off (isa-debug-exit): that is a clean end, not an error.
run: deps
	$(MAKE) iso
	$(QEMU) -nographic -boot d -nic none -cdrom $(B)/hearth.iso || [ $$? -eq 33 ]

debug: deps
	$(MAKE) iso
	@echo "QEMU waits for gdb: gdb -ex 'target remote :1234' $(B)/hyp/hyp.elf"
	$(QEMU) -nographic -boot d -nic none -cdrom $(B)/hearth.iso -s -S || [ $$? -eq 33 ]

test: deps
	$(MAKE) all
	$(MAKE) test-unit
	$(MAKE) fuzz-test
	$(MAKE) test-integration

test-unit: check-abi $(UNIT_BINS)
	@tests/unit/run.sh $(UNIT_BINS)

test-integration: hyp iso
	python3 tests/integration/run.py --build $(B)

# The same PV test kernels as dom0 of real Xen 4.17 (Debian's) in the same QEMU: the cross-check
# of Hearth's ABI. Not part of `make test` (about 5 s per kernel).
XEN_DEPS := xen-hypervisor-4.17-amd64
.PHONY: test-on-xen
test-on-xen:
	@tests/tools/deps.sh $(DEPS) $(XEN_DEPS)
	$(MAKE) guests
	@pass=0; fail=0; skip=0; for k in $(GUEST_XEN_KERNELS); do \
	    tests/guests/run-on-xen.sh -t 120 $$k; rc=$$?; \
	    if [ $$rc -eq 0 ]; then pass=$$((pass+1)); \
	    elif [ $$rc -eq 3 ]; then skip=$$((skip+1)); echo "SKIP $$k"; \
	    else fail=$$((fail+1)); echo "FAIL $$k"; fi; \
	done; echo "$$pass passed, $$fail failed, $$skip skipped"; [ $$fail -eq 0 ]

clean:
	rm -rf $(B)

-include $(shell find $(B) -name '*.d' 2>/dev/null)
