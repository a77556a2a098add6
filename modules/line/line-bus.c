/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the line module: one per line at /org/vpdnd/isdn/<name>
 * (as an ISDN port's; characters other than letters, digits and '_'
 * become '_'), one class: fallback vtables whose find callback looks the
 * line up by its path, and an enumerator listing the lines for
 * GetManagedObjects. Lines hold no sd_bus_slot.
 *
 * org.vpdnd.IsdnPort1 (as a port, see modules/isdn/isdn-bus.c): Name s
 *   (the line's), Type s "line", SwitchType s "none", Interface s (its
 *   config interface), Numbers as (the number it presents), Layer1 s
 *   ("ACTIVE" while open), Layer2 s ("MULTIPLE_FRAME_ESTABLISHED" with a
 *   caller on the line, "TEI_ASSIGNED" open and idle, "TEI_UNASSIGNED"),
 *   Channels a(ssssu) (the line itself), Calls a(ssssssu), ActiveCalls u,
 *   FreeChannels u.
 * org.vpdnd.IsdnLine1:
 *   Kind s ("device", "pty", "listen", "connect"), Device s (path or pty
 *   slave), Speed u, State s, SendAccm u, RecvAccm u, Calls t, RxFrames t,
 *   BadFcs t, Aborts t, Runts t, TooLong t, TxFrames t, TxDrops t
 * Channels, Calls, ActiveCalls and FreeChannels are announced with
 * PropertiesChanged (invalidated) whenever a call connects or clears.
 *
 * sd-bus keeps one vtable per (prefix, interface, member): while the isdn
 * module holds org.vpdnd.IsdnPort1 under /org/vpdnd/isdn, the lines'
 * vtables are registered one level up, under /org/vpdnd, and their find
 * answers only /org/vpdnd/isdn/<line> (sd-bus tries the longer prefix
 * first, whose find does not know the line, then this one). Both of a
 * line's interfaces sit on that one prefix, since sd-bus introspects an
 * object from the first prefix that knows it.
 *
 * /org/vpdnd/module/line, org.vpdnd.Line1: HangUp(u call_id) (privileged;
 * any call of the node, as org.vpdnd.Isdn1.HangUp), StartCapture(s path,
 * s line) and StopCapture() -> t packets (privileged: a pcap,
 * LINKTYPE_PPP, of a line's PPP frames), ActiveCalls u, Capturing b.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "line-module.h"

#define PORT_IFACE "org.vpdnd.IsdnPort1"
#define LINE_IFACE "org.vpdnd.IsdnLine1"
#define MODULE_IFACE "org.vpdnd.Line1"
#define ISDN_PATH VPDN_DBUS_ROOT "/isdn"

/* The line an object path names (ISDN_PATH/<escaped name>), or NULL. */
static struct line *line_of(struct line_module *lm, const char *path)
{
	size_t n = strlen(ISDN_PATH);

	if (!lm->line_paths || strncmp(path, ISDN_PATH "/", n + 1) != 0)
		return NULL;
	return g_hash_table_lookup(lm->line_paths, path + n + 1);
}

static int append_channels(sd_bus_message *reply, const struct line_info *li)
{
	char id[16];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssu)");

	if (r < 0)
		return r;
	snprintf(id, sizeof(id), "0x%04X", li->call_id);
	r = sd_bus_message_append(reply, "(ssssu)", li->name,
				  li->state == LINE_ACTIVE ? "active" :
				  li->state == LINE_RINGING ? "busy" : "idle",
				  li->call_id ? id : "",
				  !li->call_id ? "" : li->outgoing ? (li->dialled ? li->dialled : "")
				  : li->number ? li->number : "",
				  (uint32_t)li->seconds);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int append_calls(sd_bus_message *reply, const struct line_info *li)
{
	char id[16];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssssu)");

	if (r < 0)
		return r;
	snprintf(id, sizeof(id), "0x%04X", li->call_id);
	if (li->call_id)
		r = sd_bus_message_append(reply, "(ssssssu)", id, li->outgoing ? "Out" : "In",
					  li->outgoing ? "" : li->number ? li->number : "",
					  li->outgoing ? (li->dialled ? li->dialled : "")
						       : li->called ? li->called : "",
					  li->remote_name ? li->remote_name : "", li->name,
					  (uint32_t)li->seconds);
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int append_numbers(sd_bus_message *reply, const struct line_info *li)
{
	int r = sd_bus_message_open_container(reply, 'a', "s");

	if (li->number && r >= 0)
		r = sd_bus_message_append(reply, "s", li->number);
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

/* The line of a getter's path and its info: 0, or an error (the find
 * callbacks checked the path: not reached). */
static int line_at(struct line_module *lm, const char *path, struct line **l,
		   struct line_info *li, sd_bus_error *error)
{
	*l = line_of(lm, path);
	if (!*l)
		return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_OBJECT, "no line %s", path);
	line_get_info(*l, li);
	return 0;
}

/* The properties, by table: one sd-bus getter each, from the line's info.
 * userdata: the module (what the find callbacks found); the line is the
 * path's. */
#define GETTER_EXPR(fn, expr) \
	static int fn(sd_bus *bus, const char *path, const char *interface, \
		      const char *property, sd_bus_message *m, void *userdata, \
		      sd_bus_error *error) \
	{ \
		struct line_info info, *li = &info; \
		struct line *l; \
		int r = line_at(userdata, path, &l, li, error); \
		(void)l; \
		return r < 0 ? r : (expr); \
	}
#define GETTER(fn, sig, expr) GETTER_EXPR(fn, sd_bus_message_append(m, sig, expr))

/* IsdnPort1 */
GETTER(get_name, "s", li->name)
GETTER(get_type, "s", "line")
GETTER(get_switch_type, "s", "none")
GETTER(get_interface, "s", li->interface)
GETTER_EXPR(get_numbers, append_numbers(m, li))
GETTER(get_layer1, "s", li->open ? "ACTIVE" : "DEACTIVATED")
GETTER(get_layer2, "s", !li->open ? "TEI_UNASSIGNED" :
       li->call_id ? "MULTIPLE_FRAME_ESTABLISHED" : "TEI_ASSIGNED")
GETTER_EXPR(get_channels, append_channels(m, li))
GETTER_EXPR(get_calls, append_calls(m, li))
GETTER(get_active_calls, "u", (uint32_t)(li->state == LINE_ACTIVE))
/* an idle dial-out connect line is unconnected (layer 1 down) yet free to dial */
GETTER(get_free_channels, "u", (uint32_t)(li->call_id == 0 && (li->open || line_can_dial(l))))
/* IsdnLine1 */
GETTER(get_kind, "s", line_kind_name(li->kind))
GETTER(get_device, "s", li->slave ? li->slave : li->path ? li->path : "")
GETTER(get_speed, "u", li->speed)
GETTER(get_state, "s", line_state_name(li->state))
GETTER(get_send_accm, "u", li->send_accm)
GETTER(get_recv_accm, "u", li->recv_accm)
GETTER(get_calls_count, "t", li->calls)
GETTER(get_rx_frames, "t", li->rx->frames)
GETTER(get_bad_fcs, "t", li->rx->bad_fcs)
GETTER(get_aborts, "t", li->rx->aborts)
GETTER(get_runts, "t", li->rx->runts)
GETTER(get_too_long, "t", li->rx->too_long)
GETTER(get_tx_frames, "t", li->tx_frames)
GETTER(get_tx_drops, "t", li->tx_drops)
#undef GETTER
#undef GETTER_EXPR

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

#define L(name, sig, get, flags) SD_BUS_PROPERTY(name, sig, get, 0, flags)
static const sd_bus_vtable line_vtable[] = {
	SD_BUS_VTABLE_START(0),
	L("Kind", "s", get_kind, SD_BUS_VTABLE_PROPERTY_CONST),
	L("Device", "s", get_device, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Speed", "u", get_speed, SD_BUS_VTABLE_PROPERTY_CONST),
	L("State", "s", get_state, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("SendAccm", "u", get_send_accm, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("RecvAccm", "u", get_recv_accm, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Calls", "t", get_calls_count, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("RxFrames", "t", get_rx_frames, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("BadFcs", "t", get_bad_fcs, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Aborts", "t", get_aborts, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Runts", "t", get_runts, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TooLong", "t", get_too_long, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TxFrames", "t", get_tx_frames, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TxDrops", "t", get_tx_drops, SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};
#undef L

/* ---- the class: lines found by path, listed by the enumerator ---- */

static void object_path(const char *name, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "%s/", ISDN_PATH);

	for (const char *s = name; *s && n + 1 < size; s++)
		out[n++] = g_ascii_isalnum(*s) ? *s : '_';
	out[n] = '\0';
}

static const char *name_of(const struct line *l)
{
	struct line_info li;

	line_get_info(l, &li);
	return li.name;
}

static int line_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		     void **found, sd_bus_error *error)
{
	if (!line_of(userdata, path))
		return 0;
	*found = userdata;
	return 1;
}

static int line_enumerate(sd_bus *bus, const char *prefix, void *userdata, char ***nodes,
			  sd_bus_error *error)
{
	struct line_module *lm = userdata;
	char **v = g_new0(char *, lm->lines->len + 1);
	size_t n = 0;

	/* sd-bus frees the array and its strings with free(): g_malloc is
	 * malloc. An object is listed below prefix, not at it: sd-bus would
	 * take the object as known at this prefix (introspection would
	 * stop there, before a line's vtables: modules/line/line-bus.c). */
	for (guint i = 0; i < lm->lines->len; i++) {
		char path[96];
		object_path(name_of(g_ptr_array_index(lm->lines, i)), path, sizeof(path));
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

/* Every line's ObjectAdded (added) or ObjectRemoved. */
static void announce(struct line_module *lm, bool added)
{
	sd_bus *bus = vpdn_core_dbus(lm->core);

	for (guint i = 0; bus && lm->module_slot && i < lm->lines->len; i++) {
		char path[96];
		object_path(name_of(g_ptr_array_index(lm->lines, i)), path, sizeof(path));
		if (added)
			sd_bus_emit_object_added(bus, path);
		else
			sd_bus_emit_object_removed(bus, path);
	}
}

/* ---- /org/vpdnd/module/line: org.vpdnd.Line1 ---- */

static int method_hangup(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct line_module *lm = userdata;
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
	r = vpdn_bus_publish(lm->bus, VPDN_EV_CALL_HANGUP, &ev);
	if (r != 1)
		return vpdn_dbus_errorf(error, -ENOENT, "No call 0x%04X on this node", ev.call_id);
	vpdn_info(lm->log, "ISDN: call 0x%04X hung up over D-Bus", ev.call_id);
	return sd_bus_reply_method_return(m, NULL);
}

static int method_start_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct line_module *lm = userdata;
	const char *path, *line;
	char *msg = NULL;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = sd_bus_message_read(m, "ss", &path, &line);
	if (r < 0)
		return r;
	r = line_capture_start(lm, path, line, &msg);
	r = vpdn_dbus_reply_capture_start(m, error, r, msg, lm->cap_path);
	g_free(msg);
	return r;
}

static int method_stop_capture(sd_bus_message *m, void *userdata, sd_bus_error *error)
{
	struct line_module *lm = userdata;
	uint64_t packets = 0;
	int r;

	r = vpdn_dbus_check_privileged(m, error);
	if (r < 0)
		return r;
	r = line_capture_stop(lm, &packets);
	return vpdn_dbus_reply_capture_stop(m, error, r, packets);
}

static int module_active_calls(sd_bus *bus, const char *path, const char *interface,
			       const char *property, sd_bus_message *reply, void *userdata,
			       sd_bus_error *error)
{
	struct line_module *lm = userdata;
	uint32_t n = 0;

	for (guint i = 0; i < lm->lines->len; i++) {
		struct line_info li;
		line_get_info(g_ptr_array_index(lm->lines, i), &li);
		n += li.call_id != 0;
	}
	return sd_bus_message_append(reply, "u", n);
}

static int module_capturing(sd_bus *bus, const char *path, const char *interface,
			    const char *property, sd_bus_message *reply, void *userdata,
			    sd_bus_error *error)
{
	struct line_module *lm = userdata;

	return sd_bus_message_append(reply, "b", lm->cap != NULL);
}

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_NAMES("HangUp", "u", SD_BUS_PARAM(call_id), "", , method_hangup,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StartCapture", "ss", SD_BUS_PARAM(path) SD_BUS_PARAM(line),
				 "s", SD_BUS_PARAM(file), method_start_capture,
				 SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_NAMES("StopCapture", "", , "t", SD_BUS_PARAM(packets),
				 method_stop_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("ActiveCalls", "u", module_active_calls, 0, 0),
	SD_BUS_PROPERTY("Capturing", "b", module_capturing, 0, 0),
	SD_BUS_VTABLE_END
};

/* A call connected or cleared: its line's call lists changed. */
static enum vpdn_bus_verdict on_call_change(const struct vpdn_event *ev, void *data)
{
	struct line_module *lm = data;
	const struct vpdn_ev_call *call = ev->payload;
	char path[96];

	if (!call || !call->port || !lm->module_slot || !line_module_find(lm, call->port))
		return VPDN_BUS_PASS;
	object_path(call->port, path, sizeof(path));
	sd_bus_emit_properties_changed(vpdn_core_dbus(lm->core), path, PORT_IFACE, "Channels",
				       "Calls", "ActiveCalls", "FreeChannels", NULL);
	return VPDN_BUS_PASS;
}

int line_bus_register(struct line_module *lm)
{
	static const uint32_t types[] = { VPDN_EV_CALL_CONNECTED, VPDN_EV_CALL_CLEARED,
					  VPDN_EV_CALL_INCOMING };
	int r;

	if (!vpdn_core_dbus(lm->core) || lm->module_slot)
		return 0;
	lm->line_paths = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (guint i = 0; i < lm->lines->len; i++) {
		struct line *l = g_ptr_array_index(lm->lines, i);
		char path[96];
		object_path(name_of(l), path, sizeof(path));
		g_hash_table_replace(lm->line_paths, g_strdup(path + strlen(ISDN_PATH) + 1), l);
	}
	r = vpdn_dbus_add_module_object(lm->core, "line", MODULE_IFACE, module_vtable, lm,
					&lm->module_slot);
	/* one level up: see the top of this file */
	if (r >= 0 && lm->module_slot)
		r = vpdn_dbus_slot_add_fallback(lm->module_slot, VPDN_DBUS_ROOT, PORT_IFACE,
						port_vtable, line_find, lm);
	if (r >= 0 && lm->module_slot)
		r = vpdn_dbus_slot_add_fallback(lm->module_slot, VPDN_DBUS_ROOT, LINE_IFACE,
						line_vtable, line_find, lm);
	if (r >= 0 && lm->module_slot)
		r = vpdn_dbus_slot_add_enumerator(lm->module_slot, ISDN_PATH, line_enumerate, lm);
	if (r < 0) {
		vpdn_warn(lm->log, "ISDN: Failed to add the line module's D-Bus objects: %s",
			  g_strerror(-r));
		lm->module_slot = sd_bus_slot_unref(lm->module_slot);
		return r;
	}
	for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
		lm->bus_subs[i] = vpdn_bus_subscribe_prio(lm->bus, types[i], 1000, on_call_change, lm);
	announce(lm, true);
	return 0;
}

void line_bus_unregister(struct line_module *lm)
{
	for (size_t i = 0; i < G_N_ELEMENTS(lm->bus_subs); i++)
		if (lm->bus_subs[i]) {
			vpdn_bus_unsubscribe(lm->bus, lm->bus_subs[i]);
			lm->bus_subs[i] = NULL;
		}
	announce(lm, false);
	lm->module_slot = sd_bus_slot_unref(lm->module_slot);
	g_clear_pointer(&lm->line_paths, g_hash_table_destroy);
}
