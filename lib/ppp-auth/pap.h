/* SPDX-License-Identifier: MIT */
/*
 * PAP (RFC 1334 §2) packet codec. Pure functions, no state.
 *
 * A "packet" is the PPP Information field starting at Code; the engine adds
 * the protocol field (0xC023).
 *
 *   Authenticate-Request: Code 1, Id, Length, Peer-ID-Length(1), Peer-ID,
 *                         Passwd-Length(1), Password
 *   Authenticate-Ack/Nak: Code 2/3, Id, Length, Msg-Length(1), Message
 *
 * Builders return the packet length or negative errno (-EINVAL, -ENOSPC);
 * parsers return 0 or negative errno and never read outside the buffer.
 */
#ifndef VPDN_PPP_PAP_H
#define VPDN_PPP_PAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PAP_PROTOCOL 0xC023
#define PAP_HDR_LEN  4

enum pap_code {
	PAP_AUTH_REQ = 1,
	PAP_AUTH_ACK = 2,
	PAP_AUTH_NAK = 3,
};

/* Pointers are borrowed from the parsed buffer and NOT NUL-terminated. */
struct pap_packet {
	uint8_t code;
	uint8_t id;
	uint16_t length;
	/* AUTH-REQ */
	const char *peer_id;
	size_t peer_id_len;           /* 0..255 */
	const char *password;
	size_t password_len;          /* 0..255 */
	/* AUTH-ACK / AUTH-NAK */
	const char *message;
	size_t message_len;           /* 0..255 */
};

/* "AUTH-REQ", "AUTH-ACK", "AUTH-NAK"; "UNKNOWN" otherwise. */
const char *pap_code_name(uint8_t code);

/* Returns 0; -EBADMSG if truncated or inconsistent; -EOPNOTSUPP for an
 * unknown code (code, id, length filled in). An Ack/Nak of Length 4 (no
 * Msg-Length octet, sent by some peers) parses with an empty message.
 * Octets beyond Length are padding and ignored. */
int pap_parse(const uint8_t *buf, size_t len, struct pap_packet *out);

/* peer_id_len and password_len 0..255 (NULL allowed with length 0). */
ssize_t pap_build_request(uint8_t *buf, size_t size, uint8_t id,
			  const char *peer_id, size_t peer_id_len,
			  const char *password, size_t password_len);
/* code PAP_AUTH_ACK or PAP_AUTH_NAK, msg_len 0..255. */
ssize_t pap_build_reply(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			const char *msg, size_t msg_len);
ssize_t pap_build_ack(uint8_t *buf, size_t size, uint8_t id,
		      const char *msg, size_t msg_len);
ssize_t pap_build_nak(uint8_t *buf, size_t size, uint8_t id,
		      const char *msg, size_t msg_len);

/* Constant-time password comparison: time depends only on expected_len.
 * True iff the lengths and contents are equal. */
bool pap_password_equal(const void *given, size_t given_len,
			const void *expected, size_t expected_len);

/* One-line description for logs, without the "PAP: I/O " prefix; the
 * password is never printed:
 *   AUTH-REQ id 3 len 25 from "remote1@cisco.com"
 *   AUTH-ACK id 3 len 5
 *   AUTH-NAK id 3 len 26 msg is "Authentication failed"
 * Always NUL-terminates (size > 0); returns the snprintf-style length. */
int pap_describe(const uint8_t *buf, size_t len, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
