/* SPDX-License-Identifier: MIT */
/* auth-local secrets database and chap-secrets parser. See users.h. */
#include "users.h"

#include <errno.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_WORD 1024              /* as pppd's MAXWORDLEN */
#define MAX_FILE (1024 * 1024)

struct auth_db {
	GPtrArray *entries;        /* struct auth_entry* */
	GPtrArray *origins;        /* char*, file paths */
};

static void entry_free(gpointer p)
{
	struct auth_entry *e = p;

	if (!e)
		return;
	if (e->secret) {
		explicit_bzero(e->secret, e->secret_len);
		g_free(e->secret);
	}
	g_free(e->client);
	g_free(e->server);
	g_free(e);
}

struct auth_db *auth_db_new(void)
{
	struct auth_db *db = g_new0(struct auth_db, 1);

	db->entries = g_ptr_array_new_with_free_func(entry_free);
	db->origins = g_ptr_array_new_with_free_func(g_free);
	return db;
}

void auth_db_free(struct auth_db *db)
{
	if (!db)
		return;
	g_ptr_array_free(db->entries, TRUE);
	g_ptr_array_free(db->origins, TRUE);
	g_free(db);
}

size_t auth_db_count(const struct auth_db *db)
{
	return db ? db->entries->len : 0;
}

const struct auth_entry *auth_db_entry(const struct auth_db *db, size_t i)
{
	if (!db || i >= db->entries->len)
		return NULL;
	return g_ptr_array_index(db->entries, i);
}

static const char *intern_origin(struct auth_db *db, const char *origin)
{
	if (!origin)
		return "config";
	for (guint i = 0; i < db->origins->len; i++)
		if (strcmp(g_ptr_array_index(db->origins, i), origin) == 0)
			return g_ptr_array_index(db->origins, i);
	g_ptr_array_add(db->origins, g_strdup(origin));
	return g_ptr_array_index(db->origins, db->origins->len - 1);
}

static int add_entry(struct auth_db *db, const char *client, const char *server,
		     const void *secret, size_t secret_len, bool shared,
		     const char *origin, unsigned line)
{
	struct auth_entry *e;

	if (!db || !client || !*client || (!secret && secret_len) ||
	    (server && !*server))
		return -EINVAL;
	e = g_new0(struct auth_entry, 1);
	e->client = g_strdup(client);
	e->server = g_strdup(server);
	e->secret = g_malloc(secret_len + 1);
	if (secret_len)
		memcpy(e->secret, secret, secret_len);
	e->secret[secret_len] = '\0';
	e->secret_len = secret_len;
	e->shared = shared;
	e->origin = intern_origin(db, origin);
	e->line = line;
	g_ptr_array_add(db->entries, e);
	return 0;
}

int auth_db_add_user(struct auth_db *db, const char *name,
		     const void *secret, size_t secret_len)
{
	return add_entry(db, name, NULL, secret, secret_len, true, NULL, 0);
}

int auth_db_add_secret(struct auth_db *db, const char *client, const char *server,
		       const void *secret, size_t secret_len,
		       const char *origin, unsigned line)
{
	if (!server)
		return -EINVAL;
	return add_entry(db, client, server, secret, secret_len, false, origin, line);
}

int auth_db_set_last_address(struct auth_db *db, struct in_addr address)
{
	struct auth_entry *e;

	if (!db || !db->entries->len)
		return -EINVAL;
	e = g_ptr_array_index(db->entries, db->entries->len - 1);
	e->address = address;
	return 0;
}

/* --- chap-secrets ------------------------------------------------------ */

/* The fourth column: one unicast IPv4 address, or none. Returns 0 with
 * *a set (0.0.0.0 for "*", "-" or nothing), -EINVAL for what we do not
 * support. */
static int parse_address_word(const char *w, size_t len, struct in_addr *a)
{
	a->s_addr = 0;
	if (len == 0 || (len == 1 && (w[0] == '*' || w[0] == '-')))
		return 0;
	if (memchr(w, '\0', len) || inet_pton(AF_INET, w, a) != 1 || !a->s_addr) {
		a->s_addr = 0;
		return -EINVAL;
	}
	return 0;
}

struct word {
	char buf[MAX_WORD + 1];
	size_t len;
};

static void warnf(auth_db_warn_fn warn, void *data, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void warnf(auth_db_warn_fn warn, void *data, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (!warn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn(msg, data);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

int auth_db_parse_chap_secrets(struct auth_db *db, const char *text, size_t len,
			       const char *origin, auth_db_warn_fn warn, void *data)
{
	/* Four words matter: client, server, secret, address; more
	 * addresses are not supported (warned about). The buffers can hold
	 * a secret: wiped at the end. */
	struct word *w = g_new0(struct word, 4);
	size_t pos = 0;
	unsigned line = 1;
	int added = 0;

	if (!db || (!text && len)) {
		g_free(w);
		return -EINVAL;
	}
	if (!origin)
		origin = "chap-secrets";

	while (pos < len) {
		unsigned entry_line = line;
		unsigned nwords = 0;
		const char *error = NULL;

		for (int i = 0; i < 4; i++)
			w[i].len = 0;
		/* one logical line */
		for (;;) {
			while (pos < len) {
				if (is_blank(text[pos])) {
					pos++;
				} else if (text[pos] == '\\' && pos + 1 < len &&
					   text[pos + 1] == '\n') {
					pos += 2;
					line++;
				} else {
					break;
				}
			}
			if (pos >= len)
				break;
			if (text[pos] == '\n') {
				pos++;
				line++;
				break;
			}
			if (text[pos] == '#') {
				while (pos < len && text[pos] != '\n')
					pos++;
				continue;
			}
			/* a word: plain, quoted and escaped parts concatenated */
			struct word *cur = nwords < 4 ? &w[nwords] : NULL;
			char quote = 0;
			bool too_long = false;

			while (pos < len) {
				char c = text[pos];

				if (quote) {
					if (c == quote) {
						quote = 0;
						pos++;
						continue;
					}
					if (c == '\n')
						break;
				} else {
					if (is_blank(c) || c == '\n')
						break;
					if (c == '"' || c == '\'') {
						quote = c;
						pos++;
						continue;
					}
				}
				if (c == '\\' && pos + 1 < len) {
					if (text[pos + 1] == '\n') {
						pos += 2;
						line++;
						continue;
					}
					c = text[pos + 1];
					pos++;
				}
				pos++;
				if (cur) {
					if (cur->len < MAX_WORD)
						cur->buf[cur->len++] = c;
					else
						too_long = true;
				}
			}
			if (quote && !error)
				error = "unterminated quote";
			if (too_long && !error)
				error = "word longer than 1024 characters";
			nwords++;
		}

		for (int i = 0; i < 4; i++)
			w[i].buf[w[i].len] = '\0';
		if (nwords == 0)
			goto next;
		if (!error && nwords < 3)
			error = "expected \"client server secret [addresses...]\"";
		if (!error && (w[0].len == 0 || w[1].len == 0 ||
			       memchr(w[0].buf, '\0', w[0].len) ||
			       memchr(w[1].buf, '\0', w[1].len)))
			error = "empty or invalid client/server name";
		if (!error && w[2].len > 0 && w[2].buf[0] == '@')
			error = "secrets read from files (@file) are not supported";
		if (error) {
			warnf(warn, data, "%s:%u: %s; line ignored", origin, entry_line, error);
			goto next;
		}
		if (auth_db_add_secret(db, w[0].buf, w[1].buf, w[2].buf, w[2].len,
				       origin, entry_line) < 0) {
			warnf(warn, data, "%s:%u: cannot add entry; line ignored",
			      origin, entry_line);
			goto next;
		}
		added++;
		struct in_addr a;
		if (nwords > 4 || parse_address_word(w[3].buf, w[3].len, &a) < 0)
			warnf(warn, data, "%s:%u: only one IPv4 address is supported in the "
			      "address column; no address given to %s", origin, entry_line,
			      "this client");
		else
			auth_db_set_last_address(db, a);
next:
		continue;
	}
	explicit_bzero(w, 4 * sizeof(*w));
	g_free(w);
	return added;
}

int auth_db_load_chap_secrets(struct auth_db *db, const char *path,
			      auth_db_warn_fn warn, void *data)
{
	struct stat st;
	char *buf = NULL;
	size_t got = 0;
	int fd = -1, r;

	if (!db || !path)
		return -EINVAL;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	if (fstat(fd, &st) < 0) {
		r = -errno;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		r = -EINVAL;
		goto fail;
	}
	if (st.st_size > MAX_FILE) {
		r = -EFBIG;
		goto fail;
	}
	if (st.st_mode & 077)
		warnf(warn, data, "%s: secrets file is accessible by group or others "
		      "(mode %04o); use chmod 600", path, (unsigned)(st.st_mode & 07777));
	buf = g_malloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto fail;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	r = auth_db_parse_chap_secrets(db, buf, got, path, warn, data);
fail:
	if (buf) {
		explicit_bzero(buf, (size_t)st.st_size + 1);
		g_free(buf);
	}
	if (fd >= 0)
		close(fd);
	return r;
}

/* --- lookups ----------------------------------------------------------- */

/* -1 no match, 0 wildcard, weight for an exact match. */
static int name_score(const char *pattern, const char *name, int weight)
{
	if (name && strcmp(pattern, name) == 0)
		return weight;
	if (strcmp(pattern, "*") == 0)
		return 0;
	return -1;
}

static const struct auth_entry *lookup(const struct auth_db *db, const char *client,
				       const char *server, bool own)
{
	const struct auth_entry *best = NULL;
	int best_score = -1;

	if (!db)
		return NULL;
	for (guint i = 0; i < db->entries->len; i++) {
		const struct auth_entry *e = g_ptr_array_index(db->entries, i);
		int score;

		if (e->shared) {
			/* username NAME: NAME's secret toward anyone, and
			 * ours toward NAME */
			const char *who = own ? server : client;
			if (!who || strcmp(e->client, who) != 0)
				continue;
			score = 2;
		} else {
			int c = name_score(e->client, client, 2);
			int s = name_score(e->server, server, 1);
			if (c < 0 || s < 0)
				continue;
			score = c + s;
		}
		if (score > best_score) {
			best = e;
			best_score = score;
		}
	}
	return best;
}

const struct auth_entry *auth_db_lookup_peer(const struct auth_db *db, const char *user,
					     const char *local_name)
{
	if (!user)
		return NULL;
	return lookup(db, user, local_name, false);
}

const struct auth_entry *auth_db_lookup_own(const struct auth_db *db, const char *local_name,
					    const char *peer_name)
{
	if (!peer_name)
		return NULL;
	return lookup(db, local_name, peer_name, true);
}

/* --- Cisco type 7 --------------------------------------------------------- */

/* The fixed XOR key of the type 7 scheme (public knowledge; this is
 * obfuscation, not encryption). */
static const char type7_key[] = "dsfd;kfoA,.iyewrkldJKDHSUBsgvca69834ncxv9873254k;fg87";

int cisco_type7_decode(const char *enc, char *out, size_t size)
{
	size_t n, keylen = sizeof(type7_key) - 1, outlen;
	unsigned offset;

	if (!enc || !out)
		return -EINVAL;
	n = strlen(enc);
	if (n < 2 || n % 2 != 0 || !g_ascii_isdigit(enc[0]) || !g_ascii_isdigit(enc[1]))
		return -EINVAL;
	offset = (unsigned)(enc[0] - '0') * 10 + (unsigned)(enc[1] - '0');
	if (offset >= keylen)
		return -EINVAL;
	outlen = (n - 2) / 2;
	if (outlen + 1 > size)
		return -ENOSPC;
	for (size_t i = 0; i < outlen; i++) {
		int hi = g_ascii_xdigit_value(enc[2 + 2 * i]);
		int lo = g_ascii_xdigit_value(enc[3 + 2 * i]);
		char c;

		if (hi < 0 || lo < 0)
			goto fail;
		c = (char)(((hi << 4) | lo) ^ type7_key[(offset + i) % keylen]);
		if (c == '\0')
			goto fail;
		out[i] = c;
	}
	out[outlen] = '\0';
	return (int)outlen;
fail:
	explicit_bzero(out, size);
	return -EINVAL;
}
