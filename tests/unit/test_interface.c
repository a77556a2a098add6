/* SPDX-License-Identifier: MIT */
/*
 * Interface names as IOS writes them (vpdn_ifname_eq/_short/_key) and the
 * core's interface sections (vpdn_interface_find, the core's keys and the
 * address accessor): short and long forms, case and spaces, sub-interfaces
 * and channels, prefixes that are not the name ("Dialer1" vs "Dialer10"),
 * garbage.
 */
#include <glib.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "vpdn_test.h"

static void test_eq_short_and_long(void)
{
	CU_ASSERT_TRUE(vpdn_ifname_eq("Di1", "Dialer1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Dialer1", "Di1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Se0:15", "Serial0:15"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Vi2", "Virtual-Access2"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Vt1", "Virtual-Template1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("BR0", "BRI0"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Lo0", "Loopback0"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("As1", "Async1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Dialer1", "Dialer1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Di1", "Di1"));
	/* Virtual-Access and Virtual-Template are two types */
	CU_ASSERT_FALSE(vpdn_ifname_eq("Vi1", "Virtual-Template1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Vt1", "Virtual-Access1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Di1", "Serial1"));
}

static void test_eq_case_and_spaces(void)
{
	CU_ASSERT_TRUE(vpdn_ifname_eq("dialer1", "Dialer1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("DI1", "Dialer1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("dI1", "DIALER1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("virtual-access2", "Vi2"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Dialer 1", "Di1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Loopback 0", "loopback0"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Serial 0:15", "se0:15"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("BRI 0", "BRI0"));
	/* names of no known type: as they are, without case and spaces */
	CU_ASSERT_TRUE(vpdn_ifname_eq("remote1", "Remote 1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("PapServer", "papserver"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("remote1", "remote2"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("remote1", "remote1-bad"));
}

static void test_eq_subinterfaces(void)
{
	CU_ASSERT_TRUE(vpdn_ifname_eq("Se0/0.1", "Serial0/0.1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("BR0:1", "BRI0:1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Serial0:23", "se 0:23"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Serial0", "Serial0:15"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Serial0:1", "Serial0:15"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Serial0:15", "Serial0:1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Se0/0", "Serial0/0.1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("BR0:1", "BRI0:2"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Serial0:15", "Serial1:15"));
}

static void test_eq_prefixes(void)
{
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dialer1", "Dialer10"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dialer10", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Di1", "Dialer10"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Vi1", "Virtual-Access12"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Lo0", "Loopback00"));
	/* a type is the whole word before the unit, not a prefix of it */
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dial1", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("D1", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dialerx1", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Virtual1", "Virtual-Access1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dinosaur1", "Dialer1"));
	/* a short form without a unit is no type */
	CU_ASSERT_FALSE(vpdn_ifname_eq("Di", "Dialer"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("Dialer", "dialer"));
}

static void test_eq_garbage(void)
{
	char big[600];

	CU_ASSERT_FALSE(vpdn_ifname_eq(NULL, "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dialer1", NULL));
	CU_ASSERT_FALSE(vpdn_ifname_eq(NULL, NULL));
	CU_ASSERT_FALSE(vpdn_ifname_eq("", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("Dialer1", ""));
	CU_ASSERT_TRUE(vpdn_ifname_eq("", " "));
	CU_ASSERT_FALSE(vpdn_ifname_eq("1", "Dialer1"));
	CU_ASSERT_FALSE(vpdn_ifname_eq("\xff\xfe" "1", "Dialer1"));
	CU_ASSERT_TRUE(vpdn_ifname_eq("\xff\xfe" "1", "\xff\xfe" "1"));
	/* a type word longer than any known one; a name longer than the
	 * stack buffers */
	CU_ASSERT_FALSE(vpdn_ifname_eq("Virtual-Access-Something-Long1", "Vi1"));
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '1';
	big[sizeof(big) - 1] = '\0';
	CU_ASSERT_TRUE(vpdn_ifname_eq(big, big));
	CU_ASSERT_FALSE(vpdn_ifname_eq(big, "Dialer1"));
	/* "Dialer111...1" is "Di111...1" (past the stack buffers), not
	 * "Dialer1" */
	memcpy(big, "Dialer", 6);
	memset(big + 6, '1', sizeof(big) - 7);
	char *brief = g_strconcat("Di", big + 6, NULL);
	CU_ASSERT_TRUE(vpdn_ifname_eq(big, brief));
	CU_ASSERT_FALSE(vpdn_ifname_eq(big, brief + 1));
	CU_ASSERT_FALSE(vpdn_ifname_eq(big, "Dialer1"));
	g_free(brief);
}

static void test_short(void)
{
	char b[32];

	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Dialer1", b, sizeof(b)), "Di1");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("dialer 2", b, sizeof(b)), "Di2");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Di3", b, sizeof(b)), "Di3");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Serial0:15", b, sizeof(b)), "Se0:15");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Virtual-Access2", b, sizeof(b)), "Vi2");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Virtual-Template1", b, sizeof(b)), "Vt1");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("BRI 0", b, sizeof(b)), "BR0");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("BRI0:1", b, sizeof(b)), "BR0:1");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Serial0/0.1", b, sizeof(b)), "Se0/0.1");
	/* unknown types: only the spaces go */
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("E1 0", b, sizeof(b)), "E10");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("remote 1", b, sizeof(b)), "remote1");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Dialer", b, sizeof(b)), "Dialer");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short(NULL, b, sizeof(b)), "");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("", b, sizeof(b)), "");
	/* truncated, always terminated */
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Serial0:15", b, 4), "Se0");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_short("Serial0:15", b, 1), "");
	b[0] = 'x';
	vpdn_ifname_short("Serial0:15", b, 0);
	CU_ASSERT_EQUAL(b[0], 'x');
	/* the short form names the same interface */
	CU_ASSERT_TRUE(vpdn_ifname_eq(vpdn_ifname_short("Virtual-Template7", b, sizeof(b)),
				      "Virtual-Template7"));
}

static void test_type(void)
{
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Dialer1"), "Dialer");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("di 1"), "Dialer");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Di1"), "Dialer");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Lo0"), "Loopback");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Se0:15"), "Serial");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Vi2"), "Virtual-Access");
	CU_ASSERT_STRING_EQUAL(vpdn_ifname_type("Vt2"), "Virtual-Template");
	CU_ASSERT_PTR_NULL(vpdn_ifname_type("Dialer"));
	CU_ASSERT_PTR_NULL(vpdn_ifname_type("Dialerx1"));
	CU_ASSERT_PTR_NULL(vpdn_ifname_type("client"));
	CU_ASSERT_PTR_NULL(vpdn_ifname_type("remote1"));
	CU_ASSERT_PTR_NULL(vpdn_ifname_type(""));
	CU_ASSERT_PTR_NULL(vpdn_ifname_type(NULL));
}

static void test_key(void)
{
	static const char *const same[][2] = {
		{ "Di1", "Dialer1" }, { "dialer 1", "DIALER1" }, { "Vi2", "Virtual-Access2" },
		{ "Se0:15", "serial 0:15" }, { "remote1", "REMOTE1" }, { "", " " },
	};
	static const char *const differ[][2] = {
		{ "Dialer1", "Dialer10" }, { "Vi1", "Vt1" }, { "Serial0", "Serial0:15" },
		{ "Di", "Dialer" },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(same); i++) {
		char *a = vpdn_ifname_key(same[i][0]), *b = vpdn_ifname_key(same[i][1]);
		CU_ASSERT_STRING_EQUAL(a, b);
		CU_ASSERT_TRUE(vpdn_ifname_eq(same[i][0], same[i][1]));
		CU_ASSERT_EQUAL(vpdn_ifname_hash(same[i][0]), vpdn_ifname_hash(same[i][1]));
		CU_ASSERT_TRUE(vpdn_ifname_equal(same[i][0], same[i][1]));
		g_free(a);
		g_free(b);
	}
	for (size_t i = 0; i < G_N_ELEMENTS(differ); i++) {
		char *a = vpdn_ifname_key(differ[i][0]), *b = vpdn_ifname_key(differ[i][1]);
		CU_ASSERT_STRING_NOT_EQUAL(a, b);
		CU_ASSERT_FALSE(vpdn_ifname_eq(differ[i][0], differ[i][1]));
		g_free(a);
		g_free(b);
	}
	char *k = vpdn_ifname_key(NULL);
	CU_ASSERT_STRING_EQUAL(k, "");
	g_free(k);
	k = vpdn_ifname_key("Di1");
	CU_ASSERT_STRING_EQUAL(k, "dialer1");
	g_free(k);
	/* a table keyed by the names themselves (the ip module's ifaces) */
	GHashTable *t = g_hash_table_new(vpdn_ifname_hash, vpdn_ifname_equal);
	g_hash_table_insert(t, (char *)"Virtual-Access2", GINT_TO_POINTER(2));
	CU_ASSERT_EQUAL(GPOINTER_TO_INT(g_hash_table_lookup(t, "vi 2")), 2);
	CU_ASSERT_PTR_NULL(g_hash_table_lookup(t, "Vi20"));
	g_hash_table_destroy(t);
	char longname[200];
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CU_ASSERT_EQUAL(vpdn_ifname_hash(longname), g_str_hash(longname));
}

/* ---- sections ---- */

static cfg_opt_t module_iface_opts[] = {
	CFG_BOOL("x-flag", cfg_false, CFGF_NONE),
	CFG_END()
};

static cfg_t *parse(const char *text, const cfg_opt_t *more)
{
	cfg_opt_t *iface = vpdn_interface_options_new(more);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END()
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);

	g_free(iface); /* cfg_init copied it */
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static const char conf[] =
	"interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" description = \"lo\" }\n"
	"interface \"Dialer1\" { ip-unnumbered = \"Lo0\" x-flag = true }\n"
	"interface \"Dialer10\" { ip-address = \"10.0.0.10\" }\n"
	"interface \"Serial0:15\" { ip-unnumbered = \"Loopback9\" }\n"
	"interface \"Virtual-Template1\" { ip-unnumbered = \"Dialer1\" }\n"
	"interface \"client\" { }\n";

static void test_find(void)
{
	cfg_t *cfg = parse(conf, module_iface_opts);

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "Di1")), "Dialer1");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "dialer 1")), "Dialer1");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "Di10")), "Dialer10");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "Se0:15")), "Serial0:15");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "Lo0")), "Loopback0");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "Vt1")), "Virtual-Template1");
	CU_ASSERT_STRING_EQUAL(cfg_title(vpdn_interface_find(cfg, "CLIENT")), "client");
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, "Vi1"));        /* not the template */
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, "Dialer100"));
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, "Serial0"));
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, ""));
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, NULL));
	CU_ASSERT_PTR_NULL(vpdn_interface_find(NULL, "Dialer1"));
	CU_ASSERT_TRUE(cfg_getbool(vpdn_interface_find(cfg, "Di1"), "x-flag"));
	cfg_free(cfg);

	/* a config without interface sections at all */
	cfg_opt_t none[] = { CFG_STR("hostname", NULL, CFGF_NONE), CFG_END() };
	cfg = cfg_init(none, CFGF_NONE);
	CU_ASSERT_PTR_NULL(vpdn_interface_find(cfg, "Dialer1"));
	cfg_free(cfg);
}

static void test_core_keys(void)
{
	const cfg_opt_t *o = vpdn_interface_core_options();
	bool addr = false, unnum = false, desc = false;
	cfg_t *cfg, *s;

	for (; o->name; o++) {
		addr |= !strcmp(o->name, "ip-address");
		unnum |= !strcmp(o->name, "ip-unnumbered");
		desc |= !strcmp(o->name, "description");
	}
	CU_ASSERT_TRUE(addr && unnum && desc);

	/* the core's keys without any module's */
	cfg = parse("interface \"Loopback0\" { ip-address = \"1.2.3.4\" }\n", NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(vpdn_interface_ip_address(vpdn_interface_find(cfg, "Lo0")), "1.2.3.4");
	cfg_free(cfg);
	/* a module's key not in the table is refused by the parser */
	CU_ASSERT_PTR_NULL(parse("interface \"Dialer1\" { x-flag = true }\n", NULL));

	cfg = parse(conf, module_iface_opts);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	s = vpdn_interface_find(cfg, "Loopback0");
	CU_ASSERT_STRING_EQUAL(vpdn_interface_ip_address(s), "18.18.18.2/32");
	CU_ASSERT_PTR_NULL(vpdn_interface_ip_unnumbered(s));
	CU_ASSERT_STRING_EQUAL(vpdn_interface_address(cfg, s), "18.18.18.2/32");
	s = vpdn_interface_find(cfg, "Dialer1");
	CU_ASSERT_PTR_NULL(vpdn_interface_ip_address(s));
	CU_ASSERT_STRING_EQUAL(vpdn_interface_ip_unnumbered(s), "Lo0");
	/* ip-unnumbered by the short name */
	CU_ASSERT_STRING_EQUAL(vpdn_interface_address(cfg, s), "18.18.18.2/32");
	CU_ASSERT_STRING_EQUAL(vpdn_interface_address(cfg, vpdn_interface_find(cfg, "Dialer10")),
			       "10.0.0.10");
	/* unnumbered to an unknown interface, to one that is itself
	 * unnumbered (one step only), none at all */
	CU_ASSERT_PTR_NULL(vpdn_interface_address(cfg, vpdn_interface_find(cfg, "Se0:15")));
	CU_ASSERT_PTR_NULL(vpdn_interface_address(cfg, vpdn_interface_find(cfg, "Vt1")));
	CU_ASSERT_PTR_NULL(vpdn_interface_address(cfg, vpdn_interface_find(cfg, "client")));
	CU_ASSERT_PTR_NULL(vpdn_interface_address(cfg, NULL));
	CU_ASSERT_PTR_NULL(vpdn_interface_ip_address(NULL));
	cfg_free(cfg);

	/* a section parsed without the core's keys: NULL, no error */
	cfg_opt_t bare_iface[] = { CFG_BOOL("x-flag", cfg_false, CFGF_NONE), CFG_END() };
	cfg_opt_t bare[] = { CFG_SEC("interface", bare_iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
	cfg = cfg_init(bare, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, "interface \"Di1\" { x-flag = true }\n"), CFG_SUCCESS);
	s = vpdn_interface_find(cfg, "Dialer1");
	CU_ASSERT_PTR_NOT_NULL(s);
	CU_ASSERT_PTR_NULL(vpdn_interface_ip_address(s));
	CU_ASSERT_PTR_NULL(vpdn_interface_address(cfg, s));
	cfg_free(cfg);
}

static const struct vpdn_test_case ifname_tests[] = {
	{ "eq: short and long forms", test_eq_short_and_long },
	{ "eq: case and spaces", test_eq_case_and_spaces },
	{ "eq: sub-interfaces and channels", test_eq_subinterfaces },
	{ "eq: prefixes are not the name", test_eq_prefixes },
	{ "eq: garbage", test_eq_garbage },
	{ "short: IOS short forms", test_short },
	{ "type: the full type name", test_type },
	{ "key: equal exactly when eq", test_key },
	{ NULL, NULL },
};

static const struct vpdn_test_case section_tests[] = {
	{ "find: by any form of the name", test_find },
	{ "core keys: ip-address, ip-unnumbered", test_core_keys },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "core-ifname", ifname_tests, NULL, NULL },
	{ "core-interface-sections", section_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
