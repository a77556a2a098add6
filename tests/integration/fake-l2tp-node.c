/* SPDX-License-Identifier: MIT */
/*
 * A stand-in node for vpdnctl's `show vpdn` and `clear vpdn` tests: it owns
 * org.vpdnd.Node.<hostname> on the given bus and exports, exactly as the
 * L2TP module's D-Bus contract says, the scenario's LAC after both calls:
 * tunnel 45029 and sessions 291 and 292 (org.vpdnd.Tunnel1/Session1 under
 * an ObjectManager at /org/vpdnd), plus org.vpdnd.L2tp1 ClearTunnel(q) and
 * ClearSession(q) at /org/vpdnd/module/l2tp, which remove the objects, and
 * the paged ListTunnels/ListSessions, one row a page (so that vpdnctl's
 * paging is exercised).
 *
 *   fake-l2tp-node ADDRESS HOSTNAME
 *
 * Runs until SIGTERM/SIGINT. Prints "ready" once its name is owned.
 */
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

struct tunnel {
	uint16_t local_id, remote_id;
	const char *remote_name, *state, *remote_address;
	uint16_t remote_port;
	uint32_t sessions;
	const char *group;
	sd_bus_slot *slot;
};

struct session {
	uint16_t local_id, remote_id, tunnel_id;
	const char *interface, *username, *state;
	uint64_t last_change;
	int fastswitch;
	sd_bus_slot *slot;
};

static struct tunnel tunnels[] = {
	{ 45029, 11407, "LNS", "est", "18.18.18.2", 1701, 2, "1", NULL },
};

/* Out of order on purpose: vpdnctl sorts. */
static struct session sessions[] = {
	{ 292, 304, 45029, "Se0:30", "", "est", 20, 1, NULL },
	{ 291, 303, 45029, "Se0:17", "remote1@cisco.com", "est", 57, 1, NULL },
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static const sd_bus_vtable tunnel_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("LocalId", "q", NULL, offsetof(struct tunnel, local_id), 0),
	SD_BUS_PROPERTY("RemoteId", "q", NULL, offsetof(struct tunnel, remote_id), 0),
	SD_BUS_PROPERTY("RemoteName", "s", NULL, offsetof(struct tunnel, remote_name), 0),
	SD_BUS_PROPERTY("State", "s", NULL, offsetof(struct tunnel, state), 0),
	SD_BUS_PROPERTY("RemoteAddress", "s", NULL, offsetof(struct tunnel, remote_address), 0),
	SD_BUS_PROPERTY("RemotePort", "q", NULL, offsetof(struct tunnel, remote_port), 0),
	SD_BUS_PROPERTY("Sessions", "u", NULL, offsetof(struct tunnel, sessions), 0),
	SD_BUS_PROPERTY("Group", "s", NULL, offsetof(struct tunnel, group), 0),
	SD_BUS_VTABLE_END
};

static int property_extra(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	return sd_bus_message_append(reply, "a(ss)", 2, "a", "b", "c", "d");
}

static const sd_bus_vtable session_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("LocalId", "q", NULL, offsetof(struct session, local_id), 0),
	SD_BUS_PROPERTY("RemoteId", "q", NULL, offsetof(struct session, remote_id), 0),
	SD_BUS_PROPERTY("TunnelId", "q", NULL, offsetof(struct session, tunnel_id), 0),
	SD_BUS_PROPERTY("Interface", "s", NULL, offsetof(struct session, interface), 0),
	SD_BUS_PROPERTY("Username", "s", NULL, offsetof(struct session, username), 0),
	SD_BUS_PROPERTY("State", "s", NULL, offsetof(struct session, state), 0),
	SD_BUS_PROPERTY("LastChange", "t", NULL, offsetof(struct session, last_change), 0),
	SD_BUS_PROPERTY("Fastswitch", "b", NULL, offsetof(struct session, fastswitch), 0),
	/* A property vpdnctl does not know: must be skipped. */
	SD_BUS_PROPERTY("Extra", "a(ss)", property_extra, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_VTABLE_END
};

static int method_clear_tunnel(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint16_t id;
	int r = sd_bus_message_read(m, "q", &id);

	if (r < 0)
		return r;
	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
		if (tunnels[i].local_id == id && tunnels[i].slot) {
			tunnels[i].slot = sd_bus_slot_unref(tunnels[i].slot);
			for (size_t j = 0; j < sizeof(sessions) / sizeof(sessions[0]); j++)
				if (sessions[j].tunnel_id == id)
					sessions[j].slot = sd_bus_slot_unref(sessions[j].slot);
			printf("cleared tunnel %u\n", id);
			fflush(stdout);
			return sd_bus_reply_method_return(m, NULL);
		}
	return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No tunnel %u", id);
}

static int method_clear_session(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	uint16_t id;
	int r = sd_bus_message_read(m, "q", &id);

	if (r < 0)
		return r;
	for (size_t j = 0; j < sizeof(sessions) / sizeof(sessions[0]); j++)
		if (sessions[j].local_id == id && sessions[j].slot) {
			sessions[j].slot = sd_bus_slot_unref(sessions[j].slot);
			tunnels[0].sessions--;
			printf("cleared session %u\n", id);
			fflush(stdout);
			return sd_bus_reply_method_return(m, NULL);
		}
	return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No session %u", id);
}

/* One row a page: the first live object whose key is above cursor. */
static int method_list(sd_bus_message *m, bool want_sessions)
{
	sd_bus_message *reply = NULL;
	uint32_t cursor, max, next = 0, best = UINT32_MAX;
	size_t pick = 0;
	char path[128];
	int r;

	r = sd_bus_message_read(m, "uu", &cursor, &max);
	if (r < 0)
		return r;
	if (want_sessions) {
		for (size_t j = 0; j < sizeof(sessions) / sizeof(sessions[0]); j++) {
			uint32_t key = (uint32_t)sessions[j].tunnel_id << 16 | sessions[j].local_id;

			if (sessions[j].slot && key > cursor && key < best)
				best = key, pick = j;
		}
	} else {
		for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
			if (tunnels[i].slot && tunnels[i].local_id > cursor &&
			    tunnels[i].local_id < best)
				best = tunnels[i].local_id, pick = i;
	}
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "(oa{sv})");
	if (r >= 0 && best != UINT32_MAX && want_sessions) {
		const struct session *x = &sessions[pick];

		snprintf(path, sizeof(path), "/org/vpdnd/session/%u_%u", x->tunnel_id, x->local_id);
		r = sd_bus_message_append(reply, "(oa{sv})", path, 9,
					  "LocalId", "q", x->local_id, "RemoteId", "q", x->remote_id,
					  "TunnelId", "q", x->tunnel_id, "Interface", "s", x->interface,
					  "Username", "s", x->username, "State", "s", x->state,
					  "LastChange", "t", x->last_change, "Fastswitch", "b",
					  x->fastswitch, "Extra", "a(ss)", 2, "a", "b", "c", "d");
		next = best;
	} else if (r >= 0 && best != UINT32_MAX) {
		const struct tunnel *x = &tunnels[pick];

		snprintf(path, sizeof(path), "/org/vpdnd/tunnel/%u", x->local_id);
		r = sd_bus_message_append(reply, "(oa{sv})", path, 8,
					  "LocalId", "q", x->local_id, "RemoteId", "q", x->remote_id,
					  "RemoteName", "s", x->remote_name, "State", "s", x->state,
					  "RemoteAddress", "s", x->remote_address, "RemotePort", "q",
					  x->remote_port, "Sessions", "u", x->sessions, "Group", "s",
					  x->group);
		next = best;
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "u", next);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int method_list_tunnels(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, false);
}

static int method_list_sessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, true);
}

static const sd_bus_vtable l2tp_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD("ListTunnels", "uu", "a(oa{sv})u", method_list_tunnels, 0),
	SD_BUS_METHOD("ListSessions", "uu", "a(oa{sv})u", method_list_sessions, 0),
	SD_BUS_METHOD("ClearTunnel", "q", "", method_clear_tunnel, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("ClearSession", "q", "", method_clear_session, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_VTABLE_END
};

int main(int argc, char **argv)
{
	sd_bus *bus = NULL;
	sd_bus_slot *manager = NULL, *l2tp = NULL;
	char name[256], path[128];
	int r;

	if (argc != 3) {
		fprintf(stderr, "usage: fake-l2tp-node ADDRESS HOSTNAME\n");
		return 2;
	}
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);

	r = sd_bus_new(&bus);
	if (r >= 0)
		r = sd_bus_set_address(bus, argv[1]);
	if (r >= 0)
		r = sd_bus_set_bus_client(bus, 1);
	if (r >= 0)
		r = sd_bus_start(bus);
	if (r < 0) {
		fprintf(stderr, "Failed to connect to %s: %s\n", argv[1], strerror(-r));
		goto fail;
	}

	r = sd_bus_add_object_manager(bus, &manager, "/org/vpdnd");
	if (r < 0)
		goto fail;
	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++) {
		snprintf(path, sizeof(path), "/org/vpdnd/tunnel/%u", tunnels[i].local_id);
		r = sd_bus_add_object_vtable(bus, &tunnels[i].slot, path, "org.vpdnd.Tunnel1",
					     tunnel_vtable, &tunnels[i]);
		if (r < 0)
			goto fail;
	}
	for (size_t j = 0; j < sizeof(sessions) / sizeof(sessions[0]); j++) {
		snprintf(path, sizeof(path), "/org/vpdnd/session/%u_%u", sessions[j].tunnel_id,
			 sessions[j].local_id);
		r = sd_bus_add_object_vtable(bus, &sessions[j].slot, path, "org.vpdnd.Session1",
					     session_vtable, &sessions[j]);
		if (r < 0)
			goto fail;
	}
	r = sd_bus_add_object_vtable(bus, &l2tp, "/org/vpdnd/module/l2tp", "org.vpdnd.L2tp1",
				     l2tp_vtable, NULL);
	if (r < 0)
		goto fail;

	snprintf(name, sizeof(name), "org.vpdnd.Node.%s", argv[2]);
	r = sd_bus_request_name(bus, name, 0);
	if (r < 0) {
		fprintf(stderr, "Failed to request %s: %s\n", name, strerror(-r));
		goto fail;
	}
	printf("ready\n");
	fflush(stdout);

	while (!stop) {
		r = sd_bus_process(bus, NULL);
		if (r < 0)
			goto fail;
		if (r > 0)
			continue;
		r = sd_bus_wait(bus, 200 * 1000);
		if (r < 0 && r != -EINTR)
			goto fail;
	}
	r = 0;

fail:
	if (r < 0)
		fprintf(stderr, "fake-l2tp-node: %s\n", strerror(-r));
	sd_bus_slot_unref(l2tp);
	for (size_t i = 0; i < sizeof(tunnels) / sizeof(tunnels[0]); i++)
		sd_bus_slot_unref(tunnels[i].slot);
	for (size_t j = 0; j < sizeof(sessions) / sizeof(sessions[0]); j++)
		sd_bus_slot_unref(sessions[j].slot);
	sd_bus_slot_unref(manager);
	sd_bus_flush_close_unref(bus);
	return r < 0 ? 1 : 0;
}
