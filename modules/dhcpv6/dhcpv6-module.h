/* SPDX-License-Identifier: MIT */
/* The dhcpv6 module as module.c and the unit tests see it. */
#ifndef DHCPV6_MODULE_H
#define DHCPV6_MODULE_H

#include <confuse.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/core.h>

struct dh_module;

/* The system side, replaced by a fake in the unit tests. ctx is the
 * io_ctx given to dhcpv6_module_new(). */
struct dh_io_ops {
	/* Open the UDP socket on [::]:port (546 client, 547 server); what it
	 * receives goes to dhcpv6_module_input(m, port, ...). 0 or -errno. */
	int (*open)(void *ctx, struct dh_module *m, uint16_t port);
	/* Join (or leave) ff02::1:2 on ifindex for the port's socket. */
	int (*join)(void *ctx, uint16_t port, int ifindex, bool join);
	/* Send from the port's socket, from src (our link-local address of
	 * the session, as IPv6CP negotiated it), to [dst%ifindex]:dst_port. */
	int (*send)(void *ctx, uint16_t port, int ifindex, const struct in6_addr *src,
		    const struct in6_addr *dst, uint16_t dst_port, const uint8_t *buf, size_t len);
	/* Add (or delete) addr/plen on the kernel interface ifname. */
	int (*lan_addr)(void *ctx, const char *ifname, const struct in6_addr *addr, uint8_t plen,
			uint32_t preferred, uint32_t valid, bool add);
	/* Send an ICMPv6 message (a Router Advertisement) to ff02::1 on the
	 * kernel interface ifname, hop limit 255, from its link-local address
	 * (the kernel computes the checksum). May be NULL. */
	int (*lan_ra)(void *ctx, const char *ifname, const uint8_t *msg, size_t len);
	/* Close the sockets, free ctx (at module free). May be NULL. */
	void (*close)(void *ctx);
};

extern cfg_opt_t dhcpv6_options[];
extern cfg_opt_t dhcpv6_interface_options[];
int dhcpv6_check(cfg_t *cfg);

/* io NULL: the real sockets (sock.c). */
int dhcpv6_module_new(struct vpdn_core *core, cfg_t *cfg, const struct dh_io_ops *io,
		      void *io_ctx, struct dh_module **out);
int dhcpv6_module_reload(struct dh_module *m, cfg_t *cfg);
void dhcpv6_module_free(struct dh_module *m);

/* A datagram received on port from [src%ifindex]. */
void dhcpv6_module_input(struct dh_module *m, uint16_t port, int ifindex,
			 const struct in6_addr *src, const uint8_t *buf, size_t len);

/* For tests and show: leases held (node, one session by interface name,
 * -1 for an unknown one). */
size_t dhcpv6_module_leases(const struct dh_module *m);
int dhcpv6_module_session_leases(struct dh_module *m, const char *ifname);

#endif
