/* SPDX-License-Identifier: MIT */
/*
 * What the l2tp module's two D-Bus files share (l2tp-bus.c: the Tunnel1,
 * Session1 and L2tp1 classes; l2tp-bus-list.c: the paged ListTunnels and
 * ListSessions of L2tp1).
 */
#ifndef L2TP_BUS_PRIVATE_H
#define L2TP_BUS_PRIVATE_H

#include <systemd/sd-bus.h>

#include "l2tp.h"

#define TUNNEL_IFACE "org.vpdnd.Tunnel1"
#define SESSION_IFACE "org.vpdnd.Session1"
#define L2TP_IFACE "org.vpdnd.L2tp1"

void l2tp_bus_tunnel_path(const struct l2tp_tunnel *t, char *buf, size_t size);
void l2tp_bus_session_path(const struct l2tp_session *s, char *buf, size_t size);
/* The classes' properties: a row of a list is every one of them. */
extern const sd_bus_vtable l2tp_bus_tunnel_vtable[];
extern const sd_bus_vtable l2tp_bus_session_vtable[];
/* The first `want` IDs above `after` in an ID table (the node's tunnels,
 * a tunnel's sessions), in order (l2tp-bus-list.c; FindSessions too). */
unsigned l2tp_bus_ids_after(GHashTable *table, const uint64_t *bits, uint32_t after,
			    unsigned want, uint16_t *out);
/* L2tp1.ListTunnels / ListSessions (l2tp-bus-list.c). */
int l2tp_bus_method_list_tunnels(sd_bus_message *m, void *userdata, sd_bus_error *error);
int l2tp_bus_method_list_sessions(sd_bus_message *m, void *userdata, sd_bus_error *error);

#endif
