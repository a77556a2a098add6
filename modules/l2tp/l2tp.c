/* SPDX-License-Identifier: MIT */
/*
 * The L2TP engine, one per node: its life (counters, gauges, StopCCN to
 * every peer at shutdown), the table of tunnels by local Tunnel ID, the
 * drawing of free tunnel and session IDs, reload, and the one hook
 * through which tunnels and sessions tell their view that they changed.
 * Around it: demux.c (datagrams in, flood control), peers.c (addresses,
 * Q.931 refusers, tunnel endpoints), tunnel-select.c (load sharing),
 * l2tp-events.c (the event-bus glue), l2tp-bus.c (D-Bus).
 */
#include <errno.h>
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
	l2tp->authz_pending = g_hash_table_new(NULL, NULL);
	l2tp->authz_groups = g_ptr_array_new_with_free_func((GDestroyNotify)l2tp_group_free);
	l2tp->authz_cnt[0] = vpdn_core_counter(core, "l2tp_authorize_used_total",
		"LAC: TUNNEL_AUTHORIZE answers (RADIUS Tunnel-*) a call was forwarded by");
	l2tp->authz_cnt[1] = vpdn_core_counter(core, "l2tp_authorize_refused_total",
		"LAC: TUNNEL_AUTHORIZE answers not usable (no endpoint, too many groups)");
	for (unsigned i = 0; i < 2; i++)
		if (!l2tp->authz_cnt[i])
			l2tp->authz_cnt[i] = &l2tp->authz_store[i];
	l2tp->tunnels = g_hash_table_new(NULL, NULL);
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
		l2tp_gauge_add(l2tp, "l2tp_tunnels", NULL, l2tp_tunnel_state_short(st), 0);
	l2tp_gauge_add(l2tp, "l2tp_sessions", "lac", "est", 0);
	l2tp_gauge_add(l2tp, "l2tp_sessions", "lns", "est", 0);
	return l2tp;
}

/* The counter for (family, state). State names are the static strings of
 * the *_state_short() helpers, so the last few found are cached by pointer:
 * a session's state changes cost no snprintf and no string hashing (~14%
 * of an LNS set-up's instructions before). A full cache only costs speed. */
static uint64_t *gauge_find(struct l2tp *l2tp, const char *family, const char *role,
			    const char *state)
{
	bool tunnels = g_str_equal(family, "l2tp_tunnels");
	char name[96];
	uint64_t *g;

	for (unsigned i = 0; i < l2tp->n_gauges; i++)
		if (l2tp->gauges[i].state == state && l2tp->gauges[i].role == role &&
		    l2tp->gauges[i].tunnels == tunnels)
			return l2tp->gauges[i].value;
	if (role)
		snprintf(name, sizeof(name), "%s{role=\"%s\",state=\"%s\"}", family, role, state);
	else
		snprintf(name, sizeof(name), "%s{state=\"%s\"}", family, state);
	g = vpdn_core_counter(l2tp->core, name,
			      tunnels ? "L2TP tunnels by state" : "L2TP sessions by side (LAC, LNS) and state");
	if (g && l2tp->n_gauges < G_N_ELEMENTS(l2tp->gauges)) {
		l2tp->gauges[l2tp->n_gauges].state = state;
		l2tp->gauges[l2tp->n_gauges].role = role;
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

void l2tp_gauge_add(struct l2tp *l2tp, const char *family, const char *role, const char *state,
		    int delta)
{
	uint64_t *g;

	if (!l2tp->core)
		return;
	g = gauge_find(l2tp, family, role, state);
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
	l2tp_authorize_stop(l2tp);
	g_hash_table_destroy(l2tp->tunnels);
	g_free(l2tp->tid_bits);
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

		if (!t->group || t->group->dynamic)
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

/* ------------------------------------------------------------------ */
/* IDs                                                                */

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
/* Tunnels by ID                                                      */

uint64_t l2tp_setup_timeout_ms(const struct l2tp_tunnel *t)
{
	return (uint64_t)(t->group ? t->group->setup_timeout_s : L2TP_DEFAULT_SETUP_TIMEOUT) * 1000;
}

struct l2tp_tunnel *l2tp_tunnel_get(struct l2tp *l2tp, uint16_t tid)
{
	return tid ? g_hash_table_lookup(l2tp->tunnels, GUINT_TO_POINTER(tid)) : NULL;
}
