/* SPDX-License-Identifier: MIT */
/* PPPoE wire format (RFC 2516, RFC 4638). See pppoe.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "pppoe.h"

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

const char *pppoe_code_name(unsigned code)
{
	switch (code) {
	case PPPOE_CODE_SESSION: return "SESSION";
	case PPPOE_CODE_PADO: return "PADO";
	case PPPOE_CODE_PADI: return "PADI";
	case PPPOE_CODE_PADR: return "PADR";
	case PPPOE_CODE_PADS: return "PADS";
	case PPPOE_CODE_PADT: return "PADT";
	}
	return "unknown";
}

const char *pppoe_tag_name(unsigned type)
{
	switch (type) {
	case PPPOE_TAG_END_OF_LIST: return "End-Of-List";
	case PPPOE_TAG_SERVICE_NAME: return "Service-Name";
	case PPPOE_TAG_AC_NAME: return "AC-Name";
	case PPPOE_TAG_HOST_UNIQ: return "Host-Uniq";
	case PPPOE_TAG_AC_COOKIE: return "AC-Cookie";
	case PPPOE_TAG_VENDOR_SPECIFIC: return "Vendor-Specific";
	case PPPOE_TAG_RELAY_SESSION_ID: return "Relay-Session-Id";
	case PPPOE_TAG_PPP_MAX_PAYLOAD: return "PPP-Max-Payload";
	case PPPOE_TAG_SERVICE_NAME_ERROR: return "Service-Name-Error";
	case PPPOE_TAG_AC_SYSTEM_ERROR: return "AC-System-Error";
	case PPPOE_TAG_GENERIC_ERROR: return "Generic-Error";
	}
	return "unknown";
}

static int header(const uint8_t *pkt, size_t len, const char **why)
{
	if (len < PPPOE_HLEN) {
		*why = "shorter than the PPPoE header";
		return -EBADMSG;
	}
	if (pkt[0] != PPPOE_VER_TYPE) {
		*why = "version/type is not 1/1";
		return -EPROTO;
	}
	if (get16(pkt + 4) > len - PPPOE_HLEN) {
		*why = "length beyond the frame";
		return -EBADMSG;
	}
	return 0;
}

/* The singleton tag's slot, or NULL for tags that may repeat/are unknown. */
static struct pppoe_blob *slot(struct pppoe_disc *d, uint16_t type)
{
	switch (type) {
	case PPPOE_TAG_AC_NAME: return &d->ac_name;
	case PPPOE_TAG_HOST_UNIQ: return &d->host_uniq;
	case PPPOE_TAG_AC_COOKIE: return &d->ac_cookie;
	case PPPOE_TAG_RELAY_SESSION_ID: return &d->relay_session_id;
	case PPPOE_TAG_SERVICE_NAME_ERROR: return &d->service_name_error;
	case PPPOE_TAG_AC_SYSTEM_ERROR: return &d->ac_system_error;
	case PPPOE_TAG_GENERIC_ERROR: return &d->generic_error;
	}
	return NULL;
}

static int tags(const uint8_t *p, size_t n, struct pppoe_disc *d, const char **why)
{
	while (n > 0) {
		if (n < PPPOE_TAG_HLEN) {
			*why = "truncated tag header";
			return -EBADMSG;
		}
		uint16_t type = get16(p), tlen = get16(p + 2);
		if (tlen > n - PPPOE_TAG_HLEN) {
			*why = "tag length beyond the packet";
			return -EBADMSG;
		}
		struct pppoe_blob v = { true, tlen, p + PPPOE_TAG_HLEN };
		struct pppoe_blob *s;
		if (type == PPPOE_TAG_END_OF_LIST)
			return 0;
		if (type == PPPOE_TAG_SERVICE_NAME) {
			if (d->n_service_names < PPPOE_MAX_SERVICE_NAMES)
				d->service_names[d->n_service_names] = v;
			d->n_service_names++;
		} else if (type == PPPOE_TAG_PPP_MAX_PAYLOAD) {
			if (d->has_max_payload) {
				*why = "PPP-Max-Payload twice";
				return -EPROTO;
			}
			if (tlen != 2) {
				*why = "PPP-Max-Payload is not 2 octets";
				return -EPROTO;
			}
			d->has_max_payload = true;
			d->max_payload = get16(v.data);
		} else if ((s = slot(d, type))) {
			if (s->present) {
				*why = "a tag that may appear once appears twice";
				return -EPROTO;
			}
			*s = v;
		} else {
			d->unknown_tags++;
		}
		p += PPPOE_TAG_HLEN + tlen;
		n -= PPPOE_TAG_HLEN + (size_t)tlen;
	}
	return 0;
}

int pppoe_disc_decode(const uint8_t *pkt, size_t len, struct pppoe_disc *out,
		      const char **why)
{
	const char *dummy;
	int r;

	if (!why)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	if ((r = header(pkt, len, why)) < 0)
		return r;
	out->code = pkt[1];
	out->session_id = get16(pkt + 2);
	out->length = get16(pkt + 4);
	switch (out->code) {
	case PPPOE_CODE_PADI:
	case PPPOE_CODE_PADO:
	case PPPOE_CODE_PADR:
	case PPPOE_CODE_PADS:
	case PPPOE_CODE_PADT:
		break;
	default:
		*why = "not a discovery code";
		return -EPROTO;
	}
	if ((r = tags(pkt + PPPOE_HLEN, out->length, out, why)) < 0)
		return r;
	switch (out->code) {
	case PPPOE_CODE_PADI:
		if ((size_t)out->length + PPPOE_HLEN > PPPOE_PADI_MAX) {
			*why = "PADI longer than 1484 octets";
			return -EMSGSIZE;
		}
		/* fall through */
	case PPPOE_CODE_PADR:
		if (out->n_service_names != 1) {
			*why = "not exactly one Service-Name";
			return -EPROTO;
		}
		/* fall through */
	case PPPOE_CODE_PADO:
		if (out->code == PPPOE_CODE_PADO && !out->ac_name.present) {
			*why = "PADO without AC-Name";
			return -EPROTO;
		}
		if (out->session_id != 0) {
			*why = "session ID not 0";
			return -EPROTO;
		}
		break;
	case PPPOE_CODE_PADT:
		if (out->session_id == 0) {
			*why = "PADT for session 0";
			return -EPROTO;
		}
		break;
	}
	return 0;
}

int pppoe_session_decode(const uint8_t *pkt, size_t len, uint16_t *session_id,
			 const uint8_t **payload, size_t *plen, const char **why)
{
	const char *dummy;
	int r;

	if (!why)
		why = &dummy;
	*why = NULL;
	if ((r = header(pkt, len, why)) < 0)
		return r;
	if (pkt[1] != PPPOE_CODE_SESSION) {
		*why = "session packet with a code not 0";
		return -EPROTO;
	}
	if (get16(pkt + 4) < 2) {
		*why = "no PPP protocol field";
		return -EBADMSG;
	}
	*session_id = get16(pkt + 2);
	*payload = pkt + PPPOE_HLEN;
	*plen = get16(pkt + 4);
	return 0;
}

void pppoe_session_header(uint8_t *buf, uint16_t session_id, uint16_t plen)
{
	buf[0] = PPPOE_VER_TYPE;
	buf[1] = PPPOE_CODE_SESSION;
	put16(buf + 2, session_id);
	put16(buf + 4, plen);
}

void pppoe_build_begin(struct pppoe_builder *b, uint8_t *buf, size_t cap, uint8_t code,
		       uint16_t session_id)
{
	b->buf = buf;
	b->cap = cap;
	b->len = 0;
	b->err = 0;
	if (cap < PPPOE_HLEN) {
		b->err = -EMSGSIZE;
		return;
	}
	buf[0] = PPPOE_VER_TYPE;
	buf[1] = code;
	put16(buf + 2, session_id);
	put16(buf + 4, 0);
	b->len = PPPOE_HLEN;
}

void pppoe_build_tag(struct pppoe_builder *b, uint16_t type, const void *data, size_t len)
{
	if (b->err)
		return;
	/* the header's length field bounds the payload at 65535 */
	if (len > 0xffff || b->cap - b->len < PPPOE_TAG_HLEN + len ||
	    b->len - PPPOE_HLEN + PPPOE_TAG_HLEN + len > 0xffff) {
		b->err = -EMSGSIZE;
		return;
	}
	put16(b->buf + b->len, type);
	put16(b->buf + b->len + 2, (uint16_t)len);
	if (len)
		memcpy(b->buf + b->len + PPPOE_TAG_HLEN, data, len);
	b->len += PPPOE_TAG_HLEN + len;
}

void pppoe_build_blob(struct pppoe_builder *b, uint16_t type, const struct pppoe_blob *v)
{
	if (v && v->present)
		pppoe_build_tag(b, type, v->data, v->len);
}

void pppoe_build_u16(struct pppoe_builder *b, uint16_t type, uint16_t v)
{
	uint8_t x[2];

	put16(x, v);
	pppoe_build_tag(b, type, x, 2);
}

int pppoe_build_end(struct pppoe_builder *b)
{
	if (b->err)
		return b->err;
	put16(b->buf + 4, (uint16_t)(b->len - PPPOE_HLEN));
	return (int)b->len;
}

void pppoe_eth_header(uint8_t *buf, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(buf, dst, PPPOE_ETH_ALEN);
	memcpy(buf + PPPOE_ETH_ALEN, src, PPPOE_ETH_ALEN);
	put16(buf + 2 * PPPOE_ETH_ALEN, type);
}

bool pppoe_mac_is_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6) != 0;
}

const char *pppoe_mac_format(const uint8_t mac[6], char *buf, size_t size)
{
	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

bool pppoe_blob_eq(const struct pppoe_blob *b, const char *s)
{
	size_t n = strlen(s);

	return b->present && b->len == n && (n == 0 || memcmp(b->data, s, n) == 0);
}

/* Append printable text: other octets as \xNN, at most 64 octets shown. */
static size_t put_text(char *buf, size_t size, size_t o, const struct pppoe_blob *v)
{
	size_t shown = v->len > 64 ? 64 : v->len;

	if (o < size)
		o += (size_t)snprintf(buf + o, size - o, "\"");
	for (size_t i = 0; i < shown && o < size; i++) {
		uint8_t c = v->data[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			o += (size_t)snprintf(buf + o, size - o, "%c", c);
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", c);
	}
	if (o < size)
		o += (size_t)snprintf(buf + o, size - o, "%s\"", shown < v->len ? "..." : "");
	return o;
}

void pppoe_disc_format(const struct pppoe_disc *d, char *buf, size_t size)
{
	size_t o;

	if (!size)
		return;
	o = (size_t)snprintf(buf, size, "%s sid %u", pppoe_code_name(d->code), d->session_id);
	for (unsigned i = 0; i < d->n_service_names && i < PPPOE_MAX_SERVICE_NAMES && o < size;
	     i++) {
		o += (size_t)snprintf(buf + o, size - o, " Service-Name ");
		o = put_text(buf, size, o, &d->service_names[i]);
	}
	const struct { const char *name; const struct pppoe_blob *v; bool text; } t[] = {
		{ "AC-Name", &d->ac_name, true },
		{ "Host-Uniq", &d->host_uniq, false },
		{ "AC-Cookie", &d->ac_cookie, false },
		{ "Relay-Session-Id", &d->relay_session_id, false },
		{ "Service-Name-Error", &d->service_name_error, true },
		{ "AC-System-Error", &d->ac_system_error, true },
		{ "Generic-Error", &d->generic_error, true },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]) && o < size; i++) {
		if (!t[i].v->present)
			continue;
		if (t[i].text) {
			o += (size_t)snprintf(buf + o, size - o, " %s ", t[i].name);
			o = put_text(buf, size, o, t[i].v);
		} else {
			o += (size_t)snprintf(buf + o, size - o, " %s %u octets", t[i].name,
					      t[i].v->len);
		}
	}
	if (d->has_max_payload && o < size)
		o += (size_t)snprintf(buf + o, size - o, " PPP-Max-Payload %u", d->max_payload);
	if (d->unknown_tags && o < size)
		snprintf(buf + o, size - o, " (%u unknown tags)", d->unknown_tags);
}
