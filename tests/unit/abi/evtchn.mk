# evtchn.mk - unit test of guest-abi/hv/event_channel.h against Xen's own event_channel.h
# (Debian's libxen-dev): every struct's size, every field's offset and size, every constant.
UNIT_TESTS += evtchn_abi
evtchn_abi_SRCS := tests/unit/abi/test_evtchn_abi.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(evtchn_abi_SRCS)): UNIT_CFLAGS += -Iguest-abi
