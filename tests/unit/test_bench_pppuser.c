/* SPDX-License-Identifier: MIT */
/*
 * The bench generators' PPP user (bench/pppuser.c) against our own LNS
 * engine (modules/ppp, its RFC 1661 tables in fsm.c), in process over a
 * fake carrier with the fake clock: proxy LCP accepted (IPCP only after
 * CHAP Success), lcp-renegotiation "always" (a Configure-Request to an
 * Opened user: This-Layer-Down, our request, then the ack; CHAP again),
 * a Nak of the user's address (the next request carries the address
 * offered), lost frames (restart timers), and the user's own table on a
 * renegotiation after IPCP is up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "chap.h"
#include "ppp-private.h"
#include "pppuser.h"
#include "vpdn_test.h"

static struct vpdn_core *core;
static struct ppp_manager *mgr;
static cfg_t *cfg;

static const char *conf_text =
	"interface \"Loopback0\" { ip-address = \"18.18.18.2\" }\n"
	/* bench/bench.sh's LNS: proxy LCP taken, the user's own address */
	"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-ipcp-accept-peer-address = true }\n"
	"interface \"Virtual-Template2\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-ipcp-accept-peer-address = true  ppp-lcp-renegotiation = \"always\" }\n"
	/* addresses from a pool: the user's own is Nak'ed */
	"interface \"Virtual-Template3\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-peer-pool = \"10.0.0.10 10.0.0.12\"  ppp-lcp-renegotiation = \"always\" }\n";

#define USER "bench@cisco.com"
#define PASS "bench"

static struct {
	int auth_requests, auth_ok, network_up;
	struct in_addr peer;
	int session_claimed;
	char accept_if[16];
} fx;

static enum vpdn_bus_verdict on_auth(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_auth *a = ev->payload;
	bool ok = a->user && !strcmp(a->user, USER) && a->method == VPDN_AUTH_CHAP_MD5 &&
		  chap_md5_verify(a->chap_id, PASS, strlen(PASS), a->challenge,
				  a->challenge_len, a->response, a->response_len);
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct vpdn_ev_auth_result r = { .size = sizeof(r), .ok = ok, .user = a->user,
					 .reason = ok ? NULL : "bad password" };
	fx.auth_requests++;
	fx.auth_ok += ok;
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_network(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_network *n = ev->payload;
	fx.network_up++;
	fx.peer = n->peer;
	return VPDN_BUS_PASS;
}

static int setup(void)
{
	core = vpdn_core_new_test();
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE),
		CFG_END()
	};
	cfg = cfg_init(opts, 0);
	g_free(iface);
	if (cfg_parse_buf(cfg, conf_text) != CFG_SUCCESS)
		return 1;
	mgr = ppp_manager_new(core, cfg);
	if (!mgr)
		return 1;
	struct vpdn_bus *bus = vpdn_core_bus(core);
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, on_auth, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_UP, on_network, NULL);
	return 0;
}

static int teardown(void)
{
	ppp_manager_free(mgr);
	cfg_free(cfg);
	vpdn_core_free_test(core);
	return 0;
}

/* ---- the fake carrier: the LNS engine on end B of a link, the user on
 * end A; frames both ways are queued and pumped, as UDP would. ---- */

struct frame {
	int to_user;
	size_t len;
	uint8_t d[600];
};

static struct {
	struct vpdn_link *link;
	GQueue q;
	struct pppu u;
	float now;               /* the user's clock, from the fake clock */
	int drop_to_user;        /* lose the next N frames toward the user */
	/* what the user sent, in order: proto << 8 | code */
	uint32_t sent[128];
	int nsent;
	int ipcp_before_success; /* IPCP from the user before CHAP Success */
	int success_seen;        /* CHAP Success delivered to the user */
	int results[4];          /* PPPU_UP, PPPU_DOWN, PPPU_REFUSED counts */
	char trace[2048];        /* "LCP RCR+ Opened>Ack-Sent;" ... */
} w;

static void trace(const struct pppu *u, const char *layer, const char *ev, const char *from,
		  const char *to)
{
	size_t n = strlen(w.trace);
	snprintf(w.trace + n, sizeof(w.trace) - n, "%s %s %s>%s;", layer, ev, from, to);
}

static void user_send(void *ctx, uint16_t proto, const uint8_t *p, size_t len)
{
	struct frame *f = g_new0(struct frame, 1);
	CU_ASSERT_FATAL(len + 4 <= sizeof(f->d));
	f->d[0] = 0xff;
	f->d[1] = 0x03;
	f->d[2] = proto >> 8;
	f->d[3] = proto & 0xff;
	memcpy(f->d + 4, p, len);
	f->len = len + 4;
	if (w.nsent < 128)
		w.sent[w.nsent++] = (uint32_t)proto << 8 | p[0];
	if (proto == 0x8021 && !w.success_seen)
		w.ipcp_before_success++;
	g_queue_push_tail(&w.q, f);
}

static struct pppu_io io(void)
{
	struct pppu_io i = { user_send, NULL, pppu_client_addr(0), USER, PASS, w.now };
	return i;
}

static void count(enum pppu_result r)
{
	if (r == PPPU_UP) w.results[0]++;
	if (r == PPPU_DOWN) w.results[1]++;
	if (r == PPPU_REFUSED) w.results[2]++;
}

static void lns_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	struct frame *f = g_new0(struct frame, 1);
	f->to_user = 1;
	f->len = len < sizeof(f->d) ? len : sizeof(f->d);
	memcpy(f->d, d, f->len);
	g_queue_push_tail(&w.q, f);
}

static void lns_hangup(void *ctx, struct vpdn_link *l, int cause)
{
}

static const struct vpdn_link_ops user_ops = { .frame = lns_frame, .hangup = lns_hangup };

static int pump(void)
{
	int n = 0;
	struct frame *f;

	while (n < 1000 && (f = g_queue_pop_head(&w.q))) {
		n++;
		if (!f->to_user) {
			vpdn_link_send(w.link, VPDN_LINK_A, f->d, f->len);
		} else if (w.drop_to_user > 0) {
			w.drop_to_user--;
		} else {
			const uint8_t *p = f->d[0] == 0xff ? f->d + 2 : f->d;
			if (p[0] == 0xc2 && p[1] == 0x23 && p[2] == 3)
				w.success_seen = 1;
			struct pppu_io i = io();
			count(pppu_input(&w.u, &i, f->d, f->len));
		}
		g_free(f);
	}
	return n;
}

/* Pump; when idle, 100 ms on the fake clock and the user's 0.5 s sweep. */
static void run(int rounds)
{
	for (int i = 0; i < rounds; i++) {
		if (pump())
			continue;
		vpdn_timers_advance(vpdn_core_timers(core), 100);
		w.now = vpdn_timers_now(vpdn_core_timers(core)) / 1000.0f;
		if (i % 5 == 0) {
			struct pppu_io in = io();
			count(pppu_tick(&w.u, &in));
		}
	}
}

static void accept_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_session_accept *a = reply;
	fx.session_claimed = status == 0;
	if (a && a->interface)
		snprintf(fx.accept_if, sizeof(fx.accept_if), "%s", a->interface);
}

/* An incoming L2TP session as loadgen makes it: ICCN with the proxy LCP
 * (the LAC sent CHAP + magic, the user its magic PPPU_MAGIC) and proxy
 * CHAP (id 7, the user's response); the user's LCP is then Opened. */
static struct ppp_engine *session(int vt)
{
	static const uint8_t lsent[] = { 3, 5, 0xc2, 0x23, 5, 5, 6, 0x11, 0x22, 0x33, 0x44 };
	static const uint8_t lrcvd[] = { 5, 6, 0x55, 0x66, 0x77, 0x88 };
	static const uint8_t chal[16] = "0123456789abcdef";
	uint8_t resp[16];

	memset(&fx, 0, sizeof(fx));
	memset(&w, 0, sizeof(w));
	g_queue_init(&w.q);
	w.link = vpdn_link_new("Tnl/Cl 1/1");
	vpdn_link_attach(w.link, VPDN_LINK_A, &user_ops, NULL);
	chap_md5_response(7, PASS, strlen(PASS), chal, 16, resp);
	struct vpdn_proxy p = {
		.present = true,
		.init_rcvd_confreq = lrcvd, .init_rcvd_confreq_len = sizeof(lrcvd),
		.last_sent_confreq = lsent, .last_sent_confreq_len = sizeof(lsent),
		.last_rcvd_confreq = lrcvd, .last_rcvd_confreq_len = sizeof(lrcvd),
		.auth_type = 2, .auth_name = USER,
		.auth_challenge = chal, .auth_challenge_len = 16,
		.has_auth_id = true, .auth_id = 7,
		.auth_response = resp, .auth_response_len = 16,
	};
	struct vpdn_ev_session s = {
		.size = sizeof(s), .tunnel_id = 1, .session_id = 1, .dir = VPDN_CALL_IN,
		.group = "1", .peer_name = "LAC", .user = USER, .calling = "1", .called = "2",
		.virtual_template = vt, .link = w.link, .proxy = p,
	};
	struct pppu_io i = io();
	pppu_trace = trace;
	pppu_proxy_opened(&w.u, &i, 1);
	vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_SESSION_INCOMING, &s, accept_done, NULL);
	vpdn_bus_run_pending(vpdn_core_bus(core)); /* ABI 2: answered on the next turn */
	CU_ASSERT_TRUE_FATAL(fx.session_claimed);
	struct ppp_engine *e = ppp_manager_find(mgr, fx.accept_if);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	return e;
}

/* The LNS engine again (it frees itself if its negotiation fails). */
static struct ppp_engine *lns(void)
{
	struct ppp_engine *e = ppp_manager_find(mgr, fx.accept_if);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	return e;
}

static void session_end(struct ppp_engine *e)
{
	struct frame *f;

	/* the engine may have closed itself (a failed negotiation) */
	e = ppp_manager_find(mgr, fx.accept_if);
	if (e)
		ppp_engine_close(e, NULL);
	run(40);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	while ((f = g_queue_pop_head(&w.q)))
		g_free(f);
	vpdn_link_detach(w.link, VPDN_LINK_A);
	vpdn_link_unref(w.link);
}

static int sent_index(uint16_t proto, uint8_t code, int from)
{
	for (int i = from; i < w.nsent; i++)
		if (w.sent[i] == ((uint32_t)proto << 8 | code))
			return i;
	return -1;
}

/* ---- tests ---- */

static void test_proxy_accepted(void)
{
	struct ppp_engine *e = session(1);
	run(30);
	e = lns();
	CU_ASSERT_EQUAL(ppp_engine_lcp_confreqs_sent(e), 0);
	CU_ASSERT_EQUAL(fx.auth_ok, 1);
	CU_ASSERT_TRUE(w.success_seen);
	CU_ASSERT_EQUAL(w.ipcp_before_success, 0);
	CU_ASSERT_EQUAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(e)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	CU_ASSERT_EQUAL(w.results[0], 1);
	CU_ASSERT_EQUAL(w.results[2], 0);
	CU_ASSERT_EQUAL(fx.peer.s_addr, htonl(pppu_client_addr(0)));
	/* no LCP packet from the user at all: the proxy stood */
	CU_ASSERT_EQUAL(sent_index(0xc021, 1, 0), -1);
	CU_ASSERT_EQUAL(sent_index(0xc021, 2, 0), -1);
	session_end(e);
}

static void test_renegotiation_always(void)
{
	struct ppp_engine *e = session(2);
	run(60);
	e = lns();
	CU_ASSERT_TRUE(ppp_engine_lcp_confreqs_sent(e) > 0);
	/* The LNS's Configure-Request reached an Opened user: its own
	 * request goes out before its Configure-Ack (RFC 1661 4.1, Opened,
	 * RCR+: tld, scr, sca). */
	int req = sent_index(0xc021, 1, 0), ack = sent_index(0xc021, 2, 0);
	CU_ASSERT_TRUE(req >= 0);
	CU_ASSERT_TRUE(ack >= 0);
	CU_ASSERT_TRUE(req < ack);
	/* the user's states, as the RFC's table has them */
	CU_ASSERT_PTR_NOT_NULL(strstr(w.trace, "LCP RCR+ Opened>Ack-Sent;LCP RCA Ack-Sent>Opened;"
					       "IPCP Up Starting>Req-Sent;"));
	/* CHAP run again by the LNS, answered, IPCP only after Success */
	CU_ASSERT_TRUE(sent_index(0xc223, 2, 0) > ack);
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	CU_ASSERT_EQUAL(fx.auth_ok, 1);
	CU_ASSERT_TRUE(w.success_seen);
	CU_ASSERT_EQUAL(w.ipcp_before_success, 0);
	CU_ASSERT_EQUAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(e)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_OPENED);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	CU_ASSERT_EQUAL(w.results[0], 1);
	CU_ASSERT_EQUAL(w.results[2], 0);
	session_end(e);
}

static void test_nak_new_address(void)
{
	struct ppp_engine *e = session(3);
	run(60);
	e = lns();
	/* the LNS Nak'ed 17.0.0.1 with its pool's first address; the user
	 * asked again with it and got it */
	CU_ASSERT_EQUAL(w.results[2], 0);
	CU_ASSERT_EQUAL(w.u.addr, 0x0a00000au);
	CU_ASSERT_EQUAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	CU_ASSERT_EQUAL(fx.network_up, 1);
	CU_ASSERT_EQUAL(fx.peer.s_addr, inet_addr("10.0.0.10"));
	int r1 = sent_index(0x8021, 1, 0), r2 = sent_index(0x8021, 1, r1 + 1);
	CU_ASSERT_TRUE(r1 >= 0 && r2 > r1);
	session_end(e);
}

static void test_lost_frames(void)
{
	/* The LNS's first frames (its LCP request, lost) and the restart
	 * timers on both sides: still up, without the user giving up. */
	struct ppp_engine *e = session(2);
	w.drop_to_user = 2;
	run(150);
	e = lns();
	CU_ASSERT_EQUAL(w.results[2], 0);
	CU_ASSERT_EQUAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	session_end(e);
}

/* The user's own table, no engine: a Configure-Request once IPCP is up. */
static const uint8_t *last_sent(void)
{
	struct frame *f = g_queue_peek_tail(&w.q);
	return f ? f->d + 2 : NULL;
}

static void feed(uint16_t proto, uint8_t code, uint8_t id, const uint8_t *o, size_t n)
{
	uint8_t f[64] = { proto >> 8, proto & 0xff, code, id, 0, (uint8_t)(n + 4) };
	if (n)
		memcpy(f + 6, o, n);
	struct pppu_io i = io();
	count(pppu_input(&w.u, &i, f, n + 6));
}

static void test_user_table_reneg_in_opened(void)
{
	static const uint8_t magic[] = { 5, 6, 1, 2, 3, 4 };
	static const uint8_t auth_pap[] = { 3, 4, 0xc0, 0x23 }, addr[] = { 3, 6, 18, 18, 18, 2 };
	struct pppu_io i;
	struct frame *f;

	memset(&w, 0, sizeof(w));
	g_queue_init(&w.q);
	i = io();
	pppu_proxy_opened(&w.u, &i, 0);   /* no auth: IPCP at once */
	CU_ASSERT_EQUAL(w.u.phase, PPPU_PH_NETWORK);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_REQSENT);
	CU_ASSERT_EQUAL(w.sent[0], 0x802101u);
	feed(0x8021, 1, 9, addr, sizeof(addr));
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_ACKSENT);
	uint32_t a0 = pppu_client_addr(0);
	uint8_t mine[6] = { 3, 6, a0 >> 24, a0 >> 16 & 0xff, a0 >> 8 & 0xff, a0 & 0xff };
	feed(0x8021, 2, w.u.ipcp.id, mine, 6);
	CU_ASSERT_EQUAL(w.results[0], 1);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	/* a duplicate Ack changes nothing (as in pppd: the RFC table would
	 * take the layer down for an Ack of a request already answered) */
	feed(0x8021, 2, w.u.ipcp.id, mine, 6);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);
	/* an unknown code: Code-Reject, our request's id kept */
	uint8_t id0 = w.u.ipcp.id;
	feed(0x8021, 12, 77, NULL, 0);
	CU_ASSERT_EQUAL(w.sent[w.nsent - 1], 0x802107u);
	CU_ASSERT_EQUAL(last_sent()[6], 12);
	CU_ASSERT_EQUAL(last_sent()[7], 77);
	CU_ASSERT_EQUAL(w.u.ipcp.id, id0);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_OPENED);

	/* LCP Configure-Request in Opened: IPCP down, our request, then Nak
	 * (PAP is not ours: CHAP MD5 offered) */
	int n0 = w.nsent;
	uint8_t req[10];
	memcpy(req, auth_pap, 4);
	memcpy(req + 4, magic, 6);
	feed(0xc021, 1, 33, req, sizeof(req));
	CU_ASSERT_EQUAL(w.results[1], 1);
	CU_ASSERT_EQUAL(w.u.up, 0);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_STARTING);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_REQSENT);
	CU_ASSERT_EQUAL_FATAL(w.nsent, n0 + 2);
	CU_ASSERT_EQUAL(w.sent[n0], 0xc02101u);
	CU_ASSERT_EQUAL(w.sent[n0 + 1], 0xc02103u);
	const uint8_t *nak = last_sent();
	CU_ASSERT_EQUAL(nak[3], 33);
	CU_ASSERT_EQUAL(nak[5], 9);
	CU_ASSERT_EQUAL(memcmp(nak + 6, "\x03\x05\xc2\x23\x05", 5), 0);
	/* IPCP is discarded outside the network phase */
	n0 = w.nsent;
	feed(0x8021, 1, 10, addr, sizeof(addr));
	CU_ASSERT_EQUAL(w.nsent, n0);
	/* an unknown LCP option is rejected, not acked */
	static const uint8_t pfc[] = { 7, 2 };
	feed(0xc021, 1, 34, pfc, 2);
	CU_ASSERT_EQUAL(w.sent[w.nsent - 1], 0xc02104u);
	/* the peer's request without auth: acked; then our request acked */
	feed(0xc021, 1, 35, magic, sizeof(magic));
	CU_ASSERT_EQUAL(w.sent[w.nsent - 1], 0xc02102u);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_ACKSENT);
	uint8_t ours[6];
	ours[0] = 5; ours[1] = 6;
	ours[2] = PPPU_MAGIC >> 24; ours[3] = PPPU_MAGIC >> 16 & 0xff;
	ours[4] = PPPU_MAGIC >> 8 & 0xff; ours[5] = PPPU_MAGIC & 0xff;
	feed(0xc021, 2, (uint8_t)(w.u.lcp.id + 1), ours, 6);   /* wrong id: ignored */
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_ACKSENT);
	feed(0xc021, 2, w.u.lcp.id, ours, 6);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_OPENED);
	CU_ASSERT_EQUAL(w.u.ipcp.state, PPPU_REQSENT);   /* straight to network */
	/* IPCP Nak of our address, then Terminate-Request */
	uint8_t offer[6] = { 3, 6, 10, 1, 2, 3 };
	feed(0x8021, 3, w.u.ipcp.id, offer, 6);
	CU_ASSERT_EQUAL(w.u.addr, 0x0a010203u);
	CU_ASSERT_EQUAL(w.sent[w.nsent - 1], 0x802101u);
	CU_ASSERT_EQUAL(memcmp(last_sent() + 6, offer, 6), 0);
	feed(0xc021, 5, 40, NULL, 0);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_STOPPING);
	CU_ASSERT_EQUAL(w.sent[w.nsent - 1], 0xc02106u);
	/* the restart timer (zrc) runs out: LCP finished, the user gives up */
	w.now += 2;
	i = io();
	count(pppu_tick(&w.u, &i));
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_STOPPED);
	CU_ASSERT_EQUAL(w.results[2], 1);
	/* malformed: an option longer than the packet, dropped */
	n0 = w.nsent;
	static const uint8_t bad[] = { 1, 9, 0 };
	feed(0xc021, 1, 41, bad, sizeof(bad));
	CU_ASSERT_EQUAL(w.nsent, n0);
	while ((f = g_queue_pop_head(&w.q)))
		g_free(f);
}

static void test_user_max_configure(void)
{
	struct pppu_io i;
	struct frame *f;

	memset(&w, 0, sizeof(w));
	g_queue_init(&w.q);
	i = io();
	pppu_start(&w.u, &i);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_REQSENT);
	for (int k = 0; k < 30 && !w.results[2]; k++) {
		w.now += 0.5f;
		i = io();
		count(pppu_tick(&w.u, &i));
	}
	/* Max-Configure (10) requests, the same id for retransmissions */
	CU_ASSERT_EQUAL(w.nsent, PPPU_MAX_CONFIGURE);
	CU_ASSERT_EQUAL(w.u.lcp.id, 1);
	CU_ASSERT_EQUAL(w.results[2], 1);
	CU_ASSERT_EQUAL(w.u.lcp.state, PPPU_STOPPED);
	while ((f = g_queue_pop_head(&w.q)))
		g_free(f);
}

static const struct vpdn_test_case tests[] = {
	{ "proxy LCP accepted: IPCP after CHAP Success", test_proxy_accepted },
	{ "lcp-renegotiation always: scr before sca, CHAP again", test_renegotiation_always },
	{ "IPCP Nak with a new address", test_nak_new_address },
	{ "lost frames: restart timers", test_lost_frames },
	{ "user table: renegotiation in Opened, Nak, Reject, Terminate",
	  test_user_table_reneg_in_opened },
	{ "user table: Max-Configure", test_user_max_configure },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "bench-pppuser", tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
