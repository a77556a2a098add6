/* SPDX-License-Identifier: MIT */
/*
 * Operations of the l2tp module on a fake network (one LAC, two LNS, all
 * on one test core with a fake clock):
 *  - `debug vpdn l2x-packets` / `l2x-data` lines, read through a log sink:
 *    every message sent and received with its AVPs, hidden AVPs in clear,
 *    secrets never;
 *  - load sharing among initiate-to peers: least sessions first among
 *    equal priorities, per-LNS session limits, dead LNS skipped for
 *    lns-dead-time, DNIS-based group selection.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "l2tp.h"
#include "vpdn_test.h"

#define SECRET "l2tptunnel"
#define MAX_CALLS 32

/* ------------------------------------------------------------------ */
/* Fake network: LAC 127.0.0.1, LNS A 127.0.0.2, LNS B 127.0.0.3      */

struct dgram {
	struct l2tp *to;
	struct sockaddr_storage dst, src;
	size_t len;
	uint8_t data[];
};

static struct {
	struct vpdn_core *core;
	struct vpdn_timers *tm;
	struct l2tp *lac, *lns[2];
	bool mute[2];           /* LNS n never answers (and never hears) */
	unsigned sccrq_to[2];   /* SCCRQs sent to LNS n */
	GQueue q;
	GPtrArray *lines;       /* log lines seen by the sink */
	unsigned sink;
	struct vpdn_subscription *subs[4];
} N;

static void addr(struct sockaddr_storage *ss, const char *ip, unsigned port)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	in->sin_family = AF_INET;
	in->sin_port = htons(port);
	inet_pton(AF_INET, ip, &in->sin_addr);
}

static int fake_xmit(void *xctx, const struct sockaddr_storage *local,
		     const struct sockaddr_storage *peer, const uint8_t *buf, size_t len)
{
	struct l2tp *self = xctx, *to = NULL;
	static const char *const ip[3] = { "127.0.0.1", "127.0.0.2", "127.0.0.3" };
	struct l2tp *eng[3] = { N.lac, N.lns[0], N.lns[1] };
	struct dgram *d;

	for (unsigned i = 0; i < 3; i++) {
		struct sockaddr_storage a;

		addr(&a, ip[i], 1701);
		if (l2tp_addr_same_host(peer, &a))
			to = eng[i];
	}
	for (unsigned n = 0; n < 2; n++) {
		if (to == N.lns[n] && len > 12 && buf[0] & 0x80 && buf[4] == 0 && buf[5] == 0)
			N.sccrq_to[n]++;
		if ((to == N.lns[n] || self == N.lns[n]) && N.mute[n])
			return 0;
	}
	if (!to)
		return 0;
	d = g_malloc0(sizeof(*d) + len);
	d->to = to;
	d->dst = *peer;
	d->src = *local;
	d->len = len;
	memcpy(d->data, buf, len);
	g_queue_push_tail(&N.q, d);
	return 0;
}

static void pump(void)
{
	struct dgram *d;

	while ((d = g_queue_pop_head(&N.q))) {
		l2tp_input(d->to, &d->dst, &d->src, d->data, d->len);
		g_free(d);
	}
}

static void run(uint64_t ms)
{
	pump();
	for (uint64_t t = 0; t < ms; t += 50) {
		vpdn_timers_advance(N.tm, 50);
		pump();
	}
}

static void sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	g_ptr_array_add(N.lines, g_strdup(line));
}

static struct l2tp_config *parse(const char *text)
{
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);
	struct l2tp_config *c = NULL;
	char *err = NULL;

	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	CU_ASSERT_EQUAL(l2tp_config_check(cfg), 0);
	CU_ASSERT_FATAL(l2tp_config_parse(cfg, &c, &err) == 0);
	cfg_free(cfg);
	return c;
}

#define LNS_FMT \
	"vpdn { enable = true }\n" \
	"vpdn-group \"1\" {\n" \
	"  accept-dialin { protocol = \"l2tp\" virtual-template = 1 }\n" \
	"  terminate-from = \"LAC\"\n" \
	"  local-name = \"%s\"\n" \
	"  tunnel-password = \"" SECRET "\"\n" \
	"  source-ip = \"%s\"\n" \
	"  hidden-avps = %s\n" \
	"}\n"

/* LNS PPP: claims every SESSION_INCOMING. */
static enum vpdn_bus_verdict on_incoming(const struct vpdn_event *ev, void *data)
{
	struct vpdn_ev_session_accept acc = { .size = sizeof(acc), .interface = "Vi2" };

	vpdn_request_complete(vpdn_event_take_request(ev), 0, &acc);
	return VPDN_BUS_CLAIM;
}

static void setup(const char *lac_cfg, bool hidden)
{
	char buf[1024];

	memset(&N, 0, sizeof(N));
	g_queue_init(&N.q);
	N.lines = g_ptr_array_new_with_free_func(g_free);
	N.core = vpdn_core_new_test();
	N.tm = vpdn_core_timers(N.core);
	vpdn_log_set_targets(vpdn_core_log(N.core), getenv("L2TP_TEST_LOG") ? VPDN_LOG_TO_STDERR : 0);
	/* The test core starts with every category on: off, each test
	 * switches on what it reads. */
	for (int c = 0; c < VPDN_DEBUG__COUNT; c++)
		vpdn_log_set_debug(vpdn_core_log(N.core), c, false);
	N.sink = vpdn_log_add_sink(vpdn_core_log(N.core), sink, NULL);
	N.lac = l2tp_new(N.core, parse(lac_cfg), fake_xmit, NULL);
	N.lac->xctx = N.lac;
	for (unsigned n = 0; n < 2; n++) {
		snprintf(buf, sizeof(buf), LNS_FMT, n ? "LNS-B" : "LNS-A",
			 n ? "127.0.0.3" : "127.0.0.2", hidden ? "true" : "false");
		N.lns[n] = l2tp_new(N.core, parse(buf), fake_xmit, NULL);
		N.lns[n]->xctx = N.lns[n];
		CU_ASSERT_EQUAL(l2tp_subscribe(N.lns[n]), 0);
	}
	CU_ASSERT_EQUAL(l2tp_subscribe(N.lac), 0);
	N.subs[0] = vpdn_bus_subscribe(vpdn_core_bus(N.core), VPDN_EV_SESSION_INCOMING,
				       on_incoming, NULL);
}

static void teardown(void)
{
	struct dgram *d;

	vpdn_bus_unsubscribe(vpdn_core_bus(N.core), N.subs[0]);
	l2tp_free(N.lac);
	l2tp_free(N.lns[0]);
	l2tp_free(N.lns[1]);
	while ((d = g_queue_pop_head(&N.q)))
		g_free(d);
	vpdn_log_remove_sink(vpdn_core_log(N.core), N.sink);
	g_ptr_array_free(N.lines, TRUE);
	vpdn_core_free_test(N.core);
}

/* LAC PPP forwarding users. */
struct call {
	struct vpdn_link *link;
	char ifname[16];
	bool done;
	int status;
};
static struct call calls[MAX_CALLS];
static unsigned n_calls;

static void fwd_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct call *c = data;

	c->done = true;
	c->status = status;
}

static void ep_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
}

static void ep_hangup(void *ctx, struct vpdn_link *link, int cause)
{
}

static const struct vpdn_link_ops ep_ops = { .frame = ep_frame, .hangup = ep_hangup };

static const uint8_t chal[16] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static struct call *dial_in(const char *domain, const char *dnis)
{
	struct vpdn_ev_forward f = { .size = sizeof(f) };
	struct call *c;

	CU_ASSERT_FATAL(n_calls < MAX_CALLS);
	c = &calls[n_calls];
	memset(c, 0, sizeof(*c));
	snprintf(c->ifname, sizeof(c->ifname), "Se0:%u", n_calls + 1);
	n_calls++;
	c->link = vpdn_link_new(c->ifname);
	vpdn_link_attach(c->link, VPDN_LINK_A, &ep_ops, c);
	f.link = c->link;
	f.interface = c->ifname;
	f.user = "remote1@cisco.com";
	f.domain = domain;
	f.calling = "6122";
	f.called = "8211";
	f.dnis = dnis;
	f.bearer_kbps = 64;
	f.proxy.present = true;
	f.proxy.auth_type = 2;
	f.proxy.auth_name = "remote1@cisco.com";
	f.proxy.auth_challenge = chal;
	f.proxy.auth_challenge_len = sizeof(chal);
	f.proxy.has_auth_id = true;
	f.proxy.auth_id = 7;
	f.proxy.auth_response = chal;
	f.proxy.auth_response_len = sizeof(chal);
	vpdn_bus_request(vpdn_core_bus(N.core), VPDN_EV_FORWARD_REQUEST, &f, fwd_done, c);
	return c;
}

static void calls_free(void)
{
	for (unsigned i = 0; i < n_calls; i++)
		vpdn_link_unref(calls[i].link);
	n_calls = 0;
}

/* LAC sessions on tunnels to LNS n (established or not). */
static unsigned sessions_to(unsigned n)
{
	struct sockaddr_storage a;
	GHashTableIter it;
	gpointer v;
	unsigned k = 0;

	addr(&a, n ? "127.0.0.3" : "127.0.0.2", 1701);
	g_hash_table_iter_init(&it, N.lac->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v)) {
		struct l2tp_tunnel *t = v;

		if (l2tp_addr_same_host(&t->peer, &a) && t->state != L2TP_TUNNEL_CLOSING)
			k += g_hash_table_size(t->sessions);
	}
	return k;
}

static unsigned lines_with(const char *a, const char *b)
{
	unsigned k = 0;

	for (unsigned i = 0; i < N.lines->len; i++) {
		const char *l = N.lines->pdata[i];

		if (strstr(l, a) && (!b || strstr(l, b)))
			k++;
	}
	return k;
}

#define LAC_FMT \
	"vpdn { enable = true search-order = {%s} }\n" \
	"vpdn-group \"1\" {\n" \
	"  request-dialin { protocol = \"l2tp\" domain = {\"cisco.com\"} }\n" \
	"  terminate-from = \"%s\"\n" \
	"  initiate-to = {%s}\n" \
	"  local-name = \"LAC\"\n" \
	"  tunnel-password = \"" SECRET "\"\n" \
	"  source-ip = \"127.0.0.1\"\n" \
	"  hidden-avps = %s\n" \
	"  %s\n" \
	"}\n" \
	"%s"

static void setup_lac(const char *initiate_to, const char *extra_opt, bool hidden,
		      const char *terminate_from)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), LAC_FMT, "\"domain\"", terminate_from ? terminate_from : "",
		 initiate_to, hidden ? "true" : "false", extra_opt ? extra_opt : "", "");
	if (!terminate_from) {
		/* Any LNS name: drop the terminate-from line. */
		char *p = strstr(buf, "  terminate-from = \"\"\n");

		memmove(p, p + strlen("  terminate-from = \"\"\n"),
			strlen(p + strlen("  terminate-from = \"\"\n")) + 1);
	}
	setup(buf, hidden);
}

/* ------------------------------------------------------------------ */
/* Debug output                                                       */

static void assert_no_secret(void)
{
	for (unsigned i = 0; i < N.lines->len; i++) {
		const char *l = N.lines->pdata[i];

		CU_ASSERT_PTR_NULL(strstr(l, SECRET));
		/* The proxy CHAP response (and challenge) in hex. */
		CU_ASSERT_PTR_NULL(strstr(l, "a1b2c3d4"));
		if (strstr(l, SECRET) || strstr(l, "a1b2c3d4"))
			fprintf(stderr, "secret in: %s\n", l);
	}
}

static void test_l2x_packets(void)
{
	struct vpdn_log *log;
	struct l2tp_tunnel *t;
	char want[128];
	GHashTableIter it;
	gpointer v;

	setup_lac("\"127.0.0.2\"", NULL, true, "LNS-A");
	log = vpdn_core_log(N.core);
	vpdn_log_set_debug(log, VPDN_DEBUG_L2X_PACKETS, true);
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_TRUE(calls[0].done);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	g_hash_table_iter_init(&it, N.lac->tunnels);
	CU_ASSERT_FATAL(g_hash_table_iter_next(&it, NULL, &v));
	t = v;
	/* Sent and received, on both ends, with their AVPs. */
	snprintf(want, sizeof(want), "Tnl %u L2TP: O SCCRQ tnl 0, cl 0, ns 0, nr 0:", t->tid);
	CU_ASSERT_EQUAL(lines_with(want, "Host-Name \"LAC\""), 1);
	snprintf(want, sizeof(want), "Tnl %u L2TP: I SCCRP tnl %u, cl 0, ns 0, nr 1:", t->tid,
		 t->tid);
	CU_ASSERT_EQUAL(lines_with(want, "Host-Name \"LNS-A\""), 1);
	snprintf(want, sizeof(want), "Tnl %u L2TP: I SCCRQ tnl 0", t->peer_tid);
	CU_ASSERT_EQUAL(lines_with(want, "Message-Type SCCRQ"), 1);
	snprintf(want, sizeof(want), "Tnl %u L2TP: O SCCRP", t->peer_tid);
	CU_ASSERT_EQUAL(lines_with(want, NULL), 1);
	CU_ASSERT(lines_with(" L2TP: O ZLB tnl ", NULL) >= 1);
	CU_ASSERT(lines_with(" L2TP: I ZLB tnl ", NULL) >= 1);
	/* Hidden AVPs shown decrypted, marked (H): the LAC's own ICRQ and
	 * the LNS's view of it. */
	CU_ASSERT_EQUAL(lines_with(" L2TP: O ICRQ ", "Called-Number(H) \"8211\""), 1);
	CU_ASSERT_EQUAL(lines_with(" L2TP: I ICRQ ", "Called-Number(H) \"8211\""), 1);
	CU_ASSERT_EQUAL(lines_with(" L2TP: I ICRQ ", "Assigned-Session-ID(H) "), 1);
	CU_ASSERT_EQUAL(lines_with(" L2TP: O ICCN ", "Proxy-Authen-Name(H) \"remote1@cisco.com\""), 1);
	/* Secrets: masked, never printed. */
	CU_ASSERT_EQUAL(lines_with(" L2TP: O SCCRP ", "Challenge-Response(H) " VPDN_SECRET_MASK), 1);
	CU_ASSERT_EQUAL(lines_with(" L2TP: I SCCCN ", "Challenge-Response(H) " VPDN_SECRET_MASK), 1);
	CU_ASSERT_EQUAL(lines_with(" L2TP: O ICCN ", "Proxy-Authen-Response(H) " VPDN_SECRET_MASK), 1);
	assert_no_secret();
	/* Off: nothing more from l2x-packets. */
	vpdn_log_set_debug(log, VPDN_DEBUG_L2X_PACKETS, false);
	g_ptr_array_set_size(N.lines, 0);
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL(calls[1].status, 0);
	CU_ASSERT_EQUAL(lines_with(" ICRQ tnl ", NULL), 0);
	calls_free();
	teardown();
}

static void test_l2x_data(void)
{
	static const uint8_t frame[] = { 0xff, 0x03, 0x00, 0x21, 0x45, 0x00, 0x00, 0x14 };
	struct vpdn_log *log;

	setup_lac("\"127.0.0.2\"", NULL, false, NULL);
	log = vpdn_core_log(N.core);
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL_FATAL(calls[0].status, 0);
	vpdn_link_send(calls[0].link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lines_with(" data", NULL), 0);
	vpdn_log_set_debug(log, VPDN_DEBUG_L2X_DATA, true);
	vpdn_link_send(calls[0].link, VPDN_LINK_A, frame, sizeof(frame));
	pump();
	CU_ASSERT_EQUAL(lines_with("Se0:1 Tnl/Cl ", "O data to "), 1);
	CU_ASSERT_EQUAL(lines_with("O data to ", "8 octets, protocol 0x0021"), 1);
	CU_ASSERT_EQUAL(lines_with("I data, 8 octets, protocol 0x0021", NULL), 1);
	calls_free();
	teardown();
}

/* The formatter alone: every secret-bearing AVP masked, text bounded. */
static void test_format(void)
{
	struct l2tp_header h = { .tunnel_id = 45029, .session_id = 291, .ns = 3, .nr = 2,
				 .payload_len = 100 };
	struct l2tp_msg m;
	char out[512];
	static const char pw[] = "secret-password";
	uint8_t long_name[200];

	l2tp_msg_init(&m, L2TP_MSG_ICCN);
	l2tp_msg_set(&m, L2TP_AVP_CHALLENGE_RESPONSE);
	memcpy(m.challenge_response, "0123456789abcdef", 16);
	l2tp_msg_set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_RESPONSE, pw, strlen(pw));
	l2tp_msg_set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_CHALLENGE, pw, strlen(pw));
	l2tp_msg_set(&m, L2TP_AVP_PROXY_AUTHEN_TYPE);
	m.proxy_authen_type = L2TP_PROXY_AUTH_PAP;
	l2tp_msg_set(&m, L2TP_AVP_TX_CONNECT_SPEED);
	m.tx_connect_speed = 64000;
	l2tp_msg_hide(&m, L2TP_AVP_TX_CONNECT_SPEED);
	memset(long_name, 'a', sizeof(long_name));
	long_name[3] = '\n';
	l2tp_msg_set_bytes(&m, L2TP_AVP_PROXY_AUTHEN_NAME, long_name, sizeof(long_name));
	l2tp_msg_format(&h, &m, out, sizeof(out));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "ICCN tnl 45029, cl 291, ns 3, nr 2: Message-Type ICCN, "));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Tx-Connect-Speed(H) 64000"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Challenge-Response " VPDN_SECRET_MASK));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Proxy-Authen-Response " VPDN_SECRET_MASK));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Proxy-Authen-Challenge 15 octets"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Proxy-Authen-Type 3 ("));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Proxy-Authen-Name \"aaa.aaaa"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "aaaa\"..."));
	CU_ASSERT_PTR_NULL(strstr(out, pw));
	CU_ASSERT_PTR_NULL(strstr(out, "0123456789"));
	CU_ASSERT_PTR_NULL(strchr(out, '\n'));
	/* A ZLB; a buffer too small is cut with "...". */
	h.payload_len = 0;
	CU_ASSERT_STRING_EQUAL(l2tp_msg_format(&h, &m, out, sizeof(out)),
			       "ZLB tnl 45029, cl 291, ns 3, nr 2");
	h.payload_len = 100;
	l2tp_msg_format(&h, &m, out, 40);
	CU_ASSERT_EQUAL(strlen(out), 39);
	CU_ASSERT_STRING_EQUAL(out + 36, "...");
}

/* ------------------------------------------------------------------ */
/* Load sharing                                                       */

static void test_equal_priority_split(void)
{
	setup_lac("\"127.0.0.2\", \"127.0.0.3\"", NULL, false, NULL);
	for (unsigned i = 0; i < 10; i++)
		dial_in("cisco.com", NULL);
	run(2000);
	for (unsigned i = 0; i < 10; i++)
		CU_ASSERT_EQUAL(calls[i].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 5);
	CU_ASSERT_EQUAL(sessions_to(1), 5);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 2);
	/* Established tunnels: least sessions still wins (one more on A
	 * after a session on B went away would go to B, and so on). */
	dial_in("cisco.com", NULL);
	run(500);
	CU_ASSERT_EQUAL(sessions_to(0) + sessions_to(1), 11);
	CU_ASSERT_EQUAL(sessions_to(0), 6);
	calls_free();
	teardown();
}

static void test_limit_overflow_and_refusal(void)
{
	setup_lac("\"127.0.0.2 limit 2\", \"127.0.0.3 priority 2 limit 3\"", NULL, false, NULL);
	vpdn_log_set_debug(vpdn_core_log(N.core), VPDN_DEBUG_VPDN_ERRORS, true);
	for (unsigned i = 0; i < 6; i++)
		dial_in("cisco.com", NULL);
	run(2000);
	/* debug vpdn errors says why the sixth was refused. */
	CU_ASSERT_EQUAL(lines_with("Se0:6 VPDN/1: no initiate-to address usable: every one is at "
				   "its session limit", NULL), 1);
	CU_ASSERT_EQUAL(lines_with("Se0:6 VPDN/1: Cannot forward remote1@cisco.com: ", NULL), 1);
	CU_ASSERT_EQUAL(lines_with("VPDN/1: ", NULL), 2);
	/* A (priority 1) takes 2, the rest overflow to B (priority 2) up to
	 * its 3; the sixth finds every LNS full: refused, EAGAIN (the
	 * "no resources, try later" answer, as for the group's
	 * session-limit). */
	CU_ASSERT_EQUAL(sessions_to(0), 2);
	CU_ASSERT_EQUAL(sessions_to(1), 3);
	for (unsigned i = 0; i < 5; i++)
		CU_ASSERT_EQUAL(calls[i].status, 0);
	CU_ASSERT_TRUE(calls[5].done);
	CU_ASSERT_EQUAL(calls[5].status, -EAGAIN);
	CU_ASSERT_EQUAL(l2tp_group_entry_sessions(N.lac, N.lac->cfg->groups->pdata[0], 0), 2);
	calls_free();
	teardown();
}

static void test_dead_lns_skipped_then_retried(void)
{
	setup_lac("\"127.0.0.2\", \"127.0.0.3\"", "lns-dead-time = 60", false, NULL);
	vpdn_log_set_debug(vpdn_core_log(N.core), VPDN_DEBUG_VPDN_ERRORS, true);
	N.mute[0] = true;
	dial_in("cisco.com", NULL);
	run(30000);
	CU_ASSERT_FALSE(calls[0].done);
	CU_ASSERT_EQUAL(N.sccrq_to[0], 6); /* 1 + 5 retransmissions */
	run(2000);
	/* A is dead at 31 s: the waiting session went to B. */
	CU_ASSERT_TRUE(calls[0].done);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(sessions_to(1), 1);
	CU_ASSERT_EQUAL(lines_with("127.0.0.2 failed tunnel set-up, marked dead for 60 s", NULL), 1);
	/* While A is dead every new session goes to B although A has none. */
	for (unsigned i = 0; i < 4; i++)
		dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL(sessions_to(1), 5);
	CU_ASSERT_EQUAL(sessions_to(0), 0);
	CU_ASSERT_EQUAL(N.sccrq_to[0], 6);
	/* After the dead time A is tried again, and now answers. */
	N.mute[0] = false;
	run(60000);
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL(N.sccrq_to[0], 7);
	CU_ASSERT_EQUAL(calls[5].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	calls_free();
	teardown();
}

static void test_all_dead_tried_anyway(void)
{
	setup_lac("\"127.0.0.2\"", "lns-dead-time = 60", false, NULL);
	N.mute[0] = true;
	dial_in("cisco.com", NULL);
	run(32000);
	CU_ASSERT_TRUE(calls[0].done);
	CU_ASSERT(calls[0].status < 0);
	/* The only LNS is dead: a new call tries it anyway rather than being
	 * refused outright. */
	N.mute[0] = false;
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL(calls[1].status, 0);
	CU_ASSERT_EQUAL(N.lac->cfg->groups->len, 1);
	CU_ASSERT_EQUAL(((struct l2tp_group *)N.lac->cfg->groups->pdata[0])->initiate_to[0].dead_until_ms,
			0);
	calls_free();
	teardown();
}

static void test_dnis_selection(void)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), LAC_FMT, "\"dnis\", \"domain\"", "LNS-A", "\"127.0.0.2\"",
		 "false", "",
		 "vpdn-group \"by-dnis\" {\n"
		 "  request-dialin { protocol = \"l2tp\" dnis = {\"211\", \"212\"} }\n"
		 "  initiate-to = {\"127.0.0.3\"}\n"
		 "  local-name = \"LAC\"\n"
		 "  tunnel-password = \"" SECRET "\"\n"
		 "  source-ip = \"127.0.0.1\"\n"
		 "}\n");
	setup(buf, false);
	/* DNIS first: 212 picks the dnis group (LNS B) although the domain
	 * names group 1 (LNS A). */
	dial_in("cisco.com", "212");
	/* Unknown DNIS: the domain decides. */
	dial_in("cisco.com", "999");
	run(1000);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(calls[1].status, 0);
	CU_ASSERT_EQUAL(sessions_to(1), 1);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	calls_free();
	teardown();
}

/* ------------------------------------------------------------------ */
/* vpdn search-order "authorize": TUNNEL_AUTHORIZE (RADIUS's Tunnel-*) */

static struct {
	struct vpdn_request *req;   /* the last ask, held */
	unsigned asked;
	char user[64];
	bool had_chap;
} AZ;

static enum vpdn_bus_verdict on_authorize(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_tunnel_authorize *q = ev->payload;

	AZ.asked++;
	g_strlcpy(AZ.user, q->user ? q->user : "", sizeof(AZ.user));
	AZ.had_chap = q->proxy.present && q->proxy.auth_type == 2 &&
		      q->proxy.auth_response_len == sizeof(chal) &&
		      memcmp(q->proxy.auth_response, chal, sizeof(chal)) == 0;
	AZ.req = vpdn_event_take_request(ev);
	return VPDN_BUS_CLAIM;
}

/* Answer the held ask: A (127.0.0.2) preference 10, B (127.0.0.3)
 * preference 20, in the reverse order (the answerer sorts; l2tp sorts
 * again), or fail with status. */
static void answer(int status)
{
	struct vpdn_tunnel_endpoint ep[2] = { { .preference = 20, .tag = 2 },
					      { .preference = 10, .tag = 1 } };
	struct vpdn_ev_tunnel_authorization z = { .size = sizeof(z), .n_endpoints = 2,
						  .endpoints = ep, .reason = "test" };

	addr(&ep[0].addr, "127.0.0.3", 0);
	addr(&ep[1].addr, "127.0.0.2", 0);
	for (unsigned i = 0; i < 2; i++) {
		g_strlcpy(ep[i].text, i ? "127.0.0.2" : "127.0.0.3", sizeof(ep[i].text));
		ep[i].password = SECRET;
		ep[i].assignment_id = "pool-1";
		ep[i].client_auth_id = "LAC";
	}
	CU_ASSERT_PTR_NOT_NULL_FATAL(AZ.req);
	vpdn_request_complete(AZ.req, status, status == 0 ? &z : &(struct vpdn_ev_tunnel_authorization){
		.size = sizeof(z), .reason = "refused by test" });
	AZ.req = NULL;
}

/* The LAC: cisco.com in no vpdn-group; the tunnels RADIUS names take
 * group "tmpl"'s settings (source-ip, retransmissions, dead time). */
static void setup_authorize(const char *order, const char *domain)
{
	char buf[2048];

	snprintf(buf, sizeof(buf),
		 "vpdn { enable = true search-order = {%s} authorize-group = \"tmpl\" }\n"
		 "vpdn-group \"1\" {\n"
		 "  request-dialin { protocol = \"l2tp\" domain = {\"%s\"} }\n"
		 "  initiate-to = {\"127.0.0.2\"}\n"
		 "  local-name = \"LAC\"  tunnel-password = \"" SECRET "\"\n"
		 "  source-ip = \"127.0.0.1\"\n"
		 "}\n"
		 "vpdn-group \"tmpl\" {\n"
		 "  source-ip = \"127.0.0.1\"  lns-dead-time = 60\n"
		 "}\n", order, domain);
	setup(buf, false);
	memset(&AZ, 0, sizeof(AZ));
	N.subs[1] = vpdn_bus_subscribe(vpdn_core_bus(N.core), VPDN_EV_TUNNEL_AUTHORIZE,
				       on_authorize, NULL);
	vpdn_log_set_debug(vpdn_core_log(N.core), VPDN_DEBUG_VPDN_EVENTS, true);
	vpdn_log_set_debug(vpdn_core_log(N.core), VPDN_DEBUG_VPDN_ERRORS, true);
}

static void teardown_authorize(void)
{
	vpdn_bus_unsubscribe(vpdn_core_bus(N.core), N.subs[1]);
	calls_free();
	teardown();
}

static void test_authorize_failover_by_preference(void)
{
	struct l2tp_group *g;

	setup_authorize("\"domain\", \"authorize\"", "other.com");
	N.mute[0] = true;
	dial_in("cisco.com", NULL);
	CU_ASSERT_EQUAL(AZ.asked, 1);
	CU_ASSERT_STRING_EQUAL(AZ.user, "remote1@cisco.com");
	CU_ASSERT_TRUE(AZ.had_chap); /* the proxy's CHAP reaches the answerer */
	CU_ASSERT_FALSE(calls[0].done);
	answer(0);
	CU_ASSERT_EQUAL_FATAL(N.lac->authz_groups->len, 1);
	g = N.lac->authz_groups->pdata[0];
	CU_ASSERT_STRING_EQUAL(g->name, "radius:pool-1");
	CU_ASSERT_TRUE(g->dynamic);
	CU_ASSERT_EQUAL(g->n_initiate, 2);
	/* preference 10 first: A */
	CU_ASSERT_STRING_EQUAL(g->initiate_to[0].text, "127.0.0.2");
	CU_ASSERT_EQUAL(g->initiate_to[0].priority, 10);
	CU_ASSERT_EQUAL(l2tp_addr_port(&g->initiate_to[0].addr), 1701);
	CU_ASSERT_STRING_EQUAL(g->local_name, "LAC");
	CU_ASSERT_STRING_EQUAL(g->password, SECRET);
	CU_ASSERT_EQUAL(g->dead_time_s, 60); /* from authorize-group "tmpl" */
	run(31000);
	/* A never answered (1 + 5 SCCRQs): failover to B, as for initiate-to */
	CU_ASSERT_EQUAL(N.sccrq_to[0], 6);
	CU_ASSERT_TRUE(calls[0].done);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(sessions_to(1), 1);
	CU_ASSERT_EQUAL(lines_with("127.0.0.2 failed tunnel set-up, marked dead for 60 s", NULL), 1);
	/* The same answer again: the same group, A still dead, straight to B */
	dial_in("cisco.com", NULL);
	answer(0);
	run(1000);
	CU_ASSERT_EQUAL(calls[1].status, 0);
	CU_ASSERT_EQUAL(N.lac->authz_groups->len, 1);
	CU_ASSERT_EQUAL(N.sccrq_to[0], 6);
	CU_ASSERT_EQUAL(sessions_to(1), 2);
	CU_ASSERT(lines_with("VPDN/authorize: remote1@cisco.com: tag 1 IP 127.0.0.2 preference 10, "
			     "tunnel-password xxxxxx", NULL) >= 1);
	assert_no_secret();
	teardown_authorize();
}

static void test_authorize_search_order(void)
{
	/* domain first, and the domain is configured: RADIUS is not asked */
	setup_authorize("\"domain\", \"authorize\"", "cisco.com");
	dial_in("cisco.com", NULL);
	run(1000);
	CU_ASSERT_EQUAL(AZ.asked, 0);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	teardown_authorize();

	/* authorize first: asked; nobody answered -> the configured domain */
	setup_authorize("\"authorize\", \"domain\"", "cisco.com");
	dial_in("cisco.com", NULL);
	CU_ASSERT_EQUAL(AZ.asked, 1);
	answer(-ETIMEDOUT);
	run(1000);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	CU_ASSERT_EQUAL(N.lac->authz_groups->len, 0);
	/* the user refused by RADIUS: no tunnel, no fallback */
	dial_in("cisco.com", NULL);
	answer(-EACCES);
	CU_ASSERT_TRUE(calls[1].done);
	CU_ASSERT_EQUAL(calls[1].status, -EACCES);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	/* no tunnel for the user, nothing configured: -ENOENT (PPP then
	 * authenticates locally) */
	dial_in("example.org", NULL);
	answer(-ENOENT);
	CU_ASSERT_TRUE(calls[2].done);
	CU_ASSERT_EQUAL(calls[2].status, -ENOENT);
	teardown_authorize();
}

/* Endpoints with another secret than the preferred one's cannot share
 * its group: left out, with a line; a bad address family: skipped; an
 * IPv4-mapped IPv6 endpoint (issue #18): left out, with a line. */
static void test_authorize_mixed_secrets(void)
{
	struct vpdn_tunnel_endpoint ep[4] = {
		{ .preference = 1, .tag = 1, .password = SECRET, .client_auth_id = "LAC" },
		{ .preference = 2, .tag = 2, .password = "other-pw", .client_auth_id = "LAC" },
		{ .preference = 3, .tag = 3, .password = SECRET, .client_auth_id = "LAC" },
		{ .preference = 4, .tag = 4, .password = SECRET, .client_auth_id = "LAC" } };
	struct vpdn_ev_tunnel_authorization z = { .size = sizeof(z), .n_endpoints = 4,
						  .endpoints = ep };
	struct l2tp_group *g;

	setup_authorize("\"authorize\"", "other.com");
	addr(&ep[0].addr, "127.0.0.2", 0);
	addr(&ep[1].addr, "127.0.0.3", 0);
	ep[2].addr.ss_family = AF_UNIX;
	g_strlcpy(ep[0].text, "127.0.0.2", sizeof(ep[0].text));
	g_strlcpy(ep[1].text, "127.0.0.3", sizeof(ep[1].text));
	g_strlcpy(ep[2].text, "unix", sizeof(ep[2].text));
	ep[3].addr.ss_family = AF_INET6;
	inet_pton(AF_INET6, "::ffff:127.0.0.2", &((struct sockaddr_in6 *)&ep[3].addr)->sin6_addr);
	g_strlcpy(ep[3].text, "::ffff:127.0.0.2", sizeof(ep[3].text));
	dial_in("cisco.com", NULL);
	vpdn_request_complete(AZ.req, 0, &z);
	AZ.req = NULL;
	run(1000);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL_FATAL(N.lac->authz_groups->len, 1);
	g = N.lac->authz_groups->pdata[0];
	CU_ASSERT_EQUAL(g->n_initiate, 1);
	CU_ASSERT_STRING_EQUAL(g->initiate_to[0].text, "127.0.0.2");
	CU_ASSERT_STRING_EQUAL(g->name, "radius:127.0.0.2");
	CU_ASSERT_EQUAL(lines_with("endpoint 127.0.0.3 (tag 2) left out", NULL), 1);
	CU_ASSERT_EQUAL(lines_with("endpoint ::ffff:127.0.0.2 (tag 4) left out: an IPv4-mapped",
				   NULL), 1);
	assert_no_secret();
	CU_ASSERT_EQUAL(lines_with("other-pw", NULL), 0);
	teardown_authorize();
}

static void test_authorize_reload(void)
{
	struct l2tp_tunnel *t = NULL;
	struct l2tp_group *g;
	GHashTableIter it;
	gpointer v;
	char *err = NULL;

	setup_authorize("\"authorize\"", "other.com");
	dial_in("cisco.com", NULL);
	answer(0);
	run(1000);
	CU_ASSERT_EQUAL(calls[0].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 1);
	g = N.lac->authz_groups->pdata[0];
	g_hash_table_iter_init(&it, N.lac->tunnels);
	while (g_hash_table_iter_next(&it, NULL, &v))
		t = v;
	CU_ASSERT_PTR_NOT_NULL_FATAL(t);
	CU_ASSERT_PTR_EQUAL(t->group, g);
	/* a reload (even one with a vpdn-group of that name and the same
	 * tunnel settings) leaves the groups RADIUS made and their tunnels
	 * alone */
	CU_ASSERT_EQUAL(l2tp_reconfigure(N.lac, parse(
		"vpdn { enable = true search-order = {\"authorize\"} }\n"
		"vpdn-group \"radius:pool-1\" {\n"
		"  initiate-to = {\"127.0.0.2 priority 10\", \"127.0.0.3 priority 20\"}\n"
		"  local-name = \"LAC\"  tunnel-password = \"" SECRET "\"\n"
		"  source-ip = \"127.0.0.1\"\n"
		"}\n"), &err), 0);
	g_free(err);
	CU_ASSERT_PTR_EQUAL(t->group, g);
	CU_ASSERT_EQUAL(N.lac->authz_groups->len, 1);
	dial_in("cisco.com", NULL);
	answer(0);
	run(1000);
	CU_ASSERT_EQUAL(calls[1].status, 0);
	CU_ASSERT_EQUAL(sessions_to(0), 2);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->tunnels), 1);
	teardown_authorize();
}

static void test_authorize_pending_at_free(void)
{
	setup_authorize("\"authorize\"", "other.com");
	dial_in("cisco.com", NULL);
	CU_ASSERT_EQUAL(AZ.asked, 1);
	CU_ASSERT_EQUAL(g_hash_table_size(N.lac->authz_pending), 1);
	/* the module goes while RADIUS is asked: the call is completed */
	vpdn_bus_unsubscribe(vpdn_core_bus(N.core), N.subs[1]);
	N.subs[1] = NULL;
	l2tp_free(N.lac);
	CU_ASSERT_TRUE(calls[0].done);
	CU_ASSERT_EQUAL(calls[0].status, -ESHUTDOWN);
	/* the answerer's late completion of a cancelled ask is dropped */
	vpdn_request_complete(AZ.req, -ENOENT, NULL);
	N.lac = l2tp_new(N.core, parse("vpdn { enable = true }\n"), fake_xmit, NULL);
	calls_free();
	teardown();
}

static const struct vpdn_test_case authz_tests[] = {
	{ "RADIUS endpoints: preference order, failover, the group reused, no secret",
	  test_authorize_failover_by_preference },
	{ "search-order domain/authorize: who is asked first, fallbacks, refusal",
	  test_authorize_search_order },
	{ "endpoints with another secret left out, a bad family skipped",
	  test_authorize_mixed_secrets },
	{ "a reload leaves RADIUS-made groups and their tunnels alone", test_authorize_reload },
	{ "a pending ask when the module goes: completed, late answer dropped",
	  test_authorize_pending_at_free },
	{ NULL, NULL }
};

static const struct vpdn_test_case debug_tests[] = {
	{ "l2x-packets: every message both ways, hidden AVPs clear, no secret", test_l2x_packets },
	{ "l2x-data: one line per data message, only when on", test_l2x_data },
	{ "formatter masks secrets and bounds text", test_format },
	{ NULL, NULL }
};

static const struct vpdn_test_case lb_tests[] = {
	{ "10 sessions over two equal-priority LNS: 5/5", test_equal_priority_split },
	{ "per-LNS limit: overflow, then EAGAIN when all full", test_limit_overflow_and_refusal },
	{ "dead LNS skipped for lns-dead-time, then tried again", test_dead_lns_skipped_then_retried },
	{ "every LNS dead: tried anyway", test_all_dead_tried_anyway },
	{ "search-order dnis, domain picks the dnis group", test_dnis_selection },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-debug", debug_tests, NULL, NULL },
	{ "l2tp-load-sharing", lb_tests, NULL, NULL },
	{ "l2tp-authorize", authz_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
