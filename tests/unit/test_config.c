/* SPDX-License-Identifier: MIT */
/* Config: the two passes, module options, interface options, checks, and
 * every error naming file and line. */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "vpdnd-config.h"
#include "loader.h"
#include "vpdn_test.h"

static struct vpdn_loader *ld;

static int setup(void)
{
	char *error = NULL;
	static const char *const names[] = { "good" };
	ld = vpdn_loader_new();
	vpdn_loader_add_path(ld, TEST_MODULE_DIR);
	return vpdn_loader_load(ld, names, 1, &error);
}

static int teardown(void)
{
	vpdn_loader_free(ld);
	return 0;
}

static char *write_temp(const char *text)
{
	char *path = NULL;
	int fd = g_file_open_tmp("vpdnd-test-XXXXXX.conf", &path, NULL);
	g_assert(fd >= 0);
	g_assert(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
	close(fd);
	return path;
}

static void test_pass_one(void)
{
	char *path = write_temp("# a LAC\n"
				"hostname = \"LAC\"\n"
				"\n"
				"modules = {\"good\", \"needs-good\"}\n"
				"module-path = {\"/opt/vpdnd\"}\n"
				"vpdn-group \"1\" { anything = 1 }\n");
	struct vpdn_config_core cc;
	char *error = NULL;
	CU_ASSERT_EQUAL(vpdn_config_read_core(path, &cc, &error), 0);
	CU_ASSERT_PTR_NULL(error);
	CU_ASSERT_EQUAL_FATAL(cc.n_modules, 2);
	CU_ASSERT_STRING_EQUAL(cc.modules[1], "needs-good");
	CU_ASSERT_EQUAL(cc.modules_line, 4);
	CU_ASSERT_STRING_EQUAL(cc.hostname, "LAC");
	CU_ASSERT_STRING_EQUAL(cc.module_path[0], "/opt/vpdnd");
	vpdn_config_core_clear(&cc);
	g_unlink(path);
	g_free(path);
}

/* Pass 1 tolerates what it cannot parse (module sections it does not
 * know, or a syntax error) but keeps what came before; pass 2 reports. */
static void test_pass_one_tolerant(void)
{
	char *path = write_temp("hostname = \"LAC\"\nmodules = {\"good\"}\n"
				"vpdn-group \"1\" {\n  a = 1\n  b = {\"x\"}\n}\n"
				"broken = {\n");
	struct vpdn_config_core cc;
	char *error = NULL;
	CU_ASSERT_EQUAL(vpdn_config_read_core(path, &cc, &error), 0);
	CU_ASSERT_PTR_NULL(error);
	CU_ASSERT_FALSE(cc.complete);
	CU_ASSERT_EQUAL_FATAL(cc.n_modules, 1);
	CU_ASSERT_STRING_EQUAL(cc.modules[0], "good");
	vpdn_config_core_clear(&cc);
	/* Pass 2 names the first real problem with file and line. */
	cfg_t *cfg = vpdn_config_parse(path, ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_TRUE(g_str_has_prefix(error, path));
	CU_ASSERT_PTR_NOT_NULL(strstr(error, ":3:"));
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "vpdn-group"));
	g_free(error);
	g_unlink(path);
	g_free(path);
}

static void test_missing_file(void)
{
	struct vpdn_config_core cc;
	char *error = NULL;
	CU_ASSERT(vpdn_config_read_core("/nonexistent/vpdnd.conf", &cc, &error) < 0);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "/nonexistent/vpdnd.conf: cannot read"));
	g_free(error);
}

static void test_full_parse(void)
{
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string("modules = {\"good\"}\n"
					      "good-greeting = \"bonjour\"\n"
					      "debug = {\"vpdn l2x-events\", \"ppp negotiation\"}\n"
					      "interface \"Serial0:15\" {\n"
					      "  description = \"PRI D channel\"\n"
					      "  good-speed = 128\n"
					      "}\n",
					      "lac.conf", ld, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg_getstr(cfg, "good-greeting"), "bonjour");
	CU_ASSERT_EQUAL(cfg_size(cfg, "interface"), 1);
	cfg_t *ifc = cfg_gettsec(cfg, "interface", "Serial0:15");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ifc);
	CU_ASSERT_EQUAL(cfg_getint(ifc, "good-speed"), 128);
	CU_ASSERT_STRING_EQUAL(cfg_getstr(ifc, "description"), "PRI D channel");

	struct vpdn_core *core = vpdn_core_new_test();
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG__COUNT, false);
	vpdn_config_apply_core(cfg, core);
	CU_ASSERT_TRUE(vpdn_log_get_debug(vpdn_core_log(core), VPDN_DEBUG_L2X_EVENTS));
	CU_ASSERT_FALSE(vpdn_log_get_debug(vpdn_core_log(core), VPDN_DEBUG_ISDN_Q931));
	vpdn_core_free_test(core);
	vpdn_config_free(cfg);
}

static void expect_error(const char *text, const char *where, const char *what)
{
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string(text, "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	if (!strstr(error, where) || !strstr(error, what))
		fprintf(stderr, "unexpected error text: %s\n", error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, where));
	CU_ASSERT_PTR_NOT_NULL(strstr(error, what));
	g_free(error);
	vpdn_config_free(cfg);
}

static void test_errors_name_file_and_line(void)
{
	/* A typo in an option name. */
	expect_error("modules = {\"good\"}\n\ngood-greting = \"x\"\n", "etc/lac.conf:3:", "good-greting");
	/* A typo inside an interface section. */
	expect_error("interface \"Dialer1\" {\n  good-sped = 1\n}\n", "etc/lac.conf:2:", "good-sped");
	/* Wrong type. */
	expect_error("good-limit = \"many\"\n", "etc/lac.conf:1:", "good-limit");
	/* Unknown debug category (our validator). */
	expect_error("\ndebug = {\"vpdn l2x-evnts\"}\n", "etc/lac.conf:2:", "unknown debug category");
	/* A module's semantic check, pointing at its section. */
	expect_error("modules = {\"good\"}\n"
		     "interface \"Dialer1\" { good-speed = 64 }\n"
		     "interface \"Serial0:15\" {\n"
		     "  good-speed = 9999\n"
		     "}\n",
		     "etc/lac.conf:", "good-speed above 2048");
	expect_error("good-limit = -1\n", "etc/lac.conf:", "must not be negative");
	/* Duplicate interface title. */
	expect_error("interface \"A\" {}\ninterface \"A\" {}\n", "etc/lac.conf:2:", "A");
}

static void test_permission_warning(void)
{
	char *path = write_temp("hostname = \"x\"\n");
	g_chmod(path, 0600);
	CU_ASSERT_PTR_NULL(vpdn_config_permission_warning(path));
	g_chmod(path, 0644);
	char *w = vpdn_config_permission_warning(path);
	CU_ASSERT_PTR_NOT_NULL(w);
	CU_ASSERT_PTR_NOT_NULL(w ? strstr(w, "everyone") : NULL);
	g_free(w);
	g_unlink(path);
	g_free(path);
}

static const struct vpdn_test_case tests[] = {
	{ "pass one reads the modules list", test_pass_one },
	{ "pass one tolerant, pass two reports", test_pass_one_tolerant },
	{ "missing file", test_missing_file },
	{ "full parse with module options", test_full_parse },
	{ "errors name file and line", test_errors_name_file_and_line },
	{ "permission warning", test_permission_warning },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "config", tests, setup, teardown },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
