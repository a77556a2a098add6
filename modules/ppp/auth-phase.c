/* SPDX-License-Identifier: MIT */
/*
 * The PPP engine's authentication phase (RFC 1661 §3.5): LCP up starts it
 * (by this end, by the peer, both, or taken from a LAC's proxy
 * authentication), each direction's outcome ends it, and the network
 * phase (IPCP) follows; LCP down goes back to establishing. The bus
 * requests authentication makes: AUTH_REQUEST to verify a peer,
 * SECRET_REQUEST for our secret.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

/* The protocol number of the authentication we asked for (RFC 3145). */
static uint16_t auth_proto(uint8_t a)
{
	return a == PPP_AUTH_P_CHAP ? PPP_CHAP : a == PPP_AUTH_P_PAP ? PPP_PAP : 0;
}

/* ---- bus requests ---- */

/* The authenticator's text for the peer, as the peer will see it: printable
 * ASCII (anything else becomes '?'), at most PPP_AUTH_MSG_MAX octets, ""
 * when there is none or it is all blanks. The text comes from a RADIUS
 * server's Reply-Message: not trusted to be either. */
static void keep_peer_message(struct ppp_engine *e, const char *m)
{
	char msg[PPP_AUTH_MSG_MAX + 1];
	size_t o = 0;
	bool seen = false;

	for (; m && *m && o < PPP_AUTH_MSG_MAX; m++) {
		unsigned char c = (unsigned char)*m;
		msg[o++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
		seen |= c != ' ';
	}
	msg[o] = '\0';
	g_clear_pointer(&e->auth_msg, g_free);
	if (seen)
		e->auth_msg = g_strdup(msg);
}

const char *ppp_auth_message(const struct ppp_engine *e, bool ok, size_t *len)
{
	const char *m = e->auth_msg ? e->auth_msg : ok ? "" : "Authentication failed";
	*len = strlen(m);
	return *len ? m : NULL;
}

static void verify_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	const struct vpdn_ev_auth_result *r = reply;
	struct ppp_auth_phase *ap = e->ap;     /* held while auth_req is */
	ap->auth_req = NULL;
	bool ok = status >= 0 && r && r->ok;
	if (!ok)
		plog(e, AUTHC, "%s PPP: authentication of %s failed%s%s", e->name,
		     e->user ? e->user : "peer", r && r->reason ? ": " : "",
		     r && r->reason ? r->reason : status == -ENOENT ? ": no authenticator" : "");
	void (*cb)(struct ppp_engine *, bool, const char *) = ap->verify_cb;
	ap->verify_cb = NULL;
	/* authorization: the address the user gets (IPCP) */
	e->auth_addr.s_addr = 0;
	keep_peer_message(e, r && r->size >= offsetof(struct vpdn_ev_auth_result, peer_message) +
				  sizeof(r->peer_message)
			     ? r->peer_message : NULL);
	if (ok && r->size >= offsetof(struct vpdn_ev_auth_result, address) + sizeof(r->address))
		e->auth_addr = r->address;
	g_clear_pointer(&e->auth_pool, g_free);
	if (ok && r->size >= offsetof(struct vpdn_ev_auth_result, framed_pool) +
				 sizeof(r->framed_pool) && r->framed_pool && r->framed_pool[0])
		e->auth_pool = g_strdup(r->framed_pool);
	e->n_auth_routes = 0;
	g_clear_pointer(&e->auth_routes, g_free);
	if (ok && r->size >= offsetof(struct vpdn_ev_auth_result, n_routes) + sizeof(r->n_routes) &&
	    r->routes && r->n_routes) {
		e->n_auth_routes = MIN(r->n_routes, (size_t)VPDN_ROUTES_MAX);
		e->auth_routes = g_memdup2(r->routes, e->n_auth_routes * sizeof(*r->routes));
	}
	/* IPv6 authorization, copied as the routes are (borrowed by the bus) */
	ppp_ipv6cp_set_auth(e, ok && r->size >= offsetof(struct vpdn_ev_auth_result, ipv6) +
						     sizeof(r->ipv6)
				       ? r->ipv6 : NULL);
	if (cb && !e->dead)
		cb(e, ok, ok && r->user ? r->user : e->user);
}

void ppp_verify(struct ppp_engine *e, const struct vpdn_ev_auth *a,
		void (*cb)(struct ppp_engine *e, bool ok, const char *user))
{
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	if (ap->auth_req) {
		vpdn_request_cancel(ap->auth_req);
		ap->auth_req = NULL;
	}
	ap->verify_cb = cb;
	g_clear_pointer(&e->auth_msg, g_free);
	/* verify_done runs from the main loop, never in here. */
	ap->auth_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_AUTH_REQUEST, a, verify_done, e);
}

static void secret_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct ppp_engine *e = data;
	const struct vpdn_ev_secret_reply *r = reply;
	struct ppp_auth_phase *ap = e->ap;     /* held while secret_req is */
	ap->secret_req = NULL;
	void (*cb)(struct ppp_engine *, const char *, size_t) = ap->secret_cb;
	ap->secret_cb = NULL;
	if (cb && !e->dead) {
		if (status >= 0 && r && r->secret)
			cb(e, r->secret, r->secret_len ? r->secret_len : strlen(r->secret));
		else
			cb(e, NULL, 0);
	}
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
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	if (ap->secret_req) {
		vpdn_request_cancel(ap->secret_req);
		ap->secret_req = NULL;
	}
	ap->secret_cb = cb;
	/* secret_done runs from the main loop, never in here. */
	ap->secret_req = vpdn_bus_request(e->mgr->bus, VPDN_EV_SECRET_REQUEST, &s, secret_done, e);
}

/* ---- the phase ---- */

static void auth_deadline(struct vpdn_timer *t, void *data)
{
	struct ppp_engine *e = data;
	bool listening = e->phase == VPDN_PPP_PHASE_ESTABLISHING &&
			 e->lcp_fsm.state == FSM_STOPPED;
	if (e->phase != VPDN_PPP_PHASE_AUTHENTICATING && !listening)
		return;
	if (listening)
		ppp_set_disconnect(e, VPDN_PPP_DISC_LCP_NO_PACKETS, PPP_LCP, VPDN_PPP_DISC_AT_PEER,
				   "no LCP from the peer");
	else
		ppp_set_disconnect(e, VPDN_PPP_DISC_AUTH_FSM_TIMEOUT, auth_proto(e->lcp.auth),
				   VPDN_PPP_DISC_AT_PEER, "authentication timeout");
	ppp_fail(e, -ETIMEDOUT, listening ? "no LCP from the peer" : "authentication timeout");
}

struct ppp_auth_phase *ppp_auth_phase(struct ppp_engine *e)
{
	if (!e->ap) {
		e->ap = g_new0(struct ppp_auth_phase, 1);
		vpdn_timer_init(&e->ap->deadline, auth_deadline, e);
		vpdn_timer_init(&e->ap->chap_timer, ppp_chap_timeout, e);
	}
	return e->ap;
}

void ppp_auth_arm_deadline(struct ppp_engine *e)
{
	vpdn_timer_arm(e->mgr->timers, &ppp_auth_phase(e)->deadline,
		       (uint64_t)e->conf->restart_ms * (e->conf->max_configure + 2u));
}

static void cancel_request(struct vpdn_request **r)
{
	if (*r) {
		vpdn_request_cancel(*r);
		*r = NULL;
	}
}

void ppp_auth_phase_free(struct ppp_engine *e)
{
	struct ppp_auth_phase *ap = e->ap;
	if (!ap)
		return;
	ppp_proxy_free(e);
	vpdn_timer_cancel(e->mgr->timers, &ap->deadline);
	vpdn_timer_cancel(e->mgr->timers, &ap->chap_timer);
	cancel_request(&ap->auth_req);
	cancel_request(&ap->secret_req);
	cancel_request(&ap->fwd_req);
	g_free(ap->early_ipcp);
	explicit_bzero(ap, sizeof(*ap));        /* our challenge */
	g_clear_pointer(&e->ap, g_free);
}

/*
 * With a LAC's proxy authentication the user's PPP is past its
 * authentication already (the LAC sent it the Success) and sends its IPCP
 * Configure-Request at once, while we still verify the forwarded exchange
 * (a RADIUS round trip). RFC 1661 3.5 drops it; the user would repeat it
 * only after its restart timer (3 s for pppd), which caps the set-up rate
 * with RADIUS at in-flight / 3 s. So the last one (bounded) is kept and
 * given to IPCP when the network phase starts; any other packet, or this
 * one without proxy authentication, is still dropped.
 */
void ppp_auth_early_ipcp(struct ppp_engine *e, const uint8_t *p, size_t n)
{
	if (!e->proxy_auth || n < 4 || n > PPP_EARLY_IPCP_MAX || p[0] != 1 /* ConfReq */)
		return;
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	g_free(ap->early_ipcp);
	ap->early_ipcp = g_memdup2(p, n);
	ap->early_ipcp_len = n;
}

static void network_phase(struct ppp_engine *e)
{
	struct ppp_auth_phase *ap = e->ap;
	uint8_t *early = NULL;
	size_t early_len = 0;
	if (ap) {
		vpdn_timer_cancel(e->mgr->timers, &ap->deadline);
		early = g_steal_pointer(&ap->early_ipcp);
		early_len = ap->early_ipcp_len;
		ap->early_ipcp_len = 0;
		/* The phase's block goes unless a request is still out (a
		 * peer's new challenge waiting for our secret). */
		if (!ap->auth_req && !ap->secret_req && !ap->fwd_req)
			ppp_auth_phase_free(e);
	}
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
	/* IPv6CP beside IPCP, the same way */
	if (e->v6 && !e->dead && e->phase == VPDN_PPP_PHASE_UP) {
		if (e->dir == VPDN_CALL_OUT) {
			ppp_fsm_up(&e->v6->fsm);
			ppp_fsm_open(&e->v6->fsm);
		} else {
			ppp_fsm_open(&e->v6->fsm);
			ppp_fsm_up(&e->v6->fsm);
		}
	}
	if (early && !e->dead && e->phase == VPDN_PPP_PHASE_UP) {
		plog(e, NEG, "%s IPCP: the peer's early Configure-Request taken", e->name);
		ppp_fsm_input(&e->ipcp_fsm, early, early_len);
		ppp_ipcp_check_refused(e);
	}
	g_free(early);
	ppp_ipv6cp_take_early(e);
}

static bool try_proxy_auth(struct ppp_engine *e)
{
	const struct vpdn_proxy *p = ppp_proxy(e);
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
		ppp_proxy_free(e);      /* not asked for (below) */
		network_phase(e);
		return;
	}
	e->auth_peer = by_us;
	ppp_set_phase(e, VPDN_PPP_PHASE_AUTHENTICATING,
		      by_us && e->auth_us ? "by both" : by_us ? "by this end" : "by the peer");
	ppp_auth_arm_deadline(e);
	if (by_us && !try_proxy_auth(e)) {
		if (e->lcp.auth == PPP_AUTH_P_CHAP)
			ppp_chap_start_auth(e);
		else
			ppp_pap_start_auth(e);
	}
	/* The LAC's proxy authentication serves this first LCP Up only, used
	 * or not, then is freed (RFC 2661 4.4.5: it stands for the exchange
	 * the LAC saw; an LCP renegotiated later authenticates the peer here,
	 * with a challenge of our own). Its verification's event is copied by
	 * whoever answers it, so the block goes as soon as that is sent; an
	 * LNS holding 10 000 sessions keeps none of them (#19). */
	ppp_proxy_free(e);
	if (e->auth_us && e->lcp.peer_auth == PPP_AUTH_P_PAP && !e->dead)
		ppp_pap_start_peer(e);
}

void ppp_lcp_down(struct ppp_engine *e)
{
	/* the phase is over, whatever it waited for but a LAC's forward
	 * request (the engine's end cancels that); the block itself goes at
	 * the next network phase or the engine's end */
	struct ppp_auth_phase *ap = e->ap;
	if (ap) {
		vpdn_timer_cancel(e->mgr->timers, &ap->deadline);
		cancel_request(&ap->auth_req);
		cancel_request(&ap->secret_req);
		ap->early_ipcp_len = 0;
		g_clear_pointer(&ap->early_ipcp, g_free);
	}
	if (e->v6)
		e->v6->early_len = 0;
	ppp_chap_fini(e);
	ppp_pap_fini(e);
	/* IPCP had its Up only if the network phase was reached: LCP can go
	 * down before (renegotiated by an LNS, authentication failed), and
	 * Down in Initial or Starting is illegal (RFC 1661 4.1). */
	if (e->ipcp_fsm.state != FSM_INITIAL && e->ipcp_fsm.state != FSM_STARTING)
		ppp_fsm_down(&e->ipcp_fsm);
	if (e->ipcp_fsm.state != FSM_INITIAL)
		ppp_fsm_close(&e->ipcp_fsm);
	if (e->v6) {
		struct ppp_fsm *f6 = &e->v6->fsm;
		if (f6->state != FSM_INITIAL && f6->state != FSM_STARTING)
			ppp_fsm_down(f6);
		if (f6->state != FSM_INITIAL)
			ppp_fsm_close(f6);
	}
	e->peer_done = e->us_done = false;
	if (!e->dead)
		ppp_set_phase(e, e->lcp_fsm.state == FSM_CLOSING || e->lcp_fsm.state == FSM_STOPPING
				 ? VPDN_PPP_PHASE_TERMINATING : VPDN_PPP_PHASE_ESTABLISHING, NULL);
}

void ppp_auth_done(struct ppp_engine *e, bool this_end, bool ok, const char *user)
{
	if (e->dead)
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
		ppp_publish(e, VPDN_EV_PPP_AUTHENTICATED);
	} else {
		e->us_done = true;
	}
	if ((!e->auth_peer || e->peer_done) && (!e->auth_us || e->us_done) &&
	    e->phase == VPDN_PPP_PHASE_AUTHENTICATING)
		network_phase(e);
}

