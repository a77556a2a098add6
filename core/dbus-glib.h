/* SPDX-License-Identifier: MIT */
/*
 * Drive an sd_bus connection from a GLib main context: one GSource polls
 * the connection's fd with the events sd-bus asks for, honours its
 * (absolute, CLOCK_MONOTONIC) timeout and calls sd_bus_process() until it
 * has nothing left to do.
 */
#ifndef VPDND_DBUS_GLIB_H
#define VPDND_DBUS_GLIB_H

#include <glib.h>
#include <systemd/sd-bus.h>

/* Called once, from the main loop, when the connection is lost. */
typedef void (*vpdn_dbus_glib_lost_fn)(sd_bus *bus, void *data);

/* Attach bus to ctx (NULL: the default context). The source keeps a
 * reference on bus. Returns the attached source (owned by the caller:
 * release with vpdn_dbus_glib_detach()), or NULL with errno set. */
GSource *vpdn_dbus_glib_attach(sd_bus *bus, GMainContext *ctx,
			       vpdn_dbus_glib_lost_fn lost, void *data);

/* Destroy the source and drop its reference on the bus. NULL is fine. */
void vpdn_dbus_glib_detach(GSource *source);

#endif
