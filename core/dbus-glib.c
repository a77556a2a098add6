/* SPDX-License-Identifier: MIT */
/* sd-bus <-> GMainLoop: see dbus-glib.h. */
#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>

#include "dbus-glib.h"

struct bus_source {
	GSource source;
	sd_bus *bus;
	gpointer fd_tag;
	GIOCondition fd_events;   /* what fd_tag polls for now */
	int fd;
	vpdn_dbus_glib_lost_fn lost;
	void *lost_data;
	bool lost_reported;
};

static GIOCondition poll_to_gio(int events)
{
	GIOCondition c = 0;

	if (events & POLLIN)
		c |= G_IO_IN;
	if (events & POLLOUT)
		c |= G_IO_OUT;
	if (events & POLLPRI)
		c |= G_IO_PRI;
	return c;
}

/* Milliseconds until the bus's absolute timeout, -1 for none, 0 if due. */
static int bus_timeout_ms(sd_bus *bus)
{
	uint64_t until;
	gint64 now;

	if (sd_bus_get_timeout(bus, &until) < 0 || until == UINT64_MAX)
		return -1;
	now = g_get_monotonic_time(); /* CLOCK_MONOTONIC, usec */
	if (until <= (uint64_t)now)
		return 0;
	until -= (uint64_t)now;
	/* Round up so we never wake before the deadline. */
	until = (until + 999) / 1000;
	return until > INT32_MAX ? INT32_MAX : (int)until;
}

static void report_lost(struct bus_source *s)
{
	if (s->lost_reported)
		return;
	s->lost_reported = true;
	if (s->fd_tag) {
		g_source_remove_unix_fd(&s->source, s->fd_tag);
		s->fd_tag = NULL;
	}
	if (s->lost)
		s->lost(s->bus, s->lost_data);
}

static gboolean bus_source_prepare(GSource *source, gint *timeout)
{
	struct bus_source *s = (struct bus_source *)source;
	int events;

	*timeout = -1;
	if (s->lost_reported)
		return FALSE;
	events = sd_bus_get_events(s->bus);
	if (events < 0) {
		/* Closed: let dispatch notice and report it once. */
		*timeout = 0;
		return TRUE;
	}
	/* Modifying the poll record wakes the context up: only on change,
	 * or every iteration would wake the next one (a busy loop). */
	if (s->fd_tag && poll_to_gio(events) != s->fd_events) {
		s->fd_events = poll_to_gio(events);
		g_source_modify_unix_fd(source, s->fd_tag, s->fd_events);
	}
	*timeout = bus_timeout_ms(s->bus);
	return *timeout == 0;
}

static gboolean bus_source_check(GSource *source)
{
	struct bus_source *s = (struct bus_source *)source;

	if (s->lost_reported)
		return FALSE;
	if (s->fd_tag && g_source_query_unix_fd(source, s->fd_tag) != 0)
		return TRUE;
	return bus_timeout_ms(s->bus) == 0;
}

static gboolean bus_source_dispatch(GSource *source, GSourceFunc cb, gpointer data)
{
	struct bus_source *s = (struct bus_source *)source;
	int r;

	/* Process until sd-bus has nothing more to do right now. A handler
	 * may detach this source: the source stays alive during dispatch
	 * (GLib holds a reference), the bus through s->bus. */
	for (;;) {
		r = sd_bus_process(s->bus, NULL);
		if (r <= 0)
			break;
		if (g_source_is_destroyed(source))
			return G_SOURCE_REMOVE;
	}
	if (r < 0 && !sd_bus_is_open(s->bus))
		report_lost(s);
	return G_SOURCE_CONTINUE;
}

static void bus_source_finalize(GSource *source)
{
	struct bus_source *s = (struct bus_source *)source;

	s->bus = sd_bus_unref(s->bus);
}

static GSourceFuncs bus_source_funcs = {
	.prepare = bus_source_prepare,
	.check = bus_source_check,
	.dispatch = bus_source_dispatch,
	.finalize = bus_source_finalize,
};

GSource *vpdn_dbus_glib_attach(sd_bus *bus, GMainContext *ctx,
			       vpdn_dbus_glib_lost_fn lost, void *data)
{
	struct bus_source *s;
	int fd;

	if (!bus) {
		errno = EINVAL;
		return NULL;
	}
	fd = sd_bus_get_fd(bus);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	s = (struct bus_source *)g_source_new(&bus_source_funcs, sizeof(*s));
	g_source_set_name(&s->source, "sd-bus");
	s->bus = sd_bus_ref(bus);
	s->fd = fd;
	s->lost = lost;
	s->lost_data = data;
	s->fd_events = G_IO_IN;
	s->fd_tag = g_source_add_unix_fd(&s->source, fd, s->fd_events);
	g_source_attach(&s->source, ctx);
	return &s->source;
}

void vpdn_dbus_glib_detach(GSource *source)
{
	if (!source)
		return;
	g_source_destroy(source);
	g_source_unref(source);
}
