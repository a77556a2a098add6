/* SPDX-License-Identifier: MIT */
/* The user side of one Q.931 call. See q931.h. */
#include "q931.h"

#include <errno.h>
#include <stddef.h>
#include <vpdnd/events.h>

#include "wire.h"

#define T313_MS 4000
#define T305_MS 4000
#define T308_MS 4000

const char *q931_state_name(enum q931_state s)
{
	switch (s) {
	case Q931_NULL: return "null";
	case Q931_CALL_INITIATED: return "call initiated";
	case Q931_OUTGOING_PROCEEDING: return "outgoing call proceeding";
	case Q931_CALL_DELIVERED: return "call delivered";
	case Q931_CALL_PRESENT: return "call present";
	case Q931_CONNECT_REQUEST: return "connect request";
	case Q931_ACTIVE: return "active";
	case Q931_DISCONNECT_REQUEST: return "disconnect request";
	case Q931_DISCONNECT_INDICATION: return "disconnect indication";
	case Q931_RELEASE_REQUEST: return "release request";
	}
	return "unknown";
}

const char *q931_input_name(enum q931_input in)
{
	switch (in) {
	case Q931_IN_SETUP_REQ: return "setup-request";
	case Q931_IN_ANSWER: return "answer";
	case Q931_IN_REJECT: return "reject";
	case Q931_IN_DISCONNECT_REQ: return "disconnect-request";
	case Q931_IN_SETUP: return "SETUP";
	case Q931_IN_CALL_PROCEEDING: return "CALL_PROC";
	case Q931_IN_ALERTING: return "ALERTING";
	case Q931_IN_CONNECT: return "CONNECT";
	case Q931_IN_CONNECT_ACK: return "CONNECT_ACK";
	case Q931_IN_DISCONNECT: return "DISCONNECT";
	case Q931_IN_RELEASE: return "RELEASE";
	case Q931_IN_RELEASE_COMPLETE: return "RELEASE_COMP";
	}
	return "unknown";
}

static void arm(struct q931_call *c, enum q931_timer_id id, uint64_t ms)
{
	c->running = id;
	vpdn_timer_arm(c->tm, &c->timer, ms);
}

static void stop(struct q931_call *c)
{
	c->running = Q931_T_NONE;
	vpdn_timer_cancel(c->tm, &c->timer);
}

void q931_call_stop(struct q931_call *c)
{
	stop(c);
}

static void set_cause(struct q931_call *c, int cause)
{
	if (!c->cause && cause > 0)
		c->cause = (int16_t)(cause < INT16_MAX ? cause : INT16_MAX);
}

/* Back to U0 and tell the owner: the last touch of c. */
static void released(struct q931_call *c)
{
	stop(c);
	c->state = Q931_NULL;
	c->ops->indicate(c->timer.data, c, Q931_IND_RELEASED,
			 c->cause ? c->cause : VPDN_CAUSE_NORMAL_CLEARING);
}

static void send_disconnect(struct q931_call *c, int wire_cause)
{
	c->state = Q931_DISCONNECT_REQUEST;
	arm(c, Q931_T305, T305_MS);
	c->ops->send(c->timer.data, c, ISDN_MSG_DISCONNECT, wire_cause);
}

static void send_release(struct q931_call *c)
{
	c->state = Q931_RELEASE_REQUEST;
	arm(c, Q931_T308, T308_MS);
	c->ops->send(c->timer.data, c, ISDN_MSG_RELEASE, 0);
}

/* data is the owner's ctx; the call is the timer's container. */
static void on_timer(struct vpdn_timer *t, void *data)
{
	struct q931_call *c = (struct q931_call *)((char *)t - offsetof(struct q931_call, timer));
	enum q931_timer_id id = c->running;

	c->running = Q931_T_NONE;
	switch (id) {
	case Q931_T_SETUP:
		set_cause(c, c->state == Q931_CALL_DELIVERED ? VPDN_CAUSE_NO_ANSWER
							      : VPDN_CAUSE_NO_USER_RESPONDING);
		send_disconnect(c, VPDN_CAUSE_RECOVERY_ON_TIMER);
		break;
	case Q931_T313:
		set_cause(c, VPDN_CAUSE_RECOVERY_ON_TIMER);
		send_disconnect(c, VPDN_CAUSE_RECOVERY_ON_TIMER);
		break;
	case Q931_T305:
		send_release(c);
		break;
	case Q931_T308:
		set_cause(c, VPDN_CAUSE_RECOVERY_ON_TIMER);
		released(c);
		break;
	default:
		break;
	}
}

void q931_call_init(struct q931_call *c, struct vpdn_timers *tm, uint64_t setup_timeout_ms,
		    const struct q931_ops *ops, void *ctx)
{
	c->state = Q931_NULL;
	c->cause = 0;
	c->running = Q931_T_NONE;
	c->setup_timeout_ms = setup_timeout_ms > UINT32_MAX ? UINT32_MAX : (uint32_t)setup_timeout_ms;
	c->tm = tm;
	c->ops = ops;
	vpdn_timer_init(&c->timer, on_timer, ctx);
}

static bool clearable(enum q931_state s)
{
	return s == Q931_CALL_INITIATED || s == Q931_OUTGOING_PROCEEDING ||
	       s == Q931_CALL_DELIVERED || s == Q931_CALL_PRESENT ||
	       s == Q931_CONNECT_REQUEST || s == Q931_ACTIVE;
}

int q931_input(struct q931_call *c, enum q931_input in, int cause)
{
	enum q931_state s = c->state;

	switch (in) {
	case Q931_IN_SETUP_REQ:
		if (s != Q931_NULL)
			return -EPROTO;
		c->state = Q931_CALL_INITIATED;
		arm(c, Q931_T_SETUP, c->setup_timeout_ms);
		c->ops->send(c->timer.data, c, ISDN_MSG_SETUP, 0);
		return 0;
	case Q931_IN_SETUP:
		if (s != Q931_NULL)
			return -EPROTO;
		c->state = Q931_CALL_PRESENT;
		return 0;
	case Q931_IN_ANSWER:
		if (s != Q931_CALL_PRESENT)
			return -EPROTO;
		c->state = Q931_CONNECT_REQUEST;
		arm(c, Q931_T313, T313_MS);
		c->ops->send(c->timer.data, c, ISDN_MSG_CONNECT, 0);
		return 0;
	case Q931_IN_REJECT:
		if (s != Q931_CALL_PRESENT)
			return -EPROTO;
		set_cause(c, cause > 0 ? cause : VPDN_CAUSE_CALL_REJECTED);
		c->ops->send(c->timer.data, c, ISDN_MSG_RELEASE_COMPLETE, c->cause);
		released(c);
		return 0;
	case Q931_IN_DISCONNECT_REQ:
		if (s == Q931_CALL_PRESENT)
			return q931_input(c, Q931_IN_REJECT, cause);
		if (!clearable(s))
			return -EPROTO;
		set_cause(c, cause > 0 ? cause : VPDN_CAUSE_NORMAL_CLEARING);
		send_disconnect(c, c->cause);
		return 0;
	case Q931_IN_CALL_PROCEEDING:
		if (s != Q931_CALL_INITIATED)
			return -EPROTO;
		c->state = Q931_OUTGOING_PROCEEDING;
		c->ops->indicate(c->timer.data, c, Q931_IND_PROCEEDING, 0);
		return 0;
	case Q931_IN_ALERTING:
		if (s != Q931_CALL_INITIATED && s != Q931_OUTGOING_PROCEEDING)
			return -EPROTO;
		c->state = Q931_CALL_DELIVERED;
		c->ops->indicate(c->timer.data, c, Q931_IND_ALERTING, 0);
		return 0;
	case Q931_IN_CONNECT:
		if (s != Q931_CALL_INITIATED && s != Q931_OUTGOING_PROCEEDING &&
		    s != Q931_CALL_DELIVERED)
			return -EPROTO;
		stop(c);
		c->state = Q931_ACTIVE;
		c->ops->send(c->timer.data, c, ISDN_MSG_CONNECT_ACK, 0);
		c->ops->indicate(c->timer.data, c, Q931_IND_CONNECTED, 0);
		return 0;
	case Q931_IN_CONNECT_ACK:
		if (s != Q931_CONNECT_REQUEST)
			return -EPROTO;
		stop(c);
		c->state = Q931_ACTIVE;
		c->ops->indicate(c->timer.data, c, Q931_IND_CONNECTED, 0);
		return 0;
	case Q931_IN_DISCONNECT:
		if (s == Q931_DISCONNECT_REQUEST) {
			/* Clear collision: both sent DISCONNECT. */
			send_release(c);
			return 0;
		}
		if (!clearable(s))
			return -EPROTO;
		stop(c);
		set_cause(c, cause > 0 ? cause : VPDN_CAUSE_NORMAL_UNSPECIFIED);
		c->state = Q931_DISCONNECT_INDICATION;
		c->ops->indicate(c->timer.data, c, Q931_IND_DISCONNECTED, c->cause);
		send_release(c);
		return 0;
	case Q931_IN_RELEASE:
		if (s == Q931_NULL)
			return -EPROTO;
		set_cause(c, cause > 0 ? cause : VPDN_CAUSE_NORMAL_CLEARING);
		if (s != Q931_RELEASE_REQUEST)
			c->ops->send(c->timer.data, c, ISDN_MSG_RELEASE_COMPLETE, 0);
		released(c);
		return 0;
	case Q931_IN_RELEASE_COMPLETE:
		if (s == Q931_NULL)
			return -EPROTO;
		set_cause(c, cause > 0 ? cause : VPDN_CAUSE_NORMAL_CLEARING);
		released(c);
		return 0;
	default:
		return -EPROTO;
	}
}
