/* SPDX-License-Identifier: MIT */
/* The isdn-switch module descriptor: the simulated ISDN network. */
#include <vpdnd/module.h>

#include "switch.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct isdn_sw *sw = NULL;
	int r = isdn_sw_module_new(core, cfg, &sw);

	if (r < 0)
		return r;
	*state = sw;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return isdn_sw_reload(state, cfg);
}

static void mod_fini(void *state)
{
	isdn_sw_free(state);
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "isdn-switch",
	.version = VPDND_VERSION_STRING,
	.description = "The simulated ISDN network: routes calls between nodes' ISDN ports",
	.requires = NULL,
	.options = isdn_sw_options,
	.interface_options = NULL,
	.check = isdn_sw_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
};
