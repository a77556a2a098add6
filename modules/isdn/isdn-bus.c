/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the isdn module: one per port and per serial line at
 * /org/vpdnd/isdn/<name> (characters other than letters, digits and '_'
 * become '_': "E1 0" -> E1_0, "tty0" -> tty0).
 *
 * org.vpdnd.IsdnPort1 (every port and line):
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
 * org.vpdnd.IsdnLine1 (lines only):
 *   Kind s ("device", "pty", "listen", "connect"), Device s (path or pty
 *   slave), Speed u, State s, SendAccm u, RecvAccm u, Calls t, RxFrames t,
 *   BadFcs t, Aborts t, Runts t, TooLong t, TxFrames t, TxDrops t
 * Channels, Calls, ActiveCalls and FreeChannels are announced with
 * PropertiesChanged (invalidated) whenever a call connects or clears.
 *
 * /org/vpdnd/module/isdn, org.vpdnd.Isdn1: HangUp(u call_id) (privileged:
 * clear a call, cause 16; InvalidArgs when there is no such call),
 * StartCapture(s path, s port) and StopCapture() -> t packets (privileged:
 * a pcap, LINKTYPE_PPP, of the PPP frames of a port, line or B channel;
 * see capture.h), ActiveCalls u, Capturing b.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "isdn-private.h"
#include "line.h"

#define PORT_IFACE "org.vpdnd.IsdnPort1"
#define LINE_IFACE "org.vpdnd.IsdnLine1"
#define ISDN_PATH VPDN_DBUS_ROOT "/isdn"

struct bus_obj {
	struct isdn *is;
	struct isdn_port *port;   /* one of port, line */
	struct isdn_line *line;
	char name[40];            /* the port's or line's name: key of is->bus_objs */
	char path[96];
	sd_bus_slot *slot, *slot2;
};

static void bus_obj_free(gpointer p)
{
	struct bus_obj *o = p;

	if (o->slot) {
		sd_bus *bus = vpdn_core_dbus(o->is->core);

		if (bus)
			sd_bus_emit_object_removed(bus, o->path);
	}
	sd_bus_slot_unref(o->slot2);
	sd_bus_slot_unref(o->slot);
	g_free(o);
}

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

static int append_channels(sd_bus_message *reply, struct bus_obj *o)
{
	char id[16];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssu)");

	if (r < 0)
		return r;
	if (o->line) {
		struct isdn_line_info li;
		isdn_line_get_info(o->line, &li);
		snprintf(id, sizeof(id), "0x%04X", li.call_id);
		r = sd_bus_message_append(reply, "(ssssu)", li.name,
					  li.state == ISDN_LINE_ACTIVE ? "active" :
					  li.state == ISDN_LINE_RINGING ? "busy" : "idle",
					  li.call_id ? id : "",
					  !li.call_id ? "" : li.outgoing ? (li.dialled ? li.dialled : "")
					  : li.number ? li.number : "",
					  (uint32_t)li.seconds);
	} else {
		for (int ch = 0; ch < 32 && r >= 0; ch++) {
			char name[24], sname[24];
			const struct isdn_call *c;
			if (!(o->port->channels & (1u << ch)))
				continue;
			isdn_port_channel_name(o->port, ch, name, sizeof(name), sname, sizeof(sname));
			c = call_on(o->is, o->port, ch);
			if (c)
				snprintf(id, sizeof(id), "0x%04X", c->call_id);
			r = sd_bus_message_append(reply, "(ssssu)", name,
						  !c ? "idle" : c->active ? "active" : "busy",
						  c ? id : "",
						  !c ? "" : c->dir == VPDN_CALL_IN ? c->calling : c->called,
						  c ? (uint32_t)call_seconds(c) : 0);
		}
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static int append_calls(sd_bus_message *reply, struct bus_obj *o)
{
	char id[16];
	int r = sd_bus_message_open_container(reply, 'a', "(ssssssu)");

	if (r < 0)
		return r;
	if (o->line) {
		struct isdn_line_info li;
		isdn_line_get_info(o->line, &li);
		snprintf(id, sizeof(id), "0x%04X", li.call_id);
		if (li.call_id)
			r = sd_bus_message_append(reply, "(ssssssu)", id, li.outgoing ? "Out" : "In",
						  li.outgoing ? "" : li.number ? li.number : "",
						  li.outgoing ? (li.dialled ? li.dialled : "") : li.called ? li.called : "",
						  li.remote_name ? li.remote_name : "", li.name,
						  (uint32_t)li.seconds);
	} else {
		for (int ch = 0; ch < 32 && r >= 0; ch++) { /* the port's calls, by channel */
			const struct isdn_call *c = call_on(o->is, o->port, ch);
			if (!c)
				continue;
			snprintf(id, sizeof(id), "0x%04X", c->call_id);
			r = sd_bus_message_append(reply, "(ssssssu)", id,
						  c->dir == VPDN_CALL_IN ? "In" : "Out", c->calling,
						  c->dir == VPDN_CALL_IN ? isdn_port_dnis(c->port, c->called)
									 : c->called,
						  c->remote_name, c->chan >= 0 ? c->channel : "",
						  (uint32_t)call_seconds(c));
		}
	}
	if (r < 0)
		return r;
	return sd_bus_message_close_container(reply);
}

static unsigned active_calls(struct bus_obj *o)
{
	unsigned n = 0;

	if (o->line) {
		struct isdn_line_info li;
		isdn_line_get_info(o->line, &li);
		return li.state == ISDN_LINE_ACTIVE;
	}
	for (int ch = 0; ch < 32; ch++) {
		const struct isdn_call *c = call_on(o->is, o->port, ch);
		n += c && c->active;
	}
	return n;
}

static int port_prop(sd_bus *bus, const char *path, const char *interface, const char *property,
		     sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct bus_obj *o = userdata;
	struct isdn_line_info li;
	bool up, l2;
	int r;

	if (o->line)
		isdn_line_get_info(o->line, &li);
	if (!strcmp(property, "Name"))
		return sd_bus_message_append(reply, "s", o->line ? li.name : o->port->name);
	if (!strcmp(property, "Type"))
		return sd_bus_message_append(reply, "s", o->line ? "line" : port_type(o->port));
	if (!strcmp(property, "SwitchType"))
		return sd_bus_message_append(reply, "s", o->line ? "none" : o->is->switch_type);
	if (!strcmp(property, "Interface"))
		return sd_bus_message_append(reply, "s", o->line ? li.interface : o->port->dchan);
	if (!strcmp(property, "Numbers")) {
		r = sd_bus_message_open_container(reply, 'a', "s");
		if (o->line && li.number && r >= 0)
			r = sd_bus_message_append(reply, "s", li.number);
		for (unsigned i = 0; !o->line && r >= 0 && i < o->port->n_numbers; i++)
			r = sd_bus_message_append(reply, "s", o->port->numbers[i]);
		return r < 0 ? r : sd_bus_message_close_container(reply);
	}
	if (!strcmp(property, "Layer1") || !strcmp(property, "Layer2")) {
		up = o->line ? li.open : o->is->stream != NULL;
		l2 = o->line ? li.call_id != 0 : o->port->registered;
		if (property[5] == '1')
			return sd_bus_message_append(reply, "s", up ? "ACTIVE" : "DEACTIVATED");
		return sd_bus_message_append(reply, "s", !up ? "TEI_UNASSIGNED" :
					     l2 ? "MULTIPLE_FRAME_ESTABLISHED" : "TEI_ASSIGNED");
	}
	if (!strcmp(property, "Channels"))
		return append_channels(reply, o);
	if (!strcmp(property, "Calls"))
		return append_calls(reply, o);
	if (!strcmp(property, "ActiveCalls"))
		return sd_bus_message_append(reply, "u", active_calls(o));
	if (!strcmp(property, "FreeChannels"))
		/* an idle dial-out connect line is unconnected (layer 1 down) yet free to dial */
		return sd_bus_message_append(reply, "u", o->line ? (uint32_t)(li.call_id == 0 &&
							 (li.open || isdn_line_can_dial(o->line)))
							 : isdn_port_free_count(o->port));
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "no property %s", property);
}

static int line_prop(sd_bus *bus, const char *path, const char *interface, const char *property,
		     sd_bus_message *reply, void *userdata, sd_bus_error *error)
{
	struct bus_obj *o = userdata;
	struct isdn_line_info li;

	isdn_line_get_info(o->line, &li);
	if (!strcmp(property, "Kind"))
		return sd_bus_message_append(reply, "s", isdn_line_kind_name(li.kind));
	if (!strcmp(property, "Device"))
		return sd_bus_message_append(reply, "s", li.slave ? li.slave : li.path ? li.path : "");
	if (!strcmp(property, "Speed"))
		return sd_bus_message_append(reply, "u", li.speed);
	if (!strcmp(property, "State"))
		return sd_bus_message_append(reply, "s", isdn_line_state_name(li.state));
	if (!strcmp(property, "SendAccm"))
		return sd_bus_message_append(reply, "u", li.send_accm);
	if (!strcmp(property, "RecvAccm"))
		return sd_bus_message_append(reply, "u", li.recv_accm);
	if (!strcmp(property, "Calls"))
		return sd_bus_message_append(reply, "t", li.calls);
	if (!strcmp(property, "RxFrames"))
		return sd_bus_message_append(reply, "t", li.rx->frames);
	if (!strcmp(property, "BadFcs"))
		return sd_bus_message_append(reply, "t", li.rx->bad_fcs);
	if (!strcmp(property, "Aborts"))
		return sd_bus_message_append(reply, "t", li.rx->aborts);
	if (!strcmp(property, "Runts"))
		return sd_bus_message_append(reply, "t", li.rx->runts);
	if (!strcmp(property, "TooLong"))
		return sd_bus_message_append(reply, "t", li.rx->too_long);
	if (!strcmp(property, "TxFrames"))
		return sd_bus_message_append(reply, "t", li.tx_frames);
	if (!strcmp(property, "TxDrops"))
		return sd_bus_message_append(reply, "t", li.tx_drops);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "no property %s", property);
}

#define P(name, sig, flags) SD_BUS_PROPERTY(name, sig, port_prop, 0, flags)
static const sd_bus_vtable port_vtable[] = {
	SD_BUS_VTABLE_START(0),
	P("Name", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	P("Type", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	P("SwitchType", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	P("Interface", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	P("Numbers", "as", SD_BUS_VTABLE_PROPERTY_CONST),
	P("Layer1", "s", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Layer2", "s", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Channels", "a(ssssu)", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("Calls", "a(ssssssu)", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("ActiveCalls", "u", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	P("FreeChannels", "u", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};
#undef P

#define L(name, sig, flags) SD_BUS_PROPERTY(name, sig, line_prop, 0, flags)
static const sd_bus_vtable line_vtable[] = {
	SD_BUS_VTABLE_START(0),
	L("Kind", "s", SD_BUS_VTABLE_PROPERTY_CONST),
	L("Device", "s", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Speed", "u", SD_BUS_VTABLE_PROPERTY_CONST),
	L("State", "s", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("SendAccm", "u", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("RecvAccm", "u", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Calls", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("RxFrames", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("BadFcs", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Aborts", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("Runts", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TooLong", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TxFrames", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	L("TxDrops", "t", SD_BUS_VTABLE_PROPERTY_EMITS_INVALIDATION),
	SD_BUS_VTABLE_END
};
#undef L

static void object_path(const char *name, char *out, size_t size)
{
	size_t n = (size_t)snprintf(out, size, "%s/", ISDN_PATH);

	for (const char *s = name; *s && n + 1 < size; s++)
		out[n++] = g_ascii_isalnum(*s) ? *s : '_';
	out[n] = '\0';
}

static int add(struct isdn *is, struct isdn_port *port, struct isdn_line *line)
{
	struct bus_obj *o = g_new0(struct bus_obj, 1);
	struct isdn_line_info li;
	int r;

	o->is = is;
	o->port = port;
	o->line = line;
	if (line)
		isdn_line_get_info(line, &li);
	snprintf(o->name, sizeof(o->name), "%s", line ? li.name : port->name);
	object_path(o->name, o->path, sizeof(o->path));
	r = vpdn_dbus_add_object(is->core, o->path, PORT_IFACE, port_vtable, o, &o->slot);
	if (r >= 0 && line)
		r = vpdn_dbus_add_object(is->core, o->path, LINE_IFACE, line_vtable, o, &o->slot2);
	if (r < 0) {
		vpdn_warn(is->log, "ISDN: Failed to add D-Bus object %s: %s", o->path, g_strerror(-r));
		bus_obj_free(o);
		return r;
	}
	g_ptr_array_add(is->slots, o);
	g_hash_table_replace(is->bus_objs, o->name, o);
	if (o->slot)
		sd_bus_emit_object_added(vpdn_core_dbus(is->core), o->path);
	return 0;
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
		return sd_bus_error_set(error, SD_BUS_ERROR_INVALID_ARGS, "Call id 0 is not a call");
	r = vpdn_bus_publish(is->bus, VPDN_EV_CALL_HANGUP, &ev);
	if (r != 1)
		return sd_bus_error_setf(error, SD_BUS_ERROR_INVALID_ARGS,
					 "No call 0x%04X on this node", ev.call_id);
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

static int module_prop(sd_bus *bus, const char *path, const char *interface,
		       const char *property, sd_bus_message *reply, void *userdata,
		       sd_bus_error *error)
{
	struct isdn *is = userdata;

	if (strcmp(property, "Capturing") == 0)
		return sd_bus_message_append(reply, "b", is->cap != NULL);
	return sd_bus_message_append(reply, "u", (uint32_t)g_hash_table_size(is->calls));
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
	SD_BUS_PROPERTY("ActiveCalls", "u", module_prop, 0, 0),
	SD_BUS_PROPERTY("Capturing", "b", module_prop, 0, 0),
	SD_BUS_VTABLE_END
};

/* A call connected or cleared: its port's (or line's) call lists changed;
 * other ports' did not (one signal, not one per port of a big LAC). */
static enum vpdn_bus_verdict on_call_change(const struct vpdn_event *ev, void *data)
{
	struct isdn *is = data;
	const struct vpdn_ev_call *call = ev->payload;
	struct bus_obj *o = call && call->port && is->bus_objs
			    ? g_hash_table_lookup(is->bus_objs, call->port) : NULL;

	if (o && o->slot)
		sd_bus_emit_properties_changed(vpdn_core_dbus(is->core), o->path,
					       PORT_IFACE, "Channels", "Calls",
					       "ActiveCalls", "FreeChannels", NULL);
	return VPDN_BUS_PASS;
}

int isdn_bus_register(struct isdn *is)
{
	int r = 0;

	if (vpdn_core_dbus(is->core) && !is->module_slot) {
		static const uint32_t types[] = { VPDN_EV_CALL_CONNECTED, VPDN_EV_CALL_CLEARED,
						  VPDN_EV_CALL_INCOMING };
		if (vpdn_dbus_add_module_object(is->core, "isdn", ISDN_IFACE, module_vtable, is,
						&is->module_slot) < 0)
			vpdn_warn(is->log, "ISDN: Failed to add the module's D-Bus object");
		for (size_t i = 0; i < G_N_ELEMENTS(types); i++)
			is->bus_subs[i] = vpdn_bus_subscribe_prio(is->bus, types[i], 1000,
								  on_call_change, is);
	}

	if (!is->slots) {
		is->slots = g_ptr_array_new_with_free_func(bus_obj_free);
		is->bus_objs = g_hash_table_new(g_str_hash, g_str_equal);
	}
	for (guint i = 0; i < is->ports->len; i++)
		r = add(is, g_ptr_array_index(is->ports, i), NULL) < 0 ? -EIO : r;
	for (guint i = 0; is->lines && i < is->lines->len; i++)
		r = add(is, NULL, g_ptr_array_index(is->lines, i)) < 0 ? -EIO : r;
	return r;
}

void isdn_bus_unregister(struct isdn *is)
{
	for (size_t i = 0; i < G_N_ELEMENTS(is->bus_subs); i++)
		if (is->bus_subs[i]) {
			vpdn_bus_unsubscribe(is->bus, is->bus_subs[i]);
			is->bus_subs[i] = NULL;
		}
	is->module_slot = sd_bus_slot_unref(is->module_slot);
	if (!is->slots)
		return;
	g_hash_table_destroy(is->bus_objs);
	is->bus_objs = NULL;
	g_ptr_array_free(is->slots, TRUE);
	is->slots = NULL;
}
