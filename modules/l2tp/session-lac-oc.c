/* SPDX-License-Identifier: MIT */
/*
 * LAC outgoing call (RFC 2661 §7.5.2): the LNS asks us to dial (OCRQ).
 *
 *   idle --OCRQ, DIAL_REQUEST to the accept-dialout dialer, OCRP sent-->
 *   wait-cs-answer --call answered: B channel spliced, OCCN sent--> established
 *   No dialer resource: CDN instead of OCRP. Dial failure: CDN with the
 *   result for the cause (busy 8, no answer 10, ...) and the Q.931 cause.
 */
#include <errno.h>
#include <string.h>

#include "session-fsm.h"

enum lac_oc_state {
	LAC_OC_IDLE,
	LAC_OC_WAIT_CS_ANSWER,
	LAC_OC_ESTABLISHED,
};

/* A DIAL_REQUEST we issued. It outlives its session: a call the dialer
 * connects after the session went away is hung up. */
struct l2tp_dial {
	struct l2tp *l2tp;
	uint16_t tid, sid;          /* sid 0: the session is gone */
	struct vpdn_request *req;
};

static const char *state_name(int st)
{
	switch (st) {
	case LAC_OC_IDLE: return "idle";
	case LAC_OC_WAIT_CS_ANSWER: return "wait-cs-answer";
	case LAC_OC_ESTABLISHED: return "established";
	default: return "unknown";
	}
}

static bool waiting_tunnel(const struct l2tp_session *s)
{
	return false;
}

/* The dialer has its own timers; this one only guards against a call
 * that neither connects nor fails. */
static const char *awaits(const struct l2tp_session *s)
{
	return s->state == LAC_OC_WAIT_CS_ANSWER ? "the call to be answered" : NULL;
}

static bool established(const struct l2tp_session *s)
{
	return s->state == LAC_OC_ESTABLISHED;
}

static void tunnel_up(struct l2tp_session *s)
{
}

static void send_ocrp(struct l2tp_session *s)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_OCRP);
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->sid;
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_L2X_EVENTS, "L2TP: Send OCRP");
	l2tp_session_send(s, &m);
	l2tp_session_set_state(s, LAC_OC_WAIT_CS_ANSWER);
}

static void answered(struct l2tp_session *s, const struct vpdn_ev_call *call)
{
	struct l2tp_group *g = s->tunnel->group;
	struct l2tp_msg m;

	g_free(s->ifname);
	s->ifname = g_strdup(call->short_name ? call->short_name : call->channel);
	s->carrier = vpdn_link_ref(call->link);
	l2tp_session_make_link(s);
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Bind interface direction=1",
		   s->ifname ? s->ifname : "");
	if (vpdn_link_splice(s->carrier, s->link) < 0) {
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_RESOURCES, 0,
				   "Cannot bind the call");
		return;
	}
	l2tp_session_set_state(s, LAC_OC_ESTABLISHED);
	l2tp_msg_init(&m, L2TP_MSG_OCCN);
	l2tp_msg_set(&m, L2TP_AVP_TX_CONNECT_SPEED);
	m.tx_connect_speed = (call->bearer_kbps ? call->bearer_kbps : 64) * 1000;
	l2tp_msg_set(&m, L2TP_AVP_RX_CONNECT_SPEED);
	m.rx_connect_speed = m.tx_connect_speed;
	l2tp_msg_set(&m, L2TP_AVP_FRAMING_TYPE);
	m.framing_type = call->async ? L2TP_FRAMING_ASYNC : L2TP_FRAMING_SYNC;
	if (g && g->sequencing) {
		l2tp_msg_set(&m, L2TP_AVP_SEQUENCING_REQUIRED);
		s->seq = true;
	}
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_L2X_EVENTS, "L2TP: Send OCCN");
	l2tp_session_send(s, &m);
	vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: bound to vpdn session",
		   s->ifname ? s->ifname : "");
	l2tp_session_drop_call(s);
	l2tp_session_published_up(s);
}

void l2tp_dial_orphan(struct l2tp_session *s)
{
	if (s->call && s->call->dial) {
		s->call->dial->sid = 0;
		s->call->dial = NULL;
	}
	s->out_req = NULL;
}

/* The engine stops: cancel every pending dial. */
static void stop_dials(struct l2tp *l2tp)
{
	while (l2tp->dials) {
		struct l2tp_dial *d = l2tp->dials->data;

		l2tp->dials = g_list_delete_link(l2tp->dials, l2tp->dials);
		if (d->req)
			vpdn_request_cancel(d->req);
		g_free(d);
	}
}

/* Completion of DIAL_REQUEST, from the main loop (never inside
 * vpdn_bus_request()). */
static void dial_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct l2tp_dial *d = data;
	struct l2tp *l2tp = d->l2tp;
	struct l2tp_tunnel *t = l2tp_tunnel_get(l2tp, d->tid);
	struct l2tp_session *s = t && d->sid ? l2tp_session_get(t, d->sid) : NULL;
	const struct vpdn_ev_call *call = reply;

	l2tp->dials = g_list_remove(l2tp->dials, d);
	g_free(d);
	if (!s) {
		/* The session went away while the dialer was dialing. */
		if (status >= 0 && call && call->link) {
			vpdn_debug(l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
				   "%s VPDN: Dial-out session gone, hanging up",
				   call->short_name ? call->short_name : "");
			vpdn_link_hangup(call->link, VPDN_LINK_B, VPDN_CAUSE_NORMAL_CLEARING);
		}
		return;
	}
	s->out_req = NULL;
	if (s->call)            /* holds the dial until answered (drop_call after) */
		s->call->dial = NULL;
	if (status < 0 || !call || !call->link) {
		int cause, result = l2tp_cdn_result_for(status < 0 ? status : -EIO, &cause);

		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Dial-out failed: %s",
		     cause ? vpdn_q931_cause_name(cause) : g_strerror(status < 0 ? -status : EIO));
		/* Before OCRP (no dialer at all) the CDN replaces it. */
		l2tp_session_close(s, true, result, 0, cause, cause ? NULL : "Dial-out failed");
		return;
	}
	if (s->state == LAC_OC_IDLE)
		send_ocrp(s);
	answered(s, call);
}

static void input(struct l2tp_session *s, const struct l2tp_msg *m)
{
	switch (s->state) {
	case LAC_OC_IDLE:
	case LAC_OC_WAIT_CS_ANSWER:
	case LAC_OC_ESTABLISHED:
		break;
	default:
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Bad state %d", s->state);
		break;
	}
	l2tp_session_unexpected(s, m);
}

/* LAC dial-out: OCRQ on tunnel t. */
static void accept_call(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_group *g = t->group;
	struct vpdn_ev_dial ev = { .size = sizeof(ev) };
	struct vpdn_request *req;
	struct l2tp_session *s;
	struct l2tp_dial *d;
	char dialer[32], num[128];

	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: I OCRQ from %s tnl %u",
		   t->tid, t->peer_name ? t->peer_name : "peer", t->peer_tid);
	if (!m->assigned_session_id || l2tp_session_by_peer_sid(t, m->assigned_session_id)) {
		l2tp_session_bad_peer_sid(t, NULL, m->assigned_session_id,
					  m->assigned_session_id ? -EEXIST : -EINVAL);
		return;
	}
	s = l2tp_session_new(t, L2TP_SESSION_LAC_OC);
	if (!s) {
		l2tp_session_refuse(t, m->assigned_session_id, L2TP_CDN_TEMP_NO_FACILITIES,
				    L2TP_ERR_NO_RESOURCES, "No free session ID");
		return;
	}
	l2tp_session_set_peer_sid(s, m->assigned_session_id);
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "New session created");
	s->call = g_new0(struct l2tp_call, 1);
	s->call->number = g_strdup(l2tp_bytes_to_str(&m->called_number, num, sizeof(num)));
	if (!g || !g->accept_dialout || g->dialer < 0) {
		l2tp_session_close(s, true, L2TP_CDN_PERM_NO_FACILITIES, 0, 0,
				   "No accept-dialout for this tunnel");
		return;
	}
	if (g->session_limit && g->sessions > g->session_limit) {
		l2tp_session_close(s, true, L2TP_CDN_TEMP_NO_FACILITIES, L2TP_ERR_NO_RESOURCES, 0,
				   "Session limit reached");
		return;
	}
	if (!num[0]) {
		l2tp_session_close(s, true, L2TP_CDN_INVALID_DEST, 0, 0, "No called number");
		return;
	}
	g_snprintf(dialer, sizeof(dialer), "Dialer%d", g->dialer);
	ev.dialer = dialer;
	ev.number = s->call->number;
	ev.reason = "L2TP dial-out";
	d = g_new0(struct l2tp_dial, 1);
	d->l2tp = t->l2tp;
	d->tid = t->tid;
	d->sid = s->sid;
	t->l2tp->dials = g_list_prepend(t->l2tp->dials, d);
	s->call->dial = d;
	req = vpdn_bus_request(t->l2tp->bus, VPDN_EV_DIAL_REQUEST, &ev, dial_done, d);
	d->req = req;
	s->out_req = req;
	/* An answer given at once (a failure: no dialer, all ports busy)
	 * sends its CDN instead of the OCRP when it is delivered. */
	if (req && !vpdn_request_answered(req))
		send_ocrp(s);
}

const struct l2tp_session_fsm l2tp_lac_oc_fsm = {
	.state_name = state_name,
	.waiting_tunnel = waiting_tunnel,
	.tunnel_up = tunnel_up,
	.input = input,
	.established = established,
	.awaits = awaits,
	.opened_by = L2TP_MSG_OCRQ,
	.accept = accept_call,
	.stop = stop_dials,
};
