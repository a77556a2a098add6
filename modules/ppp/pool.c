/* SPDX-License-Identifier: MIT */
/*
 * Named IPv4 address pools, IOS's `ip local pool NAME START END`:
 *
 *   ip-local-pool "ISP-A" { range = {"10.8.0.10 10.8.0.250", "10.9.0.1 10.9.0.20"} }
 *   interface "Virtual-Template1" { ppp-peer-default-ip-address-pool = "ISP-A" }
 *
 * The pool a server session takes its address from is, in this order,
 * the one authorization named (RADIUS Framed-Pool), the one its template
 * names (ppp-peer-default-ip-address-pool), else the template's own
 * anonymous ppp-peer-pool. The lowest free address is given (as IOS
 * does). An exhausted or unknown pool gives none: IPCP then closes the
 * session ("no address allowed", ipcp.c), and this file logs why and
 * counts it (ppp_pool_exhausted_total, ppp_pool_unknown_total).
 *
 * Lifetime: pools are reference counted; a session holds a reference on
 * the pool its address came from until the engine ends. A reload builds
 * new pools; one replacing an old pool of the same name starts with the
 * old one's addresses in use marked, and the old one forwards the
 * addresses given back to it to its successor, so no address is given
 * twice across a reload and none is lost.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ppp-private.h"

#define POOL_MAX 65536u         /* addresses in one pool, all ranges */
#define POOL_RANGES_MAX 16

struct ppp_pool_range {
	uint32_t first;         /* host order */
	uint32_t size;
};

struct ppp_pool {
	int refs;
	char *name;
	struct ppp_pool_range range[POOL_RANGES_MAX];
	unsigned n_range;
	uint32_t size, used;
	uint8_t *bitmap;        /* over the ranges, in order */
	uint32_t hint;          /* no free address below this index */
	uint64_t exhausted;     /* sessions it had no address for */
	struct ppp_pool *successor; /* a reload replaced it */
};

struct ppp_pools {
	struct vpdn_log *log;
	GHashTable *by_name;    /* name -> struct ppp_pool* (a reference) */
	uint64_t *c_exhausted, *c_unknown;
};

cfg_opt_t ppp_pool_section_opts[] = {
	CFG_STR_LIST("range", NULL, CFGF_NONE),
	CFG_END()
};

cfg_opt_t ppp_pool_options[] = {
	CFG_SEC("ip-local-pool", ppp_pool_section_opts,
		CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

static struct ppp_pool *pool_ref(struct ppp_pool *p)
{
	p->refs++;
	return p;
}

static void pool_unref(struct ppp_pool *p)
{
	if (!p || --p->refs > 0)
		return;
	pool_unref(p->successor);
	g_free(p->name);
	g_free(p->bitmap);
	g_free(p);
}

/* "10.0.0.1 10.0.0.9" or "10.0.0.1-10.0.0.9" */
static int parse_range(const char *s, struct ppp_pool_range *r)
{
	char a[32], b[32];
	struct in_addr first, last;

	if (sscanf(s, " %31[0-9.] %31[0-9.] ", a, b) != 2 &&
	    sscanf(s, " %31[0-9.]-%31[0-9.] ", a, b) != 2)
		return -EINVAL;
	if (inet_pton(AF_INET, a, &first) != 1 || inet_pton(AF_INET, b, &last) != 1)
		return -EINVAL;
	uint32_t f = ntohl(first.s_addr), l = ntohl(last.s_addr);
	if (l < f || l - f >= POOL_MAX)
		return -EINVAL;
	/* no 0/8, loopback, class D/E: nothing a peer may be given */
	if (f >> 24 == 0 || f >> 24 == 127 || l >> 28 >= 14)
		return -EINVAL;
	r->first = f;
	r->size = l - f + 1;
	return 0;
}

/* Index of host-order address h in p, or -1. */
static int64_t pool_index(const struct ppp_pool *p, uint32_t h)
{
	uint32_t base = 0;
	for (unsigned i = 0; i < p->n_range; i++) {
		if (h - p->range[i].first < p->range[i].size)
			return base + (h - p->range[i].first);
		base += p->range[i].size;
	}
	return -1;
}

static uint32_t pool_addr(const struct ppp_pool *p, uint32_t idx)
{
	for (unsigned i = 0; i < p->n_range; i++) {
		if (idx < p->range[i].size)
			return p->range[i].first + idx;
		idx -= p->range[i].size;
	}
	return 0;
}

static bool bit(const struct ppp_pool *p, uint32_t i)
{
	return p->bitmap[i / 8] & (1u << (i % 8));
}

static void set_bit(struct ppp_pool *p, uint32_t i, bool on)
{
	if (on == bit(p, i))
		return;
	if (on) {
		p->bitmap[i / 8] |= (uint8_t)(1u << (i % 8));
		p->used++;
	} else {
		p->bitmap[i / 8] &= (uint8_t)~(1u << (i % 8));
		p->used--;
		if (i < p->hint)
			p->hint = i;
	}
}

/* One section; *why for the config error. */
static struct ppp_pool *pool_load(cfg_t *s, const char **why)
{
	struct ppp_pool *p = g_new0(struct ppp_pool, 1);
	unsigned n = cfg_size(s, "range");

	p->refs = 1;
	p->name = g_strdup(cfg_title(s));
	*why = NULL;
	if (!n || n > POOL_RANGES_MAX) {
		*why = "needs 1 to 16 ranges (range = {\"FIRST LAST\"})";
		goto fail;
	}
	for (unsigned i = 0; i < n; i++) {
		struct ppp_pool_range r;
		if (parse_range(cfg_getnstr(s, "range", i), &r) < 0) {
			*why = "a range is not \"FIRST LAST\" with FIRST <= LAST, both unicast "
			       "addresses, at most 65536 addresses";
			goto fail;
		}
		for (unsigned j = 0; j < p->n_range; j++) {
			if (r.first <= p->range[j].first + (p->range[j].size - 1) &&
			    p->range[j].first <= r.first + (r.size - 1)) {
				*why = "ranges overlap";
				goto fail;
			}
		}
		if (p->size + r.size > POOL_MAX) {
			*why = "more than 65536 addresses";
			goto fail;
		}
		p->range[p->n_range++] = r;
		p->size += r.size;
	}
	p->bitmap = g_malloc0((p->size + 7) / 8);
	return p;
fail:
	pool_unref(p);
	return NULL;
}

/* cfg_getopt() would complain of a parser without the section (tests). */
static bool has_opt(cfg_t *s, const char *name)
{
	for (cfg_opt_t *o = s ? s->opts : NULL; o && o->name; o++)
		if (!strcmp(o->name, name))
			return true;
	return false;
}

static GHashTable *pools_load(cfg_t *cfg, bool report)
{
	GHashTable *t = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					      (GDestroyNotify)pool_unref);
	unsigned n = has_opt(cfg, "ip-local-pool") ? cfg_size(cfg, "ip-local-pool") : 0;

	for (unsigned i = 0; i < n; i++) {
		cfg_t *s = cfg_getnsec(cfg, "ip-local-pool", i);
		const char *why;
		struct ppp_pool *p = pool_load(s, &why);
		if (!p) {
			if (report)
				cfg_error(s, "ip-local-pool %s: %s", cfg_title(s), why);
			g_hash_table_destroy(t);
			return NULL;
		}
		g_hash_table_replace(t, p->name, p);
	}
	return t;
}

int ppp_pools_check(cfg_t *cfg)
{
	GHashTable *t = pools_load(cfg, true);
	int ret = 0;

	if (!t)
		return -EINVAL;
	for (unsigned i = 0; has_opt(cfg, "interface") && i < cfg_size(cfg, "interface"); i++) {
		cfg_t *s = cfg_getnsec(cfg, "interface", i);
		const char *v = has_opt(s, "ppp-peer-default-ip-address-pool")
					? cfg_getstr(s, "ppp-peer-default-ip-address-pool") : NULL;
		if (v && !g_hash_table_lookup(t, v)) {
			cfg_error(s, "interface %s: ppp-peer-default-ip-address-pool \"%s\": no "
				     "ip-local-pool of that name", cfg_title(s), v);
			ret = -EINVAL;
		}
	}
	g_hash_table_destroy(t);
	return ret;
}

struct ppp_pools *ppp_pools_new(struct vpdn_core *core, cfg_t *cfg)
{
	GHashTable *t = pools_load(cfg, false);
	if (!t)
		return NULL;
	struct ppp_pools *ps = g_new0(struct ppp_pools, 1);
	ps->log = vpdn_core_log(core);
	ps->by_name = t;
	ps->c_exhausted = vpdn_core_counter(core, "ppp_pool_exhausted_total",
					    "PPP sessions a named address pool had no address for");
	ps->c_unknown = vpdn_core_counter(core, "ppp_pool_unknown_total",
					  "PPP sessions whose authorization named an unknown pool");
	return ps;
}

int ppp_pools_reload(struct ppp_pools *ps, cfg_t *cfg)
{
	GHashTable *t = pools_load(cfg, false);
	GHashTableIter it;
	gpointer k, v;

	if (!t)
		return -EINVAL;
	g_hash_table_iter_init(&it, t);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct ppp_pool *np = v, *op = g_hash_table_lookup(ps->by_name, k);
		if (!op)
			continue;
		for (uint32_t i = 0; i < op->size; i++) {
			if (!bit(op, i))
				continue;
			int64_t j = pool_index(np, pool_addr(op, i));
			if (j >= 0)
				set_bit(np, (uint32_t)j, true);
		}
		np->hint = 0;
		np->exhausted = op->exhausted;
		op->successor = pool_ref(np);
	}
	g_hash_table_destroy(ps->by_name);
	ps->by_name = t;
	return 0;
}

void ppp_pools_free(struct ppp_pools *ps)
{
	if (!ps)
		return;
	g_hash_table_destroy(ps->by_name);
	g_free(ps);
}

/* Why the engine has no address, for IPCP's closing line (the one place
 * that writes ipcp.refused_why from here). */
static void set_why(struct ppp_engine *e, const char *name, const char *what)
{
	char why[PPP_IPCP_WHY_MAX];

	snprintf(why, sizeof(why), "pool \"%s\" %s", name, what);
	ppp_ipcp_set_why(e, why);
}

/* The name that applies to e: authorization's, else the template's. */
static const char *pool_name(const struct ppp_engine *e, bool *from_auth)
{
	*from_auth = e->auth_pool != NULL;
	return e->auth_pool ? e->auth_pool : e->conf->pool_name;
}

bool ppp_pool_wanted(const struct ppp_engine *e)
{
	return e->auth_pool || e->conf->pool_name || e->conf->pool_size;
}

struct in_addr ppp_pool_take(struct ppp_engine *e)
{
	struct ppp_pools *ps = e->mgr->pools;
	struct in_addr a = { 0 };
	bool from_auth;
	const char *name = pool_name(e, &from_auth);
	char nbuf[96];

	if (!name)
		return ppp_conf_pool_take(e->conf);
	struct ppp_pool *p = e->ipcp.pool;
	if (!p && ps)
		p = g_hash_table_lookup(ps->by_name, name);
	vpdn_log_printable(nbuf, sizeof(nbuf), name, strlen(name), 0);
	if (!p) {
		if (ps)
			(*ps->c_unknown)++;
		vpdn_log_write(e->mgr->log, VPDN_LOG_WARNING, -1,
			       "%s IPCP: %s names pool \"%s\": no ip-local-pool of that name",
			       e->name, from_auth ? "authorization (Framed-Pool)" : "the interface",
			       nbuf);
		set_why(e, nbuf, "is not configured");
		return a;
	}
	if (!e->ipcp.pool)
		e->ipcp.pool = pool_ref(p);
	while (p->successor)    /* replaced by a reload: take from the new one */
		p = p->successor;
	for (uint32_t i = p->hint; i < p->size; i++) {
		if (i % 8 == 0 && p->bitmap[i / 8] == 0xFF) {
			i += 7;
			continue;
		}
		if (!bit(p, i)) {
			set_bit(p, i, true);
			p->hint = i + 1;
			a.s_addr = htonl(pool_addr(p, i));
			return a;
		}
	}
	p->hint = p->size;
	p->exhausted++;
	if (ps)
		(*ps->c_exhausted)++;
	vpdn_log_write(e->mgr->log, VPDN_LOG_WARNING, -1,
		       "%s IPCP: pool \"%s\" exhausted (%u addresses in use)", e->name, nbuf,
		       p->used);
	set_why(e, nbuf, "exhausted");
	return a;
}

void ppp_pool_put(struct ppp_engine *e, struct in_addr a)
{
	struct ppp_pool *p = e->ipcp.pool;

	if (!p) {
		ppp_conf_pool_put(e->conf, a);
		return;
	}
	while (p->successor)
		p = p->successor;
	int64_t i = pool_index(p, ntohl(a.s_addr));
	if (i >= 0)
		set_bit(p, (uint32_t)i, false);
}

void ppp_pool_release(struct ppp_engine *e)
{
	pool_unref(e->ipcp.pool);
	e->ipcp.pool = NULL;
	g_free(e->auth_pool);
	e->auth_pool = NULL;
}

/* ---- show ip local pool ---- */

static gint by_name(gconstpointer a, gconstpointer b)
{
	const struct ppp_pool *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

void ppp_pools_foreach(struct ppp_pools *ps,
		       void (*fn)(const struct ppp_pool_info *info, void *data), void *data)
{
	if (!ps)
		return;
	GPtrArray *v = g_ptr_array_new();
	GHashTableIter it;
	gpointer k, val;
	g_hash_table_iter_init(&it, ps->by_name);
	while (g_hash_table_iter_next(&it, &k, &val))
		g_ptr_array_add(v, val);
	g_ptr_array_sort(v, by_name);
	for (unsigned i = 0; i < v->len; i++) {
		const struct ppp_pool *p = v->pdata[i];
		struct ppp_pool_info info = {
			.name = p->name, .size = p->size, .used = p->used,
			.exhausted = p->exhausted, .n_range = p->n_range,
		};
		for (unsigned r = 0; r < p->n_range; r++) {
			info.first[r].s_addr = htonl(p->range[r].first);
			info.last[r].s_addr = htonl(p->range[r].first + p->range[r].size - 1);
		}
		fn(&info, data);
	}
	g_ptr_array_unref(v);
}

/* ---- D-Bus: org.vpdnd.Ppp1.Pools, a(ssuut) ---- */

struct bus_fill {
	sd_bus_message *m;
	int r;
};

static void bus_row(const struct ppp_pool_info *info, void *data)
{
	struct bus_fill *f = data;
	GString *ranges = g_string_new(NULL);
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	for (unsigned i = 0; i < info->n_range; i++) {
		inet_ntop(AF_INET, &info->first[i], a, sizeof(a));
		inet_ntop(AF_INET, &info->last[i], b, sizeof(b));
		g_string_append_printf(ranges, "%s%s-%s", i ? "," : "", a, b);
	}
	if (f->r >= 0)
		f->r = sd_bus_message_append(f->m, "(ssuut)", info->name, ranges->str, info->size,
					     info->used, info->exhausted);
	g_string_free(ranges, TRUE);
}

int ppp_pools_bus_get(sd_bus *bus, const char *path, const char *interface,
		      const char *property, sd_bus_message *reply, void *userdata,
		      sd_bus_error *error)
{
	struct ppp_manager *m = userdata;
	struct bus_fill f = { .m = reply };
	int r = sd_bus_message_open_container(reply, 'a', "(ssuut)");

	if (r < 0)
		return r;
	ppp_pools_foreach(m->pools, bus_row, &f);
	if (f.r < 0)
		return f.r;
	return sd_bus_message_close_container(reply);
}
