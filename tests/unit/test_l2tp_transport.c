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

static const struct vpdn_test_case transport_tests[] = {
	{ "sends queue until the main loop iterates", test_queued_until_iteration },
	{ "a full queue goes out at once, in order", test_full_queue_flushes },
	{ "freeing the transport sends the queue", test_free_flushes },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-transport", transport_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
