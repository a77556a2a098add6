/* SPDX-License-Identifier: MIT */
/* IPv4 fragmentation and ICMP fragmentation-needed (modules/ip/frag.c):
 * packets in, fragments and ICMP errors out, checked octet by octet. */
#include <arpa/inet.h>
#include <glib.h>
#include <errno.h>
#include <string.h>

#include "frag.h"
#include "test_ip_common.h"
#include "vpdn_test.h"

struct frags {
	unsigned n;
	size_t len[64];
	uint8_t data[64][1600];
};

static void collect(void *ctx, const uint8_t *f, size_t n)
{
	struct frags *fr = ctx;
	CU_ASSERT_FATAL(fr->n < 64 && n <= sizeof(fr->data[0]));
	fr->len[fr->n] = n;
	memcpy(fr->data[fr->n], f, n);
	fr->n++;
}

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* A UDP packet of tot octets (payload a counting pattern), flags/offset
 * field fo, header options opt (olen, multiple of 4). */
static size_t mkpkt(uint8_t *p, size_t tot, uint16_t fo, const uint8_t *opt, size_t olen)
{
	uint8_t data[2048];
	size_t ihl = 20 + olen, n;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	n = test_ip_udp(p, "10.200.20.32", "17.17.17.1", 1000, 9, 0x1234, data, tot - 28);
	if (olen) {
		memmove(p + ihl, p + 20, n - 20);
		memcpy(p + 20, opt, olen);
		n += olen;
		p[0] = (uint8_t)(0x40 | ihl / 4);
		p[2] = (uint8_t)(n >> 8);
		p[3] = (uint8_t)n;
	}
	p[6] = (uint8_t)(fo >> 8);
	p[7] = (uint8_t)fo;
	p[10] = p[11] = 0;
	uint16_t c = ip_csum(p, ihl);
	p[10] = (uint8_t)(c >> 8);
	p[11] = (uint8_t)c;
	return n;
}

static void test_fragment_two(void)
{
	uint8_t p[2048], scratch[1200];
	static struct frags fr;
	size_t n = mkpkt(p, 1428, 0, NULL, 0);

	memset(&fr, 0, sizeof(fr));
	CU_ASSERT_EQUAL(ip_v4_check(p, n), 1428);
	CU_ASSERT_FALSE(ip_v4_df(p));
	CU_ASSERT_EQUAL(ip_fragment(p, n, 1200, scratch, sizeof(scratch), collect, &fr), 2);
	CU_ASSERT_EQUAL_FATAL(fr.n, 2);
	/* 1180 octets of room, a multiple of 8: 1176 of data first */
	CU_ASSERT_EQUAL(fr.len[0], 20 + 1176);
	CU_ASSERT_EQUAL(g16(fr.data[0] + 2), 1196);
	CU_ASSERT_EQUAL(g16(fr.data[0] + 6), 0x2000);           /* MF, offset 0 */
	CU_ASSERT_EQUAL(fr.len[1], 20 + 1408 - 1176);
	CU_ASSERT_EQUAL(g16(fr.data[1] + 6), 1176 / 8);         /* last, offset 147 */
	for (unsigned i = 0; i < 2; i++) {
		CU_ASSERT(fr.len[i] <= 1200);
		CU_ASSERT_EQUAL(ip_csum(fr.data[i], 20), 0);    /* header checksum */
		CU_ASSERT_EQUAL(g16(fr.data[i] + 4), 0x1234);   /* same ID */
		CU_ASSERT_EQUAL(memcmp(fr.data[i] + 12, p + 12, 8), 0);
		CU_ASSERT_EQUAL(fr.data[i][9], 17);
	}
	/* the data, put back together, is the packet's */
	CU_ASSERT_EQUAL(memcmp(fr.data[0] + 20, p + 20, 1176), 0);
	CU_ASSERT_EQUAL(memcmp(fr.data[1] + 20, p + 20 + 1176, 1408 - 1176), 0);

	/* DF: not fragmented */
	n = mkpkt(p, 1428, 0x4000, NULL, 0);
	CU_ASSERT_TRUE(ip_v4_df(p));
	memset(&fr, 0, sizeof(fr));
	CU_ASSERT_EQUAL(ip_fragment(p, n, 1200, scratch, sizeof(scratch), collect, &fr), -EMSGSIZE);
	CU_ASSERT_EQUAL(fr.n, 0);
	/* bad input */
	CU_ASSERT_EQUAL(ip_fragment(p, 19, 1200, scratch, sizeof(scratch), collect, &fr), -EBADMSG);
	p[0] = 0x65;
	CU_ASSERT_EQUAL(ip_fragment(p, n, 1200, scratch, sizeof(scratch), collect, &fr), -EBADMSG);
	n = mkpkt(p, 1428, 0, NULL, 0);
	CU_ASSERT_EQUAL(ip_fragment(p, n - 1, 1200, scratch, sizeof(scratch), collect, &fr),
			-EBADMSG); /* total length beyond the buffer */
	CU_ASSERT_EQUAL(ip_fragment(p, n, 60, scratch, sizeof(scratch), collect, &fr), -EINVAL);
	CU_ASSERT_EQUAL(ip_fragment(p, n, 1200, scratch, 1000, collect, &fr), -EINVAL);
	CU_ASSERT_EQUAL(fr.n, 0);
}

/* Options: all in the first fragment, only the copied ones later; a
 * packet that is a fragment itself keeps MF and continues its offset. */
static void test_fragment_options_and_offset(void)
{
	/* Router Alert (copied, 4), Record Route (not copied, 7), EOL */
	static const uint8_t opt[12] = { 0x94, 4, 0, 0, 0x07, 7, 4, 0, 0, 0, 0, 0 };
	uint8_t p[2048], scratch[600];
	static struct frags fr;
	size_t n = mkpkt(p, 1000, 0x2000 | 100, opt, sizeof(opt));

	memset(&fr, 0, sizeof(fr));
	int r = ip_fragment(p, n, 576, scratch, sizeof(scratch), collect, &fr);
	CU_ASSERT_EQUAL(r, 2);
	CU_ASSERT_EQUAL_FATAL(fr.n, 2);
	CU_ASSERT_EQUAL(fr.data[0][0], 0x48);                    /* IHL 8: all options */
	CU_ASSERT_EQUAL(memcmp(fr.data[0] + 20, opt, 12), 0);
	CU_ASSERT_EQUAL(fr.len[0], 32 + 544);                    /* (576-32)&~7 = 544 */
	CU_ASSERT_EQUAL(g16(fr.data[0] + 6), 0x2000 | 100);
	CU_ASSERT_EQUAL(fr.data[1][0], 0x46);                    /* IHL 6: Router Alert */
	CU_ASSERT_EQUAL(fr.data[1][20], 0x94);
	CU_ASSERT_EQUAL(fr.data[1][23], 0);
	CU_ASSERT_EQUAL(fr.len[1], 24 + (1012 - 32 - 544)); /* 12 octets of options */
	CU_ASSERT_EQUAL(g16(fr.data[1] + 6), 0x2000 | (100 + 544 / 8)); /* MF kept */
	CU_ASSERT_EQUAL(ip_csum(fr.data[1], 24), 0);
	CU_ASSERT_EQUAL(memcmp(fr.data[1] + 24, p + 32 + 544, 1012 - 32 - 544), 0);
	/* a truncated option in the header: refused, not read beyond */
	static const uint8_t bad[4] = { 0x94, 9, 0, 0 };
	n = mkpkt(p, 1000, 0, bad, sizeof(bad));
	memset(&fr, 0, sizeof(fr));
	CU_ASSERT_EQUAL(ip_fragment(p, n, 576, scratch, sizeof(scratch), collect, &fr), -EBADMSG);
	/* the smallest MTU still carries 8 octets with a full header */
	static const uint8_t big[40] = { 0x94, 4, 0, 0, 0x07, 35, 4 };
	n = mkpkt(p, 200, 0, big, sizeof(big));
	memset(&fr, 0, sizeof(fr));
	r = ip_fragment(p, n, IP_MTU_MIN, scratch, sizeof(scratch), collect, &fr);
	CU_ASSERT(r > 2);
	CU_ASSERT_EQUAL(fr.len[0], 60 + 8);
	for (unsigned i = 0; i < fr.n; i++)
		CU_ASSERT(fr.len[i] <= IP_MTU_MIN);
}

static void test_icmp_frag_needed(void)
{
	uint8_t p[2048], o[600];
	size_t n = mkpkt(p, 1428, 0x4000, NULL, 0);
	struct in_addr from = test_ip_addr("17.17.17.1");
	ssize_t r = ip_icmp_frag_needed(p, n, 1200, from, o, sizeof(o));

	CU_ASSERT_EQUAL_FATAL(r, 576);                           /* RFC 1812: <= 576 */
	CU_ASSERT_EQUAL(o[0], 0x45);
	CU_ASSERT_EQUAL(g16(o + 2), 576);
	CU_ASSERT_EQUAL(o[9], 1);
	CU_ASSERT_EQUAL(ip_csum(o, 20), 0);
	CU_ASSERT_EQUAL(memcmp(o + 12, &from, 4), 0);
	CU_ASSERT_EQUAL(memcmp(o + 16, p + 12, 4), 0);           /* to the sender */
	CU_ASSERT_EQUAL(o[20], 3);                               /* unreachable */
	CU_ASSERT_EQUAL(o[21], 4);                               /* frag needed */
	CU_ASSERT_EQUAL(g16(o + 24), 0);
	CU_ASSERT_EQUAL(g16(o + 26), 1200);                      /* next-hop MTU */
	CU_ASSERT_EQUAL(ip_csum(o + 20, 576 - 20), 0);
	CU_ASSERT_EQUAL(memcmp(o + 28, p, 548), 0);              /* the packet's start */
	/* a small packet is quoted whole */
	n = mkpkt(p, 100, 0x4000, NULL, 0);
	CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, n, 68, from, o, sizeof(o)), 128);
	CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, n, 68, from, o, 100), -ENOSPC);

	/* never about an ICMP error, a non-first fragment, or a source that
	 * is not one host */
	n = mkpkt(p, 100, 0x4000, NULL, 0);
	p[9] = 1;
	p[20] = 3;
	CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, n, 68, from, o, sizeof(o)), -EPERM);
	p[20] = 8; /* an Echo Request is answered */
	CU_ASSERT(ip_icmp_frag_needed(p, n, 68, from, o, sizeof(o)) > 0);
	n = mkpkt(p, 100, 0x4000 | 5, NULL, 0);
	CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, n, 68, from, o, sizeof(o)), -EPERM);
	static const char *const nohost[] = { "0.0.0.0", "255.255.255.255", "224.0.0.1",
					      "127.0.0.1", "240.1.2.3" };
	for (unsigned i = 0; i < G_N_ELEMENTS(nohost); i++) {
		n = mkpkt(p, 100, 0x4000, NULL, 0);
		struct in_addr a = test_ip_addr(nohost[i]);
		memcpy(p + 12, &a, 4);
		CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, n, 68, from, o, sizeof(o)), -EPERM);
	}
	CU_ASSERT_EQUAL(ip_icmp_frag_needed(p, 10, 68, from, o, sizeof(o)), -EBADMSG);
}

static const struct vpdn_test_case frag_tests[] = {
	{ "fragment a packet over the MTU; DF refused", test_fragment_two },
	{ "options and offsets of fragments", test_fragment_options_and_offset },
	{ "ICMP fragmentation needed", test_icmp_frag_needed },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip-frag", frag_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
