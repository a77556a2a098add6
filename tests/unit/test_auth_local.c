/* SPDX-License-Identifier: MIT */
/* auth-local: users database, chap-secrets parser, and the module driven
 * through a test core's bus. */
#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "auth-local.h"
#include "chap.h"
#include "users.h"
#include "vpdn_test.h"

/* --- helpers ----------------------------------------------------------- */

struct warnings {
	unsigned count;
	char last[512];
};


/* Requests complete on the next main-loop turn: publish, then run it. */
static void request_now(struct vpdn_core *core, uint32_t type, const void *payload,
			vpdn_request_done done, void *data)
{
	CU_ASSERT_PTR_NOT_NULL(vpdn_bus_request(vpdn_core_bus(core), type, payload, done, data));
	vpdn_bus_run_pending(vpdn_core_bus(core));
}

static void on_warn(const char *msg, void *data)
{
	struct warnings *w = data;

	w->count++;
	g_strlcpy(w->last, msg, sizeof(w->last));
}

static char *write_temp(const char *text, mode_t mode)
{
	char *path = NULL;
	GError *err = NULL;
	int fd = g_file_open_tmp("auth-local-XXXXXX", &path, &err);

	if (fd < 0) {
		g_clear_error(&err);
		return NULL;
	}
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fchmod(fd, mode) < 0) {
		close(fd);
		g_unlink(path);
		g_free(path);
		return NULL;
	}
	close(fd);
	return path;
}

static cfg_t *parse_cfg(const char *text)
{
	cfg_t *cfg = cfg_init(auth_local_options, CFGF_NONE);

	if (cfg_parse_buf(cfg, text) != CFG_SUCCESS) {
		cfg_free(cfg);
		return NULL;
	}
	return cfg;
}

static bool secret_is(const struct auth_entry *e, const char *s)
{
	return e && e->secret_len == strlen(s) && memcmp(e->secret, s, e->secret_len) == 0;
}

/* --- database ------------------------------------------------------------ */

static void test_db_username_entries(void)
{
	struct auth_db *db = auth_db_new();

	CU_ASSERT_EQUAL(auth_db_add_user(db, "remote1@cisco.com", "cisco", 5), 0);
	CU_ASSERT_EQUAL(auth_db_add_user(db, "remote2@cisco.com", "r2", 2), 0);
	CU_ASSERT_EQUAL(auth_db_add_user(db, "", "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(auth_db_add_user(db, NULL, "x", 1), -EINVAL);
	CU_ASSERT_EQUAL(auth_db_count(db), 2);
	/* verify: any local name */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "remote1@cisco.com", "LNS"), "cisco"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "remote1@cisco.com", NULL), "cisco"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "remote3@cisco.com", "LNS"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "REMOTE1@cisco.com", "LNS"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, NULL, "LNS"));
	/* own secret toward remote2 (IOS shared secret) */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_own(db, "LNS", "remote2@cisco.com"), "r2"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_own(db, "LNS", "nobody"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_own(db, "LNS", NULL));
	auth_db_free(db);
	auth_db_free(NULL);
}

/* The fourth column: the address authorization gives the client. */
static void test_chap_secrets_address(void)
{
	const char *text =
		"remote1@cisco.com  LNS  s1  17.17.17.1\n"
		"remote2@cisco.com  LNS  s2  *\n"
		"remote3@cisco.com  LNS  s3  -\n"
		"remote4@cisco.com  LNS  s4\n"
		"remote5@cisco.com  LNS  s5  10.0.0.0/24\n"
		"remote6@cisco.com  LNS  s6  17.17.17.6 17.17.17.7\n"
		"remote7@cisco.com  LNS  s7  0.0.0.0\n"
		"remote8@cisco.com  LNS  s8  not-an-address\n";
	struct auth_db *db = auth_db_new();
	struct warnings w = {0};
	const struct auth_entry *e;

	CU_ASSERT_EQUAL(auth_db_parse_chap_secrets(db, text, strlen(text), "cs", on_warn, &w), 8);
	e = auth_db_lookup_peer(db, "remote1@cisco.com", "LNS");
	CU_ASSERT_EQUAL(e ? e->address.s_addr : 0, inet_addr("17.17.17.1"));
	for (int i = 2; i <= 8; i++) {
		char user[32];
		snprintf(user, sizeof(user), "remote%d@cisco.com", i);
		e = auth_db_lookup_peer(db, user, "LNS");
		CU_ASSERT_PTR_NOT_NULL(e);  /* the secret still works */
		CU_ASSERT_EQUAL(e ? e->address.s_addr : 1, 0);
	}
	/* unsupported forms are warned about, naming the line */
	CU_ASSERT_EQUAL(w.count, 4);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.last, "cs:8:"));
	auth_db_free(db);
}

static void test_chap_secrets_parse(void)
{
	const char *text =
		"# Secrets for authentication using CHAP\n"
		"# client\tserver\tsecret\t\tIP addresses\n"
		"remote1@cisco.com  LNS  s3cret  17.17.17.1\n"
		"\"remote two\"  *  'quoted secret' \n"
		"*  LAC  wildsecret\r\n"
		"LNS remote3 our\\ secret   # trailing comment\n"
		"bob  *  \"\"\n"
		"only two\n"
		"carol * \"unterminated\n"
		"dave * @/etc/ppp/dave.secret\n"
		"   \t  \n"
		"eve \\\n  LNS evesecret\n"
		"frank LNS a\"b c\"d\n";
	struct auth_db *db = auth_db_new();
	struct warnings w = {0};
	const struct auth_entry *e;
	int n = auth_db_parse_chap_secrets(db, text, strlen(text), "test-secrets", on_warn, &w);

	CU_ASSERT_EQUAL(n, 7);
	CU_ASSERT_EQUAL(w.count, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.last, "test-secrets:10:"));
	CU_ASSERT_PTR_NULL(strstr(w.last, "dave.secret") == NULL ? NULL : "leak");

	e = auth_db_lookup_peer(db, "remote1@cisco.com", "LNS");
	CU_ASSERT_TRUE(secret_is(e, "s3cret"));
	CU_ASSERT_EQUAL(e ? e->line : 0, 3);
	CU_ASSERT_STRING_EQUAL(e ? e->origin : "", "test-secrets");
	/* server column must match our name */
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "remote1@cisco.com", "OTHER"));
	/* ... and toward LAC the "* LAC" line applies */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "remote1@cisco.com", "LAC"), "wildsecret"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "remote two", "anything"), "quoted secret"));
	/* client wildcard toward LAC */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "someone", "LAC"), "wildsecret"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "someone", "LNS"));
	/* our secret as LNS toward remote3 */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_own(db, "LNS", "remote3"), "our secret"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_own(db, "LAC", "remote3"));
	/* empty secret */
	e = auth_db_lookup_peer(db, "bob", "LNS");
	CU_ASSERT_PTR_NOT_NULL(e);
	CU_ASSERT_EQUAL(e ? e->secret_len : 99, 0);
	/* skipped lines */
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "only", "two"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "carol", "LNS"));
	CU_ASSERT_PTR_NULL(auth_db_lookup_peer(db, "dave", "LNS"));
	/* continuation line and concatenated quoting */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "eve", "LNS"), "evesecret"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "frank", "LNS"), "ab cd"));
	auth_db_free(db);
}

static void test_precedence(void)
{
	struct auth_db *db = auth_db_new();

	auth_db_add_user(db, "alice", "from-username", 13);
	auth_db_add_secret(db, "*", "*", "any-any", 7, "f", 1);
	auth_db_add_secret(db, "alice", "*", "alice-any", 9, "f", 2);
	auth_db_add_secret(db, "alice", "LNS", "alice-lns", 9, "f", 3);
	auth_db_add_secret(db, "*", "LNS", "any-lns", 7, "f", 4);
	CU_ASSERT_EQUAL(auth_db_add_secret(db, "x", NULL, "s", 1, "f", 5), -EINVAL);
	/* exact client + exact server beats everything */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "alice", "LNS"), "alice-lns"));
	/* exact client, wildcard server: the username entry comes first */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "alice", "LAC"), "from-username"));
	/* exact client beats exact server */
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "bob", "LNS"), "any-lns"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "bob", "LAC"), "any-any"));
	auth_db_free(db);
}

static void test_type7(void)
{
	char out[64];

	CU_ASSERT_EQUAL(cisco_type7_decode("02050D480809", out, sizeof(out)), 5);
	CU_ASSERT_STRING_EQUAL(out, "cisco");
	CU_ASSERT_EQUAL(cisco_type7_decode("02", out, sizeof(out)), 0);
	CU_ASSERT_STRING_EQUAL(out, "");
	CU_ASSERT_EQUAL(cisco_type7_decode("02050D48080", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode("0Z050D480809", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode("02050D4808ZZ", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode("99050D480809", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode("", out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode(NULL, out, sizeof(out)), -EINVAL);
	CU_ASSERT_EQUAL(cisco_type7_decode("02050D480809", out, 5), -ENOSPC);
}

static void test_load_file(void)
{
	struct auth_db *db = auth_db_new();
	struct warnings w = {0};
	char *loose = write_temp("alice LNS alicepw\n", 0644);
	char *tight = write_temp("bob LNS bobpw\n", 0600);

	CU_ASSERT_PTR_NOT_NULL_FATAL(loose);
	CU_ASSERT_PTR_NOT_NULL_FATAL(tight);
	CU_ASSERT_EQUAL(auth_db_load_chap_secrets(db, tight, on_warn, &w), 1);
	CU_ASSERT_EQUAL(w.count, 0);
	CU_ASSERT_EQUAL(auth_db_load_chap_secrets(db, loose, on_warn, &w), 1);
	CU_ASSERT_EQUAL(w.count, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.last, "group or others"));
	CU_ASSERT_PTR_NULL(strstr(w.last, "alicepw"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "bob", "LNS"), "bobpw"));
	CU_ASSERT_TRUE(secret_is(auth_db_lookup_peer(db, "alice", "LNS"), "alicepw"));
	CU_ASSERT_EQUAL(auth_db_load_chap_secrets(db, "/nonexistent/chap-secrets", on_warn, &w),
			-ENOENT);
	CU_ASSERT_EQUAL(auth_db_load_chap_secrets(db, "/", on_warn, &w), -EINVAL);
	g_unlink(loose);
	g_unlink(tight);
	g_free(loose);
	g_free(tight);
	auth_db_free(db);
}

static void test_garbage_input(void)
{
	/* arbitrary bytes never crash and never add unbounded entries */
	struct auth_db *db = auth_db_new();
	char buf[4096];
	unsigned seed = 7;

	for (int round = 0; round < 200; round++) {
		size_t n = (size_t)rand_r(&seed) % sizeof(buf);
		for (size_t i = 0; i < n; i++) {
			static const char alphabet[] = "ab *\"'\\\n\t#@\r\0x";
			buf[i] = alphabet[(unsigned)rand_r(&seed) % (sizeof(alphabet) - 1)];
		}
		CU_ASSERT_TRUE(auth_db_parse_chap_secrets(db, buf, n, "fuzz", NULL, NULL) >= 0);
	}
	CU_ASSERT_EQUAL(auth_db_parse_chap_secrets(db, NULL, 5, "x", NULL, NULL), -EINVAL);
	auth_db_free(db);
}

/* --- the module on a test core ------------------------------------------ */

#define SECRET1 "Sup3r-S3cret-one"
#define SECRET2 "An0ther-S3cret-two"

static const char *config_text =
	"username \"remote1@cisco.com\" { password = \"" SECRET1 "\" }\n"
	"username \"remote2@cisco.com\" { password = \"" SECRET2 "\" }\n"
	"username \"seven\" { password = \"02050D480809\" password-type = 7 }\n";

struct log_capture {
	GPtrArray *lines;
};

static void on_log(enum vpdn_log_level level, int cat, const char *line, void *data)
{
	struct log_capture *lc = data;

	g_ptr_array_add(lc->lines, g_strdup(line));
}

static bool log_contains(struct log_capture *lc, const char *needle)
{
	for (guint i = 0; i < lc->lines->len; i++)
		if (strstr(g_ptr_array_index(lc->lines, i), needle))
			return true;
	return false;
}

struct result {
	unsigned calls;
	int status;
	bool has_reply;
	bool ok;
	char reason[64];
	char user[128];
	char secret[128];
	size_t secret_len;
	struct in_addr address;
};

static void on_auth_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct result *r = data;
	const struct vpdn_ev_auth_result *a = reply;

	r->calls++;
	r->status = status;
	r->has_reply = a != NULL;
	if (a) {
		r->ok = a->ok;
		g_strlcpy(r->reason, a->reason ? a->reason : "", sizeof(r->reason));
		g_strlcpy(r->user, a->user ? a->user : "", sizeof(r->user));
		r->address = a->address;
	}
}

static void on_secret_done(struct vpdn_request *req, int status, const void *reply, void *data)
{
	struct result *r = data;
	const struct vpdn_ev_secret_reply *s = reply;

	r->calls++;
	r->status = status;
	r->has_reply = s != NULL;
	if (s && s->secret && s->secret_len < sizeof(r->secret)) {
		memcpy(r->secret, s->secret, s->secret_len);
		r->secret[s->secret_len] = '\0';
		r->secret_len = s->secret_len;
	}
}

struct fixture {
	struct vpdn_core *core;
	struct auth_local *al;
	cfg_t *cfg;
	struct log_capture log;
};

static bool fixture_setup(struct fixture *f, const char *text)
{
	memset(f, 0, sizeof(*f));
	f->core = vpdn_core_new_test();
	if (!f->core)
		return false;
	f->log.lines = g_ptr_array_new_with_free_func(g_free);
	vpdn_log_add_sink(vpdn_core_log(f->core), on_log, &f->log);
	vpdn_log_set_debug(vpdn_core_log(f->core), VPDN_DEBUG_PPP_AUTHENTICATION, true);
	f->cfg = parse_cfg(text);
	if (!f->cfg || auth_local_check(f->cfg) < 0)
		return false;
	return auth_local_new(f->core, f->cfg, &f->al) == 0;
}

static void fixture_teardown(struct fixture *f)
{
	/* no line ever carries a secret */
	for (guint i = 0; i < f->log.lines->len; i++) {
		const char *l = g_ptr_array_index(f->log.lines, i);
		CU_ASSERT_PTR_NULL(strstr(l, SECRET1));
		CU_ASSERT_PTR_NULL(strstr(l, SECRET2));
		CU_ASSERT_PTR_NULL(strstr(l, "cisco\""));
	}
	auth_local_free(f->al);
	if (f->cfg)
		cfg_free(f->cfg);
	vpdn_core_free_test(f->core);
	g_ptr_array_free(f->log.lines, TRUE);
}

static struct result chap_request(struct fixture *f, const char *user, const char *local,
				  uint8_t id, const char *secret)
{
	struct result r = {0};
	uint8_t challenge[16], response[16];
	struct vpdn_ev_auth a = {
		.size = sizeof(a), .method = VPDN_AUTH_CHAP_MD5, .interface = "Vi2",
		.user = user, .local_name = local, .chap_id = id,
		.challenge = challenge, .challenge_len = sizeof(challenge),
		.response = response, .response_len = sizeof(response),
	};

	for (int i = 0; i < 16; i++)
		challenge[i] = (uint8_t)(i * 7 + id);
	chap_md5_response(id, secret, strlen(secret), challenge, sizeof(challenge), response);
	request_now(f->core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.calls, 1);
	return r;
}

static struct result pap_request(struct fixture *f, const char *user, const char *password)
{
	struct result r = {0};
	struct vpdn_ev_auth a = {
		.size = sizeof(a), .method = VPDN_AUTH_PAP, .interface = "Se0:17",
		.user = user, .local_name = "LNS", .password = password,
	};

	request_now(f->core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.calls, 1);
	return r;
}

static void test_module_chap(void)
{
	struct fixture f;
	struct result r;

	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, config_text));
	r = chap_request(&f, "remote1@cisco.com", "LNS", 7, SECRET1);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_STRING_EQUAL(r.user, "remote1@cisco.com");
	CU_ASSERT_TRUE(log_contains(&f.log, "Vi2 AUTH-LOCAL: CHAP user \"remote1@cisco.com\" authenticated"));

	r = chap_request(&f, "remote1@cisco.com", "LNS", 8, "wrong");
	CU_ASSERT_EQUAL(r.status, -EACCES);
	CU_ASSERT_TRUE(r.has_reply);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad response");
	CU_ASSERT_TRUE(log_contains(&f.log, "failed: bad response"));

	r = chap_request(&f, "nobody@cisco.com", "LNS", 9, SECRET1);
	CU_ASSERT_EQUAL(r.status, -EACCES);
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_STRING_EQUAL(r.reason, "unknown user");
	CU_ASSERT_TRUE(log_contains(&f.log, "\"nobody@cisco.com\" failed: unknown user"));

	/* the type 7 password decodes to "cisco" */
	r = chap_request(&f, "seven", NULL, 1, "cisco");
	CU_ASSERT_TRUE(r.ok);

	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "auth_local_success_total", NULL), 2);
	CU_ASSERT_EQUAL(*vpdn_core_counter(f.core, "auth_local_failure_total", NULL), 2);
	fixture_teardown(&f);
}

static void test_module_chap_vector(void)
{
	/* the RFC-style vector through the module: id 1, "cisco", 00..0F */
	struct fixture f;
	struct result r = {0};
	uint8_t challenge[16];
	const uint8_t response[16] = {
		0xe9, 0xa2, 0x88, 0x76, 0x84, 0x4e, 0x4f, 0x32,
		0x60, 0x87, 0xe1, 0xeb, 0x2f, 0xa0, 0xee, 0x38,
	};
	struct vpdn_ev_auth a = {
		.size = sizeof(a), .method = VPDN_AUTH_CHAP_MD5, .user = "seven",
		.chap_id = 1, .challenge = challenge, .challenge_len = 16,
		.response = response, .response_len = 16,
	};

	for (int i = 0; i < 16; i++)
		challenge[i] = (uint8_t)i;
	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, config_text));
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_TRUE(r.ok);
	/* a short response is a bad response, not a crash */
	r = (struct result){0};
	a.response_len = 15;
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad response");
	/* no challenge: bad request */
	r = (struct result){0};
	a.response_len = 16;
	a.challenge = NULL;
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.status, -EACCES);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad request");
	/* a publisher with a truncated struct: bad request */
	r = (struct result){0};
	a.challenge = challenge;
	a.size = 8;
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.status, -EACCES);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad request");
	/* no user */
	r = (struct result){0};
	a.size = sizeof(a);
	a.user = NULL;
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad request");
	/* method NONE is not ours */
	r = (struct result){0};
	a.method = VPDN_AUTH_NONE;
	a.user = "seven";
	request_now(f.core, VPDN_EV_AUTH_REQUEST, &a, on_auth_done, &r);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	fixture_teardown(&f);
}

static void test_module_pap(void)
{
	struct fixture f;
	struct result r;

	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, config_text));
	r = pap_request(&f, "remote2@cisco.com", SECRET2);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_TRUE(r.ok);
	r = pap_request(&f, "remote2@cisco.com", SECRET2 "x");
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad password");
	r = pap_request(&f, "remote2@cisco.com", "");
	CU_ASSERT_STRING_EQUAL(r.reason, "bad password");
	r = pap_request(&f, "remote2@cisco.com", NULL);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad password");
	r = pap_request(&f, "ghost", SECRET2);
	CU_ASSERT_STRING_EQUAL(r.reason, "unknown user");
	CU_ASSERT_TRUE(log_contains(&f.log, "Se0:17 AUTH-LOCAL: PAP authentication of user \"ghost\" failed: unknown user"));
	/* a user name with control characters is logged safely */
	r = pap_request(&f, "evil\n\x1b[2J", "x");
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_TRUE(log_contains(&f.log, "\"evil..[2J\" failed"));
	fixture_teardown(&f);
}

static void test_module_secret(void)
{
	struct fixture f;
	struct result r = {0};
	char *file = write_temp("LNS remote3 ours-toward-3\nremote3 LNS theirs-3\n", 0600);
	char *text;
	struct vpdn_ev_secret s = { .size = sizeof(s), .local_name = "LNS",
				    .peer_name = "remote2@cisco.com" };

	CU_ASSERT_PTR_NOT_NULL_FATAL(file);
	text = g_strdup_printf("%sauth-local { chap-secrets = {\"%s\"} }\n", config_text, file);
	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, text));
	/* IOS: username remote2 is the shared secret with remote2 */
	request_now(f.core, VPDN_EV_SECRET_REQUEST, &s, on_secret_done, &r);
	CU_ASSERT_EQUAL(r.calls, 1);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.secret, SECRET2);
	CU_ASSERT_EQUAL(r.secret_len, strlen(SECRET2));
	/* chap-secrets: client = our name, server = peer */
	r = (struct result){0};
	s.peer_name = "remote3";
	request_now(f.core, VPDN_EV_SECRET_REQUEST, &s, on_secret_done, &r);
	CU_ASSERT_EQUAL(r.status, 0);
	CU_ASSERT_STRING_EQUAL(r.secret, "ours-toward-3");
	/* and the other direction verifies remote3 */
	CU_ASSERT_TRUE(chap_request(&f, "remote3", "LNS", 3, "theirs-3").ok);
	CU_ASSERT_FALSE(chap_request(&f, "remote3", "LNS", 3, "ours-toward-3").ok);
	/* unknown peer: authoritative, so a definite -ENOENT from us */
	r = (struct result){0};
	s.peer_name = "stranger";
	request_now(f.core, VPDN_EV_SECRET_REQUEST, &s, on_secret_done, &r);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	CU_ASSERT_FALSE(r.has_reply);
	CU_ASSERT_EQUAL(vpdn_bus_stats(vpdn_core_bus(f.core))->unclaimed, 0);
	CU_ASSERT_TRUE(log_contains(&f.log, "no secret for \"LNS\" toward \"stranger\""));
	/* no local name: the node's hostname ("test") is used */
	r = (struct result){0};
	s.local_name = NULL;
	s.peer_name = "remote2@cisco.com";
	request_now(f.core, VPDN_EV_SECRET_REQUEST, &s, on_secret_done, &r);
	CU_ASSERT_STRING_EQUAL(r.secret, SECRET2);
	fixture_teardown(&f);
	g_unlink(file);
	g_free(file);
	g_free(text);
}

static void test_module_not_authoritative(void)
{
	struct fixture f;
	struct result r = {0};
	char *text = g_strdup_printf("%sauth-local { authoritative = false }\n", config_text);
	struct vpdn_ev_secret s = { .size = sizeof(s), .local_name = "LNS", .peer_name = "x" };

	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, text));
	r = chap_request(&f, "stranger", "LNS", 1, "x");
	CU_ASSERT_EQUAL(r.status, -ENOENT);   /* nobody claimed */
	CU_ASSERT_FALSE(r.has_reply);
	CU_ASSERT_EQUAL(vpdn_bus_stats(vpdn_core_bus(f.core))->unclaimed, 1);
	/* known users are still answered, failures included */
	r = chap_request(&f, "remote1@cisco.com", "LNS", 1, "bad");
	CU_ASSERT_EQUAL(r.status, -EACCES);
	CU_ASSERT_STRING_EQUAL(r.reason, "bad response");
	r = (struct result){0};
	request_now(f.core, VPDN_EV_SECRET_REQUEST, &s, on_secret_done, &r);
	CU_ASSERT_EQUAL(r.status, -ENOENT);
	CU_ASSERT_EQUAL(vpdn_bus_stats(vpdn_core_bus(f.core))->unclaimed, 2);
	fixture_teardown(&f);
	g_free(text);
}

static void test_module_reload(void)
{
	struct fixture f;
	cfg_t *cfg2, *bad;

	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, config_text));
	CU_ASSERT_FALSE(chap_request(&f, "newuser", "LNS", 1, "newpw").ok);
	cfg2 = parse_cfg("username \"newuser\" { password = \"newpw\" }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg2);
	CU_ASSERT_EQUAL(auth_local_reload(f.al, cfg2), 0);
	cfg_free(f.cfg);
	f.cfg = cfg2;
	CU_ASSERT_TRUE(chap_request(&f, "newuser", "LNS", 2, "newpw").ok);
	/* removed users are gone */
	CU_ASSERT_STRING_EQUAL(chap_request(&f, "remote1@cisco.com", "LNS", 3, SECRET1).reason,
			       "unknown user");
	/* a broken config keeps the old users */
	bad = parse_cfg("username \"broken\" { password-type = 7 password = \"zz\" }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(bad);
	CU_ASSERT_EQUAL(auth_local_check(bad), -EINVAL);
	CU_ASSERT_TRUE(auth_local_reload(f.al, bad) < 0);
	cfg_free(bad);
	CU_ASSERT_TRUE(chap_request(&f, "newuser", "LNS", 4, "newpw").ok);
	fixture_teardown(&f);
}

static void test_config_check(void)
{
	cfg_t *cfg;

	cfg = parse_cfg("username \"a\" { }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(auth_local_check(cfg), -EINVAL);
	cfg_free(cfg);
	cfg = parse_cfg("username \"a\" { password = \"x\" password-type = 5 }\n");
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(auth_local_check(cfg), -EINVAL);
	cfg_free(cfg);
	char *dir = g_dir_make_tmp("vpdnd-cs-XXXXXX", NULL);
	char *cs = g_build_filename(dir, "chap-secrets", NULL);
	g_assert(g_file_set_contents(cs, "a * x *\n", -1, NULL));
	char *text = g_strdup_printf("username \"a\" { password = \"x\" }\n"
				     "username \"b\" { password = \"02050D480809\" password-type = 7 }\n"
				     "auth-local { authoritative = false chap-secrets = {\"%s\", \"%s\"} }\n",
				     cs, cs);
	cfg = parse_cfg(text);
	g_free(text);
	CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
	CU_ASSERT_EQUAL(auth_local_check(cfg), 0);
	cfg_free(cfg);
	/* --check refuses a chap-secrets file that is missing or a directory */
	const char *bad[] = { "/nonexistent/chap-secrets", dir };
	for (unsigned i = 0; i < 2; i++) {
		text = g_strdup_printf("auth-local { chap-secrets = {\"%s\", \"%s\"} }\n", cs, bad[i]);
		cfg = parse_cfg(text);
		g_free(text);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
		CU_ASSERT_EQUAL(auth_local_check(cfg), -EINVAL);
		cfg_free(cfg);
	}
	g_unlink(cs);
	g_rmdir(dir);
	g_free(cs);
	g_free(dir);
	/* duplicate user names are a parse error */
	CU_ASSERT_PTR_NULL(parse_cfg("username \"a\" { password = \"x\" }\n"
				     "username \"a\" { password = \"y\" }\n"));
	/* a missing chap-secrets file is a warning, not fatal */
	struct warnings w = {0};
	int err = 1;
	cfg = parse_cfg("auth-local { chap-secrets = {\"/nonexistent/cs\"} }\n");
	struct auth_db *db = auth_local_build_db(cfg, on_warn, &w, &err);
	CU_ASSERT_PTR_NOT_NULL(db);
	CU_ASSERT_EQUAL(err, 0);
	CU_ASSERT_EQUAL(w.count, 1);
	CU_ASSERT_PTR_NOT_NULL(strstr(w.last, "/nonexistent/cs"));
	auth_db_free(db);
	cfg_free(cfg);
}

/* The address a user gets travels with the verdict. */
static void test_module_address(void)
{
	struct fixture f;
	struct result r;
	char path[] = "/tmp/vpdnd-test-cs-XXXXXX";
	int fd = mkstemp(path);
	const char *cs = "carol LNS carolpw 17.17.17.9\n";

	CU_ASSERT_FATAL(fd >= 0);
	CU_ASSERT_EQUAL(write(fd, cs, strlen(cs)), (ssize_t)strlen(cs));
	close(fd);
	char *text = g_strdup_printf(
		"username \"remote1@cisco.com\" { password = \"" SECRET1 "\" ip-address = \"17.17.17.1\" }\n"
		"username \"remote2@cisco.com\" { password = \"" SECRET2 "\" }\n"
		"auth-local { chap-secrets = {\"%s\"} }\n", path);
	CU_ASSERT_TRUE_FATAL(fixture_setup(&f, text));
	r = chap_request(&f, "remote1@cisco.com", "LNS", 7, SECRET1);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_EQUAL(r.address.s_addr, inet_addr("17.17.17.1"));
	r = chap_request(&f, "remote2@cisco.com", "LNS", 8, SECRET2);
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_EQUAL(r.address.s_addr, 0);
	r = chap_request(&f, "carol", "LNS", 9, "carolpw");
	CU_ASSERT_TRUE(r.ok);
	CU_ASSERT_EQUAL(r.address.s_addr, inet_addr("17.17.17.9"));
	/* a failure gives no address */
	r = chap_request(&f, "remote1@cisco.com", "LNS", 10, "wrong");
	CU_ASSERT_FALSE(r.ok);
	CU_ASSERT_EQUAL(r.address.s_addr, 0);
	fixture_teardown(&f);
	g_free(text);
	unlink(path);

	/* config check: a bad ip-address is file:line error */
	const char *bad[] = { "x.y", "127.0.0.1", "224.0.0.1", "255.255.255.255", "0.0.0.0" };
	for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
		char *t = g_strdup_printf("username \"a\" { password = \"x\" ip-address = \"%s\" }\n",
					  bad[i]);
		cfg_t *cfg = parse_cfg(t);
		CU_ASSERT_PTR_NOT_NULL_FATAL(cfg);
		CU_ASSERT_EQUAL(auth_local_check(cfg), -EINVAL);
		cfg_free(cfg);
		g_free(t);
	}
}

static const struct vpdn_test_case db_tests[] = {
	{"username entries", test_db_username_entries},
	{"chap-secrets parse", test_chap_secrets_parse},
	{"chap-secrets address column", test_chap_secrets_address},
	{"precedence", test_precedence},
	{"cisco type 7", test_type7},
	{"load file, permissions", test_load_file},
	{"garbage input", test_garbage_input},
	{NULL, NULL},
};

static const struct vpdn_test_case module_tests[] = {
	{"chap", test_module_chap},
	{"chap vector and bad requests", test_module_chap_vector},
	{"pap", test_module_pap},
	{"own secret", test_module_secret},
	{"not authoritative", test_module_not_authoritative},
	{"reload", test_module_reload},
	{"config check", test_config_check},
	{"authorization: the user's address", test_module_address},
	{NULL, NULL},
};

static const struct vpdn_test_suite suites[] = {
	{"auth-local-db", db_tests, NULL, NULL},
	{"auth-local-module", module_tests, NULL, NULL},
	{NULL, NULL, NULL, NULL},
};

VPDN_TEST_MAIN(suites)
