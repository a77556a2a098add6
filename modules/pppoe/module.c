/* SPDX-License-Identifier: MIT */
/* The pppoe module descriptor (ABI 1): glue around pppoe.c. */
#include <vpdnd/module.h>

#include "pppoe-module.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct pppoe_module *m = NULL;
	int r = pppoe_module_new(core, cfg, &m);

	if (r < 0)
		return r;
	*state = m;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return pppoe_module_reload(state, cfg);
}

static void mod_fini(void *state)
{
	pppoe_module_free(state);
}

/* Restart in place (pppoe-state.c): the packet sockets and the open
 * sessions; nothing is sent. */
static GVariant *mod_save(void *state)
{
	return pppoe_state_save(state);
}

static int mod_restore(void *state, GVariant *data, uint32_t version)
{
	return pppoe_state_restore(state, data, version);
}

static const uint32_t claims[] = { VPDN_EV_CALL_PLACE, VPDN_EV_CALL_HANGUP, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_CALL_INCOMING, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "pppoe",
	.version = VPDND_VERSION_STRING,
	.description = "PPPoE (RFC 2516): access concentrator and client, sessions as links",
	.requires = NULL,
	.options = pppoe_options,
	.interface_options = pppoe_interface_options,
	.check = pppoe_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = claims,
	.uses = uses,
	.state_version = PPPOE_STATE_VERSION,
	.save = mod_save,
	.restore = mod_restore,
};
