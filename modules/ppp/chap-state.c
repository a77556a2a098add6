/* SPDX-License-Identifier: MIT */
/*
 * CHAP-MD5 (RFC 1994) in both directions: the authenticator (challenge,
 * retransmission, verification through the bus, Success/Failure, retries)
 * and the peer (answer challenges with our secret). Packets are built and
 * parsed by the codec in lib/ppp-auth/chap.h.
 *
 * Authenticator states: IDLE -> SENT (challenge out, timer) -> VERIFY
 * (AUTH_REQUEST pending) -> DONE | FAILED (or SENT again with a new id and
 * challenge while ppp-max-bad-auth allows). A LAC forwarding the call stops
 * in VERIFY: the response is captured, not checked.
 * Peer states: IDLE -> SECRET (SECRET_REQUEST pending) -> SENT -> DONE |
 * FAILED.
 */
#include <errno.h>
#include <string.h>

#include "chap.h"
#include "ppp-private.h"


static void chap_log(struct ppp_engine *e, char dir, const uint8_t *pkt, size_t len)
{
	char d[160];
	if (!vpdn_log_debug_on(e->mgr->log, AUTHC))
		return;
	chap_describe(pkt, len, d, sizeof(d));
	vpdn_log_write(e->mgr->log, VPDN_LOG_DEBUG, AUTHC, "%s CHAP: %c %s", e->name, dir, d);
}

static void chap_out(struct ppp_engine *e, const uint8_t *pkt, ssize_t len)
{
	if (len < 0)
		return;
	chap_log(e, 'O', pkt, (size_t)len);
	ppp_send(e, PPP_CHAP, pkt, (size_t)len);
}

static void send_challenge(struct ppp_engine *e)
{
	struct ppp_chap *c = &e->chap;
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	uint8_t buf[300];
	const char *name = ppp_our_name(e);
	chap_out(e, buf, chap_build_challenge(buf, sizeof(buf), c->id, ap->chal,
					       PPP_CHAL_LEN, name, strlen(name)));
	ap->chap_tries++;
	c->astate = CHAP_A_SENT;
	vpdn_timer_arm(e->mgr->timers, &ap->chap_timer, e->conf->restart_ms);
}

static void new_challenge(struct ppp_engine *e)
{
	struct ppp_auth_phase *ap = ppp_auth_phase(e);
	e->chap.id++;
	ap->chap_tries = 0;
	/* from the node's pool (core/util.c): one getrandom per 512 octets,
	 * not one per challenge */
	if (vpdn_random_bytes(ap->chal, PPP_CHAL_LEN) < 0)
		for (size_t i = 0; i < PPP_CHAL_LEN; i++)
			ap->chal[i] = (uint8_t)g_random_int();
	send_challenge(e);
}

void ppp_chap_start_auth(struct ppp_engine *e)
{
	if (e->conf->chap_hostname)
		plog(e, AUTHC, "%s CHAP: Using alternate hostname %s", e->name,
		     e->conf->chap_hostname);
	new_challenge(e);
}

void ppp_chap_send_result(struct ppp_engine *e, bool ok, uint8_t id)
{
	uint8_t buf[PPP_AUTH_MSG_MAX + 16];
	size_t n;
	const char *m = ppp_auth_message(e, ok, &n);
	if (ok)
		chap_out(e, buf, chap_build_success(buf, sizeof(buf), id, m, n));
	else
		chap_out(e, buf, chap_build_failure(buf, sizeof(buf), id, m, n));
}

static void chap_verdict(struct ppp_engine *e, bool ok, const char *user)
{
	struct ppp_chap *c = &e->chap;
	if (c->astate != CHAP_A_VERIFY)
		return;
	ppp_chap_send_result(e, ok, c->id);
	if (ok) {
		c->astate = CHAP_A_DONE;
		ppp_auth_done(e, true, true, user);
		return;
	}
	struct ppp_auth_phase *ap = ppp_auth_phase(e);  /* held: verifying */
	ap->chap_bad++;
	if (e->mgr->c_auth_fail)
		(*e->mgr->c_auth_fail)++;
	if (!e->proxy_auth && ap->chap_bad < e->conf->max_bad_auth) {
		new_challenge(e);
		return;
	}
	c->astate = CHAP_A_FAILED;
	ppp_auth_done(e, true, false, user);
}

static void verify(struct ppp_engine *e, const char *user, const uint8_t *resp,
		   size_t resp_len, const uint8_t *chal, size_t chal_len)
{
	struct vpdn_ev_auth a = {
		.size = sizeof(a),
		.method = VPDN_AUTH_CHAP_MD5,
		.interface = e->name,
		.user = user,
		.local_name = ppp_our_name(e),
		.chap_id = e->chap.id,
		.challenge = chal,
		.challenge_len = chal_len,
		.response = resp,
		.response_len = resp_len,
	};
	e->chap.astate = CHAP_A_VERIFY;
	ppp_verify(e, &a, chap_verdict);
}

void ppp_chap_verify_proxy(struct ppp_engine *e, const char *user, uint8_t id,
			   const uint8_t *chal, size_t chal_len,
			   const uint8_t *resp, size_t resp_len)
{
	e->proxy_auth = true;
	e->chap.id = id;
	plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Using proxy authentication (CHAP)", e->name);
	if (e->conf->chap_hostname)
		plog(e, AUTHC, "%s CHAP: Using alternate hostname %s", e->name,
		     e->conf->chap_hostname);
	/* The response the client sent the LAC, as forwarded (AVPs 30-33). */
	plog(e, AUTHC, "%s CHAP: I RESPONSE id %u len %zu from \"%s\"", e->name,
	     id, 5 + resp_len + strlen(user), user);
	g_free(e->user);
	e->user = g_strdup(user);
	verify(e, user, resp, resp_len, chal, chal_len);
}

void ppp_chap_verify_captured(struct ppp_engine *e)
{
	struct ppp_lac *l = e->lac;
	e->lac_local = true;
	verify(e, l->user, l->resp, l->resp_len, ppp_auth_phase(e)->chal, PPP_CHAL_LEN);
}

static void on_response(struct ppp_engine *e, const struct chap_packet *p)
{
	struct ppp_chap *c = &e->chap;
	if (c->astate == CHAP_A_DONE && p->id == c->id) {
		ppp_chap_send_result(e, true, c->id);   /* our Success was lost */
		return;
	}
	if (c->astate != CHAP_A_SENT || p->id != c->id) {
		plog(e, AUTHC, "%s CHAP: unexpected RESPONSE id %u, dropped", e->name, p->id);
		return;
	}
	struct ppp_auth_phase *ap = ppp_auth_phase(e);  /* held: SENT */
	vpdn_timer_cancel(e->mgr->timers, &ap->chap_timer);
	char *user = g_strndup(p->name, p->name_len);
	g_free(e->user);
	e->user = user;
	if (e->role == VPDN_PPP_ROLE_LAC_FORWARD && e->lac && !e->lac_local) {
		struct ppp_lac *l = e->lac;
		l->resp_id = p->id;
		l->resp_len = p->value_len <= sizeof(l->resp) ? p->value_len : sizeof(l->resp);
		memcpy(l->resp, p->value, l->resp_len);
		g_free(l->user);
		l->user = g_strdup(user);
		c->astate = CHAP_A_VERIFY;
		ppp_lac_forward(e);
		return;
	}
	verify(e, user, p->value, p->value_len, ap->chal, PPP_CHAL_LEN);
}

static void send_response(struct ppp_engine *e)
{
	struct ppp_chap *c = &e->chap;
	uint8_t buf[300];
	const char *name = ppp_our_name(e);
	chap_out(e, buf, chap_build_response(buf, sizeof(buf), c->peer_id, c->peer->resp,
					      CHAP_MD5_LEN, name, strlen(name)));
	c->pstate = CHAP_P_SENT;
}

static void on_secret(struct ppp_engine *e, const char *secret, size_t len)
{
	struct ppp_chap *c = &e->chap;
	if (c->pstate != CHAP_P_SECRET)
		return;
	if (!secret) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s CHAP: no secret to answer the challenge", e->name);
		c->pstate = CHAP_P_FAILED;
		ppp_auth_done(e, false, false, NULL);
		return;
	}
	chap_md5_response(c->peer_id, secret, len, c->peer->chal, c->peer_chal_len, c->peer->resp);
	send_response(e);
}

static void on_challenge(struct ppp_engine *e, const struct chap_packet *p)
{
	struct ppp_chap *c = &e->chap;
	if (!e->auth_us) {
		plog(e, AUTHC, "%s CHAP: CHALLENGE not negotiated, dropped", e->name);
		return;
	}
	if (p->value_len > PPP_PEER_CHAL_MAX) {
		ppp_count_malformed(e);
		return;
	}
	if ((c->pstate == CHAP_P_SENT || c->pstate == CHAP_P_DONE) && p->id == c->peer_id &&
	    p->value_len == c->peer_chal_len && memcmp(p->value, c->peer->chal, p->value_len) == 0) {
		send_response(e);      /* retransmitted challenge */
		return;
	}
	if (c->pstate == CHAP_P_SECRET)
		return;
	if (!c->peer)
		c->peer = g_new0(struct ppp_chap_peer, 1);
	c->peer_id = p->id;
	c->peer_chal_len = (uint8_t)p->value_len;
	memcpy(c->peer->chal, p->value, p->value_len);
	if (e->conf->chap_hostname)
		plog(e, AUTHC, "%s CHAP: Using alternate hostname %s", e->name,
		     e->conf->chap_hostname);
	c->pstate = CHAP_P_SECRET;
	char *peer = g_strndup(p->name, p->name_len);
	ppp_get_secret(e, ppp_our_name(e), peer, e->conf->chap_password, on_secret);
	g_free(peer);
}

void ppp_chap_input(struct ppp_engine *e, const uint8_t *pkt, size_t len)
{
	struct chap_packet p;
	int r = chap_parse(pkt, len, &p);
	if (r < 0) {
		plog(e, AUTHC, "%s CHAP: malformed packet (%zu octets), dropped", e->name, len);
		ppp_count_malformed(e);
		return;
	}
	chap_log(e, 'I', pkt, len);
	switch (p.code) {
	case CHAP_CHALLENGE:
		on_challenge(e, &p);
		break;
	case CHAP_RESPONSE:
		if (e->auth_peer)
			on_response(e, &p);
		break;
	case CHAP_SUCCESS:
		if (e->chap.pstate == CHAP_P_SENT && p.id == e->chap.peer_id) {
			e->chap.pstate = CHAP_P_DONE;
			ppp_auth_done(e, false, true, NULL);
		}
		break;
	case CHAP_FAILURE:
		if (e->chap.pstate == CHAP_P_SENT && p.id == e->chap.peer_id) {
			e->chap.pstate = CHAP_P_FAILED;
			ppp_auth_done(e, false, false, NULL);
		}
		break;
	default:
		ppp_count_malformed(e);
		break;
	}
}

void ppp_chap_timeout(struct vpdn_timer *t, void *data)
{
	struct ppp_engine *e = data;
	struct ppp_chap *c = &e->chap;
	if (c->astate != CHAP_A_SENT)
		return;
	uint8_t tries = e->ap->chap_tries;     /* the timer is e->ap's */
	if (tries >= e->conf->max_configure) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s CHAP: no response to %u challenges", e->name, tries);
		c->astate = CHAP_A_FAILED;
		ppp_auth_done(e, true, false, NULL);
	} else {
		send_challenge(e);
	}
}

void ppp_chap_init(struct ppp_engine *e)
{
	memset(&e->chap, 0, sizeof(e->chap));
	uint8_t id = 0;
	/* every session's engine: from the pool, not a getrandom call each */
	if (vpdn_random_bytes(&id, 1) < 0)
		id = (uint8_t)g_random_int();
	e->chap.id = id;
}

void ppp_chap_fini(struct ppp_engine *e)
{
	if (e->ap)
		vpdn_timer_cancel(e->mgr->timers, &e->ap->chap_timer);
	if (e->chap.peer) {
		explicit_bzero(e->chap.peer, sizeof(*e->chap.peer));
		g_clear_pointer(&e->chap.peer, g_free);
	}
	e->chap.astate = CHAP_A_IDLE;
	e->chap.pstate = CHAP_P_IDLE;
}
