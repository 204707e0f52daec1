# credit.mk - unit test of the scheduling policy (hyp/sched/credit.c), with its simulator.
UNIT_TESTS += credit
credit_SRCS := tests/unit/sched/test_credit.c hyp/sched/credit.c
