/* SPDX-License-Identifier: MIT */
/*
 * D-Bus objects of the ppp module (read by `vpdnctl show vpdn session ID`):
 *   /org/vpdnd/ppp/<name>   org.vpdnd.PppSession1 (one per running engine,
 *                           the name as sd_bus_path_encode writes it:
 *                           Vi2, Se0_3a17)
 *   /org/vpdnd/module/ppp   org.vpdnd.Ppp1 (Engines)
 * The engines are one class registered once: a fallback vtable whose find
 * callback looks the name up (nothing registered per session, nothing
 * enumerated). What LCP and IPCP negotiated, both ways: "Local" is what
 * we asked for and the peer acked (it applies to what we receive),
 * "Peer" is what the peer asked for and we acked. Read only: no secret
 * is exposed (no challenge, no response, no password). Without a bus
 * every function here does nothing.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "fsm.h"
#include "ppp-private.h"

#define PPP_BUS_PREFIX VPDN_DBUS_ROOT "/ppp"
#define SESSION_IFACE "org.vpdnd.PppSession1"
#define MODULE_IFACE "org.vpdnd.Ppp1"

static const char *auth_name(uint8_t a)
{
	switch (a) {
	case PPP_AUTH_P_PAP: return "pap";
	case PPP_AUTH_P_CHAP: return "chap";
	default: return "none";
	}
}

static int append_addr(sd_bus_message *reply, struct in_addr a)
{
	char buf[INET_ADDRSTRLEN] = "";

	if (a.s_addr)
		inet_ntop(AF_INET, &a, buf, sizeof(buf));
	return sd_bus_message_append_basic(reply, 's', buf);
}

/* One getter for the computed values, by property name (a small table
 * would need one function per entry; these are read rarely). */
static int engine_prop(sd_bus *bus, const char *path, const char *interface,
		       const char *property, sd_bus_message *reply, void *userdata,
		       sd_bus_error *error)
{
	const struct ppp_engine *e = userdata;
	const struct ppp_lcp *l = &e->lcp;
	uint32_t u;
	uint16_t q;
	int b;

	if (!strcmp(property, "Name"))
		return sd_bus_message_append_basic(reply, 's', e->name);
	if (!strcmp(property, "Phase"))
		return sd_bus_message_append_basic(reply, 's', ppp_phase_name(e->phase));
	if (!strcmp(property, "Role"))
		return sd_bus_message_append_basic(reply, 's', ppp_role_name(e->role));
	if (!strcmp(property, "User"))
		return sd_bus_message_append_basic(reply, 's', e->user ? e->user : "");
	if (!strcmp(property, "LcpState"))
		return sd_bus_message_append_basic(reply, 's',
						   ppp_fsm_state_name(e->lcp_fsm.state));
	if (!strcmp(property, "IpcpState"))
		return sd_bus_message_append_basic(reply, 's',
						   ppp_fsm_state_name(e->ipcp_fsm.state));
	if (!strcmp(property, "LocalMru")) {
		q = l->want_mru ? l->mru : 1500;
		return sd_bus_message_append_basic(reply, 'q', &q);
	}
	if (!strcmp(property, "PeerMru")) {
		q = l->peer_mru ? l->peer_mru : 1500;
		return sd_bus_message_append_basic(reply, 'q', &q);
	}
	if (!strcmp(property, "LocalAccm")) {
		u = l->want_accm ? l->accm : 0xFFFFFFFFu;
		return sd_bus_message_append_basic(reply, 'u', &u);
	}
	if (!strcmp(property, "LocalMagic")) {
		u = l->want_magic ? l->magic : 0;
		return sd_bus_message_append_basic(reply, 'u', &u);
	}
	if (!strcmp(property, "LocalAuth"))
		return sd_bus_message_append_basic(reply, 's', auth_name(l->auth));
	if (!strcmp(property, "PeerAuth"))
		return sd_bus_message_append_basic(reply, 's', auth_name(l->peer_auth));
	if (!strcmp(property, "LocalPfc") || !strcmp(property, "LocalAcfc")) {
		b = property[5] == 'P' ? l->want_pfc : l->want_acfc;
		return sd_bus_message_append_basic(reply, 'b', &b);
	}
	if (!strcmp(property, "LocalAddress"))
		return append_addr(reply, e->ipcp.local);
	if (!strcmp(property, "PeerAddress"))
		return append_addr(reply, e->ipcp.peer);
	if (!strcmp(property, "PrimaryDns"))
		return append_addr(reply, e->ipcp.dns1);
	if (!strcmp(property, "SecondaryDns"))
		return append_addr(reply, e->ipcp.dns2);
	return sd_bus_error_setf(error, SD_BUS_ERROR_UNKNOWN_PROPERTY, "No property %s", property);
}

#define ENGINE_AT(member) offsetof(struct ppp_engine, member)
static const sd_bus_vtable engine_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", engine_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Role", "s", engine_prop, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Phase", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("User", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("LcpState", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("IpcpState", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("LocalMru", "q", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerMru", "q", engine_prop, 0, 0),
	SD_BUS_PROPERTY("LocalAccm", "u", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerAccm", "u", vpdn_dbus_property_get_u32, ENGINE_AT(lcp.peer_accm), 0),
	SD_BUS_PROPERTY("LocalMagic", "u", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerMagic", "u", vpdn_dbus_property_get_u32, ENGINE_AT(lcp.peer_magic),
			0),
	SD_BUS_PROPERTY("LocalAuth", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerAuth", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("LocalPfc", "b", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerPfc", "b", vpdn_dbus_property_get_bool, ENGINE_AT(lcp.peer_pfc), 0),
	SD_BUS_PROPERTY("LocalAcfc", "b", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerAcfc", "b", vpdn_dbus_property_get_bool, ENGINE_AT(lcp.peer_acfc),
			0),
	SD_BUS_PROPERTY("LocalAddress", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PeerAddress", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("PrimaryDns", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("SecondaryDns", "s", engine_prop, 0, 0),
	SD_BUS_PROPERTY("Malformed", "u", vpdn_dbus_property_get_u32, ENGINE_AT(malformed), 0),
	SD_BUS_VTABLE_END
};

static int engine_find(sd_bus *bus, const char *path, const char *interface, void *userdata,
		       void **found, sd_bus_error *error)
{
	struct ppp_engine *e = NULL;
	char *name = NULL;
	int r;

	r = sd_bus_path_decode(path, PPP_BUS_PREFIX, &name);
	if (r <= 0 || !name)
		return 0;
	if (*name && !strchr(name, '/'))
		e = ppp_manager_find(userdata, name);
	free(name);
	if (!e)
		return 0;
	*found = e;
	return 1;
}

static int module_engines(sd_bus *bus, const char *path, const char *interface,
			  const char *property, sd_bus_message *reply, void *userdata,
			  sd_bus_error *error)
{
	uint32_t n = (uint32_t)ppp_manager_engine_count(userdata);

	return sd_bus_message_append_basic(reply, 'u', &n);
}

static const sd_bus_vtable module_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Engines", "u", module_engines, 0, 0),
	SD_BUS_VTABLE_END
};

int ppp_bus_add(struct ppp_manager *m)
{
	int r;

	r = vpdn_dbus_add_module_object(m->core, "ppp", MODULE_IFACE, module_vtable, m,
					&m->bus_slot);
	if (r < 0 || !m->bus_slot)
		return r;
	r = vpdn_dbus_slot_add_fallback(m->bus_slot, PPP_BUS_PREFIX, SESSION_IFACE, engine_vtable,
					engine_find, m);
	if (r < 0)
		m->bus_slot = sd_bus_slot_unref(m->bus_slot);
	return r;
}

void ppp_bus_remove(struct ppp_manager *m)
{
	m->bus_slot = sd_bus_slot_unref(m->bus_slot);
}
