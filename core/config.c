/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <vpdnd/capture.h>

#include "vpdnd-config.h"
#include "core-private.h"

/* libconfuse's error callback has no user data: errors of the parse in
 * progress collect here (the daemon parses on one thread). */
static GString *parse_errors;

static bool pass_one;

static void collect_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	if (pass_one)
		return;
	char *msg = g_strdup_vprintf(fmt, ap);
	const char *file = cfg && cfg->filename ? cfg->filename : "<config>";
	int line = cfg ? cfg->line : 0;
	if (!parse_errors)
		parse_errors = g_string_new(NULL);
	if (parse_errors->len)
		g_string_append_c(parse_errors, '\n');
	g_string_append_printf(parse_errors, "%s:%d: %s", file, line, msg);
	g_free(msg);
}

static char *take_errors(const char *fallback_file)
{
	if (!parse_errors || !parse_errors->len) {
		if (parse_errors)
			g_string_free(parse_errors, TRUE);
		parse_errors = NULL;
		return g_strdup_printf("%s: cannot parse the config", fallback_file);
	}
	char *s = g_string_free(parse_errors, FALSE);
	parse_errors = NULL;
	return s;
}

static int validate_debug(cfg_t *cfg, cfg_opt_t *opt)
{
	for (unsigned i = 0; i < cfg_opt_size(opt); i++) {
		const char *name = cfg_opt_getnstr(opt, i);
		if (vpdn_debug_parse(name) < 0) {
			cfg_error(cfg, "unknown debug category '%s'", name);
			return -1;
		}
	}
	return 0;
}

static int validate_log_level(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	static const char *const levels[] = { "error", "warning", "notice", "info", "debug" };
	for (size_t i = 0; i < G_N_ELEMENTS(levels); i++)
		if (g_strcmp0(v, levels[i]) == 0)
			return 0;
	cfg_error(cfg, "log-level must be error, warning, notice, info or debug, not '%s'", v);
	return -1;
}

static int validate_capture_directory(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	if (v && g_path_is_absolute(v))
		return 0;
	cfg_error(cfg, "capture-directory must be an absolute path, not '%s'", v ? v : "");
	return -1;
}

static int validate_dbus_max_objects(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);
	if (v >= 1 && v <= 1000000)
		return 0;
	cfg_error(cfg, "dbus-max-objects must be 1 to 1000000, not %ld", v);
	return -1;
}

/* The line of the `modules` statement, for messages about the list.
 * (libconfuse's line counter runs ahead of a list's closing brace.) */
static int find_modules_line(const char *path)
{
	char *text = NULL;
	int line = 0;
	if (!g_file_get_contents(path, &text, NULL, NULL))
		return 0;
	char **lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		const char *p = lines[i];
		while (*p == ' ' || *p == '\t')
			p++;
		if (g_str_has_prefix(p, "modules")) {
			p += strlen("modules");
			while (*p == ' ' || *p == '\t')
				p++;
			if (*p == '=' || *p == '+') {
				line = i + 1;
				break;
			}
		}
	}
	g_strfreev(lines);
	g_free(text);
	return line;
}

#define CORE_OPTS                                                        \
	CFG_STR_LIST("modules", "{}", CFGF_NONE),                        \
	CFG_STR_LIST("module-path", "{}", CFGF_NONE),                    \
	CFG_STR("hostname", NULL, CFGF_NONE),                            \
	CFG_STR_LIST("debug", "{}", CFGF_NONE),                          \
	CFG_STR("log-level", "info", CFGF_NONE),                         \
	CFG_BOOL("log-syslog", cfg_false, CFGF_NONE),                    \
	CFG_BOOL("log-stderr", cfg_true, CFGF_NONE),                     \
	CFG_BOOL("log-timestamps", cfg_true, CFGF_NONE),                 \
	CFG_STR("capture-directory", VPDN_CAPTURE_DIRECTORY_DEFAULT, CFGF_NONE), \
	CFG_INT("dbus-max-objects", VPDN_DBUS_MAX_OBJECTS_DEFAULT, CFGF_NONE), \
	CFG_FUNC("include", cfg_include)

static cfg_t *init_core_only(void)
{
	static cfg_opt_t opts[] = { CORE_OPTS, CFG_END() };
	cfg_t *cfg = cfg_init(opts, CFGF_IGNORE_UNKNOWN);
	cfg_set_error_function(cfg, collect_error);
	return cfg;
}

static char **dup_list(cfg_t *cfg, const char *name, size_t *n)
{
	size_t k = cfg_size(cfg, name);
	char **v = g_new0(char *, k + 1);
	for (size_t i = 0; i < k; i++)
		v[i] = g_strdup(cfg_getnstr(cfg, name, i));
	if (n)
		*n = k;
	return v;
}

/* libconfuse 3.3 cannot skip an unknown titled section with options in
 * it, so pass 1 tolerates a parse error: what it needs (`modules` first,
 * as every example config has it) is set before the first module section
 * is reached. Pass 2 reports real syntax errors with file and line. */

int vpdn_config_read_core(const char *path, struct vpdn_config_core *out, char **error)
{
	memset(out, 0, sizeof(*out));
	*error = NULL;
	if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
		*error = g_strdup_printf("%s: cannot read: %s", path, g_strerror(ENOENT));
		return -ENOENT;
	}
	cfg_t *cfg = init_core_only();
	pass_one = true;
	int ret = cfg_parse(cfg, path);
	pass_one = false;
	if (ret == CFG_FILE_ERROR) {
		int e = errno ? errno : EIO;
		*error = g_strdup_printf("%s: cannot read: %s", path, g_strerror(e));
		cfg_free(cfg);
		return -e;
	}
	out->modules = dup_list(cfg, "modules", &out->n_modules);
	out->modules_line = find_modules_line(path);
	out->module_path = dup_list(cfg, "module-path", NULL);
	out->hostname = g_strdup(cfg_getstr(cfg, "hostname"));
	out->complete = ret == CFG_SUCCESS;
	cfg_free(cfg);
	return 0;
}

void vpdn_config_core_clear(struct vpdn_config_core *c)
{
	g_strfreev(c->modules);
	g_strfreev(c->module_path);
	g_free(c->hostname);
	memset(c, 0, sizeof(*c));
}

static size_t opts_len(const cfg_opt_t *o)
{
	size_t n = 0;
	while (o && o[n].name)
		n++;
	return n;
}

/* Build the full option table. The arrays are shallow copies that
 * cfg_init() duplicates; free them with free_opts() after cfg_init. */
static cfg_opt_t *build_opts(struct vpdn_loader *ld, cfg_opt_t **iface_out, char **error)
{
	static cfg_opt_t core_opts[] = { CORE_OPTS, CFG_END() };
	static cfg_opt_t iface_core[] = {
		CFG_STR("description", NULL, CFGF_NONE),
		CFG_END(),
	};
	GArray *top = g_array_new(TRUE, TRUE, sizeof(cfg_opt_t));
	GArray *iface = g_array_new(TRUE, TRUE, sizeof(cfg_opt_t));
	g_array_append_vals(top, core_opts, opts_len(core_opts));
	g_array_append_vals(iface, iface_core, opts_len(iface_core));

	for (size_t i = 0; i < vpdn_loader_count(ld); i++) {
		const struct vpdn_module *m = vpdn_loader_module(ld, i);
		g_array_append_vals(top, m->options, opts_len(m->options));
		g_array_append_vals(iface, m->interface_options, opts_len(m->interface_options));
	}
	/* Two owners of one name would make the file ambiguous. */
	GArray *arrs[2] = { top, iface };
	for (int a = 0; a < 2; a++)
		for (guint i = 0; i < arrs[a]->len; i++)
			for (guint j = i + 1; j < arrs[a]->len; j++)
				if (strcmp(g_array_index(arrs[a], cfg_opt_t, i).name,
					   g_array_index(arrs[a], cfg_opt_t, j).name) == 0) {
					*error = g_strdup_printf("two modules define the %soption '%s'",
								 a ? "interface " : "",
								 g_array_index(arrs[a], cfg_opt_t, i).name);
					g_array_free(top, TRUE);
					g_array_free(iface, TRUE);
					return NULL;
				}

	cfg_opt_t *iface_opts = (cfg_opt_t *)g_array_free(iface, FALSE);
	cfg_opt_t sec = CFG_SEC("interface", iface_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES);
	g_array_append_val(top, sec);
	*iface_out = iface_opts;
	return (cfg_opt_t *)g_array_free(top, FALSE);
}

static cfg_t *parse_full(const char *path, const char *text, struct vpdn_loader *ld,
			 char **error)
{
	cfg_opt_t *iface = NULL;
	cfg_t *cfg = NULL;
	*error = NULL;
	cfg_opt_t *opts = build_opts(ld, &iface, error);
	if (!opts)
		return NULL;
	cfg = cfg_init(opts, CFGF_NONE);
	g_free(opts);
	g_free(iface);
	if (!cfg) {
		*error = g_strdup("cannot initialise the config parser");
		return NULL;
	}
	cfg_set_error_function(cfg, collect_error);
	cfg_set_validate_func(cfg, "debug", validate_debug);
	cfg_set_validate_func(cfg, "log-level", validate_log_level);
	cfg_set_validate_func(cfg, "capture-directory", validate_capture_directory);
	cfg_set_validate_func(cfg, "dbus-max-objects", validate_dbus_max_objects);

	int ret;
	if (text) {
		/* cfg_parse_buf() would call the text "[buf]": parse it as a
		 * stream under the name we were given. */
		FILE *f = fmemopen((void *)text, strlen(text), "r");
		if (!f) {
			*error = g_strdup_printf("%s: %s", path, g_strerror(errno));
			goto fail;
		}
		free(cfg->filename);
		cfg->filename = strdup(path);
		ret = cfg_parse_fp(cfg, f);
		fclose(f);
	} else {
		ret = cfg_parse(cfg, path);
	}
	if (ret == CFG_FILE_ERROR) {
		*error = g_strdup_printf("%s: cannot read: %s", path, g_strerror(errno));
		goto fail;
	}
	if (ret != CFG_SUCCESS) {
		*error = take_errors(path);
		goto fail;
	}
	bool bad = false;
	for (size_t i = 0; i < vpdn_loader_count(ld); i++) {
		const struct vpdn_module *m = vpdn_loader_module(ld, i);
		if (m->check && m->check(cfg) < 0)
			bad = true;
	}
	if (bad) {
		*error = take_errors(path);
		goto fail;
	}
	if (parse_errors) { /* warnings a check printed but did not fail on */
		g_string_free(parse_errors, TRUE);
		parse_errors = NULL;
	}
	return cfg;
fail:
	cfg_free(cfg);
	return NULL;
}

cfg_t *vpdn_config_parse(const char *path, struct vpdn_loader *ld, char **error)
{
	return parse_full(path, NULL, ld, error);
}

cfg_t *vpdn_config_parse_string(const char *text, const char *name,
				struct vpdn_loader *ld, char **error)
{
	return parse_full(name, text, ld, error);
}

void vpdn_config_free(cfg_t *cfg)
{
	if (cfg)
		cfg_free(cfg);
}

static enum vpdn_log_level level_of(const char *s)
{
	if (!g_strcmp0(s, "error")) return VPDN_LOG_ERR;
	if (!g_strcmp0(s, "warning")) return VPDN_LOG_WARNING;
	if (!g_strcmp0(s, "notice")) return VPDN_LOG_NOTICE;
	if (!g_strcmp0(s, "debug")) return VPDN_LOG_DEBUG;
	return VPDN_LOG_INFO;
}

void vpdn_config_apply_core(cfg_t *cfg, struct vpdn_core *core)
{
	struct vpdn_log *log = vpdn_core_log(core);
	unsigned targets = 0;
	if (cfg_getbool(cfg, "log-stderr"))
		targets |= VPDN_LOG_TO_STDERR;
	if (cfg_getbool(cfg, "log-syslog"))
		targets |= VPDN_LOG_TO_SYSLOG;
	vpdn_log_set_targets(log, targets);
	vpdn_log_set_timestamps(log, cfg_getbool(cfg, "log-timestamps"));
	vpdn_log_set_level(log, level_of(cfg_getstr(cfg, "log-level")));
	vpdn_core_set_capture_directory(core, cfg_getstr(cfg, "capture-directory"));
	core->dbus_max_objects = (unsigned)cfg_getint(cfg, "dbus-max-objects");
	for (unsigned i = 0; i < cfg_size(cfg, "debug"); i++) {
		int cat = vpdn_debug_parse(cfg_getnstr(cfg, "debug", i));
		if (cat >= 0)
			vpdn_log_set_debug(log, cat, true);
	}
}

char *vpdn_config_permission_warning(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0 || !(st.st_mode & 0077))
		return NULL;
	return g_strdup_printf("%s is readable by %s (mode %04o): it may hold secrets; chmod 600 it",
			       path, (st.st_mode & 0007) ? "everyone" : "its group",
			       (unsigned)(st.st_mode & 07777));
}
