#include "vpdn_test.h"
static const struct vpdn_test_suite suites[] = {{NULL}};
VPDN_TEST_MAIN(suites)
