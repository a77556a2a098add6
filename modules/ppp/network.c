/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine's network link: IPCP opened gives the ip module a link
 * for the session's packets (VPDN_EV_PPP_NETWORK_UP) and takes it back
 * when IPCP goes down (VPDN_EV_PPP_NETWORK_DOWN); the IP side hanging it
 * up closes the session.
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
	if (e->ipcp_fsm.state != FSM_OPENED)
		return;
	/* No frame over the peer's MRU leaves: the ip module fits packets
	 * (fragments, ICMP fragmentation-needed); this is the last guard. */
	if (len > e->lcp.peer_mru) {
		if (e->mgr->c_too_big)
			(*e->mgr->c_too_big)++;
		plog(e, NEG, "%s PPP: %zu-octet packet over the peer's MRU %u, dropped", e->name,
		     len, e->lcp.peer_mru);
		return;
	}
	ppp_send(e, PPP_IP, data, len);
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
		/* inside IPCP's This-Layer-Up: close after the input */
		e->net_refused = cause < 0 ? cause : -ENETDOWN;
		ppp_ipcp_set_why(e, why);
		return;
	}
	ppp_set_disconnect(e, VPDN_PPP_DISC_ADMIN, 0, VPDN_PPP_DISC_GLOBAL, why);
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

void ppp_ipcp_up(struct ppp_engine *e)
{
	char a[INET_ADDRSTRLEN], prefix[24];
	if (e->net)
		return;
	e->net = vpdn_link_new(e->name);
	vpdn_link_attach(e->net, VPDN_LINK_A, &net_ops, e);
	e->in_net_up = true;
	publish_network(e, VPDN_EV_PPP_NETWORK_UP);
	e->in_net_up = false;
	/* The line's text only when it is written (a set-up's cost), and
	 * only if the IP side kept the network (it hangs up one whose
	 * address it refuses). */
	if (e->net && !e->dead && !e->net_refused && e->ipcp.peer.s_addr &&
	    vpdn_log_debug_on(e->log, NEG)) {
		if (e->profile)
			vpdn_ifname_short(e->profile, prefix, sizeof(prefix));
		else
			snprintf(prefix, sizeof(prefix), "%s", e->name);
		inet_ntop(AF_INET, &e->ipcp.peer, a, sizeof(a));
		plog(e, NEG, "%s IPCP: Install route to %s", prefix, a);
	}
}

void ppp_ipcp_down(struct ppp_engine *e)
{
	struct vpdn_link *net = e->net;
	if (!net)
		return;
	publish_network(e, VPDN_EV_PPP_NETWORK_DOWN);
	e->net = NULL;
	vpdn_link_hangup(net, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_unref(net);
}

