/* SPDX-License-Identifier: MIT */
/*
 * The node's D-Bus connection and its object /org/vpdnd/node
 * (org.vpdnd.Node1): version, hostname, loaded modules, uptime, debug
 * categories; Reload, SetDebug, Shutdown, GetMetrics, Monitor and the
 * LogLine signal. See dbus/org.vpdnd.Node1.xml.
 */
#include <errno.h>
#include <string.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/dbus.h>
#include <vpdnd/log.h>

#include "core-private.h"
#include "dbus-glib.h"
#include "node-bus.h"
#include "node-events.h"
#include "restart-state.h"

struct node_bus {
	struct vpdn_core *core;
	struct vpdn_node_info info;
	char *spec;               /* what vpdn_node_bus_open() was given */
	char *retry_spec;         /* the same without guid= (a restarted
				   * daemon has a new one) */
	sd_bus *bus;
	GSource *source;
	sd_bus_slot *node_slot;
	sd_bus_slot *manager_slot;
	sd_bus_slot *guard_slot;  /* GetManagedObjects past dbus-max-objects */
	char name[256];
	/* A lost connection is made again: the first try after
	 * RETRY_FIRST_S, each next one after twice as long, up to
	 * RETRY_MAX_S; back to the first after a success. */
	bool lost;
	guint retry_id;           /* GLib timeout of the next try, 0: none */
	unsigned retry_s;         /* delay before the next try */
	unsigned attempts;        /* failed tries since the loss */
	uint64_t *c_lost, *c_reconnected, *c_failed, *c_refused;
	uint64_t refused_logged_ms;  /* last GetManagedObjects refusal logged */
	/* Monitor: the clients subscribed to LogLine; the log sink exists
	 * only while there is one. */
	sd_bus_track *monitors;
	unsigned sink_id;
	bool in_sink;
};

/* One entry per open core (a process normally has one). */
static GHashTable *node_buses;

static struct node_bus *node_bus_get(struct vpdn_core *core)
{
	return node_buses ? g_hash_table_lookup(node_buses, core) : NULL;
}

static int property_version(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply,
			    void *userdata, sd_bus_error *error)
{
	return sd_bus_message_append(reply, "s", VPDND_VERSION_STRING);
}

static int property_hostname(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply,
			     void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	const char *h = vpdn_core_hostname(nb->core);

	return sd_bus_message_append(reply, "s", h ? h : "");
}

static int property_modules(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply,
			    void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(sss)");
	if (r < 0)
		return r;
	for (size_t i = 0; nb->info.module_at; i++) {
		const char *version = NULL, *description = NULL;
		const char *name = nb->info.module_at(nb->info.data, i, &version, &description);

		if (!name)
			break;
		r = sd_bus_message_append(reply, "(sss)", name, version ? version : "",
					  description ? description : "");
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int property_uptime(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply,
			   void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;

	return sd_bus_message_append(reply, "t", vpdn_core_uptime(nb->core));
}

static int property_debug_categories(sd_bus *bus, const char *path, const char *interface,
				     const char *property, sd_bus_message *reply,
				     void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	struct vpdn_log *log = vpdn_core_log(nb->core);
	int r;

	r = sd_bus_message_open_container(reply, 'a', "s");
	if (r < 0)
		return r;
	for (int cat = 0; cat < VPDN_DEBUG__COUNT; cat++) {
		if (!vpdn_log_get_debug(log, cat))
			continue;
		r = sd_bus_message_append(reply, "s", vpdn_debug_name(cat));
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	char *message = NULL;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	if (!nb->info.reload)
		return vpdn_dbus_errorf(error, -EOPNOTSUPP,
					"This node cannot reload its configuration");

	r = nb->info.reload(nb->info.data, &message);
	if (r < 0) {
		vpdn_warn(vpdn_core_log(nb->core), "Reload refused: %s",
			  message ? message : strerror(-r));
		/* Whatever the module's reason: the config is what is refused. */
		vpdn_dbus_errorf(error, -EINVAL, "%s", message ? message : strerror(-r));
		g_free(message);
		return -EINVAL;
	}
	g_free(message);
	vpdn_info(vpdn_core_log(nb->core), "Configuration reloaded over D-Bus");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_set_debug(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	struct vpdn_log *log = vpdn_core_log(nb->core);
	const char *category;
	int enabled, cat, r;

	r = sd_bus_message_read(m, "sb", &category, &enabled);
	if (r < 0)
		return r;
	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;

	cat = vpdn_debug_parse(category);
	if (cat < 0)
		return vpdn_dbus_errorf(error, -EINVAL, "Unknown debug category '%s'", category);
	if (cat == VPDN_DEBUG__COUNT) {
		for (int c = 0; c < VPDN_DEBUG__COUNT; c++)
			vpdn_log_set_debug(log, c, enabled);
	} else {
		vpdn_log_set_debug(log, cat, enabled);
	}
	vpdn_info(log, "Debugging %s %s", cat == VPDN_DEBUG__COUNT ? "all" : vpdn_debug_name(cat),
		  enabled ? "on" : "off");

	r = sd_bus_emit_properties_changed(sd_bus_message_get_bus(m), VPDN_DBUS_NODE_PATH,
					   VPDN_DBUS_NODE_IFACE, "DebugCategories", NULL);
	if (r < 0)
		vpdn_warn(log, "Failed to emit PropertiesChanged for DebugCategories: %s",
			  strerror(-r));
	return sd_bus_reply_method_return(m, NULL);
}

/* The node's named counters and gauges: (name, help, value) in
 * registration order. Names ending in "_total" are counters; others are
 * gauges and may carry Prometheus labels (l2tp_tunnels{state="est"}). */
static int method_get_metrics(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	sd_bus_message *reply = NULL;
	size_t n = vpdn_core_counter_count(nb->core);
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r < 0)
		return r;
	r = sd_bus_message_open_container(reply, 'a', "(sst)");
	for (size_t i = 0; r >= 0 && i < n; i++) {
		const struct vpdn_counter *c = vpdn_core_counter_at(nb->core, i);

		r = sd_bus_message_append(reply, "(sst)", c->name, c->help ? c->help : "",
					  c->value);
	}
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}


/* ---- Monitor: LogLine to the subscribed clients ---- */

static void log_sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	struct node_bus *nb = data;

	if (nb->in_sink || !nb->monitors)
		return;
	nb->in_sink = true;
	for (const char *dest = sd_bus_track_first(nb->monitors); dest;
	     dest = sd_bus_track_next(nb->monitors)) {
		sd_bus_message *sig = NULL;
		int r = sd_bus_message_new_signal(nb->bus, &sig, VPDN_DBUS_NODE_PATH,
						  VPDN_DBUS_NODE_IFACE, "LogLine");

		if (r >= 0)
			r = sd_bus_message_set_destination(sig, dest);
		if (r >= 0)
			r = sd_bus_message_append(sig, "sss", vpdn_log_level_name(level),
						  cat >= 0 && cat < VPDN_DEBUG__COUNT ?
							  vpdn_debug_name(cat) : "",
						  line);
		if (r >= 0)
			sd_bus_send(nb->bus, sig, NULL);
		sd_bus_message_unref(sig);
	}
	nb->in_sink = false;
}

static void monitors_update(struct node_bus *nb)
{
	struct vpdn_log *log = vpdn_core_log(nb->core);
	unsigned n = nb->monitors ? sd_bus_track_count(nb->monitors) : 0;

	if (n && !nb->sink_id)
		nb->sink_id = vpdn_log_add_sink(log, log_sink, nb);
	else if (!n && nb->sink_id) {
		vpdn_log_remove_sink(log, nb->sink_id);
		nb->sink_id = 0;
	}
}

/* The last monitor went away (unsubscribed or left the bus). */
static int monitors_empty(sd_bus_track *track, void *userdata)
{
	struct node_bus *nb = userdata;

	/* sd-bus calls this again and again while the empty track lives
	 * and the handler returns 0: drop it (Monitor makes a new one). */
	nb->monitors = sd_bus_track_unref(nb->monitors);
	monitors_update(nb);
	return 1;
}

static int property_monitors(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply,
			     void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;

	return sd_bus_message_append(reply, "u",
				     nb->monitors ? (uint32_t)sd_bus_track_count(nb->monitors) : 0);
}

static int method_monitor(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	int on, r;

	r = sd_bus_message_read(m, "b", &on);
	if (r < 0)
		return r;
	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	if (!nb->monitors) {
		r = sd_bus_track_new(nb->bus, &nb->monitors, monitors_empty, nb);
		if (r < 0)
			return vpdn_dbus_errorf(error, r, "Cannot track monitors: %s", strerror(-r));
	}
	if (on) {
		r = sd_bus_track_add_sender(nb->monitors, m);
		if (r < 0)
			return vpdn_dbus_errorf(error, r, "Cannot add the monitor: %s", strerror(-r));
	} else {
		sd_bus_track_remove_sender(nb->monitors, m);
	}
	monitors_update(nb);
	return sd_bus_reply_method_return(m, NULL);
}

/* The ended sessions, newest first (node-events.c keeps them): the table
 * size, how many ended since the start, the entries. */
static int method_get_vpdn_history(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	struct vpdn_history *h = vpdn_node_events_history(nb->core->events);
	sd_bus_message *reply = NULL;
	int r;

	r = sd_bus_message_new_method_return(m, &reply);
	if (r >= 0)
		r = sd_bus_message_append(reply, "ut", h ? vpdn_history_size(h) : 0,
					  h ? vpdn_history_total(h) : 0);
	if (r >= 0)
		r = sd_bus_message_open_container(reply, 'a', VPDN_SIG_HISTORY_ENTRY);
	for (const GList *l = h ? vpdn_history_entries(h) : NULL; r >= 0 && l; l = l->next)
		r = vpdn_node_events_append_entry(reply, l->data);
	if (r >= 0)
		r = sd_bus_message_close_container(reply);
	if (r >= 0)
		r = sd_bus_send(NULL, reply, NULL);
	sd_bus_message_unref(reply);
	return r;
}

static int property_restarts(sd_bus *bus, const char *path, const char *interface,
			     const char *property, sd_bus_message *reply,
			     void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;

	return sd_bus_message_append(reply, "u", vpdn_restart_count(nb->core));
}

static int property_restart_times(sd_bus *bus, const char *path, const char *interface,
				  const char *property, sd_bus_message *reply,
				  void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	const GArray *t = vpdn_restart_times(nb->core);

	return sd_bus_message_append_array(reply, 't', t->data, t->len * sizeof(uint64_t));
}

/* Restart in place: refused (nothing changes) when the node cannot;
 * otherwise the reply goes first, the node saves and execs after. */
static int restart_common(sd_bus_message *m, void *userdata, sd_bus_error *error,
			  bool fdstore)
{
	struct node_bus *nb = userdata;
	char *message = NULL;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	int (*fn)(void *, char **) = fdstore ? nb->info.restart_fdstore : nb->info.restart;

	if (!fn)
		return vpdn_dbus_errorf(error, -EOPNOTSUPP, "This node cannot restart in place");
	r = fn(nb->info.data, &message);
	if (r < 0) {
		vpdn_warn(vpdn_core_log(nb->core), "Restart refused: %s",
			  message ? message : strerror(-r));
		vpdn_dbus_errorf(error, r, "%s", message ? message : strerror(-r));
		g_free(message);
		return r;
	}
	g_free(message);
	vpdn_notice(vpdn_core_log(nb->core), "Restart in place%s requested over D-Bus",
		    fdstore ? " through the fd store" : "");
	return sd_bus_reply_method_return(m, NULL);
}

static int method_restart(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return restart_common(m, userdata, error, false);
}

static int method_restart_fdstore(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	return restart_common(m, userdata, error, true);
}

static int method_shutdown(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	vpdn_notice(vpdn_core_log(nb->core), "Shutdown requested over D-Bus");
	/* Reply first: the reply is flushed when the connection closes. */
	r = sd_bus_reply_method_return(m, NULL);
	vpdn_core_shutdown(nb->core);
	return r;
}

static const sd_bus_vtable node_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Version", "s", property_version, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Hostname", "s", property_hostname, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Modules", "a(sss)", property_modules, 0, 0),
	SD_BUS_PROPERTY("Uptime", "t", property_uptime, 0, 0),
	SD_BUS_PROPERTY("DebugCategories", "as", property_debug_categories, 0,
			SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
	SD_BUS_METHOD("Reload", "", "", method_reload, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("SetDebug", "sb", SD_BUS_PARAM(category) SD_BUS_PARAM(enabled),
				 "", , method_set_debug, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Shutdown", "", "", method_shutdown, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("Restart", "", "", method_restart, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD("RestartViaFdStore", "", "", method_restart_fdstore,
		      SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Restarts", "u", property_restarts, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("RestartTimes", "at", property_restart_times, 0,
			SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_METHOD_WITH_NAMES("GetMetrics", "", , "a(sst)", SD_BUS_PARAM(metrics),
				 method_get_metrics, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Monitors", "u", property_monitors, 0, 0),
	SD_BUS_METHOD_WITH_NAMES("Monitor", "b", SD_BUS_PARAM(on), "", , method_monitor,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_NAMES("LogLine", "sss",
				 SD_BUS_PARAM(level) SD_BUS_PARAM(category) SD_BUS_PARAM(line), 0),
	SD_BUS_METHOD_WITH_NAMES("GetVpdnHistory", "", , "uta" VPDN_SIG_HISTORY_ENTRY,
				 SD_BUS_PARAM(size) SD_BUS_PARAM(total) SD_BUS_PARAM(entries),
				 method_get_vpdn_history, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_SIGNAL_WITH_NAMES("TunnelUp", VPDN_SIG_TUNNEL_UP,
				 SD_BUS_PARAM(tunnel_id) SD_BUS_PARAM(peer_tunnel_id)
				 SD_BUS_PARAM(peer_name) SD_BUS_PARAM(peer_address)
				 SD_BUS_PARAM(group), 0),
	SD_BUS_SIGNAL_WITH_NAMES("TunnelDown", VPDN_SIG_TUNNEL_DOWN,
				 SD_BUS_PARAM(tunnel_id) SD_BUS_PARAM(peer_tunnel_id)
				 SD_BUS_PARAM(peer_name) SD_BUS_PARAM(peer_address)
				 SD_BUS_PARAM(group) SD_BUS_PARAM(duration)
				 SD_BUS_PARAM(ended_by) SD_BUS_PARAM(result) SD_BUS_PARAM(error)
				 SD_BUS_PARAM(cause) SD_BUS_PARAM(reason), 0),
	SD_BUS_SIGNAL_WITH_NAMES("SessionUp", VPDN_SIG_SESSION_UP,
				 SD_BUS_PARAM(tunnel_id) SD_BUS_PARAM(session_id)
				 SD_BUS_PARAM(peer_tunnel_id) SD_BUS_PARAM(peer_session_id)
				 SD_BUS_PARAM(direction) SD_BUS_PARAM(user) SD_BUS_PARAM(interface)
				 SD_BUS_PARAM(peer_name) SD_BUS_PARAM(peer_address), 0),
	SD_BUS_SIGNAL_WITH_NAMES("SessionDown", VPDN_SIG_SESSION_DOWN,
				 SD_BUS_PARAM(tunnel_id) SD_BUS_PARAM(session_id)
				 SD_BUS_PARAM(peer_tunnel_id) SD_BUS_PARAM(peer_session_id)
				 SD_BUS_PARAM(direction) SD_BUS_PARAM(user) SD_BUS_PARAM(interface)
				 SD_BUS_PARAM(peer_name) SD_BUS_PARAM(peer_address)
				 SD_BUS_PARAM(local_address) SD_BUS_PARAM(remote_address)
				 SD_BUS_PARAM(duration) SD_BUS_PARAM(ended_by) SD_BUS_PARAM(result)
				 SD_BUS_PARAM(error) SD_BUS_PARAM(q931_cause)
				 SD_BUS_PARAM(ppp_disconnect_code) SD_BUS_PARAM(ppp_protocol)
				 SD_BUS_PARAM(ppp_direction) SD_BUS_PARAM(cause)
				 SD_BUS_PARAM(reason), 0),
	SD_BUS_VTABLE_END
};

static int bus_connect(const char *spec, sd_bus **ret)
{
	sd_bus *bus = NULL;
	int r;

	if (!spec || strcmp(spec, "system") == 0)
		return sd_bus_open_system_with_description(ret, "vpdnd");
	if (strcmp(spec, "session") == 0 || strcmp(spec, "user") == 0)
		return sd_bus_open_user_with_description(ret, "vpdnd");

	r = sd_bus_new(&bus);
	if (r < 0)
		return r;
	r = sd_bus_set_description(bus, "vpdnd");
	if (r < 0)
		goto fail;
	r = sd_bus_set_address(bus, spec);
	if (r < 0)
		goto fail;
	r = sd_bus_set_bus_client(bus, 1);
	if (r < 0)
		goto fail;
	r = sd_bus_start(bus);
	if (r < 0)
		goto fail;
	*ret = bus;
	return 0;

fail:
	sd_bus_unref(bus);
	return r;
}

/* "unix:path=/x,guid=..;tcp:..." without the guid keys. */
static char *spec_without_guid(const char *spec)
{
	GString *out;
	char **addrs;

	if (!spec || !strchr(spec, ':'))
		return g_strdup(spec);
	out = g_string_new(NULL);
	addrs = g_strsplit(spec, ";", -1);
	for (char **a = addrs; *a; a++) {
		const char *colon = strchr(*a, ':');
		char **keys;
		bool first = true;

		if (a != addrs)
			g_string_append_c(out, ';');
		if (!colon) {
			g_string_append(out, *a);
			continue;
		}
		g_string_append_len(out, *a, colon - *a + 1);
		keys = g_strsplit(colon + 1, ",", -1);
		for (char **k = keys; *k; k++) {
			if (g_str_has_prefix(*k, "guid="))
				continue;
			if (!first)
				g_string_append_c(out, ',');
			g_string_append(out, *k);
			first = false;
		}
		g_strfreev(keys);
	}
	g_strfreev(addrs);
	return g_string_free(out, FALSE);
}

#define RETRY_FIRST_S 1
#define RETRY_MAX_S 60

static void connection_lost(sd_bus *bus, void *data);

/* Stop tracking monitors: they were clients on the lost connection. */
static void monitors_drop(struct node_bus *nb)
{
	if (nb->sink_id)
		vpdn_log_remove_sink(vpdn_core_log(nb->core), nb->sink_id);
	nb->sink_id = 0;
	nb->monitors = sd_bus_track_unref(nb->monitors);
}

/* What one connection holds. */
struct conn {
	sd_bus *bus;
	sd_bus_slot *node_slot, *manager_slot;
	GSource *source;
	sd_bus_slot *guard_slot;
};

/*
 * GetManagedObjects answers in one message holding every object: past
 * dbus-max-objects module objects it could pass the bus's message size
 * limit (32 MiB on dbus-daemon), and the bus would drop the node. Refused
 * then with LimitsExceeded (logged at most once a minute, counted). L2TP
 * tunnels and sessions are not managed objects and do not count.
 */
static int managed_objects_guard(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct node_bus *nb = userdata;
	size_t n;
	uint64_t now;

	if (!sd_bus_message_is_method_call(m, "org.freedesktop.DBus.ObjectManager",
					   "GetManagedObjects"))
		return 0;
	n = vpdn_dbus_registry_count(nb->core);
	if (n <= nb->core->dbus_max_objects)
		return 0;
	if (nb->c_refused)
		(*nb->c_refused)++;
	now = (uint64_t)(g_get_monotonic_time() / 1000);
	if (!nb->refused_logged_ms || now - nb->refused_logged_ms >= 60000) {
		nb->refused_logged_ms = now;
		vpdn_warn(vpdn_core_log(nb->core),
			  "D-Bus: GetManagedObjects refused: %zu objects, more than dbus-max-objects %u "
			  "(one reply could pass the bus's message size limit)",
			  n, nb->core->dbus_max_objects);
	}
	sd_bus_reply_method_errorf(m, vpdn_dbus_error_from_errno(-ENOBUFS),
				   "%zu objects: more than one reply may hold (dbus-max-objects %u); "
				   "read them by path or with the modules' list methods",
				   n, nb->core->dbus_max_objects);
	return 1;
}

static void conn_clear(struct conn *c)
{
	sd_bus_slot_unref(c->guard_slot);
	vpdn_dbus_glib_detach(c->source);
	sd_bus_slot_unref(c->node_slot);
	sd_bus_slot_unref(c->manager_slot);
	if (c->bus)
		sd_bus_flush_close_unref(c->bus);
	memset(c, 0, sizeof(*c));
}

/* Connect, export the node object, the ObjectManager and every module
 * object the core keeps (dbus-util.c's registry), take the name and join
 * the main loop. *what names the step that failed. */
static int conn_open(struct node_bus *nb, struct conn *c, const char **what)
{
	int r;

	memset(c, 0, sizeof(*c));
	*what = "connect to the bus";
	r = bus_connect(nb->lost ? nb->retry_spec : nb->spec, &c->bus);
	if (r < 0)
		goto fail;
	*what = "add the node object for";
	r = sd_bus_add_object_vtable(c->bus, &c->node_slot, VPDN_DBUS_NODE_PATH,
				     VPDN_DBUS_NODE_IFACE, node_vtable, nb);
	if (r < 0)
		goto fail;
	*what = "add the object manager for";
	r = sd_bus_add_object_manager(c->bus, &c->manager_slot, VPDN_DBUS_ROOT);
	if (r >= 0)
		r = sd_bus_add_filter(c->bus, &c->guard_slot, managed_objects_guard, nb);
	if (r < 0)
		goto fail;
	*what = "add the modules' objects for";
	r = vpdn_dbus_registry_attach(nb->core, c->bus);
	if (r < 0)
		goto fail;
	*what = "request the bus name";
	r = sd_bus_request_name(c->bus, nb->name, 0);
	if (r < 0)
		goto fail;
	*what = "attach to the main loop the bus of";
	c->source = vpdn_dbus_glib_attach(c->bus, NULL, connection_lost, nb);
	if (!c->source) {
		r = -errno;
		goto fail;
	}
	return 0;

fail:
	conn_clear(c);
	return r;
}

/* Take c as the node's connection; the old one is closed. */
static void conn_take(struct node_bus *nb, struct conn *c)
{
	struct conn old = { nb->bus, nb->node_slot, nb->manager_slot, nb->source, nb->guard_slot };

	nb->bus = c->bus;
	nb->node_slot = c->node_slot;
	nb->manager_slot = c->manager_slot;
	nb->source = c->source;
	nb->guard_slot = c->guard_slot;
	sd_bus_unref(nb->core->dbus);
	nb->core->dbus = sd_bus_ref(nb->bus);
	conn_clear(&old);
}

static gboolean retry_connect(gpointer data)
{
	struct node_bus *nb = data;
	struct vpdn_log *log = vpdn_core_log(nb->core);
	const char *what = NULL;
	struct conn c;
	int r;

	nb->retry_id = 0;
	r = conn_open(nb, &c, &what);
	if (r < 0) {
		nb->attempts++;
		(*nb->c_failed)++;
		nb->retry_s = MIN(nb->retry_s * 2, RETRY_MAX_S);
		vpdn_warn(log, "D-Bus: reconnect %u failed: cannot %s %s: %s; next try in %u s",
			  nb->attempts, what, nb->name, strerror(-r), nb->retry_s);
		nb->retry_id = g_timeout_add_seconds(nb->retry_s, retry_connect, nb);
		return G_SOURCE_REMOVE;
	}
	conn_take(nb, &c);
	nb->lost = false;
	nb->core->dbus_lost = false;
	(*nb->c_reconnected)++;
	vpdn_notice(log, "D-Bus: connection re-established (%s, %zu module objects) after %u "
		    "failed tries", nb->name, vpdn_dbus_registry_count(nb->core), nb->attempts);
	nb->attempts = 0;
	nb->retry_s = RETRY_FIRST_S;
	return G_SOURCE_REMOVE;
}

/* From the bus source, once per connection: the daemon closed it (it went
 * away, or dropped us). The node keeps running; a new connection is made
 * with exponential backoff. */
static void connection_lost(sd_bus *bus, void *data)
{
	struct node_bus *nb = data;

	if (nb->lost || bus != nb->bus)
		return;
	nb->lost = true;
	nb->core->dbus_lost = true;
	(*nb->c_lost)++;
	monitors_drop(nb);
	/* The parts leave the dead connection (it is freed when the new one
	 * is taken). */
	vpdn_dbus_registry_attach(nb->core, NULL);
	nb->retry_s = RETRY_FIRST_S;
	nb->attempts = 0;
	vpdn_warn(vpdn_core_log(nb->core),
		  "D-Bus: connection lost (%s); the node keeps running, reconnecting in %u s",
		  nb->name, nb->retry_s);
	if (!nb->retry_id)
		nb->retry_id = g_timeout_add_seconds(nb->retry_s, retry_connect, nb);
}

static void node_bus_free(struct node_bus *nb)
{
	struct conn c;

	if (!nb)
		return;
	if (nb->retry_id)
		g_source_remove(nb->retry_id);
	monitors_drop(nb);
	c = (struct conn){ nb->bus, nb->node_slot, nb->manager_slot, nb->source, nb->guard_slot };
	conn_clear(&c);
	g_free(nb->spec);
	g_free(nb->retry_spec);
	g_free(nb);
}

int vpdn_node_bus_open(struct vpdn_core *core, const char *bus_spec,
		       const struct vpdn_node_info *info)
{
	struct vpdn_log *log = vpdn_core_log(core);
	struct node_bus *nb;
	const char *what = NULL;
	struct conn c;
	int r;

	if (!core)
		return -EINVAL;
	if (node_bus_get(core))
		return -EALREADY;

	nb = g_new0(struct node_bus, 1);
	nb->core = core;
	if (info)
		nb->info = *info;
	nb->spec = g_strdup(bus_spec);
	nb->retry_spec = spec_without_guid(bus_spec);
	nb->retry_s = RETRY_FIRST_S;
	vpdn_dbus_node_name(vpdn_core_hostname(core), nb->name, sizeof(nb->name));

	r = conn_open(nb, &c, &what);
	if (r < 0)
		goto fail;
	conn_take(nb, &c);
	nb->c_lost = vpdn_core_counter(core, "dbus_connection_lost_total",
				       "Times the node's D-Bus connection was lost");
	nb->c_reconnected = vpdn_core_counter(core, "dbus_reconnects_total",
					      "Times a lost D-Bus connection was made again");
	nb->c_failed = vpdn_core_counter(core, "dbus_reconnect_failures_total",
					 "Failed tries to make a lost D-Bus connection again");
	nb->c_refused = vpdn_core_counter(core, "dbus_managed_objects_refused_total",
					  "GetManagedObjects refused: more objects than dbus-max-objects");

	if (!node_buses)
		node_buses = g_hash_table_new(g_direct_hash, g_direct_equal);
	g_hash_table_insert(node_buses, core, nb);
	if (!bus_spec || strcmp(bus_spec, "system") == 0 || strcmp(bus_spec, "session") == 0)
		vpdn_info(log, "D-Bus: %s on the %s bus", nb->name, bus_spec ? bus_spec : "system");
	else
		vpdn_info(log, "D-Bus: %s on bus %s", nb->name, bus_spec);
	return 0;

fail:
	if (r == -EEXIST)
		vpdn_err(log, "Failed to %s %s: another node already owns it", what, nb->name);
	else
		vpdn_err(log, "Failed to %s %s: %s", what,
			 strcmp(what, "connect to the bus") == 0 ? (bus_spec ? bus_spec : "system")
								 : nb->name,
			 strerror(-r));
	node_bus_free(nb);
	return r;
}

void vpdn_node_bus_close(struct vpdn_core *core)
{
	struct node_bus *nb = node_bus_get(core);

	if (!nb)
		return;
	g_hash_table_remove(node_buses, core);
	if (g_hash_table_size(node_buses) == 0)
		g_clear_pointer(&node_buses, g_hash_table_unref);
	if (nb->bus && !nb->lost)
		sd_bus_release_name(nb->bus, nb->name);
	vpdn_dbus_registry_free(core);
	core->dbus = sd_bus_unref(core->dbus);
	core->dbus_lost = false;
	node_bus_free(nb);
}
