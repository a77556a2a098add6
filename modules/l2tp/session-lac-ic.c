/* SPDX-License-Identifier: MIT */
/*
 * LAC incoming call (RFC 2661 §7.4.1): a user forwarded by PPP
 * (FORWARD_REQUEST) is tunnelled to the LNS.
 *
 *   idle -> wait-for-tunnel (tunnel not yet established)
 *        -> wait-reply (ICRQ sent) -> established (ICRP received, ICCN sent,
 *           B channel spliced to the session, request completed)
 *   any failure: CDN and clean up; the FORWARD_REQUEST fails.
 */
#include <errno.h>
#include <string.h>

#include "session-fsm.h"

enum lac_ic_state {
	LAC_IC_IDLE,
	LAC_IC_WAIT_TUNNEL,
	LAC_IC_WAIT_REPLY,
	LAC_IC_ESTABLISHED,
};

static const char *state_name(int st)
{
	switch (st) {
	case LAC_IC_IDLE: return "idle";
	case LAC_IC_WAIT_TUNNEL: return "wait-for-tunnel";
	case LAC_IC_WAIT_REPLY: return "wait-reply";
	case LAC_IC_ESTABLISHED: return "established";
	default: return "unknown";
	}
}

static bool waiting_tunnel(const struct l2tp_session *s)
{
	return s->state == LAC_IC_WAIT_TUNNEL;
}

static const char *awaits(const struct l2tp_session *s)
{
	return s->state == LAC_IC_WAIT_REPLY ? "ICRP" : NULL;
}

static bool established(const struct l2tp_session *s)
{
	return s->state == LAC_IC_ESTABLISHED;
}

static void tunnel_up(struct l2tp_session *s)
{
	struct l2tp_call *c = s->call;
	struct l2tp_msg m;

	if (s->req && vpdn_request_cancelled(s->req)) {
		/* The caller hung up while the tunnel came up. (The close
		 * completes the cancelled request, which frees it.) */
		l2tp_session_close(s, false, L2TP_CDN_LOST_CARRIER, 0, 0, NULL);
		return;
	}
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Forwarding...",
		   s->ifname ? s->ifname : "");
	l2tp_msg_init(&m, L2TP_MSG_ICRQ);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->sid;
	l2tp_msg_set(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
	m.call_serial_number = s->serial;
	l2tp_msg_set(&m, L2TP_AVP_BEARER_TYPE);
	m.bearer_type = c->async ? L2TP_BEARER_ANALOG : L2TP_BEARER_DIGITAL;
	if (c->called && c->called[0])
		l2tp_msg_set_str(&m, L2TP_AVP_CALLED_NUMBER, c->called);
	if (c->calling && c->calling[0])
		l2tp_msg_set_str(&m, L2TP_AVP_CALLING_NUMBER, c->calling);
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "O ICRQ to %s %u/0",
	     s->tunnel->peer_name ? s->tunnel->peer_name : "peer", s->tunnel->peer_tid);
	if (l2tp_session_send(s, &m) < 0) {
		l2tp_session_close(s, false, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES, 0, NULL);
		return;
	}
	l2tp_session_set_state(s, LAC_IC_WAIT_REPLY);
	if (s->user)
		vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: %s is forwarded",
			   s->ifname ? s->ifname : "", s->user);
}

static void set_bytes(struct l2tp_msg *m, unsigned type, const uint8_t *p, size_t len)
{
	if (p && len)
		l2tp_msg_set_bytes(m, type, p, len);
}

static void got_icrp(struct l2tp_session *s, const struct l2tp_msg *in)
{
	struct l2tp_call *c = s->call;
	struct l2tp_group *g = s->tunnel->group;
	struct vpdn_ev_session ev;
	struct vpdn_request *req;
	struct l2tp_msg m;
	int r;

	r = l2tp_session_set_peer_sid(s, in->assigned_session_id);
	if (r < 0) {
		l2tp_session_bad_peer_sid(s->tunnel, s, in->assigned_session_id, r);
		return;
	}
	if (s->req && vpdn_request_cancelled(s->req)) {
		/* Completed (and so freed) by the close. */
		l2tp_session_close(s, true, L2TP_CDN_LOST_CARRIER, 0, 0, "Caller hung up");
		return;
	}
	l2tp_msg_init(&m, L2TP_MSG_ICCN);
	l2tp_msg_set(&m, L2TP_AVP_TX_CONNECT_SPEED);
	m.tx_connect_speed = (c->bearer_kbps ? c->bearer_kbps : 64) * 1000;
	l2tp_msg_set(&m, L2TP_AVP_RX_CONNECT_SPEED);
	m.rx_connect_speed = m.tx_connect_speed;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
	m.framing_type = c->async ? L2TP_FRAMING_ASYNC : L2TP_FRAMING_SYNC;
	if (c->proxy.present) {
		const struct vpdn_proxy *p = &c->proxy;

		set_bytes(&m, L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ, p->init_rcvd_confreq,
			  p->init_rcvd_confreq_len);
		set_bytes(&m, L2TP_AVP_LAST_SENT_LCP_CONFREQ, p->last_sent_confreq,
			  p->last_sent_confreq_len);
		set_bytes(&m, L2TP_AVP_LAST_RCVD_LCP_CONFREQ, p->last_rcvd_confreq,
			  p->last_rcvd_confreq_len);
		if (p->auth_type) {
			l2tp_msg_set(&m, L2TP_AVP_PROXY_AUTHEN_TYPE);
			m.proxy_authen_type = p->auth_type;
		}
		if (p->auth_name && p->auth_name[0])
			l2tp_msg_set_str(&m, L2TP_AVP_PROXY_AUTHEN_NAME, p->auth_name);
		set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_CHALLENGE, p->auth_challenge,
			  p->auth_challenge_len);
		if (p->has_auth_id) {
			l2tp_msg_set(&m, L2TP_AVP_PROXY_AUTHEN_ID);
			m.proxy_authen_id = p->auth_id;
		}
		set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_RESPONSE, p->auth_response,
			  p->auth_response_len);
	}
	if (g && g->sequencing) {
		l2tp_msg_set(&m, L2TP_AVP_SEQUENCING_REQUIRED);
		s->seq = true;
	}
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "O ICCN to %s %u/%u",
	     s->tunnel->peer_name ? s->tunnel->peer_name : "peer", s->tunnel->peer_tid,
	     s->peer_sid);
	if (l2tp_session_send(s, &m) < 0) {
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES, 0, NULL);
		return;
	}
	l2tp_session_make_link(s);
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
		   "%s VPDN: Bind interface direction=1", s->ifname ? s->ifname : "");
	if (vpdn_link_splice(s->carrier, s->link) < 0) {
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES, 0,
				   "Cannot bind the call");
		return;
	}
	l2tp_session_set_state(s, LAC_IC_ESTABLISHED);
	/* The requester must not touch end B of its link from now on. */
	req = s->req;
	s->req = NULL;
	l2tp_session_fill_event(s, &ev);
	vpdn_request_complete(req, 0, &ev);
	/* SESSION_UP still names the call's numbers (LAC accounting) */
	l2tp_session_published_up(s);
	l2tp_session_drop_call(s); /* keeps the numbers for show vpdn session */
}

static void input(struct l2tp_session *s, const struct l2tp_msg *m)
{
	switch (s->state) {
	case LAC_IC_WAIT_REPLY:
		if (m->message_type == L2TP_MSG_ICRP) {
			SLOG(s, VPDN_DEBUG_L2X_EVENTS, "I ICRP from %s tnl %u, cl %u",
			     s->tunnel->peer_name ? s->tunnel->peer_name : "peer",
			     s->tunnel->peer_tid, m->assigned_session_id);
			got_icrp(s, m);
			return;
		}
		break;
	case LAC_IC_IDLE:
	case LAC_IC_WAIT_TUNNEL:
	case LAC_IC_ESTABLISHED:
		break;
	default:
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Bad state %d", s->state);
		break;
	}
	l2tp_session_unexpected(s, m);
}

static const uint8_t *keep(GByteArray *store, const uint8_t *p, size_t len)
{
	size_t off = store->len;

	if (!p || !len)
		return NULL;
	g_byte_array_append(store, p, len);
	return (const uint8_t *)(uintptr_t)off; /* fixed up below */
}

/* LAC dial-in: a FORWARD_REQUEST claimed (request: its payload). */
static int start_call(struct l2tp *l2tp, struct l2tp_group *g, const void *request,
		      struct vpdn_request *req)
{
	const struct vpdn_ev_forward *fwd = request;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	struct l2tp_call *c;
	int err;

	if (!fwd->link)
		return -EINVAL;
	if (g->session_limit && g->sessions >= g->session_limit) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_ERRORS,
			   "%s VPDN/%s: Session limit %u reached", fwd->interface ? fwd->interface : "",
			   g->name, g->session_limit);
		return -EAGAIN;
	}
	t = l2tp_tunnel_for_group(l2tp, g, false, fwd->interface, 0, &err);
	if (!t)
		return err;
	s = l2tp_session_new(t, L2TP_SESSION_LAC_IC);
	if (!s)
		return -EAGAIN;
	s->ifname = g_strdup(fwd->interface);
	s->user = g_strdup(fwd->user);
	s->carrier = vpdn_link_ref(fwd->link);
	s->req = req;
	c = s->call = g_new0(struct l2tp_call, 1);
	c->user = g_strdup(fwd->user);
	c->calling = g_strdup(fwd->calling);
	c->called = g_strdup(fwd->dnis ? fwd->dnis : fwd->called);
	c->bearer_kbps = fwd->bearer_kbps;
	c->async = fwd->async;
	if (fwd->proxy.present) {
		const struct vpdn_proxy *p = &fwd->proxy;
		GByteArray *st = g_byte_array_new();
		const uint8_t *o1, *o2, *o3, *o4, *o5;

		c->proxy = *p;
		o1 = keep(st, p->init_rcvd_confreq, p->init_rcvd_confreq_len);
		o2 = keep(st, p->last_sent_confreq, p->last_sent_confreq_len);
		o3 = keep(st, p->last_rcvd_confreq, p->last_rcvd_confreq_len);
		o4 = keep(st, p->auth_challenge, p->auth_challenge_len);
		o5 = keep(st, p->auth_response, p->auth_response_len);
		c->proxy_store = st;
		/* Offsets into the store, now that it stopped growing. */
#define FIX(field, off, src) c->proxy.field = (src) ? st->data + (uintptr_t)(off) : NULL
		FIX(init_rcvd_confreq, o1, p->init_rcvd_confreq && p->init_rcvd_confreq_len);
		FIX(last_sent_confreq, o2, p->last_sent_confreq && p->last_sent_confreq_len);
		FIX(last_rcvd_confreq, o3, p->last_rcvd_confreq && p->last_rcvd_confreq_len);
		FIX(auth_challenge, o4, p->auth_challenge && p->auth_challenge_len);
		FIX(auth_response, o5, p->auth_response && p->auth_response_len);
#undef FIX
		c->proxy.auth_name = c->user;
		if (p->auth_name) {
			g_free(c->user);
			c->user = g_strdup(p->auth_name);
			c->proxy.auth_name = c->user;
		}
	}
	{
		char a[64];

		l2tp_addr_text(&t->peer, a, sizeof(a));
		vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Forward to address %s",
			   s->ifname ? s->ifname : "", a);
	}
	l2tp_session_set_state(s, LAC_IC_WAIT_TUNNEL);
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Create session");
	if (t->state == L2TP_TUNNEL_ESTABLISHED)
		tunnel_up(s);
	return 0;
}

const struct l2tp_session_fsm l2tp_lac_ic_fsm = {
	.state_name = state_name,
	.waiting_tunnel = waiting_tunnel,
	.tunnel_up = tunnel_up,
	.input = input,
	.established = established,
	.awaits = awaits,
	.start = start_call,
};
