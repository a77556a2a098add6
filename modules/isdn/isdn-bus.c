/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the isdn module: one per port at /org/vpdnd/isdn/<name>
 * (characters other than letters, digits and '_' become '_': "E1 0" ->
 * E1_0), one class: a fallback vtable under /org/vpdnd/isdn whose find
 * callback looks the port up by its path, and an enumerator listing the
 * ports for GetManagedObjects. Ports hold no sd_bus_slot. Serial lines
 * (the line module) live under the same prefix with the same interface.
 *
 * org.vpdnd.IsdnPort1 (every port; lines too, see modules/line/line-bus.c):
 *   Name s         "E1 0", "BRI 0", "tty0"
 *   Type s         "PRI" (E1), "T1", "BRI", "line"
 *   SwitchType s   "primary-net5"; "none" for lines
 *   Interface s    D channel ("Serial0:15") or the line's config interface
 *   Numbers as     the port's numbers (a line: the number it presents)
 *   Layer1 s       "ACTIVE" (network reached / line open) or "DEACTIVATED"
 *   Layer2 s       "MULTIPLE_FRAME_ESTABLISHED" (registered / a caller is
 *                  on the line), "TEI_ASSIGNED" (connected, not registered;
 *                  line open and idle) or "TEI_UNASSIGNED"
 *   Channels a(ssssu)  per B channel: name, "idle"/"busy"/"active", call id
 *                  ("0x011B" or ""), remote number, seconds up
 *   Calls a(ssssssu)   per call: call id, "In"/"Out", calling, called,
 *                  remote name (PPP user, if known), channel, seconds up
 *   ActiveCalls u, FreeChannels u
 * Channels, Calls, ActiveCalls and FreeChannels are announced with
 * PropertiesChanged (invalidated) whenever a call connects or clears.
 *
 * /org/vpdnd/module/isdn, org.vpdnd.Isdn1: HangUp(u call_id) (privileged:
 * clear a call, cause 16; InvalidArgs when there is no such call),
 * StartCapture(s path, s port) and StopCapture() -> t packets (privileged:
 * a pcap, LINKTYPE_PPP, of the PPP frames of a port or B channel; see
 * capture.h), ActiveCalls u, Capturing b. HangUp clears any call of the
 * node (CALL_HANGUP on the event bus: a serial line's too).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "isdn-private.h"

#define PORT_IFACE "org.vpdnd.IsdnPort1"
#define ISDN_PATH VPDN_DBUS_ROOT "/isdn"

static const char *port_type(const struct isdn_port *p)
{
	switch (p->type) {
	case ISDN_PORT_E1: return "PRI";
	case ISDN_PORT_T1: return "T1";
	case ISDN_PORT_BRI: return "BRI";
	}
	return "unknown";
}

static uint64_t call_seconds(const struct isdn_call *c)
{
	return c->active ? (vpdn_timers_now(c->is->tm) - c->active_at) / 1000 : 0;
}

/* The live call on a B channel: a lookup, not a walk over every call (a
 * LAC with 60 000 calls answers this per channel of a port). */
static const struct isdn_call *call_on(struct isdn *is, const struct isdn_port *p, int ch)
{
	const struct isdn_call *c = isdn_call_on(is, p, ch);

	return c && !c->released ? c : NULL;
}

/* The port an object path names (ISDN_PATH/<escaped name>), or NULL. */
static struct isdn_port *port_of(struct isdn *is, const char *path)
{
	size_t n = strlen(ISDN_PATH);

	if (!is->port_paths || strncmp(path, ISDN_PATH "/", n + 1) != 0)
		return NULL;
	return g_hash_table_lookup(is->port_paths, path + n + 1);
}

static int append_channels(sd_bus_message *reply, struct isdn *is, const struct isdn_port *p)
{
	char id[16];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssu)");

	for (int ch = 0; ch < 32 && r >= 0; ch++) {
		char name[24], sname[24];
		const struct isdn_call *c;
		if (!(p->channels & (1u << ch)))
			continue;
		isdn_port_channel_name(p, ch, name, sizeof(name), sname, sizeof(sname));
		c = call_on(is, p, ch);
		if (c)
			snprintf(id, sizeof(id), "0x%04X", c->call_id);
		r = sd_bus_message_append(reply, "(ssssu)", name,
					  !c ? "idle" : c->active ? "active" : "busy",
					  c ? id : "",
					  !c ? "" : c->dir == VPDN_CALL_IN ? c->calling
					  : isdn_call_called(c),
					  c ? (uint32_t)call_seconds(c) : 0);
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int append_calls(sd_bus_message *reply, struct isdn *is, const struct isdn_port *p)
{
	char id[16], chan[ISDN_CHAN_NAME_MAX];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssssu)");

	for (int ch = 0; ch < 32 && r >= 0; ch++) { /* the port's calls, by channel */
		const struct isdn_call *c = call_on(is, p, ch);
		if (!c)
			continue;
		snprintf(id, sizeof(id), "0x%04X", c->call_id);
		r = sd_bus_message_append(reply, "(ssssssu)", id,
					  c->dir == VPDN_CALL_IN ? "In" : "Out", c->calling,
					  c->dir == VPDN_CALL_IN
					  ? isdn_port_dnis(c->port, isdn_call_called(c))
					  : isdn_call_called(c),
					  c->remote_name ? c->remote_name : "",
					  isdn_call_channel(c, chan),
					  (uint32_t)call_seconds(c));
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static unsigned active_calls(struct isdn *is, const struct isdn_port *p)
{
	unsigned n = 0;

	for (int ch = 0; ch < 32; ch++) {
		const struct isdn_call *c = call_on(is, p, ch);
		n += c && c->active;
	}
	return n;
}

static int append_numbers(sd_bus_message *reply, const struct isdn_port *p)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	for (unsigned i = 0; r >= 0 && i < p->n_numbers; i++)
		r = sd_bus_message_append(reply, "s", p->numbers[i]);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static const char *layer1(const struct isdn *is, const struct isdn_port *p)
{
	return is->stream ? "ACTIVE" : "DEACTIVATED";
}

static const char *layer2(const struct isdn *is, const struct isdn_port *p)
{
	return !is->stream ? "TEI_UNASSIGNED" : p->registered ? "MULTIPLE_FRAME_ESTABLISHED"
							      : "TEI_ASSIGNED";
}

/* The properties, by table: one sd-bus getter each. userdata: the module
 * (what port_find found); the port is the path's. */
#define GETTER(fn, expr) \
	static int fn(sd_bus *bus, const char *path, const char *interface, \
		      const char *property, sd_bus_message *m, void *userdata, \
		      sd_bus_error *error) \
	{ \
		struct isdn *is = userdata; \
		const struct isdn_port *p = port_of(is, path); \
		if (!p) \
			return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, \
						 "no property %s", property); \
		return expr; \
	}

GETTER(get_name, sd_bus_message_append(m, "s", p->name))
GETTER(get_type, sd_bus_message_append(m, "s", port_type(p)))
GETTER(get_switch_type, sd_bus_message_append(m, "s", is->switch_type))
GETTER(get_interface, sd_bus_message_append(m, "s", p->dchan))
GETTER(get_numbers, append_numbers(m, p))
GETTER(get_layer1, sd_bus_message_append(m, "s", layer1(is, p)))
GETTER(get_layer2, sd_bus_message_append(m, "s", layer2(is, p)))
GETTER(get_channels, append_channels(m, is, p))
GETTER(get_calls, append_calls(m, is, p))
GETTER(get_active_calls, sd_bus_message_append(m, "u", active_calls(is, p)))
GETTER(get_free_channels, sd_bus_message_append(m, "u", isdn_port_free_count(p)))
#undef GETTER

#define P(name, sig, get, flags) SD_BUS_PROPERTY(name, sig, get, 0, flags)
static const sd_bus_vtable port_vtable[] = {
	SD_BUS_VTABLE_START(0),
	P("Name", "s", get_name, SD_BUS_VTABLE_PROPERTY_CONST),
	P("Type", "s", get_type, SD_BUS_VTABLE_PROPERTY_CONST),
	P("SwitchType", "s", get_switch_type, SD_BUS_VTABLE_PROPERTY_CONST),
	P("Interface", "s", get_interface, SD_BUS_VTABLE_PROPERTY_CONST),
	P("Numbers", "as", get_numbers, SD_BUS_VTABLE_PROPERTY_CONST),
	P("Layer1", "s", get_layer1, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Layer2", "s", get_layer2, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Channels", "a(ssssu)", get_channels, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Calls", "a(ssssssu)", get_calls, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("ActiveCalls", "u", get_active_calls, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("FreeChannels", "u", get_free_channels, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};
#undef P

/* The class: ports found by path, listed by the enumerator. */

static void object_path(const char *name, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "%s/", ISDN_PATH);

	for (const char *s = name; *s && n + 1 < size; s++)
		out[n++] = g_ascii_isalnum(*s) ? *s : '_';
	out[n] = '\0';
}

static int port_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		     void **found, sd_bus_error *error)
{
	struct isdn *is = userdata;

	if (!port_of(is, path))
		return 0;
	*found = is;
	return 1;
}

static int port_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***nodes,
			  sd_bus_error *error)
{
	struct isdn *is = userdata;
	char **v = g_new0(char *, is->ports->len + 1);
	size_t n = 0;

	/* sd-bus frees the array and its strings with free(): g_malloc is
	 * malloc. An object is listed below prefix, not at it: sd-bus would
	 * take the object as known at this prefix (introspection would
	 * stop there, before a line's vtables: modules/line/line-bus.c). */
	for (guint i = 0; i < is->ports->len; i++) {
		char path[96];
		object_path(((struct isdn_port *)g_ptr_array_index(is->ports, i))->name, path, sizeof(path));
		if (strcmp(path, prefix) == 0)
			continue;
		v[n] = strdup(path);
		if (!v[n]) {
			g_strfreev(v);
			return -ENOMEM;
		}
		n++;
	}
	*nodes = v;
	return 0;
}

/* Every port's ObjectAdded (added) or ObjectRemoved. */
static void announce(struct isdn *is, bool added)
{
	sd_bus *bus = vpdn_core_dbus(is->core);

	for (guint i = 0; bus && is->module_slot && i < is->ports->len; i++) {
		char path[96];
		object_path(((struct isdn_port *)g_ptr_array_index(is->ports, i))->name, path,
			    sizeof(path));
		if (added)
			sd_bus_emit_object_added(bus, path);
		else
			sd_bus_emit_object_removed(bus, path);
	}
}

/* ---- /org/vpdnd/module/isdn: org.vpdnd.Isdn1 ---- */

#define ISDN_IFACE "org.vpdnd.Isdn1"

static int method_hangup(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct isdn *is = userdata;
	struct vpdn_ev_call_hangup ev = { .size = sizeof(ev), .cause = VPDN_CAUSE_NORMAL_CLEARING };
	int r;

	r = sd_bus_message_read(m, "u", &ev.call_id);
	if (r < 0)
		return r;
	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	if (ev.call_id == 0)
		return vpdn_dbus_errorf(error, -EINVAL, "Call id 0 is not a call");
	r = vpdn_bus_publish(is->bus, VPDN_EV_CALL_HANGUP, &ev);
	if (r != 1)
		return vpdn_dbus_errorf(error, -ENOENT, "No call 0x%04X on this node", ev.call_id);
	vpdn_info(is->log, "ISDN: call 0x%04X hung up over D-Bus", ev.call_id);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_start_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct isdn *is = userdata;
	const char *path, *port;
	char *msg = NULL;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "ss", &path, &port);
	if (r < 0)
		return r;
	r = isdn_capture_start(is, path, port, &msg);
	r = vpdn_dbus_reply_capture_start(m, error, r, msg, is->cap_path);
	g_free(msg);
	return r;
}

static int method_stop_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct isdn *is = userdata;
	uint64_t packets = 0;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = isdn_capture_stop(is, &packets);
	return vpdn_dbus_reply_capture_stop(m, error, r, packets);
}

static int module_active_calls(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	struct isdn *is = userdata;

	return sd_bus_message_append(reply, "u", (uint32_t)g_hash_table_size(is->calls));
}

static int module_capturing(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	struct isdn *is = userdata;

	return sd_bus_message_append(reply, "b", is->cap != NULL);
}

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("HangUp", "u", SD_BUS_PARAM(call_id), "", , method_hangup,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StartCapture", "ss", SD_BUS_PARAM(path) SD_BUS_PARAM(port),
				 "s", SD_BUS_PARAM(file), method_start_capture,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StopCapture", "", , "t", SD_BUS_PARAM(packets),
				 method_stop_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("ActiveCalls", "u", module_active_calls, 0, 0),
	SD_BUS_PROPERTY("Capturing", "b", module_capturing, 0, 0),
	SD_BUS_VTABLE_END
};

/* A call connected or cleared: its port's call lists changed; other
 * ports' did not (one signal, not one per port of a big LAC). A serial
 * line's calls are the line module's. */
static enum vpdn_bus_verdict on_call_change(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call *call = ev->payload;
	const struct isdn_port *p = call && call->port ? g_hash_table_lookup(is->port_names, call->port)
						       : NULL;
	char path[96];

	if (!p || strcmp(p->name, call->port) != 0 || !is->module_slot)
		return VPDN_BUS_PASS;
	object_path(p->name, path, sizeof(path));
	sd_bus_emit_properties_changed(vpdn_core_dbus(is->core), path, PORT_IFACE, "Channels",
				       "Calls", "ActiveCalls", "FreeChannels", NULL);
	return VPDN_BUS_PASS;
}

int isdn_bus_register(struct isdn *is)
{
	static const uint32_t types[] = { VPDN_EV_CALL_CONNECTED, VPDN_EV_CALL_CLEARED,
					  VPDN_EV_CALL_INCOMING };
	int r;

	if (!vpdn_core_dbus(is->core) || is->module_slot)
		return 0;
	is->port_paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < is->ports->len; i++) {
		struct isdn_port *p = g_ptr_array_index(is->ports, i);
		char path[96];
		object_path(p->name, path, sizeof(path));
		g_hash_table_replace(is->port_paths, g_strdup(path + strlen(ISDN_PATH) + 1), p);
	}
	r = vpdn_dbus_add_module_object(is->core, "isdn", ISDN_IFACE, module_vtable, is,
					&is->module_slot);
	if (r >= 0 && is->module_slot)
		r = vpdn_dbus_slot_add_fallback(is->module_slot, ISDN_PATH, PORT_IFACE, port_vtable,
						port_find, is);
	if (r >= 0 && is->module_slot)
		r = vpdn_dbus_slot_add_enumerator(is->module_slot, ISDN_PATH, port_enumerate, is);
	if (r < 0) {
		vpdn_warn(is->log, "ISDN: Failed to add the module's D-Bus objects: %s", g_strerror(-r));
		is->module_slot = sd_bus_slot_unref(is->module_slot);
		return r;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
		is->bus_subs[i] = vpdn_bus_subscribe_prio(is->bus, types[i], 1000, on_call_change, is);
	announce(is, true);
	return 0;
}

void isdn_bus_unregister(struct isdn *is)
{
	for (size_t i = 0; i < G_N_ELEMENTS(is->bus_subs); i++)
		if (is->bus_subs[i]) {
			vpdn_bus_unsubscribe(is->bus, is->bus_subs[i]);
			is->bus_subs[i] = NULL;
		}
	announce(is, false);
	is->module_slot = sd_bus_slot_unref(is->module_slot);
	g_clear_pointer(&is->port_paths, g_hash_table_destroy);
}
