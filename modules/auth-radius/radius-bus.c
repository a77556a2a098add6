/* SPDX-License-Identifier: MIT */
/*
 * D-Bus: /org/vpdnd/module/auth_2dradius, interface org.vpdnd.Radius1
 * (`vpdnctl show radius`). Read-only; no secret is ever exposed.
 *   Servers   a(ssuttttttu) address, state (alive/dead), seconds of
 *             dead-time left, Access-Requests sent, Accounting-Requests
 *             sent, retransmissions, servers given up on (timeouts),
 *             answers verified, answers dropped (malformed or not
 *             verifying), requests in flight
 *   AuthQueued, AuthInFlight, AcctQueued  u
 *   AcctDropped  t   accounting records refused: queue full
 *   Sessions     u   sessions accounted now
 */
#include <errno.h>
#include <string.h>

#include <vpdnd/dbus.h>

#include "auth-radius.h"
#include "radius-bus.h"

#define RADIUS_IFACE "org.vpdnd.Radius1"

static int prop_servers(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	struct radius_client *c = auth_radius_client(userdata);
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(ssuttttttu)");
	if (r < 0)
		return r;
	for (unsigned i = 0; c && i < radius_client_n_servers(c); i++) {
		struct radius_server_stats st;
		radius_client_server_stats(c, i, &st);
		r = sd_bus_message_append(reply, "(ssuttttttu)", st.name,
					  radius_server_state_name(st.state), st.dead_left_s,
					  st.requests[RADIUS_SVC_AUTH], st.requests[RADIUS_SVC_ACCT],
					  st.retransmissions[RADIUS_SVC_AUTH] +
						  st.retransmissions[RADIUS_SVC_ACCT],
					  st.timeouts[RADIUS_SVC_AUTH] + st.timeouts[RADIUS_SVC_ACCT],
					  st.answers[RADIUS_SVC_AUTH] + st.answers[RADIUS_SVC_ACCT],
					  st.bad_answers,
					  st.in_flight[RADIUS_SVC_AUTH] + st.in_flight[RADIUS_SVC_ACCT]);
		if (r < 0)
			return r;
	}
	return sd_bus_message_close_container(reply);
}

/* The counters, by table: one getter each. */
#define GETTER_U(fn, expr) \
	static int fn(sd_bus *bus, const char *path, const char *interface, \
		      const char *property, sd_bus_message *reply, void *userdata, \
		      sd_bus_error *error) \
	{ \
		struct auth_radius *ar = userdata; \
		struct radius_client *c = auth_radius_client(ar); \
		(void)c; \
		return sd_bus_message_append(reply, "u", (uint32_t)(expr)); \
	}

GETTER_U(prop_auth_queued, c ? radius_client_queued(c, RADIUS_SVC_AUTH) : 0)
GETTER_U(prop_auth_in_flight, c ? radius_client_in_flight(c, RADIUS_SVC_AUTH) : 0)
GETTER_U(prop_acct_queued, auth_radius_acct_queued(ar))
GETTER_U(prop_sessions, auth_radius_sessions(ar))
#undef GETTER_U

static int prop_dropped(sd_bus *bus, const char *path, const char *interface,
			const char *property, sd_bus_message *reply, void *userdata,
			sd_bus_error *error)
{
	return sd_bus_message_append(reply, "t", auth_radius_acct_dropped(userdata));
}

static const sd_bus_vtable radius_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Servers", "a(ssuttttttu)", prop_servers, 0, 0),
	SD_BUS_PROPERTY("AuthQueued", "u", prop_auth_queued, 0, 0),
	SD_BUS_PROPERTY("AuthInFlight", "u", prop_auth_in_flight, 0, 0),
	SD_BUS_PROPERTY("AcctQueued", "u", prop_acct_queued, 0, 0),
	SD_BUS_PROPERTY("AcctDropped", "t", prop_dropped, 0, 0),
	SD_BUS_PROPERTY("Sessions", "u", prop_sessions, 0, 0),
	SD_BUS_VTABLE_END
};

int radius_bus_register(struct vpdn_core *core, struct auth_radius *ar, sd_bus_slot **slot)
{
	return vpdn_dbus_add_module_object(core, "auth-radius", RADIUS_IFACE, radius_vtable, ar,
					   slot);
}
