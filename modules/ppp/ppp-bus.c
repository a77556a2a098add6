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
 * "Peer" is what the peer asked for and we acked. IPv6CP: its state and
 * the Interface-Identifiers as link-local addresses ("" where IPv6 is
 * not enabled, or none yet). Read only: no secret
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

/* Properties by table: sd-bus hands each getter the engine plus the
 * vtable entry's offset, so one getter serves every member of a type
 * (an address, an auth protocol, an automaton's state). */
#define GETTER(fn)                                                                           \
	static int fn(sd_bus *bus, const char *path, const char *interface,                  \
		      const char *property, sd_bus_message *reply, void *userdata,           \
		      sd_bus_error *error)

/* struct in_addr at the offset, "" for 0.0.0.0 */
GETTER(get_addr)
{
	const struct in_addr *a = userdata;
	char buf[INET_ADDRSTRLEN] = "";

	if (a->s_addr)
		inet_ntop(AF_INET, a, buf, sizeof(buf));
	return sd_bus_message_append_basic(reply, 's', buf);
}

/* uint8_t enum ppp_auth_proto at the offset */
GETTER(get_auth)
{
	return sd_bus_message_append_basic(reply, 's', auth_name(*(const uint8_t *)userdata));
}

/* struct ppp_fsm at the offset: its RFC 1661 state name */
GETTER(get_fsm_state)
{
	const struct ppp_fsm *f = userdata;

	return sd_bus_message_append_basic(reply, 's', ppp_fsm_state_name(f->state));
}

/* a char array at the offset */
GETTER(get_chars)
{
	return sd_bus_message_append_basic(reply, 's', (const char *)userdata);
}

/* the engine: its IPv6CP's state, "" where IPv6 is not enabled */
GETTER(get_ipv6cp_state)
{
	const struct ppp_engine *e = userdata;

	return sd_bus_message_append_basic(reply, 's',
					   e->v6 ? ppp_fsm_state_name(e->v6->fsm.state) : "");
}

/* fe80::ifid, "" for none */
static int append_link_local(sd_bus_message *reply, const uint8_t *ifid, bool have)
{
	char buf[INET6_ADDRSTRLEN] = "";
	struct in6_addr a = { .s6_addr = { 0xfe, 0x80 } };

	if (have) {
		memcpy(a.s6_addr + 8, ifid, 8);
		inet_ntop(AF_INET6, &a, buf, sizeof(buf));
	}
	return sd_bus_message_append_basic(reply, 's', buf);
}

GETTER(get_local_link_local)
{
	const struct ppp_engine *e = userdata;

	return append_link_local(reply, e->v6 ? e->v6->local : NULL, e->v6);
}

GETTER(get_peer_link_local)
{
	const struct ppp_engine *e = userdata;

	return append_link_local(reply, e->v6 ? e->v6->peer : NULL, e->v6 && e->v6->have_peer);
}

GETTER(get_phase)
{
	const struct ppp_engine *e = userdata;

	return sd_bus_message_append_basic(reply, 's', ppp_phase_name(e->phase));
}

GETTER(get_role)
{
	const struct ppp_engine *e = userdata;

	return sd_bus_message_append_basic(reply, 's', ppp_role_name(e->role));
}

/* Our side of LCP: an option we asked for counts only while the peer has
 * not rejected it (want_*); otherwise the RFC 1661 default. */
GETTER(get_local_mru)
{
	const struct ppp_lcp *l = &((const struct ppp_engine *)userdata)->lcp;
	uint16_t v = l->want_mru ? l->mru : 1500;

	return sd_bus_message_append_basic(reply, 'q', &v);
}

GETTER(get_local_accm)
{
	const struct ppp_lcp *l = &((const struct ppp_engine *)userdata)->lcp;
	uint32_t v = l->want_accm ? l->accm : 0xFFFFFFFFu;

	return sd_bus_message_append_basic(reply, 'u', &v);
}

GETTER(get_local_magic)
{
	const struct ppp_lcp *l = &((const struct ppp_engine *)userdata)->lcp;
	uint32_t v = l->want_magic ? l->magic : 0;

	return sd_bus_message_append_basic(reply, 'u', &v);
}

#define ENGINE_AT(member) offsetof(struct ppp_engine, member)
#define PROP(name, sig, fn, member) SD_BUS_PROPERTY(name, sig, fn, ENGINE_AT(member), 0)
static const sd_bus_vtable engine_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Name", "s", get_chars, ENGINE_AT(name), SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Role", "s", get_role, 0, SD_BUS_VTABLE_PROPERTY_CONST),
	SD_BUS_PROPERTY("Phase", "s", get_phase, 0, 0),
	PROP("User", "s", vpdn_dbus_property_get_str, user),
	PROP("LcpState", "s", get_fsm_state, lcp_fsm),
	PROP("IpcpState", "s", get_fsm_state, ipcp_fsm),
	SD_BUS_PROPERTY("LocalMru", "q", get_local_mru, 0, 0),
	PROP("PeerMru", "q", vpdn_dbus_property_get_u16, lcp.peer_mru),
	SD_BUS_PROPERTY("LocalAccm", "u", get_local_accm, 0, 0),
	PROP("PeerAccm", "u", vpdn_dbus_property_get_u32, lcp.peer_accm),
	SD_BUS_PROPERTY("LocalMagic", "u", get_local_magic, 0, 0),
	PROP("PeerMagic", "u", vpdn_dbus_property_get_u32, lcp.peer_magic),
	PROP("LocalAuth", "s", get_auth, lcp.auth),
	PROP("PeerAuth", "s", get_auth, lcp.peer_auth),
	PROP("LocalPfc", "b", vpdn_dbus_property_get_bool, lcp.want_pfc),
	PROP("PeerPfc", "b", vpdn_dbus_property_get_bool, lcp.peer_pfc),
	PROP("LocalAcfc", "b", vpdn_dbus_property_get_bool, lcp.want_acfc),
	PROP("PeerAcfc", "b", vpdn_dbus_property_get_bool, lcp.peer_acfc),
	PROP("LocalAddress", "s", get_addr, ipcp.local),
	PROP("PeerAddress", "s", get_addr, ipcp.peer),
	PROP("PrimaryDns", "s", get_addr, ipcp.dns1),
	PROP("SecondaryDns", "s", get_addr, ipcp.dns2),
	SD_BUS_PROPERTY("Ipv6cpState", "s", get_ipv6cp_state, 0, 0),
	SD_BUS_PROPERTY("LocalLinkLocal", "s", get_local_link_local, 0, 0),
	SD_BUS_PROPERTY("PeerLinkLocal", "s", get_peer_link_local, 0, 0),
	PROP("Malformed", "u", vpdn_dbus_property_get_u32, malformed),
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
	SD_BUS_PROPERTY("Pools", "a(ssuut)", ppp_pools_bus_get, 0, 0), /* pool.c */
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
