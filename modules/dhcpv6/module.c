/* SPDX-License-Identifier: MIT */
/* The dhcpv6 module descriptor (ABI 2): glue around dhcpv6.c. */
#include <vpdnd/module.h>

#include "dhcpv6-module.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct dh_module *m = NULL;
	int r = dhcpv6_module_new(core, cfg, NULL, NULL, &m);

	if (r < 0)
		return r;
	*state = m;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return dhcpv6_module_reload(state, cfg);
}

static void mod_fini(void *state)
{
	dhcpv6_module_free(state);
}

/* It asks the ip module to route delegated prefixes: without one the
 * server still answers, the prefixes are not routed. */
static const uint32_t uses[] = { VPDN_EV_IPV6_ROUTE, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "dhcpv6",
	.version = VPDND_VERSION_STRING,
	.description = "DHCPv6 (RFC 8415): prefix delegation and DNS per PPP session, server and client",
	.requires = NULL,
	.options = dhcpv6_options,
	.interface_options = dhcpv6_interface_options,
	.check = dhcpv6_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = NULL,
	.needs = NULL,
	.uses = uses,
};
