/* SPDX-License-Identifier: MIT */
/* A claims list naming a type that is not built in: refused. */
#include "trace.h"

TRACE_MODULE_FUNCS("bad-list")

static const uint32_t claims[] = { VPDN_EV__DYNAMIC_BASE + 1, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "bad-list",
	.init = trace_init,
	.fini = trace_fini,
	.claims = claims,
};
