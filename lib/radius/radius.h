/* SPDX-License-Identifier: MIT */
/*
 * RADIUS wire codec (RFC 2865, 2866, 2868, 2869/3579, 5176).
 *
 * Builder: a packet is built in place in a caller struct radius_pkt (no
 * allocation): header, then attributes, then one "finish" call that sets
 * the length and computes the authenticators for the packet's code.
 * Parser: radius_parse() checks the header and every attribute's length
 * before anything reads them (hostile input); afterwards the iterator and
 * finders only walk what was checked.
 *
 * Crypto is GLib's (GChecksum MD5, GHmac HMAC-MD5; the HMAC key state of
 * the last few secrets is kept and copied per packet). Secrets and passwords
 * pass through here and are never logged by the codec.
 *
 * Errors: negative errno. -EMSGSIZE: the packet or attribute would not fit;
 * -EBADMSG: malformed; -EINVAL: bad argument; -ENOMSG: Message-
 * Authenticator missing where required; -EPERM: an authenticator or a
 * Message-Authenticator does not verify.
 */
#ifndef VPDN_RADIUS_H
#define VPDN_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define RADIUS_HDR_LEN 20
#define RADIUS_AUTH_LEN 16
#define RADIUS_MAX_LEN 4096        /* RFC 2865 §3 */
#define RADIUS_ATTR_MAX 253        /* value octets in one attribute */
#define RADIUS_PW_MAX 128          /* User-Password: RFC 2865 §5.2 */
#define RADIUS_AUTH_PORT 1812
#define RADIUS_ACCT_PORT 1813
#define RADIUS_DAE_PORT 3799

enum radius_code {
	RADIUS_ACCESS_REQUEST = 1,
	RADIUS_ACCESS_ACCEPT = 2,
	RADIUS_ACCESS_REJECT = 3,
	RADIUS_ACCOUNTING_REQUEST = 4,
	RADIUS_ACCOUNTING_RESPONSE = 5,
	RADIUS_ACCESS_CHALLENGE = 11,
	RADIUS_STATUS_SERVER = 12,
	RADIUS_DISCONNECT_REQUEST = 40,
	RADIUS_DISCONNECT_ACK = 41,
	RADIUS_DISCONNECT_NAK = 42,
	RADIUS_COA_REQUEST = 43,
	RADIUS_COA_ACK = 44,
	RADIUS_COA_NAK = 45,
};
const char *radius_code_name(int code);

enum radius_attr_type {
	RADIUS_USER_NAME = 1,
	RADIUS_USER_PASSWORD = 2,
	RADIUS_CHAP_PASSWORD = 3,
	RADIUS_NAS_IP_ADDRESS = 4,
	RADIUS_NAS_PORT = 5,
	RADIUS_SERVICE_TYPE = 6,
	RADIUS_FRAMED_PROTOCOL = 7,
	RADIUS_FRAMED_IP_ADDRESS = 8,
	RADIUS_FRAMED_IP_NETMASK = 9,
	RADIUS_FILTER_ID = 11,
	RADIUS_FRAMED_MTU = 12,
	RADIUS_REPLY_MESSAGE = 18,
	RADIUS_FRAMED_ROUTE = 22,
	RADIUS_STATE = 24,
	RADIUS_CLASS = 25,
	RADIUS_VENDOR_SPECIFIC = 26,
	RADIUS_SESSION_TIMEOUT = 27,
	RADIUS_IDLE_TIMEOUT = 28,
	RADIUS_CALLED_STATION_ID = 30,
	RADIUS_CALLING_STATION_ID = 31,
	RADIUS_NAS_IDENTIFIER = 32,
	RADIUS_PROXY_STATE = 33,
	RADIUS_ACCT_STATUS_TYPE = 40,
	RADIUS_ACCT_DELAY_TIME = 41,
	RADIUS_ACCT_INPUT_OCTETS = 42,
	RADIUS_ACCT_OUTPUT_OCTETS = 43,
	RADIUS_ACCT_SESSION_ID = 44,
	RADIUS_ACCT_AUTHENTIC = 45,
	RADIUS_ACCT_SESSION_TIME = 46,
	RADIUS_ACCT_INPUT_PACKETS = 47,
	RADIUS_ACCT_OUTPUT_PACKETS = 48,
	RADIUS_ACCT_TERMINATE_CAUSE = 49,
	RADIUS_ACCT_MULTI_SESSION_ID = 50,
	RADIUS_ACCT_INPUT_GIGAWORDS = 52,
	RADIUS_ACCT_OUTPUT_GIGAWORDS = 53,
	RADIUS_EVENT_TIMESTAMP = 55,
	RADIUS_CHAP_CHALLENGE = 60,
	RADIUS_NAS_PORT_TYPE = 61,
	RADIUS_TUNNEL_TYPE = 64,
	RADIUS_TUNNEL_MEDIUM_TYPE = 65,
	RADIUS_TUNNEL_CLIENT_ENDPOINT = 66,
	RADIUS_TUNNEL_SERVER_ENDPOINT = 67,
	RADIUS_ACCT_TUNNEL_CONNECTION = 68,
	RADIUS_TUNNEL_PASSWORD = 69,
	RADIUS_CONNECT_INFO = 77,
	RADIUS_MESSAGE_AUTHENTICATOR = 80,
	RADIUS_TUNNEL_PRIVATE_GROUP_ID = 81,
	RADIUS_TUNNEL_ASSIGNMENT_ID = 82,
	RADIUS_TUNNEL_PREFERENCE = 83,
	RADIUS_ACCT_INTERIM_INTERVAL = 85,
	RADIUS_NAS_PORT_ID = 87,
	RADIUS_FRAMED_POOL = 88,
	RADIUS_TUNNEL_CLIENT_AUTH_ID = 90,
	RADIUS_TUNNEL_SERVER_AUTH_ID = 91,
	/* IPv6 (RFC 3162, 4818, 6911) */
	RADIUS_FRAMED_INTERFACE_ID = 96,
	RADIUS_FRAMED_IPV6_PREFIX = 97,
	RADIUS_FRAMED_IPV6_POOL = 100,
	RADIUS_ERROR_CAUSE = 101,
	RADIUS_DELEGATED_IPV6_PREFIX = 123,
	RADIUS_DNS_SERVER_IPV6_ADDRESS = 169,
	RADIUS_DELEGATED_IPV6_PREFIX_POOL = 171,
};
/* "User-Name", ...; NULL for types the codec does not name. */
const char *radius_attr_name(int type);
/* RFC 2868 §3: attributes that carry a tag octet (0x01..0x1F). */
bool radius_attr_tagged(int type);
/* Attributes whose value is secret (masked by radius_format). */
bool radius_attr_secret(int type);

enum radius_acct_status {
	RADIUS_ACCT_START = 1,
	RADIUS_ACCT_STOP = 2,
	RADIUS_ACCT_INTERIM = 3,
	RADIUS_ACCT_ON = 7,
	RADIUS_ACCT_OFF = 8,
	/* RFC 2867 */
	RADIUS_ACCT_TUNNEL_START = 9,
	RADIUS_ACCT_TUNNEL_STOP = 10,
	RADIUS_ACCT_TUNNEL_REJECT = 11,
	RADIUS_ACCT_TUNNEL_LINK_START = 12,
	RADIUS_ACCT_TUNNEL_LINK_STOP = 13,
	RADIUS_ACCT_TUNNEL_LINK_REJECT = 14,
};

/* RFC 2866 §5.10 Acct-Terminate-Cause values used here. */
enum radius_term_cause {
	RADIUS_TERM_USER_REQUEST = 1,
	RADIUS_TERM_LOST_CARRIER = 2,
	RADIUS_TERM_LOST_SERVICE = 3,
	RADIUS_TERM_IDLE_TIMEOUT = 4,
	RADIUS_TERM_SESSION_TIMEOUT = 5,
	RADIUS_TERM_ADMIN_RESET = 6,
	RADIUS_TERM_ADMIN_REBOOT = 7,
	RADIUS_TERM_PORT_ERROR = 8,
	RADIUS_TERM_NAS_ERROR = 9,
	RADIUS_TERM_NAS_REQUEST = 10,
	RADIUS_TERM_NAS_REBOOT = 11,
	RADIUS_TERM_PORT_UNNEEDED = 12,
	RADIUS_TERM_USER_ERROR = 17,
};

/* A packet being built. buf holds the wire form; len is its length so far. */
struct radius_pkt {
	uint8_t buf[RADIUS_MAX_LEN];
	size_t len;
	size_t ma_off;   /* offset of the Message-Authenticator value, 0 none */
};

/* Start a packet. auth: the 16-octet Request Authenticator (Access-Request,
 * Status-Server: random from the caller), or the Request Authenticator of
 * the request being answered (responses), or NULL (zeros: Accounting-,
 * CoA-, Disconnect-Request, whose authenticator finish computes). */
void radius_pkt_init(struct radius_pkt *p, uint8_t code, uint8_t id, const uint8_t *auth);
int radius_add(struct radius_pkt *p, uint8_t type, const void *val, size_t len);
int radius_add_str(struct radius_pkt *p, uint8_t type, const char *s);
int radius_add_u32(struct radius_pkt *p, uint8_t type, uint32_t v);
/* addr in network order */
int radius_add_ipv4(struct radius_pkt *p, uint8_t type, uint32_t addr_be);
/* RFC 2868 tagged attribute. Integer attributes (Tunnel-Type, -Medium-Type,
 * -Preference): the tag replaces the high octet of the 24-bit value; string
 * attributes: the tag (1..0x1F) is one octet before the value, tag 0 means
 * no tag octet. */
int radius_add_tagged_u32(struct radius_pkt *p, uint8_t type, uint8_t tag, uint32_t v);
int radius_add_tagged(struct radius_pkt *p, uint8_t type, uint8_t tag, const void *val, size_t len);
/* Vendor-Specific (26) in the RFC 2865 §5.26 recommended form. */
int radius_add_vsa(struct radius_pkt *p, uint32_t vendor, uint8_t vtype, const void *val, size_t len);
/* User-Password hidden with the packet's Request Authenticator (§5.2).
 * pw_len 0..128. */
int radius_add_user_password(struct radius_pkt *p, const void *pw, size_t pw_len,
			     const void *secret, size_t secret_len);
/* Tunnel-Password (RFC 2868 §3.5), salt-encrypted with req_auth (the
 * Request Authenticator of the Access-Request this answers). salt: 2
 * octets (the high bit of the first is forced on). */
int radius_add_tunnel_password(struct radius_pkt *p, uint8_t tag, const uint8_t salt[2],
			       const void *pw, size_t pw_len, const uint8_t *req_auth,
			       const void *secret, size_t secret_len);
/* Reserve a Message-Authenticator (80) attribute; finish fills it. */
int radius_add_message_authenticator(struct radius_pkt *p);

/* Finish a request: set the length; Accounting-, CoA-, Disconnect-Request
 * get their Request Authenticator (RFC 2866 §3) and, if reserved, the
 * Message-Authenticator is computed over zeros in its place (RFC 5176
 * §3.1); Access-Request/Status-Server keep the caller's authenticator and
 * get the Message-Authenticator over it. */
int radius_finish_request(struct radius_pkt *p, const void *secret, size_t secret_len);
/* Finish a response to a request whose Request Authenticator is req_auth:
 * Message-Authenticator over req_auth, then the Response Authenticator. */
int radius_finish_response(struct radius_pkt *p, const uint8_t *req_auth,
			   const void *secret, size_t secret_len);

/* ---- parsing ---- */
struct radius_view {
	const uint8_t *buf;
	size_t len;          /* the header's Length (octets past it are ignored) */
	uint8_t code, id;
	const uint8_t *auth; /* 16 octets */
	unsigned n_attrs;
};

struct radius_attr {
	uint8_t type;
	uint8_t len;         /* value octets */
	const uint8_t *val;
};

/* Check a datagram: header length >= 20, <= 4096, <= n; every attribute
 * length >= 2 and inside the packet; Message-Authenticator 16 octets, at
 * most one. 0 or -EBADMSG. */
int radius_parse(const uint8_t *buf, size_t n, struct radius_view *v);
/* Iterate: *pos starts at 0; returns true with the next attribute. */
bool radius_next(const struct radius_view *v, size_t *pos, struct radius_attr *a);
/* First attribute of a type; false if none. */
bool radius_find(const struct radius_view *v, uint8_t type, struct radius_attr *a);
/* Decoders for one attribute value with a length check: 0 or -EBADMSG. */
int radius_attr_u32(const struct radius_attr *a, uint32_t *out);
/* Tagged integer: tag in *tag, the 24-bit value in *out. */
int radius_attr_tagged_u32(const struct radius_attr *a, uint8_t *tag, uint32_t *out);
/* Tagged string: a first octet 0x01..0x1F is the tag (else tag 0, whole
 * value). */
void radius_attr_tagged_str(const struct radius_attr *a, uint8_t *tag,
			    const uint8_t **val, size_t *len);
/* Vendor-Specific: the vendor id and the first sub-attribute. */
int radius_attr_vsa(const struct radius_attr *a, uint32_t *vendor, uint8_t *vtype,
		    const uint8_t **val, size_t *len);

/* Verify a response to a request with Request Authenticator req_auth: the
 * Response Authenticator, and the Message-Authenticator (required when
 * require_ma). 0, -ENOMSG (missing), -EPERM (wrong). */
int radius_verify_response(const struct radius_view *v, const uint8_t *req_auth,
			   const void *secret, size_t secret_len, bool require_ma);
/* Verify a request we receive. Accounting-, CoA-, Disconnect-Request: the
 * Request Authenticator (§3 of RFC 2866) and a Message-Authenticator if
 * present (required when require_ma). Access-Request: the
 * Message-Authenticator (required when require_ma). */
int radius_verify_request(const struct radius_view *v, const void *secret, size_t secret_len,
			  bool require_ma);

/* Recover a hidden User-Password (server side, tests). out gets up to 128
 * octets plus a NUL; trailing NUL padding stripped. Returns the length or
 * -EBADMSG. */
int radius_user_password_decode(const struct radius_attr *a, const uint8_t *req_auth,
				const void *secret, size_t secret_len, char *out, size_t out_size);
/* Decrypt a Tunnel-Password with the Access-Request's authenticator.
 * Returns the password length (out NUL-terminated) or -EBADMSG. */
int radius_tunnel_password_decode(const struct radius_attr *a, const uint8_t *req_auth,
				  const void *secret, size_t secret_len, uint8_t *tag,
				  char *out, size_t out_size);

/* One line of text per attribute for `debug radius`: "User-Name = "x"",
 * secrets and passwords masked. Writes into buf, returns buf. */
const char *radius_attr_format(const struct radius_attr *a, char *buf, size_t size);

#ifdef __cplusplus
}
#endif
#endif
