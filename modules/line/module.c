/* SPDX-License-Identifier: MIT */
/* The line module descriptor: serial lines. See line-module.h. */
#include <vpdnd/module.h>

#include "line-module.h"

static int mod_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct line_module *lm = NULL;
	int r = line_module_new(core, cfg, &lm);

	if (r < 0)
		return r;
	*state = lm;
	return 0;
}

static int mod_reload(void *state, cfg_t *cfg)
{
	return line_module_reload(state, cfg);
}

static void mod_fini(void *state)
{
	line_module_free(state);
}

static const uint32_t claims[] = { VPDN_EV_CALL_PLACE, VPDN_EV_CALL_HANGUP, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_CALL_INCOMING, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "line",
	.version = VPDND_VERSION_STRING,
	.description = "Serial lines (async HDLC over a tty, pty or UNIX stream) for an external PPP",
	.requires = NULL,
	.options = line_options,
	.interface_options = NULL,
	.check = line_module_check,
	.init = mod_init,
	.reload = mod_reload,
	.fini = mod_fini,
	.claims = claims,
	.uses = uses,
};
