/* SPDX-License-Identifier: MIT */
/*
 * Reload of a carrier's sections (isdn, controller; line): the settings in
 * force kept as text per section (kind, title, each option's values), and
 * the first difference with a new config that cannot apply live reported
 * with cfg_error() ("controller \"BRI 0\": number cannot change live;
 * restart vpdnd to apply it"). Shared by the isdn and line modules.
 */
#ifndef ISDN_CONFIG_SNAP_H
#define ISDN_CONFIG_SNAP_H

#include <confuse.h>
#include <glib.h>
#include <stdbool.h>

struct isdn_snap_entry {
	const char *kind;  /* the section's name: "isdn", "controller", "line" */
	char *title;       /* NULL for an untitled section */
	GHashTable *opts;  /* option name -> its values as text */
	cfg_t *sec;        /* only while the snapshot of a new config is compared */
};

/* May opt of a section of this kind change live? */
typedef bool (*isdn_snap_live_fn)(const char *kind, const char *opt);

/* A snapshot (struct isdn_snap_entry *, g_ptr_array_free frees it) of
 * the untitled section single (NULL: none) and each section of kinds, in
 * that order. Keeps pointers to cfg's sections until
 * isdn_snap_forget_sections(). */
GPtrArray *isdn_snap_new(cfg_t *cfg, const char *single, const char *const *kinds, size_t n_kinds);
void isdn_snap_forget_sections(GPtrArray *snap);
/* True if new differs from old only in live options; otherwise reports
 * the first difference (cfg_error on its section, or on root for a
 * section removed) and returns false. */
bool isdn_snap_compatible(GPtrArray *old, GPtrArray *new, cfg_t *root, isdn_snap_live_fn live);

#endif
