/* SPDX-License-Identifier: MIT */
/* Commands on the pppoe module's object (/org/vpdnd/module/pppoe,
 * org.vpdnd.Pppoe1): `show pppoe sessions` (paged ListSessions),
 * `show pppoe summary` (Interfaces, Sessions). */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "json.h"
#include "vpdnctl.h"

#define PPPOE_PATH VPDN_DBUS_ROOT "/module/pppoe"
#define PPPOE_IFACE "org.vpdnd.Pppoe1"
#define ROW "(ssqsssqsu)"

static int show_sessions(struct vpdnctl *c, int argc, char **argv)
{
	uint32_t cursor = 0;
	struct json j;
	unsigned n = 0;
	int r;

	if (c->json) {
		json_init(&j, c->out);
		json_array_begin(&j);
	} else {
		fprintf(c->out, "%-10s %-10s %5s %-17s %-6s %-9s %5s %-12s %8s\n", "Intf", "Name",
			"SID", "Peer MAC", "Role", "State", "MTU", "Service", "Uptime");
	}
	do {
		sd_bus_message *reply = NULL;
		int ret = vpdnctl_call(c, "list the PPPoE sessions (is the pppoe module loaded?)",
				       PPPOE_PATH, PPPOE_IFACE, "ListSessions", &reply, "uu", cursor,
				       (uint32_t)0);
		if (ret != VPDNCTL_OK)
			return ret;
		if ((r = sd_bus_message_enter_container(reply, 'a', ROW)) < 0)
			goto bad;
		const char *ifc, *name, *peer, *role, *state, *svc;
		uint16_t sid, mtu;
		uint32_t up;
		while ((r = sd_bus_message_read(reply, ROW, &ifc, &name, &sid, &peer, &role, &state,
						&mtu, &svc, &up)) > 0) {
			n++;
			if (c->json) {
				json_object_begin(&j);
				json_kv_string(&j, "interface", ifc);
				json_kv_string(&j, "name", name);
				json_kv_uint(&j, "session_id", sid);
				json_kv_string(&j, "peer", peer);
				json_kv_string(&j, "role", role);
				json_kv_string(&j, "state", state);
				json_kv_uint(&j, "mtu", mtu);
				json_kv_string(&j, "service", svc);
				json_kv_uint(&j, "uptime", up);
				json_object_end(&j);
			} else {
				fprintf(c->out, "%-10s %-10s %5u %-17s %-6s %-9s %5u %-12s %02u:%02u:%02u\n",
					ifc, name, sid, peer, role, state, mtu, *svc ? svc : "-",
					up / 3600, up / 60 % 60, up % 60);
			}
		}
		if (r < 0 || (r = sd_bus_message_exit_container(reply)) < 0 ||
		    (r = sd_bus_message_read(reply, "u", &cursor)) < 0) {
			sd_bus_message_unref(reply);
			goto bad;
		}
		sd_bus_message_unref(reply);
	} while (cursor);
	if (c->json)
		json_array_end(&j);
	else
		fprintf(c->out, "%u session%s\n", n, n == 1 ? "" : "s");
	return VPDNCTL_OK;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse ListSessions: %s\n", strerror(-r));
	return VPDNCTL_FAILED;
}

static int show_summary(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	uint32_t total = 0;
	struct json j;
	int r;

	r = sd_bus_get_property_trivial(c->bus, c->name, PPPOE_PATH, PPPOE_IFACE, "Sessions",
					&error, 'u', &total);
	if (r >= 0)
		r = sd_bus_get_property(c->bus, c->name, PPPOE_PATH, PPPOE_IFACE, "Interfaces",
					&error, &reply, "a(ssssuu)");
	if (r < 0) {
		int ret = vpdnctl_call_failed(c, "read the PPPoE summary (is the pppoe module "
					      "loaded?)", r, &error);
		sd_bus_error_free(&error);
		return ret;
	}
	if ((r = sd_bus_message_enter_container(reply, 'a', "(ssssuu)")) < 0)
		goto bad;
	if (c->json) {
		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_uint(&j, "sessions", total);
		json_key(&j, "interfaces");
		json_array_begin(&j);
	} else {
		fprintf(c->out, "PPPoE: %" PRIu32 " session%s\n\n", total, total == 1 ? "" : "s");
		fprintf(c->out, "%-12s %-17s %-14s %-12s %8s %11s\n", "Interface", "MAC", "Role",
			"BBA group", "Sessions", "Discovering");
	}
	const char *name, *mac, *role, *group;
	uint32_t n, pending;
	while ((r = sd_bus_message_read(reply, "(ssssuu)", &name, &mac, &role, &group, &n,
					&pending)) > 0) {
		if (c->json) {
			json_object_begin(&j);
			json_kv_string(&j, "interface", name);
			json_kv_string(&j, "mac", mac);
			json_kv_string(&j, "role", role);
			json_kv_string(&j, "bba_group", group);
			json_kv_uint(&j, "sessions", n);
			json_kv_uint(&j, "discovering", pending);
			json_object_end(&j);
		} else {
			fprintf(c->out, "%-12s %-17s %-14s %-12s %8" PRIu32 " %11" PRIu32 "\n", name,
				mac, role, *group ? group : "-", n, pending);
		}
	}
	if (r < 0)
		goto bad;
	if (c->json) {
		json_array_end(&j);
		json_object_end(&j);
	}
	sd_bus_message_unref(reply);
	return VPDNCTL_OK;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse the PPPoE interfaces: %s\n", strerror(-r));
	sd_bus_message_unref(reply);
	return VPDNCTL_FAILED;
}

const struct vpdnctl_command vpdnctl_pppoe_commands[] = {
	{ "show pppoe sessions", NULL, 0, 0, CMD_NODE, show_sessions,
	  "PPPoE sessions: interface, session ID, peer MAC, role, state, payload, uptime" },
	{ "show pppoe summary", NULL, 0, 0, CMD_NODE, show_summary,
	  "PPPoE interfaces (access concentrator or client) and their session counts" },
	{ NULL }
};
