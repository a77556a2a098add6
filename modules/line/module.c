/* SPDX-License-Identifier: MIT */
/* The line module descriptor: serial lines. See line-module.h. */
#include <vpdnd/module.h>

#include "line-module.h"
#include "line-state.h"

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

/* Restart in place (line-state.c): the streams of the lines with a call
 * up and their calls; nothing is sent. */
static GVariant *mod_save(void *state)
{
	return line_state_save(state);
}

static int mod_restore(void *state, GVariant *data, uint32_t version)
{
	return line_state_restore(state, data, version);
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
	.state_version = LINE_STATE_VERSION,
	.save = mod_save,
	.restore = mod_restore,
};
