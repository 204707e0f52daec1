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
