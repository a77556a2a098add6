/* SPDX-License-Identifier: MIT */
/*
 * The ip module's view of the kernel: TUN devices, addresses and routes.
 * Everything the module does to the system goes through struct ip_sys_ops
 * so unit tests can substitute a fake kernel (no TUN, no netlink).
 *
 * ip_sys_kernel is the real one: /dev/net/tun and rtnetlink on a
 * NETLINK_ROUTE socket. All functions return 0 (or a value) or -errno.
 */
#ifndef VPDND_IP_SYS_H
#define VPDND_IP_SYS_H

#include <linux/virtio_net.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the kernel's routing says about one destination (route_get). */
struct ip_route_info {
	uint8_t type;            /* RTN_UNICAST, RTN_LOCAL, RTN_BROADCAST, ... */
	bool gateway;            /* via a gateway (not a connected network) */
	int ifindex;             /* output device, 0 if none */
	uint32_t mtu;            /* the route's RTAX_MTU, 0 if none */
};

struct ip_sys_ops {
	/* The fds returned by tun_open are polled by the module (one GSource
	 * per fd) when true; fakes set false and feed packets by calling
	 * ip_module_tun_input(). */
	bool pollable;
	/* Create a TUN (IFF_TUN|IFF_NO_PI, non-blocking; the kernel's also
	 * IFF_VNET_HDR with offloads, see tun_read_vnet) named `name`, set
	 * its MTU and bring it up. Returns the fd; *ifindex is set. */
	int (*tun_open)(void *ctx, const char *name, uint32_t mtu, int *ifindex);
	void (*tun_close)(void *ctx, int fd);
	/* One packet, or -EAGAIN when none is waiting. */
	ssize_t (*tun_read)(void *ctx, int fd, void *buf, size_t len);
	ssize_t (*tun_write)(void *ctx, int fd, const void *buf, size_t len);
	/* ifindex of an existing device ("lo"), or -ENODEV. */
	int (*ifindex)(void *ctx, const char *name);
	/* Add/delete local address a/plen on ifindex (add: -EEXIST if there). */
	int (*addr)(void *ctx, bool add, int ifindex, struct in_addr a, int plen);
	/* Add/delete route dst/plen dev ifindex scope link, preferred source
	 * src (0: none), metric (the kernel prefers the lowest: a session's
	 * host route, metric 0, wins over a static route to an idle dialer,
	 * IP_STATIC_METRIC, as a connected route's distance does in IOS).
	 * mtu (add only; 0: none, the device's): the route's MTU (RTAX_MTU)
	 * in the same message, so a shared-mode session's host route comes
	 * with its peer's MRU in one round trip instead of add + route_mtu. */
	int (*route)(void *ctx, bool add, int ifindex, struct in_addr dst, int plen,
		     struct in_addr src, uint32_t metric, uint32_t mtu);
	/* Set a device's MTU (a session's: the peer's MRU). May be NULL. */
	int (*link_mtu)(void *ctx, int ifindex, uint32_t mtu);
	/* Replace the route dst/plen dev ifindex (metric 0, preferred source
	 * src as route() installed it) with one of MTU mtu (shared mode: one
	 * device, an MTU per session, when the route was not added with it:
	 * one adopted across a restart). -ENOENT if there is none. May be NULL. */
	int (*route_mtu)(void *ctx, int ifindex, struct in_addr dst, int plen,
			 struct in_addr src, uint32_t mtu);
	/* Appended. How the kernel would route to dst (RTM_GETROUTE): 0 with
	 * *out set, -ENETUNREACH when there is no route, -errno. May be
	 * NULL (fakes): no kernel to ask. */
	int (*route_get)(void *ctx, struct in_addr dst, struct ip_route_info *out);
	/* Appended (IPv6). Add/delete address a/plen on ifindex (no DAD; valid
	 * and preferred lifetimes in seconds, 0xffffffff forever; add: -EEXIST
	 * if there), and route dst/plen dev ifindex (metric 0: the kernel's
	 * default). May be NULL (fakes): nothing to do. */
	int (*addr6)(void *ctx, bool add, int ifindex, const struct in6_addr *a, int plen,
		     uint32_t valid, uint32_t preferred);
	int (*route6)(void *ctx, bool add, int ifindex, const struct in6_addr *dst, int plen,
		      uint32_t metric);
	/* Appended (offloads). One packet as tun_read, with the struct
	 * virtio_net_hdr the kernel put before it (zero when the fd has none:
	 * the packet is whole, its checksums done). The kernel's TUN is opened
	 * with IFF_VNET_HDR and TUNSETOFFLOAD: super-packets (gso_type) and
	 * checksums left to complete (NEEDS_CSUM) come this way; tun_write
	 * sends a zero header on such an fd. May be NULL (fakes): tun_read. */
	ssize_t (*tun_read_vnet)(void *ctx, int fd, struct virtio_net_hdr *vh, void *buf,
				 size_t len);
	/* The TUN_F_* offloads the kernel took for fd, with IP_TUN_VNET when
	 * it carries the header (for the log). May be NULL. */
	unsigned (*tun_offloads)(void *ctx, int fd);
	/* One packet with its header (a coalesced super-packet, gso.c's
	 * ip_gro); -EOPNOTSUPP when fd has no header. May be NULL. */
	ssize_t (*tun_write_vnet)(void *ctx, int fd, const struct virtio_net_hdr *vh,
				  const void *buf, size_t len);
};

#define IP_TUN_VNET 0x10000

extern const struct ip_sys_ops ip_sys_kernel;

/* Metric of the `ip-route` static routes. */
#define IP_STATIC_METRIC 1

/* Exposed for tests: rtnetlink helpers (libmnl, one NETLINK_ROUTE socket
 * for the process). 0 or the kernel's -errno. */
int ip_nl_link_set(int ifindex, bool up, uint32_t mtu);
/* Close the process's netlink socket and free the table of TUN fds with
 * headers (the module's fini: the module is unloaded after it, and with it
 * the pointers; the next request would open a new one). */
void ip_nl_close(void);
int ip_nl_addr(bool add, int ifindex, struct in_addr a, int plen);
int ip_nl_route(bool add, int ifindex, struct in_addr dst, int plen, struct in_addr src,
		uint32_t metric, uint32_t mtu);
int ip_nl_route_mtu(int ifindex, struct in_addr dst, int plen, struct in_addr src, uint32_t mtu);
int ip_nl_route_get(struct in_addr dst, struct ip_route_info *out);
int ip_nl_addr6(bool add, int ifindex, const struct in6_addr *a, int plen, uint32_t valid,
		uint32_t preferred);
int ip_nl_route6(bool add, int ifindex, const struct in6_addr *dst, int plen, uint32_t metric);

#endif
