/* SPDX-License-Identifier: MIT */
/*
 * The l2tp module's config: `vpdn`, `vpdn-group "N"` and `l2tp` sections.
 *
 *   vpdn { enable = true  search-order = {"domain"} }   # or {"dnis", "domain"}
 *   # "authorize": ask RADIUS (VPDN_EV_TUNNEL_AUTHORIZE) at that point of
 *   # the search; its tunnels take their settings from authorize-group:
 *   vpdn { search-order = {"domain", "authorize"}  authorize-group = "radius" }
 *   vpdn-group "1" {
 *     request-dialin { protocol = "l2tp"  domain = {"cisco.com"}  dnis = {} }
 *     accept-dialout { protocol = "l2tp"  dialer = 1 }
 *     accept-dialin  { protocol = "l2tp"  virtual-template = 1 }
 *     request-dialout { protocol = "l2tp"  pool-member = 1 }
 *     terminate-from = "LNS"
 *     initiate-to = {"18.18.18.2", "18.18.18.9 priority 2"}
 *     local-name = "LAC"  tunnel-password = "l2tptunnel"  source-ip = "18.18.18.1"
 *     hello = 60  receive-window = 8  retransmit-retries = 5
 *     retransmit-timeout-min = 1  retransmit-timeout-max = 8
 *     hidden-avps = false  tunnel-authentication = true
 *     session-limit = 0  sequencing = false
 *     lns-dead-time = 60   # initiate-to entries: "ADDR priority N limit N"
 *     setup-timeout = 60  cdn-q931-cause = true
 *   }
 *   l2tp { listen = {"18.18.18.1"}  port = 1701 }
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "l2tp.h"

static cfg_opt_t request_dialin_opts[] = {
	CFG_STR("protocol", "l2tp", CFGF_NONE),
	CFG_STR_LIST("domain", NULL, CFGF_NONE),
	CFG_STR_LIST("dnis", NULL, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t accept_dialout_opts[] = {
	CFG_STR("protocol", "l2tp", CFGF_NONE),
	CFG_INT("dialer", -1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t accept_dialin_opts[] = {
	CFG_STR("protocol", "l2tp", CFGF_NONE),
	CFG_INT("virtual-template", -1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t request_dialout_opts[] = {
	CFG_STR("protocol", "l2tp", CFGF_NONE),
	CFG_INT("pool-member", -1, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t group_opts[] = {
	CFG_SEC("request-dialin", request_dialin_opts, CFGF_NODEFAULT),
	CFG_SEC("accept-dialout", accept_dialout_opts, CFGF_NODEFAULT),
	CFG_SEC("accept-dialin", accept_dialin_opts, CFGF_NODEFAULT),
	CFG_SEC("request-dialout", request_dialout_opts, CFGF_NODEFAULT),
	CFG_STR("terminate-from", NULL, CFGF_NONE),
	CFG_STR_LIST("initiate-to", NULL, CFGF_NONE),
	CFG_STR("local-name", NULL, CFGF_NONE),
	CFG_STR("tunnel-password", NULL, CFGF_NONE),
	CFG_STR("source-ip", NULL, CFGF_NONE),
	CFG_INT("hello", 60, CFGF_NONE),
	CFG_INT("receive-window", 8, CFGF_NONE),
	CFG_INT("retransmit-retries", 5, CFGF_NONE),
	CFG_INT("retransmit-timeout-min", 1, CFGF_NONE),
	CFG_INT("retransmit-timeout-max", 8, CFGF_NONE),
	CFG_BOOL("hidden-avps", cfg_false, CFGF_NONE),
	CFG_BOOL("tunnel-authentication", cfg_true, CFGF_NONE),
	CFG_INT("session-limit", 0, CFGF_NONE),
	CFG_BOOL("sequencing", cfg_false, CFGF_NONE),
	/* Seconds an initiate-to peer that failed tunnel set-up is skipped
	 * (IOS busy-timeout); 0: never skipped. */
	CFG_INT("lns-dead-time", L2TP_DEFAULT_DEAD_TIME, CFGF_NONE),
	/* Seconds a tunnel or call set-up may wait on the peer (SCCRP,
	 * SCCCN, ICRP, ICCN, OCRP, OCCN) or on our dialer. */
	CFG_INT("setup-timeout", L2TP_DEFAULT_SETUP_TIMEOUT, CFGF_NONE),
	/* Send the Q.931 Cause Code AVP in CDN (RFC 2661 §6.14). */
	CFG_BOOL("cdn-q931-cause", cfg_true, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t vpdn_opts[] = {
	CFG_BOOL("enable", cfg_false, CFGF_NONE),
	CFG_STR_LIST("search-order", "{domain}", CFGF_NONE),
	/* The vpdn-group whose settings (hello, retransmission, source-ip,
	 * lns-dead-time, local-name, tunnel-password...) tunnels to LNSs
	 * named by RADIUS take; none: the defaults. */
	CFG_STR("authorize-group", NULL, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t l2tp_opts[] = {
	CFG_STR_LIST("listen", NULL, CFGF_NONE),
	CFG_INT("port", L2TP_DEFAULT_PORT, CFGF_NONE),
	/* Flood limits: tunnels we answered that are not established yet
	 * (incl. refused ones held to re-send their StopCCN), and new SCCRQs
	 * per second from one source address (0: no limit). */
	CFG_INT("max-half-open", L2TP_DEFAULT_MAX_HALF_OPEN, CFGF_NONE),
	CFG_INT("sccrq-rate", L2TP_DEFAULT_SCCRQ_RATE, CFGF_NONE),
	CFG_END()
};

cfg_opt_t l2tp_cfg_options[] = {
	CFG_SEC("vpdn", vpdn_opts, CFGF_NODEFAULT),
	CFG_SEC("vpdn-group", group_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("l2tp", l2tp_opts, CFGF_NODEFAULT),
	CFG_END()
};

static int parse_ip(const char *s, unsigned port, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (!s || !*s)
		return -EINVAL;
	if (inet_pton(AF_INET, s, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons(port);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		/* An IPv4-mapped address (::ffff:a.b.c.d) would be an IPv4
		 * peer under another family: its datagrams could never match
		 * the source check (IPv6 sockets are V6ONLY), and it would
		 * dodge the per-address limits keyed by family. Multicast and
		 * link-local addresses (no scope) cannot be a tunnel's end. */
		if (IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) || IN6_IS_ADDR_V4COMPAT(&in6->sin6_addr) ||
		    IN6_IS_ADDR_MULTICAST(&in6->sin6_addr) || IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr))
			return -EADDRNOTAVAIL;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		return 0;
	}
	return -EINVAL;
}


int l2tp_parse_peer(const char *s, unsigned default_port, struct l2tp_peer_addr *out)
{
	char **w = g_strsplit_set(s, " \t", -1);
	char host[64];
	unsigned port = default_port, n = 0;
	bool has_prio = false, has_limit = false;
	int r = -EINVAL;
	char *colon;

	memset(out, 0, sizeof(*out));
	out->priority = 1;
	/* Words, empty ones (runs of blanks) skipped: the address, then
	 * "priority N" and "limit N" in either order, each at most once. */
	for (char **p = w; *p; p++) {
		if (**p)
			w[n++] = *p;
		else
			g_free(*p);
	}
	w[n] = NULL;
	if (n < 1 || strlen(w[0]) >= sizeof(host))
		goto fail;
	g_strlcpy(host, w[0], sizeof(host));
	for (unsigned i = 1; i < n; i += 2) {
		char *end;
		long v;

		if (i + 1 >= n)
			goto fail;
		v = strtol(w[i + 1], &end, 10);
		if (*end || end == w[i + 1])
			goto fail;
		if (strcmp(w[i], "priority") == 0 && !has_prio && v >= 1 && v <= 32) {
			out->priority = v;
			has_prio = true;
		} else if (strcmp(w[i], "limit") == 0 && !has_limit && v >= 1 && v <= 65535) {
			out->limit = v;
			has_limit = true;
		} else {
			goto fail;
		}
	}
	/* "a.b.c.d:port", "[v6]" and "[v6]:port" (a bare IPv6 address has
	 * too many colons to carry a port). */
	if (host[0] == '[') {
		char *close = strchr(host, ']');

		if (!close || close == host + 1)
			goto fail;
		*close = '\0';
		colon = close + 1; /* what follows ']': nothing or ":PORT" */
		memmove(host, host + 1, strlen(host + 1) + 1);
		if (*colon == '\0') {
			colon = NULL;
		} else if (*colon != ':') {
			goto fail;
		} else {
			char *end;
			long p = strtol(colon + 1, &end, 10);

			if (*end || end == colon + 1 || p <= 0 || p > 65535)
				goto fail;
			port = p;
		}
		if (!strchr(host, ':'))
			goto fail; /* "[1.2.3.4]": brackets are for IPv6 */
		if (parse_ip(host, port, &out->addr) < 0)
			goto fail;
		g_strlcpy(out->text, host, sizeof(out->text));
		r = 0;
		goto fail;
	}
	colon = strchr(host, ':');
	if (colon && !strchr(colon + 1, ':')) {
		char *end;
		long p = strtol(colon + 1, &end, 10);

		if (*end || p <= 0 || p > 65535)
			goto fail;
		port = p;
		*colon = '\0';
	}
	if (parse_ip(host, port, &out->addr) < 0)
		goto fail;
	g_strlcpy(out->text, host, sizeof(out->text));
	r = 0;
fail:
	g_strfreev(w);
	return r;
}

static char **strv_from_list(cfg_t *sec, const char *name)
{
	unsigned n = sec ? cfg_size(sec, name) : 0;
	char **v = g_new0(char *, n + 1);

	for (unsigned i = 0; i < n; i++)
		v[i] = g_strdup(cfg_getnstr(sec, name, i));
	return v;
}

static int cmp_prio(const void *a, const void *b)
{
	const struct l2tp_peer_addr *x = a, *y = b;

	/* qsort is not stable: equal priorities keep the config's order. */
	if (x->priority != y->priority)
		return x->priority - y->priority;
	return (int)x->order - (int)y->order;
}

static bool is_l2tp(cfg_t *sec)
{
	const char *p = cfg_getstr(sec, "protocol");

	return p && (strcmp(p, "l2tp") == 0 || strcmp(p, "any") == 0);
}

/* The one place that validates a group: check() reports through cfg_error
 * (file:line), parse reports through *error. */
static int group_from_cfg(cfg_t *gs, unsigned port, struct l2tp_group *g, char **error)
{
	cfg_t *sec;
	unsigned n;

	g->name = g_strdup(cfg_title(gs));
	g->dialer = g->virtual_template = g->pool_member = -1;
	if (cfg_size(gs, "request-dialin")) {
		sec = cfg_getsec(gs, "request-dialin");
		if (!is_l2tp(sec))
			goto bad_protocol;
		g->request_dialin = true;
		g->domains = strv_from_list(sec, "domain");
		g->dnis = strv_from_list(sec, "dnis");
		if (!g->domains[0] && !g->dnis[0]) {
			*error = g_strdup_printf("vpdn-group %s: request-dialin needs a domain or a dnis",
						 g->name);
			return -EINVAL;
		}
	}
	if (!g->domains)
		g->domains = g_new0(char *, 1);
	if (!g->dnis)
		g->dnis = g_new0(char *, 1);
	if (cfg_size(gs, "accept-dialout")) {
		sec = cfg_getsec(gs, "accept-dialout");
		if (!is_l2tp(sec))
			goto bad_protocol;
		g->accept_dialout = true;
		g->dialer = cfg_getint(sec, "dialer");
		if (g->dialer < 0) {
			*error = g_strdup_printf("vpdn-group %s: accept-dialout needs a dialer", g->name);
			return -EINVAL;
		}
	}
	if (cfg_size(gs, "accept-dialin")) {
		sec = cfg_getsec(gs, "accept-dialin");
		if (!is_l2tp(sec))
			goto bad_protocol;
		g->accept_dialin = true;
		g->virtual_template = cfg_getint(sec, "virtual-template");
	}
	if (cfg_size(gs, "request-dialout")) {
		sec = cfg_getsec(gs, "request-dialout");
		if (!is_l2tp(sec))
			goto bad_protocol;
		g->request_dialout = true;
		g->pool_member = cfg_getint(sec, "pool-member");
		if (g->pool_member < 0) {
			*error = g_strdup_printf("vpdn-group %s: request-dialout needs a pool-member",
						 g->name);
			return -EINVAL;
		}
	}
	g->terminate_from = g_strdup(cfg_getstr(gs, "terminate-from"));
	g->local_name = g_strdup(cfg_getstr(gs, "local-name"));
	g->password = g_strdup(cfg_getstr(gs, "tunnel-password"));
	if (g->password && !g->password[0]) {
		/* Not "no password": tunnel authentication would be off without
		 * a word (a "${SECRET}" whose variable is unset reads as ""). */
		*error = g_strdup_printf("vpdn-group %s: tunnel-password is empty; "
					 "leave it out to run without tunnel authentication", g->name);
		return -EINVAL;
	}
	n = cfg_size(gs, "initiate-to");
	if (n > L2TP_MAX_INITIATE) {
		*error = g_strdup_printf("vpdn-group %s: at most %d initiate-to addresses", g->name,
					 L2TP_MAX_INITIATE);
		return -EINVAL;
	}
	for (unsigned i = 0; i < n; i++) {
		const char *s = cfg_getnstr(gs, "initiate-to", i);

		if (l2tp_parse_peer(s, port, &g->initiate_to[i]) < 0) {
			*error = g_strdup_printf("vpdn-group %s: bad initiate-to \"%s\" "
						 "(want \"ADDR[:PORT] [priority N] [limit N]\", "
						 "IPv6 as \"[ADDR]:PORT\")", g->name, s);
			return -EINVAL;
		}
		g->initiate_to[i].order = i;
	}
	g->n_initiate = n;
	qsort(g->initiate_to, n, sizeof(g->initiate_to[0]), cmp_prio);
	if ((g->request_dialin || g->request_dialout) && n == 0) {
		*error = g_strdup_printf("vpdn-group %s: request-dialin/request-dialout need initiate-to",
					 g->name);
		return -EINVAL;
	}
	if (cfg_getstr(gs, "source-ip")) {
		const char *s = cfg_getstr(gs, "source-ip");

		if (parse_ip(s, port, &g->source) < 0) {
			*error = g_strdup_printf("vpdn-group %s: bad source-ip \"%s\" (want an IPv4 "
						 "or a global IPv6 address, not IPv4-mapped)",
						 g->name, s);
			return -EINVAL;
		}
		g->has_source = true;
		g_strlcpy(g->source_text, s, sizeof(g->source_text));
		for (unsigned i = 0; i < g->n_initiate; i++)
			if (g->initiate_to[i].addr.ss_family != g->source.ss_family) {
				*error = g_strdup_printf("vpdn-group %s: initiate-to \"%s\" is %s but "
							 "source-ip \"%s\" is %s", g->name,
							 g->initiate_to[i].text,
							 g->initiate_to[i].addr.ss_family == AF_INET6 ?
							 "IPv6" : "IPv4", s,
							 g->source.ss_family == AF_INET6 ? "IPv6" : "IPv4");
				return -EINVAL;
			}
	}
#define RANGE(opt, field, lo, hi)                                                          \
	do {                                                                               \
		long v_ = cfg_getint(gs, opt);                                             \
		if (v_ < (lo) || v_ > (hi)) {                                              \
			*error = g_strdup_printf("vpdn-group %s: %s must be %d..%d", g->name, \
						 opt, (int)(lo), (int)(hi));               \
			return -EINVAL;                                                    \
		}                                                                          \
		g->field = v_;                                                             \
	} while (0)
	RANGE("hello", hello_s, 0, 1000);
	RANGE("receive-window", rwin, 1, 1024);
	RANGE("retransmit-retries", retries, 1, 100);
	RANGE("retransmit-timeout-min", rto_min_s, 1, 8);
	RANGE("retransmit-timeout-max", rto_max_s, 1, 60);
	RANGE("session-limit", session_limit, 0, 65535);
	RANGE("lns-dead-time", dead_time_s, 0, 86400);
	RANGE("setup-timeout", setup_timeout_s, 1, 3600);
#undef RANGE
	if (g->rto_max_s < g->rto_min_s) {
		*error = g_strdup_printf("vpdn-group %s: retransmit-timeout-max below -min", g->name);
		return -EINVAL;
	}
	g->hidden = cfg_getbool(gs, "hidden-avps");
	g->tunnel_auth = cfg_getbool(gs, "tunnel-authentication");
	g->sequencing = cfg_getbool(gs, "sequencing");
	g->cdn_q931_cause = cfg_getbool(gs, "cdn-q931-cause");
	if (g->hidden && !g->password) {
		*error = g_strdup_printf("vpdn-group %s: hidden-avps needs a tunnel-password", g->name);
		return -EINVAL;
	}
	return 0;

bad_protocol:
	*error = g_strdup_printf("vpdn-group %s: only protocol \"l2tp\" is supported", g->name);
	return -EINVAL;
}

void l2tp_group_free(struct l2tp_group *g)
{

	if (!g)
		return;
	g_free(g->name);
	g_strfreev(g->domains);
	g_strfreev(g->dnis);
	g_free(g->terminate_from);
	g_free(g->local_name);
	if (g->password) {
		explicit_bzero(g->password, strlen(g->password));
		g_free(g->password);
	}
	g_free(g);
}

/* A deep copy of g (strings duplicated); run-time state reset. */
struct l2tp_group *l2tp_group_clone(const struct l2tp_group *g)
{
	struct l2tp_group *n = g_new(struct l2tp_group, 1);

	*n = *g;
	n->name = g_strdup(g->name);
	n->domains = g_strdupv(g->domains);
	n->dnis = g_strdupv(g->dnis);
	n->terminate_from = g_strdup(g->terminate_from);
	n->local_name = g_strdup(g->local_name);
	n->password = g_strdup(g->password);
	n->sessions = 0;
	for (unsigned i = 0; i < n->n_initiate; i++)
		n->initiate_to[i].dead_until_ms = 0;
	return n;
}

/* The settings of tunnels to LNSs that RADIUS names: the authorize-group
 * (validated like any group), or every option's default. */
static int authorize_template(cfg_t *vpdn, struct l2tp_config *c, char **error)
{
	const char *name = vpdn ? cfg_getstr(vpdn, "authorize-group") : NULL;
	struct l2tp_group *g;
	cfg_t *defaults;
	int r;

	if (name) {
		g = l2tp_config_group(c, name);
		if (!g) {
			*error = g_strdup_printf("vpdn: authorize-group \"%s\" is no vpdn-group", name);
			return -EINVAL;
		}
		c->authorize_template = l2tp_group_clone(g);
		return 0;
	}
	defaults = cfg_init(group_opts, CFGF_NONE);
	if (!defaults || cfg_parse_buf(defaults, "") != CFG_SUCCESS) {
		if (defaults)
			cfg_free(defaults);
		*error = g_strdup("vpdn: cannot build the default vpdn-group");
		return -ENOMEM;
	}
	g = g_new0(struct l2tp_group, 1);
	r = group_from_cfg(defaults, c->port, g, error);
	cfg_free(defaults);
	if (r < 0) {
		l2tp_group_free(g);
		return r;
	}
	g_free(g->name);
	g->name = g_strdup("authorize");
	c->authorize_template = g;
	return 0;
}

void l2tp_config_free(struct l2tp_config *c)
{
	if (!c)
		return;
	l2tp_group_free(c->authorize_template);
	g_strfreev(c->listen);
	if (c->groups)
		g_ptr_array_free(c->groups, TRUE);
	g_free(c);
}

int l2tp_config_parse(cfg_t *cfg, struct l2tp_config **out, char **error)
{
	struct l2tp_config *c = g_new0(struct l2tp_config, 1);
	cfg_t *vpdn = cfg_size(cfg, "vpdn") ? cfg_getsec(cfg, "vpdn") : NULL;
	cfg_t *l2 = cfg_size(cfg, "l2tp") ? cfg_getsec(cfg, "l2tp") : NULL;
	unsigned n;

	*error = NULL;
	c->groups = g_ptr_array_new_with_free_func((GDestroyNotify)l2tp_group_free);
	c->port = l2 ? cfg_getint(l2, "port") : L2TP_DEFAULT_PORT;
	if (c->port == 0 || c->port > 65535) {
		*error = g_strdup("l2tp: port must be 1..65535");
		goto fail;
	}
	c->max_half_open = l2 ? cfg_getint(l2, "max-half-open") : L2TP_DEFAULT_MAX_HALF_OPEN;
	c->sccrq_rate = l2 ? cfg_getint(l2, "sccrq-rate") : L2TP_DEFAULT_SCCRQ_RATE;
	if (l2 && (cfg_getint(l2, "max-half-open") < 1 || cfg_getint(l2, "max-half-open") > 65535)) {
		*error = g_strdup("l2tp: max-half-open must be 1..65535");
		goto fail;
	}
	if (l2 && (cfg_getint(l2, "sccrq-rate") < 0 || cfg_getint(l2, "sccrq-rate") > 100000)) {
		*error = g_strdup("l2tp: sccrq-rate must be 0..100000");
		goto fail;
	}
	c->listen = strv_from_list(l2, "listen");
	for (char **a = c->listen; *a; a++) {
		struct sockaddr_storage ss;

		if (parse_ip(*a, c->port, &ss) < 0) {
			*error = g_strdup_printf("l2tp: bad listen address \"%s\"", *a);
			goto fail;
		}
	}
	c->enable = vpdn ? cfg_getbool(vpdn, "enable") : false;
	c->search[0] = L2TP_SEARCH_DOMAIN;
	if (vpdn) {
		n = cfg_size(vpdn, "search-order");
		if (n > L2TP_SEARCH_KEYS) {
			*error = g_strdup("vpdn: search-order takes at most \"dnis\", \"domain\" "
					  "and \"authorize\"");
			goto fail;
		}
		memset(c->search, 0, sizeof(c->search));
		for (unsigned i = 0; i < n; i++) {
			const char *s = cfg_getnstr(vpdn, "search-order", i);

			if (strcmp(s, "domain") == 0) {
				c->search[i] = L2TP_SEARCH_DOMAIN;
			} else if (strcmp(s, "dnis") == 0) {
				c->search[i] = L2TP_SEARCH_DNIS;
			} else if (strcmp(s, "authorize") == 0) {
				c->search[i] = L2TP_SEARCH_AUTHORIZE;
			} else {
				*error = g_strdup_printf("vpdn: unknown search-order \"%s\" "
							 "(want \"domain\", \"dnis\" or \"authorize\")", s);
				goto fail;
			}
			for (unsigned j = 0; j < i; j++)
				if (c->search[j] == c->search[i]) {
					*error = g_strdup("vpdn: search-order lists the same key twice");
					goto fail;
				}
		}
	}
	n = cfg_size(cfg, "vpdn-group");
	for (unsigned i = 0; i < n; i++) {
		struct l2tp_group *g = g_new0(struct l2tp_group, 1);

		g_ptr_array_add(c->groups, g);
		if (group_from_cfg(cfg_getnsec(cfg, "vpdn-group", i), c->port, g, error) < 0)
			goto fail;
	}
	/* With listen addresses, only they have sockets: a group that
	 * initiates to a family none of them has could never send. */
	for (unsigned i = 0; c->listen[0] && i < c->groups->len; i++) {
		struct l2tp_group *g = c->groups->pdata[i];

		for (unsigned j = 0; !g->has_source && j < g->n_initiate; j++) {
			bool have = false;

			for (char **a = c->listen; *a && !have; a++) {
				struct sockaddr_storage ss;

				have = parse_ip(*a, c->port, &ss) == 0 &&
				       ss.ss_family == g->initiate_to[j].addr.ss_family;
			}
			if (!have) {
				*error = g_strdup_printf("l2tp: listen has no %s address for vpdn-group "
							 "%s's initiate-to \"%s\" (add one, or a "
							 "source-ip to the group)",
							 g->initiate_to[j].addr.ss_family == AF_INET6 ?
							 "IPv6" : "IPv4", g->name, g->initiate_to[j].text);
				goto fail;
			}
		}
	}
	if (authorize_template(vpdn, c, error) < 0)
		goto fail;
	*out = c;
	return 0;
fail:
	l2tp_config_free(c);
	return -EINVAL;
}

int l2tp_config_check(cfg_t *cfg)
{
	unsigned n = cfg_size(cfg, "vpdn-group");
	struct l2tp_config *c;
	char *error = NULL;
	cfg_t *where = cfg;
	int r;

	/* Find the section the first error is about, so cfg_error names its
	 * line: parse group by group. */
	for (unsigned i = 0; i < n; i++) {
		cfg_t *gs = cfg_getnsec(cfg, "vpdn-group", i);
		struct l2tp_group *g = g_new0(struct l2tp_group, 1);

		r = group_from_cfg(gs, L2TP_DEFAULT_PORT, g, &error);
		l2tp_group_free(g);
		if (r < 0) {
			cfg_error(gs, "%s", error);
			g_free(error);
			return -EINVAL;
		}
	}
	r = l2tp_config_parse(cfg, &c, &error);
	if (r < 0) {
		if (cfg_size(cfg, "vpdn") && error && g_str_has_prefix(error, "vpdn:"))
			where = cfg_getsec(cfg, "vpdn");
		else if (cfg_size(cfg, "l2tp") && error && g_str_has_prefix(error, "l2tp:"))
			where = cfg_getsec(cfg, "l2tp");
		cfg_error(where, "%s", error);
		g_free(error);
		return -EINVAL;
	}
	l2tp_config_free(c);
	return 0;
}

struct l2tp_group *l2tp_config_group(struct l2tp_config *c, const char *name)
{
	for (unsigned i = 0; i < c->groups->len; i++) {
		struct l2tp_group *g = c->groups->pdata[i];

		if (strcmp(g->name, name) == 0)
			return g;
	}
	return NULL;
}
