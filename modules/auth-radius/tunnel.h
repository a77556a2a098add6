/* SPDX-License-Identifier: MIT */
/*
 * auth-radius at the LAC: VPDN_EV_TUNNEL_AUTHORIZE answered from the
 * RFC 2868 Tunnel-* attributes of an Access-Accept. The Access-Request
 * authenticates the user with the credentials PPP captured (CHAP or PAP,
 * the proxy of the forward request); the Accept's tagged sets become the
 * endpoints, sorted by Tunnel-Preference (lower first; equal: tag order).
 *
 * A set (one tag) is used when it has Tunnel-Type = L2TP (3), a
 * Tunnel-Medium-Type of IPv4 (1) or IPv6 (2) if any, and a
 * Tunnel-Server-Endpoint that is a literal address of that family (no
 * names: a lookup would block). A set without Tunnel-Type, of another
 * type, with an endpoint that is no address, with an attribute twice or a
 * Tunnel-Password that does not decrypt is refused (counted, logged);
 * more than VPDN_TUNNEL_ENDPOINTS_MAX usable sets: the best ones are kept,
 * the rest counted as dropped.
 */
#ifndef VPDN_RADIUS_TUNNEL_H
#define VPDN_RADIUS_TUNNEL_H

#include <vpdnd/core.h>

#include "radius.h"

struct radius_tunnels {
	unsigned n;                   /* usable endpoints in ep[] */
	struct vpdn_tunnel_endpoint ep[VPDN_TUNNEL_ENDPOINTS_MAX];
	unsigned seen;                /* sets (tags) with any Tunnel-* attribute */
	unsigned refused;             /* sets refused */
	unsigned dropped;             /* usable sets beyond the bound */
	char why[96];                 /* the first refusal, printable */
	/* the strings ep[] points to; password wiped by radius_tunnels_clear */
	char password[VPDN_TUNNEL_ENDPOINTS_MAX][RADIUS_ATTR_MAX + 1];
	char assignment_id[VPDN_TUNNEL_ENDPOINTS_MAX][RADIUS_ATTR_MAX + 1];
	char client_auth_id[VPDN_TUNNEL_ENDPOINTS_MAX][RADIUS_ATTR_MAX + 1];
	char server_auth_id[VPDN_TUNNEL_ENDPOINTS_MAX][RADIUS_ATTR_MAX + 1];
};

/* Parse an Access-Accept's Tunnel-* sets. req_auth: the Request
 * Authenticator it answers, secret: the server's (Tunnel-Password).
 * Returns out->n (0: no usable set; see seen/refused). */
int radius_tunnels_parse(const struct radius_view *v, const uint8_t *req_auth,
			 const uint8_t *secret, size_t secret_len, struct radius_tunnels *out);
void radius_tunnels_clear(struct radius_tunnels *t);

struct radius_tunnel_authz;
struct radius_client;
/* Claims TUNNEL_AUTHORIZE while a client with servers is set. */
struct radius_tunnel_authz *radius_tunnel_authz_new(struct vpdn_core *core);
void radius_tunnel_authz_set(struct radius_tunnel_authz *ta, struct radius_client *client,
			     const char *nas_id, struct in_addr nas_ip);
void radius_tunnel_authz_free(struct radius_tunnel_authz *ta);

#endif
