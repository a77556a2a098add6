/* SPDX-License-Identifier: MIT */
/* The real kernel behind ip_sys_ops: TUN and rtnetlink. See sys.h. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <unistd.h>

/*
 * rtnetlink through libmnl: it builds the messages (headers, attributes,
 * nesting) and checks the answers (sequence, port, NLMSG_ERROR), which is
 * what the hand-written code here did with the NLMSG_* and RTA_* macros.
 * One socket serves the whole process (the node has one thread): opening
 * and binding one per request was three extra system calls per set-up,
 * several times per session (address check, MTU, routes). A socket whose
 * exchange failed half-way may hold a stale answer, so it is closed and the
 * next request opens a new one.
 */
static struct mnl_socket *nl_sock;
static uint32_t nl_seq;

static struct mnl_socket *nl_get(void)
{
	if (nl_sock)
		return nl_sock;
	nl_sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl_sock)
		return NULL;
	if (mnl_socket_bind(nl_sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int e = errno;

		mnl_socket_close(nl_sock);
		nl_sock = NULL;
		errno = e;
	}
	return nl_sock;
}

static void nl_drop(void)
{
	if (nl_sock)
		mnl_socket_close(nl_sock);
	nl_sock = NULL;
}

static void fd_tables_free(void);

void ip_nl_close(void)
{
	nl_drop();
	fd_tables_free();
}

/* A request of `type` with a family header of `hdrlen` octets; the caller
 * fills the header and adds attributes. */
static struct nlmsghdr *nl_msg(char *buf, uint16_t type, uint16_t flags, void **hdr,
			       size_t hdrlen)
{
	struct nlmsghdr *nh = mnl_nlmsg_put_header(buf);

	nh->nlmsg_type = type;
	nh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nh->nlmsg_seq = ++nl_seq;
	*hdr = mnl_nlmsg_put_extra_header(nh, hdrlen);
	return nh;
}

/* Send one request and return the kernel's verdict (0 or -errno). With
 * NLM_F_ACK the acknowledgement ends the exchange; each other message of
 * the answer goes to cb, when given, before it. Without (RTM_GETROUTE: the
 * route is the answer, a refusal still comes as an NLMSG_ERROR) the first
 * datagram of ours that cb took ends it: the kernel sends an asked-for
 * acknowledgement as a datagram of its own after the route, one recvmsg
 * more per address check where a route exists (every address of a
 * routed LNS: its default route). */
static int nl_exchange(struct nlmsghdr *nh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl = nl_get();
	char buf[MNL_SOCKET_BUFFER_SIZE];
	unsigned portid;
	int r;

	if (!nl)
		return -errno;
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, nh, nh->nlmsg_len) < 0)
		goto fail;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			goto fail;
		}
		/* MNL_CB_STOP once the acknowledgement (an NLMSG_ERROR with
		 * error 0) is seen; -1 with errno from a negative one. */
		r = mnl_cb_run(buf, (size_t)n, nh->nlmsg_seq, portid, cb, data);
		if (r == MNL_CB_STOP || (r == MNL_CB_OK && !(nh->nlmsg_flags & NLM_F_ACK)))
			return 0;
		if (r < 0) {
			r = -errno;
			/* The kernel's refusal ends the exchange cleanly; a
			 * sequence or port mismatch (EPROTO, ESRCH from
			 * libmnl) may leave a stale answer queued, so that
			 * socket goes. The kernel's own ESRCH ("no such
			 * route") costs a new socket too, which is harmless. */
			if (errno == EPROTO || errno == ESRCH)
				nl_drop();
			return r;
		}
	}
fail:
	r = -errno;
	nl_drop();
	return r;
}

int ip_nl_link_set(int ifindex, bool up, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifinfomsg *ifi;
	struct nlmsghdr *nh = nl_msg(buf, RTM_NEWLINK, 0, (void **)&ifi, sizeof(*ifi));

	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		mnl_attr_put_u32(nh, IFLA_MTU, mtu);
	return nl_exchange(nh, NULL, NULL);
}

int ip_nl_addr(bool add, int ifindex, struct in_addr a, int plen)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nh = nl_msg(buf, add ? RTM_NEWADDR : RTM_DELADDR,
				     add ? NLM_F_CREATE | NLM_F_EXCL : 0, (void **)&ifa, sizeof(*ifa));

	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nh, IFA_LOCAL, sizeof(a), &a);
	mnl_attr_put(nh, IFA_ADDRESS, sizeof(a), &a);
	return nl_exchange(nh, NULL, NULL);
}

/* An IPv4 link route's message: RTM_NEWROUTE or RTM_DELROUTE. */
static struct nlmsghdr *route_msg(char *buf, uint16_t type, uint16_t flags, int ifindex,
				  struct in_addr dst, int plen, struct in_addr src)
{
	struct rtmsg *rt;
	struct nlmsghdr *nh = nl_msg(buf, type, flags, (void **)&rt, sizeof(*rt));

	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = (unsigned char)plen;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_scope = RT_SCOPE_LINK;
	rt->rtm_type = RTN_UNICAST;
	mnl_attr_put(nh, RTA_DST, sizeof(dst), &dst);
	mnl_attr_put_u32(nh, RTA_OIF, (uint32_t)ifindex);
	if (src.s_addr)
		mnl_attr_put(nh, RTA_PREFSRC, sizeof(src), &src);
	return nh;
}

/* RTA_METRICS { RTAX_MTU mtu }: "ip route ... mtu N". */
static void route_put_mtu(struct nlmsghdr *nh, uint32_t mtu)
{
	struct nlattr *metrics = mnl_attr_nest_start(nh, RTA_METRICS);

	mnl_attr_put_u32(nh, RTAX_MTU, mtu);
	mnl_attr_nest_end(nh, metrics);
}

int ip_nl_route(bool add, int ifindex, struct in_addr dst, int plen, struct in_addr src,
		uint32_t metric, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nh = route_msg(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
					add ? NLM_F_CREATE | NLM_F_EXCL : 0, ifindex, dst, plen, src);

	if (metric)
		mnl_attr_put_u32(nh, RTA_PRIORITY, metric);
	if (add && mtu)
		route_put_mtu(nh, mtu);
	return nl_exchange(nh, NULL, NULL);
}

int ip_nl_route_mtu(int ifindex, struct in_addr dst, int plen, struct in_addr src, uint32_t mtu)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	/* NLM_F_REPLACE without CREATE: "ip route change", it must exist. */
	struct nlmsghdr *nh = route_msg(buf, RTM_NEWROUTE, NLM_F_REPLACE, ifindex, dst, plen, src);

	route_put_mtu(nh, mtu);
	return nl_exchange(nh, NULL, NULL);
}

struct route_answer {
	struct ip_route_info *out;
	bool found;
};

static int on_metric_attr(const struct nlattr *at, void *data)
{
	struct ip_route_info *out = data;

	if (mnl_attr_get_type(at) == RTAX_MTU && mnl_attr_validate(at, MNL_TYPE_U32) == 0)
		out->mtu = mnl_attr_get_u32(at);
	return MNL_CB_OK;
}

static int on_route_attr(const struct nlattr *at, void *data)
{
	struct ip_route_info *out = data;

	if (mnl_attr_get_type(at) == RTA_METRICS && mnl_attr_validate(at, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(at, on_metric_attr, out);
	else if (mnl_attr_get_type(at) == RTA_GATEWAY)
		out->gateway = true;
	else if (mnl_attr_get_type(at) == RTA_OIF && mnl_attr_validate(at, MNL_TYPE_U32) == 0)
		out->ifindex = (int)mnl_attr_get_u32(at);
	return MNL_CB_OK;
}

static int on_route(const struct nlmsghdr *h, void *data)
{
	struct route_answer *a = data;
	const struct rtmsg *rt = mnl_nlmsg_get_payload(h);

	if (h->nlmsg_type != RTM_NEWROUTE || a->found ||
	    mnl_nlmsg_get_payload_len(h) < sizeof(*rt))
		return MNL_CB_OK;
	a->found = true;
	*a->out = (struct ip_route_info){ .type = rt->rtm_type };
	mnl_attr_parse(h, sizeof(*rt), on_route_attr, a->out);
	return MNL_CB_OK;
}

int ip_nl_route_get(struct in_addr dst, struct ip_route_info *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct route_answer a = { .out = out };
	struct rtmsg *rt;
	struct nlmsghdr *nh = nl_msg(buf, RTM_GETROUTE, 0, (void **)&rt, sizeof(*rt));
	int ret;

	nh->nlmsg_flags &= (uint16_t)~NLM_F_ACK;   /* one answer: the route or an error */
	rt->rtm_family = AF_INET;
	rt->rtm_dst_len = 32;
	mnl_attr_put(nh, RTA_DST, sizeof(dst), &dst);
	ret = nl_exchange(nh, on_route, &a);
	if (ret < 0)
		return ret;
	return a.found ? 0 : -EIO;
}

int ip_nl_addr6(bool add, int ifindex, const struct in6_addr *a, int plen, uint32_t valid,
		uint32_t preferred)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct ifaddrmsg *ifa;
	struct nlmsghdr *nh = nl_msg(buf, add ? RTM_NEWADDR : RTM_DELADDR,
				     add ? NLM_F_CREATE | NLM_F_EXCL : 0, (void **)&ifa, sizeof(*ifa));

	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = (unsigned char)plen;
	ifa->ifa_flags = IFA_F_NODAD;
	ifa->ifa_scope = IN6_IS_ADDR_LINKLOCAL(a) ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned)ifindex;
	mnl_attr_put(nh, IFA_LOCAL, sizeof(*a), a);
	mnl_attr_put(nh, IFA_ADDRESS, sizeof(*a), a);
	if (add) {
		struct ifa_cacheinfo ci = { .ifa_prefered = preferred, .ifa_valid = valid };
		mnl_attr_put_u32(nh, IFA_FLAGS, IFA_F_NODAD);
		mnl_attr_put(nh, IFA_CACHEINFO, sizeof(ci), &ci);
	}
	return nl_exchange(nh, NULL, NULL);
}

int ip_nl_route6(bool add, int ifindex, const struct in6_addr *dst, int plen, uint32_t metric)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct rtmsg *rt;
	struct nlmsghdr *nh = nl_msg(buf, add ? RTM_NEWROUTE : RTM_DELROUTE,
				     add ? NLM_F_CREATE | NLM_F_EXCL : 0, (void **)&rt, sizeof(*rt));

	rt->rtm_family = AF_INET6;
	rt->rtm_dst_len = (unsigned char)plen;
	rt->rtm_table = RT_TABLE_MAIN;
	rt->rtm_protocol = RTPROT_STATIC;
	rt->rtm_scope = RT_SCOPE_UNIVERSE;
	rt->rtm_type = RTN_UNICAST;
	if (plen)
		mnl_attr_put(nh, RTA_DST, sizeof(*dst), dst);
	mnl_attr_put_u32(nh, RTA_OIF, (uint32_t)ifindex);
	if (metric)
		mnl_attr_put_u32(nh, RTA_PRIORITY, metric);
	return nl_exchange(nh, NULL, NULL);
}

/*
 * TUN offloads. Every TUN is opened with IFF_VNET_HDR and asks for
 * checksum, TSO4/6 and USO4/6 offloads (TUNSETOFFLOAD; USO is linux
 * 6.2's, refused before: then without it): the kernel then hands us TCP
 * (and UDP) super-packets of up to 64 KB, one read for what was one per
 * MSS, and packets whose checksum we complete (the ip module, gso.c).
 * Every read and write carries a struct virtio_net_hdr: reads give it to
 * the module (tun_read_vnet), writes send a zero one (no offload asked
 * of the kernel). A kernel without IFF_VNET_HDR gets the plain device.
 *
 * Which descriptors carry the header: a table by fd, filled at open, and
 * for a descriptor this process did not open (adopted across a restart
 * from a node that may have run without offloads) asked once of the
 * kernel (TUNGETIFF).
 */
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20
#define TUN_F_USO6 0x40
#endif

enum { FD_UNKNOWN, FD_PLAIN, FD_VNET };
static uint8_t *fd_kind;
static size_t fd_kinds;

static void fd_kind_set(int fd, uint8_t kind)
{
	if (fd < 0 || (kind == FD_UNKNOWN && (size_t)fd >= fd_kinds))
		return;
	if ((size_t)fd >= fd_kinds) {
		size_t n = fd_kinds ? fd_kinds : 64;

		while (n <= (size_t)fd)
			n *= 2;
		fd_kind = realloc(fd_kind, n);
		if (!fd_kind) {
			fd_kinds = 0;
			return;
		}
		memset(fd_kind + fd_kinds, FD_UNKNOWN, n - fd_kinds);
		fd_kinds = n;
	}
	fd_kind[fd] = kind;
}

static bool fd_vnet(int fd)
{
	if (fd < 0)
		return false;
	if ((size_t)fd >= fd_kinds || fd_kind[fd] == FD_UNKNOWN) {
		struct ifreq ifr = { 0 };
		uint8_t k = ioctl(fd, TUNGETIFF, &ifr) == 0 && (ifr.ifr_flags & IFF_VNET_HDR)
				    ? FD_VNET
				    : FD_PLAIN;

		fd_kind_set(fd, k);
		return k == FD_VNET;
	}
	return fd_kind[fd] == FD_VNET;
}

/* The offloads asked of a TUN, best first: the kernel refuses a flag it
 * does not know (EINVAL) and keeps what it had. */
static const unsigned offload_sets[] = {
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
	TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
	TUN_F_CSUM,
};

static unsigned tun_set_offloads(int fd)
{
	const char *off = getenv("VPDND_TUN_OFFLOAD");

	if (off && strcmp(off, "0") == 0)
		return 0;
	for (size_t i = 0; i < sizeof(offload_sets) / sizeof(offload_sets[0]); i++)
		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)offload_sets[i]) == 0)
			return offload_sets[i];
	return 0;
}

/* Offloads of the descriptors this process opened (for the log line). */
static unsigned *fd_offloads;
static size_t fd_offloads_n;

static int k_tun_open(void *ctx, const char *name, uint32_t mtu, int *ifindex)
{
	struct ifreq ifr = { 0 };
	const char *off = getenv("VPDND_TUN_OFFLOAD");
	bool vnet = !(off && strcmp(off, "0") == 0);
	unsigned offloads = 0;
	int fd, r;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (vnet ? IFF_VNET_HDR : 0);
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		if (!vnet || errno != EINVAL) {
			r = -errno;
			goto fail;
		}
		vnet = false; /* no IFF_VNET_HDR: the plain device */
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
		if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
			r = -errno;
			goto fail;
		}
	}
	if (vnet) {
		int hs = (int)sizeof(struct virtio_net_hdr);

		if (ioctl(fd, TUNSETVNETHDRSZ, &hs) < 0) {
			r = -errno;
			goto fail;
		}
		offloads = tun_set_offloads(fd);
	}
	fd_kind_set(fd, vnet ? FD_VNET : FD_PLAIN);
	if ((size_t)fd >= fd_offloads_n) {
		size_t n = (size_t)fd + 64;
		unsigned *o = realloc(fd_offloads, n * sizeof(*o));

		if (o) {
			memset(o + fd_offloads_n, 0, (n - fd_offloads_n) * sizeof(*o));
			fd_offloads = o;
			fd_offloads_n = n;
		}
	}
	if ((size_t)fd < fd_offloads_n)
		fd_offloads[fd] = offloads | (vnet ? IP_TUN_VNET : 0);
	*ifindex = (int)if_nametoindex(ifr.ifr_name);
	if (*ifindex <= 0) {
		r = -ENODEV;
		goto fail;
	}
	r = ip_nl_link_set(*ifindex, true, mtu);
	if (r < 0)
		goto fail;
	return fd;
fail:
	fd_kind_set(fd, FD_UNKNOWN);
	close(fd);
	return r;
}

/* The module's fini (with the netlink socket): the module is unloaded
 * after it, and the tables with it; a next load asks the kernel again. */
static void fd_tables_free(void)
{
	free(fd_kind);
	fd_kind = NULL;
	fd_kinds = 0;
	free(fd_offloads);
	fd_offloads = NULL;
	fd_offloads_n = 0;
}

static unsigned k_tun_offloads(void *ctx, int fd)
{
	if (fd >= 0 && (size_t)fd < fd_offloads_n && fd_offloads[fd])
		return fd_offloads[fd];
	return fd_vnet(fd) ? IP_TUN_VNET : 0;
}

static void k_tun_close(void *ctx, int fd)
{
	if (fd < 0)
		return;
	fd_kind_set(fd, FD_UNKNOWN);
	if ((size_t)fd < fd_offloads_n)
		fd_offloads[fd] = 0;
	close(fd);
}

static ssize_t k_tun_read_vnet(void *ctx, int fd, struct virtio_net_hdr *vh, void *buf,
			       size_t len)
{
	bool vnet = fd_vnet(fd);
	struct iovec iov[2] = {
		{ .iov_base = vh, .iov_len = sizeof(*vh) },
		{ .iov_base = buf, .iov_len = len },
	};
	ssize_t n;

	memset(vh, 0, sizeof(*vh));
	do
		n = vnet ? readv(fd, iov, 2) : read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (!vnet)
		return n;
	if ((size_t)n < sizeof(*vh))
		return -EIO;
	return n - (ssize_t)sizeof(*vh);
}

static ssize_t k_tun_read(void *ctx, int fd, void *buf, size_t len)
{
	struct virtio_net_hdr vh;

	return k_tun_read_vnet(ctx, fd, &vh, buf, len);
}

static ssize_t k_tun_write(void *ctx, int fd, const void *buf, size_t len)
{
	static const struct virtio_net_hdr zero;
	bool vnet = fd_vnet(fd);
	struct iovec iov[2] = {
		{ .iov_base = (void *)&zero, .iov_len = sizeof(zero) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	ssize_t n;

	do
		n = vnet ? writev(fd, iov, 2) : write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return vnet ? n - (ssize_t)sizeof(zero) : n;
}

static ssize_t k_tun_write_vnet(void *ctx, int fd, const struct virtio_net_hdr *vh,
				const void *buf, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)vh, .iov_len = sizeof(*vh) },
		{ .iov_base = (void *)buf, .iov_len = len },
	};
	ssize_t n;

	if (!fd_vnet(fd))
		return -EOPNOTSUPP;
	do
		n = writev(fd, iov, 2);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n - (ssize_t)sizeof(*vh);
}

static int k_ifindex(void *ctx, const char *name)
{
	unsigned i = if_nametoindex(name);
	return i ? (int)i : -ENODEV;
}

static int k_addr(void *ctx, bool add, int ifindex, struct in_addr a, int plen)
{
	return ip_nl_addr(add, ifindex, a, plen);
}

static int k_route(void *ctx, bool add, int ifindex, struct in_addr dst, int plen,
		   struct in_addr src, uint32_t metric, uint32_t mtu)
{
	return ip_nl_route(add, ifindex, dst, plen, src, metric, mtu);
}

static int k_link_mtu(void *ctx, int ifindex, uint32_t mtu)
{
	return ip_nl_link_set(ifindex, true, mtu);
}

static int k_route_mtu(void *ctx, int ifindex, struct in_addr dst, int plen,
		       struct in_addr src, uint32_t mtu)
{
	return ip_nl_route_mtu(ifindex, dst, plen, src, mtu);
}

static int k_route_get(void *ctx, struct in_addr dst, struct ip_route_info *out)
{
	return ip_nl_route_get(dst, out);
}

static int k_addr6(void *ctx, bool add, int ifindex, const struct in6_addr *a, int plen,
		   uint32_t valid, uint32_t preferred)
{
	return ip_nl_addr6(add, ifindex, a, plen, valid, preferred);
}

static int k_route6(void *ctx, bool add, int ifindex, const struct in6_addr *dst, int plen,
		    uint32_t metric)
{
	return ip_nl_route6(add, ifindex, dst, plen, metric);
}

const struct ip_sys_ops ip_sys_kernel = {
	.pollable = true,
	.tun_open = k_tun_open,
	.tun_close = k_tun_close,
	.tun_read = k_tun_read,
	.tun_write = k_tun_write,
	.tun_read_vnet = k_tun_read_vnet,
	.tun_offloads = k_tun_offloads,
	.tun_write_vnet = k_tun_write_vnet,
	.ifindex = k_ifindex,
	.addr = k_addr,
	.route = k_route,
	.link_mtu = k_link_mtu,
	.route_mtu = k_route_mtu,
	.route_get = k_route_get,
	.addr6 = k_addr6,
	.route6 = k_route6,
};
