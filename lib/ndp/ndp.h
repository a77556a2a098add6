/* SPDX-License-Identifier: MIT */
/*
 * IPv6 Neighbor Discovery wire format, the router part: Router
 * Solicitation and Router Advertisement (RFC 4861 §4.1, §4.2) with the
 * Prefix Information (§4.6.2), MTU (§4.6.4) and Source Link-Layer Address
 * (§4.6.1, skipped: PPP has no link-layer address) options and RDNSS
 * (RFC 8106 §5.1); the ICMPv6 checksum over the pseudo-header (RFC 8200
 * §8.1) and the bare IPv6 packet around a message (no extension headers:
 * ND messages never carry any we accept).
 *
 * Every input is hostile: a decode checks every length and either fills
 * the whole struct or returns a negative errno and a reason (a static
 * string). Unknown options are skipped (RFC 4861 §4.6); an option of
 * length 0 ends the decode with an error (§6.1.1, §6.1.2). No allocation.
 */
#ifndef VPDN_NDP_H
#define VPDN_NDP_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NDP_IP6_HLEN 40
#define NDP_PROTO_ICMPV6 58
#define NDP_HOP_LIMIT 255            /* RFC 4861: sent and required */

enum ndp_type {
	NDP_ROUTER_SOLICIT = 133,
	NDP_ROUTER_ADVERT = 134,
};

enum ndp_option {
	NDP_OPT_SOURCE_LLA = 1,
	NDP_OPT_PREFIX_INFO = 3,
	NDP_OPT_MTU = 5,
	NDP_OPT_RDNSS = 25,
};

#define NDP_PREFIX_MAX 8
#define NDP_RDNSS_MAX 4
#define NDP_INFINITY 0xffffffffu
/* The largest RA we build: header, 8 prefixes, MTU, RDNSS of 4. */
#define NDP_RA_MAX (16 + NDP_PREFIX_MAX * 32 + 8 + 8 + NDP_RDNSS_MAX * 16)

struct ndp_prefix {
	struct in6_addr prefix;      /* bits past plen are zero on decode */
	uint8_t plen;
	bool onlink;                 /* L */
	bool autonomous;             /* A: SLAAC */
	uint32_t valid, preferred;   /* seconds, NDP_INFINITY */
};

struct ndp_ra {
	uint8_t cur_hop_limit;       /* 0: unspecified */
	bool managed;                /* M: addresses by DHCPv6 */
	bool other;                  /* O: other configuration by DHCPv6 */
	uint16_t router_lifetime;    /* seconds; 0: not a default router */
	uint32_t reachable_ms, retrans_ms;
	uint32_t mtu;                /* MTU option; 0: none */
	struct ndp_prefix prefixes[NDP_PREFIX_MAX];
	size_t n_prefixes;           /* on decode: the first NDP_PREFIX_MAX */
	struct in6_addr rdnss[NDP_RDNSS_MAX];
	size_t n_rdnss;              /* on decode: the first NDP_RDNSS_MAX */
	uint32_t rdnss_lifetime;     /* seconds (of every RDNSS given) */
};

/* A decoded IPv6 packet: borrows from it. */
struct ndp_ip6 {
	struct in6_addr src, dst;
	uint8_t next_header, hop_limit;
	const uint8_t *payload;
	size_t payload_len;          /* the header's (the packet may be longer) */
};

/* The ICMPv6 checksum of msg (its checksum field is taken as zero):
 * RFC 8200 §8.1 pseudo-header (src, dst, upper-layer length, next header
 * 58) then the message, one's complement sum. */
uint16_t ndp_icmp6_checksum(const struct in6_addr *src, const struct in6_addr *dst,
			    const uint8_t *msg, size_t len);

/* IPv6 header + payload into out (hop limit, next header as given; the
 * payload's checksum is the caller's). Returns the length or -ENOSPC. */
ssize_t ndp_ip6_build(const struct in6_addr *src, const struct in6_addr *dst, uint8_t next_header,
		      uint8_t hop_limit, const uint8_t *payload, size_t len, uint8_t *out,
		      size_t outlen);
/* Version 6, a payload length that fits the packet. -EBADMSG + why. */
int ndp_ip6_parse(const uint8_t *p, size_t len, struct ndp_ip6 *out, const char **why);

/* The ICMPv6 messages, checksum included (src, dst: the packet's). 
 * Return the length or -ENOSPC / -EINVAL (more prefixes or servers than
 * the maximum, a plen over 128). */
ssize_t ndp_rs_encode(const struct in6_addr *src, const struct in6_addr *dst, uint8_t *out,
		      size_t outlen);
ssize_t ndp_ra_encode(const struct ndp_ra *ra, const struct in6_addr *src,
		      const struct in6_addr *dst, uint8_t *out, size_t outlen);

/* The message of a decoded ICMPv6 packet (ip: from ndp_ip6_parse, next
 * header 58), validated as RFC 4861 §6.1.1 / §6.1.2 say: hop limit 255,
 * a correct checksum, code 0, the minimum length, every option's length
 * non-zero and inside; an RS from the unspecified address has no Source
 * Link-Layer Address option; an RA comes from a link-local address.
 * 0, or -EBADMSG with why. ndp_ra_decode fills *ra. */
int ndp_rs_decode(const struct ndp_ip6 *ip, const char **why);
int ndp_ra_decode(const struct ndp_ip6 *ip, struct ndp_ra *ra, const char **why);

/* The ICMPv6 type of an IPv6 packet carrying ICMPv6 with no extension
 * header, else -1 (the fast test of the data path). */
int ndp_icmp6_type(const uint8_t *p, size_t len);

/* fe80::ifid */
void ndp_link_local(const uint8_t ifid[8], struct in6_addr *out);
/* Bits of a past plen cleared; false when plen > 128. */
bool ndp_prefix_mask(struct in6_addr *a, unsigned plen);

#ifdef __cplusplus
}
#endif

#endif
