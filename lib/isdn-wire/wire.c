/* SPDX-License-Identifier: MIT */
/* The node <-> switch wire codec. See wire.h and modules/isdn/PROTOCOL.txt. */
#include "wire.h"

#include <errno.h>
#include <string.h>

const char *isdn_msg_type_name(int type)
{
	switch (type) {
	case ISDN_MSG_SETUP: return "SETUP";
	case ISDN_MSG_CALL_PROCEEDING: return "CALL_PROC";
	case ISDN_MSG_ALERTING: return "ALERTING";
	case ISDN_MSG_CONNECT: return "CONNECT";
	case ISDN_MSG_CONNECT_ACK: return "CONNECT_ACK";
	case ISDN_MSG_DISCONNECT: return "DISCONNECT";
	case ISDN_MSG_RELEASE: return "RELEASE";
	case ISDN_MSG_RELEASE_COMPLETE: return "RELEASE_COMP";
	case ISDN_MSG_REGISTER: return "REGISTER";
	case ISDN_MSG_REGISTER_ACK: return "REGISTER_ACK";
	case ISDN_MSG_DATA: return "DATA";
	}
	return NULL;
}

void isdn_msg_init(struct isdn_msg *m, uint8_t type, uint16_t cref)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->cref = cref;
	m->channel = -1;
}

static bool digits_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || s[i] == '*' || s[i] == '#'))
			return false;
	return true;
}

static bool printable_ok(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			return false;
	return true;
}

struct wbuf {
	uint8_t *p;
	size_t size, len;
	int err;
};

static void put(struct wbuf *w, const void *d, size_t n)
{
	if (w->err)
		return;
	if (n > w->size - w->len) {
		w->err = -EMSGSIZE;
		return;
	}
	memcpy(w->p + w->len, d, n);
	w->len += n;
}

static void put_tlv(struct wbuf *w, uint8_t tag, const void *d, size_t n)
{
	uint8_t h[2] = { tag, (uint8_t)n };
	if (n > 255) {
		w->err = -EINVAL;
		return;
	}
	put(w, h, 2);
	put(w, d, n);
}

static void put_str(struct wbuf *w, uint8_t tag, const char *s, bool digits, size_t max)
{
	size_t n = strlen(s);
	if (!n)
		return;
	if (n > max || (digits ? !digits_ok(s, n) : !printable_ok(s, n))) {
		w->err = -EINVAL;
		return;
	}
	put_tlv(w, tag, s, n);
}

int isdn_msg_encode(const struct isdn_msg *m, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };
	uint8_t hdr[ISDN_WIRE_HDR] = { 0, 0, m->type, m->dchan >> 8, m->dchan & 0xff,
				     m->cref >> 8, m->cref & 0xff };

	if (!isdn_msg_type_name(m->type))
		return -EINVAL;
	put(&w, hdr, sizeof(hdr));
	if (m->type == ISDN_MSG_DATA) {
		if (m->data_len)
			put(&w, m->data, m->data_len);
	} else {
		put_str(&w, ISDN_TLV_CALLED, m->called, true, ISDN_WIRE_NUMBER_MAX);
		put_str(&w, ISDN_TLV_CALLING, m->calling, true, ISDN_WIRE_NUMBER_MAX);
		put_str(&w, ISDN_TLV_PORT, m->port, false, ISDN_WIRE_PORT_MAX);
		if (m->cause) {
			uint8_t c = (uint8_t)m->cause;
			if (m->cause < 1 || m->cause > 127)
				return -EINVAL;
			put_tlv(&w, ISDN_TLV_CAUSE, &c, 1);
		}
		if (m->channel >= 0) {
			uint8_t c = (uint8_t)m->channel;
			if (m->channel > 31)
				return -EINVAL;
			put_tlv(&w, ISDN_TLV_CHANNEL, &c, 1);
		}
		if (m->bearer_kbps) {
			uint8_t b[2] = { (m->bearer_kbps >> 8) & 0xff, m->bearer_kbps & 0xff };
			if (m->bearer_kbps > 0xffff)
				return -EINVAL;
			put_tlv(&w, ISDN_TLV_BEARER, b, 2);
		}
		if (m->type == ISDN_MSG_REGISTER) {
			uint8_t b[4] = { m->channels >> 24, (m->channels >> 16) & 0xff,
					 (m->channels >> 8) & 0xff, m->channels & 0xff };
			put_tlv(&w, ISDN_TLV_CHANNELS, b, 4);
		}
		if (m->n_numbers > ISDN_WIRE_MAX_NUMBERS)
			return -EINVAL;
		for (unsigned i = 0; i < m->n_numbers; i++)
			put_str(&w, ISDN_TLV_NUMBER, m->numbers[i], true, ISDN_WIRE_NUMBER_MAX);
	}
	if (w.err)
		return w.err;
	if (w.len > ISDN_WIRE_MAX)
		return -EMSGSIZE;
	buf[0] = w.len >> 8;
	buf[1] = w.len & 0xff;
	return (int)w.len;
}

int isdn_msg_frame_len(const uint8_t *buf, size_t len)
{
	size_t n;

	if (len < 2)
		return 0;
	n = (size_t)buf[0] << 8 | buf[1];
	if (n < ISDN_WIRE_HDR || n > ISDN_WIRE_MAX)
		return -EBADMSG;
	return len < n ? 0 : (int)n;
}

static int get_str(char *out, size_t max, const uint8_t *v, size_t n, bool digits)
{
	if (n == 0 || n > max)
		return -EBADMSG;
	if (digits ? !digits_ok((const char *)v, n) : !printable_ok((const char *)v, n))
		return -EBADMSG;
	memcpy(out, v, n);
	out[n] = 0;
	return 0;
}

int isdn_msg_decode(const uint8_t *buf, size_t len, struct isdn_msg *m)
{
	size_t off = ISDN_WIRE_HDR;

	if (len < ISDN_WIRE_HDR || len > ISDN_WIRE_MAX || ((size_t)buf[0] << 8 | buf[1]) != len)
		return -EBADMSG;
	isdn_msg_init(m, buf[2], (uint16_t)(buf[5] << 8 | buf[6]));
	m->dchan = (uint16_t)(buf[3] << 8 | buf[4]);
	if (!isdn_msg_type_name(m->type))
		return -EBADMSG;
	if (m->type == ISDN_MSG_DATA) {
		m->data = buf + off;
		m->data_len = len - off;
		return 0;
	}
	while (off < len) {
		uint8_t tag, n;
		const uint8_t *v;
		int r = 0;

		if (len - off < 2)
			return -EBADMSG;
		tag = buf[off];
		n = buf[off + 1];
		off += 2;
		if (n > len - off)
			return -EBADMSG;
		v = buf + off;
		off += n;
		switch (tag) {
		case ISDN_TLV_CALLED:
			r = get_str(m->called, ISDN_WIRE_NUMBER_MAX, v, n, true);
			break;
		case ISDN_TLV_CALLING:
			r = get_str(m->calling, ISDN_WIRE_NUMBER_MAX, v, n, true);
			break;
		case ISDN_TLV_PORT:
			r = get_str(m->port, ISDN_WIRE_PORT_MAX, v, n, false);
			break;
		case ISDN_TLV_CAUSE:
			if (n != 1 || v[0] < 1 || v[0] > 127)
				return -EBADMSG;
			m->cause = v[0];
			break;
		case ISDN_TLV_CHANNEL:
			if (n != 1 || v[0] > 31)
				return -EBADMSG;
			m->channel = v[0];
			break;
		case ISDN_TLV_BEARER:
			if (n != 2)
				return -EBADMSG;
			m->bearer_kbps = (uint32_t)v[0] << 8 | v[1];
			break;
		case ISDN_TLV_CHANNELS:
			if (n != 4)
				return -EBADMSG;
			m->channels = (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
				      (uint32_t)v[2] << 8 | v[3];
			break;
		case ISDN_TLV_NUMBER:
			if (m->n_numbers >= ISDN_WIRE_MAX_NUMBERS)
				return -EBADMSG;
			r = get_str(m->numbers[m->n_numbers], ISDN_WIRE_NUMBER_MAX, v, n, true);
			if (r == 0)
				m->n_numbers++;
			break;
		default:
			/* Unknown TLVs are skipped: the format may grow. */
			break;
		}
		if (r < 0)
			return r;
	}
	return 0;
}
