/* SPDX-License-Identifier: MIT */
/* Commands on the node object (org.vpdnd.Node1): version, modules,
 * debugging, reload, shutdown, restart. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>
#include <vpdnd/log.h>

#include "format.h"
#include "json.h"
#include "vpdnctl.h"

static int get_property(struct vpdnctl *c, const char *property, const char *type,
			sd_bus_message **reply)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	int r;

	r = sd_bus_get_property(c->bus, c->name, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				property, &error, reply, type);
	if (r < 0) {
		char *what = g_strdup_printf("read %s", property);

		r = vpdnctl_call_failed(c, what, r, &error);
		g_free(what);
		sd_bus_error_free(&error);
		return r;
	}
	return VPDNCTL_OK;
}

static int get_string(struct vpdnctl *c, const char *property, char **ret)
{
	sd_bus_message *reply = NULL;
	const char *s;
	int r;

	r = get_property(c, property, "s", &reply);
	if (r != VPDNCTL_OK)
		return r;
	r = sd_bus_message_read(reply, "s", &s);
	if (r >= 0)
		*ret = g_strdup(s);
	sd_bus_message_unref(reply);
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse %s: %s\n", property, strerror(-r));
		return VPDNCTL_FAILED;
	}
	return VPDNCTL_OK;
}

/* Restarts in place and the newest one's time (realtime us); 0 when the
 * node is older than the properties. */
static void get_restarts(struct vpdnctl *c, uint32_t *n, uint64_t *last)
{
	sd_bus_error error = SD_BUS_ERROR_NULL;
	sd_bus_message *reply = NULL;
	const void *p = NULL;
	size_t size = 0;

	*n = 0;
	*last = 0;
	if (sd_bus_get_property_trivial(c->bus, c->name, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
					"Restarts", &error, 'u', n) < 0) {
		sd_bus_error_free(&error);
		*n = 0;
		return;
	}
	if (sd_bus_get_property(c->bus, c->name, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				"RestartTimes", &error, &reply, "at") >= 0 &&
	    sd_bus_message_read_array(reply, 't', &p, &size) >= 0 && size >= sizeof(uint64_t))
		memcpy(last, (const uint8_t *)p + size - sizeof(uint64_t), sizeof(uint64_t));
	sd_bus_error_free(&error);
	sd_bus_message_unref(reply);
}

static int show_version(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	char *version = NULL, *hostname = NULL;
	uint64_t uptime = 0;
	int ret;

	ret = get_string(c, "Version", &version);
	if (ret == VPDNCTL_OK)
		ret = get_string(c, "Hostname", &hostname);
	if (ret == VPDNCTL_OK)
		ret = get_property(c, "Uptime", "t", &reply);
	if (ret == VPDNCTL_OK && sd_bus_message_read(reply, "t", &uptime) < 0)
		ret = VPDNCTL_FAILED;
	if (ret != VPDNCTL_OK)
		goto out;
	uint32_t restarts;
	uint64_t last_us;

	get_restarts(c, &restarts, &last_us);

	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_object_begin(&j);
		json_kv_string(&j, "version", version);
		json_kv_string(&j, "hostname", hostname);
		json_kv_string(&j, "bus_name", c->name);
		json_kv_uint(&j, "uptime", uptime);
		json_kv_uint(&j, "restarts", restarts);
		json_kv_uint(&j, "last_restart", last_us / 1000000);
		json_object_end(&j);
	} else {
		char hms[32];

		fprintf(c->out, "vpdnd version %s\n", version);
		fprintf(c->out, "%s uptime is %" PRIu64 " days, %s\n", hostname, uptime / 86400,
			fmt_hms(uptime % 86400, hms, sizeof(hms)));
		if (restarts) {
			time_t t = (time_t)(last_us / 1000000);
			struct tm tm;
			char when[64] = "?";

			if (gmtime_r(&t, &tm))
				strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
			fprintf(c->out, "Restarted in place %u time%s, last at %s\n", restarts,
				restarts == 1 ? "" : "s", when);
		}
	}
out:
	sd_bus_message_unref(reply);
	g_free(version);
	g_free(hostname);
	return ret;
}

static int show_modules(struct vpdnctl *c, int argc, char **argv)
{
	static const struct fmt_column cols[] = {
		{ "Module", 12, 2 },
		{ "Version", 9, 2 },
		{ "Description", 0, 2 },
	};
	sd_bus_message *reply = NULL;
	GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
	const char *name, *version, *description;
	struct json j;
	int r, ret;

	ret = get_property(c, "Modules", "a(sss)", &reply);
	if (ret != VPDNCTL_OK)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "(sss)");
	while (r >= 0 && (r = sd_bus_message_read(reply, "(sss)", &name, &version,
						   &description)) > 0) {
		g_ptr_array_add(cells, g_strdup(name));
		g_ptr_array_add(cells, g_strdup(version));
		g_ptr_array_add(cells, g_strdup(description));
	}
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse Modules: %s\n", strerror(-r));
		ret = VPDNCTL_FAILED;
		goto out;
	}

	if (c->json) {
		json_init(&j, c->out);
		json_object_begin(&j);
		json_key(&j, "modules");
		json_array_begin(&j);
		for (guint i = 0; i + 2 < cells->len; i += 3) {
			json_object_begin(&j);
			json_kv_string(&j, "name", cells->pdata[i]);
			json_kv_string(&j, "version", cells->pdata[i + 1]);
			json_kv_string(&j, "description", cells->pdata[i + 2]);
			json_object_end(&j);
		}
		json_array_end(&j);
		json_object_end(&j);
	} else if (cells->len == 0) {
		fputs("% No modules loaded\n", c->out);
	} else {
		fmt_table(c->out, cols, G_N_ELEMENTS(cols), (const char *const *)cells->pdata,
			  cells->len / 3);
	}
out:
	g_ptr_array_free(cells, TRUE);
	sd_bus_message_unref(reply);
	return ret;
}

static int show_debugging(struct vpdnctl *c, int argc, char **argv)
{
	sd_bus_message *reply = NULL;
	GPtrArray *cats = g_ptr_array_new_with_free_func(g_free);
	const char *s;
	int r, ret;

	ret = get_property(c, "DebugCategories", "as", &reply);
	if (ret != VPDNCTL_OK)
		goto out;
	r = sd_bus_message_enter_container(reply, 'a', "s");
	while (r >= 0 && (r = sd_bus_message_read(reply, "s", &s)) > 0)
		g_ptr_array_add(cats, g_strdup(s));
	if (r < 0) {
		fprintf(stderr, "vpdnctl: Failed to parse DebugCategories: %s\n", strerror(-r));
		ret = VPDNCTL_FAILED;
		goto out;
	}

	if (c->json) {
		struct json j;

		json_init(&j, c->out);
		json_object_begin(&j);
		json_key(&j, "debugging");
		json_array_begin(&j);
		for (guint i = 0; i < cats->len; i++)
			json_string(&j, cats->pdata[i]);
		json_array_end(&j);
		json_object_end(&j);
	} else if (cats->len == 0) {
		fputs("No debugging is on\n", c->out);
	} else {
		for (guint i = 0; i < cats->len; i++)
			fprintf(c->out, "%s debugging is on\n", (const char *)cats->pdata[i]);
	}
out:
	g_ptr_array_free(cats, TRUE);
	sd_bus_message_unref(reply);
	return ret;
}

/* Split "vpdn l2x-events ppp negotiation" into categories, longest match
 * first ("vpdn-l2x-events" and "all" work too). Returns the canonical
 * names (or "all") in *ret. */
static int parse_categories(int argc, char **argv, GPtrArray **ret)
{
	GPtrArray *cats = g_ptr_array_new_with_free_func(g_free);

	for (int i = 0; i < argc;) {
		int found = -ENOENT, used = 0;

		for (int k = MIN(3, argc - i); k > 0 && found < 0; k--) {
			char **words = g_new0(char *, k + 1);
			char *name;

			for (int w = 0; w < k; w++)
				words[w] = argv[i + w];
			name = g_strjoinv(" ", words);
			g_free(words);
			found = vpdn_debug_parse(name);
			used = k;
			g_free(name);
		}
		if (found < 0) {
			fprintf(stderr, "vpdnctl: unknown debug category '%s'\n", argv[i]);
			g_ptr_array_free(cats, TRUE);
			return VPDNCTL_USAGE;
		}
		g_ptr_array_add(cats, g_strdup(found == VPDN_DEBUG__COUNT ? "all" :
					       vpdn_debug_name(found)));
		i += used;
	}
	*ret = cats;
	return VPDNCTL_OK;
}

static int set_debug(struct vpdnctl *c, int argc, char **argv, bool enabled)
{
	GPtrArray *cats = NULL;
	int ret;

	ret = parse_categories(argc, argv, &cats);
	if (ret != VPDNCTL_OK)
		return ret;
	for (guint i = 0; i < cats->len && ret == VPDNCTL_OK; i++) {
		const char *cat = cats->pdata[i];

		ret = vpdnctl_call(c, "set debugging", VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
				   "SetDebug", NULL, "sb", cat, (int)enabled);
		if (ret != VPDNCTL_OK)
			break;
		if (strcmp(cat, "all") == 0)
			fprintf(c->out, "All possible debugging has been turned %s\n",
				enabled ? "on" : "off");
		else
			fprintf(c->out, "%s debugging is %s\n", cat, enabled ? "on" : "off");
	}
	g_ptr_array_free(cats, TRUE);
	return ret;
}

static int cmd_debug(struct vpdnctl *c, int argc, char **argv)
{
	return set_debug(c, argc, argv, true);
}

static int cmd_no_debug(struct vpdnctl *c, int argc, char **argv)
{
	return set_debug(c, argc, argv, false);
}

static int cmd_reload(struct vpdnctl *c, int argc, char **argv)
{
	return vpdnctl_call(c, "reload", VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE, "Reload",
			    NULL, NULL);
}

/* After Shutdown, wait (bounded) for the node to leave the bus so that
 * scripts can rely on it being gone when vpdnctl returns. */
static int cmd_shutdown(struct vpdnctl *c, int argc, char **argv)
{
	int ret = vpdnctl_call(c, "shut down", VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE,
			       "Shutdown", NULL, NULL);

	if (ret != VPDNCTL_OK)
		return ret;
	for (int i = 0; i < 100; i++) {
		sd_bus_message *reply = NULL;
		int has = 1, r;

		r = sd_bus_call_method(c->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
				       "org.freedesktop.DBus", "NameHasOwner", NULL, &reply,
				       "s", c->name);
		if (r >= 0)
			r = sd_bus_message_read(reply, "b", &has);
		sd_bus_message_unref(reply);
		if (r < 0 || !has)
			return VPDNCTL_OK;
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
	}
	fprintf(stderr, "vpdnctl: node %s accepted shutdown but is still on the bus after 5s\n",
		c->name + strlen(VPDN_DBUS_NAME_PREFIX));
	return VPDNCTL_FAILED;
}

/* Restart in place, then wait (bounded) until the new process is on the
 * bus with one restart more, so that scripts can go on when it returns. */
static int restart_by(struct vpdnctl *c, const char *what, const char *method)
{
	uint32_t before, now;
	uint64_t last;
	int ret;

	get_restarts(c, &before, &last);
	ret = vpdnctl_call(c, what, VPDN_DBUS_NODE_PATH, VPDN_DBUS_NODE_IFACE, method,
			   NULL, NULL);
	if (ret != VPDNCTL_OK)
		return ret;
	for (int i = 0; i < 200; i++) {
		nanosleep(&(struct timespec){ .tv_nsec = 50 * 1000 * 1000 }, NULL);
		get_restarts(c, &now, &last);
		if (now > before) {
			fprintf(c->out, "Restarted in place (restart %u)\n", now);
			return VPDNCTL_OK;
		}
	}
	fprintf(stderr, "vpdnctl: node %s accepted the restart but is not back after 10s\n",
		c->name + strlen(VPDN_DBUS_NAME_PREFIX));
	return VPDNCTL_FAILED;
}

static int cmd_restart(struct vpdnctl *c, int argc, char **argv)
{
	return restart_by(c, "restart", "Restart");
}

/* Through systemd's fd store: a new process (new pid) systemd starts. */
static int cmd_restart_fdstore(struct vpdnctl *c, int argc, char **argv)
{
	return restart_by(c, "restart fdstore", "RestartViaFdStore");
}

const struct vpdnctl_command vpdnctl_node_commands[] = {
	{ "show version", NULL, 0, 0, CMD_NODE, show_version,
	  "Version, hostname and uptime of the node" },
	{ "show modules", NULL, 0, 0, CMD_NODE, show_modules, "Modules loaded by the node" },
	{ "show debugging", NULL, 0, 0, CMD_NODE, show_debugging,
	  "Debug categories switched on" },
	{ "debug", "CATEGORY...", 1, -1, CMD_NODE, cmd_debug,
	  "Switch debugging on (\"vpdn l2x-events\", \"all\", ...)" },
	{ "no debug", "CATEGORY...", 1, -1, CMD_NODE, cmd_no_debug, "Switch debugging off" },
	{ "undebug", "CATEGORY...", 1, -1, CMD_NODE, cmd_no_debug,
	  "Switch debugging off (\"undebug all\")" },
	{ "reload", NULL, 0, 0, CMD_NODE | CMD_EXACT, cmd_reload, "Reload the node's configuration" },
	{ "shutdown", NULL, 0, 0, CMD_NODE | CMD_EXACT, cmd_shutdown, "Stop the node" },
	{ "restart fdstore", NULL, 0, 0, CMD_NODE | CMD_EXACT, cmd_restart_fdstore,
	  "Restart through systemd's fd store: a new process, tunnels stay up" },
	{ "restart", NULL, 0, 0, CMD_NODE | CMD_EXACT, cmd_restart,
	  "Restart in place: tunnels stay up (docs/RESTART.md)" },
	{ NULL }
};
