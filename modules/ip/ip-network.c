/* SPDX-License-Identifier: MIT */
/* The ip module's sessions: a PPP network comes up (VPDN_EV_PPP_NETWORK_UP)
 * on a Virtual-Access interface made for it or on its dialer profile's,
 * with its address, host route and MTU, and goes down again; which
 * session holds a peer address (VPDN_EV_ADDRESS_CHECK, the owner rule);
 * calls bound to a profile (VPDN_EV_DIALER_BIND) and failed dials. */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "frag.h"
#include "ip-private.h"

/* The MTU toward a peer of MRU mru: at most ip { mtu }, at least
 * IP_MTU_MIN; 0 (idle) for mru 0. */
static uint32_t peer_mtu(const struct ip_module *m, uint32_t mru)
{
	uint32_t mtu = mru ? MIN(mru, m->mtu) : 0;

	return mtu && mtu < IP_MTU_MIN ? IP_MTU_MIN : mtu;
}

/* The MTU a shared-mode host route carries for a peer of MRU mru, 0 for
 * none (the device's, ip { mtu }, is the same or smaller). */
static uint32_t host_route_mtu(const struct ip_module *m, uint32_t mru)
{
	uint32_t mtu = peer_mtu(m, mru);

	return m->mode == IP_MODE_SHARED && mtu < m->mtu ? mtu : 0;
}

/*
 * The MTU toward the peer follows its negotiated MRU (at most ip { mtu },
 * the idle devices' MTU): the device's in per-interface mode, the host
 * route's in shared mode (one device for all). The kernel then answers DF
 * packets over it with ICMP fragmentation-needed and fragments the others;
 * send_fit() enforces it for whatever still comes. mru 0: idle again.
 * A host route that iface_up() added with this MTU already (route_mtu)
 * needs no replace: one round trip per set-up instead of two.
 */
void ip_iface_apply_mtu(struct ip_iface *ifc, uint32_t mru)
{
	struct ip_module *m = ifc->m;
	uint32_t mtu = peer_mtu(m, mru);
	uint32_t was = ifc->mtu ? ifc->mtu : m->mtu;
	int r = 0;

	ifc->mtu = mtu;
	if (m->mode == IP_MODE_PER_INTERFACE) {
		uint32_t want = mtu ? mtu : m->mtu;
		if (ifc->fd >= 0 && m->ops->link_mtu && want != was)
			r = m->ops->link_mtu(m->ops_ctx, ifc->ifindex, want);
	} else if (mtu && mtu < m->mtu && ifc->route_added && mtu != ifc->route_mtu &&
		   m->ops->route_mtu) {
		r = m->ops->route_mtu(m->ops_ctx, ifc->ifindex, ifc->peer, 32, ifc->local, mtu);
		if (r == -EINVAL && ifc->local.s_addr) /* installed without a source */
			r = m->ops->route_mtu(m->ops_ctx, ifc->ifindex, ifc->peer, 32,
					      (struct in_addr){ 0 }, mtu);
		if (r == 0)
			ifc->route_mtu = mtu;
	}
	if (r < 0)
		vpdn_warn(m->log, "%s IP: Failed to set MTU %u on %s: %s", ifc->name, mtu, ifc->kname,
			  g_strerror(-r));
	else if (mtu && mtu != m->mtu)
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: MTU %u (the peer's MRU) on %s%s",
			   ifc->name, mtu, ifc->kname,
			   m->mode == IP_MODE_SHARED ? ", route" : "");
}

/* The IPv4 side of the session goes (its host route, address, the
 * authorization's routes, its entry in the peers table); the link and
 * the IPv6 side stay. */
void ip_iface_v4_down(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;

	/* Only our own entry: a newer session of the owner may hold it now. */
	if (ifc->in_peers &&
	    g_hash_table_lookup(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr)) == ifc)
		g_hash_table_remove(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr));
	ifc->in_peers = false;
	ip_framed_routes_remove(ifc);
	if (ifc->route_added)
		m->ops->route(m->ops_ctx, false, ifc->ifindex, ifc->peer, 32, ifc->local, 0, 0);
	if (ifc->addr_added) {
		m->ops->addr(m->ops_ctx, false, ifc->ifindex, ifc->local, 32);
		if (ifc->dialer)
			ip_static_routes_restore(ifc);
	}
	ifc->route_added = ifc->addr_added = false;
	ifc->route_mtu = 0;
	ifc->v4_up = false;
}

void ip_iface_down(struct ip_iface *ifc, const char *why)
{
	struct ip_module *m = ifc->m;
	char a[INET_ADDRSTRLEN];

	if (!ifc->net)
		return;
	inet_ntop(AF_INET, &ifc->peer, a, sizeof(a));
	vpdn_link_detach(ifc->net, VPDN_LINK_B);
	vpdn_link_unref(ifc->net);
	ifc->net = NULL;
	ip_iface_v4_down(ifc);
	if (ifc->v6)
		ip6_session_down(ifc, why);
	if (ifc->dialer && ifc->mtu)
		ip_iface_apply_mtu(ifc, 0);
	ifc->mtu = 0;
	if (ifc->peer.s_addr)
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: %s, route to %s removed", ifc->name,
			   why, a);
	else
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: %s", ifc->name, why);
	g_clear_pointer(&ifc->user, g_free);
	g_clear_pointer(&ifc->link_name, g_free);
	if (ifc->dialer) {
		g_clear_pointer(&ifc->profile, g_free);
		ifc->config = NULL;
		ifc->profile_is_name = false;
	}
	ip_bus_changed(ifc);
	if (!ifc->dialer)
		ip_iface_destroy(ifc);
}

/* The session of `held` loses its address to a newer session of the same
 * owner: its route goes now and its PPP session is ended (the network link
 * hung up), so nothing of it is left to remove the new route later. */
static void take_over(struct ip_iface *held, const char *by)
{
	struct ip_module *m = held->m;
	struct vpdn_link *net = vpdn_link_ref(held->net);
	char a[INET_ADDRSTRLEN], why[64];

	inet_ntop(AF_INET, &held->peer, a, sizeof(a));
	vpdn_log_write(m->log, VPDN_LOG_NOTICE, -1,
		       "%s IP: %s taken over by a newer session of its owner on %s; "
		       "ending this one", held->name, a, by);
	(*m->addr_takeovers)++;
	snprintf(why, sizeof(why), "replaced by %s", by);
	ip_iface_down(held, why);   /* held may be freed */
	vpdn_link_hangup(net, VPDN_LINK_B, -EADDRINUSE);
	vpdn_link_unref(net);
}

/* May a session of `owner` have a? NULL, or why not (and *holder). The
 * owner rule of VPDN_EV_ADDRESS_CHECK (events.h). */
static const char *address_refusal(struct ip_module *m, struct in_addr a, const char *owner,
				   bool authorized, const char *asking, const char **holder)
{
	struct ip_iface *held = g_hash_table_lookup(m->peers, GUINT_TO_POINTER(a.s_addr));
	struct ip_route_info ri;

	*holder = NULL;
	if (held) {
		if (ip_iface_owner(held) && owner && !strcmp(ip_iface_owner(held), owner))
			return NULL;    /* the owner again: its newest session wins */
		if (asking && !strcmp(held->name, asking))
			return NULL;
		*holder = held->name;
		return "in use by another session";
	}
	for (guint i = 0; i < m->loop_objs->len; i++)
		if (((struct ip_loop *)g_ptr_array_index(m->loop_objs, i))->addr.s_addr == a.s_addr)
			return "one of our addresses";
	if (!m->ops->route_get || m->ops->route_get(m->ops_ctx, a, &ri) < 0)
		return NULL;    /* no kernel to ask, or no route at all */
	switch (ri.type) {
	case RTN_UNICAST:
		break;
	case RTN_LOCAL:
		return "one of our addresses";
	case RTN_BROADCAST:
		return "a broadcast address of a connected network";
	case RTN_MULTICAST:
	case RTN_ANYCAST:
		return "not a unicast address";
	default:
		return NULL;    /* blackhole, unreachable, prohibit: not routed */
	}
	/* A peer-chosen address must not be one the kernel reaches directly
	 * (a host on a connected LAN, a dialer profile's remote). */
	if (!authorized && !ri.gateway)
		return "routed to a connected network";
	return NULL;
}

static enum vpdn_bus_verdict on_address_check(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_address_check *q = e->payload;
	struct vpdn_ev_address_refusal r = { .size = sizeof(r) };
	struct vpdn_request *req;

	if (!e->request || !q || q->size < offsetof(struct vpdn_ev_address_check, authorized) +
					   sizeof(q->authorized))
		return VPDN_BUS_PASS;
	r.reason = address_refusal(m, q->address, q->owner, q->authorized, q->interface,
				   &r.holder);
	if (!r.reason || !(req = vpdn_event_take_request(e)))
		return VPDN_BUS_PASS;
	(*m->addr_refused)++;
	vpdn_request_complete(req, r.holder ? -EADDRINUSE : -EADDRNOTAVAIL, &r);
	return VPDN_BUS_CLAIM;
}

/* INTERFACE_COUNTERS (events.h): the session's interface, by its network
 * link when given (the interface name may be reused), else by name. */
static enum vpdn_bus_verdict on_counters(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_interface_counters *q = e->payload;
	struct vpdn_ev_interface_counters_reply r = { .size = sizeof(r) };
	struct ip_iface *ifc = NULL;
	struct vpdn_request *req;

	if (!e->request || !q || q->size < offsetof(struct vpdn_ev_interface_counters, net) +
					   sizeof(q->net))
		return VPDN_BUS_PASS;
	if (q->net)
		ifc = ip_iface_by_net(m, q->net);
	else if (q->interface)
		ifc = ip_iface_find(m, q->interface);
	if (!ifc || !ifc->net || !(req = vpdn_event_take_request(e)))
		return VPDN_BUS_PASS;
	r.in_packets = ifc->pkts_in;
	r.out_packets = ifc->pkts_out;
	r.in_octets = ifc->bytes_in;
	r.out_octets = ifc->bytes_out;
	if (ifc->c6) {
		r.in_packets6 = ifc->c6->pkts_in;
		r.out_packets6 = ifc->c6->pkts_out;
		r.in_octets6 = ifc->c6->bytes_in;
		r.out_octets6 = ifc->c6->bytes_out;
	}
	r.ipv6 = ifc->v6 != NULL;
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

void ip_iface_attach(struct ip_iface *ifc, struct vpdn_link *net, const char *interface,
		     const char *config, const char *profile, const char *user)
{
	ifc->net = vpdn_link_ref(net);
	ifc->up_since = g_get_monotonic_time();
	ifc->pkts_in = ifc->pkts_out = ifc->bytes_in = ifc->bytes_out = ifc->ndrops = 0;
	if (ifc->c6 && ifc->v6)        /* IPv6 up already: counts from here */
		memset(ifc->c6, 0, sizeof(*ifc->c6));
	else
		g_clear_pointer(&ifc->c6, g_free);
	g_free(ifc->user);
	ifc->user = g_strdup(user);
	g_free(ifc->link_name);
	ifc->link_name = interface && strcmp(interface, ifc->name) ? g_strdup(interface) : NULL;
	if (!interface) /* ip_iface_link_name() would say `name` */
		ifc->link_name = g_strdup("");
	ifc->config = config ? g_intern_string(config) : NULL;
	g_free(ifc->profile);
	ifc->profile_is_name = !profile && ifc->dialer;
	ifc->profile = g_strdup(profile ? profile : (ifc->dialer ? ifc->name : NULL));
	vpdn_link_attach(ifc->net, VPDN_LINK_B, &ip_iface_net_ops, ifc);
}

static int iface_up(struct ip_iface *ifc, const struct vpdn_ev_ppp_network *ev)
{
	struct ip_module *m = ifc->m;
	char a[INET_ADDRSTRLEN];
	const char *owner = vpdn_address_owner(ev->user, ev->profile, ev->config);
	int r;

	/* A link carries one network: ip_iface_by_net() finds each up link's one
	 * interface (a second NETWORK_UP on a link moves it). */
	struct ip_iface *old = ip_iface_by_net(m, ev->net);
	if (old && old != ifc && ifc->net != ev->net)
		ip_iface_down(old, "moved");
	/* The peers table says who has the address: the owner's newest
	 * session takes it, another owner's is refused (two sessions that
	 * passed ADDRESS_CHECK before either was up). */
	struct ip_iface *held = ev->peer.s_addr
		? g_hash_table_lookup(m->peers, GUINT_TO_POINTER(ev->peer.s_addr)) : NULL;
	if (held && held != ifc) {
		if (!ip_iface_owner(held) || !owner || strcmp(ip_iface_owner(held), owner)) {
			inet_ntop(AF_INET, &ev->peer, a, sizeof(a));
			vpdn_warn(m->log, "%s IP: %s is in use by the session on %s; "
				  "this session is refused", ev->interface, a, held->name);
			(*m->addr_refused)++;
			vpdn_link_hangup(ev->net, VPDN_LINK_B, -EADDRINUSE);
			return -EADDRINUSE;
		}
		take_over(held, ev->interface);
	}
	ifc->local = ev->local;
	if (!ifc->local.s_addr)
		ifc->local = ip_section_address(m->root, vpdn_interface_find(m->root, ev->config));
	ifc->peer = ev->peer;
	if (ifc->net != ev->net)   /* else IPv6 came first: attached already */
		ip_iface_attach(ifc, ev->net, ev->interface, ev->config, ev->profile, ev->user);
	ifc->v4_up = true;

	if (m->mode == IP_MODE_PER_INTERFACE && ifc->local.s_addr) {
		r = m->ops->addr(m->ops_ctx, true, ifc->ifindex, ifc->local, 32);
		if (r == -EEXIST && ifc->adopted)
			r = 0;   /* kept across a restart (ip-state.c) */
		ifc->addr_added = r == 0;
		if (r < 0 && r != -EEXIST)
			vpdn_warn(m->log, "%s IP: Failed to add local address: %s", ifc->name,
				  g_strerror(-r));
	}
	if (ifc->peer.s_addr) {
		/* shared mode: the route comes with the peer's MTU (the MRU
		 * is known by now), ip_iface_apply_mtu() below has nothing
		 * left to send */
		uint32_t rmtu = host_route_mtu(m, ev->mtu);

		r = m->ops->route(m->ops_ctx, true, ifc->ifindex, ifc->peer, 32, ifc->local, 0,
				  rmtu);
		if (r == -EINVAL && ifc->local.s_addr) /* source not local here */
			r = m->ops->route(m->ops_ctx, true, ifc->ifindex, ifc->peer, 32,
					  (struct in_addr){ 0 }, 0, rmtu);
		ifc->route_mtu = r == 0 ? rmtu : 0;
		/* an adopted route keeps the MTU it had: apply_mtu replaces it */
		if (r == -EEXIST && (ifc->adopted || m->shared_adopted))
			r = 0;   /* kept across a restart (ip-state.c) */
		ifc->route_added = r == 0;
		g_hash_table_insert(m->peers, GUINT_TO_POINTER(ifc->peer.s_addr), ifc);
		ifc->in_peers = true;
		if (r < 0) {
			/* No route, no traffic: the session would be a black hole
			 * (EEXIST: a route we did not make, same metric). */
			vpdn_warn(m->log, "%s IP: Failed to install route to %s on %s: %s; "
				  "ending the session", ifc->name,
				  inet_ntop(AF_INET, &ifc->peer, a, sizeof(a)), ifc->kname,
				  g_strerror(-r));
			(*m->route_failures)++;
			struct vpdn_link *net = vpdn_link_ref(ifc->net);
			bool dialer = ifc->dialer;
			ip_iface_down(ifc, "route refused");   /* a Vi is freed */
			vpdn_link_hangup(net, VPDN_LINK_B, r);
			vpdn_link_unref(net);
			return dialer ? r : 1;   /* 1: freed already */
		}
		/* the address text only when a line is written (a set-up's cost) */
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: Install route to %s on %s",
			   ifc->name, inet_ntop(AF_INET, &ifc->peer, a, sizeof(a)), ifc->kname);
	}
	ip_framed_routes_add(ifc, ev);
	ip_iface_apply_mtu(ifc, ev->mtu);
	/* Deliver what waited for the dial, in order. */
	ip_dod_deliver(ifc);
	ip_bus_changed(ifc);
	return 0;
}

struct ip_iface *ip_session_iface(struct ip_module *m, const char *interface, const char *config,
				  const char *profile)
{
	struct ip_iface *ifc = NULL;

	/* an answered call the dialer bound to a profile (none at an LNS:
	 * no key made for an empty table) */
	if (!profile && g_hash_table_size(m->binds)) {
		char *k = vpdn_ifname_key(interface);
		profile = g_hash_table_lookup(m->binds, k);
		g_free(k);
	}
	if (profile)
		ifc = ip_iface_find(m, profile);
	if (!ifc && config && (ifc = ip_iface_find(m, config)) && !ifc->dialer)
		ifc = NULL;
	if (ifc && ifc->net) {
		vpdn_warn(m->log, "%s IP: %s is already up, session not attached", interface,
			  ifc->name);
		return NULL;
	}
	if (!ifc) {
		if ((ifc = ip_iface_find(m, interface))) {
			if (ifc->net)
				ip_iface_down(ifc, "replaced");
			else if (!ifc->dialer)
				ip_iface_destroy(ifc);
		}
		if (ip_iface_new(m, interface, false, &ifc) < 0)
			return NULL;
	}
	return ifc;
}

static enum vpdn_bus_verdict on_network_up(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_network *ev = e->payload;
	struct ip_iface *ifc;

	if (!ev->net || !ev->interface)
		return VPDN_BUS_PASS;
	/* IPv6 up on this link: IPv4 joins it on the same interface (again,
	 * when IPCP opened once more: its old state goes first). */
	ifc = ip_iface_by_net(m, ev->net);
	if (ifc && ifc->v6 && ifc->v4_up)
		ip_iface_v4_down(ifc);
	if (!ifc || !ifc->v6)
		ifc = ip_session_iface(m, ev->interface, ev->config, ev->profile);
	if (!ifc)
		return VPDN_BUS_PASS;
	/* refused before anything was set up: a new Vi goes again */
	if (iface_up(ifc, ev) == -EADDRINUSE && !ifc->dialer && !ifc->net)
		ip_iface_destroy(ifc);
	return VPDN_BUS_PASS;
}

/* The dialer gave up on this interface's call: the held packets will not
 * be delivered; drop them now so the next packet asks for a new dial
 * (instead of waiting out dod-timeout). */
static enum vpdn_bus_verdict on_dial_failed(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_dial_failed *ev = e->payload;
	struct ip_iface *ifc;

	if (!ev->profile)
		return VPDN_BUS_PASS;
	ifc = ip_iface_find(m, ev->profile);
	if (ifc && ifc->dod && ifc->dod->dialing && !ifc->net)
		ip_dod_flush_drop(ifc, "dial failed");
	return VPDN_BUS_PASS;
}

/* The dialer bound a call (interface "BR0:1") to a profile ("Dialer1") by
 * the peer's name: its network, when it comes up, uses the profile's TUN
 * and so the profile's static routes, as the profile's own calls do. */
static enum vpdn_bus_verdict on_dialer_bind(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_dialer_bind *ev = e->payload;

	if (!ev->interface || !ev->profile)
		return VPDN_BUS_PASS;
	if (ev->bound)
		g_hash_table_replace(m->binds, vpdn_ifname_key(ev->interface), g_strdup(ev->profile));
	else {
		char *k = vpdn_ifname_key(ev->interface);
		g_hash_table_remove(m->binds, k);
		g_free(k);
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_network_down(const struct vpdn_event *e, void *data)
{
	struct ip_module *m = data;
	const struct vpdn_ev_ppp_network *ev = e->payload;
	struct ip_iface *ifc = ev->net ? ip_iface_by_net(m, ev->net) : NULL;

	if (ifc && ifc->v6) {   /* IPv6 stays up on the link */
		ip_iface_v4_down(ifc);
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: IPv4 down, IPv6 stays up",
			   ifc->name);
		ip_bus_changed(ifc);
	} else if (ifc) {
		ip_iface_down(ifc, "network down");
	}
	return VPDN_BUS_PASS;
}

void ip_network_subscribe(struct ip_module *m)
{
	m->sub_up = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_NETWORK_UP, on_network_up, m);
	m->sub_down = vpdn_bus_subscribe(m->bus, VPDN_EV_PPP_NETWORK_DOWN, on_network_down, m);
	m->sub_bind = vpdn_bus_subscribe(m->bus, VPDN_EV_DIALER_BIND, on_dialer_bind, m);
	m->sub_failed = vpdn_bus_subscribe(m->bus, VPDN_EV_DIAL_FAILED, on_dial_failed, m);
	m->sub_check = vpdn_bus_subscribe(m->bus, VPDN_EV_ADDRESS_CHECK, on_address_check, m);
	m->sub_counters = vpdn_bus_subscribe(m->bus, VPDN_EV_INTERFACE_COUNTERS, on_counters, m);
}

void ip_network_unsubscribe(struct ip_module *m)
{
	if (m->sub_up)
		vpdn_bus_unsubscribe(m->bus, m->sub_up);
	if (m->sub_down)
		vpdn_bus_unsubscribe(m->bus, m->sub_down);
	if (m->sub_bind)
		vpdn_bus_unsubscribe(m->bus, m->sub_bind);
	if (m->sub_failed)
		vpdn_bus_unsubscribe(m->bus, m->sub_failed);
	if (m->sub_check)
		vpdn_bus_unsubscribe(m->bus, m->sub_check);
	if (m->sub_counters)
		vpdn_bus_unsubscribe(m->bus, m->sub_counters);
	m->sub_up = m->sub_down = m->sub_bind = m->sub_failed = m->sub_check = NULL;
	m->sub_counters = NULL;
}
