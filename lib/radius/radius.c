/* SPDX-License-Identifier: MIT */
/* RADIUS wire codec. See radius.h. */
#include "radius.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <string.h>

#define MD5_LEN 16

const char *radius_code_name(int code)
{
	switch (code) {
	case RADIUS_ACCESS_REQUEST: return "Access-Request";
	case RADIUS_ACCESS_ACCEPT: return "Access-Accept";
	case RADIUS_ACCESS_REJECT: return "Access-Reject";
	case RADIUS_ACCOUNTING_REQUEST: return "Accounting-Request";
	case RADIUS_ACCOUNTING_RESPONSE: return "Accounting-Response";
	case RADIUS_ACCESS_CHALLENGE: return "Access-Challenge";
	case RADIUS_STATUS_SERVER: return "Status-Server";
	case RADIUS_DISCONNECT_REQUEST: return "Disconnect-Request";
	case RADIUS_DISCONNECT_ACK: return "Disconnect-ACK";
	case RADIUS_DISCONNECT_NAK: return "Disconnect-NAK";
	case RADIUS_COA_REQUEST: return "CoA-Request";
	case RADIUS_COA_ACK: return "CoA-ACK";
	case RADIUS_COA_NAK: return "CoA-NAK";
	default: return NULL;
	}
}

enum vkind { K_OCTETS, K_STRING, K_INT, K_IPV4, K_SECRET, K_TAG_INT, K_TAG_STR };

static const struct { uint8_t type; const char *name; enum vkind kind; } attr_table[] = {
	{ RADIUS_USER_NAME, "User-Name", K_STRING },
	{ RADIUS_USER_PASSWORD, "User-Password", K_SECRET },
	{ RADIUS_CHAP_PASSWORD, "CHAP-Password", K_SECRET },
	{ RADIUS_NAS_IP_ADDRESS, "NAS-IP-Address", K_IPV4 },
	{ RADIUS_NAS_PORT, "NAS-Port", K_INT },
	{ RADIUS_SERVICE_TYPE, "Service-Type", K_INT },
	{ RADIUS_FRAMED_PROTOCOL, "Framed-Protocol", K_INT },
	{ RADIUS_FRAMED_IP_ADDRESS, "Framed-IP-Address", K_IPV4 },
	{ RADIUS_FRAMED_IP_NETMASK, "Framed-IP-Netmask", K_IPV4 },
	{ RADIUS_FILTER_ID, "Filter-Id", K_STRING },
	{ RADIUS_FRAMED_MTU, "Framed-MTU", K_INT },
	{ RADIUS_REPLY_MESSAGE, "Reply-Message", K_STRING },
	{ RADIUS_FRAMED_ROUTE, "Framed-Route", K_STRING },
	{ RADIUS_STATE, "State", K_OCTETS },
	{ RADIUS_CLASS, "Class", K_OCTETS },
	{ RADIUS_VENDOR_SPECIFIC, "Vendor-Specific", K_OCTETS },
	{ RADIUS_SESSION_TIMEOUT, "Session-Timeout", K_INT },
	{ RADIUS_IDLE_TIMEOUT, "Idle-Timeout", K_INT },
	{ RADIUS_CALLED_STATION_ID, "Called-Station-Id", K_STRING },
	{ RADIUS_CALLING_STATION_ID, "Calling-Station-Id", K_STRING },
	{ RADIUS_NAS_IDENTIFIER, "NAS-Identifier", K_STRING },
	{ RADIUS_PROXY_STATE, "Proxy-State", K_OCTETS },
	{ RADIUS_ACCT_STATUS_TYPE, "Acct-Status-Type", K_INT },
	{ RADIUS_ACCT_DELAY_TIME, "Acct-Delay-Time", K_INT },
	{ RADIUS_ACCT_INPUT_OCTETS, "Acct-Input-Octets", K_INT },
	{ RADIUS_ACCT_OUTPUT_OCTETS, "Acct-Output-Octets", K_INT },
	{ RADIUS_ACCT_SESSION_ID, "Acct-Session-Id", K_STRING },
	{ RADIUS_ACCT_AUTHENTIC, "Acct-Authentic", K_INT },
	{ RADIUS_ACCT_SESSION_TIME, "Acct-Session-Time", K_INT },
	{ RADIUS_ACCT_INPUT_PACKETS, "Acct-Input-Packets", K_INT },
	{ RADIUS_ACCT_OUTPUT_PACKETS, "Acct-Output-Packets", K_INT },
	{ RADIUS_ACCT_TERMINATE_CAUSE, "Acct-Terminate-Cause", K_INT },
	{ RADIUS_ACCT_MULTI_SESSION_ID, "Acct-Multi-Session-Id", K_STRING },
	{ RADIUS_ACCT_INPUT_GIGAWORDS, "Acct-Input-Gigawords", K_INT },
	{ RADIUS_ACCT_OUTPUT_GIGAWORDS, "Acct-Output-Gigawords", K_INT },
	{ RADIUS_EVENT_TIMESTAMP, "Event-Timestamp", K_INT },
	{ RADIUS_CHAP_CHALLENGE, "CHAP-Challenge", K_OCTETS },
	{ RADIUS_NAS_PORT_TYPE, "NAS-Port-Type", K_INT },
	{ RADIUS_TUNNEL_TYPE, "Tunnel-Type", K_TAG_INT },
	{ RADIUS_TUNNEL_MEDIUM_TYPE, "Tunnel-Medium-Type", K_TAG_INT },
	{ RADIUS_TUNNEL_CLIENT_ENDPOINT, "Tunnel-Client-Endpoint", K_TAG_STR },
	{ RADIUS_TUNNEL_SERVER_ENDPOINT, "Tunnel-Server-Endpoint", K_TAG_STR },
	{ RADIUS_ACCT_TUNNEL_CONNECTION, "Acct-Tunnel-Connection", K_STRING },
	{ RADIUS_TUNNEL_PASSWORD, "Tunnel-Password", K_SECRET },
	{ RADIUS_CONNECT_INFO, "Connect-Info", K_STRING },
	{ RADIUS_MESSAGE_AUTHENTICATOR, "Message-Authenticator", K_SECRET },
	{ RADIUS_TUNNEL_PRIVATE_GROUP_ID, "Tunnel-Private-Group-Id", K_TAG_STR },
	{ RADIUS_TUNNEL_ASSIGNMENT_ID, "Tunnel-Assignment-Id", K_TAG_STR },
	{ RADIUS_TUNNEL_PREFERENCE, "Tunnel-Preference", K_TAG_INT },
	{ RADIUS_ACCT_INTERIM_INTERVAL, "Acct-Interim-Interval", K_INT },
	{ RADIUS_NAS_PORT_ID, "NAS-Port-Id", K_STRING },
	{ RADIUS_FRAMED_POOL, "Framed-Pool", K_STRING },
	{ RADIUS_TUNNEL_CLIENT_AUTH_ID, "Tunnel-Client-Auth-Id", K_TAG_STR },
	{ RADIUS_TUNNEL_SERVER_AUTH_ID, "Tunnel-Server-Auth-Id", K_TAG_STR },
	{ RADIUS_ERROR_CAUSE, "Error-Cause", K_INT },
	{ RADIUS_FRAMED_INTERFACE_ID, "Framed-Interface-Id", K_OCTETS },
	{ RADIUS_FRAMED_IPV6_PREFIX, "Framed-IPv6-Prefix", K_OCTETS },
	{ RADIUS_FRAMED_IPV6_POOL, "Framed-IPv6-Pool", K_STRING },
	{ RADIUS_DELEGATED_IPV6_PREFIX, "Delegated-IPv6-Prefix", K_OCTETS },
	{ RADIUS_DNS_SERVER_IPV6_ADDRESS, "DNS-Server-IPv6-Address", K_OCTETS },
	{ RADIUS_DELEGATED_IPV6_PREFIX_POOL, "Delegated-IPv6-Prefix-Pool", K_STRING },
};

static int attr_index(int type)
{
	for (size_t i = 0; i < G_N_ELEMENTS(attr_table); i++)
		if (attr_table[i].type == type)
			return (int)i;
	return -1;
}

const char *radius_attr_name(int type)
{
	int i = attr_index(type);

	return i < 0 ? NULL : attr_table[i].name;
}

bool radius_attr_tagged(int type)
{
	int i = attr_index(type);

	return i >= 0 && (attr_table[i].kind == K_TAG_INT || attr_table[i].kind == K_TAG_STR ||
			  type == RADIUS_TUNNEL_PASSWORD);
}

bool radius_attr_secret(int type)
{
	int i = attr_index(type);

	return i >= 0 && attr_table[i].kind == K_SECRET;
}

/* ---- crypto helpers (GLib) ---- */

/* MD5(a || b || c) into out. */
static void md5_3(const void *a, size_t alen, const void *b, size_t blen,
		  const void *c, size_t clen, uint8_t out[MD5_LEN])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	gsize n = MD5_LEN;

	if (alen)
		g_checksum_update(ck, a, (gssize)alen);
	if (blen)
		g_checksum_update(ck, b, (gssize)blen);
	if (clen)
		g_checksum_update(ck, c, (gssize)clen);
	g_checksum_get_digest(ck, out, &n);
	g_checksum_free(ck);
}

/* HMAC-MD5 key states (RFC 2104): a GHmac made from a secret holds the
 * inner and outer hashes with the padded key already absorbed, two MD5
 * blocks and three allocations that g_hmac_new() redoes for every packet.
 * The last few secrets keep theirs here and every packet copies one
 * (g_hmac_copy). A node has one secret per server and per DAE client, so
 * the slots are few; a longer secret or a new one evicts the oldest slot,
 * whose secret copy is wiped. The cache is shared by threads under a lock. */
#define HMAC_SLOTS 8
#define HMAC_SECRET_MAX 128

static struct hmac_slot {
	GHmac *h;
	size_t len;
	uint64_t used;
	uint8_t secret[HMAC_SECRET_MAX];
} hmac_slots[HMAC_SLOTS];
static uint64_t hmac_clock;
G_LOCK_DEFINE_STATIC(hmac_slots);

static GHmac *hmac_new(const void *key, size_t klen)
{
	/* GHmac wants a non-NULL key even when empty. */
	static const guchar nokey[1];

	return g_hmac_new(G_CHECKSUM_MD5, klen ? key : nokey, klen);
}

/* A fresh HMAC with key's state, from a slot when one holds it. */
static GHmac *hmac_start(const void *key, size_t klen)
{
	struct hmac_slot *s, *old;
	GHmac *h;

	if (klen > HMAC_SECRET_MAX)
		return hmac_new(key, klen);
	G_LOCK(hmac_slots);
	old = &hmac_slots[0];
	for (s = hmac_slots; s < hmac_slots + HMAC_SLOTS; s++) {
		if (s->h && s->len == klen && memcmp(s->secret, key, klen) == 0) {
			s->used = ++hmac_clock;
			h = g_hmac_copy(s->h);
			G_UNLOCK(hmac_slots);
			return h;
		}
		if (s->used < old->used)
			old = s;
	}
	if (old->h)
		g_hmac_unref(old->h);
	explicit_bzero(old->secret, sizeof(old->secret));
	old->h = hmac_new(key, klen);
	old->len = klen;
	old->used = ++hmac_clock;
	if (klen)
		memcpy(old->secret, key, klen);
	h = g_hmac_copy(old->h);
	G_UNLOCK(hmac_slots);
	return h;
}

static void hmac_md5(const void *key, size_t klen, const void *data, size_t len,
		     uint8_t out[MD5_LEN])
{
	GHmac *h = hmac_start(key, klen);
	gsize n = MD5_LEN;

	g_hmac_update(h, data, (gssize)len);
	g_hmac_get_digest(h, out, &n);
	g_hmac_unref(h);
}

/* Constant time compare. */
static bool equal16(const uint8_t *a, const uint8_t *b)
{
	uint8_t d = 0;

	for (int i = 0; i < MD5_LEN; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

/* ---- builder ---- */

void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id, const uint8_t *auth)
{
	p->buf[0] = code;
	p->buf[1] = id;
	p->buf[2] = 0;
	p->buf[3] = RADIUS_HDR_LEN;
	if (auth)
		memcpy(p->buf + 4, auth, RADIUS_AUTH_LEN);
	else
		memset(p->buf + 4, 0, RADIUS_AUTH_LEN);
	p->len = RADIUS_HDR_LEN;
	p->ma_off = 0;
}

/* Append a header and reserve len value octets; returns the value's
 * address or NULL. */
static uint8_t *reserve(struct radius_pkt *p, uint8_t type, size_t len, int *err)
{
	uint8_t *v;

	if (len > RADIUS_ATTR_MAX) {
		*err = -EINVAL;
		return NULL;
	}
	if (p->len + 2 + len > RADIUS_MAX_LEN) {
		*err = -EMSGSIZE;
		return NULL;
	}
	p->buf[p->len] = type;
	p->buf[p->len + 1] = (uint8_t)(len + 2);
	v = p->buf + p->len + 2;
	p->len += 2 + len;
	return v;
}

int radius_add(struct radius_pkt *p, uint8_t type, const void *val, size_t len)
{
	int err = 0;
	uint8_t *v = reserve(p, type, len, &err);

	if (!v)
		return err;
	if (len)
		memcpy(v, val, len);
	return 0;
}

int radius_add_str(struct radius_pkt *p, uint8_t type, const char *s)
{
	if (!s)
		return -EINVAL;
	/* RFC 2865 §5: text and string attributes are never empty */
	if (!*s)
		return -EINVAL;
	return radius_add(p, type, s, strlen(s));
}

int radius_add_u32(struct radius_pkt *p, uint8_t type, uint32_t v)
{
	uint32_t be = htonl(v);

	return radius_add(p, type, &be, 4);
}

int radius_add_ipv4(struct radius_pkt *p, uint8_t type, uint32_t addr_be)
{
	return radius_add(p, type, &addr_be, 4);
}

int radius_add_tagged_u32(struct radius_pkt *p, uint8_t type, uint8_t tag, uint32_t v)
{
	if (tag > 0x1F || v > 0xFFFFFF)
		return -EINVAL;
	return radius_add_u32(p, type, ((uint32_t)tag << 24) | v);
}

int radius_add_tagged(struct radius_pkt *p, uint8_t type, uint8_t tag, const void *val, size_t len)
{
	int err = 0;
	uint8_t *v;

	if (tag > 0x1F)
		return -EINVAL;
	if (!tag)
		return radius_add(p, type, val, len);
	v = reserve(p, type, len + 1, &err);
	if (!v)
		return err;
	v[0] = tag;
	if (len)
		memcpy(v + 1, val, len);
	return 0;
}

int radius_add_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t vtype, const void *val, size_t len)
{
	int err = 0;
	uint8_t *v;
	uint32_t be = htonl(vendor);

	if (len + 2 > 255 - 4)
		return -EINVAL;
	v = reserve(p, RADIUS_VENDOR_SPECIFIC, 4 + 2 + len, &err);
	if (!v)
		return err;
	memcpy(v, &be, 4);
	v[4] = vtype;
	v[5] = (uint8_t)(len + 2);
	if (len)
		memcpy(v + 6, val, len);
	return 0;
}

/* c(i) = p(i) xor MD5(S + prev), prev = first for i = 1, c(i-1) after. */
static void hide(uint8_t *data, size_t len, const void *secret, size_t slen,
		 const uint8_t *first, size_t first_len)
{
	uint8_t b[MD5_LEN];

	md5_3(secret, slen, first, first_len, NULL, 0, b);
	for (size_t off = 0; off < len; off += MD5_LEN) {
		if (off)
			md5_3(secret, slen, data + off - MD5_LEN, MD5_LEN, NULL, 0, b);
		for (int i = 0; i < MD5_LEN; i++)
			data[off + i] ^= b[i];
	}
	explicit_bzero(b, sizeof(b));
}

/* The inverse: needs the ciphertext of the previous block, so go back to
 * front. */
static void unhide(uint8_t *data, size_t len, const void *secret, size_t slen,
		   const uint8_t *first, size_t first_len)
{
	uint8_t b[MD5_LEN];

	for (size_t off = len; off > 0; off -= MD5_LEN) {
		size_t o = off - MD5_LEN;
		if (o)
			md5_3(secret, slen, data + o - MD5_LEN, MD5_LEN, NULL, 0, b);
		else
			md5_3(secret, slen, first, first_len, NULL, 0, b);
		for (int i = 0; i < MD5_LEN; i++)
			data[o + i] ^= b[i];
	}
	explicit_bzero(b, sizeof(b));
}

int radius_add_user_password(struct radius_pkt *p, const void *pw, size_t pw_len,
			     const void *secret, size_t secret_len)
{
	size_t padded = pw_len ? (pw_len + 15) / 16 * 16 : 16;
	int err = 0;
	uint8_t *v;

	if (pw_len > RADIUS_PW_MAX || (pw_len && !pw))
		return -EINVAL;
	v = reserve(p, RADIUS_USER_PASSWORD, padded, &err);
	if (!v)
		return err;
	memset(v, 0, padded);
	if (pw_len)
		memcpy(v, pw, pw_len);
	hide(v, padded, secret, secret_len, p->buf + 4, RADIUS_AUTH_LEN);
	return 0;
}

int radius_add_tunnel_password(struct radius_pkt *p, uint8_t tag, const uint8_t salt[2],
			       const void *pw, size_t pw_len, const uint8_t *req_auth,
			       const void *secret, size_t secret_len)
{
	size_t padded = (pw_len + 1 + 15) / 16 * 16;
	uint8_t ra_salt[RADIUS_AUTH_LEN + 2];
	int err = 0;
	uint8_t *v;

	if (tag > 0x1F || padded + 3 > RADIUS_ATTR_MAX || (pw_len && !pw) || !req_auth)
		return -EINVAL;
	v = reserve(p, RADIUS_TUNNEL_PASSWORD, 3 + padded, &err);
	if (!v)
		return err;
	v[0] = tag;
	v[1] = salt[0] | 0x80;
	v[2] = salt[1];
	memset(v + 3, 0, padded);
	v[3] = (uint8_t)pw_len;
	if (pw_len)
		memcpy(v + 4, pw, pw_len);
	memcpy(ra_salt, req_auth, RADIUS_AUTH_LEN);
	memcpy(ra_salt + RADIUS_AUTH_LEN, v + 1, 2);
	hide(v + 3, padded, secret, secret_len, ra_salt, sizeof(ra_salt));
	return 0;
}

int radius_add_message_authenticator(struct radius_pkt *p)
{
	int err = 0;
	uint8_t *v;

	if (p->ma_off)
		return -EINVAL;
	v = reserve(p, RADIUS_MESSAGE_AUTHENTICATOR, MD5_LEN, &err);
	if (!v)
		return err;
	memset(v, 0, MD5_LEN);
	p->ma_off = (size_t)(v - p->buf);
	return 0;
}

static void set_length(struct radius_pkt *p)
{
	p->buf[2] = (uint8_t)(p->len >> 8);
	p->buf[3] = (uint8_t)p->len;
}

static bool auth_computed(uint8_t code)
{
	return code == RADIUS_ACCOUNTING_REQUEST || code == RADIUS_COA_REQUEST ||
	       code == RADIUS_DISCONNECT_REQUEST;
}

int radius_finish_request(struct radius_pkt *p, const void *secret, size_t secret_len)
{
	set_length(p);
	if (auth_computed(p->buf[0])) {
		uint8_t ra[MD5_LEN];

		memset(p->buf + 4, 0, RADIUS_AUTH_LEN);
		if (p->ma_off) {
			memset(p->buf + p->ma_off, 0, MD5_LEN);
			hmac_md5(secret, secret_len, p->buf, p->len, p->buf + p->ma_off);
		}
		md5_3(p->buf, p->len, secret, secret_len, NULL, 0, ra);
		memcpy(p->buf + 4, ra, RADIUS_AUTH_LEN);
	} else if (p->ma_off) {
		memset(p->buf + p->ma_off, 0, MD5_LEN);
		hmac_md5(secret, secret_len, p->buf, p->len, p->buf + p->ma_off);
	}
	return 0;
}

int radius_finish_response(struct radius_pkt *p, const uint8_t *req_auth,
			   const void *secret, size_t secret_len)
{
	uint8_t ra[MD5_LEN];

	if (!req_auth)
		return -EINVAL;
	set_length(p);
	memcpy(p->buf + 4, req_auth, RADIUS_AUTH_LEN);
	if (p->ma_off) {
		memset(p->buf + p->ma_off, 0, MD5_LEN);
		hmac_md5(secret, secret_len, p->buf, p->len, p->buf + p->ma_off);
	}
	md5_3(p->buf, p->len, secret, secret_len, NULL, 0, ra);
	memcpy(p->buf + 4, ra, RADIUS_AUTH_LEN);
	return 0;
}

/* ---- parser ---- */

int radius_parse(const uint8_t *buf, size_t n, struct radius_view *v)
{
	size_t len, pos;
	unsigned count = 0, ma = 0;

	memset(v, 0, sizeof(*v));
	if (!buf || n < RADIUS_HDR_LEN)
		return -EBADMSG;
	len = (size_t)buf[2] << 8 | buf[3];
	/* RFC 2865 §3: shorter than Length is silently discarded; octets
	 * past Length are padding and ignored. */
	if (len < RADIUS_HDR_LEN || len > RADIUS_MAX_LEN || len > n)
		return -EBADMSG;
	for (pos = RADIUS_HDR_LEN; pos < len; ) {
		if (len - pos < 2)
			return -EBADMSG;
		uint8_t alen = buf[pos + 1];
		if (alen < 2 || alen > len - pos)
			return -EBADMSG;
		if (buf[pos] == RADIUS_MESSAGE_AUTHENTICATOR) {
			if (alen != 2 + MD5_LEN || ++ma > 1)
				return -EBADMSG;
		}
		pos += alen;
		count++;
	}
	v->buf = buf;
	v->len = len;
	v->code = buf[0];
	v->id = buf[1];
	v->auth = buf + 4;
	v->n_attrs = count;
	return 0;
}

bool radius_next(const struct radius_view *v, size_t *pos, struct radius_attr *a)
{
	size_t p = *pos ? *pos : RADIUS_HDR_LEN;

	if (!v->buf || p + 2 > v->len)
		return false;
	a->type = v->buf[p];
	a->len = (uint8_t)(v->buf[p + 1] - 2);
	a->val = v->buf + p + 2;
	*pos = p + v->buf[p + 1];
	return true;
}

bool radius_find(const struct radius_view *v, uint8_t type, struct radius_attr *a)
{
	size_t pos = 0;

	while (radius_next(v, &pos, a))
		if (a->type == type)
			return true;
	return false;
}

int radius_attr_u32(const struct radius_attr *a, uint32_t *out)
{
	if (a->len != 4)
		return -EBADMSG;
	*out = (uint32_t)a->val[0] << 24 | (uint32_t)a->val[1] << 16 |
	       (uint32_t)a->val[2] << 8 | a->val[3];
	return 0;
}

int radius_attr_tagged_u32(const struct radius_attr *a, uint8_t *tag, uint32_t *out)
{
	uint32_t v;

	if (radius_attr_u32(a, &v) < 0)
		return -EBADMSG;
	*tag = (uint8_t)(v >> 24);
	if (*tag > 0x1F)
		return -EBADMSG;
	*out = v & 0xFFFFFF;
	return 0;
}

void radius_attr_tagged_str(const struct radius_attr *a, uint8_t *tag,
			    const uint8_t **val, size_t *len)
{
	if (a->len >= 1 && a->val[0] >= 0x01 && a->val[0] <= 0x1F) {
		*tag = a->val[0];
		*val = a->val + 1;
		*len = a->len - 1u;
	} else {
		*tag = 0;
		*val = a->val;
		*len = a->len;
	}
}

int radius_attr_vsa(const struct radius_attr *a, uint32_t *vendor, uint8_t *vtype,
		    const uint8_t **val, size_t *len)
{
	if (a->type != RADIUS_VENDOR_SPECIFIC || a->len < 6)
		return -EBADMSG;
	*vendor = (uint32_t)a->val[0] << 24 | (uint32_t)a->val[1] << 16 |
		  (uint32_t)a->val[2] << 8 | a->val[3];
	if (a->val[5] < 2 || a->val[5] > a->len - 4)
		return -EBADMSG;
	*vtype = a->val[4];
	*val = a->val + 6;
	*len = a->val[5] - 2u;
	return 0;
}

/* Offset of the Message-Authenticator value in a parsed packet, 0 none. */
static size_t ma_offset(const struct radius_view *v)
{
	size_t pos = 0;
	struct radius_attr a;

	while (radius_next(v, &pos, &a))
		if (a.type == RADIUS_MESSAGE_AUTHENTICATOR)
			return (size_t)(a.val - v->buf);
	return 0;
}

/* HMAC over a copy with the authenticator field set to auth (zeros if
 * NULL) and the MA value zeroed; compare with the packet's MA. */
static bool ma_ok(const struct radius_view *v, size_t off, const uint8_t *auth,
		  const void *secret, size_t slen)
{
	uint8_t copy[RADIUS_MAX_LEN];
	uint8_t mac[MD5_LEN];
	bool ok;

	memcpy(copy, v->buf, v->len);
	if (auth)
		memcpy(copy + 4, auth, RADIUS_AUTH_LEN);
	else
		memset(copy + 4, 0, RADIUS_AUTH_LEN);
	memset(copy + off, 0, MD5_LEN);
	hmac_md5(secret, slen, copy, v->len, mac);
	ok = equal16(mac, v->buf + off);
	return ok;
}

int radius_verify_response(const struct radius_view *v, const uint8_t *req_auth,
			   const void *secret, size_t secret_len, bool require_ma)
{
	uint8_t copy[RADIUS_MAX_LEN];
	uint8_t ra[MD5_LEN];
	size_t off;

	if (!v->buf || !req_auth)
		return -EINVAL;
	memcpy(copy, v->buf, v->len);
	memcpy(copy + 4, req_auth, RADIUS_AUTH_LEN);
	md5_3(copy, v->len, secret, secret_len, NULL, 0, ra);
	if (!equal16(ra, v->auth))
		return -EPERM;
	off = ma_offset(v);
	if (!off)
		return require_ma ? -ENOMSG : 0;
	return ma_ok(v, off, req_auth, secret, secret_len) ? 0 : -EPERM;
}

int radius_verify_request(const struct radius_view *v, const void *secret, size_t secret_len,
			  bool require_ma)
{
	size_t off;

	if (!v->buf)
		return -EINVAL;
	if (auth_computed(v->code)) {
		uint8_t copy[RADIUS_MAX_LEN];
		uint8_t ra[MD5_LEN];

		memcpy(copy, v->buf, v->len);
		memset(copy + 4, 0, RADIUS_AUTH_LEN);
		md5_3(copy, v->len, secret, secret_len, NULL, 0, ra);
		if (!equal16(ra, v->auth))
			return -EPERM;
	}
	off = ma_offset(v);
	if (!off)
		return require_ma ? -ENOMSG : 0;
	return ma_ok(v, off, auth_computed(v->code) ? NULL : v->auth, secret, secret_len)
		? 0 : -EPERM;
}

int radius_user_password_decode(const struct radius_attr *a, const uint8_t *req_auth,
				const void *secret, size_t secret_len, char *out, size_t out_size)
{
	uint8_t tmp[RADIUS_PW_MAX];
	size_t n;

	if (a->len < 16 || a->len > RADIUS_PW_MAX || a->len % 16 || out_size < a->len + 1u)
		return -EBADMSG;
	memcpy(tmp, a->val, a->len);
	unhide(tmp, a->len, secret, secret_len, req_auth, RADIUS_AUTH_LEN);
	n = a->len;
	while (n > 0 && tmp[n - 1] == 0)
		n--;
	memcpy(out, tmp, n);
	out[n] = 0;
	explicit_bzero(tmp, sizeof(tmp));
	return (int)n;
}

int radius_tunnel_password_decode(const struct radius_attr *a, const uint8_t *req_auth,
				  const void *secret, size_t secret_len, uint8_t *tag,
				  char *out, size_t out_size)
{
	uint8_t tmp[RADIUS_ATTR_MAX];
	uint8_t ra_salt[RADIUS_AUTH_LEN + 2];
	size_t clen;
	int r = -EBADMSG;

	/* tag, 2 salt octets, at least one 16-octet block */
	if (a->len < 3 + 16 || (a->len - 3) % 16 || a->val[0] > 0x1F || !(a->val[1] & 0x80))
		return -EBADMSG;
	clen = a->len - 3u;
	memcpy(tmp, a->val + 3, clen);
	memcpy(ra_salt, req_auth, RADIUS_AUTH_LEN);
	memcpy(ra_salt + RADIUS_AUTH_LEN, a->val + 1, 2);
	unhide(tmp, clen, secret, secret_len, ra_salt, sizeof(ra_salt));
	if (tmp[0] > clen - 1 || out_size < tmp[0] + 1u)
		goto out;
	*tag = a->val[0];
	memcpy(out, tmp + 1, tmp[0]);
	out[tmp[0]] = 0;
	r = tmp[0];
out:
	explicit_bzero(tmp, sizeof(tmp));
	return r;
}

/* Printable copy of octets: \xNN for anything else. */
static size_t put_text(char *buf, size_t size, const uint8_t *s, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 5 < size; i++) {
		if (s[i] >= 0x20 && s[i] < 0x7F && s[i] != '"' && s[i] != '\\')
			buf[o++] = (char)s[i];
		else
			o += (size_t)snprintf(buf + o, size - o, "\\x%02x", s[i]);
	}
	buf[o] = 0;
	return o;
}

const char *radius_attr_format(const struct radius_attr *a, char *buf, size_t size)
{
	int i = attr_index(a->type);
	const char *name = i < 0 ? NULL : attr_table[i].name;
	enum vkind k = i < 0 ? K_OCTETS : attr_table[i].kind;
	char namebuf[24], val[3 * RADIUS_ATTR_MAX + 8];
	uint32_t u;
	uint8_t tag;
	const uint8_t *sv;
	size_t sl;

	if (!name) {
		snprintf(namebuf, sizeof(namebuf), "Attr-%u", a->type);
		name = namebuf;
	}
	if (!size)
		return buf;
	switch (k) {
	case K_SECRET:
		snprintf(val, sizeof(val), "<%u octets masked>", a->len);
		break;
	case K_INT:
		if (radius_attr_u32(a, &u) == 0)
			snprintf(val, sizeof(val), "%u", u);
		else
			snprintf(val, sizeof(val), "<bad length %u>", a->len);
		break;
	case K_TAG_INT:
		if (radius_attr_tagged_u32(a, &tag, &u) == 0)
			snprintf(val, sizeof(val), "%u (tag %u)", u, tag);
		else
			snprintf(val, sizeof(val), "<bad length %u>", a->len);
		break;
	case K_IPV4:
		if (a->len == 4)
			snprintf(val, sizeof(val), "%u.%u.%u.%u", a->val[0], a->val[1],
				 a->val[2], a->val[3]);
		else
			snprintf(val, sizeof(val), "<bad length %u>", a->len);
		break;
	case K_STRING:
	case K_TAG_STR:
		tag = 0;
		sv = a->val;
		sl = a->len;
		if (k == K_TAG_STR)
			radius_attr_tagged_str(a, &tag, &sv, &sl);
		val[0] = '"';
		sl = put_text(val + 1, sizeof(val) - 16, sv, sl);
		if (tag)
			snprintf(val + 1 + sl, sizeof(val) - 1 - sl, "\" (tag %u)", tag);
		else
			snprintf(val + 1 + sl, sizeof(val) - 1 - sl, "\"");
		break;
	default: {
		size_t o = 0;
		o += (size_t)snprintf(val, sizeof(val), "0x");
		for (unsigned j = 0; j < a->len && o + 3 < sizeof(val); j++)
			o += (size_t)snprintf(val + o, sizeof(val) - o, "%02x", a->val[j]);
		break;
	}
	}
	snprintf(buf, size, "%s = %s", name, val);
	return buf;
}
