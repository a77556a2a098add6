/* SPDX-License-Identifier: MIT */
/* Hidden AVPs (RFC 2661 §4.3), tunnel authentication (§4.4.3), randomness. */
#include <errno.h>
#include <glib.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"
#include "codec-private.h"

#define MD5_LEN 16

static void md5_3(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen,
		  const uint8_t *c, size_t clen, uint8_t out[MD5_LEN])
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
	gsize outlen = MD5_LEN;

	if (alen)
		g_checksum_update(ck, a, alen);
	if (blen)
		g_checksum_update(ck, b, blen);
	if (clen)
		g_checksum_update(ck, c, clen);
	g_checksum_get_digest(ck, out, &outlen);
	g_checksum_free(ck);
}

/* XOR in with the key stream into out (in and out may not overlap). The key
 * stream's next block depends on the ciphertext: cipher points to in when
 * decrypting and to out when encrypting. */
static void hidden_xor(uint16_t type, const uint8_t *secret, size_t secret_len,
		       const uint8_t *rv, size_t rv_len, const uint8_t *in,
		       uint8_t *out, size_t len, bool encrypt)
{
	uint8_t b[MD5_LEN];
	uint8_t t[2];
	size_t i, j, n;

	l2tp_put16(t, type);
	md5_3(t, 2, secret, secret_len, rv, rv_len, b);
	for (i = 0; i < len; i += MD5_LEN) {
		n = len - i < MD5_LEN ? len - i : MD5_LEN;
		if (i > 0) {
			const uint8_t *prev = encrypt ? out + i - MD5_LEN : in + i - MD5_LEN;
			md5_3(secret, secret_len, prev, MD5_LEN, NULL, 0, b);
		}
		for (j = 0; j < n; j++)
			out[i + j] = in[i + j] ^ b[j];
	}
}

int l2tp_hide(uint16_t type, const uint8_t *secret, size_t secret_len,
	      const uint8_t *rv, size_t rv_len, const uint8_t *value, size_t len,
	      const uint8_t *pad, size_t pad_len, uint8_t *out, size_t out_cap)
{
	uint8_t plain[L2TP_AVP_MAX_LEN];
	size_t total = 2 + len + pad_len;

	if (!secret || !rv || rv_len == 0 || (len && !value) || (pad_len && !pad))
		return -EINVAL;
	if (total > L2TP_AVP_MAX_LEN - L2TP_AVP_HDR_LEN)
		return -EINVAL;
	if (total > out_cap)
		return -ENOSPC;
	l2tp_put16(plain, (uint16_t)len);
	if (len)
		memcpy(plain + 2, value, len);
	if (pad_len)
		memcpy(plain + 2 + len, pad, pad_len);
	hidden_xor(type, secret, secret_len, rv, rv_len, plain, out, total, true);
	memset(plain, 0, sizeof(plain));
	return (int)total;
}

int l2tp_unhide(uint16_t type, const uint8_t *secret, size_t secret_len,
		const uint8_t *rv, size_t rv_len, const uint8_t *in, size_t in_len,
		uint8_t *out, size_t out_cap)
{
	uint16_t orig;

	if (!secret || !rv || rv_len == 0 || !in || !out)
		return -EINVAL;
	if (in_len > out_cap)
		return -ENOSPC;
	if (in_len < 2)
		return -EBADMSG;
	hidden_xor(type, secret, secret_len, rv, rv_len, in, out, in_len, false);
	orig = l2tp_get16(out);
	if ((size_t)orig > in_len - 2)
		return -EBADMSG;
	return orig;
}

void l2tp_challenge_response(uint8_t msg_type, const uint8_t *secret,
			     size_t secret_len, const uint8_t *challenge,
			     size_t challenge_len, uint8_t out[16])
{
	md5_3(&msg_type, 1, secret, secret ? secret_len : 0, challenge,
	      challenge ? challenge_len : 0, out);
}

bool l2tp_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile uint8_t *x = a, *y = b;
	uint8_t d = 0;

	for (size_t i = 0; i < len; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

int l2tp_random_bytes(void *buf, size_t len, void *data)
{
	arc4random_buf(buf, len); /* glibc 2.36: cannot fail */
	return 0;
}
