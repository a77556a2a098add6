/* SPDX-License-Identifier: MIT */
/*
 * modules/dhcpv6: the client state machine (requesting router) against
 * the module's own server: two test cores (fake clocks), each with a
 * dhcpv6 module; the fake io queues datagrams between them and the test
 * pumps the queue, so every step is seen. Also the client alone against
 * hand-made hostile answers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/interface.h>

#include "dhcpv6-module.h"
#include "dhcpv6.h"
#include "vpdn_test.h"

static const char server_conf[] =
	"dhcpv6-pool \"subs\" {\n"
	"  prefix = \"2001:db8:100::/40\"\n"
	"  assign-length = 56\n"
	"  preferred-lifetime = 600\n"
	"  valid-lifetime = 1200\n"
	"  dns = {\"2001:db8::53\"}\n"
	"}\n"
	"interface \"Virtual-Template1\" { dhcpv6-server = \"subs\" }\n";
static const char server_conf_no_rc[] =
	"dhcpv6-pool \"subs\" {\n"
	"  prefix = \"2001:db8:100::/40\"\n"
	"  assign-length = 56\n"
	"  preferred-lifetime = 600\n"
	"  valid-lifetime = 1200\n"
	"}\n"
	"dhcpv6-rapid-commit = false\n"
	"interface \"Virtual-Template1\" { dhcpv6-server = \"subs\" }\n";
static const char client_conf[] =
	"interface \"Dialer1\" {\n"
	"  dhcpv6-client-pd = \"PD\"\n"
	"  dhcpv6-client-pd-interface = \"lan0\"\n"
	"  dhcpv6-client-pd-address = \"::1/64\"\n"
	"}\n";

#define SRV_IFINDEX 7
#define CLI_IFINDEX 5

struct dgram {
	bool to_server;
	uint8_t d[1500];
	size_t n;
};

struct side {
	bool server;
	struct vpdn_core *core;
	cfg_t *cfg;
	struct dh_module *m;
};

static struct {
	struct side s, c;
	struct dgram q[32];
	int nq;
	int sent[16];            /* by message type */
	struct dhcpv6_msg last_to_server, last_to_client;
	int lan_adds, lan_dels;
	char lan_if[16];
	struct in6_addr lan_addr;
	uint8_t lan_plen;
	int routes_add, routes_del;
	bool drop_to_server;
	int ras;                 /* RAs sent on the LAN */
	uint8_t ra[256];         /* the last one (ICMPv6) */
	size_t ra_len;
	char ra_if[16];
} F;

static int f_open(void *ctx, struct dh_module *m, uint16_t port)
{
	struct side *sd = ctx;
	(void)m;
	CU_ASSERT_EQUAL(port, sd->server ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT);
	return 0;
}

static int f_join(void *ctx, uint16_t port, int ifindex, bool on)
{
	(void)ctx; (void)port; (void)ifindex; (void)on;
	return 0;
}

static int f_send(void *ctx, uint16_t port, int ifindex, const struct in6_addr *src,
		  const struct in6_addr *dst, uint16_t dst_port, const uint8_t *buf, size_t len)
{
	struct side *sd = ctx;
	struct dhcpv6_msg m;
	static const struct in6_addr all = DHCPV6_ALL_SERVERS_INIT;

	(void)port;
	CU_ASSERT_EQUAL_FATAL(dhcpv6_decode(buf, len, &m, NULL), 0);
	/* from our negotiated link-local: fe80::2:0:0:22 client, ...:11 server */
	CU_ASSERT(src->s6_addr[0] == 0xfe && src->s6_addr[1] == 0x80);
	CU_ASSERT_EQUAL(src->s6_addr[15], sd->server ? 0x11 : 0x22);
	if (!sd->server) {
		CU_ASSERT_EQUAL(ifindex, CLI_IFINDEX);
		CU_ASSERT(!memcmp(dst, &all, 16));
		CU_ASSERT_EQUAL(dst_port, DHCPV6_SERVER_PORT);
		F.last_to_server = m;
		if (m.type < 16)
			F.sent[m.type]++;
	} else {
		CU_ASSERT_EQUAL(ifindex, SRV_IFINDEX);
		CU_ASSERT_EQUAL(dst_port, DHCPV6_CLIENT_PORT);
		F.last_to_client = m;
	}
	if (F.nq < 32 && !(F.drop_to_server && !sd->server)) {
		F.q[F.nq].to_server = !sd->server;
		memcpy(F.q[F.nq].d, buf, len);
		F.q[F.nq].n = len;
		F.nq++;
	}
	return 0;
}

static int f_lan(void *ctx, const char *ifname, const struct in6_addr *a, uint8_t plen,
		 uint32_t pref, uint32_t valid, bool add)
{
	(void)ctx; (void)pref; (void)valid;
	if (add)
		F.lan_adds++;
	else
		F.lan_dels++;
	g_strlcpy(F.lan_if, ifname, sizeof(F.lan_if));
	F.lan_addr = *a;
	F.lan_plen = plen;
	return 0;
}

static int f_ra(void *ctx, const char *ifname, const uint8_t *msg, size_t len)
{
	(void)ctx;
	F.ras++;
	F.ra_len = MIN(len, sizeof(F.ra));
	memcpy(F.ra, msg, F.ra_len);
	g_strlcpy(F.ra_if, ifname, sizeof(F.ra_if));
	return 0;
}

static const struct dh_io_ops fake_io = { f_open, f_join, f_send, f_lan, f_ra, NULL };

/* The last LAN RA: type 134, router lifetime, first option a Prefix
 * Information for pfx/64 with L and A, its preferred lifetime. */
static bool ra_is(const char *pfx, uint16_t router_lifetime, bool preferred)
{
	struct in6_addr x;
	inet_pton(AF_INET6, pfx, &x);
	return F.ra_len >= 48 && F.ra[0] == 134 && !strcmp(F.ra_if, "lan0") &&
	       (F.ra[6] << 8 | F.ra[7]) == router_lifetime && F.ra[16] == 3 && F.ra[17] == 4 &&
	       F.ra[18] == 64 && (F.ra[19] & 0xc0) == 0xc0 && !memcmp(F.ra + 32, &x, 16) &&
	       !!(F.ra[24] | F.ra[25] | F.ra[26] | F.ra[27]) == preferred;
}

/* fe80::2:0:0:0:22 the client's (the server's peer), ...:11 the server's */
static void ll(struct in6_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[8] = 0x02;
	a->s6_addr[15] = last;
}

static void pump_all(void)
{
	for (int k = 0; k < 10 && F.nq; k++) {
		int n = F.nq;
		struct dgram saved[32];
		memcpy(saved, F.q, sizeof(saved));
		F.nq = 0;
		for (int i = 0; i < n; i++) {
			struct dgram g = saved[i];
			struct in6_addr src;
			struct side *to = g.to_server ? &F.s : &F.c;
			F.nq = 0;
			ll(&src, g.to_server ? 0x22 : 0x11);
			dhcpv6_module_input(to->m,
					    g.to_server ? DHCPV6_SERVER_PORT : DHCPV6_CLIENT_PORT,
					    g.to_server ? SRV_IFINDEX : CLI_IFINDEX, &src, g.d, g.n);
			vpdn_bus_run_pending(vpdn_core_bus(to->core));
		}
	}
}

static enum vpdn_bus_verdict on_route(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ipv6_route *r = ev->payload;
	(void)data;
	if (r->add)
		F.routes_add++;
	else
		F.routes_del++;
	vpdn_request_complete(vpdn_event_take_request(ev), 0, NULL);
	return VPDN_BUS_CLAIM;
}

static int side_new(struct side *sd, bool server, const char *text)
{
	sd->server = server;
	sd->core = vpdn_core_new_test();
	cfg_opt_t *iface = vpdn_interface_options_new(dhcpv6_interface_options);
	size_t n = 0;
	while (dhcpv6_options[n].name)
		n++;
	cfg_opt_t *opts = g_new0(cfg_opt_t, n + 2);
	memcpy(opts, dhcpv6_options, n * sizeof(cfg_opt_t));
	cfg_opt_t sec[] = { CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
	memcpy(opts + n, sec, sizeof(sec));
	sd->cfg = cfg_init(opts, 0);
	g_free(opts);
	g_free(iface);
	if (cfg_parse_buf(sd->cfg, text) != CFG_SUCCESS || dhcpv6_check(sd->cfg) != 0)
		return 1;
	if (server)
		vpdn_bus_subscribe(vpdn_core_bus(sd->core), VPDN_EV_IPV6_ROUTE, on_route, NULL);
	return dhcpv6_module_new(sd->core, sd->cfg, &fake_io, sd, &sd->m);
}

static void side_free(struct side *sd)
{
	dhcpv6_module_free(sd->m);
	vpdn_bus_run_pending(vpdn_core_bus(sd->core));
	cfg_free(sd->cfg);
	vpdn_core_free_test(sd->core);
}

/* The client's call is on a B channel bound to the dialer profile whose
 * interface (the ip module's TUN) is the profile's. */
static void up(struct side *sd, const char *name, const char *config, int ifindex)
{
	struct vpdn_ev_interface ic = { sizeof(ic), sd->server ? name : config, "tun", ifindex };
	struct vpdn_ev_ppp_ipv6 ev = { .size = sizeof(ev), .interface = name, .config = config,
				       .profile = sd->server ? NULL : config,
				       .server = sd->server };
	struct in6_addr a;

	ll(&a, sd->server ? 0x22 : 0x11);
	memcpy(ev.peer_ifid, a.s6_addr + 8, 8);
	ll(&a, sd->server ? 0x11 : 0x22);
	memcpy(ev.local_ifid, a.s6_addr + 8, 8);
	vpdn_bus_publish(vpdn_core_bus(sd->core), VPDN_EV_INTERFACE_CREATED, &ic);
	vpdn_bus_publish(vpdn_core_bus(sd->core), VPDN_EV_PPP_IPV6_UP, &ev);
}

static void down(struct side *sd, const char *name)
{
	struct vpdn_ev_ppp_ipv6 ev = { .size = sizeof(ev), .interface = name, .server = sd->server,
				       .profile = sd->server ? NULL : "Dialer1" };

	vpdn_bus_publish(vpdn_core_bus(sd->core), VPDN_EV_PPP_IPV6_DOWN, &ev);
	vpdn_bus_run_pending(vpdn_core_bus(sd->core));
}

static void advance(uint64_t ms)
{
	vpdn_timers_advance(vpdn_core_timers(F.s.core), ms);
	vpdn_timers_advance(vpdn_core_timers(F.c.core), ms);
}

static uint64_t ccounter(const char *name)
{
	return *vpdn_core_counter(F.c.core, name, "");
}

static int setup_with(const char *sconf)
{
	memset(&F, 0, sizeof(F));
	if (side_new(&F.s, true, sconf) || side_new(&F.c, false, client_conf))
		return 1;
	up(&F.s, "Vi2", "Virtual-Template1", SRV_IFINDEX);
	up(&F.c, "BRI0:1", "Dialer1", CLI_IFINDEX);
	/* RFC 8415 18.2.1: the first Solicit within SOL_MAX_DELAY, not at once */
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 0);
	vpdn_timers_advance(vpdn_core_timers(F.c.core), 999);
	vpdn_timers_advance(vpdn_core_timers(F.s.core), 999);
	return 0;
}

static void teardown(void)
{
	side_free(&F.c);
	side_free(&F.s);
}

static bool lan_is(const char *a)
{
	struct in6_addr x;
	inet_pton(AF_INET6, a, &x);
	return !memcmp(&x, &F.lan_addr, 16) && F.lan_plen == 64 && !strcmp(F.lan_if, "lan0");
}

static void test_rapid_commit(void)
{
	CU_ASSERT_FATAL(setup_with(server_conf) == 0);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 1);
	CU_ASSERT(F.last_to_server.rapid_commit);
	CU_ASSERT_EQUAL(F.last_to_server.n_ia_pd, 1);
	CU_ASSERT(dhcpv6_oro_has(&F.last_to_server, DHCPV6_OPT_DNS_SERVERS));
	pump_all();
	CU_ASSERT_EQUAL(F.last_to_client.type, DHCPV6_REPLY);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_REQUEST], 0);
	CU_ASSERT_EQUAL(F.lan_adds, 1);
	CU_ASSERT(lan_is("2001:db8:100::1"));
	CU_ASSERT_EQUAL(F.routes_add, 1);
	/* the /64 advertised on the LAN at once (SLAAC for the hosts behind) */
	CU_ASSERT_EQUAL(F.ras, 1);
	CU_ASSERT(ra_is("2001:db8:100::", 1800, true));
	/* nothing more is sent before T1 (300 s) */
	advance(299 * 1000);
	CU_ASSERT_EQUAL(F.nq, 0);
	advance(1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_RENEW], 1);
	CU_ASSERT(F.last_to_server.server_id.len > 0);
	/* RAs at 0, 4, 8 s, then every 200 s: four by T1 */
	CU_ASSERT_EQUAL(F.ras, 4);
	pump_all();
	CU_ASSERT_EQUAL(F.last_to_client.type, DHCPV6_REPLY);
	CU_ASSERT_EQUAL(F.lan_adds, 1);          /* same prefix: not touched */
	CU_ASSERT_EQUAL(F.lan_dels, 0);
	/* the line goes: Release, the server unroutes, the LAN address goes,
	 * a last RA: no default router, the prefix deprecated */
	down(&F.c, "BRI0:1");
	CU_ASSERT_EQUAL(F.sent[DHCPV6_RELEASE], 1);
	CU_ASSERT_EQUAL(F.lan_dels, 1);
	CU_ASSERT_EQUAL(F.ras, 5);
	CU_ASSERT(ra_is("2001:db8:100::", 0, false));
	advance(400000);
	CU_ASSERT_EQUAL(F.ras, 5);
	pump_all();
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.s.m), 0);
	CU_ASSERT_EQUAL(F.routes_del, 1);
	teardown();
}

static void test_four_messages_and_expiry(void)
{
	CU_ASSERT_FATAL(setup_with(server_conf_no_rc) == 0);
	pump_all();
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 1);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_REQUEST], 1);
	CU_ASSERT_EQUAL(F.lan_adds, 1);
	CU_ASSERT(lan_is("2001:db8:100::1"));
	/* the server goes silent: Renew at T1 (300 s), Rebind at T2 (480 s) */
	F.drop_to_server = true;
	advance(300 * 1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_RENEW], 1);
	advance(10 * 1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_RENEW], 2);   /* REN_TIMEOUT 10 s */
	advance(170 * 1000);
	CU_ASSERT(F.sent[DHCPV6_REBIND] >= 1);
	CU_ASSERT_EQUAL(F.last_to_server.server_id.len, 0);
	CU_ASSERT_EQUAL(F.lan_dels, 0);
	/* valid lifetime (1200 s) over: LAN address away, soliciting again */
	int sol = F.sent[DHCPV6_SOLICIT];
	advance(720 * 1000);
	CU_ASSERT_EQUAL(F.lan_dels, 1);
	CU_ASSERT(F.sent[DHCPV6_SOLICIT] > sol);
	/* the server is back: bound again */
	F.drop_to_server = false;
	F.nq = 0;
	advance(130 * 1000);                       /* the next Solicit */
	pump_all();
	CU_ASSERT_EQUAL(F.lan_adds, 2);
	teardown();
}

static void test_retransmit(void)
{
	CU_ASSERT_FATAL(setup_with(server_conf) == 0);
	F.nq = 0;                                  /* the server never hears */
	CU_ASSERT_EQUAL(F.last_to_server.elapsed, 0);
	advance(1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 2);
	CU_ASSERT_EQUAL(F.last_to_server.elapsed, 100);   /* 1 s in 1/100 s */
	advance(1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 2);
	advance(1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], 3);       /* 2 s later */
	/* capped at 120 s: after a long wait, one Solicit per 120 s */
	advance(600 * 1000);
	int n = F.sent[DHCPV6_SOLICIT];
	advance(120 * 1000);
	CU_ASSERT_EQUAL(F.sent[DHCPV6_SOLICIT], n + 1);
	teardown();
}

static void feed_client(const struct dhcpv6_msg *m, int ifindex)
{
	uint8_t b[1500];
	struct in6_addr src;
	ssize_t n = dhcpv6_encode(m, b, sizeof(b));
	CU_ASSERT_FATAL(n > 0);
	ll(&src, 0x11);
	dhcpv6_module_input(F.c.m, DHCPV6_CLIENT_PORT, ifindex, &src, b, (size_t)n);
}

static void test_hostile_answers(void)
{
	struct dhcpv6_msg a;
	uint8_t mac[6] = { 0x02, 9, 9, 9, 9, 9 };

	CU_ASSERT_FATAL(setup_with(server_conf) == 0);
	F.nq = 0;
	memset(&a, 0, sizeof(a));
	a.type = DHCPV6_REPLY;
	a.xid = F.last_to_server.xid ^ 1;            /* not our xid */
	a.client_id = F.last_to_server.client_id;
	dhcpv6_duid_ll(&a.server_id, 1, mac, 6);
	a.rapid_commit = true;
	a.n_ia_pd = 1;
	a.ia_pd[0].iaid = F.last_to_server.ia_pd[0].iaid;
	a.ia_pd[0].n_prefix = 1;
	a.ia_pd[0].prefix[0].plen = 56;
	a.ia_pd[0].prefix[0].preferred = 600;
	a.ia_pd[0].prefix[0].valid = 1200;
	inet_pton(AF_INET6, "2001:db8:77::", &a.ia_pd[0].prefix[0].prefix);
	feed_client(&a, CLI_IFINDEX);
	CU_ASSERT_EQUAL(ccounter("dhcpv6_unexpected_total"), 1);
	/* our xid but preferred > valid (RFC 8415 21.22): not taken */
	a.xid = F.last_to_server.xid;
	a.ia_pd[0].prefix[0].preferred = 2000;
	feed_client(&a, CLI_IFINDEX);
	CU_ASSERT_EQUAL(F.lan_adds, 0);
	/* a /72 cannot number a LAN: not taken */
	a.ia_pd[0].prefix[0].preferred = 600;
	a.ia_pd[0].prefix[0].plen = 72;
	feed_client(&a, CLI_IFINDEX);
	CU_ASSERT_EQUAL(F.lan_adds, 0);
	/* from another interface: dropped */
	a.ia_pd[0].prefix[0].plen = 56;
	feed_client(&a, 99);
	CU_ASSERT_EQUAL(ccounter("dhcpv6_unknown_source_total"), 1);
	CU_ASSERT_EQUAL(F.lan_adds, 0);
	/* the good one */
	feed_client(&a, CLI_IFINDEX);
	CU_ASSERT_EQUAL(F.lan_adds, 1);
	CU_ASSERT(lan_is("2001:db8:77::1"));
	teardown();
}

static const struct vpdn_test_case tests[] = {
	{ "Rapid Commit against our server, Renew, Release", test_rapid_commit },
	{ "four messages, Renew/Rebind unanswered, expiry", test_four_messages_and_expiry },
	{ "Solicit retransmission and elapsed time", test_retransmit },
	{ "hostile answers to the client", test_hostile_answers },
	{ NULL, NULL },
};
static const struct vpdn_test_suite suites[] = {
	{ "dhcpv6-client", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
VPDN_TEST_MAIN(suites)
