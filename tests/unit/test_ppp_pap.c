/* SPDX-License-Identifier: MIT */
/* PAP codec (RFC 1334). */
#include <errno.h>
#include <string.h>

#include "pap.h"
#include "vpdn_test.h"

static void test_request_roundtrip(void)
{
	uint8_t buf[64];
	struct pap_packet p;
	ssize_t n = pap_build_request(buf, sizeof(buf), 3, "remote1@cisco.com", 17, "cisco", 5);

	CU_ASSERT_EQUAL(n, 4 + 1 + 17 + 1 + 5);
	CU_ASSERT_EQUAL(buf[0], PAP_AUTH_REQ);
	CU_ASSERT_EQUAL(buf[1], 3);
	CU_ASSERT_EQUAL(buf[3], 28);
	CU_ASSERT_EQUAL(buf[4], 17);
	CU_ASSERT_EQUAL(buf[22], 5);
	CU_ASSERT_EQUAL(pap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, PAP_AUTH_REQ);
	CU_ASSERT_EQUAL(p.id, 3);
	CU_ASSERT_EQUAL(p.length, 28);
	CU_ASSERT_EQUAL(p.peer_id_len, 17);
	CU_ASSERT_EQUAL(memcmp(p.peer_id, "remote1@cisco.com", 17), 0);
	CU_ASSERT_EQUAL(p.password_len, 5);
	CU_ASSERT_EQUAL(memcmp(p.password, "cisco", 5), 0);
	/* empty peer-id and password */
	n = pap_build_request(buf, sizeof(buf), 4, NULL, 0, NULL, 0);
	CU_ASSERT_EQUAL(n, 6);
	CU_ASSERT_EQUAL(pap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.peer_id_len, 0);
	CU_ASSERT_EQUAL(p.password_len, 0);
}

static void test_reply_roundtrip(void)
{
	uint8_t buf[64];
	struct pap_packet p;
	ssize_t n = pap_build_ack(buf, sizeof(buf), 3, NULL, 0);

	CU_ASSERT_EQUAL(n, 5);
	CU_ASSERT_EQUAL(memcmp(buf, "\x02\x03\x00\x05\x00", 5), 0);
	CU_ASSERT_EQUAL(pap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, PAP_AUTH_ACK);
	CU_ASSERT_EQUAL(p.message_len, 0);
	n = pap_build_nak(buf, sizeof(buf), 9, "Authentication failed", 21);
	CU_ASSERT_EQUAL(n, 26);
	CU_ASSERT_EQUAL(pap_parse(buf, (size_t)n, &p), 0);
	CU_ASSERT_EQUAL(p.code, PAP_AUTH_NAK);
	CU_ASSERT_EQUAL(p.id, 9);
	CU_ASSERT_EQUAL(p.message_len, 21);
	CU_ASSERT_EQUAL(memcmp(p.message, "Authentication failed", 21), 0);
	/* Ack without a Msg-Length octet */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x02\x01\x00\x04", 4, &p), 0);
	CU_ASSERT_EQUAL(p.message_len, 0);
}

static void test_build_errors(void)
{
	uint8_t buf[600];
	char big[256];

	memset(big, 'a', sizeof(big));
	CU_ASSERT_EQUAL(pap_build_request(buf, 27, 1, "remote1@cisco.com", 17, "cisco", 5), -ENOSPC);
	CU_ASSERT_EQUAL(pap_build_request(buf, 28, 1, "remote1@cisco.com", 17, "cisco", 5), 28);
	CU_ASSERT_EQUAL(pap_build_request(buf, sizeof(buf), 1, big, 256, "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(pap_build_request(buf, sizeof(buf), 1, "x", 1, big, 256), -EINVAL);
	CU_ASSERT_EQUAL(pap_build_request(buf, sizeof(buf), 1, big, 255, big, 255), 4 + 2 + 510);
	CU_ASSERT_EQUAL(pap_build_request(buf, sizeof(buf), 1, NULL, 3, "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(pap_build_reply(buf, sizeof(buf), PAP_AUTH_REQ, 1, NULL, 0), -EINVAL);
	CU_ASSERT_EQUAL(pap_build_nak(buf, sizeof(buf), 1, big, 256), -EINVAL);
	CU_ASSERT_EQUAL(pap_build_nak(buf, 4, 1, NULL, 0), -ENOSPC);
}

static void test_parse_malformed(void)
{
	struct pap_packet p;

	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00", 3, &p), -EBADMSG);
	CU_ASSERT_EQUAL(pap_parse(NULL, 8, &p), -EBADMSG);
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x02", 4, &p), -EBADMSG);
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x09", 4, &p), -EBADMSG);
	/* request without peer-id length */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x04", 4, &p), -EBADMSG);
	/* peer-id runs past Length */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x06\x02\x41\x42", 7, &p), -EBADMSG);
	/* missing Passwd-Length */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x06\x01\x41\x00", 7, &p), -EBADMSG);
	/* password runs past Length */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x08\x01\x41\x02\x42\x43", 9, &p), -EBADMSG);
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x01\x01\x00\x09\x01\x41\x02\x42\x43", 9, &p), 0);
	CU_ASSERT_EQUAL(p.password_len, 2);
	/* message runs past Length */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x03\x01\x00\x06\x02\x41\x42", 7, &p), -EBADMSG);
	/* unknown code */
	CU_ASSERT_EQUAL(pap_parse((const uint8_t *)"\x04\x06\x00\x04", 4, &p), -EOPNOTSUPP);
	CU_ASSERT_EQUAL(p.id, 6);
}

static void test_password_equal(void)
{
	CU_ASSERT_TRUE(pap_password_equal("cisco", 5, "cisco", 5));
	CU_ASSERT_FALSE(pap_password_equal("cisc0", 5, "cisco", 5));
	CU_ASSERT_FALSE(pap_password_equal("cisco", 4, "cisco", 5));
	CU_ASSERT_FALSE(pap_password_equal("ciscocisco", 10, "cisco", 5));
	CU_ASSERT_FALSE(pap_password_equal("cisco", 5, "ciscocisco", 10));
	CU_ASSERT_FALSE(pap_password_equal("", 0, "cisco", 5));
	CU_ASSERT_FALSE(pap_password_equal("cisco", 5, "", 0));
	CU_ASSERT_TRUE(pap_password_equal(NULL, 0, "", 0));
	CU_ASSERT_FALSE(pap_password_equal(NULL, 3, "abc", 3));
}

static void test_names_describe(void)
{
	uint8_t buf[64];
	char line[128];
	ssize_t n;

	CU_ASSERT_STRING_EQUAL(pap_code_name(1), "AUTH-REQ");
	CU_ASSERT_STRING_EQUAL(pap_code_name(2), "AUTH-ACK");
	CU_ASSERT_STRING_EQUAL(pap_code_name(3), "AUTH-NAK");
	CU_ASSERT_STRING_EQUAL(pap_code_name(4), "UNKNOWN");
	n = pap_build_request(buf, sizeof(buf), 3, "remote1@cisco.com", 17, "s3cr3t", 6);
	pap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "AUTH-REQ id 3 len 29 from \"remote1@cisco.com\"");
	CU_ASSERT_PTR_NULL(strstr(line, "s3cr3t"));
	n = pap_build_ack(buf, sizeof(buf), 3, NULL, 0);
	pap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "AUTH-ACK id 3 len 5");
	n = pap_build_nak(buf, sizeof(buf), 3, "no", 2);
	pap_describe(buf, (size_t)n, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "AUTH-NAK id 3 len 7 msg is \"no\"");
	pap_describe(buf, 1, line, sizeof(line));
	CU_ASSERT_STRING_EQUAL(line, "malformed len 1");
}

static const struct vpdn_test_case pap_tests[] = {
	{"request build/parse", test_request_roundtrip},
	{"ack/nak build/parse", test_reply_roundtrip},
	{"build errors", test_build_errors},
	{"parse malformed", test_parse_malformed},
	{"password equal", test_password_equal},
	{"names and describe", test_names_describe},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"ppp-pap", pap_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
