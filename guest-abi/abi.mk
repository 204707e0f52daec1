# abi.mk - `make check-abi`: every guest-abi header compiles on its own, twice in a row (include
# guard), as C99, as C++11 and as assembly (__ASSEMBLY__: numbers only). Included by the top
# Makefile; the layout comparison against Xen's own headers is the unit test tests/unit/abi/.

ABI_HEADERS := $(sort $(wildcard guest-abi/hv/*.h))
ABI_NAMES := $(notdir $(basename $(ABI_HEADERS)))
ABI_CFLAGS := -Wall -Wextra -Werror -pedantic -fsyntax-only -Iguest-abi
ABI_STAMPS := $(foreach n,$(ABI_NAMES),$(B)/abi/$(n).c99 $(B)/abi/$(n).cxx $(B)/abi/$(n).asm)
# The hypercall helpers have two variants; the page one is checked on its own as well.
ABI_STAMPS += $(B)/abi/hypercall_x86_64-page.c99 $(B)/abi/hypercall_x86_64-page.cxx

ABI_TARGETS += $(ABI_STAMPS)

# A translation unit of one header, included twice, plus a declaration so that ISO C's
# "empty translation unit" rule does not fire for headers that only define numbers.
abi_tu = printf '\#include "hv/%s.h"\n\#include "hv/%s.h"\ntypedef int abi_nonempty;\n' $(1) $(1)

$(B)/abi/%.c99: guest-abi/hv/%.h $(ABI_HEADERS) guest-abi/abi.mk
	@mkdir -p $(@D)
	$(call say,ABI-C99 $<)
	$(Q)$(call abi_tu,$*) | gcc -std=c99 $(ABI_CFLAGS) -x c - && touch $@

$(B)/abi/%.cxx: guest-abi/hv/%.h $(ABI_HEADERS) guest-abi/abi.mk
	@mkdir -p $(@D)
	$(call say,ABI-C++ $<)
	$(Q)$(call abi_tu,$*) | g++ -std=c++11 $(ABI_CFLAGS) -x c++ - && touch $@

$(B)/abi/%.asm: guest-abi/hv/%.h $(ABI_HEADERS) guest-abi/abi.mk
	@mkdir -p $(@D)
	$(call say,ABI-AS  $<)
	$(Q)printf '#include "hv/%s.h"\n' $* | \
		gcc -D__ASSEMBLY__ -Iguest-abi -x assembler-with-cpp -c - -o /dev/null && touch $@

ABI_PAGE_DEPS := guest-abi/hv/hypercall_x86_64.h $(ABI_HEADERS) guest-abi/abi.mk
$(B)/abi/hypercall_x86_64-page.c99: $(ABI_PAGE_DEPS)
	@mkdir -p $(@D)
	$(call say,ABI-C99 $< (page))
	$(Q)$(call abi_tu,hypercall_x86_64) | \
		gcc -std=c99 -DHV_USE_HYPERCALL_PAGE $(ABI_CFLAGS) -x c - && touch $@

$(B)/abi/hypercall_x86_64-page.cxx: $(ABI_PAGE_DEPS)
	@mkdir -p $(@D)
	$(call say,ABI-C++ $< (page))
	$(Q)$(call abi_tu,hypercall_x86_64) | \
		g++ -std=c++11 -DHV_USE_HYPERCALL_PAGE $(ABI_CFLAGS) -x c++ - && touch $@

.PHONY: check-abi
check-abi: $(ABI_STAMPS)
	@echo "check-abi: $(words $(ABI_HEADERS)) headers compile alone as C99, C++11 and assembly"
