/* SPDX-License-Identifier: MIT */
/* systemd notifications: see sd-notify.h. */
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>
#include <time.h>

#include "core-private.h"
#include "sd-notify.h"

#define STATUS_CHECK_S 1

struct vpdn_sd {
	struct vpdn_core *core;
	bool on;               /* NOTIFY_SOCKET was set */
	bool stopping;
	guint status_timer;
	guint watchdog_timer;
	char *last_status;
};

static uint64_t counter_value(struct vpdn_core *core, const char *name, bool *found)
{
	const struct vpdn_counter *c = g_hash_table_lookup(core->counters, name);

	if (c)
		*found = true;
	return c ? c->value : 0;
}

static char *status_text(struct vpdn_sd *sd)
{
	bool l2tp = false, isdn = false;
	uint64_t tunnels = counter_value(sd->core, "l2tp_tunnels{state=\"est\"}", &l2tp);
	/* Both sides of the node (l2tp_sessions{role,state}: a node can be
	 * the LAC of some sessions and the LNS of others). */
	uint64_t sessions = counter_value(sd->core, "l2tp_sessions{role=\"lac\",state=\"est\"}", &l2tp) +
			    counter_value(sd->core, "l2tp_sessions{role=\"lns\",state=\"est\"}", &l2tp);
	uint64_t calls = counter_value(sd->core, "isdn_calls_in_total", &isdn);

	if (l2tp)
		return g_strdup_printf("%" G_GUINT64_FORMAT " tunnel%s, %" G_GUINT64_FORMAT
				       " session%s established",
				       tunnels, tunnels == 1 ? "" : "s", sessions,
				       sessions == 1 ? "" : "s");
	if (isdn)
		return g_strdup_printf("running, %" G_GUINT64_FORMAT " incoming ISDN call%s so far",
				       calls, calls == 1 ? "" : "s");
	return g_strdup("running");
}

static void notify(struct vpdn_sd *sd, const char *what)
{
	int r;

	if (!sd->on)
		return;
	r = sd_notify(0, what);
	if (r < 0)
		vpdn_warn(vpdn_core_log(sd->core), "sd_notify failed: %s", strerror(-r));
}

/* Rate limit: one look a second, a datagram only when the text changed. */
static gboolean on_status_timer(gpointer data)
{
	struct vpdn_sd *sd = data;
	char *s = status_text(sd);

	if (g_strcmp0(s, sd->last_status) != 0) {
		char *msg = g_strdup_printf("STATUS=%s", s);
		notify(sd, msg);
		g_free(msg);
		g_free(sd->last_status);
		sd->last_status = s;
	} else {
		g_free(s);
	}
	return G_SOURCE_CONTINUE;
}

/* From the main loop: a loop that is stuck sends nothing, and systemd
 * restarts the node after WatchdogSec=. */
static gboolean on_watchdog(gpointer data)
{
	notify(data, "WATCHDOG=1");
	return G_SOURCE_CONTINUE;
}

struct vpdn_sd *vpdn_sd_new(struct vpdn_core *core)
{
	struct vpdn_sd *sd = g_new0(struct vpdn_sd, 1);

	sd->core = core;
	sd->on = g_getenv("NOTIFY_SOCKET") != NULL;
	return sd;
}

void vpdn_sd_ready(struct vpdn_sd *sd)
{
	uint64_t usec = 0;
	char *msg;

	if (!sd->on)
		return;
	g_free(sd->last_status);
	sd->last_status = status_text(sd);
	msg = g_strdup_printf("READY=1\nSTATUS=%s", sd->last_status);
	notify(sd, msg);
	g_free(msg);
	sd->status_timer = g_timeout_add_seconds(STATUS_CHECK_S, on_status_timer, sd);
	if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
		guint ms = (guint)MAX(usec / 2000, 1);
		sd->watchdog_timer = g_timeout_add(ms, on_watchdog, sd);
		vpdn_info(vpdn_core_log(sd->core), "systemd watchdog: WATCHDOG=1 every %u ms", ms);
		notify(sd, "WATCHDOG=1");
	}
}

void vpdn_sd_reloading(struct vpdn_sd *sd)
{
	struct timespec ts;
	char *msg;

	if (!sd->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	msg = g_strdup_printf("RELOADING=1\nMONOTONIC_USEC=%" G_GUINT64_FORMAT "\nSTATUS=reloading",
			      (guint64)ts.tv_sec * 1000000 + (guint64)ts.tv_nsec / 1000);
	notify(sd, msg);
	g_free(msg);
}

void vpdn_sd_reloaded(struct vpdn_sd *sd, const char *error)
{
	char *msg;

	if (!sd->on)
		return;
	g_free(sd->last_status);
	sd->last_status = status_text(sd);
	if (error)
		msg = g_strdup_printf("READY=1\nSTATUS=%s (last reload refused)", sd->last_status);
	else
		msg = g_strdup_printf("READY=1\nSTATUS=%s", sd->last_status);
	notify(sd, msg);
	g_free(msg);
}

void vpdn_sd_stopping(struct vpdn_sd *sd)
{
	if (!sd->on || sd->stopping)
		return;
	sd->stopping = true;
	notify(sd, "STOPPING=1\nSTATUS=stopping");
}

void vpdn_sd_free(struct vpdn_sd *sd)
{
	if (!sd)
		return;
	if (sd->status_timer)
		g_source_remove(sd->status_timer);
	if (sd->watchdog_timer)
		g_source_remove(sd->watchdog_timer);
	g_free(sd->last_status);
	g_free(sd);
}

bool vpdn_sd_on(struct vpdn_sd *sd)
{
	return sd && sd->on;
}

/* GetUnitByPID(our pid) -> Unit.Job (id, path) -> Job.JobType, on the
 * system bus, each call bounded to a second. */
bool vpdn_sd_restart_job(struct vpdn_sd *sd, char **why)
{
	sd_bus *bus = NULL;
	sd_bus_error err = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *unit = NULL, *job = NULL;
	char *unit_s = NULL, *type = NULL;
	uint32_t id = 0;
	bool yes = false;
	int r;

	*why = NULL;
	if (!sd->on) {
		*why = g_strdup("not run by systemd");
		return false;
	}
	r = sd_bus_open_system(&bus);
	if (r >= 0)
		r = sd_bus_set_method_call_timeout(bus, 1000000);
	if (r >= 0)
		r = sd_bus_call_method(bus, "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
				       "org.freedesktop.systemd1.Manager", "GetUnitByPID", &err, &reply,
				       "u", (uint32_t)getpid());
	if (r >= 0)
		r = sd_bus_message_read(reply, "o", &unit);
	if (r >= 0)
		unit_s = g_strdup(unit);
	sd_bus_message_unref(reply);
	reply = NULL;
	if (r >= 0)
		r = sd_bus_get_property(bus, "org.freedesktop.systemd1", unit_s,
					"org.freedesktop.systemd1.Unit", "Job", &err, &reply, "(uo)");
	if (r >= 0)
		r = sd_bus_message_read(reply, "(uo)", &id, &job);
	if (r >= 0 && id == 0) {
		*why = g_strdup("no job queued for the unit");
	} else if (r >= 0) {
		r = sd_bus_get_property_string(bus, "org.freedesktop.systemd1", job,
					       "org.freedesktop.systemd1.Job", "JobType", &err, &type);
		if (r >= 0) {
			yes = strcmp(type, "restart") == 0;
			if (!yes)
				*why = g_strdup_printf("the unit's job is %s", type);
		}
	}
	if (r < 0 && !*why)
		*why = g_strdup_printf("cannot ask systemd: %s",
				       sd_bus_error_is_set(&err) ? err.message : strerror(-r));
	sd_bus_message_unref(reply);
	sd_bus_error_free(&err);
	sd_bus_flush_close_unref(bus);
	g_free(unit_s);
	free(type);
	return yes;
}
