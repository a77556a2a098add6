/* SPDX-License-Identifier: MIT */
/*
 * modules/dhcpv6: the server's per-session state (sessions from
 * PPP_IPV6_UP, the lease state machine, pools, limits, hostile input),
 * on a test core (fake clock), a fake io and a fake ip module that
 * claims IPV6_ROUTE.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/interface.h>

#include "dhcpv6-module.h"
#include "dhcpv6.h"
#include "vpdn_test.h"

static const char conf_text[] =
	"dhcpv6-pool \"subs\" {\n"
	"  prefix = \"2001:db8:100::/40\"\n"
	"  assign-length = 56\n"
	"  preferred-lifetime = 3600\n"
	"  valid-lifetime = 7200\n"
	"  dns = {\"2001:db8::53\"}\n"
	"}\n"
	"dhcpv6-pool \"gold\" {\n"
	"  prefix = \"2001:db8:200::/48\"\n"
	"  assign-length = 48\n"
	"}\n"
	"dhcpv6-max-leases = 3\n"
	"dhcpv6-max-leases-per-session = 2\n"
	"dhcpv6-offer-hold = 30\n"
	"interface \"Virtual-Template1\" {\n"
	"  dhcpv6-server = \"subs\"\n"
	"}\n";

struct route_call {
	bool add;
	char iface[16];
	struct in6_addr prefix, via;
	uint8_t plen;
};

static struct {
	struct vpdn_core *core;
	cfg_t *cfg;
	struct dh_module *m;
	int opened, joins, leaves, sends;
	int join_ifindex;
	int send_ifindex;
	uint16_t send_port;
	struct in6_addr send_dst, send_src;
	struct dhcpv6_msg last;
	int last_ok;
	struct route_call routes[16];
	int n_routes;
	int route_status;
	struct dhcpv6_duid sid;   /* the server's, from its first answer */
} F;

static int f_open(void *ctx, struct dh_module *m, uint16_t port)
{
	(void)ctx; (void)m;
	CU_ASSERT_EQUAL(port, DHCPV6_SERVER_PORT);
	F.opened++;
	return 0;
}

static int f_join(void *ctx, uint16_t port, int ifindex, bool on)
{
	(void)ctx; (void)port;
	if (on) {
		F.joins++;
		F.join_ifindex = ifindex;
	} else {
		F.leaves++;
	}
	return 0;
}

static int f_send(void *ctx, uint16_t port, int ifindex, const struct in6_addr *src,
		  const struct in6_addr *dst, uint16_t dst_port, const uint8_t *buf, size_t len)
{
	(void)ctx; (void)port;
	F.sends++;
	F.send_ifindex = ifindex;
	F.send_port = dst_port;
	F.send_dst = *dst;
	F.send_src = *src;
	F.last_ok = dhcpv6_decode(buf, len, &F.last, NULL) == 0;
	if (F.last_ok && F.last.server_id.len)
		F.sid = F.last.server_id;
	return 0;
}

static int f_lan(void *ctx, const char *ifname, const struct in6_addr *a, uint8_t plen,
		 uint32_t pref, uint32_t valid, bool add)
{
	(void)ctx; (void)ifname; (void)a; (void)plen; (void)pref; (void)valid; (void)add;
	return 0;
}

static const struct dh_io_ops fake_io = { f_open, f_join, f_send, f_lan, NULL };

static enum vpdn_bus_verdict on_route(const struct vpdn_event *ev, void *data)
{
	const struct vpdn_ev_ipv6_route *r = ev->payload;
	(void)data;
	if (F.n_routes < 16) {
		struct route_call *c = &F.routes[F.n_routes++];
		c->add = r->add;
		g_strlcpy(c->iface, r->interface, sizeof(c->iface));
		c->prefix = r->prefix;
		c->plen = r->plen;
		c->via = r->via;
	}
	vpdn_request_complete(vpdn_event_take_request(ev), F.route_status, NULL);
	return VPDN_BUS_CLAIM;
}

static cfg_t *parse(const char *text)
{
	cfg_opt_t *iface = vpdn_interface_options_new(dhcpv6_interface_options);
	size_t n = 0;
	while (dhcpv6_options[n].name)
		n++;
	cfg_opt_t *opts = g_new0(cfg_opt_t, n + 2);
	memcpy(opts, dhcpv6_options, n * sizeof(cfg_opt_t));
	cfg_opt_t sec[] = { CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE), CFG_END() };
	memcpy(opts + n, sec, sizeof(sec));
	cfg_t *cfg = cfg_init(opts, 0);
	g_free(opts);
	g_free(iface);
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS || dhcpv6_check(cfg) != 0) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static int setup(void)
{
	memset(&F, 0, sizeof(F));
	F.core = vpdn_core_new_test();
	if (!(F.cfg = parse(conf_text)))
		return 1;
	vpdn_bus_subscribe(vpdn_core_bus(F.core), VPDN_EV_IPV6_ROUTE, on_route, NULL);
	return dhcpv6_module_new(F.core, F.cfg, &fake_io, NULL, &F.m);
}

static int teardown(void)
{
	dhcpv6_module_free(F.m);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
	cfg_free(F.cfg);
	vpdn_core_free_test(F.core);
	return 0;
}

static uint64_t counter(const char *name)
{
	return *vpdn_core_counter(F.core, name, "");
}

static void ll(struct in6_addr *a, uint8_t last)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[8] = 0x02;
	a->s6_addr[15] = last;
}

static void session_up(const char *name, uint8_t peer, int ifindex,
		       const struct vpdn_auth_ipv6 *auth)
{
	struct vpdn_ev_interface ic = { sizeof(ic), name, "vpdnvi", ifindex };
	struct vpdn_ev_ppp_ipv6 ev = { .size = sizeof(ev), .interface = name,
				       .config = "Virtual-Template1", .user = "remote1@cisco.com",
				       .server = true, .auth = auth };
	struct in6_addr a;

	ll(&a, peer);
	memcpy(ev.peer_ifid, a.s6_addr + 8, 8);
	ev.local_ifid[7] = 0x01;
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_INTERFACE_CREATED, &ic);
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_PPP_IPV6_UP, &ev);
}

static void session_down(const char *name)
{
	struct vpdn_ev_ppp_ipv6 ev = { .size = sizeof(ev), .interface = name, .server = true };

	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_PPP_IPV6_DOWN, &ev);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
}

/* A client message: DUID-LL 02:00:00:00:00:<client>, IA_PDs iaids[]. */
static void build(struct dhcpv6_msg *m, uint8_t type, uint8_t client, const uint32_t *iaids,
		  size_t n, bool sid)
{
	uint8_t mac[6] = { 0x02, 0, 0, 0, 0, client };

	memset(m, 0, sizeof(*m));
	m->type = type;
	m->xid = 0x010203 + type;
	dhcpv6_duid_ll(&m->client_id, 1, mac, 6);
	if (sid)
		m->server_id = F.sid;
	for (size_t i = 0; i < n; i++)
		m->ia_pd[m->n_ia_pd++].iaid = iaids[i];
	m->n_oro = 1;
	m->oro[0] = DHCPV6_OPT_DNS_SERVERS;
	m->has_elapsed = true;
}

static void feed(const struct dhcpv6_msg *m, uint8_t from, int ifindex)
{
	uint8_t buf[1600];
	struct in6_addr src;
	ssize_t n = dhcpv6_encode(m, buf, sizeof(buf));

	CU_ASSERT_FATAL(n > 0);
	ll(&src, from);
	F.last_ok = 0;
	dhcpv6_module_input(F.m, DHCPV6_SERVER_PORT, ifindex, &src, buf, (size_t)n);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
}

static void send1(uint8_t type, uint8_t client, uint32_t iaid, bool sid, uint8_t from, int ifindex)
{
	struct dhcpv6_msg m;

	build(&m, type, client, &iaid, 1, sid);
	feed(&m, from, ifindex);
}

static bool has_prefix(const char *p, uint8_t plen, size_t ia)
{
	struct in6_addr a;

	inet_pton(AF_INET6, p, &a);
	return F.last_ok && F.last.n_ia_pd > ia && F.last.ia_pd[ia].n_prefix == 1 &&
	       F.last.ia_pd[ia].prefix[0].plen == plen &&
	       !memcmp(&F.last.ia_pd[ia].prefix[0].prefix, &a, 16);
}

static void test_solicit_request(void)
{
	struct in6_addr peer;

	session_up("Vi2", 0x22, 7, NULL);
	CU_ASSERT_EQUAL(F.opened, 1);
	CU_ASSERT_EQUAL(F.joins, 1);
	CU_ASSERT_EQUAL(F.join_ifindex, 7);

	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	CU_ASSERT_EQUAL_FATAL(F.sends, 1);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_ADVERTISE);
	CU_ASSERT_EQUAL(F.last.xid, 0x010203 + DHCPV6_SOLICIT);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	CU_ASSERT_EQUAL(F.last.ia_pd[0].t1, 1800);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].t2, 2880);
	CU_ASSERT_EQUAL(F.last.n_dns, 1);
	CU_ASSERT_EQUAL(F.send_ifindex, 7);
	CU_ASSERT_EQUAL(F.send_port, DHCPV6_CLIENT_PORT);
	ll(&peer, 0x22);
	CU_ASSERT(!memcmp(&F.send_dst, &peer, 16));
	struct in6_addr ours = { { { 0xfe, 0x80, [15] = 0x01 } } };
	CU_ASSERT(!memcmp(&F.send_src, &ours, 16));   /* fe80::local_ifid */
	CU_ASSERT_EQUAL(F.n_routes, 0);          /* an offer routes nothing */
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), 1);

	send1(DHCPV6_REQUEST, 1, 1, true, 0x22, 7);
	CU_ASSERT_EQUAL_FATAL(F.sends, 2);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	CU_ASSERT_FALSE(F.last.rapid_commit);
	CU_ASSERT_EQUAL_FATAL(F.n_routes, 1);
	CU_ASSERT(F.routes[0].add);
	CU_ASSERT_STRING_EQUAL(F.routes[0].iface, "Vi2");
	CU_ASSERT_EQUAL(F.routes[0].plen, 56);
	CU_ASSERT(!memcmp(&F.routes[0].via, &peer, 16));
	CU_ASSERT_EQUAL(counter("dhcpv6_leases_bound_total"), 1);
	/* the offer timer no longer applies: still bound after 31 s */
	vpdn_timers_advance(vpdn_core_timers(F.core), 31000);
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), 1);
	/* a second client on another session gets the next /56 */
	session_up("Vi3", 0x33, 8, NULL);
	send1(DHCPV6_SOLICIT, 2, 1, false, 0x33, 8);
	CU_ASSERT(has_prefix("2001:db8:100:100::", 56, 0));
}

static void test_rapid_commit_and_renew(void)
{
	struct dhcpv6_msg m;
	uint32_t iaid = 5;

	session_up("Vi2", 0x22, 7, NULL);
	build(&m, DHCPV6_SOLICIT, 1, &iaid, 1, false);
	m.rapid_commit = true;
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(F.last.rapid_commit);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	CU_ASSERT_EQUAL(F.n_routes, 1);
	/* renew at 3000 s keeps it past its first 7200 s */
	vpdn_timers_advance(vpdn_core_timers(F.core), 3000 * 1000);
	send1(DHCPV6_RENEW, 1, 5, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	vpdn_timers_advance(vpdn_core_timers(F.core), 5000 * 1000);
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), 1);
	CU_ASSERT_EQUAL(F.n_routes, 1);
	/* rebind (no server id) extends too */
	send1(DHCPV6_REBIND, 1, 5, false, 0x22, 7);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	/* then silence: the valid lifetime ends it, route taken away */
	vpdn_timers_advance(vpdn_core_timers(F.core), 7200 * 1000);
	vpdn_bus_run_pending(vpdn_core_bus(F.core));
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), 0);
	CU_ASSERT_EQUAL_FATAL(F.n_routes, 2);
	CU_ASSERT_FALSE(F.routes[1].add);
	CU_ASSERT_EQUAL(F.routes[1].plen, 56);
	CU_ASSERT_EQUAL(counter("dhcpv6_leases_ended_total"), 1);
	/* renew of what expired: NoBinding */
	send1(DHCPV6_RENEW, 1, 5, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(F.last.ia_pd[0].status.present);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_BINDING);
	CU_ASSERT_EQUAL(counter("dhcpv6_no_binding_total"), 1);
}

static void test_release_offer_down(void)
{
	session_up("Vi2", 0x22, 7, NULL);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	send1(DHCPV6_REQUEST, 1, 1, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.n_routes, 1);
	send1(DHCPV6_RELEASE, 1, 1, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(F.last.status.present);
	CU_ASSERT_EQUAL(F.last.status.code, DHCPV6_STATUS_SUCCESS);
	CU_ASSERT_EQUAL(F.n_routes, 2);
	CU_ASSERT_FALSE(F.routes[1].add);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 0);
	/* an offer not taken ends after dhcpv6-offer-hold, nothing routed */
	send1(DHCPV6_SOLICIT, 1, 2, false, 0x22, 7);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 1);
	vpdn_timers_advance(vpdn_core_timers(F.core), 29000);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 1);
	vpdn_timers_advance(vpdn_core_timers(F.core), 1000);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 0);
	CU_ASSERT_EQUAL(F.n_routes, 2);
	/* bound again, then the session goes down: unrouted, released */
	send1(DHCPV6_SOLICIT, 1, 3, false, 0x22, 7);
	send1(DHCPV6_REQUEST, 1, 3, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.n_routes, 3);
	session_down("Vi2");
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 0);
	CU_ASSERT_EQUAL_FATAL(F.n_routes, 4);
	CU_ASSERT_FALSE(F.routes[3].add);
	CU_ASSERT_EQUAL(F.leaves, 1);
	CU_ASSERT_EQUAL(dhcpv6_module_session_leases(F.m, "Vi2"), -1);
	/* the peer is no longer a known source */
	int sends = F.sends;
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	CU_ASSERT_EQUAL(F.sends, sends);
	CU_ASSERT_EQUAL(counter("dhcpv6_unknown_source_total"), 1);
}

static void test_hostile(void)
{
	struct dhcpv6_msg m;
	uint32_t iaid = 1;
	int sends;

	session_up("Vi2", 0x22, 7, NULL);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);   /* learn the server id */
	sends = F.sends;
	/* not a session's peer; a session's peer on another interface */
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x99, 7);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 9);
	CU_ASSERT_EQUAL(counter("dhcpv6_unknown_source_total"), 2);
	/* another server's id, no server id in a Request */
	build(&m, DHCPV6_REQUEST, 1, &iaid, 1, true);
	m.server_id.data[m.server_id.len - 1] ^= 1;
	feed(&m, 0x22, 7);
	build(&m, DHCPV6_REQUEST, 1, &iaid, 1, false);
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL(counter("dhcpv6_wrong_server_id_total"), 2);
	/* a Solicit carrying a server id, a message with no client id */
	build(&m, DHCPV6_SOLICIT, 1, &iaid, 1, true);
	feed(&m, 0x22, 7);
	build(&m, DHCPV6_SOLICIT, 1, &iaid, 1, false);
	m.client_id.len = 0;
	feed(&m, 0x22, 7);
	/* an Advertise sent to the server */
	build(&m, DHCPV6_ADVERTISE, 1, &iaid, 1, true);
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL(counter("dhcpv6_unexpected_total"), 1);
	/* truncated option, oversize datagram */
	uint8_t big[1600] = { DHCPV6_SOLICIT, 0, 0, 1, 0, 1, 0xff, 0xff };
	struct in6_addr src;
	ll(&src, 0x22);
	dhcpv6_module_input(F.m, DHCPV6_SERVER_PORT, 7, &src, big, 40);
	CU_ASSERT_EQUAL(counter("dhcpv6_malformed_total"), 3);
	dhcpv6_module_input(F.m, DHCPV6_SERVER_PORT, 7, &src, big, 1501);
	CU_ASSERT_EQUAL(counter("dhcpv6_oversize_total"), 1);
	CU_ASSERT_EQUAL(F.sends, sends);       /* none of these answered */
	CU_ASSERT_EQUAL(F.n_routes, 0);
	/* the good client is still served */
	send1(DHCPV6_REQUEST, 1, 1, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
}

static void test_limits(void)
{
	struct dhcpv6_msg m;
	uint32_t ids[3] = { 1, 2, 3 };

	session_up("Vi2", 0x22, 7, NULL);
	build(&m, DHCPV6_SOLICIT, 1, ids, 3, false);
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL_FATAL(F.last.n_ia_pd, 3);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	CU_ASSERT(has_prefix("2001:db8:100:100::", 56, 1));
	CU_ASSERT(F.last.ia_pd[2].status.present);
	CU_ASSERT_EQUAL(F.last.ia_pd[2].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	CU_ASSERT_EQUAL(F.last.ia_pd[2].n_prefix, 0);
	CU_ASSERT_EQUAL(counter("dhcpv6_lease_limit_total"), 1);
	/* another client id on the same session: still the session's bound */
	send1(DHCPV6_SOLICIT, 9, 1, false, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	CU_ASSERT_EQUAL(counter("dhcpv6_lease_limit_total"), 2);
	/* the node's bound (3): one more on Vi3, then none */
	session_up("Vi3", 0x33, 7, NULL);       /* shared TUN: same ifindex */
	CU_ASSERT_EQUAL(F.joins, 1);            /* joined once per ifindex */
	send1(DHCPV6_SOLICIT, 2, 1, false, 0x33, 7);
	CU_ASSERT(has_prefix("2001:db8:100:200::", 56, 0));
	send1(DHCPV6_SOLICIT, 2, 2, false, 0x33, 7);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	CU_ASSERT_EQUAL(counter("dhcpv6_lease_limit_total"), 3);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 3);
	session_down("Vi2");
	CU_ASSERT_EQUAL(F.leaves, 0);           /* Vi3 still on the ifindex */
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 1);
	session_down("Vi3");
	CU_ASSERT_EQUAL(F.leaves, 1);
}

static void test_auth(void)
{
	struct vpdn_auth_ipv6 a = { 0 };

	inet_pton(AF_INET6, "2001:db8:ffff:ff00::", &a.delegated_prefix);
	a.delegated_plen = 56;
	inet_pton(AF_INET6, "2001:db8::99", &a.dns[0]);
	a.n_dns = 1;
	session_up("Vi2", 0x22, 7, &a);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	CU_ASSERT(has_prefix("2001:db8:ffff:ff00::", 56, 0));
	struct in6_addr d;
	inet_pton(AF_INET6, "2001:db8::99", &d);
	CU_ASSERT_EQUAL(F.last.n_dns, 1);
	CU_ASSERT(!memcmp(&F.last.dns[0], &d, 16));
	/* one Delegated-IPv6-Prefix: a second IA gets none */
	send1(DHCPV6_SOLICIT, 1, 2, false, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	CU_ASSERT_EQUAL(counter("dhcpv6_no_prefix_total"), 1);
	/* Delegated-IPv6-Pool names the pool */
	struct vpdn_auth_ipv6 b = { 0 };
	b.delegated_pool = "gold";
	session_up("Vi3", 0x33, 8, &b);
	send1(DHCPV6_SOLICIT, 2, 1, false, 0x33, 8);
	CU_ASSERT(has_prefix("2001:db8:200::", 48, 0));
	/* gold holds one /48: the next is refused */
	send1(DHCPV6_SOLICIT, 2, 2, false, 0x33, 8);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	/* a pool that does not exist */
	struct vpdn_auth_ipv6 c = { 0 };
	c.delegated_pool = "nosuch";
	session_up("Vi4", 0x44, 9, &c);
	send1(DHCPV6_SOLICIT, 3, 1, false, 0x44, 9);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
}

static void test_information_request(void)
{
	struct dhcpv6_msg m;

	session_up("Vi2", 0x22, 7, NULL);
	build(&m, DHCPV6_INFORMATION_REQUEST, 1, NULL, 0, false);
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL_FATAL(F.sends, 1);
	CU_ASSERT_EQUAL(F.last.type, DHCPV6_REPLY);
	CU_ASSERT_EQUAL(F.last.n_ia_pd, 0);
	CU_ASSERT_EQUAL(F.last.n_dns, 1);
	CU_ASSERT(F.last.server_id.len > 0);
	CU_ASSERT_EQUAL(dhcpv6_duid_type(&F.last.server_id), DHCPV6_DUID_LL);
	/* an Information-Request with an IA: dropped */
	uint32_t iaid = 1;
	build(&m, DHCPV6_INFORMATION_REQUEST, 1, &iaid, 1, false);
	feed(&m, 0x22, 7);
	CU_ASSERT_EQUAL(F.sends, 1);
	CU_ASSERT_EQUAL(counter("dhcpv6_malformed_total"), 1);
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 0);
}

static void test_route_failure(void)
{
	F.route_status = -ENOENT;
	session_up("Vi2", 0x22, 7, NULL);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	send1(DHCPV6_REQUEST, 1, 1, true, 0x22, 7);
	CU_ASSERT_EQUAL(F.n_routes, 1);
	CU_ASSERT_EQUAL(counter("dhcpv6_route_failed_total"), 1);
	/* the interface goes and comes back on another ifindex: joined there */
	struct vpdn_ev_interface ic = { sizeof(ic), "Vi2", "vpdnvi", 0 };
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_INTERFACE_DESTROYED, &ic);
	CU_ASSERT_EQUAL(F.leaves, 1);
	ic.ifindex = 12;
	vpdn_bus_publish(vpdn_core_bus(F.core), VPDN_EV_INTERFACE_CREATED, &ic);
	CU_ASSERT_EQUAL(F.joins, 2);
	CU_ASSERT_EQUAL(F.join_ifindex, 12);
	send1(DHCPV6_RENEW, 1, 1, true, 0x22, 12);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
}

static const char reload_text[] =
	"dhcpv6-pool \"subs\" {\n"
	"  prefix = \"2001:db8:100::/40\"\n"
	"  assign-length = 56\n"
	"  preferred-lifetime = 1000\n"
	"  valid-lifetime = 2000\n"
	"  dns = {\"2001:db8::54\"}\n"
	"}\n"
	"dhcpv6-pool \"gold\" {\n"
	"  prefix = \"2001:db8:300::/48\"\n"
	"  assign-length = 48\n"
	"}\n"
	"dhcpv6-pool \"new\" {\n"
	"  prefix = \"2001:db8:400::/48\"\n"
	"  assign-length = 64\n"
	"}\n"
	"dhcpv6-max-leases-per-session = 1\n"
	"interface \"Virtual-Template1\" { dhcpv6-server = \"subs\" }\n";

static void test_reload(void)
{
	struct in6_addr d;

	session_up("Vi2", 0x22, 7, NULL);
	send1(DHCPV6_SOLICIT, 1, 1, false, 0x22, 7);
	send1(DHCPV6_REQUEST, 1, 1, true, 0x22, 7);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	/* gold in use (a /48 leased), then reloaded with another prefix */
	struct vpdn_auth_ipv6 g = { .delegated_pool = "gold" };
	session_up("Vi3", 0x33, 8, &g);
	send1(DHCPV6_SOLICIT, 2, 1, false, 0x33, 8);
	CU_ASSERT(has_prefix("2001:db8:200::", 48, 0));

	cfg_t *c2 = parse(reload_text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(c2);
	CU_ASSERT_EQUAL(dhcpv6_module_reload(F.m, c2), 0);
	cfg_free(F.cfg);
	F.cfg = c2;
	/* the bound lease stays; a renewal gets the new lifetimes and DNS */
	CU_ASSERT_EQUAL(dhcpv6_module_leases(F.m), 2);
	send1(DHCPV6_RENEW, 1, 1, true, 0x22, 7);
	CU_ASSERT(has_prefix("2001:db8:100::", 56, 0));
	CU_ASSERT_EQUAL(F.last.ia_pd[0].prefix[0].valid, 2000);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].t1, 500);
	inet_pton(AF_INET6, "2001:db8::54", &d);
	CU_ASSERT_EQUAL_FATAL(F.last.n_dns, 1);
	CU_ASSERT(!memcmp(&F.last.dns[0], &d, 16));
	/* the new per-session bound (1): a second IA is refused */
	send1(DHCPV6_SOLICIT, 1, 2, false, 0x22, 7);
	CU_ASSERT_EQUAL(F.last.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	/* gold held a lease: its old shape is kept until it ends */
	send1(DHCPV6_REQUEST, 2, 1, true, 0x33, 8);
	CU_ASSERT(has_prefix("2001:db8:200::", 48, 0));
	/* a pool new in the reload serves at once */
	struct vpdn_auth_ipv6 n = { .delegated_pool = "new" };
	session_up("Vi4", 0x44, 9, &n);
	send1(DHCPV6_SOLICIT, 3, 1, false, 0x44, 9);
	CU_ASSERT(has_prefix("2001:db8:400::", 64, 0));
}

/* Each test on a fresh module (a failed FATAL assert skips the teardown). */
#define FRESH(fn) static void fresh_##fn(void) { CU_ASSERT_FATAL(setup() == 0); fn(); teardown(); }
FRESH(test_solicit_request)
FRESH(test_rapid_commit_and_renew)
FRESH(test_release_offer_down)
FRESH(test_hostile)
FRESH(test_limits)
FRESH(test_auth)
FRESH(test_information_request)
FRESH(test_route_failure)
FRESH(test_reload)

static const struct vpdn_test_case tests[] = {
	{ "Solicit, Advertise, Request, Reply, routed", fresh_test_solicit_request },
	{ "Rapid Commit, Renew, Rebind, expiry", fresh_test_rapid_commit_and_renew },
	{ "Release, offer hold, session down", fresh_test_release_offer_down },
	{ "hostile messages dropped with counters", fresh_test_hostile },
	{ "per-session and node lease limits", fresh_test_limits },
	{ "Delegated-IPv6-Prefix, -Pool, DNS from auth", fresh_test_auth },
	{ "stateless Information-Request", fresh_test_information_request },
	{ "route failure, interface moves", fresh_test_route_failure },
	{ "reload: lifetimes, DNS, limits, pools", fresh_test_reload },
	{ NULL, NULL },
};
static const struct vpdn_test_suite suites[] = {
	{ "dhcpv6-server", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
VPDN_TEST_MAIN(suites)
