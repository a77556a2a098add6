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
 *   fd      tests: an already connected stream (line_attach_fd)
 *
 * A call: CALL_INCOMING (request, async = true, the link with the line at
 * end A); complete 0 answers (CALL_CONNECTED), a negative cause refuses
 * (the connection is closed). Deframed frames go from end A to end B;
 * frames from end B are HDLC-encoded with the send ACCM
 * (line_set_accm, from LINK_ACCM). End of file / HUP from the peer:
 * link hang-up and CALL_CLEARED with cause 16.
 *
 * Outgoing calls (`calls = "out"` or `"both"`, device and connect lines):
 * a direct-connect line, no modem and no chat script, as an IOS async line
 * in a dialer rotary group would be with a null modem. A dial (CALL_PLACE
 * naming the line or its interface, or any free dial-out line) is:
 *   device   the device is open (DTR up): the call is connected at once;
 *   connect  the line stays unconnected while idle; the dial connects to
 *            the socket and the call is connected when that succeeds
 *            (refused, missing: cause 27, destination out of order).
 * The called number is not dialled (there is nothing to dial it to): it is
 * logged ("number 6121 not dialled, direct-connect line"), kept with the
 * call (show isdn active: Out, called 6121) and counted
 * (line_calls_out_total). A busy line refuses a dial with cause 34
 * (no channel: a rotary hunt tries its next member), a device line that is
 * not open with 47 (resource unavailable). The call ends as an incoming
 * one does: the peer's EOF/HUP (cause 16), the consumer's hang-up or
 * CALL_HANGUP. A connect line then closes its connection and stays idle
 * (unconnected); a device line closes (HUPCL drops DTR) and reopens.
 * On a "out" line, octets received while idle are discarded (counted):
 * only "in" and "both" lines take them as an incoming call.
 *
 * States (one machine, this file's line.c):
 *   DOWN     nothing open (device missing, connect retrying, fd closed)
 *   IDLE     open or listening, no caller; a dial-out connect line: not
 *            connected, ready to dial
 *   RINGING  CALL_INCOMING published, no answer yet
 *   ACTIVE   answered (incoming) or connected (outgoing), frames flow
 *   DRAINING pty only: the consumer hung up, waiting for the slave to close
 *
 *   IDLE --octets (in, both)--> RINGING --answer--> ACTIVE
 *   IDLE --dial (out, both)---> ACTIVE (device; connect once connected)
 *   ACTIVE --EOF/HUP, hang-up--> DOWN -> IDLE (reopen) | IDLE (connect out)
 */
#ifndef LINE_H
#define LINE_H

#include <stdbool.h>
#include <stdint.h>

#include <vpdnd/core.h>

#include "hdlc.h"

enum line_kind {
	LINE_DEVICE = 1,
	LINE_PTY,
	LINE_LISTEN,
	LINE_CONNECT,
	LINE_FD,
};
const char *line_kind_name(enum line_kind k);

enum line_state {
	LINE_DOWN,
	LINE_IDLE,
	LINE_RINGING,
	LINE_ACTIVE,
	LINE_DRAINING,
};
const char *line_state_name(enum line_state s);

/* Which calls a line takes (config `calls`). */
enum line_calls {
	LINE_CALLS_IN = 0,    /* default: answers callers only */
	LINE_CALLS_OUT,       /* places calls only (device, connect) */
	LINE_CALLS_BOTH,      /* both (device) */
};
const char *line_calls_name(enum line_calls c);
/* 0 if a line of this kind may take these calls, else -EINVAL. */
int line_calls_check(enum line_kind kind, enum line_calls calls);

struct line_conf {
	const char *name;          /* "tty0": port, channel and link name */
	enum line_kind kind;
	const char *path;          /* device or socket path; NULL: pty, fd */
	const char *pty_link;      /* pty: symlink made to the slave, or NULL */
	unsigned speed;            /* bit/s, device/pty */
	const char *number;        /* calling number presented, or NULL */
	const char *called;        /* called number (DNIS) presented, or NULL */
	const char *interface;     /* config interface owning the line */
	enum line_calls calls;
};

struct line;

/* Copies conf. 0 or negative errno. Nothing is opened before start. */
int line_new(struct vpdn_core *core, const struct line_conf *conf, struct line **out);
/* Open the device / create the pty / listen / connect (a connect that
 * fails is retried every second). 0 or negative errno (logged). */
int line_start(struct line *l);
/* LINE_FD (tests) or any idle line: take a connected byte stream as
 * if a caller had connected; the call starts now. Takes fd. */
int line_attach_fd(struct line *l, int fd);
void line_free(struct line *l);

/* Read what the peer sent and process it, as the main loop does when the
 * fd is readable (tests may call it). */
void line_read(struct line *l);

/* LINK_ACCM for this line's link: send ACCM for the encoder, receive ACCM
 * for the deframer. Returns false if link is not this line's. */
bool line_set_accm(struct line *l, const struct vpdn_link *link, uint32_t send_accm,
			uint32_t recv_accm);
/* CALL_HANGUP: clear the call if it is call_id (cause 16 if 0). */
bool line_hangup(struct line *l, uint32_t call_id, int cause);
/* May this line place a call now (a dial-out line, idle)? */
bool line_can_dial(const struct line *l);
/* Does name designate this line (its name or its config interface)? */
bool line_matches(const struct line *l, const char *name);
/* CALL_PLACE on this line: completes req (taken from the event) with the
 * connected call (0, vpdn_ev_call with the link at end A) or -cause, and
 * publishes CALL_CONNECTED. number: the called number (recorded, not
 * dialled). Returns 0 or the negative cause it completed req with. */
int line_dial(struct line *l, const char *number, struct vpdn_request *req);

/* The peer's name learnt from PPP, for show isdn active. */
bool line_set_remote_name(struct line *l, const struct vpdn_link *link, const char *name);

/* Capture the call's frames (both directions) into cap (borrowed; NULL
 * stops). See capture.h. */
struct isdn_capture;
void line_set_capture(struct line *l, struct isdn_capture *cap);

struct line_info {
	const char *name, *path, *slave, *number, *called, *interface, *remote_name;
	enum line_kind kind;
	enum line_state state;
	enum line_calls mode; /* config `calls` */
	bool outgoing;             /* the current call was placed by us */
	const char *dialled;       /* its called number (outgoing), or NULL */
	unsigned speed;
	bool open;                 /* device/pty/socket open or listening */
	uint32_t call_id;          /* 0 when no call */
	uint64_t seconds;          /* since answered */
	uint32_t send_accm, recv_accm;
	uint64_t tx_frames, tx_drops, calls, calls_out, idle_octets;
	const struct hdlc_stats *rx;
	struct vpdn_link *link;    /* current call's link or NULL */
};
void line_get_info(const struct line *l, struct line_info *info);

#endif
