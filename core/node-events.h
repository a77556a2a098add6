/* SPDX-License-Identifier: MIT */
/*
 * The node's session events (core/node-events.c): the core subscribes to
 * the event bus as a module would and turns TUNNEL_UP/DOWN and
 * SESSION_UP/DOWN (with what PPP_NETWORK_UP and PPP_DOWN said about the
 * session) into the Node1 signals TunnelUp,
 * TunnelDown, SessionUp, SessionDown, the counters sessions_ended_total
 * and tunnels_ended_total by cause, and the history of ended sessions
 * (vpdn-history.h, Node1.GetVpdnHistory).
 */
#ifndef VPDND_NODE_EVENTS_H
#define VPDND_NODE_EVENTS_H

#include <systemd/sd-bus.h>

#include <vpdnd/core.h>

#include "vpdn-history.h"

struct vpdn_node_events;

/* Subscribe (core->events); history of core->vpdn_history_size entries. */
struct vpdn_node_events *vpdn_node_events_new(struct vpdn_core *core);
void vpdn_node_events_free(struct vpdn_node_events *ne);
/* vpdn-history-size changed (reload): keeps the newest that fit. */
void vpdn_node_events_set_history_size(struct vpdn_node_events *ne, unsigned size);
struct vpdn_history *vpdn_node_events_history(struct vpdn_node_events *ne);

/* D-Bus signatures (dbus/org.vpdnd.Node1.xml names the arguments). */
#define VPDN_SIG_TUNNEL_UP "qqsss"
#define VPDN_SIG_TUNNEL_DOWN "qqssstsqqss"
#define VPDN_SIG_SESSION_UP "qqqqsssss"
#define VPDN_SIG_SESSION_DOWN "qqqqssssssstsqqqiqsss"
#define VPDN_SIG_HISTORY_ENTRY "(t" VPDN_SIG_SESSION_DOWN ")"

/* Append one history entry as VPDN_SIG_HISTORY_ENTRY to m. */
int vpdn_node_events_append_entry(sd_bus_message *m, const struct vpdn_session_end *e);

#endif
