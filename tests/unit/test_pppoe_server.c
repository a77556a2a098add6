/* SPDX-License-Identifier: MIT */
/*
 * modules/pppoe: the access concentrator's discovery state machine and the
 * client's, over a fake carrier (captured packets) and the fake clock.
 */
#include <errno.h>
#include <string.h>

#include "pppoe-private.h"
#include "vpdn_test.h"

#define MAXP 64

struct sent {
	uint8_t dst[6];
	uint8_t pkt[1500];
	size_t len;
	struct pppoe_if *ifc;
};

static struct fake {
	struct vpdn_core *core;
	struct pppoe_engine *e;
	struct pppoe_group g;
	struct pppoe_if *ifc;
	struct sent sent[MAXP];
	unsigned nsent;
	unsigned opened, closed;
	int open_result;
	struct pppoe_session *last_open;
	char last_reason[64];
	/* a second engine side for client <-> server: frames are delivered */
	struct pppoe_if *peer_if;
	bool deliver;
} F;

static const uint8_t ac_mac[6] = { 0x02, 0, 0, 0, 0, 0xac };
static const uint8_t cl_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t cl2_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

static int fake_send(void *ctx, struct pppoe_if *ifc, const uint8_t dst[6], const uint8_t *pkt,
		     size_t len)
{
	if (F.nsent < MAXP) {
		struct sent *s = &F.sent[F.nsent];
		memcpy(s->dst, dst, 6);
		memcpy(s->pkt, pkt, len);
		s->len = len;
		s->ifc = ifc;
	}
	F.nsent++;
	if (F.deliver && F.peer_if) {
		struct pppoe_if *to = ifc == F.ifc ? F.peer_if : F.ifc;
		uint8_t copy[1500];
		memcpy(copy, pkt, len);
		pppoe_disc_input(to, ifc->mac, dst, copy, len);
	}
	return 0;
}

static int fake_open(void *ctx, struct pppoe_session *s)
{
	F.opened++;
	F.last_open = s;
	return F.open_result;
}

static void fake_closed(void *ctx, struct pppoe_session *s, const char *reason)
{
	F.closed++;
	snprintf(F.last_reason, sizeof(F.last_reason), "%s", reason);
}

static const struct pppoe_carrier_ops fake_ops = { fake_send, fake_open, fake_closed };

static int setup(void)
{
	memset(&F, 0, sizeof(F));
	F.core = vpdn_core_new_test();
	F.e = pppoe_engine_new(F.core, &fake_ops, NULL);
	F.g.name = "global";
	F.g.ac_name = "vpdnd-ac";
	F.g.services = g_ptr_array_new();
	F.g.max_payload = 1500;
	F.g.cookie_lifetime_s = 60;
	F.ifc = pppoe_if_new(F.e, "veth0", 7, ac_mac);
	F.ifc->group = &F.g;
	F.ifc->eth_mtu = 1508;   /* baby jumbo: RFC 4638 payloads of 1500 fit */
	return 0;
}

static int teardown(void)
{
	if (F.peer_if)
		pppoe_if_free(F.peer_if);
	pppoe_if_free(F.ifc);
	pppoe_engine_free(F.e);
	g_ptr_array_free(F.g.services, TRUE);
	vpdn_core_free_test(F.core);
	return 0;
}

static uint64_t counter(const char *name)
{
	return *vpdn_core_counter(F.core, name, "");
}

/* Build and feed a PADI/PADR from mac. cookie may be NULL. */
static void feed(uint8_t code, const uint8_t mac[6], const char *service, const uint8_t *cookie,
		 size_t cookie_len, const char *host_uniq, int max_payload)
{
	uint8_t buf[1500];
	struct pppoe_builder b;

	pppoe_build_begin(&b, buf, sizeof(buf), code, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, service, strlen(service));
	if (host_uniq)
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, host_uniq, strlen(host_uniq));
	if (cookie)
		pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, cookie_len);
	if (max_payload)
		pppoe_build_u16(&b, PPPOE_TAG_PPP_MAX_PAYLOAD, (uint16_t)max_payload);
	int n = pppoe_build_end(&b);
	CU_ASSERT_FATAL(n > 0);
	pppoe_disc_input(F.ifc, mac, code == PPPOE_CODE_PADI ? (const uint8_t *)"\xff\xff\xff\xff\xff\xff"
			 : ac_mac, buf, (size_t)n);
}

static void feed_padt(const uint8_t mac[6], uint16_t sid)
{
	uint8_t buf[64];
	struct pppoe_builder b;

	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADT, sid);
	int n = pppoe_build_end(&b);
	pppoe_disc_input(F.ifc, mac, ac_mac, buf, (size_t)n);
}

static struct pppoe_disc last(void)
{
	struct pppoe_disc d;

	CU_ASSERT_FATAL(F.nsent > 0 && F.nsent <= MAXP);
	CU_ASSERT_EQUAL_FATAL(pppoe_disc_decode(F.sent[F.nsent - 1].pkt, F.sent[F.nsent - 1].len,
						&d, NULL), 0);
	return d;
}

/* PADI -> PADO with cookie; returns the cookie in out. */
static void discover(const uint8_t mac[6], uint8_t out[16], const char *hu)
{
	unsigned before = F.nsent;

	feed(PPPOE_CODE_PADI, mac, "", NULL, 0, hu, 0);
	CU_ASSERT_EQUAL_FATAL(F.nsent, before + 1);
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADO);
	CU_ASSERT_EQUAL_FATAL(d.ac_cookie.len, 16);
	memcpy(out, d.ac_cookie.data, 16);
}

static void test_padi_pado_stateless(void)
{
	uint8_t cookie[16];

	setup();
	discover(cl_mac, cookie, "hu1");
	struct pppoe_disc d = last();
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.ac_name, "vpdnd-ac"));
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.host_uniq, "hu1"));
	CU_ASSERT_EQUAL(memcmp(F.sent[0].dst, cl_mac, 6), 0);
	CU_ASSERT_FALSE(d.has_max_payload);   /* not asked */
	/* no state: nothing in the tables */
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(g_hash_table_size(F.ifc->per_mac), 0);
	CU_ASSERT_EQUAL(F.opened, 0);
	/* the same MAC gets the same cookie, another MAC another one */
	uint8_t c2[16];
	discover(cl_mac, c2, NULL);
	CU_ASSERT_EQUAL(memcmp(cookie, c2, 16), 0);
	discover(cl2_mac, c2, NULL);
	CU_ASSERT_NOT_EQUAL(memcmp(cookie, c2, 16), 0);
	CU_ASSERT_EQUAL(counter("pppoe_padi_total"), 3);
	teardown();
}

static void test_padr_opens_session(void)
{
	uint8_t cookie[16];

	setup();
	discover(cl_mac, cookie, "hu1");
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "hu1", 1500);
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADS);
	CU_ASSERT_NOT_EQUAL(d.session_id, 0);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.host_uniq, "hu1"));
	CU_ASSERT_TRUE(d.has_max_payload);
	CU_ASSERT_EQUAL(d.max_payload, 1500);
	CU_ASSERT_EQUAL(F.opened, 1);
	CU_ASSERT_PTR_NOT_NULL_FATAL(F.last_open);
	CU_ASSERT_EQUAL(F.last_open->state, PPPOE_ST_OPEN);
	CU_ASSERT_EQUAL(F.last_open->mtu, 1500);
	CU_ASSERT_EQUAL(F.last_open->id, d.session_id);
	CU_ASSERT_PTR_EQUAL(pppoe_if_find(F.ifc, d.session_id, cl_mac), F.last_open);
	CU_ASSERT_PTR_NULL(pppoe_if_find(F.ifc, d.session_id, cl2_mac));
	/* a retransmitted PADR gets the same PADS, no second session */
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "hu1", 1500);
	struct pppoe_disc d2 = last();
	CU_ASSERT_EQUAL(d2.code, PPPOE_CODE_PADS);
	CU_ASSERT_EQUAL(d2.session_id, d.session_id);
	CU_ASSERT_EQUAL(F.opened, 1);
	/* a new Host-Uniq is a new session with another ID */
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "hu2", 0);
	CU_ASSERT_EQUAL(F.opened, 2);
	CU_ASSERT_NOT_EQUAL(last().session_id, d.session_id);
	CU_ASSERT_FALSE(last().has_max_payload);
	CU_ASSERT_EQUAL(F.last_open->mtu, PPPOE_DEFAULT_MRU);
	CU_ASSERT_EQUAL(pppoe_if_mac_sessions(F.ifc, cl_mac), 2);
	teardown();
}

static void test_max_payload_and_relay(void)
{
	uint8_t cookie[16], buf[200];
	struct pppoe_builder b;
	struct pppoe_disc d;

	setup();
	/* the Ethernet carries only 1500: a 1500 payload is not granted */
	F.ifc->eth_mtu = 1500;
	discover(cl_mac, cookie, NULL);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "a", 1500);
	d = last();
	CU_ASSERT_FALSE(d.has_max_payload);
	CU_ASSERT_EQUAL(F.last_open->mtu, PPPOE_DEFAULT_MRU);
	/* baby jumbo (1508): granted, capped at what is asked and at the group's */
	F.ifc->eth_mtu = 1508;
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "b", 1500);
	d = last();
	CU_ASSERT_TRUE(d.has_max_payload);
	CU_ASSERT_EQUAL(d.max_payload, 1500);
	CU_ASSERT_EQUAL(F.last_open->mtu, 1500);
	F.ifc->eth_mtu = 9000;
	F.g.sessions_per_mac = 0;
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "c", 8000);
	d = last();
	CU_ASSERT_EQUAL(d.max_payload, 1500);   /* the group's pppoe-max-payload */
	/* a relay's Relay-Session-Id is echoed in PADO, PADS and PADT */
	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_tag(&b, PPPOE_TAG_RELAY_SESSION_ID, "relay-7", 7);
	int n = pppoe_build_end(&b);
	pppoe_disc_input(F.ifc, cl2_mac, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", buf, (size_t)n);
	d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADO);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.relay_session_id, "relay-7"));
	memcpy(cookie, d.ac_cookie.data, 16);
	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADR, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_tag(&b, PPPOE_TAG_RELAY_SESSION_ID, "relay-7", 7);
	pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, 16);
	n = pppoe_build_end(&b);
	pppoe_disc_input(F.ifc, cl2_mac, ac_mac, buf, (size_t)n);
	d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADS);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.relay_session_id, "relay-7"));
	pppoe_session_terminate(F.last_open, NULL);
	d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADT);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.relay_session_id, "relay-7"));
	teardown();
}

static void test_bad_cookie_ignored(void)
{
	uint8_t cookie[16];

	setup();
	discover(cl_mac, cookie, NULL);
	unsigned n = F.nsent;
	/* no cookie, wrong cookie, short cookie, another MAC's cookie */
	feed(PPPOE_CODE_PADR, cl_mac, "", NULL, 0, NULL, 0);
	cookie[3] ^= 1;
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, NULL, 0);
	cookie[3] ^= 1;
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 15, NULL, 0);
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie, 16, NULL, 0);
	CU_ASSERT_EQUAL(F.nsent, n);          /* no answer at all */
	CU_ASSERT_EQUAL(F.opened, 0);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(counter("pppoe_bad_cookie_total"), 4);
	teardown();
}

static void test_cookie_rotation(void)
{
	uint8_t cookie[16];

	setup();
	discover(cl_mac, cookie, NULL);
	/* valid through the next key generation */
	vpdn_timers_advance(vpdn_core_timers(F.core), 60 * 1000);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "a", 0);
	CU_ASSERT_EQUAL(F.opened, 1);
	/* two generations later it is refused */
	vpdn_timers_advance(vpdn_core_timers(F.core), 120 * 1000);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "b", 0);
	CU_ASSERT_EQUAL(F.opened, 1);
	CU_ASSERT_EQUAL(counter("pppoe_bad_cookie_total"), 1);
	teardown();
}

static void test_padt_both_ways(void)
{
	uint8_t cookie[16];

	setup();
	discover(cl_mac, cookie, NULL);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, NULL, 0);
	uint16_t sid = last().session_id;
	/* a PADT from another MAC for this session is ignored */
	feed_padt(cl2_mac, sid);
	CU_ASSERT_EQUAL(F.closed, 0);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 1);
	CU_ASSERT_EQUAL(counter("pppoe_padt_ignored_total"), 1);
	/* its own MAC ends it */
	feed_padt(cl_mac, sid);
	CU_ASSERT_EQUAL(F.closed, 1);
	CU_ASSERT_STRING_EQUAL(F.last_reason, "PADT received");
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(pppoe_if_mac_sessions(F.ifc, cl_mac), 0);
	CU_ASSERT_EQUAL(F.e->n_sessions, 0);
	/* we end one: PADT to the peer with the session ID */
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "x", 0);
	sid = last().session_id;
	pppoe_session_terminate(F.last_open, "PPP down");
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADT);
	CU_ASSERT_EQUAL(d.session_id, sid);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.generic_error, "PPP down"));
	CU_ASSERT_EQUAL(memcmp(F.sent[F.nsent - 1].dst, cl_mac, 6), 0);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(counter("pppoe_padt_sent_total"), 1);
	teardown();
}

static void test_session_limits(void)
{
	uint8_t cookie[16], cookie2[16];

	setup();
	F.g.sessions_per_mac = 2;
	F.g.sessions_per_if = 3;
	discover(cl_mac, cookie, NULL);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "1", 0);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "2", 0);
	CU_ASSERT_EQUAL(F.opened, 2);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, "3", 0);
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADS);
	CU_ASSERT_EQUAL(d.session_id, 0);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.ac_system_error, "per-MAC session limit"));
	CU_ASSERT_EQUAL(F.opened, 2);
	/* a PADI from that MAC is not answered while it is at its limit */
	unsigned n = F.nsent;
	feed(PPPOE_CODE_PADI, cl_mac, "", NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(F.nsent, n);
	/* interface limit */
	discover(cl2_mac, cookie2, NULL);
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie2, 16, "1", 0);
	CU_ASSERT_EQUAL(F.opened, 3);
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie2, 16, "2", 0);
	d = last();
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.ac_system_error, "interface session limit"));
	/* node limit */
	F.g.sessions_per_if = 0;
	F.e->sessions_max = 3;
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie2, 16, "3", 0);
	d = last();
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.ac_system_error, "node session limit"));
	CU_ASSERT_EQUAL(counter("pppoe_limit_refused_total"), 4);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 3);
	teardown();
}

static void test_padi_rate(void)
{
	setup();
	F.g.padi_rate = 10;
	F.g.padi_rate_mac = 3;
	for (int i = 0; i < 5; i++)
		feed(PPPOE_CODE_PADI, cl_mac, "", NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(F.nsent, 3);   /* per MAC */
	uint8_t m[6] = { 0x02, 1, 0, 0, 0, 0 };
	for (int i = 0; i < 1000; i++) {
		m[4] = (uint8_t)(i >> 8);
		m[5] = (uint8_t)i;
		feed(PPPOE_CODE_PADI, m, "", NULL, 0, NULL, 0);
	}
	CU_ASSERT_EQUAL(F.nsent, 10);  /* per interface and second */
	CU_ASSERT_EQUAL(counter("pppoe_padi_rate_limited_total"), 1005 - 10);
	/* next second: answered again */
	vpdn_timers_advance(vpdn_core_timers(F.core), 1000);
	feed(PPPOE_CODE_PADI, cl_mac, "", NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(F.nsent, 11);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	teardown();
}

static void test_service_names(void)
{
	uint8_t cookie[16];

	setup();
	g_ptr_array_add(F.g.services, "internet");
	g_ptr_array_add(F.g.services, "voip");
	feed(PPPOE_CODE_PADI, cl_mac, "tv", NULL, 0, NULL, 0);
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADO);
	CU_ASSERT_TRUE(d.service_name_error.present);
	CU_ASSERT_FALSE(d.ac_cookie.present);
	/* any service: all offered */
	discover(cl_mac, cookie, NULL);
	d = last();
	CU_ASSERT_EQUAL(d.n_service_names, 3);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.service_names[1], "internet"));
	/* PADR for one not offered: PADS sid 0 with Service-Name-Error */
	feed(PPPOE_CODE_PADR, cl_mac, "tv", cookie, 16, NULL, 0);
	d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADS);
	CU_ASSERT_EQUAL(d.session_id, 0);
	CU_ASSERT_TRUE(d.service_name_error.present);
	feed(PPPOE_CODE_PADR, cl_mac, "voip", cookie, 16, NULL, 0);
	CU_ASSERT_EQUAL(F.opened, 1);
	CU_ASSERT_STRING_EQUAL(F.last_open->service, "voip");
	CU_ASSERT_EQUAL(counter("pppoe_service_refused_total"), 2);
	teardown();
}

static void test_malformed_and_open_failure(void)
{
	uint8_t cookie[16];
	uint8_t junk[] = { 0x11, 0x09, 0, 0, 0, 40, 1, 1, 0, 0 };

	setup();
	pppoe_disc_input(F.ifc, cl_mac, ac_mac, junk, sizeof(junk));
	CU_ASSERT_EQUAL(counter("pppoe_malformed_total"), 1);
	/* from a group address */
	feed(PPPOE_CODE_PADI, (const uint8_t *)"\x03\0\0\0\0\1", "", NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(counter("pppoe_malformed_total"), 2);
	CU_ASSERT_EQUAL(F.nsent, 0);
	/* nobody answers the call: PADS then PADT, no session left */
	F.open_result = -ENOENT;
	discover(cl_mac, cookie, NULL);
	feed(PPPOE_CODE_PADR, cl_mac, "", cookie, 16, NULL, 0);
	CU_ASSERT_EQUAL(last().code, PPPOE_CODE_PADT);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(counter("pppoe_open_failed_total"), 1);
	/* a PADR sent to the broadcast address is not ours */
	F.open_result = 0;
	uint8_t buf[100];
	struct pppoe_builder b;
	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADR, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, 16);
	int n = pppoe_build_end(&b);
	pppoe_disc_input(F.ifc, cl_mac, (const uint8_t *)"\xff\xff\xff\xff\xff\xff", buf, (size_t)n);
	CU_ASSERT_EQUAL(F.opened, 1);   /* only the failed one above */
	teardown();
}

/* client state machine against the server, frames delivered in memory */
static void test_client_server(void)
{
	setup();
	F.peer_if = pppoe_if_new(F.e, "veth1", 8, cl_mac);
	F.peer_if->client = true;
	F.peer_if->eth_mtu = 1508;
	F.deliver = true;
	struct pppoe_session *c = pppoe_client_start(F.peer_if, "", "vpdnd-ac", 1500);
	/* PADI, PADO, PADR, PADS, all in one go */
	CU_ASSERT_EQUAL(F.nsent, 4);
	CU_ASSERT_EQUAL(F.opened, 2);   /* server side and client side */
	CU_ASSERT_EQUAL(c->state, PPPOE_ST_OPEN);
	CU_ASSERT_EQUAL(c->mtu, 1500);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 1);
	struct pppoe_session *srv = pppoe_if_find(F.ifc, c->id, cl_mac);
	CU_ASSERT_PTR_NOT_NULL_FATAL(srv);
	CU_ASSERT_EQUAL(srv->mtu, 1500);
	/* the client ends it: PADT reaches the server */
	pppoe_session_terminate(c, "user request");
	CU_ASSERT_EQUAL(F.closed, 1);
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(F.peer_if->n_sessions, 0);
	teardown();
}

static void test_client_timeouts(void)
{
	setup();
	F.peer_if = pppoe_if_new(F.e, "veth1", 8, cl_mac);
	F.peer_if->client = true;
	pppoe_client_start(F.peer_if, "internet", NULL, 0);
	CU_ASSERT_EQUAL(F.nsent, 1);
	CU_ASSERT_EQUAL(memcmp(F.sent[0].dst, "\xff\xff\xff\xff\xff\xff", 6), 0);
	struct vpdn_timers *tm = vpdn_core_timers(F.core);
	vpdn_timers_advance(tm, 1000);
	CU_ASSERT_EQUAL(F.nsent, 2);
	vpdn_timers_advance(tm, 2000);
	CU_ASSERT_EQUAL(F.nsent, 3);
	vpdn_timers_advance(tm, 4000 + 8000);
	CU_ASSERT_EQUAL(F.nsent, 5);
	CU_ASSERT_EQUAL(F.closed, 0);
	vpdn_timers_advance(tm, 16000);
	CU_ASSERT_EQUAL(F.closed, 1);
	CU_ASSERT_STRING_EQUAL(F.last_reason, "no PADO");
	CU_ASSERT_EQUAL(F.peer_if->pending->len, 0);
	CU_ASSERT_EQUAL(counter("pppoe_client_timeouts_total"), 1);
	/* a PADS with an error tag fails the discovery: answers made by hand */
	struct pppoe_session *c = pppoe_client_start(F.peer_if, "", NULL, 0);
	struct pppoe_disc d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADI);
	uint8_t hu[4], buf[100];
	memcpy(hu, d.host_uniq.data, 4);
	struct pppoe_builder b;
	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADO, 0);
	pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, "ac", 2);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, "zzzz", 4);   /* not ours: ignored */
	int n = pppoe_build_end(&b);
	pppoe_disc_input(F.peer_if, ac_mac, cl_mac, buf, (size_t)n);
	CU_ASSERT_EQUAL(c->state, PPPOE_ST_PADI_SENT);
	memcpy(buf + n - 4, hu, 4);
	pppoe_disc_input(F.peer_if, ac_mac, cl_mac, buf, (size_t)n);
	CU_ASSERT_EQUAL(c->state, PPPOE_ST_PADR_SENT);
	d = last();
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADR);
	CU_ASSERT_EQUAL(memcmp(F.sent[F.nsent - 1].dst, ac_mac, 6), 0);
	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADS, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, hu, 4);
	pppoe_build_tag(&b, PPPOE_TAG_AC_SYSTEM_ERROR, "full", 4);
	n = pppoe_build_end(&b);
	/* from another MAC than the AC's: ignored */
	pppoe_disc_input(F.peer_if, cl2_mac, cl_mac, buf, (size_t)n);
	CU_ASSERT_EQUAL(F.closed, 1);
	pppoe_disc_input(F.peer_if, ac_mac, cl_mac, buf, (size_t)n);
	CU_ASSERT_EQUAL(F.closed, 2);
	CU_ASSERT_STRING_EQUAL(F.last_reason, "AC-System-Error");
	CU_ASSERT_EQUAL(F.peer_if->pending->len, 0);
	teardown();
}

static void test_interface_down(void)
{
	uint8_t cookie[16];

	setup();
	F.peer_if = pppoe_if_new(F.e, "veth1", 8, cl_mac);
	F.peer_if->client = true;
	discover(cl2_mac, cookie, NULL);
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie, 16, "1", 0);
	feed(PPPOE_CODE_PADR, cl2_mac, "", cookie, 16, "2", 0);
	pppoe_client_start(F.peer_if, "", NULL, 0);   /* discovering, elsewhere */
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 2);
	unsigned n = F.nsent;
	CU_ASSERT_EQUAL(pppoe_if_down(F.ifc, "interface down"), 2);
	CU_ASSERT_EQUAL(F.closed, 2);
	CU_ASSERT_STRING_EQUAL(F.last_reason, "interface down");
	CU_ASSERT_EQUAL(F.nsent, n);            /* no PADT on a dead link */
	CU_ASSERT_EQUAL(F.ifc->n_sessions, 0);
	CU_ASSERT_EQUAL(pppoe_if_mac_sessions(F.ifc, cl2_mac), 0);
	CU_ASSERT_EQUAL(F.e->n_sessions, 0);
	CU_ASSERT_EQUAL(F.peer_if->pending->len, 1);   /* the other interface untouched */
	CU_ASSERT_EQUAL(pppoe_if_down(F.peer_if, "interface down"), 1);
	CU_ASSERT_EQUAL(F.peer_if->pending->len, 0);
	teardown();
}

/* A batch's send (pppoe_send_batch): a frame the device refuses (ENOBUFS)
 * costs that frame, not the rest of the batch; EAGAIN ends it, counted. */
static struct {
	int calls;
	unsigned seen;          /* frames offered, first call's index order */
	int script[8];          /* per call: > 0 frames taken, < 0 -errno */
} fs;

static int batch_send(int fd, struct mmsghdr *msgs, unsigned n, int flags)
{
	int r = fs.script[fs.calls++];

	CU_ASSERT(flags & MSG_DONTWAIT);
	if (r < 0) {
		errno = -r;
		return -1;
	}
	return (unsigned)r > n ? (int)n : r;
}

static void test_send_batch_drops(void)
{
	struct mmsghdr msgs[10];
	unsigned dropped = 0;
	int err = 0;

	memset(&fs, 0, sizeof(fs));
	fs.script[0] = 3;               /* 3 sent */
	fs.script[1] = -ENOBUFS;        /* the 4th dropped by the device */
	fs.script[2] = -EINTR;          /* retried */
	fs.script[3] = 10;              /* the other 6 */
	CU_ASSERT_EQUAL(pppoe_send_batch(7, msgs, 10, batch_send, &dropped, &err), 9);
	CU_ASSERT_EQUAL(dropped, 1);
	CU_ASSERT_EQUAL(err, EINTR);
	CU_ASSERT_EQUAL(fs.calls, 4);

	memset(&fs, 0, sizeof(fs));
	fs.script[0] = 2;
	fs.script[1] = -EAGAIN;         /* socket full: the rest is lost */
	CU_ASSERT_EQUAL(pppoe_send_batch(7, msgs, 10, batch_send, &dropped, &err), 2);
	CU_ASSERT_EQUAL(dropped, 8);
	CU_ASSERT_EQUAL(err, EAGAIN);
	CU_ASSERT_EQUAL(fs.calls, 2);

	memset(&fs, 0, sizeof(fs));
	fs.script[0] = 10;
	CU_ASSERT_EQUAL(pppoe_send_batch(7, msgs, 10, batch_send, &dropped, &err), 10);
	CU_ASSERT_EQUAL(dropped, 0);
	CU_ASSERT_EQUAL(fs.calls, 1);
}

static const struct vpdn_test_case server_tests[] = {
	{"a frame the device refuses costs that frame, not the batch", test_send_batch_drops},
	{"interface down", test_interface_down},
	{"PADI -> PADO, no state", test_padi_pado_stateless},
	{"PADR -> PADS, session", test_padr_opens_session},
	{"PPP-Max-Payload, Relay-Session-Id", test_max_payload_and_relay},
	{"wrong cookie ignored", test_bad_cookie_ignored},
	{"cookie key rotation", test_cookie_rotation},
	{"PADT both ways, spoofed PADT", test_padt_both_ways},
	{"session limits", test_session_limits},
	{"PADI rate", test_padi_rate},
	{"service names", test_service_names},
	{"malformed, nobody answers", test_malformed_and_open_failure},
	{"client <-> server", test_client_server},
	{"client timeouts, errors", test_client_timeouts},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"pppoe-server", server_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
