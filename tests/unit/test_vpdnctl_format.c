/* SPDX-License-Identifier: MIT */
/* vpdnctl's output formatting, fed fake tunnels and sessions. */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "format.h"
#include "json.h"
#include "vpdn_test.h"

/* Run fn into a memory stream and return what it printed (g_free). */
#define CAPTURE(out, stmt)                                             \
	do {                                                           \
		char *buf_ = NULL;                                     \
		size_t len_ = 0;                                       \
		FILE *f = open_memstream(&buf_, &len_);                \
		stmt;                                                  \
		fclose(f);                                             \
		(out) = g_strdup(buf_);                                \
		free(buf_);                                            \
	} while (0)

/* The scenario's LAC after both calls; deliberately out of order. */
static void scenario_rows(struct vpdn_tunnel_row *t, struct vpdn_session_row *s)
{
	memset(t, 0, sizeof(*t));
	t->local_id = 45029;
	t->remote_id = 11407;
	t->remote_name = g_strdup("LNS");
	t->state = g_strdup("est");
	t->remote_address = g_strdup("18.18.18.2");
	t->remote_port = 1701;
	t->sessions = 2;
	t->group = g_strdup("1");

	memset(s, 0, 2 * sizeof(*s));
	s[0].local_id = 292;
	s[0].remote_id = 304;
	s[0].tunnel_id = 45029;
	s[0].interface = g_strdup("Se0:30");
	s[0].username = g_strdup("");
	s[0].state = g_strdup("est");
	s[0].last_change = 20;
	s[0].fastswitch = true;
	s[1].local_id = 291;
	s[1].remote_id = 303;
	s[1].tunnel_id = 45029;
	s[1].interface = g_strdup("Se0:17");
	s[1].username = g_strdup("remote1@cisco.com");
	s[1].state = g_strdup("est");
	s[1].last_change = 57;
	s[1].fastswitch = true;
}

static void clear_rows(struct vpdn_tunnel_row *t, size_t nt, struct vpdn_session_row *s,
		       size_t ns)
{
	for (size_t i = 0; i < nt; i++)
		fmt_vpdn_tunnel_clear(&t[i]);
	for (size_t i = 0; i < ns; i++)
		fmt_vpdn_session_clear(&s[i]);
}

static void test_show_vpdn_scenario(void)
{
	struct vpdn_tunnel_row t;
	struct vpdn_session_row s[2];
	char *out;
	static const char expected[] =
		"L2TP Tunnel and Session Information Total tunnels 1 sessions 2\n"
		"\n"
		"LocID RemID Remote Name   State  Remote Address  Port  Sessions\n"
		"45029 11407 LNS           est    18.18.18.2      1701  2\n"
		"\n"
		"LocID RemID TunID Intf    Username           State  Last Chg Fastswitch\n"
		"291   303   45029 Se0:17  remote1@cisco.com  est    00:00:57 enabled\n"
		"292   304   45029 Se0:30                     est    00:00:20 enabled\n"
		"\n"
		"% No active L2F tunnels\n";

	scenario_rows(&t, s);
	CAPTURE(out, fmt_vpdn(f, FMT_VPDN_ALL, &t, 1, s, 2));
	CU_ASSERT_STRING_EQUAL(out, expected);
	if (strcmp(out, expected) != 0)
		fprintf(stderr, "got:\n%s", out);
	/* sorted in place: tunnel, then local id */
	CU_ASSERT_EQUAL(s[0].local_id, 291);
	g_free(out);
	clear_rows(&t, 1, s, 2);
}

static void test_show_vpdn_empty(void)
{
	char *out;

	CAPTURE(out, fmt_vpdn(f, FMT_VPDN_ALL, NULL, 0, NULL, 0));
	CU_ASSERT_STRING_EQUAL(out, "% No active L2TP tunnels\n% No active L2F tunnels\n");
	g_free(out);
}

static void test_show_vpdn_tunnel_only(void)
{
	struct vpdn_tunnel_row t;
	struct vpdn_session_row s[2];
	char *out;

	scenario_rows(&t, s);
	CAPTURE(out, fmt_vpdn(f, FMT_VPDN_TUNNELS, &t, 1, s, 2));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "L2TP Tunnel Information Total tunnels 1 sessions 2\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "45029 11407 LNS"));
	CU_ASSERT_PTR_NULL(strstr(out, "remote1@cisco.com"));
	g_free(out);

	CAPTURE(out, fmt_vpdn(f, FMT_VPDN_SESSIONS, &t, 1, s, 2));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "L2TP Session Information Total tunnels 1 sessions 2\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "Remote Address"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "remote1@cisco.com"));
	g_free(out);
	clear_rows(&t, 1, s, 2);
}

/* Column start of the n-th column in line, given the header's starts. */
static void check_aligned(const char *table, const char *const *headers, size_t n)
{
	char **lines = g_strsplit(table, "\n", -1);
	size_t starts[16];

	CU_ASSERT_FATAL(n <= 16);
	for (size_t c = 0; c < n; c++) {
		const char *p = strstr(lines[0], headers[c]);

		CU_ASSERT_PTR_NOT_NULL_FATAL(p);
		starts[c] = (size_t)(p - lines[0]);
	}
	for (size_t l = 1; lines[l] && *lines[l]; l++) {
		for (size_t c = 1; c < n; c++) {
			size_t st = starts[c];

			/* every value starts at its header's column, after a blank */
			CU_ASSERT_FATAL(strlen(lines[l]) > st);
			CU_ASSERT_EQUAL(lines[l][st - 1], ' ');
			CU_ASSERT_NOT_EQUAL(lines[l][st], ' ');
		}
	}
	g_strfreev(lines);
}

static void test_wide_values_widen_columns(void)
{
	struct vpdn_tunnel_row t[2] = { 0 };
	struct vpdn_session_row s[1] = { 0 };
	char *out, *tab;
	static const char *const theaders[] = { "LocID", "RemID", "Remote Name", "State",
						"Remote Address", "Port", "Sessions" };
	static const char *const sheaders[] = { "LocID", "RemID", "TunID", "Intf", "Username",
						"State", "Last Chg", "Fastswitch" };

	t[0].local_id = 7;
	t[0].remote_id = 65535;
	t[0].remote_name = g_strdup("a-very-long-lns-hostname.example.net");
	t[0].state = g_strdup("wait-ctl-reply");
	t[0].remote_address = g_strdup("2001:db8:1234:5678::1");
	t[0].remote_port = 65000;
	t[0].sessions = 1;
	t[1].local_id = 3;
	t[1].remote_id = 4;
	t[1].remote_name = g_strdup("X");
	t[1].state = g_strdup("est");
	t[1].remote_address = g_strdup("1.2.3.4");
	t[1].remote_port = 1701;
	s[0].local_id = 1;
	s[0].remote_id = 2;
	s[0].tunnel_id = 7;
	s[0].interface = g_strdup("Virtual-Access2");
	s[0].username = g_strdup("someone.with.a.long.name@very-long-domain.example.com");
	s[0].state = g_strdup("wait-reply");
	s[0].last_change = 100 * 3600 + 61;
	s[0].fastswitch = false;

	CAPTURE(out, fmt_vpdn(f, FMT_VPDN_ALL, t, 2, s, 1));
	/* sorted: tunnel 3 before 7 */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n3     4     X"));
	tab = strstr(out, "LocID RemID Remote Name");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tab);
	check_aligned(tab, theaders, G_N_ELEMENTS(theaders));
	tab = strstr(out, "LocID RemID TunID");
	CU_ASSERT_PTR_NOT_NULL_FATAL(tab);
	check_aligned(tab, sheaders, G_N_ELEMENTS(sheaders));
	/* text columns keep two blanks after their widest value */
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "a-very-long-lns-hostname.example.net  wait-ctl-reply  "
					   "2001:db8:1234:5678::1  65000  1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Virtual-Access2  someone.with.a.long.name@very-long-"
					   "domain.example.com  wait-reply  100:01:01 disabled\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "disabled\n"));
	g_free(out);
	clear_rows(t, 2, s, 1);
}

static void test_hms(void)
{
	char buf[32];

	CU_ASSERT_STRING_EQUAL(fmt_hms(0, buf, sizeof(buf)), "00:00:00");
	CU_ASSERT_STRING_EQUAL(fmt_hms(57, buf, sizeof(buf)), "00:00:57");
	CU_ASSERT_STRING_EQUAL(fmt_hms(3725, buf, sizeof(buf)), "01:02:05");
	CU_ASSERT_STRING_EQUAL(fmt_hms(86399, buf, sizeof(buf)), "23:59:59");
	CU_ASSERT_STRING_EQUAL(fmt_hms(360000, buf, sizeof(buf)), "100:00:00");
}

static void test_table_trailing_blanks(void)
{
	static const struct fmt_column cols[] = { { "A", 4, 2 }, { "B", 0, 2 } };
	const char *cells[] = { "x", "", "yy", "z" };
	char *out;

	CAPTURE(out, fmt_table(f, cols, 2, cells, 2));
	CU_ASSERT_STRING_EQUAL(out, "A   B\nx\nyy  z\n");
	g_free(out);
}

static void test_json_escaping(void)
{
	char *out;

	CAPTURE(out, json_write_escaped(f, "a\"b\\c\nd\te\x01" "f\x7f" "g\xc3\xa9"));
	CU_ASSERT_STRING_EQUAL(out, "\"a\\\"b\\\\c\\nd\\te\\u0001f\\u007fg\xc3\xa9\"");
	g_free(out);
	/* A name from the network that is not UTF-8 still makes valid JSON. */
	CAPTURE(out, json_write_escaped(f, "a\xff" "b"));
	CU_ASSERT_STRING_EQUAL(out, "\"a\xef\xbf\xbd" "b\"");
	g_free(out);
	CAPTURE(out, json_write_escaped(f, NULL));
	CU_ASSERT_STRING_EQUAL(out, "null");
	g_free(out);
}

static void test_json_structure(void)
{
	struct json j;
	char *out;

	CAPTURE(out, {
		json_init(&j, f);
		json_object_begin(&j);
		json_kv_string(&j, "a", "x");
		json_key(&j, "list");
		json_array_begin(&j);
		json_uint(&j, 1);
		json_object_begin(&j);
		json_kv_bool(&j, "t", true);
		json_kv_bool(&j, "f", false);
		json_object_end(&j);
		json_array_begin(&j);
		json_array_end(&j);
		json_array_end(&j);
		json_kv_uint(&j, "n", 9223372036854775807ULL);
		json_kv_uint(&j, "max", 18446744073709551615ULL);
		json_object_end(&j);
	});
	/* json-glib's integers are signed 64-bit: above INT64_MAX clamps. */
	CU_ASSERT_STRING_EQUAL(out, "{\"a\":\"x\",\"list\":[1,{\"t\":true,\"f\":false},[]],"
				    "\"n\":9223372036854775807,\"max\":9223372036854775807}\n");
	g_free(out);
	/* Two top-level values: one line each. */
	CAPTURE(out, {
		json_init(&j, f);
		json_array_begin(&j);
		json_array_end(&j);
		json_object_begin(&j);
		json_object_end(&j);
	});
	CU_ASSERT_STRING_EQUAL(out, "[]\n{}\n");
	g_free(out);
}

static void test_show_vpdn_json(void)
{
	struct vpdn_tunnel_row t;
	struct vpdn_session_row s[2];
	char *out;

	scenario_rows(&t, s);
	g_free(s[1].username);
	s[1].username = g_strdup("we\"ird");
	CAPTURE(out, fmt_vpdn_json(f, FMT_VPDN_ALL, &t, 1, s, 2));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"tunnels\":[{\"local_id\":45029,\"remote_id\":11407,"
					   "\"remote_name\":\"LNS\",\"state\":\"est\","
					   "\"remote_address\":\"18.18.18.2\",\"remote_port\":1701,"
					   "\"sessions\":2,\"group\":\"1\"}],\"sessions\":["));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"username\":\"we\\\"ird\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"last_change\":57,\"fastswitch\":true}"));
	/* sorted: 291 comes first */
	CU_ASSERT_TRUE(strstr(out, "\"local_id\":291") < strstr(out, "\"local_id\":292"));
	g_free(out);

	CAPTURE(out, fmt_vpdn_json(f, FMT_VPDN_TUNNELS, NULL, 0, NULL, 0));
	CU_ASSERT_STRING_EQUAL(out, "{\"tunnels\":[]}\n");
	g_free(out);
	clear_rows(&t, 1, s, 2);
}

static void test_show_vpdn_group(void)
{
	struct vpdn_peer_row p[2] = {
		{ .group = "1", .address = "18.18.18.2", .priority = 1, .limit = 1000, .sessions = 5 },
		{ .group = "1", .address = "18.18.18.9", .priority = 1, .dead_s = 42 },
	};
	char *out;

	CAPTURE(out, fmt_vpdn_peers(f, p, 2));
	CU_ASSERT_STRING_EQUAL(out,
		"Group  Address     Priority  Limit  Sessions  Status\n"
		"1      18.18.18.2  1         1000   5         alive\n"
		"1      18.18.18.9  1         -      0         dead 42s\n");
	g_free(out);
	CAPTURE(out, fmt_vpdn_peers(f, p, 0));
	CU_ASSERT_STRING_EQUAL(out, "% No vpdn-group initiates tunnels\n");
	g_free(out);
	CAPTURE(out, fmt_vpdn_peers_json(f, p, 2));
	CU_ASSERT_STRING_EQUAL(out,
		"{\"peers\":[{\"group\":\"1\",\"address\":\"18.18.18.2\",\"priority\":1,"
		"\"limit\":1000,\"sessions\":5,\"dead\":false,\"dead_seconds\":0},"
		"{\"group\":\"1\",\"address\":\"18.18.18.9\",\"priority\":1,\"limit\":0,"
		"\"sessions\":0,\"dead\":true,\"dead_seconds\":42}]}\n");
	g_free(out);
}

/* show vpdn session ID: an LNS session with its tunnel and PPP. */
static void detail_row(struct vpdn_session_detail *d)
{
	memset(d, 0, sizeof(*d));
	d->local_id = 42017;
	d->remote_id = 11591;
	d->tunnel_id = 45622;
	d->type = g_strdup("lns-ic");
	d->state = g_strdup("est");
	d->interface = g_strdup("Vi2");
	d->username = g_strdup("remote1@cisco.com");
	d->calling = g_strdup("6122");
	d->called = g_strdup("211");
	d->serial = 7;
	d->last_change = 65;
	d->uptime = 65;
	d->packets_in = 11;
	d->packets_out = 12;
	d->bytes_in = 516;
	d->bytes_out = 524;
	d->has_tunnel = true;
	d->t_remote_id = 22873;
	d->t_state = g_strdup("est");
	d->t_remote_name = g_strdup("LAC");
	d->t_local_name = g_strdup("LNS");
	d->t_remote_address = g_strdup("18.18.18.1");
	d->t_local_address = g_strdup("18.18.18.2");
	d->t_remote_port = d->t_local_port = 1701;
	d->t_group = g_strdup("1");
	d->t_sessions = 1;
	d->t_uptime = 3661;
	d->ns = 3;
	d->nr = 6;
	d->rwin = 8;
	d->peer_rwin = 4;
	d->cwnd = 4;
	d->hello_s = 60;
	d->rto_ms = 1000;
	d->has_ppp = true;
	d->ppp_role = g_strdup("server");
	d->ppp_phase = g_strdup("UP");
	d->ppp_user = g_strdup("remote1@cisco.com");
	d->lcp_state = g_strdup("Opened");
	d->ipcp_state = g_strdup("Opened");
	d->local_mru = 1500;
	d->peer_mru = 1492;
	d->local_accm = d->peer_accm = 0xffffffff;
	d->local_magic = 0x0dd08280;
	d->peer_magic = 0x5a54e3d3;
	d->local_auth = g_strdup("chap");
	d->peer_auth = g_strdup("none");
	d->peer_pfc = true;
	d->local_address = g_strdup("18.18.18.2");
	d->peer_address = g_strdup("17.17.17.1");
	d->dns1 = g_strdup("");
	d->dns2 = g_strdup("");
}

static void test_session_detail(void)
{
	struct vpdn_session_detail d[2];
	char *out;

	detail_row(&d[0]);
	CAPTURE(out, fmt_vpdn_session_details(f, d, 1));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Session id 42017 is up, tunnel id 45622\n"
					   "  Remote session id is 11591, remote tunnel id 22873\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Remote tunnel name is LAC\n"
					   "  Internet address is 18.18.18.1, port 1701\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Tunnel state is est, up 01:01:01"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Control channel Ns 3, Nr 6, receive window 8, "
					   "peer's 4, congestion window 4\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "0 unacknowledged, 0 queued, retransmit timeout 1000 ms, "
					   "hello interval 60 seconds\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Setup timer is not running\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "    12 Packets sent, 11 received\n"
					   "    524 Bytes sent, 516 received\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Calling number 6122, called number 211\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "    Local: MRU 1500, ACCM 0xffffffff, magic 0x0dd08280, "
					   "auth chap, PFC off, ACFC off\n"
					   "    Peer:  MRU 1492, ACCM 0xffffffff, magic 0x5a54e3d3, "
					   "auth none, PFC on, ACFC off\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Local address 18.18.18.2, peer address 17.17.17.1\n"));
	CU_ASSERT_PTR_NULL(strstr(out, "DNS"));
	CU_ASSERT_PTR_NULL(strstr(out, "IPV6CP"));   /* IPv6 not enabled: no line */
	g_free(out);
	/* dual stack: IPv6CP's state and the link-local addresses */
	d[0].ipv6cp_state = g_strdup("Opened");
	d[0].local_link_local = g_strdup("fe80::1");
	d[0].peer_link_local = g_strdup("fe80::a");
	CAPTURE(out, fmt_vpdn_session_details(f, d, 1));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "    IPV6CP Opened\n"
					   "      Local link-local fe80::1, peer link-local fe80::a\n"));
	g_free(out);
	CAPTURE(out, fmt_vpdn_session_details_json(f, d, 1));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ipv6cp_state\":\"Opened\",\"local_link_local\":"
					   "\"fe80::1\",\"peer_link_local\":\"fe80::a\""));
	g_free(out);
	fmt_vpdn_session_detail_clear(&d[0]);
	detail_row(&d[0]);

	/* A LAC session being set up: no PPP here, the setup timer runs; a
	 * second one without its tunnel (gone between the two reads). */
	detail_row(&d[1]);
	d[1].has_ppp = false;
	g_free(d[1].state);
	d[1].state = g_strdup("wait-connect");
	d[1].setup_timer_ms = 59250;
	d[1].has_tunnel = false;
	CAPTURE(out, fmt_vpdn_session_details(f, d, 2));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\n\nSession id 42017 is down, tunnel id 45622\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "Setup timer expires in 59.250 seconds\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "PPP is not terminated on this node\n"));
	g_free(out);

	/* JSON: nested objects, null for what is missing, a user name that
	 * is not UTF-8 still gives valid JSON. */
	g_free(d[1].username);
	d[1].username = g_strdup("bad\xff\"name");
	CAPTURE(out, fmt_vpdn_session_details_json(f, d, 2));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"sessions\":[{\"local_id\":42017,\"remote_id\":11591,"
					   "\"tunnel_id\":45622,\"type\":\"lns-ic\",\"state\":\"est\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"tunnel\":{\"local_id\":45622,\"remote_id\":22873,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ns\":3,\"nr\":6,\"receive_window\":8,"
					   "\"peer_receive_window\":4,"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"lcp_peer\":{\"mru\":1492,\"accm\":4294967295,"
					   "\"magic\":1515512787,\"auth\":\"none\",\"pfc\":true,"
					   "\"acfc\":false}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"setup_timer_ms\":59250"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"tunnel\":null,\"ppp\":null}]}\n"));
	CU_ASSERT_TRUE(g_utf8_validate(out, -1, NULL));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"username\":\"bad\xef\xbf\xbd\\\"name\""));
	g_free(out);
	fmt_vpdn_session_detail_clear(&d[0]);
	fmt_vpdn_session_detail_clear(&d[1]);
	CU_ASSERT_PTR_NULL(d[0].type);
}

/* The LNS with a dual-stack user, an IPv4-only user and the LAC's
 * forwarded call (no IP interface here). */
static void user_rows(struct fmt_user_row *u)
{
	memset(u, 0, 3 * sizeof(*u));
	u[0] = (struct fmt_user_row){ g_strdup("Vi2"), g_strdup("remote1@cisco.com"),
				      g_strdup("PPP (L2TP 11407/303)"), g_strdup("00:00:57"),
				      g_strdup("10.1.1.2"), g_strdup("configured"),
				      g_strdup("fe80::1"), g_strdup("fe80::2"),
				      g_strdup("2001:db8:1:1::/64"), g_strdup("2001:db8:100::/56") };
	u[1] = (struct fmt_user_row){ g_strdup("Vi3"), g_strdup("remote2@cisco.com"),
				      g_strdup("PPP"), g_strdup("00:00:20"), g_strdup("10.1.1.3"),
				      g_strdup("down"), g_strdup(""), g_strdup(""), g_strdup(""),
				      g_strdup("") };
	u[2] = (struct fmt_user_row){ g_strdup("Se0:17"), g_strdup("remote3@cisco.com"),
				      g_strdup("VPDN (L2TP 45029/291)"), g_strdup("00:01:00"),
				      g_strdup(""), NULL, NULL, NULL, NULL, NULL };
}

static void test_show_users_ipv6(void)
{
	struct fmt_user_row u[3];
	char *out;

	user_rows(u);
	CAPTURE(out, fmt_users(f, u, 3));
	CU_ASSERT_STRING_EQUAL(out,
		"  Interface User              Mode                  Uptime   Peer Address\n"
		"  Vi2       remote1@cisco.com PPP (L2TP 11407/303)  00:00:57 10.1.1.2\n"
		"      IPv6 configured fe80::1 peer fe80::2 prefix 2001:db8:1:1::/64"
		" delegated 2001:db8:100::/56\n"
		"  Vi3       remote2@cisco.com PPP                   00:00:20 10.1.1.3\n"
		"  Se0:17    remote3@cisco.com VPDN (L2TP 45029/291) 00:01:00\n");
	g_free(out);

	CAPTURE(out, fmt_users_json(f, u, 3));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "{\"interface\":\"Vi2\",\"user\":\"remote1@cisco.com\","
					   "\"mode\":\"PPP (L2TP 11407/303)\",\"uptime\":\"00:00:57\","
					   "\"peer_address\":\"10.1.1.2\",\"ipv6_state\":\"configured\","
					   "\"ipv6_link_local\":\"fe80::1\","
					   "\"ipv6_peer_link_local\":\"fe80::2\","
					   "\"ipv6_prefix\":\"2001:db8:1:1::/64\","
					   "\"ipv6_delegated\":\"2001:db8:100::/56\"}"));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"user\":\"remote3@cisco.com\""));
	CU_ASSERT_PTR_NOT_NULL(strstr(out, "\"ipv6_state\":\"down\""));
	g_free(out);

	CAPTURE(out, fmt_users(f, NULL, 0));
	CU_ASSERT_STRING_EQUAL(out, "  Interface User              Mode                Uptime   Peer Address\n");
	g_free(out);
	for (int i = 0; i < 3; i++)
		fmt_user_clear(&u[i]);
	CU_ASSERT_PTR_NULL(u[0].ipv6_prefix);
}

static const struct vpdn_test_case format_tests[] = {
	{ "show users: IPv6 state, text and JSON", test_show_users_ipv6 },
	{ "show vpdn session ID: text and JSON", test_session_detail },
	{ "show vpdn group: load sharing state, text and JSON", test_show_vpdn_group },
	{ "show vpdn: the scenario's LAC", test_show_vpdn_scenario },
	{ "show vpdn: nothing active", test_show_vpdn_empty },
	{ "show vpdn tunnel / session", test_show_vpdn_tunnel_only },
	{ "wide values widen their column", test_wide_values_widen_columns },
	{ "Last Chg as hh:mm:ss", test_hms },
	{ "no trailing blanks", test_table_trailing_blanks },
	{ NULL, NULL }
};

static const struct vpdn_test_case json_tests[] = {
	{ "string escaping", test_json_escaping },
	{ "nesting and commas", test_json_structure },
	{ "show vpdn --json", test_show_vpdn_json },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "vpdnctl-format", format_tests, NULL, NULL },
	{ "vpdnctl-json", json_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
