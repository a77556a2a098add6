/* SPDX-License-Identifier: MIT */
/* The Prometheus endpoint's pure parts: the listen address and the text
 * rendering of the core's counters; the config's metrics section. */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <netinet/in.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "core-private.h"
#include "metrics-http.h"
#include "vpdnd-config.h"
#include "vpdn_test.h"

static void listen_ok(const char *s, int family, int port)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char *error = NULL;

	CU_ASSERT_EQUAL(vpdn_metrics_parse_listen(s, &ss, &len, &error), 0);
	CU_ASSERT_PTR_NULL(error);
	CU_ASSERT_EQUAL(ss.ss_family, family);
	if (family == AF_INET) {
		CU_ASSERT_EQUAL(ntohs(((struct sockaddr_in *)&ss)->sin_port), port);
	} else {
		CU_ASSERT_EQUAL(ntohs(((struct sockaddr_in6 *)&ss)->sin6_port), port);
	}
}

static void listen_bad(const char *s, const char *why)
{
	struct sockaddr_storage ss;
	socklen_t len = 0;
	char *error = NULL;

	CU_ASSERT_EQUAL(vpdn_metrics_parse_listen(s, &ss, &len, &error), -EINVAL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, why));
	g_free(error);
}

static void test_listen(void)
{
	listen_ok("127.0.0.1:9464", AF_INET, 9464);
	listen_ok("0.0.0.0:1", AF_INET, 1);
	listen_ok("[::1]:9464", AF_INET6, 9464);
	listen_ok("[::]:65535", AF_INET6, 65535);
	listen_bad("nonsense", "is not ADDRESS:PORT");
	listen_bad("", "is not ADDRESS:PORT");
	listen_bad("127.0.0.1", "is not ADDRESS:PORT");
	listen_bad("127.0.0.1:", "the port must be 1..65535");
	listen_bad("127.0.0.1:0", "the port must be 1..65535");
	listen_bad("127.0.0.1:65536", "the port must be 1..65535");
	listen_bad("127.0.0.1:12ab", "the port must be 1..65535");
	listen_bad("127.0.0.1:-1", "the port must be 1..65535");
	listen_bad("::1:9464", "is not ADDRESS:PORT");
	listen_bad("[::1:9464", "is not ADDRESS:PORT");
	listen_bad("[127.0.0.1]:9464", "is not ADDRESS:PORT");
	listen_bad("localhost:9464", "numeric address");
	listen_bad(":9464", "is not ADDRESS:PORT");
	listen_bad("1.2.3.4.5:9464", "is not ADDRESS:PORT");
}

static void test_render(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	vpdn_core_set_hostname(core, "L\"A\\C");
	*vpdn_core_counter(core, "l2tp_tunnels{state=\"est\"}", "L2TP tunnels by state") = 2;
	*vpdn_core_counter(core, "ppp_sessions_total", "PPP engines\nstarted") = 7;
	/* Same family, registered apart: its samples must come together. */
	*vpdn_core_counter(core, "l2tp_tunnels{state=\"idle\"}", "L2TP tunnels by state") = 1;
	*vpdn_core_counter(core, "weird-name.x", NULL) = 3;
	char *t = vpdn_metrics_render(core, VPDN_METRICS_MAX_SERIES_DEFAULT);

	CU_ASSERT_PTR_NOT_NULL(strstr(t,
		"# HELP vpdnd_l2tp_tunnels L2TP tunnels by state\n"
		"# TYPE vpdnd_l2tp_tunnels gauge\n"
		"vpdnd_l2tp_tunnels{node=\"L\\\"A\\\\C\",state=\"est\"} 2\n"
		"vpdnd_l2tp_tunnels{node=\"L\\\"A\\\\C\",state=\"idle\"} 1\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t,
		"# HELP vpdnd_ppp_sessions_total PPP engines\\nstarted\n"
		"# TYPE vpdnd_ppp_sessions_total counter\n"
		"vpdnd_ppp_sessions_total{node=\"L\\\"A\\\\C\"} 7\n"));
	/* No help: the name stands in; bad characters become '_'. */
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "# HELP vpdnd_weird_name_x vpdnd_weird_name_x\n"
					 "# TYPE vpdnd_weird_name_x gauge\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "# TYPE vpdnd_uptime_seconds gauge\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_build_info{node=\"L\\\"A\\\\C\",version=\""));
	/* One TYPE line per family. */
	const char *p = t;
	int n = 0;
	while ((p = strstr(p, "# TYPE vpdnd_l2tp_tunnels "))) {
		n++;
		p++;
	}
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_metrics_series_dropped{node=\"L\\\"A\\\\C\"} 0\n"));
	g_free(t);
	vpdn_core_free_test(core);
}

/* 100 000 would-be per-session counters stay out beyond max-series: whole
 * families only, and the drop is reported. */
static void test_max_series(void)
{
	struct vpdn_core *core = vpdn_core_new_test();
	char name[64];

	*vpdn_core_counter(core, "l2tp_sessions{state=\"est\"}", "by state") = 100000;
	for (int i = 0; i < 100000; i++) {
		snprintf(name, sizeof(name), "session_bytes_total{session=\"%d\"}", i);
		*vpdn_core_counter(core, name, "per session") = i;
	}
	*vpdn_core_counter(core, "ppp_sessions_total", "PPP engines") = 5;
	char *t = vpdn_metrics_render(core, VPDN_METRICS_MAX_SERIES_DEFAULT);

	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_l2tp_sessions{node=\"test\",state=\"est\"} 100000\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_ppp_sessions_total{node=\"test\"} 5\n"));
	CU_ASSERT_PTR_NULL(strstr(t, "vpdnd_session_bytes_total"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_metrics_series_dropped{node=\"test\"} 100000\n"));
	g_free(t);
	t = vpdn_metrics_render(core, 200000);
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_session_bytes_total{node=\"test\",session=\"99999\"} 99999\n"));
	CU_ASSERT_PTR_NOT_NULL(strstr(t, "vpdnd_metrics_series_dropped{node=\"test\"} 0\n"));
	g_free(t);
	vpdn_core_free_test(core);
}

static void test_config_section(void)
{
	struct vpdn_loader *ld = vpdn_loader_new();
	char *error = NULL;
	cfg_t *cfg = vpdn_config_parse_string("hostname = \"X\"\n"
					      "metrics {\n"
					      "  listen = \"[::1]:9464\"\n"
					      "}\n", "m.conf", ld, &error);

	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_STRING_EQUAL(cfg_getstr(cfg_getsec(cfg, "metrics"), "listen"), "[::1]:9464");
	vpdn_config_free(cfg);
	cfg = vpdn_config_parse_string("hostname = \"X\"\n", "m.conf", ld, &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_PTR_NULL(cfg_getstr(cfg_getsec(cfg, "metrics"), "listen")); /* off by default */
	vpdn_config_free(cfg);
	cfg = vpdn_config_parse_string("hostname = \"X\"\n\n"
				       "metrics { listen = \"nonsense\" }\n", "m.conf", ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "m.conf:3: metrics listen 'nonsense'"));
	g_free(error);
	error = NULL;
	cfg = vpdn_config_parse_string("metrics {\n  max-series = 0\n}\n", "m.conf", ld, &error);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "m.conf:2: metrics max-series must be 1..1000000, not 0"));
	g_free(error);
	vpdn_loader_free(ld);
}

static const struct vpdn_test_case tests[] = {
	{ "listen addresses", test_listen },
	{ "Prometheus text", test_render },
	{ "max-series bounds the samples", test_max_series },
	{ "metrics section in the config", test_config_section },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "metrics", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
