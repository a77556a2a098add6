/* SPDX-License-Identifier: MIT */
/* The dialer module descriptor: glue around dialer.c. */
#include <vpdnd/module.h>

#include "dialer.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct dialer_module *m = NULL;
	int r = dialer_module_new(core, cfg, &m);

	if (r < 0)
		return r;
	*state = m;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return dialer_module_reload(state, cfg);
}

static void mod_fini(void *state)
{
	dialer_module_free(state);
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.name = "dialer",
	.version = VPDND_VERSION_STRING,
	.description = "Dialer: answers calls, rotary groups, dialer profiles, dial on demand",
	.requires = NULL,
	.options = dialer_options,
	.interface_options = dialer_interface_options,
	.check = dialer_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
};
