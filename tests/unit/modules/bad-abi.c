/* SPDX-License-Identifier: MIT */
/* Built against a future ABI: must be refused. */
#include "trace.h"

TRACE_MODULE_FUNCS("bad-abi")

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI + 98,
	.size = sizeof(struct vpdn_module),
	.name = "bad-abi",
	.version = "1.0",
	.init = trace_init,
	.fini = trace_fini,
};
