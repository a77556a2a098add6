/* SPDX-License-Identifier: MIT */
/* The isdn module descriptor: glue around isdn.c. */
#include <vpdnd/module.h>

#include "isdn.h"
#include "isdn-state.h"

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

/* Restart in place (isdn-state.c): the network connection and the
 * active calls; nothing is sent. */
static GVariant *mod_save(void *state)
{
	return isdn_state_save(state);
}

static int mod_restore(void *state, GVariant *data, uint32_t version)
{
	return isdn_state_restore(state, data, version);
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_CALL_PLACE, VPDN_EV_CALL_HANGUP, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_CALL_INCOMING, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
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
	.claims = claims,
	.uses = uses,
	.state_version = ISDN_STATE_VERSION,
	.save = mod_save,
	.restore = mod_restore,
};
