/* SPDX-License-Identifier: MIT */
/*
 * The dhcpv6 module's life: it follows PPP_IPV6_UP/DOWN to keep one
 * session per IPv6-up PPP session (server role: the peer is ours to
 * delegate to; client role: we ask the far end for a prefix), learns the
 * kernel ifindex of each interface from INTERFACE_CREATED/DESTROYED (the
 * ip module's TUN, or the shared TUN), joins ff02::1:2 there, hands what
 * the sockets receive to the session it came from, and asks the ip
 * module to route delegated prefixes (IPV6_ROUTE).
 *
 * Demultiplexing (server): a datagram belongs to the session whose peer
 * link-local address (fe80::peer_ifid, unique among a node's sessions:
 * IPv6CP Naks duplicates) is its source, and must come in on that
 * session's ifindex. Anything else is dropped with a counter and a line.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/interface.h>

#include "dhcpv6-private.h"

static const struct in6_addr all_servers = DHCPV6_ALL_SERVERS_INIT;

static guint ll_hash(gconstpointer p)
{
	const uint32_t *w = p;
	return w[0] ^ w[1] ^ w[2] ^ w[3];
}

static gboolean ll_eq(gconstpointer a, gconstpointer b)
{
	return !memcmp(a, b, sizeof(struct in6_addr));
}

static void ll_from_ifid(struct in6_addr *a, const uint8_t ifid[8])
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	memcpy(a->s6_addr + 8, ifid, 8);
}

struct dh_session *dh_session_by_name(struct dh_module *m, const char *ifname)
{
	char *k = vpdn_ifname_key(ifname);
	struct dh_session *s = g_hash_table_lookup(m->sessions, k);

	g_free(k);
	return s;
}

/* ---- sockets ---- */

static int ensure_open(struct dh_module *m, bool server)
{
	bool *open = server ? &m->server_open : &m->client_open;
	uint16_t port = server ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT;

	if (*open)
		return 0;
	int r = m->io->open(m->io_ctx, m, port);
	if (r < 0) {
		vpdn_err(m->log, "DHCPv6: Failed to open the UDP socket on port %u: %s", port,
			 g_strerror(-r));
		return r;
	}
	*open = true;
	return 0;
}

static void join(struct dh_module *m, struct dh_session *s, bool on)
{
	if (!s->server || !s->ifindex || s->joined == on || !m->server_open)
		return;
	gpointer k = GINT_TO_POINTER(s->ifindex);
	guint n = GPOINTER_TO_UINT(g_hash_table_lookup(m->joins, k));
	if (on) {
		if (!n) {
			int r = m->io->join(m->io_ctx, DHCPV6_SERVER_PORT, s->ifindex, true);
			if (r < 0) {
				vpdn_err(m->log, "%s DHCPv6: Failed to join ff02::1:2 on ifindex %d: %s",
					 s->interface, s->ifindex, g_strerror(-r));
				return;
			}
		}
		g_hash_table_insert(m->joins, k, GUINT_TO_POINTER(n + 1));
	} else {
		if (n <= 1) {
			g_hash_table_remove(m->joins, k);
			m->io->join(m->io_ctx, DHCPV6_SERVER_PORT, s->ifindex, false);
		} else {
			g_hash_table_insert(m->joins, k, GUINT_TO_POINTER(n - 1));
		}
	}
	s->joined = on;
}

int dh_send(struct dh_module *m, struct dh_session *s, bool to_server, const struct dhcpv6_msg *msg)
{
	uint8_t buf[DHCPV6_MSG_MAX];
	ssize_t n = dhcpv6_encode(msg, buf, sizeof(buf));

	if (n < 0)
		return (int)n;
	if (!s->ifindex) {
		vpdn_warn(m->log, "%s DHCPv6: %s not sent: no kernel interface known for %s yet",
			  s->interface, dhcpv6_msg_type_name(msg->type), s->interface);
		return -ENXIO;
	}
	int r = m->io->send(m->io_ctx, to_server ? DHCPV6_CLIENT_PORT : DHCPV6_SERVER_PORT,
			    s->ifindex, &s->local_ll, to_server ? &all_servers : &s->peer_ll,
			    to_server ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT, buf, (size_t)n);
	if (r < 0)
		vpdn_warn(m->log, "%s DHCPv6: Failed to send %s: %s", s->interface,
			  dhcpv6_msg_type_name(msg->type), g_strerror(-r));
	return r;
}

/* ---- routes ---- */

struct route_done {
	struct dh_module *m;
	struct dh_lease *l;     /* NULL for a removal (nobody waits) */
	char interface[IFNAMSIZ + 16];
	bool add;
};

static void on_route_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct route_done *d = data;

	(void)reply;
	g_hash_table_steal(d->m->routing, req);
	if (d->l)
		d->l->route_req = NULL;
	/* a removal finding nothing: the ip module took the route away with
	 * the session already (-ENOENT: no session, -ESRCH: no such route) */
	if (status < 0 && !(!d->add && (status == -ENOENT || status == -ESRCH))) {
		(*d->m->c_route_failed)++;
		vpdn_warn(d->m->log, "%s DHCPv6: Failed to %s the delegated prefix's route: %s",
			  d->interface, d->add ? "add" : "remove", g_strerror(-status));
	}
	g_free(d);
}

void dh_route(struct dh_module *m, struct dh_lease *l, bool add)
{
	struct vpdn_ev_ipv6_route ev = {
		.size = sizeof(ev),
		.interface = l->s->interface,
		.prefix = l->prefix,
		.plen = l->plen,
		.via = l->s->peer_ll,
		.add = add,
	};
	struct route_done *d = g_new0(struct route_done, 1);

	d->m = m;
	d->l = add ? l : NULL;
	d->add = add;
	g_strlcpy(d->interface, l->s->interface, sizeof(d->interface));
	struct vpdn_request *req = vpdn_bus_request(m->bus, VPDN_EV_IPV6_ROUTE, &ev, on_route_done, d);
	if (!req) {
		g_free(d);
		return;
	}
	g_hash_table_insert(m->routing, req, d);
	if (add) {
		l->route_req = req;
		l->routed = true;
	}
}

/* ---- sessions ---- */

static void session_free(gpointer p)
{
	struct dh_session *s = p;
	struct dh_module *m = s->m;

	if (s->client)
		dh_client_free(s->client);
	while (s->leases->len)
		dh_lease_end(s->leases->pdata[s->leases->len - 1], "session down");
	g_ptr_array_free(s->leases, TRUE);
	join(m, s, false);
	if (s->server && g_hash_table_lookup(m->by_ll, &s->peer_ll) == s)
		g_hash_table_remove(m->by_ll, &s->peer_ll);
	g_free(s->interface);
	g_free(s->config);
	g_free(s->user);
	g_free(s->pool_name);
	g_free(s);
}

static cfg_t *iface_cfg(struct dh_module *m, const char *name)
{
	return name && m->cfg ? vpdn_interface_find(m->cfg, name) : NULL;
}

static const char *iface_str(struct dh_module *m, const struct vpdn_ev_ppp_ipv6 *ev,
			     const char *opt, cfg_t **where)
{
	const char *names[] = { ev->profile, ev->config, ev->interface };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		cfg_t *c = iface_cfg(m, names[i]);
		const char *v = c ? cfg_getstr(c, opt) : NULL;
		if (v) {
			if (where)
				*where = c;
			return v;
		}
	}
	return NULL;
}

/* The interface a session is known by, as the ip module names it: the
 * dialer profile a call is bound to, else the PPP interface ("Vi2"). */
static const char *session_name(const struct vpdn_ev_ppp_ipv6 *ev)
{
	return ev->profile ? ev->profile : ev->interface;
}

static void on_ipv6_up(struct dh_module *m, const struct vpdn_ev_ppp_ipv6 *ev)
{
	struct dh_session *s, *old;
	cfg_t *where = NULL;
	const char *pd = NULL;

	const char *name = session_name(ev);

	if (!name)
		return;
	if (!ev->server) {
		pd = iface_str(m, ev, "dhcpv6-client-pd", &where);
		if (!pd)
			return;   /* this dialer asks for no prefix */
	}
	char *key = vpdn_ifname_key(name);
	if ((old = g_hash_table_lookup(m->sessions, key)))
		g_hash_table_remove(m->sessions, key);
	s = g_new0(struct dh_session, 1);
	s->m = m;
	s->interface = g_strdup(name);
	s->config = g_strdup(ev->config);
	s->user = g_strdup(ev->user);
	s->server = ev->server;
	s->leases = g_ptr_array_new();
	ll_from_ifid(&s->peer_ll, ev->peer_ifid);
	ll_from_ifid(&s->local_ll, ev->local_ifid);
	gpointer idx = g_hash_table_lookup(m->ifindex, key);
	s->ifindex = GPOINTER_TO_INT(idx);
	g_hash_table_insert(m->sessions, key, s);

	if (s->server) {
		const struct vpdn_auth_ipv6 *a = ev->auth;
		if (a && a->delegated_plen && a->delegated_plen <= 128) {
			s->auth_prefix = a->delegated_prefix;
			s->auth_plen = a->delegated_plen;
			dh_prefix_mask(&s->auth_prefix, s->auth_plen);
		}
		if (a && a->n_dns) {
			s->n_dns = a->n_dns < G_N_ELEMENTS(a->dns) ? a->n_dns : G_N_ELEMENTS(a->dns);
			memcpy(s->dns, a->dns, sizeof(a->dns[0]) * s->n_dns);
		}
		if (a && a->delegated_pool)
			s->pool_name = g_strdup(a->delegated_pool);
		else
			s->pool_name = g_strdup(iface_str(m, ev, "dhcpv6-server", NULL));
		struct dh_session *prev = g_hash_table_lookup(m->by_ll, &s->peer_ll);
		if (prev && prev != s)
			vpdn_warn(m->log, "%s DHCPv6: peer link-local address also %s's: "
				  "answering %s from now on", s->interface, prev->interface,
				  s->interface);
		g_hash_table_insert(m->by_ll, &s->peer_ll, s);
		if (ensure_open(m, true) == 0)
			join(m, s, true);
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: serving %s (pool %s%s)",
			   s->interface, s->user ? s->user : "the peer",
			   s->pool_name ? s->pool_name : "none",
			   s->auth_plen ? ", Delegated-IPv6-Prefix" : "");
		return;
	}
	struct in6_addr host;
	uint8_t hl = 64;
	const char *addr = where ? cfg_getstr(where, "dhcpv6-client-pd-address") : "::1/64";
	if (dh_parse_host(addr ? addr : "::1/64", &host, &hl) < 0)
		dh_parse_host("::1/64", &host, &hl);
	if (ensure_open(m, false) == 0)
		s->client = dh_client_new(s, where ? cfg_getstr(where, "dhcpv6-client-pd-interface") : NULL,
					  &host, hl);
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: asking for prefix %s", s->interface, pd);
}

static enum vpdn_bus_verdict on_event(const struct vpdn_event *e, void *data)
{
	struct dh_module *m = data;

	switch (e->type) {
	case VPDN_EV_PPP_IPV6_UP:
		on_ipv6_up(m, e->payload);
		break;
	case VPDN_EV_PPP_IPV6_DOWN: {
		const struct vpdn_ev_ppp_ipv6 *ev = e->payload;
		char *k = session_name(ev) ? vpdn_ifname_key(session_name(ev)) : NULL;
		if (k)
			g_hash_table_remove(m->sessions, k);
		g_free(k);
		break;
	}
	case VPDN_EV_INTERFACE_CREATED: {
		const struct vpdn_ev_interface *ev = e->payload;
		if (!ev->name || ev->ifindex <= 0)
			break;
		g_hash_table_insert(m->ifindex, vpdn_ifname_key(ev->name),
				    GINT_TO_POINTER(ev->ifindex));
		struct dh_session *s = dh_session_by_name(m, ev->name);
		if (s && s->ifindex != ev->ifindex) {
			join(m, s, false);
			s->ifindex = ev->ifindex;
			join(m, s, true);
		}
		break;
	}
	case VPDN_EV_INTERFACE_DESTROYED: {
		const struct vpdn_ev_interface *ev = e->payload;
		if (!ev->name)
			break;
		char *k = vpdn_ifname_key(ev->name);
		g_hash_table_remove(m->ifindex, k);
		g_free(k);
		struct dh_session *s = dh_session_by_name(m, ev->name);
		if (s) {
			join(m, s, false);
			s->ifindex = 0;
		}
		break;
	}
	default:
		break;
	}
	return VPDN_BUS_PASS;
}

/* ---- input ---- */

void dhcpv6_module_input(struct dh_module *m, uint16_t port, int ifindex,
			 const struct in6_addr *src, const uint8_t *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];
	struct dhcpv6_msg msg;
	const char *why;
	struct dh_session *s = NULL;

	inet_ntop(AF_INET6, src, a, sizeof(a));
	if (port == DHCPV6_SERVER_PORT) {
		s = g_hash_table_lookup(m->by_ll, src);
		if (!s || !s->ifindex || s->ifindex != ifindex) {
			(*m->c_unknown_source)++;
			vpdn_warn(m->log, "DHCPv6: datagram from %s (ifindex %d) dropped: %s", a,
				  ifindex, s ? "not on its session's interface" : "not a session's peer");
			return;
		}
	} else {
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, m->sessions);
		while (g_hash_table_iter_next(&it, &k, &v)) {
			struct dh_session *c = v;
			if (c->client && c->ifindex == ifindex) {
				s = c;
				break;
			}
		}
		if (!s) {
			(*m->c_unknown_source)++;
			vpdn_warn(m->log, "DHCPv6: datagram from %s to the client port (ifindex %d) "
				  "dropped: no client on that interface", a, ifindex);
			return;
		}
	}
	if (len > DHCPV6_MSG_MAX) {
		(*m->c_oversize)++;
		vpdn_warn(m->log, "%s DHCPv6: datagram of %zu octets from %s dropped: over %d",
			  s->interface, len, a, DHCPV6_MSG_MAX);
		return;
	}
	int r = dhcpv6_decode(buf, len, &msg, &why);
	if (r < 0) {
		(*m->c_malformed)++;
		vpdn_warn(m->log, "%s DHCPv6: malformed datagram from %s dropped: %s",
			  s->interface, a, why);
		return;
	}
	vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: %s xid 0x%06x from %s",
		   s->interface, dhcpv6_msg_type_name(msg.type), msg.xid, a);
	if (port == DHCPV6_SERVER_PORT)
		dh_server_input(m, s, &msg);
	else
		dh_client_input(s->client, &msg);
}

/* ---- the module ---- */

size_t dhcpv6_module_leases(const struct dh_module *m)
{
	return m->n_leases;
}

int dhcpv6_module_session_leases(struct dh_module *m, const char *ifname)
{
	struct dh_session *s = dh_session_by_name(m, ifname);

	return s ? (int)s->leases->len : -1;
}

/* Our DUID-LL: a locally administered Ethernet address from the hostname
 * (stable across restarts: clients keep talking to "the same" server). */
static void make_duid(struct dh_module *m)
{
	const char *host = vpdn_core_hostname(m->core);
	guint8 dig[32];
	gsize n = sizeof(dig);
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	g_checksum_update(ck, (const guchar *)"vpdnd-dhcpv6:", 13);
	g_checksum_update(ck, (const guchar *)(host ? host : ""), -1);
	g_checksum_get_digest(ck, dig, &n);
	g_checksum_free(ck);
	dig[0] = (uint8_t)((dig[0] & 0xfc) | 0x02);
	dhcpv6_duid_ll(&m->duid, 1, dig, 6);
}

#define COUNTER(field, name, help) m->field = vpdn_core_counter(core, name, help)

int dhcpv6_module_new(struct vpdn_core *core, cfg_t *cfg, const struct dh_io_ops *io,
		      void *io_ctx, struct dh_module **out)
{
	struct dh_module *m = g_new0(struct dh_module, 1);
	static const uint32_t types[] = { VPDN_EV_PPP_IPV6_UP, VPDN_EV_PPP_IPV6_DOWN,
					  VPDN_EV_INTERFACE_CREATED, VPDN_EV_INTERFACE_DESTROYED };
	int r;

	m->core = core;
	m->bus = vpdn_core_bus(core);
	m->tm = vpdn_core_timers(core);
	m->log = vpdn_core_log(core);
	m->io = io ? io : &dh_io_real;
	m->io_ctx = io ? io_ctx : NULL;
	m->sessions = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, session_free);
	m->by_ll = g_hash_table_new(ll_hash, ll_eq);
	m->ifindex = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	m->joins = g_hash_table_new(g_direct_hash, g_direct_equal);
	m->routing = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	COUNTER(c_malformed, "dhcpv6_malformed_total", "DHCPv6 datagrams dropped: malformed or missing identifiers");
	COUNTER(c_unknown_source, "dhcpv6_unknown_source_total", "DHCPv6 datagrams dropped: not from a session's peer");
	COUNTER(c_wrong_server, "dhcpv6_wrong_server_id_total", "DHCPv6 messages dropped: another server's (or no) Server Identifier");
	COUNTER(c_oversize, "dhcpv6_oversize_total", "DHCPv6 datagrams dropped: over 1500 octets");
	COUNTER(c_no_binding, "dhcpv6_no_binding_total", "DHCPv6 IA_PDs answered NoBinding");
	COUNTER(c_limit, "dhcpv6_lease_limit_total", "DHCPv6 IA_PDs refused: per-session or node lease limit");
	COUNTER(c_no_prefix, "dhcpv6_no_prefix_total", "DHCPv6 IA_PDs refused: no pool, pool full");
	COUNTER(c_unexpected, "dhcpv6_unexpected_total", "DHCPv6 messages dropped: not for our role");
	COUNTER(c_bound, "dhcpv6_leases_bound_total", "DHCPv6 prefixes delegated");
	COUNTER(c_ended, "dhcpv6_leases_ended_total", "DHCPv6 delegations ended");
	COUNTER(c_route_failed, "dhcpv6_route_failed_total", "IPV6_ROUTE requests that failed");
	if ((r = dh_config_apply(m, cfg)) < 0)
		goto fail;
	if (!io && (r = dh_sock_new(m, &m->io_ctx)) < 0)
		goto fail;
	make_duid(m);
	for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
		m->subs[i] = vpdn_bus_subscribe(m->bus, types[i], on_event, m);
	if ((r = dh_bus_register(m)) < 0)
		goto fail;
	*out = m;
	return 0;
fail:
	dhcpv6_module_free(m);
	return r;
}

int dhcpv6_module_reload(struct dh_module *m, cfg_t *cfg)
{
	return dh_config_apply(m, cfg);
}

void dhcpv6_module_free(struct dh_module *m)
{
	if (!m)
		return;
	dh_bus_unregister(m);
	for (size_t i = 0; i < G_N_ELEMENTS(m->subs); i++)
		if (m->subs[i])
			vpdn_bus_unsubscribe(m->bus, m->subs[i]);
	if (m->sessions)
		g_hash_table_destroy(m->sessions);
	/* the removals the sessions' end asked: nobody is left to hear them */
	if (m->routing) {
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, m->routing);
		while (g_hash_table_iter_next(&it, &k, &v))
			vpdn_request_cancel(k);   /* its done never runs: d freed below */
		g_hash_table_destroy(m->routing);
	}
	if (m->io && m->io->close && m->io_ctx)
		m->io->close(m->io_ctx);
	if (m->by_ll)
		g_hash_table_destroy(m->by_ll);
	if (m->ifindex)
		g_hash_table_destroy(m->ifindex);
	if (m->joins)
		g_hash_table_destroy(m->joins);
	if (m->pools)
		g_hash_table_destroy(m->pools);
	g_free(m);
}
