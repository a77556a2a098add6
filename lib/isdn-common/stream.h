/* SPDX-License-Identifier: MIT */
/*
 * A stream socket carrying wire.h messages: framing, non-blocking writes
 * with a bounded backlog, one GSource for reading (and one more only while
 * writes are backlogged).
 */
#ifndef ISDN_STREAM_H
#define ISDN_STREAM_H

#include "wire.h"

struct isdn_stream;

/* A decoded message; m is borrowed for the call. The callback may send,
 * and may free the stream (the stream notices and stops). */
typedef void (*isdn_stream_msg_fn)(void *ctx, const struct isdn_msg *m);
/* The stream is unusable: err 0 end of file, -EBADMSG a malformed message
 * from the peer, -ENOBUFS the peer does not read, else -errno. Called at
 * most once; the owner must free the stream (from here is fine). */
typedef void (*isdn_stream_closed_fn)(void *ctx, int err);

/* Takes ownership of fd (made non-blocking). NULL on failure (fd closed). */
struct isdn_stream *isdn_stream_new(int fd, isdn_stream_msg_fn on_msg,
				    isdn_stream_closed_fn on_closed, void *ctx);
/* 0, or negative errno: the message is refused (-EINVAL bad field) or the
 * stream has failed (the closed callback then runs from the main loop). */
int isdn_stream_send(struct isdn_stream *s, const struct isdn_msg *m);
void isdn_stream_free(struct isdn_stream *s);

/* Restart in place (docs/RESTART.md). The socket (still the stream's);
 * write what is queued, waiting at most timeout_ms (0, or -errno: some
 * of it is lost); the octets read but not yet a whole message (*len). */
int isdn_stream_fd(const struct isdn_stream *s);
int isdn_stream_flush(struct isdn_stream *s, int timeout_ms);
const uint8_t *isdn_stream_pending_rx(const struct isdn_stream *s, size_t *len);
/* The successor's stream starts with those octets (a message's head):
 * 0, or -EINVAL if they do not fit. */
int isdn_stream_prefill(struct isdn_stream *s, const uint8_t *p, size_t len);

/* "unix:/path" or "/path" -> "/path"; NULL if neither. */
const char *isdn_unix_path(const char *spec);

#endif
