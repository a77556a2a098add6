/* SPDX-License-Identifier: MIT */
/* Whole messages: helpers, mandatory AVPs (RFC 2661 §6), datagrams. */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "codec-private.h"

#define B(t) ((uint64_t)1 << (L2TP_AVP_##t))

uint64_t l2tp_msg_mandatory_avps(unsigned msg_type)
{
	switch (msg_type) {
	case L2TP_MSG_SCCRQ:
	case L2TP_MSG_SCCRP:
		return B(MESSAGE_TYPE) | B(PROTOCOL_VERSION) | B(FRAMING_CAPS) |
		       B(HOST_NAME) | B(ASSIGNED_TUNNEL_ID);
	case L2TP_MSG_SCCCN:
	case L2TP_MSG_HELLO:
		return B(MESSAGE_TYPE);
	case L2TP_MSG_STOPCCN:
		return B(MESSAGE_TYPE) | B(RESULT_CODE) | B(ASSIGNED_TUNNEL_ID);
	case L2TP_MSG_OCRQ:
		return B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID) |
		       B(CALL_SERIAL_NUMBER) | B(MIN_BPS) | B(MAX_BPS) |
		       B(BEARER_TYPE) | B(FRAMING_TYPE) | B(CALLED_NUMBER);
	case L2TP_MSG_OCRP:
	case L2TP_MSG_ICRP:
		return B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID);
	case L2TP_MSG_OCCN:
	case L2TP_MSG_ICCN:
		return B(MESSAGE_TYPE) | B(FRAMING_TYPE) | B(TX_CONNECT_SPEED);
	case L2TP_MSG_ICRQ:
		return B(MESSAGE_TYPE) | B(ASSIGNED_SESSION_ID) |
		       B(CALL_SERIAL_NUMBER);
	case L2TP_MSG_CDN:
		return B(MESSAGE_TYPE) | B(RESULT_CODE) | B(ASSIGNED_SESSION_ID);
	case L2TP_MSG_WEN:
		return B(MESSAGE_TYPE) | B(CALL_ERRORS);
	case L2TP_MSG_SLI:
		return B(MESSAGE_TYPE) | B(ACCM);
	default:
		return 0;
	}
}

int l2tp_msg_check_mandatory(const struct l2tp_msg *m, unsigned *missing)
{
	uint64_t need = l2tp_msg_mandatory_avps(m->message_type);
	uint64_t lack;

	if (!need)
		return -EPROTO;
	lack = need & ~m->present;
	if (!lack)
		return 0;
	if (missing)
		*missing = (unsigned)__builtin_ctzll(lack);
	return -ENOENT;
}

void l2tp_msg_init(struct l2tp_msg *m, enum l2tp_msg_type type)
{
	memset(m, 0, sizeof(*m));
	m->message_type = (uint16_t)type;
	l2tp_msg_set(m, L2TP_AVP_MESSAGE_TYPE);
}

void l2tp_msg_set_result(struct l2tp_msg *m, uint16_t result, uint16_t error,
			 const char *message)
{
	size_t len = message ? strlen(message) : 0;

	m->result.result = result;
	m->result.error = error;
	m->result.has_error = error != 0 || len > 0;
	m->result.message.ptr = len ? (const uint8_t *)message : NULL;
	m->result.message.len = len > 0xffff ? 0xffff : (uint16_t)len;
	l2tp_msg_set(m, L2TP_AVP_RESULT_CODE);
}

static struct l2tp_bytes *msg_bytes(struct l2tp_msg *m, unsigned type)
{
	switch (type) {
	case L2TP_AVP_HOST_NAME: return &m->host_name;
	case L2TP_AVP_VENDOR_NAME: return &m->vendor_name;
	case L2TP_AVP_CHALLENGE: return &m->challenge;
	case L2TP_AVP_CALLED_NUMBER: return &m->called_number;
	case L2TP_AVP_CALLING_NUMBER: return &m->calling_number;
	case L2TP_AVP_SUB_ADDRESS: return &m->sub_address;
	case L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ: return &m->initial_rcvd_lcp_confreq;
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ: return &m->last_sent_lcp_confreq;
	case L2TP_AVP_LAST_RCVD_LCP_CONFREQ: return &m->last_rcvd_lcp_confreq;
	case L2TP_AVP_PROXY_AUTHEN_NAME: return &m->proxy_authen_name;
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE: return &m->proxy_authen_challenge;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE: return &m->proxy_authen_response;
	case L2TP_AVP_RANDOM_VECTOR: return &m->random_vector;
	case L2TP_AVP_PRIVATE_GROUP_ID: return &m->private_group_id;
	default: return NULL;
	}
}

void l2tp_msg_set_bytes(struct l2tp_msg *m, unsigned type, const void *data,
			size_t len)
{
	struct l2tp_bytes *b = msg_bytes(m, type);

	if (!b)
		return;
	b->ptr = data;
	b->len = len > 0xffff ? 0xffff : (uint16_t)len;
	l2tp_msg_set(m, type);
}

void l2tp_msg_set_str(struct l2tp_msg *m, unsigned type, const char *s)
{
	l2tp_msg_set_bytes(m, type, s, s ? strlen(s) : 0);
}

char *l2tp_bytes_to_str(const struct l2tp_bytes *b, char *dst, size_t size)
{
	size_t n;

	if (!dst || size == 0)
		return dst;
	n = b && b->ptr ? b->len : 0;
	if (n > size - 1)
		n = size - 1;
	if (n)
		memcpy(dst, b->ptr, n);
	dst[n] = '\0';
	return dst;
}

void l2tp_decode_ctx_init(struct l2tp_decode_ctx *ctx, const void *secret,
			  size_t secret_len)
{
	memset(ctx, 0, offsetof(struct l2tp_decode_ctx, scratch));
	ctx->secret = secret;
	ctx->secret_len = secret ? secret_len : 0;
}

int l2tp_datagram_decode(const uint8_t *buf, size_t len,
			 struct l2tp_header *hdr, struct l2tp_msg *msg,
			 struct l2tp_decode_ctx *ctx)
{
	int r;

	memset(msg, 0, sizeof(*msg));
	memset(&ctx->err, 0, sizeof(ctx->err));
	ctx->unknown_skipped = 0;
	ctx->malformed_ignored = 0;
	ctx->scratch_used = 0;
	r = l2tp_header_decode(buf, len, hdr);
	if (r < 0) {
		ctx->err.code = r;
		switch (r) {
		case -EPROTONOSUPPORT: ctx->err.what = "L2F (version 1) packet"; break;
		case -EPROTO: ctx->err.what = "unsupported L2TP version"; break;
		default: ctx->err.what = "malformed L2TP header"; break;
		}
		return r;
	}
	if (!l2tp_header_is_control(hdr))
		return 0;
	return l2tp_avps_decode(buf + hdr->hdr_len, hdr->payload_len, msg, ctx);
}

int l2tp_control_encode(uint8_t *buf, size_t cap, uint16_t tunnel_id,
			uint16_t session_id, uint16_t ns, uint16_t nr,
			const struct l2tp_msg *msg,
			const struct l2tp_encode_ctx *ctx)
{
	size_t total = L2TP_CONTROL_HDR_LEN;
	size_t avail;
	int r;

	if (!buf || cap < L2TP_CONTROL_HDR_LEN)
		return -ENOSPC;
	if (msg) {
		avail = cap - L2TP_CONTROL_HDR_LEN;
		if (avail > 0xffff - L2TP_CONTROL_HDR_LEN)
			avail = 0xffff - L2TP_CONTROL_HDR_LEN;
		r = l2tp_avps_encode(msg, ctx, buf + L2TP_CONTROL_HDR_LEN, avail);
		if (r < 0)
			return r;
		total += (size_t)r;
	}
	return l2tp_control_header_encode(buf, cap, (uint16_t)total, tunnel_id,
					  session_id, ns, nr) < 0
		       ? -ENOSPC
		       : (int)total;
}
