/* SPDX-License-Identifier: MIT */
/*
 * The routes an Access-Accept authorizes toward the user: Framed-Route
 * (RFC 2865 §5.22: "prefix[/len] [gateway] [metric ...]") and
 * Framed-IP-Netmask (§5.9: the user's network around its
 * Framed-IP-Address). They travel in the AUTH_REQUEST reply
 * (vpdn_ev_auth_result.routes) to the PPP engine and on in
 * PPP_NETWORK_UP to the ip module, which installs them through the
 * session's interface and removes them when it ends.
 *
 * Every value is from the network: a route that does not parse, has
 * host bits past its length, a length of 0 (a default route through a
 * subscriber) or over 32, a destination that is not unicast, a gateway
 * other than 0.0.0.0 or the user's address (a point-to-point link has
 * no other next hop), a metric over 65535 or more than VPDN_ROUTES_MAX
 * routes are refused one by one; the user is still let in.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "auth-radius.h"

static uint32_t mask_of(unsigned plen)
{
	return plen ? 0xFFFFFFFFu << (32 - plen) : 0;
}

static bool is_unicast(uint32_t h)
{
	return h >> 24 != 0 && h >> 24 != 127 && h >> 28 < 14;
}

/* One decimal number of at most 10 digits: 0, or -EINVAL. */
static int number(const char *s, unsigned long *out)
{
	char *end;

	if (!*s || strlen(s) > 10 || strspn(s, "0123456789") != strlen(s))
		return -EINVAL;
	*out = strtoul(s, &end, 10);
	return 0;
}

int radius_framed_route_parse(const uint8_t *val, size_t len, struct in_addr user,
			      struct vpdn_route4 *out, const char **why)
{
	char text[RADIUS_ATTR_MAX + 1], *save = NULL, *tok, *slash;
	struct in_addr dst, gw;
	unsigned long plen = 32, metric = 0;
	uint32_t h;

	if (len == 0 || len > RADIUS_ATTR_MAX || memchr(val, 0, len)) {
		*why = "empty or not text";
		return -EINVAL;
	}
	memcpy(text, val, len);
	text[len] = '\0';
	tok = strtok_r(text, " ", &save);
	if (!tok) {
		*why = "no prefix";
		return -EINVAL;
	}
	slash = strchr(tok, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, tok, &dst) != 1) {
		*why = "prefix is not a dotted quad";
		return -EINVAL;
	}
	h = ntohl(dst.s_addr);
	if (slash) {
		if (number(slash, &plen) < 0 || plen > 32) {
			*why = "prefix length is not 0..32";
			return -EINVAL;
		}
	} else {    /* §5.22: the class's length when omitted */
		plen = h >> 31 == 0 ? 8 : h >> 30 == 2 ? 16 : 24;
	}
	if (plen == 0) {
		*why = "a default route (length 0) through a user";
		return -EPERM;
	}
	if (h & ~mask_of((unsigned)plen)) {
		*why = "host bits set past the prefix length";
		return -EINVAL;
	}
	if (!is_unicast(h)) {
		*why = "destination is not a unicast network";
		return -EPERM;
	}
	tok = strtok_r(NULL, " ", &save);
	if (tok) {
		if (inet_pton(AF_INET, tok, &gw) != 1) {
			*why = "gateway is not a dotted quad";
			return -EINVAL;
		}
		if (gw.s_addr && (!user.s_addr || gw.s_addr != user.s_addr)) {
			*why = "gateway is not the user (0.0.0.0 or its Framed-IP-Address)";
			return -EPERM;
		}
		tok = strtok_r(NULL, " ", &save);
	}
	/* the first metric counts; the others (RFC: "one or more") ignored */
	if (tok && (number(tok, &metric) < 0 || metric > 65535)) {
		*why = "metric is not 0..65535";
		return -EINVAL;
	}
	out->dst = dst;
	out->plen = (uint8_t)plen;
	out->metric = (uint32_t)metric;
	return 0;
}

int radius_framed_netmask_route(struct in_addr address, struct in_addr netmask,
				struct vpdn_route4 *out, const char **why)
{
	uint32_t m = ntohl(netmask.s_addr), a = ntohl(address.s_addr);
	unsigned plen = (unsigned)__builtin_popcount(m);

	if (m != mask_of(plen)) {
		*why = "Framed-IP-Netmask is not contiguous";
		return -EINVAL;
	}
	if (plen == 32)
		return 0;   /* the host route: nothing more */
	if (!address.s_addr) {
		*why = "Framed-IP-Netmask without a Framed-IP-Address";
		return -EINVAL;
	}
	if (plen < 8) {
		*why = "Framed-IP-Netmask shorter than /8";
		return -EPERM;
	}
	out->dst.s_addr = htonl(a & m);
	out->plen = (uint8_t)plen;
	out->metric = 0;
	return 1;
}

void radius_authz_routes(const struct radius_view *v, struct radius_authz *z)
{
	struct radius_attr a;
	struct vpdn_route4 rt;
	const char *why = NULL;
	size_t pos = 0;
	int r;

	z->n_route4 = 0;
	z->routes_refused = 0;
	z->route_refusal[0] = '\0';
	if (z->netmask.s_addr) {
		r = radius_framed_netmask_route(z->address, z->netmask, &rt, &why);
		if (r > 0)
			z->route4[z->n_route4++] = rt;
		else if (r < 0) {
			z->routes_refused++;
			snprintf(z->route_refusal, sizeof(z->route_refusal), "%s", why);
		}
	}
	while (radius_next(v, &pos, &a)) {
		if (a.type != RADIUS_FRAMED_ROUTE)
			continue;
		r = radius_framed_route_parse(a.val, a.len, z->address, &rt, &why);
		if (r == 0 && z->n_route4 == VPDN_ROUTES_MAX) {
			r = -E2BIG;
			why = "more routes than the node keeps per session";
		}
		if (r < 0) {
			if (!z->routes_refused++) {
				char t[64];
				size_t n = MIN(a.len, sizeof(t) - 1), o;
				for (o = 0; o < n; o++)
					t[o] = a.val[o] >= 0x20 && a.val[o] < 0x7F ? (char)a.val[o] : '?';
				t[o] = '\0';
				snprintf(z->route_refusal, sizeof(z->route_refusal),
					 "Framed-Route \"%s\": %s", t, why);
			}
			continue;
		}
		z->route4[z->n_route4++] = rt;
	}
}
