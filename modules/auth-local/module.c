/* SPDX-License-Identifier: MIT */
/* The auth-local module descriptor: glue around auth-local.c. */
#include <vpdnd/module.h>

#include "auth-local.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct auth_local *al = NULL;
	int r = auth_local_new(core, cfg, &al);

	if (r < 0)
		return r;
	*state = al;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return auth_local_reload(state, cfg);
}

static void mod_fini(void *state)
{
	auth_local_free(state);
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_SECRET_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "auth-local",
	.version = VPDND_VERSION_STRING,
	.description = "Local users (username sections, chap-secrets files) for CHAP and PAP",
	.requires = NULL,
	.options = auth_local_options,
	.interface_options = NULL,
	.check = auth_local_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = claims,
};
