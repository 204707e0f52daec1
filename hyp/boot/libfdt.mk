# libfdt.mk - libfdt for the boot-time domain tree (hyp/boot/domtree.c): unpacked at build time from
# Debian's linux-source-6.1 (never copied into the repo) and compiled into the hypervisor.
#
# Gives: LIBFDT_OBJS (the hypervisor links them: see HYP_OBJS in the top Makefile), LIBFDT_SRCS
# and LIBFDT_INC (for host unit tests, see tests/unit/boot/domtree.mk), LIBFDT_STAMP (what every
# object including <libfdt.h> waits for, order-only).

LIBFDT_TARBALL := /usr/src/linux-source-6.1.tar.xz
LIBFDT_MEMBER := linux-source-6.1/scripts/dtc/libfdt
LIBFDT_DIR := $(B)/libfdt
# Only what a reader of trees needs: the read-only functions, the checks they share, the error
# strings. libfdt_env.h stays in the tarball: it includes the hosted C library's headers, and
# hyp/boot/libfdt_env.h replaces it. It must not be extracted at all, because libfdt's
# `#include "libfdt_env.h"` looks in libfdt's own directory before any -I.
LIBFDT_C := fdt.c fdt_ro.c fdt_strerror.c
LIBFDT_H := fdt.h libfdt.h libfdt_internal.h
LIBFDT_SRCS := $(addprefix $(LIBFDT_DIR)/,$(LIBFDT_C))
LIBFDT_HDRS := $(addprefix $(LIBFDT_DIR)/,$(LIBFDT_H))
LIBFDT_OBJS := $(LIBFDT_SRCS:.c=.o)
LIBFDT_STAMP := $(LIBFDT_DIR)/.extracted
LIBFDT_INC := -I$(LIBFDT_DIR) -Ihyp/boot

# One tar run (xz: several seconds). -m gives the files the time of extraction, not 2022's.
$(LIBFDT_STAMP): $(LIBFDT_TARBALL) hyp/boot/libfdt.mk
	$(call say,UNTAR   libfdt from $(LIBFDT_TARBALL))
	$(Q)rm -rf $(LIBFDT_DIR) && mkdir -p $(LIBFDT_DIR)
	$(Q)tar -xJf $(LIBFDT_TARBALL) -C $(LIBFDT_DIR) -m --strip-components=4 \
	    $(addprefix $(LIBFDT_MEMBER)/,$(LIBFDT_C) $(LIBFDT_H))
	$(Q)touch $@

$(LIBFDT_TARBALL):
	@echo "$@ is missing: \`make deps\` installs it (Debian package linux-source-6.1)"; exit 1

# The extracted files exist once the stamp does; they are never rebuilt on their own.
$(LIBFDT_SRCS) $(LIBFDT_HDRS): | $(LIBFDT_STAMP) ;

# HYP_CFLAGS as they are: libfdt 1.6.1 compiles without a warning under them, so nothing is
# relaxed. Through -Ihyp/boot, libfdt's "libfdt_env.h" is ours.
$(LIBFDT_OBJS): $(LIBFDT_DIR)/%.o: $(LIBFDT_DIR)/%.c
	$(call say,CC      $<)
	$(Q)gcc $(HYP_CFLAGS) $(LIBFDT_INC) -c $< -o $@

# The hypervisor's users of <libfdt.h>.
LIBFDT_USERS := $(B)/hyp/boot/domtree.o
$(LIBFDT_USERS): HYP_CFLAGS += $(LIBFDT_INC)
$(LIBFDT_USERS): | $(LIBFDT_STAMP)
