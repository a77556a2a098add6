/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the l2tp module (read by `vpdnctl show vpdn`):
 *   /org/vpdnd/tunnel/<localid>             org.vpdnd.Tunnel1
 *   /org/vpdnd/session/<tunnelid>_<sessid>  org.vpdnd.Session1
 *   /org/vpdnd/module/l2tp                  org.vpdnd.L2tp1 (ClearTunnel,
 *                                           ClearSession, StartCapture,
 *                                           StopCapture, counters)
 * Objects are announced with InterfacesAdded/Removed when a bus exists;
 * without one every function here does nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"

#define TUNNEL_IFACE "org.vpdnd.Tunnel1"
#define SESSION_IFACE "org.vpdnd.Session1"
#define L2TP_IFACE "org.vpdnd.L2tp1"

static void tunnel_path(const struct l2tp_tunnel *t, char *buf, size_t size)
{
	snprintf(buf, size, VPDN_DBUS_ROOT "/tunnel/%u", t->tid);
}

static void session_path(const struct l2tp_session *s, char *buf, size_t size)
{
	snprintf(buf, size, VPDN_DBUS_ROOT "/session/%u_%u", s->tunnel->tid, s->sid);
}

/* ------------------------------------------------------------------ */
/* Tunnel1                                                            */

static int tunnel_prop(sd_bus *bus, const char *path, const char *interface,
		       const char *property, sd_bus_message *reply, void *userdata,
		       sd_bus_error *error)
{
	struct l2tp_tunnel *t = userdata;
	char addr[64];

	if (strcmp(property, "LocalId") == 0)
		return sd_bus_message_append(reply, "q", t->tid);
	if (strcmp(property, "RemoteId") == 0)
		return sd_bus_message_append(reply, "q", t->peer_tid);
	if (strcmp(property, "RemoteName") == 0)
		return sd_bus_message_append(reply, "s", t->peer_name ? t->peer_name : "");
	if (strcmp(property, "State") == 0)
		return sd_bus_message_append(reply, "s", l2tp_tunnel_state_short(t->state));
	if (strcmp(property, "RemoteAddress") == 0) {
		l2tp_addr_text(&t->peer, addr, sizeof(addr));
		return sd_bus_message_append(reply, "s", addr);
	}
	if (strcmp(property, "RemotePort") == 0)
		return sd_bus_message_append(reply, "q", l2tp_addr_port(&t->peer));
	if (strcmp(property, "Sessions") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)g_hash_table_size(t->sessions));
	if (strcmp(property, "Group") == 0)
		return sd_bus_message_append(reply, "s", t->group ? t->group->name : "");
	if (strcmp(property, "CtrlTx") == 0)
		return sd_bus_message_append(reply, "t", t->ctrl.stats.tx + t->ctrl.stats.zlb_tx);
	if (strcmp(property, "CtrlRx") == 0)
		return sd_bus_message_append(reply, "t", t->ctrl.stats.rx);
	if (strcmp(property, "Retransmits") == 0)
		return sd_bus_message_append(reply, "t", t->ctrl.stats.retransmits);
	if (strcmp(property, "DataRx") == 0)
		return sd_bus_message_append(reply, "t", t->data_rx);
	if (strcmp(property, "DataTx") == 0)
		return sd_bus_message_append(reply, "t", t->data_tx);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property);
}

#define TP(name, sig, flags) SD_BUS_PROPERTY(name, sig, tunnel_prop, 0, flags)
static const sd_bus_vtable tunnel_vtable[] = {
	SD_BUS_VTABLE_START(0),
	TP("LocalId", "q", SD_BUS_VTABLE_PROPERTY_CONST),
	TP("RemoteId", "q", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("RemoteName", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("State", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("RemoteAddress", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("RemotePort", "q", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("Sessions", "u", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	TP("Group", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	TP("CtrlTx", "t", 0),
	TP("CtrlRx", "t", 0),
	TP("Retransmits", "t", 0),
	TP("DataRx", "t", 0),
	TP("DataTx", "t", 0),
	SD_BUS_VTABLE_END
};

void l2tp_bus_tunnel_add(struct l2tp_tunnel *t)
{
	sd_bus *bus = vpdn_core_dbus(t->l2tp->core);
	char path[64];

	if (!bus)
		return;
	tunnel_path(t, path, sizeof(path));
	if (vpdn_dbus_add_object(t->l2tp->core, path, TUNNEL_IFACE, tunnel_vtable, t, &t->slot) < 0)
		return;
	sd_bus_emit_object_added(bus, path);
}

void l2tp_bus_tunnel_remove(struct l2tp_tunnel *t)
{
	sd_bus *bus = vpdn_core_dbus(t->l2tp->core);
	char path[64];

	if (!t->slot)
		return;
	tunnel_path(t, path, sizeof(path));
	if (bus)
		sd_bus_emit_object_removed(bus, path);
	t->slot = sd_bus_slot_unref(t->slot);
}

/* ------------------------------------------------------------------ */
/* Session1                                                           */

static int session_prop(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	struct l2tp_session *s = userdata;
	struct l2tp *l2tp = s->tunnel->l2tp;

	if (strcmp(property, "LocalId") == 0)
		return sd_bus_message_append(reply, "q", s->sid);
	if (strcmp(property, "RemoteId") == 0)
		return sd_bus_message_append(reply, "q", s->peer_sid);
	if (strcmp(property, "TunnelId") == 0)
		return sd_bus_message_append(reply, "q", s->tunnel->tid);
	if (strcmp(property, "Interface") == 0)
		return sd_bus_message_append(reply, "s", s->ifname ? s->ifname : "");
	if (strcmp(property, "Username") == 0)
		return sd_bus_message_append(reply, "s", s->user ? s->user : "");
	if (strcmp(property, "State") == 0)
		return sd_bus_message_append(reply, "s", l2tp_session_state_short(s));
	if (strcmp(property, "LastChange") == 0)
		return sd_bus_message_append(reply, "t",
					     (uint64_t)((vpdn_timers_now(l2tp->tm) - s->changed_ms) / 1000));
	if (strcmp(property, "Fastswitch") == 0)
		return sd_bus_message_append(reply, "b", 1);
	if (strcmp(property, "PacketsIn") == 0)
		return sd_bus_message_append(reply, "t", s->pkts_in);
	if (strcmp(property, "PacketsOut") == 0)
		return sd_bus_message_append(reply, "t", s->pkts_out);
	if (strcmp(property, "BytesIn") == 0)
		return sd_bus_message_append(reply, "t", s->bytes_in);
	if (strcmp(property, "BytesOut") == 0)
		return sd_bus_message_append(reply, "t", s->bytes_out);
	if (strcmp(property, "Errors") == 0)
		return sd_bus_message_append(reply, "t", s->errors);
	if (strcmp(property, "Sequencing") == 0)
		return sd_bus_message_append(reply, "b", (int)s->seq);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property);
}

#define SP(name, sig, flags) SD_BUS_PROPERTY(name, sig, session_prop, 0, flags)
static const sd_bus_vtable session_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SP("LocalId", "q", SD_BUS_VTABLE_PROPERTY_CONST),
	SP("RemoteId", "q", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SP("TunnelId", "q", SD_BUS_VTABLE_PROPERTY_CONST),
	SP("Interface", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SP("Username", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SP("State", "s", SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SP("LastChange", "t", 0),
	SP("Fastswitch", "b", SD_BUS_VTABLE_PROPERTY_CONST),
	SP("PacketsIn", "t", 0),
	SP("PacketsOut", "t", 0),
	SP("BytesIn", "t", 0),
	SP("BytesOut", "t", 0),
	SP("Errors", "t", 0),
	SP("Sequencing", "b", 0),
	SD_BUS_VTABLE_END
};

void l2tp_bus_session_add(struct l2tp_session *s)
{
	struct l2tp *l2tp = s->tunnel->l2tp;
	sd_bus *bus = vpdn_core_dbus(l2tp->core);
	char path[64];

	if (!bus)
		return;
	session_path(s, path, sizeof(path));
	if (vpdn_dbus_add_object(l2tp->core, path, SESSION_IFACE, session_vtable, s, &s->slot) < 0)
		return;
	sd_bus_emit_object_added(bus, path);
}

void l2tp_bus_session_remove(struct l2tp_session *s)
{
	sd_bus *bus = vpdn_core_dbus(s->tunnel->l2tp->core);
	char path[64];

	if (!s->slot)
		return;
	session_path(s, path, sizeof(path));
	if (bus)
		sd_bus_emit_object_removed(bus, path);
	s->slot = sd_bus_slot_unref(s->slot);
}

void l2tp_bus_changed(struct l2tp_session *s, struct l2tp_tunnel *t)
{
	char path[64];

	if (s && s->slot) {
		session_path(s, path, sizeof(path));
		sd_bus_emit_properties_changed(sd_bus_slot_get_bus(s->slot), path, SESSION_IFACE,
					       "State", "Interface", "Username", "RemoteId", NULL);
	}
	if (t && t->slot) {
		tunnel_path(t, path, sizeof(path));
		sd_bus_emit_properties_changed(sd_bus_slot_get_bus(t->slot), path, TUNNEL_IFACE,
					       "State", "Sessions", "RemoteId", "RemoteName", NULL);
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
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No tunnel %u", id);
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
	return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No session %u", id);
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
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "Unknown capture filter \"%s\" (want \"\", \"tunnel\" or \"session\")",
					 kind);
	if (filter == L2TP_CAPTURE_TUNNEL && !l2tp_tunnel_get(l2tp, id))
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No tunnel %u", id);
	if (filter == L2TP_CAPTURE_SESSION) {
		GHashTableIter it;
		gpointer v;
		bool found = false;

		g_hash_table_iter_init(&it, l2tp->tunnels);
		while (!found && g_hash_table_iter_next(&it, NULL, &v))
			found = l2tp_session_get(v, id) != NULL;
		if (!found)
			return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS, "No session %u", id);
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

static int module_prop(sd_bus *bus, const char *path, const char *interface,
		       const char *property, sd_bus_message *reply, void *userdata,
		       sd_bus_error *error)
{
	struct l2tp *l2tp = userdata;

	if (strcmp(property, "Tunnels") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)g_hash_table_size(l2tp->tunnels));
	if (strcmp(property, "Sessions") == 0)
		return sd_bus_message_append(reply, "u", (uint32_t)l2tp->n_sessions);
	if (strcmp(property, "Malformed") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.malformed);
	if (strcmp(property, "ControlRx") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.ctrl_rx);
	if (strcmp(property, "ControlTx") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.ctrl_tx);
	if (strcmp(property, "DataRx") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.data_rx);
	if (strcmp(property, "DataTx") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.data_tx);
	if (strcmp(property, "Retransmits") == 0)
		return sd_bus_message_append(reply, "t", *l2tp->cnt.retransmits);
	if (strcmp(property, "Capturing") == 0)
		return sd_bus_message_append(reply, "b", l2tp->capture != NULL);
	if (strcmp(property, "Enabled") == 0)
		return sd_bus_message_append(reply, "b", (int)l2tp->cfg->enable);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property);
}

#define MP(name, sig) SD_BUS_PROPERTY(name, sig, module_prop, 0, 0)
static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("ClearTunnel", "q", SD_BUS_PARAM(localid), "", ,
				 method_clear_tunnel, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("ClearSession", "q", SD_BUS_PARAM(localid), "", ,
				 method_clear_session, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StartCapture", "ssq",
				 SD_BUS_PARAM(path) SD_BUS_PARAM(filter_kind) SD_BUS_PARAM(id), "s",
				 SD_BUS_PARAM(file),
				 method_start_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StopCapture", "", , "t", SD_BUS_PARAM(packets),
				 method_stop_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	MP("Capturing", "b"),
	MP("Tunnels", "u"),
	MP("Sessions", "u"),
	MP("Malformed", "t"),
	MP("ControlRx", "t"),
	MP("ControlTx", "t"),
	MP("DataRx", "t"),
	MP("DataTx", "t"),
	MP("Retransmits", "t"),
	MP("Enabled", "b"),
	SD_BUS_VTABLE_END
};

int l2tp_bus_module_add(struct l2tp *l2tp)
{
	return vpdn_dbus_add_module_object(l2tp->core, "l2tp", L2TP_IFACE, module_vtable, l2tp,
					   &l2tp->module_slot);
}
