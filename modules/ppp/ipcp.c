/* SPDX-License-Identifier: MIT */
/*
 * IPCP (RFC 1332, RFC 1877): IP-Address both ways, primary/secondary DNS.
 *
 * As the side that has an address for the peer (a pool, or
 * ppp-peer-default-ip-address), a peer asking 0.0.0.0 or proposing another
 * address is Nak'd with it. Without one ("no peer default ip address") the
 * peer's own address is accepted and 0.0.0.0 is Rejected. DNS options are
 * Nak'd with the configured servers, Rejected when none. As a client we ask
 * 0.0.0.0 when we have no address and take what the server Naks.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

#define ENG(f) ((struct ppp_engine *)(f)->ctx)

static void put_addr_opt(uint8_t *b, uint8_t type, struct in_addr a)
{
	b[0] = type;
	b[1] = 6;
	memcpy(b + 2, &a.s_addr, 4);
}

static struct in_addr get_addr(const uint8_t *p)
{
	struct in_addr a;
	memcpy(&a.s_addr, p, 4);
	return a;
}

static void ipcp_option_desc(const uint8_t *opt, uint8_t olen, char *d, size_t ds)
{
	char a[INET_ADDRSTRLEN] = "?";
	if (olen == 6)
		inet_ntop(AF_INET, opt + 2, a, sizeof(a));
	switch (opt[0]) {
	case IPCP_OPT_ADDR: snprintf(d, ds, "Address %s", a); break;
	case IPCP_OPT_DNS1: snprintf(d, ds, "PrimaryDNS %s", a); break;
	case IPCP_OPT_DNS2: snprintf(d, ds, "SecondaryDNS %s", a); break;
	case IPCP_OPT_NBNS1: snprintf(d, ds, "PrimaryWINS %s", a); break;
	case IPCP_OPT_NBNS2: snprintf(d, ds, "SecondaryWINS %s", a); break;
	case IPCP_OPT_COMPRESS: snprintf(d, ds, "CompressType"); break;
	default: snprintf(d, ds, "Option %u", opt[0]); break;
	}
}

static void ipcp_log_opts(struct ppp_fsm *f, const uint8_t *opts, size_t len)
{
	struct ppp_engine *e = ENG(f);
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	char desc[64];
	if (!vpdn_log_debug_on(e->log, NEG)) /* the descriptions cost a printf each */
		return;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		ipcp_option_desc(opt, olen, desc, sizeof(desc));
		ppp_log_hex_option(e->log, NEG, e->name, "IPCP", desc, opt, olen);
	}
}

static void ipcp_reset(struct ppp_fsm *f)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_ipcp *ip = &e->ipcp;
	ip->local = e->conf->local;
	ip->want_addr = true;
	ip->want_dns1 = ip->want_dns2 = e->role == VPDN_PPP_ROLE_CLIENT &&
					e->conf->ipcp_dns_request;
	ip->dns1.s_addr = ip->dns2.s_addr = 0;
	ip->peer.s_addr = 0;
	if (!ip->assigned.s_addr) {
		if (e->conf->pool_size) {
			ip->assigned = ppp_conf_pool_take(e->conf);
			ip->assigned_from_pool = ip->assigned.s_addr != 0;
		} else {
			ip->assigned = e->conf->peer_default;
		}
	}
}

static size_t ipcp_build_cr(struct ppp_fsm *f, uint8_t *b, size_t size)
{
	struct ppp_ipcp *ip = &ENG(f)->ipcp;
	size_t n = 0;
	if (ip->want_addr) { put_addr_opt(b + n, IPCP_OPT_ADDR, ip->local); n += 6; }
	if (ip->want_dns1) { put_addr_opt(b + n, IPCP_OPT_DNS1, ip->dns1); n += 6; }
	if (ip->want_dns2) { put_addr_opt(b + n, IPCP_OPT_DNS2, ip->dns2); n += 6; }
	return n;
}

static void add_opt(uint8_t *out, size_t size, size_t *n, const uint8_t *opt, size_t olen)
{
	if (*n + olen <= size) {
		memcpy(out + *n, opt, olen);
		*n += olen;
	}
}

static int ipcp_rcr(struct ppp_fsm *f, const uint8_t *opts, size_t len,
		    uint8_t *out, size_t outsize, size_t *outlen, bool nak_ok)
{
	struct ppp_engine *e = ENG(f);
	struct ppp_ipcp *ip = &e->ipcp;
	uint8_t nak[128], rej[1500];
	size_t nn = 0, nr = 0, pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	struct in_addr peer = { 0 };

	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		uint8_t sugg[6];
		if (olen != 6 || (type != IPCP_OPT_ADDR && type != IPCP_OPT_DNS1 &&
				  type != IPCP_OPT_DNS2)) {
			add_opt(rej, sizeof(rej), &nr, opt, olen);
			continue;
		}
		struct in_addr a = get_addr(opt + 2);
		struct in_addr want = { 0 };
		if (type == IPCP_OPT_ADDR) {
			if (ip->assigned.s_addr)
				want = ip->assigned;
			else if (a.s_addr)
				want = a;       /* no peer default: the peer's own */
			peer = want;
		} else {
			want = type == IPCP_OPT_DNS1 ? e->conf->dns1 : e->conf->dns2;
		}
		if (!want.s_addr) {
			add_opt(rej, sizeof(rej), &nr, opt, olen);
		} else if (want.s_addr != a.s_addr) {
			put_addr_opt(sugg, type, want);
			if (nak_ok) add_opt(nak, sizeof(nak), &nn, sugg, 6);
			else add_opt(rej, sizeof(rej), &nr, opt, olen);
		}
	}
	if (nr) {
		*outlen = nr < outsize ? nr : outsize;
		memcpy(out, rej, *outlen);
		return PPP_CONFREJ;
	}
	if (nn) {
		*outlen = nn < outsize ? nn : outsize;
		memcpy(out, nak, *outlen);
		return PPP_CONFNAK;
	}
	*outlen = 0;
	ip->peer = peer;
	return PPP_CONFACK;
}

static int ipcp_rcn(struct ppp_fsm *f, int code, const uint8_t *opts, size_t len)
{
	struct ppp_ipcp *ip = &ENG(f)->ipcp;
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		if (code == PPP_CONFREJ) {
			if (type == IPCP_OPT_ADDR) ip->want_addr = false;
			else if (type == IPCP_OPT_DNS1) ip->want_dns1 = false;
			else if (type == IPCP_OPT_DNS2) ip->want_dns2 = false;
			continue;
		}
		if (olen != 6)
			continue;
		struct in_addr a = get_addr(opt + 2);
		if (type == IPCP_OPT_ADDR && a.s_addr)
			ip->local = a;
		else if (type == IPCP_OPT_DNS1)
			ip->dns1 = a;
		else if (type == IPCP_OPT_DNS2)
			ip->dns2 = a;
	}
	return 0;
}

static void ipcp_tlu(struct ppp_fsm *f) { ppp_ipcp_up(ENG(f)); }
static void ipcp_tld(struct ppp_fsm *f) { ppp_ipcp_down(ENG(f)); }

static void ipcp_send(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	ppp_send(ENG(f), PPP_IPCP, pkt, len);
}

const struct ppp_fsm_ops ppp_ipcp_ops = {
	.name = "IPCP",
	.protocol = PPP_IPCP,
	.reset = ipcp_reset,
	.build_cr = ipcp_build_cr,
	.rcr = ipcp_rcr,
	.rcn = ipcp_rcn,
	.tlu = ipcp_tlu,
	.tld = ipcp_tld,
	.log_opts = ipcp_log_opts,
	.send = ipcp_send,
};

void ppp_ipcp_init(struct ppp_engine *e)
{
	struct ppp_fsm *f = &e->ipcp_fsm;
	ppp_fsm_init(f, &ppp_ipcp_ops, e, e->timers, e->log, e->name);
	f->restart_ms = e->conf->restart_ms;
	f->max_configure = e->conf->max_configure;
	f->max_failure = e->conf->max_failure;
	f->max_terminate = e->conf->max_terminate;
	f->malformed_total = e->mgr->c_malformed;
}

void ppp_ipcp_fini(struct ppp_engine *e)
{
	ppp_fsm_fini(&e->ipcp_fsm);
	if (e->ipcp.assigned_from_pool) {
		ppp_conf_pool_put(e->conf, e->ipcp.assigned);
		e->ipcp.assigned_from_pool = false;
	}
}
