/* SPDX-License-Identifier: MIT */
/* The isdn module's calls: Q.931 call control toward the network, the B
 * channel links, CALL_INCOMING/CONNECTED/CLEARED. See isdn.h. */
#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "capture.h"
#include "isdn-private.h"
#include "port.h"
#include "q931.h"
#include "stream.h"
#include "wire.h"

#define CAUSE_INVALID_CREF 81

static void chan_unindex(struct isdn_call *c);

/* Logging */

void isdn_log_q931(struct isdn *is, struct isdn_call *c, bool tx, const struct isdn_msg *m)
{
	if (!vpdn_log_debug_on(is->log, VPDN_DEBUG_ISDN_Q931) || m->type == ISDN_MSG_DATA)
		return;
	const char *d = c ? c->port->dchan_short : "Se?";
	vpdn_log_write(is->log, VPDN_LOG_DEBUG, VPDN_DEBUG_ISDN_Q931,
		       "ISDN %s Q931: %s %s pd = 8  callref = 0x%04X", d, tx ? "TX ->" : "RX <-",
		       isdn_msg_type_name(m->type), m->cref);
	if (m->called[0])
		vpdn_log_write(is->log, VPDN_LOG_DEBUG, VPDN_DEBUG_ISDN_Q931,
			       "        Called Party Number i = 0x80, '%s'", m->called);
	if (m->calling[0])
		vpdn_log_write(is->log, VPDN_LOG_DEBUG, VPDN_DEBUG_ISDN_Q931,
			       "        Calling Party Number i = 0x80, '%s'", m->calling);
	if (m->channel >= 0)
		vpdn_log_write(is->log, VPDN_LOG_DEBUG, VPDN_DEBUG_ISDN_Q931,
			       "        Channel ID i = 0xA98381, B%d", m->channel);
	if (m->cause)
		vpdn_log_write(is->log, VPDN_LOG_DEBUG, VPDN_DEBUG_ISDN_Q931,
			       "        Cause i = 0x80%02X - %s", 0x80 | m->cause,
			       vpdn_q931_cause_name(m->cause));
}

int isdn_net_send(struct isdn *is, struct isdn_call *c, struct isdn_msg *m)
{
	if (!is->stream)
		return -ENOTCONN;
	isdn_log_q931(is, c, true, m);
	return isdn_stream_send(is->stream, m);
}

/* The port of a message's D channel index, or NULL. */
static struct isdn_port *dchan_port(struct isdn *is, uint16_t dchan)
{
	return dchan < is->ports->len ? g_ptr_array_index(is->ports, dchan) : NULL;
}

/* A B channel frame, either direction: into the capture if it covers the
 * call's port and channel. */
static void capture_frame(struct isdn_call *c, const uint8_t *data, size_t len)
{
	struct isdn *is = c->is;

	if (is->cap && is->cap_port && c->port == is->cap_port &&
	    (is->cap_chan < 0 || c->chan == is->cap_chan))
		isdn_capture_frame(is->cap, data, len);
}

void isdn_count_failure(struct isdn *is, int cause)
{
	char name[64];
	uint64_t *c;

	snprintf(name, sizeof(name), "isdn_call_failures_cause_%d_total", cause);
	c = vpdn_core_counter(is->core, name, "ISDN calls that failed, by Q.931 cause");
	if (c)
		(*c)++;
	(*is->c_failed)++;
	is->st.failed++;
}

const char *isdn_call_channel(const struct isdn_call *c, char buf[ISDN_CHAN_NAME_MAX])
{
	char sname[ISDN_CHAN_NAME_MAX];

	buf[0] = '\0';
	if (c->chan >= 0)
		isdn_port_channel_name(c->port, c->chan, buf, ISDN_CHAN_NAME_MAX, sname,
				       sizeof(sname));
	return buf;
}

/* ev's channel name is written in chan, the caller's: ev lives no longer
 * than chan (a published event's payload is not kept). */
static void fill_ev(struct isdn_call *c, struct vpdn_ev_call *ev, int cause,
		    char chan[ISDN_CHAN_NAME_MAX])
{
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->call_id = c->call_id;
	ev->dir = c->dir;
	ev->port = c->port->name;
	ev->channel = c->chan >= 0 ? isdn_call_channel(c, chan) : NULL;
	ev->short_name = c->chan >= 0 && c->link ? vpdn_link_name(c->link) : NULL;
	ev->interface = c->port->dchan;
	ev->calling = c->calling[0] ? c->calling : NULL;
	ev->called = c->dir == VPDN_CALL_IN ? isdn_port_dnis(c->port, isdn_call_called(c))
		     : isdn_call_called(c);
	ev->bearer_kbps = c->bearer;
	ev->cause = cause;
	ev->link = c->link;
}

/* Tell the upper layers, once, that the call is gone. */
static void clear_upper(struct isdn_call *c, int cause)
{
	struct isdn *is = c->is;
	struct vpdn_ev_call ev;
	char chan[ISDN_CHAN_NAME_MAX];

	if (c->upper_cleared)
		return;
	c->upper_cleared = true;
	if (c->req) {
		struct vpdn_request *req = c->req;
		c->req = NULL;
		if (c->dir == VPDN_CALL_IN)
			vpdn_request_cancel(req);
		else
			vpdn_request_complete(req, -cause, NULL);
	}
	if (!c->active)
		isdn_count_failure(is, cause);
	if (c->link && !c->b_gone)
		vpdn_link_hangup(c->link, VPDN_LINK_A, cause);
	if (c->active) {
		isdn_call_channel(c, chan);
		vpdn_info(is->log, "%%ISDN-6-DISCONNECT: Interface %s disconnected from %s, call lasted %" PRIu64 " seconds",
			  chan, c->dir == VPDN_CALL_IN ? (c->calling[0] ? c->calling : "unknown")
			  : isdn_call_called(c),
			  (vpdn_timers_now(is->tm) - c->active_at) / 1000);
		vpdn_info(is->log, "%%LINK-3-UPDOWN: Interface %s, changed state to down", chan);
	}
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Event: call id 0x%04X cleared, cause %d (%s)",
		   c->port->dchan_short, c->call_id, cause, vpdn_q931_cause_name(cause));
	if (c->published) {
		fill_ev(c, &ev, cause, chan);
		vpdn_bus_publish(is->bus, VPDN_EV_CALL_CLEARED, &ev);
	}
}

/* Freed by the bus on the next turn (vpdn_bus_defer_free()): touches the
 * call only, never is, which may be gone by then (module fini). */
static void call_free(void *obj)
{
	struct isdn_call *c = obj;

	q931_call_stop(&c->q);    /* a timer armed after the release */
	vpdn_link_unref(c->link);
	g_free(c->remote_name);
	g_free(c);
}

/* Back in U0: out of every table, its channel and its link end given back
 * at once; the memory goes on the next turn, so code still on the stack
 * after a publish may read it (c->released says it is dead). Once. */
void isdn_call_release(struct isdn_call *c)
{
	struct isdn *is = c->is;

	if (c->released)
		return;
	c->released = true;
	q931_call_stop(&c->q);
	g_hash_table_remove(is->calls, GUINT_TO_POINTER(c->key));
	if (g_hash_table_lookup(is->call_ids, GUINT_TO_POINTER(c->call_id)) == c)
		g_hash_table_remove(is->call_ids, GUINT_TO_POINTER(c->call_id));
	chan_unindex(c);
	if (c->chan >= 0)
		isdn_port_release(c->port, c->chan);
	c->chan = -1;
	if (c->link)
		vpdn_link_detach(c->link, VPDN_LINK_A);
	vpdn_bus_defer_free(is->bus, call_free, c);
}

/* q931 callbacks */

static void q_send(void *ctx, struct q931_call *q, uint8_t type, int cause)
{
	struct isdn_call *c = ctx;
	struct isdn_msg m;

	isdn_msg_init(&m, type, (uint16_t)c->key ^ ISDN_CREF_FLAG);
	m.dchan = c->port->dchan_ix;
	m.cause = cause;
	if (type == ISDN_MSG_SETUP) {
		snprintf(m.called, sizeof(m.called), "%s", isdn_call_called(c));
		snprintf(m.calling, sizeof(m.calling), "%s", c->calling);
		snprintf(m.port, sizeof(m.port), "%s", c->port->name);
		m.bearer_kbps = c->bearer;
		m.channel = c->chan;
	}
	if (type == ISDN_MSG_CONNECT)
		vpdn_debug(c->is->log, VPDN_DEBUG_ISDN_EVENTS,
			   "ISDN %s: isdn_send_connect(): msg 74, call id 0x%X, ces 1 bchan %d, call type DATA",
			   c->port->dchan_short, c->call_id, c->chan);
	(void)isdn_net_send(c->is, c, &m);
}

/* Lifetime: RELEASED releases the call (isdn_call_release()); it stays
 * readable until the next turn. */
static void q_indicate(void *ctx, struct q931_call *q, enum q931_ind ind, int cause)
{
	struct isdn_call *c = ctx;
	struct isdn *is = c->is;
	struct vpdn_ev_call ev;
	char chan[ISDN_CHAN_NAME_MAX];

	switch (ind) {
	case Q931_IND_PROCEEDING:
	case Q931_IND_ALERTING:
		return;
	case Q931_IND_CONNECTED:
		c->active = true;
		c->active_at = vpdn_timers_now(is->tm);
		is->st.connected++;
		fill_ev(c, &ev, 0, chan);
		vpdn_info(is->log, "%%LINK-3-UPDOWN: Interface %s, changed state to up", chan);
		vpdn_info(is->log, "%%ISDN-6-CONNECT: Interface %s is now connected to %s", chan,
			  c->dir == VPDN_CALL_IN ? (c->calling[0] ? c->calling : "unknown")
			  : isdn_call_called(c));
		if (c->dir == VPDN_CALL_OUT && c->req) {
			struct vpdn_request *req = c->req;
			c->req = NULL;
			if (vpdn_request_cancelled(req)) {
				vpdn_request_complete(req, 0, &ev);
				q931_input(&c->q, Q931_IN_DISCONNECT_REQ, VPDN_CAUSE_NORMAL_CLEARING);
				return;
			}
			c->published = true;
			vpdn_request_complete(req, 0, &ev);
		}
		c->published = true;
		vpdn_bus_publish(is->bus, VPDN_EV_CALL_CONNECTED, &ev);
		return;
	case Q931_IND_DISCONNECTED:
		clear_upper(c, cause);
		return;
	case Q931_IND_RELEASED:
		clear_upper(c, cause);
		isdn_call_release(c);
		return;
	default:
		vpdn_warn(is->log, "ISDN %s: unexpected indication %d", c->port->dchan_short, ind);
		return;
	}
}

static const struct q931_ops q_ops = { q_send, q_indicate };

/* The B channel link, end A. */

static void link_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct isdn_call *c = ctx;
	struct isdn_msg m;

	if (c->q.state != Q931_ACTIVE || len > ISDN_WIRE_MAX - ISDN_WIRE_HDR)
		return;
	isdn_msg_init(&m, ISDN_MSG_DATA, (uint16_t)c->key ^ ISDN_CREF_FLAG);
	m.dchan = c->port->dchan_ix;
	m.data = data;
	m.data_len = len;
	capture_frame(c, data, len);
	(void)isdn_net_send(c->is, c, &m);
}

/* The consumer at end B hung up: clear the call toward the network. */
static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct isdn_call *c = ctx;

	c->b_gone = true;
	(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ,
			 cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING);
}

static const struct vpdn_link_ops link_ops = { link_frame, link_hangup };

/* Incoming call ids: the node's (vpdn_core_call_id(), shared with the
 * serial lines), 0x011B style with bit 15 clear (our outgoing ones have it
 * set). Skips ids still in use here. */
static uint32_t next_in_id(struct isdn *is)
{
	for (;;) {
		uint32_t id = vpdn_core_call_id(is->core);
		if (!g_hash_table_contains(is->call_ids, GUINT_TO_POINTER(id)))
			return id;
	}
}

struct isdn_call *isdn_call_new(struct isdn *is, struct isdn_port *p, uint16_t cref,
				  enum vpdn_call_dir dir, const char *calling, const char *called)
{
	size_t ng = calling ? strnlen(calling, ISDN_WIRE_NUMBER_MAX) : 0;
	size_t nd = called ? strnlen(called, ISDN_WIRE_NUMBER_MAX) : 0;
	size_t size = offsetof(struct isdn_call, calling) + ng + 1 + nd + 1;
	struct isdn_call *c = g_malloc0(MAX(size, sizeof(*c)));

	memcpy(c->calling, calling ? calling : "", ng);          /* NUL: g_malloc0 */
	c->called_at = (uint8_t)(ng + 1);
	memcpy(c->calling + c->called_at, called ? called : "", nd);
	c->is = is;
	c->port = p;
	c->key = CALL_KEY(p->dchan_ix, cref);
	c->dir = dir;
	c->chan = -1;
	c->bearer = 64;
	if (dir == VPDN_CALL_IN)
		c->call_id = next_in_id(is);
	else
		c->call_id = 0x8000 | (0x0050 + (is->next_out++ & 0x7faf));
	q931_call_init(&c->q, is->tm, is->setup_timeout_ms, &q_ops, c);
	g_hash_table_insert(is->calls, GUINT_TO_POINTER(c->key), c);
	g_hash_table_insert(is->call_ids, GUINT_TO_POINTER(c->call_id), c);
	return c;
}

/* chan_calls: the B channel -> call index of show isdn status / D-Bus. */
static void chan_unindex(struct isdn_call *c)
{
	gpointer k = GUINT_TO_POINTER(CHAN_KEY(c->port->dchan_ix, c->chan));

	if (c->chan >= 0 && g_hash_table_lookup(c->is->chan_calls, k) == c)
		g_hash_table_remove(c->is->chan_calls, k);
}

struct isdn_call *isdn_call_on(struct isdn *is, const struct isdn_port *p, int ch)
{
	return g_hash_table_lookup(is->chan_calls, GUINT_TO_POINTER(CHAN_KEY(p->dchan_ix, ch)));
}

struct isdn_call *isdn_call_of_link(struct isdn *is, const struct vpdn_link *link)
{
	struct isdn_call *c = vpdn_link_ctx(link, VPDN_LINK_A, &link_ops);

	return c && c->is == is && c->link == link && !c->released ? c : NULL;
}

void isdn_call_set_channel(struct isdn_call *c, int ch)
{
	char name[ISDN_CHAN_NAME_MAX], sname[ISDN_CHAN_NAME_MAX];

	chan_unindex(c);
	c->chan = ch;
	g_hash_table_insert(c->is->chan_calls, GUINT_TO_POINTER(CHAN_KEY(c->port->dchan_ix, ch)), c);
	isdn_port_channel_name(c->port, ch, name, sizeof(name), sname, sizeof(sname));
	if (!c->link) {
		c->link = vpdn_link_new(sname);
		vpdn_link_attach(c->link, VPDN_LINK_A, &link_ops, c);
	} else {
		vpdn_link_set_name(c->link, sname);
	}
}

/* Incoming call: the answer of whoever claimed CALL_INCOMING, from the
 * main loop (never inside vpdn_bus_request()); clear_upper() cancels it. */
static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct isdn_call *c = data;

	c->req = NULL;
	if (status >= 0) {
		(void)q931_input(&c->q, Q931_IN_ANSWER, 0);
	} else {
		int cause = status == -ENOENT ? VPDN_CAUSE_INCOMPATIBLE_DESTINATION
			    : (-status > 0 && -status < 128) ? -status : VPDN_CAUSE_CALL_REJECTED;
		(void)q931_input(&c->q, Q931_IN_REJECT, cause);
	}
}

static void on_setup(struct isdn *is, const struct isdn_msg *m)
{
	struct isdn_port *p = dchan_port(is, m->dchan);
	struct isdn_msg r;
	struct isdn_call *c;
	struct vpdn_ev_call ev;
	struct vpdn_request *req;
	char chan[ISDN_CHAN_NAME_MAX];

	isdn_msg_init(&r, ISDN_MSG_RELEASE_COMPLETE, m->cref ^ ISDN_CREF_FLAG);
	r.dchan = m->dchan;
	if (m->cref & ISDN_CREF_FLAG ||
	    g_hash_table_contains(is->calls, GUINT_TO_POINTER(CALL_KEY(m->dchan, m->cref)))) {
		is->st.protocol_errors++;
		r.cause = CAUSE_INVALID_CREF;
		(void)isdn_net_send(is, NULL, &r);
		return;
	}
	if (!p || isdn_port_take(p, m->channel) < 0) {
		r.cause = VPDN_CAUSE_NO_CHANNEL;
		(void)isdn_net_send(is, NULL, &r);
		return;
	}
	c = isdn_call_new(is, p, m->cref, VPDN_CALL_IN, m->calling, m->called);
	c->bearer = m->bearer_kbps ? m->bearer_kbps : 64;
	isdn_call_set_channel(c, m->channel);
	is->st.calls_in++;
	(*is->c_in)++;
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Incoming call id = 0x%04X, dsl 0",
		   p->dchan_short, c->call_id);
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: received CALL_INCOMING call_id 0x%X",
		   p->dchan_short, c->call_id);
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: CALL_INCOMING: call type is DATA , bchan = %d",
		   p->dchan_short, c->chan);
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS,
		   "ISDN %s: Event: Received a DATA call from %s on B%d at %u Kb/s", p->dchan_short,
		   c->calling[0] ? c->calling : "<unknown>", c->chan, c->bearer);
	(void)q931_input(&c->q, Q931_IN_SETUP, 0);
	c->published = true;
	fill_ev(c, &ev, 0, chan);
	req = vpdn_bus_request(is->bus, VPDN_EV_CALL_INCOMING, &ev, incoming_done, c);
	if (c->upper_cleared)
		vpdn_request_cancel(req); /* a claimer cleared it at once */
	else
		c->req = req;
}

void isdn_on_message(void *ctx, const struct isdn_msg *m)
{
	struct isdn *is = ctx;
	struct isdn_call *c;
	enum q931_input in;

	switch (m->type) {
	case ISDN_MSG_REGISTER_ACK: {
		struct isdn_port *p = dchan_port(is, m->dchan);
		if (p)
			p->registered = true;
		vpdn_info(is->log, "ISDN %s: registered with the ISDN network (switch type %s)",
			  m->port, is->switch_type);
		return;
	}
	case ISDN_MSG_SETUP:
		isdn_log_q931(is, NULL, false, m);
		on_setup(is, m);
		return;
	case ISDN_MSG_REGISTER:
		is->st.protocol_errors++;
		return;
	default:
		break;
	}
	c = g_hash_table_lookup(is->calls, GUINT_TO_POINTER(CALL_KEY(m->dchan, m->cref)));
	if (!c) {
		if (m->type != ISDN_MSG_RELEASE_COMPLETE && m->type != ISDN_MSG_DATA) {
			struct isdn_msg r;
			isdn_msg_init(&r, ISDN_MSG_RELEASE_COMPLETE, m->cref ^ ISDN_CREF_FLAG);
			r.dchan = m->dchan;
			r.cause = CAUSE_INVALID_CREF;
			(void)isdn_net_send(is, NULL, &r);
		}
		return;
	}
	if (m->type == ISDN_MSG_DATA) {
		if (c->q.state == Q931_ACTIVE && c->link) {
			capture_frame(c, m->data, m->data_len);
			vpdn_link_send(c->link, VPDN_LINK_A, m->data, m->data_len);
		}
		return;
	}
	isdn_log_q931(is, c, false, m);
	switch (m->type) {
	case ISDN_MSG_CALL_PROCEEDING:
		in = Q931_IN_CALL_PROCEEDING;
		if (c->q.state == Q931_CALL_INITIATED && m->channel >= 0 && m->channel != c->chan) {
			/* The network chose another channel than we proposed. */
			if (c->chan >= 0)
				isdn_port_release(c->port, c->chan);
			chan_unindex(c);
			if (isdn_port_take(c->port, m->channel) < 0) {
				c->chan = -1;
				(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ, VPDN_CAUSE_NO_CHANNEL);
				return;
			}
			isdn_call_set_channel(c, m->channel);
		}
		if (c->q.state == Q931_CALL_INITIATED) {
			vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: received CALL_ACCEPT call_id 0x%X",
				   c->port->dchan_short, c->call_id);
			vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS,
				   "ISDN %s: PRI Event: CALL_ACCEPT, bchan = %d, call type = DATA",
				   c->port->dchan_short, c->chan);
		}
		break;
	case ISDN_MSG_ALERTING: in = Q931_IN_ALERTING; break;
	case ISDN_MSG_CONNECT:
		in = Q931_IN_CONNECT;
		vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: received CALL_CONNECT call_id 0x%X",
			   c->port->dchan_short, c->call_id);
		break;
	case ISDN_MSG_CONNECT_ACK: in = Q931_IN_CONNECT_ACK; break;
	case ISDN_MSG_DISCONNECT: in = Q931_IN_DISCONNECT; break;
	case ISDN_MSG_RELEASE: in = Q931_IN_RELEASE; break;
	case ISDN_MSG_RELEASE_COMPLETE: in = Q931_IN_RELEASE_COMPLETE; break;
	default:
		is->st.protocol_errors++;
		return;
	}
	if (q931_input(&c->q, in, m->cause) < 0) {
		is->st.protocol_errors++;
		vpdn_debug(is->log, VPDN_DEBUG_ISDN_Q931, "ISDN %s Q931: %s unexpected in state %s, ignored",
			   c->port->dchan_short, isdn_msg_type_name(m->type), q931_state_name(c->q.state));
	}
}

/* Every call dies with the network (cause 38). */
void isdn_drop_all_calls(struct isdn *is, int cause)
{
	GList *calls = g_hash_table_get_values(is->calls);

	for (GList *it = calls; it; it = it->next) {
		struct isdn_call *c = it->data;
		clear_upper(c, cause);
		isdn_call_release(c);
	}
	g_list_free(calls);
}
