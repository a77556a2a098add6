/* SPDX-License-Identifier: MIT */
/* Serial lines: async HDLC over a tty, pty or UNIX stream. See line.h. */
#include "line.h"
#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#define LINE_RETRY_MS 1000      /* connect / reopen retry */
#define LINE_PTY_POLL_MS 250    /* pty: is the slave open yet? */
#define LINE_MAX_FRAME HDLC_FRAME_MAX(4096)
#define LINE_TX_BUF (64 * 1024)
#define LINE_RX_CHUNK 4096

/* One GSource per fd: readable / writable / hung up. */
struct fd_watch {
	GSource base;
	gpointer tag;
	struct isdn_line *l;
	void (*fn)(struct isdn_line *l, GIOCondition rev);
};

struct isdn_line {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	struct vpdn_timers *tm;
	struct isdn_line_host host;
	char *name, *path, *pty_link, *number, *called, *interface;
	enum isdn_line_kind kind;
	enum isdn_line_calls mode;   /* which calls: in, out, both */
	unsigned speed;
	enum isdn_line_state state;
	char slave[64];              /* pty slave path */

	int lfd;                     /* listening socket */
	struct fd_watch *lwatch;
	int fd;                      /* the byte stream: device, pty master, connection */
	struct fd_watch *watch;      /* NULL while the fd is not watched (idle pty) */
	struct vpdn_timer retry;     /* reconnect, reopen, pty poll */

	/* the call */
	uint32_t call_id;
	struct vpdn_link *link;      /* one reference; end A is ours */
	struct vpdn_link *old_link;  /* the last call's, if its consumer hung up:
					kept until the next call, as the consumer
					may still detach from it */
	struct vpdn_request *req;    /* CALL_INCOMING pending */
	bool published;
	bool in_feed;                /* inside hdlc_deframer_feed */
	int deferred_hangup;         /* consumer hung up during feed: cause */
	uint64_t active_at;
	char remote_name[64];
	uint64_t calls, calls_out;
	bool outgoing;               /* the current call is ours (dial-out) */
	char dialled[32];            /* its called number */
	uint64_t idle_octets;        /* dial-out line: octets while idle, discarded */

	struct hdlc_deframer *deframer;
	struct hdlc_stats seen;      /* deframer stats already added to counters */
	uint32_t send_accm;
	uint8_t *tx;                 /* LINE_TX_BUF: encoded octets not yet written */
	size_t tx_head, tx_tail;
	uint64_t tx_frames, tx_drops;
	uint8_t rx[LINE_RX_CHUNK];

	uint64_t *c_bad_fcs, *c_aborts, *c_runts, *c_calls, *c_calls_out;
	struct isdn_capture *cap;    /* borrowed: isdn_line_set_capture */
};

const char *isdn_line_kind_name(enum isdn_line_kind k)
{
	switch (k) {
	case ISDN_LINE_DEVICE: return "device";
	case ISDN_LINE_PTY: return "pty";
	case ISDN_LINE_LISTEN: return "listen";
	case ISDN_LINE_CONNECT: return "connect";
	case ISDN_LINE_FD: return "fd";
	}
	return "unknown";
}

const char *isdn_line_state_name(enum isdn_line_state s)
{
	switch (s) {
	case ISDN_LINE_DOWN: return "down";
	case ISDN_LINE_IDLE: return "idle";
	case ISDN_LINE_RINGING: return "ringing";
	case ISDN_LINE_ACTIVE: return "active";
	case ISDN_LINE_DRAINING: return "draining";
	}
	return "unknown";
}

const char *isdn_line_calls_name(enum isdn_line_calls c)
{
	switch (c) {
	case ISDN_LINE_CALLS_IN: return "in";
	case ISDN_LINE_CALLS_OUT: return "out";
	case ISDN_LINE_CALLS_BOTH: return "both";
	}
	return "unknown";
}

/* Dial-out needs a stream the line opens itself: a device (open = the
 * call) or a connect socket (connected = the call). A connect line either
 * holds its connection as an incoming call or dials it, not both. */
int isdn_line_calls_check(enum isdn_line_kind kind, enum isdn_line_calls calls)
{
	switch (calls) {
	case ISDN_LINE_CALLS_IN:
		return 0;
	case ISDN_LINE_CALLS_OUT:
		return kind == ISDN_LINE_DEVICE || kind == ISDN_LINE_CONNECT || kind == ISDN_LINE_FD ? 0 : -EINVAL;
	case ISDN_LINE_CALLS_BOTH:
		return kind == ISDN_LINE_DEVICE || kind == ISDN_LINE_FD ? 0 : -EINVAL;
	}
	return -EINVAL;
}

static void set_state(struct isdn_line *l, enum isdn_line_state s)
{
	if (l->state == s)
		return;
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: line state %s -> %s", l->name,
		   isdn_line_state_name(l->state), isdn_line_state_name(s));
	l->state = s;
}

/* fd watches */

static gboolean watch_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
	struct fd_watch *w = (struct fd_watch *)s;
	GIOCondition rev = g_source_query_unix_fd(s, w->tag);

	w->fn(w->l, rev);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs watch_funcs = { NULL, NULL, watch_dispatch, NULL, NULL, NULL };

static struct fd_watch *watch_new(struct isdn_line *l, int fd, GIOCondition ev,
				  void (*fn)(struct isdn_line *, GIOCondition))
{
	struct fd_watch *w = (struct fd_watch *)g_source_new(&watch_funcs, sizeof(*w));

	w->l = l;
	w->fn = fn;
	w->tag = g_source_add_unix_fd(&w->base, fd, ev);
	g_source_attach(&w->base, NULL);
	return w;
}

static void watch_free(struct fd_watch **w)
{
	if (!*w)
		return;
	g_source_destroy(&(*w)->base);
	g_source_unref(&(*w)->base);
	*w = NULL;
}

static void watch_events(struct fd_watch *w, GIOCondition ev)
{
	if (w)
		g_source_modify_unix_fd(&w->base, w->tag, ev);
}

/* Counters from the deframer's stats. */
static void update_counters(struct isdn_line *l)
{
	const struct hdlc_stats *st = hdlc_deframer_stats(l->deframer);

	*l->c_bad_fcs += st->bad_fcs - l->seen.bad_fcs;
	*l->c_aborts += st->aborts - l->seen.aborts;
	*l->c_runts += st->runts - l->seen.runts;
	if (st->bad_fcs != l->seen.bad_fcs)
		vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: %" PRIu64 " frame(s) with a bad FCS dropped",
			   l->name, st->bad_fcs - l->seen.bad_fcs);
	l->seen = *st;
}

/* Output */

static void flush_tx(struct isdn_line *l)
{
	while (l->fd >= 0 && l->tx_head < l->tx_tail) {
		ssize_t n = write(l->fd, l->tx + l->tx_head, l->tx_tail - l->tx_head);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;   /* EAGAIN: wait for G_IO_OUT; errors show up as HUP on read */
		l->tx_head += (size_t)n;
	}
	if (l->tx_head == l->tx_tail)
		l->tx_head = l->tx_tail = 0;
	watch_events(l->watch, G_IO_IN | (l->tx_head < l->tx_tail ? G_IO_OUT : 0));
}

/* The link, end A: a frame from the consumer. */
static void link_frame(void *ctx, struct vpdn_link *link, const uint8_t *data, size_t len)
{
	struct isdn_line *l = ctx;
	ssize_t n;

	if ((l->state != ISDN_LINE_ACTIVE && l->state != ISDN_LINE_RINGING) || l->fd < 0 || !len) {
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
	flush_tx(l);
}

static void end_call(struct isdn_line *l, int cause, bool by_peer, bool tell_link);

/* The consumer at end B hung up: drop the caller. */
static void link_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct isdn_line *l = ctx;
	int c = cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING;

	if (l->in_feed) {
		l->deferred_hangup = c;
		return;
	}
	end_call(l, c, false, false);
}

static const struct vpdn_link_ops link_ops = { link_frame, link_hangup };

static void deframed(const uint8_t *frame, size_t len, void *data)
{
	struct isdn_line *l = data;

	if (l->deferred_hangup || !l->link ||
	    (l->state != ISDN_LINE_ACTIVE && l->state != ISDN_LINE_RINGING))
		return;
	if (l->cap)
		isdn_capture_frame(l->cap, frame, len);
	vpdn_link_send(l->link, VPDN_LINK_A, frame, len);
}

/* Opening and closing the byte stream */

static void on_stream(struct isdn_line *l, GIOCondition rev);
static void open_again(struct isdn_line *l);

static void close_stream(struct isdn_line *l)
{
	watch_free(&l->watch);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->tx_head = l->tx_tail = 0;
	hdlc_deframer_reset(l->deframer);
}

/* The caller is gone. A pty keeps its master (and so its slave's name)
 * but is only watched during a call; anything else is closed. */
static void drop_stream(struct isdn_line *l)
{
	if (l->kind == ISDN_LINE_PTY) {
		watch_free(&l->watch);
		l->tx_head = l->tx_tail = 0;
		hdlc_deframer_reset(l->deframer);
		return;
	}
	close_stream(l);
}

static void fill_ev(struct isdn_line *l, struct vpdn_ev_call *ev, int cause)
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
static void end_call(struct isdn_line *l, int cause, bool by_peer, bool tell_link)
{
	struct vpdn_link *link = l->link;
	struct vpdn_ev_call ev;
	bool published = l->published;

	if (l->state != ISDN_LINE_RINGING && l->state != ISDN_LINE_ACTIVE)
		return;
	if (l->state == ISDN_LINE_ACTIVE)
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
	if (l->kind == ISDN_LINE_PTY && !by_peer) {
		/* The slave stays open: discard what it sends until it closes. */
		set_state(l, ISDN_LINE_DRAINING);
		l->tx_head = l->tx_tail = 0;
		hdlc_deframer_reset(l->deframer);
	} else {
		drop_stream(l);
		set_state(l, ISDN_LINE_DOWN);
		open_again(l);
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
	struct isdn_line *l = data;
	struct vpdn_ev_call ev;

	l->req = NULL;
	if (l->state != ISDN_LINE_RINGING)
		return;
	if (status < 0) {
		int cause = status == -ENOENT ? VPDN_CAUSE_INCOMPATIBLE_DESTINATION
			    : (-status > 0 && -status < 128) ? -status : VPDN_CAUSE_CALL_REJECTED;
		end_call(l, cause, false, true);
		return;
	}
	set_state(l, ISDN_LINE_ACTIVE);
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
static uint32_t call_begin(struct isdn_line *l, bool outgoing, const char *number)
{
	if (l->old_link) {
		vpdn_link_unref(l->old_link);
		l->old_link = NULL;
	}
	l->call_id = l->host.call_id(l->host.ctx);
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

/* A caller is on the byte stream (fd open and watched): offer the call. */
static void start_call(struct isdn_line *l)
{
	struct vpdn_ev_call ev;
	struct vpdn_request *req;
	uint32_t id = call_begin(l, false, NULL);

	set_state(l, ISDN_LINE_RINGING);
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Incoming call id = 0x%04X, %s line", l->name, id,
		   isdn_line_kind_name(l->kind));
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
		   "ISDN %s: Event: Received a DATA call from %s on line %s at %u b/s, async", l->name,
		   l->number ? l->number : "<unknown>", l->name, l->speed);
	fill_ev(l, &ev, 0);
	l->published = true;
	req = vpdn_bus_request(l->bus, VPDN_EV_CALL_INCOMING, &ev, incoming_done, l);
	if (l->state != ISDN_LINE_RINGING || l->call_id != id)
		vpdn_request_cancel(req);  /* a claimer cleared it at once */
	else
		l->req = req;
}

/* Reading */

static void stream_lost(struct isdn_line *l, int err)
{
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: %s", l->name,
		   err ? g_strerror(-err) : "end of file from the caller");
	if (l->state == ISDN_LINE_RINGING || l->state == ISDN_LINE_ACTIVE) {
		end_call(l, VPDN_CAUSE_NORMAL_CLEARING, true, true);
		return;
	}
	/* idle device, draining pty: nothing to clear */
	drop_stream(l);
	set_state(l, ISDN_LINE_DOWN);
	open_again(l);
}

void isdn_line_read(struct isdn_line *l)
{
	for (int rounds = 0; rounds < 16 && l->fd >= 0; rounds++) {
		ssize_t n = read(l->fd, l->rx, sizeof(l->rx));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0) {
			stream_lost(l, n < 0 ? -errno : 0);
			return;
		}
		if (l->state == ISDN_LINE_IDLE && l->mode == ISDN_LINE_CALLS_OUT) {
			/* a dial-out line takes no caller: noise until we dial */
			if (!l->idle_octets)
				vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
					   "ISDN %s: octets while idle discarded (dial-out line)", l->name);
			l->idle_octets += (uint64_t)n;
			continue;
		}
		if (l->state == ISDN_LINE_IDLE)
			start_call(l);  /* device: the first octets are the call */
		if (l->state == ISDN_LINE_DRAINING || l->state == ISDN_LINE_DOWN ||
		    l->state == ISDN_LINE_IDLE)
			continue;
		l->in_feed = true;
		hdlc_deframer_feed(l->deframer, l->rx, (size_t)n);
		l->in_feed = false;
		update_counters(l);
		if (l->deferred_hangup) {
			int cause = l->deferred_hangup;
			l->deferred_hangup = 0;
			end_call(l, cause, false, false);
		}
	}
}

static void on_stream(struct isdn_line *l, GIOCondition rev)
{
	if (rev & G_IO_OUT)
		flush_tx(l);
	if (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR))
		isdn_line_read(l);
}

/* termios raw mode and speed. */
static int make_raw(struct isdn_line *l, int fd)
{
	struct termios t;

	if (tcgetattr(fd, &t) < 0)
		return -errno;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD | HUPCL;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (l->speed && cfsetspeed(&t, l->speed) < 0)
		vpdn_warn(l->log, "ISDN %s: speed %u not supported, keeping the line's", l->name, l->speed);
	if (tcsetattr(fd, TCSANOW, &t) < 0)
		return -errno;
	return 0;
}

static void watch_stream(struct isdn_line *l)
{
	l->watch = watch_new(l, l->fd, G_IO_IN, on_stream);
}

static int open_device(struct isdn_line *l)
{
	int fd = open(l->path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = make_raw(l, fd);
	if (r < 0) {
		close(fd);
		return r;
	}
	l->fd = fd;
	watch_stream(l);
	set_state(l, ISDN_LINE_IDLE);
	return 0;
}

/* pty: no slave open -> the master reports HUP. */
static bool pty_slave_open(struct isdn_line *l)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };

	if (poll(&p, 1, 0) < 0)
		return false;
	return !(p.revents & POLLHUP);
}

static int open_pty(struct isdn_line *l)
{
	int fd = posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	int sfd = -1, r;

	if (fd < 0)
		return -errno;
	if (grantpt(fd) < 0 || unlockpt(fd) < 0 || ptsname_r(fd, l->slave, sizeof(l->slave)) != 0) {
		r = -errno;
		goto fail;
	}
	/* Raw mode on the slave side; opening and closing it also puts the
	 * master in the "no slave" (HUP) state the poll looks for. */
	sfd = open(l->slave, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (sfd < 0) {
		r = -errno;
		goto fail;
	}
	r = make_raw(l, sfd);
	close(sfd);
	if (r < 0)
		goto fail;
	if (l->pty_link) {
		(void)unlink(l->pty_link);
		if (symlink(l->slave, l->pty_link) < 0)
			vpdn_warn(l->log, "ISDN %s: cannot link %s to %s: %m", l->name, l->pty_link, l->slave);
	}
	l->fd = fd;
	set_state(l, ISDN_LINE_IDLE);
	vpdn_info(l->log, "ISDN %s: pseudo-tty %s%s%s", l->name, l->slave, l->pty_link ? " linked as " : "",
		  l->pty_link ? l->pty_link : "");
	vpdn_timer_arm(l->tm, &l->retry, LINE_PTY_POLL_MS);
	return 0;
fail:
	close(fd);
	return r;
}

static int unix_addr(const char *path, struct sockaddr_un *sa)
{
	memset(sa, 0, sizeof(*sa));
	sa->sun_family = AF_UNIX;
	if (!path || strlen(path) >= sizeof(sa->sun_path))
		return -EINVAL;
	memcpy(sa->sun_path, path, strlen(path));
	return 0;
}

static int try_connect(struct isdn_line *l)
{
	struct sockaddr_un sa;
	int fd, r = unix_addr(l->path, &sa);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	return isdn_line_attach_fd(l, fd);
}

static void on_retry(struct vpdn_timer *t, void *data)
{
	struct isdn_line *l = data;
	int r;

	switch (l->kind) {
	case ISDN_LINE_PTY:
		if (l->state == ISDN_LINE_IDLE && l->fd >= 0) {
			if (!pty_slave_open(l)) {
				vpdn_timer_arm(l->tm, &l->retry, LINE_PTY_POLL_MS);
				return;
			}
			watch_stream(l);
			start_call(l);
			return;
		}
		if (l->state == ISDN_LINE_DOWN && open_pty(l) < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case ISDN_LINE_DEVICE:
		if (l->state != ISDN_LINE_DOWN)
			return;
		r = open_device(l);
		if (r < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case ISDN_LINE_CONNECT:
		if (l->state != ISDN_LINE_DOWN)
			return;
		r = try_connect(l);
		if (r < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case ISDN_LINE_LISTEN:
	case ISDN_LINE_FD:
		return;
	default:
		vpdn_warn(l->log, "ISDN %s: unknown line kind %d", l->name, l->kind);
		return;
	}
}

/* After a call or a lost stream: be ready for the next caller. */
static void open_again(struct isdn_line *l)
{
	switch (l->kind) {
	case ISDN_LINE_LISTEN:
		if (l->lfd >= 0)
			set_state(l, ISDN_LINE_IDLE);
		return;
	case ISDN_LINE_PTY:
		if (l->fd >= 0) {
			/* the slave closed: keep the master (same slave name) */
			set_state(l, ISDN_LINE_IDLE);
			vpdn_timer_arm(l->tm, &l->retry, LINE_PTY_POLL_MS);
			return;
		}
		vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case ISDN_LINE_DEVICE: {
		/* closing dropped DTR (HUPCL); reopen at once, or retry */
		int r = open_device(l);
		if (r < 0) {
			vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: cannot reopen %s: %s, retrying every %d ms",
				   l->name, l->path, g_strerror(-r), LINE_RETRY_MS);
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		}
		return;
	}
	case ISDN_LINE_CONNECT:
		if (l->mode == ISDN_LINE_CALLS_OUT) {
			set_state(l, ISDN_LINE_IDLE);  /* unconnected until the next dial */
			return;
		}
		vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case ISDN_LINE_FD:
		if (l->mode != ISDN_LINE_CALLS_IN)
			set_state(l, ISDN_LINE_IDLE);  /* tests: dial again after attach */
		return;
	default:
		vpdn_warn(l->log, "ISDN %s: unknown line kind %d", l->name, l->kind);
		return;
	}
}

static void on_listen(struct isdn_line *l, GIOCondition rev)
{
	int fd = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (l->state != ISDN_LINE_IDLE) {
		vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: line busy, caller refused", l->name);
		close(fd);
		return;
	}
	(void)isdn_line_attach_fd(l, fd);
}

static int start_listen(struct isdn_line *l)
{
	struct sockaddr_un sa;
	int fd, r = unix_addr(l->path, &sa);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	(void)unlink(l->path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	l->lfd = fd;
	l->lwatch = watch_new(l, fd, G_IO_IN, on_listen);
	set_state(l, ISDN_LINE_IDLE);
	vpdn_info(l->log, "ISDN %s: listening on %s", l->name, l->path);
	return 0;
}

/* Public */

int isdn_line_new(struct vpdn_core *core, const struct isdn_line_conf *conf,
		  const struct isdn_line_host *host, struct isdn_line **out)
{
	struct isdn_line *l;

	if (!conf || !conf->name || !host || !host->call_id || !out ||
	    isdn_line_calls_check(conf->kind, conf->calls) < 0)
		return -EINVAL;
	l = g_new0(struct isdn_line, 1);
	l->core = core;
	l->log = vpdn_core_log(core);
	l->bus = vpdn_core_bus(core);
	l->tm = vpdn_core_timers(core);
	l->host = *host;
	l->name = g_strdup(conf->name);
	l->path = g_strdup(conf->path);
	l->pty_link = g_strdup(conf->pty_link);
	l->number = conf->number && *conf->number ? g_strdup(conf->number) : NULL;
	l->called = conf->called && *conf->called ? g_strdup(conf->called) : NULL;
	l->interface = g_strdup(conf->interface ? conf->interface : conf->name);
	l->kind = conf->kind;
	l->mode = conf->calls;
	l->speed = conf->speed;
	l->state = ISDN_LINE_DOWN;
	l->fd = l->lfd = -1;
	l->send_accm = HDLC_ACCM_DEFAULT;
	l->tx = g_malloc(LINE_TX_BUF);
	l->deframer = hdlc_deframer_new(LINE_MAX_FRAME, deframed, l);
	vpdn_timer_init(&l->retry, on_retry, l);
	l->c_bad_fcs = vpdn_core_counter(core, "isdn_line_bad_fcs_total",
					 "Serial line frames dropped for a bad FCS");
	l->c_aborts = vpdn_core_counter(core, "isdn_line_aborts_total", "Serial line frames aborted (7D 7E)");
	l->c_runts = vpdn_core_counter(core, "isdn_line_runts_total", "Serial line frames too short");
	l->c_calls = vpdn_core_counter(core, "isdn_line_calls_total", "Calls on serial lines");
	l->c_calls_out = vpdn_core_counter(core, "isdn_line_calls_out_total",
					   "Outgoing calls placed on serial lines");
	if (!l->deframer || !l->c_bad_fcs || !l->c_aborts || !l->c_runts || !l->c_calls || !l->c_calls_out) {
		isdn_line_free(l);
		return -ENOMEM;
	}
	*out = l;
	return 0;
}

int isdn_line_start(struct isdn_line *l)
{
	int r;

	switch (l->kind) {
	case ISDN_LINE_DEVICE:
		r = open_device(l);
		if (r < 0) {
			vpdn_warn(l->log, "ISDN %s: cannot open %s: %s, retrying", l->name, l->path, g_strerror(-r));
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		}
		return 0;
	case ISDN_LINE_PTY:
		r = open_pty(l);
		break;
	case ISDN_LINE_LISTEN:
		r = start_listen(l);
		break;
	case ISDN_LINE_CONNECT:
		if (l->mode == ISDN_LINE_CALLS_OUT) {
			set_state(l, ISDN_LINE_IDLE);
			vpdn_info(l->log, "ISDN %s: dial-out line to %s, connects when it dials", l->name, l->path);
			return 0;
		}
		r = try_connect(l);
		if (r < 0) {
			vpdn_warn(l->log, "ISDN %s: cannot connect to %s: %s, retrying", l->name, l->path,
				  g_strerror(-r));
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		}
		return 0;
	case ISDN_LINE_FD:
		if (l->mode != ISDN_LINE_CALLS_IN)
			set_state(l, ISDN_LINE_IDLE);  /* tests: attach_fd, then dial */
		return 0;
	default:
		return -EINVAL;
	}
	if (r < 0)
		vpdn_err(l->log, "ISDN %s: cannot start the %s line: %s", l->name, isdn_line_kind_name(l->kind),
			 g_strerror(-r));
	return r;
}

int isdn_line_attach_fd(struct isdn_line *l, int fd)
{
	int flags;

	if (l->state != ISDN_LINE_IDLE && l->state != ISDN_LINE_DOWN) {
		close(fd);
		return -EBUSY;
	}
	if (l->fd >= 0)
		close_stream(l);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		close(fd);
		return -errno;
	}
	l->fd = fd;
	watch_stream(l);
	if (l->mode == ISDN_LINE_CALLS_OUT) {
		set_state(l, ISDN_LINE_IDLE);  /* the stream waits for a dial */
		return 0;
	}
	start_call(l);
	return 0;
}

void isdn_line_free(struct isdn_line *l)
{
	if (!l)
		return;
	vpdn_timer_cancel(l->tm, &l->retry);
	if (l->state == ISDN_LINE_RINGING || l->state == ISDN_LINE_ACTIVE) {
		l->kind = ISDN_LINE_FD;  /* no reopening */
		end_call(l, VPDN_CAUSE_NORMAL_CLEARING, false, true);
	}
	vpdn_timer_cancel(l->tm, &l->retry);
	close_stream(l);
	watch_free(&l->lwatch);
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

bool isdn_line_set_accm(struct isdn_line *l, const struct vpdn_link *link, uint32_t send_accm,
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

bool isdn_line_hangup(struct isdn_line *l, uint32_t call_id, int cause)
{
	if (!call_id || call_id != l->call_id ||
	    (l->state != ISDN_LINE_RINGING && l->state != ISDN_LINE_ACTIVE))
		return false;
	end_call(l, cause > 0 && cause < 128 ? cause : VPDN_CAUSE_NORMAL_CLEARING, false, true);
	return true;
}

bool isdn_line_matches(const struct isdn_line *l, const char *name)
{
	return name && (strcmp(name, l->name) == 0 || (l->interface && strcmp(name, l->interface) == 0));
}

bool isdn_line_can_dial(const struct isdn_line *l)
{
	if (l->mode == ISDN_LINE_CALLS_IN || l->state != ISDN_LINE_IDLE)
		return false;
	return l->kind == ISDN_LINE_CONNECT || l->fd >= 0;
}

/* A dial-out connect line: connect now, blocking (a UNIX socket connects
 * or fails at once). 0 or negative errno. */
static int dial_connect(struct isdn_line *l)
{
	struct sockaddr_un sa;
	int fd, flags, r = unix_addr(l->path, &sa);

	if (r < 0)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || (flags = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	l->fd = fd;
	watch_stream(l);
	return 0;
}

int isdn_line_dial(struct isdn_line *l, const char *number, struct vpdn_request *req)
{
	struct vpdn_ev_call ev;
	int cause = 0, r;
	uint32_t id;

	if (l->mode == ISDN_LINE_CALLS_IN || (l->state != ISDN_LINE_IDLE && l->state != ISDN_LINE_DOWN))
		cause = VPDN_CAUSE_NO_CHANNEL;     /* busy or not a dial-out line */
	else if (l->state == ISDN_LINE_DOWN || (l->kind != ISDN_LINE_CONNECT && l->fd < 0))
		cause = VPDN_CAUSE_RESOURCE_UNAVAILABLE;  /* device not open */
	if (!cause && l->kind == ISDN_LINE_CONNECT) {
		r = dial_connect(l);
		if (r < 0) {
			vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: dial: cannot connect to %s: %s",
				   l->name, l->path, g_strerror(-r));
			cause = VPDN_CAUSE_DEST_OUT_OF_ORDER;
		}
	}
	if (cause) {
		vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: call to %s refused, cause %d (%s), line %s",
			   l->name, number ? number : "", cause, vpdn_q931_cause_name(cause),
			   isdn_line_state_name(l->state));
		if (req)
			vpdn_request_complete(req, -cause, NULL);
		return -cause;
	}
	id = call_begin(l, true, number);
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: Outgoing call id = 0x%04X, %s line", l->name, id,
		   isdn_line_kind_name(l->kind));
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
		   "ISDN %s: Event: Call to %s at %u b/s, async: number %s not dialled, direct-connect line",
		   l->name, l->dialled[0] ? l->dialled : "<none>", l->speed, l->dialled[0] ? l->dialled : "<none>");
	set_state(l, ISDN_LINE_ACTIVE);
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
			end_call(l, VPDN_CAUSE_NORMAL_CLEARING, false, true);
			return 0;
		}
		vpdn_request_complete(req, 0, &ev);
	}
	/* the consumer may have hung up inside the completion */
	if (l->state == ISDN_LINE_ACTIVE && l->call_id == id)
		vpdn_bus_publish(l->bus, VPDN_EV_CALL_CONNECTED, &ev);
	return 0;
}

bool isdn_line_set_remote_name(struct isdn_line *l, const struct vpdn_link *link, const char *name)
{
	if (!link || link != l->link || !name)
		return false;
	vpdn_log_printable(l->remote_name, sizeof(l->remote_name), name, strlen(name), 0);
	return true;
}

void isdn_line_get_info(const struct isdn_line *l, struct isdn_line_info *i)
{
	bool in_call = l->state == ISDN_LINE_RINGING || l->state == ISDN_LINE_ACTIVE;

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
	i->seconds = l->state == ISDN_LINE_ACTIVE ? (vpdn_timers_now(l->tm) - l->active_at) / 1000 : 0;
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

void isdn_line_set_capture(struct isdn_line *l, struct isdn_capture *cap)
{
	l->cap = cap;
}
