/* SPDX-License-Identifier: MIT */
/*
 * Serial lines: a port whose single "B channel" is a byte stream framed
 * with RFC 1662 async HDLC (lib/hdlc), so that an external PPP (pppd on a
 * tty, a VM's serial port through QEMU `-chardev socket`) can dial in.
 *
 * Backends (exactly one per line):
 *   device  a serial device (termios raw, speed, CLOCAL, HUPCL); a call
 *           starts on the first octets; hanging up closes and reopens the
 *           device (HUPCL drops DTR)
 *   pty     a pseudo-tty created by the line; a call starts when its slave
 *           is opened and ends when the slave is closed; a consumer's
 *           hang-up discards input until the slave closes
 *   listen  a UNIX stream socket the line listens on; a call per accepted
 *           connection (one at a time: a second caller is closed at once)
 *   connect a UNIX stream socket the line connects to (retrying every
 *           second); a call per connection
 *   fd      tests: an already connected stream (isdn_line_attach_fd)
 *
 * A call: CALL_INCOMING (request, async = true, the link with the line at
 * end A); complete 0 answers (CALL_CONNECTED), a negative cause refuses
 * (the connection is closed). Deframed frames go from end A to end B;
 * frames from end B are HDLC-encoded with the send ACCM
 * (isdn_line_set_accm, from LINK_ACCM). End of file / HUP from the peer:
 * link hang-up and CALL_CLEARED with cause 16.
 *
 * States (one machine, this file's line.c):
 *   DOWN     nothing open (device missing, connect retrying, fd closed)
 *   IDLE     open or listening, no caller
 *   RINGING  CALL_INCOMING published, no answer yet
 *   ACTIVE   answered, frames flow
 *   DRAINING pty only: the consumer hung up, waiting for the slave to close
 */
#ifndef ISDN_LINE_H
#define ISDN_LINE_H

#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/core.h>

#include "hdlc.h"

enum isdn_line_kind {
	ISDN_LINE_DEVICE = 1,
	ISDN_LINE_PTY,
	ISDN_LINE_LISTEN,
	ISDN_LINE_CONNECT,
	ISDN_LINE_FD,
};
const char *isdn_line_kind_name(enum isdn_line_kind k);

enum isdn_line_state {
	ISDN_LINE_DOWN,
	ISDN_LINE_IDLE,
	ISDN_LINE_RINGING,
	ISDN_LINE_ACTIVE,
	ISDN_LINE_DRAINING,
};
const char *isdn_line_state_name(enum isdn_line_state s);

struct isdn_line_conf {
	const char *name;          /* "tty0": port, channel and link name */
	enum isdn_line_kind kind;
	const char *path;          /* device or socket path; NULL: pty, fd */
	const char *pty_link;      /* pty: symlink made to the slave, or NULL */
	unsigned speed;            /* bit/s, device/pty */
	const char *number;        /* calling number presented, or NULL */
	const char *called;        /* called number (DNIS) presented, or NULL */
	const char *interface;     /* config interface owning the line */
};

/* What the line needs from its owner. */
struct isdn_line_host {
	uint32_t (*call_id)(void *ctx);  /* a call id unique in the node */
	void *ctx;
};

struct isdn_line;

/* Copies conf. 0 or negative errno. Nothing is opened before start. */
int isdn_line_new(struct vpdn_core *core, const struct isdn_line_conf *conf,
		  const struct isdn_line_host *host, struct isdn_line **out);
/* Open the device / create the pty / listen / connect (a connect that
 * fails is retried every second). 0 or negative errno (logged). */
int isdn_line_start(struct isdn_line *l);
/* ISDN_LINE_FD (tests) or any idle line: take a connected byte stream as
 * if a caller had connected; the call starts now. Takes fd. */
int isdn_line_attach_fd(struct isdn_line *l, int fd);
void isdn_line_free(struct isdn_line *l);

/* Read what the peer sent and process it, as the main loop does when the
 * fd is readable (tests may call it). */
void isdn_line_read(struct isdn_line *l);

/* LINK_ACCM for this line's link: send ACCM for the encoder, receive ACCM
 * for the deframer. Returns false if link is not this line's. */
bool isdn_line_set_accm(struct isdn_line *l, const struct vpdn_link *link, uint32_t send_accm,
			uint32_t recv_accm);
/* CALL_HANGUP: clear the call if it is call_id (cause 16 if 0). */
bool isdn_line_hangup(struct isdn_line *l, uint32_t call_id, int cause);
/* The peer's name learnt from PPP, for show isdn active. */
bool isdn_line_set_remote_name(struct isdn_line *l, const struct vpdn_link *link, const char *name);

/* Capture the call's frames (both directions) into cap (borrowed; NULL
 * stops). See capture.h. */
struct isdn_capture;
void isdn_line_set_capture(struct isdn_line *l, struct isdn_capture *cap);

struct isdn_line_info {
	const char *name, *path, *slave, *number, *called, *interface, *remote_name;
	enum isdn_line_kind kind;
	enum isdn_line_state state;
	unsigned speed;
	bool open;                 /* device/pty/socket open or listening */
	uint32_t call_id;          /* 0 when no call */
	uint64_t seconds;          /* since answered */
	uint32_t send_accm, recv_accm;
	uint64_t tx_frames, tx_drops, calls;
	const struct hdlc_stats *rx;
	struct vpdn_link *link;    /* current call's link or NULL */
};
void isdn_line_get_info(const struct isdn_line *l, struct isdn_line_info *info);

#endif
