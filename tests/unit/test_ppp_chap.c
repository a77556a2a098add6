/* SPDX-License-Identifier: MIT */
/* CHAP codec (RFC 1994) and CHAP-MD5. */
#include <errno.h>
#include <string.h>

#include "chap.h"
#include "vpdn_test.h"

static const uint8_t vec_challenge[16] = {
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
	0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f,
};
static const uint8_t vec_response[16] = {
	0xe9, 0xa2, 0x88, 0x76, 0x84, 0x4e, 0x4f, 0x32,
	0x60, 0x87, 0xe1, 0xeb, 0x2f, 0xa0, 0xee, 0x38,
};

static void test_md5_vector(void)
{
	uint8_t out[16];

	CU_ASSERT_EQUAL(chap_md5_response(1, "cisco", 5, vec_challenge, 16, out), 0);
	CU_ASSERT_EQUAL(memcmp(out, vec_response, 16), 0);
	/* identifier matters */
	CU_ASSERT_EQUAL(chap_md5_response(2, "cisco", 5, vec_challenge, 16, out), 0);
	CU_ASSERT_NOT_EQUAL(memcmp(out, vec_response, 16), 0);
	CU_ASSERT_EQUAL(chap_md5_response(1, NULL, 5, vec_challenge, 16, out), -EINVAL);
	CU_ASSERT_EQUAL(chap_md5_response(1, "x", 1, NULL, 3, out), -EINVAL);
	/* empty secret and challenge are allowed (MD5 of the id alone) */
	CU_ASSERT_EQUAL(chap_md5_response(0, NULL, 0, NULL, 0, out), 0);
}

static void test_md5_verify(void)
{
	uint8_t bad[16];

	CU_ASSERT_TRUE(chap_md5_verify(1, "cisco", 5, vec_challenge, 16, vec_response, 16));
	CU_ASSERT_FALSE(chap_md5_verify(1, "cisc0", 5, vec_challenge, 16, vec_response, 16));
	CU_ASSERT_FALSE(chap_md5_verify(1, "cisco", 4, vec_challenge, 16, vec_response, 16));
	CU_ASSERT_FALSE(chap_md5_verify(9, "cisco", 5, vec_challenge, 16, vec_response, 16));
	CU_ASSERT_FALSE(chap_md5_verify(1, "cisco", 5, vec_challenge, 15, vec_response, 16));
	CU_ASSERT_FALSE(chap_md5_verify(1, "cisco", 5, vec_challenge, 16, vec_response, 15));
	CU_ASSERT_FALSE(chap_md5_verify(1, "cisco", 5, vec_challenge, 16, NULL, 16));
	for (int i = 0; i < 16; i++) {
		memcpy(bad, vec_response, 16);
		bad[i] ^= 0x01;
		CU_ASSERT_FALSE(chap_md5_verify(1, "cisco", 5, vec_challenge, 16, bad, 16));
	}
}

static void test_ct_equal(void)
{
	CU_ASSERT_TRUE(chap_ct_equal("abc", "abc", 3));
	CU_ASSERT_FALSE(chap_ct_equal("abc", "abd", 3));
	CU_ASSERT_FALSE(chap_ct_equal("xbc", "abc", 3));
	CU_ASSERT_TRUE(chap_ct_equal("x", "y", 0));
}

static void test_build_parse_challenge(void)
{
	uint8_t buf[64];
	struct chap_packet p;
	ssize_t n = chap_build_challenge(buf, sizeof(buf), 7, vec_challenge, 16, "LAC", 3);

	CU_ASSERT_EQUAL(n, 24);
	CU_ASSERT_EQUAL(buf[0], CHAP_CHALLENGE);
	CU_ASSERT_EQUAL(buf[1], 7);
	CU_ASSERT_EQUAL(buf[2], 0);
	CU_ASSERT_EQUAL(buf[3], 24);
	CU_ASSERT_EQUAL(buf[4], 16);
	CU_ASSERT_EQUAL(memcmp(buf + 5, vec_challenge, 16), 0);
	CU_ASSERT_EQUAL(memcmp(buf + 21, "LAC", 3), 0);

	CU_ASSERT_EQUAL(chap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, CHAP_CHALLENGE);
	CU_ASSERT_EQUAL(p.id, 7);
	CU_ASSERT_EQUAL(p.length, 24);
	CU_ASSERT_EQUAL(p.value_len, 16);
	CU_ASSERT_PTR_EQUAL(p.value, buf + 5);
	CU_ASSERT_EQUAL(p.name_len, 3);
	CU_ASSERT_EQUAL(memcmp(p.name, "LAC", 3), 0);
	CU_ASSERT_PTR_NULL(p.message);
}

static void test_build_parse_response(void)
{
	uint8_t buf[64];
	struct chap_packet p;
	const char *name = "remote1@cisco.com";
	ssize_t n = chap_build_response(buf, sizeof(buf), 7, vec_response, 16,
					name, strlen(name));

	CU_ASSERT_EQUAL(n, 4 + 1 + 16 + 17);
	CU_ASSERT_EQUAL(chap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, CHAP_RESPONSE);
	CU_ASSERT_EQUAL(p.value_len, 16);
	CU_ASSERT_EQUAL(memcmp(p.value, vec_response, 16), 0);
	CU_ASSERT_EQUAL(p.name_len, 17);
	CU_ASSERT_EQUAL(memcmp(p.name, name, 17), 0);
	/* no name */
	n = chap_build_response(buf, sizeof(buf), 8, vec_response, 16, NULL, 0);
	CU_ASSERT_EQUAL(n, 21);
	CU_ASSERT_EQUAL(chap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.name_len, 0);
}

static void test_build_parse_success_failure(void)
{
	uint8_t buf[64];
	struct chap_packet p;
	ssize_t n = chap_build_success(buf, sizeof(buf), 3, NULL, 0);

	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(buf, "\x03\x03\x00\x04", 4), 0);
	CU_ASSERT_EQUAL(chap_parse(buf, 4, &p), 0);
	CU_ASSERT_EQUAL(p.code, CHAP_SUCCESS);
	CU_ASSERT_EQUAL(p.message_len, 0);

	n = chap_build_failure(buf, sizeof(buf), 4, "Authentication failed", 21);
	CU_ASSERT_EQUAL(n, 25);
	CU_ASSERT_EQUAL(chap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, CHAP_FAILURE);
	CU_ASSERT_EQUAL(p.id, 4);
	CU_ASSERT_EQUAL(p.message_len, 21);
	CU_ASSERT_EQUAL(memcmp(p.message, "Authentication failed", 21), 0);
}

static void test_build_errors(void)
{
	uint8_t buf[300];
	uint8_t big[256] = {0};

	CU_ASSERT_EQUAL(chap_build_challenge(buf, 23, 1, vec_challenge, 16, "LAC", 3), -ENOSPC);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, 24, 1, vec_challenge, 16, "LAC", 3), 24);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, sizeof(buf), 1, vec_challenge, 0, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, sizeof(buf), 1, big, 256, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, sizeof(buf), 1, big, 255, NULL, 0), 260);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, sizeof(buf), 1, NULL, 16, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_challenge(buf, sizeof(buf), 1, big, 16, NULL, 3), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_value(buf, sizeof(buf), CHAP_SUCCESS, 1, big, 16, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_message(buf, sizeof(buf), CHAP_RESPONSE, 1, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(chap_build_success(buf, 3, 1, NULL, 0), -ENOSPC);
	CU_ASSERT_EQUAL(chap_build_failure(buf, 10, 1, "0123456789", 10), -ENOSPC);
	CU_ASSERT_EQUAL(chap_build_failure(NULL, 10, 1, NULL, 0), -EINVAL);
}

static void test_parse_malformed(void)
{
	struct chap_packet p;
	/* too short */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x01\x01\x00", 3, &p), -EBADMSG);
	CU_ASSERT_EQUAL(chap_parse(NULL, 10, &p), -EBADMSG);
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x03\x01\x00\x04", 4, NULL), -EINVAL);
	/* Length < 4 */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x03\x01\x00\x03", 4, &p), -EBADMSG);
	/* Length > buffer */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x03\x01\x00\x05", 4, &p), -EBADMSG);
	/* Challenge without Value-Size */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x01\x01\x00\x04", 4, &p), -EBADMSG);
	/* Value-Size 0 */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x01\x01\x00\x05\x00", 5, &p), -EBADMSG);
	/* Value-Size past Length (but within the buffer) */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x02\x01\x00\x07\x03\xaa\xbb\xcc", 8, &p), -EBADMSG);
	/* exactly fitting value, empty name */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x02\x01\x00\x08\x03\xaa\xbb\xcc", 8, &p), 0);
	CU_ASSERT_EQUAL(p.value_len, 3);
	CU_ASSERT_EQUAL(p.name_len, 0);
	/* unknown code */
	CU_ASSERT_EQUAL(chap_parse((const uint8_t *)"\x09\x05\x00\x04", 4, &p), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(p.code, 9);
	CU_ASSERT_EQUAL(p.id, 5);
}

static void test_parse_padding(void)
{
	struct chap_packet p;
	/* Octets beyond Length are padding: ignored, not part of the name */
	const uint8_t pkt[] = {0x01, 0x02, 0x00, 0x07, 0x01, 0x55, 'A', 'B', 'C', 0};

	CU_ASSERT_EQUAL(chap_parse(pkt, sizeof(pkt), &p), 0);
	CU_ASSERT_EQUAL(p.length, 7);
	CU_ASSERT_EQUAL(p.name_len, 1);
	CU_ASSERT_EQUAL(p.name[0], 'A');
}

static void test_code_names(void)
{
	CU_ASSERT_STRING_EQUAL(chap_code_name(1), "CHALLENGE");
	CU_ASSERT_STRING_EQUAL(chap_code_name(2), "RESPONSE");
	CU_ASSERT_STRING_EQUAL(chap_code_name(3), "SUCCESS");
	CU_ASSERT_STRING_EQUAL(chap_code_name(4), "FAILURE");
	CU_ASSERT_STRING_EQUAL(chap_code_name(0), "UNKNOWN");
	CU_ASSERT_STRING_EQUAL(chap_code_name(5), "UNKNOWN");
}

static void test_describe(void)
{
	uint8_t buf[64];
	char line[128];
	ssize_t n;

	n = chap_build_challenge(buf, sizeof(buf), 7, vec_challenge, 16, "LAC", 3);
	chap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "CHALLENGE id 7 len 24 from \"LAC\"");
	n = chap_build_response(buf, sizeof(buf), 7, vec_response, 16, "remote1@cisco.com", 17);
	chap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "RESPONSE id 7 len 38 from \"remote1@cisco.com\"");
	n = chap_build_success(buf, sizeof(buf), 7, NULL, 0);
	chap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "SUCCESS id 7 len 4");
	n = chap_build_failure(buf, sizeof(buf), 7, "Bad\n\"x\"", 7);
	chap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "FAILURE id 7 len 11 msg is \"Bad..x.\"");
	chap_describe(buf, 2, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "malformed len 2");
	chap_describe((const uint8_t *)"\x07\x01\x00\x04", 4, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "UNKNOWN code 7 id 1 len 4");
	/* truncation of the output is safe */
	n = chap_build_challenge(buf, sizeof(buf), 7, vec_challenge, 16, "LAC", 3);
	CU_ASSERT_TRUE(chap_describe(buf, (size_t)n, line, 5) > 4);
	CU_ASSERT_STRING_EQUAL(line, "CHAL");
}

static void test_build_md5_response(void)
{
	uint8_t buf[64];
	struct chap_packet p;
	ssize_t n = chap_build_md5_response(buf, sizeof(buf), 1, "cisco", 5,
					    vec_challenge, 16, "LNS", 3);

	CU_ASSERT_EQUAL(n, 24);
	CU_ASSERT_EQUAL(chap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, CHAP_RESPONSE);
	CU_ASSERT_EQUAL(p.id, 1);
	CU_ASSERT_EQUAL(p.value_len, 16);
	CU_ASSERT_EQUAL(memcmp(p.value, vec_response, 16), 0);
	CU_ASSERT_EQUAL(memcmp(p.name, "LNS", 3), 0);
	CU_ASSERT_EQUAL(chap_build_md5_response(buf, 23, 1, "cisco", 5, vec_challenge, 16,
						"LNS", 3), -ENOSPC);
	CU_ASSERT_EQUAL(chap_build_md5_response(buf, sizeof(buf), 1, NULL, 5, vec_challenge,
						16, "LNS", 3), -EINVAL);
}

static void test_random_challenge(void)
{
	uint8_t a[16], b[16];

	CU_ASSERT_EQUAL(chap_random_challenge(a, sizeof(a)), 0);
	CU_ASSERT_EQUAL(chap_random_challenge(b, sizeof(b)), 0);
	/* 2^-128 chance of a false failure */
	CU_ASSERT_NOT_EQUAL(memcmp(a, b, 16), 0);
	CU_ASSERT_EQUAL(chap_random_challenge(NULL, 4), -EINVAL);
}

static const struct vpdn_test_case chap_tests[] = {
	{"md5 vector", test_md5_vector},
	{"md5 verify", test_md5_verify},
	{"constant-time equal", test_ct_equal},
	{"challenge build/parse", test_build_parse_challenge},
	{"response build/parse", test_build_parse_response},
	{"success/failure build/parse", test_build_parse_success_failure},
	{"build errors", test_build_errors},
	{"parse malformed", test_parse_malformed},
	{"parse padding", test_parse_padding},
	{"code names", test_code_names},
	{"describe", test_describe},
	{"build md5 response", test_build_md5_response},
	{"random challenge", test_random_challenge},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"ppp-chap", chap_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
