/* SPDX-License-Identifier: MIT */
/*
 * The dialer module's bus side: incoming calls, dial requests (rotary
 * hunts for the LAC's accept-dialout), interesting traffic, binding by
 * remote name, and the notifications that end calls. See dialer.h.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dialer-private.h"

struct dialer *dialer_module_find(struct dialer_module *m, const char *name)
{
	if (!name)
		return NULL;
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (vpdn_ifname_eq(d->conf->name, name))
			return d;
	}
	return NULL;
}

/* Index m->members by name: one lookup per incoming call, however many
 * interfaces (a LAC with 2 100 PRIs has 2 100 members). The first member
 * of a name wins, as a scan in config order would. */
static void index_members(struct dialer_module *m)
{
	if (m->member_index)
		g_hash_table_destroy(m->member_index);
	m->member_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < m->members->len; i++) {
		struct dialer_member *mb = g_ptr_array_index(m->members, i);
		char *k = vpdn_ifname_key(mb->name);
		if (g_hash_table_contains(m->member_index, k))
			g_free(k);
		else
			g_hash_table_insert(m->member_index, k, mb);
	}
}

static struct dialer_member *find_member(struct dialer_module *m, const char *name)
{
	struct dialer_member *mb;
	char *k;

	if (!name)
		return NULL;
	k = vpdn_ifname_key(name);
	mb = g_hash_table_lookup(m->member_index, k);
	g_free(k);
	return mb;
}

void dialer_hangup_call(struct dialer_module *m, uint32_t call_id, int cause)
{
	struct vpdn_ev_call_hangup h = { .size = sizeof(h), .call_id = call_id, .cause = cause };

	vpdn_bus_publish(m->bus, VPDN_EV_CALL_HANGUP, &h);
}

/* ---- incoming calls ---- */

static void call_free(gpointer p)
{
	struct dialer_call *c = p;

	if (c->ppp_req)
		vpdn_request_cancel(c->ppp_req);
	vpdn_link_unref(c->link);
	g_free(c);
}

/* PPP_START for an answered call, answered on the next main-loop turn.
 * Lifetime: c cancels it when it goes (call_free). */
static void in_ppp_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct dialer_call *c = data;

	c->ppp_req = NULL;
	if (status < 0) {
		vpdn_warn(c->m->log, "%s DDR: PPP did not start (%s), clearing the call",
			  vpdn_link_name(c->link), g_strerror(-status));
		dialer_hangup_call(c->m, c->call_id, VPDN_CAUSE_RESOURCE_UNAVAILABLE);
	}
}

static enum vpdn_bus_verdict on_call_incoming(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_call *call = ev->payload;
	struct dialer_member *mb = find_member(m, call->interface);
	struct vpdn_request *req;
	struct dialer_call *c;
	char from[40];

	if (!mb)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	vpdn_log_printable(from, sizeof(from), call->calling ? call->calling : "unknown",
			   call->calling ? strlen(call->calling) : 7, 32);
	if (!call->link || !call->short_name) {
		(*m->c_refused)++;
		if (req)
			vpdn_request_complete(req, -VPDN_CAUSE_RESOURCE_UNAVAILABLE, NULL);
		return VPDN_BUS_CLAIM;
	}
	DDR(m, "%s DDR: Incoming call from %s on %s, PPP %s with the settings of %s", call->short_name,
	    from, mb->name, mb->forward ? "LAC forwarding" : "server", mb->ppp_config);
	c = g_new0(struct dialer_call, 1);
	c->m = m;
	c->call_id = call->call_id;
	c->link = vpdn_link_ref(call->link);
	g_hash_table_replace(m->calls, c->link, c);
	(*m->c_answered)++;
	if (req)
		vpdn_request_complete(req, 0, NULL);

	struct vpdn_ev_ppp_start st = {
		.size = sizeof(st),
		.link = call->link,
		.interface = call->short_name,
		.config = mb->ppp_config,
		.role = mb->forward ? VPDN_PPP_ROLE_LAC_FORWARD : VPDN_PPP_ROLE_SERVER,
		.dir = VPDN_CALL_IN,
		.call_id = call->call_id,
		.calling = call->calling,
		.called = call->called,
		.dnis = call->called,
		.async = call->async,
		.mru = call->size >= offsetof(struct vpdn_ev_call, mru) + sizeof(call->mru) ?
		       call->mru : 0,
	};
	c->ppp_req = vpdn_bus_request(m->bus, VPDN_EV_PPP_START, &st, in_ppp_done, c);
	return VPDN_BUS_CLAIM;
}

static void drop_call(struct dialer_module *m, struct vpdn_link *link, bool ppp_down)
{
	struct dialer_call *c = g_hash_table_lookup(m->calls, link);

	if (!c)
		return;
	if (c->bound && c->bound->link == link)
		dialer_on_call_gone(c->bound, ppp_down, ppp_down ? "PPP down" : "call cleared");
	if (!ppp_down)
		g_hash_table_remove(m->calls, link);
}

/* ---- dial requests (LAC accept-dialout) ---- */

struct dial_req {
	struct dialer_module *m;
	struct vpdn_request *req;
	struct dialer_hunt *h;
	char dialer[16];
};

static void dial_req_free(struct dial_req *r)
{
	g_ptr_array_remove_fast(r->m->hunts, r);
	g_free(r);
}

/* Lifetime: the hunt frees itself after this; `call` is borrowed. */
static void dial_req_done(struct dialer_hunt *h, int status, const struct vpdn_ev_call *call,
			  void *data)
{
	struct dial_req *r = data;
	struct dialer_module *m = r->m;

	r->h = NULL;
	if (status < 0)
		(*m->c_failures)++;
	if (status >= 0 && vpdn_request_cancelled(r->req)) {
		DDR(m, "%s DDR: dial request withdrawn, hanging up %s", r->dialer,
		    call->short_name ? call->short_name : "");
		dialer_hangup_call(m, call->call_id, VPDN_CAUSE_NORMAL_CLEARING);
	}
	vpdn_request_complete(r->req, status, status >= 0 ? call : NULL);
	dial_req_free(r);
}

static enum vpdn_bus_verdict on_dial_request(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_dial *dr = ev->payload;
	struct dialer *d = dialer_module_find(m, dr->dialer);
	const char *num;
	struct dial_req *r;
	char cause[96];

	if (!d || d->conf->vpdn)
		return VPDN_BUS_PASS;
	r = g_new0(struct dial_req, 1);
	r->m = m;
	r->req = vpdn_event_take_request(ev);
	snprintf(r->dialer, sizeof(r->dialer), "%s", d->conf->short_name);
	if (!r->req) {
		g_free(r);
		return VPDN_BUS_CLAIM;
	}
	num = dr->number && *dr->number ? dr->number : d->conf->string;
	if (!num) {
		DDR(m, "%s DDR: No dialer string, dialing cannot occur", d->conf->short_name);
		vpdn_request_complete(r->req, -VPDN_CAUSE_INVALID_NUMBER_FORMAT, NULL);
		g_free(r);
		return VPDN_BUS_CLAIM;
	}
	(*m->c_dials)++;
	d->calls++;
	snprintf(cause, sizeof(cause), "%s", dr->reason && *dr->reason ? dr->reason : "dial request");
	g_ptr_array_add(m->hunts, r);
	r->h = dialer_hunt_start(m, d->conf, num, cause, dial_req_done, r);
	return VPDN_BUS_CLAIM;
}

/* ---- dial on demand ---- */

static enum vpdn_bus_verdict on_traffic(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_traffic *t = ev->payload;
	struct dialer *d = dialer_module_find(m, t->interface);
	char cause[120], s[INET6_ADDRSTRLEN] = "?", dst[INET6_ADDRSTRLEN] = "?";
	bool v6 = t->packet && t->len >= 40 && (t->packet[0] >> 4) == 6;
	int r;

	if (!d || !d->conf->group)
		return VPDN_BUS_PASS;
	if (v6 ? !d->conf->ipv6_permitted : !d->conf->ip_permitted) {
		DDR(m, "%s DDR: %s packet not interesting (dialer-list %d)", d->conf->short_name,
		    v6 ? "ipv6" : "ip", d->conf->group);
		return VPDN_BUS_PASS;
	}
	if (v6) {
		inet_ntop(AF_INET6, t->packet + 8, s, sizeof(s));
		inet_ntop(AF_INET6, t->packet + 24, dst, sizeof(dst));
	} else if (t->packet && t->len >= 20 && (t->packet[0] >> 4) == 4) {
		inet_ntop(AF_INET, t->packet + 12, s, sizeof(s));
		inet_ntop(AF_INET, t->packet + 16, dst, sizeof(dst));
	}
	snprintf(cause, sizeof(cause), "%s (s=%s, d=%s)", v6 ? "ipv6" : "ip", s, dst);
	r = dialer_dial(d, NULL, cause);
	/* No dialer string, or held off by the enable-timeout after a failed
	 * call: nobody dials now, so the packet is not ours to hold (the ip
	 * module drops it and the next packet asks again; claiming it would
	 * make the ip module hold traffic for a dial that never comes). */
	if (r == -EINVAL || r == -EAGAIN)
		return VPDN_BUS_PASS;
	return VPDN_BUS_CLAIM;     /* dialing or up */
}

int dialer_module_dial(struct dialer_module *m, const char *name, const char *reason)
{
	struct dialer *d = dialer_module_find(m, name);

	if (!d)
		return -ENOENT;
	if (d->conf->rotary && !d->conf->string)
		return -EINVAL;
	return dialer_dial(d, NULL, reason ? reason : "manual");
}

/* ---- call state ---- */

static enum vpdn_bus_verdict on_call_cleared(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_call *call = ev->payload;
	char why[64];

	snprintf(why, sizeof(why), "cause %d %s", call->cause, vpdn_q931_cause_name(call->cause));
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (d->isdn_call && !d->incoming && d->call_id == call->call_id &&
		    (!call->link || d->link == call->link))
			dialer_on_call_gone(d, false, why);
	}
	if (call->link)
		drop_call(m, call->link, false);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_ppp *p = ev->payload;

	if (!p->link)
		return VPDN_BUS_PASS;
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (d->link == p->link && !d->incoming)
			dialer_on_call_gone(d, true, "PPP down");
	}
	drop_call(m, p->link, true);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_session_down(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_session *s = ev->payload;

	if (!s->link)
		return VPDN_BUS_PASS;
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (!d->isdn_call && d->link == s->link)
			dialer_on_call_gone(d, false, "session down");
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_network_up(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_ppp_network *n = ev->payload;

	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (d->state != DIALER_CONNECTING && d->state != DIALER_CONNECTED)
			continue;
		if ((d->iface[0] && n->interface && !strcmp(d->iface, n->interface)) ||
		    (!d->iface[0] && n->profile && vpdn_ifname_eq(n->profile, d->conf->name))) {
			dialer_on_network_up(d, n);
			break;
		}
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_authenticated(const struct vpdn_event *ev, void *data)
{
	struct dialer_module *m = data;
	const struct vpdn_ev_ppp *p = ev->payload;
	struct dialer_call *c = p->link ? g_hash_table_lookup(m->calls, p->link) : NULL;
	char user[80];

	if (!c || c->bound || !p->user)
		return VPDN_BUS_PASS;
	vpdn_log_printable(user, sizeof(user), p->user, strlen(p->user), 64);
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (d->conf->remote_name && !strcmp(d->conf->remote_name, p->user)) {
			DDR(m, "%s DDR: Authenticated host %s, binding to profile %s",
			    vpdn_link_name(c->link), user, d->conf->short_name);
			dialer_bind_incoming(d, c->link, c->call_id, vpdn_link_name(c->link));
			if (d->link == c->link)
				c->bound = d;
			return VPDN_BUS_PASS;
		}
	}
	DDR(m, "%s DDR: Authenticated host %s with no matching dialer profile",
	    vpdn_link_name(c->link), user);
	return VPDN_BUS_PASS;
}

/* ---- module ---- */

unsigned dialer_module_count(struct dialer_module *m)
{
	return m->dialers->len;
}

unsigned dialer_module_incoming_count(struct dialer_module *m)
{
	return g_hash_table_size(m->calls);
}

int dialer_module_info(struct dialer_module *m, unsigned i, struct dialer_info *out)
{
	struct dialer *d;

	if (i >= m->dialers->len)
		return -ENOENT;
	d = g_ptr_array_index(m->dialers, i);
	memset(out, 0, sizeof(*out));
	out->name = d->conf->name;
	out->kind = d->conf->vpdn ? "vpdn" : d->conf->rotary ? "rotary" : "isdn";
	out->state = d->state;
	out->number = d->number[0] ? d->number : d->conf->string ? d->conf->string : "";
	out->remote_name = d->conf->remote_name ? d->conf->remote_name : "";
	out->interface = d->iface;
	out->call_id = d->call_id;
	out->idle_left = dialer_idle_left(d);
	out->failures = d->failures;
	out->calls = d->calls;
	return 0;
}

int dialer_module_info_by_name(struct dialer_module *m, const char *name, struct dialer_info *out)
{
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (vpdn_ifname_eq(d->conf->name, name))
			return dialer_module_info(m, i, out);
	}
	return -ENOENT;
}

int dialer_module_new(struct vpdn_core *core, cfg_t *cfg, struct dialer_module **out)
{
	struct dialer_module *m = g_new0(struct dialer_module, 1);
	char *error = NULL;
	int r;

	m->core = core;
	m->bus = vpdn_core_bus(core);
	m->log = vpdn_core_log(core);
	m->tm = vpdn_core_timers(core);
	m->confs = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_conf_free);
	m->members = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_member_free);
	m->dialers = g_ptr_array_new();
	m->hunts = g_ptr_array_new();
	m->calls = g_hash_table_new_full(NULL, NULL, NULL, call_free);
	r = dialer_config_load(cfg, m->confs, m->members, &error);
	index_members(m);
	if (r < 0) {
		vpdn_err(m->log, "dialer: %s", error ? error : "invalid config");
		g_free(error);
		goto fail;
	}
	for (guint i = 0; i < m->confs->len; i++) {
		struct dialer *d = g_new0(struct dialer, 1);
		dialer_init(d, m, g_ptr_array_index(m->confs, i));
		g_ptr_array_add(m->dialers, d);
	}
	m->c_dials = vpdn_core_counter(core, "dialer_dials_total", "Calls the dialer placed");
	m->c_failures = vpdn_core_counter(core, "dialer_failures_total", "Dialer calls that failed");
	m->c_answered = vpdn_core_counter(core, "dialer_answered_total", "Incoming calls answered");
	m->c_refused = vpdn_core_counter(core, "dialer_refused_total", "Incoming calls refused");
	static const struct { uint32_t type; vpdn_bus_handler fn; } subs[] = {
		{ VPDN_EV_CALL_INCOMING, on_call_incoming },
		{ VPDN_EV_DIAL_REQUEST, on_dial_request },
		{ VPDN_EV_INTERESTING_TRAFFIC, on_traffic },
		{ VPDN_EV_CALL_CLEARED, on_call_cleared },
		{ VPDN_EV_PPP_DOWN, on_ppp_down },
		{ VPDN_EV_SESSION_DOWN, on_session_down },
		{ VPDN_EV_PPP_NETWORK_UP, on_network_up },
		{ VPDN_EV_PPP_AUTHENTICATED, on_authenticated },
	};
	G_STATIC_ASSERT(G_N_ELEMENTS(subs) <= G_N_ELEMENTS(m->subs));
	for (size_t i = 0; i < G_N_ELEMENTS(subs); i++) {
		m->subs[i] = vpdn_bus_subscribe(m->bus, subs[i].type, subs[i].fn, m);
		if (!m->subs[i]) {
			r = -ENOMEM;
			goto fail;
		}
	}
	r = dialer_bus_register(m);
	if (r < 0) {
		vpdn_err(m->log, "dialer: Failed to add the D-Bus object: %s", g_strerror(-r));
		goto fail;
	}
	*out = m;
	return 0;
fail:
	dialer_module_free(m);
	return r;
}

void dialer_changed(struct dialer_module *m)
{
	if (m->changed)
		m->changed(m);
}

void dialer_module_free(struct dialer_module *m)
{
	if (!m)
		return;
	if (m->sweep)
		g_source_remove(m->sweep);
	dialer_bus_unregister(m);
	for (size_t i = 0; i < G_N_ELEMENTS(m->subs); i++)
		if (m->subs[i])
			vpdn_bus_unsubscribe(m->bus, m->subs[i]);
	while (m->hunts->len) {
		struct dial_req *r = g_ptr_array_index(m->hunts, 0);
		dialer_hunt_cancel(r->h);
		vpdn_request_complete(r->req, -ECANCELED, NULL);
		dial_req_free(r);
	}
	for (guint i = 0; i < m->dialers->len; i++) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		dialer_fini(d);
		g_free(d);
	}
	g_ptr_array_free(m->dialers, TRUE);
	g_ptr_array_free(m->hunts, TRUE);
	g_hash_table_destroy(m->calls);
	g_ptr_array_free(m->confs, TRUE);
	g_ptr_array_free(m->members, TRUE);
	if (m->member_index)
		g_hash_table_destroy(m->member_index);
	g_free(m);
}

/* ---- reload ---- */

static bool dialer_idle(const struct dialer *d)
{
	return d->state == DIALER_IDLE && !d->link && !d->net && !d->hunt && !d->dialout &&
	       !d->ppp_req;
}

static void dialer_drop(struct dialer_module *m, struct dialer *d)
{
	vpdn_info(m->log, "%s DDR: profile removed from the config, dropped", d->conf->name);
	dialer_fini(d);
	g_ptr_array_remove(m->dialers, d);
	g_ptr_array_remove(m->confs, d->conf); /* frees it */
	g_free(d);
}

static gboolean on_sweep(gpointer data)
{
	struct dialer_module *m = data;

	m->sweep = 0;
	for (guint i = 0; i < m->dialers->len;) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		if (d->removed && dialer_idle(d))
			dialer_drop(m, d);
		else
			i++;
	}
	return G_SOURCE_REMOVE;
}

void dialer_module_sweep_later(struct dialer_module *m)
{
	if (!m->sweep)
		m->sweep = g_idle_add(on_sweep, m);
}

/* A new config: dialer profiles, rotary groups, dialer-lists, timers and
 * the member interfaces are replaced. A profile with a call keeps the call
 * (its new settings apply from now: idle timeout, and to the next call: the
 * number, ports, ...); a new profile starts idle; a removed one is dropped
 * at once when idle, else when its call ends. */
int dialer_module_reload(struct dialer_module *m, cfg_t *cfg)
{
	GPtrArray *confs = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_conf_free);
	GPtrArray *members = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_member_free);
	char *error = NULL;
	unsigned added = 0, changed = 0, removed = 0;
	int r;

	r = dialer_config_load(cfg, confs, members, &error);
	if (r < 0) {
		vpdn_err(m->log, "dialer: reload refused: %s", error ? error : "invalid config");
		g_free(error);
		g_ptr_array_free(confs, TRUE);
		g_ptr_array_free(members, TRUE);
		return r;
	}
	g_ptr_array_free(m->members, TRUE);
	m->members = members;
	index_members(m);

	/* Dialers that are no longer configured. */
	for (guint i = 0; i < m->dialers->len;) {
		struct dialer *d = g_ptr_array_index(m->dialers, i);
		bool still = false;

		for (guint k = 0; k < confs->len && !still; k++)
			still = vpdn_ifname_eq(((struct dialer_conf *)g_ptr_array_index(confs, k))->name,
						 d->conf->name);
		if (still || d->removed) {
			i++;
			continue;
		}
		removed++;
		if (dialer_idle(d)) {
			dialer_drop(m, d);
			continue;
		}
		vpdn_info(m->log, "%s DDR: profile removed from the config; kept until its call ends",
			  d->conf->name);
		d->removed = true;
		i++;
	}
	/* New settings for the others, new dialers for new profiles. */
	for (guint k = 0; k < confs->len; k++) {
		struct dialer_conf *c = g_ptr_array_index(confs, k);
		struct dialer *d = NULL;

		for (guint i = 0; i < m->dialers->len && !d; i++) {
			struct dialer *x = g_ptr_array_index(m->dialers, i);
			if (!x->removed && vpdn_ifname_eq(x->conf->name, c->name))
				d = x;
		}
		if (d) {
			struct dialer_conf *old = d->conf;

			d->conf = c;
			g_ptr_array_remove(m->confs, old); /* frees it */
			changed++;
			if (!dialer_idle(d))
				DDR(m, "%s DDR: new settings; the call stays up", c->short_name);
		} else {
			d = g_new0(struct dialer, 1);
			dialer_init(d, m, c);
			g_ptr_array_add(m->dialers, d);
			added++;
		}
	}
	g_ptr_array_extend_and_steal(m->confs, confs);
	vpdn_info(m->log, "dialer: reloaded: %u profiles updated, %u added, %u removed", changed,
		  added, removed);
	return 0;
}
