/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the l2tp module (read by `vpdnctl show vpdn`):
 *   /org/vpdnd/tunnel/<localid>             org.vpdnd.Tunnel1
 *   /org/vpdnd/session/<tunnelid>_<sessid>  org.vpdnd.Session1
 *   /org/vpdnd/module/l2tp                  org.vpdnd.L2tp1 (ClearTunnel,
 *                                           ClearSession, StartCapture,
 *                                           StopCapture, ListTunnels,
 *                                           ListSessions, counters)
 * Tunnels and sessions are two classes registered once (fallback vtables
 * whose find callback looks the path up in the hash tables): an object
 * costs nothing until asked for, whatever the number of sessions. They are
 * not enumerated (GetManagedObjects of 65 535 sessions would pass the
 * bus's message size limit and get the node dropped): ListTunnels and
 * ListSessions page through them in ID order, each reply bounded in rows
 * and bytes. Without a bus every function here does nothing.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "l2tp-bus-private.h"


void l2tp_bus_tunnel_path(const struct l2tp_tunnel *t, char *buf, size_t size)
{
	snprintf(buf, size, VPDN_DBUS_ROOT "/tunnel/%u", t->tid);
}

void l2tp_bus_session_path(const struct l2tp_session *s, char *buf, size_t size)
{
	snprintf(buf, size, VPDN_DBUS_ROOT "/session/%u_%u", s->tunnel->tid, s->sid);
}

/* ------------------------------------------------------------------ */
/* Tunnel1                                                            */

/* Properties by table: a member at an offset (vpdn_dbus_property_get_*),
 * or one small getter for a value computed from the tunnel. */
static int tunnel_state(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;

	return sd_bus_message_append_basic(reply, 's', l2tp_tunnel_state_short(t->state));
}

static int tunnel_remote_address(sd_bus *bus, const char *path, const char *interface,
				 const char *property, sd_bus_message *reply, void *userdata,
				 sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	char addr[64];

	l2tp_addr_text(&t->peer, addr, sizeof(addr));
	return sd_bus_message_append_basic(reply, 's', addr);
}

static int tunnel_remote_port(sd_bus *bus, const char *path, const char *interface,
			      const char *property, sd_bus_message *reply, void *userdata,
			      sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint16_t port = l2tp_addr_port(&t->peer);

	return sd_bus_message_append_basic(reply, 'q', &port);
}

static int tunnel_sessions(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint32_t n = g_hash_table_size(t->sessions);

	return sd_bus_message_append_basic(reply, 'u', &n);
}

static int tunnel_group(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;

	return sd_bus_message_append_basic(reply, 's', t->group ? t->group->name : "");
}

static int tunnel_ctrl_tx(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint64_t n = t->ctrl.stats.tx + t->ctrl.stats.zlb_tx;

	return sd_bus_message_append_basic(reply, 't', &n);
}

static int tunnel_local_address(sd_bus *bus, const char *path, const char *interface,
				const char *property, sd_bus_message *reply, void *userdata,
				sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	char addr[64] = "";

	if (t->local.ss_family)
		l2tp_addr_text(&t->local, addr, sizeof(addr));
	return sd_bus_message_append_basic(reply, 's', addr);
}

static int tunnel_local_port(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint16_t port = t->local.ss_family ? l2tp_addr_port(&t->local) : 0;

	return sd_bus_message_append_basic(reply, 'q', &port);
}

static int tunnel_local_name(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	const char *name = l2tp_tunnel_local_name(userdata);

	return sd_bus_message_append_basic(reply, 's', name ? name : "");
}

/* Messages sent and not yet acknowledged, and those waiting for room in
 * the peer's window. */
static int tunnel_unacked(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint32_t n = t->ctrl.sent.length;

	return sd_bus_message_append_basic(reply, 'u', &n);
}

static int tunnel_queued(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint32_t n = t->ctrl.queued.length;

	return sd_bus_message_append_basic(reply, 'u', &n);
}

static int tunnel_hello(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint32_t secs = t->ctrl.cfg.hello_ms / 1000;

	return sd_bus_message_append_basic(reply, 'u', &secs);
}

/* Seconds since the tunnel was established (0: it is not). */
static int tunnel_uptime(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	const struct l2tp_tunnel *t = userdata;
	uint64_t secs = 0;

	if (t->state == L2TP_TUNNEL_ESTABLISHED)
		secs = (vpdn_timers_now(t->l2tp->tm) - t->changed_ms) / 1000;
	return sd_bus_message_append_basic(reply, 't', &secs);
}

#define TUNNEL_AT(member) offsetof(struct l2tp_tunnel, member)
const sd_bus_vtable l2tp_bus_tunnel_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("LocalId", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(tid),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("RemoteId", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(peer_tid),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("RemoteName", "s", vpdn_dbus_property_get_str, TUNNEL_AT(peer_name),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("State", "s", tunnel_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("RemoteAddress", "s", tunnel_remote_address, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("RemotePort", "q", tunnel_remote_port, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Sessions", "u", tunnel_sessions, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Group", "s", tunnel_group, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("CtrlTx", "t", tunnel_ctrl_tx, 0, 0),
	SD_BUS_PROPERTY("CtrlRx", "t", vpdn_dbus_property_get_u64, TUNNEL_AT(ctrl.stats.rx), 0),
	SD_BUS_PROPERTY("Retransmits", "t", vpdn_dbus_property_get_u64,
			TUNNEL_AT(ctrl.stats.retransmits), 0),
	SD_BUS_PROPERTY("DataRx", "t", vpdn_dbus_property_get_u64, TUNNEL_AT(data_rx), 0),
	SD_BUS_PROPERTY("DataTx", "t", vpdn_dbus_property_get_u64, TUNNEL_AT(data_tx), 0),
	SD_BUS_PROPERTY("LocalName", "s", tunnel_local_name, 0, 0),
	SD_BUS_PROPERTY("LocalAddress", "s", tunnel_local_address, 0, 0),
	SD_BUS_PROPERTY("LocalPort", "q", tunnel_local_port, 0, 0),
	SD_BUS_PROPERTY("Ns", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(ctrl.ns), 0),
	SD_BUS_PROPERTY("Nr", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(ctrl.nr), 0),
	SD_BUS_PROPERTY("ReceiveWindow", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(ctrl.cfg.rwin),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("PeerReceiveWindow", "q", vpdn_dbus_property_get_u16,
			TUNNEL_AT(ctrl.peer_rwin), 0),
	SD_BUS_PROPERTY("CongestionWindow", "q", vpdn_dbus_property_get_u16, TUNNEL_AT(ctrl.cwnd),
			0),
	SD_BUS_PROPERTY("Unacked", "u", tunnel_unacked, 0, 0),
	SD_BUS_PROPERTY("Queued", "u", tunnel_queued, 0, 0),
	SD_BUS_PROPERTY("HelloInterval", "u", tunnel_hello, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("RetransmitTimeout", "u", vpdn_dbus_property_get_u32, TUNNEL_AT(ctrl.rto),
			0),
	SD_BUS_PROPERTY("Uptime", "t", tunnel_uptime, 0, 0),
	SD_BUS_VTABLE_END
};

/* What PropertiesChanged names when the model says a tunnel changed. */
static const char *const tunnel_changing[] = { "State", "Sessions", "RemoteId", "RemoteName",
					       NULL };

/* ------------------------------------------------------------------ */
/* Session1                                                           */

static int session_tunnel_id(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply, void *userdata,
			     sd_bus_error *error)
{
	const struct l2tp_session *s = userdata;

	return sd_bus_message_append_basic(reply, 'q', &s->tunnel->tid);
}

static int session_state(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	return sd_bus_message_append_basic(reply, 's', l2tp_session_state_short(userdata));
}

static int session_last_change(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	const struct l2tp_session *s = userdata;
	uint64_t secs = (vpdn_timers_now(s->tunnel->l2tp->tm) - s->changed_ms) / 1000;

	return sd_bus_message_append_basic(reply, 't', &secs);
}

static int session_fastswitch(sd_bus *bus, const char *path, const char *interface,
			      const char *property, sd_bus_message *reply, void *userdata,
			      sd_bus_error *error)
{
	int yes = 1;

	return sd_bus_message_append_basic(reply, 'b', &yes);
}

/* Seconds since the session was established (0: it is not): its last
 * state change is the one to established. */
static int session_uptime(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const struct l2tp_session *s = userdata;
	uint64_t secs = 0;

	if (l2tp_session_established(s))
		secs = (vpdn_timers_now(s->tunnel->l2tp->tm) - s->changed_ms) / 1000;
	return sd_bus_message_append_basic(reply, 't', &secs);
}

/* Milliseconds before the setup timer fires (0: not armed). */
static int session_setup_timer(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	const struct l2tp_session *s = userdata;
	uint64_t ms = vpdn_timer_remaining(s->tunnel->l2tp->tm, &s->setup_timer);

	return sd_bus_message_append_basic(reply, 't', &ms);
}

static int session_calling(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	const char *n = l2tp_session_calling(userdata);

	return sd_bus_message_append_basic(reply, 's', n ? n : "");
}

static int session_called(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const char *n = l2tp_session_called(userdata);

	return sd_bus_message_append_basic(reply, 's', n ? n : "");
}

/* "lac-ic" (LAC dial-in), "lns-ic", "lns-oc" (LNS dial-out), "lac-oc". */
static int session_type(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	static const char *const names[] = {
		[L2TP_SESSION_LAC_IC] = "lac-ic",
		[L2TP_SESSION_LNS_IC] = "lns-ic",
		[L2TP_SESSION_LNS_OC] = "lns-oc",
		[L2TP_SESSION_LAC_OC] = "lac-oc",
	};
	const struct l2tp_session *s = userdata;
	const char *n = s->kind < G_N_ELEMENTS(names) ? names[s->kind] : NULL;

	return sd_bus_message_append_basic(reply, 's', n ? n : "unknown");
}

#define SESSION_AT(member) offsetof(struct l2tp_session, member)
const sd_bus_vtable l2tp_bus_session_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("LocalId", "q", vpdn_dbus_property_get_u16, SESSION_AT(sid),
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("RemoteId", "q", vpdn_dbus_property_get_u16, SESSION_AT(peer_sid),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("TunnelId", "q", session_tunnel_id, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Interface", "s", vpdn_dbus_property_get_str, SESSION_AT(ifname),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("Username", "s", vpdn_dbus_property_get_str, SESSION_AT(user),
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("State", "s", session_state, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_PROPERTY("LastChange", "t", session_last_change, 0, 0),
	SD_BUS_PROPERTY("Fastswitch", "b", session_fastswitch, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("PacketsIn", "t", vpdn_dbus_property_get_u64, SESSION_AT(pkts_in), 0),
	SD_BUS_PROPERTY("PacketsOut", "t", vpdn_dbus_property_get_u64, SESSION_AT(pkts_out), 0),
	SD_BUS_PROPERTY("BytesIn", "t", vpdn_dbus_property_get_u64, SESSION_AT(bytes_in), 0),
	SD_BUS_PROPERTY("BytesOut", "t", vpdn_dbus_property_get_u64, SESSION_AT(bytes_out), 0),
	SD_BUS_PROPERTY("Errors", "t", vpdn_dbus_property_get_u64, SESSION_AT(errors), 0),
	SD_BUS_PROPERTY("Sequencing", "b", vpdn_dbus_property_get_bool, SESSION_AT(seq), 0),
	SD_BUS_PROPERTY("Type", "s", session_type, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("CallSerial", "u", vpdn_dbus_property_get_u32, SESSION_AT(serial), 0),
	SD_BUS_PROPERTY("CallingNumber", "s", session_calling, 0, 0),
	SD_BUS_PROPERTY("CalledNumber", "s", session_called, 0, 0),
	SD_BUS_PROPERTY("SetupTimer", "t", session_setup_timer, 0, 0),
	SD_BUS_PROPERTY("Uptime", "t", session_uptime, 0, 0),
	SD_BUS_VTABLE_END
};

static const char *const session_changing[] = { "State", "Interface", "Username", "RemoteId",
						NULL };

/* ------------------------------------------------------------------ */
/* The classes: objects found by path                                 */

/* A decimal ID 1..65535 written canonically (no sign, no leading zero);
 * *end gets what follows. */
static bool parse_id(const char *p, uint16_t *id, const char **end)
{
	unsigned long v = 0;
	const char *q = p;

	if (*q < '1' || *q > '9')
		return false;
	while (*q >= '0' && *q <= '9' && q - p < 6)
		v = v * 10 + (unsigned long)(*q++ - '0');
	if (v == 0 || v > 65535)
		return false;
	*id = (uint16_t)v;
	*end = q;
	return true;
}

static int tunnel_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		       void **found, sd_bus_error *error)
{
	static const char prefix[] = VPDN_DBUS_ROOT "/tunnel/";
	struct l2tp *l2tp = userdata;
	struct l2tp_tunnel *t;
	const char *end;
	uint16_t tid;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 ||
	    !parse_id(path + sizeof(prefix) - 1, &tid, &end) || *end)
		return 0;
	t = l2tp_tunnel_get(l2tp, tid);
	if (!t)
		return 0;
	*found = t;
	return 1;
}

static struct l2tp_session *session_by_path(struct l2tp *l2tp, const char *path)
{
	static const char prefix[] = VPDN_DBUS_ROOT "/session/";
	struct l2tp_tunnel *t;
	const char *end;
	uint16_t tid, sid;

	if (strncmp(path, prefix, sizeof(prefix) - 1) != 0 ||
	    !parse_id(path + sizeof(prefix) - 1, &tid, &end) || *end != '_' ||
	    !parse_id(end + 1, &sid, &end) || *end)
		return NULL;
	t = l2tp_tunnel_get(l2tp, tid);
	return t ? l2tp_session_get(t, sid) : NULL;
}

static int session_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
			void **found, sd_bus_error *error)
{
	struct l2tp_session *s = session_by_path(userdata, path);

	if (!s)
		return 0;
	*found = s;
	return 1;
}

/* The model's one hook (l2tp_changed()): nothing is registered per
 * tunnel or session (the classes find them), so a change is only a
 * PropertiesChanged naming the class's changing properties. */
static void bus_changed(struct l2tp *l2tp, enum l2tp_object what, const void *obj)
{
	sd_bus *bus = l2tp->module_slot ? vpdn_core_dbus(l2tp->core) : NULL;
	char path[64];

	if (!bus)
		return;
	if (what == L2TP_OBJECT_SESSION) {
		l2tp_bus_session_path(obj, path, sizeof(path));
		sd_bus_emit_properties_changed_strv(bus, path, SESSION_IFACE,
						    (char **)session_changing);
	} else {
		l2tp_bus_tunnel_path(obj, path, sizeof(path));
		sd_bus_emit_properties_changed_strv(bus, path, TUNNEL_IFACE,
						    (char **)tunnel_changing);
	}
}

/* ------------------------------------------------------------------ */
/* Module object                                                      */

static int method_clear_tunnel(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	struct l2tp_tunnel *t;
	uint16_t id;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "q", &id);
	if (r < 0)
		return r;
	t = l2tp_tunnel_get(l2tp, id);
	if (!t)
		return vpdn_dbus_errorf(error, -ENOENT, "No tunnel %u", id);
	vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: Cleared by administrator", id);
	l2tp_tunnel_stop(t, L2TP_STOPCCN_CLEAR, 0, "Administratively cleared");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_clear_session(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	GHashTableIter it;
	gpointer v;
	uint16_t id;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "q", &id);
	if (r < 0)
		return r;
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_session *s = l2tp_session_get(v, id);

		if (s) {
			l2tp_session_close(s, true, L2TP_CDN_ADMIN, 0, 0, "Administratively cleared");
			return sd_bus_reply_method_return(m, NULL);
		}
	}
	return vpdn_dbus_errorf(error, -ENOENT, "No session %u", id);
}

/* FindSessions(q localid) -> ao: the sessions with that local ID (one
 * per tunnel at most: IDs are the tunnel's). */
static int method_find_sessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	sd_bus_message *reply = NULL;
	uint16_t ids[L2TP_BUS_PAGE_MAX];
	uint32_t after = 0;
	unsigned k, n = 0;
	uint16_t id;
	int r;

	r = sd_bus_message_read(m, "q", &id);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', "o");
	/* Tunnels in ID order, so the answer is in (tunnel, session) order. */
	while (r >= 0 && (k = l2tp_bus_ids_after(l2tp->tunnels, l2tp->tid_bits, after,
					L2TP_BUS_PAGE_MAX, ids)) > 0) {
		for (unsigned i = 0; r >= 0 && i < k; i++) {
			struct l2tp_session *s = l2tp_session_get(l2tp_tunnel_get(l2tp, ids[i]), id);
			char path[64];

			if (!s)
				continue;
			l2tp_bus_session_path(s, path, sizeof(path));
			r = sd_bus_message_append_basic(reply, 'o', path);
			n++;
		}
		after = ids[k - 1];
	}
	if (r >= 0 && n == 0)
		r = vpdn_dbus_errorf(error, -ENOENT, "No session %u", id);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int method_start_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	const char *path, *kind;
	enum l2tp_capture_filter filter;
	char *msg = NULL;
	uint16_t id;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "ssq", &path, &kind, &id);
	if (r < 0)
		return r;
	if (!*kind || strcmp(kind, "all") == 0)
		filter = L2TP_CAPTURE_ALL;
	else if (strcmp(kind, "tunnel") == 0)
		filter = L2TP_CAPTURE_TUNNEL;
	else if (strcmp(kind, "session") == 0)
		filter = L2TP_CAPTURE_SESSION;
	else
		return vpdn_dbus_errorf(error, -EINVAL,
					"Unknown capture filter \"%s\" (want \"\", \"tunnel\" or \"session\")",
					kind);
	if (filter == L2TP_CAPTURE_TUNNEL && !l2tp_tunnel_get(l2tp, id))
		return vpdn_dbus_errorf(error, -ENOENT, "No tunnel %u", id);
	if (filter == L2TP_CAPTURE_SESSION) {
		GHashTableIter it;
		gpointer v;
		bool found = false;

		g_hash_table_iter_init(&it, l2tp->tunnels);
		while (!found && g_hash_table_iter_next(&it, NULL, &v))
			found = l2tp_session_get(v, id) != NULL;
		if (!found)
			return vpdn_dbus_errorf(error, -ENOENT, "No session %u", id);
	}
	r = l2tp_capture_start(l2tp, path, filter, id, &msg);
	r = vpdn_dbus_reply_capture_start(m, error, r, msg, l2tp_capture_path(l2tp));
	g_free(msg);
	return r;
}

static int method_stop_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	uint64_t packets = 0;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = l2tp_capture_stop(l2tp, &packets);
	return vpdn_dbus_reply_capture_stop(m, error, r, packets);
}

/* Peers a(ssuuuu): per vpdn-group initiate-to entry, in priority order:
 * group, address, priority, limit (0: none), sessions now, seconds it
 * stays dead (0: alive); then the groups RADIUS's answers made
 * ("radius:..."). For operators: walks the tunnels per entry. */
static int peers_prop(sd_bus *bus, const char *path, const char *interface,
		      const char *property, sd_bus_message *reply, void *userdata,
		      sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;
	uint64_t now = vpdn_timers_now(l2tp->tm);
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(ssuuuu)");
	if (r < 0)
		return r;
	for (unsigned i = 0; i < l2tp->cfg->groups->len + (l2tp->authz_groups ?
							    l2tp->authz_groups->len : 0); i++) {
		const struct l2tp_group *g = i < l2tp->cfg->groups->len
			? l2tp->cfg->groups->pdata[i]
			: l2tp->authz_groups->pdata[i - l2tp->cfg->groups->len];

		for (unsigned k = 0; k < g->n_initiate; k++) {
			const struct l2tp_peer_addr *e = &g->initiate_to[k];
			uint64_t dead = e->dead_until_ms > now ? e->dead_until_ms - now : 0;

			r = sd_bus_message_append(reply, "(ssuuuu)", g->name, e->text,
						  (uint32_t)e->priority, (uint32_t)e->limit,
						  (uint32_t)l2tp_group_entry_sessions(l2tp, g, k),
						  (uint32_t)((dead + 999) / 1000));
			if (r < 0)
				return r;
		}
	}
	return sd_bus_message_close_container(reply);
}

static int module_tunnels(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const struct l2tp *l2tp = userdata;
	uint32_t n = g_hash_table_size(l2tp->tunnels);

	return sd_bus_message_append_basic(reply, 'u', &n);
}

static int module_capturing(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	const struct l2tp *l2tp = userdata;
	int on = l2tp->capture != NULL;

	return sd_bus_message_append_basic(reply, 'b', &on);
}

static int module_enabled(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	const struct l2tp *l2tp = userdata;
	int on = l2tp->cfg->enable;

	return sd_bus_message_append_basic(reply, 'b', &on);
}

#define L2TP_AT(member) offsetof(struct l2tp, member)
#define COUNTER(name, member)                                                                 \
	SD_BUS_PROPERTY(name, "t", vpdn_dbus_property_get_u64_ptr, L2TP_AT(cnt.member), 0)
static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("ClearTunnel", "q", SD_BUS_PARAM(localid), "", ,
				 method_clear_tunnel, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("ClearSession", "q", SD_BUS_PARAM(localid), "", ,
				 method_clear_session, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("FindSessions", "q", SD_BUS_PARAM(localid), "ao",
				 SD_BUS_PARAM(sessions), method_find_sessions, 0),
	SD_BUS_METHOD_WITH_NAMES("StartCapture", "ssq",
				 SD_BUS_PARAM(path) SD_BUS_PARAM(filter_kind) SD_BUS_PARAM(id), "s",
				 SD_BUS_PARAM(file),
				 method_start_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StopCapture", "", , "t", SD_BUS_PARAM(packets),
				 method_stop_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("ListTunnels", "uu", SD_BUS_PARAM(cursor) SD_BUS_PARAM(max),
				 "a(oa{sv})u", SD_BUS_PARAM(tunnels) SD_BUS_PARAM(next),
				 l2tp_bus_method_list_tunnels, 0),
	SD_BUS_METHOD_WITH_NAMES("ListSessions", "uu", SD_BUS_PARAM(cursor) SD_BUS_PARAM(max),
				 "a(oa{sv})u", SD_BUS_PARAM(sessions) SD_BUS_PARAM(next),
				 l2tp_bus_method_list_sessions, 0),
	SD_BUS_PROPERTY("Capturing", "b", module_capturing, 0, 0),
	SD_BUS_PROPERTY("Tunnels", "u", module_tunnels, 0, 0),
	SD_BUS_PROPERTY("Sessions", "u", vpdn_dbus_property_get_u32, L2TP_AT(n_sessions), 0),
	COUNTER("Malformed", malformed),
	COUNTER("ControlRx", ctrl_rx),
	COUNTER("ControlTx", ctrl_tx),
	COUNTER("DataRx", data_rx),
	COUNTER("DataTx", data_tx),
	COUNTER("Retransmits", retransmits),
	SD_BUS_PROPERTY("Enabled", "b", module_enabled, 0, 0),
	SD_BUS_PROPERTY("Peers", "a(ssuuuu)", peers_prop, 0, 0),
	SD_BUS_VTABLE_END
};

int l2tp_bus_module_add(struct l2tp *l2tp)
{
	int r;

	r = vpdn_dbus_add_module_object(l2tp->core, "l2tp", L2TP_IFACE, module_vtable, l2tp,
					&l2tp->module_slot);
	if (r < 0 || !l2tp->module_slot)
		return r;
	/* The classes go with the module object's slot. */
	r = vpdn_dbus_slot_add_fallback(l2tp->module_slot, VPDN_DBUS_ROOT "/tunnel", TUNNEL_IFACE,
					l2tp_bus_tunnel_vtable, tunnel_find, l2tp);
	if (r >= 0)
		r = vpdn_dbus_slot_add_fallback(l2tp->module_slot, VPDN_DBUS_ROOT "/session",
						SESSION_IFACE, l2tp_bus_session_vtable, session_find, l2tp);
	if (r < 0)
		l2tp->module_slot = sd_bus_slot_unref(l2tp->module_slot);
	else
		l2tp_set_changed_hook(l2tp, bus_changed);
	return r;
}
