/* SPDX-License-Identifier: MIT */
/*
 * A tunnel's life and its control channel: creation and freeing (IDs,
 * peer hosts, gauges, the StopCCN hold), the reliable-delivery engine's
 * hooks (transmit, HELLO, dead peer, drained), the `l2x-packets` trace,
 * encoding what we send, the source check of what comes in, and the
 * decoding of each message delivered in order: a malformed one is
 * answered here; a good one goes to the state machine (tunnel.c,
 * l2tp_tunnel_dispatch()).
 */
#include <errno.h>
#include <string.h>

#include "tunnel-private.h"

static void tunnel_deliver(void *ctx, const uint8_t *buf, size_t len);

/* ------------------------------------------------------------------ */
/* The reliable-delivery engine's hooks                               */

/* `debug vpdn l2x-packets`: one line per control message sent ("O") or
 * received ("I"), ZLBs and retransmissions included, decoded with the
 * tunnel's secret so hidden AVPs read in clear (secrets masked by
 * l2tp_msg_format). Costs nothing while the category is off. */
void l2tp_tunnel_log_packet(struct l2tp_tunnel *t, const char *dir, const uint8_t *buf,
			    size_t len)
{
	struct l2tp_decode_ctx *dc;
	struct l2tp_header h;
	struct l2tp_msg m;
	char text[900];
	size_t slen;
	const uint8_t *secret;
	int r;

	if (!vpdn_log_debug_on(t->l2tp->log, VPDN_DEBUG_L2X_PACKETS))
		return;
	secret = secret_of(t, &slen);
	dc = g_new(struct l2tp_decode_ctx, 1);
	l2tp_decode_ctx_init(dc, secret, slen);
	r = l2tp_datagram_decode(buf, len, &h, &m, dc);
	if (r < 0 && r != -ENOMSG)
		TLOG(t, VPDN_DEBUG_L2X_PACKETS, "%s %zu octets, undecodable (%s)", dir, len,
		     dc->err.what ? dc->err.what : g_strerror(-r));
	else
		TLOG(t, VPDN_DEBUG_L2X_PACKETS, "%s %s", dir, l2tp_msg_format(&h, &m, text, sizeof(text)));
	explicit_bzero(dc, sizeof(*dc));
	g_free(dc);
}

static int tunnel_xmit(void *ctx, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t = ctx;

	l2tp_tunnel_log_packet(t, "O", buf, len);
	(*t->l2tp->cnt.ctrl_tx)++;
	if (t->ctrl.stats.retransmits != t->rtx_seen) {
		*t->l2tp->cnt.retransmits += t->ctrl.stats.retransmits - t->rtx_seen;
		t->rtx_seen = t->ctrl.stats.retransmits;
	}
	return t->l2tp->xmit(t->l2tp->xctx, &t->local, &t->peer, buf, len);
}

static void tunnel_hello(void *ctx)
{
	struct l2tp_tunnel *t = ctx;
	struct l2tp_msg m;

	if (t->state != L2TP_TUNNEL_ESTABLISHED)
		return;
	l2tp_msg_init(&m, L2TP_MSG_HELLO);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "O HELLO to %s", peer_label(t));
	l2tp_tunnel_send(t, 0, &m);
}

static void tunnel_dead(void *ctx)
{
	struct l2tp_tunnel *t = ctx;

	/* From the retransmission timer: we may free t here. */
	if (t->state != L2TP_TUNNEL_CLOSING) {
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Control channel retransmit limit reached, "
			   "clearing tunnel to %s", t->tid, peer_label(t));
		t->result = L2TP_STOPCCN_GENERAL_ERROR;
		t->error = L2TP_ERR_NO_CONTROL_CONNECTION;
		t->ended_by = VPDN_END_LOCAL;
		if (t->initiator && t->state == L2TP_TUNNEL_WAIT_CTL_REPLY)
			l2tp_tunnel_failover(t);
		l2tp_tunnel_close_sessions(t);
		l2tp_tunnel_set_state(t, L2TP_TUNNEL_CLOSING);
		l2tp_tunnel_publish_down(t);
	}
	l2tp_tunnel_free(t);
}

static void reap_fired(struct vpdn_timer *timer, void *data)
{
	l2tp_tunnel_free(data);
}

/* setup-timeout in wait-ctl-reply or wait-ctl-conn: StopCCN 2 and clear
 * (the initiator's waiting calls fail over first, as for a dead peer). */
static void setup_fired(struct vpdn_timer *timer, void *data)
{
	struct l2tp_tunnel *t = data;
	const char *why;

	if (t->state != L2TP_TUNNEL_WAIT_CTL_REPLY && t->state != L2TP_TUNNEL_WAIT_CTL_CONN)
		return;
	why = t->state == L2TP_TUNNEL_WAIT_CTL_REPLY ? "Timeout waiting for SCCRP" :
		"Timeout waiting for SCCCN";
	(*t->l2tp->setup_timeouts[0])++;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
		   "Tnl %u L2TP: %s in state %s (setup-timeout %" G_GUINT64_FORMAT " s), "
		   "clearing tunnel to %s", t->tid, why, l2tp_tunnel_state_name(t->state),
		   l2tp_setup_timeout_ms(t) / 1000, peer_label(t));
	if (t->initiator && t->state == L2TP_TUNNEL_WAIT_CTL_REPLY)
		l2tp_tunnel_failover(t);
	l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NONE, why);
}

static void tunnel_drained(void *ctx)
{
	struct l2tp_tunnel *t = ctx;

	/* Our StopCCN was acknowledged: nothing more to wait for. Freed from
	 * the timer, never from inside the engine. */
	if (t->state == L2TP_TUNNEL_CLOSING && t->stop_sent)
		vpdn_timer_arm(t->l2tp->tm, &t->reap_timer, 0);
}

static const struct l2tp_ctrl_ops tunnel_ctrl_ops = {
	.xmit = tunnel_xmit,
	.deliver = tunnel_deliver,
	.hello = tunnel_hello,
	.dead = tunnel_dead,
	.drained = tunnel_drained,
};

/* Life cycle                                                         */

/* ------------------------------------------------------------------ */
/* Life cycle                                                         */

struct l2tp_tunnel *l2tp_tunnel_new(struct l2tp *l2tp, struct l2tp_group *g,
				      const struct sockaddr_storage *local,
				      const struct sockaddr_storage *peer)
{
	uint16_t tid = l2tp_alloc_id(l2tp, l2tp->tunnels, &l2tp->tid_bits);
	struct l2tp_tunnel *t;
	struct l2tp_ctrl_cfg cc;

	if (!tid)
		return NULL;
	t = g_new0(struct l2tp_tunnel, 1);
	t->l2tp = l2tp;
	t->group = g;
	t->local = *local;
	t->peer = *peer;
	t->tid = tid;
	l2tp_ctrl_cfg_default(&cc);
	if (g) {
		cc.rwin = g->rwin;
		cc.retries = g->retries;
		cc.rto_min_ms = g->rto_min_s * 1000;
		cc.rto_max_ms = g->rto_max_s * 1000;
		cc.hello_ms = g->hello_s * 1000;
	} else {
		/* No group: a peer we refuse (unknown host name). Its StopCCN
		 * is sent twice, 1 s apart, and the tunnel forgotten after
		 * 3 s rather than held for a full cycle: a flood of unknown
		 * hosts must not keep the half-open slots (max-half-open). */
		cc.retries = 1;
		cc.rto_min_ms = cc.rto_max_ms = 1000;
	}
	l2tp_ctrl_init(&t->ctrl, l2tp->tm, &cc, &tunnel_ctrl_ops, t);
	t->sessions = g_hash_table_new(NULL, NULL);
	t->peer_sessions = g_hash_table_new(NULL, NULL);
	vpdn_timer_init(&t->reap_timer, reap_fired, t);
	vpdn_timer_init(&t->setup_timer, setup_fired, t);
	t->changed_ms = vpdn_timers_now(l2tp->tm);
	l2tp_id_insert(l2tp->tunnels, &l2tp->tid_bits, t->tid, t);
	l2tp_peer_host_add(l2tp, &t->peer, 1);
	l2tp_gauge_add(l2tp, "l2tp_tunnels", NULL, l2tp_tunnel_state_short(t->state), 1);
	return t;
}

void l2tp_tunnel_free(struct l2tp_tunnel *t)
{
	if (!t->ended_by)
		t->ended_by = VPDN_END_LOCAL;
	l2tp_tunnel_close_sessions(t);
	l2tp_tunnel_publish_down(t);
	l2tp_id_remove(t->l2tp->tunnels, &t->l2tp->tid_bits, t->tid);
	l2tp_peer_host_add(t->l2tp, &t->peer, -1);
	l2tp_gauge_add(t->l2tp, "l2tp_tunnels", NULL, l2tp_tunnel_state_short(t->state), -1);
	vpdn_timer_cancel(t->l2tp->tm, &t->reap_timer);
	vpdn_timer_cancel(t->l2tp->tm, &t->setup_timer);
	l2tp_ctrl_fini(&t->ctrl);
	g_hash_table_destroy(t->sessions);
	g_hash_table_destroy(t->peer_sessions);
	g_free(t->sid_bits);
	g_free(t->peer_name);
	g_free(t);
}

void l2tp_tunnel_close_sessions(struct l2tp_tunnel *t)
{
	GHashTableIter it;
	gpointer v;

	/* Each close removes the session from the table: restart the walk. */
	for (;;) {
		g_hash_table_iter_init(&it, t->sessions);
		if (!g_hash_table_iter_next(&it, NULL, &v))
			break;
		l2tp_session_tunnel_down(v);
	}
}

void l2tp_tunnel_publish_down(struct l2tp_tunnel *t)
{
	struct vpdn_ev_tunnel ev = { .size = sizeof(ev) };

	if (!t->up_published)
		return;
	t->up_published = false;
	ev.tunnel_id = t->tid;
	ev.peer_tunnel_id = t->peer_tid;
	ev.peer_name = t->peer_name;
	ev.group = t->group ? t->group->name : NULL;
	ev.peer = t->peer;
	ev.result = t->result;
	ev.error = t->error;
	ev.ended_by = t->ended_by;
	ev.local = t->local;
	ev.local_name = l2tp_tunnel_local_name(t);
	ev.initiator = t->initiator;
	vpdn_bus_publish(t->l2tp->bus, VPDN_EV_TUNNEL_DOWN, &ev);
}

/* ------------------------------------------------------------------ */
/* Out and in                                                         */

int l2tp_tunnel_send(struct l2tp_tunnel *t, uint16_t peer_sid, struct l2tp_msg *m)
{
	uint8_t buf[L2TP_MAX_MSG];
	struct l2tp_encode_ctx ec = { .random = t->l2tp->random, .random_data = t->l2tp->random_data };
	int len;

	/* A StopCCN is never hidden: the peer may not share our secret
	 * (that may be why we stop). */
	if (t->group && t->group->hidden && t->group->password &&
	    m->message_type != L2TP_MSG_STOPCCN) {
		ec.secret = (const uint8_t *)t->group->password;
		ec.secret_len = strlen(t->group->password);
		for (unsigned a = 1; a < L2TP_AVP__COUNT; a++)
			if (l2tp_msg_has(m, a) && l2tp_avp_hideable(a))
				l2tp_msg_hide(m, a);
	}
	len = l2tp_control_encode(buf, sizeof(buf), t->peer_tid, peer_sid, 0, 0, m, &ec);
	if (len < 0) {
		vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Cannot encode %s: %s", t->tid,
			   l2tp_msg_type_name(m->message_type), g_strerror(-len));
		return len;
	}
	return l2tp_ctrl_send(&t->ctrl, buf, len);
}

/* Input                                                              */

void l2tp_tunnel_input(struct l2tp_tunnel *t, const struct sockaddr_storage *local,
		       const struct sockaddr_storage *peer,
		       const struct l2tp_header *h, const uint8_t *buf, size_t len)
{
	/* RFC 2661 §8.1: the recipient of our SCCRQ may answer from another
	 * port than the one we sent to; once it has, the addresses and
	 * ports stay fixed for the tunnel's life. So the initiator takes the
	 * port of the first datagram from the peer's address, once; every
	 * other datagram must come from the peer's address and port. */
	if (!t->peer_port_fixed && t->initiator && t->state == L2TP_TUNNEL_WAIT_CTL_REPLY &&
	    l2tp_addr_same_host(&t->peer, peer)) {
		if (l2tp_addr_port(&t->peer) != l2tp_addr_port(peer))
			TLOG(t, VPDN_DEBUG_L2X_EVENTS,
			     "Peer answers from port %u, not %u: fixed for the tunnel",
			     l2tp_addr_port(peer), l2tp_addr_port(&t->peer));
		t->peer = *peer;
		t->peer_port_fixed = true;
	}
	if (!l2tp_tunnel_source_ok(t, local, peer, "Control"))
		return;
	t->peer_port_fixed = true;
	l2tp_tunnel_log_packet(t, "I", buf, len);
	l2tp_ctrl_input(&t->ctrl, h->ns, h->nr, l2tp_header_is_zlb(h), buf, len);
}

static void session_error(struct l2tp_tunnel *t, uint16_t sid, int error, const char *why)
{
	struct l2tp_session *s = l2tp_session_get(t, sid);

	if (s)
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, error, 0, why);
}

bool l2tp_tunnel_usable(const struct l2tp_tunnel *t)
{
	return t->state != L2TP_TUNNEL_CLOSING;
}

const char *l2tp_tunnel_local_name(const struct l2tp_tunnel *t)
{
	if (t->group && t->group->local_name)
		return t->group->local_name;
	return vpdn_core_hostname(t->l2tp->core);
}

static void tunnel_deliver(void *ctx, const uint8_t *buf, size_t len)
{
	struct l2tp_tunnel *t = ctx;
	struct l2tp *l2tp = t->l2tp;
	struct l2tp_decode_ctx dc;
	struct l2tp_header h;
	struct l2tp_msg m;
	size_t slen;
	const uint8_t *secret = secret_of(t, &slen);
	int r;

	(*l2tp->cnt.ctrl_rx)++;
	l2tp_decode_ctx_init(&dc, secret, slen);
	dc.past_unknown_m = true; /* a session message answers its session */
	r = l2tp_datagram_decode(buf, len, &h, &m, &dc);
	if (r == -ENOMSG)
		return; /* unknown message without M: acked, ignored */
	if (r < 0) {
		int err = dc.err.l2tp_error ? dc.err.l2tp_error : L2TP_ERR_BAD_LENGTH;

		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: Bad control message (%s), AVP %u: %s", t->tid,
			   dc.err.what ? dc.err.what : "malformed", dc.err.type, g_strerror(-r));
		if (r == -ENOTSUP)
			err = L2TP_ERR_UNKNOWN_MANDATORY_AVP;
		if (t->state == L2TP_TUNNEL_CLOSING)
			return;
		if (r == -ENOTSUP && l2tp_msg_session_scoped(m.message_type) &&
		    t->state == L2TP_TUNNEL_ESTABLISHED)
			l2tp_session_message_error(t, &h, &m, err, dc.err.what);
		else if (h.session_id && l2tp_session_get(t, h.session_id))
			session_error(t, h.session_id, err, dc.err.what);
		else
			l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, err,
					 dc.err.what ? dc.err.what : "Malformed message");
		return;
	}
	l2tp_tunnel_dispatch(t, &h, &m);
}

