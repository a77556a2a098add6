/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine: phases (RFC 1661 §3.2), frame demultiplexing, roles.
 * This file is the engine's life (start, phase changes, the end) and its
 * carrier; the authentication phase is auth-phase.c, the network link to
 * the ip module network.c, LAC forwarding lac-forward.c.
 *
 * Phases: DOWN -> ESTABLISHING (LCP) -> AUTHENTICATING -> UP (network,
 * IPCP) -> TERMINATING -> DOWN. A LAC forwarding the call goes from
 * AUTHENTICATING (CHAP response captured) to FORWARDING and then steps
 * aside once L2TP has spliced the carrier. In AUTHENTICATING only LCP and
 * authentication packets pass; IPCP before the network phase is dropped.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

static const char *const phase_names[] = {
	[VPDN_PPP_PHASE_DOWN] = "DOWN",
	[VPDN_PPP_PHASE_ESTABLISHING] = "ESTABLISHING",
	[VPDN_PPP_PHASE_AUTHENTICATING] = "AUTHENTICATING",
	[VPDN_PPP_PHASE_FORWARDING] = "FORWARDING",
	[VPDN_PPP_PHASE_UP] = "UP",
	[VPDN_PPP_PHASE_TERMINATING] = "TERMINATING",
};

const char *ppp_phase_name(enum vpdn_ppp_phase p)
{
	return (unsigned)p < G_N_ELEMENTS(phase_names) ? phase_names[p] : "?";
}

const char *ppp_role_name(enum vpdn_ppp_role r)
{
	switch (r) {
	case VPDN_PPP_ROLE_CLIENT: return "client";
	case VPDN_PPP_ROLE_SERVER: return "server";
	case VPDN_PPP_ROLE_LAC_FORWARD: return "lac-forward";
	default: return "?";
	}
}

enum vpdn_ppp_phase ppp_engine_phase(const struct ppp_engine *e) { return e->phase; }
const char *ppp_engine_name(const struct ppp_engine *e) { return e->name; }
const char *ppp_engine_user(const struct ppp_engine *e) { return e->user; }
struct ppp_fsm *ppp_engine_lcp(struct ppp_engine *e) { return &e->lcp_fsm; }
struct ppp_fsm *ppp_engine_ipcp(struct ppp_engine *e) { return &e->ipcp_fsm; }
struct ppp_fsm *ppp_engine_ipv6cp(struct ppp_engine *e) { return e->v6 ? &e->v6->fsm : NULL; }
bool ppp_engine_ifids(const struct ppp_engine *e, uint8_t local[8], uint8_t peer[8])
{
	if (!e->v6)
		return false;
	memcpy(local, e->v6->local, 8);
	memset(peer, 0, 8);
	if (e->v6->have_peer)
		memcpy(peer, e->v6->peer, 8);
	return true;
}
struct vpdn_link *ppp_engine_net(struct ppp_engine *e) { return e->net; }
struct in_addr ppp_engine_local_addr(const struct ppp_engine *e) { return e->ipcp.local; }
struct in_addr ppp_engine_peer_addr(const struct ppp_engine *e) { return e->ipcp.peer; }
uint32_t ppp_engine_magic(const struct ppp_engine *e) { return e->lcp.magic; }
uint32_t ppp_engine_lcp_confreqs_sent(const struct ppp_engine *e) { return e->lcp.confreqs_sent; }
uint32_t ppp_engine_malformed(const struct ppp_engine *e)
{
	return e->malformed + e->lcp_fsm.malformed + e->ipcp_fsm.malformed +
	       (e->v6 ? e->v6->fsm.malformed : 0);
}

const char *ppp_our_name(struct ppp_engine *e)
{
	return e->conf->chap_hostname ? e->conf->chap_hostname : vpdn_core_hostname(e->mgr->core);
}

void ppp_count_malformed(struct ppp_engine *e)
{
	e->malformed++;
	if (e->mgr->c_malformed)
		(*e->mgr->c_malformed)++;
}

void ppp_publish(struct ppp_engine *e, uint32_t type)
{
	struct vpdn_ev_ppp ev = {
		.size = sizeof(ev),
		.interface = e->name,
		.link = e->link,
		.phase = e->phase,
		.user = e->user,
		.reason = e->down_reason,
		.disconnect_known = e->disc_known,
		.disconnect_code = e->disc_code,
		.disconnect_protocol = e->disc_proto,
		.disconnect_direction = e->disc_dir,
		.disconnect_message = e->disc_msg,
	};
	vpdn_bus_publish(e->mgr->bus, type, &ev);
}

void ppp_set_disconnect(struct ppp_engine *e, enum vpdn_ppp_disconnect_code code,
			uint16_t proto, enum vpdn_ppp_disconnect_dir dir, const char *msg)
{
	if (e->disc_known)
		return;
	e->disc_known = true;
	e->disc_code = (uint16_t)code;
	e->disc_proto = proto;
	e->disc_dir = (uint8_t)dir;
	e->disc_msg = msg;
}

void ppp_set_phase(struct ppp_engine *e, enum vpdn_ppp_phase p, const char *detail)
{
	if (detail)
		plog(e, NEG, "%s PPP: Phase is %s, %s", e->name, ppp_phase_name(p), detail);
	else
		plog(e, NEG, "%s PPP: Phase is %s", e->name, ppp_phase_name(p));
	if (e->phase == p)
		return;
	e->phase = p;
	ppp_publish(e, VPDN_EV_PPP_PHASE);
}

/* ---- lifetime ---- */

/* Out of the manager's tables, at once: a later lookup or walk never sees
 * a dead engine, and its virtual-access number is free again. */
static void engine_retire(struct ppp_engine *e)
{
	struct ppp_manager *m = e->mgr;
	if (e->prev)
		e->prev->next = e->next;
	else
		m->engines = e->next;
	if (e->next)
		e->next->prev = e->prev;
	m->n_engines--;
	ppp_manager_index_remove(m, e);
	if (e->vaccess > 0)
		ppp_manager_vaccess_put(m, e->vaccess);
	e->prev = e->next = NULL;
}

/* Freed by the bus on the next turn (vpdn_bus_defer_free()): touches the
 * engine only, never its manager, which may be gone by then. */
static void engine_free(void *obj)
{
	struct ppp_engine *e = obj;
	if (e->lac) {
		g_free(e->lac->init_rcvd);
		g_free(e->lac->last_rcvd);
		g_free(e->lac->user);
		g_free(e->lac->calling);
		g_free(e->lac->called);
		g_free(e->lac->dnis);
		memset(e->lac->resp, 0, sizeof(e->lac->resp));
		g_free(e->lac);
	}
	ppp_proxy_free(e);
	vpdn_link_unref(e->link);
	ppp_conf_unref(e->conf);
	g_free(e->profile);
	g_free(e->user);
	g_free(e->auth_msg);
	g_free(e->auth_routes);
	g_assert(!e->ap);       /* stop_everything() freed it */
	g_free(e->ipcp.refused_why);
	g_free(e);
}

static void stop_everything(struct ppp_engine *e)
{
	ppp_auth_phase_free(e);
	ppp_chap_fini(e);
	ppp_pap_fini(e);
	/* IPv6 first: the last DOWN (IPv4's, as before) hangs the link up */
	ppp_ipv6cp_down(e);
	ppp_ipcp_down(e);
	ppp_ipv6cp_fini(e);
	ppp_ipcp_fini(e);
	ppp_lcp_fini(e);
}

/* The session is over: tell the bus, let go of the carrier (hanging it up
 * unless it hung up first or was spliced away), leave the manager's
 * tables. Lifetime: the engine is marked dead and freed on the next
 * main-loop turn (vpdn_bus_defer_free()), so every caller up the stack (a
 * frame, a hang-up, a PPP_DOWN handler) may still read it and must check
 * e->dead before acting. Runs once. */
void ppp_engine_die(struct ppp_engine *e, bool spliced)
{
	if (e->dead)
		return;
	e->dead = true;
	stop_everything(e);
	if (!spliced) {
		if (e->phase != VPDN_PPP_PHASE_DOWN)
			ppp_set_phase(e, VPDN_PPP_PHASE_DOWN, NULL);
		ppp_publish(e, VPDN_EV_PPP_DOWN);
		if (e->attached) {
			vpdn_link_detach(e->link, e->end);
			e->attached = false;
			if (!e->carrier_gone)
				vpdn_link_hangup(e->link, e->end,
						 e->down_reason ? e->down_reason
								: VPDN_CAUSE_NORMAL_CLEARING);
		}
	}
	e->attached = false;
	engine_retire(e);
	vpdn_bus_defer_free(e->mgr->bus, engine_free, e);
}

void ppp_lcp_finished(struct ppp_engine *e)
{
	ppp_engine_die(e, false);
}

void ppp_fail(struct ppp_engine *e, int reason, const char *why)
{
	if (e->dead)
		return;
	if (!e->down_reason)
		e->down_reason = reason;
	vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1, "%s PPP: closing: %s", e->name, why);
	uint8_t s = e->lcp_fsm.state;
	if (s == FSM_REQSENT || s == FSM_ACKRCVD || s == FSM_ACKSENT || s == FSM_OPENED) {
		ppp_fsm_close(&e->lcp_fsm);   /* Terminate-Request; tlf ends it */
		if (e->phase != VPDN_PPP_PHASE_DOWN && !e->dead)
			ppp_set_phase(e, VPDN_PPP_PHASE_TERMINATING, NULL);
	} else if (s != FSM_CLOSING && s != FSM_STOPPING) {
		ppp_engine_die(e, false);
	}
}

void ppp_engine_close(struct ppp_engine *e, const char *reason)
{
	ppp_set_disconnect(e, VPDN_PPP_DISC_ADMIN, 0, VPDN_PPP_DISC_GLOBAL,
			   reason ? reason : "administrative close");
	ppp_fail(e, 0, reason ? reason : "administrative close");
}

/* ---- sending ---- */

void ppp_log_packet(struct ppp_engine *e, const char *dir, uint16_t proto, const uint8_t *pkt,
		    size_t len)
{
	char text[512];

	if (proto == PPP_IP || proto == PPP_IPV6 ||
	    !vpdn_log_debug_on(e->mgr->log, VPDN_DEBUG_PPP_PACKET))
		return;
	vpdn_log_write(e->mgr->log, VPDN_LOG_DEBUG, VPDN_DEBUG_PPP_PACKET, "%s PPP: %s %s", e->name, dir,
		       ppp_packet_text(proto, pkt, len, text, sizeof(text)));
}

void ppp_send(struct ppp_engine *e, uint16_t proto, const uint8_t *pkt, size_t len)
{
	uint8_t buf[2048];
	uint8_t *b = buf;
	size_t h = 0;
	if (!e->attached)
		return;
	/* LCP always goes with full headers (RFC 1661 §6.5, §6.6). */
	bool full = proto == PPP_LCP;
	if (len + 4 > sizeof(buf)) {
		b = e->mgr->scratch;
		if (len + 4 > sizeof(e->mgr->scratch))
			return;
	}
	if (full || !e->lcp.peer_acfc) {
		b[h++] = 0xFF;
		b[h++] = 0x03;
	}
	if (!full && e->lcp.peer_pfc && proto < 0x100)
		b[h++] = (uint8_t)proto;
	else {
		b[h++] = (uint8_t)(proto >> 8);
		b[h++] = (uint8_t)proto;
	}
	memmove(b + h, pkt, len);
	ppp_log_packet(e, "O", proto, pkt, len);
	vpdn_link_send(e->link, e->end, b, h + len);
}

/* ---- carrier ---- */

static void carrier_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct ppp_engine *e = ctx;
	if (e->dead)
		return;
	size_t pos = 0;
	if (len >= 2 && d[0] == 0xFF && d[1] == 0x03)
		pos = 2;
	uint16_t proto;
	if (pos < len && (d[pos] & 1)) {
		proto = d[pos];           /* PFC-compressed */
		pos += 1;
	} else if (len - pos >= 2 && (d[pos + 1] & 1)) {
		proto = (uint16_t)(d[pos] << 8 | d[pos + 1]);
		pos += 2;
	} else {
		plog(e, NEG, "%s PPP: malformed frame (%zu octets), dropped", e->name, len);
		ppp_count_malformed(e);
		return;
	}
	const uint8_t *p = d + pos;
	size_t n = len - pos;
	bool lcp_open = e->lcp_fsm.state == FSM_OPENED;
	ppp_log_packet(e, "I", proto, p, n);
	switch (proto) {
	case PPP_LCP:
		ppp_fsm_input(&e->lcp_fsm, p, n);
		break;
	case PPP_CHAP:
		if (lcp_open && (e->phase == VPDN_PPP_PHASE_AUTHENTICATING ||
				 e->phase == VPDN_PPP_PHASE_UP))
			ppp_chap_input(e, p, n);
		break;
	case PPP_PAP:
		if (lcp_open && e->phase == VPDN_PPP_PHASE_AUTHENTICATING)
			ppp_pap_input(e, p, n);
		else if (lcp_open && e->phase == VPDN_PPP_PHASE_UP && e->auth_peer)
			ppp_pap_input(e, p, n);   /* repeated request: same verdict */
		break;
	case PPP_IPCP:
		if (e->phase == VPDN_PPP_PHASE_UP) {
			ppp_fsm_input(&e->ipcp_fsm, p, n);
			ppp_ipcp_check_refused(e);
		} else if (lcp_open && e->phase == VPDN_PPP_PHASE_AUTHENTICATING) {
			ppp_auth_early_ipcp(e, p, n);
		}
		break;
	case PPP_IP:
		if (e->phase == VPDN_PPP_PHASE_UP && e->ipcp_fsm.state == FSM_OPENED && e->net)
			vpdn_link_send(e->net, VPDN_LINK_A, p, n);
		break;
	case PPP_IPV6CP:
		/* IPv6 not enabled for the interface: rejected below */
		if (!e->v6)
			goto reject;
		if (e->phase == VPDN_PPP_PHASE_UP)
			ppp_ipv6cp_input(e, p, n);
		else if (lcp_open && e->phase == VPDN_PPP_PHASE_AUTHENTICATING)
			ppp_ipv6cp_early(e, p, n);
		break;
	case PPP_IPV6:
		if (!e->v6)
			goto reject;
		if (e->phase == VPDN_PPP_PHASE_UP && e->v6->fsm.state == FSM_OPENED && e->net)
			vpdn_link_send(e->net, VPDN_LINK_A, p, n);
		break;
	default:
	reject:
		if (lcp_open && e->phase == VPDN_PPP_PHASE_UP) {
			plog(e, NEG, "%s PPP: unsupported protocol 0x%04X, rejected", e->name, proto);
			if (e->mgr->c_proto_rej)
				(*e->mgr->c_proto_rej)++;
			ppp_lcp_protocol_reject(e, proto, p, n);
		}
		break;
	}
}

static void carrier_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct ppp_engine *e = ctx;
	if (e->dead)
		return;
	plog(e, NEG, "%s PPP: carrier hung up (cause %d)", e->name, cause);
	e->carrier_gone = true;
	if (!e->down_reason)
		e->down_reason = -ENOTCONN;
	ppp_fsm_down(&e->lcp_fsm);
	ppp_engine_die(e, false);
}

static const struct vpdn_link_ops carrier_ops = {
	.frame = carrier_frame,
	.hangup = carrier_hangup,
};

/* ---- start ---- */

/* One block: the struct, then its byte strings (an LNS keeps one per
 * session, so one allocation, not seven; #15). Freed with g_free(). The
 * proxy LCP (the three Configure-Requests) is judged once, by
 * ppp_engine_start() from the caller's copy: the engine keeps only the
 * proxy authentication until the first LCP Up (ppp_lcp_up frees it). */
static struct vpdn_proxy *copy_proxy(const struct vpdn_proxy *p)
{
	size_t name_len = p->auth_name ? strlen(p->auth_name) + 1 : 0;
	size_t n = sizeof(*p) + p->auth_challenge_len + p->auth_response_len + name_len;
	struct vpdn_proxy *c = g_malloc0(n);
	uint8_t *at = (uint8_t *)(c + 1);

	*c = *p;
#define TAKE(f)                                                   \
	do {                                                      \
		if (p->f && p->f##_len) {                         \
			memcpy(at, p->f, p->f##_len);             \
			c->f = at;                                \
			at += p->f##_len;                         \
		} else {                                          \
			c->f = NULL;                              \
			c->f##_len = 0;                           \
		}                                                 \
	} while (0)
	c->init_rcvd_confreq = c->last_sent_confreq = c->last_rcvd_confreq = NULL;
	c->init_rcvd_confreq_len = c->last_sent_confreq_len = c->last_rcvd_confreq_len = 0;
	TAKE(auth_challenge);
	TAKE(auth_response);
#undef TAKE
	c->auth_name = NULL;
	if (name_len) {
		memcpy(at, p->auth_name, name_len);
		c->auth_name = (const char *)at;
	}
	return c;
}

void ppp_proxy_free(struct ppp_engine *e)
{
	struct vpdn_proxy *p = e->ap ? e->ap->proxy : NULL;
	if (!p)
		return;
	/* one block (copy_proxy); the user's response wiped first */
	if (p->auth_response)
		explicit_bzero((void *)p->auth_response, p->auth_response_len);
	g_clear_pointer(&e->ap->proxy, g_free);
}

/* LNS: take the LCP the LAC negotiated (p: the caller's proxy data), if
 * acceptable. */
static bool accept_proxy_lcp(struct ppp_engine *e, const struct vpdn_proxy *p)
{
	if (e->conf->reneg == PPP_RENEG_ALWAYS) {
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: LCP renegotiation forced by config",
		     e->name);
		return false;
	}
	if (!p->last_sent_confreq || !p->last_rcvd_confreq) {
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: no proxy LCP, renegotiating", e->name);
		return false;
	}
	plog(e, NEG, "%s LCP: I FORCED CONFREQ len %zu", e->name, p->last_sent_confreq_len);
	ppp_lcp_log_opts(e, "LCP", p->last_sent_confreq, p->last_sent_confreq_len);
	if (ppp_lcp_adopt_ours(e, p->last_sent_confreq, p->last_sent_confreq_len) < 0 ||
	    ppp_lcp_check_peer(e, p->last_rcvd_confreq, p->last_rcvd_confreq_len) < 0) {
		plog(e, VPDN_DEBUG_VPDN_EVENTS,
		     "%s VPDN: proxy LCP not acceptable, renegotiating", e->name);
		return false;
	}
	plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: PPP LCP accepted rcv CONFACK", e->name);
	plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: PPP LCP accepted sent CONFACK", e->name);
	return true;
}

/* The engine built and attached to its carrier, nothing sent yet
 * (ppp_engine_start() opens LCP; ppp-state.c restores it Opened). */
struct ppp_engine *ppp_engine_new(struct ppp_manager *m, struct ppp_conf *conf,
				  const struct ppp_start *st)
{
	if (!m || !conf || !st || !st->link || !st->interface)
		return NULL;
	struct ppp_engine *e = g_new0(struct ppp_engine, 1);
	e->mgr = m;
	e->conf = ppp_conf_ref(conf);
	e->link = vpdn_link_ref(st->link);
	e->end = st->end;
	g_strlcpy(e->name, st->interface, sizeof(e->name));
	e->profile = g_strdup(st->profile);
	e->role = st->role ? st->role : VPDN_PPP_ROLE_SERVER;
	e->dir = st->dir ? st->dir : VPDN_CALL_IN;
	e->async = st->async;
	e->carrier_mru = st->carrier_mru;
	e->call_id = st->call_id;
	e->vaccess = st->vaccess;
	e->phase = VPDN_PPP_PHASE_DOWN;
	bool callout_noauth = conf->callin && e->dir == VPDN_CALL_OUT;
	e->auth_peer = conf->n_auth > 0 && !callout_noauth;
	if (e->role == VPDN_PPP_ROLE_LAC_FORWARD) {
		e->lac = g_new0(struct ppp_lac, 1);
		e->lac->calling = g_strdup(st->calling);
		e->lac->called = g_strdup(st->called);
		e->lac->dnis = g_strdup(st->dnis);
		e->lac->bearer_kbps = st->bearer_kbps;
	}
	if (st->proxy && st->proxy->present)
		ppp_auth_phase(e)->proxy = copy_proxy(st->proxy);
	e->next = m->engines;
	if (m->engines)
		m->engines->prev = e;
	m->engines = e;
	m->n_engines++;
	ppp_manager_index_add(m, e);
	if (m->c_sessions)
		(*m->c_sessions)++;

	ppp_lcp_init(e);
	ppp_ipcp_init(e);
	if (e->role != VPDN_PPP_ROLE_LAC_FORWARD)
		ppp_ipv6cp_init(e);
	ppp_chap_init(e);
	ppp_pap_init(e);
	if (e->role == VPDN_PPP_ROLE_LAC_FORWARD) {
		/* Forwarding needs a CHAP response (or PAP request) to capture;
		 * CHAP unless the interface names methods. */
		e->auth_peer = true;
		if (!conf->n_auth)
			e->lcp.auth = PPP_AUTH_P_CHAP;
	}
	if (!e->auth_peer)
		e->lcp.auth = PPP_AUTH_P_NONE;

	e->l2tp_tid = st->l2tp_tid;
	e->l2tp_sid = st->l2tp_sid;
	vpdn_link_attach(e->link, e->end, &carrier_ops, e);
	e->attached = true;
	return e;
}

struct ppp_engine *ppp_engine_start(struct ppp_manager *m, struct ppp_conf *conf,
				    const struct ppp_start *st)
{
	struct ppp_engine *e = ppp_engine_new(m, conf, st);
	if (!e)
		return NULL;
	bool callout_noauth = conf->callin && e->dir == VPDN_CALL_OUT;
	bool passive = e->dir == VPDN_CALL_IN && e->role != VPDN_PPP_ROLE_CLIENT;
	if (ppp_proxy(e))
		plog(e, NEG, "%s PPP: Using set call direction", e->name);
	plog(e, NEG, "%s PPP: Treating connection as a %s", e->name,
	     e->dir == VPDN_CALL_OUT ? "callout" : "callin");
	ppp_set_phase(e, VPDN_PPP_PHASE_ESTABLISHING, passive ? "Passive Open" : "Active Open");
	if (callout_noauth && conf->n_auth)
		plog(e, AUTHC, "%s PPP: No remote authentication for call-out", e->name);
	ppp_fsm_up(&e->lcp_fsm);
	if (ppp_proxy(e) && e->role == VPDN_PPP_ROLE_SERVER) {
		ppp_fsm_listen(&e->lcp_fsm);
		if (accept_proxy_lcp(e, st->proxy)) {
			e->proxy_lcp_ok = true;
			ppp_fsm_force_open(&e->lcp_fsm, st->proxy->last_sent_confreq,
					   st->proxy->last_sent_confreq_len);
		} else {
			ppp_lcp_ops.reset(&e->lcp_fsm);
			if (!e->auth_peer)
				e->lcp.auth = PPP_AUTH_P_NONE;
			ppp_fsm_open_active(&e->lcp_fsm);
		}
	} else if (passive) {
		/* Listen, but not forever: a caller that never speaks LCP is
		 * dropped after as long as an active open would try. */
		ppp_fsm_listen(&e->lcp_fsm);
		ppp_auth_arm_deadline(e);
	} else {
		ppp_fsm_open(&e->lcp_fsm);
	}
	bool alive = !e->dead;
	return alive ? e : NULL;
}

