/* SPDX-License-Identifier: MIT */
/* The isdn module: ports, calls, the bus and the network. See isdn.h. */
#include "isdn.h"

#include <errno.h>
#include <glib.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <vpdnd/capture.h>

#include "capture.h"
#include "isdn-private.h"
#include "line.h"
#include "port.h"
#include "q931.h"
#include "stream.h"
#include "switch.h"
#include "wire.h"

#define RECONNECT_MS 1000
#define CAUSE_INVALID_CREF 81

static cfg_opt_t isdn_section_opts[] = {
	CFG_STR("switch-type", "primary-net5", CFGF_NONE),
	CFG_STR("network", "unix:/run/vpdnd/isdn.sock", CFGF_NONE),
	CFG_INT("call-timeout", 30, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t controller_opts[] = {
	CFG_STR("pri-group-timeslots", NULL, CFGF_NONE),
	CFG_STR_LIST("number", NULL, CFGF_NONE),
	CFG_INT("dnis-digits", 0, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t line_opts[] = {
	CFG_STR("device", NULL, CFGF_NONE),
	CFG_BOOL("pty", cfg_false, CFGF_NONE),
	CFG_STR("pty-link", NULL, CFGF_NONE),
	CFG_STR("listen", NULL, CFGF_NONE),
	CFG_STR("connect", NULL, CFGF_NONE),
	CFG_INT("speed", 115200, CFGF_NONE),
	CFG_STR("number", NULL, CFGF_NONE),
	CFG_STR("called", NULL, CFGF_NONE),
	CFG_STR("interface", NULL, CFGF_NONE),
	CFG_STR("calls", "in", CFGF_NONE),
	CFG_END()
};

cfg_opt_t isdn_options[] = {
	CFG_SEC("isdn", isdn_section_opts, CFGF_NONE),
	CFG_SEC("controller", controller_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("line", line_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static void call_release_check(struct isdn_call *c);
static void chan_unindex(struct isdn_call *c);

/* Logging */

static void log_q931(struct isdn *is, struct isdn_call *c, bool tx, const struct isdn_msg *m)
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

static int net_send(struct isdn *is, struct isdn_call *c, struct isdn_msg *m)
{
	if (!is->stream)
		return -ENOTCONN;
	log_q931(is, c, true, m);
	return isdn_stream_send(is->stream, m);
}

/* A port by name ("E1 0", also "E1/0"...), D channel ("Serial0:15") or
 * its short name ("Se0:15"); NULL: the first port. One hash lookup. */
static struct isdn_port *find_port(struct isdn *is, const char *name)
{
	struct isdn_port tmp;
	struct isdn_port *p;

	if (!name)
		return is->ports->len ? g_ptr_array_index(is->ports, 0) : NULL;
	if (isdn_port_init(&tmp, name) == 0 && (p = g_hash_table_lookup(is->port_names, tmp.name)))
		return p;
	return g_hash_table_lookup(is->port_names, name);
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

static void count_failure(struct isdn *is, int cause)
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

static void fill_ev(struct isdn_call *c, struct vpdn_ev_call *ev, int cause)
{
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->call_id = c->call_id;
	ev->dir = c->dir;
	ev->port = c->port->name;
	ev->channel = c->chan >= 0 ? c->channel : NULL;
	ev->short_name = c->chan >= 0 ? c->short_name : NULL;
	ev->interface = c->port->dchan;
	ev->calling = c->calling[0] ? c->calling : NULL;
	ev->called = c->dir == VPDN_CALL_IN ? isdn_port_dnis(c->port, c->called) : c->called;
	ev->bearer_kbps = c->bearer;
	ev->cause = cause;
	ev->link = c->link;
}

/* Tell the upper layers, once, that the call is gone. */
static void clear_upper(struct isdn_call *c, int cause)
{
	struct isdn *is = c->is;
	struct vpdn_ev_call ev;

	if (c->upper_cleared)
		return;
	c->upper_cleared = true;
	c->busy++;
	if (c->req) {
		struct vpdn_request *req = c->req;
		c->req = NULL;
		if (c->dir == VPDN_CALL_IN)
			vpdn_request_cancel(req);
		else
			vpdn_request_complete(req, -cause, NULL);
	}
	if (!c->active)
		count_failure(is, cause);
	if (c->link && !c->b_gone)
		vpdn_link_hangup(c->link, VPDN_LINK_A, cause);
	if (c->active) {
		vpdn_info(is->log, "%%ISDN-6-DISCONNECT: Interface %s disconnected from %s, call lasted %" PRIu64 " seconds",
			  c->channel, c->dir == VPDN_CALL_IN ? (c->calling[0] ? c->calling : "unknown") : c->called,
			  (vpdn_timers_now(is->tm) - c->active_at) / 1000);
		vpdn_info(is->log, "%%LINK-3-UPDOWN: Interface %s, changed state to down", c->channel);
	}
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Event: call id 0x%04X cleared, cause %d (%s)",
		   c->port->dchan_short, c->call_id, cause, vpdn_q931_cause_name(cause));
	if (c->published) {
		fill_ev(c, &ev, cause);
		vpdn_bus_publish(is->bus, VPDN_EV_CALL_CLEARED, &ev);
	}
	c->busy--;
}

static void call_free(struct isdn_call *c)
{
	struct isdn *is = c->is;

	q931_call_stop(&c->q);
	g_hash_table_remove(is->calls, GUINT_TO_POINTER(c->key));
	if (g_hash_table_lookup(is->call_ids, GUINT_TO_POINTER(c->call_id)) == c)
		g_hash_table_remove(is->call_ids, GUINT_TO_POINTER(c->call_id));
	if (c->link)
		g_hash_table_remove(is->call_links, c->link);
	chan_unindex(c);
	if (c->chan >= 0)
		isdn_port_release(c->port, c->chan);
	if (c->link) {
		vpdn_link_detach(c->link, VPDN_LINK_A);
		vpdn_link_unref(c->link);
	}
	g_free(c);
}

static void call_release_check(struct isdn_call *c)
{
	if (c->released && c->busy == 0)
		call_free(c);
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
		snprintf(m.called, sizeof(m.called), "%s", c->called);
		snprintf(m.calling, sizeof(m.calling), "%s", c->calling);
		snprintf(m.port, sizeof(m.port), "%s", c->port->name);
		m.bearer_kbps = c->bearer;
		m.channel = c->chan;
	}
	if (type == ISDN_MSG_CONNECT)
		vpdn_debug(c->is->log, VPDN_DEBUG_ISDN_EVENTS,
			   "ISDN %s: isdn_send_connect(): msg 74, call id 0x%X, ces 1 bchan %d, call type DATA",
			   c->port->dchan_short, c->call_id, c->chan);
	(void)net_send(c->is, c, &m);
}

/* Lifetime: RELEASED may free the call (unless a dispatch is under way,
 * then it is freed when that ends). */
static void q_indicate(void *ctx, struct q931_call *q, enum q931_ind ind, int cause)
{
	struct isdn_call *c = ctx;
	struct isdn *is = c->is;
	struct vpdn_ev_call ev;

	switch (ind) {
	case Q931_IND_PROCEEDING:
	case Q931_IND_ALERTING:
		return;
	case Q931_IND_CONNECTED:
		c->active = true;
		c->active_at = vpdn_timers_now(is->tm);
		is->st.connected++;
		vpdn_info(is->log, "%%LINK-3-UPDOWN: Interface %s, changed state to up", c->channel);
		vpdn_info(is->log, "%%ISDN-6-CONNECT: Interface %s is now connected to %s", c->channel,
			  c->dir == VPDN_CALL_IN ? (c->calling[0] ? c->calling : "unknown") : c->called);
		c->busy++;
		fill_ev(c, &ev, 0);
		if (c->dir == VPDN_CALL_OUT && c->req) {
			struct vpdn_request *req = c->req;
			c->req = NULL;
			if (vpdn_request_cancelled(req)) {
				vpdn_request_complete(req, 0, &ev);
				q931_input(&c->q, Q931_IN_DISCONNECT_REQ, VPDN_CAUSE_NORMAL_CLEARING);
				c->busy--;
				call_release_check(c);
				return;
			}
			c->published = true;
			vpdn_request_complete(req, 0, &ev);
		}
		c->published = true;
		vpdn_bus_publish(is->bus, VPDN_EV_CALL_CONNECTED, &ev);
		c->busy--;
		call_release_check(c);
		return;
	case Q931_IND_DISCONNECTED:
		clear_upper(c, cause);
		return;
	case Q931_IND_RELEASED:
		clear_upper(c, cause);
		c->released = true;
		call_release_check(c);
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
	(void)net_send(c->is, c, &m);
}

/* The consumer at end B hung up: clear the call toward the network. */
static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct isdn_call *c = ctx;

	c->busy++;
	c->b_gone = true;
	(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ,
			 cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING);
	c->busy--;
	call_release_check(c);
}

static const struct vpdn_link_ops link_ops = { link_frame, link_hangup };

/* Incoming call ids (also the serial lines'): 0x011B style, bit 15 clear
 * (outgoing ones have it set); past 0x7fff the count goes on in the upper
 * half so that 60 000+ calls still have distinct ids. Skips ids in use. */
static uint32_t next_in_id(struct isdn *is)
{
	for (;;) {
		uint32_t k = is->next_in++ & 0x7fffffff;
		uint32_t id = (k / 0x7f00) << 16 | (0x0100 + k % 0x7f00);
		if (!g_hash_table_contains(is->call_ids, GUINT_TO_POINTER(id)))
			return id;
	}
}

static struct isdn_call *call_new(struct isdn *is, struct isdn_port *p, uint16_t cref,
				  enum vpdn_call_dir dir)
{
	struct isdn_call *c = g_new0(struct isdn_call, 1);

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

static void call_set_channel(struct isdn_call *c, int ch)
{
	chan_unindex(c);
	c->chan = ch;
	g_hash_table_insert(c->is->chan_calls, GUINT_TO_POINTER(CHAN_KEY(c->port->dchan_ix, ch)), c);
	isdn_port_channel_name(c->port, ch, c->channel, sizeof(c->channel), c->short_name,
			       sizeof(c->short_name));
	if (!c->link) {
		c->link = vpdn_link_new(c->short_name);
		vpdn_link_attach(c->link, VPDN_LINK_A, &link_ops, c);
		g_hash_table_insert(c->is->call_links, c->link, c);
	} else {
		vpdn_link_set_name(c->link, c->short_name);
	}
}

/* Incoming call: the answer of whoever claimed CALL_INCOMING, from the
 * main loop (never inside vpdn_bus_request()); clear_upper() cancels it. */
static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct isdn_call *c = data;

	c->req = NULL;
	c->busy++;
	if (status >= 0) {
		(void)q931_input(&c->q, Q931_IN_ANSWER, 0);
	} else {
		int cause = status == -ENOENT ? VPDN_CAUSE_INCOMPATIBLE_DESTINATION
			    : (-status > 0 && -status < 128) ? -status : VPDN_CAUSE_CALL_REJECTED;
		(void)q931_input(&c->q, Q931_IN_REJECT, cause);
	}
	c->busy--;
	call_release_check(c);
}

static void on_setup(struct isdn *is, const struct isdn_msg *m)
{
	struct isdn_port *p = dchan_port(is, m->dchan);
	struct isdn_msg r;
	struct isdn_call *c;
	struct vpdn_ev_call ev;
	struct vpdn_request *req;

	isdn_msg_init(&r, ISDN_MSG_RELEASE_COMPLETE, m->cref ^ ISDN_CREF_FLAG);
	r.dchan = m->dchan;
	if (m->cref & ISDN_CREF_FLAG ||
	    g_hash_table_contains(is->calls, GUINT_TO_POINTER(CALL_KEY(m->dchan, m->cref)))) {
		is->st.protocol_errors++;
		r.cause = CAUSE_INVALID_CREF;
		(void)net_send(is, NULL, &r);
		return;
	}
	if (!p || isdn_port_take(p, m->channel) < 0) {
		r.cause = VPDN_CAUSE_NO_CHANNEL;
		(void)net_send(is, NULL, &r);
		return;
	}
	c = call_new(is, p, m->cref, VPDN_CALL_IN);
	snprintf(c->calling, sizeof(c->calling), "%s", m->calling);
	snprintf(c->called, sizeof(c->called), "%s", m->called);
	c->bearer = m->bearer_kbps ? m->bearer_kbps : 64;
	call_set_channel(c, m->channel);
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
	c->busy++;
	c->published = true;
	fill_ev(c, &ev, 0);
	req = vpdn_bus_request(is->bus, VPDN_EV_CALL_INCOMING, &ev, incoming_done, c);
	if (c->upper_cleared)
		vpdn_request_cancel(req); /* a claimer cleared it at once */
	else
		c->req = req;
	c->busy--;
	call_release_check(c);
}

static void on_message(void *ctx, const struct isdn_msg *m)
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
		log_q931(is, NULL, false, m);
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
			(void)net_send(is, NULL, &r);
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
	log_q931(is, c, false, m);
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
				c->busy++;
				(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ, VPDN_CAUSE_NO_CHANNEL);
				c->busy--;
				call_release_check(c);
				return;
			}
			call_set_channel(c, m->channel);
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
	c->busy++;
	if (q931_input(&c->q, in, m->cause) < 0) {
		is->st.protocol_errors++;
		vpdn_debug(is->log, VPDN_DEBUG_ISDN_Q931, "ISDN %s Q931: %s unexpected in state %s, ignored",
			   c->port->dchan_short, isdn_msg_type_name(m->type), q931_state_name(c->q.state));
	}
	c->busy--;
	call_release_check(c);
}

/* The network */

static void schedule_reconnect(struct isdn *is)
{
	if (is->path)
		vpdn_timer_arm(is->tm, &is->reconnect, RECONNECT_MS);
}

/* Every call dies with the network (cause 38). */
static void drop_all_calls(struct isdn *is, int cause)
{
	GList *calls = g_hash_table_get_values(is->calls);

	for (GList *it = calls; it; it = it->next) {
		struct isdn_call *c = it->data;
		c->busy++;
		clear_upper(c, cause);
		c->busy--;
		c->released = true;
		call_release_check(c);
	}
	g_list_free(calls);
}

/* Lifetime: runs from the main loop (stream's idle report). */
static void on_closed(void *ctx, int err)
{
	struct isdn *is = ctx;

	if (err == -EBADMSG) {
		is->st.malformed++;
		(*is->c_malformed)++;
		vpdn_warn(is->log, "ISDN: malformed message from the ISDN network, reconnecting");
	} else {
		vpdn_warn(is->log, "ISDN: lost the ISDN network (%s)", err ? g_strerror(-err) : "closed");
	}
	isdn_stream_free(is->stream);
	is->stream = NULL;
	for (guint i = 0; i < is->ports->len; i++)
		((struct isdn_port *)g_ptr_array_index(is->ports, i))->registered = false;
	drop_all_calls(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	schedule_reconnect(is);
}

static int attach_stream(struct isdn *is, int fd)
{
	is->stream = isdn_stream_new(fd, on_message, on_closed, is);
	if (!is->stream)
		return -ENOMEM;
	for (guint i = 0; i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		struct isdn_msg m;
		isdn_msg_init(&m, ISDN_MSG_REGISTER, 0);
		m.dchan = p->dchan_ix;
		snprintf(m.port, sizeof(m.port), "%s", p->name);
		m.channels = p->channels;
		for (unsigned k = 0; k < p->n_numbers && k < ISDN_WIRE_MAX_NUMBERS; k++)
			snprintf(m.numbers[k], sizeof(m.numbers[k]), "%s", p->numbers[k]);
		m.n_numbers = p->n_numbers < ISDN_WIRE_MAX_NUMBERS ? p->n_numbers : ISDN_WIRE_MAX_NUMBERS;
		(void)isdn_stream_send(is->stream, &m);
	}
	return 0;
}

static void try_connect(struct vpdn_timer *t, void *data)
{
	struct isdn *is = data;
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", is->path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (!is->warned)
			vpdn_warn(is->log, "ISDN: cannot reach the ISDN network at %s: %m, retrying", is->path);
		is->warned = true;
		if (fd >= 0)
			close(fd);
		schedule_reconnect(is);
		return;
	}
	is->warned = false;
	vpdn_info(is->log, "ISDN: connected to the ISDN network at %s", is->path);
	if (attach_stream(is, fd) < 0)
		schedule_reconnect(is);
}

/* Bus handlers */

/* A free call reference of our own on port p (scoped by its D channel). */
static uint16_t alloc_cref(struct isdn *is, const struct isdn_port *p)
{
	for (unsigned tries = 0; tries < 0x8000; tries++) {
		uint16_t c = is->next_cref;
		is->next_cref = (uint16_t)(is->next_cref % 0x7fff + 1);
		if (!g_hash_table_contains(is->calls, GUINT_TO_POINTER(CALL_KEY(p->dchan_ix, c | ISDN_CREF_FLAG))))
			return c;
	}
	return 0;
}

static bool number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > ISDN_WIRE_NUMBER_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '#'))
			return false;
	return true;
}

/* CALL_PLACE for a serial line (line.h, dial-out): a port named as a
 * dial-out line (its name or its config interface, unless an ISDN port
 * has that name), or no port named, no ISDN port, and a free dial-out
 * line. True if a line took (and completed) the request. */
static bool place_on_line(struct isdn *is, const struct vpdn_event *ev, const struct vpdn_ev_call_place *p)
{
	struct isdn_line *line = NULL;
	struct vpdn_request *req;
	int r;

	for (guint i = 0; i < is->lines->len && !line; i++) {
		struct isdn_line *l = g_ptr_array_index(is->lines, i);
		struct isdn_line_info li;
		isdn_line_get_info(l, &li);
		if (li.mode == ISDN_LINE_CALLS_IN)
			continue;
		if (p->port ? isdn_line_matches(l, p->port) && !find_port(is, p->port)
			    : !is->ports->len && isdn_line_can_dial(l))
			line = l;
	}
	if (!line)
		return false;
	req = vpdn_event_take_request(ev);
	if (!req)
		return true;
	if (p->number && p->number[0] && !number_ok(p->number)) {
		count_failure(is, VPDN_CAUSE_INVALID_NUMBER_FORMAT);
		vpdn_request_complete(req, -VPDN_CAUSE_INVALID_NUMBER_FORMAT, NULL);
		return true;
	}
	r = isdn_line_dial(line, p->number, req);
	if (r < 0)
		count_failure(is, -r);
	is->st.calls_out++;
	return true;
}

static enum vpdn_bus_verdict on_call_place(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call_place *p = ev->payload;
	struct isdn_port *port = NULL;
	struct vpdn_request *req;
	struct isdn_call *c;
	uint16_t cref;
	int ch;

	if (place_on_line(is, ev, p))
		return VPDN_BUS_CLAIM;
	if (!is->ports->len)
		return VPDN_BUS_PASS;
	if (p->port) {
		port = find_port(is, p->port);
		if (!port)
			return VPDN_BUS_PASS;
	} else {
		for (guint i = 0; i < is->ports->len && !port; i++)
			if (isdn_port_free_count(g_ptr_array_index(is->ports, i)))
				port = g_ptr_array_index(is->ports, i);
		if (!port)
			port = g_ptr_array_index(is->ports, 0);
	}
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_CLAIM;
	if (!number_ok(p->number) || (p->calling && p->calling[0] && !number_ok(p->calling))) {
		count_failure(is, VPDN_CAUSE_INVALID_NUMBER_FORMAT);
		vpdn_request_complete(req, -VPDN_CAUSE_INVALID_NUMBER_FORMAT, NULL);
		return VPDN_BUS_CLAIM;
	}
	if (!is->stream) {
		count_failure(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
		vpdn_request_complete(req, -VPDN_CAUSE_NETWORK_OUT_OF_ORDER, NULL);
		return VPDN_BUS_CLAIM;
	}
	cref = alloc_cref(is, port);
	ch = isdn_port_alloc(port, true);
	if (ch < 0 || !cref) {
		if (ch >= 0)
			isdn_port_release(port, ch);
		count_failure(is, VPDN_CAUSE_NO_CHANNEL);
		vpdn_request_complete(req, -VPDN_CAUSE_NO_CHANNEL, NULL);
		return VPDN_BUS_CLAIM;
	}
	c = call_new(is, port, cref | ISDN_CREF_FLAG, VPDN_CALL_OUT);
	snprintf(c->called, sizeof(c->called), "%s", p->number);
	snprintf(c->calling, sizeof(c->calling), "%s",
		 p->calling && p->calling[0] ? p->calling : port->n_numbers ? port->numbers[0] : "");
	c->bearer = p->bearer_kbps ? p->bearer_kbps : 64;
	call_set_channel(c, ch);
	c->req = req;
	is->st.calls_out++;
	(*is->c_out)++;
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Outgoing call id = 0x%04X, dsl 0",
		   port->dchan_short, c->call_id);
	vpdn_debug(is->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Event: Call to %s at %u Kb/s",
		   port->dchan_short, c->called, c->bearer);
	c->busy++;
	(void)q931_input(&c->q, Q931_IN_SETUP_REQ, 0);
	c->busy--;
	call_release_check(c);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_call_hangup(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call_hangup *h = ev->payload;
	struct vpdn_request *req;
	struct isdn_call *c = g_hash_table_lookup(is->call_ids, GUINT_TO_POINTER(h->call_id));

	if (c) {
		req = vpdn_event_take_request(ev);
		c->busy++;
		(void)q931_input(&c->q, Q931_IN_DISCONNECT_REQ,
				 h->cause > 0 && h->cause < 128 ? h->cause : VPDN_CAUSE_NORMAL_CLEARING);
		c->busy--;
		call_release_check(c);
		if (req)
			vpdn_request_complete(req, 0, NULL);
		return VPDN_BUS_CLAIM;
	}
	for (guint i = 0; i < is->lines->len; i++) {
		if (!isdn_line_hangup(g_ptr_array_index(is->lines, i), h->call_id, h->cause))
			continue;
		req = vpdn_event_take_request(ev);
		if (req)
			vpdn_request_complete(req, 0, NULL);
		return VPDN_BUS_CLAIM;
	}
	return VPDN_BUS_PASS;
}

/* LINK_ACCM from PPP (async carriers): our serial lines take it. */
static enum vpdn_bus_verdict on_link_accm(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_accm *a = ev->payload;

	for (guint i = 0; i < is->lines->len; i++)
		if (isdn_line_set_accm(g_ptr_array_index(is->lines, i), a->link, a->send_accm,
				       a->recv_accm))
			break;
	return VPDN_BUS_PASS;
}

/* The peer's name for show isdn active: from PPP authentication, or from
 * the LAC's forward request (whose user is not verified locally). */
static void learn_remote_name(struct isdn *is, const struct vpdn_link *link, const char *user)
{
	struct isdn_call *c;

	if (!link || !user)
		return;
	c = g_hash_table_lookup(is->call_links, link);
	if (c) {
		vpdn_log_printable(c->remote_name, sizeof(c->remote_name), user, strlen(user), 0);
		return;
	}
	for (guint i = 0; i < is->lines->len; i++)
		if (isdn_line_set_remote_name(g_ptr_array_index(is->lines, i), link, user))
			return;
}

static enum vpdn_bus_verdict on_ppp_authenticated(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp *p = ev->payload;

	learn_remote_name(data, p->link, p->user);
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_forward(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_forward *f = ev->payload;

	learn_remote_name(data, f->link, f->user);
	return VPDN_BUS_PASS;
}

/* Config */

static int port_from_cfg(cfg_t *sec, struct isdn_port *p)
{
	const char *ts = cfg_getstr(sec, "pri-group-timeslots");
	long dnis = cfg_getint(sec, "dnis-digits");
	unsigned n = cfg_size(sec, "number");

	if (isdn_port_init(p, cfg_title(sec)) < 0) {
		cfg_error(sec, "controller \"%s\": expected \"E1 n\", \"T1 n\" or \"BRI n\"", cfg_title(sec));
		return -EINVAL;
	}
	if (ts && p->type == ISDN_PORT_BRI) {
		cfg_error(sec, "controller \"%s\": pri-group-timeslots on a BRI", cfg_title(sec));
		return -EINVAL;
	}
	if (ts && isdn_port_set_timeslots(p, ts) < 0) {
		cfg_error(sec, "controller \"%s\": bad pri-group-timeslots \"%s\"", cfg_title(sec), ts);
		return -EINVAL;
	}
	if (dnis < 0 || dnis > ISDN_WIRE_NUMBER_MAX) {
		cfg_error(sec, "controller \"%s\": dnis-digits out of range", cfg_title(sec));
		return -EINVAL;
	}
	p->dnis_digits = (int)dnis;
	if (n > ISDN_PORT_MAX_NUMBERS) {
		cfg_error(sec, "controller \"%s\": at most %d numbers", cfg_title(sec), ISDN_PORT_MAX_NUMBERS);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *num = cfg_getnstr(sec, "number", i);
		if (!number_ok(num)) {
			cfg_error(sec, "controller \"%s\": bad number \"%s\"", cfg_title(sec), num);
			return -EINVAL;
		}
		snprintf(p->numbers[i], sizeof(p->numbers[i]), "%s", num);
	}
	p->n_numbers = n;
	return 0;
}

static bool speed_ok(long speed)
{
	static const long speeds[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
				       230400, 460800, 921600 };
	for (size_t i = 0; i < G_N_ELEMENTS(speeds); i++)
		if (speed == speeds[i])
			return true;
	return false;
}

/* calls = "in" | "out" | "both" (line.h: dial-out on device and connect
 * lines, both on device lines only). */
static int line_calls_from_cfg(cfg_t *sec, const char *name, struct isdn_line_conf *lc)
{
	const char *calls = cfg_getstr(sec, "calls");

	if (!calls || !strcmp(calls, "in"))
		lc->calls = ISDN_LINE_CALLS_IN;
	else if (!strcmp(calls, "out"))
		lc->calls = ISDN_LINE_CALLS_OUT;
	else if (!strcmp(calls, "both"))
		lc->calls = ISDN_LINE_CALLS_BOTH;
	else {
		cfg_error(sec, "line \"%s\": calls must be \"in\", \"out\" or \"both\", not \"%s\"", name, calls);
		return -EINVAL;
	}
	if (isdn_line_calls_check(lc->kind, lc->calls) < 0) {
		cfg_error(sec, "line \"%s\": calls = \"%s\" needs a %s line", name, isdn_line_calls_name(lc->calls),
			  lc->calls == ISDN_LINE_CALLS_OUT ? "device or connect" : "device");
		return -EINVAL;
	}
	return 0;
}

/* line "NAME" { device | pty | listen | connect, speed, number, called,
 * interface }; strings are borrowed from sec. */
static int line_from_cfg(cfg_t *sec, struct isdn_line_conf *lc)
{
	const char *dev = cfg_getstr(sec, "device"), *lis = cfg_getstr(sec, "listen");
	const char *con = cfg_getstr(sec, "connect");
	bool pty = cfg_getbool(sec, "pty");
	const char *name = cfg_title(sec);
	long speed = cfg_getint(sec, "speed");
	int n = (dev != NULL) + (lis != NULL) + (con != NULL) + pty;

	memset(lc, 0, sizeof(*lc));
	if (!name || !*name || strlen(name) > 31 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:/._-") != strlen(name)) {
		cfg_error(sec, "line \"%s\": name must be 1-31 letters, digits or :/._-", name ? name : "");
		return -EINVAL;
	}
	if (n != 1) {
		cfg_error(sec, "line \"%s\": give exactly one of device, pty, listen, connect", name);
		return -EINVAL;
	}
	if ((lis && !isdn_unix_path(lis)) || (con && !isdn_unix_path(con))) {
		cfg_error(sec, "line \"%s\": listen/connect must be unix:/absolute/path", name);
		return -EINVAL;
	}
	if (dev && dev[0] != '/') {
		cfg_error(sec, "line \"%s\": device must be an absolute path", name);
		return -EINVAL;
	}
	if (!speed_ok(speed)) {
		cfg_error(sec, "line \"%s\": unsupported speed %ld", name, speed);
		return -EINVAL;
	}
	lc->number = cfg_getstr(sec, "number");
	lc->called = cfg_getstr(sec, "called");
	if ((lc->number && !number_ok(lc->number)) || (lc->called && !number_ok(lc->called))) {
		cfg_error(sec, "line \"%s\": bad number", name);
		return -EINVAL;
	}
	lc->name = name;
	lc->kind = dev ? ISDN_LINE_DEVICE : pty ? ISDN_LINE_PTY : lis ? ISDN_LINE_LISTEN : ISDN_LINE_CONNECT;
	if (line_calls_from_cfg(sec, name, lc) < 0)
		return -EINVAL;
	lc->path = dev ? dev : lis ? isdn_unix_path(lis) : con ? isdn_unix_path(con) : NULL;
	lc->pty_link = cfg_getstr(sec, "pty-link");
	lc->speed = (unsigned)speed;
	lc->interface = cfg_getstr(sec, "interface");
	return 0;
}

static uint32_t line_call_id(void *ctx)
{
	struct isdn *is = ctx;

	return next_in_id(is);
}

static GPtrArray *snap_new(cfg_t *cfg);
static void snap_forget_sections(GPtrArray *snap);

int isdn_check(cfg_t *cfg)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	struct isdn_port p;

	if (sec && !isdn_unix_path(cfg_getstr(sec, "network"))) {
		cfg_error(sec, "isdn: network must be unix:/absolute/path");
		return -EINVAL;
	}
	if (sec && cfg_getint(sec, "call-timeout") <= 0) {
		cfg_error(sec, "isdn: call-timeout must be positive");
		return -EINVAL;
	}
	for (unsigned i = 0; i < cfg_size(cfg, "controller"); i++)
		if (port_from_cfg(cfg_getnsec(cfg, "controller", i), &p) < 0)
			return -EINVAL;
	for (unsigned i = 0; i < cfg_size(cfg, "line"); i++) {
		struct isdn_line_conf lc;
		if (line_from_cfg(cfg_getnsec(cfg, "line", i), &lc) < 0)
			return -EINVAL;
	}
	return 0;
}

static int isdn_create(struct vpdn_core *core, cfg_t *cfg, struct isdn **out)
{
	struct isdn *is = g_new0(struct isdn, 1);
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	int r;

	is->core = core;
	is->log = vpdn_core_log(core);
	is->bus = vpdn_core_bus(core);
	is->tm = vpdn_core_timers(core);
	is->ports = g_ptr_array_new_with_free_func(g_free);
	is->port_names = g_hash_table_new(g_str_hash, g_str_equal);
	is->calls = g_hash_table_new(NULL, NULL);
	is->call_ids = g_hash_table_new(NULL, NULL);
	is->call_links = g_hash_table_new(NULL, NULL);
	is->chan_calls = g_hash_table_new(NULL, NULL);
	is->next_cref = 1;
	is->next_in = 0x1b;
	is->next_out = 0x05;
	is->switch_type = g_strdup(sec ? cfg_getstr(sec, "switch-type") : "primary-net5");
	is->setup_timeout_ms = (uint64_t)(sec ? cfg_getint(sec, "call-timeout") : 30) * 1000;
	vpdn_timer_init(&is->reconnect, try_connect, is);
	for (unsigned i = 0; i < cfg_size(cfg, "controller"); i++) {
		struct isdn_port *p = g_new0(struct isdn_port, 1);
		r = port_from_cfg(cfg_getnsec(cfg, "controller", i), p);
		if (r < 0) {
			g_free(p);
			goto fail;
		}
		if (is->ports->len > 0xffff) {
			cfg_error(cfg, "isdn: at most 65 536 controllers");
			g_free(p);
			r = -EINVAL;
			goto fail;
		}
		if (g_hash_table_contains(is->port_names, p->name)) {
			cfg_error(cfg, "controller \"%s\": configured twice", p->name);
			g_free(p);
			r = -EINVAL;
			goto fail;
		}
		p->dchan_ix = (uint16_t)is->ports->len;
		g_ptr_array_add(is->ports, p);
		/* first come first served, as a scan in config order would */
		g_hash_table_insert(is->port_names, p->name, p);
		if (!g_hash_table_contains(is->port_names, p->dchan))
			g_hash_table_insert(is->port_names, p->dchan, p);
		if (!g_hash_table_contains(is->port_names, p->dchan_short))
			g_hash_table_insert(is->port_names, p->dchan_short, p);
	}
	is->lines = g_ptr_array_new_with_free_func((GDestroyNotify)isdn_line_free);
	for (unsigned i = 0; i < cfg_size(cfg, "line"); i++) {
		struct isdn_line_conf lc;
		struct isdn_line_host host = { line_call_id, is };
		struct isdn_line *l = NULL;
		r = line_from_cfg(cfg_getnsec(cfg, "line", i), &lc);
		if (r < 0 || (r = isdn_line_new(core, &lc, &host, &l)) < 0)
			goto fail;
		g_ptr_array_add(is->lines, l);
	}
	is->c_in = vpdn_core_counter(core, "isdn_calls_in_total", "Incoming ISDN calls");
	is->c_out = vpdn_core_counter(core, "isdn_calls_out_total", "Outgoing ISDN calls");
	is->c_failed = vpdn_core_counter(core, "isdn_call_failures_total", "ISDN calls that never connected");
	is->c_malformed = vpdn_core_counter(core, "isdn_malformed_total",
					    "Malformed messages from the ISDN network");
	is->sub_place = vpdn_bus_subscribe(is->bus, VPDN_EV_CALL_PLACE, on_call_place, is);
	is->sub_hangup = vpdn_bus_subscribe(is->bus, VPDN_EV_CALL_HANGUP, on_call_hangup, is);
	is->sub_accm = vpdn_bus_subscribe(is->bus, VPDN_EV_LINK_ACCM, on_link_accm, is);
	is->sub_auth = vpdn_bus_subscribe(is->bus, VPDN_EV_PPP_AUTHENTICATED, on_ppp_authenticated, is);
	/* before l2tp claims it */
	is->sub_forward = vpdn_bus_subscribe_prio(is->bus, VPDN_EV_FORWARD_REQUEST, -100, on_forward, is);
	for (guint i = 0; i < is->lines->len; i++) {
		r = isdn_line_start(g_ptr_array_index(is->lines, i));
		if (r < 0)
			goto fail;
	}
	(void)isdn_bus_register(is);
	is->snap = snap_new(cfg);
	snap_forget_sections(is->snap);
	*out = is;
	return 0;
fail:
	isdn_free(is);
	return r;
}

/* Reload. The core frees the tree the module started with after every
 * reload, refused or not, so what is running is kept as a snapshot: per
 * section (isdn, each controller, each line, in order) its title and
 * each option's values as text. */

struct isdn_snap {
	const char *kind;  /* "isdn", "controller", "line" */
	char *title;       /* NULL for isdn */
	GHashTable *opts;  /* option name -> its values as text */
	cfg_t *sec;        /* only while the snapshot of a new config is compared */
};

static void snap_free(gpointer p)
{
	struct isdn_snap *e = p;
	g_free(e->title);
	g_hash_table_destroy(e->opts);
	g_free(e);
}

static char *opt_text(cfg_opt_t *o)
{
	GString *t = g_string_new(NULL);
	for (unsigned i = 0; i < cfg_opt_size(o); i++) {
		const char *v;
		switch (o->type) {
		case CFGT_INT: g_string_append_printf(t, "%ld,", cfg_opt_getnint(o, i)); break;
		case CFGT_BOOL: g_string_append_printf(t, "%d,", cfg_opt_getnbool(o, i)); break;
		case CFGT_FLOAT: g_string_append_printf(t, "%a,", cfg_opt_getnfloat(o, i)); break;
		case CFGT_STR:
			v = cfg_opt_getnstr(o, i);
			if (v)
				g_string_append_printf(t, "%zu:%s,", strlen(v), v);
			else
				g_string_append(t, "-,");
			break;
		default: break;
		}
	}
	return g_string_free(t, FALSE);
}

static void snap_add(GPtrArray *snap, const char *kind, cfg_t *sec)
{
	struct isdn_snap *e = g_new0(struct isdn_snap, 1);
	e->kind = kind;
	e->title = g_strdup(cfg_title(sec));
	e->sec = sec;
	e->opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	for (cfg_opt_t *o = sec->opts; o && o->name; o++)
		g_hash_table_insert(e->opts, g_strdup(o->name), opt_text(o));
	g_ptr_array_add(snap, e);
}

static GPtrArray *snap_new(cfg_t *cfg)
{
	static const char *const kinds[] = { "controller", "line" };
	GPtrArray *snap = g_ptr_array_new_with_free_func(snap_free);
	snap_add(snap, "isdn", cfg_getsec(cfg, "isdn"));
	for (unsigned k = 0; k < G_N_ELEMENTS(kinds); k++)
		for (unsigned i = 0; i < cfg_size(cfg, kinds[k]); i++)
			snap_add(snap, kinds[k], cfg_getnsec(cfg, kinds[k], i));
	return snap;
}

static void snap_forget_sections(GPtrArray *snap)
{
	for (guint i = 0; i < snap->len; i++)
		((struct isdn_snap *)g_ptr_array_index(snap, i))->sec = NULL;
}

/* What new calls use: the rest must be as running. */
static bool is_live(const struct isdn_snap *e, const char *opt)
{
	if (!strcmp(e->kind, "isdn"))
		return !strcmp(opt, "call-timeout");
	if (!strcmp(e->kind, "controller"))
		return !strcmp(opt, "dnis-digits");
	return false;
}

static void refuse(struct isdn_snap *e, const char *opt, const char *how)
{
	if (e->title)
		cfg_error(e->sec, "%s \"%s\": %s %s live; restart vpdnd to apply it",
			  e->kind, e->title, opt, how);
	else
		cfg_error(e->sec, "%s: %s %s live; restart vpdnd to apply it", e->kind, opt, how);
}

/* The first difference that cannot apply live, reported; false if any. */
static bool snap_compatible(GPtrArray *old, GPtrArray *new, cfg_t *root)
{
	for (guint i = 0; i < MAX(old->len, new->len); i++) {
		struct isdn_snap *a = i < old->len ? g_ptr_array_index(old, i) : NULL;
		struct isdn_snap *b = i < new->len ? g_ptr_array_index(new, i) : NULL;
		if (!b) {
			struct isdn_snap gone = { a->kind, a->title, NULL, root };
			refuse(&gone, "the section", "cannot be removed");
			return false;
		}
		if (!a || strcmp(a->kind, b->kind) || g_strcmp0(a->title, b->title)) {
			refuse(b, "the section", "cannot be added or renamed");
			return false;
		}
		GHashTableIter it;
		gpointer k, v;
		g_hash_table_iter_init(&it, b->opts);
		while (g_hash_table_iter_next(&it, &k, &v))
			if (!is_live(b, k) && g_strcmp0(v, g_hash_table_lookup(a->opts, k))) {
				refuse(b, k, "cannot change");
				return false;
			}
	}
	return true;
}

int isdn_reload(struct isdn *is, cfg_t *cfg)
{
	GPtrArray *snap = snap_new(cfg);
	cfg_t *sec = cfg_getsec(cfg, "isdn");

	if (!is->snap || !snap_compatible(is->snap, snap, cfg)) {
		g_ptr_array_free(snap, TRUE);
		return -EINVAL;
	}
	is->setup_timeout_ms = (uint64_t)cfg_getint(sec, "call-timeout") * 1000;
	for (unsigned i = 0; i < cfg_size(cfg, "controller") && i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		p->dnis_digits = (int)cfg_getint(cfg_getnsec(cfg, "controller", i), "dnis-digits");
	}
	snap_forget_sections(snap);
	g_ptr_array_free(is->snap, TRUE);
	is->snap = snap;
	vpdn_notice(is->log, "ISDN: configuration reloaded: call-timeout %lu s, %u controller%s",
		    (unsigned long)(is->setup_timeout_ms / 1000), is->ports->len,
		    is->ports->len == 1 ? "" : "s");
	return 0;
}

int isdn_new(struct vpdn_core *core, cfg_t *cfg, struct isdn **out)
{
	cfg_t *sec = cfg_getsec(cfg, "isdn");
	const char *path = isdn_unix_path(sec ? cfg_getstr(sec, "network") : "unix:/run/vpdnd/isdn.sock");
	int r;

	if (!path)
		return -EINVAL;
	r = isdn_create(core, cfg, out);
	if (r < 0)
		return r;
	if (!(*out)->ports->len && (*out)->lines->len)
		return 0;  /* serial lines only: no ISDN network to reach */
	(*out)->path = g_strdup(path);
	try_connect(&(*out)->reconnect, *out);
	return 0;
}

int isdn_new_fd(struct vpdn_core *core, cfg_t *cfg, int fd, struct isdn **out)
{
	int r = isdn_create(core, cfg, out);

	if (r < 0) {
		close(fd);
		return r;
	}
	r = attach_stream(*out, fd);
	if (r < 0) {
		isdn_free(*out);
		*out = NULL;
	}
	return r;
}

void isdn_free(struct isdn *is)
{
	if (!is)
		return;
	if (is->sub_place)
		vpdn_bus_unsubscribe(is->bus, is->sub_place);
	if (is->sub_hangup)
		vpdn_bus_unsubscribe(is->bus, is->sub_hangup);
	if (is->sub_accm)
		vpdn_bus_unsubscribe(is->bus, is->sub_accm);
	if (is->sub_auth)
		vpdn_bus_unsubscribe(is->bus, is->sub_auth);
	if (is->sub_forward)
		vpdn_bus_unsubscribe(is->bus, is->sub_forward);
	isdn_bus_unregister(is);
	vpdn_timer_cancel(is->tm, &is->reconnect);
	drop_all_calls(is, VPDN_CAUSE_NETWORK_OUT_OF_ORDER);
	isdn_stream_free(is->stream);
	g_hash_table_destroy(is->calls);
	g_hash_table_destroy(is->call_ids);
	g_hash_table_destroy(is->call_links);
	g_hash_table_destroy(is->chan_calls);
	g_hash_table_destroy(is->port_names);
	if (is->lines)
		g_ptr_array_free(is->lines, TRUE);
	g_ptr_array_free(is->ports, TRUE);
	if (is->cap)
		(void)isdn_capture_close(is->cap, NULL);
	g_free(is->cap_path);
	g_free(is->path);
	g_free(is->switch_type);
	if (is->snap)
		g_ptr_array_free(is->snap, TRUE);
	g_free(is);
}

unsigned isdn_call_count(const struct isdn *is)
{
	return g_hash_table_size(is->calls);
}

struct isdn_line *isdn_find_line(struct isdn *is, const char *name)
{
	for (guint i = 0; name && i < is->lines->len; i++) {
		struct isdn_line *l = g_ptr_array_index(is->lines, i);
		struct isdn_line_info info;
		isdn_line_get_info(l, &info);
		if (strcmp(info.name, name) == 0)
			return l;
	}
	return NULL;
}

bool isdn_connected(const struct isdn *is)
{
	return is->stream != NULL;
}

const struct isdn_stats *isdn_stats(const struct isdn *is)
{
	return &is->st;
}

/* StartCapture: what names the port, line or channel; see isdn-private.h. */
int isdn_capture_start(struct isdn *is, const char *path, const char *what, char **msg)
{
	struct isdn_port *port = NULL;
	struct isdn_line *line = NULL;
	char *file = NULL;
	int chan = -1, r;

	if (is->cap) {
		*msg = g_strdup("A capture is already running");
		return -EBUSY;
	}
	if (what && *what) {
		port = find_port(is, what);
		line = port ? NULL : isdn_find_line(is, what);
	}
	for (guint i = 0; what && *what && !port && !line && i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		for (int ch = 0; ch < 32 && chan < 0; ch++) {
			char name[24], sname[24];
			if (!(p->channels & (1u << ch)))
				continue;
			isdn_port_channel_name(p, ch, name, sizeof(name), sname, sizeof(sname));
			if (g_ascii_strcasecmp(what, name) == 0 || g_ascii_strcasecmp(what, sname) == 0) {
				port = p;
				chan = ch;
			}
		}
	}
	if (!port && !line) {
		*msg = g_strdup_printf("No ISDN port, serial line or B channel \"%s\"", what ? what : "");
		return -ENOENT;
	}
	r = vpdn_capture_create(is->core, path, &file, msg);
	if (r < 0) {
		vpdn_warn(is->log, "ISDN: capture refused: %s", *msg);
		return r;
	}
	r = isdn_capture_open(r, &is->cap);
	if (r < 0) {
		*msg = g_strdup_printf("Cannot write %s: %s", file, g_strerror(-r));
		is->cap = NULL;
		g_free(file);
		return r;
	}
	is->cap_path = file;
	is->cap_port = port;
	is->cap_chan = chan;
	is->cap_line = line;
	if (line)
		isdn_line_set_capture(line, is->cap);
	vpdn_info(is->log, "ISDN: capturing the PPP frames of %s to %s", what, file);
	return 0;
}

int isdn_capture_stop(struct isdn *is, uint64_t *packets)
{
	int r;

	if (!is->cap)
		return -ENOENT;
	if (is->cap_line)
		isdn_line_set_capture(is->cap_line, NULL);
	r = isdn_capture_close(is->cap, packets);
	is->cap = NULL;
	g_clear_pointer(&is->cap_path, g_free);
	is->cap_port = NULL;
	is->cap_line = NULL;
	is->cap_chan = -1;
	vpdn_info(is->log, "ISDN: capture stopped, %" PRIu64 " packets", packets ? *packets : 0);
	return r;
}
