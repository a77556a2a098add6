/* SPDX-License-Identifier: MIT */
/* User-space segmentation of TUN super-packets (modules/ip/gso.c): 64 KB
 * TCPv4 and TCPv6 super-packets split, each segment checked against a
 * reference checksum computed octet by octet here, its flags, sequence
 * number, lengths and payload; UDP (USO) and NEEDS_CSUM completion. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "gso.h"
#include "vpdn_test.h"

#define SEGS_MAX 128

struct segs {
	unsigned n;
	size_t len[SEGS_MAX];
	uint8_t *data[SEGS_MAX];
};

static void collect(void *ctx, const uint8_t *s, size_t n)
{
	struct segs *sg = ctx;

	CU_ASSERT_FATAL(sg->n < SEGS_MAX);
	sg->data[sg->n] = malloc(n);
	memcpy(sg->data[sg->n], s, n);
	sg->len[sg->n++] = n;
}

static void segs_free(struct segs *sg)
{
	for (unsigned i = 0; i < sg->n; i++)
		free(sg->data[i]);
	sg->n = 0;
}

static uint16_t g16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t g32(const uint8_t *p) { return (uint32_t)g16(p) << 16 | g16(p + 2); }
static void p16(uint8_t *p, unsigned v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void p32(uint8_t *p, uint32_t v) { p16(p, v >> 16); p16(p + 2, v & 0xffff); }

/* Reference RFC 1071 sum, big-endian 16-bit words, one at a time. */
static uint32_t ref_add(uint32_t s, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 2)
		s += (uint32_t)p[i] << 8 | (i + 1 < n ? p[i + 1] : 0);
	return s;
}

static uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The checksum of a transport segment with its pseudo header, computed
 * independently: 0 when the segment's own checksum is right. */
static uint16_t ref_l4(const uint8_t *ip, bool v6, const uint8_t *l4, size_t n, uint8_t proto)
{
	uint32_t s = v6 ? ref_add(0, ip + 8, 32) : ref_add(0, ip + 12, 8);

	s += proto + (uint32_t)(n >> 16) + (uint32_t)(n & 0xffff);
	return ref_fold(ref_add(s, l4, n));
}

/* A super-packet: IPv4 (id 0x4242, DF) or IPv6, TCP with a 12-octet
 * option (timestamps, 32-octet header) and flags, payload a pattern. */
static size_t mk_tcp(uint8_t *p, bool v6, size_t payload, uint32_t seq, uint8_t flags)
{
	size_t l3 = v6 ? 40 : 20, l4 = 32;

	memset(p, 0, l3 + l4);
	if (v6) {
		p[0] = 0x60;
		p16(p + 4, l4 + payload);
		p[6] = 6;
		p[7] = 64;
		p[8] = 0x20; p[9] = 0x01; p[23] = 1;   /* 2001::1 */
		p[24] = 0x20; p[25] = 0x01; p[39] = 2; /* 2001::2 */
	} else {
		p[0] = 0x45;
		p16(p + 2, l3 + l4 + payload);
		p16(p + 4, 0x4242);
		p[6] = 0x40;
		p[8] = 64;
		p[9] = 6;
		p[12] = 10; p[15] = 1;
		p[16] = 10; p[19] = 2;
	}
	uint8_t *t = p + l3;
	p16(t, 5201);
	p16(t + 2, 40000);
	p32(t + 4, seq);
	p32(t + 8, 0x01020304);
	t[12] = 8 << 4;
	t[13] = flags;
	p16(t + 14, 512);
	t[20] = 1; t[21] = 1; t[22] = 8; t[23] = 10; /* NOP NOP timestamps */
	for (size_t i = 0; i < payload; i++)
		p[l3 + l4 + i] = (uint8_t)(i * 13 + (i >> 8));
	return l3 + l4 + payload;
}

static void check_tcp(bool v6, unsigned gso, unsigned mss_cap)
{
	static uint8_t pkt[65536 + 64], scratch[2048];
	size_t l3 = v6 ? 40 : 20, hl = l3 + 32;
	size_t payload = (v6 ? 65535 - 32 : 65535 - hl);
	size_t len = mk_tcp(pkt, v6, payload, 0xfffff000u, 0x80 | 0x10 | 0x08 | 0x01);
	struct virtio_net_hdr vh = {
		.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM,
		.gso_type = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4,
		.hdr_len = (uint16_t)hl, .gso_size = (uint16_t)gso,
		.csum_start = (uint16_t)l3, .csum_offset = 16,
	};
	unsigned mss = mss_cap && mss_cap < gso ? mss_cap : gso;
	unsigned want = (unsigned)((payload + mss - 1) / mss);
	struct segs sg = { 0 };
	size_t off = 0;
	int n;

	CU_ASSERT_EQUAL(ip_gso_hdrlen(pkt, len, &vh), (int)hl);
	n = ip_gso_segment(pkt, len, &vh, mss_cap, scratch, sizeof(scratch), collect, &sg);
	CU_ASSERT_EQUAL(n, (int)want);
	CU_ASSERT_EQUAL(sg.n, want);
	for (unsigned i = 0; i < sg.n; i++) {
		const uint8_t *s = sg.data[i], *t = s + l3;
		size_t chunk = sg.len[i] - hl;
		bool last = i + 1 == sg.n;

		CU_ASSERT(chunk == (last ? payload - off : mss));
		if (v6) {
			CU_ASSERT_EQUAL(g16(s + 4), 32 + chunk);
		} else {
			CU_ASSERT_EQUAL(g16(s + 2), sg.len[i]);
			CU_ASSERT_EQUAL(g16(s + 4), (uint16_t)(0x4242 + i));
			CU_ASSERT_EQUAL(s[6], 0x40);
			CU_ASSERT_EQUAL(ref_fold(ref_add(0, s, 20)), 0);
		}
		CU_ASSERT_EQUAL(g32(t + 4), 0xfffff000u + (uint32_t)off); /* wraps */
		CU_ASSERT_EQUAL(g32(t + 8), 0x01020304);
		CU_ASSERT_EQUAL(t[13] & 0x10, 0x10);                   /* ACK on all */
		CU_ASSERT_EQUAL(t[13] & 0x09, last ? 0x09 : 0);       /* FIN PSH last */
		CU_ASSERT_EQUAL(t[13] & 0x80, i == 0 ? 0x80 : 0);     /* CWR first */
		CU_ASSERT_EQUAL(memcmp(t + 20, pkt + l3 + 20, 12), 0); /* options */
		CU_ASSERT_EQUAL(ref_l4(s, v6, t, sg.len[i] - l3, 6), 0);
		CU_ASSERT_EQUAL(memcmp(s + hl, pkt + hl + off, chunk), 0);
		off += chunk;
	}
	CU_ASSERT_EQUAL(off, payload);
	segs_free(&sg);
}

static void test_tcp4_64k(void) { check_tcp(false, 1448, 0); }
static void test_tcp6_64k(void) { check_tcp(true, 1428, 0); }
/* The session's MTU smaller than the kernel's MSS: segments fit it. */
static void test_tcp_mss_cap(void)
{
	check_tcp(false, 1448, 1000);
	check_tcp(true, 1428, 1200);
}

static void test_udp4_uso(void)
{
	static uint8_t pkt[9000], scratch[2048];
	size_t payload = 5000, len = 28 + payload;
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_UDP_L4, .gso_size = 1200 };
	struct segs sg = { 0 };

	memset(pkt, 0, 28);
	pkt[0] = 0x45;
	p16(pkt + 2, len);
	p16(pkt + 4, 7);
	pkt[8] = 64; pkt[9] = 17;
	pkt[12] = 10; pkt[15] = 1; pkt[16] = 10; pkt[19] = 2;
	p16(pkt + 20, 4500); p16(pkt + 22, 4501); p16(pkt + 24, 8 + payload);
	for (size_t i = 0; i < payload; i++)
		pkt[28 + i] = (uint8_t)i;
	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg), 5);
	for (unsigned i = 0; i < sg.n; i++) {
		const uint8_t *s = sg.data[i];
		size_t chunk = i < 4 ? 1200 : 200;

		CU_ASSERT_EQUAL(sg.len[i], 28 + chunk);
		CU_ASSERT_EQUAL(g16(s + 4), 7 + i);
		CU_ASSERT_EQUAL(g16(s + 24), 8 + chunk);
		CU_ASSERT_EQUAL(ref_fold(ref_add(0, s, 20)), 0);
		CU_ASSERT_EQUAL(ref_l4(s, false, s + 20, 8 + chunk, 17), 0);
		CU_ASSERT_EQUAL(memcmp(s + 28, pkt + 28 + i * 1200, chunk), 0);
	}
	segs_free(&sg);
}

static void test_malformed(void)
{
	static uint8_t pkt[4096], scratch[2048];
	size_t len = mk_tcp(pkt, false, 3000, 1, 0x10);
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1448 };
	struct segs sg = { 0 };

	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len - 1, &vh, 0, scratch, sizeof(scratch), collect, &sg),
			-EBADMSG); /* total length apart */
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV6;
	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg),
			-EBADMSG); /* family apart */
	vh.gso_type = VIRTIO_NET_HDR_GSO_UDP;
	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg),
			-EPROTONOSUPPORT);
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh.gso_size = 0;
	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg),
			-EINVAL);
	CU_ASSERT_EQUAL(sg.n, 0);
	/* ECN bit in gso_type is accepted. */
	vh.gso_size = 1448;
	vh.gso_type = VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN;
	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg), 3);
	segs_free(&sg);
}

/* NEEDS_CSUM: the kernel left the pseudo-header sum in the field. */
static void test_csum_complete(void)
{
	static uint8_t pkt[2048];
	size_t len = mk_tcp(pkt, false, 1001, 5, 0x18), l4 = len - 20;
	uint32_t ps = ref_add(0, pkt + 12, 8) + 6 + (uint32_t)l4;
	uint16_t partial;

	while (ps >> 16)
		ps = (ps & 0xffff) + (ps >> 16);
	partial = (uint16_t)ps; /* not complemented, as the kernel leaves it */
	p16(pkt + 36, partial);
	CU_ASSERT_EQUAL(ip_csum_complete(pkt, len, 20, 16), 0);
	CU_ASSERT_EQUAL(ref_l4(pkt, false, pkt + 20, l4, 6), 0);
	CU_ASSERT_EQUAL(ip_csum_complete(pkt, len, 20, (unsigned)len), -EINVAL);
	/* The fast sum agrees with the reference at every length and offset
	 * (stored as the field is: memcpy of the host-order value). */
	for (size_t o = 0; o < 8; o++)
		for (size_t n = 0; n < 200; n++) {
			uint16_t c = ip_csum_fold(ip_csum_add(0, pkt + o, n));
			uint8_t b[2];

			memcpy(b, &c, 2);
			CU_ASSERT_EQUAL(g16(b), ref_fold(ref_add(0, pkt + o, n)));
		}
}

/* The way back: the segments of a super-packet coalesced into one again
 * (ip_gro), and what must not join. */
static void test_gro_coalesce(void)
{
	static uint8_t pkt[70000], scratch[2048], gbuf[65535];
	size_t payload = 20 * 1448 + 100, len = mk_tcp(pkt, false, payload, 1000, 0x10 | 0x08);
	struct virtio_net_hdr vh = { .gso_type = VIRTIO_NET_HDR_GSO_TCPV4, .gso_size = 1448 };
	struct ip_gro g = { .buf = gbuf, .cap = sizeof(gbuf), .fd = -1 };
	struct virtio_net_hdr out;
	struct segs sg = { 0 };
	uint8_t bad[2048];
	size_t n;

	CU_ASSERT_EQUAL(ip_gso_segment(pkt, len, &vh, 0, scratch, sizeof(scratch), collect, &sg), 21);
	/* out of order: the second segment cannot start where the third is */
	CU_ASSERT_EQUAL(ip_gro_add(&g, sg.data[0], sg.len[0]), 1);
	CU_ASSERT_EQUAL(ip_gro_add(&g, sg.data[2], sg.len[2]), 0);
	/* a wrong checksum never joins */
	memcpy(bad, sg.data[1], sg.len[1]);
	bad[100] ^= 1;
	CU_ASSERT_EQUAL(ip_gro_add(&g, bad, sg.len[1]), -1);
	for (unsigned i = 1; i < sg.n; i++)
		CU_ASSERT_EQUAL(ip_gro_add(&g, sg.data[i], sg.len[i]), 1);
	CU_ASSERT_EQUAL(g.segs, 21);
	/* closed: the last was short and had PSH */
	CU_ASSERT_EQUAL(ip_gro_add(&g, sg.data[1], sg.len[1]), 0);
	n = ip_gro_finish(&g, &out);
	CU_ASSERT_EQUAL(n, len);
	CU_ASSERT_EQUAL(g.len, 0);
	CU_ASSERT_EQUAL(out.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	CU_ASSERT_EQUAL(out.gso_size, 1448);
	CU_ASSERT_EQUAL(out.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	CU_ASSERT(out.csum_start == 20 && out.csum_offset == 16 && out.hdr_len == 52);
	CU_ASSERT_EQUAL(g16(gbuf + 2), len);
	CU_ASSERT_EQUAL(ref_fold(ref_add(0, gbuf, 20)), 0);
	CU_ASSERT_EQUAL(g32(gbuf + 24), 1000);
	CU_ASSERT_EQUAL(gbuf[33], 0x18);
	CU_ASSERT_EQUAL(memcmp(gbuf + 52, pkt + 52, payload), 0);
	/* the field holds the pseudo-header sum: completing it gives the
	 * checksum a reference computes */
	CU_ASSERT_EQUAL(ip_csum_complete(gbuf, n, 20, 16), 0);
	CU_ASSERT_EQUAL(ref_l4(gbuf, false, gbuf + 20, n - 20, 6), 0);
	/* one segment alone: written as it came, no header */
	CU_ASSERT_EQUAL(ip_gro_add(&g, sg.data[3], sg.len[3]), 1);
	CU_ASSERT_EQUAL(ip_gro_finish(&g, &out), sg.len[3]);
	CU_ASSERT_EQUAL(out.gso_type, 0);
	CU_ASSERT_EQUAL(memcmp(gbuf, sg.data[3], sg.len[3]), 0);
	segs_free(&sg);
	/* FIN, SYN, no payload: never */
	len = mk_tcp(pkt, false, 100, 5, 0x11);
	CU_ASSERT_EQUAL(ip_gro_add(&g, pkt, len), -1);
	len = mk_tcp(pkt, false, 0, 5, 0x10);
	CU_ASSERT_EQUAL(ip_gro_add(&g, pkt, len), -1);
}

static const struct vpdn_test_case gso_tests[] = {
	{ "segments coalesced back (ip_gro); what must not join", test_gro_coalesce },
	{ "64 KB TCPv4 super-packet split", test_tcp4_64k },
	{ "64 KB TCPv6 super-packet split", test_tcp6_64k },
	{ "segments fit an MSS below gso_size", test_tcp_mss_cap },
	{ "UDP (USO) super-packet split", test_udp4_uso },
	{ "malformed super-packets refused", test_malformed },
	{ "NEEDS_CSUM completed; fast sum = reference", test_csum_complete },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "ip-gso", gso_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
