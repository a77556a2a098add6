/* SPDX-License-Identifier: MIT */
/*
 * A session's data channel: the session as a carrier at end A of a
 * vpdn_link. Frames from the link go out as L2TP data messages (with Ns
 * when sequencing), data messages in go to the link (late ones dropped);
 * the link's hang-up clears the call with the CDN that says why.
 */
#include <errno.h>
#include <string.h>

#include "l2tp.h"

/* The PPP protocol of a frame as L2TP carries it (FF 03 optional, the
 * protocol field possibly compressed), 0 if too short: for the
 * `vpdn l2x-data` lines only. */
static unsigned frame_proto(const uint8_t *d, size_t len)
{
	size_t pos = len >= 2 && d[0] == 0xff && d[1] == 0x03 ? 2 : 0;

	if (pos < len && (d[pos] & 1))
		return d[pos];
	if (pos + 2 <= len)
		return (unsigned)d[pos] << 8 | d[pos + 1];
	return 0;
}

static void link_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct l2tp_session *s = ctx;
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp *l2tp = t->l2tp;
	unsigned flags = s->seq ? L2TP_HDR_S : 0;
	int hl;

	if (!l2tp_session_established(s) || len > L2TP_MAX_MSG) {
		s->errors++;
		return;
	}
	hl = l2tp_data_header_encode(l2tp->dbuf, sizeof(l2tp->dbuf), flags, t->peer_tid,
				     s->peer_sid, s->data_ns, len);
	if (hl < 0) {
		s->errors++;
		return;
	}
	if (s->seq)
		s->data_ns++;
	memcpy(l2tp->dbuf + hl, data, len);
	s->pkts_out++;
	s->bytes_out += len;
	t->data_tx++;
	(*l2tp->cnt.data_tx)++;
	if (vpdn_log_debug_on(l2tp->log, VPDN_DEBUG_L2X_DATA)) {
		char ns[16] = "";

		if (s->seq)
			g_snprintf(ns, sizeof(ns), ", ns %u", (uint16_t)(s->data_ns - 1));
		SLOG(s, VPDN_DEBUG_L2X_DATA, "O data to %u/%u%s, %zu octets, protocol 0x%04x",
		     t->peer_tid, s->peer_sid, ns, len, frame_proto(data, len));
	}
	l2tp->xmit(l2tp->xctx, &t->local, &t->peer, l2tp->dbuf, hl + len);
}

static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct l2tp_session *s = ctx;
	int result = cause > 0 ? L2TP_CDN_LOST_CARRIER : L2TP_CDN_ADMIN, error = 0;
	const char *why = cause > 0 ? "Lost carrier" : "Administrative";

	/* PPP refused the negotiation (no common authentication protocol):
	 * neither a carrier loss nor an administrator's act. Result 2, the
	 * reason in the message (and in the PPP Disconnect Cause Code). */
	if (cause == -EPROTO) {
		result = L2TP_CDN_GENERAL_ERROR;
		error = L2TP_ERR_VENDOR;
		why = s->ppp_disc && s->ppp_disc->msg[0] ? s->ppp_disc->msg : "PPP negotiation failed";
	}

	SLOG(s, VPDN_DEBUG_VPDN_EVENTS, "Carrier side hung up");
	/* The splice (if any) is dissolved already; the carrier we held
	 * is the one that hung up: do not hang it up again. */
	if (s->carrier && !vpdn_link_spliced_to(s->link)) {
		vpdn_link_unref(s->carrier);
		s->carrier = NULL;
	}
	/* PPP ended it because IPCP had no address it may give (or the IP
	 * side refused the one it gave): say so in the CDN's message. */
	if (cause == -EADDRNOTAVAIL || cause == -EADDRINUSE)
		why = "Administrative: no IP address allowed for the user";
	l2tp_session_close(s, true, result, error, cause > 0 ? cause : 0, why);
}

static const struct vpdn_link_ops session_link_ops = {
	.frame = link_frame,
	.hangup = link_hangup,
};

void l2tp_session_make_link(struct l2tp_session *s)
{
	char name[32];

	if (s->link)
		return;
	if (!s->ifname) { /* formatted only when needed (a set-up's cost), without printf */
		size_t o;

		vpdn_fmt_int(name, sizeof(name), "l2tp/", s->tunnel->tid);
		o = strlen(name);
		vpdn_fmt_int(name + o, sizeof(name) - o, "/", s->sid);
	}
	s->link = vpdn_link_new(s->ifname ? s->ifname : name);
	vpdn_link_attach(s->link, VPDN_LINK_A, &session_link_ops, s);
}

struct l2tp_session *l2tp_session_of_link(struct l2tp *l2tp, const struct vpdn_link *link)
{
	struct l2tp_session *s = vpdn_link_ctx(link, VPDN_LINK_A, &session_link_ops);

	return s && s->link == link && s->tunnel && s->tunnel->l2tp == l2tp ? s : NULL;
}

void l2tp_session_data(struct l2tp_session *s, const struct l2tp_header *h,
		       const uint8_t *payload, size_t len)
{
	if (h->flags & L2TP_HDR_S) {
		if (l2tp_seq_cmp(h->ns, s->data_nr) < 0) {
			/* Late or duplicate: drop (§5.4). */
			s->errors++;
			SLOG(s, VPDN_DEBUG_L2X_DATA, "I data, ns %u, %zu octets: late, "
			     "expected ns %u, dropped", h->ns, len, s->data_nr);
			return;
		}
		s->data_nr = h->ns + 1;
	}
	if (!s->link || !l2tp_session_established(s)) {
		s->errors++;
		SLOG(s, VPDN_DEBUG_L2X_DATA, "I data, %zu octets: session not established, dropped",
		     len);
		return;
	}
	if (vpdn_log_debug_on(s->tunnel->l2tp->log, VPDN_DEBUG_L2X_DATA)) {
		char ns[16] = "";

		if (h->flags & L2TP_HDR_S)
			g_snprintf(ns, sizeof(ns), ", ns %u", h->ns);
		SLOG(s, VPDN_DEBUG_L2X_DATA, "I data%s, %zu octets, protocol 0x%04x", ns, len,
		     frame_proto(payload, len));
	}
	s->pkts_in++;
	s->bytes_in += len;
	s->tunnel->data_rx++;
	vpdn_link_send(s->link, VPDN_LINK_A, payload, len);
}
