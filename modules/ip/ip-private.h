/* SPDX-License-Identifier: MIT */
/* The ip module's state, shared by its files: ip.c (the module's life),
 * ip-config.c (options, names, check), ip-iface.c (interfaces and the
 * data path), ip-network.c (sessions) and ip-bus.c (D-Bus objects). Not
 * for other modules. */
#ifndef VPDND_IP_PRIVATE_H
#define VPDND_IP_PRIVATE_H

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/vpdnd.h>

#include "ip.h"
#include "ip6-rtable.h"

#define IP_DOD_SLOT 2048     /* bytes per queued packet (MTU <= 1500) */
#define IP_BATCH 64          /* packets read per readable fd */
#define IP_RBUF (65536 + 256) /* a TUN super-packet (64 KB) and then some */
#define IP_ICMP_RATE 50      /* fragmentation-needed per second, burst as many */

enum ip_mode { IP_MODE_PER_INTERFACE, IP_MODE_SHARED };

struct ip_route {
	struct in_addr dst;
	int plen;
	char *ifname;
};

/* IPv6 of a session (ip-ipv6.c): allocated at PPP_IPV6_UP, NULL for an
 * IPv4-only one (the common case costs one pointer). */
struct ip6_session;
struct ip6_pool;

struct ip_slot {
	uint16_t len;
	uint8_t data[IP_DOD_SLOT];
};

/* Dial on demand (a dialer interface only: one block, its queue inside). */
struct ip_dod {
	struct vpdn_timer dial_timer;
	unsigned qhead, qlen, qcap;
	bool dialing;
	struct ip_slot q[];
};

/* What the D-Bus class finds by path: the head of an interface or a
 * loopback (ip-bus.c). key orders ListInterfaces: given once, at
 * creation, from a counter (never reused while the module runs). */
struct ip_bus_obj {
	uint32_t key;
	bool loop;                 /* a struct ip_loop, else a struct ip_iface */
};

/* ifaces keys: the interface's name itself (vpdn_ifname_hash). */
struct ip_iface {
	struct ip_bus_obj obj;     /* first: the D-Bus class's handle */
	struct ip_module *m;
	char *name;                /* IOS name: "Vi2", "Dialer2" */
	char kname[IFNAMSIZ];
	int fd;                    /* own TUN, or -1 (shared mode) */
	int ifindex;
	guint source;
	/* the session while up (fields by size: no holes, 200 bytes, #19) */
	uint32_t mtu;              /* toward the peer (its MRU), 0 when idle */
	uint32_t route_mtu;        /* the MTU the host route was added with, 0: none */
	unsigned n_framed;
	struct in_addr local, peer;
	bool dialer;
	bool addr_added, route_added, in_peers;
	bool adopted;              /* TUN kept across a restart (ip-state.c) */
	bool v4_up;                /* IPCP's NETWORK_UP seen (the link may carry IPv6 alone) */
	bool profile_is_name;      /* profile: the dialer's name, not the session's */
	struct vpdn_link *net;
	struct ip6_session *v6;    /* IPv6CP up: ip-ipv6.c; NULL otherwise */
	struct vpdn_route4 *framed; /* authorization's, installed (n_framed), or NULL */
	struct ip_dod *dod;        /* a dialer's dial on demand, NULL on a session's */
	/* for D-Bus (org.vpdnd.Interface1); while up (net set) only, but
	 * config (interned: a config section's name) on a dialer */
	char *user, *profile;
	char *link_name;           /* NULL while it is `name` (ip_iface_link_name()) */
	const char *config;
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out, ndrops;   /* both families */
	/* IPv6 alone (#18): made at the session's first IPV6_UP, kept past
	 * IPv6CP's close until the next attach (accounting reads them at the
	 * end); NULL for an IPv4-only session, 24 bytes less (#19) */
	struct ip_counters6 *c6;
	int64_t up_since;          /* g_get_monotonic_time() when up */
};

struct ip_counters6 {
	uint64_t pkts_in, pkts_out, bytes_in, bytes_out;
};

/* A packet in (out) the session's IPv6 counted, where it has them. */
static inline void ip_count6(struct ip_iface *ifc, bool in, size_t len)
{
	struct ip_counters6 *c = ifc->c6;
	if (!c)
		return;
	if (in) {
		c->pkts_in++;
		c->bytes_in += len;
	} else {
		c->pkts_out++;
		c->bytes_out += len;
	}
}

/* Interfaces with a session up (net set). */
unsigned ip_ifaces_up(struct ip_module *m);

/* The session's link name (org.vpdnd.Interface1.Link), NULL when not up. */
static inline const char *ip_iface_link_name(const struct ip_iface *ifc)
{
	return ifc->link_name ? ifc->link_name : ifc->net ? ifc->name : NULL;
}

/* vpdn_address_owner() of the session up on ifc (NULL when not up):
 * derived from what the interface keeps rather than kept (#19). */
static inline const char *ip_iface_owner(const struct ip_iface *ifc)
{
	if (!ifc->net)
		return NULL;
	return vpdn_address_owner(ifc->user, ifc->profile_is_name ? NULL : ifc->profile,
				  ifc->config);
}

/* A Loopback interface: only a D-Bus object (its address is on lo). */
struct ip_loop {
	struct ip_bus_obj obj;     /* first: the D-Bus class's handle */
	struct ip_module *m;
	char *name;
	struct in_addr addr;
};

struct ip_module {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	struct vpdn_timers *timers;
	const struct ip_sys_ops *ops;
	void *ops_ctx;
	cfg_t *root;

	enum ip_mode mode;
	char shared_name[IFNAMSIZ];
	int shared_fd, shared_ifindex;
	bool shared_adopted;       /* the shared TUN kept across a restart */
	guint shared_source;
	unsigned dod_queue;
	uint64_t dod_timeout;
	uint32_t mtu;

	GHashTable *ifaces;        /* normalised IOS name -> struct ip_iface */
	GHashTable *peers;         /* peer s_addr -> the ip_iface whose session has it */
	/* a link -> the ip_iface up on it: ip_iface_by_net() (no table) */
	GHashTable *binds;         /* DIALER_BIND: normalised interface -> profile */
	GArray *routes;            /* struct ip_route */
	GArray *loopbacks;         /* struct in_addr we added to lo */
	GPtrArray *loop_objs;      /* struct ip_loop, for D-Bus */
	GTree *bus_objs;           /* key -> struct ip_bus_obj (ifaces and loops) */
	uint32_t bus_next_key;     /* the last key given */
	sd_bus_slot *bus_slot;     /* /org/vpdnd/module/ip and the interface class */
	int lo_index;

	struct vpdn_subscription *sub_up, *sub_down, *sub_bind, *sub_failed, *sub_check;
	struct vpdn_subscription *sub_counters;  /* INTERFACE_COUNTERS */
	/* IPv6 (ip-ipv6.c) */
	struct vpdn_subscription *sub_v6up, *sub_v6down, *sub_v6route;
	GHashTable *peers6;        /* uint64 peer ifid -> ip_iface (link-local demux) */
	GHashTable *pfx6;          /* uint64 upper half of a session /64 -> ip_iface */
	struct ip6_rtable *routes6; /* other prefixes (ipv6-route, IPV6_ROUTE) -> ip_iface */
	GHashTable *pools6;        /* "section key|prefix" -> struct ip6_pool */
	GHashTable *ll6_refs;      /* shared mode: uint64 local ifid -> sessions using it */
	uint64_t *v6_rx, *v6_tx, *v6_drops, *v6_spoofed, *ra_sent, *rs_received;
	uint64_t *rs_limited, *ra_received, *nd_malformed, *v6_route_refused;
	uint64_t *v6_pool_exhausted, *v6_ptb_sent, *v6_pool_unknown;
	uint64_t *rx, *tx, *drops, *dod_queued, *dod_delivered, *dod_dropped, *unclaimed;
	uint64_t *tun_lost;        /* TUN devices found unusable (deleted) */
	uint64_t *frag_needed, *fragmented, *too_big;
	uint64_t *addr_refused, *addr_takeovers, *route_failures;
	uint64_t *framed_refused;  /* authorization's routes not installed */
	uint8_t *rbuf;
	uint8_t *sbuf;             /* one segment of a super-packet (gso.c), IP_RBUF */
	bool offloads_logged;
	struct ip_gro *gro;        /* a session's TCP segments being coalesced (gso.c), or NULL */
	GSource *gro_flush;        /* writes it before the main loop polls */
	uint64_t *gro_packets;     /* super-packets written to the TUN */
	uint64_t *gso_packets;     /* super-packets read from the TUN and segmented */
	uint8_t fbuf[IP_DOD_SLOT]; /* one fragment (an MTU is at most IP_DOD_SLOT) */
	uint8_t ibuf[576];         /* one ICMP error */
	uint32_t icmp_tokens;
	uint64_t icmp_ms;          /* clock of the last refill */
};

/* ip-config.c */
uint32_t ip_plen_mask(int plen);           /* network order */
bool ip_is_loopback(const char *name);     /* "Loopback0", "Lo0" */
/* An interface section this module gives an idle TUN: ip-dialer, a
 * dialer-pool, or named by an ip-route. */
bool ip_is_dialer_section(cfg_t *root, cfg_t *ifc);
/* ip-address, else the ip-unnumbered interface's; 0 when none. */
struct in_addr ip_section_address(cfg_t *root, cfg_t *ifc);
/* The `ip` settings and the static routes into m (its routes array). */
int ip_config_load(struct ip_module *m, cfg_t *cfg);
/* The ip-route sections appended to routes (struct ip_route). */
int ip_config_routes(cfg_t *cfg, GArray *routes);
void ip_route_clear(gpointer p);           /* GArray clear function */

/* ip-iface.c: interfaces by IOS name (vpdn_ifname_eq), in m->ifaces. */
struct ip_iface *ip_iface_find(struct ip_module *m, const char *name);
int ip_iface_new(struct ip_module *m, const char *name, bool dialer, struct ip_iface **out);
void ip_iface_free(gpointer p);            /* m->ifaces' value destructor */
void ip_iface_destroy(struct ip_iface *ifc);
/* The session's network link, attached while up (ip-network.c). */
extern const struct vpdn_link_ops ip_iface_net_ops;
/* The interface up on net (attached at its end B), or NULL: the link's
 * own ctx, not a table (#19). */
static inline struct ip_iface *ip_iface_by_net(struct ip_module *m, struct vpdn_link *net)
{
	struct ip_iface *ifc = vpdn_link_ctx(net, VPDN_LINK_B, &ip_iface_net_ops);

	return ifc && ifc->m == m && ifc->net == net ? ifc : NULL;
}
/* A packet from the kernel to the session (fitted to the peer's MRU). */
void ip_iface_send(struct ip_iface *ifc, const uint8_t *p, size_t len);
/* An ICMP error may go now (IP_ICMP_RATE a second, both families). */
bool ip_icmp_allowed(struct ip_module *m);
void ip_dod_flush_drop(struct ip_iface *ifc, const char *why);
void ip_dod_packet(struct ip_iface *ifc, const uint8_t *p, size_t len);
/* Send the held packets whose family is up now (IPv4: v4_up, IPv6: v6),
 * in order; the others stay held. */
void ip_dod_deliver(struct ip_iface *ifc);
void ip_static_routes_restore(struct ip_iface *ifc);
/* Poll m->shared_fd (when the ops can be polled). */
void ip_shared_watch(struct ip_module *m);
/* Write the TCP segments being coalesced (before anything else is
 * written, a device closed, a session freed). */
void ip_gro_flush(struct ip_module *m);
void ip_gro_init(struct ip_module *m);
void ip_gro_fini(struct ip_module *m);
/* Log the offloads the kernel took for a TUN just opened or adopted. */
void ip_tun_log_offloads(struct ip_module *m, const char *kname, int fd);

/* ip-network.c */
/* The session on ifc is over: route, address, MTU undone; a Virtual-
 * Access interface is freed, a dialer profile's stays idle. */
void ip_iface_down(struct ip_iface *ifc, const char *why);
void ip_network_subscribe(struct ip_module *m);
void ip_network_unsubscribe(struct ip_module *m);

/* ip-network.c, shared with ip-ipv6.c: the interface a session's
 * network goes on (a dialer profile's, or a Virtual-Access made for it;
 * NULL: none, logged), attaching the link to it (user, owner, names,
 * counters), its MTU, and the IPv4 side alone going down. */
struct ip_iface *ip_session_iface(struct ip_module *m, const char *interface, const char *config,
				  const char *profile);
void ip_iface_attach(struct ip_iface *ifc, struct vpdn_link *net, const char *interface,
		     const char *config, const char *profile, const char *user);
void ip_iface_apply_mtu(struct ip_iface *ifc, uint32_t mru);
void ip_iface_v4_down(struct ip_iface *ifc);

/* ip-ipv6.c: the IPv6 side of a session (see the file). */
int ip6_config_check(cfg_t *cfg);   /* the ipv6-* interface options */
void ip6_init(struct ip_module *m);
void ip6_fini(struct ip_module *m);
void ip6_subscribe(struct ip_module *m);
void ip6_unsubscribe(struct ip_module *m);
/* Everything IPv6 of the session undone (addresses, routes, lease,
 * timers); ifc->v6 is NULL after. */
void ip6_session_down(struct ip_iface *ifc, const char *why);
/* An IPv6 packet from the session (RS/RA consumed here, the rest to the
 * kernel) and one from the kernel (ifc NULL: the shared device, demuxed
 * by destination). */
void ip6_from_session(struct ip_iface *ifc, const uint8_t *p, size_t len);
void ip6_from_kernel(struct ip_module *m, struct ip_iface *ifc, const uint8_t *p, size_t len);
/* For D-Bus: "" when none. */
void ip6_describe(const struct ip_iface *ifc, char *ll_local, char *ll_peer, char *prefix,
		  size_t len, const char **state);
/* The prefixes other modules routed to the session (VPDN_EV_IPV6_ROUTE:
 * DHCPv6-delegated), "P/len" separated by a space, "" none; at most
 * IP6_ROUTED_TEXT octets with the NUL. */
#define IP6_ROUTED_TEXT (4 * (INET6_ADDRSTRLEN + 5))
void ip6_routed_text(const struct ip_iface *ifc, char *out, size_t len);

/* ip-bus.c: /org/vpdnd/module/ip (org.vpdnd.Ip1) and the class of
 * interface objects /org/vpdnd/interface/<name> (org.vpdnd.Interface1),
 * found by path. Without a bus these do nothing. */
int ip_bus_module_add(struct ip_module *m);
void ip_bus_module_remove(struct ip_module *m);
/* Every interface and loopback gets a key (ListInterfaces' order) when
 * created and leaves the list when freed. */
gint ip_bus_key_cmp(gconstpointer a, gconstpointer b);
void ip_bus_obj_add(struct ip_module *m, struct ip_bus_obj *o, bool loop);
void ip_bus_obj_remove(struct ip_module *m, struct ip_bus_obj *o);
/* PropertiesChanged for the properties that emit it. */
void ip_bus_changed(struct ip_iface *ifc);

/* ListInterfaces(u cursor, u max) -> (a(oa{sv}) interfaces, u next): the
 * rows with keys above cursor, in key order, at most max (0: the
 * default; capped at IP_BUS_PAGE_MAX) and about IP_BUS_PAGE_BYTES; next
 * is the cursor of the next page, 0 at the end. Appends the array to m
 * (the tests send it as they like); *rows (if given) gets the count. */
#define IP_BUS_PAGE_DEFAULT VPDN_DBUS_PAGE_DEFAULT
#define IP_BUS_PAGE_MAX VPDN_DBUS_PAGE_MAX
#define IP_BUS_PAGE_BYTES VPDN_DBUS_PAGE_BYTES
#define IP_BUS_ROW_FIXED 640     /* a row's octets beyond its strings (~510), rounded up */
#define IP_BUS_ROW_V6 200        /* the Ipv6* properties without their addresses (~160) */
int ip_bus_append_interfaces(struct ip_module *m, sd_bus_message *msg, uint32_t cursor,
			     uint32_t max, uint32_t *next, uint32_t *rows);

/* ip-routes.c: the authorization's routes of a session (events.h
 * vpdn_ev_ppp_network.routes), installed when it is up, removed with it. */
void ip_framed_routes_add(struct ip_iface *ifc, const struct vpdn_ev_ppp_network *ev);
void ip_framed_routes_remove(struct ip_iface *ifc);


#endif
