/* SPDX-License-Identifier: MIT */
/*
 * monitor [--events] [--seconds N]: subscribe to the node's log
 * (org.vpdnd.Node1.Monitor and the LogLine signal) and print each line
 * until Ctrl-C (or N seconds). --json: one JSON object per line
 * ({"level", "category", "line"}).
 * --events: follow the session events instead, the Node1 signals
 * TunnelUp, TunnelDown, SessionUp and SessionDown (broadcast: no
 * subscription call, no privilege), one line each (--json: one object
 * a line, {"event": "SessionDown", ...the signal's arguments by name}).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "events.h"
#include "json.h"
#include "vpdnctl.h"

static int on_log_line(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct vpdnctl *c = userdata;
	const char *level, *category, *line;

	if (sd_bus_message_read(m, "sss", &level, &category, &line) < 0)
		return 0;
	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_string(&j, "level", level);
		json_kv_string(&j, "category", category);
		json_kv_string(&j, "line", line);
		json_object_end(&j);
	} else {
		fprintf(c->out, "%s\n", line);
	}
	fflush(c->out);
	return 0;
}

static int on_event(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct vpdnctl *c = userdata;
	const struct ev_kind *kind = ev_kind_of_signal(sd_bus_message_get_member(m));
	struct ev_fields f;

	if (!kind || ev_read(m, kind, &f) < 0)
		return 0;
	if (c->json)
		ev_print_json(c->out, &f, NULL);
	else
		ev_print_text(c->out, &f);
	fflush(c->out);
	return 0;
}

static int cmd_monitor(struct vpdnctl *c, int argc, char **argv)
{
	bool events = false;
	sd_bus_slot *slot = NULL;
	unsigned long seconds = 0;
	sigset_t mask;
	int sfd, r, ret;
	int64_t deadline = 0;

	for (int i = 0; i < argc; i++) {
		char *end = NULL;
		const char *v = NULL;

		if (!strcmp(argv[i], "--events") || !strcmp(argv[i], "events")) {
			events = true;
			continue;
		}
		if ((!strcmp(argv[i], "--seconds") || !strcmp(argv[i], "seconds")) && i + 1 < argc)
			v = argv[++i];
		else if (g_str_has_prefix(argv[i], "--seconds="))
			v = argv[i] + 10;
		if (v)
			seconds = strtoul(v, &end, 10);
		if (!v || !end || *end || !*v || seconds == 0) {
			fprintf(stderr, "Usage: vpdnctl monitor [--events] [--seconds N]\n");
			return VPDNCTL_USAGE;
		}
	}
	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_CLOEXEC);
	if (sfd < 0) {
		fprintf(stderr, "vpdnctl: signalfd: %s\n", strerror(errno));
		return VPDNCTL_FAILED;
	}
	/* Events: every Node1 signal of this node (on_event keeps the four
	 * it knows); the match is in place when the call returns. */
	r = sd_bus_match_signal(c->bus, &slot, events ? c->name : NULL, VPDN_DBUS_NODE_PATH,
				VPDN_DBUS_NODE_IFACE, events ? NULL : "LogLine",
				events ? on_event : on_log_line, c);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to subscribe to %s: %s\n",
			events ? "the node's events" : "LogLine", strerror(-r));
		close(sfd);
		return VPDNCTL_FAILED;
	}
	if (events) {
		ret = VPDNCTL_OK;
		fprintf(stderr, "Following the events of %s (Ctrl-C to stop)\n",
			c->node ? c->node : c->name);
	} else {
		ret = vpdnctl_call(c, "start monitoring", VPDN_DBUS_NODE_PATH,
				   VPDN_DBUS_NODE_IFACE, "Monitor", NULL, "b", 1);
	}
	if (ret != VPDNCTL_OK)
		goto out;
	if (!events && !c->json)
		fprintf(stderr, "Monitoring %s%s (Ctrl-C to stop)\n", c->node ? c->node : c->name,
			seconds ? "" : "");
	if (seconds)
		deadline = g_get_monotonic_time() + (int64_t)seconds * G_USEC_PER_SEC;
	for (;;) {
		struct pollfd p[2];
		int timeout = -1;
		uint64_t usec;

		while ((r = sd_bus_process(c->bus, NULL)) > 0)
			;
		if (r < 0) {
			fprintf(stderr, "vpdnctl: the node's bus failed: %s\n", strerror(-r));
			ret = VPDNCTL_NO_NODE;
			goto out;
		}
		if (deadline) {
			int64_t left = deadline - g_get_monotonic_time();
			if (left <= 0)
				break;
			timeout = (int)(left / 1000) + 1;
		}
		if (sd_bus_get_timeout(c->bus, &usec) >= 0 && usec != UINT64_MAX) {
			int64_t t = ((int64_t)usec - g_get_monotonic_time()) / 1000 + 1;
			if (t < 0)
				t = 0;
			if (timeout < 0 || t < timeout)
				timeout = (int)t;
		}
		p[0] = (struct pollfd){ .fd = sd_bus_get_fd(c->bus), .events = (short)sd_bus_get_events(c->bus) };
		p[1] = (struct pollfd){ .fd = sfd, .events = POLLIN };
		r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR)
			break;
		if (p[1].revents & POLLIN)
			break;
	}
	/* Unsubscribe (the node also drops us when we leave the bus). */
	if (!events)
		ret = vpdnctl_call(c, "stop monitoring", VPDN_DBUS_NODE_PATH,
				   VPDN_DBUS_NODE_IFACE, "Monitor", NULL, "b", 0);
out:
	sd_bus_slot_unref(slot);
	close(sfd);
	return ret;
}

const struct vpdnctl_command vpdnctl_monitor_commands[] = {
	{ "monitor", "[--events] [--seconds N]", 0, 3, CMD_NODE, cmd_monitor,
	  "Print the node's log lines (--events: tunnel and session events) live until "
	  "Ctrl-C (--json: one object a line)" },
	{ NULL }
};
