/* SPDX-License-Identifier: MIT */
/* RFC 4861 Router Solicitation / Advertisement codec (ndp.h). */
#include <errno.h>
#include <string.h>

#include "ndp.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static uint32_t sum_bytes(uint32_t s, const uint8_t *p, size_t len)
{
	for (; len > 1; p += 2, len -= 2)
		s += get16(p);
	if (len)
		s += (uint32_t)p[0] << 8;
	return s;
}

uint16_t ndp_icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			    const uint8_t *msg, size_t len)
{
	uint32_t s = 0;
	uint8_t ph[8];

	s = sum_bytes(s, src->s6_addr, 16);
	s = sum_bytes(s, dst->s6_addr, 16);
	put32(ph, (uint32_t)len);
	ph[4] = ph[5] = ph[6] = 0;
	ph[7] = NDP_PROTO_ICMPV6;
	s = sum_bytes(s, ph, 8);
	if (len >= 4) {
		s = sum_bytes(s, msg, 2);          /* type, code */
		s = sum_bytes(s, msg + 4, len - 4); /* checksum as zero */
	} else {
		s = sum_bytes(s, msg, len);
	}
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

ssize_t ndp_ip6_build(const struct in6_addr *src, const struct in6_addr *dst, uint8_t next_header,
		      uint8_t hop_limit, const uint8_t *payload, size_t len, uint8_t *out,
		      size_t outlen)
{
	if (len > 0xffff || outlen < NDP_IP6_HLEN + len)
		return -ENOSPC;
	out[0] = 0x60;
	out[1] = out[2] = out[3] = 0;
	put16(out + 4, (uint16_t)len);
	out[6] = next_header;
	out[7] = hop_limit;
	memcpy(out + 8, src, 16);
	memcpy(out + 24, dst, 16);
	if (payload != out + NDP_IP6_HLEN)
		memmove(out + NDP_IP6_HLEN, payload, len);
	return (ssize_t)(NDP_IP6_HLEN + len);
}

int ndp_ip6_parse(const uint8_t *p, size_t len, struct ndp_ip6 *out, const char **why)
{
	size_t plen;

	if (len < NDP_IP6_HLEN) {
		*why = "shorter than an IPv6 header";
		return -EBADMSG;
	}
	if (p[0] >> 4 != 6) {
		*why = "not IPv6";
		return -EBADMSG;
	}
	plen = get16(p + 4);
	if (plen > len - NDP_IP6_HLEN) {
		*why = "payload length past the packet";
		return -EBADMSG;
	}
	out->next_header = p[6];
	out->hop_limit = p[7];
	memcpy(&out->src, p + 8, 16);
	memcpy(&out->dst, p + 24, 16);
	out->payload = p + NDP_IP6_HLEN;
	out->payload_len = plen;
	return 0;
}

int ndp_icmp6_type(const uint8_t *p, size_t len)
{
	if (len < NDP_IP6_HLEN + 4 || p[0] >> 4 != 6 || p[6] != NDP_PROTO_ICMPV6)
		return -1;
	return p[NDP_IP6_HLEN];
}

void ndp_link_local(const uint8_t ifid[8], struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	memcpy(out->s6_addr + 8, ifid, 8);
}

bool ndp_prefix_mask(struct in6_addr *a, unsigned plen)
{
	if (plen > 128)
		return false;
	for (unsigned i = 0; i < 16; i++) {
		unsigned bits = plen > i * 8 ? plen - i * 8 : 0;
		if (bits < 8)
			a->s6_addr[i] &= (uint8_t)(0xff00 >> bits);
	}
	return true;
}

ssize_t ndp_rs_encode(const struct in6_addr *src, const struct in6_addr *dst, uint8_t *out,
		      size_t outlen)
{
	if (outlen < 8)
		return -ENOSPC;
	memset(out, 0, 8);
	out[0] = NDP_ROUTER_SOLICIT;
	put16(out + 2, ndp_icmp6_checksum(src, dst, out, 8));
	return 8;
}

ssize_t ndp_ra_encode(const struct ndp_ra *ra, const struct in6_addr *src,
		      const struct in6_addr *dst, uint8_t *out, size_t outlen)
{
	size_t need = 16 + ra->n_prefixes * 32 + (ra->mtu ? 8 : 0) +
		      (ra->n_rdnss ? 8 + ra->n_rdnss * 16 : 0);
	size_t o;

	if (ra->n_prefixes > NDP_PREFIX_MAX || ra->n_rdnss > NDP_RDNSS_MAX)
		return -EINVAL;
	for (size_t i = 0; i < ra->n_prefixes; i++)
		if (ra->prefixes[i].plen > 128)
			return -EINVAL;
	if (outlen < need)
		return -ENOSPC;
	memset(out, 0, need);
	out[0] = NDP_ROUTER_ADVERT;
	out[4] = ra->cur_hop_limit;
	out[5] = (uint8_t)((ra->managed ? 0x80 : 0) | (ra->other ? 0x40 : 0));
	put16(out + 6, ra->router_lifetime);
	put32(out + 8, ra->reachable_ms);
	put32(out + 12, ra->retrans_ms);
	o = 16;
	for (size_t i = 0; i < ra->n_prefixes; i++) {
		const struct ndp_prefix *pi = &ra->prefixes[i];
		struct in6_addr pfx = pi->prefix;
		ndp_prefix_mask(&pfx, pi->plen);
		out[o] = NDP_OPT_PREFIX_INFO;
		out[o + 1] = 4;
		out[o + 2] = pi->plen;
		out[o + 3] = (uint8_t)((pi->onlink ? 0x80 : 0) | (pi->autonomous ? 0x40 : 0));
		put32(out + o + 4, pi->valid);
		put32(out + o + 8, pi->preferred);
		memcpy(out + o + 16, &pfx, 16);
		o += 32;
	}
	if (ra->mtu) {
		out[o] = NDP_OPT_MTU;
		out[o + 1] = 1;
		put32(out + o + 4, ra->mtu);
		o += 8;
	}
	if (ra->n_rdnss) {
		out[o] = NDP_OPT_RDNSS;
		out[o + 1] = (uint8_t)(1 + 2 * ra->n_rdnss);
		put32(out + o + 4, ra->rdnss_lifetime);
		for (size_t i = 0; i < ra->n_rdnss; i++)
			memcpy(out + o + 8 + 16 * i, &ra->rdnss[i], 16);
		o += 8 + 16 * ra->n_rdnss;
	}
	put16(out + 2, ndp_icmp6_checksum(src, dst, out, o));
	return (ssize_t)o;
}

/* The checks common to RS and RA. */
static int msg_check(const struct ndp_ip6 *ip, uint8_t type, size_t min, const char **why)
{
	const uint8_t *m = ip->payload;

	if (ip->next_header != NDP_PROTO_ICMPV6 || ip->payload_len < 4 || m[0] != type) {
		*why = "not this ICMPv6 message";
		return -EBADMSG;
	}
	if (ip->hop_limit != NDP_HOP_LIMIT) {
		*why = "hop limit is not 255";
		return -EBADMSG;
	}
	if (m[1] != 0) {
		*why = "code is not 0";
		return -EBADMSG;
	}
	if (ip->payload_len < min) {
		*why = "too short";
		return -EBADMSG;
	}
	if (get16(m + 2) != ndp_icmp6_checksum(&ip->src, &ip->dst, m, ip->payload_len)) {
		*why = "bad checksum";
		return -EBADMSG;
	}
	return 0;
}

/* Each option: type, length in 8 octets (non-zero), inside the message. */
typedef int (*opt_fn)(const uint8_t *o, size_t len, void *ctx, const char **why);

static int options_walk(const uint8_t *p, size_t len, opt_fn fn, void *ctx, const char **why)
{
	while (len) {
		size_t olen;
		if (len < 2 || !p[1]) {
			*why = "option of length 0";
			return -EBADMSG;
		}
		olen = (size_t)p[1] * 8;
		if (olen > len) {
			*why = "option past the message";
			return -EBADMSG;
		}
		if (fn && fn(p, olen, ctx, why) < 0)
			return -EBADMSG;
		p += olen;
		len -= olen;
	}
	return 0;
}

static int rs_opt(const uint8_t *o, size_t len, void *ctx, const char **why)
{
	if (o[0] == NDP_OPT_SOURCE_LLA && *(bool *)ctx) {
		*why = "source link-layer address from the unspecified address";
		return -EBADMSG;
	}
	return 0;
}

int ndp_rs_decode(const struct ndp_ip6 *ip, const char **why)
{
	bool unspec = IN6_IS_ADDR_UNSPECIFIED(&ip->src);
	int r = msg_check(ip, NDP_ROUTER_SOLICIT, 8, why);

	if (r < 0)
		return r;
	return options_walk(ip->payload + 8, ip->payload_len - 8, rs_opt, &unspec, why);
}

static int ra_opt(const uint8_t *o, size_t len, void *ctx, const char **why)
{
	struct ndp_ra *ra = ctx;

	switch (o[0]) {
	case NDP_OPT_PREFIX_INFO: {
		struct ndp_prefix *pi;
		if (len != 32) {
			*why = "prefix information of length other than 4";
			return -EBADMSG;
		}
		if (o[2] > 128) {
			*why = "prefix length over 128";
			return -EBADMSG;
		}
		if (ra->n_prefixes >= NDP_PREFIX_MAX)
			return 0;
		pi = &ra->prefixes[ra->n_prefixes++];
		pi->plen = o[2];
		pi->onlink = o[3] & 0x80;
		pi->autonomous = o[3] & 0x40;
		pi->valid = get32(o + 4);
		pi->preferred = get32(o + 8);
		memcpy(&pi->prefix, o + 16, 16);
		ndp_prefix_mask(&pi->prefix, pi->plen);
		return 0;
	}
	case NDP_OPT_MTU:
		if (len != 8) {
			*why = "MTU option of length other than 1";
			return -EBADMSG;
		}
		ra->mtu = get32(o + 4);
		return 0;
	case NDP_OPT_RDNSS:
		/* RFC 8106 §5.1: length 3 + 2n; an invalid one is ignored
		 * (§5.3.1 says the option, not the RA). */
		if (len < 24 || (len / 8) % 2 == 0)
			return 0;
		ra->rdnss_lifetime = get32(o + 4);
		for (size_t i = 8; i + 16 <= len && ra->n_rdnss < NDP_RDNSS_MAX; i += 16)
			memcpy(&ra->rdnss[ra->n_rdnss++], o + i, 16);
		return 0;
	default:
		return 0;
	}
}

int ndp_ra_decode(const struct ndp_ip6 *ip, struct ndp_ra *ra, const char **why)
{
	const uint8_t *m = ip->payload;
	int r = msg_check(ip, NDP_ROUTER_ADVERT, 16, why);

	if (r < 0)
		return r;
	if (!IN6_IS_ADDR_LINKLOCAL(&ip->src)) {
		*why = "source is not link-local";
		return -EBADMSG;
	}
	memset(ra, 0, sizeof(*ra));
	ra->cur_hop_limit = m[4];
	ra->managed = m[5] & 0x80;
	ra->other = m[5] & 0x40;
	ra->router_lifetime = get16(m + 6);
	ra->reachable_ms = get32(m + 8);
	ra->retrans_ms = get32(m + 12);
	r = options_walk(m + 16, ip->payload_len - 16, ra_opt, ra, why);
	if (r < 0)
		memset(ra, 0, sizeof(*ra));
	return r;
}
