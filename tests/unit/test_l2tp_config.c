/* SPDX-License-Identifier: MIT */
/* The l2tp module's config (modules/l2tp/config.c): vpdn-groups, checks
 * that name the line, initiate-to parsing. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "l2tp.h"
#include "vpdn_test.h"

static int err_line;
static char err_text[256];

static void errfn(cfg_t *cfg, const char *fmt, va_list ap)
{
	err_line = cfg ? cfg->line : -1;
	vsnprintf(err_text, sizeof(err_text), fmt, ap);
}

static cfg_t *load(const char *text)
{
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);

	cfg_set_error_function(cfg, errfn);
	err_line = 0;
	err_text[0] = '\0';
	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	return cfg;
}

static const char *scenario =
	"vpdn { enable = true search-order = {\"dnis\", \"domain\"} }\n"
	"vpdn-group \"1\" {\n"
	"  request-dialin { protocol = \"l2tp\" domain = {\"cisco.com\"} dnis = {\"211\"} }\n"
	"  accept-dialout { protocol = \"l2tp\" dialer = 1 }\n"
	"  terminate-from = \"LNS\"\n"
	"  initiate-to = {\"18.18.18.9 priority 2\", \"18.18.18.2:1702\"}\n"
	"  local-name = \"LAC\"\n"
	"  tunnel-password = \"l2tptunnel\"\n"
	"  source-ip = \"18.18.18.1\"\n"
	"  hello = 30 receive-window = 16 retransmit-retries = 7\n"
	"  hidden-avps = true session-limit = 100 sequencing = true\n"
	"}\n"
	"vpdn-group \"lns\" {\n"
	"  accept-dialin { protocol = \"l2tp\" virtual-template = 1 }\n"
	"  request-dialout { protocol = \"l2tp\" pool-member = 1 }\n"
	"  initiate-to = {\"18.18.18.1\"}\n"
	"}\n"
	"l2tp { listen = {\"18.18.18.1\"} port = 1701 }\n";

static void test_scenario(void)
{
	cfg_t *cfg = load(scenario);
	struct l2tp_config *c = NULL;
	struct l2tp_group *g;
	char *err = NULL;
	char a[64];

	CU_ASSERT_EQUAL(l2tp_config_check(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_config_parse(cfg, &c, &err), 0);
	CU_ASSERT_TRUE(c->enable);
	CU_ASSERT_EQUAL(c->search[0], L2TP_SEARCH_DNIS);
	CU_ASSERT_EQUAL(c->search[1], L2TP_SEARCH_DOMAIN);
	CU_ASSERT_EQUAL(c->groups->len, 2);
	g = l2tp_config_group(c, "1");
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_TRUE(g->request_dialin);
	CU_ASSERT_TRUE(g->accept_dialout);
	CU_ASSERT_FALSE(g->accept_dialin);
	CU_ASSERT_FALSE(g->request_dialout);
	CU_ASSERT_STRING_EQUAL(g->domains[0], "cisco.com");
	CU_ASSERT_STRING_EQUAL(g->dnis[0], "211");
	CU_ASSERT_EQUAL(g->dialer, 1);
	CU_ASSERT_STRING_EQUAL(g->terminate_from, "LNS");
	CU_ASSERT_STRING_EQUAL(g->password, "l2tptunnel");
	/* Sorted by priority: .2 (1, port 1702) first, then .9 (2). */
	CU_ASSERT_EQUAL(g->n_initiate, 2);
	CU_ASSERT_STRING_EQUAL(g->initiate_to[0].text, "18.18.18.2");
	CU_ASSERT_EQUAL(l2tp_addr_port(&g->initiate_to[0].addr), 1702);
	CU_ASSERT_EQUAL(g->initiate_to[1].priority, 2);
	CU_ASSERT_EQUAL(l2tp_addr_port(&g->initiate_to[1].addr), 1701);
	l2tp_addr_text(&g->source, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "18.18.18.1");
	CU_ASSERT_EQUAL(g->hello_s, 30);
	CU_ASSERT_EQUAL(g->rwin, 16);
	CU_ASSERT_EQUAL(g->retries, 7);
	CU_ASSERT_EQUAL(g->rto_min_s, 1);
	CU_ASSERT_EQUAL(g->rto_max_s, 8);
	CU_ASSERT_TRUE(g->hidden);
	CU_ASSERT_TRUE(g->tunnel_auth);
	CU_ASSERT_TRUE(g->sequencing);
	CU_ASSERT_EQUAL(g->session_limit, 100);
	g = l2tp_config_group(c, "lns");
	CU_ASSERT_PTR_NOT_NULL_FATAL(g);
	CU_ASSERT_TRUE(g->accept_dialin);
	CU_ASSERT_TRUE(g->request_dialout);
	CU_ASSERT_FALSE(g->request_dialin);
	CU_ASSERT_EQUAL(g->virtual_template, 1);
	CU_ASSERT_EQUAL(g->pool_member, 1);
	CU_ASSERT_PTR_NULL(g->password);
	CU_ASSERT_FALSE(g->hidden);
	/* Defaults. */
	CU_ASSERT_EQUAL(g->setup_timeout_s, 60);
	CU_ASSERT_TRUE(g->cdn_q931_cause);
	l2tp_config_free(c);
	cfg_free(cfg);
}

static void test_empty(void)
{
	cfg_t *cfg = load("");
	struct l2tp_config *c = NULL;
	char *err = NULL;

	CU_ASSERT_EQUAL(l2tp_config_check(cfg), 0);
	CU_ASSERT_EQUAL_FATAL(l2tp_config_parse(cfg, &c, &err), 0);
	CU_ASSERT_FALSE(c->enable);
	CU_ASSERT_EQUAL(c->port, 1701);
	CU_ASSERT_EQUAL(c->groups->len, 0);
	CU_ASSERT_EQUAL(c->search[0], L2TP_SEARCH_DOMAIN);
	l2tp_config_free(c);
	cfg_free(cfg);
}

static void bad(const char *text, int line, const char *needle)
{
	cfg_t *cfg = load(text);

	CU_ASSERT_EQUAL(l2tp_config_check(cfg), -EINVAL);
	CU_ASSERT_EQUAL(err_line, line);
	if (err_line != line)
		fprintf(stderr, "line %d, want %d: %s\n", err_line, line, err_text);
	CU_ASSERT_PTR_NOT_NULL(strstr(err_text, needle));
	if (!strstr(err_text, needle))
		fprintf(stderr, "error was: %d: %s\n", err_line, err_text);
	cfg_free(cfg);
}

/* libconfuse records a section's line where the section closes: the
 * error names that line of the offending vpdn-group. */
static void test_errors(void)
{
	bad("\nvpdn-group \"1\" {\n  initiate-to = {\"nowhere\"}\n}\n", 4, "bad initiate-to");
	bad("vpdn-group \"1\" {\n request-dialin { domain = {} }\n initiate-to = {\"1.2.3.4\"}\n}\n",
	    4, "needs a domain or a dnis");
	bad("vpdn-group \"1\" {\n request-dialin { domain = {\"x\"} }\n}\n", 3, "need initiate-to");
	bad("\n\nvpdn-group \"g\" { hidden-avps = true }\n", 3, "hidden-avps needs a tunnel-password");
	bad("vpdn-group \"g\" { receive-window = 0 }\n", 1, "receive-window must be");
	bad("\nvpdn-group \"g\" { setup-timeout = 0 }\n", 2, "setup-timeout must be 1..3600");
	bad("vpdn-group \"g\" { accept-dialout { protocol = \"l2f\" dialer = 1 } }\n", 1,
	    "only protocol");
	bad("vpdn-group \"g\" { request-dialout { protocol = \"l2tp\" } initiate-to = {\"1.1.1.1\"} }\n",
	    1, "pool-member");
	bad("\nvpdn { search-order = {\"realm\"} }\n", 2, "unknown search-order");
	bad("\nvpdn { search-order = {\"authorize\", \"domain\", \"authorize\"} }\n", 2,
	    "search-order lists the same key twice");
	bad("\nvpdn { search-order = {\"authorize\"} authorize-group = \"none\" }\n", 2,
	    "authorize-group \"none\" is no vpdn-group");
	bad("l2tp { listen = {\"1.2.3\"} }\n", 1, "bad listen address");
	bad("vpdn-group \"g\" { retransmit-timeout-min = 4 retransmit-timeout-max = 2 }\n", 1,
	    "below");
}

static void test_parse_peer(void)
{
	struct l2tp_peer_addr p;

	CU_ASSERT_EQUAL(l2tp_parse_peer("10.0.0.1", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.priority, 1);
	CU_ASSERT_EQUAL(l2tp_addr_port(&p.addr), 1701);
	CU_ASSERT_EQUAL(l2tp_parse_peer("10.0.0.1:17000 priority 5", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.priority, 5);
	CU_ASSERT_EQUAL(l2tp_addr_port(&p.addr), 17000);
	CU_ASSERT_STRING_EQUAL(p.text, "10.0.0.1");
	CU_ASSERT_EQUAL(l2tp_parse_peer("::1", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.addr.ss_family, AF_INET6);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 weight 2", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1:0", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 priority", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("host.example", 1701, &p) < 0);
	/* Per-LNS session limit, either order, blanks repeated. */
	CU_ASSERT_EQUAL(l2tp_parse_peer("10.0.0.1 priority 1 limit 1000", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.priority, 1);
	CU_ASSERT_EQUAL(p.limit, 1000);
	CU_ASSERT_EQUAL(l2tp_parse_peer("10.0.0.1  limit 7   priority 3", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.priority, 3);
	CU_ASSERT_EQUAL(p.limit, 7);
	CU_ASSERT_EQUAL(l2tp_parse_peer("10.0.0.1", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.limit, 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 limit 0", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 limit 70000", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 limit 5 limit 6", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 limit x", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("10.0.0.1 priority 2 limit", 1701, &p) < 0);
}

/* Issue #18: IPv6 peers, "[ADDR]:PORT"; no IPv4-mapped, link-local or
 * multicast address; families of source-ip, listen and initiate-to agree. */
static void test_parse_peer_ipv6(void)
{
	struct l2tp_peer_addr p;
	char a[64];

	CU_ASSERT_EQUAL(l2tp_parse_peer("fd00:8::2", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.addr.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(l2tp_addr_port(&p.addr), 1701);
	CU_ASSERT_STRING_EQUAL(p.text, "fd00:8::2");
	CU_ASSERT_EQUAL(l2tp_parse_peer("[fd00:8::2]:17000 priority 2 limit 9", 1701, &p), 0);
	CU_ASSERT_EQUAL(p.addr.ss_family, AF_INET6);
	CU_ASSERT_EQUAL(l2tp_addr_port(&p.addr), 17000);
	CU_ASSERT_EQUAL(p.priority, 2);
	CU_ASSERT_EQUAL(p.limit, 9);
	CU_ASSERT_STRING_EQUAL(p.text, "fd00:8::2");
	l2tp_addr_text(&p.addr, a, sizeof(a));
	CU_ASSERT_STRING_EQUAL(a, "fd00:8::2");
	CU_ASSERT_EQUAL(l2tp_parse_peer("[2001:db8::1]", 1701, &p), 0);
	CU_ASSERT_EQUAL(l2tp_addr_port(&p.addr), 1701);
	CU_ASSERT(l2tp_parse_peer("[2001:db8::1]:", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[2001:db8::1]:0", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[2001:db8::1]:70000", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[2001:db8::1]1701", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[2001:db8::1", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[]:1701", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[10.0.0.1]:1701", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("::ffff:10.0.0.1", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("[::ffff:10.0.0.1]:1701", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("fe80::1", 1701, &p) < 0);
	CU_ASSERT(l2tp_parse_peer("ff02::1", 1701, &p) < 0);
	bad("vpdn-group \"g\" { source-ip = \"::ffff:10.0.0.1\" }\n", 1, "bad source-ip");
	bad("vpdn-group \"g\" {\n request-dialin { domain = {\"x\"} }\n"
	    " initiate-to = {\"[fd00::2]:1701\"}\n source-ip = \"10.0.0.1\"\n}\n", 5,
	    "initiate-to \"fd00::2\" is IPv6 but source-ip \"10.0.0.1\" is IPv4");
	bad("l2tp { listen = {\"10.0.0.1\"} }\nvpdn-group \"g\" {\n"
	    " request-dialin { domain = {\"x\"} }\n initiate-to = {\"fd00::2\"}\n}\n", 1,
	    "listen has no IPv6 address for vpdn-group g's initiate-to \"fd00::2\"");
	bad("l2tp { listen = {\"::ffff:10.0.0.1\"} }\n", 1, "bad listen address");
	cfg_t *cfg = load("l2tp { listen = {\"10.0.0.1\", \"fd00::1\"} }\nvpdn-group \"g\" {\n"
			  " request-dialin { domain = {\"x\"} }\n"
			  " initiate-to = {\"fd00::2\", \"10.0.0.2\"}\n}\n");
	CU_ASSERT_EQUAL(l2tp_config_check(cfg), 0);
	cfg_free(cfg);
}

/* lns-dead-time: default, range; equal priorities keep the config's
 * order (load sharing breaks ties by it). */
static void test_dead_time_and_order(void)
{
	static const char *text =
		"vpdn-group \"g\" {\n"
		"  request-dialin { domain = {\"x\"} }\n"
		"  initiate-to = {\"10.0.0.3 priority 2\", \"10.0.0.1\", \"10.0.0.4 priority 2\",\n"
		"                 \"10.0.0.2 limit 5\", \"10.0.0.5 priority 2\"}\n"
		"  lns-dead-time = 120\n"
		"}\n"
		"vpdn-group \"h\" { request-dialin { domain = {\"y\"} } initiate-to = {\"10.0.0.1\"} }\n";
	cfg_t *cfg = cfg_init(l2tp_cfg_options, CFGF_NONE);
	struct l2tp_config *c = NULL;
	struct l2tp_group *g;
	char *err = NULL;

	CU_ASSERT_FATAL(cfg_parse_buf(cfg, text) == CFG_SUCCESS);
	CU_ASSERT_EQUAL_FATAL(l2tp_config_parse(cfg, &c, &err), 0);
	g = l2tp_config_group(c, "g");
	CU_ASSERT_EQUAL(g->dead_time_s, 120);
	CU_ASSERT_STRING_EQUAL(g->initiate_to[0].text, "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(g->initiate_to[1].text, "10.0.0.2");
	CU_ASSERT_EQUAL(g->initiate_to[1].limit, 5);
	CU_ASSERT_STRING_EQUAL(g->initiate_to[2].text, "10.0.0.3");
	CU_ASSERT_STRING_EQUAL(g->initiate_to[3].text, "10.0.0.4");
	CU_ASSERT_STRING_EQUAL(g->initiate_to[4].text, "10.0.0.5");
	CU_ASSERT_EQUAL(l2tp_config_group(c, "h")->dead_time_s, L2TP_DEFAULT_DEAD_TIME);
	l2tp_config_free(c);
	cfg_free(cfg);
	bad("vpdn-group \"g\" { lns-dead-time = -1 }\n", 1, "lns-dead-time must be");
	bad("vpdn-group \"g\" {\n request-dialin { domain = {\"x\"} }\n"
	    " initiate-to = {\"10.0.0.1 limit 0\"} }\n", 3, "bad initiate-to");
}

static const struct vpdn_test_case config_tests[] = {
	{ "the scenario's groups", test_scenario },
	{ "no sections: defaults", test_empty },
	{ "semantic errors name the line", test_errors },
	{ "initiate-to syntax", test_parse_peer },
	{ "IPv6 peers: [ADDR]:PORT, no mapped address, families agree", test_parse_peer_ipv6 },
	{ "lns-dead-time; equal priorities keep their order", test_dead_time_and_order },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-config", config_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
