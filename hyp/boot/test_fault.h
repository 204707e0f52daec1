/* test_fault.h - faults on purpose, for the tests of the fatal-error report (test_fault=). */
#ifndef HYP_BOOT_TEST_FAULT_H
#define HYP_BOOT_TEST_FAULT_H

#include "lib/lib.h"

/* The kinds test_fault= takes, space-separated, for messages. */
#define TEST_FAULT_KINDS "null ud de gp nx wp stack assert"

/* Run the fault named kind; returns false if there is no such kind (else it does not return). */
bool test_fault_run(const char *kind);

#endif
