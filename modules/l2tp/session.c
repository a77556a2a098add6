/* SPDX-License-Identifier: MIT */
/*
 * What every L2TP session shares, whatever its call type: IDs, state
 * changes and their log lines, CDN, teardown, the session messages the
 * tunnel hands over (l2tp_session_message()), and the dispatch to the
 * per-call-type state machines (session-lac-ic.c, session-lns-ic.c,
 * session-lns-oc.c, session-lac-oc.c), which nothing else reaches. The
 * data channel is session-data.c's.
 */
#include <errno.h>
#include <string.h>

#include "session-fsm.h"

/* The call types, by enum l2tp_session_kind: the only place that names
 * their state machines. */
static const struct l2tp_session_fsm *const fsms[] = {
	[L2TP_SESSION_LAC_IC] = &l2tp_lac_ic_fsm,
	[L2TP_SESSION_LNS_IC] = &l2tp_lns_ic_fsm,
	[L2TP_SESSION_LNS_OC] = &l2tp_lns_oc_fsm,
	[L2TP_SESSION_LAC_OC] = &l2tp_lac_oc_fsm,
};

static const struct l2tp_session_fsm *fsm_of(const struct l2tp_session *s)
{
	return s->kind < G_N_ELEMENTS(fsms) ? fsms[s->kind] : NULL;
}

/* A new call the peer opens: to the call type the message opens. */
static void session_accept(struct l2tp_tunnel *t, const struct l2tp_msg *m)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(fsms); k++)
		if (fsms[k]->accept && fsms[k]->opened_by == m->message_type) {
			fsms[k]->accept(t, m);
			return;
		}
}

int l2tp_session_start(struct l2tp *l2tp, enum l2tp_session_kind kind, struct l2tp_group *g,
		       const void *request, struct vpdn_request *req)
{
	if ((unsigned)kind >= G_N_ELEMENTS(fsms) || !fsms[kind]->start)
		return -EINVAL;
	return fsms[kind]->start(l2tp, g, request, req);
}

void l2tp_sessions_stop(struct l2tp *l2tp)
{
	for (unsigned k = 0; k < G_N_ELEMENTS(fsms); k++)
		if (fsms[k]->stop)
			fsms[k]->stop(l2tp);
}

const char *l2tp_session_state_name(const struct l2tp_session *s)
{
	const struct l2tp_session_fsm *f = fsm_of(s);

	return f ? f->state_name(s->state) : "unknown";
}

bool l2tp_session_established(const struct l2tp_session *s)
{
	const struct l2tp_session_fsm *f = fsm_of(s);

	return f && f->established(s);
}

/* IOS's short form for show vpdn: "est" once established, else the name. */
const char *l2tp_session_state_short(const struct l2tp_session *s)
{
	const struct l2tp_session_fsm *f = fsm_of(s);

	if (!f)
		return "unknown";
	return f->established(s) ? "est" : f->state_name(s->state);
}

const char *l2tp_session_role(const struct l2tp_session *s)
{
	return s->kind == L2TP_SESSION_LAC_IC || s->kind == L2TP_SESSION_LAC_OC ? "lac" : "lns";
}

void l2tp_session_unexpected(struct l2tp_session *s, const struct l2tp_msg *m)
{
	SLOG(s, VPDN_DEBUG_L2X_ERRORS, "%s not expected in state %s",
	     l2tp_msg_type_name(m->message_type), l2tp_session_state_name(s));
	l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NONE, 0,
			   "Message not expected in this state");
}

struct l2tp_session *l2tp_session_get(struct l2tp_tunnel *t, uint16_t sid)
{
	return sid ? g_hash_table_lookup(t->sessions, GUINT_TO_POINTER(sid)) : NULL;
}

/* setup-timeout while the call waits on the peer (or our dialer): CDN 10
 * and clear. Frees s. */
static void setup_fired(struct vpdn_timer *timer, void *data)
{
	struct l2tp_session *s = data;
	const char *what = fsm_of(s)->awaits(s);
	char why[64];

	if (!what)
		return;
	(*s->tunnel->l2tp->setup_timeouts[1])++;
	g_snprintf(why, sizeof(why), "Timeout waiting for %s", what);
	SLOG(s, VPDN_DEBUG_L2X_ERRORS, "%s in state %s (setup-timeout %" G_GUINT64_FORMAT " s), "
	     "clearing the call", why, l2tp_session_state_name(s),
	     l2tp_setup_timeout_ms(s->tunnel) / 1000);
	l2tp_session_close(s, true, L2TP_CDN_TIMEOUT, L2TP_ERR_NONE, 0, why);
}

struct l2tp_session *l2tp_session_by_peer_sid(struct l2tp_tunnel *t, uint16_t peer_sid)
{
	return peer_sid ? g_hash_table_lookup(t->peer_sessions, GUINT_TO_POINTER(peer_sid)) : NULL;
}

int l2tp_session_set_peer_sid(struct l2tp_session *s, uint16_t peer_sid)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp_session *other;

	if (!peer_sid)
		return -EINVAL;
	other = l2tp_session_by_peer_sid(t, peer_sid);
	if (other && other != s)
		return -EEXIST;
	if (s->peer_sid && l2tp_session_by_peer_sid(t, s->peer_sid) == s)
		g_hash_table_remove(t->peer_sessions, GUINT_TO_POINTER(s->peer_sid));
	s->peer_sid = peer_sid;
	g_hash_table_insert(t->peer_sessions, GUINT_TO_POINTER(peer_sid), s);
	return 0;
}

void l2tp_session_bad_peer_sid(struct l2tp_tunnel *t, struct l2tp_session *s, uint16_t peer_sid,
			       int r)
{
	const char *why = r == -EEXIST ? "Assigned Session ID already in use" :
		"Assigned Session ID 0";

	(*t->l2tp->cnt.malformed)++;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS, "Tnl %u L2TP: %s (%u) from %s: call refused",
		   t->tid, why, peer_sid, t->peer_name ? t->peer_name : "peer");
	if (s)
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_SESSION_ID, 0, why);
	else
		l2tp_session_refuse(t, peer_sid, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_SESSION_ID, why);
}

struct l2tp_session *l2tp_session_new(struct l2tp_tunnel *t, enum l2tp_session_kind kind)
{
	struct l2tp *l2tp = t->l2tp;
	uint16_t sid = l2tp_alloc_id(l2tp, t->sessions, &t->sid_bits);
	struct l2tp_session *s;

	if (!sid) {
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: No free Session ID (%u sessions)", t->tid,
			   g_hash_table_size(t->sessions));
		return NULL;
	}
	s = g_new0(struct l2tp_session, 1);
	s->tunnel = t;
	s->kind = kind;
	s->sid = sid;
	s->serial = ++l2tp->call_serial;
	s->changed_ms = vpdn_timers_now(l2tp->tm);
	vpdn_timer_init(&s->setup_timer, setup_fired, s);
	l2tp_id_insert(t->sessions, &t->sid_bits, s->sid, s);
	l2tp->n_sessions++;
	l2tp_gauge_add(l2tp, "l2tp_sessions", l2tp_session_role(s), l2tp_session_state_short(s), 1);
	if (t->group)
		t->group->sessions++;
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Session FS enabled");
	l2tp_changed(l2tp, L2TP_OBJECT_TUNNEL, t);
	return s;
}

void l2tp_session_refuse(struct l2tp_tunnel *t, uint16_t peer_sid, int result, int error,
			 const char *why)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_CDN);
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	m.result.result = result;
	m.result.has_error = true;
	m.result.error = error;
	if (why) {
		m.result.message.ptr = (const uint8_t *)why;
		m.result.message.len = strlen(why);
	}
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = 0;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_EVENTS,
		   "Tnl %u L2TP: O CDN to %s %u/%u, result %d (%s), error %d", t->tid,
		   t->peer_name ? t->peer_name : "peer", t->peer_tid, peer_sid, result,
		   l2tp_result_text(L2TP_MSG_CDN, result), error);
	l2tp_tunnel_send(t, peer_sid, &m);
}

void l2tp_session_set_state(struct l2tp_session *s, int state)
{
	const struct l2tp_session_fsm *f = fsm_of(s);

	if (s->state == state)
		return;
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Session state change from %s to %s",
	     f->state_name(s->state), f->state_name(state));
	l2tp_gauge_add(s->tunnel->l2tp, "l2tp_sessions", l2tp_session_role(s), l2tp_session_state_short(s), -1);
	s->state = state;
	l2tp_gauge_add(s->tunnel->l2tp, "l2tp_sessions", l2tp_session_role(s), l2tp_session_state_short(s), 1);
	s->changed_ms = vpdn_timers_now(s->tunnel->l2tp->tm);
	if (f->awaits(s))
		vpdn_timer_arm(s->tunnel->l2tp->tm, &s->setup_timer,
			       l2tp_setup_timeout_ms(s->tunnel));
	else
		vpdn_timer_cancel(s->tunnel->l2tp->tm, &s->setup_timer);
	l2tp_changed(s->tunnel->l2tp, L2TP_OBJECT_SESSION, s);
}

enum { NUMBERS_CALLING = 1, NUMBERS_CALLED = 2 };

const char *l2tp_session_calling(const struct l2tp_session *s)
{
	if (s->call)
		return s->call->calling;
	return s->numbers && (s->numbers[0] & NUMBERS_CALLING) ? s->numbers + 1 : NULL;
}

const char *l2tp_session_called(const struct l2tp_session *s)
{
	const char *p;

	if (s->call)
		return s->call->called ? s->call->called : s->call->number;
	if (!s->numbers || !(s->numbers[0] & NUMBERS_CALLED))
		return NULL;
	p = s->numbers + 1;
	if (s->numbers[0] & NUMBERS_CALLING)
		p += strlen(p) + 1;
	return p;
}

/* One block: the presence byte, then calling and called when present
 * (8 bytes less in struct l2tp_session than two pointers). */
void l2tp_session_set_numbers(struct l2tp_session *s, const char *calling, const char *called)
{
	size_t a = calling ? strlen(calling) + 1 : 0, b = called ? strlen(called) + 1 : 0;
	char *block = a + b ? g_malloc(1 + a + b) : NULL;

	if (block) {
		block[0] = (char)((calling ? NUMBERS_CALLING : 0) | (called ? NUMBERS_CALLED : 0));
		if (calling)
			memcpy(block + 1, calling, a);
		if (called)
			memcpy(block + 1 + a, called, b);
	}
	g_free(s->numbers);   /* after the copies: the new ones may be in it */
	s->numbers = block;
}

void l2tp_session_set_ppp_disc(struct l2tp_session *s, uint16_t code, uint16_t proto,
			       uint8_t dir, const char *msg)
{
	size_t n = msg ? strnlen(msg, 200) : 0;
	struct l2tp_ppp_disc *pd = g_malloc(sizeof(*pd) + n + 1);

	pd->code = code;
	pd->proto = proto;
	pd->dir = dir;
	memcpy(pd->msg, msg ? msg : "", n);
	pd->msg[n] = '\0';
	g_free(s->ppp_disc);
	s->ppp_disc = pd;
}

void l2tp_session_drop_call(struct l2tp_session *s)
{
	if (!s->call)
		return;
	l2tp_session_set_numbers(s, l2tp_session_calling(s), l2tp_session_called(s));
	l2tp_call_free(s->call);
	s->call = NULL;
}

int l2tp_session_send(struct l2tp_session *s, struct l2tp_msg *m)
{
	return l2tp_tunnel_send(s->tunnel, s->peer_sid, m);
}

void l2tp_call_free(struct l2tp_call *c)
{
	if (!c)
		return;
	g_free(c->user);
	g_free(c->calling);
	g_free(c->called);
	g_free(c->number);
	g_free(c->profile);
	g_free(c->remote_name);
	if (c->proxy_store)
		g_byte_array_free(c->proxy_store, TRUE);
	g_free(c);
}

/* Negative errno or Q.931 cause (from a dialer or carrier) to a CDN
 * result code. A value that is a Q.931 cause we know is read as one
 * (and returned in *cause); anything else as an errno. */
int l2tp_cdn_result_for(int status, int *cause)
{
	int v = status < 0 ? -status : status;

	*cause = 0;
	switch (v) {
	case VPDN_CAUSE_USER_BUSY:
		*cause = v;
		return L2TP_CDN_BUSY;
	case VPDN_CAUSE_NO_USER_RESPONDING:
	case VPDN_CAUSE_NO_ANSWER:
	case VPDN_CAUSE_RECOVERY_ON_TIMER:
		*cause = v;
		return L2TP_CDN_TIMEOUT;
	case VPDN_CAUSE_UNALLOCATED_NUMBER:
	case VPDN_CAUSE_NO_ROUTE:
	case VPDN_CAUSE_INVALID_NUMBER_FORMAT:
		*cause = v;
		return L2TP_CDN_INVALID_DEST;
	case VPDN_CAUSE_NO_CHANNEL:
	case VPDN_CAUSE_TEMPORARY_FAILURE:
	case VPDN_CAUSE_RESOURCE_UNAVAILABLE:
		*cause = v;
		return L2TP_CDN_TEMP_NO_FACILITIES;
	case VPDN_CAUSE_BEARER_NOT_AVAILABLE:
		*cause = v;
		return L2TP_CDN_PERM_NO_FACILITIES;
	case VPDN_CAUSE_CALL_REJECTED:
	case VPDN_CAUSE_DEST_OUT_OF_ORDER:
		*cause = v;
		return L2TP_CDN_NO_CARRIER;
	case VPDN_CAUSE_NETWORK_OUT_OF_ORDER:
		*cause = v;
		return L2TP_CDN_NO_DIAL_TONE;
	case VPDN_CAUSE_INCOMPATIBLE_DESTINATION:
		*cause = v;
		return L2TP_CDN_NO_FRAMING;
	case VPDN_CAUSE_NORMAL_CLEARING:
	case VPDN_CAUSE_NORMAL_UNSPECIFIED:
		*cause = v;
		return L2TP_CDN_LOST_CARRIER;
	case ENOENT:
		return L2TP_CDN_PERM_NO_FACILITIES; /* nobody can place it */
	case ETIMEDOUT:
		return L2TP_CDN_TIMEOUT;
	case EAGAIN:
	case ENOBUFS:
	case ENOMEM:
		return L2TP_CDN_TEMP_NO_FACILITIES;
	case ECONNREFUSED:
		return L2TP_CDN_NO_CARRIER;
	default:
		return L2TP_CDN_ADMIN;
	}
}

static void send_cdn(struct l2tp_session *s, int result, int error, int cause, const char *why)
{
	struct l2tp_msg m;

	l2tp_msg_init(&m, L2TP_MSG_CDN);
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	m.result.result = result;
	if (error || why) {
		m.result.has_error = true;
		m.result.error = error;
	}
	if (why) {
		m.result.message.ptr = (const uint8_t *)why;
		m.result.message.len = strlen(why);
	}
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	m.assigned_session_id = s->sid;
	/* Optional in CDN (§6.14), mandatory bit set: left out where the
	 * group says so or the peer is known to refuse it (issue #22). */
	if (cause > 0 && l2tp_tunnel_q931_ok(s->tunnel)) {
		l2tp_msg_set(&m, L2TP_AVP_Q931_CAUSE);
		m.q931.cause = cause;
		m.q931.msg = 0x5a; /* RELEASE COMPLETE */
		s->tunnel->cdn_q931_sent = true;
	}
	const struct l2tp_ppp_disc *pd = s->ppp_disc;
	if (pd) { /* RFC 3145: informational, M=0 */
		l2tp_msg_set(&m, L2TP_AVP_PPP_DISCONNECT_CAUSE);
		m.ppp_disconnect.code = pd->code;
		m.ppp_disconnect.protocol = pd->proto;
		m.ppp_disconnect.direction = pd->dir;
		if (pd->msg[0]) {
			m.ppp_disconnect.message.ptr = (const uint8_t *)pd->msg;
			m.ppp_disconnect.message.len = (uint16_t)strlen(pd->msg);
		}
	}
	SLOG(s, VPDN_DEBUG_L2X_EVENTS, "O CDN to %s %u/%u, result %d (%s), error %d%s%s%s%s",
	     s->tunnel->peer_name ? s->tunnel->peer_name : "peer", s->tunnel->peer_tid,
	     s->peer_sid, result, l2tp_result_text(L2TP_MSG_CDN, result), error,
	     cause > 0 ? ", cause " : "", cause > 0 ? vpdn_q931_cause_name(cause) : "",
	     pd ? ", PPP: " : "",
	     pd ? vpdn_ppp_disconnect_name(pd->code) : "");
	l2tp_session_send(s, &m);
}

static void publish(struct l2tp_session *s, uint32_t type, int result, int error, int cause,
		    enum vpdn_end_side ended_by)
{
	struct vpdn_ev_session ev;

	l2tp_session_fill_event(s, &ev);
	ev.result = result;
	ev.error = error;
	ev.cause = cause;
	ev.ended_by = ended_by;
	if (s->ppp_disc) {
		ev.ppp_disconnect_known = true;
		ev.ppp_disconnect_code = s->ppp_disc->code;
		ev.ppp_disconnect_protocol = s->ppp_disc->proto;
		ev.ppp_disconnect_direction = s->ppp_disc->dir;
	}
	vpdn_bus_publish(s->tunnel->l2tp->bus, type, &ev);
}

void l2tp_session_published_up(struct l2tp_session *s)
{
	if (s->up_published)
		return;
	s->up_published = true;
	(*s->tunnel->l2tp->cnt.sessions_up)++;
	publish(s, VPDN_EV_SESSION_UP, 0, 0, 0, VPDN_END_UNKNOWN);
}

static void session_free(struct l2tp_session *s)
{
	struct l2tp_tunnel *t = s->tunnel;
	struct l2tp *l2tp = t->l2tp;

	vpdn_timer_cancel(l2tp->tm, &s->setup_timer);
	l2tp_id_remove(t->sessions, &t->sid_bits, s->sid);
	if (l2tp_session_by_peer_sid(t, s->peer_sid) == s)
		g_hash_table_remove(t->peer_sessions, GUINT_TO_POINTER(s->peer_sid));
	l2tp->n_sessions--;
	l2tp_gauge_add(l2tp, "l2tp_sessions", l2tp_session_role(s), l2tp_session_state_short(s), -1);
	if (t->group && t->group->sessions)
		t->group->sessions--;
	l2tp_call_free(s->call);
	g_free(s->numbers);
	g_free(s->ppp_disc);
	g_free(s->ifname);
	g_free(s->user);
	g_free(s);
	l2tp_changed(l2tp, L2TP_OBJECT_TUNNEL, t);
}

static void detach_links(struct l2tp_session *s, int cause)
{
	struct vpdn_link *link = s->link, *carrier = s->carrier;

	s->link = NULL;
	s->carrier = NULL;
	if (link) {
		if (vpdn_link_spliced_to(link))
			vpdn_link_unsplice(link);
		vpdn_link_detach(link, VPDN_LINK_A);
	}
	if (carrier) {
		/* LAC: the B channel we were spliced to must hang up. */
		vpdn_link_hangup(carrier, VPDN_LINK_B, cause);
		vpdn_link_unref(carrier);
	}
	if (link) {
		/* LNS: PPP (end B) learns that its carrier is gone. */
		vpdn_link_hangup(link, VPDN_LINK_A, cause);
		vpdn_link_unref(link);
	}
}

void l2tp_session_close(struct l2tp_session *s, bool send, int result, int error, int cause,
			const char *why)
{
	struct vpdn_request *req = s->req, *out = s->out_req;
	int hang = cause > 0 ? cause : VPDN_CAUSE_NORMAL_CLEARING;

	s->req = s->out_req = NULL;
	if (send && s->tunnel->state == L2TP_TUNNEL_ESTABLISHED)
		send_cdn(s, result, error, cause, why);
	if (s->call && s->call->dial)
		l2tp_dial_orphan(s);
	else if (out)
		vpdn_request_cancel(out);
	if (req) {
		int status;

		switch (result) {
		case L2TP_CDN_BUSY: status = -EBUSY; break;
		case L2TP_CDN_TIMEOUT: status = -ETIMEDOUT; break;
		case L2TP_CDN_TEMP_NO_FACILITIES: status = -EAGAIN; break;
		case L2TP_CDN_INVALID_DEST: status = -EHOSTUNREACH; break;
		default: status = -ECONNREFUSED; break;
		}
		vpdn_request_complete(req, status, NULL);
	}
	detach_links(s, hang);
	if (s->up_published) {
		s->up_published = false;
		/* Not sent by us: the peer's CDN, or the tunnel's end. */
		publish(s, VPDN_EV_SESSION_DOWN, result, error, cause,
			send ? VPDN_END_LOCAL
			     : s->tunnel->ended_by ? s->tunnel->ended_by : VPDN_END_PEER);
	} else {
		/* Never up: refused, timed out, its tunnel failed. The
		 * failure history wants it (IOS: show vpdn history failure). */
		publish(s, VPDN_EV_SESSION_FAILED, result, error, cause,
			send ? VPDN_END_LOCAL
			     : s->tunnel->ended_by ? s->tunnel->ended_by : VPDN_END_PEER);
	}
	if (s->state != 0) /* every call type's idle is 0 */
		SLOG(s, VPDN_DEBUG_L2X_EVENTS, "Session state change from %s to idle",
		     l2tp_session_state_name(s));
	session_free(s);
}

void l2tp_session_tunnel_down(struct l2tp_session *s)
{
	struct vpdn_request *req = s->req;

	/* The request fails with "no control connection". */
	if (req) {
		s->req = NULL;
		vpdn_request_complete(req, -ENOTCONN, NULL);
	}
	l2tp_session_close(s, false, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_NO_CONTROL_CONNECTION, 0,
			   "Tunnel down");
}

void l2tp_session_tunnel_up(struct l2tp_session *s)
{
	const struct l2tp_session_fsm *f = fsm_of(s);

	if (f->waiting_tunnel(s))
		f->tunnel_up(s);
}

void l2tp_session_move(struct l2tp_session *s, struct l2tp_tunnel *to)
{
	struct l2tp_tunnel *from = s->tunnel;

	l2tp_id_remove(from->sessions, &from->sid_bits, s->sid);
	if (l2tp_session_by_peer_sid(from, s->peer_sid) == s)
		g_hash_table_remove(from->peer_sessions, GUINT_TO_POINTER(s->peer_sid));
	/* Waiting for a tunnel: the new peer has assigned nothing yet. */
	s->peer_sid = 0;
	if (from->group && from->group->sessions)
		from->group->sessions--;
	s->tunnel = to;
	/* A fresh tunnel: a free ID always exists. */
	if (g_hash_table_contains(to->sessions, GUINT_TO_POINTER(s->sid)))
		s->sid = l2tp_alloc_id(to->l2tp, to->sessions, &to->sid_bits);
	l2tp_id_insert(to->sessions, &to->sid_bits, s->sid, s);
	if (to->group)
		to->group->sessions++;
	if (to->state == L2TP_TUNNEL_ESTABLISHED)
		l2tp_session_tunnel_up(s);
}

void l2tp_session_input(struct l2tp_session *s, const struct l2tp_msg *m)
{
	const struct l2tp_session_fsm *f = fsm_of(s);
	char text[128] = "";

	if (m->message_type == L2TP_MSG_CDN) {
		if (m->result.message.len)
			l2tp_bytes_to_str(&m->result.message, text, sizeof(text));
		bool pd = l2tp_msg_has(m, L2TP_AVP_PPP_DISCONNECT_CAUSE);
		char ptext[160] = "";
		if (pd) {
			char msg[96] = "";
			l2tp_bytes_to_str(&m->ppp_disconnect.message, msg, sizeof(msg));
			/* peer text: printable ASCII only in our log */
			for (char *c = msg; *c; c++)
				if (!g_ascii_isprint(*c))
					*c = '?';
			g_snprintf(ptext, sizeof(ptext), ", PPP disconnect %u (%s) proto 0x%04X dir %u%s%s",
				   m->ppp_disconnect.code,
				   vpdn_ppp_disconnect_name(m->ppp_disconnect.code),
				   m->ppp_disconnect.protocol, m->ppp_disconnect.direction,
				   msg[0] ? ": " : "", msg);
		}
		SLOG(s, VPDN_DEBUG_L2X_EVENTS,
		     "I CDN from %s tnl %u, cl %u, result %u (%s), error %u%s%s%s%s%s",
		     s->tunnel->peer_name ? s->tunnel->peer_name : "peer", s->tunnel->peer_tid,
		     m->assigned_session_id, m->result.result,
		     l2tp_result_text(L2TP_MSG_CDN, m->result.result), m->result.error,
		     text[0] ? ", " : "", text,
		     l2tp_msg_has(m, L2TP_AVP_Q931_CAUSE) ? ", cause " : "",
		     l2tp_msg_has(m, L2TP_AVP_Q931_CAUSE) ? vpdn_q931_cause_name(m->q931.cause) : "",
		     ptext);
		if (pd && !s->ppp_disc) {
			/* The peer's cause, for SESSION_DOWN: its "at local"
			 * is at our peer. */
			uint8_t dir = m->ppp_disconnect.direction;
			if (dir == VPDN_PPP_DISC_AT_LOCAL)
				dir = VPDN_PPP_DISC_AT_PEER;
			else if (dir == VPDN_PPP_DISC_AT_PEER)
				dir = VPDN_PPP_DISC_AT_LOCAL;
			l2tp_session_set_ppp_disc(s, m->ppp_disconnect.code,
						  m->ppp_disconnect.protocol, dir, NULL);
		}
		l2tp_session_close(s, false, m->result.result, m->result.error,
				   l2tp_msg_has(m, L2TP_AVP_Q931_CAUSE) ? m->q931.cause : 0, NULL);
		return;
	}
	f->input(s, m);
}

/* ------------------------------------------------------------------ */
/* Session messages from the tunnel                                   */

static void got_sli(struct l2tp_tunnel *t, struct l2tp_session *s, const struct l2tp_msg *m)
{
	struct vpdn_ev_accm ev = { .size = sizeof(ev) };

	ev.link = s->carrier ? s->carrier : s->link;
	ev.send_accm = m->accm.send;
	ev.recv_accm = m->accm.recv;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_EVENTS,
		   "Tnl/Cl %u/%u L2TP: I SLI, send ACCM 0x%08X, receive ACCM 0x%08X", t->tid,
		   s->sid, ev.send_accm, ev.recv_accm);
	if (ev.link)
		vpdn_bus_publish(t->l2tp->bus, VPDN_EV_LINK_ACCM, &ev);
}

bool l2tp_msg_session_scoped(unsigned type)
{
	switch (type) {
	case L2TP_MSG_OCRQ: case L2TP_MSG_OCRP: case L2TP_MSG_OCCN:
	case L2TP_MSG_ICRQ: case L2TP_MSG_ICRP: case L2TP_MSG_ICCN:
	case L2TP_MSG_CDN: case L2TP_MSG_WEN: case L2TP_MSG_SLI:
		return true;
	default:
		return false;
	}
}

/* A session message we cannot take (an unknown AVP with M set, a
 * mandatory AVP missing): RFC 2661 §4.1 ends the session it belongs to,
 * not the tunnel. A known session is closed with CDN 2/error; a new
 * call (ICRQ, OCRQ) is refused with CDN to the peer's Assigned Session
 * ID; anything else for no session of ours is ignored. */
void l2tp_session_message_error(struct l2tp_tunnel *t, const struct l2tp_header *h,
				const struct l2tp_msg *m, int error, const char *why)
{
	struct l2tp_session *s = l2tp_session_get(t, h->session_id);

	if (s) {
		l2tp_session_close(s, true, L2TP_CDN_GENERAL_ERROR, error, 0, why);
		return;
	}
	if (!h->session_id && t->state == L2TP_TUNNEL_ESTABLISHED &&
	    (m->message_type == L2TP_MSG_ICRQ || m->message_type == L2TP_MSG_OCRQ)) {
		l2tp_session_refuse(t, m->assigned_session_id, L2TP_CDN_GENERAL_ERROR, error, why);
		return;
	}
	(*t->l2tp->cnt.no_session)++;
	vpdn_debug(t->l2tp->log, VPDN_DEBUG_L2X_ERRORS,
		   "Tnl %u L2TP: bad %s for unknown session %u ignored", t->tid,
		   l2tp_msg_type_name(m->message_type), h->session_id);
}

void l2tp_session_message(struct l2tp_tunnel *t, const struct l2tp_header *h,
			  const struct l2tp_msg *m)
{
	struct l2tp *l2tp = t->l2tp;
	struct l2tp_session *s;

	if (m->message_type == L2TP_MSG_ICRQ || m->message_type == L2TP_MSG_OCRQ) {
		session_accept(t, m);
		return;
	}
	s = l2tp_session_get(t, h->session_id);
	if (!s) {
		(*l2tp->cnt.no_session)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_ERRORS,
			   "Tnl %u L2TP: %s for unknown session %u ignored", t->tid,
			   l2tp_msg_type_name(m->message_type), h->session_id);
		return;
	}
	if (m->message_type == L2TP_MSG_WEN) {
		t->wen_count++;
		(*l2tp->cnt.wen)++;
		vpdn_debug(l2tp->log, VPDN_DEBUG_L2X_EVENTS,
			   "Tnl/Cl %u/%u L2TP: I WEN, CRC %u, framing %u, overruns %u/%u, "
			   "timeouts %u, alignment %u", t->tid, s->sid, m->call_errors.crc,
			   m->call_errors.framing, m->call_errors.hardware_overruns,
			   m->call_errors.buffer_overruns, m->call_errors.timeout,
			   m->call_errors.alignment);
		s->errors += m->call_errors.crc + m->call_errors.framing;
		return;
	}
	if (m->message_type == L2TP_MSG_SLI) {
		got_sli(t, s, m);
		return;
	}
	l2tp_session_input(s, m);
}

void l2tp_session_fill_event(struct l2tp_session *s, struct vpdn_ev_session *ev)
{
	struct l2tp_tunnel *t = s->tunnel;

	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->tunnel_id = t->tid;
	ev->session_id = s->sid;
	ev->peer_tunnel_id = t->peer_tid;
	ev->peer_session_id = s->peer_sid;
	ev->dir = (s->kind == L2TP_SESSION_LAC_IC || s->kind == L2TP_SESSION_LNS_IC) ?
		VPDN_CALL_IN : VPDN_CALL_OUT;
	ev->group = t->group ? t->group->name : NULL;
	ev->peer_name = t->peer_name;
	ev->interface = s->ifname;
	ev->user = s->user;
	ev->virtual_template = t->group ? t->group->virtual_template : -1;
	ev->link = s->link;
	ev->role = s->kind == L2TP_SESSION_LAC_IC || s->kind == L2TP_SESSION_LAC_OC
			   ? VPDN_L2TP_ROLE_LAC : VPDN_L2TP_ROLE_LNS;
	ev->tunnel_local = t->local;
	ev->tunnel_peer = t->peer;
	ev->local_name = l2tp_tunnel_local_name(t);
	ev->packets_in = s->pkts_in;
	ev->packets_out = s->pkts_out;
	ev->octets_in = s->bytes_in;
	ev->octets_out = s->bytes_out;
	/* The numbers outlive the call's set-up data (drop_call keeps them):
	 * SESSION_DOWN names them too (LAC accounting's Stop). */
	ev->calling = l2tp_session_calling(s);
	ev->called = l2tp_session_called(s);
	if (s->call)
		ev->profile = s->call->profile;
}
