/* SPDX-License-Identifier: MIT */
/* Framed message stream over a socket. See stream.h. */
#include "stream.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define TX_BACKLOG_MAX (1024 * 1024)

struct isdn_stream {
	int fd;
	guint in_id, out_id, err_id;
	uint8_t rx[16 * ISDN_WIRE_MAX]; /* many messages per recv() */
	size_t rx_len;
	GByteArray *tx;
	isdn_stream_msg_fn on_msg;
	isdn_stream_closed_fn on_closed;
	void *ctx;
	bool in_dispatch, dead, failed;
	int fail_err;
};

static void really_free(struct isdn_stream *s)
{
	if (s->in_id)
		g_source_remove(s->in_id);
	if (s->out_id)
		g_source_remove(s->out_id);
	if (s->err_id)
		g_source_remove(s->err_id);
	if (s->tx->len && !s->failed) /* what is queued: best effort, not waiting */
		(void)!send(s->fd, s->tx->data, s->tx->len, MSG_NOSIGNAL | MSG_DONTWAIT);
	if (s->fd >= 0)
		close(s->fd);
	g_byte_array_free(s->tx, TRUE);
	g_free(s);
}

void isdn_stream_free(struct isdn_stream *s)
{
	if (!s)
		return;
	if (s->in_dispatch) {
		s->dead = true;
		return;
	}
	really_free(s);
}

/* Report a failure once, from the main loop. */
static gboolean report_failure(gpointer data)
{
	struct isdn_stream *s = data;

	s->err_id = 0;
	s->on_closed(s->ctx, s->fail_err);
	return G_SOURCE_REMOVE;
}

static void fail(struct isdn_stream *s, int err)
{
	if (s->failed)
		return;
	s->failed = true;
	s->fail_err = err;
	if (s->in_id) {
		g_source_remove(s->in_id);
		s->in_id = 0;
	}
	if (s->out_id) {
		g_source_remove(s->out_id);
		s->out_id = 0;
	}
	s->err_id = g_idle_add(report_failure, s);
}

static gboolean on_writable(gint fd, GIOCondition cond, gpointer data)
{
	struct isdn_stream *s = data;

	while (s->tx->len) {
		ssize_t n = send(s->fd, s->tx->data, s->tx->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return G_SOURCE_CONTINUE;
			s->out_id = 0;
			fail(s, -errno);
			return G_SOURCE_REMOVE;
		}
		g_byte_array_remove_range(s->tx, 0, (guint)n);
	}
	s->out_id = 0;
	return G_SOURCE_REMOVE;
}

/* Messages are queued and written when the socket is next found writable
 * (the next main loop iteration): everything one iteration produces goes
 * out in one send(), not one system call per message. */
int isdn_stream_send(struct isdn_stream *s, const struct isdn_msg *m)
{
	uint8_t buf[ISDN_WIRE_MAX];
	int len = isdn_msg_encode(m, buf, sizeof(buf));

	if (len < 0)
		return len;
	if (s->failed || s->dead)
		return -EPIPE;
	if (s->tx->len + (size_t)len > TX_BACKLOG_MAX) {
		fail(s, -ENOBUFS);
		return -ENOBUFS;
	}
	g_byte_array_append(s->tx, buf, (guint)len);
	if (!s->out_id)
		s->out_id = g_unix_fd_add(s->fd, G_IO_OUT, on_writable, s);
	return 0;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct isdn_stream *s = data;
	ssize_t n = recv(s->fd, s->rx + s->rx_len, sizeof(s->rx) - s->rx_len, MSG_DONTWAIT);
	size_t off = 0;
	int err = 0;

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return G_SOURCE_CONTINUE;
	if (n <= 0) {
		s->in_id = 0;
		fail(s, n == 0 ? 0 : -errno);
		return G_SOURCE_REMOVE;
	}
	s->rx_len += (size_t)n;
	s->in_dispatch = true;
	while (!s->dead && !s->failed) {
		struct isdn_msg m;
		int fl = isdn_msg_frame_len(s->rx + off, s->rx_len - off);
		if (fl == 0)
			break;
		if (fl < 0 || isdn_msg_decode(s->rx + off, (size_t)fl, &m) < 0) {
			err = -EBADMSG;
			break;
		}
		off += (size_t)fl;
		s->on_msg(s->ctx, &m);
	}
	s->in_dispatch = false;
	if (s->dead) {
		s->in_id = 0;
		really_free(s);
		return G_SOURCE_REMOVE;
	}
	if (s->failed)
		return s->in_id ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
	if (err) {
		s->in_id = 0;
		fail(s, err);
		return G_SOURCE_REMOVE;
	}
	memmove(s->rx, s->rx + off, s->rx_len - off);
	s->rx_len -= off;
	return G_SOURCE_CONTINUE;
}

struct isdn_stream *isdn_stream_new(int fd, isdn_stream_msg_fn on_msg,
				    isdn_stream_closed_fn on_closed, void *ctx)
{
	struct isdn_stream *s;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		close(fd);
		return NULL;
	}
	s = g_new0(struct isdn_stream, 1);
	s->fd = fd;
	s->tx = g_byte_array_new();
	s->on_msg = on_msg;
	s->on_closed = on_closed;
	s->ctx = ctx;
	s->in_id = g_unix_fd_add(fd, G_IO_IN | G_IO_HUP | G_IO_ERR, on_readable, s);
	return s;
}

int isdn_stream_fd(const struct isdn_stream *s)
{
	return s->fd;
}

int isdn_stream_flush(struct isdn_stream *s, int timeout_ms)
{
	gint64 end = g_get_monotonic_time() + (gint64)timeout_ms * 1000;

	if (s->failed || s->dead)
		return -EPIPE;
	while (s->tx->len) {
		ssize_t n = send(s->fd, s->tx->data, s->tx->len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return -errno;
		if (n > 0) {
			g_byte_array_remove_range(s->tx, 0, (guint)n);
			continue;
		}
		if (g_get_monotonic_time() >= end)
			return -ETIMEDOUT;
		g_usleep(1000);
	}
	return 0;
}

const uint8_t *isdn_stream_pending_rx(const struct isdn_stream *s, size_t *len)
{
	*len = s->rx_len;
	return s->rx;
}

int isdn_stream_prefill(struct isdn_stream *s, const uint8_t *p, size_t len)
{
	if (len > sizeof(s->rx) - s->rx_len)
		return -EINVAL;
	memcpy(s->rx + s->rx_len, p, len);
	s->rx_len += len;
	return 0;
}

const char *isdn_unix_path(const char *spec)
{
	if (!spec)
		return NULL;
	if (strncmp(spec, "unix:", 5) == 0)
		spec += 5;
	return spec[0] == '/' ? spec : NULL;
}
