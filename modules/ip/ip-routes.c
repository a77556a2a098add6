/* SPDX-License-Identifier: MIT */
/* The routes a session's authorization gives toward its user (RADIUS
 * Framed-Route, Framed-IP-Netmask; vpdn_ev_ppp_network.routes): installed
 * through the session's interface when its network comes up, after its
 * host route, and removed with it. The authenticator checked them; they
 * are checked again here (they come from the network): a prefix with
 * host bits, of length 0, that is not unicast, or that covers this
 * node's own address on the interface is refused with a log line and
 * ip_framed_routes_refused_total, and so is one the kernel refuses. A
 * refused route never ends the session: its own address still works. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ip-private.h"

static uint32_t mask_of(unsigned plen)
{
	return plen ? 0xFFFFFFFFu << (32 - plen) : 0;
}

/* NULL, or why the IP side does not install rt on ifc. */
static const char *refusal(const struct ip_iface *ifc, const struct vpdn_route4 *rt)
{
	uint32_t d = ntohl(rt->dst.s_addr), mask;

	if (rt->plen < 1 || rt->plen > 32)
		return "prefix length out of 1..32";
	mask = mask_of(rt->plen);
	if (d & ~mask)
		return "host bits set past the prefix length";
	if (d >> 24 == 0 || d >> 24 == 127 || d >> 28 >= 14)
		return "not a unicast network";
	if (ifc->m->mode == IP_MODE_SHARED)
		return "ip mode shared routes by peer address only";
	if (ifc->local.s_addr && (ntohl(ifc->local.s_addr) & mask) == d)
		return "covers this node's own address";
	return NULL;
}

void ip_framed_routes_add(struct ip_iface *ifc, const struct vpdn_ev_ppp_network *ev)
{
	struct ip_module *m = ifc->m;
	size_t n = 0;
	char a[INET_ADDRSTRLEN];

	ifc->n_framed = 0;
	if (ev->size < offsetof(struct vpdn_ev_ppp_network, n_routes) + sizeof(ev->n_routes) ||
	    !ev->routes)
		return;
	n = MIN(ev->n_routes, (size_t)VPDN_ROUTES_MAX);
	g_clear_pointer(&ifc->framed, g_free);
	if (n)  /* rare: allocated when given (bytes per session, #15) */
		ifc->framed = g_new(struct vpdn_route4, n);
	for (size_t i = 0; i < n; i++) {
		const struct vpdn_route4 *rt = &ev->routes[i];
		const char *why = refusal(ifc, rt);
		int r = 0;

		inet_ntop(AF_INET, &rt->dst, a, sizeof(a));
		if (!why && rt->plen == 32 && rt->dst.s_addr == ifc->peer.s_addr && ifc->route_added)
			continue;   /* the host route is there already */
		if (!why) {
			r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst, rt->plen,
					  ifc->local, rt->metric, 0);
			if (r == -EINVAL && ifc->local.s_addr)
				r = m->ops->route(m->ops_ctx, true, ifc->ifindex, rt->dst,
						  rt->plen, (struct in_addr){ 0 }, rt->metric, 0);
			if (r == -EEXIST && (ifc->adopted || m->shared_adopted))
				r = 0;   /* kept across a restart (ip-state.c) */
			if (r < 0)
				why = g_strerror(-r);
		}
		if (why) {
			vpdn_warn(m->log, "%s IP: route %s/%u from the authorization refused: %s",
				  ifc->name, a, rt->plen, why);
			(*m->framed_refused)++;
			continue;
		}
		ifc->framed[ifc->n_framed++] = *rt;
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s IP: Install route to %s/%u on %s "
			   "(authorization), metric %u", ifc->name, a, rt->plen, ifc->kname,
			   rt->metric);
	}
}

void ip_framed_routes_remove(struct ip_iface *ifc)
{
	struct ip_module *m = ifc->m;

	for (unsigned i = 0; i < ifc->n_framed; i++) {
		const struct vpdn_route4 *rt = &ifc->framed[i];
		int r = m->ops->route(m->ops_ctx, false, ifc->ifindex, rt->dst, rt->plen,
				      ifc->local, rt->metric, 0);
		if (r < 0 && r != -ESRCH && r != -ENODEV) {
			char a[INET_ADDRSTRLEN];
			vpdn_warn(m->log, "%s IP: Failed to remove route %s/%u: %s", ifc->name,
				  inet_ntop(AF_INET, &rt->dst, a, sizeof(a)), rt->plen,
				  g_strerror(-r));
		}
	}
	ifc->n_framed = 0;
	g_clear_pointer(&ifc->framed, g_free);
}
