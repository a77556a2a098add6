/* SPDX-License-Identifier: MIT */
/*
 * The dhcpv6 module's config: dhcpv6-pool sections, the node limits
 * (dhcpv6-max-leases, dhcpv6-max-leases-per-session, dhcpv6-offer-hold,
 * dhcpv6-rapid-commit), the interface keys dhcpv6-server (a Virtual-
 * Template's pool), dhcpv6-client-pd, dhcpv6-client-pd-interface,
 * dhcpv6-client-pd-address, check() (file:line errors), and the pools
 * as the server reads them. See man/vpdnd.conf.5, MODULE DHCPV6.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/interface.h>

#include "dhcpv6-private.h"

static cfg_opt_t pool_opts[] = {
	CFG_STR("prefix", NULL, CFGF_NONE),
	CFG_INT("assign-length", 56, CFGF_NONE),
	CFG_INT("preferred-lifetime", 3600, CFGF_NONE),
	CFG_INT("valid-lifetime", 7200, CFGF_NONE),
	CFG_STR_LIST("dns", NULL, CFGF_NONE),
	CFG_END()
};

/* Top-level integers are range-checked while parsing (the line is known
 * then; after the parse the root's line is the file's last). */
static int parse_bounded(cfg_t *cfg, cfg_opt_t *opt, const char *value, void *result)
{
	long lo = 1, hi = 1000000;
	char *end;

	if (!strcmp(opt->name, "dhcpv6-max-leases-per-session"))
		hi = 16;
	else if (!strcmp(opt->name, "dhcpv6-offer-hold"))
		hi = 3600;
	errno = 0;
	long v = strtol(value, &end, 0);
	if (errno || end == value || *end || v < lo || v > hi) {
		cfg_error(cfg, "%s must be %ld..%ld, not '%s'", opt->name, lo, hi, value);
		return -1;
	}
	*(long *)result = v;
	return 0;
}

cfg_opt_t dhcpv6_options[] = {
	CFG_SEC("dhcpv6-pool", pool_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_INT_CB("dhcpv6-max-leases", 65536, CFGF_NONE, parse_bounded),
	CFG_INT_CB("dhcpv6-max-leases-per-session", 2, CFGF_NONE, parse_bounded),
	CFG_INT_CB("dhcpv6-offer-hold", 60, CFGF_NONE, parse_bounded),
	CFG_BOOL("dhcpv6-rapid-commit", cfg_true, CFGF_NONE),
	CFG_END()
};

cfg_opt_t dhcpv6_interface_options[] = {
	CFG_STR("dhcpv6-server", NULL, CFGF_NONE),
	CFG_STR("dhcpv6-client-pd", NULL, CFGF_NONE),
	CFG_STR("dhcpv6-client-pd-interface", NULL, CFGF_NONE),
	CFG_STR("dhcpv6-client-pd-address", "::1/64", CFGF_NONE),
	CFG_END()
};

/* "2001:db8::/40" -> prefix (masked check: no bits past plen). */
static int parse_prefix(const char *s, struct in6_addr *a, uint8_t *plen, bool strict)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = s ? strchr(s, '/') : NULL;
	char *end;

	if (!slash || (size_t)(slash - s) >= INET6_ADDRSTRLEN)
		return -EINVAL;
	memcpy(buf, s, (size_t)(slash - s));
	buf[slash - s] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return -EINVAL;
	errno = 0;
	long n = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || n < 0 || n > 128)
		return -EINVAL;
	*plen = (uint8_t)n;
	if (strict) {
		struct in6_addr m = *a;
		dh_prefix_mask(&m, *plen);
		if (memcmp(&m, a, sizeof(m)))
			return -EINVAL;
	}
	return 0;
}

int dh_parse_host(const char *s, struct in6_addr *host, uint8_t *plen)
{
	int r = parse_prefix(s, host, plen, false);

	if (r < 0 || *plen != 64)
		return -EINVAL;
	for (int i = 0; i < 8; i++)
		if (host->s6_addr[i])
			return -EINVAL;   /* host part only: "::1/64" */
	return 0;
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

int dhcpv6_check(cfg_t *cfg)
{
	unsigned np = cfg_size(cfg, "dhcpv6-pool"), ni = cfg_size(cfg, "interface");

	if (!in_range(cfg, "dhcpv6-max-leases", 1, 1000000) ||
	    !in_range(cfg, "dhcpv6-max-leases-per-session", 1, 16) ||
	    !in_range(cfg, "dhcpv6-offer-hold", 1, 3600))
		return -EINVAL;
	for (unsigned i = 0; i < np; i++) {
		cfg_t *p = cfg_getnsec(cfg, "dhcpv6-pool", i);
		struct in6_addr a;
		uint8_t plen;
		const char *pfx = cfg_getstr(p, "prefix");
		if (!pfx) {
			cfg_error(p, "dhcpv6-pool \"%s\": prefix is missing", cfg_title(p));
			return -EINVAL;
		}
		if (parse_prefix(pfx, &a, &plen, true) < 0 || plen < 8 || plen > 64) {
			cfg_error(p, "prefix \"%s\": not an IPv6 prefix /8../64 with no host bits",
				  pfx);
			return -EINVAL;
		}
		long al = cfg_getint(p, "assign-length");
		if (al < plen || al > 64 || al - plen > 32) {
			cfg_error(p, "assign-length must be %u..64 and at most %u", plen,
				  plen + 32u);
			return -EINVAL;
		}
		if (!in_range(p, "valid-lifetime", 60, 0xfffffffeL) ||
		    !in_range(p, "preferred-lifetime", 30, cfg_getint(p, "valid-lifetime")))
			return -EINVAL;
		if (cfg_size(p, "dns") > DHCPV6_MAX_DNS) {
			cfg_error(p, "dns: at most %d servers", DHCPV6_MAX_DNS);
			return -EINVAL;
		}
		for (unsigned k = 0; k < cfg_size(p, "dns"); k++)
			if (inet_pton(AF_INET6, cfg_getnstr(p, "dns", k), &a) != 1) {
				cfg_error(p, "dns \"%s\": not an IPv6 address",
					  cfg_getnstr(p, "dns", k));
				return -EINVAL;
			}
	}
	/* The ip module makes the dialers' TUNs at its init and says so once
	 * (INTERFACE_CREATED): a client must be listening by then. */
	int pos_ip = -1, pos_dh = -1;
	for (unsigned k = 0; cfg_getopt(cfg, "modules") && k < cfg_size(cfg, "modules"); k++) {
		const char *name = cfg_getnstr(cfg, "modules", k);
		if (name && !strcmp(name, "ip") && pos_ip < 0)
			pos_ip = (int)k;
		if (name && !strcmp(name, "dhcpv6") && pos_dh < 0)
			pos_dh = (int)k;
	}
	for (unsigned i = 0; i < ni; i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		if (cfg_getstr(s, "dhcpv6-client-pd") && pos_ip >= 0 && pos_dh > pos_ip) {
			cfg_error(s, "dhcpv6-client-pd: list \"dhcpv6\" before \"ip\" in modules "
				  "(it must hear of the dialer's interface, made when ip starts)");
			return -EINVAL;
		}
	}
	for (unsigned i = 0; i < ni; i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *pool = cfg_getstr(s, "dhcpv6-server");
		if (pool && !cfg_gettsec(cfg, "dhcpv6-pool", pool)) {
			cfg_error(s, "dhcpv6-server \"%s\": no such dhcpv6-pool", pool);
			return -EINVAL;
		}
		struct in6_addr h;
		uint8_t hl;
		if (cfg_getstr(s, "dhcpv6-client-pd") &&
		    dh_parse_host(cfg_getstr(s, "dhcpv6-client-pd-address"), &h, &hl) < 0) {
			cfg_error(s, "dhcpv6-client-pd-address \"%s\": a host part /64 (\"::1/64\")",
				  cfg_getstr(s, "dhcpv6-client-pd-address"));
			return -EINVAL;
		}
		const char *lan = cfg_getstr(s, "dhcpv6-client-pd-interface");
		if (lan && (!*lan || strlen(lan) >= IFNAMSIZ)) {
			cfg_error(s, "dhcpv6-client-pd-interface \"%s\": not a kernel interface name",
				  lan);
			return -EINVAL;
		}
	}
	return 0;
}

/* Build the pools from a checked config. Pools in use keep their leases
 * only across a reload that keeps them the same (new pools replace the
 * table otherwise: sessions holding a lease of a changed pool keep it,
 * and give the index back to nothing). */
int dh_config_apply(struct dh_module *m, cfg_t *cfg)
{
	GHashTable *pools = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, dh_pool_free);

	for (unsigned i = 0; i < cfg_size(cfg, "dhcpv6-pool"); i++) {
		cfg_t *c = cfg_getnsec(cfg, "dhcpv6-pool", i);
		struct in6_addr a;
		uint8_t plen;
		if (parse_prefix(cfg_getstr(c, "prefix"), &a, &plen, true) < 0)
			goto fail;
		struct dh_pool *p = dh_pool_new(cfg_title(c), &a, plen,
						(uint8_t)cfg_getint(c, "assign-length"));
		p->preferred = (uint32_t)cfg_getint(c, "preferred-lifetime");
		p->valid = (uint32_t)cfg_getint(c, "valid-lifetime");
		for (unsigned k = 0; k < cfg_size(c, "dns") && k < DHCPV6_MAX_DNS; k++)
			inet_pton(AF_INET6, cfg_getnstr(c, "dns", k), &p->dns[p->n_dns++]);
		g_hash_table_insert(pools, p->name, p);
	}
	m->max_leases = (unsigned)cfg_getint(cfg, "dhcpv6-max-leases");
	m->max_per_session = (unsigned)cfg_getint(cfg, "dhcpv6-max-leases-per-session");
	m->offer_hold = (unsigned)cfg_getint(cfg, "dhcpv6-offer-hold");
	m->rapid_commit = cfg_getbool(cfg, "dhcpv6-rapid-commit");
	m->cfg = cfg;
	if (!m->pools) {
		m->pools = pools;
		return 0;
	}
	/* reload: keep a pool whose shape is unchanged (its leases point to
	 * it), take the new lifetimes and DNS */
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, pools);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct dh_pool *np = v, *op = g_hash_table_lookup(m->pools, np->name);
		if (op && !memcmp(&op->prefix, &np->prefix, 16) && op->plen == np->plen &&
		    op->assign == np->assign) {
			op->preferred = np->preferred;
			op->valid = np->valid;
			memcpy(op->dns, np->dns, sizeof(op->dns));
			op->n_dns = np->n_dns;
		} else if (op && dh_pool_in_use(op)) {
			vpdn_warn(m->log, "DHCPv6: pool %s changed shape while %zu leases are held:"
				  " kept as it was until they end", op->name, dh_pool_in_use(op));
		} else {
			g_hash_table_iter_steal(&it);
			g_hash_table_replace(m->pools, np->name, np);
		}
	}
	g_hash_table_destroy(pools);
	return 0;
fail:
	g_hash_table_destroy(pools);
	return -EINVAL;
}
