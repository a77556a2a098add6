/* SPDX-License-Identifier: MIT */
/*
 * L2TPv2 wire format (RFC 2661): headers, AVPs, hidden AVPs, tunnel
 * authentication, names for logs.
 *
 * The codec does no I/O and keeps no state between calls. It needs only GLib
 * (GChecksum for MD5) and arc4random_buf.
 *
 * Errors are negative errno values:
 *   -EPROTONOSUPPORT  header version 1 (L2F): drop silently
 *   -EPROTO           header version not 1 or 2 (answer StopCCN result 5),
 *                     or: Message Type AVP missing / not first / unknown
 *                     message type with M=1 (see l2tp_decode_error.what)
 *   -EBADMSG          malformed: short header, bad Length field, control
 *                     message without T/L/S, AVP header length < 6 or running
 *                     past the end, bad value length (or hidden decoded
 *                     length too large) in an M=1 AVP  -> Result 2 Error 2
 *   -ENOTSUP          unknown AVP (vendor != 0, unknown type or reserved
 *                     bits set) with M=1              -> Result 2 Error 8
 *   -ERANGE           value out of range in an M=1 AVP (Receive Window Size
 *                     0)                              -> Result 2 Error 3
 *   -ENODATA          hidden AVP without a preceding Random Vector (M=0 too)
 *   -ENOKEY           hidden AVP but no shared secret configured (M=0 too)
 *   -ENOSPC           decode scratch exhausted / encode buffer too small
 *   -ENOMSG           unknown message type (0 included) with M=0: ignore the message
 *                     (still acknowledge it: the header was valid)
 *   -EINVAL           bad arguments to an encoder
 */
#ifndef VPDND_L2TP_CODEC_H
#define VPDND_L2TP_CODEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------ */
/* Header (§3.1)                                                      */

#define L2TP_HDR_T 0x8000
#define L2TP_HDR_L 0x4000
#define L2TP_HDR_S 0x0800
#define L2TP_HDR_O 0x0200
#define L2TP_HDR_P 0x0100
#define L2TP_HDR_VERSION_MASK 0x000f
#define L2TP_VERSION 2
#define L2TP_VERSION_L2F 1

#define L2TP_CONTROL_HDR_LEN 12 /* also the length of a ZLB */
#define L2TP_DATA_HDR_MIN 6
#define L2TP_DATA_HDR_MAX 16 /* with L, S and O (offset size 0) */
#define L2TP_UDP_PORT 1701

struct l2tp_header {
	uint16_t flags;      /* L2TP_HDR_T|L|S|O|P as received (reserved bits cleared) */
	uint8_t version;     /* valid even when decode returned -EPROTO */
	uint16_t length;     /* Length field if L, else the datagram length */
	uint16_t tunnel_id;
	uint16_t session_id;
	uint16_t ns, nr;     /* if S (data messages: nr is reserved, 0) */
	uint16_t offset_size;/* if O */
	size_t hdr_len;      /* octets before the AVPs / PPP frame (incl. offset pad) */
	size_t payload_len;  /* octets of AVPs / PPP frame after hdr_len */
};

static inline bool l2tp_header_is_control(const struct l2tp_header *h)
{
	return (h->flags & L2TP_HDR_T) != 0;
}

/* A control header with no AVPs: a pure acknowledgement. */
static inline bool l2tp_header_is_zlb(const struct l2tp_header *h)
{
	return l2tp_header_is_control(h) && h->payload_len == 0;
}

/* Decode the header of a datagram of len octets. On -EPROTO (a version other
 * than 1 and 2) hdr->version is set and, if T is set and len >= 12, the other
 * fields as an RFC 2661 control header would carry them (best effort).
 * Control messages must have
 * T, L and S set and at least 12 octets; data messages at least 6. Length
 * greater than the datagram or smaller than the header: -EBADMSG; octets
 * beyond Length are ignored. Reserved bits are ignored. */
int l2tp_header_decode(const uint8_t *buf, size_t len, struct l2tp_header *hdr);

/* 12-octet control header. Returns 12 or -ENOSPC. */
int l2tp_control_header_encode(uint8_t *buf, size_t cap, uint16_t length,
			       uint16_t tunnel_id, uint16_t session_id,
			       uint16_t ns, uint16_t nr);

/* Rewrite Nr of an encoded control message (retransmissions carry the
 * current Nr). buf must hold at least 12 octets. */
void l2tp_control_header_set_nr(uint8_t *buf, uint16_t nr);

/* Data header for the fast path. flags: any of L2TP_HDR_L (Length field),
 * L2TP_HDR_S (Ns, and Nr = 0), L2TP_HDR_P (priority). Returns the header
 * length (6..12) or -ENOSPC / -EMSGSIZE (header + payload > 65535) /
 * -EINVAL (other flags). */
int l2tp_data_header_len(unsigned flags);
int l2tp_data_header_encode(uint8_t *buf, size_t cap, unsigned flags,
			    uint16_t tunnel_id, uint16_t session_id,
			    uint16_t ns, size_t payload_len);

/* ------------------------------------------------------------------ */
/* Message types and AVPs (§4, §6)                                    */

enum l2tp_msg_type {
	L2TP_MSG_ZLB = 0, /* not on the wire: a control header without AVPs */
	L2TP_MSG_SCCRQ = 1,
	L2TP_MSG_SCCRP = 2,
	L2TP_MSG_SCCCN = 3,
	L2TP_MSG_STOPCCN = 4,
	L2TP_MSG_HELLO = 6,
	L2TP_MSG_OCRQ = 7,
	L2TP_MSG_OCRP = 8,
	L2TP_MSG_OCCN = 9,
	L2TP_MSG_ICRQ = 10,
	L2TP_MSG_ICRP = 11,
	L2TP_MSG_ICCN = 12,
	L2TP_MSG_CDN = 14,
	L2TP_MSG_WEN = 15,
	L2TP_MSG_SLI = 16,
};

/* "SCCRQ", ..., "ZLB"; "unknown" for others. */
const char *l2tp_msg_type_name(unsigned type);
bool l2tp_msg_type_known(unsigned type); /* false for ZLB (0) */

enum l2tp_avp_type {
	L2TP_AVP_MESSAGE_TYPE = 0,
	L2TP_AVP_RESULT_CODE = 1,
	L2TP_AVP_PROTOCOL_VERSION = 2,
	L2TP_AVP_FRAMING_CAPS = 3,
	L2TP_AVP_BEARER_CAPS = 4,
	L2TP_AVP_TIE_BREAKER = 5,
	L2TP_AVP_FIRMWARE_REVISION = 6,
	L2TP_AVP_HOST_NAME = 7,
	L2TP_AVP_VENDOR_NAME = 8,
	L2TP_AVP_ASSIGNED_TUNNEL_ID = 9,
	L2TP_AVP_RECEIVE_WINDOW_SIZE = 10,
	L2TP_AVP_CHALLENGE = 11,
	L2TP_AVP_Q931_CAUSE = 12,
	L2TP_AVP_CHALLENGE_RESPONSE = 13,
	L2TP_AVP_ASSIGNED_SESSION_ID = 14,
	L2TP_AVP_CALL_SERIAL_NUMBER = 15,
	L2TP_AVP_MIN_BPS = 16,
	L2TP_AVP_MAX_BPS = 17,
	L2TP_AVP_BEARER_TYPE = 18,
	L2TP_AVP_FRAMING_TYPE = 19,
	/* 20 is unassigned in RFC 2661: treated as unknown */
	L2TP_AVP_CALLED_NUMBER = 21,
	L2TP_AVP_CALLING_NUMBER = 22,
	L2TP_AVP_SUB_ADDRESS = 23,
	L2TP_AVP_TX_CONNECT_SPEED = 24,
	L2TP_AVP_PHYSICAL_CHANNEL_ID = 25,
	L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ = 26,
	L2TP_AVP_LAST_SENT_LCP_CONFREQ = 27,
	L2TP_AVP_LAST_RCVD_LCP_CONFREQ = 28,
	L2TP_AVP_PROXY_AUTHEN_TYPE = 29,
	L2TP_AVP_PROXY_AUTHEN_NAME = 30,
	L2TP_AVP_PROXY_AUTHEN_CHALLENGE = 31,
	L2TP_AVP_PROXY_AUTHEN_ID = 32,
	L2TP_AVP_PROXY_AUTHEN_RESPONSE = 33,
	L2TP_AVP_CALL_ERRORS = 34,
	L2TP_AVP_ACCM = 35,
	L2TP_AVP_RANDOM_VECTOR = 36,
	L2TP_AVP_PRIVATE_GROUP_ID = 37,
	L2TP_AVP_RX_CONNECT_SPEED = 38,
	L2TP_AVP_SEQUENCING_REQUIRED = 39,
	/* 40..45 (RFC 3301, ATM) are not decoded: treated as unknown */
	L2TP_AVP_PPP_DISCONNECT_CAUSE = 46, /* RFC 3145, CDN only, M=0 */
	L2TP_AVP__COUNT = 47,
};

#define L2TP_AVP_M 0x8000
#define L2TP_AVP_H 0x4000
#define L2TP_AVP_RESERVED 0x3c00
#define L2TP_AVP_LEN_MASK 0x03ff
#define L2TP_AVP_HDR_LEN 6
#define L2TP_AVP_MAX_LEN 1023

/* "Message Type", "Host Name", ...; "unknown" for others. */
const char *l2tp_avp_name(unsigned type);
bool l2tp_avp_type_known(unsigned type);
/* M bit this codec sets when it encodes the AVP (RFC 2661 §4.4). */
bool l2tp_avp_mandatory(unsigned type);
/* False for 0, 1, 2, 5, 7, 10, 12, 36, 39 and unknown types. */
bool l2tp_avp_hideable(unsigned type);

/* Framing / bearer capability and type bits. */
#define L2TP_FRAMING_SYNC 0x1
#define L2TP_FRAMING_ASYNC 0x2
#define L2TP_BEARER_DIGITAL 0x1
#define L2TP_BEARER_ANALOG 0x2

enum l2tp_proxy_authen_type {
	L2TP_PROXY_AUTH_RESERVED = 0,
	L2TP_PROXY_AUTH_TEXT = 1,
	L2TP_PROXY_AUTH_CHAP = 2,
	L2TP_PROXY_AUTH_PAP = 3,
	L2TP_PROXY_AUTH_NONE = 4,
	L2TP_PROXY_AUTH_MSCHAPV1 = 5,
};
const char *l2tp_proxy_authen_type_name(unsigned type);

/* Result codes (§4.4.2). */
enum l2tp_stopccn_result {
	L2TP_STOPCCN_CLEAR = 1,
	L2TP_STOPCCN_GENERAL_ERROR = 2,
	L2TP_STOPCCN_ALREADY_EXISTS = 3,
	L2TP_STOPCCN_NOT_AUTHORIZED = 4,
	L2TP_STOPCCN_BAD_VERSION = 5,
	L2TP_STOPCCN_SHUTTING_DOWN = 6,
	L2TP_STOPCCN_FSM_ERROR = 7,
};
enum l2tp_cdn_result {
	L2TP_CDN_LOST_CARRIER = 1,
	L2TP_CDN_GENERAL_ERROR = 2,
	L2TP_CDN_ADMIN = 3,
	L2TP_CDN_TEMP_NO_FACILITIES = 4,
	L2TP_CDN_PERM_NO_FACILITIES = 5,
	L2TP_CDN_INVALID_DEST = 6,
	L2TP_CDN_NO_CARRIER = 7,
	L2TP_CDN_BUSY = 8,
	L2TP_CDN_NO_DIAL_TONE = 9,
	L2TP_CDN_TIMEOUT = 10,
	L2TP_CDN_NO_FRAMING = 11,
};
enum l2tp_error_code {
	L2TP_ERR_NONE = 0,
	L2TP_ERR_NO_CONTROL_CONNECTION = 1,
	L2TP_ERR_BAD_LENGTH = 2,
	L2TP_ERR_OUT_OF_RANGE = 3,
	L2TP_ERR_NO_RESOURCES = 4,
	L2TP_ERR_BAD_SESSION_ID = 5,
	L2TP_ERR_VENDOR = 6,
	L2TP_ERR_TRY_ANOTHER = 7,
	L2TP_ERR_UNKNOWN_MANDATORY_AVP = 8,
};
/* Text of a result code; msg_type selects StopCCN or CDN tables. */
const char *l2tp_result_text(unsigned msg_type, unsigned result);
const char *l2tp_error_text(unsigned error);

/* ------------------------------------------------------------------ */
/* Decoded message                                                    */

/* An octet string (or text, NOT NUL-terminated). On decode, ptr points into
 * the datagram or into the decode context's scratch (hidden AVPs): valid
 * until either is reused. On encode, the caller's data. */
struct l2tp_bytes {
	const uint8_t *ptr;
	uint16_t len;
};

struct l2tp_msg {
	uint64_t present; /* bit (1 << AVP type): AVP present / to encode */
	uint64_t hidden;  /* decode: AVPs that came hidden; encode: hide these */

	uint16_t message_type;                 /* 0 */
	struct {                               /* 1 */
		uint16_t result;
		uint16_t error;                /* valid if has_error */
		bool has_error;
		struct l2tp_bytes message;     /* len 0 if absent */
	} result;
	struct { uint8_t version, revision; } protocol_version; /* 2: 1.0 */
	uint32_t framing_caps;                 /* 3 */
	uint32_t bearer_caps;                  /* 4 */
	uint8_t tie_breaker[8];                /* 5 */
	uint16_t firmware_revision;            /* 6 */
	struct l2tp_bytes host_name;           /* 7 (>= 1 octet) */
	struct l2tp_bytes vendor_name;         /* 8 */
	uint16_t assigned_tunnel_id;           /* 9 */
	uint16_t receive_window_size;          /* 10 (non-zero) */
	struct l2tp_bytes challenge;           /* 11 (>= 1 octet) */
	struct {                               /* 12 */
		uint16_t cause;
		uint8_t msg;
		struct l2tp_bytes advisory;
	} q931;
	uint8_t challenge_response[16];        /* 13 */
	uint16_t assigned_session_id;          /* 14 */
	uint32_t call_serial_number;           /* 15 */
	uint32_t min_bps;                      /* 16 */
	uint32_t max_bps;                      /* 17 */
	uint32_t bearer_type;                  /* 18 */
	uint32_t framing_type;                 /* 19 */
	struct l2tp_bytes called_number;       /* 21 */
	struct l2tp_bytes calling_number;      /* 22 */
	struct l2tp_bytes sub_address;         /* 23 */
	uint32_t tx_connect_speed;             /* 24 */
	uint32_t physical_channel_id;          /* 25 */
	struct l2tp_bytes initial_rcvd_lcp_confreq; /* 26 */
	struct l2tp_bytes last_sent_lcp_confreq;    /* 27 */
	struct l2tp_bytes last_rcvd_lcp_confreq;    /* 28 */
	uint16_t proxy_authen_type;            /* 29 */
	struct l2tp_bytes proxy_authen_name;   /* 30 */
	struct l2tp_bytes proxy_authen_challenge; /* 31 */
	uint8_t proxy_authen_id;               /* 32 (wire: reserved octet, ID) */
	struct l2tp_bytes proxy_authen_response;  /* 33 */
	struct {                               /* 34 */
		uint32_t crc, framing, hardware_overruns, buffer_overruns,
			timeout, alignment;
	} call_errors;
	struct { uint32_t send, recv; } accm;  /* 35 */
	struct l2tp_bytes random_vector;       /* 36 decode: the last one seen;
						  encode: used if present, else
						  generated when something is
						  hidden */
	struct l2tp_bytes private_group_id;    /* 37 */
	uint32_t rx_connect_speed;             /* 38 */
	/* 39 Sequencing Required: presence only */
	struct {                               /* 46 (RFC 3145) */
		uint16_t code;                 /* enum vpdn_ppp_disconnect_code */
		uint16_t protocol;             /* control protocol, 0: global */
		uint8_t direction;             /* 0 global, 1 at peer, 2 at local */
		struct l2tp_bytes message;     /* UTF-8, len 0 if absent */
	} ppp_disconnect;
};

static inline bool l2tp_msg_has(const struct l2tp_msg *m, unsigned type)
{
	return type < 64 && (m->present & ((uint64_t)1 << type)) != 0;
}
static inline void l2tp_msg_set(struct l2tp_msg *m, unsigned type)
{
	if (type < 64)
		m->present |= (uint64_t)1 << type;
}
static inline bool l2tp_msg_is_hidden(const struct l2tp_msg *m, unsigned type)
{
	return type < 64 && (m->hidden & ((uint64_t)1 << type)) != 0;
}
static inline void l2tp_msg_hide(struct l2tp_msg *m, unsigned type)
{
	if (type < 64)
		m->hidden |= (uint64_t)1 << type;
}

/* Zero the struct and set Message Type (present). */
void l2tp_msg_init(struct l2tp_msg *m, enum l2tp_msg_type type);

/* Set the Result Code AVP (present). message may be NULL; error is sent if
 * error != 0 or message is given. */
void l2tp_msg_set_result(struct l2tp_msg *m, uint16_t result, uint16_t error,
			 const char *message);

/* Set a text/octet AVP from a C string / buffer (pointer kept, not copied)
 * and mark it present. */
void l2tp_msg_set_bytes(struct l2tp_msg *m, unsigned type, const void *data,
			size_t len);
void l2tp_msg_set_str(struct l2tp_msg *m, unsigned type, const char *s);
/* Copy b into dst as a NUL-terminated string (truncated to size - 1).
 * Returns dst. */
char *l2tp_bytes_to_str(const struct l2tp_bytes *b, char *dst, size_t size);

/* Mandatory AVPs of the message type (PROTOCOL.md §6 table) present?
 * Returns 0; -ENOENT with *missing = the first missing AVP type; -EPROTO for
 * an unknown message type. missing may be NULL. */
int l2tp_msg_check_mandatory(const struct l2tp_msg *m, unsigned *missing);
/* Bitmap of mandatory AVPs for a message type (0 for unknown). */
uint64_t l2tp_msg_mandatory_avps(unsigned msg_type);

/* ------------------------------------------------------------------ */
/* Decode                                                             */

struct l2tp_decode_error {
	int code;          /* negative errno, as returned */
	uint16_t vendor;   /* offending AVP (0/0 when not about an AVP) */
	uint16_t type;
	const char *what;  /* static text for the l2x-errors log */
	uint16_t l2tp_error; /* suggested Error Code for StopCCN/CDN result 2
				(L2TP_ERR_BAD_LENGTH, _UNKNOWN_MANDATORY_AVP,
				_OUT_OF_RANGE), 0 if none */
	size_t offset;     /* octet offset of the AVP in the AVP area */
};

#define L2TP_DECODE_SCRATCH 4096

/* Decode context: the shared secret (in), error and counters (out), and the
 * scratch that hidden AVP plaintexts are decoded into. Reused by each decode
 * call (which resets err, counters and scratch). Strings of a decoded
 * message that came hidden point into scratch: do not copy the context by
 * value and expect them to follow. */
struct l2tp_decode_ctx {
	const uint8_t *secret; /* NULL: no secret (hidden AVPs are an error) */
	size_t secret_len;
	struct l2tp_decode_error err;
	unsigned unknown_skipped;   /* unknown M=0 AVPs skipped */
	unsigned malformed_ignored; /* malformed M=0 AVPs ignored */
	/* In: on an unknown AVP with M=1, note it in err and decode the
	 * rest of the message (so that its Assigned Session ID is known and
	 * only that session is answered, §4.1), then return -ENOTSUP with
	 * msg filled. Any later error still stops the decode. Set after
	 * l2tp_decode_ctx_init(); kept by each decode call. */
	bool past_unknown_m;
	size_t scratch_used;
	uint8_t scratch[L2TP_DECODE_SCRATCH];
};

void l2tp_decode_ctx_init(struct l2tp_decode_ctx *ctx, const void *secret,
			  size_t secret_len);

/* Decode the AVP area (after the control header) into msg (zeroed first).
 * len 0 gives message_type ZLB (0) and returns 0. */
int l2tp_avps_decode(const uint8_t *buf, size_t len, struct l2tp_msg *msg,
		     struct l2tp_decode_ctx *ctx);

/* Decode a datagram: header, then for a control message its AVPs. For a
 * data message msg is zeroed and hdr tells where the frame is. ctx->err is
 * set on every error (header ones too). When the header decoded but the AVPs
 * did not, hdr stays valid (Ns/Nr, Tunnel ID) so the caller can acknowledge
 * and answer with StopCCN/CDN. */
int l2tp_datagram_decode(const uint8_t *buf, size_t len,
			 struct l2tp_header *hdr, struct l2tp_msg *msg,
			 struct l2tp_decode_ctx *ctx);

/* One line of text for `debug vpdn l2x-packets`: the header
 * ("ICRQ tnl 45029, cl 0, ns 3, nr 2"; "ZLB ..." for an acknowledgement)
 * and every AVP present, Message Type first, then in type order
 * ("Assigned-Session-ID 291, Called-Number(H) \"8211\""). AVPs that came
 * hidden are shown decrypted (as decoded) and marked "(H)". Challenge
 * Response and Proxy Authen Response are printed as VPDN_SECRET_MASK;
 * challenges, random vectors and LCP CONFREQs by length only; text from the
 * wire made printable and cut at 64 characters. Truncated with "..." to
 * size. Returns dst. */
char *l2tp_msg_format(const struct l2tp_header *h, const struct l2tp_msg *m, char *dst,
		      size_t size);

/* ------------------------------------------------------------------ */
/* Encode                                                             */

/* Fill buf with len random octets; 0 or negative errno. */
typedef int (*l2tp_random_fn)(void *buf, size_t len, void *data);
/* Default source: arc4random_buf (never fails). */
int l2tp_random_bytes(void *buf, size_t len, void *data);

struct l2tp_encode_ctx {
	const uint8_t *secret; /* needed only when msg->hidden != 0 */
	size_t secret_len;
	l2tp_random_fn random; /* NULL: l2tp_random_bytes */
	void *random_data;
};

/* Encode the AVPs marked present (Message Type first; a Random Vector just
 * before the first hidden AVP; the rest in type order). Hidden AVPs get
 * random padding. Returns octets written, -ENOSPC, -EINVAL (hiding an
 * unhideable AVP, no secret, no Message Type, a value too long or of a bad
 * length, e.g. Receive Window Size 0, Host Name empty). */
int l2tp_avps_encode(const struct l2tp_msg *msg, const struct l2tp_encode_ctx *ctx,
		     uint8_t *buf, size_t cap);

/* A complete control message: 12-octet header + AVPs, Length filled in.
 * msg NULL: a ZLB. Returns the total length or negative errno. */
int l2tp_control_encode(uint8_t *buf, size_t cap, uint16_t tunnel_id,
			uint16_t session_id, uint16_t ns, uint16_t nr,
			const struct l2tp_msg *msg,
			const struct l2tp_encode_ctx *ctx);

/* ------------------------------------------------------------------ */
/* Hidden AVPs (§4.3) and tunnel authentication (§4.4.3)              */

/* Hide value (len octets) of AVP type: out = encrypted (2-octet length,
 * value, pad_len padding octets from pad). out_cap must hold len + 2 +
 * pad_len. Returns the hidden length. */
int l2tp_hide(uint16_t type, const uint8_t *secret, size_t secret_len,
	      const uint8_t *rv, size_t rv_len, const uint8_t *value, size_t len,
	      const uint8_t *pad, size_t pad_len, uint8_t *out, size_t out_cap);
/* Reverse: decrypt in (in_len octets) into out (in_len octets needed), check
 * the original length and return it (value at out + 2), or -EBADMSG. */
int l2tp_unhide(uint16_t type, const uint8_t *secret, size_t secret_len,
		const uint8_t *rv, size_t rv_len, const uint8_t *in, size_t in_len,
		uint8_t *out, size_t out_cap);

#define L2TP_CHALLENGE_RESPONSE_LEN 16

/* MD5(msg_type octet, secret, challenge): 2 in an SCCRP, 3 in an SCCCN. */
void l2tp_challenge_response(uint8_t msg_type, const uint8_t *secret,
			     size_t secret_len, const uint8_t *challenge,
			     size_t challenge_len, uint8_t out[16]);
/* Constant-time comparison: true if equal. */
bool l2tp_ct_equal(const void *a, const void *b, size_t len);

#ifdef __cplusplus
}
#endif
#endif
