/* SPDX-License-Identifier: MIT */
/*
 * RADIUS accounting (RFC 2866) for the PPP network sessions of the node.
 *
 * Session: PPP_NETWORK_UP starts one (Acct-Status-Type Start) for the
 * interface; Interim-Update every Acct-Interim-Interval (from the Accept,
 * else the config's interim-interval, never under 10 s); PPP_NETWORK_DOWN
 * ends it: the Stop is built on the next main-loop turn, so a PPP_DOWN or
 * an L2TP SESSION_DOWN published in the same tear-down names the
 * Acct-Terminate-Cause. Counters are the network link's (the frames PPP
 * handed to IP = input, those IP handed to PPP = output).
 *
 * Authorization applied here, because this module owns the session's
 * timers: Session-Timeout and Idle-Timeout end the network by hanging its
 * link up from the IP end (PPP closes, the L2TP session goes with it), and
 * the Stop then says Session-Timeout / Idle-Timeout. Class is echoed in
 * every record.
 *
 * Records: an in-memory FIFO bounded by acct-queue, handed to the client
 * at most ACCT_WINDOW at a time, oldest first; a record leaves the FIFO
 * only when a server acknowledged it. When one goes unanswered the client
 * takes the younger ones off the wire and sends one at a time until an
 * answer comes (client.h), so records reach the server in order. While every server is down records
 * wait (in memory only: a restart loses them); a full FIFO refuses the
 * newest record with a log line and radius_acct_dropped_total.
 */
#ifndef VPDN_RADIUS_ACCT_H
#define VPDN_RADIUS_ACCT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include <glib.h>
#include <vpdnd/core.h>

#include "client.h"

#define ACCT_WINDOW 32

struct acct;
struct radius_authz;

struct acct *acct_new(struct vpdn_core *core);
void acct_free(struct acct *a);
/* radius { acct-spool }: the directory queued records are kept in (NULL:
 * memory only). Setting it replays what a previous run left there. 0 or
 * -errno (the directory cannot be made). */
int acct_set_spool(struct acct *a, const char *dir);
void acct_configure(struct acct *a, bool on, uint32_t interim_s, const char *nas_id,
		    struct in_addr nas_ip, unsigned queue_max);
/* The client to send through (NULL: hold every record). Records handed to
 * an old client are taken back, in order. */
void acct_set_client(struct acct *a, struct radius_client *c);
/* An Access-Accept for user on iface: applied when its network comes up. */
void acct_authorized(struct acct *a, const char *iface, const char *user,
		     const struct radius_authz *z);
uint64_t acct_dropped(const struct acct *a);
unsigned acct_queued(const struct acct *a);
unsigned acct_sessions(const struct acct *a);
/* Accepts waiting for their network plus L2TP lines remembered (tests:
 * both must drain). */
unsigned acct_pending(const struct acct *a);

/* Dynamic authorization (RFC 5176, dae.c): the live sessions whose
 * every given identifier matches (NULL / 0.0.0.0: not given; at least one
 * must be). Disconnect ends them (Acct-Terminate-Cause Admin-Reset); CoA
 * sets Session-Timeout (from the session's start: one already over ends
 * it now) and/or Idle-Timeout (0: none). Both return how many sessions
 * matched. */
struct acct_match {
	const char *sid, *user, *port_id;
	struct in_addr addr;
};
int acct_disconnect(struct acct *a, const struct acct_match *m);
int acct_coa(struct acct *a, const struct acct_match *m, bool has_session, uint32_t session_s,
	     bool has_idle, uint32_t idle_s);
const char *acct_nas_id(const struct acct *a);
struct in_addr acct_nas_ip(const struct acct *a);

/* RFC 2867 tunnel attributes of a record (acct-lac.c fills them). */
struct acct_tunnel {
	char client_ep[64], server_ep[64];  /* Tunnel-Client/Server-Endpoint */
	bool v6;                            /* Tunnel-Medium-Type IPv6 */
	char *client_id, *server_id;        /* Tunnel-Client/Server-Auth-Id */
	char connection[32];                /* Acct-Tunnel-Connection */
};
struct acct_tunnel *acct_tunnel_dup(const struct acct_tunnel *t);
void acct_tunnel_free(struct acct_tunnel *t);
int acct_tunnel_add(struct radius_pkt *p, const struct acct_tunnel *t);

/* A session's IPv6 counters, from the ip module (INTERFACE_COUNTERS):
 * in = from the user. on: the session had IPv6 (IPv6CP up, or IPv6
 * traffic); only then do records carry them. */
struct acct_v6 {
	bool on;
	uint64_t in_oct, out_oct, in_pkt, out_pkt;
};
/* Sent as Juniper's (Unisphere ERX, vendor 4874) IPv6 accounting
 * attributes, as FreeRADIUS's dictionary.erx names them (the man page,
 * vpdnd-radius(5), says why this set). */
#define ACCT_VENDOR_ERX 4874
enum {
	ACCT_ERX_IPV6_INPUT_OCTETS = 151,
	ACCT_ERX_IPV6_OUTPUT_OCTETS = 152,
	ACCT_ERX_IPV6_INPUT_PACKETS = 153,
	ACCT_ERX_IPV6_OUTPUT_PACKETS = 154,
	ACCT_ERX_IPV6_INPUT_GIGAWORDS = 155,
	ACCT_ERX_IPV6_OUTPUT_GIGAWORDS = 156,
};
/* The six ERX-IPv6-Acct-* attributes of c (nothing when !c->on). */
int acct_add_v6(struct radius_pkt *p, const struct acct_v6 *c);

/* A record built elsewhere (acct-lac.c: LAC sessions, RFC 2867 tunnel
 * accounting), queued in order with the others; tun is copied. */
struct acct_extra {
	uint32_t status;                    /* Acct-Status-Type */
	const char *sid, *user, *iface, *calling, *called;
	uint64_t start_ms;                  /* Acct-Session-Time from it */
	uint64_t in_oct, out_oct, in_pkt, out_pkt;
	uint32_t cause;                     /* Stop: Acct-Terminate-Cause */
	const struct acct_tunnel *tun;
};
void acct_queue_extra(struct acct *a, const struct acct_extra *x);
/* A new Acct-Session-Id (unique across restarts) into buf. */
void acct_make_sid(struct acct *a, char *buf, size_t size);
bool acct_enabled(const struct acct *a);

/* Restart in place (acct.c, docs/RESTART.md): the accounted sessions
 * (Acct-Session-Id, start, Class, timers, counters) saved; restored, they
 * are taken back at their PPP_NETWORK_UP without a Start. The state's
 * last member is acct-lac.c's (LAC sessions, tunnel accounting): version
 * 2; version 1 had none and is refused (a clean start of accounting). */
#define ACCT_STATE_VERSION 2
/* acct-lac.c's member: the time saved (realtime ms), per session
 * (tid, sid, Acct-Session-Id, the Tunnel-Link one, user, interface,
 * calling, called, LAC record, ms run, tunnel attributes), per tunnel
 * (tid, Acct-Session-Id, ms run, tunnel attributes). */
#define ACCT_LAC_TUN_T "(ssbmsmss)"
#define ACCT_LAC_SESS_T "(qqssmsmsmsmsbt" ACCT_LAC_TUN_T ")"
#define ACCT_LAC_TUNNEL_T "(qst" ACCT_LAC_TUN_T ")"
#define ACCT_LAC_STATE_TYPE "(ta" ACCT_LAC_SESS_T "a" ACCT_LAC_TUNNEL_T ")"
/* lac: acct-lac's member (ACCT_LAC_STATE_TYPE, consumed; NULL: empty). */
GVariant *acct_save(struct acct *a, GVariant *lac);
/* 0, or -EPROTO for data of another shape. *lac: acct-lac's member
 * (owned by the caller). */
int acct_restore(struct acct *a, GVariant *data, GVariant **lac);
void acct_restored_free(struct acct *a);

/* NAS-* attributes (auth-radius.c). */
int auth_radius_add_nas(struct radius_pkt *p, const char *nas_id, struct in_addr nas_ip,
			const char *iface);

#endif
