/* SPDX-License-Identifier: MIT */
/* CHAP (RFC 1994) codec. See chap.h. */
#include "chap.h"

#include <errno.h>
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vpdnd/log.h>

const char *chap_code_name(uint8_t code)
{
	switch (code) {
	case CHAP_CHALLENGE:
		return "CHALLENGE";
	case CHAP_RESPONSE:
		return "RESPONSE";
	case CHAP_SUCCESS:
		return "SUCCESS";
	case CHAP_FAILURE:
		return "FAILURE";
	default:
		return "UNKNOWN";
	}
}

int chap_parse(const uint8_t *buf, size_t len, struct chap_packet *out)
{
	size_t length, vsize;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!buf || len < CHAP_HDR_LEN)
		return -EBADMSG;
	length = ((size_t)buf[2] << 8) | buf[3];
	if (length < CHAP_HDR_LEN || length > len)
		return -EBADMSG;
	out->code = buf[0];
	out->id = buf[1];
	out->length = (uint16_t)length;

	switch (out->code) {
	case CHAP_CHALLENGE:
	case CHAP_RESPONSE:
		if (length < CHAP_HDR_LEN + 1)
			return -EBADMSG;
		vsize = buf[4];
		if (vsize == 0 || CHAP_HDR_LEN + 1 + vsize > length)
			return -EBADMSG;
		out->value = buf + CHAP_HDR_LEN + 1;
		out->value_len = vsize;
		out->name = (const char *)(buf + CHAP_HDR_LEN + 1 + vsize);
		out->name_len = length - (CHAP_HDR_LEN + 1 + vsize);
		return 0;
	case CHAP_SUCCESS:
	case CHAP_FAILURE:
		out->message = (const char *)(buf + CHAP_HDR_LEN);
		out->message_len = length - CHAP_HDR_LEN;
		return 0;
	default:
		return -EOPNOTSUPP;
	}
}

static void put_header(uint8_t *buf, uint8_t code, uint8_t id, size_t length)
{
	buf[0] = code;
	buf[1] = id;
	buf[2] = (uint8_t)(length >> 8);
	buf[3] = (uint8_t)length;
}

ssize_t chap_build_value(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			 const uint8_t *value, size_t value_len,
			 const char *name, size_t name_len)
{
	size_t length;

	if (code != CHAP_CHALLENGE && code != CHAP_RESPONSE)
		return -EINVAL;
	if (!buf || !value || value_len == 0 || value_len > 255 ||
	    (!name && name_len > 0))
		return -EINVAL;
	if (name_len > CHAP_MAX_PACKET - CHAP_HDR_LEN - 1 - value_len)
		return -EINVAL;
	length = CHAP_HDR_LEN + 1 + value_len + name_len;
	if (length > size)
		return -ENOSPC;
	put_header(buf, code, id, length);
	buf[4] = (uint8_t)value_len;
	memcpy(buf + 5, value, value_len);
	if (name_len)
		memcpy(buf + 5 + value_len, name, name_len);
	return (ssize_t)length;
}

ssize_t chap_build_challenge(uint8_t *buf, size_t size, uint8_t id,
			     const uint8_t *challenge, size_t challenge_len,
			     const char *name, size_t name_len)
{
	return chap_build_value(buf, size, CHAP_CHALLENGE, id, challenge,
				challenge_len, name, name_len);
}

ssize_t chap_build_response(uint8_t *buf, size_t size, uint8_t id,
			    const uint8_t *response, size_t response_len,
			    const char *name, size_t name_len)
{
	return chap_build_value(buf, size, CHAP_RESPONSE, id, response,
				response_len, name, name_len);
}

ssize_t chap_build_message(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			   const char *msg, size_t msg_len)
{
	size_t length;

	if (code != CHAP_SUCCESS && code != CHAP_FAILURE)
		return -EINVAL;
	if (!buf || (!msg && msg_len > 0) || msg_len > CHAP_MAX_PACKET - CHAP_HDR_LEN)
		return -EINVAL;
	length = CHAP_HDR_LEN + msg_len;
	if (length > size)
		return -ENOSPC;
	put_header(buf, code, id, length);
	if (msg_len)
		memcpy(buf + CHAP_HDR_LEN, msg, msg_len);
	return (ssize_t)length;
}

ssize_t chap_build_success(uint8_t *buf, size_t size, uint8_t id,
			   const char *msg, size_t msg_len)
{
	return chap_build_message(buf, size, CHAP_SUCCESS, id, msg, msg_len);
}

ssize_t chap_build_failure(uint8_t *buf, size_t size, uint8_t id,
			   const char *msg, size_t msg_len)
{
	return chap_build_message(buf, size, CHAP_FAILURE, id, msg, msg_len);
}

int chap_md5_response(uint8_t id, const void *secret, size_t secret_len,
		      const uint8_t *challenge, size_t challenge_len,
		      uint8_t out[CHAP_MD5_LEN])
{
	GChecksum *ck;
	gsize digest_len = CHAP_MD5_LEN;

	if (!out || (!secret && secret_len) || (!challenge && challenge_len))
		return -EINVAL;
	ck = g_checksum_new(G_CHECKSUM_MD5);
	if (!ck)
		return -ENOMEM;
	g_checksum_update(ck, &id, 1);
	if (secret_len)
		g_checksum_update(ck, secret, (gssize)secret_len);
	if (challenge_len)
		g_checksum_update(ck, challenge, (gssize)challenge_len);
	g_checksum_get_digest(ck, out, &digest_len);
	/* g_checksum_free() does not wipe its state; the digest is final
	 * and the secret went through the compression function only. */
	g_checksum_free(ck);
	return digest_len == CHAP_MD5_LEN ? 0 : -EIO;
}

ssize_t chap_build_md5_response(uint8_t *buf, size_t size, uint8_t id,
				const void *secret, size_t secret_len,
				const uint8_t *challenge, size_t challenge_len,
				const char *name, size_t name_len)
{
	uint8_t digest[CHAP_MD5_LEN];
	ssize_t n;
	int r;

	r = chap_md5_response(id, secret, secret_len, challenge, challenge_len, digest);
	if (r < 0)
		return r;
	n = chap_build_response(buf, size, id, digest, sizeof(digest), name, name_len);
	explicit_bzero(digest, sizeof(digest));
	return n;
}

bool chap_ct_equal(const void *a, const void *b, size_t n)
{
	const volatile uint8_t *pa = a, *pb = b;
	uint8_t diff = 0;

	for (size_t i = 0; i < n; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}

bool chap_md5_verify(uint8_t id, const void *secret, size_t secret_len,
		     const uint8_t *challenge, size_t challenge_len,
		     const uint8_t *response, size_t response_len)
{
	uint8_t expect[CHAP_MD5_LEN];
	bool ok;

	if (!response || response_len != CHAP_MD5_LEN)
		return false;
	if (chap_md5_response(id, secret, secret_len, challenge, challenge_len,
			      expect) < 0)
		return false;
	ok = chap_ct_equal(expect, response, CHAP_MD5_LEN);
	explicit_bzero(expect, sizeof(expect));
	return ok;
}

int chap_random_challenge(uint8_t *out, size_t len)
{
	if (!out && len)
		return -EINVAL;
	arc4random_buf(out, len); /* glibc 2.36: cannot fail */
	return 0;
}

int chap_describe(const uint8_t *buf, size_t len, char *out, size_t size)
{
	struct chap_packet p;
	char text[72];
	int r;

	if (!out || size == 0)
		return -EINVAL;
	r = chap_parse(buf, len, &p);
	if (r == -EOPNOTSUPP)
		return snprintf(out, size, "UNKNOWN code %u id %u len %u",
				p.code, p.id, p.length);
	if (r < 0)
		return snprintf(out, size, "malformed len %zu", buf ? len : 0);
	switch (p.code) {
	case CHAP_CHALLENGE:
	case CHAP_RESPONSE:
		vpdn_log_printable(text, sizeof(text), p.name, p.name_len, 64);
		return snprintf(out, size, "%s id %u len %u from \"%s\"",
				chap_code_name(p.code), p.id, p.length, text);
	default:
		if (p.message_len == 0)
			return snprintf(out, size, "%s id %u len %u",
					chap_code_name(p.code), p.id, p.length);
		vpdn_log_printable(text, sizeof(text), p.message, p.message_len, 64);
		return snprintf(out, size, "%s id %u len %u msg is \"%s\"",
				chap_code_name(p.code), p.id, p.length, text);
	}
}
