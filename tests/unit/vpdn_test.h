/* SPDX-License-Identifier: MIT */
/*
 * CUnit harness shared by every unit test program.
 *
 * A test program defines its suites with VPDN_SUITE()/VPDN_TEST() tables and
 * ends with VPDN_TEST_MAIN(suites). It prints CUnit's verbose report and a
 * last line "N passed, M failed" that tests/summary.py adds up, and exits
 * non-zero when a test failed.
 */
#ifndef VPDN_TEST_H
#define VPDN_TEST_H

#include <CUnit/Basic.h>
#include <stdio.h>
#include <stdlib.h>

struct vpdn_test_case {
	const char *name;
	void (*fn)(void);
};

struct vpdn_test_suite {
	const char *name;
	const struct vpdn_test_case *tests; /* terminated by {NULL, NULL} */
	int (*setup)(void);
	int (*teardown)(void);
};

static inline int vpdn_test_run(const struct vpdn_test_suite *suites)
{
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (const struct vpdn_test_suite *s = suites; s->name; s++) {
		CU_pSuite suite = CU_add_suite(s->name, s->setup, s->teardown);
		if (!suite)
			return 2;
		for (const struct vpdn_test_case *t = s->tests; t->name; t++)
			if (!CU_add_test(suite, t->name, t->fn))
				return 2;
	}
	CU_basic_set_mode(CU_BRM_VERBOSE);
	CU_basic_run_tests();
	unsigned run = CU_get_number_of_tests_run();
	unsigned failed = CU_get_number_of_tests_failed();
	unsigned suites_failed = CU_get_number_of_suites_failed();
	CU_cleanup_registry();
	fflush(stderr);
	printf("\n%u passed, %u failed\n", run - failed, failed + suites_failed);
	return (failed || suites_failed) ? 1 : 0;
}

#define VPDN_TEST_MAIN(suites)                \
	int main(void)                        \
	{                                     \
		return vpdn_test_run(suites); \
	}

#endif
