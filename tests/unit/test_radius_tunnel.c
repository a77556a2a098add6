/* SPDX-License-Identifier: MIT */
/*
 * modules/auth-radius/tunnel.c: RFC 2868 Tunnel-* sets of an
 * Access-Accept into TUNNEL_AUTHORIZE endpoints: tags, preference order,
 * the salt-encrypted Tunnel-Password decrypted, and hostile answers
 * (endpoint not an address, no Tunnel-Type, attribute twice, a password
 * that does not decrypt, 31 tags) refused or bounded.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include <vpdnd/core.h>

#include "tunnel.h"
#include "vpdn_test.h"

#define SECRET "s3cret"

static const uint8_t req_auth[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
static struct radius_pkt P;

static void start(void)
{
	radius_pkt_init(&P, RADIUS_ACCESS_ACCEPT, 7, req_auth);
}

static void add_set(uint8_t tag, uint32_t type, const char *endpoint, int pref, const char *pw)
{
	if (type)
		CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, tag, type), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_MEDIUM_TYPE, tag, 1), 0);
	if (endpoint)
		CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, tag, endpoint,
						  strlen(endpoint)), 0);
	if (pref >= 0)
		CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_PREFERENCE, tag,
						      (uint32_t)pref), 0);
	if (pw)
		CU_ASSERT_EQUAL(radius_add_tunnel_password(&P, tag, (uint8_t[]){ 0x80 | tag, tag },
							   pw, strlen(pw), req_auth, SECRET,
							   strlen(SECRET)), 0);
}

static int parse(struct radius_tunnels *t, const char *secret)
{
	struct radius_view v;

	CU_ASSERT_EQUAL_FATAL(radius_finish_response(&P, req_auth, SECRET, strlen(SECRET)), 0);
	CU_ASSERT_EQUAL_FATAL(radius_parse(P.buf, P.len, &v), 0);
	return radius_tunnels_parse(&v, req_auth, (const uint8_t *)secret, strlen(secret), t);
}

static void test_two_tags_by_preference(void)
{
	struct radius_tunnels t;

	start();
	/* tag 1 less preferred than tag 2, given first */
	add_set(1, 3, "18.18.18.99", 20, "l2tptunnel");
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_ASSIGNMENT_ID, 1, "pool", 4), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_CLIENT_AUTH_ID, 1, "LAC", 3), 0);
	add_set(2, 3, "18.18.18.2", 10, "l2tptunnel");
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_AUTH_ID, 2, "LNS", 3), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 2);
	CU_ASSERT_EQUAL(t.seen, 2);
	CU_ASSERT_EQUAL(t.refused, 0);
	CU_ASSERT_EQUAL(t.ep[0].tag, 2);
	CU_ASSERT_STRING_EQUAL(t.ep[0].text, "18.18.18.2");
	CU_ASSERT_EQUAL(t.ep[0].preference, 10);
	CU_ASSERT_EQUAL(t.ep[0].addr.ss_family, AF_INET);
	CU_ASSERT_STRING_EQUAL(t.ep[0].server_auth_id, "LNS");
	CU_ASSERT_PTR_NULL(t.ep[0].client_auth_id);
	CU_ASSERT_EQUAL(t.ep[1].tag, 1);
	CU_ASSERT_EQUAL(t.ep[1].preference, 20);
	CU_ASSERT_STRING_EQUAL(t.ep[1].assignment_id, "pool");
	CU_ASSERT_STRING_EQUAL(t.ep[1].client_auth_id, "LAC");
	/* the salt-encrypted password, decrypted */
	CU_ASSERT_STRING_EQUAL(t.ep[0].password, "l2tptunnel");
	CU_ASSERT_STRING_EQUAL(t.ep[1].password, "l2tptunnel");
	radius_tunnels_clear(&t);
	CU_ASSERT_EQUAL(t.password[0][0], 0);
}

static void test_untagged_and_ipv6(void)
{
	struct radius_tunnels t;

	start();
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 0, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_MEDIUM_TYPE, 0, 2), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 0, "2001:db8::2", 11), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 1);
	CU_ASSERT_EQUAL(t.ep[0].tag, 0);
	CU_ASSERT_EQUAL(t.ep[0].addr.ss_family, AF_INET6);
	CU_ASSERT_PTR_NULL(t.ep[0].password);
	/* no Tunnel-* at all: nothing seen, nothing refused */
	start();
	CU_ASSERT_EQUAL(radius_add_str(&P, RADIUS_REPLY_MESSAGE, "hello"), 0);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 0);
	CU_ASSERT_EQUAL(t.seen, 0);
	CU_ASSERT_EQUAL(t.refused, 0);
}

static void test_hostile_sets_refused(void)
{
	struct radius_tunnels t;

	start();
	add_set(1, 3, "lns.example.com", 1, NULL);         /* a name: no lookups */
	add_set(2, 0, "18.18.18.2", 1, NULL);              /* no Tunnel-Type */
	add_set(3, 1, "18.18.18.3", 1, NULL);              /* PPTP, not L2TP */
	add_set(4, 3, NULL, 1, NULL);                      /* no endpoint */
	add_set(5, 3, "18.18.18.5", 1, NULL);              /* endpoint twice */
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 5, "18.18.18.6", 10), 0);
	add_set(6, 3, "18.18.18.7\0x", 1, NULL);           /* (strlen stops at NUL) */
	add_set(7, 3, "18.18.18.8", 5, NULL);              /* the one good set */
	CU_ASSERT_EQUAL(parse(&t, SECRET), 2);
	CU_ASSERT_EQUAL(t.seen, 7);
	CU_ASSERT_EQUAL(t.refused, 5);
	CU_ASSERT_STRING_EQUAL(t.why, "tag 1: Tunnel-Server-Endpoint is not an address");
	CU_ASSERT_EQUAL(t.ep[0].tag, 6);
	CU_ASSERT_EQUAL(t.ep[1].tag, 7);
	/* an endpoint with a NUL inside, an IPv6 text under medium IPv4 */
	start();
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&P, RADIUS_TUNNEL_TYPE, 1, 3), 0);
	CU_ASSERT_EQUAL(radius_add_tagged(&P, RADIUS_TUNNEL_SERVER_ENDPOINT, 1, "1.2.3.4\0", 8), 0);
	add_set(2, 3, "2001:db8::1", 1, NULL);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 0);
	CU_ASSERT_EQUAL(t.refused, 2);
	/* a Tunnel-Password that does not decrypt with our secret (its
	 * length byte comes out wrong) refuses its set */
	start();
	add_set(1, 3, "18.18.18.2", 1, "l2tptunnel");
	CU_ASSERT_EQUAL(parse(&t, "another-secret"), 0);
	CU_ASSERT_EQUAL(t.refused, 1);
	CU_ASSERT_STRING_EQUAL(t.why, "tag 1: Tunnel-Password does not decrypt");
	/* a Tunnel-Type of a wrong length */
	start();
	CU_ASSERT_EQUAL(radius_add(&P, RADIUS_TUNNEL_TYPE, "\x01\x00\x03", 3), 0);
	add_set(2, 3, "18.18.18.2", 1, NULL);
	CU_ASSERT_EQUAL(parse(&t, SECRET), 1);
	CU_ASSERT_EQUAL(t.refused, 1);
}

static void test_many_tags_bounded(void)
{
	struct radius_tunnels t;
	char ip[32];

	start();
	/* 31 tags (all there are), preference falling: the 8 best kept */
	for (unsigned tag = 1; tag <= 31; tag++) {
		g_snprintf(ip, sizeof(ip), "10.0.0.%u", tag);
		add_set((uint8_t)tag, 3, ip, (int)(100 - tag), NULL);
	}
	CU_ASSERT_EQUAL(parse(&t, SECRET), VPDN_TUNNEL_ENDPOINTS_MAX);
	CU_ASSERT_EQUAL(t.seen, 31);
	CU_ASSERT_EQUAL(t.dropped, 31 - VPDN_TUNNEL_ENDPOINTS_MAX);
	CU_ASSERT_EQUAL(t.ep[0].tag, 31);
	CU_ASSERT_STRING_EQUAL(t.ep[0].text, "10.0.0.31");
	CU_ASSERT_EQUAL(t.ep[VPDN_TUNNEL_ENDPOINTS_MAX - 1].tag, 31 - VPDN_TUNNEL_ENDPOINTS_MAX + 1);
	for (unsigned i = 1; i < t.n; i++)
		CU_ASSERT(t.ep[i - 1].preference <= t.ep[i].preference);
}

static const struct vpdn_test_case tests[] = {
	{ "two tags: sorted by Tunnel-Preference, password decrypted, ids", test_two_tags_by_preference },
	{ "untagged IPv6 set; no Tunnel-* at all", test_untagged_and_ipv6 },
	{ "hostile sets refused with a reason", test_hostile_sets_refused },
	{ "31 tags: the 8 best kept, the rest counted", test_many_tags_bounded },
	{ NULL, NULL }
};

static const struct vpdn_test_suite suites[] = {
	{ "radius-tunnel", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL }
};

VPDN_TEST_MAIN(suites)
