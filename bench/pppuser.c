/* SPDX-License-Identifier: MIT */
/* The bench generators' PPP user side. See pppuser.h. */
#include "pppuser.h"

#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

uint64_t pppu_echo_replies;
static const char *why = "";

uint32_t pppu_client_addr(uint32_t g)
{
	return (17u << 24) | ((g / 250) << 8 & 0xffff00) | (g % 250 + 1);
}

const char *pppu_why(void)
{
	return why;
}

/* ---- the RFC 1661 4.1 automaton, one table for LCP and IPCP ---- */

enum ev { EV_UP, EV_DOWN, EV_TO_PLUS, EV_TO_MINUS, EV_RCR_PLUS, EV_RCR_MINUS, EV_RCA,
	  EV_RCN, EV_RTR, EV_RTA, EV__COUNT };

enum act {
	A_TLD = 1u << 0, A_IRC = 1u << 1, A_ZRC = 1u << 2, A_SCR = 1u << 3, A_SCA = 1u << 4,
	A_SCN = 1u << 5, A_STR = 1u << 6, A_STA = 1u << 7, A_TLU = 1u << 8, A_TLS = 1u << 9,
	A_TLF = 1u << 10,
	A_BAD = 1u << 15,   /* "-" in the RFC table: cannot happen, ignored */
};

struct cell {
	uint16_t act;
	uint8_t next;
};

#define C(a, n) { (a), PPPU_##n }
#define X { A_BAD, 0 }
/* Columns: Starting Closed Stopped Closing Stopping Req-Sent Ack-Rcvd Ack-Sent Opened
 * (Initial is never entered: no administrative Close; Down from Closed or
 * Closing, which go to Initial in the RFC, go to Starting here). */
static const struct cell table[EV__COUNT][PPPU__STATE_COUNT] = {
	[EV_UP] = { C(A_IRC | A_SCR, REQSENT), X, X, X, X, X, X, X, X },
	[EV_DOWN] = { X, C(0, STARTING), C(A_TLS, STARTING), C(0, STARTING), C(0, STARTING),
		      C(0, STARTING), C(0, STARTING), C(0, STARTING), C(A_TLD, STARTING) },
	[EV_TO_PLUS] = { X, X, X, C(A_STR, CLOSING), C(A_STR, STOPPING), C(A_SCR, REQSENT),
			 C(A_SCR, REQSENT), C(A_SCR, ACKSENT), X },
	[EV_TO_MINUS] = { X, X, X, C(A_TLF, CLOSED), C(A_TLF, STOPPED), C(A_TLF, STOPPED),
			  C(A_TLF, STOPPED), C(A_TLF, STOPPED), X },
	[EV_RCR_PLUS] = { X, C(A_STA, CLOSED), C(A_IRC | A_SCR | A_SCA, ACKSENT),
			  C(0, CLOSING), C(0, STOPPING), C(A_SCA, ACKSENT),
			  C(A_SCA | A_TLU, OPENED), C(A_SCA, ACKSENT),
			  C(A_TLD | A_SCR | A_SCA, ACKSENT) },
	[EV_RCR_MINUS] = { X, C(A_STA, CLOSED), C(A_IRC | A_SCR | A_SCN, REQSENT),
			   C(0, CLOSING), C(0, STOPPING), C(A_SCN, REQSENT), C(A_SCN, ACKRCVD),
			   C(A_SCN, REQSENT), C(A_TLD | A_SCR | A_SCN, REQSENT) },
	[EV_RCA] = { X, C(A_STA, CLOSED), C(A_STA, STOPPED), C(0, CLOSING), C(0, STOPPING),
		     C(A_IRC, ACKRCVD), C(A_SCR, REQSENT), C(A_IRC | A_TLU, OPENED),
		     C(A_TLD | A_SCR, REQSENT) },
	[EV_RCN] = { X, C(A_STA, CLOSED), C(A_STA, STOPPED), C(0, CLOSING), C(0, STOPPING),
		     C(A_IRC | A_SCR, REQSENT), C(A_SCR, REQSENT), C(A_IRC | A_SCR, ACKSENT),
		     C(A_TLD | A_SCR, REQSENT) },
	[EV_RTR] = { X, C(A_STA, CLOSED), C(A_STA, STOPPED), C(A_STA, CLOSING),
		     C(A_STA, STOPPING), C(A_STA, REQSENT), C(A_STA, REQSENT), C(A_STA, REQSENT),
		     C(A_TLD | A_ZRC | A_STA, STOPPING) },
	[EV_RTA] = { X, C(0, CLOSED), C(0, STOPPED), C(A_TLF, CLOSED), C(A_TLF, STOPPED),
		     C(0, REQSENT), C(0, REQSENT), C(0, ACKSENT), C(A_TLD | A_SCR, REQSENT) },
};
#undef C
#undef X

void (*pppu_trace)(const struct pppu *u, const char *layer, const char *event,
		   const char *from, const char *to);

static const char *event_name(enum ev e)
{
	static const char *const n[] = { "Up", "Down", "TO+", "TO-", "RCR+", "RCR-", "RCA",
					 "RCN", "RTR", "RTA" };
	return (unsigned)e < EV__COUNT ? n[e] : "?";
}

const char *pppu_state_name(enum pppu_state s)
{
	static const char *const n[] = { "Starting", "Closed", "Stopped", "Closing", "Stopping",
					 "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened" };
	return (unsigned)s < PPPU__STATE_COUNT ? n[s] : "?";
}

/* One input or tick: who we are and what comes out. */
struct run {
	struct pppu *u;
	const struct pppu_io *io;
	enum pppu_result res;
	/* the packet being answered */
	uint8_t id;
	const uint8_t *data;
	size_t len;
	uint8_t reply_code;      /* PPP_CONFNAK/REJ for scn */
	uint8_t reply[64];
	size_t reply_len;
	int wants_auth;          /* the peer's LCP request carries CHAP */
};

enum { CONFREQ = 1, CONFACK, CONFNAK, CONFREJ, TERMREQ, TERMACK, CODEREJ, PROTREJ, ECHOREQ,
       ECHOREP, DISCREQ };
#define PROTO_LCP 0xc021
#define PROTO_IPCP 0x8021
#define PROTO_CHAP 0xc223

static void event(struct run *r, int lcp, enum ev ev);

static uint32_t our_magic(const struct pppu *u)
{
	return u->lcp.flags & PPPU_F_MAGIC2 ? ~PPPU_MAGIC : PPPU_MAGIC;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16 & 0xff;
	p[2] = v >> 8 & 0xff;
	p[3] = v & 0xff;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void send_pkt(struct run *r, uint16_t proto, uint8_t code, uint8_t id,
		     const uint8_t *data, size_t len)
{
	uint8_t p[1500];

	if (len > sizeof(p) - 4)
		len = sizeof(p) - 4;
	p[0] = code;
	p[1] = id;
	p[2] = (uint8_t)((len + 4) >> 8);
	p[3] = (uint8_t)(len + 4);
	if (len)
		memcpy(p + 4, data, len);
	r->io->send(r->io->ctx, proto, p, len + 4);
}

static void scr(struct run *r, int lcp, int retransmit)
{
	struct pppu *u = r->u;
	struct pppu_layer *l = lcp ? &u->lcp : &u->ipcp;
	uint8_t o[6];
	size_t n = 0;

	if (!retransmit)
		l->id++;
	l->flags &= (uint8_t)~PPPU_F_ANSWERED;
	if (l->restart)
		l->restart--;
	if (!(l->flags & PPPU_F_NO_OPT)) {
		o[0] = lcp ? 5 : 3;
		o[1] = 6;
		if (!lcp && !u->addr)
			u->addr = r->io->addr;
		put32(o + 2, lcp ? our_magic(u) : u->addr);
		n = 6;
	}
	u->t_sent = r->io->now;
	send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, CONFREQ, l->id, o, n);
}

static void str(struct run *r, int lcp)
{
	struct pppu_layer *l = lcp ? &r->u->lcp : &r->u->ipcp;

	if (l->restart)
		l->restart--;
	r->u->t_sent = r->io->now;
	send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, TERMREQ, ++l->id, NULL, 0);
}

/* This-Layer-Up/Down/Finished: LCP moves the phases, IPCP is the result. */
static void tlu(struct run *r, int lcp)
{
	struct pppu *u = r->u;

	if (!lcp) {
		u->up = 1;
		u->ups++;
		r->res = PPPU_UP;
	} else if (u->lcp.flags & PPPU_F_AUTH) {
		u->phase = PPPU_PH_AUTHENTICATE;
	} else {
		u->phase = PPPU_PH_NETWORK;
		event(r, 0, EV_UP);
	}
}

static void tld(struct run *r, int lcp)
{
	struct pppu *u = r->u;

	if (!lcp) {
		if (u->up)
			r->res = PPPU_DOWN;
		u->up = 0;
		return;
	}
	u->phase = PPPU_PH_ESTABLISH;
	if (u->ipcp.state != PPPU_STARTING)
		event(r, 0, EV_DOWN);
}

static void tlf(struct run *r, int lcp)
{
	why = lcp ? "LCP finished (no agreement, Terminate or timeout)"
		  : "IPCP finished (no agreement, Terminate or timeout)";
	r->res = PPPU_REFUSED;
}

static void event(struct run *r, int lcp, enum ev ev)
{
	struct pppu_layer *l = lcp ? &r->u->lcp : &r->u->ipcp;
	const struct cell *c = &table[ev][l->state < PPPU__STATE_COUNT ? l->state : 0];
	uint16_t a = c->act;

	if (a & A_BAD)
		return;
	/* the one place a layer changes state; first, as modules/ppp/fsm.c
	 * does, so that nested events see the new state */
	if (pppu_trace && l->state != c->next)
		pppu_trace(r->u, lcp ? "LCP" : "IPCP", event_name(ev),
			   pppu_state_name((enum pppu_state)l->state),
			   pppu_state_name((enum pppu_state)c->next));
	l->state = c->next;
	if (a & A_TLD)
		tld(r, lcp);
	if (a & A_IRC)
		l->restart = PPPU_MAX_CONFIGURE;   /* irc only ever precedes scr */
	if (a & A_ZRC) {
		l->restart = 0;
		r->u->t_sent = r->io->now;
	}
	if (a & A_SCR)
		scr(r, lcp, ev == EV_TO_PLUS);
	if (a & A_SCA) {
		if (lcp)
			l->flags = (uint8_t)((l->flags & ~PPPU_F_AUTH) |
					     (r->wants_auth ? PPPU_F_AUTH : 0));
		send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, CONFACK, r->id, r->data, r->len);
	}
	if (a & A_SCN)
		send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, r->reply_code, r->id, r->reply,
			 r->reply_len);
	if (a & A_STR)
		str(r, lcp);
	if (a & A_STA)
		send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, TERMACK, r->id, NULL, 0);
	if (a & A_TLU)
		tlu(r, lcp);
	if (a & A_TLF)
		tlf(r, lcp);
}

/* ---- option judgement ---- */

static void add_reply(struct run *r, int code, const uint8_t *o, size_t n)
{
	if (code > r->reply_code) {   /* a Reject outranks Naks, a Nak Acks */
		r->reply_code = (uint8_t)code;
		r->reply_len = 0;
	}
	if (code == r->reply_code && r->reply_len + n <= sizeof(r->reply)) {
		memcpy(r->reply + r->reply_len, o, n);
		r->reply_len += n;
	}
}

/* The peer's Configure-Request: EV_RCR_PLUS / MINUS, or -1 if malformed. */
static int judge(struct run *r, int lcp, const uint8_t *o, size_t len)
{
	static const uint8_t chap_md5[5] = { 3, 5, 0xc2, 0x23, 5 };
	size_t pos = 0;

	r->reply_code = CONFACK;
	r->reply_len = 0;
	r->wants_auth = 0;
	while (pos < len) {
		if (len - pos < 2 || o[pos + 1] < 2 || o[pos + 1] > len - pos)
			return -1;
		const uint8_t *opt = o + pos;
		uint8_t t = opt[0], ol = opt[1];
		pos += ol;
		if (!lcp) {
			if (t != 3 || ol != 6)
				add_reply(r, CONFREJ, opt, ol);
			continue;
		}
		switch (t) {
		case 1: /* MRU */
			if (ol != 4)
				add_reply(r, CONFREJ, opt, ol);
			break;
		case 2: /* ACCM */
			if (ol != 6)
				add_reply(r, CONFREJ, opt, ol);
			break;
		case 3: /* Authentication-Protocol: CHAP MD5 or nothing */
			if (ol == 5 && !memcmp(opt, chap_md5, 5))
				r->wants_auth = 1;
			else
				add_reply(r, CONFNAK, chap_md5, 5);
			break;
		case 5: /* Magic-Number: ours back is a looped link (RFC 1661 6.4) */
			if (ol != 6) {
				add_reply(r, CONFREJ, opt, ol);
			} else if (get32(opt + 2) == our_magic(r->u) && !(r->u->lcp.flags & PPPU_F_NO_OPT)) {
				uint8_t n[6] = { 5, 6 };
				put32(n + 2, ~get32(opt + 2) ^ 0x5a5a5a5au);
				add_reply(r, CONFNAK, n, 6);
			}
			break;
		case 8: /* ACFC: the input takes frames with or without ff 03 */
			if (ol != 2)
				add_reply(r, CONFREJ, opt, ol);
			break;
		default: /* PFC and the rest: Configure-Reject what this user does not do */
			add_reply(r, CONFREJ, opt, ol);
		}
	}
	return r->reply_code == CONFACK ? EV_RCR_PLUS : EV_RCR_MINUS;
}

/* A Nak or Reject of our request: adopt the offered address, or stop
 * sending the option. Options we did not send are ignored (RFC 1661 5.3). */
static int digest(struct run *r, int lcp, int code, const uint8_t *o, size_t len)
{
	struct pppu *u = r->u;
	size_t pos = 0;

	while (pos < len) {
		if (len - pos < 2 || o[pos + 1] < 2 || o[pos + 1] > len - pos)
			return -1;
		const uint8_t *opt = o + pos;
		pos += opt[1];
		if (opt[0] != (lcp ? 5 : 3))
			continue;
		if (code == CONFREJ)
			(lcp ? &u->lcp : &u->ipcp)->flags |= PPPU_F_NO_OPT;
		else if (opt[1] == 6 && lcp)
			u->lcp.flags ^= PPPU_F_MAGIC2;
		else if (opt[1] == 6)
			u->addr = get32(opt + 2);
	}
	return 0;
}

/* ---- the layers' packets ---- */

static void layer_input(struct run *r, int lcp, const uint8_t *p, size_t pl)
{
	struct pppu_layer *l = lcp ? &r->u->lcp : &r->u->ipcp;
	size_t len = (size_t)p[2] << 8 | p[3];
	int ev;

	if (len < 4 || len > pl)
		return;   /* malformed: silently discarded */
	r->id = p[1];
	r->data = p + 4;
	r->len = len - 4;
	switch (p[0]) {
	case CONFREQ:
		ev = judge(r, lcp, r->data, r->len);
		if (ev >= 0)
			event(r, lcp, (enum ev)ev);
		return;
	case CONFACK:
	case CONFNAK:
	case CONFREJ:
		if (p[1] != l->id || l->flags & PPPU_F_ANSWERED)
			return;   /* not for our outstanding request, or a duplicate */
		l->flags |= PPPU_F_ANSWERED;
		if (p[0] != CONFACK && digest(r, lcp, p[0], r->data, r->len) < 0)
			return;
		event(r, lcp, p[0] == CONFACK ? EV_RCA : EV_RCN);
		return;
	case TERMREQ:
		event(r, lcp, EV_RTR);
		return;
	case TERMACK:
		event(r, lcp, EV_RTA);
		return;
	case CODEREJ:
	case PROTREJ:
		return;   /* RXJ+: nothing we send is optional */
	case ECHOREQ:
		if (lcp && l->state == PPPU_OPENED && r->len >= 4) {
			uint8_t e[1500];
			size_t n = r->len < sizeof(e) ? r->len : sizeof(e);
			memcpy(e, r->data, n);
			put32(e, r->u->lcp.flags & PPPU_F_NO_OPT ? 0 : our_magic(r->u));
			send_pkt(r, PROTO_LCP, ECHOREP, r->id, e, n);
			pppu_echo_replies++;
			return;
		}
		if (lcp)
			return;
		break;
	case ECHOREP:
	case DISCREQ:
		if (lcp)
			return;
		break;
	default:
		break;
	}
	/* RUC: Code-Reject with as much of the packet as fits (an id of its
	 * own: l->id stays our outstanding request's) */
	static uint8_t rej_id;
	if (l->state != PPPU_STARTING)
		send_pkt(r, lcp ? PROTO_LCP : PROTO_IPCP, CODEREJ, ++rej_id, p,
			 len < 1400 ? len : 1400);
}

static void chap_input(struct run *r, const uint8_t *p, size_t pl)
{
	const struct pppu_io *io = r->io;
	struct pppu *u = r->u;

	if (u->phase == PPPU_PH_ESTABLISH)
		return;   /* before LCP is Opened: discarded */
	if (p[0] == 1) {   /* Challenge: MD5(id, secret, value), our name */
		uint8_t resp[128], digest_[16];
		gsize dl = sizeof(digest_);
		size_t nl = strlen(io->name);
		GChecksum *c;

		if (pl < 5 || p[4] == 0 || (size_t)p[4] + 5 > pl || nl > sizeof(resp) - 21)
			return;
		c = g_checksum_new(G_CHECKSUM_MD5);
		g_checksum_update(c, &p[1], 1);
		g_checksum_update(c, (const guchar *)io->secret, strlen(io->secret));
		g_checksum_update(c, p + 5, p[4]);
		g_checksum_get_digest(c, digest_, &dl);
		g_checksum_free(c);
		resp[0] = 2;
		resp[1] = p[1];
		resp[2] = (uint8_t)((21 + nl) >> 8);
		resp[3] = (uint8_t)(21 + nl);
		resp[4] = 16;
		memcpy(resp + 5, digest_, 16);
		memcpy(resp + 21, io->name, nl);
		io->send(io->ctx, PROTO_CHAP, resp, 21 + nl);
	} else if (p[0] == 3 && u->phase == PPPU_PH_AUTHENTICATE) {   /* Success */
		u->phase = PPPU_PH_NETWORK;
		event(r, 0, EV_UP);
	} else if (p[0] == 4) {   /* Failure */
		why = "CHAP Failure";
		r->res = PPPU_REFUSED;
	}
}

enum pppu_result pppu_input(struct pppu *u, const struct pppu_io *io, const uint8_t *f, size_t len)
{
	struct run r = { .u = u, .io = io };

	if (len >= 2 && f[0] == 0xff && f[1] == 0x03) {
		f += 2;
		len -= 2;
	}
	if (len < 6)
		return PPPU_NOTHING;
	uint16_t proto = f[0] << 8 | f[1];
	const uint8_t *p = f + 2;
	size_t pl = len - 2;

	switch (proto) {
	case PROTO_LCP:
		layer_input(&r, 1, p, pl);
		break;
	case PROTO_CHAP:
		chap_input(&r, p, pl);
		break;
	case PROTO_IPCP:
		/* NCP packets outside the network phase are discarded (3.5) */
		if (u->phase == PPPU_PH_NETWORK)
			layer_input(&r, 0, p, pl);
		break;
	default:
		break;
	}
	return r.res;
}

/* The layer's restart timer runs in Closing..Ack-Sent. */
static int timing(const struct pppu_layer *l)
{
	return l->state >= PPPU_CLOSING && l->state != PPPU_OPENED;
}

int pppu_due(const struct pppu *u, float now)
{
	return (timing(&u->lcp) || timing(&u->ipcp)) && now - u->t_sent >= PPPU_RESTART_S;
}

static void tick_layer(struct run *r, int lcp)
{
	struct pppu_layer *l = lcp ? &r->u->lcp : &r->u->ipcp;

	if (!timing(l) || r->io->now - r->u->t_sent < PPPU_RESTART_S)
		return;
	event(r, lcp, l->restart ? EV_TO_PLUS : EV_TO_MINUS);
}

enum pppu_result pppu_tick(struct pppu *u, const struct pppu_io *io)
{
	struct run r = { .u = u, .io = io };

	tick_layer(&r, 1);
	if (!r.res)
		tick_layer(&r, 0);
	return r.res;
}

void pppu_start(struct pppu *u, const struct pppu_io *io)
{
	struct run r = { .u = u, .io = io };

	event(&r, 1, EV_UP);
}

void pppu_proxy_opened(struct pppu *u, const struct pppu_io *io, int peer_auth)
{
	struct run r = { .u = u, .io = io };

	u->lcp.state = PPPU_OPENED;
	u->lcp.flags = peer_auth ? PPPU_F_AUTH : 0;
	u->phase = PPPU_PH_ESTABLISH;
	tlu(&r, 1);
}

static int watch_pids[8], nwatch;

int bench_watch(int pid)
{
	if (nwatch >= 8)
		return -1;
	watch_pids[nwatch++] = pid;
	return 0;
}

int bench_nwatch(void)
{
	return nwatch;
}

/* The sum over the process's threads (/proc/PID/task/TID/schedstat: the
 * process's own schedstat is its main thread's only; FreeRADIUS answers in
 * a thread pool). Threads that ended are not counted. */
double bench_watched_run_s(int i)
{
	char path[64];
	unsigned long long total = 0;
	const char *tid;

	if (i < 0 || i >= nwatch)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/task", watch_pids[i]);
	GDir *d = g_dir_open(path, 0, NULL);
	if (!d)
		return -1;
	while ((tid = g_dir_read_name(d))) {
		char tpath[96];
		unsigned long long ns = 0;
		snprintf(tpath, sizeof(tpath), "/proc/%d/task/%s/schedstat", watch_pids[i], tid);
		FILE *f = fopen(tpath, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1)
			total += ns;
		fclose(f);
	}
	g_dir_close(d);
	return total / 1e9;
}

void bench_print_watch(const char *tag)
{
	for (int i = 0; i < nwatch; i++) {
		printf("rss_kib %s %d %ld\n", tag, i, bench_rss_kib(watch_pids[i]));
		printf("cpu_s %s %d %.2f\n", tag, i, bench_cpu_s(watch_pids[i]));
	}
	fflush(stdout);
}

void bench_print_phase(int ph, uint32_t sessions, uint32_t total, double seconds)
{
	char tag[32];

	printf("phase %d sessions %u total %u seconds %.4f rate %.1f\n", ph, sessions, total,
	       seconds, sessions / seconds);
	snprintf(tag, sizeof(tag), "after%d", ph);
	bench_print_watch(tag);
}

void bench_hold_start(struct bench_hold *h)
{
	h->t0 = bench_now();
	for (int i = 0; i < nwatch; i++)
		h->cpu0[i] = bench_watched_run_s(i);
}

double bench_hold_end(const struct bench_hold *h)
{
	double ht = bench_now() - h->t0;

	for (int i = 0; i < nwatch; i++)
		printf("hold_cpu %d %.4f\n", i, (bench_watched_run_s(i) - h->cpu0[i]) / ht);
	return ht;
}

double bench_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

long bench_rss_kib(int pid)
{
	char path[64], line[256];
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &v) == 1)
			break;
	fclose(f);
	return v;
}

double bench_cpu_s(int pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	unsigned long ut = 0, st = 0;
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / sysconf(_SC_CLK_TCK);
}
