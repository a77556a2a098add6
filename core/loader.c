/* SPDX-License-Identifier: MIT */
/*
 * The module loader. Modules are found by name in the search path, opened
 * with GModule, and checked through their one exported descriptor. Init
 * order is a topological sort of `requires` that otherwise keeps the order
 * of the config's list; fini runs in reverse. After loading, the
 * request types modules ask are matched against the ones they claim
 * (vpdn_loader_unanswered()).
 */
#include <errno.h>
#include <gmodule.h>
#include <string.h>

#include <vpdnd/bus.h>
#include <vpdnd/core.h>
#include <vpdnd/events.h>

#include "loader.h"

struct loaded {
	GModule *gmod;
	char *path;
	const struct vpdn_module *desc;
	void *state;
	bool inited;
};

struct vpdn_loader {
	struct vpdn_core *core; /* from vpdn_loader_init() */
	GPtrArray *paths;  /* char * */
	GArray *mods;      /* struct loaded, in init order once loaded */
};

struct vpdn_loader *vpdn_loader_new(void)
{
	struct vpdn_loader *ld = g_new0(struct vpdn_loader, 1);
	ld->paths = g_ptr_array_new_with_free_func(g_free);
	ld->mods = g_array_new(FALSE, TRUE, sizeof(struct loaded));
	return ld;
}

static void close_all(struct vpdn_loader *ld)
{
	for (guint i = 0; i < ld->mods->len; i++) {
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		if (l->gmod)
			g_module_close(l->gmod);
		g_free(l->path);
	}
	g_array_set_size(ld->mods, 0);
}

void vpdn_loader_free(struct vpdn_loader *ld)
{
	if (!ld)
		return;
	vpdn_loader_fini(ld);
	close_all(ld);
	g_array_free(ld->mods, TRUE);
	g_ptr_array_free(ld->paths, TRUE);
	g_free(ld);
}

void vpdn_loader_add_path(struct vpdn_loader *ld, const char *dir)
{
	if (dir && *dir)
		g_ptr_array_add(ld->paths, g_strdup(dir));
}

void vpdn_loader_add_path_list(struct vpdn_loader *ld, const char *list)
{
	if (!list)
		return;
	char **dirs = g_strsplit(list, ":", -1);
	for (char **d = dirs; *d; d++)
		vpdn_loader_add_path(ld, *d);
	g_strfreev(dirs);
}

char *vpdn_loader_path_string(struct vpdn_loader *ld)
{
	GString *s = g_string_new(NULL);
	for (guint i = 0; i < ld->paths->len; i++) {
		if (i)
			g_string_append_c(s, ':');
		g_string_append(s, g_ptr_array_index(ld->paths, i));
	}
	return g_string_free(s, FALSE);
}

static char *find_module(struct vpdn_loader *ld, const char *name)
{
	for (guint i = 0; i < ld->paths->len; i++) {
		const char *dir = g_ptr_array_index(ld->paths, i);
		char *file = g_strdup_printf("%s.so", name);
		char *p1 = g_build_filename(dir, file, NULL);
		char *p2 = g_build_filename(dir, name, file, NULL);
		g_free(file);
		if (g_file_test(p1, G_FILE_TEST_IS_REGULAR)) {
			g_free(p2);
			return p1;
		}
		g_free(p1);
		if (g_file_test(p2, G_FILE_TEST_IS_REGULAR))
			return p2;
		g_free(p2);
	}
	return NULL;
}

static bool valid_name(const char *name)
{
	if (!name || !*name || strlen(name) > 64)
		return false;
	for (const char *p = name; *p; p++)
		if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_')
			return false;
	return true;
}

#define MAX_LIST 64

/* A claims/needs/uses list: built-in types, VPDN_EV_NONE-terminated. */
static bool list_ok(const uint32_t *list)
{
	for (size_t i = 0; list && i <= MAX_LIST; i++) {
		if (list[i] == VPDN_EV_NONE)
			return true;
		if (list[i] >= VPDN_EV__BUILTIN_COUNT || i == MAX_LIST)
			return false;
	}
	return true;
}

static const char *check_lists(const struct vpdn_module *d)
{
	if (!list_ok(d->claims))
		return "claims";
	if (!list_ok(d->needs))
		return "needs";
	if (!list_ok(d->uses))
		return "uses";
	return NULL;
}

static int open_one(struct vpdn_loader *ld, const char *name, struct loaded *out,
		    char **error)
{
	if (!valid_name(name)) {
		*error = g_strdup_printf("invalid module name '%s'", name ? name : "");
		return -EINVAL;
	}
	char *path = find_module(ld, name);
	if (!path) {
		char *sp = vpdn_loader_path_string(ld);
		*error = g_strdup_printf("unknown module '%s' (not found in %s)", name, sp);
		g_free(sp);
		return -ENOENT;
	}
	/* LOCAL: a module's symbols never satisfy another module's. */
	GModule *gmod = g_module_open(path, G_MODULE_BIND_LOCAL);
	if (!gmod) {
		*error = g_strdup_printf("module '%s': cannot load %s: %s", name, path,
					 g_module_error());
		g_free(path);
		return -ENOEXEC;
	}
	gpointer sym = NULL;
	if (!g_module_symbol(gmod, VPDN_MODULE_SYMBOL, &sym) || !sym) {
		*error = g_strdup_printf("module '%s': %s has no '%s' descriptor: not a vpdnd module",
					 name, path, VPDN_MODULE_SYMBOL);
		goto fail;
	}
	const struct vpdn_module *desc = sym;
	if (desc->abi != VPDN_MODULE_ABI) {
		*error = g_strdup_printf("module '%s': wrong ABI version %u (this vpdnd loads ABI %u only): rebuild it against this SDK",
					 name, desc->abi, VPDN_MODULE_ABI);
		goto fail;
	}
	if (desc->size < VPDN_MODULE_SIZE_2) {
		*error = g_strdup_printf("module '%s': descriptor of %u bytes, ABI %u has at least %zu: rebuild it against this SDK",
					 name, desc->size, VPDN_MODULE_ABI, (size_t)VPDN_MODULE_SIZE_2);
		goto fail;
	}
	const char *bad_list = check_lists(desc);
	if (bad_list) {
		*error = g_strdup_printf("module '%s': its %s list names no built-in event type (or does not end with VPDN_EV_NONE)",
					 name, bad_list);
		goto fail;
	}
	if (!desc->name || strcmp(desc->name, name) != 0) {
		*error = g_strdup_printf("module '%s': %s calls itself '%s'", name, path,
					 desc->name ? desc->name : "(null)");
		goto fail;
	}
	if (!desc->init || !desc->fini) {
		*error = g_strdup_printf("module '%s': descriptor lacks init or fini", name);
		goto fail;
	}
	out->gmod = gmod;
	out->path = path;
	out->desc = desc;
	return 0;
fail:
	g_module_close(gmod);
	g_free(path);
	return -ENOEXEC;
}

static int index_of(GArray *mods, const char *name)
{
	for (guint i = 0; i < mods->len; i++)
		if (strcmp(g_array_index(mods, struct loaded, i).desc->name, name) == 0)
			return (int)i;
	return -1;
}

/* Depth-first topological sort; mark: 0 new, 1 in progress, 2 done. */
static int visit(GArray *in, guint i, int *mark, GArray *out, char **error)
{
	if (mark[i] == 2)
		return 0;
	struct loaded *l = &g_array_index(in, struct loaded, i);
	if (mark[i] == 1) {
		*error = g_strdup_printf("module '%s': dependency cycle", l->desc->name);
		return -ELOOP;
	}
	mark[i] = 1;
	for (const char *const *r = l->desc->requires; r && *r; r++) {
		int j = index_of(in, *r);
		if (j < 0) {
			*error = g_strdup_printf("module '%s' requires module '%s', which is not in the modules list",
						 l->desc->name, *r);
			return -ENOENT;
		}
		int err = visit(in, (guint)j, mark, out, error);
		if (err)
			return err;
	}
	mark[i] = 2;
	g_array_append_val(out, *l);
	return 0;
}

int vpdn_loader_load(struct vpdn_loader *ld, const char *const *names, size_t n,
		     char **error)
{
	GArray *in = g_array_new(FALSE, TRUE, sizeof(struct loaded));
	int err = 0;

	*error = NULL;
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < i; j++)
			if (strcmp(names[i], names[j]) == 0) {
				*error = g_strdup_printf("duplicate module '%s' in the modules list", names[i]);
				err = -EEXIST;
				goto fail;
			}
		struct loaded l = { 0 };
		err = open_one(ld, names[i], &l, error);
		if (err)
			goto fail;
		g_array_append_val(in, l);
	}

	int *mark = g_new0(int, in->len ? in->len : 1);
	GArray *sorted = g_array_new(FALSE, TRUE, sizeof(struct loaded));
	for (guint i = 0; i < in->len && !err; i++)
		err = visit(in, i, mark, sorted, error);
	g_free(mark);
	if (err) {
		g_array_free(sorted, TRUE);
		goto fail;
	}
	g_array_free(in, TRUE);
	close_all(ld);
	g_array_free(ld->mods, TRUE);
	ld->mods = sorted;
	return 0;
fail:
	for (guint i = 0; i < in->len; i++) {
		struct loaded *l = &g_array_index(in, struct loaded, i);
		g_module_close(l->gmod);
		g_free(l->path);
	}
	g_array_free(in, TRUE);
	return err;
}

size_t vpdn_loader_count(const struct vpdn_loader *ld)
{
	return ld->mods->len;
}

const struct vpdn_module *vpdn_loader_module(const struct vpdn_loader *ld, size_t i)
{
	return i < ld->mods->len ? g_array_index(ld->mods, struct loaded, i).desc : NULL;
}

const char *vpdn_loader_module_path(const struct vpdn_loader *ld, size_t i)
{
	return i < ld->mods->len ? g_array_index(ld->mods, struct loaded, i).path : NULL;
}

int vpdn_loader_init(struct vpdn_loader *ld, struct vpdn_core *core, cfg_t *cfg,
		     char **error)
{
	*error = NULL;
	ld->core = core;
	for (guint i = 0; i < ld->mods->len; i++) {
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		if (l->inited)
			continue;
		int err = l->desc->init(core, cfg, &l->state);
		if (err < 0) {
			*error = g_strdup_printf("module '%s' failed to start: %s",
						 l->desc->name, g_strerror(-err));
			vpdn_loader_fini(ld);
			return err;
		}
		l->inited = true;
	}
	return 0;
}

int vpdn_loader_reload(struct vpdn_loader *ld, cfg_t *cfg, char **error)
{
	int first = 0;
	*error = NULL;
	for (guint i = 0; i < ld->mods->len; i++) {
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		if (!l->inited || !l->desc->reload)
			continue;
		int err = l->desc->reload(l->state, cfg);
		if (err < 0 && !first) {
			first = err;
			*error = g_strdup_printf("module '%s' could not apply the new config: %s",
						 l->desc->name, g_strerror(-err));
		}
	}
	return first;
}

static bool lists(const uint32_t *list, uint32_t type)
{
	for (; list && *list != VPDN_EV_NONE; list++)
		if (*list == type)
			return true;
	return false;
}

/* "auth-request" -> "AUTH_REQUEST", as events.h spells the type. */
static char *type_label(uint32_t type)
{
	char *s = g_ascii_strup(vpdn_event_type_name(type), -1);
	g_strdelimit(s, "-", '_');
	return s;
}

size_t vpdn_loader_unanswered(const struct vpdn_loader *ld, GPtrArray *errors,
			      GPtrArray *warnings)
{
	size_t n_errors = 0;

	for (uint32_t t = VPDN_EV_NONE + 1; t < VPDN_EV__BUILTIN_COUNT; t++) {
		GString *needed = g_string_new(NULL), *used = g_string_new(NULL);
		bool answered = false;
		for (guint i = 0; i < ld->mods->len; i++) {
			const struct vpdn_module *m = g_array_index(ld->mods, struct loaded, i).desc;
			answered |= lists(m->claims, t);
			GString *to = lists(m->needs, t) ? needed : lists(m->uses, t) ? used : NULL;
			if (to)
				g_string_append_printf(to, "%s%s", to->len ? ", " : "", m->name);
		}
		if (!answered && (needed->len || used->len)) {
			char *label = type_label(t);
			if (needed->len) {
				g_ptr_array_add(errors, g_strdup_printf("%s: no module loaded answers it (needed by %s)",
									label, needed->str));
				n_errors++;
			} else {
				g_ptr_array_add(warnings, g_strdup_printf("%s: no module loaded answers it (asked by %s: those requests fail)",
									  label, used->str));
			}
			g_free(label);
		}
		g_string_free(needed, TRUE);
		g_string_free(used, TRUE);
	}
	return n_errors;
}

void vpdn_loader_fini(struct vpdn_loader *ld)
{
	for (guint i = ld->mods->len; i-- > 0;) {
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		if (!l->inited)
			continue;
		l->inited = false;
		l->desc->fini(l->state);
		l->state = NULL;
		/* What the module let go of is freed while its code is loaded. */
		if (ld->core)
			(void)vpdn_bus_run_deferred(vpdn_core_bus(ld->core));
	}
}

/* ------------------------------------------------------------------ */
/* Restart in place (docs/RESTART.md)                                 */

static bool has_restart_hooks(const struct vpdn_module *m)
{
	return m->size >= VPDN_MODULE_SIZE_RESTART;
}

GVariant *vpdn_loader_save(struct vpdn_loader *ld)
{
	GVariantBuilder b;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a(suv)"));
	for (guint i = 0; i < ld->mods->len; i++) {
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		GVariant *data;

		if (!l->inited || !has_restart_hooks(l->desc) || !l->desc->save)
			continue;
		data = l->desc->save(l->state);
		if (!data)
			continue;
		g_variant_ref_sink(data);
		g_variant_builder_add(&b, "(suv)", l->desc->name, l->desc->state_version, data);
		g_variant_unref(data);
	}
	return g_variant_ref_sink(g_variant_builder_end(&b));
}

int vpdn_loader_restore(struct vpdn_loader *ld, GVariant *modules)
{
	struct vpdn_log *log = vpdn_core_log(ld->core);
	GVariantIter it;
	const char *name;
	guint32 version;
	GVariant *data;
	int failed = 0;

	/* A module the new config no longer loads loses its state. */
	g_variant_iter_init(&it, modules);
	while (g_variant_iter_next(&it, "(&suv)", &name, &version, &data)) {
		bool found = false;

		for (guint i = 0; i < ld->mods->len && !found; i++)
			found = g_strcmp0(g_array_index(ld->mods, struct loaded, i).desc->name, name) == 0;
		if (!found)
			vpdn_notice(log, "Restart: state of module %s dropped: not loaded any more", name);
		g_variant_unref(data);
	}
	/* Pass 0 in init order; a module whose restore() answers -EAGAIN
	 * (it takes back links a later module offers: ppp the sessions of
	 * l2tp) is called once more in pass 1, after all the others. */
	GArray *again = g_array_new(FALSE, FALSE, sizeof(guint));
	for (int pass = 0; pass < 2; pass++) {
	for (guint n = 0; n < (pass ? again->len : ld->mods->len); n++) {
		guint i = pass ? g_array_index(again, guint, n) : n;
		struct loaded *l = &g_array_index(ld->mods, struct loaded, i);
		GVariant *mine = NULL;

		g_variant_iter_init(&it, modules);
		while (!mine && g_variant_iter_next(&it, "(&suv)", &name, &version, &data)) {
			if (g_strcmp0(name, l->desc->name) == 0)
				mine = data;
			else
				g_variant_unref(data);
		}
		if (!mine)
			continue;
		if (!l->inited || !has_restart_hooks(l->desc) || !l->desc->restore) {
			vpdn_notice(log, "Restart: module %s has no restore hook: its state is dropped",
				    l->desc->name);
		} else {
			int r = l->desc->restore(l->state, mine, version);

			if (r == -EAGAIN && !pass) {
				g_array_append_val(again, i);
			} else if (r < 0) {
				vpdn_err(log, "Restart: module %s refused its state (version %u): %s; "
					 "it starts clean", l->desc->name, version, g_strerror(-r));
				failed++;
			}
		}
		g_variant_unref(mine);
		vpdn_bus_run_deferred(vpdn_core_bus(ld->core));
	}
	}
	g_array_free(again, TRUE);
	return failed ? -EPROTO : 0;
}
