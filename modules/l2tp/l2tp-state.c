/* SPDX-License-Identifier: MIT */
/*
 * Restart in place for l2tp (docs/RESTART.md): the module's save and
 * restore hooks. What is saved, as GVariant (state version 2):
 *
 *   aa{sv}: per established tunnel: tid, peer-tid, local, peer (sockaddr
 *   octets), peer-name, group (by name: the secret comes again from the
 *   config, never from the state), initiator, peer bearer/framing caps,
 *   the control channel (ns, nr, peer-rwin, cwnd, ssthresh, and every
 *   message not acknowledged yet as encoded, with its Ns), counters, and
 *   its established sessions (an array of SESSION_T tuples: sid,
 *   peer-sid, kind, state, sequencing and data Ns/Nr, interface, user,
 *   calling, called, at a LAC the carrier's link name, counters).
 *
 * Restore rebuilds each tunnel with the same IDs in state established
 * (no StopCCN, no SCCRQ), retransmits what was unacknowledged with its Ns
 * and restarts HELLO; each session comes back established with its link,
 * offered to the consumer that had it under "l2tp/TID/SID". A link nobody
 * takes back is cleared with a CDN (result 3), the tunnel stays. A LAC
 * session takes its carrier back instead ("carrier/NAME", offered by
 * isdn, pppoe or line) and is spliced to it again; no carrier: CDN
 * (result 1), counted in l2tp_restart_sessions_lost_total. Each tunnel and
 * session rebuilt is announced once on the bus, "l2tp-tunnel-restored" /
 * "l2tp-session-restored" (dynamic types, vpdn_ev_tunnel / vpdn_ev_session
 * payloads): not TUNNEL_UP / SESSION_UP, which would start things anew;
 * RADIUS accounting takes its records back by them. Tunnels still setting up and
 * sessions not established are not saved: the peer's own timers clear
 * them. The UDP sockets are handed over by name (l2tp/udp/ADDR/PORT).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tunnel-private.h"



/* ------------------------------------------------------------------ */
/* Sockets                                                            */

void l2tp_state_fd_name(const struct sockaddr_storage *addr, char *buf, size_t size)
{
	char text[64];

	l2tp_addr_text(addr, text, sizeof(text));
	/* LISTEN_FDNAMES separates names with ':' (IPv6 has them). */
	for (char *p = text; *p; p++)
		if (*p == ':')
			*p = '_';
	g_snprintf(buf, size, "l2tp/udp/%s/%u", text, l2tp_addr_port(addr));
}

int l2tp_state_take_socket(struct l2tp *l2tp, const struct sockaddr_storage *addr)
{
	struct sockaddr_storage got;
	socklen_t len = sizeof(got);
	int fd, type = 0, fl;
	socklen_t tlen = sizeof(type);
	char name[128];

	l2tp_state_fd_name(addr, name, sizeof(name));
	fd = vpdn_core_take_fd(l2tp->core, name);
	if (fd < 0)
		return -1;
	memset(&got, 0, sizeof(got));
	/* The descriptor must be what its name says: a UDP socket bound to
	 * addr (else it is closed and a new one opened). */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen) < 0 || type != SOCK_DGRAM ||
	    getsockname(fd, (struct sockaddr *)&got, &len) < 0 || !l2tp_addr_same_host(&got, addr) ||
	    l2tp_addr_port(&got) != l2tp_addr_port(addr)) {
		vpdn_warn(l2tp->log, "L2TP: %s handed over is not that socket: opening a new one", name);
		close(fd);
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl >= 0)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

/* ------------------------------------------------------------------ */
/* Save                                                               */

static GVariant *addr_v(const struct sockaddr_storage *ss)
{
	size_t n = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);

	return g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, ss, n, 1);
}

static void add_str(GVariantBuilder *b, const char *key, const char *v)
{
	if (v)
		g_variant_builder_add(b, "{sv}", key, g_variant_new_string(v));
}

static void add_pending(void *data, uint16_t ns, const uint8_t *buf, size_t len)
{
	g_variant_builder_add(data, "(q@ay)", ns,
			      g_variant_new_fixed_array(G_VARIANT_TYPE_BYTE, buf, len, 1));
}

static bool lac_kind(unsigned kind)
{
	return kind == L2TP_SESSION_LAC_IC || kind == L2TP_SESSION_LAC_OC;
}

/* One session, one tuple (state version 2; version 1 was an a{sv} per
 * session, whose key lookups and boxed fields were most of the l2tp
 * restore at 10 000 sessions): sid, peer-sid, kind, state, seq, data Ns,
 * Nr, ifname, user, calling, called, the LAC carrier's link name
 * (absent: none), counters (in, out packets and bytes, errors). */
#define SESSION_T "(qqyybqqmsmsmsmsms(ttttt))"
#define SESSION_GET "(qqyybqqm&sm&sm&sm&sm&s(ttttt))"

static GVariant *save_session(struct l2tp_session *s)
{
	/* LAC: the carrier (B channel, PPPoE session, line) spliced to the
	 * session, by its link's name: its module offers it back under
	 * "carrier/NAME" at restore. */
	const char *carrier = lac_kind(s->kind) && s->carrier ? vpdn_link_name(s->carrier) : NULL;

	return g_variant_new(SESSION_T, s->sid, s->peer_sid, s->kind, s->state, s->seq,
			     s->data_ns, s->data_nr, s->ifname, s->user, l2tp_session_calling(s),
			     l2tp_session_called(s), carrier, s->pkts_in, s->pkts_out, s->bytes_in,
			     s->bytes_out, s->errors);
}

static GVariant *save_tunnel(struct l2tp_tunnel *t, unsigned *sessions, unsigned *skipped)
{
	GVariantBuilder b, sb, pb;
	GHashTableIter it;
	gpointer v;

	g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
	g_variant_builder_add(&b, "{sv}", "tid", g_variant_new_uint16(t->tid));
	g_variant_builder_add(&b, "{sv}", "peer-tid", g_variant_new_uint16(t->peer_tid));
	g_variant_builder_add(&b, "{sv}", "local", addr_v(&t->local));
	g_variant_builder_add(&b, "{sv}", "peer", addr_v(&t->peer));
	add_str(&b, "peer-name", t->peer_name);
	add_str(&b, "group", t->group->name);
	g_variant_builder_add(&b, "{sv}", "initiator", g_variant_new_boolean(t->initiator));
	g_variant_builder_add(&b, "{sv}", "peer-bearer", g_variant_new_boolean(t->peer_bearer));
	g_variant_builder_add(&b, "{sv}", "caps",
			      g_variant_new("(uu)", t->peer_bearer_caps, t->peer_framing_caps));
	g_variant_builder_add(&b, "{sv}", "ctrl",
			      g_variant_new("(qqqqq)", t->ctrl.ns, t->ctrl.nr, t->ctrl.peer_rwin,
					    t->ctrl.cwnd, t->ctrl.ssthresh));
	g_variant_builder_init(&pb, G_VARIANT_TYPE("a(qay)"));
	l2tp_ctrl_each_pending(&t->ctrl, add_pending, &pb);
	g_variant_builder_add(&b, "{sv}", "pending", g_variant_builder_end(&pb));
	g_variant_builder_add(&b, "{sv}", "counters",
			      g_variant_new("(ttt)", t->data_rx, t->data_tx, t->wen_count));
	g_variant_builder_init(&sb, G_VARIANT_TYPE("a" SESSION_T));
	g_hash_table_iter_init(&it, t->sessions);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_session *s = v;

		if (!l2tp_session_established(s) || !s->peer_sid) {
			(*skipped)++;
			continue;
		}
		g_variant_builder_add_value(&sb, save_session(s));
		(*sessions)++;
	}
	g_variant_builder_add(&b, "{sv}", "sessions", g_variant_builder_end(&sb));
	return g_variant_builder_end(&b);
}

GVariant *l2tp_state_save(struct l2tp *l2tp)
{
	GVariantBuilder b;
	GHashTableIter it;
	gpointer v;
	unsigned tunnels = 0, sessions = 0, skipped_t = 0, skipped_s = 0;

	g_variant_builder_init(&b, G_VARIANT_TYPE("aa{sv}"));
	g_hash_table_iter_init(&it, l2tp->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		/* Only what is established and belongs to a configured group
		 * (a RADIUS-made group is not in the next config). */
		if (t->state != L2TP_TUNNEL_ESTABLISHED || !t->group || t->group->dynamic) {
			skipped_t++;
			skipped_s += g_hash_table_size(t->sessions);
			continue;
		}
		g_variant_builder_add_value(&b, save_tunnel(t, &sessions, &skipped_s));
		tunnels++;
	}
	vpdn_notice(l2tp->log, "L2TP: restart: saved %u tunnel%s, %u session%s (%u tunnel%s, "
		    "%u session%s not established or not restorable: left)", tunnels,
		    tunnels == 1 ? "" : "s", sessions, sessions == 1 ? "" : "s", skipped_t,
		    skipped_t == 1 ? "" : "s", skipped_s, skipped_s == 1 ? "" : "s");
	return g_variant_builder_end(&b);
}

/* ------------------------------------------------------------------ */
/* Restore                                                            */

static bool get_addr(GVariant *d, const char *key, struct sockaddr_storage *ss)
{
	GVariant *a = g_variant_lookup_value(d, key, G_VARIANT_TYPE_BYTESTRING);
	const void *p;
	gsize n = 0;
	bool ok = false;

	memset(ss, 0, sizeof(*ss));
	if (!a)
		return false;
	p = g_variant_get_fixed_array(a, &n, 1);
	if (n >= sizeof(sa_family_t) && n <= sizeof(*ss)) {
		memcpy(ss, p, n);
		ok = (ss->ss_family == AF_INET && n == sizeof(struct sockaddr_in)) ||
		     (ss->ss_family == AF_INET6 && n == sizeof(struct sockaddr_in6));
	}
	g_variant_unref(a);
	return ok;
}

static char *get_str(GVariant *d, const char *key)
{
	const char *s = NULL;

	return g_variant_lookup(d, key, "&s", &s) ? g_strdup(s) : NULL;
}

/* A restored session's link came back to nobody (its PPP, its B
 * channel): clear the call cleanly. */
static void session_orphan(void *ctx, struct vpdn_link *link)
{
	struct l2tp *l2tp = ctx;
	struct l2tp_session *s = l2tp_session_of_link(l2tp, link);

	if (!s)
		return;
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Restart: session link not taken back by any module, clearing it");
	l2tp_session_close(s, true, L2TP_CDN_ADMIN, 0, 0, "not restored after restart");
}

/* LAC: the carrier's module (isdn, pppoe, line) rebuilt the call and
 * offered its link as "carrier/NAME": splice it to the session again. A
 * carrier that did not come back: the call is gone, CDN (lost carrier),
 * logged and counted. */
static int restore_lac_carrier(struct l2tp_session *s, const char *name)
{
	struct l2tp *l2tp = s->tunnel->l2tp;
	struct vpdn_link *carrier = NULL;
	uint64_t *lost;
	char key[96];

	if (name && name[0]) {
		g_snprintf(key, sizeof(key), "carrier/%s", name);
		carrier = vpdn_core_restored_link_take(l2tp->core, key);
	}
	if (carrier) {
		s->carrier = vpdn_link_ref(carrier);
		if (vpdn_link_splice(s->carrier, s->link) == 0) {
			SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Restart: LAC session restored, peer session %u, "
			     "spliced to %s again", s->peer_sid, name);
			return 0;
		}
	}
	vpdn_warn(l2tp->log, "L2TP: restart: LAC session %u/%u (%s): carrier %s not restored, "
		  "clearing the session", s->tunnel->tid, s->sid, s->user ? s->user : "?",
		  name ? name : "(none)");
	lost = vpdn_core_counter(l2tp->core, "l2tp_restart_sessions_lost_total",
				 "Sessions saved at a restart in place that could not be rebuilt");
	if (lost)
		(*lost)++;
	l2tp_session_close(s, true, L2TP_CDN_LOST_CARRIER, 0, 0, "carrier not restored after restart");
	return -ENOENT;
}

/* The dynamic bus types announcing what was rebuilt (ids, by name). */
struct restored_ev {
	int session, tunnel;
};

static void announce_session(struct l2tp_session *s, const struct restored_ev *rev)
{
	struct vpdn_ev_session ev;

	if (rev->session < 0)
		return;
	l2tp_session_fill_event(s, &ev);
	vpdn_bus_publish(s->tunnel->l2tp->bus, (uint32_t)rev->session, &ev);
}

static int restore_session(struct l2tp_tunnel *t, GVariant *d, const struct restored_ev *rev)
{
	struct l2tp *l2tp = t->l2tp;
	guint16 sid = 0, peer_sid = 0, dns = 0, dnr = 0;
	guint8 kind = 0, state = 0;
	gboolean seq = FALSE;
	struct l2tp_session *s;
	char key[32];
	int r;

	const char *ifname, *user, *calling, *called, *carrier;
	guint64 pin, pout, bin, bout, errs;

	g_variant_get(d, SESSION_GET, &sid, &peer_sid, &kind, &state, &seq, &dns, &dnr, &ifname,
		      &user, &calling, &called, &carrier, &pin, &pout, &bin, &bout, &errs);
	if (!sid || !peer_sid || kind > L2TP_SESSION_LAC_OC)
		return -EBADMSG;
	if (l2tp_session_get(t, sid))
		return -EEXIST;
	s = l2tp_session_new(t, kind);
	if (!s)
		return -ENOSPC;
	/* The same Session ID as before. */
	l2tp_id_remove(t->sessions, &t->sid_bits, s->sid);
	s->sid = sid;
	l2tp_id_insert(t->sessions, &t->sid_bits, s->sid, s);
	r = l2tp_session_set_peer_sid(s, peer_sid);
	if (r < 0) {
		l2tp_session_close(s, false, L2TP_CDN_GENERAL_ERROR, 0, 0, "bad restart state");
		return r;
	}
	s->seq = seq;
	s->data_ns = dns;
	s->data_nr = dnr;
	s->ifname = g_strdup(ifname);
	s->user = g_strdup(user);
	l2tp_session_set_numbers(s, calling, called);
	s->pkts_in = pin;
	s->pkts_out = pout;
	s->bytes_in = bin;
	s->bytes_out = bout;
	s->errors = errs;
	l2tp_session_set_state(s, state);
	if (!l2tp_session_established(s)) {
		/* A state the saving side did not call established: the
		 * peer thinks the call is up, so say it is not. */
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, 0, 0, "bad restart state");
		return -EBADMSG;
	}
	/* SESSION_UP went out in the process before: not again, but its
	 * end is a session's end (SESSION_DOWN, the ended history and
	 * counters, the D-Bus SessionDown), not a failed set-up. */
	s->up_published = true;
	l2tp_session_make_link(s);
	if (lac_kind(kind)) {
		r = restore_lac_carrier(s, carrier);
		if (r == 0)
			announce_session(s, rev);
		return r;
	}
	g_snprintf(key, sizeof(key), "l2tp/%u/%u", t->tid, s->sid);
	r = vpdn_core_restored_link_offer(l2tp->core, key, s->link, session_orphan, l2tp);
	if (r < 0) {
		l2tp_session_close(s, true, L2TP_CDN_ADMIN, 0, 0, "not restored after restart");
		return r;
	}
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Restart: session restored, peer session %u", s->peer_sid);
	announce_session(s, rev);
	return 0;
}

static int restore_tunnel(struct l2tp *l2tp, GVariant *d, unsigned *sessions, unsigned *lost,
			  const struct restored_ev *rev)
{
	struct sockaddr_storage local, peer;
	guint16 tid = 0, peer_tid = 0, ns = 0, nr = 0, prwin = 0, cwnd = 0, ssthresh = 0;
	gboolean initiator = FALSE, bearer = FALSE;
	char *group = NULL;
	struct l2tp_group *g;
	struct l2tp_tunnel *t;
	GVariant *pending = NULL, *list = NULL, *sv;
	GVariantIter it;
	char text[64];
	int r = -EBADMSG;

	if (!g_variant_lookup(d, "tid", "q", &tid) || !g_variant_lookup(d, "peer-tid", "q", &peer_tid) ||
	    !get_addr(d, "local", &local) || !get_addr(d, "peer", &peer) ||
	    !g_variant_lookup(d, "group", "s", &group) ||
	    !g_variant_lookup(d, "initiator", "b", &initiator) ||
	    !g_variant_lookup(d, "ctrl", "(qqqqq)", &ns, &nr, &prwin, &cwnd, &ssthresh) ||
	    !(pending = g_variant_lookup_value(d, "pending", G_VARIANT_TYPE("a(qay)"))) ||
	    !(list = g_variant_lookup_value(d, "sessions", G_VARIANT_TYPE("a" SESSION_T))) || !tid ||
	    !peer_tid)
		goto out;
	l2tp_addr_text(&peer, text, sizeof(text));
	g = l2tp_config_group(l2tp->cfg, group);
	if (!g) {
		vpdn_warn(l2tp->log, "L2TP: restart: tunnel %u to %s dropped: vpdn-group %s is no "
			  "longer configured", tid, text, group);
		r = -ENOENT;
		goto out;
	}
	if (l2tp_tunnel_get(l2tp, tid)) {
		r = -EEXIST;
		goto out;
	}
	t = l2tp_tunnel_new(l2tp, g, &local, &peer);
	if (!t) {
		r = -ENOSPC;
		goto out;
	}
	/* The same Tunnel ID as before. */
	l2tp_id_remove(l2tp->tunnels, &l2tp->tid_bits, t->tid);
	t->tid = tid;
	l2tp_id_insert(l2tp->tunnels, &l2tp->tid_bits, t->tid, t);
	t->peer_tid = peer_tid;
	t->peer_name = get_str(d, "peer-name");
	t->initiator = initiator;
	g_variant_lookup(d, "peer-bearer", "b", &bearer);
	t->peer_bearer = bearer;
	g_variant_lookup(d, "caps", "(uu)", &t->peer_bearer_caps, &t->peer_framing_caps);
	g_variant_lookup(d, "counters", "(ttt)", &t->data_rx, &t->data_tx, &t->wen_count);
	/* §8.1: the peer's port was learnt long ago. */
	t->peer_port_fixed = true;
	/* Not published again: TUNNEL_UP went out when it came up (RADIUS
	 * tunnel accounting must not start twice); its TUNNEL_DOWN will. */
	t->up_published = true;
	l2tp_ctrl_set_peer(&t->ctrl, peer_tid, prwin);
	t->ctrl.ns = ns;
	t->ctrl.nr = nr;
	t->ctrl.cwnd = CLAMP(cwnd, 1, t->ctrl.peer_rwin);
	t->ctrl.ssthresh = CLAMP(ssthresh, 1, t->ctrl.peer_rwin);
	g_variant_iter_init(&it, pending);
	{
		guint16 pns;
		GVariant *msg;

		while (g_variant_iter_next(&it, "(q@ay)", &pns, &msg)) {
			gsize n = 0;
			const uint8_t *p = g_variant_get_fixed_array(msg, &n, 1);

			r = l2tp_ctrl_restore_pending(&t->ctrl, pns, p, n);
			g_variant_unref(msg);
			if (r < 0) {
				/* Its sequence is broken: the peer would never
				 * see our Ns line up again. */
				vpdn_warn(l2tp->log, "L2TP: restart: tunnel %u to %s: unacknowledged "
					  "messages out of sequence, clearing it", tid, text);
				l2tp_tunnel_stop(t, L2TP_STOPCCN_GENERAL_ERROR, L2TP_ERR_NONE,
						 "bad restart state");
				goto out;
			}
		}
	}
	l2tp_tunnel_set_state(t, L2TP_TUNNEL_ESTABLISHED);
	TLOG(t, VPDN_DEBUG_L2X_EVENTS, "Restart: tunnel to %s restored, peer tunnel %u, Ns %u Nr %u, "
	     "%zu unacknowledged", peer_label(t), t->peer_tid, ns, nr, l2tp_ctrl_queued(&t->ctrl));
	l2tp_ctrl_start_hello(&t->ctrl);
	l2tp_ctrl_resume(&t->ctrl);
	if (rev->tunnel >= 0) {
		struct vpdn_ev_tunnel ev = {
			.size = sizeof(ev), .tunnel_id = t->tid, .peer_tunnel_id = t->peer_tid,
			.peer_name = t->peer_name, .group = t->group ? t->group->name : NULL,
			.peer = t->peer, .local = t->local, .local_name = l2tp_tunnel_local_name(t),
			.initiator = t->initiator,
		};
		vpdn_bus_publish(l2tp->bus, (uint32_t)rev->tunnel, &ev);
	}
	g_variant_iter_init(&it, list);
	while ((sv = g_variant_iter_next_value(&it))) {
		if (restore_session(t, sv, rev) == 0)
			(*sessions)++;
		else
			(*lost)++;
		g_variant_unref(sv);
	}
	r = 0;
out:
	if (r < 0 && list)
		*lost += g_variant_n_children(list);
	g_free(group);
	if (pending)
		g_variant_unref(pending);
	if (list)
		g_variant_unref(list);
	return r;
}

int l2tp_state_restore(struct l2tp *l2tp, GVariant *data, uint32_t version)
{
	unsigned tunnels = 0, failed = 0, sessions = 0, lost = 0;
	GVariantIter it;
	GVariant *d;
	struct restored_ev rev;

	if (version != L2TP_STATE_VERSION || !g_variant_is_of_type(data, G_VARIANT_TYPE("aa{sv}")))
		return -EPROTO;
	rev.session = vpdn_bus_register_type(l2tp->bus, "l2tp-session-restored");
	rev.tunnel = vpdn_bus_register_type(l2tp->bus, "l2tp-tunnel-restored");
	g_variant_iter_init(&it, data);
	while ((d = g_variant_iter_next_value(&it))) {
		if (restore_tunnel(l2tp, d, &sessions, &lost, &rev) == 0)
			tunnels++;
		else
			failed++;
		g_variant_unref(d);
	}
	vpdn_notice(l2tp->log, "L2TP: restart: restored %u tunnel%s, %u session%s (%u tunnel%s, "
		    "%u session%s could not be)", tunnels, tunnels == 1 ? "" : "s", sessions,
		    sessions == 1 ? "" : "s", failed, failed == 1 ? "" : "s", lost, lost == 1 ? "" : "s");
	return 0;
}

uint32_t l2tp_state_version(void)
{
	return L2TP_STATE_VERSION;
}
