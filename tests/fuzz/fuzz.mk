# fuzz.mk - libFuzzer harnesses (clang, ASan + UBSan) for parsers of hostile input.
#   make fuzz-elf               run the PV kernel ELF parser's harness for FUZZ_SECONDS (30)
#   make -f tests/fuzz/fuzz.mk fuzz-elf   the same without the top-level Makefile
# The corpus grows in build/fuzz/corpus-elf; crashes are written to build/fuzz/.
B ?= build
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 30
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror \
        -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
        -DHOST_TEST -Dvsnprintf=hyp_vsnprintf -Dsnprintf=hyp_snprintf \
        -Ihyp -Itests/unit/support -Itests/unit/domain

FUZZ_ELF_SRCS := tests/fuzz/fuzz_elf.c hyp/domain/elf.c hyp/lib/vsnprintf.c \
        tests/unit/support/stubs.c
FUZZ_ELF_DEPS := $(FUZZ_ELF_SRCS) hyp/domain/elf.h hyp/lib/lib.h tests/unit/domain/elf_image.h \
        tests/unit/support/support.h

$(B)/fuzz/fuzz_elf: $(FUZZ_ELF_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $(FUZZ_ELF_SRCS)

.PHONY: fuzz-elf
fuzz-elf: $(B)/fuzz/fuzz_elf
	@mkdir -p $(B)/fuzz/corpus-elf
	cd $(B)/fuzz && ./fuzz_elf -max_total_time=$(FUZZ_SECONDS) -max_len=16384 \
	        -print_final_stats=1 corpus-elf

# The page-type system (hyp/mm/ptype.c) driven by guest-like operations on the fake machine of
# tests/unit/mm/fake_mem.c, its reference checker run after every operation.
#   make fuzz-ptype             FUZZ_PTYPE_SECONDS (300); part of `make fuzz`
#   make fuzz-short             every harness for a bounded time: ptype 60 s, ELF 10 s
# FUZZ_PTYPE_FLAGS=-DFUZZ_PTYPE_TRACE (or _STATS) builds the debugging variants (fuzz_ptype.c).
FUZZ_DEPS ?= clang libclang-rt-14-dev
FUZZ_PTYPE_SECONDS ?= 300
FUZZ_PTYPE_FLAGS ?=
FUZZ_SHORT_PTYPE_SECONDS ?= 60
FUZZ_SHORT_ELF_SECONDS ?= 10
FUZZ_PTYPE_SRCS := tests/fuzz/fuzz_ptype.c tests/unit/mm/fake_mem.c hyp/mm/ptype.c \
        hyp/lib/vsnprintf.c tests/unit/support/stubs.c
FUZZ_PTYPE_DEPS := $(FUZZ_PTYPE_SRCS) hyp/mm/ptype.h hyp/mm/page_info.h hyp/lib/lib.h \
        tests/unit/mm/fake_mem.h tests/unit/support/support.h guest-abi/hv/errno.h

$(B)/fuzz/fuzz_ptype: $(FUZZ_PTYPE_DEPS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/unit/mm -Iguest-abi $(FUZZ_PTYPE_FLAGS) -o $@ \
	        $(FUZZ_PTYPE_SRCS)

# Runs the harness for $(1) seconds on the corpus kept in build/fuzz/corpus-ptype.
fuzz_ptype_run = cd $(B)/fuzz && ./fuzz_ptype -max_total_time=$(1) -max_len=4096 -timeout=10 \
        -print_final_stats=1 corpus-ptype

.PHONY: fuzz-ptype fuzz-short
fuzz-ptype:
	@tests/tools/deps.sh $(FUZZ_DEPS)
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) $(B)/fuzz/fuzz_ptype
	@mkdir -p $(B)/fuzz/corpus-ptype
	$(call fuzz_ptype_run,$(FUZZ_PTYPE_SECONDS))

fuzz-short:
	@tests/tools/deps.sh $(FUZZ_DEPS)
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) $(B)/fuzz/fuzz_ptype $(B)/fuzz/fuzz_elf
	@mkdir -p $(B)/fuzz/corpus-ptype $(B)/fuzz/corpus-elf
	$(call fuzz_ptype_run,$(FUZZ_SHORT_PTYPE_SECONDS))
	cd $(B)/fuzz && ./fuzz_elf -max_total_time=$(FUZZ_SHORT_ELF_SECONDS) -max_len=16384 \
	        -print_final_stats=1 corpus-elf

# `make fuzz` (top-level Makefile) runs this harness too.
fuzz: fuzz-ptype

# Part of `make test`: the page-type harness for a fixed number of runs from a fixed seed and an
# empty corpus, so the run is the same on every machine (about 20 s); `make fuzz` explores more.
FUZZ_TEST_RUNS ?= 100000
.PHONY: fuzz-test
fuzz-test:
	@tests/tools/deps.sh $(FUZZ_DEPS)
	$(MAKE) -f $(firstword $(MAKEFILE_LIST)) $(B)/fuzz/fuzz_ptype
	@rm -rf $(B)/fuzz/corpus-test && mkdir -p $(B)/fuzz/corpus-test
	cd $(B)/fuzz && ./fuzz_ptype -seed=1 -runs=$(FUZZ_TEST_RUNS) -max_len=4096 -timeout=10 \
	        -print_final_stats=1 corpus-test 2>&1 | grep -E '^(Done|stat::number_of_executed|==|SUMMARY|fuzz_ptype:)'; \
	        test $${PIPESTATUS[0]} -eq 0
