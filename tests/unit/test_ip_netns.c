/* SPDX-License-Identifier: MIT */
/*
 * The ip module against the real kernel, inside a private network
 * namespace (unshare(CLONE_NEWNET) at start: the host is never touched).
 * Needs root and /dev/net/tun, else exits 77 (skip).
 *
 * Loopback0's address lands on lo; the idle Dialer2 TUN and its static
 * route exist; PPP_NETWORK_UP for Vi2 creates TUN vi2 with a host route to
 * the peer; a UDP datagram sent by a socket reaches the PPP end of the net
 * link, and the answer written from there reaches the socket; a datagram
 * to 17.17.17.2 is interesting traffic on Dialer2; after NETWORK_DOWN and
 * free nothing is left.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <fcntl.h>
#include <glib.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <netinet/udp.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/core.h>

#include "gso.h"
#include "ip.h"
#include "sys.h"
#include "test_ip_common.h"
#include "vpdn_test.h"

struct side {
	struct vpdn_link *net;
	unsigned frames;
	uint8_t last[2048];
	size_t last_len;
};

static void side_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
	struct side *s = ctx;
	s->frames++;
	s->last_len = n < sizeof(s->last) ? n : sizeof(s->last);
	memcpy(s->last, d, s->last_len);
}

static const struct vpdn_link_ops side_ops = { .frame = side_frame };

struct traffic {
	unsigned n;
	struct in_addr dst;
};

static enum vpdn_bus_verdict on_traffic(const struct vpdn_event *e, void *data)
{
	struct traffic *t = data;
	const struct vpdn_ev_traffic *ev = e->payload;
	t->n++;
	memcpy(&t->dst, ev->packet + 16, 4);
	return VPDN_BUS_CLAIM;
}

static gboolean on_guard(gpointer data)
{
	*(bool *)data = true;
	return G_SOURCE_REMOVE;
}

/* Run the main loop until *count moves past `before` (bounded: 3 s guard). */
static void loop_until(unsigned *count, unsigned before)
{
	bool expired = false;
	guint guard = g_timeout_add(3000, on_guard, &expired);
	while (*count == before && !expired)
		g_main_context_iteration(NULL, TRUE);
	if (!expired)
		g_source_remove(guard);
}

static int udp_socket(const char *bind_addr, uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr = test_ip_addr(bind_addr) };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		int r = -errno;
		close(fd);
		return r;
	}
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static ssize_t send_to(int fd, const char *dst, uint16_t port, const char *msg)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr = test_ip_addr(dst) };
	return sendto(fd, msg, strlen(msg), 0, (struct sockaddr *)&sa, sizeof(sa));
}

static void test_real_tun(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	struct ip_module *ip = NULL;
	struct traffic tr = { 0 };
	struct side s = { 0 };
	uint16_t port = 0;
	cfg_t *cfg;
	int sock;

	cfg = test_ip_cfg(
		"interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" }\n"
		"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\" }\n"
		"interface \"Dialer2\" { ip-dialer = true }\n"
		"ip-route \"17.17.17.2/32\" { interface = \"Dialer2\" }\n");
	CU_ASSERT_FATAL(cfg != NULL);
	vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_INTERESTING_TRAFFIC, on_traffic, &tr);
	CU_ASSERT_EQUAL_FATAL(ip_module_new(core, cfg, &ip_sys_kernel, NULL, &ip), 0);

	/* Loopback0 on lo, dialer2 idle with its route */
	sock = udp_socket("18.18.18.2", &port);
	CU_ASSERT_FATAL(sock >= 0);
	CU_ASSERT(if_nametoindex("dialer2") > 0);
	CU_ASSERT_EQUAL((int)if_nametoindex("dialer2"), ip_module_iface_ifindex(ip, "Dialer2"));

	/* dial on demand from a real packet */
	CU_ASSERT_EQUAL(send_to(sock, "17.17.17.2", 9, "dial me"), 7);
	loop_until(&tr.n, 0);
	CU_ASSERT_EQUAL(tr.n, 1);
	CU_ASSERT_EQUAL(tr.dst.s_addr, test_ip_addr("17.17.17.2").s_addr);
	CU_ASSERT_EQUAL(ip_module_dod_queued(ip, "Dialer2"), 1);

	/* Vi2 comes up: TUN, address, host route */
	s.net = vpdn_link_new("Vi2");
	vpdn_link_attach(s.net, VPDN_LINK_A, &side_ops, &s);
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = "Vi2", .config = "Virtual-Template1",
		.net = s.net, .local = test_ip_addr("18.18.18.2"),
		.peer = test_ip_addr("17.17.17.1"), .mtu = 1500,
	};
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &ev);
	CU_ASSERT_FATAL(if_nametoindex("vi2") > 0);

	/* kernel -> PPP: a datagram from the socket to the peer */
	CU_ASSERT_EQUAL(send_to(sock, "17.17.17.1", 9, "hello"), 5);
	loop_until(&s.frames, 0);
	CU_ASSERT_EQUAL_FATAL(s.frames, 1);
	CU_ASSERT_EQUAL(s.last_len, 33);
	CU_ASSERT_EQUAL(s.last[0], 0x45);
	CU_ASSERT_EQUAL(s.last[9], 17);
	CU_ASSERT_EQUAL(memcmp(s.last + 12, &(struct in_addr){ test_ip_addr("18.18.18.2").s_addr }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(s.last + 16, &(struct in_addr){ test_ip_addr("17.17.17.1").s_addr }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(s.last + 28, "hello", 5), 0);

	/* PPP -> kernel: the peer answers */
	uint8_t p[64];
	size_t n = test_ip_udp(p, "17.17.17.1", "18.18.18.2", 9, port, 1, "world", 5);
	CU_ASSERT_EQUAL(vpdn_link_send(s.net, VPDN_LINK_A, p, n), 0);
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	CU_ASSERT_EQUAL(poll(&pfd, 1, 3000), 1);
	char buf[64];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t got = recvfrom(sock, buf, sizeof(buf), MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
	CU_ASSERT_EQUAL(got, 5);
	CU_ASSERT_EQUAL(memcmp(buf, "world", 5), 0);
	CU_ASSERT_EQUAL(from.sin_addr.s_addr, test_ip_addr("17.17.17.1").s_addr);

	/* down: vi2 and its route go */
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_DOWN, &ev);
	CU_ASSERT_EQUAL(if_nametoindex("vi2"), 0);
	CU_ASSERT_FALSE(vpdn_link_attached(s.net, VPDN_LINK_B));
	CU_ASSERT(send_to(sock, "17.17.17.1", 9, "gone") < 0);
	vpdn_link_detach(s.net, VPDN_LINK_A);
	vpdn_link_unref(s.net);
	close(sock);

	/* free: dialer2 and Loopback0's address go */
	ip_module_free(ip);
	CU_ASSERT_EQUAL(if_nametoindex("dialer2"), 0);
	CU_ASSERT_EQUAL(udp_socket("18.18.18.2", &port), -EADDRNOTAVAIL);
	cfg_free(cfg);
	vpdn_core_free_test(core);
}

static void test_shared_real(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	struct ip_module *ip = NULL;
	struct side a = { 0 }, b = { 0 };
	uint16_t port;
	cfg_t *cfg = test_ip_cfg("interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" }\n"
				 "ip { mode = \"shared\" shared-device = \"vpdnt0\" }\n");
	int sock;

	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(ip_module_new(core, cfg, &ip_sys_kernel, NULL, &ip), 0);
	CU_ASSERT(if_nametoindex("vpdnt0") > 0);
	a.net = vpdn_link_new("Vi2");
	b.net = vpdn_link_new("Vi3");
	vpdn_link_attach(a.net, VPDN_LINK_A, &side_ops, &a);
	vpdn_link_attach(b.net, VPDN_LINK_A, &side_ops, &b);
	struct vpdn_ev_ppp_network ea = {
		.size = sizeof(ea), .interface = "Vi2", .config = "Virtual-Template1",
		.net = a.net, .local = test_ip_addr("18.18.18.2"), .peer = test_ip_addr("17.17.17.1"),
	};
	struct vpdn_ev_ppp_network eb = ea;
	eb.interface = "Vi3";
	eb.net = b.net;
	eb.peer = test_ip_addr("17.17.17.3");
	eb.mtu = 1400;   /* the peer's MRU: in the host route's one RTM_NEWROUTE */
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &ea);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &eb);
	CU_ASSERT_EQUAL(if_nametoindex("vi2"), 0); /* no per-session device */
	/* the kernel's routes: Vi3's carries MTU 1400, Vi2's (no MRU) none */
	struct ip_route_info ri = { 0 };
	CU_ASSERT_EQUAL(ip_nl_route_get(eb.peer, &ri), 0);
	CU_ASSERT_EQUAL(ri.ifindex, (int)if_nametoindex("vpdnt0"));
	CU_ASSERT_EQUAL(ri.mtu, 1400);
	ri = (struct ip_route_info){ 0 };
	CU_ASSERT_EQUAL(ip_nl_route_get(ea.peer, &ri), 0);
	CU_ASSERT_EQUAL(ri.ifindex, (int)if_nametoindex("vpdnt0"));
	CU_ASSERT_EQUAL(ri.mtu, 0);
	CU_ASSERT_EQUAL(ip_module_iface_mtu(ip, "Vi3"), 1400);
	sock = udp_socket("18.18.18.2", &port);
	CU_ASSERT_FATAL(sock >= 0);
	CU_ASSERT_EQUAL(send_to(sock, "17.17.17.3", 9, "to three"), 8);
	loop_until(&b.frames, 0);
	CU_ASSERT_EQUAL(b.frames, 1);
	CU_ASSERT_EQUAL(a.frames, 0);
	CU_ASSERT_EQUAL(send_to(sock, "17.17.17.1", 9, "to one"), 6);
	loop_until(&a.frames, 0);
	CU_ASSERT_EQUAL(a.frames, 1);
	CU_ASSERT_EQUAL(b.frames, 1);
	close(sock);
	ip_module_free(ip);
	CU_ASSERT_EQUAL(if_nametoindex("vpdnt0"), 0);
	CU_ASSERT_FALSE(vpdn_link_attached(a.net, VPDN_LINK_B));
	vpdn_link_detach(a.net, VPDN_LINK_A);
	vpdn_link_detach(b.net, VPDN_LINK_A);
	vpdn_link_unref(a.net);
	vpdn_link_unref(b.net);
	cfg_free(cfg);
	vpdn_core_free_test(core);
}

/* rtnetlink (sys.c over libmnl, one socket for the process): answers and
 * the kernel's refusals, and the socket still serves after a refusal. */
static void test_rtnetlink(void)
{
	int lo = (int)if_nametoindex("lo");
	struct in_addr a = { htonl(0x0a090901) }, net = { htonl(0x0a090800) };
	struct in_addr in = { htonl(0x0a090805) }, none = { 0 };
	struct in_addr absent = { htonl(0x0a090700) }, far = { htonl(0x0b000001) };
	struct ip_route_info ri = { 0 };

	CU_ASSERT_TRUE_FATAL(lo > 0);
	CU_ASSERT_EQUAL(ip_nl_link_set(lo, true, 65536), 0);
	CU_ASSERT_EQUAL(ip_nl_addr(true, lo, a, 32), 0);
	CU_ASSERT_EQUAL(ip_nl_addr(true, lo, a, 32), -EEXIST);
	CU_ASSERT_EQUAL(ip_nl_route(true, lo, net, 24, a, 7, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route(true, lo, net, 24, a, 7, 0), -EEXIST);
	/* After two refusals, an answer with a route in it. */
	CU_ASSERT_EQUAL(ip_nl_route_get(in, &ri), 0);
	CU_ASSERT_EQUAL(ri.ifindex, lo);
	CU_ASSERT_EQUAL(ri.type, RTN_UNICAST);
	CU_ASSERT_FALSE(ri.gateway);
	CU_ASSERT_EQUAL(ip_nl_route_get(a, &ri), 0);
	CU_ASSERT_EQUAL(ri.type, RTN_LOCAL);
	/* Asked without NLM_F_ACK: the route is the whole answer, and no
	 * acknowledgement is left queued to confuse the next exchange (a
	 * stale one would fail it: sequence mismatch), a refusal neither. */
	for (int i = 0; i < 100; i++) {
		CU_ASSERT_EQUAL_FATAL(ip_nl_route_get(in, &ri), 0);
		CU_ASSERT_EQUAL_FATAL(ri.ifindex, lo);
		CU_ASSERT_EQUAL_FATAL(ip_nl_route_get(far, &ri), -ENETUNREACH);
		CU_ASSERT_EQUAL_FATAL(ip_nl_link_set(lo, true, 0), 0);
	}
	/* "ip route change" matches on the metric: a session's route has
	 * metric 0, the one above 7. */
	CU_ASSERT_EQUAL(ip_nl_route_mtu(lo, net, 24, a, 1400), -ENOENT);
	CU_ASSERT_EQUAL(ip_nl_route(true, lo, in, 32, a, 0, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route_get(in, &ri), 0);
	CU_ASSERT_EQUAL(ri.mtu, 0);
	CU_ASSERT_EQUAL(ip_nl_route_mtu(lo, in, 32, a, 1400), 0);
	CU_ASSERT_EQUAL(ip_nl_route_get(in, &ri), 0);
	CU_ASSERT_EQUAL(ri.mtu, 1400);
	CU_ASSERT_EQUAL(ip_nl_route(false, lo, in, 32, a, 0, 0), 0);
	/* the MTU in the add itself ("ip route add ... mtu 1300") */
	CU_ASSERT_EQUAL(ip_nl_route(true, lo, in, 32, a, 0, 1300), 0);
	CU_ASSERT_EQUAL(ip_nl_route_get(in, &ri), 0);
	CU_ASSERT_EQUAL(ri.mtu, 1300);
	CU_ASSERT_EQUAL(ip_nl_route(false, lo, in, 32, a, 0, 0), 0);
	/* ... and of a route that is not there. */
	CU_ASSERT_EQUAL(ip_nl_route_mtu(lo, absent, 24, none, 1400), -ENOENT);
	CU_ASSERT_EQUAL(ip_nl_route_get(far, &ri), -ENETUNREACH);
	CU_ASSERT_EQUAL(ip_nl_route(false, lo, net, 24, a, 7, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route(false, lo, net, 24, a, 7, 0), -ESRCH);
	CU_ASSERT_EQUAL(ip_nl_route_get(in, &ri), -ENETUNREACH);
	CU_ASSERT_EQUAL(ip_nl_addr(false, lo, a, 32), 0);
	CU_ASSERT_EQUAL(ip_nl_addr(false, lo, a, 32), -EADDRNOTAVAIL);
	/* Many requests, one socket: no descriptor is used up per request. */
	for (int i = 0; i < 2000; i++)
		CU_ASSERT_EQUAL_FATAL(ip_nl_link_set(lo, true, 0), 0);
}

/* IPv6 addresses and routes (ip-ipv6.c's) on a real TUN: the kernel's
 * answers (EEXIST, ESRCH) prove each is there or gone. */
static void test_rtnetlink6(void)
{
	int ifindex = 0;
	int fd = ip_sys_kernel.tun_open(NULL, "t6", 1500, &ifindex);
	struct in6_addr ll, g, net, any = IN6ADDR_ANY_INIT;

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	inet_pton(AF_INET6, "fe80::200:0:0:aa01", &ll);
	inet_pton(AF_INET6, "2001:db8:17::aa01", &g);
	inet_pton(AF_INET6, "2001:db8:5::", &net);
	CU_ASSERT_EQUAL(ip_nl_addr6(true, ifindex, &ll, 64, 0xffffffffu, 0xffffffffu), 0);
	CU_ASSERT_EQUAL(ip_nl_addr6(true, ifindex, &ll, 64, 0xffffffffu, 0xffffffffu), -EEXIST);
	CU_ASSERT_EQUAL(ip_nl_addr6(true, ifindex, &g, 64, 7200, 3600), 0);
	CU_ASSERT_EQUAL(ip_nl_route6(true, ifindex, &net, 48, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route6(true, ifindex, &net, 48, 0), -EEXIST);
	CU_ASSERT_EQUAL(ip_nl_route6(true, ifindex, &any, 0, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route6(false, ifindex, &any, 0, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route6(false, ifindex, &net, 48, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_route6(false, ifindex, &net, 48, 0), -ESRCH);
	CU_ASSERT_EQUAL(ip_nl_addr6(false, ifindex, &g, 64, 0, 0), 0);
	CU_ASSERT_EQUAL(ip_nl_addr6(false, ifindex, &g, 64, 0, 0), -EADDRNOTAVAIL);
	CU_ASSERT_EQUAL(ip_nl_addr6(false, ifindex, &ll, 64, 0, 0), 0);
	ip_sys_kernel.tun_close(NULL, fd);
}

/* Reference transport checksum over an IPv4 packet: 0 when right. */
static uint16_t ref_l4_sum(const uint8_t *p, size_t len)
{
	size_t ihl = (size_t)(p[0] & 15) * 4, n = len - ihl;
	uint32_t s = p[9] + (uint32_t)n;

	for (size_t i = 12; i < 20; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)p[ihl + i] << 8 | (i + 1 < n ? p[ihl + i + 1] : 0);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

struct useg {
	unsigned n;
	size_t len[8];
};

static void on_useg(void *ctx, const uint8_t *p, size_t n)
{
	struct useg *u = ctx;

	CU_ASSERT_EQUAL(ref_l4_sum(p, n), 0);
	if (u->n < 8)
		u->len[u->n] = n;
	u->n++;
}

/* The kernel's TUN with IFF_VNET_HDR and offloads: a UDP GSO send of 3 x
 * 1000 octets routed to it comes out as one USO super-packet (6.2+) or
 * three packets whose checksums the kernel left to us (NEEDS_CSUM); after
 * gso.c either way three datagrams with right checksums. A TCP SYN too. */
static void test_tun_offloads(void)
{
	int ifindex = 0, fd = ip_sys_kernel.tun_open(NULL, "to0", 1500, &ifindex), s;
	unsigned off;
	struct in_addr a, net;
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(9) };
	static uint8_t buf[70000], scratch[2048], payload[3000];
	uint16_t seg = 1000;
	char ctl[CMSG_SPACE(sizeof(seg))] = { 0 };
	struct iovec iov = { payload, sizeof(payload) };
	struct msghdr h = { .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = &iov,
			    .msg_iovlen = 1, .msg_control = ctl, .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&h);
	struct useg u = { 0 };
	struct pollfd pfd;
	bool syn = false;

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	off = ip_sys_kernel.tun_offloads(NULL, fd);
	CU_ASSERT_TRUE(off & IP_TUN_VNET);
	CU_ASSERT_EQUAL(off & 0x07, 0x07); /* CSUM TSO4 TSO6 */
	inet_pton(AF_INET, "10.77.0.1", &a);
	inet_pton(AF_INET, "10.77.0.0", &net);
	CU_ASSERT_EQUAL(ip_nl_addr(true, ifindex, a, 32), 0);
	CU_ASSERT_EQUAL(ip_nl_route(true, ifindex, net, 24, a, 0, 0), 0);
	inet_pton(AF_INET, "10.77.0.2", &dst.sin_addr);
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7);
	s = socket(AF_INET, SOCK_DGRAM, 0);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	CU_ASSERT_EQUAL(sendmsg(s, &h, 0), (ssize_t)sizeof(payload));
	close(s);
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	dst.sin_port = htons(80);
	connect(s, (struct sockaddr *)&dst, sizeof(dst));
	pfd = (struct pollfd){ .fd = fd, .events = POLLIN };
	while (poll(&pfd, 1, 500) > 0) {
		struct virtio_net_hdr vh;
		ssize_t n = ip_sys_kernel.tun_read_vnet(NULL, fd, &vh, buf, sizeof(buf));

		if (n <= 0)
			break;
		if (vh.gso_type) {
			CU_ASSERT_EQUAL(vh.gso_type, VIRTIO_NET_HDR_GSO_UDP_L4);
			CU_ASSERT_EQUAL(ip_gso_segment(buf, (size_t)n, &vh, 0, scratch,
						       sizeof(scratch), on_useg, &u), 3);
			continue;
		}
		if (vh.flags & VIRTIO_NET_HDR_F_NEEDS_CSUM)
			CU_ASSERT_EQUAL(ip_csum_complete(buf, (size_t)n, vh.csum_start,
							 vh.csum_offset), 0);
		if (n > 20 && buf[9] == 17)
			on_useg(&u, buf, (size_t)n);
		else if (n > 20 && buf[9] == 6 && !syn) {
			syn = true;
			CU_ASSERT_EQUAL(ref_l4_sum(buf, (size_t)n), 0);
		}
		if (u.n == 3 && syn)
			break;
	}
	close(s);
	CU_ASSERT_EQUAL(u.n, 3);
	for (unsigned i = 0; i < 3 && i < u.n; i++)
		CU_ASSERT_EQUAL(u.len[i], 1028);
	CU_ASSERT_TRUE(syn);
	ip_sys_kernel.tun_close(NULL, fd);
}

static const struct vpdn_test_case tests[] = {
	{ "TUN offloads: USO or NEEDS_CSUM, checksums completed", test_tun_offloads },
	{ "rtnetlink: answers, refusals, one socket", test_rtnetlink },
	{ "rtnetlink: IPv6 addresses and routes on a TUN", test_rtnetlink6 },
	{ "real TUN, routes, packets both ways", test_real_tun },
	{ "shared TUN, two sessions", test_shared_real },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip-netns", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

int main(void)
{
	int fd;

	if (geteuid() != 0) {
		printf("SKIP: needs root (network namespace, TUN)\n");
		return 77;
	}
	if (unshare(CLONE_NEWNET) < 0) {
		printf("SKIP: unshare(CLONE_NEWNET): %s\n", strerror(errno));
		return 77;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("SKIP: /dev/net/tun: %s\n", strerror(errno));
		return 77;
	}
	close(fd);
	if (ip_nl_link_set((int)if_nametoindex("lo"), true, 0) < 0) {
		printf("SKIP: cannot bring lo up in the new namespace\n");
		return 77;
	}
	return vpdn_test_run(suites);
}
