/* SPDX-License-Identifier: MIT */
/*
 * tcpseg: TCP segmentation and coalescing for an IFF_VNET_HDR TUN, see
 * tcpseg.h.
 */
#include <string.h>

#include "tcpseg.h"

#define TH_FIN 0x01
#define TH_SYN 0x02
#define TH_RST 0x04
#define TH_PSH 0x08
#define TH_ACK 0x10
#define TH_URG 0x20
#define TH_ECE 0x40
#define TH_CWR 0x80

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v & 0xffff);
}

uint32_t tcpseg_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t s = sum;
	size_t i = 0;

	for (; i + 4 <= n; i += 4)
		s += get32(p + i);
	for (; i + 2 <= n; i += 2)
		s += get16(p + i);
	if (i < n)
		s += (uint32_t)p[i] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	/* fold to 32 bits without losing carries: callers add more, then fold */
	s = (s & 0xffff) + (s >> 16);
	return (uint32_t)s;
}

uint16_t tcpseg_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t tcpseg_pseudo(const uint8_t *pkt, uint8_t proto, uint32_t l4len)
{
	uint32_t s;

	if ((pkt[0] >> 4) == 4)
		s = tcpseg_sum(pkt + 12, 8, 0);
	else
		s = tcpseg_sum(pkt + 8, 32, 0);
	s += proto;
	s += l4len >> 16;
	s += l4len & 0xffff;
	return s;
}

int tcpseg_complete_csum(uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh)
{
	size_t start = vh->csum_start, field = (size_t)vh->csum_start + vh->csum_offset;

	if (start >= len || field + 2 > len)
		return -1;
	uint16_t c = (uint16_t)~tcpseg_fold(tcpseg_sum(pkt + start, len - start, 0));
	if (c == 0 && vh->csum_offset == 6) /* UDP: 0 means none */
		c = 0xffff;
	put16(pkt + field, c);
	return 0;
}

/* The IP header length of an IPv4 or IPv6 packet carrying TCP with no
 * options/extension headers, the TCP header length in *thl; 0 if not. */
static size_t ip_tcp(const uint8_t *pkt, size_t len, size_t *thl, int *v6)
{
	size_t ihl;

	if (len < 20)
		return 0;
	if ((pkt[0] >> 4) == 4) {
		ihl = (size_t)(pkt[0] & 15) * 4;
		if (ihl < 20 || pkt[9] != 6 || get16(pkt + 2) != len)
			return 0;
		if (get16(pkt + 6) & 0x3fff) /* MF or a fragment offset */
			return 0;
		*v6 = 0;
	} else if ((pkt[0] >> 4) == 6) {
		ihl = 40;
		if (len < 40 || pkt[6] != 6 || (size_t)get16(pkt + 4) + 40 != len)
			return 0;
		*v6 = 1;
	} else {
		return 0;
	}
	if (len < ihl + 20)
		return 0;
	*thl = (size_t)(pkt[ihl + 12] >> 4) * 4;
	if (*thl < 20 || ihl + *thl > len)
		return 0;
	return ihl;
}

static void ip_set_len(uint8_t *pkt, size_t ihl, size_t len, int v6)
{
	if (v6) {
		put16(pkt + 4, (uint16_t)(len - 40));
		return;
	}
	put16(pkt + 2, (uint16_t)len);
	put16(pkt + 10, 0);
	put16(pkt + 10, (uint16_t)~tcpseg_fold(tcpseg_sum(pkt, ihl, 0)));
}

int tcpseg_segment(const uint8_t *pkt, size_t len, const struct virtio_net_hdr *vh,
		   uint8_t *out, size_t stride, size_t headroom, size_t *lens, int maxsegs)
{
	size_t thl, ihl;
	int v6;
	uint8_t gt = vh->gso_type & ~VIRTIO_NET_HDR_GSO_ECN;

	if (gt != VIRTIO_NET_HDR_GSO_TCPV4 && gt != VIRTIO_NET_HDR_GSO_TCPV6)
		return -1;
	/* the kernel's super-packet has its real length in the IP header */
	if (len < 20)
		return -1;
	ihl = ip_tcp(pkt, len, &thl, &v6);
	if (!ihl || (gt == VIRTIO_NET_HDR_GSO_TCPV6) != v6 || vh->gso_size == 0)
		return -1;
	size_t hl = ihl + thl, mss = vh->gso_size, pay = len - hl;
	if (!stride)
		stride = headroom + hl + mss;
	if (stride < headroom + hl + mss)
		return -1;
	int n = pay ? (int)((pay + mss - 1) / mss) : 1;
	if (n > maxsegs)
		return -1;
	uint32_t seq0 = get32(pkt + ihl + 4);
	uint16_t id0 = v6 ? 0 : get16(pkt + 4);
	uint8_t flags = pkt[ihl + 13];
	for (int i = 0; i < n; i++) {
		uint8_t *s = out + (size_t)i * stride + headroom;
		size_t off = (size_t)i * mss, pl = pay - off < mss ? pay - off : mss;
		memcpy(s, pkt, hl);
		memcpy(s + hl, pkt + hl + off, pl);
		if (!v6)
			put16(s + 4, (uint16_t)(id0 + i));
		ip_set_len(s, ihl, hl + pl, v6);
		uint8_t *th = s + ihl;
		put32(th + 4, seq0 + (uint32_t)off);
		uint8_t f = flags;
		if (i < n - 1)
			f &= (uint8_t)~(TH_FIN | TH_PSH);
		if (i > 0)
			f &= (uint8_t)~TH_CWR;
		th[13] = f;
		put16(th + 16, 0);
		uint32_t sum = tcpseg_pseudo(s, 6, (uint32_t)(thl + pl));
		put16(th + 16, (uint16_t)~tcpseg_fold(tcpseg_sum(th, thl + pl, sum)));
		lens[i] = hl + pl;
	}
	return n;
}

void tcpgro_init(struct tcpgro *g)
{
	g->len = 0;
	g->nseg = 0;
	g->merged = 0;
}

/* Whether the segment p (headers hl, ihl) may follow the held packet. */
static int can_merge(const struct tcpgro *g, const uint8_t *p, size_t ihl, size_t hl, int v6)
{
	const uint8_t *q = g->buf + TCPSEG_VNET_LEN;

	if (g->closed || hl != g->hlen || v6 != g->v6)
		return 0;
	if (v6) {
		/* version, class, flow label; next header, hop limit, addresses */
		if (memcmp(p, q, 4) || memcmp(p + 6, q + 6, 34))
			return 0;
	} else {
		/* TOS; DF; TTL, protocol; addresses */
		if (p[1] != q[1] || p[6] != q[6] || memcmp(p + 8, q + 8, 2) ||
		    memcmp(p + 12, q + 12, 8))
			return 0;
	}
	const uint8_t *t = p + ihl, *u = q + ihl;
	/* ports; ack; data offset; flags but PSH; window; urgent; options */
	if (memcmp(t, u, 4) || memcmp(t + 8, u + 8, 5) || (t[13] & ~TH_PSH) != (u[13] & ~TH_PSH) ||
	    memcmp(t + 14, u + 14, 2) || memcmp(t + 18, u + 18, hl - ihl - 18))
		return 0;
	return get32(t + 4) == g->next_seq;
}

enum tcpgro_verdict tcpgro_add(struct tcpgro *g, const uint8_t *p, size_t len)
{
	size_t thl, ihl;
	int v6;

	ihl = ip_tcp(p, len, &thl, &v6);
	size_t hl = ihl + thl, pl = ihl ? len - hl : 0;
	uint8_t f = ihl ? p[ihl + 13] : 0;
	/* candidates: data with ACK, nothing but PSH besides */
	int cand = ihl && (v6 || ihl == 20) && pl > 0 && (f & ~(TH_PSH | TH_ACK)) == 0 &&
		   (f & TH_ACK);
	if (!g->len)
		goto start;
	if (!cand || !can_merge(g, p, ihl, hl, v6) || pl > g->mss || g->len + pl > TCPSEG_MAX_PKT)
		return TCPGRO_FLUSH_FIRST;
	memcpy(g->buf + TCPSEG_VNET_LEN + g->len, p + hl, pl);
	g->len += pl;
	g->next_seq += (uint32_t)pl;
	g->nseg++;
	g->merged++;
	if (f & TH_PSH) {
		g->buf[TCPSEG_VNET_LEN + ihl + 13] |= TH_PSH;
		g->closed = 1;
	}
	if (pl < g->mss)
		g->closed = 1;
	return TCPGRO_HELD;
start:
	if (!cand)
		return TCPGRO_ALONE;
	memcpy(g->buf + TCPSEG_VNET_LEN, p, len);
	g->len = len;
	g->hlen = hl;
	g->v6 = (uint8_t)v6;
	g->mss = (uint16_t)(pl > 0xffff ? 0xffff : pl);
	g->next_seq = get32(p + ihl + 4) + (uint32_t)pl;
	g->nseg = 1;
	g->closed = (f & TH_PSH) != 0;
	return TCPGRO_HELD;
}

size_t tcpgro_finish(struct tcpgro *g)
{
	struct virtio_net_hdr vh = { 0 };
	uint8_t *p = g->buf + TCPSEG_VNET_LEN;
	size_t n = g->len;

	if (!n)
		return 0;
	if (g->nseg > 1) {
		size_t ihl = g->v6 ? 40 : (size_t)(p[0] & 15) * 4;
		ip_set_len(p, ihl, n, g->v6);
		/* CHECKSUM_PARTIAL: the field holds the pseudo-header sum */
		put16(p + ihl + 16, tcpseg_fold(tcpseg_pseudo(p, 6, (uint32_t)(n - ihl))));
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.gso_type = g->v6 ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
		vh.hdr_len = (uint16_t)g->hlen;
		vh.gso_size = g->mss;
		vh.csum_start = (uint16_t)ihl;
		vh.csum_offset = 16;
	}
	/* a single segment keeps its own checksums and goes as is */
	memcpy(g->buf, &vh, sizeof(vh));
	g->len = 0;
	g->nseg = 0;
	return TCPSEG_VNET_LEN + n;
}
