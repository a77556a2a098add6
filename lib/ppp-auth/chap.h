/* SPDX-License-Identifier: MIT */
/*
 * CHAP (RFC 1994) packet codec and MD5 response computation.
 *
 * Pure functions, no state. A "packet" here is the PPP Information field of
 * a CHAP frame, starting at the Code octet; the PPP engine adds/strips the
 * protocol field (0xC223).
 *
 *   Code(1) Identifier(1) Length(2) Data...
 *   Challenge/Response data: Value-Size(1) Value(Value-Size) Name(rest)
 *   Success/Failure data:    Message(rest)
 *
 * Builders write into a caller buffer and return the packet length or a
 * negative errno (-EINVAL bad arguments, -ENOSPC buffer too small). Parsers
 * return 0 or a negative errno and never read outside [buf, buf+len).
 */
#ifndef VPDN_PPP_CHAP_H
#define VPDN_PPP_CHAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define CHAP_PROTOCOL      0xC223
#define CHAP_HDR_LEN       4
#define CHAP_MD5_ALGORITHM 5     /* LCP Auth-Protocol option algorithm */
#define CHAP_MD5_LEN       16    /* MD5 response value size */
#define CHAP_MAX_PACKET    65535

enum chap_code {
	CHAP_CHALLENGE = 1,
	CHAP_RESPONSE = 2,
	CHAP_SUCCESS = 3,
	CHAP_FAILURE = 4,
};

/* A parsed packet. Pointers point into the parsed buffer (borrowed). name
 * and message are NOT NUL-terminated: use the lengths (printf "%.*s"). */
struct chap_packet {
	uint8_t code;
	uint8_t id;
	uint16_t length;              /* Length field (<= the buffer length) */
	/* CHALLENGE / RESPONSE */
	const uint8_t *value;
	size_t value_len;             /* 1..255 */
	const char *name;
	size_t name_len;
	/* SUCCESS / FAILURE */
	const char *message;
	size_t message_len;
};

/* "CHALLENGE", "RESPONSE", "SUCCESS", "FAILURE"; "UNKNOWN" otherwise. */
const char *chap_code_name(uint8_t code);

/* Parse buf[0..len). Octets beyond the Length field are padding and are
 * ignored. Returns 0; -EBADMSG if truncated/inconsistent (len < 4, Length <
 * 4 or > len, Value-Size 0 or running past Length); -EOPNOTSUPP for an
 * unknown code (code, id and length are still filled in). */
int chap_parse(const uint8_t *buf, size_t len, struct chap_packet *out);

/* Challenge or Response (code CHAP_CHALLENGE / CHAP_RESPONSE): value_len
 * 1..255; name may be NULL when name_len is 0. */
ssize_t chap_build_value(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			 const uint8_t *value, size_t value_len,
			 const char *name, size_t name_len);
ssize_t chap_build_challenge(uint8_t *buf, size_t size, uint8_t id,
			     const uint8_t *challenge, size_t challenge_len,
			     const char *name, size_t name_len);
ssize_t chap_build_response(uint8_t *buf, size_t size, uint8_t id,
			    const uint8_t *response, size_t response_len,
			    const char *name, size_t name_len);
/* Success or Failure (code CHAP_SUCCESS / CHAP_FAILURE) with an optional
 * message (msg may be NULL when msg_len is 0). */
ssize_t chap_build_message(uint8_t *buf, size_t size, uint8_t code, uint8_t id,
			   const char *msg, size_t msg_len);
ssize_t chap_build_success(uint8_t *buf, size_t size, uint8_t id,
			   const char *msg, size_t msg_len);
ssize_t chap_build_failure(uint8_t *buf, size_t size, uint8_t id,
			   const char *msg, size_t msg_len);

/* out = MD5(id || secret || challenge) (GLib GChecksum). Returns 0, or
 * -EINVAL if a pointer is NULL with a non-zero length or out is NULL. */
int chap_md5_response(uint8_t id, const void *secret, size_t secret_len,
		      const uint8_t *challenge, size_t challenge_len,
		      uint8_t out[CHAP_MD5_LEN]);

/* True if response (response_len must be 16) equals MD5(id, secret,
 * challenge). The comparison is constant-time. */
bool chap_md5_verify(uint8_t id, const void *secret, size_t secret_len,
		     const uint8_t *challenge, size_t challenge_len,
		     const uint8_t *response, size_t response_len);

/* Convenience for the peer side: build a Response packet whose value is
 * MD5(id, secret, challenge), named `name`. Returns the packet length
 * (4 + 1 + 16 + name_len) or negative errno. */
ssize_t chap_build_md5_response(uint8_t *buf, size_t size, uint8_t id,
				const void *secret, size_t secret_len,
				const uint8_t *challenge, size_t challenge_len,
				const char *name, size_t name_len);

/* Constant-time equality of two n-octet buffers (time depends on n only). */
bool chap_ct_equal(const void *a, const void *b, size_t n);

/* Fill out[0..len) with random octets (arc4random_buf). 0, or -EINVAL
 * for a NULL out with a length. */
int chap_random_challenge(uint8_t *out, size_t len);

/* One-line description for logs, without the "CHAP: I/O " prefix:
 *   CHALLENGE id 7 len 24 from "LAC"
 *   RESPONSE id 7 len 38 from "remote1@cisco.com"
 *   SUCCESS id 7 len 4
 *   FAILURE id 7 len 26 msg is "Authentication failed"
 * Non-printable octets in names/messages are shown as '.'. Malformed input
 * gives e.g. "malformed len 3". Always NUL-terminates (size > 0); returns
 * the snprintf-style length. */
int chap_describe(const uint8_t *buf, size_t len, char *out, size_t size);

#ifdef __cplusplus
}
#endif
#endif
