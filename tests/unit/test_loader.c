/* SPDX-License-Identifier: MIT */
/* The module loader: good modules in dependency order, and each refusal
 * (wrong ABI, an ABI 1 module, a short descriptor, a bad event list,
 * missing dependency, duplicate, unknown, not a module), requests nobody
 * answers, init failure unwinding, and fini in reverse. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "loader.h"
#include "vpdn_test.h"

static struct vpdn_core *core;
static GString *events;

static enum vpdn_bus_verdict on_trace(const struct vpdn_event *ev, void *data)
{
	if (events->len)
		g_string_append_c(events, ' ');
	g_string_append(events, ev->payload);
	return VPDN_BUS_PASS;
}

static int setup(void)
{
	core = vpdn_core_new_test();
	events = g_string_new(NULL);
	struct vpdn_bus *bus = vpdn_core_bus(core);
	vpdn_bus_subscribe(bus, (uint32_t)vpdn_bus_register_type(bus, "test-trace"), on_trace, NULL);
	return 0;
}

static int teardown(void)
{
	vpdn_core_free_test(core);
	g_string_free(events, TRUE);
	return 0;
}

static struct vpdn_loader *new_loader(void)
{
	struct vpdn_loader *ld = vpdn_loader_new();
	vpdn_loader_add_path(ld, "/nonexistent");
	vpdn_loader_add_path(ld, TEST_MODULE_DIR);
	return ld;
}

static int load(struct vpdn_loader *ld, const char *list, char **error)
{
	char **names = g_strsplit(list, " ", -1);
	int err = vpdn_loader_load(ld, (const char *const *)names, g_strv_length(names), error);
	g_strfreev(names);
	return err;
}

static void test_good_order(void)
{
	struct vpdn_loader *ld = new_loader();
	char *error = NULL;
	g_string_truncate(events, 0);
	/* Listed dependent-first: the loader must still init "good" first. */
	CU_ASSERT_EQUAL(load(ld, "needs-good good", &error), 0);
	CU_ASSERT_PTR_NULL(error);
	CU_ASSERT_EQUAL(vpdn_loader_count(ld), 2);
	CU_ASSERT_STRING_EQUAL(vpdn_loader_module(ld, 0)->name, "good");
	CU_ASSERT_STRING_EQUAL(vpdn_loader_module(ld, 1)->name, "needs-good");
	CU_ASSERT_PTR_NOT_NULL(strstr(vpdn_loader_module_path(ld, 0), "good.so"));
	CU_ASSERT_EQUAL(vpdn_loader_init(ld, core, NULL, &error), 0);
	CU_ASSERT_STRING_EQUAL(events->str, "init:good init:needs-good");
	vpdn_loader_fini(ld);
	CU_ASSERT_STRING_EQUAL(events->str,
			       "init:good init:needs-good fini:needs-good fini:good");
	vpdn_loader_fini(ld); /* idempotent */
	CU_ASSERT_STRING_EQUAL(events->str,
			       "init:good init:needs-good fini:needs-good fini:good");
	vpdn_loader_free(ld);
}

static void expect_refusal(const char *list, int expect_err, const char *expect_text)
{
	struct vpdn_loader *ld = new_loader();
	char *error = NULL;
	int err = load(ld, list, &error);
	CU_ASSERT_EQUAL(err, expect_err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, expect_text));
	CU_ASSERT_PTR_NULL(strchr(error, '\n')); /* one line */
	CU_ASSERT_EQUAL(vpdn_loader_count(ld), 0);
	g_free(error);
	vpdn_loader_free(ld);
}

static void test_wrong_abi(void)
{
	expect_refusal("good bad-abi", -ENOEXEC, "wrong ABI version 100 (this vpdnd loads ABI 2 only)");
	expect_refusal("abi1", -ENOEXEC, "module 'abi1': wrong ABI version 1 (this vpdnd loads ABI 2 only): rebuild it against this SDK");
	expect_refusal("short-size", -ENOEXEC, "descriptor of 16 bytes");
	expect_refusal("bad-list", -ENOEXEC, "its claims list names no built-in event type");
}

static void unanswered(const char *list, size_t want_errors, const char *want_error,
		       const char *want_warning)
{
	struct vpdn_loader *ld = new_loader();
	GPtrArray *errors = g_ptr_array_new_with_free_func(g_free);
	GPtrArray *warnings = g_ptr_array_new_with_free_func(g_free);
	char *error = NULL;
	CU_ASSERT_EQUAL_FATAL(load(ld, list, &error), 0);
	CU_ASSERT_EQUAL(vpdn_loader_unanswered(ld, errors, warnings), want_errors);
	CU_ASSERT_EQUAL(errors->len, want_errors);
	if (want_error && errors->len)
		CU_ASSERT_STRING_EQUAL(errors->pdata[0], want_error);
	CU_ASSERT_EQUAL(warnings->len, want_warning ? 1 : 0);
	if (want_warning && warnings->len)
		CU_ASSERT_STRING_EQUAL(warnings->pdata[0], want_warning);
	g_ptr_array_free(errors, TRUE);
	g_ptr_array_free(warnings, TRUE);
	vpdn_loader_free(ld);
}

static void test_unanswered(void)
{
	unanswered("asker", 1, "AUTH_REQUEST: no module loaded answers it (needed by asker)",
		   "SECRET_REQUEST: no module loaded answers it (asked by asker: those requests fail)");
	unanswered("asker answerer", 0, NULL, NULL);
	unanswered("good answerer", 0, NULL, NULL);
}

static void test_missing_dependency(void)
{
	expect_refusal("needs-missing", -ENOENT, "requires module 'radius'");
	expect_refusal("needs-good", -ENOENT, "requires module 'good'");
}

static void test_duplicate(void)
{
	expect_refusal("good needs-good good", -EEXIST, "duplicate module 'good'");
}

static void test_unknown(void)
{
	expect_refusal("good l2tpv9", -ENOENT, "unknown module 'l2tpv9'");
	expect_refusal("../etc/passwd", -EINVAL, "invalid module name");
}

static void test_not_a_module(void)
{
	expect_refusal("not-a-module", -ENOEXEC, "not a vpdnd module");
}

static void test_init_failure_unwinds(void)
{
	struct vpdn_loader *ld = new_loader();
	char *error = NULL;
	g_string_truncate(events, 0);
	static const char *const names[] = { "good", "fails-init", "needs-good" };
	CU_ASSERT_EQUAL(vpdn_loader_load(ld, names, 3, &error), 0);
	CU_ASSERT_EQUAL(vpdn_loader_init(ld, core, NULL, &error), -EADDRINUSE);
	CU_ASSERT_PTR_NOT_NULL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "fails-init"));
	/* good started, fails-init failed, needs-good never started; good
	 * was finalised. */
	CU_ASSERT_STRING_EQUAL(events->str, "init:good init:fails-init fini:good");
	g_free(error);
	vpdn_loader_free(ld);
}

/* Restart hooks: save() of the modules that have them, in init order;
 * restore() with each module's own entry and version; an entry of a
 * module no longer loaded dropped; a version the module does not know
 * refused (-EPROTO), the others restored. */
static void test_restart_hooks(void)
{
	struct vpdn_loader *ld = new_loader();
	char *error = NULL;
	GVariant *saved, *mods;
	const char *name;
	guint32 ver;
	GVariant *data;
	GVariantBuilder b;

	g_string_truncate(events, 0);
	CU_ASSERT_EQUAL_FATAL(load(ld, "good stateful", &error), 0);
	CU_ASSERT_EQUAL_FATAL(vpdn_loader_init(ld, core, NULL, &error), 0);
	saved = vpdn_loader_save(ld);
	CU_ASSERT_TRUE(g_variant_is_of_type(saved, G_VARIANT_TYPE("a(suv)")));
	CU_ASSERT_EQUAL_FATAL(g_variant_n_children(saved), 1); /* "good" has no hooks */
	g_variant_get_child(saved, 0, "(&suv)", &name, &ver, &data);
	CU_ASSERT_STRING_EQUAL(name, "stateful");
	CU_ASSERT_EQUAL(ver, 3);
	g_variant_unref(data);
	CU_ASSERT_PTR_NOT_NULL(strstr(events->str, "save:stateful"));

	g_string_truncate(events, 0);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	g_variant_builder_add(&b, "(suv)", "gone", 1u, g_variant_new_string("x"));
	data = g_variant_get_child_value(saved, 0);
	g_variant_builder_add_value(&b, data);
	g_variant_unref(data);
	mods = g_variant_ref_sink(g_variant_builder_end(&b));
	CU_ASSERT_EQUAL(vpdn_loader_restore(ld, mods), 0);
	CU_ASSERT_STRING_EQUAL(events->str, "restore:v3:kept");
	g_variant_unref(mods);

	g_string_truncate(events, 0);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	g_variant_builder_add(&b, "(suv)", "stateful", 4u, g_variant_new_string("kept"));
	mods = g_variant_ref_sink(g_variant_builder_end(&b));
	CU_ASSERT_EQUAL(vpdn_loader_restore(ld, mods), -EPROTO);
	CU_ASSERT_STRING_EQUAL(events->str, "");
	g_variant_unref(mods);

	/* -EAGAIN: called once more after the others (ppp after l2tp) */
	g_string_truncate(events, 0);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	g_variant_builder_add(&b, "(suv)", "stateful", 3u, g_variant_new_string("later"));
	mods = g_variant_ref_sink(g_variant_builder_end(&b));
	CU_ASSERT_EQUAL(vpdn_loader_restore(ld, mods), 0);
	CU_ASSERT_STRING_EQUAL(events->str, "restore:again restore:v3:later");
	g_variant_unref(mods);
	/* ... but only once: a second -EAGAIN is a refusal */
	g_string_truncate(events, 0);
	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	g_variant_builder_add(&b, "(suv)", "stateful", 3u, g_variant_new_string("never"));
	mods = g_variant_ref_sink(g_variant_builder_end(&b));
	CU_ASSERT_EQUAL(vpdn_loader_restore(ld, mods), -EPROTO);
	CU_ASSERT_STRING_EQUAL(events->str, "restore:again restore:again");
	g_variant_unref(mods);
	g_variant_unref(saved);
	vpdn_loader_free(ld);
}

static const struct vpdn_test_case tests[] = {
	{ "good modules in dependency order", test_good_order },
	{ "wrong ABI refused", test_wrong_abi },
	{ "requests nobody answers", test_unanswered },
	{ "missing dependency refused", test_missing_dependency },
	{ "duplicate refused", test_duplicate },
	{ "unknown module refused", test_unknown },
	{ "not a module refused", test_not_a_module },
	{ "init failure unwinds", test_init_failure_unwinds },
	{ "restart hooks: save, restore, refusals", test_restart_hooks },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "loader", tests, setup, teardown },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
