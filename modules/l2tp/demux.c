/* SPDX-License-Identifier: MIT */
/*
 * The demultiplexer: every datagram of every local socket, to its tunnel
 * (control) or session (data); SCCRQs with Tunnel ID 0 through flood
 * control (a token bucket per source address, the cap on half-open
 * tunnels) to a new tunnel.
 */
#include <errno.h>
#include <string.h>

#include "l2tp.h"

/* ------------------------------------------------------------------ */
/* Flood limits                                                       */

struct l2tp_bucket {
	uint64_t last_ms;
	double tokens;
};

#define L2TP_MAX_BUCKETS 4096

static void flood_log(struct l2tp *l2tp, const struct sockaddr_storage *peer, const char *why)
{
	uint64_t now = vpdn_timers_now(l2tp->tm);
	char text[64];

	/* One line a second at most: a flood must not flood the log. */
	if (l2tp->flood_logged_ms && now - l2tp->flood_logged_ms < 1000)
		return;
	l2tp->flood_logged_ms = now;
	l2tp_addr_text(peer, text, sizeof(text));
	vpdn_warn(l2tp->log, "L2TP: SCCRQ from %s port %u dropped: %s (%" G_GUINT64_FORMAT
		  " rate-limited, %" G_GUINT64_FORMAT " half-open refusals so far)",
		  text, l2tp_addr_port(peer), why, *l2tp->sccrq_rate_limited,
		  *l2tp->sccrq_half_open_full);
}

static bool rate_ok(struct l2tp *l2tp, const struct sockaddr_storage *peer)
{
	unsigned rate = l2tp->cfg->sccrq_rate;
	uint64_t now = vpdn_timers_now(l2tp->tm);
	struct l2tp_bucket *b;
	GBytes *key;

	if (!rate)
		return true;
	if (peer->ss_family == AF_INET6)
		key = g_bytes_new(&((const struct sockaddr_in6 *)peer)->sin6_addr, 16);
	else
		key = g_bytes_new(&((const struct sockaddr_in *)peer)->sin_addr, 4);
	b = g_hash_table_lookup(l2tp->sccrq_buckets, key);
	if (!b) {
		/* Bounded memory: many sources at once start afresh. */
		if (g_hash_table_size(l2tp->sccrq_buckets) >= L2TP_MAX_BUCKETS)
			g_hash_table_remove_all(l2tp->sccrq_buckets);
		b = g_new0(struct l2tp_bucket, 1);
		b->tokens = rate;
		b->last_ms = now;
		g_hash_table_insert(l2tp->sccrq_buckets, key, b);
	} else {
		g_bytes_unref(key);
		b->tokens += (double)(now - b->last_ms) * rate / 1000.0;
		if (b->tokens > rate)
			b->tokens = rate;
		b->last_ms = now;
	}
	if (b->tokens < 1.0)
		return false;
	b->tokens -= 1.0;
	return true;
}

static unsigned half_open(struct l2tp *l2tp)
{
	GHashTableIter it;
	gpointer v;
	unsigned n = 0;

	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (!t->initiator && t->state != L2TP_TUNNEL_ESTABLISHED && !t->up_published)
			n++;
	}
	return n;
}

bool l2tp_sccrq_admit(struct l2tp *l2tp, const struct sockaddr_storage *peer)
{
	if (!rate_ok(l2tp, peer)) {
		(*l2tp->sccrq_rate_limited)++;
		flood_log(l2tp, peer, "rate limit (sccrq-rate) reached for this source");
		return false;
	}
	if (half_open(l2tp) >= l2tp->cfg->max_half_open) {
		(*l2tp->sccrq_half_open_full)++;
		flood_log(l2tp, peer, "too many half-open tunnels (max-half-open)");
		return false;
	}
	return true;
}

/* An SCCRQ with Tunnel ID 0: a new tunnel, or a retransmission of one we
 * already answered (our SCCRP's ack was lost). Hidden AVPs need the
 * secret of a group we do not know yet: try each group's. */
static void sccrq_input(struct l2tp *l2tp, const struct sockaddr_storage *local,
			const struct sockaddr_storage *peer, const struct l2tp_header *h,
			const uint8_t *buf, size_t len)
{
	struct l2tp_decode_ctx dc;
	struct l2tp_header hh;
	struct l2tp_msg m;
	GHashTableIter it;
	gpointer v;
	int r;

	l2tp_decode_ctx_init(&dc, NULL, 0);
	r = l2tp_datagram_decode(buf, len, &hh, &m, &dc);
	for (unsigned i = 0; (r == -ENOKEY || r == -EBADMSG) && i < l2tp->cfg->groups->len; i++) {
		struct l2tp_group *g = l2tp->cfg->groups->pdata[i];

		if (!g->password)
			continue;
		l2tp_decode_ctx_init(&dc, g->password, strlen(g->password));
		r = l2tp_datagram_decode(buf, len, &hh, &m, &dc);
	}
	if (r == 0 && m.message_type == L2TP_MSG_STOPCCN &&
	    l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID)) {
		/* A peer that could not read our Assigned Tunnel ID (e.g. it
		 * failed to unhide it) stops with Tunnel ID 0: find the tunnel
		 * by its address and its own ID. */
		g_hash_table_iter_init(&it, l2tp->tunnels);
		while (g_hash_table_iter_next(&it, NULL, &v)) {
			struct l2tp_tunnel *t = v;

			if (t->peer_tid == m.assigned_tunnel_id &&
			    l2tp_addr_same_host(&t->peer, peer)) {
				l2tp_tunnel_input(t, local, peer, h, buf, len);
				return;
			}
		}
	}
	if (r < 0 || m.message_type != L2TP_MSG_SCCRQ ||
	    !l2tp_msg_has(&m, L2TP_AVP_ASSIGNED_TUNNEL_ID) || !l2tp_msg_has(&m, L2TP_AVP_HOST_NAME)) {
		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Bad message for tunnel 0 (%s) dropped",
			   r < 0 ? (dc.err.what ? dc.err.what : g_strerror(-r)) :
				   l2tp_msg_type_name(m.message_type));
		return;
	}
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (!t->initiator && t->peer_tid == m.assigned_tunnel_id &&
		    l2tp_addr_same_endpoint(&t->peer, peer)) {
			/* Retransmitted SCCRQ: acked again, not processed. */
			l2tp_ctrl_input(&t->ctrl, h->ns, h->nr, false, buf, len);
			return;
		}
	}
	if (!l2tp_sccrq_admit(l2tp, peer))
		return;
	l2tp_tunnel_accept(l2tp, local, peer, h, &m, buf, len);
}

/* ------------------------------------------------------------------ */
/* Demultiplexer                                                      */

void l2tp_input(struct l2tp *l2tp, const struct sockaddr_storage *local,
		const struct sockaddr_storage *peer, const uint8_t *buf, size_t len)
{
	struct l2tp_header h;
	struct l2tp_tunnel *t;
	struct l2tp_session *s;
	int r;

	r = l2tp_header_decode(buf, len, &h);
	if (r == -EPROTONOSUPPORT)
		return; /* L2F: silently */
	if (r < 0) {
		(*l2tp->cnt.malformed)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Malformed datagram of %zu octets dropped (%s)", len,
			   r == -EPROTO ? "unsupported version" : "bad header");
		return;
	}
	if (!l2tp_header_is_control(&h)) {
		(*l2tp->cnt.data_rx)++;
		t = l2tp_tunnel_get(l2tp, h.tunnel_id);
		if (!t || t->state != L2TP_TUNNEL_ESTABLISHED) {
			(*l2tp->cnt.no_tunnel)++;
			return;
		}
		/* Only the peer may speak for its sessions: a datagram from
		 * anyone else with a guessed tunnel and session ID (an LCP
		 * Terminate-Request, say) must not reach the session. */
		if (!l2tp_tunnel_source_ok(t, local, peer, "Data"))
			return;
		s = l2tp_session_get(t, h.session_id);
		if (!s) {
			(*l2tp->cnt.no_session)++;
			return;
		}
		/* Data counts as life for the HELLO timer; re-arm lazily, looked
		 * at once per tunnel and received batch (the batch takes
		 * microseconds; a clock read per packet was 1% of the data path). */
		if (t->ctrl.cfg.hello_ms && (!l2tp->rx_batch || t->hello_batch != l2tp->rx_batch)) {
			t->hello_batch = l2tp->rx_batch;
			if (vpdn_timer_remaining(l2tp->tm, &t->ctrl.hello_timer) <
			    t->ctrl.cfg.hello_ms / 2)
				l2tp_ctrl_touch(&t->ctrl);
		}
		l2tp_session_data(s, &h, buf + h.hdr_len, h.payload_len);
		return;
	}
	if (h.tunnel_id == 0) {
		if (l2tp_header_is_zlb(&h))
			return;
		sccrq_input(l2tp, local, peer, &h, buf, len);
		return;
	}
	t = l2tp_tunnel_get(l2tp, h.tunnel_id);
	if (!t) {
		(*l2tp->cnt.no_tunnel)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "L2TP: Control message for unknown tunnel %u dropped", h.tunnel_id);
		return;
	}
	l2tp_tunnel_input(t, local, peer, &h, buf, len);
}

