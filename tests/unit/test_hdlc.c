/* SPDX-License-Identifier: MIT */
/* RFC 1662 async HDLC-like framing. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hdlc.h"
#include "vpdn_test.h"

#define MAX_CAPTURE 64

struct capture {
	unsigned count;
	size_t len[MAX_CAPTURE];
	uint8_t data[MAX_CAPTURE][2048];
};

static void on_frame(const uint8_t *frame, size_t len, void *data)
{
	struct capture *c = data;

	if (c->count < MAX_CAPTURE && len <= sizeof(c->data[0])) {
		memcpy(c->data[c->count], frame, len);
		c->len[c->count] = len;
	}
	c->count++;
}

static const uint8_t lcp_frame[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
/* Computed independently (bitwise CRC in Python), ACCM 0xFFFFFFFF. */
static const uint8_t lcp_encoded[] = {
	0x7e, 0xff, 0x7d, 0x23, 0xc0, 0x21, 0x7d, 0x21, 0x7d, 0x21, 0x7d, 0x20,
	0x7d, 0x24, 0xd1, 0xb5, 0x7e,
};

static void test_fcs_vector(void)
{
	uint16_t fcs = hdlc_fcs16(HDLC_FCS_INIT, "123456789", 9);
	uint8_t with_fcs[11];

	CU_ASSERT_EQUAL((uint16_t)~fcs, 0x906E);
	memcpy(with_fcs, "123456789", 9);
	with_fcs[9] = 0x6E;
	with_fcs[10] = 0x90;
	CU_ASSERT_EQUAL(hdlc_fcs16(HDLC_FCS_INIT, with_fcs, 11), HDLC_FCS_GOOD);
	/* incremental == one shot */
	CU_ASSERT_EQUAL(hdlc_fcs16(hdlc_fcs16(HDLC_FCS_INIT, "1234", 4), "56789", 5), fcs);
}

static void test_encode_vector(void)
{
	uint8_t out[64];
	ssize_t n = hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_frame, sizeof(lcp_frame),
				out, sizeof(out));

	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(lcp_encoded));
	CU_ASSERT_EQUAL(memcmp(out, lcp_encoded, sizeof(lcp_encoded)), 0);
	n = hdlc_encode(HDLC_ACCM_DEFAULT, HDLC_ENC_NO_OPEN_FLAG, lcp_frame,
			sizeof(lcp_frame), out, sizeof(out));
	CU_ASSERT_EQUAL(n, (ssize_t)sizeof(lcp_encoded) - 1);
	CU_ASSERT_EQUAL(memcmp(out, lcp_encoded + 1, sizeof(lcp_encoded) - 1), 0);
}

static void test_escaping(void)
{
	const uint8_t frame[] = {0x7e, 0x7d, 0x11, 0x13, 0x00, 0x1f, 0x20, 0x5e, 0x91};
	uint8_t out[64];
	ssize_t n;

	/* ACCM 0: only 7E and 7D escaped */
	n = hdlc_encode(0, HDLC_ENC_NO_OPEN_FLAG, frame, sizeof(frame), out, sizeof(out));
	CU_ASSERT_TRUE(n >= 13);
	CU_ASSERT_EQUAL(memcmp(out, "\x7d\x5e\x7d\x5d\x11\x13\x00\x1f\x20\x5e\x91", 11), 0);
	/* XON/XOFF in the ACCM */
	n = hdlc_encode((1u << 0x11) | (1u << 0x13), HDLC_ENC_NO_OPEN_FLAG, frame,
			sizeof(frame), out, sizeof(out));
	CU_ASSERT_TRUE(n >= 15);
	CU_ASSERT_EQUAL(memcmp(out, "\x7d\x5e\x7d\x5d\x7d\x31\x7d\x33\x00\x1f\x20\x5e\x91", 13), 0);
	CU_ASSERT_TRUE(hdlc_must_escape(0x7e, 0));
	CU_ASSERT_TRUE(hdlc_must_escape(0x7d, 0));
	CU_ASSERT_TRUE(hdlc_must_escape(0x00, 1));
	CU_ASSERT_FALSE(hdlc_must_escape(0x01, 1));
	CU_ASSERT_FALSE(hdlc_must_escape(0x20, 0xffffffff));
	CU_ASSERT_FALSE(hdlc_must_escape(0xfe, 0xffffffff));
	/* the FCS octets are escaped too: find a frame whose FCS contains 7E
	 * and check that no bare 7E appears between the flags */
	for (unsigned v = 0; v < 65536; v++) {
		uint8_t f[2] = {(uint8_t)(v >> 8), (uint8_t)v};
		uint16_t fcs = (uint16_t)~hdlc_fcs16(HDLC_FCS_INIT, f, 2);
		if ((fcs & 0xff) != 0x7e && (fcs >> 8) != 0x7e)
			continue;
		n = hdlc_encode(0, 0, f, 2, out, sizeof(out));
		CU_ASSERT_TRUE(n > 2);
		CU_ASSERT_PTR_NULL(memchr(out + 1, 0x7e, (size_t)n - 2));
		break;
	}
}

static void test_encode_errors(void)
{
	uint8_t frame[100], out[HDLC_ENCODED_MAX(100)];

	memset(frame, 0x7e, sizeof(frame));
	/* all 7E: 200 escaped octets + FCS (1..4 octets) + 2 flags fit */
	CU_ASSERT_TRUE(hdlc_encode(0, 0, frame, sizeof(frame), out, sizeof(out)) >= 204);
	CU_ASSERT_EQUAL(hdlc_encode(0, 0, frame, sizeof(frame), out, 150), -ENOSPC);
	CU_ASSERT_EQUAL(hdlc_encode(0, 0, frame, 0, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(hdlc_encode(0, 0, NULL, 4, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(hdlc_encode(0, 0, lcp_frame, sizeof(lcp_frame), out, 0), -ENOSPC);
	/* exactly the needed size works, one less does not */
	CU_ASSERT_EQUAL(hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_frame, sizeof(lcp_frame),
				    out, sizeof(lcp_encoded)), (ssize_t)sizeof(lcp_encoded));
	CU_ASSERT_EQUAL(hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_frame, sizeof(lcp_frame),
				    out, sizeof(lcp_encoded) - 1), -ENOSPC);
}

static void test_decode_vector(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);

	CU_ASSERT_PTR_NOT_NULL_FATAL(d);
	hdlc_deframer_feed(d, lcp_encoded, sizeof(lcp_encoded));
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(c.len[0], sizeof(lcp_frame));
	CU_ASSERT_EQUAL(memcmp(c.data[0], lcp_frame, sizeof(lcp_frame)), 0);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->frames, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->octets, sizeof(lcp_frame));
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 0);
	hdlc_deframer_free(d);
}

static void test_decode_chunked(void)
{
	/* every split point into two chunks, and byte by byte */
	for (size_t split = 0; split <= sizeof(lcp_encoded); split++) {
		struct capture c = {0};
		struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);
		hdlc_deframer_feed(d, lcp_encoded, split);
		hdlc_deframer_feed(d, lcp_encoded + split, sizeof(lcp_encoded) - split);
		CU_ASSERT_EQUAL(c.count, 1);
		CU_ASSERT_EQUAL(memcmp(c.data[0], lcp_frame, sizeof(lcp_frame)), 0);
		hdlc_deframer_free(d);
	}
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);
	for (size_t i = 0; i < sizeof(lcp_encoded); i++)
		hdlc_deframer_feed(d, lcp_encoded + i, 1);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(c.len[0], sizeof(lcp_frame));
	hdlc_deframer_free(d);
}

static void test_back_to_back(void)
{
	uint8_t stream[128];
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);
	const uint8_t f2[] = {0xff, 0x03, 0x00, 0x21, 0x45, 0x00};
	ssize_t n1 = hdlc_encode(HDLC_ACCM_DEFAULT, 0, lcp_frame, sizeof(lcp_frame),
				 stream, sizeof(stream));
	ssize_t n2 = hdlc_encode(HDLC_ACCM_DEFAULT, HDLC_ENC_NO_OPEN_FLAG, f2, sizeof(f2),
				 stream + n1, sizeof(stream) - (size_t)n1);

	CU_ASSERT_TRUE(n1 > 0 && n2 > 0);
	/* exactly one flag between the frames */
	CU_ASSERT_EQUAL(stream[n1 - 1], HDLC_FLAG);
	CU_ASSERT_NOT_EQUAL(stream[n1], HDLC_FLAG);
	hdlc_deframer_feed(d, stream, (size_t)(n1 + n2));
	CU_ASSERT_EQUAL(c.count, 2);
	CU_ASSERT_EQUAL(c.len[0], sizeof(lcp_frame));
	CU_ASSERT_EQUAL(c.len[1], sizeof(f2));
	CU_ASSERT_EQUAL(memcmp(c.data[1], f2, sizeof(f2)), 0);
	/* many idle flags between frames are fill, not runts */
	hdlc_deframer_feed(d, "\x7e\x7e\x7e\x7e", 4);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->runts, 0);
	hdlc_deframer_free(d);
}

static void test_abort(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);

	hdlc_deframer_feed(d, "\x7e\xff\x7d\x23\xc0\x21\x7d\x7e", 8);
	CU_ASSERT_EQUAL(c.count, 0);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->aborts, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 0);
	/* the abort's flag opens the next frame */
	hdlc_deframer_feed(d, lcp_encoded + 1, sizeof(lcp_encoded) - 1);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(memcmp(c.data[0], lcp_frame, sizeof(lcp_frame)), 0);
	hdlc_deframer_free(d);
}

static void test_runts(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);

	hdlc_deframer_set_accm(d, 0);
	hdlc_deframer_feed(d, "\x7e\x01\x7e", 3);
	hdlc_deframer_feed(d, "\x02\x03\x04\x7e", 4);
	/* escaped octets count once: 3 octets */
	hdlc_deframer_feed(d, "\x7d\x5e\x7d\x5d\x01\x7e", 6);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->runts, 3);
	CU_ASSERT_EQUAL(c.count, 0);
	/* a 4-octet frame (2 data + FCS) is not a runt */
	uint8_t out[16];
	ssize_t n = hdlc_encode(0, 0, "\xc0\x21", 2, out, sizeof(out));
	hdlc_deframer_feed(d, out, (size_t)n);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(c.len[0], 2);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->runts, 3);
	hdlc_deframer_free(d);
}

static void test_bad_fcs(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);
	uint8_t bad[sizeof(lcp_encoded)];

	memcpy(bad, lcp_encoded, sizeof(bad));
	bad[4] ^= 0x01; /* 0xc0 -> 0xc1 */
	hdlc_deframer_feed(d, bad, sizeof(bad));
	CU_ASSERT_EQUAL(c.count, 0);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 1);
	memcpy(bad, lcp_encoded, sizeof(bad));
	bad[14] ^= 0x80; /* FCS octet */
	hdlc_deframer_feed(d, bad, sizeof(bad));
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 2);
	hdlc_deframer_feed(d, lcp_encoded, sizeof(lcp_encoded));
	CU_ASSERT_EQUAL(c.count, 1);
	hdlc_deframer_free(d);
}

static void test_too_long(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(10, on_frame, &c);
	uint8_t frame[11], out[64];
	ssize_t n;

	hdlc_deframer_set_accm(d, 0);
	memset(frame, 0x41, sizeof(frame));
	n = hdlc_encode(0, 0, frame, 11, out, sizeof(out));
	hdlc_deframer_feed(d, out, (size_t)n);
	CU_ASSERT_EQUAL(c.count, 0);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->too_long, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 0);
	n = hdlc_encode(0, 0, frame, 10, out, sizeof(out));
	hdlc_deframer_feed(d, out, (size_t)n);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(c.len[0], 10);
	/* a long run without any flag counts once and recovers */
	uint8_t junk[5000];
	memset(junk, 0x55, sizeof(junk));
	hdlc_deframer_feed(d, junk, sizeof(junk));
	hdlc_deframer_feed(d, out, (size_t)n);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->too_long, 2);
	CU_ASSERT_EQUAL(c.count, 2);
	/* raising the bound lets the longer frame through */
	CU_ASSERT_EQUAL(hdlc_deframer_set_max_frame(d, 11), 0);
	n = hdlc_encode(0, 0, frame, 11, out, sizeof(out));
	hdlc_deframer_feed(d, out, (size_t)n);
	CU_ASSERT_EQUAL(c.count, 3);
	CU_ASSERT_EQUAL(c.len[2], 11);
	hdlc_deframer_free(d);
}

static void test_recv_accm(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);
	uint8_t stream[64];
	size_t n = sizeof(lcp_encoded);

	CU_ASSERT_EQUAL(hdlc_deframer_get_accm(d), HDLC_ACCM_DEFAULT);
	/* a DCE inserted XON (0x11) and XOFF (0x13) in the middle, even
	 * between 7D and the escaped octet */
	memcpy(stream, lcp_encoded, 3);
	stream[3] = 0x11;
	memcpy(stream + 4, lcp_encoded + 3, 3);
	stream[7] = 0x13;
	memcpy(stream + 8, lcp_encoded + 6, n - 6);
	hdlc_deframer_feed(d, stream, n + 2);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(memcmp(c.data[0], lcp_frame, sizeof(lcp_frame)), 0);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->ctrl_dropped, 2);
	/* with a receive ACCM of 0 the same octets are data: bad FCS */
	hdlc_deframer_set_accm(d, 0);
	CU_ASSERT_EQUAL(hdlc_deframer_get_accm(d), 0);
	hdlc_deframer_feed(d, stream, n + 2);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 1);
	/* ... and an unescaped control octet that is really data passes */
	uint8_t out[32];
	ssize_t m = hdlc_encode(0, 0, "\xc0\x21\x11\x00", 4, out, sizeof(out));
	hdlc_deframer_feed(d, out, (size_t)m);
	CU_ASSERT_EQUAL(c.count, 2);
	CU_ASSERT_EQUAL(memcmp(c.data[1], "\xc0\x21\x11\x00", 4), 0);
	hdlc_deframer_free(d);
}

static void test_reset_and_leading_garbage(void)
{
	struct capture c = {0};
	struct hdlc_deframer *d = hdlc_deframer_new(0, on_frame, &c);

	/* garbage before the first flag is checked as a frame: bad FCS */
	hdlc_deframer_feed(d, "garbage", 7);
	hdlc_deframer_feed(d, lcp_encoded, sizeof(lcp_encoded));
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 1);
	/* a half frame then reset: nothing delivered, nothing counted */
	hdlc_deframer_feed(d, lcp_encoded, 9);
	hdlc_deframer_reset(d);
	hdlc_deframer_feed(d, lcp_encoded + 9, sizeof(lcp_encoded) - 9);
	CU_ASSERT_EQUAL(c.count, 1);
	CU_ASSERT_EQUAL(hdlc_deframer_stats(d)->bad_fcs, 2); /* tail alone */
	hdlc_deframer_feed(d, NULL, 10);
	hdlc_deframer_feed(NULL, "x", 1);
	CU_ASSERT_PTR_NULL(hdlc_deframer_new(0, NULL, NULL));
	hdlc_deframer_free(NULL);
	hdlc_deframer_free(d);
}

static void test_random_roundtrip(void)
{
	static uint8_t frames[40][700];
	static size_t lens[40];
	static uint8_t stream[40 * (2 * 702 + 2)];
	struct capture *c = calloc(1, sizeof(*c));
	unsigned seed = 12345;

	CU_ASSERT_PTR_NOT_NULL_FATAL(c);
	for (int round = 0; round < 50; round++) {
		uint32_t accm = (uint32_t)rand_r(&seed) ^ ((uint32_t)rand_r(&seed) << 16);
		size_t pos = 0;
		unsigned nframes = 1 + (unsigned)rand_r(&seed) % 40;
		struct hdlc_deframer *d = hdlc_deframer_new(700, on_frame, c);

		c->count = 0;
		/* the receiver's ACCM must not drop octets the sender leaves
		 * unescaped: receive ACCM = a subset of the send ACCM */
		hdlc_deframer_set_accm(d, accm & (uint32_t)rand_r(&seed));
		for (unsigned i = 0; i < nframes; i++) {
			lens[i] = 2 + (size_t)rand_r(&seed) % 699; /* 1 octet + FCS is a runt */
			for (size_t j = 0; j < lens[i]; j++) {
				unsigned r = (unsigned)rand_r(&seed);
				/* bias toward special octets */
				frames[i][j] = (r & 3) == 0 ? (uint8_t)(0x7d + (r >> 2) % 2)
					     : (r & 3) == 1 ? (uint8_t)((r >> 2) % 32)
					     : (uint8_t)(r >> 8);
			}
			ssize_t n = hdlc_encode(accm, i && (rand_r(&seed) & 1) ? HDLC_ENC_NO_OPEN_FLAG : 0,
						frames[i], lens[i], stream + pos,
						sizeof(stream) - pos);
			CU_ASSERT_TRUE_FATAL(n > 0);
			CU_ASSERT_TRUE((size_t)n <= HDLC_ENCODED_MAX(lens[i]));
			/* no unescaped ACCM octet or flag inside */
			for (ssize_t k = 1; k < n - 1; k++) {
				uint8_t o = stream[pos + (size_t)k];
				CU_ASSERT_FALSE(o == 0x7e || (o < 0x20 && (accm & (1u << o))));
			}
			pos += (size_t)n;
		}
		/* random chunking */
		for (size_t off = 0; off < pos;) {
			size_t chunk = 1 + (size_t)rand_r(&seed) % 97;
			if (chunk > pos - off)
				chunk = pos - off;
			hdlc_deframer_feed(d, stream + off, chunk);
			off += chunk;
		}
		CU_ASSERT_EQUAL(c->count, nframes);
		for (unsigned i = 0; i < nframes && i < c->count; i++) {
			CU_ASSERT_EQUAL(c->len[i], lens[i]);
			CU_ASSERT_EQUAL(memcmp(c->data[i], frames[i], lens[i]), 0);
		}
		const struct hdlc_stats *st = hdlc_deframer_stats(d);
		CU_ASSERT_EQUAL(st->bad_fcs + st->aborts + st->too_long + st->runts, 0);
		hdlc_deframer_free(d);
	}
	free(c);
}

static const struct vpdn_test_case hdlc_tests[] = {
	{"fcs-16 vector", test_fcs_vector},
	{"encode vector", test_encode_vector},
	{"escaping", test_escaping},
	{"encode errors", test_encode_errors},
	{"decode vector", test_decode_vector},
	{"decode chunked", test_decode_chunked},
	{"back-to-back frames", test_back_to_back},
	{"abort", test_abort},
	{"runts", test_runts},
	{"bad fcs", test_bad_fcs},
	{"too long", test_too_long},
	{"receive accm", test_recv_accm},
	{"reset, leading garbage", test_reset_and_leading_garbage},
	{"random round trip", test_random_roundtrip},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"hdlc", hdlc_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
