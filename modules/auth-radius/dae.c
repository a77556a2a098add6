/* SPDX-License-Identifier: MIT */
/* RFC 5176 dynamic authorization server. See dae.h. */
#include "dae.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib-unix.h>
#include <glib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth-radius.h"
#include "radius.h"

enum dae_error_cause {
	DAE_UNSUPPORTED_ATTRIBUTE = 401,
	DAE_MISSING_ATTRIBUTE = 402,
	DAE_NAS_MISMATCH = 403,
	DAE_INVALID_REQUEST = 404,
	DAE_SESSION_NOT_FOUND = 503,
};

static cfg_opt_t client_opts[] = {
	CFG_STR("secret", NULL, CFGF_NONE),
	CFG_END()
};

cfg_opt_t dae_options[] = {
	CFG_STR("listen", "127.0.0.1", CFGF_NONE),
	CFG_INT("port", RADIUS_DAE_PORT, CFGF_NONE),
	CFG_SEC("client", client_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_END()
};

struct dae_client {
	struct in_addr addr;
	uint8_t *secret;
	size_t secret_len;
};

struct dae {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct acct *acct;
	int fd;
	guint watch;
	struct dae_client *clients;
	unsigned n_clients;
	uint64_t *n_dropped, *n_ack, *n_nak;
};

int dae_check(cfg_t *radius_sec)
{
	cfg_t *sec = cfg_size(radius_sec, "dynamic-authorization")
			     ? cfg_getsec(radius_sec, "dynamic-authorization") : NULL;
	struct in_addr a;
	int ret = 0;

	if (!sec)
		return 0;
	if (inet_pton(AF_INET, cfg_getstr(sec, "listen"), &a) != 1) {
		cfg_error(sec, "radius: dynamic-authorization: listen must be an IPv4 address");
		ret = -EINVAL;
	}
	if (cfg_getint(sec, "port") < 1 || cfg_getint(sec, "port") > 65535) {
		cfg_error(sec, "radius: dynamic-authorization: port must be 1..65535");
		ret = -EINVAL;
	}
	for (unsigned i = 0; i < cfg_size(sec, "client"); i++) {
		cfg_t *c = cfg_getnsec(sec, "client", i);
		const char *s = cfg_getstr(c, "secret");
		if (inet_pton(AF_INET, cfg_title(c), &a) != 1) {
			cfg_error(c, "radius: dynamic-authorization: client \"%s\": must be an "
				  "IPv4 address", cfg_title(c));
			ret = -EINVAL;
		}
		if (!s || !*s) {
			cfg_error(c, "radius: dynamic-authorization: client \"%s\": no secret",
				  cfg_title(c));
			ret = -EINVAL;
		}
	}
	return ret;
}

/* A string attribute as a C string: false when it holds a NUL. */
static bool attr_str(const struct radius_attr *a, char *buf, size_t size)
{
	if (a->len + 1u > size || memchr(a->val, 0, a->len))
		return false;
	memcpy(buf, a->val, a->len);
	buf[a->len] = 0;
	return true;
}

static void reply(struct dae *d, const struct sockaddr_in *to, const struct radius_view *v,
		  const struct dae_client *c, bool ack, uint32_t cause, bool with_ma)
{
	struct radius_pkt p;
	uint8_t code = v->code == RADIUS_DISCONNECT_REQUEST
			       ? (ack ? RADIUS_DISCONNECT_ACK : RADIUS_DISCONNECT_NAK)
			       : (ack ? RADIUS_COA_ACK : RADIUS_COA_NAK);

	radius_pkt_init(&p, code, v->id, v->auth);
	if (with_ma)
		radius_add_message_authenticator(&p);
	if (!ack)
		radius_add_u32(&p, RADIUS_ERROR_CAUSE, cause);
	radius_finish_response(&p, v->auth, c->secret, c->secret_len);
	(*(ack ? d->n_ack : d->n_nak))++;
	if (sendto(d->fd, p.buf, p.len, 0, (const struct sockaddr *)to, sizeof(*to)) < 0)
		vpdn_warn(d->log, "RADIUS DAE: answer to %s: %s", inet_ntoa(to->sin_addr),
			  g_strerror(errno));
}

static void drop(struct dae *d, const struct sockaddr_in *from, const char *why)
{
	char a[INET_ADDRSTRLEN];

	(*d->n_dropped)++;
	inet_ntop(AF_INET, &from->sin_addr, a, sizeof(a));
	vpdn_warn(d->log, "RADIUS DAE: datagram from %s:%u dropped: %s", a, ntohs(from->sin_port), why);
}

static void on_request(struct dae *d, const struct sockaddr_in *from, const uint8_t *buf, size_t n)
{
	const struct dae_client *c = NULL;
	struct radius_view v;
	struct radius_attr a;
	struct acct_match m = { 0 };
	char sid[RADIUS_ATTR_MAX + 1], user[RADIUS_ATTR_MAX + 1], port[RADIUS_ATTR_MAX + 1];
	char nas[RADIUS_ATTR_MAX + 1];
	bool has_st = false, has_it = false, with_ma;
	uint32_t st = 0, it = 0, cause = 0;
	size_t pos = 0;
	int r;

	for (unsigned i = 0; i < d->n_clients; i++)
		if (d->clients[i].addr.s_addr == from->sin_addr.s_addr)
			c = &d->clients[i];
	if (!c) {
		drop(d, from, "not a configured client");
		return;
	}
	if (radius_parse(buf, n, &v) < 0) {
		drop(d, from, "malformed");
		return;
	}
	if (v.code != RADIUS_DISCONNECT_REQUEST && v.code != RADIUS_COA_REQUEST) {
		drop(d, from, "neither Disconnect-Request nor CoA-Request");
		return;
	}
	r = radius_verify_request(&v, c->secret, c->secret_len, false);
	if (r < 0) {
		drop(d, from, "authenticator does not verify (wrong secret or forged)");
		return;
	}
	with_ma = radius_find(&v, RADIUS_MESSAGE_AUTHENTICATOR, &a);
	while (radius_next(&v, &pos, &a) && !cause) {
		switch (a.type) {
		case RADIUS_ACCT_SESSION_ID:
			if (!attr_str(&a, sid, sizeof(sid)))
				cause = DAE_INVALID_REQUEST;
			m.sid = sid;
			break;
		case RADIUS_USER_NAME:
			if (!attr_str(&a, user, sizeof(user)))
				cause = DAE_INVALID_REQUEST;
			m.user = user;
			break;
		case RADIUS_NAS_PORT_ID:
			if (!attr_str(&a, port, sizeof(port)))
				cause = DAE_INVALID_REQUEST;
			m.port_id = port;
			break;
		case RADIUS_FRAMED_IP_ADDRESS:
			if (a.len != 4)
				cause = DAE_INVALID_REQUEST;
			else
				memcpy(&m.addr, a.val, 4);
			break;
		case RADIUS_NAS_IDENTIFIER:
			if (!attr_str(&a, nas, sizeof(nas)) || !acct_nas_id(d->acct) ||
			    strcmp(nas, acct_nas_id(d->acct)) != 0)
				cause = DAE_NAS_MISMATCH;
			break;
		case RADIUS_NAS_IP_ADDRESS: {
			struct in_addr ours = acct_nas_ip(d->acct);
			if (a.len != 4 || memcmp(a.val, &ours.s_addr, 4) != 0)
				cause = DAE_NAS_MISMATCH;
			break;
		}
		case RADIUS_SESSION_TIMEOUT:
			if (v.code != RADIUS_COA_REQUEST)
				cause = DAE_UNSUPPORTED_ATTRIBUTE;
			else if (radius_attr_u32(&a, &st) < 0)
				cause = DAE_INVALID_REQUEST;
			has_st = true;
			break;
		case RADIUS_IDLE_TIMEOUT:
			if (v.code != RADIUS_COA_REQUEST)
				cause = DAE_UNSUPPORTED_ATTRIBUTE;
			else if (radius_attr_u32(&a, &it) < 0)
				cause = DAE_INVALID_REQUEST;
			has_it = true;
			break;
		case RADIUS_MESSAGE_AUTHENTICATOR:
		case RADIUS_EVENT_TIMESTAMP:
		case RADIUS_PROXY_STATE:
		case RADIUS_STATE:
			break;
		default:
			cause = DAE_UNSUPPORTED_ATTRIBUTE;
			break;
		}
	}
	if (!cause && !m.sid && !m.user && !m.port_id && !m.addr.s_addr)
		cause = DAE_MISSING_ATTRIBUTE;
	if (!cause && v.code == RADIUS_COA_REQUEST && !has_st && !has_it)
		cause = DAE_UNSUPPORTED_ATTRIBUTE;   /* nothing we can change */
	if (!cause) {
		r = v.code == RADIUS_DISCONNECT_REQUEST ? acct_disconnect(d->acct, &m)
							: acct_coa(d->acct, &m, has_st, st, has_it, it);
		if (r == 0)
			cause = DAE_SESSION_NOT_FOUND;
	}
	vpdn_info(d->log, "RADIUS DAE: %s id %u from %s: %s%s", radius_code_name(v.code), v.id,
		  inet_ntoa(from->sin_addr), cause ? "NAK, Error-Cause " : "ACK",
		  cause ? (cause == DAE_SESSION_NOT_FOUND ? "503 (no such session)"
			   : cause == DAE_NAS_MISMATCH ? "403 (not this NAS)"
			   : cause == DAE_MISSING_ATTRIBUTE ? "402 (no session identifier)"
			   : cause == DAE_INVALID_REQUEST ? "404 (invalid attribute)"
			   : "401 (unsupported attribute)") : "");
	reply(d, from, &v, c, !cause, cause, with_ma);
}

static gboolean on_readable(gint fd, GIOCondition cond, gpointer data)
{
	struct dae *d = data;
	uint8_t buf[RADIUS_MAX_LEN + 1];

	for (int i = 0; i < 64; i++) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		if (fl != sizeof(from) || from.sin_family != AF_INET)
			continue;
		on_request(d, &from, buf, (size_t)n);
	}
	return G_SOURCE_CONTINUE;
}

struct dae *dae_new(struct vpdn_core *core, struct acct *acct, cfg_t *sec, int *err)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct dae *d;
	int r;

	*err = 0;
	if (!sec)
		return NULL;
	d = g_new0(struct dae, 1);
	d->core = core;
	d->log = vpdn_core_log(core);
	d->acct = acct;
	d->fd = -1;
	d->n_dropped = vpdn_core_counter(core, "radius_dae_dropped_total",
					 "RFC 5176 requests dropped: unknown client, malformed, bad authenticator");
	d->n_ack = vpdn_core_counter(core, "radius_dae_ack_total", "RFC 5176 requests acknowledged");
	d->n_nak = vpdn_core_counter(core, "radius_dae_nak_total", "RFC 5176 requests refused (NAK)");
	if (!d->n_dropped || !d->n_ack || !d->n_nak) {
		r = -ENOMEM;
		goto fail;
	}
	d->n_clients = cfg_size(sec, "client");
	d->clients = g_new0(struct dae_client, d->n_clients ? d->n_clients : 1);
	for (unsigned i = 0; i < d->n_clients; i++) {
		cfg_t *c = cfg_getnsec(sec, "client", i);
		const char *s = cfg_getstr(c, "secret");
		inet_pton(AF_INET, cfg_title(c), &d->clients[i].addr);
		d->clients[i].secret_len = s ? strlen(s) : 0;
		d->clients[i].secret = g_memdup2(s ? s : "", d->clients[i].secret_len + 1);
	}
	inet_pton(AF_INET, cfg_getstr(sec, "listen"), &sa.sin_addr);
	sa.sin_port = htons((uint16_t)cfg_getint(sec, "port"));
	d->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (d->fd < 0 || bind(d->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		vpdn_err(d->log, "RADIUS DAE: cannot listen on %s:%ld: %s", cfg_getstr(sec, "listen"),
			 cfg_getint(sec, "port"), g_strerror(errno));
		goto fail;
	}
	d->watch = g_unix_fd_add(d->fd, G_IO_IN, on_readable, d);
	vpdn_info(d->log, "RADIUS DAE: listening on %s:%ld, %u client%s", cfg_getstr(sec, "listen"),
		  cfg_getint(sec, "port"), d->n_clients, d->n_clients == 1 ? "" : "s");
	return d;
fail:
	dae_free(d);
	*err = r;
	return NULL;
}

void dae_free(struct dae *d)
{
	if (!d)
		return;
	if (d->watch)
		g_source_remove(d->watch);
	if (d->fd >= 0)
		close(d->fd);
	for (unsigned i = 0; i < d->n_clients; i++) {
		explicit_bzero(d->clients[i].secret, d->clients[i].secret_len);
		g_free(d->clients[i].secret);
	}
	g_free(d->clients);
	g_free(d);
}
