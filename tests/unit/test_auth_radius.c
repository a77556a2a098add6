/* SPDX-License-Identifier: MIT */
/*
 * modules/auth-radius: the asynchronous client, authentication and
 * accounting against fake servers on 127.0.0.1 (UDP sockets this test
 * reads and answers), on the fake clock: no sleeps.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <vpdnd/core.h>

#include "auth-local.h"
#include "acct.h"
#include "auth-radius.h"
#include "vpdn_test.h"

#define SECRET "s3cret"

struct fake_server {
	int fd[2];        /* auth, acct */
	uint16_t port[2];
};

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

static void server_open(struct fake_server *s)
{
	s->fd[0] = udp_bound(&s->port[0]);
	s->fd[1] = udp_bound(&s->port[1]);
}

static void server_close(struct fake_server *s)
{
	close(s->fd[0]);
	close(s->fd[1]);
}

struct got {
	uint8_t buf[RADIUS_MAX_LEN];
	size_t len;
	struct sockaddr_in from;
	struct radius_view v;
};

/* One datagram waiting on fd, or false. */
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

static unsigned server_drain(int fd)
{
	struct got g;
	unsigned n = 0;

	while (server_recv(fd, &g))
		n++;
	return n;
}

static void server_send(int fd, const struct got *to, struct radius_pkt *p)
{
	sendto(fd, p->buf, p->len, 0, (const struct sockaddr *)&to->from, sizeof(to->from));
}

/* Answer g with code; attrs added by the caller in p beforehand when
 * p is given. with_ma false: no Message-Authenticator. */
static void answer(int fd, const struct got *g, uint8_t code, const char *secret, bool with_ma,
		   void (*add)(struct radius_pkt *p))
{
	struct radius_pkt p;

	radius_pkt_init(&p, code, g->v.id, g->v.auth);
	if (with_ma)
		radius_add_message_authenticator(&p);
	if (add)
		add(&p);
	radius_finish_response(&p, g->v.auth, secret, strlen(secret));
	server_send(fd, g, &p);
}

static struct vpdn_core *core;
static struct vpdn_timers *tm;

static void turn(void)
{
	/* timers due now, then the sockets */
	vpdn_timers_advance(tm, 0);
	for (int i = 0; i < 20; i++)
		g_main_context_iteration(NULL, FALSE);
	vpdn_timers_advance(tm, 0);
}

static cfg_t *parse(const char *fmt, ...)
{
	va_list ap;
	char *text;
	cfg_t *cfg = cfg_init(auth_radius_options, CFGF_NONE);

	va_start(ap, fmt);
	text = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	g_free(text);
	return cfg;
}

struct result {
	bool done;
	int status;
	bool ok;
	struct in_addr addr;
	char reason[256];
	char peer_message[256];
	struct vpdn_route4 routes[VPDN_ROUTES_MAX];
	size_t n_routes;
	char framed_pool[64];
	bool has_ipv6;
	struct vpdn_auth_ipv6 ipv6;
	char v6pool[64], v6dpool[64];
};

static void auth_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct result *r = data;
	const struct vpdn_ev_auth_result *a = reply;

	r->done = true;
	r->status = status;
	r->ok = a && a->ok;
	if (a) {
		r->addr = a->address;
		g_strlcpy(r->reason, a->reason ? a->reason : "", sizeof(r->reason));
		g_strlcpy(r->peer_message, a->peer_message ? a->peer_message : "",
			  sizeof(r->peer_message));
		g_strlcpy(r->framed_pool, a->framed_pool ? a->framed_pool : "",
			  sizeof(r->framed_pool));
		/* the requester copies what it keeps (events.h) */
		r->has_ipv6 = a->ipv6 != NULL;
		if (a->ipv6) {
			r->ipv6 = *a->ipv6;
			g_strlcpy(r->v6pool, a->ipv6->framed_pool ? a->ipv6->framed_pool : "",
				  sizeof(r->v6pool));
			g_strlcpy(r->v6dpool, a->ipv6->delegated_pool ? a->ipv6->delegated_pool : "",
				  sizeof(r->v6dpool));
			r->ipv6.framed_pool = r->ipv6.delegated_pool = NULL;
		}
		r->n_routes = a->routes ? MIN(a->n_routes, (size_t)VPDN_ROUTES_MAX) : 0;
		if (r->n_routes)
			memcpy(r->routes, a->routes, r->n_routes * sizeof(*a->routes));
	}
}

static void pap(const char *user, const char *pw, const char *iface, struct result *res)
{
	struct vpdn_ev_auth a = { .size = sizeof(a), .method = VPDN_AUTH_PAP, .interface = iface,
				  .user = user, .password = pw };

	memset(res, 0, sizeof(*res));
	vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_AUTH_REQUEST, &a, auth_done, res);
	/* ABI 2: an answer given at once arrives on the next turn. */
	vpdn_bus_run_pending(vpdn_core_bus(core));
}

static int setup(void)
{
	core = vpdn_core_new_test();
	tm = vpdn_core_timers(core);
	return core ? 0 : 1;
}

static int teardown(void)
{
	vpdn_core_free_test(core);
	return 0;
}

static struct auth_radius *start(cfg_t *cfg)
{
	struct auth_radius *ar = NULL;

	CU_ASSERT_EQUAL_FATAL(auth_radius_check(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(auth_radius_new(core, cfg, &ar), 0);
	return ar;
}

static void add_framed(struct radius_pkt *p)
{
	radius_add_u32(p, RADIUS_SERVICE_TYPE, 2);
	radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("17.17.17.1"));
	radius_add_u32(p, RADIUS_SESSION_TIMEOUT, 30);
	radius_add(p, RADIUS_CLASS, "gold", 4);
}

static void test_pap_accept(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	char pw[200];

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "nas-identifier = \"LNS\" }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("remote1@cisco.com", "cisco", "Vi1", &res);
	CU_ASSERT_FALSE(res.done);          /* never inside the handler */
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	CU_ASSERT_EQUAL(g.v.code, RADIUS_ACCESS_REQUEST);
	/* Message-Authenticator first, and it verifies */
	CU_ASSERT_EQUAL(g.buf[20], RADIUS_MESSAGE_AUTHENTICATOR);
	CU_ASSERT_EQUAL(radius_verify_request(&g.v, SECRET, strlen(SECRET), true), 0);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_USER_PASSWORD, &a));
	CU_ASSERT_EQUAL(radius_user_password_decode(&a, g.v.auth, SECRET, strlen(SECRET), pw, sizeof(pw)), 5);
	CU_ASSERT_STRING_EQUAL(pw, "cisco");
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_NAS_IDENTIFIER, &a));
	CU_ASSERT_EQUAL(a.len, 3);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_NAS_PORT_ID, &a));
	CU_ASSERT(memcmp(a.val, "Vi1", 3) == 0);
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_framed);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, 0);
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_EQUAL(res.addr.s_addr, inet_addr("17.17.17.1"));
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* BlastRADIUS: an answer without Message-Authenticator, or with the wrong
 * secret, is dropped and counted; the request waits for a genuine one. */
static void test_answer_verification(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_server_stats st;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, false, NULL);
	turn();
	CU_ASSERT_FALSE(res.done);
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, "wrong", true, NULL);
	turn();
	CU_ASSERT_FALSE(res.done);
	/* an Accounting-Response is no answer to an Access-Request */
	answer(s.fd[0], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, true, NULL);
	turn();
	CU_ASSERT_FALSE(res.done);
	radius_client_server_stats(auth_radius_client(ar), 0, &st);
	CU_ASSERT_EQUAL(st.bad_answers, 3);
	answer(s.fd[0], &g, RADIUS_ACCESS_REJECT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, -EACCES);
	CU_ASSERT_FALSE(res.ok);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void add_reply_message(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_REPLY_MESSAGE, "account locked\n");
}

static void test_reject_reply_message(void)
{
	struct fake_server s;
	struct result res;
	struct got g;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_REJECT, SECRET, true, add_reply_message);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, -EACCES);
	CU_ASSERT_STRING_EQUAL(res.reason, "rejected by RADIUS: account locked?");
	CU_ASSERT_STRING_EQUAL(res.peer_message, "account locked?");  /* for the peer */
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void add_service_login(struct radius_pkt *p)
{
	radius_add_u32(p, RADIUS_SERVICE_TYPE, 1);  /* Login-User */
}

static void test_accept_refused(void)
{
	struct fake_server s;
	struct result res;
	struct got g;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_service_login);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, -EACCES);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.reason, "Service-Type"));
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}


static void add_loopback(struct radius_pkt *p)
{
	radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("127.0.0.1"));
}
static void add_pool(struct radius_pkt *p)
{
	radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("255.255.255.254"));
}

static const char *filter_id;
static void add_filter(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_FILTER_ID, filter_id);
}

/* Filter-Id: a name of radius { filter-ids } is accepted; any other (or
 * any at all without filter-ids) refuses the Accept, with the counter
 * and the name in the reason, never serving the user unfiltered. */
static void test_filter_id(void)
{
	static const char *const ids[] = { "web-only", "gold", "web-only\x01" };
	static const bool ok[] = { true, false, false };
	uint64_t *unknown = vpdn_core_counter(core, "radius_filter_unknown_total", NULL);
	uint64_t before = *unknown;
	struct fake_server s;
	struct result res;
	struct got g;

	server_open(&s);
	for (int pass = 0; pass < 2; pass++) {
		cfg_t *cfg = parse(pass ? "radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }"
					: "radius { filter-ids = {\"web-only\", \"std\"} server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
				   s.port[0], s.port[1]);
		struct auth_radius *ar = start(cfg);
		for (size_t i = 0; i < G_N_ELEMENTS(ids); i++) {
			filter_id = ids[i];
			pap("u", "p", "Vi1", &res);
			turn();
			CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
			answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_filter);
			turn();
			CU_ASSERT_TRUE(res.done);
			CU_ASSERT_EQUAL(res.ok, ok[i] && !pass);
			if (!res.ok) {
				CU_ASSERT_EQUAL(res.status, -EACCES);
				CU_ASSERT_PTR_NOT_NULL(strstr(res.reason, "Filter-Id"));
			}
		}
		auth_radius_free(ar);
		cfg_free(cfg);
	}
	CU_ASSERT_EQUAL(*unknown - before, 5);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.reason, "(\"web-only?\")"));  /* printable */
	server_close(&s);
}

/* Framed-IPv6-Prefix / Delegated-IPv6-Prefix values (RFC 3162 §2.3,
 * RFC 4818): Reserved, Prefix-Length, Prefix. */
static void test_prefix6_parse(void)
{
	static const struct {
		uint8_t v[20];
		size_t len;
		int ret;
		const char *text;
		uint8_t plen;
	} cases[] = {
		{ { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 }, 10, 0, "2001:db8:1::", 64 },
		{ { 0, 56, 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0 }, 9, 0, "2001:db8:100::", 56 },
		{ { 0, 128, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 18, 0,
		  "2001:db8::1", 128 },
		{ { 0, 129, 0x20, 0x01 }, 4, -EINVAL },                      /* plen > 128 */
		{ { 0, 0 }, 2, -EINVAL },                                    /* ::/0 */
		{ { 0, 255, 0x20 }, 3, -EINVAL },
		{ { 0, 64, 0x20, 0x01, 0x0d, 0xb8 }, 6, -EINVAL },          /* field too short */
		{ { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 19,
		  -EINVAL },                                                 /* 17 octets */
		{ { 0 }, 1, -EINVAL },
		{ { 0, 48, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0x80 }, 9, -EINVAL }, /* host bits */
		{ { 0, 64, 0xfe, 0x80 }, 10, -EPERM },                      /* link-local */
		{ { 0, 16, 0xff, 0x02 }, 4, -EPERM },                       /* multicast */
		{ { 0, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 }, 18, -EPERM }, /* ::1 */
		{ { 0, 128, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 1 }, 18, -EPERM },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		struct in6_addr p;
		uint8_t plen = 0;
		const char *why = NULL;
		char txt[INET6_ADDRSTRLEN];
		int r = radius_prefix6_parse(cases[i].v, cases[i].len, &p, &plen, &why);

		CU_ASSERT_EQUAL(r, cases[i].ret);
		if (r != cases[i].ret)
			fprintf(stderr, "case %zu: %d (%s)\n", i, r, why ? why : "");
		if (r == 0 && cases[i].ret == 0) {
			inet_ntop(AF_INET6, &p, txt, sizeof(txt));
			CU_ASSERT_STRING_EQUAL(txt, cases[i].text);
			CU_ASSERT_EQUAL(plen, cases[i].plen);
		} else if (r < 0) {
			CU_ASSERT_PTR_NOT_NULL(why);
		}
	}
}

static void add_ipv6(struct radius_pkt *p)
{
	static const uint8_t bad_prefix[] = { 0, 200, 0x20, 0x01 };
	static const uint8_t prefix[] = { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0 };
	static const uint8_t pd[] = { 0, 56, 0x20, 0x01, 0x0d, 0xb8, 1, 0, 0 };
	static const uint8_t ifid[] = { 2, 0, 0x5e, 0xff, 0xfe, 0, 0x53, 1 };
	static const uint8_t zero_ifid[8] = { 0 };
	struct in6_addr d;

	radius_add(p, RADIUS_FRAMED_IPV6_PREFIX, bad_prefix, sizeof(bad_prefix));
	radius_add(p, RADIUS_FRAMED_IPV6_PREFIX, prefix, sizeof(prefix));
	radius_add(p, RADIUS_DELEGATED_IPV6_PREFIX, pd, sizeof(pd));
	radius_add(p, RADIUS_FRAMED_INTERFACE_ID, zero_ifid, sizeof(zero_ifid));
	radius_add(p, RADIUS_FRAMED_INTERFACE_ID, ifid, sizeof(ifid));
	inet_pton(AF_INET6, "ff02::1", &d);
	radius_add(p, RADIUS_DNS_SERVER_IPV6_ADDRESS, d.s6_addr, 16);
	inet_pton(AF_INET6, "2001:db8::53", &d);
	radius_add(p, RADIUS_DNS_SERVER_IPV6_ADDRESS, d.s6_addr, 16);
	inet_pton(AF_INET6, "2001:db8::54", &d);
	radius_add(p, RADIUS_DNS_SERVER_IPV6_ADDRESS, d.s6_addr, 16);
	inet_pton(AF_INET6, "2001:db8::55", &d);
	radius_add(p, RADIUS_DNS_SERVER_IPV6_ADDRESS, d.s6_addr, 16);
	radius_add(p, RADIUS_FRAMED_IPV6_POOL, "v6-users", 8);
	radius_add(p, RADIUS_DELEGATED_IPV6_PREFIX_POOL, "pd\x01", 3);
}

/* An Accept's IPv6 attributes reach the reply as struct vpdn_auth_ipv6;
 * the hostile ones are refused one by one, counted, the user let in;
 * an Accept without them gives ipv6 NULL. */
static void test_ipv6_attributes(void)
{
	uint64_t *refused = vpdn_core_counter(core, "radius_ipv6_refused_total", NULL);
	uint64_t before = *refused;
	struct fake_server s;
	struct result res;
	struct got g;
	char txt[INET6_ADDRSTRLEN];

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_ipv6);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_TRUE_FATAL(res.has_ipv6);
	inet_ntop(AF_INET6, &res.ipv6.framed_prefix, txt, sizeof(txt));
	CU_ASSERT_STRING_EQUAL(txt, "2001:db8:1::");
	CU_ASSERT_EQUAL(res.ipv6.framed_plen, 64);
	inet_ntop(AF_INET6, &res.ipv6.delegated_prefix, txt, sizeof(txt));
	CU_ASSERT_STRING_EQUAL(txt, "2001:db8:100::");
	CU_ASSERT_EQUAL(res.ipv6.delegated_plen, 56);
	CU_ASSERT_TRUE(res.ipv6.has_interface_id);
	CU_ASSERT_EQUAL(res.ipv6.interface_id[2], 0x5e);
	CU_ASSERT_EQUAL_FATAL(res.ipv6.n_dns, 2);
	inet_ntop(AF_INET6, &res.ipv6.dns[0], txt, sizeof(txt));
	CU_ASSERT_STRING_EQUAL(txt, "2001:db8::53");
	inet_ntop(AF_INET6, &res.ipv6.dns[1], txt, sizeof(txt));
	CU_ASSERT_STRING_EQUAL(txt, "2001:db8::54");
	CU_ASSERT_STRING_EQUAL(res.v6pool, "v6-users");
	CU_ASSERT_STRING_EQUAL(res.v6dpool, "pd?");
	/* plen 200, a zero interface id, ff02::1, the third server */
	CU_ASSERT_EQUAL(*refused - before, 4);
	/* none at all: NULL */
	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_FALSE(res.has_ipv6);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void test_framed_ip_forms(void)
{
	struct fake_server s;
	struct result res;
	struct got g;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_loopback);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_FALSE(res.ok);
	CU_ASSERT_PTR_NOT_NULL(strstr(res.reason, "Framed-IP-Address"));
	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_pool);
	turn();
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_EQUAL(res.addr.s_addr, 0);   /* the pool decides */
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* Framed-Route (RFC 2865 §5.22) values, one by one: what is kept and
 * what is refused (hostile: a default route, host bits, multicast, a third
 * party as gateway, garbage). */
static void test_framed_route_parse(void)
{
	static const struct { const char *text; const char *dst; int plen; uint32_t metric; int r; } v[] = {
		{ "10.1.0.0/16", "10.1.0.0", 16, 0, 0 },
		{ "10.1.0.0/16 0.0.0.0 1", "10.1.0.0", 16, 1, 0 },
		{ "192.168.1.0/24 17.17.17.1 1 2 -1 3 400", "192.168.1.0", 24, 1, 0 },
		{ "10.0.0.0", "10.0.0.0", 8, 0, 0 },          /* class A: /8 */
		{ "172.16.0.0 0.0.0.0 5", "172.16.0.0", 16, 5, 0 }, /* class B */
		{ "192.0.2.0", "192.0.2.0", 24, 0, 0 },       /* class C */
		{ "192.0.2.7/32", "192.0.2.7", 32, 0, 0 },
		{ "0.0.0.0/0 0.0.0.0 1", NULL, 0, 0, -EPERM },  /* default route */
		{ "10.1.2.0/16", NULL, 0, 0, -EINVAL },        /* host bits */
		{ "10.1.0.0/33", NULL, 0, 0, -EINVAL },
		{ "10.1.0.0/-1", NULL, 0, 0, -EINVAL },
		{ "10.1.0.0/16x", NULL, 0, 0, -EINVAL },
		{ "224.0.0.0/4", NULL, 0, 0, -EPERM },
		{ "127.0.0.0/8", NULL, 0, 0, -EPERM },
		{ "10.1.0.0/16 10.9.9.9 1", NULL, 0, 0, -EPERM },  /* third party */
		{ "10.1.0.0/16 0.0.0.0 65536", NULL, 0, 0, -EINVAL },
		{ "10.1.0.0/16 0.0.0.0 99999999999", NULL, 0, 0, -EINVAL },
		{ "bogus", NULL, 0, 0, -EINVAL },
		{ "", NULL, 0, 0, -EINVAL },
		{ "   ", NULL, 0, 0, -EINVAL },
	};
	struct in_addr user = { inet_addr("17.17.17.1") };

	for (size_t i = 0; i < G_N_ELEMENTS(v); i++) {
		struct vpdn_route4 rt = { 0 };
		const char *why = NULL;
		int r = radius_framed_route_parse((const uint8_t *)v[i].text, strlen(v[i].text),
						  user, &rt, &why);
		CU_ASSERT_EQUAL(r, v[i].r);
		if (r != v[i].r)
			fprintf(stderr, "Framed-Route \"%s\": %d (%s)\n", v[i].text, r, why);
		if (r == 0 && v[i].r == 0) {
			CU_ASSERT_EQUAL(rt.dst.s_addr, inet_addr(v[i].dst));
			CU_ASSERT_EQUAL(rt.plen, v[i].plen);
			CU_ASSERT_EQUAL(rt.metric, v[i].metric);
		} else {
			CU_ASSERT_PTR_NOT_NULL(why);
		}
	}
	/* a NUL inside the value is not text */
	struct vpdn_route4 rt;
	const char *why;
	CU_ASSERT_EQUAL(radius_framed_route_parse((const uint8_t *)"10.0.0.0/8\0x", 12, user, &rt,
						  &why), -EINVAL);
	/* Framed-IP-Netmask: the user's network, contiguous, at least /8 */
	struct in_addr a = { inet_addr("17.17.17.1") };
	CU_ASSERT_EQUAL(radius_framed_netmask_route(a, (struct in_addr){ inet_addr("255.255.255.248") },
						    &rt, &why), 1);
	CU_ASSERT_EQUAL(rt.dst.s_addr, inet_addr("17.17.17.0"));
	CU_ASSERT_EQUAL(rt.plen, 29);
	CU_ASSERT_EQUAL(radius_framed_netmask_route(a, (struct in_addr){ inet_addr("255.255.255.255") },
						    &rt, &why), 0);
	CU_ASSERT_EQUAL(radius_framed_netmask_route(a, (struct in_addr){ inet_addr("255.0.255.0") },
						    &rt, &why), -EINVAL);
	CU_ASSERT_EQUAL(radius_framed_netmask_route(a, (struct in_addr){ inet_addr("128.0.0.0") },
						    &rt, &why), -EPERM);
	CU_ASSERT_EQUAL(radius_framed_netmask_route((struct in_addr){ 0 },
						    (struct in_addr){ inet_addr("255.255.255.0") },
						    &rt, &why), -EINVAL);
}

static void add_routes(struct radius_pkt *p)
{
	static const char *r[] = { "10.1.0.0/16 0.0.0.0 1", "0.0.0.0/0 0.0.0.0 1",
				   "10.2.0.0/24 17.17.17.1", "10.3.3.3/24", "\x01\x02junk" };
	radius_add_u32(p, RADIUS_SERVICE_TYPE, 2);
	for (size_t i = 0; i < G_N_ELEMENTS(r); i++)
		radius_add(p, RADIUS_FRAMED_ROUTE, r[i], strlen(r[i]));
	radius_add_ipv4(p, RADIUS_FRAMED_IP_NETMASK, inet_addr("255.255.255.252"));
	radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("17.17.17.1")); /* after the routes */
	radius_add(p, RADIUS_FRAMED_POOL, "gold", 4);
	radius_add(p, RADIUS_REPLY_MESSAGE, "Welcome", 7);
}

/* An Access-Accept's routes reach the reply (to the PPP engine, then the
 * ip module); the hostile ones are refused, counted, and do not refuse the
 * user; Framed-Pool goes to the PPP engine (the ppp module's pools). */
static void test_framed_routes_in_reply(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	uint64_t *refused = vpdn_core_counter(core, "radius_routes_refused_total", NULL);
	uint64_t before = *refused;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_routes);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_STRING_EQUAL(res.peer_message, "Welcome");
	CU_ASSERT_STRING_EQUAL(res.framed_pool, "gold");
	CU_ASSERT_EQUAL_FATAL(res.n_routes, 3);
	CU_ASSERT_EQUAL(res.routes[0].dst.s_addr, inet_addr("17.17.17.0"));  /* the netmask's */
	CU_ASSERT_EQUAL(res.routes[0].plen, 30);
	CU_ASSERT_EQUAL(res.routes[1].dst.s_addr, inet_addr("10.1.0.0"));
	CU_ASSERT_EQUAL(res.routes[1].plen, 16);
	CU_ASSERT_EQUAL(res.routes[1].metric, 1);
	CU_ASSERT_EQUAL(res.routes[2].dst.s_addr, inet_addr("10.2.0.0"));
	CU_ASSERT_EQUAL(res.routes[2].plen, 24);
	CU_ASSERT_EQUAL(*refused - before, 3);   /* default route, host bits, junk */
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void test_chap_attributes(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint8_t chal[20], resp[16];

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	memset(chal, 0xC5, sizeof(chal));
	memset(resp, 0x5C, sizeof(resp));
	struct vpdn_ev_auth ev = { .size = sizeof(ev), .method = VPDN_AUTH_CHAP_MD5, .interface = "Vi2",
				   .user = "remote1@cisco.com", .chap_id = 0x42, .challenge = chal,
				   .challenge_len = sizeof(chal), .response = resp, .response_len = 16 };
	memset(&res, 0, sizeof(res));
	vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_AUTH_REQUEST, &ev, auth_done, &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_CHAP_PASSWORD, &a));
	CU_ASSERT_EQUAL(a.len, 17);
	CU_ASSERT_EQUAL(a.val[0], 0x42);
	CU_ASSERT(memcmp(a.val + 1, resp, 16) == 0);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_CHAP_CHALLENGE, &a));
	CU_ASSERT_EQUAL(a.len, sizeof(chal));
	CU_ASSERT_FALSE(radius_find(&g.v, RADIUS_USER_PASSWORD, &a));
	/* a response of the wrong size is refused without asking */
	ev.response_len = 15;
	struct result r2;
	memset(&r2, 0, sizeof(r2));
	vpdn_bus_request(vpdn_core_bus(core), VPDN_EV_AUTH_REQUEST, &ev, auth_done, &r2);
	CU_ASSERT_FALSE(r2.done); /* refused at once, delivered on the next turn */
	vpdn_bus_run_pending(vpdn_core_bus(core));
	CU_ASSERT_TRUE(r2.done);
	CU_ASSERT_EQUAL(r2.status, -EACCES);
	turn();
	CU_ASSERT_FALSE(server_recv(s.fd[0], &g));
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* Two servers, the first silent: `retries` tries on it, `timeout` apart,
 * then the second; the first is dead for dead-time (new requests go to
 * the second at once), then tried again. */
static void test_failover_dead_time(void)
{
	struct fake_server s1, s2;
	struct result res;
	struct got g;
	struct radius_server_stats st;

	server_open(&s1);
	server_open(&s2);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "server \"127.0.0.2\" { secret = \"other\" auth-port = %u acct-port = %u } "
			   "timeout = 1 retries = 3 dead-time = 30 }",
			   s1.port[0], s1.port[1], s2.port[0], s2.port[1]);
	/* 127.0.0.2 reaches our socket bound to 127.0.0.1? No: bind the
	 * second server to 127.0.0.1 too; the name is only a label. */
	cfg_free(cfg);
	cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
		    "server \"::ffff:127.0.0.1\" { secret = \"other\" auth-port = %u acct-port = %u } "
		    "timeout = 1 retries = 3 dead-time = 30 }",
		    s1.port[0], s1.port[1], s2.port[0], s2.port[1]);
	struct auth_radius *ar = start(cfg);
	struct radius_client *c = auth_radius_client(ar);

	pap("u", "p", "Vi1", &res);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 1);
	vpdn_timers_advance(tm, 999);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 0);
	vpdn_timers_advance(tm, 1);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 1);  /* try 2 */
	vpdn_timers_advance(tm, 1000);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 1);  /* try 3 */
	CU_ASSERT_FALSE(server_recv(s2.fd[0], &g));
	vpdn_timers_advance(tm, 1000);
	turn();
	CU_ASSERT_FATAL(server_recv(s2.fd[0], &g));  /* failed over */
	CU_ASSERT_EQUAL(radius_verify_request(&g.v, "other", 5, true), 0);
	radius_client_server_stats(c, 0, &st);
	CU_ASSERT_EQUAL(st.state, RADIUS_SERVER_DEAD);
	CU_ASSERT_EQUAL(st.retransmissions[RADIUS_SVC_AUTH], 2);
	CU_ASSERT_EQUAL(st.timeouts[RADIUS_SVC_AUTH], 1);
	answer(s2.fd[0], &g, RADIUS_ACCESS_ACCEPT, "other", true, NULL);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_TRUE(res.ok);
	/* within dead-time: straight to the second */
	pap("u", "p", "Vi2", &res);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 0);
	CU_ASSERT_FATAL(server_recv(s2.fd[0], &g));
	answer(s2.fd[0], &g, RADIUS_ACCESS_ACCEPT, "other", true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	/* dead-time over: 30 s after it died */
	vpdn_timers_advance(tm, 29999);
	pap("u", "p", "Vi3", &res);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 0);
	CU_ASSERT_FATAL(server_recv(s2.fd[0], &g));
	answer(s2.fd[0], &g, RADIUS_ACCESS_ACCEPT, "other", true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	vpdn_timers_advance(tm, 1);
	pap("u", "p", "Vi3", &res);
	turn();
	CU_ASSERT_EQUAL(server_drain(s1.fd[0]), 1);
	radius_client_server_stats(c, 0, &st);
	CU_ASSERT_EQUAL(st.state, RADIUS_SERVER_ALIVE);
	auth_radius_free(ar);
	CU_ASSERT_TRUE(res.done);             /* completed at stop */
	CU_ASSERT_EQUAL(res.status, -ESHUTDOWN);
	cfg_free(cfg);
	server_close(&s1);
	server_close(&s2);
}

static void test_all_dead_times_out(void)
{
	struct fake_server s;
	struct result res;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "timeout = 0.5 retries = 2 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	turn();
	vpdn_timers_advance(tm, 999);
	turn();
	CU_ASSERT_FALSE(res.done);
	vpdn_timers_advance(tm, 1);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, -ETIMEDOUT);
	CU_ASSERT_STRING_EQUAL(res.reason, "no RADIUS server answered");
	CU_ASSERT_EQUAL(server_drain(s.fd[0]), 2);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void test_bounded_in_flight(void)
{
	struct fake_server s;
	struct result res[6];
	struct got g;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "max-in-flight = 2 max-queued = 3 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct radius_client *c = auth_radius_client(ar);

	for (int i = 0; i < 6; i++)
		pap("u", "p", "Vi1", &res[i]);
	/* 3 queued at most: the others refused at once */
	CU_ASSERT_TRUE(res[3].done);
	CU_ASSERT_EQUAL(res[3].status, -ENOBUFS);
	CU_ASSERT_TRUE(res[5].done);
	turn();
	CU_ASSERT_EQUAL(radius_client_in_flight(c, RADIUS_SVC_AUTH), 2);
	CU_ASSERT_EQUAL(radius_client_queued(c, RADIUS_SVC_AUTH), 1);
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_REJECT, SECRET, true, NULL);
	turn();
	CU_ASSERT_EQUAL(radius_client_in_flight(c, RADIUS_SVC_AUTH), 2);
	CU_ASSERT_EQUAL(radius_client_queued(c, RADIUS_SVC_AUTH), 0);
	/* identifiers differ */
	struct got g2, g3;
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g2));
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g3));
	CU_ASSERT_NOT_EQUAL(g2.v.id, g3.v.id);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void null_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
}
static const struct vpdn_link_ops null_end = { .frame = null_frame };

/* A fake ip module answering INTERFACE_COUNTERS: IPv6 counters with
 * octets past 2^32 (the gigawords), until the interface is gone. */
static bool fake_ip_gone;
static enum vpdn_bus_verdict fake_ip_counters(const struct vpdn_event *e, void *data)
{
	struct vpdn_ev_interface_counters_reply r = {
		.size = sizeof(r), .in_octets6 = (3ull << 32) + 1500, .out_octets6 = 640,
		.in_packets6 = 7, .out_packets6 = 5, .ipv6 = true,
	};
	struct vpdn_request *req;

	if (fake_ip_gone || !(req = vpdn_event_take_request(e)))
		return VPDN_BUS_PASS;
	vpdn_request_complete(req, 0, &r);
	return VPDN_BUS_CLAIM;
}
static enum vpdn_bus_verdict fake_ip_down(const struct vpdn_event *e, void *data)
{
	fake_ip_gone = true;    /* as the ip module frees a Virtual-Access */
	return VPDN_BUS_PASS;
}

static uint32_t attr_status(const struct radius_view *v)
{
	struct radius_attr a;
	uint32_t u = 0;

	if (radius_find(v, RADIUS_ACCT_STATUS_TYPE, &a))
		radius_attr_u32(&a, &u);
	return u;
}

/* The ERX-IPv6-Acct-* VSA (vendor 4874) vtype of g's packet, as u32. */
static bool find_erx(const struct radius_view *v, uint8_t vtype, uint32_t *out)
{
	struct radius_attr a;
	size_t pos = 0;

	while (radius_next(v, &pos, &a)) {
		uint32_t vendor;
		uint8_t t;
		const uint8_t *val;
		size_t len;
		if (a.type != RADIUS_VENDOR_SPECIFIC ||
		    radius_attr_vsa(&a, &vendor, &t, &val, &len) < 0 || vendor != 4874 || t != vtype)
			continue;
		if (len != 4)
			return false;
		*out = (uint32_t)val[0] << 24 | (uint32_t)val[1] << 16 | (uint32_t)val[2] << 8 | val[3];
		return true;
	}
	return false;
}

/* Accounting: Start at network up, Stop at down with the link's counters
 * and the cause (and the ip module's IPv6 counters as ERX VSAs, asked
 * before the interface goes); while the server is silent the records wait, and they
 * arrive in order once it answers. */
static void test_accounting(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint32_t u;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "timeout = 1 retries = 1 dead-time = 5 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);
	fake_ip_gone = false;
	struct vpdn_subscription *sc = vpdn_bus_subscribe(bus, VPDN_EV_INTERFACE_COUNTERS,
							  fake_ip_counters, NULL);
	struct vpdn_subscription *sd = vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_DOWN,
							  fake_ip_down, NULL);

	pap("remote1@cisco.com", "cisco", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_framed);
	turn();
	CU_ASSERT_TRUE(res.ok);

	struct vpdn_link *net = vpdn_link_new("Vi1");
	vpdn_link_attach(net, VPDN_LINK_A, &null_end, NULL);
	vpdn_link_attach(net, VPDN_LINK_B, &null_end, NULL);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi1", .user = "remote1@cisco.com",
					 .net = net };
	n.peer.s_addr = inet_addr("17.17.17.1");
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_EQUAL(g.v.code, RADIUS_ACCOUNTING_REQUEST);
	CU_ASSERT_EQUAL(radius_verify_request(&g.v, SECRET, strlen(SECRET), true), 0);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_STATUS_TYPE, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, RADIUS_ACCT_START);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_CLASS, &a));
	CU_ASSERT(a.len == 4 && memcmp(a.val, "gold", 4) == 0);
	CU_ASSERT_FALSE(find_erx(&g.v, 151, &u));     /* no counters in a Start */
	/* the server does not answer: the Start is retried, the Stop waits */
	vpdn_link_send(net, VPDN_LINK_A, (const uint8_t *)"0123456789", 10);   /* input */
	vpdn_link_send(net, VPDN_LINK_A, (const uint8_t *)"01234", 5);
	vpdn_link_send(net, VPDN_LINK_B, (const uint8_t *)"abc", 3);          /* output */
	struct vpdn_ev_ppp d = { .size = sizeof(d), .interface = "Vi1", .disconnect_known = true,
				 .disconnect_code = VPDN_PPP_DISC_NORMAL,
				 .disconnect_direction = VPDN_PPP_DISC_AT_PEER };
	struct vpdn_ev_session se = { .size = sizeof(se), .interface = "Vi1", .calling = "6122" };
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, &se);
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	vpdn_bus_publish(bus, VPDN_EV_PPP_DOWN, &d);
	/* the L2TP session goes in the same tear-down, before the Stop */
	vpdn_bus_publish(bus, VPDN_EV_SESSION_DOWN, &se);
	turn();
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);   /* nothing left behind */
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	for (int i = 0; i < 5; i++) {
		vpdn_timers_advance(tm, 1000);
		turn();
	}
	/* every try so far was the Start or the Stop; no answer yet */
	server_drain(s.fd[1]);
	vpdn_timers_advance(tm, 1000);
	turn();
	/* answer whatever arrives, in order: Start first */
	uint32_t order[4];
	unsigned n_order = 0;
	for (int round = 0; round < 10 && n_order < 2; round++) {
		while (server_recv(s.fd[1], &g)) {
			CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_STATUS_TYPE, &a));
			radius_attr_u32(&a, &u);
			if (n_order < 4 && (n_order == 0 || order[n_order - 1] != u))
				order[n_order++] = u;
			if (u == RADIUS_ACCT_STOP) {
				CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_INPUT_OCTETS, &a));
				radius_attr_u32(&a, &u);
				CU_ASSERT_EQUAL(u, 15);
				CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_OUTPUT_PACKETS, &a));
				radius_attr_u32(&a, &u);
				CU_ASSERT_EQUAL(u, 1);
				CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_TERMINATE_CAUSE, &a));
				radius_attr_u32(&a, &u);
				CU_ASSERT_EQUAL(u, RADIUS_TERM_USER_REQUEST);
				CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_DELAY_TIME, &a));
				radius_attr_u32(&a, &u);
				CU_ASSERT(u >= 5);
				/* IPv6 (ERX, 4874): octets, packets, gigawords */
				CU_ASSERT(find_erx(&g.v, 151, &u) && u == 1500);
				CU_ASSERT(find_erx(&g.v, 152, &u) && u == 640);
				CU_ASSERT(find_erx(&g.v, 153, &u) && u == 7);
				CU_ASSERT(find_erx(&g.v, 154, &u) && u == 5);
				CU_ASSERT(find_erx(&g.v, 155, &u) && u == 3);
				CU_ASSERT(find_erx(&g.v, 156, &u) && u == 0);
			}
			answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
			turn();   /* the answer arrives before the next timeout */
		}
		vpdn_timers_advance(tm, 1000);
		turn();
	}
	CU_ASSERT_EQUAL(n_order, 2);
	CU_ASSERT_EQUAL(order[0], RADIUS_ACCT_START);
	CU_ASSERT_EQUAL(order[1], RADIUS_ACCT_STOP);
	CU_ASSERT_EQUAL(auth_radius_acct_dropped(ar), 0);
	vpdn_bus_unsubscribe(bus, sc);
	vpdn_bus_unsubscribe(bus, sd);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* Restart in place (issue #21): a session's IPv4 and IPv6 counters saved
 * with it are added to what the next process counts, so the Stop after
 * the restart reports the whole session, gigawords included; no second
 * Start. */
static void test_acct_restart_ipv6(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint32_t u;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "timeout = 1 retries = 1 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);
	fake_ip_gone = false;
	struct vpdn_subscription *sc = vpdn_bus_subscribe(bus, VPDN_EV_INTERFACE_COUNTERS,
							  fake_ip_counters, NULL);
	struct vpdn_subscription *sd = vpdn_bus_subscribe(bus, VPDN_EV_PPP_NETWORK_DOWN,
							  fake_ip_down, NULL);

	pap("remote1@cisco.com", "cisco", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	struct vpdn_link *net = vpdn_link_new("Vi1");
	vpdn_link_attach(net, VPDN_LINK_A, &null_end, NULL);
	vpdn_link_attach(net, VPDN_LINK_B, &null_end, NULL);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi1", .user = "remote1@cisco.com",
					 .net = net };
	n.peer.s_addr = inet_addr("17.17.17.1");
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_EQUAL(attr_status(&g.v), RADIUS_ACCT_START);
	answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
	turn();
	vpdn_link_send(net, VPDN_LINK_A, (const uint8_t *)"0123456789", 10);   /* input */
	vpdn_link_send(net, VPDN_LINK_B, (const uint8_t *)"abc", 3);          /* output */

	GVariant *st = auth_radius_save(ar);
	CU_ASSERT_PTR_NOT_NULL_FATAL(st);
	g_variant_ref_sink(st);
	auth_radius_free(ar);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	turn();
	CU_ASSERT_FALSE(server_recv(s.fd[1], &g));        /* saved: no Stop */

	/* the next process: ppp brings Vi1 back on a new link */
	ar = start(cfg);
	CU_ASSERT_EQUAL(auth_radius_restore(ar, st, ACCT_STATE_VERSION), 0);
	g_variant_unref(st);
	net = vpdn_link_new("Vi1");
	vpdn_link_attach(net, VPDN_LINK_A, &null_end, NULL);
	vpdn_link_attach(net, VPDN_LINK_B, &null_end, NULL);
	n.net = net;
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FALSE(server_recv(s.fd[1], &g));        /* taken back: no Start */
	vpdn_link_send(net, VPDN_LINK_A, (const uint8_t *)"01234", 5);
	vpdn_link_send(net, VPDN_LINK_B, (const uint8_t *)"abc", 3);
	struct vpdn_ev_ppp d = { .size = sizeof(d), .interface = "Vi1", .disconnect_known = true,
				 .disconnect_code = VPDN_PPP_DISC_NORMAL,
				 .disconnect_direction = VPDN_PPP_DISC_AT_PEER };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	vpdn_bus_publish(bus, VPDN_EV_PPP_DOWN, &d);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_EQUAL(attr_status(&g.v), RADIUS_ACCT_STOP);
	CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_INPUT_OCTETS, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, 15);                          /* 10 before, 5 after */
	CU_ASSERT(radius_find(&g.v, RADIUS_ACCT_OUTPUT_PACKETS, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, 2);
	/* IPv6 (ERX, 4874): twice the fake ip module's counters, each
	 * (3 << 32) + 1500 octets in: 3000 and 6 gigawords */
	CU_ASSERT(find_erx(&g.v, 151, &u) && u == 3000);
	CU_ASSERT(find_erx(&g.v, 152, &u) && u == 1280);
	CU_ASSERT(find_erx(&g.v, 153, &u) && u == 14);
	CU_ASSERT(find_erx(&g.v, 154, &u) && u == 10);
	CU_ASSERT(find_erx(&g.v, 155, &u) && u == 6);
	CU_ASSERT(find_erx(&g.v, 156, &u) && u == 0);
	answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
	turn();
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);
	CU_ASSERT_EQUAL(auth_radius_acct_dropped(ar), 0);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	vpdn_bus_unsubscribe(bus, sc);
	vpdn_bus_unsubscribe(bus, sd);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* Session-Timeout from the Accept ends the network (hang-up from the IP
 * end) and the Stop says Session-Timeout. */
static bool hung;
static void on_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	hung = true;
}
static const struct vpdn_link_ops ppp_end = { .hangup = on_hangup };

static void test_session_timeout(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint32_t u;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	pap("remote1@cisco.com", "cisco", "Vi4", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_framed);  /* 30 s */
	turn();
	struct vpdn_link *net = vpdn_link_new("Vi4");
	vpdn_link_attach(net, VPDN_LINK_A, &ppp_end, NULL);
	struct vpdn_ev_session se = { .size = sizeof(se), .interface = "Vi4", .calling = "6122",
				      .called = "8211" };
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, &se);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi4", .user = "remote1@cisco.com",
					 .net = net };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
	turn();
	hung = false;
	vpdn_timers_advance(tm, 29999);
	CU_ASSERT_FALSE(hung);
	vpdn_timers_advance(tm, 1);
	CU_ASSERT_TRUE(hung);
	/* PPP closes the network */
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_TERMINATE_CAUSE, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, RADIUS_TERM_SESSION_TIMEOUT);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_TIME, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, 30);
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_CALLING_STATION_ID, &a));
	CU_ASSERT(a.len == 4 && memcmp(a.val, "6122", 4) == 0);
	/* the L2TP session goes after the Stop: nothing is left behind */
	vpdn_bus_publish(bus, VPDN_EV_SESSION_DOWN, &se);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);
	CU_ASSERT_EQUAL(auth_radius_sessions(ar), 0);
	/* an Accept whose PPP dies before IPCP: dropped at PPP_DOWN */
	pap("remote1@cisco.com", "cisco", "Vi5", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 1);
	struct vpdn_ev_ppp d = { .size = sizeof(d), .interface = "Vi5" };
	vpdn_bus_publish(bus, VPDN_EV_PPP_DOWN, &d);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_unref(net);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}


static void add_idle(struct radius_pkt *p)
{
	radius_add_u32(p, RADIUS_IDLE_TIMEOUT, 10);
}

/* Idle-Timeout: traffic in a period keeps the session; a whole period
 * without a frame ends it, and the Stop says Idle-Timeout. */
static void test_idle_timeout(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint32_t u = 0;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			   s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	pap("u", "p", "Vi8", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_idle);
	turn();
	struct vpdn_link *net = vpdn_link_new("Vi8");
	vpdn_link_attach(net, VPDN_LINK_A, &ppp_end, NULL);
	vpdn_link_attach(net, VPDN_LINK_B, &null_end, NULL);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi8", .user = "u", .net = net };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
	turn();
	hung = false;
	/* a frame in every period: up after 30 s */
	for (int i = 0; i < 3; i++) {
		vpdn_timers_advance(tm, 5000);
		vpdn_link_send(net, VPDN_LINK_A, (const uint8_t *)"x", 1);
		vpdn_timers_advance(tm, 5000);
	}
	CU_ASSERT_FALSE(hung);
	/* silent from here: ended within two periods */
	vpdn_timers_advance(tm, 20000);
	CU_ASSERT_TRUE(hung);
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_TERMINATE_CAUSE, &a));
	radius_attr_u32(&a, &u);
	CU_ASSERT_EQUAL(u, RADIUS_TERM_IDLE_TIMEOUT);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* RFC 5176: Disconnect-Request / CoA-Request from a configured client. */
static uint16_t free_port(void)
{
	uint16_t port;
	int fd = udp_bound(&port);

	close(fd);
	return port;
}

/* Send a DAE request to port with secret; returns the answer's code (0:
 * none) and its Error-Cause in *cause. */
static int dae_send(uint16_t port, const char *secret, uint8_t code,
		    void (*add)(struct radius_pkt *p), uint32_t *cause)
{
	static uint8_t id;
	struct sockaddr_in to = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons(port) };
	struct radius_pkt p;
	struct got g;
	uint16_t me;
	int fd = udp_bound(&me);
	struct radius_attr a;
	int ret = 0;

	radius_pkt_init(&p, code, ++id, NULL);
	add(&p);
	radius_finish_request(&p, secret, strlen(secret));
	sendto(fd, p.buf, p.len, 0, (struct sockaddr *)&to, sizeof(to));
	turn();
	*cause = 0;
	if (server_recv(fd, &g)) {
		ret = g.v.code;
		CU_ASSERT_EQUAL(g.v.id, id);
		CU_ASSERT_EQUAL(radius_verify_response(&g.v, p.buf + 4, secret, strlen(secret), false), 0);
		if (radius_find(&g.v, RADIUS_ERROR_CAUSE, &a))
			radius_attr_u32(&a, cause);
	}
	close(fd);
	return ret;
}

/* accounting = false: the session is still kept (Session-Timeout,
 * Idle-Timeout and DAE need it) but the L2TP numbers, kept only for
 * records, are not, and nothing goes to the accounting port. */
static void test_accounting_off(void)
{
	struct fake_server s;
	struct result res;
	struct got g;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "accounting = false }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	pap("u", "p", "Vi9", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 1);   /* the Accept, until IPCP */
	struct vpdn_ev_session se = { .size = sizeof(se), .interface = "Vi9", .calling = "6122" };
	vpdn_bus_publish(bus, VPDN_EV_SESSION_UP, &se);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 1);   /* no line kept */
	struct vpdn_link *net = vpdn_link_new("Vi9");
	vpdn_link_attach(net, VPDN_LINK_A, &ppp_end, NULL);
	vpdn_link_attach(net, VPDN_LINK_B, &null_end, NULL);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi9", .user = "u", .net = net };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_EQUAL(auth_radius_sessions(ar), 1);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);
	struct vpdn_ev_ppp d = { .size = sizeof(d), .interface = "Vi9" };
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	vpdn_bus_publish(bus, VPDN_EV_PPP_DOWN, &d);
	vpdn_bus_publish(bus, VPDN_EV_SESSION_DOWN, &se);
	turn();
	CU_ASSERT_EQUAL(auth_radius_sessions(ar), 0);
	CU_ASSERT_EQUAL(auth_radius_acct_pending(ar), 0);
	CU_ASSERT_FALSE(server_recv(s.fd[1], &g));           /* no Start, no Stop */
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_detach(net, VPDN_LINK_B);
	vpdn_link_unref(net);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static char dae_sid[64];
static void add_sid(struct radius_pkt *p) { radius_add_str(p, RADIUS_ACCT_SESSION_ID, dae_sid); }
static void add_bad_sid(struct radius_pkt *p) { radius_add_str(p, RADIUS_ACCT_SESSION_ID, "nope"); }
static void add_user_wrong_nas(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_USER_NAME, "remote1@cisco.com");
	radius_add_str(p, RADIUS_NAS_IDENTIFIER, "other-nas");
}
static void add_nothing(struct radius_pkt *p) { radius_add_str(p, RADIUS_NAS_IDENTIFIER, "LNS"); }
static void add_coa(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_USER_NAME, "remote1@cisco.com");
	radius_add_u32(p, RADIUS_SESSION_TIMEOUT, 100);
}
static void add_coa_filter(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_USER_NAME, "remote1@cisco.com");
	radius_add_str(p, RADIUS_FILTER_ID, "x");
}
static void add_port(struct radius_pkt *p)
{
	radius_add_str(p, RADIUS_NAS_PORT_ID, "Vi6");
	radius_add_ipv4(p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("17.17.17.1"));
}

static void test_dynamic_authorization(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	uint32_t cause;
	uint16_t dport = free_port();

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "nas-identifier = \"LNS\" "
			   "dynamic-authorization { port = %u client \"127.0.0.1\" { secret = \"daesecret\" } } }",
			   s.port[0], s.port[1], dport);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	pap("remote1@cisco.com", "cisco", "Vi6", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, add_framed);  /* Session-Timeout 30 */
	turn();
	struct vpdn_link *net = vpdn_link_new("Vi6");
	vpdn_link_attach(net, VPDN_LINK_A, &ppp_end, NULL);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi6", .user = "remote1@cisco.com",
					 .net = net };
	n.peer.s_addr = inet_addr("17.17.17.1");
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
	CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a));
	memcpy(dae_sid, a.val, a.len);
	dae_sid[a.len] = 0;
	/* Acct-Session-Id: 8 hex of the start time, 4 random, 8 of the count */
	CU_ASSERT_EQUAL(a.len, 20);
	for (size_t i = 0; i < a.len; i++)
		CU_ASSERT(g_ascii_isxdigit(dae_sid[i]) && !g_ascii_islower(dae_sid[i]));
	CU_ASSERT_EQUAL(strtoul(dae_sid + 12, NULL, 16), 1);
	answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
	turn();
	hung = false;

	/* the wrong secret: dropped, no answer */
	CU_ASSERT_EQUAL(dae_send(dport, "wrong", RADIUS_DISCONNECT_REQUEST, add_sid, &cause), 0);
	CU_ASSERT_FALSE(hung);
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_DISCONNECT_REQUEST, add_bad_sid, &cause),
			RADIUS_DISCONNECT_NAK);
	CU_ASSERT_EQUAL(cause, 503);
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_DISCONNECT_REQUEST, add_user_wrong_nas, &cause),
			RADIUS_DISCONNECT_NAK);
	CU_ASSERT_EQUAL(cause, 403);
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_DISCONNECT_REQUEST, add_nothing, &cause),
			RADIUS_DISCONNECT_NAK);
	CU_ASSERT_EQUAL(cause, 402);
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_COA_REQUEST, add_coa_filter, &cause),
			RADIUS_COA_NAK);
	CU_ASSERT_EQUAL(cause, 401);
	CU_ASSERT_FALSE(hung);
	/* CoA: Session-Timeout 30 -> 100 s (from the start) */
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_COA_REQUEST, add_coa, &cause), RADIUS_COA_ACK);
	vpdn_timers_advance(tm, 31000);
	CU_ASSERT_FALSE(hung);
	/* Disconnect by NAS-Port-Id + Framed-IP-Address */
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_DISCONNECT_REQUEST, add_port, &cause),
			RADIUS_DISCONNECT_ACK);
	CU_ASSERT_TRUE(hung);
	vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_DOWN, &n);
	turn();
	while (server_recv(s.fd[1], &g)) {
		uint32_t u = 0;
		if (radius_find(&g.v, RADIUS_ACCT_TERMINATE_CAUSE, &a))
			radius_attr_u32(&a, &u);
		if (u)
			CU_ASSERT_EQUAL(u, RADIUS_TERM_ADMIN_RESET);
	}
	/* the session is gone: a second Disconnect finds nothing */
	CU_ASSERT_EQUAL(dae_send(dport, "daesecret", RADIUS_DISCONNECT_REQUEST, add_sid, &cause),
			RADIUS_DISCONNECT_NAK);
	CU_ASSERT_EQUAL(cause, 503);
	vpdn_link_detach(net, VPDN_LINK_A);
	vpdn_link_unref(net);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}


/* Retransmissions to the same server are the same octets under the same
 * identifier (a late answer still counts); an accounting request built
 * again for the next round gets a new identifier and its grown
 * Acct-Delay-Time (RFC 2866 §5.2). */
static void test_acct_retransmission(void)
{
	struct fake_server s;
	struct result res;
	struct got g1, g2, g3, a1, a2;
	struct radius_attr a;
	uint32_t d1 = 99, d3 = 0;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "timeout = 2 retries = 2 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi7", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &a1));
	vpdn_timers_advance(tm, 2000);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &a2));
	CU_ASSERT_EQUAL(a1.len, a2.len);
	CU_ASSERT(memcmp(a1.buf, a2.buf, a1.len) == 0);
	/* the answer to the first try, arriving late, still counts */
	answer(s.fd[0], &a1, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = "Vi7", .user = "u" };
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &n);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g1));
	vpdn_timers_advance(tm, 2000);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g2));
	CU_ASSERT_EQUAL(g1.v.id, g2.v.id);
	CU_ASSERT(g1.len == g2.len && memcmp(g1.buf, g2.buf, g1.len) == 0);
	vpdn_timers_advance(tm, 2000);   /* both tries unanswered: next round */
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[1], &g3));
	CU_ASSERT_NOT_EQUAL(g1.v.id, g3.v.id);
	CU_ASSERT_FATAL(radius_find(&g1.v, RADIUS_ACCT_DELAY_TIME, &a));
	radius_attr_u32(&a, &d1);
	CU_ASSERT_FATAL(radius_find(&g3.v, RADIUS_ACCT_DELAY_TIME, &a));
	radius_attr_u32(&a, &d3);
	CU_ASSERT_EQUAL(d1, 0);
	CU_ASSERT_EQUAL(d3, 4);
	CU_ASSERT_EQUAL(radius_verify_request(&g3.v, SECRET, strlen(SECRET), true), 0);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

/* While accounting goes unanswered only the oldest record is on the
 * wire: the younger ones wait, and reach the server after it, in order. */
static void test_acct_order_under_outage(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	struct radius_attr a;
	char iface[8];
	char sids[3][64];
	unsigned got = 0;

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "timeout = 1 retries = 1 dead-time = 3 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);

	for (int i = 0; i < 3; i++) {
		snprintf(iface, sizeof(iface), "Vi%d", 20 + i);
		pap("u", "p", iface, &res);
		turn();
		CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
		answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
		turn();
		struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = iface, .user = "u" };
		vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &n);
		turn();
		if (i == 0) {
			/* the first Start goes unanswered: the server is away */
			CU_ASSERT_FATAL(server_recv(s.fd[1], &g));
			vpdn_timers_advance(tm, 1000);
			turn();
			/* the younger records start half a timeout later: on
			 * the wire together, their tries would reach the
			 * server before the oldest's next one */
			vpdn_timers_advance(tm, 500);
			turn();
		}
	}
	/* the oldest is tried again at 2 s, the younger ones would be at
	 * 2.5 s: the server comes back at 2.25 s */
	vpdn_timers_advance(tm, 750);
	turn();
	server_drain(s.fd[1]);
	/* the server is back: answer what comes, one round at a time */
	for (int round = 0; round < 80 && got < 3; round++) {
		while (server_recv(s.fd[1], &g)) {
			CU_ASSERT_FATAL(radius_find(&g.v, RADIUS_ACCT_SESSION_ID, &a));
			memcpy(sids[got < 3 ? got : 2], a.val, a.len);
			sids[got < 3 ? got : 2][a.len] = 0;
			if (got == 0 || strcmp(sids[got - 1], sids[got < 3 ? got : 2]) != 0)
				got++;
			answer(s.fd[1], &g, RADIUS_ACCOUNTING_RESPONSE, SECRET, false, NULL);
			turn();
		}
		vpdn_timers_advance(tm, 250);
		turn();
	}
	CU_ASSERT_EQUAL_FATAL(got, 3);
	/* session ids grow with the sessions: delivered oldest first */
	CU_ASSERT(strcmp(sids[0], sids[1]) < 0);
	CU_ASSERT(strcmp(sids[1], sids[2]) < 0);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void test_acct_queue_full(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	char iface[8];

	server_open(&s);
	cfg_t *cfg = parse("radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			   "acct-queue = 2 }", s.port[0], s.port[1]);
	struct auth_radius *ar = start(cfg);
	struct vpdn_bus *bus = vpdn_core_bus(core);

	for (int i = 0; i < 3; i++) {
		snprintf(iface, sizeof(iface), "Vi%d", 10 + i);
		pap("u", "p", iface, &res);
		turn();
		CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
		answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
		turn();
		struct vpdn_ev_ppp_network n = { .size = sizeof(n), .interface = iface, .user = "u" };
		vpdn_bus_publish(bus, VPDN_EV_PPP_NETWORK_UP, &n);
	}
	CU_ASSERT_EQUAL(auth_radius_acct_dropped(ar), 1);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}


/* auth-local first with authoritative = false, then auth-radius: local
 * users answered locally (no packet), the others by RADIUS. */
static void test_local_then_radius(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	cfg_opt_t opts[8];
	unsigned n = 0;
	char *text;

	for (cfg_opt_t *o = auth_local_options; o->name; o++)
		opts[n++] = *o;
	for (cfg_opt_t *o = auth_radius_options; o->name; o++)
		opts[n++] = *o;
	opts[n] = (cfg_opt_t)CFG_END();
	server_open(&s);
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	text = g_strdup_printf("username \"local1\" { password = \"pw1\" } "
			       "auth-local { authoritative = false } "
			       "radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } }",
			       s.port[0], s.port[1]);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	g_free(text);
	struct auth_local *al = NULL;
	CU_ASSERT_EQUAL_FATAL(auth_local_new(core, cfg, &al), 0);
	struct auth_radius *ar = start(cfg);

	pap("local1", "pw1", "Vi1", &res);
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_TRUE(res.ok);
	turn();
	CU_ASSERT_FALSE(server_recv(s.fd[0], &g));
	pap("local1", "bad", "Vi1", &res);        /* a local user's wrong password: no RADIUS */
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_FALSE(res.ok);
	turn();
	CU_ASSERT_FALSE(server_recv(s.fd[0], &g));
	pap("radius1", "pw", "Vi1", &res);
	CU_ASSERT_FALSE(res.done);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_ACCEPT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.ok);
	auth_radius_free(ar);
	auth_local_free(al);
	cfg_free(cfg);
	server_close(&s);
}


/* RADIUS first with fallback = true, auth-local after it: a user is
 * asked locally only when no server answered; a server's reject is
 * final. */
static void test_radius_then_local(void)
{
	struct fake_server s;
	struct result res;
	struct got g;
	cfg_opt_t opts[8];
	unsigned n = 0;
	char *text;

	for (cfg_opt_t *o = auth_local_options; o->name; o++)
		opts[n++] = *o;
	for (cfg_opt_t *o = auth_radius_options; o->name; o++)
		opts[n++] = *o;
	opts[n] = (cfg_opt_t)CFG_END();
	server_open(&s);
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	text = g_strdup_printf("username \"local1\" { password = \"pw1\" } "
			       "radius { server \"127.0.0.1\" { secret = \"" SECRET "\" auth-port = %u acct-port = %u } "
			       "timeout = 1 retries = 1 fallback = true }",
			       s.port[0], s.port[1]);
	CU_ASSERT_EQUAL_FATAL(cfg_parse_buf(cfg, text), CFG_SUCCESS);
	g_free(text);
	struct auth_radius *ar = start(cfg);
	struct auth_local *al = NULL;
	CU_ASSERT_EQUAL_FATAL(auth_local_new(core, cfg, &al), 0);

	/* the server rejects: final, auth-local is not asked */
	pap("local1", "pw1", "Vi1", &res);
	turn();
	CU_ASSERT_FATAL(server_recv(s.fd[0], &g));
	answer(s.fd[0], &g, RADIUS_ACCESS_REJECT, SECRET, true, NULL);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_FALSE(res.ok);
	CU_ASSERT_EQUAL(res.status, -EACCES);
	/* the server silent: auth-local answers after the timeout */
	pap("local1", "pw1", "Vi1", &res);
	turn();
	CU_ASSERT_FALSE(res.done);
	vpdn_timers_advance(tm, 1000);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_TRUE(res.ok);
	CU_ASSERT_EQUAL(res.status, 0);
	/* ... and refuses what it refuses */
	pap("local1", "bad", "Vi1", &res);
	vpdn_timers_advance(tm, 0);
	vpdn_timers_advance(tm, 1000);
	turn();
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_FALSE(res.ok);
	server_drain(s.fd[0]);
	auth_local_free(al);
	auth_radius_free(ar);
	cfg_free(cfg);
	server_close(&s);
}

static void test_config_errors(void)
{
	cfg_t *cfg;

	cfg = parse("radius { server \"radius.example.com\" { secret = \"x\" } }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse("radius { server \"127.0.0.1\" { } }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse("radius { server \"127.0.0.1\" { secret = \"x\" auth-port = 70000 } }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse("radius { retries = 0 }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse("radius { timeout = 0 }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse("radius { server \"::1\" { secret = \"x\" } nas-ip-address = \"192.0.2.1\" }");
	CU_ASSERT_EQUAL(auth_radius_check(cfg), 0);
	cfg_free(cfg);
}

/* Without servers the module passes (auth-local may answer). */
static void test_no_server_passes(void)
{
	struct result res;
	cfg_t *cfg = parse("radius { }");
	struct auth_radius *ar = start(cfg);

	pap("u", "p", "Vi1", &res);
	CU_ASSERT_TRUE(res.done);
	CU_ASSERT_EQUAL(res.status, -ENOENT);
	auth_radius_free(ar);
	cfg_free(cfg);
}

static const struct vpdn_test_case tests[] = {
	{"PAP accepted, Framed-IP-Address", test_pap_accept},
	{"answers without/with wrong MA dropped", test_answer_verification},
	{"Reject carries Reply-Message", test_reject_reply_message},
	{"Accept for Login service refused", test_accept_refused},
	{"Framed-Route values parsed, hostile ones refused", test_framed_route_parse},
	{"Framed-Route / -Netmask, Framed-Pool in the reply", test_framed_routes_in_reply},
	{"Framed-IP-Address loopback refused, pool", test_framed_ip_forms},
	{"Filter-Id: known accepted, unknown refused", test_filter_id},
	{"IPv6 prefixes: lengths, host bits, scopes", test_prefix6_parse},
	{"IPv6 attributes into vpdn_auth_ipv6, hostile ones refused", test_ipv6_attributes},
	{"CHAP-Password and CHAP-Challenge", test_chap_attributes},
	{"failover, retransmission, dead-time", test_failover_dead_time},
	{"every server silent: timed out", test_all_dead_times_out},
	{"bounded in flight and queued", test_bounded_in_flight},
	{"accounting Start/Stop in order", test_accounting},
	{"accounting off: session kept, no line, no records", test_accounting_off},
	{"restart in place: IPv4 and IPv6 counters carried into the Stop", test_acct_restart_ipv6},
	{"Session-Timeout ends the session", test_session_timeout},
	{"retransmission: same octets; next round: new id, Acct-Delay-Time", test_acct_retransmission},
	{"accounting in order through an outage", test_acct_order_under_outage},
	{"Idle-Timeout ends an idle session", test_idle_timeout},
	{"accounting queue full", test_acct_queue_full},
	{"Disconnect-Request and CoA-Request", test_dynamic_authorization},
	{"auth-local first, then RADIUS", test_local_then_radius},
	{"RADIUS first, auth-local when unreachable", test_radius_then_local},
	{"config errors", test_config_errors},
	{"no server: passed on", test_no_server_passes},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"auth-radius", tests, setup, teardown},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
