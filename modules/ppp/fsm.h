/* SPDX-License-Identifier: MIT */
/*
 * The RFC 1661 §4 option negotiation automaton, shared by LCP and the NCPs.
 *
 * The automaton itself is a 16 events x 10 states table of {actions, next
 * state} (fsm.c). A protocol plugs in through struct ppp_fsm_ops: it builds
 * its Configure-Request, judges the peer's (rcr), digests Ack/Nak/Reject and
 * is told when the layer goes up/down/starts/finishes.
 *
 * Order of execution of one cell: the state is set first, then the actions
 * run in the order tld, irc, zrc, scr, sca, scn, str, sta, scj, ser, tlu,
 * tls, tlf (which is the order every cell of the RFC table lists them in).
 * Setting the state first means that an event triggered from inside an
 * action (a synchronous carrier) sees the new state.
 *
 * Lifetime: an fsm is embedded in its protocol's object. The this-layer-*
 * callbacks may ask the owner to go away, but the owner must defer freeing
 * until the current input/timer call returns (the engine does that).
 */
#ifndef VPDN_PPP_FSM_H
#define VPDN_PPP_FSM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpdnd/log.h>
#include <vpdnd/timer.h>

enum ppp_fsm_state {
	FSM_INITIAL,
	FSM_STARTING,
	FSM_CLOSED,
	FSM_STOPPED,
	FSM_CLOSING,
	FSM_STOPPING,
	FSM_REQSENT,
	FSM_ACKRCVD,
	FSM_ACKSENT,
	FSM_OPENED,
	FSM__STATE_COUNT
};

enum ppp_fsm_event {
	FSM_EV_UP,
	FSM_EV_DOWN,
	FSM_EV_OPEN,
	FSM_EV_CLOSE,
	FSM_EV_TO_PLUS,
	FSM_EV_TO_MINUS,
	FSM_EV_RCR_PLUS,
	FSM_EV_RCR_MINUS,
	FSM_EV_RCA,
	FSM_EV_RCN,
	FSM_EV_RTR,
	FSM_EV_RTA,
	FSM_EV_RUC,
	FSM_EV_RXJ_PLUS,
	FSM_EV_RXJ_MINUS,
	FSM_EV_RXR,
	FSM__EVENT_COUNT
};

/* Actions (bit mask). */
enum ppp_fsm_action {
	FSM_A_TLU = 1u << 0,
	FSM_A_TLD = 1u << 1,
	FSM_A_TLS = 1u << 2,
	FSM_A_TLF = 1u << 3,
	FSM_A_IRC = 1u << 4,
	FSM_A_ZRC = 1u << 5,
	FSM_A_SCR = 1u << 6,
	FSM_A_SCA = 1u << 7,
	FSM_A_SCN = 1u << 8,
	FSM_A_STR = 1u << 9,
	FSM_A_STA = 1u << 10,
	FSM_A_SCJ = 1u << 11,
	FSM_A_SER = 1u << 12,
};

/* Packet codes common to LCP and the NCPs (RFC 1661 §5). */
enum ppp_code {
	PPP_CONFREQ = 1,
	PPP_CONFACK = 2,
	PPP_CONFNAK = 3,
	PPP_CONFREJ = 4,
	PPP_TERMREQ = 5,
	PPP_TERMACK = 6,
	PPP_CODEREJ = 7,
	PPP_PROTREJ = 8,
	PPP_ECHOREQ = 9,
	PPP_ECHOREP = 10,
	PPP_DISCREQ = 11,
};

struct ppp_fsm;

struct ppp_fsm_ops {
	const char *name;          /* "LCP", "IPCP" (log prefix) */
	uint16_t protocol;         /* 0xC021, 0x8021 */
	/* Reset our wanted options to their initial values (on irc after Open). */
	void (*reset)(struct ppp_fsm *f);
	/* Write our Configure-Request options into buf; return their length. */
	size_t (*build_cr)(struct ppp_fsm *f, uint8_t *buf, size_t size);
	/* Judge the peer's request. Write the reply's options into out
	 * (size outsize) and set *outlen; return PPP_CONFACK, PPP_CONFNAK or
	 * PPP_CONFREJ. nak_ok is false after Max-Failure Naks: turn Naks into
	 * Rejects. */
	int (*rcr)(struct ppp_fsm *f, const uint8_t *opts, size_t len,
		   uint8_t *out, size_t outsize, size_t *outlen, bool nak_ok);
	/* Digest a Nak (code PPP_CONFNAK) or Reject (PPP_CONFREJ) of our
	 * request. Return 0, or negative errno if no agreement is possible
	 * (the layer is then closed). */
	int (*rcn)(struct ppp_fsm *f, int code, const uint8_t *opts, size_t len);
	/* This-Layer-Up/Down/Started/Finished. */
	void (*tlu)(struct ppp_fsm *f);
	void (*tld)(struct ppp_fsm *f);
	void (*tls)(struct ppp_fsm *f);
	void (*tlf)(struct ppp_fsm *f);
	/* Codes beyond 1..7 (LCP: Protocol-Reject, Echo, Discard). Return the
	 * event to feed: FSM_EV_RXR, FSM_EV_RXJ_PLUS, FSM_EV_RXJ_MINUS or
	 * FSM_EV_RUC; or -1 to drop the packet. May be NULL (all RUC). */
	int (*other_code)(struct ppp_fsm *f, uint8_t code, uint8_t id,
			  const uint8_t *data, size_t len);
	/* The ser action (Opened + RXR): answer the packet being processed. */
	void (*ser)(struct ppp_fsm *f, uint8_t code, uint8_t id,
		    const uint8_t *data, size_t len);
	/* Log one line per option of a packet (after the header line). */
	void (*log_opts)(struct ppp_fsm *f, const uint8_t *opts, size_t len);
	/* Send a packet of this protocol (Information field from the Code). */
	void (*send)(struct ppp_fsm *f, const uint8_t *pkt, size_t len);
	/* No agreement is possible (rcn failed, or Max-Configure Naks): the
	 * layer is closed right after. May be NULL. */
	void (*no_agreement)(struct ppp_fsm *f);
};

#define PPP_FSM_SENT_MAX 64

/* The packet ppp_fsm_input() is processing, for the actions it causes. */
struct ppp_fsm_rx {
	uint8_t code, id;
	const uint8_t *data;
	size_t len;
	const uint8_t *reply;          /* reply options for sca/scn */
	size_t reply_len;
	uint8_t reply_code;            /* PPP_CONFNAK or PPP_CONFREJ for scn */
};

/* What only a negotiation needs (#19): the restart timer and counter and
 * our last Configure-Request. Made by the first action that sends or
 * times (ppp_fsm_negotiation()); freed when the layer reaches Opened,
 * unless keep_last_request (the LAC forwards LCP's last request as proxy
 * LCP after Opened), and by ppp_fsm_fini(). So a held session's layers
 * carry none. A negotiation that starts without one (a Configure-Request
 * in Opened) gets a fresh one: restart counter at Max-Configure, as
 * pppd's does. */
struct ppp_fsm_neg {
	struct vpdn_timer timer;
	uint8_t restart;               /* restart counter */
	uint8_t sent_len;
	uint8_t sent[PPP_FSM_SENT_MAX];/* options of our last Configure-Request */
};

/* What the layers of all of one owner's sessions share (the PPP manager
 * holds one for every engine's): one pointer a layer instead of four
 * (#19). Lifetime: outlives every fsm that points at it. */
struct ppp_fsm_env {
	struct vpdn_timers *timers;
	struct vpdn_log *log;          /* lines at VPDN_DEBUG_PPP_NEGOTIATION */
	uint64_t *malformed_total;     /* node counter to bump too, or NULL */
	/* the owner's interface name for log lines (ctx: the fsm's) */
	const char *(*ifname)(const void *ctx);
};

struct ppp_fsm {
	/* pointers first, then by size: no padding (#19) */
	const struct ppp_fsm_ops *ops;
	void *ctx;                     /* the owner (engine) */
	const struct ppp_fsm_env *env; /* borrowed (above) */
	struct ppp_fsm_neg *neg;       /* NULL at rest (above) */
	/* The packet being processed: on ppp_fsm_input()'s stack during one
	 * input, NULL otherwise (not kept in every session's FSMs, #15). */
	struct ppp_fsm_rx *rx;
	uint32_t restart_ms;
	uint32_t malformed;            /* packets dropped as malformed */
	uint32_t ignored;              /* silently discarded (wrong id, state) */
	uint16_t peer_mru;             /* longest packet the peer takes (0: 1500) */
	uint16_t last_actions;         /* actions of the last event (tests) */
	uint8_t state;
	uint8_t log_state;             /* state before the event (for logs) */
	uint8_t in_event;              /* ppp_fsm_event() depth: log_state valid */
	uint8_t id;                    /* next identifier we send */
	uint8_t reqid;                 /* id of our last Configure-Request */
	uint8_t max_configure, max_terminate, max_failure;
	uint8_t naks_sent;             /* Naks sent since the last Ack sent */
	uint8_t naks_rcvd;             /* Naks/Rejects received since the last Ack */
	bool passive;                  /* stay in Stopped on Up (listen) */
	bool keep_last_request;        /* keep neg in Opened (above) */
};

/* The negotiation block, made if there is none (tests, ppp_fsm_event). */
struct ppp_fsm_neg *ppp_fsm_negotiation(struct ppp_fsm *f);
/* Our last Configure-Request's options, or NULL (*len 0) when none is kept. */
const uint8_t *ppp_fsm_last_request(const struct ppp_fsm *f, size_t *len);

const char *ppp_fsm_state_name(enum ppp_fsm_state s);  /* "Req-Sent" */
const char *ppp_fsm_state_ios(enum ppp_fsm_state s);   /* "REQsent", "Listen" */
const char *ppp_fsm_event_name(enum ppp_fsm_event e);  /* "RCR+" */
const char *ppp_code_name(uint8_t code);               /* "CONFREQ" */

/* The table cell for (state, event). Returns false for an impossible
 * event ("-" in the RFC table); actions and next are then 0 / state. */
bool ppp_fsm_cell(enum ppp_fsm_state s, enum ppp_fsm_event e,
		  uint16_t *actions, enum ppp_fsm_state *next);

void ppp_fsm_init(struct ppp_fsm *f, const struct ppp_fsm_ops *ops, void *ctx,
		  const struct ppp_fsm_env *env);
/* Disarm the timer (before freeing the owner). */
void ppp_fsm_fini(struct ppp_fsm *f);

/* Feed one event through the table. */
void ppp_fsm_event(struct ppp_fsm *f, enum ppp_fsm_event ev);
static inline void ppp_fsm_up(struct ppp_fsm *f) { ppp_fsm_event(f, FSM_EV_UP); }
static inline void ppp_fsm_down(struct ppp_fsm *f) { ppp_fsm_event(f, FSM_EV_DOWN); }
static inline void ppp_fsm_open(struct ppp_fsm *f) { ppp_fsm_event(f, FSM_EV_OPEN); }
static inline void ppp_fsm_close(struct ppp_fsm *f) { ppp_fsm_event(f, FSM_EV_CLOSE); }
/* Passive open of a layer that is Closed (after Up): go to Stopped and
 * wait for the peer's Configure-Request ("LCP: State is Listen"). */
void ppp_fsm_listen(struct ppp_fsm *f);
/* From Stopped (listening) or Closed: start negotiating actively, as an
 * Open in Closed does (irc, scr -> Req-Sent). Used when the LNS must
 * renegotiate instead of taking the proxy LCP. */
void ppp_fsm_open_active(struct ppp_fsm *f);
/* Restart in place (ppp-state.c): Opened as it was before the exec,
 * no action (nothing sent, no This-Layer-Up). */
void ppp_fsm_restore_opened(struct ppp_fsm *f);
/* Proxy LCP: jump to Opened with the given options as our acknowledged
 * request (tlu runs). */
void ppp_fsm_force_open(struct ppp_fsm *f, const uint8_t *sent, size_t sent_len);

/* A packet of the fsm's protocol (Information field, from the Code). */
void ppp_fsm_input(struct ppp_fsm *f, const uint8_t *pkt, size_t len);

/* Send a packet with the given code/id and data; logs the header line and,
 * for Configure-* packets, one line per option. */
void ppp_fsm_send_packet(struct ppp_fsm *f, uint8_t code, uint8_t id,
			 const uint8_t *data, size_t len);

/* Option walking with bounds checks. Returns 1 with type, olen, opt set
 * (val points at the whole option, olen >= 2), 0 at the end, -EBADMSG if
 * the option is truncated or has a length below 2. */
int ppp_opt_next(const uint8_t *opts, size_t len, size_t *pos,
		 uint8_t *type, uint8_t *olen, const uint8_t **opt);

/* Format the options of a packet as IOS does: "desc (0xHEX)" per option,
 * long options on several lines. Calls line() once per log line. */
void ppp_log_hex_option(struct vpdn_log *log, int cat, const char *ifname,
			const char *proto, const char *desc, const uint8_t *opt,
			size_t olen);

#endif
