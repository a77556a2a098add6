/* SPDX-License-Identifier: MIT */
/*
 * Session events for operators (node-events.h): TunnelUp/TunnelDown and
 * SessionUp/SessionDown signals on /org/vpdnd/node, counters by cause and
 * the history of ended sessions.
 *
 * The core subscribes like any module, at the lowest priority (it only
 * watches: never claims). Per live tunnel and session it keeps what
 * SESSION_DOWN does not tell (the tunnel's peer address, the session's
 * start, IPCP addresses, its PPP's RFC 3145 cause), indexed by ID and by
 * interface name; the tables hold what the l2tp module holds, no more.
 * Strings from the network (user and host names) are made valid UTF-8
 * and cut to a bounded length before they reach D-Bus, JSON or the
 * history.
 *
 * Signals are emitted on the node's current connection (core->dbus,
 * which node-bus.c replaces after a reconnect), so they follow the bus
 * across a reconnect; while the connection is lost they are not sent.
 * A signal nobody listens to costs the sd_bus_emit (the bus daemon drops
 * it: no match).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "core-private.h"
#include "node-events.h"

#define NAME_MAX_LEN 253   /* a user or host name, as a DNS name */
#define IFNAME_MAX_LEN 64

struct tunnel_info {
	char *peer_name, *peer_address, *group;
	uint64_t up_ms;
};

/* Per live session, what SESSION_DOWN does not say (the user it does:
 * the l2tp module follows PPP_AUTHENTICATED). Kept small: an LNS holds
 * one per session (a 64 B malloc chunk and the two tables' slots; the
 * interface name, "Vi123", in the record unless it is 16 octets or
 * longer; docs/PERFORMANCE.md "Bytes per session, by owner"). */
#define IFNAME_INLINE 16

struct session_info {
	uint32_t key;              /* tunnel_id << 16 | session_id */
	bool ppp_known;
	uint8_t ppp_direction;
	uint16_t ppp_code, ppp_protocol;
	uint64_t up_ms;
	struct in_addr local, remote;  /* IPCP's, 0 unknown */
	char *interface;           /* key of by_ifname: ifname or g_malloc'd; or NULL */
	char ifname[IFNAME_INLINE];
};

struct vpdn_node_events {
	struct vpdn_core *core;
	struct vpdn_subscription *subs[7];
	GHashTable *tunnels;       /* tunnel id -> struct tunnel_info */
	/* Both sets of struct session_info (the record is its own key: one
	 * array of slots, not keys and values, #19); lookups by a probe
	 * record (session_find(), by_ifname()) */
	GHashTable *sessions;      /* by key; owns the records */
	GHashTable *by_ifname;     /* by interface (borrowed) */
	struct vpdn_history *history;
};

static void tunnel_info_free(gpointer p)
{
	struct tunnel_info *t = p;

	g_free(t->peer_name);
	g_free(t->peer_address);
	g_free(t->group);
	g_free(t);
}

static void session_info_free(gpointer p)
{
	struct session_info *s = p;

	if (s->interface != s->ifname)
		g_free(s->interface);
	g_free(s);
}

static uint64_t now_ms(struct vpdn_node_events *ne)
{
	return vpdn_timers_now(vpdn_core_timers(ne->core));
}

static bool bus_live(struct vpdn_node_events *ne)
{
	return ne->core->dbus && !ne->core->dbus_lost;
}

static void emit_failed(struct vpdn_node_events *ne, const char *member, int r)
{
	vpdn_debug(vpdn_core_log(ne->core), VPDN_DEBUG_VPDN_EVENTS,
		   "D-Bus: cannot emit %s: %s", member, strerror(-r));
}

static char *sockaddr_text(const struct sockaddr_storage *ss)
{
	char buf[INET6_ADDRSTRLEN] = "";

	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, sizeof(buf));
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf, sizeof(buf));
	return g_strdup(buf);
}

static char *in_addr_text(struct in_addr a)
{
	char buf[INET_ADDRSTRLEN] = "";

	if (a.s_addr)
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return g_strdup(buf);
}

static uint16_t clamp16(int v)
{
	return v < 0 ? 0 : v > 65535 ? 65535 : (uint16_t)v;
}

static const char *dir_name(enum vpdn_call_dir dir)
{
	return dir == VPDN_CALL_OUT ? "out" : "in";
}

static void bump(struct vpdn_node_events *ne, const char *family, const char *help,
		 const char *cause)
{
	char *name = g_strdup_printf("%s{cause=\"%s\"}", family, cause);

	(*vpdn_core_counter(ne->core, name, help))++;
	g_free(name);
}

/* ---- tunnels ---- */

static enum vpdn_bus_verdict on_tunnel_up(const struct vpdn_event *ev, void *data)
{
	struct vpdn_node_events *ne = data;
	const struct vpdn_ev_tunnel *p = ev->payload;
	struct tunnel_info *t;
	int r;

	if (!p || p->size < offsetof(struct vpdn_ev_tunnel, result))
		return VPDN_BUS_PASS;
	t = g_new0(struct tunnel_info, 1);
	t->peer_name = vpdn_text_sanitize(p->peer_name, NAME_MAX_LEN);
	t->peer_address = sockaddr_text(&p->peer);
	t->group = vpdn_text_sanitize(p->group, NAME_MAX_LEN);
	t->up_ms = now_ms(ne);
	g_hash_table_replace(ne->tunnels, GUINT_TO_POINTER(p->tunnel_id), t);
	if (!bus_live(ne))
		return VPDN_BUS_PASS;
	r = sd_bus_emit_signal(ne->core->dbus, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
			       "TunnelUp", VPDN_SIG_TUNNEL_UP, p->tunnel_id, p->peer_tunnel_id,
			       t->peer_name, t->peer_address, t->group);
	if (r < 0)
		emit_failed(ne, "TunnelUp", r);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_tunnel_down(const struct vpdn_event *ev, void *data)
{
	struct vpdn_node_events *ne = data;
	const struct vpdn_ev_tunnel *p = ev->payload;
	struct tunnel_info *t;
	enum vpdn_end_side side;
	const char *cause;
	char *reason;
	uint64_t lived = 0;
	int r;

	if (!p || p->size < offsetof(struct vpdn_ev_tunnel, result) + 2 * sizeof(int))
		return VPDN_BUS_PASS;
	side = p->size >= offsetof(struct vpdn_ev_tunnel, ended_by) + sizeof(p->ended_by) ?
		       p->ended_by : VPDN_END_UNKNOWN;
	cause = vpdn_tunnel_cause(p->result, p->error);
	bump(ne, "tunnels_ended_total", "L2TP tunnels ended, by cause (StopCCN result/error)",
	     cause);
	t = g_hash_table_lookup(ne->tunnels, GUINT_TO_POINTER(p->tunnel_id));
	if (t)
		lived = (now_ms(ne) - t->up_ms) / 1000;
	if (bus_live(ne)) {
		char *name = t ? NULL : vpdn_text_sanitize(p->peer_name, NAME_MAX_LEN);
		char *group = t ? NULL : vpdn_text_sanitize(p->group, NAME_MAX_LEN);
		char *addr = t ? NULL : sockaddr_text(&p->peer);

		reason = vpdn_tunnel_cause_text(p->result, p->error);
		r = sd_bus_emit_signal(ne->core->dbus, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				       "TunnelDown", VPDN_SIG_TUNNEL_DOWN, p->tunnel_id,
				       p->peer_tunnel_id, t ? t->peer_name : name,
				       t ? t->peer_address : addr, t ? t->group : group, lived,
				       vpdn_end_side_name(side), clamp16(p->result),
				       clamp16(p->error), cause, reason);
		if (r < 0)
			emit_failed(ne, "TunnelDown", r);
		g_free(reason);
		g_free(name);
		g_free(group);
		g_free(addr);
	}
	g_hash_table_remove(ne->tunnels, GUINT_TO_POINTER(p->tunnel_id));
	return VPDN_BUS_PASS;
}

/* ---- sessions ---- */

static uint32_t session_key(const struct vpdn_ev_session *p)
{
	return (uint32_t)p->tunnel_id << 16 | p->session_id;
}

static guint session_hash(gconstpointer p)
{
	return ((const struct session_info *)p)->key;
}

static gboolean session_equal(gconstpointer a, gconstpointer b)
{
	return ((const struct session_info *)a)->key == ((const struct session_info *)b)->key;
}

static guint ifname_hash(gconstpointer p)
{
	return g_str_hash(((const struct session_info *)p)->interface);
}

static gboolean ifname_equal(gconstpointer a, gconstpointer b)
{
	return strcmp(((const struct session_info *)a)->interface,
		      ((const struct session_info *)b)->interface) == 0;
}

static struct session_info *session_find(struct vpdn_node_events *ne, uint32_t key)
{
	const struct session_info probe = { .key = key };
	return g_hash_table_lookup(ne->sessions, &probe);
}

static void session_forget(struct vpdn_node_events *ne, struct session_info *s)
{
	/* by name only if it is still this one's (a newer may have it) */
	if (s->interface && g_hash_table_lookup(ne->by_ifname, s) == s)
		g_hash_table_remove(ne->by_ifname, s);
	g_hash_table_remove(ne->sessions, s);   /* frees s */
}

static enum vpdn_bus_verdict on_session_up(const struct vpdn_event *ev, void *data)
{
	struct vpdn_node_events *ne = data;
	const struct vpdn_ev_session *p = ev->payload;
	struct session_info *s, *old;
	struct tunnel_info *t;
	char *user, *peer;
	int r;

	if (!p || p->size < offsetof(struct vpdn_ev_session, link))
		return VPDN_BUS_PASS;
	old = session_find(ne, session_key(p));
	if (old)
		session_forget(ne, old);
	s = g_new0(struct session_info, 1);
	s->key = session_key(p);
	s->up_ms = now_ms(ne);
	if (p->interface && *p->interface) {
		s->interface = vpdn_text_sanitize(p->interface, IFNAME_MAX_LEN);
		if (strlen(s->interface) < sizeof(s->ifname)) {
			g_strlcpy(s->ifname, s->interface, sizeof(s->ifname));
			g_free(s->interface);
			s->interface = s->ifname;
		}
		g_hash_table_add(ne->by_ifname, s);  /* replaces one of that name */
	}
	g_hash_table_add(ne->sessions, s);
	if (!bus_live(ne))
		return VPDN_BUS_PASS;
	t = g_hash_table_lookup(ne->tunnels, GUINT_TO_POINTER(p->tunnel_id));
	peer = t ? NULL : vpdn_text_sanitize(p->peer_name, NAME_MAX_LEN);
	user = vpdn_text_sanitize(p->user, NAME_MAX_LEN);
	r = sd_bus_emit_signal(ne->core->dbus, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
			       "SessionUp", VPDN_SIG_SESSION_UP, p->tunnel_id, p->session_id,
			       p->peer_tunnel_id, p->peer_session_id, dir_name(p->dir), user,
			       s->interface ? s->interface : "", t ? t->peer_name : peer,
			       t ? t->peer_address : "");
	g_free(user);
	g_free(peer);
	if (r < 0)
		emit_failed(ne, "SessionUp", r);
	return VPDN_BUS_PASS;
}

/* The RFC 3145 direction: "local", "peer", "global"; "" without a cause. */
static const char *ppp_dir_name(const struct vpdn_session_end *e)
{
	if (!e->ppp_known)
		return "";
	switch (e->ppp_direction) {
	case VPDN_PPP_DISC_AT_PEER: return "peer";
	case VPDN_PPP_DISC_AT_LOCAL: return "local";
	}
	return "global";
}

static int emit_session_down(struct vpdn_node_events *ne, const struct vpdn_session_end *e)
{
	return sd_bus_emit_signal(ne->core->dbus, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				  "SessionDown", VPDN_SIG_SESSION_DOWN, e->tunnel_id,
				  e->session_id, e->peer_tunnel_id, e->peer_session_id,
				  dir_name(e->dir), e->user, e->interface, e->peer_name,
				  e->peer_address, e->local_address, e->remote_address,
				  (e->ended_ms - e->started_ms) / 1000,
				  vpdn_end_side_name(e->ended_by), e->result, e->error, e->q931,
				  e->ppp_known ? (int32_t)e->ppp_code : -1, e->ppp_protocol,
				  ppp_dir_name(e), e->cause, e->reason);
}

/* A session ended: after it was up (SESSION_DOWN: the SessionDown signal,
 * sessions_ended_total) or before (SESSION_FAILED, never_up: refused,
 * timed out, its tunnel failed; sessions_failed_total, no signal, as no
 * SessionUp went before). Both go into the failure history. */
static enum vpdn_bus_verdict session_ended(struct vpdn_node_events *ne,
					   const struct vpdn_ev_session *p, bool never_up)
{
	struct vpdn_session_end *e;
	struct session_info *s;
	struct tunnel_info *t;
	int r;

	if (!p || p->size < offsetof(struct vpdn_ev_session, cause) + sizeof(p->cause))
		return VPDN_BUS_PASS;
	s = session_find(ne, session_key(p));
	t = g_hash_table_lookup(ne->tunnels, GUINT_TO_POINTER(p->tunnel_id));
	e = g_new0(struct vpdn_session_end, 1);
	e->ended_unix = (uint64_t)(g_get_real_time() / G_USEC_PER_SEC);
	e->ended_ms = now_ms(ne);
	e->started_ms = s ? s->up_ms : e->ended_ms;
	e->tunnel_id = p->tunnel_id;
	e->session_id = p->session_id;
	e->peer_tunnel_id = p->peer_tunnel_id;
	e->peer_session_id = p->peer_session_id;
	e->dir = p->dir;
	e->user = vpdn_text_sanitize(p->user, NAME_MAX_LEN);
	if (s && s->interface)
		e->interface = g_strdup(s->interface);
	else
		e->interface = vpdn_text_sanitize(p->interface, IFNAME_MAX_LEN);
	e->peer_name = t ? g_strdup(t->peer_name) : vpdn_text_sanitize(p->peer_name, NAME_MAX_LEN);
	e->peer_address = t ? g_strdup(t->peer_address) : NULL;
	if (s) {
		e->local_address = in_addr_text(s->local);
		e->remote_address = in_addr_text(s->remote);
		e->ppp_known = s->ppp_known;
		e->ppp_code = s->ppp_code;
		e->ppp_protocol = s->ppp_protocol;
		e->ppp_direction = s->ppp_direction;
	}
	e->ended_by = p->size >= offsetof(struct vpdn_ev_session, ended_by) + sizeof(p->ended_by) ?
			      p->ended_by : VPDN_END_UNKNOWN;
	/* Our PPP said it (PPP_DOWN) or else the CDN's AVP 46 (the peer's
	 * at a LAC). */
	if (!e->ppp_known &&
	    p->size >= offsetof(struct vpdn_ev_session, ppp_disconnect_direction) +
			       sizeof(p->ppp_disconnect_direction) &&
	    p->ppp_disconnect_known) {
		e->ppp_known = true;
		e->ppp_code = p->ppp_disconnect_code;
		e->ppp_protocol = p->ppp_disconnect_protocol;
		e->ppp_direction = p->ppp_disconnect_direction;
	}
	e->result = clamp16(p->result);
	e->error = clamp16(p->error);
	e->q931 = p->cause > 0 && p->cause <= 127 ? (uint16_t)p->cause : 0;
	vpdn_session_end_finish(e);
	if (s)
		session_forget(ne, s);

	if (never_up)
		bump(ne, "sessions_failed_total", "VPDN sessions that ended before they came up, by cause",
		     e->cause);
	else
		bump(ne, "sessions_ended_total", "VPDN sessions ended, by cause", e->cause);
	vpdn_debug(vpdn_core_log(ne->core), VPDN_DEBUG_VPDN_EVENTS,
		  "VPDN: session %u/%u%s%s %s by %s after %" G_GUINT64_FORMAT
		  " s: %s (%s)", e->tunnel_id, e->session_id, *e->user ? " user " : "", e->user,
		  never_up ? "failed, ended" : "ended",
		  vpdn_end_side_name(e->ended_by), (e->ended_ms - e->started_ms) / 1000,
		  e->cause, e->reason);
	if (!never_up && bus_live(ne)) {
		r = emit_session_down(ne, e);
		if (r < 0)
			emit_failed(ne, "SessionDown", r);
	}
	vpdn_history_add(ne->history, e);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_session_down(const struct vpdn_event *ev, void *data)
{
	return session_ended(data, ev->payload, false);
}

static enum vpdn_bus_verdict on_session_failed(const struct vpdn_event *ev, void *data)
{
	return session_ended(data, ev->payload, true);
}

/* ---- what PPP says about a session (found by interface) ---- */

static struct session_info *by_ifname(struct vpdn_node_events *ne, const char *ifname)
{
	const struct session_info probe = { .interface = (char *)ifname };
	return ifname ? g_hash_table_lookup(ne->by_ifname, &probe) : NULL;
}

static enum vpdn_bus_verdict on_network_up(const struct vpdn_event *ev, void *data)
{
	struct vpdn_node_events *ne = data;
	const struct vpdn_ev_ppp_network *p = ev->payload;
	struct session_info *s;

	if (!p || p->size < offsetof(struct vpdn_ev_ppp_network, dns1))
		return VPDN_BUS_PASS;
	s = by_ifname(ne, p->interface);
	if (!s)
		return VPDN_BUS_PASS;
	s->local = p->local;
	s->remote = p->peer;
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	struct vpdn_node_events *ne = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct session_info *s;

	if (!p || p->size < offsetof(struct vpdn_ev_ppp, disconnect_message) +
				    sizeof(p->disconnect_message) || !p->disconnect_known)
		return VPDN_BUS_PASS;
	s = by_ifname(ne, p->interface);
	if (!s)
		return VPDN_BUS_PASS;
	s->ppp_known = true;
	s->ppp_code = p->disconnect_code;
	s->ppp_protocol = p->disconnect_protocol;
	s->ppp_direction = p->disconnect_direction;
	return VPDN_BUS_PASS;
}

struct vpdn_node_events *vpdn_node_events_new(struct vpdn_core *core)
{
	static const struct {
		uint32_t type;
		vpdn_bus_handler fn;
	} subs[] = {
		{ VPDN_EV_TUNNEL_UP, on_tunnel_up },
		{ VPDN_EV_TUNNEL_DOWN, on_tunnel_down },
		{ VPDN_EV_SESSION_UP, on_session_up },
		{ VPDN_EV_SESSION_DOWN, on_session_down },
		{ VPDN_EV_SESSION_FAILED, on_session_failed },
		{ VPDN_EV_PPP_NETWORK_UP, on_network_up },
		{ VPDN_EV_PPP_DOWN, on_ppp_down },
	};
	struct vpdn_node_events *ne = g_new0(struct vpdn_node_events, 1);

	G_STATIC_ASSERT(G_N_ELEMENTS(subs) == G_N_ELEMENTS(ne->subs));
	ne->core = core;
	ne->tunnels = g_hash_table_new_full(NULL, NULL, NULL, tunnel_info_free);
	ne->sessions = g_hash_table_new_full(session_hash, session_equal, session_info_free, NULL);
	ne->by_ifname = g_hash_table_new(ifname_hash, ifname_equal);
	ne->history = vpdn_history_new(core->vpdn_history_size);
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
		/* The last word: modules have acted on the event before. */
		ne->subs[i] = vpdn_bus_subscribe_prio(vpdn_core_bus(core), subs[i].type, G_MAXINT,
						      subs[i].fn, ne);
		if (!ne->subs[i]) {
			vpdn_node_events_free(ne);
			return NULL;
		}
	}
	core->events = ne;
	return ne;
}

void vpdn_node_events_free(struct vpdn_node_events *ne)
{
	if (!ne)
		return;
	for (size_t i = 0; i < G_N_ELEMENTS(ne->subs); i++)
		if (ne->subs[i])
			vpdn_bus_unsubscribe(vpdn_core_bus(ne->core), ne->subs[i]);
	if (ne->core->events == ne)
		ne->core->events = NULL;
	g_hash_table_destroy(ne->by_ifname);
	g_hash_table_destroy(ne->sessions);
	g_hash_table_destroy(ne->tunnels);
	vpdn_history_free(ne->history);
	g_free(ne);
}

void vpdn_node_events_set_history_size(struct vpdn_node_events *ne, unsigned size)
{
	if (ne)
		vpdn_history_set_size(ne->history, size);
}

struct vpdn_history *vpdn_node_events_history(struct vpdn_node_events *ne)
{
	return ne ? ne->history : NULL;
}

int vpdn_node_events_append_entry(sd_bus_message *m, const struct vpdn_session_end *e)
{
	return sd_bus_message_append(
		m, VPDN_SIG_HISTORY_ENTRY, e->ended_unix, e->tunnel_id, e->session_id,
		e->peer_tunnel_id, e->peer_session_id, dir_name(e->dir), e->user, e->interface,
		e->peer_name, e->peer_address, e->local_address, e->remote_address,
		(e->ended_ms - e->started_ms) / 1000, vpdn_end_side_name(e->ended_by), e->result,
		e->error, e->q931, e->ppp_known ? (int32_t)e->ppp_code : -1, e->ppp_protocol,
		ppp_dir_name(e), e->cause, e->reason);
}
