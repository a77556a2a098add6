/* SPDX-License-Identifier: MIT */
/* The ip module's config: its options, IOS and kernel interface names,
 * prefixes, what an interface section is to this module (loopback,
 * dialer profile, its address), the semantic check and the settings and
 * static routes it loads. */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <string.h>

#include "ip-private.h"

static cfg_opt_t ip_sec_opts[] = {
	CFG_STR("mode", "per-interface", CFGF_NONE),
	CFG_STR("shared-device", "vpdn0", CFGF_NONE),
	CFG_INT("dod-queue", 32, CFGF_NONE),
	CFG_INT("dod-timeout", 60000, CFGF_NONE), /* ms to wait for the dial */
	CFG_INT("mtu", 1500, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t ip_route_opts[] = {
	CFG_STR("interface", NULL, CFGF_NONE),
	CFG_END()
};

cfg_opt_t ip_options[] = {
	CFG_SEC("ip", ip_sec_opts, CFGF_NONE),
	CFG_SEC("ip-route", ip_route_opts, CFGF_MULTI | CFGF_TITLE),
	/* IPv6 static routes: installed while the interface's session has
	 * IPv6 up (ip-ipv6.c) */
	CFG_SEC("ipv6-route", ip_route_opts, CFGF_MULTI | CFGF_TITLE),
	CFG_END()
};

cfg_opt_t ip_interface_options[] = {
	CFG_BOOL("ip-dialer", cfg_false, CFGF_NONE),
	/* IPv6 of the sessions on this interface (ip-ipv6.c; IOS: ipv6 local
	 * pool + peer default ipv6 pool, ipv6 nd ...) */
	CFG_STR("ipv6-pool", NULL, CFGF_NONE),
	CFG_BOOL("ipv6-nd-managed-config-flag", cfg_false, CFGF_NONE),
	CFG_BOOL("ipv6-nd-other-config-flag", cfg_false, CFGF_NONE),
	CFG_INT("ipv6-nd-ra-interval", 200, CFGF_NONE),   /* s, MaxRtrAdvInterval */
	CFG_INT("ipv6-nd-ra-lifetime", 1800, CFGF_NONE),  /* s, router lifetime */
	CFG_STR_LIST("ipv6-nd-ra-dns-server", NULL, CFGF_NONE),
	CFG_END()
};

/* ---- names and prefixes ---- */

/* The kernel's name for an IOS name: the types below by a short prefix
 * (whatever form the IOS name takes: vpdn_ifname_type), the rest as it
 * is, lower-cased. */
void ip_kernel_name(const char *ios, char out[IFNAMSIZ])
{
	static const struct { const char *type, *k; } map[] = {
		{ "Virtual-Access", "vi" }, { "Virtual-Template", "vt" },
		{ "Dialer", "dialer" }, { "Loopback", "lo" },
	};
	const char *rest = ios ? ios : "";
	const char *type = vpdn_ifname_type(rest);
	size_t n = 0;

	for (size_t i = 0; type && i < G_N_ELEMENTS(map); i++) {
		if (!strcmp(type, map[i].type)) {
			n = (size_t)g_snprintf(out, IFNAMSIZ, "%s", map[i].k);
			rest += strcspn(rest, "0123456789"); /* the unit */
			break;
		}
	}
	for (; *rest && n < IFNAMSIZ - 1; rest++) {
		char c = g_ascii_tolower(*rest);
		if (g_ascii_isalnum(c) || c == '-')
			out[n++] = c;
		else if (c == '/' || c == ':' || c == '.')
			out[n++] = '-';
	}
	out[n] = '\0';
	if (!n)
		g_strlcpy(out, "ip", IFNAMSIZ);
}

int ip_parse_prefix(const char *s, struct in_addr *a, int *plen)
{
	char buf[64];
	const char *rest;
	size_t n;

	if (!s)
		return -EINVAL;
	n = strcspn(s, "/ \t");
	if (n == 0 || n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET, buf, a) != 1)
		return -EINVAL;
	rest = s + n;
	*plen = 32;
	if (*rest == '/') {
		char *end;
		long v = strtol(rest + 1, &end, 10);
		if (end == rest + 1 || *end || v < 0 || v > 32)
			return -EINVAL;
		*plen = (int)v;
	} else if (*rest) {
		struct in_addr mask;
		uint32_t h;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		if (inet_pton(AF_INET, rest, &mask) != 1)
			return -EINVAL;
		h = ntohl(mask.s_addr);
		if ((~h & (~h + 1)) != 0) /* not contiguous */
			return -EINVAL;
		*plen = __builtin_popcount(h);
	}
	return 0;
}

uint32_t ip_plen_mask(int plen)
{
	return plen ? htonl(~0u << (32 - plen)) : 0;
}

/* The option if some loaded module defines it, else NULL. cfg_getopt()
 * would report "no such option" through the config's error function
 * (dialer-pool without the dialer module). */
static cfg_opt_t *find_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return o;
	return NULL;
}

/* "Loopback0", "Lo0" */
bool ip_is_loopback(const char *name)
{
	const char *t = vpdn_ifname_type(name);

	return t && !strcmp(t, "Loopback");
}

static bool route_names(cfg_t *root, const char *name)
{
	for (unsigned i = 0; i < cfg_size(root, "ip-route"); i++)
		if (vpdn_ifname_eq(cfg_getstr(cfg_getnsec(root, "ip-route", i), "interface"), name))
			return true;
	return false;
}

bool ip_is_dialer_section(cfg_t *root, cfg_t *ifc)
{
	cfg_opt_t *o;

	if (ip_is_loopback(cfg_title(ifc)))
		return false;
	if (cfg_getbool(ifc, "ip-dialer"))
		return true;
	o = find_opt(ifc, "dialer-pool");
	if (o && cfg_opt_size(o) > 0 && o->type == CFGT_INT && cfg_opt_getnint(o, 0) > 0)
		return true;
	return route_names(root, cfg_title(ifc));
}

/* Address of an interface section: ip-address, else its ip-unnumbered
 * interface's (vpdn_interface_address). 0 when none. */
struct in_addr ip_section_address(cfg_t *root, cfg_t *ifc)
{
	struct in_addr a = { 0 };
	const char *v = vpdn_interface_address(root, ifc);
	int plen;

	if (!v || ip_parse_prefix(v, &a, &plen) < 0)
		a.s_addr = 0;
	return a;
}

int ip_check(cfg_t *cfg)
{
	cfg_t *ip = cfg_getsec(cfg, "ip");
	struct in_addr a;
	int plen, ret = 0;

	if (ip) {
		const char *mode = cfg_getstr(ip, "mode");
		if (strcmp(mode, "per-interface") && strcmp(mode, "shared")) {
			cfg_error(ip, "ip: mode must be \"per-interface\" or \"shared\", not \"%s\"", mode);
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "dod-queue") < 0 || cfg_getint(ip, "dod-queue") > 4096) {
			cfg_error(ip, "ip: dod-queue must be 0..4096");
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "dod-timeout") < 1) {
			cfg_error(ip, "ip: dod-timeout must be a positive number of ms");
			ret = -EINVAL;
		}
		if (cfg_getint(ip, "mtu") < 68 || cfg_getint(ip, "mtu") > IP_DOD_SLOT) {
			cfg_error(ip, "ip: mtu must be 68..%d", IP_DOD_SLOT);
			ret = -EINVAL;
		}
		if (!*cfg_getstr(ip, "shared-device") ||
		    strlen(cfg_getstr(ip, "shared-device")) >= IFNAMSIZ) {
			cfg_error(ip, "ip: bad shared-device name");
			ret = -EINVAL;
		}
	}
	for (unsigned i = 0; i < cfg_size(cfg, "ip-route"); i++) {
		cfg_t *r = cfg_getnsec(cfg, "ip-route", i);
		const char *ifn = cfg_getstr(r, "interface");
		if (ip_parse_prefix(cfg_title(r), &a, &plen) < 0) {
			cfg_error(r, "ip-route: bad prefix \"%s\"", cfg_title(r));
			ret = -EINVAL;
		}
		if (!ifn || !*ifn) {
			cfg_error(r, "ip-route %s: interface missing", cfg_title(r));
			ret = -EINVAL;
		}
	}
	if (cfg_getopt(cfg, "interface")) {
		for (unsigned i = 0; i < cfg_size(cfg, "interface"); i++) {
			cfg_t *s = cfg_getnsec(cfg, "interface", i);
			const char *v = vpdn_interface_ip_address(s);
			const char *u = vpdn_interface_ip_unnumbered(s);
			if (v && ip_parse_prefix(v, &a, &plen) < 0) {
				cfg_error(s, "interface %s: bad ip-address \"%s\"", cfg_title(s), v);
				ret = -EINVAL;
			}
			if (u && !vpdn_interface_find(cfg, u)) {
				cfg_error(s, "interface %s: ip-unnumbered names unknown interface %s",
					  cfg_title(s), u);
				ret = -EINVAL;
			}
		}
	}
	if (ip6_config_check(cfg) < 0)
		ret = -EINVAL;
	return ret;
}

int ip_config_load(struct ip_module *m, cfg_t *cfg)
{
	cfg_t *ip = cfg_getsec(cfg, "ip");

	m->mode = IP_MODE_PER_INTERFACE;
	m->dod_queue = 32;
	m->dod_timeout = 60000;
	m->mtu = 1500;
	g_strlcpy(m->shared_name, "vpdn0", IFNAMSIZ);
	if (ip) {
		m->mode = strcmp(cfg_getstr(ip, "mode"), "shared") ? IP_MODE_PER_INTERFACE
								    : IP_MODE_SHARED;
		g_strlcpy(m->shared_name, cfg_getstr(ip, "shared-device"), IFNAMSIZ);
		m->dod_queue = (unsigned)cfg_getint(ip, "dod-queue");
		m->dod_timeout = (uint64_t)cfg_getint(ip, "dod-timeout");
		m->mtu = (uint32_t)cfg_getint(ip, "mtu");
	}
	return ip_config_routes(cfg, m->routes);
}

int ip_config_routes(cfg_t *cfg, GArray *routes)
{
	for (unsigned i = 0; i < cfg_size(cfg, "ip-route"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "ip-route", i);
		struct ip_route r = { .ifname = g_strdup(cfg_getstr(s, "interface")) };
		if (ip_parse_prefix(cfg_title(s), &r.dst, &r.plen) < 0 || !r.ifname) {
			g_free(r.ifname);
			return -EINVAL;
		}
		r.dst.s_addr &= ip_plen_mask(r.plen);
		g_array_append_val(routes, r);
	}
	return 0;
}

void ip_route_clear(gpointer p)
{
	g_free(((struct ip_route *)p)->ifname);
}
