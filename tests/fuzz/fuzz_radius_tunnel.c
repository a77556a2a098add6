/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for modules/auth-radius/tunnel.c: any datagram the
 * parser accepts through radius_tunnels_parse (RFC 2868 Tunnel-* sets to
 * TUNNEL_AUTHORIZE endpoints). Whatever the answer, at most
 * VPDN_TUNNEL_ENDPOINTS_MAX endpoints come out, sorted by preference,
 * each an IPv4 or IPv6 address with NUL-terminated strings, and the
 * counts add up.
 */
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "tunnel.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t req_auth[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	static struct radius_tunnels t;
	struct radius_view v;
	int n;

	if (radius_parse(data, size, &v) < 0)
		return 0;
	n = radius_tunnels_parse(&v, req_auth, (const uint8_t *)"k", 1, &t);
	if (n < 0 || (unsigned)n != t.n || t.n > VPDN_TUNNEL_ENDPOINTS_MAX ||
	    t.refused + t.n + t.dropped != t.seen || t.seen > 32)
		__builtin_trap();
	for (unsigned i = 0; i < t.n; i++) {
		const struct vpdn_tunnel_endpoint *e = &t.ep[i];

		if (e->addr.ss_family != AF_INET && e->addr.ss_family != AF_INET6)
			__builtin_trap();
		if (!memchr(e->text, 0, sizeof(e->text)) || e->tag > 31)
			__builtin_trap();
		if (i && t.ep[i - 1].preference > e->preference)
			__builtin_trap();
		if (e->password && strlen(e->password) > RADIUS_ATTR_MAX)
			__builtin_trap();
	}
	radius_tunnels_clear(&t);
	return 0;
}
