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

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_CALL_INCOMING, VPDN_EV_DIAL_REQUEST, VPDN_EV_NONE };
static const uint32_t needs[] = { VPDN_EV_PPP_START, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_CALL_PLACE, VPDN_EV_DIALOUT_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
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
	.claims = claims,
	.needs = needs,
	.uses = uses,
};
