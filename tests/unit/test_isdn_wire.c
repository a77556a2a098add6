/* SPDX-License-Identifier: MIT */
/* The node <-> switch wire codec: round trips and malformed input. */
#include <errno.h>
#include <string.h>

#include "vpdn_test.h"
#include "wire.h"

static void test_setup_round_trip(void)
{
	struct isdn_msg m, d;
	uint8_t buf[ISDN_WIRE_MAX];

	isdn_msg_init(&m, ISDN_MSG_SETUP, 0x0123);
	strcpy(m.called, "8211");
	strcpy(m.calling, "6122");
	strcpy(m.port, "BRI 0");
	m.bearer_kbps = 64;
	m.channel = 17;
	m.dchan = 2101;
	int n = isdn_msg_encode(&m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > ISDN_WIRE_HDR);
	CU_ASSERT_EQUAL(isdn_msg_frame_len(buf, (size_t)n), n);
	CU_ASSERT_EQUAL(isdn_msg_frame_len(buf, (size_t)n - 1), 0);
	CU_ASSERT_EQUAL(isdn_msg_decode(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.type, ISDN_MSG_SETUP);
	CU_ASSERT_EQUAL(d.cref, 0x0123);
	CU_ASSERT_EQUAL(d.dchan, 2101);
	CU_ASSERT_EQUAL(buf[3] << 8 | buf[4], 2101); /* dchan before cref */
	CU_ASSERT_EQUAL(buf[5] << 8 | buf[6], 0x0123);
	CU_ASSERT_STRING_EQUAL(d.called, "8211");
	CU_ASSERT_STRING_EQUAL(d.calling, "6122");
	CU_ASSERT_STRING_EQUAL(d.port, "BRI 0");
	CU_ASSERT_EQUAL(d.bearer_kbps, 64);
	CU_ASSERT_EQUAL(d.channel, 17);
	CU_ASSERT_EQUAL(d.cause, 0);
}

static void test_register_and_cause(void)
{
	struct isdn_msg m, d;
	uint8_t buf[ISDN_WIRE_MAX];

	isdn_msg_init(&m, ISDN_MSG_REGISTER, 0);
	strcpy(m.port, "E1 0");
	m.channels = 0x7fff7fff;
	strcpy(m.numbers[0], "8211");
	strcpy(m.numbers[1], "82");
	m.n_numbers = 2;
	int n = isdn_msg_encode(&m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	CU_ASSERT_EQUAL_FATAL(isdn_msg_decode(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.channels, 0x7fff7fff);
	CU_ASSERT_EQUAL(d.n_numbers, 2);
	CU_ASSERT_STRING_EQUAL(d.numbers[1], "82");

	isdn_msg_init(&m, ISDN_MSG_DISCONNECT, 0x8001);
	m.cause = 17;
	n = isdn_msg_encode(&m, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(isdn_msg_decode(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.cause, 17);
	CU_ASSERT_EQUAL(d.cref, 0x8001);
	CU_ASSERT_EQUAL(d.channel, -1);
}

static void test_data(void)
{
	struct isdn_msg m, d;
	uint8_t buf[ISDN_WIRE_MAX], frame[1500];

	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	isdn_msg_init(&m, ISDN_MSG_DATA, 7);
	m.data = frame;
	m.data_len = sizeof(frame);
	int n = isdn_msg_encode(&m, buf, sizeof(buf));
	CU_ASSERT_EQUAL_FATAL(n, ISDN_WIRE_HDR + 1500);
	CU_ASSERT_EQUAL_FATAL(isdn_msg_decode(buf, (size_t)n, &d), 0);
	CU_ASSERT_EQUAL(d.data_len, 1500);
	CU_ASSERT(memcmp(d.data, frame, 1500) == 0);

	/* too big for one message */
	static uint8_t big[ISDN_WIRE_MAX];
	m.data = big;
	m.data_len = sizeof(big);
	CU_ASSERT_EQUAL(isdn_msg_encode(&m, buf, sizeof(buf)), -EMSGSIZE);
}

static void test_encode_rejects_bad_fields(void)
{
	struct isdn_msg m;
	uint8_t buf[ISDN_WIRE_MAX];

	isdn_msg_init(&m, ISDN_MSG_SETUP, 1);
	strcpy(m.called, "12a4");
	CU_ASSERT_EQUAL(isdn_msg_encode(&m, buf, sizeof(buf)), -EINVAL);
	isdn_msg_init(&m, ISDN_MSG_RELEASE, 1);
	m.cause = 200;
	CU_ASSERT_EQUAL(isdn_msg_encode(&m, buf, sizeof(buf)), -EINVAL);
	isdn_msg_init(&m, 0x99, 1);
	CU_ASSERT_EQUAL(isdn_msg_encode(&m, buf, sizeof(buf)), -EINVAL);
	isdn_msg_init(&m, ISDN_MSG_SETUP, 1);
	strcpy(m.called, "1234");
	CU_ASSERT_EQUAL(isdn_msg_encode(&m, buf, 6), -EMSGSIZE);
}

static void test_malformed(void)
{
	struct isdn_msg d;
	uint8_t b[64];

	/* length field too small / too big */
	uint8_t small[] = { 0, 3, ISDN_MSG_SETUP };
	CU_ASSERT_EQUAL(isdn_msg_frame_len(small, sizeof(small)), -EBADMSG);
	uint8_t huge[] = { 0xff, 0xff, ISDN_MSG_SETUP, 0, 0, 0, 1 };
	CU_ASSERT_EQUAL(isdn_msg_frame_len(huge, sizeof(huge)), -EBADMSG);
	CU_ASSERT_EQUAL(isdn_msg_frame_len(huge, 1), 0);
	/* unknown type */
	uint8_t unk[] = { 0, 7, 0x99, 0, 0, 0, 1 };
	CU_ASSERT_EQUAL(isdn_msg_decode(unk, sizeof(unk), &d), -EBADMSG);
	/* length field disagrees with the buffer */
	uint8_t dis[] = { 0, 11, ISDN_MSG_SETUP, 0, 0, 0, 1 };
	CU_ASSERT_EQUAL(isdn_msg_decode(dis, sizeof(dis), &d), -EBADMSG);
	/* TLV running past the end */
	uint8_t trunc[] = { 0, 11, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_CALLED, 9, '1', '2' };
	CU_ASSERT_EQUAL(isdn_msg_decode(trunc, sizeof(trunc), &d), -EBADMSG);
	/* half a TLV header */
	uint8_t half[] = { 0, 8, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_CALLED };
	CU_ASSERT_EQUAL(isdn_msg_decode(half, sizeof(half), &d), -EBADMSG);
	/* bad cause, bad channel, bad digits, empty number, wrong sizes */
	uint8_t cause[] = { 0, 10, ISDN_MSG_RELEASE, 0, 0, 0, 1, ISDN_TLV_CAUSE, 1, 0 };
	CU_ASSERT_EQUAL(isdn_msg_decode(cause, sizeof(cause), &d), -EBADMSG);
	uint8_t chan[] = { 0, 10, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_CHANNEL, 1, 32 };
	CU_ASSERT_EQUAL(isdn_msg_decode(chan, sizeof(chan), &d), -EBADMSG);
	uint8_t dig[] = { 0, 11, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_CALLING, 2, '1', 'x' };
	CU_ASSERT_EQUAL(isdn_msg_decode(dig, sizeof(dig), &d), -EBADMSG);
	uint8_t empty[] = { 0, 9, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_CALLED, 0 };
	CU_ASSERT_EQUAL(isdn_msg_decode(empty, sizeof(empty), &d), -EBADMSG);
	uint8_t bearer[] = { 0, 10, ISDN_MSG_SETUP, 0, 0, 0, 1, ISDN_TLV_BEARER, 1, 64 };
	CU_ASSERT_EQUAL(isdn_msg_decode(bearer, sizeof(bearer), &d), -EBADMSG);
	/* too many numbers */
	size_t off = ISDN_WIRE_HDR;
	memset(b, 0, sizeof(b));
	b[2] = ISDN_MSG_REGISTER;
	for (int i = 0; i < ISDN_WIRE_MAX_NUMBERS + 1; i++) {
		b[off++] = ISDN_TLV_NUMBER;
		b[off++] = 1;
		b[off++] = '1';
	}
	b[1] = (uint8_t)off;
	CU_ASSERT_EQUAL(isdn_msg_decode(b, off, &d), -EBADMSG);
	/* unknown TLV is skipped */
	uint8_t skip[] = { 0, 12, ISDN_MSG_ALERTING, 0, 0, 0x80, 1, 0x55, 3, 1, 2, 3 };
	CU_ASSERT_EQUAL(isdn_msg_decode(skip, sizeof(skip), &d), 0);
	CU_ASSERT_EQUAL(d.cref, 0x8001);
}

/* Every truncation and every single-octet corruption of a valid message is
 * either decoded or refused, never read out of bounds (run under ASan). */
static void test_mutations(void)
{
	struct isdn_msg m, d;
	uint8_t buf[ISDN_WIRE_MAX], mut[ISDN_WIRE_MAX];

	isdn_msg_init(&m, ISDN_MSG_SETUP, 0x0042);
	strcpy(m.called, "6121");
	strcpy(m.calling, "8211");
	strcpy(m.port, "E1 0");
	m.bearer_kbps = 64;
	m.channel = 30;
	int n = isdn_msg_encode(&m, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	for (int len = 0; len < n; len++) {
		memcpy(mut, buf, (size_t)len);
		CU_ASSERT(isdn_msg_frame_len(mut, (size_t)len) <= 0);
	}
	unsigned ok = 0, bad = 0;
	for (int i = 0; i < n; i++)
		for (int v = 0; v < 256; v += 7) {
			memcpy(mut, buf, (size_t)n);
			mut[i] = (uint8_t)v;
			if (isdn_msg_decode(mut, (size_t)n, &d) == 0)
				ok++;
			else
				bad++;
		}
	CU_ASSERT(ok > 0);
	CU_ASSERT(bad > 0);
}

static const struct vpdn_test_case wire_tests[] = {
	{ "setup round trip", test_setup_round_trip },
	{ "register and cause", test_register_and_cause },
	{ "data", test_data },
	{ "encode rejects bad fields", test_encode_rejects_bad_fields },
	{ "malformed", test_malformed },
	{ "mutations", test_mutations },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "isdn-wire", wire_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
