/* SPDX-License-Identifier: MIT */
/* IPv4 fragmentation and ICMP fragmentation-needed. See frag.h. */
#include "frag.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define IP_DF 0x4000
#define IP_MF 0x2000
#define IP_OFFMASK 0x1fff
#define ICMP_ERROR_MAX 576

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

uint16_t ip_csum(const uint8_t *p, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += get16(p + i);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

int ip_v4_check(const uint8_t *p, size_t len)
{
	size_t ihl, tot;

	if (len < 20 || (p[0] >> 4) != 4)
		return -EBADMSG;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = get16(p + 2);
	if (ihl < 20 || tot < ihl || tot > len)
		return -EBADMSG;
	return (int)tot;
}

/* The options of a non-first fragment: those with the copy bit, padded
 * with End-of-Options to a multiple of 4. Returns their length or
 * -EBADMSG. */
static int copied_options(const uint8_t *opt, size_t n, uint8_t *out)
{
	size_t i = 0, o = 0;

	while (i < n) {
		uint8_t type = opt[i], olen;

		if (type == 0) /* End of Options List */
			break;
		if (type == 1) { /* No Operation: not copied */
			i++;
			continue;
		}
		if (i + 1 >= n || (olen = opt[i + 1]) < 2 || olen > n - i)
			return -EBADMSG;
		if (type & 0x80) {
			memcpy(out + o, opt + i, olen);
			o += olen;
		}
		i += olen;
	}
	while (o % 4)
		out[o++] = 0;
	return (int)o;
}

int ip_fragment(const uint8_t *p, size_t len, unsigned mtu, uint8_t *scratch, size_t cap,
		void (*out)(void *ctx, const uint8_t *frag, size_t n), void *ctx)
{
	int tot = ip_v4_check(p, len);
	size_t ihl, data_len, pos = 0, hlen;
	uint16_t fo;
	unsigned orig_off, count = 0;
	bool orig_mf;
	uint8_t hdr[60];
	int r;

	if (tot < 0)
		return tot;
	if (mtu < IP_MTU_MIN || cap < mtu)
		return -EINVAL;
	fo = get16(p + 6);
	if (fo & IP_DF)
		return -EMSGSIZE;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	data_len = (size_t)tot - ihl;
	orig_mf = (fo & IP_MF) != 0;
	orig_off = (unsigned)(fo & IP_OFFMASK) * 8;
	memcpy(hdr, p, ihl);
	hlen = ihl;
	while (pos < data_len || count == 0) {
		size_t room = (mtu - hlen) & ~(size_t)7, n;
		bool mf;
		unsigned off = orig_off + (unsigned)pos;

		if (room < 8)
			return -EMSGSIZE;
		n = data_len - pos < room ? data_len - pos : room;
		mf = pos + n < data_len || orig_mf;
		if (off / 8 > IP_OFFMASK)
			return -EMSGSIZE;
		memcpy(scratch, hdr, hlen);
		scratch[0] = (uint8_t)(0x40 | (hlen / 4));
		put16(scratch + 2, (uint16_t)(hlen + n));
		put16(scratch + 6, (uint16_t)((mf ? IP_MF : 0) | (off / 8)));
		put16(scratch + 10, 0);
		put16(scratch + 10, ip_csum(scratch, hlen));
		memcpy(scratch + hlen, p + ihl + pos, n);
		out(ctx, scratch, hlen + n);
		count++;
		pos += n;
		if (count == 1 && ihl > 20) {
			/* later fragments: only the options with the copy bit */
			r = copied_options(p + 20, ihl - 20, hdr + 20);
			if (r < 0)
				return r;
			hlen = 20 + (size_t)r;
		}
	}
	return (int)count;
}

static bool one_host(const uint8_t *a)
{
	if (a[0] == 0 || a[0] == 127 || a[0] >= 224) /* 0/8, loopback, multicast, class E */
		return false;
	return !(a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

ssize_t ip_icmp_frag_needed(const uint8_t *p, size_t len, unsigned mtu, struct in_addr src,
			    uint8_t *out, size_t cap)
{
	int tot = ip_v4_check(p, len);
	size_t ihl, quote, n;

	if (tot < 0)
		return tot;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	if (get16(p + 6) & IP_OFFMASK)
		return -EPERM; /* not about a non-first fragment */
	if (!one_host(p + 12))
		return -EPERM;
	if (p[9] == 1 && (size_t)tot > ihl) { /* ICMP: never about an error */
		uint8_t t = p[ihl];
		if (t == 3 || t == 4 || t == 5 || t == 11 || t == 12)
			return -EPERM;
	}
	quote = (size_t)tot;
	if (quote > ICMP_ERROR_MAX - 28)
		quote = ICMP_ERROR_MAX - 28;
	n = 28 + quote;
	if (cap < n)
		return -ENOSPC;
	memset(out, 0, 28);
	out[0] = 0x45;
	put16(out + 2, (uint16_t)n);
	out[8] = 64;                 /* TTL */
	out[9] = 1;                  /* ICMP */
	memcpy(out + 12, &src, 4);
	memcpy(out + 16, p + 12, 4); /* to the packet's source */
	put16(out + 10, ip_csum(out, 20));
	out[20] = 3;                 /* Destination Unreachable */
	out[21] = 4;                 /* Fragmentation Needed and DF Set */
	put16(out + 26, (uint16_t)(mtu > 0xffff ? 0xffff : mtu));
	memcpy(out + 28, p, quote);
	put16(out + 22, ip_csum(out + 20, n - 20));
	return (ssize_t)n;
}
