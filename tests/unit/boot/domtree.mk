# domtree.mk - unit test of the boot-time domain tree parser (hyp/boot/domtree.c) with the real
# libfdt, over trees that dtc compiles from tests/unit/boot/domtree/*.dts at build time.
UNIT_TESTS += domtree
# libfdt's sources are the ones hyp/boot/libfdt.mk extracts into build/: the generic rule
# $(B)/unit/obj/%.o: %.c compiles them like any other source (into build/unit/obj/build/libfdt/).
domtree_SRCS := tests/unit/boot/test_domtree.c hyp/boot/domtree.c $(LIBFDT_SRCS)
DOMTREE_OBJS := $(patsubst %.c,$(B)/unit/obj/%.o,$(domtree_SRCS))
$(DOMTREE_OBJS): UNIT_CFLAGS += $(LIBFDT_INC) -Iguest-abi
$(DOMTREE_OBJS): | $(LIBFDT_STAMP)

# The fixtures: next to the binary, not in build/unit/domtree/, which is the binary itself. The
# test finds them by absolute path, whatever directory it runs in (tests/unit/run.sh keeps the
# caller's).
DOMTREE_DTB_DIR := $(B)/unit/domtree-dtb
DOMTREE_DTBS := $(patsubst tests/unit/boot/domtree/%.dts,$(DOMTREE_DTB_DIR)/%.dtb, \
        $(wildcard tests/unit/boot/domtree/*.dts))
$(B)/unit/obj/tests/unit/boot/test_domtree.o: \
        UNIT_CFLAGS += -DDOMTREE_DTB_DIR='"$(abspath $(DOMTREE_DTB_DIR))"'
# Order-only: the link rule links every normal prerequisite.
$(B)/unit/domtree: | $(DOMTREE_DTBS)

# /incbin/ reads the *.img files beside the .dts.
$(DOMTREE_DTB_DIR)/%.dtb: tests/unit/boot/domtree/%.dts $(wildcard tests/unit/boot/domtree/*.img)
	@mkdir -p $(@D)
	$(call say,DTC     $<)
	$(Q)dtc -I dts -O dtb -o $@ $<
