/* SPDX-License-Identifier: MIT */
/*
 * LCP (RFC 1661 §5, §6): options MRU, ACCM, Auth-Protocol, Magic-Number
 * (with loop detection), PFC, ACFC; Code-Reject, Protocol-Reject,
 * Echo-Request/Reply keepalive, Discard-Request. The automaton is fsm.c.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "chap.h"
#include "ppp-private.h"

#define ENG(f) ((struct ppp_engine *)(f)->ctx)

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static uint32_t new_magic(uint32_t avoid)
{
	uint32_t m = 0;
	for (int i = 0; i < 8 && (m == 0 || m == avoid); i++)
		if (vpdn_random_bytes(&m, sizeof(m)) < 0)
			m = (uint32_t)g_random_int();
	if (m == 0 || m == avoid)
		m = avoid ^ 0x5A5A5A5Au;
	return m ? m : 0x1;
}

static void lcp_option_desc(const uint8_t *opt, uint8_t olen, char *d, size_t ds)
{
	static const char *const epclass[] = { "Null", "Local", "IP", "IEEE 802.1",
					       "PPP magic", "Phone" };
	switch (opt[0]) {
	case LCP_OPT_MRU:
		if (olen == 4) { snprintf(d, ds, "MRU %u", get16(opt + 2)); return; }
		break;
	case LCP_OPT_ACCM:
		if (olen == 6) { snprintf(d, ds, "ACCM 0x%08X", get32(opt + 2)); return; }
		break;
	case LCP_OPT_AUTH:
		if (olen == 5 && get16(opt + 2) == PPP_CHAP && opt[4] == CHAP_MD5_ALGORITHM) {
			snprintf(d, ds, "AuthProto CHAP");
			return;
		}
		if (olen == 4 && get16(opt + 2) == PPP_PAP) {
			snprintf(d, ds, "AuthProto PAP");
			return;
		}
		if (olen >= 4) { snprintf(d, ds, "AuthProto 0x%04X", get16(opt + 2)); return; }
		break;
	case LCP_OPT_QUALITY:
		snprintf(d, ds, "QualityType");
		return;
	case LCP_OPT_MAGIC:
		if (olen == 6) { snprintf(d, ds, "MagicNumber 0x%08X", get32(opt + 2)); return; }
		break;
	case LCP_OPT_PFC:
		snprintf(d, ds, "PFC");
		return;
	case LCP_OPT_ACFC:
		snprintf(d, ds, "ACFC");
		return;
	case LCP_OPT_CALLBACK:
		snprintf(d, ds, "Callback %u", olen >= 3 ? opt[2] : 0);
		return;
	case LCP_OPT_MRRU:
		if (olen == 4) { snprintf(d, ds, "MRRU %u", get16(opt + 2)); return; }
		break;
	case LCP_OPT_EPDISC:
		if (olen >= 3) {
			snprintf(d, ds, "EndpointDisc %u %s", opt[2],
				 opt[2] < 6 ? epclass[opt[2]] : "Unknown");
			return;
		}
		break;
	default:
		snprintf(d, ds, "Option %u", opt[0]);
		return;
	}
	snprintf(d, ds, "Option %u (bad length %u)", opt[0], olen);
}

void ppp_lcp_log_opts(struct ppp_engine *e, const char *proto,
		      const uint8_t *opts, size_t len)
{
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	char desc[64];
	if (!vpdn_log_debug_on(e->mgr->log, NEG)) /* the descriptions cost a printf each */
		return;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		lcp_option_desc(opt, olen, desc, sizeof(desc));
		ppp_log_hex_option(e->mgr->log, NEG, e->name, proto, desc, opt, olen);
	}
}

static void lcp_log_opts(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	ppp_lcp_log_opts(ENG(f), "LCP", opts, len);
}

static void lcp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_lcp *l = &e->lcp;
	l->mru = e->conf->mru;
	/* RFC 4638: a PPPoE session carries what discovery granted (1492
	 * unless PPP-Max-Payload said more); never propose more. */
	if (e->carrier_mru && l->mru > e->carrier_mru)
		l->mru = e->carrier_mru;
	l->want_mru = l->mru != 1500;
	l->accm = 0;
	l->want_accm = e->async;
	l->magic = new_magic(0);
	l->want_magic = true;
	l->auth_idx = 0;
	l->auth = e->auth_peer && e->conf->n_auth ? e->conf->auth[0] : PPP_AUTH_P_NONE;
	if (e->auth_peer && e->role == VPDN_PPP_ROLE_LAC_FORWARD && !e->conf->n_auth)
		l->auth = PPP_AUTH_P_CHAP;
	l->want_pfc = e->conf->pfc;
	l->want_acfc = e->conf->acfc;
	l->loops = 0;
}

static size_t lcp_build_cr(struct ppp_fsm *f, uint8_t *b, size_t size)
{
	struct ppp_lcp *l = &ENG(f)->lcp;
	size_t n = 0;
	/* size is PPP_FSM_SENT_MAX (64): the 25 octets below always fit. */
	if (l->want_mru) {
		b[n] = LCP_OPT_MRU; b[n + 1] = 4; put16(b + n + 2, l->mru); n += 4;
	}
	if (l->want_accm) {
		b[n] = LCP_OPT_ACCM; b[n + 1] = 6; put32(b + n + 2, l->accm); n += 6;
	}
	if (l->auth == PPP_AUTH_P_CHAP) {
		b[n] = LCP_OPT_AUTH; b[n + 1] = 5; put16(b + n + 2, PPP_CHAP);
		b[n + 4] = CHAP_MD5_ALGORITHM; n += 5;
	} else if (l->auth == PPP_AUTH_P_PAP) {
		b[n] = LCP_OPT_AUTH; b[n + 1] = 4; put16(b + n + 2, PPP_PAP); n += 4;
	}
	if (l->want_magic) {
		b[n] = LCP_OPT_MAGIC; b[n + 1] = 6; put32(b + n + 2, l->magic); n += 6;
	}
	if (l->want_pfc) { b[n] = LCP_OPT_PFC; b[n + 1] = 2; n += 2; }
	if (l->want_acfc) { b[n] = LCP_OPT_ACFC; b[n + 1] = 2; n += 2; }
	l->confreqs_sent++;
	return n;
}

/* Append an option to a reply list, bounded. */
static void add_opt(uint8_t *out, size_t size, size_t *n, const uint8_t *opt, size_t olen)
{
	if (*n + olen <= size) {
		memcpy(out + *n, opt, olen);
		*n += olen;
	}
}

/* Method we prefer to be authenticated with, or NONE. */
static uint8_t peer_auth_pref(struct ppp_engine *e)
{
	if (!e->conf->chap_refuse)
		return PPP_AUTH_P_CHAP;
	if (!e->conf->pap_refuse)
		return PPP_AUTH_P_PAP;
	return PPP_AUTH_P_NONE;
}

/*
 * Judge the peer's options. commit: store the peer's values when the
 * verdict is Ack. Returns PPP_CONFACK/CONFNAK/CONFREJ.
 */
static int lcp_judge(struct ppp_engine *e, const uint8_t *opts, size_t len,
		     uint8_t *out, size_t outsize, size_t *outlen, bool nak_ok,
		     bool commit)
{
	uint8_t nak[256], rej[1500];
	size_t nn = 0, nr = 0, pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	uint16_t mru = 1500;
	uint32_t accm = 0xFFFFFFFF, magic = 0;
	uint8_t auth = PPP_AUTH_P_NONE;
	bool pfc = false, acfc = false;
	bool looped = false;

	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		uint8_t sugg[6];
		bool bad_len = false;
		switch (type) {
		case LCP_OPT_MRU:
			if (olen != 4) { bad_len = true; break; }
			mru = get16(opt + 2);
			if (mru < 64) {
				sugg[0] = LCP_OPT_MRU; sugg[1] = 4; put16(sugg + 2, 1500);
				if (nak_ok) add_opt(nak, sizeof(nak), &nn, sugg, 4);
				else add_opt(rej, sizeof(rej), &nr, opt, olen);
			}
			continue;
		case LCP_OPT_ACCM:
			if (olen != 6) { bad_len = true; break; }
			accm = get32(opt + 2);
			continue;
		case LCP_OPT_AUTH: {
			if (olen < 4) { bad_len = true; break; }
			uint16_t p = get16(opt + 2);
			uint8_t want = PPP_AUTH_P_NONE;
			if (p == PPP_CHAP && olen == 5 && opt[4] == CHAP_MD5_ALGORITHM)
				want = PPP_AUTH_P_CHAP;
			else if (p == PPP_PAP && olen == 4)
				want = PPP_AUTH_P_PAP;
			if ((want == PPP_AUTH_P_CHAP && !e->conf->chap_refuse) ||
			    (want == PPP_AUTH_P_PAP && !e->conf->pap_refuse)) {
				auth = want;
				continue;
			}
			uint8_t pref = peer_auth_pref(e);
			if (pref == PPP_AUTH_P_NONE || !nak_ok) {
				add_opt(rej, sizeof(rej), &nr, opt, olen);
			} else if (pref == PPP_AUTH_P_CHAP) {
				static const uint8_t c[5] = { 3, 5, 0xC2, 0x23, 5 };
				add_opt(nak, sizeof(nak), &nn, c, 5);
			} else {
				static const uint8_t pp[4] = { 3, 4, 0xC0, 0x23 };
				add_opt(nak, sizeof(nak), &nn, pp, 4);
			}
			continue;
		}
		case LCP_OPT_MAGIC:
			if (olen != 6) { bad_len = true; break; }
			magic = get32(opt + 2);
			if (magic == 0 || (e->lcp.want_magic && magic == e->lcp.magic)) {
				if (magic != 0)
					looped = true;
				sugg[0] = LCP_OPT_MAGIC; sugg[1] = 6;
				put32(sugg + 2, new_magic(e->lcp.magic));
				if (nak_ok) add_opt(nak, sizeof(nak), &nn, sugg, 6);
				else add_opt(rej, sizeof(rej), &nr, opt, olen);
			}
			continue;
		case LCP_OPT_PFC:
			if (olen != 2) { bad_len = true; break; }
			pfc = true;
			continue;
		case LCP_OPT_ACFC:
			if (olen != 2) { bad_len = true; break; }
			acfc = true;
			continue;
		default:
			break;
		}
		(void)bad_len;
		/* Unknown, unsupported (MRRU, Endpoint-Discriminator, Callback,
		 * Quality) or a known option with a bad length: Reject. */
		add_opt(rej, sizeof(rej), &nr, opt, olen);
	}

	if (looped && commit) {
		e->lcp.loops++;
		vpdn_log_write(e->mgr->log, VPDN_LOG_WARNING, -1,
			       "%s LCP: own magic number 0x%08X in the peer's request (%u)",
			       e->name, e->lcp.magic, e->lcp.loops);
	}
	if (nr) {
		memcpy(out, rej, nr < outsize ? nr : outsize);
		*outlen = nr < outsize ? nr : outsize;
		return PPP_CONFREJ;
	}
	if (nn) {
		memcpy(out, nak, nn < outsize ? nn : outsize);
		*outlen = nn < outsize ? nn : outsize;
		return PPP_CONFNAK;
	}
	*outlen = 0;
	if (commit) {
		/* The peer may take more than the carrier does: send no frame
		 * over the carrier's limit (RFC 4638 §7, the smaller of the two). */
		if (e->carrier_mru && mru > e->carrier_mru) {
			vpdn_debug(e->mgr->log, VPDN_DEBUG_PPP_NEGOTIATION,
				   "%s LCP: peer MRU %u above the carrier's %u: sending at most %u",
				   e->name, mru, e->carrier_mru, e->carrier_mru);
			mru = e->carrier_mru;
		}
		e->lcp.peer_mru = mru;
		e->lcp_fsm.peer_mru = mru;
		e->ipcp_fsm.peer_mru = mru;
		e->lcp.peer_accm = accm;
		e->lcp.peer_magic = magic;
		e->lcp.peer_auth = auth;
		e->lcp.peer_pfc = pfc;
		e->lcp.peer_acfc = acfc;
	}
	return PPP_CONFACK;
}

/* A copy of a CONFREQ's options that is never NULL (an empty request is
 * kept as a zero-length one). Copies exactly len octets. */
static uint8_t *dup_opts(const uint8_t *opts, size_t len)
{
	uint8_t *p = g_malloc0(len ? len : 1);
	if (len)
		memcpy(p, opts, len);
	return p;
}

static int lcp_rcr(struct ppp_fsm *f, const uint8_t *opts, size_t len,
		   uint8_t *out, size_t outsize, size_t *outlen, bool nak_ok)
{
	struct ppp_engine *e = ENG(f);
	if (e->lac) {
		/* LAC forwarding: keep the requests for the proxy AVPs. */
		if (!e->lac->init_rcvd) {
			e->lac->init_rcvd = dup_opts(opts, len);
			e->lac->init_rcvd_len = len;
		}
		g_free(e->lac->last_rcvd);
		e->lac->last_rcvd = dup_opts(opts, len);
		e->lac->last_rcvd_len = len;
	}
	int v = lcp_judge(e, opts, len, out, outsize, outlen, nak_ok, true);
	if (e->lcp.loops >= PPP_LOOP_LIMIT) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_ERR, -1,
			       "%s LCP: looped line detected (own magic seen %u times), "
			       "taking the link down", e->name, e->lcp.loops);
		ppp_set_disconnect(e, VPDN_PPP_DISC_LCP_MAGIC, PPP_LCP, VPDN_PPP_DISC_AT_LOCAL,
				   "looped line");
		ppp_fail(e, -ELOOP, "looped line");
		return -1;
	}
	return v;
}

int ppp_lcp_check_peer(struct ppp_engine *e, const uint8_t *opts, size_t len)
{
	uint8_t out[256];
	size_t outlen;
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	int r;
	while ((r = ppp_opt_next(opts, len, &pos, &type, &olen, &opt)) > 0)
		;
	if (r < 0)
		return -EBADMSG;
	return lcp_judge(e, opts, len, out, sizeof(out), &outlen, true, true) == PPP_CONFACK
	       ? 0 : -EPROTO;
}

int ppp_lcp_adopt_ours(struct ppp_engine *e, const uint8_t *opts, size_t len)
{
	struct ppp_lcp *l = &e->lcp;
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	int r;
	bool have_auth = false;
	l->want_mru = l->want_accm = l->want_magic = l->want_pfc = l->want_acfc = false;
	l->mru = 1500;
	l->auth = PPP_AUTH_P_NONE;
	while ((r = ppp_opt_next(opts, len, &pos, &type, &olen, &opt)) > 0) {
		switch (type) {
		case LCP_OPT_MRU:
			if (olen != 4) return -EPROTO;
			l->mru = get16(opt + 2); l->want_mru = true;
			break;
		case LCP_OPT_ACCM:
			if (olen != 6) return -EPROTO;
			l->accm = get32(opt + 2); l->want_accm = true;
			break;
		case LCP_OPT_AUTH: {
			uint8_t m = PPP_AUTH_P_NONE;
			if (olen == 5 && get16(opt + 2) == PPP_CHAP && opt[4] == CHAP_MD5_ALGORITHM)
				m = PPP_AUTH_P_CHAP;
			else if (olen == 4 && get16(opt + 2) == PPP_PAP)
				m = PPP_AUTH_P_PAP;
			if (m == PPP_AUTH_P_NONE)
				return -EPROTO;
			bool allowed = false;
			for (unsigned i = 0; i < e->conf->n_auth; i++)
				if (e->conf->auth[i] == m) {
					allowed = true;
					l->auth_idx = (uint8_t)i;
				}
			if (e->auth_peer && !allowed)
				return -EPROTO;
			l->auth = m;
			have_auth = true;
			break;
		}
		case LCP_OPT_MAGIC:
			if (olen != 6) return -EPROTO;
			l->magic = get32(opt + 2); l->want_magic = true;
			break;
		case LCP_OPT_PFC: l->want_pfc = true; break;
		case LCP_OPT_ACFC: l->want_acfc = true; break;
		default:
			return -EPROTO;
		}
	}
	if (r < 0)
		return -EBADMSG;
	if (e->auth_peer && !have_auth)
		return -EPROTO;
	return 0;
}

/* The peer will not authenticate with anything we take: the automaton
 * closes LCP; the session ends as a refused negotiation (not a carrier
 * loss): -EPROTO, RFC 3145 code 15 about the protocol we asked for, the
 * refusal at the peer. */
static void lcp_auth_refused(struct ppp_engine *e, const char *why)
{
	uint16_t p = e->lcp.auth == PPP_AUTH_P_CHAP ? PPP_CHAP :
		     e->lcp.auth == PPP_AUTH_P_PAP ? PPP_PAP : PPP_LCP;

	if (!e->down_reason)
		e->down_reason = -EPROTO;
	ppp_set_disconnect(e, VPDN_PPP_DISC_AUTH_PROTOCOL, p, VPDN_PPP_DISC_AT_PEER, why);
}

static int lcp_rcn(struct ppp_fsm *f, int code, const uint8_t *opts, size_t len)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_lcp *l = &e->lcp;
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		if (code == PPP_CONFREJ) {
			switch (type) {
			case LCP_OPT_MRU: l->want_mru = false; break;
			case LCP_OPT_ACCM: l->want_accm = false; break;
			case LCP_OPT_AUTH:
				if (l->auth != PPP_AUTH_P_NONE) {
					vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
						       "%s LCP: peer refuses to authenticate",
						       e->name);
					lcp_auth_refused(e, "LCP: peer refuses to authenticate");
					return -EPERM;
				}
				break;
			case LCP_OPT_MAGIC: l->want_magic = false; break;
			case LCP_OPT_PFC: l->want_pfc = false; break;
			case LCP_OPT_ACFC: l->want_acfc = false; break;
			default: break;
			}
			continue;
		}
		switch (type) {
		case LCP_OPT_MRU:
			if (olen == 4 && get16(opt + 2) >= 64) {
				l->mru = get16(opt + 2);
				if (e->carrier_mru && l->mru > e->carrier_mru)
					l->mru = e->carrier_mru; /* a Nak up: no */
				l->want_mru = l->mru != 1500;
			}
			break;
		case LCP_OPT_ACCM:
			if (olen == 6)
				l->accm |= get32(opt + 2);
			break;
		case LCP_OPT_AUTH: {
			if (l->auth == PPP_AUTH_P_NONE)
				break;   /* we did not ask; ignore */
			uint8_t m = PPP_AUTH_P_NONE;
			if (olen == 5 && get16(opt + 2) == PPP_CHAP && opt[4] == CHAP_MD5_ALGORITHM)
				m = PPP_AUTH_P_CHAP;
			else if (olen == 4 && get16(opt + 2) == PPP_PAP)
				m = PPP_AUTH_P_PAP;
			bool ok = false;
			for (unsigned i = 0; i < e->conf->n_auth; i++)
				if (m != PPP_AUTH_P_NONE && e->conf->auth[i] == m) {
					l->auth = m;
					l->auth_idx = (uint8_t)i;
					ok = true;
				}
			if (!ok) {
				/* Try our next method, if any; else give up. */
				if (l->auth_idx + 1 < e->conf->n_auth) {
					l->auth_idx++;
					l->auth = e->conf->auth[l->auth_idx];
				} else {
					vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
						       "%s LCP: no common authentication protocol",
						       e->name);
					lcp_auth_refused(e, "LCP: no common authentication protocol");
					return -EPERM;
				}
			}
			break;
		}
		case LCP_OPT_MAGIC:
			l->magic = new_magic(olen == 6 ? get32(opt + 2) : l->magic);
			break;
		case LCP_OPT_PFC: l->want_pfc = false; break;
		case LCP_OPT_ACFC: l->want_acfc = false; break;
		default:
			break;   /* options the peer wants us to add: ignored */
		}
	}
	return 0;
}

static void echo_timeout(struct vpdn_timer *t, void *data);

/* The negotiation failed (the peer Naks for ever, or refuses what we
 * need): a refused negotiation, not a carrier loss. A more precise cause
 * set before (no common authentication protocol) stays. */
static void lcp_no_agreement(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);

	if (!e->down_reason)
		e->down_reason = -EPROTO;
	ppp_set_disconnect(e, VPDN_PPP_DISC_NO_INFO, PPP_LCP, VPDN_PPP_DISC_AT_PEER,
			   "LCP: no agreement with the peer");
}

static void lcp_tlu(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);
	e->lcp.echo_outstanding = 0;
	if (e->conf->keepalive_ms)
		vpdn_timer_arm(e->mgr->timers, &e->lcp.echo_timer, e->conf->keepalive_ms);
	ppp_lcp_up(e);
}

static void lcp_tld(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);
	vpdn_timer_cancel(e->mgr->timers, &e->lcp.echo_timer);
	ppp_lcp_down(e);
}

static void lcp_tlf(struct ppp_fsm *f)
{
	ppp_lcp_finished(ENG(f));
}

static void send_echo(struct ppp_engine *e, uint8_t code, uint8_t id,
		      const uint8_t *rest, size_t restlen)
{
	uint8_t buf[1500];
	if (restlen > sizeof(buf) - 4)
		restlen = sizeof(buf) - 4;
	/* Opened only: the magic is ours if negotiated, else 0. */
	put32(buf, e->lcp.want_magic ? e->lcp.magic : 0);
	if (restlen)
		memcpy(buf + 4, rest, restlen);
	uint16_t limit = e->lcp.peer_mru ? e->lcp.peer_mru : 1500;
	size_t n = 4 + restlen;
	if (n + 4 > limit)
		n = limit - 4;
	ppp_fsm_send_packet(&e->lcp_fsm, code, id, buf, n);
}

static void lcp_ser(struct ppp_fsm *f, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len)
{
	if (code == PPP_ECHOREQ && len >= 4)
		send_echo(ENG(f), PPP_ECHOREP, id, data + 4, len - 4);
}

static int lcp_other_code(struct ppp_fsm *f, uint8_t code, uint8_t id,
			  const uint8_t *data, size_t len)
{
	struct ppp_engine *e = ENG(f);
	switch (code) {
	case PPP_PROTREJ: {
		plog(e, NEG, "%s LCP: I PROTREJ [%s] id %u len %zu", e->name,
		     ppp_fsm_state_ios(f->state), id, len + 4);
		if (len < 2) {
			ppp_count_malformed(e);
			return -1;
		}
		if (f->state != FSM_OPENED)
			return -1;
		uint16_t p = get16(data);
		if (p == PPP_LCP)
			return FSM_EV_RXJ_MINUS;
		if (p == PPP_IPCP) {
			vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
				       "%s IPCP: rejected by the peer", e->name);
			ppp_fsm_close(&e->ipcp_fsm);
		} else if (p == PPP_IPV6CP && e->v6) {
			/* the peer has no IPv6CP: that NCP alone ends (RFC 1661
			 * 5.7: RXJ-), IPCP and LCP stay */
			vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
				       "%s IPV6CP: rejected by the peer", e->name);
			if (e->v6->fsm.state != FSM_INITIAL && e->v6->fsm.state != FSM_STARTING)
				ppp_fsm_event(&e->v6->fsm, FSM_EV_RXJ_MINUS);
		} else if ((p == PPP_CHAP || p == PPP_PAP) && e->phase == VPDN_PPP_PHASE_AUTHENTICATING) {
			ppp_fail(e, -EPROTONOSUPPORT, "authentication protocol rejected");
		}
		return FSM_EV_RXJ_PLUS;
	}
	case PPP_ECHOREQ:
	case PPP_ECHOREP:
		if (f->state != FSM_OPENED)
			return -1;   /* Echo only in Opened; silently discarded */
		if (len < 4) {
			ppp_count_malformed(e);
			return -1;
		}
		plog(e, NEG, "%s LCP: I %s [Open] id %u len %zu magic 0x%08X", e->name,
		     ppp_code_name(code), id, len + 4, get32(data));
		if (e->lcp.want_magic && get32(data) == e->lcp.magic && e->lcp.magic)
			vpdn_log_write(e->mgr->log, VPDN_LOG_WARNING, -1,
				       "%s LCP: own magic in %s: line may be looped",
				       e->name, ppp_code_name(code));
		if (code == PPP_ECHOREP)
			e->lcp.echo_outstanding = 0;
		return FSM_EV_RXR;
	case PPP_DISCREQ:
		return FSM_EV_RXR;
	default:
		return FSM_EV_RUC;
	}
}

static void echo_timeout(struct vpdn_timer *t, void *data)
{
	struct ppp_engine *e = data;
	if (e->lcp_fsm.state != FSM_OPENED)
		return;
	if (e->lcp.echo_outstanding >= e->conf->keepalive_count) {
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s LCP: no reply to %u Echo-Requests, link dead", e->name,
			       e->lcp.echo_outstanding);
		ppp_set_disconnect(e, VPDN_PPP_DISC_LCP_ECHO_TIMEOUT, PPP_LCP,
				   VPDN_PPP_DISC_AT_PEER, "keepalive failure");
		ppp_fail(e, -ETIMEDOUT, "keepalive failure");
	} else {
		e->lcp.echo_outstanding++;
		send_echo(e, PPP_ECHOREQ, e->lcp.echo_id++, NULL, 0);
		vpdn_timer_arm(e->mgr->timers, &e->lcp.echo_timer, e->conf->keepalive_ms);
	}
}

static void lcp_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	ppp_send(ENG(f), PPP_LCP, pkt, len);
}

void ppp_lcp_protocol_reject(struct ppp_engine *e, uint16_t proto,
			     const uint8_t *info, size_t len)
{
	uint8_t buf[1500];
	if (e->lcp_fsm.state != FSM_OPENED)
		return;
	size_t limit = (e->lcp.peer_mru ? e->lcp.peer_mru : 1500) - 4 - 2;
	if (limit > sizeof(buf) - 2)
		limit = sizeof(buf) - 2;
	if (len > limit)
		len = limit;
	put16(buf, proto);
	if (len)
		memcpy(buf + 2, info, len);
	ppp_fsm_send_packet(&e->lcp_fsm, PPP_PROTREJ, e->lcp_fsm.id++, buf, len + 2);
}

const struct ppp_fsm_ops ppp_lcp_ops = {
	.name = "LCP",
	.protocol = PPP_LCP,
	.reset = lcp_reset,
	.build_cr = lcp_build_cr,
	.rcr = lcp_rcr,
	.rcn = lcp_rcn,
	.tlu = lcp_tlu,
	.tld = lcp_tld,
	.tlf = lcp_tlf,
	.other_code = lcp_other_code,
	.ser = lcp_ser,
	.log_opts = lcp_log_opts,
	.send = lcp_send,
	.no_agreement = lcp_no_agreement,
};

void ppp_lcp_init(struct ppp_engine *e)
{
	struct ppp_fsm *f = &e->lcp_fsm;
	ppp_fsm_init(f, &ppp_lcp_ops, e, &e->mgr->fsm_env);
	f->restart_ms = e->conf->restart_ms;
	f->max_configure = e->conf->max_configure;
	f->max_failure = e->conf->max_failure;
	f->max_terminate = e->conf->max_terminate;
	/* forwarded as proxy LCP once Opened (lac-forward.c) */
	f->keep_last_request = e->role == VPDN_PPP_ROLE_LAC_FORWARD;
	vpdn_timer_init(&e->lcp.echo_timer, echo_timeout, e);
	e->lcp.peer_mru = e->carrier_mru && e->carrier_mru < 1500 ? e->carrier_mru : 1500;
	e->lcp.peer_accm = 0xFFFFFFFF;
	lcp_reset(f);
}

void ppp_lcp_fini(struct ppp_engine *e)
{
	ppp_fsm_fini(&e->lcp_fsm);
	vpdn_timer_cancel(e->mgr->timers, &e->lcp.echo_timer);
}
