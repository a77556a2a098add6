/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for ppp (docs/RESTART.md): the module's save and
 * restore hooks. What is saved (state version PPP_STATE_VERSION), as
 * an array of one fixed-order tuple (ENGINE_T below) per server engine on an L2TP session (an LNS's Virtual-Access)
 * in phase UP with LCP Opened:
 *
 *   key: the L2TP session's IDs (tid, sid: the link "l2tp/TID/SID"),
 *   name ("Vi1"), vaccess, config (the Virtual-Template, by name: the
 *   settings and any secret come again from the config), user (the
 *   authenticated name; never a secret), LCP both ways (MRU, ACCM,
 *   magic, authentication protocol, PFC/ACFC, the next identifier),
 *   IPCP (local, peer, the address given and whether from the pool),
 *   IPv6CP if Opened (both Interface-Ids), the authorization's routes,
 *   the LCP echo timer's remaining time and the echoes unanswered.
 *
 * Restore takes each link back from l2tp (vpdn_core_restored_link_take)
 * and rebuilds the engine with LCP, IPCP (and IPv6CP) Opened and phase
 * UP without a packet to the peer (no Configure-Request, no CHAP, no
 * Terminate), then publishes PPP_NETWORK_UP (PPP_IPV6_UP) again so the
 * ip module has its interface back, and resumes LCP echo. PPP_AUTHENTICATED
 * is not published again (accounting must not start twice). An engine
 * whose link was not offered, or whose template the new config lacks, is
 * dropped (its link, if any, stays an orphan: l2tp clears it with a CDN).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ppp-private.h"

static bool saveable(const struct ppp_engine *e)
{
	return !e->dead && e->role == VPDN_PPP_ROLE_SERVER && e->l2tp_tid && e->l2tp_sid &&
	       e->vaccess > 0 && e->phase == VPDN_PPP_PHASE_UP &&
	       e->lcp_fsm.state == FSM_OPENED;
}

/* One engine, one tuple (state version 2; version 1 was an a{sv} per
 * engine: the key lookups and the variant boxing per field were most of a
 * 10 000-session switch). The fields, in order: */
#define ENGINE_T "(qqsisbms(quuybbb)(quuybb)y(tyy)um(uuub)m(tt)a(uyu))"
#define ENGINE_GET "(qq&si&sbm&s(quuybbb)(quuybb)y(tyy)u@m(uuub)@m(tt)@a(uyu))"

static GVariant *save_engine(struct ppp_engine *e)
{
	GVariantBuilder r;
	const struct ppp_lcp *l = &e->lcp;
	GVariant *v4 = NULL, *v6 = NULL;
	uint64_t echo = vpdn_timer_remaining(e->mgr->timers, &l->echo_timer);

	if (e->ipcp_fsm.state == FSM_OPENED)
		v4 = g_variant_new("(uuub)", e->ipcp.local.s_addr, e->ipcp.peer.s_addr,
				   e->ipcp.assigned.s_addr, e->ipcp.assigned_from_pool);
	if (e->v6 && e->v6->fsm.state == FSM_OPENED && e->v6->have_peer) {
		guint64 lo, pe;

		memcpy(&lo, e->v6->local, 8);
		memcpy(&pe, e->v6->peer, 8);
		v6 = g_variant_new("(tt)", lo, pe);
	}
	g_variant_builder_init(&r, G_VARIANT_TYPE("a(uyu)"));
	for (size_t i = 0; i < e->n_auth_routes; i++)
		g_variant_builder_add(&r, "(uyu)", e->auth_routes[i].dst.s_addr,
				      e->auth_routes[i].plen, e->auth_routes[i].metric);
	return g_variant_new("(qqsisbms(quuybbb)(quuybb)y(tyy)u@m(uuub)@m(tt)@a(uyu))",
			     e->l2tp_tid, e->l2tp_sid, e->name, e->vaccess, e->conf->name,
			     e->auth_peer, e->user, l->mru, l->accm, l->magic, l->auth, l->want_pfc,
			     l->want_acfc, l->want_magic, l->peer_mru, l->peer_accm, l->peer_magic,
			     l->peer_auth, l->peer_pfc, l->peer_acfc, e->lcp_fsm.id, echo,
			     l->echo_outstanding, l->echo_id, e->malformed,
			     g_variant_new_maybe(G_VARIANT_TYPE("(uuub)"), v4),
			     g_variant_new_maybe(G_VARIANT_TYPE("(tt)"), v6), g_variant_builder_end(&r));
}

GVariant *ppp_state_save(struct ppp_manager *m)
{
	GVariantBuilder b;
	unsigned n = 0, skipped = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a" ENGINE_T));
	for (struct ppp_engine *e = m->engines; e; e = e->next) {
		if (!saveable(e)) {
			skipped += !e->dead;
			continue;
		}
		g_variant_builder_add_value(&b, save_engine(e));
		n++;
	}
	vpdn_info(m->log, "ppp: restart: %u session(s) saved, %u not (not an LNS session up)", n,
		  skipped);
	return g_variant_builder_end(&b);
}

/* Number n in use (the restored engine's), as vaccess_take() would mark
 * it: the numbers below it that were never handed out become free. */
static int vaccess_mark(struct ppp_manager *m, int n)
{
	if (n <= 0 || n > 1000000)
		return -EINVAL;
	if ((guint)n >= m->vaccess_used->len) {
		guint old = m->vaccess_used->len ? m->vaccess_used->len : 1;
		g_array_set_size(m->vaccess_used, (guint)n + 1);
		for (guint i = old; i < (guint)n; i++) {
			g_array_index(m->vaccess_used, gboolean, i) = TRUE;
			ppp_manager_vaccess_put(m, (int)i);
		}
	} else if (g_array_index(m->vaccess_used, gboolean, n)) {
		return -EEXIST;
	} else {
		/* O(log n): a walk of the free list from its start made a
		 * restore of 10 000 engines (saved newest first) quadratic. */
		ppp_manager_vaccess_unfree(m, n);
	}
	g_array_index(m->vaccess_used, gboolean, n) = TRUE;
	return 0;
}

static void pool_mark(struct ppp_conf *c, struct in_addr a)
{
	uint32_t i = ntohl(a.s_addr) - ntohl(c->pool_first.s_addr);
	if (c->pool_size && i < c->pool_size)
		c->pool_used[i / 8] |= (uint8_t)(1u << (i % 8));
}

static int restore_engine(struct ppp_manager *m, GVariant *d)
{
	guint16 tid = 0, sid = 0, mru = 0, pmru = 0;
	gint32 vaccess = 0;
	const char *name = NULL, *config = NULL, *user = NULL;
	guint32 accm, magic, paccm, pmagic, local, peer, assigned, malformed = 0;
	guint8 auth, pauth, lcp_id = 0, echo_out = 0, echo_id = 0;
	gboolean wpfc, wacfc, wmagic, ppfc, pacfc, from_pool = FALSE, auth_peer = FALSE;
	guint64 echo = 0;
	GVariant *v4 = NULL, *v6 = NULL, *routes = NULL;
	uint8_t ifid_l[8] = { 0 }, ifid_p[8] = { 0 };
	char key[32];
	struct vpdn_link *link;
	struct ppp_conf *conf;
	struct ppp_engine *e;
	int r = -EBADMSG;

	GVariant *m4 = NULL, *m6 = NULL;
	guint64 lo = 0, pe = 0;

	g_variant_get(d, ENGINE_GET, &tid, &sid, &name, &vaccess, &config, &auth_peer, &user,
		      &mru, &accm, &magic, &auth, &wpfc, &wacfc, &wmagic, &pmru, &paccm, &pmagic,
		      &pauth, &ppfc, &pacfc, &lcp_id, &echo, &echo_out, &echo_id, &malformed, &m4,
		      &m6, &routes);
	v4 = g_variant_get_maybe(m4);
	v6 = g_variant_get_maybe(m6);
	g_variant_unref(m4);
	g_variant_unref(m6);
	if (!tid || !sid || vaccess <= 0 || strlen(name) >= sizeof(e->name) || pmru < 64 ||
	    mru < 64 || auth > PPP_AUTH_P_CHAP)
		goto fail;
	if (v6) {
		g_variant_get(v6, "(tt)", &lo, &pe);
		memcpy(ifid_l, &lo, 8);
		memcpy(ifid_p, &pe, 8);
	}
	if (!v4 && !v6)
		goto fail;

	g_snprintf(key, sizeof(key), "l2tp/%u/%u", tid, sid);
	conf = ppp_manager_conf(m, config);
	if (g_ascii_strcasecmp(conf->name, config)) {
		vpdn_warn(m->log, "%s PPP: restart: %s no longer in the config, session not restored",
			  name, config);
		r = -ENOENT;
		goto fail;
	}
	link = vpdn_core_restored_link_take(m->core, key);
	if (!link) {
		vpdn_warn(m->log, "%s PPP: restart: L2TP session %s not restored, engine dropped",
			  name, key);
		r = -ENOENT;
		goto fail;
	}
	if (vaccess_mark(m, vaccess) < 0) {
		vpdn_warn(m->log, "%s PPP: restart: Virtual-Access %d twice, engine dropped", name,
			  vaccess);
		vpdn_link_hangup(link, VPDN_LINK_B, VPDN_CAUSE_NORMAL_CLEARING);
		r = -EEXIST;
		goto fail;
	}
	struct ppp_start st = {
		.link = link,
		.end = VPDN_LINK_B,
		.interface = name,
		.role = VPDN_PPP_ROLE_SERVER,
		.dir = VPDN_CALL_IN,
		.vaccess = vaccess,
		.l2tp_tid = tid,
		.l2tp_sid = sid,
	};
	e = ppp_engine_new(m, conf, &st);
	if (!e) {
		ppp_manager_vaccess_put(m, vaccess);
		r = -ENOMEM;
		goto fail;
	}
	e->auth_peer = auth_peer;
	e->peer_done = e->us_done = true;
	e->user = g_strdup(user);
	e->malformed = malformed;
	struct ppp_lcp *l = &e->lcp;
	l->mru = mru;
	l->accm = accm;
	l->magic = magic;
	l->auth = auth;
	l->want_pfc = wpfc;
	l->want_acfc = wacfc;
	l->want_magic = wmagic;
	l->peer_mru = pmru;
	l->peer_accm = paccm;
	l->peer_magic = pmagic;
	l->peer_auth = pauth;
	l->peer_pfc = ppfc;
	l->peer_acfc = pacfc;
	l->echo_outstanding = echo_out;
	l->echo_id = echo_id;
	e->lcp_fsm.id = lcp_id;
	e->lcp_fsm.peer_mru = pmru;
	if (routes && g_variant_n_children(routes)) {
		GVariantIter it;
		guint32 dst, metric;
		guint8 plen;
		size_t i = 0;
		/* as authorization gave them: VPDN_ROUTES_MAX at most (a state
		 * file with more keeps the first ones) */
		size_t n = MIN(g_variant_n_children(routes), (size_t)VPDN_ROUTES_MAX);
		e->auth_routes = g_new0(struct vpdn_route4, n);
		g_variant_iter_init(&it, routes);
		while (i < n && g_variant_iter_next(&it, "(uyu)", &dst, &plen, &metric))
			if (plen >= 1 && plen <= 32) {
				e->auth_routes[i].dst.s_addr = dst;
				e->auth_routes[i].plen = plen;
				e->auth_routes[i].metric = metric;
				i++;
			}
		e->n_auth_routes = i;
	}
	ppp_fsm_restore_opened(&e->lcp_fsm);
	e->phase = VPDN_PPP_PHASE_UP;
	plog(e, NEG, "%s PPP: Phase is UP, restored after restart (no renegotiation)", e->name);
	if (v4) {
		g_variant_get(v4, "(uuub)", &local, &peer, &assigned, &from_pool);
		e->ipcp.local.s_addr = local;
		e->ipcp.peer.s_addr = peer;
		e->ipcp.assigned.s_addr = assigned;
		e->ipcp.assigned_from_pool = from_pool && assigned;
		if (e->ipcp.assigned_from_pool)
			pool_mark(conf, e->ipcp.assigned);
		ppp_fsm_restore_opened(&e->ipcp_fsm);
	}
	if (v6 && e->v6) {
		memcpy(e->v6->local, ifid_l, 8);
		memcpy(e->v6->peer, ifid_p, 8);
		e->v6->have_peer = true;
		ppp_ipv6cp_register_peer(e);
		ppp_fsm_restore_opened(&e->v6->fsm);
	}
	/* LCP echo goes on where it was (at once if it was due). */
	if (e->conf->keepalive_ms)
		vpdn_timer_arm(e->mgr->timers, &l->echo_timer,
			       echo && echo <= e->conf->keepalive_ms ? echo : e->conf->keepalive_ms);
	/* The ip module gets its interface back (ip-state.c adopts the
	 * kept TUN, else it makes a new one of the same name). */
	if (v4)
		ppp_ipcp_up(e);
	if (v6 && e->v6 && !e->dead)
		ppp_ipv6cp_up(e);
	r = 0;
fail:
	if (v4)
		g_variant_unref(v4);
	if (v6)
		g_variant_unref(v6);
	if (routes)
		g_variant_unref(routes);
	return r;
}

int ppp_state_restore(struct ppp_manager *m, GVariant *data, uint32_t version)
{
	GVariantIter it;
	GVariant *d;
	unsigned n = 0, lost = 0;

	if (version != PPP_STATE_VERSION)
		return -EPROTO;
	if (!g_variant_is_of_type(data, G_VARIANT_TYPE("a" ENGINE_T)))
		return -EBADMSG;
	g_variant_iter_init(&it, data);
	while ((d = g_variant_iter_next_value(&it))) {
		int r = restore_engine(m, d);
		g_variant_unref(d);
		if (r < 0)
			lost++;
		else
			n++;
	}
	vpdn_info(m->log, "ppp: restart: %u session(s) restored in place, %u lost", n, lost);
	return (int)n;
}
