/* SPDX-License-Identifier: MIT */
/* Logging: categories by name, run-time switching, sinks, one line per call. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/log.h>

#include "vpdn_test.h"

static GPtrArray *lines;

static void sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	g_ptr_array_add(lines, g_strdup(line));
}

static void test_names(void)
{
	CU_ASSERT_EQUAL(vpdn_debug_parse("vpdn l2x-events"), VPDN_DEBUG_L2X_EVENTS);
	CU_ASSERT_EQUAL(vpdn_debug_parse("vpdn-l2x-events"), VPDN_DEBUG_L2X_EVENTS);
	CU_ASSERT_EQUAL(vpdn_debug_parse("PPP negotiation"), VPDN_DEBUG_PPP_NEGOTIATION);
	CU_ASSERT_EQUAL(vpdn_debug_parse("isdn q931"), VPDN_DEBUG_ISDN_Q931);
	CU_ASSERT_EQUAL(vpdn_debug_parse("all"), VPDN_DEBUG__COUNT);
	CU_ASSERT_EQUAL(vpdn_debug_parse("vpdn l2x-event"), -ENOENT);
	CU_ASSERT_EQUAL(vpdn_debug_parse(NULL), -ENOENT);
	for (int i = 0; i < VPDN_DEBUG__COUNT; i++)
		CU_ASSERT_EQUAL(vpdn_debug_parse(vpdn_debug_name(i)), i);
}

static void test_switching(void)
{
	struct vpdn_log *log = vpdn_log_new();
	lines = g_ptr_array_new_with_free_func(g_free);
	vpdn_log_set_targets(log, 0);
	unsigned id = vpdn_log_add_sink(log, sink, NULL);

	vpdn_debug(log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: O SCCRQ", 45029u);
	CU_ASSERT_EQUAL(lines->len, 0);
	vpdn_log_set_debug(log, VPDN_DEBUG_L2X_EVENTS, true);
	CU_ASSERT_TRUE(vpdn_log_get_debug(log, VPDN_DEBUG_L2X_EVENTS));
	vpdn_debug(log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: O SCCRQ", 45029u);
	vpdn_debug(log, VPDN_DEBUG_PPP_NEGOTIATION, "not shown");
	CU_ASSERT_EQUAL(lines->len, 1);
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(lines, 0), "Tnl 45029 L2TP: O SCCRQ");

	vpdn_log_set_debug(log, VPDN_DEBUG__COUNT, true); /* debug all */
	vpdn_debug(log, VPDN_DEBUG_PPP_NEGOTIATION, "Se0:17 LCP: State is Open");
	CU_ASSERT_EQUAL(lines->len, 2);
	vpdn_log_set_debug(log, VPDN_DEBUG__COUNT, false); /* undebug all */
	CU_ASSERT_EQUAL(vpdn_log_debug_mask(log), 0);
	vpdn_debug(log, VPDN_DEBUG_PPP_NEGOTIATION, "gone");
	CU_ASSERT_EQUAL(lines->len, 2);

	/* Non-debug lines follow the level. */
	vpdn_info(log, "info line");
	vpdn_log_set_level(log, VPDN_LOG_WARNING);
	vpdn_info(log, "filtered");
	vpdn_warn(log, "warn line");
	CU_ASSERT_EQUAL(lines->len, 4);
	CU_ASSERT_STRING_EQUAL(g_ptr_array_index(lines, 3), "warn line");

	/* A message cannot forge a second line. */
	vpdn_warn(log, "user %s", "evil\n%ERROR: forged");
	CU_ASSERT_PTR_NULL(strchr(g_ptr_array_index(lines, 4), '\n'));

	vpdn_log_remove_sink(log, id);
	vpdn_warn(log, "after removal");
	CU_ASSERT_EQUAL(lines->len, 5);
	g_ptr_array_free(lines, TRUE);
	vpdn_log_free(log);
}

static void test_printable(void)
{
	char buf[16];
	/* Control characters, quotes and high octets become dots. */
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, sizeof(buf), "a\"b\n\x01\xff", 6, 0), "a.b...");
	/* Only n octets are read: no NUL needed. */
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, sizeof(buf), "remoteX", 6, 0), "remote");
	/* A limit shows that the name was longer. */
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, sizeof(buf), "remote1@cisco.com", 17, 6), "remote...");
	/* Without one, the buffer bounds it and it stays terminated. */
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, sizeof(buf), "remote1@cisco.com", 17, 0), "remote1@cisco.c");
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, 1, "x", 1, 0), "");
	CU_ASSERT_STRING_EQUAL(vpdn_log_printable(buf, sizeof(buf), NULL, 4, 0), "");
}

static const struct vpdn_test_case tests[] = {
	{ "printable names", test_printable },
	{ "category names", test_names },
	{ "switching and sinks", test_switching },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "log", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
