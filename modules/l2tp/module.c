/* SPDX-License-Identifier: MIT */
/*
 * The l2tp module's glue: config sections, init (engine, sockets, event
 * subscriptions, D-Bus module object), fini, and the restart hooks.
 */
#include <errno.h>

#include "l2tp.h"

struct l2tp_module {
	struct l2tp *l2tp;
	struct l2tp_transport *transport;
};

static int l2tp_module_init(struct vpdn_core *core, cfg_t *cfg, void **state)
{
	struct l2tp_module *mod = g_new0(struct l2tp_module, 1);
	struct l2tp_config *c = NULL;
	char *error = NULL;
	int r;

	r = l2tp_config_parse(cfg, &c, &error);
	if (r < 0) {
		vpdn_err(vpdn_core_log(core), "l2tp: %s", error);
		goto fail;
	}
	mod->l2tp = l2tp_new(core, c, l2tp_transport_xmit, NULL);
	mod->transport = l2tp_transport_new(mod->l2tp, &error);
	if (!mod->transport) {
		vpdn_err(vpdn_core_log(core), "%s", error);
		r = -EADDRNOTAVAIL;
		goto fail;
	}
	mod->l2tp->xctx = mod->transport;
	mod->l2tp->transport = mod->transport;
	r = l2tp_subscribe(mod->l2tp);
	if (r < 0)
		goto fail;
	r = l2tp_bus_module_add(mod->l2tp);
	if (r < 0) {
		vpdn_err(vpdn_core_log(core), "l2tp: Failed to add D-Bus object: %s", g_strerror(-r));
		goto fail;
	}
	*state = mod;
	return 0;
fail:
	g_free(error);
	if (mod->l2tp) {
		/* Tunnels go first: they send through the transport. */
		l2tp_free(mod->l2tp);
	}
	l2tp_transport_free(mod->transport);
	g_free(mod);
	return r < 0 ? r : -EINVAL;
}

/* Live reload: the core parsed and checked the new config; sockets first
 * (the step that can be refused), then the engine switches to the new
 * groups. Established tunnels and sessions stay up. */
static int l2tp_module_reload(void *state, cfg_t *cfg)
{
	struct l2tp_module *mod = state;
	struct vpdn_log *log = vpdn_core_log(mod->l2tp->core);
	struct l2tp_config *c = NULL;
	char *error = NULL;
	int r;

	r = l2tp_config_parse(cfg, &c, &error);
	if (r < 0)
		goto fail;
	r = l2tp_transport_reconfigure(mod->transport, c, &error);
	if (r < 0)
		goto fail;
	r = l2tp_reconfigure(mod->l2tp, c, &error);
	if (r < 0)
		goto fail;
	return 0;
fail:
	vpdn_err(log, "Reload refused: %s", error ? error : g_strerror(-r));
	g_free(error);
	l2tp_config_free(c);
	return r;
}

static void l2tp_module_fini(void *state)
{
	struct l2tp_module *mod = state;

	if (!mod)
		return;
	l2tp_shutdown(mod->l2tp);
	l2tp_free(mod->l2tp);
	l2tp_transport_free(mod->transport);
	g_free(mod);
}

/* Restart in place (docs/RESTART.md): the sockets and the established
 * tunnels and sessions; nothing is sent. */
static GVariant *l2tp_module_save(void *state)
{
	struct l2tp_module *mod = state;

	l2tp_transport_keep_fds(mod->transport);
	return l2tp_state_save(mod->l2tp);
}

static int l2tp_module_restore(void *state, GVariant *data, uint32_t version)
{
	struct l2tp_module *mod = state;

	return l2tp_state_restore(mod->l2tp, data, version);
}

/* ABI 2: the requests this module answers (claims) and asks (needs,
 * uses); the loader reports what nobody answers. */
static const uint32_t claims[] = { VPDN_EV_FORWARD_REQUEST, VPDN_EV_DIALOUT_REQUEST, VPDN_EV_ADDRESS_CHECK, VPDN_EV_NONE };
static const uint32_t uses[] = { VPDN_EV_SESSION_INCOMING, VPDN_EV_DIAL_REQUEST, VPDN_EV_NONE };

VPDN_MODULE_EXPORT = {
	.abi = VPDN_MODULE_ABI,
	.size = sizeof(struct vpdn_module),
	.name = "l2tp",
	.version = VPDND_VERSION_STRING,
	.description = "L2TPv2 LAC and LNS (RFC 2661): tunnels, sessions, vpdn-groups",
	.requires = NULL,
	.options = l2tp_cfg_options,
	.interface_options = NULL,
	.check = l2tp_config_check,
	.init = l2tp_module_init,
	.reload = l2tp_module_reload,
	.fini = l2tp_module_fini,
	.claims = claims,
	.uses = uses,
	.state_version = L2TP_STATE_VERSION,
	.save = l2tp_module_save,
	.restore = l2tp_module_restore,
};
