/* SPDX-License-Identifier: MIT */
/* lib/pppoe: RFC 2516 discovery codec, session header, hand-built vectors. */
#include <errno.h>
#include <string.h>

#include "pppoe.h"
#include "vpdn_test.h"

/* PADI: any service, Host-Uniq de ad be ef, 4 octets of Ethernet padding. */
static const uint8_t padi[] = {
	0x11, 0x09, 0x00, 0x00, 0x00, 0x0c,
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x03, 0x00, 0x04, 0xde, 0xad, 0xbe, 0xef,
	0x00, 0x00, 0x00, 0x00,
};

/* PADO: AC-Name "ac1", Service-Names "" and "internet", AC-Cookie 01 02,
 * PPP-Max-Payload 1500, one unknown tag 0x0999 of 1 octet. */
static const uint8_t pado[] = {
	0x11, 0x07, 0x00, 0x00, 0x00, 0x28,
	0x01, 0x02, 0x00, 0x03, 'a', 'c', '1',
	0x01, 0x01, 0x00, 0x00,
	0x01, 0x01, 0x00, 0x08, 'i', 'n', 't', 'e', 'r', 'n', 'e', 't',
	0x01, 0x04, 0x00, 0x02, 0x01, 0x02,
	0x01, 0x20, 0x00, 0x02, 0x05, 0xdc,
	0x09, 0x99, 0x00, 0x01, 0x42,
};

static void test_decode_padi(void)
{
	struct pppoe_disc d;
	const char *why = "x";

	CU_ASSERT_EQUAL(pppoe_disc_decode(padi, sizeof(padi), &d, &why), 0);
	CU_ASSERT_PTR_NULL(why);
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADI);
	CU_ASSERT_EQUAL(d.session_id, 0);
	CU_ASSERT_EQUAL(d.length, 12);
	CU_ASSERT_EQUAL(d.n_service_names, 1);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.service_names[0], ""));
	CU_ASSERT_TRUE(d.host_uniq.present);
	CU_ASSERT_EQUAL(d.host_uniq.len, 4);
	CU_ASSERT_EQUAL(memcmp(d.host_uniq.data, "\xde\xad\xbe\xef", 4), 0);
	CU_ASSERT_FALSE(d.ac_cookie.present);
	CU_ASSERT_FALSE(d.has_max_payload);
}

static void test_decode_pado(void)
{
	struct pppoe_disc d;
	char line[256];

	CU_ASSERT_EQUAL(pppoe_disc_decode(pado, sizeof(pado), &d, NULL), 0);
	CU_ASSERT_EQUAL(d.code, PPPOE_CODE_PADO);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.ac_name, "ac1"));
	CU_ASSERT_EQUAL(d.n_service_names, 2);
	CU_ASSERT_TRUE(pppoe_blob_eq(&d.service_names[1], "internet"));
	CU_ASSERT_EQUAL(d.ac_cookie.len, 2);
	CU_ASSERT_TRUE(d.has_max_payload);
	CU_ASSERT_EQUAL(d.max_payload, 1500);
	CU_ASSERT_EQUAL(d.unknown_tags, 1);
	pppoe_disc_format(&d, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "PADO sid 0 Service-Name \"\" Service-Name \"internet\" "
			       "AC-Name \"ac1\" AC-Cookie 2 octets PPP-Max-Payload 1500 "
			       "(1 unknown tags)");
}

/* Each mutation of a good packet must be refused with the errno given. */
static void expect(const uint8_t *pkt, size_t len, int err, const char *reason)
{
	struct pppoe_disc d;
	const char *why = NULL;
	int r = pppoe_disc_decode(pkt, len, &d, &why);

	CU_ASSERT_EQUAL(r, err);
	if (r != err)
		fprintf(stderr, "want %d got %d (%s) for %s\n", err, r, why ? why : "-", reason);
	if (err)
		CU_ASSERT_PTR_NOT_NULL(why);
}

static void test_strict_lengths(void)
{
	uint8_t b[sizeof(pado)];

	for (size_t n = 0; n < PPPOE_HLEN; n++)
		expect(padi, n, -EBADMSG, "short header");
	/* length field beyond the frame: every truncation of the PADO */
	for (size_t n = PPPOE_HLEN; n < sizeof(pado); n++)
		expect(pado, n, -EBADMSG, "truncated");
	/* a tag's length beyond the header's length */
	memcpy(b, pado, sizeof(b));
	b[9] = 0x30;  /* AC-Name length 48 */
	expect(b, sizeof(b), -EBADMSG, "tag beyond");
	/* header length cutting a tag header in half */
	memcpy(b, pado, sizeof(b));
	b[5] = 9;     /* 7 octets of AC-Name + 2 of the next tag header */
	expect(b, sizeof(b), -EBADMSG, "half tag header");
	/* PPP-Max-Payload of 3 octets */
	uint8_t mp[] = { 0x11, 0x09, 0, 0, 0, 11, 0x01, 0x01, 0, 0, 0x01, 0x20, 0, 3, 5, 0xdc, 0 };
	expect(mp, sizeof(mp), -EPROTO, "max payload len");
}

static void test_protocol_rules(void)
{
	uint8_t b[sizeof(padi)];

	memcpy(b, padi, sizeof(b));
	b[0] = 0x21;
	expect(b, sizeof(b), -EPROTO, "version 2");
	memcpy(b, padi, sizeof(b));
	b[1] = 0x55;
	expect(b, sizeof(b), -EPROTO, "unknown code");
	memcpy(b, padi, sizeof(b));
	b[1] = PPPOE_CODE_SESSION;
	expect(b, sizeof(b), -EPROTO, "session code on discovery");
	memcpy(b, padi, sizeof(b));
	b[3] = 1;
	expect(b, sizeof(b), -EPROTO, "PADI with a session id");
	memcpy(b, padi, sizeof(b));
	b[1] = PPPOE_CODE_PADT;
	expect(b, sizeof(b), -EPROTO, "PADT session 0");
	b[3] = 7;
	expect(b, sizeof(b), 0, "PADT session 7");
	/* PADI without Service-Name: Host-Uniq only */
	uint8_t nosn[] = { 0x11, 0x09, 0, 0, 0, 8, 0x01, 0x03, 0, 4, 1, 2, 3, 4 };
	expect(nosn, sizeof(nosn), -EPROTO, "no service name");
	/* two Host-Uniq */
	uint8_t two[] = { 0x11, 0x19, 0, 0, 0, 14, 0x01, 0x01, 0, 0, 0x01, 0x03, 0, 1, 1,
			  0x01, 0x03, 0, 1, 2 };
	expect(two, sizeof(two), -EPROTO, "two host-uniq");
	/* PADO without AC-Name */
	uint8_t noac[] = { 0x11, 0x07, 0, 0, 0, 4, 0x01, 0x01, 0, 0 };
	expect(noac, sizeof(noac), -EPROTO, "PADO no AC-Name");
	/* End-Of-List ends the tags: garbage after it is not parsed */
	uint8_t eol[] = { 0x11, 0x09, 0, 0, 0, 10, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	expect(eol, sizeof(eol), 0, "end of list");
	/* a PADI over 1484 octets */
	static uint8_t big[1500];
	memset(big, 0, sizeof(big));
	big[0] = 0x11; big[1] = 0x09;
	big[4] = (1479 >> 8); big[5] = 1479 & 0xff;   /* 6 + 1479 = 1485 */
	big[6] = 0x01; big[7] = 0x01;                   /* Service-Name "" */
	big[10] = 0x01; big[11] = 0x05;                 /* Vendor-Specific */
	big[12] = (1471 >> 8); big[13] = 1471 & 0xff;
	expect(big, 1485, -EMSGSIZE, "PADI 1485");
	big[5] = 1478 & 0xff; big[13] = 1470 & 0xff;
	expect(big, 1484, 0, "PADI 1484");
}

static void test_build_roundtrip(void)
{
	uint8_t buf[128];
	struct pppoe_builder b;
	struct pppoe_disc d;
	struct pppoe_blob hu = { true, 4, (const uint8_t *)"\xde\xad\xbe\xef" };

	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADI, 0);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	pppoe_build_blob(&b, PPPOE_TAG_HOST_UNIQ, &hu);
	pppoe_build_blob(&b, PPPOE_TAG_AC_COOKIE, &(struct pppoe_blob){ 0 }); /* absent */
	int n = pppoe_build_end(&b);
	CU_ASSERT_EQUAL(n, 18);
	CU_ASSERT_EQUAL(memcmp(buf, padi, 18), 0);

	pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADS, 0x1234);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, "x", 1);
	pppoe_build_u16(&b, PPPOE_TAG_PPP_MAX_PAYLOAD, 1500);
	n = pppoe_build_end(&b);
	CU_ASSERT_EQUAL(n, 6 + 5 + 6);
	CU_ASSERT_EQUAL(pppoe_disc_decode(buf, (size_t)n, &d, NULL), 0);
	CU_ASSERT_EQUAL(d.session_id, 0x1234);
	CU_ASSERT_EQUAL(d.max_payload, 1500);

	/* overflow sticks */
	pppoe_build_begin(&b, buf, 20, PPPOE_CODE_PADO, 0);
	pppoe_build_tag(&b, PPPOE_TAG_AC_NAME, "0123456789", 10);
	pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
	CU_ASSERT_EQUAL(pppoe_build_end(&b), -EMSGSIZE);
	pppoe_build_begin(&b, buf, 4, PPPOE_CODE_PADO, 0);
	CU_ASSERT_EQUAL(pppoe_build_end(&b), -EMSGSIZE);
}

static void test_session(void)
{
	uint8_t pkt[] = { 0x11, 0x00, 0x00, 0x05, 0x00, 0x04, 0xc0, 0x21, 0x09, 0x01, 0, 0 };
	uint16_t sid;
	const uint8_t *p;
	size_t n;
	const char *why;

	CU_ASSERT_EQUAL(pppoe_session_decode(pkt, sizeof(pkt), &sid, &p, &n, &why), 0);
	CU_ASSERT_EQUAL(sid, 5);
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_PTR_EQUAL(p, pkt + 6);
	pkt[5] = 1;
	CU_ASSERT_EQUAL(pppoe_session_decode(pkt, sizeof(pkt), &sid, &p, &n, &why), -EBADMSG);
	pkt[5] = 7;
	CU_ASSERT_EQUAL(pppoe_session_decode(pkt, sizeof(pkt), &sid, &p, &n, &why), -EBADMSG);
	pkt[5] = 4;
	pkt[1] = 0x09;
	CU_ASSERT_EQUAL(pppoe_session_decode(pkt, sizeof(pkt), &sid, &p, &n, &why), -EPROTO);
	uint8_t h[6];
	pppoe_session_header(h, 0xabcd, 300);
	CU_ASSERT_EQUAL(memcmp(h, "\x11\x00\xab\xcd\x01\x2c", 6), 0);
}

static void test_names_macs(void)
{
	char buf[32];
	const uint8_t m[6] = { 0x02, 0, 0, 0, 0, 0x0a };

	CU_ASSERT_STRING_EQUAL(pppoe_code_name(PPPOE_CODE_PADR), "PADR");
	CU_ASSERT_STRING_EQUAL(pppoe_code_name(0x42), "unknown");
	CU_ASSERT_STRING_EQUAL(pppoe_tag_name(PPPOE_TAG_AC_SYSTEM_ERROR), "AC-System-Error");
	CU_ASSERT_STRING_EQUAL(pppoe_mac_format(m, buf, sizeof(buf)), "02:00:00:00:00:0a");
	CU_ASSERT_TRUE(pppoe_mac_is_unicast(m));
	CU_ASSERT_FALSE(pppoe_mac_is_unicast((const uint8_t *)"\xff\xff\xff\xff\xff\xff"));
	CU_ASSERT_FALSE(pppoe_mac_is_unicast((const uint8_t *)"\0\0\0\0\0\0"));
	uint8_t e[14];
	pppoe_eth_header(e, m, m, PPPOE_ETH_P_DISC);
	CU_ASSERT_EQUAL(e[12], 0x88);
	CU_ASSERT_EQUAL(e[13], 0x63);
	/* printable escaping in the log line */
	struct pppoe_disc d = { .code = PPPOE_CODE_PADS, .session_id = 1 };
	d.generic_error = (struct pppoe_blob){ true, 3, (const uint8_t *)"a\n\"" };
	char line[128];
	pppoe_disc_format(&d, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "PADS sid 1 Generic-Error \"a\\x0a\\x22\"");
}

static const struct vpdn_test_case codec_tests[] = {
	{"decode PADI", test_decode_padi},
	{"decode PADO", test_decode_pado},
	{"strict lengths", test_strict_lengths},
	{"protocol rules", test_protocol_rules},
	{"build round trip", test_build_roundtrip},
	{"session header", test_session},
	{"names, MACs, log line", test_names_macs},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"pppoe-codec", codec_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
