/* SPDX-License-Identifier: MIT */
/*
 * PPPoE interfaces and sessions: the session table per interface (IDs
 * unique per interface, hence per (interface, peer MAC)), per-MAC counts,
 * the one state setter, PADT, and the discovery input dispatch.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "pppoe-private.h"

const char *pppoe_state_name(enum pppoe_state st)
{
	switch (st) {
	case PPPOE_ST_IDLE: return "IDLE";
	case PPPOE_ST_PADI_SENT: return "PADI_SENT";
	case PPPOE_ST_PADR_SENT: return "PADR_SENT";
	case PPPOE_ST_OPEN: return "OPEN";
	case PPPOE_ST_CLOSED: return "CLOSED";
	}
	return "?";
}

const char *pppoe_role_name(enum pppoe_role role)
{
	switch (role) {
	case PPPOE_ROLE_SERVER: return "server";
	case PPPOE_ROLE_CLIENT: return "client";
	}
	return "?";
}

static uint64_t *counter(struct vpdn_core *core, const char *name, const char *help)
{
	return vpdn_core_counter(core, name, help);
}

struct pppoe_engine *pppoe_engine_new(struct vpdn_core *core, const struct pppoe_carrier_ops *ops,
				      void *ctx)
{
	struct pppoe_engine *e = g_new0(struct pppoe_engine, 1);
	struct pppoe_counters *c = &e->c;

	e->core = core;
	e->log = vpdn_core_log(core);
	e->tm = vpdn_core_timers(core);
	e->ops = ops;
	e->ctx = ctx;
	c->rx_disc = counter(core, "pppoe_discovery_received_total", "PPPoE discovery packets received");
	c->tx_disc = counter(core, "pppoe_discovery_sent_total", "PPPoE discovery packets sent");
	c->malformed = counter(core, "pppoe_malformed_total", "PPPoE packets dropped as malformed");
	c->padi = counter(core, "pppoe_padi_total", "PADIs received");
	c->padi_rate_limited = counter(core, "pppoe_padi_rate_limited_total",
				       "PADIs not answered: rate limit");
	c->padr = counter(core, "pppoe_padr_total", "PADRs received");
	c->bad_cookie = counter(core, "pppoe_bad_cookie_total",
				"PADRs ignored: missing or wrong AC-Cookie");
	c->service_refused = counter(core, "pppoe_service_refused_total",
				     "requests answered with Service-Name-Error");
	c->limit_refused = counter(core, "pppoe_limit_refused_total",
				   "requests refused: session limits (AC-System-Error)");
	c->padt_in = counter(core, "pppoe_padt_received_total", "PADTs received");
	c->padt_out = counter(core, "pppoe_padt_sent_total", "PADTs sent");
	c->padt_spoofed = counter(core, "pppoe_padt_ignored_total",
				  "PADTs ignored: no session of that MAC");
	c->sessions = counter(core, "pppoe_sessions_total", "PPPoE sessions opened");
	c->open_failed = counter(core, "pppoe_open_failed_total",
				 "PPPoE sessions that found nobody to answer them");
	c->rx_sess = counter(core, "pppoe_session_packets_received_total",
			     "PPPoE session packets received");
	c->tx_sess = counter(core, "pppoe_session_packets_sent_total", "PPPoE session packets sent");
	c->sess_unknown = counter(core, "pppoe_session_unknown_total",
				  "session packets for no session of that MAC");
	c->too_big = counter(core, "pppoe_too_big_total",
			     "PPP frames over the session's payload not sent");
	c->client_timeouts = counter(core, "pppoe_client_timeouts_total",
				     "client discoveries that got no answer");
	c->tx_dropped = counter(core, "pppoe_session_packets_dropped_total",
				"PPPoE session packets the kernel refused to send");
	return e;
}

void pppoe_engine_free(struct pppoe_engine *e)
{
	if (!e)
		return;
	memset(e->key, 0, sizeof(e->key));
	g_free(e);
}

static void mac_count_free(gpointer p)
{
	struct pppoe_mac_count *mc = p;

	g_slist_free(mc->sessions);
	g_free(mc);
}

struct pppoe_if *pppoe_if_new(struct pppoe_engine *e, const char *name, int ifindex,
			      const uint8_t mac[6])
{
	struct pppoe_if *ifc = g_new0(struct pppoe_if, 1);

	ifc->e = e;
	ifc->name = g_strdup(name);
	ifc->ifindex = ifindex;
	memcpy(ifc->mac, mac, 6);
	ifc->eth_mtu = PPPOE_ETH_DATA_MAX;
	ifc->sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
	ifc->per_mac = g_hash_table_new_full(g_int64_hash, g_int64_equal, NULL, mac_count_free);
	ifc->pending = g_ptr_array_new();
	ifc->next_sid = 1;
	return ifc;
}

void pppoe_if_free(struct pppoe_if *ifc)
{
	GHashTableIter it;
	gpointer k, v;

	if (!ifc)
		return;
	while (ifc->pending->len)
		pppoe_session_free(g_ptr_array_index(ifc->pending, 0));
	g_hash_table_iter_init(&it, ifc->sessions);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		g_hash_table_iter_steal(&it);
		((struct pppoe_session *)v)->id = 0;
		pppoe_session_free(v);
	}
	g_hash_table_destroy(ifc->sessions);
	g_hash_table_destroy(ifc->per_mac);
	g_ptr_array_free(ifc->pending, TRUE);
	g_free(ifc->name);
	g_free(ifc);
}

unsigned pppoe_if_down(struct pppoe_if *ifc, const char *why)
{
	GPtrArray *all = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, ifc->sessions);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(all, v);
	for (guint i = 0; i < ifc->pending->len; i++)
		g_ptr_array_add(all, g_ptr_array_index(ifc->pending, i));
	/* the callback may not end other sessions of this interface (it is
	 * the carrier's own teardown), so the list stays valid */
	for (guint i = 0; i < all->len; i++) {
		struct pppoe_session *s = g_ptr_array_index(all, i);
		pppoe_session_set_state(s, PPPOE_ST_CLOSED, why);
		ifc->e->ops->session_closed(ifc->e->ctx, s, why);
		pppoe_session_free(s);
	}
	unsigned n = all->len;
	g_ptr_array_free(all, TRUE);
	return n;
}

gint64 pppoe_mac_key(const uint8_t mac[6])
{
	gint64 k = 0;

	for (int i = 0; i < 6; i++)
		k = k << 8 | mac[i];
	return k;
}

struct pppoe_session *pppoe_session_new(struct pppoe_if *ifc, enum pppoe_role role,
					const uint8_t peer[6])
{
	struct pppoe_session *s = g_new0(struct pppoe_session, 1);

	s->ifc = ifc;
	s->role = role;
	s->state = PPPOE_ST_IDLE;
	if (peer)
		memcpy(s->peer, peer, 6);
	s->mtu = PPPOE_DEFAULT_MRU;
	s->unit = ++ifc->e->next_unit;
	snprintf(s->name, sizeof(s->name), "PPPoE%u", s->unit);
	s->created_ms = vpdn_timers_now(ifc->e->tm);
	vpdn_timer_init(&s->timer, NULL, s);
	return s;
}

int pppoe_session_bind_id(struct pppoe_session *s, uint16_t id)
{
	struct pppoe_if *ifc = s->ifc;

	if (id) {
		if (g_hash_table_contains(ifc->sessions, GUINT_TO_POINTER(id)))
			return -EEXIST;
	} else {
		/* IDs 1..0xfffe (0xffff is reserved); the next free after the
		 * last one taken. The table is bounded by the limits, so a walk
		 * finds one quickly unless the interface is nearly full. */
		if (g_hash_table_size(ifc->sessions) >= 0xfffe)
			return -ENOSPC;
		for (;;) {
			id = ifc->next_sid;
			ifc->next_sid = ifc->next_sid >= 0xfffe ? 1 : ifc->next_sid + 1;
			if (!g_hash_table_contains(ifc->sessions, GUINT_TO_POINTER(id)))
				break;
		}
	}
	s->id = id;
	g_hash_table_insert(ifc->sessions, GUINT_TO_POINTER(id), s);
	ifc->n_sessions++;
	ifc->e->n_sessions++;
	gint64 k = pppoe_mac_key(s->peer);
	struct pppoe_mac_count *mc = g_hash_table_lookup(ifc->per_mac, &k);
	if (!mc) {
		mc = g_new0(struct pppoe_mac_count, 1);
		mc->mac = k;
		g_hash_table_insert(ifc->per_mac, &mc->mac, mc);
	}
	mc->n++;
	mc->sessions = g_slist_prepend(mc->sessions, s);
	s->counted_mac = true;
	return 0;
}

struct pppoe_session *pppoe_if_find(struct pppoe_if *ifc, uint16_t sid, const uint8_t mac[6])
{
	struct pppoe_session *s = g_hash_table_lookup(ifc->sessions, GUINT_TO_POINTER(sid));

	if (!s || memcmp(s->peer, mac, 6) != 0)
		return NULL;
	return s;
}

unsigned pppoe_if_mac_sessions(struct pppoe_if *ifc, const uint8_t mac[6])
{
	gint64 k = pppoe_mac_key(mac);
	struct pppoe_mac_count *mc = g_hash_table_lookup(ifc->per_mac, &k);

	return mc ? mc->n : 0;
}

GSList *pppoe_if_mac_list(struct pppoe_if *ifc, const uint8_t mac[6])
{
	gint64 k = pppoe_mac_key(mac);
	struct pppoe_mac_count *mc = g_hash_table_lookup(ifc->per_mac, &k);

	return mc ? mc->sessions : NULL;
}

void pppoe_session_set_state(struct pppoe_session *s, enum pppoe_state st, const char *why)
{
	char mac[20];

	if (s->state == st)
		return;
	vpdn_debug(s->ifc->e->log, VPDN_DEBUG_PPPOE_EVENTS,
		   "%s PPPoE %u: %s from %s to %s (%s, peer %s)", s->ifc->name, s->id, s->name,
		   pppoe_state_name(s->state), pppoe_state_name(st), why,
		   pppoe_mac_format(s->peer, mac, sizeof(mac)));
	s->state = st;
}

void pppoe_session_free(struct pppoe_session *s)
{
	struct pppoe_if *ifc = s->ifc;

	vpdn_timer_cancel(ifc->e->tm, &s->timer);
	g_ptr_array_remove_fast(ifc->pending, s);
	if (s->counted_mac) {
		if (s->id && g_hash_table_lookup(ifc->sessions, GUINT_TO_POINTER(s->id)) == s)
			g_hash_table_remove(ifc->sessions, GUINT_TO_POINTER(s->id));
		ifc->n_sessions--;
		ifc->e->n_sessions--;
		gint64 k = pppoe_mac_key(s->peer);
		struct pppoe_mac_count *mc = g_hash_table_lookup(ifc->per_mac, &k);
		if (mc) {
			mc->sessions = g_slist_remove(mc->sessions, s);
			if (--mc->n == 0)
				g_hash_table_remove(ifc->per_mac, &k);
		}
	}
	g_free(s->host_uniq);
	g_free(s->relay);
	g_free(s->cookie);
	g_free(s->service);
	g_free(s->ac_name);
	g_free(s);
}

int pppoe_send(struct pppoe_if *ifc, const uint8_t dst[6], struct pppoe_builder *b)
{
	int n = pppoe_build_end(b);

	if (n < 0) {
		vpdn_warn(ifc->e->log, "%s PPPoE: packet too long to send", ifc->name);
		return n;
	}
	if (vpdn_log_debug_on(ifc->e->log, VPDN_DEBUG_PPPOE_PACKETS)) {
		struct pppoe_disc d;
		char line[512], mac[20];
		if (pppoe_disc_decode(b->buf, (size_t)n, &d, NULL) == 0) {
			pppoe_disc_format(&d, line, sizeof(line));
			vpdn_debug(ifc->e->log, VPDN_DEBUG_PPPOE_PACKETS, "%s PPPoE: O %s to %s",
				   ifc->name, line, pppoe_mac_format(dst, mac, sizeof(mac)));
		}
	}
	(*ifc->e->c.tx_disc)++;
	return ifc->e->ops->send_disc(ifc->e->ctx, ifc, dst, b->buf, (size_t)n);
}

void pppoe_session_terminate(struct pppoe_session *s, const char *reason)
{
	if (s->state == PPPOE_ST_OPEN && s->id) {
		uint8_t buf[PPPOE_ETH_DATA_MAX];
		struct pppoe_builder b;
		pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADT, s->id);
		if (s->relay)
			pppoe_build_tag(&b, PPPOE_TAG_RELAY_SESSION_ID, s->relay, s->relay_len);
		if (s->role == PPPOE_ROLE_CLIENT && s->host_uniq)
			pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, s->host_uniq, s->host_uniq_len);
		if (reason)
			pppoe_build_tag(&b, PPPOE_TAG_GENERIC_ERROR, reason, strlen(reason));
		if (pppoe_send(s->ifc, s->peer, &b) >= 0)
			(*s->ifc->e->c.padt_out)++;
	}
	pppoe_session_set_state(s, PPPOE_ST_CLOSED, reason ? reason : "terminated");
	pppoe_session_free(s);
}

void pppoe_log_limit(struct pppoe_engine *e, const char *fmt, ...)
{
	uint64_t now = vpdn_timers_now(e->tm);
	va_list ap;

	if (e->last_limit_log_ms && now - e->last_limit_log_ms < 10000)
		return;
	e->last_limit_log_ms = now ? now : 1;
	va_start(ap, fmt);
	vpdn_log_writev(e->log, VPDN_LOG_WARNING, -1, fmt, ap);
	va_end(ap);
}

/* A PADT from the peer: only the session's own MAC ends it. */
static void padt_input(struct pppoe_if *ifc, const uint8_t src[6], const struct pppoe_disc *d)
{
	struct pppoe_session *s = pppoe_if_find(ifc, d->session_id, src);
	char mac[20];

	(*ifc->e->c.padt_in)++;
	if (!s) {
		(*ifc->e->c.padt_spoofed)++;
		vpdn_debug(ifc->e->log, VPDN_DEBUG_PPPOE_EVENTS,
			   "%s PPPoE %u: PADT from %s ignored: no session of that MAC", ifc->name,
			   d->session_id, pppoe_mac_format(src, mac, sizeof(mac)));
		return;
	}
	pppoe_session_set_state(s, PPPOE_ST_CLOSED, "PADT received");
	ifc->e->ops->session_closed(ifc->e->ctx, s, "PADT received");
	pppoe_session_free(s);
}

void pppoe_disc_input(struct pppoe_if *ifc, const uint8_t src[6], const uint8_t dst[6],
		      const uint8_t *pkt, size_t len)
{
	struct pppoe_engine *e = ifc->e;
	struct pppoe_disc d;
	const char *why;
	char mac[20], line[512];

	(*e->c.rx_disc)++;
	if (!pppoe_mac_is_unicast(src)) {
		(*e->c.malformed)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_EVENTS, "%s PPPoE: discovery from a group "
			   "address dropped", ifc->name);
		return;
	}
	if (pppoe_disc_decode(pkt, len, &d, &why) < 0) {
		(*e->c.malformed)++;
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_EVENTS, "%s PPPoE: malformed discovery packet "
			   "from %s dropped: %s", ifc->name, pppoe_mac_format(src, mac, sizeof(mac)),
			   why);
		return;
	}
	if (vpdn_log_debug_on(e->log, VPDN_DEBUG_PPPOE_PACKETS)) {
		pppoe_disc_format(&d, line, sizeof(line));
		vpdn_debug(e->log, VPDN_DEBUG_PPPOE_PACKETS, "%s PPPoE: I %s from %s", ifc->name,
			   line, pppoe_mac_format(src, mac, sizeof(mac)));
	}
	switch (d.code) {
	case PPPOE_CODE_PADI:
	case PPPOE_CODE_PADR:
		if (ifc->group)
			pppoe_server_input(ifc, src, dst, &d);
		break;
	case PPPOE_CODE_PADO:
	case PPPOE_CODE_PADS:
		if (ifc->client)
			pppoe_client_input(ifc, src, &d);
		break;
	case PPPOE_CODE_PADT:
		padt_input(ifc, src, &d);
		break;
	}
}
