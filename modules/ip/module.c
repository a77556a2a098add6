/* SPDX-License-Identifier: MIT */
/* The ip module descriptor: glue around ip.c with the real kernel. */
#include <vpdnd/module.h>

#include "ip.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct ip_module *m = NULL;
	int r = ip_module_new(core, cfg, &ip_sys_kernel, NULL, &m);

	if (r < 0)
		return r;
	*state = m;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return ip_module_reload(state, cfg);
}

static void mod_fini(void *state)
{
	ip_module_free(state);
	ip_nl_close();
}

static GVariant *mod_save(void *state)
{
	return ip_state_save(state);
}

static int mod_restore(void *state, GVariant *data, uint32_t version)
{
	return ip_state_restore(state, data, version);
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_ADDRESS_CHECK, VPDN_EV_IPV6_ROUTE,
				   VPDN_EV_INTERFACE_COUNTERS, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "ip",
	.version = VPDND_VERSION_STRING,
	.description = "IP interfaces on TUN: Virtual-Access, dialer profiles, loopbacks, routes, dial on demand",
	.requires = NULL,
	.options = ip_options,
	.interface_options = ip_interface_options,
	.check = ip_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = claims,
	.state_version = IP_STATE_VERSION,
	.save = mod_save,
	.restore = mod_restore,
};
