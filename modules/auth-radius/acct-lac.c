/* SPDX-License-Identifier: MIT */
/*
 * Accounting at the LAC and tunnel accounting (RFC 2867). See acct-lac.h.
 *
 * LAC sessions: a forwarded call has no PPP network at the LAC (the LNS
 * runs it), so acct.c never sees it. L2TP's SESSION_UP for a session of
 * role LAC starts one: Start with NAS-Port(-Type, -Id) of the carrier
 * ("Se0:15": ISDN-Sync), Calling/Called-Station-Id from the call and the
 * tunnel's attributes (Tunnel-Type L2TP, Tunnel-Medium-Type, Tunnel-
 * Client/Server-Endpoint, Tunnel-Client/Server-Auth-Id, Acct-Tunnel-
 * Connection); SESSION_DOWN ends it: Stop with the session's data
 * counters (what the user sent, into the tunnel = input) and
 * Acct-Terminate-Cause from the CDN's result code.
 *
 * Tunnel accounting (radius { tunnel-accounting = true }, both ends):
 * TUNNEL_UP / TUNNEL_DOWN give Tunnel-Start / Tunnel-Stop, SESSION_UP /
 * SESSION_DOWN give Tunnel-Link-Start / Tunnel-Link-Stop. SESSION_FAILED
 * (a session that never came up) gives Tunnel-Link-Reject when its tunnel
 * is up, Tunnel-Reject when its tunnel never came up (SCCRQ unanswered,
 * StopCCN in set-up: the LAC's sessions waiting on it fail), once per
 * tunnel: the sessions of one failed tunnel fail in the same dispatch, so
 * one tunnel id at one instant is one Reject. A tunnel attempt the l2tp
 * module fails over from (its sessions move to the next LNS) publishes
 * nothing and gets no record; the attempt that finally fails does.
 *
 * Records go through acct.c's FIFO (acct_queue_extra): same order, same
 * bound, same delivery rules as the PPP sessions' records.
 */
#include "acct-lac.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/log.h>
#include <vpdnd/timer.h>

#define HAS_FIELD(p, type, field) \
	((p)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

#define NSUBS 7

struct acct_lac {
	struct vpdn_core *core;
	struct acct *acct;
	bool tunnel_acct;
	struct vpdn_subscription *subs[NSUBS];
	/* the last Tunnel-Reject: one per failed tunnel, not per session */
	uint16_t reject_tid;
	uint64_t reject_ms;
	bool rejected;
	GHashTable *sessions;   /* tid << 16 | sid -> struct lsess */
	GHashTable *tunnels;    /* tid -> struct ltun */
	/* restart in place: records restored, waiting for l2tp's restore
	 * to name their session / tunnel (same keys); the IDs l2tp named
	 * before our restore ran (auth-radius after l2tp in modules) */
	uint32_t ev_sess_restored, ev_tun_restored;
	GHashTable *pend_sessions, *pend_tunnels;
	GHashTable *seen_sessions;  /* key -> user ("" none) */
	GHashTable *seen_tunnels;   /* tid */
	bool restore_ran;
	struct vpdn_timer sweep;
};

struct lsess {
	char sid[40], link_sid[40];
	char *user, *iface, *calling, *called;
	bool lac;               /* a LAC session record was started */
	uint64_t start_ms;
	struct acct_tunnel tun;
};

struct ltun {
	char sid[40];
	uint64_t start_ms;
	struct acct_tunnel tun;
};

/* ---- the tunnel attributes ---- */

struct acct_tunnel *acct_tunnel_dup(const struct acct_tunnel *t)
{
	struct acct_tunnel *n = g_new(struct acct_tunnel, 1);

	*n = *t;
	n->client_id = g_strdup(t->client_id);
	n->server_id = g_strdup(t->server_id);
	return n;
}

static void tunnel_clear(struct acct_tunnel *t)
{
	g_free(t->client_id);
	g_free(t->server_id);
	t->client_id = t->server_id = NULL;
}

void acct_tunnel_free(struct acct_tunnel *t)
{
	if (!t)
		return;
	tunnel_clear(t);
	g_free(t);
}

static int add_text(struct radius_pkt *p, uint8_t type, const char *s)
{
	if (!s || !*s)
		return 0;
	return radius_add(p, type, s, MIN(strlen(s), 253));
}

int acct_tunnel_add(struct radius_pkt *p, const struct acct_tunnel *t)
{
	int e = 0;

	/* RFC 2867 §4: untagged (tag 0) */
	e |= radius_add_tagged_u32(p, RADIUS_TUNNEL_TYPE, 0, 3);          /* L2TP */
	e |= radius_add_tagged_u32(p, RADIUS_TUNNEL_MEDIUM_TYPE, 0, t->v6 ? 2 : 1);
	e |= add_text(p, RADIUS_TUNNEL_CLIENT_ENDPOINT, t->client_ep);
	e |= add_text(p, RADIUS_TUNNEL_SERVER_ENDPOINT, t->server_ep);
	e |= add_text(p, RADIUS_TUNNEL_CLIENT_AUTH_ID, t->client_id);
	e |= add_text(p, RADIUS_TUNNEL_SERVER_AUTH_ID, t->server_id);
	e |= add_text(p, RADIUS_ACCT_TUNNEL_CONNECTION, t->connection);
	return e ? -EMSGSIZE : 0;
}

static void addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	buf[0] = 0;
	if (ss->ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)ss)->sin_addr, buf, (socklen_t)size);
	else if (ss->ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ss)->sin6_addr, buf,
			  (socklen_t)size);
	/* an unbound local address (0.0.0.0) says nothing */
	if (strcmp(buf, "0.0.0.0") == 0 || strcmp(buf, "::") == 0)
		buf[0] = 0;
}

/* The LAC is the tunnel's client, the LNS its server (RFC 2868 §3.3). */
static void fill_tunnel(struct acct_tunnel *t, bool we_are_client,
			const struct sockaddr_storage *local, const struct sockaddr_storage *peer,
			const char *local_name, const char *peer_name, uint16_t tid, uint16_t sid)
{
	memset(t, 0, sizeof(*t));
	addr_text(we_are_client ? local : peer, t->client_ep, sizeof(t->client_ep));
	addr_text(we_are_client ? peer : local, t->server_ep, sizeof(t->server_ep));
	t->v6 = peer->ss_family == AF_INET6;
	t->client_id = g_strdup(we_are_client ? local_name : peer_name);
	t->server_id = g_strdup(we_are_client ? peer_name : local_name);
	if (sid)
		snprintf(t->connection, sizeof(t->connection), "%u/%u", tid, sid);
	else
		snprintf(t->connection, sizeof(t->connection), "%u", tid);
}

/* ---- events ---- */

static void lsess_free(gpointer p)
{
	struct lsess *s = p;

	g_free(s->user);
	g_free(s->iface);
	g_free(s->calling);
	g_free(s->called);
	tunnel_clear(&s->tun);
	g_free(s);
}

static void ltun_free(gpointer p)
{
	struct ltun *t = p;

	tunnel_clear(&t->tun);
	g_free(t);
}

static bool take_session(struct acct_lac *l, gpointer key, const char *user);
static bool take_tunnel(struct acct_lac *l, gpointer key);

static uint32_t cause_of(int result)
{
	/* RFC 2661 CDN result 1: loss of carrier, 2: error (general), 3:
	 * administrative */
	switch (result) {
	case 1: return RADIUS_TERM_LOST_CARRIER;
	case 3: return RADIUS_TERM_ADMIN_RESET;
	case 0: return RADIUS_TERM_USER_REQUEST;
	default: return RADIUS_TERM_LOST_SERVICE;
	}
}

/* A session record's end: its Stop (if a LAC record was started) and its
 * Tunnel-Link-Stop (if one was), both from x (the status and id set here). */
static void queue_stops(struct acct_lac *l, const struct lsess *s, struct acct_extra *x)
{
	if (s->lac) {
		x->status = RADIUS_ACCT_STOP;
		x->sid = s->sid;
		acct_queue_extra(l->acct, x);
	}
	if (s->link_sid[0]) {
		x->status = RADIUS_ACCT_TUNNEL_LINK_STOP;
		x->sid = s->link_sid;
		acct_queue_extra(l->acct, x);
	}
}

static enum vpdn_bus_verdict on_session(const struct vpdn_event *ev, void *data)
{
	struct acct_lac *l = data;
	const struct vpdn_ev_session *se = ev->payload;
	gpointer key;
	struct lsess *s;

	if (!se || !HAS_FIELD(se, struct vpdn_ev_session, local_name) || !acct_enabled(l->acct))
		return VPDN_BUS_PASS;
	key = GUINT_TO_POINTER((guint)se->tunnel_id << 16 | se->session_id);
	if (ev->type == VPDN_EV_SESSION_UP) {
		bool lac = se->role == VPDN_L2TP_ROLE_LAC;

		if (!lac && !l->tunnel_acct)
			return VPDN_BUS_PASS;
		s = g_new0(struct lsess, 1);
		s->user = g_strdup(se->user);
		s->iface = g_strdup(se->interface);
		s->calling = g_strdup(se->calling);
		s->called = g_strdup(se->called);
		s->start_ms = vpdn_timers_now(vpdn_core_timers(l->core));
		fill_tunnel(&s->tun, lac, &se->tunnel_local, &se->tunnel_peer, se->local_name,
			    se->peer_name, se->tunnel_id, se->session_id);
		g_hash_table_replace(l->sessions, key, s);
		struct acct_extra x = { .user = s->user, .iface = s->iface, .calling = s->calling,
					.called = s->called, .tun = &s->tun };
		if (lac) {
			s->lac = true;
			acct_make_sid(l->acct, s->sid, sizeof(s->sid));
			x.status = RADIUS_ACCT_START;
			x.sid = s->sid;
			acct_queue_extra(l->acct, &x);
		}
		if (l->tunnel_acct) {
			acct_make_sid(l->acct, s->link_sid, sizeof(s->link_sid));
			x.status = RADIUS_ACCT_TUNNEL_LINK_START;
			x.sid = s->link_sid;
			acct_queue_extra(l->acct, &x);
		}
		return VPDN_BUS_PASS;
	}
	s = g_hash_table_lookup(l->sessions, key);
	if (!s && take_session(l, key, se->user))   /* restored, cleared by l2tp's restore */
		s = g_hash_table_lookup(l->sessions, key);
	if (!s)
		return VPDN_BUS_PASS;
	struct acct_extra x = { .user = s->user, .iface = s->iface, .calling = s->calling,
				.called = s->called, .tun = &s->tun, .start_ms = s->start_ms,
				.cause = cause_of(se->result) };
	if (HAS_FIELD(se, struct vpdn_ev_session, octets_out)) {
		/* at the LAC the user's frames go out into the tunnel (input
		 * to the NAS); at the LNS they come in */
		bool lac = s->lac || se->role == VPDN_L2TP_ROLE_LAC;

		x.in_oct = lac ? se->octets_out : se->octets_in;
		x.in_pkt = lac ? se->packets_out : se->packets_in;
		x.out_oct = lac ? se->octets_in : se->octets_out;
		x.out_pkt = lac ? se->packets_in : se->packets_out;
	}
	queue_stops(l, s, &x);
	g_hash_table_remove(l->sessions, key);
	return VPDN_BUS_PASS;
}

/* SESSION_FAILED: Tunnel-Link-Reject, or Tunnel-Reject for a tunnel that
 * never came up. */
static enum vpdn_bus_verdict on_failed(const struct vpdn_event *ev, void *data)
{
	struct acct_lac *l = data;
	const struct vpdn_ev_session *se = ev->payload;
	struct acct_tunnel tun;

	/* A session l2tp restored at a restart in place ends with
	 * SESSION_DOWN (l2tp marks it published); should a SESSION_FAILED
	 * name one of ours all the same (taken back, or still waiting), it
	 * ends as a SESSION_DOWN would: a Stop, never a Reject. */
	if (se) {
		gpointer key = GUINT_TO_POINTER((guint)se->tunnel_id << 16 | se->session_id);

		if (g_hash_table_contains(l->sessions, key) || take_session(l, key, se->user))
			return on_session(&(struct vpdn_event){ .type = VPDN_EV_SESSION_DOWN,
								.payload = se }, l);
	}
	if (!l->tunnel_acct || !se || !HAS_FIELD(se, struct vpdn_ev_session, local_name) ||
	    !acct_enabled(l->acct))
		return VPDN_BUS_PASS;
	bool up = g_hash_table_contains(l->tunnels, GUINT_TO_POINTER((guint)se->tunnel_id));
	uint64_t now = vpdn_timers_now(vpdn_core_timers(l->core));
	if (!up && l->rejected && l->reject_tid == se->tunnel_id && l->reject_ms == now)
		return VPDN_BUS_PASS;   /* that tunnel's Reject is queued */
	char sid[40];
	fill_tunnel(&tun, se->role == VPDN_L2TP_ROLE_LAC, &se->tunnel_local, &se->tunnel_peer,
		    se->local_name, se->peer_name, se->tunnel_id, up ? se->session_id : 0);
	acct_make_sid(l->acct, sid, sizeof(sid));
	struct acct_extra x = {
		.status = up ? RADIUS_ACCT_TUNNEL_LINK_REJECT : RADIUS_ACCT_TUNNEL_REJECT,
		.sid = sid, .tun = &tun, .cause = cause_of(se->result),
		.user = up ? se->user : NULL, .iface = up ? se->interface : NULL,
		.calling = up ? se->calling : NULL, .called = up ? se->called : NULL,
	};
	acct_queue_extra(l->acct, &x);
	if (!up) {
		l->rejected = true;
		l->reject_tid = se->tunnel_id;
		l->reject_ms = now;
	}
	tunnel_clear(&tun);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_tunnel(const struct vpdn_event *ev, void *data)
{
	struct acct_lac *l = data;
	const struct vpdn_ev_tunnel *te = ev->payload;
	gpointer key;
	struct ltun *t;

	if (!l->tunnel_acct || !te || !HAS_FIELD(te, struct vpdn_ev_tunnel, initiator) ||
	    !acct_enabled(l->acct))
		return VPDN_BUS_PASS;
	key = GUINT_TO_POINTER((guint)te->tunnel_id);
	if (ev->type == VPDN_EV_TUNNEL_UP) {
		t = g_new0(struct ltun, 1);
		acct_make_sid(l->acct, t->sid, sizeof(t->sid));
		t->start_ms = vpdn_timers_now(vpdn_core_timers(l->core));
		fill_tunnel(&t->tun, te->initiator, &te->local, &te->peer, te->local_name,
			    te->peer_name, te->tunnel_id, 0);
		g_hash_table_replace(l->tunnels, key, t);
		acct_queue_extra(l->acct, &(struct acct_extra){ .status = RADIUS_ACCT_TUNNEL_START,
								.sid = t->sid, .tun = &t->tun });
		return VPDN_BUS_PASS;
	}
	t = g_hash_table_lookup(l->tunnels, key);
	if (!t && take_tunnel(l, key))   /* restored, cleared by l2tp's restore */
		t = g_hash_table_lookup(l->tunnels, key);
	if (!t)
		return VPDN_BUS_PASS;
	acct_queue_extra(l->acct, &(struct acct_extra){ .status = RADIUS_ACCT_TUNNEL_STOP,
							.sid = t->sid, .tun = &t->tun,
							.start_ms = t->start_ms });
	g_hash_table_remove(l->tunnels, key);
	return VPDN_BUS_PASS;
}

/* ---- restart in place (docs/RESTART.md) ----
 *
 * save(): every record open (LAC sessions' Start, Tunnel-Link-Start,
 * Tunnel-Start): its IDs, Acct-Session-Id(s), user, port, numbers, the
 * time it has run and its tunnel attributes. Not the counters: the l2tp
 * session keeps its own across the restart, and its SESSION_DOWN names
 * them all. restore(): the records wait under the same keys; l2tp's
 * restore publishes "l2tp-session-restored" / "l2tp-tunnel-restored"
 * (dynamic bus types, vpdn_ev_session / vpdn_ev_tunnel) for each session
 * and tunnel it rebuilt with the same IDs: the record is taken back, no
 * Start; its end (SESSION_DOWN; a SESSION_FAILED naming it is taken the
 * same way) gives the Stop / Tunnel-Link-Stop with its
 * Acct-Session-Id and the time since the real start, TUNNEL_DOWN the
 * Tunnel-Stop. IDs l2tp names before this restore ran (auth-radius after
 * l2tp in modules) are remembered until the first main-loop turn. A
 * record nobody took back by then (its tunnel or session not restored)
 * gets its Stop with Acct-Terminate-Cause NAS-Error, as acct.c does. */

#define EV_SESS_RESTORED "l2tp-session-restored"
#define EV_TUN_RESTORED "l2tp-tunnel-restored"

static GVariant *tun_v(const struct acct_tunnel *t)
{
	return g_variant_new(ACCT_LAC_TUN_T, t->client_ep, t->server_ep, t->v6, t->client_id,
			     t->server_id, t->connection);
}

static void tun_get(GVariant *v, struct acct_tunnel *t)
{
	const char *cep, *sep, *cid, *sid, *conn;
	gboolean v6;

	memset(t, 0, sizeof(*t));
	g_variant_get(v, "(&s&sbm&sm&s&s)", &cep, &sep, &v6, &cid, &sid, &conn);
	g_strlcpy(t->client_ep, cep, sizeof(t->client_ep));
	g_strlcpy(t->server_ep, sep, sizeof(t->server_ep));
	t->v6 = v6;
	t->client_id = g_strdup(cid);
	t->server_id = g_strdup(sid);
	g_strlcpy(t->connection, conn, sizeof(t->connection));
}

GVariant *acct_lac_save(struct acct_lac *l)
{
	GVariantBuilder sb, tb;
	GHashTableIter it;
	gpointer k, v;
	uint64_t now = vpdn_timers_now(vpdn_core_timers(l->core));
	unsigned ns = 0, nt = 0;

	g_variant_builder_init(&sb, G_VARIANT_TYPE("a" ACCT_LAC_SESS_T));
	g_hash_table_iter_init(&it, l->sessions);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct lsess *s = v;
		guint key = GPOINTER_TO_UINT(k);

		g_variant_builder_add(&sb, "(qqssmsmsmsmsbt@" ACCT_LAC_TUN_T ")", (guint16)(key >> 16),
				      (guint16)(key & 0xffff), s->sid, s->link_sid, s->user, s->iface,
				      s->calling, s->called, s->lac, now - s->start_ms, tun_v(&s->tun));
		ns++;
	}
	g_variant_builder_init(&tb, G_VARIANT_TYPE("a" ACCT_LAC_TUNNEL_T));
	g_hash_table_iter_init(&it, l->tunnels);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ltun *t = v;

		g_variant_builder_add(&tb, "(qst@" ACCT_LAC_TUN_T ")", (guint16)GPOINTER_TO_UINT(k),
				      t->sid, now - t->start_ms, tun_v(&t->tun));
		nt++;
	}
	if (ns || nt)
		vpdn_info(vpdn_core_log(l->core), "AUTH-RADIUS: restart: %u L2TP session record%s, "
			  "%u tunnel record%s saved", ns, ns == 1 ? "" : "s", nt, nt == 1 ? "" : "s");
	return g_variant_new("(t@a" ACCT_LAC_SESS_T "@a" ACCT_LAC_TUNNEL_T ")",
			     (guint64)(g_get_real_time() / 1000), g_variant_builder_end(&sb),
			     g_variant_builder_end(&tb));
}

static bool take_session(struct acct_lac *l, gpointer key, const char *user)
{
	struct lsess *s = g_hash_table_lookup(l->pend_sessions, key);

	if (!s || (s->user && user && strcmp(s->user, user) != 0))
		return false;
	g_hash_table_steal(l->pend_sessions, key);
	g_hash_table_replace(l->sessions, key, s);
	return true;
}

static bool take_tunnel(struct acct_lac *l, gpointer key)
{
	struct ltun *t = g_hash_table_lookup(l->pend_tunnels, key);

	if (!t)
		return false;
	g_hash_table_steal(l->pend_tunnels, key);
	g_hash_table_replace(l->tunnels, key, t);
	return true;
}

static enum vpdn_bus_verdict on_restored(const struct vpdn_event *ev, void *data)
{
	struct acct_lac *l = data;

	if (!ev->payload || !acct_enabled(l->acct))
		return VPDN_BUS_PASS;
	/* remembered until the first main-loop turn, whether or not our
	 * own restore comes */
	if (!l->restore_ran && !vpdn_timer_armed(&l->sweep))
		vpdn_timer_arm(vpdn_core_timers(l->core), &l->sweep, 0);
	if (ev->type == l->ev_sess_restored) {
		const struct vpdn_ev_session *se = ev->payload;
		gpointer key = GUINT_TO_POINTER((guint)se->tunnel_id << 16 | se->session_id);

		if (!l->restore_ran)
			g_hash_table_replace(l->seen_sessions, key, g_strdup(se->user ? se->user : ""));
		else
			take_session(l, key, se->user);
	} else {
		const struct vpdn_ev_tunnel *te = ev->payload;
		gpointer key = GUINT_TO_POINTER((guint)te->tunnel_id);

		if (!l->restore_ran)
			g_hash_table_add(l->seen_tunnels, key);
		else
			take_tunnel(l, key);
	}
	return VPDN_BUS_PASS;
}

static char *opt_dup(const char *s)
{
	return s ? g_strdup(s) : NULL;
}

int acct_lac_restore(struct acct_lac *l, GVariant *data)
{
	GVariantIter *si = NULL, *ti = NULL;
	GVariant *tv;
	guint64 wall_ms, ran;
	guint16 tid, sid;
	const char *asid, *lsid, *user, *iface, *calling, *called;
	gboolean lac;
	uint64_t now = vpdn_timers_now(vpdn_core_timers(l->core)), down_ms;
	unsigned n = 0, taken = 0;
	GHashTableIter it;
	gpointer k, v;

	if (!data || !g_variant_is_of_type(data, G_VARIANT_TYPE(ACCT_LAC_STATE_TYPE)))
		return -EPROTO;
	g_variant_get(data, "(ta" ACCT_LAC_SESS_T "a" ACCT_LAC_TUNNEL_T ")", &wall_ms, &si, &ti);
	down_ms = (uint64_t)(g_get_real_time() / 1000);
	down_ms = down_ms > wall_ms ? down_ms - wall_ms : 0;
	while (g_variant_iter_next(si, "(qq&s&sm&sm&sm&sm&sbt@" ACCT_LAC_TUN_T ")", &tid, &sid, &asid,
				   &lsid, &user, &iface, &calling, &called, &lac, &ran, &tv)) {
		struct lsess *s = g_new0(struct lsess, 1);

		g_strlcpy(s->sid, asid, sizeof(s->sid));
		g_strlcpy(s->link_sid, lsid, sizeof(s->link_sid));
		s->user = opt_dup(user);
		s->iface = opt_dup(iface);
		s->calling = opt_dup(calling);
		s->called = opt_dup(called);
		s->lac = lac && s->sid[0];
		s->start_ms = now > ran + down_ms ? now - ran - down_ms : 0;
		tun_get(tv, &s->tun);
		g_variant_unref(tv);
		g_hash_table_replace(l->pend_sessions, GUINT_TO_POINTER((guint)tid << 16 | sid), s);
		n++;
	}
	while (g_variant_iter_next(ti, "(q&st@" ACCT_LAC_TUN_T ")", &tid, &asid, &ran, &tv)) {
		struct ltun *t = g_new0(struct ltun, 1);

		g_strlcpy(t->sid, asid, sizeof(t->sid));
		t->start_ms = now > ran + down_ms ? now - ran - down_ms : 0;
		tun_get(tv, &t->tun);
		g_variant_unref(tv);
		g_hash_table_replace(l->pend_tunnels, GUINT_TO_POINTER((guint)tid), t);
		n++;
	}
	g_variant_iter_free(si);
	g_variant_iter_free(ti);
	l->restore_ran = true;
	/* what l2tp restored before us */
	g_hash_table_iter_init(&it, l->seen_sessions);
	while (g_hash_table_iter_next(&it, &k, &v))
		taken += take_session(l, k, *(const char *)v ? v : NULL);
	g_hash_table_iter_init(&it, l->seen_tunnels);
	while (g_hash_table_iter_next(&it, &k, NULL))
		taken += take_tunnel(l, k);
	g_hash_table_remove_all(l->seen_sessions);
	g_hash_table_remove_all(l->seen_tunnels);
	vpdn_timer_arm(vpdn_core_timers(l->core), &l->sweep, 0);
	if (n)
		vpdn_info(vpdn_core_log(l->core), "AUTH-RADIUS: restart: %u L2TP session/tunnel "
			  "record%s restored (%u already back), waiting for l2tp", n,
			  n == 1 ? "" : "s", taken);
	return 0;
}

/* The first main-loop turn after restore: records l2tp did not bring
 * back ended with the old process: their Stop (NAS-Error), without the
 * counters (the l2tp session that had them is gone). */
static void on_sweep(struct vpdn_timer *tm, void *data)
{
	struct acct_lac *l = data;
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	(void)tm;
	g_hash_table_iter_init(&it, l->pend_sessions);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct lsess *s = v;
		struct acct_extra x = { .user = s->user, .iface = s->iface, .calling = s->calling,
					.called = s->called, .tun = &s->tun, .start_ms = s->start_ms,
					.cause = RADIUS_TERM_NAS_ERROR };

		queue_stops(l, s, &x);
		n++;
	}
	g_hash_table_iter_init(&it, l->pend_tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct ltun *t = v;

		acct_queue_extra(l->acct, &(struct acct_extra){ .status = RADIUS_ACCT_TUNNEL_STOP,
								.sid = t->sid, .tun = &t->tun,
								.start_ms = t->start_ms,
								.cause = RADIUS_TERM_NAS_ERROR });
		n++;
	}
	g_hash_table_remove_all(l->pend_sessions);
	g_hash_table_remove_all(l->pend_tunnels);
	g_hash_table_remove_all(l->seen_sessions);
	g_hash_table_remove_all(l->seen_tunnels);
	if (n)
		vpdn_notice(vpdn_core_log(l->core), "AUTH-RADIUS: restart: %u L2TP session/tunnel "
			    "record%s not restored: Stop (NAS-Error)", n, n == 1 ? "" : "s");
}

/* ---- life cycle ---- */

struct acct_lac *acct_lac_new(struct vpdn_core *core, struct acct *acct)
{
	struct acct_lac *l = g_new0(struct acct_lac, 1);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	l->core = core;
	l->acct = acct;
	l->sessions = g_hash_table_new_full(NULL, NULL, NULL, lsess_free);
	l->tunnels = g_hash_table_new_full(NULL, NULL, NULL, ltun_free);
	l->pend_sessions = g_hash_table_new_full(NULL, NULL, NULL, lsess_free);
	l->pend_tunnels = g_hash_table_new_full(NULL, NULL, NULL, ltun_free);
	l->seen_sessions = g_hash_table_new_full(NULL, NULL, NULL, g_free);
	l->seen_tunnels = g_hash_table_new(NULL, NULL);
	vpdn_timer_init(&l->sweep, on_sweep, l);
	/* l2tp registers them too (by name: the same ids) */
	int st = vpdn_bus_register_type(bus, EV_SESS_RESTORED);
	int tt = vpdn_bus_register_type(bus, EV_TUN_RESTORED);
	if (st < 0 || tt < 0) {
		acct_lac_free(l);
		return NULL;
	}
	l->ev_sess_restored = (uint32_t)st;
	l->ev_tun_restored = (uint32_t)tt;
	l->subs[5] = vpdn_bus_subscribe(bus, l->ev_sess_restored, on_restored, l);
	l->subs[6] = vpdn_bus_subscribe(bus, l->ev_tun_restored, on_restored, l);
	l->subs[0] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_UP, on_session, l);
	l->subs[1] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_DOWN, on_session, l);
	l->subs[2] = vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_UP, on_tunnel, l);
	l->subs[3] = vpdn_bus_subscribe(bus, VPDN_EV_TUNNEL_DOWN, on_tunnel, l);
	l->subs[4] = vpdn_bus_subscribe(bus, VPDN_EV_SESSION_FAILED, on_failed, l);
	for (int i = 0; i < NSUBS; i++)
		if (!l->subs[i]) {
			acct_lac_free(l);
			return NULL;
		}
	return l;
}

void acct_lac_configure(struct acct_lac *l, bool tunnel_acct)
{
	l->tunnel_acct = tunnel_acct;
}

unsigned acct_lac_sessions(const struct acct_lac *l)
{
	return g_hash_table_size(l->sessions) + g_hash_table_size(l->tunnels);
}

void acct_lac_free(struct acct_lac *l)
{
	if (!l)
		return;
	for (int i = 0; i < NSUBS; i++)
		if (l->subs[i])
			vpdn_bus_unsubscribe(vpdn_core_bus(l->core), l->subs[i]);
	vpdn_timer_cancel(vpdn_core_timers(l->core), &l->sweep);
	g_hash_table_destroy(l->sessions);
	g_hash_table_destroy(l->tunnels);
	g_hash_table_destroy(l->pend_sessions);
	g_hash_table_destroy(l->pend_tunnels);
	g_hash_table_destroy(l->seen_sessions);
	g_hash_table_destroy(l->seen_tunnels);
	g_free(l);
}
