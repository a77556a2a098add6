/* SPDX-License-Identifier: MIT */
/*
 * The user side of one Q.931 call (ITU-T Q.931 section 5, simplified to
 * what a data call on the simulated network needs). The machine decides
 * what to send and what to tell its owner; the owner (isdn.c) encodes the
 * messages, owns the B channel and talks to the event bus.
 *
 * Timers (all on the node's timer facility, embedded, one at a time):
 *  T-setup (call-timeout) in U1/U3/U4: no CONNECT -> clear, cause 18
 *  T313 (4 s) in U8: no CONNECT ACKNOWLEDGE -> clear, cause 102
 *  T305 (4 s) in U11: no answer to our DISCONNECT -> RELEASE
 *  T308 (4 s) in U19: no RELEASE COMPLETE -> back to U0
 */
#ifndef ISDN_Q931_H
#define ISDN_Q931_H

#include <stdint.h>

#include <vpdnd/timer.h>

enum q931_state {
	Q931_NULL = 0,                   /* U0 */
	Q931_CALL_INITIATED = 1,         /* U1 */
	Q931_OUTGOING_PROCEEDING = 3,    /* U3 */
	Q931_CALL_DELIVERED = 4,         /* U4 */
	Q931_CALL_PRESENT = 6,           /* U6 */
	Q931_CONNECT_REQUEST = 8,        /* U8 */
	Q931_ACTIVE = 10,                /* U10 */
	Q931_DISCONNECT_REQUEST = 11,    /* U11 */
	Q931_DISCONNECT_INDICATION = 12, /* U12 */
	Q931_RELEASE_REQUEST = 19,       /* U19 */
};
/* "null", "call initiated", ... */
const char *q931_state_name(enum q931_state s);

enum q931_input {
	/* from the owner */
	Q931_IN_SETUP_REQ,        /* place the call: sends SETUP */
	Q931_IN_ANSWER,           /* answer an incoming call: sends CONNECT */
	Q931_IN_REJECT,           /* refuse an incoming call (cause) */
	Q931_IN_DISCONNECT_REQ,   /* clear (cause) */
	/* from the network (a received message; cause from it or 0) */
	Q931_IN_SETUP,
	Q931_IN_CALL_PROCEEDING,
	Q931_IN_ALERTING,
	Q931_IN_CONNECT,
	Q931_IN_CONNECT_ACK,
	Q931_IN_DISCONNECT,
	Q931_IN_RELEASE,
	Q931_IN_RELEASE_COMPLETE,
};
const char *q931_input_name(enum q931_input in);

enum q931_ind {
	Q931_IND_PROCEEDING,    /* outgoing: the network accepted the SETUP */
	Q931_IND_ALERTING,
	Q931_IND_CONNECTED,     /* the call is active */
	Q931_IND_DISCONNECTED,  /* the network clears the call (cause) */
	Q931_IND_RELEASED,      /* back in U0 (cause): the last callback */
};

struct q931_call;

/* Lifetime: both callbacks run from q931_input() or a timer. The owner
 * must not free the call from send() or from any indication but
 * Q931_IND_RELEASED, which is the last thing the machine does with the
 * call: the owner may free it from there. */
struct q931_ops {
	void (*send)(void *ctx, struct q931_call *c, uint8_t msg_type, int cause);
	void (*indicate)(void *ctx, struct q931_call *c, enum q931_ind ind, int cause);
};

enum q931_timer_id { Q931_T_NONE, Q931_T_SETUP, Q931_T313, Q931_T305, Q931_T308 };

/* 48 bytes (one a call): small fields packed, the owner's ctx is the
 * timer's data. */
struct q931_call {
	uint8_t state;              /* enum q931_state */
	uint8_t running;            /* enum q931_timer_id */
	int16_t cause;              /* the first clearing cause, 0 none yet */
	uint32_t setup_timeout_ms;
	struct vpdn_timer timer;    /* its data is the owner's ctx */
	struct vpdn_timers *tm;
	const struct q931_ops *ops;
};

/* setup_timeout_ms is cut at UINT32_MAX (49 days). */
void q931_call_init(struct q931_call *c, struct vpdn_timers *tm, uint64_t setup_timeout_ms,
		    const struct q931_ops *ops, void *ctx);
/* Stop the timer (before freeing a call that is not in U0). */
void q931_call_stop(struct q931_call *c);

/* Feed an input. 0, or -EPROTO when it is not valid in the current state
 * (nothing changed: the owner counts it). The call may have been released
 * (and freed by the owner) when this returns: check with the owner's own
 * bookkeeping, not through c. */
int q931_input(struct q931_call *c, enum q931_input in, int cause);

#endif
