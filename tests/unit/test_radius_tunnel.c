/* SPDX-License-Identifier: MIT */
/*
 * modules/auth-radius/tunnel.c: RFC 2868 Tunnel-* sets of an
 * Access-Accept into TUNNEL_AUTHORIZE endpoints: tags, preference order,
 * the salt-encrypted Tunnel-Password decrypted, and hostile answers
 * (endpoint not an address, no Tunnel-Type, attribute twice, a password
 * that does not decrypt, 31 tags) refused or bounded; and the module
 * answering VPDN_EV_TUNNEL_AUTHORIZE against a fake server on 127.0.0.1
 * (the Access-Request it sends, the counter and log line of a refused
 * set, Reject, an Accept without Tunnel-*, no secret logged); LAC-side
 * and tunnel accounting, their records across a restart in place.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/bus.h>
#include <vpdnd/core.h>
#include <vpdnd/events.h>
#include <vpdnd/log.h>
#include <vpdnd/timer.h>

#include "acct.h"
#include "auth-radius.h"
#include "tunnel.h"
#include "vpdn_test.h"

#define SECRET "s3cret"

static const uint8_t req_auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static struct radius_pkt P;

static void start(void)
{
	radius_pkt_init(&P, RADIUS_ACCESS_ACCEPT, 7, req_auth);
}

static void add_set(uint8_t tag, uint32_t type, const char *endpoint, int pref, const char *pw)
{
	if (type)
		CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, tag, type), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_MEDIUM_TYPE, tag, 1), 0);
	if (endpoint)
		CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, tag, endpoint,
						  strlen(endpoint)), 0);
	if (pref >= 0)
		CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_PREFERENCE, tag,
						      (uint32_t)pref), 0);
	if (pw)
		CU_ASSERT_EQUAL(radius_add_tunnel_password(&P, tag, (uint8_t[]){ 0x80 | tag, tag },
							   pw, strlen(pw), req_auth, SECRET,
							   strlen(SECRET)), 0);
}

static int parse(struct radius_tunnels *t, const char *secret)
{
	struct radius_view v;

	CU_ASSERT_EQUAL_FATAL(radius_finish_response(&P, req_auth, SECRET, strlen(SECRET)), 0);
	CU_ASSERT_EQUAL_FATAL(radius_parse(P.buf, P.len, &v), 0);
	return radius_tunnels_parse(&v, req_auth, (const uint8_t *)secret, strlen(secret), t);
}

static void test_two_tags_by_preference(void)
{
	struct radius_tunnels t;

	start();
	/* tag 1 less preferred than tag 2, given first */
	add_set(1, 3, "18.18.18.99", 20, "l2tptunnel");
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_ASSIGNMENT_ID, 1, "pool", 4), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_CLIENT_AUTH_ID, 1, "LAC", 3), 0);
	add_set(2, 3, "18.18.18.2", 10, "l2tptunnel");
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_AUTH_ID, 2, "LNS", 3), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 2);
	CU_ASSERT_EQUAL(t.seen, 2);
	CU_ASSERT_EQUAL(t.refused, 0);
	CU_ASSERT_EQUAL(t.ep[0].tag, 2);
	CU_ASSERT_STRING_EQUAL(t.ep[0].text, "18.18.18.2");
	CU_ASSERT_EQUAL(t.ep[0].preference, 10);
	CU_ASSERT_EQUAL(t.ep[0].addr.ss_family, AF_INET);
	CU_ASSERT_STRING_EQUAL(t.ep[0].server_auth_id, "LNS");
	CU_ASSERT_PTR_NULL(t.ep[0].client_auth_id);
	CU_ASSERT_EQUAL(t.ep[1].tag, 1);
	CU_ASSERT_EQUAL(t.ep[1].preference, 20);
	CU_ASSERT_STRING_EQUAL(t.ep[1].assignment_id, "pool");
	CU_ASSERT_STRING_EQUAL(t.ep[1].client_auth_id, "LAC");
	/* the salt-encrypted password, decrypted */
	CU_ASSERT_STRING_EQUAL(t.ep[0].password, "l2tptunnel");
	CU_ASSERT_STRING_EQUAL(t.ep[1].password, "l2tptunnel");
	radius_tunnels_clear(&t);
	CU_ASSERT_EQUAL(t.password[0][0], 0);
}

static void test_untagged_and_ipv6(void)
{
	struct radius_tunnels t;

	start();
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 0, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_MEDIUM_TYPE, 0, 2), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 0, "2001:db8::2", 11), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 1);
	CU_ASSERT_EQUAL(t.ep[0].tag, 0);
	CU_ASSERT_EQUAL(t.ep[0].addr.ss_family, AF_INET6);
	CU_ASSERT_PTR_NULL(t.ep[0].password);
	/* no Tunnel-* at all: nothing seen, nothing refused */
	start();
	CU_ASSERT_EQUAL(radius_add_str(&P, RADIUS_REPLY_MESSAGE, "hello"), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 0);
	CU_ASSERT_EQUAL(t.seen, 0);
	CU_ASSERT_EQUAL(t.refused, 0);
}

static void test_hostile_sets_refused(void)
{
	struct radius_tunnels t;

	start();
	add_set(1, 3, "lns.example.com", 1, NULL);         /* a name: no lookups */
	add_set(2, 0, "18.18.18.2", 1, NULL);              /* no Tunnel-Type */
	add_set(3, 1, "18.18.18.3", 1, NULL);              /* PPTP, not L2TP */
	add_set(4, 3, NULL, 1, NULL);                      /* no endpoint */
	add_set(5, 3, "18.18.18.5", 1, NULL);              /* endpoint twice */
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 5, "18.18.18.6", 10), 0);
	add_set(6, 3, "18.18.18.7\0x", 1, NULL);           /* (strlen stops at NUL) */
	add_set(7, 3, "18.18.18.8", 5, NULL);              /* the one good set */
	CU_ASSERT_EQUAL(parse(&t, SECRET), 2);
	CU_ASSERT_EQUAL(t.seen, 7);
	CU_ASSERT_EQUAL(t.refused, 5);
	CU_ASSERT_STRING_EQUAL(t.why, "tag 1: Tunnel-Server-Endpoint is not an address");
	CU_ASSERT_EQUAL(t.ep[0].tag, 6);
	CU_ASSERT_EQUAL(t.ep[1].tag, 7);
	/* an endpoint with a NUL inside, an IPv6 text under medium IPv4 */
	start();
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 1, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 1, "1.2.3.4\0", 8), 0);
	add_set(2, 3, "2001:db8::1", 1, NULL);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 0);
	CU_ASSERT_EQUAL(t.refused, 2);
	/* a Tunnel-Password that does not decrypt with our secret (its
	 * length byte comes out wrong) refuses its set */
	start();
	add_set(1, 3, "18.18.18.2", 1, "l2tptunnel");
	CU_ASSERT_EQUAL(parse(&t, "another-secret"), 0);
	CU_ASSERT_EQUAL(t.refused, 1);
	CU_ASSERT_STRING_EQUAL(t.why, "tag 1: Tunnel-Password does not decrypt");
	/* a tagged integer whose tag octet is over 0x1F (found by
	 * fuzz_radius_tunnel: it indexed the per-tag table out of bounds) */
	start();
	CU_ASSERT_EQUAL(radius_add(&P, RADIUS_TUNNEL_MEDIUM_TYPE, "\x81\x00\x00\x01", 4), 0);
	CU_ASSERT_EQUAL(radius_add(&P, RADIUS_TUNNEL_PREFERENCE, "\xff\x00\x00\x01", 4), 0);
	add_set(2, 3, "18.18.18.2", 1, NULL);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 1);
	CU_ASSERT_EQUAL(t.refused, 1);
	CU_ASSERT_STRING_EQUAL(t.why, "tag 0: a Tunnel-* integer of a wrong length");
	/* a Tunnel-Type of a wrong length */
	start();
	CU_ASSERT_EQUAL(radius_add(&P, RADIUS_TUNNEL_TYPE, "\x01\x00\x03", 3), 0);
	add_set(2, 3, "18.18.18.2", 1, NULL);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 1);
	CU_ASSERT_EQUAL(t.refused, 1);
}

static void test_many_tags_bounded(void)
{
	struct radius_tunnels t;
	char ip[32];

	start();
	/* 31 tags (all there are), preference falling: the 8 best kept */
	for (unsigned tag = 1; tag <= 31; tag++) {
		g_snprintf(ip, sizeof(ip), "10.0.0.%u", tag);
		add_set((uint8_t)tag, 3, ip, (int)(100 - tag), NULL);
	}
	CU_ASSERT_EQUAL(parse(&t, SECRET), VPDN_TUNNEL_ENDPOINTS_MAX);
	CU_ASSERT_EQUAL(t.seen, 31);
	CU_ASSERT_EQUAL(t.dropped, 31 - VPDN_TUNNEL_ENDPOINTS_MAX);
	CU_ASSERT_EQUAL(t.ep[0].tag, 31);
	CU_ASSERT_STRING_EQUAL(t.ep[0].text, "10.0.0.31");
	CU_ASSERT_EQUAL(t.ep[VPDN_TUNNEL_ENDPOINTS_MAX - 1].tag, 31 - VPDN_TUNNEL_ENDPOINTS_MAX + 1);
	for (unsigned i = 1; i < t.n; i++)
		CU_ASSERT(t.ep[i - 1].preference <= t.ep[i].preference);
}

/* ---- the module against a fake server ---- */

static struct vpdn_core *core;
static GPtrArray *lines;

static void sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	g_ptr_array_add(lines, g_strdup(line));
}

static unsigned lines_with(const char *a)
{
	unsigned n = 0;

	for (unsigned i = 0; i < lines->len; i++)
		if (strstr(lines->pdata[i], a))
			n++;
	return n;
}

static void turn(void)
{
	vpdn_timers_advance(vpdn_core_timers(core), 0);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
	vpdn_timers_advance(vpdn_core_timers(core), 0);
}

struct az_result {
	bool done;
	int status;
	unsigned n;
	char text[2][64], password[2][64];
	uint32_t pref[2];
};

static void az_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct az_result *r = data;
	const struct vpdn_ev_tunnel_authorization *z = reply;

	r->done = true;
	r->status = status;
	if (status == 0 && z) {
		r->n = z->n_endpoints;
		for (unsigned i = 0; i < z->n_endpoints && i < 2; i++) {
			g_strlcpy(r->text[i], z->endpoints[i].text, sizeof(r->text[i]));
			g_strlcpy(r->password[i], z->endpoints[i].password ? z->endpoints[i].password : "",
				  sizeof(r->password[i]));
			r->pref[i] = z->endpoints[i].preference;
		}
	}
}

static const uint8_t chal[16] = { 0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };

static void ask(struct az_result *r, bool with_chap)
{
	struct vpdn_ev_tunnel_authorize q = {
		.size = sizeof(q), .interface = "Se0:15", .user = "remote1@cisco.com",
		.domain = "cisco.com", .calling = "6122", .called = "8211",
		.proxy = { .present = with_chap, .auth_type = 2, .auth_challenge = chal,
			   .auth_challenge_len = sizeof(chal), .has_auth_id = true, .auth_id = 9,
			   .auth_response = chal, .auth_response_len = sizeof(chal) },
	};

	memset(r, 0, sizeof(*r));
	vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_TUNNEL_AUTHORIZE, &q, az_done, r);
}

static int udp_bound(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_FATAL(bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	getsockname(fd, (struct sockaddr *)&sa, &len);
	*port = ntohs(sa.sin_port);
	return fd;
}

struct got {
	uint8_t buf[RADIUS_MAX_LEN];
	size_t len;
	struct sockaddr_in from;
	struct radius_view v;
};

static bool server_recv(int fd, struct got *g)
{
	socklen_t fl = sizeof(g->from);
	ssize_t n = recvfrom(fd, g->buf, sizeof(g->buf), 0, (struct sockaddr *)&g->from, &fl);

	if (n < 0)
		return false;
	g->len = (size_t)n;
	CU_ASSERT_EQUAL_FATAL(radius_parse(g->buf, g->len, &g->v), 0);
	return true;
}

/* Answer g with code and the sets built by add (into P, with g's
 * authenticator: the Tunnel-Password salt needs it). */
static void answer(int fd, const struct got *g, uint8_t code, void (*add)(const struct got *g))
{
	radius_pkt_init(&P, code, g->v.id, g->v.auth);
	radius_add_message_authenticator(&P);
	if (add)
		add(g);
	radius_finish_response(&P, g->v.auth, SECRET, strlen(SECRET));
	sendto(fd, P.buf, P.len, 0, (const struct sockaddr *)&g->from, sizeof(g->from));
}

static void add_hostile_and_good(const struct got *g)
{
	/* tag 1: a name, preferred; tag 2: the LNS, with its secret */
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 1, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 1, "lns.example.com", 15), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_PREFERENCE, 1, 1), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 2, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 2, "18.18.18.2", 10), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_PREFERENCE, 2, 2), 0);
	CU_ASSERT_EQUAL(radius_add_tunnel_password(&P, 2, (uint8_t[]){ 0x81, 0x23 }, "l2tptunnel", 10,
						   g->v.auth, SECRET, strlen(SECRET)), 0);
}

static void add_nothing(const struct got *g)
{
	radius_add_u32(&P, RADIUS_SERVICE_TYPE, 2);
}

static void test_module_answers(void)
{
	struct auth_radius *ar = NULL;
	struct az_result r;
	struct got g;
	struct radius_attr a;
	uint16_t port[2];
	int fd = udp_bound(&port[0]), fd2 = udp_bound(&port[1]);
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);
	char *text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
				     "auth-port = %u acct-port = %u } nas-identifier = \"LAC\" }",
				     port[0], port[1]);
	unsigned sink_id;
	uint64_t *refused, *used, *none;

	core = vpdn_core_new_test();
	lines = g_ptr_array_new_with_free_func(g_free);
	sink_id = vpdn_log_add_sink(vpdn_core_log(core), sink, NULL);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	refused = vpdn_core_counter(core, "radius_tunnel_sets_refused_total", NULL);
	used = vpdn_core_counter(core, "radius_tunnel_authorized_total", NULL);
	none = vpdn_core_counter(core, "radius_tunnel_none_total", NULL);

	/* 1. a hostile set and a good one */
	ask(&r, true);
	CU_ASSERT_FALSE(r.done); /* asynchronous */
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd, &g));
	CU_ASSERT_EQUAL(g.v.code, RADIUS_ACCESS_REQUEST);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_USER_NAME, &a) && a.len == 17);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_CHAP_PASSWORD, &a) && a.len == 17 && a.val[0] == 9);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_CHAP_CHALLENGE, &a) && a.len == 16);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_CALLING_STATION_ID, &a) && a.len == 4);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_NAS_PORT_TYPE, &a));
	answer(fd, &g, RADIUS_ACCESS_ACCEPT, add_hostile_and_good);
	turn();
	CU_ASSERT_TRUE_FATAL(r.done);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_EQUAL(r.n, 1);
	CU_ASSERT_STRING_EQUAL(r.text[0], "18.18.18.2");
	CU_ASSERT_STRING_EQUAL(r.password[0], "l2tptunnel");
	CU_ASSERT_EQUAL(r.pref[0], 2);
	CU_ASSERT_EQUAL(*refused, 1);
	CU_ASSERT_EQUAL(*used, 1);
	CU_ASSERT_EQUAL(lines_with("1 of 2 Tunnel-* sets refused (tag 1: Tunnel-Server-Endpoint is "
				   "not an address)"), 1);

	/* 2. an Accept without Tunnel-*: no tunnel from RADIUS (-ENOENT) */
	ask(&r, true);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd, &g));
	answer(fd, &g, RADIUS_ACCESS_ACCEPT, add_nothing);
	turn();
	CU_ASSERT_TRUE(r.done);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	CU_ASSERT_EQUAL(*none, 1);

	/* 3. Access-Reject: the user refused */
	ask(&r, true);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd, &g));
	answer(fd, &g, RADIUS_ACCESS_REJECT, NULL);
	turn();
	CU_ASSERT_TRUE(r.done);
	CU_ASSERT_EQUAL(r.status, -EACCES);

	/* 4. nothing to authenticate with: not claimed, nothing sent (the
	 * -ENOENT comes on the next turn, ABI 2) */
	ask(&r, false);
	CU_ASSERT_FALSE(r.done);
	vpdn_bus_run_pending(vpdn_core_bus(core));
	CU_ASSERT_TRUE(r.done);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	turn();
	CU_ASSERT_FALSE(server_recv(fd, &g));

	/* 5. a pending ask when the module goes: completed -ESHUTDOWN */
	ask(&r, true);
	turn();
	auth_radius_free(ar);
	CU_ASSERT_TRUE(r.done);
	CU_ASSERT_EQUAL(r.status, -ESHUTDOWN);

	for (unsigned i = 0; i < lines->len; i++) {
		CU_ASSERT_PTR_NULL(strstr(lines->pdata[i], "l2tptunnel"));
		CU_ASSERT_PTR_NULL(strstr(lines->pdata[i], SECRET));
	}
	vpdn_log_remove_sink(vpdn_core_log(core), sink_id);
	g_ptr_array_free(lines, TRUE);
	cfg_free(cfg);
	g_free(text);
	close(fd);
	close(fd2);
	vpdn_core_free_test(core);
}

/* ---- accounting at the LAC, tunnel accounting ---- */

static uint32_t attr_u32(const struct radius_view *v, uint8_t type)
{
	struct radius_attr a;
	uint32_t u = 0;

	if (radius_find(v, type, &a))
		radius_attr_u32(&a, &u);
	return u;
}

static bool attr_is(const struct radius_view *v, uint8_t type, const char *text)
{
	struct radius_attr a;

	return radius_find(v, type, &a) && a.len == strlen(text) && memcmp(a.val, text, a.len) == 0;
}

static void ack(int fd, const struct got *g)
{
	struct radius_pkt p;

	radius_pkt_init(&p, RADIUS_ACCOUNTING_RESPONSE, g->v.id, g->v.auth);
	radius_finish_response(&p, g->v.auth, SECRET, strlen(SECRET));
	sendto(fd, p.buf, p.len, 0, (const struct sockaddr *)&g->from, sizeof(g->from));
}

static void session_event(uint32_t type, enum vpdn_l2tp_role role, int result)
{
	struct vpdn_ev_session se = {
		.size = sizeof(se), .tunnel_id = 100, .session_id = 7, .peer_tunnel_id = 5,
		.peer_session_id = 9, .dir = VPDN_CALL_IN, .group = "radius:lns-pool",
		.peer_name = "LNS", .interface = "Se0:15", .user = "remote1@cisco.com",
		.calling = "6122", .called = "8211", .result = result, .role = role,
		.local_name = "LAC", .packets_in = 3, .packets_out = 4, .octets_in = 300,
		.octets_out = 400,
	};
	struct sockaddr_in *l = (struct sockaddr_in *)&se.tunnel_local;
	struct sockaddr_in *r = (struct sockaddr_in *)&se.tunnel_peer;

	l->sin_family = r->sin_family = AF_INET;
	inet_pton(AF_INET, "18.18.18.1", &l->sin_addr);
	inet_pton(AF_INET, "18.18.18.2", &r->sin_addr);
	vpdn_bus_publish(vpdn_core_bus(core), type, &se);
}

static void test_lac_accounting(void)
{
	struct auth_radius *ar = NULL;
	struct got g;
	uint16_t port[2];
	int fd = udp_bound(&port[0]), fd2 = udp_bound(&port[1]);
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);
	char *text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
				     "auth-port = %u acct-port = %u } nas-identifier = \"LAC\" }",
				     port[0], port[1]);
	uint8_t sid[64];
	size_t sid_len;
	struct radius_attr a;

	core = vpdn_core_new_test();
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	/* an LNS-side session, tunnel-accounting off: nothing (acct.c
	 * accounts it from its PPP network) */
	session_event(VPDN_EV_SESSION_UP, VPDN_L2TP_ROLE_LNS, 0);
	turn();
	CU_ASSERT_FALSE(server_recv(fd2, &g));
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LNS, 1);
	turn();
	CU_ASSERT_FALSE(server_recv(fd2, &g));
	/* a LAC session: Start with the tunnel attributes */
	session_event(VPDN_EV_SESSION_UP, VPDN_L2TP_ROLE_LAC, 0);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(g.v.code, RADIUS_ACCOUNTING_REQUEST);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_START);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_NAS_PORT_TYPE), 2); /* ISDN-Sync */
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_NAS_PORT_ID, "Se0:15"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_CALLING_STATION_ID, "6122"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_CALLED_STATION_ID, "8211"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_CLIENT_ENDPOINT, "18.18.18.1"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_SERVER_ENDPOINT, "18.18.18.2"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_CLIENT_AUTH_ID, "LAC"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_SERVER_AUTH_ID, "LNS"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_TUNNEL_CONNECTION, "100/7"));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_TUNNEL_TYPE), 3);
	CU_ASSERT_TRUE_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a));
	sid_len = a.len;
	memcpy(sid, a.val, a.len);
	ack(fd2, &g);
	turn();
	/* ended by the LNS (CDN result 3): Stop, input = what the user sent */
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LAC, 3);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_STOP);
	CU_ASSERT_TRUE(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a) && a.len == sid_len &&
		       memcmp(a.val, sid, sid_len) == 0);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_INPUT_OCTETS), 400);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_OUTPUT_OCTETS), 300);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_INPUT_PACKETS), 4);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE), RADIUS_TERM_ADMIN_RESET);
	ack(fd2, &g);
	turn();
	CU_ASSERT_FALSE(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(auth_radius_acct_queued(ar), 0);
	/* tunnel accounting on: the LNS side's Tunnel-Link-Start, the
	 * LAC as the tunnel's client */
	cfg_free(cfg);
	g_free(text);
	text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
			       "auth-port = %u acct-port = %u } tunnel-accounting = true }",
			       port[0], port[1]);
	cfg = cfg_init(auth_radius_options, CFGF_NONE);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL(auth_radius_reload(ar, cfg), 0);
	session_event(VPDN_EV_SESSION_UP, VPDN_L2TP_ROLE_LNS, 0);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_TUNNEL_LINK_START);
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_CLIENT_ENDPOINT, "18.18.18.2"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_SERVER_ENDPOINT, "18.18.18.1"));
	ack(fd2, &g);
	turn();
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LNS, 1);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_TUNNEL_LINK_STOP);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_INPUT_OCTETS), 300);
	ack(fd2, &g);
	turn();
	auth_radius_free(ar);
	cfg_free(cfg);
	g_free(text);
	close(fd);
	close(fd2);
	vpdn_core_free_test(core);
}

/* RFC 2867 Rejects: sessions failing because their tunnel never came up
 * give one Tunnel-Reject for the tunnel; a session failing in an up
 * tunnel gives a Tunnel-Link-Reject; both say why. */
static void test_tunnel_rejects(void)
{
	struct auth_radius *ar = NULL;
	struct got g;
	uint16_t port[2];
	int fd = udp_bound(&port[0]), fd2 = udp_bound(&port[1]);
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);
	char *text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
				     "auth-port = %u acct-port = %u } tunnel-accounting = true }",
				     port[0], port[1]);

	core = vpdn_core_new_test();
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	/* two LAC sessions waiting on tunnel 100, which fails (no control
	 * connection: CDN result 2) */
	session_event(VPDN_EV_SESSION_FAILED, VPDN_L2TP_ROLE_LAC, 2);
	session_event(VPDN_EV_SESSION_FAILED, VPDN_L2TP_ROLE_LAC, 2);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_TUNNEL_REJECT);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_TUNNEL_TYPE), 3);
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_CLIENT_ENDPOINT, "18.18.18.1"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_TUNNEL_SERVER_ENDPOINT, "18.18.18.2"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_TUNNEL_CONNECTION, "100"));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE), RADIUS_TERM_LOST_SERVICE);
	ack(fd2, &g);
	turn();
	CU_ASSERT_FALSE(server_recv(fd2, &g));   /* one per tunnel */
	CU_ASSERT_EQUAL(auth_radius_acct_queued(ar), 0);
	/* the tunnel comes up; a session in it is refused (CDN result 3) */
	struct vpdn_ev_tunnel te = { .size = sizeof(te), .tunnel_id = 100, .peer_tunnel_id = 5,
				     .peer_name = "LNS", .local_name = "LAC", .initiator = true };
	((struct sockaddr_in *)&te.local)->sin_family = AF_INET;
	((struct sockaddr_in *)&te.peer)->sin_family = AF_INET;
	inet_pton(AF_INET, "18.18.18.1", &((struct sockaddr_in *)&te.local)->sin_addr);
	inet_pton(AF_INET, "18.18.18.2", &((struct sockaddr_in *)&te.peer)->sin_addr);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_TUNNEL_UP, &te);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_TUNNEL_START);
	ack(fd2, &g);
	turn();
	session_event(VPDN_EV_SESSION_FAILED, VPDN_L2TP_ROLE_LAC, 3);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_TUNNEL_LINK_REJECT);
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_TUNNEL_CONNECTION, "100/7"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_USER_NAME, "remote1@cisco.com"));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE), RADIUS_TERM_ADMIN_RESET);
	ack(fd2, &g);
	turn();
	auth_radius_free(ar);
	cfg_free(cfg);
	g_free(text);
	close(fd);
	close(fd2);
	vpdn_core_free_test(core);
}

static unsigned spool_files(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	unsigned n = 0;
	const char *f;

	while (d && (f = g_dir_read_name(d)))
		n += g_str_has_suffix(f, ".acct");
	if (d)
		g_dir_close(d);
	return n;
}

/* the spool directory and what a test left in it (files only: the spool
 * has no subdirectories) */
static int rm_spool(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *f;
	int r = 0;

	while (d && (f = g_dir_read_name(d))) {
		char *path = g_build_filename(dir, f, NULL);
		r |= g_unlink(path);
		g_free(path);
	}
	if (d)
		g_dir_close(d);
	return r | g_rmdir(dir);
}

static struct auth_radius *spool_node(const char *dir, uint16_t *port, unsigned queue)
{
	struct auth_radius *ar = NULL;
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);
	char *text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
				     "auth-port = %u acct-port = %u } acct-spool = \"%s\" "
				     "acct-queue = %u }", port[0], port[1], dir, queue);

	core = vpdn_core_new_test();
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	cfg_free(cfg);
	g_free(text);
	return ar;
}

/* radius { acct-spool }: records no server acknowledged survive the
 * node's stop and are sent first, in order, by the next run; files go
 * when acknowledged; the queue bound holds across the restart; an
 * unreadable file is put aside, never crashes the replay. */
static void test_acct_spool(void)
{
	char *dir = g_dir_make_tmp("vpdnd-spool-XXXXXX", NULL);
	uint16_t port[2];
	int fd = udp_bound(&port[0]), fd2 = udp_bound(&port[1]);
	struct got g;
	struct radius_attr a;
	char sid[64] = "";

	CU_ASSERT_PTR_NOT_NULL_FATAL(dir);
	/* run 1: Start and Stop of a LAC session, the server silent */
	struct auth_radius *ar = spool_node(dir, port, 100);
	session_event(VPDN_EV_SESSION_UP, VPDN_L2TP_ROLE_LAC, 0);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));      /* not answered */
	CU_ASSERT_TRUE_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a));
	memcpy(sid, a.val, MIN(a.len, sizeof(sid) - 1));
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LAC, 3);
	turn();
	CU_ASSERT_EQUAL(spool_files(dir), 2);
	auth_radius_free(ar);
	vpdn_core_free_test(core);
	while (server_recv(fd2, &g))
		;
	CU_ASSERT_EQUAL(spool_files(dir), 2);            /* kept at stop */
	/* a file that is not a record: put aside */
	char *junk = g_build_filename(dir, "00000000000000FF.acct", NULL);
	CU_ASSERT_TRUE(g_file_set_contents(junk, "\x01garbage[", -1, NULL));
	/* run 2: sent first, Start then Stop, each file gone once acked */
	ar = spool_node(dir, port, 100);
	turn();
	CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_START);
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_SESSION_ID, sid));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_TUNNEL_CONNECTION, "100/7"));
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_USER_NAME, "remote1@cisco.com"));
	ack(fd2, &g);
	turn();
	CU_ASSERT_EQUAL(spool_files(dir), 1);
	while (server_recv(fd2, &g) && attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE) != RADIUS_ACCT_STOP)
		;
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE), RADIUS_ACCT_STOP);
	CU_ASSERT_TRUE(attr_is(&g.v, RADIUS_ACCT_SESSION_ID, sid));
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_INPUT_OCTETS), 400);
	CU_ASSERT_EQUAL(attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE), RADIUS_TERM_ADMIN_RESET);
	ack(fd2, &g);
	turn();
	CU_ASSERT_EQUAL(spool_files(dir), 0);
	char *aside = g_strconcat(junk, ".bad", NULL);
	CU_ASSERT_TRUE(g_file_test(aside, G_FILE_TEST_EXISTS));
	(void)g_unlink(aside);
	g_free(aside);
	g_free(junk);
	/* run 2 leaves three records; run 3 with acct-queue = 2 takes two */
	for (int i = 0; i < 3; i++)
		session_event(i % 2 ? VPDN_EV_SESSION_DOWN : VPDN_EV_SESSION_UP,
			      VPDN_L2TP_ROLE_LAC, 0);
	turn();
	CU_ASSERT_EQUAL(spool_files(dir), 3);
	auth_radius_free(ar);
	vpdn_core_free_test(core);
	while (server_recv(fd2, &g))
		;
	ar = spool_node(dir, port, 2);
	uint64_t *dropped = vpdn_core_counter(core, "radius_acct_dropped_total", NULL);
	CU_ASSERT_EQUAL(*dropped, 1);
	CU_ASSERT_EQUAL(auth_radius_acct_queued(ar), 2);
	CU_ASSERT_EQUAL(spool_files(dir), 2);
	auth_radius_free(ar);
	vpdn_core_free_test(core);
	CU_ASSERT_EQUAL(rm_spool(dir), 0);
	CU_ASSERT_FALSE(g_file_test(dir, G_FILE_TEST_EXISTS));
	g_free(dir);
	close(fd);
	close(fd2);
}

/* ---- restart in place: LAC-side records kept (issue #21) ---- */

static void tunnel_event(uint32_t type)
{
	struct vpdn_ev_tunnel te = { .size = sizeof(te), .tunnel_id = 100, .peer_tunnel_id = 5,
				     .peer_name = "LNS", .local_name = "LAC", .initiator = true };

	((struct sockaddr_in *)&te.local)->sin_family = AF_INET;
	((struct sockaddr_in *)&te.peer)->sin_family = AF_INET;
	inet_pton(AF_INET, "18.18.18.1", &((struct sockaddr_in *)&te.local)->sin_addr);
	inet_pton(AF_INET, "18.18.18.2", &((struct sockaddr_in *)&te.peer)->sin_addr);
	vpdn_bus_publish(vpdn_core_bus(core), type, &te);
}

static uint32_t dyn_type(const char *name)
{
	int t = vpdn_bus_register_type(vpdn_core_bus(core), name);

	CU_ASSERT_FATAL(t >= VPDN_EV__DYNAMIC_BASE);
	return (uint32_t)t;
}

static struct auth_radius *tunnel_acct_node(const uint16_t *port)
{
	struct auth_radius *ar = NULL;
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);
	char *text = g_strdup_printf("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" "
				     "auth-port = %u acct-port = %u } tunnel-accounting = true }",
				     port[0], port[1]);

	core = vpdn_core_new_test();
	lines = g_ptr_array_new_with_free_func(g_free);
	vpdn_log_add_sink(vpdn_core_log(core), sink, NULL);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	cfg_free(cfg);
	g_free(text);
	return ar;
}

static void node_free(struct auth_radius *ar)
{
	auth_radius_free(ar);
	vpdn_core_free_test(core);
	g_ptr_array_free(lines, TRUE);
	lines = NULL;
}

/* Every record the server gets until it goes quiet, acknowledged:
 * counts by Acct-Status-Type; the Stop's and Tunnel-Link-Stop's
 * Acct-Session-Id, Session-Time and cause kept. */
struct seen {
	unsigned n[16];
	char stop_sid[64], link_sid[64], tun_sid[64];
	uint32_t stop_time, stop_cause, link_cause, tun_cause, stop_in;
};

static void collect(int fd, struct seen *w)
{
	struct got g;
	struct radius_attr a;

	memset(w, 0, sizeof(*w));
	for (int i = 0; i < 8; i++) {
		turn();
		while (server_recv(fd, &g)) {
			uint32_t st = attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE);
			char sid[64] = "";

			if (radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a))
				memcpy(sid, a.val, MIN(a.len, sizeof(sid) - 1));
			w->n[st & 15]++;
			if (st == RADIUS_ACCT_STOP) {
				g_strlcpy(w->stop_sid, sid, sizeof(w->stop_sid));
				w->stop_time = attr_u32(&g.v, RADIUS_ACCT_SESSION_TIME);
				w->stop_cause = attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE);
				w->stop_in = attr_u32(&g.v, RADIUS_ACCT_INPUT_OCTETS);
			} else if (st == RADIUS_ACCT_TUNNEL_LINK_STOP) {
				g_strlcpy(w->link_sid, sid, sizeof(w->link_sid));
				w->link_cause = attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE);
			} else if (st == RADIUS_ACCT_TUNNEL_STOP) {
				g_strlcpy(w->tun_sid, sid, sizeof(w->tun_sid));
				w->tun_cause = attr_u32(&g.v, RADIUS_ACCT_TERMINATE_CAUSE);
			}
			ack(fd, &g);
		}
	}
}

static unsigned records(const struct seen *w)
{
	unsigned n = 0;

	for (int i = 0; i < 16; i++)
		n += w->n[i];
	return n;
}

/* A LAC session and its tunnel accounted (Start, Tunnel-Start,
 * Tunnel-Link-Start), the module saved and freed, its state restored
 * into a fresh one: (a) l2tp names the restored session and tunnel, the
 * session ends (a restored l2tp session ends with SESSION_FAILED), the
 * tunnel too: one Stop, one Tunnel-Link-Stop, one Tunnel-Stop with the
 * Acct-Session-Ids of before and a session time spanning the restart,
 * no Start; (b) l2tp names them before our restore runs: the same; (c)
 * nobody names them: their Stops on the first turn, NAS-Error; a
 * version-1 state refused. */
static void test_lac_restart(void)
{
	uint16_t port[2];
	int fd = udp_bound(&port[0]), fd2 = udp_bound(&port[1]);
	struct seen w;
	struct got g;
	struct radius_attr a;
	char sid[64] = "", link_sid[64] = "", tun_sid[64] = "";

	struct auth_radius *ar = tunnel_acct_node(port);
	vpdn_timers_advance(vpdn_core_timers(core), 1000);
	tunnel_event(VPDN_EV_TUNNEL_UP);
	session_event(VPDN_EV_SESSION_UP, VPDN_L2TP_ROLE_LAC, 0);
	for (int i = 0; i < 3; i++) {
		turn();
		CU_ASSERT_TRUE_FATAL(server_recv(fd2, &g));
		CU_ASSERT_TRUE_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a));
		uint32_t st = attr_u32(&g.v, RADIUS_ACCT_STATUS_TYPE);
		char *to = st == RADIUS_ACCT_START ? sid : st == RADIUS_ACCT_TUNNEL_START ? tun_sid
			 : st == RADIUS_ACCT_TUNNEL_LINK_START ? link_sid : NULL;
		CU_ASSERT_PTR_NOT_NULL_FATAL(to);
		memcpy(to, a.val, MIN(a.len, 63));
		ack(fd2, &g);
	}
	CU_ASSERT_TRUE(sid[0] && link_sid[0] && tun_sid[0]);
	collect(fd2, &w);                                     /* the last ack read */
	CU_ASSERT_EQUAL(records(&w), 0);
	vpdn_timers_advance(vpdn_core_timers(core), 5000);   /* 5 s up */
	GVariant *st = auth_radius_save(ar);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	g_variant_ref_sink(st);
	CU_ASSERT_EQUAL(lines_with("1 L2TP session record, 1 tunnel record saved"), 1);
	node_free(ar);
	CU_ASSERT_FALSE(server_recv(fd2, &g));                /* saved: no Stop */

	/* (a) restored, l2tp names them, then they end */
	ar = tunnel_acct_node(port);
	vpdn_timers_advance(vpdn_core_timers(core), 60000);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, 1), -EPROTO);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, ACCT_STATE_VERSION), 0);
	tunnel_event(dyn_type("l2tp-tunnel-restored"));
	session_event(dyn_type("l2tp-session-restored"), VPDN_L2TP_ROLE_LAC, 0);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(records(&w), 0);                      /* no Start, no Stop */
	CU_ASSERT_EQUAL(lines_with("not restored"), 0);
	vpdn_timers_advance(vpdn_core_timers(core), 2000);   /* 2 s more */
	session_event(VPDN_EV_SESSION_FAILED, VPDN_L2TP_ROLE_LAC, 1);
	tunnel_event(VPDN_EV_TUNNEL_DOWN);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_LINK_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_STOP], 1);
	CU_ASSERT_EQUAL(records(&w), 3);                      /* no Start, no Reject */
	CU_ASSERT_STRING_EQUAL(w.stop_sid, sid);
	CU_ASSERT_STRING_EQUAL(w.link_sid, link_sid);
	CU_ASSERT_STRING_EQUAL(w.tun_sid, tun_sid);
	CU_ASSERT_TRUE(w.stop_time >= 7 && w.stop_time <= 9);  /* 5 s + 2 s */
	CU_ASSERT_EQUAL(w.stop_cause, RADIUS_TERM_LOST_CARRIER);
	CU_ASSERT_EQUAL(w.stop_in, 400);                      /* l2tp's counters */
	node_free(ar);

	/* (b) l2tp's restore ran first (auth-radius after l2tp) */
	ar = tunnel_acct_node(port);
	vpdn_timers_advance(vpdn_core_timers(core), 60000);
	tunnel_event(dyn_type("l2tp-tunnel-restored"));
	session_event(dyn_type("l2tp-session-restored"), VPDN_L2TP_ROLE_LAC, 0);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, ACCT_STATE_VERSION), 0);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(records(&w), 0);
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LAC, 3);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_LINK_STOP], 1);
	CU_ASSERT_EQUAL(records(&w), 2);
	CU_ASSERT_STRING_EQUAL(w.stop_sid, sid);
	node_free(ar);

	/* (d) the tunnel back, the session cleared by l2tp's restore (its
	 * carrier not back: CDN 1, SESSION_FAILED, never announced): its
	 * Stop now, Lost-Carrier, no Tunnel-Link-Reject, no NAS-Error */
	ar = tunnel_acct_node(port);
	vpdn_timers_advance(vpdn_core_timers(core), 60000);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, ACCT_STATE_VERSION), 0);
	tunnel_event(dyn_type("l2tp-tunnel-restored"));
	session_event(VPDN_EV_SESSION_FAILED, VPDN_L2TP_ROLE_LAC, 1);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_LINK_STOP], 1);
	CU_ASSERT_EQUAL(records(&w), 2);
	CU_ASSERT_EQUAL(w.stop_cause, RADIUS_TERM_LOST_CARRIER);
	CU_ASSERT_EQUAL(lines_with("not restored"), 0);
	node_free(ar);

	/* (c) nobody names them: Stops on the first turn, NAS-Error */
	ar = tunnel_acct_node(port);
	vpdn_timers_advance(vpdn_core_timers(core), 60000);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, ACCT_STATE_VERSION), 0);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_LINK_STOP], 1);
	CU_ASSERT_EQUAL(w.n[RADIUS_ACCT_TUNNEL_STOP], 1);
	CU_ASSERT_EQUAL(records(&w), 3);
	CU_ASSERT_STRING_EQUAL(w.stop_sid, sid);
	CU_ASSERT_STRING_EQUAL(w.tun_sid, tun_sid);
	CU_ASSERT_TRUE(w.stop_time >= 5 && w.stop_time <= 7);
	CU_ASSERT_EQUAL(w.stop_cause, RADIUS_TERM_NAS_ERROR);
	CU_ASSERT_EQUAL(w.link_cause, RADIUS_TERM_NAS_ERROR);
	CU_ASSERT_EQUAL(lines_with("2 L2TP session/tunnel records not restored: Stop (NAS-Error)"), 1);
	/* and the session's late end finds no record */
	session_event(VPDN_EV_SESSION_DOWN, VPDN_L2TP_ROLE_LAC, 3);
	collect(fd2, &w);
	CU_ASSERT_EQUAL(records(&w), 0);
	node_free(ar);
	g_variant_unref(st);
	close(fd);
	close(fd2);
}

static const struct vpdn_test_case tests[] = {
	{ "restart in place: LAC session and tunnel records kept, orphans stopped",
	  test_lac_restart },
	{ "acct-spool: records survive a restart, in order, bounded", test_acct_spool },
	{ "Tunnel-Reject once per failed tunnel, Tunnel-Link-Reject", test_tunnel_rejects },
	{ "two tags: sorted by Tunnel-Preference, password decrypted, ids", test_two_tags_by_preference },
	{ "untagged IPv6 set; no Tunnel-* at all", test_untagged_and_ipv6 },
	{ "hostile sets refused with a reason", test_hostile_sets_refused },
	{ "31 tags: the 8 best kept, the rest counted", test_many_tags_bounded },
	{ "the module: Access-Request, a refused set counted and logged, Reject, no Tunnel-*",
	  test_module_answers },
	{ "LAC session Start/Stop with RFC 2867 attributes; Tunnel-Link-* at the LNS",
	  test_lac_accounting },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "radius-tunnel", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
