/* SPDX-License-Identifier: MIT */
/*
 * PAP (RFC 1334 §2) in both directions, packets from lib/ppp-auth/pap.h.
 *
 * Authenticator: IDLE -> WAIT (for Authenticate-Request; the engine's
 * authentication deadline bounds the wait) -> VERIFY (AUTH_REQUEST
 * pending) -> DONE | FAILED (or WAIT again while ppp-max-bad-auth allows).
 * A repeated request after the verdict gets the same verdict again.
 * Peer: IDLE -> SECRET (SECRET_REQUEST pending) -> SENT (retransmitted
 * every restart period up to max-configure) -> DONE | FAILED.
 */
#include <errno.h>
#include <string.h>

#include "pap.h"
#include "ppp-private.h"

static void pap_timeout(struct vpdn_timer *t, void *data);

/* PAP's state, made on first use: most sessions (CHAP) never need it
 * (bytes per session, #15). */
static struct ppp_pap *pap_state(struct ppp_engine *e)
{
	if (!e->pap) {
		e->pap = g_new0(struct ppp_pap, 1);
		vpdn_timer_init(&e->pap->timer, pap_timeout, e);
	}
	return e->pap;
}

static void pap_log(struct ppp_engine *e, char dir, const uint8_t *pkt, size_t len)
{
	char d[160];
	if (!vpdn_log_debug_on(e->mgr->log, AUTHC))
		return;
	pap_describe(pkt, len, d, sizeof(d));
	vpdn_log_write(e->mgr->log, VPDN_LOG_DEBUG, AUTHC, "%s PAP: %c %s", e->name, dir, d);
}

static void pap_out(struct ppp_engine *e, const uint8_t *pkt, ssize_t len)
{
	if (len < 0)
		return;
	pap_log(e, 'O', pkt, (size_t)len);
	ppp_send(e, PPP_PAP, pkt, (size_t)len);
}

static const char *pap_user(struct ppp_engine *e)
{
	return e->conf->pap_user ? e->conf->pap_user : ppp_our_name(e);
}

static void send_request(struct ppp_engine *e)
{
	struct ppp_pap *p = pap_state(e);
	uint8_t buf[600];
	const char *user = pap_user(e);
	size_t ulen = strlen(user), plen = strlen(p->secret);
	pap_out(e, buf, pap_build_request(buf, sizeof(buf), p->id, user,
					  ulen > 255 ? 255 : ulen, p->secret,
					  plen > 255 ? 255 : plen));
	p->tries++;
	p->pstate = PAP_P_SENT;
	vpdn_timer_arm(e->mgr->timers, &p->timer, e->conf->restart_ms);
}

static void on_secret(struct ppp_engine *e, const char *secret, size_t len)
{
	struct ppp_pap *p = pap_state(e);
	if (p->pstate != PAP_P_SECRET)
		return;
	if (!secret) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s PAP: no password to send", e->name);
		p->pstate = PAP_P_FAILED;
		ppp_auth_done(e, false, false, NULL);
		return;
	}
	p->secret = g_strndup(secret, len);
	p->id++;
	p->tries = 0;
	send_request(e);
}

void ppp_pap_start_peer(struct ppp_engine *e)
{
	pap_state(e)->pstate = PAP_P_SECRET;
	ppp_get_secret(e, pap_user(e), NULL, e->conf->pap_password, on_secret);
}

void ppp_pap_start_auth(struct ppp_engine *e)
{
	pap_state(e)->astate = PAP_A_WAIT;
}

void ppp_pap_send_verdict(struct ppp_engine *e, uint8_t id, bool ok)
{
	uint8_t buf[PPP_AUTH_MSG_MAX + 16];
	size_t n;
	const char *m = ppp_auth_message(e, ok, &n);
	if (ok)
		pap_out(e, buf, pap_build_ack(buf, sizeof(buf), id, m, n));
	else
		pap_out(e, buf, pap_build_nak(buf, sizeof(buf), id, m, n));
}

static void pap_verdict(struct ppp_engine *e, bool ok, const char *user)
{
	struct ppp_pap *p = pap_state(e);
	if (p->astate != PAP_A_VERIFY)
		return;
	p->verdict = ok ? PAP_AUTH_ACK : PAP_AUTH_NAK;
	ppp_pap_send_verdict(e, p->last_rx_id, ok);
	if (ok) {
		p->astate = PAP_A_DONE;
		ppp_auth_done(e, true, true, user);
		return;
	}
	if (e->mgr->c_auth_fail)
		(*e->mgr->c_auth_fail)++;
	if (!e->proxy_auth && ++p->bad < e->conf->max_bad_auth) {
		p->astate = PAP_A_WAIT;
		return;
	}
	p->astate = PAP_A_FAILED;
	ppp_auth_done(e, true, false, user);
}

static void verify(struct ppp_engine *e, const char *user, uint8_t id,
		   const char *pw, size_t pw_len)
{
	char password[256];
	if (pw_len > 255)
		pw_len = 255;
	memcpy(password, pw, pw_len);
	password[pw_len] = '\0';
	struct vpdn_ev_auth a = {
		.size = sizeof(a),
		.method = VPDN_AUTH_PAP,
		.interface = e->name,
		.user = user,
		.local_name = ppp_our_name(e),
		.password = password,
	};
	pap_state(e)->last_rx_id = id;
	pap_state(e)->astate = PAP_A_VERIFY;
	ppp_verify(e, &a, pap_verdict);
	memset(password, 0, sizeof(password));
}

void ppp_pap_verify_proxy(struct ppp_engine *e, const char *user, uint8_t id,
			  const uint8_t *pw, size_t pw_len)
{
	e->proxy_auth = true;
	plog(e, VPDN_DEBUG_VPDN_EVENTS, "%s VPDN: Using proxy authentication (PAP)", e->name);
	/* The request the client sent the LAC, as forwarded (AVPs 30-33). */
	plog(e, AUTHC, "%s PAP: I AUTH-REQ id %u len %zu from \"%s\"", e->name, id,
	     6 + strlen(user) + pw_len, user);
	g_free(e->user);
	e->user = g_strdup(user);
	verify(e, user, id, (const char *)pw, pw_len);
}

void ppp_pap_verify_captured(struct ppp_engine *e)
{
	struct ppp_lac *l = e->lac;
	e->lac_local = true;
	verify(e, l->user, l->resp_id, (const char *)l->resp, l->resp_len);
}

void ppp_pap_input(struct ppp_engine *e, const uint8_t *pkt, size_t len)
{
	struct pap_packet p;
	struct ppp_pap *s = pap_state(e);
	if (pap_parse(pkt, len, &p) < 0) {
		plog(e, AUTHC, "%s PAP: malformed packet (%zu octets), dropped", e->name, len);
		ppp_count_malformed(e);
		return;
	}
	pap_log(e, 'I', pkt, len);
	switch (p.code) {
	case PAP_AUTH_REQ:
		if (!e->auth_peer)
			return;
		if ((s->astate == PAP_A_DONE || s->astate == PAP_A_FAILED) &&
		    p.id == s->last_rx_id) {
			ppp_pap_send_verdict(e, p.id, s->verdict == PAP_AUTH_ACK);
			return;
		}
		if (s->astate != PAP_A_WAIT)
			return;
		g_free(e->user);
		e->user = g_strndup(p.peer_id, p.peer_id_len);
		if (e->role == VPDN_PPP_ROLE_LAC_FORWARD && e->lac && !e->lac_local) {
			/* LAC: capture, do not check; the LNS verifies. */
			struct ppp_lac *l = e->lac;
			l->pap = true;
			l->resp_id = p.id;
			l->resp_len = p.password_len;
			memcpy(l->resp, p.password, p.password_len);
			g_free(l->user);
			l->user = g_strdup(e->user);
			s->last_rx_id = p.id;
			s->astate = PAP_A_VERIFY;
			ppp_lac_forward(e);
			return;
		}
		verify(e, e->user, p.id, p.password, p.password_len);
		break;
	case PAP_AUTH_ACK:
	case PAP_AUTH_NAK:
		if (s->pstate != PAP_P_SENT || p.id != s->id)
			return;
		vpdn_timer_cancel(e->mgr->timers, &s->timer);
		s->pstate = p.code == PAP_AUTH_ACK ? PAP_P_DONE : PAP_P_FAILED;
		ppp_auth_done(e, false, p.code == PAP_AUTH_ACK, NULL);
		break;
	default:
		ppp_count_malformed(e);
		break;
	}
}

static void pap_timeout(struct vpdn_timer *t, void *data)
{
	struct ppp_engine *e = data;
	struct ppp_pap *p = pap_state(e);
	if (p->pstate != PAP_P_SENT)
		return;
	if (p->tries >= e->conf->max_configure) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s PAP: no reply to %u requests", e->name, p->tries);
		p->pstate = PAP_P_FAILED;
		ppp_auth_done(e, false, false, NULL);
	} else {
		send_request(e);
	}
}

void ppp_pap_init(struct ppp_engine *e)
{
	e->pap = NULL;   /* pap_state() makes it when PAP is first used */
}

/* Back to idle: PAP's state is freed (an idle one is what pap_state()
 * makes again). */
void ppp_pap_fini(struct ppp_engine *e)
{
	struct ppp_pap *p = e->pap;
	if (!p)
		return;
	vpdn_timer_cancel(e->mgr->timers, &p->timer);
	if (p->secret) {
		memset(p->secret, 0, strlen(p->secret));
		g_free(p->secret);
	}
	g_free(p);
	e->pap = NULL;
}
