/* SPDX-License-Identifier: MIT */
/* ABI 2 in name, but a descriptor shorter than ABI 2's: refused. */
#include "trace.h"

TRACE_MODULE_FUNCS("short-size")

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = 16,
	.name = "short-size",
	.init = trace_init,
	.fini = trace_fini,
};
