/* SPDX-License-Identifier: MIT */
/*
 * IPv6CP (RFC 5072) beside IPCP: PPP engines back to back over fake
 * carriers with the fake clock, and the option codec called directly.
 * Interface-Identifier negotiation, Naks of a zero / our own / another
 * session's identifier, authorization's identifier, Protocol-Reject where
 * IPv6 is off, either NCP going down alone on the one network link, the
 * IOS `debug ppp negotiation` lines.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "chap.h"
#include "ppp-private.h"
#include "vpdn_test.h"

static struct vpdn_core *core;
static struct ppp_manager *mgr;
static cfg_t *cfg;
static GPtrArray *lines;
static unsigned sink_id;

static const char *conf_text =
	"interface \"V6Server\" { ip-address = \"10.0.0.1\"\n"
	"  ppp-peer-default-ip-address = \"10.0.0.2\"\n"
	"  ipv6-enable = true  ipv6-interface-id = \"::1\" }\n"
	"interface \"V6Auth\" { ip-address = \"10.0.0.1\"  ppp-peer-default-ip-address = \"10.0.0.3\"\n"
	"  ppp-authentication = {\"chap\"}\n"
	"  ppp-chap-hostname = \"LNS\"  ipv6-enable = true }\n"
	"interface \"V4Server\" { ip-address = \"10.0.0.1\"\n"
	"  ppp-peer-default-ip-address = \"10.0.0.2\" }\n"
	"interface \"v6client\" { ipv6-enable = true\n"
	"  ppp-chap-hostname = \"remote1@cisco.com\"  ppp-chap-password = \"cisco\" }\n"
	"interface \"v6client-one\" { ipv6-enable = true  ipv6-interface-id = \"::1\" }\n"
	"interface \"v6client-a\" { ipv6-enable = true  ipv6-interface-id = \"::a\" }\n";

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

static bool has_match(const char *pattern)
{
	for (guint i = 0; i < lines->len; i++)
		if (g_pattern_match_simple(pattern, g_ptr_array_index(lines, i)))
			return true;
	return false;
}

static struct {
	int v4_up, v4_down, v6_up, v6_down, ppp_down;
	struct vpdn_link *v4_net[4], *v6_net[4];
	uint8_t local[4][8], peer[4][8];
	bool server[4];
	bool auth_prefix[4];        /* IPV6_UP carried authorization's prefix */
	char v6_if[4][16];
	const struct vpdn_auth_ipv6 *give_ipv6;   /* the authenticator's */
} fx;

static enum vpdn_bus_verdict on_auth(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_auth *a = ev->payload;
	bool ok = a->method == VPDN_AUTH_CHAP_MD5 &&
		  chap_md5_verify(a->chap_id, "cisco", 5, a->challenge, a->challenge_len,
				  a->response, a->response_len);
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct vpdn_ev_auth_result r = { .size = sizeof(r), .ok = ok, .user = a->user,
					 .ipv6 = fx.give_ipv6 };
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_network(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_network *n = ev->payload;
	if (ev->type == VPDN_EV_PPP_NETWORK_UP)
		fx.v4_net[fx.v4_up++ % 4] = n->net;
	else
		fx.v4_down++;
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ipv6(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_ipv6 *v = ev->payload;
	if (ev->type == VPDN_EV_PPP_IPV6_DOWN) {
		fx.v6_down++;
		return VPDN_BUS_PASS;
	}
	int i = fx.v6_up++ % 4;
	fx.v6_net[i] = v->net;
	memcpy(fx.local[i], v->local_ifid, 8);
	memcpy(fx.peer[i], v->peer_ifid, 8);
	fx.server[i] = v->server;
	fx.auth_prefix[i] = v->auth && v->auth->framed_plen == 64 &&
			    v->auth->framed_prefix.s6_addr[0] == 0x20;
	g_strlcpy(fx.v6_if[i], v->interface, sizeof(fx.v6_if[i]));
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ppp_down(const struct vpdn_event *ev, void *data)
{
	fx.ppp_down++;
	return VPDN_BUS_PASS;
}

static int setup(void)
{
	core = vpdn_core_new_test();
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = { CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
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
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_DOWN, on_network, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_IPV6_UP, on_ipv6, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_IPV6_DOWN, on_ipv6, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_DOWN, on_ppp_down, NULL);
	lines = g_ptr_array_new_with_free_func(g_free);
	sink_id = vpdn_log_add_sink(vpdn_core_log(core), sink, NULL);
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG_PPP_NEGOTIATION, true);
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG_PPP_PACKET, true);
	return 0;
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

static void reset_fx(void)
{
	memset(&fx, 0, sizeof(fx));
	g_ptr_array_set_size(lines, 0);
}

/* A fake carrier joining end A of two links; frames queued until pumped. */
struct wire_end { struct wire *w; int side; };
struct wire {
	struct vpdn_link *link[2];
	struct wire_end end[2];
	GQueue q, sides;
	uint8_t last[2][512];     /* the last frame each side sent */
	size_t last_len[2];
};

static void wire_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct wire_end *we = ctx;
	struct wire *w = we->w;
	size_t n = MIN(len, sizeof(w->last[0]));
	memcpy(w->last[we->side], d, n);
	w->last_len[we->side] = n;
	g_queue_push_tail(&w->q, g_bytes_new(d, len));
	g_queue_push_tail(&w->sides, GINT_TO_POINTER(we->side));
}

static void wire_hangup(void *ctx, struct vpdn_link *link, int cause) {}

static const struct vpdn_link_ops wire_ops = { .frame = wire_frame, .hangup = wire_hangup };

static void wire_init(struct wire *w)
{
	memset(w, 0, sizeof(*w));
	g_queue_init(&w->q);
	g_queue_init(&w->sides);
	for (int i = 0; i < 2; i++) {
		w->link[i] = vpdn_link_new(i ? "Se0" : "Vi9");
		w->end[i].w = w;
		w->end[i].side = i;
		vpdn_link_attach(w->link[i], VPDN_LINK_A, &wire_ops, &w->end[i]);
	}
}

static int wire_pump(struct wire *w)
{
	int n = 0;
	while (n < 1000) {
		if (g_queue_is_empty(&w->q)) {
			size_t c = vpdn_bus_run_pending(vpdn_core_bus(core));
			if (!c)
				break;
			n += (int)c;
			continue;
		}
		GBytes *b = g_queue_pop_head(&w->q);
		int from = GPOINTER_TO_INT(g_queue_pop_head(&w->sides));
		gsize len;
		const uint8_t *d = g_bytes_get_data(b, &len);
		vpdn_link_send(w->link[!from], VPDN_LINK_A, d, len);
		g_bytes_unref(b);
		n++;
	}
	return n;
}

static void run(struct wire *w, int rounds)
{
	for (int i = 0; i < rounds; i++)
		if (!wire_pump(w))
			vpdn_timers_advance(vpdn_core_timers(core), 100);
}

static void wire_fini(struct wire *w)
{
	GBytes *b;
	while ((b = g_queue_pop_head(&w->q)))
		g_bytes_unref(b);
	g_queue_clear(&w->sides);
	for (int i = 0; i < 2; i++) {
		vpdn_link_detach(w->link[i], VPDN_LINK_A);
		vpdn_link_unref(w->link[i]);
	}
}

static struct ppp_engine *start(struct vpdn_link *l, const char *ifname, const char *conf,
				enum vpdn_ppp_role role, enum vpdn_call_dir dir)
{
	struct ppp_start st = {
		.link = l, .end = VPDN_LINK_B, .interface = ifname, .role = role, .dir = dir,
	};
	return ppp_engine_start(mgr, ppp_manager_conf(mgr, conf), &st);
}

static void pair(struct wire *w, const char *sconf, const char *cconf, const char *sname,
		 struct ppp_engine **s, struct ppp_engine **c)
{
	wire_init(w);
	*s = start(w->link[0], sname, sconf, VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	*c = start(w->link[1], "Se0", cconf, VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*c);
	run(w, 60);
}

static void close_pair(struct wire *w, struct ppp_engine *s)
{
	ppp_engine_close(s, "test");
	run(w, 100);
	wire_fini(w);
}

/* A sink for the IP side of a network link. */
struct ipside { int frames, hangups; uint8_t first; size_t len; };

static void ip_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	struct ipside *s = ctx;
	s->frames++;
	s->first = len ? d[0] : 0;
	s->len = len;
}

static void ip_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	((struct ipside *)ctx)->hangups++;
}

static const struct vpdn_link_ops ip_ops = { .frame = ip_frame, .hangup = ip_hangup };

static const uint8_t ip4[20] = { 0x45, 0, 0, 20 };
static const uint8_t ip6[40] = { 0x60, 0, 0, 0, 0, 0, 59, 64 };

static uint64_t counter(uint64_t *c) { return c ? *c : 0; }

/* ---- tests ---- */

/* Both NCPs open on one link; the identifiers as the IOS lines show them;
 * IPv6 and IPv4 data both ways by the version nibble. */
static void test_dual_stack(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	static const uint8_t one[8] = { 0, 0, 0, 0, 0, 0, 0, 1 };

	reset_fx();
	pair(&w, "V6Server", "v6client-a", "Vi9", &s, &c);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(c)->state, FSM_OPENED);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ppp_engine_ipv6cp(s));
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(c)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(fx.v4_up, 2);
	CU_ASSERT_EQUAL(fx.v6_up, 2);
	/* one link per session for both families */
	struct vpdn_link *sn = ppp_engine_net(s), *cn = ppp_engine_net(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sn);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cn);
	for (int i = 0; i < 2; i++) {
		CU_ASSERT_TRUE(fx.v6_net[i] == sn || fx.v6_net[i] == cn);
		CU_ASSERT_TRUE(fx.v4_net[i] == sn || fx.v4_net[i] == cn);
	}
	uint8_t sl[8], sp[8], cl[8], cp[8];
	CU_ASSERT_TRUE(ppp_engine_ifids(s, sl, sp));
	CU_ASSERT_TRUE(ppp_engine_ifids(c, cl, cp));
	CU_ASSERT_EQUAL(memcmp(sl, one, 8), 0);          /* ipv6-interface-id "::1" */
	CU_ASSERT_EQUAL(memcmp(sp, "\0\0\0\0\0\0\0\x0a", 8), 0);
	CU_ASSERT_EQUAL(memcmp(cl, sp, 8), 0);
	CU_ASSERT_EQUAL(memcmp(cp, sl, 8), 0);
	int si = !strcmp(fx.v6_if[0], "Vi9") ? 0 : 1;
	CU_ASSERT_TRUE(fx.server[si]);
	CU_ASSERT_FALSE(fx.server[!si]);
	CU_ASSERT_EQUAL(memcmp(fx.local[si], sl, 8), 0);
	CU_ASSERT_EQUAL(memcmp(fx.peer[si], sp, 8), 0);
	/* IOS lines (the callin opens first: "[Not negotiated]") */
	CU_ASSERT_TRUE(has_line("Vi9 IPV6CP: O CONFREQ [Not negotiated] id 1 len 14"));
	CU_ASSERT_TRUE(has_line("Vi9 IPV6CP: Interface-Id 0000:0000:0000:0001 "
				"(0x010A0000000000000001)"));
	CU_ASSERT_TRUE(has_line("Se0 IPV6CP: O CONFREQ [Closed] id 1 len 14"));
	CU_ASSERT_TRUE(has_line("Vi9 IPV6CP: State is Open"));
	CU_ASSERT_TRUE(has_line("Vi9 IPV6CP: Install route to fe80::a"));
	/* debug ppp packet: decoded, and no line per IPv6 datagram */
	CU_ASSERT_TRUE(has_line("Vi9 PPP: O IPV6CP ConfReq id 1 len 14: "
				"Interface-Id 0000:0000:0000:0001"));
	/* IPv6 from the server's IP side reaches the client's, as 0x0057 */
	struct ipside got = { 0 };
	vpdn_link_attach(cn, VPDN_LINK_B, &ip_ops, &got);
	vpdn_link_send(sn, VPDN_LINK_B, ip6, sizeof(ip6));
	wire_pump(&w);
	CU_ASSERT_EQUAL(w.last[0][2], 0x00);
	CU_ASSERT_EQUAL(w.last[0][3], 0x57);
	CU_ASSERT_EQUAL(got.frames, 1);
	CU_ASSERT_EQUAL(got.first, 0x60);
	CU_ASSERT_FALSE(has_match("* protocol 0x0057 *"));
	vpdn_link_send(sn, VPDN_LINK_B, ip4, sizeof(ip4));
	wire_pump(&w);
	CU_ASSERT_EQUAL(w.last[0][3], 0x21);
	CU_ASSERT_EQUAL(got.frames, 2);
	CU_ASSERT_EQUAL(got.first, 0x45);
	/* neither version: dropped, counted */
	uint64_t unsent = counter(mgr->c_net_unsent);
	vpdn_link_send(sn, VPDN_LINK_B, (const uint8_t *)"\x10junk", 5);
	wire_pump(&w);
	CU_ASSERT_EQUAL(got.frames, 2);
	CU_ASSERT_EQUAL(counter(mgr->c_net_unsent), unsent + 1);
	vpdn_link_detach(cn, VPDN_LINK_B);
	/* the end: IPV6_DOWN and NETWORK_DOWN for both, engines gone */
	close_pair(&w, s);
	CU_ASSERT_EQUAL(fx.v6_down, 2);
	CU_ASSERT_EQUAL(fx.v4_down, 2);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(g_hash_table_size(mgr->peer_ifids), 0);
}

/* The client asks the server's own identifier: Nak'd with a fresh one,
 * which it takes. */
static void test_ifid_equal_ours_nakd(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	uint8_t sl[8], sp[8], cl[8], cp[8];
	uint64_t naks = counter(mgr->c_ifid_nak);

	reset_fx();
	pair(&w, "V6Server", "v6client-one", "Vi9", &s, &c);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(c)->state, FSM_OPENED);
	ppp_engine_ifids(s, sl, sp);
	ppp_engine_ifids(c, cl, cp);
	CU_ASSERT_NOT_EQUAL(memcmp(cl, sl, 8), 0);
	CU_ASSERT_EQUAL(memcmp(cl, sp, 8), 0);
	CU_ASSERT_EQUAL(sp[0] & 0x02, 0);                /* not universal */
	CU_ASSERT_TRUE(counter(mgr->c_ifid_nak) > naks);
	CU_ASSERT_TRUE(has_match("Vi9 IPV6CP: O CONFNAK [*] id * len 14"));
	CU_ASSERT_TRUE(has_match("Vi9 IPV6CP: peer Interface-Id 0000:0000:0000:0001 Nak'd for "
				 "the peer: equal to ours"));
	close_pair(&w, s);
}

/* Two sessions on the node whose peers ask the same identifier: the
 * second is Nak'd (a shared TUN tells sessions apart by link-local). */
static void test_ifid_duplicate_nakd(void)
{
	struct wire w1, w2;
	struct ppp_engine *s1, *c1, *s2, *c2;
	uint8_t l1[8], p1[8], l2[8], p2[8];
	uint64_t dups = counter(mgr->c_ifid_dup);

	reset_fx();
	pair(&w1, "V6Server", "v6client-a", "Vi1", &s1, &c1);
	pair(&w2, "V6Server", "v6client-a", "Vi2", &s2, &c2);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s1)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s2)->state, FSM_OPENED);
	ppp_engine_ifids(s1, l1, p1);
	ppp_engine_ifids(s2, l2, p2);
	CU_ASSERT_EQUAL(memcmp(p1, "\0\0\0\0\0\0\0\x0a", 8), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(p2, p1, 8), 0);
	CU_ASSERT_EQUAL(counter(mgr->c_ifid_dup), dups + 1);
	CU_ASSERT_TRUE(has_match("Vi2 IPV6CP: peer Interface-Id 0000:0000:0000:000A Nak'd for "
				 "the peer: another session's"));
	CU_ASSERT_EQUAL(g_hash_table_size(mgr->peer_ifids), 2);
	/* the first gone, its identifier is free again */
	close_pair(&w1, s1);
	CU_ASSERT_EQUAL(g_hash_table_size(mgr->peer_ifids), 1);
	close_pair(&w2, s2);
	CU_ASSERT_EQUAL(g_hash_table_size(mgr->peer_ifids), 0);
}

/* The option codec against RFC 5072 4.1's layout (Type 1, Length 10, 64
 * bits), called directly on a server engine. */
static void test_codec_vectors(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	uint8_t out[64];
	size_t outlen = 0;

	reset_fx();
	pair(&w, "V6Server", "v6client-a", "Vi1", &s, &c);
	/* a second server engine (carrier idle): its peer is judged here */
	struct vpdn_link *idle = vpdn_link_new("idle");
	struct ppp_engine *e = start(idle, "Vi5", "V6Server", VPDN_PPP_ROLE_SERVER,
				     VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	struct ppp_fsm *f = ppp_engine_ipv6cp(e);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f);
	/* our Configure-Request: 01 0A 00 00 00 00 00 00 00 01 */
	static const uint8_t our_cr[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 1 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.build_cr(f, out, sizeof(out)), 10);
	CU_ASSERT_EQUAL(memcmp(out, our_cr, 10), 0);
	/* a good identifier: acked */
	static const uint8_t good[] = { 1, 10, 0x02, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, good, sizeof(good), out, sizeof(out), &outlen, true),
			PPP_CONFACK);
	CU_ASSERT_EQUAL(outlen, 0);
	/* zero: Nak'd with a non-zero, non-universal one, not ours */
	static const uint8_t zero[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 0 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, zero, sizeof(zero), out, sizeof(out), &outlen, true),
			PPP_CONFNAK);
	CU_ASSERT_EQUAL(outlen, 10);
	CU_ASSERT_EQUAL(out[0], 1);
	CU_ASSERT_EQUAL(out[1], 10);
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, zero + 2, 8), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, our_cr + 2, 8), 0);
	CU_ASSERT_EQUAL(out[2] & 0x02, 0);
	/* the same suggestion for a retransmission */
	uint8_t first[10];
	memcpy(first, out, 10);
	ppp_ipv6cp_ops.rcr(f, zero, sizeof(zero), out, sizeof(out), &outlen, true);
	CU_ASSERT_EQUAL(memcmp(out, first, 10), 0);
	/* ours: Nak'd */
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, our_cr, 10, out, sizeof(out), &outlen, true),
			PPP_CONFNAK);
	/* Vi1's peer's (::a): Nak'd, another session's */
	static const uint8_t taken[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 0x0a };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, taken, 10, out, sizeof(out), &outlen, true),
			PPP_CONFNAK);
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, taken + 2, 8), 0);
	/* absent (a server wants one): Nak'd with a suggestion */
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, NULL, 0, out, sizeof(out), &outlen, true),
			PPP_CONFNAK);
	CU_ASSERT_EQUAL(outlen, 10);
	/* IPv6-Compression-Protocol (type 2) and a bad length: Rejected */
	static const uint8_t comp[] = { 2, 4, 0x00, 0x4F, 1, 10, 0, 0, 0, 0, 0, 0, 0, 9 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, comp, sizeof(comp), out, sizeof(out), &outlen, true),
			PPP_CONFREJ);
	CU_ASSERT_EQUAL(outlen, 4);
	CU_ASSERT_EQUAL(memcmp(out, comp, 4), 0);
	static const uint8_t shortid[] = { 1, 6, 0, 0, 0, 1 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, shortid, 6, out, sizeof(out), &outlen, true),
			PPP_CONFREJ);
	/* after Max-Failure Naks: refused (IPv6CP closes after the input) */
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcr(f, zero, sizeof(zero), out, sizeof(out), &outlen,
					   false), 0);
	CU_ASSERT_TRUE(e->v6->refused);
	e->v6->refused = false;
	/* our identifier Nak'd: taken; Nak'd with zero: a fresh one */
	static const uint8_t nak[] = { 1, 10, 0, 0, 0, 0, 0, 0, 0, 0x42 };
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcn(f, PPP_CONFNAK, nak, 10), 0);
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.build_cr(f, out, sizeof(out)), 10);
	CU_ASSERT_EQUAL(memcmp(out, nak, 10), 0);
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcn(f, PPP_CONFNAK, zero, 10), 0);
	ppp_ipv6cp_ops.build_cr(f, out, sizeof(out));
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, zero + 2, 8), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, nak + 2, 8), 0);
	/* Rejected: no longer sent */
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.rcn(f, PPP_CONFREJ, our_cr, 10), 0);
	CU_ASSERT_EQUAL(ppp_ipv6cp_ops.build_cr(f, out, sizeof(out)), 0);
	ppp_engine_close(e, "test");
	vpdn_bus_run_pending(vpdn_core_bus(core));
	vpdn_link_unref(idle);
	close_pair(&w, s);
	CU_ASSERT_EQUAL(g_hash_table_size(mgr->peer_ifids), 0);
}

/* IPv6 not enabled on the server: it Protocol-Rejects IPv6CP (and IPv6);
 * the client's IPv6CP stops alone, IPv4 is up. */
static void test_protocol_reject_when_off(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	uint64_t rej = counter(mgr->c_proto_rej);

	reset_fx();
	pair(&w, "V4Server", "v6client-a", "Vi9", &s, &c);
	CU_ASSERT_PTR_NULL(ppp_engine_ipv6cp(s));
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(c)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(c)->state, FSM_STOPPED);
	CU_ASSERT_EQUAL(ppp_engine_lcp(c)->state, FSM_OPENED);
	CU_ASSERT_TRUE(has_line("Vi9 PPP: unsupported protocol 0x8057, rejected"));
	CU_ASSERT_TRUE(has_line("Se0 IPV6CP: rejected by the peer"));
	CU_ASSERT_EQUAL(fx.v6_up, 0);
	CU_ASSERT_EQUAL(fx.v4_up, 2);
	/* IPv6 data to the server: Protocol-Reject 0x0057 */
	static const uint8_t f6[] = { 0xFF, 0x03, 0x00, 0x57, 0x60, 0, 0, 0 };
	vpdn_link_send(w.link[0], VPDN_LINK_A, f6, sizeof(f6));
	CU_ASSERT_EQUAL(w.last[0][2], 0xC0);
	CU_ASSERT_EQUAL(w.last[0][3], 0x21);
	CU_ASSERT_EQUAL(w.last[0][4], PPP_PROTREJ);
	CU_ASSERT_EQUAL(w.last[0][8], 0x00);
	CU_ASSERT_EQUAL(w.last[0][9], 0x57);
	CU_ASSERT_EQUAL(counter(mgr->c_proto_rej), rej + 2);
	wire_pump(&w);
	close_pair(&w, s);
}

/* IPv6CP closed alone: IPCP stays up on the same link; then IPCP closed
 * alone with IPv6CP up again; the last one down hangs the link up, LCP
 * stays (as an IPv4-only session does when IPCP ends). */
static void test_ncps_fail_alone(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	struct ipside ip = { 0 };

	reset_fx();
	pair(&w, "V6Server", "v6client-a", "Vi9", &s, &c);
	struct vpdn_link *sn = ppp_engine_net(s), *cn = ppp_engine_net(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sn);
	vpdn_link_ref(sn);             /* the IP side's: past the hang-up */
	vpdn_link_attach(sn, VPDN_LINK_B, &ip_ops, &ip);
	/* the client closes IPv6CP */
	ppp_fsm_close(ppp_engine_ipv6cp(c));
	run(&w, 60);
	CU_ASSERT_EQUAL(fx.v6_down, 2);
	CU_ASSERT_EQUAL(fx.v4_down, 0);
	CU_ASSERT_NOT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(c)->state, FSM_OPENED);
	CU_ASSERT_PTR_EQUAL(ppp_engine_net(s), sn);
	CU_ASSERT_EQUAL(ip.hangups, 0);
	/* IPv4 still passes; IPv6 is not sent (counted) */
	uint64_t unsent = counter(mgr->c_net_unsent);
	vpdn_link_send(cn, VPDN_LINK_B, ip4, sizeof(ip4));
	wire_pump(&w);
	CU_ASSERT_EQUAL(ip.frames, 1);
	vpdn_link_send(cn, VPDN_LINK_B, ip6, sizeof(ip6));
	wire_pump(&w);
	CU_ASSERT_EQUAL(ip.frames, 1);
	CU_ASSERT_EQUAL(counter(mgr->c_net_unsent), unsent + 1);
	/* IPv6CP again (the client reopens), then IPCP closed alone */
	ppp_fsm_open(ppp_engine_ipv6cp(c));
	run(&w, 60);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(fx.v6_up, 4);
	ppp_fsm_close(ppp_engine_ipcp(c));
	run(&w, 60);
	CU_ASSERT_EQUAL(fx.v4_down, 2);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	CU_ASSERT_PTR_EQUAL(ppp_engine_net(s), sn);
	CU_ASSERT_EQUAL(ip.hangups, 0);
	vpdn_link_send(cn, VPDN_LINK_B, ip6, sizeof(ip6));
	wire_pump(&w);
	CU_ASSERT_EQUAL(ip.frames, 2);
	CU_ASSERT_EQUAL(ip.first, 0x60);
	/* IPv6CP down too: no NCP left, the link is hung up, LCP stays */
	ppp_fsm_close(ppp_engine_ipv6cp(c));
	run(&w, 60);
	CU_ASSERT_EQUAL(ip.hangups, 1);
	CU_ASSERT_PTR_NULL(ppp_engine_net(s));
	CU_ASSERT_EQUAL(ppp_engine_lcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(fx.ppp_down, 0);
	vpdn_link_detach(sn, VPDN_LINK_B);
	vpdn_link_unref(sn);
	close_pair(&w, s);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
}

/* Authorization's IPv6 (Framed-Interface-Id, Framed-IPv6-Prefix): the
 * peer is Nak'd to authorization's identifier, IPV6_UP carries it. */
static void test_auth_ipv6(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	struct vpdn_auth_ipv6 a = { .framed_plen = 64, .has_interface_id = true,
				    .interface_id = { 0, 0, 0, 0, 0, 0, 0x12, 0x34 },
				    .framed_pool = "v6pool" };
	uint8_t l[8], p[8];

	reset_fx();
	a.framed_prefix.s6_addr[0] = 0x20;
	a.framed_prefix.s6_addr[1] = 0x01;
	fx.give_ipv6 = &a;
	pair(&w, "V6Auth", "v6client", "Vi9", &s, &c);
	fx.give_ipv6 = NULL;
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_OPENED);
	ppp_engine_ifids(s, l, p);
	CU_ASSERT_EQUAL(memcmp(p, a.interface_id, 8), 0);
	int si = !strcmp(fx.v6_if[0], "Vi9") ? 0 : 1;
	CU_ASSERT_TRUE(fx.auth_prefix[si]);
	CU_ASSERT_FALSE(fx.auth_prefix[!si]);      /* the client has none */
	CU_ASSERT_STRING_EQUAL(s->v6->auth->framed_pool, "v6pool");
	CU_ASSERT_PTR_NOT_EQUAL(s->v6->auth->framed_pool, a.framed_pool);  /* copied */
	close_pair(&w, s);
}

/* A client against a raw peer, frame by frame (the frames of the fuzz
 * seed tests/fuzz/corpus/ppp/client-ipv6cp): LCP without magic, IPv6CP
 * with the server's identifier acked and ours Nak'd, IPv6 data, a zero
 * identifier from the peer Nak'd by a client too, then the peer's
 * Protocol-Reject of IPv6CP stops it alone. */
struct raw { int frames; uint8_t last[64]; size_t last_len; };

static void raw_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	struct raw *r = ctx;
	r->frames++;
	r->last_len = MIN(len, sizeof(r->last));
	memcpy(r->last, d, r->last_len);
}

static const struct vpdn_link_ops raw_ops = { .frame = raw_frame };

static void raw_in(struct vpdn_link *l, const char *hex)
{
	uint8_t f[64];
	size_t n = 0;
	for (const char *p = hex; p[0] && p[1]; ) {
		if (*p == ' ') { p++; continue; }
		unsigned v;
		sscanf(p, "%2x", &v);
		f[n++] = (uint8_t)v;
		p += 2;
	}
	vpdn_link_send(l, VPDN_LINK_A, f, n);
	vpdn_bus_run_pending(vpdn_core_bus(core));
}

static void test_client_raw_peer(void)
{
	struct raw r = { 0 };
	struct ipside ip = { 0 };
	uint8_t l[8], p[8];

	reset_fx();
	struct vpdn_link *link = vpdn_link_new("Se0");
	vpdn_link_attach(link, VPDN_LINK_A, &raw_ops, &r);
	struct ppp_engine *c = start(link, "Se0", "v6client-a", VPDN_PPP_ROLE_CLIENT,
				     VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	raw_in(link, "FF03C021 01010004");                     /* ConfReq, no options */
	raw_in(link, "FF03C021 0401000A 05060000 0000");       /* magic Rejected */
	raw_in(link, "FF03C021 02020004");                     /* its 2nd request acked */
	CU_ASSERT_EQUAL(ppp_engine_lcp(c)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	raw_in(link, "FF038057 0101000E 010A0211 22FFFE33 4455");
	CU_ASSERT_EQUAL(r.last[3], 0x57);
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFACK);
	raw_in(link, "FF038057 0301000E 010A0000 00000000 0001");  /* ours Nak'd: ::1 */
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFREQ);
	CU_ASSERT_EQUAL(r.last[17], 0x01);
	raw_in(link, "FF038057 0202000E 010A0000 00000000 0001");
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(c)->state, FSM_OPENED);
	CU_ASSERT_TRUE(ppp_engine_ifids(c, l, p));
	CU_ASSERT_EQUAL(l[7], 1);
	CU_ASSERT_EQUAL(p[0], 0x02);
	CU_ASSERT_EQUAL(fx.v6_up, 1);
	CU_ASSERT_FALSE(fx.server[0]);
	struct vpdn_link *net = ppp_engine_net(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(net);
	vpdn_link_ref(net);
	vpdn_link_attach(net, VPDN_LINK_B, &ip_ops, &ip);
	raw_in(link, "FF030057 60000000");
	CU_ASSERT_EQUAL(ip.frames, 1);
	CU_ASSERT_EQUAL(ip.first, 0x60);
	/* a zero identifier in a new request: Nak'd */
	raw_in(link, "FF038057 0102000E 010A0000 00000000 0000");
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFNAK);
	CU_ASSERT_EQUAL(fx.v6_down, 1);
	/* the peer Protocol-Rejects IPv6CP: it stops alone, LCP stays */
	raw_in(link, "FF03C021 08050006 8057");
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(c)->state, FSM_STOPPED);  /* RXJ- in Req-Sent */
	CU_ASSERT_EQUAL(ppp_engine_lcp(c)->state, FSM_OPENED);
	CU_ASSERT_TRUE(has_line("Se0 IPV6CP: rejected by the peer"));
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	vpdn_link_hangup(link, VPDN_LINK_A, 16);
	vpdn_bus_run_pending(vpdn_core_bus(core));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_detach(link, VPDN_LINK_A);
	vpdn_link_unref(link);
}

/* A raw peer that keeps asking a zero Interface-Id: Nak'd Max-Failure
 * (5) times, then IPv6CP alone is closed (Terminate-Request 0x8057,
 * counted); IPCP stays Opened and LCP up. */
static void test_ipv6cp_no_agreement_alone(void)
{
	struct raw r = { 0 };
	uint64_t closed = counter(mgr->c_ipv6cp_closed);

	reset_fx();
	struct vpdn_link *link = vpdn_link_new("Vi7");
	vpdn_link_attach(link, VPDN_LINK_A, &raw_ops, &r);
	struct ppp_engine *s = start(link, "Vi7", "V6Server", VPDN_PPP_ROLE_SERVER,
				     VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	raw_in(link, "FF03C021 01010004");
	raw_in(link, "FF03C021 0401000A 05060000 0000");
	raw_in(link, "FF03C021 02020004");
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	/* IPCP: the peer takes 10.0.0.2, acks ours (10.0.0.1) */
	raw_in(link, "FF038021 0101000A 03060A00 0002");
	raw_in(link, "FF038021 0201000A 03060A00 0001");
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	char req[64];
	int naks = 0;
	for (int id = 1; id <= 8; id++) {
		snprintf(req, sizeof(req), "FF038057 01%02X000E 010A0000 00000000 0000", id);
		raw_in(link, req);
		if (r.last[3] == 0x57 && r.last[4] == PPP_CONFNAK)
			naks++;
		if (ppp_engine_ipv6cp(s)->state == FSM_CLOSING)
			break;
	}
	CU_ASSERT_EQUAL(naks, 5);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(s)->state, FSM_CLOSING);
	CU_ASSERT_EQUAL(r.last[3], 0x57);
	CU_ASSERT_EQUAL(r.last[4], PPP_TERMREQ);
	CU_ASSERT_EQUAL(counter(mgr->c_ipv6cp_closed), closed + 1);
	CU_ASSERT_TRUE(has_match("Vi7 IPV6CP: closing: the peer keeps an Interface-Id that is zero"));
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_lcp(s)->state, FSM_OPENED);
	CU_ASSERT_PTR_NOT_NULL(ppp_engine_net(s));
	CU_ASSERT_EQUAL(fx.v6_up, 0);
	CU_ASSERT_EQUAL(fx.v4_down, 0);
	vpdn_link_hangup(link, VPDN_LINK_A, 16);
	vpdn_bus_run_pending(vpdn_core_bus(core));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_detach(link, VPDN_LINK_A);
	vpdn_link_unref(link);
}

static void test_parse_ifid(void)
{
	uint8_t id[8];
	CU_ASSERT_EQUAL(ppp_parse_ifid("::1", id), 0);
	CU_ASSERT_EQUAL(id[7], 1);
	CU_ASSERT_EQUAL(ppp_parse_ifid("::205:ff:fe00:1", id), 0);
	CU_ASSERT_EQUAL(id[0], 0x02);
	CU_ASSERT_EQUAL(id[1], 0x05);
	CU_ASSERT_EQUAL(ppp_parse_ifid("::", id), -EINVAL);
	CU_ASSERT_EQUAL(ppp_parse_ifid("2001:db8::1", id), -EINVAL);
	CU_ASSERT_EQUAL(ppp_parse_ifid("1", id), -EINVAL);
	CU_ASSERT_EQUAL(ppp_parse_ifid(NULL, id), -EINVAL);
}

static const struct vpdn_test_case ipv6cp_tests[] = {
	{ "dual stack: both NCPs on one link, IOS lines, data", test_dual_stack },
	{ "peer ifid equal to ours: Nak'd", test_ifid_equal_ours_nakd },
	{ "peer ifid of another session: Nak'd", test_ifid_duplicate_nakd },
	{ "option codec: RFC 5072 vectors, zero, absent, reject", test_codec_vectors },
	{ "IPv6 off: Protocol-Reject, client IPv6CP stops alone", test_protocol_reject_when_off },
	{ "either NCP goes down alone; the last hangs the link up", test_ncps_fail_alone },
	{ "authorization's IPv6 copied and given with IPV6_UP", test_auth_ipv6 },
	{ "a client against a raw peer (the fuzz seed's frames)", test_client_raw_peer },
	{ "a peer insisting on a zero ifid: IPv6CP closed alone", test_ipv6cp_no_agreement_alone },
	{ "ipv6-interface-id parsing", test_parse_ifid },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ppp-ipv6cp", ipv6cp_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
