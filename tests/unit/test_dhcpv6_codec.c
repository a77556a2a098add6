/* SPDX-License-Identifier: MIT */
/* lib/dhcpv6: RFC 8415 messages and options, vectors built by hand from
 * the RFC layouts (sections 8, 11, 21). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcpv6.h"
#include "vpdn_test.h"

/* SOLICIT xid 0x123456: Client ID DUID-LL (Ethernet 02:00:00:00:00:01),
 * Elapsed Time 0, ORO {23}, Rapid Commit, IA_PD IAID 1 T1 0 T2 0 with an
 * IAPREFIX hint ::/0, lifetimes 0 (RFC 8415 18.2.1). */
static const uint8_t solicit[] = {
	0x01, 0x12, 0x34, 0x56,
	0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x08, 0x00, 0x02, 0x00, 0x00,
	0x00, 0x06, 0x00, 0x02, 0x00, 0x17,
	0x00, 0x0e, 0x00, 0x00,
	0x00, 0x19, 0x00, 0x29, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,
	0x00, 0x1a, 0x00, 0x19, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* REPLY xid 0x123456: Client ID as above, Server ID DUID-LLT (Ethernet,
 * time 0x2b3c4d5e, 02:11:22:33:44:55), IA_PD IAID 1 T1 1800 T2 2880,
 * IAPREFIX preferred 3600 valid 7200 2001:db8:100::/56, Rapid Commit, DNS
 * 2001:db8::53. */
static const uint8_t reply[] = {
	0x07, 0x12, 0x34, 0x56,
	0x00, 0x01, 0x00, 0x0a, 0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x00, 0x02, 0x00, 0x0e, 0x00, 0x01, 0x00, 0x01, 0x2b, 0x3c, 0x4d, 0x5e,
	0x02, 0x11, 0x22, 0x33, 0x44, 0x55,
	0x00, 0x19, 0x00, 0x29, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x07, 0x08,
	0x00, 0x00, 0x0b, 0x40,
	0x00, 0x1a, 0x00, 0x19, 0x00, 0x00, 0x0e, 0x10, 0x00, 0x00, 0x1c, 0x20, 0x38,
	0x20, 0x01, 0x0d, 0xb8, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x0e, 0x00, 0x00,
	0x00, 0x17, 0x00, 0x10, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x53,
};

static const uint8_t mac1[6] = { 0x02, 0, 0, 0, 0, 0x01 };
static const uint8_t mac2[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

static void test_decode_solicit(void)
{
	struct dhcpv6_msg m;
	const char *why = "x";

	CU_ASSERT_EQUAL_FATAL(dhcpv6_decode(solicit, sizeof(solicit), &m, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL(m.type, DHCPV6_SOLICIT);
	CU_ASSERT_EQUAL(m.xid, 0x123456);
	CU_ASSERT_EQUAL(m.client_id.len, 10);
	CU_ASSERT_EQUAL(dhcpv6_duid_type(&m.client_id), DHCPV6_DUID_LL);
	CU_ASSERT_EQUAL(m.server_id.len, 0);
	CU_ASSERT(m.has_elapsed);
	CU_ASSERT_EQUAL(m.elapsed, 0);
	CU_ASSERT(m.rapid_commit);
	CU_ASSERT(dhcpv6_oro_has(&m, DHCPV6_OPT_DNS_SERVERS));
	CU_ASSERT(!dhcpv6_oro_has(&m, DHCPV6_OPT_IA_PD));
	CU_ASSERT_EQUAL_FATAL(m.n_ia_pd, 1);
	CU_ASSERT_EQUAL(m.ia_pd[0].iaid, 1);
	CU_ASSERT_EQUAL_FATAL(m.ia_pd[0].n_prefix, 1);
	CU_ASSERT_EQUAL(m.ia_pd[0].prefix[0].plen, 0);
	CU_ASSERT_EQUAL(m.n_unknown, 0);

	struct dhcpv6_duid d;
	CU_ASSERT_EQUAL(dhcpv6_duid_ll(&d, 1, mac1, 6), 0);
	CU_ASSERT(dhcpv6_duid_eq(&d, &m.client_id));
	char s[64];
	CU_ASSERT_STRING_EQUAL(dhcpv6_duid_format(&d, s, sizeof(s)), "00:03:00:01:02:00:00:00:00:01");
	CU_ASSERT_STRING_EQUAL(dhcpv6_duid_format(&d, s, 9), "00:03:00");
}

static void build_reply(struct dhcpv6_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = DHCPV6_REPLY;
	m->xid = 0x123456;
	dhcpv6_duid_ll(&m->client_id, 1, mac1, 6);
	dhcpv6_duid_llt(&m->server_id, 1, 0x2b3c4d5e, mac2, 6);
	m->n_ia_pd = 1;
	m->ia_pd[0].iaid = 1;
	m->ia_pd[0].t1 = 1800;
	m->ia_pd[0].t2 = 2880;
	m->ia_pd[0].n_prefix = 1;
	m->ia_pd[0].prefix[0].preferred = 3600;
	m->ia_pd[0].prefix[0].valid = 7200;
	m->ia_pd[0].prefix[0].plen = 56;
	inet_pton(AF_INET6, "2001:db8:100::", &m->ia_pd[0].prefix[0].prefix);
	m->rapid_commit = true;
	m->n_dns = 1;
	inet_pton(AF_INET6, "2001:db8::53", &m->dns[0]);
}

static void test_encode_reply(void)
{
	struct dhcpv6_msg m, d;
	uint8_t buf[512];

	build_reply(&m);
	ssize_t n = dhcpv6_encode(&m, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)sizeof(reply));
	CU_ASSERT(!memcmp(buf, reply, sizeof(reply)));
	/* and back */
	CU_ASSERT_EQUAL_FATAL(dhcpv6_decode(reply, sizeof(reply), &d, NULL), 0);
	CU_ASSERT_EQUAL(d.type, DHCPV6_REPLY);
	CU_ASSERT_EQUAL(dhcpv6_duid_type(&d.server_id), DHCPV6_DUID_LLT);
	CU_ASSERT_EQUAL(d.ia_pd[0].t1, 1800);
	CU_ASSERT_EQUAL(d.ia_pd[0].t2, 2880);
	CU_ASSERT_EQUAL(d.ia_pd[0].prefix[0].valid, 7200);
	CU_ASSERT_EQUAL(d.ia_pd[0].prefix[0].plen, 56);
	CU_ASSERT(!memcmp(&d.ia_pd[0].prefix[0].prefix, &m.ia_pd[0].prefix[0].prefix, 16));
	CU_ASSERT_EQUAL(d.n_dns, 1);
	/* every shorter buffer: -EMSGSIZE, never a write past it */
	for (size_t k = 0; k < sizeof(reply); k++) {
		uint8_t small[sizeof(reply) + 8];
		memset(small, 0xee, sizeof(small));
		CU_ASSERT_EQUAL(dhcpv6_encode(&m, small, k), -EMSGSIZE);
		CU_ASSERT_EQUAL(small[k], 0xee);
	}
}

static void test_status_and_en(void)
{
	/* ADVERTISE: Server ID DUID-EN (enterprise 0x0000abcd, id 0102),
	 * Status Code NoPrefixAvail "none" inside an IA_PD, Preference 255. */
	static const uint8_t adv[] = {
		0x02, 0x00, 0x00, 0x07,
		0x00, 0x02, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0xab, 0xcd, 0x01, 0x02,
		0x00, 0x19, 0x00, 0x16, 0x00, 0x00, 0x00, 0x09, 0, 0, 0, 0, 0, 0, 0, 0,
		0x00, 0x0d, 0x00, 0x06, 0x00, 0x06, 'n', 'o', 'n', 'e',
		0x00, 0x07, 0x00, 0x01, 0xff,
	};
	struct dhcpv6_msg m, e;
	uint8_t buf[256];
	struct dhcpv6_duid d;

	CU_ASSERT_EQUAL_FATAL(dhcpv6_decode(adv, sizeof(adv), &m, NULL), 0);
	CU_ASSERT_EQUAL(dhcpv6_duid_type(&m.server_id), DHCPV6_DUID_EN);
	CU_ASSERT_EQUAL(dhcpv6_duid_en(&d, 0xabcd, (const uint8_t *)"\x01\x02", 2), 0);
	CU_ASSERT(dhcpv6_duid_eq(&d, &m.server_id));
	CU_ASSERT(m.ia_pd[0].status.present);
	CU_ASSERT_EQUAL(m.ia_pd[0].status.code, DHCPV6_STATUS_NO_PREFIX_AVAIL);
	CU_ASSERT_EQUAL(m.ia_pd[0].status.msg_len, 4);
	CU_ASSERT(!memcmp(m.ia_pd[0].status.msg, "none", 4));
	CU_ASSERT(m.has_preference);
	CU_ASSERT_EQUAL(m.preference, 255);
	CU_ASSERT_STRING_EQUAL(dhcpv6_status_name(m.ia_pd[0].status.code), "NoPrefixAvail");

	memset(&e, 0, sizeof(e));
	e.type = DHCPV6_ADVERTISE;
	e.xid = 7;
	e.server_id = d;
	e.n_ia_pd = 1;
	e.ia_pd[0].iaid = 9;
	dhcpv6_status_set(&e.ia_pd[0].status, DHCPV6_STATUS_NO_PREFIX_AVAIL, "none");
	e.has_preference = true;
	e.preference = 255;
	ssize_t n = dhcpv6_encode(&e, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)sizeof(adv));
	CU_ASSERT(!memcmp(buf, adv, sizeof(adv)));
}

static void expect_bad(const uint8_t *b, size_t n, int err, const char *why_has)
{
	struct dhcpv6_msg m;
	const char *why = NULL;

	CU_ASSERT_EQUAL(dhcpv6_decode(b, n, &m, &why), err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(why);
	CU_ASSERT_PTR_NOT_NULL(strstr(why, why_has));
}

static void test_hostile(void)
{
	uint8_t b[600];

	expect_bad(solicit, 3, -EBADMSG, "header");
	/* every truncation of the Solicit inside an option is refused */
	for (size_t k = 5; k < sizeof(solicit); k++) {
		struct dhcpv6_msg m;
		int r = dhcpv6_decode(solicit, k, &m, NULL);
		/* cuts at an option boundary decode (fewer options) */
		bool boundary = k == 4 || k == 18 || k == 24 || k == 30 || k == 34;
		CU_ASSERT(boundary ? r == 0 : r == -EBADMSG);
	}
	/* option length past the message */
	memcpy(b, solicit, sizeof(solicit));
	b[7] = 0xff;
	expect_bad(b, sizeof(solicit), -EBADMSG, "overruns");
	/* IAPREFIX overrunning its IA_PD (IA_PD length cut by one) */
	memcpy(b, solicit, sizeof(solicit));
	b[37] = 0x28;
	expect_bad(b, sizeof(solicit) - 1, -EBADMSG, "overruns");
	/* prefix length 129 */
	memcpy(b, solicit, sizeof(solicit));
	b[62] = 129;
	expect_bad(b, sizeof(solicit), -EBADMSG, "past 128");
	/* duplicate Client ID */
	memcpy(b, solicit, sizeof(solicit));
	memcpy(b + sizeof(solicit), solicit + 4, 14);
	expect_bad(b, sizeof(solicit) + 14, -EBADMSG, "duplicate Client");
	/* Client ID of 2 octets, and of 131 */
	static const uint8_t c2[] = { 1, 0, 0, 1, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03 };
	expect_bad(c2, sizeof(c2), -EBADMSG, "3..130");
	memset(b, 0, sizeof(b));
	b[0] = 1; b[5] = 1; b[7] = 131;
	expect_bad(b, 4 + 4 + 131, -EBADMSG, "3..130");
	/* Elapsed Time of 3 octets, Rapid Commit with a value, odd ORO, DNS 15 */
	static const uint8_t el[] = { 1, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0 };
	expect_bad(el, sizeof(el), -EBADMSG, "Elapsed");
	static const uint8_t rc[] = { 1, 0, 0, 1, 0, 14, 0, 1, 0 };
	expect_bad(rc, sizeof(rc), -EBADMSG, "Rapid");
	static const uint8_t oro[] = { 1, 0, 0, 1, 0, 6, 0, 3, 0, 23, 0 };
	expect_bad(oro, sizeof(oro), -EBADMSG, "odd");
	memset(b, 0, sizeof(b));
	b[0] = 7; b[5] = 23; b[7] = 15;
	expect_bad(b, 4 + 4 + 15, -EBADMSG, "multiple of 16");
	/* IA_PD of 11 octets, IAPREFIX of 24, Status Code of 1 */
	memset(b, 0, sizeof(b));
	b[0] = 1; b[5] = 25; b[7] = 11;
	expect_bad(b, 4 + 4 + 11, -EBADMSG, "IA_PD shorter");
	memset(b, 0, sizeof(b));
	b[0] = 1; b[5] = 25; b[7] = 12 + 4 + 24; b[4 + 4 + 12 + 1] = 26; b[4 + 4 + 12 + 3] = 24;
	expect_bad(b, 4 + 4 + 12 + 4 + 24, -EBADMSG, "IAPREFIX shorter");
	static const uint8_t st[] = { 7, 0, 0, 1, 0, 13, 0, 1, 0 };
	expect_bad(st, sizeof(st), -EBADMSG, "Status Code shorter");
	/* five IA_PDs (bound 4), and two with one IAID */
	memset(b, 0, sizeof(b));
	b[0] = 1;
	for (int i = 0; i < 5; i++) {
		uint8_t *o = b + 4 + 16 * i;
		o[1] = 25; o[3] = 12; o[7] = (uint8_t)i;
	}
	expect_bad(b, 4 + 16 * 5, -E2BIG, "too many IA_PD");
	b[4 + 16 + 7] = 0;
	expect_bad(b, 4 + 16 * 2, -EBADMSG, "one IAID");
	/* five IAPREFIXes in one IA_PD */
	memset(b, 0, sizeof(b));
	b[0] = 1; b[5] = 25; b[6] = 0; b[7] = 12 + 5 * 29;
	for (int i = 0; i < 5; i++) {
		uint8_t *o = b + 4 + 4 + 12 + 29 * i;
		o[1] = 26; o[3] = 25;
	}
	expect_bad(b, 4 + 4 + 12 + 5 * 29, -E2BIG, "too many IAPREFIX");
	/* relay messages */
	static const uint8_t relay[] = { 12, 0, 0, 0 };
	expect_bad(relay, sizeof(relay), -EPROTO, "relay");
	/* unknown options are skipped and counted; IA_NA noted */
	static const uint8_t unk[] = { 11, 0, 0, 1, 0x12, 0x34, 0, 1, 0xaa, 0, 3, 0, 0 };
	struct dhcpv6_msg m;
	CU_ASSERT_EQUAL(dhcpv6_decode(unk, sizeof(unk), &m, NULL), 0);
	CU_ASSERT_EQUAL(m.n_unknown, 1);
	CU_ASSERT_EQUAL(m.n_ia_na, 1);
	CU_ASSERT_EQUAL(m.type, DHCPV6_INFORMATION_REQUEST);
	CU_ASSERT_STRING_EQUAL(dhcpv6_msg_type_name(m.type), "INFORMATION-REQUEST");
	/* a long status message is truncated, not refused */
	memset(b, 'a', sizeof(b));
	b[0] = 7; b[1] = b[2] = b[3] = 0; b[4] = 0; b[5] = 13; b[6] = 0; b[7] = 202; b[8] = 0; b[9] = 0;
	CU_ASSERT_EQUAL(dhcpv6_decode(b, 4 + 4 + 202, &m, NULL), 0);
	CU_ASSERT_EQUAL(m.status.msg_len, DHCPV6_STATUS_MSG_MAX);
}

static void test_duid_bounds(void)
{
	struct dhcpv6_duid d;
	uint8_t big[200] = { 0 };

	CU_ASSERT_EQUAL(dhcpv6_duid_ll(&d, 1, big, 126), 0);
	CU_ASSERT_EQUAL(d.len, 130);
	CU_ASSERT_EQUAL(dhcpv6_duid_ll(&d, 1, big, 127), -EINVAL);
	CU_ASSERT_EQUAL(dhcpv6_duid_ll(&d, 1, big, 0), -EINVAL);
	CU_ASSERT_EQUAL(dhcpv6_duid_en(&d, 1, big, 125), -EINVAL);
}

static const struct vpdn_test_case tests[] = {
	{ "decode Solicit (hand-built)", test_decode_solicit },
	{ "encode Reply byte for byte", test_encode_reply },
	{ "Advertise with DUID-EN and status", test_status_and_en },
	{ "hostile input refused", test_hostile },
	{ "DUID bounds", test_duid_bounds },
	{ NULL, NULL },
};
static const struct vpdn_test_suite suites[] = {
	{ "dhcpv6-codec", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};
VPDN_TEST_MAIN(suites)
