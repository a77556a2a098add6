/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/ndp: arbitrary bytes as an IPv6 packet, decoded
 * as RS and as RA. A decoded RA must hold at most the maximum prefixes and
 * servers, plens at most 128 with no bit past them, and re-encode to an RA
 * that decodes to the same values.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ndp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndp_ip6 ip, ip2;
	struct ndp_ra ra, ra2;
	const char *why;
	static uint8_t out[NDP_IP6_HLEN + NDP_RA_MAX];

	(void)ndp_icmp6_type(data, size);
	if (ndp_ip6_parse(data, size, &ip, &why) < 0)
		return 0;
	if (ip.payload + ip.payload_len > data + size)
		abort();
	(void)ndp_rs_decode(&ip, &why);
	if (ndp_ra_decode(&ip, &ra, &why) < 0)
		return 0;
	if (ra.n_prefixes > NDP_PREFIX_MAX || ra.n_rdnss > NDP_RDNSS_MAX)
		abort();
	for (size_t i = 0; i < ra.n_prefixes; i++) {
		struct in6_addr p = ra.prefixes[i].prefix;
		if (ra.prefixes[i].plen > 128 || !ndp_prefix_mask(&p, ra.prefixes[i].plen) ||
		    memcmp(&p, &ra.prefixes[i].prefix, 16))
			abort();
	}
	ssize_t n = ndp_ra_encode(&ra, &ip.src, &ip.dst, out + NDP_IP6_HLEN, NDP_RA_MAX);
	if (n < 0)
		abort();
	n = ndp_ip6_build(&ip.src, &ip.dst, NDP_PROTO_ICMPV6, NDP_HOP_LIMIT, out + NDP_IP6_HLEN,
			  (size_t)n, out, sizeof(out));
	if (n < 0 || ndp_ip6_parse(out, (size_t)n, &ip2, &why) < 0 ||
	    ndp_ra_decode(&ip2, &ra2, &why) < 0)
		abort();
	/* the rebuilt RA says the same (RDNSS only when some server came) */
	if (ra.n_rdnss == 0)
		ra.rdnss_lifetime = 0;
	if (memcmp(&ra, &ra2, sizeof(ra)))
		abort();
	return 0;
}
