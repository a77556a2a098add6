/* SPDX-License-Identifier: MIT */
/* Restart in place, the daemon's steps (restart-daemon.c, docs/RESTART.md). */
#ifndef VPDND_RESTART_DAEMON_H
#define VPDND_RESTART_DAEMON_H

#include <glib.h>
#include <stdbool.h>

#include "loader.h"

/* dir/HOSTNAME.restart (g_malloc'd). */
char *vpdn_restart_state_path(struct vpdn_core *core, const char *dir);
/* At start, before the modules' init: the descriptors handed over
 * (LISTEN_FDS/LISTEN_FDNAMES) and, when VPDND_RESTART_STATE names one,
 * the state (read, removed, checked; refused with one line). Returns the
 * modules' part of an accepted state (owned), else NULL. */
GVariant *vpdn_restart_adopt(struct vpdn_core *core);
/* After every module's init: their restore() (modules may be NULL: a
 * clean start), the orphan links, the descriptors nobody took closed. */
void vpdn_restart_restore(struct vpdn_core *core, struct vpdn_loader *ld, GVariant *modules);
/* Before agreeing to a restart: exe runs, state_dir is writable. */
int vpdn_restart_check(const char *exe, const char *state_dir, char **error);
/* Save, write the state to state_path, exec exe with argv. Returns only
 * on failure with *error: *gone false, nothing changed (the node goes
 * on); *gone true, the descriptors were renumbered (the node must exit). */
int vpdn_restart_exec(struct vpdn_core *core, struct vpdn_loader *ld, const char *state_path,
		      const char *exe, char **argv, bool *gone, char **error);

/* Under systemd (docs/RESTART.md "systemctl restart"): save, then hand
 * the kept descriptors and the state (a sealed memfd named
 * VPDN_RESTART_FDSTORE_STATE, pid 0) to the fd store (FDSTORE=1,
 * FDNAME=). 0: the node must now exit without a word to the peers (the
 * successor systemd starts gets everything as LISTEN_FDS); -errno with
 * *error: nothing changed, what was stored is removed again. */
int vpdn_restart_fdstore(struct vpdn_core *core, struct vpdn_loader *ld, char **error);

#endif
