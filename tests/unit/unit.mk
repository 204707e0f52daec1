# unit.mk - host unit tests (Check). Each test is one binary built from its test file and the real
# hypervisor sources it checks, with AddressSanitizer and UBSan. Fragments add themselves:
#   (one fragment per module: tests/unit/<subsystem>/<module>.mk)
#   UNIT_TESTS += <name>
#   <name>_SRCS := tests/unit/<subsystem>/test_<x>.c hyp/<subsystem>/<x>.c ...
# hyp/lib/vsnprintf.c and tests/unit/support/stubs.c are linked into every test.

include $(sort $(wildcard tests/unit/*/*.mk))
