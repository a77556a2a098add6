/* SPDX-License-Identifier: MIT */
/*
 * The ip module: IP interfaces of the node on TUN devices.
 *
 *  - Loopback interfaces (`interface "Loopback0" { ip-address = ... }`):
 *    their address is added to the kernel's `lo`.
 *  - Dialer profiles (`interface "Dialer2"` with `ip-dialer = true`, a
 *    dialer-pool, or named by an `ip-route`): a TUN exists while idle so
 *    static routes can point at it. A packet read from an idle one is
 *    interesting traffic: VPDN_EV_INTERESTING_TRAFFIC is published and the
 *    packet is held in a bounded queue (`ip { dod-queue }`) until the
 *    profile's network comes up (delivered in order) or the dial times out
 *    (`ip { dod-timeout }`, dropped and counted).
 *  - Virtual-Access interfaces: a TUN per session created on
 *    VPDN_EV_PPP_NETWORK_UP ("Vi2" -> "vi2") and removed when it goes down.
 *  - Shared mode (`ip { mode = "shared" }`): one TUN for every session; a
 *    hash by peer address picks the session for packets read from it, then
 *    the static routes (to reach idle dialers).
 *  - Peer addresses: the same hash (every mode) says which session holds
 *    an address (VPDN_EV_ADDRESS_CHECK, events.h); a session whose host
 *    route the kernel refuses is ended (net link hung up) rather than left
 *    without traffic.
 *
 * ip-address and ip-unnumbered are the core's interface keys
 * (vpdnd/interface.h); this module adds ip-dialer. Interface names are
 * IOS names compared with vpdn_ifname_eq ("Di2" is "Dialer2").
 */
#ifndef VPDND_IP_H
#define VPDND_IP_H

#include <confuse.h>
#include <glib.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vpdnd/core.h>

#include "sys.h"

struct ip_module;

extern cfg_opt_t ip_options[];
extern cfg_opt_t ip_interface_options[];

int ip_check(cfg_t *cfg);

/* ops: ip_sys_kernel, or a fake; ops_ctx is passed to every op. */
int ip_module_new(struct vpdn_core *core, cfg_t *cfg, const struct ip_sys_ops *ops,
		  void *ops_ctx, struct ip_module **out);
void ip_module_free(struct ip_module *m);
/* ip-state.c: restart in place (docs/RESTART.md) */
#define IP_STATE_VERSION 1
/* The TUN kname kept by the previous process (fd, *ifindex set), or
 * -ENOENT (none: open one), -EBADF (not that TUN: closed). */
int ip_state_take_tun(struct ip_module *m, const char *kname, int *ifindex);
GVariant *ip_state_save(struct ip_module *m);
int ip_state_restore(struct ip_module *m, GVariant *data, uint32_t version);
/* A new config (the old one is freed after): static routes added and
 * removed, new dialer interfaces; sessions stay. */
int ip_module_reload(struct ip_module *m, cfg_t *cfg);

/* The fd (from ops->tun_open) is readable: read packets until -EAGAIN (at
 * most a batch). Called by the module's GSource, or by tests with fakes. */
void ip_module_tun_input(struct ip_module *m, int fd);

/* "Virtual-Access2"/"Vi2"/"virtual-access 2" -> "vi2", "Dialer2"/"Di2" ->
 * "dialer2", "Virtual-Template1" -> "vt1", "Loopback0" -> "lo0" (the type
 * as vpdn_ifname_type() sees it); others lower-cased, alphanumerics and
 * '-' kept ('/', ':', '.' become '-'), truncated to IFNAMSIZ-1. */
void ip_kernel_name(const char *ios, char out[IFNAMSIZ]);
/* "a.b.c.d", "a.b.c.d/len" or "a.b.c.d m.m.m.m". */
int ip_parse_prefix(const char *s, struct in_addr *a, int *plen);

struct ip_stats {
	uint64_t rx;            /* packets from the kernel sent on a session */
	uint64_t tx;            /* packets from sessions written to the kernel */
	uint64_t drops;         /* bad packets, no session, write errors */
	uint64_t dod_queued, dod_delivered, dod_dropped;
	uint64_t traffic_unclaimed; /* interesting traffic nobody dialed for */
	uint64_t tun_lost;          /* TUN devices found deleted; sessions closed */
	uint64_t frag_needed;       /* ICMP fragmentation-needed sent (DF over MRU) */
	uint64_t fragmented;        /* packets over the peer's MRU fragmented */
	uint64_t too_big;           /* packets over the peer's MRU not sent whole */
};
void ip_module_stats(struct ip_module *m, struct ip_stats *out);

/* For tests and D-Bus: an interface by IOS name. */
bool ip_module_has_iface(struct ip_module *m, const char *name);
int ip_module_iface_fd(struct ip_module *m, const char *name);     /* -ENOENT */
int ip_module_iface_ifindex(struct ip_module *m, const char *name); /* -ENOENT */
const char *ip_module_iface_kernel_name(struct ip_module *m, const char *name);
int ip_module_dod_queued(struct ip_module *m, const char *name);   /* -ENOENT */
bool ip_module_iface_up(struct ip_module *m, const char *name);
/* The interface whose session has this peer address, or NULL (every
 * mode). The peers table answers VPDN_EV_ADDRESS_CHECK: an address is
 * held by its session's owner; the owner's newer session takes it at
 * NETWORK_UP (the stale one ended through its net link), another owner's
 * is refused. */
const char *ip_module_lookup_peer(struct ip_module *m, struct in_addr peer);
int ip_module_shared_fd(struct ip_module *m); /* -1 when not shared */
/* MTU toward the session's peer (its MRU, at most ip { mtu }); 0 idle. */
uint32_t ip_module_iface_mtu(struct ip_module *m, const char *name);

#endif
