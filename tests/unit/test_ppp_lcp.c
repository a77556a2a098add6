/* SPDX-License-Identifier: MIT */
/* LCP options and packets: parsing edge cases, proxy LCP judgement, log
 * formatting, header compression, Echo/Discard/Code-Reject/Protocol-Reject. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "ppp-private.h"
#include "vpdn_test.h"

static struct vpdn_core *core;
static struct ppp_manager *mgr;
static cfg_t *cfg;
static GPtrArray *lines;
static unsigned sink_id;

static void sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	g_ptr_array_add(lines, g_strdup(line));
}

static bool has_line(const char *text)
{
	for (guint i = 0; i < lines->len; i++)
		if (!strcmp(g_ptr_array_index(lines, i), text))
			return true;
	return false;
}

/* A parser with the interface table the daemon builds: the core's keys
 * (ip-address, ip-unnumbered...), then ppp's. */
static cfg_t *ppp_cfg_init(void)
{
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE),
		CFG_END()
	};
	cfg_t *c = cfg_init(opts, 0);

	g_free(iface); /* cfg_init() copied it */
	return c;
}

static int setup(void)
{
	core = vpdn_core_new_test();
	cfg = ppp_cfg_init();
	if (cfg_parse_buf(cfg,
		"interface \"Virtual-Template1\" { ip-address = \"18.18.18.2\"\n"
		"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\" }\n"
		"interface \"Plain\" { ip-address = \"10.1.1.1\" ppp-keepalive = 0\n"
		"  ppp-ipcp-accept-peer-address = true }\n"
		"interface \"Strict\" { ip-address = \"10.1.1.1\" ppp-keepalive = 0 }\n"
		"interface \"Pool\" { ip-address = \"10.1.1.1\" ppp-keepalive = 0\n"
		"  ppp-peer-pool = \"10.5.0.1 10.5.0.3\" }\n"
		"interface \"Default\" { ip-address = \"10.1.1.1\"\n"
		"  ppp-peer-default-ip-address = \"10.9.9.9\" }\n") != CFG_SUCCESS)
		return 1;
	mgr = ppp_manager_new(core, cfg);
	lines = g_ptr_array_new_with_free_func(g_free);
	sink_id = vpdn_log_add_sink(vpdn_core_log(core), sink, NULL);
	return mgr ? 0 : 1;
}

static int teardown(void)
{
	ppp_manager_free(mgr);
	vpdn_log_remove_sink(vpdn_core_log(core), sink_id);
	g_ptr_array_free(lines, TRUE);
	cfg_free(cfg);
	vpdn_core_free_test(core);
	return 0;
}

struct raw {
	struct vpdn_link *link;
	uint8_t last[512];
	size_t last_len;
	size_t full_len;           /* the last frame's real length */
	int frames;
	int hangups, cause;
};

static void raw_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	struct raw *r = ctx;
	size_t n = len < sizeof(r->last) ? len : sizeof(r->last);
	memcpy(r->last, d, n);
	r->last_len = n;
	r->full_len = len;
	r->frames++;
}

static void raw_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	struct raw *r = ctx;
	r->hangups++;
	r->cause = cause;
}

static const struct vpdn_link_ops raw_ops = { .frame = raw_frame, .hangup = raw_hangup };

static struct ppp_engine *start_raw(struct raw *r, const char *conf, enum vpdn_call_dir dir)
{
	memset(r, 0, sizeof(*r));
	g_ptr_array_set_size(lines, 0);
	r->link = vpdn_link_new("T1");
	vpdn_link_attach(r->link, VPDN_LINK_A, &raw_ops, r);
	struct ppp_start st = { .link = r->link, .end = VPDN_LINK_B, .interface = "T1",
				.role = VPDN_PPP_ROLE_SERVER, .dir = dir };
	return ppp_engine_start(mgr, ppp_manager_conf(mgr, conf), &st);
}

static void stop_raw(struct raw *r)
{
	vpdn_link_hangup(r->link, VPDN_LINK_A, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unref(r->link);
}

static void send_lcp(struct raw *r, bool acfc, uint8_t code, uint8_t id,
		     const uint8_t *data, size_t n)
{
	uint8_t f[600] = { 0xFF, 0x03 };
	size_t h = acfc ? 0 : 2;
	f[h] = 0xC0; f[h + 1] = 0x21; f[h + 2] = code; f[h + 3] = id;
	f[h + 4] = (uint8_t)((n + 4) >> 8); f[h + 5] = (uint8_t)(n + 4);
	if (n)
		memcpy(f + h + 6, data, n);
	vpdn_link_send(r->link, VPDN_LINK_A, f, h + 6 + n);
}

static void test_opt_next(void)
{
	size_t pos = 0;
	uint8_t t, l;
	const uint8_t *o;
	static const uint8_t two[] = { 1, 4, 5, 0xDC, 7, 2 };
	CU_ASSERT_EQUAL(ppp_opt_next(two, 0, &pos, &t, &l, &o), 0);
	CU_ASSERT_EQUAL(ppp_opt_next(two, sizeof(two), &pos, &t, &l, &o), 1);
	CU_ASSERT_EQUAL(t, 1);
	CU_ASSERT_EQUAL(l, 4);
	CU_ASSERT_EQUAL(ppp_opt_next(two, sizeof(two), &pos, &t, &l, &o), 1);
	CU_ASSERT_EQUAL(t, 7);
	CU_ASSERT_EQUAL(ppp_opt_next(two, sizeof(two), &pos, &t, &l, &o), 0);
	static const uint8_t one[] = { 1 };
	pos = 0;
	CU_ASSERT_EQUAL(ppp_opt_next(one, 1, &pos, &t, &l, &o), -EBADMSG);
	static const uint8_t zero[] = { 1, 0, 1, 1 };
	pos = 0;
	CU_ASSERT_EQUAL(ppp_opt_next(zero, 4, &pos, &t, &l, &o), -EBADMSG);
	static const uint8_t lenone[] = { 1, 1 };
	pos = 0;
	CU_ASSERT_EQUAL(ppp_opt_next(lenone, 2, &pos, &t, &l, &o), -EBADMSG);
	static const uint8_t past[] = { 5, 6, 1, 2, 3 };
	pos = 0;
	CU_ASSERT_EQUAL(ppp_opt_next(past, 5, &pos, &t, &l, &o), -EBADMSG);
}

/* The judgement the LNS makes on proxy LCP (AVPs 27/28). */
static void test_proxy_judgement(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Virtual-Template1", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t lac_sent[] = { 3, 5, 0xC2, 0x23, 5, 5, 6, 0x6B, 0xDE, 0x50, 0xCC };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, lac_sent, sizeof(lac_sent)), 0);
	CU_ASSERT_EQUAL(e->lcp.magic, 0x6BDE50CCu);
	CU_ASSERT_EQUAL(e->lcp.auth, PPP_AUTH_P_CHAP);
	static const uint8_t pap_sent[] = { 3, 4, 0xC0, 0x23, 5, 6, 1, 2, 3, 4 };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, pap_sent, sizeof(pap_sent)), -EPROTO);
	static const uint8_t noauth[] = { 5, 6, 1, 2, 3, 4 };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, noauth, sizeof(noauth)), -EPROTO);
	static const uint8_t unknown[] = { 3, 5, 0xC2, 0x23, 5, 77, 2 };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, unknown, sizeof(unknown)), -EPROTO);
	static const uint8_t trunc[] = { 3, 5, 0xC2, 0x23 };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, trunc, sizeof(trunc)), -EBADMSG);
	static const uint8_t md4[] = { 3, 5, 0xC2, 0x23, 0x80 };
	CU_ASSERT_EQUAL(ppp_lcp_adopt_ours(e, md4, sizeof(md4)), -EPROTO);

	static const uint8_t client[] = { 5, 6, 0xEB, 0x81, 0x86, 0x99 };
	CU_ASSERT_EQUAL(ppp_lcp_check_peer(e, client, sizeof(client)), 0);
	CU_ASSERT_EQUAL(e->lcp.peer_magic, 0xEB818699u);
	static const uint8_t mrru[] = { 5, 6, 1, 2, 3, 4, 17, 4, 5, 0xF4 };
	CU_ASSERT_EQUAL(ppp_lcp_check_peer(e, mrru, sizeof(mrru)), -EPROTO);
	static const uint8_t magic0[] = { 5, 6, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(ppp_lcp_check_peer(e, magic0, sizeof(magic0)), -EPROTO);
	static const uint8_t bad[] = { 5, 7, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(ppp_lcp_check_peer(e, bad, sizeof(bad)), -EBADMSG);
	static const uint8_t full[] = { 1, 4, 0x05, 0xDC, 2, 6, 0, 0x0A, 0, 0, 7, 2, 8, 2,
					5, 6, 9, 8, 7, 6 };
	CU_ASSERT_EQUAL(ppp_lcp_check_peer(e, full, sizeof(full)), 0);
	CU_ASSERT_EQUAL(e->lcp.peer_mru, 1500);
	CU_ASSERT_EQUAL(e->lcp.peer_accm, 0x000A0000u);
	CU_ASSERT_TRUE(e->lcp.peer_pfc);
	CU_ASSERT_TRUE(e->lcp.peer_acfc);
	stop_raw(&r);
}

static void test_option_log_lines(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Plain", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t req[] = { 1, 4, 0x05, 0xDC, 2, 6, 0, 0x0A, 0, 0, 7, 2, 8, 2,
				       5, 6, 0xEB, 0x81, 0x86, 0x99, 3, 4, 0xC0, 0x23 };
	send_lcp(&r, false, PPP_CONFREQ, 125, req, sizeof(req));
	CU_ASSERT_TRUE(has_line("T1 LCP: I CONFREQ [Listen] id 125 len 28"));
	CU_ASSERT_TRUE(has_line("T1 LCP: MRU 1500 (0x010405DC)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: ACCM 0x000A0000 (0x0206000A0000)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: PFC (0x0702)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: ACFC (0x0802)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: MagicNumber 0xEB818699 (0x0506EB818699)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: AuthProto PAP (0x0304C023)"));
	CU_ASSERT_TRUE(has_line("T1 LCP: O CONFACK [Listen] id 125 len 28"));
	/* Our request: no auth (Plain asks none), magic only. */
	CU_ASSERT_TRUE(e->lcp.peer_pfc);
	CU_ASSERT_TRUE(e->lcp.peer_acfc);
	/* Exactly 16 octets stay on one line, 17 split. */
	uint8_t o[17] = { 99, 16 };
	ppp_log_hex_option(vpdn_core_log(core), VPDN_DEBUG_PPP_NEGOTIATION, "T1", "LCP",
			   "Option 99", o, 16);
	CU_ASSERT_TRUE(has_line("T1 LCP: Option 99 (0x63100000000000000000000000000000)"));
	o[1] = 17;
	ppp_log_hex_option(vpdn_core_log(core), VPDN_DEBUG_PPP_NEGOTIATION, "T1", "LCP",
			   "Option 99", o, 17);
	CU_ASSERT_TRUE(has_line("T1 LCP: Option 99"));
	CU_ASSERT_TRUE(has_line("T1 LCP: (0x00)"));
	stop_raw(&r);
}

/* Open the engine's LCP with a peer that asked for PFC and ACFC. */
static struct ppp_engine *open_with_compression(struct raw *r)
{
	struct ppp_engine *e = start_raw(r, "Plain", VPDN_CALL_IN);
	static const uint8_t req[] = { 7, 2, 8, 2, 5, 6, 1, 2, 3, 4 };
	send_lcp(r, true, PPP_CONFREQ, 1, req, sizeof(req));   /* ACFC-less frame */
	/* ack the engine's own request */
	uint8_t ours[PPP_FSM_SENT_MAX];
	memcpy(ours, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	send_lcp(r, false, PPP_CONFACK, e->lcp_fsm.reqid, ours, e->lcp_fsm.neg->sent_len);
	return e;
}

static void test_compression_and_phase_rules(void)
{
	struct raw r;
	struct ppp_engine *e = open_with_compression(&r);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(ppp_engine_lcp(e)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);   /* no auth */
	/* IPCP went out compressed: no FF 03 (ACFC); 80 21 (not PFC-able). */
	CU_ASSERT_EQUAL(r.last[0], 0x80);
	CU_ASSERT_EQUAL(r.last[1], 0x21);
	/* LCP always with full header: an Echo-Request is answered so. */
	static const uint8_t echo[] = { 0, 0, 0, 0, 'h', 'i' };
	send_lcp(&r, false, PPP_ECHOREQ, 9, echo, sizeof(echo));
	CU_ASSERT_EQUAL(r.last[0], 0xFF);
	CU_ASSERT_EQUAL(r.last[4], PPP_ECHOREP);
	CU_ASSERT_EQUAL(r.last[5], 9);
	uint32_t m;
	memcpy(&m, r.last + 8, 4);
	CU_ASSERT_EQUAL(ntohl(m), ppp_engine_magic(e));
	CU_ASSERT_EQUAL(r.last[12], 'h');
	/* Discard-Request: nothing back. */
	int frames = r.frames;
	send_lcp(&r, false, PPP_DISCREQ, 10, echo, sizeof(echo));
	CU_ASSERT_EQUAL(r.frames, frames);
	/* Unknown LCP code: Code-Reject carrying it. */
	send_lcp(&r, false, 77, 11, echo, 2);
	CU_ASSERT_EQUAL(r.last[4], PPP_CODEREJ);
	CU_ASSERT_EQUAL(r.last[8], 77);
	CU_ASSERT_EQUAL(r.last[9], 11);
	/* A frame whose protocol field is invalid (even low octet): dropped. */
	uint32_t bad = ppp_engine_malformed(e);
	uint64_t *node = vpdn_core_counter(core, "ppp_malformed_total", NULL);
	uint64_t node_before = *node;
	static const uint8_t badproto[] = { 0xFF, 0x03, 0x00, 0x22, 1 };
	vpdn_link_send(r.link, VPDN_LINK_A, badproto, sizeof(badproto));
	CU_ASSERT_EQUAL(ppp_engine_malformed(e), bad + 1);
	static const uint8_t shortlcp[] = { 0xFF, 0x03, 0xC0, 0x21, 1, 1, 0, 40 };
	vpdn_link_send(r.link, VPDN_LINK_A, shortlcp, sizeof(shortlcp));
	CU_ASSERT_EQUAL(ppp_engine_malformed(e), bad + 2);
	CU_ASSERT_EQUAL(*node, node_before + 2);
	/* PFC-compressed IP (one-octet protocol) is accepted: IPCP must be
	 * open for IP; finish IPCP with an address of the peer's own. */
	uint8_t ipcp_ours[PPP_FSM_SENT_MAX];
	struct ppp_fsm *ip = ppp_engine_ipcp(e);
	memcpy(ipcp_ours, ip->neg->sent, ip->neg->sent_len);
	uint8_t f[64] = { 0x80, 0x21, PPP_CONFACK, ip->reqid, 0, (uint8_t)(4 + ip->neg->sent_len) };
	memcpy(f + 6, ipcp_ours, ip->neg->sent_len);
	vpdn_link_send(r.link, VPDN_LINK_A, f, 6 + ip->neg->sent_len);
	static const uint8_t ipreq[] = { 0x80, 0x21, PPP_CONFREQ, 1, 0, 10, 3, 6, 10, 1, 1, 2 };
	vpdn_link_send(r.link, VPDN_LINK_A, ipreq, sizeof(ipreq));
	CU_ASSERT_EQUAL_FATAL(ip->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(e).s_addr, inet_addr("10.1.1.2"));
	struct raw ipside = { 0 };
	vpdn_link_attach(ppp_engine_net(e), VPDN_LINK_B, &raw_ops, &ipside);
	static const uint8_t ippkt[] = { 0x21, 0x45, 0, 0, 20 };
	vpdn_link_send(r.link, VPDN_LINK_A, ippkt, sizeof(ippkt));
	CU_ASSERT_EQUAL(ipside.frames, 1);
	CU_ASSERT_EQUAL(ipside.last_len, 4);
	CU_ASSERT_EQUAL(ipside.last[0], 0x45);
	/* Outgoing IP is PFC+ACFC compressed: 21 45 ... */
	static const uint8_t out[] = { 0x45, 0, 0, 20, 1, 2, 3, 4 };
	vpdn_link_send(ppp_engine_net(e), VPDN_LINK_B, out, sizeof(out));
	CU_ASSERT_EQUAL(r.last_len, 9);
	CU_ASSERT_EQUAL(r.last[0], 0x21);
	CU_ASSERT_EQUAL(r.last[1], 0x45);
	vpdn_link_detach(ppp_engine_net(e), VPDN_LINK_B);
	/* Protocol-Reject of IPCP by the peer closes IPCP, LCP stays. */
	static const uint8_t prej[] = { 0x80, 0x21, 1, 1, 0, 4 };
	send_lcp(&r, false, PPP_PROTREJ, 12, prej, sizeof(prej));
	CU_ASSERT_NOT_EQUAL(ip->state, FSM_OPENED);
	CU_ASSERT_PTR_NULL(ppp_engine_net(e));
	CU_ASSERT_EQUAL(ppp_engine_lcp(e)->state, FSM_OPENED);
	stop_raw(&r);
}

static void test_echo_only_when_open(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Plain", VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	int frames = r.frames;    /* our CONFREQ */
	static const uint8_t echo[] = { 0, 0, 0, 0 };
	send_lcp(&r, false, PPP_ECHOREQ, 1, echo, sizeof(echo));
	CU_ASSERT_EQUAL(r.frames, frames);
	/* Terminate-Request while negotiating: Terminate-Ack. */
	send_lcp(&r, false, PPP_TERMREQ, 5, NULL, 0);
	CU_ASSERT_EQUAL(r.last[4], PPP_TERMACK);
	CU_ASSERT_EQUAL(r.last[5], 5);
	stop_raw(&r);
}

/* IPCP as the side with (or without) an address for the peer. */
static void ipcp_peer_asks_zero(const char *conf, uint8_t want_code, const uint8_t *want_opt)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, conf, VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
	send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
	send_lcp(&r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	static const uint8_t zero[] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, 7, 0, 16,
					3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0 };
	vpdn_link_send(r.link, VPDN_LINK_A, zero, sizeof(zero));
	CU_ASSERT_EQUAL(r.last[2], 0x80);
	CU_ASSERT_EQUAL(r.last[4], want_code);
	CU_ASSERT_EQUAL(r.last[5], 7);
	CU_ASSERT_EQUAL(memcmp(r.last + 8, want_opt, want_opt[1]), 0);
	stop_raw(&r);
}

static void test_ipcp_peer_default(void)
{
	/* With an address to give: Nak 0.0.0.0 with it; DNS unknown: the
	 * Reject wins (RFC 1661: Reject before Nak). */
	static const uint8_t dns0[] = { 129, 6, 0, 0, 0, 0 };
	ipcp_peer_asks_zero("Default", PPP_CONFREJ, dns0);
	/* Only the address: Nak with the default. */
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Default", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
	send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
	send_lcp(&r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	static const uint8_t z[] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, 8, 0, 10, 3, 6, 0, 0, 0, 0 };
	vpdn_link_send(r.link, VPDN_LINK_A, z, sizeof(z));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFNAK);
	static const uint8_t nine[] = { 3, 6, 10, 9, 9, 9 };
	CU_ASSERT_EQUAL(memcmp(r.last + 8, nine, 6), 0);
	CU_ASSERT_TRUE(has_line("T1 IPCP: Address 10.9.9.9 (0x03060A090909)"));
	/* The peer takes it: Ack, and a different address is Nak'd again. */
	static const uint8_t other[] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, 9, 0, 10, 3, 6, 10, 9, 9, 8 };
	vpdn_link_send(r.link, VPDN_LINK_A, other, sizeof(other));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFNAK);
	static const uint8_t ok[] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, 10, 0, 10, 3, 6, 10, 9, 9, 9 };
	vpdn_link_send(r.link, VPDN_LINK_A, ok, sizeof(ok));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFACK);
	stop_raw(&r);
}

/* Random frames of every protocol the engine knows, in every phase it
 * reaches: never a crash (run under valgrind/ASan), malformed ones counted. */
static void test_random_input(void)
{
	static const uint16_t protos[] = { 0xC021, 0xC223, 0xC023, 0x8021, 0x0021, 0x8057 };
	GRand *rnd = g_rand_new_with_seed(1661);
	unsigned survived = 0;
	for (int round = 0; round < 40; round++) {
		struct raw r;
		struct ppp_engine *e = start_raw(&r, round % 2 ? "Virtual-Template1" : "Plain",
						 round % 3 ? VPDN_CALL_IN : VPDN_CALL_OUT);
		CU_ASSERT_PTR_NOT_NULL_FATAL(e);
		if (round % 4 == 0) {   /* get to Opened first */
			static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
			send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
			send_lcp(&r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent,
				 e->lcp_fsm.neg->sent_len);
		}
		for (int i = 0; i < 300 && ppp_manager_engine_count(mgr) == 1; i++) {
			uint8_t f[80];
			size_t n = (size_t)g_rand_int_range(rnd, 0, sizeof(f));
			for (size_t k = 0; k < n; k++)
				f[k] = (uint8_t)g_rand_int(rnd);
			if (n >= 8 && g_rand_boolean(rnd)) {
				uint16_t p = protos[g_rand_int_range(rnd, 0, G_N_ELEMENTS(protos))];
				f[0] = 0xFF; f[1] = 0x03; f[2] = (uint8_t)(p >> 8); f[3] = (uint8_t)p;
				f[4] = (uint8_t)g_rand_int_range(rnd, 1, 12);
				if (g_rand_boolean(rnd)) { f[6] = 0; f[7] = (uint8_t)(n - 4); }
			}
			vpdn_link_send(r.link, VPDN_LINK_A, f, n);
			if (g_rand_int_range(rnd, 0, 20) == 0)
				vpdn_timers_advance(vpdn_core_timers(core), 1000);
		}
		if (ppp_manager_engine_count(mgr) == 1) {
			survived++;
			stop_raw(&r);
		} else {
			vpdn_link_unref(r.link);
		}
		CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	}
	CU_ASSERT_TRUE(survived > 0);
	g_rand_free(rnd);
}

/* A caller that never sends LCP: the listening engine gives up. */
static void test_listen_timeout(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Plain", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(ppp_engine_lcp(e)->state, FSM_STOPPED);
	vpdn_timers_advance(vpdn_core_timers(core), 30000);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 1);
	vpdn_timers_advance(vpdn_core_timers(core), 10000);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(r.frames, 0);
	vpdn_link_unref(r.link);
}


/* Packets sent outside an event (the keepalive timer, a Protocol-Reject of
 * a frame from the carrier) are logged with the state the automaton is in,
 * not the one before its last transition ("O ECHOREQ [ACKsent]" while
 * Open was logged before). */
static bool has_prefix_line(const char *prefix)
{
	for (guint i = 0; i < lines->len; i++)
		if (g_str_has_prefix(g_ptr_array_index(lines, i), prefix))
			return true;
	return false;
}

static void test_log_state_outside_event(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Default", VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	/* Our CONFREQ is out (Req-Sent); the peer's request: Ack-Sent. */
	static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
	send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
	CU_ASSERT_TRUE(has_line("T1 LCP: O CONFACK [REQsent] id 1 len 10"));
	CU_ASSERT_EQUAL(ppp_engine_lcp(e)->state, FSM_ACKSENT);
	/* The peer acks ours: Opened, entered from Ack-Sent. */
	send_lcp(&r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_lcp(e)->state, FSM_OPENED);
	g_ptr_array_set_size(lines, 0);
	/* The keepalive timer (10 s) sends an Echo-Request. */
	vpdn_timers_advance(vpdn_core_timers(core), 10000);
	CU_ASSERT_EQUAL(r.last[4], PPP_ECHOREQ);
	CU_ASSERT_TRUE(has_prefix_line("T1 LCP: O ECHOREQ [Open] id "));
	CU_ASSERT_FALSE(has_prefix_line("T1 LCP: O ECHOREQ [ACKsent]"));
	/* A protocol we do not run, from the carrier: Protocol-Reject. */
	static const uint8_t unk[] = { 0xFF, 0x03, 0x80, 0x57, 1, 2, 3, 4 };
	vpdn_link_send(r.link, VPDN_LINK_A, unk, sizeof(unk));
	CU_ASSERT_EQUAL(r.last[4], PPP_PROTREJ);
	CU_ASSERT_TRUE(has_prefix_line("T1 LCP: O PROTREJ [Open] id "));
	CU_ASSERT_FALSE(has_prefix_line("T1 LCP: O PROTREJ [ACKsent]"));
	/* Inside an event the state before the transition is still shown:
	 * a CONFREQ in Opened answered with CONFACK "[Open]". */
	g_ptr_array_set_size(lines, 0);
	send_lcp(&r, false, PPP_CONFREQ, 2, req, sizeof(req));
	CU_ASSERT_TRUE(has_prefix_line("T1 LCP: O CONFREQ [Open] id "));
	CU_ASSERT_TRUE(has_line("T1 LCP: O CONFACK [Open] id 2 len 10"));
	stop_raw(&r);
}


/* The peer asked for MRU 1200: nothing longer leaves. A Code-Reject of a
 * long unknown packet and an Echo-Reply to a long Echo-Request are cut to
 * 1200 octets of information; an IP packet over it from the ip side is
 * dropped and counted (the ip module fragments before). Before: the
 * Code-Reject went out at 1404 octets, the IP packet whole. */
static void send_lcp_big(struct raw *r, uint8_t code, uint8_t id, size_t n)
{
	static uint8_t f[2000];
	memset(f, 0, sizeof(f));
	f[0] = 0xFF; f[1] = 0x03; f[2] = 0xC0; f[3] = 0x21;
	f[4] = code; f[5] = id; f[6] = (uint8_t)((n + 4) >> 8); f[7] = (uint8_t)(n + 4);
	vpdn_link_send(r->link, VPDN_LINK_A, f, 8 + n);
}

static void test_peer_mru_respected(void)
{
	struct raw r;
	struct ppp_engine *e = start_raw(&r, "Plain", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t req[] = { 1, 4, 0x04, 0xB0, 5, 6, 1, 2, 3, 4 }; /* MRU 1200 */
	send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
	send_lcp(&r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_lcp(e)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(e->lcp.peer_mru, 1200);
	/* unknown code, 1400 octets: Code-Reject truncated to the MRU */
	send_lcp_big(&r, 77, 3, 1400);
	CU_ASSERT_EQUAL(r.last[4], PPP_CODEREJ);
	CU_ASSERT_EQUAL(r.full_len, 4 + 1200);
	CU_ASSERT_EQUAL(r.last[6] << 8 | r.last[7], 1200); /* LCP Length */
	/* Echo-Request of 1400: the reply fits too */
	send_lcp_big(&r, PPP_ECHOREQ, 4, 1400);
	CU_ASSERT_EQUAL(r.last[4], PPP_ECHOREP);
	CU_ASSERT(r.full_len <= 4 + 1200);
	/* IPCP up, then IP from the ip side */
	struct ppp_fsm *ip = ppp_engine_ipcp(e);
	uint8_t f[64] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFACK, ip->reqid, 0, (uint8_t)(4 + ip->neg->sent_len) };
	memcpy(f + 8, ip->neg->sent, ip->neg->sent_len);
	vpdn_link_send(r.link, VPDN_LINK_A, f, 8 + ip->neg->sent_len);
	static const uint8_t ipreq[] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, 1, 0, 10, 3, 6, 10, 1, 1, 2 };
	vpdn_link_send(r.link, VPDN_LINK_A, ipreq, sizeof(ipreq));
	CU_ASSERT_EQUAL_FATAL(ip->state, FSM_OPENED);
	uint64_t *big = vpdn_core_counter(core, "ppp_too_big_total", NULL);
	uint64_t before = *big;
	static uint8_t pkt[1300] = { 0x45 };
	int frames = r.frames;
	vpdn_link_send(ppp_engine_net(e), VPDN_LINK_B, pkt, 1201);
	CU_ASSERT_EQUAL(r.frames, frames);
	CU_ASSERT_EQUAL(*big, before + 1);
	vpdn_link_send(ppp_engine_net(e), VPDN_LINK_B, pkt, 1200);
	CU_ASSERT_EQUAL(r.frames, frames + 1);
	CU_ASSERT_EQUAL(r.full_len, 4 + 1200);
	stop_raw(&r);
}


/* The peer refuses to authenticate with CHAP (Configure-Reject of our
 * Auth-Protocol): LCP closes, and the session ends as a refused
 * negotiation, not a carrier loss: PPP_DOWN carries -EPROTO and the
 * RFC 3145 cause (15, authentication protocol unacceptable, about CHAP,
 * at the peer), the carrier is hung up with -EPROTO (the L2TP session
 * turns it into CDN result 2). Before: reason 0, hang-up with Q.931 16
 * (normal clearing), which L2TP reported as loss of carrier. */
static struct vpdn_ev_ppp last_down;
static char last_down_msg[80];
static int n_down;

static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp *p = ev->payload;
	last_down = *p;
	g_strlcpy(last_down_msg, p->disconnect_message ? p->disconnect_message : "",
		  sizeof(last_down_msg));
	n_down++;
	return VPDN_BUS_PASS;
}

static void test_auth_refused_cause(void)
{
	struct raw r;
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_PPP_DOWN, on_ppp_down, NULL);
	n_down = 0;
	struct ppp_engine *e = start_raw(&r, "Virtual-Template1", VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
	send_lcp(&r, false, PPP_CONFREQ, 1, req, sizeof(req));
	CU_ASSERT_EQUAL(e->lcp.auth, PPP_AUTH_P_CHAP);
	static const uint8_t rej[] = { 3, 5, 0xC2, 0x23, 5 };
	send_lcp(&r, false, PPP_CONFREJ, e->lcp_fsm.reqid, rej, sizeof(rej));
	CU_ASSERT_EQUAL(r.last[4], PPP_TERMREQ);
	CU_ASSERT_EQUAL(n_down, 0);
	send_lcp(&r, false, PPP_TERMACK, r.last[5], NULL, 0);
	CU_ASSERT_EQUAL_FATAL(n_down, 1);
	CU_ASSERT_EQUAL(last_down.reason, -EPROTO);
	CU_ASSERT_TRUE(last_down.disconnect_known);
	CU_ASSERT_EQUAL(last_down.disconnect_code, VPDN_PPP_DISC_AUTH_PROTOCOL);
	CU_ASSERT_EQUAL(last_down.disconnect_protocol, 0xC223);
	CU_ASSERT_EQUAL(last_down.disconnect_direction, VPDN_PPP_DISC_AT_PEER);
	CU_ASSERT_STRING_EQUAL(last_down_msg, "LCP: peer refuses to authenticate");
	CU_ASSERT_EQUAL(r.hangups, 1);
	CU_ASSERT_EQUAL(r.cause, -EPROTO);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_STRING_EQUAL(vpdn_ppp_disconnect_name(15), "authentication protocol unacceptable");
	vpdn_link_unref(r.link);

	/* A peer that Naks for ever: closed after Max-Configure Naks, also a
	 * refused negotiation (-EPROTO), not a carrier loss. */
	n_down = 0;
	e = start_raw(&r, "Plain", VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	static const uint8_t nak[] = { 2, 6, 0, 0, 0, 1 }; /* ACCM */
	for (int i = 0; i < 12 && r.last[4] != PPP_TERMREQ; i++)
		send_lcp(&r, false, PPP_CONFNAK, e->lcp_fsm.reqid, nak, sizeof(nak));
	CU_ASSERT_EQUAL_FATAL(r.last[4], PPP_TERMREQ);
	send_lcp(&r, false, PPP_TERMACK, r.last[5], NULL, 0);
	CU_ASSERT_EQUAL_FATAL(n_down, 1);
	CU_ASSERT_EQUAL(last_down.reason, -EPROTO);
	CU_ASSERT_EQUAL(last_down.disconnect_protocol, PPP_LCP);
	CU_ASSERT_STRING_EQUAL(last_down_msg, "LCP: no agreement with the peer");
	CU_ASSERT_EQUAL(r.cause, -EPROTO);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
	vpdn_link_unref(r.link);
}

/* ---- IPCP: which addresses a peer may get (issue #14 item 1) ---- */

/* A stand-in for the ip and l2tp modules' ADDRESS_CHECK answers. */
static struct {
	int asked;
	struct in_addr last;
	bool last_authorized;
	char last_owner[64];
} chk;

static enum vpdn_bus_verdict on_check(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_address_check *q = ev->payload;
	struct vpdn_ev_address_refusal r = { .size = sizeof(r) };
	chk.asked++;
	chk.last = q->address;
	chk.last_authorized = q->authorized;
	g_strlcpy(chk.last_owner, q->owner ? q->owner : "", sizeof(chk.last_owner));
	if (q->address.s_addr == inet_addr("18.18.18.1")) {
		r.reason = "a tunnel endpoint";
		r.holder = "tunnel 11407";
	} else if (q->address.s_addr == inet_addr("17.17.17.3") ||
		   q->address.s_addr == inet_addr("10.5.0.1")) {
		r.reason = "in use by another session";
		r.holder = "Vi2";
	} else if (q->address.s_addr == inet_addr("10.200.20.24")) {
		r.reason = "one of our addresses";
	} else {
		return VPDN_BUS_PASS;
	}
	vpdn_request_complete(vpdn_event_take_request(ev), -EADDRINUSE, &r);
	return VPDN_BUS_CLAIM;
}

/* LCP up (no authentication), then the network phase; auth: the address
 * authorization gave (as verify_done stores it). */
static struct ppp_engine *up_to_ipcp(struct raw *r, const char *conf, const char *auth)
{
	struct ppp_engine *e = start_raw(r, conf, VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	if (auth)
		e->auth_addr.s_addr = inet_addr(auth);
	static const uint8_t req[] = { 5, 6, 1, 2, 3, 4 };
	send_lcp(r, false, PPP_CONFREQ, 1, req, sizeof(req));
	send_lcp(r, false, PPP_CONFACK, e->lcp_fsm.reqid, e->lcp_fsm.neg->sent, e->lcp_fsm.neg->sent_len);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(e), VPDN_PPP_PHASE_UP);
	return e;
}

/* The peer's IPCP Configure-Request for addr; returns the answer's code
 * (IPCP) or -TERMREQ when LCP closed the session. */
static int ipcp_ask(struct raw *r, uint8_t id, const char *addr)
{
	struct in_addr a = { .s_addr = inet_addr(addr) };
	uint8_t f[14] = { 0xFF, 0x03, 0x80, 0x21, PPP_CONFREQ, id, 0, 10, 3, 6 };
	memcpy(f + 10, &a.s_addr, 4);
	vpdn_link_send(r->link, VPDN_LINK_A, f, sizeof(f));
	if (r->last[2] == 0xC0 && r->last[3] == 0x21)
		return r->last[4] == PPP_TERMREQ ? -PPP_TERMREQ : -1;
	return r->last[2] == 0x80 && r->last[5] == id ? r->last[4] : -2;
}

static uint64_t counter(const char *name)
{
	return *vpdn_core_counter(core, name, NULL);
}

/* Without ppp-ipcp-accept-peer-address, only the authorized address. */
static void test_ipcp_authorized_only(void)
{
	struct raw r;
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_ADDRESS_CHECK, on_check, NULL);
	memset(&chk, 0, sizeof(chk));

	/* Authorization gave 17.17.17.1: acked, checked as authorized. */
	struct ppp_engine *e = up_to_ipcp(&r, "Strict", "17.17.17.1");
	CU_ASSERT_EQUAL(ipcp_ask(&r, 1, "17.17.17.1"), PPP_CONFACK);
	CU_ASSERT_EQUAL(chk.last.s_addr, inet_addr("17.17.17.1"));
	CU_ASSERT_TRUE(chk.last_authorized);
	CU_ASSERT_STRING_EQUAL(chk.last_owner, "Strict"); /* no user: the config */
	CU_ASSERT_EQUAL(ppp_engine_ipcp(e)->state, FSM_ACKSENT);
	/* Another user's address, the LAC's, broadcast: Nak'd with ours. */
	const char *other[] = { "17.17.17.2", "18.18.18.1", "255.255.255.255", "0.0.0.0" };
	for (unsigned i = 0; i < G_N_ELEMENTS(other); i++) {
		CU_ASSERT_EQUAL(ipcp_ask(&r, (uint8_t)(2 + i), other[i]), PPP_CONFNAK);
		static const uint8_t want[] = { 3, 6, 17, 17, 17, 1 };
		CU_ASSERT_EQUAL(memcmp(r.last + 8, want, 6), 0);
	}
	CU_ASSERT_EQUAL(chk.asked, 1);  /* the given address is checked once */
	stop_raw(&r);

	/* Nothing given by authorization: whatever the peer asks, the
	 * session closes (no Ack of a peer-chosen address), counted. */
	const char *asks[] = { "17.17.17.2", "10.1.1.2", "0.0.0.0" };
	for (unsigned i = 0; i < G_N_ELEMENTS(asks); i++) {
		uint64_t closed = counter("ppp_ipcp_no_address_total");
		up_to_ipcp(&r, "Strict", NULL);
		CU_ASSERT_EQUAL(ipcp_ask(&r, 1, asks[i]), -PPP_TERMREQ);
		CU_ASSERT_EQUAL(counter("ppp_ipcp_no_address_total"), closed + 1);
		CU_ASSERT_TRUE(g_pattern_match_simple("*closing: IPCP: no address allowed*",
						      g_ptr_array_index(lines, lines->len - 1)) ||
			       has_line("T1 PPP: closing: IPCP: no address allowed for the peer "
					"(the peer asked 17.17.17.2: authorization gave none and "
					"the interface does not accept the peer's own)") || i);
		stop_raw(&r);
	}
	CU_ASSERT_TRUE(has_line("T1 PPP: closing: IPCP: no address allowed for the peer "
				"(the peer asked 0.0.0.0: authorization gave none and "
				"the interface does not accept the peer's own)"));

	/* An authorized address that is bad or held by another owner:
	 * nothing left to give, closed. */
	const char *bad_auth[] = { "127.0.0.1", "17.17.17.3", "10.1.1.1" };
	for (unsigned i = 0; i < G_N_ELEMENTS(bad_auth); i++) {
		up_to_ipcp(&r, "Strict", bad_auth[i]);
		CU_ASSERT_EQUAL(ipcp_ask(&r, 1, bad_auth[i]), -PPP_TERMREQ);
		stop_raw(&r);
		if (i == 1)
			CU_ASSERT_TRUE(has_line("T1 IPCP: address 17.17.17.3 refused for the peer: "
						"in use by another session (Vi2)"));
	}

	/* A peer that insists on another address after Max-Failure Naks. */
	up_to_ipcp(&r, "Strict", "17.17.17.1");
	int code = 0;
	for (uint8_t id = 1; id < 12 && code != -PPP_TERMREQ; id++)
		code = ipcp_ask(&r, id, "17.17.17.2");
	CU_ASSERT_EQUAL(code, -PPP_TERMREQ);
	stop_raw(&r);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* ppp-ipcp-accept-peer-address: the peer's own, if it passes the checks;
 * each bad class closes (there is nothing to Nak with). */
static void test_ipcp_peer_chosen(void)
{
	struct raw r;
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_ADDRESS_CHECK, on_check, NULL);
	static const char *const bad[] = {
		"0.0.0.0", "0.1.2.3", "127.0.0.1", "127.1.2.3", "169.254.0.9",
		"224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
		"10.1.1.1",       /* our IPCP address */
		"10.200.20.24",   /* ours (the ip module says) */
		"18.18.18.1",     /* the LAC: a tunnel endpoint (l2tp says) */
		"17.17.17.3",     /* another user's session */
	};
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		uint64_t refused = counter("ppp_ipcp_address_refused_total");
		uint64_t closed = counter("ppp_ipcp_no_address_total");
		up_to_ipcp(&r, "Plain", NULL);
		CU_ASSERT_EQUAL(ipcp_ask(&r, 1, bad[i]), -PPP_TERMREQ);
		CU_ASSERT_EQUAL(counter("ppp_ipcp_no_address_total"), closed + 1);
		/* 0.0.0.0 asks us to choose: nothing to refuse, nothing to give */
		CU_ASSERT_EQUAL(counter("ppp_ipcp_address_refused_total"), refused + (i > 0));
		stop_raw(&r);
		if (!strcmp(bad[i], "127.0.0.1"))
			CU_ASSERT_TRUE(has_line("T1 IPCP: address 127.0.0.1 refused for the peer: "
						"a loopback address"));
		if (!strcmp(bad[i], "18.18.18.1"))
			CU_ASSERT_TRUE(has_line("T1 IPCP: address 18.18.18.1 refused for the peer: "
						"a tunnel endpoint (tunnel 11407)"));
	}
	/* A good one: acked, checked as peer-chosen. */
	memset(&chk, 0, sizeof(chk));
	struct ppp_engine *e = up_to_ipcp(&r, "Plain", NULL);
	CU_ASSERT_EQUAL(ipcp_ask(&r, 1, "10.1.1.2"), PPP_CONFACK);
	CU_ASSERT_EQUAL(ipcp_ask(&r, 2, "10.1.1.2"), PPP_CONFACK); /* judged once */
	CU_ASSERT_EQUAL(chk.asked, 1);
	CU_ASSERT_FALSE(chk.last_authorized);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(e)->state, FSM_ACKSENT);
	stop_raw(&r);
	/* An authorized address wins over the peer's choice. */
	up_to_ipcp(&r, "Plain", "10.1.1.7");
	CU_ASSERT_EQUAL(ipcp_ask(&r, 1, "10.1.1.2"), PPP_CONFNAK);
	stop_raw(&r);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* A pool address held elsewhere is skipped for the next free one. */
static void test_ipcp_pool_skips_refused(void)
{
	struct raw r;
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_ADDRESS_CHECK, on_check, NULL);
	up_to_ipcp(&r, "Pool", NULL);
	CU_ASSERT_EQUAL(ipcp_ask(&r, 1, "0.0.0.0"), PPP_CONFNAK);
	static const uint8_t want[] = { 3, 6, 10, 5, 0, 2 };
	CU_ASSERT_EQUAL(memcmp(r.last + 8, want, 6), 0);
	CU_ASSERT_EQUAL(ipcp_ask(&r, 2, "10.5.0.2"), PPP_CONFACK);
	stop_raw(&r);
	/* Both went back to the pool. */
	struct ppp_conf *c = ppp_manager_conf(mgr, "Pool");
	struct in_addr a = ppp_conf_pool_take(c), b = ppp_conf_pool_take(c);
	CU_ASSERT_EQUAL(a.s_addr, inet_addr("10.5.0.1"));
	CU_ASSERT_EQUAL(b.s_addr, inet_addr("10.5.0.2"));
	ppp_conf_pool_put(c, a);
	ppp_conf_pool_put(c, b);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* The anonymous pool gives the lowest free address, past full bytes and
 * after any order of give-backs (ppp_conf_pool_take's hint). */
static void test_conf_pool_lowest_free(void)
{
	struct ppp_conf c = { .pool_first.s_addr = inet_addr("10.6.0.1"), .pool_size = 20 };
	uint32_t first = ntohl(c.pool_first.s_addr);
	struct in_addr a;

	c.pool_used = g_malloc0((c.pool_size + 7) / 8);
	for (uint32_t i = 0; i < 20; i++)
		CU_ASSERT_EQUAL(ntohl(ppp_conf_pool_take(&c).s_addr), first + i);
	CU_ASSERT_EQUAL(ppp_conf_pool_take(&c).s_addr, 0);      /* exhausted */
	CU_ASSERT_EQUAL(ppp_conf_pool_take(&c).s_addr, 0);
	a.s_addr = htonl(first + 17);
	ppp_conf_pool_put(&c, a);
	a.s_addr = htonl(first + 9);
	ppp_conf_pool_put(&c, a);
	a.s_addr = htonl(first + 3);
	ppp_conf_pool_put(&c, a);
	CU_ASSERT_EQUAL(ntohl(ppp_conf_pool_take(&c).s_addr), first + 3);
	CU_ASSERT_EQUAL(ntohl(ppp_conf_pool_take(&c).s_addr), first + 9);
	CU_ASSERT_EQUAL(ntohl(ppp_conf_pool_take(&c).s_addr), first + 17);
	CU_ASSERT_EQUAL(ppp_conf_pool_take(&c).s_addr, 0);
	a.s_addr = htonl(first + 20);                           /* not ours: ignored */
	ppp_conf_pool_put(&c, a);
	CU_ASSERT_EQUAL(ppp_conf_pool_take(&c).s_addr, 0);
	g_free(c.pool_used);
}

static void test_ipcp_bad_class(void)
{
	static const char *const good[] = { "1.0.0.1", "17.17.17.1", "223.255.255.254",
					    "169.253.0.1", "126.255.255.255" };
	static const char *const bad[] = { "0.0.0.0", "0.255.1.1", "127.0.0.1", "169.254.3.4",
					   "224.0.0.1", "239.1.1.1", "240.0.0.0", "255.255.255.255" };
	for (unsigned i = 0; i < G_N_ELEMENTS(good); i++)
		CU_ASSERT_PTR_NULL(ppp_ipcp_bad_class((struct in_addr){ inet_addr(good[i]) }));
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++)
		CU_ASSERT_PTR_NOT_NULL(ppp_ipcp_bad_class((struct in_addr){ inet_addr(bad[i]) }));
}

static const struct vpdn_test_case lcp_tests[] = {
	{ "refused authentication: PPP_DOWN with the RFC 3145 cause", test_auth_refused_cause },
	{ "the peer's MRU bounds every frame sent", test_peer_mru_respected },
	{ "log lines outside an event show the current state", test_log_state_outside_event },
	{ "passive open times out", test_listen_timeout },
	{ "random input never crashes", test_random_input },
	{ "IPCP: peer default address, no peer default", test_ipcp_peer_default },
	{ "option walking edge cases", test_opt_next },
	{ "proxy LCP judgement", test_proxy_judgement },
	{ "option log lines", test_option_log_lines },
	{ "PFC/ACFC, Echo, Discard, Code-Reject, Protocol-Reject", test_compression_and_phase_rules },
	{ "Echo only in Opened; Terminate", test_echo_only_when_open },
	{ "IPCP: address classes", test_ipcp_bad_class },
	{ "IPCP: only the authorized address", test_ipcp_authorized_only },
	{ "IPCP: peer-chosen addresses, checked", test_ipcp_peer_chosen },
	{ "IPCP: a refused pool address is skipped", test_ipcp_pool_skips_refused },
	{ "IPCP: the anonymous pool gives the lowest free address", test_conf_pool_lowest_free },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ppp-lcp", lcp_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
