/* SPDX-License-Identifier: MIT */
/* `show radius`: the auth-radius module's object (org.vpdnd.Radius1 on
 * /org/vpdnd/module/auth_2dradius): servers, their state and counters,
 * queues. No secret is ever read. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "json.h"
#include "vpdnctl.h"

#define RADIUS_IFACE "org.vpdnd.Radius1"

static int get_u(struct vpdnctl *c, const char *path, const char *name, uint32_t *v)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r = sd_bus_get_property_trivial(c->bus, c->name, path, RADIUS_IFACE, name, &error,
					    'u', v);

	sd_bus_error_free(&error);
	return r;
}

static int show_radius(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	uint32_t auth_q = 0, auth_f = 0, acct_q = 0, sessions = 0, dead, inflight;
	uint64_t dropped = 0, rq_auth, rq_acct, retr, tmo, ans, bad;
	const char *name, *state;
	char *path = NULL;
	struct json j;
	int r, ret = VPDNCTL_FAILED;

	r = sd_bus_path_encode(VPDN_DBUS_ROOT "/module", "auth-radius", &path);
	if (r < 0)
		return VPDNCTL_FAILED;
	r = sd_bus_get_property(c->bus, c->name, path, RADIUS_IFACE, "Servers", &error, &reply,
				"a(ssuttttttu)");
	if (r < 0) {
		ret = vpdnctl_call_failed(c, "read the RADIUS servers (is auth-radius loaded?)", r,
					  &error);
		sd_bus_error_free(&error);
		free(path);
		return ret;
	}
	if (get_u(c, path, "AuthQueued", &auth_q) < 0 || get_u(c, path, "AuthInFlight", &auth_f) < 0 ||
	    get_u(c, path, "AcctQueued", &acct_q) < 0 || get_u(c, path, "Sessions", &sessions) < 0 ||
	    sd_bus_get_property_trivial(c->bus, c->name, path, RADIUS_IFACE, "AcctDropped", &error,
					't', &dropped) < 0) {
		sd_bus_error_free(&error);
		fprintf(stderr, "vpdnctl: Failed to read the RADIUS queues\n");
		goto out;
	}
	r = sd_bus_message_enter_container(reply, 'a', "(ssuttttttu)");
	if (r < 0)
		goto bad;
	if (c->json) {
		json_init(&j, c->out);
		json_object_begin(&j);
		json_key(&j, "servers");
		json_array_begin(&j);
	} else {
		fprintf(c->out, "%-22s %-5s %5s %8s %8s %7s %8s %8s %7s %6s\n", "Server", "State",
			"Dead", "Auth", "Acct", "Retrans", "Timeouts", "Answers", "Dropped",
			"Flight");
	}
	while ((r = sd_bus_message_read(reply, "(ssuttttttu)", &name, &state, &dead, &rq_auth,
					&rq_acct, &retr, &tmo, &ans, &bad, &inflight)) > 0) {
		if (c->json) {
			json_object_begin(&j);
			json_kv_string(&j, "address", name);
			json_kv_string(&j, "state", state);
			json_kv_uint(&j, "dead_time_left", dead);
			json_kv_uint(&j, "access_requests", rq_auth);
			json_kv_uint(&j, "accounting_requests", rq_acct);
			json_kv_uint(&j, "retransmissions", retr);
			json_kv_uint(&j, "timeouts", tmo);
			json_kv_uint(&j, "answers", ans);
			json_kv_uint(&j, "dropped_answers", bad);
			json_kv_uint(&j, "in_flight", inflight);
			json_object_end(&j);
		} else {
			fprintf(c->out, "%-22s %-5s %5" PRIu32 " %8" PRIu64 " %8" PRIu64 " %7" PRIu64
				" %8" PRIu64 " %8" PRIu64 " %7" PRIu64 " %6" PRIu32 "\n",
				name, state, dead, rq_auth, rq_acct, retr, tmo, ans, bad, inflight);
		}
	}
	if (r < 0)
		goto bad;
	if (c->json) {
		json_array_end(&j);
		json_kv_uint(&j, "auth_queued", auth_q);
		json_kv_uint(&j, "auth_in_flight", auth_f);
		json_kv_uint(&j, "acct_queued", acct_q);
		json_kv_uint(&j, "acct_dropped", dropped);
		json_kv_uint(&j, "sessions", sessions);
		json_object_end(&j);
	} else {
		fprintf(c->out, "Authentication: %" PRIu32 " queued, %" PRIu32 " in flight. "
			"Accounting: %" PRIu32 " queued, %" PRIu64 " dropped. %" PRIu32
			" session%s accounted.\n", auth_q, auth_f, acct_q, dropped, sessions,
			sessions == 1 ? "" : "s");
	}
	ret = VPDNCTL_OK;
	goto out;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse Servers: %s\n", strerror(-r));
out:
	sd_bus_message_unref(reply);
	free(path);
	return ret;
}

const struct vpdnctl_command vpdnctl_radius_commands[] = {
	{ "show radius", NULL, 0, 0, CMD_NODE, show_radius,
	  "RADIUS servers (state, dead-time, requests, retransmissions, timeouts, dropped answers) and queues" },
	{ NULL }
};
