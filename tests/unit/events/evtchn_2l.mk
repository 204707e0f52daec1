# evtchn_2l.mk - unit test of the 2-level event channel bit logic (hyp/events/evtchn_2l.c) on a
# shared_info page in host memory.
UNIT_TESTS += evtchn_2l
evtchn_2l_SRCS := tests/unit/events/test_evtchn_2l.c hyp/events/evtchn_2l.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(evtchn_2l_SRCS)): UNIT_CFLAGS += -Iguest-abi
