/* SPDX-License-Identifier: MIT */
/* Unit tests of the ip module (modules/ip) with a fake kernel: naming,
 * config, Virtual-Access and dialer interfaces, dial on demand, shared
 * mode. Fake clock, no TUN, no netlink. */
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/core.h>

#include "ip.h"
#include "test_ip_common.h"
#include "vpdn_test.h"

/* ---- fake kernel ---- */

#define MAXTUN 16
#define MAXPKT 16
#define MAXOBJ 32

struct fpkt { size_t len; uint8_t data[2048]; };

struct ftun {
	bool open;
	char name[IFNAMSIZ];
	int ifindex;
	struct fpkt in[MAXPKT]; unsigned in_head, in_len; /* to be read */
	bool gone;       /* the device was deleted: reads fail with EBADFD */
	unsigned reads;
	unsigned writes; struct fpkt last_write;
};

struct fobj {
	bool present; int ifindex; struct in_addr a, src; int plen; uint32_t metric;
	uint32_t mtu;   /* a route's RTAX_MTU (route() or route_mtu()), 0: none */
};

struct fake {
	struct ftun tun[MAXTUN];   /* fd = 100 + index */
	unsigned opens;
	struct fobj addrs[MAXOBJ], routes[MAXOBJ];
	int mtu_ifindex; uint32_t link_mtu;         /* last link_mtu() */
	struct in_addr mtu_dst, mtu_src; uint32_t route_mtu; /* last route_mtu() */
	unsigned route_adds, route_mtus;            /* route(add) and route_mtu() calls */
	bool src_einval;   /* route(add) with a source: EINVAL (not local there) */
};

static struct fake fk;

static int f_tun_open(void *ctx, const char *name, uint32_t mtu, int *ifindex)
{
	for (int i = 0; i < MAXTUN; i++) {
		if (fk.tun[i].open)
			continue;
		memset(&fk.tun[i], 0, sizeof(fk.tun[i]));
		fk.tun[i].open = true;
		g_strlcpy(fk.tun[i].name, name, IFNAMSIZ);
		fk.tun[i].ifindex = *ifindex = 10 + i;
		fk.opens++;
		return 100 + i;
	}
	return -ENFILE;
}

static struct ftun *ftun_fd(int fd)
{
	CU_ASSERT_FATAL(fd >= 100 && fd < 100 + MAXTUN);
	return &fk.tun[fd - 100];
}

static struct ftun *ftun_name(const char *name)
{
	for (int i = 0; i < MAXTUN; i++)
		if (fk.tun[i].open && !strcmp(fk.tun[i].name, name))
			return &fk.tun[i];
	return NULL;
}

static void f_tun_close(void *ctx, int fd)
{
	struct ftun *t = ftun_fd(fd);

	/* As the kernel: a deleted device's routes and addresses went with it. */
	if (t->gone)
		for (int i = 0; i < MAXOBJ; i++) {
			if (fk.routes[i].ifindex == t->ifindex)
				fk.routes[i].present = false;
			if (fk.addrs[i].ifindex == t->ifindex)
				fk.addrs[i].present = false;
		}
	t->open = false;
}

static ssize_t f_tun_read(void *ctx, int fd, void *buf, size_t len)
{
	struct ftun *t = ftun_fd(fd);
	struct fpkt *p;
	t->reads++;
	if (t->gone)
		return -EBADFD;
	if (!t->in_len)
		return -EAGAIN;
	p = &t->in[t->in_head];
	t->in_head = (t->in_head + 1) % MAXPKT;
	t->in_len--;
	memcpy(buf, p->data, p->len);
	return (ssize_t)p->len;
}

static ssize_t f_tun_write(void *ctx, int fd, const void *buf, size_t len)
{
	struct ftun *t = ftun_fd(fd);
	CU_ASSERT(t->open);
	t->writes++;
	t->last_write.len = len;
	memcpy(t->last_write.data, buf, len < 2048 ? len : 2048);
	return (ssize_t)len;
}

static int f_ifindex(void *ctx, const char *name)
{
	return !strcmp(name, "lo") ? 1 : -ENODEV;
}

static int fobj_op(struct fobj *set, bool add, int ifindex, struct in_addr a, int plen,
		   struct in_addr src)
{
	for (int i = 0; i < MAXOBJ; i++) {
		struct fobj *o = &set[i];
		if (o->present && o->ifindex == ifindex && o->a.s_addr == a.s_addr && o->plen == plen) {
			if (add)
				return -EEXIST;
			o->present = false;
			return 0;
		}
	}
	if (!add)
		return -ESRCH;
	for (int i = 0; i < MAXOBJ; i++)
		if (!set[i].present) {
			set[i] = (struct fobj){ true, ifindex, a, src, plen };
			return 0;
		}
	return -ENOSPC;
}

static int f_addr(void *ctx, bool add, int ifindex, struct in_addr a, int plen)
{
	int r = fobj_op(fk.addrs, add, ifindex, a, plen, (struct in_addr){ 0 });
	bool left = false;

	if (r < 0 || add)
		return r;
	/* As Linux: a device's routes go with its last IPv4 address. */
	for (int i = 0; i < MAXOBJ; i++)
		left |= fk.addrs[i].present && fk.addrs[i].ifindex == ifindex;
	for (int i = 0; i < MAXOBJ && !left; i++)
		if (fk.routes[i].ifindex == ifindex)
			fk.routes[i].present = false;
	return r;
}

/* As Linux: a route is dst/plen + metric; another one with the same
 * prefix and metric is EEXIST whatever its device (the item 7 failure). */
static int f_route(void *ctx, bool add, int ifindex, struct in_addr dst, int plen,
		   struct in_addr src, uint32_t metric, uint32_t mtu)
{
	fk.route_adds += add;
	if (add && src.s_addr && fk.src_einval)
		return -EINVAL;
	for (int i = 0; i < MAXOBJ; i++) {
		struct fobj *o = &fk.routes[i];
		if (!o->present || o->a.s_addr != dst.s_addr || o->plen != plen ||
		    o->metric != metric)
			continue;
		if (add)
			return -EEXIST;
		if (o->ifindex != ifindex)
			continue;
		o->present = false;
		return 0;
	}
	if (!add)
		return -ESRCH;
	for (int i = 0; i < MAXOBJ; i++)
		if (!fk.routes[i].present) {
			fk.routes[i] = (struct fobj){ true, ifindex, dst, src, plen, metric, mtu };
			return 0;
		}
	return -ENOSPC;
}

static int f_link_mtu(void *ctx, int ifindex, uint32_t mtu)
{
	fk.mtu_ifindex = ifindex;
	fk.link_mtu = mtu;
	return 0;
}

static int f_route_mtu(void *ctx, int ifindex, struct in_addr dst, int plen,
		       struct in_addr src, uint32_t mtu)
{
	fk.route_mtus++;
	for (int i = 0; i < MAXOBJ; i++)
		if (fk.routes[i].present && fk.routes[i].ifindex == ifindex &&
		    fk.routes[i].a.s_addr == dst.s_addr && fk.routes[i].plen == plen) {
			fk.mtu_dst = dst;
			fk.mtu_src = src;
			fk.route_mtu = mtu;
			fk.routes[i].mtu = mtu;
			return 0;
		}
	return -ENOENT;
}

static const struct ip_sys_ops fake_ops = {
	.pollable = false,
	.tun_open = f_tun_open, .tun_close = f_tun_close,
	.tun_read = f_tun_read, .tun_write = f_tun_write,
	.ifindex = f_ifindex, .addr = f_addr, .route = f_route,
	.link_mtu = f_link_mtu, .route_mtu = f_route_mtu,
};

static const struct fobj *fobj_find(struct fobj *set, int ifindex, const char *a, int plen)
{
	struct in_addr x = test_ip_addr(a);
	for (int i = 0; i < MAXOBJ; i++)
		if (set[i].present && set[i].ifindex == ifindex && set[i].a.s_addr == x.s_addr &&
		    set[i].plen == plen)
			return &set[i];
	return NULL;
}

static unsigned fobj_count(struct fobj *set)
{
	unsigned n = 0;
	for (int i = 0; i < MAXOBJ; i++)
		n += set[i].present;
	return n;
}

static unsigned open_tuns(void)
{
	unsigned n = 0;
	for (int i = 0; i < MAXTUN; i++)
		n += fk.tun[i].open;
	return n;
}

static void inject(struct ftun *t, const uint8_t *p, size_t len)
{
	struct fpkt *s;
	CU_ASSERT_FATAL(t && t->in_len < MAXPKT);
	s = &t->in[(t->in_head + t->in_len) % MAXPKT];
	s->len = len;
	memcpy(s->data, p, len);
	t->in_len++;
}

static void inject_udp(struct ftun *t, const char *dst, uint16_t id)
{
	uint8_t p[64];
	size_t n = test_ip_udp(p, "10.200.20.32", dst, 1000, 9, id, "x", 1);
	inject(t, p, n);
}

/* ---- the PPP side: a recorder at end A of the net link ---- */

struct ppp_side {
	struct vpdn_link *net;
	size_t maxlen;             /* longest frame received */
	unsigned hangups;
	int cause;
	unsigned frames;
	uint16_t ids[64];
	struct in_addr dst[64];
};

static void ppp_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
	struct ppp_side *s = ctx;
	CU_ASSERT(n >= 20 && (d[0] >> 4) == 4);
	if (n > s->maxlen)
		s->maxlen = n;
	if (s->frames < 64) {
		s->ids[s->frames] = (uint16_t)(d[4] << 8 | d[5]);
		memcpy(&s->dst[s->frames], d + 16, 4);
	}
	s->frames++;
}

static void ppp_hangup(void *ctx, struct vpdn_link *l, int cause)
{
	struct ppp_side *s = ctx;
	s->hangups++;
	s->cause = cause;
}

static const struct vpdn_link_ops ppp_ops = { .frame = ppp_frame, .hangup = ppp_hangup };

static void ppp_side_init(struct ppp_side *s, const char *name)
{
	memset(s, 0, sizeof(*s));
	s->net = vpdn_link_new(name);
	vpdn_link_attach(s->net, VPDN_LINK_A, &ppp_ops, s);
}

static void network(struct vpdn_core *core, uint32_t type, struct ppp_side *s,
		    const char *ifname, const char *config, const char *profile,
		    const char *local, const char *peer)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = ifname, .config = config, .profile = profile,
		.net = s->net, .local = test_ip_addr(local), .peer = test_ip_addr(peer),
		.mtu = 1500,
	};
	vpdn_bus_publish(vpdn_core_bus(core), type, &ev);
}

static void network_mtu(struct vpdn_core *core, struct ppp_side *s, const char *ifname,
			const char *config, const char *peer, uint32_t mtu)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = ifname, .config = config,
		.net = s->net, .local = test_ip_addr("18.18.18.2"), .peer = test_ip_addr(peer),
		.mtu = mtu,
	};
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &ev);
}

static void ppp_side_free(struct ppp_side *s)
{
	vpdn_link_detach(s->net, VPDN_LINK_A);
	vpdn_link_unref(s->net);
}

/* NETWORK_UP/DOWN with the session's user (the address owner). */
static void network_user(struct vpdn_core *core, uint32_t type, struct ppp_side *s,
			 const char *ifname, const char *user, const char *peer)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = ifname, .config = "Virtual-Template1",
		.user = user, .net = s->net, .local = test_ip_addr("18.18.18.2"),
		.peer = test_ip_addr(peer), .mtu = 1500,
	};
	vpdn_bus_publish(vpdn_core_bus(core), type, &ev);
}

struct check_reply { int calls, status; char reason[64], holder[16]; };

static void check_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct check_reply *c = data;
	const struct vpdn_ev_address_refusal *r = reply;
	c->calls++;
	c->status = status;
	g_strlcpy(c->reason, r && r->reason ? r->reason : "", sizeof(c->reason));
	g_strlcpy(c->holder, r && r->holder ? r->holder : "", sizeof(c->holder));
}

/* ADDRESS_CHECK as IPCP asks it; the answer is always synchronous. */
static struct check_reply check(struct vpdn_core *core, const char *addr, const char *owner,
				bool authorized)
{
	struct check_reply c = { 0 };
	struct vpdn_ev_address_check q = {
		.size = sizeof(q), .address = test_ip_addr(addr), .interface = "Vi9",
		.owner = owner, .authorized = authorized,
	};
	(void)vpdn_bus_ask(vpdn_core_bus(core), VPDN_EV_ADDRESS_CHECK, &q, check_done, &c);
	CU_ASSERT_EQUAL(c.calls, 1);
	return c;
}

/* ---- events ---- */

struct evrec {
	unsigned traffic, created, destroyed;
	bool claim;
	char last_iface[32];
	struct in_addr last_dst;
};

static enum vpdn_bus_verdict on_traffic(const struct vpdn_event *e, void *data)
{
	struct evrec *r = data;
	const struct vpdn_ev_traffic *t = e->payload;
	r->traffic++;
	g_strlcpy(r->last_iface, t->interface, sizeof(r->last_iface));
	CU_ASSERT(t->len >= 20);
	memcpy(&r->last_dst, t->packet + 16, 4);
	return r->claim ? VPDN_BUS_CLAIM : VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_created(const struct vpdn_event *e, void *data)
{
	((struct evrec *)data)->created++;
	return VPDN_BUS_PASS;
}

static enum vpdn_bus_verdict on_destroyed(const struct vpdn_event *e, void *data)
{
	((struct evrec *)data)->destroyed++;
	return VPDN_BUS_PASS;
}

static void subscribe_all(struct vpdn_core *core, struct evrec *r)
{
	struct vpdn_bus *bus = vpdn_core_bus(core);
	vpdn_bus_subscribe(bus, VPDN_EV_INTERESTING_TRAFFIC, on_traffic, r);
	vpdn_bus_subscribe(bus, VPDN_EV_INTERFACE_CREATED, on_created, r);
	vpdn_bus_subscribe(bus, VPDN_EV_INTERFACE_DESTROYED, on_destroyed, r);
}

static const char *LNS_CONF =
	"interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" }\n"
	"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\" }\n"
	"interface \"Dialer2\" { dialer-pool = 1 }\n"
	"interface \"Dialer1\" { ip-dialer = true }\n"
	"ip-route \"17.17.17.2/32\" { interface = \"Dialer2\" }\n"
	"ip-route \"17.17.17.20 255.255.255.255\" { interface = \"Dialer1\" }\n";

struct fixture {
	struct vpdn_core *core;
	cfg_t *cfg;
	struct ip_module *ip;
	struct evrec ev;
};

static void fx_start(struct fixture *f, const char *extra, bool claim)
{
	char *text = g_strconcat(LNS_CONF, extra ? extra : "", NULL);
	memset(&fk, 0, sizeof(fk));
	memset(f, 0, sizeof(*f));
	f->core = vpdn_core_new_test();
	f->ev.claim = claim;
	subscribe_all(f->core, &f->ev);
	f->cfg = test_ip_cfg(text);
	g_free(text);
	CU_ASSERT_FATAL(f->cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(ip_check(f->cfg), 0);
	CU_ASSERT_EQUAL_FATAL(ip_module_new(f->core, f->cfg, &fake_ops, NULL, &f->ip), 0);
}

static void fx_stop(struct fixture *f)
{
	ip_module_free(f->ip);
	cfg_free(f->cfg);
	vpdn_core_free_test(f->core);
}

static struct ip_stats stats(struct fixture *f)
{
	struct ip_stats s;
	ip_module_stats(f->ip, &s);
	return s;
}

/* ---- tests ---- */

static void test_kernel_names(void)
{
	char n[IFNAMSIZ];
	ip_kernel_name("Vi2", n); CU_ASSERT_STRING_EQUAL(n, "vi2");
	ip_kernel_name("Virtual-Access2", n); CU_ASSERT_STRING_EQUAL(n, "vi2");
	ip_kernel_name("Dialer2", n); CU_ASSERT_STRING_EQUAL(n, "dialer2");
	ip_kernel_name("Di2", n); CU_ASSERT_STRING_EQUAL(n, "dialer2");
	ip_kernel_name("Serial0:17", n); CU_ASSERT_STRING_EQUAL(n, "serial0-17");
	/* every form of one IOS name gives one kernel name */
	ip_kernel_name("virtual-access 2", n); CU_ASSERT_STRING_EQUAL(n, "vi2");
	ip_kernel_name("Virtual-Template 1", n); CU_ASSERT_STRING_EQUAL(n, "vt1");
	ip_kernel_name("Vt1", n); CU_ASSERT_STRING_EQUAL(n, "vt1");
	ip_kernel_name("Lo0", n); CU_ASSERT_STRING_EQUAL(n, "lo0");
	ip_kernel_name("Loopback0", n); CU_ASSERT_STRING_EQUAL(n, "lo0");
	ip_kernel_name("Dialerx1", n); CU_ASSERT_STRING_EQUAL(n, "dialerx1");
	ip_kernel_name("Virtual-Access12345678901234", n);
	CU_ASSERT_EQUAL(strlen(n), IFNAMSIZ - 1);
	CU_ASSERT_EQUAL(strncmp(n, "vi123", 5), 0);
	ip_kernel_name("", n); CU_ASSERT_STRING_EQUAL(n, "ip");
}

static void test_parse_prefix(void)
{
	struct in_addr a;
	int plen;
	CU_ASSERT_EQUAL(ip_parse_prefix("17.17.17.2/32", &a, &plen), 0);
	CU_ASSERT_EQUAL(plen, 32);
	CU_ASSERT_EQUAL(a.s_addr, test_ip_addr("17.17.17.2").s_addr);
	CU_ASSERT_EQUAL(ip_parse_prefix("10.0.0.0 255.255.0.0", &a, &plen), 0);
	CU_ASSERT_EQUAL(plen, 16);
	CU_ASSERT_EQUAL(ip_parse_prefix("18.18.18.1", &a, &plen), 0);
	CU_ASSERT_EQUAL(plen, 32);
	CU_ASSERT_EQUAL(ip_parse_prefix("10.0.0.0/33", &a, &plen), -EINVAL);
	CU_ASSERT_EQUAL(ip_parse_prefix("10.0.0.0 255.0.255.0", &a, &plen), -EINVAL);
	CU_ASSERT_EQUAL(ip_parse_prefix("bogus/8", &a, &plen), -EINVAL);
	CU_ASSERT_EQUAL(ip_parse_prefix(NULL, &a, &plen), -EINVAL);
}

static void test_check(void)
{
	static const char *bad[] = {
		"ip { mode = \"bridged\" }",
		"ip { dod-queue = -1 }",
		"ip { dod-timeout = 0 }",
		"ip { shared-device = \"averyveryverylongname\" }",
		"ip-route \"17.17.17.2/40\" { interface = \"Dialer2\" }",
		"ip-route \"17.17.17.2/32\" { }",
		"interface \"Loopback0\" { ip-address = \"18.18.18\" }",
		"interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback9\" }",
		NULL,
	};
	for (int i = 0; bad[i]; i++) {
		cfg_t *c = test_ip_cfg(bad[i]);
		CU_ASSERT_FATAL(c != NULL);
		CU_ASSERT_EQUAL(ip_check(c), -EINVAL);
		cfg_free(c);
	}
	cfg_t *c = test_ip_cfg(LNS_CONF);
	CU_ASSERT_FATAL(c != NULL);
	CU_ASSERT_EQUAL(ip_check(c), 0);
	cfg_free(c);
}

static void test_setup_and_teardown(void)
{
	struct fixture f;
	int di2, di1;

	fx_start(&f, NULL, true);
	/* Loopback0's address on lo */
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.addrs, 1, "18.18.18.2", 32));
	/* idle dialer interfaces, with the static routes */
	CU_ASSERT_PTR_NOT_NULL(ftun_name("dialer2"));
	CU_ASSERT_PTR_NOT_NULL(ftun_name("dialer1"));
	CU_ASSERT_PTR_NULL(ftun_name("vt1"));
	CU_ASSERT_EQUAL(open_tuns(), 2);
	CU_ASSERT_EQUAL(f.ev.created, 2);
	di2 = ip_module_iface_ifindex(f.ip, "Dialer2");
	di1 = ip_module_iface_ifindex(f.ip, "dialer 1");
	CU_ASSERT(di2 > 0 && di1 > 0 && di1 != di2);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di2, "17.17.17.2", 32));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di1, "17.17.17.20", 32));
	CU_ASSERT_STRING_EQUAL(ip_module_iface_kernel_name(f.ip, "Dialer2"), "dialer2");
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer2"));
	fx_stop(&f);
	CU_ASSERT_EQUAL(open_tuns(), 0);
	CU_ASSERT_EQUAL(fobj_count(fk.addrs), 0);
}

static void test_virtual_access(void)
{
	struct fixture f;
	struct ppp_side s;
	struct ftun *vi;
	uint8_t p[64];
	size_t n;

	fx_start(&f, NULL, true);
	ppp_side_init(&s, "Vi2");
	/* local 0: taken from Virtual-Template1's ip unnumbered Loopback0 */
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi2", "Virtual-Template1", NULL, "0.0.0.0",
		"17.17.17.1");
	vi = ftun_name("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	CU_ASSERT_EQUAL(f.ev.created, 3);
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi2"));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.addrs, vi->ifindex, "18.18.18.2", 32));
	const struct fobj *rt = fobj_find(fk.routes, vi->ifindex, "17.17.17.1", 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(rt->src.s_addr, test_ip_addr("18.18.18.2").s_addr);
	CU_ASSERT_TRUE(vpdn_link_attached(s.net, VPDN_LINK_B));

	/* kernel -> session */
	inject_udp(vi, "17.17.17.1", 7);
	inject_udp(vi, "17.17.17.1", 8);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Vi2"));
	CU_ASSERT_EQUAL(s.frames, 2);
	CU_ASSERT_EQUAL(s.ids[0], 7);
	CU_ASSERT_EQUAL(s.ids[1], 8);
	CU_ASSERT_EQUAL(stats(&f).rx, 2);
	/* session -> kernel; garbage is dropped */
	n = test_ip_udp(p, "17.17.17.1", "10.200.20.32", 9, 1000, 99, "hi", 2);
	CU_ASSERT_EQUAL(vpdn_link_send(s.net, VPDN_LINK_A, p, n), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	CU_ASSERT_EQUAL(vi->last_write.len, n);
	CU_ASSERT_EQUAL(memcmp(vi->last_write.data, p, n), 0);
	CU_ASSERT_EQUAL(vpdn_link_send(s.net, VPDN_LINK_A, (const uint8_t *)"\x60junk", 5), 0);
	CU_ASSERT_EQUAL(vi->writes, 1);
	CU_ASSERT_EQUAL(stats(&f).tx, 1);
	CU_ASSERT_EQUAL(stats(&f).drops, 1);

	/* down: route, address and device go */
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	CU_ASSERT_PTR_NULL(ftun_name("vi2"));
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi2"));
	CU_ASSERT_EQUAL(f.ev.destroyed, 1);
	CU_ASSERT_EQUAL(fobj_count(fk.routes), 2); /* the two static routes */
	CU_ASSERT_EQUAL(fobj_count(fk.addrs), 1);  /* Loopback0 */
	CU_ASSERT_FALSE(vpdn_link_attached(s.net, VPDN_LINK_B));
	ppp_side_free(&s);
	fx_stop(&f);
}

/* IOS names (vpdnd/interface.h): "Lo2" is a loopback, "Di3" in an
 * ip-route names Dialer3 (so it is a dialer profile with a TUN),
 * "ip-unnumbered = Lo1" borrows Loopback1's address, and a session's
 * config "Vt5" is Virtual-Template5. Before, only spaces and case were
 * ignored: Lo2 had no address, Dialer3 no TUN, and ip_check refused
 * "Lo1". */
static void test_ios_short_names(void)
{
	struct fixture f;
	struct ppp_side s;
	struct ftun *di, *vi;

	fx_start(&f, "interface \"Loopback1\" { ip-address = \"18.18.18.9/32\" }\n"
		     "interface \"Lo2\" { ip-address = \"18.18.18.10/32\" }\n"
		     "interface \"Dialer3\" { }\n"
		     "interface \"Virtual-Template5\" { ip-unnumbered = \"Lo1\" }\n"
		     "ip-route \"17.17.17.30/32\" { interface = \"Di3\" }\n", true);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.addrs, 1, "18.18.18.10", 32));
	di = ftun_name("dialer3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di->ifindex, "17.17.17.30", 32));
	CU_ASSERT_TRUE(ip_module_has_iface(f.ip, "Di3"));
	CU_ASSERT_EQUAL(ip_module_iface_ifindex(f.ip, "di 3"), di->ifindex);
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Dialer30"));

	ppp_side_init(&s, "Vi7");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi7", "Vt5", NULL, "0.0.0.0", "17.17.17.7");
	vi = ftun_name("vi7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Virtual-Access7"));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.addrs, vi->ifindex, "18.18.18.9", 32));
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "Vi7", "Vt5", NULL, "18.18.18.9",
		"17.17.17.7");
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi7"));
	ppp_side_free(&s);
	fx_stop(&f);
}

static void test_link_hangup(void)
{
	struct fixture f;
	struct ppp_side s;

	fx_start(&f, NULL, true);
	ppp_side_init(&s, "Vi3");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi3", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ftun_name("vi3"));
	vpdn_link_hangup(s.net, VPDN_LINK_A, VPDN_CAUSE_NORMAL_CLEARING);
	CU_ASSERT_PTR_NULL(ftun_name("vi3"));
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi3"));
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, 12, "17.17.17.3", 32));
	CU_ASSERT_EQUAL(fobj_count(fk.routes), 2);
	ppp_side_free(&s);
	fx_stop(&f);
}

/* A link carries one network: NETWORK_DOWN finds the interface by the
 * link (not by name), and a second NETWORK_UP of the same link under
 * another name moves it (the first interface goes down). */
static void test_network_by_link(void)
{
	struct fixture f;
	struct ppp_side a, b;

	fx_start(&f, NULL, true);
	ppp_side_init(&a, "Vi2");
	ppp_side_init(&b, "Vi4");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &a, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &b, "Vi4", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.4");
	CU_ASSERT_PTR_NOT_NULL_FATAL(ftun_name("vi2"));
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &a, "Vi3", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	CU_ASSERT_PTR_NULL(ftun_name("vi2"));
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi2"));
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi3"));
	CU_ASSERT_TRUE(vpdn_link_attached(a.net, VPDN_LINK_B));
	/* the event's interface name is not what finds it */
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &a, "Vi9", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi3"));
	CU_ASSERT_FALSE(vpdn_link_attached(a.net, VPDN_LINK_B));
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi4"));
	CU_ASSERT_TRUE(vpdn_link_attached(b.net, VPDN_LINK_B));
	ppp_side_free(&a);
	fx_stop(&f);
	CU_ASSERT_FALSE(vpdn_link_attached(b.net, VPDN_LINK_B));
	ppp_side_free(&b);
}

static void test_dod_bounded_and_delivered(void)
{
	struct fixture f;
	struct ppp_side s;
	struct ftun *di;
	int di_index;

	fx_start(&f, "ip { dod-queue = 3 dod-timeout = 5000 }\n", true);
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	di_index = di->ifindex;
	for (uint16_t id = 1; id <= 5; id++)
		inject_udp(di, "17.17.17.2", id);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 1); /* once per dial */
	CU_ASSERT_STRING_EQUAL(f.ev.last_iface, "Dialer2");
	CU_ASSERT_EQUAL(f.ev.last_dst.s_addr, test_ip_addr("17.17.17.2").s_addr);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 3);
	CU_ASSERT_EQUAL(stats(&f).dod_queued, 3);
	CU_ASSERT_EQUAL(stats(&f).dod_dropped, 2);

	/* the dial succeeds: Vi1 bound to profile Dialer2 */
	vpdn_timers_advance(vpdn_core_timers(f.core), 4000);
	ppp_side_init(&s, "Vi1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi1", "Dialer2", "Dialer2", "18.18.18.2",
		"17.17.17.2");
	CU_ASSERT_EQUAL(s.frames, 3);
	CU_ASSERT_EQUAL(s.ids[0], 1);
	CU_ASSERT_EQUAL(s.ids[1], 2);
	CU_ASSERT_EQUAL(s.ids[2], 3);
	CU_ASSERT_EQUAL(stats(&f).dod_delivered, 3);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 0);
	CU_ASSERT_PTR_NULL(ftun_name("vi1")); /* the profile's interface carries it */
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Dialer2"));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di_index, "17.17.17.2", 32));
	/* the timer was cancelled: nothing dropped later */
	vpdn_timers_advance(vpdn_core_timers(f.core), 10000);
	CU_ASSERT_EQUAL(stats(&f).dod_dropped, 2);
	/* while up, traffic flows straight through */
	inject_udp(di, "17.17.17.2", 6);
	ip_module_tun_input(f.ip, di - fk.tun + 100);
	CU_ASSERT_EQUAL(s.frames, 4);
	CU_ASSERT_EQUAL(s.ids[3], 6);
	CU_ASSERT_EQUAL(f.ev.traffic, 1);

	/* down: the dialer interface stays, idle, with its static route */
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "Vi1", "Dialer2", "Dialer2", "18.18.18.2",
		"17.17.17.2");
	CU_ASSERT_PTR_NOT_NULL(ftun_name("dialer2"));
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer2"));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di_index, "17.17.17.2", 32));
	CU_ASSERT_EQUAL(fobj_count(fk.routes), 2);
	CU_ASSERT_EQUAL(f.ev.destroyed, 0);
	/* and dials again */
	inject_udp(di, "17.17.17.2", 7);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 2);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 1);
	ppp_side_free(&s);
	fx_stop(&f);
}

static void test_dod_dial_fails(void)
{
	struct fixture f;
	struct ftun *di;

	fx_start(&f, "ip { dod-timeout = 5000 }\n", true);
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	inject_udp(di, "17.17.17.2", 1);
	inject_udp(di, "17.17.17.2", 2);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 2);
	vpdn_timers_advance(vpdn_core_timers(f.core), 4999);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 2);
	vpdn_timers_advance(vpdn_core_timers(f.core), 1);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 0);
	CU_ASSERT_EQUAL(stats(&f).dod_dropped, 2);
	CU_ASSERT_EQUAL(stats(&f).dod_delivered, 0);
	/* the next packet is interesting again */
	inject_udp(di, "17.17.17.2", 3);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 2);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 1);
	fx_stop(&f);
}

/* The dialer says the call failed: the queue goes at once, not after
 * dod-timeout, and the next packet asks for a dial again. */
static void test_dod_dial_failed_event(void)
{
	struct fixture f;
	struct ftun *di;

	fx_start(&f, "ip { dod-timeout = 60000 }\n", true);
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	inject_udp(di, "17.17.17.2", 1);
	inject_udp(di, "17.17.17.2", 2);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 2);
	CU_ASSERT_EQUAL(f.ev.traffic, 1);
	/* Another profile's failure does not touch this queue. */
	struct vpdn_ev_dial_failed other = { .size = sizeof(other), .profile = "Dialer1", .reason = "test" };
	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_DIAL_FAILED, &other);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 2);
	struct vpdn_ev_dial_failed ev = { .size = sizeof(ev), .profile = "Dialer2", .reason = "cause 17" };
	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_DIAL_FAILED, &ev);
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 0);
	CU_ASSERT_EQUAL(stats(&f).dod_dropped, 2);
	inject_udp(di, "17.17.17.2", 3);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 2); /* asked again without waiting */
	fx_stop(&f);
}

static void test_dod_unclaimed(void)
{
	struct fixture f;
	struct ftun *di;

	fx_start(&f, NULL, false);
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	inject_udp(di, "17.17.17.2", 1);
	inject_udp(di, "17.17.17.2", 2);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 2); /* nobody claimed: each packet asks */
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 0);
	CU_ASSERT_EQUAL(stats(&f).traffic_unclaimed, 2);
	CU_ASSERT_EQUAL(stats(&f).dod_dropped, 2);
	CU_ASSERT_EQUAL(vpdn_timers_count(vpdn_core_timers(f.core)), 0);
	fx_stop(&f);
}

static void test_shared_mode(void)
{
	struct fixture f;
	struct ppp_side a, b;
	struct ftun *sh;
	int fd;

	fx_start(&f, "ip { mode = \"shared\" shared-device = \"vpdn7\" }\n", true);
	sh = ftun_name("vpdn7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	CU_ASSERT_EQUAL(open_tuns(), 1); /* dialers ride on the shared device */
	fd = ip_module_shared_fd(f.ip);
	CU_ASSERT(fd >= 100);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, sh->ifindex, "17.17.17.2", 32));

	ppp_side_init(&a, "Vi2");
	ppp_side_init(&b, "Vi3");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &a, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &b, "Vi3", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.9");
	CU_ASSERT_EQUAL(open_tuns(), 1);
	CU_ASSERT_EQUAL(fk.opens, 1);
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi2");
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.9")), "Vi3");
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.5")));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, sh->ifindex, "17.17.17.1", 32));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, sh->ifindex, "17.17.17.9", 32));

	inject_udp(sh, "17.17.17.9", 1);
	inject_udp(sh, "17.17.17.1", 2);
	inject_udp(sh, "17.17.17.9", 3);
	inject_udp(sh, "9.9.9.9", 4);     /* no session, no route: dropped */
	inject_udp(sh, "17.17.17.2", 5);  /* static route to idle Dialer2: dial */
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.frames, 1);
	CU_ASSERT_EQUAL(a.ids[0], 2);
	CU_ASSERT_EQUAL(b.frames, 2);
	CU_ASSERT_EQUAL(b.ids[0], 1);
	CU_ASSERT_EQUAL(b.ids[1], 3);
	CU_ASSERT_EQUAL(stats(&f).drops, 1);
	CU_ASSERT_EQUAL(f.ev.traffic, 1);
	CU_ASSERT_STRING_EQUAL(f.ev.last_iface, "Dialer2");
	CU_ASSERT_EQUAL(ip_module_dod_queued(f.ip, "Dialer2"), 1);

	/* both sessions write into the one device */
	uint8_t p[64];
	size_t n = test_ip_udp(p, "17.17.17.9", "10.200.20.32", 9, 1000, 42, "y", 1);
	vpdn_link_send(b.net, VPDN_LINK_A, p, n);
	vpdn_link_send(a.net, VPDN_LINK_A, p, n);
	CU_ASSERT_EQUAL(sh->writes, 2);

	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &a, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")));
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, sh->ifindex, "17.17.17.1", 32));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.9")), "Vi3");
	CU_ASSERT_TRUE(sh->open); /* the shared device stays */
	inject_udp(sh, "17.17.17.1", 6);
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.frames, 1);
	CU_ASSERT_EQUAL(stats(&f).drops, 2);
	ppp_side_free(&a);
	fx_stop(&f); /* Vi3 still up: torn down by free */
	CU_ASSERT_FALSE(vpdn_link_attached(b.net, VPDN_LINK_B));
	CU_ASSERT_EQUAL(open_tuns(), 0);
	ppp_side_free(&b);
}

/* An answered call the dialer bound to a profile (remote2: BR0:1 bound to
 * Dialer1 by the caller's name) comes up on the profile's TUN, so the
 * profile's static routes follow the call. Static routes carry a higher
 * metric than a session's host route (IPCP), which the kernel prefers. */
static void test_bound_call(void)
{
	struct fixture f;
	struct ppp_side s, t;
	struct ftun *di;
	const struct fobj *rt;
	struct vpdn_ev_dialer_bind b = {
		.size = sizeof(b), .interface = "BR0:1", .profile = "Dialer1", .bound = true,
	};

	fx_start(&f, NULL, false);
	di = ftun_name("dialer1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	rt = fobj_find(fk.routes, di->ifindex, "17.17.17.20", 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(rt->metric, IP_STATIC_METRIC);

	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_DIALER_BIND, &b);
	ppp_side_init(&s, "BR0:1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "BR0:1", "BRI0", NULL, "17.17.17.2",
		"18.18.18.2");
	CU_ASSERT_PTR_NULL(ftun_name("br0-1")); /* no TUN of its own */
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Dialer1"));
	rt = fobj_find(fk.routes, di->ifindex, "18.18.18.2", 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(rt->metric, 0);
	inject_udp(di, "17.17.17.20", 1); /* the static route's traffic rides the call */
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer1"));
	CU_ASSERT_EQUAL(s.frames, 1);
	CU_ASSERT_EQUAL(f.ev.traffic, 0);
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "BR0:1", "BRI0", NULL, "17.17.17.2",
		"18.18.18.2");
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer1"));

	/* unbound: the next call on that channel gets its own interface */
	b.bound = false;
	vpdn_bus_publish(vpdn_core_bus(f.core), VPDN_EV_DIALER_BIND, &b);
	ppp_side_init(&t, "BR0:1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &t, "BR0:1", "BRI0", NULL, "17.17.17.2",
		"18.18.18.2");
	CU_ASSERT_PTR_NOT_NULL(ftun_name("br0-1"));
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer1"));
	ppp_side_free(&s);
	fx_stop(&f);
	ppp_side_free(&t);
}


/* ---- a TUN deleted under the node ---- */

static GPtrArray *loglines;

static void log_sink(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	g_ptr_array_add(loglines, g_strdup(line));
}

static bool logged(const char *needle)
{
	for (guint i = 0; i < loglines->len; i++)
		if (strstr(g_ptr_array_index(loglines, i), needle))
			return true;
	return false;
}

/* `ip link del vi2`: reads fail with EBADFD (and poll says POLLERR, for
 * ever). The interface goes down, its session is told (hang-up of the
 * network link: PPP closes it with the cause), the device is no longer
 * read, a line is logged and ip_tun_lost_total counts it. A dialer
 * profile's TUN is made again (its static route with it). Before: the
 * error was taken for "no packet", the session stayed up and the fd was
 * polled again at once (100 % CPU). */
static void test_tun_deleted(void)
{
	struct fixture f;
	struct ppp_side s, d;
	struct ftun *vi, *di;
	unsigned id;
	int fd, dfd;

	fx_start(&f, NULL, true);
	loglines = g_ptr_array_new_with_free_func(g_free);
	id = vpdn_log_add_sink(vpdn_core_log(f.core), log_sink, NULL);
	ppp_side_init(&s, "Vi2");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	vi = ftun_name("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	fd = ip_module_iface_fd(f.ip, "Vi2");
	vi->gone = true;
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(s.hangups, 1);
	CU_ASSERT_EQUAL(s.cause, -ENODEV);
	CU_ASSERT_FALSE(vpdn_link_attached(s.net, VPDN_LINK_B));
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi2"));
	CU_ASSERT_FALSE(vi->open);
	CU_ASSERT_EQUAL(stats(&f).tun_lost, 1);
	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "ip_tun_lost_total", NULL), 1);
	CU_ASSERT_TRUE(logged("Vi2 IP: TUN vi2 lost (File descriptor in bad state): interface down, session closed"));
	/* not read again */
	unsigned reads = vi->reads;
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(vi->reads, reads);
	CU_ASSERT_EQUAL(stats(&f).tun_lost, 1);

	/* A dialer profile with a session: session closed, TUN made again. */
	ppp_side_init(&d, "Vi5");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &d, "Vi5", "Dialer2", "Dialer2", "18.18.18.2",
		"17.17.17.2");
	CU_ASSERT_TRUE_FATAL(ip_module_iface_up(f.ip, "Dialer2"));
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	dfd = ip_module_iface_fd(f.ip, "Dialer2");
	unsigned opens = fk.opens;
	di->gone = true;
	ip_module_tun_input(f.ip, dfd);
	CU_ASSERT_EQUAL(d.hangups, 1);
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Dialer2"));
	CU_ASSERT_TRUE(ip_module_has_iface(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(fk.opens, opens + 1);
	di = ftun_name("dialer2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(di);
	CU_ASSERT_FALSE(di->gone); /* a new device (the fake reuses the fd) */
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, di->ifindex, "17.17.17.2", 32));
	CU_ASSERT_EQUAL(stats(&f).tun_lost, 2);
	CU_ASSERT_TRUE(logged("Dialer2 IP: TUN dialer2 re-created"));
	/* and it works: traffic to it is interesting again */
	inject_udp(di, "17.17.17.2", 3);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(f.ev.traffic, 1);
	vpdn_log_remove_sink(vpdn_core_log(f.core), id);
	ppp_side_free(&s);
	ppp_side_free(&d);
	fx_stop(&f);
	g_ptr_array_free(loglines, TRUE);
}

/* Shared mode: `ip link del vpdn0` closes every session on it (each told
 * by a hang-up), and the device is made again, empty, with the static
 * routes, for new sessions. */
static void test_shared_tun_deleted(void)
{
	struct fixture f;
	struct ppp_side a, b, c;
	struct ftun *sh;
	int fd;

	fx_start(&f, "ip { mode = \"shared\" shared-device = \"vpdn7\" }\n", true);
	loglines = g_ptr_array_new_with_free_func(g_free);
	unsigned id = vpdn_log_add_sink(vpdn_core_log(f.core), log_sink, NULL);
	sh = ftun_name("vpdn7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	fd = ip_module_shared_fd(f.ip);
	ppp_side_init(&a, "Vi2");
	ppp_side_init(&b, "Vi3");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &a, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &b, "Vi3", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.9");
	sh->gone = true;
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(a.hangups, 1);
	CU_ASSERT_EQUAL(b.hangups, 1);
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi2"));
	CU_ASSERT_FALSE(ip_module_has_iface(f.ip, "Vi3"));
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")));
	CU_ASSERT_EQUAL(stats(&f).tun_lost, 1);
	CU_ASSERT_TRUE(logged("IP: shared TUN vpdn7 lost (File descriptor in bad state): 2 sessions closed"));
	/* made again, with the static route; new sessions work */
	CU_ASSERT_EQUAL(fk.opens, 2);
	sh = ftun_name("vpdn7");
	CU_ASSERT_PTR_NOT_NULL_FATAL(sh);
	CU_ASSERT_FALSE(sh->gone);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, sh->ifindex, "17.17.17.2", 32));
	ppp_side_init(&c, "Vi4");
	network(f.core, VPDN_EV_PPP_NETWORK_UP, &c, "Vi4", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	inject_udp(sh, "17.17.17.1", 9);
	ip_module_tun_input(f.ip, ip_module_shared_fd(f.ip));
	CU_ASSERT_EQUAL(c.frames, 1);
	vpdn_log_remove_sink(vpdn_core_log(f.core), id);
	ppp_side_free(&a);
	ppp_side_free(&b);
	fx_stop(&f);
	ppp_side_free(&c);
	g_ptr_array_free(loglines, TRUE);
}


/* ---- the peer's MRU ---- */

/* A UDP packet of tot octets from local1 to dst, DF as asked. */
static size_t big_udp(uint8_t *p, const char *dst, size_t tot, bool df, uint16_t id)
{
	static uint8_t data[2048];
	size_t n = test_ip_udp(p, "10.200.20.32", dst, 1000, 9, id, data, tot - 28);
	uint16_t c;

	if (df) {
		p[6] |= 0x40;
		p[10] = p[11] = 0;
		c = test_ip_csum(p, 20);
		p[10] = (uint8_t)(c >> 8);
		p[11] = (uint8_t)c;
	}
	return n;
}

/* pppd "mru 1200" at the peer: the Vi's MTU is 1200 (was: the global
 * 1500), and what the kernel still hands over longer is fitted: DF ->
 * dropped, ICMP fragmentation-needed with MTU 1200 written back to the
 * kernel; no DF -> fragments of at most 1200 octets. Nothing over 1200
 * reaches the session. ICMP errors are rate limited. */
static void test_peer_mru(void)
{
	struct fixture f;
	struct ppp_side s;
	struct ftun *vi;
	uint8_t p[2048];
	size_t n;
	int fd;

	fx_start(&f, NULL, true);
	ppp_side_init(&s, "Vi2");
	network_mtu(f.core, &s, "Vi2", "Virtual-Template1", "17.17.17.1", 1200);
	vi = ftun_name("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	fd = ip_module_iface_fd(f.ip, "Vi2");
	CU_ASSERT_EQUAL(ip_module_iface_mtu(f.ip, "Vi2"), 1200);
	CU_ASSERT_EQUAL(fk.mtu_ifindex, vi->ifindex);
	CU_ASSERT_EQUAL(fk.link_mtu, 1200);

	/* no DF: two fragments */
	n = big_udp(p, "17.17.17.1", 1428, false, 77);
	inject(vi, p, n);
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(s.frames, 2);
	CU_ASSERT(s.maxlen <= 1200);
	CU_ASSERT_EQUAL(s.ids[0], 77);
	CU_ASSERT_EQUAL(s.ids[1], 77);
	CU_ASSERT_EQUAL(stats(&f).fragmented, 1);
	/* DF: nothing to the session, ICMP 3/4 MTU 1200 to local1 */
	n = big_udp(p, "17.17.17.1", 1428, true, 78);
	inject(vi, p, n);
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(s.frames, 2);
	CU_ASSERT_EQUAL(vi->writes, 1);
	const uint8_t *w = vi->last_write.data;
	CU_ASSERT_EQUAL(vi->last_write.len, 576);
	CU_ASSERT_EQUAL(w[9], 1);
	CU_ASSERT_EQUAL(w[20], 3);
	CU_ASSERT_EQUAL(w[21], 4);
	CU_ASSERT_EQUAL(w[26] << 8 | w[27], 1200);
	CU_ASSERT_EQUAL(memcmp(w + 12, &(struct in_addr){ test_ip_addr("17.17.17.1").s_addr }, 4), 0);
	CU_ASSERT_EQUAL(memcmp(w + 16, p + 12, 4), 0);
	CU_ASSERT_EQUAL(stats(&f).frag_needed, 1);
	CU_ASSERT_EQUAL(stats(&f).too_big, 1);
	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "ip_frag_needed_total", NULL), 1);
	/* exactly the MTU passes whole */
	n = big_udp(p, "17.17.17.1", 1200, true, 79);
	inject(vi, p, n);
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(s.frames, 3);
	CU_ASSERT_EQUAL(s.maxlen, 1200);
	/* a flood of DF packets: at most 50 ICMP errors a second */
	for (int i = 0; i < 100; i++) {
		n = big_udp(p, "17.17.17.1", 1300, true, (uint16_t)i);
		inject(vi, p, n);
		ip_module_tun_input(f.ip, fd);
	}
	CU_ASSERT_EQUAL(stats(&f).frag_needed, 50);
	CU_ASSERT_EQUAL(stats(&f).too_big, 101);
	CU_ASSERT_EQUAL(s.frames, 3);
	vpdn_timers_advance(vpdn_core_timers(f.core), 1000);
	inject(vi, p, n);
	ip_module_tun_input(f.ip, fd);
	CU_ASSERT_EQUAL(stats(&f).frag_needed, 51);

	/* an MRU above ip { mtu } (1500) is capped to it */
	struct ppp_side t;
	ppp_side_init(&t, "Vi3");
	network_mtu(f.core, &t, "Vi3", "Virtual-Template1", "17.17.17.3", 4000);
	CU_ASSERT_EQUAL(ip_module_iface_mtu(f.ip, "Vi3"), 1500);
	ppp_side_free(&s);
	ppp_side_free(&t);
	fx_stop(&f);
}

/* Shared mode: one device at 1500, the session's host route gets the MTU;
 * the read path fits packets all the same. A dialer profile's device goes
 * back to the idle MTU when its call ends. */
static void test_peer_mru_shared_and_dialer(void)
{
	struct fixture f;
	struct ppp_side s, d;
	uint8_t p[2048];
	size_t n;

	fx_start(&f, "ip { mode = \"shared\" shared-device = \"vpdn7\" }\n", true);
	ppp_side_init(&s, "Vi2");
	network_mtu(f.core, &s, "Vi2", "Virtual-Template1", "17.17.17.1", 1200);
	const struct fobj *rt = fobj_find(fk.routes, ftun_name("vpdn7")->ifindex, "17.17.17.1", 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(rt->mtu, 1200);
	CU_ASSERT_EQUAL(rt->src.s_addr, test_ip_addr("18.18.18.2").s_addr);
	CU_ASSERT_EQUAL(fk.link_mtu, 0); /* the shared device keeps its MTU */
	n = big_udp(p, "17.17.17.1", 1428, false, 5);
	inject(ftun_name("vpdn7"), p, n);
	ip_module_tun_input(f.ip, ip_module_shared_fd(f.ip));
	CU_ASSERT_EQUAL(s.frames, 2);
	CU_ASSERT(s.maxlen <= 1200);
	ppp_side_free(&s);
	fx_stop(&f);

	fx_start(&f, NULL, true);
	ppp_side_init(&d, "Vi5");
	network_mtu(f.core, &d, "Vi5", "Dialer2", "17.17.17.2", 1200);
	CU_ASSERT_TRUE_FATAL(ip_module_iface_up(f.ip, "Dialer2"));
	CU_ASSERT_EQUAL(fk.link_mtu, 1200);
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &d, "Vi5", "Dialer2", NULL, "18.18.18.2",
		"17.17.17.2");
	CU_ASSERT_EQUAL(fk.link_mtu, 1500);
	CU_ASSERT_EQUAL(ip_module_iface_mtu(f.ip, "Dialer2"), 0);
	ppp_side_free(&d);
	fx_stop(&f);
}

/* Shared mode: a session's host route is ONE route op carrying the peer's
 * MTU, no route_mtu() replace after it (one rtnetlink round trip less per
 * set-up); an MRU at or above ip { mtu } adds a route without one; the
 * retry without a source (EINVAL) keeps the MTU; IPv6 coming up with the
 * same MRU sends nothing more. */
/* After a session's network came up in shared mode: route_adds route
 * adds in all, no route_mtu call, the host route to peer with its mtu. */
static const struct fobj *route_after_up(int sh, const char *peer, int adds, uint32_t mtu)
{
	const struct fobj *rt;

	CU_ASSERT_EQUAL(fk.route_adds, adds);
	CU_ASSERT_EQUAL(fk.route_mtus, 0);
	rt = fobj_find(fk.routes, sh, peer, 32);
	CU_ASSERT_PTR_NOT_NULL_FATAL(rt);
	CU_ASSERT_EQUAL(rt->mtu, mtu);
	return rt;
}

static void test_shared_route_mtu_one_op(void)
{
	struct fixture f;
	struct ppp_side a, b, c;
	const struct fobj *rt;
	int sh;

	fx_start(&f, "ip { mode = \"shared\" shared-device = \"vpdn7\" }\n", true);
	sh = ftun_name("vpdn7")->ifindex;
	ppp_side_init(&a, "Vi2");
	ppp_side_init(&b, "Vi3");
	ppp_side_init(&c, "Vi4");
	fk.route_adds = fk.route_mtus = 0;
	network_mtu(f.core, &a, "Vi2", "Virtual-Template1", "17.17.17.1", 1400);
	rt = route_after_up(sh, "17.17.17.1", 1, 1400);
	CU_ASSERT_EQUAL(rt->metric, 0);
	CU_ASSERT_EQUAL(ip_module_iface_mtu(f.ip, "Vi2"), 1400);

	/* MRU 1500 = ip { mtu }: the device's MTU, the route carries none */
	network_mtu(f.core, &b, "Vi3", "Virtual-Template1", "17.17.17.3", 1500);
	rt = route_after_up(sh, "17.17.17.3", 2, 0);

	/* the source is not local: the retry without it carries the MTU too */
	fk.src_einval = true;
	network_mtu(f.core, &c, "Vi4", "Virtual-Template1", "17.17.17.4", 1300);
	rt = route_after_up(sh, "17.17.17.4", 4, 1300);
	CU_ASSERT_EQUAL(rt->src.s_addr, 0);
	fk.src_einval = false;

	/* down and up again with another MRU: a new route with the new MTU */
	network(f.core, VPDN_EV_PPP_NETWORK_DOWN, &a, "Vi2", "Virtual-Template1", NULL,
		"18.18.18.2", "17.17.17.1");
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, sh, "17.17.17.1", 32));
	ppp_side_free(&a);
	ppp_side_init(&a, "Vi2");
	network_mtu(f.core, &a, "Vi2", "Virtual-Template1", "17.17.17.1", 1280);
	rt = route_after_up(sh, "17.17.17.1", 5, 1280);
	ppp_side_free(&a);
	ppp_side_free(&b);
	ppp_side_free(&c);
	fx_stop(&f);
}

/* The fake's PPP end counts hang-ups (the ip module ending a session). */
static int ppp_hangups;
static int ppp_hangup_cause;
static void ppp_hangup_rec(void *ctx, struct vpdn_link *l, int cause)
{
	ppp_hangups++;
	ppp_hangup_cause = cause;
}
static const struct vpdn_link_ops ppp_ops_hup = { .frame = ppp_frame, .hangup = ppp_hangup_rec };

/* Issue #14 items 1 and 7: who owns a peer address. */
static void test_peer_ownership(void)
{
	struct fixture f;
	struct ppp_side a, b, c;
	struct check_reply r;

	fx_start(&f, NULL, false);
	ppp_hangups = 0;
	ppp_side_init(&a, "Vi2");
	ppp_side_init(&b, "Vi3");
	ppp_side_init(&c, "Vi4");
	vpdn_link_attach(a.net, VPDN_LINK_A, &ppp_ops_hup, &a);
	vpdn_link_attach(b.net, VPDN_LINK_A, &ppp_ops_hup, &b);
	vpdn_link_attach(c.net, VPDN_LINK_A, &ppp_ops_hup, &c);

	/* Free: no objection; ours (a Loopback): refused. */
	r = check(f.core, "17.17.17.1", "remote1@cisco.com", true);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	r = check(f.core, "18.18.18.2", "remote1@cisco.com", false);
	CU_ASSERT_EQUAL(r.status, -EADDRNOTAVAIL);
	CU_ASSERT_STRING_EQUAL(r.reason, "one of our addresses");

	/* remote1's session on Vi2 holds 17.17.17.1 (per-interface mode). */
	network_user(f.core, VPDN_EV_PPP_NETWORK_UP, &a, "Vi2", "remote1@cisco.com", "17.17.17.1");
	struct ftun *vi2 = ftun_name("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi2);
	int vi2_index = vi2->ifindex;
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi2_index, "17.17.17.1", 32));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi2");

	/* Another user asking for it: refused, naming the holder. */
	r = check(f.core, "17.17.17.1", "mallory@cisco.com", false);
	CU_ASSERT_EQUAL(r.status, -EADDRINUSE);
	CU_ASSERT_STRING_EQUAL(r.reason, "in use by another session");
	CU_ASSERT_STRING_EQUAL(r.holder, "Vi2");
	/* The owner again (reconnecting while the dead session lingers): allowed. */
	r = check(f.core, "17.17.17.1", "remote1@cisco.com", true);
	CU_ASSERT_EQUAL(r.status, -ENOENT);

	/* Two sessions that both passed the check: the other owner's
	 * network is refused when it comes up, its session ended, the
	 * holder untouched. */
	network_user(f.core, VPDN_EV_PPP_NETWORK_UP, &c, "Vi4", "mallory@cisco.com", "17.17.17.1");
	CU_ASSERT_EQUAL(ppp_hangups, 1);
	CU_ASSERT_EQUAL(ppp_hangup_cause, -EADDRINUSE);
	CU_ASSERT_PTR_NULL(ftun_name("vi4"));
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Vi4"));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi2");
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi2_index, "17.17.17.1", 32));
	/* ... and its going down does not remove the holder's entry/route */
	network_user(f.core, VPDN_EV_PPP_NETWORK_DOWN, &c, "Vi4", "mallory@cisco.com", "17.17.17.1");
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi2");
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi2_index, "17.17.17.1", 32));

	/* Item 7: the owner's newer session (the LAC died, the user redialled)
	 * takes the address and its route at once; the stale one is ended. */
	network_user(f.core, VPDN_EV_PPP_NETWORK_UP, &b, "Vi3", "remote1@cisco.com", "17.17.17.1");
	CU_ASSERT_EQUAL(ppp_hangups, 2);
	CU_ASSERT_PTR_NULL(ftun_name("vi2"));
	struct ftun *vi3 = ftun_name("vi3");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi3);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi3->ifindex, "17.17.17.1", 32));
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, vi2_index, "17.17.17.1", 32));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi3");
	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "ip_address_takeovers_total", NULL), 1);
	/* The stale session's NETWORK_DOWN, much later: the new route stays. */
	network_user(f.core, VPDN_EV_PPP_NETWORK_DOWN, &a, "Vi2", "remote1@cisco.com", "17.17.17.1");
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi3->ifindex, "17.17.17.1", 32));
	CU_ASSERT_STRING_EQUAL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")), "Vi3");
	/* Packets to it reach the new session. */
	uint8_t p[64];
	size_t n = test_ip_udp(p, "10.200.20.32", "17.17.17.1", 9, 1000, 77, "z", 1);
	inject(vi3, p, n);
	ip_module_tun_input(f.ip, ip_module_iface_fd(f.ip, "Vi3"));
	CU_ASSERT_EQUAL(b.frames, 1);
	CU_ASSERT_EQUAL(a.frames, 0);

	/* A route the kernel refuses (EEXIST: not ours): no "Install route",
	 * the session is ended rather than left a black hole. */
	struct in_addr x = test_ip_addr("17.17.17.5");
	f_route(NULL, true, 99, x, 32, (struct in_addr){ 0 }, 0, 0);
	struct ppp_side d;
	ppp_side_init(&d, "Vi5");
	vpdn_link_attach(d.net, VPDN_LINK_A, &ppp_ops_hup, &d);
	network_user(f.core, VPDN_EV_PPP_NETWORK_UP, &d, "Vi5", "remote5@cisco.com", "17.17.17.5");
	CU_ASSERT_EQUAL(ppp_hangups, 3);
	CU_ASSERT_EQUAL(ppp_hangup_cause, -EEXIST);
	CU_ASSERT_FALSE(ip_module_iface_up(f.ip, "Vi5"));
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, x));
	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "ip_route_failures_total", NULL), 1);

	network_user(f.core, VPDN_EV_PPP_NETWORK_DOWN, &b, "Vi3", "remote1@cisco.com", "17.17.17.1");
	CU_ASSERT_PTR_NULL(ip_module_lookup_peer(f.ip, test_ip_addr("17.17.17.1")));
	fx_stop(&f);
	ppp_side_free(&a);
	ppp_side_free(&b);
	ppp_side_free(&c);
	ppp_side_free(&d);
}

/* ---- routes from the authorization (RADIUS Framed-Route) ---- */

static void network_routes(struct vpdn_core *core, uint32_t type, struct ppp_side *s,
			   const char *ifname, const struct vpdn_route4 *rt, size_t n)
{
	struct vpdn_ev_ppp_network ev = {
		.size = sizeof(ev), .interface = ifname, .config = "Virtual-Template1",
		.user = "u", .net = s->net, .local = test_ip_addr("18.18.18.2"),
		.peer = test_ip_addr("17.17.17.1"), .mtu = 1500, .routes = rt, .n_routes = n,
	};
	vpdn_bus_publish(vpdn_core_bus(core), type, &ev);
}

#define RT(a, l, m) { .dst = { 0 }, .plen = (l), .metric = (m) }

/* Installed through the session's device after its host route, removed
 * with it; a prefix with host bits, of length 0 or 33, multicast, covering
 * our own address, one the kernel refuses (there already), and every one
 * in shared mode: refused with a line and ip_framed_routes_refused_total,
 * the session stays. */
static void test_framed_routes(void)
{
	struct fixture f;
	struct ppp_side s;
	struct ftun *vi;
	unsigned id;
	static const char *dst[] = { "10.1.0.0", "10.2.2.0", "10.3.3.3", "0.0.0.0", "10.4.0.0",
				     "224.0.0.0", "18.18.18.0", "10.1.0.0", "17.17.17.1" };
	struct vpdn_route4 rt[] = { RT(0, 16, 1), RT(0, 24, 0), RT(0, 24, 0), RT(0, 0, 0),
				    RT(0, 33, 0), RT(0, 4, 0), RT(0, 24, 0), RT(0, 16, 1),
				    RT(0, 32, 0) };

	for (size_t i = 0; i < G_N_ELEMENTS(rt); i++)
		rt[i].dst = test_ip_addr(dst[i]);
	fx_start(&f, NULL, true);
	loglines = g_ptr_array_new_with_free_func(g_free);
	id = vpdn_log_add_sink(vpdn_core_log(f.core), log_sink, NULL);
	uint64_t *refused = vpdn_core_counter(f.core, "ip_framed_routes_refused_total", NULL);
	ppp_side_init(&s, "Vi2");
	network_routes(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi2", rt, G_N_ELEMENTS(rt));
	vi = ftun_name("vi2");
	CU_ASSERT_PTR_NOT_NULL_FATAL(vi);
	CU_ASSERT_TRUE(ip_module_iface_up(f.ip, "Vi2"));
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi->ifindex, "17.17.17.1", 32));
	const struct fobj *r1 = fobj_find(fk.routes, vi->ifindex, "10.1.0.0", 16);
	CU_ASSERT_PTR_NOT_NULL_FATAL(r1);
	CU_ASSERT_EQUAL(r1->metric, 1);
	CU_ASSERT_PTR_NOT_NULL(fobj_find(fk.routes, vi->ifindex, "10.2.2.0", 24));
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, vi->ifindex, "18.18.18.0", 24));
	CU_ASSERT_EQUAL(fobj_count(fk.routes), 2 + 3);   /* statics, host, two framed */
	CU_ASSERT_EQUAL(*refused, 6);
	CU_ASSERT_TRUE(logged("Vi2 IP: route 10.3.3.3/24 from the authorization refused: host bits"));
	CU_ASSERT_TRUE(logged("Vi2 IP: route 18.18.18.0/24 from the authorization refused: covers this node's own address"));
	CU_ASSERT_TRUE(logged("Vi2 IP: route 224.0.0.0/4 from the authorization refused: not a unicast"));
	CU_ASSERT_TRUE(logged("Vi2 IP: route 10.1.0.0/16 from the authorization refused: File exists"));
	CU_ASSERT_TRUE(vpdn_link_attached(s.net, VPDN_LINK_B));   /* the session stays */
	CU_ASSERT_EQUAL(s.hangups, 0);
	/* down: the framed routes go with the host route */
	network_routes(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "Vi2", NULL, 0);
	CU_ASSERT_EQUAL(fobj_count(fk.routes), 2);
	CU_ASSERT_PTR_NULL(fobj_find(fk.routes, vi->ifindex, "10.1.0.0", 16));
	ppp_side_free(&s);
	vpdn_log_remove_sink(vpdn_core_log(f.core), id);
	fx_stop(&f);

	/* shared mode: one device, sessions found by peer address only */
	fx_start(&f, "ip { mode = \"shared\" shared-device = \"vpdn7\" }\n", true);
	id = vpdn_log_add_sink(vpdn_core_log(f.core), log_sink, NULL);
	refused = vpdn_core_counter(f.core, "ip_framed_routes_refused_total", NULL);
	ppp_side_init(&s, "Vi2");
	network_routes(f.core, VPDN_EV_PPP_NETWORK_UP, &s, "Vi2", rt, 1);
	CU_ASSERT_EQUAL(*refused, 1);
	CU_ASSERT_TRUE(logged("Vi2 IP: route 10.1.0.0/16 from the authorization refused: ip mode shared"));
	CU_ASSERT_TRUE(vpdn_link_attached(s.net, VPDN_LINK_B));
	network_routes(f.core, VPDN_EV_PPP_NETWORK_DOWN, &s, "Vi2", NULL, 0);
	ppp_side_free(&s);
	vpdn_log_remove_sink(vpdn_core_log(f.core), id);
	fx_stop(&f);
	g_ptr_array_free(loglines, TRUE);
}

static const struct vpdn_test_case ip_tests[] = {
	{ "peer MRU: MTU, fragments, ICMP fragmentation needed", test_peer_mru },
	{ "peer MRU: shared mode route, dialer back to idle", test_peer_mru_shared_and_dialer },
	{ "shared mode: one route op per session carries the MTU", test_shared_route_mtu_one_op },
	{ "TUN deleted under a session", test_tun_deleted },
	{ "shared TUN deleted", test_shared_tun_deleted },
	{ "kernel names", test_kernel_names },
	{ "parse prefix", test_parse_prefix },
	{ "config check", test_check },
	{ "setup and teardown", test_setup_and_teardown },
	{ "virtual-access up/down", test_virtual_access },
	{ "link hangup", test_link_hangup },
	{ "network found by its link", test_network_by_link },
	{ "dod bounded, delivered in order", test_dod_bounded_and_delivered },
	{ "dod dial fails", test_dod_dial_fails },
	{ "dod dial-failed event", test_dod_dial_failed_event },
	{ "dod unclaimed", test_dod_unclaimed },
	{ "shared mode", test_shared_mode },
	{ "call bound to a dialer profile", test_bound_call },
	{ "IOS short names: Lo2, Di3, Lo1, Vt5", test_ios_short_names },
	{ "peer addresses: ownership, takeover, refusal", test_peer_ownership },
	{ "routes from the authorization (Framed-Route)", test_framed_routes },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip", ip_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
