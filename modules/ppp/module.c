/* SPDX-License-Identifier: MIT */
/* The ppp module's glue: descriptor, config checks, init/reload/fini. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

/* The option if a loaded module defines it (cfg_getopt() would report
 * "no such option" for the l2tp module's vpdn-group without l2tp). */
static cfg_opt_t *find_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* An L2TP accept-dialin clones its Virtual-Access interfaces from
 * interface "Virtual-TemplateN": without that section every session would
 * run with defaults (no authentication, no address) and nothing says so. */
static int check_virtual_templates(cfg_t *cfg)
{
	cfg_opt_t *groups = find_opt(cfg, "vpdn-group");
	int ret = 0;

	for (unsigned i = 0; groups && i < cfg_opt_size(groups); i++) {
		cfg_t *g = cfg_opt_getnsec(groups, i);
		if (!find_opt(g, "accept-dialin") || !cfg_size(g, "accept-dialin"))
			continue;
		cfg_t *ad = cfg_getsec(g, "accept-dialin");
		if (!find_opt(ad, "virtual-template"))
			continue;
		long vt = cfg_getint(ad, "virtual-template");
		char name[40];
		if (vt < 0)
			continue;
		snprintf(name, sizeof(name), "Virtual-Template%ld", vt);
		if (!vpdn_interface_find(cfg, name)) {
			cfg_error(g, "vpdn-group %s: virtual-template = %ld but no interface \"%s\" section to clone sessions from",
				  cfg_title(g), vt, name);
			ret = -EINVAL;
		}
	}
	return ret;
}

static int ppp_check(cfg_t *cfg)
{
	if (check_virtual_templates(cfg) < 0 || ppp_pools_check(cfg) < 0)
		return -EINVAL;
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
				     "on-mismatch; addresses a.b.c.d; ppp-mru 64..65535; "
				     "ipv6-interface-id an identifier as \"::1\", not zero)",
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

static GVariant *ppp_save(void *state)
{
	return ppp_state_save(state);
}

static int ppp_restore(void *state, GVariant *data, uint32_t version)
{
	static bool called;
	int r;

	/* The links come from l2tp's restore, which may run after ours
	 * (config order): ask to be called again after everyone. */
	if (!called) {
		called = true;
		return -EAGAIN;
	}
	r = ppp_state_restore(state, data, version);
	return r < 0 ? r : 0;
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_PPP_START, VPDN_EV_SESSION_INCOMING, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_AUTH_REQUEST, VPDN_EV_SECRET_REQUEST, VPDN_EV_FORWARD_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "ppp",
	.version = "0.1.0",
	.description = "PPP engine: LCP, CHAP, PAP, IPCP, IPv6CP; client, server, LAC forwarding",
	.requires = NULL,
	.options = ppp_pool_options,
	.interface_options = ppp_interface_options,
	.check = ppp_check,
	.init = ppp_init,
	.reload = ppp_reload,
	.fini = ppp_fini,
	.claims = claims,
	.uses = uses,
	.state_version = PPP_STATE_VERSION,
	.save = ppp_save,
	.restore = ppp_restore,
};
