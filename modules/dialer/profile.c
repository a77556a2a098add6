/* SPDX-License-Identifier: MIT */
/*
 * A dialer profile's state machine ("Dialer1" over ISDN, "Dialer2" with
 * dialer-vpdn over L2TP):
 *
 *   idle --dial--> dialing (wait-for-carrier armed)
 *   dialing --carrier (call connected / L2TP session up), PPP_START--> connecting
 *   dialing --failure or wait-for-carrier--> enable-wait (enable-timeout)
 *   connecting --PPP_NETWORK_UP--> connected (idle check armed)
 *   connecting --PPP down / call cleared--> enable-wait (a failed call)
 *   connected --idle-timeout--> hang up; --call gone--> idle
 *   enable-wait --enable-timeout--> idle
 *
 * One embedded timer serves the state: wait-for-carrier, the idle check
 * (sampling the call's packet counters every idle/4, at least 1 s), or the
 * enable-timeout. Idle activity is the IPv4 packets both ways on the
 * network link of PPP_NETWORK_UP (LCP keepalives do not count), or the
 * carrier's frames before that.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dialer-private.h"

const char *dialer_state_name(enum dialer_state st)
{
	switch (st) {
	case DIALER_IDLE: return "idle";
	case DIALER_DIALING: return "dialing";
	case DIALER_CONNECTING: return "connecting";
	case DIALER_CONNECTED: return "connected";
	case DIALER_ENABLE_WAIT: return "enable-wait";
	default: return "unknown";
	}
}

static void set_state(struct dialer *d, enum dialer_state st)
{
	if (d->state == st)
		return;
	DDR(d->m, "%s DDR: Dialer state change from %s to %s", d->conf->short_name,
	    dialer_state_name(d->state), dialer_state_name(st));
	d->state = st;
	dialer_changed(d->m);
	if (st == DIALER_IDLE && d->removed)
		dialer_module_sweep_later(d->m);
}

static uint64_t activity(struct dialer *d)
{
	struct vpdn_link *l = d->net ? d->net : d->link;
	const struct vpdn_link_stats *a, *b;

	if (!l)
		return 0;
	a = vpdn_link_stats(l, VPDN_LINK_A);
	b = vpdn_link_stats(l, VPDN_LINK_B);
	return (a ? a->frames : 0) + (b ? b->frames : 0);
}

static uint64_t idle_period(struct dialer *d)
{
	uint64_t p = d->conf->idle_ms / 4;
	return p < 1000 ? (d->conf->idle_ms < 1000 ? d->conf->idle_ms : 1000) : p;
}

static void bind_publish(struct dialer *d, bool bound)
{
	struct vpdn_ev_dialer_bind ev = {
		.size = sizeof(ev),
		.interface = d->iface,
		.profile = d->conf->name,
		.bound = bound,
	};

	if (d->bound == bound || !d->iface[0])
		return;
	d->bound = bound;
	if (bound)
		vpdn_info(d->m->log, "%%DIALER-6-BIND: Interface %s bound to profile %s", d->iface,
			  d->conf->short_name);
	else
		vpdn_info(d->m->log, "%%DIALER-6-UNBIND: Interface %s unbound from profile %s",
			  d->iface, d->conf->short_name);
	vpdn_bus_publish(d->m->bus, VPDN_EV_DIALER_BIND, &ev);
}

/* Drop everything about the current call (no hang-up here). */
static void release_call(struct dialer *d)
{
	if (d->hunt)
		dialer_hunt_cancel(d->hunt);
	d->hunt = NULL;
	if (d->dialout)
		vpdn_request_cancel(d->dialout);
	d->dialout = NULL;
	if (d->ppp_req)
		vpdn_request_cancel(d->ppp_req);
	d->ppp_req = NULL;
	bind_publish(d, false);
	if (d->link)
		vpdn_link_unref(d->link);
	if (d->net)
		vpdn_link_unref(d->net);
	d->link = d->net = NULL;
	d->call_id = 0;
	d->isdn_call = d->incoming = false;
	d->carrier_mru = 0;
	d->iface[0] = '\0';
}

/* Clear the call toward the network: ISDN by CALL_HANGUP (isdn then tells
 * PPP), an L2TP session by hanging up its link from end B (L2TP sends CDN
 * and tells PPP). */
static void hangup(struct dialer *d, int cause)
{
	if (d->isdn_call && d->call_id)
		dialer_hangup_call(d->m, d->call_id, cause);
	else if (d->link)
		vpdn_link_hangup(d->link, VPDN_LINK_B, cause);
}

static void fail(struct dialer *d, const char *why)
{
	d->failures++;
	(*d->m->c_failures)++;
	DDR(d->m, "%s DDR: Dialer call failed (%s)", d->conf->short_name, why);
	release_call(d);
	/* Traffic held for this dial (the ip module's queue) is dropped now,
	 * so the next packet asks again, after the enable-timeout. */
	struct vpdn_ev_dial_failed ev = { .size = sizeof(ev), .profile = d->conf->name, .reason = why };
	vpdn_bus_publish(d->m->bus, VPDN_EV_DIAL_FAILED, &ev);
	if (d->conf->enable_ms) {
		set_state(d, DIALER_ENABLE_WAIT);
		DDR(d->m, "%s DDR: re-enable timeout %" G_GUINT64_FORMAT " s", d->conf->short_name,
		    d->conf->enable_ms / 1000);
		vpdn_timer_arm(d->m->tm, &d->timer, d->conf->enable_ms);
	} else {
		vpdn_timer_cancel(d->m->tm, &d->timer);
		set_state(d, DIALER_IDLE);
	}
}

static void on_timer(struct vpdn_timer *t, void *data)
{
	struct dialer *d = data;
	uint64_t now = vpdn_timers_now(d->m->tm), count;

	switch (d->state) {
	case DIALER_DIALING:
		DDR(d->m, "%s DDR: wait for carrier timeout", d->conf->short_name);
		fail(d, "wait for carrier timeout");
		return;
	case DIALER_CONNECTED:
		count = activity(d);
		if (count != d->last_count) {
			d->last_count = count;
			d->last_change = now;
		}
		if (now - d->last_change >= d->conf->idle_ms) {
			DDR(d->m, "%s DDR: idle timeout", d->iface[0] ? d->iface : d->conf->short_name);
			DDR(d->m, "%s DDR: disconnecting call", d->iface[0] ? d->iface : d->conf->short_name);
			hangup(d, VPDN_CAUSE_NORMAL_CLEARING);
			/* The call-gone notification may have run already. */
			if (d->state == DIALER_CONNECTED) {
				release_call(d);
				set_state(d, DIALER_IDLE);
			}
			return;
		}
		vpdn_timer_arm(d->m->tm, &d->timer, idle_period(d));
		return;
	case DIALER_ENABLE_WAIT:
		DDR(d->m, "%s DDR: re-enable timeout", d->conf->short_name);
		set_state(d, DIALER_IDLE);
		return;
	case DIALER_IDLE:
	case DIALER_CONNECTING:
	default:
		vpdn_warn(d->m->log, "%s DDR: timer in state %s, call dropped", d->conf->short_name,
			  dialer_state_name(d->state));
		hangup(d, VPDN_CAUSE_NORMAL_CLEARING);
		release_call(d);
		set_state(d, DIALER_IDLE);
		return;
	}
}

static void start_connected(struct dialer *d)
{
	set_state(d, DIALER_CONNECTED);
	d->last_count = activity(d);
	d->last_change = vpdn_timers_now(d->m->tm);
	if (d->conf->idle_ms)
		vpdn_timer_arm(d->m->tm, &d->timer, idle_period(d));
	else
		vpdn_timer_cancel(d->m->tm, &d->timer);
}

/* Completion of our PPP_START, from the main loop (never inside
 * vpdn_bus_request()); release_call() cancels it. */
static void ppp_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct dialer *d = data;
	const struct vpdn_ev_ppp *p = reply;

	d->ppp_req = NULL;
	if (d->state != DIALER_CONNECTING)
		return;
	if (status < 0) {
		hangup(d, VPDN_CAUSE_NORMAL_CLEARING);
		fail(d, "PPP did not start");
		return;
	}
	if (!d->isdn_call && p && p->interface) {
		snprintf(d->iface, sizeof(d->iface), "%s", p->interface);
		bind_publish(d, true);
		DDR(d->m, "%s DDR: Dialer statechange to up", d->iface);
		DDR(d->m, "%s DDR: Dialer call has been placed", d->iface);
	}
}

static void start_ppp(struct dialer *d, const char *calling)
{
	struct vpdn_ev_ppp_start st = {
		.size = sizeof(st),
		.link = d->link,
		.interface = d->isdn_call ? d->iface : NULL,
		.config = d->conf->name,
		.role = d->conf->vpdn ? VPDN_PPP_ROLE_SERVER : VPDN_PPP_ROLE_CLIENT,
		.dir = VPDN_CALL_OUT,
		.call_id = d->call_id,
		.calling = calling,
		.called = d->number,
		.mru = d->carrier_mru,
	};

	set_state(d, DIALER_CONNECTING);
	vpdn_timer_cancel(d->m->tm, &d->timer);
	d->ppp_req = vpdn_bus_request(d->m->bus, VPDN_EV_PPP_START, &st, ppp_done, d);
}

/* ISDN: the hunt's answer. Lifetime: the hunt frees itself after this. */
static void hunt_done(struct dialer_hunt *h, int status, const struct vpdn_ev_call *call,
		      void *data)
{
	struct dialer *d = data;
	char why[64];

	d->hunt = NULL;
	if (d->state != DIALER_DIALING)
		return;
	if (status < 0 || !call || !call->link) {
		snprintf(why, sizeof(why), "%s", status < 0 ? dialer_cause_text(status) : "no carrier");
		fail(d, why);
		return;
	}
	d->link = vpdn_link_ref(call->link);
	vpdn_link_count(d->link);   /* activity() */
	d->call_id = call->call_id;
	d->isdn_call = true;
	d->carrier_mru = call->size >= offsetof(struct vpdn_ev_call, mru) + sizeof(call->mru) ?
			 call->mru : 0;
	snprintf(d->iface, sizeof(d->iface), "%s", call->short_name ? call->short_name : "");
	DDR(d->m, "%s DDR: Dialer statechange to up", d->iface);
	DDR(d->m, "%s DDR: Dialer call has been placed", d->iface);
	start_ppp(d, call->calling);
}

/* vpdn: L2TP's answer (OCCN received), from the main loop; the session
 * payload is borrowed. */
static void dialout_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct dialer *d = data;
	const struct vpdn_ev_session *s = reply;
	char why[64];

	d->dialout = NULL;
	if (d->state != DIALER_DIALING)
		return;
	if (status < 0 || !s || !s->link) {
		snprintf(why, sizeof(why), "L2TP dial-out: %s", g_strerror(status < 0 ? -status : EIO));
		fail(d, why);
		return;
	}
	d->link = vpdn_link_ref(s->link);
	vpdn_link_count(d->link);   /* activity() */
	d->isdn_call = false;
	d->carrier_mru = 0;
	start_ppp(d, s->calling);
}

int dialer_dial(struct dialer *d, const char *number, const char *cause)
{
	const struct dialer_conf *c = d->conf;
	const char *num = number ? number : c->string;

	switch (d->state) {
	case DIALER_IDLE:
		break;
	case DIALER_ENABLE_WAIT:
		DDR(d->m, "%s DDR: dialer is waiting for the enable timeout, no dial", c->short_name);
		return -EAGAIN;
	case DIALER_DIALING:
	case DIALER_CONNECTING:
	case DIALER_CONNECTED:
		return -EBUSY;
	default:
		return -EIO;
	}
	if (!num || !*num) {
		DDR(d->m, "%s DDR: No dialer string, dialing cannot occur", c->short_name);
		return -EINVAL;
	}
	snprintf(d->number, sizeof(d->number), "%s", num);
	d->calls++;
	(*d->m->c_dials)++;
	set_state(d, DIALER_DIALING);
	vpdn_timer_arm(d->m->tm, &d->timer, c->carrier_ms);
	if (c->vpdn) {
		struct vpdn_ev_dialout ev = {
			.size = sizeof(ev),
			.pool = c->pool,
			.profile = c->name,
			.number = d->number,
			.remote_name = c->remote_name,
			.min_bps = 64000,
			.max_bps = 64000,
		};

		DDR(d->m, "%s DDR: Dialing cause %s", c->short_name, cause);
		DDR(d->m, "%s DDR: Attempting to dial %s", c->short_name, d->number);
		d->dialout = vpdn_bus_request(d->m->bus, VPDN_EV_DIALOUT_REQUEST, &ev, dialout_done, d);
		return 0;
	}
	d->hunt = dialer_hunt_start(d->m, c, d->number, cause, hunt_done, d);
	return 0;
}

void dialer_on_network_up(struct dialer *d, const struct vpdn_ev_ppp_network *ev)
{
	if (d->state != DIALER_CONNECTING && d->state != DIALER_CONNECTED)
		return;
	if (ev->net && ev->net != d->net) {
		if (d->net)
			vpdn_link_unref(d->net);
		d->net = vpdn_link_ref(ev->net);
		vpdn_link_count(d->net);   /* activity() */
	}
	DDR(d->m, "%s DDR: dialer protocol up", d->iface[0] ? d->iface : d->conf->short_name);
	start_connected(d);
}

/* PPP went down or the carrier was cleared. */
void dialer_on_call_gone(struct dialer *d, bool ppp_failed, const char *why)
{
	if (d->incoming && d->state == DIALER_CONNECTING) {
		/* A bound incoming call: not ours to count. */
		release_call(d);
		set_state(d, DIALER_IDLE);
		return;
	}
	switch (d->state) {
	case DIALER_CONNECTING:
		/* Never reached the network phase: a failed call. */
		hangup(d, VPDN_CAUSE_NORMAL_CLEARING);
		fail(d, why);
		return;
	case DIALER_CONNECTED:
		DDR(d->m, "%s DDR: Dialer statechange to down (%s)",
		    d->iface[0] ? d->iface : d->conf->short_name, why);
		if (ppp_failed)
			hangup(d, VPDN_CAUSE_NORMAL_CLEARING);
		release_call(d);
		vpdn_timer_cancel(d->m->tm, &d->timer);
		set_state(d, DIALER_IDLE);
		return;
	case DIALER_IDLE:
	case DIALER_DIALING:
	case DIALER_ENABLE_WAIT:
		return;
	default:
		vpdn_warn(d->m->log, "%s DDR: call gone in state %d", d->conf->short_name, d->state);
		release_call(d);
		set_state(d, DIALER_IDLE);
		return;
	}
}

void dialer_bind_incoming(struct dialer *d, struct vpdn_link *link, uint32_t call_id,
			  const char *iface)
{
	if (d->state != DIALER_IDLE && d->state != DIALER_ENABLE_WAIT) {
		DDR(d->m, "%s DDR: profile %s is busy, call not bound", iface, d->conf->short_name);
		return;
	}
	vpdn_timer_cancel(d->m->tm, &d->timer);
	d->link = vpdn_link_ref(link);
	vpdn_link_count(d->link);   /* activity() */
	d->call_id = call_id;
	d->isdn_call = call_id != 0;
	d->incoming = true;
	snprintf(d->iface, sizeof(d->iface), "%s", iface);
	bind_publish(d, true);
	set_state(d, DIALER_CONNECTING);
}

uint32_t dialer_idle_left(struct dialer *d)
{
	uint64_t now = vpdn_timers_now(d->m->tm), used;

	if (d->state != DIALER_CONNECTED || !d->conf->idle_ms)
		return 0;
	if (activity(d) != d->last_count)
		return (uint32_t)(d->conf->idle_ms / 1000);
	used = now - d->last_change;
	return used >= d->conf->idle_ms ? 0 : (uint32_t)((d->conf->idle_ms - used + 999) / 1000);
}

void dialer_init(struct dialer *d, struct dialer_module *m, struct dialer_conf *c)
{
	memset(d, 0, sizeof(*d));
	d->m = m;
	d->conf = c;
	d->state = DIALER_IDLE;
	vpdn_timer_init(&d->timer, on_timer, d);
}

void dialer_fini(struct dialer *d)
{
	vpdn_timer_cancel(d->m->tm, &d->timer);
	release_call(d);
}
