/* SPDX-License-Identifier: MIT */
/* The node's D-Bus connection and its org.vpdnd.Node1 object. */
#ifndef VPDND_NODE_BUS_H
#define VPDND_NODE_BUS_H

#include <stddef.h>

#include <vpdnd/core.h>

/* What the daemon tells the node object. Callbacks run on the main loop. */
struct vpdn_node_info {
	/* Loaded modules in init order: return the i-th name (and version,
	 * description), or NULL past the end. */
	const char *(*module_at)(void *data, size_t i, const char **version,
				 const char **description);
	/* Reload the config. 0 on success; on failure a negative errno and
	 * *message (g_malloc'd, "file:line: ...") for the caller. */
	int (*reload)(void *data, char **message);
	/* Restart in place (docs/RESTART.md): check that it can, then do it
	 * after the reply left. 0, or a negative errno and *message. NULL:
	 * the node cannot. */
	int (*restart)(void *data, char **message);
	/* The same through systemd's fd store: the node hands its
	 * descriptors and state to systemd and exits (status 75), systemd
	 * starts the successor (RestartForceExitStatus=75). NULL: cannot. */
	int (*restart_fdstore)(void *data, char **message);
	void *data;
};

/* bus_spec: "system", "session", or a D-Bus address ("unix:path=...").
 * Connects, drives the connection from the default GMainContext, exports
 * /org/vpdnd/node and an ObjectManager at /org/vpdnd, and requests
 * org.vpdnd.Node.<hostname>. Sets core->dbus. Returns 0 or negative errno
 * (logged once). */
int vpdn_node_bus_open(struct vpdn_core *core, const char *bus_spec,
		       const struct vpdn_node_info *info);
/* Release the name and close (before modules are finalised? no: after,
 * so modules can drop their slots first). */
void vpdn_node_bus_close(struct vpdn_core *core);

#endif
