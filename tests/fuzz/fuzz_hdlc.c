/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for lib/hdlc: the deframer gets arbitrary bytes in
 * arbitrary chunks under a fuzzer-chosen receive ACCM and frame bound;
 * every frame it delivers must survive an encode/deframe round trip.
 *
 * Input: [0..3] receive ACCM, [4..5] max frame, [6] chunk seed, rest data.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdlc.h"

struct ctx {
	uint32_t accm;
	size_t max_frame;
	unsigned frames;
};

struct check {
	const uint8_t *want;
	size_t want_len;
	unsigned got;
};

static void on_check(const uint8_t *frame, size_t len, void *data)
{
	struct check *c = data;

	if (len != c->want_len || memcmp(frame, c->want, len) != 0)
		abort();
	c->got++;
}

static void on_frame(const uint8_t *frame, size_t len, void *data)
{
	struct ctx *x = data;
	static uint8_t enc[HDLC_ENCODED_MAX(65536 + 4)];
	struct check c = { .want = frame, .want_len = len };
	struct hdlc_deframer *d;
	ssize_t n;

	if (len < 2 || len > x->max_frame)
		abort();
	x->frames++;
	/* re-encode with the ACCM the receiver expects, decode again */
	n = hdlc_encode(x->accm, 0, frame, len, enc, sizeof(enc));
	if (n < 0 || (size_t)n > HDLC_ENCODED_MAX(len))
		abort();
	d = hdlc_deframer_new(x->max_frame, on_check, &c);
	if (!d)
		abort();
	hdlc_deframer_set_accm(d, x->accm);
	hdlc_deframer_feed(d, enc, (size_t)n);
	if (c.got != 1)
		abort();
	hdlc_deframer_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctx x = {0};
	struct hdlc_deframer *d;
	unsigned seed;
	size_t pos = 7;

	if (size < 7)
		return 0;
	x.accm = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
		 (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
	x.max_frame = ((size_t)data[4] << 8 | data[5]) % 2048;
	seed = data[6];
	d = hdlc_deframer_new(x.max_frame, on_frame, &x);
	if (!d)
		return 0;
	if (x.max_frame == 0)
		x.max_frame = HDLC_FRAME_MAX(HDLC_MRU_DEFAULT);
	hdlc_deframer_set_accm(d, x.accm);
	while (pos < size) {
		size_t chunk = 1 + (seed = seed * 1103515245u + 12345u) % 64;
		if (chunk > size - pos)
			chunk = size - pos;
		hdlc_deframer_feed(d, data + pos, chunk);
		pos += chunk;
	}
	const struct hdlc_stats *st = hdlc_deframer_stats(d);
	if (st->frames != x.frames)
		abort();
	hdlc_deframer_free(d);

	/* the encoder on the raw input as a frame */
	if (size > 7) {
		static uint8_t enc[HDLC_ENCODED_MAX(1 << 20)];
		size_t len = size - 7 < (1 << 20) ? size - 7 : (1 << 20);
		if (hdlc_encode(x.accm, data[6] & 1, data + 7, len, enc, sizeof(enc)) < 0)
			abort();
		(void)hdlc_fcs16(HDLC_FCS_INIT, data, size);
	}
	return 0;
}
