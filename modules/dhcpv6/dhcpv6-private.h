/* SPDX-License-Identifier: MIT */
/*
 * The dhcpv6 module's state, shared by its files:
 *   dhcpv6.c        the module's life: bus events, sessions, the sockets'
 *                   input, route requests
 *   dhcpv6-config.c options, check(), pools as the server reads them
 *   pool.c          delegated-prefix pools (index allocation)
 *   server.c        the server's message handling (RFC 8415 18.3)
 *   lease.c         the lease state machine (one delegated prefix)
 *   client.c        the client state machine (requesting router)
 *   sock.c          the real UDP sockets and the LAN address (libmnl)
 *   dhcpv6-bus.c    D-Bus: Dhcpv6Server1.Bindings (show ipv6 dhcp binding)
 */
#ifndef DHCPV6_PRIVATE_H
#define DHCPV6_PRIVATE_H

#include <glib.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/module.h>

#include "dhcpv6.h"
#include "dhcpv6-module.h"

struct dh_module;
struct dh_session;

/* ---- pools (pool.c) ---- */
struct dh_pool {
	char *name;
	struct in6_addr prefix;
	uint8_t plen, assign;           /* e.g. /40 handing out /56 */
	uint32_t preferred, valid;      /* seconds */
	struct in6_addr dns[DHCPV6_MAX_DNS];
	size_t n_dns;
	uint64_t size;                  /* prefixes it holds (capped 2^32) */
	uint64_t cursor;                /* next index to try */
	GHashTable *used;               /* index+1 (as a pointer) -> set */
};
struct dh_pool *dh_pool_new(const char *name, const struct in6_addr *prefix, uint8_t plen,
			    uint8_t assign);
void dh_pool_free(gpointer p);
/* Take a free prefix: 0 with its index and prefix, or -ENOSPC. */
int dh_pool_take(struct dh_pool *p, uint64_t *index, struct in6_addr *out);
void dh_pool_put(struct dh_pool *p, uint64_t index);
size_t dh_pool_in_use(const struct dh_pool *p);
/* The index-th prefix of the pool. */
void dh_pool_prefix(const struct dh_pool *p, uint64_t index, struct in6_addr *out);
/* Clear the bits of a past plen. */
void dh_prefix_mask(struct in6_addr *a, uint8_t plen);
/* "::1/64" -> host part and 64 (dhcpv6-client-pd-address). */
int dh_parse_host(const char *s, struct in6_addr *host, uint8_t *plen);

/* ---- leases (lease.c): the lease state machine ---- */
enum dh_lease_state {
	DH_LEASE_OFFERED,   /* Advertised: held for offer-hold seconds */
	DH_LEASE_BOUND,     /* Replied: routed, valid-lifetime timer */
	DH_LEASE_ENDED,     /* released, expired or the session went down */
};
const char *dh_lease_state_name(enum dh_lease_state s);

struct dh_lease {
	struct dh_session *s;
	enum dh_lease_state state;
	struct dhcpv6_duid client_id;
	uint32_t iaid;
	struct in6_addr prefix;
	uint8_t plen;
	struct dh_pool *pool;           /* NULL: the prefix came from auth */
	uint64_t index;
	uint32_t preferred, valid;
	struct vpdn_timer timer;
	struct vpdn_request *route_req; /* the add in flight */
	bool routed;                    /* an add was asked */
};
/* A new lease in OFFERED (nothing routed yet). */
struct dh_lease *dh_lease_new(struct dh_session *s, const struct dhcpv6_duid *client,
			      uint32_t iaid, const struct in6_addr *prefix, uint8_t plen,
			      struct dh_pool *pool, uint64_t index, uint32_t preferred,
			      uint32_t valid);
/* OFFERED -> BOUND (routes it) or BOUND -> BOUND (renewed): timer to valid. */
void dh_lease_bind(struct dh_lease *l);
/* Any -> ENDED: unroute, give the prefix back, take it out of its session
 * and free it. l is freed when this returns. */
void dh_lease_end(struct dh_lease *l, const char *why);

/* ---- sessions ---- */
struct dh_session {
	struct dh_module *m;
	char *interface;                /* "Vi2" */
	char *config;                   /* "Virtual-Template1" */
	char *user;
	struct in6_addr peer_ll, local_ll;
	bool server;
	/* server: where prefixes come from */
	struct in6_addr auth_prefix;    /* Delegated-IPv6-Prefix */
	uint8_t auth_plen;              /* 0: none */
	char *pool_name;                /* auth's pool, else the interface's */
	struct in6_addr dns[DHCPV6_MAX_DNS];
	size_t n_dns;
	GPtrArray *leases;              /* struct dh_lease *, owned */
	int ifindex;                    /* 0 until known */
	bool joined;
	struct dh_client *client;       /* client role */
};

/* ---- client (client.c): the requesting router ---- */
enum dh_client_state {
	DH_CLIENT_SOLICITING,
	DH_CLIENT_REQUESTING,
	DH_CLIENT_BOUND,
	DH_CLIENT_RENEWING,
	DH_CLIENT_REBINDING,
	DH_CLIENT_STOPPED,
};
const char *dh_client_state_name(enum dh_client_state s);

struct dh_client {
	struct dh_session *s;
	enum dh_client_state state;
	uint32_t xid;
	uint32_t iaid;
	uint64_t started;               /* ms: this exchange's first send */
	uint32_t rt;                    /* ms: retransmission timeout */
	unsigned tries;
	struct dhcpv6_duid server_id;
	struct in6_addr prefix;
	uint8_t plen;
	uint32_t t1, t2, preferred, valid;
	bool have_prefix, lan_set;
	struct in6_addr lan_addr;
	char *lan;                      /* kernel interface for ::1/64 */
	struct in6_addr lan_host;       /* the host part ("::1") */
	uint8_t lan_plen;
	struct vpdn_timer timer;        /* retransmission or T1/T2 */
	struct vpdn_timer expire;       /* valid lifetime */
	struct vpdn_timer ra_timer;     /* RAs on the LAN for the /64 */
	unsigned ra_sent;
};
struct dh_client *dh_client_new(struct dh_session *s, const char *lan,
				const struct in6_addr *host, uint8_t lan_plen);
/* Send a Release (when bound), take the LAN address away, free. */
void dh_client_free(struct dh_client *c);
void dh_client_input(struct dh_client *c, const struct dhcpv6_msg *msg);

/* ---- the module ---- */
struct dh_module {
	struct vpdn_core *core;
	struct vpdn_bus *bus;
	struct vpdn_timers *tm;
	struct vpdn_log *log;
	cfg_t *cfg;
	GHashTable *pools;              /* name -> struct dh_pool */
	GHashTable *sessions;           /* ifname key -> struct dh_session */
	GHashTable *by_ll;              /* in6_addr peer ll -> session (server) */
	GHashTable *ifindex;            /* ifname key -> ifindex (INTERFACE_CREATED) */
	GHashTable *joins;              /* ifindex -> count of sessions joined */
	GHashTable *routing;            /* vpdn_request in flight -> its context */
	struct vpdn_subscription *subs[5];
	struct dhcpv6_duid duid;        /* ours (server and client) */
	const struct dh_io_ops *io;
	void *io_ctx;
	bool server_open, client_open;
	size_t n_leases;
	unsigned max_leases, max_per_session, offer_hold;
	bool rapid_commit;
	struct sd_bus_slot *bus_slot;   /* dhcpv6-bus.c: the module object, NULL no bus */
	uint64_t *c_malformed, *c_unknown_source, *c_wrong_server, *c_oversize,
		 *c_no_binding, *c_limit, *c_no_prefix, *c_unexpected, *c_bound,
		 *c_ended, *c_route_failed;
};

/* dhcpv6-bus.c: org.vpdnd.Dhcpv6Server1 on /org/vpdnd/module/dhcpv6 */
int dh_bus_register(struct dh_module *m);
void dh_bus_unregister(struct dh_module *m);

/* dhcpv6.c */
struct dh_session *dh_session_by_name(struct dh_module *m, const char *ifname);
void dh_route(struct dh_module *m, struct dh_lease *l, bool add);
int dh_send(struct dh_module *m, struct dh_session *s, bool to_server, const struct dhcpv6_msg *msg);
/* dhcpv6-config.c */
int dh_config_apply(struct dh_module *m, cfg_t *cfg);
/* server.c */
void dh_server_input(struct dh_module *m, struct dh_session *s, const struct dhcpv6_msg *msg);
void dh_session_dns(struct dh_module *m, struct dh_session *s, struct dhcpv6_msg *out);
/* sock.c: the real io (ctx from dh_sock_new, freed by its close) */
extern const struct dh_io_ops dh_io_real;
int dh_sock_new(struct dh_module *m, void **ctx);

#endif
