/* SPDX-License-Identifier: MIT */
/*
 * D-Bus: /org/vpdnd/module/dhcpv6, interface org.vpdnd.Dhcpv6Server1
 * (read by `vpdnctl show ipv6 dhcp binding`).
 *   Bindings a(ssssuuut)  the server's leases: interface ("Vi2"), user,
 *                         prefix ("P/len"), state (OFFERED/BOUND), preferred
 *                         and valid lifetimes granted (s), IAID, valid
 *                         milliseconds left
 * A module-object property like Dialer1.Dialers: its size is bounded by
 * dhcpv6-max-leases (about 90 octets a lease), not paged. Without a bus
 * nothing is registered.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include <glib.h>

#include <vpdnd/dbus.h>

#include "dhcpv6-private.h"

#define DHCPV6_BUS_IFACE "org.vpdnd.Dhcpv6Server1"

static int append_session(sd_bus_message *reply, struct dh_module *m,
			  const struct dh_session *s)
{
	for (guint i = 0; s->server && s->leases && i < s->leases->len; i++) {
		const struct dh_lease *l = s->leases->pdata[i];
		char p[INET6_ADDRSTRLEN], pfx[INET6_ADDRSTRLEN + 4];
		int r;

		if (l->state == DH_LEASE_ENDED)
			continue;
		snprintf(pfx, sizeof(pfx), "%s/%u", inet_ntop(AF_INET6, &l->prefix, p, sizeof(p)),
			 l->plen);
		r = sd_bus_message_append(reply, "(ssssuuut)", s->interface ? s->interface : "",
					  s->user ? s->user : "", pfx, dh_lease_state_name(l->state),
					  l->preferred, l->valid, l->iaid,
					  vpdn_timer_remaining(m->tm, &l->timer));
		if (r < 0)
			return r;
	}
	return 0;
}

static int prop_bindings(sd_bus *bus, const char *path, const char *interface,
			 const char *property, sd_bus_message *reply, void *userdata,
			 sd_bus_error *error)
{
	struct dh_module *m = userdata;
	GHashTableIter it;
	gpointer k, v;
	int r;

	r = sd_bus_message_open_container(reply, 'a', "(ssssuuut)");
	if (r < 0)
		return r;
	g_hash_table_iter_init(&it, m->sessions);
	while (g_hash_table_iter_next(&it, &k, &v))
		if ((r = append_session(reply, m, v)) < 0)
			return r;
	return sd_bus_message_close_container(reply);
}

static const sd_bus_vtable dhcpv6_vtable[] = {
	SD_BUS_VTABLE_START(0),
	SD_BUS_PROPERTY("Bindings", "a(ssssuuut)", prop_bindings, 0, 0),
	SD_BUS_VTABLE_END
};

int dh_bus_register(struct dh_module *m)
{
	return vpdn_dbus_add_module_object(m->core, "dhcpv6", DHCPV6_BUS_IFACE, dhcpv6_vtable, m,
					   &m->bus_slot);
}

void dh_bus_unregister(struct dh_module *m)
{
	m->bus_slot = sd_bus_slot_unref(m->bus_slot);
}
