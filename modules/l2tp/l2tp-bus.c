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

/* Nothing is registered per tunnel or session: the classes find them. */
void l2tp_bus_tunnel_add(struct l2tp_tunnel *t)
{
}

void l2tp_bus_tunnel_remove(struct l2tp_tunnel *t)
{
}

void l2tp_bus_session_add(struct l2tp_session *s)
{
}

void l2tp_bus_session_remove(struct l2tp_session *s)
{
}

void l2tp_bus_changed(struct l2tp_session *s, struct l2tp_tunnel *t)
{
	struct l2tp *l2tp = s ? s->tunnel->l2tp : t ? t->l2tp : NULL;
	sd_bus *bus = l2tp && l2tp->module_slot ? vpdn_core_dbus(l2tp->core) : NULL;
	char path[64];

	if (!bus)
		return;
	if (s) {
		session_path(s, path, sizeof(path));
		sd_bus_emit_properties_changed(bus, path, SESSION_IFACE, "State", "Interface",
					       "Username", "RemoteId", NULL);
	}
	if (t) {
		tunnel_path(t, path, sizeof(path));
		sd_bus_emit_properties_changed(bus, path, TUNNEL_IFACE, "State", "Sessions",
					       "RemoteId", "RemoteName", NULL);
	}
}

/* ------------------------------------------------------------------ */
/* ListTunnels, ListSessions: pages of (path, properties)             */

/* The variable part of a row, for the byte budget (the fixed part of a
 * row is well under L2TP_BUS_ROW_FIXED octets). */
static size_t len0(const char *s)
{
	return s ? strlen(s) : 0;
}

static gint by_id(gconstpointer a, gconstpointer b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;

	return (x > y) - (x < y);
}

/*
 * The first `want` IDs above `after` in an ID table (the node's tunnels,
 * a tunnel's sessions), in order, into out. A table of L2TP_ID_BITS_AT IDs
 * or more has its bitmap of all 65 536 (l2tp_alloc_id): scanned word by
 * word, so a page costs its rows plus at most 1024 words, however small
 * the pages a client asks for. A smaller table is sorted (at most a few
 * thousand IDs). Every ID found is checked against the table.
 */
static unsigned ids_after(GHashTable *table, const uint64_t *bits, uint32_t after,
			  unsigned want, uint16_t *out)
{
	unsigned n = 0;

	if (after >= 65535 || want == 0)
		return 0;
	if (bits) {
		for (uint32_t id = after + 1; id <= 65535 && n < want;) {
			uint64_t w = bits[id / 64] >> (id % 64);

			if (!w) {
				id = (id / 64 + 1) * 64;
				continue;
			}
			id += (uint32_t)__builtin_ctzll(w);
			if (id <= 65535 && g_hash_table_contains(table, GUINT_TO_POINTER(id)))
				out[n++] = (uint16_t)id;
			id++;
		}
		return n;
	}
	GArray *ids = g_array_new(FALSE, FALSE, sizeof(uint16_t));
	GHashTableIter it;
	gpointer k;

	g_hash_table_iter_init(&it, table);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		uint16_t id = (uint16_t)GPOINTER_TO_UINT(k);

		if (id > after)
			g_array_append_val(ids, id);
	}
	g_array_sort(ids, by_id);
	for (; n < want && n < ids->len; n++)
		out[n] = g_array_index(ids, uint16_t, n);
	g_array_free(ids, TRUE);
	return n;
}

int l2tp_bus_append_tunnels(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			    uint32_t max, uint32_t *next, uint32_t *rows)
{
	uint16_t ids[L2TP_BUS_PAGE_MAX];
	size_t bytes = 0;
	unsigned k;
	uint32_t n = 0;
	int r;

	max = vpdn_dbus_page_max(max);
	*next = 0;
	k = ids_after(l2tp->tunnels, l2tp->tid_bits, cursor, max, ids);
	r = sd_bus_message_open_container(m, 'a', "(oa{sv})");
	for (unsigned i = 0; r >= 0 && i < k; i++) {
		struct l2tp_tunnel *t = l2tp_tunnel_get(l2tp, ids[i]);
		size_t row = L2TP_BUS_ROW_FIXED + len0(t->peer_name) +
			     len0(t->group ? t->group->name : NULL);
		char path[64];

		if (n > 0 && bytes + row > L2TP_BUS_PAGE_BYTES)
			break;
		tunnel_path(t, path, sizeof(path));
		r = vpdn_dbus_append_object_row(m, path, TUNNEL_IFACE, tunnel_vtable, t);
		bytes += row;
		n++;
	}
	/* More may follow a full page (or one the byte budget ended). */
	if (n == max || n < k)
		*next = ids[n - 1];
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (rows)
		*rows = n;
	return r;
}

int l2tp_bus_append_sessions(struct l2tp *l2tp, sd_bus_message *m, uint32_t cursor,
			     uint32_t max, uint32_t *next, uint32_t *rows)
{
	uint16_t ids[L2TP_BUS_PAGE_MAX], tid = (uint16_t)(cursor >> 16);
	uint32_t after = cursor & 0xffff, n = 0, last = 0;
	size_t bytes = 0;
	int r;

	max = vpdn_dbus_page_max(max);
	*next = 0;
	r = sd_bus_message_open_container(m, 'a', "(oa{sv})");
	/* Key order (tunnel, session): this tunnel's sessions above `after`,
	 * then the next tunnel's from its first. */
	while (r >= 0) {
		struct l2tp_tunnel *t = tid ? l2tp_tunnel_get(l2tp, tid) : NULL;
		unsigned k = t ? ids_after(t->sessions, t->sid_bits, after, max - n, ids) : 0;

		for (unsigned i = 0; r >= 0 && i < k; i++) {
			struct l2tp_session *s = l2tp_session_get(t, ids[i]);
			size_t row = L2TP_BUS_ROW_FIXED + len0(s->user) + len0(s->ifname);
			char path[64];

			if (n > 0 && bytes + row > L2TP_BUS_PAGE_BYTES) {
				*next = last;
				goto done;
			}
			session_path(s, path, sizeof(path));
			r = vpdn_dbus_append_object_row(m, path, SESSION_IFACE, session_vtable, s);
			bytes += row;
			n++;
			last = (uint32_t)tid << 16 | ids[i];
		}
		if (n == max) {
			*next = last;
			break;
		}
		if (ids_after(l2tp->tunnels, l2tp->tid_bits, tid, 1, &tid) == 0)
			break; /* the end: *next stays 0 */
		after = 0;
	}
done:
	if (r >= 0)
		r = sd_bus_message_close_container(m);
	if (rows)
		*rows = n;
	return r;
}

static int method_list(sd_bus_message *m, void *userdata, sd_bus_error *error, bool sessions)
{
	struct l2tp *l2tp = userdata;
	sd_bus_message *reply = NULL;
	uint32_t cursor, max, next = 0;
	int r;

	r = sd_bus_message_read(m, "uu", &cursor, &max);
	if (r < 0)
		return r;
	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sessions ? l2tp_bus_append_sessions(l2tp, reply, cursor, max, &next, NULL)
		     : l2tp_bus_append_tunnels(l2tp, reply, cursor, max, &next, NULL);
	if (r >= 0)
		r = sd_bus_message_append_basic(reply, 'u', &next);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int method_list_tunnels(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, userdata, error, false);
}

static int method_list_sessions(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return method_list(m, userdata, error, true);
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

/* Peers a(ssuuuu): per vpdn-group initiate-to entry, in priority order:
 * group, address, priority, limit (0: none), sessions now, seconds it
 * stays dead (0: alive). For operators: walks the tunnels per entry. */
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
	for (unsigned i = 0; i < l2tp->cfg->groups->len; i++) {
		const struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

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
	SD_BUS_METHOD_WITH_NAMES("ListTunnels", "uu", SD_BUS_PARAM(cursor) SD_BUS_PARAM(max),
				 "a(oa{sv})u", SD_BUS_PARAM(tunnels) SD_BUS_PARAM(next),
				 method_list_tunnels, 0),
	SD_BUS_METHOD_WITH_NAMES("ListSessions", "uu", SD_BUS_PARAM(cursor) SD_BUS_PARAM(max),
				 "a(oa{sv})u", SD_BUS_PARAM(sessions) SD_BUS_PARAM(next),
				 method_list_sessions, 0),
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
					tunnel_vtable, tunnel_find, l2tp);
	if (r >= 0)
		r = vpdn_dbus_slot_add_fallback(l2tp->module_slot, VPDN_DBUS_ROOT "/session",
						SESSION_IFACE, session_vtable, session_find, l2tp);
	if (r < 0)
		l2tp->module_slot = sd_bus_slot_unref(l2tp->module_slot);
	return r;
}
