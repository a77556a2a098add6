/* SPDX-License-Identifier: MIT */
/*
 * The IPv6 side of a session (VPDN_EV_PPP_IPV6_UP/DOWN, events.h): one
 * state machine per session, enum ip6_state.
 *
 * Server (we serve the user, ev->server): on the session's interface
 * fe80::local_ifid (per-interface mode: fe80::local/64 on the TUN; shared
 * mode: fe80::local/128 on the shared device, counted per identifier) and a
 * route to fe80::peer_ifid/128; the session's /64 is authorization's
 * Framed-IPv6-Prefix (a /64) or leased from the `ipv6-pool` of the
 * interface section that Framed-IPv6-Pool names, else of the session's
 * interface section (Virtual-Template1), routed to the session.
 * Router Advertisements (RFC 4861 §6.2.4): at once, then
 * MAX_INITIAL_RTR_ADVERTISEMENTS in all at MAX_INITIAL_RTR_ADVERT_INTERVAL
 * (INITIAL), then every ipv6-nd-ra-interval with a random quarter off
 * (ADVERTISING); a Router Solicitation from the session is answered at
 * once, unicast, at most one per MIN_DELAY_BETWEEN_RAS (§6.2.6; more are
 * counted, ip_rs_limited_total). M/O flags and RDNSS (RFC 8106: the
 * authorization's servers, else ipv6-nd-ra-dns-server) as configured.
 *
 * Client (a dialer, !ev->server): the link-local address and route as
 * above, Router Solicitations (§6.3.7: MAX_RTR_SOLICITATIONS at
 * RTR_SOLICITATION_INTERVAL, SOLICITING) until an RA comes (CONFIGURED):
 * its autonomous /64 becomes prefix::local_ifid on the TUN with the RA's
 * lifetimes (the kernel expires it), its router lifetime a default route
 * (removed at lifetime 0). The RA is processed here, not by the kernel's
 * SLAAC: the kernel ignores RAs on a forwarding node (remote1 routes a LAN)
 * unless accept_ra=2, a TUN has no link-layer address to derive an
 * identifier from (IPv6CP negotiated it: `ip token` would have to be set
 * per device before the RA), and in shared mode one device carries every
 * session; the RA never reaches the kernel.
 *
 * Data path: IPv6 from the session goes to the kernel (RS/RA consumed
 * here; a server's session may only send from its /64, its routed
 * prefixes or link-local: else ip_ipv6_spoofed_total); from the kernel to
 * the session (shared device: by destination: fe80::peer_ifid, the /64,
 * the routed prefixes, longest first).
 *
 * VPDN_EV_IPV6_ROUTE: a prefix routed to (or from) a session that has
 * IPv6 up, removed with it; -ENOENT for no such session; a hostile prefix
 * (length 0 or over 128, bits past the length, link-local, multicast,
 * loopback, unspecified, v4-mapped, overlapping an ipv6-pool or another
 * session's prefix) is refused with -EINVAL/-EADDRINUSE, a log line and
 * ip_ipv6_routes_refused_total.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ndp.h"
#include "ip-private.h"

#define IP6_ROUTES_MAX 4             /* IPV6_ROUTE prefixes per session */
#define IP6_STATIC_MAX 8             /* ipv6-route prefixes per session */
#define IP6_RA_INITIAL 3             /* MAX_INITIAL_RTR_ADVERTISEMENTS */
#define IP6_RA_INITIAL_MS 16000      /* MAX_INITIAL_RTR_ADVERT_INTERVAL */
#define IP6_RA_MIN_DELAY_MS 3000     /* MIN_DELAY_BETWEEN_RAS */
#define IP6_RS_MAX 3                 /* MAX_RTR_SOLICITATIONS */
#define IP6_RS_INTERVAL_MS 4000      /* RTR_SOLICITATION_INTERVAL */
#define IP6_PREFIX_VALID 2592000     /* IOS defaults: 30 days */
#define IP6_PREFIX_PREFERRED 604800  /* 7 days */
#define IP6_POOL_PROBES 65536        /* lease search bound */

enum ip6_state {
	IP6_DOWN,
	IP6_INITIAL,      /* server: the initial RAs */
	IP6_ADVERTISING,  /* server: periodic RAs */
	IP6_SOLICITING,   /* client: RSs, no RA yet */
	IP6_CONFIGURED,   /* client: an RA came */
};

static const char *ip6_state_name(enum ip6_state s)
{
	switch (s) {
	case IP6_DOWN: return "down";
	case IP6_INITIAL: return "initial";
	case IP6_ADVERTISING: return "advertising";
	case IP6_SOLICITING: return "soliciting";
	case IP6_CONFIGURED: return "configured";
	}
	return "?";
}

struct ip6_route6 {
	struct in6_addr prefix;
	uint8_t plen;
	bool added;       /* in the kernel */
	bool configured;  /* an ipv6-route, not IPV6_ROUTE's */
};

struct ip6_pool {
	struct in6_addr prefix;
	uint8_t plen;     /* 32..64 */
	uint64_t size, next;
	GHashTable *used; /* GSIZE_TO_POINTER(index + 1) */
};

struct ip6_session {
	struct ip_iface *ifc;
	enum ip6_state state;
	bool server;
	uint64_t peer_key, local_key, prefix_key; /* hash keys (they live here) */
	bool in_peers6, in_pfx6, ll_ref;
	struct in6_addr ll_local, ll_peer;
	bool ll_added, peer_route_added;
	/* server */
	struct in6_addr prefix;
	bool has_prefix, prefix_route_added;
	struct ip6_pool *pool;
	uint64_t lease;
	bool managed, other;
	uint16_t ra_lifetime;
	uint32_t ra_interval_ms;
	struct in6_addr dns[2];
	size_t n_dns;
	unsigned ra_sent, rs_sent;
	uint64_t last_solicited_ms;
	bool solicited;
	struct vpdn_timer timer;
	struct ip6_route6 routes[IP6_ROUTES_MAX + IP6_STATIC_MAX];
	unsigned n_routes;
	/* client */
	struct in6_addr global;
	bool global_added, default_added;
};

static uint64_t key64(const uint8_t *p)
{
	uint64_t k;
	memcpy(&k, p, 8);
	return k;
}

static void set_state(struct ip6_session *s, enum ip6_state to)
{
	struct ip_module *m = s->ifc->m;

	if (s->state == to)
		return;
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: from %s to %s", s->ifc->name,
		   ip6_state_name(s->state), ip6_state_name(to));
	s->state = to;
}

/* ---- config ---- */

static cfg_opt_t *sec_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

static const char *sec_str(cfg_t *s, const char *name)
{
	cfg_opt_t *o = sec_opt(s, name);
	return o && o->type == CFGT_STR && cfg_opt_size(o) ? cfg_opt_getnstr(o, 0) : NULL;
}

static long sec_int(cfg_t *s, const char *name, long dflt)
{
	cfg_opt_t *o = sec_opt(s, name);
	return o && o->type == CFGT_INT && cfg_opt_size(o) ? cfg_opt_getnint(o, 0) : dflt;
}

static bool sec_bool(cfg_t *s, const char *name)
{
	cfg_opt_t *o = sec_opt(s, name);
	return o && o->type == CFGT_BOOL && cfg_opt_size(o) && cfg_opt_getnbool(o, 0);
}

/* "2001:db8::/48" */
static int parse_prefix6(const char *v, struct in6_addr *a, uint8_t *plen)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	long n;

	if (!v || strlen(v) >= sizeof(buf))
		return -EINVAL;
	g_strlcpy(buf, v, sizeof(buf));
	slash = strchr(buf, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	n = strtol(slash + 1, &end, 10);
	if (end == slash + 1 || *end || n < 0 || n > 128 || inet_pton(AF_INET6, buf, a) != 1)
		return -EINVAL;
	*plen = (uint8_t)n;
	return 0;
}

static bool prefix_has_host_bits(const struct in6_addr *a, uint8_t plen)
{
	struct in6_addr b = *a;
	ndp_prefix_mask(&b, plen);
	return memcmp(&b, a, 16) != 0;
}

/* a/alen and b/blen share addresses */
static bool overlaps(const struct in6_addr *a, uint8_t alen, const struct in6_addr *b,
		     uint8_t blen)
{
	struct in6_addr x = *a, y = *b;
	uint8_t l = MIN(alen, blen);
	ndp_prefix_mask(&x, l);
	ndp_prefix_mask(&y, l);
	return !memcmp(&x, &y, 16);
}

int ip6_config_check(cfg_t *cfg)
{
	int ret = 0;
	cfg_opt_t *routes = sec_opt(cfg, "ipv6-route");

	for (unsigned i = 0; routes && i < cfg_opt_size(routes); i++) {
		cfg_t *r = cfg_opt_getnsec(routes, i);
		const char *ifn = cfg_getstr(r, "interface");
		struct in6_addr a;
		uint8_t plen;
		if (parse_prefix6(cfg_title(r), &a, &plen) < 0 || prefix_has_host_bits(&a, plen) ||
		    IN6_IS_ADDR_LINKLOCAL(&a) || IN6_IS_ADDR_MULTICAST(&a)) {
			cfg_error(r, "ipv6-route: bad prefix \"%s\"", cfg_title(r));
			ret = -EINVAL;
		}
		if (!ifn || !*ifn) {
			cfg_error(r, "ipv6-route %s: interface missing", cfg_title(r));
			ret = -EINVAL;
		}
	}

	for (unsigned i = 0; cfg_getopt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *v = sec_str(s, "ipv6-pool");
		struct in6_addr a;
		uint8_t plen;
		long t;
		cfg_opt_t *dns = sec_opt(s, "ipv6-nd-ra-dns-server");

		if (v && (parse_prefix6(v, &a, &plen) < 0 || plen < 32 || plen > 64 ||
			  prefix_has_host_bits(&a, plen) || IN6_IS_ADDR_LINKLOCAL(&a) ||
			  IN6_IS_ADDR_MULTICAST(&a))) {
			cfg_error(s, "interface %s: ipv6-pool must be a global prefix /32../64 "
				  "with no bits past its length, not \"%s\"", cfg_title(s), v);
			ret = -EINVAL;
		}
		t = sec_int(s, "ipv6-nd-ra-interval", 200);
		if (t < 4 || t > 1800) {
			cfg_error(s, "interface %s: ipv6-nd-ra-interval must be 4..1800 s",
				  cfg_title(s));
			ret = -EINVAL;
		}
		t = sec_int(s, "ipv6-nd-ra-lifetime", 1800);
		if (t < 0 || t > 9000) {
			cfg_error(s, "interface %s: ipv6-nd-ra-lifetime must be 0..9000 s",
				  cfg_title(s));
			ret = -EINVAL;
		}
		for (unsigned j = 0; dns && j < cfg_opt_size(dns); j++) {
			if (inet_pton(AF_INET6, cfg_opt_getnstr(dns, j), &a) != 1 ||
			    IN6_IS_ADDR_MULTICAST(&a) || IN6_IS_ADDR_UNSPECIFIED(&a)) {
				cfg_error(s, "interface %s: bad ipv6-nd-ra-dns-server \"%s\"",
					  cfg_title(s), cfg_opt_getnstr(dns, j));
				ret = -EINVAL;
			}
		}
		if (dns && cfg_opt_size(dns) > 2) {
			cfg_error(s, "interface %s: at most 2 ipv6-nd-ra-dns-server", cfg_title(s));
			ret = -EINVAL;
		}
	}
	return ret;
}

/* ---- pools ---- */

static void pool_free(gpointer p)
{
	struct ip6_pool *pl = p;
	g_hash_table_destroy(pl->used);
	g_free(pl);
}

/* The pool of a section's ipv6-pool (made on first use; kept while the
 * module runs, so a lease outlives a reload that changed the prefix). */
static struct ip6_pool *pool_of(struct ip_module *m, cfg_t *sec)
{
	const char *v = sec_str(sec, "ipv6-pool");
	struct ip6_pool *pl;
	struct in6_addr a;
	uint8_t plen;
	char *key;

	if (!v || parse_prefix6(v, &a, &plen) < 0 || plen < 32 || plen > 64)
		return NULL;
	ndp_prefix_mask(&a, plen);
	key = vpdn_ifname_key(cfg_title(sec));
	char *k = g_strconcat(key, "|", v, NULL);
	g_free(key);
	pl = g_hash_table_lookup(m->pools6, k);
	if (pl) {
		g_free(k);
		return pl;
	}
	pl = g_new0(struct ip6_pool, 1);
	pl->prefix = a;
	pl->plen = plen;
	pl->size = 1ull << (64 - plen);
	pl->used = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(m->pools6, k, pl);
	return pl;
}

static void pool_prefix(const struct ip6_pool *pl, uint64_t idx, struct in6_addr *out)
{
	uint64_t hi;
	*out = pl->prefix;
	memcpy(&hi, out->s6_addr, 8);
	hi = GUINT64_FROM_BE(hi) | idx;
	hi = GUINT64_TO_BE(hi);
	memcpy(out->s6_addr, &hi, 8);
}

/* A free /64 of pl (not leased, not anyone's framed prefix): 0 and *out,
 * or -ENOSPC. */
static int pool_lease(struct ip_module *m, struct ip6_pool *pl, uint64_t *idx,
		      struct in6_addr *out)
{
	uint64_t probes = MIN(pl->size, IP6_POOL_PROBES);

	for (uint64_t i = 0; i < probes; i++) {
		uint64_t x = (pl->next + i) % pl->size;
		pool_prefix(pl, x, out);
		uint64_t k = key64(out->s6_addr);
		if (g_hash_table_contains(pl->used, GSIZE_TO_POINTER(x + 1)) ||
		    g_hash_table_contains(m->pfx6, &k))
			continue;
		g_hash_table_add(pl->used, GSIZE_TO_POINTER(x + 1));
		pl->next = (x + 1) % pl->size;
		*idx = x;
		return 0;
	}
	return -ENOSPC;
}

/* ---- kernel ---- */

static int k_addr6(struct ip_iface *ifc, bool add, const struct in6_addr *a, int plen,
		   uint32_t valid, uint32_t preferred)
{
	struct ip_module *m = ifc->m;
	return m->ops->addr6 ? m->ops->addr6(m->ops_ctx, add, ifc->ifindex, a, plen, valid,
					      preferred) : 0;
}

static int k_route6(struct ip_iface *ifc, bool add, const struct in6_addr *dst, int plen)
{
	struct ip_module *m = ifc->m;
	return m->ops->route6 ? m->ops->route6(m->ops_ctx, add, ifc->ifindex, dst, plen, 0) : 0;
}

static void warn6(struct ip_iface *ifc, const char *what, const struct in6_addr *a, int plen,
		  int r)
{
	char t[INET6_ADDRSTRLEN];
	inet_ntop(AF_INET6, a, t, sizeof(t));
	vpdn_warn(ifc->m->log, "%s IPv6: Failed to %s %s/%d on %s: %s", ifc->name, what, t, plen,
		  ifc->kname, g_strerror(-r));
}

/* ---- RA / RS ---- */

static void send6(struct ip6_session *s, const struct in6_addr *dst, bool ra)
{
	struct ip_iface *ifc = s->ifc;
	struct ip_module *m = ifc->m;
	uint8_t pkt[NDP_IP6_HLEN + NDP_RA_MAX];
	ssize_t n;

	if (ra) {
		struct ndp_ra r = {
			.cur_hop_limit = 64, .managed = s->managed, .other = s->other,
			.router_lifetime = s->ra_lifetime,
			.mtu = ifc->mtu >= 1280 ? ifc->mtu : 0,
			.n_rdnss = s->n_dns, .rdnss_lifetime = 3 * s->ra_interval_ms / 1000,
		};
		if (s->has_prefix) {
			r.prefixes[0] = (struct ndp_prefix){ .prefix = s->prefix, .plen = 64,
				.onlink = true, .autonomous = true, .valid = IP6_PREFIX_VALID,
				.preferred = IP6_PREFIX_PREFERRED };
			r.n_prefixes = 1;
		}
		memcpy(r.rdnss, s->dns, sizeof(s->dns));
		n = ndp_ra_encode(&r, &s->ll_local, dst, pkt + NDP_IP6_HLEN, NDP_RA_MAX);
	} else {
		n = ndp_rs_encode(&s->ll_local, dst, pkt + NDP_IP6_HLEN, NDP_RA_MAX);
	}
	if (n > 0)
		n = ndp_ip6_build(&s->ll_local, dst, NDP_PROTO_ICMPV6, NDP_HOP_LIMIT,
				  pkt + NDP_IP6_HLEN, (size_t)n, pkt, sizeof(pkt));
	if (n < 0 || vpdn_link_send(ifc->net, VPDN_LINK_B, pkt, (size_t)n) < 0) {
		(*m->v6_drops)++;
		return;
	}
	ifc->pkts_out++;
	ifc->bytes_out += (uint64_t)n;
	ip_count6(ifc, false, (size_t)n);
	if (ra) {
		s->ra_sent++;
		(*m->ra_sent)++;
	} else {
		s->rs_sent++;
	}
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: %s sent", ifc->name,
		   ra ? "Router Advertisement" : "Router Solicitation");
}

static const struct in6_addr all_nodes = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 } } };
static const struct in6_addr all_routers = { { { 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 } } };

static void on_timer(struct vpdn_timer *t, void *data)
{
	struct ip6_session *s = data;
	struct ip_module *m = s->ifc->m;

	switch (s->state) {
	case IP6_INITIAL:
	case IP6_ADVERTISING: {
		send6(s, &all_nodes, true);
		uint64_t next = s->ra_interval_ms;
		if (s->ra_sent < IP6_RA_INITIAL) {
			next = MIN(next, IP6_RA_INITIAL_MS);
		} else {
			set_state(s, IP6_ADVERTISING);
			/* MinRtrAdvInterval 0.75 MaxRtrAdvInterval: uniformly between */
			next -= (uint64_t)g_random_int_range(0, (gint32)(next / 4) + 1);
		}
		vpdn_timer_arm(m->timers, &s->timer, next);
		break;
	}
	case IP6_SOLICITING:
		if (s->rs_sent < IP6_RS_MAX) {
			send6(s, &all_routers, false);
			vpdn_timer_arm(m->timers, &s->timer, IP6_RS_INTERVAL_MS);
		}
		break;
	default:
		break;
	}
}

static void rs_in(struct ip6_session *s, const uint8_t *p, size_t len)
{
	struct ip_module *m = s->ifc->m;
	struct ndp_ip6 ip;
	const char *why;
	uint64_t now = vpdn_timers_now(m->timers);

	(*m->rs_received)++;
	if (ndp_ip6_parse(p, len, &ip, &why) < 0 || ndp_rs_decode(&ip, &why) < 0) {
		(*m->nd_malformed)++;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: Router Solicitation dropped: %s",
			   s->ifc->name, why);
		return;
	}
	if (s->solicited && now - s->last_solicited_ms < IP6_RA_MIN_DELAY_MS) {
		(*m->rs_limited)++;
		return;
	}
	s->solicited = true;
	s->last_solicited_ms = now;
	send6(s, IN6_IS_ADDR_UNSPECIFIED(&ip.src) ? &all_nodes : &ip.src, true);
}

static void client_default_route(struct ip6_session *s, bool add)
{
	struct in6_addr any = IN6ADDR_ANY_INIT;
	int r;

	if (s->default_added == add)
		return;
	r = k_route6(s->ifc, add, &any, 0);
	if (add && r < 0 && r != -EEXIST)
		warn6(s->ifc, "add the default route", &any, 0, r);
	s->default_added = add && r == 0;
}

static void ra_in(struct ip6_session *s, const uint8_t *p, size_t len)
{
	struct ip_iface *ifc = s->ifc;
	struct ip_module *m = ifc->m;
	struct ndp_ip6 ip;
	struct ndp_ra ra;
	const char *why;
	char t[INET6_ADDRSTRLEN];

	(*m->ra_received)++;
	if (ndp_ip6_parse(p, len, &ip, &why) < 0 || ndp_ra_decode(&ip, &ra, &why) < 0) {
		(*m->nd_malformed)++;
		vpdn_warn(m->log, "%s IPv6: Router Advertisement dropped: %s", ifc->name, why);
		return;
	}
	for (size_t i = 0; i < ra.n_prefixes; i++) {
		const struct ndp_prefix *pi = &ra.prefixes[i];
		struct in6_addr g = pi->prefix;
		int r;

		if (!pi->autonomous || pi->plen != 64 || IN6_IS_ADDR_LINKLOCAL(&g) ||
		    IN6_IS_ADDR_MULTICAST(&g) || pi->preferred > pi->valid)
			continue;   /* RFC 4862 §5.5.3 a)-c) */
		memcpy(g.s6_addr + 8, s->ll_local.s6_addr + 8, 8);
		if (s->global_added && memcmp(&g, &s->global, 16))
			continue;   /* one global address per session */
		if (!pi->valid) {
			if (s->global_added)
				k_addr6(ifc, false, &s->global, 64, 0, 0);
			s->global_added = false;
			continue;
		}
		if (s->global_added)   /* refresh the lifetimes */
			k_addr6(ifc, false, &s->global, 64, 0, 0);
		r = k_addr6(ifc, true, &g, 64, pi->valid, pi->preferred);
		if (r < 0 && r != -EEXIST) {
			warn6(ifc, "add", &g, 64, r);
			continue;
		}
		if (!s->global_added)
			vpdn_info(m->log, "%s IPv6: address %s/64 from the Router Advertisement",
				  ifc->name, inet_ntop(AF_INET6, &g, t, sizeof(t)));
		s->global = g;
		s->global_added = true;
	}
	client_default_route(s, ra.router_lifetime > 0);
	vpdn_timer_cancel(m->timers, &s->timer);
	set_state(s, IP6_CONFIGURED);
	ip_bus_changed(ifc);
}

/* May the session send from src? (server: its /64, its routes, link-local) */
static bool source_ok(const struct ip6_session *s, const struct in6_addr *src)
{
	if (!s->server || IN6_IS_ADDR_LINKLOCAL(src))
		return true;
	if (s->has_prefix && !memcmp(src, &s->prefix, 8))
		return true;
	for (unsigned i = 0; i < s->n_routes; i++)
		if (overlaps(src, 128, &s->routes[i].prefix, s->routes[i].plen))
			return true;
	return false;
}

void ip6_from_session(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;
	struct ip6_session *s = ifc->v6;
	int fd = ifc->fd >= 0 ? ifc->fd : m->shared_fd;
	int type;
	struct in6_addr src;

	if (!s || len < NDP_IP6_HLEN) {
		(*m->v6_drops)++;
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
	type = ndp_icmp6_type(p, len);
	if (type == NDP_ROUTER_SOLICIT || type == NDP_ROUTER_ADVERT) {
		/* From the peer on this interface, though not for the kernel:
		 * counted like every other packet in (accounting's counters,
		 * the PPP link's, count it too). */
		ifc->pkts_in++;
		ifc->bytes_in += len;
		ip_count6(ifc, true, len);
	}
	if (type == NDP_ROUTER_SOLICIT) {
		if (s->server)
			rs_in(s, p, len);
		return;
	}
	if (type == NDP_ROUTER_ADVERT) {
		if (!s->server)
			ra_in(s, p, len);
		else
			(*m->nd_malformed)++;   /* a subscriber claiming to be a router */
		return;
	}
	memcpy(&src, p + 8, 16);
	if (!source_ok(s, &src)) {
		(*m->v6_spoofed)++;
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
	if (m->ops->tun_write(m->ops_ctx, fd, p, len) < 0) {
		(*m->v6_drops)++;
		(*m->drops)++;
		ifc->ndrops++;
		return;
	}
	(*m->v6_tx)++;
	(*m->tx)++;
	ifc->pkts_in++;
	ifc->bytes_in += len;
	ip_count6(ifc, true, len);
}

static struct ip_iface *demux(struct ip_module *m, const struct in6_addr *dst)
{
	uint64_t k;

	if (IN6_IS_ADDR_LINKLOCAL(dst)) {
		k = key64(dst->s6_addr + 8);
		return g_hash_table_lookup(m->peers6, &k);
	}
	k = key64(dst->s6_addr);
	struct ip_iface *ifc = g_hash_table_lookup(m->pfx6, &k);
	if (ifc)
		return ifc;
	/* the longest of the other prefixes: a hash per length in use */
	return ip6_rtable_lookup(m->routes6, dst, NULL);
}

/*
 * A packet from the kernel longer than the peer's MRU (shared mode: the
 * device's MTU is every session's; per-interface the device MTU stopped
 * it): IPv6 is never fragmented on the way, so it is dropped and an
 * ICMPv6 Packet Too Big (RFC 4443 §3.2) with the MTU goes back to its
 * source, from the destination (the peer's address, as for IPv4's
 * fragmentation-needed), at most IP_ICMP_RATE a second, never about an
 * ICMPv6 error or to a multicast source.
 */
static void packet_too_big(struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	struct ip_module *m = ifc->m;
	int fd = ifc->fd >= 0 ? ifc->fd : m->shared_fd;
	uint8_t out[1280];
	struct in6_addr src, dst;
	size_t quote = MIN(len, sizeof(out) - NDP_IP6_HLEN - 8);
	uint8_t *msg = out + NDP_IP6_HLEN;
	ssize_t n;

	(*m->too_big)++;
	(*m->v6_drops)++;
	(*m->drops)++;
	ifc->ndrops++;
	memcpy(&dst, p + 8, 16);    /* the offender's source */
	memcpy(&src, p + 24, 16);
	if (IN6_IS_ADDR_MULTICAST(&dst) || IN6_IS_ADDR_UNSPECIFIED(&dst) ||
	    IN6_IS_ADDR_MULTICAST(&src) || (p[6] == NDP_PROTO_ICMPV6 && len > NDP_IP6_HLEN &&
					   p[NDP_IP6_HLEN] < 128) ||
	    fd < 0 || !ip_icmp_allowed(m))
		return;
	msg[0] = 2;                 /* Packet Too Big */
	msg[1] = msg[2] = msg[3] = 0;
	msg[4] = (uint8_t)(ifc->mtu >> 24);
	msg[5] = (uint8_t)(ifc->mtu >> 16);
	msg[6] = (uint8_t)(ifc->mtu >> 8);
	msg[7] = (uint8_t)ifc->mtu;
	memcpy(msg + 8, p, quote);
	uint16_t c = ndp_icmp6_checksum(&src, &dst, msg, 8 + quote);
	msg[2] = (uint8_t)(c >> 8);
	msg[3] = (uint8_t)c;
	n = ndp_ip6_build(&src, &dst, NDP_PROTO_ICMPV6, 64, msg, 8 + quote, out, sizeof(out));
	if (n > 0 && m->ops->tun_write(m->ops_ctx, fd, out, (size_t)n) >= 0) {
		(*m->v6_ptb_sent)++;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS,
			   "%s IPv6: %zu-octet packet over MTU %u, ICMPv6 packet too big sent",
			   ifc->name, len, ifc->mtu);
	}
}

void ip6_from_kernel(struct ip_module *m, struct ip_iface *ifc, const uint8_t *p, size_t len)
{
	if (len < NDP_IP6_HLEN) {
		(*m->v6_drops)++;
		(*m->drops)++;
		return;
	}
	if (!ifc) {
		struct in6_addr dst;
		memcpy(&dst, p + 24, 16);
		ifc = demux(m, &dst);
	}
	/* an idle dialer: dial on demand; not for the kernel's own link-scope
	 * traffic (MLD reports to ff02::16, RS, ND: link-local or multicast
	 * link-scope destinations), which would dial by itself */
	if (ifc && !ifc->net && ifc->dialer && !IN6_IS_ADDR_LINKLOCAL((const struct in6_addr *)(p + 24)) &&
	    !IN6_IS_ADDR_MC_LINKLOCAL((const struct in6_addr *)(p + 24)) &&
	    !IN6_IS_ADDR_MC_NODELOCAL((const struct in6_addr *)(p + 24))) {
		ip_dod_packet(ifc, p, len);
		return;
	}
	if (!ifc || !ifc->net || !ifc->v6) {
		(*m->v6_drops)++;
		(*m->drops)++;
		return;
	}
	if (ifc->mtu && len > ifc->mtu) {
		packet_too_big(ifc, p, len);
		return;
	}
	(*m->v6_rx)++;
	ip_iface_send(ifc, p, len);
}

/* ---- up and down ---- */

static void link_local_up(struct ip6_session *s)
{
	struct ip_iface *ifc = s->ifc;
	struct ip_module *m = ifc->m;
	int r;

	if (m->mode == IP_MODE_SHARED) {
		/* one device: fe80::local/128, shared by the sessions with that
		 * identifier (ours may be configured: every session's then) */
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(m->ll6_refs, &s->local_key));
		if (!n) {
			r = k_addr6(ifc, true, &s->ll_local, 128, NDP_INFINITY, NDP_INFINITY);
			if (r < 0 && r != -EEXIST)
				warn6(ifc, "add", &s->ll_local, 128, r);
		}
		g_hash_table_insert(m->ll6_refs, &s->local_key, GUINT_TO_POINTER(n + 1));
		s->ll_ref = true;
	} else {
		r = k_addr6(ifc, true, &s->ll_local, 64, NDP_INFINITY, NDP_INFINITY);
		s->ll_added = r == 0;
		if (r < 0 && r != -EEXIST)
			warn6(ifc, "add", &s->ll_local, 64, r);
	}
	r = k_route6(ifc, true, &s->ll_peer, 128);
	s->peer_route_added = r == 0;
	if (r < 0 && r != -EEXIST)
		warn6(ifc, "route", &s->ll_peer, 128, r);
	if (!g_hash_table_contains(m->peers6, &s->peer_key)) {
		g_hash_table_insert(m->peers6, &s->peer_key, ifc);
		s->in_peers6 = true;
	} else {
		vpdn_warn(m->log, "%s IPv6: peer interface identifier in use by another session; "
			  "its link-local address is not reachable from the shared device",
			  ifc->name);
	}
}

/* The session's /64: authorization's (a /64 nobody holds), else a lease
 * from the section's pool. */
static void prefix_up(struct ip6_session *s, cfg_t *sec, const struct vpdn_auth_ipv6 *auth)
{
	struct ip_iface *ifc = s->ifc;
	struct ip_module *m = ifc->m;
	char t[INET6_ADDRSTRLEN];
	int r;

	if (auth && auth->framed_plen) {
		uint64_t k = key64(auth->framed_prefix.s6_addr);
		const char *bad = NULL;
		if (auth->framed_plen != 64)
			bad = "not a /64";
		else if (IN6_IS_ADDR_LINKLOCAL(&auth->framed_prefix) ||
			 IN6_IS_ADDR_MULTICAST(&auth->framed_prefix) ||
			 IN6_IS_ADDR_UNSPECIFIED(&auth->framed_prefix))
			bad = "not a global prefix";
		else if (g_hash_table_contains(m->pfx6, &k))
			bad = "in use by another session";
		if (bad) {
			(*m->v6_route_refused)++;
			vpdn_warn(m->log, "%s IPv6: Framed-IPv6-Prefix %s/%u refused (%s)",
				  ifc->name, inet_ntop(AF_INET6, &auth->framed_prefix, t, sizeof(t)),
				  auth->framed_plen, bad);
		} else {
			s->prefix = auth->framed_prefix;
			ndp_prefix_mask(&s->prefix, 64);
			s->has_prefix = true;
		}
	}
	/* Framed-IPv6-Pool names an interface section (a Virtual-Template)
	 * whose ipv6-pool gives the /64; the ip module has no other named
	 * pools. Unknown, or a section without ipv6-pool: the session's own
	 * section's pool, warned and counted. */
	if (!s->has_prefix && auth && auth->framed_pool && *auth->framed_pool) {
		cfg_t *named = vpdn_interface_find(m->root, auth->framed_pool);
		struct ip6_pool *pl = named ? pool_of(m, named) : NULL;

		if (!pl) {
			(*m->v6_pool_unknown)++;
			vpdn_warn(m->log, "%s IPv6: Framed-IPv6-Pool \"%s\" is no interface with an "
				  "ipv6-pool; using the pool of %s", ifc->name, auth->framed_pool,
				  sec ? cfg_title(sec) : "(none)");
		} else if (pool_lease(m, pl, &s->lease, &s->prefix) == 0) {
			s->pool = pl;
			s->has_prefix = true;
		} else {
			(*m->v6_pool_exhausted)++;
			vpdn_warn(m->log, "%s IPv6: Framed-IPv6-Pool %s exhausted; using the pool of %s",
				  ifc->name, cfg_title(named), sec ? cfg_title(sec) : "(none)");
		}
	}
	if (!s->has_prefix && sec && (s->pool = pool_of(m, sec))) {
		if (pool_lease(m, s->pool, &s->lease, &s->prefix) == 0) {
			s->has_prefix = true;
		} else {
			(*m->v6_pool_exhausted)++;
			vpdn_warn(m->log, "%s IPv6: ipv6-pool of %s exhausted; link-local only",
				  ifc->name, cfg_title(sec));
			s->pool = NULL;
		}
	}
	if (!s->has_prefix)
		return;
	s->prefix_key = key64(s->prefix.s6_addr);
	g_hash_table_insert(m->pfx6, &s->prefix_key, ifc);
	s->in_pfx6 = true;
	r = k_route6(ifc, true, &s->prefix, 64);
	s->prefix_route_added = r == 0;
	if (r < 0)
		warn6(ifc, "route", &s->prefix, 64, r);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: prefix %s/64%s", ifc->name,
		   inet_ntop(AF_INET6, &s->prefix, t, sizeof(t)), s->pool ? " from the pool" : "");
}

static void ra_settings(struct ip6_session *s, cfg_t *sec, const struct vpdn_auth_ipv6 *auth)
{
	cfg_opt_t *dns = sec_opt(sec, "ipv6-nd-ra-dns-server");

	s->managed = sec_bool(sec, "ipv6-nd-managed-config-flag");
	s->other = sec_bool(sec, "ipv6-nd-other-config-flag");
	s->ra_interval_ms = (uint32_t)sec_int(sec, "ipv6-nd-ra-interval", 200) * 1000;
	s->ra_lifetime = (uint16_t)sec_int(sec, "ipv6-nd-ra-lifetime", 1800);
	if (auth && auth->n_dns) {
		s->n_dns = MIN(auth->n_dns, 2);
		memcpy(s->dns, auth->dns, s->n_dns * sizeof(s->dns[0]));
	} else {
		for (unsigned j = 0; dns && j < cfg_opt_size(dns) && s->n_dns < 2; j++)
			if (inet_pton(AF_INET6, cfg_opt_getnstr(dns, j), &s->dns[s->n_dns]) == 1)
				s->n_dns++;
	}
}

static void route_remove_at(struct ip6_session *s, unsigned i);

/* The ipv6-route sections naming this interface (a dialer profile's
 * routes: installed while its session has IPv6). */
static void static_routes_up(struct ip6_session *s)
{
	struct ip_iface *ifc = s->ifc;
	struct ip_module *m = ifc->m;
	cfg_opt_t *routes = sec_opt(m->root, "ipv6-route");
	int r;

	for (unsigned i = 0; routes && i < cfg_opt_size(routes); i++) {
		cfg_t *sec = cfg_opt_getnsec(routes, i);
		struct ip6_route6 rt = { .configured = true };
		if (!vpdn_ifname_eq(cfg_getstr(sec, "interface"), ifc->name) ||
		    parse_prefix6(cfg_title(sec), &rt.prefix, &rt.plen) < 0)
			continue;
		if (s->n_routes >= G_N_ELEMENTS(s->routes)) {
			vpdn_warn(m->log, "%s IPv6: more than %d ipv6-route; %s not installed",
				  ifc->name, IP6_STATIC_MAX, cfg_title(sec));
			break;
		}
		r = k_route6(ifc, true, &rt.prefix, rt.plen);
		if (r < 0 && r != -EEXIST) {
			warn6(ifc, "route", &rt.prefix, rt.plen, r);
			continue;
		}
		rt.added = r == 0;
		s->routes[s->n_routes++] = rt;
		ip6_rtable_add(m->routes6, &rt.prefix, rt.plen, ifc);
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: route %s via %s", ifc->name,
			   cfg_title(sec), ifc->kname);
	}
}

void ip6_session_down(struct ip_iface *ifc, const char *why)
{
	struct ip6_session *s = ifc->v6;
	struct ip_module *m = ifc->m;

	if (!s)
		return;
	vpdn_timer_cancel(m->timers, &s->timer);
	while (s->n_routes)
		route_remove_at(s, s->n_routes - 1);
	if (s->in_pfx6)
		g_hash_table_remove(m->pfx6, &s->prefix_key);
	if (s->prefix_route_added)
		k_route6(ifc, false, &s->prefix, 64);
	if (s->pool)
		g_hash_table_remove(s->pool->used, GSIZE_TO_POINTER(s->lease + 1));
	if (s->global_added)
		k_addr6(ifc, false, &s->global, 64, 0, 0);
	client_default_route(s, false);
	if (s->in_peers6)
		g_hash_table_remove(m->peers6, &s->peer_key);
	if (s->peer_route_added)
		k_route6(ifc, false, &s->ll_peer, 128);
	if (s->ll_added)
		k_addr6(ifc, false, &s->ll_local, 64, 0, 0);
	if (s->ll_ref) {
		guint n = GPOINTER_TO_UINT(g_hash_table_lookup(m->ll6_refs, &s->local_key));
		/* the key lives in s: a remaining user's key takes its place */
		g_hash_table_remove(m->ll6_refs, &s->local_key);
		if (n <= 1) {
			k_addr6(ifc, false, &s->ll_local, 128, 0, 0);
		} else {
			GHashTableIter it;
			gpointer k, v;
			g_hash_table_iter_init(&it, m->ifaces);
			while (g_hash_table_iter_next(&it, &k, &v)) {
				struct ip_iface *o = v;
				if (o != ifc && o->net && o->v6 && o->v6->ll_ref &&
				    o->v6->local_key == s->local_key) {
					g_hash_table_insert(m->ll6_refs, &o->v6->local_key,
							    GUINT_TO_POINTER(n - 1));
					break;
				}
			}
		}
	}
	set_state(s, IP6_DOWN);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: %s, routes and addresses removed",
		   ifc->name, why);
	g_free(s);
	ifc->v6 = NULL;
}

static void ip6_session_up(struct ip_iface *ifc, const struct vpdn_ev_ppp_ipv6 *ev)
{
	struct ip_module *m = ifc->m;
	struct ip6_session *s = g_new0(struct ip6_session, 1);
	cfg_t *sec = vpdn_interface_find(m->root, ev->config ? ev->config : ifc->name);

	s->ifc = ifc;
	ifc->v6 = s;
	if (!ifc->c6)
		ifc->c6 = g_new0(struct ip_counters6, 1);
	s->server = ev->server;
	vpdn_timer_init(&s->timer, on_timer, s);
	ndp_link_local(ev->local_ifid, &s->ll_local);
	ndp_link_local(ev->peer_ifid, &s->ll_peer);
	s->peer_key = key64(ev->peer_ifid);
	s->local_key = key64(ev->local_ifid);
	link_local_up(s);
	if (s->server) {
		ra_settings(s, sec, ev->auth);
		prefix_up(s, sec, ev->auth);
		set_state(s, IP6_INITIAL);
	} else {
		set_state(s, IP6_SOLICITING);
	}
	static_routes_up(s);
	on_timer(&s->timer, s);   /* the first RA / RS now */
	ip_bus_changed(ifc);
}

static enum vpdn_bus_verdict on_ipv6_up(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_ipv6 *ev = e->payload;
	struct ip_iface *ifc;

	if (!ev || ev->size < offsetof(struct vpdn_ev_ppp_ipv6, auth) + sizeof(ev->auth) ||
	    !ev->net || !ev->interface)
		return VPDN_BUS_PASS;
	ifc = ip_iface_by_net(m, ev->net);
	if (!ifc) {   /* IPv6 first (or alone) on this link */
		ifc = ip_session_iface(m, ev->interface, ev->config, ev->profile);
		if (!ifc)
			return VPDN_BUS_PASS;
		ip_iface_attach(ifc, ev->net, ev->interface, ev->config, ev->profile, ev->user);
		ip_iface_apply_mtu(ifc, ev->mtu);
	}
	if (ifc->v6)
		ip6_session_down(ifc, "IPv6CP renegotiated");
	ip6_session_up(ifc, ev);
	ip_dod_deliver(ifc);   /* IPv6 held for the dial */
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ipv6_down(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_ipv6 *ev = e->payload;
	struct ip_iface *ifc = ev && ev->net ? ip_iface_by_net(m, ev->net) : NULL;

	if (!ifc || !ifc->v6)
		return VPDN_BUS_PASS;
	if (ifc->v4_up) {
		ip6_session_down(ifc, "IPv6CP down");
		ip_bus_changed(ifc);
	} else {
		ip_iface_down(ifc, "IPv6CP down");   /* a Vi is freed */
	}
	return VPDN_BUS_PASS;
}

/* ---- IPV6_ROUTE ---- */

static void route_remove_at(struct ip6_session *s, unsigned i)
{
	struct ip_module *m = s->ifc->m;
	struct ip6_route6 *r = &s->routes[i];

	(void)ip6_rtable_remove(m->routes6, &r->prefix, r->plen, s->ifc);
	if (r->added)
		k_route6(s->ifc, false, &r->prefix, r->plen);
	s->routes[i] = s->routes[--s->n_routes];
}

struct other_route {
	const struct ip_iface *ifc;
	const struct in6_addr *prefix;
	uint8_t plen;
};

static bool overlaps_other(const struct in6_addr *prefix, uint8_t plen, void *val, void *data)
{
	const struct other_route *q = data;

	return val != q->ifc && overlaps(q->prefix, q->plen, prefix, plen);
}

/* NULL, or why the prefix may not be routed to ifc. */
static const char *route_refusal(struct ip_module *m, struct ip_iface *ifc,
				 const struct in6_addr *p, uint8_t plen, int *err)
{
	GHashTableIter it;
	gpointer k, v;

	*err = -EINVAL;
	if (plen == 0 || plen > 128)
		return "prefix length out of 1..128";
	if (prefix_has_host_bits(p, plen))
		return "bits set past the prefix length";
	if (plen < 16)   /* a /3 to one subscriber takes the Internet's traffic */
		return "shorter than /16";
	if (IN6_IS_ADDR_LINKLOCAL(p) || IN6_IS_ADDR_MULTICAST(p) || IN6_IS_ADDR_LOOPBACK(p) ||
	    IN6_IS_ADDR_UNSPECIFIED(p) || IN6_IS_ADDR_V4MAPPED(p) || IN6_IS_ADDR_SITELOCAL(p))
		return "not a global unicast prefix";
	g_hash_table_iter_init(&it, m->pools6);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct ip6_pool *pl = v;
		if (overlaps(p, plen, &pl->prefix, pl->plen))
			return "overlaps an ipv6-pool";
	}
	for (unsigned i = 0; cfg_getopt(m->root, "interface") &&
			     i < cfg_size(m->root, "interface"); i++) {
		const char *pv = sec_str(cfg_getnsec(m->root, "interface", i), "ipv6-pool");
		struct in6_addr a;
		uint8_t al;
		if (pv && parse_prefix6(pv, &a, &al) == 0 && overlaps(p, plen, &a, al))
			return "overlaps an ipv6-pool";
	}
	*err = -EADDRINUSE;
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		const struct ip_iface *o = v;
		if (!o->net || !o->v6)
			continue;
		if (o->v6->has_prefix && overlaps(p, plen, &o->v6->prefix, 64))
			return "overlaps a session's prefix";
	}
	struct other_route q = { .ifc = ifc, .prefix = p, .plen = plen };
	if (ip6_rtable_any(m->routes6, overlaps_other, &q))
		return "routed to another session";
	return NULL;
}

static struct ip_iface *route_session(struct ip_module *m, const char *name)
{
	struct ip_iface *ifc = ip_iface_find(m, name);
	GHashTableIter it;
	gpointer k, v;

	if (ifc && ifc->v6 && ifc->net)
		return ifc;
	g_hash_table_iter_init(&it, m->ifaces);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		ifc = v;
		if (ifc->net && ifc->v6 && ip_iface_link_name(ifc) &&
		    vpdn_ifname_eq(ip_iface_link_name(ifc), name))
			return ifc;
	}
	return NULL;
}

static int ipv6_route(struct ip_module *m, const struct vpdn_ev_ipv6_route *q)
{
	struct ip_iface *ifc = q->interface ? route_session(m, q->interface) : NULL;
	struct ip6_session *s;
	const char *why;
	char t[INET6_ADDRSTRLEN];
	int err, r;

	if (!ifc)
		return -ENOENT;
	s = ifc->v6;
	inet_ntop(AF_INET6, &q->prefix, t, sizeof(t));
	for (unsigned i = 0; i < s->n_routes; i++) {
		if (s->routes[i].plen != q->plen || memcmp(&s->routes[i].prefix, &q->prefix, 16))
			continue;
		if (q->add)
			return 0;
		route_remove_at(s, i);
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: route %s/%u removed", ifc->name,
			   t, q->plen);
		return 0;
	}
	if (!q->add)
		return -ESRCH;
	if ((why = route_refusal(m, ifc, &q->prefix, q->plen, &err))) {
		(*m->v6_route_refused)++;
		vpdn_warn(m->log, "%s IPv6: route %s/%u refused (%s)", ifc->name, t, q->plen, why);
		return err;
	}
	unsigned dynamic = 0;
	for (unsigned i = 0; i < s->n_routes; i++)
		dynamic += !s->routes[i].configured;
	if (dynamic >= IP6_ROUTES_MAX || s->n_routes >= G_N_ELEMENTS(s->routes)) {
		(*m->v6_route_refused)++;
		vpdn_warn(m->log, "%s IPv6: route %s/%u refused (more than %d on a session)",
			  ifc->name, t, q->plen, IP6_ROUTES_MAX);
		return -ENOSPC;
	}
	struct ip6_route6 *rt = &s->routes[s->n_routes++];
	*rt = (struct ip6_route6){ .prefix = q->prefix, .plen = q->plen };
	r = k_route6(ifc, true, &q->prefix, q->plen);
	if (r < 0) {
		warn6(ifc, "route", &q->prefix, q->plen, r);
		s->n_routes--;
		return r;
	}
	rt->added = true;
	ip6_rtable_add(m->routes6, &q->prefix, q->plen, ifc);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IPv6: route %s/%u to the session",
		   ifc->name, t, q->plen);
	return 0;
}

static enum vpdn_bus_verdict on_ipv6_route(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ipv6_route *q = e->payload;
	struct vpdn_request *req;
	int r;

	if (!e->request || !q || q->size < offsetof(struct vpdn_ev_ipv6_route, add) + sizeof(q->add))
		return VPDN_BUS_PASS;
	r = ipv6_route(m, q);
	if (!(req = vpdn_event_take_request(e)))
		return VPDN_BUS_PASS;
	vpdn_request_complete(req, r, NULL);
	return VPDN_BUS_CLAIM;
}

/* ---- module ---- */

void ip6_init(struct ip_module *m)
{
	struct vpdn_core *core = m->core;

	m->peers6 = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->pfx6 = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->ll6_refs = g_hash_table_new(g_int64_hash, g_int64_equal);
	m->routes6 = g_new(struct ip6_rtable, 1);
	ip6_rtable_init(m->routes6);
	m->pools6 = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pool_free);
	m->v6_rx = vpdn_core_counter(core, "ip_ipv6_rx_packets_total", "IPv6 packets from the kernel sent on sessions");
	m->v6_tx = vpdn_core_counter(core, "ip_ipv6_tx_packets_total", "IPv6 packets from sessions written to the kernel");
	m->v6_drops = vpdn_core_counter(core, "ip_ipv6_drops_total", "IPv6 packets dropped (short, no session, no IPv6 on it)");
	m->v6_spoofed = vpdn_core_counter(core, "ip_ipv6_spoofed_total", "IPv6 packets from a session with a source not its own");
	m->ra_sent = vpdn_core_counter(core, "ip_ra_sent_total", "Router Advertisements sent");
	m->rs_received = vpdn_core_counter(core, "ip_rs_received_total", "Router Solicitations from sessions");
	m->rs_limited = vpdn_core_counter(core, "ip_rs_limited_total", "Router Solicitations not answered (within MIN_DELAY_BETWEEN_RAS)");
	m->ra_received = vpdn_core_counter(core, "ip_ra_received_total", "Router Advertisements received (client sessions)");
	m->nd_malformed = vpdn_core_counter(core, "ip_nd_malformed_total", "RS/RA dropped (invalid per RFC 4861, or an RA from a subscriber)");
	m->v6_route_refused = vpdn_core_counter(core, "ip_ipv6_routes_refused_total", "IPv6 prefixes refused (IPV6_ROUTE, Framed-IPv6-Prefix)");
	m->v6_ptb_sent = vpdn_core_counter(core, "ip_ipv6_packet_too_big_total", "ICMPv6 Packet Too Big sent for packets over a peer's MRU");
	m->v6_pool_exhausted = vpdn_core_counter(core, "ip_ipv6_pool_exhausted_total", "sessions without a /64: their ipv6-pool was full");
	m->v6_pool_unknown = vpdn_core_counter(core, "ip_ipv6_pool_unknown_total", "Framed-IPv6-Pool naming no interface with an ipv6-pool (the session's own pool used)");
}

void ip6_fini(struct ip_module *m)
{
	if (m->peers6)
		g_hash_table_destroy(m->peers6);
	if (m->pfx6)
		g_hash_table_destroy(m->pfx6);
	if (m->ll6_refs)
		g_hash_table_destroy(m->ll6_refs);
	if (m->routes6) {
		ip6_rtable_clear(m->routes6);
		g_free(m->routes6);
		m->routes6 = NULL;
	}
	if (m->pools6)
		g_hash_table_destroy(m->pools6);
}

void ip6_subscribe(struct ip_module *m)
{
	m->sub_v6up = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_IPV6_UP, on_ipv6_up, m);
	m->sub_v6down = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_IPV6_DOWN, on_ipv6_down, m);
	m->sub_v6route = vpdn_bus_subscribe(m->bus, VPDN_EV_IPV6_ROUTE, on_ipv6_route, m);
}

void ip6_unsubscribe(struct ip_module *m)
{
	if (m->sub_v6up)
		vpdn_bus_unsubscribe(m->bus, m->sub_v6up);
	if (m->sub_v6down)
		vpdn_bus_unsubscribe(m->bus, m->sub_v6down);
	if (m->sub_v6route)
		vpdn_bus_unsubscribe(m->bus, m->sub_v6route);
	m->sub_v6up = m->sub_v6down = m->sub_v6route = NULL;
}

void ip6_describe(const struct ip_iface *ifc, char *ll_local, char *ll_peer, char *prefix,
		  size_t len, const char **state)
{
	const struct ip6_session *s = ifc->v6;
	char t[INET6_ADDRSTRLEN];

	*ll_local = *ll_peer = *prefix = '\0';
	*state = ip6_state_name(s ? s->state : IP6_DOWN);
	if (!s)
		return;
	inet_ntop(AF_INET6, &s->ll_local, ll_local, (socklen_t)len);
	inet_ntop(AF_INET6, &s->ll_peer, ll_peer, (socklen_t)len);
	if (s->server && s->has_prefix)
		snprintf(prefix, len, "%s/64", inet_ntop(AF_INET6, &s->prefix, t, sizeof(t)));
	else if (!s->server && s->global_added)
		snprintf(prefix, len, "%s/64", inet_ntop(AF_INET6, &s->global, t, sizeof(t)));
}

void ip6_routed_text(const struct ip_iface *ifc, char *out, size_t len)
{
	const struct ip6_session *s = ifc->v6;
	char t[INET6_ADDRSTRLEN];
	size_t used = 0;

	if (len)
		*out = '\0';
	for (unsigned i = 0; s && i < s->n_routes; i++) {
		const struct ip6_route6 *rt = &s->routes[i];
		int n;

		if (rt->configured)
			continue;
		n = snprintf(out + used, len - used, "%s%s/%u", used ? " " : "",
			     inet_ntop(AF_INET6, &rt->prefix, t, sizeof(t)), rt->plen);
		if (n < 0 || (size_t)n >= len - used) {
			out[used] = '\0';   /* whole prefixes only */
			break;
		}
		used += (size_t)n;
	}
}
