/* SPDX-License-Identifier: MIT */
/* The auth-radius module descriptor: glue around auth-radius.c. */
#include <vpdnd/module.h>

#include "acct.h"
#include "auth-radius.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct auth_radius *ar = NULL;
	int r = auth_radius_new(core, cfg, &ar);

	if (r < 0)
		return r;
	*state = ar;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return auth_radius_reload(state, cfg);
}

static void mod_fini(void *state)
{
	auth_radius_free(state);
}

static GVariant *mod_save(void *state)
{
	return auth_radius_save(state);
}

static int mod_restore(void *state, GVariant *data, uint32_t version)
{
	return auth_radius_restore(state, data, version);
}

static const uint32_t claims[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_TUNNEL_AUTHORIZE, VPDN_EV_NONE };
/* the ip module's IPv6 counters for accounting; without it none are sent */
static const uint32_t uses[] = { VPDN_EV_INTERFACE_COUNTERS, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "auth-radius",
	.version = VPDND_VERSION_STRING,
	.description = "RADIUS authentication, authorization and accounting (RFC 2865/2866)",
	.requires = NULL,
	.options = auth_radius_options,
	.interface_options = NULL,
	.check = auth_radius_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = claims,
	.uses = uses,
	.state_version = ACCT_STATE_VERSION,
	.save = mod_save,
	.restore = mod_restore,
};
