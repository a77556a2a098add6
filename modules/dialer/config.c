/* SPDX-License-Identifier: MIT */
/*
 * The dialer's config: `dialer-list` sections and the `dialer-*` interface
 * options, copied into dialer_conf (Dialer interfaces) and dialer_member
 * (interfaces that take calls). Options of other modules (ppp-*, the
 * `vpdn` section) are read leniently: absent when their module is not
 * loaded.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialer-private.h"

static cfg_opt_t dialer_list_opts[] = {
	/* "ip", "ipv6" or both ({"ip", "ipv6"}: IOS's two dialer-list lines) */
	CFG_STR_LIST("protocol", "{ip}", CFGF_NONE),
	CFG_BOOL("permit", cfg_true, CFGF_NONE),
	CFG_END()
};

cfg_opt_t dialer_options[] = {
	CFG_SEC("dialer-list", dialer_list_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

cfg_opt_t dialer_interface_options[] = {
	CFG_INT("dialer-rotary-group", 0, CFGF_NONE),
	CFG_BOOL("dialer-in-band", cfg_false, CFGF_NONE),
	CFG_BOOL("dialer-aaa", cfg_false, CFGF_NONE),
	CFG_INT("dialer-group", 0, CFGF_NONE),
	CFG_INT("dialer-pool", 0, CFGF_NONE),
	CFG_INT_LIST("dialer-pool-member", NULL, CFGF_NONE),
	CFG_STR("dialer-remote-name", NULL, CFGF_NONE),
	CFG_STR("dialer-string", NULL, CFGF_NONE),
	CFG_BOOL("dialer-vpdn", cfg_false, CFGF_NONE),
	CFG_BOOL("dialer-vpdn-forward", cfg_false, CFGF_NODEFAULT),
	CFG_INT("dialer-idle-timeout", 120, CFGF_NONE),
	CFG_INT("dialer-wait-for-carrier", 30, CFGF_NONE),
	CFG_INT("dialer-enable-timeout", 15, CFGF_NONE),
	CFG_STR_LIST("dialer-ports", NULL, CFGF_NONE),
	CFG_END()
};

/* An option of this section by name, or NULL (no error printed). */
static cfg_opt_t *find_opt(cfg_t *sec, const char *name)
{
	if (!sec || !sec->opts)
		return NULL;
	for (cfg_opt_t *o = sec->opts; o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* Set to something: a non-empty list or a non-NULL string. */
static bool opt_set(cfg_t *sec, const char *name)
{
	cfg_opt_t *o = find_opt(sec, name);

	if (!o || cfg_opt_size(o) == 0)
		return false;
	return o->type != CFGT_STR || cfg_opt_size(o) > 1 || cfg_opt_getnstr(o, 0) != NULL;
}

/* A Dialer interface: "Dialer1", "dialer 1", "Di1". */
static bool is_dialer_name(const char *name)
{
	const char *t = vpdn_ifname_type(name);

	return t && !strcmp(t, "Dialer");
}

static int name_unit(const char *name)
{
	const char *p = name + strcspn(name, "0123456789");
	char *end;
	long v;

	if (!*p)
		return -1;
	v = strtol(p, &end, 10);
	return *end || v < 0 || v > 65535 ? -1 : (int)v;
}

/* Does the group's dialer-list permit `proto` ("ip", "ipv6")? */
static bool list_permits(cfg_t *cfg, int group, const char *proto)
{
	char title[16];
	cfg_t *l;

	if (group <= 0)
		return false;
	snprintf(title, sizeof(title), "%d", group);
	l = cfg_gettsec(cfg, "dialer-list", title);
	if (!l || !cfg_getbool(l, "permit"))
		return false;
	for (unsigned i = 0; i < cfg_size(l, "protocol"); i++)
		if (!g_ascii_strcasecmp(cfg_getnstr(l, "protocol", i), proto))
			return true;
	return false;
}

static bool vpdn_enabled(cfg_t *cfg)
{
	cfg_opt_t *o = find_opt(cfg, "vpdn");
	cfg_t *v;

	if (!o || o->type != CFGT_SEC || cfg_opt_size(o) == 0)
		return false;
	v = cfg_opt_getnsec(o, 0);
	o = find_opt(v, "enable");
	return o && o->type == CFGT_BOOL && cfg_opt_size(o) && cfg_opt_getnbool(o, 0);
}

void dialer_conf_free(struct dialer_conf *c)
{
	if (!c)
		return;
	g_free(c->name);
	g_free(c->remote_name);
	g_free(c->string);
	if (c->ports)
		g_ptr_array_free(c->ports, TRUE);
	g_free(c);
}

void dialer_member_free(struct dialer_member *mb)
{
	if (!mb)
		return;
	g_free(mb->name);
	g_free(mb->ppp_config);
	g_free(mb);
}

static bool pool_member_of(cfg_t *s, int pool)
{
	for (unsigned k = 0; k < cfg_size(s, "dialer-pool-member"); k++)
		if (cfg_getnint(s, "dialer-pool-member", k) == pool)
			return true;
	return false;
}

static bool number_ok(const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!g_ascii_isdigit(s[i]) && s[i] != '*' && s[i] != '#')
			return false;
	return true;
}

#define ERR(sec, ...) do { \
		*error = g_strdup_printf(__VA_ARGS__); \
		if (sec) cfg_error(sec, "%s", *error); \
		goto fail; \
	} while (0)

int dialer_config_load(cfg_t *cfg, GPtrArray *confs, GPtrArray *members, char **error)
{
	unsigned n = cfg_getopt(cfg, "interface") ? cfg_size(cfg, "interface") : 0;
	bool fwd_default = vpdn_enabled(cfg);

	*error = NULL;
	for (unsigned i = 0; i < cfg_size(cfg, "dialer-list"); i++) {
		cfg_t *l = cfg_getnsec(cfg, "dialer-list", i);
		if (name_unit(cfg_title(l)) <= 0 || strspn(cfg_title(l), "0123456789") != strlen(cfg_title(l)))
			ERR(l, "dialer-list \"%s\": the title must be a number 1..65535", cfg_title(l));
		for (unsigned k = 0; k < cfg_size(l, "protocol"); k++) {
			const char *pr = cfg_getnstr(l, "protocol", k);
			if (g_ascii_strcasecmp(pr, "ip") && g_ascii_strcasecmp(pr, "ipv6"))
				ERR(l, "dialer-list \"%s\": protocol must be \"ip\" or \"ipv6\", "
				    "not \"%s\"", cfg_title(l), pr);
		}
	}
	/* Dialer interfaces. */
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *name = cfg_title(s);
		struct dialer_conf *c;
		long v;

		if (!is_dialer_name(name)) {
			if (cfg_getint(s, "dialer-pool") || cfg_getstr(s, "dialer-string") ||
			    cfg_getstr(s, "dialer-remote-name") || cfg_getbool(s, "dialer-vpdn") ||
			    cfg_getint(s, "dialer-group"))
				ERR(s, "interface %s: dialer profile options belong on a Dialer interface", name);
			continue;
		}
		c = g_new0(struct dialer_conf, 1);
		g_ptr_array_add(confs, c);
		c->name = g_strdup(name);
		vpdn_ifname_short(name, c->short_name, sizeof(c->short_name));
		c->unit = name_unit(name);
		c->pool = (int)cfg_getint(s, "dialer-pool");
		c->group = (int)cfg_getint(s, "dialer-group");
		c->vpdn = cfg_getbool(s, "dialer-vpdn");
		c->in_band = cfg_getbool(s, "dialer-in-band");
		c->aaa = cfg_getbool(s, "dialer-aaa");
		c->remote_name = g_strdup(cfg_getstr(s, "dialer-remote-name"));
		c->string = g_strdup(cfg_getstr(s, "dialer-string"));
		c->ports = g_ptr_array_new_with_free_func(g_free);
		if (c->pool < 0 || c->pool > 255)
			ERR(s, "interface %s: dialer-pool must be 1..255", name);
		if (c->group < 0 || c->group > 65535)
			ERR(s, "interface %s: dialer-group must be 1..65535", name);
		/* A group without a permitting dialer-list makes nothing interesting. */
		c->ip_permitted = list_permits(cfg, c->group, "ip");
		c->ipv6_permitted = list_permits(cfg, c->group, "ipv6");
		if (c->string && !number_ok(c->string))
			ERR(s, "interface %s: dialer-string \"%s\" is not a number", name, c->string);
		if (c->vpdn && !c->pool)
			ERR(s, "interface %s: dialer-vpdn needs a dialer-pool (the vpdn-group's pool-member)", name);
		v = cfg_getint(s, "dialer-idle-timeout");
		if (v < 0 || v > 2147483)
			ERR(s, "interface %s: dialer-idle-timeout out of range", name);
		c->idle_ms = (uint64_t)v * 1000;
		v = cfg_getint(s, "dialer-wait-for-carrier");
		if (v <= 0 || v > 2147483)
			ERR(s, "interface %s: dialer-wait-for-carrier must be positive", name);
		c->carrier_ms = (uint64_t)v * 1000;
		v = cfg_getint(s, "dialer-enable-timeout");
		if (v < 0 || v > 2147483)
			ERR(s, "interface %s: dialer-enable-timeout out of range", name);
		c->enable_ms = (uint64_t)v * 1000;
		for (unsigned k = 0; k < cfg_size(s, "dialer-ports"); k++)
			g_ptr_array_add(c->ports, g_strdup(cfg_getnstr(s, "dialer-ports", k)));
		if (c->ports->len && c->vpdn)
			ERR(s, "interface %s: dialer-ports and dialer-vpdn exclude each other", name);
	}
	/* Interfaces that take calls, and the ports of each dialer. */
	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *name = cfg_title(s);
		long rot = cfg_getint(s, "dialer-rotary-group");
		struct dialer_conf *rc = NULL;
		struct dialer_member *mb;
		bool ppp = opt_set(s, "ppp-authentication") || opt_set(s, "ppp-chap-hostname");

		if (is_dialer_name(name)) {
			if (rot)
				ERR(s, "interface %s: a Dialer cannot be in a rotary group", name);
			continue;
		}
		if (rot < 0 || rot > 65535)
			ERR(s, "interface %s: dialer-rotary-group must be 1..65535", name);
		if (rot) {
			for (guint k = 0; k < confs->len && !rc; k++) {
				struct dialer_conf *c = g_ptr_array_index(confs, k);
				if (c->unit == rot)
					rc = c;
			}
			if (!rc)
				ERR(s, "interface %s: dialer-rotary-group %ld but no interface \"Dialer%ld\"",
				    name, rot, rot);
			rc->rotary = true;
			if (!cfg_size(cfg_gettsec(cfg, "interface", rc->name), "dialer-ports"))
				g_ptr_array_add(rc->ports, g_strdup(name));
		}
		for (guint k = 0; k < confs->len; k++) {
			struct dialer_conf *c = g_ptr_array_index(confs, k);
			cfg_t *cs = cfg_gettsec(cfg, "interface", c->name);
			if (c->pool && !c->vpdn && pool_member_of(s, c->pool) &&
			    !cfg_size(cs, "dialer-ports"))
				g_ptr_array_add(c->ports, g_strdup(name));
		}
		if (!ppp && !rot && !cfg_size(s, "dialer-pool-member"))
			continue;
		mb = g_new0(struct dialer_member, 1);
		g_ptr_array_add(members, mb);
		mb->name = g_strdup(name);
		mb->rotary = (int)rot;
		mb->ppp_config = g_strdup(!ppp && rc ? rc->name : name);
		if (cfg_size(s, "dialer-vpdn-forward"))
			mb->forward = cfg_getbool(s, "dialer-vpdn-forward");
		else if (rc && cfg_size(cfg_gettsec(cfg, "interface", rc->name), "dialer-vpdn-forward"))
			mb->forward = cfg_getbool(cfg_gettsec(cfg, "interface", rc->name), "dialer-vpdn-forward");
		else
			mb->forward = fwd_default;
	}
	return 0;
fail:
	return -EINVAL;
}

int dialer_check(cfg_t *cfg)
{
	GPtrArray *confs = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_conf_free);
	GPtrArray *members = g_ptr_array_new_with_free_func((GDestroyNotify)dialer_member_free);
	char *error = NULL;
	int r = dialer_config_load(cfg, confs, members, &error);

	g_free(error);
	g_ptr_array_free(confs, TRUE);
	g_ptr_array_free(members, TRUE);
	return r;
}
