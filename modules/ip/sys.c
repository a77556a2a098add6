/* SPDX-License-Identifier: MIT */
/* The real kernel behind ip_sys_ops: TUN and rtnetlink. See sys.h. */
#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

struct nl_req {
	struct nlmsghdr nh;
	union {
		struct ifinfomsg ifi;
		struct ifaddrmsg ifa;
		struct rtmsg rt;
	};
	char attrs[256];
};

static void nl_attr(struct nl_req *r, uint16_t type, const void *data, size_t len)
{
	struct rtattr *rta = (struct rtattr *)((char *)r + NLMSG_ALIGN(r->nh.nlmsg_len));

	rta->rta_type = type;
	rta->rta_len = (unsigned short)RTA_LENGTH(len);
	memcpy(RTA_DATA(rta), data, len);
	r->nh.nlmsg_len = NLMSG_ALIGN(r->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send one request with NLM_F_ACK and return the kernel's verdict (0 or
 * -errno). Each other message of the answer (a RTM_GETROUTE's route) goes
 * to on_msg, when given, before the acknowledgement ends the exchange. */
static int nl_exchange(struct nl_req *r, void (*on_msg)(const struct nlmsghdr *h, void *data),
		       void *data)
{
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char buf[4096];
	int fd, ret;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0)
		return -errno;
	r->nh.nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	r->nh.nlmsg_seq = 1;
	if (sendto(fd, r, r->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ret = -errno;
		goto fail;
	}
	for (;;) {
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			goto fail;
		}
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n);
		     h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				const struct nlmsgerr *e = NLMSG_DATA(h);
				ret = e->error; /* 0 or -errno */
				goto fail;
			}
			if (on_msg)
				on_msg(h, data);
		}
	}
fail:
	close(fd);
	return ret;
}

static int nl_transact(struct nl_req *r)
{
	return nl_exchange(r, NULL, NULL);
}

int ip_nl_link_set(int ifindex, bool up, uint32_t mtu)
{
	struct nl_req r = { 0 };

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
	r.nh.nlmsg_type = RTM_NEWLINK;
	r.ifi.ifi_family = AF_UNSPEC;
	r.ifi.ifi_index = ifindex;
	r.ifi.ifi_change = IFF_UP;
	r.ifi.ifi_flags = up ? IFF_UP : 0;
	if (mtu)
		nl_attr(&r, IFLA_MTU, &mtu, sizeof(mtu));
	return nl_transact(&r);
}

int ip_nl_addr(bool add, int ifindex, struct in_addr a, int plen)
{
	struct nl_req r = { 0 };

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifaddrmsg));
	r.nh.nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
	if (add)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.ifa.ifa_family = AF_INET;
	r.ifa.ifa_prefixlen = (unsigned char)plen;
	r.ifa.ifa_scope = RT_SCOPE_UNIVERSE;
	r.ifa.ifa_index = (unsigned)ifindex;
	nl_attr(&r, IFA_LOCAL, &a, sizeof(a));
	nl_attr(&r, IFA_ADDRESS, &a, sizeof(a));
	return nl_transact(&r);
}

int ip_nl_route(bool add, int ifindex, struct in_addr dst, int plen, struct in_addr src,
		uint32_t metric)
{
	struct nl_req r = { 0 };
	uint32_t oif = (uint32_t)ifindex;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = add ? RTM_NEWROUTE : RTM_DELROUTE;
	if (add)
		r.nh.nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_dst_len = (unsigned char)plen;
	r.rt.rtm_table = RT_TABLE_MAIN;
	r.rt.rtm_protocol = RTPROT_STATIC;
	r.rt.rtm_scope = RT_SCOPE_LINK;
	r.rt.rtm_type = RTN_UNICAST;
	nl_attr(&r, RTA_DST, &dst, sizeof(dst));
	nl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	if (src.s_addr)
		nl_attr(&r, RTA_PREFSRC, &src, sizeof(src));
	if (metric)
		nl_attr(&r, RTA_PRIORITY, &metric, sizeof(metric));
	return nl_transact(&r);
}

int ip_nl_route_mtu(int ifindex, struct in_addr dst, int plen, struct in_addr src, uint32_t mtu)
{
	struct nl_req r = { 0 };
	uint32_t oif = (uint32_t)ifindex;
	uint8_t metrics[RTA_LENGTH(sizeof(uint32_t))];
	struct rtattr *m = (struct rtattr *)metrics;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = RTM_NEWROUTE;
	r.nh.nlmsg_flags = NLM_F_REPLACE; /* "ip route change": it must exist */
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_dst_len = (unsigned char)plen;
	r.rt.rtm_table = RT_TABLE_MAIN;
	r.rt.rtm_protocol = RTPROT_STATIC;
	r.rt.rtm_scope = RT_SCOPE_LINK;
	r.rt.rtm_type = RTN_UNICAST;
	nl_attr(&r, RTA_DST, &dst, sizeof(dst));
	nl_attr(&r, RTA_OIF, &oif, sizeof(oif));
	if (src.s_addr)
		nl_attr(&r, RTA_PREFSRC, &src, sizeof(src));
	m->rta_type = RTAX_MTU;
	m->rta_len = (unsigned short)RTA_LENGTH(sizeof(mtu));
	memcpy(RTA_DATA(m), &mtu, sizeof(mtu));
	nl_attr(&r, RTA_METRICS, metrics, sizeof(metrics));
	return nl_transact(&r);
}

struct route_answer {
	struct ip_route_info *out;
	bool found;
};

static void on_route(const struct nlmsghdr *h, void *data)
{
	struct route_answer *a = data;
	const struct rtmsg *rt = NLMSG_DATA(h);
	int alen = (int)RTM_PAYLOAD(h);

	if (h->nlmsg_type != RTM_NEWROUTE || a->found)
		return;
	a->found = true;
	*a->out = (struct ip_route_info){ .type = rt->rtm_type };
	for (const struct rtattr *at = RTM_RTA(rt); RTA_OK(at, alen); at = RTA_NEXT(at, alen)) {
		if (at->rta_type == RTA_GATEWAY)
			a->out->gateway = true;
		else if (at->rta_type == RTA_OIF && RTA_PAYLOAD(at) >= 4)
			memcpy(&a->out->ifindex, RTA_DATA(at), 4);
	}
}

int ip_nl_route_get(struct in_addr dst, struct ip_route_info *out)
{
	struct nl_req r = { 0 };
	struct route_answer a = { .out = out };
	int ret;

	r.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	r.nh.nlmsg_type = RTM_GETROUTE;
	r.rt.rtm_family = AF_INET;
	r.rt.rtm_dst_len = 32;
	nl_attr(&r, RTA_DST, &dst, sizeof(dst));
	ret = nl_exchange(&r, on_route, &a);
	if (ret < 0)
		return ret;
	return a.found ? 0 : -EIO;
}

static int k_tun_open(void *ctx, const char *name, uint32_t mtu, int *ifindex)
{
	struct ifreq ifr = { 0 };
	int fd, r;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		r = -errno;
		goto fail;
	}
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
	close(fd);
	return r;
}

static void k_tun_close(void *ctx, int fd)
{
	if (fd >= 0)
		close(fd);
}

static ssize_t k_tun_read(void *ctx, int fd, void *buf, size_t len)
{
	ssize_t n;

	do
		n = read(fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	return n;
}

static ssize_t k_tun_write(void *ctx, int fd, const void *buf, size_t len)
{
	ssize_t n;

	do
		n = write(fd, buf, len);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
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
		   struct in_addr src, uint32_t metric)
{
	return ip_nl_route(add, ifindex, dst, plen, src, metric);
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

const struct ip_sys_ops ip_sys_kernel = {
	.pollable = true,
	.tun_open = k_tun_open,
	.tun_close = k_tun_close,
	.tun_read = k_tun_read,
	.tun_write = k_tun_write,
	.ifindex = k_ifindex,
	.addr = k_addr,
	.route = k_route,
	.link_mtu = k_link_mtu,
	.route_mtu = k_route_mtu,
	.route_get = k_route_get,
};
