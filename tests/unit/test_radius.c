/* SPDX-License-Identifier: MIT */
/* lib/radius: the RADIUS wire codec. Vectors from RFC 2865 §7 and, where
 * the RFCs give none, computed independently (Python hashlib/hmac). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "radius.h"
#include "vpdn_test.h"

static void hex2bin(const char *hex, uint8_t *out, size_t *len)
{
	size_t n = 0;

	while (hex[0] && hex[1]) {
		if (hex[0] == ' ') {
			hex++;
			continue;
		}
		unsigned v;
		sscanf(hex, "%2x", &v);
		out[n++] = (uint8_t)v;
		hex += 2;
	}
	*len = n;
}

/* RFC 2865 §7.1: NAS 192.168.1.16 sends an Access-Request for "nemo",
 * password "arctangent", secret "xyzzy5461". */
static const char *rfc_7_1_req =
	"01 00 00 38 0f 40 3f 94 73 97 80 57 bd 83 d5 cb 98 f4 22 7a"
	"01 06 6e 65 6d 6f 02 12 0d be 70 8d 93 d4 13 ce 31 96 e4 3f"
	"78 2a 0a ee 04 06 c0 a8 01 10 05 06 00 00 00 03";
static const char *rfc_7_1_resp =
	"02 00 00 26 86 fe 22 0e 76 24 ba 2a 10 05 f6 bf 9b 55 e0 b2"
	"06 06 00 00 00 01 0f 06 00 00 00 00 0e 06 c0 a8 01 03";
/* RFC 2865 §7.2: CHAP Access-Request for "flopsy" (secret not given). */
static const char *rfc_7_2_req =
	"01 01 00 47 2a ee 86 f0 8d 0d 55 96 9c a5 97 8e 0d 33 67 a2"
	"01 08 66 6c 6f 70 73 79 03 13 16 e9 75 57 c3 16 18 58 95 f2"
	"93 ff 63 44 07 72 75 04 06 c0 a8 01 10 05 06 00 00 00 14 06"
	"06 00 00 00 02 07 06 00 00 00 01";

static const char *secret = "xyzzy5461";

static void test_rfc2865_7_1_build(void)
{
	uint8_t want[128], ra[16];
	size_t wlen;
	struct radius_pkt p;

	hex2bin(rfc_7_1_req, want, &wlen);
	memcpy(ra, want + 4, 16);
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 0, ra);
	CU_ASSERT_EQUAL(radius_add_str(&p, RADIUS_USER_NAME, "nemo"), 0);
	CU_ASSERT_EQUAL(radius_add_user_password(&p, "arctangent", 10, secret, strlen(secret)), 0);
	CU_ASSERT_EQUAL(radius_add_ipv4(&p, RADIUS_NAS_IP_ADDRESS, inet_addr("192.168.1.16")), 0);
	CU_ASSERT_EQUAL(radius_add_u32(&p, RADIUS_NAS_PORT, 3), 0);
	CU_ASSERT_EQUAL(radius_finish_request(&p, secret, strlen(secret)), 0);
	CU_ASSERT_EQUAL(p.len, wlen);
	CU_ASSERT(memcmp(p.buf, want, wlen) == 0);
}

static void test_rfc2865_7_1_parse(void)
{
	uint8_t req[128], resp[128];
	size_t rlen, plen;
	struct radius_view v, r;
	struct radius_attr a;
	char pw[200];
	uint32_t u;

	hex2bin(rfc_7_1_req, req, &rlen);
	hex2bin(rfc_7_1_resp, resp, &plen);
	CU_ASSERT_EQUAL_FATAL(radius_parse(req, rlen, &v), 0);
	CU_ASSERT_EQUAL(v.code, RADIUS_ACCESS_REQUEST);
	CU_ASSERT_EQUAL(v.n_attrs, 4);
	CU_ASSERT_FATAL(radius_find(&v, RADIUS_USER_PASSWORD, &a));
	CU_ASSERT_EQUAL(radius_user_password_decode(&a, v.auth, secret, strlen(secret), pw, sizeof(pw)), 10);
	CU_ASSERT_STRING_EQUAL(pw, "arctangent");
	CU_ASSERT_FATAL(radius_find(&v, RADIUS_NAS_PORT, &a));
	CU_ASSERT_EQUAL(radius_attr_u32(&a, &u), 0);
	CU_ASSERT_EQUAL(u, 3);

	CU_ASSERT_EQUAL_FATAL(radius_parse(resp, plen, &r), 0);
	CU_ASSERT_EQUAL(r.code, RADIUS_ACCESS_ACCEPT);
	CU_ASSERT_EQUAL(r.n_attrs, 3);
	/* the RFC's answer has no Message-Authenticator */
	CU_ASSERT_EQUAL(radius_verify_response(&r, v.auth, secret, strlen(secret), false), 0);
	CU_ASSERT_EQUAL(radius_verify_response(&r, v.auth, secret, strlen(secret), true), -ENOMSG);
	CU_ASSERT_EQUAL(radius_verify_response(&r, v.auth, "wrong", 5, false), -EPERM);
	resp[plen - 1] ^= 1;   /* Login-IP-Host changed in flight */
	CU_ASSERT_EQUAL_FATAL(radius_parse(resp, plen, &r), 0);
	CU_ASSERT_EQUAL(radius_verify_response(&r, v.auth, secret, strlen(secret), false), -EPERM);
}

static void test_rfc2865_7_2_parse(void)
{
	uint8_t req[128];
	size_t len;
	struct radius_view v;
	struct radius_attr a;
	size_t pos = 0;
	unsigned n = 0;
	uint8_t types[8];

	hex2bin(rfc_7_2_req, req, &len);
	CU_ASSERT_EQUAL(len, 0x47);
	CU_ASSERT_EQUAL_FATAL(radius_parse(req, len, &v), 0);
	CU_ASSERT_EQUAL(v.id, 1);
	while (radius_next(&v, &pos, &a) && n < 8)
		types[n++] = a.type;
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(types[0], RADIUS_USER_NAME);
	CU_ASSERT_EQUAL(types[1], RADIUS_CHAP_PASSWORD);
	CU_ASSERT(radius_find(&v, RADIUS_CHAP_PASSWORD, &a));
	CU_ASSERT_EQUAL(a.len, 17);  /* CHAP ident + 16-octet response */
	CU_ASSERT_EQUAL(a.val[0], 0x16);
}

static void test_message_authenticator(void)
{
	uint8_t ra[16], want[16];
	size_t wl;
	struct radius_pkt p;
	struct radius_view v;

	for (int i = 0; i < 16; i++)
		ra[i] = (uint8_t)i;
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7, ra);
	radius_add_str(&p, RADIUS_USER_NAME, "bob");
	CU_ASSERT_EQUAL(radius_add_message_authenticator(&p), 0);
	CU_ASSERT_EQUAL(radius_add_message_authenticator(&p), -EINVAL);
	radius_finish_request(&p, "testing123", 10);
	hex2bin("dd834e5ec2f36bdb0554cf80852ee847", want, &wl);
	CU_ASSERT(memcmp(p.buf + p.ma_off, want, 16) == 0);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_EQUAL(radius_verify_request(&v, "testing123", 10, true), 0);
	CU_ASSERT_EQUAL(radius_verify_request(&v, "testing124", 10, true), -EPERM);
}

/* The HMAC key states are kept per secret (lib/radius caches the last
 * few): the same vector after other secrets have evicted "testing123"'s
 * slot, with secrets differing only in length, and with a secret too
 * long for a slot. */
static void test_message_authenticator_key_cache(void)
{
	uint8_t ra[16], want[16], want_long[16];
	size_t wl;
	struct radius_pkt p;
	struct radius_view v;
	char other[200];

	for (int i = 0; i < 16; i++)
		ra[i] = (uint8_t)i;
	hex2bin("dd834e5ec2f36bdb0554cf80852ee847", want, &wl);
	hex2bin("40fa131866f1762154626182b5a7d74b", want_long, &wl);
	for (int round = 0; round < 3; round++) {
		radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7, ra);
		radius_add_str(&p, RADIUS_USER_NAME, "bob");
		radius_add_message_authenticator(&p);
		radius_finish_request(&p, "testing123", 10);
		CU_ASSERT(memcmp(p.buf + p.ma_off, want, 16) == 0);
		CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
		/* a prefix of the secret is another key */
		CU_ASSERT_EQUAL(radius_verify_request(&v, "testing123", 9, true), -EPERM);
		CU_ASSERT_EQUAL(radius_verify_request(&v, "", 0, true), -EPERM);
		for (int k = 0; k < 12; k++) {
			snprintf(other, sizeof(other), "secret-%d", k);
			CU_ASSERT_EQUAL(radius_verify_request(&v, other, strlen(other), true), -EPERM);
		}
		/* 150 octets: no slot, the key is hashed first (RFC 2104;
		 * vector from Python's hmac) */
		memset(other, 'k', 150);
		radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 7, ra);
		radius_add_str(&p, RADIUS_USER_NAME, "bob");
		radius_add_message_authenticator(&p);
		radius_finish_request(&p, other, 150);
		CU_ASSERT(memcmp(p.buf + p.ma_off, want_long, 16) == 0);
		CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
		CU_ASSERT_EQUAL(radius_verify_request(&v, other, 150, true), 0);
		CU_ASSERT_EQUAL(radius_verify_request(&v, other, 149, true), -EPERM);
	}
}

static void test_accounting_authenticator(void)
{
	uint8_t want_ma[16], want_ra[16];
	size_t wl;
	struct radius_pkt p;
	struct radius_view v;

	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 9, NULL);
	radius_add_u32(&p, RADIUS_ACCT_STATUS_TYPE, RADIUS_ACCT_START);
	radius_add_str(&p, RADIUS_ACCT_SESSION_ID, "abc");
	radius_add_message_authenticator(&p);
	radius_finish_request(&p, "testing123", 10);
	hex2bin("5f775fe6bd0b243795b0b5ded46f5ede", want_ma, &wl);
	hex2bin("1c41ca9a65aa1a2360503f97f13d9bd7", want_ra, &wl);
	CU_ASSERT(memcmp(p.buf + p.ma_off, want_ma, 16) == 0);
	CU_ASSERT(memcmp(p.buf + 4, want_ra, 16) == 0);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_EQUAL(radius_verify_request(&v, "testing123", 10, true), 0);
	CU_ASSERT_EQUAL(radius_verify_request(&v, "x", 1, false), -EPERM);
	p.buf[p.len - 20] ^= 0x40;  /* a changed attribute */
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_EQUAL(radius_verify_request(&v, "testing123", 10, false), -EPERM);
}

/* A server's answer (as FreeRADIUS builds it): MA over the request's
 * authenticator, then the Response Authenticator. */
static void test_response_roundtrip(void)
{
	uint8_t ra[16];
	struct radius_pkt p;
	struct radius_view v;

	memset(ra, 0xA5, sizeof(ra));
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 3, ra);
	radius_add_ipv4(&p, RADIUS_FRAMED_IP_ADDRESS, inet_addr("17.17.17.1"));
	radius_add_message_authenticator(&p);
	radius_finish_response(&p, ra, "s3cret", 6);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_EQUAL(radius_verify_response(&v, ra, "s3cret", 6, true), 0);
	/* A BlastRADIUS-style forgery keeps the Response Authenticator valid
	 * but cannot know the HMAC: a wrong MA is refused. */
	p.buf[p.ma_off] ^= 1;
	radius_finish_response(&p, ra, "s3cret", 6);  /* recomputes both */
	p.buf[p.ma_off] ^= 1;
	{
		/* recompute only the Response Authenticator over the broken MA */
		struct radius_pkt q = p;
		q.ma_off = 0;
		radius_finish_response(&q, ra, "s3cret", 6);
		CU_ASSERT_EQUAL_FATAL(radius_parse(q.buf, q.len, &v), 0);
		CU_ASSERT_EQUAL(radius_verify_response(&v, ra, "s3cret", 6, true), -EPERM);
	}
	/* wrong request authenticator: another request's answer */
	ra[0] ^= 1;
	radius_finish_response(&p, (uint8_t[16]){0}, "s3cret", 6);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_EQUAL(radius_verify_response(&v, ra, "s3cret", 6, true), -EPERM);
}

static void test_user_password_blocks(void)
{
	uint8_t ra[16];
	char pw[RADIUS_PW_MAX + 1], out[RADIUS_PW_MAX + 1];
	struct radius_pkt p;
	struct radius_view v;
	struct radius_attr a;

	memset(ra, 0x11, sizeof(ra));
	for (size_t n = 0; n <= RADIUS_PW_MAX; n += 17) {
		memset(pw, 'a', n);
		pw[n] = 0;
		radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 1, ra);
		CU_ASSERT_EQUAL_FATAL(radius_add_user_password(&p, pw, n, "k", 1), 0);
		radius_finish_request(&p, "k", 1);
		CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
		CU_ASSERT_FATAL(radius_find(&v, RADIUS_USER_PASSWORD, &a));
		CU_ASSERT_EQUAL(a.len, n ? (n + 15) / 16 * 16 : 16);
		CU_ASSERT_EQUAL(radius_user_password_decode(&a, ra, "k", 1, out, sizeof(out)), (int)n);
		CU_ASSERT_STRING_EQUAL(out, pw);
	}
	radius_pkt_init(&p, RADIUS_ACCESS_REQUEST, 1, ra);
	CU_ASSERT_EQUAL(radius_add_user_password(&p, pw, RADIUS_PW_MAX + 1, "k", 1), -EINVAL);
}

static void test_tunnel_password(void)
{
	uint8_t ra[16], want[64], tag = 0;
	size_t wl;
	struct radius_pkt p;
	struct radius_view v;
	struct radius_attr a;
	char out[256];

	for (int i = 0; i < 16; i++)
		ra[i] = (uint8_t)i;
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1, ra);
	CU_ASSERT_EQUAL(radius_add_tunnel_password(&p, 1, (uint8_t[]){0x01, 0x02}, "tunnelpw", 8,
						   ra, "testing123", 10), 0);
	hex2bin("018102413a99d7a8526a1acc22ea2ac0a78213", want, &wl);
	CU_ASSERT_EQUAL(p.buf[21], 2 + wl);
	CU_ASSERT(memcmp(p.buf + 22, want, wl) == 0);
	radius_finish_response(&p, ra, "testing123", 10);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT_FATAL(radius_find(&v, RADIUS_TUNNEL_PASSWORD, &a));
	CU_ASSERT_EQUAL(radius_tunnel_password_decode(&a, ra, "testing123", 10, &tag, out, sizeof(out)), 8);
	CU_ASSERT_EQUAL(tag, 1);
	CU_ASSERT_STRING_EQUAL(out, "tunnelpw");
	/* the wrong secret decrypts to a length that does not fit (or garbage) */
	int r = radius_tunnel_password_decode(&a, ra, "testing124", 10, &tag, out, sizeof(out));
	CU_ASSERT(r < 0 || strcmp(out, "tunnelpw") != 0);
	/* salt without its high bit, short value */
	struct radius_attr bad = a;
	uint8_t copy[64];
	memcpy(copy, a.val, a.len);
	copy[1] &= 0x7F;
	bad.val = copy;
	CU_ASSERT_EQUAL(radius_tunnel_password_decode(&bad, ra, "testing123", 10, &tag, out, sizeof(out)), -EBADMSG);
	bad.val = a.val;
	bad.len = 18;
	CU_ASSERT_EQUAL(radius_tunnel_password_decode(&bad, ra, "testing123", 10, &tag, out, sizeof(out)), -EBADMSG);
	/* 240 octets of ciphertext max: a 239-octet password fits, 240 not */
	char big[241];
	memset(big, 'x', sizeof(big));
	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1, ra);
	CU_ASSERT_EQUAL(radius_add_tunnel_password(&p, 1, (uint8_t[]){1, 2}, big, 239, ra, "k", 1), 0);
	CU_ASSERT_EQUAL(radius_add_tunnel_password(&p, 1, (uint8_t[]){1, 2}, big, 240, ra, "k", 1), -EINVAL);
}

static void test_tagged_and_vsa(void)
{
	struct radius_pkt p;
	struct radius_view v;
	struct radius_attr a;
	uint8_t tag;
	uint32_t u, vendor;
	const uint8_t *val;
	size_t len;
	uint8_t vtype;

	radius_pkt_init(&p, RADIUS_ACCESS_ACCEPT, 1, NULL);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&p, RADIUS_TUNNEL_TYPE, 2, 3), 0);  /* L2TP */
	CU_ASSERT_EQUAL(radius_add_tagged(&p, RADIUS_TUNNEL_SERVER_ENDPOINT, 2, "10.0.0.2", 8), 0);
	CU_ASSERT_EQUAL(radius_add_tagged_u32(&p, RADIUS_TUNNEL_TYPE, 0x20, 3), -EINVAL);
	CU_ASSERT_EQUAL(radius_add_vsa(&p, 9, 1, "lcp:interface-config=x", 22), 0);
	radius_finish_response(&p, (uint8_t[16]){0}, "k", 1);
	CU_ASSERT_EQUAL_FATAL(radius_parse(p.buf, p.len, &v), 0);
	CU_ASSERT(radius_find(&v, RADIUS_TUNNEL_TYPE, &a));
	CU_ASSERT_EQUAL(radius_attr_tagged_u32(&a, &tag, &u), 0);
	CU_ASSERT_EQUAL(tag, 2);
	CU_ASSERT_EQUAL(u, 3);
	CU_ASSERT(radius_find(&v, RADIUS_TUNNEL_SERVER_ENDPOINT, &a));
	radius_attr_tagged_str(&a, &tag, &val, &len);
	CU_ASSERT_EQUAL(tag, 2);
	CU_ASSERT_EQUAL(len, 8);
	CU_ASSERT(memcmp(val, "10.0.0.2", 8) == 0);
	CU_ASSERT(radius_find(&v, RADIUS_VENDOR_SPECIFIC, &a));
	CU_ASSERT_EQUAL(radius_attr_vsa(&a, &vendor, &vtype, &val, &len), 0);
	CU_ASSERT_EQUAL(vendor, 9);
	CU_ASSERT_EQUAL(vtype, 1);
	CU_ASSERT_EQUAL(len, 22);
	/* a VSA whose sub-length runs past the attribute */
	struct radius_attr bad = a;
	uint8_t copy[64];
	memcpy(copy, a.val, a.len);
	copy[5] = (uint8_t)(a.len - 3);
	bad.val = copy;
	CU_ASSERT_EQUAL(radius_attr_vsa(&bad, &vendor, &vtype, &val, &len), -EBADMSG);
	copy[5] = 1;
	CU_ASSERT_EQUAL(radius_attr_vsa(&bad, &vendor, &vtype, &val, &len), -EBADMSG);
}

static void test_malformed(void)
{
	uint8_t b[RADIUS_MAX_LEN + 8];
	struct radius_view v;

	memset(b, 0, sizeof(b));
	b[0] = 2;
	/* shorter than the header */
	CU_ASSERT_EQUAL(radius_parse(b, 19, &v), -EBADMSG);
	/* Length < 20 */
	b[3] = 19;
	CU_ASSERT_EQUAL(radius_parse(b, 20, &v), -EBADMSG);
	/* Length > datagram */
	b[3] = 30;
	CU_ASSERT_EQUAL(radius_parse(b, 29, &v), -EBADMSG);
	/* Length > 4096 */
	b[2] = 0x10; b[3] = 0x01;
	CU_ASSERT_EQUAL(radius_parse(b, sizeof(b), &v), -EBADMSG);
	/* octets past Length are ignored */
	b[2] = 0; b[3] = 20;
	CU_ASSERT_EQUAL(radius_parse(b, 40, &v), 0);
	CU_ASSERT_EQUAL(v.len, 20);
	/* attribute length 0, 1, past the end, one octet left over */
	b[3] = 22; b[20] = 1; b[21] = 0;
	CU_ASSERT_EQUAL(radius_parse(b, 22, &v), -EBADMSG);
	b[21] = 1;
	CU_ASSERT_EQUAL(radius_parse(b, 22, &v), -EBADMSG);
	b[21] = 3;
	CU_ASSERT_EQUAL(radius_parse(b, 22, &v), -EBADMSG);
	b[21] = 2;
	CU_ASSERT_EQUAL(radius_parse(b, 22, &v), 0);
	b[3] = 23;
	CU_ASSERT_EQUAL(radius_parse(b, 23, &v), -EBADMSG);
	/* Message-Authenticator not 16 octets; two of them */
	b[3] = 37; b[20] = 80; b[21] = 17;
	CU_ASSERT_EQUAL(radius_parse(b, 37, &v), -EBADMSG);
	b[3] = 56; b[21] = 18; b[38] = 80; b[39] = 18;
	CU_ASSERT_EQUAL(radius_parse(b, 56, &v), -EBADMSG);
	b[38] = 1;
	CU_ASSERT_EQUAL(radius_parse(b, 56, &v), 0);
	CU_ASSERT_EQUAL(v.n_attrs, 2);
	/* integer decoders check their length */
	struct radius_attr a = { .type = RADIUS_SESSION_TIMEOUT, .len = 3, .val = b };
	uint32_t u;
	CU_ASSERT_EQUAL(radius_attr_u32(&a, &u), -EBADMSG);
	/* User-Password of 15 octets */
	char out[200];
	a.type = RADIUS_USER_PASSWORD;
	a.len = 15;
	CU_ASSERT_EQUAL(radius_user_password_decode(&a, b, "k", 1, out, sizeof(out)), -EBADMSG);
}

static void test_builder_bounds(void)
{
	struct radius_pkt p;
	uint8_t big[254];
	int r = 0;

	memset(big, 'a', sizeof(big));
	radius_pkt_init(&p, RADIUS_ACCOUNTING_REQUEST, 1, NULL);
	CU_ASSERT_EQUAL(radius_add(&p, RADIUS_CLASS, big, 254), -EINVAL);
	CU_ASSERT_EQUAL(radius_add_str(&p, RADIUS_USER_NAME, ""), -EINVAL);
	for (int i = 0; i < 100 && r == 0; i++)
		r = radius_add(&p, RADIUS_CLASS, big, 253);
	CU_ASSERT_EQUAL(r, -EMSGSIZE);
	CU_ASSERT(p.len <= RADIUS_MAX_LEN);
}

static void test_format_masks(void)
{
	char buf[512];
	struct radius_attr a = { .type = RADIUS_USER_PASSWORD, .len = 16,
				 .val = (const uint8_t *)"arctangent\0\0\0\0\0\0" };

	radius_attr_format(&a, buf, sizeof(buf));
	CU_ASSERT_PTR_NULL(strstr(buf, "arctangent"));
	CU_ASSERT_PTR_NOT_NULL(strstr(buf, "masked"));
	a.type = RADIUS_USER_NAME;
	a.len = 4;
	a.val = (const uint8_t *)"a\"\n\x01";
	radius_attr_format(&a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "User-Name = \"a\\x22\\x0a\\x01\"");
	a.type = RADIUS_FRAMED_IP_ADDRESS;
	a.val = (const uint8_t *)"\x11\x11\x11\x01";
	radius_attr_format(&a, buf, sizeof(buf));
	CU_ASSERT_STRING_EQUAL(buf, "Framed-IP-Address = 17.17.17.1");
	CU_ASSERT_STRING_EQUAL(radius_code_name(RADIUS_COA_NAK), "CoA-NAK");
	CU_ASSERT(radius_attr_tagged(RADIUS_TUNNEL_PASSWORD));
	CU_ASSERT(!radius_attr_tagged(RADIUS_USER_NAME));
}

static const struct vpdn_test_case radius_tests[] = {
	{"RFC 2865 7.1 request built", test_rfc2865_7_1_build},
	{"RFC 2865 7.1 parsed, response verified", test_rfc2865_7_1_parse},
	{"RFC 2865 7.2 CHAP request parsed", test_rfc2865_7_2_parse},
	{"Message-Authenticator (Access-Request)", test_message_authenticator},
	{"Message-Authenticator key states per secret", test_message_authenticator_key_cache},
	{"Accounting-Request authenticators", test_accounting_authenticator},
	{"response round trip, forged MA", test_response_roundtrip},
	{"User-Password 0..128 octets", test_user_password_blocks},
	{"Tunnel-Password salt encryption", test_tunnel_password},
	{"tagged attributes, VSA", test_tagged_and_vsa},
	{"malformed packets refused", test_malformed},
	{"builder bounds", test_builder_bounds},
	{"format masks secrets", test_format_masks},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"radius", radius_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
