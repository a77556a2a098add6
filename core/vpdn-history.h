/* SPDX-License-Identifier: MIT */
/*
 * Ended VPDN sessions (IOS `show vpdn history failure`): what one ended
 * session was (struct vpdn_session_end, also the SessionDown signal's
 * content), why it ended (session-cause.c), and the bounded history of
 * the last N (vpdn-history.c). Not part of the SDK.
 */
#ifndef VPDND_VPDN_HISTORY_H
#define VPDND_VPDN_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <vpdnd/events.h>

/* Strings are owned (g_malloc'd, valid UTF-8, never NULL once filled by
 * vpdn_session_end_finish()); cause is a static slug. */
struct vpdn_session_end {
	uint64_t ended_unix;            /* wall clock, seconds since the epoch */
	uint64_t started_ms, ended_ms;  /* the timers' clock */
	uint16_t tunnel_id, session_id, peer_tunnel_id, peer_session_id;
	enum vpdn_call_dir dir;
	char *user, *interface, *peer_name, *peer_address;
	char *local_address, *remote_address;   /* IPCP's, "" unknown */
	enum vpdn_end_side ended_by;
	uint16_t result, error;         /* CDN result/error code */
	uint16_t q931;                  /* Q.931 cause, 0 none */
	bool ppp_known;                 /* RFC 3145 cause from the local PPP */
	uint16_t ppp_code, ppp_protocol;
	uint8_t ppp_direction;          /* enum vpdn_ppp_disconnect_dir */
	const char *cause;              /* vpdn_session_cause() */
	char *reason;                   /* vpdn_session_cause_text() */
};

void vpdn_session_end_free(struct vpdn_session_end *e);
/* Fill cause and reason, and turn NULL strings into "". */
void vpdn_session_end_finish(struct vpdn_session_end *e);

/* session-cause.c. A slug from a fixed set (metric labels stay bounded
 * whatever the peer sends): "ppp-auth-failed", "q931-user-busy",
 * "l2tp-admin", ..., "l2tp-other". */
const char *vpdn_session_cause(const struct vpdn_session_end *e);
/* One line for people: "PPP: authentication failed (protocol 0xC223,
 * local); L2TP result 2 (general error), error 6 (vendor specific)". */
char *vpdn_session_cause_text(const struct vpdn_session_end *e);
/* TUNNEL_DOWN: "l2tp-clear", "l2tp-no-control-connection", ... */
const char *vpdn_tunnel_cause(int result, int error);
char *vpdn_tunnel_cause_text(int result, int error);
/* A copy of s fit for D-Bus and JSON: valid UTF-8 (bad bytes become
 * U+FFFD), at most max bytes, "" for NULL. */
char *vpdn_text_sanitize(const char *s, size_t max);

/* The last `size` ended sessions, newest first. */
struct vpdn_history;
struct vpdn_history *vpdn_history_new(unsigned size);
void vpdn_history_free(struct vpdn_history *h);
/* Takes e (freed at once when the size is 0). */
void vpdn_history_add(struct vpdn_history *h, struct vpdn_session_end *e);
/* Keeps the newest entries that fit. */
void vpdn_history_set_size(struct vpdn_history *h, unsigned size);
unsigned vpdn_history_size(const struct vpdn_history *h);
unsigned vpdn_history_count(const struct vpdn_history *h);
/* Every entry ever added, kept or not. */
uint64_t vpdn_history_total(const struct vpdn_history *h);
/* i = 0: the newest; NULL past the end. O(i): walk with
 * vpdn_history_entries() instead. */
const struct vpdn_session_end *vpdn_history_at(const struct vpdn_history *h, unsigned i);
/* The entries, newest first (data: const struct vpdn_session_end *). */
const GList *vpdn_history_entries(const struct vpdn_history *h);

#define VPDN_HISTORY_SIZE_DEFAULT 100
#define VPDN_HISTORY_SIZE_MAX 10000

#endif
