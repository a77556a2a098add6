/* SPDX-License-Identifier: MIT */
/*
 * The L2TP engine: tunnels by local Tunnel ID, the demultiplexer for every
 * datagram of every local socket, and the event-bus glue (FORWARD_REQUEST
 * at the LAC, DIALOUT_REQUEST at the LNS, PPP_AUTHENTICATED for the
 * Username column).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"

static int default_random(void *buf, size_t len, void *data)
{
	return vpdn_random_bytes(buf, len);
}

static const struct {
	const char *name, *help;
} counter_defs[] = {
	{ "l2tp_malformed_total", "L2TP datagrams dropped or refused as malformed" },
	{ "l2tp_control_rx_total", "L2TP control messages received in order" },
	{ "l2tp_control_tx_total", "L2TP control datagrams sent (incl. retransmissions, ZLBs)" },
	{ "l2tp_data_rx_total", "L2TP data messages received" },
	{ "l2tp_data_tx_total", "L2TP data messages sent" },
	{ "l2tp_no_tunnel_total", "L2TP datagrams for an unknown tunnel" },
	{ "l2tp_no_session_total", "L2TP messages for an unknown session" },
	{ "l2tp_retransmits_total", "L2TP control retransmissions" },
	{ "l2tp_tunnels_up_total", "L2TP tunnels established" },
	{ "l2tp_sessions_up_total", "L2TP sessions established" },
	{ "l2tp_wen_total", "L2TP WAN-Error-Notify messages received" },
};

struct l2tp *l2tp_new(struct vpdn_core *core, struct l2tp_config *cfg, l2tp_xmit_fn xmit,
		      void *xctx)
{
	struct l2tp *l2tp = g_new0(struct l2tp, 1);
	uint64_t **slots[] = {
		&l2tp->cnt.malformed, &l2tp->cnt.ctrl_rx, &l2tp->cnt.ctrl_tx, &l2tp->cnt.data_rx,
		&l2tp->cnt.data_tx, &l2tp->cnt.no_tunnel, &l2tp->cnt.no_session,
		&l2tp->cnt.retransmits, &l2tp->cnt.tunnels_up, &l2tp->cnt.sessions_up,
		&l2tp->cnt.wen,
	};

	l2tp->core = core;
	l2tp->log = vpdn_core_log(core);
	l2tp->tm = vpdn_core_timers(core);
	l2tp->bus = vpdn_core_bus(core);
	l2tp->cfg = cfg;
	l2tp->xmit = xmit;
	l2tp->xctx = xctx;
	l2tp->random = default_random;
	l2tp->retired = g_ptr_array_new_with_free_func((GDestroyNotify)l2tp_config_free);
	l2tp->tunnels = g_hash_table_new(NULL, NULL);
	l2tp->links = g_hash_table_new(NULL, NULL);
	for (unsigned i = 0; i < G_N_ELEMENTS(slots); i++) {
		*slots[i] = vpdn_core_counter(core, counter_defs[i].name, counter_defs[i].help);
		if (!*slots[i])
			*slots[i] = &l2tp->cnt_store[i];
	}
	l2tp->sccrq_rate_limited = vpdn_core_counter(core, "l2tp_sccrq_rate_limited_total",
		"L2TP SCCRQs dropped by the per-source rate limit (sccrq-rate)");
	if (!l2tp->sccrq_rate_limited)
		l2tp->sccrq_rate_limited = &l2tp->flood_store[0];
	l2tp->sccrq_half_open_full = vpdn_core_counter(core, "l2tp_sccrq_half_open_full_total",
		"L2TP SCCRQs dropped because max-half-open tunnels were pending");
	if (!l2tp->sccrq_half_open_full)
		l2tp->sccrq_half_open_full = &l2tp->flood_store[1];
	l2tp->setup_timeouts[0] = vpdn_core_counter(core, "l2tp_tunnel_setup_timeouts_total",
		"L2TP tunnels cleared: the peer did not finish set-up within setup-timeout");
	l2tp->setup_timeouts[1] = vpdn_core_counter(core, "l2tp_session_setup_timeouts_total",
		"L2TP calls cleared (CDN 10): not set up within setup-timeout");
	for (unsigned i = 0; i < 2; i++)
		if (!l2tp->setup_timeouts[i])
			l2tp->setup_timeouts[i] = &l2tp->setup_timeout_store[i];
	l2tp->q931_refused = vpdn_core_counter(core, "l2tp_peer_q931_refused_total",
		"L2TP peers found to refuse the Q.931 Cause Code AVP in CDN (left out since)");
	if (!l2tp->q931_refused)
		l2tp->q931_refused = &l2tp->q931_store;
	l2tp->no_q931_peers = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
						    (GDestroyNotify)g_bytes_unref, NULL);
	l2tp->foreign_source = vpdn_core_counter(core, "l2tp_foreign_source_total",
		"L2TP datagrams for a tunnel dropped: not from its peer's address and port");
	if (!l2tp->foreign_source)
		l2tp->foreign_source = &l2tp->foreign_store;
	l2tp->sccrq_buckets = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
						    (GDestroyNotify)g_bytes_unref, g_free);
	l2tp->peer_hosts = g_hash_table_new(NULL, NULL);
	/* Registered up front so that a scrape shows them at 0. */
	for (int st = L2TP_TUNNEL_IDLE; st <= L2TP_TUNNEL_CLOSING; st++)
		l2tp_gauge_add(l2tp, "l2tp_tunnels", l2tp_tunnel_state_short(st), 0);
	l2tp_gauge_add(l2tp, "l2tp_sessions", "est", 0);
	return l2tp;
}

/* The counter for (family, state). State names are the static strings of
 * the *_state_short() helpers, so the last few found are cached by pointer:
 * a session's state changes cost no snprintf and no string hashing (~14%
 * of an LNS set-up's instructions before). A full cache only costs speed. */
static uint64_t *gauge_find(struct l2tp *l2tp, const char *family, const char *state)
{
	bool tunnels = g_str_equal(family, "l2tp_tunnels");
	char name[96];
	uint64_t *g;

	for (unsigned i = 0; i < l2tp->n_gauges; i++)
		if (l2tp->gauges[i].state == state && l2tp->gauges[i].tunnels == tunnels)
			return l2tp->gauges[i].value;
	snprintf(name, sizeof(name), "%s{state=\"%s\"}", family, state);
	g = vpdn_core_counter(l2tp->core, name,
			      tunnels ? "L2TP tunnels by state" : "L2TP sessions by state");
	if (g && l2tp->n_gauges < G_N_ELEMENTS(l2tp->gauges)) {
		l2tp->gauges[l2tp->n_gauges].state = state;
		l2tp->gauges[l2tp->n_gauges].tunnels = tunnels;
		l2tp->gauges[l2tp->n_gauges++].value = g;
	}
	return g;
}

void l2tp_changed(struct l2tp *l2tp, enum l2tp_object what, const void *obj)
{
	if (l2tp->changed)
		l2tp->changed(l2tp, what, obj);
}

void l2tp_set_changed_hook(struct l2tp *l2tp, l2tp_changed_fn fn)
{
	l2tp->changed = fn;
}

void l2tp_gauge_add(struct l2tp *l2tp, const char *family, const char *state, int delta)
{
	uint64_t *g;

	if (!l2tp->core)
		return;
	g = gauge_find(l2tp, family, state);
	if (!g)
		return;
	if (delta < 0 && *g < (uint64_t)-delta)
		*g = 0;
	else
		*g += delta;
}

void l2tp_free(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer v;

	if (!l2tp)
		return;
	l2tp_unsubscribe(l2tp);
	for (;;) {
		g_hash_table_iter_init(&it, l2tp->tunnels);
		if (!g_hash_table_iter_next(&it, NULL, &v))
			break;
		l2tp_tunnel_free(v);
	}
	/* After the sessions (which orphan their dials): nothing refers to
	 * a dial any more. */
	l2tp_sessions_stop(l2tp);
	g_hash_table_destroy(l2tp->tunnels);
	g_free(l2tp->tid_bits);
	g_hash_table_destroy(l2tp->links);
	if (l2tp->module_slot)
		sd_bus_slot_unref(l2tp->module_slot);
	if (l2tp->capture)
		l2tp_capture_stop(l2tp, NULL);
	l2tp_config_free(l2tp->cfg);
	if (l2tp->sccrq_buckets)
		g_hash_table_destroy(l2tp->sccrq_buckets);
	if (l2tp->no_q931_peers)
		g_hash_table_destroy(l2tp->no_q931_peers);
	if (l2tp->peer_hosts)
		g_hash_table_destroy(l2tp->peer_hosts);
	if (l2tp->retired)
		g_ptr_array_free(l2tp->retired, TRUE);
	g_free(l2tp);
}

void l2tp_shutdown(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer v;

	/* Tell every peer (StopCCN 6) while the transport still exists; the
	 * tunnels are freed right after, without waiting for the acks. */
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (t->state != L2TP_TUNNEL_CLOSING && t->state != L2TP_TUNNEL_IDLE)
			l2tp_tunnel_stop(t, L2TP_STOPCCN_SHUTTING_DOWN, 0, "Shutting down");
	}
}

/* ------------------------------------------------------------------ */
/* Reload                                                             */

static bool str_same(const char *a, const char *b)
{
	return g_strcmp0(a, b) == 0;
}

/* Does a tunnel of group a keep working unchanged under group b? */
static bool group_same_tunnel(const struct l2tp_group *a, const struct l2tp_group *b)
{
	if (!str_same(a->password, b->password) || !str_same(a->local_name, b->local_name) ||
	    !str_same(a->terminate_from, b->terminate_from) || a->hidden != b->hidden ||
	    a->tunnel_auth != b->tunnel_auth || a->has_source != b->has_source ||
	    a->n_initiate != b->n_initiate)
		return false;
	if (a->has_source && !l2tp_addr_same_host(&a->source, &b->source))
		return false;
	for (unsigned i = 0; i < a->n_initiate; i++)
		if (memcmp(&a->initiate_to[i].addr, &b->initiate_to[i].addr,
			   sizeof(a->initiate_to[i].addr)) != 0)
			return false;
	return true;
}

static bool config_in_use(struct l2tp *l2tp, struct l2tp_config *c)
{
	GHashTableIter it;
	gpointer v;

	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		for (unsigned i = 0; t->group && i < c->groups->len; i++)
			if (c->groups->pdata[i] == t->group)
				return true;
	}
	return false;
}

int l2tp_reconfigure(struct l2tp *l2tp, struct l2tp_config *nc, char **error)
{
	struct l2tp_config *old = l2tp->cfg;
	GHashTableIter it;
	gpointer v;
	unsigned moved = 0, kept = 0;

	*error = NULL;
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;
		struct l2tp_group *ng;
		unsigned n;

		if (!t->group)
			continue;
		ng = l2tp_config_group(nc, t->group->name);
		if (!ng || !group_same_tunnel(t->group, ng)) {
			kept++;
			continue;
		}
		n = g_hash_table_size(t->sessions);
		t->group->sessions = t->group->sessions > n ? t->group->sessions - n : 0;
		ng->sessions += n;
		t->group = ng;
		moved++;
	}
	l2tp->cfg = nc;
	g_ptr_array_add(l2tp->retired, old);
	/* Free the configs no tunnel refers to any more. */
	for (guint i = 0; i < l2tp->retired->len;) {
		if (config_in_use(l2tp, l2tp->retired->pdata[i]))
			i++;
		else
			g_ptr_array_remove_index(l2tp->retired, i);
	}
	vpdn_info(l2tp->log, "L2TP: configuration reloaded: %u vpdn-group%s, %u tunnel%s on the new "
		  "groups, %u on their old settings", nc->groups->len,
		  nc->groups->len == 1 ? "" : "s", moved, moved == 1 ? "" : "s", kept);
	return 0;
}

static bool id_taken(GHashTable *used, const uint64_t *bits, uint16_t id)
{
	if (bits)
		return bits[id / 64] >> (id % 64) & 1;
	return g_hash_table_contains(used, GUINT_TO_POINTER(id));
}

uint16_t l2tp_alloc_id(struct l2tp *l2tp, GHashTable *used, uint64_t **bits)
{
	uint16_t id = 0;

	if (g_hash_table_size(used) >= L2TP_MAX_IDS)
		return 0;
	if (!*bits && g_hash_table_size(used) >= L2TP_ID_BITS_AT) {
		GHashTableIter it;
		gpointer k;

		*bits = g_new0(uint64_t, 65536 / 64);
		g_hash_table_iter_init(&it, used);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			uint16_t x = (uint16_t)GPOINTER_TO_UINT(k);

			(*bits)[x / 64] |= (uint64_t)1 << (x % 64);
		}
	}
	/* Random probes first; when the table is so full that they keep
	 * missing, walk from a random start: always terminates. Past half
	 * full, one probe and the walk (a bit test per ID once the bitmap is
	 * there): at 60 000 sessions on a tunnel the probes took a dozen
	 * random draws and lookups per session. */
	unsigned probes = g_hash_table_size(used) < L2TP_MAX_IDS / 2 ? 64 : 1;
	for (unsigned tries = 0; tries < probes; tries++) {
		if (l2tp->random(&id, sizeof(id), l2tp->random_data) < 0)
			id = (uint16_t)g_random_int();
		if (id && !id_taken(used, *bits, id))
			return id;
	}
	for (unsigned i = 0; i < 65536; i++, id++)
		if (id && !id_taken(used, *bits, id))
			return id;
	return 0;
}

void l2tp_id_insert(GHashTable *used, uint64_t **bits, uint16_t id, gpointer value)
{
	g_hash_table_insert(used, GUINT_TO_POINTER(id), value);
	if (*bits)
		(*bits)[id / 64] |= (uint64_t)1 << (id % 64);
}

void l2tp_id_remove(GHashTable *used, uint64_t **bits, uint16_t id)
{
	g_hash_table_remove(used, GUINT_TO_POINTER(id));
	if (*bits)
		(*bits)[id / 64] &= ~((uint64_t)1 << (id % 64));
}

/* ------------------------------------------------------------------ */
/* Peers that refuse the Q.931 Cause Code AVP (issue #22)             */

#define L2TP_MAX_NO_Q931_PEERS 4096

static GBytes *host_key(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return g_bytes_new(&((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	return g_bytes_new(&((const struct sockaddr_in *)ss)->sin_addr, 4);
}

bool l2tp_tunnel_q931_ok(const struct l2tp_tunnel *t)
{
	GBytes *key;
	bool known;

	if (t->group && !t->group->cdn_q931_cause)
		return false;
	if (g_hash_table_size(t->l2tp->no_q931_peers) == 0)
		return true;
	key = host_key(&t->peer);
	known = g_hash_table_contains(t->l2tp->no_q931_peers, key);
	g_bytes_unref(key);
	return !known;
}

int l2tp_text_names_avp(const struct l2tp_bytes *msg, unsigned type)
{
	int named = -1;

	for (size_t i = 0; msg->ptr && i + 1 < msg->len; i++) {
		const uint8_t *p = msg->ptr + i;
		size_t left = msg->len - i, j = 0;
		unsigned long v = 0;
		bool hex = false;
		unsigned digits = 0;

		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			hex = true;
			j = 2;
		} else if (left >= 3 && g_ascii_strncasecmp((const char *)p, "avp", 3) == 0) {
			j = 3;
			while (j < left && (p[j] == ' ' || p[j] == '#' || p[j] == ':'))
				j++;
			if (left - j >= 5 && g_ascii_strncasecmp((const char *)p + j, "type ", 5) == 0)
				j += 5;
			if (left - j >= 2 && p[j] == '0' && (p[j + 1] == 'x' || p[j + 1] == 'X')) {
				hex = true;
				j += 2;
			}
		} else {
			continue;
		}
		for (; j < left && digits < 6; j++, digits++) {
			int d = hex ? g_ascii_xdigit_value(p[j]) : g_ascii_digit_value(p[j]);

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned)d;
		}
		if (!digits)
			continue;
		if (v == type)
			return 1;
		named = 0;
		i += j - 1;
	}
	return named;
}

bool l2tp_q931_learn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp *l2tp = t->l2tp;
	char addr[64], name[64], text[96];
	int named;
	GBytes *key;

	if (!t->cdn_q931_sent || m->result.result != L2TP_STOPCCN_GENERAL_ERROR ||
	    !m->result.has_error || m->result.error != L2TP_ERR_UNKNOWN_MANDATORY_AVP)
		return false;
	/* Naming AVP 12, or naming none right after our CDN carried it. */
	named = l2tp_text_names_avp(&m->result.message, L2TP_AVP_Q931_CAUSE);
	if (named == 0)
		return false;
	if (g_hash_table_size(l2tp->no_q931_peers) >= L2TP_MAX_NO_Q931_PEERS)
		return false;
	key = host_key(&t->peer);
	if (g_hash_table_contains(l2tp->no_q931_peers, key)) {
		g_bytes_unref(key);
		return false;
	}
	g_hash_table_add(l2tp->no_q931_peers, key);
	(*l2tp->q931_refused)++;
	l2tp_addr_text(&t->peer, addr, sizeof(addr));
	vpdn_log_printable(name, sizeof(name), t->peer_name ? t->peer_name : "peer",
			   t->peer_name ? strlen(t->peer_name) : 4, 0);
	vpdn_log_printable(text, sizeof(text), m->result.message.ptr, m->result.message.len, 0);
	vpdn_notice(l2tp->log, "L2TP: peer %s (%s) refused the Q.931 Cause Code AVP in our CDN "
		    "(StopCCN 2/8 \"%s\"): CDNs to it leave the AVP out from now on "
		    "(cdn-q931-cause = false avoids the first loss)", addr, name, text);
	return true;
}

uint64_t l2tp_setup_timeout_ms(const struct l2tp_tunnel *t)
{
	return (uint64_t)(t->group ? t->group->setup_timeout_s : L2TP_DEFAULT_SETUP_TIMEOUT) * 1000;
}

struct l2tp_tunnel *l2tp_tunnel_get(struct l2tp *l2tp, uint16_t tid)
{
	return tid ? g_hash_table_lookup(l2tp->tunnels, GUINT_TO_POINTER(tid)) : NULL;
}

void l2tp_addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, size))
		g_strlcpy(buf, "?", size);
}

uint16_t l2tp_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

bool l2tp_addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

bool l2tp_addr_same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return l2tp_addr_same_host(a, b) && l2tp_addr_port(a) == l2tp_addr_port(b);
}

bool l2tp_addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
}

bool l2tp_tunnel_source_ok(struct l2tp_tunnel *t, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *src, const char *what)
{
	char a[64], b[64];

	if (l2tp_addr_same_endpoint(&t->peer, src) &&
	    (!local || l2tp_addr_is_any(local) || l2tp_addr_is_any(&t->local) ||
	     l2tp_addr_same_host(&t->local, local)))
		return true;
	(*t->l2tp->foreign_source)++;
	if (vpdn_log_debug_on(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS)) {
		l2tp_addr_text(src, a, sizeof(a));
		l2tp_addr_text(&t->peer, b, sizeof(b));
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: %s message from %s port %u dropped: the peer is %s "
			   "port %u", t->tid, what, a, l2tp_addr_port(src), b,
			   l2tp_addr_port(&t->peer));
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Flood limits                                                       */

struct l2tp_bucket {
	uint64_t last_ms;
	double tokens;
};

#define L2TP_MAX_BUCKETS 4096

static void flood_log(struct l2tp *l2tp, const struct sockaddr_storage *peer, const char *why)
{
	uint64_t now = vpdn_timers_now(l2tp->tm);
	char text[64];

	/* One line a second at most: a flood must not flood the log. */
	if (l2tp->flood_logged_ms && now - l2tp->flood_logged_ms < 1000)
		return;
	l2tp->flood_logged_ms = now;
	l2tp_addr_text(peer, text, sizeof(text));
	vpdn_warn(l2tp->log, "L2TP: SCCRQ from %s port %u dropped: %s (%" G_GUINT64_FORMAT
		  " rate-limited, %" G_GUINT64_FORMAT " half-open refusals so far)",
		  text, l2tp_addr_port(peer), why, *l2tp->sccrq_rate_limited,
		  *l2tp->sccrq_half_open_full);
}

static bool rate_ok(struct l2tp *l2tp, const struct sockaddr_storage *peer)
{
	unsigned rate = l2tp->cfg->sccrq_rate;
	uint64_t now = vpdn_timers_now(l2tp->tm);
	struct l2tp_bucket *b;
	GBytes *key;

	if (!rate)
		return true;
	if (peer->ss_family == AF_INET6)
		key = g_bytes_new(&((const struct sockaddr_in6 *)peer)->sin6_addr, 16);
	else
		key = g_bytes_new(&((const struct sockaddr_in *)peer)->sin_addr, 4);
	b = g_hash_table_lookup(l2tp->sccrq_buckets, key);
	if (!b) {
		/* Bounded memory: many sources at once start afresh. */
		if (g_hash_table_size(l2tp->sccrq_buckets) >= L2TP_MAX_BUCKETS)
			g_hash_table_remove_all(l2tp->sccrq_buckets);
		b = g_new0(struct l2tp_bucket, 1);
		b->tokens = rate;
		b->last_ms = now;
		g_hash_table_insert(l2tp->sccrq_buckets, key, b);
	} else {
		g_bytes_unref(key);
		b->tokens += (double)(now - b->last_ms) * rate / 1000.0;
		if (b->tokens > rate)
			b->tokens = rate;
		b->last_ms = now;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static unsigned half_open(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (!t->initiator && t->state != L2TP_TUNNEL_ESTABLISHED && !t->up_published)
			n++;
	}
	return n;
}

bool l2tp_sccrq_admit(struct l2tp *l2tp, const struct sockaddr_storage *peer)
{
	if (!rate_ok(l2tp, peer)) {
		(*l2tp->sccrq_rate_limited)++;
		flood_log(l2tp, peer, "rate limit (sccrq-rate) reached for this source");
		return false;
	}
	if (half_open(l2tp) >= l2tp->cfg->max_half_open) {
		(*l2tp->sccrq_half_open_full)++;
		flood_log(l2tp, peer, "too many half-open tunnels (max-half-open)");
		return false;
	}
	return true;
}

/* ------------------------------------------------------------------ */
/* Demultiplexer                                                      */

/* An SCCRQ with Tunnel ID 0: a new tunnel, or a retransmission of one we
 * already answered (our SCCRP's ack was lost). Hidden AVPs need the
 * secret of a group we do not know yet: try each group's. */
static void sccrq_input(struct l2tp *l2tp, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const struct l2tp_header *h,
			const uint8_t *buf, size_t len)
{
	struct l2tp_decode_ctx dc;
	struct l2tp_header hh;
	struct l2tp_msg m;
	GHashTableIter it;
	gpointer v;
	int r;

	l2tp_decode_ctx_init(&dc, NULL, 0);
	r = l2tp_datagram_decode(buf, len, &hh, &m, &dc);
	for (unsigned i = 0; (r == -ENOKEY || r == -EBADMSG) && i < l2tp->cfg->groups->len; i++) {
		struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

		if (!g->password)
			continue;
		l2tp_decode_ctx_init(&dc, g->password, strlen(g->password));
		r = l2tp_datagram_decode(buf, len, &hh, &m, &dc);
	}
	if (r == 0 && m.message_type == L2TP_MSG_STOPCCN &&
	    l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID)) {
		/* A peer that could not read our Assigned Tunnel ID (e.g. it
		 * failed to unhide it) stops with Tunnel ID 0: find the tunnel
		 * by its address and its own ID. */
		g_hash_table_iter_init(&it, l2tp->tunnels);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			struct l2tp_tunnel *t = v;

			if (t->peer_tid == m.assigned_tunnel_id &&
			    l2tp_addr_same_host(&t->peer, peer)) {
				l2tp_tunnel_input(t, local, peer, h, buf, len);
				return;
			}
		}
	}
	if (r < 0 || m.message_type != L2TP_MSG_SCCRQ ||
	    !l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID) || !l2tp_msg_has(&m, L2TP_AVP_HOST_NAME)) {
		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Bad message for tunnel 0 (%s) dropped",
			   r < 0 ? (dc.err.what ? dc.err.what : g_strerror(-r)) :
				   l2tp_msg_type_name(m.message_type));
		return;
	}
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (!t->initiator && t->peer_tid == m.assigned_tunnel_id &&
		    l2tp_addr_same_endpoint(&t->peer, peer)) {
			/* Retransmitted SCCRQ: acked again, not processed. */
			l2tp_ctrl_input(&t->ctrl, h->ns, h->nr, false, buf, len);
			return;
		}
	}
	if (!l2tp_sccrq_admit(l2tp, peer))
		return;
	l2tp_tunnel_accept(l2tp, local, peer, h, &m, buf, len);
}

void l2tp_input(struct l2tp *l2tp, const struct sockaddr_storage *local,
		const struct sockaddr_storage *peer, const uint8_t *buf, size_t len)
{
	struct l2tp_header h;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	int r;

	r = l2tp_header_decode(buf, len, &h);
	if (r == -EPROTONOSUPPORT)
		return; /* L2F: silently */
	if (r < 0) {
		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Malformed datagram of %zu octets dropped (%s)", len,
			   r == -EPROTO ? "unsupported version" : "bad header");
		return;
	}
	if (!l2tp_header_is_control(&h)) {
		(*l2tp->cnt.data_rx)++;
		t = l2tp_tunnel_get(l2tp, h.tunnel_id);
		if (!t || t->state != L2TP_TUNNEL_ESTABLISHED) {
			(*l2tp->cnt.no_tunnel)++;
			return;
		}
		/* Only the peer may speak for its sessions: a datagram from
		 * anyone else with a guessed tunnel and session ID (an LCP
		 * Terminate-Request, say) must not reach the session. */
		if (!l2tp_tunnel_source_ok(t, local, peer, "Data"))
			return;
		s = l2tp_session_get(t, h.session_id);
		if (!s) {
			(*l2tp->cnt.no_session)++;
			return;
		}
		/* Data counts as life for the HELLO timer; re-arm lazily, looked
		 * at once per tunnel and received batch (the batch takes
		 * microseconds; a clock read per packet was 1% of the data path). */
		if (t->ctrl.cfg.hello_ms && (!l2tp->rx_batch || t->hello_batch != l2tp->rx_batch)) {
			t->hello_batch = l2tp->rx_batch;
			if (vpdn_timer_remaining(l2tp->tm, &t->ctrl.hello_timer) <
			    t->ctrl.cfg.hello_ms / 2)
				l2tp_ctrl_touch(&t->ctrl);
		}
		l2tp_session_data(s, &h, buf + h.hdr_len, h.payload_len);
		return;
	}
	if (h.tunnel_id == 0) {
		if (l2tp_header_is_zlb(&h))
			return;
		sccrq_input(l2tp, local, peer, &h, buf, len);
		return;
	}
	t = l2tp_tunnel_get(l2tp, h.tunnel_id);
	if (!t) {
		(*l2tp->cnt.no_tunnel)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Control message for unknown tunnel %u dropped", h.tunnel_id);
		return;
	}
	l2tp_tunnel_input(t, local, peer, &h, buf, len);
}

/* ------------------------------------------------------------------ */
/* Tunnel selection                                                   */

/* The initiate-to entry a tunnel of g goes to, or -1. Matched by host
 * (the responder may answer from another port; a reload may reorder the
 * list). */
static int entry_of(const struct l2tp_group *g, const struct l2tp_tunnel *t)
{
	if (t->initiator && t->addr_index < g->n_initiate &&
	    l2tp_addr_same_host(&t->peer, &g->initiate_to[t->addr_index].addr))
		return t->addr_index;
	for (unsigned i = 0; i < g->n_initiate; i++)
		if (l2tp_addr_same_host(&t->peer, &g->initiate_to[i].addr))
			return (int)i;
	return -1;
}

unsigned l2tp_group_entry_sessions(struct l2tp *l2tp, const struct l2tp_group *g, unsigned idx)
{
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (t->group == g && l2tp_tunnel_usable(t) && entry_of(g, t) == (int)idx)
			n += g_hash_table_size(t->sessions);
	}
	return n;
}

struct l2tp_tunnel *l2tp_tunnel_for_group(struct l2tp *l2tp, struct l2tp_group *g,
					  bool need_bearer, const char *ifname, uint32_t tried,
					  int *err)
{
	struct l2tp_tunnel *tun[L2TP_MAX_INITIATE] = { NULL }, *other = NULL;
	unsigned load[L2TP_MAX_INITIATE] = { 0 };
	uint64_t now = vpdn_timers_now(l2tp->tm);
	const char *who = ifname ? ifname : "";
	GHashTableIter it;
	gpointer v;
	int best = -1, dead = -1;
	bool full = false;

	*err = -EHOSTUNREACH;
	/* One walk of the tunnels: each entry's load and its tunnel (an
	 * established one first, else one coming up). */
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;
		int i;

		if (t->group != g || !l2tp_tunnel_usable(t))
			continue;
		i = entry_of(g, t);
		if (i >= 0)
			load[i] += g_hash_table_size(t->sessions);
		if (t->state == L2TP_TUNNEL_ESTABLISHED && need_bearer && !t->peer_bearer)
			continue;
		if (t->state != L2TP_TUNNEL_ESTABLISHED && t->state != L2TP_TUNNEL_WAIT_CTL_REPLY &&
		    t->state != L2TP_TUNNEL_WAIT_CTL_CONN)
			continue;
		if (i < 0) {
			/* A tunnel the peer opened from an address we do not
			 * initiate to: used only by a group without initiate-to. */
			if (!other || t->state == L2TP_TUNNEL_ESTABLISHED)
				other = t;
			continue;
		}
		if (!tun[i] || t->state == L2TP_TUNNEL_ESTABLISHED)
			tun[i] = t;
	}
	if (g->n_initiate == 0)
		return other;
	/* Best priority level with a live entry below its limit; there the
	 * fewest sessions (entries are sorted by priority, then config
	 * order, so a tie goes to the first). */
	for (unsigned i = 0; i < g->n_initiate; i++) {
		const struct l2tp_peer_addr *e = &g->initiate_to[i];

		if (tried & (1u << i))
			continue;
		if (best >= 0 && e->priority != g->initiate_to[best].priority)
			break;
		if (e->limit && load[i] >= e->limit) {
			full = true;
			continue;
		}
		if (e->dead_until_ms > now) {
			if (dead < 0 || e->dead_until_ms < g->initiate_to[dead].dead_until_ms)
				dead = i;
			continue;
		}
		if (best < 0 || load[i] < load[best])
			best = i;
	}
	if (best < 0 && dead >= 0) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "%s VPDN/%s: every initiate-to address is dead, trying %s anyway", who,
			   g->name, g->initiate_to[dead].text);
		best = dead;
	}
	if (best < 0) {
		*err = full ? -EAGAIN : -EHOSTUNREACH;
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "%s VPDN/%s: no initiate-to address usable%s", who, g->name,
			   full ? ": every one is at its session limit" : "");
		return NULL;
	}
	if (vpdn_log_debug_on(l2tp->log, VPDN_DEBUG_VPDN_EVENTS))
		for (unsigned i = 0; i < g->n_initiate; i++)
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
				   "%s VPDN/%s: curlvl %d Address %u: %s, priority %d, %u sessions%s%s",
				   who, g->name, g->initiate_to[best].priority, i,
				   g->initiate_to[i].text, g->initiate_to[i].priority,
				   load[i], g->initiate_to[i].dead_until_ms > now ? ", dead" : "",
				   (int)i == best ? ", selected" : "");
	if (tun[best])
		return tun[best];
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/%s: Select non-active address %s, priority %d",
		   who, g->name, g->initiate_to[best].text, g->initiate_to[best].priority);
	return l2tp_tunnel_initiate(l2tp, g, best, tried);
}

/* ------------------------------------------------------------------ */
/* Events                                                             */

static bool in_list(char **list, const char *s)
{
	if (!s)
		return false;
	for (; list && *list; list++)
		if (g_ascii_strcasecmp(*list, s) == 0)
			return true;
	return false;
}

static struct l2tp_group *group_for_forward(struct l2tp *l2tp, const struct vpdn_ev_forward *f)
{
	const char *who = f->interface ? f->interface : "";

	for (unsigned k = 0; k < 2 && l2tp->cfg->search[k]; k++) {
		bool dnis = l2tp->cfg->search[k] == L2TP_SEARCH_DNIS;
		const char *key = dnis ? (f->dnis ? f->dnis : f->called) : f->domain;

		if (!key)
			continue;
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Looking for tunnel -- %s --",
			   who, key);
		for (unsigned i = 0; i < l2tp->cfg->groups->len; i++) {
			struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

			if (g->request_dialin && in_list(dnis ? g->dnis : g->domains, key)) {
				vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
					   "%s VPDN/LAC/%s: Got tunnel info for %s", who, g->name, key);
				return g;
			}
		}
	}
	return NULL;
}

static enum vpdn_bus_verdict on_forward(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_forward *f = ev->payload;
	const char *who = f->interface ? f->interface : "";
	struct vpdn_request *req;
	struct l2tp_group *g;
	int r;

	if (!l2tp->cfg->enable || !ev->request)
		return VPDN_BUS_PASS;
	g = group_for_forward(l2tp, f);
	if (!g)
		return VPDN_BUS_PASS;
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: LAC %s", who, g->name,
		   g->local_name ? g->local_name : vpdn_core_hostname(l2tp->core));
	if (g->has_source)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: source-ip %s", who,
			   g->name, g->source_text);
	if (g->password)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
			   "%s VPDN/LAC/%s: l2tp-tunnel-password " VPDN_SECRET_MASK, who, g->name);
	for (unsigned i = 0; i < g->n_initiate; i++)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: IP %s", who, g->name,
			   g->initiate_to[i].text);
	req = vpdn_event_take_request(ev);
	r = l2tp_session_start(l2tp, L2TP_SESSION_LAC_IC, g, f, req);
	if (r < 0) {
		if (vpdn_log_debug_on(l2tp->log, VPDN_DEBUG_VPDN_ERRORS)) {
			char user[72];

			vpdn_log_printable(user, sizeof(user), f->user ? f->user : "?",
					   f->user ? strlen(f->user) : 1, 64);
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
				   "%s VPDN/%s: Cannot forward %s: %s", who, g->name, user,
				   g_strerror(-r));
		}
		vpdn_request_complete(req, r, NULL);
		return VPDN_BUS_CLAIM;
	}
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Pending", who);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_dialout(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_dialout *d = ev->payload;
	struct vpdn_request *req;
	struct l2tp_group *g = NULL;
	int r;

	if (!l2tp->cfg->enable || !ev->request)
		return VPDN_BUS_PASS;
	for (unsigned i = 0; i < l2tp->cfg->groups->len && !g; i++) {
		struct l2tp_group *x = l2tp->cfg->groups->pdata[i];

		if (x->request_dialout && x->pool_member == (int)d->pool)
			g = x;
	}
	if (!g)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	r = l2tp_session_start(l2tp, L2TP_SESSION_LNS_OC, g, d, req);
	if (r < 0) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS, "VPDN/%s: Cannot dial out to %s: %s",
			   g->name, d->number ? d->number : "?", g_strerror(-r));
		vpdn_request_complete(req, r, NULL);
	}
	return VPDN_BUS_CLAIM;
}

/* PPP names the interface it runs on ("Vi1") in every phase change; a
 * session learns it there, dial-outs included (the LNS does not
 * authenticate a callout, so no PPP_AUTHENTICATED names it). */
static enum vpdn_bus_verdict on_ppp_phase(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || !p->interface)
		return VPDN_BUS_PASS;
	s = g_hash_table_lookup(l2tp->links, p->link);
	if (s && !s->ifname) {
		s->ifname = g_strdup(p->interface);
		l2tp_changed(l2tp, L2TP_OBJECT_SESSION, s);
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_authenticated(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || !p->user)
		return VPDN_BUS_PASS;
	s = g_hash_table_lookup(l2tp->links, p->link);
	if (s) {
		g_free(s->user);
		s->user = g_strdup(p->user);
		if (p->interface && !s->ifname)
			s->ifname = g_strdup(p->interface);
		l2tp_changed(l2tp, L2TP_OBJECT_SESSION, s);
	}
	return VPDN_BUS_PASS;
}

/* PPP on a session's link ended: keep its reason for the CDN that the
 * link's hang-up (which follows) sends. */
static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || p->size < offsetof(struct vpdn_ev_ppp, disconnect_message) +
				  sizeof(p->disconnect_message) || !p->disconnect_known)
		return VPDN_BUS_PASS;
	s = g_hash_table_lookup(l2tp->links, p->link);
	if (!s)
		return VPDN_BUS_PASS;
	s->ppp_disc = true;
	s->ppp_disc_code = p->disconnect_code;
	s->ppp_disc_proto = p->disconnect_protocol;
	s->ppp_disc_dir = p->disconnect_direction;
	g_free(s->ppp_disc_msg);
	s->ppp_disc_msg = p->disconnect_message ? g_strndup(p->disconnect_message, 200) : NULL;
	return VPDN_BUS_PASS;
}

void l2tp_peer_host_add(struct l2tp *l2tp, const struct sockaddr_storage *peer, int delta)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)peer;
	gpointer k;
	guint n;

	if (!l2tp->peer_hosts || peer->ss_family != AF_INET)
		return;
	k = GUINT_TO_POINTER(sin->sin_addr.s_addr);
	n = GPOINTER_TO_UINT(g_hash_table_lookup(l2tp->peer_hosts, k));
	if (delta > 0)
		g_hash_table_insert(l2tp->peer_hosts, k, GUINT_TO_POINTER(n + 1));
	else if (n > 1)
		g_hash_table_insert(l2tp->peer_hosts, k, GUINT_TO_POINTER(n - 1));
	else
		g_hash_table_remove(l2tp->peer_hosts, k);
}

static bool same_v4(const struct sockaddr_storage *ss, struct in_addr a)
{
	return ss->ss_family == AF_INET &&
	       ((const struct sockaddr_in *)ss)->sin_addr.s_addr == a.s_addr;
}

/* A PPP peer given the address of a tunnel endpoint would have the
 * tunnel routed into its session: every session of that tunnel dies.
 * Live tunnels by a hash; the config's addresses (few) by a walk. */
const char *l2tp_address_refusal(struct l2tp *l2tp, struct in_addr a, char *holder,
				 size_t size)
{
	char txt[INET_ADDRSTRLEN];

	if (g_hash_table_contains(l2tp->peer_hosts, GUINT_TO_POINTER(a.s_addr))) {
		snprintf(holder, size, "an L2TP tunnel peer");
		return "a tunnel endpoint";
	}
	if (!l2tp->cfg)
		return NULL;
	inet_ntop(AF_INET, &a, txt, sizeof(txt));
	for (char **l = l2tp->cfg->listen; l && *l; l++)
		if (!strcmp(*l, txt)) {
			snprintf(holder, size, "l2tp listen");
			return "a tunnel endpoint";
		}
	for (guint i = 0; l2tp->cfg->groups && i < l2tp->cfg->groups->len; i++) {
		const struct l2tp_group *g = g_ptr_array_index(l2tp->cfg->groups, i);
		bool hit = g->has_source && same_v4(&g->source, a);
		for (unsigned j = 0; j < g->n_initiate && !hit; j++)
			hit = same_v4(&g->initiate_to[j].addr, a);
		if (hit) {
			snprintf(holder, size, "vpdn-group %s", g->name);
			return "a tunnel endpoint";
		}
	}
	return NULL;
}

static enum vpdn_bus_verdict on_address_check(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_address_check *q = ev->payload;
	struct vpdn_ev_address_refusal r = { .size = sizeof(r) };
	struct vpdn_request *req;
	char holder[80];

	if (!ev->request || !q || q->size < offsetof(struct vpdn_ev_address_check, address) +
					   sizeof(q->address))
		return VPDN_BUS_PASS;
	r.reason = l2tp_address_refusal(l2tp, q->address, holder, sizeof(holder));
	if (!r.reason || !(req = vpdn_event_take_request(ev)))
		return VPDN_BUS_PASS;
	r.holder = holder;
	vpdn_request_complete(req, -EADDRNOTAVAIL, &r);
	return VPDN_BUS_CLAIM;
}

int l2tp_subscribe(struct l2tp *l2tp)
{
	l2tp->subs[0] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_FORWARD_REQUEST, on_forward, l2tp);
	l2tp->subs[1] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_DIALOUT_REQUEST, on_dialout, l2tp);
	l2tp->subs[2] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_AUTHENTICATED, on_authenticated,
					   l2tp);
	l2tp->subs[3] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_PHASE, on_ppp_phase, l2tp);
	l2tp->subs[4] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_DOWN, on_ppp_down, l2tp);
	l2tp->subs[5] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_ADDRESS_CHECK, on_address_check,
					   l2tp);
	if (!l2tp->subs[0] || !l2tp->subs[1] || !l2tp->subs[2] || !l2tp->subs[3] ||
	    !l2tp->subs[4] || !l2tp->subs[5])
		return -ENOMEM;
	return 0;
}

void l2tp_unsubscribe(struct l2tp *l2tp)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(l2tp->subs); i++) {
		if (l2tp->subs[i])
			vpdn_bus_unsubscribe(l2tp->bus, l2tp->subs[i]);
		l2tp->subs[i] = NULL;
	}
}
