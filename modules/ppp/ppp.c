/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine: phases (RFC 1661 §3.2), frame demultiplexing, roles.
 *
 * Phases: DOWN -> ESTABLISHING (LCP) -> AUTHENTICATING -> UP (network,
 * IPCP) -> TERMINATING -> DOWN. A LAC forwarding the call goes from
 * AUTHENTICATING (CHAP response captured) to FORWARDING and then steps
 * aside once L2TP has spliced the carrier. In AUTHENTICATING only LCP and
 * authentication packets pass; IPCP before the network phase is dropped.
 */
#include <arpa/inet.h>
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

void ppp_short_name(const char *name, char *out, size_t size)
{
	if (!name) {
		snprintf(out, size, "?");
		return;
	}
	const char *p = name;
	while (*p && !g_ascii_isdigit(*p))
		p++;
	if (p - name > 2 && *p)
		snprintf(out, size, "%.2s%s", name, p);
	else
		snprintf(out, size, "%s", name);
}

enum vpdn_ppp_phase ppp_engine_phase(const struct ppp_engine *e) { return e->phase; }
const char *ppp_engine_name(const struct ppp_engine *e) { return e->name; }
const char *ppp_engine_user(const struct ppp_engine *e) { return e->user; }
struct ppp_fsm *ppp_engine_lcp(struct ppp_engine *e) { return &e->lcp_fsm; }
struct ppp_fsm *ppp_engine_ipcp(struct ppp_engine *e) { return &e->ipcp_fsm; }
struct vpdn_link *ppp_engine_net(struct ppp_engine *e) { return e->net; }
struct in_addr ppp_engine_local_addr(const struct ppp_engine *e) { return e->ipcp.local; }
struct in_addr ppp_engine_peer_addr(const struct ppp_engine *e) { return e->ipcp.peer; }
uint32_t ppp_engine_magic(const struct ppp_engine *e) { return e->lcp.magic; }
uint32_t ppp_engine_lcp_confreqs_sent(const struct ppp_engine *e) { return e->lcp.confreqs_sent; }
uint32_t ppp_engine_malformed(const struct ppp_engine *e)
{
	return e->malformed + e->lcp_fsm.malformed + e->ipcp_fsm.malformed;
}

const char *ppp_our_name(struct ppp_engine *e)
{
	return e->conf->chap_hostname ? e->conf->chap_hostname : vpdn_core_hostname(e->core);
}

void ppp_count_malformed(struct ppp_engine *e)
{
	e->malformed++;
	if (e->mgr->c_malformed)
		(*e->mgr->c_malformed)++;
}

static void publish_ppp(struct ppp_engine *e, uint32_t type)
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

/* The protocol number of the authentication we asked for (RFC 3145). */
static uint16_t auth_proto(uint8_t a)
{
	return a == PPP_AUTH_P_CHAP ? PPP_CHAP : a == PPP_AUTH_P_PAP ? PPP_PAP : 0;
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
	publish_ppp(e, VPDN_EV_PPP_PHASE);
}

/* ---- lifetime ---- */

static void engine_free(struct ppp_engine *e)
{
	struct ppp_manager *m = e->mgr;
	if (e->prev)
		e->prev->next = e->next;
	else
		m->engines = e->next;
	if (e->next)
		e->next->prev = e->prev;
	m->n_engines--;
	if (e->vaccess > 0)
		ppp_manager_vaccess_put(m, e->vaccess);
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
	if (e->proxy) {
		g_free((void *)e->proxy->init_rcvd_confreq);
		g_free((void *)e->proxy->last_sent_confreq);
		g_free((void *)e->proxy->last_rcvd_confreq);
		g_free((void *)e->proxy->auth_name);
		g_free((void *)e->proxy->auth_challenge);
		if (e->proxy->auth_response)
			memset((void *)e->proxy->auth_response, 0, e->proxy->auth_response_len);
		g_free((void *)e->proxy->auth_response);
		g_free(e->proxy);
	}
	vpdn_link_unref(e->link);
	ppp_conf_unref(e->conf);
	g_free(e->profile);
	g_free(e->user);
	g_free(e);
}

void ppp_enter(struct ppp_engine *e)
{
	e->busy++;
}

void ppp_leave(struct ppp_engine *e)
{
	if (--e->busy == 0 && e->dying)
		engine_free(e);
}

static void stop_everything(struct ppp_engine *e)
{
	if (e->auth_req) {
		vpdn_request_cancel(e->auth_req);
		e->auth_req = NULL;
	}
	if (e->secret_req) {
		vpdn_request_cancel(e->secret_req);
		e->secret_req = NULL;
	}
	if (e->fwd_req) {
		vpdn_request_cancel(e->fwd_req);
		e->fwd_req = NULL;
	}
	vpdn_timer_cancel(e->timers, &e->auth_timer);
	ppp_chap_fini(e);
	ppp_pap_fini(e);
	if (e->net)
		ppp_ipcp_down(e);
	ppp_ipcp_fini(e);
	ppp_lcp_fini(e);
}

/* The session is over: tell the bus, let go of the carrier (hanging it up
 * unless it hung up first or was spliced away), free on the way out. */
static void engine_die(struct ppp_engine *e, bool spliced)
{
	if (e->dying)
		return;
	e->dying = true;
	stop_everything(e);
	if (!spliced) {
		if (e->phase != VPDN_PPP_PHASE_DOWN)
			ppp_set_phase(e, VPDN_PPP_PHASE_DOWN, NULL);
		publish_ppp(e, VPDN_EV_PPP_DOWN);
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
	if (e->busy == 0)
		engine_free(e);
}

void ppp_fail(struct ppp_engine *e, int reason, const char *why)
{
	if (e->dying)
		return;
	if (!e->down_reason)
		e->down_reason = reason;
	vpdn_log_write(e->log, VPDN_LOG_NOTICE, -1, "%s PPP: closing: %s", e->name, why);
	uint8_t s = e->lcp_fsm.state;
	if (s == FSM_REQSENT || s == FSM_ACKRCVD || s == FSM_ACKSENT || s == FSM_OPENED) {
		ppp_fsm_close(&e->lcp_fsm);   /* Terminate-Request; tlf ends it */
		if (e->phase != VPDN_PPP_PHASE_DOWN && !e->dying)
			ppp_set_phase(e, VPDN_PPP_PHASE_TERMINATING, NULL);
	} else if (s != FSM_CLOSING && s != FSM_STOPPING) {
		engine_die(e, false);
	}
}

void ppp_engine_close(struct ppp_engine *e, const char *reason)
{
	ppp_enter(e);
	ppp_set_disconnect(e, VPDN_PPP_DISC_ADMIN, 0, VPDN_PPP_DISC_GLOBAL,
			   reason ? reason : "administrative close");
	ppp_fail(e, 0, reason ? reason : "administrative close");
	ppp_leave(e);
}

/* ---- sending ---- */

void ppp_log_packet(struct ppp_engine *e, const char *dir, uint16_t proto, const uint8_t *pkt,
		    size_t len)
{
	char text[512];

	if (proto == PPP_IP || !vpdn_log_debug_on(e->log, VPDN_DEBUG_PPP_PACKET))
		return;
	vpdn_log_write(e->log, VPDN_LOG_DEBUG, VPDN_DEBUG_PPP_PACKET, "%s PPP: %s %s", e->name, dir,
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

/* ---- bus requests ---- */

static void verify_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	const struct vpdn_ev_auth_result *r = reply;
	e->auth_req = NULL;
	ppp_enter(e);
	bool ok = status >= 0 && r && r->ok;
	if (!ok)
		plog(e, AUTHC, "%s PPP: authentication of %s failed%s%s", e->name,
		     e->user ? e->user : "peer", r && r->reason ? ": " : "",
		     r && r->reason ? r->reason : status == -ENOENT ? ": no authenticator" : "");
	void (*cb)(struct ppp_engine *, bool, const char *) = e->verify_cb;
	e->verify_cb = NULL;
	/* authorization: the address the user gets (IPCP) */
	e->auth_addr.s_addr = 0;
	if (ok && r->size >= offsetof(struct vpdn_ev_auth_result, address) + sizeof(r->address))
		e->auth_addr = r->address;
	if (cb && !e->dying)
		cb(e, ok, ok && r->user ? r->user : e->user);
	ppp_leave(e);
}

void ppp_verify(struct ppp_engine *e, const struct vpdn_ev_auth *a,
		void (*cb)(struct ppp_engine *e, bool ok, const char *user))
{
	if (e->auth_req) {
		vpdn_request_cancel(e->auth_req);
		e->auth_req = NULL;
	}
	e->verify_cb = cb;
	/* verify_done runs from the main loop, never in here. */
	e->auth_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_AUTH_REQUEST, a, verify_done, e);
}

static void secret_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	const struct vpdn_ev_secret_reply *r = reply;
	e->secret_req = NULL;
	ppp_enter(e);
	void (*cb)(struct ppp_engine *, const char *, size_t) = e->secret_cb;
	e->secret_cb = NULL;
	if (cb && !e->dying) {
		if (status >= 0 && r && r->secret)
			cb(e, r->secret, r->secret_len ? r->secret_len : strlen(r->secret));
		else
			cb(e, NULL, 0);
	}
	ppp_leave(e);
}

void ppp_get_secret(struct ppp_engine *e, const char *local_name, const char *peer_name,
		    const char *configured,
		    void (*cb)(struct ppp_engine *e, const char *secret, size_t len))
{
	if (configured) {
		cb(e, configured, strlen(configured));
		return;
	}
	struct vpdn_ev_secret s = {
		.size = sizeof(s),
		.local_name = local_name,
		.peer_name = peer_name,
	};
	if (e->secret_req) {
		vpdn_request_cancel(e->secret_req);
		e->secret_req = NULL;
	}
	e->secret_cb = cb;
	/* secret_done runs from the main loop, never in here. */
	e->secret_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_SECRET_REQUEST, &s, secret_done, e);
}

/* ---- layers ---- */

static void auth_deadline(struct vpdn_timer *t, void *data)
{
	struct ppp_engine *e = data;
	bool listening = e->phase == VPDN_PPP_PHASE_ESTABLISHING &&
			 e->lcp_fsm.state == FSM_STOPPED;
	if (e->phase != VPDN_PPP_PHASE_AUTHENTICATING && !listening)
		return;
	ppp_enter(e);
	if (listening)
		ppp_set_disconnect(e, VPDN_PPP_DISC_LCP_NO_PACKETS, PPP_LCP, VPDN_PPP_DISC_AT_PEER,
				   "no LCP from the peer");
	else
		ppp_set_disconnect(e, VPDN_PPP_DISC_AUTH_FSM_TIMEOUT, auth_proto(e->lcp.auth),
				   VPDN_PPP_DISC_AT_PEER, "authentication timeout");
	ppp_fail(e, -ETIMEDOUT, listening ? "no LCP from the peer" : "authentication timeout");
	ppp_leave(e);
}

static void network_phase(struct ppp_engine *e)
{
	vpdn_timer_cancel(e->timers, &e->auth_timer);
	ppp_set_phase(e, VPDN_PPP_PHASE_UP, NULL);
	/* Order as IOS shows it: a callout brings IPCP up and then opens it
	 * ("[Closed]"), a callin opens it first ("[Not negotiated]"). */
	if (e->dir == VPDN_CALL_OUT) {
		ppp_fsm_up(&e->ipcp_fsm);
		ppp_fsm_open(&e->ipcp_fsm);
	} else {
		ppp_fsm_open(&e->ipcp_fsm);
		ppp_fsm_up(&e->ipcp_fsm);
	}
}

static bool try_proxy_auth(struct ppp_engine *e)
{
	const struct vpdn_proxy *p = e->proxy;
	if (!p || !e->proxy_lcp_ok || e->conf->force_local_chap)
		return false;
	if (p->auth_type == 2 && e->lcp.auth == PPP_AUTH_P_CHAP && p->has_auth_id &&
	    p->auth_name && p->auth_challenge_len && p->auth_response_len) {
		ppp_chap_verify_proxy(e, p->auth_name, p->auth_id, p->auth_challenge,
				      p->auth_challenge_len, p->auth_response,
				      p->auth_response_len);
		return true;
	}
	if (p->auth_type == 3 && e->lcp.auth == PPP_AUTH_P_PAP && p->auth_name) {
		ppp_pap_verify_proxy(e, p->auth_name, p->has_auth_id ? p->auth_id : 1,
				     p->auth_response, p->auth_response_len);
		return true;
	}
	return false;
}

void ppp_lcp_up(struct ppp_engine *e)
{
	e->auth_us = e->lcp.peer_auth != PPP_AUTH_P_NONE;
	bool by_us = e->lcp.auth != PPP_AUTH_P_NONE;
	e->peer_done = e->us_done = false;
	if (e->async) {
		struct vpdn_ev_accm a = {
			.size = sizeof(a),
			.link = e->link,
			.send_accm = e->lcp.peer_accm,
			.recv_accm = e->lcp.want_accm ? e->lcp.accm : 0xFFFFFFFF,
		};
		vpdn_bus_publish(e->mgr->bus, VPDN_EV_LINK_ACCM, &a);
	}
	if (!by_us && !e->auth_us) {
		network_phase(e);
		return;
	}
	e->auth_peer = by_us;
	ppp_set_phase(e, VPDN_PPP_PHASE_AUTHENTICATING,
		      by_us && e->auth_us ? "by both" : by_us ? "by this end" : "by the peer");
	vpdn_timer_arm(e->timers, &e->auth_timer,
		       (uint64_t)e->conf->restart_ms * (e->conf->max_configure + 2u));
	if (by_us && !try_proxy_auth(e)) {
		if (e->lcp.auth == PPP_AUTH_P_CHAP)
			ppp_chap_start_auth(e);
		else
			ppp_pap_start_auth(e);
	}
	if (e->auth_us && e->lcp.peer_auth == PPP_AUTH_P_PAP && !e->dying)
		ppp_pap_start_peer(e);
}

void ppp_lcp_down(struct ppp_engine *e)
{
	vpdn_timer_cancel(e->timers, &e->auth_timer);
	if (e->auth_req) {
		vpdn_request_cancel(e->auth_req);
		e->auth_req = NULL;
	}
	if (e->secret_req) {
		vpdn_request_cancel(e->secret_req);
		e->secret_req = NULL;
	}
	ppp_chap_fini(e);
	ppp_pap_fini(e);
	/* IPCP had its Up only if the network phase was reached: LCP can go
	 * down before (renegotiated by an LNS, authentication failed), and
	 * Down in Initial or Starting is illegal (RFC 1661 4.1). */
	if (e->ipcp_fsm.state != FSM_INITIAL && e->ipcp_fsm.state != FSM_STARTING)
		ppp_fsm_down(&e->ipcp_fsm);
	if (e->ipcp_fsm.state != FSM_INITIAL)
		ppp_fsm_close(&e->ipcp_fsm);
	e->peer_done = e->us_done = false;
	if (!e->dying)
		ppp_set_phase(e, e->lcp_fsm.state == FSM_CLOSING || e->lcp_fsm.state == FSM_STOPPING
				 ? VPDN_PPP_PHASE_TERMINATING : VPDN_PPP_PHASE_ESTABLISHING, NULL);
}

void ppp_lcp_finished(struct ppp_engine *e)
{
	engine_die(e, false);
}

void ppp_auth_done(struct ppp_engine *e, bool this_end, bool ok, const char *user)
{
	if (e->dying)
		return;
	if (!ok) {
		ppp_set_disconnect(e, VPDN_PPP_DISC_AUTH_FAILED,
				   auth_proto(this_end ? e->lcp.auth : e->lcp.peer_auth),
				   this_end ? VPDN_PPP_DISC_AT_PEER : VPDN_PPP_DISC_AT_LOCAL,
				   this_end ? "peer failed to authenticate"
					    : "authentication by the peer failed");
		ppp_fail(e, -EACCES, this_end ? "peer failed to authenticate"
					      : "authentication by the peer failed");
		return;
	}
	if (this_end) {
		e->peer_done = true;
		if (user && user != e->user) {
			char *u = g_strdup(user);
			g_free(e->user);
			e->user = u;
		}
		publish_ppp(e, VPDN_EV_PPP_AUTHENTICATED);
	} else {
		e->us_done = true;
	}
	if ((!e->auth_peer || e->peer_done) && (!e->auth_us || e->us_done) &&
	    e->phase == VPDN_PPP_PHASE_AUTHENTICATING)
		network_phase(e);
}

/* ---- network ---- */

static void net_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct ppp_engine *e = ctx;
	if (e->ipcp_fsm.state != FSM_OPENED)
		return;
	/* No frame over the peer's MRU leaves: the ip module fits packets
	 * (fragments, ICMP fragmentation-needed); this is the last guard. */
	if (len > e->lcp.peer_mru) {
		if (e->mgr->c_too_big)
			(*e->mgr->c_too_big)++;
		plog(e, NEG, "%s PPP: %zu-octet packet over the peer's MRU %u, dropped", e->name,
		     len, e->lcp.peer_mru);
		return;
	}
	ppp_send(e, PPP_IP, data, len);
}

/* The IP side hung up: its interface is gone (a TUN device deleted under
 * the node, -ENODEV), or it ended the network (the address was taken by
 * the owner's newer session, its route refused). A session without a
 * data path only looks up: close it with that cause (LCP Terminate, then
 * the carrier; an L2TP CDN). A consumer that merely detaches (network
 * down) does not call this. */
static void net_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct ppp_engine *e = ctx;
	char why[96];

	if (e->dying || link != e->net)
		return;
	if (cause == -ENODEV)
		g_strlcpy(why, "IP interface lost", sizeof(why));
	else
		snprintf(why, sizeof(why), "the IP layer ended the network: %s",
			 cause < 0 ? g_strerror(-cause) : "hung up");
	if (e->in_net_up) {
		/* inside IPCP's This-Layer-Up: close after the input */
		e->net_refused = cause < 0 ? cause : -ENETDOWN;
		g_strlcpy(e->ipcp.refused_why, why, sizeof(e->ipcp.refused_why));
		return;
	}
	ppp_enter(e);
	ppp_set_disconnect(e, VPDN_PPP_DISC_ADMIN, 0, VPDN_PPP_DISC_GLOBAL, why);
	ppp_fail(e, cause < 0 ? cause : -ENETDOWN, why);
	ppp_leave(e);
}

static const struct vpdn_link_ops net_ops = {
	.frame = net_frame,
	.hangup = net_hangup,
};

static void publish_network(struct ppp_engine *e, uint32_t type)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev),
		.interface = e->name,
		.config = e->conf->name,
		.profile = e->profile,
		.user = e->user,
		.net = e->net,
		.local = e->ipcp.local,
		.peer = e->ipcp.peer,
		.dns1 = e->role == VPDN_PPP_ROLE_CLIENT ? e->ipcp.dns1 : e->conf->dns1,
		.dns2 = e->role == VPDN_PPP_ROLE_CLIENT ? e->ipcp.dns2 : e->conf->dns2,
		.mtu = e->lcp.peer_mru,
	};
	vpdn_bus_publish(e->mgr->bus, type, &ev);
}

void ppp_ipcp_up(struct ppp_engine *e)
{
	char a[INET_ADDRSTRLEN], prefix[24];
	if (e->net)
		return;
	e->net = vpdn_link_new(e->name);
	vpdn_link_attach(e->net, VPDN_LINK_A, &net_ops, e);
	ppp_enter(e);
	e->in_net_up = true;
	publish_network(e, VPDN_EV_PPP_NETWORK_UP);
	e->in_net_up = false;
	/* The line's text only when it is written (a set-up's cost), and
	 * only if the IP side kept the network (it hangs up one whose
	 * address it refuses). */
	if (e->net && !e->dying && !e->net_refused && e->ipcp.peer.s_addr &&
	    vpdn_log_debug_on(e->log, NEG)) {
		if (e->profile)
			ppp_short_name(e->profile, prefix, sizeof(prefix));
		else
			snprintf(prefix, sizeof(prefix), "%s", e->name);
		inet_ntop(AF_INET, &e->ipcp.peer, a, sizeof(a));
		plog(e, NEG, "%s IPCP: Install route to %s", prefix, a);
	}
	ppp_leave(e);
}

void ppp_ipcp_down(struct ppp_engine *e)
{
	struct vpdn_link *net = e->net;
	if (!net)
		return;
	publish_network(e, VPDN_EV_PPP_NETWORK_DOWN);
	e->net = NULL;
	vpdn_link_hangup(net, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_unref(net);
}

/* ---- LAC forwarding ---- */

static void fwd_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	e->fwd_req = NULL;
	ppp_enter(e);
	if (e->dying) {
		ppp_leave(e);
		return;
	}
	if (status == 0) {
		/* L2TP spliced the carrier: our end was replaced. Step aside. */
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: %s is forwarded", e->name,
		     e->user ? e->user : "?");
		e->attached = false;
		engine_die(e, true);
	} else if (status == -ENOENT) {
		plog(e, VPDN_DEBUG_VPDN_EVENTS,
		     "%s VPDN: no tunnel for %s, authenticating locally", e->name,
		     e->user ? e->user : "?");
		ppp_set_phase(e, VPDN_PPP_PHASE_AUTHENTICATING, "by this end");
		vpdn_timer_arm(e->timers, &e->auth_timer,
			       (uint64_t)e->conf->restart_ms * (e->conf->max_configure + 2u));
		if (e->lac->pap)
			ppp_pap_verify_captured(e);
		else
			ppp_chap_verify_captured(e);
	} else {
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: forwarding %s failed (%s)", e->name,
		     e->user ? e->user : "?", g_strerror(-status));
		if (e->lac->pap)
			ppp_pap_send_verdict(e, e->lac->resp_id, false);
		else
			ppp_chap_send_result(e, false, e->lac->resp_id);
		ppp_fail(e, status, "forwarding failed");
	}
	ppp_leave(e);
}

void ppp_lac_forward(struct ppp_engine *e)
{
	struct ppp_lac *l = e->lac;
	vpdn_timer_cancel(e->timers, &e->auth_timer);
	ppp_set_phase(e, VPDN_PPP_PHASE_FORWARDING, NULL);
	if (l->dnis)
		plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Got DNIS string %s", e->name, l->dnis);
	const char *at = l->user ? strrchr(l->user, '@') : NULL;
	struct vpdn_ev_forward ev = {
		.size = sizeof(ev),
		.link = e->link,
		.interface = e->name,
		.call_id = e->call_id,
		.user = l->user,
		.domain = at && at[1] ? at + 1 : NULL,
		.calling = l->calling,
		.called = l->called,
		.dnis = l->dnis,
		.bearer_kbps = l->bearer_kbps,
		.async = e->async,
		.proxy = {
			.present = true,
			.init_rcvd_confreq = l->init_rcvd,
			.init_rcvd_confreq_len = l->init_rcvd_len,
			.last_sent_confreq = e->lcp_fsm.sent,
			.last_sent_confreq_len = e->lcp_fsm.sent_len,
			.last_rcvd_confreq = l->last_rcvd,
			.last_rcvd_confreq_len = l->last_rcvd_len,
			.auth_type = l->pap ? 3 : 2,
			.auth_name = l->user,
			.auth_challenge = l->pap ? NULL : e->chap.chal,
			.auth_challenge_len = l->pap ? 0 : PPP_CHAL_LEN,
			.has_auth_id = true,
			.auth_id = l->resp_id,
			.auth_response = l->resp,
			.auth_response_len = l->resp_len,
		},
	};
	/* fwd_done runs from the main loop, never in here. */
	e->fwd_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_FORWARD_REQUEST, &ev, fwd_done, e);
}

/* ---- carrier ---- */

static void carrier_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct ppp_engine *e = ctx;
	if (e->dying)
		return;
	ppp_enter(e);
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
		ppp_leave(e);
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
		}
		break;
	case PPP_IP:
		if (e->phase == VPDN_PPP_PHASE_UP && e->ipcp_fsm.state == FSM_OPENED && e->net)
			vpdn_link_send(e->net, VPDN_LINK_A, p, n);
		break;
	default:
		if (lcp_open && e->phase == VPDN_PPP_PHASE_UP) {
			plog(e, NEG, "%s PPP: unsupported protocol 0x%04X, rejected", e->name, proto);
			ppp_lcp_protocol_reject(e, proto, p, n);
		}
		break;
	}
	ppp_leave(e);
}

static void carrier_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct ppp_engine *e = ctx;
	if (e->dying)
		return;
	ppp_enter(e);
	plog(e, NEG, "%s PPP: carrier hung up (cause %d)", e->name, cause);
	e->carrier_gone = true;
	if (!e->down_reason)
		e->down_reason = -ENOTCONN;
	ppp_fsm_down(&e->lcp_fsm);
	engine_die(e, false);
	ppp_leave(e);
}

static const struct vpdn_link_ops carrier_ops = {
	.frame = carrier_frame,
	.hangup = carrier_hangup,
};

/* ---- start ---- */

static uint8_t *dup_bytes(const uint8_t *p, size_t n)
{
	return p && n ? g_memdup2(p, n) : NULL;
}

static struct vpdn_proxy *copy_proxy(const struct vpdn_proxy *p)
{
	struct vpdn_proxy *c = g_new0(struct vpdn_proxy, 1);
	*c = *p;
	c->init_rcvd_confreq = dup_bytes(p->init_rcvd_confreq, p->init_rcvd_confreq_len);
	c->last_sent_confreq = dup_bytes(p->last_sent_confreq, p->last_sent_confreq_len);
	c->last_rcvd_confreq = dup_bytes(p->last_rcvd_confreq, p->last_rcvd_confreq_len);
	c->auth_name = g_strdup(p->auth_name);
	c->auth_challenge = dup_bytes(p->auth_challenge, p->auth_challenge_len);
	c->auth_response = dup_bytes(p->auth_response, p->auth_response_len);
	if (!c->init_rcvd_confreq) c->init_rcvd_confreq_len = 0;
	if (!c->last_sent_confreq) c->last_sent_confreq_len = 0;
	if (!c->last_rcvd_confreq) c->last_rcvd_confreq_len = 0;
	if (!c->auth_challenge) c->auth_challenge_len = 0;
	if (!c->auth_response) c->auth_response_len = 0;
	return c;
}

/* LNS: take the LCP the LAC negotiated, if acceptable. */
static bool accept_proxy_lcp(struct ppp_engine *e)
{
	const struct vpdn_proxy *p = e->proxy;
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

struct ppp_engine *ppp_engine_start(struct ppp_manager *m, struct ppp_conf *conf,
				    const struct ppp_start *st)
{
	if (!m || !conf || !st || !st->link || !st->interface)
		return NULL;
	struct ppp_engine *e = g_new0(struct ppp_engine, 1);
	e->mgr = m;
	e->core = m->core;
	e->log = m->log;
	e->timers = vpdn_core_timers(m->core);
	e->conf = ppp_conf_ref(conf);
	e->link = vpdn_link_ref(st->link);
	e->end = st->end;
	g_strlcpy(e->name, st->interface, sizeof(e->name));
	e->profile = g_strdup(st->profile);
	e->role = st->role ? st->role : VPDN_PPP_ROLE_SERVER;
	e->dir = st->dir ? st->dir : VPDN_CALL_IN;
	e->async = st->async;
	e->call_id = st->call_id;
	e->vaccess = st->vaccess;
	e->phase = VPDN_PPP_PHASE_DOWN;
	vpdn_timer_init(&e->auth_timer, auth_deadline, e);
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
		e->proxy = copy_proxy(st->proxy);
	e->next = m->engines;
	if (m->engines)
		m->engines->prev = e;
	m->engines = e;
	m->n_engines++;
	if (m->c_sessions)
		(*m->c_sessions)++;

	ppp_lcp_init(e);
	ppp_ipcp_init(e);
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

	vpdn_link_attach(e->link, e->end, &carrier_ops, e);
	e->attached = true;

	ppp_enter(e);
	bool passive = e->dir == VPDN_CALL_IN && e->role != VPDN_PPP_ROLE_CLIENT;
	if (e->proxy)
		plog(e, NEG, "%s PPP: Using set call direction", e->name);
	plog(e, NEG, "%s PPP: Treating connection as a %s", e->name,
	     e->dir == VPDN_CALL_OUT ? "callout" : "callin");
	ppp_set_phase(e, VPDN_PPP_PHASE_ESTABLISHING, passive ? "Passive Open" : "Active Open");
	if (callout_noauth && conf->n_auth)
		plog(e, AUTHC, "%s PPP: No remote authentication for call-out", e->name);
	ppp_fsm_up(&e->lcp_fsm);
	if (e->proxy && e->role == VPDN_PPP_ROLE_SERVER) {
		ppp_fsm_listen(&e->lcp_fsm);
		if (accept_proxy_lcp(e)) {
			e->proxy_lcp_ok = true;
			ppp_fsm_force_open(&e->lcp_fsm, e->proxy->last_sent_confreq,
					   e->proxy->last_sent_confreq_len);
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
		vpdn_timer_arm(e->timers, &e->auth_timer,
			       (uint64_t)conf->restart_ms * (conf->max_configure + 2u));
	} else {
		ppp_fsm_open(&e->lcp_fsm);
	}
	bool alive = !e->dying;
	ppp_leave(e);
	return alive ? e : NULL;
}
