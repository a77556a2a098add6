/* SPDX-License-Identifier: MIT */
/*
 * What the tunnel's two files share: tunnel.c (the state machine) and
 * tunnel-ctrl.c (its life and control channel), and l2tp-state.c, which
 * rebuilds tunnels at a restart in place. Nothing else includes this
 * header.
 */
#ifndef L2TP_TUNNEL_PRIVATE_H
#define L2TP_TUNNEL_PRIVATE_H

#include <string.h>

#include "l2tp.h"

#define TLOG(t, cat, fmt, ...)                                                  \
	vpdn_debug((t)->l2tp->log, (cat), "Tnl %u L2TP: " fmt, (t)->tid, ##__VA_ARGS__)

static inline const uint8_t *secret_of(const struct l2tp_tunnel *t, size_t *len)
{
	if (!t->group || !t->group->password) {
		*len = 0;
		return NULL;
	}
	*len = strlen(t->group->password);
	return (const uint8_t *)t->group->password;
}

static inline const char *peer_label(const struct l2tp_tunnel *t)
{
	return t->peer_name ? t->peer_name : "peer";
}

/* tunnel-ctrl.c */
/* A new tunnel of group g (NULL: one we refuse) in state idle: a free
 * Tunnel ID, in the table, counted. NULL when every ID is taken. */
struct l2tp_tunnel *l2tp_tunnel_new(struct l2tp *l2tp, struct l2tp_group *g,
				    const struct sockaddr_storage *local,
				    const struct sockaddr_storage *peer);
/* Every session of t goes (no CDN: the tunnel is going). */
void l2tp_tunnel_close_sessions(struct l2tp_tunnel *t);
/* TUNNEL_DOWN, once, if TUNNEL_UP was published. */
void l2tp_tunnel_publish_down(struct l2tp_tunnel *t);
/* `debug vpdn l2x-packets`: dir "I" or "O". */
void l2tp_tunnel_log_packet(struct l2tp_tunnel *t, const char *dir, const uint8_t *buf,
			    size_t len);

/* tunnel.c */
/* Every state change: logs "from X to Y", gauges, set-up timer, view. */
void l2tp_tunnel_set_state(struct l2tp_tunnel *t, enum l2tp_tunnel_state st);
/* A control message for t, in order and decoded. */
void l2tp_tunnel_dispatch(struct l2tp_tunnel *t, const struct l2tp_header *h,
			  const struct l2tp_msg *m);

#endif
