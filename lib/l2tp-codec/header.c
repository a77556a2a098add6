/* SPDX-License-Identifier: MIT */
/* L2TPv2 header encode/decode (RFC 2661 §3.1). */
#include <errno.h>
#include <string.h>

#include "codec.h"
#include "codec-private.h"

int l2tp_header_decode(const uint8_t *buf, size_t len, struct l2tp_header *hdr)
{
	size_t pos, end;
	uint16_t w;

	memset(hdr, 0, sizeof(*hdr));
	if (!buf || len < 2)
		return -EBADMSG;
	w = l2tp_get16(buf);
	hdr->version = w & L2TP_HDR_VERSION_MASK;
	hdr->flags = w & (L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_HDR_O | L2TP_HDR_P);
	if (hdr->version == L2TP_VERSION_L2F)
		return -EPROTONOSUPPORT;
	if (hdr->version != L2TP_VERSION) {
		/* Best effort for the StopCCN (result 5) answer: if it looks
		 * like an RFC 2661 control header, report its fields. */
		if ((hdr->flags & L2TP_HDR_T) && len >= L2TP_CONTROL_HDR_LEN) {
			hdr->length = l2tp_get16(buf + 2);
			hdr->tunnel_id = l2tp_get16(buf + 4);
			hdr->session_id = l2tp_get16(buf + 6);
			hdr->ns = l2tp_get16(buf + 8);
			hdr->nr = l2tp_get16(buf + 10);
		}
		return -EPROTO;
	}

	if (hdr->flags & L2TP_HDR_T) {
		/* Control: T, L, S set; O and P must be 0 (treat as error? RFC
		 * says they MUST be 0: tolerate O by ignoring it is risky, so
		 * reject O, ignore P). */
		if ((hdr->flags & (L2TP_HDR_L | L2TP_HDR_S)) != (L2TP_HDR_L | L2TP_HDR_S))
			return -EBADMSG;
		if (hdr->flags & L2TP_HDR_O)
			return -EBADMSG;
		if (len < L2TP_CONTROL_HDR_LEN)
			return -EBADMSG;
		hdr->length = l2tp_get16(buf + 2);
		hdr->tunnel_id = l2tp_get16(buf + 4);
		hdr->session_id = l2tp_get16(buf + 6);
		hdr->ns = l2tp_get16(buf + 8);
		hdr->nr = l2tp_get16(buf + 10);
		if (hdr->length > len || hdr->length < L2TP_CONTROL_HDR_LEN)
			return -EBADMSG;
		hdr->hdr_len = L2TP_CONTROL_HDR_LEN;
		hdr->payload_len = hdr->length - L2TP_CONTROL_HDR_LEN;
		return 0;
	}

	/* Data message. */
	if (len < L2TP_DATA_HDR_MIN)
		return -EBADMSG;
	pos = 2;
	end = len;
	if (hdr->flags & L2TP_HDR_L) {
		hdr->length = l2tp_get16(buf + pos);
		pos += 2;
		if (hdr->length > len)
			return -EBADMSG;
		end = hdr->length;
	} else {
		hdr->length = len > 0xffff ? 0xffff : (uint16_t)len;
	}
	if (pos + 4 > end)
		return -EBADMSG;
	hdr->tunnel_id = l2tp_get16(buf + pos);
	hdr->session_id = l2tp_get16(buf + pos + 2);
	pos += 4;
	if (hdr->flags & L2TP_HDR_S) {
		if (pos + 4 > end)
			return -EBADMSG;
		hdr->ns = l2tp_get16(buf + pos);
		hdr->nr = 0; /* reserved in data messages: ignored */
		pos += 4;
	}
	if (hdr->flags & L2TP_HDR_O) {
		if (pos + 2 > end)
			return -EBADMSG;
		hdr->offset_size = l2tp_get16(buf + pos);
		pos += 2;
		if (hdr->offset_size > end - pos)
			return -EBADMSG;
		pos += hdr->offset_size;
	}
	hdr->hdr_len = pos;
	hdr->payload_len = end - pos;
	return 0;
}

int l2tp_control_header_encode(uint8_t *buf, size_t cap, uint16_t length,
			       uint16_t tunnel_id, uint16_t session_id,
			       uint16_t ns, uint16_t nr)
{
	if (!buf || cap < L2TP_CONTROL_HDR_LEN)
		return -ENOSPC;
	l2tp_put16(buf, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S | L2TP_VERSION);
	l2tp_put16(buf + 2, length);
	l2tp_put16(buf + 4, tunnel_id);
	l2tp_put16(buf + 6, session_id);
	l2tp_put16(buf + 8, ns);
	l2tp_put16(buf + 10, nr);
	return L2TP_CONTROL_HDR_LEN;
}

void l2tp_control_header_set_nr(uint8_t *buf, uint16_t nr)
{
	l2tp_put16(buf + 10, nr);
}

int l2tp_data_header_len(unsigned flags)
{
	int n = 6;

	if (flags & ~(unsigned)(L2TP_HDR_L | L2TP_HDR_S | L2TP_HDR_P))
		return -EINVAL;
	if (flags & L2TP_HDR_L)
		n += 2;
	if (flags & L2TP_HDR_S)
		n += 4;
	return n;
}

int l2tp_data_header_encode(uint8_t *buf, size_t cap, unsigned flags,
			    uint16_t tunnel_id, uint16_t session_id,
			    uint16_t ns, size_t payload_len)
{
	int n = l2tp_data_header_len(flags);
	size_t pos = 2;

	if (n < 0)
		return n;
	if (!buf || cap < (size_t)n)
		return -ENOSPC;
	if ((size_t)n + payload_len > 0xffff)
		return -EMSGSIZE;
	l2tp_put16(buf, (uint16_t)(flags | L2TP_VERSION));
	if (flags & L2TP_HDR_L) {
		l2tp_put16(buf + pos, (uint16_t)(n + payload_len));
		pos += 2;
	}
	l2tp_put16(buf + pos, tunnel_id);
	l2tp_put16(buf + pos + 2, session_id);
	pos += 4;
	if (flags & L2TP_HDR_S) {
		l2tp_put16(buf + pos, ns);
		l2tp_put16(buf + pos + 2, 0);
		pos += 4;
	}
	return (int)pos;
}
