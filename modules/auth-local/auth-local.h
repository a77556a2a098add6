/* SPDX-License-Identifier: MIT */
/*
 * auth-local: verifies peers (VPDN_EV_AUTH_REQUEST) and supplies our own
 * secrets (VPDN_EV_SECRET_REQUEST) from local users.
 *
 * Config (top level):
 *   username "remote1@cisco.com" { password = "cisco" }
 *   username "remote2@cisco.com" { password = "02050D480809" password-type = 7 }
 *   auth-local {
 *     chap-secrets = {"/etc/ppp/chap-secrets"}   # pppd format, optional
 *     authoritative = true   # false: unknown users are passed on (RADIUS)
 *   }
 *
 * AUTH_REQUEST replies: status 0 and ok = true on success; status -EACCES
 * and ok = false with a reason ("unknown user", "bad response", "bad
 * password", "bad request") on failure. The reply is always given.
 * SECRET_REQUEST: status 0 with the secret, or -ENOENT (authoritative) /
 * not claimed (non-authoritative) when there is none.
 * Both requests are completed synchronously, inside the claiming handler
 * (the bus delivers the answer to the requester on the next main-loop turn).
 */
#ifndef VPDN_AUTH_LOCAL_H
#define VPDN_AUTH_LOCAL_H

#include <confuse.h>

#include <vpdnd/core.h>

#include "users.h"

struct auth_local;

/* The top-level options this module owns (the descriptor's `options`). */
extern cfg_opt_t auth_local_options[];

/* Semantic checks (password present, password-type 0 or 7 and decodable).
 * Reports with cfg_error(); returns 0 or -EINVAL. */
int auth_local_check(cfg_t *cfg);

/* Build the database from cfg (username sections + chap-secrets files).
 * warn gets non-fatal problems. Returns a new db or NULL (-errno in *err). */
struct auth_db *auth_local_build_db(cfg_t *cfg, auth_db_warn_fn warn, void *data, int *err);

int auth_local_new(struct vpdn_core *core, cfg_t *cfg, struct auth_local **out);
/* New users/files take effect for new requests. On error the old set stays. */
int auth_local_reload(struct auth_local *al, cfg_t *cfg);
void auth_local_free(struct auth_local *al);

#endif
