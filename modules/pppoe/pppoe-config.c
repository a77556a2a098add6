/* SPDX-License-Identifier: MIT */
/*
 * The pppoe module's config: the bba-group sections, pppoe-sessions-max,
 * the interface keys pppoe-enable / pppoe-client / pppoe-service-name /
 * pppoe-ac-name / pppoe-max-payload, check() (file:line errors), and the
 * groups as the engine reads them. See man/vpdnd.conf.5, MODULE PPPOE.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "pppoe-module.h"

static cfg_opt_t group_opts[] = {
	CFG_INT("virtual-template", 0, CFGF_NONE),
	CFG_STR("ac-name", NULL, CFGF_NONE),
	CFG_STR_LIST("service-name", NULL, CFGF_NONE),
	CFG_INT("sessions-per-mac", 0, CFGF_NONE),
	CFG_INT("sessions-per-interface", 0, CFGF_NONE),
	CFG_INT("padi-rate", 0, CFGF_NONE),
	CFG_INT("padi-rate-per-mac", 0, CFGF_NONE),
	CFG_INT("pppoe-max-payload", 0, CFGF_NONE),
	CFG_INT("cookie-lifetime", 60, CFGF_NONE),
	CFG_END()
};

cfg_opt_t pppoe_options[] = {
	CFG_SEC("bba-group", group_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_INT("pppoe-sessions-max", 0, CFGF_NONE),
	CFG_END()
};

cfg_opt_t pppoe_interface_options[] = {
	CFG_STR("pppoe-enable", NULL, CFGF_NONE),
	CFG_BOOL("pppoe-client", cfg_false, CFGF_NONE),
	CFG_STR("pppoe-service-name", "", CFGF_NONE),
	CFG_STR("pppoe-ac-name", NULL, CFGF_NONE),
	CFG_INT("pppoe-max-payload", 0, CFGF_NONE),
	CFG_END()
};

static long opt_int_or(cfg_t *s, const char *name, long def)
{
	for (cfg_opt_t *o = s && s->opts ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return cfg_opt_size(o) ? cfg_opt_getnint(o, 0) : def;
	return def;
}

static bool in_range(cfg_t *s, const char *opt, long lo, long hi)
{
	long v = cfg_getint(s, opt);

	if (v < lo || v > hi) {
		cfg_error(s, "%s must be %ld..%ld", opt, lo, hi);
		return false;
	}
	return true;
}

int pppoe_check(cfg_t *cfg)
{
	unsigned ng = cfg_size(cfg, "bba-group"), ni = cfg_size(cfg, "interface");

	if (cfg_getint(cfg, "pppoe-sessions-max") < 0) {
		cfg_error(cfg, "pppoe-sessions-max must be >= 0");
		return -EINVAL;
	}
	for (unsigned i = 0; i < ng; i++) {
		cfg_t *g = cfg_getnsec(cfg, "bba-group", i);
		char vt[40];
		long mp = cfg_getint(g, "pppoe-max-payload");
		if (!in_range(g, "virtual-template", 1, 65535) ||
		    !in_range(g, "sessions-per-mac", 0, 65534) ||
		    !in_range(g, "sessions-per-interface", 0, 65534) ||
		    !in_range(g, "padi-rate", 0, 1000000) ||
		    !in_range(g, "padi-rate-per-mac", 0, 1000000) ||
		    !in_range(g, "cookie-lifetime", 1, 86400))
			return -EINVAL;
		if (mp && (mp < PPPOE_DEFAULT_MRU || mp > 9000)) {
			cfg_error(g, "pppoe-max-payload must be 0 or 1492..9000");
			return -EINVAL;
		}
		snprintf(vt, sizeof(vt), "Virtual-Template%ld", cfg_getint(g, "virtual-template"));
		cfg_t *t = cfg_gettsec(cfg, "interface", vt);
		if (!t) {
			cfg_error(g, "virtual-template %ld: no interface \"%s\"",
				  cfg_getint(g, "virtual-template"), vt);
			return -EINVAL;
		}
		long mru = opt_int_or(t, "ppp-mru", 1500);
		long most = mp ? mp : PPPOE_DEFAULT_MRU;
		if (mru > most) {
			cfg_error(g, "virtual-template %ld: interface %s has ppp-mru %ld, more than "
				  "PPPoE carries (%ld): set ppp-mru = %ld there", cfg_getint(g,
				  "virtual-template"), vt, mru, most, most);
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < ni; i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *grp = cfg_getstr(s, "pppoe-enable");
		long mp = cfg_getint(s, "pppoe-max-payload");
		if (grp && !cfg_gettsec(cfg, "bba-group", grp)) {
			cfg_error(s, "pppoe-enable \"%s\": no bba-group \"%s\"", grp, grp);
			return -EINVAL;
		}
		if (mp && (mp < PPPOE_DEFAULT_MRU || mp > 9000)) {
			cfg_error(s, "pppoe-max-payload must be 0 or 1492..9000");
			return -EINVAL;
		}
		if (strlen(cfg_title(s)) >= IFNAMSIZ && (grp || cfg_getbool(s, "pppoe-client"))) {
			cfg_error(s, "interface %s: not a Linux interface name", cfg_title(s));
			return -EINVAL;
		}
	}
	return 0;
}

void pppoe_group_free(gpointer p)
{
	struct pppoe_group *g = p;

	g_free(g->name);
	g_free(g->ac_name);
	g_free(g->config);
	g_ptr_array_free(g->services, TRUE);
	g_free(g);
}

struct pppoe_group *pppoe_group_load(cfg_t *s, const char *hostname)
{
	struct pppoe_group *g = g_new0(struct pppoe_group, 1);
	const char *ac = cfg_getstr(s, "ac-name");

	g->name = g_strdup(cfg_title(s));
	g->ac_name = g_strdup(ac ? ac : hostname);
	g->services = g_ptr_array_new_with_free_func(g_free);
	for (unsigned i = 0; i < cfg_size(s, "service-name"); i++)
		g_ptr_array_add(g->services, g_strdup(cfg_getnstr(s, "service-name", i)));
	g->config = g_strdup_printf("Virtual-Template%ld", cfg_getint(s, "virtual-template"));
	g->sessions_per_mac = (unsigned)cfg_getint(s, "sessions-per-mac");
	g->sessions_per_if = (unsigned)cfg_getint(s, "sessions-per-interface");
	g->padi_rate = (unsigned)cfg_getint(s, "padi-rate");
	g->padi_rate_mac = (unsigned)cfg_getint(s, "padi-rate-per-mac");
	g->max_payload = (uint16_t)cfg_getint(s, "pppoe-max-payload");
	g->cookie_lifetime_s = (unsigned)cfg_getint(s, "cookie-lifetime");
	return g;
}

struct pppoe_group *pppoe_group_find(struct pppoe_module *m, const char *name)
{
	for (guint i = 0; i < m->groups->len; i++) {
		struct pppoe_group *g = g_ptr_array_index(m->groups, i);
		if (!strcmp(g->name, name))
			return g;
	}
	return NULL;
}


/* The interface section of a port in a new config, and what it asks. */
static cfg_t *port_section(cfg_t *cfg, const struct pppoe_port *p, const char **grp, bool *client)
{
	cfg_t *s = cfg_gettsec(cfg, "interface", p->ifc->name);

	*grp = s ? cfg_getstr(s, "pppoe-enable") : NULL;
	*client = s && cfg_getbool(s, "pppoe-client");
	return s;
}

int pppoe_module_reload(struct pppoe_module *m, cfg_t *cfg)
{
	GPtrArray *groups, *old;
	unsigned added = 0;

	/* refuse first: nothing is changed by a refused reload */
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		const char *grp;
		bool client;
		cfg_t *s = port_section(cfg, p, &grp, &client);
		const char *lost = p->ifc->group && !grp ? "pppoe-enable"
			: p->ifc->client && !client ? "pppoe-client" : NULL;
		if (lost) {
			cfg_error(s ? s : cfg, "interface %s: %s cannot be removed by a reload "
				  "(its %u session%s would end); restart the node for that",
				  p->ifc->name, lost, p->ifc->n_sessions,
				  p->ifc->n_sessions == 1 ? "" : "s");
			return -EINVAL;
		}
	}
	groups = g_ptr_array_new_with_free_func(pppoe_group_free);
	for (unsigned i = 0; i < cfg_size(cfg, "bba-group"); i++)
		g_ptr_array_add(groups, pppoe_group_load(cfg_getnsec(cfg, "bba-group", i),
							 vpdn_core_hostname(m->core)));
	old = m->groups;
	m->groups = groups;
	for (guint i = 0; i < m->ports->len; i++) {
		struct pppoe_port *p = g_ptr_array_index(m->ports, i);
		const char *grp;
		bool client;
		cfg_t *s = port_section(cfg, p, &grp, &client);
		p->ifc->group = grp ? pppoe_group_find(m, grp) : NULL;
		p->ifc->client = client;
		g_free(p->service);
		g_free(p->ac_name);
		p->service = g_strdup(cfg_getstr(s, "pppoe-service-name"));
		p->ac_name = g_strdup(cfg_getstr(s, "pppoe-ac-name"));
		p->want_payload = (uint16_t)cfg_getint(s, "pppoe-max-payload");
	}
	g_ptr_array_free(old, TRUE);   /* no session points into a group */
	m->e->sessions_max = (unsigned)cfg_getint(cfg, "pppoe-sessions-max");
	for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		if ((!cfg_getstr(s, "pppoe-enable") && !cfg_getbool(s, "pppoe-client")) ||
		    pppoe_port_find(m, cfg_title(s)))
			continue;
		int r = pppoe_port_open(m, s);
		if (r < 0)   /* logged; the port waits as a missing one does */
			vpdn_warn(m->log, "%s PPPoE: not opened by the reload: %s", cfg_title(s),
				  g_strerror(-r));
		added++;
	}
	vpdn_notice(m->log, "PPPoE: reloaded: %u bba-group%s, %u interface%s (%u new); "
		    "established sessions keep their settings", groups->len,
		    groups->len == 1 ? "" : "s", m->ports->len, m->ports->len == 1 ? "" : "s",
		    added);
	return 0;
}
