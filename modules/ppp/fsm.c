/* SPDX-License-Identifier: MIT */
/* The RFC 1661 §4.1 automaton, table driven. See fsm.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "fsm.h"

#define TLU FSM_A_TLU
#define TLD FSM_A_TLD
#define TLS FSM_A_TLS
#define TLF FSM_A_TLF
#define IRC FSM_A_IRC
#define ZRC FSM_A_ZRC
#define SCR FSM_A_SCR
#define SCA FSM_A_SCA
#define SCN FSM_A_SCN
#define STR FSM_A_STR
#define STA FSM_A_STA
#define SCJ FSM_A_SCJ
#define SER FSM_A_SER

struct cell {
	uint16_t act;
	int8_t next;       /* -1: impossible event ("-") */
};

#define X { 0, -1 }
#define C(a, n) { (a), (n) }

/* RFC 1661 §4.1: rows are events, columns states 0..9. The "r" (restart),
 * "p" (passive) and "x" (crossed connection) annotations need no action. */
static const struct cell fsm_table[FSM__EVENT_COUNT][FSM__STATE_COUNT] = {
	/*               Initial     Starting         Closed        Stopped              Closing      Stopping     Req-Sent         Ack-Rcvd        Ack-Sent         Opened */
	[FSM_EV_UP]        = { C(0, 2),   C(IRC|SCR, 6),   X,            X,                   X,           X,           X,               X,              X,               X },
	[FSM_EV_DOWN]      = { X,         X,               C(0, 0),      C(TLS, 1),           C(0, 0),     C(0, 1),     C(0, 1),         C(0, 1),        C(0, 1),         C(TLD, 1) },
	[FSM_EV_OPEN]      = { C(TLS, 1), C(0, 1),         C(IRC|SCR, 6),C(0, 3),             C(0, 5),     C(0, 5),     C(0, 6),         C(0, 7),        C(0, 8),         C(0, 9) },
	[FSM_EV_CLOSE]     = { C(0, 0),   C(TLF, 0),       C(0, 2),      C(0, 2),             C(0, 4),     C(0, 4),     C(IRC|STR, 4),   C(IRC|STR, 4),  C(IRC|STR, 4),   C(TLD|IRC|STR, 4) },
	[FSM_EV_TO_PLUS]   = { X,         X,               X,            X,                   C(STR, 4),   C(STR, 5),   C(SCR, 6),       C(SCR, 6),      C(SCR, 8),       X },
	[FSM_EV_TO_MINUS]  = { X,         X,               X,            X,                   C(TLF, 2),   C(TLF, 3),   C(TLF, 3),       C(TLF, 3),      C(TLF, 3),       X },
	[FSM_EV_RCR_PLUS]  = { X,         X,               C(STA, 2),    C(IRC|SCR|SCA, 8),   C(0, 4),     C(0, 5),     C(SCA, 8),       C(SCA|TLU, 9),  C(SCA, 8),       C(TLD|SCR|SCA, 8) },
	[FSM_EV_RCR_MINUS] = { X,         X,               C(STA, 2),    C(IRC|SCR|SCN, 6),   C(0, 4),     C(0, 5),     C(SCN, 6),       C(SCN, 7),      C(SCN, 6),       C(TLD|SCR|SCN, 6) },
	[FSM_EV_RCA]       = { X,         X,               C(STA, 2),    C(STA, 3),           C(0, 4),     C(0, 5),     C(IRC, 7),       C(SCR, 6),      C(IRC|TLU, 9),   C(TLD|SCR, 6) },
	[FSM_EV_RCN]       = { X,         X,               C(STA, 2),    C(STA, 3),           C(0, 4),     C(0, 5),     C(IRC|SCR, 6),   C(SCR, 6),      C(IRC|SCR, 8),   C(TLD|SCR, 6) },
	[FSM_EV_RTR]       = { X,         X,               C(STA, 2),    C(STA, 3),           C(STA, 4),   C(STA, 5),   C(STA, 6),       C(STA, 6),      C(STA, 6),       C(TLD|ZRC|STA, 5) },
	[FSM_EV_RTA]       = { X,         X,               C(0, 2),      C(0, 3),             C(TLF, 2),   C(TLF, 3),   C(0, 6),         C(0, 6),        C(0, 8),         C(TLD|SCR, 6) },
	[FSM_EV_RUC]       = { X,         X,               C(SCJ, 2),    C(SCJ, 3),           C(SCJ, 4),   C(SCJ, 5),   C(SCJ, 6),       C(SCJ, 7),      C(SCJ, 8),       C(SCJ, 9) },
	[FSM_EV_RXJ_PLUS]  = { X,         X,               C(0, 2),      C(0, 3),             C(0, 4),     C(0, 5),     C(0, 6),         C(0, 6),        C(0, 8),         C(0, 9) },
	[FSM_EV_RXJ_MINUS] = { X,         X,               C(TLF, 2),    C(TLF, 3),           C(TLF, 2),   C(TLF, 3),   C(TLF, 3),       C(TLF, 3),      C(TLF, 3),       C(TLD|IRC|STR, 5) },
	[FSM_EV_RXR]       = { X,         X,               C(0, 2),      C(0, 3),             C(0, 4),     C(0, 5),     C(0, 6),         C(0, 7),        C(0, 8),         C(SER, 9) },
};

static const char *const state_names[FSM__STATE_COUNT] = {
	"Initial", "Starting", "Closed", "Stopped", "Closing",
	"Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened",
};

/* As IOS prints them in "[state]" and "State is". */
static const char *const state_ios[FSM__STATE_COUNT] = {
	"Initial", "Not negotiated", "Closed", "Listen", "Closing",
	"Stopping", "REQsent", "ACKrcvd", "ACKsent", "Open",
};

static const char *const event_names[FSM__EVENT_COUNT] = {
	"Up", "Down", "Open", "Close", "TO+", "TO-", "RCR+", "RCR-",
	"RCA", "RCN", "RTR", "RTA", "RUC", "RXJ+", "RXJ-", "RXR",
};

const char *ppp_fsm_state_name(enum ppp_fsm_state s)
{
	return (unsigned)s < FSM__STATE_COUNT ? state_names[s] : "?";
}

const char *ppp_fsm_state_ios(enum ppp_fsm_state s)
{
	return (unsigned)s < FSM__STATE_COUNT ? state_ios[s] : "?";
}

const char *ppp_fsm_event_name(enum ppp_fsm_event e)
{
	return (unsigned)e < FSM__EVENT_COUNT ? event_names[e] : "?";
}

const char *ppp_code_name(uint8_t code)
{
	static const char *const names[] = {
		[PPP_CONFREQ] = "CONFREQ", [PPP_CONFACK] = "CONFACK",
		[PPP_CONFNAK] = "CONFNAK", [PPP_CONFREJ] = "CONFREJ",
		[PPP_TERMREQ] = "TERMREQ", [PPP_TERMACK] = "TERMACK",
		[PPP_CODEREJ] = "CODEREJ", [PPP_PROTREJ] = "PROTREJ",
		[PPP_ECHOREQ] = "ECHOREQ", [PPP_ECHOREP] = "ECHOREP",
		[PPP_DISCREQ] = "DISCREQ",
	};
	if (code < sizeof(names) / sizeof(names[0]) && names[code])
		return names[code];
	return "UNKNOWN";
}

bool ppp_fsm_cell(enum ppp_fsm_state s, enum ppp_fsm_event e,
		  uint16_t *actions, enum ppp_fsm_state *next)
{
	if ((unsigned)s >= FSM__STATE_COUNT || (unsigned)e >= FSM__EVENT_COUNT ||
	    fsm_table[e][s].next < 0) {
		*actions = 0;
		*next = s;
		return false;
	}
	*actions = fsm_table[e][s].act;
	*next = (enum ppp_fsm_state)fsm_table[e][s].next;
	return true;
}

#define flog(f, ...) vpdn_debug((f)->env->log, VPDN_DEBUG_PPP_NEGOTIATION, __VA_ARGS__)

static void fsm_timeout(struct vpdn_timer *t, void *data);

static inline const char *fsm_ifname(const struct ppp_fsm *f)
{
	return f->env->ifname(f->ctx);
}

static void count_malformed(struct ppp_fsm *f)
{
	f->malformed++;
	if (f->env->malformed_total)
		(*f->env->malformed_total)++;
}

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_ops *ops, void *ctx,
		  const struct ppp_fsm_env *env)
{
	memset(f, 0, sizeof(*f));
	f->ops = ops;
	f->ctx = ctx;
	f->env = env;
	f->state = FSM_INITIAL;
	f->restart_ms = 3000;
	f->max_configure = 10;
	f->max_terminate = 2;
	f->max_failure = 5;
	f->id = 1;
}

struct ppp_fsm_neg *ppp_fsm_negotiation(struct ppp_fsm *f)
{
	if (!f->neg) {
		f->neg = g_new0(struct ppp_fsm_neg, 1);
		vpdn_timer_init(&f->neg->timer, fsm_timeout, f);
		f->neg->restart = f->max_configure;
	}
	return f->neg;
}

static void neg_free(struct ppp_fsm *f)
{
	if (!f->neg)
		return;
	vpdn_timer_cancel(f->env->timers, &f->neg->timer);
	g_free(f->neg);
	f->neg = NULL;
}

const uint8_t *ppp_fsm_last_request(const struct ppp_fsm *f, size_t *len)
{
	*len = f->neg ? f->neg->sent_len : 0;
	return f->neg ? f->neg->sent : NULL;
}

void ppp_fsm_fini(struct ppp_fsm *f)
{
	neg_free(f);
}

void ppp_log_hex_option(struct vpdn_log *log, int cat, const char *ifname,
			const char *proto, const char *desc, const uint8_t *opt,
			size_t olen)
{
	char hex[2 * 16 + 1];
	size_t pos = 0;
	if (!vpdn_log_debug_on(log, cat))
		return;
	if (olen > 16)
		vpdn_log_write(log, VPDN_LOG_DEBUG, cat, "%s %s: %s", ifname, proto, desc);
	do {
		size_t n = olen - pos > 16 ? 16 : olen - pos;
		for (size_t i = 0; i < n; i++)
			snprintf(hex + 2 * i, 3, "%02X", opt[pos + i]);
		hex[2 * n] = '\0';
		if (olen > 16)
			vpdn_log_write(log, VPDN_LOG_DEBUG, cat, "%s %s: (0x%s)",
				       ifname, proto, hex);
		else
			vpdn_log_write(log, VPDN_LOG_DEBUG, cat, "%s %s: %s (0x%s)",
				       ifname, proto, desc, hex);
		pos += n;
	} while (pos < olen);
}

int ppp_opt_next(const uint8_t *opts, size_t len, size_t *pos,
		 uint8_t *type, uint8_t *olen, const uint8_t **opt)
{
	if (*pos >= len)
		return 0;
	if (len - *pos < 2)
		return -EBADMSG;
	const uint8_t *o = opts + *pos;
	if (o[1] < 2 || o[1] > len - *pos)
		return -EBADMSG;
	*type = o[0];
	*olen = o[1];
	*opt = o;
	*pos += o[1];
	return 1;
}

void ppp_fsm_send_packet(struct ppp_fsm *f, uint8_t code, uint8_t id,
			 const uint8_t *data, size_t len)
{
	uint8_t pkt[1504];
	size_t max = f->peer_mru && f->peer_mru < sizeof(pkt) ? f->peer_mru : sizeof(pkt);
	/* Nothing over the peer's MRU: what may grow with the peer's input
	 * (Code-Reject, a Reject list) is truncated, as RFC 1661 5.6/5.7 say
	 * for the rejects. */
	if (len > max - 4)
		len = max - 4;
	pkt[0] = code;
	pkt[1] = id;
	pkt[2] = (uint8_t)((len + 4) >> 8);
	pkt[3] = (uint8_t)(len + 4);
	if (len)
		memcpy(pkt + 4, data, len);
	if (vpdn_log_debug_on(f->env->log, VPDN_DEBUG_PPP_NEGOTIATION)) {
		/* Inside an event the state the packet answers (IOS prints the
		 * state before the transition); from a timer or another layer
		 * (Echo, Protocol-Reject) the current one. */
		uint8_t shown = f->in_event ? f->log_state : f->state;
		flog(f, "%s %s: O %s [%s] id %u len %zu", fsm_ifname(f), f->ops->name,
		     ppp_code_name(code), ppp_fsm_state_ios(shown), id, len + 4);
		if (code >= PPP_CONFREQ && code <= PPP_CONFREJ && f->ops->log_opts)
			f->ops->log_opts(f, data, len);
	}
	f->ops->send(f, pkt, len + 4);
}

static void fsm_arm(struct ppp_fsm *f)
{
	vpdn_timer_arm(f->env->timers, &ppp_fsm_negotiation(f)->timer, f->restart_ms);
}

/* The counter and the timer before the packet: a synchronous carrier's
 * answer may reach Opened inside the send and free the block. */
static void act_scr(struct ppp_fsm *f)
{
	struct ppp_fsm_neg *n = ppp_fsm_negotiation(f);
	uint8_t req[PPP_FSM_SENT_MAX];

	n->sent_len = (uint8_t)f->ops->build_cr(f, n->sent, sizeof(n->sent));
	memcpy(req, n->sent, n->sent_len);
	f->reqid = f->id++;
	if (n->restart > 0)
		n->restart--;
	fsm_arm(f);
	ppp_fsm_send_packet(f, PPP_CONFREQ, f->reqid, req, n->sent_len);
}

static void act_str(struct ppp_fsm *f)
{
	struct ppp_fsm_neg *n = ppp_fsm_negotiation(f);

	if (n->restart > 0)
		n->restart--;
	fsm_arm(f);
	ppp_fsm_send_packet(f, PPP_TERMREQ, f->id++, NULL, 0);
}

/* The packet being processed; outside ppp_fsm_input(), an empty one. */
static const struct ppp_fsm_rx *fsm_rx(const struct ppp_fsm *f)
{
	static const struct ppp_fsm_rx none;
	return f->rx ? f->rx : &none;
}

static void act_scj(struct ppp_fsm *f)
{
	/* Code-Reject carries the rejected packet (Information field). */
	const struct ppp_fsm_rx *rx = fsm_rx(f);
	uint8_t buf[1500];
	size_t n = rx->len + 4;
	if (n > sizeof(buf))
		n = sizeof(buf);
	buf[0] = rx->code;
	buf[1] = rx->id;
	buf[2] = (uint8_t)((rx->len + 4) >> 8);
	buf[3] = (uint8_t)(rx->len + 4);
	if (n > 4)
		memcpy(buf + 4, rx->data, n - 4);
	ppp_fsm_send_packet(f, PPP_CODEREJ, f->id++, buf, n);
}

static bool timer_state(uint8_t s)
{
	return s == FSM_CLOSING || s == FSM_STOPPING || s == FSM_REQSENT ||
	       s == FSM_ACKRCVD || s == FSM_ACKSENT;
}

static void fsm_log_state(struct ppp_fsm *f)
{
	/* IOS prints the states a reader cares about; Initial -> Closed on
	 * Up is not one of them. */
	if (f->state == FSM_CLOSED && f->log_state <= FSM_STARTING)
		return;
	if (f->state == FSM_OPENED || f->state == FSM_STOPPED || f->state == FSM_CLOSED)
		flog(f, "%s %s: State is %s", fsm_ifname(f), f->ops->name,
		     ppp_fsm_state_ios(f->state));
}

void ppp_fsm_event(struct ppp_fsm *f, enum ppp_fsm_event ev)
{
	uint16_t act;
	enum ppp_fsm_state next;
	uint8_t old = f->state, outer_log_state = f->log_state;
	const struct ppp_fsm_rx *rx = fsm_rx(f);
	if (!ppp_fsm_cell(old, ev, &act, &next)) {
		/* "-": cannot happen with a correct implementation. */
		vpdn_log_write(f->env->log, VPDN_LOG_WARNING, -1,
			       "%s %s: illegal event %s in state %s", fsm_ifname(f),
			       f->ops->name, ppp_fsm_event_name(ev),
			       ppp_fsm_state_name(old));
		f->last_actions = 0;
		return;
	}
	f->last_actions = act;
	f->log_state = old;
	f->state = next;
	f->in_event++;
	if (!timer_state(next) && f->neg)
		vpdn_timer_cancel(f->env->timers, &f->neg->timer);
	if (old != next)
		fsm_log_state(f);

	if (act & TLD && f->ops->tld)
		f->ops->tld(f);
	if (act & IRC) {
		ppp_fsm_negotiation(f)->restart = (act & STR) ? f->max_terminate
							       : f->max_configure;
		if ((act & SCR) && old != FSM_REQSENT && old != FSM_ACKRCVD &&
		    old != FSM_ACKSENT && old != FSM_OPENED && f->ops->reset)
			f->ops->reset(f);
	}
	if (act & ZRC) {
		ppp_fsm_negotiation(f)->restart = 0;
		fsm_arm(f);
	}
	if (act & SCR)
		act_scr(f);
	if (act & SCA) {
		f->naks_sent = 0;
		ppp_fsm_send_packet(f, PPP_CONFACK, rx->id, rx->reply, rx->reply_len);
	}
	if (act & SCN) {
		uint8_t code = rx->reply_code ? rx->reply_code : PPP_CONFREJ;
		if (code == PPP_CONFNAK)
			f->naks_sent++;
		ppp_fsm_send_packet(f, code, rx->id, rx->reply, rx->reply_len);
	}
	if (act & STR)
		act_str(f);
	if (act & STA)
		ppp_fsm_send_packet(f, PPP_TERMACK, rx->id, NULL, 0);
	if (act & SCJ)
		act_scj(f);
	if (act & SER && f->ops->ser)
		f->ops->ser(f, rx->code, rx->id, rx->data, rx->len);
	/* The packets of this event are out. An event nested in an action (a
	 * synchronous carrier) has its own "before" state; the outer event's
	 * is shown again after it. Done before the this-layer callbacks: they
	 * may free the owner (a timer's TO- ends the session), f is not
	 * touched after them. */
	f->in_event--;
	if (f->in_event)
		f->log_state = outer_log_state;
	if (!timer_state(f->state) && !(f->keep_last_request && f->state == FSM_OPENED))
		neg_free(f);    /* at rest: the negotiation's block goes */
	if (act & TLU && f->ops->tlu)
		f->ops->tlu(f);
	if (act & TLS && f->ops->tls)
		f->ops->tls(f);
	if (act & TLF && f->ops->tlf)
		f->ops->tlf(f);
}

static void fsm_timeout(struct vpdn_timer *t, void *data)
{
	struct ppp_fsm *f = data;
	if (!timer_state(f->state) || !f->neg)
		return;
	ppp_fsm_event(f, f->neg->restart > 0 ? FSM_EV_TO_PLUS : FSM_EV_TO_MINUS);
}

void ppp_fsm_listen(struct ppp_fsm *f)
{
	if (f->state != FSM_CLOSED)
		return;
	f->log_state = f->state;
	f->state = FSM_STOPPED;
	f->passive = true;
	fsm_log_state(f);
}

void ppp_fsm_open_active(struct ppp_fsm *f)
{
	if (f->state != FSM_STOPPED && f->state != FSM_CLOSED)
		return;
	f->state = FSM_CLOSED;
	f->passive = false;
	ppp_fsm_event(f, FSM_EV_OPEN);
}

void ppp_fsm_force_open(struct ppp_fsm *f, const uint8_t *sent, size_t sent_len)
{
	if (f->keep_last_request) {
		struct ppp_fsm_neg *n = ppp_fsm_negotiation(f);

		n->sent_len = (uint8_t)MIN(sent_len, sizeof(n->sent));
		memcpy(n->sent, sent, n->sent_len);
		vpdn_timer_cancel(f->env->timers, &n->timer);
	} else {
		neg_free(f);
	}
	f->log_state = f->state;
	f->state = FSM_OPENED;
	f->last_actions = TLU;
	fsm_log_state(f);
	if (f->ops->tlu)
		f->ops->tlu(f);
}

void ppp_fsm_restore_opened(struct ppp_fsm *f)
{
	neg_free(f);
	f->log_state = f->state;
	f->state = FSM_OPENED;
	f->last_actions = 0;
	fsm_log_state(f);
}

static void log_rx(struct ppp_fsm *f, uint8_t code, uint8_t id, const uint8_t *data,
		   size_t len)
{
	if (!vpdn_log_debug_on(f->env->log, VPDN_DEBUG_PPP_NEGOTIATION))
		return;
	flog(f, "%s %s: I %s [%s] id %u len %zu", fsm_ifname(f), f->ops->name,
	     ppp_code_name(code), ppp_fsm_state_ios(f->state), id, len + 4);
	if (code >= PPP_CONFREQ && code <= PPP_CONFREJ && f->ops->log_opts)
		f->ops->log_opts(f, data, len);
}

static bool options_valid(const uint8_t *data, size_t len)
{
	size_t pos = 0;
	uint8_t type, olen;
	const uint8_t *opt;
	int r;
	while ((r = ppp_opt_next(data, len, &pos, &type, &olen, &opt)) > 0)
		;
	return r == 0;
}

static void fsm_input(struct ppp_fsm *f, struct ppp_fsm_rx *rx);

void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len)
{
	if (len < 4) {
		count_malformed(f);
		flog(f, "%s %s: packet too short (%zu octets), dropped", fsm_ifname(f),
		     f->ops->name, len);
		return;
	}
	size_t plen = ((size_t)pkt[2] << 8) | pkt[3];
	if (plen < 4 || plen > len) {
		count_malformed(f);
		flog(f, "%s %s: bad length %zu (have %zu), dropped", fsm_ifname(f),
		     f->ops->name, plen, len);
		return;
	}
	uint8_t code = pkt[0], id = pkt[1];
	const uint8_t *data = pkt + 4;
	size_t dlen = plen - 4;   /* octets beyond Length are padding */

	if (f->state == FSM_INITIAL || f->state == FSM_STARTING) {
		/* Lower layer not up: nothing can arrive; drop. */
		f->ignored++;
		return;
	}
	struct ppp_fsm_rx rx = { .code = code, .id = id, .data = data, .len = dlen };
	struct ppp_fsm_rx *outer = f->rx;
	f->rx = &rx;
	fsm_input(f, &rx);
	/* f is still valid: owners are freed on a later turn (as the old
	 * "f->reply = NULL" after the event relied on too). */
	f->rx = outer;
}

static void fsm_input(struct ppp_fsm *f, struct ppp_fsm_rx *rx)
{
	uint8_t code = rx->code, id = rx->id;
	const uint8_t *data = rx->data;
	size_t dlen = rx->len;

	switch (code) {
	case PPP_CONFREQ: {
		uint8_t out[1500];     /* a Reject may list every option */
		size_t outlen = 0;
		if (!options_valid(data, dlen)) {
			count_malformed(f);
			flog(f, "%s %s: malformed CONFREQ id %u, dropped", fsm_ifname(f),
			     f->ops->name, id);
			return;
		}
		log_rx(f, code, id, data, dlen);
		int verdict = f->ops->rcr(f, data, dlen, out, sizeof(out), &outlen,
					  f->naks_sent < f->max_failure);
		if (verdict == PPP_CONFACK) {
			rx->reply = data;
			rx->reply_len = dlen;
			ppp_fsm_event(f, FSM_EV_RCR_PLUS);
		} else if (verdict == PPP_CONFNAK || verdict == PPP_CONFREJ) {
			rx->reply = out;
			rx->reply_len = outlen;
			rx->reply_code = (uint8_t)verdict;
			ppp_fsm_event(f, FSM_EV_RCR_MINUS);
		}
		/* anything else: the protocol dropped the request */
		rx->reply = NULL;
		return;
	}
	case PPP_CONFACK:
	case PPP_CONFNAK:
	case PPP_CONFREJ:
		if (id != f->reqid || (f->state != FSM_REQSENT && f->state != FSM_ACKRCVD &&
				       f->state != FSM_ACKSENT && f->state != FSM_OPENED &&
				       f->state != FSM_CLOSED && f->state != FSM_STOPPED)) {
			log_rx(f, code, id, data, dlen);
			f->ignored++;
			return;
		}
		if (!options_valid(data, dlen)) {
			count_malformed(f);
			flog(f, "%s %s: malformed %s id %u, dropped", fsm_ifname(f),
			     f->ops->name, ppp_code_name(code), id);
			return;
		}
		log_rx(f, code, id, data, dlen);
		if (code == PPP_CONFACK) {
			size_t slen;
			const uint8_t *sent = ppp_fsm_last_request(f, &slen);

			if (!sent) {
				/* At rest (Opened, Closed, Stopped): no request
				 * of ours waits, a duplicate; pppd's seen_ack. */
				f->ignored++;
				return;
			}
			if (dlen != slen || memcmp(data, sent, dlen) != 0) {
				count_malformed(f);
				flog(f, "%s %s: CONFACK does not match our request, dropped",
				     fsm_ifname(f), f->ops->name);
				return;
			}
			f->naks_rcvd = 0;
			ppp_fsm_event(f, FSM_EV_RCA);
			return;
		}
		if (f->state == FSM_REQSENT || f->state == FSM_ACKRCVD ||
		    f->state == FSM_ACKSENT || f->state == FSM_OPENED) {
			if (++f->naks_rcvd > f->max_configure ||
			    f->ops->rcn(f, code, data, dlen) < 0) {
				vpdn_log_write(f->env->log, VPDN_LOG_NOTICE, -1,
					       "%s %s: no agreement with the peer, closing",
					       fsm_ifname(f), f->ops->name);
				if (f->ops->no_agreement)
					f->ops->no_agreement(f);
				ppp_fsm_close(f);
				return;
			}
		}
		ppp_fsm_event(f, FSM_EV_RCN);
		return;
	case PPP_TERMREQ:
		log_rx(f, code, id, data, dlen);
		ppp_fsm_event(f, FSM_EV_RTR);
		return;
	case PPP_TERMACK:
		log_rx(f, code, id, data, dlen);
		ppp_fsm_event(f, FSM_EV_RTA);
		return;
	case PPP_CODEREJ: {
		log_rx(f, code, id, data, dlen);
		if (dlen < 1) {
			count_malformed(f);
			return;
		}
		/* A rejected code we need (1..7 for every control protocol)
		 * is catastrophic. */
		uint8_t rej = data[0];
		ppp_fsm_event(f, (rej >= PPP_CONFREQ && rej <= PPP_CODEREJ)
				  ? FSM_EV_RXJ_MINUS : FSM_EV_RXJ_PLUS);
		return;
	}
	default: {
		int ev = FSM_EV_RUC;
		if (f->ops->other_code)
			ev = f->ops->other_code(f, code, id, data, dlen);
		if (ev < 0)
			return;
		if (ev == FSM_EV_RUC)
			flog(f, "%s %s: I %s [%s] id %u len %zu", fsm_ifname(f), f->ops->name,
			     ppp_code_name(code), ppp_fsm_state_ios(f->state), id, dlen + 4);
		ppp_fsm_event(f, (enum ppp_fsm_event)ev);
		return;
	}
	}
}
