/* SPDX-License-Identifier: MIT */
/*
 * IPCP (RFC 1332, RFC 1877): IP-Address both ways, primary/secondary DNS.
 *
 * As a server an address is acked only if it is the one we give: the one
 * authorization gave the user (username ip-address, chap-secrets' address
 * column), else a pool's (pool.c), else ppp-peer-default-ip-address; a peer asking
 * 0.0.0.0 or another address is Nak'd with it, and one that still insists
 * after Max-Failure Naks is closed. With none of these, a peer's own
 * address is acked only where the interface says
 * ppp-ipcp-accept-peer-address (default off), and only if it passes the
 * checks. Every address we would give is checked: its class
 * (ppp_ipcp_bad_class), not our IPCP address, and VPDN_EV_ADDRESS_CHECK
 * (the ip module: not ours, not another owner's session; l2tp: not a
 * tunnel endpoint). When nothing allowed is left the session is closed
 * ("no address allowed", counted) after the input that found it.
 * DNS options are Nak'd with the configured servers, Rejected when none.
 * As a client we ask 0.0.0.0 when we have no address and take what the
 * server Naks, and take the server's own address as it gives it.
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
	if (!vpdn_log_debug_on(e->mgr->log, NEG)) /* the descriptions cost a printf each */
		return;
	while (ppp_opt_next(opts, len, &pos, &type, &olen, &opt) > 0) {
		ipcp_option_desc(opt, olen, desc, sizeof(desc));
		ppp_log_hex_option(e->mgr->log, NEG, e->name, "IPCP", desc, opt, olen);
	}
}

const char *ppp_ipcp_bad_class(struct in_addr a)
{
	uint32_t h = ntohl(a.s_addr);

	if (h >> 24 == 0)
		return "\"this network\" (0/8)";
	if (h >> 24 == 127)
		return "loopback";
	if (h >> 16 == 0xA9FE)
		return "link-local";
	if (h == 0xFFFFFFFFu)
		return "broadcast";
	if (h >> 28 == 14)
		return "multicast";
	if (h >> 28 == 15)
		return "reserved (240/4)";
	return NULL;
}

struct check_answer {
	bool done;
	int status;
	char why[120];
};

static void check_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct check_answer *c = data;
	const struct vpdn_ev_address_refusal *r = reply;

	c->done = true;
	c->status = status == -ENOENT ? 0 : status;
	if (status == -EPROTO && !r) { /* an answer later is no answer: refuse */
		snprintf(c->why, sizeof(c->why), "no synchronous answer to the check");
		c->status = -EAGAIN;
	} else if (c->status < 0)
		snprintf(c->why, sizeof(c->why), "%s%s%s%s",
			 r && r->reason ? r->reason : g_strerror(-status),
			 r && r->holder ? " (" : "", r && r->holder ? r->holder : "",
			 r && r->holder ? ")" : "");
}

/* May the peer get a? 0, or -errno with the reason logged and counted. */
static int address_check(struct ppp_engine *e, struct in_addr a, bool authorized)
{
	struct ppp_ipcp *ip = &e->ipcp;
	struct check_answer c = { 0 };
	const char *bad = ppp_ipcp_bad_class(a);
	char txt[INET_ADDRSTRLEN], ubuf[96];

	if (bad) {
		snprintf(c.why, sizeof(c.why), "a %s address", bad);
		c.status = -EADDRNOTAVAIL;
	} else if (a.s_addr == ip->local.s_addr || a.s_addr == e->conf->local.s_addr) {
		snprintf(c.why, sizeof(c.why), "our own address");
		c.status = -EADDRNOTAVAIL;
	} else {
		struct vpdn_ev_address_check q = {
			.size = sizeof(q),
			.address = a,
			.interface = e->name,
			.owner = vpdn_address_owner(e->user, e->profile, e->conf->name),
			.authorized = authorized,
		};
		/* A question: answered before vpdn_bus_ask() returns. */
		(void)vpdn_bus_ask(e->mgr->bus, VPDN_EV_ADDRESS_CHECK, &q, check_done, &c);
	}
	if (c.status == 0)
		return 0;
	inet_ntop(AF_INET, &a, txt, sizeof(txt));
	vpdn_log_write(e->mgr->log, VPDN_LOG_NOTICE, -1, "%s IPCP: address %s refused for %s: %s",
		       e->name, txt,
		       e->user ? vpdn_log_printable(ubuf, sizeof(ubuf), e->user, strlen(e->user), 0)
			       : "the peer", c.why);
	if (e->mgr->c_addr_refused)
		(*e->mgr->c_addr_refused)++;
	ppp_ipcp_set_why(e, c.why);
	return c.status;
}

/* The address we give, checked once per choice: a refused pool address
 * is skipped for the next free ones (a few), a refused authorized or
 * default one leaves nothing. */
static bool assigned_ok(struct ppp_engine *e)
{
	struct ppp_ipcp *ip = &e->ipcp;
	struct in_addr skipped[4];
	unsigned n = 0;

	if (ip->assigned_checked)
		return ip->assigned.s_addr != 0;
	ip->assigned_checked = true;
	while (ip->assigned.s_addr && address_check(e, ip->assigned, true) < 0) {
		if (!ip->assigned_from_pool || n == G_N_ELEMENTS(skipped)) {
			if (ip->assigned_from_pool)
				ppp_pool_put(e, ip->assigned);
			ip->assigned.s_addr = 0;
			ip->assigned_from_pool = false;
			break;
		}
		skipped[n++] = ip->assigned;
		ip->assigned = ppp_pool_take(e);
		ip->assigned_from_pool = ip->assigned.s_addr != 0;
	}
	for (unsigned i = 0; i < n; i++)
		ppp_pool_put(e, skipped[i]);
	return ip->assigned.s_addr != 0;
}

/* A peer-chosen address (ppp-ipcp-accept-peer-address), judged once per
 * address the peer asks. */
static bool peer_choice_ok(struct ppp_engine *e, struct in_addr a)
{
	struct ppp_ipcp *ip = &e->ipcp;

	if (!e->conf->accept_peer_addr || !a.s_addr)
		return false;
	if (ip->judged.s_addr != a.s_addr) {
		ip->judged = a;
		ip->judged_ok = address_check(e, a, false) == 0;
	}
	return ip->judged_ok;
}

/* Why the address was refused, cut to PPP_IPCP_WHY_MAX - 1 octets as the
 * old fixed buffer did; NULL until something was refused. */
void ppp_ipcp_set_why(struct ppp_engine *e, const char *why)
{
	g_free(e->ipcp.refused_why);
	e->ipcp.refused_why = why && *why ? g_strndup(why, PPP_IPCP_WHY_MAX - 1) : NULL;
}

/* Nothing allowed: remember why; ppp_ipcp_check_refused() closes. */
static void refuse(struct ppp_engine *e, const char *what, struct in_addr a)
{
	struct ppp_ipcp *ip = &e->ipcp;
	char txt[INET_ADDRSTRLEN], why[PPP_IPCP_WHY_MAX + 96];

	inet_ntop(AF_INET, &a, txt, sizeof(txt));
	snprintf(why, sizeof(why), "%s (the peer asked %s%s%s)", what, txt,
		 ip->refused_why ? ": " : "", ip->refused_why ? ip->refused_why : "");
	ppp_ipcp_set_why(e, why);
	ip->refused = true;
}

void ppp_ipcp_check_refused(struct ppp_engine *e)
{
	char why[PPP_IPCP_WHY_MAX + 32];

	if (e->net_refused && !e->dead) {
		int cause = e->net_refused;
		e->net_refused = 0;
		ppp_fail(e, cause, e->ipcp.refused_why ? e->ipcp.refused_why : "");
		return;
	}
	if (!e->ipcp.refused || e->dead)
		return;
	e->ipcp.refused = false;
	if (e->mgr->c_ipcp_closed)
		(*e->mgr->c_ipcp_closed)++;
	snprintf(why, sizeof(why), "IPCP: %s", e->ipcp.refused_why ? e->ipcp.refused_why : "");
	ppp_fail(e, -EADDRNOTAVAIL, why);
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
	ip->refused = false;
	g_clear_pointer(&ip->refused_why, g_free);
	ip->judged.s_addr = 0;
	if (!ip->assigned.s_addr && e->role == VPDN_PPP_ROLE_SERVER) {
		ip->assigned_checked = false;
		if (e->auth_addr.s_addr) {
			ip->assigned = e->auth_addr;
		} else if (ppp_pool_wanted(e)) {
			ip->assigned = ppp_pool_take(e);
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
		if (type == IPCP_OPT_ADDR && e->role != VPDN_PPP_ROLE_SERVER) {
			want = ip->assigned.s_addr ? ip->assigned : a; /* the server's own */
			peer = want;
		} else if (type == IPCP_OPT_ADDR) {
			if (assigned_ok(e))
				want = ip->assigned;
			else if (peer_choice_ok(e, a))
				want = a;
			if (!want.s_addr) {
				if (!ip->refused_why && !e->conf->accept_peer_addr)
					ppp_ipcp_set_why(e, "authorization gave none and "
							 "the interface does not accept the peer's own");
				refuse(e, "no address allowed for the peer", a);
				return 0;   /* dropped; the engine closes */
			}
			if (want.s_addr != a.s_addr && !nak_ok) {
				refuse(e, "the peer does not take the address it is given", a);
				return 0;
			}
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
	ppp_fsm_init(f, &ppp_ipcp_ops, e, &e->mgr->fsm_env);
	f->restart_ms = e->conf->restart_ms;
	f->max_configure = e->conf->max_configure;
	f->max_failure = e->conf->max_failure;
	f->max_terminate = e->conf->max_terminate;
}

void ppp_ipcp_fini(struct ppp_engine *e)
{
	ppp_fsm_fini(&e->ipcp_fsm);
	if (e->ipcp.assigned_from_pool) {
		ppp_pool_put(e, e->ipcp.assigned);
		e->ipcp.assigned_from_pool = false;
	}
	ppp_pool_release(e);
}
