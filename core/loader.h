/* SPDX-License-Identifier: MIT */
/* The module loader: find, check, order, init and finalise modules. */
#ifndef VPDND_LOADER_H
#define VPDND_LOADER_H

#include <confuse.h>
#include <glib.h>
#include <stddef.h>

#include <vpdnd/module.h>

struct vpdn_loader;

struct vpdn_loader *vpdn_loader_new(void);
/* Free: finalises what is still initialised, then closes the modules. */
void vpdn_loader_free(struct vpdn_loader *ld);

/* Directories searched, in the order added, for NAME.so and NAME/NAME.so. */
void vpdn_loader_add_path(struct vpdn_loader *ld, const char *dir);
/* Add each directory of a colon-separated list. */
void vpdn_loader_add_path_list(struct vpdn_loader *ld, const char *list);
/* The search path as one string, for messages. */
char *vpdn_loader_path_string(struct vpdn_loader *ld);

/* Load the named modules, check them and sort them in dependency order.
 * On failure returns negative errno and sets *error (g_malloc'd, one
 * line): unknown module, not a module, wrong ABI (an ABI 1 module
 * included), a descriptor shorter than ABI 2's, a bad claims/needs/uses
 * list, duplicate, missing dependency, dependency cycle. */
int vpdn_loader_load(struct vpdn_loader *ld, const char *const *names, size_t n,
		     char **error);

/* Requests the loaded modules ask that none of them claims: one line per
 * type (g_malloc'd), "AUTH_REQUEST: no module loaded answers it (...)",
 * into errors for a module's `needs`, else into warnings for its `uses`.
 * Returns the number of errors. */
size_t vpdn_loader_unanswered(const struct vpdn_loader *ld, GPtrArray *errors,
			      GPtrArray *warnings);

size_t vpdn_loader_count(const struct vpdn_loader *ld);
/* The i-th module in init order, and the file it came from. */
const struct vpdn_module *vpdn_loader_module(const struct vpdn_loader *ld, size_t i);
const char *vpdn_loader_module_path(const struct vpdn_loader *ld, size_t i);

/* Init every module in order; on a failure, finalise the ones already
 * initialised (in reverse) and return the error (and *error). */
int vpdn_loader_init(struct vpdn_loader *ld, struct vpdn_core *core, cfg_t *cfg,
		     char **error);
/* Give every module the new config. Returns the first error. */
int vpdn_loader_reload(struct vpdn_loader *ld, cfg_t *cfg, char **error);
/* Restart in place: every module's save() in init order, as a(suv)
 * (name, state version, data); an owned reference. */
GVariant *vpdn_loader_save(struct vpdn_loader *ld);
/* restore() of each module in init order with its entry of modules
 * (a(suv)); refusals logged. Returns -EPROTO if one refused, else 0. */
int vpdn_loader_restore(struct vpdn_loader *ld, GVariant *modules);
/* Finalise in reverse order (idempotent). */
void vpdn_loader_fini(struct vpdn_loader *ld);

#endif
