/* SPDX-License-Identifier: MIT */
/*
 * bench/tcpseg.c, the user-space GRO/TSO of loadgen --tun: segments built
 * here with checksums of this file's own (a plain 16-bit loop, RFC 1071),
 * coalesced into one super-packet (its vnet header, lengths, IP checksum,
 * the TCP checksum completed as a device would from the seed), cut again
 * by tcpseg_segment into exactly the segments that went in, every checksum
 * verified by recomputation; and what must not be coalesced.
 */
#include <arpa/inet.h>
#include <string.h>

#include "tcpseg.h"
#include "vpdn_test.h"

#define MSS 1360

/* RFC 1071, independent of tcpseg_sum */
static uint16_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i < n; i++)
		s += (i & 1) ? p[i] : (uint32_t)p[i] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

static uint32_t ref_pseudo(const uint8_t *ip, int v6, uint32_t l4len)
{
	uint32_t s = 6 + (l4len >> 16) + (l4len & 0xffff);
	const uint8_t *a = v6 ? ip + 8 : ip + 12;
	size_t n = v6 ? 32 : 8;
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)a[i] << 8 | a[i + 1];
	return s;
}

/* 1 when the IP header (v4) and the TCP checksums of pkt are right */
static int ref_valid(const uint8_t *pkt, size_t len)
{
	int v6 = (pkt[0] >> 4) == 6;
	size_t ihl = v6 ? 40 : 20;
	if (!v6 && ref_sum(pkt, 20, 0) != 0xffff)
		return 0;
	return ref_sum(pkt + ihl, len - ihl, ref_pseudo(pkt, v6, (uint32_t)(len - ihl))) == 0xffff;
}

/* A TCP segment (timestamps option) of pl octets at seq, payload bytes a
 * function of the stream offset, checksums filled by the reference. */
static size_t mkseg(uint8_t *p, int v6, uint32_t seq, size_t pl, uint8_t flags, uint16_t id)
{
	size_t ihl = v6 ? 40 : 20, thl = 32, len = ihl + thl + pl;
	memset(p, 0, ihl + thl);
	if (v6) {
		p[0] = 0x60; p[1] = 0x01; p[2] = 0x23; p[3] = 0x45;
		p[4] = (len - 40) >> 8; p[5] = (len - 40) & 0xff; p[6] = 6; p[7] = 64;
		p[8] = 0x20; p[9] = 0x01; p[23] = 1;  /* 2001::1 */
		p[24] = 0x20; p[25] = 0x01; p[39] = 2; /* 2001::2 */
	} else {
		p[0] = 0x45; p[2] = len >> 8; p[3] = len & 0xff;
		p[4] = id >> 8; p[5] = id & 0xff; p[6] = 0x40; p[8] = 64; p[9] = 6;
		p[12] = 10; p[13] = 98; p[15] = 1;       /* 10.98.0.1 */
		p[16] = 17; p[19] = 1;                   /* 17.0.0.1 */
	}
	uint8_t *t = p + ihl;
	t[0] = 0x14; t[1] = 0x51; t[2] = 0xc0; t[3] = 0x01;
	t[4] = seq >> 24; t[5] = seq >> 16; t[6] = seq >> 8; t[7] = seq;
	t[8] = 0xab; t[9] = 0xcd; t[10] = 0xef; t[11] = 0x01; /* ack */
	t[12] = 8 << 4; t[13] = flags; t[14] = 0x01; t[15] = 0xf6;
	t[20] = 1; t[21] = 1; t[22] = 8; t[23] = 10; /* NOP NOP TS */
	t[24] = 0x11; t[27] = 0x22; t[28] = 0x33; t[31] = 0x44;
	for (size_t i = 0; i < pl; i++)
		t[thl + i] = (uint8_t)((seq + i) * 7 + 3);
	if (!v6) {
		uint16_t c = (uint16_t)~ref_sum(p, 20, 0);
		p[10] = c >> 8; p[11] = c & 0xff;
	}
	uint16_t c = (uint16_t)~ref_sum(t, thl + pl, ref_pseudo(p, v6, (uint32_t)(thl + pl)));
	t[16] = c >> 8; t[17] = c & 0xff;
	return len;
}

static struct tcpgro g;
static uint8_t segs[8][2048];
static size_t seglen[8];
static uint8_t out[64][2048];
static size_t outlen[64];

/* A device completing a NEEDS_CSUM packet: the seed plus the sum from
 * csum_start, as the kernel's skb_checksum_help does. */
static void device_csum(uint8_t *p, size_t len, const struct virtio_net_hdr *vh)
{
	size_t f = (size_t)vh->csum_start + vh->csum_offset;
	uint16_t c = (uint16_t)~ref_sum(p + vh->csum_start, len - vh->csum_start, 0);
	p[f] = c >> 8;
	p[f + 1] = c & 0xff;
}

static void round_trip(int v6, int n, size_t last)
{
	uint32_t seq0 = 0xfffff000u; /* wraps inside the run */
	size_t ihl = v6 ? 40 : 20, hl = ihl + 32, total = 0;

	tcpgro_init(&g);
	for (int i = 0; i < n; i++) {
		size_t pl = i == n - 1 ? last : MSS;
		seglen[i] = mkseg(segs[i], v6, seq0 + (uint32_t)(i * MSS), pl,
				  0x10 | (i == n - 1 ? 0x08 : 0), (uint16_t)(0x1234 + i));
		CU_ASSERT(ref_valid(segs[i], seglen[i]));
		CU_ASSERT_EQUAL(tcpgro_add(&g, segs[i], seglen[i]), TCPGRO_HELD);
		total += pl;
	}
	size_t w = tcpgro_finish(&g);
	CU_ASSERT_EQUAL(w, TCPSEG_VNET_LEN + hl + total);
	CU_ASSERT_EQUAL(g.len, 0);
	CU_ASSERT_EQUAL(tcpgro_finish(&g), 0);
	struct virtio_net_hdr vh;
	memcpy(&vh, g.buf, sizeof(vh));
	CU_ASSERT_EQUAL(vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CU_ASSERT_EQUAL(vh.gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4);
	CU_ASSERT_EQUAL(vh.gso_size, MSS);
	CU_ASSERT_EQUAL(vh.hdr_len, hl);
	CU_ASSERT_EQUAL(vh.csum_start, ihl);
	CU_ASSERT_EQUAL(vh.csum_offset, 16);
	uint8_t *sp = g.buf + TCPSEG_VNET_LEN;
	size_t slen = w - TCPSEG_VNET_LEN;
	size_t iplen = v6 ? (size_t)(sp[4] << 8 | sp[5]) + 40 : (size_t)(sp[2] << 8 | sp[3]);
	CU_ASSERT_EQUAL(iplen, slen);
	CU_ASSERT_EQUAL(sp[ihl + 13], 0x18); /* the last one's PSH */
	/* the payload, in order */
	size_t off = hl;
	for (int i = 0; i < n; i++) {
		CU_ASSERT_EQUAL(memcmp(sp + off, segs[i] + hl, seglen[i] - hl), 0);
		off += seglen[i] - hl;
	}
	/* the seed is the pseudo-header sum: completed, the checksum is right */
	static uint8_t done[TCPSEG_MAX_PKT];
	memcpy(done, sp, slen);
	device_csum(done, slen, &vh);
	CU_ASSERT(ref_valid(done, slen));
	/* and tcpseg_complete_csum agrees with the device */
	static uint8_t mine[TCPSEG_MAX_PKT];
	memcpy(mine, sp, slen);
	CU_ASSERT_EQUAL(tcpseg_complete_csum(mine, slen, &vh), 0);
	CU_ASSERT_EQUAL(memcmp(mine, done, slen), 0);

	/* cut again (as read from a TSO TUN): the segments that went in */
	int k = tcpseg_segment(sp, slen, &vh, out[0], sizeof(out[0]), 12, outlen, 64);
	CU_ASSERT_EQUAL(k, n);
	for (int i = 0; i < n && i < k; i++) {
		CU_ASSERT_EQUAL(outlen[i], seglen[i]);
		CU_ASSERT(ref_valid(out[i] + 12, outlen[i]));
		CU_ASSERT_EQUAL(memcmp(out[i] + 12, segs[i], seglen[i]), 0);
	}
	/* back to back (stride 0), as for UDP_SEGMENT */
	static uint8_t flat[64 * 1500];
	CU_ASSERT_EQUAL(tcpseg_segment(sp, slen, &vh, flat, 0, 12, outlen, 64), n);
	for (int i = 0; i < n; i++)
		CU_ASSERT_EQUAL(memcmp(flat + (size_t)i * (12 + hl + MSS) + 12, segs[i], seglen[i]), 0);
	/* too few slots */
	CU_ASSERT_EQUAL(tcpseg_segment(sp, slen, &vh, out[0], sizeof(out[0]), 12, outlen, n - 1), -1);
	CU_ASSERT(g.merged == (uint64_t)(n - 1));
}

static void test_round_trip_v4(void)
{
	round_trip(0, 6, 500);
	round_trip(0, 2, MSS);
}

static void test_round_trip_v6(void)
{
	round_trip(1, 4, 1);
}

static void test_not_merged(void)
{
	static uint8_t p[2048];
	size_t n;

	tcpgro_init(&g);
	/* a pure ACK: alone */
	n = mkseg(p, 0, 1000, 0, 0x10, 1);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_ALONE);
	/* a SYN: alone; a UDP packet: alone */
	n = mkseg(p, 0, 1000, 10, 0x12, 1);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_ALONE);
	p[9] = 17;
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_ALONE);

	n = mkseg(p, 0, 1000, MSS, 0x10, 1);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_HELD);
	/* a gap, a duplicate */
	n = mkseg(p, 0, 1000 + 2 * MSS, MSS, 0x10, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	n = mkseg(p, 0, 1000, MSS, 0x10, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	/* another ack number, window, timestamp, port, TTL, FIN, longer */
	static const size_t at[] = { 20 + 11, 20 + 15, 20 + 31, 20 + 1, 8 };
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		n = mkseg(p, 0, 1000 + MSS, MSS, 0x10, 2);
		p[at[i]] ^= 1;
		CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	}
	n = mkseg(p, 0, 1000 + MSS, MSS, 0x11, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	n = mkseg(p, 0, 1000 + MSS, MSS + 1, 0x10, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	/* an IPv6 segment after IPv4 */
	n = mkseg(p, 1, 1000 + MSS, MSS, 0x10, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	/* a short one is the last */
	n = mkseg(p, 0, 1000 + MSS, 100, 0x10, 2);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_HELD);
	n = mkseg(p, 0, 1000 + MSS + 100, 100, 0x10, 3);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_FLUSH_FIRST);
	CU_ASSERT_EQUAL(g.nseg, 2);
	CU_ASSERT(tcpgro_finish(&g) > 0);

	/* one segment alone goes out untouched behind a zero vnet header */
	n = mkseg(p, 0, 5000, MSS, 0x10, 9);
	CU_ASSERT_EQUAL(tcpgro_add(&g, p, n), TCPGRO_HELD);
	CU_ASSERT_EQUAL(tcpgro_finish(&g), TCPSEG_VNET_LEN + n);
	static const uint8_t zero[TCPSEG_VNET_LEN];
	CU_ASSERT_EQUAL(memcmp(g.buf, zero, TCPSEG_VNET_LEN), 0);
	CU_ASSERT_EQUAL(memcmp(g.buf + TCPSEG_VNET_LEN, p, n), 0);

	/* never past 64 KB */
	uint32_t seq = 7;
	int i, held = 0;
	for (i = 0; i < 60; i++, seq += MSS) {
		n = mkseg(p, 0, seq, MSS, 0x10, (uint16_t)i);
		if (tcpgro_add(&g, p, n) != TCPGRO_HELD)
			break;
		held++;
	}
	CU_ASSERT_EQUAL(held, (int)((TCPSEG_MAX_PKT - 52) / MSS));
	CU_ASSERT(g.len <= TCPSEG_MAX_PKT);
	tcpgro_finish(&g);
}

static void test_complete_and_reject(void)
{
	static uint8_t p[2048];
	size_t n = mkseg(p, 0, 42, 333, 0x18, 7);
	struct virtio_net_hdr vh = { .flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
				     .csum_start = 20, .csum_offset = 16 };
	/* the kernel's form: the seed (pseudo-header sum) in the field */
	uint16_t seed = ref_sum(NULL, 0, ref_pseudo(p, 0, (uint32_t)(n - 20)));
	p[36] = seed >> 8;
	p[37] = seed & 0xff;
	CU_ASSERT(!ref_valid(p, n));
	CU_ASSERT_EQUAL(tcpseg_complete_csum(p, n, &vh), 0);
	CU_ASSERT(ref_valid(p, n));
	vh.csum_start = (uint16_t)n;
	CU_ASSERT_EQUAL(tcpseg_complete_csum(p, n, &vh), -1);
	/* segmenting: not GSO, not TCP, a stride too small */
	vh = (struct virtio_net_hdr){ .gso_type = VIRTIO_NET_HDR_GSO_NONE, .gso_size = 100 };
	CU_ASSERT_EQUAL(tcpseg_segment(p, n, &vh, out[0], sizeof(out[0]), 0, outlen, 64), -1);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	CU_ASSERT_EQUAL(tcpseg_segment(p, n, &vh, out[0], sizeof(out[0]), 0, outlen, 64), -1);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	CU_ASSERT_EQUAL(tcpseg_segment(p, n, &vh, out[0], 100, 0, outlen, 64), -1);
	CU_ASSERT_EQUAL(tcpseg_segment(p, n, &vh, out[0], sizeof(out[0]), 0, outlen, 64), 4);
	CU_ASSERT_EQUAL(outlen[3], 52 + 33);
	for (int i = 0; i < 4; i++)
		CU_ASSERT(ref_valid(out[i], outlen[i]));
	CU_ASSERT_EQUAL(out[0][33], 0x10); /* PSH only on the last */
	CU_ASSERT_EQUAL(out[3][33], 0x18);
}

static const struct vpdn_test_case tests[] = {
	{ "coalesce and cut again, IPv4", test_round_trip_v4 },
	{ "coalesce and cut again, IPv6", test_round_trip_v6 },
	{ "what is not coalesced", test_not_merged },
	{ "checksum completion, segmentation refused", test_complete_and_reject },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "bench-tcpseg", tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
