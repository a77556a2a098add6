/* SPDX-License-Identifier: MIT */
/* Unit tests of the L2TPv2 codec (lib/l2tp-codec). */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "codec.h"
#include "vpdn_test.h"

static const uint8_t secret[] = "cisco";
#define SECRET_LEN 5

/* Deterministic random source (xorshift64*). */
struct prng {
	uint64_t s;
};

static uint64_t prng_next(struct prng *p)
{
	p->s ^= p->s >> 12;
	p->s ^= p->s << 25;
	p->s ^= p->s >> 27;
	return p->s * 2685821657736338717ULL;
}

static int prng_fill(void *buf, size_t len, void *data)
{
	uint8_t *b = buf;
	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)(prng_next(data) >> 32);
	return 0;
}

static int zero_fill(void *buf, size_t len, void *data)
{
	memset(buf, 0, len);
	return 0;
}

static int failing_fill(void *buf, size_t len, void *data)
{
	return -EIO;
}

/* ------------------------------------------------------------------ */
/* Message population and comparison                                  */

static const uint8_t lcp1[] = { 0x01, 0x01, 0x00, 0x0e, 0x01, 0x04, 0x05, 0xdc,
				0x05, 0x06, 0x12, 0x34, 0x56, 0x78 };
static const uint8_t lcp2[] = { 0x01, 0x02, 0x00, 0x0a, 0x03, 0x05, 0xc2, 0x23, 0x05 };
static const uint8_t lcp3[] = { 0x01, 0x03, 0x00, 0x04 };
static const uint8_t chal16[16] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15 };
static const uint8_t resp16[16] = { 0xda, 0x41, 0xbf, 0x3e, 0x74, 0x5c, 0x97, 0xf5,
				    0xb9, 0x44, 0x44, 0xe7, 0xae, 0xb3, 0x8a, 0x4c };

/* Give AVP type a distinctive value in m and mark it present. */
static void fill_avp(struct l2tp_msg *m, unsigned t)
{
	switch (t) {
	case L2TP_AVP_MESSAGE_TYPE: break;
	case L2TP_AVP_RESULT_CODE:
		m->result.result = 2;
		m->result.error = 8;
		m->result.has_error = true;
		m->result.message.ptr = (const uint8_t *)"unknown AVP";
		m->result.message.len = 11;
		break;
	case L2TP_AVP_PROTOCOL_VERSION:
		m->protocol_version.version = 1;
		m->protocol_version.revision = 0;
		break;
	case L2TP_AVP_FRAMING_CAPS: m->framing_caps = 3; break;
	case L2TP_AVP_BEARER_CAPS: m->bearer_caps = 1; break;
	case L2TP_AVP_TIE_BREAKER:
		memcpy(m->tie_breaker, "\x01\x23\x45\x67\x89\xab\xcd\xef", 8);
		break;
	case L2TP_AVP_FIRMWARE_REVISION: m->firmware_revision = 0x1120; break;
	case L2TP_AVP_HOST_NAME: l2tp_msg_set_str(m, t, "LAC"); break;
	case L2TP_AVP_VENDOR_NAME: l2tp_msg_set_str(m, t, "vpdnd project"); break;
	case L2TP_AVP_ASSIGNED_TUNNEL_ID: m->assigned_tunnel_id = 45029; break;
	case L2TP_AVP_RECEIVE_WINDOW_SIZE: m->receive_window_size = 800; break;
	case L2TP_AVP_CHALLENGE: l2tp_msg_set_bytes(m, t, chal16, 16); break;
	case L2TP_AVP_Q931_CAUSE:
		m->q931.cause = 16;
		m->q931.msg = 0x45;
		m->q931.advisory.ptr = (const uint8_t *)"normal";
		m->q931.advisory.len = 6;
		break;
	case L2TP_AVP_CHALLENGE_RESPONSE: memcpy(m->challenge_response, resp16, 16); break;
	case L2TP_AVP_ASSIGNED_SESSION_ID: m->assigned_session_id = 291; break;
	case L2TP_AVP_CALL_SERIAL_NUMBER: m->call_serial_number = 0xdeadbeef; break;
	case L2TP_AVP_MIN_BPS: m->min_bps = 9600; break;
	case L2TP_AVP_MAX_BPS: m->max_bps = 64000; break;
	case L2TP_AVP_BEARER_TYPE: m->bearer_type = L2TP_BEARER_DIGITAL; break;
	case L2TP_AVP_FRAMING_TYPE: m->framing_type = L2TP_FRAMING_SYNC; break;
	case L2TP_AVP_CALLED_NUMBER: l2tp_msg_set_str(m, t, "5551234"); break;
	case L2TP_AVP_CALLING_NUMBER: l2tp_msg_set_str(m, t, "5559876"); break;
	case L2TP_AVP_SUB_ADDRESS: l2tp_msg_set_str(m, t, "42"); break;
	case L2TP_AVP_TX_CONNECT_SPEED: m->tx_connect_speed = 64000; break;
	case L2TP_AVP_PHYSICAL_CHANNEL_ID: m->physical_channel_id = 0x00010017; break;
	case L2TP_AVP_INITIAL_RCVD_LCP_CONFREQ: l2tp_msg_set_bytes(m, t, lcp1, sizeof(lcp1)); break;
	case L2TP_AVP_LAST_SENT_LCP_CONFREQ: l2tp_msg_set_bytes(m, t, lcp2, sizeof(lcp2)); break;
	case L2TP_AVP_LAST_RCVD_LCP_CONFREQ: l2tp_msg_set_bytes(m, t, lcp3, sizeof(lcp3)); break;
	case L2TP_AVP_PROXY_AUTHEN_TYPE: m->proxy_authen_type = L2TP_PROXY_AUTH_CHAP; break;
	case L2TP_AVP_PROXY_AUTHEN_NAME: l2tp_msg_set_str(m, t, "remote1@cisco.com"); break;
	case L2TP_AVP_PROXY_AUTHEN_CHALLENGE: l2tp_msg_set_bytes(m, t, chal16, 16); break;
	case L2TP_AVP_PROXY_AUTHEN_ID: m->proxy_authen_id = 0x7f; break;
	case L2TP_AVP_PROXY_AUTHEN_RESPONSE: l2tp_msg_set_bytes(m, t, resp16, 16); break;
	case L2TP_AVP_CALL_ERRORS:
		m->call_errors.crc = 1;
		m->call_errors.framing = 2;
		m->call_errors.hardware_overruns = 3;
		m->call_errors.buffer_overruns = 4;
		m->call_errors.timeout = 5;
		m->call_errors.alignment = 0xfffffff6;
		break;
	case L2TP_AVP_ACCM:
		m->accm.send = 0xffffffff;
		m->accm.recv = 0x000a0000;
		break;
	case L2TP_AVP_RANDOM_VECTOR: l2tp_msg_set_bytes(m, t, chal16, 16); break;
	case L2TP_AVP_PRIVATE_GROUP_ID: l2tp_msg_set_str(m, t, "group-7"); break;
	case L2TP_AVP_RX_CONNECT_SPEED: m->rx_connect_speed = 56000; break;
	case L2TP_AVP_SEQUENCING_REQUIRED: break;
	case L2TP_AVP_PPP_DISCONNECT_CAUSE:
		m->ppp_disconnect.code = 15;
		m->ppp_disconnect.protocol = 0xC223;
		m->ppp_disconnect.direction = 1;
		m->ppp_disconnect.message.ptr = (const uint8_t *)"no common authentication protocol";
		m->ppp_disconnect.message.len = 33;
		break;
	default: CU_FAIL("fill_avp: unknown type"); return;
	}
	l2tp_msg_set(m, t);
}

struct msg_spec {
	enum l2tp_msg_type type;
	const char *name;
	int mandatory[10];
	int optional[14];
};

#define END -1
static const struct msg_spec specs[] = {
	{ L2TP_MSG_SCCRQ, "SCCRQ", { 0, 2, 3, 7, 9, END }, { 4, 5, 6, 8, 10, 11, END } },
	{ L2TP_MSG_SCCRP, "SCCRP", { 0, 2, 3, 7, 9, END }, { 4, 6, 8, 10, 11, 13, END } },
	{ L2TP_MSG_SCCCN, "SCCCN", { 0, END }, { 13, END } },
	{ L2TP_MSG_STOPCCN, "StopCCN", { 0, 1, 9, END }, { END } },
	{ L2TP_MSG_HELLO, "HELLO", { 0, END }, { END } },
	{ L2TP_MSG_OCRQ, "OCRQ", { 0, 14, 15, 16, 17, 18, 19, 21, END }, { 23, END } },
	{ L2TP_MSG_OCRP, "OCRP", { 0, 14, END }, { 25, END } },
	{ L2TP_MSG_OCCN, "OCCN", { 0, 19, 24, END }, { 38, 39, END } },
	{ L2TP_MSG_ICRQ, "ICRQ", { 0, 14, 15, END }, { 18, 21, 22, 23, 25, END } },
	{ L2TP_MSG_ICRP, "ICRP", { 0, 14, END }, { END } },
	{ L2TP_MSG_ICCN, "ICCN", { 0, 19, 24, END },
	  { 26, 27, 28, 29, 30, 31, 32, 33, 37, 38, 39, END } },
	{ L2TP_MSG_CDN, "CDN", { 0, 1, 14, END }, { 12, END } },
	{ L2TP_MSG_WEN, "WEN", { 0, 34, END }, { END } },
	{ L2TP_MSG_SLI, "SLI", { 0, 35, END }, { END } },
};
#define N_SPECS (sizeof(specs) / sizeof(specs[0]))

static void fill_spec(struct l2tp_msg *m, const struct msg_spec *s, bool optional)
{
	l2tp_msg_init(m, s->type);
	for (const int *t = s->mandatory; *t != END; t++)
		fill_avp(m, (unsigned)*t);
	if (optional)
		for (const int *t = s->optional; *t != END; t++)
			fill_avp(m, (unsigned)*t);
}

/* Every AVP type except the Random Vector (the encoder adds its own). */
static void fill_all(struct l2tp_msg *m, enum l2tp_msg_type type)
{
	l2tp_msg_init(m, type);
	for (unsigned t = 1; t < L2TP_AVP__COUNT; t++)
		if (l2tp_avp_type_known(t) && t != L2TP_AVP_RANDOM_VECTOR)
			fill_avp(m, t);
}

static bool bytes_eq(const struct l2tp_bytes *a, const struct l2tp_bytes *b)
{
	return a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0);
}

/* Compare the AVPs both have; returns the first differing type or -1. */
static int msg_diff(const struct l2tp_msg *a, const struct l2tp_msg *b)
{
	for (unsigned t = 0; t < L2TP_AVP__COUNT; t++) {
		bool eq = true;
		if (!l2tp_msg_has(a, t))
			continue;
		switch (t) {
		case 0: eq = a->message_type == b->message_type; break;
		case 1:
			eq = a->result.result == b->result.result &&
			     a->result.has_error == b->result.has_error &&
			     a->result.error == b->result.error &&
			     bytes_eq(&a->result.message, &b->result.message);
			break;
		case 2:
			eq = a->protocol_version.version == b->protocol_version.version &&
			     a->protocol_version.revision == b->protocol_version.revision;
			break;
		case 3: eq = a->framing_caps == b->framing_caps; break;
		case 4: eq = a->bearer_caps == b->bearer_caps; break;
		case 5: eq = !memcmp(a->tie_breaker, b->tie_breaker, 8); break;
		case 6: eq = a->firmware_revision == b->firmware_revision; break;
		case 7: eq = bytes_eq(&a->host_name, &b->host_name); break;
		case 8: eq = bytes_eq(&a->vendor_name, &b->vendor_name); break;
		case 9: eq = a->assigned_tunnel_id == b->assigned_tunnel_id; break;
		case 10: eq = a->receive_window_size == b->receive_window_size; break;
		case 11: eq = bytes_eq(&a->challenge, &b->challenge); break;
		case 12:
			eq = a->q931.cause == b->q931.cause && a->q931.msg == b->q931.msg &&
			     bytes_eq(&a->q931.advisory, &b->q931.advisory);
			break;
		case 13: eq = !memcmp(a->challenge_response, b->challenge_response, 16); break;
		case 14: eq = a->assigned_session_id == b->assigned_session_id; break;
		case 15: eq = a->call_serial_number == b->call_serial_number; break;
		case 16: eq = a->min_bps == b->min_bps; break;
		case 17: eq = a->max_bps == b->max_bps; break;
		case 18: eq = a->bearer_type == b->bearer_type; break;
		case 19: eq = a->framing_type == b->framing_type; break;
		case 21: eq = bytes_eq(&a->called_number, &b->called_number); break;
		case 22: eq = bytes_eq(&a->calling_number, &b->calling_number); break;
		case 23: eq = bytes_eq(&a->sub_address, &b->sub_address); break;
		case 24: eq = a->tx_connect_speed == b->tx_connect_speed; break;
		case 25: eq = a->physical_channel_id == b->physical_channel_id; break;
		case 26: eq = bytes_eq(&a->initial_rcvd_lcp_confreq, &b->initial_rcvd_lcp_confreq); break;
		case 27: eq = bytes_eq(&a->last_sent_lcp_confreq, &b->last_sent_lcp_confreq); break;
		case 28: eq = bytes_eq(&a->last_rcvd_lcp_confreq, &b->last_rcvd_lcp_confreq); break;
		case 29: eq = a->proxy_authen_type == b->proxy_authen_type; break;
		case 30: eq = bytes_eq(&a->proxy_authen_name, &b->proxy_authen_name); break;
		case 31: eq = bytes_eq(&a->proxy_authen_challenge, &b->proxy_authen_challenge); break;
		case 32: eq = a->proxy_authen_id == b->proxy_authen_id; break;
		case 33: eq = bytes_eq(&a->proxy_authen_response, &b->proxy_authen_response); break;
		case 34: eq = !memcmp(&a->call_errors, &b->call_errors, sizeof(a->call_errors)); break;
		case 35: eq = a->accm.send == b->accm.send && a->accm.recv == b->accm.recv; break;
		case 36: eq = bytes_eq(&a->random_vector, &b->random_vector); break;
		case 37: eq = bytes_eq(&a->private_group_id, &b->private_group_id); break;
		case 38: eq = a->rx_connect_speed == b->rx_connect_speed; break;
		case 39: eq = true; break;
		case 46:
			eq = a->ppp_disconnect.code == b->ppp_disconnect.code &&
			     a->ppp_disconnect.protocol == b->ppp_disconnect.protocol &&
			     a->ppp_disconnect.direction == b->ppp_disconnect.direction &&
			     bytes_eq(&a->ppp_disconnect.message, &b->ppp_disconnect.message);
			break;
		default: eq = false; break;
		}
		if (!eq)
			return (int)t;
	}
	return -1;
}

/* Small raw AVP builder for malformed inputs. */
struct raw {
	uint8_t buf[2048];
	size_t len;
};

static void raw_avp(struct raw *r, uint16_t flags, uint16_t vendor, uint16_t type,
		    const void *value, size_t vlen)
{
	size_t alen = 6 + vlen;
	uint16_t w = (uint16_t)(flags | (alen & 0x3ff));
	r->buf[r->len++] = (uint8_t)(w >> 8);
	r->buf[r->len++] = (uint8_t)w;
	r->buf[r->len++] = (uint8_t)(vendor >> 8);
	r->buf[r->len++] = (uint8_t)vendor;
	r->buf[r->len++] = (uint8_t)(type >> 8);
	r->buf[r->len++] = (uint8_t)type;
	if (vlen)
		memcpy(r->buf + r->len, value, vlen);
	r->len += vlen;
}

static void raw_msgtype(struct raw *r, uint16_t type)
{
	uint8_t v[2] = { (uint8_t)(type >> 8), (uint8_t)type };
	raw_avp(r, L2TP_AVP_M, 0, 0, v, 2);
}

static struct l2tp_decode_ctx dctx;

static int decode_raw(const struct raw *r, const void *sec, struct l2tp_msg *m)
{
	l2tp_decode_ctx_init(&dctx, sec, sec ? SECRET_LEN : 0);
	return l2tp_avps_decode(r->buf, r->len, m, &dctx);
}

/* ------------------------------------------------------------------ */
/* Vectors                                                            */

static void test_challenge_response_vector(void)
{
	uint8_t out[16];

	l2tp_challenge_response(2, secret, SECRET_LEN, chal16, 16, out);
	CU_ASSERT_EQUAL(memcmp(out, resp16, 16), 0);
	CU_ASSERT_TRUE(l2tp_ct_equal(out, resp16, 16));
	/* Type 3 (SCCCN) gives another response. */
	l2tp_challenge_response(3, secret, SECRET_LEN, chal16, 16, out);
	CU_ASSERT_FALSE(l2tp_ct_equal(out, resp16, 16));
	CU_ASSERT_TRUE(l2tp_ct_equal(out, out, 0));
}

static void test_hidden_vector(void)
{
	uint8_t rv[16], out[64], plain[64];
	const uint8_t value[2] = { 0x00, 0x01 };
	const uint8_t expect[4] = { 0xdd, 0xfa, 0x93, 0xf8 };
	int n;

	memset(rv, 0x11, sizeof(rv));
	n = l2tp_hide(14, secret, SECRET_LEN, rv, 16, value, 2, NULL, 0, out, sizeof(out));
	CU_ASSERT_EQUAL(n, 4);
	CU_ASSERT_EQUAL(memcmp(out, expect, 4), 0);
	n = l2tp_unhide(14, secret, SECRET_LEN, rv, 16, out, 4, plain, sizeof(plain));
	CU_ASSERT_EQUAL(n, 2);
	CU_ASSERT_EQUAL(memcmp(plain + 2, value, 2), 0);

	/* Through the message encoder: RV given, no padding (zero source). */
	struct l2tp_msg m;
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, zero_fill, NULL };
	uint8_t buf[256];
	l2tp_msg_init(&m, L2TP_MSG_ICRP);
	m.assigned_session_id = 1;
	l2tp_msg_set(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	l2tp_msg_hide(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	l2tp_msg_set_bytes(&m, L2TP_AVP_RANDOM_VECTOR, rv, 16);
	n = l2tp_avps_encode(&m, &ectx, buf, sizeof(buf));
	/* Message Type (8) + Random Vector (22) + hidden session ID (10). */
	CU_ASSERT_EQUAL(n, 8 + 22 + 10);
	CU_ASSERT_EQUAL(buf[8 + 5], L2TP_AVP_RANDOM_VECTOR);
	CU_ASSERT_EQUAL(buf[30] & 0xc0, 0xc0); /* M and H */
	CU_ASSERT_EQUAL(buf[30 + 5], L2TP_AVP_ASSIGNED_SESSION_ID);
	CU_ASSERT_EQUAL(memcmp(buf + 36, expect, 4), 0);
}

static void test_hidden_long_value(void)
{
	/* Several 16-octet blocks: the chaining of b(i) = MD5(secret, c(i-1)). */
	uint8_t rv[7] = { 1, 2, 3, 4, 5, 6, 7 };
	uint8_t value[100], pad[9], out[200], plain[200];
	int n;

	for (unsigned i = 0; i < sizeof(value); i++)
		value[i] = (uint8_t)(i * 7);
	memset(pad, 0xa5, sizeof(pad));
	n = l2tp_hide(30, secret, SECRET_LEN, rv, sizeof(rv), value, sizeof(value),
		      pad, sizeof(pad), out, sizeof(out));
	CU_ASSERT_EQUAL(n, 2 + 100 + 9);
	CU_ASSERT_NOT_EQUAL(memcmp(out + 2, value, 100), 0);
	n = l2tp_unhide(30, secret, SECRET_LEN, rv, sizeof(rv), out, 111, plain, sizeof(plain));
	CU_ASSERT_EQUAL(n, 100);
	CU_ASSERT_EQUAL(memcmp(plain + 2, value, 100), 0);
	CU_ASSERT_EQUAL(memcmp(plain + 102, pad, 9), 0);
	/* The type is part of the key: another type decodes to garbage. */
	n = l2tp_unhide(31, secret, SECRET_LEN, rv, sizeof(rv), out, 111, plain, sizeof(plain));
	CU_ASSERT_TRUE(n < 0 || memcmp(plain + 2, value, 100) != 0);
	/* Too small output buffers. */
	CU_ASSERT_EQUAL(l2tp_hide(30, secret, SECRET_LEN, rv, 7, value, 100, NULL, 0, out, 50), -ENOSPC);
	CU_ASSERT_EQUAL(l2tp_unhide(30, secret, SECRET_LEN, rv, 7, out, 111, plain, 50), -ENOSPC);
	CU_ASSERT_EQUAL(l2tp_unhide(30, secret, SECRET_LEN, rv, 7, out, 1, plain, 50), -EBADMSG);
	CU_ASSERT_EQUAL(l2tp_hide(30, secret, SECRET_LEN, NULL, 0, value, 2, NULL, 0, out, 50), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Names                                                              */

static void test_names(void)
{
	static const struct { unsigned t; const char *n; } names[] = {
		{ 0, "ZLB" }, { 1, "SCCRQ" }, { 2, "SCCRP" }, { 3, "SCCCN" },
		{ 4, "StopCCN" }, { 6, "HELLO" }, { 7, "OCRQ" }, { 8, "OCRP" },
		{ 9, "OCCN" }, { 10, "ICRQ" }, { 11, "ICRP" }, { 12, "ICCN" },
		{ 14, "CDN" }, { 15, "WEN" }, { 16, "SLI" },
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(names[i].t), names[i].n);
		CU_ASSERT_EQUAL(l2tp_msg_type_known(names[i].t), names[i].t != 0);
	}
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(5), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(13), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(17), "unknown");
	CU_ASSERT_FALSE(l2tp_msg_type_known(5));
	CU_ASSERT_FALSE(l2tp_msg_type_known(13));

	for (unsigned t = 0; t < L2TP_AVP__COUNT; t++) {
		bool known = t != 20 && (t < 40 || t > 45);
		CU_ASSERT_EQUAL(l2tp_avp_type_known(t), known);
		CU_ASSERT_EQUAL(strcmp(l2tp_avp_name(t), "unknown") != 0, known);
	}
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(7), "Host Name");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(36), "Random Vector");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(40), "unknown");
	CU_ASSERT_STRING_EQUAL(l2tp_avp_name(46), "PPP Disconnect Cause Code");
	CU_ASSERT_FALSE(l2tp_avp_mandatory(46)); /* RFC 3145: MUST NOT be M */
	CU_ASSERT_TRUE(l2tp_avp_hideable(46));

	static const unsigned never[] = { 0, 1, 2, 5, 7, 10, 12, 36, 39 };
	unsigned hideable = 0;
	for (unsigned t = 0; t < 64; t++)
		hideable += l2tp_avp_hideable(t);
	CU_ASSERT_EQUAL(hideable, 40 - 9); /* 40 known types (20, 40-45 not) */
	for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++)
		CU_ASSERT_FALSE(l2tp_avp_hideable(never[i]));
	CU_ASSERT_FALSE(l2tp_avp_mandatory(5)); /* Tie Breaker M=0 */
	CU_ASSERT_TRUE(l2tp_avp_mandatory(0));
	CU_ASSERT_TRUE(l2tp_avp_mandatory(9));

	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_result_text(L2TP_MSG_STOPCCN, 4), "not authorized"));
	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_result_text(L2TP_MSG_STOPCCN, 5), "version"));
	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_result_text(L2TP_MSG_CDN, 8), "busy"));
	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_result_text(L2TP_MSG_CDN, 1), "carrier"));
	CU_ASSERT_STRING_EQUAL(l2tp_result_text(L2TP_MSG_CDN, 99), "unknown result code");
	CU_ASSERT_STRING_EQUAL(l2tp_result_text(L2TP_MSG_HELLO, 1), "unknown result code");
	for (unsigned r = 1; r <= 7; r++)
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_result_text(L2TP_MSG_STOPCCN, r), "unknown result code");
	for (unsigned r = 1; r <= 11; r++)
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_result_text(L2TP_MSG_CDN, r), "unknown result code");
	for (unsigned e = 0; e <= 8; e++)
		CU_ASSERT_STRING_NOT_EQUAL(l2tp_error_text(e), "unknown error code");
	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_error_text(2), "Length"));
	CU_ASSERT_PTR_NOT_NULL(strstr(l2tp_error_text(8), "M-bit"));
	CU_ASSERT_STRING_EQUAL(l2tp_error_text(9), "unknown error code");
	CU_ASSERT_STRING_EQUAL(l2tp_proxy_authen_type_name(2), "CHAP");
	CU_ASSERT_STRING_EQUAL(l2tp_proxy_authen_type_name(3), "PAP");
	CU_ASSERT_STRING_EQUAL(l2tp_proxy_authen_type_name(9), "unknown");
}

/* ------------------------------------------------------------------ */
/* Header                                                             */

static void test_header_control(void)
{
	uint8_t buf[64];
	struct l2tp_header h;

	CU_ASSERT_EQUAL(l2tp_control_header_encode(buf, sizeof(buf), 12, 45029, 291, 3, 4), 12);
	CU_ASSERT_EQUAL(buf[0], 0xc8);
	CU_ASSERT_EQUAL(buf[1], 0x02);
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 12, &h), 0);
	CU_ASSERT_TRUE(l2tp_header_is_control(&h));
	CU_ASSERT_TRUE(l2tp_header_is_zlb(&h));
	CU_ASSERT_EQUAL(h.version, 2);
	CU_ASSERT_EQUAL(h.length, 12);
	CU_ASSERT_EQUAL(h.tunnel_id, 45029);
	CU_ASSERT_EQUAL(h.session_id, 291);
	CU_ASSERT_EQUAL(h.ns, 3);
	CU_ASSERT_EQUAL(h.nr, 4);
	CU_ASSERT_EQUAL(h.hdr_len, 12);
	CU_ASSERT_EQUAL(h.payload_len, 0);

	l2tp_control_header_set_nr(buf, 0xbeef);
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 12, &h), 0);
	CU_ASSERT_EQUAL(h.nr, 0xbeef);
	CU_ASSERT_EQUAL(h.ns, 3);

	/* Octets beyond Length are ignored. */
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 40, &h), 0);
	CU_ASSERT_EQUAL(h.payload_len, 0);

	/* Reserved bits are ignored. */
	buf[0] |= 0x34;
	buf[1] |= 0xf0;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 12, &h), 0);
	CU_ASSERT_EQUAL(h.flags, L2TP_HDR_T | L2TP_HDR_L | L2TP_HDR_S);

	/* Too small buffer for the encoder. */
	CU_ASSERT_EQUAL(l2tp_control_header_encode(buf, 11, 12, 1, 1, 0, 0), -ENOSPC);
}

static void test_header_control_errors(void)
{
	uint8_t buf[64];
	struct l2tp_header h;

	l2tp_control_header_encode(buf, sizeof(buf), 20, 1, 2, 0, 0);
	memset(buf + 12, 0, 8);
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), 0);
	CU_ASSERT_EQUAL(h.payload_len, 8);
	/* Short control header. */
	for (size_t n = 0; n < 12; n++)
		CU_ASSERT_EQUAL(l2tp_header_decode(buf, n, &h), -EBADMSG);
	/* Length larger than the datagram. */
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 19, &h), -EBADMSG);
	/* Length smaller than the header. */
	buf[2] = 0;
	buf[3] = 11;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EBADMSG);
	buf[3] = 0;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EBADMSG);
	buf[3] = 20;
	/* Control without L or S. */
	buf[0] = 0x88;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EBADMSG);
	buf[0] = 0xc0;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EBADMSG);
	/* Control with O. */
	buf[0] = 0xca;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EBADMSG);
	buf[0] = 0xc8;
	/* Version 1 (L2F): drop silently; version 3: answer StopCCN 5. */
	buf[1] = 0x01;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(h.version, 1);
	buf[1] = 0x03;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EPROTO);
	CU_ASSERT_EQUAL(h.version, 3);
	CU_ASSERT_EQUAL(h.tunnel_id, 1); /* best effort, for the StopCCN */
	CU_ASSERT_EQUAL(h.session_id, 2);
	buf[1] = 0x00;
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 20, &h), -EPROTO);
	CU_ASSERT_EQUAL(l2tp_header_decode(NULL, 0, &h), -EBADMSG);
}

static void test_header_data(void)
{
	static const unsigned flag_sets[] = {
		0, L2TP_HDR_L, L2TP_HDR_S, L2TP_HDR_L | L2TP_HDR_S,
		L2TP_HDR_P, L2TP_HDR_L | L2TP_HDR_S | L2TP_HDR_P,
	};
	static const int lens[] = { 6, 8, 10, 12, 6, 12 };
	uint8_t buf[128];
	struct l2tp_header h;

	for (unsigned i = 0; i < 6; i++) {
		unsigned f = flag_sets[i];
		int n;

		CU_ASSERT_EQUAL(l2tp_data_header_len(f), lens[i]);
		n = l2tp_data_header_encode(buf, sizeof(buf), f, 0x1234, 0x5678, 77, 20);
		CU_ASSERT_EQUAL(n, lens[i]);
		memset(buf + n, 0xff, 20);
		CU_ASSERT_EQUAL(l2tp_header_decode(buf, (size_t)n + 20, &h), 0);
		CU_ASSERT_FALSE(l2tp_header_is_control(&h));
		CU_ASSERT_EQUAL(h.flags, f);
		CU_ASSERT_EQUAL(h.tunnel_id, 0x1234);
		CU_ASSERT_EQUAL(h.session_id, 0x5678);
		CU_ASSERT_EQUAL(h.ns, (f & L2TP_HDR_S) ? 77 : 0);
		CU_ASSERT_EQUAL(h.hdr_len, (size_t)n);
		CU_ASSERT_EQUAL(h.payload_len, 20);
		if (f & L2TP_HDR_L) {
			CU_ASSERT_EQUAL(h.length, n + 20);
			/* Length beyond the datagram. */
			CU_ASSERT_EQUAL(l2tp_header_decode(buf, (size_t)n + 19, &h), -EBADMSG);
			/* Extra octets beyond Length are cut. */
			CU_ASSERT_EQUAL(l2tp_header_decode(buf, (size_t)n + 25, &h), 0);
			CU_ASSERT_EQUAL(h.payload_len, 20);
		}
		/* Short data header. */
		for (int k = 0; k < n; k++)
			CU_ASSERT_NOT_EQUAL(l2tp_header_decode(buf, (size_t)k, &h), 0);
	}
	CU_ASSERT_EQUAL(l2tp_header_decode(buf, 5, &h), -EBADMSG);

	/* Offset field and padding. */
	uint8_t off[] = { 0x02, 0x02, 0x00, 0x01, 0x00, 0x02, 0x00, 0x03,
			  0xaa, 0xbb, 0xcc, 0xff, 0x03, 0xc0, 0x21 };
	CU_ASSERT_EQUAL(l2tp_header_decode(off, sizeof(off), &h), 0);
	CU_ASSERT_EQUAL(h.offset_size, 3);
	CU_ASSERT_EQUAL(h.hdr_len, 11);
	CU_ASSERT_EQUAL(h.payload_len, 4);
	CU_ASSERT_EQUAL(off[h.hdr_len], 0xff);
	off[7] = 9; /* offset past the end */
	CU_ASSERT_EQUAL(l2tp_header_decode(off, sizeof(off), &h), -EBADMSG);
	CU_ASSERT_EQUAL(l2tp_header_decode(off, 7, &h), -EBADMSG);
	/* Data message with L: Length smaller than the header fields. */
	uint8_t sl[] = { 0x48, 0x02, 0x00, 0x05, 0x00, 0x01, 0x00, 0x02, 0x00 };
	CU_ASSERT_EQUAL(l2tp_header_decode(sl, sizeof(sl), &h), -EBADMSG);
	/* Version 1 / 3 data. */
	uint8_t v[] = { 0x00, 0x01, 0x00, 0x01, 0x00, 0x02 };
	CU_ASSERT_EQUAL(l2tp_header_decode(v, 6, &h), -EPROTONOSUPPORT);
	v[1] = 3;
	CU_ASSERT_EQUAL(l2tp_header_decode(v, 6, &h), -EPROTO);

	/* Encoder errors. */
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 5, 0, 1, 1, 0, 10), -ENOSPC);
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 9, L2TP_HDR_L | L2TP_HDR_S, 1, 1, 0, 10), -ENOSPC);
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 64, L2TP_HDR_L, 1, 1, 0, 65528), -EMSGSIZE);
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 64, L2TP_HDR_L, 1, 1, 0, 65527), 8);
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 64, L2TP_HDR_T, 1, 1, 0, 10), -EINVAL);
	CU_ASSERT_EQUAL(l2tp_data_header_encode(buf, 64, L2TP_HDR_O, 1, 1, 0, 10), -EINVAL);
}

/* ------------------------------------------------------------------ */
/* Round trips                                                        */

static void test_roundtrip_all_types(void)
{
	uint8_t buf[4096];
	struct prng rng = { 0x1234 };
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, prng_fill, &rng };

	for (unsigned i = 0; i < N_SPECS; i++) {
		for (int opt = 0; opt <= 1; opt++) {
			struct l2tp_msg m, d;
			struct l2tp_header h;
			int n, r;
			unsigned missing = 99;

			fill_spec(&m, &specs[i], opt);
			CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&m, &missing), 0);
			n = l2tp_control_encode(buf, sizeof(buf), 45029, 291, 7, 9, &m, &ectx);
			CU_ASSERT_FATAL(n > 12);
			l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
			r = l2tp_datagram_decode(buf, (size_t)n, &h, &d, &dctx);
			CU_ASSERT_EQUAL(r, 0);
			if (r)
				printf("\n%s: %d %s type %u\n", specs[i].name, r,
				       dctx.err.what, dctx.err.type);
			CU_ASSERT_EQUAL(h.length, n);
			CU_ASSERT_EQUAL(h.tunnel_id, 45029);
			CU_ASSERT_EQUAL(h.session_id, 291);
			CU_ASSERT_EQUAL(h.ns, 7);
			CU_ASSERT_EQUAL(h.nr, 9);
			CU_ASSERT_FALSE(l2tp_header_is_zlb(&h));
			CU_ASSERT_EQUAL(d.message_type, specs[i].type);
			CU_ASSERT_EQUAL(d.present, m.present);
			CU_ASSERT_EQUAL(d.hidden, 0);
			CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);
			CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&d, NULL), 0);
			CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(d.message_type), specs[i].name);
			CU_ASSERT_EQUAL(dctx.unknown_skipped, 0);
			CU_ASSERT_EQUAL(dctx.malformed_ignored, 0);
			/* Strings of a plain message point into the datagram. */
			if (l2tp_msg_has(&d, L2TP_AVP_HOST_NAME)) {
				CU_ASSERT_TRUE(d.host_name.ptr > buf && d.host_name.ptr < buf + n);
			}
		}
	}
}

static void test_roundtrip_zlb(void)
{
	uint8_t buf[64];
	struct l2tp_header h;
	struct l2tp_msg d;
	int n = l2tp_control_encode(buf, sizeof(buf), 5, 0, 1, 2, NULL, NULL);

	CU_ASSERT_EQUAL(n, 12);
	l2tp_decode_ctx_init(&dctx, NULL, 0);
	CU_ASSERT_EQUAL(l2tp_datagram_decode(buf, 12, &h, &d, &dctx), 0);
	CU_ASSERT_TRUE(l2tp_header_is_zlb(&h));
	CU_ASSERT_EQUAL(d.message_type, L2TP_MSG_ZLB);
	CU_ASSERT_EQUAL(d.present, 0);
	CU_ASSERT_EQUAL(h.ns, 1);
	CU_ASSERT_EQUAL(h.nr, 2);
	CU_ASSERT_STRING_EQUAL(l2tp_msg_type_name(d.message_type), "ZLB");
}

static void test_roundtrip_data_datagram(void)
{
	uint8_t buf[64];
	struct l2tp_header h;
	struct l2tp_msg d;
	int n = l2tp_data_header_encode(buf, sizeof(buf), L2TP_HDR_S, 9, 10, 5, 4);

	memcpy(buf + n, "\xff\x03\xc0\x21", 4);
	l2tp_decode_ctx_init(&dctx, NULL, 0);
	CU_ASSERT_EQUAL(l2tp_datagram_decode(buf, (size_t)n + 4, &h, &d, &dctx), 0);
	CU_ASSERT_FALSE(l2tp_header_is_control(&h));
	CU_ASSERT_EQUAL(h.payload_len, 4);
	CU_ASSERT_EQUAL(memcmp(buf + h.hdr_len, "\xff\x03\xc0\x21", 4), 0);
	CU_ASSERT_EQUAL(d.present, 0);
	/* Header errors reach ctx->err too. */
	buf[1] = 1;
	CU_ASSERT_EQUAL(l2tp_datagram_decode(buf, (size_t)n + 4, &h, &d, &dctx), -EPROTONOSUPPORT);
	CU_ASSERT_EQUAL(dctx.err.code, -EPROTONOSUPPORT);
	CU_ASSERT_PTR_NOT_NULL(dctx.err.what);
}

static void test_roundtrip_every_avp(void)
{
	uint8_t buf[4096];
	struct l2tp_msg m, d;
	int n;

	fill_all(&m, L2TP_MSG_ICCN);
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	l2tp_decode_ctx_init(&dctx, NULL, 0);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_EQUAL(d.present, m.present);
	CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);

	/* Result code variants: result only; result + error, no message. */
	l2tp_msg_init(&m, L2TP_MSG_STOPCCN);
	m.result.result = 1;
	l2tp_msg_set(&m, L2TP_AVP_RESULT_CODE);
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 8 + 8);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_EQUAL(d.result.result, 1);
	CU_ASSERT_FALSE(d.result.has_error);
	CU_ASSERT_EQUAL(d.result.message.len, 0);
	m.result.has_error = true;
	m.result.error = 6;
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 8 + 10);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_TRUE(d.result.has_error);
	CU_ASSERT_EQUAL(d.result.error, 6);

	/* l2tp_msg_set_result. */
	l2tp_msg_init(&m, L2TP_MSG_CDN);
	l2tp_msg_set_result(&m, L2TP_CDN_GENERAL_ERROR, L2TP_ERR_BAD_LENGTH, "bad length");
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 8 + 6 + 4 + 10);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_EQUAL(d.result.result, 2);
	CU_ASSERT_EQUAL(d.result.error, 2);
	CU_ASSERT_EQUAL(d.result.message.len, 10);
	CU_ASSERT_EQUAL(memcmp(d.result.message.ptr, "bad length", 10), 0);
	l2tp_msg_set_result(&m, L2TP_CDN_ADMIN, 0, NULL);
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_EQUAL(n, 8 + 8);

	/* Encoding order: type order after the Message Type; M bits per RFC. */
	fill_all(&m, L2TP_MSG_ICCN);
	n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	int prev = -1;
	for (int pos = 0; pos < n;) {
		unsigned alen = ((buf[pos] << 8) | buf[pos + 1]) & 0x3ff;
		int type = (buf[pos + 4] << 8) | buf[pos + 5];
		CU_ASSERT_TRUE(type > prev);
		CU_ASSERT_EQUAL((buf[pos] & 0x80) != 0, l2tp_avp_mandatory((unsigned)type));
		CU_ASSERT_EQUAL(buf[pos] & 0x40, 0);
		prev = type;
		pos += (int)alen;
	}
	char s[8];
	CU_ASSERT_STRING_EQUAL(l2tp_bytes_to_str(&d.host_name, s, sizeof(s)), "");
	l2tp_decode_ctx_init(&dctx, NULL, 0);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_STRING_EQUAL(l2tp_bytes_to_str(&d.host_name, s, sizeof(s)), "LAC");
	CU_ASSERT_STRING_EQUAL(l2tp_bytes_to_str(&d.proxy_authen_name, s, sizeof(s)), "remote1");
}

static void test_hidden_roundtrip_each(void)
{
	uint8_t buf[4096];
	struct prng rng = { 99 };
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, prng_fill, &rng };
	unsigned tested = 0;

	for (unsigned t = 0; t < L2TP_AVP__COUNT; t++) {
		struct l2tp_msg m, d;
		int n, r;

		if (!l2tp_avp_hideable(t))
			continue;
		fill_all(&m, L2TP_MSG_ICCN);
		l2tp_msg_hide(&m, t);
		n = l2tp_avps_encode(&m, &ectx, buf, sizeof(buf));
		CU_ASSERT_FATAL(n > 0);
		/* Second AVP is the Random Vector; exactly one H bit set. */
		CU_ASSERT_EQUAL(buf[8 + 5], L2TP_AVP_RANDOM_VECTOR);
		unsigned hbits = 0;
		for (int pos = 0; pos < n;) {
			unsigned alen = ((buf[pos] << 8) | buf[pos + 1]) & 0x3ff;
			unsigned type = (unsigned)((buf[pos + 4] << 8) | buf[pos + 5]);
			if (buf[pos] & 0x40) {
				hbits++;
				CU_ASSERT_EQUAL(type, t);
			}
			pos += (int)alen;
		}
		CU_ASSERT_EQUAL(hbits, 1);

		l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
		r = l2tp_avps_decode(buf, (size_t)n, &d, &dctx);
		CU_ASSERT_EQUAL(r, 0);
		CU_ASSERT_EQUAL(d.hidden, (uint64_t)1 << t);
		CU_ASSERT_EQUAL(d.present, m.present | ((uint64_t)1 << L2TP_AVP_RANDOM_VECTOR));
		CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);
		CU_ASSERT_TRUE(dctx.scratch_used > 0);

		/* Without the secret: -ENOKEY, naming the AVP. */
		l2tp_decode_ctx_init(&dctx, NULL, 0);
		CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), -ENOKEY);
		CU_ASSERT_EQUAL(dctx.err.type, t);
		/* With another secret: decodes to something else or fails. */
		l2tp_decode_ctx_init(&dctx, "other", 5);
		r = l2tp_avps_decode(buf, (size_t)n, &d, &dctx);
		CU_ASSERT_TRUE(r != 0 || msg_diff(&m, &d) != -1 ||
			       dctx.malformed_ignored > 0);
		tested++;
	}
	CU_ASSERT_EQUAL(tested, 31);

	/* Everything hideable hidden at once, with a caller's Random Vector. */
	struct l2tp_msg m, d;
	uint8_t rv[16];
	memset(rv, 0x11, sizeof(rv));
	fill_all(&m, L2TP_MSG_ICCN);
	for (unsigned t = 0; t < L2TP_AVP__COUNT; t++)
		if (l2tp_avp_hideable(t))
			l2tp_msg_hide(&m, t);
	l2tp_msg_set_bytes(&m, L2TP_AVP_RANDOM_VECTOR, rv, sizeof(rv));
	int n = l2tp_avps_encode(&m, &ectx, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
	CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
	CU_ASSERT_EQUAL(d.present, m.present);
	CU_ASSERT_EQUAL(d.hidden, m.hidden);
	CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);
	/* Hidden strings point into the scratch. */
	CU_ASSERT_TRUE(d.vendor_name.ptr >= dctx.scratch &&
		       d.vendor_name.ptr < dctx.scratch + sizeof(dctx.scratch));
}

static void test_hidden_padding_random(void)
{
	/* Random padding: two encodings of the same message differ in length
	 * or content, and both decode. */
	uint8_t b1[512], b2[512];
	struct prng rng = { 7 };
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, prng_fill, &rng };
	struct l2tp_msg m, d;
	int n1, n2, diff = 0;

	for (int i = 0; i < 20; i++) {
		l2tp_msg_init(&m, L2TP_MSG_ICRQ);
		fill_avp(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		fill_avp(&m, L2TP_AVP_CALL_SERIAL_NUMBER);
		fill_avp(&m, L2TP_AVP_CALLING_NUMBER);
		l2tp_msg_hide(&m, L2TP_AVP_CALLING_NUMBER);
		l2tp_msg_hide(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
		n1 = l2tp_avps_encode(&m, &ectx, b1, sizeof(b1));
		n2 = l2tp_avps_encode(&m, &ectx, b2, sizeof(b2));
		CU_ASSERT_TRUE(n1 > 0 && n2 > 0);
		diff += n1 != n2 || memcmp(b1, b2, (size_t)n1) != 0;
		l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
		CU_ASSERT_EQUAL(l2tp_avps_decode(b2, (size_t)n2, &d, &dctx), 0);
		CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);
	}
	CU_ASSERT_EQUAL(diff, 20);

	/* A failing random source fails the encoding. */
	struct l2tp_encode_ctx bad = { secret, SECRET_LEN, failing_fill, NULL };
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, &bad, b1, sizeof(b1)), -EIO);
	/* The default source (getrandom) works. */
	struct l2tp_encode_ctx def = { secret, SECRET_LEN, NULL, NULL };
	n1 = l2tp_avps_encode(&m, &def, b1, sizeof(b1));
	CU_ASSERT_TRUE(n1 > 0);
	l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
	CU_ASSERT_EQUAL(l2tp_avps_decode(b1, (size_t)n1, &d, &dctx), 0);
	CU_ASSERT_EQUAL(msg_diff(&m, &d), -1);
}

/* ------------------------------------------------------------------ */
/* Encode errors                                                      */

static void test_encode_errors(void)
{
	uint8_t buf[4096];
	struct l2tp_msg m;
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, zero_fill, NULL };
	int n;

	/* Unhideable AVPs. */
	static const unsigned never[] = { 1, 2, 5, 7, 10, 12, 36, 39 };
	for (unsigned i = 0; i < sizeof(never) / sizeof(never[0]); i++) {
		fill_all(&m, L2TP_MSG_ICCN);
		l2tp_msg_hide(&m, never[i]);
		if (never[i] == L2TP_AVP_RANDOM_VECTOR)
			fill_avp(&m, L2TP_AVP_RANDOM_VECTOR);
		CU_ASSERT_EQUAL(l2tp_avps_encode(&m, &ectx, buf, sizeof(buf)), -EINVAL);
	}
	/* Hidden without a secret. */
	fill_all(&m, L2TP_MSG_ICCN);
	l2tp_msg_hide(&m, L2TP_AVP_CALLED_NUMBER);
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);
	/* Zero receive window, empty host name, empty challenge. */
	fill_all(&m, L2TP_MSG_SCCRQ);
	m.receive_window_size = 0;
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);
	fill_all(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set_str(&m, L2TP_AVP_HOST_NAME, "");
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);
	fill_all(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set_bytes(&m, L2TP_AVP_CHALLENGE, chal16, 0);
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);
	/* Value too long for one AVP. */
	static uint8_t big[2000];
	fill_all(&m, L2TP_MSG_SCCRQ);
	l2tp_msg_set_bytes(&m, L2TP_AVP_VENDOR_NAME, big, 1018);
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);
	l2tp_msg_set_bytes(&m, L2TP_AVP_VENDOR_NAME, big, 1017);
	CU_ASSERT_TRUE(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)) > 0);
	/* Hidden: 2 octets less room; padding is cut to fit. */
	l2tp_msg_hide(&m, L2TP_AVP_VENDOR_NAME);
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, &ectx, buf, sizeof(buf)), -EINVAL);
	l2tp_msg_set_bytes(&m, L2TP_AVP_VENDOR_NAME, big, 1015);
	struct prng rng = { 5 };
	struct l2tp_encode_ctx rctx = { secret, SECRET_LEN, prng_fill, &rng };
	for (int i = 0; i < 10; i++) {
		struct l2tp_msg d;
		n = l2tp_avps_encode(&m, &rctx, buf, sizeof(buf));
		CU_ASSERT_FATAL(n > 0);
		l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
		CU_ASSERT_EQUAL(l2tp_avps_decode(buf, (size_t)n, &d, &dctx), 0);
		CU_ASSERT_EQUAL(d.vendor_name.len, 1015);
	}
	/* No Message Type. */
	fill_all(&m, L2TP_MSG_ICCN);
	m.present &= ~(uint64_t)1;
	CU_ASSERT_EQUAL(l2tp_avps_encode(&m, NULL, buf, sizeof(buf)), -EINVAL);

	/* Every too-small buffer gives -ENOSPC, never an overrun. */
	fill_all(&m, L2TP_MSG_ICCN);
	n = l2tp_control_encode(buf, sizeof(buf), 1, 2, 3, 4, &m, NULL);
	CU_ASSERT_FATAL(n > 12);
	for (int cap = 0; cap < n; cap++) {
		uint8_t *small = malloc((size_t)cap + 1);
		CU_ASSERT_EQUAL(l2tp_control_encode(small, (size_t)cap, 1, 2, 3, 4, &m, NULL),
				-ENOSPC);
		free(small);
	}
	CU_ASSERT_EQUAL(l2tp_control_encode(buf, (size_t)n, 1, 2, 3, 4, &m, NULL), n);
}

/* ------------------------------------------------------------------ */
/* Malformed input                                                    */

static void test_malformed_avp_lengths(void)
{
	struct raw r;
	struct l2tp_msg m;

	/* Truncated AVP header: fewer than 6 octets left. */
	for (size_t k = 1; k < 6; k++) {
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_HELLO);
		r.len += k;
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EBADMSG);
		CU_ASSERT_EQUAL(dctx.err.l2tp_error, L2TP_ERR_BAD_LENGTH);
		CU_ASSERT_EQUAL(dctx.err.offset, 8);
	}
	/* AVP length field below 6. */
	for (unsigned l = 0; l < 6; l++) {
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_HELLO);
		raw_avp(&r, 0, 0, 8, "abcdef", 6);
		r.buf[8] = 0;
		r.buf[9] = (uint8_t)l;
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EBADMSG);
		CU_ASSERT_EQUAL(dctx.err.type, 8);
	}
	/* AVP running past the end. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_HELLO);
	raw_avp(&r, 0, 0, 8, "abcdef", 6);
	r.len -= 1;
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EBADMSG);
	CU_ASSERT_EQUAL(dctx.err.type, 8);
	CU_ASSERT_PTR_NOT_NULL(strstr(dctx.err.what, "past the end"));
	/* Message Type AVP truncated. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_HELLO);
	r.len = 7;
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EBADMSG);
}

static void test_malformed_values(void)
{
	struct raw r;
	struct l2tp_msg m;
	static const struct { uint16_t type; size_t bad_len; } bad[] = {
		{ 1, 0 }, { 1, 1 }, { 1, 3 }, { 2, 1 }, { 2, 3 }, { 3, 3 }, { 4, 5 },
		{ 5, 7 }, { 6, 1 }, { 7, 0 }, { 9, 1 }, { 9, 3 }, { 10, 1 }, { 11, 0 },
		{ 12, 2 }, { 13, 15 }, { 13, 17 }, { 14, 3 }, { 15, 2 }, { 16, 3 },
		{ 17, 5 }, { 18, 0 }, { 19, 8 }, { 24, 2 }, { 25, 1 }, { 29, 1 },
		{ 32, 1 }, { 32, 3 }, { 34, 25 }, { 35, 9 }, { 36, 0 }, { 38, 3 },
		{ 39, 1 }, { 46, 0 }, { 46, 4 },
	};
	uint8_t zeros[64] = { 0 };

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		/* M=1: error with the AVP's type and "bad length". */
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_ICCN);
		raw_avp(&r, L2TP_AVP_M, 0, bad[i].type, zeros, bad[i].bad_len);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EBADMSG);
		CU_ASSERT_EQUAL(dctx.err.type, bad[i].type);
		CU_ASSERT_EQUAL(dctx.err.vendor, 0);
		CU_ASSERT_EQUAL(dctx.err.l2tp_error, L2TP_ERR_BAD_LENGTH);
		/* M=0: ignored, counted, not present; the rest decodes. */
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_ICCN);
		uint16_t other = bad[i].type == 14 ? 9 : 14;
		raw_avp(&r, 0, 0, bad[i].type, zeros, bad[i].bad_len);
		raw_avp(&r, L2TP_AVP_M, 0, other, "\x01\x23", 2);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), 0);
		CU_ASSERT_EQUAL(dctx.malformed_ignored, 1);
		CU_ASSERT_FALSE(l2tp_msg_has(&m, bad[i].type));
		CU_ASSERT_TRUE(l2tp_msg_has(&m, other));
		CU_ASSERT_EQUAL(other == 14 ? m.assigned_session_id : m.assigned_tunnel_id, 0x0123);
	}

	/* Receive Window Size 0: out of range. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_SCCRQ);
	raw_avp(&r, L2TP_AVP_M, 0, 10, "\x00\x00", 2);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -ERANGE);
	CU_ASSERT_EQUAL(dctx.err.type, 10);
	CU_ASSERT_EQUAL(dctx.err.l2tp_error, L2TP_ERR_OUT_OF_RANGE);
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_SCCRQ);
	raw_avp(&r, 0, 0, 10, "\x00\x00", 2);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), 0);
	CU_ASSERT_FALSE(l2tp_msg_has(&m, 10));
	CU_ASSERT_EQUAL(dctx.malformed_ignored, 1);

	/* A hidden AVP that may never be hidden (Host Name). */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_SCCRQ);
	raw_avp(&r, L2TP_AVP_M, 0, 36, chal16, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 7, "abcdef", 6);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
	CU_ASSERT_EQUAL(dctx.err.type, 7);
}

static void test_unknown_avps(void)
{
	struct raw r;
	struct l2tp_msg m;

	/* Unknown type with M=1, unassigned type 20, vendor AVP with M=1,
	 * reserved bits set. */
	static const struct { uint16_t flags, vendor, type; } cases[] = {
		{ L2TP_AVP_M, 0, 99 },
		{ L2TP_AVP_M, 0, 20 },
		{ L2TP_AVP_M, 0, 40 },
		{ L2TP_AVP_M, 9, 1 },
		{ L2TP_AVP_M, 311, 14 },
		{ L2TP_AVP_M | 0x0400, 0, 14 },
		{ L2TP_AVP_M | 0x2000, 0, 9 },
		{ L2TP_AVP_M | L2TP_AVP_H, 9, 1 },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_ICRQ);
		raw_avp(&r, L2TP_AVP_M, 0, 14, "\x00\x05", 2);
		raw_avp(&r, cases[i].flags, cases[i].vendor, cases[i].type, "\x00\x01", 2);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -ENOTSUP);
		CU_ASSERT_EQUAL(dctx.err.code, -ENOTSUP);
		CU_ASSERT_EQUAL(dctx.err.vendor, cases[i].vendor);
		CU_ASSERT_EQUAL(dctx.err.type, cases[i].type);
		CU_ASSERT_EQUAL(dctx.err.l2tp_error, L2TP_ERR_UNKNOWN_MANDATORY_AVP);
		CU_ASSERT_EQUAL(dctx.err.offset, 16);
		CU_ASSERT_PTR_NOT_NULL(dctx.err.what);

		/* Same with M=0: skipped and counted. */
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, L2TP_MSG_ICRQ);
		raw_avp(&r, cases[i].flags & ~L2TP_AVP_M, cases[i].vendor,
			cases[i].type, "\x00\x01", 2);
		raw_avp(&r, L2TP_AVP_M, 0, 14, "\x00\x05", 2);
		raw_avp(&r, 0, 0x1234, 0x4321, NULL, 0);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), 0);
		CU_ASSERT_EQUAL(dctx.unknown_skipped, 2);
		CU_ASSERT_EQUAL(m.assigned_session_id, 5);
		CU_ASSERT_EQUAL(m.present, (1u << 0) | (1u << 14));
	}
	/* A second Message Type AVP. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRQ);
	raw_msgtype(&r, L2TP_MSG_CDN);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -ENOTSUP);
	CU_ASSERT_EQUAL(dctx.err.type, 0);
}

static void test_message_type_errors(void)
{
	struct raw r;
	struct l2tp_msg m;

	/* First AVP not the Message Type. */
	memset(&r, 0, sizeof(r));
	raw_avp(&r, L2TP_AVP_M, 0, 14, "\x00\x05", 2);
	raw_msgtype(&r, L2TP_MSG_ICRQ);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EPROTO);
	CU_ASSERT_EQUAL(dctx.err.type, 14);
	/* Vendor Message Type first. */
	memset(&r, 0, sizeof(r));
	raw_avp(&r, L2TP_AVP_M, 9, 0, "\x00\x06", 2);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EPROTO);
	/* Unknown message type: M=1 tears down, M=0 ignores. */
	static const uint16_t unknown[] = { 0, 5, 13, 17, 300 };
	for (unsigned i = 0; i < 5; i++) {
		memset(&r, 0, sizeof(r));
		raw_msgtype(&r, unknown[i]);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -EPROTO);
		memset(&r, 0, sizeof(r));
		raw_avp(&r, 0, 0, 0, (uint8_t[]){ (uint8_t)(unknown[i] >> 8), (uint8_t)unknown[i] }, 2);
		CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -ENOMSG);
		CU_ASSERT_EQUAL(m.message_type, unknown[i]);
	}
	/* Hidden Message Type; bad length. */
	memset(&r, 0, sizeof(r));
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 0, "\x00\x06", 2);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
	memset(&r, 0, sizeof(r));
	raw_avp(&r, L2TP_AVP_M, 0, 0, "\x00\x06\x00", 3);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
}

static void test_hidden_errors(void)
{
	struct raw r;
	struct l2tp_msg m;
	uint8_t rv[16], hid[64];
	int n;

	memset(rv, 0x11, sizeof(rv));
	n = l2tp_hide(14, secret, SECRET_LEN, rv, 16, (const uint8_t *)"\x00\x01", 2,
		      (const uint8_t *)"\x99\x98\x97", 3, hid, sizeof(hid));
	CU_ASSERT_EQUAL_FATAL(n, 7);

	/* Valid: RV then hidden AVP. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, hid, (size_t)n);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), 0);
	CU_ASSERT_EQUAL(m.assigned_session_id, 1);
	CU_ASSERT_TRUE(l2tp_msg_is_hidden(&m, 14));
	/* Without secret. */
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), -ENOKEY);
	CU_ASSERT_EQUAL(dctx.err.type, 14);

	/* Without Random Vector (and an RV after it does not count). */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, hid, (size_t)n);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -ENODATA);
	CU_ASSERT_EQUAL(dctx.err.type, 14);

	/* The nearest preceding Random Vector is used. */
	uint8_t rv2[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint8_t hid2[64];
	int n2 = l2tp_hide(15, secret, SECRET_LEN, rv2, 8,
			   (const uint8_t *)"\x00\x00\x30\x39", 4, NULL, 0, hid2, sizeof(hid2));
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRQ);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, hid, (size_t)n);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv2, 8);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 15, hid2, (size_t)n2);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), 0);
	CU_ASSERT_EQUAL(m.assigned_session_id, 1);
	CU_ASSERT_EQUAL(m.call_serial_number, 12345);
	CU_ASSERT_EQUAL(m.random_vector.len, 8);

	/* Decoded original length larger than available: flip a bit of the
	 * first ciphertext octet (the length's high octet). */
	uint8_t bad[64];
	memcpy(bad, hid, (size_t)n);
	bad[0] ^= 0x01;
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, bad, (size_t)n);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
	CU_ASSERT_EQUAL(dctx.err.type, 14);
	CU_ASSERT_EQUAL(dctx.err.l2tp_error, L2TP_ERR_BAD_LENGTH);
	/* Original length 3 for a 2-octet AVP: within the data but a bad
	 * value length. */
	memcpy(bad, hid, (size_t)n);
	bad[1] ^= 0x02 ^ 0x03;
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, bad, (size_t)n);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
	/* Hidden AVP shorter than the 2-octet length. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_M | L2TP_AVP_H, 0, 14, hid, 1);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), -EBADMSG);
	/* Same with M=0: ignored. */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_ICRP);
	raw_avp(&r, L2TP_AVP_M, 0, 36, rv, 16);
	raw_avp(&r, L2TP_AVP_H, 0, 14, hid, 1);
	CU_ASSERT_EQUAL(decode_raw(&r, secret, &m), 0);
	CU_ASSERT_EQUAL(dctx.malformed_ignored, 1);
	CU_ASSERT_FALSE(l2tp_msg_has(&m, 14));

	/* Scratch exhaustion: many large hidden AVPs. */
	static struct raw big;
	static uint8_t val[1000];
	uint8_t h[1017];
	memset(&big, 0, sizeof(big));
	raw_msgtype(&big, L2TP_MSG_ICCN);
	raw_avp(&big, L2TP_AVP_M, 0, 36, rv, 16);
	int hn = l2tp_hide(8, secret, SECRET_LEN, rv, 16, val, sizeof(val), NULL, 0, h, sizeof(h));
	CU_ASSERT_EQUAL_FATAL(hn, 1002);
	/* raw.buf is 2048 octets: build in a larger buffer by hand. */
	static uint8_t many[8 + 22 + 5 * 1008];
	size_t pos = 0;
	memcpy(many, big.buf, big.len);
	pos = big.len;
	for (int i = 0; i < 5; i++) {
		uint16_t w = L2TP_AVP_H | 1008;
		many[pos] = (uint8_t)(w >> 8);
		many[pos + 1] = (uint8_t)w;
		many[pos + 2] = 0;
		many[pos + 3] = 0;
		many[pos + 4] = 0;
		many[pos + 5] = 8;
		memcpy(many + pos + 6, h, 1002);
		pos += 1008;
	}
	l2tp_decode_ctx_init(&dctx, secret, SECRET_LEN);
	CU_ASSERT_EQUAL(l2tp_avps_decode(many, pos, &m, &dctx), -ENOSPC);
	CU_ASSERT_EQUAL(l2tp_avps_decode(many, pos - 1008, &m, &dctx), 0);
	CU_ASSERT_EQUAL(m.vendor_name.len, 1000);
}

static void test_mandatory_check(void)
{
	for (unsigned i = 0; i < N_SPECS; i++) {
		const struct msg_spec *s = &specs[i];
		struct l2tp_msg m;
		unsigned missing;

		fill_spec(&m, s, true);
		CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&m, NULL), 0);
		uint64_t want = 0;
		for (const int *t = s->mandatory; *t != END; t++)
			want |= (uint64_t)1 << *t;
		CU_ASSERT_EQUAL(l2tp_msg_mandatory_avps(s->type), want);
		for (const int *t = s->mandatory; *t != END; t++) {
			uint8_t buf[2048];
			struct l2tp_msg d;
			struct l2tp_header h;
			int n;

			if (*t == 0)
				continue;
			fill_spec(&m, s, true);
			m.present &= ~((uint64_t)1 << *t);
			missing = 999;
			CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&m, &missing), -ENOENT);
			CU_ASSERT_EQUAL(missing, (unsigned)*t);
			/* Also after a trip over the wire. */
			n = l2tp_control_encode(buf, sizeof(buf), 1, 1, 0, 0, &m, NULL);
			CU_ASSERT_FATAL(n > 0);
			l2tp_decode_ctx_init(&dctx, NULL, 0);
			CU_ASSERT_EQUAL(l2tp_datagram_decode(buf, (size_t)n, &h, &d, &dctx), 0);
			missing = 999;
			CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&d, &missing), -ENOENT);
			CU_ASSERT_EQUAL(missing, (unsigned)*t);
		}
	}
	struct l2tp_msg m;
	l2tp_msg_init(&m, 5);
	CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&m, NULL), -EPROTO);
	l2tp_msg_init(&m, L2TP_MSG_ZLB);
	CU_ASSERT_EQUAL(l2tp_msg_check_mandatory(&m, NULL), -EPROTO);
}

/* ------------------------------------------------------------------ */
/* Robustness                                                         */

static bool ptr_ok(const struct l2tp_bytes *b, const uint8_t *buf, size_t len)
{
	if (b->len == 0)
		return true;
	if (b->ptr >= buf && b->ptr + b->len <= buf + len)
		return true;
	return b->ptr >= dctx.scratch &&
	       b->ptr + b->len <= dctx.scratch + dctx.scratch_used;
}

static void test_random_mutations(void)
{
	enum { N_SEEDS = 6, ITER = 100000 };
	static uint8_t seeds[N_SEEDS][2048];
	int seed_len[N_SEEDS];
	struct prng rng = { 0xC0FFEE };
	struct l2tp_encode_ctx ectx = { secret, SECRET_LEN, prng_fill, &rng };
	struct l2tp_msg m;
	unsigned ok = 0, fail = 0;

	/* Seeds: plain and hidden messages, ZLB, data. */
	fill_spec(&m, &specs[0], true);
	seed_len[0] = l2tp_control_encode(seeds[0], 2048, 1, 0, 0, 0, &m, &ectx);
	fill_all(&m, L2TP_MSG_ICCN);
	seed_len[1] = l2tp_control_encode(seeds[1], 2048, 1, 2, 3, 4, &m, &ectx);
	for (unsigned t = 0; t < L2TP_AVP__COUNT; t++)
		if (l2tp_avp_hideable(t))
			l2tp_msg_hide(&m, t);
	seed_len[2] = l2tp_control_encode(seeds[2], 2048, 1, 2, 3, 4, &m, &ectx);
	fill_spec(&m, &specs[11], true);
	l2tp_msg_hide(&m, L2TP_AVP_ASSIGNED_SESSION_ID);
	seed_len[3] = l2tp_control_encode(seeds[3], 2048, 1, 2, 3, 4, &m, &ectx);
	seed_len[4] = l2tp_control_encode(seeds[4], 2048, 1, 2, 3, 4, NULL, NULL);
	seed_len[5] = l2tp_data_header_encode(seeds[5], 2048, L2TP_HDR_L | L2TP_HDR_S,
					      1, 2, 3, 10);
	memset(seeds[5] + seed_len[5], 0x7e, 10);
	seed_len[5] += 10;
	for (int i = 0; i < N_SEEDS; i++)
		CU_ASSERT_FATAL(seed_len[i] > 0);

	for (int it = 0; it < ITER; it++) {
		int s = (int)(prng_next(&rng) % N_SEEDS);
		size_t len = (size_t)seed_len[s];
		uint8_t *buf = malloc(2100); /* exact-size copies catch over-reads under ASan */
		struct l2tp_header h;
		struct l2tp_msg d;
		unsigned nmut = 1 + (unsigned)(prng_next(&rng) % 8);
		int r;

		memcpy(buf, seeds[s], len);
		for (unsigned k = 0; k < nmut; k++) {
			uint64_t x = prng_next(&rng);
			size_t at = len ? (size_t)(x >> 16) % len : 0;
			switch (x % 5) {
			case 0: buf[at] ^= (uint8_t)(1u << ((x >> 8) % 8)); break;
			case 1: buf[at] = (uint8_t)(x >> 40); break;
			case 2: len = at; break; /* truncate */
			case 3: if (len < 2048) { buf[len] = (uint8_t)(x >> 24); len++; } break;
			default: /* hit length fields */
				if (len > 3) { buf[2] = (uint8_t)(x >> 32); buf[3] = (uint8_t)(x >> 40); }
				break;
			}
		}
		uint8_t *exact = malloc(len ? len : 1);
		memcpy(exact, buf, len);
		free(buf);
		l2tp_decode_ctx_init(&dctx, (it & 1) ? secret : NULL, SECRET_LEN);
		r = l2tp_datagram_decode(exact, len, &h, &d, &dctx);
		if (r == 0) {
			ok++;
			CU_ASSERT_TRUE(h.hdr_len + h.payload_len <= len);
			if (!ptr_ok(&d.host_name, exact, len) || !ptr_ok(&d.vendor_name, exact, len) ||
			    !ptr_ok(&d.result.message, exact, len) ||
			    !ptr_ok(&d.proxy_authen_name, exact, len) ||
			    !ptr_ok(&d.random_vector, exact, len) ||
			    !ptr_ok(&d.q931.advisory, exact, len))
				CU_FAIL("decoded pointer outside buffer and scratch");
			(void)l2tp_msg_check_mandatory(&d, NULL);
		} else {
			fail++;
			CU_ASSERT_EQUAL(dctx.err.code, r);
			CU_ASSERT_PTR_NOT_NULL(dctx.err.what);
		}
		free(exact);
	}
	CU_ASSERT_EQUAL(ok + fail, ITER);
	CU_ASSERT_TRUE(ok > 0);
	CU_ASSERT_TRUE(fail > 0);
}


/* RFC 3145 PPP Disconnect Cause Code in a CDN, as a peer sends it: M=0,
 * code, control protocol, direction, text. */
static void test_ppp_disconnect_cause(void)
{
	struct raw r;
	struct l2tp_msg m;
	char text[64];
	static const uint8_t v[] = { 0, 15, 0xC2, 0x23, 1, 'n', 'o', ' ', 'a', 'u', 't', 'h' };
	static const uint8_t rc[] = { 0, 2, 0, 6 };
	static const uint8_t sid[] = { 1, 35 };

	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_CDN);
	raw_avp(&r, L2TP_AVP_M, 0, L2TP_AVP_RESULT_CODE, rc, sizeof(rc));
	raw_avp(&r, L2TP_AVP_M, 0, L2TP_AVP_ASSIGNED_SESSION_ID, sid, sizeof(sid));
	raw_avp(&r, 0, 0, L2TP_AVP_PPP_DISCONNECT_CAUSE, v, sizeof(v));
	CU_ASSERT_EQUAL_FATAL(decode_raw(&r, NULL, &m), 0);
	CU_ASSERT_TRUE(l2tp_msg_has(&m, L2TP_AVP_PPP_DISCONNECT_CAUSE));
	CU_ASSERT_EQUAL(m.ppp_disconnect.code, 15);
	CU_ASSERT_EQUAL(m.ppp_disconnect.protocol, 0xC223);
	CU_ASSERT_EQUAL(m.ppp_disconnect.direction, 1);
	CU_ASSERT_STRING_EQUAL(l2tp_bytes_to_str(&m.ppp_disconnect.message, text, sizeof(text)),
			       "no auth");
	/* encoded with M=0, value as given */
	uint8_t buf[256];
	int n = l2tp_avps_encode(&m, NULL, buf, sizeof(buf));
	CU_ASSERT_FATAL(n > 0);
	int found = 0;
	for (int pos = 0; pos + 6 <= n;) {
		unsigned alen = ((buf[pos] << 8) | buf[pos + 1]) & 0x3ff;
		if (((buf[pos + 4] << 8) | buf[pos + 5]) == 46) {
			found++;
			CU_ASSERT_EQUAL(buf[pos] & 0x80, 0);
			CU_ASSERT_EQUAL(alen, 6 + sizeof(v));
			CU_ASSERT_EQUAL(memcmp(buf + pos + 6, v, sizeof(v)), 0);
		}
		pos += (int)alen;
	}
	CU_ASSERT_EQUAL(found, 1);
	/* too short with M=0: ignored, the CDN still decodes */
	memset(&r, 0, sizeof(r));
	raw_msgtype(&r, L2TP_MSG_CDN);
	raw_avp(&r, L2TP_AVP_M, 0, L2TP_AVP_RESULT_CODE, rc, sizeof(rc));
	raw_avp(&r, L2TP_AVP_M, 0, L2TP_AVP_ASSIGNED_SESSION_ID, sid, sizeof(sid));
	raw_avp(&r, 0, 0, L2TP_AVP_PPP_DISCONNECT_CAUSE, v, 4);
	CU_ASSERT_EQUAL(decode_raw(&r, NULL, &m), 0);
	CU_ASSERT_FALSE(l2tp_msg_has(&m, L2TP_AVP_PPP_DISCONNECT_CAUSE));
	CU_ASSERT_EQUAL(dctx.malformed_ignored, 1);
}

static const struct vpdn_test_case vector_tests[] = {
	{ "PPP Disconnect Cause Code (RFC 3145)", test_ppp_disconnect_cause },
	{ "challenge response vector", test_challenge_response_vector },
	{ "hidden AVP vector", test_hidden_vector },
	{ "hidden long value", test_hidden_long_value },
	{ "names", test_names },
	{ NULL, NULL },
};

static const struct vpdn_test_case header_tests[] = {
	{ "control header", test_header_control },
	{ "control header errors", test_header_control_errors },
	{ "data header", test_header_data },
	{ NULL, NULL },
};

static const struct vpdn_test_case msg_tests[] = {
	{ "round trip every message type", test_roundtrip_all_types },
	{ "round trip ZLB", test_roundtrip_zlb },
	{ "round trip data datagram", test_roundtrip_data_datagram },
	{ "round trip every AVP", test_roundtrip_every_avp },
	{ "hidden round trip each hideable AVP", test_hidden_roundtrip_each },
	{ "hidden random padding", test_hidden_padding_random },
	{ "encode errors", test_encode_errors },
	{ "mandatory AVPs per type", test_mandatory_check },
	{ NULL, NULL },
};

static const struct vpdn_test_case malformed_tests[] = {
	{ "AVP lengths", test_malformed_avp_lengths },
	{ "bad value lengths M=1/M=0", test_malformed_values },
	{ "unknown AVPs M=1/M=0", test_unknown_avps },
	{ "message type errors", test_message_type_errors },
	{ "hidden AVP errors", test_hidden_errors },
	{ "100000 random mutations", test_random_mutations },
	{ NULL, NULL },
};

static const struct vpdn_test_suite suites[] = {
	{ "l2tp-codec vectors", vector_tests, NULL, NULL },
	{ "l2tp-codec header", header_tests, NULL, NULL },
	{ "l2tp-codec messages", msg_tests, NULL, NULL },
	{ "l2tp-codec malformed", malformed_tests, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

VPDN_TEST_MAIN(suites)
