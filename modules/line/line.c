/* SPDX-License-Identifier: MIT */
/* Serial lines: the calls (in and out), the link, the line's state. The
 * byte stream under them is line-stream.c. See line.h. */
#include "line-private.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

const char *line_kind_name(enum line_kind k)
{
	switch (k) {
	case LINE_DEVICE: return "device";
	case LINE_PTY: return "pty";
	case LINE_LISTEN: return "listen";
	case LINE_CONNECT: return "connect";
	case LINE_FD: return "fd";
	}
	return "unknown";
}

const char *line_state_name(enum line_state s)
{
	switch (s) {
	case LINE_DOWN: return "down";
	case LINE_IDLE: return "idle";
	case LINE_RINGING: return "ringing";
	case LINE_ACTIVE: return "active";
	case LINE_DRAINING: return "draining";
	}
	return "unknown";
}

const char *line_calls_name(enum line_calls c)
{
	switch (c) {
	case LINE_CALLS_IN: return "in";
	case LINE_CALLS_OUT: return "out";
	case LINE_CALLS_BOTH: return "both";
	}
	return "unknown";
}

/* Dial-out needs a stream the line opens itself: a device (open = the
 * call) or a connect socket (connected = the call). A connect line either
 * holds its connection as an incoming call or dials it, not both. */
int line_calls_check(enum line_kind kind, enum line_calls calls)
{
	switch (calls) {
	case LINE_CALLS_IN:
		return 0;
	case LINE_CALLS_OUT:
		return kind == LINE_DEVICE || kind == LINE_CONNECT || kind == LINE_FD ? 0 : -EINVAL;
	case LINE_CALLS_BOTH:
		return kind == LINE_DEVICE || kind == LINE_FD ? 0 : -EINVAL;
	}
	return -EINVAL;
}

void line_set_state(struct line *l, enum line_state s)
{
	if (l->state == s)
		return;
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: line state %s -> %s", l->name,
		   line_state_name(l->state), line_state_name(s));
	l->state = s;
}

/* The link, end A: a frame from the consumer. */
static void link_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct line *l = ctx;
	ssize_t n;

	if ((l->state != LINE_ACTIVE && l->state != LINE_RINGING) || l->fd < 0 || !len) {
		l->tx_drops++;
		return;
	}
	if (l->cap)
		isdn_capture_frame(l->cap, data, len);
	if (LINE_TX_BUF - l->tx_tail < HDLC_ENCODED_MAX(len) && l->tx_head) {
		memmove(l->tx, l->tx + l->tx_head, l->tx_tail - l->tx_head);
		l->tx_tail -= l->tx_head;
		l->tx_head = 0;
	}
	n = hdlc_encode(l->send_accm, 0, data, len, l->tx + l->tx_tail, LINE_TX_BUF - l->tx_tail);
	if (n < 0) {
		l->tx_drops++;  /* the peer does not read: drop as a line would */
		return;
	}
	l->tx_tail += (size_t)n;
	l->tx_frames++;
	line_flush_tx(l);
}

/* The consumer at end B hung up: drop the caller. */
static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct line *l = ctx;
	int c = cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING;

	if (l->in_feed) {
		l->deferred_hangup = c;
		return;
	}
	line_end_call(l, c, false, false);
}

static const struct vpdn_link_ops link_ops = { link_frame, link_hangup };

void line_deframed(const uint8_t *frame, size_t len, void *data)
{
	struct line *l = data;

	if (l->deferred_hangup || !l->link ||
	    (l->state != LINE_ACTIVE && l->state != LINE_RINGING))
		return;
	if (l->cap)
		isdn_capture_frame(l->cap, frame, len);
	vpdn_link_send(l->link, VPDN_LINK_A, frame, len);
}

static void fill_ev(struct line *l, struct vpdn_ev_call *ev, int cause)
{
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->call_id = l->call_id;
	ev->dir = l->outgoing ? VPDN_CALL_OUT : VPDN_CALL_IN;
	ev->port = l->name;
	ev->channel = l->name;
	ev->short_name = l->name;
	ev->interface = l->interface;
	ev->calling = l->outgoing ? NULL : l->number;
	ev->called = l->outgoing ? l->dialled : l->called;
	ev->bearer_kbps = l->speed / 1000 ? l->speed / 1000 : 1;
	ev->async = true;
	ev->cause = cause;
	ev->link = l->link;
}

/*
 * The call is over: tell the consumer (unless it hung up itself), publish
 * CALL_CLEARED, and close (or drain) the stream. by_peer: the caller went
 * away (EOF, HUP); otherwise the consumer or the node cleared it.
 */
void line_end_call(struct line *l, int cause, bool by_peer, bool tell_link)
{
	struct vpdn_link *link = l->link;
	struct vpdn_ev_call ev;
	bool published = l->published;

	if (l->state != LINE_RINGING && l->state != LINE_ACTIVE)
		return;
	if (l->state == LINE_ACTIVE)
		vpdn_info(l->log, "%%ISDN-6-DISCONNECT: Interface %s disconnected from %s, call lasted %" PRIu64 " seconds",
			  l->name, l->outgoing ? l->dialled : l->number ? l->number : "unknown",
			  (vpdn_timers_now(l->tm) - l->active_at) / 1000);
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Event: call id 0x%04X cleared, cause %d (%s)%s",
		   l->name, l->call_id, cause, vpdn_q931_cause_name(cause),
		   by_peer ? ", the caller went away" : "");
	if (l->req) {
		vpdn_request_cancel(l->req);
		l->req = NULL;
	}
	fill_ev(l, &ev, cause);
	l->published = false;
	l->link = NULL;
	if (l->kind == LINE_PTY && !by_peer) {
		/* The slave stays open: discard what it sends until it closes. */
		line_set_state(l, LINE_DRAINING);
		l->tx_head = l->tx_tail = 0;
		hdlc_deframer_reset(l->deframer);
	} else {
		line_drop_stream(l);
		line_set_state(l, LINE_DOWN);
		line_open_again(l);
	}
	l->send_accm = HDLC_ACCM_DEFAULT;
	hdlc_deframer_set_accm(l->deframer, HDLC_ACCM_DEFAULT);
	l->remote_name[0] = '\0';
	if (link) {
		if (tell_link)
			vpdn_link_hangup(link, VPDN_LINK_A, cause);
		vpdn_link_detach(link, VPDN_LINK_A);
	}
	if (published)
		vpdn_bus_publish(l->bus, VPDN_EV_CALL_CLEARED, &ev);
	if (link && !tell_link) {
		if (l->old_link)
			vpdn_link_unref(l->old_link);
		l->old_link = link;
	} else if (link) {
		vpdn_link_unref(link);
	}
	l->call_id = 0;
	l->outgoing = false;
}

/* The answer of whoever claimed CALL_INCOMING, from the main loop (never
 * inside vpdn_bus_request()); end_call() cancels it. */
static void incoming_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct line *l = data;
	struct vpdn_ev_call ev;

	l->req = NULL;
	if (l->state != LINE_RINGING)
		return;
	if (status < 0) {
		int cause = status == -ENOENT ? VPDN_CAUSE_INCOMPATIBLE_DESTINATION
			    : (-status > 0 && -status < 128) ? -status : VPDN_CAUSE_CALL_REJECTED;
		line_end_call(l, cause, false, true);
		return;
	}
	line_set_state(l, LINE_ACTIVE);
	l->active_at = vpdn_timers_now(l->tm);
	vpdn_info(l->log, "%%LINK-3-UPDOWN: Interface %s, changed state to up", l->name);
	vpdn_info(l->log, "%%ISDN-6-CONNECT: Interface %s is now connected to %s", l->name,
		  l->number ? l->number : "unknown");
	fill_ev(l, &ev, 0);
	vpdn_bus_publish(l->bus, VPDN_EV_CALL_CONNECTED, &ev);
}

/* A new call on the line, in or out (number: the number an outgoing call
 * was asked for, kept and shown, not dialled): a fresh call id and link,
 * the framing back to its defaults; counted. Returns the call id. */
static uint32_t call_begin(struct line *l, bool outgoing, const char *number)
{
	if (l->old_link) {
		vpdn_link_unref(l->old_link);
		l->old_link = NULL;
	}
	l->call_id = vpdn_core_call_id(l->core);
	l->outgoing = outgoing;
	snprintf(l->dialled, sizeof(l->dialled), "%s", number ? number : "");
	l->link = vpdn_link_new(l->name);
	vpdn_link_attach(l->link, VPDN_LINK_A, &link_ops, l);
	l->send_accm = HDLC_ACCM_DEFAULT;
	hdlc_deframer_set_accm(l->deframer, HDLC_ACCM_DEFAULT);
	hdlc_deframer_reset(l->deframer);
	l->deferred_hangup = 0;
	l->remote_name[0] = '\0';
	l->calls++;
	(*l->c_calls)++;
	if (outgoing) {
		l->calls_out++;
		(*l->c_calls_out)++;
	}
	return l->call_id;
}

void line_restore_call(struct line *l, uint32_t call_id, bool outgoing, const char *dialled,
		       const char *remote, uint32_t send_accm, uint32_t recv_accm, uint64_t up_ms)
{
	uint64_t now = vpdn_timers_now(l->tm);

	l->call_id = call_id;
	l->outgoing = outgoing;
	g_strlcpy(l->dialled, dialled ? dialled : "", sizeof(l->dialled));
	g_strlcpy(l->remote_name, remote ? remote : "", sizeof(l->remote_name));
	l->link = vpdn_link_new(l->name);
	vpdn_link_attach(l->link, VPDN_LINK_A, &link_ops, l);
	l->send_accm = send_accm;
	hdlc_deframer_set_accm(l->deframer, recv_accm);
	hdlc_deframer_reset(l->deframer);
	l->deferred_hangup = 0;
	l->published = true;
	l->active_at = now > up_ms ? now - up_ms : 0;
	line_set_state(l, LINE_ACTIVE);
}

/* A caller is on the byte stream (fd open and watched): offer the call. */
void line_start_call(struct line *l)
{
	struct vpdn_ev_call ev;
	struct vpdn_request *req;
	uint32_t id = call_begin(l, false, NULL);

	line_set_state(l, LINE_RINGING);
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Incoming call id = 0x%04X, %s line", l->name, id,
		   line_kind_name(l->kind));
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
		   "ISDN %s: Event: Received a DATA call from %s on line %s at %u b/s, async", l->name,
		   l->number ? l->number : "<unknown>", l->name, l->speed);
	fill_ev(l, &ev, 0);
	l->published = true;
	req = vpdn_bus_request(l->bus, VPDN_EV_CALL_INCOMING, &ev, incoming_done, l);
	if (l->state != LINE_RINGING || l->call_id != id)
		vpdn_request_cancel(req);  /* a claimer cleared it at once */
	else
		l->req = req;
}

/* Public */

int line_new(struct vpdn_core *core, const struct line_conf *conf, struct line **out)
{
	struct line *l;

	if (!conf || !conf->name || !out ||
	    line_calls_check(conf->kind, conf->calls) < 0)
		return -EINVAL;
	l = g_new0(struct line, 1);
	l->core = core;
	l->log = vpdn_core_log(core);
	l->bus = vpdn_core_bus(core);
	l->tm = vpdn_core_timers(core);
	l->name = g_strdup(conf->name);
	l->path = g_strdup(conf->path);
	l->pty_link = g_strdup(conf->pty_link);
	l->number = conf->number && *conf->number ? g_strdup(conf->number) : NULL;
	l->called = conf->called && *conf->called ? g_strdup(conf->called) : NULL;
	l->interface = g_strdup(conf->interface ? conf->interface : conf->name);
	l->kind = conf->kind;
	l->mode = conf->calls;
	l->speed = conf->speed;
	l->state = LINE_DOWN;
	l->fd = l->lfd = -1;
	l->send_accm = HDLC_ACCM_DEFAULT;
	l->tx = g_malloc(LINE_TX_BUF);
	l->deframer = hdlc_deframer_new(LINE_MAX_FRAME, line_deframed, l);
	vpdn_timer_init(&l->retry, line_on_retry, l);
	l->c_bad_fcs = vpdn_core_counter(core, "isdn_line_bad_fcs_total",
					 "Serial line frames dropped for a bad FCS");
	l->c_aborts = vpdn_core_counter(core, "isdn_line_aborts_total", "Serial line frames aborted (7D 7E)");
	l->c_runts = vpdn_core_counter(core, "isdn_line_runts_total", "Serial line frames too short");
	l->c_calls = vpdn_core_counter(core, "isdn_line_calls_total", "Calls on serial lines");
	l->c_calls_out = vpdn_core_counter(core, "isdn_line_calls_out_total",
					   "Outgoing calls placed on serial lines");
	if (!l->deframer || !l->c_bad_fcs || !l->c_aborts || !l->c_runts || !l->c_calls || !l->c_calls_out) {
		line_free(l);
		return -ENOMEM;
	}
	*out = l;
	return 0;
}

void line_free(struct line *l)
{
	if (!l)
		return;
	vpdn_timer_cancel(l->tm, &l->retry);
	if (l->state == LINE_RINGING || l->state == LINE_ACTIVE) {
		l->kind = LINE_FD;  /* no reopening */
		line_end_call(l, VPDN_CAUSE_NORMAL_CLEARING, false, true);
	}
	vpdn_timer_cancel(l->tm, &l->retry);
	line_close_stream(l);
	line_watch_free(&l->lwatch);
	if (l->lfd >= 0) {
		close(l->lfd);
		if (l->path)
			(void)unlink(l->path);
	}
	if (l->pty_link)
		(void)unlink(l->pty_link);
	if (l->old_link)
		vpdn_link_unref(l->old_link);
	hdlc_deframer_free(l->deframer);
	g_free(l->tx);
	g_free(l->name);
	g_free(l->path);
	g_free(l->pty_link);
	g_free(l->number);
	g_free(l->called);
	g_free(l->interface);
	g_free(l);
}

bool line_set_accm(struct line *l, const struct vpdn_link *link, uint32_t send_accm,
			uint32_t recv_accm)
{
	if (!link || link != l->link)
		return false;
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: ACCM send 0x%08X receive 0x%08X", l->name,
		   send_accm, recv_accm);
	l->send_accm = send_accm;
	hdlc_deframer_set_accm(l->deframer, recv_accm);
	return true;
}

bool line_hangup(struct line *l, uint32_t call_id, int cause)
{
	if (!call_id || call_id != l->call_id ||
	    (l->state != LINE_RINGING && l->state != LINE_ACTIVE))
		return false;
	line_end_call(l, cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING, false, true);
	return true;
}

bool line_matches(const struct line *l, const char *name)
{
	return name && (strcmp(name, l->name) == 0 || (l->interface && strcmp(name, l->interface) == 0));
}

bool line_can_dial(const struct line *l)
{
	if (l->mode == LINE_CALLS_IN || l->state != LINE_IDLE)
		return false;
	return l->kind == LINE_CONNECT || l->fd >= 0;
}

int line_dial(struct line *l, const char *number, struct vpdn_request *req)
{
	struct vpdn_ev_call ev;
	int cause = 0, r;
	uint32_t id;

	if (l->mode == LINE_CALLS_IN || (l->state != LINE_IDLE && l->state != LINE_DOWN))
		cause = VPDN_CAUSE_NO_CHANNEL;     /* busy or not a dial-out line */
	else if (l->state == LINE_DOWN || (l->kind != LINE_CONNECT && l->fd < 0))
		cause = VPDN_CAUSE_RESOURCE_UNAVAILABLE;  /* device not open */
	if (!cause && l->kind == LINE_CONNECT) {
		r = line_dial_connect(l);
		if (r < 0) {
			vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: dial: cannot connect to %s: %s",
				   l->name, l->path, g_strerror(-r));
			cause = VPDN_CAUSE_DEST_OUT_OF_ORDER;
		}
	}
	if (cause) {
		vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: call to %s refused, cause %d (%s), line %s",
			   l->name, number ? number : "", cause, vpdn_q931_cause_name(cause),
			   line_state_name(l->state));
		if (req)
			vpdn_request_complete(req, -cause, NULL);
		return -cause;
	}
	id = call_begin(l, true, number);
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Outgoing call id = 0x%04X, %s line", l->name, id,
		   line_kind_name(l->kind));
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
		   "ISDN %s: Event: Call to %s at %u b/s, async: number %s not dialled, direct-connect line",
		   l->name, l->dialled[0] ? l->dialled : "<none>", l->speed, l->dialled[0] ? l->dialled : "<none>");
	line_set_state(l, LINE_ACTIVE);
	l->active_at = vpdn_timers_now(l->tm);
	vpdn_info(l->log, "%%LINK-3-UPDOWN: Interface %s, changed state to up", l->name);
	vpdn_info(l->log, "%%ISDN-6-CONNECT: Interface %s is now connected to %s", l->name,
		  l->dialled[0] ? l->dialled : "unknown");
	fill_ev(l, &ev, 0);
	l->published = true;
	if (req) {
		if (vpdn_request_cancelled(req)) {
			/* the dialer gave up meanwhile: connected, nobody wants it */
			vpdn_request_complete(req, 0, &ev);
			vpdn_bus_publish(l->bus, VPDN_EV_CALL_CONNECTED, &ev);
			line_end_call(l, VPDN_CAUSE_NORMAL_CLEARING, false, true);
			return 0;
		}
		vpdn_request_complete(req, 0, &ev);
	}
	/* the consumer may have hung up inside the completion */
	if (l->state == LINE_ACTIVE && l->call_id == id)
		vpdn_bus_publish(l->bus, VPDN_EV_CALL_CONNECTED, &ev);
	return 0;
}

bool line_set_remote_name(struct line *l, const struct vpdn_link *link, const char *name)
{
	if (!link || link != l->link || !name)
		return false;
	vpdn_log_printable(l->remote_name, sizeof(l->remote_name), name, strlen(name), 0);
	return true;
}

void line_get_info(const struct line *l, struct line_info *i)
{
	bool in_call = l->state == LINE_RINGING || l->state == LINE_ACTIVE;

	memset(i, 0, sizeof(*i));
	i->name = l->name;
	i->path = l->path;
	i->slave = l->slave[0] ? l->slave : NULL;
	i->number = l->number;
	i->called = l->called;
	i->interface = l->interface;
	i->remote_name = l->remote_name[0] ? l->remote_name : NULL;
	i->kind = l->kind;
	i->state = l->state;
	i->mode = l->mode;
	i->outgoing = in_call && l->outgoing;
	i->dialled = i->outgoing && l->dialled[0] ? l->dialled : NULL;
	i->speed = l->speed;
	i->open = l->fd >= 0 || l->lfd >= 0;
	i->call_id = in_call ? l->call_id : 0;
	i->seconds = l->state == LINE_ACTIVE ? (vpdn_timers_now(l->tm) - l->active_at) / 1000 : 0;
	i->send_accm = l->send_accm;
	i->recv_accm = hdlc_deframer_get_accm(l->deframer);
	i->tx_frames = l->tx_frames;
	i->tx_drops = l->tx_drops;
	i->calls = l->calls;
	i->calls_out = l->calls_out;
	i->idle_octets = l->idle_octets;
	i->rx = hdlc_deframer_stats(l->deframer);
	i->link = in_call ? l->link : NULL;
}

void line_set_capture(struct line *l, struct isdn_capture *cap)
{
	l->cap = cap;
}
