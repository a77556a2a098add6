/* SPDX-License-Identifier: MIT */
/* PAP (RFC 1334 §2) codec. See pap.h. */
#include "pap.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <vpdnd/log.h>

const char *pap_code_name(uint8_t code)
{
	switch (code) {
	case PAP_AUTH_REQ:
		return "AUTH-REQ";
	case PAP_AUTH_ACK:
		return "AUTH-ACK";
	case PAP_AUTH_NAK:
		return "AUTH-NAK";
	default:
		return "UNKNOWN";
	}
}

int pap_parse(const uint8_t *buf, size_t len, struct pap_packet *out)
{
	size_t length, pos, n;

	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (!buf || len < PAP_HDR_LEN)
		return -EBADMSG;
	length = ((size_t)buf[2] << 8) | buf[3];
	if (length < PAP_HDR_LEN || length > len)
		return -EBADMSG;
	out->code = buf[0];
	out->id = buf[1];
	out->length = (uint16_t)length;

	switch (out->code) {
	case PAP_AUTH_REQ:
		pos = PAP_HDR_LEN;
		if (pos + 1 > length)
			return -EBADMSG;
		n = buf[pos++];
		if (pos + n > length)
			return -EBADMSG;
		out->peer_id = (const char *)(buf + pos);
		out->peer_id_len = n;
		pos += n;
		if (pos + 1 > length)
			return -EBADMSG;
		n = buf[pos++];
		if (pos + n > length)
			return -EBADMSG;
		out->password = (const char *)(buf + pos);
		out->password_len = n;
		return 0;
	case PAP_AUTH_ACK:
	case PAP_AUTH_NAK:
		out->message = (const char *)(buf + PAP_HDR_LEN);
		if (length == PAP_HDR_LEN)
			return 0;
		n = buf[PAP_HDR_LEN];
		if (PAP_HDR_LEN + 1 + n > length)
			return -EBADMSG;
		out->message = (const char *)(buf + PAP_HDR_LEN + 1);
		out->message_len = n;
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

ssize_t pap_build_request(uint8_t *buf, size_t size, uint8_t id,
			  const char *peer_id, size_t peer_id_len,
			  const char *password, size_t password_len)
{
	size_t length, pos = PAP_HDR_LEN;

	if (!buf || (!peer_id && peer_id_len) || (!password && password_len) ||
	    peer_id_len > 255 || password_len > 255)
		return -EINVAL;
	length = PAP_HDR_LEN + 1 + peer_id_len + 1 + password_len;
	if (length > size)
		return -ENOSPC;
	put_header(buf, PAP_AUTH_REQ, id, length);
	buf[pos++] = (uint8_t)peer_id_len;
	if (peer_id_len)
		memcpy(buf + pos, peer_id, peer_id_len);
	pos += peer_id_len;
	buf[pos++] = (uint8_t)password_len;
	if (password_len)
		memcpy(buf + pos, password, password_len);
	return (ssize_t)length;
}

ssize_t pap_build_reply(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			const char *msg, size_t msg_len)
{
	size_t length;

	if (code != PAP_AUTH_ACK && code != PAP_AUTH_NAK)
		return -EINVAL;
	if (!buf || (!msg && msg_len) || msg_len > 255)
		return -EINVAL;
	length = PAP_HDR_LEN + 1 + msg_len;
	if (length > size)
		return -ENOSPC;
	put_header(buf, code, id, length);
	buf[PAP_HDR_LEN] = (uint8_t)msg_len;
	if (msg_len)
		memcpy(buf + PAP_HDR_LEN + 1, msg, msg_len);
	return (ssize_t)length;
}

ssize_t pap_build_ack(uint8_t *buf, size_t size, uint8_t id,
		      const char *msg, size_t msg_len)
{
	return pap_build_reply(buf, size, PAP_AUTH_ACK, id, msg, msg_len);
}

ssize_t pap_build_nak(uint8_t *buf, size_t size, uint8_t id,
		      const char *msg, size_t msg_len)
{
	return pap_build_reply(buf, size, PAP_AUTH_NAK, id, msg, msg_len);
}

bool pap_password_equal(const void *given, size_t given_len,
			const void *expected, size_t expected_len)
{
	const volatile uint8_t *g = given, *e = expected;
	/* Compare over expected_len, reading the given password cyclically so
	 * the time depends on expected_len only; a length mismatch fails. */
	size_t diff = given_len ^ expected_len;

	if ((!given && given_len) || (!expected && expected_len))
		return false;
	for (size_t i = 0; i < expected_len; i++) {
		uint8_t gc = given_len ? g[i % given_len] : 0;
		diff |= (size_t)(gc ^ e[i]);
	}
	return diff == 0;
}

int pap_describe(const uint8_t *buf, size_t len, char *out, size_t size)
{
	struct pap_packet p;
	char text[72];
	int r;

	if (!out || size == 0)
		return -EINVAL;
	r = pap_parse(buf, len, &p);
	if (r == -EOPNOTSUPP)
		return snprintf(out, size, "UNKNOWN code %u id %u len %u",
				p.code, p.id, p.length);
	if (r < 0)
		return snprintf(out, size, "malformed len %zu", buf ? len : 0);
	if (p.code == PAP_AUTH_REQ) {
		vpdn_log_printable(text, sizeof(text), p.peer_id, p.peer_id_len, 64);
		return snprintf(out, size, "%s id %u len %u from \"%s\"",
				pap_code_name(p.code), p.id, p.length, text);
	}
	if (p.message_len == 0)
		return snprintf(out, size, "%s id %u len %u",
				pap_code_name(p.code), p.id, p.length);
	vpdn_log_printable(text, sizeof(text), p.message, p.message_len, 64);
	return snprintf(out, size, "%s id %u len %u msg is \"%s\"",
			pap_code_name(p.code), p.id, p.length, text);
}
