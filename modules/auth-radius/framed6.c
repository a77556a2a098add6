/* SPDX-License-Identifier: MIT */
/*
 * The IPv6 authorization of an Access-Accept (issue #18), into the
 * contract struct vpdn_auth_ipv6 the PPP engine hands on with IPv6CP:
 *
 *   Framed-Interface-Id (96, RFC 3162)        the peer's IPv6CP identifier
 *   Framed-IPv6-Prefix (97, RFC 3162)         the prefix advertised (RA)
 *   Framed-IPv6-Pool (100, RFC 3162)          the pool it comes from
 *   Delegated-IPv6-Prefix (123, RFC 4818)     DHCPv6 prefix delegation
 *   DNS-Server-IPv6-Address (169, RFC 6911)   at most two kept
 *   Delegated-IPv6-Prefix-Pool (171, RFC 6911) the pool PD comes from
 *
 * (numbers as in FreeRADIUS 3.2's dictionary.rfc3162, .rfc4818,
 * .rfc6911). Every value is from the network: a prefix whose length is
 * over 128 or 0, whose prefix field is longer than 16 octets or shorter
 * than its length needs, with bits set past its length, that is
 * link-local, multicast, loopback, unspecified or IPv4-mapped; an
 * interface identifier that is not 8 octets or is all zero; a DNS
 * address that is not 16 octets or not global unicast; an attribute
 * given twice (the first is kept): each is refused alone, counted and
 * named in the log line, and the user is still let in (as Framed-Route).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "auth-radius.h"

static bool addr_usable(const struct in6_addr *a, const char **why)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a) || IN6_IS_ADDR_LOOPBACK(a)) {
		*why = "unspecified or loopback";
		return false;
	}
	if (IN6_IS_ADDR_LINKLOCAL(a) || IN6_IS_ADDR_SITELOCAL(a)) {
		*why = "link-local or site-local";
		return false;
	}
	if (IN6_IS_ADDR_MULTICAST(a)) {
		*why = "multicast";
		return false;
	}
	if (IN6_IS_ADDR_V4MAPPED(a) || IN6_IS_ADDR_V4COMPAT(a)) {
		*why = "an IPv4-mapped address";
		return false;
	}
	return true;
}

int radius_prefix6_parse(const uint8_t *val, size_t len, struct in6_addr *out, uint8_t *plen,
			 const char **why)
{
	struct in6_addr p = IN6ADDR_ANY_INIT;

	/* Reserved (1), Prefix-Length (1), Prefix (0..16) */
	if (len < 2 || len > 18) {
		*why = "has a wrong length";
		return -EINVAL;
	}
	if (val[1] == 0 || val[1] > 128) {
		*why = "prefix length is 0 or over 128";
		return -EINVAL;
	}
	if (len - 2 < (size_t)(val[1] + 7) / 8) {
		*why = "prefix field shorter than its length";
		return -EINVAL;
	}
	memcpy(p.s6_addr, val + 2, len - 2);
	for (unsigned bit = val[1]; bit < 128; bit++) {
		if (p.s6_addr[bit / 8] & (0x80u >> (bit % 8))) {
			*why = "bits set past the prefix length";
			return -EINVAL;
		}
	}
	if (!addr_usable(&p, why))
		return -EPERM;
	*out = p;
	*plen = val[1];
	return 0;
}

static void pool_text(char *dst, size_t size, const uint8_t *v, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < size; i++)
		dst[o++] = v[i] >= 0x20 && v[i] < 0x7F ? (char)v[i] : '?';
	dst[o] = '\0';
}

static void refuse(struct radius_authz *z, const struct radius_attr *a, const char *why)
{
	if (!z->ipv6_refused++)
		snprintf(z->ipv6_refusal, sizeof(z->ipv6_refusal), "%s: %s",
			 radius_attr_name(a->type), why);
}

void radius_authz_ipv6(const struct radius_view *v, struct radius_authz *z)
{
	struct vpdn_auth_ipv6 *x = &z->ipv6;
	bool seen_fp = false, seen_dp = false;
	struct radius_attr a;
	const char *why = NULL;
	size_t pos = 0;

	memset(x, 0, sizeof(*x));
	z->has_ipv6 = false;
	z->ipv6_pool[0] = z->ipv6_dpool[0] = '\0';
	z->ipv6_refused = 0;
	z->ipv6_refusal[0] = '\0';
	while (radius_next(v, &pos, &a)) {
		switch (a.type) {
		case RADIUS_FRAMED_IPV6_PREFIX:
		case RADIUS_DELEGATED_IPV6_PREFIX: {
			bool fp = a.type == RADIUS_FRAMED_IPV6_PREFIX;
			if (fp ? seen_fp : seen_dp) {
				refuse(z, &a, "given twice (the first kept)");
				break;
			}
			if (radius_prefix6_parse(a.val, a.len,
						 fp ? &x->framed_prefix : &x->delegated_prefix,
						 fp ? &x->framed_plen : &x->delegated_plen, &why) < 0) {
				refuse(z, &a, why);
				break;
			}
			*(fp ? &seen_fp : &seen_dp) = true;
			z->has_ipv6 = true;
			break;
		}
		case RADIUS_FRAMED_INTERFACE_ID: {
			static const uint8_t zero[8];
			if (a.len != 8) {
				refuse(z, &a, "is not 8 octets");
			} else if (!memcmp(a.val, zero, 8)) {
				refuse(z, &a, "is all zero");
			} else if (x->has_interface_id) {
				refuse(z, &a, "given twice (the first kept)");
			} else {
				memcpy(x->interface_id, a.val, 8);
				x->has_interface_id = true;
				z->has_ipv6 = true;
			}
			break;
		}
		case RADIUS_DNS_SERVER_IPV6_ADDRESS: {
			struct in6_addr d;
			if (a.len != 16) {
				refuse(z, &a, "is not 16 octets");
				break;
			}
			memcpy(d.s6_addr, a.val, 16);
			if (!addr_usable(&d, &why)) {
				refuse(z, &a, why);
			} else if (x->n_dns == G_N_ELEMENTS(x->dns)) {
				refuse(z, &a, "more than two (the first two kept)");
			} else {
				x->dns[x->n_dns++] = d;
				z->has_ipv6 = true;
			}
			break;
		}
		case RADIUS_FRAMED_IPV6_POOL:
		case RADIUS_DELEGATED_IPV6_PREFIX_POOL: {
			char *dst = a.type == RADIUS_FRAMED_IPV6_POOL ? z->ipv6_pool : z->ipv6_dpool;
			if (!a.len) {
				refuse(z, &a, "is empty");
			} else if (dst[0]) {
				refuse(z, &a, "given twice (the first kept)");
			} else {
				pool_text(dst, sizeof(z->ipv6_pool), a.val, a.len);
				z->has_ipv6 = true;
			}
			break;
		}
		default:
			break;
		}
	}
}

const struct vpdn_auth_ipv6 *radius_authz_ipv6_result(struct radius_authz *z,
						       struct vpdn_auth_ipv6 *out)
{
	if (!z->has_ipv6)
		return NULL;
	*out = z->ipv6;
	out->framed_pool = z->ipv6_pool[0] ? z->ipv6_pool : NULL;
	out->delegated_pool = z->ipv6_dpool[0] ? z->ipv6_dpool : NULL;
	return out;
}
