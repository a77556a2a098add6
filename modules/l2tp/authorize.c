/* SPDX-License-Identifier: MIT */
/*
 * The LAC asks where a user goes (IOS `vpdn authorize`): where vpdn {
 * search-order } lists "authorize", a FORWARD_REQUEST no vpdn-group took
 * so far is held and VPDN_EV_TUNNEL_AUTHORIZE published (auth-radius
 * answers it from RFC 2868 Tunnel-* attributes). The answer's endpoints
 * become a vpdn-group of their own (dynamic: initiate-to = the endpoints,
 * priority = Tunnel-Preference, the other settings from vpdn {
 * authorize-group }), so load sharing, limits, lns-dead-time and failover
 * (tunnel-select.c) apply to them exactly as to configured addresses. The
 * same answer again (same endpoints, secret, names, assignment id) finds
 * the same group, hence the same tunnels and the same dead marks.
 *
 * Lifetime: a pending ask owns a copy of the forward payload and the
 * taken FORWARD_REQUEST; it is completed exactly once (forwarded, refused
 * or -ENOENT when the search ends). A requester that cancelled meanwhile
 * is noticed before its link is touched. Dynamic groups live in
 * l2tp->authz_groups, at most L2TP_AUTHZ_GROUPS_MAX; one no tunnel and no
 * session uses is dropped to make room.
 *
 * Secrets: the Tunnel-Password is copied into the group (wiped when it is
 * freed) and never logged.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"

#define L2TP_AUTHZ_GROUPS_MAX 256

struct authz_ask {
	struct l2tp *l2tp;
	struct vpdn_request *fwd;   /* the taken FORWARD_REQUEST */
	struct vpdn_request *ask;   /* TUNNEL_AUTHORIZE, while pending */
	bool asking;                /* authz_done not run yet */
	unsigned k;                 /* the search-order key "authorize" */
	struct vpdn_ev_forward f;   /* copy; its pointers into the fields below */
	char *interface, *user, *domain, *calling, *called, *dnis, *auth_name;
	GByteArray *store;          /* the proxy's octets */
};

static void ask_free(struct authz_ask *a)
{
	g_free(a->interface);
	g_free(a->user);
	g_free(a->domain);
	g_free(a->calling);
	g_free(a->called);
	g_free(a->dnis);
	g_free(a->auth_name);
	if (a->store) {
		explicit_bzero(a->store->data, a->store->len);
		g_byte_array_free(a->store, TRUE);
	}
	g_free(a);
}

static struct authz_ask *ask_new(struct l2tp *l2tp, const struct vpdn_ev_forward *f)
{
	struct authz_ask *a = g_new0(struct authz_ask, 1);
	const struct vpdn_proxy *p = &f->proxy;
	size_t off[5];
	const uint8_t *src[5] = { p->init_rcvd_confreq, p->last_sent_confreq, p->last_rcvd_confreq,
				  p->auth_challenge, p->auth_response };
	size_t len[5] = { p->init_rcvd_confreq_len, p->last_sent_confreq_len,
			  p->last_rcvd_confreq_len, p->auth_challenge_len, p->auth_response_len };

	a->l2tp = l2tp;
	a->f = *f;
	a->f.size = sizeof(a->f);
	a->f.interface = a->interface = g_strdup(f->interface);
	a->f.user = a->user = g_strdup(f->user);
	a->f.domain = a->domain = g_strdup(f->domain);
	a->f.calling = a->calling = g_strdup(f->calling);
	a->f.called = a->called = g_strdup(f->called);
	a->f.dnis = a->dnis = g_strdup(f->dnis);
	a->f.proxy.auth_name = a->auth_name = g_strdup(p->auth_name);
	a->store = g_byte_array_new();
	for (unsigned i = 0; i < 5; i++) {
		off[i] = a->store->len;
		if (src[i] && len[i])
			g_byte_array_append(a->store, src[i], (guint)len[i]);
	}
	/* Pointers once the store stopped growing. */
#define FIX(field, i) a->f.proxy.field = src[i] && len[i] ? a->store->data + off[i] : NULL
	FIX(init_rcvd_confreq, 0);
	FIX(last_sent_confreq, 1);
	FIX(last_rcvd_confreq, 2);
	FIX(auth_challenge, 3);
	FIX(auth_response, 4);
#undef FIX
	return a;
}

/* ------------------------------------------------------------------ */
/* Groups from answers                                                */

static bool same_group(const struct l2tp_group *a, const struct l2tp_group *b)
{
	if (g_strcmp0(a->password, b->password) || g_strcmp0(a->local_name, b->local_name) ||
	    g_strcmp0(a->terminate_from, b->terminate_from) || a->n_initiate != b->n_initiate)
		return false;
	for (unsigned i = 0; i < a->n_initiate; i++)
		if (!l2tp_addr_same_host(&a->initiate_to[i].addr, &b->initiate_to[i].addr) ||
		    a->initiate_to[i].priority != b->initiate_to[i].priority)
			return false;
	return true;
}

static bool group_in_use(struct l2tp *l2tp, const struct l2tp_group *g)
{
	GHashTableIter it;
	gpointer v;

	if (g->sessions)
		return true;
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((struct l2tp_tunnel *)v)->group == g)
			return true;
	return false;
}

static int cmp_prio(const void *a, const void *b)
{
	const struct l2tp_peer_addr *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return (int)x->order - (int)y->order;
}

static void printable_copy(char *out, size_t size, const char *s)
{
	size_t o = 0;

	for (; s && *s && o + 1 < size; s++)
		out[o++] = *s > 0x20 && *s < 0x7F ? *s : '_';
	out[o] = 0;
}

/* The group for an answer: one found again, or a new one. The endpoints
 * that share the best one's secret, names and assignment id are its
 * initiate-to entries (a group has one secret and one pair of names);
 * the others are left out, with a log line. NULL with *err. */
static struct l2tp_group *group_for_answer(struct l2tp *l2tp, const char *who,
					   const struct vpdn_ev_tunnel_authorization *z, int *err)
{
	const struct l2tp_group *tmpl = l2tp->cfg->authorize_template;
	const struct vpdn_tunnel_endpoint *best = &z->endpoints[0];
	struct l2tp_group *g, *found = NULL;
	unsigned n = 0, serial = 0;
	char name[80], base[64];

	g = l2tp_group_clone(tmpl);
	g->dynamic = true;
	g->request_dialin = true;
	g->accept_dialin = g->accept_dialout = g->request_dialout = false;
	g->dialer = g->virtual_template = g->pool_member = -1;
	for (unsigned i = 0; i < z->n_endpoints && i < VPDN_TUNNEL_ENDPOINTS_MAX; i++) {
		const struct vpdn_tunnel_endpoint *e = &z->endpoints[i];
		struct l2tp_peer_addr *pa;

		if (g_strcmp0(e->password, best->password) ||
		    g_strcmp0(e->client_auth_id, best->client_auth_id) ||
		    g_strcmp0(e->server_auth_id, best->server_auth_id) ||
		    g_strcmp0(e->assignment_id, best->assignment_id)) {
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
				   "%s VPDN/authorize: endpoint %.*s (tag %u) left out: its secret, "
				   "auth ids or assignment id differ from the preferred one's",
				   who, (int)sizeof(e->text) - 1, e->text, e->tag);
			continue;
		}
		if (e->addr.ss_family != AF_INET && e->addr.ss_family != AF_INET6)
			continue;
		if (e->addr.ss_family == AF_INET6) {
			const struct in6_addr *a6 = &((const struct sockaddr_in6 *)&e->addr)->sin6_addr;

			/* As initiate-to (config.c): an IPv4 peer in IPv6 clothes
			 * or an address without a scope is no tunnel end. */
			if (IN6_IS_ADDR_V4MAPPED(a6) || IN6_IS_ADDR_V4COMPAT(a6) ||
			    IN6_IS_ADDR_MULTICAST(a6) || IN6_IS_ADDR_LINKLOCAL(a6) ||
			    IN6_IS_ADDR_UNSPECIFIED(a6)) {
				vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
					   "%s VPDN/authorize: endpoint %.*s (tag %u) left out: an "
					   "IPv4-mapped, link-local, multicast or unspecified IPv6 address",
					   who, (int)sizeof(e->text) - 1, e->text, e->tag);
				continue;
			}
		}
		pa = &g->initiate_to[n];
		memset(pa, 0, sizeof(*pa));
		pa->addr = e->addr;
		if (e->addr.ss_family == AF_INET &&
		    ((struct sockaddr_in *)&pa->addr)->sin_port == 0)
			((struct sockaddr_in *)&pa->addr)->sin_port = htons(l2tp->cfg->port);
		if (e->addr.ss_family == AF_INET6 &&
		    ((struct sockaddr_in6 *)&pa->addr)->sin6_port == 0)
			((struct sockaddr_in6 *)&pa->addr)->sin6_port = htons(l2tp->cfg->port);
		pa->priority = e->preference > 1000000 ? 1000000 : (int)e->preference;
		pa->order = n;
		printable_copy(pa->text, sizeof(pa->text), e->text);
		if (++n == L2TP_MAX_INITIATE)
			break;
	}
	g->n_initiate = n;
	if (n == 0) {
		l2tp_group_free(g);
		*err = -EHOSTUNREACH;
		return NULL;
	}
	qsort(g->initiate_to, n, sizeof(g->initiate_to[0]), cmp_prio);
	if (best->password && *best->password) {
		g_free(g->password);
		g->password = g_strdup(best->password);
	}
	if (best->client_auth_id && *best->client_auth_id) {
		g_free(g->local_name);
		g->local_name = g_strdup(best->client_auth_id);
	}
	if (best->server_auth_id && *best->server_auth_id) {
		g_free(g->terminate_from);
		g->terminate_from = g_strdup(best->server_auth_id);
	}
	if (g->hidden && !g->password)
		g->hidden = false;
	printable_copy(base, sizeof(base),
		       best->assignment_id && *best->assignment_id ? best->assignment_id
								   : g->initiate_to[0].text);
	g_snprintf(name, sizeof(name), "radius:%s", base);
	/* The same answer again: the same group (its tunnels, its dead marks). */
	for (unsigned i = 0; i < l2tp->authz_groups->len; i++) {
		struct l2tp_group *x = l2tp->authz_groups->pdata[i];

		if (g_str_has_prefix(x->name, name) &&
		    (x->name[strlen(name)] == 0 || x->name[strlen(name)] == '#')) {
			serial++;
			if (same_group(x, g)) {
				found = x;
				break;
			}
		}
	}
	if (found) {
		l2tp_group_free(g);
		return found;
	}
	if (l2tp->authz_groups->len >= L2TP_AUTHZ_GROUPS_MAX) {
		for (unsigned i = 0; i < l2tp->authz_groups->len; i++)
			if (!group_in_use(l2tp, l2tp->authz_groups->pdata[i])) {
				g_ptr_array_remove_index(l2tp->authz_groups, i);
				break;
			}
	}
	if (l2tp->authz_groups->len >= L2TP_AUTHZ_GROUPS_MAX) {
		l2tp_group_free(g);
		*err = -EAGAIN;
		return NULL;
	}
	g_free(g->name);
	g->name = serial ? g_strdup_printf("%s#%u", name, serial) : g_strdup(name);
	g_ptr_array_add(l2tp->authz_groups, g);
	return g;
}

/* ------------------------------------------------------------------ */
/* The ask                                                            */

/* Go on with the search after key k, or end it with -ENOENT. */
static void search_on(struct authz_ask *a)
{
	struct l2tp *l2tp = a->l2tp;
	unsigned k = a->k + 1;
	struct l2tp_group *g = k < L2TP_SEARCH_KEYS ? l2tp_group_for_forward(l2tp, &a->f, &k) : NULL;

	/* "authorize" is listed once (the config says so): a key after it
	 * is a vpdn-group's or none */
	if (g)
		l2tp_forward_to_group(l2tp, g, &a->f, a->fwd);
	else
		vpdn_request_complete(a->fwd, -ENOENT, NULL);
}

static void authz_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct authz_ask *a = data;
	struct l2tp *l2tp = a->l2tp;
	const struct vpdn_ev_tunnel_authorization *z = reply;
	const char *who = a->interface ? a->interface : "";
	char user[72], reason[128] = "";
	struct l2tp_group *g;
	int err = 0;

	(void)req;
	a->ask = NULL;
	a->asking = false;
	g_hash_table_remove(l2tp->authz_pending, a);
	vpdn_log_printable(user, sizeof(user), a->user ? a->user : "?",
			   a->user ? strlen(a->user) : 1, 64);
	if (z && z->size >= offsetof(struct vpdn_ev_tunnel_authorization, reason) +
				sizeof(z->reason) && z->reason)
		vpdn_log_printable(reason, sizeof(reason), z->reason, strlen(z->reason), 100);
	if (vpdn_request_cancelled(a->fwd)) {
		vpdn_request_complete(a->fwd, -ECANCELED, NULL);
		goto out;
	}
	if (status == -EACCES) {
		vpdn_info(l2tp->log, "%s VPDN/authorize: %s refused%s%s", who, user,
			  *reason ? ": " : "", reason);
		vpdn_request_complete(a->fwd, -EACCES, NULL);
		goto out;
	}
	if (status < 0 || !z || z->size < offsetof(struct vpdn_ev_tunnel_authorization, endpoints) +
					      sizeof(z->endpoints) || !z->n_endpoints ||
	    !z->endpoints) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/authorize: no tunnel for %s (%s)",
			   who, user, *reason ? reason : status < 0 ? g_strerror(-status) : "no endpoint");
		search_on(a);
		goto out;
	}
	for (unsigned i = 0; i < z->n_endpoints && i < VPDN_TUNNEL_ENDPOINTS_MAX; i++)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
			   "%s VPDN/authorize: %s: tag %u IP %.*s preference %u%s", who, user,
			   z->endpoints[i].tag, (int)sizeof(z->endpoints[i].text) - 1,
			   z->endpoints[i].text, z->endpoints[i].preference,
			   z->endpoints[i].password ? ", tunnel-password " VPDN_SECRET_MASK : "");
	g = group_for_answer(l2tp, who, z, &err);
	if (!g) {
		(*l2tp->authz_cnt[1])++;
		vpdn_warn(l2tp->log, "%s VPDN/authorize: answer for %s not usable: %s", who, user,
			  err == -EAGAIN ? "too many RADIUS-made vpdn-groups in use"
					 : "no usable endpoint");
		search_on(a);
		goto out;
	}
	(*l2tp->authz_cnt[0])++;
	l2tp_forward_to_group(l2tp, g, &a->f, a->fwd);
out:
	ask_free(a);
}

void l2tp_authorize_start(struct l2tp *l2tp, const struct vpdn_ev_forward *f,
			  struct vpdn_request *req, unsigned k)
{
	struct authz_ask *a = ask_new(l2tp, f);
	struct vpdn_ev_tunnel_authorize q = {
		.size = sizeof(q),
		.interface = a->f.interface,
		.user = a->f.user,
		.domain = a->f.domain,
		.calling = a->f.calling,
		.called = a->f.called,
		.dnis = a->f.dnis,
		.proxy = a->f.proxy,
	};
	struct vpdn_request *r;

	a->fwd = req;
	a->k = k;
	a->asking = true;
	g_hash_table_add(l2tp->authz_pending, a);
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Looking for tunnel -- authorize --",
		   f->interface ? f->interface : "");
	r = vpdn_bus_request(l2tp->bus, VPDN_EV_TUNNEL_AUTHORIZE, &q, authz_done, a);
	/* NULL: authz_done already ran (and freed a); else pending */
	if (r)
		a->ask = r;
}

void l2tp_authorize_stop(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer k;

	if (l2tp->authz_pending) {
		g_hash_table_iter_init(&it, l2tp->authz_pending);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			struct authz_ask *a = k;

			g_hash_table_iter_remove(&it);
			if (a->ask)
				vpdn_request_cancel(a->ask);
			vpdn_request_complete(a->fwd, -ESHUTDOWN, NULL);
			ask_free(a);
		}
		g_hash_table_destroy(l2tp->authz_pending);
		l2tp->authz_pending = NULL;
	}
	if (l2tp->authz_groups)
		g_ptr_array_free(l2tp->authz_groups, TRUE);
	l2tp->authz_groups = NULL;
}
