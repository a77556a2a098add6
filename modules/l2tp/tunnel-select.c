/* SPDX-License-Identifier: MIT */
/*
 * Tunnel selection for a new call of a group: load sharing over the
 * initiate-to entries (best priority, fewest sessions, per-entry limits,
 * dead entries skipped for lns-dead-time).
 */
#include <errno.h>
#include <string.h>

#include "l2tp.h"

/* The initiate-to entry a tunnel of g goes to, or -1. Matched by host
 * (the responder may answer from another port; a reload may reorder the
 * list). */
static int entry_of(const struct l2tp_group *g, const struct l2tp_tunnel *t)
{
	if (t->initiator && t->addr_index < g->n_initiate &&
	    l2tp_addr_same_host(&t->peer, &g->initiate_to[t->addr_index].addr))
		return t->addr_index;
	for (unsigned i = 0; i < g->n_initiate; i++)
		if (l2tp_addr_same_host(&t->peer, &g->initiate_to[i].addr))
			return (int)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Tunnel selection                                                   */

unsigned l2tp_group_entry_sessions(struct l2tp *l2tp, const struct l2tp_group *g, unsigned idx)
{
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (t->group == g && l2tp_tunnel_usable(t) && entry_of(g, t) == (int)idx)
			n += g_hash_table_size(t->sessions);
	}
	return n;
}

struct l2tp_tunnel *l2tp_tunnel_for_group(struct l2tp *l2tp, struct l2tp_group *g,
					  bool need_bearer, const char *ifname, uint32_t tried,
					  int *err)
{
	struct l2tp_tunnel *tun[L2TP_MAX_INITIATE] = { NULL }, *other = NULL;
	unsigned load[L2TP_MAX_INITIATE] = { 0 };
	uint64_t now = vpdn_timers_now(l2tp->tm);
	const char *who = ifname ? ifname : "";
	GHashTableIter it;
	gpointer v;
	int best = -1, dead = -1;
	bool full = false;

	*err = -EHOSTUNREACH;
	/* One walk of the tunnels: each entry's load and its tunnel (an
	 * established one first, else one coming up). */
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;
		int i;

		if (t->group != g || !l2tp_tunnel_usable(t))
			continue;
		i = entry_of(g, t);
		if (i >= 0)
			load[i] += g_hash_table_size(t->sessions);
		if (t->state == L2TP_TUNNEL_ESTABLISHED && need_bearer && !t->peer_bearer)
			continue;
		if (t->state != L2TP_TUNNEL_ESTABLISHED && t->state != L2TP_TUNNEL_WAIT_CTL_REPLY &&
		    t->state != L2TP_TUNNEL_WAIT_CTL_CONN)
			continue;
		if (i < 0) {
			/* A tunnel the peer opened from an address we do not
			 * initiate to: used only by a group without initiate-to. */
			if (!other || t->state == L2TP_TUNNEL_ESTABLISHED)
				other = t;
			continue;
		}
		if (!tun[i] || t->state == L2TP_TUNNEL_ESTABLISHED)
			tun[i] = t;
	}
	if (g->n_initiate == 0)
		return other;
	/* Best priority level with a live entry below its limit; there the
	 * fewest sessions (entries are sorted by priority, then config
	 * order, so a tie goes to the first). */
	for (unsigned i = 0; i < g->n_initiate; i++) {
		const struct l2tp_peer_addr *e = &g->initiate_to[i];

		if (tried & (1u << i))
			continue;
		if (best >= 0 && e->priority != g->initiate_to[best].priority)
			break;
		if (e->limit && load[i] >= e->limit) {
			full = true;
			continue;
		}
		if (e->dead_until_ms > now) {
			if (dead < 0 || e->dead_until_ms < g->initiate_to[dead].dead_until_ms)
				dead = i;
			continue;
		}
		if (best < 0 || load[i] < load[best])
			best = i;
	}
	if (best < 0 && dead >= 0) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "%s VPDN/%s: every initiate-to address is dead, trying %s anyway", who,
			   g->name, g->initiate_to[dead].text);
		best = dead;
	}
	if (best < 0) {
		*err = full ? -EAGAIN : -EHOSTUNREACH;
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "%s VPDN/%s: no initiate-to address usable%s", who, g->name,
			   full ? ": every one is at its session limit" : "");
		return NULL;
	}
	if (vpdn_log_debug_on(l2tp->log, VPDN_DEBUG_VPDN_EVENTS))
		for (unsigned i = 0; i < g->n_initiate; i++)
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
				   "%s VPDN/%s: curlvl %d Address %u: %s, priority %d, %u sessions%s%s",
				   who, g->name, g->initiate_to[best].priority, i,
				   g->initiate_to[i].text, g->initiate_to[i].priority,
				   load[i], g->initiate_to[i].dead_until_ms > now ? ", dead" : "",
				   (int)i == best ? ", selected" : "");
	if (tun[best])
		return tun[best];
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/%s: Select non-active address %s, priority %d",
		   who, g->name, g->initiate_to[best].text, g->initiate_to[best].priority);
	return l2tp_tunnel_initiate(l2tp, g, best, tried);
}

/* Tunnel set-up to initiate-to entry t->addr_index failed (no answer
 * after the retransmissions, or a StopCCN): the entry is dead for
 * lns-dead-time, and the sessions waiting on t move, one by one, to the
 * tunnel load sharing picks among the entries not tried yet. Those that
 * find none stay and are cleared with t. */
void l2tp_tunnel_failover(struct l2tp_tunnel *t)
{
	struct l2tp_group *g = t->group;
	uint32_t tried = t->tried | (1u << t->addr_index);
	GPtrArray *wait;
	GHashTableIter it;
	gpointer v;

	if (!g || t->addr_index >= g->n_initiate)
		return;
	if (g->dead_time_s) {
		g->initiate_to[t->addr_index].dead_until_ms =
			vpdn_timers_now(t->l2tp->tm) + (uint64_t)g->dead_time_s * 1000;
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "VPDN/%s: %s failed tunnel set-up, marked dead for %u s", g->name,
			   g->initiate_to[t->addr_index].text, g->dead_time_s);
	}
	wait = g_ptr_array_new();
	g_hash_table_iter_init(&it, t->sessions);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_session *s = v;

		if (s->kind == L2TP_SESSION_LAC_IC || s->kind == L2TP_SESSION_LNS_OC)
			g_ptr_array_add(wait, s);
	}
	for (unsigned i = 0; i < wait->len; i++) {
		struct l2tp_session *s = wait->pdata[i];
		struct l2tp_tunnel *nt;
		int err;

		nt = l2tp_tunnel_for_group(t->l2tp, g, s->kind == L2TP_SESSION_LNS_OC, s->ifname,
					   tried, &err);
		if (!nt || nt == t || g_hash_table_size(nt->sessions) >= L2TP_MAX_IDS)
			break;
		if (vpdn_log_debug_on(t->l2tp->log, VPDN_DEBUG_VPDN_EVENTS)) {
			char a[64];

			l2tp_addr_text(&nt->peer, a, sizeof(a));
			vpdn_debug(t->l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
				   "%s VPDN/%s: %s did not answer, fail over to %s",
				   s->ifname ? s->ifname : "", g->name,
				   g->initiate_to[t->addr_index].text, a);
		}
		l2tp_session_move(s, nt);
	}
	g_ptr_array_free(wait, TRUE);
}
