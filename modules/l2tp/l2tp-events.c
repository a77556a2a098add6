/* SPDX-License-Identifier: MIT */
/*
 * The l2tp module on the event bus: FORWARD_REQUEST at the LAC (a
 * vpdn-group by domain or DNIS, or one RADIUS names: authorize.c),
 * DIALOUT_REQUEST at the LNS (by
 * pool-member), PPP_PHASE / PPP_AUTHENTICATED for a session's interface
 * and user name, PPP_DOWN for the CDN's PPP Disconnect Cause, and
 * ADDRESS_CHECK (no PPP peer gets a tunnel endpoint's address). The
 * sessions themselves are started through session.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"

/* ------------------------------------------------------------------ */
/* Events                                                             */

static bool in_list(char **list, const char *s)
{
	if (!s)
		return false;
	for (; list && *list; list++)
		if (g_ascii_strcasecmp(*list, s) == 0)
			return true;
	return false;
}

struct l2tp_group *l2tp_group_for_forward(struct l2tp *l2tp, const struct vpdn_ev_forward *f,
					  unsigned *k)
{
	const char *who = f->interface ? f->interface : "";

	for (; *k < L2TP_SEARCH_KEYS && l2tp->cfg->search[*k]; (*k)++) {
		bool dnis = l2tp->cfg->search[*k] == L2TP_SEARCH_DNIS;
		const char *key = dnis ? (f->dnis ? f->dnis : f->called) : f->domain;

		if (l2tp->cfg->search[*k] == L2TP_SEARCH_AUTHORIZE)
			return NULL;
		if (!key)
			continue;
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Looking for tunnel -- %s --",
			   who, key);
		for (unsigned i = 0; i < l2tp->cfg->groups->len; i++) {
			struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

			if (g->request_dialin && in_list(dnis ? g->dnis : g->domains, key)) {
				vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
					   "%s VPDN/LAC/%s: Got tunnel info for %s", who, g->name, key);
				return g;
			}
		}
	}
	*k = L2TP_SEARCH_KEYS;
	return NULL;
}

void l2tp_forward_to_group(struct l2tp *l2tp, struct l2tp_group *g,
			   const struct vpdn_ev_forward *f, struct vpdn_request *req)
{
	const char *who = f->interface ? f->interface : "";
	int r;

	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: LAC %s", who, g->name,
		   g->local_name ? g->local_name : vpdn_core_hostname(l2tp->core));
	if (g->has_source)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: source-ip %s", who,
			   g->name, g->source_text);
	if (g->password)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
			   "%s VPDN/LAC/%s: l2tp-tunnel-password " VPDN_SECRET_MASK, who, g->name);
	for (unsigned i = 0; i < g->n_initiate; i++)
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN/LAC/%s: IP %s", who, g->name,
			   g->initiate_to[i].text);
	r = l2tp_session_start(l2tp, L2TP_SESSION_LAC_IC, g, f, req);
	if (r < 0) {
		if (vpdn_log_debug_on(l2tp->log, VPDN_DEBUG_VPDN_ERRORS)) {
			char user[72];

			vpdn_log_printable(user, sizeof(user), f->user ? f->user : "?",
					   f->user ? strlen(f->user) : 1, 64);
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
				   "%s VPDN/%s: Cannot forward %s: %s", who, g->name, user,
				   g_strerror(-r));
		}
		vpdn_request_complete(req, r, NULL);
		return;
	}
	vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Pending", who);
}

static enum vpdn_bus_verdict on_forward(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_forward *f = ev->payload;
	struct vpdn_request *req;
	struct l2tp_group *g;
	unsigned k = 0;

	if (!l2tp->cfg->enable || !ev->request)
		return VPDN_BUS_PASS;
	g = l2tp_group_for_forward(l2tp, f, &k);
	if (!g && k >= L2TP_SEARCH_KEYS)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_PASS;
	if (g)
		l2tp_forward_to_group(l2tp, g, f, req);
	else
		l2tp_authorize_start(l2tp, f, req, k);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_dialout(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_dialout *d = ev->payload;
	struct vpdn_request *req;
	struct l2tp_group *g = NULL;
	int r;

	if (!l2tp->cfg->enable || !ev->request)
		return VPDN_BUS_PASS;
	for (unsigned i = 0; i < l2tp->cfg->groups->len && !g; i++) {
		struct l2tp_group *x = l2tp->cfg->groups->pdata[i];

		if (x->request_dialout && x->pool_member == (int)d->pool)
			g = x;
	}
	if (!g)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	r = l2tp_session_start(l2tp, L2TP_SESSION_LNS_OC, g, d, req);
	if (r < 0) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS, "VPDN/%s: Cannot dial out to %s: %s",
			   g->name, d->number ? d->number : "?", g_strerror(-r));
		vpdn_request_complete(req, r, NULL);
	}
	return VPDN_BUS_CLAIM;
}

/* PPP names the interface it runs on ("Vi1") in every phase change; a
 * session learns it there, dial-outs included (the LNS does not
 * authenticate a callout, so no PPP_AUTHENTICATED names it). */
static enum vpdn_bus_verdict on_ppp_phase(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || !p->interface)
		return VPDN_BUS_PASS;
	s = l2tp_session_of_link(l2tp, p->link);
	if (s && !s->ifname) {
		s->ifname = g_strdup(p->interface);
		l2tp_changed(l2tp, L2TP_OBJECT_SESSION, s);
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_authenticated(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || !p->user)
		return VPDN_BUS_PASS;
	s = l2tp_session_of_link(l2tp, p->link);
	if (s) {
		g_free(s->user);
		s->user = g_strdup(p->user);
		if (p->interface && !s->ifname)
			s->ifname = g_strdup(p->interface);
		l2tp_changed(l2tp, L2TP_OBJECT_SESSION, s);
	}
	return VPDN_BUS_PASS;
}

/* PPP on a session's link ended: keep its reason for the CDN that the
 * link's hang-up (which follows) sends. */
static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct l2tp_session *s;

	if (!p->link || p->size < offsetof(struct vpdn_ev_ppp, disconnect_message) +
				  sizeof(p->disconnect_message) || !p->disconnect_known)
		return VPDN_BUS_PASS;
	s = l2tp_session_of_link(l2tp, p->link);
	if (!s)
		return VPDN_BUS_PASS;
	l2tp_session_set_ppp_disc(s, p->disconnect_code, p->disconnect_protocol,
				  p->disconnect_direction, p->disconnect_message);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_address_check(const struct vpdn_event *ev, void *data)
{
	struct l2tp *l2tp = data;
	const struct vpdn_ev_address_check *q = ev->payload;
	struct vpdn_ev_address_refusal r = { .size = sizeof(r) };
	struct vpdn_request *req;
	char holder[80];

	if (!ev->request || !q || q->size < offsetof(struct vpdn_ev_address_check, address) +
					   sizeof(q->address))
		return VPDN_BUS_PASS;
	r.reason = l2tp_address_refusal(l2tp, q->address, holder, sizeof(holder));
	if (!r.reason || !(req = vpdn_event_take_request(ev)))
		return VPDN_BUS_PASS;
	r.holder = holder;
	vpdn_request_complete(req, -EADDRNOTAVAIL, &r);
	return VPDN_BUS_CLAIM;
}

int l2tp_subscribe(struct l2tp *l2tp)
{
	l2tp->subs[0] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_FORWARD_REQUEST, on_forward, l2tp);
	l2tp->subs[1] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_DIALOUT_REQUEST, on_dialout, l2tp);
	l2tp->subs[2] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_AUTHENTICATED, on_authenticated,
					   l2tp);
	l2tp->subs[3] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_PHASE, on_ppp_phase, l2tp);
	l2tp->subs[4] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_PPP_DOWN, on_ppp_down, l2tp);
	l2tp->subs[5] = vpdn_bus_subscribe(l2tp->bus, VPDN_EV_ADDRESS_CHECK, on_address_check,
					   l2tp);
	if (!l2tp->subs[0] || !l2tp->subs[1] || !l2tp->subs[2] || !l2tp->subs[3] ||
	    !l2tp->subs[4] || !l2tp->subs[5])
		return -ENOMEM;
	return 0;
}

void l2tp_unsubscribe(struct l2tp *l2tp)
{
	for (unsigned i = 0; i < G_N_ELEMENTS(l2tp->subs); i++) {
		if (l2tp->subs[i])
			vpdn_bus_unsubscribe(l2tp->bus, l2tp->subs[i]);
		l2tp->subs[i] = NULL;
	}
}
