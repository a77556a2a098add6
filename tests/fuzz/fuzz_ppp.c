/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: arbitrary frames into a running PPP engine, so every
 * parser the peer can reach is fuzzed the way the peer reaches it: the
 * LCP, IPCP and IPv6CP option parsers (CONFREQ/ACK/NAK/REJ), Code/Protocol-Reject,
 * Echo, Terminate, CHAP and PAP in both directions, with the automaton's
 * timers running on a fake clock.
 *
 * Input: byte 0 picks the role (server, client, LAC forwarding); then
 * records of [len][delay][len octets]: each record is one frame from the
 * carrier, after moving the clock by delay*50 ms. At the end the carrier
 * hangs up and the engine must be gone (no leak, no stuck engine).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <confuse.h>
#include <vpdnd/vpdnd.h>

#include "ppp.h"

static struct vpdn_core *core;
static struct ppp_manager *mgr;

static const char conf_text[] =
	"interface \"Virtual-Template1\" {\n"
	"  ppp-authentication = {\"chap\", \"pap\"}\n"
	"  ppp-chap-hostname = \"LNS\"\n"
	"  ppp-peer-pool = \"10.0.0.1 10.0.0.9\"\n"
	"  ppp-dns = {\"10.0.0.53\"}\n"
	"  ppp-keepalive = 1\n"
	"  ipv6-enable = true\n"
	"}\n"
	"interface \"Dialer1\" {\n"
	"  ppp-chap-hostname = \"client@example\"\n"
	"  ppp-chap-password = \"fuzz\"\n"
	"  ppp-ipcp-dns-request = true\n"
	"  ipv6-enable = true\n"
	"}\n"
	"interface \"Serial0:15\" {\n"
	"  ppp-authentication = {\"chap\"}\n"
	"  ppp-chap-hostname = \"LAC\"\n"
	"}\n";

static void carrier_frame(void *ctx, struct vpdn_link *l, const uint8_t *d, size_t n)
{
	(void)ctx; (void)l; (void)d; (void)n; /* what PPP sends is dropped */
}

static const struct vpdn_link_ops carrier_ops = { .frame = carrier_frame };

/* A parser with the interface table the daemon builds: the core's keys
 * (ip-address, ip-unnumbered...), then ppp's. */
static cfg_t *ppp_cfg_init(void)
{
	cfg_opt_t *iface = vpdn_interface_options_new(ppp_interface_options);
	cfg_opt_t opts[] = {
		CFG_SEC("interface", iface, CFGF_MULTI | CFGF_TITLE),
		CFG_END()
	};
	cfg_t *c = cfg_init(opts, 0);

	g_free(iface); /* cfg_init() copied it */
	return c;
}

static void init_once(void)
{
	core = vpdn_core_new_test();
	vpdn_log_set_targets(vpdn_core_log(core), 0); /* quiet */
	vpdn_log_set_debug(vpdn_core_log(core), VPDN_DEBUG__COUNT, true); /* but format every line */
	cfg_t *cfg = ppp_cfg_init();
	if (cfg_parse_buf(cfg, conf_text) != CFG_SUCCESS)
		abort();
	mgr = ppp_manager_new(core, cfg);
	if (!mgr)
		abort();
	/* The manager copies what it needs; the config can go. */
	cfg_free(cfg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct {
		enum vpdn_ppp_role role;
		enum vpdn_call_dir dir;
		const char *conf;
	} roles[] = {
		{ VPDN_PPP_ROLE_SERVER, VPDN_CALL_IN, "Virtual-Template1" },
		{ VPDN_PPP_ROLE_CLIENT, VPDN_CALL_OUT, "Dialer1" },
		{ VPDN_PPP_ROLE_LAC_FORWARD, VPDN_CALL_IN, "Serial0:15" },
	};
	if (!core)
		init_once();
	if (size < 1)
		return 0;
	unsigned r = data[0] % 3;
	struct vpdn_link *link = vpdn_link_new("Fz0");
	vpdn_link_attach(link, VPDN_LINK_A, &carrier_ops, NULL);
	struct ppp_start st = {
		.link = link, .end = VPDN_LINK_B, .interface = "Fz0",
		.role = roles[r].role, .dir = roles[r].dir, .call_id = 1,
		.calling = "6122", .called = "8211", .dnis = "211",
	};
	if (!ppp_engine_start(mgr, ppp_manager_conf(mgr, roles[r].conf), &st))
		abort();

	size_t i = 1;
	while (i + 2 <= size && ppp_manager_engine_count(mgr) > 0) {
		size_t len = data[i], delay = data[i + 1];
		i += 2;
		if (len > size - i)
			len = size - i;
		vpdn_timers_advance(vpdn_core_timers(core), delay * 50);
		if (ppp_manager_engine_count(mgr) == 0)
			break;
		vpdn_link_send(link, VPDN_LINK_A, data + i, len);
		i += len;
	}
	/* The carrier goes: the engine must go with it. */
	if (ppp_manager_engine_count(mgr) > 0)
		vpdn_link_hangup(link, VPDN_LINK_A, 16);
	vpdn_timers_advance(vpdn_core_timers(core), 60000);
	if (ppp_manager_engine_count(mgr) != 0)
		abort();
	vpdn_link_unref(link);
	return 0;
}
