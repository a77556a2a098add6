/* SPDX-License-Identifier: MIT */
/*
 * LNS outgoing call (RFC 2661 §7.5.1): a dialer profile with `dialer vpdn`
 * asks (DIALOUT_REQUEST) for a call placed by a LAC.
 *
 *   idle -> wait-for-tunnel -> wait-reply (OCRQ sent)
 *        -> wait-connect (OCRP received) -> established (OCCN received;
 *           the request completes with the session link)
 *   CDN or any failure: the request fails.
 */
#include <errno.h>
#include <string.h>

#include "session-fsm.h"

enum lns_oc_state {
	LNS_OC_IDLE,
	LNS_OC_WAIT_TUNNEL,
	LNS_OC_WAIT_REPLY,
	LNS_OC_WAIT_CONNECT,
	LNS_OC_ESTABLISHED,
};

static const char *state_name(int st)
{
	switch (st) {
	case LNS_OC_IDLE: return "idle";
	case LNS_OC_WAIT_TUNNEL: return "wait-for-tunnel";
	case LNS_OC_WAIT_REPLY: return "wait-reply";
	case LNS_OC_WAIT_CONNECT: return "wait-connect";
	case LNS_OC_ESTABLISHED: return "established";
	default: return "unknown";
	}
}

static bool waiting_tunnel(const struct l2tp_session *s)
{
	return s->state == LNS_OC_WAIT_TUNNEL;
}

static const char *awaits(const struct l2tp_session *s)
{
	switch (s->state) {
	case LNS_OC_WAIT_REPLY: return "OCRP";
	case LNS_OC_WAIT_CONNECT: return "OCCN";
	default: return NULL;
	}
}

static bool established(const struct l2tp_session *s)
{
	return s->state == LNS_OC_ESTABLISHED;
}

static void tunnel_up(struct l2tp_session *s)
{
	struct l2tp_call *c = s->call;
	struct l2tp_msg m;

	if (s->req && vpdn_request_cancelled(s->req)) {
		/* Completed (and so freed) by the close. */
		l2tp_session_close(s, false, L2TP_CDN_ADMIN, 0, 0, NULL);
		return;
	}
	if (!s->tunnel->peer_bearer) {
		/* OCRQ only to a LAC that said it can place calls. */
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Peer %s sent no Bearer Capabilities: cannot dial out",
		     s->tunnel->peer_name ? s->tunnel->peer_name : "");
		l2tp_session_close(s, false, L2TP_CDN_PERM_NO_FACILITIES, 0, 0, NULL);
		return;
	}
	l2tp_msg_init(&m, L2TP_MSG_OCRQ);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->sid;
	l2tp_msg_set(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
	m.call_serial_number = s->serial;
	l2tp_msg_set(&m, L2TP_AVP_MIN_BPS);
	m.min_bps = c->min_bps ? c->min_bps : 64000;
	l2tp_msg_set(&m, L2TP_AVP_MAX_BPS);
	m.max_bps = c->max_bps ? c->max_bps : 64000;
	l2tp_msg_set(&m, L2TP_AVP_BEARER_TYPE);
	m.bearer_type = s->tunnel->peer_bearer_caps & L2TP_BEARER_DIGITAL ?
		L2TP_BEARER_DIGITAL : L2TP_BEARER_ANALOG;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
	m.framing_type = L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC;
	l2tp_msg_set_str(&m, L2TP_AVP_CALLED_NUMBER, c->number ? c->number : "");
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_L2X_EVENTS, "L2TP: O OCRQ");
	if (!c->number || !c->number[0] || l2tp_session_send(s, &m) < 0) {
		l2tp_session_close(s, false, L2TP_CDN_INVALID_DEST, 0, 0, NULL);
		return;
	}
	l2tp_session_set_state(s, LNS_OC_WAIT_REPLY);
}

static void got_occn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct vpdn_ev_session ev;
	struct vpdn_request *req;

	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "I OCCN from %s tnl %u, cl %u",
	     t->peer_name ? t->peer_name : "peer", t->peer_tid, s->peer_sid);
	s->seq = l2tp_msg_has(m, L2TP_AVP_SEQUENCING_REQUIRED) || (t->group && t->group->sequencing);
	l2tp_session_set_state(s, LNS_OC_ESTABLISHED);
	l2tp_session_make_link(s);
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
		   "%s%sVPDN: Connection is up, start LCP negotiation now",
		   s->ifname ? s->ifname : "", s->ifname ? " " : "");
	req = s->req;
	s->req = NULL;
	l2tp_session_fill_event(s, &ev);
	/* The dialer attaches PPP at end B of ev.link from its completion. */
	if (req)
		vpdn_request_complete(req, 0, &ev);
	l2tp_session_published_up(s);
}

static void input(struct l2tp_session *s, const struct l2tp_msg *m)
{
	switch (s->state) {
	case LNS_OC_WAIT_REPLY:
		if (m->message_type == L2TP_MSG_OCRP) {
			int r = l2tp_session_set_peer_sid(s, m->assigned_session_id);

			if (r < 0) {
				l2tp_session_bad_peer_sid(s->tunnel, s, m->assigned_session_id, r);
				return;
			}
			SLOG(s, VPDN_DEBUG_L2X_EVENTS, "I OCRP from %s tnl %u, cl %u",
			     s->tunnel->peer_name ? s->tunnel->peer_name : "peer",
			     s->tunnel->peer_tid, s->peer_sid);
			l2tp_session_set_state(s, LNS_OC_WAIT_CONNECT);
			return;
		}
		break;
	case LNS_OC_WAIT_CONNECT:
		if (m->message_type == L2TP_MSG_OCCN) {
			got_occn(s, m);
			return;
		}
		break;
	case LNS_OC_IDLE:
	case LNS_OC_WAIT_TUNNEL:
	case LNS_OC_ESTABLISHED:
		break;
	default:
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Bad state %d", s->state);
		break;
	}
	l2tp_session_unexpected(s, m);
}

/* LNS dial-out: a DIALOUT_REQUEST claimed (request: its payload). */
static int start_call(struct l2tp *l2tp, struct l2tp_group *g, const void *request,
		      struct vpdn_request *req)
{
	const struct vpdn_ev_dialout *d = request;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct l2tp_call *c;
	int err;

	if (!d->number || !d->number[0])
		return -EINVAL;
	if (g->session_limit && g->sessions >= g->session_limit) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS, "%s VPDN/%s: Session limit %u reached",
			   d->profile ? d->profile : "", g->name, g->session_limit);
		return -EAGAIN;
	}
	t = l2tp_tunnel_for_group(l2tp, g, true, d->profile, 0, &err);
	if (!t)
		return err;
	s = l2tp_session_new(t, L2TP_SESSION_LNS_OC);
	if (!s)
		return -EAGAIN;
	s->req = req;
	c = s->call = g_new0(struct l2tp_call, 1);
	c->number = g_strdup(d->number);
	c->profile = g_strdup(d->profile);
	c->remote_name = g_strdup(d->remote_name);
	c->min_bps = d->min_bps;
	c->max_bps = d->max_bps;
	c->pool = d->pool;
	l2tp_session_set_state(s, LNS_OC_WAIT_TUNNEL);
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Create dialout session");
	if (t->state == L2TP_TUNNEL_ESTABLISHED) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: SM State established",
			   t->tid);
		tunnel_up(s);
	}
	return 0;
}

const struct l2tp_session_fsm l2tp_lns_oc_fsm = {
	.state_name = state_name,
	.waiting_tunnel = waiting_tunnel,
	.tunnel_up = tunnel_up,
	.input = input,
	.established = established,
	.awaits = awaits,
	.start = start_call,
};
