/* SPDX-License-Identifier: MIT */
/*
 * The per-call-type state machines (session-lac-ic.c, session-lns-ic.c,
 * session-lns-oc.c, session-lac-oc.c) as session.c sees them: one table
 * each. Only session.c and those four files include this header; the
 * tunnel and the engine reach a call type through session.c
 * (l2tp_session_accept(), l2tp_session_start(), l2tp_session_input()...).
 */
#ifndef L2TP_SESSION_FSM_H
#define L2TP_SESSION_FSM_H

#include "l2tp.h"

struct l2tp_session_fsm {
	const char *(*state_name)(int state);
	bool (*waiting_tunnel)(const struct l2tp_session *s);
	void (*tunnel_up)(struct l2tp_session *s);
	void (*input)(struct l2tp_session *s, const struct l2tp_msg *m);
	bool (*established)(const struct l2tp_session *s);
	/* What the state waits for from the peer (or our dialer): "ICCN",
	 * ...; NULL when it waits on nothing outside (or on the tunnel,
	 * whose own timers cover it). setup-timeout runs while non-NULL. */
	const char *(*awaits)(const struct l2tp_session *s);
	/* The call types the peer opens: the message that opens one (ICRQ,
	 * OCRQ) and its handler on established tunnel t. 0 / NULL for the
	 * types we originate. */
	uint16_t opened_by;
	void (*accept)(struct l2tp_tunnel *t, const struct l2tp_msg *m);
	/* The call types we originate: start one for a claimed request
	 * (request: the event's payload; see l2tp_session_start()). NULL for
	 * the types the peer opens. */
	int (*start)(struct l2tp *l2tp, struct l2tp_group *g, const void *request,
		     struct vpdn_request *req);
	/* The engine stops (optional): cancel what the type keeps outside
	 * its sessions. */
	void (*stop)(struct l2tp *l2tp);
};

extern const struct l2tp_session_fsm l2tp_lac_ic_fsm, l2tp_lns_ic_fsm, l2tp_lns_oc_fsm,
	l2tp_lac_oc_fsm;

/* session-lac-oc.c: the session is closing: orphan its dial (do not
 * cancel it). */
void l2tp_dial_orphan(struct l2tp_session *s);

#endif
