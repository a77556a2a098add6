/* SPDX-License-Identifier: MIT */
/*
 * Restart in place (docs/RESTART.md): the services a module uses to keep
 * its descriptors and its links across a planned restart. The state
 * itself is what the module's save() hook returns (vpdnd/module.h).
 *
 * Descriptor names are printable ASCII without ':' (LISTEN_FDNAMES
 * separates them with it), at most 255 octets: "l2tp/udp/127.0.0.2/1701".
 */
#ifndef VPDND_RESTART_H
#define VPDND_RESTART_H

#include <stdbool.h>

#include <vpdnd/core.h>
#include <vpdnd/link.h>

#ifdef __cplusplus
extern "C" {
#endif

/* At start: the descriptor the previous process handed over under name,
 * or -1 (a clean start, or none by that name: open your own). The caller
 * owns it from now on; a second call for the same name returns -1.
 * Descriptors nobody takes are closed once every module restored. */
int vpdn_core_take_fd(struct vpdn_core *core, const char *name);

/* In a save() hook: hand fd to the successor under name. The core keeps
 * a duplicate (the caller's fd stays the caller's). 0, -EINVAL for a bad
 * name, -EEXIST for a name given twice, or the dup's -errno. */
int vpdn_core_keep_fd(struct vpdn_core *core, const char *name, int fd);

/* This start is a restart in place whose state was accepted: modules
 * will get restore(). */
bool vpdn_core_restarted(struct vpdn_core *core);

/* Links rebuilt by IDs. In restore(), a carrier offers each link it
 * rebuilt under a key ("l2tp/TID/SID"); the consumer that had it (PPP)
 * takes it back in its own restore() with the same key (the core keeps
 * no reference: the carrier owns the link). After every module's
 * restore(), orphan(ctx, link) runs for each link nobody took, and the
 * carrier clears that call cleanly. -EEXIST for a key offered twice. */
typedef void (*vpdn_restart_orphan_fn)(void *ctx, struct vpdn_link *link);
int vpdn_core_restored_link_offer(struct vpdn_core *core, const char *key,
				  struct vpdn_link *link, vpdn_restart_orphan_fn orphan,
				  void *ctx);
/* The link offered under key, or NULL; taken once. */
struct vpdn_link *vpdn_core_restored_link_take(struct vpdn_core *core, const char *key);

#ifdef __cplusplus
}
#endif
#endif
