/* SPDX-License-Identifier: MIT */
/*
 * L2tp1.ListTunnels/ListSessions paging (l2tp-bus.c) at 100 000 sessions:
 * every session is listed exactly once, in key order, and every page, as
 * it goes on the wire, stays under a bound (2 MiB; dbus-daemon drops a
 * connection that sends more than 32 MiB in one message, which is what
 * GetManagedObjects did at 65 535 sessions) whatever the usernames'
 * length. The tunnels and sessions are fakes inserted into the engine's
 * hash tables (the paging reads nothing else); the pages are sent by an
 * sd-bus connection in server mode over a socketpair whose other end the
 * test reads raw, so the size measured is the size sent.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <confuse.h>
#include <systemd/sd-bus.h>

#include <vpdnd/vpdnd.h>

#include "core-private.h"
#include "l2tp.h"
#include "test_bus_pair.h"
#include "vpdn_test.h"

#define PAGE_BOUND (2u * 1024 * 1024)

static struct vpdn_core *core;
static struct l2tp *l2tp;
static sd_bus *bus;
static int peer = -1;   /* the raw end of the socketpair */
static GPtrArray *fakes; /* tunnels we inserted */

static struct l2tp_config *parse(const char *text)
{
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);
	struct l2tp_config *c = NULL;
	char *err = NULL;

	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	CU_ASSERT_FATAL(l2tp_config_parse(cfg, &c, &err) == 0);
	cfg_free(cfg);
	return c;
}

static int xmit(void *x, const struct sockaddr_storage *l, const struct sockaddr_storage *p,
		const uint8_t *b, size_t n)
{
	return 0;
}

static void read_all(int fd, void *buf, size_t n)
{
	test_bus_pair_read(bus, fd, buf, n);
}

static void bus_up(void)
{
	test_bus_pair_up(&bus, &peer);
}

static struct l2tp_tunnel *fake_tunnel(uint16_t tid, const char *peer_name)
{
	struct l2tp_tunnel *t = g_new0(struct l2tp_tunnel, 1);
	struct sockaddr_in *in = (struct sockaddr_in *)&t->peer;

	t->l2tp = l2tp;
	t->tid = tid;
	t->peer_tid = (uint16_t)(tid + 1);
	t->state = L2TP_TUNNEL_ESTABLISHED;
	t->peer_name = g_strdup(peer_name);
	t->sessions = g_hash_table_new(g_direct_hash, g_direct_equal);
	in->sin_family = AF_INET;
	in->sin_port = htons(1701);
	g_hash_table_insert(l2tp->tunnels, GUINT_TO_POINTER(tid), t);
	g_ptr_array_add(fakes, t);
	return t;
}

/* n sessions; big (>= L2TP_ID_BITS_AT) tunnels get their ID bitmap, as
 * l2tp_alloc_id() makes it: both paths of the paging are walked. */
static void fake_sessions(struct l2tp_tunnel *t, unsigned n, size_t user_len)
{
	if (n >= L2TP_ID_BITS_AT && !t->sid_bits)
		t->sid_bits = g_new0(uint64_t, 65536 / 64);
	for (unsigned i = 1; i <= n; i++) {
		struct l2tp_session *s = g_new0(struct l2tp_session, 1);

		s->tunnel = t;
		/* IDs spread over the space, not in insertion order */
		s->sid = (uint16_t)(((i * 40503u) % 65535u) + 1);
		while (g_hash_table_contains(t->sessions, GUINT_TO_POINTER(s->sid)))
			s->sid = (uint16_t)(s->sid % 65535u + 1);
		s->peer_sid = s->sid;
		s->kind = L2TP_SESSION_LNS_IC;
		if (user_len) {
			s->user = g_malloc(user_len + 1);
			memset(s->user, 'u', user_len);
			s->user[user_len] = '\0';
		} else {
			s->user = g_strdup_printf("user%u@cisco.com", i);
		}
		s->ifname = g_strdup_printf("Vi%u", i);
		l2tp_id_insert(t->sessions, &t->sid_bits, s->sid, s);
		l2tp->n_sessions++;
	}
}

static void setup(void)
{
	core = vpdn_core_new_test();
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG__COUNT, false);
	l2tp = l2tp_new(core, parse("vpdn { enable = true }"), xmit, NULL);
	fakes = g_ptr_array_new();
	bus_up();
}

static void free_session(gpointer k, gpointer v, gpointer d)
{
	struct l2tp_session *s = v;

	g_free(s->user);
	g_free(s->ifname);
	g_free(s);
}

static void teardown(void)
{
	for (guint i = 0; i < fakes->len; i++) {
		struct l2tp_tunnel *t = g_ptr_array_index(fakes, i);

		g_hash_table_steal(l2tp->tunnels, GUINT_TO_POINTER(t->tid));
		g_hash_table_foreach(t->sessions, free_session, NULL);
		g_hash_table_destroy(t->sessions);
		g_free(t->sid_bits);
		g_free(t->peer_name);
		g_free(t);
	}
	g_ptr_array_free(fakes, TRUE);
	l2tp->n_sessions = 0;
	l2tp_free(l2tp);
	vpdn_core_free_test(core);
	sd_bus_flush_close_unref(bus);
	close(peer);
}

struct page {
	uint32_t rows, next;
	size_t wire;     /* octets on the socket */
	uint32_t first, last; /* keys */
	bool ordered;
};

/* Build one page as the method would, send it, measure it, read it back. */
static struct page one_page(bool sessions, uint32_t cursor, uint32_t max)
{
	struct page pg = { .ordered = true };
	sd_bus_message *m = NULL;
	uint8_t hdr[16];
	uint32_t body, fields, rows = 0, prev = cursor;
	const char *path;
	uint8_t *rest;
	size_t n;

	CU_ASSERT_FATAL(sd_bus_message_new_signal(bus, &m, "/org/vpdnd/module/l2tp",
						  "org.vpdnd.L2tp1", "Page") >= 0);
	CU_ASSERT_FATAL((sessions ? l2tp_bus_append_sessions(l2tp, m, cursor, max, &pg.next, &rows)
				  : l2tp_bus_append_tunnels(l2tp, m, cursor, max, &pg.next, &rows)) >= 0);
	CU_ASSERT_FATAL(sd_bus_message_append_basic(m, 'u', &pg.next) >= 0);
	pg.rows = rows;
	CU_ASSERT_FATAL(sd_bus_send(bus, m, NULL) >= 0);
	/* The wire: 16 octets of fixed header, the header fields (padded to
	 * 8), the body. */
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

	/* And what it says. */
	CU_ASSERT_FATAL(sd_bus_message_rewind(m, 1) >= 0);
	CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'a', "(oa{sv})") >= 0);
	for (uint32_t i = 0; i < rows; i++) {
		unsigned tid = 0, sid = 0;
		uint32_t key;

		CU_ASSERT_FATAL(sd_bus_message_enter_container(m, 'r', "oa{sv}") > 0);
		CU_ASSERT_FATAL(sd_bus_message_read_basic(m, 'o', &path) >= 0);
		if (sessions) {
			CU_ASSERT_FATAL(sscanf(path, "/org/vpdnd/session/%u_%u", &tid, &sid) == 2);
		} else {
			CU_ASSERT_FATAL(sscanf(path, "/org/vpdnd/tunnel/%u", &tid) == 1);
		}
		key = sessions ? tid << 16 | sid : tid;
		if (key <= prev)
			pg.ordered = false;
		if (i == 0)
			pg.first = key;
		pg.last = prev = key;
		CU_ASSERT_FATAL(sd_bus_message_skip(m, "a{sv}") >= 0);
		CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
	}
	CU_ASSERT_FATAL(sd_bus_message_exit_container(m) >= 0);
	sd_bus_message_unref(m);
	return pg;
}

static void walk(bool sessions, uint32_t max, uint32_t *total, unsigned *pages,
		 size_t *biggest, uint32_t *most_rows)
{
	uint32_t cursor = 0, last = 0;

	*total = 0;
	*pages = 0;
	*biggest = 0;
	*most_rows = 0;
	do {
		struct page pg = one_page(sessions, cursor, max);

		CU_ASSERT_TRUE(pg.ordered);
		if (pg.rows)
			CU_ASSERT_TRUE(pg.first > last);
		if (pg.rows)
			last = pg.last;
		CU_ASSERT_TRUE(pg.wire < PAGE_BOUND);
		if (pg.wire > *biggest)
			*biggest = pg.wire;
		if (pg.rows > *most_rows)
			*most_rows = pg.rows;
		*total += pg.rows;
		(*pages)++;
		CU_ASSERT_TRUE_FATAL(pg.next == 0 || pg.next > cursor);
		cursor = pg.next;
	} while (cursor && *pages < 100000);
}

static void test_100k_sessions(void)
{
	struct l2tp_tunnel *a = fake_tunnel(7, "LAC-a"), *b = fake_tunnel(40000, "LAC-b");
	uint32_t total, rows;
	unsigned pages;
	size_t biggest;

	fake_tunnel(9, "LAC-empty");
	fake_sessions(a, 50000, 0);
	fake_sessions(b, 50000, 0);
	CU_ASSERT_EQUAL(l2tp->n_sessions, 100000);

	walk(true, 0, &total, &pages, &biggest, &rows);
	printf("  (default page: %u sessions in %u pages, at most %u rows, %zu octets)\n",
	       total, pages, rows, biggest);
	CU_ASSERT_EQUAL(total, 100000);
	CU_ASSERT_TRUE(rows <= L2TP_BUS_PAGE_DEFAULT);
	CU_ASSERT_TRUE(pages >= 100000 / L2TP_BUS_PAGE_DEFAULT);

	/* A client asking for everything at once gets the cap. */
	walk(true, UINT32_MAX, &total, &pages, &biggest, &rows);
	printf("  (max asked: %u sessions in %u pages, at most %u rows, %zu octets)\n", total,
	       pages, rows, biggest);
	CU_ASSERT_EQUAL(total, 100000);
	CU_ASSERT_EQUAL(rows, L2TP_BUS_PAGE_MAX);
	CU_ASSERT_TRUE(biggest < PAGE_BOUND);

	/* Tiny pages across tunnel boundaries. */
	walk(true, 7, &total, &pages, &biggest, &rows);
	CU_ASSERT_EQUAL(total, 100000);
	CU_ASSERT_EQUAL(rows, 7);

	/* Tunnels, two a page. */
	walk(false, 2, &total, &pages, &biggest, &rows);
	CU_ASSERT_EQUAL(total, 3);
	CU_ASSERT_EQUAL(pages, 2);
}

/* Usernames of 1000 octets (what a peer's AVP can carry): the byte budget
 * ends pages early, each still under the bound. */
static void test_long_names(void)
{
	struct l2tp_tunnel *t = fake_tunnel(50000, "LAC-long");
	uint32_t total, rows;
	unsigned pages;
	size_t biggest;
	uint32_t before = l2tp->n_sessions;

	fake_sessions(t, 3000, 1000); /* no bitmap: the sorted path */
	walk(true, UINT32_MAX, &total, &pages, &biggest, &rows);
	printf("  (long names: %u sessions in %u pages, at most %u rows, %zu octets)\n", total,
	       pages, rows, biggest);
	CU_ASSERT_EQUAL(total, before + 3000);
	CU_ASSERT_TRUE(biggest < PAGE_BOUND);
	CU_ASSERT_TRUE(biggest > 100000); /* the pages were not empty */
}

/* A cursor from anywhere (a client's own, or one past the end) is safe. */
static void test_odd_cursors(void)
{
	struct page pg = one_page(true, 0xffffffffu, 100);

	CU_ASSERT_EQUAL(pg.rows, 0);
	CU_ASSERT_EQUAL(pg.next, 0);
	pg = one_page(true, 7u << 16 | 65535u, 1); /* past tunnel 7: tunnel 9 is empty */
	CU_ASSERT_EQUAL(pg.rows, 1);
	CU_ASSERT_EQUAL(pg.first >> 16, 40000);
	pg = one_page(false, 65535, 10);
	CU_ASSERT_EQUAL(pg.rows, 0);
	CU_ASSERT_EQUAL(pg.next, 0);
	pg = one_page(false, 0, 0);
	CU_ASSERT_EQUAL(pg.rows, 4);
	CU_ASSERT_EQUAL(pg.next, 0);
}

/* One message as it went on the wire (header, fields, body). */
static uint8_t *read_message(size_t *len)
{
	uint8_t hdr[16], *all;
	uint32_t body, fields;
	struct pollfd pfd = { peer, POLLIN, 0 };
	size_t n;

	/* Nothing sent is a failure, not a hang. */
	CU_ASSERT_FATAL(poll(&pfd, 1, 2000) == 1);
	read_all(peer, hdr, sizeof(hdr));
	CU_ASSERT_FATAL(hdr[0] == 'l' || hdr[0] == 'B');
	memcpy(&body, hdr + 4, 4);
	memcpy(&fields, hdr + 12, 4);
	if (hdr[0] == 'B') {
		body = GUINT32_FROM_BE(body);
		fields = GUINT32_FROM_BE(fields);
	}
	n = ((fields + 7) & ~7u) + body;
	all = g_malloc(16 + n);
	memcpy(all, hdr, 16);
	read_all(peer, all + 16, n);
	*len = 16 + n;
	return all;
}

static bool has(const uint8_t *buf, size_t len, const char *text)
{
	return memmem(buf, len, text, strlen(text) + 1) != NULL; /* with its NUL */
}

/* The model's hook, the view's signal: l2tp_changed() on a session or a
 * tunnel is one PropertiesChanged on its path, naming the class's
 * changing properties (what `vpdnctl monitor` and clients watch), none
 * of the counters. */
static void test_changed_signal(void)
{
	struct l2tp_tunnel *t = fake_tunnel(9, "LAC-c");
	struct l2tp_session *s;
	GHashTableIter it;
	gpointer v;
	char path[64];
	uint8_t *msg;
	size_t len;

	fake_sessions(t, 1, 0);
	g_hash_table_iter_init(&it, t->sessions);
	CU_ASSERT_FATAL(g_hash_table_iter_next(&it, NULL, &v));
	s = v;
	core->dbus = sd_bus_ref(bus);
	CU_ASSERT_FATAL(l2tp_bus_module_add(l2tp) >= 0);
	CU_ASSERT_PTR_NOT_NULL_FATAL(l2tp->module_slot);
	CU_ASSERT_PTR_NOT_NULL(l2tp->changed);

	l2tp_changed(l2tp, L2TP_OBJECT_SESSION, s);
	CU_ASSERT_FATAL(sd_bus_flush(bus) >= 0);
	msg = read_message(&len);
	snprintf(path, sizeof(path), "/org/vpdnd/session/9_%u", s->sid);
	CU_ASSERT_TRUE(has(msg, len, "PropertiesChanged"));
	CU_ASSERT_TRUE(has(msg, len, path));
	CU_ASSERT_TRUE(has(msg, len, "org.vpdnd.Session1"));
	CU_ASSERT_TRUE(has(msg, len, "State"));
	CU_ASSERT_TRUE(has(msg, len, "Interface"));
	CU_ASSERT_TRUE(has(msg, len, "Username"));
	CU_ASSERT_TRUE(has(msg, len, "RemoteId"));
	CU_ASSERT_TRUE(has(msg, len, s->user));
	CU_ASSERT_FALSE(has(msg, len, "BytesIn"));
	g_free(msg);

	l2tp_changed(l2tp, L2TP_OBJECT_TUNNEL, t);
	CU_ASSERT_FATAL(sd_bus_flush(bus) >= 0);
	msg = read_message(&len);
	CU_ASSERT_TRUE(has(msg, len, "/org/vpdnd/tunnel/9"));
	CU_ASSERT_TRUE(has(msg, len, "org.vpdnd.Tunnel1"));
	CU_ASSERT_TRUE(has(msg, len, "Sessions"));
	CU_ASSERT_TRUE(has(msg, len, "RemoteName"));
	CU_ASSERT_TRUE(has(msg, len, "LAC-c"));
	CU_ASSERT_FALSE(has(msg, len, "CtrlTx"));
	g_free(msg);

	/* The view goes: the hook with it. */
	l2tp->module_slot = sd_bus_slot_unref(l2tp->module_slot);
	l2tp_set_changed_hook(l2tp, NULL);
	sd_bus_unref(core->dbus);
	core->dbus = NULL;
}

static const struct vpdn_test_case tests[] = {
	{ "set up: an engine, a connection over a socketpair", setup },
	{ "100 000 sessions: each listed once, in order, pages bounded", test_100k_sessions },
	{ "1000-octet usernames: pages still bounded", test_long_names },
	{ "odd cursors", test_odd_cursors },
	{ "a change is one PropertiesChanged of the class's names", test_changed_signal },
	{ "tear down", teardown },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-bus", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
