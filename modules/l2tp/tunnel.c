/* SPDX-License-Identifier: MIT */
/*
 * The L2TP tunnel (control connection) state machine, RFC 2661 §7.2:
 *
 *   idle --SCCRQ sent--> wait-ctl-reply --SCCRP ok, SCCCN sent--> established
 *   idle --SCCRQ rcvd, SCCRP sent--> wait-ctl-conn --SCCCN ok--> established
 *   any --StopCCN sent/rcvd, failure--> closing (hold, then freed)
 *
 * Tunnel authentication both ways (Challenge / Challenge Response), hidden
 * AVPs, tie breaker, terminate-from, version check, StopCCN result codes.
 * Messages for sessions go to session.c (l2tp_session_message()). The
 * tunnel's life and control channel are tunnel-ctrl.c's.
 */
#include <errno.h>
#include <string.h>

#include "tunnel-private.h"

#define FIRMWARE_REVISION 0x0100
#define VENDOR_NAME "vpdnd"

const char *l2tp_tunnel_state_name(enum l2tp_tunnel_state s)
{
	switch (s) {
	case L2TP_TUNNEL_IDLE: return "idle";
	case L2TP_TUNNEL_WAIT_CTL_REPLY: return "wait-ctl-reply";
	case L2TP_TUNNEL_WAIT_CTL_CONN: return "wait-ctl-conn";
	case L2TP_TUNNEL_ESTABLISHED: return "established";
	case L2TP_TUNNEL_CLOSING: return "closing";
	default: return "unknown";
	}
}

const char *l2tp_tunnel_state_short(enum l2tp_tunnel_state s)
{
	return s == L2TP_TUNNEL_ESTABLISHED ? "est" : l2tp_tunnel_state_name(s);
}

void l2tp_tunnel_set_state(struct l2tp_tunnel *t, enum l2tp_tunnel_state st)
{
	if (t->state == st)
		return;
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Tunnel state change from %s to %s",
	     l2tp_tunnel_state_name(t->state), l2tp_tunnel_state_name(st));
	l2tp_gauge_add(t->l2tp, "l2tp_tunnels", NULL, l2tp_tunnel_state_short(t->state), -1);
	l2tp_gauge_add(t->l2tp, "l2tp_tunnels", NULL, l2tp_tunnel_state_short(st), 1);
	t->state = st;
	t->changed_ms = vpdn_timers_now(t->l2tp->tm);
	/* A tunnel waiting on the peer's SCCRP or SCCCN does not wait for
	 * ever: a peer that acks our message and answers nothing would hold
	 * the tunnel (and a half-open slot) otherwise. */
	if (st == L2TP_TUNNEL_WAIT_CTL_REPLY || st == L2TP_TUNNEL_WAIT_CTL_CONN)
		vpdn_timer_arm(t->l2tp->tm, &t->setup_timer, l2tp_setup_timeout_ms(t));
	else
		vpdn_timer_cancel(t->l2tp->tm, &t->setup_timer);
	l2tp_changed(t->l2tp, L2TP_OBJECT_TUNNEL, t);
}

/* ------------------------------------------------------------------ */
/* Stopping                                                           */

static void send_stopccn(struct l2tp_tunnel *t, int result, int error, const char *why)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_STOPCCN);
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	m.result.result = result;
	if (error) {
		m.result.has_error = true;
		m.result.error = error;
	}
	if (why) {
		m.result.has_error = true;
		m.result.message.ptr = (const uint8_t *)why;
		m.result.message.len = strlen(why);
	}
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m.assigned_tunnel_id = t->tid;
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "O StopCCN to %s tnlid %u, result %d (%s), error %d",
	     peer_label(t), t->peer_tid, result, l2tp_result_text(L2TP_MSG_STOPCCN, result), error);
	l2tp_tunnel_send(t, 0, &m);
}

void l2tp_tunnel_stop(struct l2tp_tunnel *t, int result, int error, const char *why)
{
	if (t->state == L2TP_TUNNEL_CLOSING)
		return;
	if (result != L2TP_STOPCCN_CLEAR)
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS, "Tnl %u L2TP: Clearing tunnel: %s",
			   t->tid, why ? why : l2tp_result_text(L2TP_MSG_STOPCCN, result));
	t->result = result;
	t->error = error;
	t->ended_by = VPDN_END_LOCAL;
	l2tp_tunnel_close_sessions(t);
	t->stop_sent = true;
	send_stopccn(t, result, error, why);
	l2tp_ctrl_quiesce(&t->ctrl);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_CLOSING);
	l2tp_tunnel_publish_down(t);
	/* Freed when the StopCCN is acked (drained) or after one full
	 * retransmission cycle at the latest (dead, or this timer). */
	vpdn_timer_arm(t->l2tp->tm, &t->reap_timer, l2tp_ctrl_cycle_ms(&t->ctrl.cfg) + 1000);
}

/* The peer sent StopCCN: ack it, clear sessions, keep the state for one
 * retransmission cycle so retransmitted StopCCNs are re-acked (§5.7). */
static void stopccn_received(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	char text[128] = "";

	if (m->result.message.len)
		l2tp_bytes_to_str(&m->result.message, text, sizeof(text));
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "I StopCCN from %s tnl %u, result %u (%s), error %u%s%s",
	     peer_label(t), t->peer_tid, m->result.result,
	     l2tp_result_text(L2TP_MSG_STOPCCN, m->result.result), m->result.error,
	     text[0] ? ", " : "", text);
	l2tp_ctrl_flush_ack(&t->ctrl);
	if (t->state == L2TP_TUNNEL_CLOSING)
		return;
	/* A peer that does not know AVP 12 (l2tpns) stops the tunnel when
	 * our CDN carries it: learn that, for its next tunnels. */
	l2tp_q931_learn(t, m);
	t->result = m->result.result;
	t->error = m->result.error;
	t->ended_by = VPDN_END_PEER;
	if (t->initiator && t->state == L2TP_TUNNEL_WAIT_CTL_REPLY)
		l2tp_tunnel_failover(t);
	l2tp_tunnel_close_sessions(t);
	l2tp_ctrl_quiesce(&t->ctrl);
	/* Nothing of ours is retransmitted any more. */
	g_queue_clear_full(&t->ctrl.sent, g_free);
	g_queue_clear_full(&t->ctrl.queued, g_free);
	vpdn_timer_cancel(t->l2tp->tm, &t->ctrl.rtx_timer);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_CLOSING);
	l2tp_tunnel_publish_down(t);
	vpdn_timer_arm(t->l2tp->tm, &t->reap_timer, l2tp_ctrl_cycle_ms(&t->ctrl.cfg));
}

static void tunnel_up(struct l2tp_tunnel *t)
{
	struct vpdn_ev_tunnel ev = { .size = sizeof(ev) };
	GPtrArray *wait;

	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "SM State established");
	l2tp_ctrl_start_hello(&t->ctrl);
	(*t->l2tp->cnt.tunnels_up)++;
	t->up_published = true;
	ev.tunnel_id = t->tid;
	ev.peer_tunnel_id = t->peer_tid;
	ev.peer_name = t->peer_name;
	ev.group = t->group ? t->group->name : NULL;
	ev.peer = t->peer;
	ev.local = t->local;
	ev.local_name = l2tp_tunnel_local_name(t);
	ev.initiator = t->initiator;
	vpdn_bus_publish(t->l2tp->bus, VPDN_EV_TUNNEL_UP, &ev);
	/* Sessions waiting for the tunnel go on. Each may close itself:
	 * walk a snapshot of IDs. */
	wait = g_ptr_array_new();
	{
		GHashTableIter it;
		gpointer k;

		g_hash_table_iter_init(&it, t->sessions);
		while (g_hash_table_iter_next(&it, &k, NULL))
			g_ptr_array_add(wait, k);
	}
	for (unsigned i = 0; i < wait->len; i++) {
		struct l2tp_session *s = l2tp_session_get(t, GPOINTER_TO_UINT(wait->pdata[i]));

		if (s && t->state == L2TP_TUNNEL_ESTABLISHED)
			l2tp_session_tunnel_up(s);
	}
	g_ptr_array_free(wait, TRUE);
}

/* ------------------------------------------------------------------ */
/* Initiator side                                                     */

static void set_common_avps(struct l2tp_tunnel *t, struct l2tp_msg *m)
{
	const char *host = l2tp_tunnel_local_name(t);

	l2tp_msg_set(m, L2TP_AVP_PROTOCOL_VERSION);
	m->protocol_version.version = 1;
	m->protocol_version.revision = 0;
	l2tp_msg_set(m, L2TP_AVP_FRAMING_CAPS);
	m->framing_caps = L2TP_FRAMING_SYNC | L2TP_FRAMING_ASYNC;
	if (t->group && t->group->accept_dialout) {
		/* We can place calls: the peer may send OCRQ. */
		l2tp_msg_set(m, L2TP_AVP_BEARER_CAPS);
		m->bearer_caps = L2TP_BEARER_DIGITAL | L2TP_BEARER_ANALOG;
	}
	l2tp_msg_set(m, L2TP_AVP_FIRMWARE_REVISION);
	m->firmware_revision = FIRMWARE_REVISION;
	l2tp_msg_set_str(m, L2TP_AVP_HOST_NAME, host);
	l2tp_msg_set_str(m, L2TP_AVP_VENDOR_NAME, VENDOR_NAME);
	l2tp_msg_set(m, L2TP_AVP_ASSIGNED_TUNNEL_ID);
	m->assigned_tunnel_id = t->tid;
	l2tp_msg_set(m, L2TP_AVP_RECEIVE_WINDOW_SIZE);
	m->receive_window_size = t->ctrl.cfg.rwin;
	if (t->group && t->group->tunnel_auth && t->group->password) {
		t->l2tp->random(t->challenge, sizeof(t->challenge), t->l2tp->random_data);
		t->challenged = true;
		l2tp_msg_set_bytes(m, L2TP_AVP_CHALLENGE, t->challenge, sizeof(t->challenge));
	}
}

/* Our address for a tunnel to initiate_to[idx]: the group's source-ip,
 * else the first listen address of the peer's family, else that
 * family's wildcard (the kernel picks the source). */
static int local_for_group(struct l2tp *l2tp, struct l2tp_group *g, unsigned idx,
			   struct sockaddr_storage *ss)
{
	sa_family_t family = g->initiate_to[idx].addr.ss_family;

	memset(ss, 0, sizeof(*ss));
	ss->ss_family = family;
	if (g->has_source) {
		*ss = g->source;
	} else {
		for (char **a = l2tp->cfg->listen; a && *a; a++) {
			struct l2tp_peer_addr pa;

			if (l2tp_parse_peer(*a, l2tp->cfg->port, &pa) == 0 &&
			    pa.addr.ss_family == family) {
				*ss = pa.addr;
				break;
			}
		}
	}
	if (ss->ss_family != family)
		return -EAFNOSUPPORT;
	/* The source port is always ours. */
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons(l2tp->cfg->port);
	else
		((struct sockaddr_in6 *)ss)->sin6_port = htons(l2tp->cfg->port);
	return 0;
}

struct l2tp_tunnel *l2tp_tunnel_initiate(struct l2tp *l2tp, struct l2tp_group *g,
					 unsigned idx, uint32_t tried)
{
	struct sockaddr_storage local;
	struct l2tp_tunnel *t;
	struct l2tp_msg m;

	if (idx >= g->n_initiate || local_for_group(l2tp, g, idx, &local) < 0)
		return NULL;
	t = l2tp_tunnel_new(l2tp, g, &local, &g->initiate_to[idx].addr);
	if (!t)
		return NULL;
	t->initiator = true;
	t->addr_index = idx;
	t->tried = tried;
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "SM State idle");
	l2tp_msg_init(&m, L2TP_MSG_SCCRQ);
	set_common_avps(t, &m);
	l2tp_msg_set(&m, L2TP_AVP_TIE_BREAKER);
	l2tp->random(t->tie_breaker, sizeof(t->tie_breaker), l2tp->random_data);
	memcpy(m.tie_breaker, t->tie_breaker, 8);
	t->has_tie_breaker = true;
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "O SCCRQ");
	if (l2tp_tunnel_send(t, 0, &m) < 0) {
		l2tp_tunnel_free(t);
		return NULL;
	}
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_WAIT_CTL_REPLY);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "SM State wait-ctl-reply");
	return t;
}

static bool check_version(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	if (m->protocol_version.version == 1 && m->protocol_version.revision == 0)
		return true;
	l2tp_tunnel_stop(t, L2TP_STOPCCN_BAD_VERSION, 0, "Protocol version not supported");
	return false;
}

/* Verify the peer's Challenge Response to our challenge (type: the
 * message it came in). */
static bool check_response(struct l2tp_tunnel *t, const struct l2tp_msg *m, uint8_t type)
{
	uint8_t want[16];
	size_t slen;
	const uint8_t *secret = secret_of(t, &slen);

	if (!l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE)) {
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: No Challenge Response from %s", t->tid, peer_label(t));
		l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "No challenge response");
		return false;
	}
	l2tp_challenge_response(type, secret, slen, t->challenge, sizeof(t->challenge), want);
	if (!l2tp_ct_equal(want, m->challenge_response, 16)) {
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Tunnel Authentication failed for %s", t->tid, peer_label(t));
		l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "Tunnel authentication failed");
		return false;
	}
	return true;
}

/* An Assigned Tunnel ID is never 0 (§4.4.3, §3.1): refuse the tunnel,
 * StopCCN 2/3 (to the peer's tunnel 0; it finds its own by our Assigned
 * Tunnel ID and the address, as we do). */
static void assigned_tid_zero(struct l2tp_tunnel *t)
{
	(*t->l2tp->cnt.malformed)++;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
		   "Tnl %u L2TP: Assigned Tunnel ID 0 from %s: tunnel refused", t->tid,
		   peer_label(t));
	l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_OUT_OF_RANGE,
			 "Assigned Tunnel ID 0");
}

static void got_sccrp(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	char host[256];
	struct l2tp_msg out;
	bool auth = false;

	l2tp_bytes_to_str(&m->host_name, host, sizeof(host));
	g_free(t->peer_name);
	t->peer_name = g_strdup(host);
	if (!m->assigned_tunnel_id) {
		assigned_tid_zero(t);
		return;
	}
	t->peer_tid = m->assigned_tunnel_id;
	l2tp_ctrl_set_peer(&t->ctrl, t->peer_tid,
			   l2tp_msg_has(m, L2TP_AVP_RECEIVE_WINDOW_SIZE) ? m->receive_window_size : 0);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "I SCCRP from %s", host);
	if (!check_version(t, m))
		return;
	if (t->group->terminate_from && strcmp(t->group->terminate_from, host) != 0) {
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Remote name %s does not match terminate-from %s",
			   t->tid, host, t->group->terminate_from);
		l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "Host name not authorized");
		return;
	}
	t->peer_bearer = l2tp_msg_has(m, L2TP_AVP_BEARER_CAPS) && m->bearer_caps;
	t->peer_bearer_caps = m->bearer_caps;
	t->peer_framing_caps = m->framing_caps;
	l2tp_msg_init(&out, L2TP_MSG_SCCCN);
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE)) {
		size_t slen;
		const uint8_t *secret = secret_of(t, &slen);

		TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Got a challenge from remote peer, %s", host);
		if (!secret) {
			vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
				   "Tnl %u L2TP: Challenged by %s but no tunnel-password", t->tid,
				   host);
			l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "No shared secret");
			return;
		}
		l2tp_challenge_response(L2TP_MSG_SCCCN, secret, slen, m->challenge.ptr,
					m->challenge.len, out.challenge_response);
		l2tp_msg_set(&out, L2TP_AVP_CHALLENGE_RESPONSE);
		auth = true;
	}
	if (t->challenged) {
		if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE))
			TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Got a response from remote peer, %s", host);
		if (!check_response(t, m, L2TP_MSG_SCCRP))
			return;
		auth = true;
	}
	if (auth)
		TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Tunnel Authentication success");
	/* It answers: no longer dead (it may have been tried anyway). */
	if (t->addr_index < t->group->n_initiate)
		t->group->initiate_to[t->addr_index].dead_until_ms = 0;
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_ESTABLISHED);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "O SCCCN to %s tnlid %u", host, t->peer_tid);
	l2tp_tunnel_send(t, 0, &out);
	tunnel_up(t);
}

/* ------------------------------------------------------------------ */
/* Responder side                                                     */

static struct l2tp_group *group_for_host(struct l2tp *l2tp, const char *host)
{
	struct l2tp_group *any = NULL;

	for (unsigned i = 0; i < l2tp->cfg->groups->len; i++) {
		struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

		if (!g->accept_dialin && !g->accept_dialout && !g->request_dialout &&
		    !g->request_dialin)
			continue;
		if (g->terminate_from && strcmp(g->terminate_from, host) == 0)
			return g;
		if (!g->terminate_from && !any && (g->accept_dialin || g->accept_dialout))
			any = g;
	}
	return any;
}

static void got_sccrq(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	struct l2tp *l2tp = t->l2tp;
	struct l2tp_msg out;
	char addr[64];

	l2tp_addr_text(&t->peer, addr, sizeof(addr));
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE))
		TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Got a challenge in SCCRQ, %s", peer_label(t));
	if (!check_version(t, m))
		return;
	if (!t->peer_tid) {
		assigned_tid_zero(t);
		return;
	}
	if (!l2tp->cfg->enable) {
		l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "VPDN is not enabled");
		return;
	}
	if (!t->group) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: No vpdn-group accepts tunnels from %s (%s)", t->tid,
			   peer_label(t), addr);
		l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "Host name not authorized");
		return;
	}
	l2tp_msg_init(&out, L2TP_MSG_SCCRP);
	if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE)) {
		size_t slen;
		const uint8_t *secret = secret_of(t, &slen);

		if (!secret) {
			vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
				   "Tnl %u L2TP: Challenged by %s but no tunnel-password", t->tid,
				   peer_label(t));
			l2tp_tunnel_stop(t, L2TP_STOPCCN_NOT_AUTHORIZED, 0, "No shared secret");
			return;
		}
		l2tp_challenge_response(L2TP_MSG_SCCRP, secret, slen, m->challenge.ptr,
					m->challenge.len, out.challenge_response);
		l2tp_msg_set(&out, L2TP_AVP_CHALLENGE_RESPONSE);
	} else if (t->group->tunnel_auth && t->group->password) {
		/* We challenge it back below; that it did not challenge us
		 * is its choice. */
	}
	t->peer_bearer = l2tp_msg_has(m, L2TP_AVP_BEARER_CAPS) && m->bearer_caps;
	t->peer_bearer_caps = m->bearer_caps;
	t->peer_framing_caps = m->framing_caps;
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "New tunnel created for remote %s, address %s",
	     peer_label(t), addr);
	set_common_avps(t, &out);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "O SCCRP to %s tnlid %u", peer_label(t), t->peer_tid);
	l2tp_tunnel_send(t, 0, &out);
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_WAIT_CTL_CONN);
}

static void got_scccn(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "I SCCCN from %s tnl %u", peer_label(t), t->peer_tid);
	if (t->challenged) {
		if (l2tp_msg_has(m, L2TP_AVP_CHALLENGE_RESPONSE))
			TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Got a Challenge Response in SCCCN from %s",
			     peer_label(t));
		if (!check_response(t, m, L2TP_MSG_SCCCN))
			return;
		TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Tunnel Authentication success");
	}
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_ESTABLISHED);
	tunnel_up(t);
}

/* Tie breaker (§4.4.3 AVP 5): an SCCRQ from a peer we are ourselves
 * opening a tunnel to. Returns true if the incoming SCCRQ is to be
 * processed (we lost), false to drop it. */
static bool tie_break(struct l2tp *l2tp, const struct sockaddr_storage *peer,
		      const struct l2tp_msg *m, struct l2tp_tunnel **adopt_from)
{
	GHashTableIter it;
	gpointer v;

	*adopt_from = NULL;
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *mine = v;
		int c;

		if (!mine->initiator || mine->state != L2TP_TUNNEL_WAIT_CTL_REPLY ||
		    !mine->has_tie_breaker || !l2tp_addr_same_host(&mine->peer, peer))
			continue;
		if (!l2tp_msg_has(m, L2TP_AVP_TIE_BREAKER)) {
			TLOG(mine, VPDN_DEBUG_L2X_EVENTS,
			     "Tie breaker: peer sent none, we win; SCCRQ dropped");
			return false;
		}
		c = memcmp(mine->tie_breaker, m->tie_breaker, 8);
		if (c < 0) {
			TLOG(mine, VPDN_DEBUG_L2X_EVENTS, "Tie breaker: we win; SCCRQ dropped");
			return false;
		}
		if (c == 0) {
			TLOG(mine, VPDN_DEBUG_L2X_EVENTS, "Tie breaker: equal values, both drop");
			l2tp_tunnel_free(mine);
			return false;
		}
		TLOG(mine, VPDN_DEBUG_L2X_EVENTS, "Tie breaker: peer wins; dropping our SCCRQ");
		*adopt_from = mine;
		return true;
	}
	return true;
}

void l2tp_tunnel_accept(struct l2tp *l2tp, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const struct l2tp_header *h,
			const struct l2tp_msg *m, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t, *loser = NULL;
	char host[256];

	l2tp_bytes_to_str(&m->host_name, host, sizeof(host));
	vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_EVENTS, "L2TP: I SCCRQ from %s tnl %u", host,
		   m->assigned_tunnel_id);
	if (!tie_break(l2tp, peer, m, &loser))
		return;
	t = l2tp_tunnel_new(l2tp, group_for_host(l2tp, host), local, peer);
	if (!t) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS, "L2TP: No free Tunnel ID for %s", host);
		return;
	}
	t->peer_name = g_strdup(host);
	t->peer_tid = m->assigned_tunnel_id;
	l2tp_ctrl_set_peer(&t->ctrl, t->peer_tid,
			   l2tp_msg_has(m, L2TP_AVP_RECEIVE_WINDOW_SIZE) ? m->receive_window_size : 0);
	if (loser) {
		/* Our own attempt lost: its waiting sessions use this tunnel. */
		GHashTableIter it;
		gpointer v;

		for (;;) {
			g_hash_table_iter_init(&it, loser->sessions);
			if (!g_hash_table_iter_next(&it, NULL, &v))
				break;
			l2tp_session_move(v, t);
		}
		l2tp_tunnel_free(loser);
	}
	l2tp_tunnel_log_packet(t, "I", buf, len);
	/* Through the reliable-delivery engine like every other message:
	 * it is acknowledged and delivered to tunnel_deliver(). */
	l2tp_ctrl_input(&t->ctrl, h->ns, h->nr, false, buf, len);
	if (t->state == L2TP_TUNNEL_IDLE && !vpdn_timer_armed(&t->reap_timer))
		l2tp_tunnel_free(t);
}

/* ------------------------------------------------------------------ */
static void fsm_error(struct l2tp_tunnel *t, unsigned type)
{
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
		   "Tnl %u L2TP: %s not expected in state %s", t->tid, l2tp_msg_type_name(type),
		   l2tp_tunnel_state_name(t->state));
	l2tp_tunnel_stop(t, L2TP_STOPCCN_FSM_ERROR, 0, "Message not expected in this state");
}

/* A control message for t, in order and decoded (tunnel-ctrl.c): the
 * tunnel's own to its state machine, a session's to session.c. */
void l2tp_tunnel_dispatch(struct l2tp_tunnel *t, const struct l2tp_header *h,
			  const struct l2tp_msg *m)
{
	struct l2tp *l2tp = t->l2tp;
	unsigned missing;

	if (t->state == L2TP_TUNNEL_CLOSING) {
		if (m->message_type == L2TP_MSG_STOPCCN)
			stopccn_received(t, m);
		return;
	}
	if (l2tp_msg_check_mandatory(m, &missing) < 0) {
		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: %s without mandatory AVP %s", t->tid,
			   l2tp_msg_type_name(m->message_type), l2tp_avp_name(missing));
		if (m->message_type == L2TP_MSG_STOPCCN) {
			stopccn_received(t, m);
		} else if (l2tp_msg_session_scoped(m->message_type) &&
			   t->state == L2TP_TUNNEL_ESTABLISHED &&
			   (h->session_id || l2tp_msg_has(m, L2TP_AVP_ASSIGNED_SESSION_ID))) {
			l2tp_session_message_error(t, h, m, L2TP_ERR_BAD_LENGTH,
						   "Missing mandatory AVP");
		} else {
			l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH,
					 "Missing mandatory AVP");
		}
		return;
	}
	switch (m->message_type) {
	case L2TP_MSG_SCCRQ:
		if (t->state == L2TP_TUNNEL_IDLE && !t->initiator)
			got_sccrq(t, m);
		else
			fsm_error(t, m->message_type);
		break;
	case L2TP_MSG_SCCRP:
		if (t->state == L2TP_TUNNEL_WAIT_CTL_REPLY)
			got_sccrp(t, m);
		else
			fsm_error(t, m->message_type);
		break;
	case L2TP_MSG_SCCCN:
		if (t->state == L2TP_TUNNEL_WAIT_CTL_CONN)
			got_scccn(t, m);
		else
			fsm_error(t, m->message_type);
		break;
	case L2TP_MSG_STOPCCN:
		stopccn_received(t, m);
		break;
	case L2TP_MSG_HELLO:
		TLOG(t, VPDN_DEBUG_L2X_EVENTS, "I HELLO from %s", peer_label(t));
		break;
	case L2TP_MSG_ICRQ:
	case L2TP_MSG_OCRQ:
	case L2TP_MSG_ICRP:
	case L2TP_MSG_ICCN:
	case L2TP_MSG_OCRP:
	case L2TP_MSG_OCCN:
	case L2TP_MSG_CDN:
	case L2TP_MSG_WEN:
	case L2TP_MSG_SLI:
		if (t->state != L2TP_TUNNEL_ESTABLISHED) {
			fsm_error(t, m->message_type);
			break;
		}
		l2tp_session_message(t, h, m);
		break;
	default:
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Unexpected message type %u", t->tid, m->message_type);
		l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_OUT_OF_RANGE,
				 "Unexpected message type");
		break;
	}
}
