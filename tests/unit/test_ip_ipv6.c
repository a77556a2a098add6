/* SPDX-License-Identifier: MIT */
/* Unit tests of the ip module's IPv6 side (modules/ip/ip-ipv6.c) with a
 * fake kernel and a fake PPP end publishing PPP_IPV6_UP/DOWN on the bus:
 * link-local addresses, the /64 from the pool or authorization, RAs on the
 * fake clock, RS answers, the client's SLAAC, IPV6_ROUTE, shared-mode
 * demux, and IPv6 without (or outliving) IPv4. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/core.h>

#include "ip.h"
#include "ip-private.h"
#include "ndp.h"
#include "test_ip_common.h"
#include "vpdn_test.h"

/* ---- fake kernel ---- */

#define MAXTUN 8
#define MAXOBJ 64

struct ftun { bool open; char name[IFNAMSIZ]; int ifindex; unsigned writes; uint8_t last[2048];
	      size_t last_len; uint8_t in[2048]; size_t in_len; };
struct fobj6 { bool present; int ifindex; struct in6_addr a; int plen; uint32_t valid, pref; };

static struct {
	struct ftun tun[MAXTUN];
	struct fobj6 addrs[MAXOBJ], routes[MAXOBJ];
} fk;

static int f_tun_open(void *ctx, const char *name, uint32_t mtu, int *ifindex)
{
	for (int i = 0; i < MAXTUN; i++)
		if (!fk.tun[i].open) {
			memset(&fk.tun[i], 0, sizeof(fk.tun[i]));
			fk.tun[i].open = true;
			g_strlcpy(fk.tun[i].name, name, IFNAMSIZ);
			*ifindex = fk.tun[i].ifindex = 10 + i;
			return 100 + i;
		}
	return -ENFILE;
}

static void f_tun_close(void *ctx, int fd)
{
	fk.tun[fd - 100].open = false;
	for (int i = 0; i < MAXOBJ; i++) {   /* a device's addresses and routes go with it */
		if (fk.addrs[i].ifindex == fk.tun[fd - 100].ifindex)
			fk.addrs[i].present = false;
		if (fk.routes[i].ifindex == fk.tun[fd - 100].ifindex)
			fk.routes[i].present = false;
	}
}

static ssize_t f_tun_read(void *ctx, int fd, void *buf, size_t len)
{
	struct ftun *t = &fk.tun[fd - 100];
	size_t n = t->in_len;
	if (!n)
		return -EAGAIN;
	memcpy(buf, t->in, n);
	t->in_len = 0;
	return (ssize_t)n;
}

static ssize_t f_tun_write(void *ctx, int fd, const void *buf, size_t len)
{
	struct ftun *t = &fk.tun[fd - 100];
	t->writes++;
	t->last_len = len;
	memcpy(t->last, buf, MIN(len, sizeof(t->last)));
	return (ssize_t)len;
}

static int f_ifindex(void *ctx, const char *name) { return !strcmp(name, "lo") ? 1 : -ENODEV; }
static int f_addr(void *ctx, bool add, int ifindex, struct in_addr a, int plen) { return 0; }
static int f_route(void *ctx, bool add, int ifindex, struct in_addr dst, int plen,
		   struct in_addr src, uint32_t metric, uint32_t mtu) { return 0; }

static int obj6(struct fobj6 *set, bool add, int ifindex, const struct in6_addr *a, int plen,
		uint32_t valid, uint32_t pref)
{
	for (int i = 0; i < MAXOBJ; i++)
		if (set[i].present && set[i].ifindex == ifindex && set[i].plen == plen &&
		    !memcmp(&set[i].a, a, 16)) {
			if (add)
				return -EEXIST;
			set[i].present = false;
			return 0;
		}
	if (!add)
		return -ESRCH;
	for (int i = 0; i < MAXOBJ; i++)
		if (!set[i].present) {
			set[i] = (struct fobj6){ true, ifindex, *a, plen, valid, pref };
			return 0;
		}
	return -ENOSPC;
}

static int f_addr6(void *ctx, bool add, int ifindex, const struct in6_addr *a, int plen,
		   uint32_t valid, uint32_t pref)
{
	return obj6(fk.addrs, add, ifindex, a, plen, valid, pref);
}

static int f_route6(void *ctx, bool add, int ifindex, const struct in6_addr *dst, int plen,
		    uint32_t metric)
{
	return obj6(fk.routes, add, ifindex, dst, plen, 0, 0);
}

static const struct ip_sys_ops fake_ops = {
	.pollable = false, .tun_open = f_tun_open, .tun_close = f_tun_close,
	.tun_read = f_tun_read, .tun_write = f_tun_write, .ifindex = f_ifindex,
	.addr = f_addr, .route = f_route, .addr6 = f_addr6, .route6 = f_route6,
};

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static bool eq6(const void *a, const char *s)
{
	struct in6_addr x = a6(s);
	return !memcmp(a, &x, 16);
}

static const struct fobj6 *find6(struct fobj6 *set, int ifindex, const char *a, int plen)
{
	struct in6_addr x = a6(a);
	for (int i = 0; i < MAXOBJ; i++)
		if (set[i].present && (ifindex < 0 || set[i].ifindex == ifindex) &&
		    set[i].plen == plen && !memcmp(&set[i].a, &x, 16))
			return &set[i];
	return NULL;
}

static unsigned count6(struct fobj6 *set)
{
	unsigned n = 0;
	for (int i = 0; i < MAXOBJ; i++)
		n += set[i].present;
	return n;
}

static struct ftun *tun_named(const char *name)
{
	for (int i = 0; i < MAXTUN; i++)
		if (fk.tun[i].open && !strcmp(fk.tun[i].name, name))
			return &fk.tun[i];
	return NULL;
}

/* ---- the PPP end ---- */

struct peer {
	struct vpdn_link *net;
	unsigned frames, v6frames, hangups;
	uint8_t last[2048];
	size_t last_len;
	uint8_t ifid[8];
};

static void p_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
	struct peer *p = ctx;
	p->frames++;
	p->v6frames += n && d[0] >> 4 == 6;
	p->last_len = MIN(n, sizeof(p->last));
	memcpy(p->last, d, p->last_len);
}

static void p_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	((struct peer *)ctx)->hangups++;
}

static const struct vpdn_link_ops p_ops = { .frame = p_frame, .hangup = p_hangup };

static void peer_init(struct peer *p, const char *name, uint8_t id)
{
	memset(p, 0, sizeof(*p));
	p->net = vpdn_link_new(name);
	vpdn_link_attach(p->net, VPDN_LINK_A, &p_ops, p);
	memcpy(p->ifid, (uint8_t[8]){ 0x02, 0, 0, 0, 0, 0, 0xbb, id }, 8);
}

static void peer_free(struct peer *p)
{
	vpdn_link_detach(p->net, VPDN_LINK_A);
	vpdn_link_unref(p->net);
}

static const uint8_t LOCAL_IFID[8] = { 0x02, 0, 0, 0, 0, 0, 0xaa, 0x01 };
static uint32_t ev_mtu = 1500;   /* the peer's MRU in the next PPP_IPV6_UP */

static void ipv6_event(struct vpdn_core *core, uint32_t type, struct peer *p, const char *ifname,
		       const char *config, bool server, const struct vpdn_auth_ipv6 *auth)
{
	struct vpdn_ev_ppp_ipv6 ev = {
		.size = sizeof(ev), .interface = ifname, .config = config, .user = "u1",
		.net = p->net, .mtu = ev_mtu, .server = server, .auth = auth,
	};
	memcpy(ev.local_ifid, LOCAL_IFID, 8);
	memcpy(ev.peer_ifid, p->ifid, 8);
	vpdn_bus_publish(vpdn_core_bus(core), type, &ev);
}

static void ipv4_event(struct vpdn_core *core, uint32_t type, struct peer *p, const char *ifname,
		       const char *peer)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = ifname, .config = "Virtual-Template1",
		.user = "u1", .net = p->net, .peer = test_ip_addr(peer), .mtu = 1500,
	};
	vpdn_bus_publish(vpdn_core_bus(core), type, &ev);
}

/* An IPv6 packet (next header 59: no next header) src -> dst. */
static size_t pkt6(uint8_t *out, const char *src, const char *dst)
{
	struct in6_addr s = a6(src), d = a6(dst);
	return (size_t)ndp_ip6_build(&s, &d, 59, 64, (const uint8_t *)"", 0, out, 64);
}

/* The last frame the PPP end got, decoded as an RA. */
static bool last_ra(struct peer *p, struct ndp_ra *ra, struct ndp_ip6 *ip)
{
	const char *why;
	return ndp_ip6_parse(p->last, p->last_len, ip, &why) == 0 &&
	       ndp_ra_decode(ip, ra, &why) == 0;
}

static size_t rs_from(struct peer *p, uint8_t *out, bool bad)
{
	struct in6_addr src, dst = a6("ff02::2");
	ndp_link_local(p->ifid, &src);
	ssize_t n = ndp_rs_encode(&src, &dst, out + 40, 64);
	if (bad)
		out[42] ^= 0xff;
	return (size_t)ndp_ip6_build(&src, &dst, NDP_PROTO_ICMPV6, 255, out + 40, (size_t)n, out,
				     128);
}

/* ---- fixture ---- */

static const char *CONF =
	"interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" }\n"
	"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\"\n"
	"  ipv6-pool = \"2001:db8:100::/62\"\n"
	"  ipv6-nd-other-config-flag = true\n"
	"  ipv6-nd-ra-dns-server = {\"2001:db8::53\"}\n"
	"  ipv6-nd-ra-interval = 60 }\n"
	"interface \"Dialer1\" { ip-dialer = true }\n";

struct fx {
	struct vpdn_core *core;
	cfg_t *cfg;
	struct ip_module *ip;
};

static cfg_t *cfg_of(const char *text)
{
	static cfg_opt_t iface[32];
	size_t n = 0;
	cfg_opt_t extra[] = {
		CFG_STR("ip-address", NULL, CFGF_NONE),
		CFG_STR("ip-unnumbered", NULL, CFGF_NONE),
		CFG_INT("dialer-pool", 0, CFGF_NONE),
	};
	for (size_t i = 0; i < G_N_ELEMENTS(extra); i++)
		iface[n++] = extra[i];
	for (cfg_opt_t *o = ip_interface_options; o->name; o++)
		iface[n++] = *o;
	iface[n] = (cfg_opt_t)CFG_END();
	cfg_opt_t opts[] = {
		ip_options[0], ip_options[1], ip_options[2],
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
		CFG_END(),
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);
	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static void fx_start(struct fx *f, const char *extra)
{
	char *text = g_strconcat(CONF, extra ? extra : "", NULL);
	memset(&fk, 0, sizeof(fk));
	memset(f, 0, sizeof(*f));
	f->core = vpdn_core_new_test();
	f->cfg = cfg_of(text);
	g_free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(f->cfg);
	CU_ASSERT_EQUAL_FATAL(ip_check(f->cfg), 0);
	CU_ASSERT_EQUAL_FATAL(ip_module_new(f->core, f->cfg, &fake_ops, NULL, &f->ip), 0);
}

static void fx_stop(struct fx *f)
{
	ip_module_free(f->ip);
	cfg_free(f->cfg);
	vpdn_core_free_test(f->core);
}

static uint64_t ctr(struct fx *f, const char *name)
{
	return *vpdn_core_counter(f->core, name, "");
}

static void advance(struct fx *f, uint64_t ms)
{
	vpdn_timers_advance(vpdn_core_timers(f->core), ms);
}

/* ---- tests ---- */

/* IPv6 alone on a session: Vi made, link-local, /64 from the pool, RAs on
 * the RFC 4861 timers, RS answered (rate-limited), data both ways, a
 * spoofed source dropped, IPv4 on the link dropped, all undone at DOWN. */
static void test_server_v6_only(void)
{
	struct fx f;
	struct peer p;
	struct ndp_ra ra;
	struct ndp_ip6 ip;
	uint8_t b[256];
	size_t n;

	fx_start(&f, NULL);
	peer_init(&p, "Vi2", 1);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "Vi2", "Virtual-Template1", true, NULL);
	struct ftun *vi = tun_named("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi2"));
	CU_ASSERT_PTR_NOT_NULL(find6(fk.addrs, vi->ifindex, "fe80::200:0:0:aa01", 64));
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, vi->ifindex, "fe80::200:0:0:bb01", 128));
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, vi->ifindex, "2001:db8:100::", 64));

	/* the first RA at once: our link-local to all-nodes, the /64, O, RDNSS */
	CU_ASSERT_EQUAL(p.frames, 1);
	CU_ASSERT_TRUE_FATAL(last_ra(&p, &ra, &ip));
	CU_ASSERT_TRUE(eq6(&ip.src, "fe80::200:0:0:aa01"));
	CU_ASSERT_TRUE(eq6(&ip.dst, "ff02::1"));
	CU_ASSERT_TRUE(ra.other);
	CU_ASSERT_FALSE(ra.managed);
	CU_ASSERT_EQUAL(ra.router_lifetime, 1800);
	CU_ASSERT_EQUAL(ra.mtu, 1500);
	CU_ASSERT_EQUAL_FATAL(ra.n_prefixes, 1);
	CU_ASSERT_TRUE(eq6(&ra.prefixes[0].prefix, "2001:db8:100::"));
	CU_ASSERT_EQUAL(ra.prefixes[0].plen, 64);
	CU_ASSERT_TRUE(ra.prefixes[0].autonomous && ra.prefixes[0].onlink);
	CU_ASSERT_EQUAL_FATAL(ra.n_rdnss, 1);
	CU_ASSERT_TRUE(eq6(&ra.rdnss[0], "2001:db8::53"));
	CU_ASSERT_EQUAL(ra.rdnss_lifetime, 180);

	/* initial RAs 16 s apart (3 in all), then within [45, 60] s */
	advance(&f, 15999);
	CU_ASSERT_EQUAL(p.frames, 1);
	advance(&f, 1);
	CU_ASSERT_EQUAL(p.frames, 2);
	advance(&f, 16000);
	CU_ASSERT_EQUAL(p.frames, 3);
	advance(&f, 44999);
	CU_ASSERT_EQUAL(p.frames, 3);
	advance(&f, 15001);
	CU_ASSERT_EQUAL(p.frames, 4);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ra_sent_total"), 4);

	/* an RS: answered at once, unicast; the next within 3 s is not */
	advance(&f, 10);
	unsigned before = p.frames;
	n = rs_from(&p, b, false);
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(p.frames, before + 1);
	CU_ASSERT_TRUE_FATAL(last_ra(&p, &ra, &ip));
	CU_ASSERT_TRUE(eq6(&ip.dst, "fe80::200:0:0:bb01"));
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(p.frames, before + 1);
	CU_ASSERT_EQUAL(ctr(&f, "ip_rs_limited_total"), 1);
	/* a bad RS: counted, not answered, not to the kernel */
	advance(&f, 5000);
	n = rs_from(&p, b, true);
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(ctr(&f, "ip_nd_malformed_total"), 1);
	CU_ASSERT_EQUAL(vi->writes, 0);
	/* the RAs sent and the RSs taken are the interface's packets too
	 * (RADIUS accounting compares the PPP link's counters with these) */
	struct ip_iface *vi2 = ip_iface_find(f.ip, "Vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi2);
	CU_ASSERT_EQUAL(vi2->pkts_out, p.frames);
	CU_ASSERT_EQUAL(vi2->pkts_in, 3);
	/* an RA from the subscriber: dropped */
	memcpy(b, p.last, p.last_len);
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, p.last_len), 0);
	CU_ASSERT_EQUAL(ctr(&f, "ip_nd_malformed_total"), 2);
	CU_ASSERT_EQUAL(vi->writes, 0);

	/* data: from its /64 to the kernel; a foreign source dropped */
	n = pkt6(b, "2001:db8:100::5", "2001:db8:ffff::1");
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	n = pkt6(b, "2001:db8:100:3::5", "2001:db8:ffff::1");
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_spoofed_total"), 1);
	/* IPv4 on a link whose IPCP is not up: dropped */
	n = test_ip_udp(b, "17.17.17.1", "10.0.0.1", 9, 9, 1, "x", 1);
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	/* kernel -> session */
	before = p.frames;
	vi->in_len = pkt6(vi->in, "2001:db8:ffff::1", "2001:db8:100::5");
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Vi2"));
	CU_ASSERT_EQUAL(p.frames, before + 1);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_rx_packets_total"), 1);

	/* down: everything goes, the RA timer too */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p, "Vi2", "Virtual-Template1", true, NULL);
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi2"));
	CU_ASSERT_EQUAL(count6(fk.routes), 0);
	CU_ASSERT_EQUAL(count6(fk.addrs), 0);
	before = p.frames;
	advance(&f, 600000);
	CU_ASSERT_EQUAL(p.frames, before);
	peer_free(&p);
	fx_stop(&f);
}

/* The /62 pool holds four /64s: the fifth session gets none (counted,
 * link-local only); a released lease is given again. */
static void test_pool_exhausted_and_released(void)
{
	struct fx f;
	struct peer p[5];
	char name[8];

	fx_start(&f, NULL);
	for (int i = 0; i < 5; i++) {
		g_snprintf(name, sizeof(name), "Vi%d", i + 1);
		peer_init(&p[i], name, (uint8_t)(i + 1));
		ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[i], name, "Virtual-Template1", true, NULL);
	}
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_pool_exhausted_total"), 1);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, -1, "2001:db8:100:3::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p[1], "Vi2", "Virtual-Template1", true, NULL);
	CU_ASSERT_PTR_NULL(find6(fk.routes, -1, "2001:db8:100:1::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p[4], "Vi5", "Virtual-Template1", true, NULL);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[4], "Vi5", "Virtual-Template1", true, NULL);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi5")->ifindex, "2001:db8:100:1::", 64));
	for (int i = 0; i < 5; i++)
		peer_free(&p[i]);
	fx_stop(&f);
}

/* Authorization's Framed-IPv6-Prefix: used when a /64 nobody holds; else
 * refused (logged, counted) and the pool's given. */
static void test_framed_prefix(void)
{
	struct fx f;
	struct peer a, b, c;
	struct vpdn_auth_ipv6 auth = { .framed_prefix = a6("2001:db8:777:1::"), .framed_plen = 64,
				       .n_dns = 1, .dns = { a6("2001:db8::99") } };
	struct vpdn_auth_ipv6 wide = { .framed_prefix = a6("2001:db8:777::"), .framed_plen = 48 };
	struct ndp_ra ra;
	struct ndp_ip6 ip;

	fx_start(&f, NULL);
	peer_init(&a, "Vi1", 1);
	peer_init(&b, "Vi2", 2);
	peer_init(&c, "Vi3", 3);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &a, "Vi1", "Virtual-Template1", true, &auth);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, -1, "2001:db8:777:1::", 64));
	CU_ASSERT_TRUE_FATAL(last_ra(&a, &ra, &ip));
	CU_ASSERT_TRUE(eq6(&ra.prefixes[0].prefix, "2001:db8:777:1::"));
	CU_ASSERT_TRUE(eq6(&ra.rdnss[0], "2001:db8::99"));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &b, "Vi2", "Virtual-Template1", true, &auth);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_routes_refused_total"), 1);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi2")->ifindex, "2001:db8:100::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &c, "Vi3", "Virtual-Template1", true, &wide);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_routes_refused_total"), 2);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi3")->ifindex, "2001:db8:100:1::", 64));
	peer_free(&a);
	peer_free(&b);
	peer_free(&c);
	fx_stop(&f);
}

/* Framed-IPv6-Pool names an interface section: its ipv6-pool gives the
 * /64 (shared with that section's own sessions); a name that is no such
 * section, or one without ipv6-pool, is warned, counted and the session's
 * own pool used; the named pool full: the own pool too. */
static void test_framed_pool(void)
{
	struct fx f;
	struct peer p[5];
	struct vpdn_auth_ipv6 gold = { .framed_pool = "virtual-template2" };
	struct vpdn_auth_ipv6 nosuch = { .framed_pool = "Gold" };
	struct vpdn_auth_ipv6 nopool = { .framed_pool = "Loopback0" };
	char name[8];

	fx_start(&f, "interface \"Virtual-Template2\" { ipv6-pool = \"2001:db8:200::/63\" }\n");
	for (int i = 0; i < 5; i++) {
		g_snprintf(name, sizeof(name), "Vi%d", i + 1);
		peer_init(&p[i], name, (uint8_t)(i + 1));
	}
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[0], "Vi1", "Virtual-Template1", true, &gold);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi1")->ifindex, "2001:db8:200::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[1], "Vi2", "Virtual-Template1", true, &nosuch);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_pool_unknown_total"), 1);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi2")->ifindex, "2001:db8:100::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[2], "Vi3", "Virtual-Template1", true, &nopool);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_pool_unknown_total"), 2);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi3")->ifindex, "2001:db8:100:1::", 64));
	/* Vt2's own session shares the pool: the /63's second /64 */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[3], "Vi4", "Virtual-Template2", true, NULL);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi4")->ifindex, "2001:db8:200:1::", 64));
	/* the /63 is full: the session's own pool */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[4], "Vi5", "Virtual-Template1", true, &gold);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_pool_exhausted_total"), 1);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi5")->ifindex, "2001:db8:100:2::", 64));
	/* released to the named pool: given again */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p[0], "Vi1", "Virtual-Template1", true, &gold);
	CU_ASSERT_PTR_NULL(find6(fk.routes, -1, "2001:db8:200::", 64));
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p[0], "Vi1", "Virtual-Template1", true, &gold);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi1")->ifindex, "2001:db8:200::", 64));
	for (int i = 0; i < 5; i++)
		peer_free(&p[i]);
	fx_stop(&f);
}

static unsigned n_traffic;
static uint8_t traffic_version;

static enum vpdn_bus_verdict on_traffic(const struct vpdn_event *e, void *data)
{
	const struct vpdn_ev_traffic *t = e->payload;
	n_traffic++;
	traffic_version = t->len ? t->packet[0] >> 4 : 0;
	return VPDN_BUS_CLAIM;   /* the dialer module would dial */
}

/* Dial on demand for IPv6: an IPv6 packet on idle Dialer1 is interesting
 * traffic (one INTERESTING_TRAFFIC per dial), held, and delivered when
 * IPv6 comes up on the dial's link, also when IPv4 came up first; held
 * IPv4 goes at IPv4 up. */
static void test_dod_ipv6(void)
{
	struct fx f;
	struct peer p;
	uint8_t b[64];

	fx_start(&f, "ipv6-route \"2001:db8:1020::/64\" { interface = \"Dialer1\" }\n");
	n_traffic = 0;
	struct vpdn_subscription *sub =
		vpdn_bus_subscribe(vpdn_core_bus(f.core), VPDN_EV_INTERESTING_TRAFFIC, on_traffic, NULL);
	struct ftun *di = tun_named("dialer1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	int fd = ip_module_iface_fd(f.ip, "Dialer1");
	/* the kernel's own link-scope traffic (an MLD report, an RS) does not dial */
	di->in_len = pkt6(di->in, "::", "ff02::16");
	ip_module_tun_input(f.ip, fd);
	di->in_len = pkt6(di->in, "fe80::1", "ff02::2");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(n_traffic, 0);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 0);
	di->in_len = pkt6(di->in, "2001:db8:1::1", "2001:db8:1020::32");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(n_traffic, 1);
	CU_ASSERT_EQUAL(traffic_version, 6);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 1);
	di->in_len = pkt6(di->in, "2001:db8:1::1", "2001:db8:1020::33");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(n_traffic, 1);   /* dialing already */
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 2);
	/* an IPv4 packet too */
	size_t n = test_ip_udp(b, "10.200.20.32", "17.17.17.2", 1000, 9, 7, "x", 1);
	memcpy(di->in, b, n);
	di->in_len = n;
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 3);

	/* IPv4 up first: the IPv4 packet goes, IPv6 stays held */
	peer_init(&p, "BR0:1", 9);
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = "BR0:1", .config = "Dialer1", .profile = "Dialer1",
		.user = "u1", .net = p.net, .peer = test_ip_addr("17.17.17.1"), .mtu = 1500,
	};
	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_PPP_NETWORK_UP, &ev);
	CU_ASSERT_EQUAL(p.frames, 1);
	CU_ASSERT_EQUAL(p.v6frames, 0);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 2);
	/* IPv6 up: the two held, in order, after our first RS */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "BR0:1", "Dialer1", false, NULL);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 0);
	CU_ASSERT_EQUAL(p.v6frames, 3);
	CU_ASSERT_EQUAL(p.last_len, 40);
	CU_ASSERT_EQUAL(p.last[39], 0x33);
	CU_ASSERT_EQUAL(ctr(&f, "ip_dod_delivered_total"), 3);
	CU_ASSERT_EQUAL(ctr(&f, "ip_dod_dropped_total"), 0);
	/* the dial timer was cancelled */
	advance(&f, 120000);
	CU_ASSERT_EQUAL(ctr(&f, "ip_dod_dropped_total"), 0);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p, "BR0:1", "Dialer1", false, NULL);
	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_PPP_NETWORK_DOWN, &ev);
	peer_free(&p);

	/* idle again; IPv6 held, the link never brings IPv6 up: dropped at
	 * dod-timeout (60 s), counted */
	di->in_len = pkt6(di->in, "2001:db8:1::1", "2001:db8:1020::34");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(n_traffic, 2);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 1);
	advance(&f, 60000);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer1"), 0);
	CU_ASSERT_EQUAL(ctr(&f, "ip_dod_dropped_total"), 1);
	vpdn_bus_unsubscribe(vpdn_core_bus(f.core), sub);
	fx_stop(&f);
}

/* Both families on one link: IPv4 down leaves IPv6 working on the same
 * interface; IPv4 after IPv6 joins the same interface. */
static void counters_done(struct vpdn_request *req, int status, const void *r, void *data)
{
	if (status == 0)
		*(struct vpdn_ev_interface_counters_reply *)data =
			*(const struct vpdn_ev_interface_counters_reply *)r;
}

/* INTERFACE_COUNTERS as accounting asks it (by name) */
static struct vpdn_ev_interface_counters_reply counters(struct fx *f, const char *ifname)
{
	struct vpdn_ev_interface_counters_reply r = { 0 };
	struct vpdn_ev_interface_counters q = { .size = sizeof(q), .interface = ifname };
	(void)vpdn_bus_ask(vpdn_core_bus(f->core), VPDN_EV_INTERFACE_COUNTERS, &q,
			   counters_done, &r);
	CU_ASSERT_EQUAL(r.size, sizeof(r));
	return r;
}

static void test_dual_stack_lifecycle(void)
{
	struct fx f;
	struct peer p;
	uint8_t b[128];
	size_t n;

	fx_start(&f, NULL);
	peer_init(&p, "Vi4", 4);
	ipv4_event(f.core, VPDN_EV_PPP_NETWORK_UP, &p, "Vi4", "17.17.17.4");
	/* IPv4 alone: no IPv6 counters kept (#19), none reported */
	CU_ASSERT_PTR_NULL(ip_iface_find(f.ip, "Vi4")->c6);
	CU_ASSERT_EQUAL(counters(&f, "Vi4").in_octets6, 0);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "Vi4", "Virtual-Template1", true, NULL);
	CU_ASSERT_PTR_NOT_NULL(ip_iface_find(f.ip, "Vi4")->c6);
	struct ftun *vi = tun_named("vi4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.4")), "Vi4");
	ipv4_event(f.core, VPDN_EV_PPP_NETWORK_DOWN, &p, "Vi4", "17.17.17.4");
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi4"));
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.4")));
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, vi->ifindex, "2001:db8:100::", 64));
	n = pkt6(b, "2001:db8:100::5", "2001:db8:ffff::1");
	size_t n6 = n;
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	n = test_ip_udp(b, "17.17.17.4", "10.0.0.1", 9, 9, 1, "x", 1);
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);   /* IPv4 is down */
	/* IPv4 again on the same link: the same interface */
	ipv4_event(f.core, VPDN_EV_PPP_NETWORK_UP, &p, "Vi4", "17.17.17.4");
	CU_ASSERT_PTR_EQUAL(tun_named("vi4"), vi);
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.4")), "Vi4");
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 2);
	/* IPCP opens once more (no DOWN between): the same interface, IPv6
	 * kept */
	ipv4_event(f.core, VPDN_EV_PPP_NETWORK_UP, &p, "Vi4", "17.17.17.4");
	CU_ASSERT_PTR_EQUAL(tun_named("vi4"), vi);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, vi->ifindex, "2001:db8:100::", 64));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.4")), "Vi4");
	/* IPv6 down: IPv4 stays, and so do IPv6's counters (accounting
	 * reads them at the session's end) */
	struct vpdn_ev_interface_counters_reply c = counters(&f, "Vi4");
	CU_ASSERT_TRUE(c.ipv6);
	CU_ASSERT_EQUAL(c.in_packets6, 1);
	CU_ASSERT_EQUAL(c.in_packets, 2);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p, "Vi4", "Virtual-Template1", true, NULL);
	c = counters(&f, "Vi4");
	CU_ASSERT_FALSE(c.ipv6);
	CU_ASSERT_EQUAL(c.in_packets6, 1);
	CU_ASSERT_EQUAL(c.in_octets6, n6);
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi4"));
	CU_ASSERT_EQUAL(count6(fk.routes), 0);
	n = pkt6(b, "2001:db8:100::5", "2001:db8:ffff::1");
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 2);
	/* IPv6 up again, then the link hangs up: everything goes */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "Vi4", "Virtual-Template1", true, NULL);
	CU_ASSERT_EQUAL(count6(fk.routes), 2);
	vpdn_link_hangup(p.net, VPDN_LINK_A, 0);
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi4"));
	CU_ASSERT_EQUAL(count6(fk.routes), 0);
	CU_ASSERT_EQUAL(count6(fk.addrs), 0);
	peer_free(&p);
	fx_stop(&f);
}

struct reply { int calls, status; };

static void route_done(struct vpdn_request *req, int status, const void *r, void *data)
{
	struct reply *x = data;
	x->calls++;
	x->status = status;
}

static int route_req(struct fx *f, const char *ifname, const char *prefix, uint8_t plen, bool add)
{
	struct reply x = { 0 };
	struct vpdn_ev_ipv6_route q = {
		.size = sizeof(q), .interface = ifname, .prefix = a6(prefix), .plen = plen,
		.add = add,
	};
	(void)vpdn_bus_ask(vpdn_core_bus(f->core), VPDN_EV_IPV6_ROUTE, &q, route_done, &x);
	CU_ASSERT_EQUAL(x.calls, 1);
	return x.status;
}

static void test_ipv6_route(void)
{
	struct fx f;
	struct peer a, b;

	fx_start(&f, NULL);
	peer_init(&a, "Vi1", 1);
	peer_init(&b, "Vi2", 2);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:200::", 56, true), -ENOENT);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &a, "Vi1", "Virtual-Template1", true, NULL);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &b, "Vi2", "Virtual-Template1", true, NULL);
	int vi1 = tun_named("vi1")->ifindex;
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:200::", 56, true), 0);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, vi1, "2001:db8:200::", 56));
	CU_ASSERT_EQUAL(route_req(&f, "Virtual-Access1", "2001:db8:200::", 56, true), 0);
	/* hostile */
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "::", 0, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2000::", 3, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "fe80::", 64, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "ff02::", 16, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "::ffff:10.0.0.0", 104, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:300::1", 56, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:100::", 48, true), -EINVAL); /* the pool */
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:100:2::", 64, true), -EINVAL);
	CU_ASSERT_EQUAL(route_req(&f, "Vi2", "2001:db8:200:10::", 60, true), -EADDRINUSE);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_routes_refused_total"), 9);
	CU_ASSERT_EQUAL(route_req(&f, "Vi9", "2001:db8:400::", 56, true), -ENOENT);
	/* shorter bound */
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:201::", 56, true), 0);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:202::", 56, true), 0);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:203::", 56, true), 0);
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:204::", 56, true), -ENOSPC);
	/* the routed prefixes as Interface1.Ipv6Routed shows them (show users
	 * "delegated"); a short buffer takes whole prefixes only */
	char routed[IP6_ROUTED_TEXT], small[20];
	ip6_routed_text(ip_iface_find(f.ip, "Vi1"), routed, sizeof(routed));
	CU_ASSERT_STRING_EQUAL(routed, "2001:db8:200::/56 2001:db8:201::/56 2001:db8:202::/56 "
				       "2001:db8:203::/56");
	ip6_routed_text(ip_iface_find(f.ip, "Vi1"), small, sizeof(small));
	CU_ASSERT_STRING_EQUAL(small, "2001:db8:200::/56");
	ip6_routed_text(ip_iface_find(f.ip, "Vi2"), routed, sizeof(routed));
	CU_ASSERT_STRING_EQUAL(routed, "");
	/* remove one; the rest go with the session */
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:200::", 56, false), 0);
	CU_ASSERT_PTR_NULL(find6(fk.routes, vi1, "2001:db8:200::", 56));
	CU_ASSERT_EQUAL(route_req(&f, "Vi1", "2001:db8:200::", 56, false), -ESRCH);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &a, "Vi1", "Virtual-Template1", true, NULL);
	CU_ASSERT_PTR_NULL(find6(fk.routes, -1, "2001:db8:201::", 56));
	/* now free for Vi2, asked as DHCPv6 asks (vpdn_bus_request: the
	 * answer on the next turn) */
	struct reply x = { 0 };
	struct vpdn_ev_ipv6_route q = { .size = sizeof(q), .interface = "Vi2",
		.prefix = a6("2001:db8:200::"), .plen = 56, .add = true };
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_request(vpdn_core_bus(f.core), VPDN_EV_IPV6_ROUTE, &q,
						route_done, &x));
	CU_ASSERT_EQUAL(x.calls, 0);
	vpdn_bus_run_pending(vpdn_core_bus(f.core));
	CU_ASSERT_EQUAL(x.calls, 1);
	CU_ASSERT_EQUAL(x.status, 0);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, tun_named("vi2")->ifindex, "2001:db8:200::", 56));
	peer_free(&a);
	peer_free(&b);
	fx_stop(&f);
}

/* Shared mode: one device; packets from it go by destination: the /64,
 * a routed prefix, fe80::peer_ifid; nothing else. */
static void test_shared_demux(void)
{
	struct fx f;
	struct peer a, b;

	fx_start(&f, "ip { mode = \"shared\" }\n");
	peer_init(&a, "Vi1", 1);
	peer_init(&b, "Vi2", 2);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &a, "Vi1", "Virtual-Template1", true, NULL);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &b, "Vi2", "Virtual-Template1", true, NULL);
	struct ftun *sh = tun_named("vpdn0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	/* one fe80::local/128 for both (same identifier) */
	CU_ASSERT_PTR_NOT_NULL(find6(fk.addrs, sh->ifindex, "fe80::200:0:0:aa01", 128));
	CU_ASSERT_EQUAL(count6(fk.addrs), 1);
	CU_ASSERT_EQUAL(route_req(&f, "Vi2", "2001:db8:200::", 56, true), 0);
	int fd = ip_module_shared_fd(f.ip);
	unsigned fa = a.frames, fb = b.frames;
	sh->in_len = pkt6(sh->in, "2001:db8:ffff::1", "2001:db8:100::5");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.frames, fa + 1);
	sh->in_len = pkt6(sh->in, "2001:db8:ffff::1", "2001:db8:100:1::7");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(b.frames, fb + 1);
	sh->in_len = pkt6(sh->in, "2001:db8:ffff::1", "2001:db8:200:ab::1");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(b.frames, fb + 2);
	sh->in_len = pkt6(sh->in, "fe80::200:0:0:aa01", "fe80::200:0:0:bb01");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.frames, fa + 2);
	uint64_t drops = ctr(&f, "ip_ipv6_drops_total");
	sh->in_len = pkt6(sh->in, "2001:db8:ffff::1", "2001:db8:999::1");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_drops_total"), drops + 1);
	CU_ASSERT_EQUAL(a.frames + b.frames, fa + fb + 4);
	/* the first session goes: the shared link-local stays for the other */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &a, "Vi1", "Virtual-Template1", true, NULL);
	CU_ASSERT_EQUAL(count6(fk.addrs), 1);
	sh->in_len = pkt6(sh->in, "2001:db8:ffff::1", "2001:db8:100::5");
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.frames, fa + 2);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &b, "Vi2", "Virtual-Template1", true, NULL);
	CU_ASSERT_EQUAL(count6(fk.addrs), 0);
	CU_ASSERT_EQUAL(count6(fk.routes), 0);
	peer_free(&a);
	peer_free(&b);
	fx_stop(&f);
}

/* The client role on a dialer: RSs (3, 4 s apart) until the RA; its
 * prefix + our identifier on the TUN, the default route; a bad RA
 * changes nothing. */
static void test_client_slaac(void)
{
	struct fx f;
	struct peer p;
	uint8_t b[256];
	const char *why;
	struct ndp_ip6 ip;

	fx_start(&f, "ipv6-route \"2001:db8:1020::/64\" { interface = \"Dialer1\" }\n"
		     "ipv6-route \"2001:db8:5::/48\" { interface = \"Dialer9\" }\n");
	peer_init(&p, "BR0:1", 9);
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "BR0:1", "Dialer1", false, NULL);
	struct ftun *di = tun_named("dialer1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.addrs, di->ifindex, "fe80::200:0:0:aa01", 64));
	/* the configured route through Dialer1 (not Dialer9's) */
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, di->ifindex, "2001:db8:1020::", 64));
	CU_ASSERT_PTR_NULL(find6(fk.routes, -1, "2001:db8:5::", 48));
	CU_ASSERT_EQUAL(p.frames, 1);
	CU_ASSERT_EQUAL(ndp_ip6_parse(p.last, p.last_len, &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_rs_decode(&ip, &why), 0);
	advance(&f, 4000);
	advance(&f, 4000);
	CU_ASSERT_EQUAL(p.frames, 3);
	advance(&f, 40000);
	CU_ASSERT_EQUAL(p.frames, 3);

	/* the LNS's RA */
	struct ndp_ra ra = { .router_lifetime = 1800, .n_prefixes = 1 };
	ra.prefixes[0] = (struct ndp_prefix){ .prefix = a6("2001:db8:100:1::"), .plen = 64,
		.onlink = true, .autonomous = true, .valid = 7200, .preferred = 3600 };
	struct in6_addr src, dst = a6("ff02::1");
	ndp_link_local(p.ifid, &src);
	ssize_t n = ndp_ra_encode(&ra, &src, &dst, b + 40, 200);
	n = ndp_ip6_build(&src, &dst, NDP_PROTO_ICMPV6, 64, b + 40, (size_t)n, b, sizeof(b));
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, (size_t)n), 0); /* hop limit 64 */
	CU_ASSERT_EQUAL(ctr(&f, "ip_nd_malformed_total"), 1);
	CU_ASSERT_PTR_NULL(find6(fk.addrs, di->ifindex, "2001:db8:100:1:200:0:0:aa01", 64));
	b[7] = 255;
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, (size_t)n), 0);
	const struct fobj6 *g = find6(fk.addrs, di->ifindex, "2001:db8:100:1:200:0:0:aa01", 64);
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_EQUAL(g->valid, 7200);
	CU_ASSERT_EQUAL(g->pref, 3600);
	CU_ASSERT_PTR_NOT_NULL(find6(fk.routes, di->ifindex, "::", 0));
	CU_ASSERT_EQUAL(di->writes, 0);   /* the RA is ours, not the kernel's */
	/* router lifetime 0: no default route any more */
	b[40 + 6] = b[40 + 7] = 0;
	b[42] = b[43] = 0;
	uint16_t c = ndp_icmp6_checksum(&src, &dst, b + 40, (size_t)n - 40);
	b[42] = (uint8_t)(c >> 8);
	b[43] = (uint8_t)c;
	CU_ASSERT_EQUAL(vpdn_link_send(p.net, VPDN_LINK_A, b, (size_t)n), 0);
	CU_ASSERT_PTR_NULL(find6(fk.routes, di->ifindex, "::", 0));
	/* down: the dialer stays, its IPv6 goes */
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_DOWN, &p, "BR0:1", "Dialer1", false, NULL);
	CU_ASSERT_TRUE(ip_module_has_iface(f.ip, "Dialer1"));
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer1"));
	CU_ASSERT_EQUAL(count6(fk.addrs), 0);
	CU_ASSERT_EQUAL(count6(fk.routes), 0);
	peer_free(&p);
	fx_stop(&f);
}

/* Shared mode, the peer's MRU 1280: a longer packet from the device is
 * not sent; an ICMPv6 Packet Too Big (MTU 1280, valid checksum) goes back
 * to its source; not for an ICMPv6 error. */
static void test_packet_too_big(void)
{
	struct fx f;
	struct peer p;
	struct in6_addr s, d;

	fx_start(&f, "ip { mode = \"shared\" }\n");
	peer_init(&p, "Vi1", 1);
	ev_mtu = 1280;
	ipv6_event(f.core, VPDN_EV_PPP_IPV6_UP, &p, "Vi1", "Virtual-Template1", true, NULL);
	ev_mtu = 1500;
	struct ftun *sh = tun_named("vpdn0");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	unsigned frames = p.frames;
	uint8_t big[1400] = { 0 };
	s = a6("2001:db8:ffff::1");
	d = a6("2001:db8:100::5");
	sh->in_len = (size_t)ndp_ip6_build(&s, &d, 17, 64, big + 40, sizeof(big) - 40, sh->in,
					   sizeof(sh->in));
	ip_module_tun_input(f.ip, ip_module_shared_fd(f.ip));
	CU_ASSERT_EQUAL(p.frames, frames);
	CU_ASSERT_EQUAL_FATAL(sh->writes, 1);
	CU_ASSERT_EQUAL(sh->last_len, 1280);
	CU_ASSERT_EQUAL(sh->last[40], 2);   /* Packet Too Big */
	CU_ASSERT_EQUAL(sh->last[44] << 24 | sh->last[45] << 16 | sh->last[46] << 8 | sh->last[47],
			1280);
	CU_ASSERT_TRUE(eq6(sh->last + 8, "2001:db8:100::5"));
	CU_ASSERT_TRUE(eq6(sh->last + 24, "2001:db8:ffff::1"));
	uint16_t c = ndp_icmp6_checksum(&d, &s, sh->last + 40, 1240);
	CU_ASSERT_EQUAL(sh->last[42] << 8 | sh->last[43], c);
	CU_ASSERT_EQUAL(ctr(&f, "ip_ipv6_packet_too_big_total"), 1);
	/* an ICMPv6 error that is too long: dropped, no answer */
	sh->in_len = (size_t)ndp_ip6_build(&s, &d, NDP_PROTO_ICMPV6, 64, big + 40,
					   sizeof(big) - 40, sh->in, sizeof(sh->in));
	sh->in[40] = 1;
	ip_module_tun_input(f.ip, ip_module_shared_fd(f.ip));
	CU_ASSERT_EQUAL(sh->writes, 1);
	CU_ASSERT_EQUAL(p.frames, frames);
	/* one that fits goes */
	sh->in_len = (size_t)ndp_ip6_build(&s, &d, 17, 64, big + 40, 1280 - 40, sh->in,
					   sizeof(sh->in));
	ip_module_tun_input(f.ip, ip_module_shared_fd(f.ip));
	CU_ASSERT_EQUAL(p.frames, frames + 1);
	peer_free(&p);
	fx_stop(&f);
}

/* Bad ipv6-* options: ip_check refuses them. */
static void test_check(void)
{
	static const char *bad[] = {
		"interface \"Vt2\" { ipv6-pool = \"2001:db8::/16\" }\n",
		"interface \"Vt2\" { ipv6-pool = \"2001:db8::1/48\" }\n",
		"interface \"Vt2\" { ipv6-pool = \"fe80::/48\" }\n",
		"interface \"Vt2\" { ipv6-pool = \"nonsense\" }\n",
		"interface \"Vt2\" { ipv6-nd-ra-interval = 2 }\n",
		"interface \"Vt2\" { ipv6-nd-ra-dns-server = {\"ff02::1\"} }\n",
		"ipv6-route \"2001:db8::1/64\" { interface = \"Dialer1\" }\n",
		"ipv6-route \"2001:db8::/64\" { }\n",
	};
	for (size_t i = 0; i < G_N_ELEMENTS(bad); i++) {
		cfg_t *c = cfg_of(bad[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(c);
		CU_ASSERT_NOT_EQUAL(ip_check(c), 0);
		cfg_free(c);
	}
	cfg_t *c = cfg_of(CONF);
	CU_ASSERT_EQUAL(ip_check(c), 0);
	cfg_free(c);
}

static const struct vpdn_test_case tests[] = {
	{"server, IPv6 alone: RA, RS, data, down", test_server_v6_only},
	{"pool exhausted and released", test_pool_exhausted_and_released},
	{"Framed-IPv6-Prefix", test_framed_prefix},
	{"Framed-IPv6-Pool: a named section's pool, unknown falls back", test_framed_pool},
	{"dual stack: either family alone", test_dual_stack_lifecycle},
	{"IPV6_ROUTE", test_ipv6_route},
	{"shared mode demux", test_shared_demux},
	{"client: SLAAC from the RA", test_client_slaac},
	{"dial on demand: IPv6 is interesting traffic, held", test_dod_ipv6},
	{"packet too big (shared mode)", test_packet_too_big},
	{"config check", test_check},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"ip-ipv6", tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
