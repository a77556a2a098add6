/* SPDX-License-Identifier: MIT */
/*
 * The UDP transport's send queue, over real loopback sockets: what the
 * engine sends outside a received batch is queued and leaves with one
 * sendmmsg before the main loop next polls (or at once when the queue is
 * full), in order, and nothing is lost when the transport goes away.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/vpdnd.h>

#include "l2tp.h"
#include "vpdn_test.h"

#define QMAX 64 /* the transport's batch (transport.c BATCH) */

static struct vpdn_core *core;
static struct l2tp *l2tp;
static struct l2tp_transport *tr;
static int rx = -1;                       /* the test's receiving socket */
static struct sockaddr_storage local, peer;

static unsigned free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t al = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	unsigned port = 0;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}

static int setup(void)
{
	char text[256], *err = NULL;
	struct l2tp_config *c = NULL;
	unsigned port = free_port();
	struct sockaddr_in *in;
	socklen_t al = sizeof(peer);

	if (!port)
		return 1;
	core = vpdn_core_new_test();
	vpdn_log_set_targets(vpdn_core_log(core), 0);
	snprintf(text, sizeof(text), "l2tp { listen = {\"127.0.0.1\"} port = %u }\n", port);
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS || l2tp_config_parse(cfg, &c, &err) < 0) {
		cfg_free(cfg);
		g_free(err);
		return 1;
	}
	cfg_free(cfg);
	l2tp = l2tp_new(core, c, l2tp_transport_xmit, NULL);
	tr = l2tp_transport_new(l2tp, &err);
	if (!tr) {
		fprintf(stderr, "transport: %s\n", err);
		g_free(err);
		return 1;
	}
	l2tp->xctx = tr;
	l2tp->transport = tr;
	memset(&local, 0, sizeof(local));
	in = (struct sockaddr_in *)&local;
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	in->sin_port = htons(port);
	/* the receiver: 127.0.0.1, any port */
	rx = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	memset(&peer, 0, sizeof(peer));
	in = (struct sockaddr_in *)&peer;
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (rx < 0 || bind(rx, (struct sockaddr *)&peer, sizeof(*in)) < 0 ||
	    getsockname(rx, (struct sockaddr *)&peer, &al) < 0)
		return 1;
	return 0;
}

static int teardown(void)
{
	if (rx >= 0)
		close(rx);
	l2tp_free(l2tp);
	l2tp_transport_free(tr);
	vpdn_core_free_test(core);
	return 0;
}

static void send_n(unsigned first, unsigned n)
{
	for (unsigned i = first; i < first + n; i++) {
		uint8_t b[40];

		memset(b, 0, sizeof(b));
		memcpy(b, &i, sizeof(i));
		CU_ASSERT_EQUAL(l2tp_transport_xmit(tr, &local, &peer, b, 20 + i % 20), 0);
	}
}

/* Receive what is there; check that datagram k carries number first + k
 * and has its length. Returns the count. */
static unsigned recv_check(unsigned first)
{
	unsigned k = 0;
	uint8_t b[128];
	ssize_t n;

	while ((n = recv(rx, b, sizeof(b), MSG_DONTWAIT)) >= 0) {
		unsigned v;

		memcpy(&v, b, sizeof(v));
		CU_ASSERT_EQUAL(v, first + k);
		CU_ASSERT_EQUAL((size_t)n, 20 + v % 20);
		k++;
	}
	CU_ASSERT_EQUAL(errno, EAGAIN);
	return k;
}

static void iterate(void)
{
	/* one iteration: the flush source's prepare() runs before poll */
	g_main_context_iteration(NULL, FALSE);
}

static void test_queued_until_iteration(void)
{
	send_n(0, 10);
	CU_ASSERT_EQUAL(l2tp_transport_queued(tr), 10);
	CU_ASSERT_EQUAL(recv_check(0), 0); /* nothing sent yet */
	iterate();
	CU_ASSERT_EQUAL(l2tp_transport_queued(tr), 0);
	CU_ASSERT_EQUAL(recv_check(0), 10);
	iterate(); /* an empty queue: nothing more */
	CU_ASSERT_EQUAL(recv_check(10), 0);
}

static void test_full_queue_flushes(void)
{
	send_n(100, QMAX + 5);
	/* the 65th datagram found the queue full: the first 64 went out */
	CU_ASSERT_EQUAL(l2tp_transport_queued(tr), 5);
	CU_ASSERT_EQUAL(recv_check(100), QMAX);
	iterate();
	CU_ASSERT_EQUAL(l2tp_transport_queued(tr), 0);
	CU_ASSERT_EQUAL(recv_check(100 + QMAX), 5);
}

static void test_free_flushes(void)
{
	send_n(500, 3);
	CU_ASSERT_EQUAL(l2tp_transport_queued(tr), 3);
	/* what fini sends (StopCCN) is queued when the transport goes away */
	l2tp_free(l2tp);
	l2tp_transport_free(tr);
	CU_ASSERT_EQUAL(recv_check(500), 3);
	/* set up again for teardown */
	close(rx);
	rx = -1;
	vpdn_core_free_test(core);
	CU_ASSERT_EQUAL_FATAL(setup(), 0);
}

/* ------------------------------------------------------------------ */
/* UDP GSO and GRO (issue #19 part 3)                                 */

/* Equal-sized datagrams to one peer leave as one UDP GSO message (the
 * last may be shorter); the receiver, without GRO, gets them one by one
 * with their lengths, in order, then the one of another size. */
static void test_gso_run(void)
{
	struct l2tp_transport_stats st0, st;
	uint8_t b[1400], r[2048];
	ssize_t n;

	l2tp_transport_stats(tr, &st0);
	for (unsigned i = 0; i < 12; i++) {
		memset(b, (int)i, sizeof(b));
		CU_ASSERT_EQUAL(l2tp_transport_xmit(tr, &local, &peer, b, i < 10 ? 1200 : i == 10 ? 700 : 900), 0);
	}
	iterate();
	l2tp_transport_stats(tr, &st);
	if (st.gso_off) {
		fprintf(stderr, "(no UDP GSO here: sendmmsg checked only) ");
	} else {
		CU_ASSERT_EQUAL(st.gso_sends, st0.gso_sends + 1); /* 11 in one, then the 900 */
	}
	for (unsigned i = 0; i < 12; i++) {
		n = recv(rx, r, sizeof(r), MSG_DONTWAIT);
		CU_ASSERT_EQUAL(n, i < 10 ? 1200 : i == 10 ? 700 : 900);
		CU_ASSERT(n > 0 && r[0] == i && r[n - 1] == i);
	}
	CU_ASSERT(recv(rx, r, sizeof(r), MSG_DONTWAIT) < 0);
}

struct pieces {
	unsigned n;
	size_t len[16];
	const uint8_t *at[16];
};

static void piece(void *ctx, const uint8_t *d, size_t n)
{
	struct pieces *p = ctx;

	CU_ASSERT_FATAL(p->n < 16);
	p->at[p->n] = d;
	p->len[p->n++] = n;
}

static void test_gro_split(void)
{
	static uint8_t buf[5000];
	struct pieces p = { 0 };

	CU_ASSERT_EQUAL(l2tp_gro_split(buf, 4000, 1400, piece, &p), 3);
	CU_ASSERT(p.len[0] == 1400 && p.len[1] == 1400 && p.len[2] == 1200);
	CU_ASSERT(p.at[0] == buf && p.at[1] == buf + 1400 && p.at[2] == buf + 2800);
	p.n = 0;
	CU_ASSERT_EQUAL(l2tp_gro_split(buf, 2800, 1400, piece, &p), 2);
	CU_ASSERT(p.len[1] == 1400);
	p.n = 0;
	CU_ASSERT_EQUAL(l2tp_gro_split(buf, 300, 0, piece, &p), 1); /* no cmsg: one */
	CU_ASSERT_EQUAL(p.len[0], 300);
	p.n = 0;
	CU_ASSERT_EQUAL(l2tp_gro_split(buf, 300, 1400, piece, &p), 1);
	CU_ASSERT_EQUAL(p.len[0], 300);
}

/* A peer's UDP GSO send over loopback reaches the transport's GRO socket
 * as one buffer: split into its datagrams, each handled (here dropped as
 * malformed L2TP, but counted). */
static void test_gro_receive(void)
{
	struct l2tp_transport_stats st0, st;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t seg = 100;
	uint8_t b[1000];
	char ctl[CMSG_SPACE(sizeof(seg))] = { 0 };
	struct iovec iov = { b, sizeof(b) };
	struct msghdr h = { .msg_name = &local, .msg_namelen = sizeof(struct sockaddr_in),
			    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&h);

	CU_ASSERT_FATAL(fd >= 0);
	memset(b, 0xff, sizeof(b));
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	l2tp_transport_stats(tr, &st0);
	if (sendmsg(fd, &h, 0) < 0) {
		fprintf(stderr, "(no UDP GSO here: GRO not checked) ");
		close(fd);
		return;
	}
	close(fd);
	for (int i = 0; i < 50; i++) {
		l2tp_transport_stats(tr, &st);
		if (st.rx_datagrams >= st0.rx_datagrams + 10)
			break;
		g_main_context_iteration(NULL, TRUE);
	}
	l2tp_transport_stats(tr, &st);
	CU_ASSERT_EQUAL(st.rx_datagrams, st0.rx_datagrams + 10);
	CU_ASSERT_EQUAL(st.rx_gro, st0.rx_gro + 1);
}

/* A turn hands on about 64 datagrams (transport.c, RX_BUDGET): 8 GRO
 * buffers of 64 datagrams waiting are handled one a turn, so that a
 * burst never reaches the next hop (the TUN's 500-packet queue)
 * thousands at a time. */
static void test_gro_turn_bounded(void)
{
	struct l2tp_transport_stats st0, st;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	uint16_t seg = 100;
	static uint8_t b[64 * 100];
	char ctl[CMSG_SPACE(sizeof(seg))] = { 0 };
	struct iovec iov = { b, sizeof(b) };
	struct msghdr h = { .msg_name = &local, .msg_namelen = sizeof(struct sockaddr_in),
			    .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl,
			    .msg_controllen = sizeof(ctl) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&h);
	uint64_t first = 0;

	CU_ASSERT_FATAL(fd >= 0);
	memset(b, 0xff, sizeof(b));
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(seg));
	memcpy(CMSG_DATA(cm), &seg, sizeof(seg));
	l2tp_transport_stats(tr, &st0);
	for (int i = 0; i < 8; i++)
		if (sendmsg(fd, &h, 0) < 0) {
			fprintf(stderr, "(no UDP GSO here: GRO not checked) ");
			close(fd);
			return;
		}
	close(fd);
	for (int i = 0; i < 50; i++) {
		l2tp_transport_stats(tr, &st);
		if (!first && st.rx_datagrams > st0.rx_datagrams)
			first = st.rx_datagrams - st0.rx_datagrams;
		if (st.rx_datagrams >= st0.rx_datagrams + 512)
			break;
		g_main_context_iteration(NULL, TRUE);
	}
	CU_ASSERT_EQUAL(first, 64);
	CU_ASSERT_EQUAL(st.rx_datagrams, st0.rx_datagrams + 512);
	CU_ASSERT_EQUAL(st.rx_gro, st0.rx_gro + 8);
}

/* ------------------------------------------------------------------ */
/* IPv6 (issue #18)                                                   */

static bool have_v6_loopback(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	bool ok = fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* A transport of its own from the config text "l2tp { %s port = P }". */
static struct l2tp_transport *v6_transport(const char *listen, unsigned port,
					   struct vpdn_core **corep, struct l2tp **lp)
{
	char text[256], *err = NULL;
	struct l2tp_config *c = NULL;
	struct l2tp_transport *t;
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);

	*corep = vpdn_core_new_test();
	vpdn_log_set_targets(vpdn_core_log(*corep), 0);
	snprintf(text, sizeof(text), "l2tp { %s port = %u }\n", listen, port);
	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	CU_ASSERT_FATAL(l2tp_config_parse(cfg, &c, &err) == 0);
	cfg_free(cfg);
	*lp = l2tp_new(*corep, c, l2tp_transport_xmit, NULL);
	t = l2tp_transport_new(*lp, &err);
	if (!t)
		fprintf(stderr, "transport: %s\n", err);
	g_free(err);
	CU_ASSERT_FATAL(t != NULL);
	(*lp)->xctx = t;
	(*lp)->transport = t;
	return t;
}

static void v6_transport_free(struct vpdn_core *c, struct l2tp *l, struct l2tp_transport *t)
{
	l2tp_free(l);
	l2tp_transport_free(t);
	vpdn_core_free_test(c);
}

/* Sends a 2-octet datagram (a malformed L2TP header) to ip:port. */
static void poke(const char *ip, unsigned port)
{
	struct sockaddr_storage ss;
	int fd;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		a->sin6_family = AF_INET6;
		a->sin6_port = htons(port);
		inet_pton(AF_INET6, ip, &a->sin6_addr);
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(port);
		inet_pton(AF_INET, ip, &a->sin_addr);
	}
	fd = socket(ss.ss_family, SOCK_DGRAM, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT(sendto(fd, "\xc8\x02", 2, 0, (struct sockaddr *)&ss,
			 ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) :
			 sizeof(struct sockaddr_in)) == 2);
	close(fd);
}

static void spin(void)
{
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
}

/* No listen address: both wildcards, so an LNS without `listen` takes
 * SCCRQs over IPv6 as over IPv4. */
static void test_wildcard_dual_stack(void)
{
	struct vpdn_core *c;
	struct l2tp *l;
	struct l2tp_transport *t;
	unsigned port = free_port();

	if (!have_v6_loopback()) {
		fprintf(stderr, "no IPv6 loopback: skipped\n");
		return;
	}
	t = v6_transport("", port, &c, &l);
	poke("127.0.0.1", port);
	spin();
	CU_ASSERT_EQUAL(*l->cnt.malformed, 1);
	poke("::1", port);
	spin();
	CU_ASSERT_EQUAL(*l->cnt.malformed, 2);
	v6_transport_free(c, l, t);
}

/* listen = {"::"}: the IPv6 socket is V6ONLY, so an IPv4 datagram never
 * reaches the engine as ::ffff:127.0.0.1. */
static void test_v6_socket_is_v6only(void)
{
	struct vpdn_core *c;
	struct l2tp *l;
	struct l2tp_transport *t;
	unsigned port = free_port();

	if (!have_v6_loopback())
		return;
	t = v6_transport("listen = {\"::\"}", port, &c, &l);
	poke("127.0.0.1", port);
	spin();
	CU_ASSERT_EQUAL(*l->cnt.malformed, 0);
	poke("::1", port);
	spin();
	CU_ASSERT_EQUAL(*l->cnt.malformed, 1);
	v6_transport_free(c, l, t);
}

/* The send path over IPv6: [::1]:P to a receiver on [::1]. */
static void test_v6_xmit(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_storage from, to;
	socklen_t al = sizeof(a);
	struct vpdn_core *c;
	struct l2tp *l;
	struct l2tp_transport *t;
	unsigned port = free_port();
	uint8_t b[64];
	int fd;

	if (!have_v6_loopback())
		return;
	t = v6_transport("listen = {\"::1\"}", port, &c, &l);
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&a, sizeof(a)) == 0);
	CU_ASSERT_FATAL(getsockname(fd, (struct sockaddr *)&a, &al) == 0);
	memset(&to, 0, sizeof(to));
	memcpy(&to, &a, sizeof(a));
	memset(&from, 0, sizeof(from));
	a.sin6_port = htons(port);
	memcpy(&from, &a, sizeof(a));
	CU_ASSERT_EQUAL(l2tp_transport_xmit(t, &from, &to, (const uint8_t *)"hello6", 6), 0);
	spin();
	al = sizeof(a);
	CU_ASSERT_EQUAL(recvfrom(fd, b, sizeof(b), 0, (struct sockaddr *)&a, &al), 6);
	CU_ASSERT_EQUAL(memcmp(b, "hello6", 6), 0);
	CU_ASSERT_EQUAL(ntohs(a.sin6_port), port);
	close(fd);
	v6_transport_free(c, l, t);
}

static const struct vpdn_test_case transport_v6_tests[] = {
	{ "no listen address: IPv4 and IPv6 wildcards", test_wildcard_dual_stack },
	{ "an IPv6 socket takes no IPv4 (V6ONLY)", test_v6_socket_is_v6only },
	{ "sending over IPv6", test_v6_xmit },
	{ NULL, NULL },
};

static const struct vpdn_test_case transport_tests[] = {
	{ "sends queue until the main loop iterates", test_queued_until_iteration },
	{ "a full queue goes out at once, in order", test_full_queue_flushes },
	{ "freeing the transport sends the queue", test_free_flushes },
	{ "equal-sized datagrams leave as one UDP GSO message", test_gso_run },
	{ "a GRO buffer split into its datagrams", test_gro_split },
	{ "a UDP GSO send received with GRO", test_gro_receive },
	{ "a turn hands on about 64 datagrams of GRO buffers", test_gro_turn_bounded },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-transport", transport_tests, setup, teardown },
	{ "l2tp-transport-ipv6", transport_v6_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
