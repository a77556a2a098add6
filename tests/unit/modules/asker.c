/* SPDX-License-Identifier: MIT */
/* Needs AUTH_REQUEST answered, asks SECRET_REQUEST in some configs. */
#include "trace.h"

TRACE_MODULE_FUNCS("asker")

static const uint32_t needs[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_SECRET_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "asker",
	.init = trace_init,
	.fini = trace_fini,
	.needs = needs,
	.uses = uses,
};
