/* SPDX-License-Identifier: MIT */
/* A module built against ABI 1 (its descriptor as that SDK had it):
 * must be refused with one line. */
#include "trace.h"

TRACE_MODULE_FUNCS("abi1")

struct vpdn_module_abi1 {
	uint32_t abi;
	const char *name, *version, *description;
	const char *const *requires;
	cfg_opt_t *options, *interface_options;
	int (*check)(cfg_t *cfg);
	int (*init)(struct vpdn_core *core, cfg_t *cfg, void **state);
	int (*reload)(void *state, cfg_t *cfg);
	void (*fini)(void *state);
};

__attribute__((visibility("default"))) extern const struct vpdn_module_abi1 vpdn_module;
__attribute__((visibility("default"))) const struct vpdn_module_abi1 vpdn_module = {
	.abi = 1,
	.name = "abi1",
	.version = "1.0",
	.init = trace_init,
	.fini = trace_fini,
};
