/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the isdn wire codec (lib/isdn-wire/wire.c): the
 * input is a byte stream as a node or the switch reads it; every message
 * that frames and decodes must encode again to the same octets (TLVs in
 * the encoder's order aside: it is decoded a second time and compared
 * field by field), with its D channel index and call reference intact.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static void same(const struct isdn_msg *a, const struct isdn_msg *b)
{
	if (a->type != b->type || a->dchan != b->dchan || a->cref != b->cref ||
	    strcmp(a->called, b->called) || strcmp(a->calling, b->calling) ||
	    strcmp(a->port, b->port) || a->cause != b->cause || a->channel != b->channel ||
	    a->bearer_kbps != b->bearer_kbps || a->n_numbers != b->n_numbers ||
	    a->data_len != b->data_len || (a->data_len && memcmp(a->data, b->data, a->data_len)))
		abort();
	if (a->type == ISDN_MSG_REGISTER && a->channels != b->channels)
		abort();
	for (unsigned i = 0; i < a->n_numbers; i++)
		if (strcmp(a->numbers[i], b->numbers[i]))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t enc[ISDN_WIRE_MAX];
	size_t off = 0;

	while (off < size) {
		struct isdn_msg m, again;
		int fl = isdn_msg_frame_len(data + off, size - off);
		if (fl <= 0)
			break;
		if ((size_t)fl < ISDN_WIRE_HDR || (size_t)fl > size - off)
			abort();
		if (isdn_msg_decode(data + off, (size_t)fl, &m) == 0) {
			int n = isdn_msg_encode(&m, enc, sizeof(enc));
			if (n < ISDN_WIRE_HDR || isdn_msg_decode(enc, (size_t)n, &again) != 0)
				abort();
			same(&m, &again);
		}
		off += (size_t)fl;
	}
	return 0;
}
