/* SPDX-License-Identifier: MIT */
/*
 * The lease state machine: one delegated prefix of one IA_PD of one
 * client on one session.
 *
 *   OFFERED --Request/Solicit+Rapid Commit--> BOUND --Renew/Rebind--> BOUND
 *   OFFERED --offer-hold timer--> ENDED
 *   BOUND   --valid-lifetime timer, Release, session down--> ENDED
 *
 * Entering BOUND asks the ip module to route the prefix to the session
 * (IPV6_ROUTE add, via the peer's link-local address); ENDED asks to take
 * the route away (if one was asked), gives the prefix back to its pool,
 * takes the lease out of its session and frees it.
 */
#include <arpa/inet.h>
#include <string.h>

#include "dhcpv6-private.h"

const char *dh_lease_state_name(enum dh_lease_state s)
{
	switch (s) {
	case DH_LEASE_OFFERED: return "OFFERED";
	case DH_LEASE_BOUND: return "BOUND";
	case DH_LEASE_ENDED: return "ENDED";
	default: return "UNKNOWN";
	}
}

static void set_state(struct dh_lease *l, enum dh_lease_state to, const char *why)
{
	char p[INET6_ADDRSTRLEN];

	inet_ntop(AF_INET6, &l->prefix, p, sizeof(p));
	vpdn_debug(l->s->m->log, VPDN_DEBUG_IP_EVENTS,
		   "%s DHCPv6: lease %s/%u IAID %u from %s to %s (%s)",
		   l->s->interface, p, l->plen, l->iaid,
		   dh_lease_state_name(l->state), dh_lease_state_name(to), why);
	l->state = to;
}

static void on_timer(struct vpdn_timer *t, void *data)
{
	struct dh_lease *l = data;

	(void)t;
	switch (l->state) {
	case DH_LEASE_OFFERED:
		dh_lease_end(l, "offer not taken");
		break;
	case DH_LEASE_BOUND:
		dh_lease_end(l, "valid lifetime over");
		break;
	default:
		vpdn_err(l->s->m->log, "%s DHCPv6: lease timer in state %s",
			 l->s->interface, dh_lease_state_name(l->state));
		dh_lease_end(l, "bad state");
		break;
	}
}

struct dh_lease *dh_lease_new(struct dh_session *s, const struct dhcpv6_duid *client,
			      uint32_t iaid, const struct in6_addr *prefix, uint8_t plen,
			      struct dh_pool *pool, uint64_t index, uint32_t preferred,
			      uint32_t valid)
{
	struct dh_lease *l = g_new0(struct dh_lease, 1);

	l->s = s;
	l->state = DH_LEASE_OFFERED;
	l->client_id = *client;
	l->iaid = iaid;
	l->prefix = *prefix;
	l->plen = plen;
	l->pool = pool;
	l->index = index;
	l->preferred = preferred;
	l->valid = valid;
	vpdn_timer_init(&l->timer, on_timer, l);
	vpdn_timer_arm(s->m->tm, &l->timer, (uint64_t)s->m->offer_hold * 1000);
	g_ptr_array_add(s->leases, l);
	s->m->n_leases++;
	return l;
}

void dh_lease_bind(struct dh_lease *l)
{
	struct dh_module *m = l->s->m;

	/* a pool's lifetimes as they are now (a reload may have changed
	 * them): each binding and renewal takes them */
	if (l->pool) {
		l->preferred = l->pool->preferred;
		l->valid = l->pool->valid;
	}

	switch (l->state) {
	case DH_LEASE_OFFERED: {
		char p[INET6_ADDRSTRLEN];
		set_state(l, DH_LEASE_BOUND, "replied");
		inet_ntop(AF_INET6, &l->prefix, p, sizeof(p));
		vpdn_info(m->log, "%s DHCPv6: delegated %s/%u to %s (valid %u s)",
			  l->s->interface, p, l->plen,
			  l->s->user ? l->s->user : "peer", l->valid);
		(*m->c_bound)++;
		dh_route(m, l, true);
		break;
	}
	case DH_LEASE_BOUND:
		vpdn_debug(m->log, VPDN_DEBUG_IP_EVENTS, "%s DHCPv6: lease IAID %u renewed",
			   l->s->interface, l->iaid);
		break;
	default:
		vpdn_err(m->log, "%s DHCPv6: bind in state %s", l->s->interface,
			 dh_lease_state_name(l->state));
		return;
	}
	vpdn_timer_arm(m->tm, &l->timer, (uint64_t)l->valid * 1000);
}

void dh_lease_end(struct dh_lease *l, const char *why)
{
	struct dh_session *s = l->s;
	struct dh_module *m = s->m;
	bool was_bound = l->state == DH_LEASE_BOUND;

	vpdn_timer_cancel(m->tm, &l->timer);
	set_state(l, DH_LEASE_ENDED, why);
	if (was_bound) {
		char p[INET6_ADDRSTRLEN];
		inet_ntop(AF_INET6, &l->prefix, p, sizeof(p));
		vpdn_info(m->log, "%s DHCPv6: %s/%u no longer delegated: %s",
			  s->interface, p, l->plen, why);
		(*m->c_ended)++;
	}
	if (l->route_req) {
		vpdn_request_cancel(l->route_req);
		g_hash_table_remove(m->routing, l->route_req);   /* frees its context */
		l->route_req = NULL;
	}
	if (l->routed)
		dh_route(m, l, false);
	if (l->pool && g_hash_table_lookup(m->pools, l->pool->name) == l->pool)
		dh_pool_put(l->pool, l->index);
	g_ptr_array_remove(s->leases, l);
	m->n_leases--;
	g_free(l);
}
