/* SPDX-License-Identifier: MIT */
/* auth-radius: TUNNEL_AUTHORIZE from RFC 2868 Tunnel-* attributes. See tunnel.h. */
#include "tunnel.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acct.h"
#include "client.h"

#define RADIUS_TUNNEL_L2TP 3
#define RADIUS_MEDIUM_IPV4 1
#define RADIUS_MEDIUM_IPV6 2
#define N_TAGS 32

#define HAS_FIELD(p, type, field) \
	((p)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

/* ---- parsing ---- */

/* One tag's attributes, as they came (first of each; seen twice: dup). */
struct tag_set {
	bool any, dup;
	bool has_type, has_medium, has_pref;
	uint32_t type, medium, pref;
	struct radius_attr endpoint, password, assignment, client_id, server_id;
	bool has_endpoint, has_password, has_assignment, has_client_id, has_server_id;
	bool bad_len;
};

static void copy_text(char *out, size_t size, const uint8_t *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++)
		out[o++] = s[i] >= 0x20 && s[i] < 0x7F ? (char)s[i] : '?';
	out[o] = 0;
}

static void refuse(struct radius_tunnels *t, unsigned tag, const char *why)
{
	t->refused++;
	if (!t->why[0])
		g_snprintf(t->why, sizeof(t->why), "tag %u: %s", tag, why);
}

static void take_str(struct tag_set *s, const struct radius_attr *a, struct radius_attr *slot,
		     bool *has)
{
	if (*has) {
		s->dup = true;
		return;
	}
	*slot = *a;
	*has = true;
}

static void take_u32(struct tag_set *s, uint32_t v, uint32_t *slot, bool *has)
{
	if (*has) {
		s->dup = true;
		return;
	}
	*slot = v;
	*has = true;
}

/* Endpoint text: a literal IPv4 or IPv6 address (RFC 2868 §3.3 allows a
 * name; we do not look names up). */
static int endpoint_addr(const struct radius_attr *a, uint32_t medium, bool has_medium,
			 struct sockaddr_storage *ss, char *text, size_t text_size)
{
	uint8_t tag;
	const uint8_t *val;
	size_t len;
	char buf[64];

	radius_attr_tagged_str(a, &tag, &val, &len);
	if (len == 0 || len >= sizeof(buf) || memchr(val, 0, len))
		return -EINVAL;
	memcpy(buf, val, len);
	buf[len] = 0;
	memset(ss, 0, sizeof(*ss));
	if ((!has_medium || medium == RADIUS_MEDIUM_IPV4) &&
	    inet_pton(AF_INET, buf, &((struct sockaddr_in *)ss)->sin_addr) == 1) {
		ss->ss_family = AF_INET;
	} else if ((!has_medium || medium == RADIUS_MEDIUM_IPV6) &&
		   inet_pton(AF_INET6, buf, &((struct sockaddr_in6 *)ss)->sin6_addr) == 1) {
		ss->ss_family = AF_INET6;
	} else {
		return -EINVAL;
	}
	g_strlcpy(text, buf, text_size);
	return 0;
}

static int cmp_ep(const void *a, const void *b)
{
	const struct vpdn_tunnel_endpoint *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return (int)x->tag - (int)y->tag;
}

int radius_tunnels_parse(const struct radius_view *v, const uint8_t *req_auth,
			 const uint8_t *secret, size_t secret_len, struct radius_tunnels *out)
{
	struct tag_set *sets = g_new0(struct tag_set, N_TAGS);
	struct vpdn_tunnel_endpoint all[N_TAGS];
	unsigned n_all = 0;
	struct radius_attr a;
	size_t pos = 0;

	memset(out, 0, sizeof(*out));
	while (radius_next(v, &pos, &a)) {
		uint8_t tag = 0;
		uint32_t u = 0;
		const uint8_t *val;
		size_t len;
		struct tag_set *s;

		switch (a.type) {
		case RADIUS_TUNNEL_TYPE:
		case RADIUS_TUNNEL_MEDIUM_TYPE:
		case RADIUS_TUNNEL_PREFERENCE:
			if (radius_attr_tagged_u32(&a, &tag, &u) < 0) {
				/* a wrong length, or a tag octet over 0x1F (the
				 * decoder leaves it in tag): filed under its tag
				 * when that is one, else under tag 0 */
				tag = a.len >= 1 && a.val[0] <= 0x1F ? a.val[0] : 0;
				sets[tag].any = true;
				sets[tag].bad_len = true;
				continue;
			}
			s = &sets[tag];
			s->any = true;
			if (a.type == RADIUS_TUNNEL_TYPE)
				take_u32(s, u, &s->type, &s->has_type);
			else if (a.type == RADIUS_TUNNEL_MEDIUM_TYPE)
				take_u32(s, u, &s->medium, &s->has_medium);
			else
				take_u32(s, u, &s->pref, &s->has_pref);
			break;
		case RADIUS_TUNNEL_PASSWORD:
			/* always a tag octet (RFC 2868 §3.5), then the salt */
			tag = a.len >= 1 && a.val[0] <= 0x1F ? a.val[0] : 0;
			s = &sets[tag];
			s->any = true;
			take_str(s, &a, &s->password, &s->has_password);
			break;
		case RADIUS_TUNNEL_SERVER_ENDPOINT:
		case RADIUS_TUNNEL_ASSIGNMENT_ID:
		case RADIUS_TUNNEL_CLIENT_AUTH_ID:
		case RADIUS_TUNNEL_SERVER_AUTH_ID:
			radius_attr_tagged_str(&a, &tag, &val, &len);
			s = &sets[tag];
			s->any = true;
			if (a.type == RADIUS_TUNNEL_SERVER_ENDPOINT)
				take_str(s, &a, &s->endpoint, &s->has_endpoint);
			else if (a.type == RADIUS_TUNNEL_ASSIGNMENT_ID)
				take_str(s, &a, &s->assignment, &s->has_assignment);
			else if (a.type == RADIUS_TUNNEL_CLIENT_AUTH_ID)
				take_str(s, &a, &s->client_id, &s->has_client_id);
			else
				take_str(s, &a, &s->server_id, &s->has_server_id);
			break;
		default:
			break;
		}
	}
	for (unsigned tag = 0; tag < N_TAGS; tag++) {
		struct tag_set *s = &sets[tag];
		struct vpdn_tunnel_endpoint *e = &all[n_all];

		if (!s->any)
			continue;
		out->seen++;
		if (s->bad_len) {
			refuse(out, tag, "a Tunnel-* integer of a wrong length");
			continue;
		}
		if (s->dup) {
			refuse(out, tag, "a Tunnel-* attribute given twice");
			continue;
		}
		if (!s->has_type) {
			refuse(out, tag, "no Tunnel-Type");
			continue;
		}
		if (s->type != RADIUS_TUNNEL_L2TP) {
			refuse(out, tag, "Tunnel-Type is not L2TP");
			continue;
		}
		if (s->has_medium && s->medium != RADIUS_MEDIUM_IPV4 &&
		    s->medium != RADIUS_MEDIUM_IPV6) {
			refuse(out, tag, "Tunnel-Medium-Type is not IPv4 or IPv6");
			continue;
		}
		if (!s->has_endpoint) {
			refuse(out, tag, "no Tunnel-Server-Endpoint");
			continue;
		}
		memset(e, 0, sizeof(*e));
		if (endpoint_addr(&s->endpoint, s->medium, s->has_medium, &e->addr, e->text,
				  sizeof(e->text)) < 0) {
			refuse(out, tag, "Tunnel-Server-Endpoint is not an address");
			continue;
		}
		if (s->has_password) {
			char pw[RADIUS_ATTR_MAX + 1];
			uint8_t ptag;
			int r = radius_tunnel_password_decode(&s->password, req_auth, secret,
							      secret_len, &ptag, pw, sizeof(pw));

			explicit_bzero(pw, sizeof(pw));
			if (r <= 0) {
				refuse(out, tag, r == 0 ? "Tunnel-Password is empty"
							: "Tunnel-Password does not decrypt");
				continue;
			}
		}
		e->tag = (uint8_t)tag;
		e->preference = s->has_pref ? s->pref : 0;
		n_all++;
	}
	/* Best first (equal preferences: tag order); then the strings of
	 * those kept. */
	qsort(all, n_all, sizeof(all[0]), cmp_ep);
	for (unsigned i = 0; i < n_all; i++) {
		struct vpdn_tunnel_endpoint *e;
		struct tag_set *s = &sets[all[i].tag];
		uint8_t t;
		const uint8_t *val;
		size_t len;

		if (out->n == VPDN_TUNNEL_ENDPOINTS_MAX) {
			out->dropped++;
			continue;
		}
		e = &out->ep[out->n];
		*e = all[i];
		if (s->has_password) {
			uint8_t ptag;

			radius_tunnel_password_decode(&s->password, req_auth, secret, secret_len,
						      &ptag, out->password[out->n],
						      sizeof(out->password[0]));
			e->password = out->password[out->n];
		}
#define STR(has, attr, field)                                                           \
		if (s->has) {                                                           \
			radius_attr_tagged_str(&s->attr, &t, &val, &len);               \
			copy_text(out->field[out->n], sizeof(out->field[0]), val, len); \
			e->field = out->field[out->n][0] ? out->field[out->n] : NULL;   \
		}
		STR(has_assignment, assignment, assignment_id)
		STR(has_client_id, client_id, client_auth_id)
		STR(has_server_id, server_id, server_auth_id)
#undef STR
		out->n++;
	}
	explicit_bzero(sets, sizeof(*sets) * N_TAGS);
	g_free(sets);
	return (int)out->n;
}

void radius_tunnels_clear(struct radius_tunnels *t)
{
	explicit_bzero(t->password, sizeof(t->password));
}

/* ---- TUNNEL_AUTHORIZE ---- */

struct radius_tunnel_authz {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct radius_client *client;   /* borrowed; NULL: not claiming */
	char *nas_id;
	struct in_addr nas_ip;
	struct vpdn_subscription *sub;
	GHashTable *jobs;
	uint64_t *n_used, *n_refused_sets, *n_dropped_sets, *n_none;
};

struct tunnel_job {
	struct radius_tunnel_authz *ta;
	struct vpdn_request *req;
	struct radius_req *rr;
	char *user, *iface, *calling, *called;
	uint16_t auth_type;             /* 2 CHAP, 3 PAP */
	uint8_t chap_id;
	uint8_t challenge[RADIUS_ATTR_MAX]; size_t challenge_len;
	uint8_t response[RADIUS_PW_MAX]; size_t response_len;
	/* the last packet built: its Request Authenticator and the secret
	 * of the server it went to (Tunnel-Password decryption) */
	uint8_t req_auth[RADIUS_AUTH_LEN];
	uint8_t *secret; size_t secret_len;
};

static void job_free(struct tunnel_job *j)
{
	explicit_bzero(j->response, sizeof(j->response));
	if (j->secret) {
		explicit_bzero(j->secret, j->secret_len);
		g_free(j->secret);
	}
	g_free(j->user);
	g_free(j->iface);
	g_free(j->calling);
	g_free(j->called);
	g_free(j);
}

static int add_str(struct radius_pkt *p, uint8_t type, const char *s)
{
	if (!s || !*s)
		return 0;
	return radius_add(p, type, s, MIN(strlen(s), 253));
}

static int build_tunnel_access(struct radius_pkt *p, const uint8_t *secret, size_t slen,
			       uint32_t age, void *data)
{
	struct tunnel_job *j = data;
	struct radius_tunnel_authz *ta = j->ta;
	int r;

	(void)age;
	memcpy(j->req_auth, p->buf + 4, RADIUS_AUTH_LEN);
	if (j->secret) {
		explicit_bzero(j->secret, j->secret_len);
		g_free(j->secret);
	}
	j->secret = g_memdup2(secret, slen);
	j->secret_len = slen;
	r = radius_add(p, RADIUS_USER_NAME, j->user, MIN(strlen(j->user), 253));
	if (!r && j->auth_type == 3)
		r = radius_add_user_password(p, j->response, j->response_len, secret, slen);
	if (!r && j->auth_type == 2) {
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
		r = auth_radius_add_nas(p, ta->nas_id, ta->nas_ip, j->iface);
	if (!r)
		r = add_str(p, RADIUS_CALLING_STATION_ID, j->calling);
	if (!r)
		r = add_str(p, RADIUS_CALLED_STATION_ID, j->called);
	return r;
}

static void tunnel_access_done(int status, const struct radius_view *v, void *data)
{
	struct tunnel_job *j = data;
	struct radius_tunnel_authz *ta = j->ta;
	struct vpdn_ev_tunnel_authorization res = { .size = sizeof(res) };
	struct radius_tunnels *t = NULL;
	char ubuf[128], ibuf[64], reason[320];
	int st;

	g_hash_table_remove(ta->jobs, j);
	j->rr = NULL;
	vpdn_log_printable(ubuf, sizeof(ubuf), j->user, strlen(j->user), 0);
	vpdn_log_printable(ibuf, sizeof(ibuf), j->iface ? j->iface : "-",
			   strlen(j->iface ? j->iface : "-"), 0);
	if (status < 0) {
		g_snprintf(reason, sizeof(reason), "%s",
			   status == -ETIMEDOUT ? "no RADIUS server answered" : g_strerror(-status));
		st = status == -ETIMEDOUT ? -ETIMEDOUT : -EIO;
	} else if (v->code == RADIUS_ACCESS_ACCEPT) {
		t = g_new0(struct radius_tunnels, 1);
		radius_tunnels_parse(v, j->req_auth, j->secret, j->secret_len, t);
		if (t->refused) {
			*ta->n_refused_sets += t->refused;
			vpdn_warn(ta->log, "%s AUTH-RADIUS: tunnel for \"%s\": %u of %u Tunnel-* "
				  "set%s refused (%s)", ibuf, ubuf, t->refused, t->seen,
				  t->seen == 1 ? "" : "s", t->why);
		}
		if (t->dropped) {
			*ta->n_dropped_sets += t->dropped;
			vpdn_warn(ta->log, "%s AUTH-RADIUS: tunnel for \"%s\": %u Tunnel-* sets beyond "
				  "the %u best dropped", ibuf, ubuf, t->dropped,
				  VPDN_TUNNEL_ENDPOINTS_MAX);
		}
		if (t->n) {
			(*ta->n_used)++;
			vpdn_debug(ta->log, VPDN_DEBUG_PPP_AUTHENTICATION,
				   "%s AUTH-RADIUS: user \"%s\" accepted, %u tunnel endpoint%s, "
				   "first %s", ibuf, ubuf, t->n, t->n == 1 ? "" : "s", t->ep[0].text);
			res.n_endpoints = t->n;
			res.endpoints = t->ep;
			vpdn_request_complete(j->req, 0, &res);
			radius_tunnels_clear(t);
			g_free(t);
			job_free(j);
			return;
		}
		(*ta->n_none)++;
		g_snprintf(reason, sizeof(reason), "%s",
			   t->seen ? "no usable Tunnel-* set" : "no Tunnel-* attributes");
		st = -ENOENT;
	} else {
		struct radius_attr a;
		char msg[RADIUS_ATTR_MAX + 1] = "";

		if (radius_find(v, RADIUS_REPLY_MESSAGE, &a))
			copy_text(msg, sizeof(msg), a.val, a.len);
		g_snprintf(reason, sizeof(reason), "%s%s%s",
			   v->code == RADIUS_ACCESS_REJECT ? "rejected by RADIUS"
							   : "Access-Challenge is not supported",
			   *msg ? ": " : "", msg);
		st = -EACCES;
	}
	vpdn_debug(ta->log, VPDN_DEBUG_PPP_AUTHENTICATION, "%s AUTH-RADIUS: no tunnel for \"%s\": %s",
		   ibuf, ubuf, reason);
	res.reason = reason;
	vpdn_request_complete(j->req, st, &res);
	if (t) {
		radius_tunnels_clear(t);
		g_free(t);
	}
	job_free(j);
}

static enum vpdn_bus_verdict on_tunnel_authorize(const struct vpdn_event *ev, void *data)
{
	struct radius_tunnel_authz *ta = data;
	const struct vpdn_ev_tunnel_authorize *q = ev->payload;
	const struct vpdn_proxy *p;
	struct tunnel_job *j;
	int err = 0;

	if (!ev->request || !q || !HAS_FIELD(q, struct vpdn_ev_tunnel_authorize, proxy) ||
	    !ta->client || !radius_client_n_servers(ta->client) || !q->user || !*q->user ||
	    strlen(q->user) > 253)
		return VPDN_BUS_PASS;
	p = &q->proxy;
	j = g_new0(struct tunnel_job, 1);
	j->ta = ta;
	j->user = g_strdup(q->user);
	j->iface = g_strdup(q->interface);
	j->calling = g_strdup(q->calling);
	j->called = g_strdup(q->dnis ? q->dnis : q->called);
	if (p->present && p->auth_type == 2 && p->auth_challenge && p->auth_challenge_len &&
	    p->auth_challenge_len <= RADIUS_ATTR_MAX && p->auth_response &&
	    p->auth_response_len == 16) {
		j->auth_type = 2;
		j->chap_id = p->auth_id;
		memcpy(j->challenge, p->auth_challenge, p->auth_challenge_len);
		j->challenge_len = p->auth_challenge_len;
		memcpy(j->response, p->auth_response, 16);
		j->response_len = 16;
	} else if (p->present && p->auth_type == 3 && p->auth_response &&
		   p->auth_response_len <= RADIUS_PW_MAX) {
		j->auth_type = 3;
		memcpy(j->response, p->auth_response, p->auth_response_len);
		j->response_len = p->auth_response_len;
	} else {
		/* nothing to authenticate with: not ours (IOS's domain
		 * authorization with a fixed password is not done) */
		job_free(j);
		return VPDN_BUS_PASS;
	}
	j->req = vpdn_event_take_request(ev);
	if (!j->req) {
		job_free(j);
		return VPDN_BUS_PASS;
	}
	j->rr = radius_client_submit(ta->client, RADIUS_SVC_AUTH, RADIUS_ACCESS_REQUEST,
				     build_tunnel_access, tunnel_access_done, j, &err);
	if (!j->rr) {
		struct vpdn_ev_tunnel_authorization res = {
			.size = sizeof(res),
			.reason = err == -ENOBUFS ? "too many RADIUS requests queued" : "no RADIUS server",
		};

		vpdn_warn(ta->log, "AUTH-RADIUS: tunnel authorization: %s", res.reason);
		vpdn_request_complete(j->req, err == -ENOBUFS ? -ETIMEDOUT : err, &res);
		job_free(j);
		return VPDN_BUS_CLAIM;
	}
	g_hash_table_add(ta->jobs, j);
	return VPDN_BUS_CLAIM;
}

static void drop_jobs(struct radius_tunnel_authz *ta)
{
	GHashTableIter it;
	gpointer k;
	struct vpdn_ev_tunnel_authorization res = { .size = sizeof(res), .reason = "RADIUS stopping" };

	g_hash_table_iter_init(&it, ta->jobs);
	while (g_hash_table_iter_next(&it, &k, NULL)) {
		struct tunnel_job *j = k;

		g_hash_table_iter_remove(&it);
		radius_req_cancel(j->rr);
		vpdn_request_complete(j->req, -ESHUTDOWN, &res);
		job_free(j);
	}
}

struct radius_tunnel_authz *radius_tunnel_authz_new(struct vpdn_core *core)
{
	struct radius_tunnel_authz *ta = g_new0(struct radius_tunnel_authz, 1);

	ta->core = core;
	ta->log = vpdn_core_log(core);
	ta->jobs = g_hash_table_new(NULL, NULL);
	ta->n_used = vpdn_core_counter(core, "radius_tunnel_authorized_total",
				       "LAC: users RADIUS gave tunnel endpoints (RFC 2868)");
	ta->n_none = vpdn_core_counter(core, "radius_tunnel_none_total",
				       "LAC: Access-Accepts without a usable Tunnel-* set");
	ta->n_refused_sets = vpdn_core_counter(core, "radius_tunnel_sets_refused_total",
		"LAC: Tunnel-* sets refused (no Tunnel-Type, not L2TP, endpoint not an address, "
		"attribute twice, bad Tunnel-Password)");
	ta->n_dropped_sets = vpdn_core_counter(core, "radius_tunnel_sets_dropped_total",
		"LAC: usable Tunnel-* sets beyond the 8 best, dropped");
	ta->sub = vpdn_bus_subscribe(vpdn_core_bus(core), VPDN_EV_TUNNEL_AUTHORIZE,
				     on_tunnel_authorize, ta);
	if (!ta->n_used || !ta->n_none || !ta->n_refused_sets || !ta->n_dropped_sets || !ta->sub) {
		radius_tunnel_authz_free(ta);
		return NULL;
	}
	return ta;
}

void radius_tunnel_authz_set(struct radius_tunnel_authz *ta, struct radius_client *client,
			     const char *nas_id, struct in_addr nas_ip)
{
	drop_jobs(ta);
	ta->client = client;
	g_free(ta->nas_id);
	ta->nas_id = g_strdup(nas_id);
	ta->nas_ip = nas_ip;
}

void radius_tunnel_authz_free(struct radius_tunnel_authz *ta)
{
	if (!ta)
		return;
	if (ta->sub)
		vpdn_bus_unsubscribe(vpdn_core_bus(ta->core), ta->sub);
	drop_jobs(ta);
	g_hash_table_destroy(ta->jobs);
	g_free(ta->nas_id);
	g_free(ta);
}
