/* SPDX-License-Identifier: MIT */
/* Commands on the dialer module's object (/org/vpdnd/module/dialer,
 * org.vpdnd.Dialer1): `show dialer`, `dial PROFILE`. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "json.h"
#include "vpdnctl.h"

#define DIALER_PATH VPDN_DBUS_ROOT "/module/dialer"
#define DIALER_IFACE "org.vpdnd.Dialer1"


struct dialer_row {
	const char *name, *kind, *state, *number, *remote, *interface;
	uint32_t call_id, idle_left, failures, calls;
};

static void print_row(struct vpdnctl *c, struct json *j, const struct dialer_row *d)
{
	if (c->json) {
		json_object_begin(j);
		json_kv_string(j, "name", d->name);
		json_kv_string(j, "kind", d->kind);
		json_kv_string(j, "state", d->state);
		json_kv_string(j, "number", d->number);
		json_kv_string(j, "remote_name", d->remote);
		json_kv_string(j, "interface", d->interface);
		json_kv_uint(j, "call_id", d->call_id);
		json_kv_uint(j, "idle_left", d->idle_left);
		json_kv_uint(j, "failures", d->failures);
		json_kv_uint(j, "calls", d->calls);
		json_object_end(j);
		return;
	}
	fprintf(c->out, "%-10s %-6s %-11s %-10s %-22s %-8s %6" PRIu32 " %8" PRIu32 " %5" PRIu32 "\n",
		d->name, d->kind, d->state, *d->number ? d->number : "-",
		*d->remote ? d->remote : "-", *d->interface ? d->interface : "-", d->idle_left,
		d->failures, d->calls);
}

static int show_dialer(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	struct dialer_row d;
	struct json j;
	int r, ret = VPDNCTL_OK;

	r = sd_bus_get_property(c->bus, c->name, DIALER_PATH, DIALER_IFACE, "Dialers", &error,
				&reply, "a(ssssssuuuu)");
	if (r < 0) {
		ret = vpdnctl_call_failed(c, "read the dialers (is the dialer module loaded?)", r,
					  &error);
		sd_bus_error_free(&error);
		return ret;
	}
	r = sd_bus_message_enter_container(reply, 'a', "(ssssssuuuu)");
	if (r < 0)
		goto bad;
	if (c->json) {
		json_init(&j, c->out);
		json_array_begin(&j);
	} else {
		fprintf(c->out, "%-10s %-6s %-11s %-10s %-22s %-8s %6s %8s %5s\n", "Dialer", "Kind",
			"State", "Number", "Remote name", "Intf", "Idle", "Failures", "Calls");
	}
	while ((r = sd_bus_message_read(reply, "(ssssssuuuu)", &d.name, &d.kind, &d.state,
					&d.number, &d.remote, &d.interface, &d.call_id,
					&d.idle_left, &d.failures, &d.calls)) > 0)
		print_row(c, &j, &d);
	if (r < 0)
		goto bad;
	if (c->json)
		json_array_end(&j);
	sd_bus_message_unref(reply);
	return VPDNCTL_OK;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse Dialers: %s\n", strerror(-r));
	sd_bus_message_unref(reply);
	return VPDNCTL_FAILED;
}

static int dial(struct vpdnctl *c, int argc, char **argv)
{
	int r = vpdnctl_call(c, "dial", DIALER_PATH, DIALER_IFACE, "Dial", NULL, "s", argv[0]);

	if (r == VPDNCTL_OK && !c->json)
		fprintf(c->out, "Dialing %s\n", argv[0]);
	return r;
}

const struct vpdnctl_command vpdnctl_dialer_commands[] = {
	{ "show dialer", NULL, 0, 0, CMD_NODE, show_dialer,
	  "Dialer profiles and rotary groups: state, number, call, idle time left" },
	{ "dial", "PROFILE", 1, 1, CMD_NODE | CMD_EXACT, dial,
	  "Dial a dialer profile now (\"Dialer1\")" },
	{ NULL }
};
