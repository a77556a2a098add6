/* SPDX-License-Identifier: MIT */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <vpdnd/capture.h>
#include <vpdnd/interface.h>

#include "vpdnd-config.h"
#include "config-source.h"
#include "core-private.h"
#include "metrics-http.h"
#include "node-events.h"

/* libconfuse's error callback has no user data: errors of the parse,
 * check or reload in progress collect here (the daemon parses on one
 * thread), each placed through the source's line map (config-source.h),
 * never through libconfuse's own file name and line counter. Outside those
 * windows (a module calling cfg_getopt() on an option nobody defines, at
 * run time) nothing is kept, so nothing stale reaches the next error. */
enum phase { PHASE_IDLE, PHASE_PASS_ONE, PHASE_PARSE, PHASE_CHECK };
static enum phase phase;
static const struct vpdn_cfg_source *current;
static GString *parse_errors;
/* root cfg_t -> its struct vpdn_cfg_source, for errors of later checks */
static GHashTable *sources;

static void locate(cfg_t *cfg, const char *msg, const char **file, int *line)
{
	int l = cfg ? cfg->line : 0;
	/* After the parse a section's counter rests on its closing brace:
	 * name the line of the option the message is about, else the line
	 * that opens the section. */
	if (phase == PHASE_CHECK && cfg && cfg->name && strcmp(cfg->name, "root") &&
	    vpdn_cfg_source_section(current, cfg->name, cfg->title, l, msg, file, line))
		return;
	vpdn_cfg_source_locate(current, l, file, line);
}

static void append_error(const char *text)
{
	if (!parse_errors)
		parse_errors = g_string_new(NULL);
	if (parse_errors->len)
		g_string_append_c(parse_errors, '\n');
	g_string_append(parse_errors, text);
}

static void collect_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	if ((phase != PHASE_PARSE && phase != PHASE_CHECK) || !current)
		return;
	char *msg = g_strdup_vprintf(fmt, ap);
	const char *file;
	int line;
	locate(cfg, msg, &file, &line);
	char *full = line > 0 ? g_strdup_printf("%s:%d: %s", file, line, msg)
			      : g_strdup_printf("%s: %s", file, msg);
	append_error(full);
	g_free(full);
	g_free(msg);
}

static void reset_errors(void)
{
	if (parse_errors)
		g_string_free(parse_errors, TRUE);
	parse_errors = NULL;
}

static char *take_errors(const char *fallback_file)
{
	if (!parse_errors || !parse_errors->len) {
		reset_errors();
		return fallback_file ? g_strdup_printf("%s: cannot parse the config", fallback_file) : NULL;
	}
	char *s = g_string_free(parse_errors, FALSE);
	parse_errors = NULL;
	return s;
}

/* include() is expanded before libconfuse sees the text; one left over
 * stands where the source scanner did not take it for a statement. */
static int include_misplaced(cfg_t *cfg, cfg_opt_t *opt, int argc, const char **argv)
{
	cfg_error(cfg, "include() must stand on its own, between statements");
	return -1;
}

static int parse_source(cfg_t *cfg, const char *path, const struct vpdn_cfg_source *src)
{
	size_t len;
	const char *text = vpdn_cfg_source_text(src, &len);
	/* fmemopen() of nothing fails: an empty file is one blank line. */
	FILE *f = len ? fmemopen((void *)text, len, "r") : fmemopen((void *)"\n", 1, "r");
	if (!f)
		return -errno;
	free(cfg->filename);
	cfg->filename = strdup(path);
	int ret = cfg_parse_fp(cfg, f);
	fclose(f);
	return ret == CFG_SUCCESS ? 0 : -EINVAL;
}

/* libconfuse 3.3 looks for an earlier section of the same title among
 * all of an option's values each time a titled section opens (cfg_setopt),
 * so n sections cost n*n/2 strcmp(): 40 000 `username` sections took 4 s
 * and more. After each top-level titled section is parsed, its value moves
 * to a side table with a title index, so libconfuse only ever sees the one
 * it is parsing; duplicates are decided here as libconfuse would
 * (CFGF_NO_TITLE_DUPES refuses them, otherwise the later replaces the
 * earlier in its place) and the values go back to the option, in order,
 * when the parse ends. */
struct titled {
	cfg_opt_t *opt;
	cfg_validate_callback_t chained; /* a module's own, called first */
	GPtrArray *values;               /* cfg_value_t *, in file order */
	GHashTable *index;               /* title -> position + 1 */
};
static GPtrArray *titled_opts;   /* struct titled *, during a parse */
static size_t title_compares;     /* titles libconfuse compared (tests) */

size_t vpdn_config_title_compares(void)
{
	return title_compares;
}

static void error_at_section(cfg_t *cfg, const char *name, const char *title, const char *fmt, ...)
	G_GNUC_PRINTF(4, 5);
static void error_at_section(cfg_t *cfg, const char *name, const char *title, const char *fmt, ...)
{
	const char *file;
	int line;
	if (!current)
		return;
	if (!vpdn_cfg_source_section(current, name, title, cfg->line, NULL, &file, &line))
		vpdn_cfg_source_locate(current, cfg->line, &file, &line);
	va_list ap;
	va_start(ap, fmt);
	char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	char *full = g_strdup_printf("%s:%d: %s", file, line, msg);
	append_error(full);
	g_free(full);
	g_free(msg);
}

static void free_section_value(cfg_value_t *v)
{
	v->section->path = NULL;
	cfg_free(v->section);
	free(v);
}

static int titled_parsed(cfg_t *cfg, cfg_opt_t *opt)
{
	struct titled *t = NULL;
	for (guint i = 0; titled_opts && i < titled_opts->len && !t; i++)
		if (((struct titled *)g_ptr_array_index(titled_opts, i))->opt == opt)
			t = g_ptr_array_index(titled_opts, i);
	if (!t)
		return 0;
	if (t->chained && t->chained(cfg, opt) != 0)
		return -1;
	if (opt->nvalues)
		title_compares += opt->nvalues - 1;
	while (opt->nvalues) {
		cfg_value_t *v = opt->values[0];
		const char *title = v->section->title;
		gpointer pos = g_hash_table_lookup(t->index, title);
		if (pos && (opt->flags & CFGF_NO_TITLE_DUPES)) {
			error_at_section(cfg, opt->name, title, "found duplicate title '%s'", title);
			return -1; /* v stays in opt, freed with the tree */
		}
		memmove(opt->values, opt->values + 1, (opt->nvalues - 1) * sizeof(*opt->values));
		opt->nvalues--;
		if (pos) {
			guint k = GPOINTER_TO_UINT(pos) - 1;
			cfg_value_t *old = g_ptr_array_index(t->values, k);
			/* the index must not keep the old title's string */
			g_hash_table_replace(t->index, v->section->title, pos);
			t->values->pdata[k] = v;
			free_section_value(old);
		} else {
			g_ptr_array_add(t->values, v);
			g_hash_table_insert(t->index, v->section->title, GUINT_TO_POINTER(t->values->len));
		}
	}
	return 0;
}

static void titled_begin(cfg_t *cfg)
{
	title_compares = 0;
	titled_opts = g_ptr_array_new();
	for (cfg_opt_t *o = cfg->opts; o && o->name; o++) {
		if (o->type != CFGT_SEC || !(o->flags & CFGF_MULTI) || !(o->flags & CFGF_TITLE))
			continue;
		struct titled *t = g_new0(struct titled, 1);
		t->opt = o;
		t->values = g_ptr_array_new();
		t->index = g_hash_table_new(g_str_hash, g_str_equal);
		t->chained = cfg_set_validate_func(cfg, o->name, titled_parsed);
		g_ptr_array_add(titled_opts, t);
	}
}

/* Give the values back to their options, before any leftover. */
static void titled_end(cfg_t *cfg)
{
	for (guint i = 0; titled_opts && i < titled_opts->len; i++) {
		struct titled *t = g_ptr_array_index(titled_opts, i);
		cfg_opt_t *o = t->opt;
		guint n = t->values->len + o->nvalues;
		if (t->values->len) {
			cfg_value_t **all = malloc(n * sizeof(*all));
			g_assert(all);
			memcpy(all, t->values->pdata, t->values->len * sizeof(*all));
			if (o->nvalues)
				memcpy(all + t->values->len, o->values, o->nvalues * sizeof(*all));
			free(o->values);
			o->values = all;
			o->nvalues = n;
		}
		cfg_set_validate_func(cfg, o->name, t->chained);
		g_ptr_array_free(t->values, TRUE);
		g_hash_table_destroy(t->index);
		g_free(t);
	}
	if (titled_opts)
		g_ptr_array_free(titled_opts, TRUE);
	titled_opts = NULL;
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

static int validate_metrics_listen(cfg_t *cfg, cfg_opt_t *opt)
{
	struct sockaddr_storage ss;
	socklen_t len;
	char *error = NULL;

	if (vpdn_metrics_parse_listen(cfg_opt_getnstr(opt, 0), &ss, &len, &error) < 0) {
		cfg_error(cfg, "%s", error);
		g_free(error);
		return -1;
	}
	return 0;
}

static int validate_max_series(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 1 || v > 1000000) {
		cfg_error(cfg, "metrics max-series must be 1..1000000, not %ld", v);
		return -1;
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

/* metrics { listen = "127.0.0.1:9464" }: the Prometheus endpoint, off
 * unless listen is set. */
static cfg_opt_t metrics_opts[] = {
	CFG_STR("listen", NULL, CFGF_NONE),
	CFG_INT("max-series", VPDN_METRICS_MAX_SERIES_DEFAULT, CFGF_NONE),
	CFG_END(),
};

static int validate_capture_directory(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	if (v && g_path_is_absolute(v))
		return 0;
	cfg_error(cfg, "capture-directory must be an absolute path, not '%s'", v ? v : "");
	return -1;
}

static int validate_state_directory(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *v = cfg_opt_getnstr(opt, 0);
	if (v && g_path_is_absolute(v))
		return 0;
	cfg_error(cfg, "state-directory must be an absolute path, not '%s'", v ? v : "");
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

static int validate_vpdn_history_size(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);
	if (v >= 0 && v <= VPDN_HISTORY_SIZE_MAX)
		return 0;
	cfg_error(cfg, "vpdn-history-size must be 0 to %d, not %ld", VPDN_HISTORY_SIZE_MAX, v);
	return -1;
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
	CFG_SEC("metrics", metrics_opts, CFGF_NONE),                     \
	CFG_STR("capture-directory", VPDN_CAPTURE_DIRECTORY_DEFAULT, CFGF_NONE), \
	CFG_INT("dbus-max-objects", VPDN_DBUS_MAX_OBJECTS_DEFAULT, CFGF_NONE), \
	CFG_INT("vpdn-history-size", VPDN_HISTORY_SIZE_DEFAULT, CFGF_NONE), \
	CFG_STR("state-directory", VPDN_STATE_DIRECTORY_DEFAULT, CFGF_NONE), \
	CFG_FUNC("include", include_misplaced)

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
	struct vpdn_cfg_source *src = vpdn_cfg_source_new(path, NULL, error);
	if (!src)
		return -EINVAL;
	cfg_t *cfg = init_core_only();
	phase = PHASE_PASS_ONE;
	int ret = parse_source(cfg, path, src);
	phase = PHASE_IDLE;
	if (ret < 0 && ret != -EINVAL) {
		*error = g_strdup_printf("%s: %s", path, g_strerror(-ret));
		cfg_free(cfg);
		vpdn_cfg_source_free(src);
		return ret;
	}
	out->modules = dup_list(cfg, "modules", &out->n_modules);
	const char *mfile = path;
	if (!vpdn_cfg_source_option(src, "modules", &mfile, &out->modules_line))
		out->modules_line = 0;
	out->modules_file = g_strdup(mfile);
	out->module_path = dup_list(cfg, "module-path", NULL);
	out->hostname = g_strdup(cfg_getstr(cfg, "hostname"));
	out->complete = ret == 0;
	cfg_free(cfg);
	vpdn_cfg_source_free(src);
	return 0;
}

void vpdn_config_core_clear(struct vpdn_config_core *c)
{
	g_strfreev(c->modules);
	g_strfreev(c->module_path);
	g_free(c->hostname);
	g_free(c->modules_file);
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
	/* The interface keys the core owns (description, ip-address,
	 * ip-unnumbered: core/interface.c), then the modules'. */
	const cfg_opt_t *iface_core = vpdn_interface_core_options();
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

/* Two sections naming one interface ("Dialer1" and "Di1", "dialer 1"):
 * which one a module used would depend on how it looked the name up.
 * CFGF_NO_TITLE_DUPES only catches the same title twice. */
static bool interfaces_distinct(cfg_t *cfg)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	bool ok = true;

	for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		char *k = vpdn_ifname_key(cfg_title(s));
		cfg_t *first = g_hash_table_lookup(seen, k);

		if (first) {
			cfg_error(s, "interface \"%s\" is the same interface as \"%s\"", cfg_title(s),
				  cfg_title(first));
			ok = false;
			g_free(k);
		} else {
			g_hash_table_insert(seen, k, s);
		}
	}
	g_hash_table_destroy(seen);
	return ok;
}

static cfg_t *parse_full(const char *path, const char *text, struct vpdn_loader *ld,
			 char **error)
{
	cfg_opt_t *iface = NULL;
	cfg_t *cfg = NULL;
	*error = NULL;
	struct vpdn_cfg_source *src = vpdn_cfg_source_new(path, text, error);
	if (!src)
		return NULL;
	cfg_opt_t *opts = build_opts(ld, &iface, error);
	if (!opts) {
		vpdn_cfg_source_free(src);
		return NULL;
	}
	cfg = cfg_init(opts, CFGF_NONE);
	g_free(opts);
	g_free(iface);
	if (!cfg) {
		*error = g_strdup("cannot initialise the config parser");
		vpdn_cfg_source_free(src);
		return NULL;
	}
	cfg_set_error_function(cfg, collect_error);
	cfg_set_validate_func(cfg, "debug", validate_debug);
	cfg_set_validate_func(cfg, "log-level", validate_log_level);
	cfg_set_validate_func(cfg, "metrics|listen", validate_metrics_listen);
	cfg_set_validate_func(cfg, "metrics|max-series", validate_max_series);
	cfg_set_validate_func(cfg, "capture-directory", validate_capture_directory);
	cfg_set_validate_func(cfg, "dbus-max-objects", validate_dbus_max_objects);
	cfg_set_validate_func(cfg, "vpdn-history-size", validate_vpdn_history_size);
	cfg_set_validate_func(cfg, "state-directory", validate_state_directory);

	reset_errors();
	current = src;
	phase = PHASE_PARSE;
	titled_begin(cfg);
	int ret = parse_source(cfg, path, src);
	titled_end(cfg);
	const char *braces = vpdn_cfg_source_brace_errors(src);
	if (ret == -EINVAL) {
		/* libconfuse's first error, then what the braces say (a
		 * section left open is often why an option was unknown). */
		*error = take_errors(path);
		if (braces) {
			char *both = g_strdup_printf("%s\n%s", *error, braces);
			g_free(*error);
			*error = both;
		}
		goto fail;
	}
	if (ret < 0) {
		*error = g_strdup_printf("%s: %s", path, g_strerror(-ret));
		goto fail;
	}
	if (braces) {
		*error = g_strdup(braces);
		goto fail;
	}
	phase = PHASE_CHECK;
	bool bad = !interfaces_distinct(cfg);
	for (size_t i = 0; i < vpdn_loader_count(ld); i++) {
		const struct vpdn_module *m = vpdn_loader_module(ld, i);
		if (m->check && m->check(cfg) < 0)
			bad = true;
	}
	if (bad) {
		*error = take_errors(path);
		goto fail;
	}
	reset_errors(); /* warnings a check printed but did not fail on */
	phase = PHASE_IDLE;
	current = NULL;
	if (!sources)
		sources = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
						(GDestroyNotify)vpdn_cfg_source_free);
	g_hash_table_insert(sources, cfg, src);
	return cfg;
fail:
	reset_errors();
	phase = PHASE_IDLE;
	current = NULL;
	cfg_free(cfg);
	vpdn_cfg_source_free(src);
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
	if (!cfg)
		return;
	if (sources)
		g_hash_table_remove(sources, cfg);
	cfg_free(cfg);
}

void vpdn_config_errors_begin(cfg_t *cfg)
{
	reset_errors();
	current = sources ? g_hash_table_lookup(sources, cfg) : NULL;
	phase = current ? PHASE_CHECK : PHASE_IDLE;
}

char *vpdn_config_errors_end(void)
{
	char *e = phase == PHASE_CHECK ? take_errors(NULL) : NULL;
	reset_errors();
	phase = PHASE_IDLE;
	current = NULL;
	return e;
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
	core->vpdn_history_size = (unsigned)cfg_getint(cfg, "vpdn-history-size");
	vpdn_node_events_set_history_size(core->events, core->vpdn_history_size);
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
