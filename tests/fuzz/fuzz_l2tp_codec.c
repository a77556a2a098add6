/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the L2TPv2 codec: decodes arbitrary datagrams (with
 * and without a shared secret), and re-encodes what decodes, checking that
 * the re-encoding decodes again to the same message type and AVP set.
 * Build: see tests/fuzz/README-l2tp.txt.
 */
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "codec.h"

static struct l2tp_decode_ctx dctx;
static struct l2tp_decode_ctx dctx2;
static uint8_t out[70000];

static int fixed_random(void *buf, size_t len, void *data)
{
	memset(buf, 0x5a, len);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t secret[] = "cisco";
	struct l2tp_header hdr;
	struct l2tp_msg msg, again;
	struct l2tp_encode_ctx ectx = { secret, 5, fixed_random, NULL };
	unsigned missing;
	int r, n;

	/* Exact-size copy so that any over-read is caught by ASan. */
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	if (size)
		memcpy(buf, data, size);

	for (int with_secret = 0; with_secret <= 1; with_secret++) {
		l2tp_decode_ctx_init(&dctx, with_secret ? secret : NULL, 5);
		r = l2tp_datagram_decode(buf, size, &hdr, &msg, &dctx);
		if (r < 0) {
			if (dctx.err.code != r || !dctx.err.what)
				abort();
			continue;
		}
		if (hdr.hdr_len + hdr.payload_len > size)
			abort();
		if (!l2tp_header_is_control(&hdr))
			continue;
		/* debug vpdn l2x-packets renders what the network sent: one
		 * bounded line (a small buffer to exercise the cut too). */
		{
			char text[900], small[48];

			l2tp_msg_format(&hdr, &msg, text, sizeof(text));
			l2tp_msg_format(&hdr, &msg, small, sizeof(small));
			if (strlen(text) >= sizeof(text) || strlen(small) >= sizeof(small) ||
			    strchr(text, '\n'))
				abort();
		}
		if (l2tp_header_is_zlb(&hdr))
			continue;
		(void)l2tp_msg_check_mandatory(&msg, &missing);
		(void)l2tp_msg_type_name(msg.message_type);

		/* Re-encode: must succeed unless a value cannot be re-encoded
		 * (e.g. a hidden Random Vector situation); if it succeeds it
		 * must decode to the same AVP set. */
		n = l2tp_control_encode(out, sizeof(out), hdr.tunnel_id, hdr.session_id,
					hdr.ns, hdr.nr, &msg, &ectx);
		if (n < 0)
			continue;
		l2tp_decode_ctx_init(&dctx2, secret, 5);
		r = l2tp_datagram_decode(out, (size_t)n, &hdr, &again, &dctx2);
		if (r != 0)
			abort();
		if (again.message_type != msg.message_type)
			abort();
		if ((again.present & ~((uint64_t)1 << L2TP_AVP_RANDOM_VECTOR)) !=
		    (msg.present & ~((uint64_t)1 << L2TP_AVP_RANDOM_VECTOR)))
			abort();
	}

	/* Decoding past an unknown M-bit AVP (what a tunnel does so that a
	 * session message ends its session only): the same answer as a
	 * plain decode when that succeeds; -ENOTSUP (error 8) with the
	 * message filled when it stopped at an unknown AVP. */
	{
		struct l2tp_msg plain;
		int r0;

		l2tp_decode_ctx_init(&dctx, secret, 5);
		r0 = l2tp_datagram_decode(buf, size, &hdr, &plain, &dctx);
		l2tp_decode_ctx_init(&dctx2, secret, 5);
		dctx2.past_unknown_m = true;
		r = l2tp_datagram_decode(buf, size, &hdr, &msg, &dctx2);
		if (r < 0 && (dctx2.err.code != r || !dctx2.err.what))
			abort();
		if (r0 == 0 && (r != 0 || msg.present != plain.present))
			abort();
		if (r == -ENOTSUP && dctx2.err.l2tp_error != L2TP_ERR_UNKNOWN_MANDATORY_AVP)
			abort();
		if (r0 == -ENOTSUP && r == -ENOTSUP && msg.message_type != plain.message_type)
			abort();
	}
	free(buf);
	return 0;
}
