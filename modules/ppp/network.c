/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine's network link: one per session for every network
 * protocol (the contract in vpdnd/events.h). The first NCP opened
 * creates it; IPCP opened announces IPv4 on it
 * (VPDN_EV_PPP_NETWORK_UP), IPv6CP opened IPv6 (VPDN_EV_PPP_IPV6_UP);
 * each NCP leaving Opened announces its DOWN, and the last one hangs the
 * link up. An IPv4-only session is as before: NETWORK_UP with a new
 * link, NETWORK_DOWN and the hang-up together. Frames from the IP side
 * go as 0x0021 or 0x0057 by their version nibble, only while that NCP is
 * Opened (else dropped and counted). The IP side hanging the link up
 * closes the session.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

static void net_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct ppp_engine *e = ctx;
	uint16_t proto = 0;

	if (len && data[0] >> 4 == 4 && e->ipcp_fsm.state == FSM_OPENED)
		proto = PPP_IP;
	else if (len && data[0] >> 4 == 6 && e->v6 && e->v6->fsm.state == FSM_OPENED)
		proto = PPP_IPV6;
	if (!proto) {
		if (e->mgr->c_net_unsent)
			(*e->mgr->c_net_unsent)++;
		return;
	}
	/* No frame over the peer's MRU leaves: the ip module fits packets
	 * (fragments, ICMP fragmentation-needed); this is the last guard. */
	if (len > e->lcp.peer_mru) {
		if (e->mgr->c_too_big)
			(*e->mgr->c_too_big)++;
		plog(e, NEG, "%s PPP: %zu-octet packet over the peer's MRU %u, dropped", e->name,
		     len, e->lcp.peer_mru);
		return;
	}
	ppp_send(e, proto, data, len);
}

/* The IP side hung up: its interface is gone (a TUN device deleted under
 * the node, -ENODEV), or it ended the network (the address was taken by
 * the owner's newer session, its route refused). A session without a
 * data path only looks up: close it with that cause (LCP Terminate, then
 * the carrier; an L2TP CDN). A consumer that merely detaches (network
 * down) does not call this. */
static void net_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct ppp_engine *e = ctx;
	char why[96];

	if (e->dead || link != e->net)
		return;
	if (cause == -ENODEV)
		g_strlcpy(why, "IP interface lost", sizeof(why));
	else
		snprintf(why, sizeof(why), "the IP layer ended the network: %s",
			 cause < 0 ? g_strerror(-cause) : "hung up");
	if (e->in_net_up) {
		/* inside an NCP's This-Layer-Up: close after the input */
		e->net_refused = cause < 0 ? cause : -ENETDOWN;
		ppp_ipcp_set_why(e, why);
		return;
	}
	/* the engine keeps the message's pointer (static text only): why
	 * is on this stack */
	ppp_set_disconnect(e, VPDN_PPP_DISC_ADMIN, 0, VPDN_PPP_DISC_GLOBAL,
			   cause == -ENODEV ? "IP interface lost" : "the IP layer ended the network");
	ppp_fail(e, cause < 0 ? cause : -ENETDOWN, why);
}

static const struct vpdn_link_ops net_ops = {
	.frame = net_frame,
	.hangup = net_hangup,
};

static void publish_network(struct ppp_engine *e, uint32_t type)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev),
		.interface = e->name,
		.config = e->conf->name,
		.profile = e->profile,
		.user = e->user,
		.net = e->net,
		.local = e->ipcp.local,
		.peer = e->ipcp.peer,
		.dns1 = e->role == VPDN_PPP_ROLE_CLIENT ? e->ipcp.dns1 : e->conf->dns1,
		.dns2 = e->role == VPDN_PPP_ROLE_CLIENT ? e->ipcp.dns2 : e->conf->dns2,
		.mtu = e->lcp.peer_mru,
		.routes = e->role == VPDN_PPP_ROLE_CLIENT ? NULL : e->auth_routes,
		.n_routes = e->role == VPDN_PPP_ROLE_CLIENT ? 0 : e->n_auth_routes,
	};
	vpdn_bus_publish(e->mgr->bus, type, &ev);
}

/* The link, created by the first NCP to open. */
static void net_open(struct ppp_engine *e)
{
	if (e->net)
		return;
	e->net = vpdn_link_new(e->name);
	vpdn_link_attach(e->net, VPDN_LINK_A, &net_ops, e);
}

/* The last NCP left: hang the link up. */
static void net_close(struct ppp_engine *e)
{
	struct vpdn_link *net = e->net;

	if (!net || e->net_v4 || e->net_v6)
		return;
	e->net = NULL;
	vpdn_link_hangup(net, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_unref(net);
}

/* The prefix of the IOS "Install route" lines: the dialer's short name. */
static void route_prefix(struct ppp_engine *e, char *prefix, size_t size)
{
	if (e->profile)
		vpdn_ifname_short(e->profile, prefix, size);
	else
		snprintf(prefix, size, "%s", e->name);
}

void ppp_ipcp_up(struct ppp_engine *e)
{
	char a[INET_ADDRSTRLEN], prefix[24];
	if (e->net_v4)
		return;
	net_open(e);
	e->net_v4 = true;
	e->in_net_up = true;
	publish_network(e, VPDN_EV_PPP_NETWORK_UP);
	e->in_net_up = false;
	/* The line's text only when it is written (a set-up's cost), and
	 * only if the IP side kept the network (it hangs up one whose
	 * address it refuses). */
	if (e->net && !e->dead && !e->net_refused && e->ipcp.peer.s_addr &&
	    vpdn_log_debug_on(e->mgr->log, NEG)) {
		route_prefix(e, prefix, sizeof(prefix));
		inet_ntop(AF_INET, &e->ipcp.peer, a, sizeof(a));
		plog(e, NEG, "%s IPCP: Install route to %s", prefix, a);
	}
}

void ppp_ipcp_down(struct ppp_engine *e)
{
	if (!e->net_v4 || !e->net) {
		e->net_v4 = false;
		return;
	}
	publish_network(e, VPDN_EV_PPP_NETWORK_DOWN);
	e->net_v4 = false;
	net_close(e);
}

static void publish_ipv6(struct ppp_engine *e, uint32_t type)
{
	struct vpdn_ev_ppp_ipv6 ev = {
		.size = sizeof(ev),
		.interface = e->name,
		.config = e->conf->name,
		.profile = e->profile,
		.user = e->user,
		.net = e->net,
		.mtu = e->lcp.peer_mru,
		.server = e->role == VPDN_PPP_ROLE_SERVER,
		.auth = e->role == VPDN_PPP_ROLE_SERVER ? e->v6->auth : NULL,
	};
	memcpy(ev.local_ifid, e->v6->local, 8);
	if (e->v6->have_peer)
		memcpy(ev.peer_ifid, e->v6->peer, 8);
	vpdn_bus_publish(e->mgr->bus, type, &ev);
}

void ppp_ipv6cp_up(struct ppp_engine *e)
{
	char prefix[24];
	if (e->net_v6 || !e->v6)
		return;
	net_open(e);
	e->net_v6 = true;
	e->in_net_up = true;
	publish_ipv6(e, VPDN_EV_PPP_IPV6_UP);
	e->in_net_up = false;
	if (e->net && !e->dead && !e->net_refused && e->v6->have_peer &&
	    vpdn_log_debug_on(e->mgr->log, NEG)) {
		struct in6_addr ll = { .s6_addr = { 0xfe, 0x80 } };
		char a[INET6_ADDRSTRLEN];
		memcpy(ll.s6_addr + 8, e->v6->peer, 8);
		inet_ntop(AF_INET6, &ll, a, sizeof(a));
		route_prefix(e, prefix, sizeof(prefix));
		plog(e, NEG, "%s IPV6CP: Install route to %s", prefix, a);
	}
}

void ppp_ipv6cp_down(struct ppp_engine *e)
{
	if (!e->net_v6 || !e->net || !e->v6) {
		e->net_v6 = false;
		return;
	}
	publish_ipv6(e, VPDN_EV_PPP_IPV6_DOWN);
	e->net_v6 = false;
	net_close(e);
}
