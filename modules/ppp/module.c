/* SPDX-License-Identifier: MIT */
/* The ppp module's glue: descriptor, config checks, init/reload/fini. */
#include <errno.h>

#include "ppp-private.h"

static int ppp_check(cfg_t *cfg)
{
	if (!cfg_getopt(cfg, "interface"))
		return 0;
	for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		struct ppp_conf *c = ppp_conf_new(cfg_title(s));
		int r = ppp_conf_load(c, cfg, s);
		ppp_conf_unref(c);
		if (r < 0) {
			cfg_error(s, "interface %s: invalid ppp-* setting (authentication "
				     "methods: chap, pap, callin; lcp-renegotiation: always, "
				     "on-mismatch; addresses a.b.c.d; ppp-mru 64..65535)",
				  cfg_title(s));
			return -EINVAL;
		}
	}
	return 0;
}

static int ppp_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct ppp_manager *m = ppp_manager_new(core, cfg);
	if (!m)
		return -EINVAL;
	*state = m;
	return 0;
}

static int ppp_reload(void *state, cfg_t *cfg)
{
	return ppp_manager_reload(state, cfg);
}

static void ppp_fini(void *state)
{
	ppp_manager_free(state);
}

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.name = "ppp",
	.version = "0.1.0",
	.description = "PPP engine: LCP, CHAP, PAP, IPCP; client, server, LAC forwarding",
	.requires = NULL,
	.options = NULL,
	.interface_options = ppp_interface_options,
	.check = ppp_check,
	.init = ppp_init,
	.reload = ppp_reload,
	.fini = ppp_fini,
};
