/* SPDX-License-Identifier: MIT */
/*
 * The local secrets database of auth-local: config `username` entries and
 * pppd-style chap-secrets files. No dependency on the core (pure data), so
 * it can be unit-tested and fuzzed alone.
 *
 * Two kinds of entries:
 *  - username entries (IOS `username NAME password SECRET`): NAME's secret,
 *    valid toward any local name, and also the secret WE use when the peer
 *    called NAME challenges us (IOS shared-secret semantics);
 *  - chap-secrets lines `client server secret [address]`: the secret
 *    `client` uses toward `server`; `*` matches any name. The fourth
 *    column, when it is one IPv4 address, is the address the client gets
 *    (IPCP); `*`, `-` or nothing: none given. Other forms (several
 *    addresses, subnets, `!`) are not supported: warned about, no address. To verify peer P
 *    we look for client=P, server=our name; to answer P's challenge as
 *    local name L we look for client=L, server=P (as pppd does).
 * The most specific match wins (exact beats `*`, client before server);
 * among equals the first entry added wins (username entries are added
 * first).
 *
 * Secrets are zeroed when the database is freed.
 */
#ifndef VPDN_AUTH_LOCAL_USERS_H
#define VPDN_AUTH_LOCAL_USERS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct auth_entry {
	char *client;         /* user name, or "*" (chap-secrets only) */
	char *server;         /* "*" / server name; NULL for username entries */
	uint8_t *secret;      /* secret_len octets + a NUL (not counted) */
	size_t secret_len;
	bool shared;          /* a username entry */
	const char *origin;   /* "config" or the file path (owned by the db) */
	unsigned line;        /* line in origin, 0 for config */
	struct in_addr address; /* the client's IPCP address, 0: none given */
};

struct auth_db;

/* Diagnostics while loading (syntax problems, permissions). Never given a
 * secret. */
typedef void (*auth_db_warn_fn)(const char *msg, void *data);

struct auth_db *auth_db_new(void);
void auth_db_free(struct auth_db *db);
size_t auth_db_count(const struct auth_db *db);
const struct auth_entry *auth_db_entry(const struct auth_db *db, size_t i);

/* Add a username entry (shared = true) or a chap-secrets style entry
 * (server non-NULL). Returns 0, -EINVAL, -ENOMEM. */
int auth_db_add_user(struct auth_db *db, const char *name,
		     const void *secret, size_t secret_len);
int auth_db_add_secret(struct auth_db *db, const char *client, const char *server,
		       const void *secret, size_t secret_len,
		       const char *origin, unsigned line);
/* The address of the entry added last (authorization), 0: none. */
int auth_db_set_last_address(struct auth_db *db, struct in_addr address);

/* Parse chap-secrets text (any bytes; bad lines are skipped with a warning
 * naming origin:line). Returns the number of entries added, or -ENOMEM. */
int auth_db_parse_chap_secrets(struct auth_db *db, const char *text, size_t len,
			       const char *origin, auth_db_warn_fn warn, void *data);
/* Read and parse a chap-secrets file. Warns if the file is accessible by
 * group or others (mode & 077). Returns entries added or negative errno
 * (-ENOENT, -EACCES, -EFBIG for files over 1 MiB, ...). */
int auth_db_load_chap_secrets(struct auth_db *db, const char *path,
			      auth_db_warn_fn warn, void *data);

/* The secret of peer `user` toward us (`local_name`, may be NULL: only
 * username entries and `*` servers match). NULL if none. */
const struct auth_entry *auth_db_lookup_peer(const struct auth_db *db, const char *user,
					     const char *local_name);
/* Our secret as `local_name` toward `peer_name`. NULL if none. */
const struct auth_entry *auth_db_lookup_own(const struct auth_db *db, const char *local_name,
					    const char *peer_name);

/* Decode a Cisco "type 7" obfuscated password (two decimal digits of
 * offset, then hex pairs). Writes a NUL-terminated string into out.
 * Returns its length, -EINVAL if malformed, -ENOSPC if out is too small. */
int cisco_type7_decode(const char *enc, char *out, size_t size);

#endif
