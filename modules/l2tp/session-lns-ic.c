/* SPDX-License-Identifier: MIT */
/*
 * LNS incoming call (RFC 2661 §7.4.2): the LAC tunnels a dial-in user.
 *
 *   idle --ICRQ, ICRP sent--> wait-connect --ICCN--> established
 *   On ICCN the session is offered as VPDN_EV_SESSION_INCOMING (with the
 *   proxy LCP/authentication AVPs); the claimer (PPP) answers with the
 *   interface name. Unclaimed or refused: CDN.
 */
#include <errno.h>
#include <string.h>

#include "session-fsm.h"

enum lns_ic_state {
	LNS_IC_IDLE,
	LNS_IC_WAIT_CONNECT,
	LNS_IC_ESTABLISHED,
};

static const char *state_name(int st)
{
	switch (st) {
	case LNS_IC_IDLE: return "idle";
	case LNS_IC_WAIT_CONNECT: return "wait-connect";
	case LNS_IC_ESTABLISHED: return "established";
	default: return "unknown";
	}
}

static bool waiting_tunnel(const struct l2tp_session *s)
{
	return false;
}

static const char *awaits(const struct l2tp_session *s)
{
	return s->state == LNS_IC_WAIT_CONNECT ? "ICCN" : NULL;
}

static bool established(const struct l2tp_session *s)
{
	return s->state == LNS_IC_ESTABLISHED;
}

static void tunnel_up(struct l2tp_session *s)
{
}

struct incoming_ctx {
	struct l2tp_tunnel *tunnel;
	uint16_t sid;
};

/* Completion of SESSION_INCOMING, from the main loop (never inside
 * vpdn_bus_request()); closing the session cancels it. */
static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct incoming_ctx *ic = data;
	struct l2tp_session *s = l2tp_session_get(ic->tunnel, ic->sid);
	const struct vpdn_ev_session_accept *acc = reply;

	g_free(ic);
	if (!s)
		return;
	s->out_req = NULL;
	if (status < 0) {
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Nobody takes the session: %s", g_strerror(-status));
		l2tp_session_close(s, true, L2TP_CDN_PERM_NO_FACILITIES, 0, 0,
				   status == -ENOENT ? "No PPP for the session" : "Session refused");
		return;
	}
	if (acc && acc->interface) {
		g_free(s->ifname);
		s->ifname = g_strdup(acc->interface);
		vpdn_link_set_name(s->link, acc->interface);
		if (s->user)
			vpdn_debug(s->tunnel->l2tp->log, VPDN_DEBUG_VPDN_EVENTS,
				   "%s VPDN: Virtual interface created for %s", acc->interface,
				   s->user);
	}
	l2tp_session_published_up(s);
	l2tp_changed(s->tunnel->l2tp, L2TP_OBJECT_SESSION, s);
}

static void fill_proxy(const struct l2tp_msg *m, struct vpdn_proxy *p, char *name, size_t nsize)
{
	memset(p, 0, sizeof(*p));
#define B(type, ptrf, lenf)                                                      \
	if (l2tp_msg_has(m, type)) {                                             \
		p->present = true;                                               \
		p->ptrf = m->lenf.ptr;                                           \
		p->ptrf##_len = m->lenf.len;                                     \
	}
	B(L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ, init_rcvd_confreq, initial_rcvd_lcp_confreq);
	B(L2TP_AVP_LAST_SENT_LCP_CONFREQ, last_sent_confreq, last_sent_lcp_confreq);
	B(L2TP_AVP_LAST_RCVD_LCP_CONFREQ, last_rcvd_confreq, last_rcvd_lcp_confreq);
	B(L2TP_AVP_PROXY_AUTHEN_CHALLENGE, auth_challenge, proxy_authen_challenge);
	B(L2TP_AVP_PROXY_AUTHEN_RESPONSE, auth_response, proxy_authen_response);
#undef B
	if (l2tp_msg_has(m, L2TP_AVP_PROXY_AUTHEN_TYPE)) {
		p->present = true;
		p->auth_type = m->proxy_authen_type;
	}
	if (l2tp_msg_has(m, L2TP_AVP_PROXY_AUTHEN_NAME)) {
		p->present = true;
		p->auth_name = l2tp_bytes_to_str(&m->proxy_authen_name, name, nsize);
	}
	if (l2tp_msg_has(m, L2TP_AVP_PROXY_AUTHEN_ID)) {
		p->present = true;
		p->has_auth_id = true;
		p->auth_id = m->proxy_authen_id;
	}
}

static void got_iccn(struct l2tp_session *s, const struct l2tp_msg *m)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct vpdn_ev_session ev;
	struct incoming_ctx *ic;
	char name[256];
	uint16_t sid = s->sid;

	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "I ICCN from %s tnl %u, cl %u",
	     t->peer_name ? t->peer_name : "peer", t->peer_tid, s->peer_sid);
	s->seq = l2tp_msg_has(m, L2TP_AVP_SEQUENCING_REQUIRED) || (t->group && t->group->sequencing);
	l2tp_session_set_state(s, LNS_IC_ESTABLISHED);
	l2tp_session_make_link(s);
	l2tp_session_fill_event(s, &ev);
	fill_proxy(m, &ev.proxy, name, sizeof(name));
	if (ev.proxy.auth_name && !s->user)
		s->user = g_strdup(ev.proxy.auth_name);
	ev.user = s->user;
	ic = g_new0(struct incoming_ctx, 1);
	ic->tunnel = t;
	ic->sid = sid;
	s->out_req = vpdn_bus_request(t->l2tp->bus, VPDN_EV_SESSION_INCOMING, &ev, incoming_done, ic);
}

static void input(struct l2tp_session *s, const struct l2tp_msg *m)
{
	switch (s->state) {
	case LNS_IC_WAIT_CONNECT:
		if (m->message_type == L2TP_MSG_ICCN) {
			got_iccn(s, m);
			return;
		}
		break;
	case LNS_IC_IDLE:
	case LNS_IC_ESTABLISHED:
		break;
	default:
		SLOG(s, VPDN_DEBUG_L2X_ERRORS, "Bad state %d", s->state);
		break;
	}
	l2tp_session_unexpected(s, m);
}

/* LNS dial-in: ICRQ on tunnel t. */
static void accept_call(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp_group *g = t->group;
	struct l2tp_session *s;
	struct l2tp_msg out;
	char num[128];

	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_EVENTS, "Tnl %u L2TP: I ICRQ from %s tnl %u",
		   t->tid, t->peer_name ? t->peer_name : "peer", t->peer_tid);
	/* Checked before anything is allocated for the call. */
	if (!m->assigned_session_id || l2tp_session_by_peer_sid(t, m->assigned_session_id)) {
		l2tp_session_bad_peer_sid(t, NULL, m->assigned_session_id,
					  m->assigned_session_id ? -EEXIST : -EINVAL);
		return;
	}
	s = l2tp_session_new(t, L2TP_SESSION_LNS_IC);
	if (!s) {
		l2tp_session_refuse(t, m->assigned_session_id, L2TP_CDN_TEMP_NO_FACILITIES,
				    L2TP_ERR_NO_RESOURCES, "No free session ID");
		return;
	}
	l2tp_session_set_peer_sid(s, m->assigned_session_id);
	/* The numbers are all an LNS keeps of the call: no struct l2tp_call
	 * (192 octets a session, #15). */
	char num2[sizeof(num)];
	l2tp_session_set_numbers(s,
		l2tp_msg_has(m, L2TP_AVP_CALLING_NUMBER)
			? l2tp_bytes_to_str(&m->calling_number, num, sizeof(num)) : NULL,
		l2tp_msg_has(m, L2TP_AVP_CALLED_NUMBER)
			? l2tp_bytes_to_str(&m->called_number, num2, sizeof(num2)) : NULL);
	if (!g || !g->accept_dialin) {
		l2tp_session_close(s, true, L2TP_CDN_PERM_NO_FACILITIES, 0, 0,
				   "No accept-dialin for this tunnel");
		return;
	}
	if (g->session_limit && g->sessions > g->session_limit) {
		l2tp_session_close(s, true, L2TP_CDN_TEMP_NO_FACILITIES, L2TP_ERR_NO_RESOURCES, 0,
				   "Session limit reached");
		return;
	}
	l2tp_session_set_state(s, LNS_IC_WAIT_CONNECT);
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "New session created");
	l2tp_msg_init(&out, L2TP_MSG_ICRP);
	l2tp_msg_set(&out, L2TP_AVP_ASSIGNED_SESSION_ID);
	out.assigned_session_id = s->sid;
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "O ICRP to %s %u/%u", t->peer_name ? t->peer_name : "peer",
	     t->peer_tid, s->peer_sid);
	l2tp_session_send(s, &out);
}

const struct l2tp_session_fsm l2tp_lns_ic_fsm = {
	.state_name = state_name,
	.waiting_tunnel = waiting_tunnel,
	.tunnel_up = tunnel_up,
	.input = input,
	.established = established,
	.awaits = awaits,
	.opened_by = L2TP_MSG_ICRQ,
	.accept = accept_call,
};
