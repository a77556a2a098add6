/* SPDX-License-Identifier: MIT */
/* Requires a module that is not listed: must be refused. */
#include "trace.h"

TRACE_MODULE_FUNCS("needs-missing")

static const char *const requires[] = { "radius", NULL };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "needs-missing",
	.version = "1.0",
	.requires = requires,
	.init = trace_init,
	.fini = trace_fini,
};
