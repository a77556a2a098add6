/* SPDX-License-Identifier: MIT */
/* auth-radius: authentication and authorization. See auth-radius.h. */
#include "auth-radius.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "acct.h"
#include "acct-lac.h"
#include "dae.h"
#include "radius-bus.h"
#include "tunnel.h"

static cfg_opt_t server_opts[] = {
	CFG_STR("secret", NULL, CFGF_NONE),
	CFG_INT("auth-port", RADIUS_AUTH_PORT, CFGF_NONE),
	CFG_INT("acct-port", RADIUS_ACCT_PORT, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t radius_opts[] = {
	CFG_SEC("server", server_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_FLOAT("timeout", 3.0, CFGF_NONE),
	CFG_INT("retries", 3, CFGF_NONE),
	CFG_INT("dead-time", 60, CFGF_NONE),
	CFG_INT("max-in-flight", 256, CFGF_NONE),
	CFG_INT("max-queued", 4096, CFGF_NONE),
	CFG_BOOL("accounting", cfg_true, CFGF_NONE),
	/* RFC 2867 Tunnel-Start/-Stop, Tunnel-Link-Start/-Stop (acct-lac.c) */
	CFG_BOOL("tunnel-accounting", cfg_false, CFGF_NONE),
	CFG_BOOL("fallback", cfg_false, CFGF_NONE),
	CFG_INT("acct-queue", 10000, CFGF_NONE),
	CFG_STR("acct-spool", NULL, CFGF_NONE),
	CFG_INT("interim-interval", 0, CFGF_NONE),
	CFG_STR("nas-identifier", NULL, CFGF_NONE),
	CFG_STR("nas-ip-address", NULL, CFGF_NONE),
	/* Filter-Id names this node accepts (an Accept naming another is
	 * refused: the user would get unfiltered service) */
	CFG_STR_LIST("filter-ids", NULL, CFGF_NONE),
	CFG_SEC("dynamic-authorization", dae_options, CFGF_NONE),
	CFG_END()
};

cfg_opt_t auth_radius_options[] = {
	CFG_SEC("radius", radius_opts, CFGF_NONE),
	CFG_END()
};

struct auth_radius {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct radius_client *client;
	struct radius_client_conf conf;
	struct acct *acct;
	struct dae *dae;
	struct radius_tunnel_authz *tunnel; /* TUNNEL_AUTHORIZE (tunnel.c) */
	struct acct_lac *acct_lac;      /* LAC sessions, tunnel accounting */
	sd_bus_slot *slot;
	char *nas_id;
	struct in_addr nas_ip;
	struct vpdn_subscription *sub_auth;
	GHashTable *jobs;               /* pending auth jobs (set) */
	bool fallback;                  /* no server answered: ask the others */
	const struct vpdn_ev_auth *fallback_ev; /* being published by us */
	uint64_t *n_accept, *n_reject, *n_timeout, *n_refused;
	uint64_t *n_routes_refused;     /* framed.c: Framed-Route/-Netmask refused */
	uint64_t *n_ipv6_refused;       /* framed6.c: IPv6 attributes refused */
	uint64_t *n_filter_unknown;     /* Accepts refused: Filter-Id not configured */
	GHashTable *filter_ids;         /* filter-ids (set of names) */
};

/* An AUTH_REQUEST on its way through RADIUS. Owns copies of the payload. */
struct auth_job {
	struct auth_radius *ar;
	struct vpdn_request *req;
	struct radius_req *rr;
	struct vpdn_request *fb;        /* the fallback request, while pending */
	enum vpdn_auth_method method;
	char *user, *iface, *local_name;
	uint8_t *password; size_t password_len;
	uint8_t chap_id;
	uint8_t challenge[RADIUS_ATTR_MAX]; size_t challenge_len;
	uint8_t response[16];
};

#define HAS_FIELD(p, type, field) \
	((p)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

static const char *method_name(enum vpdn_auth_method m)
{
	return m == VPDN_AUTH_PAP ? "PAP" : m == VPDN_AUTH_CHAP_MD5 ? "CHAP" : "NONE";
}

/* ---- config ---- */

static int parse_server(cfg_t *sec, struct radius_server_conf *out, const char **why)
{
	const char *host = cfg_title(sec);
	const char *secret = cfg_getstr(sec, "secret");
	long ports[RADIUS_SVC__COUNT] = { cfg_getint(sec, "auth-port"), cfg_getint(sec, "acct-port") };
	struct in_addr a4;
	struct in6_addr a6;
	bool v6 = false;

	memset(out, 0, sizeof(*out));
	if (!host || inet_pton(AF_INET, host, &a4) != 1) {
		if (!host || inet_pton(AF_INET6, host, &a6) != 1) {
			*why = "must be an IPv4 or IPv6 address (no name lookups: they block)";
			return -EINVAL;
		}
		v6 = true;
	}
	if (!secret || !*secret) {
		*why = "no secret";
		return -EINVAL;
	}
	for (int svc = 0; svc < RADIUS_SVC__COUNT; svc++) {
		if (ports[svc] < 1 || ports[svc] > 65535) {
			*why = "auth-port and acct-port must be 1..65535";
			return -EINVAL;
		}
		if (v6) {
			struct sockaddr_in6 *s = (struct sockaddr_in6 *)&out->addr[svc];
			s->sin6_family = AF_INET6;
			s->sin6_addr = a6;
			s->sin6_port = htons((uint16_t)ports[svc]);
		} else {
			struct sockaddr_in *s = (struct sockaddr_in *)&out->addr[svc];
			s->sin_family = AF_INET;
			s->sin_addr = a4;
			s->sin_port = htons((uint16_t)ports[svc]);
		}
	}
	out->name = g_strdup(host);
	out->secret_len = strlen(secret);
	out->secret = g_memdup2(secret, out->secret_len);
	return 0;
}

static int range(cfg_t *sec, const char *opt, long lo, long hi)
{
	long v = cfg_getint(sec, opt);

	if (v < lo || v > hi) {
		cfg_error(sec, "radius: %s must be %ld..%ld, not %ld", opt, lo, hi, v);
		return -EINVAL;
	}
	return 0;
}

int auth_radius_check(cfg_t *cfg)
{
	cfg_t *sec = cfg_size(cfg, "radius") ? cfg_getsec(cfg, "radius") : NULL;
	int ret = 0;
	double t;

	if (!sec)
		return 0;
	for (unsigned i = 0; i < cfg_size(sec, "server"); i++) {
		cfg_t *s = cfg_getnsec(sec, "server", i);
		struct radius_server_conf sc;
		const char *why = NULL;

		if (parse_server(s, &sc, &why) < 0) {
			cfg_error(s, "radius: server \"%s\": %s", cfg_title(s) ? cfg_title(s) : "", why);
			ret = -EINVAL;
		}
		radius_server_conf_clear(&sc);
	}
	t = cfg_getfloat(sec, "timeout");
	if (t < 0.05 || t > 60) {
		cfg_error(sec, "radius: timeout must be 0.05..60 seconds");
		ret = -EINVAL;
	}
	if (range(sec, "retries", 1, 10) < 0 || range(sec, "dead-time", 0, 86400) < 0 ||
	    range(sec, "max-in-flight", 1, 65536) < 0 || range(sec, "max-queued", 1, 1000000) < 0 ||
	    range(sec, "acct-queue", 1, 1000000) < 0 || range(sec, "interim-interval", 0, 86400) < 0)
		ret = -EINVAL;
	const char *ip = cfg_getstr(sec, "nas-ip-address");
	struct in_addr a;
	if (ip && inet_pton(AF_INET, ip, &a) != 1) {
		cfg_error(sec, "radius: nas-ip-address must be an IPv4 address, not \"%s\"", ip);
		ret = -EINVAL;
	}
	if (dae_check(sec) < 0)
		ret = -EINVAL;
	return ret;
}

static void conf_clear(struct radius_client_conf *c)
{
	for (unsigned i = 0; i < c->n_servers; i++)
		radius_server_conf_clear(&c->servers[i]);
	g_free(c->servers);
	memset(c, 0, sizeof(*c));
}

static int conf_build(cfg_t *cfg, struct radius_client_conf *c)
{
	cfg_t *sec = cfg && cfg_size(cfg, "radius") ? cfg_getsec(cfg, "radius") : NULL;

	memset(c, 0, sizeof(*c));
	c->timeout_ms = 3000;
	c->retries = 3;
	c->dead_time_s = 60;
	c->max_in_flight = 256;
	c->max_queued = 4096;
	c->acct_queue = 10000;
	if (!sec)
		return 0;
	c->n_servers = cfg_size(sec, "server");
	c->servers = g_new0(struct radius_server_conf, c->n_servers ? c->n_servers : 1);
	for (unsigned i = 0; i < c->n_servers; i++) {
		const char *why;
		if (parse_server(cfg_getnsec(sec, "server", i), &c->servers[i], &why) < 0) {
			conf_clear(c);
			return -EINVAL;
		}
	}
	c->timeout_ms = (uint32_t)(cfg_getfloat(sec, "timeout") * 1000 + 0.5);
	c->retries = (unsigned)cfg_getint(sec, "retries");
	c->dead_time_s = (uint32_t)cfg_getint(sec, "dead-time");
	c->max_in_flight = (unsigned)cfg_getint(sec, "max-in-flight");
	c->max_queued = (unsigned)cfg_getint(sec, "max-queued");
	c->acct_queue = (unsigned)cfg_getint(sec, "acct-queue");
	return 0;
}

/* ---- authorization ---- */

static void printable(char *out, size_t size, const uint8_t *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++)
		out[o++] = s[i] >= 0x20 && s[i] < 0x7F ? (char)s[i] : '?';
	out[o] = 0;
}

int radius_authz_parse(const struct radius_view *v, struct radius_authz *z, const char **why)
{
	struct radius_attr a;
	size_t pos = 0;
	uint32_t u;

	memset(z, 0, sizeof(*z));
	*why = NULL;
	while (radius_next(v, &pos, &a)) {
		switch (a.type) {
		case RADIUS_SERVICE_TYPE:
			if (radius_attr_u32(&a, &u) < 0)
				goto bad;
			if (u != 2) {   /* Framed-User */
				*why = "Service-Type is not Framed-User";
				return -EPERM;
			}
			break;
		case RADIUS_FRAMED_PROTOCOL:
			if (radius_attr_u32(&a, &u) < 0)
				goto bad;
			if (u != 1) {   /* PPP */
				*why = "Framed-Protocol is not PPP";
				return -EPERM;
			}
			break;
		case RADIUS_FRAMED_IP_ADDRESS: {
			if (a.len != 4)
				goto bad;
			uint32_t h = (uint32_t)a.val[0] << 24 | (uint32_t)a.val[1] << 16 |
				     (uint32_t)a.val[2] << 8 | a.val[3];
			if (h == 0xFFFFFFFEu || h == 0xFFFFFFFFu) {
				/* RFC 2865 §5.8: the NAS assigns (pool) / the
				 * user may choose: both leave it to IPCP */
				z->pool = h == 0xFFFFFFFEu;
				z->address.s_addr = 0;
			} else if (h == 0 || h >> 24 == 0 || h >> 24 == 127 || h >> 28 >= 14) {
				*why = "Framed-IP-Address is not a unicast address";
				return -EPERM;
			} else {
				memcpy(&z->address, a.val, 4);
			}
			break;
		}
		case RADIUS_FRAMED_IP_NETMASK:
			if (a.len != 4)
				goto bad;
			memcpy(&z->netmask, a.val, 4);
			break;
		case RADIUS_SESSION_TIMEOUT:
			if (radius_attr_u32(&a, &z->session_timeout) < 0)
				goto bad;
			break;
		case RADIUS_IDLE_TIMEOUT:
			if (radius_attr_u32(&a, &z->idle_timeout) < 0)
				goto bad;
			break;
		case RADIUS_ACCT_INTERIM_INTERVAL:
			if (radius_attr_u32(&a, &z->interim_interval) < 0)
				goto bad;
			break;
		case RADIUS_CLASS:
			/* several Class attributes: the first is kept */
			if (!z->class_len && a.len) {
				memcpy(z->class_, a.val, a.len);
				z->class_len = a.len;
			}
			break;
		case RADIUS_FRAMED_ROUTE:
			z->n_routes++;
			break;
		case RADIUS_FILTER_ID:
			printable(z->filter_id, sizeof(z->filter_id), a.val, a.len);
			break;
		case RADIUS_FRAMED_POOL:
			printable(z->pool_name, sizeof(z->pool_name), a.val, a.len);
			break;
		case RADIUS_REPLY_MESSAGE:
			if (!z->reply_message[0])
				printable(z->reply_message, sizeof(z->reply_message), a.val, a.len);
			break;
		default:
			break;
		}
	}
	radius_authz_routes(v, z);
	radius_authz_ipv6(v, z);
	return 0;
bad:
	*why = radius_attr_name(a.type);
	return -EBADMSG;
}

/* ---- authentication ---- */

static void job_free(struct auth_job *j)
{
	if (j->password) {
		explicit_bzero(j->password, j->password_len);
		g_free(j->password);
	}
	explicit_bzero(j->response, sizeof(j->response));
	g_free(j->user);
	g_free(j->iface);
	g_free(j->local_name);
	g_free(j);
}

static uint32_t port_type(const char *iface)
{
	if (iface && (g_str_has_prefix(iface, "Vi") || g_str_has_prefix(iface, "Virtual")))
		return 5;   /* Virtual */
	if (iface && (g_str_has_prefix(iface, "Se") || g_str_has_prefix(iface, "BRI")))
		return 2;   /* ISDN-Sync */
	return 0;           /* Async */
}

static uint32_t port_number(const char *iface)
{
	const char *p = iface;
	uint32_t n = 0;

	while (p && *p && !isdigit((unsigned char)*p))
		p++;
	for (; p && *p; p++) {
		if (isdigit((unsigned char)*p))
			n = n * 10 + (uint32_t)(*p - '0');
		else if (*p == ':' || *p == '/')
			n *= 100;
	}
	return n;
}

int auth_radius_add_nas(struct radius_pkt *p, const char *nas_id, struct in_addr nas_ip,
			const char *iface)
{
	int r = 0;

	if (nas_ip.s_addr)
		r = radius_add_ipv4(p, RADIUS_NAS_IP_ADDRESS, nas_ip.s_addr);
	if (!r && nas_id && *nas_id)
		r = radius_add(p, RADIUS_NAS_IDENTIFIER, nas_id, MIN(strlen(nas_id), 253));
	if (!r && iface && *iface) {
		r = radius_add(p, RADIUS_NAS_PORT_ID, iface, MIN(strlen(iface), 253));
		if (!r)
			r = radius_add_u32(p, RADIUS_NAS_PORT, port_number(iface));
		if (!r)
			r = radius_add_u32(p, RADIUS_NAS_PORT_TYPE, port_type(iface));
	}
	return r;
}

static int build_access(struct radius_pkt *p, const uint8_t *secret, size_t slen,
			uint32_t age, void *data)
{
	struct auth_job *j = data;
	struct auth_radius *ar = j->ar;
	int r;

	r = radius_add(p, RADIUS_USER_NAME, j->user, MIN(strlen(j->user), 253));
	if (!r && j->method == VPDN_AUTH_PAP)
		r = radius_add_user_password(p, j->password, j->password_len, secret, slen);
	if (!r && j->method == VPDN_AUTH_CHAP_MD5) {
		uint8_t cp[17];
		cp[0] = j->chap_id;
		memcpy(cp + 1, j->response, 16);
		r = radius_add(p, RADIUS_CHAP_PASSWORD, cp, sizeof(cp));
		explicit_bzero(cp, sizeof(cp));
		if (!r)
			r = radius_add(p, RADIUS_CHAP_CHALLENGE, j->challenge, j->challenge_len);
	}
	if (!r)
		r = radius_add_u32(p, RADIUS_SERVICE_TYPE, 2);
	if (!r)
		r = radius_add_u32(p, RADIUS_FRAMED_PROTOCOL, 1);
	if (!r)
		r = auth_radius_add_nas(p, ar->nas_id, ar->nas_ip, j->iface);
	return r;
}

/* The other authentication modules' answer, given as ours. */
static void fallback_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct auth_job *j = data;
	struct auth_radius *ar = j->ar;
	const struct vpdn_ev_auth_result *r = reply;
	struct vpdn_ev_auth_result res = { .size = sizeof(res), .user = j->user,
					   .reason = "no RADIUS server answered, nor another "
						     "authenticator" };
	char ubuf[128];

	j->fb = NULL;
	g_hash_table_remove(ar->jobs, j);
	vpdn_info(ar->log, "AUTH-RADIUS: no server answered; user \"%s\" %s by fallback",
		  vpdn_log_printable(ubuf, sizeof(ubuf), j->user, strlen(j->user), 0),
		  status >= 0 && r && r->ok ? "accepted" : "refused");
	if (status == -ENOENT || !r)
		vpdn_request_complete(j->req, status < 0 ? -ETIMEDOUT : status, &res);
	else
		vpdn_request_complete(j->req, status, r);
	job_free(j);
}

/* No server answered: publish the request again for the other modules
 * (auth-local). A reject from a server never comes here. */
static bool fallback(struct auth_job *j)
{
	struct auth_radius *ar = j->ar;
	char pw_nul = 0;
	struct vpdn_ev_auth ev = {
		.size = sizeof(ev), .method = j->method, .interface = j->iface, .user = j->user,
		.local_name = j->local_name, .chap_id = j->chap_id,
		.challenge = j->challenge, .challenge_len = j->challenge_len,
		.response = j->response, .response_len = j->method == VPDN_AUTH_CHAP_MD5 ? 16 : 0,
		.password = j->password ? (const char *)j->password : &pw_nul,
	};
	struct vpdn_request *r;

	g_hash_table_add(ar->jobs, j);
	ar->fallback_ev = &ev;
	r = vpdn_bus_request(vpdn_core_bus(ar->core), VPDN_EV_AUTH_REQUEST, &ev, fallback_done, j);
	ar->fallback_ev = NULL;
	/* NULL: already completed (fallback_done freed j); else pending */
	if (r)
		j->fb = r;
	return true;
}

/* j's user (ubuf, 128) and interface (ibuf, 64) made printable for a log
 * line; returns ibuf. Only when a line is written: not per set-up. */
static const char *job_names(const struct auth_job *j, char *ubuf, char *ibuf)
{
	const char *i = j->iface ? j->iface : "-";

	vpdn_log_printable(ubuf, 128, j->user, strlen(j->user), 0);
	return vpdn_log_printable(ibuf, 64, i, strlen(i), 0);
}

static void access_done(int status, const struct radius_view *v, void *data)
{
	struct auth_job *j = data;
	struct auth_radius *ar = j->ar;
	struct vpdn_ev_auth_result res = { .size = sizeof(res), .user = j->user };
	char reason[320], ubuf[128], ibuf[64];
	char msg[RADIUS_ATTR_MAX + 1] = "";   /* Reply-Message, for the peer */
	struct radius_authz z;
	const char *why = NULL;
	bool bad_filter = false;
	struct vpdn_auth_ipv6 v6;
	int st;

	g_hash_table_remove(ar->jobs, j);
	j->rr = NULL;
	if (status < 0 && ar->fallback && fallback(j))
		return;
	if (status < 0) {
		(*ar->n_timeout)++;
		snprintf(reason, sizeof(reason), "%s",
			 status == -ETIMEDOUT ? "no RADIUS server answered" : g_strerror(-status));
		st = status == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
	} else if (v->code == RADIUS_ACCESS_ACCEPT) {
		st = radius_authz_parse(v, &z, &why);
		if (st == 0 && z.filter_id[0] &&
		    !g_hash_table_contains(ar->filter_ids, z.filter_id)) {
			/* RFC 2865 §5.11: the Accept asks for a filter this
			 * NAS does not have; serving the user unfiltered
			 * would fail open (as §5.6 for a service it lacks) */
			(*ar->n_filter_unknown)++;
			bad_filter = true;
			why = "Filter-Id names no filter of radius { filter-ids }";
			st = -EPERM;
		}
		if (st == 0) {
			res.ok = true;
			res.address = z.address;
			res.peer_message = z.reply_message[0] ? z.reply_message : NULL;
			res.routes = z.route4;
			res.n_routes = z.n_route4;
			res.ipv6 = radius_authz_ipv6_result(&z, &v6);
			if (z.ipv6_refused || z.routes_refused)
				job_names(j, ubuf, ibuf);
			if (z.ipv6_refused) {
				(*ar->n_ipv6_refused) += z.ipv6_refused;
				vpdn_warn(ar->log, "%s AUTH-RADIUS: user \"%s\": %u IPv6 attribute%s "
					  "refused, first: %s", ibuf, ubuf, z.ipv6_refused,
					  z.ipv6_refused == 1 ? "" : "s", z.ipv6_refusal);
			}
			if (z.routes_refused) {
				(*ar->n_routes_refused) += z.routes_refused;
				vpdn_warn(ar->log, "%s AUTH-RADIUS: user \"%s\": %u route%s refused, "
					  "first: %s", ibuf, ubuf, z.routes_refused,
					  z.routes_refused == 1 ? "" : "s", z.route_refusal);
			}
			/* Framed-Pool: the ppp module's ip-local-pool of that
			 * name (an unknown one leaves IPCP without an address) */
			res.framed_pool = z.pool_name[0] ? z.pool_name : NULL;
			acct_authorized(ar->acct, j->iface, j->user, &z);
			(*ar->n_accept)++;
			vpdn_debug(ar->log, VPDN_DEBUG_PPP_AUTHENTICATION,
				   "%s AUTH-RADIUS: %s user \"%s\" accepted%s%s%s%s",
				   job_names(j, ubuf, ibuf), method_name(j->method), ubuf,
				   z.filter_id[0] ? ", Filter-Id " : "", z.filter_id,
				   z.address.s_addr ? ", address from Framed-IP-Address" : "",
				   z.address.s_addr ? "" :
				   z.pool_name[0] ? ", address from the Framed-Pool" :
				   z.pool ? ", address from the pool" : "");
			vpdn_request_complete(j->req, 0, &res);
			job_free(j);
			return;
		}
		snprintf(reason, sizeof(reason), "Access-Accept refused: %s%s%s%s%s",
			 why ? why : "?", st == -EBADMSG ? " has a wrong length" : "",
			 bad_filter ? " (\"" : "", bad_filter ? z.filter_id : "",
			 bad_filter ? "\")" : "");
		(*ar->n_reject)++;
		st = -EACCES;
	} else {
		struct radius_attr a;
		if (radius_find(v, RADIUS_REPLY_MESSAGE, &a))
			printable(msg, sizeof(msg), a.val, a.len);
		snprintf(reason, sizeof(reason), "%s%s%s",
			 v->code == RADIUS_ACCESS_REJECT ? "rejected by RADIUS"
							 : "Access-Challenge is not supported",
			 *msg ? ": " : "", msg);
		(*ar->n_reject)++;
		st = -EACCES;
	}
	res.reason = reason;
	res.peer_message = *msg ? msg : NULL;
	job_names(j, ubuf, ibuf);
	vpdn_info(ar->log, "%s AUTH-RADIUS: %s authentication of user \"%s\" failed: %s",
		  ibuf, method_name(j->method), ubuf, reason);
	vpdn_request_complete(j->req, st, &res);
	job_free(j);
}

static enum vpdn_bus_verdict on_auth_request(const struct vpdn_event *ev, void *data)
{
	struct auth_radius *ar = data;
	const struct vpdn_ev_auth *a = ev->payload;
	struct vpdn_ev_auth_result res = { .size = sizeof(res) };
	struct auth_job *j;
	int err = 0;

	if (!ev->request || !a || !HAS_FIELD(a, struct vpdn_ev_auth, password) || !ar->client ||
	    !radius_client_n_servers(ar->client) || a == ar->fallback_ev)
		return VPDN_BUS_PASS;
	if (a->method != VPDN_AUTH_PAP && a->method != VPDN_AUTH_CHAP_MD5)
		return VPDN_BUS_PASS;
	j = g_new0(struct auth_job, 1);
	j->ar = ar;
	j->method = a->method;
	j->user = g_strdup(a->user ? a->user : "");
	j->iface = a->interface ? g_strdup(a->interface) : NULL;
	j->local_name = a->local_name ? g_strdup(a->local_name) : NULL;
	res.user = a->user;
	if (!a->user || !*a->user || strlen(a->user) > 253) {
		res.reason = "bad request: user name empty or longer than 253 octets";
		goto refuse;
	}
	if (a->method == VPDN_AUTH_PAP) {
		size_t n = a->password ? strlen(a->password) : 0;
		if (n > RADIUS_PW_MAX) {
			res.reason = "bad request: password longer than 128 octets";
			goto refuse;
		}
		j->password = g_memdup2(a->password ? a->password : "", n + 1);
		j->password_len = n;
	} else {
		if (!a->challenge || !a->challenge_len || a->challenge_len > RADIUS_ATTR_MAX ||
		    !a->response || a->response_len != 16) {
			res.reason = "bad request: CHAP challenge or response of a wrong size";
			goto refuse;
		}
		j->chap_id = a->chap_id;
		memcpy(j->challenge, a->challenge, a->challenge_len);
		j->challenge_len = a->challenge_len;
		memcpy(j->response, a->response, 16);
	}
	j->req = vpdn_event_take_request(ev);
	if (!j->req) {
		job_free(j);
		return VPDN_BUS_PASS;
	}
	j->rr = radius_client_submit(ar->client, RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST,
				     build_access, access_done, j, &err);
	if (!j->rr) {
		(*ar->n_refused)++;
		res.reason = err == -ENOBUFS ? "too many RADIUS requests queued" : "no RADIUS server";
		vpdn_warn(ar->log, "AUTH-RADIUS: %s", res.reason);
		vpdn_request_complete(j->req, err, &res);
		job_free(j);
		return VPDN_BUS_CLAIM;
	}
	g_hash_table_add(ar->jobs, j);
	return VPDN_BUS_CLAIM;
refuse: {
	struct vpdn_request *req = vpdn_event_take_request(ev);
	job_free(j);
	if (!req)
		return VPDN_BUS_PASS;
	(*ar->n_reject)++;
	vpdn_info(ar->log, "AUTH-RADIUS: %s refused: %s", method_name(a->method), res.reason);
	vpdn_request_complete(req, -EACCES, &res);
	return VPDN_BUS_CLAIM;
	}
}

/* ---- life cycle ---- */

static void drop_jobs(struct auth_radius *ar)
{
	GHashTableIter it;
	gpointer k;
	struct vpdn_ev_auth_result res = { .size = sizeof(res), .reason = "RADIUS stopping" };

	g_hash_table_iter_init(&it, ar->jobs);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct auth_job *j = k;
		g_hash_table_iter_remove(&it);
		radius_req_cancel(j->rr);
		if (j->fb)
			vpdn_request_cancel(j->fb);
		res.user = j->user;
		vpdn_request_complete(j->req, -ESHUTDOWN, &res);
		job_free(j);
	}
}

static int apply(struct auth_radius *ar, cfg_t *cfg)
{
	cfg_t *sec = cfg && cfg_size(cfg, "radius") ? cfg_getsec(cfg, "radius") : NULL;
	struct radius_client_conf conf;
	struct radius_client *client;
	const char *s;
	int r;

	r = conf_build(cfg, &conf);
	if (r < 0)
		return r;
	client = radius_client_new(ar->core, &conf, &r);
	if (!client) {
		conf_clear(&conf);
		return r;
	}
	/* pending authentications finish now (the old client goes) */
	drop_jobs(ar);
	acct_set_client(ar->acct, NULL);
	radius_tunnel_authz_set(ar->tunnel, NULL, NULL, ar->nas_ip);
	radius_client_free(ar->client);
	conf_clear(&ar->conf);
	ar->conf = conf;
	ar->client = client;
	/* the client keeps pointers into conf.servers: conf moved by value,
	 * the array it points to stays */
	g_free(ar->nas_id);
	s = sec ? cfg_getstr(sec, "nas-identifier") : NULL;
	ar->nas_id = g_strdup(s && *s ? s : vpdn_core_hostname(ar->core));
	ar->nas_ip.s_addr = 0;
	s = sec ? cfg_getstr(sec, "nas-ip-address") : NULL;
	if (s)
		inet_pton(AF_INET, s, &ar->nas_ip);
	ar->fallback = sec ? cfg_getbool(sec, "fallback") : false;
	g_hash_table_remove_all(ar->filter_ids);
	for (unsigned i = 0; sec && i < cfg_size(sec, "filter-ids"); i++)
		g_hash_table_add(ar->filter_ids, g_strdup(cfg_getnstr(sec, "filter-ids", i)));
	acct_configure(ar->acct, sec ? cfg_getbool(sec, "accounting") : false,
		       sec ? (uint32_t)cfg_getint(sec, "interim-interval") : 0,
		       ar->nas_id, ar->nas_ip, conf.acct_queue);
	(void)acct_set_spool(ar->acct, sec ? cfg_getstr(sec, "acct-spool") : NULL);
	acct_lac_configure(ar->acct_lac, sec ? cfg_getbool(sec, "tunnel-accounting") : false);
	acct_set_client(ar->acct, conf.n_servers ? client : NULL);
	radius_tunnel_authz_set(ar->tunnel, conf.n_servers ? client : NULL, ar->nas_id, ar->nas_ip);
	/* the listener is made again (its clients or port may change); it
	 * exists only with a client to listen to */
	cfg_t *dsec = sec && cfg_size(sec, "dynamic-authorization")
			      ? cfg_getsec(sec, "dynamic-authorization") : NULL;
	dae_free(ar->dae);
	ar->dae = dae_new(ar->core, ar->acct, dsec && cfg_size(dsec, "client") ? dsec : NULL, &r);
	if (r < 0)
		return r;
	vpdn_info(ar->log, "AUTH-RADIUS: %u server%s, timeout %u ms x %u tries, dead-time %u s",
		  conf.n_servers, conf.n_servers == 1 ? "" : "s", conf.timeout_ms, conf.retries,
		  conf.dead_time_s);
	return 0;
}

int auth_radius_new(struct vpdn_core *core, cfg_t *cfg, struct auth_radius **out)
{
	struct auth_radius *ar;
	int r;

	if (!core || !out)
		return -EINVAL;
	ar = g_new0(struct auth_radius, 1);
	ar->core = core;
	ar->log = vpdn_core_log(core);
	ar->jobs = g_hash_table_new(NULL, NULL);
	ar->filter_ids = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	ar->n_ipv6_refused = vpdn_core_counter(core, "radius_ipv6_refused_total",
					       "IPv6 authorization attributes refused");
	ar->n_filter_unknown = vpdn_core_counter(core, "radius_filter_unknown_total",
						 "Accepts refused: Filter-Id not in filter-ids");
	ar->n_accept = vpdn_core_counter(core, "radius_access_accept_total",
					 "Users RADIUS accepted");
	ar->n_reject = vpdn_core_counter(core, "radius_access_reject_total",
					 "Users RADIUS rejected (or whose Accept was refused)");
	ar->n_timeout = vpdn_core_counter(core, "radius_auth_unanswered_total",
					  "Authentications no RADIUS server answered");
	ar->n_refused = vpdn_core_counter(core, "radius_auth_refused_total",
					  "Authentications refused before sending: queue full");
	ar->n_routes_refused = vpdn_core_counter(core, "radius_routes_refused_total",
						 "Framed-Route / Framed-IP-Netmask values refused");
	if (!ar->n_accept || !ar->n_reject || !ar->n_timeout || !ar->n_refused) {
		r = -ENOMEM;
		goto fail;
	}
	ar->acct = acct_new(core);
	ar->tunnel = radius_tunnel_authz_new(core);
	ar->acct_lac = ar->acct ? acct_lac_new(core, ar->acct) : NULL;
	if (!ar->acct || !ar->tunnel || !ar->acct_lac) {
		r = -ENOMEM;
		goto fail;
	}
	r = apply(ar, cfg);
	if (r < 0)
		goto fail;
	ar->sub_auth = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_AUTH_REQUEST,
					  on_auth_request, ar);
	if (!ar->sub_auth) {
		r = -ENOMEM;
		goto fail;
	}
	r = radius_bus_register(core, ar, &ar->slot);
	if (r < 0)
		goto fail;
	*out = ar;
	return 0;
fail:
	auth_radius_free(ar);
	return r;
}

int auth_radius_reload(struct auth_radius *ar, cfg_t *cfg)
{
	int r = apply(ar, cfg);

	if (r < 0)
		vpdn_err(ar->log, "AUTH-RADIUS: reload failed (%s); keeping the previous servers",
			 g_strerror(-r));
	return r;
}

GVariant *auth_radius_save(struct auth_radius *ar)
{
	if (!ar->acct)
		return NULL;
	return acct_save(ar->acct, ar->acct_lac ? acct_lac_save(ar->acct_lac) : NULL);
}

int auth_radius_restore(struct auth_radius *ar, GVariant *data, uint32_t version)
{
	GVariant *lac = NULL;
	int r;

	if (version != ACCT_STATE_VERSION || !ar->acct)
		return -EPROTO;
	r = acct_restore(ar->acct, data, &lac);
	if (r == 0 && ar->acct_lac)
		r = acct_lac_restore(ar->acct_lac, lac);
	if (lac)
		g_variant_unref(lac);
	return r;
}

void auth_radius_free(struct auth_radius *ar)
{
	if (!ar)
		return;
	if (ar->sub_auth)
		vpdn_bus_unsubscribe(vpdn_core_bus(ar->core), ar->sub_auth);
	sd_bus_slot_unref(ar->slot);
	drop_jobs(ar);
	radius_tunnel_authz_free(ar->tunnel);
	acct_lac_free(ar->acct_lac);
	dae_free(ar->dae);
	acct_free(ar->acct);
	radius_client_free(ar->client);
	conf_clear(&ar->conf);
	g_hash_table_destroy(ar->jobs);
	g_free(ar->nas_id);
	if (ar->filter_ids)
		g_hash_table_destroy(ar->filter_ids);
	g_free(ar);
}

struct radius_client *auth_radius_client(struct auth_radius *ar)
{
	return ar->client;
}

uint64_t auth_radius_acct_dropped(struct auth_radius *ar)
{
	return acct_dropped(ar->acct);
}

unsigned auth_radius_acct_queued(struct auth_radius *ar)
{
	return acct_queued(ar->acct);
}

unsigned auth_radius_sessions(struct auth_radius *ar)
{
	return acct_sessions(ar->acct);
}

unsigned auth_radius_acct_pending(struct auth_radius *ar)
{
	return acct_pending(ar->acct);
}
