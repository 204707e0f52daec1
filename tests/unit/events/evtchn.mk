# evtchn.mk - unit test of event channels (hyp/events/evtchn.c over the 2-level variant): every
# op through the hypercall entry with fake domains, hostile inputs, delivery and teardown.
UNIT_TESTS += evtchn
evtchn_SRCS := tests/unit/events/test_evtchn.c hyp/events/evtchn.c hyp/events/evtchn_2l.c
$(patsubst %.c,$(B)/unit/obj/%.o,$(evtchn_SRCS)): UNIT_CFLAGS += -Iguest-abi
