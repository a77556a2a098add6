/* SPDX-License-Identifier: MIT */
/*
 * D-Bus: /org/vpdnd/module/pppoe, interface org.vpdnd.Pppoe1.
 *   ListSessions(u cursor, u max) -> a(ssqsssqsu) sessions, u next
 *       one page of sessions whose key (the call ID) is above cursor, in
 *       key order: interface, name ("PPPoE3"), session ID (0 while a
 *       client discovers), peer MAC, role ("server"/"client"), state,
 *       payload, service, seconds up. max: 0 -> 500, at most 1000; next 0
 *       after the last page. No reply grows with the number of sessions.
 *   Interfaces a(ssssuu) name, MAC, role ("server"/"client"/"server,client"),
 *                        bba-group, sessions open, client discoveries
 *                        running (read on demand: no change signals)
 *   StartCapture(s path, s session) -> s file
 *       privileged: a pcap (LINKTYPE_PPP) of one open session's PPP
 *       frames ("PPPoE7"), both ways, in the capture directory
 *       (pppoe-capture.c); one capture at a time.
 *   StopCapture() -> t packets   privileged
 *   Sessions u           sessions open on the node
 *   Capturing b          a capture runs
 */
#include <errno.h>

#include <vpdnd/dbus.h>

#include "pppoe-module.h"

#define PPPOE_IFACE "org.vpdnd.Pppoe1"
#define ROW "(ssqsssqsu)"

struct page {
	sd_bus_message *reply;
	struct pppoe_module *m;
	uint32_t left;
	uint32_t last;
	bool more;
	int r;
	uint64_t now;
};

static gboolean add_row(gpointer key, gpointer value, gpointer data)
{
	struct page *p = data;
	struct pppoe_call *c = value;
	struct pppoe_session *s = c->s;

	if (!s)
		return FALSE;
	if (p->left == 0) {
		p->more = true;
		return TRUE;
	}
	char mac[20];
	uint64_t up = (p->now - s->created_ms) / 1000;
	p->r = sd_bus_message_append(p->reply, ROW, c->port->ifc->name, s->name, s->id,
				     pppoe_mac_format(s->peer, mac, sizeof(mac)),
				     pppoe_role_name(s->role),
				     pppoe_state_name(s->state), s->mtu, s->service ? s->service : "",
				     (uint32_t)up);
	if (p->r < 0)
		return TRUE;
	p->left--;
	p->last = c->call_id;
	return FALSE;
}

static int method_list(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct pppoe_module *m = userdata;
	sd_bus_message *reply = NULL;
	uint32_t cursor, max;
	int r;

	if ((r = sd_bus_message_read(msg, "uu", &cursor, &max)) < 0)
		return r;
	if ((r = sd_bus_message_new_method_return(msg, &reply)) < 0)
		return r;
	struct page p = { .reply = reply, .m = m, .left = vpdn_dbus_page_max(max),
			  .now = vpdn_timers_now(m->e->tm) };
	if ((r = sd_bus_message_open_container(reply, 'a', ROW)) < 0)
		goto out;
	/* from the first key above cursor: O(log n + page) */
	GTreeNode *n = g_tree_upper_bound(m->calls, GUINT_TO_POINTER(cursor));
	for (; n; n = g_tree_node_next(n))
		if (add_row(g_tree_node_key(n), g_tree_node_value(n), &p))
			break;
	if ((r = p.r) < 0 || (r = sd_bus_message_close_container(reply)) < 0 ||
	    (r = sd_bus_message_append(reply, "u", p.more ? p.last : 0)) < 0)
		goto out;
	r = sd_bus_send(NULL, reply, NULL);
out:
	sd_bus_message_unref(reply);
	return r;
}

static int prop_interfaces(sd_bus *bus, const char *path, const char *interface,
			   const char *property, sd_bus_message *reply, void *userdata,
			   sd_bus_error *error)
{
	struct pppoe_module *m = userdata;
	int r = sd_bus_message_open_container(reply, 'a', "(ssssuu)");

	for (guint i = 0; r >= 0 && i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		char mac[20];
		const char *role = p->ifc->group && p->ifc->client ? "server,client"
			: p->ifc->group ? "server" : "client";
		r = sd_bus_message_append(reply, "(ssssuu)", p->ifc->name,
					  pppoe_mac_format(p->ifc->mac, mac, sizeof(mac)), role,
					  p->ifc->group ? p->ifc->group->name : "",
					  p->ifc->n_sessions, p->ifc->pending->len);
	}
	return r < 0 ? r : sd_bus_message_close_container(reply);
}

static int prop_sessions(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	struct pppoe_module *m = userdata;

	return sd_bus_message_append(reply, "u", m->e->n_sessions);
}

static int method_start_capture(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct pppoe_module *m = userdata;
	const char *path, *session;
	char *text = NULL;
	int r;

	if ((r = vpdn_dbus_check_privileged(msg, error)) < 0)
		return r;
	if ((r = sd_bus_message_read(msg, "ss", &path, &session)) < 0)
		return r;
	r = pppoe_capture_start(m, path, session, &text);
	r = vpdn_dbus_reply_capture_start(msg, error, r, text, m->cap_path);
	g_free(text);
	return r;
}

static int method_stop_capture(sd_bus_message *msg, void *userdata, sd_bus_error *error)
{
	struct pppoe_module *m = userdata;
	uint64_t packets = 0;
	int r;

	if ((r = vpdn_dbus_check_privileged(msg, error)) < 0)
		return r;
	r = pppoe_capture_stop(m, &packets);
	return vpdn_dbus_reply_capture_stop(msg, error, r, packets);
}

static int prop_capturing(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	struct pppoe_module *m = userdata;

	return sd_bus_message_append(reply, "b", m->cap != NULL);
}

static const sd_bus_vtable pppoe_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_METHOD_WITH_ARGS("ListSessions", SD_BUS_ARGS("u", cursor, "u", max),
				SD_BUS_RESULT("a" ROW, sessions, "u", next), method_list,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Interfaces", "a(ssssuu)", prop_interfaces, 0, 0),
	SD_BUS_METHOD_WITH_ARGS("StartCapture", SD_BUS_ARGS("s", path, "s", session),
				SD_BUS_RESULT("s", file), method_start_capture,
				SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_METHOD_WITH_ARGS("StopCapture", SD_BUS_NO_ARGS, SD_BUS_RESULT("t", packets),
				method_stop_capture, SD_BUS_VTABLE_UNPRIVILEGED),
	SD_BUS_PROPERTY("Sessions", "u", prop_sessions, 0, 0),
	SD_BUS_PROPERTY("Capturing", "b", prop_capturing, 0, 0),
	SD_BUS_VTABLE_END
};

int pppoe_bus_register(struct pppoe_module *m)
{
	return vpdn_dbus_add_module_object(m->core, "pppoe", PPPOE_IFACE, pppoe_vtable, m,
					   &m->slot);
}

void pppoe_bus_unregister(struct pppoe_module *m)
{
	m->slot = sd_bus_slot_unref(m->slot);
}
