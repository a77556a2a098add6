/* SPDX-License-Identifier: MIT */
/* `show ip local pool` (IOS's): the ppp module's named pools, from
 * org.vpdnd.Ppp1.Pools on /org/vpdnd/module/ppp. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>

#include "json.h"
#include "vpdnctl.h"

#define PPP_PATH VPDN_DBUS_ROOT "/module/ppp"
#define PPP_IFACE "org.vpdnd.Ppp1"

static int show_pools(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const char *name, *ranges;
	uint32_t size, used;
	uint64_t exhausted;
	unsigned n = 0;
	struct json j;
	int r;

	r = sd_bus_get_property(c->bus, c->name, PPP_PATH, PPP_IFACE, "Pools", &error, &reply,
				"a(ssuut)");
	if (r < 0) {
		int ret = vpdnctl_call_failed(c, "read the address pools (is the ppp module "
					      "loaded?)", r, &error);
		sd_bus_error_free(&error);
		return ret;
	}
	if ((r = sd_bus_message_enter_container(reply, 'a', "(ssuut)")) < 0)
		goto bad;
	if (c->json) {
		json_init(&j, c->out);
		json_array_begin(&j);
	} else {
		fprintf(c->out, "%-20s %-40s %6s %6s %6s %10s\n", "Pool", "Ranges", "Size",
			"In use", "Free", "Exhausted");
	}
	while ((r = sd_bus_message_read(reply, "(ssuut)", &name, &ranges, &size, &used,
					&exhausted)) > 0) {
		n++;
		if (c->json) {
			json_object_begin(&j);
			json_kv_string(&j, "name", name);
			json_kv_string(&j, "ranges", ranges);
			json_kv_uint(&j, "size", size);
			json_kv_uint(&j, "in_use", used);
			json_kv_uint(&j, "free", size - used);
			json_kv_uint(&j, "exhausted", exhausted);
			json_object_end(&j);
		} else {
			fprintf(c->out, "%-20s %-40s %6" PRIu32 " %6" PRIu32 " %6" PRIu32
				" %10" PRIu64 "\n", name, ranges, size, used, size - used, exhausted);
		}
	}
	if (r < 0)
		goto bad;
	if (c->json)
		json_array_end(&j);
	else
		fprintf(c->out, "%u pool%s\n", n, n == 1 ? "" : "s");
	sd_bus_message_unref(reply);
	return VPDNCTL_OK;
bad:
	fprintf(stderr, "vpdnctl: Failed to parse the pools: %s\n", strerror(-r));
	sd_bus_message_unref(reply);
	return VPDNCTL_FAILED;
}

const struct vpdnctl_command vpdnctl_pool_commands[] = {
	{ "show ip local pool", NULL, 0, 0, CMD_NODE, show_pools,
	  "named IPv4 address pools (ip-local-pool): ranges, size, in use, free, exhausted" },
	{ NULL }
};
