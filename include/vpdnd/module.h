/* SPDX-License-Identifier: MIT */
/*
 * The module ABI.
 *
 * A module is a shared object that exports exactly one symbol,
 * VPDN_MODULE_SYMBOL ("vpdn_module"), a const struct vpdn_module. Use the
 * VPDN_MODULE_EXPORT macro to define it and link with the version script
 * the SDK installs (pkg-config variable `modulemap`), or build with
 * -fvisibility=hidden, so that nothing else is exported.
 *
 * Lifetime: the core dlopen()s modules in the order of the config's
 * `modules` list, checks every descriptor, then calls init() in dependency
 * order (a module's `requires` first) and fini() in reverse order on
 * shutdown. init() receives the whole parsed config (the root cfg_t) and
 * reads its own sections from it; it may keep `cfg` pointers until reload()
 * or fini(). Services come only through `core` (no globals).
 *
 * ABI 2 (this header): the descriptor starts with `abi` and `size`
 * (sizeof(struct vpdn_module) as the module was built, so the struct can
 * grow at the end: the core reads only the fields a module's size covers)
 * and says which built-in request types the module answers (`claims`) and
 * which it asks (`needs`: it cannot work without an answer; `uses`: some
 * of its configs ask). The loader refuses another ABI (an ABI 1 module
 * included) with one line; after parsing, each needed or used request no
 * loaded module claims is reported with one line, e.g.
 * "AUTH_REQUEST: no module loaded answers it (asked by ppp: ...)": an
 * error for `needs` (--check fails, the node does not start), a warning
 * for `uses`. Lists hold enum vpdn_event_type values, end with
 * VPDN_EV_NONE, or are NULL.
 *
 * The request lifetime rule of ABI 2 (vpdnd/bus.h): a request never
 * completes inside vpdn_bus_request(); an answer given at once reaches the
 * requester on the next main-loop turn.
 */
#ifndef VPDND_MODULE_H
#define VPDND_MODULE_H

#include <confuse.h>
#include <stddef.h>
#include <stdint.h>

#include <vpdnd/core.h>

#ifdef __cplusplus
extern "C" {
#endif

/* GLib's GVariant (the restart hooks' state, below); declared here so
 * that a module without those hooks needs no GLib headers. */
typedef struct _GVariant GVariant;

#define VPDN_MODULE_ABI 2
#define VPDN_MODULE_SYMBOL "vpdn_module"

struct vpdn_module {
	uint32_t abi;                     /* must equal VPDN_MODULE_ABI */
	uint32_t size;                    /* sizeof(struct vpdn_module) */
	const char *name;                 /* "l2tp"; file is <name>.so */
	const char *version;
	const char *description;
	const char *const *requires;      /* NULL-terminated, or NULL */
	/* Top-level config options and sections this module owns, terminated
	 * by CFG_END(); or NULL. */
	cfg_opt_t *options;
	/* Options this module adds inside `interface "NAME" { ... }`
	 * sections, terminated by CFG_END(); or NULL. */
	cfg_opt_t *interface_options;
	/* Semantic checks after parsing; report with cfg_error() (which
	 * names file and line: on a section, the line of the first of its
	 * options the message names, else its opening line) and return
	 * -EINVAL. May be NULL. */
	int (*check)(cfg_t *cfg);
	/* Start. Return 0 or negative errno (the node then stops). */
	int (*init)(struct vpdn_core *core, cfg_t *cfg, void **state);
	/* A new config was parsed and checked: apply what can change live
	 * (new calls/tunnels use it; established ones stay). To refuse a
	 * change, cfg_error() on the section (one line naming the option; the
	 * core adds file and line and returns it to the caller) and return
	 * -EINVAL. Pointers into the tree init() or an earlier reload() got
	 * die after every reload, refused or not. May be NULL. */
	int (*reload)(void *state, cfg_t *cfg);
	/* Stop and free everything. */
	void (*fini)(void *state);
	/* ABI 2. Request types this module claims (answers). */
	const uint32_t *claims;
	/* Request types it asks and cannot work without an answer to. */
	const uint32_t *needs;
	/* Request types it asks in some configs (a node may run without an
	 * answer: those requests fail with -ENOENT). */
	const uint32_t *uses;
	/* Restart in place (docs/RESTART.md; vpdnd/restart.h). Read only
	 * when `size` covers them; all may be 0/NULL.
	 * state_version: the format of what save() returns.
	 * save: a planned restart; return the module's state (a floating or
	 * owned reference; NULL: nothing to keep) and vpdn_core_keep_fd() the
	 * descriptors to keep. Change nothing the network sees: the process
	 * execs after the hooks, fini() never runs.
	 * restore: after every module's init(), in init order, with what the
	 * save() of the module of this name returned in the old process and
	 * its state_version. 0, or negative errno (logged; the module goes on
	 * as after a clean start: -EPROTO for a version it does not know).
	 * -EAGAIN (the first call only): call me again after every other
	 * module's restore() (a consumer of links a later module offers). */
	uint32_t state_version;
	GVariant *(*save)(void *state);
	int (*restore)(void *state, GVariant *data, uint32_t version);
};

/* The size of the first ABI 2 descriptor: a module's `size` is at least
 * this. */
#define VPDN_MODULE_SIZE_2 (offsetof(struct vpdn_module, uses) + sizeof(const uint32_t *))

/* The size of a descriptor with the restart hooks. */
#define VPDN_MODULE_SIZE_RESTART (offsetof(struct vpdn_module, restore) + sizeof(void *))

#define VPDN_MODULE_EXPORT __attribute__((visibility("default"))) \
	extern const struct vpdn_module vpdn_module; \
	__attribute__((visibility("default"))) const struct vpdn_module vpdn_module

#ifdef __cplusplus
}
#endif
#endif
