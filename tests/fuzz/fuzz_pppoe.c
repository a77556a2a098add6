/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/pppoe: arbitrary bytes as a discovery packet
 * and as a session packet. A discovery packet that decodes must stay
 * inside the input (every blob), format to a bounded line, and survive a
 * rebuild/decode round trip with the same tags.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pppoe.h"

static int inside(const struct pppoe_blob *b, const uint8_t *data, size_t size)
{
	return !b->present || (b->data >= data && b->data + b->len <= data + size);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pppoe_disc d, e;
	const char *why;
	char line[512];
	static uint8_t out[70000];

	uint16_t sid;
	const uint8_t *p;
	size_t n;
	if (pppoe_session_decode(data, size, &sid, &p, &n, &why) == 0 &&
	    (p < data || p + n > data + size))
		abort();

	if (pppoe_disc_decode(data, size, &d, &why) != 0)
		return 0;
	const struct pppoe_blob *all[] = { &d.ac_name, &d.host_uniq, &d.ac_cookie,
					   &d.relay_session_id, &d.service_name_error,
					   &d.ac_system_error, &d.generic_error };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!inside(all[i], data, size))
			abort();
	for (unsigned i = 0; i < d.n_service_names && i < PPPOE_MAX_SERVICE_NAMES; i++)
		if (!inside(&d.service_names[i], data, size))
			abort();
	pppoe_disc_format(&d, line, sizeof(line));
	if (strlen(line) >= sizeof(line))
		abort();

	struct pppoe_builder b;
	pppoe_build_begin(&b, out, sizeof(out), d.code, d.session_id);
	for (unsigned i = 0; i < d.n_service_names && i < PPPOE_MAX_SERVICE_NAMES; i++)
		pppoe_build_blob(&b, PPPOE_TAG_SERVICE_NAME, &d.service_names[i]);
	pppoe_build_blob(&b, PPPOE_TAG_AC_NAME, &d.ac_name);
	pppoe_build_blob(&b, PPPOE_TAG_HOST_UNIQ, &d.host_uniq);
	pppoe_build_blob(&b, PPPOE_TAG_AC_COOKIE, &d.ac_cookie);
	pppoe_build_blob(&b, PPPOE_TAG_RELAY_SESSION_ID, &d.relay_session_id);
	pppoe_build_blob(&b, PPPOE_TAG_GENERIC_ERROR, &d.generic_error);
	if (d.has_max_payload)
		pppoe_build_u16(&b, PPPOE_TAG_PPP_MAX_PAYLOAD, d.max_payload);
	int len = pppoe_build_end(&b);
	if (len < 0)
		return 0;   /* more than 8 service names may not fit a PADI again */
	if (d.n_service_names <= PPPOE_MAX_SERVICE_NAMES) {
		if (pppoe_disc_decode(out, (size_t)len, &e, &why) != 0)
			abort();
		if (e.host_uniq.len != d.host_uniq.len || e.ac_cookie.len != d.ac_cookie.len ||
		    e.max_payload != d.max_payload || e.n_service_names != d.n_service_names)
			abort();
	}
	return 0;
}
