/* SPDX-License-Identifier: MIT */
/*
 * Dynamic authorization server (RFC 5176) on UDP 3799: Disconnect-Request
 * and CoA-Request from configured clients only.
 *
 *   radius { dynamic-authorization {
 *     listen = "127.0.0.1"  port = 3799
 *     client "127.0.0.1" { secret = "..." }
 *   } }
 *
 * A datagram from an address that is no client, malformed, or whose
 * Request Authenticator (or Message-Authenticator, when present) does not
 * verify with that client's secret is dropped silently (counted, logged):
 * RFC 5176 §3. Otherwise the answer is an ACK or a NAK with Error-Cause:
 * 403 NAS Identification Mismatch (NAS-Identifier / NAS-IP-Address not
 * ours), 402 Missing Attribute (no session identifier), 401 Unsupported
 * Attribute (a CoA changing anything but Session-Timeout / Idle-Timeout),
 * 404 Invalid Request (an attribute of a wrong length), 503 Session
 * Context Not Found. The answer carries a Message-Authenticator when the
 * request did.
 */
#ifndef VPDN_RADIUS_DAE_H
#define VPDN_RADIUS_DAE_H

#include <confuse.h>

#include <vpdnd/core.h>

#include "acct.h"

struct dae;

extern cfg_opt_t dae_options[];
/* Checks a `dynamic-authorization` section (inside radius). */
int dae_check(cfg_t *radius_sec);
/* NULL section: none (returns NULL with *err 0). */
struct dae *dae_new(struct vpdn_core *core, struct acct *acct, cfg_t *sec, int *err);
void dae_free(struct dae *d);

#endif
