/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/radius: any datagram through the parser, then
 * every decoder the client and the dynamic-authorization listener use on
 * it (iteration, integer/tagged/VSA decoders, authenticator checks,
 * password decryption, the debug formatter). A packet the parser accepts
 * is rebuilt attribute by attribute and must parse again identically.
 */
#include <stdint.h>
#include <string.h>

#include "radius.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t req_auth[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
	struct radius_view v, w;
	struct radius_attr a;
	struct radius_pkt p;
	size_t pos = 0;
	char buf[1024];

	if (radius_parse(data, size, &v) < 0)
		return 0;
	radius_pkt_init(&p, v.code, v.id, v.auth);
	while (radius_next(&v, &pos, &a)) {
		uint32_t u, vendor;
		uint8_t tag, vtype;
		const uint8_t *val;
		size_t len;

		radius_attr_format(&a, buf, sizeof(buf));
		(void)radius_attr_u32(&a, &u);
		(void)radius_attr_tagged_u32(&a, &tag, &u);
		radius_attr_tagged_str(&a, &tag, &val, &len);
		(void)radius_attr_vsa(&a, &vendor, &vtype, &val, &len);
		if (a.type == RADIUS_USER_PASSWORD)
			(void)radius_user_password_decode(&a, v.auth, "k", 1, buf, sizeof(buf));
		if (a.type == RADIUS_TUNNEL_PASSWORD)
			(void)radius_tunnel_password_decode(&a, req_auth, "k", 1, &tag, buf,
							    sizeof(buf));
		if (radius_add(&p, a.type, a.val, a.len) < 0)
			__builtin_trap();
	}
	(void)radius_verify_response(&v, req_auth, "k", 1, true);
	(void)radius_verify_request(&v, "k", 1, false);
	p.buf[2] = (uint8_t)(p.len >> 8);
	p.buf[3] = (uint8_t)p.len;
	if (p.len != v.len || memcmp(p.buf, v.buf, v.len) != 0)
		__builtin_trap();
	if (radius_parse(p.buf, p.len, &w) < 0 || w.n_attrs != v.n_attrs)
		__builtin_trap();
	return 0;
}
