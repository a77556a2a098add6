/* SPDX-License-Identifier: MIT */
/* Serial lines: the byte stream (device, pty, listening or connecting
 * UNIX socket), its fd watches, reading and writing. See line.h. */
#include "line-private.h"
#include "line-state.h"

#include <errno.h>
#include <fcntl.h>
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

/* fd watches */

static gboolean watch_dispatch(GSource *s, GSourceFunc cb, gpointer data)
{
	struct fd_watch *w = (struct fd_watch *)s;
	GIOCondition rev = g_source_query_unix_fd(s, w->tag);

	w->fn(w->l, rev);
	return G_SOURCE_CONTINUE;
}

static GSourceFuncs watch_funcs = { NULL, NULL, watch_dispatch, NULL, NULL, NULL };

static struct fd_watch *watch_new(struct line *l, int fd, GIOCondition ev,
				  void (*fn)(struct line *, GIOCondition))
{
	struct fd_watch *w = (struct fd_watch *)g_source_new(&watch_funcs, sizeof(*w));

	w->l = l;
	w->fn = fn;
	w->tag = g_source_add_unix_fd(&w->base, fd, ev);
	g_source_attach(&w->base, NULL);
	return w;
}

void line_watch_free(struct fd_watch **w)
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
static void update_counters(struct line *l)
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

void line_flush_tx(struct line *l)
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

/* Opening and closing the byte stream */

void line_close_stream(struct line *l)
{
	line_watch_free(&l->watch);
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	l->tx_head = l->tx_tail = 0;
	hdlc_deframer_reset(l->deframer);
}

/* The caller is gone. A pty keeps its master (and so its slave's name)
 * but is only watched during a call; anything else is closed. */
void line_drop_stream(struct line *l)
{
	if (l->kind == LINE_PTY) {
		line_watch_free(&l->watch);
		l->tx_head = l->tx_tail = 0;
		hdlc_deframer_reset(l->deframer);
		return;
	}
	line_close_stream(l);
}

/* Reading */

static void stream_lost(struct line *l, int err)
{
	vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: %s", l->name,
		   err ? g_strerror(-err) : "end of file from the caller");
	if (l->state == LINE_RINGING || l->state == LINE_ACTIVE) {
		line_end_call(l, VPDN_CAUSE_NORMAL_CLEARING, true, true);
		return;
	}
	/* idle device, draining pty: nothing to clear */
	line_drop_stream(l);
	line_set_state(l, LINE_DOWN);
	line_open_again(l);
}

void line_read(struct line *l)
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
		if (l->state == LINE_IDLE && l->mode == LINE_CALLS_OUT) {
			/* a dial-out line takes no caller: noise until we dial */
			if (!l->idle_octets)
				vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS,
					   "ISDN %s: octets while idle discarded (dial-out line)", l->name);
			l->idle_octets += (uint64_t)n;
			continue;
		}
		if (l->state == LINE_IDLE)
			line_start_call(l);  /* device: the first octets are the call */
		if (l->state == LINE_DRAINING || l->state == LINE_DOWN ||
		    l->state == LINE_IDLE)
			continue;
		l->in_feed = true;
		hdlc_deframer_feed(l->deframer, l->rx, (size_t)n);
		l->in_feed = false;
		update_counters(l);
		if (l->deferred_hangup) {
			int cause = l->deferred_hangup;
			l->deferred_hangup = 0;
			line_end_call(l, cause, false, false);
		}
	}
}

static void on_stream(struct line *l, GIOCondition rev)
{
	if (rev & G_IO_OUT)
		line_flush_tx(l);
	if (rev & (G_IO_IN | G_IO_HUP | G_IO_ERR))
		line_read(l);
}

/* termios raw mode and speed. */
static int make_raw(struct line *l, int fd)
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

static void watch_stream(struct line *l)
{
	l->watch = watch_new(l, l->fd, G_IO_IN, on_stream);
}

static int open_device(struct line *l)
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
	line_set_state(l, LINE_IDLE);
	return 0;
}

/* pty: no slave open -> the master reports HUP. */
static bool pty_slave_open(struct line *l)
{
	struct pollfd p = { .fd = l->fd, .events = POLLIN };

	if (poll(&p, 1, 0) < 0)
		return false;
	return !(p.revents & POLLHUP);
}

static int open_pty(struct line *l)
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
	line_set_state(l, LINE_IDLE);
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

static int try_connect(struct line *l)
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
	return line_attach_fd(l, fd);
}

void line_on_retry(struct vpdn_timer *t, void *data)
{
	struct line *l = data;
	int r;

	switch (l->kind) {
	case LINE_PTY:
		if (l->state == LINE_IDLE && l->fd >= 0) {
			if (!pty_slave_open(l)) {
				vpdn_timer_arm(l->tm, &l->retry, LINE_PTY_POLL_MS);
				return;
			}
			watch_stream(l);
			line_start_call(l);
			return;
		}
		if (l->state == LINE_DOWN && open_pty(l) < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case LINE_DEVICE:
		if (l->state != LINE_DOWN)
			return;
		r = open_device(l);
		if (r < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case LINE_CONNECT:
		if (l->state != LINE_DOWN)
			return;
		r = try_connect(l);
		if (r < 0)
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case LINE_LISTEN:
	case LINE_FD:
		return;
	default:
		vpdn_warn(l->log, "ISDN %s: unknown line kind %d", l->name, l->kind);
		return;
	}
}

/* After a call or a lost stream: be ready for the next caller. */
void line_open_again(struct line *l)
{
	switch (l->kind) {
	case LINE_LISTEN:
		if (l->lfd >= 0)
			line_set_state(l, LINE_IDLE);
		return;
	case LINE_PTY:
		if (l->fd >= 0) {
			/* the slave closed: keep the master (same slave name) */
			line_set_state(l, LINE_IDLE);
			vpdn_timer_arm(l->tm, &l->retry, LINE_PTY_POLL_MS);
			return;
		}
		vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case LINE_DEVICE: {
		/* closing dropped DTR (HUPCL); reopen at once, or retry */
		int r = open_device(l);
		if (r < 0) {
			vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: cannot reopen %s: %s, retrying every %d ms",
				   l->name, l->path, g_strerror(-r), LINE_RETRY_MS);
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		}
		return;
	}
	case LINE_CONNECT:
		if (l->mode == LINE_CALLS_OUT) {
			line_set_state(l, LINE_IDLE);  /* unconnected until the next dial */
			return;
		}
		vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		return;
	case LINE_FD:
		if (l->mode != LINE_CALLS_IN)
			line_set_state(l, LINE_IDLE);  /* tests: dial again after attach */
		return;
	default:
		vpdn_warn(l->log, "ISDN %s: unknown line kind %d", l->name, l->kind);
		return;
	}
}

static void on_listen(struct line *l, GIOCondition rev)
{
	int fd = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

	if (fd < 0)
		return;
	if (l->state != LINE_IDLE) {
		vpdn_debug(l->log, VPDN_DEBUG_ISDN_EVENTS, "ISDN %s: line busy, caller refused", l->name);
		close(fd);
		return;
	}
	(void)line_attach_fd(l, fd);
}

static int start_listen(struct line *l)
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
	line_set_state(l, LINE_IDLE);
	vpdn_info(l->log, "ISDN %s: listening on %s", l->name, l->path);
	return 0;
}

int line_start(struct line *l)
{
	int r, fd = line_state_take_stream(l);

	if (fd >= 0) {
		/* A restart in place handed the call's stream over: the
		 * device stays open as it was (termios, DTR); restore()
		 * rebuilds the call on it. */
		if (l->kind == LINE_LISTEN && (r = start_listen(l)) < 0) {
			close(fd);
			return r;
		}
		l->fd = fd;
		l->adopted = true;
		watch_stream(l);
		line_set_state(l, LINE_IDLE);
		vpdn_info(l->log, "ISDN %s: restart: the %s line's stream adopted", l->name,
			  line_kind_name(l->kind));
		return 0;
	}

	switch (l->kind) {
	case LINE_DEVICE:
		r = open_device(l);
		if (r < 0) {
			vpdn_warn(l->log, "ISDN %s: cannot open %s: %s, retrying", l->name, l->path, g_strerror(-r));
			vpdn_timer_arm(l->tm, &l->retry, LINE_RETRY_MS);
		}
		return 0;
	case LINE_PTY:
		r = open_pty(l);
		break;
	case LINE_LISTEN:
		r = start_listen(l);
		break;
	case LINE_CONNECT:
		if (l->mode == LINE_CALLS_OUT) {
			line_set_state(l, LINE_IDLE);
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
	case LINE_FD:
		if (l->mode != LINE_CALLS_IN)
			line_set_state(l, LINE_IDLE);  /* tests: attach_fd, then dial */
		return 0;
	default:
		return -EINVAL;
	}
	if (r < 0)
		vpdn_err(l->log, "ISDN %s: cannot start the %s line: %s", l->name, line_kind_name(l->kind),
			 g_strerror(-r));
	return r;
}

int line_attach_fd(struct line *l, int fd)
{
	int flags;

	if (l->state != LINE_IDLE && l->state != LINE_DOWN) {
		close(fd);
		return -EBUSY;
	}
	if (l->fd >= 0)
		line_close_stream(l);
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) {
		close(fd);
		return -errno;
	}
	l->fd = fd;
	watch_stream(l);
	if (l->mode == LINE_CALLS_OUT) {
		line_set_state(l, LINE_IDLE);  /* the stream waits for a dial */
		return 0;
	}
	line_start_call(l);
	return 0;
}

/* A dial-out connect line: connect now, blocking (a UNIX socket connects
 * or fails at once). 0 or negative errno. */
int line_dial_connect(struct line *l)
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
