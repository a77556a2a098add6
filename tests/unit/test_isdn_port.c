/* SPDX-License-Identifier: MIT */
/* ISDN ports: channel naming (IOS style) and B-channel allocation. */
#include <errno.h>
#include <string.h>

#include "port.h"
#include "vpdn_test.h"

static void test_e1(void)
{
	struct isdn_port p;
	char name[32], sname[32];

	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "E1 0"), 0);
	CU_ASSERT_STRING_EQUAL(p.name, "E1 0");
	CU_ASSERT_STRING_EQUAL(p.dchan, "Serial0:15");
	CU_ASSERT_STRING_EQUAL(p.dchan_short, "Se0:15");
	CU_ASSERT_EQUAL_FATAL(isdn_port_set_timeslots(&p, "1-31"), 0);
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 30);
	CU_ASSERT_FALSE(p.channels & (1u << 15)); /* D channel */
	CU_ASSERT_EQUAL(isdn_port_take(&p, 15), -EINVAL);
	/* timeslot 18 is Serial0:17 (the seed's B17) */
	isdn_port_channel_name(&p, 17, name, sizeof(name), sname, sizeof(sname));
	CU_ASSERT_STRING_EQUAL(name, "Serial0:17");
	CU_ASSERT_STRING_EQUAL(sname, "Se0:17");
	/* hunting down from the top gives Serial0:30 (the seed's dial-out) */
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, true), 30);
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, false), 0);
	CU_ASSERT_EQUAL(isdn_port_take(&p, 17), 0);
	CU_ASSERT_EQUAL(isdn_port_take(&p, 17), -EBUSY);
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 27);
	isdn_port_release(&p, 17);
	CU_ASSERT_EQUAL(isdn_port_take(&p, 17), 0);
	for (int i = 0; i < 27; i++)
		CU_ASSERT(isdn_port_alloc(&p, false) >= 0);
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, false), -1);
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 0);
	/* big LACs: thousands of E1s (unit up to 65535) */
	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "E1 2099"), 0);
	CU_ASSERT_STRING_EQUAL(p.dchan, "Serial2099:15");
	CU_ASSERT_EQUAL(isdn_port_init(&p, "E1 65536"), -EINVAL);
}

static void test_e1_partial(void)
{
	struct isdn_port p;

	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "e1 1"), 0);
	CU_ASSERT_STRING_EQUAL(p.name, "E1 1");
	CU_ASSERT_STRING_EQUAL(p.dchan, "Serial1:15");
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "1-3, 16, 31"), 0);
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 4);
	CU_ASSERT_EQUAL(p.channels, (1u << 0) | (1u << 1) | (1u << 2) | (1u << 30));
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "0-3"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "1-32"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "5-3"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "1-x"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "16"), -EINVAL); /* only D */
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 4); /* unchanged on error */
}

static void test_t1(void)
{
	struct isdn_port p;
	char name[32], sname[32];

	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "T1 0"), 0);
	CU_ASSERT_STRING_EQUAL(p.dchan, "Serial0:23");
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 23);
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, true), 22);
	isdn_port_channel_name(&p, 22, name, sizeof(name), sname, sizeof(sname));
	CU_ASSERT_STRING_EQUAL(name, "Serial0:22");
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "1-25"), -EINVAL);
}

static void test_bri(void)
{
	struct isdn_port p;
	char name[32], sname[32];

	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "BRI0"), 0);
	CU_ASSERT_STRING_EQUAL(p.name, "BRI 0");
	CU_ASSERT_STRING_EQUAL(p.dchan, "BRI0");
	CU_ASSERT_EQUAL(isdn_port_free_count(&p), 2);
	CU_ASSERT_EQUAL(isdn_port_set_timeslots(&p, "1-2"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, false), 1);
	isdn_port_channel_name(&p, 1, name, sizeof(name), sname, sizeof(sname));
	CU_ASSERT_STRING_EQUAL(name, "BRI0:1");
	CU_ASSERT_STRING_EQUAL(sname, "BR0:1");
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, false), 2);
	CU_ASSERT_EQUAL(isdn_port_alloc(&p, false), -1);
	CU_ASSERT_EQUAL(isdn_port_take(&p, 0), -EINVAL);
}

static void test_bad_names_and_dnis(void)
{
	struct isdn_port p;

	CU_ASSERT_EQUAL(isdn_port_init(&p, "J1 0"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_init(&p, "E1"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_init(&p, "E1 0x"), -EINVAL);
	CU_ASSERT_EQUAL(isdn_port_init(&p, NULL), -EINVAL);
	CU_ASSERT_EQUAL_FATAL(isdn_port_init(&p, "E1 0"), 0);
	p.dnis_digits = 3;
	CU_ASSERT_STRING_EQUAL(isdn_port_dnis(&p, "8211"), "211");
	CU_ASSERT_STRING_EQUAL(isdn_port_dnis(&p, "21"), "21");
	p.dnis_digits = 0;
	CU_ASSERT_STRING_EQUAL(isdn_port_dnis(&p, "8211"), "8211");
	CU_ASSERT_PTR_NULL(isdn_port_dnis(&p, NULL));
}

static const struct vpdn_test_case port_tests[] = {
	{ "E1 30B+D, D on timeslot 16", test_e1 },
	{ "E1 partial timeslots", test_e1_partial },
	{ "T1 23B+D", test_t1 },
	{ "BRI 2B+D", test_bri },
	{ "bad names, DNIS", test_bad_names_and_dnis },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-port", port_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
