/* SPDX-License-Identifier: MIT */
/*
 * What the engine knows of its peers: addresses (text, port, same host or
 * endpoint), the source check of every datagram for a tunnel, the peers
 * that refuse the Q.931 Cause Code AVP (issue #22), and the tunnel
 * endpoints a PPP peer must not be given (ADDRESS_CHECK).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"

/* ------------------------------------------------------------------ */
/* Peers that refuse the Q.931 Cause Code AVP (issue #22)             */

#define L2TP_MAX_NO_Q931_PEERS 4096

static GBytes *host_key(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return g_bytes_new(&((const struct sockaddr_in6 *)ss)->sin6_addr, 16);
	return g_bytes_new(&((const struct sockaddr_in *)ss)->sin_addr, 4);
}

bool l2tp_tunnel_q931_ok(const struct l2tp_tunnel *t)
{
	GBytes *key;
	bool known;

	if (t->group && !t->group->cdn_q931_cause)
		return false;
	if (g_hash_table_size(t->l2tp->no_q931_peers) == 0)
		return true;
	key = host_key(&t->peer);
	known = g_hash_table_contains(t->l2tp->no_q931_peers, key);
	g_bytes_unref(key);
	return !known;
}

int l2tp_text_names_avp(const struct l2tp_bytes *msg, unsigned type)
{
	int named = -1;

	for (size_t i = 0; msg->ptr && i + 1 < msg->len; i++) {
		const uint8_t *p = msg->ptr + i;
		size_t left = msg->len - i, j = 0;
		unsigned long v = 0;
		bool hex = false;
		unsigned digits = 0;

		if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
			hex = true;
			j = 2;
		} else if (left >= 3 && g_ascii_strncasecmp((const char *)p, "avp", 3) == 0) {
			j = 3;
			while (j < left && (p[j] == ' ' || p[j] == '#' || p[j] == ':'))
				j++;
			if (left - j >= 5 && g_ascii_strncasecmp((const char *)p + j, "type ", 5) == 0)
				j += 5;
			if (left - j >= 2 && p[j] == '0' && (p[j + 1] == 'x' || p[j + 1] == 'X')) {
				hex = true;
				j += 2;
			}
		} else {
			continue;
		}
		for (; j < left && digits < 6; j++, digits++) {
			int d = hex ? g_ascii_xdigit_value(p[j]) : g_ascii_digit_value(p[j]);

			if (d < 0)
				break;
			v = v * (hex ? 16 : 10) + (unsigned)d;
		}
		if (!digits)
			continue;
		if (v == type)
			return 1;
		named = 0;
		i += j - 1;
	}
	return named;
}

bool l2tp_q931_learn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp *l2tp = t->l2tp;
	char addr[64], name[64], text[96];
	int named;
	GBytes *key;

	if (!t->cdn_q931_sent || m->result.result != L2TP_STOPCCN_GENERAL_ERROR ||
	    !m->result.has_error || m->result.error != L2TP_ERR_UNKNOWN_MANDATORY_AVP)
		return false;
	/* Naming AVP 12, or naming none right after our CDN carried it. */
	named = l2tp_text_names_avp(&m->result.message, L2TP_AVP_Q931_CAUSE);
	if (named == 0)
		return false;
	if (g_hash_table_size(l2tp->no_q931_peers) >= L2TP_MAX_NO_Q931_PEERS)
		return false;
	key = host_key(&t->peer);
	if (g_hash_table_contains(l2tp->no_q931_peers, key)) {
		g_bytes_unref(key);
		return false;
	}
	g_hash_table_add(l2tp->no_q931_peers, key);
	(*l2tp->q931_refused)++;
	l2tp_addr_text(&t->peer, addr, sizeof(addr));
	vpdn_log_printable(name, sizeof(name), t->peer_name ? t->peer_name : "peer",
			   t->peer_name ? strlen(t->peer_name) : 4, 0);
	vpdn_log_printable(text, sizeof(text), m->result.message.ptr, m->result.message.len, 0);
	vpdn_notice(l2tp->log, "L2TP: peer %s (%s) refused the Q.931 Cause Code AVP in our CDN "
		    "(StopCCN 2/8 \"%s\"): CDNs to it leave the AVP out from now on "
		    "(cdn-q931-cause = false avoids the first loss)", addr, name, text);
	return true;
}

/* ------------------------------------------------------------------ */
/* Addresses and the source check                                     */

void l2tp_addr_text(const struct sockaddr_storage *ss, char *buf, size_t size)
{
	const void *a = ss->ss_family == AF_INET6 ?
		(const void *)&((const struct sockaddr_in6 *)ss)->sin6_addr :
		(const void *)&((const struct sockaddr_in *)ss)->sin_addr;

	if (!inet_ntop(ss->ss_family == AF_INET6 ? AF_INET6 : AF_INET, a, buf, size))
		g_strlcpy(buf, "?", size);
}

uint16_t l2tp_addr_port(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
	return ntohs(((const struct sockaddr_in *)ss)->sin_port);
}

bool l2tp_addr_same_host(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET)
		return ((const struct sockaddr_in *)a)->sin_addr.s_addr ==
		       ((const struct sockaddr_in *)b)->sin_addr.s_addr;
	return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr,
		      &((const struct sockaddr_in6 *)b)->sin6_addr, 16) == 0;
}

bool l2tp_addr_same_endpoint(const struct sockaddr_storage *a, const struct sockaddr_storage *b)
{
	return l2tp_addr_same_host(a, b) && l2tp_addr_port(a) == l2tp_addr_port(b);
}

bool l2tp_addr_is_any(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET6)
		return IN6_IS_ADDR_UNSPECIFIED(&((const struct sockaddr_in6 *)ss)->sin6_addr);
	return ((const struct sockaddr_in *)ss)->sin_addr.s_addr == htonl(INADDR_ANY);
}

bool l2tp_tunnel_source_ok(struct l2tp_tunnel *t, const struct sockaddr_storage *local,
			   const struct sockaddr_storage *src, const char *what)
{
	char a[64], b[64];

	if (l2tp_addr_same_endpoint(&t->peer, src) &&
	    (!local || l2tp_addr_is_any(local) || l2tp_addr_is_any(&t->local) ||
	     l2tp_addr_same_host(&t->local, local)))
		return true;
	(*t->l2tp->foreign_source)++;
	if (vpdn_log_debug_on(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS)) {
		l2tp_addr_text(src, a, sizeof(a));
		l2tp_addr_text(&t->peer, b, sizeof(b));
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: %s message from %s port %u dropped: the peer is %s "
			   "port %u", t->tid, what, a, l2tp_addr_port(src), b,
			   l2tp_addr_port(&t->peer));
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Tunnel endpoints (ADDRESS_CHECK)                                   */

void l2tp_peer_host_add(struct l2tp *l2tp, const struct sockaddr_storage *peer, int delta)
{
	const struct sockaddr_in *sin = (const struct sockaddr_in *)peer;
	gpointer k;
	guint n;

	if (!l2tp->peer_hosts || peer->ss_family != AF_INET)
		return;
	k = GUINT_TO_POINTER(sin->sin_addr.s_addr);
	n = GPOINTER_TO_UINT(g_hash_table_lookup(l2tp->peer_hosts, k));
	if (delta > 0)
		g_hash_table_insert(l2tp->peer_hosts, k, GUINT_TO_POINTER(n + 1));
	else if (n > 1)
		g_hash_table_insert(l2tp->peer_hosts, k, GUINT_TO_POINTER(n - 1));
	else
		g_hash_table_remove(l2tp->peer_hosts, k);
}

static bool same_v4(const struct sockaddr_storage *ss, struct in_addr a)
{
	return ss->ss_family == AF_INET &&
	       ((const struct sockaddr_in *)ss)->sin_addr.s_addr == a.s_addr;
}

/* A PPP peer given the address of a tunnel endpoint would have the
 * tunnel routed into its session: every session of that tunnel dies.
 * Live tunnels by a hash; the config's addresses (few) by a walk. */
const char *l2tp_address_refusal(struct l2tp *l2tp, struct in_addr a, char *holder,
				 size_t size)
{
	if (g_hash_table_contains(l2tp->peer_hosts, GUINT_TO_POINTER(a.s_addr))) {
		snprintf(holder, size, "an L2TP tunnel peer");
		return "a tunnel endpoint";
	}
	if (!l2tp->cfg)
		return NULL;
	/* Every address a session's IPCP asks about comes here: the listen
	 * texts are parsed (dotted quads have one text each, so this is the
	 * text comparison it replaces) rather than the address printed. */
	for (char **l = l2tp->cfg->listen; l && *l; l++) {
		struct in_addr la;

		if (inet_pton(AF_INET, *l, &la) == 1 && la.s_addr == a.s_addr) {
			snprintf(holder, size, "l2tp listen");
			return "a tunnel endpoint";
		}
	}
	for (guint i = 0; l2tp->cfg->groups && i < l2tp->cfg->groups->len; i++) {
		const struct l2tp_group *g = g_ptr_array_index(l2tp->cfg->groups, i);
		bool hit = g->has_source && same_v4(&g->source, a);
		for (unsigned j = 0; j < g->n_initiate && !hit; j++)
			hit = same_v4(&g->initiate_to[j].addr, a);
		if (hit) {
			snprintf(holder, size, "vpdn-group %s", g->name);
			return "a tunnel endpoint";
		}
	}
	return NULL;
}

