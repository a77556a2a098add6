/* SPDX-License-Identifier: MIT */
/*
 * In-process benchmark of the PPPoE access concentrator's discovery
 * (modules/pppoe server.c + session.c, no sockets): N clients, each its
 * own MAC, PADI -> PADO -> PADR (with the cookie) -> PADS, the session
 * kept open; then every session ended by PADT. Prints the rates and the
 * heap growth per open session (the engine's share only: the link, the
 * dialer's call and PPP's state at a real LAC come on top).
 *
 *   pppoebench [N]      default 100000
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pppoe-private.h"

static uint8_t last[1500];
static size_t last_len;
static unsigned opened, closed;

static int fake_send(void *ctx, struct pppoe_if *ifc, const uint8_t dst[6], const uint8_t *pkt,
		     size_t len)
{
	memcpy(last, pkt, len);
	last_len = len;
	return 0;
}

static int fake_open(void *ctx, struct pppoe_session *s)
{
	opened++;
	return 0;
}

static void fake_closed(void *ctx, struct pppoe_session *s, const char *reason)
{
	closed++;
}

static const struct pppoe_carrier_ops ops = { fake_send, fake_open, fake_closed };

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t heap(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void mac_of(unsigned i, uint8_t mac[6])
{
	mac[0] = 0x02;
	mac[1] = (uint8_t)(i >> 24);
	mac[2] = (uint8_t)(i >> 16);
	mac[3] = (uint8_t)(i >> 8);
	mac[4] = (uint8_t)i;
	mac[5] = 0x01;
}

int main(int argc, char **argv)
{
	unsigned n = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 100000;
	struct vpdn_core *core = vpdn_core_new_test();
	struct pppoe_engine *e = pppoe_engine_new(core, &ops, NULL);
	const uint8_t ac[6] = { 0x02, 0, 0, 0, 0, 0xac };
	static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	struct pppoe_group g = { .name = "bench", .ac_name = "bench", .cookie_lifetime_s = 3600,
				 .services = g_ptr_array_new() };
	uint8_t buf[256], mac[6], cookie[16];
	struct pppoe_builder b;
	struct pppoe_disc d;
	unsigned sessions_per_if = 60000;
	unsigned nif = (n + sessions_per_if - 1) / sessions_per_if;
	struct pppoe_if **ifs = calloc(nif, sizeof(*ifs));

	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG__COUNT, false);
	for (unsigned k = 0; k < nif; k++) {
		char name[16];
		snprintf(name, sizeof(name), "eth%u", k);
		ifs[k] = pppoe_if_new(e, name, (int)k + 2, ac);
		ifs[k]->group = &g;
	}
	size_t h0 = heap();
	double t0 = now_s();
	for (unsigned i = 0; i < n; i++) {
		struct pppoe_if *ifc = ifs[i / sessions_per_if];
		mac_of(i, mac);
		pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADI, 0);
		pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, &i, sizeof(i));
		pppoe_disc_input(ifc, mac, bcast, buf, (size_t)pppoe_build_end(&b));
		if (pppoe_disc_decode(last, last_len, &d, NULL) < 0 || d.code != PPPOE_CODE_PADO ||
		    d.ac_cookie.len != 16) {
			fprintf(stderr, "no PADO for client %u\n", i);
			return 1;
		}
		memcpy(cookie, d.ac_cookie.data, 16);
		pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADR, 0);
		pppoe_build_tag(&b, PPPOE_TAG_SERVICE_NAME, NULL, 0);
		pppoe_build_tag(&b, PPPOE_TAG_HOST_UNIQ, &i, sizeof(i));
		pppoe_build_tag(&b, PPPOE_TAG_AC_COOKIE, cookie, 16);
		pppoe_disc_input(ifc, mac, ac, buf, (size_t)pppoe_build_end(&b));
	}
	double t1 = now_s();
	size_t h1 = heap();
	if (opened != n) {
		fprintf(stderr, "%u of %u sessions opened\n", opened, n);
		return 1;
	}
	/* every client ends its session */
	for (unsigned i = 0; i < n; i++) {
		struct pppoe_if *ifc = ifs[i / sessions_per_if];
		uint16_t sid = (uint16_t)(i % sessions_per_if + 1);
		mac_of(i, mac);
		pppoe_build_begin(&b, buf, sizeof(buf), PPPOE_CODE_PADT, sid);
		pppoe_disc_input(ifc, mac, ac, buf, (size_t)pppoe_build_end(&b));
	}
	double t2 = now_s();
	printf("pppoe_discovery_sessions %u\n", n);
	printf("pppoe_discovery_setup_per_s %.0f\n", n / (t1 - t0));
	printf("pppoe_padt_per_s %.0f\n", n / (t2 - t1));
	printf("pppoe_engine_bytes_per_session %.0f\n", (double)(h1 - h0) / n);
	printf("pppoe_sessions_closed %u\n", closed);
	for (unsigned k = 0; k < nif; k++)
		pppoe_if_free(ifs[k]);
	free(ifs);
	g_ptr_array_free(g.services, TRUE);
	pppoe_engine_free(e);
	vpdn_core_free_test(core);
	return closed == n ? 0 : 1;
}
