/* SPDX-License-Identifier: MIT */
/* A serial line's state, shared by line.c (the calls) and line-stream.c
 * (the byte stream under them). See line.h. */
#ifndef LINE_PRIVATE_H
#define LINE_PRIVATE_H

#include <glib.h>
#include <stdbool.h>
#include <stdint.h>

#include "capture.h"
#include "line.h"

#define LINE_RETRY_MS 1000      /* connect / reopen retry */
#define LINE_PTY_POLL_MS 250    /* pty: is the slave open yet? */
#define LINE_MAX_FRAME HDLC_FRAME_MAX(4096)
#define LINE_TX_BUF (64 * 1024)
#define LINE_RX_CHUNK 4096

/* One GSource per fd: readable / writable / hung up. */
struct fd_watch {
	GSource base;
	gpointer tag;
	struct line *l;
	void (*fn)(struct line *l, GIOCondition rev);
};

struct line {
	struct vpdn_core *core;
	struct vpdn_log *log;
	struct vpdn_bus *bus;
	struct vpdn_timers *tm;
	char *name, *path, *pty_link, *number, *called, *interface;
	enum line_kind kind;
	enum line_calls mode;   /* which calls: in, out, both */
	unsigned speed;
	enum line_state state;
	char slave[64];              /* pty slave path */

	int lfd;                     /* listening socket */
	struct fd_watch *lwatch;
	int fd;                      /* the byte stream: device, pty master, connection */
	struct fd_watch *watch;      /* NULL while the fd is not watched (idle pty) */
	struct vpdn_timer retry;     /* reconnect, reopen, pty poll */

	/* the call */
	uint32_t call_id;
	struct vpdn_link *link;      /* one reference; end A is ours */
	struct vpdn_link *old_link;  /* the last call's, if its consumer hung up:
					kept until the next call, as the consumer
					may still detach from it */
	struct vpdn_request *req;    /* CALL_INCOMING pending */
	bool published;
	bool in_feed;                /* inside hdlc_deframer_feed */
	int deferred_hangup;         /* consumer hung up during feed: cause */
	uint64_t active_at;
	char remote_name[64];
	uint64_t calls, calls_out;
	bool outgoing;               /* the current call is ours (dial-out) */
	char dialled[32];            /* its called number */
	uint64_t idle_octets;        /* dial-out line: octets while idle, discarded */
	bool adopted;                /* its stream was handed over by a restart in place */

	struct hdlc_deframer *deframer;
	struct hdlc_stats seen;      /* deframer stats already added to counters */
	uint32_t send_accm;
	uint8_t *tx;                 /* LINE_TX_BUF: encoded octets not yet written */
	size_t tx_head, tx_tail;
	uint64_t tx_frames, tx_drops;
	uint8_t rx[LINE_RX_CHUNK];

	uint64_t *c_bad_fcs, *c_aborts, *c_runts, *c_calls, *c_calls_out;
	struct isdn_capture *cap;    /* borrowed: line_set_capture */
};

/* line.c: the one place the line's state changes (logs "from -> to"). */
void line_set_state(struct line *l, enum line_state s);
/* line.c: a caller is on the byte stream (fd open and watched): offer
 * the call (CALL_INCOMING). */
void line_start_call(struct line *l);
/* line.c: the call is over (see there). */
void line_end_call(struct line *l, int cause, bool by_peer, bool tell_link);
/* line.c: deframer output (a frame from the peer). */
void line_deframed(const uint8_t *frame, size_t len, void *data);

/* line.c, restart in place (line-state.c): the call active again on the
 * adopted stream, with its id and ACCMs, up for up_ms already. */
void line_restore_call(struct line *l, uint32_t call_id, bool outgoing, const char *dialled,
		       const char *remote, uint32_t send_accm, uint32_t recv_accm, uint64_t up_ms);

/* line-stream.c: the byte stream. */
void line_watch_free(struct fd_watch **w);
void line_flush_tx(struct line *l);
void line_close_stream(struct line *l);
void line_drop_stream(struct line *l);
/* After a call or a lost stream: be ready for the next caller. */
void line_open_again(struct line *l);
void line_on_retry(struct vpdn_timer *t, void *data);
/* A dial-out connect line: connect now. 0 or negative errno. */
int line_dial_connect(struct line *l);

#endif
