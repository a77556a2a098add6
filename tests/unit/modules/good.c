/* SPDX-License-Identifier: MIT */
/* A well-formed module with top-level and interface options and a check. */
#include <errno.h>
#include "trace.h"

TRACE_MODULE_FUNCS("good")

static cfg_opt_t opts[] = {
	CFG_STR("good-greeting", "hello", CFGF_NONE),
	CFG_INT("good-limit", 10, CFGF_NONE),
	CFG_END(),
};

static cfg_opt_t iface_opts[] = {
	CFG_INT("good-speed", 64, CFGF_NONE),
	CFG_END(),
};

static int check(cfg_t *cfg)
{
	if (cfg_getint(cfg, "good-limit") < 0) {
		cfg_error(cfg, "good-limit must not be negative");
		return -EINVAL;
	}
	for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
		cfg_t *ifc = cfg_getnsec(cfg, "interface", i);
		if (cfg_getint(ifc, "good-speed") > 2048) {
			cfg_error(ifc, "interface %s: good-speed above 2048", cfg_title(ifc));
			return -EINVAL;
		}
	}
	return 0;
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "good",
	.version = "1.0",
	.description = "a module that loads",
	.options = opts,
	.interface_options = iface_opts,
	.check = check,
	.init = trace_init,
	.fini = trace_fini,
};
