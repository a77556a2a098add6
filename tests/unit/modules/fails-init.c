/* SPDX-License-Identifier: MIT */
/* init() fails: the modules already started must be finalised. */
#include <errno.h>
#include "trace.h"

static int fail_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	trace(core, "init", "fails-init");
	return -EADDRINUSE;
}

static void never_fini(void *state)
{
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "fails-init",
	.version = "1.0",
	.init = fail_init,
	.fini = never_fini,
};
