/* SPDX-License-Identifier: MIT */
/* The core's session events (core/node-events.c) on the fake clock: what
 * an ended session records (duration, side, causes, IPCP addresses), the
 * history's bound and order, the counters by cause (a bounded label set
 * whatever the peer sends), hostile strings made fit for D-Bus, and the
 * config's vpdn-history-size. */
#include <arpa/inet.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/vpdnd.h>

#include "core-private.h"
#include "loader.h"
#include "node-events.h"
#include "vpdnd-config.h"
#include "vpdn_test.h"

static struct vpdn_core *core;
static struct vpdn_node_events *ne;

static void setup(unsigned size)
{
	core = vpdn_core_new_test();
	core->vpdn_history_size = size;
	ne = vpdn_node_events_new(core);
	CU_ASSERT_PTR_NOT_NULL_FATAL(ne);
	CU_ASSERT_PTR_EQUAL(core->events, ne);
}

static void teardown(void)
{
	vpdn_node_events_free(ne);
	CU_ASSERT_PTR_NULL(core->events);
	vpdn_core_free_test(core);
	core = NULL;
	ne = NULL;
}

static uint64_t counter(const char *name)
{
	const struct vpdn_counter *c = g_hash_table_lookup(core->counters, name);

	return c ? c->value : 0;
}

static void tunnel_up(uint16_t tid, const char *peer_name, const char *addr)
{
	struct vpdn_ev_tunnel t = { .size = sizeof(t), .tunnel_id = tid, .peer_tunnel_id = 7,
				    .peer_name = peer_name, .group = "1" };
	struct sockaddr_in *sin = (struct sockaddr_in *)&t.peer;

	sin->sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sin->sin_addr);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_TUNNEL_UP, &t);
}

static void tunnel_down(uint16_t tid, int result, int error, enum vpdn_end_side side)
{
	struct vpdn_ev_tunnel t = { .size = sizeof(t), .tunnel_id = tid, .peer_tunnel_id = 7,
				    .result = result, .error = error, .ended_by = side };

	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_TUNNEL_DOWN, &t);
}

static void session(uint32_t type, uint16_t tid, uint16_t sid, const char *user,
		    const char *ifname, int result, int error, int cause, enum vpdn_end_side side)
{
	struct vpdn_ev_session s = { .size = sizeof(s), .tunnel_id = tid, .session_id = sid,
				     .peer_tunnel_id = 7, .peer_session_id = sid + 100,
				     .dir = VPDN_CALL_IN, .peer_name = "LAC", .interface = ifname,
				     .user = user, .result = result, .error = error,
				     .cause = cause, .ended_by = side };

	vpdn_bus_publish(vpdn_core_bus(core), type, &s);
}

static const struct vpdn_session_end *newest(void)
{
	return vpdn_history_at(vpdn_node_events_history(ne), 0);
}

/* LNS: a session up, IPCP, its PPP ends on a refused CHAP (RFC 3145 code
 * 16), the l2tp module sends the CDN: all of it in one history entry. */
static void test_session_record(void)
{
	struct vpdn_ev_ppp_network net = { .size = sizeof(net), .interface = "Vi2",
					   .user = "remote1@cisco.com" };
	struct vpdn_ev_ppp down = { .size = sizeof(down), .interface = "Vi2",
				    .reason = -EACCES, .disconnect_known = true,
				    .disconnect_code = VPDN_PPP_DISC_AUTH_FAILED,
				    .disconnect_protocol = 0xC223,
				    .disconnect_direction = VPDN_PPP_DISC_AT_LOCAL };
	const struct vpdn_session_end *e;

	setup(10);
	tunnel_up(45029, "LAC", "10.0.0.1");
	vpdn_timers_advance(vpdn_core_timers(core), 1000);
	session(VPDN_EV_SESSION_UP, 45029, 291, NULL, "Vi2", 0, 0, 0, 0);
	inet_pton(AF_INET, "18.18.18.2", &net.local);
	inet_pton(AF_INET, "17.17.17.1", &net.peer);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &net);
	vpdn_timers_advance(vpdn_core_timers(core), 12500);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_DOWN, &down);
	/* (The l2tp module names the user PPP authenticated.) */
	session(VPDN_EV_SESSION_DOWN, 45029, 291, "remote1@cisco.com", "Vi2", 2, 6, 0,
		VPDN_END_LOCAL);

	CU_ASSERT_EQUAL(vpdn_history_count(vpdn_node_events_history(ne)), 1);
	e = newest();
	CU_ASSERT_PTR_NOT_NULL_FATAL(e);
	CU_ASSERT_EQUAL(e->tunnel_id, 45029);
	CU_ASSERT_EQUAL(e->session_id, 291);
	CU_ASSERT_EQUAL(e->peer_session_id, 391);
	CU_ASSERT_STRING_EQUAL(e->user, "remote1@cisco.com");
	CU_ASSERT_STRING_EQUAL(e->interface, "Vi2");
	CU_ASSERT_STRING_EQUAL(e->peer_name, "LAC");
	CU_ASSERT_STRING_EQUAL(e->peer_address, "10.0.0.1");
	CU_ASSERT_STRING_EQUAL(e->local_address, "18.18.18.2");
	CU_ASSERT_STRING_EQUAL(e->remote_address, "17.17.17.1");
	CU_ASSERT_EQUAL((e->ended_ms - e->started_ms) / 1000, 12);
	CU_ASSERT_EQUAL(e->ended_by, VPDN_END_LOCAL);
	CU_ASSERT_EQUAL(e->result, 2);
	CU_ASSERT_EQUAL(e->error, 6);
	CU_ASSERT_TRUE(e->ppp_known);
	CU_ASSERT_EQUAL(e->ppp_code, VPDN_PPP_DISC_AUTH_FAILED);
	CU_ASSERT_STRING_EQUAL(e->cause, "ppp-auth-failed");
	CU_ASSERT_PTR_NOT_NULL(strstr(e->reason, "PPP: authentication failed (code 16, protocol 0xC223, at local)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e->reason, "L2TP result 2 (general error), error 6 (vendor specific error)"));
	CU_ASSERT_EQUAL(counter("sessions_ended_total{cause=\"ppp-auth-failed\"}"), 1);

	/* The peer's CDN: result 3, a Q.931 cause; no PPP cause. */
	session(VPDN_EV_SESSION_UP, 45029, 292, "u2", "Vi3", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 45029, 292, "u2", "Vi3", 3, 0, VPDN_CAUSE_USER_BUSY,
		VPDN_END_PEER);
	e = newest();
	CU_ASSERT_EQUAL(e->ended_by, VPDN_END_PEER);
	CU_ASSERT_FALSE(e->ppp_known);
	CU_ASSERT_STRING_EQUAL(e->cause, "q931-user-busy");
	CU_ASSERT_STRING_EQUAL(e->local_address, "");
	CU_ASSERT_PTR_NOT_NULL(strstr(e->reason, "Q.931 cause 17 (User busy)"));
	/* Normal clearing says less than the result code. */
	session(VPDN_EV_SESSION_UP, 45029, 293, "u3", "Vi4", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 45029, 293, "u3", "Vi4", 1, 0,
		VPDN_CAUSE_NORMAL_CLEARING, VPDN_END_PEER);
	CU_ASSERT_STRING_EQUAL(newest()->cause, "l2tp-lost-carrier");

	/* A LAC: no PPP of ours, the peer's CDN carried AVP 46. */
	{
		struct vpdn_ev_session s = { .size = sizeof(s), .tunnel_id = 45029,
					     .session_id = 294, .dir = VPDN_CALL_IN,
					     .interface = "Se0:20", .result = 2, .error = 6,
					     .ended_by = VPDN_END_PEER,
					     .ppp_disconnect_known = true,
					     .ppp_disconnect_code = VPDN_PPP_DISC_AUTH_FAILED,
					     .ppp_disconnect_protocol = 0xC223,
					     .ppp_disconnect_direction = VPDN_PPP_DISC_AT_PEER };

		session(VPDN_EV_SESSION_UP, 45029, 294, "u4", "Se0:20", 0, 0, 0, 0);
		vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_SESSION_DOWN, &s);
		e = newest();
		CU_ASSERT_EQUAL(e->session_id, 294);
		CU_ASSERT_TRUE(e->ppp_known);
		CU_ASSERT_STRING_EQUAL(e->cause, "ppp-auth-failed");
		CU_ASSERT_PTR_NOT_NULL(strstr(e->reason, "0xC223, at peer)"));
		CU_ASSERT_EQUAL(counter("sessions_ended_total{cause=\"ppp-auth-failed\"}"), 2);
	}

	/* An interface name a newer session took before the older one ended:
	 * the older's end leaves the newer found by the name, and IPCP's
	 * addresses reach the newer's record (the tables are sets of
	 * records, #19). */
	session(VPDN_EV_SESSION_UP, 45029, 295, "u5", "Vi9", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_UP, 45029, 296, "u6", "Vi9", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 45029, 295, "u5", "Vi9", 1, 0, 0, VPDN_END_PEER);
	CU_ASSERT_EQUAL(newest()->session_id, 295);
	net.interface = "Vi9";
	inet_pton(AF_INET, "17.17.17.9", &net.peer);
	vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_PPP_NETWORK_UP, &net);
	session(VPDN_EV_SESSION_DOWN, 45029, 296, "u6", "Vi9", 1, 0, 0, VPDN_END_PEER);
	CU_ASSERT_EQUAL(newest()->session_id, 296);
	CU_ASSERT_STRING_EQUAL(newest()->remote_address, "17.17.17.9");
	/* the same IDs up twice: one record, the newer's start */
	session(VPDN_EV_SESSION_UP, 45029, 297, "u7", "Vi10", 0, 0, 0, 0);
	vpdn_timers_advance(vpdn_core_timers(core), 5000);
	session(VPDN_EV_SESSION_UP, 45029, 297, "u7", "Vi10", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 45029, 297, "u7", "Vi10", 1, 0, 0, VPDN_END_PEER);
	CU_ASSERT_EQUAL(newest()->ended_ms - newest()->started_ms, 0);

	/* The tunnel: lived 13.5 s, cleared by us. */
	tunnel_down(45029, 1, 0, VPDN_END_LOCAL);
	CU_ASSERT_EQUAL(counter("tunnels_ended_total{cause=\"l2tp-clear\"}"), 1);
	teardown();
}

/* More ended sessions than the size keep the newest `size`, newest
 * first; shrinking keeps the newest; 0 keeps none. */
static void test_bound(void)
{
	struct vpdn_history *h;

	setup(3);
	h = vpdn_node_events_history(ne);
	tunnel_up(1, "LAC", "10.0.0.1");
	for (uint16_t sid = 1; sid <= 7; sid++) {
		char ifname[8];

		g_snprintf(ifname, sizeof(ifname), "Vi%u", sid);
		session(VPDN_EV_SESSION_UP, 1, sid, "u", ifname, 0, 0, 0, 0);
		vpdn_timers_advance(vpdn_core_timers(core), 1000u * sid);
		session(VPDN_EV_SESSION_DOWN, 1, sid, "u", ifname, 3, 0, 0, VPDN_END_LOCAL);
	}
	CU_ASSERT_EQUAL(vpdn_history_size(h), 3);
	CU_ASSERT_EQUAL(vpdn_history_count(h), 3);
	CU_ASSERT_EQUAL(vpdn_history_total(h), 7);
	CU_ASSERT_EQUAL(vpdn_history_at(h, 0)->session_id, 7);
	CU_ASSERT_EQUAL(vpdn_history_at(h, 1)->session_id, 6);
	CU_ASSERT_EQUAL(vpdn_history_at(h, 2)->session_id, 5);
	CU_ASSERT_PTR_NULL(vpdn_history_at(h, 3));
	CU_ASSERT_EQUAL((vpdn_history_at(h, 0)->ended_ms - vpdn_history_at(h, 0)->started_ms), 7000);
	CU_ASSERT_EQUAL(counter("sessions_ended_total{cause=\"l2tp-admin\"}"), 7);

	vpdn_node_events_set_history_size(ne, 1);
	CU_ASSERT_EQUAL(vpdn_history_count(h), 1);
	CU_ASSERT_EQUAL(vpdn_history_at(h, 0)->session_id, 7);
	vpdn_node_events_set_history_size(ne, 0);
	CU_ASSERT_EQUAL(vpdn_history_count(h), 0);
	session(VPDN_EV_SESSION_UP, 1, 9, "u", "Vi9", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 1, 9, "u", "Vi9", 3, 0, 0, VPDN_END_LOCAL);
	CU_ASSERT_EQUAL(vpdn_history_count(h), 0);
	CU_ASSERT_EQUAL(vpdn_history_total(h), 8);
	teardown();
}

/* A peer's codes outside RFC 2661 make one "other" series, not one each;
 * a user name that is not UTF-8 or is huge is made valid and cut. */
static void test_hostile(void)
{
	char big[2000];
	const struct vpdn_session_end *e;

	setup(100);
	tunnel_up(2, "LAC\xff\xfe", "10.0.0.2");
	for (int code = 100; code < 150; code++) {
		session(VPDN_EV_SESSION_UP, 2, (uint16_t)code, "u", NULL, 0, 0, 0, 0);
		session(VPDN_EV_SESSION_DOWN, 2, (uint16_t)code, "u", NULL, code, code, 200 + code,
			VPDN_END_PEER);
	}
	CU_ASSERT_EQUAL(counter("sessions_ended_total{cause=\"l2tp-other\"}"), 50);
	session(VPDN_EV_SESSION_UP, 2, 1, "u", NULL, 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 2, 1, "u", NULL, 2, 99, 0, VPDN_END_PEER);
	CU_ASSERT_STRING_EQUAL(newest()->cause, "l2tp-general-error");
	CU_ASSERT_EQUAL(newest()->q931, 0);

	memset(big, 'a', sizeof(big));
	big[0] = '\xc3';   /* a lone lead byte */
	big[sizeof(big) - 1] = '\0';
	session(VPDN_EV_SESSION_UP, 2, 3, big, "Vi1", 0, 0, 0, 0);
	session(VPDN_EV_SESSION_DOWN, 2, 3, big, "Vi1", 3, 0, 0, VPDN_END_PEER);
	e = newest();
	CU_ASSERT_TRUE(g_utf8_validate(e->user, -1, NULL));
	CU_ASSERT_TRUE(strlen(e->user) <= 253);
	CU_ASSERT_TRUE(g_utf8_validate(e->peer_name, -1, NULL));
	CU_ASSERT_TRUE(g_str_has_prefix(e->peer_name, "LAC"));
	/* A SESSION_DOWN for a session never seen up still records. */
	session(VPDN_EV_SESSION_DOWN, 2, 4000, NULL, NULL, 4, 0, 0, VPDN_END_PEER);
	CU_ASSERT_EQUAL(newest()->session_id, 4000);
	CU_ASSERT_STRING_EQUAL(newest()->user, "");
	CU_ASSERT_EQUAL(newest()->ended_ms, newest()->started_ms);
	/* An old, shorter payload (no ended_by) is read as unknown. */
	{
		struct vpdn_ev_session s = { .size = offsetof(struct vpdn_ev_session, ended_by),
					     .tunnel_id = 2, .session_id = 4001, .result = 3,
					     .ended_by = VPDN_END_PEER };

		vpdn_bus_publish(vpdn_core_bus(core), VPDN_EV_SESSION_DOWN, &s);
		CU_ASSERT_EQUAL(newest()->ended_by, VPDN_END_UNKNOWN);
	}
	teardown();
}

static void test_config(void)
{
	struct vpdn_loader *ld = vpdn_loader_new();
	char *error = NULL;
	cfg_t *cfg;

	core = vpdn_core_new_test();
	CU_ASSERT_EQUAL(core->vpdn_history_size, VPDN_HISTORY_SIZE_DEFAULT);
	cfg = vpdn_config_parse_string("hostname = \"X\"\nvpdn-history-size = 5\n", "h.conf", ld,
				       &error);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	ne = vpdn_node_events_new(core);
	vpdn_config_apply_core(cfg, core);
	CU_ASSERT_EQUAL(core->vpdn_history_size, 5);
	CU_ASSERT_EQUAL(vpdn_history_size(vpdn_node_events_history(ne)), 5);
	vpdn_config_free(cfg);
	cfg = vpdn_config_parse_string("hostname = \"X\"\n\nvpdn-history-size = -1\n", "h.conf", ld,
				       &error);
	CU_ASSERT_PTR_NULL(cfg);
	CU_ASSERT_PTR_NOT_NULL_FATAL(error);
	CU_ASSERT_PTR_NOT_NULL(strstr(error, "h.conf:3: vpdn-history-size must be 0 to 10000, not -1"));
	g_free(error);
	vpdn_loader_free(ld);
	teardown();
}

static const struct vpdn_test_case tests[] = {
	{ "an ended session's record", test_session_record },
	{ "the history keeps the newest N", test_bound },
	{ "hostile codes and names", test_hostile },
	{ "vpdn-history-size", test_config },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "node-events", tests, NULL, NULL },
	{ NULL },
};

VPDN_TEST_MAIN(suites)
