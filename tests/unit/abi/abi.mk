# abi.mk - unit test of guest-abi/: every struct layout and constant against Xen's own public
# headers (Debian's libxen-dev, /usr/include/xen), and the hypercall helpers' register use.
UNIT_TESTS += abi
abi_SRCS := tests/unit/abi/test_abi.c tests/unit/abi/hc_page.c tests/unit/abi/hc_syscall.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(abi_SRCS)): UNIT_CFLAGS += -Iguest-abi
