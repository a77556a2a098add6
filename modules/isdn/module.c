/* SPDX-License-Identifier: MIT */
/* The isdn module descriptor: glue around isdn.c. */
#include <vpdnd/module.h>

#include "isdn.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct isdn *is = NULL;
	int r = isdn_new(core, cfg, &is);

	if (r < 0)
		return r;
	*state = is;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return isdn_reload(state, cfg);
}

static void mod_fini(void *state)
{
	isdn_free(state);
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.name = "isdn",
	.version = VPDND_VERSION_STRING,
	.description = "ISDN ports (PRI E1/T1, BRI) on the simulated ISDN network",
	.requires = NULL,
	.options = isdn_options,
	.interface_options = NULL,
	.check = isdn_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
};
