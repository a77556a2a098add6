/* SPDX-License-Identifier: MIT */
/*
 * A PPP control packet as one line of text, for `debug ppp packet`:
 * protocol, code, identifier, length and the options (LCP, IPCP, IPv6CP) or the
 * fields (CHAP, PAP) decoded. CHAP values and PAP passwords are never
 * rendered (VPDN_SECRET_MASK); names and messages from the wire are made
 * printable and bounded.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include <vpdnd/log.h>

#include "ppp-private.h"

struct out {
	char *p;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = MIN(o->len + (size_t)n, o->size - 1);
}

static void put_text(struct out *o, const uint8_t *p, size_t n)
{
	char s[72];

	vpdn_log_printable(s, sizeof(s), p, n, 64);
	put(o, "\"%s\"", s);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const char *code_name(unsigned code)
{
	static const char *const n[] = { NULL, "ConfReq", "ConfAck", "ConfNak", "ConfRej",
					 "TermReq", "TermAck", "CodeRej", "ProtRej", "EchoReq",
					 "EchoRep", "DiscReq" };

	return code < G_N_ELEMENTS(n) && n[code] ? n[code] : NULL;
}

static void lcp_option(struct out *o, unsigned type, const uint8_t *v, size_t n)
{
	switch (type) {
	case LCP_OPT_MRU:
		if (n == 2) {
			put(o, "MRU %u", (unsigned)v[0] << 8 | v[1]);
			return;
		}
		break;
	case LCP_OPT_ACCM:
		if (n == 4) {
			put(o, "ACCM 0x%08X", get32(v));
			return;
		}
		break;
	case LCP_OPT_AUTH:
		if (n >= 2) {
			unsigned proto = (unsigned)v[0] << 8 | v[1];

			if (proto == PPP_CHAP && n == 3)
				put(o, "AuthProto CHAP (alg %u%s)", v[2], v[2] == 5 ? ", MD5" : "");
			else if (proto == PPP_PAP)
				put(o, "AuthProto PAP");
			else
				put(o, "AuthProto 0x%04X", proto);
			return;
		}
		break;
	case LCP_OPT_MAGIC:
		if (n == 4) {
			put(o, "MagicNumber 0x%08X", get32(v));
			return;
		}
		break;
	case LCP_OPT_PFC:
		put(o, "PFC");
		return;
	case LCP_OPT_ACFC:
		put(o, "ACFC");
		return;
	default:
		break;
	}
	put(o, "option %u (%zu octets)", type, n);
}

static void ipcp_option(struct out *o, unsigned type, const uint8_t *v, size_t n)
{
	const char *name = type == IPCP_OPT_ADDR ? "Address" :
			   type == IPCP_OPT_DNS1 ? "PrimaryDNS" :
			   type == IPCP_OPT_DNS2 ? "SecondaryDNS" : NULL;

	if (name && n == 4) {
		put(o, "%s %u.%u.%u.%u", name, v[0], v[1], v[2], v[3]);
		return;
	}
	if (type == IPCP_OPT_COMPRESS && n >= 2) {
		put(o, "IPCompression 0x%04X", (unsigned)v[0] << 8 | v[1]);
		return;
	}
	put(o, "option %u (%zu octets)", type, n);
}

static void ipv6cp_option(struct out *o, unsigned type, const uint8_t *v, size_t n)
{
	if (type == IPV6CP_OPT_IFID && n == 8) {
		put(o, "Interface-Id %02X%02X:%02X%02X:%02X%02X:%02X%02X", v[0], v[1], v[2], v[3],
		    v[4], v[5], v[6], v[7]);
		return;
	}
	put(o, "option %u (%zu octets)", type, n);
}

static void options(struct out *o, uint16_t proto, const uint8_t *p, size_t n)
{
	bool first = true;

	while (n >= 2) {
		size_t l = p[1];

		if (l < 2 || l > n) {
			put(o, "%sbad option length %zu", first ? ": " : ", ", l);
			return;
		}
		put(o, "%s", first ? ": " : ", ");
		if (proto == PPP_LCP)
			lcp_option(o, p[0], p + 2, l - 2);
		else if (proto == PPP_IPV6CP)
			ipv6cp_option(o, p[0], p + 2, l - 2);
		else
			ipcp_option(o, p[0], p + 2, l - 2);
		first = false;
		p += l;
		n -= l;
	}
}

static void chap(struct out *o, unsigned code, const uint8_t *p, size_t n)
{
	static const char *const names[] = { NULL, "Challenge", "Response", "Success", "Failure" };

	put(o, "CHAP %s", code < G_N_ELEMENTS(names) && names[code] ? names[code] : "code");
	if (code < 1 || code > 4)
		put(o, " %u", code);
	put(o, " id %u len %zu", p[1], n);
	if ((code == 1 || code == 2) && n >= 5 && 5u + p[4] <= n) {
		/* The value: the peer's challenge or its response. The
		 * response is a function of the secret: masked; the
		 * challenge only by length, like the L2TP proxy AVPs. */
		if (code == 2)
			put(o, ": value " VPDN_SECRET_MASK ", name ");
		else
			put(o, ": value %u octets, name ", p[4]);
		put_text(o, p + 5 + p[4], n - 5 - p[4]);
	} else if ((code == 3 || code == 4) && n > 4) {
		put(o, ": ");
		put_text(o, p + 4, n - 4);
	}
}

static void pap(struct out *o, unsigned code, const uint8_t *p, size_t n)
{
	static const char *const names[] = { NULL, "AuthReq", "AuthAck", "AuthNak" };

	put(o, "PAP %s", code < G_N_ELEMENTS(names) && names[code] ? names[code] : "code");
	if (code < 1 || code > 3)
		put(o, " %u", code);
	put(o, " id %u len %zu", p[1], n);
	if (code == 1 && n >= 5 && 5u + p[4] < n) {
		put(o, ": peer-id ");
		put_text(o, p + 5, p[4]);
		put(o, ", password " VPDN_SECRET_MASK);
	} else if ((code == 2 || code == 3) && n >= 5 && 5u + p[4] <= n) {
		put(o, ": ");
		put_text(o, p + 5, p[4]);
	}
}

char *ppp_packet_text(uint16_t proto, const uint8_t *p, size_t n, char *dst, size_t size)
{
	struct out o = { .p = dst, .size = size };
	size_t len;

	if (!size)
		return dst;
	dst[0] = '\0';
	if (n < 4) {
		put(&o, "protocol 0x%04X, %zu octets (short)", proto, n);
		return dst;
	}
	/* The Length field decides; octets past it are padding. */
	len = (size_t)p[2] << 8 | p[3];
	if (len < 4 || len > n) {
		put(&o, "protocol 0x%04X code %u id %u: bad length %zu of %zu", proto, p[0], p[1],
		    len, n);
		return dst;
	}
	switch (proto) {
	case PPP_CHAP:
		chap(&o, p[0], p, len);
		return dst;
	case PPP_PAP:
		pap(&o, p[0], p, len);
		return dst;
	case PPP_LCP:
	case PPP_IPCP:
	case PPP_IPV6CP: {
		const char *c = code_name(p[0]);

		put(&o, "%s ", proto == PPP_LCP ? "LCP" : proto == PPP_IPCP ? "IPCP" : "IPV6CP");
		if (c && (proto == PPP_LCP || p[0] <= 7))
			put(&o, "%s", c);
		else
			put(&o, "code %u", p[0]);
		put(&o, " id %u len %zu", p[1], len);
		if (p[0] >= 1 && p[0] <= 4)
			options(&o, proto, p + 4, len - 4);
		else if (proto == PPP_LCP && p[0] >= 9 && p[0] <= 11 && len >= 8)
			put(&o, ": magic 0x%08X", get32(p + 4));
		else if (proto == PPP_LCP && p[0] == 8 && len >= 6)
			put(&o, ": protocol 0x%04X", (unsigned)p[4] << 8 | p[5]);
		return dst;
	}
	default:
		put(&o, "protocol 0x%04X code %u id %u len %zu", proto, p[0], p[1], len);
		return dst;
	}
}
