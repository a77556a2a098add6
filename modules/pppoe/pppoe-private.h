/* SPDX-License-Identifier: MIT */
/*
 * The pppoe module's shared state: the engine (node-wide limits, cookie
 * keys, counters, the carrier's callbacks), interfaces and sessions.
 *
 * Files:
 *  session.c  interfaces, the session table (IDs unique per interface, so
 *             per (interface, peer MAC)), per-MAC counts, the one
 *             session state setter.
 *  server.c   the access concentrator's discovery state machine: PADI ->
 *             PADO (stateless, AC-Cookie), PADR -> PADS, PADT both ways,
 *             limits.
 *  client.c   the client's discovery state machine: PADI, PADO, PADR,
 *             PADS, retransmissions.
 *  pppoe.c    the module: AF_PACKET sockets, links, the bus.
 *  pppoe-netlink.c  rtnetlink (libmnl): interfaces appearing, going, up/down.
 *  pppoe-config.c  options, check(), bba-groups.
 *  pppoe-bus.c     D-Bus: org.vpdnd.Pppoe1.
 *
 * Lifetime: sessions belong to their interface's table; the carrier's
 * session_closed() callback is the last time a session pointer is valid.
 */
#ifndef VPDN_PPPOE_PRIVATE_H
#define VPDN_PPPOE_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#include <vpdnd/core.h>

#include "pppoe.h"

struct pppoe_if;
struct pppoe_session;

enum pppoe_role { PPPOE_ROLE_SERVER = 1, PPPOE_ROLE_CLIENT = 2 };
const char *pppoe_role_name(enum pppoe_role role);   /* "server", "client" */

enum pppoe_state {
	PPPOE_ST_IDLE = 0,
	PPPOE_ST_PADI_SENT,   /* client: waiting for a PADO */
	PPPOE_ST_PADR_SENT,   /* client: waiting for the PADS */
	PPPOE_ST_OPEN,        /* session ID in use, PPP runs */
	PPPOE_ST_CLOSED,      /* PADT sent or received; being freed */
};
const char *pppoe_state_name(enum pppoe_state st);

/* A bba-group: what an access concentrator offers on its interfaces. */
struct pppoe_group {
	char *name;
	char *ac_name;
	GPtrArray *services;        /* char *; empty: any Service-Name, "" offered */
	char *config;               /* interface whose settings answer calls:
				       "Virtual-Template1" */
	unsigned sessions_per_mac;  /* 0: no limit */
	unsigned sessions_per_if;
	unsigned padi_rate;         /* PADIs answered per second per interface, 0 any */
	unsigned padi_rate_mac;     /* per source MAC */
	uint16_t max_payload;       /* largest PPP-Max-Payload granted (RFC 4638); 0: none */
	unsigned cookie_lifetime_s; /* key rotation period */
};

struct pppoe_counters {
	uint64_t *rx_disc, *tx_disc, *malformed, *padi, *padi_rate_limited, *padr,
		*bad_cookie, *service_refused, *limit_refused, *padt_in, *padt_out,
		*padt_spoofed, *sessions, *open_failed, *rx_sess, *tx_sess, *sess_unknown,
		*too_big, *client_timeouts, *tx_dropped;
};

struct pppoe_carrier_ops {
	/* Send a discovery packet (pkt at the PPPoE header) to dst. */
	int (*send_disc)(void *ctx, struct pppoe_if *ifc, const uint8_t dst[6],
			 const uint8_t *pkt, size_t len);
	/* The session is open (server: PADS sent; client: PADS received):
	 * 0, or -errno and the session is ended with a PADT. */
	int (*session_open)(void *ctx, struct pppoe_session *s);
	/* The session ends without the carrier asking (PADT received, a
	 * client's discovery timed out). Last use of s. */
	void (*session_closed)(void *ctx, struct pppoe_session *s, const char *reason);
};

struct pppoe_engine {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_timers *tm;
	const struct pppoe_carrier_ops *ops;
	void *ctx;
	struct pppoe_counters c;
	unsigned sessions_max;      /* node-wide, 0: no limit */
	unsigned n_sessions;
	uint32_t next_unit;         /* names "PPPoE<unit>" */
	/* AC-Cookie keys: key[cur] for generation gen, key[!cur] for gen-1 */
	uint8_t key[2][32];
	unsigned key_cur;
	uint64_t key_gen;
	bool key_ready;
	uint64_t last_limit_log_ms;
};

#define PPPOE_MAC_RATE_SLOTS 256

struct pppoe_mac_count {
	gint64 mac;                 /* key (48 bits) */
	unsigned n;
	GSList *sessions;           /* this MAC's open sessions */
};

struct pppoe_if {
	struct pppoe_engine *e;
	char *name;
	int ifindex;
	uint8_t mac[6];
	unsigned eth_mtu;                  /* the device's MTU: PPP payload <= eth_mtu - 8 */
	const struct pppoe_group *group;   /* server role, or NULL */
	bool client;                       /* client role on this interface */
	GHashTable *sessions;              /* sid -> session (open ones) */
	GHashTable *per_mac;               /* &count.mac -> struct pppoe_mac_count */
	GPtrArray *pending;                /* client sessions before PADS */
	unsigned n_sessions;
	uint16_t next_sid;
	/* PADI rate: a one-second window per interface and per MAC slot */
	uint64_t padi_window;
	unsigned padi_count;
	struct { uint64_t window; gint64 mac; unsigned n; } mac_rate[PPPOE_MAC_RATE_SLOTS];
	void *data;                        /* the carrier's (socket) */
};

struct pppoe_session {
	struct pppoe_if *ifc;
	enum pppoe_role role;
	enum pppoe_state state;
	uint16_t id;
	uint8_t peer[6];
	uint16_t mtu;               /* largest PPP payload either way */
	uint32_t unit;
	char name[24];              /* "PPPoE7" */
	uint8_t *host_uniq;
	uint16_t host_uniq_len;
	uint8_t *relay;             /* Relay-Session-Id, echoed */
	uint16_t relay_len;
	uint8_t *cookie;            /* client: the AC-Cookie to echo */
	uint16_t cookie_len;
	char *service;
	char *ac_name;              /* client: wanted (NULL any) / chosen */
	uint64_t created_ms;
	bool counted_mac;
	/* client */
	struct vpdn_timer timer;
	unsigned tries;
	uint16_t want_payload;      /* RFC 4638 asked for, 0 none */
	void *data;                 /* the carrier's (link) */
};

/* session.c */
struct pppoe_engine *pppoe_engine_new(struct vpdn_core *core, const struct pppoe_carrier_ops *ops,
				      void *ctx);
void pppoe_engine_free(struct pppoe_engine *e);
struct pppoe_if *pppoe_if_new(struct pppoe_engine *e, const char *name, int ifindex,
			      const uint8_t mac[6]);
void pppoe_if_free(struct pppoe_if *ifc);   /* sessions closed silently */
/* The interface went down: every session on it (open or discovering)
 * ends through the carrier's session_closed(why); no PADT (it cannot be
 * sent). Returns how many ended. */
unsigned pppoe_if_down(struct pppoe_if *ifc, const char *why);
struct pppoe_session *pppoe_session_new(struct pppoe_if *ifc, enum pppoe_role role,
					const uint8_t peer[6]);
/* Take a free session ID on the interface and index the session. */
int pppoe_session_bind_id(struct pppoe_session *s, uint16_t id_or_0);
/* The open session sid whose peer is mac; NULL otherwise. */
struct pppoe_session *pppoe_if_find(struct pppoe_if *ifc, uint16_t sid, const uint8_t mac[6]);
unsigned pppoe_if_mac_sessions(struct pppoe_if *ifc, const uint8_t mac[6]);
/* The MAC's open sessions (struct pppoe_session *), borrowed. */
GSList *pppoe_if_mac_list(struct pppoe_if *ifc, const uint8_t mac[6]);
void pppoe_session_set_state(struct pppoe_session *s, enum pppoe_state st, const char *why);
/* Unindex and free (no packet sent, no callback). */
void pppoe_session_free(struct pppoe_session *s);
/* Send PADT (reason as Generic-Error, may be NULL), set CLOSED, free. The
 * carrier calls this to end a session (PPP down, link hung up). */
void pppoe_session_terminate(struct pppoe_session *s, const char *reason);
int pppoe_send(struct pppoe_if *ifc, const uint8_t dst[6], struct pppoe_builder *b);
/* One socket's batch (pppoe.c's flush): send() is sendmmsg or a test's.
 * A frame the device refused (ENOBUFS: the veth peer's or the queue's
 * drop) costs that frame alone, the rest are still sent; any other error
 * ends the batch. Returns the frames sent; *dropped gets the others. */
unsigned pppoe_send_batch(int fd, struct mmsghdr *msgs, unsigned n,
			  int (*send)(int fd, struct mmsghdr *msgs, unsigned n, int flags),
			  unsigned *dropped, int *last_errno);
gint64 pppoe_mac_key(const uint8_t mac[6]);
/* Log a limit refusal at most every 10 s (counted always). */
void pppoe_log_limit(struct pppoe_engine *e, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

/* server.c */
void pppoe_server_input(struct pppoe_if *ifc, const uint8_t src[6], const uint8_t dst[6],
			const struct pppoe_disc *d);
/* The cookie for (mac, ifindex) under the current key (for tests). */
void pppoe_server_cookie(struct pppoe_if *ifc, const uint8_t mac[6], uint8_t out[16]);

/* client.c */
struct pppoe_session *pppoe_client_start(struct pppoe_if *ifc, const char *service,
					 const char *ac_name, uint16_t want_payload);
void pppoe_client_input(struct pppoe_if *ifc, const uint8_t src[6], const struct pppoe_disc *d);

/* Receive a discovery frame: decode, count, dispatch by code/role. */
void pppoe_disc_input(struct pppoe_if *ifc, const uint8_t src[6], const uint8_t dst[6],
		      const uint8_t *pkt, size_t len);

#define PPPOE_COOKIE_LEN 16
#define PPPOE_PADR_RESEND_MS 10000   /* a PADR again within this gets the same PADS */

#endif
