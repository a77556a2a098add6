/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/dhcpv6: arbitrary bytes as a DHCPv6 message.
 * What decodes must stay inside its bounds, format its DUIDs to bounded
 * strings, and survive an encode/decode round trip with the same content.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcpv6.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dhcpv6_msg m, e;
	static uint8_t out[70000];
	const char *why;
	char s[80];

	if (dhcpv6_decode(data, size, &m, &why) != 0) {
		if (!why)
			abort();
		return 0;
	}
	if (m.n_ia_pd > DHCPV6_MAX_IA_PD || m.n_oro > DHCPV6_MAX_ORO ||
	    m.n_dns > DHCPV6_MAX_DNS || m.client_id.len > DHCPV6_DUID_MAX ||
	    m.server_id.len > DHCPV6_DUID_MAX || m.status.msg_len > DHCPV6_STATUS_MSG_MAX)
		abort();
	for (size_t i = 0; i < m.n_ia_pd; i++) {
		if (m.ia_pd[i].n_prefix > DHCPV6_MAX_PREFIX)
			abort();
		for (size_t j = 0; j < m.ia_pd[i].n_prefix; j++)
			if (m.ia_pd[i].prefix[j].plen > 128)
				abort();
	}
	dhcpv6_duid_format(&m.client_id, s, sizeof(s));
	if (strlen(s) >= sizeof(s))
		abort();
	ssize_t n = dhcpv6_encode(&m, out, sizeof(out));
	if (n < 4)
		abort();
	if (dhcpv6_decode(out, (size_t)n, &e, &why) != 0)
		abort();
	if (e.type != m.type || e.xid != m.xid || e.n_ia_pd != m.n_ia_pd ||
	    !dhcpv6_duid_eq(&e.client_id, &m.client_id) ||
	    !dhcpv6_duid_eq(&e.server_id, &m.server_id) || e.n_dns != m.n_dns ||
	    e.n_oro != m.n_oro || e.rapid_commit != m.rapid_commit)
		abort();
	for (size_t i = 0; i < m.n_ia_pd; i++)
		if (e.ia_pd[i].iaid != m.ia_pd[i].iaid ||
		    e.ia_pd[i].n_prefix != m.ia_pd[i].n_prefix)
			abort();
	return 0;
}
