/* SPDX-License-Identifier: MIT */
/* Claims AUTH_REQUEST and SECRET_REQUEST. */
#include "trace.h"

TRACE_MODULE_FUNCS("answerer")

static const uint32_t claims[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_SECRET_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "answerer",
	.init = trace_init,
	.fini = trace_fini,
	.claims = claims,
};
