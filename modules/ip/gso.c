/* SPDX-License-Identifier: MIT */
/* User-space segmentation of TUN super-packets and checksum completion.
 * See gso.h. */
#include "gso.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <string.h>

uint64_t ip_csum_add(uint64_t sum, const void *data, size_t n)
{
	const uint8_t *p = data;

	/* 32-bit words into a 64-bit accumulator: no carry is lost before
	 * 2^32 words, and the fold of the sum of 32-bit words is the fold
	 * of the sum of their 16-bit halves. */
	while (n >= 16) {
		uint32_t w[4];

		memcpy(w, p, 16);
		sum += (uint64_t)w[0] + w[1] + w[2] + w[3];
		p += 16;
		n -= 16;
	}
	while (n >= 4) {
		uint32_t w;

		memcpy(&w, p, 4);
		sum += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t w;

		memcpy(&w, p, 2);
		sum += w;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = { *p, 0 };
		uint16_t w;

		memcpy(&w, last, 2);
		sum += w;
	}
	return sum;
}

uint16_t ip_csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

int ip_csum_complete(uint8_t *p, size_t len, unsigned csum_start, unsigned csum_offset)
{
	uint16_t c;

	if ((size_t)csum_start + csum_offset + 2 > len)
		return -EINVAL;
	c = ip_csum_fold(ip_csum_add(0, p + csum_start, len - csum_start));
	/* A UDP checksum of 0 means "none": sent as its complement. */
	if (csum_offset == 6 && c == 0)
		c = 0xffff;
	memcpy(p + csum_start + csum_offset, &c, 2);
	return 0;
}

/* The pseudo-header sum (RFC 793 / RFC 8200 8.1) of the packet at p for a
 * transport segment of l4len octets. */
static uint64_t pseudo_sum(const uint8_t *p, bool v6, uint8_t proto, size_t l4len)
{
	uint8_t tail[8] = { 0 };
	uint64_t sum;

	if (v6) {
		sum = ip_csum_add(0, p + 8, 32);
		put32(tail, (uint32_t)l4len);
		tail[7] = proto;
	} else {
		sum = ip_csum_add(0, p + 12, 8);
		tail[1] = proto;
		put16(tail + 2, (uint16_t)l4len);
	}
	return ip_csum_add(sum, tail, v6 ? 8 : 4);
}

/* Network and transport header lengths of a super-packet, checked. */
static int headers(const uint8_t *p, size_t len, const struct virtio_net_hdr *vh, bool *v6,
		   uint8_t *proto, size_t *l3, size_t *l4)
{
	unsigned type = vh->gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN;

	if (len < 20)
		return -EBADMSG;
	if ((p[0] >> 4) == 4) {
		*v6 = false;
		*l3 = (size_t)(p[0] & 15) * 4;
		if (*l3 < 20 || len < *l3 || get16(p + 2) != len || (get16(p + 6) & 0x3fff))
			return -EBADMSG;
		*proto = p[9];
	} else if ((p[0] >> 4) == 6) {
		*v6 = true;
		*l3 = 40;
		if (len < 40 || get16(p + 4) + 40u != len)
			return -EBADMSG;
		*proto = p[6];
	} else {
		return -EBADMSG;
	}
	if (type == VIRTIO_NET_HDR_GSO_TCPV4 || type == VIRTIO_NET_HDR_GSO_TCPV6) {
		if (*v6 != (type == VIRTIO_NET_HDR_GSO_TCPV6))
			return -EBADMSG;
		if (*proto != IPPROTO_TCP)
			return *v6 ? -EPROTONOSUPPORT : -EBADMSG;
		if (len < *l3 + 20)
			return -EBADMSG;
		*l4 = (size_t)(p[*l3 + 12] >> 4) * 4;
		if (*l4 < 20 || len < *l3 + *l4)
			return -EBADMSG;
	} else if (type == VIRTIO_NET_HDR_GSO_UDP_L4) {
		if (*proto != IPPROTO_UDP)
			return *v6 ? -EPROTONOSUPPORT : -EBADMSG;
		*l4 = 8;
		if (len < *l3 + 8 || get16(p + *l3 + 4) != len - *l3)
			return -EBADMSG;
	} else {
		return -EPROTONOSUPPORT;
	}
	return 0;
}

int ip_gso_hdrlen(const uint8_t *p, size_t len, const struct virtio_net_hdr *vh)
{
	size_t l3, l4;
	uint8_t proto;
	bool v6;
	int r = headers(p, len, vh, &v6, &proto, &l3, &l4);

	return r < 0 ? r : (int)(l3 + l4);
}

int ip_gso_segment(const uint8_t *p, size_t len, const struct virtio_net_hdr *vh,
		   unsigned mss, uint8_t *scratch, size_t cap,
		   void (*out)(void *ctx, const uint8_t *seg, size_t n), void *ctx)
{
	size_t l3, l4, hl, payload, off;
	uint8_t proto;
	bool v6;
	uint32_t seq = 0;
	uint16_t id = 0;
	uint8_t tflags = 0;
	int r = headers(p, len, vh, &v6, &proto, &l3, &l4), n = 0;

	if (r < 0)
		return r;
	if (!mss || mss > vh->gso_size)
		mss = vh->gso_size;
	hl = l3 + l4;
	if (!mss || cap < hl + 1)
		return -EINVAL;
	if (cap < hl + mss)
		mss = (unsigned)(cap - hl);
	payload = len - hl;
	if (!v6)
		id = get16(p + 4);
	if (proto == IPPROTO_TCP) {
		seq = get32(p + l3 + 4);
		tflags = p[l3 + 13];
	}
	off = 0;
	do {
		size_t chunk = payload - off < mss ? payload - off : mss;
		bool last = off + chunk >= payload;
		uint8_t *ip = scratch, *th = scratch + l3;
		uint16_t c;

		memcpy(scratch, p, hl);
		memcpy(scratch + hl, p + hl + off, chunk);
		if (v6) {
			put16(ip + 4, (uint16_t)(l4 + chunk));
		} else {
			put16(ip + 2, (uint16_t)(hl + chunk));
			put16(ip + 4, (uint16_t)(id + n));
			memset(ip + 10, 0, 2);
			c = ip_csum_fold(ip_csum_add(0, ip, l3));
			memcpy(ip + 10, &c, 2);
		}
		if (proto == IPPROTO_TCP) {
			uint8_t f = tflags;

			put32(th + 4, seq + (uint32_t)off);
			if (!last)
				f &= (uint8_t)~0x09; /* FIN, PSH */
			if (n)
				f &= (uint8_t)~0x80; /* CWR */
			th[13] = f;
			memset(th + 16, 0, 2);
			c = ip_csum_fold(ip_csum_add(pseudo_sum(ip, v6, proto, l4 + chunk), th,
						     l4 + chunk));
			memcpy(th + 16, &c, 2);
		} else {
			put16(th + 4, (uint16_t)(l4 + chunk));
			memset(th + 6, 0, 2);
			c = ip_csum_fold(ip_csum_add(pseudo_sum(ip, v6, proto, l4 + chunk), th,
						     l4 + chunk));
			if (c == 0)
				c = 0xffff;
			memcpy(th + 6, &c, 2);
		}
		out(ctx, scratch, hl + chunk);
		n++;
		off += chunk;
	} while (off < payload);
	return n;
}

/* A TCP/IPv4 segment that may coalesce: no IP options or fragment, ACK
 * (PSH) only, payload, a right checksum. Its payload length, or 0. */
static size_t gro_segment(const uint8_t *p, size_t len)
{
	size_t thl, pl;

	if (len < 40 || p[0] != 0x45 || p[9] != IPPROTO_TCP || get16(p + 2) != len ||
	    (get16(p + 6) & 0x3fff))
		return 0;
	thl = (size_t)(p[32] >> 4) * 4;
	if (thl < 20 || len < 20 + thl || (p[33] & ~0x18) || !(p[33] & 0x10))
		return 0;
	pl = len - 20 - thl;
	if (!pl)
		return 0;
	if (ip_csum_fold(ip_csum_add(pseudo_sum(p, false, IPPROTO_TCP, len - 20), p + 20,
				     len - 20)) != 0)
		return 0;
	return pl;
}

int ip_gro_add(struct ip_gro *g, const uint8_t *p, size_t len)
{
	size_t pl = gro_segment(p, len), hl;
	const uint8_t *q = g->buf;

	if (!pl)
		return -1;
	hl = len - pl;
	if (!g->len) {
		if (len > g->cap)
			return -1;
		memcpy(g->buf, p, len);
		g->len = len;
		g->segs = 1;
		g->mss = (unsigned)pl;
		g->closed = (p[33] & 0x08) != 0;
		return 1;
	}
	if (g->closed || pl > g->mss || g->len + pl > g->cap || g->len + pl > 65535 ||
	    (size_t)(q[32] >> 4) * 4 + 20 != hl ||
	    q[1] != p[1] || q[8] != p[8] ||                       /* TOS, TTL */
	    memcmp(q + 12, p + 12, 12) ||                         /* addresses, ports */
	    memcmp(q + 28, p + 28, 4) ||                          /* ACK number */
	    memcmp(q + 34, p + 34, 2) ||                          /* window */
	    memcmp(q + 40, p + 40, hl - 40) ||                    /* options */
	    get32(p + 24) != get32(q + 24) + (uint32_t)(g->len - hl))
		return 0;
	memcpy(g->buf + g->len, p + hl, pl);
	g->len += pl;
	g->segs++;
	if (p[33] & 0x08) {
		g->buf[33] |= 0x08;
		g->closed = true;
	}
	if (pl < g->mss)
		g->closed = true;
	return 1;
}

size_t ip_gro_finish(struct ip_gro *g, struct virtio_net_hdr *vh)
{
	size_t len = g->len, hl;
	uint8_t *p = g->buf;
	uint64_t sum;
	uint16_t c;

	memset(vh, 0, sizeof(*vh));
	g->len = 0;
	if (g->segs <= 1)
		return len;
	hl = 20 + (size_t)(p[32] >> 4) * 4;
	put16(p + 2, (uint16_t)len);
	memset(p + 10, 0, 2);
	c = ip_csum_fold(ip_csum_add(0, p, 20));
	memcpy(p + 10, &c, 2);
	/* NEEDS_CSUM: the field holds the pseudo-header sum, folded, not
	 * complemented (what the kernel's own TSO sends down). */
	sum = pseudo_sum(p, false, IPPROTO_TCP, len - 20);
	c = (uint16_t)~ip_csum_fold(sum);
	memcpy(p + 36, &c, 2);
	vh->flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	vh->gso_type = VIRTIO_NET_HDR_GSO_TCPV4;
	vh->hdr_len = (uint16_t)hl;
	vh->gso_size = (uint16_t)g->mss;
	vh->csum_start = 20;
	vh->csum_offset = 16;
	return len;
}
