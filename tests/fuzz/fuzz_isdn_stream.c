/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the ISDN message stream (lib/isdn-common/stream.c):
 * the octets a node or the switch receives on its UNIX socket, delivered
 * in pieces (the first input octet says where the first piece ends, so
 * messages are cut across recv() calls), then end of file. The stream must
 * hand every message it frames to the callback, stop at the first
 * malformed one, and report the end exactly once.
 */
#include <glib.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "stream.h"

struct run {
	unsigned msgs;
	int closed;     /* times on_closed ran */
	struct isdn_stream *s;
};

static void on_msg(void *ctx, const struct isdn_msg *m)
{
	struct run *r = ctx;

	/* a frame's data lies within one framed message */
	if (m->data_len > ISDN_WIRE_MAX || (m->data_len && !m->data))
		abort();
	if (m->data_len)
		(void)*(volatile const uint8_t *)(m->data + m->data_len - 1);
	r->msgs++;
}

static void on_closed(void *ctx, int err)
{
	struct run *r = ctx;

	if (++r->closed > 1)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct run r = { 0 };
	int sv[2];
	size_t cut;

	if (size < 1 || size > 64 * 1024)
		return 0;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return 0;
	r.s = isdn_stream_new(sv[0], on_msg, on_closed, &r);
	if (!r.s) {
		close(sv[1]);
		return 0;
	}
	cut = 1 + (size_t)data[0] * (size - 1) / 255;
	if (cut > 1)
		(void)!write(sv[1], data + 1, cut - 1);
	for (int i = 0; i < 4; i++)
		g_main_context_iteration(NULL, FALSE);
	if (cut < size)
		(void)!write(sv[1], data + cut, size - cut);
	close(sv[1]);
	for (int i = 0; i < 64 && !r.closed; i++)
		g_main_context_iteration(NULL, FALSE);
	if (!r.closed)
		abort();        /* end of file (or a bad message) must be reported */
	isdn_stream_free(r.s);
	/* nothing of the stream may fire after it is freed */
	while (g_main_context_iteration(NULL, FALSE))
		;
	return 0;
}
