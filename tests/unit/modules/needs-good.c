/* SPDX-License-Identifier: MIT */
/* Requires "good": must init after it and fini before it. */
#include "trace.h"

TRACE_MODULE_FUNCS("needs-good")

static const char *const requires[] = { "good", NULL };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "needs-good",
	.version = "1.0",
	.description = "depends on good",
	.requires = requires,
	.init = trace_init,
	.fini = trace_fini,
};
