/* SPDX-License-Identifier: MIT */
/*
 * The ppp module's node-wide state: per-interface settings, Virtual-Access
 * numbering, peer address pools, and the bus claims:
 *  - VPDN_EV_PPP_START (dialers, LAC B channels, clients): start an engine
 *    on the given link with the settings of `config`. An absent interface
 *    name means "clone a Virtual-Access" (dialer profiles).
 *  - VPDN_EV_SESSION_INCOMING with virtual_template >= 0 (LNS dial-in):
 *    clone Virtual-Access N from Virtual-Template<t>, reply {"ViN"}, start
 *    a server engine with the proxy LCP/authentication data.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

/* ---- settings ---- */

struct ppp_conf *ppp_conf_new(const char *name)
{
	struct ppp_conf *c = g_new0(struct ppp_conf, 1);
	c->refs = 1;
	c->name = g_strdup(name ? name : "default");
	c->keepalive_ms = 10000;
	c->keepalive_count = 5;
	c->restart_ms = 3000;
	c->max_configure = 10;
	c->max_failure = 5;
	c->max_terminate = 2;
	c->max_bad_auth = 1;
	c->mru = 1500;
	return c;
}

struct ppp_conf *ppp_conf_ref(struct ppp_conf *c)
{
	c->refs++;
	return c;
}

void ppp_conf_unref(struct ppp_conf *c)
{
	if (!c || --c->refs > 0)
		return;
	g_free(c->name);
	g_free(c->chap_hostname);
	if (c->chap_password)
		memset(c->chap_password, 0, strlen(c->chap_password));
	g_free(c->chap_password);
	g_free(c->pap_user);
	if (c->pap_password)
		memset(c->pap_password, 0, strlen(c->pap_password));
	g_free(c->pap_password);
	g_free(c->pool_used);
	g_free(c->pool_name);
	g_free(c);
}

int ppp_parse_ipv4(const char *s, struct in_addr *out)
{
	char buf[64];
	if (!s)
		return -EINVAL;
	size_t n = strcspn(s, "/ \t");
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	return inet_pton(AF_INET, buf, out) == 1 ? 0 : -EINVAL;
}

static const char *opt_str(cfg_t *s, const char *name)
{
	return s && cfg_getopt(s, name) ? cfg_getstr(s, name) : NULL;
}

static long opt_int(cfg_t *s, const char *name, long def)
{
	return s && cfg_getopt(s, name) ? cfg_getint(s, name) : def;
}

static bool opt_bool(cfg_t *s, const char *name, bool def)
{
	return s && cfg_getopt(s, name) ? cfg_getbool(s, name) : def;
}

static uint8_t clamp8(long v, uint8_t lo)
{
	return v < lo ? lo : v > 255 ? 255 : (uint8_t)v;
}

static int load_pool(struct ppp_conf *c, const char *s)
{
	char a[32], b[32];
	struct in_addr first, last;
	if (sscanf(s, "%31[0-9.] %31[0-9.]", a, b) != 2 &&
	    sscanf(s, "%31[0-9.]-%31[0-9.]", a, b) != 2)
		return -EINVAL;
	if (inet_pton(AF_INET, a, &first) != 1 || inet_pton(AF_INET, b, &last) != 1)
		return -EINVAL;
	uint32_t f = ntohl(first.s_addr), l = ntohl(last.s_addr);
	if (l < f || l - f >= 65536)
		return -EINVAL;
	c->pool_first = first;
	c->pool_size = l - f + 1;
	c->pool_used = g_malloc0((c->pool_size + 7) / 8);
	return 0;
}

int ppp_conf_load(struct ppp_conf *c, cfg_t *root, cfg_t *s)
{
	const char *v;
	if (!s)
		return 0;
	if (cfg_getopt(s, "ppp-authentication")) {
		for (unsigned i = 0; i < cfg_size(s, "ppp-authentication"); i++) {
			const char *m = cfg_getnstr(s, "ppp-authentication", i);
			if (!g_ascii_strcasecmp(m, "chap") && c->n_auth < 2)
				c->auth[c->n_auth++] = PPP_AUTH_P_CHAP;
			else if (!g_ascii_strcasecmp(m, "pap") && c->n_auth < 2)
				c->auth[c->n_auth++] = PPP_AUTH_P_PAP;
			else if (!g_ascii_strcasecmp(m, "callin"))
				c->callin = true;
			else
				return -EINVAL;
		}
	}
	if ((v = opt_str(s, "ppp-chap-hostname")))
		c->chap_hostname = g_strdup(v);
	if ((v = opt_str(s, "ppp-chap-password")))
		c->chap_password = g_strdup(v);
	if ((v = opt_str(s, "ppp-pap-sent-username")))
		c->pap_user = g_strdup(v);
	if ((v = opt_str(s, "ppp-pap-sent-password")))
		c->pap_password = g_strdup(v);
	c->chap_refuse = opt_bool(s, "ppp-chap-refuse", false);
	c->pap_refuse = opt_bool(s, "ppp-pap-refuse", false);
	long ka = opt_int(s, "ppp-keepalive", 10);
	c->keepalive_ms = ka > 0 ? (uint32_t)ka * 1000u : 0;
	c->keepalive_count = clamp8(opt_int(s, "ppp-keepalive-count", 5), 1);
	long rt = opt_int(s, "ppp-restart-timer", 3000);
	c->restart_ms = rt < 10 ? 10 : (uint32_t)rt;
	c->max_configure = clamp8(opt_int(s, "ppp-max-configure", 10), 1);
	c->max_failure = clamp8(opt_int(s, "ppp-max-failure", 5), 0);
	c->max_terminate = clamp8(opt_int(s, "ppp-max-terminate", 2), 1);
	c->max_bad_auth = clamp8(opt_int(s, "ppp-max-bad-auth", 1), 1);
	long mru = opt_int(s, "ppp-mru", 1500);
	if (mru < 64 || mru > 65535)
		return -EINVAL;
	c->mru = (uint16_t)mru;
	c->pfc = opt_bool(s, "ppp-pfc", false);
	c->acfc = opt_bool(s, "ppp-acfc", false);
	if ((v = opt_str(s, "ppp-lcp-renegotiation"))) {
		if (!strcmp(v, "always"))
			c->reneg = PPP_RENEG_ALWAYS;
		else if (!strcmp(v, "on-mismatch"))
			c->reneg = PPP_RENEG_ON_MISMATCH;
		else
			return -EINVAL;
	}
	c->force_local_chap = opt_bool(s, "ppp-force-local-chap", false);
	c->ipcp_dns_request = opt_bool(s, "ppp-ipcp-dns-request", false);
	c->accept_peer_addr = opt_bool(s, "ppp-ipcp-accept-peer-address", false);
	if ((v = opt_str(s, "ppp-peer-default-ip-address")) &&
	    ppp_parse_ipv4(v, &c->peer_default) < 0)
		return -EINVAL;
	if ((v = opt_str(s, "ppp-peer-pool")) && load_pool(c, v) < 0)
		return -EINVAL;
	if ((v = opt_str(s, "ppp-peer-default-ip-address-pool")))
		c->pool_name = g_strdup(v);
	if (cfg_getopt(s, "ppp-dns")) {
		unsigned n = cfg_size(s, "ppp-dns");
		if (n > 0 && ppp_parse_ipv4(cfg_getnstr(s, "ppp-dns", 0), &c->dns1) < 0)
			return -EINVAL;
		if (n > 1 && ppp_parse_ipv4(cfg_getnstr(s, "ppp-dns", 1), &c->dns2) < 0)
			return -EINVAL;
	}
	/* Our address: ip-address, else the ip-unnumbered interface's (the
	 * core's keys, vpdnd/interface.h). */
	if ((v = vpdn_interface_address(root, s)) && ppp_parse_ipv4(v, &c->local) < 0)
		return -EINVAL;
	c->ipv6 = opt_bool(s, "ipv6-enable", false);
	if ((v = opt_str(s, "ipv6-interface-id"))) {
		if (ppp_parse_ifid(v, c->ipv6_ifid) < 0)
			return -EINVAL;
		c->has_ipv6_ifid = true;
	}
	return 0;
}

/* The lowest free address, as the named pools give it (pool.c): the scan
 * starts at the hint and steps over full bytes, so a set-up does not cost
 * a walk over every address already given (10 000 of them at the end of
 * bench.sh's l2tpns run, one pool for all). */
struct in_addr ppp_conf_pool_take(struct ppp_conf *c)
{
	struct in_addr a = { 0 };

	for (uint32_t i = c->pool_hint; i < c->pool_size; i++) {
		if (i % 8 == 0 && c->pool_used[i / 8] == 0xFF) {
			i += 7;
			continue;
		}
		if (!(c->pool_used[i / 8] & (1u << (i % 8)))) {
			c->pool_used[i / 8] |= (uint8_t)(1u << (i % 8));
			c->pool_hint = i + 1;
			a.s_addr = htonl(ntohl(c->pool_first.s_addr) + i);
			return a;
		}
	}
	c->pool_hint = c->pool_size;
	return a;
}

void ppp_conf_pool_put(struct ppp_conf *c, struct in_addr a)
{
	uint32_t i = ntohl(a.s_addr) - ntohl(c->pool_first.s_addr);

	if (c->pool_size && i < c->pool_size) {
		c->pool_used[i / 8] &= (uint8_t)~(1u << (i % 8));
		if (i < c->pool_hint)
			c->pool_hint = i;
	}
}

static GHashTable *load_confs(cfg_t *cfg, int *err)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
					      (GDestroyNotify)ppp_conf_unref);
	*err = 0;
	if (cfg && cfg_getopt(cfg, "interface")) {
		for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
			cfg_t *s = cfg_getnsec(cfg, "interface", i);
			struct ppp_conf *c = ppp_conf_new(cfg_title(s));
			if (ppp_conf_load(c, cfg, s) < 0) {
				*err = -EINVAL;
				ppp_conf_unref(c);
				continue;
			}
			g_hash_table_replace(t, vpdn_ifname_key(c->name), c);
		}
	}
	g_hash_table_replace(t, g_strdup(""), ppp_conf_new("default"));
	return t;
}

struct ppp_conf *ppp_manager_conf(struct ppp_manager *m, const char *name)
{
	struct ppp_conf *c = NULL;
	if (name) {
		char *k = vpdn_ifname_key(name);
		c = g_hash_table_lookup(m->confs, k);
		g_free(k);
	}
	return c ? c : g_hash_table_lookup(m->confs, "");
}

/* ---- Virtual-Access numbering ---- */

/* The lowest free number is reused (as IOS does). Numbers given back wait
 * in a sorted GSequence, so take and put are O(log n) whatever the number
 * of sessions (a scan of the in-use array from 1 was the largest cost of a
 * set-up at 60 000 sessions). vaccess_used makes put idempotent. */
static gint vaccess_cmp(gconstpointer a, gconstpointer b, gpointer data)
{
	guint x = GPOINTER_TO_UINT(a), y = GPOINTER_TO_UINT(b);

	return x < y ? -1 : x > y;
}

int ppp_manager_vaccess_take(struct ppp_manager *m)
{
	if (!g_sequence_is_empty(m->vaccess_free)) {
		GSequenceIter *it = g_sequence_get_begin_iter(m->vaccess_free);
		guint i = GPOINTER_TO_UINT(g_sequence_get(it));

		g_sequence_remove(it);
		g_array_index(m->vaccess_used, gboolean, i) = TRUE;
		return (int)i;
	}
	guint n = m->vaccess_used->len ? m->vaccess_used->len : 1;
	g_array_set_size(m->vaccess_used, n + 1);
	g_array_index(m->vaccess_used, gboolean, n) = TRUE;
	return (int)n;
}

void ppp_manager_vaccess_put(struct ppp_manager *m, int n)
{
	if (n > 0 && (guint)n < m->vaccess_used->len &&
	    g_array_index(m->vaccess_used, gboolean, n)) {
		g_array_index(m->vaccess_used, gboolean, n) = FALSE;
		g_sequence_insert_sorted(m->vaccess_free, GUINT_TO_POINTER((guint)n), vaccess_cmp,
					 NULL);
	}
}

/* n leaves the free list (a restored engine's number, restart in place). */
void ppp_manager_vaccess_unfree(struct ppp_manager *m, int n)
{
	GSequenceIter *it = g_sequence_lookup(m->vaccess_free, GUINT_TO_POINTER((guint)n),
					      vaccess_cmp, NULL);

	if (it)
		g_sequence_remove(it);
}

size_t ppp_manager_engine_count(struct ppp_manager *m)
{
	return m->n_engines;
}

/* n if name is "Vi" then n > 0 in decimal without leading zeros (the
 * only form vpdn_fmt_int writes), else 0. */
static int vaccess_of_name(const char *name)
{
	long long n = 0;
	const char *p;

	if (name[0] != 'V' || name[1] != 'i' || name[2] < '1' || name[2] > '9')
		return 0;
	for (p = name + 2; *p; p++) {
		if (*p < '0' || *p > '9')
			return 0;
		n = n * 10 + (*p - '0');
		if (n > G_MAXINT)
			return 0;
	}
	return (int)n;
}

/* By number only when the name is the number's: a restored engine's
 * name and number come apart from the state file. */
static bool indexed_by_vaccess(const struct ppp_engine *e)
{
	return e->vaccess > 0 && vaccess_of_name(e->name) == e->vaccess;
}

void ppp_manager_index_add(struct ppp_manager *m, struct ppp_engine *e)
{
	if (!indexed_by_vaccess(e)) {
		g_hash_table_replace(m->by_name, e->name, e);
		return;
	}
	if ((guint)e->vaccess >= m->by_vaccess->len)
		g_ptr_array_set_size(m->by_vaccess, e->vaccess + 1);
	g_ptr_array_index(m->by_vaccess, e->vaccess) = e;
}

void ppp_manager_index_remove(struct ppp_manager *m, struct ppp_engine *e)
{
	if (!indexed_by_vaccess(e)) {
		if (g_hash_table_lookup(m->by_name, e->name) == e)
			g_hash_table_remove(m->by_name, e->name);
		return;
	}
	if ((guint)e->vaccess < m->by_vaccess->len &&
	    g_ptr_array_index(m->by_vaccess, e->vaccess) == e)
		g_ptr_array_index(m->by_vaccess, e->vaccess) = NULL;
}

/* The newest live engine of that name: by the name index (a D-Bus
 * lookup per session must not walk 100 000 engines); only when the
 * one found is dead (still inside its own PPP_DOWN), or both indexes
 * hold one, the newest live one of that name is looked for. */
struct ppp_engine *ppp_manager_find(struct ppp_manager *m, const char *ifname)
{
	int n = vaccess_of_name(ifname);
	struct ppp_engine *a = n > 0 && (guint)n < m->by_vaccess->len
				       ? g_ptr_array_index(m->by_vaccess, n) : NULL;
	struct ppp_engine *e = g_hash_table_lookup(m->by_name, ifname);

	if (!a || !e) {
		e = e ? e : a;
		if (!e || !e->dead)
			return e;
	}
	for (e = m->engines; e; e = e->next)
		if (!e->dead && !strcmp(e->name, ifname))
			return e;
	return NULL;
}

/* ---- bus ---- */

static void log_clone(struct ppp_manager *m, const char *vi, int n, const char *tmpl)
{
	struct vpdn_log *log = m->log;
	vpdn_debug(log, VPDN_DEBUG_PPP_NEGOTIATION, "%s PPP: Phase is DOWN, Setup", vi);
	vpdn_debug(log, VPDN_DEBUG_VTEMPLATE, "%s VTEMPLATE: ********** CLONE VACCESS%d **************",
		   vi, n);
	vpdn_debug(log, VPDN_DEBUG_VTEMPLATE, "%s VTEMPLATE: Clone from %s", vi, tmpl);
}

static enum vpdn_bus_verdict on_session_incoming(const struct vpdn_event *ev, void *data)
{
	struct ppp_manager *m = data;
	const struct vpdn_ev_session *s = ev->payload;
	if (!s || s->virtual_template < 0 || !s->link)
		return VPDN_BUS_PASS;
	char tmpl[40], vi[24];
	/* every set-up: no printf */
	vpdn_fmt_int(tmpl, sizeof(tmpl), "Virtual-Template", s->virtual_template);
	int n = ppp_manager_vaccess_take(m);
	vpdn_fmt_int(vi, sizeof(vi), "Vi", n);
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct ppp_start st = {
		.link = s->link,
		.end = VPDN_LINK_B,
		.interface = vi,
		.role = VPDN_PPP_ROLE_SERVER,
		.dir = s->dir ? s->dir : VPDN_CALL_IN,
		.calling = s->calling,
		.called = s->called,
		.proxy = s->proxy.present ? &s->proxy : NULL,
		.vaccess = n,
		.l2tp_tid = s->tunnel_id,
		.l2tp_sid = s->session_id,
	};
	/* The reply first: L2TP names the session "Vi2" and logs "Virtual
	 * interface created for <user>", then the clone's lines follow. */
	struct vpdn_ev_session_accept acc = { .size = sizeof(acc), .interface = vi };
	if (req)
		vpdn_request_complete(req, 0, &acc);
	log_clone(m, vi, n, tmpl);
	vpdn_debug(m->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Clone from Vtemplate %d",
		   vi, s->virtual_template);
	if (!ppp_engine_start(m, ppp_manager_conf(m, tmpl), &st))
		vpdn_warn(m->log, "%s PPP: session ended during start", vi);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_ppp_start(const struct vpdn_event *ev, void *data)
{
	struct ppp_manager *m = data;
	const struct vpdn_ev_ppp_start *p = ev->payload;
	if (!p || !p->link)
		return VPDN_BUS_PASS;
	char vi[24];
	int n = 0;
	const char *name = p->interface;
	if (!name) {
		n = ppp_manager_vaccess_take(m);
		snprintf(vi, sizeof(vi), "Vi%d", n);
		log_clone(m, vi, n, p->config ? p->config : "default");
		name = vi;
	}
	bool dialer = !g_strcmp0(vpdn_ifname_type(p->config), "Dialer"); /* "Di1" too */
	struct ppp_start st = {
		.link = p->link,
		.end = VPDN_LINK_B,
		.interface = name,
		.profile = dialer ? p->config : NULL,
		.role = p->role,
		.dir = p->dir,
		.call_id = p->call_id,
		.calling = p->calling,
		.called = p->called,
		.dnis = p->dnis,
		.async = p->async,
		.proxy = p->proxy,
		.vaccess = n,
		.carrier_mru = p->size >= offsetof(struct vpdn_ev_ppp_start, mru) + sizeof(p->mru) &&
			       p->mru >= 64 && p->mru <= 65535 ? (uint16_t)p->mru : 0,
	};
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct ppp_engine *e = ppp_engine_start(m, ppp_manager_conf(m, p->config), &st);
	if (req) {
		struct vpdn_ev_ppp r = {
			.size = sizeof(r),
			.interface = name,
			.link = p->link,
			.phase = e ? ppp_engine_phase(e) : VPDN_PPP_PHASE_DOWN,
		};
		vpdn_request_complete(req, e ? 0 : -EIO, &r);
	}
	return VPDN_BUS_CLAIM;
}

/* struct ppp_fsm_env's: the layers' ctx is their engine */
static const char *engine_ifname(const void *ctx)
{
	const struct ppp_engine *e = ctx;
	return e->name;
}

struct ppp_manager *ppp_manager_new(struct vpdn_core *core, cfg_t *cfg)
{
	int err;
	struct ppp_manager *m = g_new0(struct ppp_manager, 1);
	m->core = core;
	m->bus = vpdn_core_bus(core);
	m->log = vpdn_core_log(core);
	m->timers = vpdn_core_timers(core);
	m->cfg = cfg;
	m->confs = load_confs(cfg, &err);
	if (err < 0) {
		vpdn_err(m->log, "ppp: invalid interface settings");
		g_hash_table_destroy(m->confs);
		g_free(m);
		return NULL;
	}
	m->pools = ppp_pools_new(core, cfg);
	if (!m->pools) {
		vpdn_err(m->log, "ppp: invalid ip-local-pool settings");
		g_hash_table_destroy(m->confs);
		g_free(m);
		return NULL;
	}
	m->vaccess_used = g_array_new(FALSE, TRUE, sizeof(gboolean));
	m->by_name = g_hash_table_new(g_str_hash, g_str_equal);
	m->by_vaccess = g_ptr_array_new();
	m->vaccess_free = g_sequence_new(NULL);
	m->c_malformed = vpdn_core_counter(core, "ppp_malformed_total",
					   "PPP packets dropped as malformed");
	m->c_sessions = vpdn_core_counter(core, "ppp_sessions_total", "PPP engines started");
	m->fsm_env = (struct ppp_fsm_env){
		.timers = m->timers,
		.log = m->log,
		.malformed_total = m->c_malformed,
		.ifname = engine_ifname,
	};
	m->c_too_big = vpdn_core_counter(core, "ppp_too_big_total",
					 "IP packets over the peer's MRU not sent");
	m->c_auth_fail = vpdn_core_counter(core, "ppp_auth_failures_total",
					   "PPP peers that failed authentication");
	m->c_addr_refused = vpdn_core_counter(core, "ppp_ipcp_address_refused_total",
					      "addresses IPCP refused to a peer");
	m->c_ipcp_closed = vpdn_core_counter(core, "ppp_ipcp_no_address_total",
					     "PPP sessions closed: no address allowed for the peer");
	m->c_ifid_nak = vpdn_core_counter(core, "ppp_ipv6cp_ifid_nak_total",
					  "peer Interface-Ids IPv6CP Nak'd: zero, ours, absent, "
					  "not authorization's");
	m->c_ifid_dup = vpdn_core_counter(core, "ppp_ipv6cp_ifid_duplicate_total",
					  "peer Interface-Ids IPv6CP Nak'd: another session's");
	m->c_ipv6cp_closed = vpdn_core_counter(core, "ppp_ipv6cp_closed_total",
					       "IPv6CP closed alone: no agreement on the "
					       "Interface-Id");
	m->c_net_unsent = vpdn_core_counter(core, "ppp_net_unsent_total",
					    "IP packets not sent: their NCP is not Opened");
	m->c_proto_rej = vpdn_core_counter(core, "ppp_protocol_rejects_total",
					   "PPP protocols Protocol-Rejected (IPv6 where not "
					   "enabled, unknown)");
	m->peer_ifids = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->sub_start = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_START, on_ppp_start, m);
	m->sub_incoming = vpdn_bus_subscribe(m->bus, VPDN_EV_SESSION_INCOMING,
					     on_session_incoming, m);
	if (ppp_bus_add(m) < 0)
		vpdn_warn(m->log, "ppp: no D-Bus objects for the PPP sessions");
	return m;
}

int ppp_manager_reload(struct ppp_manager *m, cfg_t *cfg)
{
	int err;
	GHashTable *t = load_confs(cfg, &err);
	if (err < 0 || ppp_pools_reload(m->pools, cfg) < 0) {
		g_hash_table_destroy(t);
		return err < 0 ? err : -EINVAL;
	}
	/* Engines keep a reference on their old settings. */
	g_hash_table_destroy(m->confs);
	m->confs = t;
	m->cfg = cfg;
	return 0;
}

void ppp_manager_free(struct ppp_manager *m)
{
	if (!m)
		return;
	vpdn_bus_unsubscribe(m->bus, m->sub_start);
	vpdn_bus_unsubscribe(m->bus, m->sub_incoming);
	ppp_bus_remove(m);
	/* Engines go without Terminate: the node is stopping. */
	while (m->engines) {
		struct ppp_engine *e = m->engines;
		e->down_reason = -ESHUTDOWN;
		ppp_fsm_down(&e->lcp_fsm);
		ppp_lcp_finished(e);
	}
	g_hash_table_destroy(m->confs);
	ppp_pools_free(m->pools);
	g_hash_table_destroy(m->by_name);
	g_ptr_array_free(m->by_vaccess, TRUE);
	g_hash_table_destroy(m->peer_ifids);
	g_array_free(m->vaccess_used, TRUE);
	g_sequence_free(m->vaccess_free);
	g_free(m);
}

/* Options this module adds to `interface "NAME" { ... }`. ip-address and
 * ip-unnumbered are the core's (vpdnd/interface.h). */
cfg_opt_t ppp_interface_options[] = {
	CFG_STR_LIST("ppp-authentication", NULL, CFGF_NONE),
	CFG_STR("ppp-chap-hostname", NULL, CFGF_NONE),
	CFG_STR("ppp-chap-password", NULL, CFGF_NONE),
	CFG_BOOL("ppp-chap-refuse", cfg_false, CFGF_NONE),
	CFG_BOOL("ppp-pap-refuse", cfg_false, CFGF_NONE),
	CFG_STR("ppp-pap-sent-username", NULL, CFGF_NONE),
	CFG_STR("ppp-pap-sent-password", NULL, CFGF_NONE),
	CFG_INT("ppp-keepalive", 10, CFGF_NONE),
	CFG_INT("ppp-keepalive-count", 5, CFGF_NONE),
	CFG_INT("ppp-restart-timer", 3000, CFGF_NONE),
	CFG_INT("ppp-max-configure", 10, CFGF_NONE),
	CFG_INT("ppp-max-failure", 5, CFGF_NONE),
	CFG_INT("ppp-max-terminate", 2, CFGF_NONE),
	CFG_INT("ppp-max-bad-auth", 1, CFGF_NONE),
	CFG_INT("ppp-mru", 1500, CFGF_NONE),
	CFG_BOOL("ppp-pfc", cfg_false, CFGF_NONE),
	CFG_BOOL("ppp-acfc", cfg_false, CFGF_NONE),
	CFG_STR("ppp-lcp-renegotiation", "on-mismatch", CFGF_NONE),
	CFG_BOOL("ppp-force-local-chap", cfg_false, CFGF_NONE),
	CFG_BOOL("ppp-ipcp-dns-request", cfg_false, CFGF_NONE),
	CFG_BOOL("ppp-ipcp-accept-peer-address", cfg_false, CFGF_NONE),
	CFG_STR("ppp-peer-default-ip-address", NULL, CFGF_NONE),
	CFG_STR("ppp-peer-pool", NULL, CFGF_NONE),
	CFG_STR("ppp-peer-default-ip-address-pool", NULL, CFGF_NONE),
	CFG_STR_LIST("ppp-dns", NULL, CFGF_NONE),
	/* IPv6 (RFC 5072 IPv6CP beside IPCP); the ip module reads them too */
	CFG_BOOL("ipv6-enable", cfg_false, CFGF_NONE),
	CFG_STR("ipv6-interface-id", NULL, CFGF_NONE),
	CFG_END()
};
