/* SPDX-License-Identifier: MIT */
/*
 * IPv6CP (RFC 5072): the Interface-Identifier option (type 1, length 10)
 * both ways, on the fsm.c automaton beside IPCP on the same LCP.
 *
 * Ours is the interface's ipv6-interface-id, else a random one (its
 * universal/local bit clear, RFC 4291 modified EUI-64), drawn once per
 * session. The peer's is acked unless it is zero, equal to ours or (as a
 * server) another session's peer identifier on this node, or differs from
 * the one authorization gave (Framed-Interface-Id): then it is Nak'd with
 * a suggestion (authorization's, else a fresh random one that is none of
 * these). A server Naks a request without the option with a suggestion
 * too (RFC 5072 4.1 allows it): every server session has a peer
 * identifier, unique on the node, so that a shared TUN tells sessions
 * apart by link-local address. A peer still insisting after Max-Failure
 * Naks gets IPv6CP closed, alone: IPCP and LCP stay. Our own identifier
 * Nak'd is taken unless it is zero or the peer's (then a fresh one);
 * the option Rejected is no longer sent (ours is kept for the link-local
 * address).
 *
 * Either NCP may fail or close alone (network.c keeps the one network
 * link while one of them is Opened).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>

#include "ppp-private.h"

#define ENG(f) ((struct ppp_engine *)(f)->ctx)

static const uint8_t zero_ifid[8];

static bool ifid_zero(const uint8_t *id) { return !memcmp(id, zero_ifid, 8); }

static uint64_t ifid_key(const uint8_t *id)
{
	uint64_t k;
	memcpy(&k, id, 8);
	return k;
}

int ppp_parse_ifid(const char *s, uint8_t out[8])
{
	struct in6_addr a;

	if (!s || inet_pton(AF_INET6, s, &a) != 1)
		return -EINVAL;
	if (!ifid_zero(a.s6_addr) || ifid_zero(a.s6_addr + 8))
		return -EINVAL;
	memcpy(out, a.s6_addr + 8, 8);
	return 0;
}

/* Another server session of this node has id as its peer's. */
static bool ifid_taken(struct ppp_engine *e, const uint8_t *id)
{
	uint64_t k = ifid_key(id);
	struct ppp_engine *o = g_hash_table_lookup(e->mgr->peer_ifids, &k);

	return o && o != e;
}

static void unregister_peer(struct ppp_engine *e)
{
	struct ppp_ipv6cp *v = e->v6;

	if (!v->registered)
		return;
	if (g_hash_table_lookup(e->mgr->peer_ifids, &v->key) == e)
		g_hash_table_remove(e->mgr->peer_ifids, &v->key);
	v->registered = false;
}

static void register_peer(struct ppp_engine *e)
{
	struct ppp_ipv6cp *v = e->v6;

	if (e->role != VPDN_PPP_ROLE_SERVER)
		return;
	if (v->registered && v->key == ifid_key(v->peer))
		return;
	unregister_peer(e);
	v->key = ifid_key(v->peer);
	g_hash_table_replace(e->mgr->peer_ifids, &v->key, e);
	v->registered = true;
}

void ppp_ipv6cp_register_peer(struct ppp_engine *e)
{
	if (e->v6)
		register_peer(e);
}

static void random_ifid(uint8_t id[8])
{
	do {
		vpdn_random_bytes(id, 8);
		id[0] &= (uint8_t)~0x02;       /* not universal (RFC 4291 2.5.1) */
	} while (ifid_zero(id));
}

/* Why the peer may not use id (zero, ours, another session's), or NULL. */
static const char *ifid_fault_plain(struct ppp_engine *e, const uint8_t *id)
{
	if (ifid_zero(id))
		return "zero";
	if (!memcmp(id, e->v6->local, 8))
		return "equal to ours";
	if (e->role == VPDN_PPP_ROLE_SERVER && ifid_taken(e, id))
		return "another session's";
	return NULL;
}

/* ... or, as a server, not the one authorization gave (when that one is
 * usable). */
static const char *ifid_fault(struct ppp_engine *e, const uint8_t *id)
{
	const struct vpdn_auth_ipv6 *a = e->v6->auth;
	const char *f = ifid_fault_plain(e, id);

	if (!f && e->role == VPDN_PPP_ROLE_SERVER && a && a->has_interface_id &&
	    memcmp(id, a->interface_id, 8) && !ifid_fault_plain(e, a->interface_id))
		f = "not the one authorization gave";
	return f;
}

/* What we suggest to the peer: stable across retransmissions while it
 * stays acceptable; authorization's identifier first. */
static const uint8_t *suggestion(struct ppp_engine *e)
{
	struct ppp_ipv6cp *v = e->v6;

	if (v->auth && v->auth->has_interface_id && !ifid_fault_plain(e, v->auth->interface_id))
		return v->auth->interface_id;
	for (int i = 0; !v->have_suggested || ifid_fault_plain(e, v->suggested); i++) {
		random_ifid(v->suggested);
		v->have_suggested = true;
		if (i > 16)   /* 2^-60 per draw: never, but bounded */
			break;
	}
	return v->suggested;
}

static void ifid_text(const uint8_t *id, char *d, size_t ds)
{
	snprintf(d, ds, "%02X%02X:%02X%02X:%02X%02X:%02X%02X", id[0], id[1], id[2], id[3], id[4],
		 id[5], id[6], id[7]);
}

static void ipv6cp_log_opts(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	struct ppp_engine *e = ENG(f);
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	char desc[64], t[24];

	if (!vpdn_log_debug_on(e->mgr->log, NEG))
		return;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		if (type == IPV6CP_OPT_IFID && olen == 10) {
			ifid_text(opt + 2, t, sizeof(t));
			snprintf(desc, sizeof(desc), "Interface-Id %s", t);
		} else {
			snprintf(desc, sizeof(desc), "Option %u", type);
		}
		ppp_log_hex_option(e->mgr->log, NEG, e->name, "IPV6CP", desc, opt, olen);
	}
}

static void ipv6cp_reset(struct ppp_fsm *f)
{
	struct ppp_ipv6cp *v = ENG(f)->v6;
	struct ppp_engine *e = ENG(f);

	v->want_ifid = true;
	v->have_peer = false;
	v->refused = false;
	v->refused_why[0] = '\0';
	if (e->conf->has_ipv6_ifid && ifid_zero(v->local))
		memcpy(v->local, e->conf->ipv6_ifid, 8);
	else if (ifid_zero(v->local))
		random_ifid(v->local);
}

static size_t ipv6cp_build_cr(struct ppp_fsm *f, uint8_t *b, size_t size)
{
	struct ppp_ipv6cp *v = ENG(f)->v6;

	if (!v->want_ifid || size < 10)
		return 0;
	b[0] = IPV6CP_OPT_IFID;
	b[1] = 10;
	memcpy(b + 2, v->local, 8);
	return 10;
}

static void refuse(struct ppp_engine *e, const char *why)
{
	struct ppp_ipv6cp *v = e->v6;

	g_strlcpy(v->refused_why, why, sizeof(v->refused_why));
	v->refused = true;
}

static int ipv6cp_rcr(struct ppp_fsm *f, const uint8_t *opts, size_t len, uint8_t *out,
		      size_t outsize, size_t *outlen, bool nak_ok)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_ipv6cp *v = e->v6;
	uint8_t nak[10], rej[1500];
	size_t nn = 0, nr = 0, pos = 0;
	uint8_t type, olen;
	const uint8_t *opt, *peer = NULL;
	char t[24], ubuf[96];

	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		if (type != IPV6CP_OPT_IFID || olen != 10 || peer) {
			if (nr + olen <= sizeof(rej)) {
				memcpy(rej + nr, opt, olen);
				nr += olen;
			}
			continue;
		}
		peer = opt + 2;
	}
	if (nr) {
		*outlen = MIN(nr, outsize);
		memcpy(out, rej, *outlen);
		return PPP_CONFREJ;
	}
	const char *fault = peer ? ifid_fault(e, peer)
				 : e->role == VPDN_PPP_ROLE_SERVER ? "absent" : NULL;
	if (fault) {
		if (peer)
			ifid_text(peer, t, sizeof(t));
		vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1,
			       "%s IPV6CP: peer Interface-Id %s%s %s for %s: %s", e->name,
			       peer ? t : "", peer ? "" : "(none)", nak_ok ? "Nak'd" : "refused",
			       e->user ? vpdn_log_printable(ubuf, sizeof(ubuf), e->user,
							     strlen(e->user), 0)
				       : "the peer",
			       fault);
		uint64_t *c = !strcmp(fault, "another session's") ? e->mgr->c_ifid_dup
								   : e->mgr->c_ifid_nak;
		if (c)
			(*c)++;
		if (!nak_ok) {
			char why[96];
			snprintf(why, sizeof(why), "the peer keeps an Interface-Id that is %s",
				 fault);
			refuse(e, why);
			return 0;   /* dropped; IPv6CP closes after the input */
		}
		nak[0] = IPV6CP_OPT_IFID;
		nak[1] = 10;
		memcpy(nak + 2, suggestion(e), 8);
		nn = 10;
		*outlen = MIN(nn, outsize);
		memcpy(out, nak, *outlen);
		return PPP_CONFNAK;
	}
	*outlen = 0;
	if (peer) {
		memcpy(v->peer, peer, 8);
		v->have_peer = true;
		register_peer(e);
	}
	return PPP_CONFACK;
}

static int ipv6cp_rcn(struct ppp_fsm *f, int code, const uint8_t *opts, size_t len)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_ipv6cp *v = e->v6;
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;

	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		if (type != IPV6CP_OPT_IFID)
			continue;
		if (code == PPP_CONFREJ) {
			v->want_ifid = false;
			continue;
		}
		if (olen != 10 || !v->want_ifid)
			continue;
		if (ifid_zero(opt + 2) || (v->have_peer && !memcmp(opt + 2, v->peer, 8))) {
			uint8_t old[8];
			memcpy(old, v->local, 8);
			do
				random_ifid(v->local);
			while (!memcmp(v->local, old, 8));
		} else {
			memcpy(v->local, opt + 2, 8);
		}
	}
	return 0;
}

static void ipv6cp_tlu(struct ppp_fsm *f) { ppp_ipv6cp_up(ENG(f)); }
static void ipv6cp_tld(struct ppp_fsm *f) { ppp_ipv6cp_down(ENG(f)); }

static void ipv6cp_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	ppp_send(ENG(f), PPP_IPV6CP, pkt, len);
}

static void ipv6cp_no_agreement(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);

	vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1, "%s IPV6CP: no agreement, IPv6CP closed",
		       e->name);
	if (e->mgr->c_ipv6cp_closed)
		(*e->mgr->c_ipv6cp_closed)++;
}

const struct ppp_fsm_ops ppp_ipv6cp_ops = {
	.name = "IPV6CP",
	.protocol = PPP_IPV6CP,
	.reset = ipv6cp_reset,
	.build_cr = ipv6cp_build_cr,
	.rcr = ipv6cp_rcr,
	.rcn = ipv6cp_rcn,
	.tlu = ipv6cp_tlu,
	.tld = ipv6cp_tld,
	.log_opts = ipv6cp_log_opts,
	.send = ipv6cp_send,
	.no_agreement = ipv6cp_no_agreement,
};

void ppp_ipv6cp_input(struct ppp_engine *e, const uint8_t *p, size_t n)
{
	struct ppp_ipv6cp *v = e->v6;

	ppp_fsm_input(&v->fsm, p, n);
	/* the IP side refusing the network (in IPV6_UP) closes the session */
	ppp_ipcp_check_refused(e);
	if (e->dead || !e->v6 || !v->refused)
		return;
	v->refused = false;
	vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1, "%s IPV6CP: closing: %s", e->name,
		       v->refused_why);
	if (e->mgr->c_ipv6cp_closed)
		(*e->mgr->c_ipv6cp_closed)++;
	ppp_fsm_close(&v->fsm);
}

void ppp_ipv6cp_early(struct ppp_engine *e, const uint8_t *p, size_t n)
{
	struct ppp_ipv6cp *v = e->v6;

	if (!v || !e->proxy_auth || n < 4 || n > sizeof(v->early) || p[0] != PPP_CONFREQ)
		return;
	memcpy(v->early, p, n);
	v->early_len = (uint8_t)n;
}

void ppp_ipv6cp_take_early(struct ppp_engine *e)
{
	struct ppp_ipv6cp *v = e->v6;
	uint8_t pkt[PPP_EARLY_IPV6CP_MAX];
	size_t n;

	if (!v || !v->early_len || e->dead || e->phase != VPDN_PPP_PHASE_UP)
		return;
	n = v->early_len;
	memcpy(pkt, v->early, n);
	v->early_len = 0;
	plog(e, NEG, "%s IPV6CP: the peer's early Configure-Request taken", e->name);
	ppp_ipv6cp_input(e, pkt, n);
}

void ppp_ipv6cp_set_auth(struct ppp_engine *e, const struct vpdn_auth_ipv6 *a)
{
	struct ppp_ipv6cp *v = e->v6;

	if (!v)
		return;
	if (v->auth) {
		g_free((char *)v->auth->framed_pool);
		g_free((char *)v->auth->delegated_pool);
		g_clear_pointer(&v->auth, g_free);
	}
	if (!a)
		return;
	v->auth = g_memdup2(a, sizeof(*a));
	v->auth->framed_pool = g_strdup(a->framed_pool);
	v->auth->delegated_pool = g_strdup(a->delegated_pool);
	if (v->auth->n_dns > G_N_ELEMENTS(v->auth->dns))
		v->auth->n_dns = G_N_ELEMENTS(v->auth->dns);
	if (v->auth->framed_plen > 128)
		v->auth->framed_plen = 0;
	if (v->auth->delegated_plen > 128)
		v->auth->delegated_plen = 0;
}

void ppp_ipv6cp_init(struct ppp_engine *e)
{
	if (!e->conf->ipv6)
		return;
	e->v6 = g_new0(struct ppp_ipv6cp, 1);
	struct ppp_fsm *f = &e->v6->fsm;
	ppp_fsm_init(f, &ppp_ipv6cp_ops, e, &e->mgr->fsm_env);
	f->restart_ms = e->conf->restart_ms;
	f->max_configure = e->conf->max_configure;
	f->max_failure = e->conf->max_failure;
	f->max_terminate = e->conf->max_terminate;
	ipv6cp_reset(f);
}

/* The fsm's timer goes now (the engine is freed later); the rest with it. */
void ppp_ipv6cp_fini(struct ppp_engine *e)
{
	if (!e->v6)
		return;
	ppp_fsm_fini(&e->v6->fsm);
	unregister_peer(e);
	ppp_ipv6cp_set_auth(e, NULL);
	g_clear_pointer(&e->v6, g_free);
}
