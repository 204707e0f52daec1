#include "xtf.h"
const char test_title[] = "privileged";
void test_main(void) { xtf_skip("not written yet"); }
