/* SPDX-License-Identifier: MIT */
/*
 * Ip1.ListInterfaces paging (modules/ip/ip-bus.c) at 100 000 interfaces:
 * an LNS in per-interface mode has a Virtual-Access interface per session,
 * each an org.vpdnd.Interface1 object. Before, each was a registered
 * object in GetManagedObjects (refused past dbus-max-objects, so
 * `vpdnctl show interfaces` failed on such a node); now they are a class
 * found by path and ListInterfaces lists every one exactly once, in key
 * order, every page as it goes on the wire under a bound (2 MiB) whatever
 * the users' names. The interfaces are real ones of the ip module (fake
 * kernel ops, one PPP NETWORK_UP each); the pages are sent by an sd-bus
 * connection in server mode over a socketpair whose other end the test
 * reads raw, so the size measured is the size sent.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib.h>
#include <systemd/sd-bus.h>

#include <vpdnd/core.h>
#include <vpdnd/events.h>

#include "ip-private.h"
#include "test_ip_common.h"
#include "test_bus_pair.h"
#include "vpdn_test.h"

#define PAGE_BOUND (2u * 1024 * 1024)
#define N_IFACES 100000

static struct vpdn_core *core;
static struct ip_module *ip;
static cfg_t *cfg;
static sd_bus *bus;
static int peer = -1;    /* the raw end of the socketpair */
static GPtrArray *links; /* struct vpdn_link *, one a session */
static int next_fd = 1000;

/* ---- a kernel that says yes ---- */

static int f_tun_open(void *ctx, const char *name, uint32_t mtu, int *ifindex)
{
	*ifindex = next_fd - 900;
	return next_fd++;
}
static void f_tun_close(void *ctx, int fd) {}
static ssize_t f_tun_read(void *ctx, int fd, void *buf, size_t len) { return -EAGAIN; }
static ssize_t f_tun_write(void *ctx, int fd, const void *buf, size_t len) { return (ssize_t)len; }
static int f_ifindex(void *ctx, const char *name) { return 1; }
static int f_addr(void *ctx, bool add, int ifindex, struct in_addr a, int plen) { return 0; }
static int f_route(void *ctx, bool add, int ifindex, struct in_addr dst, int plen,
		   struct in_addr src, uint32_t metric, uint32_t mtu) { return 0; }

static const struct ip_sys_ops fake_ops = {
	.pollable = false,
	.tun_open = f_tun_open, .tun_close = f_tun_close,
	.tun_read = f_tun_read, .tun_write = f_tun_write,
	.ifindex = f_ifindex, .addr = f_addr, .route = f_route,
};

/* ---- the PPP side: sessions whose network comes up ---- */

static void ppp_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n) {}
static void ppp_hangup(void *ctx, struct vpdn_link *l, int cause) {}
static const struct vpdn_link_ops ppp_ops = { .frame = ppp_frame, .hangup = ppp_hangup };

/* Sessions k..k+n-1 up on Vi<k>..., peer 10.x.y.z, user of user_len
 * octets (0: "user<k>@cisco.com"). */
static void sessions_up(unsigned k, unsigned n, size_t user_len)
{
	for (unsigned i = k; i < k + n; i++) {
		char name[32], *user;
		struct vpdn_link *l;

		snprintf(name, sizeof(name), "Vi%u", i);
		l = vpdn_link_new(name);
		vpdn_link_attach(l, VPDN_LINK_A, &ppp_ops, NULL);
		g_ptr_array_add(links, l);
		if (user_len) {
			user = g_malloc(user_len + 1);
			memset(user, 'u', user_len);
			user[user_len] = '\0';
		} else {
			user = g_strdup_printf("user%u@cisco.com", i);
		}
		struct vpdn_ev_ppp_network ev = {
			.size = sizeof(ev), .interface = name, .config = "Virtual-Template1",
			.user = user, .net = l,
			.local = { htonl(0x12121202u) },          /* 18.18.18.2 */
			.peer = { htonl(0x0a000000u + i) },       /* 10.0.0.0 + i */
			.mtu = 1500,
		};
		vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &ev);
		g_free(user);
	}
}

static void session_down(unsigned i)
{
	char name[32];
	struct vpdn_link *l = g_ptr_array_index(links, i - 1);
	struct vpdn_ev_ppp_network ev = { .size = sizeof(ev), .interface = name, .net = l };

	snprintf(name, sizeof(name), "Vi%u", i);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_DOWN, &ev);
}

static void read_all(int fd, void *buf, size_t n)
{
	test_bus_pair_read(bus, fd, buf, n);
}

static void bus_up(void)
{
	test_bus_pair_up(&bus, &peer);
}

static void setup(void)
{
	core = vpdn_core_new_test();
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG__COUNT, false);
	cfg = test_ip_cfg("interface \"Loopback0\" { ip-address = \"18.18.18.2/32\" }\n"
			  "interface \"Virtual-Template1\" { ip-unnumbered = \"Loopback0\" }\n"
			  "interface \"Dialer2\" { ip-dialer = true }\n");
	CU_ASSERT_FATAL(cfg != NULL);
	CU_ASSERT_EQUAL_FATAL(ip_module_new(core, cfg, &fake_ops, NULL, &ip), 0);
	links = g_ptr_array_new();
	bus_up();
}

static void teardown(void)
{
	ip_module_free(ip);
	for (guint i = 0; i < links->len; i++) {
		struct vpdn_link *l = g_ptr_array_index(links, i);

		vpdn_link_detach(l, VPDN_LINK_A);
		vpdn_link_unref(l);
	}
	g_ptr_array_free(links, TRUE);
	cfg_free(cfg);
	vpdn_core_free_test(core);
	sd_bus_flush_close_unref(bus);
	close(peer);
}

struct page {
	uint32_t rows, next;
	size_t wire;     /* octets on the socket */
	bool ordered;    /* paths as expected, rows in key order */
};

/* What the walk saw: every name once. */
struct seen {
	uint8_t *vi;     /* Vi<k>: count, k <= N_IFACES + 1000 */
	unsigned vis, loops, dialers, others, dups;
	unsigned unnumbered; /* Vi rows with Unnumbered "Loopback0" */
};

static void seen_name(struct seen *s, const char *name)
{
	unsigned k;
	char end;

	if (sscanf(name, "Vi%u%c", &k, &end) == 1 && k <= N_IFACES + 1000) {
		if (s->vi[k]++)
			s->dups++;
		s->vis++;
	} else if (!strcmp(name, "Loopback0")) {
		s->loops++;
	} else if (!strcmp(name, "Dialer2")) {
		s->dialers++;
	} else {
		s->others++;
	}
}

/* Build one page as the method would, send it, measure it, read it back. */
static struct page one_page(uint32_t cursor, uint32_t max, struct seen *s)
{
	struct page pg = { .ordered = true };
	sd_bus_message *m = NULL;
	uint8_t hdr[16];
	uint32_t body, fields, rows = 0;
	uint8_t *rest;
	size_t n;

	CU_ASSERT_FATAL(sd_bus_message_new_signal(bus, &m, "/org/vpdnd/module/ip",
						  "org.vpdnd.Ip1", "Page") >= 0);
	CU_ASSERT_FATAL(ip_bus_append_interfaces(ip, m, cursor, max, &pg.next, &rows) >= 0);
	CU_ASSERT_FATAL(sd_bus_message_append_basic(m, 'u', &pg.next) >= 0);
	pg.rows = rows;
	CU_ASSERT_FATAL(sd_bus_send(bus, m, NULL) >= 0);
	read_all(peer, hdr, sizeof(hdr));
	CU_ASSERT_FATAL(hdr[0] == 'l' || hdr[0] == 'B');
	memcpy(&body, hdr + 4, 4);
	memcpy(&fields, hdr + 12, 4);
	if (hdr[0] == 'B') {
		body = GUINT32_FROM_BE(body);
		fields = GUINT32_FROM_BE(fields);
	}
	n = ((fields + 7) & ~7u) + body;
	rest = g_malloc(n);
	read_all(peer, rest, n);
	g_free(rest);
	pg.wire = 16 + n;

	CU_ASSERT_FATAL(sd_bus_message_rewind(m, 1) >= 0);
	CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'a', "(oa{sv})") >= 0);
	for (uint32_t i = 0; i < rows; i++) {
		const char *path, *name = NULL, *unnum = NULL;
		char *want = NULL;
		int r;

		CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'r', "oa{sv}") > 0);
		CU_ASSERT_FATAL(sd_bus_message_read_basic(m, 'o', &path) >= 0);
		CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'a', "{sv}") > 0);
		while ((r = sd_bus_message_enter_container(m, 'e', "sv")) > 0) {
			const char *prop;

			CU_ASSERT_FATAL(sd_bus_message_read_basic(m, 's', &prop) >= 0);
			if (!strcmp(prop, "Name"))
				r = sd_bus_message_read(m, "v", "s", &name);
			else if (!strcmp(prop, "Unnumbered"))
				r = sd_bus_message_read(m, "v", "s", &unnum);
			else
				r = sd_bus_message_skip(m, "v");
			CU_ASSERT_FATAL(r >= 0);
			CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
		}
		CU_ASSERT_FATAL(r == 0);
		CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
		CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
		CU_ASSERT_FATAL(name != NULL);
		/* The path is the name's, as sd_bus_path_encode makes it. */
		CU_ASSERT_FATAL(sd_bus_path_encode("/org/vpdnd/interface", name, &want) >= 0);
		if (strcmp(path, want))
			pg.ordered = false;
		free(want);
		if (s) {
			seen_name(s, name);
			if (name[0] == 'V' && unnum && !strcmp(unnum, "Loopback0"))
				s->unnumbered++;
		}
	}
	CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
	sd_bus_message_unref(m);
	return pg;
}

struct walk {
	uint32_t total, most_rows;
	unsigned pages;
	size_t biggest;
	struct seen seen;
};

/* Page through everything; between pages, call between(page number). */
static void walk(uint32_t max, struct walk *w, void (*between)(unsigned))
{
	uint32_t cursor = 0;

	memset(w, 0, sizeof(*w));
	w->seen.vi = g_new0(uint8_t, N_IFACES + 1001);
	do {
		struct page pg = one_page(cursor, max, &w->seen);

		CU_ASSERT_TRUE(pg.ordered);
		CU_ASSERT_TRUE(pg.wire < PAGE_BOUND);
		if (pg.wire > w->biggest)
			w->biggest = pg.wire;
		if (pg.rows > w->most_rows)
			w->most_rows = pg.rows;
		w->total += pg.rows;
		w->pages++;
		CU_ASSERT_TRUE_FATAL(pg.next == 0 || pg.next > cursor);
		cursor = pg.next;
		if (between && cursor)
			between(w->pages);
	} while (cursor && w->pages < 100000);
	g_free(w->seen.vi);
	w->seen.vi = NULL;
}

static void test_100k_interfaces(void)
{
	struct walk w;

	sessions_up(1, N_IFACES, 0);
	CU_ASSERT_EQUAL_FATAL(g_hash_table_size(ip->ifaces), N_IFACES + 1); /* and Dialer2 */
	CU_ASSERT_TRUE(ip_module_iface_up(ip, "Vi1") && ip_module_iface_up(ip, "Vi100000"));

	walk(0, &w, NULL);
	printf("  (default page: %u interfaces in %u pages, at most %u rows, %zu octets)\n",
	       w.total, w.pages, w.most_rows, w.biggest);
	CU_ASSERT_EQUAL(w.total, N_IFACES + 2);
	CU_ASSERT_EQUAL(w.seen.vis, N_IFACES);
	CU_ASSERT_EQUAL(w.seen.dups, 0);
	CU_ASSERT_EQUAL(w.seen.loops, 1);
	CU_ASSERT_EQUAL(w.seen.dialers, 1);
	CU_ASSERT_EQUAL(w.seen.others, 0);
	CU_ASSERT_EQUAL(w.seen.unnumbered, N_IFACES);
	CU_ASSERT_TRUE(w.most_rows <= IP_BUS_PAGE_DEFAULT);
	CU_ASSERT_TRUE(w.pages >= N_IFACES / IP_BUS_PAGE_DEFAULT);

	/* A client asking for everything at once gets the cap. */
	walk(UINT32_MAX, &w, NULL);
	printf("  (max asked: %u interfaces in %u pages, at most %u rows, %zu octets)\n", w.total,
	       w.pages, w.most_rows, w.biggest);
	CU_ASSERT_EQUAL(w.total, N_IFACES + 2);
	CU_ASSERT_EQUAL(w.seen.dups, 0);
	CU_ASSERT_EQUAL(w.most_rows, IP_BUS_PAGE_MAX);
	CU_ASSERT_TRUE(w.biggest < PAGE_BOUND);

	/* Tiny pages. */
	walk(7, &w, NULL);
	CU_ASSERT_EQUAL(w.total, N_IFACES + 2);
	CU_ASSERT_EQUAL(w.seen.dups, 0);
	CU_ASSERT_EQUAL(w.most_rows, 7);
}

/* Sessions ending and starting while a client pages: the cursor stays
 * good, nothing is listed twice, the gone are not listed, the new come
 * last. */
static unsigned churned;
static void churn(unsigned page)
{
	if (page != 3)
		return;
	for (unsigned i = 1; i <= 500; i++) /* some already listed */
		session_down(i);
	for (unsigned i = 90001; i <= 90500; i++) /* some not yet */
		session_down(i);
	sessions_up(N_IFACES + 1, 1000, 0);
	churned = 1;
}

static void test_churn(void)
{
	struct walk w;

	walk(1000, &w, churn);
	CU_ASSERT_EQUAL(churned, 1);
	printf("  (churn: %u interfaces in %u pages)\n", w.total, w.pages);
	CU_ASSERT_EQUAL(w.seen.dups, 0);
	/* The first 500 were listed before they went; 90001..90500 never. */
	CU_ASSERT_EQUAL(w.seen.vis, N_IFACES - 500 + 1000);
	CU_ASSERT_EQUAL(w.total, N_IFACES - 500 + 1000 + 2);
}

/* Users of 1000 octets (a peer chooses its name): the byte budget ends
 * pages early, each still under the bound. */
static void test_long_names(void)
{
	struct walk w;

	for (unsigned i = 501; i <= 3500; i++)
		session_down(i);
	sessions_up(501, 3000, 1000);
	walk(UINT32_MAX, &w, NULL);
	printf("  (long names: %u interfaces in %u pages, at most %u rows, %zu octets)\n", w.total,
	       w.pages, w.most_rows, w.biggest);
	CU_ASSERT_EQUAL(w.seen.dups, 0);
	CU_ASSERT_TRUE(w.biggest < PAGE_BOUND);
	/* The pages of long names came near the budget (those of short
	 * ones are ~600 KB at 1000 rows). */
	CU_ASSERT_TRUE(w.biggest > IP_BUS_PAGE_BYTES * 3 / 4);
}

/* A cursor from anywhere (a client's own, or one past the end) is safe. */
static void test_odd_cursors(void)
{
	struct page pg = one_page(0xffffffffu, 100, NULL);

	CU_ASSERT_EQUAL(pg.rows, 0);
	CU_ASSERT_EQUAL(pg.next, 0);
	pg = one_page(0, 1, NULL);
	CU_ASSERT_EQUAL(pg.rows, 1);
	CU_ASSERT_TRUE(pg.next > 0);
	pg = one_page(pg.next, 0, NULL);
	CU_ASSERT_EQUAL(pg.rows, IP_BUS_PAGE_DEFAULT);
}

static const struct vpdn_test_case tests[] = {
	{ "set up: an ip module, a connection over a socketpair", setup },
	{ "100 000 interfaces: each listed once, pages bounded", test_100k_interfaces },
	{ "sessions come and go between pages", test_churn },
	{ "1000-octet user names: pages still bounded", test_long_names },
	{ "odd cursors", test_odd_cursors },
	{ "tear down", teardown },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip-bus", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
