/* SPDX-License-Identifier: MIT */
/* auth-local: local users for CHAP/PAP verification. See auth-local.h. */
#include "auth-local.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "chap.h"
#include "pap.h"

static cfg_opt_t username_opts[] = {
	CFG_STR("password", NULL, CFGF_NONE),
	CFG_INT("password-type", 0, CFGF_NONE),
	CFG_STR("ip-address", NULL, CFGF_NONE),
	CFG_END()
};

static cfg_opt_t section_opts[] = {
	CFG_STR_LIST("chap-secrets", NULL, CFGF_NONE),
	CFG_BOOL("authoritative", cfg_true, CFGF_NONE),
	CFG_END()
};

cfg_opt_t auth_local_options[] = {
	CFG_SEC("username", username_opts, CFGF_MULTI | CFGF_TITLE | CFGF_NO_TITLE_DUPES),
	CFG_SEC("auth-local", section_opts, CFGF_NONE),
	CFG_END()
};

struct auth_local {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct auth_db *db;
	bool authoritative;
	struct vpdn_subscription *sub_auth;
	struct vpdn_subscription *sub_secret;
	uint64_t *n_success;
	uint64_t *n_failure;
	uint64_t *n_secrets;
};

#define TYPE7_MAX 256

/* Decode one username's password into out (NUL-terminated). */
static int user_password(cfg_t *sec, char *out, size_t size)
{
	const char *pw = cfg_getstr(sec, "password");
	long type = cfg_getint(sec, "password-type");
	size_t n;

	if (!pw)
		return -ENOENT;
	if (type == 7)
		return cisco_type7_decode(pw, out, size);
	if (type != 0)
		return -EINVAL;
	n = strlen(pw);
	if (n + 1 > size)
		return -ENOSPC;
	memcpy(out, pw, n + 1);
	return (int)n;
}

/* A username's ip-address: one unicast IPv4 address (0.0.0.0: none). */
static int user_address(cfg_t *sec, struct in_addr *a)
{
	const char *v = cfg_getstr(sec, "ip-address");
	uint32_t h;

	a->s_addr = 0;
	if (!v)
		return 0;
	if (inet_pton(AF_INET, v, a) != 1)
		return -EINVAL;
	h = ntohl(a->s_addr);
	if (h == 0 || h >> 24 == 0 || h >> 24 == 127 || h >> 28 >= 14) {
		a->s_addr = 0;
		return -EINVAL;
	}
	return 0;
}

int auth_local_check(cfg_t *cfg)
{
	char pw[TYPE7_MAX];
	int ret = 0;

	for (unsigned i = 0; i < cfg_size(cfg, "username"); i++) {
		cfg_t *sec = cfg_getnsec(cfg, "username", i);
		const char *name = cfg_title(sec);
		long type = cfg_getint(sec, "password-type");
		int r;

		if (!name || !*name) {
			cfg_error(sec, "username: empty name");
			ret = -EINVAL;
			continue;
		}
		if (type != 0 && type != 7) {
			cfg_error(sec, "username \"%s\": password-type must be 0 or 7", name);
			ret = -EINVAL;
			continue;
		}
		struct in_addr a;
		if (user_address(sec, &a) < 0) {
			cfg_error(sec, "username \"%s\": ip-address must be one unicast IPv4 "
				  "address, not \"%s\"", name, cfg_getstr(sec, "ip-address"));
			ret = -EINVAL;
		}
		r = user_password(sec, pw, sizeof(pw));
		explicit_bzero(pw, sizeof(pw));
		if (r == -ENOENT) {
			cfg_error(sec, "username \"%s\": no password", name);
			ret = -EINVAL;
		} else if (r < 0) {
			cfg_error(sec, "username \"%s\": invalid %spassword", name,
				  type == 7 ? "type 7 " : "");
			ret = -EINVAL;
		}
	}
	/* A chap-secrets file that is missing, a directory or unreadable
	 * would only be a warning at start, every user in it refused. */
	cfg_t *al = cfg_size(cfg, "auth-local") ? cfg_getsec(cfg, "auth-local") : NULL;
	for (unsigned i = 0; al && i < cfg_size(al, "chap-secrets"); i++) {
		const char *path = cfg_getnstr(al, "chap-secrets", i);
		struct stat st;
		const char *why = NULL;

		if (!path || !*path)
			why = "empty file name";
		else if (stat(path, &st) < 0)
			why = g_strerror(errno);
		else if (S_ISDIR(st.st_mode))
			why = "is a directory";
		else if (!S_ISREG(st.st_mode))
			why = "not a regular file";
		else if (access(path, R_OK) < 0)
			why = g_strerror(errno);
		if (why) {
			cfg_error(al, "auth-local: chap-secrets \"%s\": %s", path ? path : "", why);
			ret = -EINVAL;
		}
	}
	return ret;
}

struct auth_db *auth_local_build_db(cfg_t *cfg, auth_db_warn_fn warn, void *data, int *err)
{
	struct auth_db *db = auth_db_new();
	char pw[TYPE7_MAX];
	cfg_t *sec;
	int r = 0;

	for (unsigned i = 0; cfg && i < cfg_size(cfg, "username"); i++) {
		cfg_t *u = cfg_getnsec(cfg, "username", i);
		int n = user_password(u, pw, sizeof(pw));

		if (n < 0) {
			r = n == -ENOENT ? -EINVAL : n;
			goto fail;
		}
		struct in_addr a;
		r = auth_db_add_user(db, cfg_title(u), pw, (size_t)n);
		explicit_bzero(pw, sizeof(pw));
		if (r < 0)
			goto fail;
		if ((r = user_address(u, &a)) < 0)
			goto fail;
		auth_db_set_last_address(db, a);
	}
	sec = cfg ? cfg_getsec(cfg, "auth-local") : NULL;
	for (unsigned i = 0; sec && i < cfg_size(sec, "chap-secrets"); i++) {
		const char *path = cfg_getnstr(sec, "chap-secrets", i);
		int n = auth_db_load_chap_secrets(db, path, warn, data);

		if (n < 0) {
			/* keep going: the other sources still work */
			char msg[512];
			snprintf(msg, sizeof(msg), "%s: cannot read chap-secrets: %s",
				 path, g_strerror(-n));
			if (warn)
				warn(msg, data);
		}
	}
	if (err)
		*err = 0;
	return db;
fail:
	explicit_bzero(pw, sizeof(pw));
	auth_db_free(db);
	if (err)
		*err = r;
	return NULL;
}

static void log_warn(const char *msg, void *data)
{
	struct auth_local *al = data;

	vpdn_warn(al->log, "AUTH-LOCAL: %s", msg);
}

/* A name from the wire, safe to print (see vpdn_log_printable). */
static const char *safe_name(const char *s, char *buf, size_t size)
{
	if (!s)
		return "(none)";
	return vpdn_log_printable(buf, size, s, strlen(s), 0);
}

static const char *method_name(enum vpdn_auth_method m)
{
	switch (m) {
	case VPDN_AUTH_PAP:
		return "PAP";
	case VPDN_AUTH_CHAP_MD5:
		return "CHAP";
	default:
		return "NONE";
	}
}

/* "config" or "path:line", for logs. */
static const char *origin_str(const struct auth_entry *e, char *buf, size_t size)
{
	if (!e->line)
		return e->origin;
	snprintf(buf, size, "%s:%u", e->origin, e->line);
	return buf;
}

/* The fields auth-local reads must be inside the publisher's struct. */
#define HAS_FIELD(p, type, field) \
	((p)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

static enum vpdn_bus_verdict on_auth_request(const struct vpdn_event *ev, void *data)
{
	struct auth_local *al = data;
	const struct vpdn_ev_auth *a = ev->payload;
	struct vpdn_ev_auth_result res = { .size = sizeof(res) };
	const struct auth_entry *e;
	const char *local;
	struct vpdn_request *req;
	char ifbuf[64], ubuf[128], obuf[300];
	const char *ifname, *uname;

	if (!ev->request || !a || !HAS_FIELD(a, struct vpdn_ev_auth, method))
		return VPDN_BUS_PASS;
	if (a->method != VPDN_AUTH_PAP && a->method != VPDN_AUTH_CHAP_MD5)
		return VPDN_BUS_PASS;
	ifname = HAS_FIELD(a, struct vpdn_ev_auth, interface) && a->interface ? safe_name(a->interface, ifbuf, sizeof(ifbuf)) : "-";
	if (!HAS_FIELD(a, struct vpdn_ev_auth, password) || !a->user) {
		res.reason = "bad request";
		uname = "(none)";
		e = NULL;
		goto done;
	}
	uname = safe_name(a->user, ubuf, sizeof(ubuf));
	local = a->local_name ? a->local_name : vpdn_core_hostname(al->core);
	e = auth_db_lookup_peer(al->db, a->user, local);
	if (!e) {
		if (!al->authoritative) {
			vpdn_debug(al->log, VPDN_DEBUG_PPP_AUTHENTICATION,
				   "%s AUTH-LOCAL: %s user \"%s\" not found locally, passed on",
				   ifname, method_name(a->method), uname);
			return VPDN_BUS_PASS;
		}
		res.reason = "unknown user";
		goto done;
	}
	res.user = strcmp(e->client, "*") == 0 ? a->user : e->client;
	if (a->method == VPDN_AUTH_CHAP_MD5) {
		if (!a->challenge || a->challenge_len == 0 || !a->response)
			res.reason = "bad request";
		else if (chap_md5_verify(a->chap_id, e->secret, e->secret_len,
					 a->challenge, a->challenge_len,
					 a->response, a->response_len))
			res.ok = true;
		else
			res.reason = "bad response";
	} else {
		const char *pw = a->password ? a->password : "";
		if (pap_password_equal(pw, strlen(pw), e->secret, e->secret_len))
			res.ok = true;
		else
			res.reason = "bad password";
	}
done:
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_PASS;
	if (res.ok) {
		(*al->n_success)++;
		res.address = e->address;
		vpdn_debug(al->log, VPDN_DEBUG_PPP_AUTHENTICATION,
			   "%s AUTH-LOCAL: %s user \"%s\" authenticated (%s)",
			   ifname, method_name(a->method), uname,
			   origin_str(e, obuf, sizeof(obuf)));
		vpdn_request_complete(req, 0, &res);
	} else {
		(*al->n_failure)++;
		if (!res.user)
			res.user = a->user;
		vpdn_info(al->log, "%s AUTH-LOCAL: %s authentication of user \"%s\" failed: %s",
			  ifname, method_name(a->method), uname, res.reason);
		vpdn_request_complete(req, -EACCES, &res);
	}
	return VPDN_BUS_CLAIM;
}

static enum vpdn_bus_verdict on_secret_request(const struct vpdn_event *ev, void *data)
{
	struct auth_local *al = data;
	const struct vpdn_ev_secret *s = ev->payload;
	struct vpdn_ev_secret_reply rep = { .size = sizeof(rep) };
	const struct auth_entry *e;
	struct vpdn_request *req;
	const char *local;
	char lbuf[128], pbuf[128], obuf[300];

	if (!ev->request || !s || !HAS_FIELD(s, struct vpdn_ev_secret, peer_name) ||
	    !s->peer_name)
		return VPDN_BUS_PASS;
	local = s->local_name ? s->local_name : vpdn_core_hostname(al->core);
	e = auth_db_lookup_own(al->db, local, s->peer_name);
	if (!e && !al->authoritative)
		return VPDN_BUS_PASS;
	req = vpdn_event_take_request(ev);
	if (!req)
		return VPDN_BUS_PASS;
	safe_name(local, lbuf, sizeof(lbuf));
	safe_name(s->peer_name, pbuf, sizeof(pbuf));
	if (!e) {
		vpdn_info(al->log, "AUTH-LOCAL: no secret for \"%s\" toward \"%s\"",
			  lbuf, pbuf);
		vpdn_request_complete(req, -ENOENT, NULL);
		return VPDN_BUS_CLAIM;
	}
	(*al->n_secrets)++;
	vpdn_debug(al->log, VPDN_DEBUG_PPP_AUTHENTICATION,
		   "AUTH-LOCAL: secret for \"%s\" toward \"%s\" from %s (" VPDN_SECRET_MASK ")",
		   lbuf, pbuf, origin_str(e, obuf, sizeof(obuf)));
	rep.secret = (const char *)e->secret;
	rep.secret_len = e->secret_len;
	vpdn_request_complete(req, 0, &rep);
	return VPDN_BUS_CLAIM;
}

static void check_config_mode(struct auth_local *al)
{
	const char *path = vpdn_core_config_path(al->core);
	struct stat st;

	if (!path || stat(path, &st) < 0)
		return;
	if (st.st_mode & 077)
		vpdn_warn(al->log, "AUTH-LOCAL: %s holds passwords and is accessible by "
			  "group or others (mode %04o); use chmod 600", path,
			  (unsigned)(st.st_mode & 07777));
}

static int apply(struct auth_local *al, cfg_t *cfg)
{
	cfg_t *sec = cfg ? cfg_getsec(cfg, "auth-local") : NULL;
	struct auth_db *db;
	int r;

	db = auth_local_build_db(cfg, log_warn, al, &r);
	if (!db)
		return r;
	auth_db_free(al->db);
	al->db = db;
	al->authoritative = sec ? cfg_getbool(sec, "authoritative") : true;
	check_config_mode(al);
	vpdn_debug(al->log, VPDN_DEBUG_PPP_AUTHENTICATION,
		   "AUTH-LOCAL: %zu secrets loaded%s", auth_db_count(db),
		   al->authoritative ? "" : " (not authoritative)");
	return 0;
}

int auth_local_new(struct vpdn_core *core, cfg_t *cfg, struct auth_local **out)
{
	struct auth_local *al;
	struct vpdn_bus *bus;
	int r;

	if (!core || !out)
		return -EINVAL;
	al = g_new0(struct auth_local, 1);
	al->core = core;
	al->log = vpdn_core_log(core);
	al->authoritative = true;
	r = apply(al, cfg);
	if (r < 0)
		goto fail;
	al->n_success = vpdn_core_counter(core, "auth_local_success_total",
					  "Peers authenticated by local users");
	al->n_failure = vpdn_core_counter(core, "auth_local_failure_total",
					  "Local authentication failures");
	al->n_secrets = vpdn_core_counter(core, "auth_local_secret_replies_total",
					  "Own secrets supplied toward peers");
	if (!al->n_success || !al->n_failure || !al->n_secrets) {
		r = -ENOMEM;
		goto fail;
	}
	bus = vpdn_core_bus(core);
	al->sub_auth = vpdn_bus_subscribe(bus, VPDN_EV_AUTH_REQUEST, on_auth_request, al);
	al->sub_secret = vpdn_bus_subscribe(bus, VPDN_EV_SECRET_REQUEST, on_secret_request, al);
	if (!al->sub_auth || !al->sub_secret) {
		r = -ENOMEM;
		goto fail;
	}
	*out = al;
	return 0;
fail:
	auth_local_free(al);
	return r;
}

int auth_local_reload(struct auth_local *al, cfg_t *cfg)
{
	int r;

	if (!al)
		return -EINVAL;
	r = apply(al, cfg);
	if (r < 0)
		vpdn_err(al->log, "AUTH-LOCAL: reload failed (%s); keeping the previous users",
			 g_strerror(-r));
	return r;
}

void auth_local_free(struct auth_local *al)
{
	struct vpdn_bus *bus;

	if (!al)
		return;
	bus = vpdn_core_bus(al->core);
	if (al->sub_auth)
		vpdn_bus_unsubscribe(bus, al->sub_auth);
	if (al->sub_secret)
		vpdn_bus_unsubscribe(bus, al->sub_secret);
	auth_db_free(al->db);
	g_free(al);
}
