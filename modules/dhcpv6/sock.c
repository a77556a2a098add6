/* SPDX-License-Identifier: MIT */
/*
 * The real io: one UDP/IPv6 socket per port (547 server, 546 client) on
 * [::], IPV6_RECVPKTINFO for the interface a datagram came in on, joins
 * of ff02::1:2 per ifindex, sends with IPV6_PKTINFO naming the outgoing
 * interface (the destination is link-local) and our negotiated link-local
 * source (the kernel may hold another one on a TUN: the far end knows the
 * session by the IPv6CP identifiers only), and the client's LAN
 * address through rtnetlink (libmnl, as modules/ip/sys.c). A datagram
 * longer than DHCPV6_MSG_MAX is read whole (MSG_TRUNC gives its length)
 * and the module drops it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <glib-unix.h>

#include "dhcpv6-private.h"

struct dh_sock {
	struct dh_module *m;
	int fd[2];              /* [0] client 546, [1] server 547 */
	guint src[2];
};

static int slot(uint16_t port)
{
	return port == DHCPV6_SERVER_PORT ? 1 : 0;
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dh_sock *k = data;
	uint16_t port = fd == k->fd[1] ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT;

	(void)cond;
	for (int burst = 0; burst < 64; burst++) {
		uint8_t buf[DHCPV6_MSG_MAX + 1];
		struct sockaddr_in6 from;
		union {
			struct cmsghdr h;
			uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
		} cb;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr mh = { .msg_name = &from, .msg_namelen = sizeof(from),
				     .msg_iov = &iov, .msg_iovlen = 1,
				     .msg_control = &cb, .msg_controllen = sizeof(cb) };
		ssize_t n = recvmsg(fd, &mh, MSG_DONTWAIT | MSG_TRUNC);
		if (n < 0)
			break;
		int ifindex = (int)from.sin6_scope_id;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
			if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
				struct in6_pktinfo pi;
				memcpy(&pi, CMSG_DATA(c), sizeof(pi));
				ifindex = (int)pi.ipi6_ifindex;
			}
		/* n is the datagram's length (MSG_TRUNC), maybe over buf: the
		 * module drops anything over DHCPV6_MSG_MAX before reading it */
		dhcpv6_module_input(k->m, port, ifindex, &from.sin6_addr, buf, (size_t)n);
		vpdn_bus_run_pending(k->m->bus);
	}
	return G_SOURCE_CONTINUE;
}

static int s_open(void *ctx, struct dh_module *m, uint16_t port)
{
	struct dh_sock *k = ctx;
	int i = slot(port), one = 1;
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				  .sin6_addr = IN6ADDR_ANY_INIT };

	if (k->fd[i] >= 0)
		return 0;
	int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	k->m = m;
	k->fd[i] = fd;
	k->src[i] = g_unix_fd_add(fd, G_IO_IN, on_readable, k);
	return 0;
}

static int s_join(void *ctx, uint16_t port, int ifindex, bool on)
{
	struct dh_sock *k = ctx;
	struct ipv6_mreq mr = { .ipv6mr_multiaddr = DHCPV6_ALL_SERVERS_INIT,
				.ipv6mr_interface = (unsigned)ifindex };
	int fd = k->fd[slot(port)];

	if (fd < 0)
		return -EBADF;
	if (setsockopt(fd, IPPROTO_IPV6, on ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &mr,
		       sizeof(mr)) < 0)
		return (!on || errno == EADDRINUSE) ? 0 : -errno;
	return 0;
}

static int s_send(void *ctx, uint16_t port, int ifindex, const struct in6_addr *src,
		  const struct in6_addr *dst, uint16_t dst_port, const uint8_t *buf, size_t len)
{
	struct dh_sock *k = ctx;
	int fd = k->fd[slot(port)];
	struct sockaddr_in6 to = { .sin6_family = AF_INET6, .sin6_port = htons(dst_port),
				   .sin6_addr = *dst, .sin6_scope_id = (uint32_t)ifindex };
	union {
		struct cmsghdr h;
		uint8_t b[CMSG_SPACE(sizeof(struct in6_pktinfo))];
	} cb;
	struct iovec iov = { (void *)buf, len };
	struct msghdr mh = { .msg_name = &to, .msg_namelen = sizeof(to), .msg_iov = &iov,
			     .msg_iovlen = 1, .msg_control = &cb, .msg_controllen = sizeof(cb) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
	struct in6_pktinfo pi = { .ipi6_addr = *src, .ipi6_ifindex = (unsigned)ifindex };

	if (fd < 0)
		return -EBADF;
	memset(&cb, 0, sizeof(cb));
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(pi));
	memcpy(CMSG_DATA(c), &pi, sizeof(pi));
	if (sendmsg(fd, &mh, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

static int s_lan_addr(void *ctx, const char *ifname, const struct in6_addr *addr, uint8_t plen,
		      uint32_t preferred, uint32_t valid, bool add)
{
	uint8_t buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned ifindex = if_nametoindex(ifname);
	struct mnl_socket *nl = NULL;
	int r;

	(void)ctx;
	if (!ifindex)
		return -ENODEV;
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);
	nh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (add ? NLM_F_CREATE | NLM_F_REPLACE : 0);
	nh->nlmsg_seq = (uint32_t)time(NULL);
	struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = plen;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nh, IFA_LOCAL, sizeof(*addr), addr);
	mnl_attr_put(nh, IFA_ADDRESS, sizeof(*addr), addr);
	if (add) {
		struct ifa_cacheinfo ci = { .ifa_prefered = preferred, .ifa_valid = valid };
		mnl_attr_put(nh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, nh, nh->nlmsg_len) < 0) {
		r = -errno;
		goto fail;
	}
	ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		r = -errno;
		goto fail;
	}
	r = mnl_cb_run(buf, (size_t)n, nh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL);
	r = r < 0 ? -errno : 0;
fail:
	mnl_socket_close(nl);
	return r;
}

static void s_close(void *ctx)
{
	struct dh_sock *k = ctx;

	for (int i = 0; i < 2; i++) {
		if (k->src[i])
			g_source_remove(k->src[i]);
		if (k->fd[i] >= 0)
			close(k->fd[i]);
	}
	g_free(k);
}

/* A raw ICMPv6 socket per RA: they are rare (a few a minute at most). */
static int s_lan_ra(void *ctx, const char *ifname, const uint8_t *msg, size_t len)
{
	struct sockaddr_in6 to = { .sin6_family = AF_INET6 };
	int hops = 255, r = 0;
	unsigned idx = if_nametoindex(ifname);
	int fd;

	if (!idx)
		return -errno;
	fd = socket(AF_INET6, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMPV6);
	if (fd < 0)
		return -errno;
	inet_pton(AF_INET6, "ff02::1", &to.sin6_addr);
	to.sin6_scope_id = idx;
	if (setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, &hops, sizeof(hops)) < 0 ||
	    setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, &idx, sizeof(idx)) < 0 ||
	    sendto(fd, msg, len, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		r = -errno;
	close(fd);
	return r;
}

const struct dh_io_ops dh_io_real = {
	.open = s_open,
	.join = s_join,
	.send = s_send,
	.lan_addr = s_lan_addr,
	.lan_ra = s_lan_ra,
	.close = s_close,
};

int dh_sock_new(struct dh_module *m, void **ctx)
{
	struct dh_sock *k = g_new0(struct dh_sock, 1);

	k->m = m;
	k->fd[0] = k->fd[1] = -1;
	*ctx = k;
	return 0;
}
