/* SPDX-License-Identifier: MIT */
/* lib/ndp: RFC 4861 RS/RA, RFC 8106 RDNSS, the ICMPv6 checksum. The two
 * vectors were built by hand (field by field from RFC 4861 §4.1, §4.2,
 * §4.6.2, §4.6.4 and RFC 8106 §5.1) and checked with tshark 4 (Raw IPv6
 * capture: "Checksum: 0xe528 [correct]", every option decoded, nothing
 * malformed). */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "ndp.h"
#include "vpdn_test.h"

/* fe80::1 -> ff02::1, hop limit 64, O set, router lifetime 1800; Prefix
 * 2001:db8:1:2::/64 L A valid 86400 preferred 14400; MTU 1492; RDNSS
 * 2001:db8::53 lifetime 600. */
static const uint8_t ra_vec[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x50, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0x00, 0xe5, 0x28, 0x40, 0x40, 0x07, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x04, 0x40, 0xc0, 0x00, 0x01, 0x51, 0x80, 0x00, 0x00, 0x38, 0x40, 0x00, 0x00, 0x00, 0x00, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x05, 0xd4, 0x19, 0x03, 0x00, 0x00, 0x00, 0x00, 0x02, 0x58, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x53
};

/* fe80::2 -> ff02::2, no option. */
static const uint8_t rs_vec[] = {
	0x60, 0x00, 0x00, 0x00, 0x00, 0x08, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x85, 0x00, 0x7d, 0x35, 0x00, 0x00, 0x00, 0x00
};

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;
	CU_ASSERT_EQUAL_FATAL(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct ndp_ra vec_ra(void)
{
	struct ndp_ra ra = {
		.cur_hop_limit = 64, .other = true, .router_lifetime = 1800, .mtu = 1492,
		.n_prefixes = 1, .n_rdnss = 1, .rdnss_lifetime = 600,
	};
	ra.prefixes[0] = (struct ndp_prefix){ .prefix = a6("2001:db8:1:2::"), .plen = 64,
		.onlink = true, .autonomous = true, .valid = 86400, .preferred = 14400 };
	ra.rdnss[0] = a6("2001:db8::53");
	return ra;
}

static void test_ra_encode(void)
{
	struct ndp_ra ra = vec_ra();
	struct in6_addr src = a6("fe80::1"), dst = a6("ff02::1");
	uint8_t out[NDP_IP6_HLEN + NDP_RA_MAX];
	ssize_t n = ndp_ra_encode(&ra, &src, &dst, out + NDP_IP6_HLEN, NDP_RA_MAX);

	CU_ASSERT_EQUAL_FATAL(n, (ssize_t)sizeof(ra_vec) - NDP_IP6_HLEN);
	CU_ASSERT_EQUAL(ndp_ip6_build(&src, &dst, NDP_PROTO_ICMPV6, 255, out + NDP_IP6_HLEN,
				      (size_t)n, out, sizeof(out)), (ssize_t)sizeof(ra_vec));
	CU_ASSERT_EQUAL(memcmp(out, ra_vec, sizeof(ra_vec)), 0);
	CU_ASSERT_EQUAL(ndp_ra_encode(&ra, &src, &dst, out, 60), -ENOSPC);
	ra.n_prefixes = NDP_PREFIX_MAX + 1;
	CU_ASSERT_EQUAL(ndp_ra_encode(&ra, &src, &dst, out, sizeof(out)), -EINVAL);
}

static void test_ra_decode(void)
{
	struct ndp_ip6 ip;
	struct ndp_ra ra, want = vec_ra();
	const char *why = NULL;

	CU_ASSERT_EQUAL_FATAL(ndp_ip6_parse(ra_vec, sizeof(ra_vec), &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_icmp6_type(ra_vec, sizeof(ra_vec)), NDP_ROUTER_ADVERT);
	CU_ASSERT_EQUAL_FATAL(ndp_ra_decode(&ip, &ra, &why), 0);
	CU_ASSERT_EQUAL(ra.cur_hop_limit, 64);
	CU_ASSERT_FALSE(ra.managed);
	CU_ASSERT_TRUE(ra.other);
	CU_ASSERT_EQUAL(ra.router_lifetime, 1800);
	CU_ASSERT_EQUAL(ra.mtu, 1492);
	CU_ASSERT_EQUAL_FATAL(ra.n_prefixes, 1);
	CU_ASSERT_EQUAL(memcmp(&ra.prefixes[0], &want.prefixes[0], sizeof(ra.prefixes[0])), 0);
	CU_ASSERT_EQUAL_FATAL(ra.n_rdnss, 1);
	CU_ASSERT_EQUAL(memcmp(&ra.rdnss[0], &want.rdnss[0], 16), 0);
	CU_ASSERT_EQUAL(ra.rdnss_lifetime, 600);
}

static int decode_copy(const uint8_t *p, size_t len, struct ndp_ra *ra, const char **why)
{
	struct ndp_ip6 ip;
	int r = ndp_ip6_parse(p, len, &ip, why);
	return r < 0 ? r : ndp_ra_decode(&ip, ra, why);
}

/* Fix the checksum of a modified RA copy. */
static void recsum(uint8_t *p)
{
	struct in6_addr s, d;
	size_t plen = (size_t)(p[4] << 8 | p[5]);
	memcpy(&s, p + 8, 16);
	memcpy(&d, p + 24, 16);
	uint16_t c = ndp_icmp6_checksum(&s, &d, p + 40, plen);
	p[42] = (uint8_t)(c >> 8);
	p[43] = (uint8_t)c;
}

static void test_ra_hostile(void)
{
	uint8_t b[sizeof(ra_vec)];
	struct ndp_ra ra;
	const char *why;

	memcpy(b, ra_vec, sizeof(b));
	b[43] ^= 1;                           /* checksum */
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "bad checksum");

	memcpy(b, ra_vec, sizeof(b));
	b[7] = 64;                            /* hop limit: forwarded from afar */
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "hop limit is not 255");

	memcpy(b, ra_vec, sizeof(b));
	b[8] = 0x20; b[9] = 0x01;             /* global source */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "source is not link-local");

	memcpy(b, ra_vec, sizeof(b));
	b[40 + 16 + 1] = 0;                   /* prefix option length 0 */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "option of length 0");

	memcpy(b, ra_vec, sizeof(b));
	b[40 + 16 + 1] = 5;                   /* prefix option of length 5 */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);

	memcpy(b, ra_vec, sizeof(b));
	b[40 + 16 + 2] = 129;                 /* plen 129 */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "prefix length over 128");

	memcpy(b, ra_vec, sizeof(b));
	b[40 + 1] = 1;                        /* code 1 */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);

	memcpy(b, ra_vec, sizeof(b));
	b[40 + 56 + 1] = 7;                   /* RDNSS option past the end */
	recsum(b);
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "option past the message");

	/* every truncation fails cleanly */
	for (size_t n = 0; n < sizeof(ra_vec); n++)
		CU_ASSERT_NOT_EQUAL(decode_copy(ra_vec, n, &ra, &why), 0);
	/* a payload length shorter than the options: the option walk stops
	 * at the length (and the checksum no longer matches) */
	memcpy(b, ra_vec, sizeof(b));
	b[5] = 0x48;
	CU_ASSERT_EQUAL(decode_copy(b, sizeof(b), &ra, &why), -EBADMSG);
}

static void test_rs(void)
{
	struct in6_addr src = a6("fe80::2"), dst = a6("ff02::2");
	uint8_t out[64];
	ssize_t n = ndp_rs_encode(&src, &dst, out + NDP_IP6_HLEN, sizeof(out) - NDP_IP6_HLEN);
	struct ndp_ip6 ip;
	const char *why;

	CU_ASSERT_EQUAL_FATAL(n, 8);
	CU_ASSERT_EQUAL(ndp_ip6_build(&src, &dst, NDP_PROTO_ICMPV6, 255, out + NDP_IP6_HLEN, 8,
				      out, sizeof(out)), 48);
	CU_ASSERT_EQUAL(memcmp(out, rs_vec, sizeof(rs_vec)), 0);
	CU_ASSERT_EQUAL_FATAL(ndp_ip6_parse(rs_vec, sizeof(rs_vec), &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_rs_decode(&ip, &why), 0);

	/* from :: with a source link-layer address option: invalid (§6.1.1) */
	uint8_t b[64];
	memcpy(b, rs_vec, 48);
	memset(b + 8, 0, 16);
	b[5] = 16;
	memcpy(b + 48, "\x01\x01\x02\x00\x00\x00\x00\x01", 8);
	recsum(b);
	CU_ASSERT_EQUAL_FATAL(ndp_ip6_parse(b, 56, &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_rs_decode(&ip, &why), -EBADMSG);
	CU_ASSERT_STRING_EQUAL(why, "source link-layer address from the unspecified address");
	/* the same option from a link-local source is fine */
	b[8] = 0xfe; b[9] = 0x80; b[23] = 2;
	recsum(b);
	CU_ASSERT_EQUAL_FATAL(ndp_ip6_parse(b, 56, &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_rs_decode(&ip, &why), 0);
	/* an RA is not an RS */
	CU_ASSERT_EQUAL_FATAL(ndp_ip6_parse(ra_vec, sizeof(ra_vec), &ip, &why), 0);
	CU_ASSERT_EQUAL(ndp_rs_decode(&ip, &why), -EBADMSG);
}

static void test_helpers(void)
{
	struct in6_addr a = a6("2001:db8:ffff:ffff:ffff::1"), ll;
	const uint8_t ifid[8] = { 0x02, 0, 0, 0, 0, 0, 0, 0x2a };

	CU_ASSERT_TRUE(ndp_prefix_mask(&a, 52));
	CU_ASSERT_EQUAL(memcmp(&a, &(struct in6_addr){ { { 0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff,
		0xf0 } } }, 16), 0);
	CU_ASSERT_FALSE(ndp_prefix_mask(&a, 129));
	ndp_link_local(ifid, &ll);
	struct in6_addr want = a6("fe80::200:0:0:2a");
	CU_ASSERT_EQUAL(memcmp(&ll, &want, 16), 0);
	CU_ASSERT_EQUAL(ndp_icmp6_type((const uint8_t *)"\x45", 1), -1);
}

static const struct vpdn_test_case codec_tests[] = {
	{"RA encode (vector)", test_ra_encode},
	{"RA decode (vector)", test_ra_decode},
	{"RA hostile", test_ra_hostile},
	{"RS", test_rs},
	{"helpers", test_helpers},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"ndp-codec", codec_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
