/* SPDX-License-Identifier: MIT */
/* Reload: a snapshot of config sections as text. See config-snap.h. */
#include "config-snap.h"

#include <string.h>

/* The core frees the tree a module started with after every reload,
 * refused or not, so what is running is kept as a snapshot: per section
 * its kind, title and each option's values as text. */

static void snap_free(gpointer p)
{
	struct isdn_snap_entry *e = p;
	g_free(e->title);
	g_hash_table_destroy(e->opts);
	g_free(e);
}

static char *opt_text(cfg_opt_t *o)
{
	GString *t = g_string_new(NULL);
	for (unsigned i = 0; i < cfg_opt_size(o); i++) {
		const char *v;
		switch (o->type) {
		case CFGT_INT: g_string_append_printf(t, "%ld,", cfg_opt_getnint(o, i)); break;
		case CFGT_BOOL: g_string_append_printf(t, "%d,", cfg_opt_getnbool(o, i)); break;
		case CFGT_FLOAT: g_string_append_printf(t, "%a,", cfg_opt_getnfloat(o, i)); break;
		case CFGT_STR:
			v = cfg_opt_getnstr(o, i);
			if (v)
				g_string_append_printf(t, "%zu:%s,", strlen(v), v);
			else
				g_string_append(t, "-,");
			break;
		default: break;
		}
	}
	return g_string_free(t, FALSE);
}

static void snap_add(GPtrArray *snap, const char *kind, cfg_t *sec)
{
	struct isdn_snap_entry *e = g_new0(struct isdn_snap_entry, 1);
	e->kind = kind;
	e->title = g_strdup(cfg_title(sec));
	e->sec = sec;
	e->opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (cfg_opt_t *o = sec->opts; o && o->name; o++)
		g_hash_table_insert(e->opts, g_strdup(o->name), opt_text(o));
	g_ptr_array_add(snap, e);
}

GPtrArray *isdn_snap_new(cfg_t *cfg, const char *single, const char *const *kinds, size_t n_kinds)
{
	GPtrArray *snap = g_ptr_array_new_with_free_func(snap_free);

	if (single)
		snap_add(snap, single, cfg_getsec(cfg, single));
	for (size_t k = 0; k < n_kinds; k++)
		for (unsigned i = 0; i < cfg_size(cfg, kinds[k]); i++)
			snap_add(snap, kinds[k], cfg_getnsec(cfg, kinds[k], i));
	return snap;
}

void isdn_snap_forget_sections(GPtrArray *snap)
{
	for (guint i = 0; i < snap->len; i++)
		((struct isdn_snap_entry *)g_ptr_array_index(snap, i))->sec = NULL;
}

static void refuse(struct isdn_snap_entry *e, const char *opt, const char *how)
{
	if (e->title)
		cfg_error(e->sec, "%s \"%s\": %s %s live; restart vpdnd to apply it",
			  e->kind, e->title, opt, how);
	else
		cfg_error(e->sec, "%s: %s %s live; restart vpdnd to apply it", e->kind, opt, how);
}

/* The first difference that cannot apply live, reported; false if any. */
bool isdn_snap_compatible(GPtrArray *old, GPtrArray *new, cfg_t *root, isdn_snap_live_fn live)
{
	for (guint i = 0; i < MAX(old->len, new->len); i++) {
		struct isdn_snap_entry *a = i < old->len ? g_ptr_array_index(old, i) : NULL;
		struct isdn_snap_entry *b = i < new->len ? g_ptr_array_index(new, i) : NULL;
		if (!b) {
			struct isdn_snap_entry gone = { a->kind, a->title, NULL, root };
			refuse(&gone, "the section", "cannot be removed");
			return false;
		}
		if (!a || strcmp(a->kind, b->kind) || g_strcmp0(a->title, b->title)) {
			refuse(b, "the section", "cannot be added or renamed");
			return false;
		}
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, b->opts);
		while (g_hash_table_iter_next(&it, &k, &v))
			if (!live(b->kind, k) && g_strcmp0(v, g_hash_table_lookup(a->opts, k))) {
				refuse(b, k, "cannot change");
				return false;
			}
	}
	return true;
}
