/* SPDX-License-Identifier: MIT */
/* AVP decode/encode (RFC 2661 §4). */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "codec-private.h"

#define AVP_VALUE_MAX (L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)

static int set_error(struct l2tp_decode_ctx *ctx, int code, uint16_t vendor,
		     uint16_t type, size_t offset, const char *what)
{
	uint16_t l2tp_error = 0;

	switch (code) {
	case -EBADMSG: l2tp_error = L2TP_ERR_BAD_LENGTH; break;
	case -ENOTSUP: l2tp_error = L2TP_ERR_UNKNOWN_MANDATORY_AVP; break;
	case -ERANGE: l2tp_error = L2TP_ERR_OUT_OF_RANGE; break;
	default: break;
	}
	ctx->err.code = code;
	ctx->err.vendor = vendor;
	ctx->err.type = type;
	ctx->err.what = what;
	ctx->err.l2tp_error = l2tp_error;
	ctx->err.offset = offset;
	return code;
}

static void bytes_set(struct l2tp_bytes *b, const uint8_t *v, size_t n)
{
	b->ptr = v;
	b->len = (uint16_t)n;
}

/* Parse the value of a known AVP type (vendor 0) into m. Returns 0,
 * -EBADMSG (bad length) or -ERANGE (value out of range); *what explains. */
static int avp_parse(struct l2tp_msg *m, unsigned type, const uint8_t *v,
		     size_t n, const char **what)
{
	*what = "bad value length";
	switch (type) {
	case L2TP_AVP_MESSAGE_TYPE:
		if (n != 2)
			return -EBADMSG;
		m->message_type = l2tp_get16(v);
		break;
	case L2TP_AVP_RESULT_CODE:
		if (n != 2 && n < 4)
			return -EBADMSG;
		m->result.result = l2tp_get16(v);
		m->result.has_error = n >= 4;
		m->result.error = n >= 4 ? l2tp_get16(v + 2) : 0;
		if (n > 4)
			bytes_set(&m->result.message, v + 4, n - 4);
		else
			bytes_set(&m->result.message, NULL, 0);
		break;
	case L2TP_AVP_PROTOCOL_VERSION:
		if (n != 2)
			return -EBADMSG;
		m->protocol_version.version = v[0];
		m->protocol_version.revision = v[1];
		break;
	case L2TP_AVP_FRAMING_CAPS:
		if (n != 4)
			return -EBADMSG;
		m->framing_caps = l2tp_get32(v);
		break;
	case L2TP_AVP_BEARER_CAPS:
		if (n != 4)
			return -EBADMSG;
		m->bearer_caps = l2tp_get32(v);
		break;
	case L2TP_AVP_TIE_BREAKER:
		if (n != 8)
			return -EBADMSG;
		memcpy(m->tie_breaker, v, 8);
		break;
	case L2TP_AVP_FIRMWARE_REVISION:
		if (n != 2)
			return -EBADMSG;
		m->firmware_revision = l2tp_get16(v);
		break;
	case L2TP_AVP_HOST_NAME:
		if (n < 1)
			return -EBADMSG;
		bytes_set(&m->host_name, v, n);
		break;
	case L2TP_AVP_VENDOR_NAME:
		bytes_set(&m->vendor_name, v, n);
		break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		if (n != 2)
			return -EBADMSG;
		m->assigned_tunnel_id = l2tp_get16(v);
		break;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		if (n != 2)
			return -EBADMSG;
		if (l2tp_get16(v) == 0) {
			*what = "receive window size 0";
			return -ERANGE;
		}
		m->receive_window_size = l2tp_get16(v);
		break;
	case L2TP_AVP_CHALLENGE:
		if (n < 1)
			return -EBADMSG;
		bytes_set(&m->challenge, v, n);
		break;
	case L2TP_AVP_Q931_CAUSE:
		if (n < 3)
			return -EBADMSG;
		m->q931.cause = l2tp_get16(v);
		m->q931.msg = v[2];
		bytes_set(&m->q931.advisory, n > 3 ? v + 3 : NULL, n - 3);
		break;
	case L2TP_AVP_CHALLENGE_RESPONSE:
		if (n != 16)
			return -EBADMSG;
		memcpy(m->challenge_response, v, 16);
		break;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		if (n != 2)
			return -EBADMSG;
		m->assigned_session_id = l2tp_get16(v);
		break;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
	case L2TP_AVP_MIN_BPS:
	case L2TP_AVP_MAX_BPS:
	case L2TP_AVP_BEARER_TYPE:
	case L2TP_AVP_FRAMING_TYPE:
	case L2TP_AVP_TX_CONNECT_SPEED:
	case L2TP_AVP_PHYSICAL_CHANNEL_ID:
	case L2TP_AVP_RX_CONNECT_SPEED: {
		uint32_t x;
		if (n != 4)
			return -EBADMSG;
		x = l2tp_get32(v);
		switch (type) {
		case L2TP_AVP_CALL_SERIAL_NUMBER: m->call_serial_number = x; break;
		case L2TP_AVP_MIN_BPS: m->min_bps = x; break;
		case L2TP_AVP_MAX_BPS: m->max_bps = x; break;
		case L2TP_AVP_BEARER_TYPE: m->bearer_type = x; break;
		case L2TP_AVP_FRAMING_TYPE: m->framing_type = x; break;
		case L2TP_AVP_TX_CONNECT_SPEED: m->tx_connect_speed = x; break;
		case L2TP_AVP_PHYSICAL_CHANNEL_ID: m->physical_channel_id = x; break;
		default: m->rx_connect_speed = x; break;
		}
		break;
	}
	case L2TP_AVP_CALLED_NUMBER:
		bytes_set(&m->called_number, v, n);
		break;
	case L2TP_AVP_CALLING_NUMBER:
		bytes_set(&m->calling_number, v, n);
		break;
	case L2TP_AVP_SUB_ADDRESS:
		bytes_set(&m->sub_address, v, n);
		break;
	case L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ:
		bytes_set(&m->initial_rcvd_lcp_confreq, v, n);
		break;
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		bytes_set(&m->last_sent_lcp_confreq, v, n);
		break;
	case L2TP_AVP_LAST_RCVD_LCP_CONFREQ:
		bytes_set(&m->last_rcvd_lcp_confreq, v, n);
		break;
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		if (n != 2)
			return -EBADMSG;
		m->proxy_authen_type = l2tp_get16(v);
		break;
	case L2TP_AVP_PROXY_AUTHEN_NAME:
		bytes_set(&m->proxy_authen_name, v, n);
		break;
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		bytes_set(&m->proxy_authen_challenge, v, n);
		break;
	case L2TP_AVP_PROXY_AUTHEN_ID:
		if (n != 2)
			return -EBADMSG;
		m->proxy_authen_id = v[1];
		break;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		bytes_set(&m->proxy_authen_response, v, n);
		break;
	case L2TP_AVP_CALL_ERRORS:
		if (n != 26)
			return -EBADMSG;
		m->call_errors.crc = l2tp_get32(v + 2);
		m->call_errors.framing = l2tp_get32(v + 6);
		m->call_errors.hardware_overruns = l2tp_get32(v + 10);
		m->call_errors.buffer_overruns = l2tp_get32(v + 14);
		m->call_errors.timeout = l2tp_get32(v + 18);
		m->call_errors.alignment = l2tp_get32(v + 22);
		break;
	case L2TP_AVP_ACCM:
		if (n != 10)
			return -EBADMSG;
		m->accm.send = l2tp_get32(v + 2);
		m->accm.recv = l2tp_get32(v + 6);
		break;
	case L2TP_AVP_RANDOM_VECTOR:
		if (n < 1)
			return -EBADMSG;
		bytes_set(&m->random_vector, v, n);
		break;
	case L2TP_AVP_PRIVATE_GROUP_ID:
		bytes_set(&m->private_group_id, v, n);
		break;
	case L2TP_AVP_SEQUENCING_REQUIRED:
		if (n != 0)
			return -EBADMSG;
		break;
	case L2TP_AVP_PPP_DISCONNECT_CAUSE:
		/* RFC 3145: at least 11 octets with the header */
		if (n < 5)
			return -EBADMSG;
		m->ppp_disconnect.code = l2tp_get16(v);
		m->ppp_disconnect.protocol = l2tp_get16(v + 2);
		m->ppp_disconnect.direction = v[4];
		bytes_set(&m->ppp_disconnect.message, n > 5 ? v + 5 : NULL, n - 5);
		break;
	default:
		*what = "unknown AVP";
		return -ENOTSUP;
	}
	return 0;
}

int l2tp_avps_decode(const uint8_t *buf, size_t len, struct l2tp_msg *m,
		     struct l2tp_decode_ctx *ctx)
{
	const uint8_t *rv = NULL;
	size_t rv_len = 0;
	size_t pos = 0;
	bool first = true, unknown_m = false;

	memset(m, 0, sizeof(*m));
	memset(&ctx->err, 0, sizeof(ctx->err));
	ctx->unknown_skipped = 0;
	ctx->malformed_ignored = 0;
	ctx->scratch_used = 0;
	if (len == 0)
		return 0; /* ZLB */
	if (!buf)
		return set_error(ctx, -EINVAL, 0, 0, 0, "no buffer");

	while (pos < len) {
		const uint8_t *p = buf + pos;
		const uint8_t *v;
		const char *what;
		uint16_t w, vendor, type;
		size_t alen, vlen;
		bool mbit, hbit;
		int r;

		if (len - pos < L2TP_AVP_HDR_LEN)
			return set_error(ctx, -EBADMSG, 0, 0, pos, "truncated AVP header");
		w = l2tp_get16(p);
		alen = w & L2TP_AVP_LEN_MASK;
		mbit = (w & L2TP_AVP_M) != 0;
		hbit = (w & L2TP_AVP_H) != 0;
		vendor = l2tp_get16(p + 2);
		type = l2tp_get16(p + 4);
		if (alen < L2TP_AVP_HDR_LEN)
			return set_error(ctx, -EBADMSG, vendor, type, pos,
					 "AVP length below 6");
		if (alen > len - pos)
			return set_error(ctx, -EBADMSG, vendor, type, pos,
					 "AVP runs past the end of the message");
		v = p + L2TP_AVP_HDR_LEN;
		vlen = alen - L2TP_AVP_HDR_LEN;

		if (first) {
			first = false;
			if (vendor != 0 || type != L2TP_AVP_MESSAGE_TYPE ||
			    (w & L2TP_AVP_RESERVED))
				return set_error(ctx, -EPROTO, vendor, type, pos,
						 "first AVP is not Message Type");
			if (hbit)
				return set_error(ctx, -EBADMSG, vendor, type, pos,
						 "hidden Message Type");
			if (vlen != 2)
				return set_error(ctx, -EBADMSG, vendor, type, pos,
						 "bad Message Type length");
			m->message_type = l2tp_get16(v);
			l2tp_msg_set(m, L2TP_AVP_MESSAGE_TYPE);
			if (!l2tp_msg_type_known(m->message_type)) {
				if (mbit)
					return set_error(ctx, -EPROTO, vendor, type, pos,
							 "unknown message type");
				return set_error(ctx, -ENOMSG, vendor, type, pos,
						 "unknown message type, M=0: ignored");
			}
			pos += alen;
			continue;
		}

		if (vendor != 0 || !l2tp_avp_type_known(type) ||
		    (w & L2TP_AVP_RESERVED) || type == L2TP_AVP_MESSAGE_TYPE) {
			if (mbit && ctx->past_unknown_m && !unknown_m &&
			    type != L2TP_AVP_MESSAGE_TYPE) {
				/* Noted; the rest is decoded (see codec.h). */
				set_error(ctx, -ENOTSUP, vendor, type, pos,
					  "unknown AVP with M bit set");
				unknown_m = true;
				pos += alen;
				continue;
			}
			if (mbit)
				return set_error(ctx, -ENOTSUP, vendor, type, pos,
						 type == L2TP_AVP_MESSAGE_TYPE && vendor == 0 &&
						 !(w & L2TP_AVP_RESERVED)
						 ? "second Message Type AVP"
						 : "unknown AVP with M bit set");
			ctx->unknown_skipped++;
			pos += alen;
			continue;
		}

		if (hbit) {
			uint8_t *plain;
			int olen;

			if (!l2tp_avp_hideable(type)) {
				r = -EBADMSG;
				what = "AVP hidden that may not be";
				goto bad_value;
			}
			if (!ctx->secret)
				return set_error(ctx, -ENOKEY, vendor, type, pos,
						 "hidden AVP but no shared secret");
			if (!rv)
				return set_error(ctx, -ENODATA, vendor, type, pos,
						 "hidden AVP without a Random Vector");
			if (vlen > sizeof(ctx->scratch) - ctx->scratch_used)
				return set_error(ctx, -ENOSPC, vendor, type, pos,
						 "hidden AVPs exceed the decode scratch");
			plain = ctx->scratch + ctx->scratch_used;
			olen = l2tp_unhide(type, ctx->secret, ctx->secret_len, rv,
					   rv_len, v, vlen, plain, vlen);
			if (olen < 0) {
				r = -EBADMSG;
				what = "hidden AVP original length too large";
				goto bad_value;
			}
			ctx->scratch_used += vlen;
			v = plain + 2;
			vlen = (size_t)olen;
		}

		r = avp_parse(m, type, v, vlen, &what);
		if (r < 0)
			goto bad_value;
		l2tp_msg_set(m, type);
		if (hbit)
			l2tp_msg_hide(m, type);
		if (type == L2TP_AVP_RANDOM_VECTOR) {
			rv = v;
			rv_len = vlen;
		}
		pos += alen;
		continue;

	bad_value:
		if (mbit)
			return set_error(ctx, r, vendor, type, pos, what);
		ctx->malformed_ignored++;
		pos += alen;
	}
	return unknown_m ? -ENOTSUP : 0;
}

/* ------------------------------------------------------------------ */
/* Encode                                                             */

static int put_bytes(uint8_t *out, const struct l2tp_bytes *b)
{
	if (b->len > AVP_VALUE_MAX || (b->len && !b->ptr))
		return -EINVAL;
	if (b->len)
		memcpy(out, b->ptr, b->len);
	return b->len;
}

/* Build the value of AVP type from m into out (AVP_VALUE_MAX octets).
 * Returns the value length or -EINVAL. */
static int avp_value(const struct l2tp_msg *m, unsigned type, uint8_t *out)
{
	switch (type) {
	case L2TP_AVP_MESSAGE_TYPE:
		l2tp_put16(out, m->message_type);
		return 2;
	case L2TP_AVP_RESULT_CODE: {
		const struct l2tp_bytes *msg = &m->result.message;
		l2tp_put16(out, m->result.result);
		if (!m->result.has_error && msg->len == 0)
			return 2;
		if (msg->len > AVP_VALUE_MAX - 4 || (msg->len && !msg->ptr))
			return -EINVAL;
		l2tp_put16(out + 2, m->result.error);
		if (msg->len)
			memcpy(out + 4, msg->ptr, msg->len);
		return 4 + msg->len;
	}
	case L2TP_AVP_PROTOCOL_VERSION:
		out[0] = m->protocol_version.version;
		out[1] = m->protocol_version.revision;
		return 2;
	case L2TP_AVP_FRAMING_CAPS:
		l2tp_put32(out, m->framing_caps);
		return 4;
	case L2TP_AVP_BEARER_CAPS:
		l2tp_put32(out, m->bearer_caps);
		return 4;
	case L2TP_AVP_TIE_BREAKER:
		memcpy(out, m->tie_breaker, 8);
		return 8;
	case L2TP_AVP_FIRMWARE_REVISION:
		l2tp_put16(out, m->firmware_revision);
		return 2;
	case L2TP_AVP_HOST_NAME:
		if (m->host_name.len == 0)
			return -EINVAL;
		return put_bytes(out, &m->host_name);
	case L2TP_AVP_VENDOR_NAME:
		return put_bytes(out, &m->vendor_name);
	case L2TP_AVP_ASSIGNED_TUNNEL_ID:
		l2tp_put16(out, m->assigned_tunnel_id);
		return 2;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE:
		if (m->receive_window_size == 0)
			return -EINVAL;
		l2tp_put16(out, m->receive_window_size);
		return 2;
	case L2TP_AVP_CHALLENGE:
		if (m->challenge.len == 0)
			return -EINVAL;
		return put_bytes(out, &m->challenge);
	case L2TP_AVP_Q931_CAUSE: {
		const struct l2tp_bytes *adv = &m->q931.advisory;
		if (adv->len > AVP_VALUE_MAX - 3 || (adv->len && !adv->ptr))
			return -EINVAL;
		l2tp_put16(out, m->q931.cause);
		out[2] = m->q931.msg;
		if (adv->len)
			memcpy(out + 3, adv->ptr, adv->len);
		return 3 + adv->len;
	}
	case L2TP_AVP_CHALLENGE_RESPONSE:
		memcpy(out, m->challenge_response, 16);
		return 16;
	case L2TP_AVP_ASSIGNED_SESSION_ID:
		l2tp_put16(out, m->assigned_session_id);
		return 2;
	case L2TP_AVP_CALL_SERIAL_NUMBER:
		l2tp_put32(out, m->call_serial_number);
		return 4;
	case L2TP_AVP_MIN_BPS:
		l2tp_put32(out, m->min_bps);
		return 4;
	case L2TP_AVP_MAX_BPS:
		l2tp_put32(out, m->max_bps);
		return 4;
	case L2TP_AVP_BEARER_TYPE:
		l2tp_put32(out, m->bearer_type);
		return 4;
	case L2TP_AVP_FRAMING_TYPE:
		l2tp_put32(out, m->framing_type);
		return 4;
	case L2TP_AVP_CALLED_NUMBER:
		return put_bytes(out, &m->called_number);
	case L2TP_AVP_CALLING_NUMBER:
		return put_bytes(out, &m->calling_number);
	case L2TP_AVP_SUB_ADDRESS:
		return put_bytes(out, &m->sub_address);
	case L2TP_AVP_TX_CONNECT_SPEED:
		l2tp_put32(out, m->tx_connect_speed);
		return 4;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID:
		l2tp_put32(out, m->physical_channel_id);
		return 4;
	case L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ:
		return put_bytes(out, &m->initial_rcvd_lcp_confreq);
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		return put_bytes(out, &m->last_sent_lcp_confreq);
	case L2TP_AVP_LAST_RCVD_LCP_CONFREQ:
		return put_bytes(out, &m->last_rcvd_lcp_confreq);
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		l2tp_put16(out, m->proxy_authen_type);
		return 2;
	case L2TP_AVP_PROXY_AUTHEN_NAME:
		return put_bytes(out, &m->proxy_authen_name);
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		return put_bytes(out, &m->proxy_authen_challenge);
	case L2TP_AVP_PROXY_AUTHEN_ID:
		out[0] = 0;
		out[1] = m->proxy_authen_id;
		return 2;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		return put_bytes(out, &m->proxy_authen_response);
	case L2TP_AVP_CALL_ERRORS:
		l2tp_put16(out, 0);
		l2tp_put32(out + 2, m->call_errors.crc);
		l2tp_put32(out + 6, m->call_errors.framing);
		l2tp_put32(out + 10, m->call_errors.hardware_overruns);
		l2tp_put32(out + 14, m->call_errors.buffer_overruns);
		l2tp_put32(out + 18, m->call_errors.timeout);
		l2tp_put32(out + 22, m->call_errors.alignment);
		return 26;
	case L2TP_AVP_ACCM:
		l2tp_put16(out, 0);
		l2tp_put32(out + 2, m->accm.send);
		l2tp_put32(out + 6, m->accm.recv);
		return 10;
	case L2TP_AVP_RANDOM_VECTOR:
		if (m->random_vector.len == 0)
			return -EINVAL;
		return put_bytes(out, &m->random_vector);
	case L2TP_AVP_PRIVATE_GROUP_ID:
		return put_bytes(out, &m->private_group_id);
	case L2TP_AVP_RX_CONNECT_SPEED:
		l2tp_put32(out, m->rx_connect_speed);
		return 4;
	case L2TP_AVP_SEQUENCING_REQUIRED:
		return 0;
	case L2TP_AVP_PPP_DISCONNECT_CAUSE: {
		const struct l2tp_bytes *msg = &m->ppp_disconnect.message;
		if (msg->len > AVP_VALUE_MAX - 5 || (msg->len && !msg->ptr))
			return -EINVAL;
		l2tp_put16(out, m->ppp_disconnect.code);
		l2tp_put16(out + 2, m->ppp_disconnect.protocol);
		out[4] = m->ppp_disconnect.direction;
		if (msg->len)
			memcpy(out + 5, msg->ptr, msg->len);
		return 5 + msg->len;
	}
	default:
		return -EINVAL;
	}
}

static int put_avp(uint8_t *buf, size_t cap, size_t *pos, unsigned type,
		   bool hidden, const uint8_t *value, size_t vlen)
{
	size_t alen = L2TP_AVP_HDR_LEN + vlen;
	uint16_t w;

	if (alen > L2TP_AVP_MAX_LEN)
		return -EINVAL;
	if (alen > cap - *pos)
		return -ENOSPC;
	w = (uint16_t)alen;
	if (l2tp_avp_mandatory(type))
		w |= L2TP_AVP_M;
	if (hidden)
		w |= L2TP_AVP_H;
	l2tp_put16(buf + *pos, w);
	l2tp_put16(buf + *pos + 2, 0);
	l2tp_put16(buf + *pos + 4, (uint16_t)type);
	if (vlen)
		memcpy(buf + *pos + L2TP_AVP_HDR_LEN, value, vlen);
	*pos += alen;
	return 0;
}

int l2tp_avps_encode(const struct l2tp_msg *m, const struct l2tp_encode_ctx *ctx,
		     uint8_t *buf, size_t cap)
{
	uint8_t value[AVP_VALUE_MAX];
	uint8_t hidden[AVP_VALUE_MAX];
	uint8_t pad[16];
	uint8_t rv_gen[16];
	const uint8_t *rv = NULL;
	size_t rv_len = 0;
	l2tp_random_fn rnd = ctx && ctx->random ? ctx->random : l2tp_random_bytes;
	void *rnd_data = ctx ? ctx->random_data : NULL;
	size_t pos = 0;
	uint64_t hide;
	int r;

	if (!m || (!buf && cap))
		return -EINVAL;
	if (!l2tp_msg_has(m, L2TP_AVP_MESSAGE_TYPE))
		return -EINVAL;
	hide = m->hidden & m->present;
	for (unsigned t = 0; t < 64; t++)
		if ((hide & ((uint64_t)1 << t)) && !l2tp_avp_hideable(t))
			return -EINVAL;
	if (hide && (!ctx || !ctx->secret))
		return -EINVAL;

	/* Message Type first. */
	r = avp_value(m, L2TP_AVP_MESSAGE_TYPE, value);
	if (r < 0)
		goto fail;
	r = put_avp(buf, cap, &pos, L2TP_AVP_MESSAGE_TYPE, false, value, (size_t)r);
	if (r < 0)
		goto fail;

	/* A Random Vector before the hidden AVPs it covers. */
	if (hide) {
		if (l2tp_msg_has(m, L2TP_AVP_RANDOM_VECTOR)) {
			if (m->random_vector.len == 0 || !m->random_vector.ptr ||
			    m->random_vector.len > AVP_VALUE_MAX) {
				r = -EINVAL;
				goto fail;
			}
			rv = m->random_vector.ptr;
			rv_len = m->random_vector.len;
		} else {
			r = rnd(rv_gen, sizeof(rv_gen), rnd_data);
			if (r < 0)
				goto fail;
			rv = rv_gen;
			rv_len = sizeof(rv_gen);
		}
		r = put_avp(buf, cap, &pos, L2TP_AVP_RANDOM_VECTOR, false, rv, rv_len);
		if (r < 0)
			goto fail;
	}

	for (unsigned t = 1; t < L2TP_AVP__COUNT; t++) {
		bool h = (hide & ((uint64_t)1 << t)) != 0;
		size_t pad_len = 0;

		if (!l2tp_msg_has(m, t) || !l2tp_avp_type_known(t))
			continue;
		if (t == L2TP_AVP_RANDOM_VECTOR && hide)
			continue; /* already written */
		r = avp_value(m, t, value);
		if (r < 0)
			goto fail;
		if (!h) {
			r = put_avp(buf, cap, &pos, t, false, value, (size_t)r);
			if (r < 0)
				goto fail;
			continue;
		}
		/* Hidden: 2-octet length, value, 0..15 octets of random
		 * padding, within the AVP's 1023 octets. */
		{
			size_t vlen = (size_t)r;
			size_t room;
			uint8_t n;

			if (vlen + 2 > AVP_VALUE_MAX) {
				r = -EINVAL;
				goto fail;
			}
			room = AVP_VALUE_MAX - 2 - vlen;
			r = rnd(&n, 1, rnd_data);
			if (r < 0)
				goto fail;
			pad_len = n % 16;
			if (pad_len > room)
				pad_len = room;
			if (pad_len) {
				r = rnd(pad, pad_len, rnd_data);
				if (r < 0)
					goto fail;
			}
			r = l2tp_hide((uint16_t)t, ctx->secret, ctx->secret_len, rv,
				      rv_len, value, vlen, pad, pad_len, hidden,
				      sizeof(hidden));
			if (r < 0)
				goto fail;
			r = put_avp(buf, cap, &pos, t, true, hidden, (size_t)r);
			if (r < 0)
				goto fail;
		}
	}
	r = (int)pos;
fail:
	memset(value, 0, sizeof(value));
	return r;
}
