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
	/* Two titles naming one interface (IOS names, vpdnd/interface.h). */
	expect_error("interface \"Dialer1\" {}\n\ninterface \"Di1\" {}\n", "etc/lac.conf:3:",
		     "interface \"Di1\" is the same interface as \"Dialer1\"");
	expect_error("interface \"Serial0:15\" {}\ninterface \"serial 0:15\" {\n}\n",
		     "etc/lac.conf:2:", "is the same interface as \"Serial0:15\"");
}

/* libconfuse 3.3 counts a # or // comment line three times and a C
 * comment one line too many; the core parses its own text instead. */
static void test_lines_after_comments(void)
{
	expect_error("# one\n# two\n# three\ngood-greting = \"x\"\n", "etc/lac.conf:4:", "good-greting");
	expect_error("// one\n//// two\ngood-greting = \"x\"\n", "etc/lac.conf:3:", "good-greting");
	expect_error("/* one\n * two\n */\n/**/ /* x */\ngood-greting = 1\n", "etc/lac.conf:5:", "good-greting");
	expect_error("modules = {\"good\"} # trailing\ngood-greeting = \"a#b\" // c\n"
		     "interface \"Dialer1\" { # c\n  /* c */ good-speed = 64 // c\n  # c\n  good-sped = 1\n}\n",
		     "etc/lac.conf:6:", "good-sped");
	/* a//b and a/b are words, not comments, as in libconfuse */
	expect_error("good-greeting = a//b good-greting = 1\n", "etc/lac.conf:1:", "good-greting");
	/* A string spanning lines, a ${VAR}, a '...' string (a token is
	 * placed where it ends, as libconfuse reads it). */
	expect_error("good-greeting = \"a\nb\\\nc ${HOME} ${NO_SUCH:-d}\"\n'x\ny'\n", "etc/lac.conf:5:", "x\ny");
	/* Errors libconfuse missed or misplaced. */
	expect_error("# c\ngood-greeting = \"x\n\n", "etc/lac.conf:2:", "unterminated string");
	expect_error("# c\n\n/* x\n", "etc/lac.conf:3:", "unterminated comment");
	expect_error("good-greeting = \"${HOME\n}\"\n", "etc/lac.conf:1:", "${ without }");
	/* A broken include() is refused before libconfuse (which leaked the
	 * arguments it had read). */
	expect_error("# c\ninclude(\"a\" x)\n", "etc/lac.conf:2:", "include(): expected )");
	expect_error("# c\ninclude(=)\n", "etc/lac.conf:2:", "include(): expected a file name");
	expect_error("# c\ninclude(\"a\", \"b\")\n", "etc/lac.conf:2:", "include() takes one file name");
	expect_error("# c\ninclude(\"a\"\n", "etc/lac.conf:2:", "include( is not closed");
	expect_error("# c\ninclude()\n", "etc/lac.conf:2:", "include() needs the name of a file");
	expect_error("# c\ninterface \"A\" {\n  good-speed = 1\n", "etc/lac.conf:2:", "section interface \"A\" is not closed");
	expect_error("# c\n\ninterface \"A\" {\n  good-speed = 1\ninterface \"B\" { }\n",
		     "etc/lac.conf:5:", "no such option 'interface'");
	expect_error("# c\n\ninterface \"A\" {\n  good-speed = 1\ninterface \"B\" { }\n",
		     "etc/lac.conf:3:", "not closed");
	/* A module's check names the line of the option it is about, else
	 * the line that opens the section. */
	expect_error("# c\n# c\nmodules = {\"good\"}\n# c\ninterface \"Serial0:15\" {\n  # c\n"
		     "  good-speed = 9999\n}\n", "etc/lac.conf:7:", "good-speed above 2048");
	expect_error("# c\n# c\nmodules = {\"good\"}\n# c\ninterface \"Serial0:15\" {\n  # c\n"
		     "  description = \"x\"\n  good-speed = 9999\n}\n", "etc/lac.conf:8:", "good-speed above 2048");
}

static void test_lines_in_includes(void)
{
	char *dir = g_dir_make_tmp("vpdnd-inc-XXXXXX", NULL);
	char *inc = g_build_filename(dir, "part.conf", NULL);
	char *main_conf = g_build_filename(dir, "main.conf", NULL);
	g_assert(g_file_set_contents(inc, "# part\n# part\n  good-speed = 1\n  good-sped = 2\n", -1, NULL));
	char *text = g_strdup_printf("# main\ninterface \"A\" {\n  include(\"part.conf\") # c\n}\n# c\ngood-greting = 1\n");
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string(text, main_conf, ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	char *want = g_strdup_printf("%s:4: no such option 'good-sped'", inc);
	CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, want) : NULL);
	if (error && !strstr(error, want))
		fprintf(stderr, "unexpected error text: %s\n", error);
	g_free(want);
	g_free(error);
	/* After the include, the main file's own lines. */
	g_assert(g_file_set_contents(inc, "# part\n  good-speed = 1\n", -1, NULL));
	cfg = vpdn_config_parse_string(text, main_conf, ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	want = g_strdup_printf("%s:6: no such option 'good-greting'", main_conf);
	CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, want) : NULL);
	if (error && !strstr(error, want))
		fprintf(stderr, "unexpected error text: %s\n", error);
	g_free(want);
	g_free(error);
	g_free(text);
	/* Eleven failing parses in an include, then a good one: libconfuse's
	 * own include() said "includes nested too deeply" from the 11th on. */
	g_assert(g_file_set_contents(inc, "bogus = 1\n", -1, NULL));
	for (int i = 0; i < 11; i++) {
		cfg = vpdn_config_parse_string("include(\"part.conf\")\n", main_conf, ld, &error);
		CU_ASSERT_PTR_NULL(cfg);
		CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, "no such option 'bogus'") : NULL);
		g_free(error);
	}
	g_assert(g_file_set_contents(inc, "good-greeting = \"hi\"\n", -1, NULL));
	cfg = vpdn_config_parse_string("include(\"part.conf\")\n", main_conf, ld, &error);
	CU_ASSERT_PTR_NOT_NULL(cfg);
	if (cfg)
		CU_ASSERT_STRING_EQUAL(cfg_getstr(cfg, "good-greeting"), "hi");
	vpdn_config_free(cfg);
	g_free(error);
	g_unlink(inc);
	g_rmdir(dir);
	g_free(inc);
	g_free(main_conf);
	g_free(dir);
}

/* An error a module reports outside a parse (cfg_getopt() of an option no
 * loaded module defines, at run time) never reaches the next parse. */
static void test_no_stale_errors(void)
{
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string("good-greeting = \"x\"\n", "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	cfg_getopt(cfg, "dialer-pool"); /* libconfuse reports "no such option" */
	cfg_t *bad = vpdn_config_parse_string("\ngood-greting = 1\n", "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NULL(bad);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NULL(strstr(error, "dialer-pool"));
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "etc/lac.conf:2: no such option 'good-greting'"));
	CU_ASSERT_PTR_NULL(strchr(error, '\n'));
	g_free(error);
	/* A reload's refusal: collected against the tree, section lines. */
	vpdn_config_free(cfg);
	cfg = vpdn_config_parse_string("# c\ninterface \"A\" {\n  good-speed = 1\n}\n", "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	vpdn_config_errors_begin(cfg);
	cfg_error(cfg_gettsec(cfg, "interface", "A"), "good-speed cannot change live");
	cfg_error(cfg_gettsec(cfg, "interface", "A"), "A is read-only");
	char *why = vpdn_config_errors_end();
	CU_ASSERT_PTR_NOT_NULL(why);
	CU_ASSERT_STRING_EQUAL(why ? why : "", "etc/lac.conf:3: good-speed cannot change live\n"
					       "etc/lac.conf:2: A is read-only");
	g_free(why);
	vpdn_config_free(cfg);
}

/* libconfuse searched all earlier sections for the title of each new
 * one: n*n/2 comparisons (40 000 usernames: 800 million, seconds). The
 * core keeps parsed sections aside; libconfuse compares none. */
static void test_titled_sections_linear(void)
{
	enum { N = 40000 };
	GString *text = g_string_new("modules = {\"good\"}\n");
	for (int i = 0; i < N; i++)
		g_string_append_printf(text, "interface \"Dialer%d\" { good-speed = %d }\n", i, i % 2000);
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string(text->str, "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(vpdn_config_title_compares(), 0);
	CU_ASSERT_EQUAL_FATAL(cfg_size(cfg, "interface"), N);
	CU_ASSERT_STRING_EQUAL(cfg_title(cfg_getnsec(cfg, "interface", 0)), "Dialer0");
	CU_ASSERT_STRING_EQUAL(cfg_title(cfg_getnsec(cfg, "interface", N - 1)), "Dialer39999");
	CU_ASSERT_EQUAL(cfg_getint(cfg_getnsec(cfg, "interface", 12345), "good-speed"), 12345 % 2000);
	vpdn_config_free(cfg);
	/* A duplicate is still refused, at the line that opens it. */
	g_string_append(text, "# c\ninterface \"Dialer7\" {\n  good-speed = 1\n}\n");
	cfg = vpdn_config_parse_string(text->str, "etc/lac.conf", ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	char *want = g_strdup_printf("etc/lac.conf:%d: found duplicate title 'Dialer7'", N + 3);
	CU_ASSERT_PTR_NOT_NULL(error ? strstr(error, want) : NULL);
	if (error && !strstr(error, want))
		fprintf(stderr, "unexpected error text: %s\n", error);
	g_free(want);
	g_free(error);
	g_string_free(text, TRUE);
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
	{ "lines after comments of every style", test_lines_after_comments },
	{ "lines in included files", test_lines_in_includes },
	{ "no stale errors, reload refusals", test_no_stale_errors },
	{ "titled sections parse in linear time", test_titled_sections_linear },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "config", tests, setup, teardown },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
