/* SPDX-License-Identifier: MIT */
/*
 * PPP engines back to back over fake carriers, with the fake clock:
 * CHAP/PAP client vs server, wrong password, IPCP addressing, keepalive,
 * looped line, LAC forwarding into LNS proxy acceptance, renegotiation,
 * callout, and the IOS log lines of the seed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "chap.h"
#include "ppp-private.h"
#include "restart-state.h"
#include "vpdn_test.h"

/* ---- harness ---- */

static struct vpdn_core *core;
static struct ppp_manager *mgr;
static cfg_t *cfg;
static GPtrArray *lines;
static unsigned sink_id;

static const char *conf_text =
	"ip-local-pool \"P1\" { range = {\"10.5.0.1 10.5.0.1\", \"10.5.0.3-10.5.0.3\"} }\n"
	"ip-local-pool \"P2\" { range = {\"10.6.0.7 10.6.0.9\"} }\n"
	"interface \"NamedPool\" { ip-address = \"10.5.0.254\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"NAS\"\n"
	"  ppp-peer-default-ip-address-pool = \"P1\" }\n"
	"interface \"Loopback0\" { ip-address = \"18.18.18.2\" }\n"
	"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\" }\n"
	"interface \"Virtual-Template2\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-lcp-renegotiation = \"always\" }\n"
	"interface \"Virtual-Template3\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"pap\"}  ppp-chap-hostname = \"LNS\" }\n"
	"interface \"Virtual-Template5\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"  ipv6-enable = true }\n"
	"interface \"Virtual-Template4\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-force-local-chap = true }\n"
	"interface \"PapServer\" { ip-address = \"18.18.18.2\"\n"
	"  ppp-authentication = {\"pap\"} }\n"
	"interface \"PoolServer\" { ip-address = \"10.0.0.1\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"NAS\"\n"
	"  ppp-peer-pool = \"10.0.0.10 10.0.0.12\"  ppp-dns = {\"10.0.0.53\", \"10.0.0.54\"} }\n"
	"interface \"Serial0:15\" { ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"LAC\" }\n"
	"interface \"Serial1:15\" { ppp-authentication = {\"pap\"} }\n"
	"interface \"Dialer2\" { ip-unnumbered = \"Loopback0\"\n"
	"  ppp-peer-default-ip-address = \"17.17.17.2\"\n"
	"  ppp-authentication = {\"chap\", \"callin\"}  ppp-chap-hostname = \"LNS\" }\n"
	"interface \"remote1\" { ip-address = \"17.17.17.1\"\n"
	"  ppp-chap-hostname = \"remote1@cisco.com\"  ppp-chap-password = \"cisco\" }\n"
	"interface \"remote1-v6\" { ip-address = \"17.17.17.1\"  ipv6-enable = true\n"
	"  ppp-chap-hostname = \"remote1@cisco.com\"  ppp-chap-password = \"cisco\" }\n"
	"interface \"remote1-bad\" { ip-address = \"17.17.17.1\"\n"
	"  ppp-chap-hostname = \"remote1@cisco.com\"  ppp-chap-password = \"wrong\" }\n"
	"interface \"remote1-pap\" { ip-address = \"17.17.17.1\"\n"
	"  ppp-pap-sent-username = \"remote1@cisco.com\"  ppp-pap-sent-password = \"cisco\" }\n"
	"interface \"dhcp-client\" { ppp-chap-hostname = \"remote1@cisco.com\"\n"
	"  ppp-chap-password = \"cisco\"  ppp-ipcp-dns-request = true }\n"
	"interface \"remote2\" { ip-address = \"17.17.17.2\"\n"
	"  ppp-authentication = {\"chap\"}  ppp-chap-hostname = \"remote2@cisco.com\" }\n"
	"interface \"fast-keepalive\" { ip-address = \"17.17.17.8\"  ppp-keepalive = 2\n"
	"  ppp-peer-default-ip-address = \"17.17.17.9\"\n"
	"  ppp-keepalive-count = 3 }\n";

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

static unsigned count_match(const char *pattern)
{
	unsigned n = 0;
	for (guint i = 0; i < lines->len; i++)
		if (g_pattern_match_simple(pattern, g_ptr_array_index(lines, i)))
			n++;
	return n;
}

/* Users known to the fake authenticator (auth-local stand-in). */
static const char *secret_of(const char *user)
{
	if (!user) return NULL;
	if (!strcmp(user, "remote1@cisco.com")) return "cisco";
	if (!strcmp(user, "remote2@cisco.com")) return "cisco2";
	if (!strcmp(user, "LNS")) return "lnspass";
	return NULL;
}

/* ... and the addresses their authorization gives toward the LNS (as
 * chap-secrets' address column: "remote1@cisco.com LNS cisco 17.17.17.1"). */
static const char *auth_local_name;
static struct in_addr address_of(const char *user)
{
	struct in_addr a = { 0 };
	if (!auth_local_name || strcmp(auth_local_name, "NAS") == 0)
		return a;
	if (user && !strcmp(user, "remote1@cisco.com"))
		a.s_addr = inet_addr("17.17.17.1");
	if (user && !strcmp(user, "remote2@cisco.com"))
		a.s_addr = inet_addr("17.17.17.2");
	if (user && !strcmp(user, "LNS"))   /* remote2's `username "LNS"` */
		a.s_addr = inet_addr("18.18.18.2");
	return a;
}

static struct {
	int auth_requests, secret_requests;
	bool async;
	struct vpdn_request *pending;
	bool pending_ok;
	char pending_user[64];
	int network_up, network_down, ppp_down, authenticated;
	struct vpdn_link *net[4];
	struct in_addr peer[4], local[4], dns1[4];
	char net_if[4][16];
	int forward_requests;
	int session_claimed;
	char accept_if[16];
	bool refuse;                /* the authenticator says no */
	const char *peer_message;   /* its text for the peer (Reply-Message) */
	const struct vpdn_route4 *routes; size_t n_routes;  /* its routes */
	const char *framed_pool;    /* its pool (RADIUS Framed-Pool) */
	size_t up_routes[4]; struct vpdn_route4 up_route0[4]; /* NETWORK_UP's */
} fx;

static enum vpdn_bus_verdict on_auth(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_auth *a = ev->payload;
	const char *s = secret_of(a->user);
	bool ok = false;
	fx.auth_requests++;
	auth_local_name = a->local_name;
	if (s && a->method == VPDN_AUTH_CHAP_MD5)
		ok = chap_md5_verify(a->chap_id, s, strlen(s), a->challenge, a->challenge_len,
				     a->response, a->response_len);
	else if (s && a->method == VPDN_AUTH_PAP)
		ok = a->password && !strcmp(a->password, s);
	if (fx.refuse)
		ok = false;
	struct vpdn_request *req = vpdn_event_take_request(ev);
	if (fx.async) {
		fx.pending = req;
		fx.pending_ok = ok;
		snprintf(fx.pending_user, sizeof(fx.pending_user), "%s", a->user);
		return VPDN_BUS_CLAIM;
	}
	struct vpdn_ev_auth_result r = { .size = sizeof(r), .ok = ok, .user = a->user,
					 .reason = ok ? NULL : "bad password",
					 .address = address_of(a->user),
					 .peer_message = fx.peer_message,
					 .routes = fx.routes, .n_routes = fx.n_routes,
					 .framed_pool = fx.framed_pool };
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}

static void complete_pending_auth(void)
{
	struct vpdn_request *req = fx.pending;
	fx.pending = NULL;
	struct vpdn_ev_auth_result r = { .size = sizeof(r), .ok = fx.pending_ok,
					 .user = fx.pending_user,
					 .address = address_of(fx.pending_user) };
	vpdn_request_complete(req, 0, &r);
}

static enum vpdn_bus_verdict on_secret(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_secret *s = ev->payload;
	fx.secret_requests++;
	const char *sec = secret_of(s->local_name);
	struct vpdn_request *req = vpdn_event_take_request(ev);
	struct vpdn_ev_secret_reply r = { .size = sizeof(r), .secret = sec,
					  .secret_len = sec ? strlen(sec) : 0 };
	vpdn_request_complete(req, sec ? 0 : -ENOENT, sec ? &r : NULL);
	return VPDN_BUS_CLAIM;
}

static int refuse_network;    /* the IP side hangs the network up (-errno) */

static enum vpdn_bus_verdict on_network(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ppp_network *n = ev->payload;
	if (ev->type == VPDN_EV_PPP_NETWORK_UP && refuse_network)
		vpdn_link_hangup(n->net, VPDN_LINK_B, refuse_network);
	if (ev->type == VPDN_EV_PPP_NETWORK_UP) {
		int i = fx.network_up++ % 4;
		fx.net[i] = n->net;
		fx.peer[i] = n->peer;
		fx.local[i] = n->local;
		fx.dns1[i] = n->dns1;
		fx.up_routes[i] = n->routes ? n->n_routes : 0;
		if (n->routes && n->n_routes)
			fx.up_route0[i] = n->routes[0];
		snprintf(fx.net_if[i], sizeof(fx.net_if[i]), "%s", n->interface);
	} else {
		fx.network_down++;
	}
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_ppp(const struct vpdn_event *ev, void *data)
{
	if (ev->type == VPDN_EV_PPP_DOWN)
		fx.ppp_down++;
	else
		fx.authenticated++;
	return VPDN_BUS_PASS;
}

/* A parser with the interface table the daemon builds: the core's keys
 * (ip-address, ip-unnumbered...), then ppp's. */
static cfg_t *ppp_cfg_init(void)
{
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE),
		CFG_SEC("ip-local-pool", ppp_pool_section_opts, CFGF_MULTI | CFGF_TITLE),
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
	if (cfg_parse_buf(cfg, conf_text) != CFG_SUCCESS)
		return 1;
	mgr = ppp_manager_new(core, cfg);
	if (!mgr)
		return 1;
	struct vpdn_bus *bus = vpdn_core_bus(core);
	vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, on_auth, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_SECRET_REQUEST, on_secret, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_UP, on_network, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_DOWN, on_network, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_DOWN, on_ppp, NULL);
	vpdn_bus_subscribe(bus, VPDN_EV_PPP_AUTHENTICATED, on_ppp, NULL);
	lines = g_ptr_array_new_with_free_func(g_free);
	sink_id = vpdn_log_add_sink(vpdn_core_log(core), sink, NULL);
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

/* A wire: a fake carrier joining end A of two links, delivering frames
 * asynchronously (queued until pumped), as a real carrier would. */
struct wire;
struct wire_end {
	struct wire *w;
	int side;
	int hangups;
};
struct wire {
	struct vpdn_link *link[2];
	struct wire_end end[2];
	GQueue q;                 /* of GBytes, with side in a parallel queue */
	GQueue sides;
	bool drop;                /* lose every frame */
	bool loop;                /* side 0 frames come back to side 0 */
	unsigned frames[2];       /* sent by side */
	/* the last frame each side sent (PPP protocol + packet) */
	uint8_t last[2][512];
	size_t last_len[2];
};

static void wire_frame(void *ctx, struct vpdn_link *link, const uint8_t *d, size_t len)
{
	struct wire_end *we = ctx;
	struct wire *w = we->w;
	w->frames[we->side]++;
	size_t n = len < sizeof(w->last[0]) ? len : sizeof(w->last[0]);
	memcpy(w->last[we->side], d, n);
	w->last_len[we->side] = n;
	if (w->drop)
		return;
	g_queue_push_tail(&w->q, g_bytes_new(d, len));
	g_queue_push_tail(&w->sides, GINT_TO_POINTER(w->loop ? !we->side : we->side));
}

static void wire_hangup(void *ctx, struct vpdn_link *link, int cause)
{
	struct wire_end *we = ctx;
	we->hangups++;
}

static const struct vpdn_link_ops wire_ops = { .frame = wire_frame, .hangup = wire_hangup };

static void wire_init(struct wire *w, const char *n0, const char *n1)
{
	memset(w, 0, sizeof(*w));
	g_queue_init(&w->q);
	g_queue_init(&w->sides);
	for (int i = 0; i < 2; i++) {
		w->link[i] = vpdn_link_new(i ? n1 : n0);
		w->end[i].w = w;
		w->end[i].side = i;
		vpdn_link_attach(w->link[i], VPDN_LINK_A, &wire_ops, &w->end[i]);
	}
}

/* Deliver queued frames and the bus's queued completions (a main-loop
 * turn); returns how many. */
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

static void run(struct wire *w, int rounds)
{
	for (int i = 0; i < rounds; i++) {
		if (!wire_pump(w))
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
}

/* A raw peer: frames the test sends to an engine and what comes back. */
struct raw {
	struct vpdn_link *link;
	uint8_t last[512];
	size_t last_len;
	int frames;
	int codes[64];
	int hangups;
};

static void raw_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t len)
{
	struct raw *r = ctx;
	size_t n = len < sizeof(r->last) ? len : sizeof(r->last);
	memcpy(r->last, d, n);
	r->last_len = n;
	if (r->frames < 64)
		r->codes[r->frames] = len > 4 ? d[4] : -1;
	r->frames++;
}

static void raw_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	((struct raw *)ctx)->hangups++;
}

static const struct vpdn_link_ops raw_ops = { .frame = raw_frame, .hangup = raw_hangup };

static void raw_send(struct raw *r, uint16_t proto, uint8_t code, uint8_t id,
		     const uint8_t *opts, size_t n)
{
	uint8_t f[600] = { 0xFF, 0x03, (uint8_t)(proto >> 8), (uint8_t)proto, code, id,
			   (uint8_t)((n + 4) >> 8), (uint8_t)(n + 4) };
	memcpy(f + 8, opts, n);
	vpdn_link_send(r->link, VPDN_LINK_A, f, n + 8);
	vpdn_bus_run_pending(vpdn_core_bus(core)); /* the next main-loop turn */
}

/* ---- tests ---- */

static void client_server(const char *server_conf, const char *client_conf,
			  struct ppp_engine **srv, struct ppp_engine **cli, struct wire *w)
{
	wire_init(w, "Vi9", "BRI0");
	*srv = start(w->link[0], "Vi9", server_conf, VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	*cli = start(w->link[1], "BR0", client_conf, VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*srv);
	CU_ASSERT_PTR_NOT_NULL_FATAL(*cli);
	run(w, 60);
}

static void test_chap_client_server(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	client_server("Virtual-Template1", "remote1", &s, &c, &w);
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(s)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(c)->state, FSM_OPENED);
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(s), "remote1@cisco.com");
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	CU_ASSERT_EQUAL(fx.secret_requests, 0);   /* password configured */
	CU_ASSERT_EQUAL(fx.authenticated, 1);
	CU_ASSERT_EQUAL(fx.network_up, 2);
	/* IPCP: the peer's own address accepted (no peer default). */
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(s).s_addr, inet_addr("17.17.17.1"));
	CU_ASSERT_EQUAL(ppp_engine_local_addr(s).s_addr, inet_addr("18.18.18.2"));
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(c).s_addr, inet_addr("18.18.18.2"));
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: O CHALLENGE id * len 24 from \"LNS\""));
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: I RESPONSE id * len 38 from \"remote1@cisco.com\""));
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: O SUCCESS id * len 4"));
	CU_ASSERT_TRUE(has_line("Vi9 IPCP: Install route to 17.17.17.1"));
	/* The authentication phase's block went with the phase (#19: bytes
	 * a held session), and what CHAP keeps still answers the client's
	 * Response repeated (our Success lost) with a Success, unverified. */
	CU_ASSERT_PTR_NULL(s->ap);
	CU_ASSERT_PTR_NULL(c->ap);
	uint8_t dup[64] = { 0xFF, 0x03, 0xC2, 0x23 };
	static const uint8_t val[16] = { 0 };
	ssize_t dn = chap_build_response(dup + 4, sizeof(dup) - 4, s->chap.id, val, sizeof(val),
					 "remote1@cisco.com", 17);
	CU_ASSERT_FATAL(dn > 0);
	g_ptr_array_set_size(lines, 0);
	vpdn_link_send(w.link[0], VPDN_LINK_A, dup, 4 + (size_t)dn);
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: O SUCCESS id * len 4"));
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	CU_ASSERT_PTR_NULL(s->ap);
	wire_pump(&w);
	CU_ASSERT_EQUAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	/* Data: an IPv4 packet from the server's IP side reaches the client's. */
	struct vpdn_link *sn = ppp_engine_net(s), *cn = ppp_engine_net(c);
	CU_ASSERT_PTR_NOT_NULL_FATAL(sn);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cn);
	static const struct vpdn_link_ops count_ops = { .frame = NULL };
	struct raw ipsink = { 0 };
	vpdn_link_attach(cn, VPDN_LINK_B, &raw_ops, &ipsink);
	vpdn_link_count(cn);
	(void)count_ops;
	static const uint8_t ip[20] = { 0x45, 0, 0, 20 };
	vpdn_link_send(sn, VPDN_LINK_B, ip, sizeof(ip));
	wire_pump(&w);
	CU_ASSERT_EQUAL(vpdn_link_stats(cn, VPDN_LINK_B)->frames, 1);
	CU_ASSERT_EQUAL(vpdn_link_stats(cn, VPDN_LINK_B)->bytes, 20);
	CU_ASSERT_EQUAL(ipsink.frames, 1);
	CU_ASSERT_EQUAL(ipsink.last[0], 0x45);
	vpdn_link_detach(cn, VPDN_LINK_B);
	/* on the wire: FF 03 00 21 + packet */
	CU_ASSERT_EQUAL(w.last_len[0], 24);
	CU_ASSERT_EQUAL(w.last[0][2], 0x00);
	CU_ASSERT_EQUAL(w.last[0][3], 0x21);
	/* Orderly close: Terminate, both engines gone, carriers hung up. */
	ppp_engine_close(s, "test");
	run(&w, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(fx.ppp_down, 2);
	CU_ASSERT_EQUAL(fx.network_down, 2);
	CU_ASSERT_EQUAL(w.end[0].hangups, 1);
	wire_fini(&w);
}

static void test_pap_client_server(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	client_server("PapServer", "remote1-pap", &s, &c, &w);
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(s), "remote1@cisco.com");
	CU_ASSERT_TRUE(has_match("BR0 PAP: O AUTH-REQ id * from \"remote1@cisco.com\""));
	CU_ASSERT_TRUE(has_match("Vi9 PAP: O AUTH-ACK id *"));
	CU_ASSERT_TRUE(has_line("Vi9 LCP: AuthProto PAP (0x0304C023)"));
	/* No password ever in the log. */
	CU_ASSERT_FALSE(has_match("*cisco\"*") && has_match("*password*cisco*"));
	CU_ASSERT_FALSE(has_match("*: cisco*"));
	ppp_engine_close(c, "test");
	run(&w, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

/* debug ppp packet: one line per control packet each way, decoded; no
 * CHAP value or PAP password, no line for IP data. */
static void test_ppp_packet_lines(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	client_server("Virtual-Template1", "remote1", &s, &c, &w);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_match("Vi9 PPP: O LCP ConfReq id * len *: *AuthProto CHAP (alg 5, MD5)*"
				 "MagicNumber 0x*"));
	CU_ASSERT_TRUE(has_match("BR0 PPP: I LCP ConfReq id * len *: *MagicNumber 0x*"));
	CU_ASSERT_TRUE(has_match("BR0 PPP: O LCP ConfAck id *"));
	CU_ASSERT_TRUE(has_match("Vi9 PPP: O CHAP Challenge id * len 24: value 16 octets, name \"LNS\""));
	CU_ASSERT_TRUE(has_match("Vi9 PPP: I CHAP Response id * len 38: value xxxxxx, "
				 "name \"remote1@cisco.com\""));
	CU_ASSERT_TRUE(has_match("BR0 PPP: I CHAP Success id * len 4"));
	CU_ASSERT_TRUE(has_match("Vi9 PPP: O IPCP ConfReq id * len *: Address 18.18.18.2*"));
	static const uint8_t ip[20] = { 0x45, 0, 0, 20 };
	vpdn_link_send(ppp_engine_net(s), VPDN_LINK_B, ip, sizeof(ip));
	wire_pump(&w);
	CU_ASSERT_FALSE(has_match("* PPP: * protocol 0x0021*"));
	CU_ASSERT_FALSE(has_match("* PPP: *IP *0x45*"));
	ppp_engine_close(s, "test");
	run(&w, 100);
	CU_ASSERT_TRUE(has_match("Vi9 PPP: O LCP TermReq id *"));
	CU_ASSERT_TRUE(has_match("BR0 PPP: O LCP TermAck id *"));
	wire_fini(&w);

	reset_fx();
	client_server("PapServer", "remote1-pap", &s, &c, &w);
	CU_ASSERT_TRUE(has_match("BR0 PPP: O PAP AuthReq id * len *: peer-id \"remote1@cisco.com\", "
				 "password xxxxxx"));
	CU_ASSERT_TRUE(has_match("Vi9 PPP: O PAP AuthAck id *"));
	CU_ASSERT_FALSE(has_match("* PPP: *cisco\"*password*cisco*"));
	CU_ASSERT_FALSE(has_match("* PPP: *password \"*"));
	/* Off: nothing. */
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG_PPP_PACKET, false);
	g_ptr_array_set_size(lines, 0);
	ppp_engine_close(c, "test");
	run(&w, 100);
	CU_ASSERT_FALSE(has_match("* PPP: O LCP *"));
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG_PPP_PACKET, true);
	wire_fini(&w);
}

/* The text of malformed packets: bounded, never past the data. */
static void test_ppp_packet_text(void)
{
	char out[256];
	static const uint8_t short_len[] = { 1, 1, 0, 40, 1, 4, 5, 0xdc };
	static const uint8_t bad_opt[] = { 1, 2, 0, 8, 1, 9, 5, 0xdc };
	static const uint8_t pap_req[] = { 1, 3, 0, 14, 3, 'b', 'o', 'b', 5, 's', 'e', 'c', 'r', 't' };
	static const uint8_t chap_odd[] = { 2, 4, 0, 6, 200, 1 };
	CU_ASSERT_STRING_EQUAL(ppp_packet_text(PPP_LCP, short_len, sizeof(short_len), out, sizeof(out)),
			       "protocol 0xC021 code 1 id 1: bad length 40 of 8");
	CU_ASSERT_STRING_EQUAL(ppp_packet_text(PPP_LCP, bad_opt, sizeof(bad_opt), out, sizeof(out)),
			       "LCP ConfReq id 2 len 8: bad option length 9");
	CU_ASSERT_STRING_EQUAL(ppp_packet_text(PPP_PAP, pap_req, sizeof(pap_req), out, sizeof(out)),
			       "PAP AuthReq id 3 len 14: peer-id \"bob\", password xxxxxx");
	CU_ASSERT_STRING_EQUAL(ppp_packet_text(PPP_CHAP, chap_odd, sizeof(chap_odd), out, sizeof(out)),
			       "CHAP Response id 4 len 6");
	CU_ASSERT_STRING_EQUAL(ppp_packet_text(PPP_IPCP, chap_odd, 2, out, sizeof(out)),
			       "protocol 0x8021, 2 octets (short)");
}

static void test_wrong_password(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "Virtual-Template1", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "remote1-bad", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(&w, 150);
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: O FAILURE id * len * msg is \"Authentication failed\""));
	CU_ASSERT_TRUE(has_match("BR0 CHAP: I FAILURE*"));
	CU_ASSERT_TRUE(has_match("Vi9 LCP: O TERMREQ*"));
	CU_ASSERT_EQUAL(fx.network_up, 0);
	CU_ASSERT_EQUAL(fx.authenticated, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(fx.ppp_down, 2);
	CU_ASSERT_EQUAL(w.end[0].hangups, 1);   /* carrier hung up by the server */
	wire_fini(&w);
}

/* The authenticator's text (RADIUS Reply-Message) reaches the peer in the
 * CHAP Failure / Success and the PAP Nak / Ack, made printable and cut to
 * 128 octets; without one, the fixed text; the local reason never. */
static void test_peer_message(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	char long_msg[300];

	/* CHAP refused: control characters become '?' */
	reset_fx();
	fx.refuse = true;
	fx.peer_message = "Account\x07 expired\r\n\xc3\xa9";
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "Virtual-Template1", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "remote1", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(&w, 150);
	CU_ASSERT_TRUE(has_match("Vi9 CHAP: O FAILURE id * len 24 msg is \"Account? expired????\""));
	CU_ASSERT_TRUE(has_match("BR0 CHAP: I FAILURE id * len 24 msg is \"Account? expired????\""));
	CU_ASSERT_FALSE(has_match("*CHAP: * FAILURE * msg is \"Authentication failed\""));
	CU_ASSERT_FALSE(has_match("*CHAP: * msg is *bad password*"));
	CU_ASSERT_EQUAL(fx.network_up, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);

	/* PAP refused with a text longer than a PPP message should carry:
	 * cut to 128 octets (Nak: 4 header + 1 length + 128) */
	memset(long_msg, 'x', sizeof(long_msg) - 1);
	long_msg[sizeof(long_msg) - 1] = '\0';
	reset_fx();
	fx.refuse = true;
	fx.peer_message = long_msg;
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "PapServer", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "remote1-pap", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(&w, 150);
	CU_ASSERT_TRUE(has_match("Vi9 PAP: O AUTH-NAK id * len 133 msg is \"xxxx*"));
	CU_ASSERT_TRUE(has_match("BR0 PAP: I AUTH-NAK id * len 133 msg is \"xxxx*"));
	CU_ASSERT_EQUAL(fx.network_up, 0);
	wire_fini(&w);

	/* all blanks: the fixed text */
	reset_fx();
	fx.refuse = true;
	fx.peer_message = "   ";
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "PapServer", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "remote1-pap", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	run(&w, 150);
	CU_ASSERT_TRUE(has_match("BR0 PAP: I AUTH-NAK id * msg is \"Authentication failed\""));
	wire_fini(&w);

	/* accepted: the text in the Success / Ack */
	reset_fx();
	fx.peer_message = "Welcome";
	client_server("Virtual-Template1", "remote1", &s, &c, &w);
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_match("BR0 CHAP: I SUCCESS id * len 11 msg is \"Welcome\""));
	ppp_engine_close(s, "test");
	run(&w, 100);
	wire_fini(&w);
	reset_fx();
	fx.peer_message = "Welcome";
	client_server("PapServer", "remote1-pap", &s, &c, &w);
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_match("BR0 PAP: I AUTH-ACK id * len 12 msg is \"Welcome\""));
	ppp_engine_close(s, "test");
	run(&w, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

/* The authorization's routes (RADIUS Framed-Route) go with the server's
 * PPP_NETWORK_UP to the IP side, at most VPDN_ROUTES_MAX; the client's
 * NETWORK_UP has none. */
static void test_routes_to_network_up(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	struct vpdn_route4 rt[VPDN_ROUTES_MAX + 3];

	for (size_t i = 0; i < G_N_ELEMENTS(rt); i++)
		rt[i] = (struct vpdn_route4){ .dst.s_addr = htonl(0x0A000000u | (uint32_t)i << 16),
					      .plen = 16, .metric = (uint32_t)i };
	reset_fx();
	fx.routes = rt;
	fx.n_routes = G_N_ELEMENTS(rt);
	client_server("Virtual-Template1", "remote1", &s, &c, &w);
	CU_ASSERT_EQUAL_FATAL(fx.network_up, 2);
	int si = !strcmp(fx.net_if[0], "Vi9") ? 0 : 1;
	CU_ASSERT_STRING_EQUAL(fx.net_if[si], "Vi9");
	CU_ASSERT_EQUAL(fx.up_routes[si], VPDN_ROUTES_MAX);
	CU_ASSERT_EQUAL(fx.up_route0[si].dst.s_addr, inet_addr("10.0.0.0"));
	CU_ASSERT_EQUAL(fx.up_route0[si].plen, 16);
	CU_ASSERT_EQUAL(fx.up_routes[1 - si], 0);    /* the client's */
	ppp_engine_close(s, "test");
	run(&w, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

static void test_ipcp_pool_and_dns(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	client_server("PoolServer", "dhcp-client", &s, &c, &w);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(c)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_local_addr(c).s_addr, inet_addr("10.0.0.10"));
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(c).s_addr, inet_addr("10.0.0.1"));
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(s).s_addr, inet_addr("10.0.0.10"));
	CU_ASSERT_EQUAL(c->ipcp.dns1.s_addr, inet_addr("10.0.0.53"));
	CU_ASSERT_EQUAL(c->ipcp.dns2.s_addr, inet_addr("10.0.0.54"));
	CU_ASSERT_TRUE(has_match("Vi9 IPCP: O CONFNAK * len 22"));
	CU_ASSERT_TRUE(has_line("BR0 IPCP: PrimaryDNS 10.0.0.53 (0x81060A000035)"));
	/* A second client gets the next address. */
	struct wire w2;
	struct ppp_engine *s2, *c2;
	client_server("PoolServer", "dhcp-client", &s2, &c2, &w2);
	CU_ASSERT_EQUAL(ppp_engine_local_addr(c2).s_addr, inet_addr("10.0.0.11"));
	ppp_engine_close(s, NULL);
	ppp_engine_close(s2, NULL);
	run(&w, 100);
	run(&w2, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	/* Addresses went back to the pool. */
	struct in_addr a = ppp_conf_pool_take(ppp_manager_conf(mgr, "PoolServer"));
	CU_ASSERT_EQUAL(a.s_addr, inet_addr("10.0.0.10"));
	ppp_conf_pool_put(ppp_manager_conf(mgr, "PoolServer"), a);
	wire_fini(&w);
	wire_fini(&w2);
}

static struct in_addr pool_session(const char *tmpl, struct ppp_engine **s, struct wire *w)
{
	struct ppp_engine *c;
	int up = fx.network_up;
	client_server(tmpl, "dhcp-client", s, &c, w);
	/* a failed session's engines are freed: read what NETWORK_UP said */
	for (int i = up; i < fx.network_up; i++)
		if (!strcmp(fx.net_if[i % 4], "Vi9"))
			return fx.peer[i % 4];
	return (struct in_addr){ 0 };
}

static void pool_show(const struct ppp_pool_info *info, void *data)
{
	GString *g = data;
	g_string_append_printf(g, "%s %u/%u %" G_GUINT64_FORMAT ";", info->name, info->used,
			       info->size, info->exhausted);
}

/* Named pools (ip-local-pool): the template's pool over its two ranges,
 * exhaustion closes the session with a counter and a line, authorization's
 * Framed-Pool wins, an unknown one gives no address, addresses come back
 * at the session's end, and a reload keeps the ones in use. */
static void test_named_pools(void)
{
	struct wire w[4];
	struct ppp_engine *s[4];
	uint64_t *exhausted = vpdn_core_counter(core, "ppp_pool_exhausted_total", NULL);
	uint64_t *unknown = vpdn_core_counter(core, "ppp_pool_unknown_total", NULL);
	uint64_t ex0 = *exhausted, un0 = *unknown;

	reset_fx();
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[0], &w[0]).s_addr, inet_addr("10.5.0.1"));
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[1], &w[1]).s_addr, inet_addr("10.5.0.3"));
	/* exhausted: no address, the session closes */
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[2], &w[2]).s_addr, 0);
	run(&w[2], 100);
	CU_ASSERT_EQUAL(*exhausted, ex0 + 1);
	CU_ASSERT_TRUE(has_line("Vi9 IPCP: pool \"P1\" exhausted (2 addresses in use)"));
	CU_ASSERT_TRUE(has_match("*IPCP: no address allowed for the peer*pool \"P1\" exhausted*"));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 4);   /* two sessions, 2 ends */
	wire_fini(&w[2]);
	/* authorization's Framed-Pool wins over the template's */
	fx.framed_pool = "P2";
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[2], &w[2]).s_addr, inet_addr("10.6.0.7"));
	/* an unknown one gives none */
	fx.framed_pool = "nope\x07";
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[3], &w[3]).s_addr, 0);
	run(&w[3], 100);
	CU_ASSERT_EQUAL(*unknown, un0 + 1);
	CU_ASSERT_TRUE(has_line("Vi9 IPCP: authorization (Framed-Pool) names pool \"nope.\": "
				"no ip-local-pool of that name"));
	wire_fini(&w[3]);
	fx.framed_pool = NULL;

	/* a reload: P1 now three addresses; the two in use stay in use */
	cfg_t *n = ppp_cfg_init();
	/* conf_text's first line is P1's */
	char *text = g_strconcat("ip-local-pool \"P1\" { range = {\"10.5.0.1 10.5.0.3\"} }\n",
				 strchr(conf_text, '\n') + 1, NULL);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(n, text), CFG_SUCCESS);
	g_free(text);
	CU_ASSERT_EQUAL(ppp_manager_reload(mgr, n), 0);
	CU_ASSERT_EQUAL(pool_session("NamedPool", &s[3], &w[3]).s_addr, inet_addr("10.5.0.2"));
	GString *g = g_string_new(NULL);
	ppp_pools_foreach(mgr->pools, pool_show, g);
	CU_ASSERT_STRING_EQUAL(g->str, "P1 3/3 1;P2 1/3 0;");
	/* ends give back, to the new pool, also from sessions of the old one */
	for (int i = 0; i < 4; i++) {
		ppp_engine_close(s[i], NULL);
		run(&w[i], 100);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	g_string_truncate(g, 0);
	ppp_pools_foreach(mgr->pools, pool_show, g);
	CU_ASSERT_STRING_EQUAL(g->str, "P1 0/3 1;P2 0/3 0;");
	g_string_free(g, TRUE);
	CU_ASSERT_EQUAL(ppp_manager_reload(mgr, cfg), 0);
	cfg_free(n);
	for (int i = 0; i < 4; i++)
		wire_fini(&w[i]);
}

/* Our own CONFREQ comes back to us: looped line. */
static void test_magic_loop(void)
{
	struct wire w;
	reset_fx();
	wire_init(&w, "Se1", "unused");
	w.loop = true;
	struct ppp_engine *e = start(w.link[0], "Se1", "remote1", VPDN_PPP_ROLE_CLIENT,
				     VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	run(&w, 100);
	CU_ASSERT_TRUE(has_match("Se1 LCP: looped line detected*"));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(fx.ppp_down, 1);
	wire_fini(&w);
}

/* Echo keepalive: the peer goes silent, the link is declared dead. */
static void test_echo_failure(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "fast-keepalive", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "fast-keepalive", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	run(&w, 40);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(s), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(c), VPDN_PPP_PHASE_UP);
	/* Echoes are answered while the line works. */
	vpdn_timers_advance(vpdn_core_timers(core), 2000);
	wire_pump(&w);
	CU_ASSERT_TRUE(has_match("Vi9 LCP: O ECHOREQ [Open] id * len 8"));
	CU_ASSERT_TRUE(has_match("Vi9 LCP: I ECHOREP [Open] id * len 8 magic 0x*"));
	CU_ASSERT_EQUAL(s->lcp.echo_outstanding, 0);
	w.drop = true;
	for (int i = 0; i < 5; i++)
		vpdn_timers_advance(vpdn_core_timers(core), 2000);
	CU_ASSERT_TRUE(has_match("Vi9 LCP: no reply to 3 Echo-Requests, link dead"));
	/* Terminate-Requests are lost too; Max-Terminate ends it. */
	for (int i = 0; i < 10; i++)
		vpdn_timers_advance(vpdn_core_timers(core), 3000);
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi9"));
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "BR0"));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

/* The LNS calls remote2 (callout): it does not ask for authentication; the
 * seed's 39-octet CONFREQ gets MRRU and Endpoint-Discriminator rejected. */
static void test_callout_seed_confreq(void)
{
	struct raw r = { 0 };
	reset_fx();
	r.link = vpdn_link_new("Vi1");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	struct ppp_engine *e = start(r.link, "Vi1", "Dialer2", VPDN_PPP_ROLE_SERVER, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Treating connection as a callout"));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is ESTABLISHING, Active Open"));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: No remote authentication for call-out"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: O CONFREQ [Closed] id 1 len 10"));
	CU_ASSERT_EQUAL(r.frames, 1);
	CU_ASSERT_EQUAL(r.last_len, 14);   /* FF 03 C0 21 + 10: magic only */
	static const uint8_t seed[] = {
		0x03, 0x05, 0xC2, 0x23, 0x05, 0x05, 0x06, 0x05, 0x99, 0x35, 0xDB,
		0x11, 0x04, 0x05, 0xF4, 0x13, 0x14, 0x01, 0x72, 0x65, 0x6D, 0x6F, 0x74,
		0x65, 0x32, 0x40, 0x63, 0x69, 0x73, 0x63, 0x6F, 0x2E, 0x63, 0x6F, 0x6D,
	};
	CU_ASSERT_EQUAL(sizeof(seed), 35);
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 79, seed, sizeof(seed));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: I CONFREQ [REQsent] id 79 len 39"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: MRRU 1524 (0x110405F4)"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: EndpointDisc 1 Local"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: (0x13140172656D6F74653240636973636F)"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: (0x2E636F6D)"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: O CONFREJ [REQsent] id 79 len 28"));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFREJ);
	CU_ASSERT_EQUAL(r.last_len, 4 + 28);
	CU_ASSERT_EQUAL(memcmp(r.last + 8, seed + 11, 24), 0);
	/* Ack ours, then the peer's reduced request. */
	uint8_t ours[6] = { 5, 6 };
	uint32_t m = htonl(ppp_engine_magic(e));
	memcpy(ours + 2, &m, 4);
	raw_send(&r, PPP_LCP, PPP_CONFACK, 1, ours, 6);
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 80, seed, 11);
	CU_ASSERT_TRUE(has_line("Vi1 LCP: O CONFACK [ACKrcvd] id 80 len 15"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: State is Open"));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is AUTHENTICATING, by the peer"));
	/* remote2 challenges: the LNS answers as LNS with the secret from the bus. */
	uint8_t chal[64];
	static const uint8_t cv[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	ssize_t cl = chap_build_challenge(chal, sizeof(chal), 8, cv, 16,
					  "remote2@cisco.com", 17);
	uint8_t f[80] = { 0xFF, 0x03, 0xC2, 0x23 };
	memcpy(f + 4, chal, (size_t)cl);
	vpdn_link_send(r.link, VPDN_LINK_A, f, (size_t)cl + 4);
	vpdn_bus_run_pending(vpdn_core_bus(core)); /* the secret, next turn */
	CU_ASSERT_TRUE(has_line("Vi1 CHAP: I CHALLENGE id 8 len 38 from \"remote2@cisco.com\""));
	CU_ASSERT_TRUE(has_line("Vi1 CHAP: Using alternate hostname LNS"));
	CU_ASSERT_TRUE(has_line("Vi1 CHAP: O RESPONSE id 8 len 24 from \"LNS\""));
	CU_ASSERT_EQUAL(fx.secret_requests, 1);
	uint8_t expect[16];
	chap_md5_response(8, "lnspass", 7, cv, 16, expect);
	CU_ASSERT_EQUAL(memcmp(r.last + 4 + 5, expect, 16), 0);
	/* Never a challenge of our own on a callout. */
	CU_ASSERT_FALSE(has_match("Vi1 CHAP: O CHALLENGE*"));
	static const uint8_t succ[] = { 0xFF, 0x03, 0xC2, 0x23, 3, 8, 0, 4 };
	vpdn_link_send(r.link, VPDN_LINK_A, succ, sizeof(succ));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is UP"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: O CONFREQ [Closed] id 1 len 10"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: Address 18.18.18.2 (0x030612121202)"));
	/* IPCP before the network phase would have been dropped; now a
	 * protocol we do not know is Protocol-Rejected. */
	static const uint8_t ipx[] = { 0xFF, 0x03, 0x80, 0x2B, 1, 1, 0, 4 };
	vpdn_link_send(r.link, VPDN_LINK_A, ipx, sizeof(ipx));
	CU_ASSERT_EQUAL(r.last[4], PPP_PROTREJ);
	CU_ASSERT_EQUAL(r.last[8], 0x80);
	CU_ASSERT_EQUAL(r.last[9], 0x2B);
	/* Carrier drops: the engine goes, without hanging up back. */
	vpdn_link_hangup(r.link, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(r.hangups, 0);
	vpdn_link_unref(r.link);
}

/* Options: Nak up to Max-Failure, then Reject; unknown options Rejected;
 * bad lengths; IPCP before the network phase dropped. */
static void test_lcp_options(void)
{
	struct raw r = { 0 };
	reset_fx();
	r.link = vpdn_link_new("Se2");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	struct ppp_engine *e = start(r.link, "Se2", "Serial0:15", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(r.frames, 0);   /* passive: listening */
	CU_ASSERT_TRUE(has_line("Se2 LCP: State is Listen"));
	static const uint8_t magic0[] = { 5, 6, 0, 0, 0, 0 };
	for (int i = 0; i < 6; i++)
		raw_send(&r, PPP_LCP, PPP_CONFREQ, (uint8_t)(10 + i), magic0, 6);
	/* 1st: our CONFREQ + CONFNAK; then 4 more Naks; then a Reject. */
	int naks = 0, rejs = 0;
	for (int i = 0; i < r.frames && i < 64; i++) {
		naks += r.codes[i] == PPP_CONFNAK;
		rejs += r.codes[i] == PPP_CONFREJ;
	}
	CU_ASSERT_EQUAL(naks, 5);
	CU_ASSERT_EQUAL(rejs, 1);
	CU_ASSERT_EQUAL(count_match("Se2 LCP: O CONFNAK [*"), 5);
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFREJ);
	CU_ASSERT_EQUAL(memcmp(r.last + 8, magic0, 6), 0);
	/* Unknown option 99 and MRU with a bad length: both Rejected. */
	static const uint8_t odd[] = { 99, 3, 7, 1, 3, 5, 5, 6, 1, 2, 3, 4 };
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 30, odd, sizeof(odd));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFREJ);
	CU_ASSERT_EQUAL(r.last[7], 4 + 6);
	CU_ASSERT_EQUAL(memcmp(r.last + 8, odd, 6), 0);
	CU_ASSERT_TRUE(has_line("Se2 LCP: Option 99 (0x630307)"));
	/* Truncated and zero-length options: dropped, counted. */
	uint32_t before = ppp_engine_malformed(e);
	int frames = r.frames;
	static const uint8_t trunc[] = { 5, 6, 1, 2 };
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 31, trunc, sizeof(trunc));
	static const uint8_t zero[] = { 1, 0, 5, 0xDC };
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 32, zero, sizeof(zero));
	static const uint8_t tiny[] = { 0xFF, 0x03, 0xC0 };
	vpdn_link_send(r.link, VPDN_LINK_A, tiny, sizeof(tiny));
	CU_ASSERT_EQUAL(ppp_engine_malformed(e), before + 3);
	CU_ASSERT_EQUAL(r.frames, frames);
	/* IPCP before the network phase: silently dropped. */
	static const uint8_t addr[] = { 3, 6, 1, 2, 3, 4 };
	raw_send(&r, PPP_IPCP, PPP_CONFREQ, 1, addr, 6);
	CU_ASSERT_EQUAL(r.frames, frames);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(e)->state, FSM_INITIAL);
	/* An acceptable request (Ack sent) resets the Nak count; then a peer
	 * asking us for an unsupported auth protocol (MS-CHAP) gets a Nak
	 * with CHAP. */
	static const uint8_t good[] = { 5, 6, 1, 2, 3, 4 };
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 34, good, sizeof(good));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFACK);
	static const uint8_t mschap[] = { 3, 5, 0xC2, 0x23, 0x80, 5, 6, 9, 9, 9, 9 };
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 33, mschap, sizeof(mschap));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFNAK);
	static const uint8_t chap[] = { 3, 5, 0xC2, 0x23, 5 };
	CU_ASSERT_EQUAL(memcmp(r.last + 8, chap, 5), 0);
	ppp_engine_close(e, NULL);
	vpdn_timers_advance(vpdn_core_timers(core), 10000);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(r.hangups, 1);
	vpdn_link_unref(r.link);
}

/* ---- LAC forwarding and LNS proxy acceptance ---- */

struct captured {
	uint8_t init[256], sent[256], rcvd[256];
	size_t init_len, sent_len, rcvd_len;
	char user[64], domain[64], dnis[16];
	uint8_t chal[64], resp[64];
	size_t chal_len, resp_len;
	uint8_t id;
	uint16_t type;
	struct vpdn_request *req;
};
static struct captured cap;
static int fwd_mode;   /* 0 claim and keep, 1 refuse (-EHOSTUNREACH), 2 don't claim */

static enum vpdn_bus_verdict on_forward(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_forward *f = ev->payload;
	fx.forward_requests++;
	if (fwd_mode == 2)
		return VPDN_BUS_PASS;
	const struct vpdn_proxy *p = &f->proxy;
	memset(&cap, 0, sizeof(cap));
	memcpy(cap.init, p->init_rcvd_confreq, cap.init_len = p->init_rcvd_confreq_len);
	memcpy(cap.sent, p->last_sent_confreq, cap.sent_len = p->last_sent_confreq_len);
	memcpy(cap.rcvd, p->last_rcvd_confreq, cap.rcvd_len = p->last_rcvd_confreq_len);
	snprintf(cap.user, sizeof(cap.user), "%s", f->user);
	snprintf(cap.domain, sizeof(cap.domain), "%s", f->domain);
	snprintf(cap.dnis, sizeof(cap.dnis), "%s", f->dnis ? f->dnis : "");
	cap.chal_len = p->auth_challenge_len;
	cap.resp_len = p->auth_response_len;
	if (cap.chal_len)
		memcpy(cap.chal, p->auth_challenge, cap.chal_len);
	if (cap.resp_len)
		memcpy(cap.resp, p->auth_response, cap.resp_len);
	cap.id = p->auth_id;
	cap.type = p->auth_type;
	cap.req = vpdn_event_take_request(ev);
	if (fwd_mode == 1) {
		vpdn_request_complete(cap.req, -EHOSTUNREACH, NULL);
		cap.req = NULL;
	}
	return VPDN_BUS_CLAIM;
}

static struct vpdn_proxy proxy_from_cap(void)
{
	struct vpdn_proxy p = {
		.present = true,
		.init_rcvd_confreq = cap.init, .init_rcvd_confreq_len = cap.init_len,
		.last_sent_confreq = cap.sent, .last_sent_confreq_len = cap.sent_len,
		.last_rcvd_confreq = cap.rcvd, .last_rcvd_confreq_len = cap.rcvd_len,
		.auth_type = cap.type, .auth_name = cap.user,
		.auth_challenge = cap.chal, .auth_challenge_len = cap.chal_len,
		.has_auth_id = true, .auth_id = cap.id,
		.auth_response = cap.resp, .auth_response_len = cap.resp_len,
	};
	return p;
}

static enum vpdn_bus_verdict on_accept_reply_probe(const struct vpdn_event *ev, void *d)
{
	return VPDN_BUS_PASS;
}

static void accept_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	const struct vpdn_ev_session_accept *a = reply;
	fx.session_claimed = status == 0;
	if (a && a->interface)
		snprintf(fx.accept_if, sizeof(fx.accept_if), "%s", a->interface);
}

/* Run the client against the LAC until FORWARD_REQUEST; returns the wire
 * (client <-> Se0:17). */
static struct ppp_engine *lac_dial_in_on(struct wire *w, const char *client_conf,
					  const char *lac_conf)
{
	wire_init(w, "Se0:17", "BRI0");
	struct ppp_start st = {
		.link = w->link[0], .end = VPDN_LINK_B, .interface = "Se0:17",
		.role = VPDN_PPP_ROLE_LAC_FORWARD, .dir = VPDN_CALL_IN, .call_id = 0x11B,
		.calling = "6122", .called = "8211", .dnis = "211",
	};
	struct ppp_engine *lac = ppp_engine_start(mgr, ppp_manager_conf(mgr, lac_conf), &st);
	struct ppp_engine *cli = start(w->link[1], "BR0", client_conf, VPDN_PPP_ROLE_CLIENT,
				       VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL(lac);
	CU_ASSERT_PTR_NOT_NULL(cli);
	run(w, 30);
	return cli;
}

static struct ppp_engine *lac_dial_in(struct wire *w, const char *client_conf)
{
	return lac_dial_in_on(w, client_conf, "Serial0:15");
}

/* Fake L2TP between the LAC's session link and the LNS's. */
static void lns_session(struct wire *l2tp, struct ppp_engine **lns, const char *vt_num,
			int vt)
{
	struct vpdn_proxy p = proxy_from_cap();
	struct vpdn_ev_session s = {
		.size = sizeof(s), .tunnel_id = 11407, .session_id = 303,
		.dir = VPDN_CALL_IN, .group = "1", .peer_name = "LAC",
		.user = cap.user, .calling = "6122", .called = "211",
		.virtual_template = vt, .link = l2tp->link[1], .proxy = p,
	};
	struct vpdn_request *r = vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_SESSION_INCOMING,
						  &s, accept_done, NULL);
	CU_ASSERT_PTR_NOT_NULL(r); /* answered at once, delivered next turn */
	CU_ASSERT_FALSE(fx.session_claimed);
	vpdn_bus_run_pending(vpdn_core_bus(core));
	CU_ASSERT_TRUE(fx.session_claimed);
	*lns = ppp_manager_find(mgr, fx.accept_if);
	(void)vt_num;
}

static void test_lac_forward_lns_proxy(void)
{
	struct wire w, l2tp;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	reset_fx();
	fwd_mode = 0;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1");
	/* The LAC's log, as in the seed. */
	CU_ASSERT_TRUE(has_line("Se0:17 PPP: Treating connection as a callin"));
	CU_ASSERT_TRUE(has_line("Se0:17 PPP: Phase is ESTABLISHING, Passive Open"));
	CU_ASSERT_TRUE(has_line("Se0:17 LCP: State is Listen"));
	CU_ASSERT_TRUE(has_match("Se0:17 LCP: I CONFREQ [Listen] id * len 10"));
	CU_ASSERT_TRUE(has_match("Se0:17 LCP: O CONFREQ [Listen] id * len 15"));
	CU_ASSERT_TRUE(has_line("Se0:17 LCP: AuthProto CHAP (0x0305C22305)"));
	CU_ASSERT_TRUE(has_match("Se0:17 LCP: O CONFACK [Listen] id * len 10"));
	CU_ASSERT_TRUE(has_match("Se0:17 LCP: I CONFACK [ACKsent] id * len 15"));
	CU_ASSERT_TRUE(has_line("Se0:17 LCP: State is Open"));
	CU_ASSERT_TRUE(has_line("Se0:17 PPP: Phase is AUTHENTICATING, by this end"));
	CU_ASSERT_TRUE(has_line("Se0:17 CHAP: Using alternate hostname LAC"));
	CU_ASSERT_TRUE(has_match("Se0:17 CHAP: O CHALLENGE id * len 24 from \"LAC\""));
	CU_ASSERT_TRUE(has_match("Se0:17 CHAP: I RESPONSE id * len 38 from \"remote1@cisco.com\""));
	CU_ASSERT_TRUE(has_line("Se0:17 PPP: Phase is FORWARDING"));
	CU_ASSERT_TRUE(has_line("Se0:17 VPDN: Got DNIS string 211"));
	char magic_line[80];
	uint32_t cm = ppp_engine_magic(cli);
	snprintf(magic_line, sizeof(magic_line),
		 "Se0:17 LCP: MagicNumber 0x%08X (0x0506%08X)", cm, cm);
	CU_ASSERT_TRUE(has_line(magic_line));
	/* Not verified at the LAC. */
	CU_ASSERT_EQUAL(fx.auth_requests, 0);
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	CU_ASSERT_STRING_EQUAL(cap.user, "remote1@cisco.com");
	CU_ASSERT_STRING_EQUAL(cap.domain, "cisco.com");
	CU_ASSERT_STRING_EQUAL(cap.dnis, "211");
	CU_ASSERT_EQUAL(cap.type, 2);
	CU_ASSERT_EQUAL(cap.chal_len, 16);
	CU_ASSERT_EQUAL(cap.resp_len, 16);
	CU_ASSERT_EQUAL(cap.sent_len, 11);   /* AuthProto CHAP + MagicNumber */
	CU_ASSERT_EQUAL(cap.rcvd_len, 6);    /* the client's MagicNumber */
	CU_ASSERT_EQUAL(cap.init_len, 6);
	uint8_t want[16];
	chap_md5_response(cap.id, "cisco", 5, cap.chal, 16, want);
	CU_ASSERT_EQUAL(memcmp(want, cap.resp, 16), 0);

	/* L2TP: splice the B channel to the session, then tell the LAC. */
	wire_init(&l2tp, "Tnl/Cl 45029/291", "Tnl/Cl 11407/303");
	CU_ASSERT_EQUAL(vpdn_link_splice(w.link[0], l2tp.link[0]), 0);
	vpdn_request_complete(cap.req, 0, NULL);
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Se0:17"));
	CU_ASSERT_TRUE(has_line("Se0:17 VPDN: remote1@cisco.com is forwarded"));

	/* The LNS: Virtual-Access 1 from Virtual-Template1, proxy LCP taken. */
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, "1", 1);
	CU_ASSERT_STRING_EQUAL(fx.accept_if, "Vi1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	CU_ASSERT_TRUE(has_line("Vi1 VPDN: Clone from Vtemplate 1"));
	CU_ASSERT_TRUE(has_line("Vi1 VTEMPLATE: Clone from Virtual-Template1"));
	CU_ASSERT_TRUE(has_line("Vi1 VTEMPLATE: ********** CLONE VACCESS1 **************"));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is DOWN, Setup"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: I FORCED CONFREQ len 11"));
	CU_ASSERT_TRUE(has_line("Vi1 LCP: AuthProto CHAP (0x0305C22305)"));
	CU_ASSERT_TRUE(has_line("Vi1 VPDN: PPP LCP accepted rcv CONFACK"));
	CU_ASSERT_TRUE(has_line("Vi1 VPDN: PPP LCP accepted sent CONFACK"));
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is AUTHENTICATING, by this end"));
	/* The forwarded CHAP exchange verified, Success with the LAC's id. */
	char succ[80];
	CU_ASSERT_TRUE(has_line("Vi1 CHAP: Using alternate hostname LNS"));
	snprintf(succ, sizeof(succ), "Vi1 CHAP: I RESPONSE id %u len 38 from \"remote1@cisco.com\"",
		 cap.id);
	CU_ASSERT_TRUE(has_line(succ));
	snprintf(succ, sizeof(succ), "Vi1 CHAP: O SUCCESS id %u len 4", cap.id);
	CU_ASSERT_TRUE(has_line(succ));
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	/* No LCP renegotiation: not one CONFREQ from the LNS. */
	CU_ASSERT_EQUAL(ppp_engine_lcp_confreqs_sent(lns), 0);
	CU_ASSERT_FALSE(has_match("Vi1 LCP: O CONFREQ*"));
	/* Frames flow client <-> LNS through the splice. */
	for (int i = 0; i < 20; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_EQUAL(ppp_engine_phase(cli), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(lns)->state, FSM_OPENED);
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is UP"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: O CONFREQ [Not negotiated] id 1 len 10"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: Address 18.18.18.2 (0x030612121202)"));
	CU_ASSERT_TRUE(has_match("Vi1 IPCP: I CONFREQ [REQsent] id * len 10"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: Address 17.17.17.1 (0x030611111101)"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: State is Open"));
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: Install route to 17.17.17.1"));
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(lns), "remote1@cisco.com");
	/* The proxy authentication is spent: the user renegotiates LCP (a
	 * Configure-Request in Opened) and the LNS challenges it itself,
	 * with a challenge of its own, instead of taking the LAC's exchange
	 * again (before: a second "Using proxy authentication", no CHALLENGE). */
	static const uint8_t reneg[] = { 0xFF, 0x03, 0xC0, 0x21, 1, 0x55, 0, 10,
					 5, 6, 0x12, 0x34, 0x56, 0x78 };
	g_ptr_array_set_size(lines, 0);
	vpdn_link_send(l2tp.link[1], VPDN_LINK_A, reneg, sizeof(reneg));
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_FALSE(has_line("Vi1 VPDN: Using proxy authentication (CHAP)"));
	CU_ASSERT_TRUE(has_match("Vi1 CHAP: O CHALLENGE id * len * from \"LNS\""));
	CU_ASSERT_TRUE(has_match("Vi1 CHAP: O SUCCESS id * len 4"));
	CU_ASSERT_EQUAL(fx.auth_requests, 2);
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_PTR_NULL(lns->ap);    /* made again for that phase, gone after */
	/* Client hangs up; the LNS hears Terminate and frees Vi1. */
	ppp_engine_close(cli, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(ppp_manager_vaccess_take(mgr), 1);   /* Vi1 free again */
	ppp_manager_vaccess_put(mgr, 1);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* A LAC that sent the user its CHAP Success itself: the user's IPCP
 * Configure-Request reaches the LNS while it still verifies the proxy
 * authentication (an asynchronous authenticator: RADIUS). It is kept and
 * answered when the network phase starts, not dropped to wait for the
 * user's restart timer (before: no ConfAck for it). */
static void test_lns_proxy_early_ipcp(void)
{
	struct wire w, l2tp;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	static const uint8_t early[] = { 0xFF, 0x03, 0x80, 0x21, 1, 0x77, 0, 10,
					 3, 6, 17, 17, 17, 1 };
	static const uint8_t early_lcp_like[] = { 0xFF, 0x03, 0x80, 0x21, 2, 0x78, 0, 4 };

	reset_fx();
	fwd_mode = 0;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1");
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	wire_init(&l2tp, "Tnl/Cl 45029/291", "Tnl/Cl 11407/303");
	CU_ASSERT_EQUAL(vpdn_link_splice(w.link[0], l2tp.link[0]), 0);
	vpdn_request_complete(cap.req, 0, NULL);
	fx.async = true;
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, "1", 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.pending);
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_AUTHENTICATING);
	/* the user's IPCP, early (and a ConfAck, which is not kept) */
	vpdn_link_send(l2tp.link[1], VPDN_LINK_A, early, sizeof(early));
	vpdn_link_send(l2tp.link[1], VPDN_LINK_A, early_lcp_like, sizeof(early_lcp_like));
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_AUTHENTICATING);
	complete_pending_auth();
	fx.async = false;
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_line("Vi1 IPCP: the peer's early Configure-Request taken"));
	CU_ASSERT_TRUE(has_match("Vi1 IPCP: I CONFREQ [*] id 119 len 10"));
	CU_ASSERT_TRUE(has_match("Vi1 IPCP: O CONFACK [*] id 119 len 10"));
	for (int i = 0; i < 20; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_EQUAL(ppp_engine_ipcp(lns)->state, FSM_OPENED);
	ppp_engine_close(cli, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* The same with IPv6CP (issue #18): the user's early IPv6CP
 * Configure-Request is kept too and acked when the network phase starts
 * (before: dropped, IPv6CP up only after the user's restart timer). */
static void test_lns_proxy_early_ipv6cp(void)
{
	struct wire w, l2tp;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	static const uint8_t early[] = { 0xFF, 0x03, 0x80, 0x57, 1, 0x55, 0, 14,
					 1, 10, 0x02, 0x11, 0x22, 0xFF, 0xFE, 0x33, 0x44, 0x55 };

	reset_fx();
	fwd_mode = 0;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1");
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	wire_init(&l2tp, "Tnl/Cl 45029/291", "Tnl/Cl 11407/303");
	CU_ASSERT_EQUAL(vpdn_link_splice(w.link[0], l2tp.link[0]), 0);
	vpdn_request_complete(cap.req, 0, NULL);
	fx.async = true;
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, "5", 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ppp_engine_ipv6cp(lns));
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_AUTHENTICATING);
	vpdn_link_send(l2tp.link[1], VPDN_LINK_A, early, sizeof(early));
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_AUTHENTICATING);
	complete_pending_auth();
	fx.async = false;
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_line("Vi1 IPV6CP: the peer's early Configure-Request taken"));
	CU_ASSERT_TRUE(has_match("Vi1 IPV6CP: I CONFREQ [*] id 85 len 14"));
	CU_ASSERT_TRUE(has_match("Vi1 IPV6CP: O CONFACK [*] id 85 len 14"));
	ppp_engine_close(cli, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

static void no_orphan(void *ctx, struct vpdn_link *link)
{
	(*(int *)ctx)++;
}

/* Restart in place (#21, ppp-state.c): an LNS session (proxy LCP and
 * authentication, IPCP and IPv6CP Opened) saved, the manager freed as
 * the exec does, a fresh one restoring it on the link l2tp offers back:
 * the same Vi, magic numbers, MRUs, addresses, Interface-Ids and user,
 * nothing sent to the peer by the restore (no ConfReq, no CHAP, no
 * Terminate), NETWORK_UP published again, LCP echo answered; another
 * version refused. */
static void test_restart_round_trip(void)
{
	struct wire w, l2tp, l2tp2;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	uint8_t l6[8], p6[8], l6b[8], p6b[8];
	int orphans = 0;

	reset_fx();
	fwd_mode = 0;
	/* The user and the LAC in another manager: only the LNS restarts. */
	struct ppp_manager *lns_mgr = mgr, *peers = ppp_manager_new(core, cfg);
	mgr = peers;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1-v6");
	mgr = lns_mgr;
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	wire_init(&l2tp, "Tnl/Cl 45029/291", "Tnl/Cl 11407/303");
	CU_ASSERT_EQUAL(vpdn_link_splice(w.link[0], l2tp.link[0]), 0);
	vpdn_request_complete(cap.req, 0, NULL);
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, "5", 5);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	for (int i = 0; i < 60; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_EQUAL_FATAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_ipcp(lns)->state, FSM_OPENED);
	CU_ASSERT_EQUAL_FATAL(ppp_engine_ipv6cp(lns)->state, FSM_OPENED);
	CU_ASSERT_TRUE_FATAL(ppp_engine_ifids(lns, l6, p6));
	struct ppp_lcp before = lns->lcp;
	struct in_addr local = ppp_engine_local_addr(lns), peer = ppp_engine_peer_addr(lns);
	int auths = fx.auth_requests, ups = fx.network_up;
	CU_ASSERT_TRUE(peer.s_addr != 0);

	GVariant *st = g_variant_ref_sink(ppp_state_save(mgr));
	CU_ASSERT_EQUAL(g_variant_n_children(st), 1);
	char *text = g_variant_print(st, TRUE);
	CU_ASSERT_PTR_NULL(strstr(text, "lnspass")); /* no secret */
	g_free(text);

	/* The exec: the old manager goes without a word to the peer (its
	 * ppp_manager_free() is the stop path, also silent); l2tp rebuilds
	 * the session with a new link object. */
	unsigned sent_before = l2tp.frames[1];
	ppp_manager_free(mgr);
	CU_ASSERT_EQUAL(l2tp.frames[1], sent_before); /* no Terminate */
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_init(&l2tp2, "Tnl/Cl 45029/291", "Vi1");
	CU_ASSERT_EQUAL(vpdn_link_splice(w.link[0], l2tp2.link[0]), 0);
	mgr = ppp_manager_new(core, cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mgr);
	g_ptr_array_set_size(lines, 0);
	CU_ASSERT_EQUAL(ppp_state_restore(mgr, st, PPP_STATE_VERSION + 1), -EPROTO);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(vpdn_core_restored_link_offer(core, "l2tp/11407/303", l2tp2.link[1],
						      no_orphan, &orphans), 0);
	CU_ASSERT_EQUAL(ppp_state_restore(mgr, st, PPP_STATE_VERSION), 1);
	CU_ASSERT_EQUAL(vpdn_restart_orphan_links(core), 0);
	CU_ASSERT_EQUAL(orphans, 0);
	struct ppp_engine *r = ppp_manager_find(mgr, "Vi1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(r);
	/* by its number, and only under the number's own spelling */
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi01"));
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi1x"));
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi99999999999"));
	CU_ASSERT_EQUAL(ppp_engine_phase(r), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_lcp(r)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipcp(r)->state, FSM_OPENED);
	CU_ASSERT_EQUAL(ppp_engine_ipv6cp(r)->state, FSM_OPENED);
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(r), "remote1@cisco.com");
	CU_ASSERT_EQUAL(r->lcp.magic, before.magic);
	CU_ASSERT_EQUAL(r->lcp.peer_magic, before.peer_magic);
	CU_ASSERT_EQUAL(r->lcp.peer_mru, before.peer_mru);
	CU_ASSERT_EQUAL(r->lcp.mru, before.mru);
	CU_ASSERT_EQUAL(r->lcp.peer_accm, before.peer_accm);
	CU_ASSERT_EQUAL(r->lcp.auth, before.auth);
	CU_ASSERT_EQUAL(r->lcp.peer_pfc, before.peer_pfc);
	CU_ASSERT_EQUAL(r->lcp.peer_acfc, before.peer_acfc);
	CU_ASSERT_EQUAL(ppp_engine_local_addr(r).s_addr, local.s_addr);
	CU_ASSERT_EQUAL(ppp_engine_peer_addr(r).s_addr, peer.s_addr);
	CU_ASSERT_TRUE(ppp_engine_ifids(r, l6b, p6b));
	CU_ASSERT_EQUAL(memcmp(l6, l6b, 8), 0);
	CU_ASSERT_EQUAL(memcmp(p6, p6b, 8), 0);
	CU_ASSERT_EQUAL(fx.network_up, ups + 1);
	CU_ASSERT_STRING_EQUAL(fx.net_if[ups % 4], "Vi1");
	CU_ASSERT_EQUAL(fx.peer[ups % 4].s_addr, peer.s_addr);
	CU_ASSERT_EQUAL(l2tp2.frames[1], 0);          /* restore sent nothing */
	CU_ASSERT_EQUAL(ppp_manager_vaccess_take(mgr), 2); /* Vi1 is in use */
	ppp_manager_vaccess_put(mgr, 2);
	/* Keepalive goes on and the user answers: nobody renegotiates. */
	for (int i = 0; i < 150; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp2);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_TRUE(l2tp2.frames[1] > 0);          /* echo requests */
	CU_ASSERT_TRUE(has_match("Vi1 LCP: I ECHOREP [Open] id 0 *")); /* answered */
	CU_ASSERT_TRUE(r->lcp.echo_outstanding <= 1);
	CU_ASSERT_EQUAL(ppp_engine_phase(r), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(cli), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_lcp_confreqs_sent(r), 0);
	CU_ASSERT_EQUAL(fx.auth_requests, auths);       /* no re-authentication */
	CU_ASSERT_FALSE(has_match("Vi1 LCP: O TERMREQ*"));
	CU_ASSERT_FALSE(has_match("Vi1 CHAP: *"));
	/* A link nobody offered: the engine is dropped, counted lost. */
	struct ppp_manager *m2 = ppp_manager_new(core, cfg);
	CU_ASSERT_EQUAL(ppp_state_restore(m2, st, PPP_STATE_VERSION), 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(m2), 0);
	ppp_manager_free(m2);
	g_variant_unref(st);

	ppp_engine_close(cli, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp2);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	ppp_manager_free(peers);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp2);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* The LNS renegotiates when the template wants it (or proxy LCP is
 * unacceptable), then authenticates locally. */
static void lns_renegotiates(int vt, const char *auth_line, bool reneg)
{
	struct wire w, l2tp;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	reset_fx();
	fwd_mode = 0;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1");
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	wire_init(&l2tp, "lac-session", "lns-session");
	vpdn_link_splice(w.link[0], l2tp.link[0]);
	vpdn_request_complete(cap.req, 0, NULL);
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, NULL, vt);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	if (reneg) {
		CU_ASSERT_TRUE(has_match("Vi1 VPDN: *renegotiat*"));
		CU_ASSERT_TRUE(ppp_engine_lcp_confreqs_sent(lns) > 0);
	} else {
		CU_ASSERT_TRUE(has_line("Vi1 VPDN: PPP LCP accepted rcv CONFACK"));
		CU_ASSERT_EQUAL(ppp_engine_lcp_confreqs_sent(lns), 0);
	}
	for (int i = 0; i < 60; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(cli), VPDN_PPP_PHASE_UP);
	CU_ASSERT_TRUE(has_match(auth_line));
	/* The client's LCP went down and up again before its network phase
	 * (seen with pppd as LNS, interop scenario 2): its IPCP, never up,
	 * gets no Down event (RFC 1661 4.1: illegal in Initial/Starting). */
	CU_ASSERT_FALSE(has_match("*illegal event*"));
	ppp_engine_close(lns, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

static void test_lns_renegotiation_always(void)
{
	/* Virtual-Template2: lcp-renegotiation = "always"; CHAP re-run. */
	lns_renegotiates(2, "Vi1 CHAP: O CHALLENGE id * len 24 from \"LNS\"", true);
}

static void test_lns_renegotiation_mismatch(void)
{
	/* Virtual-Template3 requires PAP; the LAC negotiated CHAP. */
	lns_renegotiates(3, "Vi1 PAP: I AUTH-REQ id * from \"remote1@cisco.com\"", true);
}

static void test_lns_force_local_chap(void)
{
	/* Virtual-Template4: proxy LCP taken, but CHAP is run again. */
	lns_renegotiates(4, "Vi1 CHAP: I RESPONSE id * len 38 from \"remote1@cisco.com\"", false);
	CU_ASSERT_TRUE(has_match("Vi1 CHAP: O CHALLENGE id * len 24 from \"LNS\""));
	CU_ASSERT_FALSE(has_match("*Using proxy authentication*"));
}

/* PAP: the LAC captures the Authenticate-Request, the LNS verifies it
 * (proxy authen type 3) and Acks with the client's id. */
static void test_lac_forward_pap(void)
{
	struct wire w, l2tp;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	reset_fx();
	fwd_mode = 0;
	struct ppp_engine *cli = lac_dial_in_on(&w, "remote1-pap", "Serial1:15");
	CU_ASSERT_EQUAL_FATAL(fx.forward_requests, 1);
	CU_ASSERT_EQUAL(fx.auth_requests, 0);
	CU_ASSERT_EQUAL(cap.type, 3);
	CU_ASSERT_STRING_EQUAL(cap.user, "remote1@cisco.com");
	CU_ASSERT_EQUAL(cap.resp_len, 5);
	CU_ASSERT_EQUAL(memcmp(cap.resp, "cisco", 5), 0);
	CU_ASSERT_EQUAL(cap.chal_len, 0);
	CU_ASSERT_TRUE(has_line("Se0:17 LCP: AuthProto PAP (0x0304C023)"));
	wire_init(&l2tp, "lac-session", "lns-session");
	vpdn_link_splice(w.link[0], l2tp.link[0]);
	vpdn_request_complete(cap.req, 0, NULL);
	struct ppp_engine *lns = NULL;
	lns_session(&l2tp, &lns, NULL, 3);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	CU_ASSERT_TRUE(has_line("Vi1 VPDN: PPP LCP accepted rcv CONFACK"));
	char ack[64];
	snprintf(ack, sizeof(ack), "Vi1 PAP: O AUTH-ACK id %u len 5", cap.id);
	CU_ASSERT_TRUE(has_line(ack));
	for (int i = 0; i < 30; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 100);
	}
	CU_ASSERT_EQUAL(ppp_engine_lcp_confreqs_sent(lns), 0);
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(cli), VPDN_PPP_PHASE_UP);
	ppp_engine_close(lns, NULL);
	for (int i = 0; i < 40; i++) {
		int n = wire_pump(&w) + wire_pump(&l2tp);
		if (!n)
			vpdn_timers_advance(vpdn_core_timers(core), 500);
	}
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unsplice(w.link[0]);
	wire_fini(&l2tp);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

static void test_lac_forward_refused_and_unclaimed(void)
{
	struct wire w;
	struct vpdn_subscription *sub = vpdn_bus_subscribe(vpdn_core_bus(core),
		VPDN_EV_FORWARD_REQUEST, on_forward, NULL);
	/* Refused: CHAP Failure, LCP terminate, carrier hung up. */
	reset_fx();
	fwd_mode = 1;
	lac_dial_in(&w, "remote1");
	run(&w, 40);
	CU_ASSERT_EQUAL(fx.forward_requests, 1);
	CU_ASSERT_TRUE(has_match("Se0:17 CHAP: O FAILURE id * msg is \"Authentication failed\""));
	CU_ASSERT_TRUE(has_match("Se0:17 LCP: O TERMREQ*"));
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	CU_ASSERT_EQUAL(w.end[0].hangups, 1);
	wire_fini(&w);
	/* Nobody claims: authenticate locally, as a server would. */
	reset_fx();
	fwd_mode = 2;
	struct ppp_engine *cli = lac_dial_in(&w, "remote1");
	run(&w, 40);
	CU_ASSERT_EQUAL(fx.forward_requests, 1);
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	CU_ASSERT_EQUAL(ppp_engine_phase(cli), VPDN_PPP_PHASE_UP);
	struct ppp_engine *lac = ppp_manager_find(mgr, "Se0:17");
	CU_ASSERT_PTR_NOT_NULL_FATAL(lac);
	CU_ASSERT_EQUAL(ppp_engine_phase(lac), VPDN_PPP_PHASE_UP);
	ppp_engine_close(lac, NULL);
	run(&w, 40);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
}

/* The carrier drops while AUTH_REQUEST is pending: the request is
 * cancelled and the late answer is harmless. */
static void test_link_gone_during_auth(void)
{
	struct wire w;
	reset_fx();
	fx.async = true;
	wire_init(&w, "Vi9", "BRI0");
	struct ppp_engine *s = start(w.link[0], "Vi9", "Virtual-Template1",
				     VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	start(w.link[1], "BR0", "remote1", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	run(&w, 30);
	CU_ASSERT_EQUAL(fx.auth_requests, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(fx.pending);
	CU_ASSERT_EQUAL(ppp_engine_phase(s), VPDN_PPP_PHASE_AUTHENTICATING);
	vpdn_link_hangup(w.link[0], VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi9"));
	CU_ASSERT_TRUE(vpdn_request_cancelled(fx.pending));
	complete_pending_auth();   /* dropped by the bus */
	fx.async = false;
	vpdn_link_hangup(w.link[1], VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

/* Lifetime: an engine that dies inside a call (here the carrier's
 * hang-up, whose PPP_DOWN handler closes it again) is out of the manager
 * at once, still readable, marked dead, by the code up the stack, and
 * freed on the next turn, once (ASan: no use after free, no leak). */
static struct ppp_engine *down_victim;
static int down_seen;

static enum vpdn_bus_verdict close_on_down(const struct vpdn_event *ev, void *data)
{
	if (down_victim) {
		down_seen++;
		CU_ASSERT_TRUE(down_victim->dead);
		ppp_engine_close(down_victim, "again, from PPP_DOWN"); /* a no-op */
	}
	return VPDN_BUS_PASS;
}

static void test_engine_freed_next_turn(void)
{
	struct wire w;
	reset_fx();
	wire_init(&w, "Vi8", "BRI0");
	struct ppp_engine *s = start(w.link[0], "Vi8", "Virtual-Template1",
				     VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	size_t before = ppp_manager_engine_count(mgr);
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_PPP_DOWN, close_on_down, NULL);
	down_victim = s;
	down_seen = 0;
	vpdn_link_hangup(w.link[0], VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_EQUAL(down_seen, 1);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), before - 1);
	CU_ASSERT_PTR_NULL(ppp_manager_find(mgr, "Vi8"));
	CU_ASSERT_TRUE(s->dead);              /* still allocated after the hang-up */
	down_victim = NULL;
	vpdn_bus_run_pending(vpdn_core_bus(core)); /* the next turn frees it */
	CU_ASSERT_EQUAL(vpdn_bus_run_deferred(vpdn_core_bus(core)), 0);
	vpdn_bus_unsubscribe(vpdn_core_bus(core), sub);
	wire_fini(&w);
}

/* PPP_START on the bus (dialer profiles, clients): claimed, Vi cloned. */
static void test_ppp_start_event(void)
{
	struct raw r = { 0 };
	reset_fx();
	r.link = vpdn_link_new("x");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	struct vpdn_ev_ppp_start ps = {
		.size = sizeof(ps), .link = r.link, .interface = NULL, .config = "Dialer2",
		.role = VPDN_PPP_ROLE_SERVER, .dir = VPDN_CALL_OUT,
	};
	int claimed = vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps);
	CU_ASSERT_EQUAL(claimed, 1);
	struct ppp_engine *e = ppp_manager_find(mgr, "Vi1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->profile, "Dialer2");
	CU_ASSERT_TRUE(has_line("Vi1 PPP: No remote authentication for call-out"));
	CU_ASSERT_EQUAL(r.frames, 1);
	vpdn_link_hangup(r.link, VPDN_LINK_A, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unref(r.link);
	/* the profile named by its IOS short form is a dialer profile too */
	r = (struct raw){ 0 };
	r.link = vpdn_link_new("y");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	ps.link = r.link;
	ps.config = "Di2";
	CU_ASSERT_EQUAL(vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps), 1);
	e = ppp_manager_find(mgr, "Vi1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_STRING_EQUAL(e->profile, "Di2");
	CU_ASSERT_STRING_EQUAL(e->conf->name, "Dialer2");
	vpdn_link_hangup(r.link, VPDN_LINK_A, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unref(r.link);
	(void)on_accept_reply_probe;
}

/* RFC 4638 / issue #17: a PPPoE session's payload (PPP_START.mru, from
 * the call) caps the MRU we propose and the peer's MRU we send to; an
 * old-sized event (no mru field) leaves the config's MRU alone. */
static void test_carrier_mru(void)
{
	static const uint8_t mru1500[] = { 1, 4, 0x05, 0xDC };
	struct raw r = { 0 };
	reset_fx();
	r.link = vpdn_link_new("PPPoE1");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	struct vpdn_ev_ppp_start ps = {
		.size = sizeof(ps), .link = r.link, .interface = "PPPoE1", .config = "Dialer2",
		.role = VPDN_PPP_ROLE_SERVER, .dir = VPDN_CALL_OUT, .mru = 1492,
	};
	CU_ASSERT_EQUAL(vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps), 1);
	struct ppp_engine *e = ppp_manager_find(mgr, "PPPoE1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(r.frames, 1);
	/* Our Configure-Request: MRU 1492 first (the config says 1500). */
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFREQ);
	CU_ASSERT_EQUAL(r.last[8], 1);
	CU_ASSERT_EQUAL(r.last[9], 4);
	CU_ASSERT_EQUAL((r.last[10] << 8) | r.last[11], 1492);
	CU_ASSERT_EQUAL(e->lcp.peer_mru, 1492); /* before LCP: the carrier's */
	/* The peer takes 1500: acked, but we send at most 1492. */
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 7, mru1500, sizeof(mru1500));
	CU_ASSERT_EQUAL(r.last[4], PPP_CONFACK);
	CU_ASSERT_EQUAL(e->lcp.peer_mru, 1492);
	vpdn_link_hangup(r.link, VPDN_LINK_A, 0);
	vpdn_link_unref(r.link);

	/* PPP-Max-Payload granted 1500: no MRU option (1500 is the default). */
	r = (struct raw){ 0 };
	r.link = vpdn_link_new("PPPoE2");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	ps.link = r.link;
	ps.interface = "PPPoE2";
	ps.mru = 1500;
	CU_ASSERT_EQUAL(vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps), 1);
	e = ppp_manager_find(mgr, "PPPoE2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL_FATAL(r.frames, 1);
	CU_ASSERT_NOT_EQUAL(r.last[8], 1);
	raw_send(&r, PPP_LCP, PPP_CONFREQ, 7, mru1500, sizeof(mru1500));
	CU_ASSERT_EQUAL(e->lcp.peer_mru, 1500);
	vpdn_link_hangup(r.link, VPDN_LINK_A, 0);
	vpdn_link_unref(r.link);

	/* An event of the old size: no carrier limit read. */
	r = (struct raw){ 0 };
	r.link = vpdn_link_new("PPPoE3");
	vpdn_link_attach(r.link, VPDN_LINK_A, &raw_ops, &r);
	ps.link = r.link;
	ps.interface = "PPPoE3";
	ps.mru = 1492;
	ps.size = offsetof(struct vpdn_ev_ppp_start, mru);
	CU_ASSERT_EQUAL(vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps), 1);
	e = ppp_manager_find(mgr, "PPPoE3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_NOT_EQUAL(r.last[8], 1);
	vpdn_link_hangup(r.link, VPDN_LINK_A, 0);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	vpdn_link_unref(r.link);
}

static void test_short_names_and_config(void)
{
	char b[16];
	vpdn_ifname_short("Virtual-Access2", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "Vi2");
	vpdn_ifname_short("Serial0:17", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "Se0:17");
	vpdn_ifname_short("Dialer2", b, sizeof(b));
	CU_ASSERT_STRING_EQUAL(b, "Di2");
	struct ppp_conf *c = ppp_manager_conf(mgr, "virtual-template 1");
	CU_ASSERT_STRING_EQUAL(c->name, "Virtual-Template1");
	CU_ASSERT_EQUAL(c->local.s_addr, inet_addr("18.18.18.2"));
	CU_ASSERT_EQUAL(c->n_auth, 1);
	CU_ASSERT_EQUAL(c->auth[0], PPP_AUTH_P_CHAP);
	CU_ASSERT_STRING_EQUAL(c->chap_hostname, "LNS");
	c = ppp_manager_conf(mgr, "Dialer2");
	CU_ASSERT_TRUE(c->callin);
	/* IOS short names find the same settings (vpdn_ifname_key) */
	CU_ASSERT_STRING_EQUAL(ppp_manager_conf(mgr, "Di2")->name, "Dialer2");
	CU_ASSERT_STRING_EQUAL(ppp_manager_conf(mgr, "Vt1")->name, "Virtual-Template1");
	CU_ASSERT_STRING_EQUAL(ppp_manager_conf(mgr, "Lo0")->name, "Loopback0");
	CU_ASSERT_STRING_EQUAL(ppp_manager_conf(mgr, "Dialer20")->name, "default");
	c = ppp_manager_conf(mgr, "no-such-interface");
	CU_ASSERT_STRING_EQUAL(c->name, "default");
	CU_ASSERT_EQUAL(c->restart_ms, 3000);
	CU_ASSERT_EQUAL(c->max_configure, 10);
	CU_ASSERT_EQUAL(c->max_failure, 5);
	CU_ASSERT_EQUAL(c->max_terminate, 2);
	/* bad values are refused */
	static const char *bad[] = {
		"interface \"X\" { ppp-authentication = {\"ms-chap\"} }",
		"interface \"X\" { ppp-lcp-renegotiation = \"sometimes\" }",
		"interface \"X\" { ppp-peer-pool = \"10.0.0.9 10.0.0.1\" }",
		"interface \"X\" { ppp-mru = 10 }",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		cfg_t *t = ppp_cfg_init();
		CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(t, bad[i]), CFG_SUCCESS);
		struct ppp_conf *x = ppp_conf_new("X");
		CU_ASSERT_EQUAL(ppp_conf_load(x, t, cfg_getnsec(t, "interface", 0)), -EINVAL);
		ppp_conf_unref(x);
		cfg_free(t);
	}
}

/* Dial-out as the LNS does it: the dialer starts PPP on Dialer2 against
 * remote2; the route line names the profile (Di2). Then a reload changes
 * the template for new engines only. */
static void test_dialer_profile_and_reload(void)
{
	struct wire w;
	reset_fx();
	wire_init(&w, "dialer-session", "BRI0");
	struct vpdn_ev_ppp_start ps = {
		.size = sizeof(ps), .link = w.link[0], .interface = NULL, .config = "Dialer2",
		.role = VPDN_PPP_ROLE_SERVER, .dir = VPDN_CALL_OUT,
	};
	CU_ASSERT_EQUAL(vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_START, &ps), 1);
	struct ppp_engine *lns = ppp_manager_find(mgr, "Vi1");
	struct ppp_engine *r2 = start(w.link[1], "BR0", "remote2", VPDN_PPP_ROLE_SERVER,
				      VPDN_CALL_IN);
	CU_ASSERT_PTR_NOT_NULL_FATAL(lns);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r2);
	run(&w, 60);
	CU_ASSERT_EQUAL(ppp_engine_phase(lns), VPDN_PPP_PHASE_UP);
	CU_ASSERT_EQUAL(ppp_engine_phase(r2), VPDN_PPP_PHASE_UP);
	CU_ASSERT_STRING_EQUAL(ppp_engine_user(r2), "LNS");
	CU_ASSERT_TRUE(has_line("Vi1 PPP: Phase is AUTHENTICATING, by the peer"));
	CU_ASSERT_TRUE(has_line("Di2 IPCP: Install route to 17.17.17.2"));
	CU_ASSERT_EQUAL(fx.network_up, 2);
	bool found = false;
	for (int i = 0; i < 2; i++)
		found |= !strcmp(fx.net_if[i], "Vi1") &&
			 fx.peer[i].s_addr == inet_addr("17.17.17.2") &&
			 fx.local[i].s_addr == inet_addr("18.18.18.2");
	CU_ASSERT_TRUE(found);

	/* Reload: a new hostname for Dialer2; the running engine keeps its own. */
	cfg_t *n = ppp_cfg_init();
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(n, "interface \"Dialer2\" { ppp-chap-hostname = \"LNS2\" }"),
			      CFG_SUCCESS);
	struct ppp_conf *old = lns->conf;
	CU_ASSERT_EQUAL(ppp_manager_reload(mgr, n), 0);
	CU_ASSERT_STRING_EQUAL(ppp_manager_conf(mgr, "Dialer2")->chap_hostname, "LNS2");
	CU_ASSERT_PTR_EQUAL(lns->conf, old);
	CU_ASSERT_STRING_EQUAL(lns->conf->chap_hostname, "LNS");
	ppp_engine_close(lns, NULL);
	run(&w, 100);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	/* back to the test config */
	CU_ASSERT_EQUAL(ppp_manager_reload(mgr, cfg), 0);
	cfg_free(n);
	wire_fini(&w);
}

/* Virtual-Access numbers: the lowest free one is reused; put is idempotent;
 * many numbers come back in ascending order whatever order they were freed. */
/* The IP side refuses the network (its route, another owner's address):
 * no "Install route" line, the session ends with that cause. */
static void test_ip_side_refuses_network(void)
{
	struct wire w;
	struct ppp_engine *s, *c;
	reset_fx();
	refuse_network = -EEXIST;
	wire_init(&w, "Vi9", "BRI0");
	s = start(w.link[0], "Vi9", "Virtual-Template1", VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN);
	c = start(w.link[1], "BR0", "remote1", VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT);
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	run(&w, 80);
	refuse_network = 0;
	CU_ASSERT_TRUE(fx.network_up >= 1);
	CU_ASSERT_FALSE(has_match("Vi9 IPCP: Install route to *"));
	CU_ASSERT_TRUE(has_match("Vi9 PPP: closing: the IP layer ended the network: File exists"));
	run(&w, 200);
	CU_ASSERT_EQUAL(ppp_manager_engine_count(mgr), 0);
	wire_fini(&w);
}

static void test_vaccess_numbering(void)
{
	int x[5], many[1000];

	for (int i = 0; i < 5; i++) {
		x[i] = ppp_manager_vaccess_take(mgr);
		CU_ASSERT_TRUE(x[i] > 0);
		if (i)
			CU_ASSERT_TRUE(x[i] > x[i - 1]);
	}
	ppp_manager_vaccess_put(mgr, x[3]);
	ppp_manager_vaccess_put(mgr, x[1]);
	ppp_manager_vaccess_put(mgr, x[1]); /* twice: no duplicate */
	ppp_manager_vaccess_put(mgr, 0);    /* never taken: ignored */
	CU_ASSERT_EQUAL(ppp_manager_vaccess_take(mgr), x[1]);
	CU_ASSERT_EQUAL(ppp_manager_vaccess_take(mgr), x[3]);
	int y = ppp_manager_vaccess_take(mgr);
	CU_ASSERT_TRUE(y > x[4]);
	CU_ASSERT_NOT_EQUAL(y, x[1]);
	for (int i = 0; i < 1000; i++)
		many[i] = ppp_manager_vaccess_take(mgr);
	for (int i = 0; i < 1000; i++) /* a scrambled order (7 is prime to 1000) */
		ppp_manager_vaccess_put(mgr, many[(i * 7) % 1000]);
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_EQUAL(ppp_manager_vaccess_take(mgr), many[i]);
	for (int i = 0; i < 1000; i++)
		ppp_manager_vaccess_put(mgr, many[i]);
	ppp_manager_vaccess_put(mgr, y);
	for (int i = 0; i < 5; i++)
		ppp_manager_vaccess_put(mgr, x[i]);
}

static const struct vpdn_test_case engine_tests[] = {
	{ "dialer profile dial-out; reload", test_dialer_profile_and_reload },
	{ "CHAP client vs server, IPCP, data, close", test_chap_client_server },
	{ "PAP client vs server", test_pap_client_server },
	{ "ppp packet: control packets both ways, no secret", test_ppp_packet_lines },
	{ "ppp packet: malformed packets bounded", test_ppp_packet_text },
	{ "wrong password: Failure, link closed", test_wrong_password },
	{ "IPCP pool and DNS", test_ipcp_pool_and_dns },
	{ "named pools and Framed-Pool", test_named_pools },
	{ "the IP side refuses the network", test_ip_side_refuses_network },
	{ "magic-number loop detection", test_magic_loop },
	{ "echo keepalive failure", test_echo_failure },
	{ "callout: no remote auth, answer the challenge, seed CONFREQ",
	  test_callout_seed_confreq },
	{ "LCP options: Max-Failure, unknown, malformed", test_lcp_options },
	{ "LAC forwarding into LNS proxy LCP (no renegotiation)", test_lac_forward_lns_proxy },
	{ "LNS proxy authentication: an early IPCP ConfReq kept", test_lns_proxy_early_ipcp },
	{ "LNS proxy authentication: an early IPv6CP ConfReq kept",
	  test_lns_proxy_early_ipv6cp },
	{ "LNS renegotiates: lcp-renegotiation always", test_lns_renegotiation_always },
	{ "LNS renegotiates: proxy LCP mismatch", test_lns_renegotiation_mismatch },
	{ "LNS force-local-chap re-challenges", test_lns_force_local_chap },
	{ "LAC forward refused / unclaimed", test_lac_forward_refused_and_unclaimed },
	{ "engine dead in a hang-up: readable, freed next turn", test_engine_freed_next_turn },
	{ "LAC forwarding PAP into LNS proxy authentication", test_lac_forward_pap },
	{ "link gone while AUTH_REQUEST pending", test_link_gone_during_auth },
	{ "the authenticator's text reaches the peer", test_peer_message },
	{ "the authorization's routes go with NETWORK_UP", test_routes_to_network_up },
	{ "PPP_START claimed, Virtual-Access cloned", test_ppp_start_event },
	{ "RFC 4638: the carrier's MRU caps LCP's (PPP_START.mru)", test_carrier_mru },
	{ "short names and config", test_short_names_and_config },
	{ "Virtual-Access numbering: lowest free, O(log n)", test_vaccess_numbering },
	{ "restart in place: an LNS session saved and restored Opened",
	  test_restart_round_trip },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ppp-engine", engine_tests, setup, teardown },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
