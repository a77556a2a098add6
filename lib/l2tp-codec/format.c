/* SPDX-License-Identifier: MIT */
/*
 * A decoded control message as one line of text, for
 * `debug vpdn l2x-packets`. Hidden AVPs are shown as the decoder left them
 * (decrypted) and marked "(H)"; values that could reveal a secret are never
 * rendered (see l2tp_msg_format in codec.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include <vpdnd/log.h>

#include "codec.h"

struct out {
	char *p;
	size_t size, len;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len + 1 >= o->size)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->p + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	o->len = MIN(o->len + (size_t)n, o->size - 1);
}

/* Text from the wire, made printable and bounded. */
static void put_text(struct out *o, const struct l2tp_bytes *b)
{
	char s[68];
	size_t j = 0, i;

	for (i = 0; i < b->len && j < 64; i++)
		s[j++] = (b->ptr[i] >= 0x20 && b->ptr[i] < 0x7f && b->ptr[i] != '"') ?
				 (char)b->ptr[i] : '.';
	s[j] = '\0';
	put(o, "\"%s\"%s", s, i < b->len ? "..." : "");
}

static void put_hex(struct out *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n && i < 16; i++)
		put(o, "%02x", p[i]);
	if (n > 16)
		put(o, "...");
}

/* "Assigned Session ID" -> "Assigned-Session-ID" (names are one word). */
static void put_name(struct out *o, unsigned type, bool hidden)
{
	const char *n = l2tp_avp_name(type);

	put(o, ", ");
	for (; *n; n++)
		put(o, "%c", *n == ' ' ? '-' : *n);
	if (!l2tp_avp_type_known(type))
		put(o, "-%u", type);
	if (hidden)
		put(o, "(H)");
	put(o, " ");
}

static void put_avp(struct out *o, const struct l2tp_msg *m, unsigned type)
{
	switch (type) {
	case L2TP_AVP_RESULT_CODE:
		put(o, "%u (%s)", m->result.result, l2tp_result_text(m->message_type, m->result.result));
		if (m->result.has_error)
			put(o, " error %u (%s)", m->result.error, l2tp_error_text(m->result.error));
		if (m->result.message.len) {
			put(o, " ");
			put_text(o, &m->result.message);
		}
		break;
	case L2TP_AVP_PROTOCOL_VERSION:
		put(o, "%u.%u", m->protocol_version.version, m->protocol_version.revision);
		break;
	case L2TP_AVP_FRAMING_CAPS:
		put(o, "0x%x", m->framing_caps);
		break;
	case L2TP_AVP_BEARER_CAPS:
		put(o, "0x%x", m->bearer_caps);
		break;
	case L2TP_AVP_TIE_BREAKER:
		put_hex(o, m->tie_breaker, sizeof(m->tie_breaker));
		break;
	case L2TP_AVP_FIRMWARE_REVISION:
		put(o, "0x%04x", m->firmware_revision);
		break;
	case L2TP_AVP_HOST_NAME: put_text(o, &m->host_name); break;
	case L2TP_AVP_VENDOR_NAME: put_text(o, &m->vendor_name); break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID: put(o, "%u", m->assigned_tunnel_id); break;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE: put(o, "%u", m->receive_window_size); break;
	case L2TP_AVP_CHALLENGE: put(o, "%u octets", m->challenge.len); break;
	case L2TP_AVP_Q931_CAUSE:
		put(o, "%u msg %u", m->q931.cause, m->q931.msg);
		if (m->q931.advisory.len) {
			put(o, " ");
			put_text(o, &m->q931.advisory);
		}
		break;
	/* Derived from the tunnel secret (an offline guess checks against
	 * it), and the user's CHAP response or PAP password: never shown. */
	case L2TP_AVP_CHALLENGE_RESPONSE:
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE:
		put(o, VPDN_SECRET_MASK);
		break;
	case L2TP_AVP_ASSIGNED_SESSION_ID: put(o, "%u", m->assigned_session_id); break;
	case L2TP_AVP_CALL_SERIAL_NUMBER: put(o, "%u", m->call_serial_number); break;
	case L2TP_AVP_MIN_BPS: put(o, "%u", m->min_bps); break;
	case L2TP_AVP_MAX_BPS: put(o, "%u", m->max_bps); break;
	case L2TP_AVP_BEARER_TYPE: put(o, "0x%x", m->bearer_type); break;
	case L2TP_AVP_FRAMING_TYPE: put(o, "0x%x", m->framing_type); break;
	case L2TP_AVP_CALLED_NUMBER: put_text(o, &m->called_number); break;
	case L2TP_AVP_CALLING_NUMBER: put_text(o, &m->calling_number); break;
	case L2TP_AVP_SUB_ADDRESS: put_text(o, &m->sub_address); break;
	case L2TP_AVP_TX_CONNECT_SPEED: put(o, "%u", m->tx_connect_speed); break;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID: put(o, "%u", m->physical_channel_id); break;
	case L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ:
		put(o, "%u octets", m->initial_rcvd_lcp_confreq.len);
		break;
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ:
		put(o, "%u octets", m->last_sent_lcp_confreq.len);
		break;
	case L2TP_AVP_LAST_RCVD_LCP_CONFREQ:
		put(o, "%u octets", m->last_rcvd_lcp_confreq.len);
		break;
	case L2TP_AVP_PROXY_AUTHEN_TYPE:
		put(o, "%u (%s)", m->proxy_authen_type,
		    l2tp_proxy_authen_type_name(m->proxy_authen_type));
		break;
	case L2TP_AVP_PROXY_AUTHEN_NAME: put_text(o, &m->proxy_authen_name); break;
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE:
		put(o, "%u octets", m->proxy_authen_challenge.len);
		break;
	case L2TP_AVP_PROXY_AUTHEN_ID: put(o, "%u", m->proxy_authen_id); break;
	case L2TP_AVP_CALL_ERRORS:
		put(o, "crc %u framing %u hw-overruns %u buf-overruns %u timeout %u alignment %u",
		    m->call_errors.crc, m->call_errors.framing, m->call_errors.hardware_overruns,
		    m->call_errors.buffer_overruns, m->call_errors.timeout, m->call_errors.alignment);
		break;
	case L2TP_AVP_ACCM:
		put(o, "send 0x%08x recv 0x%08x", m->accm.send, m->accm.recv);
		break;
	case L2TP_AVP_RANDOM_VECTOR: put(o, "%u octets", m->random_vector.len); break;
	case L2TP_AVP_PRIVATE_GROUP_ID: put_text(o, &m->private_group_id); break;
	case L2TP_AVP_RX_CONNECT_SPEED: put(o, "%u", m->rx_connect_speed); break;
	case L2TP_AVP_SEQUENCING_REQUIRED: put(o, "yes"); break;
	default: put(o, "?"); break;
	}
}

char *l2tp_msg_format(const struct l2tp_header *h, const struct l2tp_msg *m, char *dst,
		      size_t size)
{
	struct out o = { .p = dst, .size = size };

	if (!size)
		return dst;
	dst[0] = '\0';
	put(&o, "%s tnl %u, cl %u, ns %u, nr %u",
	    h->payload_len == 0 ? "ZLB" : l2tp_msg_type_name(m->message_type), h->tunnel_id,
	    h->session_id, h->ns, h->nr);
	if (h->payload_len == 0)
		return dst;
	put(&o, ":");
	/* Message Type first, the rest in type order. */
	for (unsigned a = 0; a < 64; a++) {
		if (!l2tp_msg_has(m, a))
			continue;
		if (a == L2TP_AVP_MESSAGE_TYPE) {
			put(&o, " Message-Type %s", l2tp_msg_type_name(m->message_type));
			continue;
		}
		put_name(&o, a, l2tp_msg_is_hidden(m, a));
		put_avp(&o, m, a);
	}
	if (o.len + 1 >= o.size && size > 4)
		memcpy(dst + size - 4, "...", 4);
	return dst;
}
