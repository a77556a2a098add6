/* SPDX-License-Identifier: MIT */
/* DHCPv6 (RFC 8415) codec; see dhcpv6.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "dhcpv6.h"

const char *dhcpv6_msg_type_name(int type)
{
	switch (type) {
	case DHCPV6_SOLICIT: return "SOLICIT";
	case DHCPV6_ADVERTISE: return "ADVERTISE";
	case DHCPV6_REQUEST: return "REQUEST";
	case DHCPV6_CONFIRM: return "CONFIRM";
	case DHCPV6_RENEW: return "RENEW";
	case DHCPV6_REBIND: return "REBIND";
	case DHCPV6_REPLY: return "REPLY";
	case DHCPV6_RELEASE: return "RELEASE";
	case DHCPV6_DECLINE: return "DECLINE";
	case DHCPV6_RECONFIGURE: return "RECONFIGURE";
	case DHCPV6_INFORMATION_REQUEST: return "INFORMATION-REQUEST";
	case DHCPV6_RELAY_FORW: return "RELAY-FORW";
	case DHCPV6_RELAY_REPL: return "RELAY-REPL";
	default: return "UNKNOWN";
	}
}

const char *dhcpv6_status_name(int status)
{
	switch (status) {
	case DHCPV6_STATUS_SUCCESS: return "Success";
	case DHCPV6_STATUS_UNSPEC_FAIL: return "UnspecFail";
	case DHCPV6_STATUS_NO_ADDRS_AVAIL: return "NoAddrsAvail";
	case DHCPV6_STATUS_NO_BINDING: return "NoBinding";
	case DHCPV6_STATUS_NOT_ON_LINK: return "NotOnLink";
	case DHCPV6_STATUS_USE_MULTICAST: return "UseMulticast";
	case DHCPV6_STATUS_NO_PREFIX_AVAIL: return "NoPrefixAvail";
	default: return "Unknown";
	}
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24; p[1] = (v >> 16) & 0xff; p[2] = (v >> 8) & 0xff; p[3] = v & 0xff;
}

static int duid_set(struct dhcpv6_duid *d, const uint8_t *head, size_t nh,
		    const uint8_t *rest, size_t n)
{
	if (n < 1 || nh + n > DHCPV6_DUID_MAX || (n && !rest))
		return -EINVAL;
	memcpy(d->data, head, nh);
	memcpy(d->data + nh, rest, n);
	d->len = (uint16_t)(nh + n);
	return 0;
}

int dhcpv6_duid_ll(struct dhcpv6_duid *d, uint16_t hwtype, const uint8_t *lladdr, size_t n)
{
	uint8_t h[4];

	put16(h, DHCPV6_DUID_LL);
	put16(h + 2, hwtype);
	return duid_set(d, h, sizeof(h), lladdr, n);
}

int dhcpv6_duid_llt(struct dhcpv6_duid *d, uint16_t hwtype, uint32_t time,
		    const uint8_t *lladdr, size_t n)
{
	uint8_t h[8];

	put16(h, DHCPV6_DUID_LLT);
	put16(h + 2, hwtype);
	put32(h + 4, time);
	return duid_set(d, h, sizeof(h), lladdr, n);
}

int dhcpv6_duid_en(struct dhcpv6_duid *d, uint32_t enterprise, const uint8_t *id, size_t n)
{
	uint8_t h[6];

	put16(h, DHCPV6_DUID_EN);
	put32(h + 2, enterprise);
	return duid_set(d, h, sizeof(h), id, n);
}

uint16_t dhcpv6_duid_type(const struct dhcpv6_duid *d)
{
	return d->len >= 2 ? get16(d->data) : 0;
}

bool dhcpv6_duid_eq(const struct dhcpv6_duid *a, const struct dhcpv6_duid *b)
{
	return a->len == b->len && !memcmp(a->data, b->data, a->len);
}

char *dhcpv6_duid_format(const struct dhcpv6_duid *d, char *dst, size_t size)
{
	size_t o = 0;

	if (!size)
		return dst;
	dst[0] = '\0';
	for (size_t i = 0; i < d->len && o + 4 <= size; i++)
		o += (size_t)snprintf(dst + o, size - o, i ? ":%02x" : "%02x", d->data[i]);
	return dst;
}

void dhcpv6_status_set(struct dhcpv6_status_code *s, uint16_t code, const char *msg)
{
	size_t n = msg ? strlen(msg) : 0;

	s->present = true;
	s->code = code;
	if (n > DHCPV6_STATUS_MSG_MAX)
		n = DHCPV6_STATUS_MSG_MAX;
	if (n)
		memcpy(s->msg, msg, n);
	s->msg_len = (uint8_t)n;
}

bool dhcpv6_oro_has(const struct dhcpv6_msg *m, uint16_t opt)
{
	for (size_t i = 0; i < m->n_oro; i++)
		if (m->oro[i] == opt)
			return true;
	return false;
}

/* ---- decode ---- */

#define FAIL(err, text) do { *why = (text); return (err); } while (0)

/* Walk options in [p, p+len): each must fit; calls fn for each. */
typedef int (*opt_fn)(uint16_t code, const uint8_t *v, uint16_t n, void *ctx, const char **why);

static int walk(const uint8_t *p, size_t len, opt_fn fn, void *ctx, const char **why)
{
	while (len) {
		if (len < 4)
			FAIL(-EBADMSG, "truncated option header");
		uint16_t code = get16(p), n = get16(p + 2);
		if (n > len - 4)
			FAIL(-EBADMSG, "option overruns its container");
		int r = fn(code, p + 4, n, ctx, why);
		if (r < 0)
			return r;
		p += 4 + (size_t)n;
		len -= 4 + (size_t)n;
	}
	return 0;
}

static int status_decode(struct dhcpv6_status_code *s, const uint8_t *v, uint16_t n,
			 const char **why)
{
	if (s->present)
		FAIL(-EBADMSG, "duplicate Status Code");
	if (n < 2)
		FAIL(-EBADMSG, "Status Code shorter than 2 octets");
	s->present = true;
	s->code = get16(v);
	size_t m = n - 2u;
	if (m > DHCPV6_STATUS_MSG_MAX)
		m = DHCPV6_STATUS_MSG_MAX;
	memcpy(s->msg, v + 2, m);
	s->msg_len = (uint8_t)m;
	return 0;
}

static int iaprefix_opt(uint16_t code, const uint8_t *v, uint16_t n, void *ctx, const char **why)
{
	struct dhcpv6_iaprefix *x = ctx;

	if (code == DHCPV6_OPT_STATUS_CODE)
		return status_decode(&x->status, v, n, why);
	return 0;   /* other options inside IAPREFIX: ignored */
}

static int ia_pd_opt(uint16_t code, const uint8_t *v, uint16_t n, void *ctx, const char **why)
{
	struct dhcpv6_ia_pd *ia = ctx;

	if (code == DHCPV6_OPT_STATUS_CODE)
		return status_decode(&ia->status, v, n, why);
	if (code != DHCPV6_OPT_IAPREFIX)
		return 0;
	if (n < 25)
		FAIL(-EBADMSG, "IAPREFIX shorter than 25 octets");
	if (ia->n_prefix >= DHCPV6_MAX_PREFIX)
		FAIL(-E2BIG, "too many IAPREFIX options in an IA_PD");
	struct dhcpv6_iaprefix *x = &ia->prefix[ia->n_prefix];
	memset(x, 0, sizeof(*x));
	x->preferred = get32(v);
	x->valid = get32(v + 4);
	x->plen = v[8];
	if (x->plen > 128)
		FAIL(-EBADMSG, "IAPREFIX prefix length past 128");
	memcpy(&x->prefix, v + 9, 16);
	int r = walk(v + 25, n - 25u, iaprefix_opt, x, why);
	if (r < 0)
		return r;
	ia->n_prefix++;
	return 0;
}

static int duid_decode(struct dhcpv6_duid *d, const uint8_t *v, uint16_t n, const char *dup,
		       const char *bad, const char **why)
{
	if (d->len)
		FAIL(-EBADMSG, dup);
	if (n < 3 || n > DHCPV6_DUID_MAX)
		FAIL(-EBADMSG, bad);
	memcpy(d->data, v, n);
	d->len = n;
	return 0;
}

static int msg_opt(uint16_t code, const uint8_t *v, uint16_t n, void *ctx, const char **why)
{
	struct dhcpv6_msg *m = ctx;

	switch (code) {
	case DHCPV6_OPT_CLIENTID:
		return duid_decode(&m->client_id, v, n, "duplicate Client Identifier",
				   "Client Identifier not 3..130 octets", why);
	case DHCPV6_OPT_SERVERID:
		return duid_decode(&m->server_id, v, n, "duplicate Server Identifier",
				   "Server Identifier not 3..130 octets", why);
	case DHCPV6_OPT_IA_PD: {
		if (n < 12)
			FAIL(-EBADMSG, "IA_PD shorter than 12 octets");
		if (m->n_ia_pd >= DHCPV6_MAX_IA_PD)
			FAIL(-E2BIG, "too many IA_PD options");
		struct dhcpv6_ia_pd *ia = &m->ia_pd[m->n_ia_pd];
		memset(ia, 0, sizeof(*ia));
		ia->iaid = get32(v);
		ia->t1 = get32(v + 4);
		ia->t2 = get32(v + 8);
		for (size_t i = 0; i < m->n_ia_pd; i++)
			if (m->ia_pd[i].iaid == ia->iaid)
				FAIL(-EBADMSG, "two IA_PD options with one IAID");
		int r = walk(v + 12, n - 12u, ia_pd_opt, ia, why);
		if (r < 0)
			return r;
		m->n_ia_pd++;
		return 0;
	}
	case DHCPV6_OPT_IA_NA:
	case DHCPV6_OPT_IA_TA:
		m->n_ia_na++;
		return 0;
	case DHCPV6_OPT_ORO:
		if (m->n_oro)
			FAIL(-EBADMSG, "duplicate Option Request");
		if (n % 2)
			FAIL(-EBADMSG, "Option Request of odd length");
		for (size_t i = 0; i < n / 2u && m->n_oro < DHCPV6_MAX_ORO; i++)
			m->oro[m->n_oro++] = get16(v + 2 * i);
		return 0;
	case DHCPV6_OPT_PREFERENCE:
		if (m->has_preference)
			FAIL(-EBADMSG, "duplicate Preference");
		if (n != 1)
			FAIL(-EBADMSG, "Preference not 1 octet");
		m->has_preference = true;
		m->preference = v[0];
		return 0;
	case DHCPV6_OPT_ELAPSED_TIME:
		if (m->has_elapsed)
			FAIL(-EBADMSG, "duplicate Elapsed Time");
		if (n != 2)
			FAIL(-EBADMSG, "Elapsed Time not 2 octets");
		m->has_elapsed = true;
		m->elapsed = get16(v);
		return 0;
	case DHCPV6_OPT_RAPID_COMMIT:
		if (m->rapid_commit)
			FAIL(-EBADMSG, "duplicate Rapid Commit");
		if (n != 0)
			FAIL(-EBADMSG, "Rapid Commit not empty");
		m->rapid_commit = true;
		return 0;
	case DHCPV6_OPT_STATUS_CODE:
		return status_decode(&m->status, v, n, why);
	case DHCPV6_OPT_DNS_SERVERS:
		if (m->n_dns)
			FAIL(-EBADMSG, "duplicate DNS Recursive Name Server");
		if (n % 16)
			FAIL(-EBADMSG, "DNS Recursive Name Server not a multiple of 16 octets");
		for (size_t i = 0; i < n / 16u && m->n_dns < DHCPV6_MAX_DNS; i++)
			memcpy(&m->dns[m->n_dns++], v + 16 * i, 16);
		return 0;
	default:
		m->n_unknown++;
		return 0;
	}
}

int dhcpv6_decode(const uint8_t *buf, size_t len, struct dhcpv6_msg *m, const char **why)
{
	const char *dummy;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(m, 0, sizeof(*m));
	if (!buf || len < 4)
		FAIL(-EBADMSG, "shorter than the 4-octet header");
	m->type = buf[0];
	m->xid = (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (m->type == DHCPV6_RELAY_FORW || m->type == DHCPV6_RELAY_REPL)
		FAIL(-EPROTO, "relay message");
	if (m->type == 0)
		FAIL(-EBADMSG, "message type 0");
	return walk(buf + 4, len - 4, msg_opt, m, why);
}

/* ---- encode ---- */

struct out {
	uint8_t *buf;
	size_t size, len;
	bool over;
};

static uint8_t *room(struct out *o, size_t n)
{
	if (o->over || n > o->size - o->len) {
		o->over = true;
		return NULL;
	}
	uint8_t *p = o->buf + o->len;
	o->len += n;
	return p;
}

/* Opens an option; returns its offset for opt_close(), or SIZE_MAX. */
static size_t opt_open(struct out *o, uint16_t code)
{
	uint8_t *p = room(o, 4);

	if (!p)
		return SIZE_MAX;
	put16(p, code);
	put16(p + 2, 0);
	return (size_t)(p - o->buf);
}

static void opt_close(struct out *o, size_t at)
{
	if (o->over || at == SIZE_MAX)
		return;
	size_t n = o->len - at - 4;
	if (n > 0xffff) {
		o->over = true;
		return;
	}
	put16(o->buf + at + 2, (uint16_t)n);
}

static void opt_bytes(struct out *o, uint16_t code, const void *v, size_t n)
{
	size_t at = opt_open(o, code);
	uint8_t *p = room(o, n);

	if (p && n)
		memcpy(p, v, n);
	opt_close(o, at);
}

static void status_encode(struct out *o, const struct dhcpv6_status_code *s)
{
	if (!s->present)
		return;
	size_t at = opt_open(o, DHCPV6_OPT_STATUS_CODE);
	uint8_t *p = room(o, 2u + s->msg_len);
	if (p) {
		put16(p, s->code);
		memcpy(p + 2, s->msg, s->msg_len);
	}
	opt_close(o, at);
}

ssize_t dhcpv6_encode(const struct dhcpv6_msg *m, uint8_t *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };
	uint8_t *p = room(&o, 4);

	if (p) {
		p[0] = m->type;
		p[1] = (m->xid >> 16) & 0xff;
		p[2] = (m->xid >> 8) & 0xff;
		p[3] = m->xid & 0xff;
	}
	if (m->client_id.len)
		opt_bytes(&o, DHCPV6_OPT_CLIENTID, m->client_id.data, m->client_id.len);
	if (m->server_id.len)
		opt_bytes(&o, DHCPV6_OPT_SERVERID, m->server_id.data, m->server_id.len);
	status_encode(&o, &m->status);
	for (size_t i = 0; i < m->n_ia_pd && i < DHCPV6_MAX_IA_PD; i++) {
		const struct dhcpv6_ia_pd *ia = &m->ia_pd[i];
		size_t at = opt_open(&o, DHCPV6_OPT_IA_PD);
		if ((p = room(&o, 12))) {
			put32(p, ia->iaid);
			put32(p + 4, ia->t1);
			put32(p + 8, ia->t2);
		}
		for (size_t j = 0; j < ia->n_prefix && j < DHCPV6_MAX_PREFIX; j++) {
			const struct dhcpv6_iaprefix *x = &ia->prefix[j];
			size_t xat = opt_open(&o, DHCPV6_OPT_IAPREFIX);
			if ((p = room(&o, 25))) {
				put32(p, x->preferred);
				put32(p + 4, x->valid);
				p[8] = x->plen;
				memcpy(p + 9, &x->prefix, 16);
			}
			status_encode(&o, &x->status);
			opt_close(&o, xat);
		}
		status_encode(&o, &ia->status);
		opt_close(&o, at);
	}
	if (m->n_oro) {
		size_t at = opt_open(&o, DHCPV6_OPT_ORO);
		for (size_t i = 0; i < m->n_oro && i < DHCPV6_MAX_ORO; i++)
			if ((p = room(&o, 2)))
				put16(p, m->oro[i]);
		opt_close(&o, at);
	}
	if (m->has_elapsed) {
		uint8_t v[2];
		put16(v, m->elapsed);
		opt_bytes(&o, DHCPV6_OPT_ELAPSED_TIME, v, 2);
	}
	if (m->has_preference)
		opt_bytes(&o, DHCPV6_OPT_PREFERENCE, &m->preference, 1);
	if (m->rapid_commit)
		opt_bytes(&o, DHCPV6_OPT_RAPID_COMMIT, NULL, 0);
	if (m->n_dns)
		opt_bytes(&o, DHCPV6_OPT_DNS_SERVERS, m->dns,
			  16 * (m->n_dns < DHCPV6_MAX_DNS ? m->n_dns : DHCPV6_MAX_DNS));
	if (o.over)
		return -EMSGSIZE;
	return (ssize_t)o.len;
}
